"""GMO Coin WS hooks: 1 subscribe per second, timed locally (no REST clock polling)."""

from __future__ import annotations

import json

import pytest

from pybotters_like.ws import lookup_ws_hooks

from ..conftest import FakeClock, within


async def test_subscribes_are_spaced_and_kept_in_order(ws_server, make_app, clock: FakeClock):
    assert lookup_ws_hooks("api.coin.z.com").send_interval == 1.1
    server = await ws_server()
    subs = [
        {"command": "subscribe", "channel": "ticker", "symbol": s} for s in ("BTC", "ETH", "XRP")
    ]
    app = make_app(
        server.url("/ws/public/v1", host="api.coin.z.com"), send_json=subs, await_on="ready"
    )
    await within(app)
    conn = await server.next_connection()
    got = [json.loads(await conn.receive_text())["symbol"] for _ in range(3)]
    assert got == ["BTC", "ETH", "XRP"]
    assert clock.sleeps == pytest.approx([1.1, 1.1])
    # after a reconnect the subscriptions are replayed, still paced
    clock.advance(0.5)
    await conn.ws.close()
    conn2 = await server.next_connection()
    assert json.loads(await conn2.receive_text())["symbol"] == "BTC"
