"""WebSocketApp: one long-lived, self-healing WebSocket subscription.

Owns the connection lifecycle: dial -> serve the connection -> backoff and dial
again, until :meth:`close` or the session closes; the public API (``await
app``, ``current_ws``, ``health()``, the manual ``heartbeat()``, ``close()``)
and firing lifecycle events. Delegates by concept: what to dial and hanging up
to :mod:`pybotters_like.ws.dial`; login, ``send_*`` replay, the receive loop,
control frames, app pings and stale detection to
:mod:`pybotters_like.ws.service`; frame handling to
:mod:`pybotters_like.ws.dispatch`; counters and snapshots to
:class:`~pybotters_like.ws.health.HealthTracker`; the delay policy to
:mod:`pybotters_like.ws.backoff`. Exchange knowledge comes only from
:mod:`pybotters_like.ws.hooks`. Uses aiohttp's public API only.

Timing: the injected ``clock`` stamps health, login/signing timestamps, pacing
and the "healthy for ``backoff_reset_after`` seconds" rule; the injected
``sleep`` waits out backoff delays and pacing. aiohttp's ``heartbeat``,
stale detection, login timeouts and application pings run on the event loop's
own clock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random as _random
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from yarl import URL

from pybotters_like.auth.primitives import system_clock
from pybotters_like.errors import WebSocketError
from pybotters_like.ws.backoff import DEFAULT_BACKOFF, Backoff
from pybotters_like.ws.connection import WebSocketConnection
from pybotters_like.ws.dial import Dialler, public_url
from pybotters_like.ws.dispatch import Dispatcher, as_list
from pybotters_like.ws.health import (
    AppState,
    DisconnectEvent,
    HealthTracker,
    OnConnect,
    OnDisconnect,
    OnReconnect,
    WebSocketHealth,
    fire,
)
from pybotters_like.ws.jsondecode import ORJSON, Loads
from pybotters_like.ws.jsondecode import loads as default_loads
from pybotters_like.ws.service import ConnectionService, Replay

__all__ = ["WebSocketApp"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Outcome:
    """How one connection attempt ended."""

    connected: bool
    reason: str
    error: BaseException | None = None
    uptime: float = 0.0
    ready: bool = False


class WebSocketApp:
    """A WebSocket connection that reconnects forever, pybotters 1.x compatible.

    Usually created by :meth:`pybotters_like.Client.ws_connect`; usable
    standalone with any :class:`aiohttp.ClientSession`. Construct it inside a
    running event loop; it starts connecting at once.

    Args:
        session: The aiohttp session used to dial (not closed by the app).
        url: WebSocket URL; see :attr:`url`.
        send_str: One text message or a list, sent after every handshake (and
            login), before ``send_bytes`` and ``send_json``. A list is kept by
            reference.
        send_bytes: One binary message or a list, sent after ``send_str``.
        send_json: One JSON-serialisable message or a list, sent last.
        hdlr_str: One handler or a list for TEXT frames, called as
            ``handler(msg, ws)``; ``async def`` handlers are awaited.
        hdlr_bytes: The same for BINARY frames.
        hdlr_json: The same for frames parsed as JSON (see ``loads``).
        backoff: ``(min, max, factor, initial)``; see :mod:`pybotters_like.ws.backoff`.
        heartbeat: aiohttp protocol PING interval; a missing PONG within
            ``heartbeat / 2`` drops the connection. None disables it.
        autoping: Answer the server's PING frames.
        auth: Anything but None/False enables exchange login and message
            signing when ``credentials`` hold the host's entry.
        credentials: ``apis`` name -> :class:`Credential`.
        clock: Unix time in seconds (inject in tests).
        sleep: Awaitable sleep for backoff and pacing (inject in tests).
        random: Uniform [0, 1) source for backoff jitter (inject in tests).
        await_on: What ``await app`` waits for: ``"handshake"`` (pybotters) or
            ``"ready"`` (logged in and every ``send_*`` sent).
        stale_after: Seconds without a TEXT/BINARY frame after which the
            connection is dropped and redialled. None (default) disables it.
        backoff_reset_after: Seconds a connection must stay up (after login) for
            the backoff to start over.
        login_timeout: Seconds to wait for an exchange's login ack.
        close_timeout: Seconds to wait for a closing handshake before dropping
            the socket.
        on_connect: Callback (sync or async) receiving a :class:`ConnectEvent`
            after every handshake.
        on_disconnect: Callback receiving a :class:`DisconnectEvent` when a
            connection ends or a connect attempt fails.
        on_reconnect: Callback receiving a :class:`ReconnectEvent` when a
            handshake succeeds after an earlier connection had ended.
        loads: JSON parser for ``hdlr_json`` (``str`` or ``bytes`` in); the
            default gives :func:`json.loads` results, through orjson when it
            is installed (see :mod:`pybotters_like.ws.jsondecode`). E.g.
            ``functools.partial(json.loads, parse_float=Decimal)``.
        **kwargs: Passed to :meth:`aiohttp.ClientSession.ws_connect` on every dial.

    Example:
        >>> async def main(client) -> None:
        ...     ws = await client.ws_connect(
        ...         "wss://stream.bybit.com/v5/public/linear",
        ...         send_json={"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]},
        ...         hdlr_json=lambda msg, ws: print(msg),
        ...     )
        ...     await ws.wait()
    """

    _BACKOFF_MIN = DEFAULT_BACKOFF[0]
    _BACKOFF_MAX = DEFAULT_BACKOFF[1]
    _BACKOFF_FACTOR = DEFAULT_BACKOFF[2]
    _BACKOFF_INITIAL = DEFAULT_BACKOFF[3]
    _DEFAULT_BACKOFF = DEFAULT_BACKOFF

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str | URL,
        *,
        send_str: str | list[str] | None = None,
        send_bytes: bytes | list[bytes] | None = None,
        send_json: Any = None,
        hdlr_str: Any = None,
        hdlr_bytes: Any = None,
        hdlr_json: Any = None,
        backoff: tuple[float, float, float, float] = DEFAULT_BACKOFF,
        heartbeat: float | None = 10.0,
        autoping: bool = True,
        auth: Any = True,
        credentials: Any = None,
        clock: Callable[[], float] = system_clock,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        await_on: Literal["handshake", "ready"] = "handshake",
        stale_after: float | None = None,
        backoff_reset_after: float = 10.0,
        login_timeout: float = 10.0,
        close_timeout: float = 2.0,
        on_connect: OnConnect | None = None,
        on_disconnect: OnDisconnect | None = None,
        on_reconnect: OnReconnect | None = None,
        loads: Loads = default_loads,
        **kwargs: Any,
    ) -> None:
        if await_on not in ("handshake", "ready"):
            raise WebSocketError(f"await_on must be 'handshake' or 'ready', got {await_on!r}")
        self._session = session
        self._url: str | URL = url
        self._replay = Replay(
            as_list(send_str, (str,)),
            as_list(send_bytes, (bytes, bytearray)),
            as_list(send_json, (dict, str, int, float, bool)),
        )
        self._autoping = autoping
        self._clock = clock
        self._sleep = sleep
        self._backoff = Backoff.from_tuple(backoff, random=random)
        self._await_on = await_on
        self._stale_after = stale_after
        self._reset_after = backoff_reset_after
        self._login_timeout = login_timeout
        self._close_timeout = close_timeout
        self._on_connect = on_connect
        self._on_disconnect = on_disconnect
        self._on_reconnect = on_reconnect
        kwargs.pop("autoping", None)
        if loads is default_loads and ORJSON:
            # TEXT payloads as bytes: orjson reads them without a UTF-8 pass
            # (json.loads would decode bytes in Python, slower than aiohttp's
            # decode); hdlr_str handlers still get str from the dispatcher.
            kwargs.setdefault("decode_text", False)
        self._dialler = Dialler(
            session,
            kwargs,
            heartbeat=heartbeat,
            credentials=credentials if credentials is not None else {},
            auth_enabled=auth is not None and auth is not False,
            clock=clock,
            sleep=sleep,
        )
        first = self._dialler.target(str(url))
        self._label = first.label
        self._exchange = first.exchange
        self._dispatcher = Dispatcher(
            as_list(hdlr_str, ()),
            as_list(hdlr_bytes, ()),
            as_list(hdlr_json, ()),
            label=self._label,
            clock=clock,
            loads=loads,
        )

        # state
        self._track = HealthTracker(clock)
        self._current: WebSocketConnection | None = None
        self._handshake = asyncio.Event()
        self._ready = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopping = False
        self._pings: dict[bytes, asyncio.Future[None]] = {}
        self._service: ConnectionService | None = None
        self._serve_task: asyncio.Task[tuple[str, BaseException | None]] | None = None
        self._drop_reason: str | None = None
        self._final_event: DisconnectEvent | None = None

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise WebSocketError(
                "WebSocketApp must be created inside a running event loop "
                "(call client.ws_connect from async code)"
            ) from None
        self._task: asyncio.Task[None] = loop.create_task(self._run())
        self._task.add_done_callback(self._runner_done)

    # ------------------------------------------------------------------ public API

    def __repr__(self) -> str:
        return f"<WebSocketApp {self._label} state={self._track.state}>"

    def __await__(self) -> Generator[Any, None, WebSocketApp]:
        event = self._ready if self._await_on == "ready" else self._handshake
        return self._wait_event(event, "connected").__await__()

    @property
    def url(self) -> str | URL:
        """The URL dialled at the next (re)connect; set it to swap tokens."""
        return self._url

    @url.setter
    def url(self, value: str | URL) -> None:
        self._url = value

    @property
    def current_ws(self) -> WebSocketConnection | None:
        """The live connection, or None while disconnected.

        Sends through it are one-off (never replayed) but signed and paced like
        replayed ones.
        """
        return self._current

    @property
    def state(self) -> AppState:
        """``connecting``, ``open``, ``reconnecting`` or ``closed``."""
        return self._track.state

    async def ready(self) -> WebSocketApp:
        """Wait until the current connection is logged in and every ``send_*`` was sent."""
        return await self._wait_event(self._ready, "ready")

    async def wait(self) -> None:
        """Wait until the app stops (:meth:`close`, or its session closed)."""
        await asyncio.wait({self._task})

    async def close(self) -> None:
        """Stop reconnecting, close the current connection and end every task.

        Idempotent. Safe to call from a handler or a lifecycle callback.
        """
        self._stopping = True
        task = self._task
        if task.done():
            return
        task.cancel()
        current = asyncio.current_task()
        if current is task or current is self._serve_task:
            return
        await asyncio.wait({task})

    def health(self) -> WebSocketHealth:
        """Return a snapshot of state, counters and ages (see :class:`WebSocketHealth`)."""
        service = self._service
        return self._track.snapshot(
            url=public_url(self._url),
            exchange=self._exchange,
            failed_attempts=self._backoff.attempt,
            handler_errors=self._dispatcher.handler_errors,
            decode_errors=self._dispatcher.decode_errors,
            logged_in=service is not None and service.logged_in,
            ready=self._ready.is_set(),
        )

    async def heartbeat(self, timeout: float = 10.0) -> None:
        """Round-trip a protocol PING; on timeout drop the connection and retry.

        Returns once a PONG with this call's payload arrives. Like pybotters it
        keeps trying across reconnects; raises :class:`WebSocketError` if the
        app closes first.
        """
        loop = asyncio.get_running_loop()
        while True:
            await self._wait_event(self._handshake, "connected")
            conn = self._current
            if conn is None:
                continue
            payload = os.urandom(4)
            pong: asyncio.Future[None] = loop.create_future()
            self._pings[payload] = pong
            try:
                await conn.raw.ping(payload)
                await asyncio.wait_for(pong, timeout)
                return
            except asyncio.TimeoutError:
                self._drop(conn, f"manual heartbeat: no PONG within {timeout:g}s")
            except (ConnectionError, aiohttp.ClientError, RuntimeError):
                pass  # the socket is going away; wait for the next one
            finally:
                self._pings.pop(payload, None)
            await self._wait_gone(conn)

    # ------------------------------------------------------------------ runner

    async def _run(self) -> None:
        try:
            while not self._stopping and not self._session.closed:
                try:
                    outcome = await self._connect_once()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    # A bug in a hook (or in the app) must not end the app for good:
                    # report it, count it as a failed attempt and retry with backoff.
                    logger.error(
                        "ws %s: internal error during a connection attempt; will retry",
                        self._label,
                        exc_info=exc,
                    )
                    outcome = _Outcome(False, f"internal error: {type(exc).__name__}: {exc}", exc)
                self._track.ended(
                    connected=outcome.connected,
                    reason=outcome.reason,
                    failed=outcome.error is not None or not outcome.ready,
                )
                if self._stopping or self._session.closed:
                    await fire(
                        self._on_disconnect, self._disconnect_event(outcome, None), self._label
                    )
                    break
                if outcome.ready and outcome.uptime >= self._reset_after:
                    self._backoff.reset()
                delay = self._backoff.next_delay()
                logger.warning(
                    "ws %s: %s after %.1fs; reconnecting in %.2fs (attempt %d)",
                    self._label,
                    outcome.reason,
                    outcome.uptime,
                    delay,
                    self._backoff.attempt,
                )
                self._track.state = "reconnecting"
                await fire(self._on_disconnect, self._disconnect_event(outcome, delay), self._label)
                if delay > 0:
                    await self._sleep(delay)
                else:
                    await asyncio.sleep(0)
        except asyncio.CancelledError:
            final, self._final_event = self._final_event, None
            if final is not None:
                await fire(self._on_disconnect, final, self._label)
            raise
        finally:
            self._track.state = "closed"
            self._stopped.set()
            for pong in self._pings.values():
                if not pong.done():
                    pong.cancel()

    def _runner_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            logger.error("ws %s: stopped by an internal error", self._label, exc_info=error)

    async def _connect_once(self) -> _Outcome:
        target = self._dialler.target(self._url)
        url, hooks = target.url, target.hooks
        self._label = target.label
        self._exchange = target.exchange
        dispatcher = self._dispatcher
        dispatcher.label = self._label
        dispatcher.decode = hooks.decode if hooks else None
        self._track.dialling()
        try:
            conn = await self._dialler.dial(target)
        except Exception as exc:
            return _Outcome(False, f"connect failed: {type(exc).__name__}: {exc}", exc)
        connected_at, connected, reconnected = self._track.opened(public_url(url))
        self._current = conn
        self._drop_reason = None
        self._handshake.set()
        logger.info("ws %s: connected (connect #%d)", self._label, connected.connects)
        ping_task: asyncio.Task[None] | None = None
        service = ConnectionService(
            conn,
            hooks=hooks,
            credential=target.credential,
            label=self._label,
            dispatcher=dispatcher,
            stats=self._track.received,
            replay=self._replay,
            pings=self._pings,
            ready=self._ready,
            clock=self._clock,
            autoping=self._autoping,
            login_timeout=self._login_timeout,
            stale_after=self._stale_after,
        )
        self._service = service
        serve = asyncio.create_task(service.serve())
        self._serve_task = serve
        try:
            await fire(self._on_connect, connected, self._label)
            if reconnected is not None:
                await fire(self._on_reconnect, reconnected, self._label)
            ping = hooks.ping(url) if hooks and hooks.ping else None
            if ping is not None:
                ping_task = asyncio.create_task(service.ping_loop(ping))
            await asyncio.wait({serve})
        finally:
            if not serve.done():
                serve.cancel()
                await asyncio.wait({serve})
            if ping_task is not None:
                ping_task.cancel()
                await asyncio.wait({ping_task})
            self._serve_task = None
            self._service = None
            self._current = None
            self._handshake.clear()
            self._ready.clear()
            final = self._track.closed(public_url(url), by_app=self._stopping)
            if final is not None:
                self._final_event = final
            await self._dialler.hang_up(conn, self._close_timeout)
        uptime = max(0.0, self._clock() - connected_at)
        reason, error, ready = service.ending(serve, self._drop_reason)
        return _Outcome(True, reason, error, uptime, ready)

    # ------------------------------------------------------------------ helpers

    def _drop(self, conn: WebSocketConnection, reason: str) -> None:
        """Force the current connection down (it is redialled with backoff)."""
        serve = self._serve_task
        if self._current is conn and serve is not None and not serve.done():
            self._drop_reason = reason
            serve.cancel()

    async def _wait_gone(self, conn: WebSocketConnection) -> None:
        while self._current is conn and not self._stopped.is_set():
            serve = self._serve_task
            if serve is None:
                await asyncio.sleep(0)
                continue
            await asyncio.wait({serve})
            await asyncio.sleep(0)

    async def _wait_event(self, event: asyncio.Event, what: str) -> WebSocketApp:
        if event.is_set():
            return self
        if self._stopped.is_set():
            raise WebSocketError(f"ws {self._label}: app is closed")
        waiter = asyncio.ensure_future(event.wait())
        stopped = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait({waiter, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            stopped.cancel()
        if waiter.done() and not waiter.cancelled():
            return self
        raise WebSocketError(f"ws {self._label}: app closed before it {what}")

    def _disconnect_event(self, outcome: _Outcome, delay: float | None) -> DisconnectEvent:
        return DisconnectEvent(
            url=public_url(self._url),
            reason=outcome.reason,
            connected=outcome.connected,
            uptime=outcome.uptime,
            error=outcome.error,
            next_delay=delay,
        )
