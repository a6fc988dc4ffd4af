"""Bybit v5 WebSocket ops on public and private connections (bybit_v5.md §6).

Owns the answers to ``ping``, ``subscribe``, ``unsubscribe`` and ``auth``
with the exact ack/pong shapes of each connection kind: public linear pongs
``{"success":true,"ret_msg":"pong","conn_id","req_id","op":"ping"}``, private
pongs ``{"req_id"?, "op":"pong","args":[ms],"conn_id"}``; auth success
``{"success":true,"ret_msg":"","op":"auth","conn_id"}`` and failure
``ret_msg:"Params Error"``; subscribe failures name the topic
(``error:handler not found,topic:...``, ``error:already subscribed,topic:...``).
"""

from __future__ import annotations

import json
from typing import Any

from ...connection import Connection
from ...exchange import Exchange
from ...faults import FaultPlan
from .envelope import dumps
from .private_streams import PRIVATE_TOPICS, PrivateStreams
from .public_streams import PublicStreams
from .signature import verify_ws_auth

__all__ = ["Sessions"]


class Sessions:
    """Routes each text frame of a Bybit WebSocket to the right op handler."""

    def __init__(
        self,
        exchange: Exchange,
        faults: FaultPlan,
        public: PublicStreams,
        private: PrivateStreams,
    ) -> None:
        self.exchange = exchange
        self.faults = faults
        self.public = public
        self.private = private

    async def on_text(self, conn: Connection, text: str) -> None:
        """Answer one client frame."""
        is_private = conn.path == "/v5/private"
        try:
            msg = json.loads(text)
        except ValueError:
            msg = None
        if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
            conn.send(self._reply(conn, msg, "", success=False, ret_msg="error:invalid op"))
            return
        op = msg["op"]
        if op == "ping":
            conn.touch()
            conn.send(self._pong(conn, msg, is_private))
        elif op in ("subscribe", "unsubscribe"):
            self._subscription(conn, msg, op, is_private)
        elif op == "auth" and is_private:
            self._auth(conn, msg)
        else:
            conn.send(self._reply(conn, msg, op, success=False, ret_msg=f"error:unknown op {op}"))

    def _reply(self, conn: Connection, msg: Any, op: str, *, success: bool, ret_msg: str) -> str:
        reply: dict[str, Any] = {"success": success, "ret_msg": ret_msg, "conn_id": conn.conn_id}
        req_id = msg.get("req_id") if isinstance(msg, dict) else None
        if conn.path != "/v5/private":
            reply["req_id"] = req_id if req_id is not None else ""
        elif req_id is not None:
            reply["req_id"] = req_id
        reply["op"] = op
        return dumps(reply)

    def _pong(self, conn: Connection, msg: dict[str, Any], is_private: bool) -> str:
        if not is_private:
            return self._reply(conn, msg, "ping", success=True, ret_msg="pong")
        pong: dict[str, Any] = {}
        if "req_id" in msg:
            pong["req_id"] = msg["req_id"]
        pong.update({"op": "pong", "args": [str(self.exchange.now_ms())], "conn_id": conn.conn_id})
        return dumps(pong)

    def _auth(self, conn: Connection, msg: dict[str, Any]) -> None:
        account = verify_ws_auth(msg.get("args"), self.exchange.accounts, self.exchange.now_ms())
        if account is not None and self.faults.take_login_rejection():
            account = None
        if account is None:
            conn.send(self._reply(conn, msg, "auth", success=False, ret_msg="Params Error"))
            return
        conn.account = account.key
        conn.send(self._reply(conn, msg, "auth", success=True, ret_msg=""))

    def _subscription(
        self, conn: Connection, msg: dict[str, Any], op: str, is_private: bool
    ) -> None:
        args = msg.get("args")
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            conn.send(self._reply(conn, msg, op, success=False, ret_msg="Params Error"))
            return
        if is_private and conn.account is None:
            conn.send(self._reply(conn, msg, op, success=False, ret_msg="Request not authorized"))
            return
        failure = ""
        accepted: list[str] = []
        for topic in args:
            if op == "unsubscribe":
                accepted.append(topic)
            elif (topic not in PRIVATE_TOPICS) if is_private else self.public.parse(topic) is None:
                failure = failure or f"error:handler not found,topic:{topic}"
            elif topic in conn.topics or topic in accepted:
                failure = failure or f"error:already subscribed,topic:{topic}"
            else:
                accepted.append(topic)
        conn.send(self._reply(conn, msg, op, success=not failure, ret_msg=failure))
        streams = self.private if is_private else self.public
        for topic in accepted:
            if op == "subscribe":
                streams.subscribe(conn, topic)
            else:
                streams.unsubscribe(conn, topic)
