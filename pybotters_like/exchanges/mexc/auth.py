"""MEXC REST signing: the v2 header scheme and the v3 (Binance-like) query scheme.

Owns both MEXC schemes and which host uses which. No I/O, no clock reads:
``now`` is injected.

v2 (www.mexc.com, contract.mexc.com): headers ``ApiKey``, ``Request-Time``
(ms) and ``Signature`` = hex HMAC-SHA256 of key + ms + X. For GET and DELETE,
X is the query sorted by parameter name, values percent-encoded (``%20`` for a
space); the URL is re-written with exactly that query so what is sent is what
was signed. For other methods X is the body bytes (JSON).

v3 (api.mexc.com): header ``X-MEXC-APIKEY``; ``timestamp`` (ms) is appended to
the query, then ``signature`` = hex HMAC-SHA256 of the query string + body.
Body handling: MEXC's v3 docs and official samples send the parameters of
signed endpoints in the query string, so a ``data=dict`` (form-encoded by the
client for this host) is moved into the query, before ``timestamp``, and no
body is sent. A ``str``/``bytes`` body is sent as given and signed after the
query (Binance's "totalParams").
"""

from __future__ import annotations

from urllib.parse import quote

from pybotters_like.auth.primitives import hmac_sha256_hex, ms, with_raw_query
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign_v2", "sign_v3"]

_SORTED_QUERY_METHODS = frozenset({"GET", "DELETE"})


def sign_v2(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a MEXC v2 (www/contract) REST request (pure; ``now`` is epoch seconds)."""
    timestamp = ms(now)
    url = request.url
    method = request.method.upper()
    body = request.body
    if method in _SORTED_QUERY_METHODS:
        items = sorted(url.query.items(), key=lambda item: item[0])
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)
        if url.raw_query_string:
            url = with_raw_query(url, query)
        payload = query.encode()
    else:
        payload = body
    message = (credential.key + timestamp).encode() + payload
    headers = {
        "ApiKey": credential.key,
        "Request-Time": timestamp,
        "Signature": hmac_sha256_hex(credential.secret, message),
        "Content-Type": "application/json",
    }
    return SignedRequest(url, headers, body or None)


def sign_v3(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a MEXC v3 (api.mexc.com) REST request (pure; ``now`` is epoch seconds)."""
    url = request.url
    parts = [url.raw_query_string] if url.raw_query_string else []
    body = request.body
    if isinstance(request.data, (dict, list, tuple)) and body:
        # The client form-encoded the caller's dict: send it as query parameters.
        parts.append(body.decode())
        body = b""
    parts.append(f"timestamp={ms(now)}")
    query = "&".join(parts)
    signature = hmac_sha256_hex(credential.secret, query.encode() + body)
    headers = {"X-MEXC-APIKEY": credential.key, "Content-Type": "application/json"}
    signed_url = with_raw_query(url, f"{query}&signature={signature}")
    return SignedRequest(signed_url, headers, body or None)


_V2 = "MEXC v2: hex HMAC-SHA256 of key+ms+(sorted query | JSON body) in headers"
_V3 = "MEXC v3: hex HMAC-SHA256 of query(+timestamp)+body; timestamp/signature params"

HOSTS: tuple[HostAuth, ...] = (
    HostAuth("www.mexc.com", "mexc", sign_v2, "json", _V2),
    HostAuth("contract.mexc.com", "mexc", sign_v2, "json", _V2),
    HostAuth("api.mexc.com", "mexc", sign_v3, "form", _V3),
)
"""MEXC REST hosts, all signed with the ``mexc`` credentials."""
