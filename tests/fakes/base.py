"""What every fake API shares: one catch-all handler, auth checks, injected failures."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


@dataclass
class Failure:
    path: str  # a regex the request path must match
    status: int
    body: bytes = b'{"error": "injected"}'
    headers: dict | None = None


class FakeApi:
    """Routes every request to `route(request)` after auth and injected failures."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.failures: deque[Failure] = deque()
        self.malformed: set[str] = set()  # regexes of paths answered with broken JSON
        self.requests: list[Request] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def fail(self, path: str, status: int, times: int = 1, **kwargs) -> None:
        self.failures.extend(Failure(path, status, **kwargs) for _ in range(times))

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        for failure in list(self.failures):
            if re.search(failure.path, request.path):
                self.failures.remove(failure)
                return Response(failure.body, failure.status, headers=failure.headers or {})
        denied = self.deny(request)
        if denied is not None:
            return denied
        if any(re.search(path, request.path) for path in self.malformed):
            return Response(b'{"results": [{"timestamp": ', 200, content_type="application/json")
        return self.json(self.route(request))

    @staticmethod
    def json(payload, status: int = 200) -> Response:
        if isinstance(payload, Response):
            return payload
        return Response(json.dumps(payload), status, content_type="application/json")

    def deny(self, request: Request) -> Response | None:
        return None

    def route(self, request: Request):
        raise NotImplementedError
