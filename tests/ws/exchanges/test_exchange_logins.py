"""Login, ping and decoding hooks of the remaining exchanges.

Signatures are checked against the pybotters-derived vectors of auth.md 5.3
where listed (bitFlyer, OKX, Bitget, Phemex), otherwise against an independent
re-derivation written here from the auth.md 2.2 formulas. Each login is then
played against a loopback server that acks or rejects it.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.bitbank import ws as bitbank_ws
from pybotters_like.exchanges.bitflyer import ws as bitflyer_ws
from pybotters_like.exchanges.bitget import ws as bitget_ws
from pybotters_like.exchanges.bittrade import ws as bittrade_ws
from pybotters_like.exchanges.coincheck import ws as coincheck_ws
from pybotters_like.exchanges.kucoin import ws as kucoin_ws
from pybotters_like.exchanges.mexc import ws as mexc_ws
from pybotters_like.exchanges.okj import ws as okj_ws
from pybotters_like.exchanges.okx import ws as okx_ws
from pybotters_like.exchanges.phemex import ws as phemex_ws
from pybotters_like.ws import DisconnectEvent, lookup_ws_hooks

from ..conftest import ServerConn, within

NOW = 2085848896.0


def _hex(secret: str, msg: str) -> str:
    return hmac.new(secret.encode(), msg.encode(), hashlib.sha256).hexdigest()


def _b64(secret: str, msg: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), msg.encode(), hashlib.sha256).digest()
    ).decode()


# ---------------------------------------------------------------- vectors (auth.md 5.3)


def test_bitflyer_vector():
    secret = "AKHZlv3PoAXZ0KXIKIVKOmS4ji3rV7ZIVIJRstwyplaw0FQ4"
    cred = Credential("bitflyer", "KEY", secret.encode())
    msg = bitflyer_ws.auth_message(cred, NOW, "d73b41172d6deca2285e8e58533db082")
    assert msg["params"]["timestamp"] == 2085848896000
    assert msg["params"]["signature"] == (
        "f47526dec80c4773815fb1121058c2e3bcc531d1224b683e8babf76e52b0ba9c"
    )
    assert msg["id"] == "auth"
    plan = bitflyer_ws.login(URL("wss://ws.lightstream.bitflyer.com/json-rpc"), cred, NOW)
    params = plan.message["params"]
    assert len(params["nonce"]) == 32
    assert params["signature"] == _hex(secret, f"{params['timestamp']}{params['nonce']}")


def test_okx_vector():
    secret = "YUJHBdFNrbz7atmV3f261ZhdRffTo4S9KZKC7C7qdqcHbRR4"
    cred = Credential("okx", "KEY", secret.encode(), "PASS")
    plan = okx_ws.login(URL("wss://ws.okx.com:8443/ws/v5/private"), cred, NOW)
    assert plan.message == {
        "op": "login",
        "args": [
            {
                "apiKey": "KEY",
                "passphrase": "PASS",
                "timestamp": "2085848896",
                "sign": "6QVd7Mgd70We2/oDJr0+KnqxXZ+Gf1zIIl3qJk/Pqx8=",
            }
        ],
    }
    assert lookup_ws_hooks("wspap.okx.com").credential == "okx_demo"
    assert lookup_ws_hooks("ws.okx.com").credential == "okx"


def test_bitget_vector_and_public_skip():
    secret = "mVd40qhnarPtxk3aqg0FCyY1qlTgBOKOXEcmMYfkerGUKmvr"
    cred = Credential("bitget", "KEY", secret.encode(), "PASS")
    plan = bitget_ws.login(URL("wss://ws.bitget.com/v2/ws/private"), cred, NOW)
    assert plan.message["args"][0]["sign"] == "RmRhCixsMce8H7j2uyvR6sk11tCRbYenohbd87nchH8="
    assert plan.message["args"][0]["timestamp"] == "2085848896"
    assert bitget_ws.login(URL("wss://ws.bitget.com/v2/ws/public"), cred, NOW) is None


def test_phemex_vector():
    secret = "ZBAUiPBTQOjYgTihYnZMw2HFkTooufRnNY5iuahBPMspRYQJ"
    cred = Credential("phemex", "9kYxQXZ6PrR8h17lsVdDcpnJ", secret.encode())
    msg = phemex_ws.auth_message(cred, NOW)
    assert msg == {
        "method": "user.auth",
        "params": [
            "API",
            "9kYxQXZ6PrR8h17lsVdDcpnJ",
            "196f317edfa0662ec3d388099683b40a25607919ca3546b131108b9ee5cbed4a",
            2085848956,
        ],
        "id": 123,
    }


# ---------------------------------------------------------------- independent re-derivations


def test_mexc_login_formula():
    cred = Credential("mexc", "mx0key", b"mexcsecret")
    msg = mexc_ws.login_message(cred, NOW)
    assert msg == {
        "method": "login",
        "param": {
            "apiKey": "mx0key",
            "reqTime": "2085848896",
            "signature": _hex("mexcsecret", "mx0key2085848896"),
        },
    }
    assert mexc_ws.login(URL("wss://contract.mexc.com/edge"), cred, NOW).classify is None


def test_okj_login_formula_and_inflate():
    cred = Credential("okj", "okjkey", b"okjsecret", "okjpass")
    msg = okj_ws.login_message(cred, NOW)
    assert msg["args"][:3] == ["okjkey", "okjpass", "2085848896.0"]
    assert msg["args"][3] == _b64("okjsecret", "2085848896.0GET/users/self/verify")
    co = zlib.compressobj(wbits=-15)
    assert okj_ws.inflate(co.compress(b'{"a":1}') + co.flush()) == b'{"a":1}'


def test_bittrade_login_formula():
    cred = Credential("bittrade", "btkey", b"btsecret")
    url = URL("wss://api-cloud.bittrade.co.jp/ws/v2")
    msg = bittrade_ws.auth_message(url, cred, NOW)
    params = msg["params"]
    assert params["timestamp"] == "2036-02-05T18:28:16"
    assert params["signatureVersion"] == "2.1"
    query = (
        "accessKey=btkey&signatureMethod=HmacSHA256&signatureVersion=2.1"
        f"&timestamp={quote('2036-02-05T18:28:16', safe='')}"
    )
    expected = _b64("btsecret", f"GET\napi-cloud.bittrade.co.jp\n/ws/v2\n{query}")
    assert params["signature"] == expected
    assert bittrade_ws.login(URL("wss://api-cloud.bittrade.co.jp/ws"), cred, NOW) is None
    assert bittrade_ws.gunzip(gzip.compress(b'{"ch":1}')) == b'{"ch":1}'


def test_coincheck_login_formula():
    cred = Credential("coincheck", "cckey", b"ccsecret")
    msg = coincheck_ws.login_message(cred, NOW)
    assert msg == {
        "type": "login",
        "access_key": "cckey",
        "access_nonce": "2085848896000",
        "access_signature": _hex("ccsecret", "2085848896000wss://stream.coincheck.com/private"),
    }


# ---------------------------------------------------------------- application pings


@pytest.mark.parametrize(
    ("host", "path", "interval", "expected"),
    [
        ("ws.okx.com", "/ws/v5/public", 15.0, "ping"),
        ("ws.bitget.com", "/v2/ws/public", 25.0, "ping"),
        ("connect.okcoin.jp", "/ws/v3", 15.0, "ping"),
        ("stream.bitbank.cc", "/socket.io/", 15.0, "2"),
        ("contract.mexc.com", "/edge", 10.0, {"method": "ping"}),
        ("vapi.phemex.com", "/ws", 10.0, {"method": "server.ping", "params": [], "id": 0}),
        ("api.hyperliquid.xyz", "/ws", 30.0, {"method": "ping"}),
        ("api-cloud.bittrade.co.jp", "/retail/ws", 10.0, {"action": 5, "ts": 2085848896}),
        ("api-cloud.bittrade.co.jp", "/ws", 5.0, {"pong": 2085848896000}),
        (
            "api-cloud.bittrade.co.jp",
            "/ws/v2",
            20.0,
            {"action": "pong", "data": {"ts": 2085848896000}},
        ),
    ],
)
def test_app_ping_messages(host, path, interval, expected):
    hooks = lookup_ws_hooks(host)
    ping = hooks.ping(URL(f"wss://{host}{path}"))
    assert ping.interval == interval
    text = ping.build(NOW)
    assert (text if isinstance(expected, str) else json.loads(text)) == expected


def test_kucoin_ping_has_fresh_ids():
    ping = kucoin_ws.ping(URL("wss://ws-api-spot.kucoin.com/"))
    a, b = json.loads(ping.build(NOW)), json.loads(ping.build(NOW))
    assert a["type"] == "ping"
    assert a["id"] != b["id"]
    assert ping.interval == 15.0
    assert bitbank_ws.ping(URL("wss://stream.bitbank.cc/")).build(NOW) == "2"


# ---------------------------------------------------------------- logins against a server


@dataclass
class Case:
    name: str
    host: str
    path: str
    credential: Credential
    ok: dict[str, Any]
    rejected: dict[str, Any]
    verify: Any  # login frame -> bool (independent check)
    deflate: bool = False


def _okx_verify(secret: str, verify_path: str):
    def check(frame: dict[str, Any]) -> bool:
        args = frame["args"][0]
        return args["sign"] == _b64(secret, args["timestamp"] + verify_path)

    return check


CASES = [
    Case(
        "bitflyer",
        "ws.lightstream.bitflyer.com",
        "/json-rpc",
        Credential("bitflyer", "k", b"bfsecret"),
        {"jsonrpc": "2.0", "id": "auth", "result": True},
        {"jsonrpc": "2.0", "id": "auth", "error": {"code": -32000, "message": "bad sig"}},
        lambda f: (
            f["params"]["signature"]
            == _hex("bfsecret", f"{f['params']['timestamp']}{f['params']['nonce']}")
        ),
    ),
    Case(
        "okx",
        "ws.okx.com",
        "/ws/v5/private",
        Credential("okx", "k", b"okxsecret", "p"),
        {"event": "login", "code": "0", "msg": ""},
        {"event": "error", "code": "60009", "msg": "Login failed."},
        _okx_verify("okxsecret", "GET/users/self/verify"),
    ),
    Case(
        "okx_demo",
        "wspap.okx.com",
        "/ws/v5/private",
        Credential("okx_demo", "k", b"demosecret", "p"),
        {"event": "login", "code": "0", "msg": ""},
        {"event": "error", "code": "60009", "msg": "Login failed."},
        _okx_verify("demosecret", "GET/users/self/verify"),
    ),
    Case(
        "bitget",
        "ws.bitget.com",
        "/v2/ws/private",
        Credential("bitget", "k", b"bgsecret", "p"),
        {"event": "login", "code": 0},
        {"event": "error", "code": 30005, "msg": "Invalid sign"},
        _okx_verify("bgsecret", "GET/user/verify"),
    ),
    Case(
        "phemex",
        "vapi.phemex.com",
        "/ws",
        Credential("phemex", "pk", b"phsecret"),
        {"error": None, "id": 123, "result": {"status": "success"}},
        {"error": {"code": 6012, "message": "invalid login token"}, "id": 123, "result": None},
        lambda f: f["params"][2] == _hex("phsecret", f"pk{f['params'][3]}"),
    ),
    Case(
        "okj",
        "connect.okcoin.jp",
        "/ws/v3",
        Credential("okj", "k", b"okjsecret", "p"),
        {"event": "login", "success": True},
        {"event": "error", "message": "Invalid sign", "errorCode": 30013},
        lambda f: f["args"][3] == _b64("okjsecret", f["args"][2] + "GET/users/self/verify"),
        deflate=True,
    ),
    Case(
        "bittrade",
        "api-cloud.bittrade.co.jp",
        "/ws/v2",
        Credential("bittrade", "k", b"btsecret"),
        {"action": "req", "code": 200, "ch": "auth", "data": {}},
        {"action": "req", "code": 2002, "ch": "auth", "message": "invalid.auth.state"},
        lambda f: f["ch"] == "auth" and len(f["params"]["signature"]) == 44,
    ),
    Case(
        "coincheck",
        "stream.coincheck.com",
        "/private",
        Credential("coincheck", "k", b"ccsecret"),
        {"success": True},
        {"success": False, "error": "invalid signature"},
        lambda f: (
            f["access_signature"]
            == _hex("ccsecret", f["access_nonce"] + "wss://stream.coincheck.com/private")
        ),
    ),
]


def _encode(case: Case, obj: Any) -> tuple[str, Any]:
    raw = json.dumps(obj).encode()
    if case.deflate:
        co = zlib.compressobj(wbits=-15)
        return "bytes", co.compress(raw) + co.flush()
    return "str", raw.decode()


def _exchange(case: Case, accept: bool):
    async def behaviour(conn: ServerConn) -> None:
        login = await conn.ws.receive_json()
        assert case.verify(login), login
        for obj in ({"early": case.name}, case.ok if accept else case.rejected):
            kind, data = _encode(case, obj)
            await (conn.ws.send_bytes(data) if kind == "bytes" else conn.ws.send_str(data))
        async for msg in conn.ws:
            await conn.received.put(msg)

    return behaviour


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_login_accepted(case: Case, ws_server, make_app):
    server = await ws_server(behaviour=_exchange(case, accept=True))
    got: list[Any] = []
    app = make_app(
        server.url(case.path, host=case.host),
        credentials={case.credential.name: case.credential},
        send_str="subscribe",
        hdlr_json=lambda m, ws: got.append(m),
        await_on="ready",
    )
    await within(app)
    conn = await server.next_connection()
    assert await conn.receive_text() == "subscribe"
    assert got == [{"early": case.name}]  # the pre-ack frame, delivered after the ack
    assert app.health().logged_in


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_login_rejected(case: Case, ws_server, make_app, caplog):
    server = await ws_server(behaviour=_exchange(case, accept=False))
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    with caplog.at_level("ERROR", logger="pybotters_like.ws"):
        app = make_app(
            server.url(case.path, host=case.host),
            credentials={case.credential.name: case.credential},
            send_str="subscribe",
            on_disconnect=events.put_nowait,
        )
        event = await within(events.get())
    assert event.reason.startswith("login rejected: ")
    assert "login rejected" in caplog.text
    assert case.credential.secret.decode() not in caplog.text
    assert not app.health().logged_in
    conn = server.all[0]
    await within(conn.done.wait())
    assert conn.received.empty()  # the subscription never went out


async def test_mexc_login_is_not_awaited(ws_server, make_app):
    server = await ws_server()
    cred = Credential("mexc", "mk", b"mxsecret")
    app = make_app(
        server.url("/edge", host="contract.mexc.com"),
        credentials={"mexc": cred},
        send_str="subscribe",
        await_on="ready",
    )
    await within(app)
    conn = await server.next_connection()
    login = json.loads(await conn.receive_text())
    assert login["param"]["signature"] == _hex("mxsecret", "mk" + login["param"]["reqTime"])
    assert await conn.receive_text() == "subscribe"


async def test_okj_deflate_frames_reach_json_handlers(ws_server, make_app):
    server = await ws_server()
    got: asyncio.Queue[Any] = asyncio.Queue()
    make_app(
        server.url("/ws/v3", host="connect.okcoin.jp"), hdlr_json=lambda m, ws: got.put_nowait(m)
    )
    conn = await server.next_connection()
    co = zlib.compressobj(wbits=-15)
    await conn.ws.send_bytes(co.compress(b'{"table":"spot/ticker"}') + co.flush())
    assert await within(got.get()) == {"table": "spot/ticker"}


async def test_login_timeout_is_a_failed_connect(ws_server, make_app):
    async def silent(conn: ServerConn) -> None:
        async for _ in conn.ws:
            pass

    server = await ws_server(behaviour=silent)
    events: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    make_app(
        server.url("/private", host="stream.coincheck.com"),
        credentials={"coincheck": Credential("coincheck", "k", b"s")},
        login_timeout=0.2,
        on_disconnect=events.put_nowait,
    )
    event = await within(events.get())
    assert event.reason == "no login ack within 0.2s"


async def test_auth_none_disables_login(ws_server, make_app):
    server = await ws_server()
    make_app(
        server.url("/private", host="stream.coincheck.com"),
        credentials={"coincheck": Credential("coincheck", "k", b"s")},
        auth=None,
        send_str="sub",
    )
    conn = await server.next_connection()
    assert await conn.receive_text() == "sub"
