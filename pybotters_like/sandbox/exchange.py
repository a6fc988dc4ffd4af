"""The venue-agnostic exchange: instruments, engines, accounts and change events.

Owns the authoritative state of the sandbox and every state-changing
operation (place, amend, cancel, cancel-all, synthetic market activity). Each
operation, or each :meth:`Exchange.batch`, ends by handing one :class:`Changes`
record to the registered listeners (the venues), which turn it into wire
messages. Validation failures raise :class:`OrderError` with a neutral
``reason`` that each venue maps to its own error codes. No I/O here.
"""

from __future__ import annotations

import random
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from .accounts import MAKER_FEE, TAKER_FEE, Account, decimal_str
from .instruments import Instrument
from .matching import Fill, MatchingEngine
from .orders import Execution, Order, Side, TimeInForce, Trade

__all__ = ["AccountEvents", "Changes", "Exchange", "ExchangeListener", "OrderError", "SymbolStats"]

_LINK_ID = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
RECENT_TRADES = 1000
MARKET_PROTECTION = Decimal("0.05")


class OrderError(Exception):
    """An order request the exchange refuses.

    ``reason`` is one of ``unknown_symbol``, ``invalid_param``, ``qty_too_small``,
    ``insufficient_balance``, ``duplicate_link_id``, ``order_not_found``,
    ``not_modified``, ``reduce_only``; ``detail`` names the field.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class AccountEvents:
    """What changed for one account in one operation, in order."""

    orders: list[Order] = field(default_factory=list)
    executions: list[Execution] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    wallet: bool = False

    def touch_position(self, symbol: str) -> None:
        """Mark the position of ``symbol`` as changed (once)."""
        if symbol not in self.positions:
            self.positions.append(symbol)


@dataclass
class Changes:
    """Everything one operation changed: books, public trades, account events."""

    books: list[str] = field(default_factory=list)
    trades: dict[str, list[Trade]] = field(default_factory=dict)
    accounts: dict[str, AccountEvents] = field(default_factory=dict)

    def book(self, symbol: str) -> None:
        """Mark the book of ``symbol`` as changed (once)."""
        if symbol not in self.books:
            self.books.append(symbol)

    def account(self, key: str) -> AccountEvents:
        """The events record of one account (created on first use)."""
        events = self.accounts.get(key)
        if events is None:
            events = self.accounts[key] = AccountEvents()
        return events


class ExchangeListener(Protocol):
    """A venue: receives every :class:`Changes` record, synchronously, in order."""

    def on_changes(self, changes: Changes) -> None:
        """Turn ``changes`` into messages (queue them; never block)."""


@dataclass
class SymbolStats:
    """Running public statistics of one symbol (ticks and lots)."""

    start_price: int
    last_price: int
    high: int
    low: int
    volume: int = 0
    turnover: int = 0
    tick_direction: str = "ZeroPlusTick"
    last_trade_id: int = 0
    seq: int = 0


class Exchange:
    """Authoritative state: ``instruments``, ``engines``, ``accounts``, ``stats``."""

    def __init__(
        self, instruments: list[Instrument], clock: Callable[[], float], seed: int
    ) -> None:
        self.instruments = {i.symbol: i for i in instruments}
        self.engines = {i.symbol: MatchingEngine(i.symbol) for i in instruments}
        self.accounts: dict[str, Account] = {}
        self.recent_trades: dict[str, deque[Trade]] = {
            s: deque(maxlen=RECENT_TRADES) for s in self.instruments
        }
        self.stats: dict[str, SymbolStats] = {}
        for inst in instruments:
            start = inst.ticks(inst.start_price)
            self.stats[inst.symbol] = SymbolStats(start, start, start, start)
        self.listeners: list[ExchangeListener] = []
        self.clock = clock
        self._ids = random.Random(f"{seed}:ids")
        self._synthetic_ids = 0
        self._exec_seq = 0
        self._pending: Changes | None = None

    # -- helpers -----------------------------------------------------------------------

    def now_ms(self) -> int:
        """Server time in ms (from the injected clock)."""
        return round(self.clock() * 1000)

    def new_id(self) -> str:
        """A fresh UUID-shaped id (deterministic for a given seed and history)."""
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def mark_price(self, symbol: str) -> Decimal:
        """Mark price: the last trade price."""
        return self.instruments[symbol].price(self.stats[symbol].last_price)

    def marks(self) -> dict[str, Decimal]:
        """Mark prices of every symbol."""
        return {s: self.mark_price(s) for s in self.instruments}

    def account(self, key: str) -> Account:
        """The account of API key ``key`` (KeyError when unknown)."""
        return self.accounts[key]

    @contextmanager
    def batch(self) -> Iterator[Changes]:
        """Group several operations into one :class:`Changes` dispatch."""
        if self._pending is not None:
            yield self._pending
            return
        changes = self._pending = Changes()
        try:
            yield changes
        finally:
            self._pending = None
            if changes.books or changes.trades or changes.accounts:
                for listener in self.listeners:
                    listener.on_changes(changes)

    # -- orders ----------------------------------------------------------------------------

    def place_order(
        self,
        owner: str | None,
        symbol: str,
        side: Side,
        order_type: str,
        qty: int,
        price: int | None,
        time_in_force: TimeInForce = "GTC",
        link_id: str = "",
        reduce_only: bool = False,
    ) -> Order:
        """Validate, match and (maybe) rest an order; returns it in its final state."""
        inst = self.instruments.get(symbol)
        if inst is None:
            raise OrderError("unknown_symbol", symbol)
        engine = self.engines[symbol]
        account = self.accounts[owner] if owner is not None else None
        if order_type == "Market":
            time_in_force = "IOC"
            price = self._protection_price(symbol, side)
        elif price is None or price <= 0:
            raise OrderError("invalid_param", "price")
        if account is not None:
            qty = self._check_new_order(account, inst, side, qty, price, link_id, reduce_only)
            order_id = self.new_id()
        else:
            self._synthetic_ids += 1
            order_id = f"mm-{self._synthetic_ids}"
        now = self.now_ms()
        order = Order(
            order_id, symbol, side, "Market" if order_type == "Market" else "Limit", price, qty,
            time_in_force, owner, link_id, reduce_only, created_ms=now, updated_ms=now,
        )  # fmt: skip
        if account is not None:
            account.orders[order_id] = order
            if link_id:
                account.link_ids[link_id] = order_id
        with self.batch() as changes:
            fills = engine.submit(order)
            self._settle(inst, fills, changes, now)
            if order.is_open or fills:
                self._book_changed(changes, symbol)
            self._after_order_op(order, changes)
        return order

    def _protection_price(self, symbol: str, side: Side) -> int:
        inst = self.instruments[symbol]
        book = self.engines[symbol].book
        ref = book.best("Sell" if side == "Buy" else "Buy") or self.stats[symbol].last_price
        factor = 1 + MARKET_PROTECTION if side == "Buy" else 1 - MARKET_PROTECTION
        return max(1, int(inst.price(ref) * factor / inst.tick_size))

    def _check_new_order(
        self, account: Account, inst: Instrument, side: Side, qty: int, price: int,
        link_id: str, reduce_only: bool,
    ) -> int:  # fmt: skip
        if qty < inst.min_lots:
            raise OrderError("qty_too_small", "qty")
        if link_id and not _LINK_ID.match(link_id):
            raise OrderError("invalid_param", "orderLinkId")
        if link_id in account.link_ids:
            raise OrderError("duplicate_link_id", link_id)
        pos = account.position(inst.symbol)
        reducing = pos.size != 0 and (pos.size > 0) != (side == "Buy")
        if reduce_only:
            if not reducing:
                raise OrderError("reduce_only", inst.symbol)
            qty = min(qty, inst.lots(abs(pos.size)))
            return qty
        if reducing and inst.qty(qty) <= abs(pos.size):
            return qty
        notional = inst.value(qty * price)
        required = notional / pos.leverage + notional * TAKER_FEE
        if account.available(inst.quote, self.instruments) < required:
            raise OrderError("insufficient_balance", inst.quote)
        return qty

    def _book_changed(self, changes: Changes, symbol: str) -> None:
        # ``seq`` is the cross sequence: it moves on every book change and every trade.
        self.stats[symbol].seq += 1
        changes.book(symbol)

    def _after_order_op(self, order: Order, changes: Changes) -> None:
        if order.owner is None:
            return
        order.updated_ms = self.now_ms()
        events = changes.account(order.owner)
        events.orders.append(order.snapshot())
        events.touch_position(order.symbol)
        events.wallet = True

    def _settle(self, inst: Instrument, fills: list[Fill], changes: Changes, now: int) -> None:
        stats = self.stats[inst.symbol]
        for fill in fills:
            stats.seq += 1
            stats.last_trade_id += 1
            if fill.price > stats.last_price:
                stats.tick_direction = "PlusTick"
            elif fill.price < stats.last_price:
                stats.tick_direction = "MinusTick"
            elif stats.tick_direction in ("PlusTick", "MinusTick"):
                stats.tick_direction = "Zero" + stats.tick_direction
            stats.last_price = fill.price
            stats.high = max(stats.high, fill.price)
            stats.low = min(stats.low, fill.price)
            stats.volume += fill.qty
            stats.turnover += fill.qty * fill.price
            trade = Trade(
                inst.symbol, stats.last_trade_id, fill.price, fill.qty, fill.taker.side, now,
                stats.seq, stats.tick_direction,
            )  # fmt: skip
            self.recent_trades[inst.symbol].append(trade)
            changes.trades.setdefault(inst.symbol, []).append(trade)
            for order, is_maker in ((fill.maker, True), (fill.taker, False)):
                if order.owner is not None:
                    self._book_execution(inst, order, fill, is_maker, changes, now, stats.seq)
        for fill in fills:
            if fill.maker.owner is not None:
                fill.maker.updated_ms = now
                events = changes.account(fill.maker.owner)
                events.orders.append(fill.maker.snapshot())

    def _book_execution(
        self, inst: Instrument, order: Order, fill: Fill, is_maker: bool, changes: Changes,
        now: int, seq: int,
    ) -> None:  # fmt: skip
        account = self.accounts[order.owner or ""]
        price, qty = inst.price(fill.price), inst.qty(fill.qty)
        value = price * qty
        rate = MAKER_FEE if is_maker else TAKER_FEE
        fee = value * rate
        closed, pnl = account.apply_fill(inst, price, qty, order.is_buy, fee, now)
        order.cum_fee = decimal_str(Decimal(order.cum_fee) + fee)
        self._exec_seq += 1
        execution = Execution(
            self.new_id(), order.snapshot(), fill.price, fill.qty, decimal_str(value),
            decimal_str(fee), decimal_str(rate), is_maker, now, seq,
            closed_size=inst.qty_str(inst.lots(closed)) if closed else "0",
            exec_pnl=decimal_str(pnl), mark_price=inst.price_str(fill.price),
        )  # fmt: skip
        account.position(inst.symbol).seq = seq
        account.executions.append(execution)
        events = changes.account(account.key)
        events.executions.append(execution)
        events.touch_position(inst.symbol)
        events.wallet = True

    def find_order(
        self, owner: str, symbol: str | None, order_id: str | None, link_id: str | None
    ) -> Order:
        """Look up an account's order by id (wins) or link id; ``order_not_found`` else."""
        account = self.accounts[owner]
        if order_id:
            order = account.orders.get(order_id)
        elif link_id:
            order = account.orders.get(account.link_ids.get(link_id, ""))
        else:
            raise OrderError("invalid_param", "orderId or orderLinkId")
        if order is None or (symbol is not None and order.symbol != symbol):
            raise OrderError("order_not_found")
        return order

    def cancel_order(
        self, owner: str, symbol: str, order_id: str | None, link_id: str | None
    ) -> Order:
        """Cancel one open order of ``owner``."""
        order = self.find_order(owner, symbol, order_id, link_id)
        if not order.is_open:
            raise OrderError("order_not_found")
        with self.batch() as changes:
            self.engines[order.symbol].cancel(order.order_id)
            self._book_changed(changes, order.symbol)
            self._after_order_op(order, changes)
        return order

    def cancel_all(self, owner: str, symbol: str | None) -> list[Order]:
        """Cancel every open order of ``owner`` (of one symbol when given)."""
        cancelled = []
        with self.batch():
            for order in self.accounts[owner].open_orders(symbol):
                cancelled.append(self.cancel_order(owner, order.symbol, order.order_id, None))
        return cancelled

    def amend_order(
        self, owner: str, symbol: str, order_id: str | None, link_id: str | None,
        qty: int | None, price: int | None,
    ) -> Order:  # fmt: skip
        """Change qty and/or price of an open order (``not_modified`` if neither changes)."""
        order = self.find_order(owner, symbol, order_id, link_id)
        if not order.is_open:
            raise OrderError("order_not_found")
        if (qty is None or qty == order.qty) and (price is None or price == order.price):
            raise OrderError("not_modified")
        if qty is not None and qty <= order.cum_qty:
            raise OrderError("invalid_param", "qty")
        if price is not None and price <= 0:
            raise OrderError("invalid_param", "price")
        inst = self.instruments[order.symbol]
        now = self.now_ms()
        with self.batch() as changes:
            fills = self.engines[order.symbol].amend(order, price, qty)
            self._settle(inst, fills, changes, now)
            self._book_changed(changes, order.symbol)
            self._after_order_op(order, changes)
        return order

    # -- synthetic market --------------------------------------------------------------

    def cancel_synthetic(self, order: Order) -> None:
        """Withdraw a market-generator order."""
        with self.batch() as changes:
            self.engines[order.symbol].cancel(order.order_id)
            self._book_changed(changes, order.symbol)
