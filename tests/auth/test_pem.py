"""Which secrets are PEM keys: the check that decides HMAC or key-pair signing."""

from __future__ import annotations

import pytest

from pybotters_like.auth.pem import is_pem


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        (b"-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----\n", True),
        (b"\n  -----BEGIN RSA PRIVATE KEY-----\nMIIE\n", True),  # pasted with a blank line
        (b"PrYiNnCnP76YzpTLvRtV9O1RBa5ecOXqrOTyXuTADCEXYoEX", False),
        (b" secret-with-a-leading-space", False),
        (b"-----", False),
        (b"", False),
    ],
)
def test_is_pem(secret: bytes, expected: bool) -> None:
    assert is_pem(secret) is expected
