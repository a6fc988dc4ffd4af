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
    # one scan of the heap for all of them (a scan per row takes seconds)
    assert not any(ref is rows._rows for ref in gc.get_referrers(oldest, *evicted))
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


# ---------------------------------------------------------------- fresh (caller) rows


def with_fresh(count: int, first_seq: int = 0) -> tuple[SeqRows, list[dict[str, int]]]:
    """SeqRows holding ``count`` caller dicts appended as fresh rows."""
    rows = SeqRows()
    rows.begin_fresh(first_seq)
    dicts = [{"n": seq} for seq in range(first_seq, first_seq + count)]
    for row in dicts:
        rows.append(row)
    return rows, dicts


def assert_frozen_copies(got: list[StoreItem], dicts: list[dict[str, int]]) -> None:
    assert got == dicts
    for item, row in zip(got, dicts, strict=True):
        assert type(item) is StoreItem
        assert item is not row
        assert item._seq == row["n"]


READS = {
    "values": lambda rows: list(rows.values()),
    "reversed_values": lambda rows: list(rows.reversed_values())[::-1],
    "items": lambda rows: [item for _, item in rows.items()],
    "keys then get": lambda rows: [rows.get(seq) for seq in list(rows)],
    "getitem": lambda rows: [rows[seq] for seq in range(10, 14)],
    "pick": lambda rows: rows.pick(range(10, 14)),
}


@pytest.mark.parametrize("read", READS.values(), ids=list(READS))
def test_every_read_hands_out_numbered_copies_never_the_callers_dicts(read: object) -> None:
    rows, dicts = with_fresh(4, first_seq=10)
    assert len(rows) == 4  # counting does not copy
    assert all(row is dicts[i] for i, row in enumerate(rows._rows))
    assert_frozen_copies(read(rows), dicts)  # type: ignore[operator]
    dicts[0]["n"] = -1  # the caller's dict is no longer the stored row
    assert rows[10] == {"n": 10}


def test_lookups_and_removals_freeze_first() -> None:
    rows, dicts = with_fresh(5, first_seq=3)
    assert 4 in rows
    assert 8 not in rows
    assert type(rows._rows[0]) is StoreItem
    rows, dicts = with_fresh(5, first_seq=3)
    assert rows.pop(5) == {"n": 5}
    assert_frozen_copies(list(rows.values()), [d for d in dicts if d["n"] != 5])
    rows, dicts = with_fresh(5, first_seq=3)
    gone, removed = rows.pop_many([4, 6])
    assert gone == [4, 6]
    assert_frozen_copies(removed, [dicts[1], dicts[3]])
    assert_frozen_copies(list(rows.values()), [dicts[0], dicts[2], dicts[4]])


def test_evicting_fresh_rows_keeps_the_numbering_of_the_rest() -> None:
    rows, dicts = with_fresh(40, first_seq=100)
    rows._trim_min = 4
    assert rows.pop_oldest(3) == dicts[:3]  # evicted unread: returned as they are
    assert rows.pop_oldest(20) == dicts[3:23]  # the dead prefix is cut here
    assert len(rows._rows) == 17
    assert_frozen_copies(list(rows.values()), dicts[23:])
    assert rows[139] == {"n": 139}


def test_fresh_rows_after_frozen_ones_and_after_copied_ones() -> None:
    rows, first = with_fresh(3)
    assert_frozen_copies(list(rows.values()), first)  # frozen: seq 0..2
    copied = StoreItem({"n": 3})  # a row copied on entry, among later fresh rows
    copied._seq = 3
    rows.append(copied)
    rows.begin_fresh(4)
    later = [{"n": 4}, {"n": 5}]
    for row in later:
        rows.append(row)
    other = StoreItem({"n": 6})
    other._seq = 6
    rows.append(other)
    rows.begin_fresh(7)  # a fresh run is already pending: its numbering continues
    rows.append({"n": 7})
    got = list(rows.values())
    assert got[3] is copied
    assert got[6] is other
    assert_frozen_copies(got, [*first, {"n": 3}, *later, {"n": 6}, {"n": 7}])


def test_evicting_every_row_then_appending_fresh_rows_numbers_them_anew() -> None:
    rows, _ = with_fresh(3)
    rows.pop_oldest(5)
    assert not rows
    rows.begin_fresh(50)
    rows.append({"n": 50})
    rows.clear()
    rows.begin_fresh(60)
    rows.append({"n": 60})
    assert_frozen_copies(list(rows.values()), [{"n": 60}])


@pytest.mark.parametrize("remove", ["pop", "pop_many few", "pop_many many"])
def test_fresh_rows_after_removals_from_the_middle(remove: str) -> None:
    rows, dicts = with_fresh(20)
    if remove == "pop":
        rows.pop(5)
        chosen = [5]
    else:
        chosen = [5, 7] if remove == "pop_many few" else list(range(1, 19, 2))
        rows.pop_many(chosen)
    rows.begin_fresh(20)
    later = [{"n": 20}, {"n": 21}, {"n": 22}]
    for row in later:
        rows.append(row)
    kept = [d for d in dicts if d["n"] not in chosen]
    assert_frozen_copies(list(rows.values()), [*kept, *later])
    assert rows[21] == {"n": 21}


def test_fresh_rows_after_a_clear_follow_the_numbers_of_copied_rows() -> None:
    rows, _ = with_fresh(3)
    list(rows.values())  # frozen up to seq 2
    for seq in range(3, 6):  # copied on entry (the store was watched), never read
        item = StoreItem({"n": seq})
        item._seq = seq
        rows.append(item)
    rows.clear()
    copied = StoreItem({"n": 6})
    copied._seq = 6
    rows.append(copied)
    rows.begin_fresh(7)
    rows.append({"n": 7})
    assert_frozen_copies(list(rows.values()), [{"n": 6}, {"n": 7}])
