"""The HTTP client: an ``aiohttp.ClientSession`` plus automatic per-host signing.

Owns the pybotters 1.x ``Client`` surface (``fetch``, ``request``, ``get``,
``post``, ``put``, ``delete``, ``close``, async context manager) and the
request pipeline: join ``base_url``, merge ``params``, encode ``data`` the way
the target host expects, sign with the host's pure signer, and hand exact
bytes to aiohttp. Exchange knowledge stays in :mod:`pybotters_like.exchanges`;
this module only asks the registry.

Later layers (retries, rate limits, caching) plug in as aiohttp client
middlewares: pass ``middlewares=[...]`` to ``Client`` and they wrap every
request, including each redirect hop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import aiohttp
from aiohttp.client import _RequestContextManager
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from pybotters_like import __version__
from pybotters_like.auth.body import CONTENT_TYPES, encode_body, unsignable_body
from pybotters_like.auth.primitives import system_clock
from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import HostAuth, SignRequest
from pybotters_like.credentials import ApisArgument, Credentials, load_apis
from pybotters_like.errors import UnsafeRedirectError

if TYPE_CHECKING:
    from pybotters_like.ws import WebSocketApp

__all__ = ["DEFAULT_USER_AGENT", "Auth", "Client", "FetchResult", "NotJSONContent"]

DEFAULT_USER_AGENT: Final = f"pybotters-like/{__version__}"
"""The ``User-Agent`` sent unless the caller sets one."""


class _AuthDefault:
    """Marker type of :data:`Auth`: sign when the host and credentials allow it."""

    _instance: _AuthDefault | None = None

    def __new__(cls) -> _AuthDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "Auth"


Auth: Final = _AuthDefault()
"""Default value of ``auth=``: sign automatically. Pass ``auth=None`` to disable."""


@dataclass(frozen=True, slots=True)
class NotJSONContent:
    """Stands in for ``FetchResult.data`` when the body is not JSON. Always falsy."""

    error: json.JSONDecodeError

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The result of :meth:`Client.fetch`: the response, its text and parsed JSON.

    ``data`` is the decoded JSON, or a falsy :class:`NotJSONContent`.
    """

    response: aiohttp.ClientResponse
    text: str
    data: Any


_BODYLESS_METHODS: Final = frozenset({"GET", "HEAD"})


class _StripOnCrossOriginRedirect:
    """Per-request middleware: drops signer-added headers once a redirect leaves
    the origin that was signed, so credentials never reach another host.

    When the signer also changed the body (a signature or key inside it), a redirect
    that would carry that body to another origin is refused with
    :class:`~pybotters_like.errors.UnsafeRedirectError` before anything is sent
    (aiohttp re-sends the body on 307/308, and on 301/302 of anything but POST).

    The first hop is the signed request itself and passes straight through;
    only redirect hops (rare) pay for the origin comparison.
    """

    __slots__ = ("_body_is_signed", "_header_names", "_hops", "_signed_url")

    def __init__(self, signed_url: URL, header_names: Sequence[str], body_is_signed: bool) -> None:
        self._signed_url = signed_url
        self._header_names = header_names
        self._body_is_signed = body_is_signed
        self._hops = 0

    async def __call__(
        self, request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        self._hops += 1
        if self._hops > 1 and request.url.origin() != self._signed_url.origin():
            if self._body_is_signed and request.method not in _BODYLESS_METHODS:
                raise UnsafeRedirectError(
                    f"{request.method} to {self._signed_url.origin()} was redirected to "
                    f"{request.url.origin()}; following it would re-send the signed body "
                    "there, so the redirect was not followed"
                )
            for name in self._header_names:
                request.headers.popall(name, None)
        return await handler(request)


class Client:
    """An HTTP client that signs requests for known exchanges automatically.

    Args:
        apis: Credentials: a dict ``{name: [key, secret(, passphrase)]}``, a path
            to a JSON file, or ``None`` to read ``./apis.json`` or the file named
            by ``$PYBOTTERS_APIS``.
        base_url: Prefix for relative URLs (absolute URLs are used as given).
        clock: Returns the current Unix time in seconds; signers read time only
            through it (inject a fixed clock in tests).
        **kwargs: Passed to :class:`aiohttp.ClientSession` (``headers=``,
            ``timeout=``, ``connector=``, ``middlewares=`` ...).

    Example:
        >>> async def main() -> None:
        ...     async with Client(apis={"bybit": ["KEY", "SECRET"]},
        ...                       base_url="https://api.bybit.com") as client:
        ...         r = await client.fetch("GET", "/v5/market/time", auth=None)
        ...         print(r.data)
    """

    def __init__(
        self,
        apis: ApisArgument = None,
        base_url: str = "",
        *,
        clock: Callable[[], float] = system_clock,
        **kwargs: Any,
    ) -> None:
        self._credentials: Credentials = load_apis(apis)
        self._base_url = base_url
        self._clock = clock
        headers = CIMultiDict(kwargs.pop("headers", None) or {})
        headers.setdefault("User-Agent", DEFAULT_USER_AGENT)
        self._default_headers = CIMultiDictProxy(headers)
        self._middlewares: tuple[aiohttp.ClientMiddlewareType, ...] = tuple(
            kwargs.pop("middlewares", ()) or ()
        )
        self._session = aiohttp.ClientSession(
            headers=headers, middlewares=self._middlewares, **kwargs
        )
        self._ws_apps: list[WebSocketApp] = []

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, "
            f"apis={sorted(self._credentials)!r}, closed={self._session.closed})"
        )

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._session.closed

    async def close(self) -> None:
        """Stop every WebSocketApp started by this client, then close the session."""
        apps, self._ws_apps = self._ws_apps, []
        for app in apps:
            await app.close()
        await self._session.close()

    def request(
        self,
        method: str,
        url: str | URL,
        *,
        params: Any = None,
        data: Any = None,
        auth: Any = Auth,
        **kwargs: Any,
    ) -> _RequestContextManager:
        """Start a request; returns aiohttp's response context manager.

        ``auth=None`` sends the request unsigned; the default signs it when the
        host has a signer and ``apis`` has its credentials. ``data=dict`` is
        encoded as the host expects (JSON or form). Other kwargs go to aiohttp.
        """
        target, request_kwargs = self._prepare(method, url, params, data, auth, kwargs)
        return self._session.request(method, target, **request_kwargs)

    def get(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """``request("GET", url, **kwargs)``."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """``request("POST", url, **kwargs)``."""
        return self.request("POST", url, **kwargs)

    def put(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """``request("PUT", url, **kwargs)``."""
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """``request("DELETE", url, **kwargs)``."""
        return self.request("DELETE", url, **kwargs)

    async def fetch(
        self,
        method: str,
        url: str | URL,
        *,
        params: Any = None,
        data: Any = None,
        **kwargs: Any,
    ) -> FetchResult:
        """Send a request, read the whole body and parse it as JSON.

        Returns:
            ``FetchResult(response, text, data)``; ``data`` is a falsy
            :class:`NotJSONContent` when the body is not JSON.
        """
        async with self.request(method, url, params=params, data=data, **kwargs) as resp:
            text = await resp.text()
        try:
            parsed: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            parsed = NotJSONContent(exc)
        return FetchResult(resp, text, parsed)

    def ws_connect(
        self,
        url: str | URL,
        *,
        send_str: Any = None,
        send_bytes: Any = None,
        send_json: Any = None,
        hdlr_str: Any = None,
        hdlr_bytes: Any = None,
        hdlr_json: Any = None,
        backoff: tuple[float, float, float, float] = (1.92, 60.0, 1.618, 5.0),
        heartbeat: float | None = 10.0,
        autoping: bool = True,
        auth: Any = Auth,
        **kwargs: Any,
    ) -> WebSocketApp:
        """Start a self-reconnecting :class:`~pybotters_like.ws.WebSocketApp`.

        A plain method: ``await`` the returned app for the handshake. Exchange
        login and message signing use this client's credentials unless
        ``auth=None``. Extra keyword arguments are app options (``await_on=``,
        ``stale_after=``, ``on_disconnect=`` ...) or go to aiohttp's
        ``ws_connect`` on every dial. :meth:`close` stops the app.
        """
        from pybotters_like.ws import WebSocketApp

        kwargs.setdefault("clock", self._clock)
        app = WebSocketApp(
            self._session,
            url,
            send_str=send_str,
            send_bytes=send_bytes,
            send_json=send_json,
            hdlr_str=hdlr_str,
            hdlr_bytes=hdlr_bytes,
            hdlr_json=hdlr_json,
            backoff=backoff,
            heartbeat=heartbeat,
            autoping=autoping,
            auth=auth,
            credentials=self._credentials,
            **kwargs,
        )
        self._ws_apps = [a for a in self._ws_apps if a.state != "closed"]
        self._ws_apps.append(app)
        return app

    # -- request pipeline -------------------------------------------------------------

    def _resolve_url(self, url: str | URL, params: Any) -> URL:
        if isinstance(url, URL):
            target = url if url.absolute or not self._base_url else URL(self._base_url + str(url))
        elif self._base_url and "://" not in url:
            target = URL(self._base_url + url)
        else:
            target = URL(url)
        if params:
            target = target.extend_query(params)
        return target

    def _prepare(
        self,
        method: str,
        url: str | URL,
        params: Any,
        data: Any,
        auth: Any,
        kwargs: dict[str, Any],
    ) -> tuple[URL, dict[str, Any]]:
        method = method.upper()
        target = self._resolve_url(url, params)
        entry = lookup(target.host)
        if entry is None:
            kwargs["data"] = data
            if auth is not Auth:
                kwargs["auth"] = auth
            return target, kwargs
        if auth is not Auth and auth is not None:
            # An explicit aiohttp auth object (e.g. BasicAuth): never mix in our signing.
            kwargs["data"] = data
            kwargs["auth"] = auth
            return target, kwargs
        return self._prepare_known_host(method, target, data, auth, entry, kwargs)

    def _prepare_known_host(
        self,
        method: str,
        target: URL,
        data: Any,
        auth: Any,
        entry: HostAuth,
        kwargs: dict[str, Any],
    ) -> tuple[URL, dict[str, Any]]:
        caller_headers = kwargs.get("headers")
        # Signers see session defaults + the caller's headers (e.g. a session-wide
        # X-BAPI-RECV-WINDOW must be covered by the signature).
        if caller_headers:
            merged = CIMultiDict(self._default_headers)
            merged.update(caller_headers)
            headers = CIMultiDictProxy(merged)
        else:
            headers = self._default_headers
        structured = isinstance(data, (dict, list, tuple))
        encodable = data is None or structured or isinstance(data, (str, bytes))
        # FormData, streams...: cannot be signed, but may still be sent unsigned.
        body = encode_body(data, entry.body_format, entry.host) if encodable else b""
        request = SignRequest(method, target, headers, body, data)
        credential = None
        if auth is Auth:
            name = entry.credential_name(request)
            credential = self._credentials.get(name)
        if credential is None or (entry.exempt is not None and entry.exempt(request)):
            return target, self._unsigned_kwargs(entry, data, body, structured, kwargs)
        if not encodable:
            raise unsignable_body(data, entry.host)
        signed = entry.signer(request, credential, self._clock())
        out_headers = CIMultiDict(caller_headers) if caller_headers else CIMultiDict()
        out_headers.update(signed.headers)
        if signed.body and "Content-Type" not in headers and "Content-Type" not in out_headers:
            out_headers["Content-Type"] = CONTENT_TYPES[entry.body_format]
        kwargs["headers"] = out_headers
        kwargs["data"] = signed.body
        # Per-request middlewares replace the session's (aiohttp semantics); keep that.
        chosen = kwargs.get("middlewares")
        kwargs["middlewares"] = (
            *(self._middlewares if chosen is None else chosen),
            _StripOnCrossOriginRedirect(
                signed.url, tuple(signed.headers), signed.body not in (None, body)
            ),
        )
        return signed.url, kwargs

    @staticmethod
    def _unsigned_kwargs(
        entry: HostAuth, data: Any, body: bytes, structured: bool, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        if structured:
            headers = CIMultiDict(kwargs.get("headers") or {})
            headers.setdefault("Content-Type", CONTENT_TYPES[entry.body_format])
            kwargs["headers"] = headers
            kwargs["data"] = body
        else:
            kwargs["data"] = data
        return kwargs
