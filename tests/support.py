"""Test support: loopback routing for exchange hostnames, a fixed clock, and a
recording HTTP server (all on 127.0.0.1). Import as ``from support import ...``.

Exchange hostnames such as ``api.bybit.com`` are routed to local servers by
:class:`LoopbackResolver`, so requests carry the real ``Host`` header and hit
the real signer selection.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from pybotters_like.auth.types import SignRequest
from pybotters_like.sandbox.resolver import loopback_result


class LoopbackResolver(AbstractResolver):
    """Resolves every hostname to 127.0.0.1 (never to another address)."""

    def __init__(self) -> None:
        self.looked_up: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.looked_up.append(host)
        return loopback_result(host, port)

    async def close(self) -> None:
        return None


def loopback_connector() -> aiohttp.TCPConnector:
    """A connector whose DNS sends every hostname to 127.0.0.1 (call inside a loop)."""
    return aiohttp.TCPConnector(resolver=LoopbackResolver(), use_dns_cache=False)


class FixedClock:
    """An injectable clock: returns ``now`` (Unix seconds) until changed."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class RecordedRequest:
    """What the server received, byte for byte."""

    method: str
    host: str
    raw_path: str
    raw_query_string: str
    headers: dict[str, str]
    body: bytes

    @property
    def raw_path_qs(self) -> str:
        return (
            f"{self.raw_path}?{self.raw_query_string}" if self.raw_query_string else self.raw_path
        )


@dataclass
class RecordingServer:
    """A catch-all HTTP server on 127.0.0.1 that records every request.

    ``reply`` decides the response; by default it answers ``{"ok": true}``. A
    test can install a verifier that inspects the request and returns a response.
    """

    server: TestServer
    requests: list[RecordedRequest] = field(default_factory=list)
    reply: Callable[[RecordedRequest], web.StreamResponse] | None = None

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    def url(self, host: str, path: str = "", scheme: str = "http") -> str:
        """``scheme://host:port/path`` for a hostname routed to this server."""
        return f"{scheme}://{host}:{self.port}{path}"

    @property
    def last(self) -> RecordedRequest:
        return self.requests[-1]


def json_reply(payload: Any, status: int = 200) -> web.Response:
    """Helper for ``RecordingServer.reply`` implementations."""
    return web.json_response(payload, status=status)


def sign_request(
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    data: object = None,
    *,
    encoded: bool = True,
) -> SignRequest:
    """A :class:`SignRequest` as the client builds it, for signer unit tests.

    ``encoded=True`` keeps the URL's percent-encoding exactly as written (vectors);
    ``encoded=False`` lets yarl quote it, as ``Client`` does for a plain str URL.
    """
    return SignRequest(
        method,
        URL(url, encoded=encoded),
        CIMultiDictProxy(CIMultiDict(headers or {})),
        body,
        data,
    )
