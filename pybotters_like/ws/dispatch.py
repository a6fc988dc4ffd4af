"""Handler dispatch: hand each received frame to the user's ``hdlr_*`` callables.

Owns the receive hot path after the socket: which handlers get a frame, JSON
decoding (once per frame, shared by every JSON handler), binary-frame decoding,
and isolation of failing handlers. Sync handlers are called directly (no task,
no ``call_soon``); when a handler returns an awaitable, the rest of that frame's
dispatch continues in a coroutine that awaits it in order. Knows no exchange.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from inspect import isawaitable
from typing import Any

from pybotters_like.ws.reporting import RateLimitedLog, excerpt

__all__ = ["KEEPALIVE_WORDS", "Dispatcher", "Handler", "as_list"]

logger = logging.getLogger(__name__)

Handler = Callable[[Any, Any], Any]
"""``handler(message, ws)``; may be ``async def`` (awaited before the next frame)."""

KEEPALIVE_WORDS = frozenset({"ping", "pong", "Ping", "Pong", "PING", "PONG"})
"""Non-JSON text frames that JSON handlers silently skip."""

Loads = Callable[[str | bytes], Any]


def as_list(value: Any, single: tuple[type, ...]) -> list[Any]:
    """Normalise pybotters' "one or a list" arguments (None -> [])."""
    if value is None:
        return []
    if isinstance(value, single) or (callable(value) and not isinstance(value, list)):
        return [value]
    if isinstance(value, list):
        return value
    return list(value)


class Dispatcher:
    """Calls handlers for one app.

    Args:
        hdlr_str: Handlers of TEXT frames (``str``).
        hdlr_bytes: Handlers of BINARY frames (``bytes``).
        hdlr_json: Handlers of parsed JSON (TEXT, and BINARY after ``decode``).
        label: ``exchange url`` text for log lines.
        clock: Seconds; paces repeated log lines.
        decode: Optional binary-frame decoder (e.g. raw deflate).
        loads: JSON parser (default :func:`json.loads`).
    """

    __slots__ = (
        "_bytes",
        "_decode",
        "_json",
        "_loads",
        "_log",
        "_str",
        "decode_errors",
        "handler_errors",
        "label",
    )

    def __init__(
        self,
        hdlr_str: Sequence[Handler],
        hdlr_bytes: Sequence[Handler],
        hdlr_json: Sequence[Handler],
        *,
        label: str,
        clock: Callable[[], float],
        decode: Callable[[bytes], bytes] | None = None,
        loads: Loads = json.loads,
    ) -> None:
        self._str = tuple(hdlr_str)
        self._bytes = tuple(hdlr_bytes)
        self._json = tuple(hdlr_json)
        self._decode = decode
        self._loads = loads
        self._log = RateLimitedLog(logger, clock)
        self.label = label
        self.handler_errors = 0
        self.decode_errors = 0

    @property
    def wants_json(self) -> bool:
        """True when at least one JSON handler exists."""
        return bool(self._json)

    def parse_text(self, data: str) -> tuple[bool, Any]:
        """Parse a TEXT payload; ``(False, None)`` (reported) when it is not JSON."""
        try:
            return True, self._loads(data)
        except ValueError as exc:
            if data.strip() not in KEEPALIVE_WORDS:
                self.decode_errors += 1
                self._log.report(
                    "text-not-json",
                    f"ws {self.label}: text frame is not JSON ({exc}); "
                    f"JSON handlers skipped: {excerpt(data)}",
                )
            return False, None

    def parse_binary(self, data: bytes) -> tuple[bool, Any]:
        """Decode and parse a BINARY payload; ``(False, None)`` (reported) on failure."""
        raw = data
        try:
            if self._decode is not None:
                raw = self._decode(data)
            return True, self._loads(raw)
        except Exception as exc:
            self.decode_errors += 1
            hint = "" if self._decode else " (compressed? no decoder is registered for this host)"
            self._log.report(
                "binary-not-json",
                f"ws {self.label}: binary frame could not be decoded as JSON{hint}: "
                f"{type(exc).__name__}: {exc}; JSON handlers skipped: {excerpt(data)}",
            )
            return False, None

    def text(self, data: str, ws: Any) -> Coroutine[Any, Any, None] | None:
        """Dispatch a TEXT frame; returns a coroutine to await if a handler is async."""
        if self._str:
            pending = self._call(self._str, data, ws, 0)
            if pending is not None:
                return self._continue_text(pending, data, ws)
        if self._json:
            ok, parsed = self.parse_text(data)
            if ok:
                return self._call(self._json, parsed, ws, 0)
        return None

    def binary(self, data: bytes, ws: Any) -> Coroutine[Any, Any, None] | None:
        """Dispatch a BINARY frame; returns a coroutine to await if a handler is async."""
        if self._bytes:
            pending = self._call(self._bytes, data, ws, 0)
            if pending is not None:
                return self._continue_binary(pending, data, ws)
        if self._json:
            ok, parsed = self.parse_binary(data)
            if ok:
                return self._call(self._json, parsed, ws, 0)
        return None

    def json(self, parsed: Any, ws: Any) -> Coroutine[Any, Any, None] | None:
        """Dispatch an already parsed JSON message to the JSON handlers."""
        if self._json:
            return self._call(self._json, parsed, ws, 0)
        return None

    async def _continue_text(self, pending: Awaitable[None], data: str, ws: Any) -> None:
        await pending
        if self._json:
            ok, parsed = self.parse_text(data)
            if ok:
                rest = self._call(self._json, parsed, ws, 0)
                if rest is not None:
                    await rest

    async def _continue_binary(self, pending: Awaitable[None], data: bytes, ws: Any) -> None:
        await pending
        if self._json:
            ok, parsed = self.parse_binary(data)
            if ok:
                rest = self._call(self._json, parsed, ws, 0)
                if rest is not None:
                    await rest

    def _call(
        self, handlers: tuple[Handler, ...], msg: Any, ws: Any, start: int
    ) -> Coroutine[Any, Any, None] | None:
        for index in range(start, len(handlers)):
            handler = handlers[index]
            try:
                result = handler(msg, ws)
            except Exception as exc:
                self._handler_failed(handler, msg, exc)
                continue
            if result is not None and isawaitable(result):
                return self._await_rest(result, handlers, msg, ws, index)
        return None

    async def _await_rest(
        self,
        result: Awaitable[Any],
        handlers: tuple[Handler, ...],
        msg: Any,
        ws: Any,
        index: int,
    ) -> None:
        try:
            await result
        except Exception as exc:
            self._handler_failed(handlers[index], msg, exc)
        rest = self._call(handlers, msg, ws, index + 1)
        if rest is not None:
            await rest

    def _handler_failed(self, handler: Handler, msg: Any, exc: Exception) -> None:
        self.handler_errors += 1
        name = getattr(handler, "__qualname__", None) or repr(handler)
        self._log.report(
            f"handler:{id(handler)}",
            f"ws {self.label}: handler {name} raised {type(exc).__name__}: {exc}; "
            f"message: {excerpt(msg)}",
            level=logging.ERROR,
            exc=exc,
        )
