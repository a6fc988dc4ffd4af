"""The per-connection service (pybotters_like/ws/service.py) seen through a WebSocketApp."""

from __future__ import annotations

import asyncio
from typing import Any

from pybotters_like.ws import DisconnectEvent

from .conftest import within


async def test_stale_watchdog_never_cancels_an_async_handler(ws_server, make_app):
    server = await ws_server()
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    finished = asyncio.Event()

    async def slow(msg: Any, ws: Any) -> None:
        await asyncio.sleep(0.25)  # the workload: longer than stale_after
        finished.set()

    app = make_app(server.url(), stale_after=0.05, hdlr_json=slow, on_disconnect=events.put_nowait)
    conn = await server.next_connection()
    await conn.ws.send_json({"n": 1})
    await within(finished.wait())
    event = await within(events.get())  # then, with nothing more sent, it goes stale
    assert event.reason == "stale: no message for 0.05s"
    assert app.health().handler_errors == 0


async def test_frames_keep_a_connection_fresh(ws_server, make_app):
    server = await ws_server()
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    got: list[Any] = []
    app = make_app(
        server.url(),
        stale_after=0.3,
        hdlr_json=lambda m, ws: got.append(m),
        on_disconnect=events.put_nowait,
    )
    conn = await server.next_connection()
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < 0.75:  # 2.5 stale periods of steady traffic
        await conn.ws.send_json({"t": 1})
        last_sent = loop.time()
        await asyncio.sleep(0.02)  # pacing the feed, not synchronising
    assert events.empty()
    assert app.health().connects == 1
    event = await within(events.get())
    assert event.reason == "stale: no message for 0.3s"
    assert loop.time() - last_sent >= 0.3  # never early
