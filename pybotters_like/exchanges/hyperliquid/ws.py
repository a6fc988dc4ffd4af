"""Hyperliquid WebSocket hooks: ``ping`` keepalive and signing of ``post`` actions.

A ``{"method":"post","request":{"type":"action","payload":{...}}}`` message is
sent as a copy whose payload is signed exactly like the REST ``/exchange``
body, by :func:`pybotters_like.exchanges.hyperliquid.auth.sign` (EIP-712,
needs the ``crypto`` extra). A payload that already has a ``signature`` is
sent as is. Keepalive: ``{"method":"ping"}`` every 30 s.
"""

from __future__ import annotations

import json
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from pybotters_like.auth.types import Credential, SignRequest
from pybotters_like.ws.hooks import AppPing, WsHostHooks

__all__ = ["HOOKS", "ping", "sign_message"]


def sign_message(message: Any, url: URL, credential: Credential, now: float) -> Any:
    """Return a copy of a ``post`` action message with a signed payload."""
    if not isinstance(message, dict) or message.get("method") != "post":
        return message
    request = message.get("request")
    if not isinstance(request, dict) or request.get("type") != "action":
        return message
    payload = request.get("payload")
    if not isinstance(payload, dict) or "signature" in payload:
        return message
    from pybotters_like.exchanges.hyperliquid.auth import sign

    rest = SignRequest(
        method="POST",
        url=URL.build(scheme="https", host=url.host or "", path="/exchange"),
        headers=CIMultiDictProxy(CIMultiDict()),
        data=payload,
    )
    signed = sign(rest, credential, now)
    signed_payload = json.loads(signed.body or b"{}")
    return {**message, "request": {**request, "payload": signed_payload}}


_PING = AppPing(30.0, lambda now: '{"method":"ping"}')


def ping(url: URL) -> AppPing:
    """``{"method":"ping"}`` every 30 s."""
    return _PING


HOOKS: tuple[WsHostHooks, ...] = (
    WsHostHooks(
        host="api.hyperliquid.xyz",
        exchange="Hyperliquid",
        credential="hyperliquid",
        ping=ping,
        sign=sign_message,
    ),
    WsHostHooks(
        host="api.hyperliquid-testnet.xyz",
        exchange="Hyperliquid",
        credential="hyperliquid_testnet",
        ping=ping,
        sign=sign_message,
    ),
)
"""Hyperliquid's WebSocket hosts (mainnet and testnet)."""
