"""Coincheck private WebSocket hooks: ``login`` on connect.

``{"type":"login","access_key","access_nonce"(ms),"access_signature"}`` with
``access_signature`` = hex HMAC-SHA256(secret, nonce +
"wss://stream.coincheck.com/private") (auth.md 2.2). The ack is the first
frame carrying ``success``. No application-level ping.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_hex, ms
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import LoginPlan, LoginVerdict, WsHostHooks

__all__ = ["HOOKS", "SIGNED_URL", "classify_login", "login", "login_message"]

SIGNED_URL = "wss://stream.coincheck.com/private"


def login_message(credential: Credential, now: float) -> dict[str, Any]:
    """The login request (pure)."""
    nonce = ms(now)
    return {
        "type": "login",
        "access_key": credential.key,
        "access_nonce": nonce,
        "access_signature": hmac_sha256_hex(credential.secret, nonce + SIGNED_URL),
    }


def classify_login(frame: Any) -> LoginVerdict | None:
    """The first frame with ``success`` decides."""
    if not isinstance(frame, dict) or "success" not in frame:
        return None
    if frame["success"] is True:
        return LoginVerdict(True)
    return LoginVerdict(False, f"Coincheck login failed: {frame.get('error', frame)}")


def login(url: URL, credential: Credential, now: float) -> LoginPlan:
    """Build the login request."""
    return LoginPlan(login_message(credential, now), classify_login)


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="stream.coincheck.com", exchange="Coincheck", credential="coincheck", login=login
    ),
)
"""Coincheck's private WebSocket host."""
