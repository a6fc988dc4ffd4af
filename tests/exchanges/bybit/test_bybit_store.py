"""BybitDataStore: routing by topic and every non-book store, with v5 message shapes."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from pybotters_like.exchanges.bybit.store import BybitDataStore

TRADE = {
    "topic": "publicTrade.BTCUSDT",
    "type": "snapshot",
    "ts": 1672304486868,
    "data": [
        {
            "T": 1672304486865,
            "s": "BTCUSDT",
            "S": "Buy",
            "v": "0.001",
            "p": "16578.50",
            "L": "PlusTick",
            "i": "20f43950-d8dd-5b31-9112-a178eb6023af",
            "BT": False,
            "seq": 1783284617,
        }
    ],
}
TICKER_SNAPSHOT = {
    "topic": "tickers.BTCUSDT",
    "type": "snapshot",
    "ts": 1760325052630,
    "cs": 9532239429,
    "data": {
        "symbol": "BTCUSDT",
        "tickDirection": "MinusTick",
        "lastPrice": "66666.60",
        "markPrice": "66666.60",
        "bid1Price": "66666.60",
        "bid1Size": "23789.165",
        "ask1Price": "66666.70",
        "ask1Size": "23775.469",
    },
}
TICKER_DELTA = {
    "topic": "tickers.BTCUSDT",
    "type": "delta",
    "data": {"symbol": "BTCUSDT", "bid1Price": "79114.50", "bid1Size": "1.496"},
    "cs": 793092205004,
    "ts": 1787590405983,
}
KLINE = {
    "topic": "kline.5.BTCUSDT",
    "type": "snapshot",
    "ts": 1672324988882,
    "data": [
        {
            "start": 1672324800000,
            "end": 1672325099999,
            "interval": "5",
            "open": "16649.5",
            "close": "16677",
            "high": "16677",
            "low": "16608",
            "volume": "2.081",
            "turnover": "34666.4005",
            "confirm": False,
            "timestamp": 1672324988882,
        }
    ],
}
ALL_LIQUIDATION = {
    "topic": "allLiquidation.ROSEUSDT",
    "type": "snapshot",
    "ts": 1739502303204,
    "data": [{"T": 1739502302929, "s": "ROSEUSDT", "S": "Sell", "v": "20000", "p": "0.04499"}],
}


def order(order_id: str, status: str, **extra: Any) -> dict[str, Any]:
    row = {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderId": order_id,
        "orderLinkId": "",
        "side": "Buy",
        "orderType": "Limit",
        "price": "30000",
        "qty": "0.01",
        "timeInForce": "GTC",
        "orderStatus": status,
        "cancelType": "UNKNOWN",
        "rejectReason": "EC_NoError",
        "leavesQty": "0.01",
        "cumExecQty": "0",
        "positionIdx": 0,
        "createdTime": "1672364262444",
        "updatedTime": "1672364262457",
    }
    row.update(extra)
    return row


def private(topic: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "5923240c6880ab-c59f",
        "topic": topic,
        "creationTime": 1672364262474,
        "data": data,
    }


def test_store_names_and_properties_follow_pybotters() -> None:
    store = BybitDataStore()
    assert store.orderbook is store["orderbook"]
    assert store.trade is store["publicTrade"]
    assert store.ticker is store["tickers"]
    assert store.kline is store["kline"]
    assert store.all_liquidation is store["allLiquidation"]
    assert store.liquidation is store["liquidation"]
    assert store.position is store["position"]
    assert store.execution is store["execution"]
    assert store.order is store["order"]
    assert store.wallet is store["wallet"]
    assert store.greek is store["greeks"]
    assert store.orderbook.keys == ("s", "S", "p")
    assert store.position.keys == ("symbol", "positionIdx")
    assert store.order.keys == ("orderId",)
    assert store.wallet.keys == ("accountType",)
    assert store.kline.keys == ("symbol", "start", "end")


def test_public_trade_appends_rows() -> None:
    store = BybitDataStore()
    store.onmessage(TRADE)
    store.onmessage(TRADE)
    assert len(store.trade) == 2
    assert store.trade.find()[0] == TRADE["data"][0]


def test_ticker_snapshot_then_delta_merges_changed_fields_only() -> None:
    store = BybitDataStore()
    store.onmessage(TICKER_SNAPSHOT)
    store.onmessage(TICKER_DELTA)
    row = store.ticker.get({"symbol": "BTCUSDT"})
    assert row is not None
    assert row["bid1Price"] == "79114.50"
    assert row["bid1Size"] == "1.496"
    assert row["lastPrice"] == "66666.60"  # unchanged field kept
    assert len(store.ticker) == 1


def test_ticker_snapshot_replaces_the_row() -> None:
    store = BybitDataStore()
    store.onmessage(TICKER_SNAPSHOT)
    spot = {"topic": "tickers.BTCUSDT", "type": "snapshot", "ts": 1, "data": {"symbol": "BTCUSDT"}}
    store.onmessage(spot)
    assert store.ticker.find() == [{"symbol": "BTCUSDT"}]


def test_kline_rows_carry_the_symbol_and_update_in_place() -> None:
    store = BybitDataStore()
    msg = copy.deepcopy(KLINE)
    store.onmessage(KLINE)
    closed = copy.deepcopy(KLINE)
    closed["data"][0].update(close="16680", confirm=True)
    store.onmessage(closed)
    assert msg == KLINE  # not mutated (pybotters rewrites msg["data"])
    rows = store.kline.find()
    assert len(rows) == 1
    assert rows[0]["symbol"] == "BTCUSDT"
    assert (rows[0]["close"], rows[0]["confirm"]) == ("16680", True)


def test_all_liquidation() -> None:
    store = BybitDataStore()
    store.onmessage(ALL_LIQUIDATION)
    assert store.all_liquidation.find() == ALL_LIQUIDATION["data"]


def test_order_lifecycle_removes_terminal_orders() -> None:
    store = BybitDataStore()
    store.onmessage(private("order", [order("o1", "New"), order("o2", "New")]))
    store.onmessage(private("order", [order("o1", "PartiallyFilled", cumExecQty="0.005")]))
    row = store.order.get({"orderId": "o1"})
    assert row is not None
    assert (row["orderStatus"], row["cumExecQty"]) == ("PartiallyFilled", "0.005")
    store.onmessage(private("order", [order("o1", "Filled")]))
    assert [r["orderId"] for r in store.order] == ["o2"]
    store.onmessage(private("order.linear", [order("o2", "Cancelled")]))
    assert len(store.order) == 0


@pytest.mark.parametrize(
    "status", ["Rejected", "PartiallyFilledCanceled", "Deactivated", "Triggered", "Cancelled"]
)
def test_order_terminal_statuses(status: str) -> None:
    store = BybitDataStore()
    store.onmessage(private("order", [order("o1", "New")]))
    store.onmessage(private("order", [order("o1", status)]))
    assert store.order.get({"orderId": "o1"}) is None


def test_order_terminal_status_removes_rows_sharing_the_order_link_id() -> None:
    store = BybitDataStore()
    store.onmessage(
        private(
            "order",
            [
                order("tp", "Untriggered", orderLinkId="oco-1"),
                order("sl", "New", orderLinkId="oco-1"),
            ],
        )
    )
    store.onmessage(private("order", [order("tp", "Deactivated", orderLinkId="oco-1")]))
    assert len(store.order) == 0


def test_order_filled_twice_after_a_cancel_race_is_harmless() -> None:
    store = BybitDataStore()
    store.onmessage(private("order", [order("o1", "New")]))
    store.onmessage(private("order", [order("o1", "Filled")]))
    race = order(
        "o1", "Filled", cancelType="CancelByUser", rejectReason="EC_OrigClOrdIDDoesNotExist"
    )
    store.onmessage(private("order", [race]))
    assert len(store.order) == 0


def test_execution_appends_every_fill() -> None:
    store = BybitDataStore()
    fill = {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderId": "9aac161b",
        "side": "Sell",
        "execId": "0ab1bdf7",
        "execPrice": "95900.1",
        "execQty": "0.5",
        "execType": "Trade",
        "execTime": "1746270400353",
        "seq": 140612148849382,
    }
    store.onmessage(private("execution", [fill, {**fill, "execId": "0ab1bdf8"}]))
    assert [r["execId"] for r in store.execution] == ["0ab1bdf7", "0ab1bdf8"]


def test_position_keyed_per_symbol_and_position_idx() -> None:
    store = BybitDataStore()
    base = {
        "category": "linear",
        "symbol": "BTCUSDT",
        "leverage": "10",
        "markPrice": "28184.5",
        "positionStatus": "Normal",
        "seq": 8327597863,
    }
    store.onmessage(
        private(
            "position",
            [
                {**base, "positionIdx": 1, "side": "Buy", "size": "0.1", "entryPrice": "28000"},
                {**base, "positionIdx": 2, "side": "Sell", "size": "0.2", "entryPrice": "28100"},
            ],
        )
    )
    store.onmessage(
        private(
            "position", [{**base, "positionIdx": 2, "side": "", "size": "0", "entryPrice": "0"}]
        )
    )
    rows = {r["positionIdx"]: (r["side"], r["size"]) for r in store.position}
    assert rows == {1: ("Buy", "0.1"), 2: ("", "0")}


def test_wallet_keeps_coins_missing_from_a_push() -> None:
    store = BybitDataStore()
    account = {"accountType": "UNIFIED", "totalEquity": "100"}
    btc = {"coin": "BTC", "walletBalance": "0.001"}
    usdt = {"coin": "USDT", "walletBalance": "50"}
    first = private("wallet", [{**account, "coin": [btc, usdt]}])
    store.onmessage(first)
    snapshot = copy.deepcopy(first)
    push = {**account, "totalEquity": "101", "coin": [{"coin": "BTC", "walletBalance": "0.002"}]}
    store.onmessage(private("wallet", [push]))
    assert first == snapshot
    row = store.wallet.get({"accountType": "UNIFIED"})
    assert row is not None
    assert row["totalEquity"] == "101"
    assert {c["coin"]: c["walletBalance"] for c in row["coin"]} == {"BTC": "0.002", "USDT": "50"}


def test_op_responses_are_quiet_and_failed_acks_logged(caplog: pytest.LogCaptureFixture) -> None:
    store = BybitDataStore()
    caplog.set_level(logging.DEBUG, logger="pybotters_like")
    store.onmessage({"success": True, "ret_msg": "", "conn_id": "c1", "op": "subscribe"})
    store.onmessage({"success": True, "ret_msg": "pong", "conn_id": "c1", "op": "ping"})
    store.onmessage({"req_id": "1", "op": "pong", "args": ["1675418560633"], "conn_id": "c2"})
    store.onmessage({"success": True, "ret_msg": "", "op": "auth", "conn_id": "c3"})
    assert caplog.records == []
    failed = {
        "success": False,
        "ret_msg": "error:handler not found,topic:orderbook.500.BTCUSDT",
        "conn_id": "c1",
        "req_id": "",
        "op": "subscribe",
    }
    store.onmessage(failed)
    assert store.failed_acks == 1
    assert "orderbook.500.BTCUSDT" in caplog.text


def test_unknown_topic_logged_once_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    store = BybitDataStore()
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        store.onmessage({"topic": "spread.orderbook.XYZ", "type": "snapshot", "data": {}})
    store.onmessage({"topic": "orderbook.rpi.BTCUSDT", "type": "snapshot", "data": {}})
    assert store.unknown_topics == {"spread": 3, "orderbook.rpi": 1}
    assert caplog.text.count("unsupported topic=spread") == 1


def test_malformed_message_is_counted_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    store = BybitDataStore()
    caplog.set_level(logging.WARNING)
    store.onmessage({"topic": "orderbook.50.BTCUSDT", "type": "delta"})  # no data
    store.onmessage({"topic": "publicTrade.BTCUSDT", "type": "snapshot", "data": None})
    store.onmessage(["not", "a", "dict"])
    assert store.malformed == {"orderbook": 1, "publicTrade": 1}
    assert store.unknown_topics == {"<list>": 1}
    store.onmessage(TRADE)  # and the store keeps working
    assert len(store.trade) == 1
