"""The WebSocket host-hook registry: exact hostname -> what to do on that host.

Owns the hook types (login plan and verdict, application-level ping, send
pacing, per-message signer, binary-frame decoder) and the table that maps a
lower-case hostname to a :class:`WsHostHooks`. Exchange knowledge lives in
``pybotters_like/exchanges/<name>/ws.py`` modules listed in
:data:`pybotters_like.exchanges.catalog.WS_MODULES`; each exports
``HOOKS: tuple[WsHostHooks, ...]``. They are loaded lazily on first lookup.

Every hook is a pure function of its inputs (URL, credential, ``now`` from the
injected clock, the message): no sockets, no sleeping, no mutation of the
caller's message. The app does the I/O.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.errors import WebSocketError

__all__ = [
    "AppPing",
    "FrameDecoder",
    "LoginBuilder",
    "LoginClassifier",
    "LoginPlan",
    "LoginVerdict",
    "MessageSigner",
    "PingSelector",
    "WsHostHooks",
    "hooks_for_hosts",
    "lookup_ws_hooks",
    "register_ws_hooks",
    "registered_ws_hosts",
    "unregister_ws_hooks",
]


@dataclass(frozen=True, slots=True)
class LoginVerdict:
    """The answer a login classifier found in a frame: accepted or rejected."""

    ok: bool
    detail: str = ""


LoginClassifier = Callable[[Any], "LoginVerdict | None"]
"""``classify(parsed_json_frame) -> LoginVerdict | None``; None: not the login ack."""


@dataclass(frozen=True, slots=True)
class LoginPlan:
    """What to send to log in on a fresh connection, and how to read the ack.

    Attributes:
        message: A ``str`` is sent as a text frame as is; anything else is
            JSON-encoded.
        classify: Recognises the ack among parsed JSON frames. ``None`` means the
            exchange sends no ack worth waiting for (MEXC): the login counts as
            done once sent.
    """

    message: Any
    classify: LoginClassifier | None


LoginBuilder = Callable[[URL, Credential, float], "LoginPlan | None"]
"""``build(url, credential, now_seconds) -> LoginPlan``; None skips login for this URL
(e.g. Bybit and Bitget ``/public`` streams)."""


@dataclass(frozen=True, slots=True)
class AppPing:
    """An application-level keepalive sent every ``interval`` seconds.

    Attributes:
        interval: Seconds between two pings.
        build: ``build(now_seconds) -> str``: the text to send (ignored for
            ``frame="pong"``).
        frame: ``"text"`` sends ``build(now)`` as a text frame; ``"pong"`` sends
            an unsolicited protocol PONG frame with an empty payload (Binance).
    """

    interval: float
    build: Callable[[float], str]
    frame: Literal["text", "pong"] = "text"


PingSelector = Callable[[URL], "AppPing | None"]
"""``select(url) -> AppPing | None``; lets one host ping differently per path (BitTrade)."""

MessageSigner = Callable[[Any, URL, Credential, float], Any]
"""``sign(message, url, credential, now_seconds) -> new_message``.

Must return a new object and never mutate ``message`` (replays re-sign the
original). Return ``message`` itself when it needs no signature."""

FrameDecoder = Callable[[bytes], bytes]
"""``decode(binary_frame) -> bytes`` for JSON handlers (e.g. OKJ raw deflate)."""


@dataclass(frozen=True, slots=True)
class WsHostHooks:
    """Everything exchange-specific the WebSocketApp does for one hostname.

    Attributes:
        host: Exact lower-case hostname.
        exchange: Human name used in logs and health snapshots.
        credential: The ``apis`` entry name used by ``login`` and ``sign``.
        login: Builds the login message sent on every connect (needs credentials).
        ping: Chooses the application-level keepalive for a URL.
        send_interval: Minimum seconds between two sends through the app
            (``send_*`` replay and ``current_ws.send_*``), e.g. 1.0 for 1/s.
        sign: Signs outgoing ``send_json`` messages (needs credentials).
        decode: Turns binary frames into bytes a JSON parser accepts.
    """

    host: str
    exchange: str
    credential: str | None = None
    login: LoginBuilder | None = None
    ping: PingSelector | None = None
    send_interval: float | None = None
    sign: MessageSigner | None = None
    decode: FrameDecoder | None = None


def hooks_for_hosts(hosts: Iterable[str], **fields: Any) -> tuple[WsHostHooks, ...]:
    """Build one :class:`WsHostHooks` per hostname sharing ``fields``.

    Example:
        >>> hooks_for_hosts(["a.example", "b.example"], exchange="Example")[1].host
        'b.example'
    """
    return tuple(WsHostHooks(host=h, **fields) for h in hosts)


_table: dict[str, WsHostHooks] = {}
_builtins_loaded = False


def _load_builtins() -> None:
    global _builtins_loaded
    if _builtins_loaded:
        return
    _builtins_loaded = True
    from pybotters_like.exchanges.catalog import WS_MODULES

    for module_name in WS_MODULES:
        module = importlib.import_module(module_name)
        for entry in module.HOOKS:
            _table.setdefault(entry.host, entry)


def lookup_ws_hooks(host: str | None) -> WsHostHooks | None:
    """Return the hooks for an exact (case-insensitive) hostname, or None."""
    if not _builtins_loaded:
        _load_builtins()
    if not host:
        return None
    return _table.get(host.lower())


def registered_ws_hosts() -> dict[str, WsHostHooks]:
    """Return a copy of the whole table (built-ins and user registrations)."""
    _load_builtins()
    return dict(_table)


def register_ws_hooks(hooks: WsHostHooks, *, replace_existing: bool = False) -> WsHostHooks:
    """Register hooks for ``hooks.host``; apps created afterwards use them.

    Args:
        hooks: The hooks; ``host`` must be a bare hostname.
        replace_existing: Allow replacing an existing (including built-in) entry.

    Example:
        >>> from pybotters_like.ws.hooks import AppPing, WsHostHooks, register_ws_hooks
        >>> entry = register_ws_hooks(WsHostHooks(
        ...     host="ws.example.com", exchange="Example",
        ...     ping=lambda url: AppPing(15.0, lambda now: "ping")))
    """
    host = hooks.host.strip().lower()
    if not host or "/" in host or ":" in host:
        raise WebSocketError(
            f"ws hooks need a bare hostname such as 'ws.example.com', got {hooks.host!r}"
        )
    if hooks.send_interval is not None and hooks.send_interval < 0:
        raise WebSocketError(f"send_interval for host {host} must be >= 0")
    _load_builtins()
    if host in _table and not replace_existing:
        raise WebSocketError(
            f"host {host} already has ws hooks ({_table[host].exchange}); "
            "pass replace_existing=True to override them"
        )
    entry = replace(hooks, host=host)
    _table[host] = entry
    return entry


def unregister_ws_hooks(host: str) -> WsHostHooks | None:
    """Remove and return the hooks of ``host`` (None if there were none)."""
    _load_builtins()
    return _table.pop(host.strip().lower(), None)
