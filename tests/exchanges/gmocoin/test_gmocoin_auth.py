"""GMO Coin REST signer: pybotters-derived vectors, the documented formula, exempt, e2e."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json

import pytest
from aiohttp import web
from multidict import CIMultiDict
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from support import sign_request as make_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.gmocoin.auth import HOSTS, is_exempt, sign

KEY = "gmo-test-key"
SECRET = "jFRfAL7PiFLvYP6rS9u6TmTjTyVI1z21QXgDqxsCdPkMmN6I"
CRED = Credential("gmocoin", KEY, SECRET.encode())
NOW = 2085848896.0  # ts_ms 2085848896000
ORDER = {"symbol": "BTC_JPY", "side": "BUY", "executionType": "MARKET", "size": 0.01}


def documented(timestamp: str, method: str, path: str, body: bytes) -> str:
    message = (timestamp + method + path).encode() + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_pybotters_vector_get_query_not_signed() -> None:
    url = "https://api.coin.z.com/private/v1/activeOrders?symbol=BTC_JPY&page=1"
    signed = sign(make_request("GET", url), CRED, NOW)
    assert signed.headers == {
        "API-KEY": KEY,
        "API-TIMESTAMP": "2085848896000",
        "API-SIGN": "e6f0c55c381b08f0892daad0c5e27f69050dab787d98e45680802e340849978a",
    }
    assert signed.url == URL(url)
    assert signed.body is None


def test_pybotters_vector_post_spaced_json_body() -> None:
    body = json.dumps(ORDER).encode()
    signed = sign(make_request("POST", "https://api.coin.z.com/private/v1/order", body), CRED, NOW)
    assert signed.headers["API-SIGN"] == (
        "b6e96f0fe71993d29b50dc8a9a0bebe974fb38749e2ee7aed1e4abb845b063bf"
    )
    assert signed.body == (body or None)


@pytest.mark.parametrize(
    ("method", "url", "body", "signed_part"),
    [
        ("GET", "https://api.coin.z.com/private/v1/account/assets", b"", "/v1/account/assets"),
        ("POST", "https://api.coin.z.com/private/v1/ws-auth", b"{}", "/v1/ws-auth{}"),
        # PUT/DELETE bodies are sent but not signed (GMO's ws-auth samples).
        ("PUT", "https://api.coin.z.com/private/v1/ws-auth", b'{"token":"t"}', "/v1/ws-auth"),
        ("DELETE", "https://api.coin.z.com/private/v1/ws-auth", b'{"token":"t"}', "/v1/ws-auth"),
    ],
)
def test_documented_formula(method: str, url: str, body: bytes, signed_part: str) -> None:
    signed = sign(make_request(method, url, body), CRED, 1700000000.001)
    assert signed.headers["API-TIMESTAMP"] == "1700000000001"
    expected = documented("1700000000001", method, signed_part, b"")
    assert signed.headers["API-SIGN"] == expected
    assert signed.body == (body or None)


@pytest.mark.parametrize(
    ("url", "exempt"),
    [
        ("https://api.coin.z.com/public/v1/ticker?symbol=BTC", True),
        ("https://api.coin.z.com/public/v1/orderbooks", True),
        ("https://api.coin.z.com/private/v1/account/margin", False),
        ("https://api.coin.z.com/publicity", False),
    ],
)
def test_public_api_is_exempt(url: str, exempt: bool) -> None:
    assert is_exempt(make_request("GET", url)) is exempt


def test_deterministic_and_inputs_untouched() -> None:
    data = dict(ORDER)
    before = copy.deepcopy(data)
    request = make_request("POST", "https://api.coin.z.com/private/v1/order", b"{}", data=data)
    assert sign(request, CRED, NOW) == sign(request, CRED, NOW)
    assert data == before


def test_secret_not_in_output() -> None:
    signed = sign(make_request("GET", "https://api.coin.z.com/private/v1/x"), CRED, NOW)
    assert SECRET not in repr(signed)


def test_registry() -> None:
    entry = lookup("api.coin.z.com")
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.exempt is is_exempt
    assert entry.body_format == "json"
    assert entry.credential_name(make_request("GET", "https://api.coin.z.com/")) == "gmocoin"


# --- end to end: Client -> loopback server that recomputes the signature ------------------


def verify(rec: RecordedRequest) -> web.Response:
    headers = CIMultiDict(rec.headers)
    if "API-SIGN" not in headers:
        return web.json_response({"signed": False})
    path = "/" + rec.raw_path.lstrip("/").split("/", 1)[1]
    body = rec.body if rec.method == "POST" else b""
    expected = documented(headers["API-TIMESTAMP"], rec.method, path, body)
    ok = headers["API-KEY"] == KEY and hmac.compare_digest(headers["API-SIGN"], expected)
    return web.json_response({"verified": ok}, status=200 if ok else 401)


async def test_e2e_client_signs_private_and_not_public(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    async with pybotters.Client(
        apis={"gmocoin": [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        url = recording_server.url("api.coin.z.com", "/private/v1/activeOrders")
        got = await client.fetch("GET", url, params={"symbol": "BTC_JPY"})
        assert got.data == {"verified": True}
        assert recording_server.last.headers["API-SIGN"] == (
            "e6f0c55c381b08f0892daad0c5e27f69050dab787d98e45680802e340849978a"
        )
        posted = await client.fetch(
            "POST", recording_server.url("api.coin.z.com", "/private/v1/order"), data=ORDER
        )
        assert posted.data == {"verified": True}
        assert json.loads(recording_server.last.body) == ORDER
        put = await client.fetch(
            "PUT",
            recording_server.url("api.coin.z.com", "/private/v1/ws-auth"),
            data={"token": "t"},
        )
        assert put.data == {"verified": True}
        public = await client.fetch(
            "GET", recording_server.url("api.coin.z.com", "/public/v1/ticker?symbol=BTC")
        )
        assert public.data == {"signed": False}
        assert "API-KEY" not in recording_server.last.headers
