"""Hyperliquid REST signing (api.hyperliquid.xyz, api.hyperliquid-testnet.xyz).

Owns the ``/exchange`` action signing: the L1 "phantom agent" scheme and the
user-signed (``HyperliquidTransaction:*``) scheme, both secp256k1 ECDSA over an
EIP-712 digest (see :mod:`pybotters_like.exchanges.hyperliquid.eip712`). No I/O,
no clock reads (``now`` is injected), and the caller's data is never mutated:
the signed body is a new dict.

``Credential.key`` holds the hex private key (``secret`` is empty). coincurve,
pycryptodome (Keccak) and msgpack are optional (``pip install
pybotters-like[crypto]``) and are imported only when a request is signed.

Body: the caller sends ``data={"action": {...}, "vaultAddress"?, "expiresAfter"?,
"nonce"?}`` to ``/exchange``; the signer adds ``nonce`` (milliseconds from
``now`` unless given) and ``signature`` ``{r, s, v}``. A body that already has a
``signature`` is sent unchanged. Only ``/exchange`` is signed: every other path
(``/info`` and the rest) is exempt and keeps its plain JSON body.

- L1 actions (no ``hyperliquidChain`` in the action): connectionId =
  keccak256(msgpack(action) || nonce u64 BE || 0x00 | 0x01 vault(20) ||
  [0x00 || expiresAfter u64 BE]), signed as ``Agent{source, connectionId}``
  with source ``"a"`` on mainnet and ``"b"`` on testnet (decided by the host),
  domain ``Exchange``/``1``/chainId 1337/zero address.
- User-signed actions (``hyperliquidChain`` present): the action's own fields
  (without ``type`` and ``signatureChainId``; ``hyperliquidChain`` first) are
  signed as ``HyperliquidTransaction:<Type>`` (``withdraw3`` -> ``Withdraw``)
  under domain ``HyperliquidSignTransaction``/``1``/chainId =
  ``signatureChainId`` (default ``0x66eee``, added to the sent action when
  missing)/zero address.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pybotters_like.auth.body import encode_json
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.hyperliquid.eip712 import (
    Field,
    domain_separator,
    hash_struct,
    keccak256,
    typed_data_digest,
)

__all__ = [
    "DEFAULT_SIGNATURE_CHAIN_ID",
    "HOSTS",
    "action_hash",
    "is_exempt",
    "l1_digest",
    "sign",
    "sign_digest",
    "user_signed_digest",
]

DEFAULT_SIGNATURE_CHAIN_ID = "0x66eee"
"""``signatureChainId`` used for user-signed actions that do not name one."""

_ZERO_ADDRESS = "0x" + "00" * 20
_AGENT_FIELDS: tuple[Field, ...] = (("source", "string"), ("connectionId", "bytes32"))
_MISSING_EXTRA = (
    "Hyperliquid signing needs optional packages; install them with "
    "`pip install pybotters-like[crypto]`"
)

# Members of user-signed actions whose EIP-712 type cannot be inferred from a
# Python str (they are addresses / hashes, not strings).
_KNOWN_FIELD_TYPES: dict[str, str] = {
    "agentAddress": "address",
    "builder": "address",
    "validator": "address",
    "payloadMultiSigUser": "address",
    "outerSigner": "address",
    "multiSigActionHash": "bytes32",
}


def _msgpack(obj: Any) -> bytes:
    try:
        import msgpack
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise AuthError(f"{_MISSING_EXTRA} (msgpack is missing)") from exc
    try:
        packed: bytes = msgpack.packb(obj)
    except (TypeError, ValueError, OverflowError) as exc:
        raise AuthError(f"Hyperliquid: action cannot be msgpack-encoded ({exc})") from None
    return packed


def action_hash(
    action: Mapping[str, Any],
    vault_address: str | None,
    nonce: int,
    expires_after: int | None = None,
) -> bytes:
    """Return the L1 connectionId: keccak256 over msgpack(action), nonce, vault, expiry."""
    data = _msgpack(action) + _u64(nonce, "nonce")
    if vault_address is None:
        data += b"\x00"
    else:
        data += b"\x01" + _address_bytes(vault_address, "vaultAddress")
    if expires_after is not None:
        data += b"\x00" + _u64(expires_after, "expiresAfter")
    return keccak256(data)


def l1_digest(
    action: Mapping[str, Any],
    vault_address: str | None,
    nonce: int,
    *,
    mainnet: bool,
    expires_after: int | None = None,
) -> bytes:
    """Return the EIP-712 digest an L1 action is signed over (phantom ``Agent``)."""
    agent = {
        "source": "a" if mainnet else "b",
        "connectionId": action_hash(action, vault_address, nonce, expires_after),
    }
    domain = domain_separator("Exchange", "1", 1337, _ZERO_ADDRESS)
    return typed_data_digest(domain, hash_struct("Agent", _AGENT_FIELDS, agent))


def user_signed_digest(action: Mapping[str, Any]) -> bytes:
    """Return the EIP-712 digest of a user-signed action (one with ``hyperliquidChain``)."""
    action_type = action.get("type")
    if not isinstance(action_type, str) or not action_type:
        raise AuthError("Hyperliquid: a user-signed action needs a string 'type'")
    primary = (
        "HyperliquidTransaction:" + action_type[:1].upper() + action_type[1:].rstrip("0123456789")
    )
    names = ["hyperliquidChain"] + [
        k for k in action if k not in ("type", "signatureChainId", "hyperliquidChain")
    ]
    fields = [(name, _field_type(name, action[name])) for name in names]
    chain_id = _chain_id(action.get("signatureChainId", DEFAULT_SIGNATURE_CHAIN_ID))
    domain = domain_separator("HyperliquidSignTransaction", "1", chain_id, _ZERO_ADDRESS)
    return typed_data_digest(domain, hash_struct(primary, fields, action))


def sign_digest(private_key_hex: str, digest: bytes) -> dict[str, Any]:
    """Sign a 32-byte digest; return ``{"r", "s", "v"}`` as the official SDK renders them.

    ``r`` and ``s`` are ``hex()`` strings (leading zeros dropped), ``v`` is
    27 + recovery id. RFC 6979 deterministic, low-s canonical (libsecp256k1).
    """
    try:
        import coincurve
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise AuthError(f"{_MISSING_EXTRA} (coincurve is missing)") from exc
    try:
        key = coincurve.PrivateKey(_private_key_bytes(private_key_hex))
    except ValueError:
        raise AuthError("Hyperliquid: the private key is not a valid secp256k1 key") from None
    signature: bytes = key.sign_recoverable(digest, hasher=None)
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    return {"r": hex(r), "s": hex(s), "v": 27 + signature[64]}


def is_exempt(request: SignRequest) -> bool:
    """Return True for requests that are not signed (every path but ``/exchange``)."""
    return not request.url.path.startswith("/exchange")


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a Hyperliquid ``/exchange`` request (pure; ``now`` is epoch seconds)."""
    payload = _payload(request)
    if "signature" in payload:
        body = request.body or encode_json(payload)
        return SignedRequest(request.url, {"Content-Type": "application/json"}, body)
    action = payload.get("action")
    if not isinstance(action, Mapping):
        raise AuthError(
            f"Hyperliquid: {request.url.path} needs data={{'action': {{...}}}}; no action found"
        )
    if "hyperliquidChain" in action:
        if "signatureChainId" not in action:
            action = {**action, "signatureChainId": DEFAULT_SIGNATURE_CHAIN_ID}
        # The outer nonce must equal the action's own nonce/time field.
        default_nonce = action.get("nonce", action.get("time", _ms(now)))
        nonce = payload.get("nonce", default_nonce)
        digest = user_signed_digest(action)
    else:
        nonce = payload.get("nonce", _ms(now))
        digest = l1_digest(
            action,
            payload.get("vaultAddress"),
            _int(nonce, "nonce"),
            mainnet="testnet" not in (request.url.host or ""),
            expires_after=payload.get("expiresAfter"),
        )
    signed_payload = {**payload, "action": action, "nonce": nonce}
    signed_payload["signature"] = sign_digest(credential.key, digest)
    return SignedRequest(
        request.url, {"Content-Type": "application/json"}, encode_json(signed_payload)
    )


def _payload(request: SignRequest) -> dict[str, Any]:
    data = request.data
    if isinstance(data, Mapping):
        return dict(data)
    raw = data if isinstance(data, (str, bytes)) else request.body
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    raise AuthError(
        f"Hyperliquid: {request.url.path} needs a JSON object body such as "
        "data={'action': {...}}"
    )


def _ms(now: float) -> int:
    return round(now * 1000)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AuthError(f"Hyperliquid: {name} must be an integer")
    return value


def _u64(value: Any, name: str) -> bytes:
    number = _int(value, name)
    if not 0 <= number < 1 << 64:
        raise AuthError(f"Hyperliquid: {name} is out of the uint64 range")
    return number.to_bytes(8, "big")


def _address_bytes(address: Any, name: str) -> bytes:
    text = address[2:] if isinstance(address, str) and address[:2].lower() == "0x" else address
    try:
        raw = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 20:
        raise AuthError(f"Hyperliquid: {name} must be a 0x-prefixed 20-byte hex address")
    return raw


def _private_key_bytes(private_key_hex: str) -> bytes:
    text = private_key_hex.strip()
    text = text[2:] if text[:2].lower() == "0x" else text
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        # Never echo the key: name the entry shape instead.
        raise AuthError("Hyperliquid: the credential must be [private_key] as 32-byte hex")
    return raw


def _chain_id(value: Any) -> int:
    try:
        return int(value, 16) if isinstance(value, str) else _int(value, "signatureChainId")
    except ValueError:
        raise AuthError("Hyperliquid: signatureChainId must be a hex string like 0x66eee") from None


def _field_type(name: str, value: Any) -> str:
    known = _KNOWN_FIELD_TYPES.get(name)
    if known is not None:
        return known
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "uint64"
    if isinstance(value, str):
        return "string"
    raise AuthError(
        f"Hyperliquid: user-signed action field {name!r} has unsupported type "
        f"{type(value).__name__}"
    )


_SCHEME = "Hyperliquid: secp256k1 ECDSA over EIP-712 (L1 phantom agent / user-signed)"

HOSTS: tuple[HostAuth, ...] = (
    HostAuth("api.hyperliquid.xyz", "hyperliquid", sign, "json", _SCHEME, is_exempt),
    HostAuth(
        "api.hyperliquid-testnet.xyz", "hyperliquid_testnet", sign, "json", _SCHEME, is_exempt
    ),
)
"""Hyperliquid mainnet and testnet hosts; only ``/exchange`` is signed."""
