"""find() is answered from secondary indexes that stay consistent."""

from __future__ import annotations

from pybotters_like import DataStore


class Counted:
    """A field value that counts how often it is compared."""

    comparisons = 0

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        Counted.comparisons += 1
        return isinstance(other, Counted) and other.name == self.name


def _orders(n: int) -> list[dict[str, object]]:
    groups = [Counted(f"g{i}") for i in range(20)]
    return [
        {"id": i, "group": groups[i % 20], "side": "Buy" if i % 3 else "Sell"} for i in range(n)
    ]


def test_find_on_a_large_store_does_not_scan_it() -> None:
    store = DataStore(keys=["id"], data=[])
    store._MAXLEN = 100_000  # type: ignore[misc]
    store._insert(_orders(20_000))
    store.find({"group": Counted("g3")})  # builds the index
    Counted.comparisons = 0
    found = store.find({"group": Counted("g3"), "side": "Buy"})
    assert len(found) == sum(1 for i in range(20_000) if i % 20 == 3 and i % 3)
    assert Counted.comparisons < 50  # a scan would compare 20,000 times


def test_declared_indexes_exist_up_front() -> None:
    class Orders(DataStore):
        _KEYS = ["id"]  # noqa: RUF012 (written as pybotters users do)
        _INDEXES = ("symbol",)

    assert Orders().indexed_fields == ("symbol",)


def test_index_follows_updates_deletes_and_eviction() -> None:
    class Small(DataStore):
        _MAXLEN = 3

    store = Small(keys=["id"])
    store._insert([{"id": i, "status": "New"} for i in range(3)])
    assert [r["id"] for r in store.find({"status": "New"})] == [0, 1, 2]
    store._update([{"id": 0, "status": "Filled"}])
    assert [r["id"] for r in store.find({"status": "New"})] == [1, 2]
    store._update([{"id": 2, "status": "Filled"}, {"id": 1, "status": "Filled"}])
    # store order, not the order rows joined the bucket
    assert [r["id"] for r in store.find({"status": "Filled"})] == [0, 1, 2]
    store._insert([{"id": 3, "status": "New"}])  # evicts id 0
    assert [r["id"] for r in store.find({"status": "Filled"})] == [1, 2]
    store._delete([{"id": 1}])
    assert [r["id"] for r in store.find({"status": "Filled"})] == [2]
    store._insert([{"id": 2}])  # replace drops the field
    assert store.find({"status": "Filled"}) == []


def test_unhashable_and_nan_values() -> None:
    nan = float("nan")
    store = DataStore(keys=["id"])
    store._insert([{"id": 1, "tags": ["a"]}, {"id": 2, "tags": ("a",)}, {"id": 3, "x": nan}])
    assert store.find({"tags": ["a"]}) == [{"id": 1, "tags": ["a"]}]
    assert store.find({"tags": ("a",)}) == [{"id": 2, "tags": ("a",)}]
    assert store.find({"x": nan}) == []  # nan != nan, as in a scan


def test_drop_index_then_query_again() -> None:
    store = DataStore(keys=["id"], data=[{"id": 1, "s": "A"}])
    store.create_index("s")
    store.drop_index("s")
    assert store.indexed_fields == ()
    store._insert([{"id": 2, "s": "A"}])
    assert [r["id"] for r in store.find({"s": "A"})] == [1, 2]
