"""Bybit v5 order-entry WebSocket ``/v5/trade`` (bybit_v5.md §9).

Owns the trade socket's frames: ``auth`` answered with ``retCode``/``retMsg``/
``connId``; ``ping`` -> ``{"retCode":0,"retMsg":"OK","op":"pong","data":[ms]}``;
``order.create``/``order.amend``/``order.cancel`` with one args object (the
REST fields), ``header.X-BAPI-TIMESTAMP`` checked with the REST window rule,
``reqId`` echoed and never reusable (20006). Order logic is the REST handlers'.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ...connection import Connection
from ...exchange import Exchange
from ...faults import FaultPlan
from .envelope import BybitError, RateLimiter, dumps
from .params import Call
from .rest_trade import POST_ROUTES
from .signature import DEFAULT_RECV_WINDOW, verify_ws_auth

__all__ = ["TradeSessions"]

_OPS = {
    "order.create": "/v5/order/create",
    "order.amend": "/v5/order/amend",
    "order.cancel": "/v5/order/cancel",
}


class TradeSessions:
    """Answers frames on ``/v5/trade`` connections."""

    def __init__(self, exchange: Exchange, faults: FaultPlan, limiter: RateLimiter) -> None:
        self.exchange = exchange
        self.faults = faults
        self.limiter = limiter
        self._req_ids: dict[Connection, set[str]] = {}

    def forget(self, conn: Connection) -> None:
        """Drop a closed connection's reqId memory."""
        self._req_ids.pop(conn, None)

    def on_text(self, conn: Connection, text: str) -> None:
        """Answer one client frame."""
        try:
            msg = json.loads(text)
        except ValueError:
            msg = None
        if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
            conn.send(self._frame(conn, {}, "", 10404, "unknown op"))
            return
        op = msg["op"]
        now = self.exchange.now_ms()
        if op == "ping":
            conn.touch()
            conn.send(self._frame(conn, msg, "pong", 0, "OK", data=[str(now)], header=False))
        elif op == "auth":
            account = verify_ws_auth(msg.get("args"), self.exchange.accounts, now)
            if account is not None and self.faults.take_login_rejection():
                account = None
            if account is None:
                conn.send(self._frame(conn, msg, "auth", 10004, "Invalid sign", header=False))
            else:
                conn.account = account.key
                conn.send(self._frame(conn, msg, "auth", 0, "OK", header=False))
        elif op in _OPS:
            conn.send(self._order_op(conn, msg, op, now))
        else:
            conn.send(self._frame(conn, msg, op, 10404, f"unsupported op {op}"))

    def _order_op(self, conn: Connection, msg: dict[str, Any], op: str, now: int) -> str:
        req_id = msg.get("reqId")
        if req_id is not None:
            seen = self._req_ids.setdefault(conn, set())
            if str(req_id) in seen:
                return self._frame(conn, msg, op, 20006, "Duplicate reqId")
            seen.add(str(req_id))
        if conn.account is None:
            return self._frame(conn, msg, op, 10003, "Please auth first")
        header = msg.get("header") or msg.get("headers") or {}
        try:
            self._check_time(header, now)
            args = msg.get("args")
            if not isinstance(args, list) or len(args) != 1 or not isinstance(args[0], dict):
                raise BybitError(10001, "Request parameter error.")
            account = self.exchange.accounts[conn.account]
            allowed, _ = self.limiter.hit(account.key, _OPS[op], now)
            if not allowed:
                raise BybitError(10006, "Too many visits. Exceeded the API Rate Limit.")
            result = POST_ROUTES[_OPS[op]](Call(args[0], account, now, self.exchange))
        except BybitError as exc:
            return self._frame(conn, msg, op, exc.code, exc.msg)
        return self._frame(conn, msg, op, 0, "OK", data=result)

    @staticmethod
    def _check_time(header: Any, now: int) -> None:
        raw_ts = header.get("X-BAPI-TIMESTAMP") if isinstance(header, dict) else None
        raw_window = header.get("X-BAPI-RECV-WINDOW") if isinstance(header, dict) else None
        try:
            ts = int(raw_ts) if raw_ts is not None else None
            window = int(raw_window) if raw_window is not None else DEFAULT_RECV_WINDOW
        except (TypeError, ValueError):
            raise BybitError(10001, "Request parameter error.") from None
        if ts is None or not (now - window <= ts < now + 1000):
            raise BybitError(
                10002,
                "invalid request, please check your server timestamp or recv_window param. "
                f"req_timestamp[{raw_ts}],server_timestamp[{now}],recv_window[{window}]",
            )

    def _frame(
        self,
        conn: Connection,
        msg: dict[str, Any],
        op: str,
        code: int,
        text: str,
        *,
        data: Any = None,
        header: bool = True,
    ) -> str:
        frame: dict[str, Any] = {}
        if "reqId" in msg:
            frame["reqId"] = msg["reqId"]
        frame.update({"retCode": code, "retMsg": text, "op": op})
        if op == "pong":
            frame["data"] = data
        elif header:
            now = self.exchange.now_ms()
            frame["data"] = data if data is not None and code == 0 else {}
            frame["retExtInfo"] = {}
            frame["header"] = {
                "X-Bapi-Limit": "10",
                "X-Bapi-Limit-Status": "9",
                "X-Bapi-Limit-Reset-Timestamp": str(now),
                "Traceid": uuid.UUID(int=now).hex,
                "Timenow": str(now),
            }
        frame["connId"] = conn.conn_id
        return dumps(frame)
