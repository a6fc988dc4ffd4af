"""Encoding of ``data=`` bodies into the exact bytes that are sent and signed.

Owns the JSON and form encodings. The signature always covers these bytes, so
there is exactly one place that turns a dict into a body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from pybotters_like.auth.types import BodyFormat
from pybotters_like.errors import UnsignableBodyError

__all__ = ["CONTENT_TYPES", "encode_body", "encode_form", "encode_json", "unsignable_body"]

CONTENT_TYPES: dict[BodyFormat, str] = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
}


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode_json(data: Any) -> bytes:
    """Encode ``data`` as compact UTF-8 JSON (no spaces after separators)."""
    return _COMPACT_JSON.encode(data).encode()


def encode_form(data: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> bytes:
    """Encode ``data`` as an ``application/x-www-form-urlencoded`` body."""
    items = data.items() if isinstance(data, Mapping) else data
    return urlencode([(str(k), _form_value(v)) for k, v in items]).encode()


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def encode_body(data: object, body_format: BodyFormat, host: str) -> bytes:
    """Turn a caller's ``data`` into body bytes for a host using ``body_format``.

    ``None`` gives ``b""``; ``str`` and ``bytes`` are sent as given; dicts and
    lists are encoded as JSON or form. Anything else (streams, ``FormData``)
    cannot be covered by a signature and raises :class:`UnsignableBodyError`.
    """
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode()
    if isinstance(data, (dict, list, tuple)):
        if body_format == "json":
            return encode_json(data)
        return encode_form(data)
    raise unsignable_body(data, host)


def unsignable_body(data: object, host: str) -> UnsignableBodyError:
    """The error for a body type no signature can cover (names the type and host)."""
    return UnsignableBodyError(
        f"cannot sign a request body of type {type(data).__name__} for host {host}; "
        "pass a dict, list, str or bytes, or auth=None"
    )
