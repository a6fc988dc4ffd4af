"""BitTrade WebSocket hooks: v2.1 ``auth`` on the private feed, per-path keepalive, gzip.

Login (``/ws/v2`` only): ``{"action":"req","ch":"auth","params":{authType,
accessKey, signatureMethod, signatureVersion "2.1", timestamp, signature}}``
with ``signature`` = base64 HMAC-SHA256(secret, "GET\\n" + host + "\\n" +
path + "\\n" + urlencoded params sorted by key) (auth.md 2.2). The ack has
``ch == "auth"``; ``code`` 200 accepts, any other code rejects.
Keepalive depends on the path (pybotters_behaviour.md 1.7). Market frames on
``/ws`` are gzip-compressed: :func:`gunzip` decodes them for JSON handlers.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from yarl import URL

from pybotters_like.auth.primitives import hmac_sha256_b64
from pybotters_like.auth.types import Credential
from pybotters_like.ws.hooks import AppPing, LoginPlan, LoginVerdict, WsHostHooks

__all__ = ["HOOKS", "auth_message", "classify_login", "gunzip", "login", "ping"]


def gunzip(data: bytes) -> bytes:
    """Decompress gzip frames; other frames pass through unchanged."""
    if data[:2] == b"\x1f\x8b":
        return zlib.decompress(data, 16 + zlib.MAX_WBITS)
    return data


def auth_message(url: URL, credential: Credential, now: float) -> dict[str, Any]:
    """The v2.1 auth request for ``url`` at ``now`` (pure)."""
    timestamp = datetime.fromtimestamp(int(now), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    params = {
        "accessKey": credential.key,
        "signatureMethod": "HmacSHA256",
        "signatureVersion": "2.1",
        "timestamp": timestamp,
    }
    query = urlencode(sorted(params.items()))
    payload = f"GET\n{url.host}\n{url.path}\n{query}"
    signature = hmac_sha256_b64(credential.secret, payload)
    return {
        "action": "req",
        "ch": "auth",
        "params": {"authType": "api", **params, "signature": signature},
    }


def classify_login(frame: Any) -> LoginVerdict | None:
    """``ch == "auth"``: code 200 accepts, anything else rejects."""
    if not isinstance(frame, dict) or frame.get("ch") != "auth":
        return None
    if frame.get("code") == 200:
        return LoginVerdict(True)
    return LoginVerdict(
        False, f"BitTrade auth failed: {frame.get('code')} {frame.get('message', '')}"
    )


def login(url: URL, credential: Credential, now: float) -> LoginPlan | None:
    """Build the auth request on the private ``/ws/v2`` feed; None elsewhere."""
    if not url.path.rstrip("/").endswith("/ws/v2"):
        return None
    return LoginPlan(auth_message(url, credential, now), classify_login)


def _ms(now: float) -> int:
    return round(now * 1000)


_RETAIL = AppPing(10.0, lambda now: json.dumps({"action": 5, "ts": int(now)}))
_MARKET = AppPing(5.0, lambda now: json.dumps({"pong": _ms(now)}))
_V2 = AppPing(20.0, lambda now: json.dumps({"action": "pong", "data": {"ts": _ms(now)}}))


def ping(url: URL) -> AppPing | None:
    """The keepalive for ``/retail/ws``, ``/ws`` or ``/ws/v2``; None for other paths."""
    path = url.path.rstrip("/")
    if path.endswith("/retail/ws"):
        return _RETAIL
    if path.endswith("/ws/v2"):
        return _V2
    if path.endswith("/ws"):
        return _MARKET
    return None


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="api-cloud.bittrade.co.jp",
        exchange="BitTrade",
        credential="bittrade",
        login=login,
        ping=ping,
        decode=gunzip,
    ),
)
"""BitTrade's WebSocket host."""
