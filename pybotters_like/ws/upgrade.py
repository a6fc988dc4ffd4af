"""Signing of the WebSocket upgrade request for hosts that authenticate it.

Owns one thing: asking the REST signer registry for headers to put on the HTTP
upgrade (BitMEX authenticates ``/realtime`` this way). Hosts whose REST entry
exempts upgrades (Binance) or that have no credentials get nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from pybotters_like.auth.registry import lookup
from pybotters_like.auth.types import Credential, SignRequest

__all__ = ["upgrade_headers"]

_NO_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


def upgrade_headers(url: URL, credentials: Mapping[str, Credential], now: float) -> dict[str, str]:
    """Return the signed headers for the upgrade GET to ``url`` (empty if none apply)."""
    entry = lookup(url.host)
    if entry is None or not credentials:
        return {}
    request = SignRequest("GET", url, _NO_HEADERS, b"", None)
    if entry.exempt is not None and entry.exempt(request):
        return {}
    credential = credentials.get(entry.credential_name(request))
    if credential is None:
        return {}
    return dict(entry.signer(request, credential, now).headers)
