"""Frame dispatch (pybotters_like/ws/dispatch.py) seen through a WebSocketApp."""

from __future__ import annotations

import asyncio
import functools
import json
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import WSMsgType

from .conftest import within


async def test_single_async_json_handler_is_awaited_before_the_next_frame(ws_server, make_app):
    server = await ws_server()
    order: list[str] = []
    done = asyncio.Event()

    async def handler(msg: Any, ws: Any) -> None:
        order.append(f"start:{msg['n']}")
        await asyncio.sleep(0)
        order.append(f"end:{msg['n']}")
        if msg["n"] == 2:
            done.set()

    app = make_app(server.url(), hdlr_json=handler)
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_json({"n": 1})
    await conn.ws.send_json({"n": 2})
    await within(done.wait())
    assert order == ["start:1", "end:1", "start:2", "end:2"]


async def test_single_failing_json_handler_is_isolated_and_counted(
    ws_server, make_app, caplog: pytest.LogCaptureFixture
):
    server = await ws_server()
    seen: list[Any] = []
    done = asyncio.Event()

    def handler(msg: Any, ws: Any) -> None:
        seen.append(msg)
        if msg.get("last"):
            done.set()
        else:
            raise RuntimeError("bad row")

    app = make_app(server.url(), hdlr_json=handler)
    await within(app)
    conn = await server.next_connection()
    with caplog.at_level("ERROR", logger="pybotters_like.ws"):
        await conn.ws.send_json({"n": 1})
        await conn.ws.send_json({"n": 2})
        await conn.ws.send_json({"last": True})
        await within(done.wait())
    assert len(seen) == 3
    assert app.health().handler_errors == 2
    assert len([r for r in caplog.records if "RuntimeError: bad row" in r.getMessage()]) == 1
    assert not app.current_ws.closed


async def test_text_frame_that_is_not_utf8_is_reported_and_skipped(
    ws_server, make_app, caplog: pytest.LogCaptureFixture
):
    server = await ws_server()
    texts: list[str] = []
    parsed: list[Any] = []
    done = asyncio.Event()
    app = make_app(
        server.url(),
        decode_text=False,  # the default with orjson; aiohttp's decoding would close (1007)
        hdlr_str=lambda m, ws: texts.append(m),
        hdlr_json=lambda m, ws: (parsed.append(m), done.set()),
    )
    await within(app)
    conn = await server.next_connection()
    with caplog.at_level("WARNING", logger="pybotters_like.ws"):
        await conn.ws.send_frame(b'{"a": "\xff"}', WSMsgType.TEXT)
        await conn.ws.send_str('{"ok": "\u00e9"}')
        await within(done.wait())
    assert texts == ['{"ok": "\u00e9"}']
    assert parsed == [{"ok": "\u00e9"}]
    assert app.health().decode_errors == 2  # once for str handlers, once for JSON ones
    assert app.health().messages_received == 2
    assert any("not UTF-8" in r.getMessage() for r in caplog.records)
    assert app.health().connects == 1


async def test_keepalive_words_are_skipped_silently_by_a_lone_json_handler(ws_server, make_app):
    server = await ws_server()
    parsed: list[Any] = []
    done = asyncio.Event()
    app = make_app(server.url(), hdlr_json=lambda m, ws: (parsed.append(m), done.set()))
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_str("pong")
    await conn.ws.send_str("[1]")
    await within(done.wait())
    assert parsed == [[1]]
    assert app.health().decode_errors == 0


async def test_big_integers_arrive_exact(ws_server, make_app):
    server = await ws_server()
    parsed: list[Any] = []
    done = asyncio.Event()
    app = make_app(server.url(), hdlr_json=lambda m, ws: (parsed.append(m), done.set()))
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_str('{"amount": 1000000000000000000001, "ts": 1712345678901234567}')
    await within(done.wait())
    assert parsed == [{"amount": 1000000000000000000001, "ts": 1712345678901234567}]


async def test_custom_loads_parses_every_json_frame(ws_server, make_app):
    server = await ws_server()
    parsed: list[Any] = []
    done = asyncio.Event()
    app = make_app(
        server.url(),
        loads=functools.partial(json.loads, parse_float=Decimal),
        hdlr_json=lambda m, ws: (parsed.append(m), len(parsed) == 2 and done.set()),
    )
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_str('{"p": 65000.1}')
    await conn.ws.send_bytes(b'{"p": 0.3}')
    await within(done.wait())
    assert parsed == [{"p": Decimal("65000.1")}, {"p": Decimal("0.3")}]


async def test_decoded_text_frames_still_work_when_asked_for(ws_server, make_app):
    server = await ws_server()
    seen: list[tuple[str, Any]] = []
    done = asyncio.Event()
    app = make_app(
        server.url(),
        decode_text=True,
        hdlr_str=lambda m, ws: seen.append(("str", m)),
        hdlr_json=lambda m, ws: (seen.append(("json", m)), done.set()),
    )
    await within(app)
    conn = await server.next_connection()
    await conn.ws.send_str('{"a": 1}')
    await within(done.wait())
    assert seen == [("str", '{"a": 1}'), ("json", {"a": 1})]
