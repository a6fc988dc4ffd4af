"""StoreItem: read like a plain dict, never mutable by users."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from pybotters_like import DataStore
from pybotters_like.errors import ReadOnlyItemError


@pytest.fixture
def item() -> dict[str, object]:
    store = DataStore(keys=["id"], data=[{"id": 1, "price": "10", "tags": ["a"]}])
    found = store.get({"id": 1})
    assert found is not None
    return found


def test_reads_like_a_plain_dict(item: dict[str, object]) -> None:
    assert isinstance(item, dict)
    assert item == {"id": 1, "price": "10", "tags": ["a"]}
    assert item["price"] == "10"
    assert item.get("missing", 0) == 0
    assert json.loads(json.dumps(item)) == {"id": 1, "price": "10", "tags": ["a"]}
    assert {**item, "price": "11"}["price"] == "11"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda it: it.__setitem__("price", "0"),
        lambda it: it.__delitem__("price"),
        lambda it: it.update(price="0"),
        lambda it: it.pop("price"),
        lambda it: it.popitem(),
        lambda it: it.setdefault("x", 1),
        lambda it: it.clear(),
        lambda it: it.__ior__({"price": "0"}),
    ],
)
def test_every_mutation_is_refused_and_the_store_is_intact(mutate: object) -> None:
    store = DataStore(keys=["id"], data=[{"id": 1, "price": "10"}])
    held = store.get({"id": 1})
    with pytest.raises(ReadOnlyItemError):
        mutate(held)  # type: ignore[operator]
    with pytest.raises(TypeError):  # also a TypeError, like other immutable types
        mutate(held)  # type: ignore[operator]
    assert store.find() == [{"id": 1, "price": "10"}]


def test_copies_are_plain_mutable_dicts(item: dict[str, object]) -> None:
    for mine in (dict(item), item.copy(), copy.copy(item), copy.deepcopy(item), item | {}):
        assert type(mine) is dict
        mine["price"] = "0"
    assert item["price"] == "10"


def test_pickles_as_a_plain_dict(item: dict[str, object]) -> None:
    restored = pickle.loads(pickle.dumps(item))
    assert type(restored) is dict
    assert restored == item


def test_the_callers_row_is_not_aliased() -> None:
    row = {"id": 1, "price": "10"}
    store = DataStore(keys=["id"], data=[row])
    row["price"] = "99"
    assert store.get({"id": 1}) == {"id": 1, "price": "10"}


def test_held_item_follows_updates_until_it_leaves_the_store() -> None:
    store = DataStore(keys=["id"], data=[{"id": 1, "price": "10"}])
    held = store.get({"id": 1})
    store._update([{"id": 1, "price": "11"}])
    assert held == {"id": 1, "price": "11"}
    store._delete([{"id": 1}])
    store._insert([{"id": 1, "price": "12"}])
    assert held == {"id": 1, "price": "11"}
