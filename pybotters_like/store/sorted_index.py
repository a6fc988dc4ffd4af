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

from bisect import insort
from collections.abc import Callable, Hashable, Iterator, Mapping
from operator import itemgetter
from typing import Any

from pybotters_like.store.health import UNSORTABLE, StoreHealth
from pybotters_like.store.item import StoreItem

__all__ = ["SortedGroup", "SortedIndex", "merge_pending", "parse_price"]

_NAN = float("nan")
_FLOAT_CACHE_SIZE = 65_536
_EAGER_MERGE = 8  # up to this many pending prices are bisected in; more are sorted in


def parse_price(floats: dict[Any, float], raw: Any) -> float:
    """``float(raw)`` for a price missing from ``floats``, remembered there; NaN if unsortable.

    Prices repeat (levels come and go at the same ticks), so callers look ``raw`` up in
    ``floats`` first and call this only on a miss. NaN is never cached, so a cache hit is
    always sortable.
    """
    try:
        price = float(raw)
    except (TypeError, ValueError):
        return _NAN
    if price == price:
        if len(floats) >= _FLOAT_CACHE_SIZE:
            floats.clear()
        floats[raw] = price
    return price


def merge_pending(prices: list[float], pending: list[float]) -> None:
    """Merge the unsorted ``pending`` prices into the sorted ``prices``; empty ``pending``."""
    if len(pending) <= _EAGER_MERGE:
        for price in pending:
            insort(prices, price)
    else:
        prices += pending
        prices.sort()
    pending.clear()


# A price level is a 3-item list ``[rows, group, price]`` (a list, not an object: it is
# created on the hot path). ``rows`` is one row identity (the common case: one row per
# price), a ``dict`` of identities in arrival order when several rows share the price,
# or ``_TOMB`` when the level is empty. Identities are hashable, never dicts, so
# ``type(rows) is dict`` tells the cases apart. Rows point at their level (``_placed``),
# so removing a row touches neither the price dict nor the sorted list.
Level = list[Any]
_ROWS, _GROUP, _PRICE = 0, 1, 2


class _Tombstone:
    """Marks an emptied level whose price is still in the sorted list."""

    __slots__ = ()


_TOMB: Any = _Tombstone()


class SortedGroup:
    """The rows of one group, as ascending distinct price levels.

    An emptied level is not removed at once: it becomes a tombstone, revived without a
    list insert if the price comes back (book levels come and go at the same ticks),
    and the group is compacted once levels outnumber twice the live ones. Prices of new
    levels wait in ``pending`` and are merged into the sorted list on the next read, so
    a burst of new levels costs one merge instead of one list insert each.
    """

    __slots__ = ("_limit", "dirty", "levels", "live", "pending", "prices")

    def __init__(self) -> None:
        self.prices: list[float] = []  # sorted; includes tombstoned, excludes pending prices
        self.pending: list[float] = []  # prices of new levels, not yet in ``prices``
        self.levels: dict[float, Level] = {}  # every price in ``prices`` and ``pending``
        self.dirty: set[float] = set()
        self.live = 0  # levels holding rows
        self._limit = 32  # compact when ``levels`` grows past this

    def __len__(self) -> int:
        return self.live

    def sorted_prices(self) -> list[float]:
        """Every level's price (tombstones included), ascending."""
        if self.pending:
            merge_pending(self.prices, self.pending)
        return self.prices

    def live_prices(self) -> list[float]:
        """Prices that hold rows, ascending."""
        levels = self.levels
        return [p for p in self.sorted_prices() if levels[p][_ROWS] is not _TOMB]

    def idents(self, ascending: bool, data: dict[Hashable, StoreItem]) -> Iterator[Hashable]:
        """Row identities from the best end: low to high if ``ascending``."""
        levels = self.levels
        prices = self.sorted_prices()
        dirty = self.dirty
        for price in prices if ascending else reversed(prices):
            rows = levels[price][_ROWS]
            if rows is _TOMB:
                continue
            if type(rows) is dict:
                if dirty and price in dirty:
                    rows = self._reorder(price, data)
                yield from rows
            else:
                yield rows

    def level_idents(self, price: float) -> list[Hashable]:
        """Row identities at one price."""
        level = self.levels.get(price)
        if level is None or level[_ROWS] is _TOMB:
            return []
        rows = level[_ROWS]
        return list(rows) if type(rows) is dict else [rows]

    def all_idents(self) -> list[Hashable]:
        """Every row identity of the group (any order)."""
        out: list[Hashable] = []
        for level in self.levels.values():
            rows = level[_ROWS]
            if type(rows) is dict:
                out.extend(rows)
            elif rows is not _TOMB:
                out.append(rows)
        return out

    def compact(self) -> None:
        """Drop tombstoned levels."""
        levels = self.levels
        self.prices = live = [p for p in self.sorted_prices() if levels[p][_ROWS] is not _TOMB]
        self.levels = {p: levels[p] for p in live}
        self._limit = max(32, 2 * len(live))

    def _reorder(self, price: float, data: dict[Hashable, StoreItem]) -> dict[Hashable, None]:
        self.dirty.discard(price)
        level = self.levels[price]
        level[_ROWS] = ordered = dict.fromkeys(sorted(level[_ROWS], key=lambda i: data[i]._seq))
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
        self._placed: dict[Hashable, Level] = {}  # identity -> its level
        self._floats: dict[Any, float] = {}
        if data:
            self.add_many(list(data), list(data.values()))

    def _price(self, raw: Any) -> float:
        try:
            price = self._floats.get(raw)
        except TypeError:
            return _NAN  # unhashable: float() would fail too
        return parse_price(self._floats, raw) if price is None else price

    def group_for(self, group_value: Any) -> SortedGroup:
        """The group of ``group_value``, created if needed (raises TypeError if unhashable)."""
        group = self.groups.get(group_value)
        if group is None:
            group = self.groups[group_value] = SortedGroup()
        return group

    def file(self, group: SortedGroup, ident: Hashable, price: float, in_order: bool) -> None:
        """File one row at ``price`` in ``group`` (the price is already parsed)."""
        levels = group.levels
        level = levels.get(price)
        if level is None:
            self._placed[ident] = levels[price] = [ident, group, price]
            group.pending.append(price)
            group.live += 1
            if len(levels) > group._limit:
                group.compact()
            return
        self._placed[ident] = level
        rows = level[_ROWS]
        if rows is _TOMB:
            level[_ROWS] = ident
            group.live += 1
            return
        if type(rows) is not dict:
            rows = level[_ROWS] = {rows: None}
        if not in_order:
            data = self._data
            if data[next(reversed(rows))]._seq > data[ident]._seq:
                group.dirty.add(price)
        rows[ident] = None

    def add(self, ident: Hashable, item: StoreItem, in_order: bool = True) -> None:
        """File a row."""
        try:
            group_value = self._group_of(item)
            raw = item[self._sort_field]
        except KeyError:
            return  # not part of any group
        price = self._price(raw)
        if price != price:
            self._health.reject(UNSORTABLE, self._sort_field, item)
            return
        try:
            group = self.group_for(group_value)
        except TypeError:
            return  # unhashable group value: already reported if it is a key field
        self.file(group, ident, price, in_order)

    def add_many(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        """File new rows (appended to the store, so in order): the hot path."""
        group_of = self._group_of
        sort_field = self._sort_field
        floats = self._floats
        float_of = floats.get
        groups = self.groups
        placed = self._placed
        i = 0
        for item in items:
            ident = idents[i]
            i += 1
            try:
                group_value = group_of(item)
                raw = item[sort_field]
            except KeyError:
                continue
            try:
                price = float_of(raw)
            except TypeError:  # unhashable: float() would fail too
                self._health.reject(UNSORTABLE, sort_field, item)
                continue
            if price is None:
                price = parse_price(floats, raw)
                if price != price:
                    self._health.reject(UNSORTABLE, sort_field, item)
                    continue
            try:
                group = groups.get(group_value)
            except TypeError:
                continue
            if group is None:
                group = groups[group_value] = SortedGroup()
            levels = group.levels
            level = levels.get(price)
            if level is None:
                placed[ident] = levels[price] = [ident, group, price]
                group.pending.append(price)
                group.live += 1
                if len(levels) > group._limit:
                    group.compact()
            elif level[0] is _TOMB:
                placed[ident] = level
                level[0] = ident
                group.live += 1
            else:
                self.file(group, ident, price, True)

    def remove_many(self, idents: list[Hashable], items: list[StoreItem]) -> None:
        """Forget rows that left the store."""
        pop = self._placed.pop
        for ident in idents:
            level = pop(ident, None)
            if level is None:
                continue  # never filed
            rows = level[0]
            if type(rows) is dict:
                del rows[ident]
                if rows:
                    continue
                group = level[1]
                if group.dirty:
                    group.dirty.discard(level[2])
            level[0] = _TOMB
            level[1].live -= 1

    def remove(self, ident: Hashable, item: StoreItem) -> None:
        """Forget one row."""
        self.remove_many([ident], [item])

    def replace(self, ident: Hashable, old: Mapping[str, Any], new: StoreItem) -> None:
        """Refile a row whose group or sort field may have changed."""
        level = self._placed.get(ident)
        try:
            group_value = self._group_of(new)
            price = float(new[self._sort_field])
            if (
                level is not None
                and level[_PRICE] == price
                and self.groups.get(group_value) is level[_GROUP]
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


_MISSING: Any = object()


def _matches(item: StoreItem, conditions: list[tuple[str, Any]]) -> bool:
    get = dict.get
    for field, value in conditions:
        got = get(item, field, _MISSING)
        if got is _MISSING or got != value:
            return False
    return True
