"""Bybit v5 REST envelope, error codes and rate-limit headers (server side).

Owns the exact response shapes of bybit_v5.md §3-4: compact JSON envelope
``{retCode, retMsg, result, retExtInfo, time}`` (HTTP 200 for business errors,
``result``/``retExtInfo`` empty on errors), the retCode/retMsg for each core
:class:`~pybotters_like.sandbox.exchange.OrderError` reason, and the
``X-Bapi-Limit*`` headers with the per-UID, per-endpoint one-second window.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from aiohttp import web

__all__ = [
    "BybitError",
    "RateLimiter",
    "dumps",
    "envelope_response",
    "order_error",
]


def dumps(obj: Any) -> str:
    """Compact JSON, as Bybit sends it."""
    return json.dumps(obj, separators=(",", ":"))


class BybitError(Exception):
    """A business error answered as ``{"retCode": code, "retMsg": msg, ...}``."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg


def envelope_response(
    result: Any,
    now_ms: int,
    *,
    code: int = 0,
    msg: str = "OK",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """The v5 envelope as an HTTP response (``result``/``retExtInfo`` ``{}`` on errors)."""
    body = {
        "retCode": code,
        "retMsg": msg,
        "result": result if code == 0 else {},
        "retExtInfo": {},
        "time": now_ms,
    }
    return web.Response(
        text=dumps(body), status=status, content_type="application/json", headers=headers
    )


_NOT_FOUND = {
    "cancel": "order not exists or too late to cancel",
    "amend": "order not exists or too late to replace",
}


def order_error(reason: str, detail: str, action: str) -> BybitError:
    """Map a core ``OrderError`` reason to Bybit's retCode and retMsg."""
    if reason == "unknown_symbol":
        return BybitError(10001, "params error: symbol invalid")
    if reason == "invalid_param":
        return BybitError(10001, f"params error: {detail} invalid")
    if reason == "qty_too_small":
        return BybitError(10001, "The number of contracts exceeds minimum limit allowed")
    if reason == "insufficient_balance":
        return BybitError(110007, "ab not enough for new order")
    if reason == "duplicate_link_id":
        return BybitError(110072, "OrderLinkedID is duplicate")
    if reason == "order_not_found":
        return BybitError(110001, _NOT_FOUND.get(action, "Order does not exist"))
    if reason == "not_modified":
        return BybitError(10001, "order not modified")
    if reason == "reduce_only":
        return BybitError(110017, "current position is zero, cannot fix reduce-only order qty")
    return BybitError(10016, "Internal System Error.")


_LIMITS = {
    "/v5/order/create": 10,
    "/v5/order/amend": 10,
    "/v5/order/cancel": 10,
    "/v5/order/cancel-all": 10,
}
DEFAULT_LIMIT = 50


class RateLimiter:
    """Per-UID, per-endpoint rolling one-second windows (bybit_v5.md §4.1).

    Headers are always computed; requests over the limit are refused only
    when ``enforce`` is true (off by default so tests with a frozen clock
    can place many orders).
    """

    def __init__(self, enforce: bool = False) -> None:
        self.enforce = enforce
        self._hits: dict[tuple[str, str], deque[int]] = {}

    def hit(self, key: str, path: str, now_ms: int) -> tuple[bool, dict[str, str]]:
        """Count one request; returns ``(allowed, headers)``."""
        limit = _LIMITS.get(path, DEFAULT_LIMIT)
        window = self._hits.setdefault((key, path), deque())
        while window and window[0] <= now_ms - 1000:
            window.popleft()
        allowed = len(window) < limit or not self.enforce
        if allowed:
            window.append(now_ms)
        remaining = max(0, limit - len(window))
        reset = window[0] + 1000 if not allowed and window else now_ms
        return allowed, rate_limit_headers(limit, remaining, reset)


def rate_limit_headers(limit: int, remaining: int, reset_ms: int) -> dict[str, str]:
    """The three ``X-Bapi-Limit*`` headers."""
    return {
        "X-Bapi-Limit": str(limit),
        "X-Bapi-Limit-Status": str(remaining),
        "X-Bapi-Limit-Reset-Timestamp": str(reset_ms),
    }


RATE_LIMIT_CODE = 10006
RATE_LIMIT_MSG = "Too many visits. Exceeded the API Rate Limit."
