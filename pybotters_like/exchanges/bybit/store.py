"""``BybitDataStore``: Bybit v5 WebSocket/REST messages into pybotters-named stores.

Owns the routing of v5 frames by ``topic`` (op acks and pongs are consumed quietly, a
failed ack is logged; an unknown topic is logged once and counted, nothing raises),
``initialize()`` from REST responses routed by URL path, and the glue between order-book
resync requests and the WebSocketApp (``on_connect``/``on_disconnect`` hooks and an
opt-in re-subscriber). Row shapes live in ``store_channels.py``; order-book integrity
in ``store_book.py``. User guide: docs/exchanges/bybit.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

from yarl import URL

from pybotters_like.errors import BybitResponseError, DataStoreError
from pybotters_like.exchanges.bybit.store_book import OrderBook, OrderBookItem
from pybotters_like.exchanges.bybit.store_channels import (
    AllLiquidation,
    Execution,
    Greek,
    Kline,
    Liquidation,
    LTKline,
    LTNav,
    LTTicker,
    Order,
    Position,
    Ticker,
    Trade,
    TradeItem,
    Wallet,
)
from pybotters_like.store import DataStoreCollection, ResyncRequest

__all__ = [
    "AllLiquidation",
    "BybitDataStore",
    "BybitResponseError",
    "Execution",
    "Greek",
    "Kline",
    "LTKline",
    "LTNav",
    "LTTicker",
    "Liquidation",
    "Order",
    "OrderBook",
    "OrderBookItem",
    "Position",
    "Ticker",
    "Trade",
    "TradeItem",
    "Wallet",
]

logger = logging.getLogger(__name__)

Route = Callable[[Any, Any], None]

# topic prefix (text before the first ".") -> store name
_TOPIC_STORES: dict[str, str] = {
    "orderbook": "orderbook",
    "publicTrade": "publicTrade",
    "tickers": "tickers",
    "kline": "kline",
    "allLiquidation": "allLiquidation",
    "liquidation": "liquidation",
    "kline_lt": "kline_lt",
    "tickers_lt": "tickers_lt",
    "lt": "lt",
    "position": "position",
    "execution": "execution",
    "order": "order",
    "wallet": "wallet",
    "greeks": "greeks",
}
_UNSUPPORTED_TOPICS = ("orderbook.rpi.", "orderbook.full.")
_REST_PATHS: dict[str, str] = {
    "/v5/order/realtime": "order",
    "/v5/position/list": "position",
    "/v5/account/wallet-balance": "wallet",
    "/v5/market/orderbook": "orderbook",
    "/v5/market/tickers": "tickers",
}
_CONNECTION_REASONS = frozenset({"reconnect", "disconnect"})
_ROUTE_CACHE_MAX = 4096


class BybitDataStore(DataStoreCollection):
    """Bybit v5 stores, fed by ``onmessage`` (WebSocket) and ``initialize`` (REST).

    Stores (name -> property, keys): ``orderbook`` -> :attr:`orderbook` [s, S, p];
    ``publicTrade`` -> :attr:`trade`; ``tickers`` -> :attr:`ticker` [symbol]; ``kline``
    -> :attr:`kline` [symbol, start, end]; ``allLiquidation`` -> :attr:`all_liquidation`;
    ``liquidation`` (legacy topic) -> :attr:`liquidation`; ``position`` [symbol,
    positionIdx]; ``execution``; ``order`` [orderId]; ``wallet`` [accountType];
    ``greeks`` -> :attr:`greek` [baseCoin]; ``kline_lt``, ``tickers_lt``, ``lt``.

    Example::

        store = pybotters.BybitDataStore()
        async with pybotters.Client(apis=apis) as client:
            await store.initialize(
                client.get("https://api.bybit.com/v5/order/realtime?category=linear&settleCoin=USDT"),
                client.get("https://api.bybit.com/v5/position/list?category=linear&settleCoin=USDT"),
            )
            ws = await client.ws_connect(
                "wss://stream.bybit.com/v5/public/linear",
                send_json={"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]},
                hdlr_json=store.onmessage,
                on_disconnect=store.on_disconnect,
            )
            store.auto_resubscribe()
    """

    def _init(self) -> None:
        self._create("orderbook", datastore_class=OrderBook)
        self._create("publicTrade", datastore_class=Trade)
        self._create("tickers", datastore_class=Ticker)
        self._create("kline", datastore_class=Kline)
        self._create("allLiquidation", datastore_class=AllLiquidation)
        self._create("kline_lt", datastore_class=LTKline)
        self._create("tickers_lt", datastore_class=LTTicker)
        self._create("lt", datastore_class=LTNav)
        self._create("liquidation", datastore_class=Liquidation)
        self._create("position", datastore_class=Position)
        self._create("execution", datastore_class=Execution)
        self._create("order", datastore_class=Order)
        self._create("wallet", datastore_class=Wallet)
        self._create("greeks", datastore_class=Greek)
        self._routes: dict[str, Route] = {}
        self.unknown_topics: dict[str, int] = {}
        """Messages dropped per unknown topic prefix (each prefix logged once)."""
        self.failed_acks = 0
        """Op responses with ``success: false`` (failed subscribe/auth), each logged."""
        self.malformed: dict[str, int] = {}
        """Messages per topic prefix that a store could not parse (logged once each)."""
        self.resubscribes_sent = 0
        """Unsubscribe+subscribe pairs sent by :meth:`auto_resubscribe`."""
        self._resubscriber: Callable[[ResyncRequest], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ stores

    @property
    def orderbook(self) -> OrderBook:
        """``orderbook.{depth}.{symbol}``: levels ``{s, S, p, v}``, with ``sorted()``."""
        return self._get("orderbook", OrderBook)

    @property
    def trade(self) -> Trade:
        """``publicTrade.{symbol}`` (store name ``publicTrade``)."""
        return self._get("publicTrade", Trade)

    @property
    def ticker(self) -> Ticker:
        """``tickers.{symbol}`` (store name ``tickers``), keyed by ``symbol``."""
        return self._get("tickers", Ticker)

    @property
    def kline(self) -> Kline:
        """``kline.{interval}.{symbol}``, keyed by ``(symbol, start, end)``."""
        return self._get("kline", Kline)

    @property
    def all_liquidation(self) -> AllLiquidation:
        """``allLiquidation.{symbol}`` (store name ``allLiquidation``)."""
        return self._get("allLiquidation", AllLiquidation)

    @property
    def liquidation(self) -> Liquidation:
        """Legacy ``liquidation.{symbol}`` topic (see :attr:`all_liquidation`)."""
        return self._get("liquidation", Liquidation)

    @property
    def lt_kline(self) -> LTKline:
        """``kline_lt.{interval}.{symbol}``."""
        return self._get("kline_lt", LTKline)

    @property
    def lt_ticker(self) -> LTTicker:
        """``tickers_lt.{symbol}``."""
        return self._get("tickers_lt", LTTicker)

    @property
    def lt_nav(self) -> LTNav:
        """``lt.{symbol}``."""
        return self._get("lt", LTNav)

    @property
    def position(self) -> Position:
        """Private ``position``, keyed by ``(symbol, positionIdx)``."""
        return self._get("position", Position)

    @property
    def execution(self) -> Execution:
        """Private ``execution`` (own fills)."""
        return self._get("execution", Execution)

    @property
    def order(self) -> Order:
        """Private ``order``: open orders keyed by ``orderId``."""
        return self._get("order", Order)

    @property
    def wallet(self) -> Wallet:
        """Private ``wallet``, keyed by ``accountType``."""
        return self._get("wallet", Wallet)

    @property
    def greek(self) -> Greek:
        """Private ``greeks`` (store name ``greeks``), keyed by ``baseCoin``."""
        return self._get("greeks", Greek)

    # ------------------------------------------------------------------ WebSocket

    def _onmessage(self, msg: Any, ws: Any = None) -> None:
        try:
            topic = msg["topic"]
            route = self._routes[topic]
        except KeyError:
            if not isinstance(msg, dict) or "topic" not in msg:
                self._on_control(msg)
                return
            route = self._route_for(msg["topic"])
        except TypeError:
            self._on_control(msg)
            return
        try:
            route(msg, ws)
        except Exception as exc:
            self._malformed(topic, exc)

    def _route_for(self, topic: Any) -> Route:
        prefix = topic.split(".", 1)[0] if isinstance(topic, str) else repr(topic)
        name = _TOPIC_STORES.get(prefix)
        route: Route
        if name is None or topic.startswith(_UNSUPPORTED_TOPICS):
            label = prefix if name is None else topic.rsplit(".", 1)[0]

            def route(msg: Any, ws: Any) -> None:
                self._unknown(label)

        else:
            route = getattr(self._stores[name], "_onmessage")  # noqa: B009
        if len(self._routes) < _ROUTE_CACHE_MAX and isinstance(topic, str):
            self._routes[topic] = route
        return route

    def _unknown(self, label: str) -> None:
        count = self.unknown_topics.get(label, 0)
        self.unknown_topics[label] = count + 1
        if not count:
            logger.warning(
                "bybit: unsupported topic=%s dropped (later ones only counted in "
                "store.unknown_topics)",
                label,
            )

    def _malformed(self, topic: Any, exc: Exception) -> None:
        label = topic.split(".", 1)[0] if isinstance(topic, str) else repr(topic)
        count = self.malformed.get(label, 0)
        self.malformed[label] = count + 1
        if not count:
            logger.warning(
                "bybit: message dropped topic=%s reason=%s: %s (later ones only counted "
                "in store.malformed)",
                topic,
                type(exc).__name__,
                exc,
            )

    def _on_control(self, msg: Any) -> None:
        if isinstance(msg, dict):
            if msg.get("success") is False:
                self.failed_acks += 1
                logger.warning(
                    "bybit: op=%s failed ret_msg=%s req_id=%s",
                    msg.get("op"),
                    msg.get("ret_msg"),
                    msg.get("req_id"),
                )
            return  # subscribe/auth acks, pongs, trade-stream responses
        self._unknown(f"<{type(msg).__name__}>")

    # ------------------------------------------------------------------ REST

    def _onresponse(self, response: Any, data: Any) -> None:
        url = getattr(response, "url", None)
        if not isinstance(url, URL):
            raise DataStoreError("BybitDataStore.initialize: got data without a response URL")
        if not isinstance(data, Mapping) or data.get("retCode") != 0:
            code = data.get("retCode") if isinstance(data, Mapping) else None
            msg = data.get("retMsg") if isinstance(data, Mapping) else type(data).__name__
            raise BybitResponseError(
                f"Bybit error at DataStore initialization path={url.path} "
                f"retCode={code} retMsg={msg}"
            )
        name = _REST_PATHS.get(url.path)
        if name is None:
            raise DataStoreError(
                f"BybitDataStore.initialize cannot use path={url.path} "
                f"(supported: {', '.join(_REST_PATHS)})"
            )
        if name == "orderbook":
            self.orderbook._on_rest_snapshot(data["result"])
        else:
            self._stores[name]._onresponse(url, data)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ resync

    def invalidate_books(
        self, symbol: str | None = None, *, reason: str = "invalidated"
    ) -> list[Any]:
        """Mark ``symbol``'s book (or every book) out of sync until its next snapshot.

        Returns the symbols invalidated (already out-of-sync ones are skipped).
        """
        return self.orderbook.invalidate_books(symbol, reason=reason)

    def on_connect(self, event: Any = None) -> None:
        """``ws_connect(..., on_connect=store.on_connect)``: a reconnect resyncs books.

        Invalidates every book whose delivering connection is closed (books of other,
        still-open connections are kept); the app's replayed subscribe brings snapshots.
        """
        self.orderbook.invalidate_books(reason="reconnect", closed_only=True)

    def on_disconnect(self, event: Any = None) -> None:
        """``ws_connect(..., on_disconnect=store.on_disconnect)``: stop serving at once.

        Like :meth:`on_connect`, but as soon as the connection is lost, so a stale book
        is not served while the app waits to reconnect.
        """
        self.orderbook.invalidate_books(reason="disconnect", closed_only=True)

    def auto_resubscribe(self, enabled: bool = True) -> None:
        """Re-subscribe a book's topic when it goes out of sync (gap, missed snapshot).

        On each resync request (other than reconnect/disconnect, which the app's own
        replay handles) sends ``{"op": "unsubscribe", "args": [topic]}`` then
        ``{"op": "subscribe", "args": [topic]}`` on the still-open connection that fed
        the book; Bybit answers with a fresh snapshot. Needs a running event loop.
        """
        book = self.orderbook
        if self._resubscriber is not None:
            book.remove_resync_listener(self._resubscriber)
            self._resubscriber = None
        if enabled:
            self._resubscriber = self._on_resync
            book.add_resync_listener(self._on_resync)

    def _on_resync(self, request: ResyncRequest) -> None:
        if request.reason in _CONNECTION_REASONS:
            return
        book = self.orderbook
        topic = book.topic(request.symbol)
        ws = book.connection(request.symbol)
        if topic is None or ws is None or getattr(ws, "closed", True):
            logger.info(
                "bybit resync symbol=%s: no open connection/topic to re-subscribe on; "
                "the next (re)connect brings a snapshot",
                request.symbol,
            )
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            logger.warning("bybit resync symbol=%s: no running loop, not re-subscribed", topic)
            return
        task = loop.create_task(self._resubscribe(ws, topic))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resubscribe(self, ws: Any, topic: str) -> None:
        try:
            await ws.send_json({"op": "unsubscribe", "args": [topic]})
            await ws.send_json({"op": "subscribe", "args": [topic]})
        except Exception as exc:
            logger.warning(
                "bybit resync topic=%s: re-subscribe failed: %s: %s",
                topic,
                type(exc).__name__,
                exc,
            )
            return
        self.resubscribes_sent += 1
        logger.info("bybit resync topic=%s: re-subscribed", topic)
