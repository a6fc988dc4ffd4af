"""The demo's trading bot, written exactly as a user would write one.

Owns the bot: ``Client`` + ``apis`` + ``ws_connect`` + ``BybitDataStore``,
streaming one symbol's book and trades, placing and cancelling signed orders,
handling rate limits, and reporting what it saw. It knows nothing about the
sandbox: it is given base URLs and an aiohttp connector, as a user pointing a
bot at a test exchange would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import aiohttp

import pybotters_like as pybotters
from pybotters_like.models.bybit import BybitDataStore
from pybotters_like.ws import WebSocketApp

__all__ = ["BotConfig", "BotReport", "DemoBot"]


@dataclass(frozen=True)
class BotConfig:
    """Where the bot connects and what it trades."""

    apis: dict[str, list[str]]
    rest_url: str
    ws_public_url: str
    ws_private_url: str
    symbol: str = "BTCUSDT"
    qty: str = "0.01"
    order_every: float = 0.4
    """Seconds between two trading decisions."""


@dataclass
class BotReport:
    """Counters the bot keeps about its own run."""

    orders_placed: int = 0
    orders_cancelled: int = 0
    market_orders: int = 0
    rate_limited: int = 0
    rest_errors: int = 0
    rejected: list[str] = field(default_factory=list)


class DemoBot:
    """A market-making-ish bot: rests a post-only bid, cancels it, trades a little."""

    def __init__(self, config: BotConfig, connector: aiohttp.BaseConnector | None = None) -> None:
        self.config = config
        self.report = BotReport()
        self.store = BybitDataStore()
        self._connector = connector
        self.client: pybotters.Client | None = None
        self.public: WebSocketApp | None = None
        self.private: WebSocketApp | None = None

    async def run(
        self,
        until: Callable[[], bool],
        on_tick: Callable[[DemoBot], None],
        before_close: Callable[[DemoBot], Awaitable[None]] | None = None,
    ) -> None:
        """Connect, then trade until ``until()`` is true; ``on_tick`` is called each loop.

        ``before_close`` runs while the connections are still open (final checks).
        """
        cfg = self.config
        async with pybotters.Client(
            apis=cfg.apis, base_url=cfg.rest_url, connector=self._connector
        ) as client:
            self.client = client
            store = self.store
            store.auto_resubscribe()  # a sequence gap re-subscribes the book's topic
            await store.initialize(
                client.get(
                    "/v5/order/realtime", params={"category": "linear", "symbol": cfg.symbol}
                ),
                client.get(
                    "/v5/position/list", params={"category": "linear", "symbol": cfg.symbol}
                ),
                client.get("/v5/account/wallet-balance", params={"accountType": "UNIFIED"}),
            )
            topics = [
                f"orderbook.50.{cfg.symbol}",
                f"publicTrade.{cfg.symbol}",
                f"tickers.{cfg.symbol}",
            ]
            self.public = client.ws_connect(
                cfg.ws_public_url,
                send_json={"op": "subscribe", "args": topics},
                hdlr_json=store.onmessage,
                on_connect=store.on_connect,  # a reconnect always resyncs the book
                on_disconnect=store.on_disconnect,  # never serve a book from a dead socket
                backoff=(0.2, 2.0, 1.618, 0.1),
                heartbeat=2.0,
            )
            self.private = client.ws_connect(
                cfg.ws_private_url,
                send_json={"op": "subscribe", "args": ["order", "execution", "position", "wallet"]},
                hdlr_json=store.onmessage,
                backoff=(0.2, 2.0, 1.618, 0.1),
                heartbeat=2.0,
            )
            await asyncio.wait_for(asyncio.gather(self.public.ready(), self.private.ready()), 10)
            step = 0
            while not until():
                step += 1
                await self._trade_once(step)
                on_tick(self)
                await asyncio.sleep(cfg.order_every)
            if before_close is not None:
                await before_close(self)

    def best(self) -> tuple[Decimal | None, Decimal | None]:
        """Best bid and ask from the live book (None while out of sync or empty)."""
        book = self.store.orderbook.sorted({"s": self.config.symbol}, limit=1)
        bid = Decimal(book["b"][0]["p"]) if book["b"] else None
        ask = Decimal(book["a"][0]["p"]) if book["a"] else None
        return bid, ask

    async def _trade_once(self, step: int) -> None:
        bid, ask = self.best()
        if bid is None or ask is None:
            return  # no valid book (resync in progress): do not trade blind
        symbol = self.config.symbol
        open_orders = self.store.order.find({"symbol": symbol, "orderStatus": "New"})
        if step % 5 == 0:
            side = "Buy" if step % 10 == 0 else "Sell"
            order = {
                "category": "linear",
                "symbol": symbol,
                "side": side,
                "orderType": "Market",
                "qty": self.config.qty,
            }
            if await self._rest("POST", "/v5/order/create", order):
                self.report.market_orders += 1
        elif open_orders:
            oldest = open_orders[0]
            cancel = {"category": "linear", "symbol": symbol, "orderId": oldest["orderId"]}
            if await self._rest("POST", "/v5/order/cancel", cancel):
                self.report.orders_cancelled += 1
        else:
            price = bid - (ask - bid) * 2 if ask > bid else bid
            order = {
                "category": "linear",
                "symbol": symbol,
                "side": "Buy",
                "orderType": "Limit",
                "qty": self.config.qty,
                "price": str(price),
                "timeInForce": "PostOnly",
            }
            if await self._rest("POST", "/v5/order/create", order):
                self.report.orders_placed += 1

    async def _rest(self, method: str, path: str, data: dict[str, Any]) -> bool:
        """Send a signed request; on a rate limit, wait for the reset and retry once."""
        assert self.client is not None
        for attempt in range(2):
            r = await self.client.fetch(method, path, data=data)
            limited = r.response.status == 429 or (r.data and r.data.get("retCode") == 10006)
            if limited:
                self.report.rate_limited += 1
                if attempt == 0:
                    await asyncio.sleep(_reset_delay(r.response.headers))
                    continue
                return False
            if r.response.status != 200 or not r.data:
                self.report.rest_errors += 1
                return False
            if r.data.get("retCode") != 0:
                self.report.rejected.append(
                    f"{path}: {r.data.get('retCode')} {r.data.get('retMsg')}"
                )
                return False
            return True
        return False


def _reset_delay(headers: Any) -> float:
    """Seconds until Bybit's rate-limit window resets (bounded to 1 s; 0.2 s if unknown)."""
    reset = headers.get("X-Bapi-Limit-Reset-Timestamp")
    if not reset:
        return 0.2
    return min(max(int(reset) / 1000 - time.time(), 0.0), 1.0)
