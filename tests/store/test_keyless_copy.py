"""Keyless stores copy a row on first read (or on entry once watched or indexed).

What users can rely on: no read ever hands out the caller's dict, rows read once are
independent of it, watching or indexing freezes the rows first, and ``_COPY_ON_ENTRY``
restores the copy on entry. The documented price (a dict changed before the first read
changes the stored row) is pinned too, so the docs and the code cannot drift apart.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pytest

from pybotters_like import DataStore
from pybotters_like.store.item import StoreItem


class Trades(DataStore):
    _MAXLEN = 4


class CopyingTrades(Trades):
    _COPY_ON_ENTRY = True


def trades(count: int, first: int = 0) -> list[dict[str, Any]]:
    numbers = range(first, first + count)
    return [{"n": n, "side": "a" if n % 2 else "b", "p": str(n)} for n in numbers]


READS: dict[str, Callable[[DataStore], list[Any]]] = {
    "iter": lambda store: list(store),
    "reversed": lambda store: list(reversed(store))[::-1],
    "find()": lambda store: store.find(),
    "find(query)": lambda store: store.find({"side": "a"}) + store.find({"side": "b"}),
    "_find_with_uuid": lambda store: list(store._find_with_uuid().values()),
    "_find_and_delete(query)": lambda store: (
        store._find_and_delete({"side": "a"}) + store._find_and_delete({"side": "b"})
    ),
    "_find_and_delete()": lambda store: store._find_and_delete(),
    "_sorted": lambda store: (
        store._sorted("side", "a", "b", "p")["a"] + store._sorted("side", "a", "b", "p")["b"]
    ),
}


@pytest.mark.parametrize("read", READS.values(), ids=list(READS))
def test_no_read_hands_out_the_callers_dicts(read: Callable[[DataStore], list[Any]]) -> None:
    store = Trades()
    sent = trades(6)
    store._insert(sent[:3])
    store._update(sent[3:])  # keyless _update appends too
    got = read(store)
    kept = sent[2:]  # _MAXLEN 4 evicted the two oldest, unread
    assert sorted(got, key=lambda row: row["n"]) == kept
    assert all(type(row) is StoreItem for row in got)
    assert not any(row is original for row in got for original in sent)
    for row in sent:
        row["p"] = "changed"
    assert all(row["p"] != "changed" for row in got)


def test_rows_read_once_no_longer_follow_the_callers_dicts() -> None:
    store = Trades()
    sent = trades(3)
    store._insert(sent)
    assert len(store) == 3  # counting is not reading
    store.find()
    for row in sent:
        row["p"] = "changed"
    more = trades(1, first=3)
    store._insert(more)
    assert store.find() == [*trades(3), *trades(1, first=3)]


def test_a_dict_changed_before_the_first_read_changes_the_stored_row() -> None:
    store = Trades()
    sent = trades(2)
    store._insert(sent)
    sent[1]["p"] = "changed"  # the documented price of copying on first read
    assert store.find()[1]["p"] == "changed"


def test_copy_on_entry_can_be_asked_for() -> None:
    store = CopyingTrades()
    sent = trades(2)
    store._insert(sent)
    sent[1]["p"] = "changed"
    assert store.find() == trades(2)


def test_an_index_freezes_the_rows_and_later_rows_are_copied_on_entry() -> None:
    store = Trades()
    store._insert(trades(2))
    store.create_index("side")
    sent = trades(2, first=2)
    store._insert(sent)
    sent[0]["side"] = "changed"
    assert store.find({"side": "changed"}) == []
    assert store.find() == trades(4)
    store.drop_index("side")  # nothing indexes it any more: rows are kept fresh again
    later = trades(1, first=4)
    store._insert(later)
    later[0]["p"] = "changed"
    assert store.find()[-1]["p"] == "changed"


def test_watching_freezes_the_rows_and_evictions_report_store_items() -> None:
    store = Trades()
    sent = trades(4)
    store._insert(sent)
    with store.watch() as stream:
        for row in sent:
            row["p"] = "changed"
        store._insert(trades(2, first=4))  # evicts rows 0 and 1
        changes = []
        while (change := stream.get_nowait()) is not None:
            changes.append(change)
    assert [(c.operation, c.data) for c in changes] == [
        ("insert", trades(1, first=4)[0]),
        ("insert", trades(1, first=5)[0]),
        ("delete", trades(1, first=0)[0]),
        ("delete", trades(1, first=1)[0]),
    ]
    assert all(type(c.data) is StoreItem for c in changes)
    assert store.find() == trades(4, first=2)


def test_other_mappings_are_copied_at_once_and_keep_their_place() -> None:
    store = Trades()
    store._insert(
        [
            {"n": 0},
            MappingProxyType({"n": 1}),  # type: ignore[list-item]
            OrderedDict(n=2),
            None,  # type: ignore[list-item]
            {"n": 3},
        ]
    )
    assert store.health.total_rejected == 1
    found = store._find_with_uuid()
    assert list(found.values()) == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}]
    assert all(type(row) is StoreItem for row in found.values())
    identities = list(found)
    store._remove([identities[2]])
    assert store.find() == [{"n": 0}, {"n": 1}, {"n": 3}]
