"""Signing with a PEM private key in place of an HMAC secret (Ed25519, RSA).

Owns the rule shared by exchanges that accept self-generated key pairs as well as
system-generated HMAC secrets: a credential whose secret is a PEM private key signs
with that key (RSA-SHA256 PKCS#1 v1.5 or Ed25519, base64), any other secret is an HMAC
key (SHA-256, hex). Keys are loaded once and cached by a digest, never by the key
itself. ``cryptography`` is imported only when a PEM key is actually used, so
``import pybotters_like`` never loads it. Knows no exchange beyond the name it is
given for error messages, which never include key material.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Collection
from typing import Literal

from pybotters_like.auth.primitives import hmac_sha256_hex
from pybotters_like.auth.types import Credential
from pybotters_like.errors import AuthError

__all__ = ["KeyType", "is_pem", "sign_bytes"]

KeyType = Literal["ed25519", "rsa"]
"""Asymmetric key types an exchange may accept."""

TextSigner = Callable[[bytes], str]

# (sha256 of secret + passphrase, exchange, allowed types) -> signer; the table
# holds no second copy of the secret.
_PEM_SIGNERS: dict[tuple[bytes, str, frozenset[str]], TextSigner] = {}
_MAX_CACHED_KEYS = 32


def is_pem(secret: bytes) -> bool:
    """True when ``secret`` is PEM text (a key pair's private key, not an HMAC secret)."""
    # the common cases without copying the secret: an HMAC secret, a PEM from its start
    if secret.startswith(b"-----BEGIN"):
        return True
    return secret[:1].isspace() and secret.lstrip().startswith(b"-----BEGIN")


def sign_bytes(
    credential: Credential, payload: bytes, exchange: str, allowed: Collection[KeyType]
) -> str:
    """Sign ``payload`` with the credential: HMAC-SHA256 hex for a secret, base64
    RSA-SHA256 (PKCS#1 v1.5) or Ed25519 for a PEM private key of an ``allowed`` type.

    An HMAC secret costs one prefix check on top of the HMAC; a PEM key is loaded
    once and cached.

    Raises:
        AuthError: The PEM key cannot be loaded (malformed, a public key, encrypted
            with another passphrase), its type is not allowed, or ``cryptography`` is
            not installed. The message names the exchange and the credential entry.
    """
    secret = credential.secret
    if not is_pem(secret):
        return hmac_sha256_hex(secret, payload)
    types = frozenset(allowed)
    digest = hashlib.sha256(secret + b"\x00" + credential.passphrase.encode()).digest()
    cache_key = (digest, exchange, types)
    signer = _PEM_SIGNERS.get(cache_key)
    if signer is None:
        signer = _load(credential, exchange, types)
        if len(_PEM_SIGNERS) >= _MAX_CACHED_KEYS:
            _PEM_SIGNERS.clear()
        _PEM_SIGNERS[cache_key] = signer
    return signer(payload)


def _load(credential: Credential, exchange: str, allowed: frozenset[str]) -> TextSigner:
    where = f"{exchange} credential {credential.name!r}"
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
    except ImportError:
        raise AuthError(
            f"{where} holds a PEM private key; signing with it needs the 'cryptography' "
            "package (pip install 'pybotters-like[crypto]')"
        ) from None

    password = credential.passphrase.encode() or None
    try:
        try:
            key = serialization.load_pem_private_key(credential.secret, password=password)
        except TypeError:
            if password is None:
                raise
            # A passphrase was configured but this key is not encrypted.
            key = serialization.load_pem_private_key(credential.secret, password=None)
    except (ValueError, TypeError):
        # The original exception is dropped on purpose: it may describe key bytes.
        raise AuthError(
            f"{where}: the PEM secret could not be loaded as a private key (malformed, "
            "a public key, or encrypted without the right passphrase)"
        ) from None

    if isinstance(key, ed25519.Ed25519PrivateKey) and "ed25519" in allowed:
        ed_key = key
        return lambda payload: base64.b64encode(ed_key.sign(payload)).decode()
    if isinstance(key, rsa.RSAPrivateKey) and "rsa" in allowed:
        rsa_key = key
        return lambda payload: base64.b64encode(
            rsa_key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        ).decode()
    kinds = ", ".join(["HMAC", *(_KEY_NAMES[name] for name in sorted(allowed))])
    raise AuthError(
        f"{where}: unsupported private key type {type(key).__name__}; "
        f"{exchange} accepts {kinds} keys"
    )


_KEY_NAMES = {"ed25519": "Ed25519", "rsa": "RSA"}
