"""Order-book synchronisation state: sequence checks, sync status, resync requests.

This module owns the exchange-neutral rules an order-book store applies per symbol:
what "stale", "gap" and "in sync" mean for a diff, given the sequence numbers the
exchange sends, and the records it reports (:class:`BookSyncStatus`,
:class:`ResyncRequest`). It holds no levels and knows no exchange; an exchange model
maps its own fields onto ``sequence`` / ``first_sequence`` / ``prev_sequence``:

- ``prev_sequence`` (the previous message's id, e.g. ``pu``/``prevSeqId``): the diff
  applies only if it equals the book's last sequence; a lower ``sequence`` is then
  accepted too (an exchange-side reset), equal ids are a heartbeat.
- ``first_sequence`` (first update id in the diff, e.g. ``U``): stale if ``sequence``
  is not above the book's; applies if ``first_sequence <= last + 1`` (overlap allowed,
  as when bridging a REST snapshot); otherwise a gap.
- only ``sequence``: stale if not above the book's; with ``contiguous=True`` it must be
  exactly ``last + 1``; otherwise any higher value applies.
- no sequence at all: always applies.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass

__all__ = [
    "BookSyncStatus",
    "DiffOutcome",
    "ResyncRequest",
    "SymbolSync",
    "SyncState",
    "check_sequence",
]


class SyncState(str, enum.Enum):
    """Whether a symbol's book may be served."""

    UNTRACKED = "untracked"
    """Never given a snapshot through ``_replace_book``: plain DataStore behaviour."""
    SYNCED = "synced"
    """Snapshot applied and every diff since passed the sequence/checksum checks."""
    OUT_OF_SYNC = "out_of_sync"
    """A gap, a checksum mismatch or an invalidation: levels removed, waiting for a snapshot."""


class DiffOutcome(str, enum.Enum):
    """What ``_apply_diff`` did with a diff."""

    APPLIED = "applied"
    STALE = "stale"  # older than the book: dropped, harmless
    GAP = "gap"  # a message was missed: book dropped, resync requested
    CHECKSUM_MISMATCH = "checksum_mismatch"  # applied but wrong: book dropped, resync requested
    NOT_SYNCED = "not_synced"  # no valid snapshot yet: dropped


def check_sequence(
    last: int | None,
    sequence: int | None,
    first_sequence: int | None = None,
    prev_sequence: int | None = None,
    *,
    contiguous: bool = False,
) -> DiffOutcome:
    """Classify a diff against the book's last sequence (see the module docstring).

    Returns ``APPLIED``, ``STALE`` or ``GAP``.

    Example::

        check_sequence(100, 101, prev_sequence=100)   # APPLIED
        check_sequence(100, 105, first_sequence=103)  # GAP (101, 102 missing)
    """
    if last is None or sequence is None:
        if last is not None and prev_sequence is not None and prev_sequence != last:
            return DiffOutcome.GAP
        return DiffOutcome.APPLIED
    if prev_sequence is not None:
        if prev_sequence == last:
            return DiffOutcome.APPLIED
        return DiffOutcome.STALE if sequence <= last else DiffOutcome.GAP
    if sequence <= last:
        return DiffOutcome.STALE
    if first_sequence is not None:
        return DiffOutcome.APPLIED if first_sequence <= last + 1 else DiffOutcome.GAP
    if contiguous and sequence != last + 1:
        return DiffOutcome.GAP
    return DiffOutcome.APPLIED


@dataclass(frozen=True, slots=True)
class ResyncRequest:
    """Emitted to resync listeners when a symbol's book became unusable.

    Attributes:
        store: the store's name.
        symbol: the symbol whose book must be re-fetched / re-subscribed.
        reason: ``"gap"``, ``"checksum"`` or the reason given to ``invalidate``.
        expected: the sequence (or checksum) the store expected, if any.
        received: the sequence (or checksum) that arrived, if any.
    """

    store: str
    symbol: Hashable
    reason: str
    expected: object = None
    received: object = None


@dataclass(frozen=True, slots=True)
class BookSyncStatus:
    """A read-only snapshot of one symbol's sync state and counters."""

    symbol: Hashable
    state: SyncState
    last_sequence: int | None
    gaps: int
    checksum_failures: int
    stale_dropped: int
    unsynced_dropped: int
    resyncs_requested: int

    @property
    def in_sync(self) -> bool:
        """True if the book may be served (synced, or never tracked)."""
        return self.state is not SyncState.OUT_OF_SYNC


class SymbolSync:
    """Mutable per-symbol sync record kept by an order-book store."""

    __slots__ = (
        "checksum_failures",
        "gaps",
        "last_sequence",
        "resyncs_requested",
        "stale_dropped",
        "state",
        "symbol",
        "unsynced_dropped",
    )

    def __init__(self, symbol: Hashable) -> None:
        self.symbol = symbol
        self.state = SyncState.UNTRACKED
        self.last_sequence: int | None = None
        self.gaps = 0
        self.checksum_failures = 0
        self.stale_dropped = 0
        self.unsynced_dropped = 0
        self.resyncs_requested = 0

    def status(self) -> BookSyncStatus:
        """A frozen copy of this record."""
        return BookSyncStatus(
            symbol=self.symbol,
            state=self.state,
            last_sequence=self.last_sequence,
            gaps=self.gaps,
            checksum_failures=self.checksum_failures,
            stale_dropped=self.stale_dropped,
            unsynced_dropped=self.unsynced_dropped,
            resyncs_requested=self.resyncs_requested,
        )
