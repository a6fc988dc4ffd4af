"""BitMEX REST and WebSocket-upgrade signing (HMAC-SHA256, ``api-*`` headers).

Owns the BitMEX host table and the pure signer. Must not touch the network,
the clock or the caller's request.

Signed string (BitMEX "API Key Usage", full sample calculation)::

    METHOD + path_and_query + api-expires + body

- ``api-expires`` is a Unix timestamp **in seconds**, ``now + 5``. BitMEX's
  docs define it in seconds, and its published samples only reproduce that way.
  pybotters sends milliseconds; we follow the docs.
- ``path_and_query`` is the raw path plus ``?query`` when there is one, exactly
  as sent. For a WebSocket upgrade (``ws``/``wss`` URL) it is the fixed
  ``/realtime`` the docs prescribe, whatever query the URL carries: BitMEX
  authenticates the stream from the upgrade request's headers.
- Bodies are form-urlencoded (BitMEX accepts form and JSON; pybotters sends form).

Every request to a BitMEX host is signed, public endpoints too; signed
requests get the higher authenticated rate limit.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_hex, raw_path_qs
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["EXPIRES_AFTER", "HOSTS", "sign"]

EXPIRES_AFTER = 5
"""Seconds a signed request stays valid (``api-expires = int(now) + EXPIRES_AFTER``)."""


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a BitMEX REST request or WebSocket upgrade.

    Returns the URL unchanged, the ``api-expires``, ``api-key`` and
    ``api-signature`` headers, and the body bytes unchanged (``None`` if empty).
    """
    expires = str(int(now) + EXPIRES_AFTER)
    if request.url.scheme in ("ws", "wss"):
        target = "GET/realtime"  # an upgrade is always a GET; the docs fix the path
    else:
        target = request.method + raw_path_qs(request.url)
    payload = f"{target}{expires}".encode() + request.body
    headers = {
        "api-expires": expires,
        "api-key": credential.key,
        "api-signature": hmac_sha256_hex(credential.secret, payload),
    }
    return SignedRequest(request.url, headers, request.body or None)


_SCHEME = "HMAC-SHA256 hex over method+path?query+expires(s)+body, api-* headers"

HOSTS: tuple[HostAuth, ...] = (
    HostAuth("www.bitmex.com", "bitmex", sign, "form", _SCHEME),
    HostAuth("testnet.bitmex.com", "bitmex_testnet", sign, "form", _SCHEME),
    HostAuth("ws.bitmex.com", "bitmex", sign, "form", _SCHEME),
    HostAuth("ws.testnet.bitmex.com", "bitmex_testnet", sign, "form", _SCHEME),
)
"""BitMEX hosts, mainnet and testnet: REST (and WebSocket ``/realtime``) on ``www`` and
``testnet``, and the WebSocket-only ``ws`` hosts BitMEX's own adapter connects to."""
