"""Bybit v5 private topics: ``order``, ``execution``, ``position``, ``wallet`` (bybit_v5.md §8).

Owns which authenticated connection listens to which private topic and the
push frames ``{"id", "topic", "creationTime", "data": [...]}`` built from the
core's per-account events. Pushes go out in the order order → execution →
position → wallet; there is no snapshot on subscribe (as on Bybit).
"""

from __future__ import annotations

from collections.abc import Callable

from ...connection import Connection
from ...exchange import AccountEvents, Changes, Exchange
from .envelope import dumps
from .shapes import execution_item, order_item, position_item, wallet_account

__all__ = ["PRIVATE_TOPICS", "PrivateStreams"]

_FAMILIES = ("order", "execution", "position", "wallet", "greeks", "dcp")
PRIVATE_TOPICS = frozenset(
    {
        *_FAMILIES,
        "execution.fast",
        *(
            f"{f}.{c}"
            for f in ("order", "execution")
            for c in ("spot", "linear", "inverse", "option")
        ),
        *(f"position.{c}" for c in ("linear", "inverse", "option")),
        "execution.fast.linear",
    }
)
"""Topics accepted on ``/v5/private`` (``greeks``/``dcp``/spot/option never push here)."""


def family(topic: str) -> str:
    """``order.linear`` -> ``order``; ``execution.fast`` -> ``execution``."""
    return topic.split(".", 1)[0]


class PrivateStreams:
    """Private subscriptions of every authenticated connection."""

    def __init__(self, exchange: Exchange, now_ms: Callable[[], int], new_id: Callable[[], str]):
        self.exchange = exchange
        self._now_ms = now_ms
        self._new_id = new_id
        self.by_account: dict[str, dict[Connection, None]] = {}

    def subscribe(self, conn: Connection, topic: str) -> None:
        """Listen to ``topic`` on ``conn`` (which must be logged in)."""
        assert conn.account is not None
        conn.topics.add(topic)
        self.by_account.setdefault(conn.account, {})[conn] = None

    def unsubscribe(self, conn: Connection, topic: str) -> None:
        """Stop listening to ``topic``."""
        conn.topics.discard(topic)

    def forget(self, conn: Connection) -> None:
        """Drop a closed connection."""
        if conn.account is not None:
            self.by_account.get(conn.account, {}).pop(conn, None)

    def on_changes(self, changes: Changes) -> None:
        """Push each account's events to its subscribed connections."""
        for key, events in changes.accounts.items():
            conns = self.by_account.get(key)
            if conns:
                frames = self._frames(key, events)
                for conn in conns:
                    for fam, data in frames:
                        for topic in conn.topics:
                            if family(topic) == fam and not topic.endswith(
                                (".spot", ".inverse", ".option")
                            ):
                                conn.send(self._frame(topic, data))

    def _frames(self, key: str, events: AccountEvents) -> list[tuple[str, list[object]]]:
        ex = self.exchange
        out: list[tuple[str, list[object]]] = []
        if events.orders:
            out.append(
                ("order", [order_item(o, ex.instruments[o.symbol], ws=True) for o in events.orders])
            )
        if events.executions:
            out.append(
                (
                    "execution",
                    [
                        execution_item(e, ex.instruments[e.order.symbol], ws=True)
                        for e in events.executions
                    ],
                )
            )
        if events.positions:
            account = ex.accounts[key]
            out.append(
                (
                    "position",
                    [
                        position_item(
                            account.position(s), ex.instruments[s], ex.mark_price(s), ws=True
                        )
                        for s in events.positions
                    ],
                )
            )
        if events.wallet:
            out.append(("wallet", [wallet_account(ex.accounts[key], ex)]))
        return out

    def _frame(self, topic: str, data: list[object]) -> str:
        return dumps(
            {"id": self._new_id(), "topic": topic, "creationTime": self._now_ms(), "data": data}
        )
