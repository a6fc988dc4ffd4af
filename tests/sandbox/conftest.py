"""Fixtures for sandbox tests: a manual clock, a started sandbox, a signed Client, raw WS."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

import pybotters_like
from pybotters_like.sandbox import Sandbox

KEY, SECRET = "sandbox-key", "sandbox-secret"
T0 = 1_700_000_000.0
RECV_TIMEOUT = 5.0  # a guard against hangs, never a synchronisation point


class ManualClock:
    """Unix seconds, moved only by the test."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def sandbox(clock: ManualClock) -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=7, symbols=["BTCUSDT", "ETHUSDT"], clock=clock) as sb:
        sb.create_account(KEY, SECRET, balances={"USDT": 100_000})
        yield sb


@pytest.fixture
async def client(sandbox: Sandbox, clock: ManualClock) -> AsyncIterator[pybotters_like.Client]:
    async with pybotters_like.Client(
        apis={"bybit": [KEY, SECRET]},
        base_url=sandbox.rest_url,
        connector=sandbox.connector(),
        clock=clock,
    ) as c:
        yield c


@pytest.fixture
async def session(sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(connector=sandbox.connector()) as s:
        yield s


async def recv(ws: aiohttp.ClientWebSocketResponse) -> Any:
    """The next JSON frame."""
    return json.loads(await ws.receive_str(timeout=RECV_TIMEOUT))


async def recv_until(ws: aiohttp.ClientWebSocketResponse, match: Callable[[Any], bool]) -> Any:
    """Skip frames until one matches."""
    while True:
        frame = await recv(ws)
        if match(frame):
            return frame


async def closed(ws: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage:
    """Read until the connection ends; returns the terminal message."""
    while True:
        msg = await ws.receive(timeout=RECV_TIMEOUT)
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return msg


def topic_is(topic: str) -> Callable[[Any], bool]:
    return lambda f: isinstance(f, dict) and f.get("topic") == topic


async def drain_queued(sandbox: Sandbox) -> None:
    """Let writer tasks run (one loop pass) -- used only where nothing may arrive."""
    await asyncio.sleep(0)
