"""Phemex REST signer: pybotters-derived vector, re-derivation, live/testnet names."""

from __future__ import annotations

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
from pybotters_like.exchanges.phemex.auth import HOSTS, sign

NOW = 2085848896.0
KEY = "9kYxQXZ6PrR8h17lsVdDcpnJ"
SECRET = "ZBAUiPBTQOjYgTihYnZMw2HFkTooufRnNY5iuahBPMspRYQJ"
CRED = Credential("phemex", KEY, SECRET.encode())


make_request = partial(sign_request, encoded=False)


def test_get_vector_from_pybotters() -> None:
    url = (
        "https://api.phemex.com/orders/activeList"
        "?ordStatus=New&ordStatus=PartiallyFilled&ordStatus=Untriggered&symbol=BTCUSD"
    )
    signed = sign(make_request("GET", url), CRED, NOW)
    assert signed.headers["x-phemex-request-signature"] == (
        "abe7afcaaff085715ad26615b315007bdc4590390efcf5267b4317ce832ca6b5"
    )
    assert signed.headers["x-phemex-request-expiry"] == "2085848956"
    assert signed.headers["x-phemex-access-token"] == KEY
    assert signed.body is None
    assert signed.url == URL(url)


def test_independent_rederivation_post() -> None:
    body = json.dumps({"symbol": "BTCUSD", "side": "Buy", "orderQty": 1}).encode()
    signed = sign(
        make_request("POST", "https://vapi.phemex.com/orders?x=1", body), CRED, 1700000000.9
    )
    message = b"/ordersx=11700000060" + body
    expected = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    assert signed.headers["x-phemex-request-signature"] == expected
    assert signed.headers["x-phemex-request-expiry"] == "1700000060"
    assert signed.body == body


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("api.phemex.com", "phemex"),
        ("vapi.phemex.com", "phemex"),
        ("testnet-api.phemex.com", "phemex_testnet"),
    ],
)
def test_registry_entries(host: str, name: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry.signer is sign
    assert entry.credential_name(make_request("GET", f"https://{host}/")) == name
    assert entry.body_format == "json"


def test_hosts_tuple() -> None:
    assert sorted(h.host for h in HOSTS) == [
        "api.phemex.com",
        "testnet-api.phemex.com",
        "vapi.phemex.com",
    ]


def test_deterministic_and_no_mutation() -> None:
    req = make_request("POST", "https://api.phemex.com/orders", b'{"a":1}')
    before = (req.url, dict(req.headers), req.body)
    signed = sign(req, CRED, NOW)
    assert signed == sign(req, CRED, NOW)
    assert (req.url, dict(req.headers), req.body) == before
    assert SECRET not in "".join(signed.headers.values())


@pytest.mark.parametrize(
    ("host", "name"), [("api.phemex.com", "phemex"), ("testnet-api.phemex.com", "phemex_testnet")]
)
async def test_e2e_get_and_post_verified_by_server(
    recording_server: RecordingServer, host: str, name: str
) -> None:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        message = (
            rec.raw_path + rec.raw_query_string + rec.headers["x-phemex-request-expiry"]
        ).encode() + rec.body
        expected = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
        ok = rec.headers["x-phemex-request-signature"] == expected
        return web.json_response({"code": 0 if ok else 401}, status=200 if ok else 401)

    recording_server.reply = reply
    async with pybotters.Client(
        apis={name: [KEY, SECRET]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        r1 = await client.fetch(
            "GET",
            recording_server.url(host, "/orders/activeList"),
            params=[("ordStatus", "New"), ("ordStatus", "Untriggered"), ("symbol", "BTCUSD")],
        )
        r2 = await client.fetch(
            "POST", recording_server.url(host, "/orders"), data={"symbol": "BTCUSD", "orderQty": 1}
        )
    assert (r1.response.status, r2.response.status) == (200, 200)
    assert recording_server.last.headers["x-phemex-request-expiry"] == "2085848956"
