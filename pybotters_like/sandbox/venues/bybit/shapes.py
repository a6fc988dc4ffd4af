"""Bybit v5 JSON shapes of orders, executions, positions, wallets, tickers and trades.

Owns the translation of core records (ticks, lots, Decimals) into Bybit's
field names and string formats (bybit_v5.md §5, §7, §8). Pure functions; the
REST handlers and WS streams share them so both channels always agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...accounts import Account, Position, decimal_str
from ...exchange import Exchange
from ...instruments import Instrument
from ...orders import Execution, Order, Trade

__all__ = [
    "execution_item",
    "order_item",
    "position_item",
    "public_trade_item",
    "recent_trade_item",
    "ticker_item",
    "wallet_account",
]


def order_item(order: Order, inst: Instrument, *, ws: bool = False) -> dict[str, Any]:
    """An order as in ``/v5/order/realtime`` (``ws=True`` adds the WS-only fields)."""
    avg = inst.value(order.cum_value) / inst.qty(order.cum_qty) if order.cum_qty else None
    item: dict[str, Any] = {
        "orderId": order.order_id,
        "orderLinkId": order.link_id,
        "blockTradeId": "",
        "symbol": order.symbol,
        "price": inst.price_str(order.price),
        "qty": inst.qty_str(order.qty),
        "side": order.side,
        "isLeverage": "",
        "positionIdx": 0,
        "orderStatus": order.status,
        "createType": "CreateByUser",
        "cancelType": order.cancel_type,
        "rejectReason": order.reject_reason,
        "avgPrice": decimal_str(avg) if avg is not None else "0",
        "leavesQty": inst.qty_str(order.leaves if order.is_open else 0),
        "leavesValue": decimal_str(inst.value(order.leaves * order.price))
        if order.is_open
        else "0",
        "cumExecQty": inst.qty_str(order.cum_qty),
        "cumExecValue": decimal_str(inst.value(order.cum_value)),
        "cumExecFee": order.cum_fee,
        "timeInForce": order.time_in_force,
        "orderType": order.order_type,
        "stopOrderType": "",
        "orderIv": "",
        "triggerPrice": "",
        "takeProfit": "",
        "stopLoss": "",
        "tpTriggerBy": "",
        "slTriggerBy": "",
        "triggerDirection": 0,
        "triggerBy": "",
        "lastPriceOnCreated": "",
        "reduceOnly": order.reduce_only,
        "closeOnTrigger": False,
        "smpType": "None",
        "smpGroup": 0,
        "smpOrderId": "",
        "tpslMode": "",
        "tpLimitPrice": "",
        "slLimitPrice": "",
        "placeType": "",
        "createdTime": str(order.created_ms),
        "updatedTime": str(order.updated_ms),
        "cumFeeDetail": {inst.quote: order.cum_fee} if order.cum_qty else {},
    }
    if ws:
        item["category"] = order.category
        item["feeCurrency"] = ""
        item["closedPnl"] = "0"
    return item


def execution_item(execution: Execution, inst: Instrument, *, ws: bool = False) -> dict[str, Any]:
    """A fill as in ``/v5/execution/list`` (``ws=True`` adds ``category``)."""
    order = execution.order
    item: dict[str, Any] = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderLinkId": order.link_id,
        "side": order.side,
        "orderPrice": inst.price_str(order.price),
        "orderQty": inst.qty_str(order.qty),
        "leavesQty": inst.qty_str(order.leaves),
        "createType": "CreateByUser",
        "orderType": order.order_type,
        "stopOrderType": "",
        "execFee": execution.fee,
        "execId": execution.exec_id,
        "execPrice": inst.price_str(execution.price),
        "execQty": inst.qty_str(execution.qty),
        "execType": "Trade",
        "execValue": execution.value,
        "execTime": str(execution.time_ms),
        "feeCurrency": inst.quote,
        "isMaker": execution.is_maker,
        "feeRate": execution.fee_rate,
        "tradeIv": "",
        "markIv": "",
        "markPrice": execution.mark_price,
        "indexPrice": "",
        "underlyingPrice": "",
        "blockTradeId": "",
        "closedSize": execution.closed_size,
        "execPnl": execution.exec_pnl,
        "seq": execution.seq,
    }
    if ws:
        item["category"] = order.category
    return item


def position_item(
    pos: Position, inst: Instrument, mark: Decimal, *, ws: bool = False
) -> dict[str, Any]:
    """A position as in ``/v5/position/list`` (REST ``avgPrice``; WS ``entryPrice``)."""
    im = pos.initial_margin
    item: dict[str, Any] = {
        "positionIdx": 0,
        "riskId": 1,
        "riskLimitValue": "2000000",
        "symbol": pos.symbol,
        "side": pos.side,
        "size": inst.qty_str(inst.lots(abs(pos.size))),
        "avgPrice": decimal_str(pos.avg_price),
        "positionValue": decimal_str(pos.value),
        "tradeMode": 0,
        "positionStatus": "Normal",
        "autoAddMargin": 0,
        "adlRankIndicator": 2 if pos.size else 0,
        "leverage": decimal_str(pos.leverage),
        "positionBalance": decimal_str(im),
        "markPrice": inst.price_str(inst.ticks(mark)) if mark else "0",
        "liqPrice": "",
        "bustPrice": "",
        "positionMM": decimal_str(im / 10),
        "positionIM": decimal_str(im),
        "tpslMode": "Full",
        "takeProfit": "0",
        "stopLoss": "0",
        "trailingStop": "0",
        "unrealisedPnl": decimal_str(pos.unrealised(mark)),
        "curRealisedPnl": decimal_str(pos.cur_realised),
        "cumRealisedPnl": decimal_str(pos.cum_realised),
        "seq": pos.seq,
        "isReduceOnly": False,
        "createdTime": str(pos.created_ms),
        "updatedTime": str(pos.updated_ms),
    }
    if ws:
        item["category"] = "linear"
        item["entryPrice"] = item.pop("avgPrice")
        item["breakEvenPrice"] = item["entryPrice"]
    return item


def wallet_account(
    account: Account, exchange: Exchange, coins: list[str] | None = None
) -> dict[str, Any]:
    """The UNIFIED account object of ``/v5/account/wallet-balance`` and the ``wallet`` topic."""
    instruments = exchange.instruments
    marks = exchange.marks()
    names = coins if coins else [c for c, v in account.balances.items() if v]
    rows = []
    totals = dict.fromkeys(("equity", "wallet", "available", "upl", "im", "om"), Decimal(0))
    for coin in names:
        wallet = account.balances.get(coin, Decimal(0))
        equity = account.equity(coin, marks, instruments)
        order_im = account.order_margin(coin, instruments)
        pos_im = account.position_margin(coin, instruments)
        upl = equity - wallet
        rate = account.usd_rate(coin)
        rows.append(
            {
                "coin": coin,
                "equity": decimal_str(equity),
                "usdValue": decimal_str(equity * rate),
                "walletBalance": decimal_str(wallet),
                "free": "",
                "locked": "0",
                "spotHedgingQty": "0",
                "borrowAmount": "0",
                "availableToWithdraw": "",
                "availableToBorrow": "",
                "accruedInterest": "0",
                "totalOrderIM": decimal_str(order_im),
                "totalPositionIM": decimal_str(pos_im),
                "totalPositionMM": decimal_str(pos_im / 10),
                "unrealisedPnl": decimal_str(upl),
                "cumRealisedPnl": decimal_str(account.cum_realised.get(coin, Decimal(0))),
                "bonus": "0",
                "marginCollateral": True,
                "collateralSwitch": True,
                "spotBorrow": "0",
            }
        )
        totals["equity"] += equity * rate
        totals["wallet"] += wallet * rate
        totals["available"] += (wallet - order_im - pos_im) * rate
        totals["upl"] += upl * rate
        totals["im"] += (order_im + pos_im) * rate
        totals["om"] += pos_im / 10 * rate
    return {
        "accountType": "UNIFIED",
        "accountIMRate": "0",
        "accountMMRate": "0",
        "totalEquity": decimal_str(totals["equity"]),
        "totalWalletBalance": decimal_str(totals["wallet"]),
        "totalMarginBalance": decimal_str(totals["equity"]),
        "totalAvailableBalance": decimal_str(totals["available"]),
        "totalPerpUPL": decimal_str(totals["upl"]),
        "totalInitialMargin": decimal_str(totals["im"]),
        "totalMaintenanceMargin": decimal_str(totals["om"]),
        "accountLTV": "0",
        "coin": rows,
    }


def ticker_item(exchange: Exchange, symbol: str) -> dict[str, str]:
    """A linear ticker (REST list item and WS ``tickers`` data share it)."""
    inst = exchange.instruments[symbol]
    stats = exchange.stats[symbol]
    book = exchange.engines[symbol].book
    bid, ask = book.best("Buy"), book.best("Sell")
    last = inst.price(stats.last_price)
    prev = inst.price(stats.start_price)
    mid = inst.price(bid + ask) / 2 if bid is not None and ask is not None else last
    return {
        "symbol": symbol,
        "tickDirection": stats.tick_direction,
        "lastPrice": inst.price_str(stats.last_price),
        "indexPrice": decimal_str(mid, inst.price_scale + 1),
        "markPrice": inst.price_str(stats.last_price),
        "prevPrice24h": inst.price_str(stats.start_price),
        "price24hPcnt": decimal_str((last - prev) / prev, 6) if prev else "0",
        "highPrice24h": inst.price_str(stats.high),
        "lowPrice24h": inst.price_str(stats.low),
        "prevPrice1h": inst.price_str(stats.start_price),
        "openInterest": "0",
        "openInterestValue": "0",
        "turnover24h": decimal_str(inst.value(stats.turnover), 4),
        "volume24h": inst.qty_str(stats.volume),
        "fundingRate": "0.0001",
        "nextFundingTime": "0",
        "predictedDeliveryPrice": "",
        "basisRate": "",
        "basis": "",
        "deliveryFeeRate": "",
        "deliveryTime": "0",
        "bid1Price": inst.price_str(bid) if bid is not None else "",
        "bid1Size": inst.qty_str(book.size_at("Buy", bid)) if bid is not None else "",
        "ask1Price": inst.price_str(ask) if ask is not None else "",
        "ask1Size": inst.qty_str(book.size_at("Sell", ask)) if ask is not None else "",
        "fundingIntervalHour": "8",
    }


def public_trade_item(trade: Trade, inst: Instrument) -> dict[str, Any]:
    """One ``publicTrade`` data item; ``i`` is the contiguous per-symbol trade id."""
    return {
        "T": trade.time_ms,
        "s": trade.symbol,
        "S": trade.taker_side,
        "v": inst.qty_str(trade.qty),
        "p": inst.price_str(trade.price),
        "L": trade.tick_direction,
        "i": str(trade.trade_id),
        "BT": False,
        "RPI": False,
        "seq": trade.seq,
    }


def recent_trade_item(trade: Trade, inst: Instrument) -> dict[str, Any]:
    """One ``/v5/market/recent-trade`` item."""
    return {
        "execId": str(trade.trade_id),
        "symbol": trade.symbol,
        "price": inst.price_str(trade.price),
        "size": inst.qty_str(trade.qty),
        "side": trade.taker_side,
        "time": str(trade.time_ms),
        "isBlockTrade": False,
        "isRPITrade": False,
        "seq": str(trade.seq),
    }
