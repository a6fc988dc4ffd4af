"""Loading, validating and redacting API credentials (``apis``).

Owns where credentials come from and what shape they must have. Precedence:
the ``apis`` argument (a dict, or a path to a JSON file) > ``./apis.json`` >
the file named by the ``PYBOTTERS_APIS`` environment variable > nothing.

Nothing here performs I/O after loading, and no message, log line or ``repr``
ever contains a key, secret or passphrase: only entry names and file paths.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Union

from pybotters_like.auth.types import Credential
from pybotters_like.errors import CredentialsFileError, CredentialsFormatError
from pybotters_like.exchanges.catalog import CREDENTIAL_SPECS

__all__ = ["ENV_VAR", "ApisArgument", "Credentials", "load_apis"]

logger = logging.getLogger(__name__)

ENV_VAR = "PYBOTTERS_APIS"
"""Environment variable naming a credentials file (lowest precedence)."""

ApisArgument = Union[Mapping[str, Any], str, "os.PathLike[str]", None]
"""What ``Client(apis=...)`` accepts."""


class Credentials(Mapping[str, Credential]):
    """A read-only mapping of ``apis`` entry name -> :class:`Credential`.

    ``repr()`` lists entry names only. ``source`` says where they came from.
    """

    __slots__ = ("_entries", "source")

    def __init__(self, entries: Mapping[str, Credential], source: str = "argument") -> None:
        self._entries = dict(entries)
        self.source = source

    def __getitem__(self, name: str) -> Credential:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Credentials(names={sorted(self._entries)!r}, source={self.source!r})"

    __str__ = __repr__


def load_apis(
    apis: ApisArgument = None,
    *,
    cwd: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Load and validate credentials following pybotters' precedence.

    Args:
        apis: A dict ``{name: [key, secret(, passphrase)] | [private_key]}``, or a
            path to a JSON file holding one. ``None`` falls back to
            ``./apis.json``, then to the file named by ``$PYBOTTERS_APIS``.
        cwd: Directory in which to look for ``apis.json`` (default: the process cwd).
        environ: Environment to read ``PYBOTTERS_APIS`` from (default: ``os.environ``).

    Raises:
        CredentialsFileError: A named file does not exist, cannot be read, or is
            not valid JSON (the message gives the file and line/column only).
        CredentialsFormatError: An entry is not a list of 1-3 non-empty strings,
            or has the wrong number of elements for its exchange.

    An entry for an exchange that needs a passphrase (OKX incl. ``okx_demo``,
    Bitget, KuCoin, OKJ) given without one is skipped with a warning, as in
    pybotters.
    """
    if apis is not None:
        if isinstance(apis, Mapping):
            return _validate(apis, source="argument")
        if isinstance(apis, (str, os.PathLike)):
            path = Path(apis)
            return _validate(_read_json_file(path, origin="apis argument"), source=str(path))
        raise CredentialsFormatError(
            f"apis must be a dict or a path to a JSON file, got {type(apis).__name__}"
        )
    default = Path(cwd if cwd is not None else os.getcwd()) / "apis.json"
    if default.is_file():
        return _validate(_read_json_file(default, origin="./apis.json"), source=str(default))
    env = os.environ if environ is None else environ
    env_path = env.get(ENV_VAR)
    if env_path:
        path = Path(env_path)
        return _validate(_read_json_file(path, origin=f"${ENV_VAR}"), source=str(path))
    return Credentials({}, source="none")


def _read_json_file(path: Path, *, origin: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CredentialsFileError(
            f"credentials file {path} (from {origin}) does not exist"
        ) from None
    except OSError as exc:
        raise CredentialsFileError(
            f"credentials file {path} (from {origin}) cannot be read: {exc.strerror}"
        ) from None
    except UnicodeDecodeError:
        raise CredentialsFileError(
            f"credentials file {path} (from {origin}) is not UTF-8 text"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # exc.msg/lineno/colno describe the position only; the document (which
        # holds secrets) is deliberately dropped: no chaining, no excerpt.
        raise CredentialsFileError(
            f"credentials file {path} (from {origin}) is not valid JSON: "
            f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def _validate(raw: Any, *, source: str) -> Credentials:
    if not isinstance(raw, Mapping):
        raise CredentialsFormatError(
            f"credentials from {source} must be a JSON object of name -> list, "
            f"got {type(raw).__name__}"
        )
    entries: dict[str, Credential] = {}
    for name, value in raw.items():
        if not isinstance(name, str):
            raise CredentialsFormatError(f"credentials from {source}: entry names must be strings")
        credential = _parse_entry(name, value, source)
        if credential is not None:
            entries[name] = credential
    return Credentials(entries, source=source)


def _parse_entry(name: str, value: Any, source: str) -> Credential | None:
    where = f"credentials entry {name!r} (from {source})"
    if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= 3:
        raise CredentialsFormatError(
            f"{where} must be a list of 1-3 strings: [key, secret], "
            "[key, secret, passphrase] or [private_key]"
        )
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise CredentialsFormatError(
                f"{where}: element {index} must be a string, got {type(item).__name__}"
            )
        if not item:
            raise CredentialsFormatError(f"{where}: element {index} is empty")
    spec = CREDENTIAL_SPECS.get(name)
    if spec is not None:
        if spec.shape == "private_key" and len(value) != 1:
            raise CredentialsFormatError(
                f"{where}: {spec.exchange} takes [private_key], got {len(value)} elements"
            )
        if spec.shape != "private_key" and len(value) == 1:
            raise CredentialsFormatError(
                f"{where}: {spec.exchange} takes [key, secret"
                f"{', passphrase' if spec.shape == 'key_secret_passphrase' else ''}], "
                "got 1 element"
            )
        if spec.shape == "key_secret_passphrase" and len(value) == 2:
            logger.warning(
                "credentials entry %r (from %s): %s needs a passphrase "
                "([key, secret, passphrase]); the entry is not used",
                name,
                source,
                spec.exchange,
            )
            return None
    if len(value) == 1:
        return Credential(name=name, key=value[0])
    passphrase = value[2] if len(value) == 3 else ""
    return Credential(name=name, key=value[0], secret=value[1].encode(), passphrase=passphrase)
