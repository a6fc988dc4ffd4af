"""The row table under every DataStore: identity, storage, indexes, raw mutations.

This module owns how rows are filed (identity = the key tuple itself; keyless rows get
an increasing integer), the secondary indexes that are kept in step with every
mutation (including ``_MAXLEN`` eviction), rejection of malformed rows, and handing
change batches to waiters and streams. The pybotters-compatible methods built on it
live in ``datastore.py``. No I/O, no exchange knowledge.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import islice
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from pybotters_like.store.change import StoreChange, StoreStream, Waiters
from pybotters_like.store.field_index import FieldIndex
from pybotters_like.store.health import NOT_A_MAPPING, StoreHealth, diagnose_row
from pybotters_like.store.item import Item, StoreItem
from pybotters_like.store.key_sorted_index import KeySortedIndex
from pybotters_like.store.seq_rows import SeqRows
from pybotters_like.store.sorted_index import SortedIndex

if TYPE_CHECKING:
    from pybotters_like.store.datastore import DataStore

__all__ = ["RowTable"]

_LOOKUP_ERRORS = (KeyError, TypeError, IndexError)
_seq_of = attrgetter("_seq")
_dict_update = dict.update


class _Index(Protocol):
    def add_many(self, idents: list[Hashable], items: list[StoreItem]) -> None: ...
    def remove_many(self, idents: list[Hashable], items: list[StoreItem]) -> None: ...
    def replace(self, ident: Hashable, old: Mapping[str, Any], new: StoreItem) -> None: ...


class RowTable:
    """Rows filed by identity, with indexes; the engine of :class:`DataStore`."""

    _MAXLEN: ClassVar[int] = 9999
    _COPY_ON_ENTRY: ClassVar[bool] = False

    def __init__(self, name: str | None, keys: tuple[str, ...]) -> None:
        self.name = name
        self._key_fields = tuple(keys)
        self._getkey: Callable[[Any], Hashable] | None = itemgetter(*keys) if keys else None
        self._data: dict[Hashable, StoreItem] = {}
        self._seq_rows: SeqRows | None = None
        self._seq = 0  # next insertion sequence number (and keyless identity)
        self._new_rows_container()
        self._field_indexes: dict[str, FieldIndex] = {}
        self._sorted_indexes: dict[tuple[Any, str], SortedIndex] = {}
        # specs whose group and sort fields are key fields: filed on read, not hooks
        self._key_sorted: dict[tuple[str, str], KeySortedIndex] = {}
        self._hooks: list[_Index] = []
        self._sensitive: frozenset[str] = frozenset()
        self._waiters = Waiters()
        self._streams: list[StoreStream] = []
        self.health = StoreHealth(name or type(self).__name__)

    def _new_rows_container(self) -> None:
        """A dict by key tuple for a keyed store; ``SeqRows`` for a keyless one.

        ``SeqRows`` offers the dict methods the store and its indexes use on ``_data``
        (``get``, ``[]``, ``in``, ``pop``, ``items``, ``values``, ``len``, ``clear``), so
        ``_data`` keeps the dict type for the keyed hot paths; keyless paths go through
        ``_seq_rows``.
        """
        if self._key_fields:
            self._data = {}
            self._seq_rows = None
        else:
            self._seq_rows = SeqRows()
            self._data = cast("dict[Hashable, StoreItem]", self._seq_rows)

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

    def _sorted_index_for(self, item_key: str, sort_key: str) -> SortedIndex | KeySortedIndex:
        """The index serving ``_sorted(item_key=..., sort_key=...)``, created if needed."""
        spec = (item_key, sort_key)
        index = self._sorted_indexes.get(spec) or self._key_sorted.get(spec)
        if index is not None:
            return index
        keys = self._key_fields
        if len(keys) > 1 and item_key in keys and sort_key in keys:
            index = self._key_sorted[spec] = KeySortedIndex(
                item_key, sort_key, keys, self._data, self.health
            )
            return index
        return self._add_sorted_index(item_key, sort_key)

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
        if self._seq_rows is not None:
            self._seq_rows.freeze()  # indexed rows must be the store's own items
        self._hooks.append(hook)
        self._recompute_sensitive()

    def _recompute_sensitive(self) -> None:
        fields: set[str] = set(self._field_indexes)
        for index in self._sorted_indexes.values():
            fields |= index.fields
        self._sensitive = frozenset(fields - set(self._keys))

    @property
    def _keys(self) -> tuple[str, ...]:
        """The key fields. Assigning re-keys the store (pybotters models do this when a
        feed announces its keys at run time); rows lacking a new key are rejected."""
        return self._key_fields

    @_keys.setter
    def _keys(self, keys: Iterable[str]) -> None:
        new = tuple(keys)
        if new == self._key_fields:
            return
        rows = list(self._data.values())
        self._key_fields = new
        self._getkey = itemgetter(*new) if new else None
        self._new_rows_container()
        self._seq = 0
        self._reset_indexes()
        self._recompute_sensitive()
        if new:
            self._upsert_rows(rows, False, None)
        else:
            self._append_rows(rows, None)

    def _reset_indexes(self) -> None:
        """Rebuild every index empty-handed (after the rows were cleared)."""
        self._hooks.clear()
        self._key_sorted.clear()
        for field in list(self._field_indexes):
            self._field_indexes[field] = index = FieldIndex(field, self._data)
            self._hooks.append(index)
        for spec, old in list(self._sorted_indexes.items()):
            self._sorted_indexes[spec] = rebuilt = SortedIndex(
                old.group_fields, spec[1], self._data, self.health
            )
            self._hooks.append(rebuilt)
        self._recompute_sensitive()

    # ------------------------------------------------------------------ raw mutations

    def _index_added(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        for hook in self._hooks:
            hook.add_many(idents, items)
        idents.clear()
        items.clear()

    def _index_removed(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        for hook in self._hooks:
            hook.remove_many(idents, items)

    def _upsert_rows(
        self, rows: Iterable[Item], merge: bool, changes: list[StoreChange] | None
    ) -> int:
        """File keyed rows: new keys are appended; existing rows are merged or replaced.

        A merge updates the stored item in place (no allocation on the hot path); a
        replace swaps in a new item at the same position. Change events carry copies,
        because the stored item may be updated again later. New rows are indexed once
        per batch; the rare row that moves within an index is refiled on the spot
        (after the pending batch, so the index never sees a row twice). Returns the
        number of rows filed (rejected rows excluded).
        """
        getkey = self._getkey
        assert getkey is not None
        if rows.__class__ is not list:
            rows = list(rows)
        store = self._data
        get = store.get
        hooks = self._hooks
        new_keys: list[Hashable] = []
        new_items: list[StoreItem] = []
        sensitive = self._sensitive
        make = StoreItem
        seq = self._seq
        rejected = 0
        for row in rows:
            try:
                key = getkey(row)
                old = get(key)
            except _LOOKUP_ERRORS:
                self._reject(row)
                rejected += 1
                continue
            if old is None:
                item = make(row)
                item._seq = seq
                seq += 1
                store[key] = item
                if hooks:
                    new_keys.append(key)
                    new_items.append(item)
                if changes is not None:
                    changes.append(StoreChange(cast("DataStore", self), "insert", None, make(item)))
            elif merge:
                if sensitive and not sensitive.isdisjoint(row):
                    if new_keys:
                        self._index_added(new_keys, new_items)
                    before = make(old)
                    _dict_update(old, row)
                    for hook in hooks:
                        hook.replace(key, before, old)
                else:
                    _dict_update(old, row)
                if changes is not None:
                    changes.append(
                        StoreChange(cast("DataStore", self), "update", make(row), make(old))
                    )
            else:
                if sensitive and new_keys:
                    self._index_added(new_keys, new_items)
                item = make(row)
                item._seq = old._seq
                store[key] = item
                if sensitive:
                    for hook in hooks:
                        hook.replace(key, old, item)
                if changes is not None:
                    changes.append(StoreChange(cast("DataStore", self), "insert", None, make(item)))
        self._seq = seq
        if new_keys:
            for hook in hooks:
                hook.add_many(new_keys, new_items)
        return len(rows) - rejected

    def _append_rows(self, rows: Iterable[Item], changes: list[StoreChange] | None) -> int:
        seq_rows = self._seq_rows
        assert seq_rows is not None
        append = seq_rows.append
        make = StoreItem
        hooks = self._hooks
        # While nothing reports or indexes the rows, plain dicts are kept as the caller's
        # own and ``SeqRows`` copies them on first read (most trades are evicted unread).
        fresh = changes is None and not hooks and not self._COPY_ON_ENTRY
        if fresh:
            seq_rows.begin_fresh(self._seq)
        added: list[StoreItem] = []
        start = seq = self._seq
        for row in rows:
            if fresh and row.__class__ is dict:
                append(row)
                seq += 1
                continue
            try:
                item = make(row)
            except (TypeError, ValueError):
                self._reject(row)
                continue
            item._seq = seq
            append(item)
            seq += 1
            if hooks:
                added.append(item)
            if changes is not None:
                # keyless rows are never updated in place: no copy needed
                changes.append(StoreChange(cast("DataStore", self), "insert", None, item))
        self._seq = seq
        if added:
            self._index_added(list(range(start, seq)), added)
        return seq - start

    def _remove_idents(self, idents: Iterable[Hashable], changes: list[StoreChange] | None) -> int:
        store = self._data
        gone: list[Hashable] = []
        items: list[StoreItem] = []
        if self._seq_rows is not None:  # one pass over the list, not one per row
            gone, items = self._seq_rows.pop_many(idents)
            if changes is not None:
                changes += [
                    StoreChange(cast("DataStore", self), "delete", None, it) for it in items
                ]
            if gone and self._hooks:
                self._index_removed(gone, items)
            return len(gone)
        for ident in idents:
            try:
                old = store.pop(ident, None)
            except TypeError:
                continue
            if old is None:
                continue
            gone.append(ident)
            items.append(old)
            if changes is not None:
                changes.append(StoreChange(cast("DataStore", self), "delete", None, old))
        if gone and self._hooks:
            self._index_removed(gone, items)
        return len(gone)

    def _evict(self, changes: list[StoreChange] | None) -> int:
        """Drop the oldest rows beyond ``_MAXLEN`` (first-insert order), with events."""
        store = self._data
        excess = len(store) - self._MAXLEN
        if excess <= 0:
            return 0
        seq_rows = self._seq_rows
        if seq_rows is not None:
            # fresh (unfrozen) rows only exist while there are no hooks and no changes
            gone = cast("list[StoreItem]", seq_rows.pop_oldest(excess))
            if self._hooks:
                self._index_removed(list(map(_seq_of, gone)), gone)
            if changes is not None:
                changes += [StoreChange(cast("DataStore", self), "delete", None, it) for it in gone]
            self.health.evicted += len(gone)
            return len(gone)
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
        if self._waiters._futures:
            self._waiters.wake()
        if changes:
            for stream in self._streams:
                stream._feed(changes)
