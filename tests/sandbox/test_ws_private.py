"""Private WebSocket: auth (signature computed here), pongs, pushes after REST orders."""

from __future__ import annotations

import hashlib
import hmac

import aiohttp

import pybotters_like
from pybotters_like.sandbox import Sandbox

from .conftest import KEY, SECRET, T0, recv, recv_until, topic_is


def _auth_args(expires: int, secret: str = SECRET) -> list[object]:
    signature = hmac.new(
        secret.encode(), f"GET/realtime{expires}".encode(), hashlib.sha256
    ).hexdigest()
    return [KEY, expires, signature]


async def _login(
    session: aiohttp.ClientSession, sandbox: Sandbox, *topics: str
) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(sandbox.ws_private_url)
    await ws.send_json({"op": "auth", "args": _auth_args(int(T0 * 1000) + 5000)})
    assert (await recv(ws))["success"] is True
    if topics:
        await ws.send_json({"op": "subscribe", "args": list(topics)})
        assert (await recv(ws))["success"] is True
    return ws


async def test_auth_success_shape(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await session.ws_connect(sandbox.ws_private_url)
    await ws.send_json({"req_id": "a1", "op": "auth", "args": _auth_args(int(T0 * 1000) + 5000)})
    conn_id = sandbox.connections[0].conn_id
    assert await recv(ws) == {
        "success": True, "ret_msg": "", "conn_id": conn_id, "req_id": "a1", "op": "auth"
    }  # fmt: skip
    assert sandbox.connections[0].account == KEY
    await ws.close()


async def test_auth_failures(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await session.ws_connect(sandbox.ws_private_url)
    for args in (
        _auth_args(int(T0 * 1000) + 5000, secret="wrong"),  # bad signature
        _auth_args(int(T0 * 1000) - 1),  # expired
        ["unknown", int(T0 * 1000) + 5000, "00"],  # unknown key
        "not-a-list",
    ):
        await ws.send_json({"op": "auth", "args": args})
        reply = await recv(ws)
        assert reply["success"] is False
        assert reply["ret_msg"] == "Params Error"
        assert reply["op"] == "auth"
    await ws.send_json({"op": "subscribe", "args": ["order"]})
    refused = await recv(ws)
    assert refused["success"] is False
    assert refused["ret_msg"] == "Request not authorized"
    await ws.close()


async def test_injected_login_rejection(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    sandbox.faults.reject_logins(1)
    ws = await session.ws_connect(sandbox.ws_private_url)
    good = {"op": "auth", "args": _auth_args(int(T0 * 1000) + 5000)}
    await ws.send_json(good)
    assert (await recv(ws))["success"] is False
    await ws.send_json(good)
    assert (await recv(ws))["success"] is True
    assert sandbox.fault_counters["ws_login_rejected"] == 1
    await ws.close()


async def test_private_pong_shape(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await _login(session, sandbox)
    await ws.send_json({"op": "ping", "req_id": "p"})
    assert await recv(ws) == {
        "req_id": "p", "op": "pong", "args": [str(int(T0 * 1000))],
        "conn_id": sandbox.connections[0].conn_id,
    }  # fmt: skip
    await ws.close()


async def test_pushes_after_a_rest_order(
    session: aiohttp.ClientSession, sandbox: Sandbox, client: pybotters_like.Client
) -> None:
    ws = await _login(session, sandbox, "order", "execution", "position", "wallet")
    r = await client.fetch(
        "POST", "/v5/order/create",
        data={"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market",
              "qty": "0.002"},
    )  # fmt: skip
    order_id = r.data["result"]["orderId"]
    order = await recv(ws)
    assert order["topic"] == "order"
    assert set(order) == {"id", "topic", "creationTime", "data"}
    assert order["data"][0]["orderId"] == order_id
    assert order["data"][0]["orderStatus"] == "Filled"
    assert order["data"][0]["category"] == "linear"
    execution = await recv(ws)
    assert execution["topic"] == "execution"
    assert sum(float(e["execQty"]) for e in execution["data"]) == 0.002
    position = await recv(ws)
    assert position["topic"] == "position"
    assert position["data"][0]["size"] == "0.002"
    assert "entryPrice" in position["data"][0]
    wallet = await recv(ws)
    assert wallet["topic"] == "wallet"
    assert wallet["data"][0]["accountType"] == "UNIFIED"
    await ws.close()


async def test_resting_order_filled_by_market_generator(
    session: aiohttp.ClientSession, sandbox: Sandbox, client: pybotters_like.Client
) -> None:
    ws = await _login(session, sandbox, "execution")
    best_bid = sandbox.book_digest("BTCUSDT", depth=1)[0][0][0]
    r = await client.fetch(
        "POST", "/v5/order/create",
        data={"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit",
              "qty": "0.001", "price": str(float(best_bid) + 0.1), "timeInForce": "PostOnly"},
    )  # fmt: skip
    assert r.data["retCode"] == 0
    for _ in range(2000):  # synthetic takers eventually sell into the best bid
        await sandbox.market.step()
        if sandbox.exchange.accounts[KEY].executions:
            break
    fill = await recv_until(ws, topic_is("execution"))
    assert fill["data"][0]["isMaker"] is True
    assert fill["data"][0]["orderId"] == r.data["result"]["orderId"]
    await ws.close()
