"""Load and integrity run: hundreds of Bybit symbols over a few multiplexed sockets.

Owns the load scenario shared by this benchmark and ``tests/e2e/test_load_integrity.py``:
a seeded :class:`~pybotters_like.sandbox.Sandbox` lists ``--symbols`` symbols; a
``pybotters_like.Client`` with one ``BybitDataStore`` (``auto_resubscribe()``) subscribes
``orderbook.50.X`` and ``publicTrade.X`` of every symbol over ``--connections``
``ws_connect`` apps (10 topics per subscribe message). The market is stepped
deterministically; global and per-connection sequence skips and a dropped socket are
injected; at the end the client's books are compared with the exchange's (digest of the
top 50 levels of every symbol), every injected gap must have been detected and resynced,
and trade ids must be contiguous per symbol.

Run (the sandbox runs in a child process, so client CPU is measured alone)::

    python scripts/load_sandbox.py [--symbols 200] [--steps 300] [--connections 4] [--seed 7]

Synchronisation is by condition, never by sleeping: a *barrier* sends a JSON
``{"op": "ping", "req_id": ...}`` on every socket and waits for its pong; the sandbox
queues frames per socket in order, so once the pong is handled everything the exchange
published before it has been handled too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

import pybotters_like
from pybotters_like.models.bybit import BybitDataStore
from pybotters_like.sandbox import Connection, Sandbox, SandboxResolver
from pybotters_like.store import SyncState
from pybotters_like.ws import WebSocketApp

DEPTH = 50
ARGS_PER_SUBSCRIBE = 10  # Bybit linear has no per-request limit; spot allows 10
BACKOFF = (0.05, 0.5, 1.618, 0.05)  # reconnect within ~0.1 s: the run is short
CHUNK = 10  # market steps between two barriers (bounds the sandbox's send queues)
SETTLE_TIMEOUT = 20.0


def make_symbols(count: int) -> list[str]:
    """``count`` distinct linear symbols (``S000USDT`` ...), seeded prices per symbol."""
    return [f"S{i:03d}USDT" for i in range(count)]


def book_digest(bids: Iterable[Iterable[str]], asks: Iterable[Iterable[str]]) -> str:
    """SHA-256 of a book's ``[bids, asks]`` as ``[price, size]`` strings, best first."""
    levels = [[list(x) for x in bids], [list(x) for x in asks]]
    return hashlib.sha256(json.dumps(levels, separators=(",", ":")).encode()).hexdigest()


def combined_digest(per_symbol: dict[str, str]) -> str:
    """One digest over every symbol's book digest (symbols sorted)."""
    text = "\n".join(f"{s}:{d}" for s, d in sorted(per_symbol.items()))
    return hashlib.sha256(text.encode()).hexdigest()


# -- the exchange side ----------------------------------------------------------------------


def _connection_of(sandbox: Sandbox, symbol: str) -> Connection:
    topic = f"orderbook.{DEPTH}.{symbol}"
    for conn in sandbox.connections:
        if topic in conn.topics and not conn.closed.is_set():
            return conn
    raise LookupError(f"no live sandbox connection carries {topic}")


async def execute(sandbox: Sandbox, command: dict[str, Any]) -> dict[str, Any]:
    """Run one control command on the sandbox (in process, or in the child process)."""
    op = command["op"]
    if op == "step":
        await sandbox.market.step(command["count"])
        return {}
    if op == "skip":  # every subscriber of the symbol's book sees the jump
        sandbox.faults.skip_sequence(command["symbol"])
        return {}
    if op == "skip_conn":  # only the socket carrying the symbol's book sees it
        conn = _connection_of(sandbox, command["symbol"])
        conn.skip_sequence(command["symbol"])
        return {"conn_id": conn.conn_id}
    if op == "drop":  # abort the TCP connection carrying the symbol's book
        conn = _connection_of(sandbox, command["symbol"])
        conn.drop()
        return {"conn_id": conn.conn_id}
    if op == "state":
        symbols = sorted(sandbox.books)
        return {
            "books": {s: book_digest(*sandbox.book_digest(s, depth=DEPTH)) for s in symbols},
            "last_trade_ids": {s: sandbox.last_trade_id(s) for s in symbols},
            "faults": sandbox.fault_counters,
            "frames_sent": sum(c.sent for c in sandbox.connections),
            "cpu": time.process_time(),
        }
    raise ValueError(f"unknown control op {op!r}")


class SandboxControl(Protocol):
    """How the scenario drives the exchange: in process or over a pipe."""

    async def call(self, op: str, **args: Any) -> dict[str, Any]: ...


class InProcessControl:
    """Drive a :class:`Sandbox` of this process (the e2e test)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def call(self, op: str, **args: Any) -> dict[str, Any]:
        """Run ``op`` on the sandbox."""
        return await execute(self.sandbox, {"op": op, **args})


def _child_env() -> dict[str, str]:
    """The environment of the child: it imports the same pybotters_like as this process."""
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(pybotters_like.__file__)))
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


class SubprocessControl:
    """A sandbox in a child process, driven by JSON lines on its stdin/stdout."""

    def __init__(self, process: asyncio.subprocess.Process, hello: dict[str, Any]) -> None:
        self.process = process
        self.urls: dict[str, str] = hello["urls"]
        self.hostnames: list[str] = hello["hostnames"]

    @classmethod
    async def start(cls, symbols: int, seed: int) -> SubprocessControl:
        """Start ``python load_sandbox.py --serve`` and read its addresses."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", "--symbols", str(symbols), "--seed", str(seed),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env=_child_env(),
        )  # fmt: skip
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            raise RuntimeError("the sandbox child process exited before it listened")
        return cls(process, json.loads(line))

    async def call(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": op, **args}).encode() + b"\n")
        await self.process.stdin.drain()
        reply: dict[str, Any] = json.loads(await self.process.stdout.readline())
        if "error" in reply:
            raise RuntimeError(f"sandbox child: {reply['error']}")
        return reply

    async def close(self) -> None:
        """Ask the child to stop and wait for it."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        await asyncio.wait_for(self.process.wait(), 10)


async def serve(symbols: int, seed: int) -> None:
    """The child process: a sandbox on loopback, commanded through stdin, answering on stdout."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with Sandbox(seed=seed, symbols=make_symbols(symbols), idle_timeout=None) as sandbox:
        hello = {"urls": sandbox.urls, "hostnames": list(sandbox.venue.hostnames)}
        sys.stdout.write(json.dumps(hello) + "\n")
        sys.stdout.flush()
        while line := await reader.readline():
            try:
                reply = await execute(sandbox, json.loads(line))
            except Exception as exc:
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()


# -- the client side -------------------------------------------------------------------------


class StreamRecorder:
    """A second ``hdlr_json`` next to the store's: trade ids per symbol, barrier pongs.

    Trade ids are recorded with the connection they came on, so a hole in the ids can
    be told apart: inside one connection it is a lost message; across a reconnect it is
    the outage (Bybit does not replay public trades).
    """

    def __init__(self) -> None:
        self.trades: dict[str, list[tuple[int, int]]] = {}
        self.messages = 0
        self.progress = asyncio.Event()
        self._epochs: dict[Any, int] = {}  # keyed by the connection object: keeps it alive
        self._pongs: dict[str, asyncio.Future[None]] = {}

    def on_message(self, msg: Any, ws: Any) -> None:
        """Record one frame (called for every JSON frame of every connection)."""
        self.messages += 1
        self.progress.set()
        topic = msg.get("topic")
        if topic is not None:
            if topic[0] == "p":  # publicTrade.*
                epoch = self._epochs.setdefault(ws, len(self._epochs))
                ids = self.trades.setdefault(topic[12:], [])
                ids.extend((int(t["i"]), epoch) for t in msg["data"])
        elif msg.get("op") == "ping":
            pong = self._pongs.pop(msg.get("req_id", ""), None)
            if pong is not None and not pong.done():
                pong.set_result(None)

    def expect_pong(self, req_id: str) -> asyncio.Future[None]:
        """A future resolved when the pong of ``req_id`` is handled."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pongs[req_id] = future
        return future


@dataclass
class LoadClient:
    """The user's side: one Client, one BybitDataStore, ``connections`` multiplexed apps."""

    client: pybotters_like.Client
    url: str
    groups: list[list[str]]
    store: BybitDataStore = field(default_factory=BybitDataStore)
    recorder: StreamRecorder = field(default_factory=StreamRecorder)
    apps: list[WebSocketApp] = field(default_factory=list)
    _barriers: int = 0

    def connect(self) -> None:
        """Start one app per symbol group, subscribing books and trades 10 topics a message."""
        self.store.auto_resubscribe()
        for group in self.groups:
            topics = [t for s in group for t in (f"orderbook.{DEPTH}.{s}", f"publicTrade.{s}")]
            messages = [
                {"op": "subscribe", "args": topics[i : i + ARGS_PER_SUBSCRIBE]}
                for i in range(0, len(topics), ARGS_PER_SUBSCRIBE)
            ]
            app = self.client.ws_connect(
                self.url,
                send_json=messages,
                hdlr_json=[self.store.onmessage, self.recorder.on_message],
                on_connect=self.store.on_connect,
                on_disconnect=self.store.on_disconnect,
                backoff=BACKOFF,
            )
            self.apps.append(app)

    def unsynced(self) -> list[str]:
        """Symbols whose book is not live (never got a snapshot, or waiting for a resync)."""
        book = self.store.orderbook
        return [
            s
            for group in self.groups
            for s in group
            if book.book_state(s).state is not SyncState.SYNCED
        ]

    async def barrier(self, timeout: float = 10.0) -> None:
        """Round-trip a JSON ping on every socket (see the module docstring)."""
        deadline = time.monotonic() + timeout
        for app in self.apps:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"barrier: no pong from {app!r} (state {app.state})")
                await asyncio.wait_for(app.ready(), left)
                ws = app.current_ws
                self._barriers += 1
                req_id = f"barrier-{self._barriers}"
                pong = self.recorder.expect_pong(req_id)
                try:
                    if ws is None:
                        raise ConnectionError("not connected")
                    await ws.send_json({"op": "ping", "req_id": req_id})
                    # a socket dropped after the send never answers: try the next one
                    await asyncio.wait_for(pong, min(left, 1.0))
                    break
                except (ConnectionError, RuntimeError, asyncio.TimeoutError, aiohttp.ClientError):
                    pong.cancel()
                    await asyncio.sleep(0.01)  # let the app notice the dead socket

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Barrier until every socket is up and every book is live again."""
        deadline = time.monotonic() + timeout
        while True:
            await self.barrier(max(deadline - time.monotonic(), 0.1))
            missing = self.unsynced()
            if not missing and all(a.state == "open" for a in self.apps):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"settle: {len(missing)} books not resynced: {missing[:10]}")
            self.recorder.progress.clear()
            # a resubscribe is in flight: wait for the next frame (bounded), then re-check
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.recorder.progress.wait(), 0.2)

    def client_digests(self) -> dict[str, str]:
        """Digest of the top 50 levels of every symbol's book, as the client serves it."""
        out = {}
        for group in self.groups:
            for s in group:
                book = self.store.orderbook.sorted({"s": s}, limit=DEPTH)
                out[s] = book_digest(
                    [(x["p"], x["v"]) for x in book["b"]], [(x["p"], x["v"]) for x in book["a"]]
                )
        return out


# -- the scenario ---------------------------------------------------------------------------


@dataclass
class LoadResult:
    """What a run observed; the test asserts on it and the script prints it."""

    symbols: int
    steps: int
    wall: float
    client_cpu: float
    messages: int
    server: dict[str, Any]
    expected_gaps: dict[str, int]
    dropped_symbols: list[str]
    mismatched_books: list[str]
    client_digest: str
    sandbox_digest: str
    gaps: dict[str, int]
    resyncs: dict[str, int]
    undetected_gaps: dict[str, tuple[int, int]]
    unsynced: list[str]
    trade_problems: dict[str, str]
    trades_lost_in_outage: int
    connects: list[int]
    resubscribes_sent: int
    errors: dict[str, Any]

    @property
    def ok(self) -> bool:
        """Every integrity check passed."""
        return not (
            self.mismatched_books
            or self.client_digest != self.sandbox_digest
            or self.undetected_gaps
            or self.unsynced
            or self.trade_problems
            or any(self.errors.values())
        )


def check_trades(
    received: list[tuple[int, int]], last_id: int, may_lose: bool
) -> tuple[str | None, int]:
    """``(problem or None, ids lost across a reconnect)`` for one symbol's trade ids.

    Ids must be exactly ``1..last_id`` in order without duplicates; only a socket that
    was dropped (``may_lose``) may miss ids, and only where the connection changed.
    """
    expected, lost = 1, 0
    prev_epoch: int | None = None
    for trade_id, epoch in received:
        if trade_id < expected:
            return f"id {trade_id} duplicated or out of order (expected {expected})", lost
        if trade_id > expected:
            if not (may_lose and prev_epoch is not None and epoch != prev_epoch):
                return f"ids {expected}..{trade_id - 1} missing on one connection", lost
            lost += trade_id - expected
        expected, prev_epoch = trade_id + 1, epoch
    if expected - 1 != last_id:
        if not may_lose:
            return f"last id {expected - 1}, exchange has {last_id}", lost
        lost += last_id - (expected - 1)
    return None, lost


async def run_scenario(
    control: SandboxControl,
    client: pybotters_like.Client,
    ws_url: str,
    symbols: list[str],
    *,
    steps: int,
    connections: int,
) -> LoadResult:
    """Subscribe, step the market with faults injected, settle, and check integrity."""
    groups = [symbols[i::connections] for i in range(connections)]
    load = LoadClient(client, ws_url, groups)
    load.connect()
    await load.settle()  # every snapshot received
    if min(len(g) for g in groups) < 4:
        raise ValueError("the fault plan needs at least 4 symbols per connection")
    rounds = 6
    per_round = max(steps // rounds, 10)  # enough for every injected skip to be published
    expected_gaps: dict[str, int] = {}
    dropped = groups[-1]

    async def step(count: int) -> None:
        for done in range(0, count, CHUNK):
            await control.call("step", count=min(CHUNK, count - done))
            await load.barrier()

    async def skip(op: str, symbol: str) -> None:
        await control.call(op, symbol=symbol)
        expected_gaps[symbol] = expected_gaps.get(symbol, 0) + 1

    server0 = await control.call("state")
    cpu0, wall0, messages0 = time.process_time(), time.monotonic(), load.recorder.messages
    for round_no in range(rounds):
        # faults are injected on live books only, one per symbol per round, so that each
        # one must show up as exactly one detected gap
        if round_no == 1:  # a global skip on one symbol per socket
            for group in groups:
                await skip("skip", group[0])
        elif round_no == 2:  # per-socket skips: only that socket's ids jump
            for group in groups:
                await skip("skip_conn", group[1])
        elif round_no == 4:  # both kinds again, also on the socket that was redialled
            for group in groups:
                await skip("skip", group[2])
                await skip("skip_conn", group[3])
        if round_no == 3:  # drop a socket mid-stream, frames in flight, market moving
            await control.call("step", count=per_round // 2)
            await control.call("drop", symbol=dropped[0])
            await control.call("step", count=per_round // 2)
        else:
            await step(per_round)
        await load.settle()
    wall = time.monotonic() - wall0
    client_cpu = time.process_time() - cpu0
    messages = load.recorder.messages - messages0
    server = await control.call("state")
    server["cpu"] -= server0["cpu"]
    server["frames_sent"] -= server0["frames_sent"]

    client_books = load.client_digests()
    book = load.store.orderbook
    gaps = {s: book.book_state(s).gaps for s in symbols}
    trade_problems: dict[str, str] = {}
    lost = 0
    for s in symbols:
        problem, n = check_trades(
            load.recorder.trades.get(s, []), server["last_trade_ids"][s], s in dropped
        )
        lost += n
        if problem:
            trade_problems[s] = problem
    store = load.store
    return LoadResult(
        symbols=len(symbols),
        steps=rounds * per_round,
        wall=wall,
        client_cpu=client_cpu,
        messages=messages,
        server=server,
        expected_gaps=expected_gaps,
        dropped_symbols=dropped,
        mismatched_books=[s for s in symbols if client_books[s] != server["books"][s]],
        client_digest=combined_digest(client_books),
        sandbox_digest=combined_digest(server["books"]),
        gaps=gaps,
        resyncs={s: book.book_state(s).resyncs_requested for s in symbols},
        undetected_gaps={
            s: (gaps[s], n) for s in symbols if gaps[s] != (n := expected_gaps.get(s, 0))
        },
        unsynced=load.unsynced(),
        trade_problems=trade_problems,
        trades_lost_in_outage=lost,
        connects=[a.health().connects for a in load.apps],
        resubscribes_sent=store.resubscribes_sent,
        errors={
            "failed_acks": store.failed_acks,
            "unknown_topics": dict(store.unknown_topics),
            "malformed": dict(store.malformed),
            "handler_errors": sum(a.health().handler_errors for a in load.apps),
            "decode_errors": sum(a.health().decode_errors for a in load.apps),
        },
    )


# -- the benchmark ----------------------------------------------------------------------------


def report(result: LoadResult) -> str:
    """Human-readable summary of a run."""
    n = max(result.messages, 1)
    server_cpu = result.server["cpu"]
    lines = [
        f"symbols {result.symbols}, steps {result.steps}, sockets {len(result.connects)} "
        f"(connects {result.connects}), subscribe args per message {ARGS_PER_SUBSCRIBE}",
        f"messages received by the client: {result.messages} in {result.wall:.2f} s "
        f"= {result.messages / result.wall:,.0f} msg/s",
        f"client CPU: {result.client_cpu:.2f} s = {result.client_cpu / n * 1e6:.1f} us/msg "
        f"({result.client_cpu / result.wall:.0%} of one core; "
        f"{n / max(result.client_cpu, 1e-9):,.0f} msg per client CPU second)",
        f"sandbox CPU (child process): {server_cpu:.2f} s = {server_cpu / n * 1e6:.1f} us/msg",
        f"faults injected: { {k: v for k, v in result.server['faults'].items() if v} }",
        f"gaps: injected {sum(result.expected_gaps.values())}, detected "
        f"{sum(result.gaps.values())}, resubscribes sent {result.resubscribes_sent}, "
        f"undetected {result.undetected_gaps or 'none'}",
        f"books (top {DEPTH}) digest: client {result.client_digest[:16]} sandbox "
        f"{result.sandbox_digest[:16]} mismatched {result.mismatched_books or 'none'}",
        f"trade ids: problems {result.trade_problems or 'none'}; "
        f"lost only across the dropped socket's outage: {result.trades_lost_in_outage}",
        f"errors: {result.errors}",
        f"result: {'OK' if result.ok else 'FAILED'}",
    ]
    return "\n".join(lines) + "\n"


async def benchmark(symbols: int, steps: int, connections: int, seed: int) -> LoadResult:
    """The scenario with the sandbox in a child process."""
    control = await SubprocessControl.start(symbols, seed)
    try:
        connector = aiohttp.TCPConnector(
            resolver=SandboxResolver(control.hostnames), use_dns_cache=False
        )
        async with pybotters_like.Client(apis={}, connector=connector) as client:
            return await run_scenario(
                control,
                client,
                control.urls["ws_public"],
                make_symbols(symbols),
                steps=steps,
                connections=connections,
            )
    finally:
        await control.close()


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; exit status 0 when every integrity check passed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--symbols", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args.symbols, args.seed))
        return 0
    if args.symbols < 4 * args.connections:
        parser.error("need at least 4 symbols per connection")
    result = asyncio.run(benchmark(args.symbols, args.steps, args.connections, args.seed))
    sys.stdout.write(report(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    # warnings (one per invalidated book on the dropped socket) are counted in the report
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())
