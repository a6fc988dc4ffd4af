"""Fixtures for the ws tests: scripted loopback WS servers, fake clocks, a resolver.

Everything runs on 127.0.0.1. Tests synchronise on queues and events filled by
the server or by app callbacks, never on sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from support import LoopbackResolver

from pybotters_like.ws import WebSocketApp

WAIT = 5.0  # upper bound for any single wait; a hang fails fast instead of blocking CI


async def within(aw: Awaitable[Any], timeout: float = WAIT) -> Any:
    """Await ``aw`` but fail the test after ``timeout`` seconds."""
    return await asyncio.wait_for(aw, timeout)


class FakeClock:
    """Injected clock + sleep: sleeping advances time instantly and records the delay."""

    def __init__(self, start: float = 2085848896.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.gate: asyncio.Event | None = None  # when set, sleep() blocks until it is set

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        if self.gate is not None:
            await self.gate.wait()
        self.now += delay
        await asyncio.sleep(0)


class ServerConn:
    """One server-side connection: its request, socket and what it received."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.request = request
        self.ws = ws
        self.received: asyncio.Queue[aiohttp.WSMessage] = asyncio.Queue()
        self.done = asyncio.Event()

    @property
    def path(self) -> str:
        return self.request.path

    async def receive(self) -> aiohttp.WSMessage:
        return await within(self.received.get())

    async def receive_text(self) -> str:
        msg = await self.receive()
        assert msg.type is aiohttp.WSMsgType.TEXT, msg
        return str(msg.data)


Behaviour = Callable[[ServerConn], Awaitable[None]]


class WsServer:
    """A loopback WS server; each connection runs ``behaviour`` (default: record frames)."""

    def __init__(self, *, autoping: bool = True, behaviour: Behaviour | None = None) -> None:
        self.autoping = autoping
        self.behaviour = behaviour
        self.connections: asyncio.Queue[ServerConn] = asyncio.Queue()
        self.all: list[ServerConn] = []
        self.server: TestServer | None = None

    @property
    def count(self) -> int:
        return len(self.all)

    async def handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=self.autoping)
        await ws.prepare(request)
        conn = ServerConn(request, ws)
        self.all.append(conn)
        await self.connections.put(conn)
        try:
            if self.behaviour is not None:
                await self.behaviour(conn)
            else:
                await record(conn)
        finally:
            conn.done.set()
        return ws

    async def next_connection(self) -> ServerConn:
        return await within(self.connections.get())

    def url(self, path: str = "/ws", host: str = "127.0.0.1") -> str:
        assert self.server is not None
        return f"ws://{host}:{self.server.port}{path}"


async def record(conn: ServerConn) -> None:
    """Default behaviour: put every received frame in ``conn.received`` until closed."""
    async for msg in conn.ws:
        await conn.received.put(msg)


@pytest.fixture
async def ws_server() -> AsyncIterator[Callable[..., Awaitable[WsServer]]]:
    """Factory: ``server = await ws_server(autoping=..., behaviour=...)``."""
    started: list[TestServer] = []

    async def start(**kwargs: Any) -> WsServer:
        wss = WsServer(**kwargs)
        app = web.Application()
        app.router.add_get("/{tail:.*}", wss.handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        wss.server = server
        started.append(server)
        return wss

    yield start
    for server in started:
        await server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session whose resolver maps every hostname to 127.0.0.1."""
    connector = aiohttp.TCPConnector(resolver=LoopbackResolver())
    async with aiohttp.ClientSession(connector=connector) as s:
        yield s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_app(
    session: aiohttp.ClientSession, clock: FakeClock
) -> AsyncIterator[Callable[..., WebSocketApp]]:
    """Factory for apps with the fake clock/sleep and fixed jitter; closed at teardown."""
    apps: list[WebSocketApp] = []

    def make(url: str, **kwargs: Any) -> WebSocketApp:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", clock.sleep)
        kwargs.setdefault("random", lambda: 0.5)
        app = WebSocketApp(kwargs.pop("session", session), url, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        await within(app.close())
