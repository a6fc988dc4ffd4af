"""Shared pytest fixtures (helpers live in ``tests/support.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from support import RecordedRequest, RecordingServer


@pytest.fixture
async def recording_server() -> AsyncIterator[RecordingServer]:
    holder: dict[str, RecordingServer] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        recorded = RecordedRequest(
            method=request.method,
            host=request.host.rsplit(":", 1)[0],
            raw_path=request.raw_path.split("?", 1)[0],
            raw_query_string=request.raw_path.split("?", 1)[1] if "?" in request.raw_path else "",
            headers=dict(request.headers),
            body=await request.read(),
        )
        rec = holder["server"]
        rec.requests.append(recorded)
        if rec.reply is not None:
            return rec.reply(recorded)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    holder["server"] = RecordingServer(server)
    try:
        yield holder["server"]
    finally:
        await server.close()
