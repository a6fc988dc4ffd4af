"""OKX REST signer: pybotters-derived vectors, an independent re-derivation, demo selection."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import partial
from typing import Any

import pytest
from aiohttp import web
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector, sign_request

import pybotters_like as pybotters
from pybotters_like.auth import Credential, lookup
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.okx.auth import HOSTS, select_credential, sign

NOW = 2085848896.0  # 2036-02-05T18:28:16.000Z
KEY = "okx-key-abc"
SECRET = "YUJHBdFNrbz7atmV3f261ZhdRffTo4S9KZKC7C7qdqcHbRR4"
PASSPHRASE = "MyPassphrase123"
CRED = Credential("okx", KEY, SECRET.encode(), PASSPHRASE)


make_request = partial(sign_request, encoded=False)


def test_get_vector_from_pybotters() -> None:
    req = make_request("GET", "https://www.okx.com/api/v5/account/balance?ccy=BTC,ETH")
    signed = sign(req, CRED, NOW)
    assert signed.headers["OK-ACCESS-SIGN"] == "fWIucRPbzCxgeO2g9g0nV+FJyX1tr5/LKSypAyiVpQI="
    assert signed.headers["OK-ACCESS-TIMESTAMP"] == "2036-02-05T18:28:16.000Z"
    assert signed.body is None
    assert signed.url == req.url


def test_post_vector_from_pybotters_with_spaced_json_body() -> None:
    order = {
        "instId": "BTC-USDT",
        "tdMode": "cash",
        "clOrdId": "b15",
        "side": "buy",
        "ordType": "limit",
        "px": "2.15",
        "sz": "2",
    }
    body = json.dumps(order).encode()  # default separators: spaces, as pybotters sent
    assert b", " in body
    signed = sign(make_request("POST", "https://www.okx.com/api/v5/trade/order", body), CRED, NOW)
    assert signed.headers["OK-ACCESS-SIGN"] == "iIYMZ8i1gUDjJ2RNinu6VGMIuJwbdSFFVe6OYjzlh0Q="
    assert signed.body == body


def test_independent_rederivation_with_encoded_query_and_compact_body() -> None:
    url = "https://www.okx.com/api/v5/trade/order?note=a%20b&x=%26y"
    body = b'{"instId":"ETH-USDT","sz":"1"}'
    now = 1700000000.123
    signed = sign(make_request("POST", url, body), CRED, now)
    prehash = b"2023-11-14T22:13:20.123ZPOST/api/v5/trade/order?note=a%20b&x=%26y" + body
    expected = base64.b64encode(hmac.new(SECRET.encode(), prehash, hashlib.sha256).digest())
    assert signed.headers["OK-ACCESS-SIGN"] == expected.decode()
    assert signed.headers["OK-ACCESS-TIMESTAMP"] == "2023-11-14T22:13:20.123Z"


def test_headers_carry_key_passphrase_and_json_content_type() -> None:
    signed = sign(make_request("GET", "https://www.okx.com/api/v5/account/balance"), CRED, NOW)
    assert signed.headers["OK-ACCESS-KEY"] == KEY
    assert signed.headers["OK-ACCESS-PASSPHRASE"] == PASSPHRASE
    assert signed.headers["Content-Type"] == "application/json"
    assert SECRET not in "".join(signed.headers.values())


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "okx"),
        ({"x-simulated-trading": "1"}, "okx_demo"),
        ({"X-Simulated-Trading": "1"}, "okx_demo"),
        ({"x-simulated-trading": "0"}, "okx"),
    ],
)
def test_demo_header_selects_okx_demo_credentials(headers: dict[str, str], expected: str) -> None:
    req = make_request("GET", "https://www.okx.com/api/v5/account/balance", headers=headers)
    assert select_credential(req) == expected
    entry = lookup("www.okx.com")
    assert entry is not None
    assert entry.credential_name(req) == expected


@pytest.mark.parametrize("host", ["www.okx.com", "aws.okx.com", "WWW.OKX.COM"])
def test_registry_has_every_okx_host(host: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry.signer is sign
    assert entry.body_format == "json"
    assert entry.scheme


def test_hosts_are_exact_lower_case() -> None:
    assert sorted(h.host for h in HOSTS) == ["aws.okx.com", "www.okx.com"]


def test_no_mutation_and_deterministic() -> None:
    caller_headers = {"x-simulated-trading": "1"}
    req = make_request("POST", "https://www.okx.com/api/v5/trade/order", b"{}", caller_headers)
    before = (req.method, req.url, dict(req.headers), req.body)
    first = sign(req, CRED, NOW)
    second = sign(req, CRED, NOW)
    assert first == second
    assert (req.method, req.url, dict(req.headers), req.body) == before
    assert caller_headers == {"x-simulated-trading": "1"}
    assert sign(req, CRED, NOW + 0.001).headers["OK-ACCESS-SIGN"] != first.headers["OK-ACCESS-SIGN"]


def test_missing_passphrase_is_a_clear_error_without_secrets() -> None:
    cred = Credential("okx_demo", KEY, SECRET.encode(), "")
    with pytest.raises(AuthError, match="okx_demo") as info:
        sign(make_request("GET", "https://www.okx.com/api/v5/account/balance"), cred, NOW)
    assert SECRET not in str(info.value)
    assert KEY not in str(info.value)


def test_credential_repr_hides_secrets() -> None:
    for text in (repr(CRED), str(CRED)):
        assert SECRET not in text
        assert PASSPHRASE not in text
        assert KEY not in text


# -- end to end through Client: the server re-derives the signature from raw bytes ---

DEMO_SECRET = "demo-secret-value-xyz"


def okx_verifier(secrets: dict[str, str]) -> Any:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        secret = secrets[rec.headers["OK-ACCESS-KEY"]]
        prehash = (
            rec.headers["OK-ACCESS-TIMESTAMP"] + rec.method + rec.raw_path_qs
        ).encode() + rec.body
        digest = hmac.new(secret.encode(), prehash, hashlib.sha256).digest()
        ok = rec.headers["OK-ACCESS-SIGN"] == base64.b64encode(digest).decode()
        return web.json_response({"code": "0" if ok else "50113"}, status=200 if ok else 401)

    return reply


@pytest.mark.parametrize("host", ["www.okx.com", "aws.okx.com"])
async def test_e2e_get_and_post_verified_by_server(
    recording_server: RecordingServer, host: str
) -> None:
    recording_server.reply = okx_verifier({KEY: SECRET})
    apis = {"okx": [KEY, SECRET, PASSPHRASE]}
    async with pybotters.Client(
        apis=apis, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        url = recording_server.url(host, "/api/v5/account/balance")
        r1 = await client.fetch("GET", url, params={"ccy": "BTC,ETH"})
        order = {"instId": "BTC-USDT", "sz": "1", "px": "2.15"}
        r2 = await client.fetch(
            "POST", recording_server.url(host, "/api/v5/trade/order"), data=order
        )
    assert (r1.response.status, r2.response.status) == (200, 200)
    first, second = recording_server.requests
    assert first.headers["OK-ACCESS-TIMESTAMP"] == "2036-02-05T18:28:16.000Z"
    assert first.headers["OK-ACCESS-PASSPHRASE"] == PASSPHRASE
    assert second.body == b'{"instId":"BTC-USDT","sz":"1","px":"2.15"}'
    assert order == {"instId": "BTC-USDT", "sz": "1", "px": "2.15"}


async def test_e2e_demo_header_signs_with_demo_credentials(
    recording_server: RecordingServer,
) -> None:
    recording_server.reply = okx_verifier({KEY: SECRET, "demo-key": DEMO_SECRET})
    apis = {"okx": [KEY, SECRET, PASSPHRASE], "okx_demo": ["demo-key", DEMO_SECRET, "demo-pass"]}
    async with pybotters.Client(
        apis=apis, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        r = await client.fetch(
            "GET",
            recording_server.url("www.okx.com", "/api/v5/account/balance"),
            headers={"x-simulated-trading": "1"},
        )
    assert r.response.status == 200
    assert recording_server.last.headers["OK-ACCESS-KEY"] == "demo-key"
    assert recording_server.last.headers["OK-ACCESS-PASSPHRASE"] == "demo-pass"
    assert recording_server.last.headers["x-simulated-trading"] == "1"
