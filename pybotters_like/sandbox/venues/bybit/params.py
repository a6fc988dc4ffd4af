"""Request parameters of Bybit v5 REST calls: reading, validating, paginating.

Owns :class:`Call` (what a handler receives) and the small validators that
turn missing or malformed fields into Bybit's 10001 errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ...accounts import Account
from ...exchange import Exchange
from ...instruments import Instrument, InvalidNumber
from .envelope import BybitError

__all__ = ["Call", "page"]

T = TypeVar("T")


@dataclass
class Call:
    """One REST call: decoded params, the signed-in account (private), server time."""

    params: dict[str, Any]
    account: Account | None
    now_ms: int
    exchange: Exchange

    @property
    def me(self) -> Account:
        """The authenticated account (private endpoints only)."""
        assert self.account is not None
        return self.account

    def text(self, name: str, default: str | None = None) -> str:
        """A string parameter; a missing one without default is a 10001 error."""
        value = self.params.get(name)
        if value is None or value == "":
            if default is None:
                raise BybitError(10001, f"params error: {name} is required")
            return default
        return str(value)

    def optional(self, name: str) -> str | None:
        """A string parameter or None."""
        value = self.params.get(name)
        return None if value is None or value == "" else str(value)

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        """An integer parameter within ``[low, high]``."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise BybitError(10001, f"params error: {name} invalid") from None
        if not low <= value <= high:
            raise BybitError(10001, f"params error: {name} invalid")
        return value

    def category(self, allowed: Sequence[str] = ("linear",)) -> str:
        """``category`` (required); only ``linear`` instruments are listed."""
        value = self.text("category")
        if value not in ("spot", "linear", "inverse", "option"):
            raise BybitError(10001, "params error: category invalid")
        if value not in allowed:
            raise BybitError(10001, f"params error: category {value} not supported")
        return value

    def instrument(self, name: str = "symbol") -> Instrument:
        """The instrument named by ``symbol`` (required and known)."""
        symbol = self.text(name)
        inst = self.exchange.instruments.get(symbol)
        if inst is None:
            raise BybitError(10001, "params error: symbol invalid")
        return inst

    def lots(self, inst: Instrument, name: str = "qty") -> int | None:
        """A quantity parameter in lots, or None when absent."""
        raw = self.optional(name)
        if raw is None:
            return None
        try:
            lots = inst.lots(raw)
        except InvalidNumber:
            raise BybitError(10001, f"params error: {name} invalid") from None
        if lots <= 0:
            raise BybitError(10001, f"params error: {name} invalid")
        return lots

    def ticks(self, inst: Instrument, name: str = "price") -> int | None:
        """A price parameter in ticks, or None when absent."""
        raw = self.optional(name)
        if raw is None:
            return None
        try:
            ticks = inst.ticks(raw)
        except InvalidNumber:
            raise BybitError(10001, f"params error: {name} invalid") from None
        if ticks <= 0:
            raise BybitError(10001, f"params error: {name} invalid")
        return ticks


def page(items: Sequence[T], call: Call, default: int, high: int) -> tuple[list[T], str]:
    """Slice by ``limit``/``cursor`` (an opaque offset); returns ``(page, nextPageCursor)``."""
    limit = call.integer("limit", default, 1, high)
    cursor = call.optional("cursor")
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise BybitError(10001, "params error: cursor invalid") from None
    chunk = list(items[start : start + limit])
    following = str(start + limit) if start + limit < len(items) else ""
    return chunk, following
