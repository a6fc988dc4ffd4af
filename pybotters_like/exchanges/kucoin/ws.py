"""KuCoin WebSocket hooks: the ``{"id","type":"ping"}`` keepalive.

KuCoin authenticates with a bullet token in the URL (no login message); the
client must ping every 15 s with a fresh id (a random UUID4).
"""

from __future__ import annotations

import json
import uuid

from yarl import URL

from pybotters_like.ws.hooks import AppPing, WsHostHooks, hooks_for_hosts

__all__ = ["HOOKS", "ping"]

_PING = AppPing(15.0, lambda now: json.dumps({"id": str(uuid.uuid4()), "type": "ping"}))


def ping(url: URL) -> AppPing:
    """``{"id": <uuid4>, "type": "ping"}`` every 15 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = hooks_for_hosts(
    ("ws-api-spot.kucoin.com", "ws-api-futures.kucoin.com"), exchange="KuCoin", ping=ping
)
"""KuCoin's WebSocket hosts."""
