"""The sandbox connector reaches only the venue's hostnames."""

from __future__ import annotations

import aiohttp
import pytest

from pybotters_like.sandbox import Sandbox


async def test_other_hostnames_are_refused(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession(connector=sandbox.connector()) as session:
        with pytest.raises(aiohttp.ClientConnectorError):
            await session.get(f"http://example.com:{sandbox.port}/")
        async with session.get(f"http://api.bytick.com:{sandbox.port}/v5/market/time") as resp:
            assert (await resp.json())["retCode"] == 0


def test_urls_use_real_hostnames(sandbox: Sandbox) -> None:
    assert sandbox.rest_url == f"http://api.bybit.com:{sandbox.port}"
    assert sandbox.ws_public_url == f"ws://stream.bybit.com:{sandbox.port}/v5/public/linear"
    assert sandbox.ws_private_url == f"ws://stream.bybit.com:{sandbox.port}/v5/private"
