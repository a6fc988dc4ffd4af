"""GMO Coin WebSocket hooks: subscribe pacing.

GMO Coin accepts one subscribe request per second per connection and answers
``ERR-5003`` beyond that (pybotters issue #50). Sends through the app are
spaced 1.1 s apart, timed with the app's clock; the exchange's REST clock is
never polled. Private streams use an access token in the URL (no login).
"""

from __future__ import annotations

from pybotters_like.ws.hooks import WsHostHooks

__all__ = ["HOOKS", "SEND_INTERVAL"]

SEND_INTERVAL = 1.1
"""Seconds between two sends (limit 1/s, plus margin for network jitter)."""

HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(host="api.coin.z.com", exchange="GMO Coin", send_interval=SEND_INTERVAL),
)
"""GMO Coin's WebSocket host."""
