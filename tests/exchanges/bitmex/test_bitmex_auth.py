"""BitMEX signer: official vectors X1/X2, the documented formula, WS upgrade, hosts, e2e."""

from __future__ import annotations

import copy
import hashlib
import hmac

import pytest
from aiohttp import web
from multidict import CIMultiDict
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from support import sign_request as make_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.bitmex.auth import HOSTS, sign

# https://www.bitmex.com/app/apiKeysUsage, "Full sample calculation".
DOC_KEY = "LAqUlngMIQkIUjXMUreyu3qn"
DOC_SECRET = "chNOOS4KvNXR_Xq4k4c9qsfoKWvnDecLATCRlcBwyKDYnWgO"
DOC_CRED = Credential("bitmex", DOC_KEY, DOC_SECRET.encode())
X2_URL = "https://www.bitmex.com/api/v1/instrument?filter=%7B%22symbol%22%3A+%22XBTM15%22%7D"


def documented(method_and_path: str, expires: str, body: bytes) -> str:
    message = (method_and_path + expires).encode() + body
    return hmac.new(DOC_SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_x1_simple_get() -> None:
    # expires 1518064236 = now + 5 s
    signed = sign(
        make_request("GET", "https://www.bitmex.com/api/v1/instrument"), DOC_CRED, 1518064231.0
    )
    assert signed.headers == {
        "api-expires": "1518064236",
        "api-key": DOC_KEY,
        "api-signature": "c7682d435d0cfe87c16098df34ef2eb5a549d4c5a3c2b1f0f77b8af73423bf00",
    }
    assert signed.body is None


def test_x2_get_with_encoded_query() -> None:
    signed = sign(make_request("GET", X2_URL), DOC_CRED, 1518064232.9)
    assert signed.headers["api-expires"] == "1518064237"
    assert signed.headers["api-signature"] == (
        "e2f422547eecb5b3cb29ade2127e21b858b235b386bfa45e1c1756eb3383919f"
    )
    assert str(signed.url) == X2_URL


def test_expires_is_in_seconds_not_milliseconds() -> None:
    # pybotters sends ms; BitMEX documents seconds, which is what X1/X2 need.
    signed = sign(
        make_request("GET", "https://www.bitmex.com/api/v1/order"), DOC_CRED, 2085848896.5
    )
    assert signed.headers["api-expires"] == "2085848901"


@pytest.mark.parametrize(
    ("method", "url", "body", "signed_path"),
    [
        (
            "GET",
            "https://www.bitmex.com/api/v1/order?symbol=XBTUSD",
            b"",
            "GET/api/v1/order?symbol=XBTUSD",
        ),
        (
            "POST",
            "https://testnet.bitmex.com/api/v1/order",
            b"symbol=XBTUSD&orderQty=1&price=3000",
            "POST/api/v1/order",
        ),
        (
            "DELETE",
            "https://www.bitmex.com/api/v1/order/all",
            b"symbol=XBTUSD",
            "DELETE/api/v1/order/all",
        ),
        # The WebSocket upgrade always signs GET/realtime, whatever the URL's query.
        ("GET", "wss://www.bitmex.com/realtime?subscribe=order", b"", "GET/realtime"),
        ("GET", "ws://testnet.bitmex.com/realtime", b"", "GET/realtime"),
    ],
)
def test_documented_formula(method: str, url: str, body: bytes, signed_path: str) -> None:
    signed = sign(make_request(method, url, body), DOC_CRED, 1700000000.999)
    assert signed.headers["api-expires"] == "1700000005"
    assert signed.headers["api-signature"] == documented(signed_path, "1700000005", body)
    assert signed.url == URL(url, encoded=True)


def test_deterministic_and_inputs_untouched() -> None:
    data = {"symbol": "XBTUSD"}
    before = copy.deepcopy(data)
    request = make_request(
        "POST", "https://www.bitmex.com/api/v1/order", b"symbol=XBTUSD", data=data
    )
    assert sign(request, DOC_CRED, 1.0) == sign(request, DOC_CRED, 1.0)
    assert data == before


def test_secret_not_in_output() -> None:
    signed = sign(make_request("GET", X2_URL), DOC_CRED, 1.0)
    assert DOC_SECRET not in repr(signed)


@pytest.mark.parametrize(
    ("host", "credential"),
    [
        ("www.bitmex.com", "bitmex"),
        ("testnet.bitmex.com", "bitmex_testnet"),
        ("ws.bitmex.com", "bitmex"),
        ("ws.testnet.bitmex.com", "bitmex_testnet"),
    ],
)
def test_registry(host: str, credential: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.body_format == "form"
    assert entry.credential_name(make_request("GET", f"https://{host}/")) == credential


# --- end to end: Client -> loopback server that recomputes the signature ------------------


def verify(rec: RecordedRequest) -> web.Response:
    headers = CIMultiDict(rec.headers)
    expected = documented(rec.method + rec.raw_path_qs, headers["api-expires"], rec.body)
    ok = headers["api-key"] == DOC_KEY and hmac.compare_digest(headers["api-signature"], expected)
    return web.json_response({"verified": ok}, status=200 if ok else 401)


async def test_e2e_official_vectors_through_client(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    clock = FixedClock(1518064231.0)
    async with pybotters.Client(
        apis={"bitmex": [DOC_KEY, DOC_SECRET]}, connector=loopback_connector(), clock=clock
    ) as client:
        x1 = await client.fetch("GET", recording_server.url("www.bitmex.com", "/api/v1/instrument"))
        assert x1.data == {"verified": True}
        assert recording_server.last.headers["api-signature"] == (
            "c7682d435d0cfe87c16098df34ef2eb5a549d4c5a3c2b1f0f77b8af73423bf00"
        )
        clock.now = 1518064232.0
        x2_url = URL(
            recording_server.url("www.bitmex.com", "/api/v1/instrument")
            + "?filter=%7B%22symbol%22%3A+%22XBTM15%22%7D",
            encoded=True,
        )
        x2 = await client.fetch("GET", x2_url)
        assert x2.data == {"verified": True}
        assert recording_server.last.raw_query_string == "filter=%7B%22symbol%22%3A+%22XBTM15%22%7D"
        assert recording_server.last.headers["api-signature"] == (
            "e2f422547eecb5b3cb29ade2127e21b858b235b386bfa45e1c1756eb3383919f"
        )
        posted = await client.fetch(
            "POST",
            recording_server.url("www.bitmex.com", "/api/v1/order"),
            data={"symbol": "XBTUSD", "orderQty": 1, "price": 3000},
        )
        assert posted.data == {"verified": True}
        assert recording_server.last.body == b"symbol=XBTUSD&orderQty=1&price=3000"


async def test_e2e_testnet_uses_testnet_credentials(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    async with pybotters.Client(
        apis={"bitmex": ["wrong", "wrong"], "bitmex_testnet": [DOC_KEY, DOC_SECRET]},
        connector=loopback_connector(),
        clock=FixedClock(1700000000.0),
    ) as client:
        got = await client.fetch("GET", recording_server.url("testnet.bitmex.com", "/api/v1/user"))
    assert got.data == {"verified": True}
