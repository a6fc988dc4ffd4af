"""Command line: ``python -m pybotters_like <command>``.

Owns argument parsing and exit codes only; each command lives in its own module.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m pybotters_like")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="run a bot against the embedded sandbox exchange (no internet)"
    )
    demo.add_argument("--duration", type=float, default=20.0, help="seconds to trade (default 20)")
    demo.add_argument("--seed", type=int, default=7, help="market generator seed (default 7)")
    demo.add_argument("--verbose", action="store_true", help="show the SDK's log lines")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.duration <= 0:
        parser.error("--duration must be positive")
    from pybotters_like.cli.demo import run_demo

    result = asyncio.run(run_demo(duration=args.duration, seed=args.seed))
    return 0 if result.ok else 1
