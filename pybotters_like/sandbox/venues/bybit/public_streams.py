"""Bybit v5 public topics: ``orderbook.{d}.{s}``, ``publicTrade.{s}``, ``tickers.{s}``.

Owns topic validation and the per-topic streams (bybit_v5.md §7,
orderbooks.md §1): a book stream keeps the last published top-``depth`` view
and its update id ``u`` (+1 per message, shared by every subscriber; depth 1
is snapshot-only), diffs the live book into deltas (size ``"0"`` deletes),
and applies sequence-skip faults (global ones move the shared ``u``,
per-connection ones shift that connection's ids). Trade ids are the core's
contiguous per-symbol counters; tickers send a snapshot then changed fields.
"""

from __future__ import annotations

from typing import Any

from ...connection import Connection
from ...exchange import Changes, Exchange
from ...faults import FaultPlan
from .envelope import dumps
from .shapes import public_trade_item, ticker_item

__all__ = ["BOOK_DEPTHS", "PublicStreams"]

BOOK_DEPTHS = (1, 50, 200, 1000)


class _BookStream:
    def __init__(self, topic: str, symbol: str, depth: int) -> None:
        self.topic, self.symbol, self.depth = topic, symbol, depth
        self.u = 0
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.subscribers: dict[Connection, None] = {}
        self.fresh = False  # view is current (kept current while subscribed)


class PublicStreams:
    """Every public topic of one sandbox, shared by all public connections."""

    def __init__(self, exchange: Exchange, faults: FaultPlan, now_ms: Any) -> None:
        self.exchange = exchange
        self.faults = faults
        self._now_ms = now_ms
        self.books: dict[str, _BookStream] = {}
        self._books_by_symbol: dict[str, list[_BookStream]] = {}
        self.trades: dict[str, dict[Connection, None]] = {}
        self.tickers: dict[str, dict[Connection, None]] = {}
        self._last_ticker: dict[str, dict[str, str]] = {}

    # -- topics ------------------------------------------------------------------------

    def parse(self, topic: str) -> tuple[str, str, int] | None:
        """``(kind, symbol, depth)`` of a valid topic, else None (``handler not found``)."""
        parts = topic.split(".")
        if len(parts) == 3 and parts[0] == "orderbook" and parts[1].isdigit():
            depth = int(parts[1])
            if depth in BOOK_DEPTHS and parts[2] in self.exchange.instruments:
                return "orderbook", parts[2], depth
            return None
        if (
            len(parts) == 2
            and parts[0] in ("publicTrade", "tickers")
            and parts[1] in self.exchange.instruments
        ):
            return parts[0], parts[1], 0
        return None

    def is_subscribed(self, conn: Connection, topic: str) -> bool:
        """True when ``conn`` already has ``topic``."""
        return topic in conn.topics

    def subscribe(self, conn: Connection, topic: str) -> None:
        """Add ``topic`` (already validated) and send its snapshot where the topic has one."""
        kind, symbol, depth = self.parse(topic) or ("", "", 0)
        conn.topics.add(topic)
        if kind == "orderbook":
            stream = self.books.get(topic)
            if stream is None:
                stream = self.books[topic] = _BookStream(topic, symbol, depth)
                self._books_by_symbol.setdefault(symbol, []).append(stream)
            if not stream.subscribers:
                stream.u += 1
                self._refresh(stream)
            stream.subscribers[conn] = None
            conn.u_offsets.pop(topic, None)
            self._send_book(stream, "snapshot", self._levels(stream), [conn], initial=True)
        elif kind == "publicTrade":
            self.trades.setdefault(symbol, {})[conn] = None
        elif kind == "tickers":
            subs = self.tickers.setdefault(symbol, {})
            if not subs:
                self._last_ticker[symbol] = ticker_item(self.exchange, symbol)
            subs[conn] = None
            data = self._last_ticker[symbol]
            conn.send(self._ticker_frame(symbol, "snapshot", data))

    def unsubscribe(self, conn: Connection, topic: str) -> None:
        """Remove ``topic`` from ``conn`` (no-op when absent)."""
        conn.topics.discard(topic)
        kind, symbol, _ = self.parse(topic) or ("", "", 0)
        if kind == "orderbook" and topic in self.books:
            self.books[topic].subscribers.pop(conn, None)
        elif kind == "publicTrade":
            self.trades.get(symbol, {}).pop(conn, None)
        elif kind == "tickers":
            self.tickers.get(symbol, {}).pop(conn, None)

    def forget(self, conn: Connection) -> None:
        """Drop every subscription of a closed connection."""
        for topic in list(conn.topics):
            self.unsubscribe(conn, topic)

    # -- publishing ----------------------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        """Publish book deltas, trades and ticker deltas for the changed symbols."""
        for symbol in changes.books:
            streams = [s for s in self._books_by_symbol.get(symbol, ()) if s.subscribers]
            if streams:
                # a global skip is taken once and applied to every depth of the symbol
                skip = self.faults.take_sequence_skip(symbol)
                for stream in streams:
                    self._publish_book(stream, skip)
        for symbol, trades in changes.trades.items():
            subs = self.trades.get(symbol)
            if subs:
                inst = self.exchange.instruments[symbol]
                frame = dumps(
                    {
                        "topic": f"publicTrade.{symbol}",
                        "type": "snapshot",
                        "ts": self._now_ms(),
                        "data": [public_trade_item(t, inst) for t in trades],
                    }
                )
                for conn in subs:
                    conn.send(frame)
        for symbol in dict.fromkeys([*changes.books, *changes.trades]):
            if self.tickers.get(symbol):
                self._publish_ticker(symbol)

    def _levels(self, stream: _BookStream) -> tuple[list[list[str]], list[list[str]]]:
        inst = self.exchange.instruments[stream.symbol]
        bids = sorted(stream.bids.items(), reverse=True)
        asks = sorted(stream.asks.items())
        return (
            [[inst.price_str(p), inst.qty_str(q)] for p, q in bids],
            [[inst.price_str(p), inst.qty_str(q)] for p, q in asks],
        )

    def _refresh(self, stream: _BookStream) -> tuple[dict[int, int], dict[int, int]]:
        """Recompute the top-``depth`` view; returns the previous ``(bids, asks)``."""
        book = self.exchange.engines[stream.symbol].book
        old = (stream.bids, stream.asks)
        stream.bids = dict(book.levels("Buy", stream.depth))
        stream.asks = dict(book.levels("Sell", stream.depth))
        return old

    def _publish_book(self, stream: _BookStream, skip: int = 0) -> None:
        old_bids, old_asks = self._refresh(stream)
        stream.u += 1 + skip
        if stream.depth == 1:
            self._send_book(stream, "snapshot", self._levels(stream), list(stream.subscribers))
            return
        inst = self.exchange.instruments[stream.symbol]
        sides = []
        for old, new, reverse in ((old_bids, stream.bids, True), (old_asks, stream.asks, False)):
            diff = {p: q for p, q in new.items() if old.get(p) != q}
            diff.update({p: 0 for p in old if p not in new})
            ordered = sorted(diff.items(), reverse=reverse)
            sides.append([[inst.price_str(p), inst.qty_str(q) if q else "0"] for p, q in ordered])
        if not sides[0] and not sides[1]:
            stream.u -= 1  # nothing visible changed at this depth: no message, no id
            return
        self._send_book(stream, "delta", (sides[0], sides[1]), list(stream.subscribers))

    def _send_book(
        self,
        stream: _BookStream,
        kind: str,
        levels: tuple[list[list[str]], list[list[str]]],
        targets: list[Connection],
        *,
        initial: bool = False,
    ) -> None:
        # A pending per-connection skip is not spent on the first snapshot: a jump
        # is only visible against an earlier id.
        now = self._now_ms()
        seq = self.exchange.stats[stream.symbol].seq
        data: dict[str, Any] = {"s": stream.symbol, "b": levels[0], "a": levels[1], "u": stream.u,
                                "seq": seq}  # fmt: skip
        frame = {"topic": stream.topic, "type": kind, "ts": now, "data": data, "cts": now}
        shared = dumps(frame)
        for conn in targets:
            extra = 0 if initial else conn.take_sequence_skip(stream.symbol)
            if extra:
                conn.u_offsets[stream.topic] = conn.u_offsets.get(stream.topic, 0) + extra
            offset = conn.u_offsets.get(stream.topic, 0)
            if offset:
                data["u"] = stream.u + offset
                conn.send(dumps(frame))
                data["u"] = stream.u
            else:
                conn.send(shared)

    def _ticker_frame(self, symbol: str, kind: str, data: dict[str, str]) -> str:
        seq = self.exchange.stats[symbol].seq
        return dumps(
            {"topic": f"tickers.{symbol}", "type": kind, "data": data, "cs": seq,
             "ts": self._now_ms()}
        )  # fmt: skip

    def _publish_ticker(self, symbol: str) -> None:
        new = ticker_item(self.exchange, symbol)
        old = self._last_ticker.get(symbol, {})
        diff = {k: v for k, v in new.items() if old.get(k) != v}
        self._last_ticker[symbol] = new
        if not diff:
            return
        diff = {"symbol": symbol, **diff}
        frame = self._ticker_frame(symbol, "delta", diff)
        for conn in self.tickers[symbol]:
            conn.send(frame)
