"""check_sequence: the exchange-neutral stale / gap / apply rules."""

from __future__ import annotations

import pytest

from pybotters_like.store import DiffOutcome, check_sequence

A, S, G = DiffOutcome.APPLIED, DiffOutcome.STALE, DiffOutcome.GAP


def test_prev_sequence_chain_with_heartbeat_and_reset() -> None:
    # (-1,10) snapshot, then (10,15) (15,15) heartbeat (15,3) reset (3,5)
    last = 10
    for prev, seq in ((10, 15), (15, 15), (15, 3), (3, 5)):
        assert check_sequence(last, seq, prev_sequence=prev) is A
        last = seq
    assert check_sequence(5, 9, prev_sequence=7) is G
    assert check_sequence(5, 4, prev_sequence=2) is S


@pytest.mark.parametrize(
    ("last", "first", "seq", "want"),
    [
        (100, 95, 100, S),  # entirely before the book
        (100, 98, 103, A),  # bridges the snapshot
        (100, 101, 105, A),  # exactly the next one
        (100, 103, 105, G),  # 101..102 missing
    ],
)
def test_first_sequence_bridging(last: int, first: int, seq: int, want: DiffOutcome) -> None:
    assert check_sequence(last, seq, first_sequence=first) is want


def test_plain_sequence_monotonic_or_contiguous() -> None:
    assert check_sequence(1, 5) is A
    assert check_sequence(5, 5) is S
    assert check_sequence(5, 7, contiguous=True) is G
    assert check_sequence(5, 6, contiguous=True) is A
    assert check_sequence(None, 6) is A
    assert check_sequence(5, None) is A
