"""Client behaviour against a real local HTTP server: URLs, bodies, signing
selection, aiohttp pass-through, redirects and redaction.

A test signer is registered through the public ``register_signer`` for
``*.client-test`` hosts; the server recomputes its HMAC independently.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import aiohttp
import pytest
from aiohttp import web
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth import Credential, SignedRequest, SignRequest, register_signer
from pybotters_like.client import DEFAULT_USER_AGENT
from pybotters_like.errors import (
    SignerRegistrationError,
    UnsafeRedirectError,
    UnsignableBodyError,
)

SECRET = "client-test-secret-value"
JSON_HOST = "json.client-test"
FORM_HOST = "form.client-test"
EXEMPT_HOST = "exempt.client-test"
BODY_HOST = "body.client-test"


def hmac_signer(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign ts + METHOD + raw path?query + body (a made-up scheme for these tests)."""
    ts = str(int(now * 1000))
    message = ts + request.method + str(request.url.raw_path_qs) + request.body.decode()
    sig = hmac.new(credential.secret, message.encode(), hashlib.sha256).hexdigest()
    return SignedRequest(
        request.url,
        {"X-TEST-KEY": credential.key, "X-TEST-TS": ts, "X-TEST-SIGN": sig},
        request.body or None,
    )


register_signer(JSON_HOST, "clienttest", hmac_signer, body_format="json", replace=True)
register_signer(FORM_HOST, "clienttest", hmac_signer, body_format="form", replace=True)


def body_signer(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Put the key and an HMAC of the body into the body (as Hyperliquid/Binance forms do)."""
    sig = hmac.new(credential.secret, request.body, hashlib.sha256).hexdigest()
    extra = f"key={credential.key}&signature={sig}".encode()
    return SignedRequest(request.url, {}, request.body + b"&" + extra if request.body else extra)


register_signer(BODY_HOST, "clienttest", body_signer, body_format="form", replace=True)
register_signer(
    EXEMPT_HOST,
    "clienttest",
    hmac_signer,
    exempt=lambda r: r.url.path.startswith("/public"),
    replace=True,
)


def expected_signature(rec: RecordedRequest) -> str:
    message = rec.headers["X-TEST-TS"] + rec.method + rec.raw_path_qs + rec.body.decode()
    return hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def make_client(**kwargs: object) -> pybotters.Client:
    return pybotters.Client(
        apis={"clienttest": ["KEY-1", SECRET]},
        connector=loopback_connector(),
        clock=FixedClock(1_700_000_000.123),
        **kwargs,  # type: ignore[arg-type]
    )


async def test_fetch_parses_json(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        r = await client.fetch("GET", recording_server.url("plain.client-test", "/x"))
    assert r.response.status == 200
    assert r.data == {"ok": True}
    assert json.loads(r.text) == {"ok": True}


async def test_fetch_non_json_gives_falsy_not_json_content(
    recording_server: RecordingServer,
) -> None:
    recording_server.reply = lambda rec: web.Response(text="<html>maintenance</html>")
    async with make_client() as client:
        r = await client.fetch("GET", recording_server.url("plain.client-test", "/"))
    assert not r.data
    assert isinstance(r.data, pybotters.NotJSONContent)
    assert isinstance(r.data.error, json.JSONDecodeError)
    assert r.text == "<html>maintenance</html>"


async def test_base_url_joins_relative_and_absolute_bypasses(
    recording_server: RecordingServer,
) -> None:
    base = recording_server.url("plain.client-test", "/api")
    async with make_client(base_url=base) as client:
        await client.fetch("GET", "/v1/time")
        await client.fetch("GET", recording_server.url("other.client-test", "/abs"))
    assert recording_server.requests[0].raw_path == "/api/v1/time"
    assert recording_server.requests[0].host == "plain.client-test"
    assert recording_server.requests[1].raw_path == "/abs"
    assert recording_server.requests[1].host == "other.client-test"


async def test_params_are_appended_to_existing_query(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        url = recording_server.url("plain.client-test", "/q?a=1")
        await client.fetch("GET", url, params={"b": "x y", "c": 3})
    assert recording_server.last.raw_query_string == "a=1&b=x+y&c=3"


async def test_default_user_agent_and_caller_override(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        await client.fetch("GET", recording_server.url("plain.client-test"))
        await client.fetch(
            "GET", recording_server.url("plain.client-test"), headers={"User-Agent": "mybot/1"}
        )
    assert recording_server.requests[0].headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("pybotters-like/")
    assert recording_server.requests[1].headers["User-Agent"] == "mybot/1"


async def test_request_helpers_use_their_methods(recording_server: RecordingServer) -> None:
    url = recording_server.url("plain.client-test", "/m")
    async with make_client() as client:
        for call in (client.get, client.post, client.put, client.delete):
            async with call(url) as resp:
                assert resp.status == 200
        async with client.request("PATCH", url) as resp:
            assert resp.status == 200
    assert [r.method for r in recording_server.requests] == [
        "GET",
        "POST",
        "PUT",
        "DELETE",
        "PATCH",
    ]


async def test_timeout_kwarg_reaches_aiohttp(aiohttp_server: object) -> None:
    never = asyncio.Event()

    async def stall(request: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    app = web.Application()
    app.router.add_get("/", stall)
    server = await aiohttp_server(app)  # type: ignore[operator]
    async with make_client() as client:
        with pytest.raises(asyncio.TimeoutError):
            await client.fetch(
                "GET",
                f"http://127.0.0.1:{server.port}/",
                timeout=aiohttp.ClientTimeout(total=0.05),
            )


async def test_session_headers_and_request_headers_are_sent(
    recording_server: RecordingServer,
) -> None:
    async with make_client(headers={"X-Session": "s"}) as client:
        await client.fetch(
            "GET", recording_server.url("plain.client-test"), headers={"X-Request": "r"}
        )
    assert recording_server.last.headers["X-Session"] == "s"
    assert recording_server.last.headers["X-Request"] == "r"


async def test_signed_json_body_covers_exact_bytes(recording_server: RecordingServer) -> None:
    payload = {"symbol": "BTCUSDT", "qty": "0.001", "note": "ü"}
    original = dict(payload)
    async with make_client() as client:
        r = await client.fetch("POST", recording_server.url(JSON_HOST, "/order?x=1"), data=payload)
    rec = recording_server.last
    assert r.data == {"ok": True}
    assert json.loads(rec.body) == payload
    assert payload == original  # the caller's dict is untouched
    assert rec.headers["Content-Type"] == "application/json"
    assert rec.headers["X-TEST-KEY"] == "KEY-1"
    assert rec.headers["X-TEST-TS"] == "1700000000123"
    assert rec.headers["X-TEST-SIGN"] == expected_signature(rec)


async def test_form_host_gets_form_body(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        await client.fetch(
            "POST", recording_server.url(FORM_HOST, "/o"), data={"a": "1", "b": "x&y"}
        )
    rec = recording_server.last
    assert rec.body == b"a=1&b=x%26y"
    assert rec.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert rec.headers["X-TEST-SIGN"] == expected_signature(rec)


async def test_auth_none_sends_unsigned_but_encoded(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        await client.fetch("POST", recording_server.url(JSON_HOST, "/p"), data={"a": 1}, auth=None)
    rec = recording_server.last
    assert not any(h.startswith("X-TEST") for h in rec.headers)
    assert json.loads(rec.body) == {"a": 1}
    assert rec.headers["Content-Type"] == "application/json"


async def test_no_credentials_for_host_sends_unsigned(recording_server: RecordingServer) -> None:
    async with pybotters.Client(
        apis={"other": ["K", SECRET]}, connector=loopback_connector()
    ) as client:
        await client.fetch("GET", recording_server.url(JSON_HOST, "/p"))
    assert not any(h.startswith("X-TEST") for h in recording_server.last.headers)


async def test_exempt_path_is_unsigned(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        await client.fetch("GET", recording_server.url(EXEMPT_HOST, "/public/time"))
        await client.fetch("GET", recording_server.url(EXEMPT_HOST, "/private/orders"))
    assert "X-TEST-SIGN" not in recording_server.requests[0].headers
    assert "X-TEST-SIGN" in recording_server.requests[1].headers


async def test_unknown_host_never_gets_credentials(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        await client.fetch("POST", recording_server.url("unknown.client-test", "/"), data="x")
    rec = recording_server.last
    assert all(SECRET not in v and "KEY-1" not in v for v in rec.headers.values())
    assert not any(h.startswith("X-TEST") for h in rec.headers)


def redirect_away(
    server: RecordingServer, from_host: str, redirect: type[web.HTTPRedirection]
) -> None:
    """Make ``server`` redirect every request for ``from_host`` to another host."""

    def reply(rec: RecordedRequest) -> web.StreamResponse:
        if rec.host == from_host:
            raise redirect(server.url("evil.client-test", "/landing"))
        return web.json_response({"landed": True})

    server.reply = reply


@pytest.mark.parametrize(
    ("host", "redirect", "method_after"),
    [
        (JSON_HOST, web.HTTPTemporaryRedirect, "POST"),  # body re-sent: the signer left it as is
        (BODY_HOST, web.HTTPSeeOther, "GET"),  # aiohttp turns a 303 into a GET without the body
    ],
)
async def test_cross_host_redirect_is_followed_without_what_was_signed(
    recording_server: RecordingServer,
    host: str,
    redirect: type[web.HTTPRedirection],
    method_after: str,
) -> None:
    redirect_away(recording_server, host, redirect)
    async with make_client() as client:
        r = await client.fetch("POST", recording_server.url(host, "/start"), data={"a": 1})
    assert r.data == {"landed": True}
    first, second = recording_server.requests
    assert "X-TEST-SIGN" in first.headers or b"signature=" in first.body
    assert (second.host, second.method) == ("evil.client-test", method_after)
    assert not any(h.startswith("X-TEST") for h in second.headers)
    assert all(SECRET not in v and "KEY-1" not in v for v in second.headers.values())
    assert b"signature=" not in second.body
    assert b"KEY-1" not in second.body


@pytest.mark.parametrize(
    ("method", "redirect"),
    [
        ("POST", web.HTTPTemporaryRedirect),
        ("POST", web.HTTPPermanentRedirect),
        ("PUT", web.HTTPFound),
        ("DELETE", web.HTTPMovedPermanently),
    ],
)
async def test_cross_host_redirect_never_carries_a_signed_body(
    recording_server: RecordingServer, method: str, redirect: type[web.HTTPRedirection]
) -> None:
    redirect_away(recording_server, BODY_HOST, redirect)
    async with make_client() as client:
        with pytest.raises(UnsafeRedirectError) as caught:
            await client.fetch(method, recording_server.url(BODY_HOST, "/start"), data={"a": 1})
    (only,) = recording_server.requests  # nothing reached the other host
    assert b"signature=" in only.body
    message = str(caught.value)
    assert "evil.client-test" in message
    assert BODY_HOST in message
    assert "KEY-1" not in message
    assert only.body.decode().split("signature=")[1] not in message


@pytest.mark.parametrize(
    ("host", "method", "redirect"),
    [(JSON_HOST, "GET", web.HTTPFound), (BODY_HOST, "POST", web.HTTPTemporaryRedirect)],
)
async def test_same_origin_redirect_keeps_what_was_signed(
    recording_server: RecordingServer,
    host: str,
    method: str,
    redirect: type[web.HTTPRedirection],
) -> None:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        if rec.raw_path == "/start":
            raise redirect(recording_server.url(host, "/next"))
        return web.json_response({})

    recording_server.reply = reply
    data = {"a": 1} if method == "POST" else None
    async with make_client() as client:
        await client.fetch(method, recording_server.url(host, "/start"), data=data)
    first, second = recording_server.requests
    signed = {name: value for name, value in first.headers.items() if name.startswith("X-TEST")}
    assert all(second.headers.get(name) == value for name, value in signed.items())
    assert second.body == first.body
    assert signed or b"signature=" in second.body  # something signed was carried along


async def test_unsignable_body_is_a_clear_error(recording_server: RecordingServer) -> None:
    form = aiohttp.FormData({"a": "1"})
    async with make_client() as client:
        with pytest.raises(UnsignableBodyError, match=JSON_HOST):
            client.request("POST", recording_server.url(JSON_HOST, "/"), data=form)
        # Unsigned, the same body is fine.
        await client.fetch("POST", recording_server.url(JSON_HOST, "/"), data=form, auth=None)
    assert recording_server.last.body == b"a=1"


async def test_repr_never_shows_secrets() -> None:
    async with make_client() as client:
        text = repr(client)
    assert "clienttest" in text
    assert SECRET not in text
    assert "KEY-1" not in text


async def test_close_closes_the_session() -> None:
    client = make_client()
    assert not client.closed
    async with client:
        pass
    assert client.closed


def test_register_signer_rejects_bad_hosts_and_duplicates() -> None:
    with pytest.raises(SignerRegistrationError):
        register_signer("https://api.example.com", "x", hmac_signer)
    with pytest.raises(SignerRegistrationError, match="already has a signer"):
        register_signer(JSON_HOST, "x", hmac_signer)


async def test_yarl_url_accepted(recording_server: RecordingServer) -> None:
    async with make_client() as client:
        await client.fetch("GET", URL(recording_server.url(JSON_HOST, "/u")), params={"k": "v"})
    assert recording_server.last.raw_path_qs == "/u?k=v"
    assert recording_server.last.headers["X-TEST-SIGN"] == expected_signature(recording_server.last)


async def test_session_middlewares_wrap_signed_and_unsigned_requests(
    recording_server: RecordingServer,
) -> None:
    seen: list[tuple[str, bool]] = []

    async def observe(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        seen.append((request.url.host or "", "X-TEST-SIGN" in request.headers))
        return await handler(request)

    async with make_client(middlewares=[observe]) as client:
        await client.fetch("GET", recording_server.url(JSON_HOST, "/signed"))
        await client.fetch("GET", recording_server.url("plain.client-test", "/plain"))
        # An explicit per-request list replaces the session's, as in aiohttp.
        await client.fetch("GET", recording_server.url(JSON_HOST, "/none"), middlewares=())
    assert seen == [(JSON_HOST, True), ("plain.client-test", False)]
    assert "X-TEST-SIGN" in recording_server.last.headers
