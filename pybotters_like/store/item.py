"""Stored items: read-only ``dict`` subclasses, and the copy semantics of the store.

This module owns :class:`StoreItem`, the type of every row a DataStore holds and hands
out, and the ``Item`` alias used in signatures. It knows nothing about stores.

Copy semantics (the whole story):

- A row is copied once, shallowly, into a ``StoreItem``. A keyed store copies it when it
  enters (``_insert``/``_update`` of a new key), so the caller's dict (often a parsed
  message shared by several handlers) is never aliased by the store.
- A keyless store (trades, executions) that nobody watches or indexes defers that copy
  to the first read: until then it holds the caller's own dict, and the copy is made
  when anything reads the store (iteration, ``find``, ``_sorted``, ...), when it is
  watched, or when an index is built. Nothing ever hands out the caller's dict, and
  the many trades that are evicted unread are never copied (docs/stores.md has the
  memory and speed this saves). The price: changing a dict after passing it to such a
  store, before the store is next read, changes the stored row (pybotters stores every
  row by reference, always). Set ``_COPY_ON_ENTRY = True`` on the class to copy on entry.
- Items handed out by ``get``, ``find``, iteration and ``_sorted`` are the stored items
  themselves: no copy on read. Users cannot change them: a ``StoreItem`` is a real
  ``dict`` subclass (``isinstance(item, dict)``, ``json.dumps``, ``item["price"]``,
  ``item.get``, ``dict(item)``, ``{**item}`` all work) whose mutating methods raise
  :class:`~pybotters_like.errors.ReadOnlyItemError`. ``dict(item)``, ``item.copy()``,
  ``copy.copy(item)`` and ``item | other`` give a plain, mutable dict.
- The store itself merges ``_update`` rows into the stored item in place (as pybotters
  does, and without an allocation), so an item you hold shows later updates of that
  row. Take ``dict(item)`` if you need a value frozen in time. An item removed from the
  store (deleted, evicted, replaced by ``_insert``) never changes again.
- ``watch()`` changes carry snapshots: one shallow copy per change (not per stream),
  shared by every stream, never updated afterwards.
- Nested containers (a list inside an item) are shared, not copied: treat them as
  read-only too.
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn

from pybotters_like.errors import ReadOnlyItemError

__all__ = ["Item", "StoreItem"]

Item = dict[str, Any]
"""The shape of a row as users pass it in and read it back (a plain ``dict``)."""


def _read_only(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise ReadOnlyItemError(
        "store items are read-only snapshots; use dict(item) for a mutable copy, "
        "or the store's _update/_insert to change the store"
    )


class StoreItem(dict[str, Any]):
    """A read-only ``dict`` holding one stored row.

    Example::

        item = store.get({"symbol": "BTCUSDT"})
        item["price"]            # read like any dict
        mine = dict(item)        # a mutable copy
        mine["price"] = "1"      # fine; the store is unaffected
    """

    # ``_seq`` is the store's insertion sequence number: it lets indexes return rows
    # in store order without a separate position map.
    __slots__ = ("_seq",)
    _seq: int

    __setitem__ = _read_only
    __delitem__ = _read_only
    __ior__ = _read_only
    clear = _read_only
    pop = _read_only
    popitem = _read_only
    setdefault = _read_only
    update = _read_only

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        # pickles (and unpickles) as a plain dict
        return (dict, (dict(self),))
