"""Public WebSocket: acks, pongs, snapshot + delta with contiguous ``u``, trades, tickers."""

from __future__ import annotations

from typing import Any

import aiohttp

from pybotters_like.sandbox import Sandbox

from .conftest import recv, recv_until, topic_is


def apply(book: dict[str, dict[str, str]], frame: dict[str, Any]) -> None:
    """The documented client procedure: snapshot replaces, delta inserts/replaces/deletes."""
    data = frame["data"]
    if frame["type"] == "snapshot":
        book["b"], book["a"] = {}, {}
    for side in ("b", "a"):
        for price, size in data[side]:
            if size == "0":
                book[side].pop(price, None)
            else:
                book[side][price] = size


def top(book: dict[str, dict[str, str]], depth: int) -> list[list[tuple[str, str]]]:
    bids = sorted(book["b"].items(), key=lambda x: -float(x[0]))[:depth]
    asks = sorted(book["a"].items(), key=lambda x: float(x[0]))[:depth]
    return [bids, asks]


async def _subscribe(
    session: aiohttp.ClientSession, sandbox: Sandbox, *topics: str
) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(sandbox.ws_public_url)
    await ws.send_json({"op": "subscribe", "req_id": "r1", "args": list(topics)})
    return ws


async def test_subscribe_ack_and_ping_shapes(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _subscribe(session, sandbox, "publicTrade.BTCUSDT")
    ack = await recv(ws)
    conn_id = sandbox.connections[0].conn_id
    assert ack == {
        "success": True, "ret_msg": "", "conn_id": conn_id, "req_id": "r1", "op": "subscribe"
    }  # fmt: skip
    await ws.send_str('{"op":"ping"}')
    assert await recv(ws) == {
        "success": True, "ret_msg": "pong", "conn_id": conn_id, "req_id": "", "op": "ping"
    }  # fmt: skip
    await ws.send_json({"op": "unsubscribe", "req_id": "r1", "args": ["publicTrade.BTCUSDT"]})
    assert (await recv(ws))["op"] == "unsubscribe"
    await ws.close()


async def test_subscribe_failures_name_the_topic(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _subscribe(session, sandbox, "orderbook.500.BTCUSDT")
    ack = await recv(ws)
    assert ack["success"] is False
    assert ack["ret_msg"] == "error:handler not found,topic:orderbook.500.BTCUSDT"
    await ws.send_json({"op": "subscribe", "args": ["tickers.BTCUSDT"]})
    assert (await recv(ws))["success"] is True
    await recv_until(ws, topic_is("tickers.BTCUSDT"))
    await ws.send_json({"op": "subscribe", "args": ["tickers.BTCUSDT"]})
    again = await recv(ws)
    assert again["ret_msg"] == "error:already subscribed,topic:tickers.BTCUSDT"
    await ws.close()


async def test_book_snapshot_then_contiguous_deltas_rebuild_the_book(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _subscribe(session, sandbox, "orderbook.50.BTCUSDT")
    await recv(ws)  # ack
    snapshot = await recv(ws)
    assert snapshot["type"] == "snapshot"
    assert set(snapshot) == {"topic", "type", "ts", "data", "cts"}
    book: dict[str, dict[str, str]] = {}
    apply(book, snapshot)
    last_u = snapshot["data"]["u"]
    last_seq = snapshot["data"]["seq"]
    await sandbox.market.step(200)
    # Read until the stream has caught up with the authoritative book.
    while top(book, 50) != sandbox.book_digest("BTCUSDT", depth=50):
        frame = await recv_until(ws, topic_is("orderbook.50.BTCUSDT"))
        assert frame["type"] == "delta"
        assert frame["data"]["u"] == last_u + 1
        assert frame["data"]["seq"] > last_seq
        last_u, last_seq = frame["data"]["u"], frame["data"]["seq"]
        apply(book, frame)
    assert last_u > 50
    await ws.close()


async def test_depth_1_is_snapshot_only(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await _subscribe(session, sandbox, "orderbook.1.ETHUSDT")
    await recv(ws)
    first = await recv(ws)
    await sandbox.market.step(30)
    frame = await recv_until(ws, topic_is("orderbook.1.ETHUSDT"))
    assert frame["type"] == "snapshot"
    assert frame["data"]["u"] == first["data"]["u"] + 1
    assert len(frame["data"]["b"]) == 1
    assert len(frame["data"]["a"]) == 1
    await ws.close()


async def test_trade_ids_are_contiguous(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await _subscribe(session, sandbox, "publicTrade.BTCUSDT")
    await recv(ws)
    start = sandbox.last_trade_id("BTCUSDT")
    await sandbox.market.step(300)
    end = sandbox.last_trade_id("BTCUSDT")
    assert end > start
    seen: list[int] = []
    while len(seen) < end - start:
        frame = await recv_until(ws, topic_is("publicTrade.BTCUSDT"))
        assert frame["type"] == "snapshot"
        for trade in frame["data"]:
            assert set(trade) >= {"T", "s", "S", "v", "p", "L", "i", "BT", "seq"}
            seen.append(int(trade["i"]))
    assert seen == list(range(start + 1, end + 1))
    await ws.close()


async def test_tickers_snapshot_then_changed_fields(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _subscribe(session, sandbox, "tickers.BTCUSDT")
    await recv(ws)
    snap = await recv(ws)
    assert snap["type"] == "snapshot"
    assert {"lastPrice", "bid1Price", "ask1Price", "markPrice"} <= set(snap["data"])
    await sandbox.market.step(20)
    delta = await recv_until(ws, topic_is("tickers.BTCUSDT"))
    assert delta["type"] == "delta"
    assert delta["data"]["symbol"] == "BTCUSDT"
    assert "cs" in delta
    assert len(delta["data"]) < len(snap["data"])
    await ws.close()
