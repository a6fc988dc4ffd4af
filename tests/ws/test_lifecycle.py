"""Lifecycle events, health snapshots, the queue handler and clean shutdown."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from pybotters_like import Client
from pybotters_like.ws import (
    ConnectEvent,
    DisconnectEvent,
    ReconnectEvent,
    WebSocketApp,
    WebSocketQueue,
)

from .conftest import FakeClock, within


async def test_connect_disconnect_reconnect_events(ws_server, make_app, clock: FakeClock):
    server = await ws_server()
    events: asyncio.Queue[Any] = asyncio.Queue()

    async def on_reconnect(event: ReconnectEvent) -> None:  # async callbacks are awaited
        await events.put(event)

    make_app(
        server.url("/ws?token=secret"),
        on_connect=events.put_nowait,
        on_disconnect=events.put_nowait,
        on_reconnect=on_reconnect,
    )
    conn = await server.next_connection()
    first = await within(events.get())
    assert first == ConnectEvent(url=server.url("/ws"), connects=1)
    clock.advance(3.0)
    await conn.ws.close(code=4000, message=b"bye")
    down = await within(events.get())
    assert isinstance(down, DisconnectEvent)
    assert down.reason == "closed by server (code 4000, bye)"
    assert down.connected
    assert down.uptime == pytest.approx(3.0)
    assert down.next_delay == pytest.approx(2.5)
    assert "token" not in down.url
    await server.next_connection()
    assert await within(events.get()) == ConnectEvent(url=server.url("/ws"), connects=2)
    again = await within(events.get())
    assert again == ReconnectEvent(url=server.url("/ws"), attempts=1, downtime=pytest.approx(2.5))


async def test_close_fires_a_final_disconnect_event(ws_server, make_app, clock: FakeClock):
    server = await ws_server()
    events: list[DisconnectEvent] = []
    app = make_app(server.url(), on_disconnect=events.append)
    await within(app)
    clock.advance(4.0)
    await within(app.close())
    assert len(events) == 1
    assert events[0].reason == "closed by app"
    assert events[0].next_delay is None
    assert events[0].uptime == pytest.approx(4.0)


async def test_failing_callback_does_not_stop_the_app(ws_server, make_app, caplog):
    server = await ws_server()

    def broken(event: Any) -> None:
        raise RuntimeError("callback bug")

    app = make_app(server.url(), on_connect=broken)
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_str("x")
    assert app.state == "open"


async def test_health_snapshot_counts_and_ages(ws_server, make_app, clock: FakeClock):
    server = await ws_server()
    got = asyncio.Event()
    app = make_app(server.url("/path?key=hidden"), hdlr_str=lambda m, ws: got.set())
    h0 = app.health()
    assert h0.state in ("connecting", "open")
    assert h0.last_message_age is None
    await within(app)
    conn = await server.next_connection()
    clock.advance(1.0)
    await conn.ws.send_str("hello")
    await within(got.wait())
    clock.advance(4.0)
    h = app.health()
    assert h.state == "open"
    assert h.url == server.url("/path")
    assert h.exchange == "127.0.0.1"
    assert h.connects == 1
    assert h.disconnects == 0
    assert h.messages_received == 1
    assert h.last_message_age == pytest.approx(4.0)
    assert h.connected_for == pytest.approx(5.0)
    assert h.ready
    assert not h.logged_in
    assert h.last_error is None


async def test_websocket_queue_as_handler_and_iterator(ws_server, make_app):
    server = await ws_server()
    queue: WebSocketQueue[Any] = WebSocketQueue()
    make_app(server.url(), hdlr_json=queue.onmessage)
    conn = await server.next_connection()
    for n in range(3):
        await conn.ws.send_json({"n": n})
    got = []
    async for msg in queue:
        got.append(msg["n"])
        if len(got) == 3:
            break
    assert got == [0, 1, 2]


def test_bounded_queue_drops_oldest_instead_of_raising():
    queue: WebSocketQueue[int] = WebSocketQueue(maxsize=2)
    for n in range(5):
        queue.onmessage(n, None)
    assert queue.dropped == 3
    assert [queue.get_nowait(), queue.get_nowait()] == [3, 4]


async def test_client_ws_connect_and_close_stops_every_app(ws_server):
    server = await ws_server()
    async with Client(apis={}) as client:
        app1 = client.ws_connect(server.url("/a"), send_str="hi")
        app2 = client.ws_connect(server.url("/b"), heartbeat=None)
        assert isinstance(app1, WebSocketApp)
        assert await within(app1) is app1
        await within(app2)
        conns = [await server.next_connection(), await server.next_connection()]
    assert app1.state == "closed"
    assert app2.state == "closed"
    assert app1.current_ws is None
    for conn in conns:
        await within(conn.done.wait())
    leftovers = [
        t
        for t in asyncio.all_tasks()
        if "WebSocketApp" in getattr(t.get_coro(), "__qualname__", "")
    ]
    assert leftovers == []


SHUTDOWN_SCRIPT = textwrap.dedent(
    """
    import asyncio, gc, logging, sys, warnings
    from aiohttp import web
    from aiohttp.test_utils import TestServer
    import pybotters_like
    from pybotters_like.ws import AppPing, WsHostHooks, register_ws_hooks

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    warnings.simplefilter("always")
    register_ws_hooks(WsHostHooks(host="localhost", exchange="Test",
                                  ping=lambda url: AppPing(0.01, lambda now: "ping")))

    async def handler(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for _ in ws:
            pass
        return ws

    async def main():
        app = web.Application()
        app.router.add_get("/ws", handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        url = f"ws://localhost:{server.port}/ws"
        client = pybotters_like.Client(apis={})
        apps = [client.ws_connect(url, send_str="sub", heartbeat=0.05) for _ in range(3)]
        for a in apps:
            await a
        await apps[0].heartbeat(timeout=1.0)
        await asyncio.sleep(0.1)  # let heartbeats and app pings run a few rounds
        await client.close()
        await server.close()

    asyncio.run(main())
    gc.collect()
    print("OK")
    """
)


def test_clean_shutdown_leaves_no_pending_tasks_or_sessions():
    proc = subprocess.run(
        [sys.executable, "-X", "dev", "-c", SHUTDOWN_SCRIPT],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.stdout.strip() == "OK", proc.stderr
    for bad in ("Task was destroyed", "Unclosed", "never awaited", "Traceback", "Error"):
        assert bad not in proc.stderr, proc.stderr
