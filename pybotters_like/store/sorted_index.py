"""Numerically sorted views of a store, grouped by one or more fields.

This module owns :class:`SortedIndex`: for each group value (e.g. ``side``, or
``(symbol, side)`` for an order book) a sorted list of distinct ``float(row[sort_field])``
levels, each holding the identities of its rows in arrival order. The store keeps it in
step with every mutation, so a top-N read walks N levels from one end instead of sorting
the whole store (pybotters re-sorts everything on every call).

A row whose group fields are missing is not part of any group. A row whose sort value
cannot be read as a finite-or-infinite float (``float()`` fails, or NaN) is reported via
``StoreHealth`` (reason ``unsortable``) and left out of the sorted view; it stays in the
store.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterator, Mapping
from operator import itemgetter
from typing import Any

from pybotters_like.store.health import UNSORTABLE, StoreHealth
from pybotters_like.store.item import StoreItem

__all__ = ["SortedGroup", "SortedIndex"]

_MISSING: Any = object()
_NAN = float("nan")
_FLOAT_CACHE_SIZE = 65_536


Level = Any  # one identity, or a dict of identities (in arrival order) sharing a price


class _Tombstone:
    """Marks an emptied level whose price is still in the sorted list."""

    __slots__ = ()


_TOMB: Any = _Tombstone()


class SortedGroup:
    """The rows of one group, as ascending distinct price levels.

    A level holds a single row identity directly (the common case: one row per price)
    or a ``dict`` of identities when several rows share a price. Identities are never
    dicts (they are hashable), so ``type(level) is dict`` tells the two apart.

    An emptied level is not removed from ``prices`` at once: it becomes a tombstone,
    revived without a list insert if the price comes back (book levels come and go at
    the same ticks), and the list is compacted once tombstones outnumber live levels.
    """

    __slots__ = ("dirty", "levels", "prices", "tombstones")

    def __init__(self) -> None:
        self.prices: list[float] = []  # sorted; includes tombstoned prices
        self.levels: dict[float, Level] = {}  # every price in ``prices``
        self.dirty: set[float] = set()
        self.tombstones = 0

    def __len__(self) -> int:
        return len(self.levels) - self.tombstones

    def live_prices(self) -> list[float]:
        """Prices that hold rows, ascending."""
        if not self.tombstones:
            return list(self.prices)
        levels = self.levels
        return [p for p in self.prices if levels[p] is not _TOMB]

    def idents(self, ascending: bool, data: dict[Hashable, StoreItem]) -> Iterator[Hashable]:
        """Row identities from the best end: low to high if ``ascending``."""
        levels = self.levels
        prices = self.prices if ascending else reversed(self.prices)
        dirty = self.dirty
        for price in prices:
            level = levels[price]
            if level is _TOMB:
                continue
            if type(level) is dict:
                if dirty and price in dirty:
                    level = self._reorder(price, data)
                yield from level
            else:
                yield level

    def level_idents(self, price: float) -> list[Hashable]:
        """Row identities at one price."""
        level = self.levels.get(price, _TOMB)
        if level is _TOMB:
            return []
        return list(level) if type(level) is dict else [level]

    def all_idents(self) -> list[Hashable]:
        """Every row identity of the group (any order)."""
        out: list[Hashable] = []
        for level in self.levels.values():
            if type(level) is dict:
                out.extend(level)
            elif level is not _TOMB:
                out.append(level)
        return out

    def compact(self) -> None:
        """Drop tombstoned prices from the sorted list."""
        levels = self.levels
        self.prices = live = [p for p in self.prices if levels[p] is not _TOMB]
        self.levels = {p: levels[p] for p in live}
        self.tombstones = 0

    def _reorder(self, price: float, data: dict[Hashable, StoreItem]) -> dict[Hashable, None]:
        self.dirty.discard(price)
        level = self.levels[price]
        self.levels[price] = ordered = dict.fromkeys(sorted(level, key=lambda i: data[i]._seq))
        return ordered


class SortedIndex:
    """Group -> rows sorted by ``float(row[sort_field])``.

    ``group_fields`` is one field name or a tuple of them (the group value is then a
    tuple, as ``operator.itemgetter`` returns).
    """

    __slots__ = (
        "_data",
        "_floats",
        "_group_of",
        "_health",
        "_placed",
        "_sort_field",
        "fields",
        "group_fields",
        "groups",
    )

    def __init__(
        self,
        group_fields: str | tuple[str, ...],
        sort_field: str,
        data: dict[Hashable, StoreItem],
        health: StoreHealth,
    ) -> None:
        self.group_fields = group_fields
        names = (group_fields,) if isinstance(group_fields, str) else group_fields
        self.fields = frozenset((*names, sort_field))
        self._group_of: Callable[[Mapping[str, Any]], Any] = itemgetter(*names)
        self._sort_field = sort_field
        self._data = data
        self._health = health
        self.groups: dict[Any, SortedGroup] = {}  # groups are kept even when emptied
        self._placed: dict[Hashable, tuple[SortedGroup, float]] = {}
        self._floats: dict[Any, float] = {}
        for ident, item in data.items():
            self.add(ident, item)

    def _price(self, raw: Any) -> float:
        # Prices repeat (levels come and go at the same ticks): remember parsed floats.
        floats = self._floats
        try:
            return floats[raw]
        except KeyError:
            pass
        except TypeError:
            return _NAN  # unhashable: float() would fail too
        try:
            price = float(raw)
        except (TypeError, ValueError):
            price = _NAN
        if len(floats) >= _FLOAT_CACHE_SIZE:
            floats.clear()
        floats[raw] = price
        return price

    def add(self, ident: Hashable, item: StoreItem, in_order: bool = True) -> None:
        """File a row."""
        try:
            group_value = self._group_of(item)
            raw = item[self._sort_field]
        except KeyError:
            return  # not part of any group
        try:
            price = self._floats[raw]
        except (KeyError, TypeError):
            price = self._price(raw)
        if price != price:
            self._health.reject(UNSORTABLE, self._sort_field, item)
            return
        groups = self.groups
        try:
            group = groups.get(group_value)
        except TypeError:
            return  # unhashable group value: already reported if it is a key field
        if group is None:
            group = groups[group_value] = SortedGroup()
        self._placed[ident] = (group, price)
        levels = group.levels
        level = levels.get(price, _MISSING)
        if level is _MISSING:
            prices = group.prices
            prices.insert(bisect_left(prices, price), price)
            levels[price] = ident
            return
        if level is _TOMB:
            levels[price] = ident
            group.tombstones -= 1
            return
        if type(level) is not dict:
            level = levels[price] = {level: None}
        if not in_order:
            last = next(reversed(level))
            if self._data[last]._seq > self._data[ident]._seq:
                group.dirty.add(price)
        level[ident] = None

    def add_many(self, idents: list[Hashable], data: dict[Hashable, StoreItem]) -> None:
        """File new rows (appended to the store, so in order): the hot path."""
        group_of = self._group_of
        sort_field = self._sort_field
        floats = self._floats
        groups = self.groups
        placed = self._placed
        for ident in idents:
            item = data[ident]
            try:
                group_value = group_of(item)
                raw = item[sort_field]
            except KeyError:
                continue
            try:
                price = floats[raw]
            except (KeyError, TypeError):
                price = self._price(raw)
            if price != price:
                self._health.reject(UNSORTABLE, sort_field, item)
                continue
            try:
                group = groups.get(group_value)
            except TypeError:
                continue
            if group is None:
                group = groups[group_value] = SortedGroup()
            placed[ident] = (group, price)
            levels = group.levels
            level = levels.get(price, _MISSING)
            if level is _MISSING:
                prices = group.prices
                prices.insert(bisect_left(prices, price), price)
                levels[price] = ident
            elif level is _TOMB:
                levels[price] = ident
                group.tombstones -= 1
            elif type(level) is dict:
                level[ident] = None
            else:
                levels[price] = {level: None, ident: None}

    def remove_many(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        """Forget rows that left the store."""
        pop = self._placed.pop
        for ident in idents:
            placed = pop(ident, None)
            if placed is None:
                continue  # never filed
            group, price = placed
            level = group.levels[price]
            if type(level) is dict:
                del level[ident]
                if level:
                    continue
                if group.dirty:
                    group.dirty.discard(price)
            group.levels[price] = _TOMB  # bury(), inlined for the hot path
            group.tombstones += 1
            if group.tombstones > 16 and group.tombstones * 2 > len(group.prices):
                group.compact()

    def remove(self, ident: Hashable, item: StoreItem) -> None:
        """Forget one row."""
        self.remove_many([ident], [item])

    def replace(self, ident: Hashable, old: Mapping[str, Any], new: StoreItem) -> None:
        """Refile a row whose group or sort field may have changed."""
        placed = self._placed.get(ident)
        try:
            group_value = self._group_of(new)
            price = float(new[self._sort_field])
            if (
                placed is not None
                and placed[1] == price
                and self.groups.get(group_value) is placed[0]
            ):
                return
        except (KeyError, TypeError, ValueError):
            pass
        self.remove(ident, new)
        self.add(ident, new, in_order=False)

    def top(
        self,
        group_value: Any,
        ascending: bool,
        limit: int | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> list[StoreItem]:
        """Up to ``limit`` rows of one group from its best end, optionally filtered."""
        try:
            group = self.groups.get(group_value)
        except TypeError:
            return []
        if group is None:
            return []
        data = self._data
        out: list[StoreItem] = []
        if limit is not None and limit <= 0:
            return out
        conditions = list(query.items()) if query else None
        for ident in group.idents(ascending, data):
            item = data[ident]
            if conditions is not None and not _matches(item, conditions):
                continue
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out


def _matches(item: StoreItem, conditions: list[tuple[str, Any]]) -> bool:
    get = dict.get
    for field, value in conditions:
        got = get(item, field, _MISSING)
        if got is _MISSING or got != value:
            return False
    return True
