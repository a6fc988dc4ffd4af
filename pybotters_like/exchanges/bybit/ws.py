"""Bybit V5 WebSocket hooks: login on private/trade streams, app ping, trade headers.

Owns Bybit's WS knowledge only (auth.md 2.2, pybotters_behaviour.md 1.7/1.9):

* login ``{"op":"auth","args":[key, expires, sig]}`` with ``expires`` = now + 5 s
  in ms and ``sig`` = hex HMAC-SHA256(secret, "GET/realtime" + expires), or base64
  RSA-SHA256 of the same string for an RSA key (see ``auth.py``);
  skipped on ``/public`` URLs; the ack is the frame with ``op == "auth"``
  (``success`` on private streams, ``retCode`` on the trade stream);
* ``{"op":"ping"}`` every 20 s;
* on ``/v5/trade`` URLs every ``send_json`` gets a fresh
  ``header["X-BAPI-TIMESTAMP"]`` (unless the caller set one), on a copy.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.primitives import ms
from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.bybit.auth import sign_bytes
from pybotters_like.ws.hooks import (
    AppPing,
    LoginPlan,
    LoginVerdict,
    WsHostHooks,
    hooks_for_hosts,
)

__all__ = ["HOOKS", "classify_login", "login", "ping", "sign_message"]

EXPIRES_AFTER = 5.0
PING_INTERVAL = 20.0


def classify_login(frame: Any) -> LoginVerdict | None:
    """Recognise Bybit's auth ack (``op == "auth"``)."""
    if not isinstance(frame, dict) or frame.get("op") != "auth":
        return None
    if frame.get("success") is True or frame.get("retCode") == 0:
        return LoginVerdict(True)
    detail = frame.get("ret_msg") or frame.get("retMsg") or "success=false"
    return LoginVerdict(False, f"Bybit auth failed: {detail}")


def login(url: URL, credential: Credential, now: float) -> LoginPlan | None:
    """Build the auth message; None on public streams."""
    if "public" in url.path:
        return None
    expires = int(ms(now + EXPIRES_AFTER))
    signature = sign_bytes(credential, f"GET/realtime{expires}".encode())
    return LoginPlan({"op": "auth", "args": [credential.key, expires, signature]}, classify_login)


_PING = AppPing(PING_INTERVAL, lambda now: '{"op":"ping"}')


def ping(url: URL) -> AppPing:
    """``{"op":"ping"}`` every 20 s on every stream."""
    return _PING


def sign_message(message: Any, url: URL, credential: Credential, now: float) -> Any:
    """Add a fresh ``X-BAPI-TIMESTAMP`` header to trade-stream requests (on a copy)."""
    if "trade" not in url.path or not isinstance(message, dict):
        return message
    header = message.get("header")
    header = dict(header) if isinstance(header, dict) else {}
    if "X-BAPI-TIMESTAMP" in header:
        return message
    header["X-BAPI-TIMESTAMP"] = ms(now)
    return {**message, "header": header}


def _hosts(hosts: tuple[str, ...], credential: str) -> tuple[WsHostHooks, ...]:
    return hooks_for_hosts(
        hosts,
        exchange="Bybit",
        credential=credential,
        login=login,
        ping=ping,
        sign=sign_message,
    )


HOOKS: tuple[WsHostHooks, ...] = (
    *_hosts(("stream.bybit.com", "stream.bytick.com"), "bybit"),
    *_hosts(("stream-demo.bybit.com",), "bybit_demo"),
    *_hosts(("stream-testnet.bybit.com",), "bybit_testnet"),
)
"""Bybit stream hosts (mainnet, demo, testnet)."""
