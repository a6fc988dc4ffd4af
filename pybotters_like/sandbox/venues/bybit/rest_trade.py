"""Bybit v5 private endpoints: orders, executions, positions, wallet (bybit_v5.md §5.7-5.15).

Owns request validation and result shapes of create/amend/cancel/cancel-all
(POST) and realtime/history/execution list/position list/wallet-balance
(GET). Trading goes through the core :class:`Exchange`; its
:class:`OrderError` reasons are mapped to Bybit codes by :func:`order_error`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...exchange import OrderError
from ...orders import Order
from .envelope import BybitError, order_error
from .params import Call, page
from .shapes import execution_item, order_item, position_item, wallet_account

__all__ = ["GET_ROUTES", "POST_ROUTES"]

Handler = Callable[[Call], Any]
_TIF = ("GTC", "IOC", "FOK", "PostOnly")


def _ack(order: Order) -> dict[str, str]:
    return {"orderId": order.order_id, "orderLinkId": order.link_id}


def _flag(call: Call, name: str) -> bool:
    value = call.params.get(name, False)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def create_order(call: Call) -> dict[str, str]:
    """``POST /v5/order/create`` (linear; one-way mode)."""
    call.category()
    inst = call.instrument()
    side = call.text("side")
    if side not in ("Buy", "Sell"):
        raise BybitError(10001, "params error: side invalid")
    order_type = call.text("orderType")
    if order_type not in ("Limit", "Market"):
        raise BybitError(10001, "params error: orderType invalid")
    qty = call.lots(inst)
    if qty is None:
        raise BybitError(10001, "params error: qty is required")
    price = call.ticks(inst)
    if order_type == "Limit" and price is None:
        raise BybitError(10001, "params error: price is required")
    tif = call.text("timeInForce", "GTC")
    if tif not in _TIF:
        raise BybitError(10001, "params error: timeInForce invalid")
    if int(call.params.get("positionIdx", 0) or 0) != 0:
        raise BybitError(10001, "position idx not match position mode")
    try:
        order = call.exchange.place_order(
            call.me.key, inst.symbol, "Buy" if side == "Buy" else "Sell", order_type, qty,
            price, tif, call.text("orderLinkId", ""), _flag(call, "reduceOnly"),  # type: ignore[arg-type]
        )  # fmt: skip
    except OrderError as exc:
        raise order_error(exc.reason, exc.detail, "create") from None
    return _ack(order)


def amend_order(call: Call) -> dict[str, str]:
    """``POST /v5/order/amend``: ``qty`` and/or ``price``."""
    call.category()
    inst = call.instrument()
    try:
        order = call.exchange.amend_order(
            call.me.key, inst.symbol, call.optional("orderId"), call.optional("orderLinkId"),
            call.lots(inst), call.ticks(inst),
        )  # fmt: skip
    except OrderError as exc:
        raise order_error(exc.reason, exc.detail, "amend") from None
    return _ack(order)


def cancel_order(call: Call) -> dict[str, str]:
    """``POST /v5/order/cancel``."""
    call.category()
    inst = call.instrument()
    try:
        order = call.exchange.cancel_order(
            call.me.key, inst.symbol, call.optional("orderId"), call.optional("orderLinkId")
        )
    except OrderError as exc:
        raise order_error(exc.reason, exc.detail, "cancel") from None
    return _ack(order)


def cancel_all(call: Call) -> dict[str, Any]:
    """``POST /v5/order/cancel-all``: linear needs ``symbol``, ``baseCoin`` or ``settleCoin``."""
    call.category()
    symbols = _scope(call)
    cancelled: list[Order] = []
    with call.exchange.batch():
        for symbol in symbols:
            cancelled += call.exchange.cancel_all(call.me.key, symbol)
    return {"list": [_ack(o) for o in cancelled], "success": "1"}


def _scope(call: Call) -> list[str]:
    """Symbols selected by symbol > baseCoin > settleCoin (one is required)."""
    symbol = call.optional("symbol")
    if symbol is not None:
        return [call.instrument().symbol]
    base, settle = call.optional("baseCoin"), call.optional("settleCoin")
    if base is None and settle is None:
        raise BybitError(10001, "params error: symbol or settleCoin is required")
    return [
        s
        for s, i in call.exchange.instruments.items()
        if (base is not None and i.base == base) or (base is None and i.quote == settle)
    ]


def _orders(call: Call, history: bool) -> dict[str, Any]:
    category = call.category()
    me = call.me
    order_id, link_id = call.optional("orderId"), call.optional("orderLinkId")
    if order_id or link_id:
        try:
            found = [call.exchange.find_order(me.key, None, order_id, link_id)]
        except OrderError:
            found = []
    else:
        symbols = set(_scope(call))
        found = [o for o in reversed(me.orders.values()) if o.symbol in symbols]
        if not history and call.params.get("openOnly", "0") in ("0", 0):
            found = [o for o in found if o.is_open]
        status = call.optional("orderStatus")
        if history and status is not None:
            found = [o for o in found if o.status == status]
    chunk, following = page(found, call, 20, 50)
    items = [order_item(o, call.exchange.instruments[o.symbol]) for o in chunk]
    return {"category": category, "nextPageCursor": following, "list": items}


def realtime(call: Call) -> dict[str, Any]:
    """``GET /v5/order/realtime``: open orders (or one order by id), newest first."""
    return _orders(call, history=False)


def history(call: Call) -> dict[str, Any]:
    """``GET /v5/order/history``: every order kept, newest first."""
    return _orders(call, history=True)


def executions(call: Call) -> dict[str, Any]:
    """``GET /v5/execution/list``: newest first."""
    category = call.category()
    symbol, order_id = call.optional("symbol"), call.optional("orderId")
    link_id = call.optional("orderLinkId")
    found = [
        e
        for e in reversed(call.me.executions)
        if (symbol is None or e.order.symbol == symbol)
        and (order_id is None or e.order.order_id == order_id)
        and (link_id is None or e.order.link_id == link_id)
    ]
    chunk, following = page(found, call, 50, 100)
    items = [execution_item(e, call.exchange.instruments[e.order.symbol]) for e in chunk]
    return {"category": category, "nextPageCursor": following, "list": items}


def positions(call: Call) -> dict[str, Any]:
    """``GET /v5/position/list``: with ``symbol`` even when flat; with ``settleCoin`` non-zero."""
    category = call.category()
    me = call.me
    if call.optional("symbol") is not None:
        rows = [me.position(call.instrument().symbol)]
    else:
        symbols = _scope(call)
        rows = [me.positions[s] for s in symbols if s in me.positions and me.positions[s].size]
    chunk, following = page(rows, call, 20, 200)
    items = [
        position_item(p, call.exchange.instruments[p.symbol], call.exchange.mark_price(p.symbol))
        for p in chunk
    ]
    return {"category": category, "nextPageCursor": following, "list": items}


def wallet_balance(call: Call) -> dict[str, Any]:
    """``GET /v5/account/wallet-balance?accountType=UNIFIED[&coin=USDT,BTC]``."""
    if call.text("accountType") != "UNIFIED":
        raise BybitError(10001, "accountType only support UNIFIED.")
    coins = call.optional("coin")
    chosen = coins.split(",") if coins else None
    return {"list": [wallet_account(call.me, call.exchange, chosen)]}


POST_ROUTES: dict[str, Handler] = {
    "/v5/order/create": create_order,
    "/v5/order/amend": amend_order,
    "/v5/order/cancel": cancel_order,
    "/v5/order/cancel-all": cancel_all,
}
"""Signed POST routes."""

GET_ROUTES: dict[str, Handler] = {
    "/v5/order/realtime": realtime,
    "/v5/order/history": history,
    "/v5/execution/list": executions,
    "/v5/position/list": positions,
    "/v5/account/wallet-balance": wallet_balance,
}
"""Signed GET routes."""
