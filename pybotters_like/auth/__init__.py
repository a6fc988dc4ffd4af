"""Request authentication: credential types, pure signers and the host registry.

Signers are pure functions ``(SignRequest, Credential, now) -> SignedRequest``;
this package never performs I/O and never imports aiohttp.
"""

from pybotters_like.auth.registry import lookup, register_signer, registered_hosts
from pybotters_like.auth.types import (
    BodyFormat,
    Credential,
    HostAuth,
    SignedRequest,
    Signer,
    SignRequest,
)

__all__ = [
    "BodyFormat",
    "Credential",
    "HostAuth",
    "SignRequest",
    "SignedRequest",
    "Signer",
    "lookup",
    "register_signer",
    "registered_hosts",
]
