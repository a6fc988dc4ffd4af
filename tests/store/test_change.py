"""wait() and watch(): who wakes, what a change carries, bounded streams.

No sleeps: each test orders events with tasks, futures and ``asyncio.sleep(0)`` turns
only to let an already-ready task run.
"""

from __future__ import annotations

import asyncio

import pytest

from pybotters_like import DataStore, StoreChange
from pybotters_like.errors import DataStoreError, StoreStreamOverflowError


async def _started(coro: object) -> asyncio.Task[object]:
    task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
    await asyncio.sleep(0)  # let it reach its first await
    return task


async def test_wait_wakes_on_a_change() -> None:
    store = DataStore(keys=["id"])
    waiter = await _started(store.wait())
    store._insert([{"id": 1}])
    await asyncio.wait_for(waiter, 1)


@pytest.mark.parametrize(
    "noop",
    [
        lambda s: s._insert([]),
        lambda s: s._update([]),
        lambda s: s._delete([{"id": 404}]),
        lambda s: s._remove([]),
        lambda s: s._insert([{"no_key": 1}]),
        lambda s: s._find_and_delete({"id": 404}),
        lambda s: s._pop({"id": 404}),
    ],
)
async def test_wait_ignores_batches_that_change_nothing(noop: object) -> None:
    store = DataStore(keys=["id"], data=[{"id": 1}])
    waiter = await _started(store.wait())
    noop(store)  # type: ignore[operator]
    await asyncio.sleep(0)
    assert not waiter.done()
    store._update([{"id": 1, "v": 2}])
    await asyncio.wait_for(waiter, 1)


async def test_cancelled_waiter_does_not_break_the_next_wake() -> None:
    store = DataStore()
    first = await _started(store.wait())
    first.cancel()
    second = await _started(store.wait())
    store._insert([{"a": 1}])
    await asyncio.wait_for(second, 1)


def _drain(stream: object) -> list[StoreChange]:
    out = []
    while (change := stream.get_nowait()) is not None:  # type: ignore[attr-defined]
        out.append(change)
    return out


def test_changes_carry_operation_source_and_snapshot_data() -> None:
    store = DataStore(keys=["id"])
    with store.watch() as stream:
        store._insert([{"id": 1, "v": 1}])
        store._update([{"id": 1, "v": 2}, {"id": 2, "v": 9}])
        store._delete([{"id": 1}])
        changes = _drain(stream)
    summary = [(c.operation, c.source, c.data) for c in changes]
    assert summary == [
        ("insert", None, {"id": 1, "v": 1}),
        ("update", {"id": 1, "v": 2}, {"id": 1, "v": 2}),
        ("insert", None, {"id": 2, "v": 9}),
        ("delete", {"id": 1}, {"id": 1, "v": 2}),
    ]
    assert all(c.store is store for c in changes)


def test_delivered_data_does_not_change_after_later_updates() -> None:
    store = DataStore(keys=["id"])
    stream = store.watch()
    store._insert([{"id": 1, "v": 1}])
    store._update([{"id": 1, "v": 2}])
    first, second = _drain(stream)
    assert first.data == {"id": 1, "v": 1}
    assert second.data == {"id": 1, "v": 2}


def test_streams_share_one_snapshot_per_change() -> None:
    store = DataStore(keys=["id"])
    a, b = store.watch(), store.watch()
    store._insert([{"id": 1}])
    (ca,), (cb,) = _drain(a), _drain(b)
    assert ca is cb


def test_maxlen_eviction_emits_delete_events() -> None:
    class Small(DataStore):
        _MAXLEN = 2

    store = Small()
    stream = store.watch()
    store._insert([{"n": 0}, {"n": 1}, {"n": 2}])
    ops = [(c.operation, c.data["n"]) for c in _drain(stream)]
    assert ops == [("insert", 0), ("insert", 1), ("insert", 2), ("delete", 0)]
    assert store.health.evicted == 1
    assert [r["n"] for r in store] == [1, 2]


def test_clear_and_find_and_delete_emit_one_delete_per_row() -> None:
    store = DataStore(keys=["id"], data=[{"id": i, "g": i % 2} for i in range(4)])
    stream = store.watch()
    assert store._find_and_delete({"g": 0}) == [{"id": 0, "g": 0}, {"id": 2, "g": 0}]
    store._clear()
    assert [(c.operation, c.data["id"]) for c in _drain(stream)] == [
        ("delete", 0),
        ("delete", 2),
        ("delete", 1),
        ("delete", 3),
    ]


async def test_async_iteration_and_close() -> None:
    store = DataStore()
    received: list[int] = []
    with store.watch() as stream:

        async def consume() -> None:
            async for change in stream:
                received.append(change.data["n"])
                if len(received) == 3:
                    return

        task = await _started(consume())
        store._insert([{"n": 0}, {"n": 1}])
        store._insert([{"n": 2}])
        await asyncio.wait_for(task, 1)
    assert received == [0, 1, 2]
    assert stream.closed
    store._insert([{"n": 3}])
    assert stream.qsize() == 0  # unregistered


async def test_closing_wakes_a_pending_reader() -> None:
    store = DataStore()
    stream = store.watch()

    async def consume() -> list[object]:
        return [change async for change in stream]

    task = await _started(consume())
    stream.close()
    assert await asyncio.wait_for(task, 1) == []
    with pytest.raises(DataStoreError):
        await stream.get()


def test_drop_oldest_overflow_keeps_the_newest_and_counts() -> None:
    store = DataStore()
    stream = store.watch(maxsize=3)
    store._insert([{"n": i} for i in range(5)])
    store._insert([{"n": 5}])
    assert [c.data["n"] for c in _drain(stream)] == [3, 4, 5]
    assert stream.dropped == 3
    assert store.health.stream_dropped == 3


async def test_error_overflow_raises_once_then_continues() -> None:
    store = DataStore()
    stream = store.watch(maxsize=2, overflow="error")
    store._insert([{"n": i} for i in range(3)])
    with pytest.raises(StoreStreamOverflowError):
        await stream.get()
    store._insert([{"n": 9}])
    assert (await stream.get()).data == {"n": 9}
    assert stream.dropped == 3


def test_invalid_stream_options_are_rejected() -> None:
    store = DataStore()
    with pytest.raises(DataStoreError):
        store.watch(maxsize=0)
    with pytest.raises(DataStoreError):
        store.watch(overflow="block")  # type: ignore[arg-type]
