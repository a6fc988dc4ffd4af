"""ConnectionService: what happens on one live connection, from handshake to its end.

Owns the per-connection sequence after the handshake: exchange login (through
:func:`~pybotters_like.ws.login.perform_login`), replay of ``send_*``, the
receive loop (count, stamp and dispatch every frame; answer control frames;
notice stale, closed and broken sockets) and application-level pings. Returns
why the connection ended; dialling, backoff, lifecycle events and health
snapshots belong to :mod:`pybotters_like.ws.app`. Knows no exchange: the host
hooks carry that.

The receive loop is the hot path of the package: per TEXT/BINARY frame it does
one ``receive()``, two counter stores and one call into the dispatcher; stale
detection is a timer beside it, not a per-frame receive timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import WSMsgType

from pybotters_like.auth.primitives import system_clock
from pybotters_like.auth.types import Credential
from pybotters_like.errors import WebSocketLoginError
from pybotters_like.ws.connection import WebSocketConnection
from pybotters_like.ws.dispatch import Dispatcher
from pybotters_like.ws.health import ReceiveStats
from pybotters_like.ws.hooks import AppPing, WsHostHooks
from pybotters_like.ws.login import perform_login

__all__ = ["ConnectionService", "Replay"]

logger = logging.getLogger(__name__)

Ended = tuple[str, BaseException | None]
"""Why a connection ended: a short reason and the exception behind it, if any."""

_TEXT, _BINARY = WSMsgType.TEXT, WSMsgType.BINARY


@dataclass(frozen=True, slots=True)
class Replay:
    """The ``send_*`` messages sent after every handshake (and login), in this order."""

    texts: list[str]
    binaries: list[bytes]
    jsons: list[Any]


class ConnectionService:
    """Serves one connection of a :class:`~pybotters_like.ws.WebSocketApp`.

    Args:
        conn: The live connection (handlers get it as ``ws``).
        hooks: The host's hooks, or None.
        credential: The credential for login and signing, or None.
        label: ``exchange host/path`` for log lines.
        dispatcher: The app's dispatcher.
        stats: The app's receive counters.
        replay: Messages to send once logged in.
        pings: The app's pending manual-heartbeat PONG futures, by payload.
        ready: Set once logged in and every ``send_*`` was sent.
        clock: The app's clock (stamps messages, login and app pings).
        autoping: Answer the server's PING frames.
        login_timeout: Seconds to wait for the login ack.
        stale_after: Seconds without a data frame before giving up, or None.
    """

    __slots__ = (
        "_autoping",
        "_awaiting_handler",
        "_clock",
        "_credential",
        "_dispatcher",
        "_hooks",
        "_label",
        "_login_timeout",
        "_pings",
        "_ready",
        "_replay",
        "_stale_after",
        "_stale_reason",
        "_stats",
        "_watchdog",
        "conn",
        "logged_in",
        "replayed",
    )

    def __init__(
        self,
        conn: WebSocketConnection,
        *,
        hooks: WsHostHooks | None,
        credential: Credential | None,
        label: str,
        dispatcher: Dispatcher,
        stats: ReceiveStats,
        replay: Replay,
        pings: dict[bytes, asyncio.Future[None]],
        ready: asyncio.Event,
        clock: Callable[[], float],
        autoping: bool,
        login_timeout: float,
        stale_after: float | None,
    ) -> None:
        self.conn = conn
        self._hooks = hooks
        self._credential = credential
        self._label = label
        self._dispatcher = dispatcher
        self._stats = stats
        self._replay = replay
        self._pings = pings
        self._ready = ready
        self._clock = clock
        self._autoping = autoping
        self._login_timeout = login_timeout
        self._stale_after = stale_after
        self._stale_reason: str | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        self._awaiting_handler = False
        self.logged_in = False
        """True once the exchange acknowledged the login."""
        self.replayed = False
        """True once logged in (if needed) and every ``send_*`` was sent."""

    @property
    def _stamp(self) -> Callable[[], float]:
        # time.time itself (a C function) when the app runs on the system clock.
        return time.time if self._clock is system_clock else self._clock

    async def serve(self) -> Ended:
        """Log in, replay ``send_*``, then receive until the connection ends."""
        conn, hooks, credential = self.conn, self._hooks, self._credential
        plan = None
        if hooks is not None and hooks.login is not None and credential is not None:
            plan = hooks.login(conn.url, credential, self._clock())
        if plan is not None:
            early = await perform_login(
                conn.raw,
                plan,
                label=self._label,
                timeout=self._login_timeout,
                on_control=self.on_control,
                decode=hooks.decode if hooks else None,
            )
            self.logged_in = True
            logger.info("ws %s: logged in", self._label)
            stats, dispatcher = self._stats, self._dispatcher
            for msg in early:
                stats.messages += 1
                stats.last_message_at = self._clock()
                dispatch = dispatcher.on_text if msg.type is _TEXT else dispatcher.on_binary
                pending = dispatch(msg.data, conn)
                if pending is not None:
                    await pending
        replay = self._replay
        for text in replay.texts:
            await conn.send_str(text)
        for data in replay.binaries:
            await conn.send_bytes(data)
        for message in replay.jsons:
            await conn.send_json(message)
        self.replayed = True
        self._ready.set()
        if self._stale_after is None:
            return await self._receive()
        self._watch(self._stale_after)
        try:
            return await self._receive()
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()

    def ending(
        self, serve: asyncio.Task[Ended], drop_reason: str | None
    ) -> tuple[str, BaseException | None, bool]:
        """Why the finished ``serve`` task ended: ``(reason, error, was_ready)``.

        ``drop_reason`` is the app's reason for cancelling it, if it did.
        """
        if serve.cancelled():
            return drop_reason or self._stale_reason or "cancelled", None, self.replayed
        failure = serve.exception()
        if isinstance(failure, WebSocketLoginError):
            logger.error("%s", failure)
            return str(failure).split(": ", 1)[-1], failure, False
        if failure is not None:
            return f"{type(failure).__name__}: {failure}", failure, self.replayed
        reason, error = serve.result()
        return reason, error, self.replayed

    async def _receive(self) -> Ended:
        conn = self.conn
        receive = conn.raw.receive
        on_text, on_binary = self._dispatcher.on_text, self._dispatcher.on_binary
        stats = self._stats
        stamp = self._stamp
        while True:
            kind, data, extra = await receive()
            if kind is _TEXT:
                stats.messages += 1
                stats.last_message_at = stamp()
                pending = on_text(data, conn)
            elif kind is _BINARY:
                stats.messages += 1
                stats.last_message_at = stamp()
                pending = on_binary(data, conn)
            else:
                ended = await self._not_data(kind, data, extra)
                if ended is not None:
                    return ended
                continue
            if pending is not None:
                self._awaiting_handler = True
                try:
                    await pending
                finally:
                    self._awaiting_handler = False

    def _watch(self, stale: float) -> None:
        """Start the stale watchdog: cancel this task after ``stale`` s without a frame.

        A timer (every ``stale / 4`` s) compares the frame count instead of a
        receive timeout per frame, which would double the cost of a frame. The
        drop comes between ``stale`` and ``1.25 * stale`` s after the last frame
        (never earlier), and never while an async handler is being awaited.
        """
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        stats = self._stats
        interval = stale / 4
        seen = stats.messages
        since = loop.time()

        def check() -> None:
            nonlocal seen, since
            now = loop.time()
            if stats.messages != seen or self._awaiting_handler:
                seen, since = stats.messages, now
            elif now - since >= stale and task is not None:
                self._stale_reason = f"stale: no message for {stale:g}s"
                self._watchdog = None
                task.cancel()
                return
            self._watchdog = loop.call_at(min(now + interval, since + stale), check)

        self._watchdog = loop.call_at(since + interval, check)

    async def _not_data(self, kind: WSMsgType, data: Any, extra: Any) -> Ended | None:
        """Handle a control frame (None) or say why the connection ended."""
        if kind is WSMsgType.PING or kind is WSMsgType.PONG:
            await self._control(kind, data)
            return None
        if kind is WSMsgType.CLOSE:
            detail = f", {extra}" if extra else ""
            return f"closed by server (code {data}{detail})", None
        if kind is WSMsgType.ERROR:
            error = data if isinstance(data, BaseException) else None
            if isinstance(error, aiohttp.ServerTimeoutError):
                return f"heartbeat: {error}", error
            return f"socket error: {type(data).__name__}: {data}", error
        raw = self.conn.raw  # CLOSING / CLOSED: the transport went away
        return f"connection lost (code {raw.close_code})", raw.exception()

    async def on_control(self, msg: Any) -> None:
        """Answer a PING (with autoping) or resolve a manual heartbeat's PONG."""
        await self._control(msg.type, msg.data)

    async def _control(self, kind: WSMsgType, data: Any) -> None:
        if kind is WSMsgType.PONG:
            pong = self._pings.pop(data, None)
            if pong is not None and not pong.done():
                pong.set_result(None)
        elif kind is WSMsgType.PING and self._autoping and not self.conn.closed:
            await self.conn.raw.pong(data)

    async def ping_loop(self, ping: AppPing) -> None:
        """Send the exchange's application-level ping every ``ping.interval`` seconds."""
        raw = self.conn.raw
        while True:
            await asyncio.sleep(ping.interval)
            if raw.closed:
                return
            try:
                if ping.frame == "pong":
                    await raw.pong(b"")
                else:
                    await raw.send_str(ping.build(self._clock()))
            except Exception as exc:  # the receive loop reports the broken socket
                logger.debug("ws %s: app ping not sent: %r", self._label, exc)
                return
