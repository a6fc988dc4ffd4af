"""Bybit v5 ``orderbook.{depth}.{symbol}`` store: levels, ``u`` continuity, resync.

Owns the Bybit order-book rules (reference/orderbooks.md section 1) on top of the
engine's :class:`~pybotters_like.store.OrderBookStore` (which owns levels, sorted sides,
sync state and resync listeners; nothing of it is reimplemented here):

* every ``snapshot`` replaces the symbol's book (``u == 1`` is a service restart; depth 1
  is snapshot-only and may repeat the same ``u``);
* a ``delta`` applies only if ``u == last u + 1``; anything else is a gap: the book is
  dropped (never served), a resync is requested, counters say so;
* a delta for a symbol that never had a snapshot is a missed snapshot: resync requested;
* a book is tied to the connection that delivered its snapshot: a delta arriving over
  another connection, or a reconnect (:meth:`OrderBook.invalidate_books`), invalidates it;
* a REST ``/v5/market/orderbook`` snapshot seeds a book that has no live WS snapshot;
  WS deltas are then bridged by ``seq`` (older ones are dropped), best effort.

It does no I/O: re-subscribing is done by a resync listener (see ``store.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping
from typing import Any, ClassVar, TypedDict

from pybotters_like.store import DiffOutcome, OrderBookStore, StoreItem, SyncState
from pybotters_like.store.item import Item

__all__ = ["OrderBook", "OrderBookItem"]

logger = logging.getLogger(__name__)

_SNAPSHOT = "snapshot"
_APPLIED = DiffOutcome.APPLIED
_NOT_SYNCED = DiffOutcome.NOT_SYNCED


class OrderBookItem(TypedDict):
    """One price level of ``BybitDataStore.orderbook`` (all values are Bybit's strings)."""

    s: str
    """Symbol, e.g. ``"BTCUSDT"``."""
    S: str
    """Side: ``"a"`` (ask) or ``"b"`` (bid)."""
    p: str
    """Price."""
    v: str
    """Size."""


class OrderBook(OrderBookStore):
    """Bybit v5 order book: rows ``{s, S, p, v}`` keyed by ``(s, S, p)`` (as pybotters).

    ``sorted(query=None, limit=None)`` returns ``{"a": [asks, lowest first], "b": [bids,
    highest first]}``; pass ``{"s": symbol}`` when the store holds several symbols. A
    symbol that is out of sync has no rows at all (``sorted`` gives empty sides, ``find``
    nothing) until the next snapshot; ``book_state(symbol)`` has its counters
    (``gaps``, ``resyncs_requested``, ``unsynced_dropped`` ...).

    Subscribe one depth per symbol per store: two depths of one symbol interleave two
    ``u`` sequences, which is reported as gaps.

    Example::

        book = store.orderbook.sorted({"s": "BTCUSDT"}, limit=5)
        best_ask = book["a"][0]["p"] if book["a"] else None
        if not store.orderbook.book_state("BTCUSDT").in_sync:
            ...  # waiting for a fresh snapshot
    """

    _KEYS: ClassVar[list[str]] = ["s", "S", "p"]
    _SYMBOL_KEY: ClassVar[str] = "s"
    _SIDE_KEY: ClassVar[str] = "S"
    _PRICE_KEY: ClassVar[str] = "p"
    _SIZE_KEY: ClassVar[str] = "v"
    _ASK: ClassVar[Any] = "a"
    _BID: ClassVar[Any] = "b"
    _CONTIGUOUS: ClassVar[bool] = True

    def __init__(
        self,
        name: str | None = None,
        keys: list[str] | None = None,
        data: list[Item] | None = None,
    ) -> None:
        self._topics: dict[Hashable, str] = {}
        self._sources: dict[Hashable, Any] = {}
        self._rest_seq: dict[Hashable, int] = {}
        self.restarts = 0
        """Snapshots with ``u == 1`` received for a symbol that already had a book."""
        self.rest_stale_dropped = 0
        """WS deltas dropped because they were older (``seq``) than a REST snapshot."""
        self.rest_snapshots_ignored = 0
        """REST snapshots ignored because the symbol had a live WS book."""
        super().__init__(name, keys, data)

    # ------------------------------------------------------------------ reading

    def topic(self, symbol: Hashable) -> str | None:
        """The WS topic (e.g. ``"orderbook.50.BTCUSDT"``) that last fed ``symbol``."""
        return self._topics.get(symbol)

    def connection(self, symbol: Hashable) -> Any:
        """The WS connection that delivered ``symbol``'s current snapshot (or None)."""
        return self._sources.get(symbol)

    def tracked_symbols(self) -> list[Hashable]:
        """Every symbol the store has seen a snapshot or delta for."""
        return list(dict.fromkeys([*self._topics, *self._sync]))

    # ------------------------------------------------------------------ feeding

    def _is_zero(self, row: Mapping[str, Any]) -> bool:
        return self._is_zero_size(row["v"])

    def _is_zero_size(self, v: Any) -> bool:
        # Bybit deletes with "0"; other zero spellings ("0.000") are checked without float()
        if v == "0":
            return True
        if v.__class__ is str:
            return bool(v != "" and not v.strip("0."))
        return super()._is_zero({"v": v})

    def _onmessage(self, msg: Mapping[str, Any], ws: Any = None) -> None:
        """Apply one ``orderbook.*`` WS message (snapshot or delta)."""
        data = msg["data"]
        symbol = data["s"]
        asks = data["a"]
        bids = data["b"]
        if msg["type"] == _SNAPSHOT:
            levels = [{"s": symbol, "S": "a", "p": lv[0], "v": lv[1]} for lv in asks]
            levels += [{"s": symbol, "S": "b", "p": lv[0], "v": lv[1]} for lv in bids]
            self._snapshot(symbol, levels, data.get("u"), msg.get("topic"), ws)
            return
        # Bybit names each level at most once per delta, so applying a side's deletes
        # before its upserts (what _apply_diff_split does) changes nothing else.
        ask_deletes: list[Any] = []
        ask_upserts: list[Any] = []
        bid_deletes: list[Any] = []
        bid_upserts: list[Any] = []
        is_zero = self._is_zero_size
        for level in asks:
            p, v = level  # validates the shape before anything is applied
            if v == "0":
                ask_deletes.append(p)
            elif (v.__class__ is str and v.strip("0.")) or not is_zero(v):
                ask_upserts.append(level)
            else:
                ask_deletes.append(p)
        for level in bids:
            p, v = level
            if v == "0":
                bid_deletes.append(p)
            elif (v.__class__ is str and v.strip("0.")) or not is_zero(v):
                bid_upserts.append(level)
            else:
                bid_deletes.append(p)
        if ws is not self._sources.get(symbol) and self._foreign_delta(symbol, msg, ws):
            return
        if self._rest_seq and symbol in self._rest_seq and self._bridge_stale(symbol, data):
            return
        outcome = self._apply_diff_split(
            symbol,
            (("a", ask_deletes, ask_upserts), ("b", bid_deletes, bid_upserts)),
            sequence=data.get("u"),
        )
        if outcome is not _APPLIED and outcome is _NOT_SYNCED:
            self._missed_snapshot(symbol, msg, ws)

    def _snapshot(
        self, symbol: Hashable, rows: list[Item], u: int | None, topic: Any, ws: Any
    ) -> None:
        if u == 1 and symbol in self._topics:
            self.restarts += 1
            logger.info(
                "bybit order book restart (u=1) store=%s symbol=%s: book replaced",
                self.name,
                symbol,
            )
        if topic is not None:
            self._topics[symbol] = topic
        self._sources[symbol] = ws
        if self._rest_seq:
            self._rest_seq.pop(symbol, None)
        self._replace_book(symbol, rows, sequence=u)

    def _foreign_delta(self, symbol: Hashable, msg: Mapping[str, Any], ws: Any) -> bool:
        """A delta over a connection other than the snapshot's; True if it was consumed."""
        if self.book_state(symbol).state is not SyncState.SYNCED:
            return False  # no live book: the normal path drops and counts it
        if symbol in self._rest_seq and self._sources.get(symbol) is None:
            self._sources[symbol] = ws  # REST-seeded book adopts its first WS connection
            return False
        self.invalidate(symbol, reason="connection changed")
        self._note_topic(symbol, msg, ws)
        return True

    def _bridge_stale(self, symbol: Hashable, data: Mapping[str, Any]) -> bool:
        """Drop WS deltas older than the REST snapshot seeding ``symbol``."""
        seq = data.get("seq")
        rest_seq = self._rest_seq[symbol]
        if isinstance(seq, int) and seq <= rest_seq:
            self.rest_stale_dropped += 1
            return True
        del self._rest_seq[symbol]
        return False

    def _missed_snapshot(self, symbol: Hashable, msg: Mapping[str, Any], ws: Any) -> None:
        if self.book_state(symbol).state is SyncState.OUT_OF_SYNC:
            return  # resync already requested; the engine counted the drop
        self._note_topic(symbol, msg, ws)
        self.invalidate(symbol, reason="missed snapshot")

    def _note_topic(self, symbol: Hashable, msg: Mapping[str, Any], ws: Any) -> None:
        topic = msg.get("topic")
        if topic is not None:
            self._topics[symbol] = topic
        self._sources[symbol] = ws

    def _on_rest_snapshot(self, result: Mapping[str, Any]) -> bool:
        """Seed a book from a ``GET /v5/market/orderbook`` result; False if ignored.

        A symbol whose book is live from a WS snapshot keeps it (the WS book is newer
        or equal and its continuity is verified). Otherwise the REST book is served
        and the next WS deltas apply if their ``seq`` is above the snapshot's.
        """
        symbol = result["s"]
        status = self.book_state(symbol)
        if status.state is SyncState.SYNCED and symbol not in self._rest_seq:
            self.rest_snapshots_ignored += 1
            logger.debug("bybit REST order book ignored, live WS book symbol=%s", symbol)
            return False
        rows = [{"s": symbol, "S": "a", "p": lv[0], "v": lv[1]} for lv in result.get("a", ())]
        rows += [{"s": symbol, "S": "b", "p": lv[0], "v": lv[1]} for lv in result.get("b", ())]
        seq = result.get("seq")
        self._rest_seq[symbol] = seq if isinstance(seq, int) else -1
        self._sources[symbol] = None
        self._replace_book(symbol, rows, sequence=None)
        return True

    # ------------------------------------------------------------------ resync

    def invalidate_books(
        self,
        symbol: Hashable | None = None,
        *,
        reason: str = "reconnect",
        closed_only: bool = False,
    ) -> list[Hashable]:
        """Mark live books out of sync so that only a fresh snapshot brings them back.

        Args:
            symbol: one symbol, or None for every tracked symbol.
            reason: given to resync listeners (``ResyncRequest.reason``).
            closed_only: only books whose delivering connection is closed (or unknown,
                e.g. fed without a connection); books of other live connections are kept.

        Symbols already out of sync are left alone (no second resync request). Returns
        the symbols invalidated.
        """
        targets = [symbol] if symbol is not None else self.tracked_symbols()
        done: list[Hashable] = []
        for target in targets:
            if self.book_state(target).state is SyncState.OUT_OF_SYNC:
                continue
            if closed_only:
                source = self._sources.get(target)
                if source is not None and not getattr(source, "closed", True):
                    continue
            done.append(target)
        self.invalidate_symbols(done, reason)
        return done

    def sorted(
        self, query: Mapping[str, Any] | None = None, limit: int | None = None
    ) -> dict[Any, list[StoreItem]]:
        """``{"a": [asks, lowest first], "b": [bids, highest first]}``, cut to ``limit``.

        Out-of-sync symbols contribute no rows.
        """
        return super().sorted(query, limit)
