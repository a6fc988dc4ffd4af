"""Orders, fills, balances and positions through the real Client."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pybotters_like
from pybotters_like.sandbox import Sandbox

BTC = {"category": "linear", "symbol": "BTCUSDT"}


async def _post(client: pybotters_like.Client, path: str, **body: Any) -> dict[str, Any]:
    r = await client.fetch("POST", path, data={**BTC, **body})
    assert r.response.status == 200
    return r.data  # type: ignore[no-any-return]


async def _get(client: pybotters_like.Client, path: str, **params: Any) -> dict[str, Any]:
    r = await client.fetch("GET", path, params=params)
    assert r.response.status == 200
    return r.data  # type: ignore[no-any-return]


async def _order(client: pybotters_like.Client, order_id: str) -> dict[str, Any]:
    data = await _get(client, "/v5/order/realtime", category="linear", orderId=order_id)
    return data["result"]["list"][0]  # type: ignore[no-any-return]


async def test_limit_order_rests_then_cancels(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    placed = await _post(
        client, "/v5/order/create", side="Buy", orderType="Limit", qty="0.01", price="50000",
        orderLinkId="my-1",
    )  # fmt: skip
    assert placed["retCode"] == 0, placed
    order_id = placed["result"]["orderId"]
    assert placed["result"]["orderLinkId"] == "my-1"
    order = await _order(client, order_id)
    assert order["orderStatus"] == "New"
    assert order["leavesQty"] == "0.010"
    assert ("50000.0", "0.010") in sandbox.book_digest("BTCUSDT")[0]
    opened = await _get(client, "/v5/order/realtime", category="linear", symbol="BTCUSDT")
    assert [o["orderId"] for o in opened["result"]["list"]] == [order_id]
    cancelled = await _post(client, "/v5/order/cancel", orderLinkId="my-1")
    assert cancelled["retCode"] == 0
    assert (await _order(client, order_id))["orderStatus"] == "Cancelled"
    again = await _post(client, "/v5/order/cancel", orderId=order_id)
    assert (again["retCode"], again["retMsg"]) == (110001, "order not exists or too late to cancel")
    hist = await _get(client, "/v5/order/history", category="linear", symbol="BTCUSDT")
    assert hist["result"]["list"][0]["orderStatus"] == "Cancelled"


async def test_amend_price_and_qty(client: pybotters_like.Client, sandbox: Sandbox) -> None:
    placed = await _post(
        client, "/v5/order/create", side="Sell", orderType="Limit", qty="0.02", price="70000"
    )
    order_id = placed["result"]["orderId"]
    amended = await _post(client, "/v5/order/amend", orderId=order_id, price="69000", qty="0.03")
    assert amended["retCode"] == 0, amended
    order = await _order(client, order_id)
    assert (order["price"], order["qty"]) == ("69000.0", "0.030")
    asks = dict(sandbox.book_digest("BTCUSDT")[1])
    assert asks.get("69000.0") == "0.030"
    assert "70000.0" not in asks
    same = await _post(client, "/v5/order/amend", orderId=order_id, price="69000")
    assert (same["retCode"], same["retMsg"]) == (10001, "order not modified")
    missing = await _post(client, "/v5/order/amend", orderId="nope", price="1")
    assert missing["retCode"] == 110001


async def test_market_order_fills_and_moves_balance_and_position(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    best_ask = sandbox.book_digest("BTCUSDT", depth=1)[1][0]
    placed = await _post(client, "/v5/order/create", side="Buy", orderType="Market", qty="0.005")
    order = await _order(client, placed["result"]["orderId"])
    assert order["orderStatus"] == "Filled"
    assert order["cumExecQty"] == "0.005"
    assert Decimal(order["avgPrice"]) == Decimal(best_ask[0])
    execs = await _get(client, "/v5/execution/list", category="linear", symbol="BTCUSDT")
    fill = execs["result"]["list"][0]
    assert fill["execQty"] == "0.005"
    assert fill["isMaker"] is False
    fee = Decimal(fill["execFee"])
    assert fee == Decimal(fill["execValue"]) * Decimal(fill["feeRate"])
    pos = await _get(client, "/v5/position/list", category="linear", symbol="BTCUSDT")
    row = pos["result"]["list"][0]
    assert (row["side"], row["size"]) == ("Buy", "0.005")
    wallet = await _get(client, "/v5/account/wallet-balance", accountType="UNIFIED")
    usdt = wallet["result"]["list"][0]["coin"][0]
    assert Decimal(usdt["walletBalance"]) == Decimal(100_000) - fee
    # Close it: realised PnL goes to the wallet, position is flat.
    await _post(client, "/v5/order/create", side="Sell", orderType="Market", qty="0.005")
    pos = await _get(client, "/v5/position/list", category="linear", symbol="BTCUSDT")
    assert (pos["result"]["list"][0]["side"], pos["result"]["list"][0]["size"]) == ("", "0.000")
    flat = await _get(client, "/v5/position/list", category="linear", settleCoin="USDT")
    assert flat["result"]["list"] == []


async def test_two_accounts_trade_with_each_other(
    client: pybotters_like.Client, sandbox: Sandbox, clock: Any
) -> None:
    sandbox.create_account("maker-key", "maker-secret", balances={"USDT": 50_000})
    bid = Decimal(sandbox.book_digest("BTCUSDT", depth=1)[0][0][0])
    inside = str(bid + Decimal("0.1"))  # one tick above the best bid: inside the spread
    async with pybotters_like.Client(
        apis={"bybit": ["maker-key", "maker-secret"]}, base_url=sandbox.rest_url,
        connector=sandbox.connector(), clock=clock,
    ) as maker:  # fmt: skip
        made = await _post(
            maker, "/v5/order/create", side="Sell", orderType="Limit", qty="0.01", price=inside,
            timeInForce="PostOnly",
        )  # fmt: skip
        assert made["retCode"] == 0
        taken = await _post(
            client, "/v5/order/create", side="Buy", orderType="Limit", qty="0.004", price=inside,
            timeInForce="IOC",
        )  # fmt: skip
        taker_order = await _order(client, taken["result"]["orderId"])
        assert taker_order["orderStatus"] == "Filled"
        assert Decimal(taker_order["avgPrice"]) == Decimal(inside)
        maker_order = await _order(maker, made["result"]["orderId"])
        assert (maker_order["orderStatus"], maker_order["leavesQty"]) == (
            "PartiallyFilled",
            "0.006",
        )
        maker_fill = (await _get(maker, "/v5/execution/list", category="linear"))["result"]["list"]
        assert maker_fill[0]["isMaker"] is True
        assert maker_fill[0]["feeRate"] == "0.0002"


async def test_post_only_that_would_cross_is_cancelled(
    client: pybotters_like.Client, sandbox: Sandbox
) -> None:
    ask = sandbox.book_digest("BTCUSDT", depth=1)[1][0][0]
    placed = await _post(
        client, "/v5/order/create", side="Buy", orderType="Limit", qty="0.01", price=ask,
        timeInForce="PostOnly",
    )  # fmt: skip
    assert placed["retCode"] == 0  # an ack; the outcome is on the order
    order = await _order(client, placed["result"]["orderId"])
    assert (order["orderStatus"], order["rejectReason"]) == (
        "Cancelled",
        "EC_PostOnlyWillTakeLiquidity",
    )


async def test_cancel_all(client: pybotters_like.Client) -> None:
    for price in ("40000", "40001"):
        await _post(
            client, "/v5/order/create", side="Buy", orderType="Limit", qty="0.01", price=price
        )
    done = await _post(client, "/v5/order/cancel-all")
    assert done["retCode"] == 0
    assert done["result"]["success"] == "1"
    assert len(done["result"]["list"]) == 2
    opened = await _get(client, "/v5/order/realtime", category="linear", symbol="BTCUSDT")
    assert opened["result"]["list"] == []


async def test_business_errors(client: pybotters_like.Client) -> None:
    broke = await _post(client, "/v5/order/create", side="Buy", orderType="Limit", qty="100",
                        price="60000")  # fmt: skip
    assert (broke["retCode"], broke["retMsg"]) == (110007, "ab not enough for new order")
    await _post(client, "/v5/order/create", side="Buy", orderType="Limit", qty="0.01",
                price="40000", orderLinkId="dup")  # fmt: skip
    dup = await _post(client, "/v5/order/create", side="Buy", orderType="Limit", qty="0.01",
                      price="40000", orderLinkId="dup")  # fmt: skip
    assert (dup["retCode"], dup["retMsg"]) == (110072, "OrderLinkedID is duplicate")
    no_qty = await _post(client, "/v5/order/create", side="Buy", orderType="Limit", price="1")
    assert no_qty["retCode"] == 10001
    assert "qty" in no_qty["retMsg"]
    bad_symbol = await client.fetch(
        "POST", "/v5/order/create",
        data={"category": "linear", "symbol": "NOPE", "side": "Buy", "orderType": "Market",
              "qty": "1"},
    )  # fmt: skip
    assert bad_symbol.data["retCode"] == 10001
    wrong_account = await _get(client, "/v5/account/wallet-balance", accountType="CONTRACT")
    assert wrong_account["retCode"] == 10001
