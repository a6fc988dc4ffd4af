"""EIP-712 hashing: Keccak-256 (not SHA3), the EIP's own domain-separator example."""

from __future__ import annotations

import pytest

from pybotters_like.errors import AuthError
from pybotters_like.exchanges.hyperliquid.eip712 import (
    domain_separator,
    encode_type,
    encode_value,
    hash_struct,
    keccak256,
)


def test_keccak256_is_not_sha3() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


def test_domain_separator_of_the_eip712_mail_example() -> None:
    # EIP-712's reference example: domain "Ether Mail", version 1, chainId 1.
    separator = domain_separator("Ether Mail", "1", 1, "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC")
    assert separator.hex() == "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f"


def test_encode_type() -> None:
    fields = [("hyperliquidChain", "string"), ("time", "uint64")]
    assert encode_type("HyperliquidTransaction:Withdraw", fields) == (
        "HyperliquidTransaction:Withdraw(string hyperliquidChain,uint64 time)"
    )


def test_atomic_encodings() -> None:
    assert encode_value("bool", True) == bytes(31) + b"\x01"
    assert encode_value("uint64", 258) == bytes(30) + b"\x01\x02"
    assert encode_value("int8", -1) == b"\xff" * 32
    assert encode_value("address", "0x" + "11" * 20) == bytes(12) + b"\x11" * 20
    assert encode_value("bytes32", b"\x07" * 32) == b"\x07" * 32
    assert encode_value("bytes1", "0xab") == b"\xab" + bytes(31)
    assert encode_value("string", "a") == keccak256(b"a")
    assert encode_value("bytes", b"a") == keccak256(b"a")


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("uint64", 1 << 64),
        ("uint64", -1),
        ("uint64", True),
        ("bool", 1),
        ("string", 5),
        ("address", "0x1234"),
        ("bytes32", b"short"),
        ("tuple", 1),
        ("uint7", 1),
    ],
)
def test_invalid_values_raise_auth_error(type_: str, value: object) -> None:
    with pytest.raises(AuthError):
        encode_value(type_, value, "field")


def test_missing_struct_member_is_named() -> None:
    with pytest.raises(AuthError, match="amount"):
        hash_struct("T", [("amount", "string")], {})
