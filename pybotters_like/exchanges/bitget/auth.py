"""Bitget REST signing (api.bitget.com).

Owns Bitget's header scheme. No I/O, no clock reads: ``now`` is injected.

Signed string: millisecond timestamp + METHOD + percent-encoded path
(+ ``?query``, in the order the URL carries it) + body bytes, HMAC-SHA256,
base64. The passphrase is sent in plain text (``ACCESS-PASSPHRASE``).
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_b64, ms, raw_path_qs, require_passphrase
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a Bitget REST request (pure; ``now`` is epoch seconds)."""
    require_passphrase(credential, "Bitget")
    timestamp = ms(now)
    body = request.body
    message = (timestamp + request.method.upper() + raw_path_qs(request.url)).encode() + body
    headers = {
        "ACCESS-KEY": credential.key,
        "ACCESS-SIGN": hmac_sha256_b64(credential.secret, message),
        "ACCESS-TIMESTAMP": timestamp,
        "ACCESS-PASSPHRASE": credential.passphrase,
        "Content-Type": "application/json",
    }
    return SignedRequest(request.url, headers, body or None)


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "api.bitget.com",
        "bitget",
        sign,
        "json",
        "Bitget: base64 HMAC-SHA256 of ms timestamp+METHOD+path?query+body, passphrase",
    ),
)
"""The Bitget REST host, signed with the ``bitget`` credentials."""
