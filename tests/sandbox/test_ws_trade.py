"""Order entry over ``/v5/trade``: auth, pong, order.create with header timestamp, reqId rules."""

from __future__ import annotations

import hashlib
import hmac

import aiohttp

from pybotters_like.sandbox import Sandbox

from .conftest import KEY, SECRET, T0, recv

NOW_MS = int(T0 * 1000)


def _auth() -> dict[str, object]:
    expires = NOW_MS + 5000
    sig = hmac.new(SECRET.encode(), f"GET/realtime{expires}".encode(), hashlib.sha256).hexdigest()
    return {"op": "auth", "args": [KEY, expires, sig]}


def _create(req_id: str, ts: int = NOW_MS) -> dict[str, object]:
    return {
        "reqId": req_id,
        "header": {"X-BAPI-TIMESTAMP": str(ts)},
        "op": "order.create",
        "args": [{"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit",
                  "qty": "0.001", "price": "50000", "timeInForce": "PostOnly"}],
    }  # fmt: skip


async def test_trade_socket_round_trip(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await session.ws_connect(sandbox.urls["ws_trade"])
    await ws.send_json(_create("early"))
    assert (await recv(ws))["retCode"] == 10003  # not authenticated yet
    await ws.send_json(_auth())
    conn_id = sandbox.connections[0].conn_id
    assert await recv(ws) == {"retCode": 0, "retMsg": "OK", "op": "auth", "connId": conn_id}
    await ws.send_json({"op": "ping"})
    assert await recv(ws) == {
        "retCode": 0, "retMsg": "OK", "op": "pong", "data": [str(NOW_MS)], "connId": conn_id
    }  # fmt: skip
    await ws.send_json(_create("r1"))
    ok = await recv(ws)
    assert (ok["reqId"], ok["retCode"], ok["op"]) == ("r1", 0, "order.create")
    assert set(ok["data"]) == {"orderId", "orderLinkId"}
    assert set(ok["header"]) == {
        "X-Bapi-Limit", "X-Bapi-Limit-Status", "X-Bapi-Limit-Reset-Timestamp", "Traceid",
        "Timenow",
    }  # fmt: skip
    assert ("50000.0", "0.001") in sandbox.book_digest("BTCUSDT")[0]
    await ws.send_json(_create("r1"))
    assert (await recv(ws))["retCode"] == 20006
    await ws.send_json(_create("r2", ts=NOW_MS - 6000))
    late = await recv(ws)
    assert late["retCode"] == 10002
    assert late["data"] == {}
    await ws.send_json(
        {"reqId": "r3", "header": {"X-BAPI-TIMESTAMP": str(NOW_MS)}, "op": "order.cancel",
         "args": [{"category": "linear", "symbol": "BTCUSDT", "orderId": ok["data"]["orderId"]}]}
    )  # fmt: skip
    assert (await recv(ws))["retCode"] == 0
    await ws.close()
