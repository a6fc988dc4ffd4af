"""Accounts: API credentials, wallet balances, linear positions, orders, executions.

Owns the bookkeeping of one trader: what they hold, what they owe in margin
and what each fill does to their wallet and position (one-way mode, linear
contracts settled in the quote coin, fixed leverage). Knows no exchange
format and no matching rules; :mod:`.exchange` calls :meth:`Account.apply_fill`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from .instruments import Instrument
from .orders import Execution, Order

__all__ = ["MAKER_FEE", "TAKER_FEE", "Account", "Position", "decimal_str"]

TAKER_FEE = Decimal("0.00055")
MAKER_FEE = Decimal("0.0002")
DEFAULT_LEVERAGE = Decimal(10)
HISTORY_LIMIT = 5000
_STABLE = frozenset({"USDT", "USDC", "USD"})


def decimal_str(value: Decimal, places: int = 8) -> str:
    """Plain (non-scientific) decimal string with at most ``places`` decimals."""
    quantized = value.quantize(Decimal(1).scaleb(-places))
    text = format(quantized, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class Position:
    """A one-way linear position: ``size`` > 0 long, < 0 short, 0 flat."""

    symbol: str
    size: Decimal = Decimal(0)
    avg_price: Decimal = Decimal(0)
    leverage: Decimal = DEFAULT_LEVERAGE
    cum_realised: Decimal = Decimal(0)
    cur_realised: Decimal = Decimal(0)
    created_ms: int = 0
    updated_ms: int = 0
    seq: int = -1

    @property
    def side(self) -> str:
        """``Buy`` (long), ``Sell`` (short) or ``""`` (flat)."""
        return "Buy" if self.size > 0 else "Sell" if self.size < 0 else ""

    @property
    def value(self) -> Decimal:
        """Notional at entry price."""
        return abs(self.size) * self.avg_price

    @property
    def initial_margin(self) -> Decimal:
        """Margin held by the position."""
        return self.value / self.leverage

    def unrealised(self, mark: Decimal) -> Decimal:
        """Unrealised PnL at ``mark``."""
        return (mark - self.avg_price) * self.size if self.size else Decimal(0)


@dataclass
class Account:
    """One API key's account. Create it with ``Sandbox.create_account``."""

    key: str
    secret: str
    uid: int
    balances: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    link_ids: dict[str, str] = field(default_factory=dict)
    executions: deque[Execution] = field(default_factory=lambda: deque(maxlen=HISTORY_LIMIT))
    cum_realised: dict[str, Decimal] = field(default_factory=dict)

    def position(self, symbol: str) -> Position:
        """The position of ``symbol`` (a flat one is created on first use)."""
        pos = self.positions.get(symbol)
        if pos is None:
            pos = self.positions[symbol] = Position(symbol)
        return pos

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        """Open orders, newest first, optionally of one symbol."""
        found = [
            o for o in self.orders.values() if o.is_open and (symbol is None or o.symbol == symbol)
        ]
        return found[::-1]

    def order_margin(self, coin: str, instruments: dict[str, Instrument]) -> Decimal:
        """Initial margin held by open, non-reduce-only orders settled in ``coin``."""
        total = Decimal(0)
        for order in self.orders.values():
            inst = instruments[order.symbol]
            if order.is_open and not order.reduce_only and inst.quote == coin:
                notional = inst.value(order.leaves * order.price)
                total += notional / self.position(order.symbol).leverage
        return total

    def position_margin(self, coin: str, instruments: dict[str, Instrument]) -> Decimal:
        """Initial margin held by positions settled in ``coin``."""
        return sum(
            (p.initial_margin for s, p in self.positions.items() if instruments[s].quote == coin),
            Decimal(0),
        )

    def available(self, coin: str, instruments: dict[str, Instrument]) -> Decimal:
        """Wallet balance minus order and position margin."""
        return (
            self.balances.get(coin, Decimal(0))
            - self.order_margin(coin, instruments)
            - self.position_margin(coin, instruments)
        )

    def apply_fill(
        self, inst: Instrument, price: Decimal, qty: Decimal, is_buy: bool, fee: Decimal, now: int
    ) -> tuple[Decimal, Decimal]:
        """Book one fill: fee, position change and realised PnL.

        Returns ``(closed_size, realised_pnl)``.
        """
        coin = inst.quote
        pos = self.position(inst.symbol)
        signed = qty if is_buy else -qty
        closed = Decimal(0)
        pnl = Decimal(0)
        if pos.size and (pos.size > 0) != is_buy:
            closed = min(abs(pos.size), qty)
            direction = Decimal(1) if pos.size > 0 else Decimal(-1)
            pnl = (price - pos.avg_price) * closed * direction
            remaining = abs(pos.size) - closed
            opened = qty - closed
            if remaining:
                pos.size = remaining * direction
            elif opened:
                pos.size, pos.avg_price = signed / qty * opened, price
            else:
                pos.size, pos.avg_price = Decimal(0), Decimal(0)
        else:
            new_size = abs(pos.size) + qty
            pos.avg_price = (abs(pos.size) * pos.avg_price + qty * price) / new_size
            pos.size += signed
        if pos.created_ms == 0:
            pos.created_ms = now
        pos.updated_ms = now
        pos.cur_realised += pnl - fee
        pos.cum_realised += pnl - fee
        self.balances[coin] = self.balances.get(coin, Decimal(0)) + pnl - fee
        self.cum_realised[coin] = self.cum_realised.get(coin, Decimal(0)) + pnl - fee
        return closed, pnl

    def equity(
        self, coin: str, marks: dict[str, Decimal], instruments: dict[str, Instrument]
    ) -> Decimal:
        """Wallet balance plus unrealised PnL of ``coin``-settled positions."""
        upl = sum(
            (
                p.unrealised(marks.get(s, p.avg_price))
                for s, p in self.positions.items()
                if instruments[s].quote == coin
            ),
            Decimal(0),
        )
        return self.balances.get(coin, Decimal(0)) + upl

    @staticmethod
    def usd_rate(coin: str) -> Decimal:
        """USD value of one ``coin`` (stable coins 1; others are not priced: 0)."""
        return Decimal(1) if coin in _STABLE else Decimal(0)
