"""docs/exchanges.md must list exactly the built-in signing hosts, with the right
credential name and passphrase requirement (so the page cannot drift)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from pybotters_like.auth.registry import lookup
from pybotters_like.exchanges.catalog import AUTH_MODULES, CREDENTIAL_SPECS

PAGE = Path(__file__).resolve().parents[1] / "docs" / "exchanges.md"
ROW = re.compile(
    r"^\| `(?P<host>[^`]+)` \| (?P<exchange>[^|]+) \| (?P<name>.+?) \| .* \| (?P<pp>yes|no) \|$"
)


def documented_rows() -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match["host"] not in rows, f"{match['host']} listed twice"
            rows[match["host"]] = (match["name"], match["pp"])
    return rows


def test_every_builtin_host_is_documented_correctly() -> None:
    rows = documented_rows()
    builtin = [entry for module in AUTH_MODULES for entry in importlib.import_module(module).HOSTS]
    assert {entry.host for entry in builtin} == set(rows)
    for entry in builtin:
        assert lookup(entry.host) is entry
        name_cell, passphrase = rows[entry.host]
        names = re.findall(r"`([a-z_]+)`", name_cell)
        if isinstance(entry.credential, str):
            assert names == [entry.credential], entry.host
        for name in names:
            needs = CREDENTIAL_SPECS[name].shape == "key_secret_passphrase"
            assert passphrase == ("yes" if needs else "no"), entry.host


def test_every_credential_name_is_in_the_example_file() -> None:
    import json

    example = json.loads((PAGE.parents[1] / "apis.example.json").read_text(encoding="utf-8"))
    assert set(example) == set(CREDENTIAL_SPECS)
    for name, value in example.items():
        expected = {"key_secret": 2, "key_secret_passphrase": 3, "private_key": 1}
        assert len(value) == expected[CREDENTIAL_SPECS[name].shape], name
