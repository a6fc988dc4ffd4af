"""Bybit WS hooks: login (vector + independent re-derivation), rejection, ping, trade headers."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.bybit import ws as bybit_ws
from pybotters_like.ws import DisconnectEvent, lookup_ws_hooks

from ..conftest import FakeClock, ServerConn, within

KEY = "77SQfUG7X33JhYZ3Jswpx5To"
SECRET = "PrYiNnCnP76YzpTLvRtV9O1RBa5ecOXqrOTyXuTADCEXYoEX"
CRED = Credential("bybit", KEY, SECRET.encode())
NOW = 2085848896.0


def _expected_sig(expires: int) -> str:
    return hmac.new(SECRET.encode(), f"GET/realtime{expires}".encode(), hashlib.sha256).hexdigest()


def test_login_message_matches_pybotters_vector():
    plan = bybit_ws.login(URL("wss://stream.bybit.com/v5/private"), CRED, NOW)
    assert plan is not None
    assert plan.message == {
        "op": "auth",
        "args": [
            KEY,
            2085848901000,
            "a8bcd91ad5f8efdaefaf4ca6f38e551d739d6b42c2b54c85667fb181ecbc29a4",
        ],
    }
    assert plan.message["args"][2] == _expected_sig(2085848901000)


def test_login_with_an_rsa_key_signs_the_same_string_in_base64():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    secret = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    plan = bybit_ws.login(
        URL("wss://stream.bybit.com/v5/private"), Credential("bybit", "rsa-key", secret), NOW
    )
    assert plan is not None
    api_key, expires, signature = plan.message["args"]
    assert (api_key, expires) == ("rsa-key", 2085848901000)
    key.public_key().verify(  # raises InvalidSignature on a wrong string or key
        base64.b64decode(signature, validate=True),
        b"GET/realtime2085848901000",
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_public_streams_skip_login():
    assert bybit_ws.login(URL("wss://stream.bybit.com/v5/public/linear"), CRED, NOW) is None


def test_login_ack_shapes():
    assert bybit_ws.classify_login({"success": True, "op": "auth"}).ok
    assert bybit_ws.classify_login({"retCode": 0, "op": "auth"}).ok  # trade stream shape
    bad = bybit_ws.classify_login({"success": False, "ret_msg": "Params Error", "op": "auth"})
    assert not bad.ok
    assert "Params Error" in bad.detail
    assert bybit_ws.classify_login({"op": "pong"}) is None


def test_hosts_and_credentials_registered():
    assert lookup_ws_hooks("stream.bybit.com").credential == "bybit"
    assert lookup_ws_hooks("STREAM.BYTICK.COM").credential == "bybit"
    assert lookup_ws_hooks("stream-demo.bybit.com").credential == "bybit_demo"
    assert lookup_ws_hooks("stream-testnet.bybit.com").credential == "bybit_testnet"


def test_app_ping_message():
    ping = bybit_ws.ping(URL("wss://stream.bybit.com/v5/public/spot"))
    assert ping.interval == 20.0
    assert ping.frame == "text"
    assert json.loads(ping.build(NOW)) == {"op": "ping"}


def test_trade_header_is_added_on_a_copy_and_fresh_each_time():
    url = URL("wss://stream.bybit.com/v5/trade")
    order = {
        "op": "order.create",
        "args": [{"symbol": "BTCUSDT"}],
        "header": {"X-BAPI-RECV-WINDOW": "8000"},
    }
    before = copy.deepcopy(order)
    first = bybit_ws.sign_message(order, url, CRED, NOW)
    second = bybit_ws.sign_message(order, url, CRED, NOW + 1.5)
    assert order == before
    assert first["header"] == {"X-BAPI-RECV-WINDOW": "8000", "X-BAPI-TIMESTAMP": "2085848896000"}
    assert second["header"]["X-BAPI-TIMESTAMP"] == "2085848897500"
    # not a trade URL, or an explicit timestamp: unchanged
    assert (
        bybit_ws.sign_message(order, URL("wss://stream.bybit.com/v5/private"), CRED, NOW) is order
    )
    fixed = {"op": "x", "header": {"X-BAPI-TIMESTAMP": "1"}}
    assert bybit_ws.sign_message(fixed, url, CRED, NOW) is fixed


def _bybit_server(accept: bool):
    async def behaviour(conn: ServerConn) -> None:
        auth = await conn.ws.receive_json()
        await conn.received.put(auth)
        key, expires, sig = auth["args"]
        valid = key == KEY and sig == _expected_sig(expires)
        # a data frame arriving before the ack must reach handlers afterwards
        await conn.ws.send_json({"topic": "early", "data": 1})
        if accept and valid:
            await conn.ws.send_json({"success": True, "ret_msg": "", "op": "auth", "conn_id": "c"})
        else:
            await conn.ws.send_json({"success": False, "ret_msg": "Invalid sign", "op": "auth"})
        async for msg in conn.ws:
            await conn.received.put(json.loads(msg.data))

    return behaviour


async def test_login_success_then_buffered_frames_then_subscriptions(ws_server, make_app, clock):
    server = await ws_server(behaviour=_bybit_server(accept=True))
    got: list[Any] = []
    app = make_app(
        server.url("/v5/private", host="stream.bybit.com"),
        credentials={"bybit": CRED},
        send_json={"op": "subscribe", "args": ["order"]},
        hdlr_json=lambda m, ws: got.append(m),
        await_on="ready",
    )
    await within(app)
    conn = await server.next_connection()
    auth = await within(conn.received.get())
    assert auth["args"][1] == 2085848901000  # expires from the injected clock
    assert await within(conn.received.get()) == {"op": "subscribe", "args": ["order"]}
    assert got[0] == {"topic": "early", "data": 1}
    health = app.health()
    assert health.logged_in
    assert health.exchange == "Bybit"
    assert health.messages_received == 1


async def test_rejected_login_is_a_failed_connect(ws_server, make_app, clock: FakeClock, caplog):
    server = await ws_server(behaviour=_bybit_server(accept=False))
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    got: list[Any] = []
    with caplog.at_level("ERROR", logger="pybotters_like.ws"):
        app = make_app(
            server.url("/v5/private", host="stream.bybit.com"),
            credentials={"bybit": CRED},
            send_json={"op": "subscribe", "args": ["order"]},
            hdlr_json=lambda m, ws: got.append(m),
            on_disconnect=events.put_nowait,
        )
        first = await within(events.get())
        second = await within(events.get())
    assert first.reason == "login rejected: Bybit auth failed: Invalid sign"
    assert isinstance(first.error, Exception)
    assert second.next_delay > first.next_delay  # backoff grows across rejections
    assert got == []  # nothing delivered from a connection that never logged in
    assert not app.health().logged_in
    text = caplog.text
    assert "Bybit stream.bybit.com/v5/private: login rejected" in text
    assert SECRET not in text
    assert KEY not in text
    conn = server.all[0]
    assert conn.received.qsize() <= 1  # only the auth frame: subscriptions never sent
    await within(conn.done.wait())


async def test_an_unusable_pem_key_ends_each_attempt_with_a_clear_reason(
    ws_server, make_app, clock: FakeClock, caplog
):
    server = await ws_server(behaviour=_bybit_server(accept=True))
    broken = b"-----BEGIN PRIVATE KEY-----\nnot a key at all\n-----END PRIVATE KEY-----\n"
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    with caplog.at_level("WARNING", logger="pybotters_like.ws"):
        app = make_app(
            server.url("/v5/private", host="stream.bybit.com"),
            credentials={"bybit": Credential("bybit", "rsa-key", broken)},
            send_json={"op": "subscribe", "args": ["order"]},
            on_disconnect=events.put_nowait,
        )
        first = await within(events.get())
        second = await within(events.get())
    assert "Bybit credential 'bybit'" in first.reason
    assert "could not be loaded as a private key" in first.reason
    assert second.next_delay > first.next_delay  # retried with backoff, not in a loop
    assert not app.health().logged_in
    assert "not a key at all" not in caplog.text
    assert "not a key at all" not in first.reason
    conn = server.all[0]
    assert conn.received.qsize() == 0  # neither a login nor a subscription was sent


async def test_no_credentials_means_no_login(ws_server, make_app):
    server = await ws_server()
    app = make_app(server.url("/v5/public/linear", host="stream.bybit.com"), send_str="sub")
    conn = await server.next_connection()
    assert await conn.receive_text() == "sub"
    assert not app.health().logged_in


async def test_trade_stream_replays_get_fresh_timestamps(ws_server, make_app, clock: FakeClock):
    async def behaviour(conn: ServerConn) -> None:
        auth = await conn.ws.receive_json()
        await conn.ws.send_json({"retCode": 0, "retMsg": "OK", "op": "auth", "connId": "x"})
        await conn.received.put(auth)
        async for msg in conn.ws:
            await conn.received.put(json.loads(msg.data))

    server = await ws_server(behaviour=behaviour)
    order = {"op": "order.create", "args": [{"symbol": "BTCUSDT"}]}
    before = copy.deepcopy(order)
    make_app(
        server.url("/v5/trade", host="stream.bybit.com"),
        credentials={"bybit": CRED},
        send_json=order,
    )
    stamps = []
    for _ in range(2):
        conn = await server.next_connection()
        await within(conn.received.get())  # auth
        sent = await within(conn.received.get())
        stamps.append(sent["header"]["X-BAPI-TIMESTAMP"])
        clock.advance(7.0)
        await conn.ws.close()
    assert order == before
    assert int(stamps[1]) - int(stamps[0]) >= 7000


@pytest.mark.parametrize("path", ["/v5/private", "/v5/trade"])
def test_login_only_off_public(path):
    assert bybit_ws.login(URL(f"wss://stream.bybit.com{path}"), CRED, NOW) is not None
