"""bitbank REST signing (HMAC-SHA256, "ACCESS-TIME-WINDOW" method).

Owns the bitbank host table and the pure signer. Must not touch the network,
the clock or the caller's request. The public API lives on another host
(``public.bitbank.cc``) and is never signed.

Signed string (bitbank-api-docs ``rest-api.md``, "Authorization", time-window
method)::

    GET:    ACCESS-REQUEST-TIME + ACCESS-TIME-WINDOW + path_and_query
    others: ACCESS-REQUEST-TIME + ACCESS-TIME-WINDOW + body

``ACCESS-REQUEST-TIME`` is ``now`` in milliseconds. ``ACCESS-TIME-WINDOW`` is
the caller's header of that name, or ``""`` when the caller set none (bitbank
then applies its default window); the signer never adds it. Without a window
the string equals the one of bitbank's older "nonce" method, which is why the
docs' nonce sample reproduces too. ``path_and_query`` is the raw path (with the
``/v1`` prefix) plus ``?query`` when there is one.
"""

from __future__ import annotations

from pybotters_like.auth.primitives import hmac_sha256_hex, ms, raw_path_qs
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "sign"]


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a bitbank private REST request.

    Returns the URL unchanged, the ``ACCESS-KEY``, ``ACCESS-REQUEST-TIME`` and
    ``ACCESS-SIGNATURE`` headers, and the body bytes unchanged (``None`` if empty).
    """
    request_time = ms(now)
    prefix = f"{request_time}{request.headers.get('ACCESS-TIME-WINDOW', '')}"
    if request.method == "GET":
        payload = (prefix + raw_path_qs(request.url)).encode()
    else:
        payload = prefix.encode() + request.body
    headers = {
        "ACCESS-KEY": credential.key,
        "ACCESS-REQUEST-TIME": request_time,
        "ACCESS-SIGNATURE": hmac_sha256_hex(credential.secret, payload),
    }
    return SignedRequest(request.url, headers, request.body or None)


HOSTS: tuple[HostAuth, ...] = (
    HostAuth(
        "api.bitbank.cc",
        "bitbank",
        sign,
        "json",
        "HMAC-SHA256 hex over request-time+time-window+(GET path?query | body), ACCESS-* headers",
    ),
)
"""bitbank private REST host."""
