"""bitFlyer Lightning Realtime API hooks: JSON-RPC ``auth`` on connect.

``{"method":"auth","params":{"api_key","timestamp"(ms),"nonce"(32 hex),
"signature": hex HMAC-SHA256(secret, timestamp + nonce)},"id":"auth"}``
(auth.md 2.2). The ack is the response with ``id == "auth"``: ``result: true``
or an ``error`` object. No application-level ping.
"""

from __future__ import annotations

import secrets
from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_hex
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import LoginPlan, LoginVerdict, WsHostHooks

__all__ = ["HOOKS", "auth_message", "classify_login", "login"]


def auth_message(credential: Credential, now: float, nonce: str) -> dict[str, Any]:
    """The auth request for a given time and nonce (pure)."""
    timestamp = round(now * 1000)
    return {
        "method": "auth",
        "params": {
            "api_key": credential.key,
            "timestamp": timestamp,
            "nonce": nonce,
            "signature": hmac_sha256_hex(credential.secret, f"{timestamp}{nonce}"),
        },
        "id": "auth",
    }


def classify_login(frame: Any) -> LoginVerdict | None:
    """Recognise the response to the ``auth`` request."""
    if not isinstance(frame, dict) or frame.get("id") != "auth":
        return None
    error = frame.get("error")
    if error:
        detail = error.get("message", error) if isinstance(error, dict) else error
        return LoginVerdict(False, f"bitFlyer auth failed: {detail}")
    if frame.get("result") is True:
        return LoginVerdict(True)
    return LoginVerdict(False, f"bitFlyer auth failed: result={frame.get('result')!r}")


def login(url: URL, credential: Credential, now: float) -> LoginPlan:
    """Build the auth request with a fresh random nonce."""
    return LoginPlan(auth_message(credential, now, secrets.token_hex(16)), classify_login)


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="ws.lightstream.bitflyer.com",
        exchange="bitFlyer",
        credential="bitflyer",
        login=login,
    ),
)
"""bitFlyer's Realtime API host."""
