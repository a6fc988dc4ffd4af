"""bitFlyer Lightning REST signing (HMAC-SHA256, ``ACCESS-*`` headers).

Owns the bitFlyer host table and the pure signer. Must not touch the network,
the clock or the caller's request; WebSocket (JSON-RPC ``auth``) lives elsewhere.

Signed string (bitFlyer Lightning API "Authentication")::

    ACCESS-TIMESTAMP + METHOD + path_and_query + body

``path_and_query`` is the raw (percent-encoded) path plus ``?query`` when there
is one, exactly as sent. The timestamp is in **milliseconds**, as pybotters
sends it and as bitFlyer accepts (its docs only say "Unix timestamp").
Every request to ``api.bitflyer.com`` is signed, public endpoints too; bitFlyer
ignores the headers there.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_hex, ms, raw_path_qs
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a bitFlyer REST request.

    Returns the URL unchanged, the ``ACCESS-KEY``, ``ACCESS-TIMESTAMP`` and
    ``ACCESS-SIGN`` headers, and the body bytes unchanged (``None`` if empty).
    """
    timestamp = ms(now)
    payload = f"{timestamp}{request.method}{raw_path_qs(request.url)}".encode() + request.body
    headers = {
        "ACCESS-KEY": credential.key,
        "ACCESS-TIMESTAMP": timestamp,
        "ACCESS-SIGN": hmac_sha256_hex(credential.secret, payload),
    }
    return SignedRequest(request.url, headers, request.body or None)


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "api.bitflyer.com",
        "bitflyer",
        sign,
        "json",
        "HMAC-SHA256 hex over ts_ms+method+path?query+body, ACCESS-* headers",
    ),
)
"""bitFlyer Lightning REST host."""
