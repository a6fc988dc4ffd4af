"""Hyperliquid WS hooks: post actions are signed on a copy (official vector H1)."""

from __future__ import annotations

import copy

from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.hyperliquid import ws as hl_ws

KEY = "0x0123456789012345678901234567890123456789012345678901234567890123"
CRED = Credential("hyperliquid", KEY)
ORDER_ACTION = {
    "type": "order",
    "orders": [
        {"a": 1, "b": True, "p": "100", "s": "100", "r": False, "t": {"limit": {"tif": "Gtc"}}}
    ],
    "grouping": "na",
}


def test_post_action_signed_on_a_copy_matches_vector_h1():
    message = {
        "method": "post",
        "id": 7,
        "request": {"type": "action", "payload": {"action": ORDER_ACTION, "nonce": 0}},
    }
    before = copy.deepcopy(message)
    signed = hl_ws.sign_message(message, URL("wss://api.hyperliquid.xyz/ws"), CRED, 1.0)
    assert message == before
    assert signed["id"] == 7
    payload = signed["request"]["payload"]
    assert payload["nonce"] == 0
    assert payload["signature"] == {
        "r": "0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e",
        "s": "0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e",
        "v": 28,
    }


def test_other_messages_untouched():
    url = URL("wss://api.hyperliquid.xyz/ws")
    sub = {"method": "subscribe", "subscription": {"type": "trades", "coin": "BTC"}}
    assert hl_ws.sign_message(sub, url, CRED, 1.0) is sub
    info = {"method": "post", "request": {"type": "info", "payload": {}}}
    assert hl_ws.sign_message(info, url, CRED, 1.0) is info
