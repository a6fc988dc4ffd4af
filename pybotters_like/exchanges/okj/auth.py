"""OKJ (OKCoin Japan) REST signing (www.okcoin.jp).

Owns OKJ's host entry only. OKJ runs the OKX v5 signing scheme unchanged
(ISO-8601 ms timestamp, base64 HMAC-SHA256, plain-text passphrase), so the
signature itself comes from :mod:`pybotters_like.exchanges.okx.auth`. No I/O,
no clock reads.
"""

from __future__ import annotations

from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest
from pybotters_like.exchanges.okx.auth import sign_with_passphrase

__all__ = ["HOSTS", "sign"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign an OKJ REST request with the OKX v5 scheme (pure; ``now`` in epoch seconds)."""
    return sign_with_passphrase(request, credential, now, exchange="OKJ")


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "www.okcoin.jp",
        "okj",
        sign,
        "json",
        "OKX v5 scheme: base64 HMAC-SHA256 of ISO-ms timestamp+METHOD+path?query+body, passphrase",
    ),
)
"""The OKJ host, signed with the ``okj`` credentials."""
