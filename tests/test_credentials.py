"""Credentials loading: precedence, validation errors, passphrase rule, redaction."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pybotters_like.credentials import ENV_VAR, load_apis
from pybotters_like.errors import CredentialsFileError, CredentialsFormatError

SECRET = "s3cr3t-VALUE-never-printed"


def write(path: Path, payload: object) -> Path:
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_dict_argument_is_used_as_given(tmp_path: Path) -> None:
    creds = load_apis({"bybit": ["KEY", SECRET]}, cwd=tmp_path, environ={})
    assert creds["bybit"].key == "KEY"
    assert creds["bybit"].secret == SECRET.encode()
    assert creds["bybit"].passphrase == ""


def test_path_argument_str_and_pathlike(tmp_path: Path) -> None:
    f = write(tmp_path / "mine.json", {"bitflyer": ["K", SECRET]})
    assert list(load_apis(str(f), cwd=tmp_path, environ={})) == ["bitflyer"]
    assert list(load_apis(f, cwd=tmp_path, environ={})) == ["bitflyer"]


def test_argument_beats_apis_json_beats_env(tmp_path: Path) -> None:
    write(tmp_path / "apis.json", {"bitbank": ["K", SECRET]})
    env_file = write(tmp_path / "env.json", {"gmocoin": ["K", SECRET]})
    environ = {ENV_VAR: str(env_file)}
    assert list(load_apis({"bybit": ["K", SECRET]}, cwd=tmp_path, environ=environ)) == ["bybit"]
    assert list(load_apis(None, cwd=tmp_path, environ=environ)) == ["bitbank"]
    (tmp_path / "apis.json").unlink()
    assert list(load_apis(None, cwd=tmp_path, environ=environ)) == ["gmocoin"]
    assert list(load_apis(None, cwd=tmp_path, environ={})) == []


def test_apis_json_in_process_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "apis.json", {"coincheck": ["K", SECRET]})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert list(load_apis()) == ["coincheck"]


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(CredentialsFileError, match=r"nope\.json.*does not exist"):
        load_apis(missing, cwd=tmp_path, environ={})


def test_env_var_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CredentialsFileError, match=r"PYBOTTERS_APIS"):
        load_apis(None, cwd=tmp_path, environ={ENV_VAR: str(tmp_path / "gone.json")})


def test_invalid_json_names_file_and_position_but_not_content(tmp_path: Path) -> None:
    bad = tmp_path / "apis.json"
    bad.write_text('{\n  "bybit": ["KEY", "' + SECRET + '"],\n  oops\n}', encoding="utf-8")
    with pytest.raises(CredentialsFileError) as info:
        load_apis(None, cwd=tmp_path, environ={})
    message = str(info.value)
    assert "apis.json" in message
    assert "line 3 column 3" in message
    assert SECRET not in message
    assert SECRET not in repr(info.value)
    # The JSONDecodeError (whose .doc holds the whole file) must not travel along.
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("KEY", "list of 1-3 strings"),
        ([], "list of 1-3 strings"),
        (["a", "b", "c", "d"], "list of 1-3 strings"),
        (["KEY", 123], "element 1 must be a string"),
        (["KEY", ""], "element 1 is empty"),
        (["only-one"], "takes [key, secret], got 1 element"),
    ],
)
def test_bad_entry_shapes_are_named(value: object, fragment: str) -> None:
    with pytest.raises(CredentialsFormatError) as info:
        load_apis({"bybit": value}, environ={})
    assert "'bybit'" in str(info.value)
    assert fragment in str(info.value)


def test_hyperliquid_takes_exactly_one_private_key() -> None:
    creds = load_apis({"hyperliquid": ["0xabc"]}, environ={})
    assert creds["hyperliquid"].key == "0xabc"
    with pytest.raises(CredentialsFormatError, match="takes \\[private_key\\]"):
        load_apis({"hyperliquid": ["0xabc", SECRET]}, environ={})


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    f = write(tmp_path / "list.json", [["KEY", SECRET]])
    with pytest.raises(CredentialsFormatError, match="JSON object"):
        load_apis(f, environ={})


def test_unknown_names_are_kept_for_user_signers() -> None:
    creds = load_apis({"myexchange": ["K", SECRET]}, environ={})
    assert creds["myexchange"].key == "K"


@pytest.mark.parametrize("name", ["okx", "okx_demo", "bitget", "kucoin", "okj"])
def test_missing_passphrase_warns_and_drops_entry(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="pybotters_like.credentials"):
        creds = load_apis({name: ["KEY", SECRET], "bybit": ["KEY", SECRET]}, environ={})
    assert name not in creds
    assert "bybit" in creds
    assert any(name in r.getMessage() and "passphrase" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text


def test_passphrase_kept_when_given() -> None:
    creds = load_apis({"okx": ["KEY", SECRET, "PASS"]}, environ={})
    assert creds["okx"].passphrase == "PASS"


def test_repr_shows_names_only() -> None:
    creds = load_apis({"okx": ["KEY-ID", SECRET, "PASSPHRASE-X"]}, environ={})
    for text in (repr(creds), str(creds), repr(creds["okx"]), str(creds["okx"])):
        assert "okx" in text
        assert SECRET not in text
        assert "KEY-ID" not in text
        assert "PASSPHRASE-X" not in text
