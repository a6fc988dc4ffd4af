"""Binance REST signing: Spot, USDⓈ-M, COIN-M, Portfolio Margin and Options.

Owns the Binance host table, the pure signer and the public-endpoint rule. Must
not touch the network or the clock; ``cryptography`` is imported only when an
Ed25519/RSA key is actually used, so ``import pybotters_like`` never loads it.

What is signed (Binance "SIGNED endpoint security"):

- ``X-MBX-APIKEY: <key>`` is always sent.
- ``timestamp=<ms>`` is appended to the query, unless the caller already put a
  ``timestamp`` in the query or the form body (Binance rejects duplicates).
- ``signature`` is computed over ``query_string + body`` (the exact bytes sent,
  no separator between them) and appended as the last query parameter.
- The kind of key is read from the secret. A plain secret is an HMAC key:
  hex HMAC-SHA256. A PEM private key (``-----BEGIN PRIVATE KEY-----`` ...) is
  an Ed25519 key (Ed25519 signature) or an RSA key (RSASSA-PKCS1-v1_5 with
  SHA-256); both are base64, percent-encoded in the query as the docs require.
  An encrypted PEM is decrypted with the credential's passphrase (the optional
  third ``apis`` element). Loaded keys are cached per secret.

Requests that are not signed:

- Key only (``X-MBX-APIKEY``, no timestamp, no signature): paths with a
  ``userDataStream``, ``listenKey`` or ``listen-key`` segment (USER_STREAM
  endpoints, including ``/sapi/v1/userDataStream/isolated``) and paths ending in
  ``/historicalTrades`` (MARKET_DATA on the futures and options APIs).
- Exempt, sent as the caller built them (:func:`is_exempt`): WebSocket upgrades
  (``ws``/``wss`` URL or ``Upgrade: websocket``; ``testnet.binance.vision``
  serves both), and ``GET`` requests to the public market-data endpoints listed
  in :data:`PUBLIC_PATHS` or under ``/futures/data/``. Binance Spot rejects
  signed requests to those endpoints (unknown ``timestamp``/``signature``
  parameters), which pybotters users had to work around with ``auth=None``.
  The list is exact paths only; a public endpoint missing from it is signed,
  so pass ``auth=None`` for it.

``recvWindow`` is never added; put it in ``params`` to use one.
"""

from __future__ import annotations

from urllib.parse import quote

from pybotters_like.auth.pem import KeyType
from pybotters_like.auth.pem import sign_bytes as pem_sign_bytes
from pybotters_like.auth.primitives import ms, with_raw_query
from pybotters_like.auth.types import Credential, HostAuth, SignedRequest, SignRequest

__all__ = ["HOSTS", "PUBLIC_PATHS", "PUBLIC_PREFIXES", "is_exempt", "sign", "sign_bytes"]

_USER_STREAM_SEGMENTS = frozenset({"userDataStream", "listenKey", "listen-key"})


def _paths(prefix: str, *names: str) -> frozenset[str]:
    return frozenset(f"{prefix}/{name}" for name in names)


_TICKERS = ("ticker/24hr", "ticker/price", "ticker/bookTicker")
_FUTURES_MARKET = (
    "ping",
    "time",
    "exchangeInfo",
    "depth",
    "trades",
    "aggTrades",
    "klines",
    "continuousKlines",
    "indexPriceKlines",
    "markPriceKlines",
    "premiumIndexKlines",
    "premiumIndex",
    "fundingRate",
    "openInterest",
    "constituents",
    *_TICKERS,
)

PUBLIC_PATHS: frozenset[str] = (
    _paths(
        "/api/v3",
        "ping",
        "time",
        "exchangeInfo",
        "depth",
        "trades",
        "aggTrades",
        "klines",
        "uiKlines",
        "avgPrice",
        "ticker",
        "ticker/tradingDay",
        *_TICKERS,
    )
    | _paths("/fapi/v1", *_FUTURES_MARKET, "fundingInfo", "indexInfo", "assetIndex")
    | _paths("/fapi/v2", "ticker/price")
    | _paths("/dapi/v1", *_FUTURES_MARKET)
    | _paths(
        "/eapi/v1",
        "ping",
        "time",
        "exchangeInfo",
        "depth",
        "trades",
        "klines",
        "mark",
        "ticker",
        "index",
        "exerciseHistory",
        "openInterest",
        "blockTrades",
    )
    | _paths("/papi/v1", "ping")
)
"""Public (security type NONE) market-data paths that are sent unsigned on GET."""

PUBLIC_PREFIXES: tuple[str, ...] = ("/futures/data/",)
"""Path prefixes whose GET endpoints are all public (futures trading statistics)."""


def is_exempt(request: SignRequest) -> bool:
    """Return True for requests Binance must receive unsigned.

    WebSocket upgrades, and ``GET`` requests to :data:`PUBLIC_PATHS` or under
    :data:`PUBLIC_PREFIXES`.
    """
    if request.url.scheme in ("ws", "wss"):
        return True
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return True
    if request.method != "GET":
        return False
    path = request.url.path.rstrip("/")
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def sign(request: SignRequest, credential: Credential, now: float) -> SignedRequest:
    """Sign a Binance REST request (HMAC, Ed25519 or RSA key, see the module doc).

    Returns the URL with ``timestamp`` and ``signature`` appended to the query,
    the ``X-MBX-APIKEY`` header, and the body bytes unchanged (``None`` if empty).

    Raises:
        AuthError: The secret is a PEM key that cannot be loaded, is not an
            Ed25519 or RSA private key, or ``cryptography`` is not installed.
    """
    headers = {"X-MBX-APIKEY": credential.key}
    body = request.body or None
    segments = request.url.path.rstrip("/").split("/")
    if segments[-1] == "historicalTrades" or not _USER_STREAM_SEGMENTS.isdisjoint(segments):
        return SignedRequest(request.url, headers, body)

    query = request.url.raw_query_string
    if not (_has_param(query.encode(), b"timestamp") or _has_param(request.body, b"timestamp")):
        query = _append(query, "timestamp=" + ms(now))
    signature = sign_bytes(credential, query.encode() + request.body)
    # Base64 signatures contain "+", "/" and "="; hex passes through unchanged.
    query = _append(query, "signature=" + quote(signature, safe=""))
    return SignedRequest(with_raw_query(request.url, query), headers, body)


def _append(query: str, pair: str) -> str:
    return f"{query}&{pair}" if query else pair


def _has_param(encoded: bytes, name: bytes) -> bool:
    return any(part.split(b"=", 1)[0] == name for part in encoded.split(b"&"))


_KEY_PAIRS: tuple[KeyType, ...] = ("ed25519", "rsa")


def sign_bytes(credential: Credential, payload: bytes) -> str:
    """Sign ``payload`` with the credential's key (HMAC hex, or base64 Ed25519/RSA for
    a PEM key, loaded once and cached). Shared by the REST and WS-API signers."""
    return pem_sign_bytes(credential, payload, "Binance", _KEY_PAIRS)


_SCHEME = "HMAC-SHA256 hex / Ed25519 / RSA-SHA256 signature query param, X-MBX-APIKEY"


def _host(host: str, credential: str) -> HostAuth:
    return HostAuth(host, credential, sign, "form", _SCHEME, is_exempt)


HOSTS: tuple[HostAuth, ...] = (
    *(
        _host(host, "binance")
        for host in (
            "api.binance.com",
            "api-gcp.binance.com",
            "api1.binance.com",
            "api2.binance.com",
            "api3.binance.com",
            "api4.binance.com",
            "fapi.binance.com",
            "dapi.binance.com",
            "papi.binance.com",
            "eapi.binance.com",
        )
    ),
    _host("testnet.binance.vision", "binancespot_testnet"),
    _host("testnet.binancefuture.com", "binancefuture_testnet"),
    _host("demo-api.binance.com", "binance_demo"),
)
"""Binance REST hosts: Spot, USDⓈ-M/COIN-M futures, Portfolio Margin, Options, testnets,
and Spot demo mode (``demo-api.binance.com``, keys made on demo.binance.com)."""
