"""Bybit V5 REST signing (HMAC-SHA256 or RSA-SHA256, ``X-BAPI-*`` headers).

Owns the Bybit host table and the pure signer. Must not touch the network, the
clock or the caller's request; WebSocket login lives elsewhere.

Signed string (Bybit V5 "Authentication" docs)::

    timestamp_ms + api_key + recv_window + query_string + body

- ``recv_window`` is the caller's ``X-BAPI-RECV-WINDOW`` header, or ``""`` when
  the caller set none (Bybit then applies its server default). The signer never
  adds that header itself.
- ``query_string`` is the raw (percent-encoded) query exactly as sent, and
  ``body`` the exact body bytes. Both are always concatenated, so a request with
  a query *and* a body is covered in full (for the usual GET-with-query or
  POST-with-JSON one of them is empty, which is the documented formula).

The kind of key is read from the secret (Bybit "Select your API key type"): a
system-generated key's secret signs with HMAC-SHA256, lowercase hex; a self-generated
key's secret is the RSA private key in PEM form and signs with RSA-SHA256 (PKCS#1
v1.5), base64. ``cryptography`` is needed, and imported, only for RSA keys.

Every request to a Bybit host is signed, public ``/v5/market/*`` endpoints too:
Bybit ignores the headers there. Use ``auth=None`` to send unsigned.
"""

from __future__ import annotations

from pybotters_like.auth.pem import KeyType
from pybotters_like.auth.pem import sign_bytes as pem_sign_bytes
from pybotters_like.auth.primitives import ms
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign", "sign_bytes"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a Bybit V5 REST request.

    Returns the URL unchanged, the ``X-BAPI-API-KEY``, ``X-BAPI-TIMESTAMP`` and
    ``X-BAPI-SIGN`` headers, and the body bytes unchanged (``None`` if empty).

    Raises:
        AuthError: The secret is a PEM key that is not a loadable RSA private key,
            or ``cryptography`` is not installed.
    """
    timestamp = ms(now)
    recv_window = request.headers.get("X-BAPI-RECV-WINDOW", "")
    payload = (
        f"{timestamp}{credential.key}{recv_window}{request.url.raw_query_string}".encode()
        + request.body
    )
    headers = {
        "X-BAPI-API-KEY": credential.key,
        "X-BAPI-TIMESTAMP": timestamp,
        "X-BAPI-SIGN": sign_bytes(credential, payload),
    }
    return SignedRequest(request.url, headers, request.body or None)


_KEY_PAIRS: tuple[KeyType, ...] = ("rsa",)  # Bybit's self-generated keys are RSA only


def sign_bytes(credential: Credential, payload: bytes) -> str:
    """Sign ``payload``: hex HMAC-SHA256, or base64 RSA-SHA256 for a PEM private key
    (loaded once and cached). Shared by the REST signer and the WebSocket login."""
    return pem_sign_bytes(credential, payload, "Bybit", _KEY_PAIRS)


_SCHEME = "HMAC-SHA256 hex / RSA-SHA256 base64 over ts+key+recvWindow+query+body, X-BAPI-*"

HOSTS: tuple[HostAuth, ...] = (
    HostAuth("api.bybit.com", "bybit", sign, "json", _SCHEME),
    HostAuth("api.bytick.com", "bybit", sign, "json", _SCHEME),
    HostAuth("api-demo.bybit.com", "bybit_demo", sign, "json", _SCHEME),
    HostAuth("api-testnet.bybit.com", "bybit_testnet", sign, "json", _SCHEME),
)
"""Bybit REST hosts: mainnet (two domains), demo trading and testnet."""
