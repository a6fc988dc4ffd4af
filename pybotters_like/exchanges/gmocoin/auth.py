"""GMO Coin REST signing (HMAC-SHA256, ``API-*`` headers).

Owns the GMO Coin host table, the pure signer and the public-endpoint rule.
Must not touch the network, the clock or the caller's request; the WebSocket
access token (``/private/v1/ws-auth``) is an ordinary signed REST call.

Signed string (GMO Coin API docs, "Authentication")::

    timestamp_ms + METHOD + path [+ body, for POST only]

- ``path`` is the URL path without its first segment and without the query:
  ``https://api.coin.z.com/private/v1/order?x=1`` signs ``/v1/order``.
- The body is part of the string only for ``POST``. GMO's own samples sign
  ``PUT``/``DELETE`` (``/v1/ws-auth``) without their body, and so do we.

``/public/...`` endpoints are exempt (sent unsigned): they take no
authentication, so signing them (as pybotters does) only sends the key around.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_hex, ms
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "is_exempt", "sign"]


def is_exempt(request: SignRequest) -> bool:
    """Return True for the public API (``/public/...``), which is sent unsigned."""
    return request.url.path.startswith("/public/")


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a GMO Coin REST request.

    Returns the URL unchanged, the ``API-KEY``, ``API-TIMESTAMP`` and
    ``API-SIGN`` headers, and the body bytes unchanged (``None`` if empty).
    """
    timestamp = ms(now)
    # "/private/v1/order" -> "/v1/order": GMO signs the path below its API root.
    _, _, rest = request.url.raw_path.lstrip("/").partition("/")
    payload = f"{timestamp}{request.method}/{rest}".encode()
    if request.method == "POST":
        payload += request.body
    headers = {
        "API-KEY": credential.key,
        "API-TIMESTAMP": timestamp,
        "API-SIGN": hmac_sha256_hex(credential.secret, payload),
    }
    return SignedRequest(request.url, headers, request.body or None)


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "api.coin.z.com",
        "gmocoin",
        sign,
        "json",
        "HMAC-SHA256 hex over ts_ms+method+path(minus /private)+POST body, API-* headers",
        is_exempt,
    ),
)
"""GMO Coin REST host (``/private`` and ``/public`` share it)."""
