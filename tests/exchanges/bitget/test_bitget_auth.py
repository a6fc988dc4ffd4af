"""Bitget REST signer: pybotters-derived vector and an independent re-derivation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import partial

import pytest
from aiohttp import web
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector, sign_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth import Credential, lookup
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.bitget.auth import HOSTS, sign

NOW = 2085848896.0
KEY = "bg-key-123"
SECRET = "mVd40qhnarPtxk3aqg0FCyY1qlTgBOKOXEcmMYfkerGUKmvr"
PASSPHRASE = "bg-pass"
CRED = Credential("bitget", KEY, SECRET.encode(), PASSPHRASE)


make_request = partial(sign_request, encoded=False)


def test_get_vector_from_pybotters() -> None:
    req = make_request(
        "GET", "https://api.bitget.com/api/spot/v1/account/assets?symbol=BTCUSDT_SPBL"
    )
    signed = sign(req, CRED, NOW)
    assert signed.headers["ACCESS-SIGN"] == "OGmz3F0LHbvSri0tCmgDYdxclRnsf29hZ5/qi0IOxGA="
    assert signed.headers["ACCESS-TIMESTAMP"] == "2085848896000"
    assert signed.body is None


def test_independent_rederivation_post_with_unsorted_query() -> None:
    body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "size": "0.01"}).encode()
    url = "https://api.bitget.com/api/v2/spot/trade/place-order?z=1&a=2"
    signed = sign(make_request("POST", url, body), CRED, 1700000000.5)
    prehash = b"1700000000500POST/api/v2/spot/trade/place-order?z=1&a=2" + body
    digest = hmac.new(SECRET.encode(), prehash, hashlib.sha256).digest()
    assert signed.headers["ACCESS-SIGN"] == base64.b64encode(digest).decode()
    assert signed.headers["ACCESS-KEY"] == KEY
    assert signed.headers["ACCESS-PASSPHRASE"] == PASSPHRASE
    assert signed.headers["Content-Type"] == "application/json"
    assert signed.body == body
    assert signed.url == URL(url)


def test_registry_entry() -> None:
    assert [h.host for h in HOSTS] == ["api.bitget.com"]
    entry = lookup("api.bitget.com")
    assert entry is not None
    assert entry.signer is sign
    assert entry.credential_name(make_request("GET", "https://api.bitget.com/")) == "bitget"


def test_deterministic_and_no_mutation() -> None:
    req = make_request("POST", "https://api.bitget.com/api/x", b'{"a":1}')
    before = (req.url, dict(req.headers), req.body)
    assert sign(req, CRED, NOW) == sign(req, CRED, NOW)
    assert (req.url, dict(req.headers), req.body) == before


def test_missing_passphrase_error_has_no_secret() -> None:
    cred = Credential("bitget", KEY, b"zz9")
    with pytest.raises(AuthError, match="bitget") as info:
        sign(make_request("GET", "https://api.bitget.com/x"), cred, NOW)
    assert "zz9" not in str(info.value)
    assert KEY not in str(info.value)


async def test_e2e_get_and_post_verified_by_server(recording_server: RecordingServer) -> None:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        prehash = (rec.headers["ACCESS-TIMESTAMP"] + rec.method + rec.raw_path_qs).encode()
        digest = hmac.new(SECRET.encode(), prehash + rec.body, hashlib.sha256).digest()
        ok = rec.headers["ACCESS-SIGN"] == base64.b64encode(digest).decode()
        return web.json_response({"code": "00000" if ok else "40009"}, status=200 if ok else 401)

    recording_server.reply = reply
    async with pybotters.Client(
        apis={"bitget": [KEY, SECRET, PASSPHRASE]},
        connector=loopback_connector(),
        clock=FixedClock(NOW),
    ) as client:
        host = "api.bitget.com"
        r1 = await client.fetch(
            "GET",
            recording_server.url(host, "/api/v2/spot/account/assets"),
            params={"coin": "USDT", "assetType": "hold_only"},
        )
        r2 = await client.fetch(
            "POST",
            recording_server.url(host, "/api/v2/spot/trade/place-order"),
            data={"symbol": "BTCUSDT", "side": "buy", "size": "1"},
        )
    assert (r1.response.status, r2.response.status) == (200, 200)
    assert recording_server.requests[0].raw_query_string == "coin=USDT&assetType=hold_only"
    assert recording_server.last.headers["ACCESS-PASSPHRASE"] == PASSPHRASE
