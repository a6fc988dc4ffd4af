"""Matching rules through the core Exchange (no server): priority, TIFs, amend."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pybotters_like.sandbox import Exchange, Instrument, OrderError

INST = Instrument(
    "TESTUSDT", "TEST", "USDT", Decimal("0.1"), Decimal("1"), Decimal("1"), Decimal("100")
)


@pytest.fixture
def ex() -> Exchange:
    exchange = Exchange([INST], lambda: 1_700_000_000.0, seed=1)
    from pybotters_like.sandbox import Account

    for key in ("a", "b", "t"):
        exchange.accounts[key] = Account(key, "s", 1, {"USDT": Decimal(1_000_000)})
    return exchange


def test_price_time_priority(ex: Exchange) -> None:
    first = ex.place_order("a", "TESTUSDT", "Sell", "Limit", 5, 1000)
    second = ex.place_order("b", "TESTUSDT", "Sell", "Limit", 5, 1000)
    better = ex.place_order("b", "TESTUSDT", "Sell", "Limit", 1, 999)
    taker = ex.place_order("t", "TESTUSDT", "Buy", "Limit", 4, 1000, "IOC")
    assert taker.status == "Filled"
    assert better.status == "Filled"
    assert (first.status, first.leaves) == ("PartiallyFilled", 2)
    assert (second.status, second.leaves) == ("New", 5)
    assert ex.stats["TESTUSDT"].last_trade_id == 2


def test_ioc_remainder_cancelled_and_fok_all_or_nothing(ex: Exchange) -> None:
    ex.place_order("a", "TESTUSDT", "Sell", "Limit", 3, 1000)
    fok = ex.place_order("t", "TESTUSDT", "Buy", "Limit", 4, 1000, "FOK")
    assert (fok.status, fok.reject_reason, fok.cum_qty) == (
        "Cancelled", "EC_CancelForNoFullFill", 0,
    )  # fmt: skip
    ioc = ex.place_order("t", "TESTUSDT", "Buy", "Limit", 4, 1000, "IOC")
    assert (ioc.status, ioc.cum_qty) == ("Cancelled", 3)
    empty = ex.place_order("t", "TESTUSDT", "Buy", "Market", 1, None)
    assert (empty.status, empty.reject_reason) == ("Cancelled", "EC_NoImmediateQtyToFill")


def test_amend_down_keeps_priority_and_up_loses_it(ex: Exchange) -> None:
    first = ex.place_order("a", "TESTUSDT", "Buy", "Limit", 5, 900)
    second = ex.place_order("b", "TESTUSDT", "Buy", "Limit", 5, 900)
    ex.amend_order("a", "TESTUSDT", first.order_id, None, 4, None)
    ex.place_order("t", "TESTUSDT", "Sell", "Market", 1, None)
    assert first.cum_qty == 1
    ex.amend_order("a", "TESTUSDT", first.order_id, None, 6, None)  # bigger: back of the queue
    ex.place_order("t", "TESTUSDT", "Sell", "Market", 1, None)
    assert second.cum_qty == 1
    with pytest.raises(OrderError) as info:
        ex.amend_order("a", "TESTUSDT", first.order_id, None, 6, None)
    assert info.value.reason == "not_modified"


def test_positions_and_realised_pnl(ex: Exchange) -> None:
    ex.place_order("a", "TESTUSDT", "Sell", "Limit", 10, 1000)
    ex.place_order("t", "TESTUSDT", "Buy", "Market", 10, None)
    ex.place_order("a", "TESTUSDT", "Buy", "Limit", 10, 1100)
    ex.place_order("t", "TESTUSDT", "Sell", "Market", 4, None)
    pos = ex.accounts["t"].position("TESTUSDT")
    assert pos.size == Decimal(6)
    assert pos.avg_price == Decimal(100)
    # closed 4 at 110 from 100: +40, minus taker fees on both fills
    fees = (Decimal(1000) + Decimal(440)) * Decimal("0.00055")
    assert ex.accounts["t"].balances["USDT"] == Decimal(1_000_000) + 40 - fees
