"""Dialler: what one (re)connect of a WebSocketApp dials, and the dial itself.

Owns everything decided per dial from the URL: the host's hooks (looked up by
hostname every time, so a changed ``app.url`` takes effect), the log label,
the credential, signed upgrade headers merged into aiohttp's ``ws_connect``
arguments, per-host send pacers (shared across reconnects), wrapping the
socket in a :class:`~pybotters_like.ws.connection.WebSocketConnection`, and
hanging up. Knows
no exchange: the hooks registry does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from pybotters_like.auth.types import Credential
from pybotters_like.ws.connection import Pacer, WebSocketConnection
from pybotters_like.ws.hooks import WsHostHooks, lookup_ws_hooks
from pybotters_like.ws.upgrade import upgrade_headers

__all__ = ["DialTarget", "Dialler", "public_url"]


def public_url(url: URL | str) -> str:
    """The URL without query, fragment or credentials, safe for logs and events."""
    url = url if isinstance(url, URL) else URL(url)
    return str(url.with_query(None).with_fragment(None).with_user(None))


@dataclass(frozen=True, slots=True)
class DialTarget:
    """One dial's URL and what the registry says about its host."""

    url: URL
    hooks: WsHostHooks | None
    credential: Credential | None

    @property
    def label(self) -> str:
        """``exchange host/path`` (or ``host/path``) for log lines."""
        where = f"{self.url.host}{self.url.path}"
        return f"{self.hooks.exchange} {where}" if self.hooks else where

    @property
    def exchange(self) -> str:
        """The exchange name from the hooks, or the hostname."""
        return self.hooks.exchange if self.hooks else (self.url.host or "?")


class Dialler:
    """Dials for one app.

    Args:
        session: The aiohttp session to dial with.
        ws_kwargs: Extra :meth:`aiohttp.ClientSession.ws_connect` arguments.
        heartbeat: aiohttp's protocol PING interval (None disables it).
        credentials: ``apis`` name -> :class:`Credential`.
        auth_enabled: False disables login, upgrade-header and message signing.
        clock: Unix seconds (signing timestamps, pacing).
        sleep: Awaitable sleep (pacing).
    """

    __slots__ = (
        "_auth",
        "_clock",
        "_credentials",
        "_heartbeat",
        "_kwargs",
        "_pacers",
        "_session",
        "_sleep",
    )

    def __init__(
        self,
        session: aiohttp.ClientSession,
        ws_kwargs: dict[str, Any],
        *,
        heartbeat: float | None,
        credentials: Mapping[str, Any],
        auth_enabled: bool,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[Any]],
    ) -> None:
        self._session = session
        self._kwargs = ws_kwargs
        self._heartbeat = heartbeat
        self._credentials = credentials
        self._auth = auth_enabled
        self._clock = clock
        self._sleep = sleep
        self._pacers: dict[str, Pacer] = {}

    def target(self, url: str | URL) -> DialTarget:
        """Resolve ``url``'s hooks and credential (no I/O)."""
        url = url if isinstance(url, URL) else URL(url)
        hooks = lookup_ws_hooks(url.host)
        credential = None
        if self._auth and hooks is not None and hooks.credential is not None:
            found = self._credentials.get(hooks.credential)
            credential = found if isinstance(found, Credential) else None
        return DialTarget(url, hooks, credential)

    async def dial(self, target: DialTarget) -> WebSocketConnection:
        """Open the socket (aiohttp errors propagate) and wrap it for sending."""
        raw = await self._session.ws_connect(
            target.url, autoping=False, heartbeat=self._heartbeat, **self._dial_kwargs(target.url)
        )
        hooks = target.hooks
        return WebSocketConnection(
            raw,
            target.url,
            signer=hooks.sign if hooks and self._auth else None,
            credential=target.credential,
            pacer=self._pacer_for(hooks),
            now=self._clock,
        )

    @staticmethod
    async def hang_up(conn: WebSocketConnection, timeout: float) -> None:
        """Close the socket, waiting at most ``timeout`` seconds for the closing handshake."""
        raw = conn.raw
        if raw.closed:
            return
        with contextlib.suppress(asyncio.TimeoutError, aiohttp.ClientError, OSError):
            await asyncio.wait_for(raw.close(), timeout)

    def _dial_kwargs(self, url: URL) -> dict[str, Any]:
        """aiohttp ws_connect kwargs, plus signed upgrade headers where the host wants them."""
        if not self._auth:
            return self._kwargs
        signed = upgrade_headers(url, self._credentials, self._clock())
        if not signed:
            return self._kwargs
        headers = CIMultiDict(self._kwargs.get("headers") or {})
        headers.update(signed)
        return {**self._kwargs, "headers": headers}

    def _pacer_for(self, hooks: WsHostHooks | None) -> Pacer | None:
        if hooks is None or not hooks.send_interval:
            return None
        pacer = self._pacers.get(hooks.host)
        if pacer is None:
            pacer = Pacer(hooks.send_interval, self._clock, self._sleep)
            self._pacers[hooks.host] = pacer
        return pacer
