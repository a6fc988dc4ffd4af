"""OKX WebSocket hooks: ``op: login`` on connect and the text ``ping`` keepalive.

Login args ``{apiKey, passphrase, timestamp (s), sign}`` with ``sign`` =
base64 HMAC-SHA256(secret, timestamp + "GET/users/self/verify") (auth.md
2.2). The ack is ``event == "login"`` (accepted) or ``event == "error"``
(rejected). ``wspap.okx.com`` is the demo-trading host (``okx_demo``).
Keepalive: text ``ping`` every 15 s (OKX answers ``pong``).
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_b64, seconds
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import (
    AppPing,
    LoginPlan,
    LoginVerdict,
    WsHostHooks,
    hooks_for_hosts,
)

__all__ = ["HOOKS", "classify_login", "login", "login_args", "ping"]

VERIFY_PATH = "GET/users/self/verify"


def login_args(credential: Credential, timestamp: str) -> dict[str, str]:
    """The signed login argument object for a timestamp string (pure)."""
    return {
        "apiKey": credential.key,
        "passphrase": credential.passphrase,
        "timestamp": timestamp,
        "sign": hmac_sha256_b64(credential.secret, timestamp + VERIFY_PATH),
    }


def classify_login(frame: Any) -> LoginVerdict | None:
    """``event: login`` accepts; ``event: error`` rejects."""
    if not isinstance(frame, dict):
        return None
    event = frame.get("event")
    if event == "login":
        if str(frame.get("code", "0")) == "0":
            return LoginVerdict(True)
        return LoginVerdict(False, f"OKX login failed: {frame.get('code')} {frame.get('msg', '')}")
    if event == "error":
        return LoginVerdict(False, f"OKX login failed: {frame.get('code')} {frame.get('msg', '')}")
    return None


def login(url: URL, credential: Credential, now: float) -> LoginPlan:
    """Build the login request (timestamp in seconds)."""
    return LoginPlan(
        {"op": "login", "args": [login_args(credential, seconds(now))]}, classify_login
    )


_PING = AppPing(15.0, lambda now: "ping")


def ping(url: URL) -> AppPing:
    """Text ``ping`` every 15 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    *hooks_for_hosts(
        ("ws.okx.com", "wsaws.okx.com"), exchange="OKX", credential="okx", login=login, ping=ping
    ),
    WsHostHooks(
        host="wspap.okx.com", exchange="OKX", credential="okx_demo", login=login, ping=ping
    ),
)
"""OKX production and demo WebSocket hosts."""
