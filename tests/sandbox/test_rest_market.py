"""Public market endpoints through the real Client (which signs them; they ignore auth)."""

from __future__ import annotations

import pybotters_like
from pybotters_like.sandbox import Sandbox

from .conftest import T0


async def test_time_uses_injected_clock(client: pybotters_like.Client) -> None:
    r = await client.fetch("GET", "/v5/market/time")
    assert r.response.status == 200
    assert r.data["retCode"] == 0
    assert r.data["result"] == {
        "timeSecond": str(int(T0)),
        "timeNano": str(int(T0) * 1_000_000_000),
    }
    assert r.data["time"] == int(T0 * 1000)
    assert r.text.startswith('{"retCode":0,"retMsg":"OK","result":')  # compact JSON


async def test_orderbook_matches_authoritative_book(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    await sandbox.market.step(20)
    r = await client.fetch(
        "GET",
        "/v5/market/orderbook",
        params={"category": "linear", "symbol": "BTCUSDT", "limit": 5},
    )
    result = r.data["result"]
    bids, asks = sandbox.book_digest("BTCUSDT", depth=5)
    assert [tuple(x) for x in result["b"]] == bids
    assert [tuple(x) for x in result["a"]] == asks
    assert float(result["b"][0][0]) < float(result["a"][0][0])
    assert {"s", "b", "a", "ts", "u", "seq", "cts"} <= set(result)


async def test_unknown_symbol_is_10001(client: pybotters_like.Client) -> None:
    r = await client.fetch(
        "GET", "/v5/market/orderbook", params={"category": "linear", "symbol": "NOPEUSDT"}
    )
    assert r.response.status == 200
    assert r.data["retCode"] == 10001
    assert r.data["result"] == {}
    assert r.data["retExtInfo"] == {}


async def test_missing_category_is_10001(client: pybotters_like.Client) -> None:
    r = await client.fetch("GET", "/v5/market/tickers")
    assert r.data["retCode"] == 10001
    assert "category" in r.data["retMsg"]


async def test_tickers_recent_trades_instruments_kline(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    await sandbox.market.step(50)
    tickers = await client.fetch("GET", "/v5/market/tickers", params={"category": "linear"})
    assert [t["symbol"] for t in tickers.data["result"]["list"]] == ["BTCUSDT", "ETHUSDT"]
    trades = await client.fetch(
        "GET", "/v5/market/recent-trade", params={"category": "linear", "symbol": "BTCUSDT"}
    )
    ids = [int(t["execId"]) for t in trades.data["result"]["list"]]
    assert ids == list(range(sandbox.last_trade_id("BTCUSDT"), 0, -1))  # newest first, no gaps
    info = await client.fetch(
        "GET", "/v5/market/instruments-info", params={"category": "linear", "limit": 1}
    )
    first = info.data["result"]
    assert first["list"][0]["symbol"] == "BTCUSDT"
    assert first["list"][0]["priceFilter"]["tickSize"] == "0.1"
    second = await client.fetch(
        "GET",
        "/v5/market/instruments-info",
        params={"category": "linear", "limit": 1, "cursor": first["nextPageCursor"]},
    )
    assert second.data["result"]["list"][0]["symbol"] == "ETHUSDT"
    assert second.data["result"]["nextPageCursor"] == ""
    kline = await client.fetch(
        "GET",
        "/v5/market/kline",
        params={"category": "linear", "symbol": "BTCUSDT", "interval": "1"},
    )
    row = kline.data["result"]["list"][0]
    assert len(row) == 7
    assert all(isinstance(x, str) for x in row)


async def test_unknown_path_is_404(client: pybotters_like.Client) -> None:
    r = await client.fetch("GET", "/v5/nothing/here")
    assert r.response.status == 404
