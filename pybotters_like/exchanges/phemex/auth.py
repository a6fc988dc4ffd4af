"""Phemex REST signing (api.phemex.com, vapi.phemex.com, testnet-api.phemex.com).

Owns Phemex's header scheme and the live/testnet credential names. No I/O, no
clock reads: ``now`` is injected.

Signed string: percent-encoded path + query string (no ``?``) + expiry + body
bytes, HMAC-SHA256, hex. The expiry is ``now + 60`` in whole seconds. The
secret is used as given (its raw bytes), as pybotters does; Phemex's docs
mention a base64url-decoded secret, but their own samples key the HMAC with
the secret text.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_hex
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["EXPIRY_SECONDS", "HOSTS", "sign"]

EXPIRY_SECONDS = 60
"""How far in the future a signed request expires."""


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a Phemex REST request (pure; ``now`` is epoch seconds)."""
    expiry = str(int(now) + EXPIRY_SECONDS)
    url = request.url
    body = request.body
    message = (url.raw_path + url.raw_query_string + expiry).encode() + body
    headers = {
        "x-phemex-access-token": credential.key,
        "x-phemex-request-expiry": expiry,
        "x-phemex-request-signature": hmac_sha256_hex(credential.secret, message),
        "Content-Type": "application/json",
    }
    return SignedRequest(url, headers, body or None)


_SCHEME = "Phemex: hex HMAC-SHA256 of path+query+expiry(s, now+60)+body"

HOSTS: tuple[HostAuth, ...] = (
    HostAuth("api.phemex.com", "phemex", sign, "json", _SCHEME),
    HostAuth("vapi.phemex.com", "phemex", sign, "json", _SCHEME),
    HostAuth("testnet-api.phemex.com", "phemex_testnet", sign, "json", _SCHEME),
)
"""Phemex REST hosts: ``phemex`` for live, ``phemex_testnet`` for the testnet."""
