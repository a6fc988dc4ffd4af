"""Bitget WebSocket hooks: ``op: login`` on private streams and the ``ping`` keepalive.

Login args ``{apiKey, passphrase, timestamp (s), sign}`` with ``sign`` =
base64 HMAC-SHA256(secret, timestamp + "GET/user/verify"); skipped when the
URL path contains ``public`` (pybotters #395). Ack: ``event == "login"``
(``code`` 0) or ``event == "error"``. Keepalive: text ``ping`` every 25 s.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_b64, seconds
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import AppPing, LoginPlan, LoginVerdict, WsHostHooks

__all__ = ["HOOKS", "classify_login", "login", "login_args", "ping"]

VERIFY_PATH = "GET/user/verify"


def login_args(credential: Credential, timestamp: str) -> dict[str, str]:
    """The signed login argument object for a timestamp string (pure)."""
    return {
        "apiKey": credential.key,
        "passphrase": credential.passphrase,
        "timestamp": timestamp,
        "sign": hmac_sha256_b64(credential.secret, timestamp + VERIFY_PATH),
    }


def classify_login(frame: Any) -> LoginVerdict | None:
    """``event: login`` with code 0 accepts; ``event: error`` rejects."""
    if not isinstance(frame, dict):
        return None
    event = frame.get("event")
    if event == "login" and str(frame.get("code", "0")) in ("0", "00000"):
        return LoginVerdict(True)
    if event in ("login", "error"):
        return LoginVerdict(
            False, f"Bitget login failed: {frame.get('code')} {frame.get('msg', '')}"
        )
    return None


def login(url: URL, credential: Credential, now: float) -> LoginPlan | None:
    """Build the login request; None on public streams."""
    if "public" in url.path:
        return None
    return LoginPlan(
        {"op": "login", "args": [login_args(credential, seconds(now))]}, classify_login
    )


_PING = AppPing(25.0, lambda now: "ping")


def ping(url: URL) -> AppPing:
    """Text ``ping`` every 25 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="ws.bitget.com", exchange="Bitget", credential="bitget", login=login, ping=ping
    ),
)
"""Bitget's WebSocket host."""
