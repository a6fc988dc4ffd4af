"""The on-connect login exchange: send the exchange's login message, wait for its ack.

Owns reading frames between the login message and its acknowledgement. Frames
that arrive before the ack are kept (in order) and returned so the app can
hand them to the handlers afterwards; protocol PING/PONG frames are passed to
the app's control callback; a rejection, a close or a timeout raises
:class:`~pybotters_like.errors.WebSocketLoginError` naming the exchange and the
reason (never the credential). Knows no exchange: the plan carries that.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import WSMsgType

from pybotters_like.errors import WebSocketLoginError
from pybotters_like.ws.hooks import LoginPlan
from pybotters_like.ws.reporting import excerpt

__all__ = ["perform_login"]

_DATA = (WSMsgType.TEXT, WSMsgType.BINARY)
_CONTROL = (WSMsgType.PING, WSMsgType.PONG)


def _quiet_parse(msg: Any, decode: Callable[[bytes], bytes] | None) -> Any:
    try:
        if msg.type is WSMsgType.TEXT:
            return json.loads(msg.data)
        raw = decode(msg.data) if decode is not None else msg.data
        return json.loads(raw)
    except Exception:
        return None


async def perform_login(
    ws: aiohttp.ClientWebSocketResponse[bool],
    plan: LoginPlan,
    *,
    label: str,
    timeout: float,
    on_control: Callable[[Any], Awaitable[None]],
    decode: Callable[[bytes], bytes] | None = None,
) -> list[Any]:
    """Log in on ``ws`` following ``plan``; return the data frames seen before the ack.

    Raises:
        WebSocketLoginError: The exchange rejected the login, closed the
            connection, or sent no ack within ``timeout`` seconds.
    """
    message = plan.message
    await ws.send_str(message if isinstance(message, str) else json.dumps(message))
    classify = plan.classify
    if classify is None:
        return []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    early: list[Any] = []  # aiohttp WSMessage objects
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise WebSocketLoginError(f"ws {label}: no login ack within {timeout:g}s")
        try:
            msg = await ws.receive(timeout=remaining)
        except asyncio.TimeoutError:
            raise WebSocketLoginError(f"ws {label}: no login ack within {timeout:g}s") from None
        kind = msg.type
        if kind in _CONTROL:
            await on_control(msg)
            continue
        if kind not in _DATA:
            detail = f"{kind.name}" + (f" {msg.data!r}" if msg.data is not None else "")
            raise WebSocketLoginError(f"ws {label}: connection ended before login ack ({detail})")
        parsed = _quiet_parse(msg, decode)
        try:
            verdict = classify(parsed) if parsed is not None else None
        except Exception:  # a frame of another shape is simply not the ack
            verdict = None
        if verdict is None:
            early.append(msg)
            continue
        if verdict.ok:
            return early
        detail = verdict.detail or excerpt(parsed)
        raise WebSocketLoginError(f"ws {label}: login rejected: {detail}")
