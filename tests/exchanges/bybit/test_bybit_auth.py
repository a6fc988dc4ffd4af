"""Bybit V5 REST signer: pybotters-derived vectors, the documented formula, hosts, e2e."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json

import pytest
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from multidict import CIMultiDict
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from support import sign_request as make_request

import pybotters_like as pybotters
from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import Credential
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.bybit.auth import HOSTS, sign

KEY = "77SQfUG7X33JhYZ3Jswpx5To"
SECRET = "PrYiNnCnP76YzpTLvRtV9O1RBa5ecOXqrOTyXuTADCEXYoEX"
CRED = Credential("bybit", KEY, SECRET.encode())
NOW = 2085848896.0  # ts_ms 2085848896000


def test_pybotters_vector_get() -> None:
    url = (
        "https://api.bybit.com/v5/order/realtime"
        "?category=linear&symbol=BTCUSDT&cursor=page_token%253D26854%2526"
    )
    signed = sign(make_request("GET", url), CRED, NOW)
    assert signed.headers == {
        "X-BAPI-API-KEY": KEY,
        "X-BAPI-TIMESTAMP": "2085848896000",
        "X-BAPI-SIGN": "862bf2b354912bb4cf84113929aa8145376b5419d2a41457265394516e82afa9",
    }
    assert str(signed.url) == url
    assert signed.body is None


def test_pybotters_vector_post_spaced_json_body() -> None:
    order = {
        "category": "linear",
        "symbol": "BTCUSDT",
        "side": "Buy",
        "orderType": "Market",
        "qty": "0.001",
    }
    body = json.dumps(order).encode()  # pybotters' spaced separators
    signed = sign(make_request("POST", "https://api.bybit.com/v5/order/create", body), CRED, NOW)
    assert signed.headers["X-BAPI-SIGN"] == (
        "97918f80ac923cebb49dd0e643d949c2d79a79e2da697865b40c565fdf877591"
    )
    assert signed.body == body


def _documented(ts: str, recv_window: str, query: str, body: bytes) -> str:
    message = (ts + KEY + recv_window + query).encode() + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("method", "url", "body", "headers", "recv_window", "query"),
    [
        (
            "GET",
            "https://api.bybit.com/v5/position/list?category=inverse",
            b"",
            {},
            "",
            "category=inverse",
        ),
        (
            "GET",
            "https://api-testnet.bybit.com/v5/account/wallet-balance?accountType=UNIFIED",
            b"",
            {"X-BAPI-RECV-WINDOW": "5000"},
            "5000",
            "accountType=UNIFIED",
        ),
        ("POST", "https://api.bybit.com/v5/order/cancel-all", b'{"category":"spot"}', {}, "", ""),
        (
            "POST",
            "https://api.bybit.com/v5/order/create?x=1",
            b'{"a":1}',
            {"x-bapi-recv-window": "20000"},
            "20000",
            "x=1",
        ),
    ],
)
def test_documented_formula(
    method: str, url: str, body: bytes, headers: dict[str, str], recv_window: str, query: str
) -> None:
    signed = sign(make_request(method, url, body, headers), CRED, 1700000000.123)
    assert signed.headers["X-BAPI-TIMESTAMP"] == "1700000000123"
    assert signed.headers["X-BAPI-SIGN"] == _documented("1700000000123", recv_window, query, body)
    assert "X-BAPI-RECV-WINDOW" not in signed.headers  # never added by the signer


def test_deterministic_and_inputs_untouched() -> None:
    data = {"category": "linear", "qty": "1"}
    before = copy.deepcopy(data)
    request = make_request("POST", "https://api.bybit.com/v5/order/create", b'{"x":1}', data=data)
    first = sign(request, CRED, NOW)
    second = sign(request, CRED, NOW)
    assert first == second
    assert data == before
    assert sign(request, CRED, NOW + 0.001).headers["X-BAPI-SIGN"] != first.headers["X-BAPI-SIGN"]


def test_secret_not_in_output() -> None:
    signed = sign(make_request("GET", "https://api.bybit.com/v5/x?a=1"), CRED, NOW)
    assert SECRET not in repr(signed)
    assert SECRET not in str(signed)


@pytest.mark.parametrize(
    ("host", "credential"),
    [
        ("api.bybit.com", "bybit"),
        ("api.bytick.com", "bybit"),
        ("api-demo.bybit.com", "bybit_demo"),
        ("api-testnet.bybit.com", "bybit_testnet"),
        ("API.BYBIT.COM", "bybit"),
    ],
)
def test_registry(host: str, credential: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.body_format == "json"
    assert entry.credential_name(make_request("GET", f"https://{host}/")) == credential


# --- end to end: Client -> loopback server that recomputes the signature ------------------


def verify(rec: RecordedRequest) -> web.Response:
    headers = CIMultiDict(rec.headers)
    expected = _documented(
        headers["X-BAPI-TIMESTAMP"],
        headers.get("X-BAPI-RECV-WINDOW", ""),
        rec.raw_query_string,
        rec.body,
    )
    ok = headers["X-BAPI-API-KEY"] == KEY and hmac.compare_digest(headers["X-BAPI-SIGN"], expected)
    return web.json_response({"verified": ok}, status=200 if ok else 401)


async def test_e2e_client_reproduces_vectors(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    async with pybotters.Client(
        apis={"bybit": [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        got = await client.fetch(
            "GET",
            recording_server.url("api.bybit.com", "/v5/order/realtime")
            + "?category=linear&symbol=BTCUSDT&cursor=page_token%253D26854%2526",
        )
        assert got.data == {"verified": True}
        assert recording_server.last.headers["X-BAPI-SIGN"] == (
            "862bf2b354912bb4cf84113929aa8145376b5419d2a41457265394516e82afa9"
        )
        order = {
            "category": "linear",
            "symbol": "BTCUSDT",
            "side": "Buy",
            "orderType": "Market",
            "qty": "0.001",
        }
        spaced = await client.fetch(
            "POST",
            recording_server.url("api.bytick.com", "/v5/order/create"),
            data=json.dumps(order),
        )
        assert spaced.data == {"verified": True}
        assert recording_server.last.headers["X-BAPI-SIGN"] == (
            "97918f80ac923cebb49dd0e643d949c2d79a79e2da697865b40c565fdf877591"
        )
        compact = await client.fetch(
            "POST",
            recording_server.url("api.bybit.com", "/v5/order/create"),
            data=order,
            headers={"X-BAPI-RECV-WINDOW": "5000"},
        )
        assert compact.data == {"verified": True}
        assert json.loads(recording_server.last.body) == order
        assert recording_server.last.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("host", "name"),
    [("api-testnet.bybit.com", "bybit_testnet"), ("api-demo.bybit.com", "bybit_demo")],
)
async def test_e2e_testnet_and_demo_credentials(
    recording_server: RecordingServer, host: str, name: str
) -> None:
    recording_server.reply = verify
    async with pybotters.Client(
        apis={"bybit": ["wrong", "wrong"], name: [KEY, SECRET]},
        connector=loopback_connector(),
        clock=FixedClock(NOW),
    ) as client:
        got = await client.fetch(
            "GET", recording_server.url(host, "/v5/position/list"), params={"category": "linear"}
        )
    assert got.data == {"verified": True}


# --- self-generated RSA keys ----------------------------------------------------------------
# Bybit docs: the secret of a self-generated key is the RSA private key; X-BAPI-SIGN is
# base64(RSA-SHA256 PKCS#1 v1.5) of the same string as for HMAC. Checked by verifying with
# the public key over a string built here, not by the signer.

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PEM = RSA_KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.TraditionalOpenSSL,  # "BEGIN RSA PRIVATE KEY", as Bybit's tool
    serialization.NoEncryption(),
)


def rsa_verifies(signature: str, message: bytes) -> bool:
    try:
        RSA_KEY.public_key().verify(
            base64.b64decode(signature, validate=True), message, padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def test_rsa_key_signs_the_documented_string_in_base64() -> None:
    cred = Credential("bybit", "rsa-key", RSA_PEM)
    request = make_request(
        "POST",
        "https://api.bybit.com/v5/order/create?x=1",
        b'{"a":1}',
        {"X-BAPI-RECV-WINDOW": "5000"},
    )
    signed = sign(request, cred, 1700000000.123)
    message = b'1700000000123rsa-key5000x=1{"a":1}'
    assert rsa_verifies(signed.headers["X-BAPI-SIGN"], message)
    assert not rsa_verifies(signed.headers["X-BAPI-SIGN"], message + b" ")
    assert signed.headers["X-BAPI-API-KEY"] == "rsa-key"
    assert RSA_PEM.decode().splitlines()[1] not in repr(signed)


def test_a_pem_key_bybit_does_not_take_is_a_clear_error_without_the_key() -> None:
    secret = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cred = Credential("bybit", "k", secret)
    with pytest.raises(AuthError) as caught:
        sign(make_request("GET", "https://api.bybit.com/v5/x"), cred, NOW)
    message = str(caught.value)
    assert "Bybit credential 'bybit'" in message
    assert "accepts HMAC, RSA keys" in message
    assert secret.decode().splitlines()[1] not in message


async def test_e2e_rsa_key_verified_by_server(recording_server: RecordingServer) -> None:
    def verify_rsa(rec: RecordedRequest) -> web.Response:
        headers = CIMultiDict(rec.headers)
        message = (
            headers["X-BAPI-TIMESTAMP"]
            + headers["X-BAPI-API-KEY"]
            + headers.get("X-BAPI-RECV-WINDOW", "")
            + rec.raw_query_string
        ).encode() + rec.body
        ok = rsa_verifies(headers["X-BAPI-SIGN"], message)
        return web.json_response({"verified": ok}, status=200 if ok else 401)

    recording_server.reply = verify_rsa
    async with pybotters.Client(
        apis={"bybit": ["rsa-key", RSA_PEM.decode()]},
        connector=loopback_connector(),
        clock=FixedClock(NOW),
    ) as client:
        got = await client.fetch(
            "GET", recording_server.url("api.bybit.com", "/v5/order/realtime?category=linear")
        )
        assert got.data == {"verified": True}
        posted = await client.fetch(
            "POST",
            recording_server.url("api.bybit.com", "/v5/order/create"),
            data={"category": "linear", "symbol": "BTCUSDT", "qty": "0.001"},
        )
        assert posted.data == {"verified": True}
