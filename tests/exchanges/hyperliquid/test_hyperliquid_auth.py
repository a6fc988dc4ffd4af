"""Hyperliquid signer: official SDK vectors through ``sign``, body shaping, purity, e2e.

Vectors H1, H2, H3, H5, H7 (auth.md 5.1) and the vault / usdSend / phantom-agent
cases come from hyperliquid-dex/hyperliquid-python-sdk ``tests/signing_test.py``
(test inputs and expected outputs only). H7's action fields are that test's
``message`` (destination, amount "1", time 1687816341423), signed on testnet.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import coincurve
import msgpack
import pytest
from aiohttp import web
from Crypto.Hash import keccak
from multidict import CIMultiDict, CIMultiDictProxy
from support import FixedClock, RecordedRequest, RecordingServer, loopback_connector
from yarl import URL

import pybotters_like as pybotters
from pybotters_like.auth import Credential, SignRequest, lookup
from pybotters_like.auth.body import encode_json
from pybotters_like.errors import AuthError
from pybotters_like.exchanges.hyperliquid.auth import HOSTS, action_hash, is_exempt, sign

PRIVATE_KEY = "0x0123456789012345678901234567890123456789012345678901234567890123"
CRED = Credential("hyperliquid", PRIVATE_KEY)
MAINNET = "https://api.hyperliquid.xyz/exchange"
TESTNET = "https://api.hyperliquid-testnet.xyz/exchange"
NOW = 1_700_000_000.123

ORDER_ACTION = {
    "type": "order",
    "orders": [
        {"a": 1, "b": True, "p": "100", "s": "100", "r": False, "t": {"limit": {"tif": "Gtc"}}}
    ],
    "grouping": "na",
}
DUMMY_ACTION = {"type": "dummy", "num": 100000000000}
WITHDRAW_ACTION = {
    "type": "withdraw3",
    "signatureChainId": "0x66eee",
    "hyperliquidChain": "Testnet",
    "destination": "0x5e9ee1089755c3435139848e47e6635505d5a13a",
    "amount": "1",
    "time": 1687816341423,
}


def make_request(url: str, data: Any, method: str = "POST") -> SignRequest:
    body = encode_json(data) if data is not None else b""
    return SignRequest(method, URL(url), CIMultiDictProxy(CIMultiDict()), body, data)


def signed_body(url: str, data: Any, now: float = NOW) -> dict[str, Any]:
    signed = sign(make_request(url, data), CRED, now)
    assert signed.body is not None
    parsed: dict[str, Any] = json.loads(signed.body)
    return parsed


@pytest.mark.parametrize(
    ("name", "url", "data", "r", "s", "v"),
    [
        (
            "H1 order mainnet",
            MAINNET,
            {"action": ORDER_ACTION, "nonce": 0},
            "0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e",
            "0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e",
            28,
        ),
        (
            "H2 order testnet",
            TESTNET,
            {"action": ORDER_ACTION, "nonce": 0},
            "0x82b2ba28e76b3d761093aaded1b1cdad4960b3af30212b343fb2e6cdfa4e3d54",
            "0x6b53878fc99d26047f4d7e8c90eb98955a109f44209163f52d8dc4278cbbd9f5",
            27,
        ),
        (
            "H3 dummy mainnet (63-digit r)",
            MAINNET,
            {"action": DUMMY_ACTION, "nonce": 0},
            "0x53749d5b30552aeb2fca34b530185976545bb22d0b3ce6f62e31be961a59298",
            "0x755c40ba9bf05223521753995abb2f73ab3229be8ec921f350cb447e384d8ed8",
            27,
        ),
        (
            "H5 scheduleCancel mainnet",
            MAINNET,
            {"action": {"type": "scheduleCancel"}, "nonce": 0},
            "0x6cdfb286702f5917e76cd9b3b8bf678fcc49aec194c02a73e6d4f16891195df9",
            "0x6557ac307fa05d25b8d61f21fb8a938e703b3d9bf575f6717ba21ec61261b2a0",
            27,
        ),
        (
            "H7 withdraw3 user-signed",
            TESTNET,
            {"action": WITHDRAW_ACTION, "nonce": 1687816341423},
            "0x8363524c799e90ce9bc41022f7c39b4e9bdba786e5f9c72b20e43e1462c37cf9",
            "0x58b1411a775938b83e29182e8ef74975f9054c8e97ebf5ec2dc8d51bfc893881",
            28,
        ),
        (
            "dummy with vault mainnet (62-digit r)",
            MAINNET,
            {
                "action": DUMMY_ACTION,
                "nonce": 0,
                "vaultAddress": "0x1719884eb866cb12b2287399b15f7db5e7d775ea",
            },
            "0x3c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239",
            "0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c",
            28,
        ),
        (
            "usdSend user-signed testnet",
            TESTNET,
            {
                "action": {
                    "type": "usdSend",
                    "hyperliquidChain": "Testnet",
                    "destination": "0x5e9ee1089755c3435139848e47e6635505d5a13a",
                    "amount": "1",
                    "time": 1687816341423,
                },
            },
            "0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073",
            "0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7",
            27,
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_official_sdk_vectors_through_the_signer(
    name: str, url: str, data: dict[str, Any], r: str, s: str, v: int
) -> None:
    body = signed_body(url, data)
    assert body["signature"] == {"r": r, "s": s, "v": v}, name


def test_phantom_agent_connection_id_matches_the_sdk() -> None:
    action = {
        "type": "order",
        "orders": [
            {
                "a": 4,
                "b": True,
                "p": "1670.1",
                "s": "0.0147",
                "r": False,
                "t": {"limit": {"tif": "Ioc"}},
            }
        ],
        "grouping": "na",
    }
    assert action_hash(action, None, 1677777606040).hex() == (
        "0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908"
    )


def test_nonce_defaults_to_now_in_ms_and_body_keeps_the_action() -> None:
    body = signed_body(MAINNET, {"action": ORDER_ACTION})
    assert body["nonce"] == 1_700_000_000_123
    assert body["action"] == ORDER_ACTION
    assert set(body["signature"]) == {"r", "s", "v"}


def test_caller_nonce_is_kept_even_zero() -> None:
    assert signed_body(MAINNET, {"action": ORDER_ACTION, "nonce": 0})["nonce"] == 0


def test_user_signed_nonce_defaults_to_the_action_time_and_chain_id_is_added() -> None:
    action = {k: v for k, v in WITHDRAW_ACTION.items() if k != "signatureChainId"}
    body = signed_body(TESTNET, {"action": action})
    assert body["nonce"] == 1687816341423
    assert body["action"]["signatureChainId"] == "0x66eee"
    # Same signed fields as H7, so the same signature.
    assert body["signature"]["r"] == (
        "0x8363524c799e90ce9bc41022f7c39b4e9bdba786e5f9c72b20e43e1462c37cf9"
    )


def test_expires_after_changes_the_signature() -> None:
    plain = signed_body(MAINNET, {"action": ORDER_ACTION, "nonce": 0})
    expiring = signed_body(MAINNET, {"action": ORDER_ACTION, "nonce": 0, "expiresAfter": 1})
    assert expiring["expiresAfter"] == 1
    assert expiring["signature"] != plain["signature"]


def test_body_with_signature_is_sent_unchanged() -> None:
    data = {"action": ORDER_ACTION, "nonce": 5, "signature": {"r": "0x1", "s": "0x2", "v": 27}}
    req = make_request(MAINNET, data)
    signed = sign(req, CRED, NOW)
    assert signed.body == req.body


def test_json_text_body_is_accepted() -> None:
    text = json.dumps({"action": ORDER_ACTION, "nonce": 0})
    req = SignRequest("POST", URL(MAINNET), CIMultiDictProxy(CIMultiDict()), text.encode(), text)
    body = json.loads(sign(req, CRED, NOW).body or b"")
    assert body["signature"]["v"] == 28


def test_no_mutation_and_deterministic() -> None:
    data = {"action": copy.deepcopy(WITHDRAW_ACTION), "vaultAddress": None}
    del data["action"]["signatureChainId"]  # type: ignore[attr-defined]
    snapshot = copy.deepcopy(data)
    req = make_request(TESTNET, data)
    first = sign(req, CRED, NOW)
    assert first == sign(req, CRED, NOW)
    assert data == snapshot


def test_missing_action_is_a_clear_error() -> None:
    with pytest.raises(AuthError, match="action"):
        sign(make_request(MAINNET, {"nonce": 1}), CRED, NOW)
    with pytest.raises(AuthError, match="JSON object"):
        sign(make_request(MAINNET, None), CRED, NOW)


@pytest.mark.parametrize("bad_key", ["0x1234", "zz" * 32, ""])
def test_bad_private_key_error_never_echoes_it(bad_key: str) -> None:
    with pytest.raises(AuthError) as info:
        sign(
            make_request(MAINNET, {"action": ORDER_ACTION}), Credential("hyperliquid", bad_key), NOW
        )
    if bad_key:
        assert bad_key.removeprefix("0x") not in str(info.value)
    assert "private_key" in str(info.value)


def test_valid_key_never_appears_in_errors_or_repr() -> None:
    with pytest.raises(AuthError) as info:
        sign(make_request(MAINNET, {"action": {"type": "x", "f": 1.5}, "nonce": -1}), CRED, NOW)
    assert PRIVATE_KEY[2:] not in str(info.value)
    assert PRIVATE_KEY[2:] not in repr(CRED)


def test_missing_crypto_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "coincurve", None)
    with pytest.raises(AuthError, match=r"pip install pybotters-like\[crypto\]"):
        sign(make_request(MAINNET, {"action": ORDER_ACTION, "nonce": 0}), CRED, NOW)


def test_import_does_not_load_crypto_packages() -> None:
    code = (
        "import sys, pybotters_like\n"
        "from pybotters_like.auth import lookup\n"
        "assert lookup('api.hyperliquid.xyz') is not None\n"
        "print(sorted(m for m in ('coincurve', 'Crypto', 'msgpack') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("path", "exempt"),
    [("/info", True), ("/info/x", True), ("/ws", True), ("/exchange", False)],
)
def test_only_exchange_path_is_signed(path: str, exempt: bool) -> None:
    assert is_exempt(make_request(f"https://api.hyperliquid.xyz{path}", {"type": "meta"})) is exempt


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("api.hyperliquid.xyz", "hyperliquid"),
        ("api.hyperliquid-testnet.xyz", "hyperliquid_testnet"),
    ],
)
def test_registry_entries(host: str, name: str) -> None:
    entry = lookup(host)
    assert entry is not None
    assert entry.signer is sign
    assert entry.body_format == "json"
    assert entry.exempt is is_exempt
    assert entry.credential_name(make_request(f"https://{host}/exchange", {})) == name
    assert sorted(h.host for h in HOSTS) == ["api.hyperliquid-testnet.xyz", "api.hyperliquid.xyz"]


# -- end to end through Client, verified by recovering the signer's address ----------


def _keccak(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _address_of(private_key_hex: str) -> bytes:
    public = coincurve.PrivateKey(bytes.fromhex(private_key_hex[2:])).public_key
    return _keccak(public.format(compressed=False)[1:])[-20:]


def _independent_l1_digest(action: Any, nonce: int, mainnet: bool) -> bytes:
    connection_id = _keccak(msgpack.packb(action) + nonce.to_bytes(8, "big") + b"\x00")
    domain_type = (
        b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    domain = _keccak(
        _keccak(domain_type)
        + _keccak(b"Exchange")
        + _keccak(b"1")
        + (1337).to_bytes(32, "big")
        + bytes(32)
    )
    agent = _keccak(
        _keccak(b"Agent(string source,bytes32 connectionId)")
        + _keccak(b"a" if mainnet else b"b")
        + connection_id
    )
    return _keccak(b"\x19\x01" + domain + agent)


def _recover_verifier(expected_address: bytes) -> Any:
    def reply(rec: RecordedRequest) -> web.StreamResponse:
        body = json.loads(rec.body)
        sig = body["signature"]
        digest = _independent_l1_digest(
            body["action"], body["nonce"], mainnet="testnet" not in rec.host
        )
        raw = int(sig["r"], 16).to_bytes(32, "big") + int(sig["s"], 16).to_bytes(32, "big")
        public = coincurve.PublicKey.from_signature_and_message(
            raw + bytes([sig["v"] - 27]), digest, hasher=None
        )
        recovered = _keccak(public.format(compressed=False)[1:])[-20:]
        ok = recovered == expected_address
        return web.json_response({"status": "ok" if ok else "bad"}, status=200 if ok else 401)

    return reply


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("api.hyperliquid.xyz", "hyperliquid"),
        ("api.hyperliquid-testnet.xyz", "hyperliquid_testnet"),
    ],
)
async def test_e2e_exchange_post_recovers_the_signer_address(
    recording_server: RecordingServer, host: str, name: str
) -> None:
    recording_server.reply = _recover_verifier(_address_of(PRIVATE_KEY))
    data = {"action": ORDER_ACTION}
    snapshot = copy.deepcopy(data)
    async with pybotters.Client(
        apis={name: [PRIVATE_KEY]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        r = await client.fetch("POST", recording_server.url(host, "/exchange"), data=data)
    assert r.response.status == 200, r.text
    assert r.data == {"status": "ok"}
    sent = json.loads(recording_server.last.body)
    assert sent["nonce"] == 1_700_000_000_123
    assert recording_server.last.headers["Content-Type"] == "application/json"
    assert data == snapshot


async def test_e2e_info_is_unsigned_json(recording_server: RecordingServer) -> None:
    async with pybotters.Client(
        apis={"hyperliquid": [PRIVATE_KEY]}, connector=loopback_connector(), clock=FixedClock(NOW)
    ) as client:
        await client.fetch(
            "POST", recording_server.url("api.hyperliquid.xyz", "/info"), data={"type": "meta"}
        )
    assert json.loads(recording_server.last.body) == {"type": "meta"}
    assert recording_server.last.headers["Content-Type"].startswith("application/json")
