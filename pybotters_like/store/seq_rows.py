"""Rows of a keyless store: a list in arrival order, with ``_seq`` as the identity.

This module owns :class:`SeqRows`, the container behind ``DataStore._data`` when a store
has no keys (trades, executions, any time series). It offers the part of the ``dict``
interface the store and its indexes use (``get``, ``[]``, ``in``, ``pop``, ``items``,
``values``, ``len``, ``clear``), with the row's ``_seq`` number as its key.

Why not a ``dict`` keyed by the number, as for keyed stores: a time series appends at one
end and evicts at the other. A dict never reuses the slots of evicted entries, so it keeps
reallocating a table sized for the whole window (for 100,000 rows, about 10 MB at a time),
and each int key is one more object. A list holds one pointer per row; eviction moves a
start mark and the dead prefix is cut off once it is as long as the live part.

Lookup by identity is O(1) while no row was removed from the middle (identities are then
contiguous), and a bisect on ``_seq`` otherwise. Removing rows from the middle
(``_remove``, ``_find_and_delete`` on a keyless store) costs one pass over the list per
call, not one per row.

Fresh rows: while nothing watches or indexes the store, the table appends the caller's
own ``dict`` objects (see :meth:`SeqRows.begin_fresh`) and this container turns them into
read-only :class:`StoreItem` copies the first time anything reads it. Every read method
here freezes first, so no caller dict is ever handed out; only ``len``, appending,
evicting the oldest rows and ``clear`` leave fresh rows as they are, so rows evicted
before anything read the store are never copied. The fresh rows
are always a contiguous run at the end (``_fresh`` onwards) whose identities follow on
from ``_fresh_seq``: removing from the middle freezes first.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Iterator
from operator import attrgetter, index
from typing import Any, overload

from pybotters_like.store.item import Item, StoreItem

__all__ = ["SeqRows"]

_seq_of = attrgetter("_seq")
_MISSING: Any = object()
_FEW = 8  # up to this many rows removed from the middle are deleted one by one


class SeqRows:
    """Keyless rows in arrival order; ``rows[start:]`` are the live ones."""

    __slots__ = ("_fresh", "_fresh_seq", "_rows", "_start", "_trim_min", "append")

    def __init__(self) -> None:
        self._rows: list[Any] = []  # dead prefix (None) before ``_start``
        self._start = 0
        self._trim_min = 1024  # shortest dead prefix worth cutting off
        # ``_rows[_fresh:]`` may hold caller dicts; the row at ``_fresh`` is ``_fresh_seq``
        self._fresh = 0
        self._fresh_seq = 0
        # the list object is never replaced, so its append is bound once
        self.append: Callable[[Item], None] = self._rows.append
        """Add the newest row: a ``StoreItem`` whose ``_seq`` is above every stored one,
        or (after :meth:`begin_fresh`) a caller's plain ``dict``, frozen on first read."""

    # ------------------------------------------------------------------ fresh rows

    def begin_fresh(self, seq: int) -> None:
        """Prepare to append caller dicts, the first of them numbered ``seq``.

        Call before each batch of fresh appends; every appended row (dict or
        ``StoreItem``) must take the next number.
        """
        if self._fresh == len(self._rows):
            self._fresh_seq = seq

    def freeze(self) -> None:
        """Replace every fresh caller dict by its read-only copy, numbered in order."""
        rows = self._rows
        end = len(rows)
        position = self._fresh
        if position == end:
            return
        seq = self._fresh_seq
        make = StoreItem
        for i in range(position, end):
            row = rows[i]
            if row.__class__ is dict:
                item = make(row)
                item._seq = seq
                rows[i] = item
            else:  # a StoreItem appended among fresh rows carries its own number
                seq = row._seq
            seq += 1
        self._fresh = end
        self._fresh_seq = seq

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._rows) - self._start

    def __bool__(self) -> bool:
        return len(self._rows) > self._start

    def snapshot(self) -> list[StoreItem]:
        """A new list of the live rows, oldest first (frozen first).

        Every iteration goes through a snapshot: a handler that appends or evicts
        rows while someone iterates (across an ``await``) changes the list, and an
        iterator over the live list would then skip rows or meet rows it should not.
        """
        if self._fresh != len(self._rows):
            self.freeze()
        return self._rows[self._start :]

    def values(self) -> Iterator[StoreItem]:
        """Live rows, oldest first (of a snapshot)."""
        return iter(self.snapshot())

    def reversed_values(self) -> Iterator[StoreItem]:
        """Live rows, newest first (of a snapshot)."""
        rows = self.snapshot()
        rows.reverse()
        return iter(rows)

    def __iter__(self) -> Iterator[int]:
        return map(_seq_of, self.snapshot())

    keys = __iter__

    def items(self) -> Iterator[tuple[int, StoreItem]]:
        """``(identity, row)`` pairs, oldest first (of a snapshot)."""
        rows = self.snapshot()
        return zip(map(_seq_of, rows), rows, strict=True)

    def _position(self, ident: Hashable) -> int:
        """Where the row with identity ``ident`` is, or -1 (TypeError if unhashable)."""
        try:
            seq = index(ident)  # type: ignore[arg-type]
        except TypeError:
            hash(ident)  # an unhashable identity raises, as a dict lookup would
            return -1
        rows = self._rows
        start = self._start
        end = len(rows)
        if start == end:
            return -1
        if self._fresh != end:
            self.freeze()
        # identities are contiguous unless rows were removed from the middle
        guess: int = start + seq - rows[start]._seq
        if start <= guess < end and rows[guess]._seq == seq:
            return guess
        found = bisect_left(rows, seq, start, end, key=_seq_of)
        if found < end and rows[found]._seq == seq:
            return found
        return -1

    @overload
    def get(self, ident: Hashable) -> StoreItem | None: ...
    @overload
    def get(self, ident: Hashable, default: Any) -> Any: ...
    def get(self, ident: Hashable, default: Any = None) -> Any:
        """The row with identity ``ident``, or ``default``."""
        found = self._position(ident)
        return default if found < 0 else self._rows[found]

    def __getitem__(self, ident: Hashable) -> StoreItem:
        found = self._position(ident)
        if found < 0:
            raise KeyError(ident)
        item: StoreItem = self._rows[found]
        return item

    def pick(self, idents: Iterable[int]) -> list[StoreItem]:
        """The rows of stored identities ``idents``, in that order (an index's answer)."""
        rows = self._rows
        start = self._start
        if start == len(rows):
            return [self[ident] for ident in idents]  # raises KeyError for any ident
        if self._fresh != len(rows):
            self.freeze()
        first: int = rows[start]._seq
        if rows[-1]._seq - first == len(rows) - 1 - start:  # contiguous: position = arithmetic
            shift = start - first
            return [rows[ident + shift] for ident in idents]
        return [self[ident] for ident in idents]

    def __contains__(self, ident: object) -> bool:
        try:
            return self._position(ident) >= 0
        except TypeError:
            return False

    # ------------------------------------------------------------------ writing

    def pop(self, ident: Hashable, default: Any = _MISSING) -> Any:
        """Remove and return the row with identity ``ident``."""
        found = self._position(ident)
        if found < 0:
            if default is _MISSING:
                raise KeyError(ident)
            return default
        rows = self._rows
        item = rows[found]
        if found == self._start:
            rows[found] = None  # drop the reference; the slot is cut off later
            self._start = found + 1
            self._trim()
        else:
            del rows[found]
            self._fresh = len(rows)
        return item

    def pop_many(self, idents: Iterable[Hashable]) -> tuple[list[Hashable], list[StoreItem]]:
        """Remove the rows of ``idents`` (unknown or unhashable ones are skipped).

        Returns the identities removed and their rows, in the order given. A few rows
        are deleted in place; more are removed by rebuilding the live part once.
        """
        found: dict[int, Hashable] = {}
        rows = self._rows
        if self._fresh != len(rows):
            self.freeze()
        start = self._start
        end = len(rows)
        shift = None  # position = identity + shift while identities are contiguous
        if start < end and rows[-1]._seq - rows[start]._seq == end - 1 - start:
            shift = start - rows[start]._seq
        for ident in idents:
            if shift is not None and type(ident) is int:
                position = ident + shift
                if not start <= position < end:
                    continue
            else:
                try:
                    position = self._position(ident)
                except TypeError:
                    continue
            if position >= 0 and position not in found:
                found[position] = ident
        items: list[StoreItem] = [rows[position] for position in found]
        if len(found) <= _FEW:
            for position in sorted(found, reverse=True):
                del rows[position]
        else:
            rows[start:] = [row for i, row in enumerate(rows[start:], start) if i not in found]
        self._fresh = len(rows)
        if self._start == len(rows):
            self.clear()
        return list(found.values()), items

    def pop_oldest(self, count: int) -> list[Item]:
        """Remove and return the ``count`` oldest rows (fewer if there are fewer).

        Fresh rows among them are returned as they are, unfrozen: only a store that
        nobody watches or indexes has fresh rows, and it reports no evictions.
        """
        rows = self._rows
        start = self._start
        end = min(start + count, len(rows))
        gone = rows[start:end]
        rows[start:end] = [None] * (end - start)
        self._start = end
        if self._fresh < end:
            self._fresh_seq += end - self._fresh
            self._fresh = end
        self._trim()
        return gone

    def clear(self) -> None:
        """Remove every row."""
        self._rows.clear()
        self._start = 0
        self._fresh = 0

    def _trim(self) -> None:
        start = self._start
        rows = self._rows
        if start == len(rows):
            rows.clear()
            self._start = 0
            self._fresh = 0
        elif start >= self._trim_min and start * 2 >= len(rows):
            del rows[:start]
            self._start = 0
            self._fresh -= start
