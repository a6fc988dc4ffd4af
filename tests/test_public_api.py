"""The pybotters 1.x top-level surface is importable as ``import pybotters_like as pybotters``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pybotters_like as pybotters


@pytest.mark.parametrize("name", sorted(set(pybotters.__all__) - {"__version__"}))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(pybotters, name) is not None


def test_submodules_are_attributes_like_pybotters() -> None:
    assert pybotters.store.DataStore is pybotters.DataStore
    assert pybotters.models.bybit.BybitDataStore is pybotters.BybitDataStore


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = pybotters.no_such_name


def test_import_is_lazy() -> None:
    code = "import sys, pybotters_like; print(sorted(m for m in sys.modules if 'aiohttp' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "aiohttp" not in out.stdout
