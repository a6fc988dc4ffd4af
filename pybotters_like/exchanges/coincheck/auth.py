"""Coincheck REST signing (HMAC-SHA256, ``ACCESS-*`` headers).

Owns the Coincheck host table and the pure signer. Must not touch the network,
the clock or the caller's request; WebSocket login lives elsewhere.

Signed string (Coincheck API docs, "Authentication")::

    ACCESS-NONCE + full_url + body

``full_url`` is the whole URL as sent (scheme, host, port if not the default,
percent-encoded path and query). The nonce is ``now`` in milliseconds, which
keeps it increasing between requests made within the same second and matches
what ccxt and pybotters send. Bodies are form-urlencoded, as pybotters sends
them. Every request to ``coincheck.com`` is signed, public endpoints too;
Coincheck ignores the headers there.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_hex, ms
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a Coincheck REST request.

    Returns the URL unchanged, the ``ACCESS-KEY``, ``ACCESS-NONCE`` and
    ``ACCESS-SIGNATURE`` headers, and the body bytes unchanged (``None`` if empty).
    """
    nonce = ms(now)
    payload = f"{nonce}{request.url}".encode() + request.body
    headers = {
        "ACCESS-KEY": credential.key,
        "ACCESS-NONCE": nonce,
        "ACCESS-SIGNATURE": hmac_sha256_hex(credential.secret, payload),
    }
    return SignedRequest(request.url, headers, request.body or None)


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "coincheck.com",
        "coincheck",
        sign,
        "form",
        "HMAC-SHA256 hex over nonce_ms+full URL+body, ACCESS-* headers",
    ),
)
"""Coincheck REST host."""
