"""WebSocketApp core behaviour against real loopback servers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import WSMsgType

from pybotters_like.errors import WebSocketError
from pybotters_like.ws import DisconnectEvent, WebSocketApp

from .conftest import FakeClock, ServerConn, within


async def test_await_returns_app_after_handshake(ws_server, make_app):
    server = await ws_server()
    app = make_app(server.url())
    assert app.current_ws is None
    assert await within(app) is app
    assert app.current_ws is not None
    assert not app.current_ws.closed
    assert app.state == "open"
    await server.next_connection()


async def test_send_messages_replayed_in_order_on_every_connect(ws_server, make_app):
    server = await ws_server()
    make_app(
        server.url(),
        send_str=["s1", "s2"],
        send_bytes=b"b1",
        send_json=[{"op": "subscribe", "args": ["a"]}, {"op": "subscribe", "args": ["b"]}],
    )
    for _ in range(3):
        conn = await server.next_connection()
        got = [await conn.receive() for _ in range(5)]
        assert [m.data for m in got[:2]] == ["s1", "s2"]
        assert got[2].type is WSMsgType.BINARY
        assert got[2].data == b"b1"
        assert [json.loads(m.data) for m in got[3:]] == [
            {"op": "subscribe", "args": ["a"]},
            {"op": "subscribe", "args": ["b"]},
        ]
        await conn.ws.close()


async def test_one_off_send_through_current_ws_is_not_replayed(ws_server, make_app):
    server = await ws_server()
    app = make_app(server.url(), send_str="sub")
    await within(app)
    conn = await server.next_connection()
    assert await conn.receive_text() == "sub"
    assert app.current_ws is not None
    await app.current_ws.send_json({"order": 1})
    assert json.loads(await conn.receive_text()) == {"order": 1}
    await conn.ws.close()
    conn2 = await server.next_connection()
    assert await conn2.receive_text() == "sub"
    await app.current_ws.send_str("after")  # type: ignore[union-attr]
    assert await conn2.receive_text() == "after"


async def test_url_setter_is_used_at_next_connect(ws_server, make_app):
    server = await ws_server()
    app = make_app(server.url("/old?token=1"))
    conn = await server.next_connection()
    assert conn.request.query["token"] == "1"
    app.url = server.url("/new?token=2")
    assert app.url == server.url("/new?token=2")
    assert app.current_ws is not None  # the open connection is left alone
    await conn.ws.close()
    conn2 = await server.next_connection()
    assert conn2.path == "/new"
    assert conn2.request.query["token"] == "2"


async def test_handlers_of_each_kind_get_message_and_ws(ws_server, make_app):
    server = await ws_server()
    seen: list[tuple[str, Any, Any]] = []
    done = asyncio.Event()

    def recorder(kind: str) -> Any:
        return lambda m, ws: seen.append((kind, m, ws))

    app = make_app(
        server.url(),
        hdlr_str=[recorder("str1"), recorder("str2")],
        hdlr_bytes=recorder("bytes"),
        hdlr_json=[recorder("json1"), recorder("json2"), lambda m, ws: m == "end" and done.set()],
    )
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_str('{"a": 1}')
    await conn.ws.send_bytes(b'{"b": 2}')
    await conn.ws.send_str('"end"')
    await within(done.wait())
    kinds = [k for k, _, _ in seen]
    assert kinds == [
        *("str1", "str2", "json1", "json2"),
        *("bytes", "json1", "json2"),
        *("str1", "str2", "json1", "json2"),
    ]
    assert seen[2][1] == {"a": 1}
    assert seen[2][1] is seen[3][1]
    assert seen[4][1] == b'{"b": 2}'
    assert all(ws is app.current_ws for _, _, ws in seen)


async def test_current_ws_is_none_while_disconnected(ws_server, make_app, clock: FakeClock):
    server = await ws_server()
    clock.gate = asyncio.Event()  # hold the app in its backoff sleep
    disconnected = asyncio.Event()
    app = make_app(server.url(), on_disconnect=lambda e: disconnected.set())
    await within(app)
    conn = await server.next_connection()
    await conn.ws.close()
    await within(disconnected.wait())
    assert app.current_ws is None
    assert app.state == "reconnecting"
    assert app.health().state == "reconnecting"
    clock.gate.set()
    await server.next_connection()
    await within(app)
    assert app.current_ws is not None


async def test_async_handler_is_awaited_in_order(ws_server, make_app):
    server = await ws_server()
    order: list[str] = []
    done = asyncio.Event()

    async def slow(msg: Any, ws: Any) -> None:
        await asyncio.sleep(0)
        order.append(f"async:{msg['n']}")

    def sync(msg: Any, ws: Any) -> None:
        order.append(f"sync:{msg['n']}")
        if msg["n"] == 2:
            done.set()

    app = make_app(server.url(), hdlr_json=[slow, sync])
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_json({"n": 1})
    await conn.ws.send_json({"n": 2})
    await within(done.wait())
    assert order == ["async:1", "sync:1", "async:2", "sync:2"]


async def test_failing_handlers_are_isolated_logged_once_and_counted(
    ws_server, make_app, caplog: pytest.LogCaptureFixture
):
    server = await ws_server()
    got: list[Any] = []
    done = asyncio.Event()

    def bad(msg: Any, ws: Any) -> None:
        raise ValueError("boom")

    async def bad_async(msg: Any, ws: Any) -> None:
        raise KeyError("kaboom")

    def good(msg: Any, ws: Any) -> None:
        got.append(msg)
        if len(got) == 3:
            done.set()

    app = make_app(server.url(), hdlr_json=[bad, bad_async, good])
    await within(app)
    conn = await server.next_connection()
    with caplog.at_level("WARNING", logger="pybotters_like.ws"):
        for n in range(3):
            await conn.ws.send_json({"n": n, "secretless": "x" * 500})
        await within(done.wait())
    assert [m["n"] for m in got] == [0, 1, 2]
    health = app.health()
    assert health.handler_errors == 6
    assert health.messages_received == 3
    lines = [r for r in caplog.records if "raised" in r.getMessage()]
    assert len(lines) == 2  # one per failing handler, repeats folded
    assert "127.0.0.1/ws" in lines[0].getMessage()
    assert "ValueError: boom" in lines[0].getMessage()
    assert "'n': 0" in lines[0].getMessage()
    assert len(lines[0].getMessage()) < 400  # an excerpt, not the whole message
    assert app.current_ws is not None
    assert not app.current_ws.closed


async def test_non_json_text_is_reported_but_keepalive_words_are_not(
    ws_server, make_app, caplog: pytest.LogCaptureFixture
):
    server = await ws_server()
    got: list[Any] = []
    texts: list[str] = []
    done = asyncio.Event()
    app = make_app(
        server.url(),
        hdlr_str=lambda m, ws: texts.append(m),
        hdlr_json=lambda m, ws: (got.append(m), m == "end" and done.set()),
    )
    await within(app)
    conn = await server.next_connection()
    with caplog.at_level("WARNING", logger="pybotters_like.ws"):
        for frame in ("pong", "ping", "not json{", '"end"'):
            await conn.ws.send_str(frame)
        await within(done.wait())
    assert got == ["end"]
    assert texts == ["pong", "ping", "not json{", '"end"']
    reports = [r.getMessage() for r in caplog.records if "not JSON" in r.getMessage()]
    assert len(reports) == 1
    assert "not json{" in reports[0]
    assert app.health().decode_errors == 1


async def test_compressed_binary_frame_is_reported_not_fatal(
    ws_server, make_app, caplog: pytest.LogCaptureFixture
):
    import zlib

    server = await ws_server()
    got: list[Any] = []
    done = asyncio.Event()
    app = make_app(server.url(), hdlr_json=lambda m, ws: (got.append(m), done.set()))
    await within(app)
    conn = await server.next_connection()
    deflater = zlib.compressobj(wbits=-15)
    raw_deflate = deflater.compress(b'{"event":"x"}') + deflater.flush()
    with caplog.at_level("WARNING", logger="pybotters_like.ws"):
        await conn.ws.send_bytes(raw_deflate)
        await conn.ws.send_bytes(b"\xff\xfe\x00")
        await conn.ws.send_bytes(b'{"ok": true}')
        await within(done.wait())
    assert got == [{"ok": True}]
    assert app.health().decode_errors == 2
    assert any("no decoder is registered" in r.getMessage() for r in caplog.records)


async def test_auto_heartbeat_drops_half_open_connection(ws_server, make_app):
    # autoping=False on the server: it never answers the client's PING.
    server = await ws_server(autoping=False)
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    make_app(server.url(), heartbeat=0.2, on_disconnect=events.put_nowait)
    await server.next_connection()
    event = await within(events.get())
    assert event.reason.startswith("heartbeat")
    assert event.connected
    await server.next_connection()  # and it reconnected


async def test_server_ping_is_answered_with_its_payload(ws_server, make_app):
    server = await ws_server(autoping=False)
    make_app(server.url(), heartbeat=None)
    conn = await server.next_connection()
    await conn.ws.ping(b"s")
    msg = await conn.receive()
    assert msg.type is WSMsgType.PONG
    assert msg.data == b"s"


async def test_manual_heartbeat_returns_on_pong(ws_server, make_app):
    server = await ws_server()
    app = make_app(server.url())
    await within(app)
    await within(app.heartbeat(timeout=2.0))
    assert app.health().connects == 1


async def test_manual_heartbeat_reconnects_until_a_pong_arrives(ws_server, make_app):
    async def behaviour(conn: ServerConn) -> None:
        first = server.count == 1
        async for msg in conn.ws:
            if msg.type is WSMsgType.PING and not first:
                await conn.ws.pong(msg.data)

    server = await ws_server(autoping=False, behaviour=behaviour)
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    app = make_app(server.url(), heartbeat=None, on_disconnect=events.put_nowait)
    await within(app)
    await within(app.heartbeat(timeout=0.2))
    event = events.get_nowait()
    assert event.reason == "manual heartbeat: no PONG within 0.2s"
    assert server.count >= 2  # 2 unless a loaded machine also misses the second PONG
    assert app.health().connects == server.count


async def test_stale_connection_is_dropped_and_redialled(ws_server, make_app):
    server = await ws_server()
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    got: list[Any] = []
    make_app(
        server.url(),
        stale_after=0.3,
        hdlr_json=lambda m, ws: got.append(m),
        on_disconnect=events.put_nowait,
    )
    conn = await server.next_connection()
    await conn.ws.send_json({"tick": 1})
    event = await within(events.get())
    assert event.reason == "stale: no message for 0.3s"
    assert got == [{"tick": 1}]
    await server.next_connection()


async def test_close_stops_app_and_current_connection(ws_server, make_app):
    server = await ws_server()
    app = make_app(server.url())
    await within(app)
    conn = await server.next_connection()
    await within(app.close())
    await within(conn.done.wait())
    assert app.current_ws is None
    assert app.state == "closed"
    await within(app.wait())
    await within(app.close())  # idempotent
    with pytest.raises(WebSocketError, match="closed"):
        await app
    assert server.count == 1


async def test_close_from_inside_a_handler(ws_server, make_app):
    server = await ws_server()
    app: WebSocketApp | None = None

    async def stop(msg: Any, ws: Any) -> None:
        assert app is not None
        await app.close()

    app = make_app(server.url(), hdlr_json=stop)
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_json({"stop": True})
    await within(app.wait())
    assert app.state == "closed"


async def test_await_waits_while_server_is_down_then_fails_on_close(session, clock: FakeClock):
    # Nothing listens on this port: every dial fails and backs off (fake sleep).
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    app = WebSocketApp(
        session,
        "ws://127.0.0.1:9/ws",
        clock=clock,
        sleep=clock.sleep,
        random=lambda: 0.5,
        on_disconnect=events.put_nowait,
    )
    waiter = asyncio.ensure_future(app)  # type: ignore[arg-type]
    first = await within(events.get())
    await within(events.get())
    assert not waiter.done()
    assert not first.connected
    assert first.reason.startswith("connect failed")
    health = app.health()
    assert health.last_error is not None
    assert health.connects == 0
    assert health.state == "reconnecting"
    await within(app.close())
    with pytest.raises(WebSocketError, match="closed before it connected"):
        await within(waiter)


async def test_session_closed_elsewhere_stops_the_app(ws_server):
    server = await ws_server()
    session = aiohttp.ClientSession()
    app = WebSocketApp(session, server.url(), random=lambda: 0.0)
    await within(app)
    await session.close()
    await within(app.wait())
    assert app.state == "closed"


async def test_await_on_ready_means_subscriptions_sent(ws_server, make_app):
    server = await ws_server()
    app = make_app(
        server.url(), send_json=[{"op": "sub", "i": i} for i in range(3)], await_on="ready"
    )
    await within(app)
    assert app.health().ready
    conn = await server.next_connection()
    assert [json.loads(await conn.receive_text())["i"] for _ in range(3)] == [0, 1, 2]


def test_app_needs_a_running_loop():
    session = object()
    with pytest.raises(WebSocketError, match="running event loop"):
        WebSocketApp(session, "ws://127.0.0.1:1/ws")  # type: ignore[arg-type]
