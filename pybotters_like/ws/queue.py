"""WebSocketQueue: an asyncio.Queue usable as a ``hdlr_*`` and as an async iterator.

Owns the pybotters-compatible queue handler and nothing else. Unbounded by
default like pybotters; with ``maxsize`` it never raises inside a handler:
when full it drops the *oldest* message (fresh market data wins) and counts
the drop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Generic, TypeVar

__all__ = ["WebSocketQueue"]

T = TypeVar("T")


class WebSocketQueue(asyncio.Queue[T], Generic[T]):
    """A queue fed by :meth:`onmessage` and consumed with ``async for``.

    Example:
        >>> async def main(client) -> None:
        ...     queue = WebSocketQueue()
        ...     await client.ws_connect("wss://example/ws", hdlr_json=queue.onmessage)
        ...     async for msg in queue:
        ...         print(msg)
    """

    dropped: int
    """Messages discarded because a bounded queue was full."""

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        self.dropped = 0

    def onmessage(self, msg: T, ws: Any = None) -> None:
        """Put ``msg`` without waiting (use as ``hdlr_json=queue.onmessage``)."""
        try:
            self.put_nowait(msg)
        except asyncio.QueueFull:
            self.get_nowait()
            self.dropped += 1
            self.put_nowait(msg)

    async def __aiter__(self) -> AsyncIterator[T]:
        while True:
            yield await self.get()
