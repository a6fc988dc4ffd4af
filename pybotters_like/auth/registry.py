"""The REST signer registry: exact hostname -> :class:`HostAuth`.

Owns the host table. Built-in exchanges are loaded lazily from
:data:`pybotters_like.exchanges.catalog.AUTH_MODULES` on first lookup, so
``import pybotters_like`` stays cheap. Users add hosts with
:func:`register_signer`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pybotters_like.auth.types import (
    BodyFormat,
    CredentialSelector,
    HostAuth,
    Signer,
    SignRequest,
)
from pybotters_like.errors import SignerRegistrationError

__all__ = ["lookup", "register_signer", "registered_hosts"]

_table: dict[str, HostAuth] = {}
_builtins_loaded = False


def _load_builtins() -> None:
    global _builtins_loaded
    if _builtins_loaded:
        return
    from pybotters_like.exchanges.catalog import AUTH_MODULES

    for module_name in AUTH_MODULES:
        module = importlib.import_module(module_name)
        for entry in module.HOSTS:
            # A user registration made before the first lookup wins.
            _table.setdefault(entry.host, entry)
    _builtins_loaded = True


def lookup(host: str | None) -> HostAuth | None:
    """Return the auth entry for an exact (case-insensitive) hostname, or None."""
    if not _builtins_loaded:
        _load_builtins()
    if not host:
        return None
    return _table.get(host.lower())


def registered_hosts() -> dict[str, HostAuth]:
    """Return a copy of the whole host table (built-ins and user registrations)."""
    _load_builtins()
    return dict(_table)


def register_signer(
    host: str,
    credential: str | CredentialSelector,
    signer: Signer,
    *,
    body_format: BodyFormat = "json",
    scheme: str = "custom",
    exempt: Callable[[SignRequest], bool] | None = None,
    replace: bool = False,
) -> HostAuth:
    """Register a REST signer for an exact hostname.

    Args:
        host: Exact hostname, e.g. ``"api.example.com"`` (no scheme, no port).
        credential: The ``apis`` entry name to sign with, or a function of the
            request returning it.
        signer: ``signer(request, credential, now) -> SignedRequest``; must be pure.
        body_format: How ``data=dict`` bodies are encoded for this host.
        scheme: A short name for logs and docs.
        exempt: Optional predicate; requests it accepts are sent unsigned.
        replace: Allow replacing an existing (including built-in) entry.

    Returns:
        The registered :class:`HostAuth`.

    Example:
        >>> from pybotters_like.auth import SignedRequest, register_signer
        >>> def sign(req, cred, now):
        ...     return SignedRequest(req.url, {"X-KEY": cred.key}, req.body or None)
        >>> entry = register_signer("api.example.com", "example", sign)
    """
    normalized = host.strip().lower()
    if not normalized or "/" in normalized or ":" in normalized:
        raise SignerRegistrationError(
            f"register_signer needs a bare hostname such as 'api.example.com', got {host!r}"
        )
    if not callable(signer):
        raise SignerRegistrationError(f"signer for host {normalized} is not callable")
    if body_format not in ("json", "form"):
        raise SignerRegistrationError(
            f"body_format for host {normalized} must be 'json' or 'form', got {body_format!r}"
        )
    _load_builtins()
    if normalized in _table and not replace:
        raise SignerRegistrationError(
            f"host {normalized} already has a signer ({_table[normalized].scheme}); "
            "pass replace=True to override it"
        )
    entry = HostAuth(normalized, credential, signer, body_format, scheme, exempt)
    _table[normalized] = entry
    return entry
