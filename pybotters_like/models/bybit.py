"""``pybotters_like.models.bybit``: the pybotters module path of :class:`BybitDataStore`.

Re-exports only; the implementation lives in ``pybotters_like/exchanges/bybit/store.py``.
"""

from __future__ import annotations

from pybotters_like.exchanges.bybit.store import (
    AllLiquidation,
    BybitDataStore,
    Execution,
    Greek,
    Kline,
    Liquidation,
    LTKline,
    LTNav,
    LTTicker,
    Order,
    OrderBook,
    Position,
    Ticker,
    Trade,
    Wallet,
)

__all__ = [
    "AllLiquidation",
    "BybitDataStore",
    "Execution",
    "Greek",
    "Kline",
    "LTKline",
    "LTNav",
    "LTTicker",
    "Liquidation",
    "Order",
    "OrderBook",
    "Position",
    "Ticker",
    "Trade",
    "Wallet",
]
