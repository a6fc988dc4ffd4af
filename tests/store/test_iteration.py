"""Iteration walks a snapshot taken when the loop starts, for keyed and keyless stores.

A handler may change the store while a loop over it waits on an ``await``: the loop
must neither skip rows, nor raise, nor meet a caller's dict that was never copied.
"""

from __future__ import annotations

from typing import Any

import pytest

from pybotters_like import DataStore
from pybotters_like.store.item import StoreItem


class Trades(DataStore):
    _MAXLEN = 4


def trades(count: int, first: int = 0) -> list[dict[str, Any]]:
    return [{"n": n, "p": str(n)} for n in range(first, first + count)]


@pytest.mark.parametrize("direction", ["forward", "reversed"])
def test_iterating_while_rows_arrive_and_leave_sees_the_rows_it_started_with(
    direction: str,
) -> None:
    store = Trades()
    assert store._seq_rows is not None
    store._seq_rows._trim_min = 1  # cut the dead prefix as often as possible
    store._insert(trades(4))
    rows = iter(store) if direction == "forward" else reversed(store)
    first = next(rows)
    for n in range(4, 12, 2):  # a handler runs mid-iteration: appends and evictions
        store._insert(trades(2, first=n))
    seen = [first, *rows]
    if direction == "reversed":
        seen.reverse()
    assert seen == trades(4)
    assert all(type(row) is StoreItem for row in seen)


@pytest.mark.parametrize("direction", ["forward", "reversed"])
def test_iterating_a_keyed_store_while_rows_arrive_and_leave_does_not_raise(
    direction: str,
) -> None:
    store = DataStore(keys=["n"], data=trades(4))
    rows = iter(store) if direction == "forward" else reversed(store)
    first = next(rows)
    store._insert(trades(2, first=4))  # new keys mid-iteration
    store._delete(trades(1, first=2))
    seen = [first, *rows]
    if direction == "reversed":
        seen.reverse()
    assert seen == trades(4)
    assert store.find() == [*trades(2), trades(1, first=3)[0], *trades(2, first=4)]
