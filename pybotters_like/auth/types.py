"""Value types shared by every signer: credentials, request parts, signed parts.

Owns the shapes that flow between the client and the pure signers. Imports no
aiohttp: a signer sees only these values and returns new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from multidict import CIMultiDictProxy
from yarl import URL

__all__ = [
    "BodyFormat",
    "Credential",
    "CredentialSelector",
    "HostAuth",
    "SignRequest",
    "SignedRequest",
    "Signer",
]

BodyFormat = Literal["json", "form"]
"""How a ``data=dict`` body is encoded for a host: compact JSON or urlencoded form."""


@dataclass(frozen=True, slots=True, repr=False)
class Credential:
    """One exchange's API credentials, as loaded from ``apis``.

    ``secret`` is kept as bytes (HMAC keys); for PEM keys (Binance Ed25519/RSA) it
    holds the PEM text, and for Hyperliquid ``key`` is the hex private key and
    ``secret`` is empty. ``repr()`` shows the entry name only.
    """

    name: str
    key: str
    secret: bytes = b""
    passphrase: str = ""

    def __repr__(self) -> str:
        return f"Credential(name={self.name!r}, key=<redacted>, secret=<redacted>)"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class SignRequest:
    """The request a signer sees. Signers must not (and cannot) mutate it.

    Attributes:
        method: Upper-case HTTP method.
        url: Absolute, already-encoded URL with ``params`` merged into the query.
        headers: The caller's headers (case-insensitive, read-only).
        body: The body bytes that will be sent if the signer does not replace them
            (``b""`` when there is no body). Dict bodies are already encoded in the
            host's :data:`BodyFormat`.
        data: The caller's original ``data`` object (dict, str, bytes or None), for
            signers that build the body themselves (Hyperliquid). Read-only.
    """

    method: str
    url: URL
    headers: CIMultiDictProxy[str]
    body: bytes = b""
    data: object = None


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What a signer returns: the exact URL, extra headers and body to send.

    ``headers`` are merged over the caller's headers; every one of them is
    stripped if a redirect leaves the signed origin. ``body`` is sent as is
    (``None`` means no body).
    """

    url: URL
    headers: Mapping[str, str]
    body: bytes | None


Signer = Callable[[SignRequest, Credential, float], SignedRequest]
"""A pure signer: ``(request, credential, now_epoch_seconds) -> SignedRequest``."""

CredentialSelector = Callable[[SignRequest], str]
"""Picks the ``apis`` entry name for a request (e.g. the OKX demo header)."""


@dataclass(frozen=True, slots=True)
class HostAuth:
    """How requests to one exact hostname are authenticated.

    Attributes:
        host: Lower-case hostname, exact match (no wildcards).
        credential: The ``apis`` entry name, or a selector returning it.
        signer: The pure signer function.
        body_format: How ``data=dict`` bodies are encoded for this host.
        scheme: Short human name of the signing scheme (docs, logs).
        exempt: Optional predicate; when it returns True the request is sent
            unsigned (public endpoints that reject signed requests).
    """

    host: str
    credential: str | CredentialSelector
    signer: Signer
    body_format: BodyFormat = "json"
    scheme: str = ""
    exempt: Callable[[SignRequest], bool] | None = None

    def credential_name(self, request: SignRequest) -> str:
        """Return the ``apis`` entry name to use for ``request``."""
        if isinstance(self.credential, str):
            return self.credential
        return self.credential(request)
