"""bitFlyer REST signer: pybotters-derived vectors, the documented formula, hosts, e2e."""

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
from pybotters_like.exchanges.bitflyer.auth import HOSTS, sign

KEY = "bitflyer-test-key"
SECRET = "AKHZlv3PoAXZ0KXIKIVKOmS4ji3rV7ZIVIJRstwyplaw0FQ4"
CRED = Credential("bitflyer", KEY, SECRET.encode())
NOW = 2085848896.0  # ts_ms 2085848896000


def documented(timestamp: str, method: str, path_qs: str, body: bytes) -> str:
    message = (timestamp + method + path_qs).encode() + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_pybotters_vector_get() -> None:
    url = "https://api.bitflyer.com/v1/me/getchildorders?product_code=FX_BTC_JPY&child_order_state=ACTIVE"
    signed = sign(make_request("GET", url), CRED, NOW)
    assert signed.headers == {
        "ACCESS-KEY": KEY,
        "ACCESS-TIMESTAMP": "2085848896000",
        "ACCESS-SIGN": "7413e237eee917f1a2a276f6d1553a82fc8ca7b1b3353ff02a070b5e3c3deda5",
    }
    assert signed.url == URL(url)
    assert signed.body is None


def test_pybotters_vector_post_spaced_json_body() -> None:
    order = {
        "product_code": "FX_BTC_JPY",
        "child_order_type": "MARKET",
        "side": "BUY",
        "size": 0.01,
    }
    body = json.dumps(order).encode()
    signed = sign(
        make_request("POST", "https://api.bitflyer.com/v1/me/sendchildorder", body), CRED, NOW
    )
    assert signed.headers["ACCESS-SIGN"] == (
        "0e391462aad928c8152201a8854b095f084d1b9f6bd9c0d9b8b026c9963711b4"
    )
    assert signed.body == body


@pytest.mark.parametrize(
    ("method", "url", "body", "path_qs"),
    [
        ("GET", "https://api.bitflyer.com/v1/me/getbalance", b"", "/v1/me/getbalance"),
        (
            "GET",
            "https://api.bitflyer.com/v1/me/getexecutions?product_code=BTC_JPY&count=1",
            b"",
            "/v1/me/getexecutions?product_code=BTC_JPY&count=1",
        ),
        (
            "POST",
            "https://api.bitflyer.com/v1/me/cancelallchildorders",
            b'{"product_code":"FX_BTC_JPY"}',
            "/v1/me/cancelallchildorders",
        ),
    ],
)
def test_documented_formula(method: str, url: str, body: bytes, path_qs: str) -> None:
    signed = sign(make_request(method, url, body), CRED, 1700000000.25)
    assert signed.headers["ACCESS-TIMESTAMP"] == "1700000000250"
    assert signed.headers["ACCESS-SIGN"] == documented("1700000000250", method, path_qs, body)


def test_deterministic_and_inputs_untouched() -> None:
    data = {"product_code": "FX_BTC_JPY"}
    before = copy.deepcopy(data)
    request = make_request("POST", "https://api.bitflyer.com/v1/me/x", b"{}", data=data)
    assert sign(request, CRED, NOW) == sign(request, CRED, NOW)
    assert data == before


def test_secret_not_in_output() -> None:
    assert SECRET not in repr(
        sign(make_request("GET", "https://api.bitflyer.com/v1/me"), CRED, NOW)
    )


def test_registry() -> None:
    entry = lookup("api.bitflyer.com")
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.body_format == "json"
    assert entry.credential_name(make_request("GET", "https://api.bitflyer.com/")) == "bitflyer"


# --- end to end: Client -> loopback server that recomputes the signature ------------------


def verify(rec: RecordedRequest) -> web.Response:
    headers = CIMultiDict(rec.headers)
    expected = documented(headers["ACCESS-TIMESTAMP"], rec.method, rec.raw_path_qs, rec.body)
    ok = headers["ACCESS-KEY"] == KEY and hmac.compare_digest(headers["ACCESS-SIGN"], expected)
    return web.json_response({"verified": ok}, status=200 if ok else 401)


async def test_e2e_client_signs_get_and_post(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    order = {
        "product_code": "FX_BTC_JPY",
        "child_order_type": "MARKET",
        "side": "BUY",
        "size": 0.01,
    }
    async with pybotters.Client(
        apis={"bitflyer": [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        got = await client.fetch(
            "GET",
            recording_server.url("api.bitflyer.com", "/v1/me/getchildorders"),
            params={"product_code": "FX_BTC_JPY", "child_order_state": "ACTIVE"},
        )
        assert got.data == {"verified": True}
        # The pybotters vector reproduces end to end when the same bytes are sent.
        assert recording_server.last.headers["ACCESS-SIGN"] == (
            "7413e237eee917f1a2a276f6d1553a82fc8ca7b1b3353ff02a070b5e3c3deda5"
        )
        posted = await client.fetch(
            "POST", recording_server.url("api.bitflyer.com", "/v1/me/sendchildorder"), data=order
        )
        assert posted.data == {"verified": True}
        assert json.loads(recording_server.last.body) == order
        spaced = await client.fetch(
            "POST",
            recording_server.url("api.bitflyer.com", "/v1/me/sendchildorder"),
            data=json.dumps(order),
        )
        assert spaced.data == {"verified": True}
        assert recording_server.last.headers["ACCESS-SIGN"] == (
            "0e391462aad928c8152201a8854b095f084d1b9f6bd9c0d9b8b026c9963711b4"
        )
