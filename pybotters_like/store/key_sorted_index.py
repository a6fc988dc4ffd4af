"""Sorted views grouped and sorted by key fields only: filed lazily, on read.

This module owns :class:`KeySortedIndex`, the index behind ``DataStore._sorted`` when
both ``item_key`` and ``sort_key`` are key fields (an order book keyed on
``symbol, side, price`` sorted by ``price`` within ``side``). Then a row's group and
price are fixed by its identity: a merge can never move it, and a row at a level is
alive exactly while its identity is in the store. So mutations do no index work at all:

- new rows are found at read time at the end of the store (rows are appended in
  ``_seq`` order, so everything from the last read's mark onwards is new);
- deleted rows are noticed when a read walks past them (their identity is gone from
  the store) and their levels are pruned then, or by the periodic compaction.

A feed that reads the top of the book every few hundred rows pays only for the rows
still alive at the read. It touches no other module's state and is not a mutation hook.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from operator import attrgetter
from typing import Any, cast

from pybotters_like.store.health import UNSORTABLE, StoreHealth
from pybotters_like.store.item import StoreItem
from pybotters_like.store.sorted_index import _matches, merge_pending, parse_price

__all__ = ["KeySortedIndex"]

_ABSENT: Any = object()
_seq_of = attrgetter("_seq")


class _KeyGroup:
    """One group's levels: ``price -> identity`` (or a dict of identities sharing it).

    ``prices`` is sorted and may hold dead levels (every identity gone) until a read
    walks past them or the group is compacted; prices of new levels wait in ``pending``.
    """

    __slots__ = ("levels", "limit", "pending", "prices")

    def __init__(self) -> None:
        self.levels: dict[float, Any] = {}
        self.prices: list[float] = []
        self.pending: list[float] = []
        self.limit = 64

    def sorted_prices(self) -> list[float]:
        if self.pending:
            merge_pending(self.prices, self.pending)
        return self.prices

    def compact(self, data: dict[Hashable, StoreItem]) -> None:
        """Drop dead levels and dead identities of shared levels."""
        levels = self.levels
        kept: dict[float, Any] = {}
        for price in self.sorted_prices():
            rows = levels[price]
            if type(rows) is dict:
                alive = [ident for ident in rows if ident in data]
                if alive:
                    kept[price] = dict.fromkeys(alive) if len(alive) > 1 else alive[0]
            elif rows in data:
                kept[price] = rows
        self.levels = kept
        self.prices = list(kept)
        self.limit = max(64, 3 * len(kept))


class KeySortedIndex:
    """Group -> rows sorted by ``float(row[sort_field])``, for key-field-only specs."""

    __slots__ = (
        "_data",
        "_floats",
        "_group_pos",
        "_health",
        "_mark",
        "_sort_field",
        "_sort_pos",
        "group_fields",
        "groups",
    )

    def __init__(
        self,
        group_field: str,
        sort_field: str,
        keys: tuple[str, ...],
        data: dict[Hashable, StoreItem],
        health: StoreHealth,
    ) -> None:
        if len(keys) < 2 or group_field not in keys or sort_field not in keys:
            raise ValueError(
                f"KeySortedIndex needs {group_field!r} and {sort_field!r} among two or more "
                f"key fields; the store's keys are {list(keys)}"
            )
        self.group_fields = group_field
        self._sort_field = sort_field
        # identities are key tuples: read both fields there, not in the rows
        self._group_pos = keys.index(group_field)
        self._sort_pos = keys.index(sort_field)
        self._data = data
        self._health = health
        self.groups: dict[Any, _KeyGroup] = {}
        self._floats: dict[Any, float] = {}
        self._mark = 0  # rows with ``_seq >= _mark`` are not filed yet

    def _flush(self) -> None:
        """File the rows appended since the last read (newest first, in one pass)."""
        data = self._data
        if not data:
            return
        mark = self._mark
        newest = next(reversed(data.values()))._seq
        if newest < mark:
            return
        self._mark = newest + 1
        group_pos = self._group_pos
        sort_pos = self._sort_pos
        float_of = self._floats.get
        groups = self.groups
        last_group: Any = _ABSENT
        levels: dict[float, Any] = {}
        pending: list[float] = []
        keyed = cast("dict[tuple[Any, ...], StoreItem]", data)  # identities are key tuples
        for ident, item in reversed(keyed.items()):
            if item._seq < mark:
                break
            raw = ident[sort_pos]
            price = float_of(raw)
            if price is None:
                price = parse_price(self._floats, raw)
                if price != price:
                    self._health.reject(UNSORTABLE, self._sort_field, item)
                    continue
            group_value = ident[group_pos]
            if group_value is not last_group:  # feeds often repeat the same str object
                group = groups.get(group_value)
                if group is None:
                    group = groups[group_value] = _KeyGroup()
                levels = group.levels
                pending = group.pending
                last_group = group_value
            rows = levels.get(price, _ABSENT)
            if rows is _ABSENT:
                levels[price] = ident
                pending.append(price)
            elif type(rows) is dict:
                rows[ident] = None
            elif rows is not ident and rows != ident:
                levels[price] = {rows: None, ident: None} if rows in data else ident
        for group in groups.values():
            if len(group.levels) > group.limit:
                group.compact(data)

    def top(
        self,
        group_value: Any,
        ascending: bool,
        limit: int | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> list[StoreItem]:
        """Up to ``limit`` rows of one group from its best end, optionally filtered."""
        self._flush()
        try:
            group = self.groups.get(group_value)
        except TypeError:
            return []
        out: list[StoreItem] = []
        if group is None or (limit is not None and limit <= 0):
            return out
        data = self._data
        get = data.get
        levels = group.levels
        prices = group.sorted_prices()
        conditions = list(query.items()) if query else None
        want = -1 if limit is None else limit  # ``len(out) == -1`` never stops the walk
        dead: list[float] = []
        walked = 0
        for walked, price in enumerate(prices if ascending else reversed(prices), 1):  # noqa: B007
            rows = levels[price]
            if type(rows) is not dict:  # one row at this price: the common case
                item = get(rows)
                if item is None:
                    dead.append(price)
                elif conditions is None or _matches(item, conditions):
                    out.append(item)
                    if len(out) == want:
                        break
                continue
            items = sorted((it for it in map(get, rows) if it is not None), key=_seq_of)
            if not items:
                dead.append(price)
                continue
            for item in items:
                if conditions is None or _matches(item, conditions):
                    out.append(item)
                    if len(out) == want:
                        break
            else:
                continue
            break
        if dead:
            for price in dead:
                del levels[price]
            if ascending:
                prices[:walked] = [p for p in prices[:walked] if p in levels]
            else:
                start = len(prices) - walked
                prices[start:] = [p for p in prices[start:] if p in levels]
        return out
