"""MEXC REST signers: v2 header scheme and v3 query scheme (re-derived independently).

auth.md lists no MEXC values among the pybotters-derived vectors, so v2 is checked
by re-deriving the documented formula, and v3 also against Binance's official
HMAC vector (B1): v3 uses the same "query + timestamp -> hex HMAC" construction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import partial
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from aiohttp import web
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector, sign_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth import Credential, lookup
from pybotters_like.auth.body import encode_form
from pybotters_like.exchanges.mexc.auth import HOSTS, sign_v2, sign_v3

NOW = 2085848896.0
KEY = "mx0-key-abc"
SECRET = "mexc-secret-0123456789abcdef"
CRED = Credential("mexc", KEY, SECRET.encode())


make_request = partial(sign_request, encoded=False)


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def test_v2_get_signs_sorted_encoded_query_and_sends_it() -> None:
    url = "https://contract.mexc.com/api/v1/private/order/list?symbol=BTC_USDT&page_num=1&ids=1%2C2"
    signed = sign_v2(make_request("GET", url), CRED, NOW)
    sorted_query = "ids=1%2C2&page_num=1&symbol=BTC_USDT"
    expected = hex_hmac(SECRET, f"{KEY}2085848896000{sorted_query}".encode())
    assert signed.headers["Signature"] == expected
    assert signed.headers["ApiKey"] == KEY
    assert signed.headers["Request-Time"] == "2085848896000"
    assert signed.headers["Content-Type"] == "application/json"
    assert signed.url.raw_query_string == sorted_query
    assert signed.url.path == "/api/v1/private/order/list"
    assert signed.body is None


def test_v2_delete_without_query_signs_key_and_time_only() -> None:
    signed = sign_v2(make_request("DELETE", "https://www.mexc.com/open/api/v2/order"), CRED, NOW)
    assert signed.headers["Signature"] == hex_hmac(SECRET, f"{KEY}2085848896000".encode())
    assert signed.url == URL("https://www.mexc.com/open/api/v2/order")


def test_v2_post_signs_the_json_body() -> None:
    body = json.dumps({"symbol": "BTC_USDT", "price": 8800, "vol": 100, "side": 1}).encode()
    req = make_request("POST", "https://contract.mexc.com/api/v1/private/order/submit?z=1", body)
    signed = sign_v2(req, CRED, NOW)
    assert signed.headers["Signature"] == hex_hmac(SECRET, f"{KEY}2085848896000".encode() + body)
    assert signed.body == body
    assert signed.url == req.url


def test_v3_binance_official_vector_b1() -> None:
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    cred = Credential(
        "mexc", "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", secret.encode()
    )
    url = (
        "https://api.mexc.com/api/v3/order"
        "?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
    )
    signed = sign_v3(make_request("POST", url), cred, 1499827319.559)
    assert signed.url.query["timestamp"] == "1499827319559"
    assert signed.url.query["signature"] == (
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    )
    assert signed.headers["X-MEXC-APIKEY"] == cred.key


def test_v3_dict_body_moves_into_the_query() -> None:
    data = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "1", "price": "9 9"}
    body = encode_form(data)  # what the client produces for a form host
    req = make_request("POST", "https://api.mexc.com/api/v3/order?recvWindow=5000", body, data=data)
    signed = sign_v3(req, CRED, NOW)
    query = "recvWindow=5000&" + urlencode(data) + "&timestamp=2085848896000"
    assert signed.url.raw_query_string == f"{query}&signature={hex_hmac(SECRET, query.encode())}"
    assert signed.body is None
    assert data["price"] == "9 9"


def test_v3_raw_body_is_kept_and_signed_after_the_query() -> None:
    body = b"symbol=BTCUSDT&side=SELL"
    req = make_request("POST", "https://api.mexc.com/api/v3/order", body, data=body)
    signed = sign_v3(req, CRED, NOW)
    query = "timestamp=2085848896000"
    assert (
        signed.url.raw_query_string
        == f"{query}&signature={hex_hmac(SECRET, query.encode() + body)}"
    )
    assert signed.body == body


def test_v3_get_without_query() -> None:
    signed = sign_v3(make_request("GET", "https://api.mexc.com/api/v3/account"), CRED, NOW)
    expected = hex_hmac(SECRET, b"timestamp=2085848896000")
    assert str(signed.url) == (
        f"https://api.mexc.com/api/v3/account?timestamp=2085848896000&signature={expected}"
    )


@pytest.mark.parametrize(
    ("host", "signer", "body_format"),
    [
        ("www.mexc.com", sign_v2, "json"),
        ("contract.mexc.com", sign_v2, "json"),
        ("api.mexc.com", sign_v3, "form"),
    ],
)
def test_registry_entries(host: str, signer: object, body_format: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry.signer is signer
    assert entry.body_format == body_format
    assert entry.credential_name(make_request("GET", f"https://{host}/")) == "mexc"


def test_hosts_tuple() -> None:
    assert sorted(h.host for h in HOSTS) == ["api.mexc.com", "contract.mexc.com", "www.mexc.com"]


@pytest.mark.parametrize("signer", [sign_v2, sign_v3])
def test_deterministic_and_no_mutation(signer: object) -> None:
    assert callable(signer)
    data = {"a": "1"}
    req = make_request("POST", "https://api.mexc.com/api/v3/order?b=2", b"a=1", data=data)
    before = (req.url, dict(req.headers), req.body, dict(data))
    first = signer(req, CRED, NOW)
    assert first == signer(req, CRED, NOW)
    assert (req.url, dict(req.headers), req.body, dict(data)) == before
    assert SECRET not in str(first)


# -- end to end through Client: the server re-derives each scheme from raw bytes -----


def mexc_verifier(rec: RecordedRequest) -> web.StreamResponse:
    if "ApiKey" in rec.headers:  # v2
        if rec.method in ("GET", "DELETE"):
            pairs = sorted(parse_qsl(rec.raw_query_string), key=lambda kv: kv[0])
            x = "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs).encode()
        else:
            x = rec.body
        message = (rec.headers["ApiKey"] + rec.headers["Request-Time"]).encode() + x
        ok = rec.headers["Signature"] == hex_hmac(SECRET, message)
    else:  # v3: everything before "&signature=" plus the body
        query, _, signature = rec.raw_query_string.rpartition("&signature=")
        ok = signature == hex_hmac(SECRET, query.encode() + rec.body)
        ok = ok and rec.headers["X-MEXC-APIKEY"] == KEY
    return web.json_response({"success": ok}, status=200 if ok else 401)


async def test_e2e_v2_and_v3_verified_by_server(recording_server: RecordingServer) -> None:
    recording_server.reply = mexc_verifier
    async with pybotters.Client(
        apis={"mexc": [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        responses = [
            await client.fetch(
                "GET",
                recording_server.url("contract.mexc.com", "/api/v1/private/order/list"),
                params={"symbol": "BTC_USDT", "page_num": "1", "ids": "1,2"},
            ),
            await client.fetch(
                "POST",
                recording_server.url("contract.mexc.com", "/api/v1/private/order/submit"),
                data={"symbol": "BTC_USDT", "vol": 1},
            ),
            await client.fetch(
                "POST",
                recording_server.url("api.mexc.com", "/api/v3/order"),
                data={"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"},
            ),
            await client.fetch("GET", recording_server.url("api.mexc.com", "/api/v3/account")),
        ]
    assert [r.response.status for r in responses] == [200, 200, 200, 200]
    v2_get, v2_post, v3_post, _ = recording_server.requests
    assert v2_get.raw_query_string == "ids=1%2C2&page_num=1&symbol=BTC_USDT"
    assert v2_post.body == b'{"symbol":"BTC_USDT","vol":1}'
    assert v3_post.body == b""
    assert v3_post.raw_query_string.startswith(
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1&timestamp=2085848896000&signature="
    )
