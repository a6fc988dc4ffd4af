"""DataStoreCollection, written the way the pybotters "advanced" docs tell users to."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import pybotters_like as pybotters
import pybotters_like.store
from pybotters_like.errors import DataStoreError


class Trade(pybotters_like.store.DataStore):
    _MAXLEN = 99999

    def _onmessage(self, data: list[dict[str, Any]]) -> None:
        self._insert(data)


class OrderBook(pybotters_like.store.DataStore):
    _KEYS = ["side", "price"]  # noqa: RUF012 (written as pybotters users do)

    def _onmessage(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            if item["size"] == 0:
                self._delete([item])
            else:
                self._update([item])

    def sorted(
        self, query: dict[str, Any] | None = None, limit: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        return self._sorted(
            item_key="side",
            item_asc_key="sell",
            item_desc_key="buy",
            sort_key="price",
            query=query,
            limit=limit,
        )


class Position(pybotters_like.store.DataStore):
    _KEYS = ["id"]  # noqa: RUF012 (written as pybotters users do)

    def _onmessage(self, data: list[dict[str, Any]]) -> None:
        self._insert(data)


class SomeDataStore(pybotters_like.store.DataStoreCollection):
    def _init(self) -> None:
        self._create("trade", datastore_class=Trade)
        self._create("orderbook", datastore_class=OrderBook)
        self.create("position", datastore_class=Position)

    def _onmessage(self, msg: Any, ws: Any = None) -> None:
        if "channel" in msg:
            channel = msg["channel"]
            if channel == "trade":
                self.trade._onmessage(msg["data"])
            elif channel == "orderbook":
                self.orderbook._onmessage(msg["data"])
            elif channel == "position":
                self.position._onmessage(msg["data"])

    @property
    def trade(self) -> Trade:
        return self._get("trade", Trade)

    @property
    def orderbook(self) -> OrderBook:
        return self.get("orderbook", OrderBook)

    @property
    def position(self) -> Position:
        return self._get("position", Position)


MESSAGES = [
    {"channel": "trade", "data": [{"id": 1, "side": "buy", "price": 100, "size": 1}]},
    {
        "channel": "orderbook",
        "data": [
            {"side": "sell", "price": 101, "size": 2},
            {"side": "sell", "price": 102, "size": 1},
            {"side": "buy", "price": 99, "size": 3},
            {"side": "buy", "price": 98, "size": 1},
        ],
    },
    {"channel": "orderbook", "data": [{"side": "sell", "price": 101, "size": 0}]},
    {"channel": "position", "data": [{"id": "p1", "side": "buy", "size": 1}]},
    {"channel": "unknown", "data": []},
]


def test_the_advanced_docs_example_end_to_end() -> None:
    store = SomeDataStore()
    for msg in MESSAGES:
        store.onmessage(msg)

    assert store.trade.find() == [{"id": 1, "side": "buy", "price": 100, "size": 1}]
    assert store.orderbook.sorted(limit=1) == {
        "sell": [{"side": "sell", "price": 102, "size": 1}],
        "buy": [{"side": "buy", "price": 99, "size": 3}],
    }
    assert store.position.get({"id": "p1"}) == {"id": "p1", "side": "buy", "size": 1}
    assert "trade" in store
    assert "ticker" not in store
    assert store["orderbook"] is store.orderbook
    assert store.get("ticker") is None
    with pytest.raises(KeyError):
        store["ticker"]


def test_top_level_names_are_the_store_package_names() -> None:
    assert pybotters.DataStore is pybotters_like.store.DataStore
    assert pybotters.DataStoreCollection is pybotters_like.store.DataStoreCollection
    assert pybotters.StoreChange is pybotters_like.store.StoreChange
    assert pybotters.StoreStream is pybotters_like.store.StoreStream


async def test_collection_wait_wakes_on_the_next_message() -> None:
    store = SomeDataStore()
    waiter = asyncio.ensure_future(store.wait())
    await asyncio.sleep(0)
    assert not waiter.done()
    store.onmessage(MESSAGES[0])
    await asyncio.wait_for(waiter, 1)


async def test_store_watch_inside_a_collection() -> None:
    store = SomeDataStore()
    with store.trade.watch() as stream:
        store.onmessage(MESSAGES[0])
        change = await asyncio.wait_for(stream.get(), 1)
    assert (change.operation, change.data["id"]) == ("insert", 1)


def test_create_replaces_and_passes_keys_and_data() -> None:
    store = pybotters_like.store.DataStoreCollection()
    created = store.create("ticker", keys=["s"], data=[{"s": "A", "p": 1}])
    assert created.get({"s": "A"}) == {"s": "A", "p": 1}
    assert store.create("ticker") is store["ticker"] is not created
    assert list(store) == ["ticker"]
    assert len(store) == 1


class FakeResponse:
    def __init__(self, url: str, payload: Any) -> None:
        self.url = url
        self._payload = payload

    async def json(self) -> Any:
        return self._payload


class FakeFetchResult:
    def __init__(self, url: str, payload: Any) -> None:
        self.response = FakeResponse(url, None)
        self.data = payload


class Initialized(pybotters_like.store.DataStoreCollection):
    def _init(self) -> None:
        self._create("order", keys=["id"])

    def _onresponse(self, response: Any, data: Any) -> None:
        if response.url.endswith("/orders"):
            self["order"]._insert(data)


async def _value(value: Any) -> Any:
    return value


async def test_initialize_routes_responses_and_fetch_results() -> None:
    store = Initialized()
    await store.initialize(
        _value(FakeResponse("https://x/orders", [{"id": 1}])),
        _value(FakeFetchResult("https://x/orders", [{"id": 2}])),
    )
    assert sorted(r["id"] for r in store["order"]) == [1, 2]


async def test_initialize_without_a_router_says_so() -> None:
    with pytest.raises(DataStoreError, match="cannot route"):
        await pybotters_like.store.DataStoreCollection().initialize(
            _value(FakeResponse("https://x/orders", []))
        )
