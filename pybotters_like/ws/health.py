"""What a user can observe about a WebSocketApp: its state, counters and events.

Owns the value types of the lifecycle: the health snapshot
(:class:`WebSocketHealth`), the lifecycle events handed to callbacks
(:class:`ConnectEvent`, :class:`DisconnectEvent`, :class:`ReconnectEvent`),
the callback types, and the :class:`HealthTracker` that keeps the counters the
app reports into. This module does no I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any, Literal

__all__ = [
    "AppState",
    "ConnectEvent",
    "DisconnectEvent",
    "HealthTracker",
    "LifecycleEvent",
    "OnConnect",
    "OnDisconnect",
    "OnReconnect",
    "ReceiveStats",
    "ReconnectEvent",
    "WebSocketHealth",
    "fire",
]

logger = logging.getLogger(__name__)

AppState = Literal["connecting", "open", "reconnecting", "closed"]
"""``connecting`` before the first handshake, ``open`` while a connection is up,
``reconnecting`` between connections (backoff or dialling), ``closed`` at the end."""


@dataclass(frozen=True, slots=True)
class WebSocketHealth:
    """A snapshot of one app, from :meth:`WebSocketApp.health`.

    Attributes:
        state: See :data:`AppState`.
        url: The current URL without its query string (tokens stay out of logs).
        exchange: Exchange name from the host hooks, or the hostname.
        connects: Successful handshakes so far.
        disconnects: Connections that ended (any reason).
        failed_attempts: Consecutive unhealthy attempts (reset by a healthy connection).
        messages_received: TEXT and BINARY frames received over the app's life.
        handler_errors: Handler calls that raised.
        decode_errors: Frames that JSON handlers could not decode.
        last_message_age: Seconds since the last TEXT/BINARY frame (None if none yet).
        connected_for: Seconds the current connection has been open (None if down).
        logged_in: True once the current connection's exchange login succeeded
            (False while down, or when there is no login for this URL).
        ready: The current connection is logged in (if needed) and every
            ``send_*`` message was sent.
        last_error: Short text of the last problem (connect error, login
            rejection, socket error, stale timeout), or None.
        last_disconnect_reason: Why the previous connection ended, or None.
    """

    state: AppState
    url: str
    exchange: str
    connects: int
    disconnects: int
    failed_attempts: int
    messages_received: int
    handler_errors: int
    decode_errors: int
    last_message_age: float | None
    connected_for: float | None
    logged_in: bool
    ready: bool
    last_error: str | None
    last_disconnect_reason: str | None


@dataclass(frozen=True, slots=True)
class ConnectEvent:
    """A handshake succeeded (fired before login and ``send_*`` replay).

    Attributes:
        url: The URL dialled (query removed).
        connects: Handshakes so far, this one included.
    """

    url: str
    connects: int


@dataclass(frozen=True, slots=True)
class DisconnectEvent:
    """A connection ended, or a connect attempt failed.

    Attributes:
        url: The URL (query removed).
        reason: Human-readable cause, e.g. ``"closed by server (code 1000)"``,
            ``"heartbeat: no PONG"``, ``"login rejected: ..."``,
            ``"connect failed: ..."``, ``"stale: no message for 30s"``,
            ``"closed by app"`` (from :meth:`WebSocketApp.close`).
        connected: False when the handshake itself failed.
        uptime: Seconds the connection was open (0 when it never opened).
        error: The exception behind the disconnect, if any.
        next_delay: Seconds the app waits before dialling again (None when the
            app is stopping).
    """

    url: str
    reason: str
    connected: bool
    uptime: float
    error: BaseException | None
    next_delay: float | None


@dataclass(frozen=True, slots=True)
class ReconnectEvent:
    """A handshake succeeded after an earlier connection had ended.

    Attributes:
        url: The URL dialled (query removed).
        attempts: Dial attempts since the previous connection ended (>= 1).
        downtime: Seconds between the previous disconnect and this handshake.
    """

    url: str
    attempts: int
    downtime: float


LifecycleEvent = ConnectEvent | DisconnectEvent | ReconnectEvent
"""Any lifecycle event."""

OnConnect = Callable[[ConnectEvent], Awaitable[None] | None]
"""``on_connect(event)``; sync or ``async def``; exceptions are logged and ignored."""

OnDisconnect = Callable[[DisconnectEvent], Awaitable[None] | None]
"""``on_disconnect(event)``; sync or ``async def``; exceptions are logged and ignored."""

OnReconnect = Callable[[ReconnectEvent], Awaitable[None] | None]
"""``on_reconnect(event)``; sync or ``async def``; exceptions are logged and ignored."""


async def fire(callback: Callable[[Any], Any] | None, event: LifecycleEvent, label: str) -> None:
    """Call a lifecycle callback (awaited if async); an exception is logged, not raised."""
    if callback is None:
        return
    try:
        result = callback(event)
        if result is not None and isawaitable(result):
            await result
    except Exception:
        logger.exception("ws %s: lifecycle callback %r raised", label, callback)


class HealthTracker:
    """The app's record of its connections: counters, times, reasons (no I/O).

    The app reports what happens (:meth:`dialling`, :meth:`opened`,
    :meth:`closed`, :meth:`ended`); the tracker keeps the numbers, builds the
    lifecycle events and the :class:`WebSocketHealth` snapshot. Receive
    counters live in :attr:`received`, written by the receive loop.

    Args:
        clock: Unix seconds (the app's injected clock).
    """

    __slots__ = (
        "_clock",
        "connected_at",
        "connects",
        "dials_since_down",
        "disconnects",
        "down_since",
        "last_error",
        "last_reason",
        "received",
        "state",
    )

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.state: AppState = "connecting"
        self.received = ReceiveStats()
        self.connects = 0
        self.disconnects = 0
        self.connected_at: float | None = None
        self.down_since: float | None = None
        self.dials_since_down = 0
        self.last_error: str | None = None
        self.last_reason: str | None = None

    def dialling(self) -> None:
        """A dial starts."""
        self.dials_since_down += 1

    def opened(self, url: str) -> tuple[float, ConnectEvent, ReconnectEvent | None]:
        """A handshake succeeded: the time, and the events to fire."""
        now = self._clock()
        self.connects += 1
        self.connected_at = now
        self.state = "open"
        down_since = self.down_since
        again = None
        if down_since is not None:
            again = ReconnectEvent(url, self.dials_since_down, now - down_since)
        return now, ConnectEvent(url, self.connects), again

    def closed(self, url: str, *, by_app: bool) -> DisconnectEvent | None:
        """The connection is down; with ``by_app``, the final event to fire later."""
        connected_at = self.connected_at
        now = self._clock()
        self.connected_at = None
        self.down_since = now
        self.dials_since_down = 0
        if not by_app or connected_at is None:
            return None
        return DisconnectEvent(
            url=url,
            reason="closed by app",
            connected=True,
            uptime=max(0.0, now - connected_at),
            error=None,
            next_delay=None,
        )

    def ended(self, *, connected: bool, reason: str, failed: bool) -> None:
        """An attempt is over (``failed``: an error, or it never became ready)."""
        if connected:
            self.disconnects += 1
        self.last_reason = reason
        if failed:
            self.last_error = reason

    def snapshot(
        self,
        *,
        url: str,
        exchange: str,
        failed_attempts: int,
        handler_errors: int,
        decode_errors: int,
        logged_in: bool,
        ready: bool,
    ) -> WebSocketHealth:
        """A :class:`WebSocketHealth` as of now."""
        now = self._clock()
        last = self.received.last_message_at
        connected_at = self.connected_at
        return WebSocketHealth(
            state=self.state,
            url=url,
            exchange=exchange,
            connects=self.connects,
            disconnects=self.disconnects,
            failed_attempts=failed_attempts,
            messages_received=self.received.messages,
            handler_errors=handler_errors,
            decode_errors=decode_errors,
            last_message_age=None if last is None else max(0.0, now - last),
            connected_for=None if connected_at is None else max(0.0, now - connected_at),
            logged_in=logged_in,
            ready=ready,
            last_error=self.last_error,
            last_disconnect_reason=self.last_reason,
        )


@dataclass(slots=True)
class ReceiveStats:
    """App-lifetime receive counters, written by the receive loop."""

    messages: int = 0
    last_message_at: float | None = None
