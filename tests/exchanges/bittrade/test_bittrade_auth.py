"""BitTrade REST signer: Huobi v2 query signing, re-derived independently.

The Huobi/BitTrade doc example uses masked keys and does not reproduce (auth.md 5.2),
and auth.md lists no BitTrade values among the pybotters-derived vectors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import partial
from urllib.parse import parse_qsl, quote, unquote

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector, sign_request
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth import Credential, SignRequest, lookup
from pybotters_like.exchanges.bittrade.auth import HOSTS, sign

NOW = 2085848896.7  # 2036-02-05T18:28:16 UTC
KEY = "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx"
SECRET = "b0xxxxxx-c6xxxxxx-94xxxxxx-dxxxx"
CRED = Credential("bittrade", KEY, SECRET.encode())


make_request = partial(sign_request, encoded=False)


def b64_hmac(message: str) -> str:
    digest = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_get_independent_rederivation() -> None:
    url = "https://api-cloud.bittrade.co.jp/v1/order/orders?symbol=btcjpy&states=filled,canceled"
    signed = sign(make_request("GET", url), CRED, NOW)
    query = (
        f"AccessKeyId={KEY}&SignatureMethod=HmacSHA256&SignatureVersion=2"
        "&Timestamp=2036-02-05T18%3A28%3A16&states=filled%2Ccanceled&symbol=btcjpy"
    )
    expected = b64_hmac(f"GET\napi-cloud.bittrade.co.jp\n/v1/order/orders\n{query}")
    assert signed.url.raw_query_string == f"{query}&Signature={quote(expected, safe='')}"
    assert signed.url.query["Signature"] == expected
    assert signed.url.path == "/v1/order/orders"
    assert signed.headers == {}
    assert signed.body is None


def test_post_json_body_is_sent_unsigned() -> None:
    body = json.dumps({"account-id": "1", "symbol": "btcjpy", "type": "buy-limit"}).encode()
    url = "https://api-cloud.bittrade.co.jp/v1/order/orders/place"
    signed = sign(make_request("POST", url, body), CRED, NOW)
    query = (
        f"AccessKeyId={KEY}&SignatureMethod=HmacSHA256&SignatureVersion=2"
        "&Timestamp=2036-02-05T18%3A28%3A16"
    )
    expected = b64_hmac(f"POST\napi-cloud.bittrade.co.jp\n/v1/order/orders/place\n{query}")
    assert dict(parse_qsl(signed.url.raw_query_string))["Signature"] == expected
    assert signed.body == body


def test_values_are_rfc3986_encoded_with_upper_hex() -> None:
    url = URL("https://api-cloud.bittrade.co.jp/v2/x").with_query({"note": "a b/c~"})
    signed = sign(SignRequest("GET", url, CIMultiDictProxy(CIMultiDict())), CRED, NOW)
    assert "note=a%20b%2Fc~" in signed.url.raw_query_string


def test_registry_entry() -> None:
    assert [h.host for h in HOSTS] == ["api-cloud.bittrade.co.jp"]
    entry = lookup("api-cloud.bittrade.co.jp")
    assert entry is not None
    assert entry.signer is sign
    assert entry.body_format == "json"
    assert entry.credential_name(make_request("GET", "https://api-cloud.bittrade.co.jp/")) == (
        "bittrade"
    )


def test_deterministic_and_no_mutation() -> None:
    req = make_request("GET", "https://api-cloud.bittrade.co.jp/v1/account/accounts?b=1&a=2")
    before = (req.url, dict(req.headers), req.body)
    first = sign(req, CRED, NOW)
    assert first == sign(req, CRED, NOW)
    assert (req.url, dict(req.headers), req.body) == before
    assert SECRET not in str(first.url)


async def test_e2e_get_and_post_verified_by_server(recording_server: RecordingServer) -> None:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        query, _, signature = rec.raw_query_string.rpartition("&Signature=")
        payload = f"{rec.method}\n{rec.host}\n{rec.raw_path}\n{query}"
        names = [pair.split("=", 1)[0] for pair in query.split("&")]
        ok = unquote(signature) == b64_hmac(payload) and names == sorted(names)
        return web.json_response({"status": "ok" if ok else "error"}, status=200 if ok else 401)

    recording_server.reply = reply
    async with pybotters.Client(
        apis={"bittrade": [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        host = "api-cloud.bittrade.co.jp"
        r1 = await client.fetch(
            "GET",
            recording_server.url(host, "/v1/order/orders"),
            params={"symbol": "btcjpy", "states": "filled,canceled"},
        )
        r2 = await client.fetch(
            "POST",
            recording_server.url(host, "/v1/order/orders/place"),
            data={"account-id": "1", "symbol": "btcjpy"},
        )
    assert (r1.response.status, r2.response.status) == (200, 200)
    assert recording_server.last.body == b'{"account-id":"1","symbol":"btcjpy"}'
    assert "Timestamp=2036-02-05T18%3A28%3A16" in recording_server.last.raw_query_string
