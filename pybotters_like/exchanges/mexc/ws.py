"""MEXC futures WebSocket hooks: ``login`` on connect and the ``ping`` keepalive.

``{"method":"login","param":{"apiKey","reqTime"(s),"signature"}}`` with
``signature`` = hex HMAC-SHA256(secret, key + reqTime) (auth.md 2.2). Like
pybotters, no ack is awaited (the login counts as done once sent).
Keepalive: ``{"method":"ping"}`` every 10 s.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_hex, seconds
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import AppPing, LoginPlan, WsHostHooks

__all__ = ["HOOKS", "login", "login_message", "ping"]


def login_message(credential: Credential, now: float) -> dict[str, Any]:
    """The login request (pure)."""
    req_time = seconds(now)
    return {
        "method": "login",
        "param": {
            "apiKey": credential.key,
            "reqTime": req_time,
            "signature": hmac_sha256_hex(credential.secret, credential.key + req_time),
        },
    }


def login(url: URL, credential: Credential, now: float) -> LoginPlan:
    """Build the login request; MEXC's ack is not awaited."""
    return LoginPlan(login_message(credential, now), None)


_PING = AppPing(10.0, lambda now: '{"method":"ping"}')


def ping(url: URL) -> AppPing:
    """``{"method":"ping"}`` every 10 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="contract.mexc.com", exchange="MEXC", credential="mexc", login=login, ping=ping
    ),
)
"""MEXC futures WebSocket host."""
