"""Bybit WS hooks verified against the sandbox, through the project's own WebSocketApp:
login on the trade socket, per-send ``X-BAPI-TIMESTAMP`` header signing (fresh on every
send, caller's dict untouched) and the app-level ping message."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

from yarl import URL

import pybotters_like
from pybotters_like.sandbox import Sandbox
from pybotters_like.ws import lookup_ws_hooks

from .conftest import ManualClock


async def next_matching(frames: asyncio.Queue[Any], match: Callable[[Any], bool]) -> Any:
    while True:
        frame = await asyncio.wait_for(frames.get(), 5)
        if match(frame):
            return frame


async def test_trade_socket_login_signing_and_ping(
    client: pybotters_like.Client, sandbox: Sandbox, clock: ManualClock
) -> None:
    frames: asyncio.Queue[Any] = asyncio.Queue()
    url = sandbox.urls["ws_trade"]
    app = client.ws_connect(url, hdlr_json=lambda msg, ws: frames.put_nowait(msg), await_on="ready")
    await asyncio.wait_for(app, 5)
    assert app.health().logged_in
    assert app.current_ws is not None

    order = {
        "reqId": "first",
        "op": "order.create",
        "args": [{"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit",
                  "qty": "0.001", "price": "50000", "timeInForce": "PostOnly"}],
    }  # fmt: skip
    original = copy.deepcopy(order)
    await app.current_ws.send_json(order)
    reply = await next_matching(frames, lambda f: f.get("reqId") == "first")
    assert reply["retCode"] == 0, reply
    assert order == original  # the header went on a copy

    # A minute later the same kind of message must carry a fresh timestamp to be accepted.
    clock.now += 60
    later = {**copy.deepcopy(order), "reqId": "second"}
    await app.current_ws.send_json(later)
    reply = await next_matching(frames, lambda f: f.get("reqId") == "second")
    assert reply["retCode"] == 0, reply

    hooks = lookup_ws_hooks(URL(url).host)
    assert hooks is not None
    assert hooks.ping is not None
    ping = hooks.ping(URL(url))
    assert ping is not None
    await app.current_ws.send_str(ping.build(clock()))
    pong = await next_matching(frames, lambda f: f.get("op") == "pong")
    assert pong["retCode"] == 0
    await app.close()


async def test_rejected_login_is_a_failed_connect(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    sandbox.faults.reject_logins(count=1)
    disconnects: asyncio.Queue[Any] = asyncio.Queue()
    app = client.ws_connect(
        sandbox.ws_private_url,
        send_json={"op": "subscribe", "args": ["order"]},
        on_disconnect=lambda event: disconnects.put_nowait(event),
        await_on="ready",
        backoff=(0.01, 0.05, 1.5, 0.01),
    )
    first = await asyncio.wait_for(disconnects.get(), 5)
    assert "login" in (first.reason or "").lower()
    await asyncio.wait_for(app, 5)  # the next attempt logs in
    assert app.health().logged_in
    assert sandbox.fault_counters["ws_login_rejected"] == 1
    await app.close()
