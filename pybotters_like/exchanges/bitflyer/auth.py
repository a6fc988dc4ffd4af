"""bitflyer REST signing (to be written)."""

from __future__ import annotations

from pybotters_like.auth.types import HostAuth

HOSTS: tuple[HostAuth, ...] = ()
