"""An embedded exchange on loopback: real protocols, signature checks, fault injection.

Owns nothing itself; re-exports the public API of the sandbox package:

- :class:`Sandbox`: the server (lifecycle, URLs, connector, accounts, introspection);
- :class:`MarketGenerator` (``sandbox.market``): seeded synthetic market, ``await step()``;
- :class:`FaultPlan` (``sandbox.faults``) and :class:`Connection` (per-socket faults);
- :class:`Instrument`, :class:`Account`, :class:`Venue` (the seam for new exchanges).

Example:
    >>> from pybotters_like.sandbox import Sandbox
    >>> async def main() -> None:
    ...     async with Sandbox(seed=7, symbols=["BTCUSDT"]) as sandbox:
    ...         sandbox.create_account("KEY", "SECRET", balances={"USDT": 100_000})
"""

from __future__ import annotations

from .accounts import Account, Position
from .connection import Connection
from .exchange import Exchange, OrderError
from .faults import FaultPlan, RestFault
from .instruments import Instrument
from .market import MarketGenerator
from .matching import OrderBook
from .resolver import SandboxResolver
from .server import Sandbox
from .venues import VENUES, Venue, VenueHost

__all__ = [
    "VENUES",
    "Account",
    "Connection",
    "Exchange",
    "FaultPlan",
    "Instrument",
    "MarketGenerator",
    "OrderBook",
    "OrderError",
    "Position",
    "RestFault",
    "Sandbox",
    "SandboxResolver",
    "Venue",
    "VenueHost",
]
