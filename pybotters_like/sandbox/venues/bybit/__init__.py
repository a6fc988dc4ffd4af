"""The Bybit v5 venue: REST, public and private WebSockets on the sandbox core.

Owns Bybit's hostnames and URL layout and dispatches HTTP requests: REST
faults first (HTTP errors, the 10006 rate-limit answer, delays), then
``/v5/market/*`` (no auth), then signed routes (signature, timestamp window,
``X-Bapi-Limit*`` headers), and WebSocket upgrades on ``/v5/public/linear``,
``/v5/private`` and ``/v5/trade``. Everything else about Bybit lives in the sibling modules.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from typing import Any

from aiohttp import web

from ...connection import Connection
from ...exchange import Changes
from .. import Venue, VenueHost
from .envelope import (
    RATE_LIMIT_CODE,
    RATE_LIMIT_MSG,
    BybitError,
    RateLimiter,
    envelope_response,
    rate_limit_headers,
)
from .params import Call
from .private_streams import PrivateStreams
from .public_streams import PublicStreams
from .rest_market import MARKET_ROUTES
from .rest_trade import GET_ROUTES, POST_ROUTES
from .sessions import Sessions
from .signature import verify_rest
from .trade_socket import TradeSessions

__all__ = ["BybitVenue"]

WS_PATHS = ("/v5/public/linear", "/v5/private", "/v5/trade")


class BybitVenue(Venue):
    """Bybit v5 (linear contracts) on the sandbox.

    Args:
        enforce_rate_limits: refuse requests over Bybit's per-UID limits with
            10006 (headers are sent either way).
    """

    name = "bybit"
    hostnames = (
        "api.bybit.com",
        "api.bytick.com",
        "api-testnet.bybit.com",
        "api-demo.bybit.com",
        "stream.bybit.com",
        "stream.bytick.com",
        "stream-testnet.bybit.com",
        "stream-demo.bybit.com",
    )

    def __init__(self, *, enforce_rate_limits: bool = False) -> None:
        self.rate_limiter = RateLimiter(enforce_rate_limits)

    def attach(self, host: VenueHost) -> None:
        """Build the streams on the host's exchange."""
        super().attach(host)
        ids = random.Random(f"{host.seed}:bybit-frames")
        self.public = PublicStreams(host.exchange, host.faults, host.now_ms)
        self.private = PrivateStreams(
            host.exchange, host.now_ms, lambda: str(uuid.UUID(int=ids.getrandbits(128)))
        )
        self.sessions = Sessions(host.exchange, host.faults, self.public, self.private)
        self.trade = TradeSessions(host.exchange, host.faults, self.rate_limiter)

    def urls(self, port: int) -> dict[str, str]:
        """``rest``, ``ws_public``, ``ws_private`` under Bybit's mainnet hostnames."""
        return {
            "rest": f"http://api.bybit.com:{port}",
            "ws_public": f"ws://stream.bybit.com:{port}/v5/public/linear",
            "ws_private": f"ws://stream.bybit.com:{port}/v5/private",
            "ws_trade": f"ws://stream.bybit.com:{port}/v5/trade",
        }

    def on_changes(self, changes: Changes) -> None:
        """Publish to public subscribers, then to private ones."""
        self.public.on_changes(changes)
        self.private.on_changes(changes)

    def on_disconnect(self, conn: Connection) -> None:
        """Forget a closed connection's subscriptions."""
        self.public.forget(conn)
        self.private.forget(conn)
        self.trade.forget(conn)

    async def _on_text(self, conn: Connection, text: str) -> None:
        if conn.path == "/v5/trade":
            self.trade.on_text(conn, text)
        else:
            await self.sessions.on_text(conn, text)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Route one request (see the module docstring for the order of checks)."""
        path = request.path
        if path in WS_PATHS and request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.host.accept_websocket(request, self, self._on_text)
        fault = self.host.faults.take_rest_fault(path)
        if fault is not None:
            if fault.kind == "http":
                return web.Response(status=fault.status, text=f"{fault.status} sandbox fault")
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            else:
                now = self.host.now_ms()
                return envelope_response(
                    {}, now, code=RATE_LIMIT_CODE, msg=RATE_LIMIT_MSG, status=fault.status,
                    headers=rate_limit_headers(10, 0, now + 1000),
                )  # fmt: skip
        method = request.method
        if method not in ("GET", "POST"):
            return web.Response(status=400, text="400 Bad Request")
        public = MARKET_ROUTES.get(path) if method == "GET" else None
        private = (GET_ROUTES if method == "GET" else POST_ROUTES).get(path)
        if public is None and private is None:
            return web.Response(status=404, text="404 page not found")
        raw_query = request.raw_path.partition("?")[2]
        body = await request.read()
        now = self.host.now_ms()
        try:
            params = self._params(request, body)
        except BybitError as exc:
            return envelope_response({}, now, code=exc.code, msg=exc.msg)
        exchange = self.host.exchange
        if public is not None:
            try:
                return envelope_response(public(Call(params, None, now, exchange)), now)
            except BybitError as exc:
                return envelope_response({}, now, code=exc.code, msg=exc.msg)
        assert private is not None
        try:
            account = verify_rest(request.headers, exchange.accounts, method, raw_query, body, now)
        except BybitError as exc:
            return envelope_response({}, now, code=exc.code, msg=exc.msg)
        allowed, headers = self.rate_limiter.hit(account.key, path, now)
        if not allowed:
            return envelope_response(
                {}, now, code=RATE_LIMIT_CODE, msg=RATE_LIMIT_MSG, headers=headers
            )
        try:
            result = private(Call(params, account, now, exchange))
        except BybitError as exc:
            return envelope_response({}, now, code=exc.code, msg=exc.msg, headers=headers)
        return envelope_response(result, now, headers=headers)

    @staticmethod
    def _params(request: web.Request, body: bytes) -> dict[str, Any]:
        if request.method == "GET":
            return dict(request.query)
        if not body:
            return {}
        try:
            parsed = json.loads(body)
        except ValueError:
            raise BybitError(10001, "Request parameter error.") from None
        if not isinstance(parsed, dict):
            raise BybitError(10001, "Request parameter error.")
        return parsed
