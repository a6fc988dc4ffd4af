"""Small, shared building blocks for signers: HMAC digests, clocks, URL parts.

Owns the byte-level helpers every HMAC signer needs, so signers stay one-liners
over their exchange's formula. Knows no exchange.
"""

from __future__ import annotations

import base64
import hmac
import time
from datetime import datetime, timezone

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
]


def system_clock() -> float:
    """Return the current Unix time in seconds (the default injected clock)."""
    return time.time()


def hmac_sha256(secret: bytes, message: bytes | str) -> bytes:
    """Return the raw HMAC-SHA256 digest of ``message`` under ``secret``."""
    if isinstance(message, str):
        message = message.encode()
    # hmac.digest is the one-shot C fast path (several times faster than hmac.new).
    return hmac.digest(secret, message, "sha256")


def hmac_sha256_hex(secret: bytes, message: bytes | str) -> str:
    """Return the lower-case hex HMAC-SHA256 of ``message`` under ``secret``."""
    if isinstance(message, str):
        message = message.encode()
    return hmac.digest(secret, message, "sha256").hex()


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


def require_passphrase(credential: Credential, exchange: str) -> str:
    """Return the credential's passphrase, or raise :class:`AuthError` naming the entry."""
    if not credential.passphrase:
        raise AuthError(
            f"{exchange}: credentials entry {credential.name!r} has no passphrase; "
            "use [key, secret, passphrase]"
        )
    return credential.passphrase
