"""Per-store reporting of rows a store could not use, and of its own drops.

This module owns :class:`StoreHealth`: counters users can read, and the "log once per
store per reason and field" rule. It never raises: a malformed row arriving in a
WebSocket callback is reported here and skipped, so the callback keeps running.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["StoreHealth", "diagnose_row"]

logger = logging.getLogger(__name__)

MISSING_KEY = "missing_key"
UNHASHABLE_KEY = "unhashable_key"
NOT_A_MAPPING = "not_a_mapping"
UNSORTABLE = "unsortable"


def diagnose_row(keys: Iterable[str], row: object) -> tuple[str, str | None]:
    """Say why ``row`` cannot be filed under ``keys``: ``(reason, field)``.

    ``reason`` is ``"not_a_mapping"``, ``"missing_key"`` or ``"unhashable_key"``.
    """
    if not isinstance(row, Mapping):
        return NOT_A_MAPPING, None
    for key in keys:
        if key not in row:
            return MISSING_KEY, key
    for key in keys:
        try:
            hash(row[key])
        except TypeError:
            return UNHASHABLE_KEY, key
    return NOT_A_MAPPING, None


class StoreHealth:
    """Counters of one store's rejected rows and dropped changes.

    Attributes:
        rejected: ``{"missing_key:price": 3, "unhashable_key:id": 1, ...}``; a row
            counts once, under the first problem found.
        evicted: rows dropped by the ``_MAXLEN`` cap (each one also emitted a delete).
        stream_dropped: changes dropped by bounded ``watch()`` streams that fell behind.

    Example::

        if store.health.total_rejected:
            print(store.health.rejected)
    """

    __slots__ = ("_logged", "_store_name", "evicted", "rejected", "stream_dropped")

    def __init__(self, store_name: str) -> None:
        self._store_name = store_name
        self._logged: set[str] = set()
        self.rejected: dict[str, int] = {}
        self.evicted = 0
        self.stream_dropped = 0

    @property
    def total_rejected(self) -> int:
        """Number of rows rejected so far, all reasons together."""
        return sum(self.rejected.values())

    def as_dict(self) -> dict[str, Any]:
        """A plain-dict copy of every counter (for logs and health endpoints)."""
        return {
            "store": self._store_name,
            "rejected": dict(self.rejected),
            "evicted": self.evicted,
            "stream_dropped": self.stream_dropped,
        }

    def reject(self, reason: str, field: str | None, row: object) -> None:
        """Count one rejected row; log the first one per (reason, field)."""
        label = reason if field is None else f"{reason}:{field}"
        self.rejected[label] = self.rejected.get(label, 0) + 1
        if label not in self._logged:
            self._logged.add(label)
            shape = sorted(map(str, row))[:20] if isinstance(row, Mapping) else type(row).__name__
            logger.warning(
                "datastore rejected a row store=%s reason=%s field=%s row_fields=%s "
                "(later rows with this problem are only counted in store.health)",
                self._store_name,
                reason,
                field,
                shape,
            )

    def warn_once(self, label: str, message: str, *args: object) -> None:
        """Log ``message`` once per ``label`` for this store."""
        if label not in self._logged:
            self._logged.add(label)
            logger.warning("store=%s " + message, self._store_name, *args)
