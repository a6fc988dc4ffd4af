"""BitTrade REST signing (api-cloud.bittrade.co.jp), the Huobi/HTX v2 scheme.

Owns BitTrade's query-parameter scheme. No I/O, no clock reads: ``now`` is
injected.

The signer adds ``AccessKeyId``, ``SignatureMethod=HmacSHA256``,
``SignatureVersion=2`` and ``Timestamp`` (``YYYY-MM-DDThh:mm:ss``, UTC) to the
caller's query, sorts all parameters by name, percent-encodes names and values
(RFC 3986, upper-case hex, so ``:`` becomes ``%3A`` and a space ``%20``), and
signs ``METHOD\\nhost\\npath\\n`` + that query with HMAC-SHA256, base64. The
signature is appended as ``Signature``. The URL that is sent carries exactly
the signed query. A POST body (JSON) is sent unchanged and is not signed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

from pybotters_like.auth.primitives import hmac_sha256_b64, with_raw_query
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign"]


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a BitTrade REST request (pure; ``now`` is epoch seconds)."""
    url = request.url
    timestamp = datetime.fromtimestamp(int(now), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    params = [*url.query.items()]
    params += [
        ("AccessKeyId", credential.key),
        ("SignatureMethod", "HmacSHA256"),
        ("SignatureVersion", "2"),
        ("Timestamp", timestamp),
    ]
    # Sorted by name only: a stable sort keeps repeated names in caller order.
    params.sort(key=lambda item: item[0])
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in params)
    host = (url.host or "").lower()
    payload = f"{request.method.upper()}\n{host}\n{url.raw_path}\n{query}"
    signature = hmac_sha256_b64(credential.secret, payload)
    signed_url = with_raw_query(url, f"{query}&Signature={_encode(signature)}")
    return SignedRequest(signed_url, {}, request.body or None)


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "api-cloud.bittrade.co.jp",
        "bittrade",
        sign,
        "json",
        "Huobi v2: base64 HMAC-SHA256 of METHOD\\nhost\\npath\\nsorted query; params in URL",
    ),
)
"""The BitTrade REST host, signed with the ``bittrade`` credentials."""
