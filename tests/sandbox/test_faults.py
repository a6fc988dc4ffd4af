"""WS fault injection: drop, half-open, malformed frames, sequence skips, idle cut-off."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

import pybotters_like
from pybotters_like.sandbox import Sandbox

from .conftest import closed, recv, recv_until, topic_is


async def _book_ws(
    session: aiohttp.ClientSession, sandbox: Sandbox, **kwargs: object
) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(sandbox.ws_public_url, **kwargs)  # type: ignore[arg-type]
    await ws.send_json({"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
    await recv(ws)  # ack
    await recv(ws)  # snapshot
    return ws


async def _next_u(ws: aiohttp.ClientWebSocketResponse) -> int:
    frame = await recv_until(ws, topic_is("orderbook.50.BTCUSDT"))
    return int(frame["data"]["u"])


async def _drain_u(ws: aiohttp.ClientWebSocketResponse) -> int:
    """``u`` of the last book frame sent before a ping marker (the pong ends the drain)."""
    await ws.send_json({"op": "ping", "req_id": "mark"})
    last = -1
    while True:
        frame = await recv(ws)
        if frame.get("req_id") == "mark":
            return last
        if frame.get("topic") == "orderbook.50.BTCUSDT":
            assert last == -1 or frame["data"]["u"] == last + 1
            last = int(frame["data"]["u"])


async def test_abrupt_drop(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await _book_ws(session, sandbox)
    sandbox.connections[0].drop()
    msg = await closed(ws)
    assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    assert sandbox.fault_counters["ws_drop"] == 1


async def test_clean_drop_sends_going_away(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _book_ws(session, sandbox)
    assert sandbox.faults.drop_connections("/v5/public", clean=True) == 1
    msg = await closed(ws)
    assert msg.type is aiohttp.WSMsgType.CLOSE
    assert msg.data == 1001


async def test_half_open_stops_pongs_and_client_heartbeat_notices(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _book_ws(session, sandbox, heartbeat=0.2)
    await ws.send_str('{"op":"ping"}')
    assert (await recv(ws))["ret_msg"] == "pong"
    sandbox.faults.half_open()
    await ws.send_str('{"op":"ping"}')
    await sandbox.market.step(20)  # nothing may arrive: no pong, no data
    msg = await closed(ws)  # the client's protocol heartbeat gets no pong and gives up
    assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE)
    assert sandbox.fault_counters["ws_half_open"] == 1


async def test_malformed_frame_arrives_in_order(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    ws = await _book_ws(session, sandbox)
    sandbox.connections[0].send_malformed('{"topic":"orderbook.50.')
    await ws.send_str('{"op":"ping"}')
    bad = await ws.receive_str(timeout=5)
    with pytest.raises(json.JSONDecodeError):
        json.loads(bad)
    assert (await recv(ws))["ret_msg"] == "pong"
    assert sandbox.fault_counters["ws_malformed"] == 1
    await ws.close()


async def test_per_connection_sequence_skip(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    a = await _book_ws(session, sandbox)
    b = await _book_ws(session, sandbox)
    a_conn = sandbox.connections[0]
    await sandbox.market.step(20)
    ua, ub = await _drain_u(a), await _drain_u(b)
    assert ua == ub
    a_conn.skip_sequence("BTCUSDT", by=3)
    await sandbox.market.step(20)
    assert await _next_u(a) == ua + 4  # jumped
    assert await _next_u(b) == ub + 1  # unaffected
    await a.close()
    await b.close()


async def test_global_sequence_skip(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    a = await _book_ws(session, sandbox)
    b = await _book_ws(session, sandbox)
    await sandbox.market.step(20)
    ua, ub = await _drain_u(a), await _drain_u(b)
    sandbox.faults.skip_sequence("BTCUSDT", by=1)
    await sandbox.market.step(20)
    assert await _next_u(a) == ua + 2
    assert await _next_u(b) == ub + 2
    await a.close()
    await b.close()


async def test_idle_cut_off(clock: object) -> None:
    async with Sandbox(symbols=["BTCUSDT"], idle_timeout=0.2) as sb:
        async with aiohttp.ClientSession(connector=sb.connector()) as s:
            ws = await s.ws_connect(sb.ws_private_url)
            await closed(ws)
        assert sb.fault_counters["ws_idle_cutoff"] == 1


async def test_ws_delay_keeps_order(session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
    ws = await _book_ws(session, sandbox)
    sandbox.faults.delay_ws(0.01)
    for i in range(3):
        await ws.send_json({"op": "ping", "req_id": str(i)})
    assert [(await recv(ws))["req_id"] for _ in range(3)] == ["0", "1", "2"]
    await ws.close()


async def test_rest_delay(client: pybotters_like.Client, sandbox: Sandbox) -> None:
    sandbox.faults.delay_rest(0.01)
    r = await asyncio.wait_for(client.fetch("GET", "/v5/market/time"), 5)
    assert r.data["retCode"] == 0
    assert sandbox.fault_counters["rest_delay"] == 1


async def test_global_sequence_skip_reaches_every_depth_of_the_symbol(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    a = await _book_ws(session, sandbox)  # orderbook.50.BTCUSDT
    b = await session.ws_connect(sandbox.ws_public_url)
    await b.send_json({"op": "subscribe", "args": ["orderbook.200.BTCUSDT"]})
    await recv(b)  # ack
    snapshot = await recv(b)
    await sandbox.market.step(20)
    ua = await _drain_u(a)
    await b.send_json({"op": "ping", "req_id": "mark"})
    ub = int(snapshot["data"]["u"])
    while (frame := await recv(b)).get("req_id") != "mark":
        ub = int(frame["data"]["u"])
    sandbox.faults.skip_sequence("BTCUSDT", by=1)
    await sandbox.market.step(20)
    assert await _next_u(a) == ua + 2
    deep = await recv_until(b, topic_is("orderbook.200.BTCUSDT"))
    assert int(deep["data"]["u"]) == ub + 2  # every subscriber of the symbol, any depth
    await a.close()
    await b.close()
