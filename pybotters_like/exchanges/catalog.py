"""The list of built-in exchanges: credential names and where their hooks live.

This is the one place that enumerates exchanges. Adding an exchange means
adding its package and one line in each table below; the core never names an
exchange anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AUTH_MODULES",
    "CREDENTIAL_SPECS",
    "WS_MODULES",
    "CredentialShape",
    "CredentialSpec",
]

CredentialShape = Literal["key_secret", "key_secret_passphrase", "private_key"]
"""``[key, secret]`` (a 3rd element is tolerated), ``[key, secret, passphrase]``
(required), or ``[private_key]`` (Hyperliquid)."""


@dataclass(frozen=True, slots=True)
class CredentialSpec:
    """What an ``apis`` entry name expects."""

    name: str
    exchange: str
    shape: CredentialShape


def _specs(*rows: tuple[str, str, CredentialShape]) -> dict[str, CredentialSpec]:
    return {name: CredentialSpec(name, exchange, shape) for name, exchange, shape in rows}


CREDENTIAL_SPECS: dict[str, CredentialSpec] = _specs(
    ("bybit", "Bybit", "key_secret"),
    ("bybit_demo", "Bybit", "key_secret"),
    ("bybit_testnet", "Bybit", "key_secret"),
    ("binance", "Binance", "key_secret"),
    ("binancespot_testnet", "Binance", "key_secret"),
    ("binancefuture_testnet", "Binance", "key_secret"),
    ("binance_demo", "Binance", "key_secret"),
    ("bitflyer", "bitFlyer", "key_secret"),
    ("gmocoin", "GMO Coin", "key_secret"),
    ("bitbank", "bitbank", "key_secret"),
    ("coincheck", "Coincheck", "key_secret"),
    ("okx", "OKX", "key_secret_passphrase"),
    ("okx_demo", "OKX", "key_secret_passphrase"),
    ("bitget", "Bitget", "key_secret_passphrase"),
    ("kucoin", "KuCoin", "key_secret_passphrase"),
    ("mexc", "MEXC", "key_secret"),
    ("bitmex", "BitMEX", "key_secret"),
    ("bitmex_testnet", "BitMEX", "key_secret"),
    ("phemex", "Phemex", "key_secret"),
    ("phemex_testnet", "Phemex", "key_secret"),
    ("okj", "OKJ", "key_secret_passphrase"),
    ("bittrade", "BitTrade", "key_secret"),
    ("hyperliquid", "Hyperliquid", "private_key"),
    ("hyperliquid_testnet", "Hyperliquid", "private_key"),
)
"""Every built-in ``apis.json`` entry name."""

AUTH_MODULES: tuple[str, ...] = (
    "pybotters_like.exchanges.bybit.auth",
    "pybotters_like.exchanges.binance.auth",
    "pybotters_like.exchanges.bitflyer.auth",
    "pybotters_like.exchanges.gmocoin.auth",
    "pybotters_like.exchanges.bitbank.auth",
    "pybotters_like.exchanges.coincheck.auth",
    "pybotters_like.exchanges.okx.auth",
    "pybotters_like.exchanges.bitget.auth",
    "pybotters_like.exchanges.kucoin.auth",
    "pybotters_like.exchanges.mexc.auth",
    "pybotters_like.exchanges.bitmex.auth",
    "pybotters_like.exchanges.phemex.auth",
    "pybotters_like.exchanges.okj.auth",
    "pybotters_like.exchanges.bittrade.auth",
    "pybotters_like.exchanges.hyperliquid.auth",
)
"""Modules that each export ``HOSTS: tuple[HostAuth, ...]`` (REST signing)."""

WS_MODULES: tuple[str, ...] = (
    "pybotters_like.exchanges.bybit.ws",
    "pybotters_like.exchanges.binance.ws",
    "pybotters_like.exchanges.gmocoin.ws",
    "pybotters_like.exchanges.bitflyer.ws",
    "pybotters_like.exchanges.okx.ws",
    "pybotters_like.exchanges.bitget.ws",
    "pybotters_like.exchanges.phemex.ws",
    "pybotters_like.exchanges.mexc.ws",
    "pybotters_like.exchanges.okj.ws",
    "pybotters_like.exchanges.bittrade.ws",
    "pybotters_like.exchanges.coincheck.ws",
    "pybotters_like.exchanges.bitbank.ws",
    "pybotters_like.exchanges.kucoin.ws",
    "pybotters_like.exchanges.hyperliquid.ws",
)
"""Modules that each export ``HOOKS: tuple[WsHostHooks, ...]`` (WebSocket login,
app-level pings, send pacing, message signing; see :mod:`pybotters_like.ws.hooks`)."""
