"""JSON decoding of received frames: orjson when installed, with ``json.loads`` results.

Owns the choice of parser for ``hdlr_json``. :func:`loads` returns exactly what
:func:`json.loads` returns for the same payload (``str`` or UTF-8 ``bytes``),
and raises :class:`ValueError` where it raises; when ``orjson`` is importable
(``pip install pybotters-like[speed]``) it is about twice as fast on exchange
frames. Knows no exchange and no socket.

Where the two parsers differ, :func:`json.loads` decides:

* orjson parses integers outside ``[-2**63, 2**64 - 1]`` as ``float``
  (silently losing digits); payloads that may hold such a number (a run of 20
  digits or ``-``, anywhere in the bytes) go to ``json.loads``. False
  positives (long digit runs inside strings) only cost speed.
* orjson rejects ``NaN``, ``Infinity``, lone surrogates (``"\\ud800"``),
  numbers that overflow a double, nesting beyond 1024 and non-UTF-8 input,
  all of which ``json.loads`` accepts (UTF-16/32 ``bytes`` included); a
  payload orjson rejects is parsed again by ``json.loads``, so it is accepted
  or rejected exactly as before (the error is ``json.loads``'s).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["ORJSON", "Loads", "loads", "stdlib_loads"]

Loads = Callable[[str | bytes], Any]
"""A JSON parser: ``loads(payload) -> object``; raises :class:`ValueError` on bad input."""

stdlib_loads: Loads = json.loads

# Digits and "-" map to "0", everything else to " ": a possibly unsafe integer
# (20 digits, or "-" and 19 digits) is then one substring search; both steps
# run in C over the whole frame (about a third of orjson's own time).
_DIGIT_RUNS = bytes(0x30 if 0x30 <= b <= 0x39 or b == 0x2D else 0x20 for b in range(256))
_UNSAFE_RUN = b"0" * 20
_SHORTEST_UNSAFE = len(_UNSAFE_RUN)

try:
    from orjson import loads as _fast  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the environment
    _fast = None  # type: ignore[assignment, unused-ignore]

ORJSON: bool = _fast is not None
"""True when orjson is installed and :func:`loads` uses it."""


def _orjson_loads(data: str | bytes) -> Any:
    if type(data) is bytes:
        raw = data
    else:
        try:
            raw = data.encode()  # type: ignore[union-attr]
        except (AttributeError, UnicodeError):  # bytearray, lone surrogate characters
            return json.loads(data)
    if len(raw) >= _SHORTEST_UNSAFE and _UNSAFE_RUN in raw.translate(_DIGIT_RUNS):
        return json.loads(data)
    try:
        return _fast(raw)
    except ValueError:
        return json.loads(data)


loads: Loads = _orjson_loads if ORJSON else json.loads
