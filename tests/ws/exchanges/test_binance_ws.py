"""Binance WS hooks: WS-API signing (vector B3, Ed25519/RSA), replays, stream pacing/keepalive."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from typing import Any

import pytest
from aiohttp import WSMsgType
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.binance import ws as binance_ws
from pybotters_like.ws import lookup_ws_hooks

from ..conftest import FakeClock, within

# Official vector B3 (binance-spot-api-docs, web-socket-api.md, "SIGNED request example (HMAC)")
API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
CRED = Credential("binance", API_KEY, SECRET.encode())
B3_SIGNATURE = "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"


def _order() -> dict[str, Any]:
    return {
        "id": "4885f793-e5ad-4c3b-8f6c-55d891472b71",
        "method": "order.place",
        "params": {
            "symbol": "BTCUSDT",
            "side": "SELL",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.01000000",
            "price": "52000.00",
            "recvWindow": 100,
        },
    }


def _verify(params: dict[str, Any]) -> bool:
    """Independent check: HMAC over sorted k=v pairs without the signature."""
    unsigned = {k: v for k, v in params.items() if k != "signature"}
    payload = "&".join(f"{k}={unsigned[k]}" for k in sorted(unsigned))
    expected = hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, params["signature"])


def test_official_vector_b3():
    order = _order()
    before = copy.deepcopy(order)
    signed = binance_ws.sign_message(
        order, URL("wss://ws-api.binance.com/ws-api/v3"), CRED, 1645423376.532
    )
    assert order == before  # the caller's dict is untouched
    assert signed["params"]["timestamp"] == 1645423376532
    assert signed["params"]["apiKey"] == API_KEY
    assert signed["params"]["signature"] == B3_SIGNATURE
    assert signed["id"] == order["id"]


def test_messages_without_params_or_already_signed_are_left_alone():
    url = URL("wss://ws-api.binance.com/ws-api/v3")
    ping = {"id": 1, "method": "ping"}
    assert binance_ws.sign_message(ping, url, CRED, 1.0) is ping
    done = {"method": "x", "params": {"signature": "abc"}}
    assert binance_ws.sign_message(done, url, CRED, 1.0) is done
    assert binance_ws.payload_string({"b": True, "a": 1}) == "a=1&b=true"


def test_hosts():
    assert lookup_ws_hooks("ws-api.binance.com").credential == "binance"
    assert lookup_ws_hooks("testnet.binance.vision").credential == "binancespot_testnet"
    assert lookup_ws_hooks("demo-ws-api.binance.com").credential == "binance_demo"
    for host in ("stream.binance.com", "demo-stream.binance.com"):
        spot = lookup_ws_hooks(host)
        assert spot.send_interval == 0.25
        assert spot.login is None
    assert lookup_ws_hooks("fstream.binance.com").send_interval is None
    ping = binance_ws.ping(URL("wss://fstream.binance.com/ws"))
    assert ping.frame == "pong"
    assert ping.interval == 60.0


async def test_replayed_and_one_off_requests_are_signed_afresh(
    ws_server, make_app, clock: FakeClock
):
    server = await ws_server()
    order = _order()
    before = copy.deepcopy(order)
    app = make_app(
        server.url("/ws-api/v3", host="ws-api.binance.com"),
        credentials={"binance": CRED},
        send_json=order,
    )
    timestamps = []
    for _ in range(3):
        conn = await server.next_connection()
        sent = json.loads(await conn.receive_text())
        assert _verify(sent["params"]), sent
        timestamps.append(sent["params"]["timestamp"])
        clock.advance(2.0)
        await conn.ws.close()
    assert order == before
    assert len(set(timestamps)) == 3
    conn = await server.next_connection()
    await conn.receive_text()
    await within(app)
    await app.current_ws.send_json(order)  # one-off: signed too
    assert _verify(json.loads(await conn.receive_text())["params"])
    await app.current_ws.send_json(order, auth=None)  # opt out
    assert json.loads(await conn.receive_text()) == before


async def test_no_credentials_sends_unsigned(ws_server, make_app):
    server = await ws_server()
    make_app(server.url("/ws-api/v3", host="ws-api.binance.com"), send_json=_order())
    conn = await server.next_connection()
    assert "signature" not in json.loads(await conn.receive_text())["params"]


async def test_spot_stream_sends_are_paced_by_local_clock(ws_server, make_app, clock: FakeClock):
    server = await ws_server()
    subs = [{"method": "SUBSCRIBE", "params": [f"s{i}@trade"], "id": i} for i in range(4)]
    app = make_app(server.url("/ws", host="stream.binance.com"), send_json=subs, await_on="ready")
    await within(app)
    conn = await server.next_connection()
    assert [json.loads(await conn.receive_text())["id"] for _ in range(4)] == [0, 1, 2, 3]
    assert clock.sleeps == pytest.approx([0.25, 0.25, 0.25])
    # a one-off send right after is paced as well
    await app.current_ws.send_str("x")
    assert clock.sleeps[-1] == pytest.approx(0.25)


async def test_app_level_pong_keepalive_is_sent(ws_server, make_app, monkeypatch):
    from pybotters_like.ws.hooks import AppPing

    monkeypatch.setattr(binance_ws, "_PING", AppPing(0.01, lambda now: "", frame="pong"))
    server = await ws_server(autoping=False)  # an autoping server would swallow PONGs
    make_app(server.url("/ws", host="fstream.binance.com"), heartbeat=None)
    conn = await server.next_connection()
    msg = await conn.receive()
    assert msg.type is WSMsgType.PONG
    assert msg.data == b""


def _pem_credential(key: Any) -> Credential:
    from cryptography.hazmat.primitives import serialization

    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return Credential("binance", API_KEY, pem)


def _payload(params: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in params.items() if k != "signature"}
    return "&".join(f"{k}={unsigned[k]}" for k in sorted(unsigned)).encode()


def test_ed25519_key_signs_each_request():
    import base64

    key = ed25519.Ed25519PrivateKey.generate()
    order = _order()
    before = copy.deepcopy(order)
    url = URL("wss://ws-api.binance.com/ws-api/v3")
    signed = binance_ws.sign_message(order, url, _pem_credential(key), 1700000000.0)
    assert order == before
    params = signed["params"]
    assert params["apiKey"] == API_KEY
    assert params["timestamp"] == 1700000000000
    key.public_key().verify(base64.b64decode(params["signature"]), _payload(params))
    again = binance_ws.sign_message(order, url, _pem_credential(key), 1700000001.0)
    assert again["params"]["timestamp"] == 1700000001000
    key.public_key().verify(
        base64.b64decode(again["params"]["signature"]), _payload(again["params"])
    )


def test_rsa_key_signs_with_pkcs1v15_sha256():
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signed = binance_ws.sign_message(
        _order(), URL("wss://ws-api.binance.com/ws-api/v3"), _pem_credential(key), 1700000000.0
    )
    params = signed["params"]
    key.public_key().verify(
        base64.b64decode(params["signature"]), _payload(params), padding.PKCS1v15(), hashes.SHA256()
    )


def test_unusable_pem_key_raises_auth_error_without_key_material():
    from pybotters_like.errors import AuthError

    bad = Credential("binance", API_KEY, b"-----BEGIN PRIVATE KEY-----\nnot a key\n")
    with pytest.raises(AuthError, match="could not be loaded") as info:
        binance_ws.sign_message(_order(), URL("wss://ws-api.binance.com/ws-api/v3"), bad, 1.0)
    assert "not a key" not in str(info.value)


async def test_ed25519_replays_are_signed_afresh_through_the_app(
    ws_server, make_app, clock: FakeClock
):
    import base64

    key = ed25519.Ed25519PrivateKey.generate()
    server = await ws_server()
    make_app(
        server.url("/ws-api/v3", host="ws-api.binance.com"),
        credentials={"binance": _pem_credential(key)},
        send_json=_order(),
    )
    timestamps = []
    for _ in range(2):
        conn = await server.next_connection()
        params = json.loads(await conn.receive_text())["params"]
        key.public_key().verify(base64.b64decode(params["signature"]), _payload(params))
        timestamps.append(params["timestamp"])
        clock.advance(1.0)
        await conn.ws.close()
    assert timestamps[1] - timestamps[0] >= 1000
