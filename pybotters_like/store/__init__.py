"""In-memory stores fed by WebSocket/REST messages: the pybotters DataStore API, faster.

This package owns the store engine and nothing exchange-specific:

- ``item``: :class:`StoreItem`, the read-only dict every stored row is.
- ``datastore``: :class:`DataStore` (identity, mutations, ``_MAXLEN``, queries).
- ``field_index`` / ``sorted_index``: secondary indexes behind ``find`` and ``_sorted``.
- ``change``: ``wait()``, :class:`StoreChange`, bounded :class:`StoreStream`.
- ``health``: :class:`StoreHealth`, counters of rejected rows and drops.
- ``collection``: :class:`DataStoreCollection`.
- ``orderbook`` / ``book_sync``: :class:`OrderBookStore` and its sequence/checksum sync.

User guide: docs/stores.md.
"""

from __future__ import annotations

from pybotters_like.store.book_sync import (
    BookSyncStatus,
    DiffOutcome,
    ResyncRequest,
    SyncState,
    check_sequence,
)
from pybotters_like.store.change import StoreChange, StoreStream
from pybotters_like.store.collection import DataStoreCollection
from pybotters_like.store.datastore import DataStore
from pybotters_like.store.health import StoreHealth
from pybotters_like.store.item import Item, StoreItem
from pybotters_like.store.orderbook import (
    BookView,
    ChecksumFunction,
    OrderBookStore,
    ResyncListener,
)

__all__ = [
    "BookSyncStatus",
    "BookView",
    "ChecksumFunction",
    "DataStore",
    "DataStoreCollection",
    "DiffOutcome",
    "Item",
    "OrderBookStore",
    "ResyncListener",
    "ResyncRequest",
    "StoreChange",
    "StoreHealth",
    "StoreItem",
    "StoreStream",
    "SyncState",
    "check_sequence",
]
