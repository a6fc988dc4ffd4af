"""Bybit v5 signature and timestamp verification (server side, written from the docs).

Owns the checks of bybit_v5.md §2 and §6.3, implemented independently of the
client's signer:

* REST: ``HMAC_SHA256(secret, timestamp + api_key + recv_window + payload)``
  in lower-case hex, where ``recv_window`` is the ``X-BAPI-RECV-WINDOW``
  header verbatim (empty when absent) and ``payload`` is the raw query string
  (GET) or the raw body bytes (POST). Timestamp rule:
  ``server_time - recv_window <= timestamp < server_time + 1000`` with
  ``recv_window`` defaulting to 5000 ms.
* WS: ``args = [key, expires, signature]`` with signature = hex
  ``HMAC_SHA256(secret, "GET/realtime" + expires)`` and ``expires`` in the future.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from ...accounts import Account
from .envelope import BybitError

__all__ = ["DEFAULT_RECV_WINDOW", "verify_rest", "verify_ws_auth"]

DEFAULT_RECV_WINDOW = 5000


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_rest(
    headers: Mapping[str, str],
    accounts: Mapping[str, Account],
    method: str,
    raw_query: str,
    body: bytes,
    now_ms: int,
) -> Account:
    """Return the authenticated account or raise :class:`BybitError` (10002/10003/10004)."""
    key = headers.get("X-BAPI-API-KEY", "")
    account = accounts.get(key) if key else None
    if account is None:
        raise BybitError(10003, "API key is invalid.")
    raw_ts = headers.get("X-BAPI-TIMESTAMP", "")
    raw_window = headers.get("X-BAPI-RECV-WINDOW")
    try:
        window = DEFAULT_RECV_WINDOW if raw_window is None else int(raw_window)
    except ValueError:
        raise BybitError(10001, "params error: recv_window invalid") from None
    try:
        ts = int(raw_ts)
    except ValueError:
        ts = None
    if ts is None or not (now_ms - window <= ts < now_ms + 1000):
        raise BybitError(
            10002,
            "invalid request, please check your server timestamp or recv_window param. "
            f"req_timestamp[{raw_ts}],server_timestamp[{now_ms}],recv_window[{window}]",
        )
    payload = raw_query.encode() if method == "GET" else body
    origin = f"{raw_ts}{key}{raw_window or ''}".encode() + payload
    expected = _hex_hmac(account.secret, origin)
    given = headers.get("X-BAPI-SIGN", "")
    if not hmac.compare_digest(expected, given):
        shown = origin.decode("utf-8", "replace")
        raise BybitError(10004, f"error sign! origin_string[{shown}]")
    return account


def verify_ws_auth(args: Any, accounts: Mapping[str, Account], now_ms: int) -> Account | None:
    """Return the account for a valid ``auth`` op, or None (any failure)."""
    if not isinstance(args, list) or len(args) != 3:
        return None
    key, expires, signature = args
    if not isinstance(key, str) or not isinstance(signature, str):
        return None
    if isinstance(expires, bool) or not isinstance(expires, (int, str)):
        return None
    text = str(expires)
    if not text.isdigit() or int(text) <= now_ms:
        return None
    account = accounts.get(key)
    if account is None:
        return None
    expected = _hex_hmac(account.secret, f"GET/realtime{text}".encode())
    return account if hmac.compare_digest(expected, signature) else None
