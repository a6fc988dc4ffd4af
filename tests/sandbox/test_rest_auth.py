"""Signature/timestamp verification and REST fault injection.

Signatures in these tests are computed here, independently of the client's signer,
from the documented formula ``hex(HMAC_SHA256(secret, ts + key + recv_window + payload))``.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import aiohttp

import pybotters_like
from pybotters_like.sandbox import Sandbox

from .conftest import KEY, SECRET, T0, ManualClock

NOW_MS = int(T0 * 1000)


def _sign(payload: str, ts: int = NOW_MS, window: str = "5000", secret: str = SECRET) -> str:
    message = f"{ts}{KEY}{window}{payload}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _headers(sig: str, ts: int = NOW_MS, window: str | None = "5000") -> dict[str, str]:
    headers = {"X-BAPI-API-KEY": KEY, "X-BAPI-TIMESTAMP": str(ts), "X-BAPI-SIGN": sig}
    if window is not None:
        headers["X-BAPI-RECV-WINDOW"] = window
    return headers


async def test_hand_signed_get_and_post_are_accepted(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    query = "accountType=UNIFIED&coin=USDT"
    async with session.get(
        f"{sandbox.rest_url}/v5/account/wallet-balance?{query}", headers=_headers(_sign(query))
    ) as resp:
        data = await resp.json()
    assert data["retCode"] == 0, data
    assert resp.headers["X-Bapi-Limit"] == "50"
    body = (
        '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit",'
        '"qty":"0.001","price":"30000"}'
    )
    async with session.post(
        f"{sandbox.rest_url}/v5/order/create",
        data=body,
        headers={**_headers(_sign(body)), "Content-Type": "application/json"},
    ) as resp:
        data = await resp.json()
    assert data["retCode"] == 0, data


async def test_no_recv_window_header_signs_empty_string(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    query = "category=linear&symbol=BTCUSDT"
    async with session.get(
        f"{sandbox.rest_url}/v5/position/list?{query}",
        headers=_headers(_sign(query, window=""), window=None),
    ) as resp:
        assert (await resp.json())["retCode"] == 0


async def test_bad_signature_is_10004_with_origin_string(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    query = "category=linear&symbol=BTCUSDT"
    async with session.get(
        f"{sandbox.rest_url}/v5/position/list?{query}",
        headers=_headers(_sign(query, secret="wrong")),
    ) as resp:
        text = await resp.text()
    assert resp.status == 200
    data = json.loads(text)
    assert data["retCode"] == 10004
    assert data["retMsg"] == f"error sign! origin_string[{NOW_MS}{KEY}5000{query}]"
    assert data["result"] == {}
    assert data["retExtInfo"] == {}
    assert data["time"] == NOW_MS


async def test_unknown_key_is_10003(sandbox: Sandbox, clock: ManualClock) -> None:
    async with pybotters_like.Client(
        apis={"bybit": ["who", "ever"]}, base_url=sandbox.rest_url,
        connector=sandbox.connector(), clock=clock,
    ) as stranger:  # fmt: skip
        r = await stranger.fetch("GET", "/v5/order/realtime", params={"category": "linear"})
    assert (r.data["retCode"], r.data["retMsg"]) == (10003, "API key is invalid.")


async def test_expired_and_future_timestamps_are_10002(
    client: pybotters_like.Client, sandbox: Sandbox, clock: ManualClock
) -> None:
    clock.now = T0  # the client signs at T0 ...
    sandbox.exchange.clock = lambda: T0 + 6.0  # ... and the server reads 6 s later
    r = await client.fetch(
        "GET", "/v5/position/list", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    server_ms = NOW_MS + 6000
    assert r.data["retCode"] == 10002
    assert r.data["retMsg"] == (
        "invalid request, please check your server timestamp or recv_window param. "
        f"req_timestamp[{NOW_MS}],server_timestamp[{server_ms}],recv_window[5000]"
    )
    assert r.data["time"] == server_ms
    sandbox.exchange.clock = lambda: T0 - 1.0  # client 1 s ahead: refused (ts < now + 1000)
    r = await client.fetch(
        "GET", "/v5/position/list", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    assert r.data["retCode"] == 10002
    sandbox.exchange.clock = lambda: T0 + 4.999  # inside the default window
    r = await client.fetch(
        "GET", "/v5/position/list", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    assert r.data["retCode"] == 0


async def test_public_endpoints_ignore_bad_auth(
    session: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    async with session.get(
        f"{sandbox.rest_url}/v5/market/time", headers=_headers("garbage")
    ) as resp:
        assert (await resp.json())["retCode"] == 0


async def test_injected_5xx_then_recovers(client: pybotters_like.Client, sandbox: Sandbox) -> None:
    sandbox.faults.fail_rest(503, count=2)
    statuses = [(await client.fetch("GET", "/v5/market/time")).response.status for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert sandbox.fault_counters["rest_http"] == 2


async def test_injected_429_and_rate_limit_shape(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    sandbox.faults.rate_limit(count=1, status=429)
    sandbox.faults.rate_limit(count=1)
    r = await client.fetch(
        "GET", "/v5/order/realtime", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    assert r.response.status == 429
    assert r.data["retCode"] == 10006
    assert r.data["retMsg"] == "Too many visits. Exceeded the API Rate Limit."
    assert r.response.headers["X-Bapi-Limit-Status"] == "0"
    assert int(r.response.headers["X-Bapi-Limit-Reset-Timestamp"]) == NOW_MS + 1000
    r = await client.fetch(
        "GET", "/v5/order/realtime", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    assert (r.response.status, r.data["retCode"]) == (200, 10006)
    r = await client.fetch(
        "GET", "/v5/order/realtime", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    assert r.data["retCode"] == 0


async def test_path_scoped_fault_skips_other_paths(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    sandbox.faults.fail_rest(502, path_prefix="/v5/order/")
    assert (await client.fetch("GET", "/v5/market/time")).response.status == 200
    r = await client.fetch(
        "GET", "/v5/order/realtime", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    assert r.response.status == 502


async def test_enforced_rate_limit(clock: ManualClock) -> None:
    from pybotters_like.sandbox.venues.bybit import BybitVenue

    async with Sandbox(
        symbols=["BTCUSDT"], clock=clock, venue=BybitVenue(enforce_rate_limits=True)
    ) as sb:
        sb.create_account(KEY, SECRET, balances={"USDT": 1_000_000})
        async with pybotters_like.Client(
            apis={"bybit": [KEY, SECRET]}, base_url=sb.rest_url, connector=sb.connector(),
            clock=clock,
        ) as c:  # fmt: skip
            codes = []
            for i in range(11):
                r = await c.fetch(
                    "POST", "/v5/order/create",
                    data={"category": "linear", "symbol": "BTCUSDT", "side": "Buy",
                          "orderType": "Limit", "qty": "0.001", "price": str(30000 + i)},
                )  # fmt: skip
                codes.append(r.data["retCode"])
            assert codes == [0] * 10 + [10006]
            assert r.response.headers["X-Bapi-Limit-Status"] == "0"
            clock.now += 1.0  # the one-second window rolls over
            r = await c.fetch(
                "POST", "/v5/order/create",
                data={"category": "linear", "symbol": "BTCUSDT", "side": "Buy",
                      "orderType": "Limit", "qty": "0.001", "price": "29000"},
            )  # fmt: skip
            assert r.data["retCode"] == 0
