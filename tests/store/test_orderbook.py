"""OrderBookStore: sorted sides, snapshot/diff helpers, sync hooks, no level eviction."""

from __future__ import annotations

import zlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pybotters_like.store import (
    BookView,
    DiffOutcome,
    OrderBookStore,
    ResyncRequest,
    SyncState,
)


class Book(OrderBookStore):
    _SYMBOL_KEY, _SIDE_KEY, _PRICE_KEY, _SIZE_KEY = "s", "S", "p", "v"
    _ASK, _BID = "a", "b"


def level(side: str, price: str, size: str = "1", symbol: str = "BTC") -> dict[str, str]:
    return {"s": symbol, "S": side, "p": price, "v": size}


ticks = st.integers(1, 60)
diff_rows = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), ticks, st.sampled_from(["0", "1", "2.5"])),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(snapshot=diff_rows, diffs=st.lists(diff_rows, max_size=8), limit=st.integers(1, 10))
def test_top_n_after_random_diffs_equals_a_brute_force_sort(
    snapshot: list[Any], diffs: list[list[Any]], limit: int
) -> None:
    def rows(batch: list[Any]) -> list[dict[str, str]]:
        return [level(side, f"{tick / 4:.2f}", size) for side, tick, size in batch]

    store = Book()
    store._replace_book("BTC", rows(snapshot))
    model: dict[tuple[str, str], dict[str, str]] = {}
    for r in rows(snapshot):  # a snapshot is read in order too: the last row per level wins
        if r["v"] == "0":
            model.pop((r["S"], r["p"]), None)
        else:
            model[(r["S"], r["p"])] = r
    for batch in diffs:
        assert store._apply_diff("BTC", rows(batch)) is DiffOutcome.APPLIED
        for r in rows(batch):
            if r["v"] == "0":
                model.pop((r["S"], r["p"]), None)
            else:
                model[(r["S"], r["p"])] = r
    asks = sorted((r for r in model.values() if r["S"] == "a"), key=lambda r: float(r["p"]))
    bids = sorted((r for r in model.values() if r["S"] == "b"), key=lambda r: -float(r["p"]))
    assert store.sorted(limit=limit) == {"a": asks[:limit], "b": bids[:limit]}
    assert store.sorted({"s": "BTC"}) == {"a": asks, "b": bids}
    assert store._sorted("S", "a", "b", "p", limit=limit) == {"a": asks[:limit], "b": bids[:limit]}


def test_sorted_per_symbol_and_mixed() -> None:
    store = Book()
    store._replace_book("BTC", [level("a", "101"), level("a", "100"), level("b", "99")])
    store._replace_book("ETH", [level("a", "5", symbol="ETH"), level("b", "4", symbol="ETH")])
    assert [r["p"] for r in store.sorted({"s": "BTC"})["a"]] == ["100", "101"]
    assert [r["p"] for r in store.sorted({"s": "ETH"}, limit=1)["b"]] == ["4"]
    mixed = store.sorted()  # pybotters semantics: every symbol together
    assert [r["p"] for r in mixed["a"]] == ["5", "100", "101"]
    assert store.book("BTC").bids() == [level("b", "99")]
    assert sorted(store.symbols()) == ["BTC", "ETH"]


def test_snapshot_replaces_and_unchanged_levels_emit_nothing() -> None:
    store = Book()
    store._replace_book("BTC", [level("a", "100"), level("a", "101"), level("b", "99")])
    stream = store.watch()
    store._replace_book("BTC", [level("a", "100"), level("a", "102"), level("b", "99", "3")])
    ops = []
    while (c := stream.get_nowait()) is not None:
        ops.append((c.operation, c.data["p"]))
    assert sorted(ops) == [("delete", "101"), ("insert", "102"), ("insert", "99")]
    assert {r["p"] for r in store} == {"100", "102", "99"}


def test_a_5000_level_snapshot_keeps_its_best_ask() -> None:
    store = Book()  # _MAXLEN is the default 9999
    asks = [level("a", str(50_000 + i)) for i in range(5000)]
    bids = [level("b", str(49_999 - i)) for i in range(5000)]
    store._replace_book("BTC", asks + bids)
    assert len(store) == 10_000
    top = store.sorted(limit=1)
    assert (top["a"][0]["p"], top["b"][0]["p"]) == ("50000", "49999")
    store._update([level("a", "60000")])  # the plain pybotters path does not evict either
    assert len(store) == 10_001


def test_max_depth_trims_the_worst_levels() -> None:
    class Depth2(Book):
        _MAX_DEPTH = 2

    store = Depth2()
    store._replace_book("BTC", [level("a", p) for p in ("3", "1", "2")] + [level("b", "0.5")])
    store._apply_diff("BTC", [level("b", "0.7"), level("b", "0.9")])
    assert store.sorted() == {
        "a": [level("a", "1"), level("a", "2")],
        "b": [level("b", "0.9"), level("b", "0.7")],
    }


def test_gap_drops_the_book_requests_a_resync_and_counts() -> None:
    store = Book(name="orderbook")
    requests: list[ResyncRequest] = []
    store.add_resync_listener(requests.append)
    store._replace_book("BTC", [level("a", "100"), level("b", "99")], sequence=10)
    assert store._apply_diff("BTC", [level("a", "101")], sequence=11, prev_sequence=10) is (
        DiffOutcome.APPLIED
    )
    assert store._apply_diff("BTC", [level("a", "1")], sequence=9, prev_sequence=8) is (
        DiffOutcome.STALE
    )
    assert store._apply_diff("BTC", [level("a", "102")], sequence=14, prev_sequence=13) is (
        DiffOutcome.GAP
    )
    assert requests == [ResyncRequest("orderbook", "BTC", "gap", 11, 13)]
    state = store.book_state("BTC")
    assert (state.state, state.gaps, state.stale_dropped, state.in_sync) == (
        SyncState.OUT_OF_SYNC,
        1,
        1,
        False,
    )
    # the stale book is not served, and diffs are ignored until a snapshot
    assert store.sorted({"s": "BTC"}) == {"a": [], "b": []}
    assert len(store) == 0
    assert store._apply_diff("BTC", [level("a", "103")], sequence=15) is DiffOutcome.NOT_SYNCED
    assert store.out_of_sync_symbols() == ["BTC"]
    store._replace_book("BTC", [level("a", "100")], sequence=20)
    assert store.book_state("BTC").state is SyncState.SYNCED
    assert store._apply_diff("BTC", [level("b", "98")], sequence=21, prev_sequence=20) is (
        DiffOutcome.APPLIED
    )


def test_contiguous_sequences() -> None:
    class Strict(Book):
        _CONTIGUOUS = True

    store = Strict()
    store._replace_book("BTC", [], sequence=1)
    assert store._apply_diff("BTC", [], sequence=2) is DiffOutcome.APPLIED
    assert store._apply_diff("BTC", [], sequence=4) is DiffOutcome.GAP


def okx_style_checksum(book: BookView) -> int:
    bids, asks = book.bids(25), book.asks(25)
    parts: list[str] = []
    for i in range(max(len(bids), len(asks))):
        if i < len(bids):
            parts += [bids[i]["p"], bids[i]["v"]]
        if i < len(asks):
            parts += [asks[i]["p"], asks[i]["v"]]
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc


def test_checksum_verification_with_an_exchange_supplied_function() -> None:
    store = Book()
    store.set_checksum_function(okx_style_checksum)
    snapshot = [
        level("b", "3366.1", "7"),
        level("a", "3366.8", "9"),
        level("b", "3366", "6"),
        level("a", "3368", "8"),
    ]
    # the published example string "3366.1:7:3366.8:9:3366:6:3368:8"
    assert store._replace_book("BTC", snapshot, checksum=-1881014294) is DiffOutcome.APPLIED
    wrong = store._apply_diff("BTC", [level("a", "3369", "1")], checksum=123)
    assert wrong is DiffOutcome.CHECKSUM_MISMATCH
    assert store.book_state("BTC").checksum_failures == 1
    assert store.sorted({"s": "BTC"}) == {"a": [], "b": []}


def test_invalidate_all_on_reconnect_and_a_failing_listener_is_isolated() -> None:
    store = Book()
    store._replace_book("BTC", [level("a", "1")])
    store._replace_book("ETH", [level("a", "2", symbol="ETH")])

    def broken(_: ResyncRequest) -> None:
        raise RuntimeError("listener bug")

    seen: list[str] = []
    store.add_resync_listener(broken)
    store.add_resync_listener(lambda r: seen.append(f"{r.symbol}:{r.reason}"))
    store.invalidate(reason="reconnect")
    assert sorted(seen) == ["BTC:reconnect", "ETH:reconnect"]
    assert len(store) == 0


def test_untracked_symbols_behave_like_a_plain_datastore() -> None:
    store = Book(data=[level("a", "1"), level("b", "0.5")])
    assert store.book_state("BTC").state is SyncState.UNTRACKED
    assert store.sorted() == {"a": [level("a", "1")], "b": [level("b", "0.5")]}
    assert store._apply_diff("BTC", [level("a", "2")]) is DiffOutcome.NOT_SYNCED


def test_snapshot_rows_of_another_symbol_are_rejected() -> None:
    store = Book()
    store._replace_book("BTC", [level("a", "1"), level("a", "2", symbol="ETH")])
    assert store.symbols() == ["BTC"]
    assert store.health.rejected == {"symbol_mismatch:s": 1}


def test_levels_that_empty_and_come_back_stay_sorted_through_compaction() -> None:
    store = Book()
    store._replace_book("BTC", [level("a", str(p)) for p in range(100, 200)])
    store._apply_diff("BTC", [level("a", str(p), "0") for p in range(100, 190)])  # compacts
    store._apply_diff("BTC", [level("a", str(p)) for p in (150, 105, 195, 120)])
    store._apply_diff("BTC", [level("a", "150", "0"), level("a", "99")])
    want = sorted([99, 105, 120, 195, *range(190, 200)])
    assert [int(r["p"]) for r in store.sorted()["a"]] == sorted(set(want))
    assert [int(r["p"]) for r in store.book("BTC").asks(3)] == [99, 105, 120]


split_sides = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.lists(ticks, max_size=4),
        st.lists(st.tuples(ticks, st.sampled_from(["1", "2.5", "7"])), max_size=5),
    ),
    max_size=3,
)


@settings(max_examples=80, deadline=None)
@given(
    snapshot=diff_rows,
    diffs=st.lists(split_sides, max_size=8),
    watched=st.booleans(),
    indexed=st.booleans(),
)
def test_split_diff_equals_the_row_diff_deletes_then_upserts_per_side(
    snapshot: list[Any], diffs: list[list[Any]], watched: bool, indexed: bool
) -> None:
    def price(tick: int) -> str:
        return f"{tick / 4:.2f}" if tick % 7 else str(tick // 4)  # "3" and "3.00" share a level

    split, rows = Book(), Book()
    stream = split.watch() if watched else None  # watchers and extra indexes: generic path
    if indexed:
        split.find({"v": "1"})
    snap = [level(side, price(tick), size) for side, tick, size in snapshot]
    split._replace_book("BTC", snap, sequence=1)
    rows._replace_book("BTC", snap, sequence=1)
    for seq, sides in enumerate(diffs, start=2):
        split_sides_arg = [
            (side, [price(t) for t in dels], [(price(t), v) for t, v in ups])
            for side, dels, ups in sides
        ]
        row_batch = [
            row
            for side, dels, ups in split_sides_arg
            for row in [level(side, p, "0") for p in dels] + [level(side, p, v) for p, v in ups]
        ]
        got = split._apply_diff_split("BTC", iter(split_sides_arg), sequence=seq)
        assert got is rows._apply_diff("BTC", row_batch, sequence=seq) is DiffOutcome.APPLIED
    assert split.find() == rows.find()
    assert split.sorted() == rows.sorted()
    assert split._sorted("S", "a", "b", "p") == rows._sorted("S", "a", "b", "p")
    assert split.find({"v": "1"}) == rows.find({"v": "1"})
    if stream is not None:
        stream.close()


def test_split_diff_checks_sequences_like_the_row_diff() -> None:
    store = Book()
    assert store._apply_diff_split("BTC", [("a", [], [("1", "1")])], sequence=1) is (
        DiffOutcome.NOT_SYNCED
    )
    store._replace_book("BTC", [level("a", "1")], sequence=5)
    assert store._apply_diff_split("BTC", [], sequence=5) is DiffOutcome.STALE
    assert store._apply_diff_split("BTC", [("a", ["1"], [("2", "3")])], sequence=6) is (
        DiffOutcome.APPLIED
    )
    assert [(i["p"], i["v"]) for i in store] == [("2", "3")]
    assert store._apply_diff_split("BTC", [], sequence=9) is DiffOutcome.APPLIED  # not contiguous


def test_split_diff_with_unhashable_prices_and_sides_rejects_without_raising() -> None:
    store = Book()
    store._replace_book("BTC", [level("a", "1")], sequence=1)
    outcome = store._apply_diff_split(
        "BTC", [("a", [["x"]], [(["y"], "1"), ("2", "1")]), (["s"], [], [("3", "1")])], sequence=2
    )
    assert outcome is DiffOutcome.APPLIED
    assert sorted(i["p"] for i in store) == ["1", "2"]
