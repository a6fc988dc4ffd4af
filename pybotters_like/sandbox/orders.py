"""Orders, trades and executions: the records the matching engine produces.

Owns the plain data types shared by the engine, the accounts and the venues.
Status, time-in-force and reject-reason names use Bybit v5's vocabulary
(``New``/``PartiallyFilled``/``Filled``/``Cancelled``/``Rejected``; ``GTC``/
``IOC``/``FOK``/``PostOnly``), which other venues map to their own words.
No behaviour lives here beyond small derived properties.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "OPEN_STATUSES",
    "Execution",
    "Order",
    "Side",
    "TimeInForce",
    "Trade",
]

Side = Literal["Buy", "Sell"]
TimeInForce = Literal["GTC", "IOC", "FOK", "PostOnly"]

OPEN_STATUSES = frozenset({"New", "PartiallyFilled"})
"""Statuses of orders that still rest on (or are entering) the book."""


@dataclass
class Order:
    """One order. ``owner`` is an account key, or ``None`` for the market generator.

    Prices are integer ticks, sizes integer lots (see :class:`~.instruments.Instrument`).
    ``price`` of a market order is its protection price.
    """

    order_id: str
    symbol: str
    side: Side
    order_type: Literal["Limit", "Market"]
    price: int
    qty: int
    time_in_force: TimeInForce
    owner: str | None = None
    link_id: str = ""
    reduce_only: bool = False
    leaves: int = 0
    cum_qty: int = 0
    cum_value: int = 0
    cum_fee: str = "0"
    status: str = "New"
    reject_reason: str = "EC_NoError"
    cancel_type: str = "UNKNOWN"
    created_ms: int = 0
    updated_ms: int = 0
    category: str = "linear"

    def __post_init__(self) -> None:
        if self.leaves == 0 and self.cum_qty == 0:
            self.leaves = self.qty

    @property
    def is_open(self) -> bool:
        """True while the order can still trade."""
        return self.status in OPEN_STATUSES

    @property
    def is_buy(self) -> bool:
        """True for buy orders."""
        return self.side == "Buy"

    def snapshot(self) -> Order:
        """A copy frozen at this moment (events carry snapshots, not live orders)."""
        return dataclasses.replace(self)


@dataclass(frozen=True)
class Trade:
    """A public trade: ``trade_id`` counts 1, 2, 3 ... per symbol with no gaps."""

    symbol: str
    trade_id: int
    price: int
    qty: int
    taker_side: Side
    time_ms: int
    seq: int
    tick_direction: str


@dataclass(frozen=True)
class Execution:
    """One fill as seen by one account (maker or taker side of a trade)."""

    exec_id: str
    order: Order
    price: int
    qty: int
    value: str
    fee: str
    fee_rate: str
    is_maker: bool
    time_ms: int
    seq: int
    closed_size: str = "0"
    exec_pnl: str = "0"
    mark_price: str = "0"
    extra: dict[str, str] = field(default_factory=dict)
