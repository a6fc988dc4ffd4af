"""Binance WebSocket hooks: WS-API message signing, stream keepalive and pacing.

Owns Binance's WS knowledge only (auth.md 2.2, pybotters_behaviour.md 1.7/1.9):

* WS-API (``ws-api.binance.com`` ...): a ``send_json`` request with a ``params``
  object and no ``signature`` is sent as a *copy* whose params gain ``apiKey``,
  a fresh ``timestamp`` (ms) and ``signature`` over the ``k=v`` pairs sorted by
  key, joined by ``&``, not percent-encoded. The key kind is read from the
  secret exactly as for REST (:mod:`pybotters_like.exchanges.binance.auth`
  loads and caches it): HMAC -> hex HMAC-SHA256; a PEM Ed25519 key -> base64
  Ed25519; a PEM RSA key -> base64 RSASSA-PKCS1-v1_5/SHA-256 (as a JSON string,
  so no percent-encoding). Every request is signed on its own; no
  ``session.logon`` is needed. The caller's dict is untouched, so a replay is
  signed afresh and stays valid.
* stream hosts: an unsolicited PONG frame every 60 s;
* ``stream.binance.com`` (Spot) accepts 5 incoming messages per second: sends
  through the app are spaced 0.25 s apart, timed locally.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.exchanges.binance.auth import sign_bytes
from pybotters_like.ws.hooks import AppPing, WsHostHooks, hooks_for_hosts

__all__ = ["HOOKS", "SPOT_STREAM_SEND_INTERVAL", "payload_string", "ping", "sign_message"]

PING_INTERVAL = 60.0
SPOT_STREAM_SEND_INTERVAL = 0.25
"""Seconds between sends on Spot streams (limit: 5 messages/s; pongs count too)."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def payload_string(params: dict[str, Any]) -> str:
    """The string Binance WS-API signs: ``k=v`` sorted by key, joined by ``&``."""
    return "&".join(f"{k}={_text(params[k])}" for k in sorted(params))


def sign_message(message: Any, url: URL, credential: Credential, now: float) -> Any:
    """Return a signed copy of a WS-API request (or ``message`` when not signable).

    Raises:
        AuthError: The secret is a PEM key that cannot be used (see the REST signer).
    """
    if not isinstance(message, dict):
        return message
    params = message.get("params")
    if not isinstance(params, dict) or "signature" in params:
        return message
    signed = {**params, "apiKey": credential.key, "timestamp": round(now * 1000)}
    signed["signature"] = sign_bytes(credential, payload_string(signed).encode())
    return {**message, "params": signed}


_PING = AppPing(PING_INTERVAL, lambda now: "", frame="pong")


def ping(url: URL) -> AppPing:
    """An unsolicited PONG frame every 60 s (Binance stream keepalive)."""
    return _PING


_STREAM_HOSTS = (
    "fstream.binance.com",
    "dstream.binance.com",
    "vstream.binance.com",
    "stream.binancefuture.com",
    "dstream.binancefuture.com",
    "testnet.binanceops.com",
    "testnetws.binanceops.com",
)

HOOKS: tuple[WsHostHooks, ...] = (
    *(
        WsHostHooks(
            host=host,
            exchange="Binance",
            ping=ping,
            send_interval=SPOT_STREAM_SEND_INTERVAL,
        )
        for host in ("stream.binance.com", "demo-stream.binance.com")
    ),
    *hooks_for_hosts(_STREAM_HOSTS, exchange="Binance", ping=ping),
    *hooks_for_hosts(
        ("ws-api.binance.com", "ws-fapi.binance.com"),
        exchange="Binance",
        credential="binance",
        sign=sign_message,
    ),
    *hooks_for_hosts(
        ("testnet.binance.vision", "ws-api.testnet.binance.vision"),
        exchange="Binance",
        credential="binancespot_testnet",
        sign=sign_message,
    ),
    *hooks_for_hosts(
        ("demo-ws-api.binance.com",),
        exchange="Binance",
        credential="binance_demo",
        sign=sign_message,
    ),
)
"""Binance stream and WS-API hosts."""
