"""OKX REST signing (www.okx.com, aws.okx.com), also used by OKJ.

Owns the OKX v5 header scheme and the live/demo credential choice. It must not
perform I/O or read the clock: ``now`` is injected.

Signed string: ISO-8601 UTC timestamp with milliseconds and ``Z`` + METHOD +
percent-encoded path (+ ``?query``) + body bytes, HMAC-SHA256, base64. The
passphrase is sent in plain text (``OK-ACCESS-PASSPHRASE``). A request that
carries the header ``x-simulated-trading: 1`` is signed with the ``okx_demo``
credentials instead of ``okx``.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import (
    hmac_sha256_b64,
    iso8601_ms,
    raw_path_qs,
    require_passphrase,
)
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "select_credential", "sign", "sign_with_passphrase"]

_DEMO_HEADER = "x-simulated-trading"


def select_credential(request: SignRequest) -> str:
    """Return ``"okx_demo"`` for demo-trading requests, else ``"okx"``.

    Demo trading is requested with the header ``x-simulated-trading: 1``.
    """
    if request.headers.get(_DEMO_HEADER, "").strip() == "1":
        return "okx_demo"
    return "okx"


def sign_with_passphrase(
    request: SignRequest, credential: Credential, now: float, *, exchange: str
) -> SignedRequest:
    """Sign ``request`` with the OKX v5 scheme; ``exchange`` names it in errors.

    Shared with OKJ (OKCoin Japan), which uses the same scheme on its own host.
    """
    require_passphrase(credential, exchange)
    timestamp = iso8601_ms(now)
    body = request.body
    message = (timestamp + request.method.upper() + raw_path_qs(request.url)).encode() + body
    headers = {
        "OK-ACCESS-KEY": credential.key,
        "OK-ACCESS-SIGN": hmac_sha256_b64(credential.secret, message),
        "OK-ACCESS-TIMESTAMP": timestamp,
        "OK-ACCESS-PASSPHRASE": credential.passphrase,
        "Content-Type": "application/json",
    }
    return SignedRequest(request.url, headers, body or None)


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign an OKX REST request (pure; ``now`` is epoch seconds)."""
    return sign_with_passphrase(request, credential, now, exchange="OKX")


_SCHEME = "OKX v5: base64 HMAC-SHA256 of ISO-ms timestamp+METHOD+path?query+body, passphrase"

HOSTS: tuple[HostAuth, ...] = tuple(
    HostAuth(host, select_credential, sign, "json", _SCHEME)
    for host in ("www.okx.com", "aws.okx.com")
)
"""OKX hosts; ``okx`` or ``okx_demo`` credentials chosen per request."""
