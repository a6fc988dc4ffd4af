"""EIP-712 typed-data hashing for flat structs (the subset Hyperliquid signs).

Owns type strings, type hashes, value encoding, struct hashes, the domain
separator and the final ``0x19 0x01`` digest. It does not sign and knows no
keys. Keccak-256 comes from ``pycryptodome`` (optional extra ``crypto``), imported
on first use so that importing this module costs nothing; ``hashlib.sha3_256``
is *not* Keccak-256 and must not be used here.

Only atomic member types are supported (``string``, ``bytes``, ``bytesN``,
``address``, ``bool``, ``uintN``, ``intN``): Hyperliquid's types have no nested
structs or arrays.

Example:
    >>> fields = [("source", "string"), ("connectionId", "bytes32")]
    >>> encode_type("Agent", fields)
    'Agent(string source,bytes32 connectionId)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pybotters_like.errors import AuthError

__all__ = [
    "DOMAIN_FIELDS",
    "Field",
    "domain_separator",
    "encode_type",
    "encode_value",
    "hash_struct",
    "keccak256",
    "typed_data_digest",
]

Field = tuple[str, str]
"""One struct member: ``(name, solidity_type)``."""

DOMAIN_FIELDS: tuple[Field, ...] = (
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
)
"""The ``EIP712Domain`` members Hyperliquid uses, in canonical order."""

_MISSING_EXTRA = (
    "Hyperliquid signing needs optional packages; install them with "
    "`pip install pybotters-like[crypto]`"
)


def keccak256(data: bytes) -> bytes:
    """Return the Keccak-256 digest of ``data`` (Ethereum's hash, not SHA3-256)."""
    try:
        from Crypto.Hash import keccak
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise AuthError(f"{_MISSING_EXTRA} (pycryptodome is missing)") from exc
    digest: bytes = keccak.new(digest_bits=256, data=data).digest()
    return digest


def encode_type(primary_type: str, fields: Sequence[Field]) -> str:
    """Return the EIP-712 type string, e.g. ``Agent(string source,bytes32 connectionId)``."""
    return f"{primary_type}({','.join(f'{type_} {name}' for name, type_ in fields)})"


def _int_bits(type_: str, prefix: str) -> int:
    bits = int(type_[len(prefix) :] or "256")
    if bits % 8 or not 8 <= bits <= 256:
        raise AuthError(f"EIP-712: invalid integer type {type_!r}")
    return bits


def _as_bytes(value: Any, type_: str, name: str) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        text = value[2:] if value[:2].lower() == "0x" else value
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    raise AuthError(f"EIP-712: field {name!r} of type {type_} needs bytes or a hex string")


def encode_value(type_: str, value: Any, name: str = "?") -> bytes:
    """Encode one atomic value as its 32-byte EIP-712 ``encodeData`` word.

    ``name`` is only used in error messages.
    """
    if type_ == "string":
        if not isinstance(value, str):
            raise AuthError(f"EIP-712: field {name!r} of type string needs a str")
        return keccak256(value.encode())
    if type_ == "bytes":
        return keccak256(_as_bytes(value, type_, name))
    if type_ == "bool":
        if not isinstance(value, bool):
            raise AuthError(f"EIP-712: field {name!r} of type bool needs a bool")
        return int(value).to_bytes(32, "big")
    if type_ == "address":
        raw = _as_bytes(value, type_, name)
        if len(raw) != 20:
            raise AuthError(f"EIP-712: field {name!r} is not a 20-byte address")
        return raw.rjust(32, b"\0")
    if type_.startswith("bytes"):
        size = int(type_[5:])
        raw = _as_bytes(value, type_, name)
        if not 1 <= size <= 32 or len(raw) != size:
            raise AuthError(f"EIP-712: field {name!r} is not {type_}")
        return raw.ljust(32, b"\0")
    if type_.startswith(("uint", "int")):
        signed = type_.startswith("int")
        bits = _int_bits(type_, "int" if signed else "uint")
        if isinstance(value, bool) or not isinstance(value, int):
            raise AuthError(f"EIP-712: field {name!r} of type {type_} needs an int")
        low, high = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
        if not low <= value < high:
            raise AuthError(f"EIP-712: field {name!r} is out of range for {type_}")
        return value.to_bytes(32, "big", signed=signed)
    raise AuthError(f"EIP-712: unsupported member type {type_!r} for field {name!r}")


def hash_struct(primary_type: str, fields: Sequence[Field], values: Mapping[str, Any]) -> bytes:
    """Return ``keccak256(typeHash || encodeData(values))`` for a flat struct."""
    missing = [name for name, _ in fields if name not in values]
    if missing:
        raise AuthError(f"EIP-712: {primary_type} is missing field(s) {', '.join(missing)}")
    type_hash = keccak256(encode_type(primary_type, fields).encode())
    encoded = b"".join(encode_value(type_, values[name], name) for name, type_ in fields)
    return keccak256(type_hash + encoded)


def domain_separator(name: str, version: str, chain_id: int, verifying_contract: str) -> bytes:
    """Return the ``EIP712Domain`` struct hash for the four standard members."""
    values = {
        "name": name,
        "version": version,
        "chainId": chain_id,
        "verifyingContract": verifying_contract,
    }
    return hash_struct("EIP712Domain", DOMAIN_FIELDS, values)


def typed_data_digest(domain_hash: bytes, struct_hash: bytes) -> bytes:
    """Return the digest that is signed: ``keccak256(0x19 0x01 || domain || struct)``."""
    return keccak256(b"\x19\x01" + domain_hash + struct_hash)
