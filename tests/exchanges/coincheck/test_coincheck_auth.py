"""Coincheck REST signer: pybotters-derived vectors, the documented formula, hosts, e2e."""

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
from pybotters_like.exchanges.coincheck.auth import HOSTS, sign

KEY = "coincheck-test-key"
SECRET = "NNT34iDK8Qr2P6nlAt4XTuw42nQUdqzHaj3337Qlz4i5l4zu"
CRED = Credential("coincheck", KEY, SECRET.encode())
NOW = 2085848896.0  # nonce 2085848896000
ORDER_FORM = b"pair=btc_jpy&order_type=market_buy&market_buy_amount=BUY&size=0.01"


def documented(nonce: str, full_url: str, body: bytes) -> str:
    message = (nonce + full_url).encode() + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_pybotters_vector_get() -> None:
    url = "https://coincheck.com/api/deposit_money?currency=BTC"
    signed = sign(make_request("GET", url), CRED, NOW)
    assert signed.headers == {
        "ACCESS-KEY": KEY,
        "ACCESS-NONCE": "2085848896000",
        "ACCESS-SIGNATURE": "8c5b1d6bcfb18f031955c33e9134143d3ab39187de7c50c020df446bbdd19b28",
    }
    assert signed.url == URL(url)
    assert signed.body is None


def test_pybotters_vector_post_form_body() -> None:
    request = make_request("POST", "https://coincheck.com/api/exchange/orders", ORDER_FORM)
    signed = sign(request, CRED, NOW)
    assert signed.headers["ACCESS-SIGNATURE"] == (
        "e2fb003781e70de254c0bce4f15ebed979175bdfca88c3839dafa17e48df94e0"
    )
    assert signed.body == ORDER_FORM


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "https://coincheck.com/api/accounts/balance", b""),
        ("GET", "https://coincheck.com/api/exchange/orders/transactions?limit=1&order=desc", b""),
        ("DELETE", "https://coincheck.com/api/exchange/orders/12345", b""),
        ("POST", "https://coincheck.com/api/send_money", b"address=a%2Bb&amount=0.1"),
    ],
)
def test_documented_formula(method: str, url: str, body: bytes) -> None:
    signed = sign(make_request(method, url, body), CRED, 1700000000.777)
    assert signed.headers["ACCESS-NONCE"] == "1700000000777"
    assert signed.headers["ACCESS-SIGNATURE"] == documented("1700000000777", url, body)


def test_deterministic_and_inputs_untouched() -> None:
    data = {"pair": "btc_jpy"}
    before = copy.deepcopy(data)
    request = make_request(
        "POST", "https://coincheck.com/api/exchange/orders", ORDER_FORM, data=data
    )
    assert sign(request, CRED, NOW) == sign(request, CRED, NOW)
    assert data == before


def test_secret_not_in_output() -> None:
    assert SECRET not in repr(sign(make_request("GET", "https://coincheck.com/api/x"), CRED, NOW))


def test_registry() -> None:
    entry = lookup("coincheck.com")
    assert entry is not None
    assert entry in HOSTS
    assert entry.signer is sign
    assert entry.body_format == "form"
    assert entry.credential_name(make_request("GET", "https://coincheck.com/")) == "coincheck"


# --- end to end: Client -> loopback server that recomputes the signature ------------------


def verify(rec: RecordedRequest) -> web.Response:
    headers = CIMultiDict(rec.headers)
    full_url = f"http://{headers['Host']}{rec.raw_path_qs}"
    expected = documented(headers["ACCESS-NONCE"], full_url, rec.body)
    ok = headers["ACCESS-KEY"] == KEY and hmac.compare_digest(headers["ACCESS-SIGNATURE"], expected)
    return web.json_response({"verified": ok}, status=200 if ok else 401)


async def test_e2e_client_signs_get_and_form_post(recording_server: RecordingServer) -> None:
    recording_server.reply = verify
    order = {
        "pair": "btc_jpy",
        "order_type": "market_buy",
        "market_buy_amount": "BUY",
        "size": 0.01,
    }
    async with pybotters.Client(
        apis={"coincheck": [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        got = await client.fetch(
            "GET",
            recording_server.url("coincheck.com", "/api/deposit_money"),
            params={"currency": "BTC"},
        )
        assert got.data == {"verified": True}
        posted = await client.fetch(
            "POST", recording_server.url("coincheck.com", "/api/exchange/orders"), data=order
        )
        assert posted.data == {"verified": True}
    rec = recording_server.last
    assert rec.body == ORDER_FORM
    assert rec.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert rec.headers["ACCESS-NONCE"] == "2085848896000"
