"""What a user can observe about a WebSocketApp: its state, counters and events.

Owns the value types of the lifecycle: the health snapshot
(:class:`WebSocketHealth`), the lifecycle events handed to callbacks
(:class:`ConnectEvent`, :class:`DisconnectEvent`, :class:`ReconnectEvent`)
and the callback type. The app fills them; this module does no I/O.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AppState",
    "ConnectEvent",
    "DisconnectEvent",
    "LifecycleEvent",
    "OnConnect",
    "OnDisconnect",
    "OnReconnect",
    "ReconnectEvent",
    "WebSocketHealth",
]

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
