"""The HMAC fast path must equal the standard library's HMAC for every key length."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from pybotters_like.auth.primitives import (
    hmac_sha256,
    hmac_sha256_b64,
    hmac_sha256_hex,
    iso8601_ms,
    ms,
)


@given(secret=st.binary(min_size=0, max_size=200), message=st.binary(max_size=300))
def test_hmac_matches_stdlib(secret: bytes, message: bytes) -> None:
    expected = hmac.new(secret, message, hashlib.sha256)
    assert hmac_sha256(secret, message) == expected.digest()
    assert hmac_sha256_hex(secret, message) == expected.hexdigest()
    assert hmac_sha256_b64(secret, message) == base64.b64encode(expected.digest()).decode()
    # a second call (cached pads) gives the same answer
    assert hmac_sha256(secret, message) == expected.digest()


def test_rfc4231_case_2() -> None:
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    assert hmac_sha256_hex(b"Jefe", "what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_timestamps() -> None:
    assert ms(1499827319.559) == "1499827319559"
    assert iso8601_ms(2085848896.0) == "2036-02-05T18:28:16.000Z"
