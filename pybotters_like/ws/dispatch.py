"""Handler dispatch: hand each received frame to the user's ``hdlr_*`` callables.

Owns the receive hot path after the socket: which handlers get a frame, JSON
decoding (once per frame, shared by every JSON handler; see
:mod:`pybotters_like.ws.jsondecode`), binary-frame decoding, and isolation of
failing handlers. Sync handlers are called directly (no task, no
``call_soon``); when a handler returns an awaitable, the rest of that frame's
dispatch continues in a coroutine that awaits it in order. Knows no exchange.

Speed: :attr:`Dispatcher.on_text` is chosen once per handler set, so the
usual case (JSON handlers only) costs one Python call plus the parse per frame.
TEXT payloads may arrive as ``bytes`` (the app dials with
``decode_text=False``); ``hdlr_str`` handlers still get ``str``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from inspect import isawaitable
from typing import Any

from pybotters_like.ws.jsondecode import Loads
from pybotters_like.ws.jsondecode import loads as default_loads
from pybotters_like.ws.reporting import RateLimitedLog, excerpt

__all__ = ["KEEPALIVE_WORDS", "Dispatcher", "Handler", "as_list"]

logger = logging.getLogger(__name__)

Handler = Callable[[Any, Any], Any]
"""``handler(message, ws)``; may be ``async def`` (awaited before the next frame)."""

KEEPALIVE_WORDS = frozenset({"ping", "pong", "Ping", "Pong", "PING", "PONG"})
"""Non-JSON text frames that JSON handlers silently skip."""

_KEEPALIVE = KEEPALIVE_WORDS | {word.encode() for word in KEEPALIVE_WORDS}

Pending = Coroutine[Any, Any, None] | None
"""What a dispatch call returns: a coroutine to await when a handler was async."""


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
        decode: Optional binary-frame decoder (e.g. raw deflate); settable.
        loads: JSON parser (default :func:`pybotters_like.ws.jsondecode.loads`).

    Attributes:
        on_text: ``on_text(payload, ws)`` dispatches a TEXT frame (``str`` or
            UTF-8 ``bytes``); returns a coroutine to await if a handler is async.
        on_binary: The same for BINARY frames.
    """

    __slots__ = (
        "_bytes",
        "_json",
        "_json_one",
        "_loads",
        "_log",
        "_str",
        "decode",
        "decode_errors",
        "handler_errors",
        "label",
        "on_binary",
        "on_text",
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
        loads: Loads = default_loads,
    ) -> None:
        self._str = tuple(hdlr_str)
        self._bytes = tuple(hdlr_bytes)
        self._json = tuple(hdlr_json)
        self._json_one: Handler | None = self._json[0] if len(self._json) == 1 else None
        self._loads = loads
        self._log = RateLimitedLog(logger, clock)
        self.decode = decode
        self.label = label
        self.handler_errors = 0
        self.decode_errors = 0
        self.on_text: Callable[[str | bytes, Any], Pending] = self.text
        self.on_binary: Callable[[bytes, Any], Pending] = self.binary
        if not self._str and self._json_one is not None:
            self.on_text = self._text_to_one_json
        elif not self._str and not self._json:
            self.on_text = _ignore
        if not self._bytes and not self._json:
            self.on_binary = _ignore

    @property
    def wants_json(self) -> bool:
        """True when at least one JSON handler exists."""
        return bool(self._json)

    def parse_text(self, data: str | bytes) -> tuple[bool, Any]:
        """Parse a TEXT payload; ``(False, None)`` (reported) when it is not JSON."""
        try:
            return True, self._loads(data)
        except ValueError as exc:
            self._text_not_json(data, exc)
            return False, None

    def parse_binary(self, data: bytes) -> tuple[bool, Any]:
        """Decode and parse a BINARY payload; ``(False, None)`` (reported) on failure."""
        raw = data
        try:
            if self.decode is not None:
                raw = self.decode(data)
            return True, self._loads(raw)
        except Exception as exc:
            self.decode_errors += 1
            hint = "" if self.decode else " (compressed? no decoder is registered for this host)"
            self._log.report(
                "binary-not-json",
                f"ws {self.label}: binary frame could not be decoded as JSON{hint}: "
                f"{type(exc).__name__}: {exc}; JSON handlers skipped: {excerpt(data)}",
            )
            return False, None

    def _text_to_one_json(self, data: str | bytes, ws: Any) -> Pending:
        # The hot path (one JSON handler, no str handler): one call per frame.
        try:
            parsed = self._loads(data)
        except ValueError as exc:
            self._text_not_json(data, exc)
            return None
        handler = self._json_one
        try:
            result = handler(parsed, ws)  # type: ignore[misc]
        except Exception as exc:
            self._handler_failed(handler, parsed, exc)  # type: ignore[arg-type]
            return None
        if result is not None and isawaitable(result):
            return self._await_rest(result, self._json, parsed, ws, 0)
        return None

    def text(self, data: str | bytes, ws: Any) -> Pending:
        """Dispatch a TEXT frame; returns a coroutine to await if a handler is async."""
        if self._str:
            as_str = self._as_str(data)
            if as_str is not None:
                pending = self._call(self._str, as_str, ws, 0)
                if pending is not None:
                    return self._continue(pending, self.parse_text, data, ws)
        if self._json:
            ok, parsed = self.parse_text(data)
            if ok:
                return self._call(self._json, parsed, ws, 0)
        return None

    def binary(self, data: bytes, ws: Any) -> Pending:
        """Dispatch a BINARY frame; returns a coroutine to await if a handler is async."""
        if self._bytes:
            pending = self._call(self._bytes, data, ws, 0)
            if pending is not None:
                return self._continue(pending, self.parse_binary, data, ws)
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

    async def _continue(
        self,
        pending: Awaitable[None],
        parse: Callable[[Any], tuple[bool, Any]],
        data: Any,
        ws: Any,
    ) -> None:
        await pending
        if self._json:
            ok, parsed = parse(data)
            if ok:
                rest = self._call(self._json, parsed, ws, 0)
                if rest is not None:
                    await rest

    def _as_str(self, data: str | bytes) -> str | None:
        if type(data) is str:
            return data
        try:
            return data.decode()  # type: ignore[union-attr]
        except UnicodeDecodeError as exc:
            # aiohttp would have dropped the connection (code 1007); we skip the frame.
            self.decode_errors += 1
            self._log.report(
                "text-not-utf8",
                f"ws {self.label}: text frame is not UTF-8 ({exc}); "
                f"str handlers skipped: {excerpt(data)}",
            )
            return None

    def _text_not_json(self, data: str | bytes, exc: ValueError) -> None:
        if data.strip() in _KEEPALIVE:
            return
        self.decode_errors += 1
        shown = data if type(data) is str else data.decode(errors="replace")  # type: ignore[union-attr]
        self._log.report(
            "text-not-json",
            f"ws {self.label}: text frame is not JSON ({exc}); "
            f"JSON handlers skipped: {excerpt(shown)}",
        )

    def _call(self, handlers: tuple[Handler, ...], msg: Any, ws: Any, start: int) -> Pending:
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


def _ignore(data: Any, ws: Any) -> None:
    """The dispatch of a frame kind nobody handles."""
    return None
