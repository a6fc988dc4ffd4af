"""bitbank public stream hooks: the socket.io ping.

``stream.bitbank.cc`` speaks socket.io over WebSocket; the client must send the
engine.io ping ``2`` every 15 s. No login (private streams use PubNub).
"""

from __future__ import annotations

from yarl import URL

from pybotters_like.ws.hooks import AppPing, WsHostHooks

__all__ = ["HOOKS", "ping"]

_PING = AppPing(15.0, lambda now: "2")


def ping(url: URL) -> AppPing:
    """Text ``2`` every 15 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(host="stream.bitbank.cc", exchange="bitbank", ping=ping),
)
"""bitbank's public stream host."""
