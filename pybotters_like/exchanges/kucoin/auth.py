"""KuCoin REST signing (api.kucoin.com, api-futures.kucoin.com), API key version 2.

Owns KuCoin's header scheme. No I/O, no clock reads: ``now`` is injected.

Signed string: millisecond timestamp + METHOD + *decoded* path (+ ``?query``)
+ body bytes, HMAC-SHA256, base64; KuCoin's docs ask for the un-encoded URL.
With key version 2 the passphrase header carries base64(HMAC-SHA256(secret,
passphrase)), never the passphrase itself.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_b64, ms, require_passphrase
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a KuCoin REST request (pure; ``now`` is epoch seconds)."""
    require_passphrase(credential, "KuCoin")
    timestamp = ms(now)
    url = request.url
    path_qs = f"{url.path}?{url.query_string}" if url.query_string else url.path
    body = request.body
    message = (timestamp + request.method.upper() + path_qs).encode() + body
    headers = {
        "KC-API-KEY": credential.key,
        "KC-API-SIGN": hmac_sha256_b64(credential.secret, message),
        "KC-API-TIMESTAMP": timestamp,
        "KC-API-PASSPHRASE": hmac_sha256_b64(credential.secret, credential.passphrase),
        "KC-API-KEY-VERSION": "2",
        "Content-Type": "application/json",
    }
    return SignedRequest(url, headers, body or None)


_SCHEME = "KuCoin v2: base64 HMAC-SHA256 of ms timestamp+METHOD+decoded path?query+body"

HOSTS: tuple[HostAuth, ...] = tuple(
    HostAuth(host, "kucoin", sign, "json", _SCHEME)
    for host in ("api.kucoin.com", "api-futures.kucoin.com")
)
"""KuCoin spot and futures REST hosts, signed with the ``kucoin`` credentials."""
