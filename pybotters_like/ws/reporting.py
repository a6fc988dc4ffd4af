"""Problem reports of the WebSocket layer: one log line per problem kind, not a flood.

Owns how the ws package tells a user that something went wrong with a frame or
a handler: the first occurrence of a kind is logged (with traceback when there
is one); repeats are folded into one line per ``interval`` seconds carrying the
number suppressed. Counting for health snapshots happens in the callers.
Knows no exchange and no socket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["RateLimitedLog", "excerpt"]

_EXCERPT_CHARS = 160


def excerpt(data: object, limit: int = _EXCERPT_CHARS) -> str:
    """Return a short, single-line ``repr`` of a message for logs."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data[: limit // 2])
        text = f"<{len(data)} bytes> {raw.hex()}"
    else:
        text = repr(data)
    if len(text) > limit:
        text = text[:limit] + "..."
    return text


class RateLimitedLog:
    """Log the first problem of each kind, then at most one line per interval.

    Args:
        logger: Where to log.
        clock: Seconds (any epoch); only differences are used.
        interval: Minimum seconds between two lines of the same kind.
    """

    __slots__ = ("_clock", "_interval", "_logger", "_state")

    def __init__(
        self, logger: logging.Logger, clock: Callable[[], float], interval: float = 10.0
    ) -> None:
        self._logger = logger
        self._clock = clock
        self._interval = interval
        # kind -> [time of last line, occurrences suppressed since]
        self._state: dict[str, list[float]] = {}

    def report(
        self,
        kind: str,
        message: str,
        *,
        level: int = logging.WARNING,
        exc: BaseException | None = None,
    ) -> bool:
        """Log ``message`` unless a line of ``kind`` was logged recently.

        Returns True when a line was written.
        """
        now = self._clock()
        state = self._state.get(kind)
        if state is None:
            self._state[kind] = [now, 0.0]
            self._logger.log(level, message, exc_info=exc)
            return True
        if now - state[0] < self._interval:
            state[1] += 1
            return False
        suppressed = int(state[1])
        state[0], state[1] = now, 0.0
        suffix = f" ({suppressed} similar suppressed)" if suppressed else ""
        self._logger.log(level, message + suffix)
        return True
