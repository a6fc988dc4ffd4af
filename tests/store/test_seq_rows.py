"""SeqRows, the row container of keyless stores: the dict behaviour the store relies on.

The model tests drive it through DataStore; these pin the container's own edges:
identities that are not ints, lookups after removals from the middle (the bisect path),
and that rows leaving the container are no longer referenced by it.
"""

from __future__ import annotations

import gc

import pytest

from pybotters_like import DataStore
from pybotters_like.store.item import StoreItem
from pybotters_like.store.seq_rows import SeqRows


def filled(count: int, first_seq: int = 0) -> tuple[SeqRows, list[StoreItem]]:
    rows = SeqRows()
    items = []
    for seq in range(first_seq, first_seq + count):
        item = StoreItem({"n": seq})
        item._seq = seq
        rows.append(item)
        items.append(item)
    return rows, items


def test_lookup_by_identity_like_a_dict() -> None:
    rows, items = filled(5, first_seq=10)
    assert rows.get(12) is items[2]
    assert rows[14] is items[4]
    assert 10 in rows
    assert 15 not in rows
    assert 9 not in rows
    assert rows.get(True) is None  # True == 1, and 1 is not stored
    assert rows.get("12") is None
    assert "12" not in rows
    assert rows.get(99, "default") == "default"
    with pytest.raises(KeyError):
        rows[99]
    assert list(rows) == [10, 11, 12, 13, 14]
    assert list(rows.items()) == list(zip(range(10, 15), items, strict=True))


def test_unhashable_identity_raises_type_error_on_pop_as_a_dict_does() -> None:
    rows, _ = filled(2)
    with pytest.raises(TypeError):
        rows.pop([1], None)
    with pytest.raises(TypeError):
        {0: 0}.pop([1], None)  # type: ignore[call-overload]
    assert [1] not in rows  # type: ignore[comparison-overlap]


def test_lookups_after_removals_from_the_middle() -> None:
    rows, items = filled(50)
    for seq in (3, 4, 17, 30, 49):
        assert rows.pop(seq) is items[seq]
    kept = [it for it in items if it._seq not in (3, 4, 17, 30, 49)]
    assert list(rows.values()) == kept
    for item in kept:
        assert rows[item._seq] is item
    for seq in (3, 4, 17, 30, 49):
        assert seq not in rows
    assert rows.pop(3, None) is None
    with pytest.raises(KeyError):
        rows.pop(3)


@pytest.mark.parametrize("count", [3, 20])  # deleted one by one / list rebuilt once
def test_pop_many_removes_rows_from_the_middle_in_one_call(count: int) -> None:
    rows, items = filled(60)
    rows.pop_oldest(5)
    chosen = [57, *range(10, 10 + 2 * (count - 1), 2)]  # not in order, one near the end
    asked = [*chosen, 10, 3, 999, "x", [1]]  # repeated, evicted, unknown, unhashable
    gone, removed = rows.pop_many(asked)
    assert gone == chosen
    assert removed == [items[seq] for seq in chosen]
    kept = [it for it in items[5:] if it._seq not in chosen]
    assert list(rows.values()) == kept
    assert len(rows) == len(kept)
    for item in kept:
        assert rows[item._seq] is item
    assert all(seq not in rows for seq in chosen)
    assert rows.pop_many([]) == ([], [])


def test_pop_many_of_every_row_empties_the_list() -> None:
    rows, _ = filled(12)
    rows.pop_many(range(12))
    assert rows._rows == []
    assert not rows


def test_rows_that_leave_are_not_referenced_any_more() -> None:
    rows, items = filled(3000)
    rows._trim_min = 10**9  # keep the dead prefix: it must not hold the rows
    oldest = items[0]
    assert rows.pop(0) is oldest
    evicted = rows.pop_oldest(1500)
    assert evicted == items[1:1501]
    assert rows.pop_oldest(0) == []
    assert len(rows) == 1499
    assert len(rows._rows) == 3000
    for gone in [oldest, *evicted]:
        assert not any(ref is rows._rows for ref in gc.get_referrers(gone))
    assert list(rows.values()) == items[1501:]
    assert rows[1501] is items[1501]


def test_dead_prefix_is_cut_once_it_is_half_the_list() -> None:
    rows, items = filled(4096)
    rows.pop_oldest(2000)
    assert len(rows._rows) == 4096  # not yet: the prefix is shorter than the live part
    rows.pop_oldest(100)
    assert len(rows._rows) == 4096 - 2100
    assert rows[2100] is items[2100]
    assert list(rows.reversed_values()) == items[:2099:-1]


def test_popping_every_row_empties_the_list() -> None:
    rows, _ = filled(3)
    for seq in range(3):
        rows.pop(seq)
    assert not rows
    assert len(rows) == 0
    assert rows._rows == []


def test_a_keyless_store_keeps_its_rows_in_seq_rows_and_a_rekeyed_one_in_a_dict() -> None:
    store = DataStore(data=[{"id": 1, "v": "a"}, {"id": 2, "v": "b"}])
    assert isinstance(store._data, SeqRows)
    store._keys = ["id"]
    assert type(store._data) is dict
    assert store.get({"id": 2}) == {"id": 2, "v": "b"}
    store._keys = []
    assert isinstance(store._data, SeqRows)
    assert list(store) == [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]
