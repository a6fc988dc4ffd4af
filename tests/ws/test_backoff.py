"""Backoff policy: exact sequences with an injected random source, and the storm bound."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from pybotters_like.errors import WebSocketError
from pybotters_like.ws import Backoff, DisconnectEvent, ReconnectEvent

from .conftest import FakeClock, ServerConn, within


def test_default_sequence_with_fixed_random():
    b = Backoff.from_tuple((1.92, 60.0, 1.618, 5.0), random=lambda: 0.0)
    delays = [b.next_delay() for _ in range(11)]
    # first: initial * r; then min * factor**k, capped at max; r=0 means no jitter shaved
    assert delays == pytest.approx(
        [0.0, 3.10656, 5.02641, 8.13273, 13.15876, 21.29087, 34.44863, 55.73789, 60.0, 60.0, 60.0],
        abs=1e-4,
    )


def test_jitter_shaves_at_most_a_quarter():
    b = Backoff(1.0, 100.0, 2.0, 4.0, random=lambda: 0.999999)
    first = b.next_delay()
    assert first == pytest.approx(4.0, rel=1e-5)
    assert b.next_delay() == pytest.approx(2.0 * 0.75, rel=1e-5)
    assert b.next_delay() == pytest.approx(4.0 * 0.75, rel=1e-5)


def test_reset_starts_over_and_counts_attempts():
    values = itertools.cycle([0.5])
    b = Backoff(2.0, 30.0, 2.0, 1.0, random=lambda: next(values))
    assert [b.next_delay() for _ in range(3)] == [0.5, 4.0 * 0.875, 8.0 * 0.875]
    assert b.attempt == 3
    b.reset()
    assert b.attempt == 0
    assert b.next_delay() == 0.5


def test_huge_attempt_counts_do_not_overflow():
    b = Backoff(1.0, 5.0, 10.0, 1.0, random=lambda: 0.0)
    for _ in range(2000):
        d = b.next_delay()
    assert d == 5.0


@pytest.mark.parametrize("bad", [(1, 2, 3), (-1.0, 60.0, 2.0, 1.0), "x"])
def test_invalid_tuples_are_rejected(bad):
    with pytest.raises(WebSocketError):
        Backoff.from_tuple(bad)


async def _accept_and_close(conn: ServerConn) -> None:
    await conn.ws.close()


async def test_normal_close_storm_backs_off(ws_server, make_app, clock: FakeClock):
    """A server that accepts and closes at once gets exponentially spaced redials."""
    server = await ws_server(behaviour=_accept_and_close)
    make_app(server.url(), send_json={"op": "subscribe"}, backoff=(1.92, 60.0, 1.618, 5.0))
    for _ in range(10):
        await server.next_connection()
    # one sleep per unplanned disconnect, growing: never a tight loop
    delays = clock.sleeps[:9]
    assert delays[0] == pytest.approx(2.5)  # initial * 0.5
    assert all(b > a for a, b in itertools.pairwise(delays[1:]))
    assert delays[1] == pytest.approx(1.92 * 1.618 * 0.875)
    # 10 connections need > 2 simulated minutes; pybotters would make ~1,400/s
    assert sum(delays) > 120


async def test_normal_close_storm_is_bounded_in_real_time(ws_server, session):
    """With a fast real backoff, count connections over a bounded period."""
    from pybotters_like.ws import WebSocketApp

    server = await ws_server(behaviour=_accept_and_close)
    app = WebSocketApp(session, server.url(), backoff=(0.01, 0.4, 2.0, 0.01))
    try:
        await asyncio.sleep(0.5)  # the measured period, not a synchronisation
    finally:
        await within(app.close())
    # delays 0..0.01, 0.015-0.02, 0.03-0.04, 0.06-0.08, 0.12-0.16, 0.24-0.32 -> <= 8 dials
    assert 2 <= server.count <= 8


async def test_backoff_resets_only_after_a_healthy_period(ws_server, make_app, clock: FakeClock):
    server = await ws_server()
    reconnects: asyncio.Queue[ReconnectEvent] = asyncio.Queue()
    disconnects: asyncio.Queue[DisconnectEvent] = asyncio.Queue()
    app = make_app(
        server.url(),
        backoff=(2.0, 60.0, 2.0, 1.0),
        backoff_reset_after=10.0,
        on_reconnect=reconnects.put_nowait,
        on_disconnect=disconnects.put_nowait,
    )
    delays = []
    for uptime in (1.0, 1.0, 1.0, 15.0, 1.0):
        conn = await server.next_connection()
        await within(app)
        clock.advance(uptime)
        await conn.ws.close()
        event = await within(disconnects.get())
        assert event.uptime == pytest.approx(uptime)
        delays.append(event.next_delay)
    # r = 0.5: first = 1.0 * 0.5; then 2*2**k * 0.875; the 15 s connection resets it
    assert delays == pytest.approx([0.5, 3.5, 7.0, 0.5, 3.5])
    assert app.health().failed_attempts == 2
    event = await within(reconnects.get())
    assert event.attempts == 1
    assert event.downtime == pytest.approx(0.5)
