"""Same seed, same stream; many symbols stay cheap."""

from __future__ import annotations

import time
from typing import Any

import aiohttp

from pybotters_like.sandbox import Sandbox

from .conftest import T0, ManualClock, recv


async def _stream(seed: int, steps: int = 100) -> list[Any]:
    async with Sandbox(seed=seed, symbols=["BTCUSDT", "ETHUSDT", "ABCUSDT"],
                       clock=ManualClock(T0)) as sb:  # fmt: skip
        topics = [f"{kind}.{s}" for s in ("BTCUSDT", "ETHUSDT", "ABCUSDT")
                  for kind in ("orderbook.50", "publicTrade", "tickers")]  # fmt: skip
        async with aiohttp.ClientSession(connector=sb.connector()) as session:
            ws = await session.ws_connect(sb.ws_public_url)
            await ws.send_json({"op": "subscribe", "args": topics})
            frames = [await recv(ws) for _ in range(1 + 2 * 3)]  # ack + book/ticker snapshots
            await sb.market.step(steps)
            await ws.send_json({"op": "ping", "req_id": "end"})  # a marker after the stream
            while True:
                frame = await recv(ws)
                if frame.get("req_id") == "end":
                    break
                frames.append(frame)
            await ws.close()
    for frame in frames:
        frame.pop("conn_id", None)
    return frames


async def test_same_seed_same_stream() -> None:
    first, second = await _stream(11), await _stream(11)
    assert len(first) > 200
    assert first == second


async def test_different_seed_different_stream() -> None:
    assert await _stream(11, 30) != await _stream(12, 30)


async def test_many_symbols_step_quickly() -> None:
    symbols = [f"S{i:03d}USDT" for i in range(250)]
    started = time.perf_counter()
    sb = Sandbox(seed=3, symbols=symbols, clock=ManualClock(T0), actions_per_step=2)
    async with sb, aiohttp.ClientSession(connector=sb.connector()) as session:
        ws = await session.ws_connect(sb.ws_public_url)
        await ws.send_json({"op": "subscribe", "args": [f"orderbook.50.{s}" for s in symbols]})
        await recv(ws)
        await sb.market.step(20)
        assert sb.market.steps == 20
        for s in symbols[:5]:
            bids, asks = sb.book_digest(s, depth=1)
            assert float(bids[0][0]) < float(asks[0][0])
        await ws.close()
    assert time.perf_counter() - started < 20
