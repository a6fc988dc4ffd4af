"""BybitDataStore.orderbook: snapshot/delta, ``u`` gaps, missed snapshots, reconnects."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pybotters_like.exchanges.bybit.store import BybitDataStore
from pybotters_like.models.bybit import BybitDataStore as ModelsBybitDataStore
from pybotters_like.store import ResyncRequest, SyncState

TOPIC = "orderbook.50.BTCUSDT"


def book_msg(
    kind: str,
    u: int,
    asks: list[list[str]] | None = None,
    bids: list[list[str]] | None = None,
    *,
    symbol: str = "BTCUSDT",
    seq: int | None = None,
    topic: str | None = None,
) -> dict[str, Any]:
    """A v5 ``orderbook.{depth}.{symbol}`` frame (bybit_v5.md 7.1)."""
    return {
        "topic": topic or f"orderbook.50.{symbol}",
        "type": kind,
        "ts": 1687940967466 + u,
        "data": {
            "s": symbol,
            "b": bids or [],
            "a": asks or [],
            "u": u,
            "seq": seq if seq is not None else 66544703342 + u * 7,
        },
        "cts": 1687940967464 + u,
    }


def levels(store: BybitDataStore, symbol: str = "BTCUSDT") -> dict[str, list[tuple[str, str]]]:
    book = store.orderbook.sorted({"s": symbol})
    return {side: [(r["p"], r["v"]) for r in rows] for side, rows in book.items()}


def snapshot_store() -> BybitDataStore:
    store = BybitDataStore()
    store.onmessage(
        book_msg(
            "snapshot",
            100,
            asks=[["30248.70", "1.5"], ["30249.30", "0.892"], ["30250.00", "3"]],
            bids=[["30247.20", "30.028"], ["30240.00", "2"], ["30230.10", "0.5"]],
        )
    )
    return store


def test_models_path_is_the_same_class() -> None:
    assert ModelsBybitDataStore is BybitDataStore


def test_snapshot_then_delta_insert_update_delete() -> None:
    store = snapshot_store()
    assert levels(store) == {
        "a": [("30248.70", "1.5"), ("30249.30", "0.892"), ("30250.00", "3")],
        "b": [("30247.20", "30.028"), ("30240.00", "2"), ("30230.10", "0.5")],
    }
    # the documented example delta: update a bid, delete a bid, delete an ask, update an ask
    store.onmessage(
        book_msg(
            "delta",
            101,
            asks=[["30248.70", "0"], ["30249.30", "0.5"], ["30248.90", "7"]],
            bids=[["30247.20", "29"], ["30240.00", "0"], ["30247.50", "1"]],
        )
    )
    assert levels(store) == {
        "a": [("30248.90", "7"), ("30249.30", "0.5"), ("30250.00", "3")],
        "b": [("30247.50", "1"), ("30247.20", "29"), ("30230.10", "0.5")],
    }
    item = store.orderbook.get({"s": "BTCUSDT", "S": "a", "p": "30248.90"})
    assert item == {"s": "BTCUSDT", "S": "a", "p": "30248.90", "v": "7"}
    assert store.orderbook.sorted({"s": "BTCUSDT"}, limit=1) == {
        "a": [{"s": "BTCUSDT", "S": "a", "p": "30248.90", "v": "7"}],
        "b": [{"s": "BTCUSDT", "S": "b", "p": "30247.50", "v": "1"}],
    }
    assert store.orderbook.book_state("BTCUSDT").last_sequence == 101


def test_delete_of_unknown_level_is_ignored() -> None:
    store = snapshot_store()
    store.onmessage(book_msg("delta", 101, asks=[["1.00", "0"]]))
    assert len(store.orderbook) == 6
    assert store.orderbook.book_state("BTCUSDT").in_sync


def test_second_snapshot_replaces_never_merges() -> None:
    store = snapshot_store()
    store.onmessage(book_msg("snapshot", 500, asks=[["31000.00", "1"]], bids=[["29000.00", "2"]]))
    assert levels(store) == {"a": [("31000.00", "1")], "b": [("29000.00", "2")]}
    assert len(store.orderbook) == 2


def test_incoming_message_is_not_mutated() -> None:
    store = BybitDataStore()
    msg = book_msg("snapshot", 1, asks=[["2", "1"]], bids=[["1", "1"]])
    before = repr(msg)
    store.onmessage(msg)
    assert repr(msg) == before


def test_gap_marks_out_of_sync_requests_resync_and_recovers_on_snapshot(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = snapshot_store()
    requests: list[ResyncRequest] = []
    store.orderbook.add_resync_listener(requests.append)
    caplog.set_level(logging.WARNING)

    store.onmessage(book_msg("delta", 102, asks=[["30249.30", "9"]]))  # u=101 was skipped

    status = store.orderbook.book_state("BTCUSDT")
    assert status.state is SyncState.OUT_OF_SYNC
    assert (status.gaps, status.resyncs_requested) == (1, 1)
    assert store.orderbook.sorted({"s": "BTCUSDT"}) == {"a": [], "b": []}
    assert store.orderbook.find({"s": "BTCUSDT"}) == []
    assert [(r.symbol, r.reason, r.expected, r.received) for r in requests] == [
        ("BTCUSDT", "gap", 100, 102)
    ]
    assert "out of sync" in caplog.text

    # later deltas are dropped (and counted), never served
    store.onmessage(book_msg("delta", 103, asks=[["30249.30", "8"]]))
    assert store.orderbook.sorted({"s": "BTCUSDT"}) == {"a": [], "b": []}
    assert store.orderbook.book_state("BTCUSDT").unsynced_dropped == 1
    assert len(requests) == 1  # one resync request per incident

    store.onmessage(book_msg("snapshot", 200, asks=[["30260.00", "1"]], bids=[["30200.00", "1"]]))
    assert store.orderbook.book_state("BTCUSDT").in_sync
    assert levels(store) == {"a": [("30260.00", "1")], "b": [("30200.00", "1")]}
    store.onmessage(book_msg("delta", 201, bids=[["30201.00", "4"]]))
    assert levels(store)["b"] == [("30201.00", "4"), ("30200.00", "1")]


def test_repeated_u_is_stale_and_dropped() -> None:
    store = snapshot_store()
    store.onmessage(book_msg("delta", 100, asks=[["30248.70", "99"]]))
    assert levels(store)["a"][0] == ("30248.70", "1.5")
    status = store.orderbook.book_state("BTCUSDT")
    assert status.in_sync
    assert status.stale_dropped == 1


def test_delta_without_snapshot_is_a_missed_snapshot() -> None:
    store = BybitDataStore()
    requests: list[ResyncRequest] = []
    store.orderbook.add_resync_listener(requests.append)
    store.onmessage(book_msg("delta", 7, asks=[["1", "1"]]))
    store.onmessage(book_msg("delta", 8, asks=[["2", "1"]]))
    assert len(store.orderbook) == 0
    assert [(r.symbol, r.reason) for r in requests] == [("BTCUSDT", "missed snapshot")]
    assert store.orderbook.topic("BTCUSDT") == TOPIC
    assert store.orderbook.out_of_sync_symbols() == ["BTCUSDT"]


def test_u_equal_one_snapshot_is_a_restart() -> None:
    store = snapshot_store()
    store.onmessage(book_msg("snapshot", 1, asks=[["5", "1"]], bids=[["4", "1"]]))
    assert store.orderbook.restarts == 1
    assert levels(store) == {"a": [("5", "1")], "b": [("4", "1")]}
    store.onmessage(book_msg("delta", 2, asks=[["6", "1"]]))
    assert levels(store)["a"] == [("5", "1"), ("6", "1")]
    assert store.orderbook.book_state("BTCUSDT").gaps == 0


def test_depth_one_snapshots_repeat_the_same_u() -> None:
    store = BybitDataStore()
    topic = "orderbook.1.BTCUSDT"
    store.onmessage(book_msg("snapshot", 9, [["10", "1"]], [["9", "1"]], topic=topic))
    store.onmessage(book_msg("snapshot", 9, [["10", "1"]], [["9", "1"]], topic=topic))
    store.onmessage(book_msg("snapshot", 10, [["11", "2"]], [["9", "3"]], topic=topic))
    assert levels(store) == {"a": [("11", "2")], "b": [("9", "3")]}
    status = store.orderbook.book_state("BTCUSDT")
    assert status.in_sync
    assert status.resyncs_requested == 0


def test_symbols_are_independent() -> None:
    store = snapshot_store()
    store.onmessage(book_msg("snapshot", 5, [["2.0", "1"]], [["1.0", "1"]], symbol="ETHUSDT"))
    store.onmessage(book_msg("delta", 7, [["2.5", "1"]], symbol="ETHUSDT"))  # ETH gap
    assert store.orderbook.out_of_sync_symbols() == ["ETHUSDT"]
    assert len(levels(store, "BTCUSDT")["a"]) == 3
    store.onmessage(book_msg("delta", 101, asks=[["30248.70", "2"]]))
    assert levels(store)["a"][0] == ("30248.70", "2")


def test_invalidate_books_is_a_reconnect_resync() -> None:
    store = snapshot_store()
    requests: list[ResyncRequest] = []
    store.orderbook.add_resync_listener(requests.append)
    store.on_connect()  # the book was fed without a connection: cannot be trusted
    assert store.orderbook.sorted({"s": "BTCUSDT"}) == {"a": [], "b": []}
    assert [(r.symbol, r.reason) for r in requests] == [("BTCUSDT", "reconnect")]
    store.on_disconnect()  # already out of sync: no second request
    assert len(requests) == 1
    store.onmessage(book_msg("delta", 101, asks=[["1", "1"]]))
    assert len(store.orderbook) == 0
    store.onmessage(book_msg("snapshot", 300, asks=[["1", "1"]], bids=[["0.5", "1"]]))
    assert store.orderbook.book_state("BTCUSDT").in_sync
    assert store.invalidate_books("BTCUSDT") == ["BTCUSDT"]
    assert requests[-1].reason == "invalidated"


class FakeConnection:
    """Stands in for the WebSocketConnection handlers get (only ``closed`` is read)."""

    def __init__(self) -> None:
        self.closed = False


def test_books_of_open_connections_survive_another_connections_reconnect() -> None:
    store = BybitDataStore()
    spot, linear = FakeConnection(), FakeConnection()
    store.onmessage(book_msg("snapshot", 1, [["2", "1"]], [["1", "1"]], symbol="ETHUSDT"), spot)
    store.onmessage(book_msg("snapshot", 1, [["2", "1"]], [["1", "1"]]), linear)
    linear.closed = True
    store.on_disconnect()
    assert store.orderbook.out_of_sync_symbols() == ["BTCUSDT"]
    assert store.orderbook.book_state("ETHUSDT").in_sync


def test_delta_over_another_connection_invalidates_the_book() -> None:
    store = BybitDataStore()
    first, second = FakeConnection(), FakeConnection()
    store.onmessage(book_msg("snapshot", 1, [["2", "1"]], [["1", "1"]]), first)
    store.onmessage(book_msg("delta", 2, [["3", "1"]]), first)
    store.onmessage(book_msg("delta", 3, [["4", "1"]]), second)
    status = store.orderbook.book_state("BTCUSDT")
    assert status.state is SyncState.OUT_OF_SYNC
    assert store.orderbook.connection("BTCUSDT") is second
    store.onmessage(book_msg("snapshot", 9, [["5", "1"]], [["1", "1"]]), second)
    assert levels(store)["a"] == [("5", "1")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from("ab"),
                st.integers(1, 40),
                st.sampled_from(["0", "0", "1", "2.5", "0.001", "13"]),
            ),
            max_size=8,
            unique_by=lambda t: (t[0], t[1]),
        ),
        max_size=30,
    ),
    st.integers(1, 12),
)
def test_sorted_top_n_matches_brute_force(
    deltas: list[list[tuple[str, int, str]]], limit: int
) -> None:
    store = BybitDataStore()
    model: dict[tuple[str, str], str] = {}
    snap_a = [[f"{100 + t}.5", "1"] for t in range(1, 6)]
    snap_b = [[f"{100 - t}.5", "2"] for t in range(1, 6)]
    store.onmessage(book_msg("snapshot", 1, snap_a, snap_b))
    model.update({("a", p): v for p, v in snap_a})
    model.update({("b", p): v for p, v in snap_b})
    for u, delta in enumerate(deltas, start=2):
        asks = [[f"{100 + t}.5", v] for side, t, v in delta if side == "a"]
        bids = [[f"{100 - t}.5", v] for side, t, v in delta if side == "b"]
        store.onmessage(book_msg("delta", u, asks, bids))
        for side, rows in (("a", asks), ("b", bids)):
            for p, v in rows:
                if v == "0":
                    model.pop((side, p), None)
                else:
                    model[(side, p)] = v
    want_a = sorted(((p, v) for (s, p), v in model.items() if s == "a"), key=lambda x: float(x[0]))
    want_b = sorted(((p, v) for (s, p), v in model.items() if s == "b"), key=lambda x: -float(x[0]))
    got = store.orderbook.sorted({"s": "BTCUSDT"}, limit=limit)
    assert [(r["p"], r["v"]) for r in got["a"]] == want_a[:limit]
    assert [(r["p"], r["v"]) for r in got["b"]] == want_b[:limit]
    assert len(store.orderbook) == len(model)


def test_invalidating_many_books_logs_one_line(caplog: pytest.LogCaptureFixture) -> None:
    store = BybitDataStore()
    symbols = [f"SYM{i}USDT" for i in range(30)]
    for symbol in symbols:
        store.onmessage(
            book_msg("snapshot", 5, asks=[["2", "1"]], bids=[["1", "1"]], symbol=symbol)
        )
    with caplog.at_level(logging.WARNING, logger="pybotters_like"):
        invalidated = store.invalidate_books(reason="disconnect")
    assert sorted(invalidated) == sorted(symbols)
    assert all(not store.orderbook.book_state(s).in_sync for s in symbols)
    assert all(store.orderbook.sorted({"s": s}) == {"a": [], "b": []} for s in symbols)
    out_of_sync_lines = [r for r in caplog.records if "out of sync" in r.getMessage()]
    assert len(out_of_sync_lines) == 1
    assert "symbols=30" in out_of_sync_lines[0].getMessage()
