"""``DataStore``: the generic in-memory table behind every exchange store.

This module owns the pybotters-compatible surface: the mutation methods (``_insert``,
``_update``, ``_delete``, ``_remove``, ``_clear``, ``_pop``, ``_find_and_delete``), the
read methods (``get``, ``find``, ``_sorted``, iteration), ``wait()`` and ``watch()``.
Row filing, identity, indexes and ``_MAXLEN`` eviction are in ``table.py``; signalling
in ``change.py``. It is pure and synchronous and knows no exchange.

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

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any, ClassVar, cast

from pybotters_like.store.change import (
    DEFAULT_STREAM_MAXSIZE,
    OverflowPolicy,
    StoreChange,
    StoreStream,
)
from pybotters_like.store.item import Item, StoreItem
from pybotters_like.store.table import _LOOKUP_ERRORS, RowTable, _dict_update

__all__ = ["DataStore"]


class DataStore(RowTable):
    """An ordered in-memory table of rows (dicts), optionally keyed.

    Args:
        name: the store's name (used in logs and errors).
        keys: key fields; defaults to the class attribute ``_KEYS``. No keys means
            every row is appended.
        data: rows to ``_insert`` first.

    Class attributes a subclass may set: ``_KEYS`` (key fields), ``_MAXLEN`` (row cap,
    oldest-first eviction, 9999), ``_INDEXES`` (fields to index up front; ``find``
    builds an index for any other queried field on first use), ``_COPY_ON_ENTRY``
    (keyless stores only: copy each row as it arrives instead of on first read; see
    ``item.py`` for the copy semantics).

    Example::

        class Trade(DataStore):
            _MAXLEN = 99_999

            def _onmessage(self, message: list[dict]) -> None:
                self._insert(message)
    """

    _KEYS: ClassVar[list[str]] = []
    _MAXLEN: ClassVar[int] = 9999
    _INDEXES: ClassVar[tuple[str, ...]] = ()
    _COPY_ON_ENTRY: ClassVar[bool] = False

    def __init__(
        self,
        name: str | None = None,
        keys: list[str] | None = None,
        data: Iterable[Item] | None = None,
    ) -> None:
        super().__init__(name, tuple(keys if keys else self._KEYS))
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
        # Both walk a snapshot taken now: a handler may change the store while the
        # loop waits on an ``await`` (a dict would raise, a list would skip rows).
        seq_rows = self._seq_rows
        if seq_rows is not None:
            return seq_rows.values()
        return iter(list(self._data.values()))

    def __reversed__(self) -> Iterator[StoreItem]:
        seq_rows = self._seq_rows
        if seq_rows is not None:
            return seq_rows.reversed_values()
        rows = list(self._data.values())
        rows.reverse()
        return iter(rows)

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
        seq_rows = self._seq_rows
        if not query:
            return list(data.values()) if seq_rows is None else seq_rows.snapshot()
        if seq_rows is not None:
            return seq_rows.pick(cast("Iterable[int]", self._find_idents(query)))
        return [data[ident] for ident in self._find_idents(query)]

    def _find_with_uuid(self, query: Mapping[str, Any] | None = None) -> dict[Hashable, StoreItem]:
        """``{identity: row}`` of the rows ``find(query)`` returns (for ``_remove``)."""
        data = self._data
        if not query:
            seq_rows = self._seq_rows
            return dict(data) if seq_rows is None else dict(seq_rows.items())
        return {ident: data[ident] for ident in self._find_idents(query)}

    _find_with_ident = _find_with_uuid

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
        index = self._sorted_index_for(item_key, sort_key)
        return {
            item_asc_key: index.top(item_asc_key, True, limit, query),
            item_desc_key: index.top(item_desc_key, False, limit, query),
        }

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
        getkey = self._getkey
        if getkey is None or self._streams or self._sensitive:
            self._update_with_events(data)
            return
        # The common case, kept in one frame: a keyed store nobody watches, whose
        # indexes a merge cannot move. Same filing as ``_upsert_rows(merge=True)``.
        if data.__class__ is not list:
            data = list(data)
        store = self._data
        get = store.get
        hooks = self._hooks
        make = StoreItem
        seq = self._seq
        rejected = 0
        if hooks:  # rows new to the store are handed to the indexes as one batch
            new_keys: list[Hashable] = []
            new_items: list[StoreItem] = []
        for row in data:
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
            else:
                _dict_update(old, row)
        self._seq = seq
        if hooks and new_keys:
            self._index_added(new_keys, new_items)
        if len(store) > self._MAXLEN:
            self._evict(None)
        if self._waiters._futures and len(data) > rejected:
            self._waiters.wake()

    def _update_with_events(self, data: Iterable[Item]) -> None:
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
        store = self._data
        pop = store.pop
        if not self._streams and not self._hooks:
            # nothing to report per row: just pop (an empty store skips hashing, so a
            # key that cannot be a key is checked there)
            before = len(store)
            for row in data:
                try:
                    if pop(getkey(row), None) is None and not store:
                        hash(getkey(row))
                except _LOOKUP_ERRORS:
                    self._reject(row)
            if len(store) != before and self._waiters._futures:
                self._waiters.wake()
            return
        changes: list[StoreChange] | None = [] if self._streams else None
        gone: list[Hashable] = []
        items: list[StoreItem] = []
        for row in data:
            try:
                key = getkey(row)
                old = pop(key, None)
            except _LOOKUP_ERRORS:
                self._reject(row)
                continue
            if old is None:
                if not store:  # pop() on an empty dict skips hashing
                    try:
                        hash(key)
                    except TypeError:
                        self._reject(row)
                continue
            gone.append(key)
            items.append(old)
            if changes is not None:
                changes.append(StoreChange(self, "delete", StoreItem(row), old))
        if gone:
            if self._hooks:
                self._index_removed(gone, items)
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
        self._reset_indexes()
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
        seq_rows = self._seq_rows
        if seq_rows is not None:
            rows = seq_rows.pick(cast("list[int]", idents))
        else:
            rows = [data[ident] for ident in idents]
        changes: list[StoreChange] | None = [] if self._streams else None
        self._remove_idents(idents, changes)
        self._commit(changes)
        return rows

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
        if self._seq_rows is not None:
            self._seq_rows.freeze()  # a later eviction reports these rows as items
        self._streams.append(stream)
        return stream

    def _unwatch(self, stream: StoreStream) -> None:
        if stream in self._streams:
            self._streams.remove(stream)
