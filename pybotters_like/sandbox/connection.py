"""One WebSocket client of the sandbox, with its send queue and per-connection faults.

Owns the lifetime of a server-side WebSocket: an ordered, bounded send queue
drained by one writer task (so publishing never blocks the market), the
per-connection fault switches (drop, half-open, delay, malformed frames,
sequence skips) and the idle cut-off bookkeeping. Knows no exchange protocol:
venues decide what to send and how to answer what is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable

from aiohttp import web

__all__ = ["Connection"]

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 100_000


class Connection:
    """A live WebSocket connection as the sandbox sees it.

    Public attributes: ``conn_id``, ``path``, ``venue``, ``account`` (API key
    after a successful login, else None), ``topics`` (subscribed topics),
    ``sent`` (frames written) and ``closed`` (an :class:`asyncio.Event`).

    Fault switches (all take effect at once and are counted in ``faults``):
    :meth:`drop`, :meth:`half_open`, :meth:`set_delay`, :meth:`send_malformed`,
    :meth:`skip_sequence`.
    """

    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        conn_id: str,
        venue: str,
        faults: Counter[str],
        monotonic: Callable[[], float],
    ) -> None:
        self.ws = ws
        self.conn_id = conn_id
        self.path = request.path
        self.venue = venue
        self.account: str | None = None
        self.topics: set[str] = set()
        self.sent = 0
        self.closed = asyncio.Event()
        self.is_half_open = False
        self.delay = 0.0
        self.u_offsets: dict[str, int] = {}
        self._pending_skips: dict[str, int] = {}
        self._transport = request.transport
        self._faults = faults
        self._monotonic = monotonic
        self.last_activity = monotonic()
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self.unblocked = asyncio.Event()
        self.unblocked.set()

    def start(self) -> None:
        """Start the writer task (after the handshake)."""
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def send(self, text: str) -> None:
        """Queue one text frame (dropped while half-open or once closed)."""
        if self.is_half_open or self.closed.is_set():
            return
        if self._queue.qsize() >= QUEUE_LIMIT:
            logger.warning("sandbox ws slow consumer conn_id=%s path=%s", self.conn_id, self.path)
            self.drop()
            return
        self._queue.put_nowait(text)

    def touch(self) -> None:
        """Record activity (a JSON ping or a push) for the idle cut-off."""
        self.last_activity = self._monotonic()

    async def _write_loop(self) -> None:
        try:
            while True:
                text = await self._queue.get()
                if self.delay:
                    await asyncio.sleep(self.delay)
                if self.is_half_open:
                    continue
                await self.ws.send_str(text)
                self.sent += 1
                self.touch()
        except (ConnectionError, RuntimeError):
            self.drop()

    async def close(self) -> None:
        """Close cleanly and stop the writer (used on sandbox shutdown)."""
        await self._stop_writer()
        with contextlib.suppress(Exception):
            await self.ws.close()
        self.closed.set()

    async def _stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    # -- faults ------------------------------------------------------------------------

    def drop(self, *, clean: bool = False) -> None:
        """Drop the connection now.

        ``clean=False`` aborts the TCP connection without a close frame (what a
        crashed server or a broken network looks like); ``clean=True`` sends a
        close frame with code 1001 (going away).
        """
        if self.closed.is_set():
            return
        self._faults["ws_drop"] += 1
        self.closed.set()
        if self._writer is not None and self._writer is not asyncio.current_task():
            self._writer.cancel()
        if clean:
            asyncio.get_running_loop().create_task(self._close_going_away())
        elif self._transport is not None:
            self._transport.abort()

    async def _close_going_away(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close(code=1001, message=b"going away")

    def half_open(self) -> None:
        """Stop reading, answering pings (JSON and protocol) and sending; keep TCP open."""
        if not self.is_half_open:
            self._faults["ws_half_open"] += 1
        self.is_half_open = True
        self.unblocked.clear()

    def set_delay(self, seconds: float) -> None:
        """Delay every outgoing frame by ``seconds`` (0 to stop)."""
        self._faults["ws_delay"] += 1
        self.delay = seconds

    def send_malformed(self, payload: str = '{"topic":"orderbook.50.') -> None:
        """Queue a frame that is not valid JSON (in order with the other frames)."""
        self._faults["ws_malformed"] += 1
        self.send(payload)

    def skip_sequence(self, symbol: str, by: int = 1) -> None:
        """Make the next order-book message of ``symbol`` on this connection jump ``u`` by
        ``by`` extra (the offset then stays: later ids continue from the jumped value)."""
        self._faults["ws_sequence_skip"] += 1
        self._pending_skips[symbol] = self._pending_skips.get(symbol, 0) + by

    def take_sequence_skip(self, symbol: str) -> int:
        """Consume the pending skip of ``symbol`` (venues call this when sending a book frame)."""
        return self._pending_skips.pop(symbol, 0) if self._pending_skips else 0
