"""Secondary equality indexes on one field, used by ``DataStore.find``.

This module owns :class:`FieldIndex`: ``value -> ordered set of row identities`` for one
field. The store calls :meth:`FieldIndex.add`, :meth:`FieldIndex.remove` and
:meth:`FieldIndex.replace` on every mutation (including ``_MAXLEN`` eviction), so the
index is always consistent with the rows. It never looks at other fields.

Matching follows ``find``'s rule exactly: a row matches ``{field: value}`` when it has the
field and ``row[field] == value``. Buckets are dict lookups, so values that compare
equal and hash equal (``1``, ``1.0``, ``True``) share a bucket, as ``==`` says they
should. Unhashable stored values are kept aside and compared with ``==``; an unhashable
query value makes ``find`` fall back to a scan. NaN never matches (``nan != nan``).

Rows come back in store order: a row that moves between buckets (an ``_update`` changed
the field) may land out of order, so the bucket is marked and re-sorted by the rows'
insertion sequence the next time it is read.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from pybotters_like.store.item import StoreItem

__all__ = ["FieldIndex"]

_MISSING: Any = object()

Bucket = dict[Hashable, None]


class FieldIndex:
    """``row[field]`` -> identities of the rows holding that value, in store order."""

    __slots__ = ("_buckets", "_data", "_dirty", "_unhashable", "field")

    def __init__(self, field: str, data: dict[Hashable, StoreItem]) -> None:
        self.field = field
        self._data = data
        self._buckets: dict[Any, Bucket] = {}
        self._unhashable: Bucket = {}
        self._dirty: set[Any] = set()
        get = dict.get
        for ident, item in data.items():
            value = get(item, field, _MISSING)
            if value is not _MISSING:
                self._file(ident, value, in_order=True)

    def __len__(self) -> int:
        return len(self._buckets)

    def _file(self, ident: Hashable, value: Any, *, in_order: bool) -> None:
        try:
            bucket = self._buckets.get(value)
        except TypeError:
            self._unhashable[ident] = None
            return
        if bucket is None:
            self._buckets[value] = {ident: None}
            return
        if not in_order and bucket:
            last = next(reversed(bucket))
            if self._data[last]._seq > self._data[ident]._seq:
                self._dirty.add(value)
        bucket[ident] = None

    def _unfile(self, ident: Hashable, value: Any) -> None:
        try:
            bucket = self._buckets.get(value)
        except TypeError:
            self._unhashable.pop(ident, None)
            return
        if bucket is not None:
            bucket.pop(ident, None)
            if not bucket:
                del self._buckets[value]
                self._dirty.discard(value)

    def add(self, ident: Hashable, item: StoreItem) -> None:
        """File a new row (appended to the store, so in order)."""
        value = dict.get(item, self.field, _MISSING)
        if value is not _MISSING:
            self._file(ident, value, in_order=True)

    def remove(self, ident: Hashable, item: StoreItem) -> None:
        """Forget a row that left the store."""
        value = dict.get(item, self.field, _MISSING)
        if value is not _MISSING:
            self._unfile(ident, value)

    def add_many(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        """File new rows (appended to the store, so in order)."""
        field = self.field
        get = dict.get
        buckets = self._buckets
        for ident, item in zip(idents, items, strict=True):
            value = get(item, field, _MISSING)
            if value is _MISSING:
                continue
            try:
                bucket = buckets.get(value)
            except TypeError:
                self._unhashable[ident] = None
                continue
            if bucket is None:
                buckets[value] = {ident: None}
            else:
                bucket[ident] = None

    def remove_many(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        """Forget rows that left the store."""
        field = self.field
        get = dict.get
        for ident, item in zip(idents, items, strict=True):
            value = get(item, field, _MISSING)
            if value is not _MISSING:
                self._unfile(ident, value)

    def replace(self, ident: Hashable, old: Mapping[str, Any], new: StoreItem) -> None:
        """Move a row whose item was replaced (``_insert`` on a key, or ``_update``)."""
        field = self.field
        before = old.get(field, _MISSING)
        after = dict.get(new, field, _MISSING)
        if before is after:
            return
        if before is not _MISSING and after is not _MISSING:
            try:
                if hash(before) == hash(after) and before == after:
                    return  # same bucket
            except TypeError:
                pass
        if before is not _MISSING:
            self._unfile(ident, before)
        if after is not _MISSING:
            self._file(ident, after, in_order=False)

    def lookup(self, value: Any) -> Bucket | None:
        """Identities of rows whose field equals ``value``, in store order.

        Returns None when ``value`` is unhashable (the caller scans instead). The
        returned dict is the index's own: read it, do not keep or mutate it.
        """
        try:
            bucket = self._buckets.get(value)
        except TypeError:
            return None
        if value != value:  # NaN: == never holds
            return {}
        if bucket is None:
            bucket = {}
        elif value in self._dirty:
            self._dirty.discard(value)
            data = self._data
            ordered = sorted(bucket, key=lambda ident: data[ident]._seq)
            bucket.clear()
            bucket.update(dict.fromkeys(ordered))
        if self._unhashable:
            return self._with_unhashable(bucket, value)
        return bucket

    def _with_unhashable(self, bucket: Bucket, value: Any) -> Bucket:
        data = self._data
        field = self.field
        extra = [ident for ident in self._unhashable if data[ident][field] == value]
        if not extra:
            return bucket
        merged = sorted([*bucket, *extra], key=lambda ident: data[ident]._seq)
        return dict.fromkeys(merged)

    def values(self) -> list[Any]:
        """The distinct (hashable) values currently indexed."""
        return list(self._buckets)
