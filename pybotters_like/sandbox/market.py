"""A deterministic, seeded market generator that drives books and trades.

Owns the synthetic liquidity: per symbol it seeds a book around the start
price, then each :meth:`MarketGenerator.step` performs ``actions_per_step``
random actions per symbol (add a maker order, withdraw one, or send a taker
market order that trades). All activity goes through the :class:`Exchange`
like any account's orders, so users' orders meet the generated book and
public streams stay consistent. One ``random.Random`` per symbol, seeded from
``(seed, symbol)``: the same seed gives the same message stream.

Wall-clock time is used only by the optional background ticker
(:meth:`start`); tests call ``await market.step()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random

from .exchange import Exchange
from .orders import Order, Side

__all__ = ["MarketGenerator"]

_SIDES: tuple[Side, Side] = ("Buy", "Sell")


class MarketGenerator:
    """Synthetic makers and takers for every symbol of an :class:`Exchange`.

    Args:
        exchange: the state to drive.
        seed: random seed; the stream is a function of it (and of user orders).
        depth: price levels seeded per side.
        actions_per_step: random actions per symbol per :meth:`step`.
    """

    def __init__(
        self, exchange: Exchange, seed: int, *, depth: int = 60, actions_per_step: int = 1
    ) -> None:
        self.exchange = exchange
        self.depth = depth
        self.actions_per_step = actions_per_step
        self.steps = 0
        self._rngs = {s: random.Random(f"{seed}:{s}") for s in exchange.instruments}
        self._task: asyncio.Task[None] | None = None
        with exchange.batch():
            for symbol in exchange.instruments:
                self._seed_book(symbol)

    def _seed_book(self, symbol: str) -> None:
        rng = self._rngs[symbol]
        start = self.exchange.stats[symbol].start_price
        spread = max(1, start // 20000)
        for side in _SIDES:
            price = start - spread if side == "Buy" else start + spread
            for _ in range(self.depth):
                self._add(symbol, side, price, rng)
                step = rng.randint(1, 3) * spread
                price = price - step if side == "Buy" else price + step
                if price <= 0:
                    break

    def _add(self, symbol: str, side: Side, price: int, rng: random.Random) -> None:
        inst = self.exchange.instruments[symbol]
        lots = inst.min_lots * rng.randint(1, 50)
        self.exchange.place_order(None, symbol, side, "Limit", lots, price, "PostOnly")

    async def step(self, count: int = 1) -> None:
        """Run ``count`` rounds of market activity; messages are queued on return."""
        for _ in range(count):
            self.step_sync()
            # Yield so writers can flush between rounds of a large batch.
            await asyncio.sleep(0)

    def step_sync(self) -> None:
        """One round of activity on every symbol, published as one batch."""
        with self.exchange.batch():
            for symbol, rng in self._rngs.items():
                for _ in range(self.actions_per_step):
                    self._act(symbol, rng)
        self.steps += 1

    def _act(self, symbol: str, rng: random.Random) -> None:
        book = self.exchange.engines[symbol].book
        side = _SIDES[rng.random() < 0.5]
        roll = rng.random()
        if book.depth(side) < self.depth // 3:
            roll = 0.0  # replenish a thin side before anything else
        if roll < 0.45:
            self._add_near_touch(symbol, side, rng)
        elif roll < 0.8:
            self._withdraw(symbol, side, rng)
        else:
            self._take(symbol, side, rng)

    def _add_near_touch(self, symbol: str, side: Side, rng: random.Random) -> None:
        book = self.exchange.engines[symbol].book
        bid, ask = book.best("Buy"), book.best("Sell")
        start = self.exchange.stats[symbol].last_price
        spread = max(1, start // 20000)
        if side == "Buy":
            top = bid if bid is not None else (ask or start) - spread
            price = top - rng.randint(-1, 8) * spread
            if ask is not None:
                price = min(price, ask - 1)
            if bid is not None and book.depth("Buy") < self.depth // 3:
                price = book.price_at("Buy", book.depth("Buy") - 1) - spread
        else:
            top = ask if ask is not None else (bid or start) + spread
            price = top + rng.randint(-1, 8) * spread
            if bid is not None:
                price = max(price, bid + 1)
            if ask is not None and book.depth("Sell") < self.depth // 3:
                price = book.price_at("Sell", book.depth("Sell") - 1) + spread
        if price > 0:
            self._add(symbol, side, price, rng)

    def _withdraw(self, symbol: str, side: Side, rng: random.Random) -> None:
        book = self.exchange.engines[symbol].book
        levels = book.depth(side)
        if levels <= self.depth // 3:
            return
        price = book.price_at(side, rng.randrange(min(levels, 20)))
        mine: Order | None = next(
            (o for o in book.level_orders(side, price) if o.owner is None), None
        )
        if mine is not None:
            self.exchange.cancel_synthetic(mine)

    def _take(self, symbol: str, side: Side, rng: random.Random) -> None:
        book = self.exchange.engines[symbol].book
        opposite: Side = "Sell" if side == "Buy" else "Buy"
        best = book.best(opposite)
        if best is None:
            return
        inst = self.exchange.instruments[symbol]
        lots = max(inst.min_lots, int(book.size_at(opposite, best) * rng.uniform(0.2, 1.6)))
        self.exchange.place_order(None, symbol, side, "Market", lots, None)

    # -- optional background ticker (demo) -------------------------------------------------

    def start(self, interval: float = 0.1) -> None:
        """Step every ``interval`` seconds in the background until :meth:`stop`."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(interval))

    async def _run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self.step_sync()

    async def stop(self) -> None:
        """Stop the background ticker (no-op when not running)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
