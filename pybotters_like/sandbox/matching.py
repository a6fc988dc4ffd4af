"""Price-time priority order book and matching engine for one symbol.

Owns the resting orders of one symbol and the matching rules (limit/market,
GTC/IOC/FOK/PostOnly, amend and cancel). Works in integer ticks and lots; it
sets order status fields but knows nothing of accounts, balances, clocks or
any exchange's wire format (the :mod:`.exchange` turns fills into trades and
account events).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import deque
from dataclasses import dataclass

from .orders import Order

__all__ = ["Fill", "MatchingEngine", "OrderBook"]


@dataclass(frozen=True)
class Fill:
    """``qty`` lots traded at the maker's ``price``."""

    maker: Order
    taker: Order
    price: int
    qty: int


class _Level:
    __slots__ = ("orders", "total")

    def __init__(self) -> None:
        self.orders: deque[Order] = deque()
        self.total = 0


class OrderBook:
    """Resting orders of one symbol, best price first, FIFO within a price.

    ``levels("Buy")`` lists ``(price_ticks, total_lots)`` best first.
    """

    def __init__(self) -> None:
        self._sides: dict[str, dict[int, _Level]] = {"Buy": {}, "Sell": {}}
        # Both price lists ascending; the best bid is the last, the best ask the first.
        self._prices: dict[str, list[int]] = {"Buy": [], "Sell": []}

    def best(self, side: str) -> int | None:
        """Best price of ``side`` ("Buy" = bids, "Sell" = asks), or None when empty."""
        prices = self._prices[side]
        if not prices:
            return None
        return prices[-1] if side == "Buy" else prices[0]

    def add(self, order: Order) -> None:
        """Queue ``order`` at the back of its price level."""
        levels = self._sides[order.side]
        level = levels.get(order.price)
        if level is None:
            level = levels[order.price] = _Level()
            bisect.insort(self._prices[order.side], order.price)
        level.orders.append(order)
        level.total += order.leaves

    def remove(self, order: Order, lots: int) -> None:
        """Take ``order`` (which had ``lots`` resting) out of the book."""
        levels = self._sides[order.side]
        level = levels[order.price]
        level.orders.remove(order)
        level.total -= lots
        if not level.orders:
            self._drop_level(order.side, order.price)

    def shrink(self, order: Order, lots: int) -> None:
        """Reduce the resting size of ``order`` by ``lots`` keeping its priority."""
        level = self._sides[order.side][order.price]
        level.total -= lots

    def _drop_level(self, side: str, price: int) -> None:
        del self._sides[side][price]
        prices = self._prices[side]
        prices.pop(bisect.bisect_left(prices, price))

    def level_orders(self, side: str, price: int) -> deque[Order]:
        """The FIFO queue at one price (empty deque when none)."""
        level = self._sides[side].get(price)
        return level.orders if level is not None else deque()

    def size_at(self, side: str, price: int) -> int:
        """Total resting lots at ``price`` on ``side`` (0 when none)."""
        level = self._sides[side].get(price)
        return level.total if level is not None else 0

    def levels(self, side: str, depth: int | None = None) -> list[tuple[int, int]]:
        """``(price, lots)`` pairs of ``side``, best first, at most ``depth`` of them."""
        prices = self._prices[side]
        if side == "Buy":
            chosen = prices[::-1] if depth is None else prices[: -depth - 1 : -1]
        else:
            chosen = prices if depth is None else prices[:depth]
        levels = self._sides[side]
        return [(p, levels[p].total) for p in chosen]

    def depth(self, side: str) -> int:
        """Number of price levels on ``side``."""
        return len(self._prices[side])

    def price_at(self, side: str, index: int) -> int:
        """Price of the ``index``-th best level of ``side`` (0 = best)."""
        prices = self._prices[side]
        return prices[-1 - index] if side == "Buy" else prices[index]

    def digest(self) -> str:
        """SHA-256 over every level (both sides): equal books give equal digests."""
        text = repr((self.levels("Buy"), self.levels("Sell")))
        return hashlib.sha256(text.encode()).hexdigest()


def _crosses(order: Order, price: int) -> bool:
    return price <= order.price if order.is_buy else price >= order.price


class MatchingEngine:
    """Matches orders of one symbol with price-time priority.

    The engine updates ``leaves``/``cum_qty``/``cum_value``/``status`` of the
    orders involved and returns the fills; it never touches accounts.
    """

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.book = OrderBook()
        self.resting: dict[str, Order] = {}

    def opposite_liquidity(self, order: Order, limit: int | None = None) -> int:
        """Lots on the opposite side that ``order`` could take at its price (capped)."""
        side = "Sell" if order.is_buy else "Buy"
        total = 0
        for price, lots in self.book.levels(side):
            if not _crosses(order, price):
                break
            total += lots
            if limit is not None and total >= limit:
                break
        return total

    def would_cross(self, order: Order) -> bool:
        """True when ``order`` would take liquidity on arrival."""
        best = self.book.best("Sell" if order.is_buy else "Buy")
        return best is not None and _crosses(order, best)

    def submit(self, order: Order) -> list[Fill]:
        """Match ``order`` and rest any remainder that its time-in-force allows."""
        if order.time_in_force == "PostOnly" and self.would_cross(order):
            order.status = "Cancelled"
            order.reject_reason = "EC_PostOnlyWillTakeLiquidity"
            return []
        if (
            order.time_in_force == "FOK"
            and self.opposite_liquidity(order, order.leaves) < order.leaves
        ):
            order.status = "Cancelled"
            order.reject_reason = "EC_CancelForNoFullFill"
            return []
        fills = self._take(order)
        if order.leaves == 0:
            order.status = "Filled"
        elif order.time_in_force in ("IOC", "FOK") or order.order_type == "Market":
            order.status = "Cancelled"
            if not fills:
                order.reject_reason = "EC_NoImmediateQtyToFill"
        else:
            order.status = "PartiallyFilled" if fills else "New"
            self.book.add(order)
            self.resting[order.order_id] = order
        return fills

    def _take(self, taker: Order) -> list[Fill]:
        fills: list[Fill] = []
        side = "Sell" if taker.is_buy else "Buy"
        book = self.book
        while taker.leaves > 0:
            best = book.best(side)
            if best is None or not _crosses(taker, best):
                break
            queue = book.level_orders(side, best)
            maker = queue[0]
            qty = min(maker.leaves, taker.leaves)
            for o in (maker, taker):
                o.leaves -= qty
                o.cum_qty += qty
                o.cum_value += qty * best
            if maker.leaves == 0:
                maker.status = "Filled"
                book.remove(maker, qty)
                del self.resting[maker.order_id]
            else:
                maker.status = "PartiallyFilled"
                book.shrink(maker, qty)
            fills.append(Fill(maker, taker, best, qty))
        if fills:
            taker.status = "Filled" if taker.leaves == 0 else "PartiallyFilled"
        return fills

    def cancel(self, order_id: str) -> Order | None:
        """Remove a resting order; returns it (status ``Cancelled``) or None if unknown."""
        order = self.resting.pop(order_id, None)
        if order is None:
            return None
        self.book.remove(order, order.leaves)
        order.status = "Cancelled"
        order.cancel_type = "CancelByUser"
        return order

    def amend(self, order: Order, price: int | None, qty: int | None) -> list[Fill]:
        """Change price and/or total qty of a resting order.

        A new price, or a larger qty, sends the order to the back of the queue
        (and may match it); a smaller qty keeps its priority.
        """
        new_qty = order.qty if qty is None else qty
        new_leaves = new_qty - order.cum_qty
        if price is None or price == order.price:
            if new_leaves <= order.leaves:
                self.book.shrink(order, order.leaves - new_leaves)
                order.qty, order.leaves = new_qty, new_leaves
                return []
            price = order.price
        self.book.remove(order, order.leaves)
        del self.resting[order.order_id]
        order.price, order.qty, order.leaves = price, new_qty, new_leaves
        if order.time_in_force == "PostOnly" and self.would_cross(order):
            order.status = "Cancelled"
            order.reject_reason = "EC_PostOnlyWillTakeLiquidity"
            return []
        fills = self._take(order)
        if order.leaves > 0:
            self.book.add(order)
            self.resting[order.order_id] = order
        return fills
