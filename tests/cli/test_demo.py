"""The demo (README command one): a bot on the sandbox survives every injected fault
and ends with the exchange's book. Runs for a few real seconds, bounded."""

from __future__ import annotations

import io
import subprocess
import sys

from pybotters_like.cli.demo import run_demo


async def test_demo_survives_faults_and_matches_the_exchange_book() -> None:
    out = io.StringIO()
    result = await run_demo(duration=4.0, seed=3, out=out, live=False)
    text = out.getvalue()
    assert result.problems == []
    assert result.ok
    # every fault of the schedule was injected ...
    assert result.faults.get("ws_drop") == 1
    assert result.faults.get("ws_sequence_skip_global") == 1
    assert result.faults.get("rest_rate_limit") == 1
    # ... and observed and handled by the bot
    assert result.ws["public_connects"] >= 2
    assert result.book["gaps"] >= 1
    assert result.bot["rate_limited"] >= 1
    assert result.bot["orders_placed"] >= 1
    assert result.bot["orders_cancelled"] >= 1
    assert result.integrity == "ok"
    assert "bid" in text
    assert "summary after" in text


def test_demo_command_exits_zero_on_its_own() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pybotters_like", "demo", "--duration", "3", "--seed", "11"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "result:    OK" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_demo_rejects_a_bad_duration() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pybotters_like", "demo", "--duration", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "--duration must be positive" in proc.stderr
