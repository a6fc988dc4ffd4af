"""pybotters_like.ws.jsondecode: the same results and errors as json.loads, faster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pybotters_like.ws import jsondecode
from pybotters_like.ws.jsondecode import loads


def outcome(parse: Any, payload: str | bytes) -> tuple[str, str]:
    """What a parser makes of ``payload``: ("ok", repr of the value) or the error type."""
    try:
        return "ok", repr(parse(payload))
    except (ValueError, RecursionError) as exc:
        return "error", type(exc).__name__


EDGE_CASES = [
    '{"topic": "orderbook.50.BTCUSDT", "data": {"b": [["65000.5", "0.1"]]}, "ts": 1}',
    "123456789012345678901234567890",  # beyond 64 bits: orjson would give a float
    "-9223372036854775809",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    '{"wei": 1000000000000000000000, "n": -99999999999999999999}',
    '{"ts_ns": 1712345678901234567}',  # 19 digits: orjson is exact
    "NaN",
    "[Infinity, -Infinity]",
    "1e400",
    '"\\ud800"',  # lone surrogate escape
    '{"a": 1, "a": 2}',
    "  [1.0, 0.1, 1e-7]\n",
    "[" * 2000 + "]" * 2000,  # deeper than orjson allows (and than json.loads)
    "[" * 900 + "]" * 900,  # deep, within both limits
    "ping",
    "not json{",
    "",
    "\ufeff{}",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_same_outcome_as_json_loads_for_str_and_bytes(text: str) -> None:
    assert outcome(loads, text) == outcome(json.loads, text)
    data = text.encode()
    assert outcome(loads, data) == outcome(json.loads, data)


@pytest.mark.parametrize(
    "data",
    [
        b'"\xff"',  # not UTF-8
        '{"a": "é"}'.encode("utf-16"),  # json.loads detects UTF-16/32 bytes
        '"\ud800"'.encode("utf-8", "surrogatepass"),
    ],
)
def test_same_outcome_for_unusual_bytes(data: bytes) -> None:
    assert outcome(loads, data) == outcome(json.loads, data)


def test_lone_surrogate_characters_in_str() -> None:
    text = '["\ud800"]'
    assert outcome(loads, text) == outcome(json.loads, text)


def test_big_integers_stay_exact() -> None:
    assert loads(b'{"v": 123456789012345678901234567890}') == {"v": 123456789012345678901234567890}
    assert isinstance(loads(b"[-18446744073709551617]")[0], int)


def test_errors_are_value_errors() -> None:
    with pytest.raises(json.JSONDecodeError, match="property name"):
        loads(b"{oops")
    with pytest.raises(json.JSONDecodeError, match="property name"):
        loads("{oops")


def test_uses_orjson_when_installed() -> None:
    try:
        import orjson  # noqa: F401
    except ImportError:
        assert not jsondecode.ORJSON
        assert loads is json.loads
    else:
        assert jsondecode.ORJSON
        assert loads is not json.loads


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@given(json_values, st.booleans())
def test_any_json_document_parses_like_json_loads(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert outcome(loads, text) == outcome(json.loads, text)
    assert outcome(loads, text.encode("utf-8", "surrogatepass")) == outcome(
        json.loads, text.encode("utf-8", "surrogatepass")
    )
