"""Load and integrity, end to end: 200 symbols over 4 multiplexed sockets of the sandbox.

The scenario lives in ``scripts/load_sandbox.py`` (the benchmark runs the same one with
the sandbox in a child process); here the sandbox runs in the test's own loop and is
driven with ``await sandbox.market.step()`` only, so the market is a pure function of
the seed. Faults: a global ``faults.skip_sequence`` on one symbol per socket, a
per-socket ``connections[i].skip_sequence`` on another, a socket aborted mid-stream,
then both skips again. Checked at the end:

* books: the client's top 50 levels of every symbol equal ``sandbox.book_digest``
  (one digest over all symbols; the differing symbols are named on failure);
* gaps: every injected skip is detected exactly once per symbol (no misses, no false
  alarms), each one re-subscribed, and no book ends out of sync;
* trades: ids per symbol are exactly ``1..sandbox.last_trade_id`` with no hole and no
  duplicate on the three sockets that stayed up. On the aborted socket ids must still
  be increasing and unique, and holes are allowed only where the connection changed:
  Bybit does not replay public trades after a reconnect, so trades published during the
  outage are lost by design (the book, unlike trades, is restored by its snapshot).
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import pytest_asyncio

import pybotters_like
from pybotters_like.sandbox import Sandbox

SEED = 7
SYMBOLS = 200
CONNECTIONS = 4
STEPS = 180  # ~45k frames; about 10 s on two cores (sandbox and client share the loop)


def _load_script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "load_sandbox.py"
    spec = importlib.util.spec_from_file_location("load_sandbox", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


load = _load_script()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def result() -> Any:
    """One run of the scenario, shared by the checks below."""
    symbols = load.make_symbols(SYMBOLS)
    async with (
        Sandbox(seed=SEED, symbols=symbols, idle_timeout=None) as sandbox,
        pybotters_like.Client(apis={}, connector=sandbox.connector()) as client,
    ):
        scenario = load.run_scenario(
            load.InProcessControl(sandbox),
            client,
            sandbox.ws_public_url,
            symbols,
            steps=STEPS,
            connections=CONNECTIONS,
        )
        return await asyncio.wait_for(scenario, timeout=50)


def test_faults_were_injected_and_the_socket_reconnected(result: Any) -> None:
    assert result.server["faults"]["ws_sequence_skip_global"] == 2 * CONNECTIONS
    assert result.server["faults"]["ws_sequence_skip"] == 2 * CONNECTIONS
    assert result.server["faults"]["ws_drop"] == 1
    assert result.connects == [1] * (CONNECTIONS - 1) + [2]
    assert result.symbols == SYMBOLS
    assert result.messages > 20 * SYMBOLS


def test_client_books_equal_the_exchange_books(result: Any) -> None:
    assert result.mismatched_books == [], f"books differ (top 50): {result.mismatched_books}"
    assert result.client_digest == result.sandbox_digest


def test_every_injected_gap_is_detected_and_resynced(result: Any) -> None:
    injected = sum(result.expected_gaps.values())
    assert injected == 4 * CONNECTIONS
    assert result.undetected_gaps == {}, "symbol: (gaps detected, skips injected)"
    assert sum(result.gaps.values()) == injected
    assert result.resubscribes_sent == injected
    assert all(result.resyncs[s] >= n for s, n in result.expected_gaps.items())
    assert result.unsynced == []


def test_the_dropped_socket_resynced_its_books(result: Any) -> None:
    # every book of the aborted socket was invalidated and came back from a snapshot
    assert all(result.resyncs[s] >= 1 for s in result.dropped_symbols)
    assert not set(result.dropped_symbols) & set(result.mismatched_books)


def test_no_trade_is_lost(result: Any) -> None:
    assert result.trade_problems == {}
    kept = [s for s in result.server["last_trade_ids"] if s not in result.dropped_symbols]
    assert sum(result.server["last_trade_ids"][s] for s in kept) > 10 * len(kept)


def test_no_error_was_reported(result: Any) -> None:
    assert result.errors == {
        "failed_acks": 0,
        "unknown_topics": {},
        "malformed": {},
        "handler_errors": 0,
        "decode_errors": 0,
    }


# -- the trade-id check itself (so that a green run means something) ---------------------


def test_trade_check_accepts_contiguous_ids() -> None:
    assert load.check_trades([(1, 0), (2, 0), (3, 0)], 3, False) == (None, 0)
    assert load.check_trades([], 0, False) == (None, 0)


@pytest.mark.parametrize(
    ("received", "last", "may_lose"),
    [
        ([(1, 0), (3, 0)], 3, False),  # a hole on one connection
        ([(1, 0), (3, 0)], 3, True),  # ... even on a socket that was dropped elsewhere
        ([(1, 0), (3, 1)], 3, False),  # a hole across a reconnect of a kept socket
        ([(1, 0), (2, 0), (2, 0)], 2, False),  # a duplicate
        ([(2, 0), (1, 0)], 2, False),  # out of order
        ([(1, 0)], 2, False),  # the last trade never arrived
    ],
)
def test_trade_check_rejects(received: list[tuple[int, int]], last: int, may_lose: bool) -> None:
    problem, _ = load.check_trades(received, last, may_lose)
    assert problem is not None


def test_trade_check_allows_the_outage_of_a_dropped_socket() -> None:
    assert load.check_trades([(1, 0), (2, 0), (5, 1), (6, 1)], 6, True) == (None, 2)
    assert load.check_trades([(1, 0)], 3, True) == (None, 2)  # trades during the outage


def test_benchmark_script_runs_with_the_sandbox_in_a_child_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert load.main(["--symbols", "16", "--steps", "60", "--connections", "2"]) == 0
    out = capsys.readouterr().out
    assert "msg/s" in out
    assert "us/msg" in out
    assert "result: OK" in out
