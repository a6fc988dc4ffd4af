"""The venue seam: how an exchange protocol plugs into the sandbox core.

A venue owns one exchange's wire protocol (REST paths and shapes, WS ops,
signatures, error codes) and nothing else. The core (:class:`~..server.Sandbox`)
owns the port, accounts, matching, the market generator, the fault plan and
the WebSocket lifecycle, and offers them to the venue through
:class:`VenueHost`. To add an exchange, write a :class:`Venue` subclass in
``venues/<name>/`` and register it in :data:`VENUES`; the core does not change.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from aiohttp import web

if TYPE_CHECKING:
    from ..connection import Connection
    from ..exchange import Changes, Exchange
    from ..faults import FaultPlan

__all__ = ["VENUES", "Venue", "VenueHost"]


class VenueHost(Protocol):
    """What the core gives a venue."""

    seed: int
    exchange: Exchange
    faults: FaultPlan

    def now_ms(self) -> int:
        """Server time in ms (injected clock)."""

    async def accept_websocket(
        self,
        request: web.Request,
        venue: Venue,
        on_text: Callable[[Connection, str], Awaitable[None]],
    ) -> web.WebSocketResponse:
        """Handshake, register a :class:`Connection`, read until it closes.

        ``on_text`` gets every text frame (not while half-open); the core
        answers protocol pings, enforces the idle cut-off and calls
        :meth:`Venue.on_disconnect` at the end.
        """


class Venue(abc.ABC):
    """One exchange protocol served by the sandbox.

    Subclasses set :attr:`name` and :attr:`hostnames` and implement
    :meth:`handle`, :meth:`urls` and :meth:`on_changes`.
    """

    name: str = ""
    hostnames: tuple[str, ...] = ()
    """Hostnames the sandbox connector resolves to 127.0.0.1 for this venue."""

    def attach(self, host: VenueHost) -> None:
        """Called once before the server starts; keep ``host`` for later use."""
        self.host = host

    @abc.abstractmethod
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one HTTP request or WebSocket upgrade addressed to this venue."""

    @abc.abstractmethod
    def urls(self, port: int) -> dict[str, str]:
        """Named base URLs of this venue on ``port`` (``rest``, ``ws_public``, ...)."""

    @abc.abstractmethod
    def on_changes(self, changes: Changes) -> None:
        """Publish one batch of exchange changes to this venue's clients (never block)."""

    def on_disconnect(self, conn: Connection) -> None:  # noqa: B027 (optional hook)
        """A WebSocket of this venue closed; forget its subscriptions."""


def _bybit() -> Venue:
    from .bybit import BybitVenue

    return BybitVenue()


VENUES: dict[str, Callable[[], Venue]] = {"bybit": _bybit}
"""Venue factories by name: ``Sandbox(venue="bybit")``."""
