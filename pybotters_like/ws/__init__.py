"""WebSocket layer: WebSocketApp (connect, login, subscribe, receive, reconnect).

Public names: :class:`WebSocketApp`, :class:`WebSocketQueue`,
:class:`WebSocketConnection` (what ``current_ws`` and handlers get),
:class:`Backoff`, the health/event types and the host-hook registry
(:func:`register_ws_hooks`, :func:`lookup_ws_hooks`, :class:`WsHostHooks`).
This package knows no exchange; exchange hooks live in
``pybotters_like/exchanges/<name>/ws.py``.
"""

from __future__ import annotations

from pybotters_like.ws.app import WebSocketApp
from pybotters_like.ws.backoff import DEFAULT_BACKOFF, Backoff
from pybotters_like.ws.connection import WebSocketConnection
from pybotters_like.ws.health import (
    AppState,
    ConnectEvent,
    DisconnectEvent,
    ReconnectEvent,
    WebSocketHealth,
)
from pybotters_like.ws.hooks import (
    AppPing,
    LoginPlan,
    LoginVerdict,
    WsHostHooks,
    hooks_for_hosts,
    lookup_ws_hooks,
    register_ws_hooks,
    unregister_ws_hooks,
)
from pybotters_like.ws.queue import WebSocketQueue

__all__ = [
    "DEFAULT_BACKOFF",
    "AppPing",
    "AppState",
    "Backoff",
    "ConnectEvent",
    "DisconnectEvent",
    "LoginPlan",
    "LoginVerdict",
    "ReconnectEvent",
    "WebSocketApp",
    "WebSocketConnection",
    "WebSocketHealth",
    "WebSocketQueue",
    "WsHostHooks",
    "hooks_for_hosts",
    "lookup_ws_hooks",
    "register_ws_hooks",
    "unregister_ws_hooks",
]
