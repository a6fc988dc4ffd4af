"""Row identity is the key tuple itself; malformed rows are reported, never raised."""

from __future__ import annotations

import logging

import pytest

from pybotters_like import DataStore


class SameHash:
    """Distinct values that all hash alike (a hash-int identity would merge them)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return 42

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SameHash) and other.name == self.name


def test_equal_hashes_of_different_keys_stay_different_rows() -> None:
    store = DataStore(keys=["id"])
    store._insert([{"id": SameHash("a"), "v": 1}, {"id": SameHash("b"), "v": 2}])
    assert len(store) == 2
    assert store.get({"id": SameHash("b")}) == {"id": SameHash("b"), "v": 2}


def test_numbers_that_compare_equal_are_one_key_strings_are_not() -> None:
    store = DataStore(keys=["id"])
    store._update([{"id": 1, "v": "int"}, {"id": 1.0, "v": "float"}, {"id": True, "v": "bool"}])
    store._update([{"id": "1", "v": "str"}])
    assert [row["v"] for row in store] == ["bool", "str"]
    assert store.get({"id": 1}) == {"id": True, "v": "bool"}


def test_multi_field_keys() -> None:
    store = DataStore(keys=["s", "p"])
    store._insert([{"s": "A", "p": "1", "v": 1}, {"s": "B", "p": "1", "v": 2}])
    store._update([{"s": "A", "p": "1", "v": 3}])
    assert store.find() == [{"s": "A", "p": "1", "v": 3}, {"s": "B", "p": "1", "v": 2}]


@pytest.mark.parametrize(
    ("row", "label"),
    [
        ({"v": 1}, "missing_key:id"),
        ({"id": [1, 2], "v": 1}, "unhashable_key:id"),
        ({"id": {"a": 1}, "v": 1}, "unhashable_key:id"),
        ("not a row", "not_a_mapping"),
        (None, "not_a_mapping"),
    ],
)
@pytest.mark.parametrize("method", ["_insert", "_update", "_delete"])
def test_malformed_rows_are_counted_and_skipped(row: object, label: str, method: str) -> None:
    store = DataStore(name="orders", keys=["id"], data=[{"id": 0}])
    getattr(store, method)([row, {"id": 7}])
    assert store.health.rejected == {label: 1}
    assert store.get({"id": 7}) == (None if method == "_delete" else {"id": 7})


def test_each_problem_is_logged_once_per_store(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="pybotters_like.store")
    store = DataStore(name="orders", keys=["id", "sym"])
    for _ in range(3):
        store._insert([{"sym": "A"}, {"id": 1}, {"id": [1], "sym": "A"}])
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3
    assert all("store=orders" in line for line in lines)
    assert store.health.rejected == {
        "missing_key:id": 3,
        "missing_key:sym": 3,
        "unhashable_key:id": 3,
    }
    assert store.health.total_rejected == 9
    other = DataStore(name="other", keys=["id"])
    other._insert([{"x": 1}])
    assert len(caplog.records) == 4


def test_keyless_store_rejects_only_non_mappings() -> None:
    store = DataStore()
    store._insert([{"a": 1}, "junk", {"b": 2}])
    assert store.find() == [{"a": 1}, {"b": 2}]
    assert store.health.rejected == {"not_a_mapping": 1}


def test_keys_can_be_set_at_run_time_like_a_partial_message_announces_them() -> None:
    store = DataStore(data=[{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"v": "no id"}])
    store.find({"v": "a"})  # an index exists and must follow the re-keying
    store._keys = ["id"]
    assert store.get({"id": 2}) == {"id": 2, "v": "b"}
    assert store.health.rejected == {"missing_key:id": 1}
    store._update([{"id": 1, "v": "c"}])
    assert [r["v"] for r in store] == ["c", "b"]
    assert store.find({"v": "c"}) == [{"id": 1, "v": "c"}]
