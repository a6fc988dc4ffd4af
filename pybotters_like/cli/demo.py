"""``python -m pybotters_like demo``: the demo bot against the embedded sandbox.

Owns the demo harness: start the sandbox exchange on 127.0.0.1 with a seeded
market, run :class:`~pybotters_like.cli.demo_bot.DemoBot` against it, inject
faults on a schedule (a dropped socket, a sequence gap, a 429), print a live
view and a final summary, and check the bot's book against the exchange's.
No internet is used: the sandbox's connector resolves only Bybit hostnames,
and only to loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from pybotters_like.cli.demo_bot import BotConfig, DemoBot
from pybotters_like.sandbox import Sandbox

__all__ = ["DemoResult", "run_demo"]

DEMO_KEY = "demo-api-key"
DEMO_SECRET = "demo-api-secret"  # an account created inside the local sandbox only
SYMBOLS = ("BTCUSDT", "ETHUSDT")


@dataclass
class DemoResult:
    """What the demo observed; ``ok`` is the exit status."""

    duration: float
    faults: dict[str, int]
    bot: dict[str, int]
    ws: dict[str, int]
    book: dict[str, int]
    integrity: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every injected fault was survived and the book matches."""
        return not self.problems


@dataclass
class _FaultStep:
    at: float  # fraction of the run
    label: str
    inject: Callable[[Sandbox], object]
    done: bool = False


def _fault_plan(symbol: str) -> list[_FaultStep]:
    return [
        _FaultStep(
            0.25, "drop the public WebSocket", lambda s: s.faults.drop_connections("/v5/public")
        ),
        _FaultStep(
            0.45, f"skip a sequence number on {symbol}", lambda s: s.faults.skip_sequence(symbol)
        ),
        _FaultStep(
            0.65,
            "answer the next order request with HTTP 429",
            lambda s: s.faults.rate_limit(count=1, status=429, path_prefix="/v5/order"),
        ),
    ]


async def run_demo(
    duration: float = 20.0, seed: int = 7, out: TextIO = sys.stdout, live: bool | None = None
) -> DemoResult:
    """Run the whole demo and return its result (the CLI prints it and exits)."""
    live = out.isatty() if live is None else live
    symbol = SYMBOLS[0]
    async with Sandbox(seed=seed, symbols=SYMBOLS, idle_timeout=None) as sandbox:
        sandbox.create_account(DEMO_KEY, DEMO_SECRET, balances={"USDT": 100_000})
        out.write(f"sandbox exchange listening on 127.0.0.1:{sandbox.port} (seed {seed})\n")
        sandbox.market.start(interval=0.02)
        config = BotConfig(
            apis={"bybit": [DEMO_KEY, DEMO_SECRET]},
            rest_url=sandbox.rest_url,
            ws_public_url=sandbox.ws_public_url,
            ws_private_url=sandbox.ws_private_url,
            symbol=symbol,
        )
        bot = DemoBot(config, connector=sandbox.connector())
        plan = _fault_plan(symbol)
        started = time.monotonic()
        last_view = 0.0

        def elapsed() -> float:
            return time.monotonic() - started

        def on_tick(b: DemoBot) -> None:
            nonlocal last_view
            for step in plan:
                if not step.done and elapsed() >= step.at * duration:
                    step.done = True
                    step.inject(sandbox)
                    out.write(f"[{elapsed():5.1f}s] fault injected: {step.label}\n")
            if elapsed() - last_view >= 1.0:
                last_view = elapsed()
                out.write(_view(b, elapsed(), live))
                out.flush()

        integrity = "not checked"

        async def before_close(b: DemoBot) -> None:
            nonlocal integrity
            await sandbox.market.stop()  # let the stream settle, then compare books
            integrity = await _book_integrity(b, sandbox, symbol)

        try:
            await bot.run(
                until=lambda: elapsed() >= duration, on_tick=on_tick, before_close=before_close
            )
        finally:
            await sandbox.market.stop()
        result = _summarise(bot, sandbox, symbol, elapsed(), integrity)
    out.write(_summary_text(result))
    out.flush()
    return result


def _view(bot: DemoBot, t: float, live: bool) -> str:
    bid, ask = bot.best()
    spread = f"{ask - bid}" if bid is not None and ask is not None else "-"
    trades = list(reversed(bot.store.trade.find({"s": bot.config.symbol})))[:3]
    last = ", ".join(f"{x['S'][0]} {x['v']}@{x['p']}" for x in trades) or "-"
    orders = len(bot.store.order.find({"orderStatus": "New"}))
    positions = [p for p in bot.store.position.find() if float(p.get("size") or 0) != 0]
    pos = ", ".join(f"{p['side']} {p['size']}" for p in positions) or "flat"
    status = bot.store.orderbook.book_state(bot.config.symbol)
    ws = []
    for name, app in (("public", bot.public), ("private", bot.private)):
        if app is not None:
            h = app.health()
            ws.append(f"{name} {h.state} (connects {h.connects}, msgs {h.messages_received})")
    lines = [
        f"[{t:5.1f}s] {bot.config.symbol} bid {bid} ask {ask} spread {spread} | last trades {last}",
        f"        open orders {orders} | position {pos} | {' | '.join(ws)}",
        f"        book {status.state.value}: gaps {status.gaps} resyncs {status.resyncs_requested} "
        f"| rate-limited {bot.report.rate_limited}",
    ]
    prefix = "\x1b[2J\x1b[H" if live else ""
    return prefix + "\n".join(lines) + "\n"


def _summarise(bot: DemoBot, sandbox: Sandbox, symbol: str, t: float, integrity: str) -> DemoResult:
    status = bot.store.orderbook.book_state(symbol)
    health = {n: a.health() for n, a in (("public", bot.public), ("private", bot.private)) if a}
    faults = dict(sandbox.fault_counters)
    result = DemoResult(
        duration=t,
        faults={k: v for k, v in faults.items() if v},
        bot={
            "orders_placed": bot.report.orders_placed,
            "orders_cancelled": bot.report.orders_cancelled,
            "market_orders": bot.report.market_orders,
            "rate_limited": bot.report.rate_limited,
            "rest_errors": bot.report.rest_errors,
            "rejected": len(bot.report.rejected),
        },
        ws={
            f"{n}_{k}": getattr(h, k)
            for n, h in health.items()
            for k in ("connects", "disconnects", "messages_received", "handler_errors")
        },
        book={"gaps": status.gaps, "resyncs_requested": status.resyncs_requested},
        integrity=integrity,
    )
    if bot.report.orders_placed == 0 or bot.report.orders_cancelled == 0:
        result.problems.append("the bot did not both place and cancel orders")
    if faults.get("ws_drop") and health.get("public") and health["public"].connects < 2:
        result.problems.append("the public socket was dropped but never reconnected")
    if faults.get("ws_sequence_skip_global") and status.gaps < 1:
        result.problems.append("an injected sequence gap went undetected")
    if faults.get("rest_rate_limit") and bot.report.rate_limited < 1:
        result.problems.append("an injected 429 was not seen by the bot")
    if integrity != "ok":
        result.problems.append(f"book integrity: {integrity}")
    return result


async def _book_integrity(bot: DemoBot, sandbox: Sandbox, symbol: str) -> str:
    """Compare the bot's top 50 levels with the exchange's once the stream is drained."""
    expected = sandbox.book_digest(symbol, depth=50)
    deadline = time.monotonic() + 3.0
    while True:
        book = bot.store.orderbook.sorted({"s": symbol}, limit=50)
        got = [[(x["p"], x["v"]) for x in book["b"]], [(x["p"], x["v"]) for x in book["a"]]]
        if got == [list(map(tuple, side)) for side in expected]:
            return "ok"
        if time.monotonic() > deadline:
            return f"mismatch (bot has {len(got[0])}/{len(got[1])} levels)"
        with contextlib.suppress(asyncio.TimeoutError):
            remaining = max(deadline - time.monotonic(), 0.01)
            await asyncio.wait_for(bot.store.orderbook.wait(), timeout=remaining)


def _summary_text(result: DemoResult) -> str:
    lines = [
        "",
        f"summary after {result.duration:.1f}s:",
        f"  bot:       {result.bot}",
        f"  websocket: {result.ws}",
        f"  book:      {result.book}",
        f"  faults:    {result.faults}",
        f"  integrity: bot book == exchange book (top 50): {result.integrity}",
        f"  result:    {'OK' if result.ok else 'PROBLEMS: ' + '; '.join(result.problems)}",
    ]
    return "\n".join(lines) + "\n"
