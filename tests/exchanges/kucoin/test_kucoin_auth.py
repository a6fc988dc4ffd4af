"""KuCoin REST signer: pybotters-derived vectors, decoded-URL signing, v2 passphrase."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import partial
from urllib.parse import unquote_plus

import pytest
from aiohttp import web
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector, sign_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth import Credential, lookup
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.kucoin.auth import HOSTS, sign

NOW = 2085848896.0
KEY = "kc-key-123"
SECRET = "r9ugGEq5pJkrBuqs6GYFgHFIgsPr4iAw06awzFByoZPRjTJs"
PASSPHRASE = "MyPassphrase123"
CRED = Credential("kucoin", KEY, SECRET.encode(), PASSPHRASE)


make_request = partial(sign_request, encoded=False)


def b64_hmac(message: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), message, hashlib.sha256).digest()).decode()


def test_get_and_passphrase_vectors_from_pybotters() -> None:
    signed = sign(make_request("GET", "https://api.kucoin.com/api/v1/orders"), CRED, NOW)
    assert signed.headers["KC-API-SIGN"] == "S3VbT04nwftUSb9URF0s/KeCLJfzgz8FsytZ9gDaxsw="
    assert signed.headers["KC-API-PASSPHRASE"] == "NdCF6AMfsU+m1ywTeSVeBREs7l1veIb487x9csAONO4="
    assert signed.headers["KC-API-TIMESTAMP"] == "2085848896000"
    assert signed.headers["KC-API-KEY-VERSION"] == "2"
    assert signed.headers["KC-API-KEY"] == KEY
    assert PASSPHRASE not in signed.headers.values()
    assert signed.body is None


def test_independent_rederivation_signs_decoded_query() -> None:
    url = "https://api-futures.kucoin.com/api/v1/fills?symbol=XBTUSDTM&note=a%20b%2Cc"
    signed = sign(make_request("GET", url), CRED, NOW)
    assert signed.headers["KC-API-SIGN"] == b64_hmac(
        b"2085848896000GET/api/v1/fills?symbol=XBTUSDTM&note=a b,c"
    )
    assert signed.url == URL(url)


def test_independent_rederivation_post_body() -> None:
    body = json.dumps({"clientOid": "x1", "side": "buy", "symbol": "BTC-USDT"}).encode()
    signed = sign(make_request("POST", "https://api.kucoin.com/api/v1/orders", body), CRED, NOW)
    assert signed.headers["KC-API-SIGN"] == b64_hmac(b"2085848896000POST/api/v1/orders" + body)
    assert signed.body == body


@pytest.mark.parametrize("host", ["api.kucoin.com", "api-futures.kucoin.com"])
def test_registry_entries(host: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry.signer is sign
    assert entry.credential_name(make_request("GET", f"https://{host}/")) == "kucoin"
    assert entry.body_format == "json"


def test_hosts_tuple() -> None:
    assert sorted(h.host for h in HOSTS) == ["api-futures.kucoin.com", "api.kucoin.com"]


def test_deterministic_and_no_mutation() -> None:
    req = make_request("POST", "https://api.kucoin.com/api/v1/orders", b'{"a":1}')
    before = (req.url, dict(req.headers), req.body)
    assert sign(req, CRED, NOW) == sign(req, CRED, NOW)
    assert (req.url, dict(req.headers), req.body) == before


def test_missing_passphrase_error_has_no_secret() -> None:
    cred = Credential("kucoin", KEY, b"hush-hush")
    with pytest.raises(AuthError, match="kucoin") as info:
        sign(make_request("GET", "https://api.kucoin.com/x"), cred, NOW)
    assert "hush-hush" not in str(info.value)
    assert KEY not in str(info.value)


async def test_e2e_get_and_post_verified_by_server(recording_server: RecordingServer) -> None:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        decoded = unquote_plus(rec.raw_path_qs)
        prehash = (rec.headers["KC-API-TIMESTAMP"] + rec.method + decoded).encode() + rec.body
        ok = rec.headers["KC-API-SIGN"] == b64_hmac(prehash) and rec.headers[
            "KC-API-PASSPHRASE"
        ] == b64_hmac(PASSPHRASE.encode())
        return web.json_response({"code": "200000" if ok else "400005"}, status=200 if ok else 401)

    recording_server.reply = reply
    async with pybotters.Client(
        apis={"kucoin": [KEY, SECRET, PASSPHRASE]},
        connector=loopback_connector(),
        clock=FixedClock(NOW),
    ) as client:
        r1 = await client.fetch(
            "GET",
            recording_server.url("api.kucoin.com", "/api/v1/orders"),
            params={"status": "active", "note": "a b,c"},
        )
        r2 = await client.fetch(
            "POST",
            recording_server.url("api-futures.kucoin.com", "/api/v1/orders"),
            data={"clientOid": "x1", "side": "buy"},
        )
    assert (r1.response.status, r2.response.status) == (200, 200)
    assert recording_server.last.headers["KC-API-KEY-VERSION"] == "2"
