"""An exception raised by a host hook inside a connection attempt is logged,
counted as a failed attempt and retried: it never ends the app."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator

import pytest
from yarl import URL

from pybotters_like.ws import AppPing, WebSocketApp, WsHostHooks, register_ws_hooks
from pybotters_like.ws.hooks import unregister_ws_hooks

from .conftest import WsServer, within

HOST = "hook-bug.ws-test"


@pytest.fixture
def buggy_ping_hook() -> Iterator[list[int]]:
    calls: list[int] = []

    def ping(url: URL) -> AppPing | None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("bug in a ping hook")
        return None

    register_ws_hooks(WsHostHooks(host=HOST, exchange="HookBug", ping=ping), replace_existing=True)
    yield calls
    unregister_ws_hooks(HOST)


async def test_hook_exception_is_retried_not_fatal(
    ws_server: Callable[..., Awaitable[WsServer]],
    make_app: Callable[..., WebSocketApp],
    buggy_ping_hook: list[int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = await ws_server()
    with caplog.at_level(logging.ERROR, logger="pybotters_like.ws"):
        app = make_app(server.url("/ws", host=HOST))
        await server.next_connection()  # first attempt: the hook raises after the handshake
        await server.next_connection()  # the app dials again instead of dying
        await within(app)
    assert len(buggy_ping_hook) >= 2
    assert app.state != "closed"
    health = app.health()
    assert health.connects >= 2
    assert "bug in a ping hook" in (health.last_disconnect_reason or "") + (health.last_error or "")
    assert any("internal error" in r.getMessage() for r in caplog.records)
