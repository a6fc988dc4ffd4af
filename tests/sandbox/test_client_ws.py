"""The project's own WebSocketApp (Client.ws_connect) logs in and receives pushes, unchanged."""

from __future__ import annotations

import asyncio
from typing import Any

import pybotters_like
from pybotters_like.sandbox import Sandbox


async def test_ws_app_logs_in_and_gets_order_push(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    frames: asyncio.Queue[Any] = asyncio.Queue()
    app = client.ws_connect(
        sandbox.ws_private_url,
        send_json={"op": "subscribe", "args": ["order"]},
        hdlr_json=lambda msg, ws: frames.put_nowait(msg),
        await_on="ready",
    )
    await asyncio.wait_for(app, 5)
    ack = await asyncio.wait_for(frames.get(), 5)
    while ack.get("op") != "subscribe":
        ack = await asyncio.wait_for(frames.get(), 5)
    assert ack["success"] is True
    assert sandbox.connections[0].account is not None
    await client.fetch(
        "POST", "/v5/order/create",
        data={"category": "linear", "symbol": "ETHUSDT", "side": "Buy", "orderType": "Limit",
              "qty": "0.01", "price": "1000"},
    )  # fmt: skip
    push = await asyncio.wait_for(frames.get(), 5)
    while push.get("topic") != "order":
        push = await asyncio.wait_for(frames.get(), 5)
    assert push["data"][0]["orderStatus"] == "New"
    await app.close()
