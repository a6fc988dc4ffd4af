"""Model-based test of ``_sorted`` when its group and sort fields are key fields.

That spec is served by the lazy ``KeySortedIndex`` (filed on read). Reads are a rule
here, not an invariant, so several mutations (inserts, merges, deletes, re-inserts of
deleted keys, ``_MAXLEN`` evictions, clears) pile up between two reads.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from pybotters_like import DataStore
from pybotters_like.store.key_sorted_index import KeySortedIndex

MAXLEN = 8
KEYS = ("k1", "side", "p")

# "1" / "1.0" / 1 are distinct keys at the same price: ties keep arrival order
prices = st.sampled_from(["1", "1.0", "2", "10", "0.5", "-3", 1, 2.0])


@st.composite
def rows(draw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "k1": draw(st.sampled_from(["x", "y"])),
        "side": draw(st.sampled_from(["a", "b", "c"])),
        "p": draw(prices),
    }
    if draw(st.booleans()):
        row["v"] = draw(st.sampled_from([0, 1, 2]))
    return row


def brute_sorted(items: list[dict[str, Any]], side: str, desc: bool) -> list[dict[str, Any]]:
    chosen = [it for it in items if it["side"] == side]
    ordered = sorted(chosen, key=lambda it: float(it["p"]))
    if desc:  # ties keep arrival order in both directions
        ordered = sorted(chosen, key=lambda it: -float(it["p"]))
    return ordered


class KeySortedMachine(RuleBasedStateMachine):
    @initialize(initial=st.lists(rows(), max_size=6))
    def setup(self, initial: list[dict[str, Any]]) -> None:
        class Small(DataStore):
            _MAXLEN = MAXLEN

        self.model: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in initial:
            self.model[tuple(row[k] for k in KEYS)] = dict(row)
        self._evict()
        self.store = Small(keys=list(KEYS), data=initial)

    def _evict(self) -> None:
        while len(self.model) > MAXLEN:
            del self.model[next(iter(self.model))]

    @rule(batch=st.lists(rows(), max_size=5))
    def insert(self, batch: list[dict[str, Any]]) -> None:
        for row in batch:
            self.model[tuple(row[k] for k in KEYS)] = dict(row)
        self._evict()
        self.store._insert(batch)

    @rule(batch=st.lists(rows(), max_size=5))
    def update(self, batch: list[dict[str, Any]]) -> None:
        for row in batch:
            key = tuple(row[k] for k in KEYS)
            if key in self.model:
                self.model[key].update(row)
            else:
                self.model[key] = dict(row)
        self._evict()
        self.store._update(batch)

    @rule(batch=st.lists(rows(), max_size=5))
    def delete(self, batch: list[dict[str, Any]]) -> None:
        for row in batch:
            self.model.pop(tuple(row[k] for k in KEYS), None)
        self.store._delete(batch)

    @rule()
    def clear(self) -> None:
        self.model.clear()
        self.store._clear()

    @rule(limit=st.sampled_from([None, 0, 1, 2, 5]), query=st.sampled_from([None, {"v": 1}]))
    def read_sorted(self, limit: int | None, query: dict[str, Any] | None) -> None:
        got = self.store._sorted("side", "a", "b", "p", query=query, limit=limit)
        items = list(self.model.values())
        for group, desc in (("a", False), ("b", True)):
            want = brute_sorted(items, group, desc)
            if query:
                want = [it for it in want if all(it.get(k) == v for k, v in query.items())]
            if limit is not None:
                want = want[:limit]
            assert got[group] == want

    @invariant()
    def rows_match(self) -> None:
        assert list(self.store) == list(self.model.values())


TestKeySorted = KeySortedMachine.TestCase
TestKeySorted.settings = settings(max_examples=300, stateful_step_count=40, deadline=None)


def test_many_levels_come_and_go_between_reads() -> None:
    """Enough distinct prices that dead levels are compacted and pruned on reads."""
    import random

    rng = random.Random(7)
    store = DataStore(keys=["side", "p"])
    model: dict[tuple[str, str], dict[str, Any]] = {}
    for step in range(20_000):
        row = {"side": rng.choice("ab"), "p": str(rng.randrange(400)), "v": step}
        key = (row["side"], row["p"])
        if rng.random() < 0.45:
            model.pop(key, None)
            store._delete([row])
        else:
            model.setdefault(key, {}).update(row)
            store._update([row])
        if step % 97 == 0:
            items = list(model.values())
            limit = rng.choice([None, 3, 25])
            got = store._sorted("side", "a", "b", "p", limit=limit)
            for group, desc in (("a", False), ("b", True)):
                want = sorted(
                    (it for it in items if it["side"] == group),
                    key=lambda it: float(it["p"]),
                    reverse=desc,
                )
                assert got[group] == want[:limit]


def test_a_spec_outside_the_key_fields_is_refused_by_name() -> None:
    store = DataStore(keys=["p"])
    with pytest.raises(ValueError, match=r"'side' and 'p' among two or more key fields.*\['p'\]"):
        KeySortedIndex("side", "p", ("p",), store._data, store.health)


def test_a_single_key_store_sorts_through_the_general_index() -> None:
    store = DataStore(keys=["p"], data=[{"p": "2"}, {"p": "10"}])
    assert store._sorted("p", "10", "2", "p") == {"10": [{"p": "10"}], "2": [{"p": "2"}]}
    assert not isinstance(store._sorted_index_for("p", "p"), KeySortedIndex)
