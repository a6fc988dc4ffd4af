"""Small, shared building blocks for signers: HMAC digests, clocks, URL parts.

Owns the byte-level helpers every HMAC signer needs, so signers stay one-liners
over their exchange's formula. Knows no exchange.
"""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import datetime, timezone
from typing import Any

from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.errors import AuthError

__all__ = [
    "hmac_sha256",
    "hmac_sha256_b64",
    "hmac_sha256_hex",
    "iso8601_ms",
    "ms",
    "raw_path_qs",
    "require_passphrase",
    "seconds",
    "system_clock",
    "with_raw_query",
]


def system_clock() -> float:
    """Return the current Unix time in seconds (the default injected clock)."""
    return time.time()


_SHA256_BLOCK = 64
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))
_PAD_CACHE: dict[bytes, tuple[Any, Any]] = {}
_PAD_CACHE_LIMIT = 256


def _sha256_pads(secret: bytes) -> tuple[Any, Any]:
    # HMAC = H((K ^ opad) || H((K ^ ipad) || m)) (RFC 2104). Hashing the two padded
    # keys once per secret and copying those states per message is several times
    # faster than hmac.new/hmac.digest, whose per-call setup dominates short messages
    # (OpenSSL 3 fetches the algorithm on every one-shot call).
    pads = _PAD_CACHE.get(secret)
    if pads is None:
        key = hashlib.sha256(secret).digest() if len(secret) > _SHA256_BLOCK else secret
        key = key.ljust(_SHA256_BLOCK, b"\0")
        pads = (
            hashlib.sha256(key.translate(_INNER_PAD)),
            hashlib.sha256(key.translate(_OUTER_PAD)),
        )
        if len(_PAD_CACHE) >= _PAD_CACHE_LIMIT:
            _PAD_CACHE.clear()
        _PAD_CACHE[secret] = pads
    return pads


def hmac_sha256(secret: bytes, message: bytes | str) -> bytes:
    """Return the raw HMAC-SHA256 digest of ``message`` under ``secret``."""
    if isinstance(message, str):
        message = message.encode()
    inner_pad, outer_pad = _sha256_pads(secret)
    inner = inner_pad.copy()
    inner.update(message)
    outer = outer_pad.copy()
    outer.update(inner.digest())
    digest: bytes = outer.digest()
    return digest


def hmac_sha256_hex(secret: bytes, message: bytes | str) -> str:
    """Return the lower-case hex HMAC-SHA256 of ``message`` under ``secret``."""
    return hmac_sha256(secret, message).hex()


def hmac_sha256_b64(secret: bytes, message: bytes | str) -> str:
    """Return the standard base64 HMAC-SHA256 of ``message`` under ``secret``."""
    return base64.b64encode(hmac_sha256(secret, message)).decode()


def ms(now: float) -> str:
    """Return ``now`` (epoch seconds) as integer milliseconds, as a string."""
    return str(round(now * 1000))


def seconds(now: float) -> str:
    """Return ``now`` (epoch seconds) as integer seconds, as a string."""
    return str(int(now))


def iso8601_ms(now: float) -> str:
    """Return ``now`` as ISO-8601 UTC with milliseconds and ``Z`` (OKX style)."""
    moment = datetime.fromtimestamp(round(now, 3), tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def raw_path_qs(url: URL) -> str:
    """Return the percent-encoded path plus ``?query`` when there is a query."""
    query = url.raw_query_string
    return f"{url.raw_path}?{query}" if query else url.raw_path


def with_raw_query(url: URL, raw_query: str) -> URL:
    """``url`` with its query replaced by ``raw_query``, taken as already percent-encoded.

    Built from encoded parts, so yarl cannot re-encode what was signed.
    """
    return URL.build(
        scheme=url.scheme,
        authority=url.raw_authority,
        path=url.raw_path,
        query_string=raw_query,
        fragment=url.raw_fragment,
        encoded=True,
    )


def require_passphrase(credential: Credential, exchange: str) -> str:
    """Return the credential's passphrase, or raise :class:`AuthError` naming the entry."""
    if not credential.passphrase:
        raise AuthError(
            f"{exchange}: credentials entry {credential.name!r} has no passphrase; "
            "use [key, secret, passphrase]"
        )
    return credential.passphrase
