"""``OrderBookStore``: a DataStore of price levels with per-symbol sorted sides and sync.

This module owns the order-book base store exchange models subclass: rows are levels
keyed by (symbol, side, price); each (symbol, side) is kept as sorted price levels, so
``sorted(limit=N)`` walks N levels instead of sorting; snapshot replacement and batched
diffs with sequence/checksum checks (rules in ``book_sync.py``); and the ``_MAXLEN``
policy: a book's levels are never evicted. It knows no exchange: field names, side
values, the checksum function and the sequence fields are supplied by the subclass.

An out-of-sync symbol (gap, checksum mismatch, ``invalidate``) has its levels removed
(with delete events) at once and ignores diffs until the next ``_replace_book``; so its
stale book is never served by ``sorted``, ``find``, iteration or ``book()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from pybotters_like.store.book_sync import (
    BookSyncStatus,
    DiffOutcome,
    ResyncRequest,
    SymbolSync,
    SyncState,
    check_sequence,
)
from pybotters_like.store.change import StoreChange
from pybotters_like.store.datastore import DataStore
from pybotters_like.store.health import UNSORTABLE
from pybotters_like.store.item import Item, StoreItem
from pybotters_like.store.sorted_index import _TOMB, SortedGroup, SortedIndex, parse_price

__all__ = ["BookView", "ChecksumFunction", "OrderBookStore", "ResyncListener", "SideDiff"]

logger = logging.getLogger(__name__)

ResyncListener = Callable[[ResyncRequest], None]
ChecksumFunction = Callable[["BookView"], object]
SideDiff = tuple[Any, Iterable[Any], Iterable[Sequence[Any]]]
"""``(side, deletes, upserts)`` of :meth:`OrderBookStore._apply_diff_split`."""

_setitem = dict.__setitem__  # stored items are read-only to users, not to their store
_SYNCED = SyncState.SYNCED
_APPLIED = DiffOutcome.APPLIED


class _Unhashable(Exception):
    """A symbol or side that cannot be hashed: the in-place path leaves it to the generic one."""


class BookView:
    """Read access to one symbol's book, best levels first."""

    __slots__ = ("_store", "symbol")

    def __init__(self, store: OrderBookStore, symbol: Hashable) -> None:
        self._store = store
        self.symbol = symbol

    def asks(self, limit: int | None = None) -> list[StoreItem]:
        """Ask levels, lowest price first."""
        return self._store._side(self.symbol, True, limit)

    def bids(self, limit: int | None = None) -> list[StoreItem]:
        """Bid levels, highest price first."""
        return self._store._side(self.symbol, False, limit)

    @property
    def status(self) -> BookSyncStatus:
        """The symbol's sync status."""
        return self._store.book_state(self.symbol)


class OrderBookStore(DataStore):
    """Price levels of one or more symbols, with sorted sides and sync hooks.

    Subclass and set the field names and side values of the exchange::

        class OrderBook(OrderBookStore):
            _SYMBOL_KEY, _SIDE_KEY, _PRICE_KEY, _SIZE_KEY = "s", "S", "p", "v"
            _ASK, _BID = "a", "b"

            def _onmessage(self, msg: dict) -> None:
                data = msg["data"]
                rows = [{"s": data["s"], "S": side, "p": p, "v": v}
                        for side in ("a", "b") for p, v in data[side]]
                if msg["type"] == "snapshot":
                    self._replace_book(data["s"], rows, sequence=data["u"])
                else:
                    self._apply_diff(data["s"], rows, sequence=data["u"])

    Class attributes: ``_SYMBOL_KEY``, ``_SIDE_KEY``, ``_PRICE_KEY``, ``_SIZE_KEY``
    (field names), ``_ASK``/``_BID`` (side values, also the keys ``sorted`` returns),
    ``_CONTIGUOUS`` (sequence must step by exactly 1), ``_MAX_DEPTH`` (optional: keep
    only the best N levels per side after each snapshot/diff). ``_MAXLEN`` is not
    enforced by eviction: the book is bounded by the feed's depth, and evicting levels
    of a live book would corrupt it; exceeding it is logged once.
    """

    _SYMBOL_KEY: ClassVar[str] = "symbol"
    _SIDE_KEY: ClassVar[str] = "side"
    _PRICE_KEY: ClassVar[str] = "price"
    _SIZE_KEY: ClassVar[str] = "size"
    _ASK: ClassVar[Any] = "asks"
    _BID: ClassVar[Any] = "bids"
    _CONTIGUOUS: ClassVar[bool] = False
    _MAX_DEPTH: ClassVar[int | None] = None

    def __init__(
        self,
        name: str | None = None,
        keys: list[str] | None = None,
        data: Iterable[Item] | None = None,
    ) -> None:
        if not keys and not self._KEYS:
            keys = [self._SYMBOL_KEY, self._SIDE_KEY, self._PRICE_KEY]
        self._sync: dict[Hashable, SymbolSync] = {}
        self._resync_listeners: list[ResyncListener] = []
        self.checksum_function: ChecksumFunction | None = None
        self._book_spec = ((self._SYMBOL_KEY, self._SIDE_KEY), self._PRICE_KEY)
        self._flat_keys = (self._SYMBOL_KEY, self._SIDE_KEY, self._PRICE_KEY)
        super().__init__(name, keys, data)

    def _create_indexes(self) -> None:
        self._add_sorted_index(*self._book_spec)

    @property
    def _book(self) -> SortedIndex:
        return self._sorted_indexes[self._book_spec]

    # ------------------------------------------------------------------ reading

    def symbols(self) -> list[Hashable]:
        """Symbols that currently have at least one level."""
        groups = self._book.groups
        return list(dict.fromkeys(key[0] for key, group in groups.items() if len(group)))

    def _side(self, symbol: Hashable, ascending: bool, limit: int | None) -> list[StoreItem]:
        state = self._sync.get(symbol)
        if state is not None and state.state is SyncState.OUT_OF_SYNC:
            return []
        side = self._ASK if ascending else self._BID
        return self._book.top((symbol, side), ascending, limit)

    def book(self, symbol: Hashable) -> BookView:
        """A read view of ``symbol``'s book (``asks(limit)``, ``bids(limit)``, ``status``)."""
        return BookView(self, symbol)

    def sorted(
        self, query: Mapping[str, Any] | None = None, limit: int | None = None
    ) -> dict[Any, list[StoreItem]]:
        """``{ask: [lowest first], bid: [highest first]}``, each cut to ``limit``.

        With ``{symbol_key: X}`` in the query (or a single symbol in the store) this
        reads that symbol's sorted sides directly: O(limit). An out-of-sync symbol
        returns empty sides. Other queries fall back to the generic ``_sorted``.
        """
        ask, bid = self._ASK, self._BID
        symbol_key = self._SYMBOL_KEY
        if query and symbol_key in query:
            symbol = query[symbol_key]
            rest = {k: v for k, v in query.items() if k != symbol_key} or None
        elif not query:
            symbols = self.symbols()
            if not symbols:
                return {ask: [], bid: []}
            if len(symbols) > 1:
                return self._sorted(self._SIDE_KEY, ask, bid, self._PRICE_KEY, None, limit)
            symbol, rest = symbols[0], None
        else:
            return self._sorted(self._SIDE_KEY, ask, bid, self._PRICE_KEY, query, limit)
        state = self._sync.get(symbol)
        if state is not None and state.state is SyncState.OUT_OF_SYNC:
            return {ask: [], bid: []}
        book = self._book
        try:
            return {
                ask: book.top((symbol, ask), True, limit, rest),
                bid: book.top((symbol, bid), False, limit, rest),
            }
        except TypeError:  # unhashable symbol in the query
            return {ask: [], bid: []}

    # ------------------------------------------------------------------ sync state

    def book_state(self, symbol: Hashable) -> BookSyncStatus:
        """The sync status and counters of ``symbol``."""
        return self._state(symbol).status()

    def out_of_sync_symbols(self) -> list[Hashable]:
        """Symbols waiting for a snapshot after a gap, mismatch or invalidation."""
        return [s for s, st in self._sync.items() if st.state is SyncState.OUT_OF_SYNC]

    def add_resync_listener(self, listener: ResyncListener) -> None:
        """Call ``listener(ResyncRequest)`` whenever a symbol goes out of sync.

        Listeners run synchronously inside the mutation; an exception is logged and
        does not stop the store. Typically the exchange model re-subscribes or
        re-fetches the snapshot from here.
        """
        self._resync_listeners.append(listener)

    def remove_resync_listener(self, listener: ResyncListener) -> None:
        """Undo :meth:`add_resync_listener`."""
        self._resync_listeners.remove(listener)

    def set_checksum_function(self, function: ChecksumFunction | None) -> None:
        """Use ``function(BookView) -> value`` to verify ``checksum=`` of snapshots/diffs."""
        self.checksum_function = function

    def _state(self, symbol: Hashable) -> SymbolSync:
        state = self._sync.get(symbol)
        if state is None:
            state = self._sync[symbol] = SymbolSync(symbol)
        return state

    def invalidate(self, symbol: Hashable | None = None, reason: str = "invalidated") -> None:
        """Mark ``symbol`` (or every known symbol) out of sync: levels removed, resync asked.

        Call it on reconnect (``reason="reconnect"``): diffs are then ignored until a
        fresh snapshot goes through ``_replace_book``.
        """
        targets = [symbol] if symbol is not None else list({*self._sync, *self.symbols()})
        self.invalidate_symbols(targets, reason)

    def invalidate_symbols(self, symbols: Iterable[Hashable], reason: str = "invalidated") -> None:
        """Like :meth:`invalidate` for several symbols, with one summary log line.

        A dropped socket can carry hundreds of books: one warning per book would bury
        the log, so a batch logs once (a single symbol keeps its detailed line).
        """
        targets = list(symbols)
        for target in targets:
            self._desync(self._state(target), reason, None, None, log=len(targets) == 1)
        if len(targets) > 1:
            logger.warning(
                "order books out of sync store=%s symbols=%d reason=%s (first: %s)",
                self.name or type(self).__name__,
                len(targets),
                reason,
                ", ".join(map(str, targets[:5])),
            )

    def _desync(
        self,
        state: SymbolSync,
        reason: str,
        expected: object,
        received: object,
        *,
        log: bool = True,
    ) -> None:
        state.state = SyncState.OUT_OF_SYNC
        state.last_sequence = None
        state.resyncs_requested += 1
        self._drop_symbol(state.symbol)
        request = ResyncRequest(
            self.name or type(self).__name__, state.symbol, reason, expected, received
        )
        if log:
            logger.warning(
                "order book out of sync store=%s symbol=%s reason=%s expected=%s received=%s",
                request.store,
                request.symbol,
                reason,
                expected,
                received,
            )
        for listener in list(self._resync_listeners):
            try:
                listener(request)
            except Exception:
                logger.exception(
                    "resync listener failed store=%s symbol=%s", request.store, request.symbol
                )

    def _drop_symbol(self, symbol: Hashable) -> None:
        idents = self._symbol_idents(symbol)
        if idents:
            changes: list[StoreChange] | None = [] if self._streams else None
            self._remove_idents(idents, changes)
            self._commit(changes)

    def _symbol_idents(self, symbol: Hashable) -> list[Hashable]:
        groups = self._book.groups
        idents: list[Hashable] = []
        for side in (self._ASK, self._BID):
            group = groups.get((symbol, side))
            if group is not None:
                idents.extend(group.all_idents())
        return idents

    # ------------------------------------------------------------------ feeding

    def _is_zero(self, row: Mapping[str, Any]) -> bool:
        try:
            return float(row[self._SIZE_KEY]) == 0.0
        except (KeyError, TypeError, ValueError):
            return False

    def _replace_book(
        self,
        symbol: Hashable,
        rows: Iterable[Item],
        *,
        sequence: int | None = None,
        checksum: object = None,
    ) -> DiffOutcome:
        """Make ``rows`` the whole book of ``symbol`` (a snapshot) and mark it in sync.

        Levels absent from ``rows`` are deleted, unchanged levels emit no event, rows
        with a zero size are skipped. ``sequence`` becomes the book's last sequence.
        Returns ``APPLIED`` or ``CHECKSUM_MISMATCH``.
        """
        getkey = self._getkey
        assert getkey is not None
        store = self._data
        symbol_key = self._SYMBOL_KEY
        is_zero = self._is_zero
        final: dict[Hashable, Item | None] = {}  # last row per level wins
        for row in rows:
            try:
                key = getkey(row)
                hash(key)
            except (KeyError, TypeError, IndexError):
                self._reject(row)
                continue
            if row[symbol_key] != symbol:
                self.health.reject("symbol_mismatch", symbol_key, row)
                continue
            final[key] = None if is_zero(row) else row
        seen = {key for key, row in final.items() if row is not None}
        changed = [
            row
            for key, row in final.items()
            if row is not None and ((old := store.get(key)) is None or old != row)
        ]
        changes: list[StoreChange] | None = [] if self._streams else None
        stale = [ident for ident in self._symbol_idents(symbol) if ident not in seen]
        n = self._remove_idents(stale, changes)
        n += self._upsert_rows(changed, False, changes)
        n += self._trim(symbol, changes)
        if n:
            self._commit(changes)
        state = self._state(symbol)
        state.state = SyncState.SYNCED
        state.last_sequence = sequence
        return self._verify(state, checksum)

    def _apply_diff(
        self,
        symbol: Hashable,
        rows: Iterable[Item],
        *,
        sequence: int | None = None,
        first_sequence: int | None = None,
        prev_sequence: int | None = None,
        checksum: object = None,
    ) -> DiffOutcome:
        """Apply a batch of level changes to ``symbol``'s synced book.

        Rows with a zero size delete their level; others insert or update it. The
        sequence arguments are checked first (``book_sync.check_sequence``): a stale
        diff is dropped, a gap drops the book and requests a resync. Diffs for a
        symbol without a valid snapshot are dropped (``NOT_SYNCED``). After applying,
        ``checksum`` (if given and a checksum function is set) is verified.
        """
        state = self._diff_state(symbol, sequence, first_sequence, prev_sequence)
        if isinstance(state, DiffOutcome):
            return state
        changes: list[StoreChange] | None = [] if self._streams else None
        n = 0
        run: list[Item] = []  # consecutive rows of one kind, applied in order
        run_deletes = False
        is_zero = self._is_zero
        for row in rows:
            zero = is_zero(row)
            if zero is not run_deletes and run:
                n += self._apply_run(run, run_deletes, changes)
                run = []
            run_deletes = zero
            run.append(row)
        if run:
            n += self._apply_run(run, run_deletes, changes)
        return self._finish_diff(state, n, changes, sequence, checksum)

    def _apply_diff_split(
        self,
        symbol: Hashable,
        sides: Iterable[SideDiff],
        *,
        sequence: int | None = None,
        first_sequence: int | None = None,
        prev_sequence: int | None = None,
        checksum: object = None,
    ) -> DiffOutcome:
        """Apply a diff the exchange model has already split by side and kind (fast path).

        ``sides`` holds ``(side, deletes, upserts)`` triples: ``deletes`` are prices
        whose level goes, ``upserts`` are ``(price, size)`` pairs with a non-zero size
        (the model knows how its exchange spells zero). The checks, outcome and final
        book are those of :meth:`_apply_diff` given, side after side, the delete rows
        then the upsert rows; an existing level takes the new size. No row dict is
        built except for new levels, and no per-row zero test is made.

        Example::

            self._apply_diff_split(
                "BTCUSDT", [("a", ["101.5"], [["101", "2.5"]]), ("b", [], [])], sequence=9
            )
        """
        state = self._sync.get(symbol)
        if (
            state is None
            or state.state is not _SYNCED
            or sequence is None
            or first_sequence is not None
            or prev_sequence is not None
            or state.last_sequence is None
            or sequence != state.last_sequence + 1
        ):  # anything but the next sequence of a live book: the full rules
            checked = self._diff_state(symbol, sequence, first_sequence, prev_sequence)
            if isinstance(checked, DiffOutcome):
                return checked
            state = checked
        if sides.__class__ is not tuple and sides.__class__ is not list:
            sides = list(sides)  # read twice if the in-place path hands over
        if not self._streams and len(self._hooks) == 1 and self._key_fields == self._flat_keys:
            try:
                n = self._apply_split_in_place(symbol, sides)
            except _Unhashable:
                pass
            else:
                if self._MAX_DEPTH is not None:
                    n += self._trim(symbol, None)
                if n:
                    self._commit(None)
                if sequence is not None:
                    state.last_sequence = sequence
                if checksum is None:
                    return _APPLIED
                return self._verify(state, checksum)
        changes: list[StoreChange] | None = [] if self._streams else None
        n = 0
        symbol_key, side_key, price_key, size_key = (
            self._SYMBOL_KEY,
            self._SIDE_KEY,
            self._PRICE_KEY,
            self._SIZE_KEY,
        )
        for side, deletes, upserts in sides:
            gone = [{symbol_key: symbol, side_key: side, price_key: p} for p in deletes]
            rows = [
                {symbol_key: symbol, side_key: side, price_key: p, size_key: v} for p, v in upserts
            ]
            if gone:
                n += self._delete_rows(gone, changes)
            if rows:
                n += self._upsert_rows(rows, True, changes)
        return self._finish_diff(state, n, changes, sequence, checksum)

    def _apply_split_in_place(self, symbol: Hashable, sides: Iterable[SideDiff]) -> int:
        # The hot path of a live book: the store and its book index (the only index, no
        # watchers) are updated in one pass per side; see SortedIndex for the layout.
        store = self._data
        get = store.get
        pop = store.pop
        book = self._book
        placed = book._placed
        floats = book._floats
        groups = book.groups
        symbol_key, side_key, price_key = self._key_fields
        size_key = self._SIZE_KEY
        make = StoreItem
        seq = self._seq
        n = 0
        try:
            for side, _, _ in sides:
                hash((symbol, side))
        except TypeError:  # the generic path reports it
            raise _Unhashable from None
        for side, deletes, upserts in sides:
            group_value = (symbol, side)
            group = groups.get(group_value)
            if group is None:
                group = groups[group_value] = SortedGroup()
            for price in deletes:
                key = (symbol, side, price)
                try:
                    old = pop(key, None)
                except TypeError:
                    continue  # unhashable price: no such level (as in _apply_diff)
                if old is None:
                    continue
                n += 1
                level = placed.pop(key, None)
                if level is not None:
                    if type(level[0]) is dict:
                        placed[key] = level
                        book.remove_many([key], [old])
                    else:
                        level[0] = _TOMB
                        group.live -= 1
            levels = group.levels
            for price, size in upserts:
                key = (symbol, side, price)
                try:
                    old = get(key)
                except TypeError:
                    self._reject({symbol_key: symbol, side_key: side, price_key: price})
                    continue
                n += 1
                if old is not None:
                    _setitem(old, size_key, size)
                    continue
                item = make({symbol_key: symbol, side_key: side, price_key: price, size_key: size})
                item._seq = seq
                seq += 1
                store[key] = item
                number = floats.get(price)
                if number is None:
                    number = parse_price(floats, price)
                    if number != number:
                        self.health.reject(UNSORTABLE, price_key, item)
                        continue
                level = levels.get(number)
                if level is None:
                    placed[key] = levels[number] = [key, group, number]
                    group.pending.append(number)
                    group.live += 1
                    if len(levels) > group._limit:
                        group.compact()
                        levels = group.levels
                elif level[0] is _TOMB:
                    placed[key] = level
                    level[0] = key
                    group.live += 1
                else:
                    book.file(group, key, number, True)
        self._seq = seq
        return n

    def _diff_state(
        self,
        symbol: Hashable,
        sequence: int | None,
        first_sequence: int | None,
        prev_sequence: int | None,
    ) -> SymbolSync | DiffOutcome:
        """The symbol's sync state if the diff applies, else the outcome (counted)."""
        state = self._sync.get(symbol)
        if state is None or state.state is not SyncState.SYNCED:
            self._state(symbol).unsynced_dropped += 1
            return DiffOutcome.NOT_SYNCED
        outcome = check_sequence(
            state.last_sequence,
            sequence,
            first_sequence,
            prev_sequence,
            contiguous=self._CONTIGUOUS,
        )
        if outcome is DiffOutcome.APPLIED:
            return state
        if outcome is DiffOutcome.STALE:
            state.stale_dropped += 1
            return outcome
        if outcome is DiffOutcome.GAP:
            state.gaps += 1
            expected = state.last_sequence
            self._desync(
                state, "gap", expected, sequence if prev_sequence is None else prev_sequence
            )
        return outcome

    def _finish_diff(
        self,
        state: SymbolSync,
        n: int,
        changes: list[StoreChange] | None,
        sequence: int | None,
        checksum: object,
    ) -> DiffOutcome:
        if self._MAX_DEPTH is not None:
            n += self._trim(state.symbol, changes)
        if n:
            self._commit(changes)
        if sequence is not None:
            state.last_sequence = sequence
        if checksum is None:
            return DiffOutcome.APPLIED
        return self._verify(state, checksum)

    def _apply_run(self, rows: list[Item], deletes: bool, changes: list[StoreChange] | None) -> int:
        if deletes:
            return self._delete_rows(rows, changes)
        return self._upsert_rows(rows, True, changes)

    def _delete_rows(self, rows: list[Item], changes: list[StoreChange] | None) -> int:
        getkey = self._getkey
        assert getkey is not None
        keys = []
        for row in rows:
            try:
                keys.append(getkey(row))
            except (KeyError, TypeError, IndexError):
                self._reject(row)
        return self._remove_idents(keys, changes)

    def _verify(self, state: SymbolSync, checksum: object) -> DiffOutcome:
        function = self.checksum_function
        if checksum is None or function is None:
            return DiffOutcome.APPLIED
        computed = function(BookView(self, state.symbol))
        if computed == checksum:
            return DiffOutcome.APPLIED
        state.checksum_failures += 1
        self._desync(state, "checksum", checksum, computed)
        return DiffOutcome.CHECKSUM_MISMATCH

    def _trim(self, symbol: Hashable, changes: list[StoreChange] | None) -> int:
        depth = self._MAX_DEPTH
        if depth is None:
            return 0
        groups = self._book.groups
        worst: list[Hashable] = []
        for side, ascending in ((self._ASK, True), (self._BID, False)):
            group = groups.get((symbol, side))
            if group is None or len(group) <= depth:
                continue
            live = group.live_prices()
            for price in live[depth:] if ascending else live[: len(live) - depth]:
                worst.extend(group.level_idents(price))
        return self._remove_idents(worst, changes) if worst else 0

    def _evict(self, changes: list[StoreChange] | None) -> int:
        """Never evict levels of a live book; only report that ``_MAXLEN`` is exceeded."""
        self.health.warn_once(
            "book_over_maxlen",
            "order book holds %d levels, more than _MAXLEN=%d; levels are never evicted",
            len(self._data),
            self._MAXLEN,
        )
        return 0
