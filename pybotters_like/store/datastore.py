"""``DataStore``: the generic in-memory table behind every exchange store.

This module owns row identity, the mutation methods (``_insert``, ``_update``,
``_delete``, ``_remove``, ``_clear``, ``_pop``, ``_find_and_delete``), the ``_MAXLEN``
cap, and the read methods (``get``, ``find``, ``_sorted``, iteration). It is pure and
synchronous; waking ``wait()``/``watch()`` consumers is delegated to ``change.py``, and
indexes live in ``field_index.py`` / ``sorted_index.py``. It knows no exchange.

Identity: a keyed store files a row under the tuple of its key values itself (for a
single key, the value itself), in an ordinary dict. Two rows are the same row exactly
when their key values compare equal, as for dict keys: ``1``, ``1.0`` and ``True`` are
the same key (so are ``"a"`` and ``"a"``, but not ``"1"`` and ``1``). There is no hash-int
indirection, so distinct keys can never merge. A keyless store numbers rows with an
increasing integer. A row missing a key field, with an unhashable key value, or that is
not a mapping is skipped and reported in ``store.health`` (logged once per store per
reason and field); nothing is raised into the caller's callback.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from itertools import islice
from operator import itemgetter
from typing import Any, ClassVar, Protocol

from pybotters_like.store.change import (
    DEFAULT_STREAM_MAXSIZE,
    OverflowPolicy,
    StoreChange,
    StoreStream,
    Waiters,
)
from pybotters_like.store.field_index import FieldIndex
from pybotters_like.store.health import NOT_A_MAPPING, StoreHealth, diagnose_row
from pybotters_like.store.item import Item, StoreItem
from pybotters_like.store.sorted_index import SortedIndex

__all__ = ["DataStore"]

_LOOKUP_ERRORS = (KeyError, TypeError, IndexError)
_dict_update = dict.update


class _Index(Protocol):
    def add(self, ident: Hashable, item: StoreItem) -> None: ...
    def remove(self, ident: Hashable, item: StoreItem) -> None: ...
    def replace(self, ident: Hashable, old: StoreItem, new: StoreItem) -> None: ...


class DataStore:
    """An ordered in-memory table of rows (dicts), optionally keyed.

    Args:
        name: the store's name (used in logs and errors).
        keys: key fields; defaults to the class attribute ``_KEYS``. No keys means
            every row is appended.
        data: rows to ``_insert`` first.

    Class attributes a subclass may set: ``_KEYS`` (key fields), ``_MAXLEN`` (row cap,
    oldest-first eviction, 9999), ``_INDEXES`` (fields to index up front; ``find``
    builds an index for any other queried field on first use).

    Example::

        class Trade(DataStore):
            _MAXLEN = 99_999

            def _onmessage(self, message: list[dict]) -> None:
                self._insert(message)
    """

    _KEYS: ClassVar[list[str]] = []
    _MAXLEN: ClassVar[int] = 9999
    _INDEXES: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        name: str | None = None,
        keys: list[str] | None = None,
        data: Iterable[Item] | None = None,
    ) -> None:
        self.name = name
        self._keys: tuple[str, ...] = tuple(keys if keys else self._KEYS)
        self._getkey: Callable[[Any], Hashable] | None = (
            itemgetter(*self._keys) if self._keys else None
        )
        self._data: dict[Hashable, StoreItem] = {}
        self._seq = 0  # next insertion sequence number (and keyless identity)
        self._low = 0  # keyless: no live identity is below this
        self._field_indexes: dict[str, FieldIndex] = {}
        self._sorted_indexes: dict[tuple[Any, str], SortedIndex] = {}
        self._hooks: list[_Index] = []
        # bound methods of the hooks, refreshed when hooks change (hot-loop friendly)
        self._adders: list[Callable[[Hashable, StoreItem], None]] = []
        self._removers: list[Callable[[Hashable, StoreItem], None]] = []
        self._sensitive: frozenset[str] = frozenset()
        self._waiters = Waiters()
        self._streams: list[StoreStream] = []
        self.health = StoreHealth(name or type(self).__name__)
        for field in self._INDEXES:
            self.create_index(field)
        self._create_indexes()
        if data:
            self._insert(data)
        init = getattr(self, "_init", None)
        if callable(init):
            init()

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[StoreItem]:
        return iter(self._data.values())

    def __reversed__(self) -> Iterator[StoreItem]:
        return reversed(self._data.values())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} keys={list(self._keys)} len={len(self)}>"

    @property
    def keys(self) -> tuple[str, ...]:
        """The key fields (empty for a keyless store)."""
        return self._keys

    def get(self, item: Mapping[str, Any]) -> StoreItem | None:
        """The stored row with the same key values as ``item``, or None.

        Always None for a keyless store or when ``item`` lacks a key field.
        """
        getkey = self._getkey
        if getkey is None:
            return None
        try:
            return self._data.get(getkey(item))
        except _LOOKUP_ERRORS:
            return None

    def find(self, query: Mapping[str, Any] | None = None) -> list[StoreItem]:
        """Rows having every field of ``query`` with an equal value, in store order.

        No query returns every row. Queried fields are answered from secondary
        indexes (built on first use and kept up to date), not by scanning.
        """
        data = self._data
        if not query:
            return list(data.values())
        return [data[ident] for ident in self._find_idents(query)]

    def _find_with_uuid(self, query: Mapping[str, Any] | None = None) -> dict[Hashable, StoreItem]:
        """``{identity: row}`` of the rows ``find(query)`` returns (for ``_remove``)."""
        data = self._data
        if not query:
            return dict(data)
        return {ident: data[ident] for ident in self._find_idents(query)}

    _find_with_ident = _find_with_uuid

    def _find_idents(self, query: Mapping[str, Any]) -> Iterable[Hashable]:
        buckets = []
        for field, value in query.items():
            index = self._field_indexes.get(field)
            if index is None:
                index = self._add_index(FieldIndex(field, self._data), field)
            bucket = index.lookup(value)
            if bucket is None:  # unhashable query value
                return self._scan(query)
            if not bucket:
                return ()
            buckets.append(bucket)
        if len(buckets) == 1:
            return buckets[0]
        buckets.sort(key=len)
        first, *rest = buckets
        if len(rest) == 1:
            other = rest[0]
            return [ident for ident in first if ident in other]
        return [ident for ident in first if all(ident in b for b in rest)]

    def _scan(self, query: Mapping[str, Any]) -> list[Hashable]:
        conditions = list(query.items())
        missing = object()
        return [
            ident
            for ident, item in self._data.items()
            if all(dict.get(item, k, missing) == v for k, v in conditions)
        ]

    def _sorted(
        self,
        item_key: str,
        item_asc_key: Any,
        item_desc_key: Any,
        sort_key: str,
        query: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> dict[Any, list[StoreItem]]:
        """Rows grouped by ``row[item_key]`` and sorted numerically by ``row[sort_key]``.

        Returns ``{item_asc_key: [ascending rows], item_desc_key: [descending rows]}``,
        each cut to ``limit`` and filtered by ``query``. Served from a sorted index that
        is built on the first call and maintained by every mutation. Ties (equal
        numbers) come in the order they arrived. Rows with other ``item_key`` values
        are ignored; rows whose sort value is not a number are reported and left out.
        """
        index = self._sorted_indexes.get((item_key, sort_key))
        if index is None:
            index = self._add_sorted_index(item_key, sort_key)
        return {
            item_asc_key: index.top(item_asc_key, True, limit, query),
            item_desc_key: index.top(item_desc_key, False, limit, query),
        }

    # ------------------------------------------------------------------ indexes

    def _create_indexes(self) -> None:
        """Hook for subclasses: create indexes before the initial ``data`` is inserted."""

    def _add_sorted_index(self, group_fields: str | tuple[str, ...], sort_key: str) -> SortedIndex:
        """The sorted index of (``group_fields``, ``sort_key``), created if needed."""
        spec = (group_fields, sort_key)
        index = self._sorted_indexes.get(spec)
        if index is None:
            index = SortedIndex(group_fields, sort_key, self._data, self.health)
            self._sorted_indexes[spec] = index
            self._add_hook(index)
        return index

    def create_index(self, field: str) -> None:
        """Index ``field`` for ``find`` now (it is otherwise built on first query)."""
        if field not in self._field_indexes:
            self._add_index(FieldIndex(field, self._data), field)

    def drop_index(self, field: str) -> None:
        """Stop maintaining the ``find`` index of ``field`` (rebuilt if queried again)."""
        index = self._field_indexes.pop(field, None)
        if index is not None:
            self._hooks.remove(index)
            self._recompute_sensitive()

    @property
    def indexed_fields(self) -> tuple[str, ...]:
        """Fields that currently have a ``find`` index."""
        return tuple(self._field_indexes)

    def _add_index(self, index: FieldIndex, field: str) -> FieldIndex:
        self._field_indexes[field] = index
        self._add_hook(index)
        return index

    def _add_hook(self, hook: _Index) -> None:
        self._hooks.append(hook)
        self._recompute_sensitive()

    def _recompute_sensitive(self) -> None:
        self._adders = [hook.add for hook in self._hooks]
        self._removers = [hook.remove for hook in self._hooks]
        fields: set[str] = set(self._field_indexes)
        for index in self._sorted_indexes.values():
            fields |= index.fields
        self._sensitive = frozenset(fields - set(self._keys))

    # ------------------------------------------------------------------ mutation

    def _insert(self, data: Iterable[Item]) -> None:
        """Store rows; a row with an existing key replaces it (keeping its position)."""
        changes: list[StoreChange] | None = [] if self._streams else None
        if self._getkey is None:
            n = self._append_rows(data, changes)
        else:
            n = self._upsert_rows(data, False, changes)
        if len(self._data) > self._MAXLEN:
            n += self._evict(changes)
        if n:
            self._commit(changes)

    def _update(self, data: Iterable[Item]) -> None:
        """Merge rows into the rows with the same key; store unknown keys as new rows."""
        changes: list[StoreChange] | None = [] if self._streams else None
        if self._getkey is None:
            n = self._append_rows(data, changes)
        else:
            n = self._upsert_rows(data, True, changes)
        if len(self._data) > self._MAXLEN:
            n += self._evict(changes)
        if n:
            self._commit(changes)

    def _delete(self, data: Iterable[Item]) -> None:
        """Remove the rows with the keys of the given rows (unknown keys are ignored)."""
        getkey = self._getkey
        if getkey is None:
            self.health.warn_once(
                "keyless_delete", "_delete has no effect on a keyless store (use _remove)"
            )
            return
        changes: list[StoreChange] | None = [] if self._streams else None
        store = self._data
        removers = self._removers
        n = 0
        for row in data:
            try:
                key = getkey(row)
                old = store.pop(key, None)
                if old is None and not store:
                    hash(key)  # pop() on an empty dict skips hashing
            except _LOOKUP_ERRORS:
                self._reject(row)
                continue
            if old is None:
                continue
            if removers:
                for remove in removers:
                    remove(key, old)
            n += 1
            if changes is not None:
                changes.append(StoreChange(self, "delete", StoreItem(row), old))
        if n:
            self._commit(changes)

    def _remove(self, uuids: Iterable[Hashable]) -> None:
        """Remove rows by identity (as returned by ``_find_with_uuid``)."""
        changes: list[StoreChange] | None = [] if self._streams else None
        if self._remove_idents(uuids, changes):
            self._commit(changes)

    def _clear(self) -> None:
        """Remove every row (one delete event per row)."""
        if not self._data:
            return
        changes: list[StoreChange] | None = None
        if self._streams:
            changes = [StoreChange(self, "delete", None, item) for item in self._data.values()]
        self._data.clear()
        self._low = self._seq
        for field in list(self._field_indexes):
            self._hooks.remove(self._field_indexes[field])
            self._field_indexes[field] = FieldIndex(field, self._data)
            self._hooks.append(self._field_indexes[field])
        for spec, old_index in list(self._sorted_indexes.items()):
            self._hooks.remove(old_index)
            index = SortedIndex(old_index.group_fields, spec[1], self._data, self.health)
            self._sorted_indexes[spec] = index
            self._hooks.append(index)
        self._recompute_sensitive()
        self._commit(changes)

    def _pop(self, item: Mapping[str, Any]) -> StoreItem | None:
        """Remove and return the row with ``item``'s key (emits a delete, unlike pybotters)."""
        getkey = self._getkey
        if getkey is None:
            return None
        try:
            key = getkey(item)
        except _LOOKUP_ERRORS:
            return None
        old = self._data.get(key)
        if old is None:
            return None
        changes: list[StoreChange] | None = [] if self._streams else None
        self._remove_idents((key,), changes)
        self._commit(changes)
        return old

    def _find_and_delete(self, query: Mapping[str, Any] | None = None) -> list[StoreItem]:
        """Remove and return the rows ``find(query)`` matches (no query: all rows).

        Unlike pybotters this also removes rows from a keyless store.
        """
        if not query:
            rows = list(self._data.values())
            self._clear()
            return rows
        idents = list(self._find_idents(query))
        if not idents:
            return []
        data = self._data
        rows = [data[ident] for ident in idents]
        changes: list[StoreChange] | None = [] if self._streams else None
        self._remove_idents(idents, changes)
        self._commit(changes)
        return rows

    # ------------------------------------------------------------------ internals

    def _upsert_rows(
        self, rows: Iterable[Item], merge: bool, changes: list[StoreChange] | None
    ) -> int:
        """File keyed rows: new keys are appended; existing rows are merged or replaced.

        A merge updates the stored item in place (no allocation on the hot path); a
        replace swaps in a new item at the same position. Change events carry copies,
        because the stored item may be updated again later.
        """
        getkey = self._getkey
        assert getkey is not None
        store = self._data
        hooks = self._hooks
        adders = self._adders
        sensitive = self._sensitive
        make = StoreItem
        seq = self._seq
        n = 0
        for row in rows:
            try:
                key = getkey(row)
                old = store.get(key)
            except _LOOKUP_ERRORS:
                self._reject(row)
                continue
            n += 1
            if old is None:
                item = make(row)
                item._seq = seq
                seq += 1
                store[key] = item
                if adders:
                    for add in adders:
                        add(key, item)
                if changes is not None:
                    changes.append(StoreChange(self, "insert", None, make(item)))
            elif merge:
                if sensitive and not sensitive.isdisjoint(row):
                    before = make(old)
                    _dict_update(old, row)
                    for hook in hooks:
                        hook.replace(key, before, old)
                else:
                    _dict_update(old, row)
                if changes is not None:
                    changes.append(StoreChange(self, "update", make(row), make(old)))
            else:
                item = make(row)
                item._seq = old._seq
                store[key] = item
                if sensitive:
                    for hook in hooks:
                        hook.replace(key, old, item)
                if changes is not None:
                    changes.append(StoreChange(self, "insert", None, make(item)))
        self._seq = seq
        return n

    def _append_rows(self, rows: Iterable[Item], changes: list[StoreChange] | None) -> int:
        store = self._data
        adders = self._adders
        make = StoreItem
        start = seq = self._seq
        for row in rows:
            try:
                item = make(row)
            except (TypeError, ValueError):
                self._reject(row)
                continue
            item._seq = seq
            store[seq] = item
            if adders:
                for add in adders:
                    add(seq, item)
            if changes is not None:
                # keyless rows are never updated in place: no copy needed
                changes.append(StoreChange(self, "insert", None, item))
            seq += 1
        self._seq = seq
        return seq - start

    def _remove_idents(self, idents: Iterable[Hashable], changes: list[StoreChange] | None) -> int:
        store = self._data
        removers = self._removers
        n = 0
        for ident in idents:
            try:
                old = store.pop(ident, None)
            except TypeError:
                continue
            if old is None:
                continue
            if removers:
                for remove in removers:
                    remove(ident, old)
            n += 1
            if changes is not None:
                changes.append(StoreChange(self, "delete", None, old))
        return n

    def _evict(self, changes: list[StoreChange] | None) -> int:
        """Drop the oldest rows beyond ``_MAXLEN`` (first-insert order), with events."""
        store = self._data
        excess = len(store) - self._MAXLEN
        if excess <= 0:
            return 0
        if self._getkey is None:
            idents: list[Hashable] = []
            low = self._low
            while len(idents) < excess:
                if low in store:
                    idents.append(low)
                low += 1
            self._low = low
        else:
            idents = list(islice(store, excess))
        n = self._remove_idents(idents, changes)
        self.health.evicted += n
        return n

    def _reject(self, row: object) -> None:
        if self._getkey is None:
            self.health.reject(NOT_A_MAPPING, None, row)
        else:
            reason, field = diagnose_row(self._keys, row)
            self.health.reject(reason, field, row)

    def _commit(self, changes: list[StoreChange] | None) -> None:
        if self._waiters:
            self._waiters.wake()
        if changes:
            for stream in self._streams:
                stream._feed(changes)

    def _set(self) -> None:
        """Wake ``wait()`` callers (pybotters name; mutations already do this)."""
        self._waiters.wake()

    # ------------------------------------------------------------------ signalling

    async def wait(self) -> None:
        """Return after the next mutation that changed at least one row."""
        await self._waiters.wait()

    def watch(
        self,
        *,
        maxsize: int = DEFAULT_STREAM_MAXSIZE,
        overflow: OverflowPolicy = "drop_oldest",
    ) -> StoreStream:
        """A bounded stream of every row change from now on.

        Example::

            with store.watch() as stream:
                async for change in stream:
                    print(change.operation, change.data)

        See ``change.py`` (and docs/stores.md) for the overflow policies.
        """
        stream = StoreStream(self, maxsize=maxsize, overflow=overflow)
        self._streams.append(stream)
        return stream

    def _unwatch(self, stream: StoreStream) -> None:
        if stream in self._streams:
            self._streams.remove(stream)
