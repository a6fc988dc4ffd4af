"""The reconnect delay policy of a WebSocketApp: exponential backoff with jitter.

Owns the arithmetic only (no sleeping, no sockets, no clock): the app asks for
the next delay after every unplanned disconnect and tells the policy when a
connection proved healthy. Randomness is injected so tests are deterministic.

Policy (``Backoff(minimum, maximum, factor, initial)``, pybotters' tuple order
is ``(min, max, factor, initial)``):

* the first reconnect after a healthy period waits ``initial * r`` with ``r``
  uniform in [0, 1) (spreads a crowd of clients that were cut at once);
* the k-th consecutive one (k >= 1) waits
  ``min(minimum * factor**k, maximum) * (1 - jitter * r)``, so with the
  defaults and ``jitter=0.25``: ~2.3-3.1 s, 3.8-5.0 s, 6.1-8.1 s ... up to
  45-60 s;
* :meth:`Backoff.reset` (called by the app once a connection stayed healthy for
  ``reset_after`` seconds) starts again at the first rule.

Unlike pybotters, delays are not truncated to whole seconds and the same
policy applies to clean closes, handshake failures and rejected logins.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable

from pybotters_like.errors import WebSocketError

__all__ = ["DEFAULT_BACKOFF", "Backoff"]

DEFAULT_BACKOFF: tuple[float, float, float, float] = (1.92, 60.0, 1.618, 5.0)
"""pybotters' default ``(min, max, factor, initial)``."""


class Backoff:
    """Exponential reconnect backoff with jitter.

    Args:
        minimum: Base of the exponential part (seconds).
        maximum: Cap of any delay (seconds).
        factor: Growth factor per consecutive attempt (> 1 to grow).
        initial: Upper bound of the first, fully random delay (seconds).
        jitter: Fraction (0..1) shaved off randomly from exponential delays.
        random: Returns a float in [0, 1); inject a fixed source in tests.

    Example:
        >>> b = Backoff(1.0, 10.0, 2.0, 1.0, random=lambda: 0.0)
        >>> [b.next_delay() for _ in range(5)]
        [0.0, 2.0, 4.0, 8.0, 10.0]
    """

    __slots__ = ("_attempt", "factor", "initial", "jitter", "maximum", "minimum", "random")

    def __init__(
        self,
        minimum: float,
        maximum: float,
        factor: float,
        initial: float,
        *,
        jitter: float = 0.25,
        random: Callable[[], float] = _random.random,
    ) -> None:
        values = (minimum, maximum, factor, initial)
        if any(v < 0 for v in values) or not 0.0 <= jitter <= 1.0:
            raise WebSocketError(
                f"backoff (min, max, factor, initial) must be non-negative and jitter in "
                f"[0, 1], got {values!r}, jitter={jitter!r}"
            )
        self.minimum = float(minimum)
        self.maximum = float(maximum)
        self.factor = float(factor)
        self.initial = float(initial)
        self.jitter = float(jitter)
        self.random = random
        self._attempt = 0

    @classmethod
    def from_tuple(
        cls,
        backoff: tuple[float, float, float, float],
        *,
        random: Callable[[], float] = _random.random,
    ) -> Backoff:
        """Build from pybotters' ``(min, max, factor, initial)`` tuple."""
        try:
            minimum, maximum, factor, initial = backoff
        except (TypeError, ValueError):
            raise WebSocketError(
                f"backoff must be a (min, max, factor, initial) tuple, got {backoff!r}"
            ) from None
        return cls(minimum, maximum, factor, initial, random=random)

    @property
    def attempt(self) -> int:
        """Consecutive delays handed out since the last :meth:`reset`."""
        return self._attempt

    def next_delay(self) -> float:
        """Return the delay before the next reconnect and advance the policy."""
        attempt = self._attempt
        self._attempt += 1
        if attempt == 0:
            return min(self.initial * self.random(), self.maximum)
        try:
            base = self.minimum * self.factor**attempt
        except OverflowError:
            base = self.maximum
        base = min(base, self.maximum)
        return base * (1.0 - self.jitter * self.random())

    def reset(self) -> None:
        """Forget past failures (the last connection proved healthy)."""
        self._attempt = 0
