"""Change notification: ``wait()`` waiters, ``StoreChange`` and bounded ``StoreStream``.

This module owns the only asyncio in the store package: futures that wake ``wait()``
callers and ``watch()`` consumers. Stores call :meth:`Waiters.wake` and
:meth:`StoreStream._feed` synchronously after a mutation that changed something; an
empty batch wakes nobody.

Overflow policy of a stream (``maxsize`` changes buffered, default 65536):

- ``overflow="drop_oldest"`` (default): the oldest buffered changes are dropped, counted
  in ``stream.dropped`` and ``store.health.stream_dropped``, and logged once per stream.
- ``overflow="error"``: the buffer is discarded and the next ``get()`` raises
  :class:`~pybotters_like.errors.StoreStreamOverflowError` (once); the stream then
  continues with new changes. Use it when a consumer must know it missed something
  (re-read the store, whose state is always complete, then continue).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from pybotters_like.errors import DataStoreError, StoreStreamOverflowError
from pybotters_like.store.item import StoreItem

if TYPE_CHECKING:
    from pybotters_like.store.datastore import DataStore

__all__ = ["DEFAULT_STREAM_MAXSIZE", "Operation", "StoreChange", "StoreStream", "Waiters"]

logger = logging.getLogger(__name__)

Operation = Literal["insert", "update", "delete"]
OverflowPolicy = Literal["drop_oldest", "error"]
DEFAULT_STREAM_MAXSIZE = 65_536


@dataclass(slots=True)
class StoreChange:
    """One row-level change of a store, as delivered by ``watch()``.

    Attributes:
        store: the store that changed.
        operation: ``"insert"``, ``"update"`` or ``"delete"``.
        source: the row given to ``_update``/``_delete`` (a read-only copy), or None.
        data: the stored item after the change (for a delete: the removed item).

    Both ``source`` and ``data`` are read-only snapshots shared by every stream: no
    per-stream copy is made and they never change after delivery.
    """

    store: DataStore
    operation: Operation
    source: StoreItem | None
    data: StoreItem


class Waiters:
    """A set of futures woken together; the engine behind ``wait()``."""

    __slots__ = ("_futures",)

    def __init__(self) -> None:
        self._futures: list[asyncio.Future[None]] = []

    def __len__(self) -> int:
        return len(self._futures)

    async def wait(self) -> None:
        """Return at the next :meth:`wake`."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._futures.append(fut)
        try:
            await fut
        finally:
            if not fut.done():  # cancelled before the wake: forget it
                fut.cancel()
            if fut in self._futures:
                self._futures.remove(fut)

    def wake(self) -> None:
        """Wake every current waiter."""
        futures = self._futures
        if futures:
            self._futures = []
            for fut in futures:
                if not fut.done():
                    fut.set_result(None)


class StoreStream:
    """An async stream of :class:`StoreChange` from one store, bounded.

    Created by ``store.watch()``. Use it as a context manager so it unregisters::

        with store.watch() as stream:
            async for change in stream:
                print(change.operation, change.data)

    Attributes:
        dropped: changes dropped by the overflow policy so far.
    """

    __slots__ = (
        "_buffer",
        "_closed",
        "_overflow",
        "_overflowed",
        "_store",
        "_waiter",
        "dropped",
        "maxsize",
    )

    def __init__(
        self,
        store: DataStore,
        *,
        maxsize: int = DEFAULT_STREAM_MAXSIZE,
        overflow: OverflowPolicy = "drop_oldest",
    ) -> None:
        if maxsize < 1:
            raise DataStoreError(f"watch(maxsize={maxsize}) must be at least 1")
        if overflow not in ("drop_oldest", "error"):
            raise DataStoreError(f"watch(overflow={overflow!r}) must be 'drop_oldest' or 'error'")
        self._store = store
        self._buffer: deque[StoreChange] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._overflow = overflow
        self._overflowed = 0
        self.maxsize = maxsize
        self.dropped = 0

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def qsize(self) -> int:
        """Number of changes buffered and not yet read."""
        return len(self._buffer)

    def _feed(self, changes: list[StoreChange]) -> None:
        buffer = self._buffer
        buffer.extend(changes)
        excess = len(buffer) - self.maxsize
        if excess > 0:
            self._drop(excess)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _drop(self, excess: int) -> None:
        buffer = self._buffer
        if self._overflow == "error":
            excess = len(buffer)
            buffer.clear()
            self._overflowed += excess
        else:
            for _ in range(excess):
                buffer.popleft()
        if not self.dropped:
            logger.warning(
                "watch stream fell behind store=%s maxsize=%d overflow=%s "
                "(further drops are only counted in stream.dropped)",
                self._store.name,
                self.maxsize,
                self._overflow,
            )
        self.dropped += excess
        self._store.health.stream_dropped += excess

    def get_nowait(self) -> StoreChange | None:
        """The next buffered change, or None if nothing is buffered."""
        self._raise_overflow()
        if self._buffer:
            return self._buffer.popleft()
        return None

    def _raise_overflow(self) -> None:
        if self._overflowed:
            n, self._overflowed = self._overflowed, 0
            raise StoreStreamOverflowError(
                f"watch stream of store {self._store.name!r} dropped {n} changes "
                f"(maxsize={self.maxsize}); re-read the store"
            )

    async def get(self) -> StoreChange:
        """Wait for and return the next change.

        Raises:
            StoreStreamOverflowError: once after changes were dropped (``overflow="error"``).
            DataStoreError: the stream is closed and drained.
        """
        while True:
            self._raise_overflow()
            if self._buffer:
                return self._buffer.popleft()
            if self._closed:
                raise DataStoreError(f"watch stream of store {self._store.name!r} is closed")
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                self._waiter = None

    def close(self) -> None:
        """Unregister from the store; buffered changes can still be read."""
        if not self._closed:
            self._closed = True
            self._store._unwatch(self)
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    def __enter__(self) -> StoreStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> StoreStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __aiter__(self) -> StoreStream:
        return self

    async def __anext__(self) -> StoreChange:
        if self._closed and not self._buffer and not self._overflowed:
            raise StopAsyncIteration
        try:
            return await self.get()
        except StoreStreamOverflowError:
            raise
        except DataStoreError:
            raise StopAsyncIteration from None

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<StoreStream store={self._store.name!r} {state} buffered={len(self._buffer)}>"
