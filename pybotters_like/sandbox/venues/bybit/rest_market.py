"""Bybit v5 public market endpoints (``/v5/market/*``, bybit_v5.md §5.1-5.6).

Owns the results of time, orderbook, tickers, recent-trade, instruments-info
and kline. Handlers are pure functions of a :class:`Call`; they raise
:class:`BybitError` for bad input. Auth headers are ignored here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...accounts import decimal_str
from .envelope import BybitError
from .params import Call, page
from .shapes import recent_trade_item, ticker_item

__all__ = ["MARKET_ROUTES"]

Handler = Callable[[Call], Any]

_INTERVALS = {
    **{str(m): m * 60_000 for m in (1, 3, 5, 15, 30, 60, 120, 240, 360, 720)},
    "D": 86_400_000,
    "W": 604_800_000,
}


def market_time(call: Call) -> dict[str, str]:
    """``/v5/market/time``."""
    return {"timeSecond": str(call.now_ms // 1000), "timeNano": str(call.now_ms * 1_000_000)}


def orderbook(call: Call) -> dict[str, Any]:
    """``/v5/market/orderbook``: bids descending, asks ascending, ``u``/``seq``/``cts``."""
    call.category()
    inst = call.instrument()
    limit = call.integer("limit", 25, 1, 1000)
    book = call.exchange.engines[inst.symbol].book
    stats = call.exchange.stats[inst.symbol]
    return {
        "s": inst.symbol,
        "b": [[inst.price_str(p), inst.qty_str(q)] for p, q in book.levels("Buy", limit)],
        "a": [[inst.price_str(p), inst.qty_str(q)] for p, q in book.levels("Sell", limit)],
        "ts": call.now_ms,
        "u": max(1, stats.seq),
        "seq": stats.seq,
        "cts": call.now_ms,
    }


def tickers(call: Call) -> dict[str, Any]:
    """``/v5/market/tickers`` (all symbols, or one)."""
    category = call.category()
    one = call.optional("symbol") is not None
    symbols = [call.instrument().symbol] if one else list(call.exchange.instruments)
    return {"category": category, "list": [ticker_item(call.exchange, s) for s in symbols]}


def recent_trades(call: Call) -> dict[str, Any]:
    """``/v5/market/recent-trade``: newest first."""
    category = call.category()
    inst = call.instrument()
    limit = call.integer("limit", 500, 1, 1000)
    trades = list(call.exchange.recent_trades[inst.symbol])[::-1][:limit]
    return {"category": category, "list": [recent_trade_item(t, inst) for t in trades]}


def instruments_info(call: Call) -> dict[str, Any]:
    """``/v5/market/instruments-info`` with ``limit``/``cursor`` pagination."""
    category = call.category()
    symbol = call.optional("symbol")
    insts = [call.instrument()] if symbol else list(call.exchange.instruments.values())
    chunk, following = page(insts, call, 500, 1000)
    items = [
        {
            "symbol": i.symbol,
            "contractType": "LinearPerpetual",
            "status": "Trading",
            "baseCoin": i.base,
            "quoteCoin": i.quote,
            "settleCoin": i.quote,
            "launchTime": "0",
            "deliveryTime": "0",
            "deliveryFeeRate": "",
            "priceScale": str(i.price_scale),
            "leverageFilter": {
                "minLeverage": "1",
                "maxLeverage": decimal_str(i.max_leverage, 2),
                "leverageStep": "0.01",
            },
            "priceFilter": {
                "minPrice": decimal_str(i.tick_size, 10),
                "maxPrice": decimal_str(i.start_price * 100, 10),
                "tickSize": decimal_str(i.tick_size, 10),
            },
            "lotSizeFilter": {
                "maxOrderQty": decimal_str(i.qty_step * 10_000_000, 10),
                "minOrderQty": decimal_str(i.min_qty, 10),
                "qtyStep": decimal_str(i.qty_step, 10),
                "postOnlyMaxOrderQty": decimal_str(i.qty_step * 10_000_000, 10),
                "maxMktOrderQty": decimal_str(i.qty_step * 1_000_000, 10),
                "minNotionalValue": "5",
            },
            "unifiedMarginTrade": True,
            "fundingInterval": 480,
            "copyTrading": "both",
            "upperFundingRate": "0.005",
            "lowerFundingRate": "-0.005",
            "isPreListing": False,
            "preListingInfo": None,
        }
        for i in chunk
    ]
    return {"category": category, "list": items, "nextPageCursor": following}


def kline(call: Call) -> dict[str, Any]:
    """``/v5/market/kline`` built from the recent trades kept in memory (newest first).

    Only trades still in the recent-trade buffer count; an interval with no
    trade is skipped, and with no trade at all the current candle is flat at
    the last price.
    """
    category = call.params.get("category") or "linear"
    if category != "linear":
        raise BybitError(10001, f"params error: category {category} not supported")
    inst = call.instrument()
    interval = call.text("interval")
    width = _INTERVALS.get(interval)
    if width is None:
        raise BybitError(10001, "params error: interval invalid")
    limit = call.integer("limit", 200, 1, 1000)
    candles: dict[int, list[int]] = {}
    for trade in call.exchange.recent_trades[inst.symbol]:
        start = trade.time_ms - trade.time_ms % width
        c = candles.get(start)
        if c is None:
            candles[start] = [trade.price, trade.price, trade.price, trade.price, trade.qty,
                              trade.qty * trade.price]  # fmt: skip
        else:
            c[1], c[2], c[3] = max(c[1], trade.price), min(c[2], trade.price), trade.price
            c[4] += trade.qty
            c[5] += trade.qty * trade.price
    if not candles:
        last = call.exchange.stats[inst.symbol].last_price
        candles[call.now_ms - call.now_ms % width] = [last, last, last, last, 0, 0]
    rows = [
        [str(start), inst.price_str(o), inst.price_str(h), inst.price_str(lo),
         inst.price_str(c), inst.qty_str(v), decimal_str(inst.value(t))]
        for start, (o, h, lo, c, v, t) in sorted(candles.items(), reverse=True)
    ]  # fmt: skip
    return {"symbol": inst.symbol, "category": category, "list": rows[:limit]}


MARKET_ROUTES: dict[str, Handler] = {
    "/v5/market/time": market_time,
    "/v5/market/orderbook": orderbook,
    "/v5/market/tickers": tickers,
    "/v5/market/recent-trade": recent_trades,
    "/v5/market/instruments-info": instruments_info,
    "/v5/market/kline": kline,
}
"""GET routes that need no auth."""
