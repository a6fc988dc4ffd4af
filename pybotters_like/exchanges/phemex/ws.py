"""Phemex WebSocket hooks: JSON-RPC ``user.auth`` on connect and ``server.ping``.

``{"method":"user.auth","params":["API", key, sig, expiry],"id":123}`` with
``expiry`` = now + 60 s (seconds) and ``sig`` = hex HMAC-SHA256(secret,
key + expiry) (auth.md 2.2). The ack is the response with ``id == 123``.
Keepalive: ``server.ping`` every 10 s, sent with ``id`` 0 so its answer can
never be mistaken for the login ack.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_hex
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import (
    AppPing,
    LoginPlan,
    LoginVerdict,
    WsHostHooks,
    hooks_for_hosts,
)

__all__ = ["HOOKS", "auth_message", "classify_login", "login", "ping"]

EXPIRES_AFTER = 60
AUTH_ID = 123


def auth_message(credential: Credential, now: float) -> dict[str, Any]:
    """The ``user.auth`` request (pure)."""
    expiry = int(now) + EXPIRES_AFTER
    signature = hmac_sha256_hex(credential.secret, f"{credential.key}{expiry}")
    return {
        "method": "user.auth",
        "params": ["API", credential.key, signature, expiry],
        "id": AUTH_ID,
    }


def classify_login(frame: Any) -> LoginVerdict | None:
    """The response with ``id == 123``: ``error`` null means accepted."""
    if not isinstance(frame, dict) or frame.get("id") != AUTH_ID:
        return None
    error = frame.get("error")
    if error:
        return LoginVerdict(False, f"Phemex auth failed: {error}")
    return LoginVerdict(True)


def login(url: URL, credential: Credential, now: float) -> LoginPlan:
    """Build the ``user.auth`` request."""
    return LoginPlan(auth_message(credential, now), classify_login)


_PING = AppPing(10.0, lambda now: '{"method":"server.ping","params":[],"id":0}')


def ping(url: URL) -> AppPing:
    """``server.ping`` every 10 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    *hooks_for_hosts(
        ("phemex.com", "ws.phemex.com", "vapi.phemex.com"),
        exchange="Phemex",
        credential="phemex",
        login=login,
        ping=ping,
    ),
    *hooks_for_hosts(
        ("testnet.phemex.com", "testnet-api.phemex.com"),
        exchange="Phemex",
        credential="phemex_testnet",
        login=login,
        ping=ping,
    ),
    WsHostHooks(host="api.phemex.com", exchange="Phemex", ping=ping),
)
"""Phemex WebSocket hosts."""
