"""Binance REST signer: official HMAC vectors, Ed25519/RSA keys, unsigned rules, hosts, e2e."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import subprocess
import sys
from collections.abc import Callable
from urllib.parse import unquote

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from multidict import CIMultiDict
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from support import sign_request as make_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import Credential
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.binance.auth import HOSTS, is_exempt, sign

# binance-spot-api-docs rest-api.md, "SIGNED Endpoint Examples for POST /api/v3/order"
DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOC_CRED = Credential("binance", DOC_KEY, DOC_SECRET.encode())
DOC_NOW = 1499827319.559


def split_signature(url: URL) -> tuple[str, str]:
    """Return (query without the signature, raw signature value) of a signed URL."""
    unsigned, _, raw_signature = url.raw_query_string.rpartition("&signature=")
    assert unsigned, url
    return unsigned, raw_signature


# --- official HMAC vectors -------------------------------------------------------------


def test_b1_all_parameters_in_query() -> None:
    url = (
        "https://api.binance.com/api/v3/order?symbol=LTCBTC&side=BUY&type=LIMIT"
        "&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
    )
    signed = sign(make_request("POST", url), DOC_CRED, DOC_NOW)
    assert str(signed.url) == (
        url + "&timestamp=1499827319559"
        "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    )
    assert signed.headers == {"X-MBX-APIKEY": DOC_KEY}
    assert signed.body is None


def test_b1_all_parameters_in_body_keeps_callers_timestamp() -> None:
    # rest-api.md Example 2: same string, sent as the request body.
    body = (
        b"symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
        b"&recvWindow=5000&timestamp=1499827319559"
    )
    signed = sign(make_request("POST", "https://api.binance.com/api/v3/order", body), DOC_CRED, 0.0)
    assert signed.url.raw_query_string == (
        "signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    )
    assert signed.body == body


def test_b2_mixed_query_and_body() -> None:
    # rest-api.md Example 3: query + body concatenated with no separator.
    url = "https://api.binance.com/api/v3/order?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
    body = b"quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    signed = sign(make_request("POST", url, body), DOC_CRED, 1.0)
    assert str(signed.url) == (
        url + "&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
    )
    assert signed.body == body


def test_b5_signature_examples_timestamp_only() -> None:
    # binance-signature-examples README: "timestamp=1578963600000".
    signed = sign(
        make_request("GET", "https://api.binance.com/api/v3/account"), DOC_CRED, 1578963600.0
    )
    assert signed.url.raw_query_string == (
        "timestamp=1578963600000"
        "&signature=d84e6641b1e328e7b418fff030caed655c266299c9355e36ce801ed14631eed4"
    )


def test_pybotters_vector_futures_testnet_query_and_form_body() -> None:
    secret = "34BkmXEjeq5qRIbvKjhODva3XsL2MWd1pAWSq6ZkHDxnaQjh"
    cred = Credential("binancefuture_testnet", "k", secret.encode())
    request = make_request(
        "POST",
        "https://testnet.binancefuture.com/fapi/v1/order?symbol=BTCUSDT&side=SELL",
        b"type=MARKET&quantity=0.001",
    )
    signed = sign(request, cred, 2085848896.0)
    assert signed.url.raw_query_string == (
        "symbol=BTCUSDT&side=SELL&timestamp=2085848896000"
        "&signature=4a538ce375d23684c909cfe01a2f63488080ef05d247156057067ee3c45358bc"
    )


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "https://fapi.binance.com/fapi/v2/account", b""),
        ("DELETE", "https://dapi.binance.com/dapi/v1/order?symbol=BTCUSD_PERP&orderId=1", b""),
        ("POST", "https://papi.binance.com/papi/v1/um/order", b"symbol=BTCUSDT&side=BUY"),
        ("POST", "https://eapi.binance.com/eapi/v1/order?symbol=BTC-1&x=%2F", b"price=1"),
    ],
)
def test_hmac_documented_formula(method: str, url: str, body: bytes) -> None:
    signed = sign(make_request(method, url, body), DOC_CRED, 1700000000.5)
    unsigned, signature = split_signature(signed.url)
    original_query = URL(url, encoded=True).raw_query_string
    expected_query = (original_query + "&" if original_query else "") + "timestamp=1700000000500"
    assert unsigned == expected_query
    expected = hmac.new(DOC_SECRET.encode(), unsigned.encode() + body, hashlib.sha256)
    assert signature == expected.hexdigest()
    assert signed.url.raw_path == URL(url, encoded=True).raw_path
    assert signed.url.host == URL(url).host


# --- Ed25519 and RSA keys ---------------------------------------------------------------


def pem(key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


ORDER_URL = "https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&type=MARKET"
ORDER_BODY = b"quantity=0.01&newClientOrderId=a%2Fb"


def test_ed25519_signature_verifies_with_public_key() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    cred = Credential("binance", "ed-key", pem(key))
    signed = sign(make_request("POST", ORDER_URL, ORDER_BODY), cred, 1700000000.0)
    unsigned, raw_signature = split_signature(signed.url)
    assert unsigned == URL(ORDER_URL).raw_query_string + "&timestamp=1700000000000"
    assert not set("+/=") & set(raw_signature)  # percent-encoded base64
    signature = base64.b64decode(unquote(raw_signature), validate=True)
    assert len(signature) == 64
    key.public_key().verify(signature, unsigned.encode() + ORDER_BODY)  # raises if wrong
    assert signed.headers == {"X-MBX-APIKEY": "ed-key"}
    assert sign(make_request("POST", ORDER_URL, ORDER_BODY), cred, 1700000000.0) == signed


def test_rsa_signature_verifies_with_public_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cred = Credential("binance", "rsa-key", pem(key))
    signed = sign(make_request("GET", "https://api.binance.com/api/v3/account"), cred, 1.5)
    unsigned, raw_signature = split_signature(signed.url)
    assert unsigned == "timestamp=1500"
    signature = base64.b64decode(unquote(raw_signature), validate=True)
    key.public_key().verify(signature, b"timestamp=1500", padding.PKCS1v15(), hashes.SHA256())


def test_encrypted_pem_uses_passphrase() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cret-pass"),
    )
    cred = Credential("binance", "k", encrypted, "s3cret-pass")
    signed = sign(make_request("GET", "https://api.binance.com/api/v3/account"), cred, 2.0)
    unsigned, raw_signature = split_signature(signed.url)
    key.public_key().verify(base64.b64decode(unquote(raw_signature)), unsigned.encode())

    without = Credential("binance", "k", encrypted)
    with pytest.raises(AuthError, match="could not be loaded"):
        sign(make_request("GET", "https://api.binance.com/api/v3/account"), without, 2.0)


def test_passphrase_with_unencrypted_pem_is_ignored() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    cred = Credential("binance", "k", pem(key), "unused")
    signed = sign(make_request("GET", "https://api.binance.com/api/v3/account"), cred, 2.0)
    unsigned, raw_signature = split_signature(signed.url)
    key.public_key().verify(base64.b64decode(unquote(raw_signature)), unsigned.encode())


def test_unsupported_pem_key_type_is_a_clear_error_without_the_key() -> None:
    secret = pem(ec.generate_private_key(ec.SECP256R1()))
    cred = Credential("binance", "k", secret)
    with pytest.raises(AuthError) as excinfo:
        sign(make_request("GET", "https://api.binance.com/api/v3/account"), cred, 2.0)
    message = str(excinfo.value)
    assert "unsupported private key type" in message
    assert "'binance'" in message
    body_line = secret.decode().splitlines()[1]
    assert body_line not in message
    assert body_line not in repr(excinfo.value)


def test_malformed_or_public_pem_is_an_error_without_the_key() -> None:
    public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for secret in (
        public,
        b"-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n",
    ):
        with pytest.raises(AuthError) as excinfo:
            sign(
                make_request("GET", "https://api.binance.com/api/v3/account"),
                Credential("binance", "k", secret),
                2.0,
            )
        assert secret.decode().splitlines()[1] not in str(excinfo.value)
        assert excinfo.value.__cause__ is None
        assert excinfo.value.__suppress_context__


def test_importing_the_package_does_not_import_cryptography() -> None:
    code = (
        "import sys, pybotters_like\n"
        "from pybotters_like.auth.registry import lookup\n"
        "assert lookup('api.binance.com') is not None\n"
        "assert 'cryptography' not in sys.modules, 'cryptography imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- unsigned rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.binance.com/api/v3/userDataStream",
        "https://api.binance.com/api/v3/userDataStream?listenKey=abc",
        "https://api.binance.com/sapi/v1/userDataStream/isolated?symbol=BTCUSDT",
        "https://fapi.binance.com/fapi/v1/listenKey",
        "https://papi.binance.com/papi/v1/listenKey",
        "https://eapi.binance.com/eapi/v1/listenKey",
        "https://api.binance.com/sapi/v1/portfolio/listen-key",
        "https://fapi.binance.com/fapi/v1/historicalTrades?symbol=BTCUSDT",
    ],
)
def test_user_stream_and_market_data_endpoints_get_the_key_only(url: str) -> None:
    for method in ("POST", "PUT", "DELETE", "GET"):
        request = make_request(method, url)
        signed = sign(request, DOC_CRED, DOC_NOW)
        assert signed.url == request.url
        assert signed.headers == {"X-MBX-APIKEY": DOC_KEY}
        assert signed.body is None


@pytest.mark.parametrize(
    ("method", "url", "headers", "exempt"),
    [
        ("GET", "https://api.binance.com/api/v3/depth?symbol=BTCUSDT", {}, True),
        ("GET", "https://api.binance.com/api/v3/depth/", {}, True),
        ("GET", "https://api.binance.com/api/v3/ticker/24hr", {}, True),
        ("GET", "https://api.binance.com/api/v3/ticker?symbol=BTCUSDT", {}, True),
        ("GET", "https://api.binance.com/api/v3/exchangeInfo", {}, True),
        (
            "GET",
            "https://testnet.binance.vision/api/v3/klines?symbol=BTCUSDT&interval=1m",
            {},
            True,
        ),
        ("GET", "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT", {}, True),
        ("GET", "https://fapi.binance.com/fapi/v1/premiumIndex", {}, True),
        ("GET", "https://fapi.binance.com/fapi/v2/ticker/price", {}, True),
        ("GET", "https://fapi.binance.com/futures/data/openInterestHist?symbol=BTCUSDT", {}, True),
        ("GET", "https://dapi.binance.com/dapi/v1/time", {}, True),
        ("GET", "https://eapi.binance.com/eapi/v1/mark", {}, True),
        ("GET", "https://papi.binance.com/papi/v1/ping", {}, True),
        ("GET", "wss://testnet.binance.vision/ws/btcusdt@trade", {}, True),
        ("GET", "https://testnet.binance.vision/ws-api/v3", {"upgrade": "WebSocket"}, True),
        ("POST", "https://api.binance.com/api/v3/depth", {}, False),
        ("GET", "https://api.binance.com/api/v3/account", {}, False),
        ("GET", "https://api.binance.com/api/v3/openOrders", {}, False),
        ("POST", "https://api.binance.com/api/v3/order", {}, False),
        ("GET", "https://api.binance.com/api/v3/depthx", {}, False),
        ("GET", "https://fapi.binance.com/fapi/v2/account", {}, False),
        ("GET", "https://api.binance.com/sapi/v1/capital/config/getall", {}, False),
    ],
)
def test_exempt_rule(method: str, url: str, headers: dict[str, str], exempt: bool) -> None:
    assert is_exempt(make_request(method, url, headers=headers)) is exempt


# --- purity, secrets, registry ------------------------------------------------------------


def test_deterministic_and_inputs_untouched() -> None:
    data = {"symbol": "BTCUSDT", "quantity": "1"}
    before = copy.deepcopy(data)
    request = make_request("POST", ORDER_URL, b"symbol=BTCUSDT&quantity=1", data=data)
    snapshot = (request.url, dict(request.headers), request.body)
    first = sign(request, DOC_CRED, DOC_NOW)
    assert first == sign(request, DOC_CRED, DOC_NOW)
    assert data == before
    assert (request.url, dict(request.headers), request.body) == snapshot
    assert "signature" not in request.url.query


def test_secret_not_in_output() -> None:
    signed = sign(make_request("GET", "https://api.binance.com/api/v3/account"), DOC_CRED, 1.0)
    assert DOC_SECRET not in repr(signed)
    assert DOC_SECRET not in str(signed.url)


@pytest.mark.parametrize(
    ("host", "credential"),
    [
        ("api.binance.com", "binance"),
        ("api-gcp.binance.com", "binance"),
        ("api1.binance.com", "binance"),
        ("api2.binance.com", "binance"),
        ("api3.binance.com", "binance"),
        ("api4.binance.com", "binance"),
        ("fapi.binance.com", "binance"),
        ("dapi.binance.com", "binance"),
        ("papi.binance.com", "binance"),
        ("eapi.binance.com", "binance"),
        ("testnet.binance.vision", "binancespot_testnet"),
        ("testnet.binancefuture.com", "binancefuture_testnet"),
        ("demo-api.binance.com", "binance_demo"),
    ],
)
def test_registry(host: str, credential: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.body_format == "form"
    assert entry.exempt is is_exempt
    assert entry.credential_name(make_request("GET", f"https://{host}/")) == credential


# --- end to end: Client -> loopback server that verifies the signature --------------------


def verify_with(check: Callable[[bytes, str], bool]) -> Callable[[RecordedRequest], web.Response]:
    def reply(rec: RecordedRequest) -> web.Response:
        headers = CIMultiDict(rec.headers)
        unsigned, found, raw_signature = ("&" + rec.raw_query_string).rpartition("&signature=")
        if not found:
            return web.json_response({"signed": False, "key": headers.get("X-MBX-APIKEY")})
        payload = unsigned.removeprefix("&").encode() + rec.body
        ok = check(payload, unquote(raw_signature))
        return web.json_response({"verified": ok}, status=200 if ok else 401)

    return reply


def hmac_check(payload: bytes, signature: str) -> bool:
    expected = hmac.new(DOC_SECRET.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, expected)


def binance_client(apis: dict[str, list[str]], now: float) -> pybotters.Client:
    return pybotters.Client(apis=apis, connector=loopback_connector(), clock=FixedClock(now))


async def test_e2e_official_vectors_through_client(recording_server: RecordingServer) -> None:
    recording_server.reply = verify_with(hmac_check)
    async with binance_client({"binance": [DOC_KEY, DOC_SECRET]}, DOC_NOW) as client:
        b1 = await client.fetch(
            "POST",
            recording_server.url("api.binance.com", "/api/v3/order"),
            params={
                "symbol": "LTCBTC",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": 1,
                "price": 0.1,
                "recvWindow": 5000,
            },
        )
        assert b1.data == {"verified": True}
        assert recording_server.last.raw_query_string.endswith(
            "&timestamp=1499827319559"
            "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
        )
        b2 = await client.fetch(
            "POST",
            recording_server.url("api.binance.com", "/api/v3/order"),
            params={"symbol": "LTCBTC", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"},
            data={"quantity": 1, "price": 0.1, "recvWindow": 5000, "timestamp": 1499827319559},
        )
        assert b2.data == {"verified": True}
        assert recording_server.last.body == (
            b"quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        )
        assert recording_server.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert recording_server.last.raw_query_string.endswith(
            "&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
        )
        assert recording_server.last.headers["X-MBX-APIKEY"] == DOC_KEY


async def test_e2e_ed25519_key_verified_by_server(recording_server: RecordingServer) -> None:
    key = ed25519.Ed25519PrivateKey.generate()

    def ed_check(payload: bytes, signature: str) -> bool:
        try:
            key.public_key().verify(base64.b64decode(signature), payload)
        except Exception:
            return False
        return True

    recording_server.reply = verify_with(ed_check)
    apis = {"binancespot_testnet": ["ed-key", pem(key).decode()]}
    async with binance_client(apis, 1700000000.0) as client:
        got = await client.fetch(
            "POST",
            recording_server.url("testnet.binance.vision", "/api/v3/order"),
            params={"symbol": "BTCUSDT"},
            data={"side": "BUY", "type": "MARKET", "quantity": "0.01"},
        )
    assert got.data == {"verified": True}
    assert not set("+/=") & set(recording_server.last.raw_query_string.rpartition("signature=")[2])


async def test_e2e_public_and_user_stream_endpoints(recording_server: RecordingServer) -> None:
    recording_server.reply = verify_with(hmac_check)
    async with binance_client({"binancefuture_testnet": [DOC_KEY, DOC_SECRET]}, DOC_NOW) as client:
        depth = await client.fetch(
            "GET",
            recording_server.url("testnet.binancefuture.com", "/fapi/v1/depth"),
            params={"symbol": "BTCUSDT"},
        )
        assert depth.data == {"signed": False, "key": None}
        assert recording_server.last.raw_query_string == "symbol=BTCUSDT"
        listen = await client.fetch(
            "POST", recording_server.url("testnet.binancefuture.com", "/fapi/v1/listenKey")
        )
        assert listen.data == {"signed": False, "key": DOC_KEY}
        assert recording_server.last.raw_query_string == ""
        account = await client.fetch(
            "GET", recording_server.url("testnet.binancefuture.com", "/fapi/v2/account")
        )
        assert account.data == {"verified": True}
