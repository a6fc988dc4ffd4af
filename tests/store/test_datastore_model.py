"""Model-based tests of DataStore: every mutation against a plain-dict model.

The machine drives a small-capacity store with batches of well-formed and malformed
rows (missing keys, unhashable keys, 1 / 1.0 / True keys) and checks after every step
that rows, order, ``get``, ``find`` (index-backed), ``_sorted`` and the ``watch()`` event
stream all agree with a model written with nothing but dicts and lists.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pybotters_like import DataStore
from pybotters_like.store.item import StoreItem

MAXLEN = 6
KEYS = ("k1", "k2")

key_values = st.sampled_from([0, 1, 1.0, True, 2, "1", "x"])
sides = st.sampled_from(["a", "b", "c"])
prices = st.sampled_from(["1", "1.0", "2", "10", "0.5", "-3"])
small = st.sampled_from([0, 1, 2, "v"])


@st.composite
def rows(draw: Any, keyed: bool = True) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in KEYS:
        choice = draw(st.integers(0, 19))
        if choice == 0:
            continue  # missing key field
        row[field] = [1] if choice == 1 else draw(key_values)  # [1]: unhashable
    for field, values in (("side", sides), ("p", prices), ("v", small)):
        if draw(st.booleans()) or field == "p":
            row[field] = draw(values)
    return row


queries = st.dictionaries(
    st.sampled_from(["k1", "side", "p", "v", "absent"]),
    st.one_of(key_values, sides, prices, small, st.just([1])),
    min_size=1,
    max_size=2,
)


class Small(DataStore):
    _MAXLEN = MAXLEN


class SmallKeyIndexed(Small):
    _INDEXES = ("k1",)


def small_keyless() -> DataStore:
    """A keyless store of capacity MAXLEN that cuts its dead prefix often."""
    store = Small()
    assert store._seq_rows is not None
    store._seq_rows._trim_min = 2
    return store


def model_key(row: dict[str, Any]) -> tuple[Any, ...] | None:
    if not all(field in row for field in KEYS):
        return None
    key = tuple(row[field] for field in KEYS)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def brute_find(items: list[dict[str, Any]], query: dict[str, Any]) -> list[dict[str, Any]]:
    return [it for it in items if all(k in it and it[k] == v for k, v in query.items())]


def brute_sorted(items: list[dict[str, Any]], side: str, desc: bool) -> list[dict[str, Any]]:
    chosen = [it for it in items if it.get("side") == side and "p" in it]
    return sorted(chosen, key=lambda it: float(it["p"]), reverse=desc)


class KeyedStoreMachine(RuleBasedStateMachine):
    """A keyed store (keys k1, k2) with _MAXLEN 6 against an ordered dict."""

    STORE_CLASS: type[DataStore] = Small
    WATCHED = True  # a watch() stream: every mutation takes the reporting path

    @initialize()
    def setup(self) -> None:
        self.store = self.STORE_CLASS(keys=list(KEYS))
        self.model: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.rejected = 0
        if self.WATCHED:
            self.stream = self.store.watch()
            self.replica: dict[tuple[Any, ...], dict[str, Any]] = {}

    def _evict(self) -> None:
        while len(self.model) > MAXLEN:
            del self.model[next(iter(self.model))]

    @rule(batch=st.lists(rows(), max_size=5))
    def insert(self, batch: list[dict[str, Any]]) -> None:
        for row in batch:
            key = model_key(row)
            if key is None:
                self.rejected += 1
                continue
            self.model[key] = dict(row)
        self._evict()
        self.store._insert(batch)

    @rule(batch=st.lists(rows(), max_size=5))
    def update(self, batch: list[dict[str, Any]]) -> None:
        for row in batch:
            key = model_key(row)
            if key is None:
                self.rejected += 1
                continue
            if key in self.model:
                self.model[key].update(row)
            else:
                self.model[key] = dict(row)
        self._evict()
        self.store._update(batch)

    @rule(batch=st.lists(rows(), max_size=5))
    def delete(self, batch: list[dict[str, Any]]) -> None:
        for row in batch:
            key = model_key(row)
            if key is None:
                self.rejected += 1
                continue
            self.model.pop(key, None)
        self.store._delete(batch)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def pop(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(list(self.model)))
        want = self.model.pop(key)
        got = self.store._pop(dict(zip(KEYS, key, strict=True)))
        assert got == want

    @rule(query=queries)
    def find_and_delete(self, query: dict[str, Any]) -> None:
        want = brute_find(list(self.model.values()), query)
        for key, row in list(self.model.items()):
            if row in want:
                del self.model[key]
        assert self.store._find_and_delete(query) == want

    @rule()
    def clear(self) -> None:
        self.model.clear()
        self.store._clear()

    @rule(query=queries)
    def find(self, query: dict[str, Any]) -> None:
        assert self.store.find(query) == brute_find(list(self.model.values()), query)

    @invariant()
    def rows_and_order_match(self) -> None:
        assert list(self.store) == list(self.model.values())
        assert list(reversed(self.store)) == list(reversed(self.model.values()))
        assert len(self.store) == len(self.model)

    @invariant()
    def get_matches(self) -> None:
        for key, row in self.model.items():
            assert self.store.get(dict(zip(KEYS, key, strict=True))) == row

    @invariant()
    def sorted_matches_brute_force(self) -> None:
        got = self.store._sorted("side", "a", "b", "p")
        items = list(self.model.values())
        assert got == {"a": brute_sorted(items, "a", False), "b": brute_sorted(items, "b", True)}
        top = self.store._sorted("side", "a", "b", "p", query={"v": 1}, limit=2)
        assert top["a"] == brute_find(brute_sorted(items, "a", False), {"v": 1})[:2]

    @precondition(lambda self: self.WATCHED)
    @invariant()
    def events_replay_to_the_same_rows(self) -> None:
        while (change := self.stream.get_nowait()) is not None:
            key = tuple(change.data[field] for field in KEYS)
            if change.operation == "delete":
                del self.replica[key]
            else:
                self.replica[key] = dict(change.data)
        assert self.replica == self.model

    @invariant()
    def rejected_rows_are_counted(self) -> None:
        assert self.store.health.total_rejected == self.rejected


class KeylessStoreMachine(RuleBasedStateMachine):
    """A keyless store with _MAXLEN 6 against a list."""

    WATCHED = True  # a watch() stream: every mutation takes the reporting path

    @initialize()
    def setup(self) -> None:
        self.store = small_keyless()
        self.model: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # the dicts handed to the store
        if self.WATCHED:
            self.stream = self.store.watch()
            self.replica: list[Any] = []

    @rule(batch=st.lists(rows(), max_size=5), op=st.sampled_from(["_insert", "_update"]))
    def append(self, batch: list[dict[str, Any]], op: str) -> None:
        # a serial number makes every row distinct, so a wrong row is never "equal"
        self.serial = getattr(self, "serial", 0)
        batch = [{**row, "n": self.serial + i} for i, row in enumerate(batch)]
        self.serial += len(batch)
        self.model.extend(dict(row) for row in batch)
        del self.model[: max(0, len(self.model) - MAXLEN)]
        getattr(self.store, op)(batch)
        self.sent += batch

    @rule(batch=st.lists(rows(), max_size=3))
    def delete_is_a_no_op(self, batch: list[dict[str, Any]]) -> None:
        self.store._delete(batch)

    @rule(query=queries)
    def remove_found(self, query: dict[str, Any]) -> None:
        found = self.store._find_with_uuid(query)
        self.store._remove(list(found))
        self.model = [row for row in self.model if row not in brute_find(self.model, query)]

    @rule(query=queries)
    def find(self, query: dict[str, Any]) -> None:
        assert self.store.find(query) == brute_find(self.model, query)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def find_a_stored_price(self, data: st.DataObject) -> None:
        query = {"p": data.draw(st.sampled_from(self.model))["p"]}
        assert self.store.find(query) == brute_find(self.model, query)

    @rule(query=queries)
    def find_and_delete(self, query: dict[str, Any]) -> None:
        want = brute_find(self.model, query)
        self.model = [row for row in self.model if row not in want]
        assert self.store._find_and_delete(query) == want

    @rule(data=st.data())
    def remove_some_by_identity(self, data: st.DataObject) -> None:
        found = self.store._find_with_uuid()
        assert list(found.values()) == self.model
        chosen = data.draw(st.lists(st.sampled_from(list(found) or [0]), max_size=3))
        self.store._remove([*chosen, -1, "absent"])  # unknown identities are ignored
        gone = {id(found[ident]) for ident in chosen if ident in found}
        self.model = [
            row
            for row, item in zip(self.model, found.values(), strict=True)
            if id(item) not in gone
        ]

    @rule()
    def clear(self) -> None:
        self.model.clear()
        self.store._clear()

    @rule(row=rows())
    def get_and_pop_find_nothing(self, row: dict[str, Any]) -> None:
        assert self.store.get(row) is None
        assert self.store._pop(row) is None

    @invariant()
    def rows_match(self) -> None:
        assert list(self.store) == self.model
        assert list(reversed(self.store)) == self.model[::-1]
        assert len(self.store) == len(self.model)
        assert bool(self.store._data) == bool(self.model)

    @invariant()
    def sorted_matches_brute_force(self) -> None:
        got = self.store._sorted("side", "a", "b", "p")
        assert got == {
            "a": brute_sorted(self.model, "a", False),
            "b": brute_sorted(self.model, "b", True),
        }

    @precondition(lambda self: self.WATCHED)
    @invariant()
    def events_replay_to_the_same_rows(self) -> None:
        while (change := self.stream.get_nowait()) is not None:
            if change.operation == "delete":
                index = next(i for i, it in enumerate(self.replica) if it is change.data)
                del self.replica[index]
            else:
                self.replica.append(change.data)
        assert self.replica == self.model


TestKeyedStore = KeyedStoreMachine.TestCase
TestKeyedStore.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestKeylessStore = KeylessStoreMachine.TestCase
TestKeylessStore.settings = settings(max_examples=80, stateful_step_count=30, deadline=None)


class UnwatchedKeyedStoreMachine(KeyedStoreMachine):
    """The keyed machine with no stream and no index: ``_update``/``_delete`` take their
    unreported fast paths (plain methods below replace the rules and invariants that
    build indexes)."""

    WATCHED = False

    def sorted_matches_brute_force(self) -> None:
        pass

    def find(self, query: dict[str, Any]) -> None:
        pass

    def find_and_delete(self, query: dict[str, Any]) -> None:
        pass


TestUnwatchedKeyedStore = UnwatchedKeyedStoreMachine.TestCase
TestUnwatchedKeyedStore.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)


class UnwatchedKeyIndexedStoreMachine(UnwatchedKeyedStoreMachine):
    """No stream, and a ``find`` index on a key field only: the fast paths with index
    hooks (a merge cannot move a row in that index, new and deleted rows must be filed)."""

    STORE_CLASS = SmallKeyIndexed

    @rule(value=key_values)
    def find_by_key_field(self, value: Any) -> None:
        query = {"k1": value}
        assert self.store.find(query) == brute_find(list(self.model.values()), query)


class UnwatchedIndexedStoreMachine(KeyedStoreMachine):
    """No stream, but ``find`` and ``_sorted`` build indexes on fields a merge can
    change: the row-by-row paths without events."""

    WATCHED = False


TestUnwatchedKeyIndexedStore = UnwatchedKeyIndexedStoreMachine.TestCase
TestUnwatchedKeyIndexedStore.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None
)
TestUnwatchedIndexedStore = UnwatchedIndexedStoreMachine.TestCase
TestUnwatchedIndexedStore.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None
)


class UnwatchedKeylessStoreMachine(KeylessStoreMachine):
    """The keyless machine with no stream: appends and evictions report no events."""

    WATCHED = False


TestUnwatchedKeylessStore = UnwatchedKeylessStoreMachine.TestCase
TestUnwatchedKeylessStore.settings = settings(
    max_examples=80, stateful_step_count=30, deadline=None
)


class FreshKeylessStoreMachine(KeylessStoreMachine):
    """The keyless machine with nothing watching or indexing the store, so rows stay the
    caller's dicts until read. Reads are rules here (not invariants), so fresh rows live
    across appends, evictions, removals and clears; rules that build ``find`` indexes
    drop them again. Every read must hand out read-only copies that the caller's dicts
    no longer reach."""

    WATCHED = False

    @rule(batches=st.lists(st.lists(rows(), max_size=5), max_size=4))
    def append_unread(self, batches: list[list[dict[str, Any]]]) -> None:
        for batch in batches:  # several evictions (and cuts of the dead prefix) unread
            self.append(batch, "_insert")

    def _drop_indexes(self) -> None:
        for field in self.store.indexed_fields:
            self.store.drop_index(field)

    def find(self, query: dict[str, Any]) -> None:
        KeylessStoreMachine.find(self, query)
        self._drop_indexes()

    def find_and_delete(self, query: dict[str, Any]) -> None:
        KeylessStoreMachine.find_and_delete(self, query)
        self._drop_indexes()

    def remove_found(self, query: dict[str, Any]) -> None:
        KeylessStoreMachine.remove_found(self, query)
        self._drop_indexes()

    def find_a_stored_price(self, data: st.DataObject) -> None:
        pass

    @rule()
    def read_all(self) -> None:
        KeylessStoreMachine.rows_match(self)
        assert all(type(row) is StoreItem for row in self.store)

    @rule()
    def change_the_callers_dicts_after_a_read(self) -> None:
        list(self.store)
        for row in self.sent:
            row["n"] = "changed"
        self.sent.clear()
        KeylessStoreMachine.rows_match(self)

    @invariant()
    def rows_match(self) -> None:
        assert len(self.store) == len(self.model)

    def sorted_matches_brute_force(self) -> None:
        pass


TestFreshKeylessStore = FreshKeylessStoreMachine.TestCase
TestFreshKeylessStore.settings = settings(max_examples=120, stateful_step_count=30, deadline=None)
