"""WebSocketConnection: the live socket as users and handlers see it (``current_ws``).

Owns outgoing sends of one connection: per-message signing (a new message is
signed on every send; the caller's object is never touched) and send pacing
for hosts that limit message rates. Everything else is delegated to the
wrapped :class:`aiohttp.ClientWebSocketResponse` (``ping``, ``close``,
``closed``, ``close_code``, ``exception()`` ...). Knows no exchange: the hooks
passed in carry that knowledge.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import MessageSigner

__all__ = ["Pacer", "WebSocketConnection"]

JSONEncoder = Callable[[Any], str]


class Pacer:
    """Spaces sends at least ``interval`` seconds apart (shared across reconnects).

    Uses the injected clock and sleep, never the exchange's REST clock.
    """

    __slots__ = ("_clock", "_lock", "_next", "_sleep", "interval")

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[Any]],
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next = float("-inf")

    async def run(self, send: Callable[[], Awaitable[None]]) -> None:
        """Wait for this send's turn, then await ``send()``."""
        async with self._lock:
            wait = self._next - self._clock()
            if wait > 0:
                await self._sleep(wait)
            try:
                await send()
            finally:
                self._next = self._clock() + self.interval


class WebSocketConnection:
    """One live connection of a :class:`~pybotters_like.ws.WebSocketApp`.

    ``send_json`` signs for hosts with a message signer (unless ``auth=None``);
    ``send_str``/``send_bytes``/``send_json`` respect the host's pacing. Other
    attributes come from the underlying aiohttp response, available as
    :attr:`raw`.
    """

    __slots__ = ("_credential", "_now", "_pacer", "_signer", "_url", "raw")

    def __init__(
        self,
        raw: aiohttp.ClientWebSocketResponse[bool],
        url: URL,
        *,
        signer: MessageSigner | None = None,
        credential: Credential | None = None,
        pacer: Pacer | None = None,
        now: Callable[[], float],
    ) -> None:
        self.raw = raw
        self._url = url
        self._signer = signer if credential is not None else None
        self._credential = credential
        self._pacer = pacer
        self._now = now

    def __repr__(self) -> str:
        return f"<WebSocketConnection {self._url.host}{self._url.path} closed={self.raw.closed}>"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)

    @property
    def closed(self) -> bool:
        """True once the underlying socket is closed."""
        return self.raw.closed

    @property
    def url(self) -> URL:
        """The URL this connection was opened with."""
        return self._url

    def sign(self, data: Any) -> Any:
        """Return ``data`` signed for this host (a new object), or ``data`` itself."""
        signer, credential = self._signer, self._credential
        if signer is None or credential is None:
            return data
        return signer(data, self._url, credential, self._now())

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a text frame (paced for rate-limited hosts)."""
        if self._pacer is None:
            await self.raw.send_str(data, compress=compress)
        else:
            await self._pacer.run(lambda: self.raw.send_str(data, compress=compress))

    async def send_bytes(self, data: bytes, compress: int | None = None) -> None:
        """Send a binary frame (paced for rate-limited hosts)."""
        if self._pacer is None:
            await self.raw.send_bytes(data, compress=compress)
        else:
            await self._pacer.run(lambda: self.raw.send_bytes(data, compress=compress))

    async def send_json(
        self,
        data: Any,
        compress: int | None = None,
        *,
        dumps: JSONEncoder = json.dumps,
        auth: Any = True,
    ) -> None:
        """Send ``data`` as JSON text; signed for signing hosts unless ``auth=None``.

        The caller's ``data`` is never modified, so re-sending it re-signs it.
        """
        if auth is not None and auth is not False:
            data = self.sign(data)
        await self.send_str(dumps(data), compress=compress)
