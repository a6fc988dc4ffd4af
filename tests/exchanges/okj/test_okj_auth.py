"""OKJ REST signer: the OKX v5 scheme on www.okcoin.jp with the ``okj`` credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import partial

import pytest
from aiohttp import web
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector, sign_request

import pybotters_like as pybotters
from pybotters_like.auth import Credential, lookup
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.okj.auth import HOSTS, sign

NOW = 2085848896.0  # 2036-02-05T18:28:16.000Z
KEY = "okj-key-abc"
SECRET = "YUJHBdFNrbz7atmV3f261ZhdRffTo4S9KZKC7C7qdqcHbRR4"
PASSPHRASE = "okj-pass"
CRED = Credential("okj", KEY, SECRET.encode(), PASSPHRASE)


make_request = partial(sign_request, encoded=False)


def expected_sign(prehash: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), prehash, hashlib.sha256).digest()).decode()


def test_okx_get_vector_holds_for_okj_same_scheme() -> None:
    # The OKX pybotters vector: OKJ signs the same string the same way.
    req = make_request("GET", "https://www.okcoin.jp/api/v5/account/balance?ccy=BTC,ETH")
    signed = sign(req, CRED, NOW)
    assert signed.headers["OK-ACCESS-SIGN"] == "fWIucRPbzCxgeO2g9g0nV+FJyX1tr5/LKSypAyiVpQI="


def test_independent_rederivation_post() -> None:
    body = json.dumps({"instrument_id": "BTC-JPY", "side": "buy", "size": "0.01"}).encode()
    signed = sign(make_request("POST", "https://www.okcoin.jp/api/spot/v3/orders", body), CRED, NOW)
    prehash = b"2036-02-05T18:28:16.000ZPOST/api/spot/v3/orders" + body
    assert signed.headers["OK-ACCESS-SIGN"] == expected_sign(prehash)
    assert signed.headers["OK-ACCESS-PASSPHRASE"] == PASSPHRASE
    assert signed.headers["OK-ACCESS-KEY"] == KEY
    assert signed.headers["OK-ACCESS-TIMESTAMP"] == "2036-02-05T18:28:16.000Z"
    assert signed.body == body


def test_registry_entry_for_okj_host() -> None:
    assert [h.host for h in HOSTS] == ["www.okcoin.jp"]
    entry = lookup("www.okcoin.jp")
    assert entry is not None
    assert entry.signer is sign
    assert entry.credential_name(make_request("GET", "https://www.okcoin.jp/")) == "okj"
    assert entry.body_format == "json"


def test_deterministic_and_no_mutation() -> None:
    req = make_request("POST", "https://www.okcoin.jp/api/spot/v3/orders", b'{"a":1}')
    before = (req.url, dict(req.headers), req.body)
    assert sign(req, CRED, NOW) == sign(req, CRED, NOW)
    assert (req.url, dict(req.headers), req.body) == before


def test_missing_passphrase_names_okj_not_secrets() -> None:
    with pytest.raises(AuthError, match="OKJ") as info:
        sign(make_request("GET", "https://www.okcoin.jp/x"), Credential("okj", KEY, b"s3cr3t"), NOW)
    assert "s3cr3t" not in str(info.value)
    assert KEY not in str(info.value)


async def test_e2e_post_verified_by_server(recording_server: RecordingServer) -> None:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        prehash = (
            rec.headers["OK-ACCESS-TIMESTAMP"] + rec.method + rec.raw_path_qs
        ).encode() + rec.body
        ok = rec.headers["OK-ACCESS-SIGN"] == expected_sign(prehash)
        return web.json_response({"ok": ok}, status=200 if ok else 401)

    recording_server.reply = reply
    async with pybotters.Client(
        apis={"okj": [KEY, SECRET, PASSPHRASE]},
        connector=loopback_connector(),
        clock=FixedClock(NOW),
    ) as client:
        r = await client.fetch(
            "POST",
            recording_server.url("www.okcoin.jp", "/api/spot/v3/orders"),
            params={"z": "1"},
            data={"instrument_id": "BTC-JPY", "size": "0.01"},
        )
    assert r.response.status == 200
    assert recording_server.last.headers["OK-ACCESS-PASSPHRASE"] == PASSPHRASE
