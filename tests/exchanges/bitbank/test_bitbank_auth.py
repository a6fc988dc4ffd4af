"""bitbank REST signer: official vectors T1-T3, the documented formula, hosts, e2e."""

from __future__ import annotations

import copy
import hashlib
import hmac

import pytest
from aiohttp import web
from multidict import CIMultiDict
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from support import sign_request as make_request

import pybotters_like as pybotters
from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.bitbank.auth import HOSTS, sign

# bitbankinc/bitbank-api-docs rest-api.md, "Sample": secret "hoge", time 1721121776490.
DOC_SECRET = "hoge"
DOC_CRED = Credential("bitbank", "bitbank-test-key", DOC_SECRET.encode())
DOC_NOW = 1721121776.490
DOC_BODY = b'{"pair": "xrp_jpy", "price": "20", "amount": "1","side": "buy", "type": "limit"}'


def test_t1_time_window_get() -> None:
    request = make_request(
        "GET", "https://api.bitbank.cc/v1/user/assets", headers={"ACCESS-TIME-WINDOW": "1000"}
    )
    signed = sign(request, DOC_CRED, DOC_NOW)
    assert signed.headers == {
        "ACCESS-KEY": "bitbank-test-key",
        "ACCESS-REQUEST-TIME": "1721121776490",
        "ACCESS-SIGNATURE": "9ec5745960d05573c8fb047cdd9191bd0c6ede26f07700bb40ecf1a3920abae8",
    }
    assert signed.url == request.url
    assert signed.body is None


def test_t2_time_window_post_body_exactly_as_published() -> None:
    request = make_request(
        "POST",
        "https://api.bitbank.cc/v1/user/spot/order",
        DOC_BODY,
        headers={"access-time-window": "1000"},
    )
    signed = sign(request, DOC_CRED, DOC_NOW)
    assert signed.headers["ACCESS-SIGNATURE"] == (
        "7868665738ae3f8a796224e0413c1351ddd7ec2af121db12815c0a5b74b8764c"
    )
    assert signed.body == DOC_BODY


def test_t3_without_window_equals_the_nonce_sample() -> None:
    signed = sign(make_request("GET", "https://api.bitbank.cc/v1/user/assets"), DOC_CRED, DOC_NOW)
    assert signed.headers["ACCESS-SIGNATURE"] == (
        "f957817b95c3af6cf5e2e9dfe1503ea8088f46879d4ab73051467fd7b94f1aba"
    )
    assert "ACCESS-TIME-WINDOW" not in signed.headers


def documented(request_time: str, window: str, tail: bytes) -> str:
    message = (request_time + window).encode() + tail
    return hmac.new(DOC_SECRET.encode(), message, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("method", "url", "body", "window", "tail"),
    [
        (
            "GET",
            "https://api.bitbank.cc/v1/user/spot/order?pair=btc_jpy&order_id=1",
            b"",
            "",
            b"/v1/user/spot/order?pair=btc_jpy&order_id=1",
        ),
        (
            "GET",
            "https://api.bitbank.cc/v1/user/spot/active_orders?pair=btc_jpy",
            b"",
            "5000",
            b"/v1/user/spot/active_orders?pair=btc_jpy",
        ),
        (
            "POST",
            "https://api.bitbank.cc/v1/user/spot/cancel_order",
            b'{"pair":"xrp_jpy","order_id":1}',
            "2000",
            b'{"pair":"xrp_jpy","order_id":1}',
        ),
    ],
)
def test_documented_formula(method: str, url: str, body: bytes, window: str, tail: bytes) -> None:
    headers = {"ACCESS-TIME-WINDOW": window} if window else {}
    signed = sign(make_request(method, url, body, headers), DOC_CRED, 1700000000.0)
    assert signed.headers["ACCESS-SIGNATURE"] == documented("1700000000000", window, tail)


def test_non_get_without_body_signs_no_path() -> None:
    url = "https://api.bitbank.cc/v1/user/spot/cancel_order?pair=xrp_jpy"
    signed = sign(make_request("POST", url), DOC_CRED, 1700000000.0)
    assert signed.headers["ACCESS-SIGNATURE"] == documented("1700000000000", "", b"")
    assert signed.body is None


def test_deterministic_and_inputs_untouched() -> None:
    data = {"pair": "xrp_jpy"}
    before = copy.deepcopy(data)
    request = make_request("POST", "https://api.bitbank.cc/v1/user/spot/order", DOC_BODY, data=data)
    assert sign(request, DOC_CRED, DOC_NOW) == sign(request, DOC_CRED, DOC_NOW)
    assert data == before


def test_secret_not_in_output() -> None:
    secret = "bitbank-distinctive-secret-0123456789"
    cred = Credential("bitbank", "k", secret.encode())
    signed = sign(make_request("GET", "https://api.bitbank.cc/v1/user/assets"), cred, DOC_NOW)
    assert secret not in repr(signed)


def test_registry() -> None:
    entry = lookup("api.bitbank.cc")
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.body_format == "json"
    assert entry.credential_name(make_request("GET", "https://api.bitbank.cc/")) == "bitbank"


# --- end to end: Client -> loopback server that recomputes the signature ------------------


def verify(rec: RecordedRequest) -> web.Response:
    headers = CIMultiDict(rec.headers)
    tail = rec.raw_path_qs.encode() if rec.method == "GET" else rec.body
    window = headers.get("ACCESS-TIME-WINDOW", "")
    expected = documented(headers["ACCESS-REQUEST-TIME"], window, tail)
    ok = hmac.compare_digest(headers["ACCESS-SIGNATURE"], expected)
    return web.json_response({"verified": ok}, status=200 if ok else 401)


async def test_e2e_official_vectors_through_client(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    async with pybotters.Client(
        apis={"bitbank": ["bitbank-test-key", DOC_SECRET]},
        connector=loopback_connector(),
        clock=FixedClock(DOC_NOW),
    ) as client:
        t1 = await client.fetch(
            "GET",
            recording_server.url("api.bitbank.cc", "/v1/user/assets"),
            headers={"ACCESS-TIME-WINDOW": "1000"},
        )
        assert t1.data == {"verified": True}
        assert recording_server.last.headers["ACCESS-SIGNATURE"] == (
            "9ec5745960d05573c8fb047cdd9191bd0c6ede26f07700bb40ecf1a3920abae8"
        )
        t2 = await client.fetch(
            "POST",
            recording_server.url("api.bitbank.cc", "/v1/user/spot/order"),
            data=DOC_BODY.decode(),
            headers={"ACCESS-TIME-WINDOW": "1000"},
        )
        assert t2.data == {"verified": True}
        assert recording_server.last.body == DOC_BODY
        assert recording_server.last.headers["ACCESS-SIGNATURE"] == (
            "7868665738ae3f8a796224e0413c1351ddd7ec2af121db12815c0a5b74b8764c"
        )
        t3 = await client.fetch("GET", recording_server.url("api.bitbank.cc", "/v1/user/assets"))
        assert t3.data == {"verified": True}
        assert recording_server.last.headers["ACCESS-SIGNATURE"] == (
            "f957817b95c3af6cf5e2e9dfe1503ea8088f46879d4ab73051467fd7b94f1aba"
        )
        dict_body = await client.fetch(
            "POST",
            recording_server.url("api.bitbank.cc", "/v1/user/spot/cancel_order"),
            data={"pair": "xrp_jpy", "order_id": 1},
        )
        assert dict_body.data == {"verified": True}
