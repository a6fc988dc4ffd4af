"""A resolver that sends only the sandbox's hostnames to 127.0.0.1.

Owns name resolution for clients of the sandbox: listed names (for example
``api.bybit.com``) resolve to the loopback address, and every other name is
refused, so a misconfigured test can never reach a real exchange.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable

from aiohttp.abc import AbstractResolver, ResolveResult

__all__ = ["SandboxResolver", "loopback_result"]


def loopback_result(host: str, port: int) -> list[ResolveResult]:
    """The resolver answer sending ``host`` to 127.0.0.1 (and to nothing else)."""
    return [
        ResolveResult(
            hostname=host,
            host="127.0.0.1",
            port=port,
            family=socket.AF_INET,
            proto=0,
            flags=socket.AI_NUMERICHOST,
        )
    ]


class SandboxResolver(AbstractResolver):
    """Resolve ``hostnames`` to 127.0.0.1; raise :class:`OSError` for any other name."""

    def __init__(self, hostnames: Iterable[str]) -> None:
        self.hostnames = frozenset(h.lower() for h in hostnames)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Loopback for a sandbox hostname; OSError otherwise."""
        if host.lower().rstrip(".") not in self.hostnames:
            raise OSError(f"sandbox resolver refuses {host!r}: not a sandbox hostname")
        return loopback_result(host, port)

    async def close(self) -> None:
        """Nothing to release."""
