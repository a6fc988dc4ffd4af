"""pybotters_like: an async-native, pybotters 1.x compatible crypto-exchange SDK.

Usage is the same as pybotters::

    import pybotters_like as pybotters

    async with pybotters.Client(apis={"bybit": ["KEY", "SECRET"]}) as client:
        r = await client.fetch("GET", "https://api.bybit.com/v5/market/time")

Public names are imported lazily so that ``import pybotters_like`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it (imported on first attribute access)
_EXPORTS: dict[str, str] = {
    "Client": "pybotters_like.client",
    "FetchResult": "pybotters_like.client",
    "NotJSONContent": "pybotters_like.client",
    "register_signer": "pybotters_like.auth.registry",
    "WebSocketApp": "pybotters_like.ws",
    "WebSocketQueue": "pybotters_like.ws",
    "DataStore": "pybotters_like.store",
    "DataStoreCollection": "pybotters_like.store",
    "StoreChange": "pybotters_like.store",
    "StoreStream": "pybotters_like.store",
    "OrderBookStore": "pybotters_like.store",
    "BybitDataStore": "pybotters_like.models.bybit",
}

# Subpackages reachable as attributes without an explicit import, as in pybotters
# (``pybotters.store.DataStore``, ``pybotters.models.bybit``).
_SUBMODULES = frozenset({"auth", "client", "errors", "models", "sandbox", "store", "ws"})

if TYPE_CHECKING:
    from pybotters_like.auth.registry import register_signer
    from pybotters_like.client import Client, FetchResult, NotJSONContent
    from pybotters_like.models.bybit import BybitDataStore
    from pybotters_like.store import (
        DataStore,
        DataStoreCollection,
        OrderBookStore,
        StoreChange,
        StoreStream,
    )
    from pybotters_like.ws import WebSocketApp, WebSocketQueue

__all__ = [
    "BybitDataStore",
    "Client",
    "DataStore",
    "DataStoreCollection",
    "FetchResult",
    "NotJSONContent",
    "OrderBookStore",
    "StoreChange",
    "StoreStream",
    "WebSocketApp",
    "WebSocketQueue",
    "__version__",
    "register_signer",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"pybotters_like.{name}")
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pybotters_like' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
