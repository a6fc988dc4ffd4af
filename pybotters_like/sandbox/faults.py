"""Fault injection for the whole sandbox (per-connection switches live on Connection).

Owns the global fault plan: REST failures (HTTP errors, rate-limit answers,
delays) for the next N requests, rejected WS logins, order-book sequence skips
on a symbol for every subscriber, and bulk actions over live connections
(drop, half-open, delay, malformed frames). Every injected fault is counted in
:attr:`FaultPlan.counters`. Venues consume the plan; this module knows no
exchange format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .connection import Connection

__all__ = ["FaultPlan", "RestFault"]


@dataclass(frozen=True)
class RestFault:
    """One REST fault: ``kind`` is ``"http"`` (plain ``status``), ``"rate_limit"``
    (the venue's own rate-limit answer, sent with ``status``) or ``"delay"``."""

    kind: str
    status: int = 200
    seconds: float = 0.0
    path_prefix: str = ""


class FaultPlan:
    """Faults to inject, global or targeted. Reach it as ``sandbox.faults``.

    Example:
        >>> # sandbox.faults.fail_rest(503, count=2)   # next two REST calls -> 503
        >>> # sandbox.faults.rate_limit(count=1)       # next call -> Bybit 10006
    """

    def __init__(self, connections: Callable[[], Iterable[Connection]]) -> None:
        self.counters: Counter[str] = Counter()
        self._connections = connections
        self._rest: list[RestFault] = []
        self._login_rejections = 0
        self._sequence_skips: dict[str, int] = {}

    # -- REST ---------------------------------------------------------------------------

    def fail_rest(self, status: int = 503, count: int = 1, *, path_prefix: str = "") -> None:
        """Answer the next ``count`` REST requests (under ``path_prefix``) with HTTP ``status``."""
        self._rest += [RestFault("http", status, path_prefix=path_prefix)] * count

    def rate_limit(self, count: int = 1, *, status: int = 200, path_prefix: str = "") -> None:
        """Answer the next ``count`` REST requests with the venue's rate-limit error.

        Bybit: HTTP ``status`` (200 like the real API, or 429) with retCode 10006,
        ``X-Bapi-Limit-Status: 0`` and a reset timestamp one second ahead.
        """
        self._rest += [RestFault("rate_limit", status, path_prefix=path_prefix)] * count

    def delay_rest(self, seconds: float, count: int = 1, *, path_prefix: str = "") -> None:
        """Delay the next ``count`` REST responses by ``seconds``."""
        self._rest += [RestFault("delay", seconds=seconds, path_prefix=path_prefix)] * count

    def take_rest_fault(self, path: str) -> RestFault | None:
        """Consume the first queued REST fault that applies to ``path`` (venues call this)."""
        for index, fault in enumerate(self._rest):
            if path.startswith(fault.path_prefix):
                del self._rest[index]
                self.counters[f"rest_{fault.kind}"] += 1
                return fault
        return None

    # -- WebSocket --------------------------------------------------------------------

    def reject_logins(self, count: int = 1) -> None:
        """Reject the next ``count`` WebSocket logins even when their signature is valid."""
        self._login_rejections += count

    def take_login_rejection(self) -> bool:
        """Consume one pending login rejection (venues call this)."""
        if self._login_rejections <= 0:
            return False
        self._login_rejections -= 1
        self.counters["ws_login_rejected"] += 1
        return True

    def skip_sequence(self, symbol: str, by: int = 1) -> None:
        """Make the next book message of ``symbol`` jump ``u`` by ``by`` extra, for everyone."""
        self._sequence_skips[symbol] = self._sequence_skips.get(symbol, 0) + by
        self.counters["ws_sequence_skip_global"] += 1

    def take_sequence_skip(self, symbol: str) -> int:
        """Consume the pending global skip of ``symbol`` (venues call this)."""
        return self._sequence_skips.pop(symbol, 0) if self._sequence_skips else 0

    def _select(self, path_prefix: str) -> list[Connection]:
        return [
            c
            for c in self._connections()
            if c.path.startswith(path_prefix) and not c.closed.is_set()
        ]

    def drop_connections(self, path_prefix: str = "", *, clean: bool = False) -> int:
        """Drop every live connection under ``path_prefix``; returns how many."""
        chosen = self._select(path_prefix)
        for conn in chosen:
            conn.drop(clean=clean)
        return len(chosen)

    def half_open(self, path_prefix: str = "") -> int:
        """Make every live connection under ``path_prefix`` half-open; returns how many."""
        chosen = self._select(path_prefix)
        for conn in chosen:
            conn.half_open()
        return len(chosen)

    def delay_ws(self, seconds: float, path_prefix: str = "") -> int:
        """Delay outgoing frames of live connections under ``path_prefix``."""
        chosen = self._select(path_prefix)
        for conn in chosen:
            conn.set_delay(seconds)
        return len(chosen)

    def send_malformed(self, payload: str = "{not json", path_prefix: str = "") -> int:
        """Send a malformed frame on live connections under ``path_prefix``."""
        chosen = self._select(path_prefix)
        for conn in chosen:
            conn.send_malformed(payload)
        return len(chosen)
