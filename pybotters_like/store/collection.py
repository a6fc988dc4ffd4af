"""``DataStoreCollection``: a named set of stores fed by one message handler.

This module owns the collection protocol pybotters users subclass: ``_init`` creates
stores with ``_create``, ``_onmessage`` routes each WebSocket message to them,
``onmessage`` is what ``ws_connect(hdlr_json=...)`` calls, and ``initialize`` feeds REST
responses. It knows no exchange and does no I/O itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar, overload

from pybotters_like.errors import DataStoreError
from pybotters_like.store.change import Waiters
from pybotters_like.store.datastore import DataStore
from pybotters_like.store.item import Item

__all__ = ["DataStoreCollection"]

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=DataStore)


class DataStoreCollection:
    """A collection of named DataStores, fed by :meth:`onmessage`.

    Example (the pybotters "advanced" pattern)::

        class MyDataStore(DataStoreCollection):
            def _init(self) -> None:
                self._create("trade", datastore_class=Trade)

            def _onmessage(self, msg: Any, ws: Any = None) -> None:
                if msg.get("channel") == "trade":
                    self.trade._onmessage(msg["data"])

            @property
            def trade(self) -> Trade:
                return self._get("trade", Trade)
    """

    def __init__(self) -> None:
        self._stores: dict[str, DataStore] = {}
        self._waiters = Waiters()
        init = getattr(self, "_init", None)
        if callable(init):
            init()

    # ------------------------------------------------------------------ stores

    @overload
    def _create(
        self,
        name: str,
        *,
        keys: list[str] | None = None,
        data: list[Item] | None = None,
    ) -> DataStore: ...

    @overload
    def _create(
        self,
        name: str,
        *,
        keys: list[str] | None = None,
        data: list[Item] | None = None,
        datastore_class: type[T],
    ) -> T: ...

    def _create(
        self,
        name: str,
        *,
        keys: list[str] | None = None,
        data: list[Item] | None = None,
        datastore_class: type[DataStore] = DataStore,
    ) -> DataStore:
        """Create the store ``name`` (replacing any store of that name) and return it."""
        store = datastore_class(name, keys, data)
        self._stores[name] = store
        return store

    create = _create

    @overload
    def _get(self, name: str) -> DataStore | None: ...

    @overload
    def _get(self, name: str, type_: type[T]) -> T: ...

    def _get(self, name: str, type_: type[Any] | None = None) -> Any:
        """The store ``name``, or None (``type_`` only informs type checkers)."""
        return self._stores.get(name)

    get = _get

    def __getitem__(self, name: str) -> DataStore:
        """The store ``name``; raises ``KeyError`` for an unknown name (as pybotters)."""
        return self._stores[name]

    def __contains__(self, name: object) -> bool:
        return name in self._stores

    def __iter__(self) -> Iterator[str]:
        return iter(self._stores)

    def __len__(self) -> int:
        return len(self._stores)

    def __bool__(self) -> bool:
        return True

    @property
    def stores(self) -> dict[str, DataStore]:
        """A copy of ``{name: store}``."""
        return dict(self._stores)

    # ------------------------------------------------------------------ feeding

    def onmessage(self, msg: Any, ws: Any = None) -> None:
        """Feed one WebSocket message (pass as ``hdlr_json=collection.onmessage``).

        Calls ``_onmessage(msg, ws)`` then wakes :meth:`wait` callers. An exception from
        ``_onmessage`` propagates to the caller (the WebSocket layer logs and isolates
        handler errors); waiters are woken either way.
        """
        try:
            self._onmessage(msg, ws)
        finally:
            if self._waiters._futures:
                self._waiters.wake()

    def _onmessage(self, msg: Any, ws: Any = None) -> None:
        """Route a message to the stores; subclasses implement it."""
        logger.warning(
            "collection=%s has no _onmessage; message ignored type=%s",
            type(self).__name__,
            type(msg).__name__,
        )

    async def initialize(self, *aws: Awaitable[Any]) -> None:
        """Await REST requests and feed each response to ``_onresponse``.

        Accepts awaitables of aiohttp responses (``client.get(...)``) or of
        ``FetchResult`` (``client.fetch(...)``), handled as they complete.
        """
        tasks = [asyncio.ensure_future(aw) for aw in aws]
        try:
            for next_done in asyncio.as_completed(tasks):
                result = await next_done
                if hasattr(result, "response") and hasattr(result, "data"):
                    response, data = result.response, result.data
                elif callable(getattr(result, "json", None)):
                    response = result
                    try:
                        data = await result.json()
                    finally:
                        release = getattr(result, "release", None)
                        if callable(release):
                            release()
                else:
                    response, data = None, result
                self._onresponse(response, data)
        finally:
            # One failure (or cancellation) must not leave the other requests running
            # unobserved: cancel them and wait until they are gone.
            pending = [task for task in tasks if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    def _onresponse(self, response: Any, data: Any) -> None:
        """Route one REST response; subclasses that use :meth:`initialize` implement it."""
        url = getattr(response, "url", None)
        raise DataStoreError(f"{type(self).__name__} cannot route the REST response from {url}")

    async def wait(self) -> None:
        """Return after the next :meth:`onmessage` call."""
        await self._waiters.wait()
