"""A JSON-RPC proxy in front of a real anvil node, behaving as public endpoints do.

- `max_log_range`: `eth_getLogs` over more blocks than this is refused, as many public
  Polygon endpoints refuse ranges of more than a few thousand blocks.
- `lag`: the newest `lag` blocks are hidden (`eth_blockNumber` answers the head less
  `lag`; `latest` becomes that block) and receipts are dropped, as a load-balanced
  endpoint whose backends lag behind answers "no receipt" for a mined transaction.
Everything else is forwarded unchanged. Attributes can be changed while it runs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class RpcProxy:
    def __init__(self, upstream: str, *, max_log_range: int | None = None, lag: int = 0) -> None:
        self.upstream, self.max_log_range, self.lag = upstream, max_log_range, lag
        self.refused_log_ranges = 0

    def _forward(self, method: str, params: list) -> dict:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        return requests.post(self.upstream, json=body, timeout=30).json()

    def _head(self) -> int:
        return int(self._forward("eth_blockNumber", [])["result"], 16) - self.lag

    def answer(self, call: dict) -> dict:
        method, params = call.get("method"), list(call.get("params") or [])
        reply = {"jsonrpc": "2.0", "id": call.get("id")}
        if self.lag and method == "eth_blockNumber":
            return {**reply, "result": hex(max(self._head(), 0))}
        if self.lag and method == "eth_getTransactionReceipt":
            return {**reply, "result": None}
        if method == "eth_getLogs":
            params[0] = self._clip(dict(params[0]))
            if params[0] is None:
                self.refused_log_ranges += 1
                return {
                    **reply,
                    "error": {"code": -32005, "message": "query exceeds max block range 1000"},
                }
        # Nonces come from a fresher backend: "no receipt, nonce used" for a mined mint.
        if self.lag and method in ("eth_getBlockByNumber", "eth_call"):
            params = [hex(self._head()) if p == "latest" else p for p in params]
        return {**self._forward(method, params), "id": call.get("id")}

    def _clip(self, query: dict) -> dict | None:
        head = self._head()
        start = _block(query.get("fromBlock", "0x0"), head)
        end = min(_block(query.get("toBlock", "latest"), head), head)
        if self.max_log_range is not None and end - start + 1 > self.max_log_range:
            return None
        return {**query, "fromBlock": hex(start), "toBlock": hex(end)}


def _block(value, head: int) -> int:
    if value in ("latest", "pending", "safe", "finalized"):
        return head
    if value == "earliest":
        return 0
    return int(value, 16) if isinstance(value, str) else int(value)


@contextmanager
def rpc_proxy(upstream: str, **behaviour) -> Iterator[tuple[str, RpcProxy]]:
    proxy = RpcProxy(upstream, **behaviour)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            call = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answer = (
                [proxy.answer(c) for c in call] if isinstance(call, list) else proxy.answer(call)
            )
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", proxy
    finally:
        server.shutdown()
        server.server_close()
