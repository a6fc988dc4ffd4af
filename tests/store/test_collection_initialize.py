"""initialize(): a failing request cancels the others instead of leaving them pending."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pybotters_like.store import DataStoreCollection


class Recorder(DataStoreCollection):
    def _init(self) -> None:
        self.seen: list[Any] = []

    def _onresponse(self, response: Any, data: Any) -> None:
        if data == "bad":
            raise ValueError("cannot route")
        self.seen.append(data)


async def test_plain_values_are_routed() -> None:
    async def value(v: Any) -> Any:
        return v

    store = Recorder()
    await store.initialize(value(1), value(2))
    assert sorted(store.seen) == [1, 2]


async def test_a_failure_cancels_the_other_requests() -> None:
    never = asyncio.Event()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def slow() -> str:
        started.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "late"

    async def bad() -> str:
        await started.wait()
        return "bad"

    store = Recorder()
    with pytest.raises(ValueError, match="cannot route"):
        await store.initialize(slow(), bad())
    assert cancelled.is_set()
    assert store.seen == []
