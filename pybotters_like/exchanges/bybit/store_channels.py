"""Bybit v5 stores of every channel but the order book (public and private topics).

Owns how each v5 message shape (reference/bybit_v5.md sections 5, 7, 8) becomes rows,
with pybotters' store keys. Incoming messages and REST responses are never mutated:
rows are built as new dicts. Routing and REST dispatch live in ``store.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypedDict

from yarl import URL

from pybotters_like.store import DataStore
from pybotters_like.store.item import Item

__all__ = [
    "AllLiquidation",
    "Execution",
    "Greek",
    "Kline",
    "LTKline",
    "LTNav",
    "LTTicker",
    "Liquidation",
    "Order",
    "Position",
    "Ticker",
    "Trade",
    "TradeItem",
    "Wallet",
]

logger = logging.getLogger(__name__)


class TradeItem(TypedDict, total=False):
    """One ``publicTrade`` row (Bybit's fields as sent)."""

    T: int
    """Fill time, ms."""
    s: str
    """Symbol."""
    S: str
    """Taker side, ``"Buy"``/``"Sell"``."""
    v: str
    """Size."""
    p: str
    """Price."""
    L: str
    """Tick direction (derivatives)."""
    i: str
    """Trade id."""
    BT: bool
    """Block trade."""
    seq: int
    """Cross sequence."""


class Trade(DataStore):
    """``publicTrade.{symbol}``: every trade, oldest first (keyless, 99,999 rows)."""

    _MAXLEN = 99_999

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._insert(msg["data"])


class Ticker(DataStore):
    """``tickers.{symbol}``: one row per symbol; deltas merge only the fields they carry."""

    _KEYS: ClassVar[list[str]] = ["symbol"]

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        data = msg["data"]
        rows = data if isinstance(data, list) else [data]
        if msg.get("type") == "snapshot":
            self._insert(rows)  # a snapshot replaces the row: no stale fields survive
        else:
            self._update(rows)

    def _onresponse(self, url: URL, data: Mapping[str, Any]) -> None:
        self._insert(data["result"]["list"])


class Kline(DataStore):
    """``kline.{interval}.{symbol}``: candles keyed by ``(symbol, start, end)``.

    Rows are Bybit's candle fields plus ``symbol`` (taken from the topic).
    """

    _KEYS: ClassVar[list[str]] = ["symbol", "start", "end"]

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        symbol = msg["topic"].rsplit(".", 1)[-1]
        self._update([{"symbol": symbol, **candle} for candle in msg["data"]])


class AllLiquidation(DataStore):
    """``allLiquidation.{symbol}``: liquidations ``{T, s, S, v, p}`` (keyless, 99,999)."""

    _MAXLEN = 99_999

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._insert(msg["data"])


class Liquidation(DataStore):
    """Legacy ``liquidation.{symbol}`` (one object per message; keyless, 99,999)."""

    _MAXLEN = 99_999

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        data = msg["data"]
        self._insert(data if isinstance(data, list) else [data])


class LTKline(Kline):
    """``kline_lt.{interval}.{symbol}`` (leveraged tokens)."""


class LTTicker(Ticker):
    """``tickers_lt.{symbol}`` (leveraged tokens)."""


class LTNav(Ticker):
    """``lt.{symbol}``: leveraged-token net asset value."""


class Position(DataStore):
    """``position``: one row per ``(symbol, positionIdx)`` (as pybotters).

    ``positionIdx`` 0 is one-way mode, 1/2 the buy/sell legs of hedge mode, so a side flip
    in one-way mode updates the same row. A closed position stays with ``size == "0"``
    and ``side == ""``. REST rows (``/v5/position/list``) get ``category`` from the
    request and ``entryPrice`` (the WS name) copied from ``avgPrice`` when missing.
    """

    _KEYS: ClassVar[list[str]] = ["symbol", "positionIdx"]

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._update(msg["data"])

    def _onresponse(self, url: URL, data: Mapping[str, Any]) -> None:
        category = url.query.get("category")
        rows = []
        for item in data["result"]["list"]:
            row = dict(item)
            if category is not None:
                row.setdefault("category", category)
            if "entryPrice" not in row and "avgPrice" in row:
                row["entryPrice"] = row["avgPrice"]
            rows.append(row)
        self._update(rows)


class Execution(DataStore):
    """``execution``: own fills, oldest first (keyless, 99,999 rows)."""

    _MAXLEN = 99_999

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._insert(msg["data"])


OPEN_STATUSES = frozenset({"New", "PartiallyFilled", "Untriggered", "Created", "Active"})
"""Order statuses kept in the ``order`` store."""
TERMINAL_STATUSES = frozenset(
    {"Filled", "Cancelled", "Rejected", "PartiallyFilledCanceled", "Deactivated", "Triggered"}
)
"""Order statuses that remove the order (``Triggered`` is transient: ``New`` follows)."""


class Order(DataStore):
    """``order``: open orders keyed by ``orderId``; terminal statuses remove them.

    As pybotters: ``Filled``, ``Cancelled``, ``Rejected``, ``PartiallyFilledCanceled``,
    ``Deactivated`` and ``Triggered`` delete the order (and, when it has an
    ``orderLinkId``, every row sharing it: spot TP/SL pairs). An unknown status keeps
    the order and is logged once. REST ``/v5/order/realtime`` replaces the open orders
    of the queried scope (category + symbol/baseCoin/settleCoin) on its first page and
    never stores closed orders (``openOnly=1`` returns them).
    """

    _KEYS: ClassVar[list[str]] = ["orderId"]

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._apply_orders(msg["data"])

    def _apply_orders(self, items: Iterable[Item]) -> None:
        for item in items:
            status = item.get("orderStatus")
            if status in TERMINAL_STATUSES:
                self._delete([item])
                link = item.get("orderLinkId")
                if link:
                    self._find_and_delete({"orderLinkId": link})
                continue
            if status not in OPEN_STATUSES:
                self.health.warn_once(
                    f"order_status:{status}", "unknown Bybit orderStatus=%s kept as open", status
                )
            self._update([item])

    def _onresponse(self, url: URL, data: Mapping[str, Any]) -> None:
        query = url.query
        category = query.get("category")
        if "cursor" not in query and "orderId" not in query and "orderLinkId" not in query:
            self._drop_scope(category, query)
        items: list[Item] = []
        for item in data["result"]["list"]:
            row = dict(item)
            if category is not None:
                row.setdefault("category", category)
            items.append(row)
        self._apply_orders(items)

    def _drop_scope(self, category: str | None, query: Mapping[str, str]) -> None:
        rows = self.find({"category": category}) if category is not None else self.find()
        if "symbol" in query:
            symbol = query["symbol"]
            rows = [r for r in rows if r.get("symbol") == symbol]
        elif "baseCoin" in query:
            base = query["baseCoin"]
            rows = [r for r in rows if str(r.get("symbol", "")).startswith(base)]
        elif "settleCoin" in query:
            settle = query["settleCoin"]
            rows = [r for r in rows if str(r.get("symbol", "")).endswith(settle)]
        if rows:
            self._delete(rows)


class Wallet(DataStore):
    """``wallet``: one account row per ``accountType``.

    A message lists only the coins that changed; the row's ``coin`` list keeps the other
    coins from earlier messages (new entries replace same-``coin`` entries).
    """

    _KEYS: ClassVar[list[str]] = ["accountType"]

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._merge(msg["data"])

    def _onresponse(self, url: URL, data: Mapping[str, Any]) -> None:
        self._merge(data["result"]["list"])

    def _merge(self, accounts: Iterable[Mapping[str, Any]]) -> None:
        rows: list[Item] = []
        for account in accounts:
            row = dict(account)
            old = self.get(account)
            coins = account.get("coin")
            if old is not None and isinstance(coins, list):
                seen = {c.get("coin") for c in coins if isinstance(c, Mapping)}
                kept = [c for c in old.get("coin") or () if c.get("coin") not in seen]
                row["coin"] = [*coins, *kept]
            rows.append(row)
        self._update(rows)


class Greek(DataStore):
    """``greeks``: option greeks per ``baseCoin``."""

    _KEYS: ClassVar[list[str]] = ["baseCoin"]

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        self._update(msg["data"])
