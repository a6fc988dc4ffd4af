"""OKJ (OKCoin Japan) WebSocket hooks: login, raw-deflate frames, ``ping`` keepalive.

Login ``{"op":"login","args":[key, passphrase, ts, sign]}`` where ``ts`` is
the Unix time in seconds as a float string (``"2085848896.0"``) and ``sign`` =
base64 HMAC-SHA256(secret, ts + "GET/users/self/verify") (auth.md 2.2).
Server frames are raw-deflate compressed binary: :func:`inflate` decodes them
for JSON handlers and for the login ack (``event`` ``login``/``error``).
Keepalive: text ``ping`` every 15 s.
"""

from __future__ import annotations

import zlib
from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_b64
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import AppPing, LoginPlan, LoginVerdict, WsHostHooks

__all__ = ["HOOKS", "classify_login", "inflate", "login", "login_message", "ping"]


def inflate(data: bytes) -> bytes:
    """Decompress a raw-deflate (no header) frame."""
    return zlib.decompress(data, -zlib.MAX_WBITS)


def login_message(credential: Credential, now: float) -> dict[str, Any]:
    """The login request (pure)."""
    ts = str(float(now))
    sign = hmac_sha256_b64(credential.secret, ts + "GET/users/self/verify")
    return {"op": "login", "args": [credential.key, credential.passphrase, ts, sign]}


def classify_login(frame: Any) -> LoginVerdict | None:
    """``event: login`` (``success``) accepts; ``event: error`` rejects."""
    if not isinstance(frame, dict):
        return None
    event = frame.get("event")
    if event == "login" and frame.get("success", True):
        return LoginVerdict(True)
    if event in ("login", "error"):
        detail = f"{frame.get('errorCode', frame.get('code', ''))} {frame.get('message', '')}"
        return LoginVerdict(False, f"OKJ login failed: {detail.strip()}")
    return None


def login(url: URL, credential: Credential, now: float) -> LoginPlan:
    """Build the login request."""
    return LoginPlan(login_message(credential, now), classify_login)


_PING = AppPing(15.0, lambda now: "ping")


def ping(url: URL) -> AppPing:
    """Text ``ping`` every 15 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="connect.okcoin.jp",
        exchange="OKJ",
        credential="okj",
        login=login,
        ping=ping,
        decode=inflate,
    ),
)
"""OKJ's WebSocket host."""
