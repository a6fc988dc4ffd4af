"""The sandbox server: one aiohttp server on 127.0.0.1 serving one venue.

Owns the lifecycle (start/close, ``async with``), the listening port, the
injected clock, account creation, the WebSocket lifecycle shared by venues
(handshake, registry, protocol pings, half-open, idle cut-off) and the
introspection helpers tests use (books, digests, last trade ids, fault
counters). Exchange protocol details live in ``venues/<name>/``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from decimal import Decimal
from types import TracebackType

import aiohttp
from aiohttp import WSMsgType, web

from .accounts import Account
from .connection import Connection
from .exchange import Exchange
from .faults import FaultPlan
from .instruments import Instrument, default_instrument
from .market import MarketGenerator
from .matching import OrderBook
from .resolver import SandboxResolver
from .venues import VENUES, Venue

__all__ = ["Sandbox"]

logger = logging.getLogger(__name__)


class Sandbox:
    """An embedded exchange on loopback with real protocol shapes and fault injection.

    Args:
        seed: seeds the market generator and ids (same seed, same stream).
        symbols: symbols to list (``XXXUSDT``); ignored when ``instruments`` is given.
        instruments: explicit :class:`Instrument` list.
        venue: venue name (``"bybit"``) or a :class:`Venue` instance.
        clock: returns Unix seconds; drives timestamps and signature windows.
        depth: levels per side seeded by the market generator.
        actions_per_step: market actions per symbol per ``market.step()``.
        idle_timeout: seconds without a JSON ping or a push before a WS is closed
            (None disables the cut-off).
        port: TCP port (0 = pick a free one).

    Example:
        >>> async def main() -> None:
        ...     async with Sandbox(seed=7, symbols=["BTCUSDT"]) as sandbox:
        ...         sandbox.create_account("KEY", "SECRET", balances={"USDT": 100_000})
        ...         await sandbox.market.step()
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        symbols: Iterable[str] = ("BTCUSDT", "ETHUSDT"),
        instruments: Iterable[Instrument] | None = None,
        venue: str | Venue = "bybit",
        clock: Callable[[], float] = time.time,
        depth: int = 60,
        actions_per_step: int = 1,
        idle_timeout: float | None = 600.0,
        port: int = 0,
    ) -> None:
        rng = random.Random(f"{seed}:instruments")
        chosen = (
            list(instruments)
            if instruments is not None
            else [default_instrument(s, rng) for s in symbols]
        )
        self.seed = seed
        self.clock = clock
        self.idle_timeout = idle_timeout
        self.exchange = Exchange(chosen, clock, seed)
        self.market = MarketGenerator(
            self.exchange, seed, depth=depth, actions_per_step=actions_per_step
        )
        self.connections: list[Connection] = []
        self.faults = FaultPlan(lambda: list(self.connections))
        self.venue = VENUES[venue]() if isinstance(venue, str) else venue
        self.venue.attach(self)
        self.exchange.listeners.append(self.venue)
        self._conn_ids = random.Random(f"{seed}:conn")
        self._uids = itertools.count(100001)
        self._port = port
        self._runner: web.AppRunner | None = None

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 (REST and WS on one port)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        logger.info("sandbox started venue=%s port=%s", self.venue.name, self._port)

    async def close(self) -> None:
        """Stop the market ticker, close every WebSocket and the server."""
        await self.market.stop()
        for conn in list(self.connections):
            await conn.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- addresses -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port (valid after :meth:`start`)."""
        return self._port

    @property
    def urls(self) -> dict[str, str]:
        """Every named base URL of the venue (``rest``, ``ws_public``, ``ws_private`` ...)."""
        return self.venue.urls(self._port)

    @property
    def rest_url(self) -> str:
        """REST base URL under the venue's real hostname, e.g. ``http://api.bybit.com:PORT``."""
        return self.urls["rest"]

    @property
    def ws_public_url(self) -> str:
        """Public WebSocket URL, e.g. ``ws://stream.bybit.com:PORT/v5/public/linear``."""
        return self.urls["ws_public"]

    @property
    def ws_private_url(self) -> str:
        """Private WebSocket URL, e.g. ``ws://stream.bybit.com:PORT/v5/private``."""
        return self.urls["ws_private"]

    def connector(self) -> aiohttp.TCPConnector:
        """A connector that resolves only the venue's hostnames, to 127.0.0.1.

        Call inside a running event loop; pass it to ``Client(connector=...)``.
        """
        return aiohttp.TCPConnector(
            resolver=SandboxResolver(self.venue.hostnames), use_dns_cache=False
        )

    # -- accounts ---------------------------------------------------------------------------

    def create_account(
        self,
        key: str,
        secret: str,
        balances: Mapping[str, float | int | str | Decimal] | None = None,
    ) -> Account:
        """Create an API key/secret pair with wallet ``balances`` (``{"USDT": 100_000}``)."""
        account = Account(
            key, secret, next(self._uids), {c: Decimal(str(v)) for c, v in (balances or {}).items()}
        )
        self.exchange.accounts[key] = account
        return account

    def now_ms(self) -> int:
        """Server time in ms."""
        return self.exchange.now_ms()

    # -- introspection ------------------------------------------------------------------------

    @property
    def books(self) -> dict[str, OrderBook]:
        """The authoritative order book of every symbol."""
        return {s: e.book for s, e in self.exchange.engines.items()}

    def book_digest(self, symbol: str, depth: int | None = None) -> list[list[tuple[str, str]]]:
        """``[bids, asks]`` of ``symbol`` as decimal strings, best first (top ``depth``)."""
        inst = self.exchange.instruments[symbol]
        book = self.exchange.engines[symbol].book
        return [
            [(inst.price_str(p), inst.qty_str(q)) for p, q in book.levels(side, depth)]
            for side in ("Buy", "Sell")
        ]

    def last_trade_id(self, symbol: str) -> int:
        """Id of the last public trade of ``symbol`` (0 before any trade)."""
        return self.exchange.stats[symbol].last_trade_id

    @property
    def fault_counters(self) -> dict[str, int]:
        """How many faults of each kind were injected so far."""
        return dict(self.faults.counters)

    # -- HTTP / WebSocket plumbing (used by venues) ----------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        return await self.venue.handle(request)

    def new_conn_id(self) -> str:
        """An opaque connection id."""
        return f"{self._conn_ids.getrandbits(64):016x}-{len(self.connections)}"

    async def accept_websocket(
        self,
        request: web.Request,
        venue: Venue,
        on_text: Callable[[Connection, str], Awaitable[None]],
    ) -> web.WebSocketResponse:
        """Handshake, register the connection, read until it closes (see VenueHost)."""
        ws = web.WebSocketResponse(autoping=False, max_msg_size=1 << 22)
        loop = asyncio.get_running_loop()
        conn = Connection(
            ws, request, self.new_conn_id(), venue.name, self.faults.counters, loop.time
        )
        # Registered before the handshake completes: a client that sees the
        # upgrade can find its connection in ``sandbox.connections`` at once.
        self.connections.append(conn)
        try:
            await ws.prepare(request)
            conn.start()
            await self._read(conn, ws, on_text)
        finally:
            conn.closed.set()
            await conn.close()
            venue.on_disconnect(conn)
            if conn in self.connections:
                self.connections.remove(conn)
        return ws

    async def _read(
        self,
        conn: Connection,
        ws: web.WebSocketResponse,
        on_text: Callable[[Connection, str], Awaitable[None]],
    ) -> None:
        loop = asyncio.get_running_loop()
        while not conn.closed.is_set():
            timeout = None
            if self.idle_timeout is not None:
                timeout = max(0.0, conn.last_activity + self.idle_timeout - loop.time())
            try:
                msg = await ws.receive(timeout=timeout)
            except asyncio.TimeoutError:
                if loop.time() - conn.last_activity >= (self.idle_timeout or 0):
                    self.faults.counters["ws_idle_cutoff"] += 1
                    logger.info("sandbox ws idle cut-off conn_id=%s", conn.conn_id)
                    return
                continue
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return
            if conn.is_half_open:
                continue  # half-open: read nothing, answer nothing
            if msg.type is WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg.type is WSMsgType.TEXT:
                await on_text(conn, msg.data)
