"""Upgrade-request signing: BitMEX authenticates the WS handshake with headers;
Binance upgrades and hosts without credentials carry none."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pybotters_like.auth.types import Credential
from pybotters_like.ws import WebSocketApp

from .conftest import FakeClock, WsServer, within

SECRET = "bitmex-upgrade-secret"


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("www.bitmex.com", "bitmex"),
        ("ws.bitmex.com", "bitmex"),
        ("ws.testnet.bitmex.com", "bitmex_testnet"),
    ],
)
async def test_bitmex_upgrade_carries_a_valid_signature(
    ws_server: Callable[..., Awaitable[WsServer]],
    make_app: Callable[..., WebSocketApp],
    clock: FakeClock,
    host: str,
    name: str,
) -> None:
    server = await ws_server()
    creds = {
        name: Credential(name, "BMKEY", SECRET.encode()),
        "other": Credential("other", "WRONG", b"wrong-secret"),
    }
    app = make_app(server.url("/realtime", host=host), credentials=creds)
    conn = await server.next_connection()
    await within(app)
    headers = conn.request.headers
    expires = str(int(clock.now) + 5)
    expected = hmac.new(SECRET.encode(), f"GET/realtime{expires}".encode(), hashlib.sha256)
    assert headers["api-key"] == "BMKEY"
    assert headers["api-expires"] == expires
    assert headers["api-signature"] == expected.hexdigest()


async def test_upgrade_unsigned_without_credentials_or_with_auth_none(
    ws_server: Callable[..., Awaitable[WsServer]],
    make_app: Callable[..., WebSocketApp],
) -> None:
    server = await ws_server()
    creds = {"bitmex": Credential("bitmex", "BMKEY", SECRET.encode())}
    cases: list[dict[str, Any]] = [{}, {"credentials": creds, "auth": None}]
    for kwargs in cases:
        app = make_app(server.url("/realtime", host="www.bitmex.com"), **kwargs)
        conn = await server.next_connection()
        await within(app)
        assert "api-signature" not in conn.request.headers
        await within(app.close())


async def test_binance_upgrade_is_exempt(
    ws_server: Callable[..., Awaitable[WsServer]],
    make_app: Callable[..., WebSocketApp],
) -> None:
    server = await ws_server()
    creds = {"binancespot_testnet": Credential("binancespot_testnet", "K", b"S")}
    app = make_app(
        server.url("/ws/btcusdt@trade", host="testnet.binance.vision"), credentials=creds
    )
    conn = await server.next_connection()
    await within(app)
    assert "X-MBX-APIKEY" not in conn.request.headers
    assert "signature" not in conn.request.query_string
