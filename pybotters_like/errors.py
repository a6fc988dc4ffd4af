"""Every exception pybotters_like raises on purpose.

This module owns the exception hierarchy and nothing else. Messages name the
exchange, host, channel, file or field involved and never contain a secret:
callers build them from names, never from credential values.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BybitResponseError",
    "CredentialsError",
    "CredentialsFileError",
    "CredentialsFormatError",
    "DataStoreError",
    "PybottersLikeError",
    "SignerRegistrationError",
    "UnsignableBodyError",
    "WebSocketError",
    "WebSocketLoginError",
]


class PybottersLikeError(Exception):
    """Base class of every error raised by pybotters_like."""


class CredentialsError(PybottersLikeError):
    """The API credentials could not be loaded or are malformed."""


class CredentialsFileError(CredentialsError):
    """A credentials file is missing, unreadable or not valid JSON.

    The message names the file (and line/column for JSON errors), never its content.
    """


class CredentialsFormatError(CredentialsError):
    """A credentials entry does not have the expected shape.

    The message names the entry (for example ``bybit``), never its values.
    """


class AuthError(PybottersLikeError):
    """A request could not be signed."""


class UnsignableBodyError(AuthError):
    """The request body is of a type the signer cannot cover with a signature."""


class SignerRegistrationError(AuthError):
    """A signer was registered with invalid arguments."""


class UnsafeRedirectError(AuthError):
    """A redirect would have re-sent a signed request body to another origin.

    Raised instead of following a 307/308 (or a 301/302 of a non-POST) redirect that
    leaves the signed origin while the signer put a signature or key in the body. The
    message names both origins, never the body.
    """


class WebSocketError(PybottersLikeError):
    """A WebSocket connection failed in a way the caller should know about."""


class WebSocketLoginError(WebSocketError):
    """An exchange rejected (or never acknowledged) the WebSocket login."""


class DataStoreError(PybottersLikeError):
    """A DataStore was used in a way it does not support."""


class ReadOnlyItemError(DataStoreError, TypeError):
    """A stored item (a read-only snapshot) was mutated; copy it with ``dict(item)`` first."""


class StoreStreamOverflowError(DataStoreError):
    """A ``watch()`` stream with ``overflow="error"`` fell behind and dropped changes.

    The stream keeps working after this is raised; the consumer should re-read the
    store (its current state is always complete) and continue.
    """


__all__ += ["ReadOnlyItemError", "StoreStreamOverflowError"]


class BybitResponseError(DataStoreError, ValueError):
    """A REST response given to ``BybitDataStore.initialize()`` is a Bybit error
    (``retCode != 0``). Also a ``ValueError``, which is what pybotters raises there."""
