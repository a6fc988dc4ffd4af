"""BybitDataStore end to end: initialize() from a local REST server, and a local v5 WS server.

Both servers run on 127.0.0.1; ``api.bybit.com`` is routed to the REST one by the loopback
resolver. Tests wait on store/app events with a timeout, never on sleeps.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from support import RecordedRequest, RecordingServer, json_reply, loopback_connector

import pybotters_like as pybotters
from pybotters_like.errors import DataStoreError
from pybotters_like.exchanges.bybit.store import BybitDataStore, BybitResponseError
from pybotters_like.store import ResyncRequest, SyncState

WAIT = 5.0
TOPIC = "orderbook.50.BTCUSDT"


def envelope(result: Any, code: int = 0, msg: str = "OK") -> dict[str, Any]:
    return {"retCode": code, "retMsg": msg, "result": result, "retExtInfo": {}, "time": 1}


REST: dict[str, Any] = {
    "/v5/order/realtime": {
        "category": "linear",
        "nextPageCursor": "",
        "list": [
            {"orderId": "open-1", "symbol": "BTCUSDT", "orderStatus": "New", "orderLinkId": ""},
            {"orderId": "done-1", "symbol": "BTCUSDT", "orderStatus": "Filled", "orderLinkId": ""},
        ],
    },
    "/v5/position/list": {
        "category": "linear",
        "list": [
            {
                "positionIdx": 0,
                "symbol": "BTCUSDT",
                "side": "Buy",
                "size": "0.1",
                "avgPrice": "27464.5",
            }
        ],
    },
    "/v5/account/wallet-balance": {
        "list": [{"accountType": "UNIFIED", "totalEquity": "3.3", "coin": [{"coin": "BTC"}]}]
    },
    "/v5/market/orderbook": {
        "s": "BTCUSDT",
        "a": [["65557.7", "16.606555"], ["65558.0", "1"]],
        "b": [["65485.47", "47.081829"]],
        "ts": 1716863719031,
        "u": 230704,
        "seq": 1432604333,
        "cts": 1716863718905,
    },
}


def rest_reply(request: RecordedRequest) -> web.StreamResponse:
    if request.raw_path == "/v5/order/history":
        return json_reply(
            envelope({}, 10002, "invalid request, please check your server timestamp")
        )
    if request.raw_path not in REST:
        return json_reply(envelope({"list": []}))
    return json_reply(envelope(REST[request.raw_path]))


@pytest.fixture
async def client(recording_server: RecordingServer) -> AsyncIterator[pybotters.Client]:
    recording_server.reply = rest_reply
    async with pybotters.Client(apis={}, connector=loopback_connector()) as client:
        yield client


async def test_initialize_routes_rest_responses_by_path(
    client: pybotters.Client, recording_server: RecordingServer
) -> None:
    store = BybitDataStore()
    # an order of the queried scope that the exchange no longer lists, and one outside it
    store.order._update(
        [
            {"orderId": "gone", "symbol": "BTCUSDT", "category": "linear", "orderStatus": "New"},
            {"orderId": "eth", "symbol": "ETHUSDT", "category": "linear", "orderStatus": "New"},
        ]
    )
    url = recording_server.url
    await store.initialize(
        client.get(url("api.bybit.com", "/v5/order/realtime?category=linear&symbol=BTCUSDT")),
        client.get(url("api.bybit.com", "/v5/position/list?category=linear&symbol=BTCUSDT")),
        client.get(url("api.bybit.com", "/v5/account/wallet-balance?accountType=UNIFIED")),
        client.get(url("api.bybit.com", "/v5/market/orderbook?category=linear&symbol=BTCUSDT")),
    )
    assert {r.raw_path for r in recording_server.requests} == {
        "/v5/order/realtime",
        "/v5/position/list",
        "/v5/account/wallet-balance",
        "/v5/market/orderbook",
    }
    assert sorted(r["orderId"] for r in store.order) == ["eth", "open-1"]
    assert store.order.get({"orderId": "open-1"})["category"] == "linear"  # type: ignore[index]
    position = store.position.get({"symbol": "BTCUSDT", "positionIdx": 0})
    assert position is not None
    assert (position["entryPrice"], position["category"]) == ("27464.5", "linear")
    assert store.wallet.get({"accountType": "UNIFIED"}) is not None
    book = store.orderbook.sorted({"s": "BTCUSDT"})
    assert [r["p"] for r in book["a"]] == ["65557.7", "65558.0"]
    assert [r["p"] for r in book["b"]] == ["65485.47"]

    # WS deltas bridge onto the REST book by seq: older ones dropped, newer ones applied
    old = {"s": "BTCUSDT", "a": [["65557.7", "0"]], "b": [], "u": 9, "seq": 1432604300}
    store.onmessage({"topic": TOPIC, "type": "delta", "ts": 1, "data": old})
    assert store.orderbook.rest_stale_dropped == 1
    new = {"s": "BTCUSDT", "a": [["65557.7", "0"]], "b": [], "u": 10, "seq": 1432604340}
    store.onmessage({"topic": TOPIC, "type": "delta", "ts": 2, "data": new})
    assert [r["p"] for r in store.orderbook.sorted({"s": "BTCUSDT"})["a"]] == ["65558.0"]
    gap = {"s": "BTCUSDT", "a": [], "b": [], "u": 12, "seq": 1432604350}
    store.onmessage({"topic": TOPIC, "type": "delta", "ts": 3, "data": gap})
    assert store.orderbook.book_state("BTCUSDT").state is SyncState.OUT_OF_SYNC


async def test_initialize_rejects_bybit_errors_and_unknown_paths(
    client: pybotters.Client, recording_server: RecordingServer
) -> None:
    store = BybitDataStore()
    url = recording_server.url("api.bybit.com", "/v5/order/history?category=linear")
    with pytest.raises(BybitResponseError, match=r"retCode=10002") as info:
        await store.initialize(client.get(url))
    assert isinstance(info.value, ValueError)
    with pytest.raises(DataStoreError, match=r"path=/v5/asset/coin/query-info"):
        await store.initialize(
            client.get(recording_server.url("api.bybit.com", "/v5/asset/coin/query-info"))
        )


async def test_rest_snapshot_does_not_replace_a_live_ws_book() -> None:
    store = BybitDataStore()
    snap = {"s": "BTCUSDT", "a": [["2", "1"]], "b": [["1", "1"]], "u": 5, "seq": 10}
    store.onmessage({"topic": TOPIC, "type": "snapshot", "ts": 1, "data": snap})
    assert not store.orderbook._on_rest_snapshot({**REST["/v5/market/orderbook"]})
    assert store.orderbook.rest_snapshots_ignored == 1
    assert [r["p"] for r in store.orderbook.sorted()["a"]] == ["2"]


# ---------------------------------------------------------------- a local v5 public WS


class BookServer:
    """A loopback Bybit public WS for one topic: acks, snapshot on subscribe, scripted deltas."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.book: dict[tuple[str, str], str] = {}
        self.u = 1
        self.ops: list[dict[str, Any]] = []
        self.connections: list[web.WebSocketResponse] = []
        self.subscribed: asyncio.Queue[web.WebSocketResponse] = asyncio.Queue()
        for side, sign in (("a", 1), ("b", -1)):
            for tick in range(1, 11):
                self.book[(side, f"{100 + sign * tick}.0")] = str(self.rng.randint(1, 9))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections.append(ws)
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            self.ops.append(frame)
            await ws.send_json({"success": True, "ret_msg": "", "conn_id": "c", "op": frame["op"]})
            if frame["op"] == "subscribe":
                await self.send_snapshot(ws)
                await self.subscribed.put(ws)
        return ws

    async def send_snapshot(self, ws: web.WebSocketResponse) -> None:
        asks = sorted((p, v) for (s, p), v in self.book.items() if s == "a")
        bids = sorted(((p, v) for (s, p), v in self.book.items() if s == "b"), reverse=True)
        data = {"s": "BTCUSDT", "a": asks, "b": bids, "u": self.u, "seq": self.u * 10}
        await ws.send_json({"topic": TOPIC, "type": "snapshot", "ts": 1, "data": data})

    async def send_delta(self, ws: web.WebSocketResponse, *, skip: bool = False) -> None:
        """Change a few levels (insert/update/delete) and push them; ``skip`` loses a ``u``."""
        changes: dict[str, dict[str, str]] = {"a": {}, "b": {}}
        for _ in range(self.rng.randint(1, 4)):
            side = self.rng.choice("ab")
            sign = 1 if side == "a" else -1
            price = f"{100 + sign * self.rng.randint(1, 15)}.0"
            size = self.rng.choice(["0", str(self.rng.randint(1, 9))])
            changes[side][price] = size
            if size == "0":
                self.book.pop((side, price), None)
            else:
                self.book[(side, price)] = size
        self.u += 2 if skip else 1
        data = {
            "s": "BTCUSDT",
            "a": [list(kv) for kv in changes["a"].items()],
            "b": [list(kv) for kv in changes["b"].items()],
            "u": self.u,
            "seq": self.u * 10,
        }
        await ws.send_json({"topic": TOPIC, "type": "delta", "ts": 1, "data": data})

    def model(self) -> dict[str, list[tuple[str, str]]]:
        asks = sorted(
            ((p, v) for (s, p), v in self.book.items() if s == "a"), key=lambda x: float(x[0])
        )
        bids = sorted(
            ((p, v) for (s, p), v in self.book.items() if s == "b"), key=lambda x: -float(x[0])
        )
        return {"a": asks, "b": bids}


@pytest.fixture
async def book_server() -> AsyncIterator[tuple[BookServer, str]]:
    server = BookServer(seed=7)
    app = web.Application()
    app.router.add_get("/v5/public/linear", server.handle)
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    try:
        yield server, f"ws://127.0.0.1:{test_server.port}/v5/public/linear"
    finally:
        for ws in server.connections:
            await ws.close()
        await test_server.close()


def served(store: BybitDataStore) -> dict[str, list[tuple[str, str]]]:
    book = store.orderbook.sorted({"s": "BTCUSDT"})
    return {side: [(r["p"], r["v"]) for r in rows] for side, rows in book.items()}


async def until(store: BybitDataStore, condition: Callable[[], bool]) -> None:
    """Wait (bounded) until ``condition()`` holds, re-checking after every message."""

    async def loop() -> None:
        while not condition():
            await store.wait()

    await asyncio.wait_for(loop(), WAIT)


async def no_sleep(delay: float) -> None:
    await asyncio.sleep(0)


async def connect(
    client: pybotters.Client, url: str, store: BybitDataStore, **kwargs: Any
) -> pybotters.WebSocketApp:
    app = client.ws_connect(
        url,
        send_json={"op": "subscribe", "args": [TOPIC]},
        hdlr_json=store.onmessage,
        heartbeat=None,
        sleep=no_sleep,
        **kwargs,
    )
    await asyncio.wait_for(app, WAIT)
    return app


async def test_ws_snapshot_and_deltas_match_the_server_model(
    book_server: tuple[BookServer, str],
) -> None:
    server, url = book_server
    store = BybitDataStore()
    async with pybotters.Client(apis={}) as client:
        await connect(client, url, store)
        ws = await asyncio.wait_for(server.subscribed.get(), WAIT)
        for _ in range(60):
            await server.send_delta(ws)
        await until(store, lambda: store.orderbook.book_state("BTCUSDT").last_sequence == server.u)
        assert served(store) == server.model()
        assert store.orderbook.book_state("BTCUSDT").gaps == 0


async def test_ws_gap_resubscribes_and_recovers(book_server: tuple[BookServer, str]) -> None:
    server, url = book_server
    store = BybitDataStore()
    store.auto_resubscribe()
    requests: list[ResyncRequest] = []
    store.orderbook.add_resync_listener(requests.append)
    async with pybotters.Client(apis={}) as client:
        await connect(client, url, store)
        ws = await asyncio.wait_for(server.subscribed.get(), WAIT)
        await server.send_delta(ws)
        await server.send_delta(ws, skip=True)
        # the store sends unsubscribe + subscribe; the server answers with a snapshot
        await asyncio.wait_for(server.subscribed.get(), WAIT)
        await server.send_delta(ws)
        await until(store, lambda: store.orderbook.book_state("BTCUSDT").last_sequence == server.u)
        assert served(store) == server.model()
    assert [f["op"] for f in server.ops] == ["subscribe", "unsubscribe", "subscribe"]
    assert server.ops[1]["args"] == [TOPIC]
    assert [r.reason for r in requests] == ["gap"]
    status = store.orderbook.book_state("BTCUSDT")
    assert (status.gaps, status.resyncs_requested, store.resubscribes_sent) == (1, 1, 1)


async def test_ws_reconnect_invalidates_then_resyncs(book_server: tuple[BookServer, str]) -> None:
    server, url = book_server
    store = BybitDataStore()
    requests: list[ResyncRequest] = []
    store.orderbook.add_resync_listener(requests.append)
    disconnected = asyncio.Event()
    seen_while_down: list[dict[str, list[tuple[str, str]]]] = []

    def on_disconnect(event: Any) -> None:
        store.on_disconnect(event)
        seen_while_down.append(served(store))
        disconnected.set()

    async with pybotters.Client(apis={}) as client:
        await connect(client, url, store, on_disconnect=on_disconnect)
        first = await asyncio.wait_for(server.subscribed.get(), WAIT)
        await server.send_delta(first)
        await until(store, lambda: store.orderbook.book_state("BTCUSDT").last_sequence == server.u)
        await first.close()
        await asyncio.wait_for(disconnected.wait(), WAIT)
        second = await asyncio.wait_for(server.subscribed.get(), WAIT)
        await server.send_delta(second)
        await until(store, lambda: store.orderbook.book_state("BTCUSDT").last_sequence == server.u)
        assert served(store) == server.model()
        assert [r.reason for r in requests] == ["disconnect"]
    assert seen_while_down[0] == {"a": [], "b": []}
    # closing the app is a disconnect too: the book is not served after the app is gone
    assert store.orderbook.out_of_sync_symbols() == ["BTCUSDT"]
