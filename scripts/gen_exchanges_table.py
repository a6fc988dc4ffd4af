"""Print the Markdown table of built-in signing hosts for docs/exchanges.md.

Run: ``python scripts/gen_exchanges_table.py``; ``tests/test_docs_exchanges.py``
fails when the page and the registry disagree.
"""

from __future__ import annotations

from pybotters_like.auth.registry import registered_hosts
from pybotters_like.exchanges.catalog import AUTH_MODULES, CREDENTIAL_SPECS

SELECTOR_NAMES = {"okx": "`okx`, or `okx_demo` with header `x-simulated-trading: 1`"}


def builtin_hosts() -> list[tuple[str, str, str, str, str]]:
    """Rows (host, exchange, apis name, scheme, passphrase) of the built-in hosts."""
    import importlib

    rows = []
    table = registered_hosts()
    for module_name in AUTH_MODULES:
        for entry in importlib.import_module(module_name).HOSTS:
            assert table[entry.host] is entry
            if isinstance(entry.credential, str):
                name = entry.credential
                name_cell = f"`{name}`"
            else:
                name = module_name.split(".")[-2]
                name_cell = SELECTOR_NAMES.get(name, f"`{name}`")
            spec = CREDENTIAL_SPECS[name]
            passphrase = "yes" if spec.shape == "key_secret_passphrase" else "no"
            rows.append((entry.host, spec.exchange, name_cell, entry.scheme, passphrase))
    return rows


def main() -> None:
    print("| Host | Exchange | apis.json name | Signing scheme | Passphrase |")
    print("|---|---|---|---|---|")
    for host, exchange, name, scheme, passphrase in builtin_hosts():
        scheme = scheme.replace("|", "\\|")
        print(f"| `{host}` | {exchange} | {name} | {scheme} | {passphrase} |")


if __name__ == "__main__":
    main()
