"""Tradable instruments of the sandbox and the fixed-point units the core uses.

Owns :class:`Instrument` (tick size, quantity step, minimum size, starting price)
and the conversions between decimal strings and the integer units the matching
engine works in: prices in *ticks* and sizes in *lots*. Knows no exchange
protocol; venues format these values the way their exchange does.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

__all__ = ["Instrument", "InvalidNumber", "default_instrument", "format_fixed"]


class InvalidNumber(ValueError):
    """A price or quantity is not a number on the instrument's grid."""


def format_fixed(units: int, scale: int) -> str:
    """Render ``units * 10**-scale`` as a plain decimal string (``12345, 2 -> "123.45"``)."""
    if scale <= 0:
        return str(units * 10 ** (-scale))
    sign = "-" if units < 0 else ""
    digits = str(abs(units)).rjust(scale + 1, "0")
    return f"{sign}{digits[:-scale]}.{digits[-scale:]}"


def _scale_of(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


@dataclass(frozen=True)
class Instrument:
    """A linear (quote-settled) perpetual-style instrument.

    Example:
        >>> Instrument("BTCUSDT", "BTC", "USDT", Decimal("0.1"), Decimal("0.001"),
        ...            Decimal("0.001"), Decimal("60000"))  # doctest: +ELLIPSIS
        Instrument(symbol='BTCUSDT', ...)
    """

    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    qty_step: Decimal
    min_qty: Decimal
    start_price: Decimal
    max_leverage: Decimal = Decimal(100)
    _price_fmt: tuple[int, int] = field(init=False, repr=False, compare=False)
    _qty_fmt: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Integer multipliers from units to the last printed digit: formatting a
        # price is then integer arithmetic (the hot path of every book message).
        price_scale, qty_scale = _scale_of(self.tick_size), _scale_of(self.qty_step)
        object.__setattr__(
            self, "_price_fmt", (int(self.tick_size.scaleb(price_scale)), price_scale)
        )
        object.__setattr__(self, "_qty_fmt", (int(self.qty_step.scaleb(qty_scale)), qty_scale))

    @property
    def price_scale(self) -> int:
        """Number of decimals of a price."""
        return _scale_of(self.tick_size)

    @property
    def qty_scale(self) -> int:
        """Number of decimals of a quantity."""
        return _scale_of(self.qty_step)

    def _units(self, text: object, step: Decimal, what: str) -> int:
        try:
            value = Decimal(str(text))
        except InvalidOperation as exc:
            raise InvalidNumber(f"{what} {text!r} is not a number") from exc
        if not value.is_finite():
            raise InvalidNumber(f"{what} {text!r} is not finite")
        units = value / step
        if units != units.to_integral_value():
            raise InvalidNumber(f"{what} {text} is not a multiple of {step}")
        return int(units)

    def ticks(self, price: object) -> int:
        """Convert a decimal price (str/number) to ticks; raises :class:`InvalidNumber`."""
        return self._units(price, self.tick_size, "price")

    def lots(self, qty: object) -> int:
        """Convert a decimal quantity to lots; raises :class:`InvalidNumber`."""
        return self._units(qty, self.qty_step, "qty")

    def price_str(self, ticks: int) -> str:
        """Format ticks as the instrument's price string."""
        mult, scale = self._price_fmt
        return format_fixed(ticks * mult, scale)

    def qty_str(self, lots: int) -> str:
        """Format lots as the instrument's quantity string."""
        mult, scale = self._qty_fmt
        return format_fixed(lots * mult, scale)

    def price(self, ticks: int) -> Decimal:
        """Ticks as a Decimal price."""
        return self.tick_size * ticks

    def qty(self, lots: int) -> Decimal:
        """Lots as a Decimal quantity."""
        return self.qty_step * lots

    def value(self, ticks_times_lots: int) -> Decimal:
        """Notional of ``sum(ticks * lots)`` in the quote coin."""
        return self.tick_size * self.qty_step * ticks_times_lots

    @property
    def min_lots(self) -> int:
        """The minimum order size in lots."""
        return max(1, int(self.min_qty / self.qty_step))


_KNOWN = {
    "BTC": ("60000", "0.1", "0.001"),
    "ETH": ("3000", "0.01", "0.01"),
    "SOL": ("150", "0.01", "0.1"),
    "XRP": ("0.6", "0.0001", "1"),
    "DOGE": ("0.15", "0.00001", "1"),
}


def default_instrument(symbol: str, rng: random.Random) -> Instrument:
    """A plausible instrument for ``symbol`` (``XXXUSDT``); unknown bases get a seeded price."""
    quote = next((q for q in ("USDT", "USDC", "USD") if symbol.endswith(q)), "USDT")
    base = symbol[: -len(quote)] if symbol.endswith(quote) else symbol
    if base in _KNOWN:
        price, tick, step = (Decimal(x) for x in _KNOWN[base])
    else:
        raw = math.exp(rng.uniform(math.log(0.05), math.log(5000.0)))
        magnitude = math.floor(math.log10(raw))
        tick = Decimal(1).scaleb(magnitude - 4)
        price = (Decimal(repr(raw)) / tick).to_integral_value() * tick
        step = Decimal(1).scaleb(min(0, -(magnitude - 1)))
    return Instrument(symbol, base, quote, tick, step, step, price)
