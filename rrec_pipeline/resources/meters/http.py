"""HTTP for meter sources: one session, timeouts, retries, a rate limit, clean errors.

- Credentials go to the configured origin (scheme, host, port) only: redirects
  are not followed by `requests` but here, and only within that origin; a
  redirect or a `next` link to another origin is an error naming both origins.
- Every request has an overall deadline: a server that drips bytes is cut off.
- A server that echoes a credential back gets it replaced by `***` in the body
  that is landed, and the record says how many were replaced.
- Retries with backoff on 429/5xx and timeouts; a host that refuses connections
  is not asked again.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from rrec_pipeline.resources.meters.http_errors import (
    SourceAuthError,
    SourceError,
    SourceNotFoundError,
    SourceUnreachableError,
    install_log_redaction,
    redact_bytes,
    redacted_params,
    root_cause,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class DeadlineExceeded(requests.Timeout):
    """The whole answer did not arrive within the request's deadline."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    max_retry_after_seconds: float = 300.0


@dataclass
class Response:
    status: int
    body: bytes
    url: str
    received_at: datetime
    request: dict[str, Any] = field(default_factory=dict)


def origin(url: str) -> str:
    """`scheme://host:port`, the unit credentials are scoped to."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{parts.hostname}:{port}"


@dataclass
class HttpClient:
    """Talks to one source. `secrets` are the values that must never be reported."""

    source: str
    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    timeout_seconds: float = 30.0  # per connection attempt and per wait for bytes
    deadline_seconds: float = 300.0  # for a whole answer, however it trickles in
    run_deadline_seconds: float = 3600.0  # for everything this client asks in one run
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    min_interval_seconds: float = 0.0
    credential_hint: str = ""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=requests.Session)
    _last_request_at: float | None = field(default=None, init=False)
    _started_at: float = field(default_factory=time.monotonic, init=False)

    def __post_init__(self) -> None:
        install_log_redaction()

    def get(self, path: str, *, endpoint: str, params: Mapping[str, Any] | None = None) -> Response:
        return self.request("GET", path, endpoint=endpoint, params=params)

    def post(self, path: str, *, endpoint: str, json: Any = None) -> Response:
        return self.request("POST", path, endpoint=endpoint, json=json)

    def request(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Response:
        url = self._url(path, endpoint)
        query = {**self.params, **(params or {})}
        record = {
            "method": method,
            "url": url.split("?")[0],
            "params": redacted_params(query),
            "json": json,
        }
        for attempt in range(1, self.retry.max_attempts + 1):
            self._respect_rate_limit()
            if time.monotonic() - self._started_at > self.run_deadline_seconds:
                cause = f"stopped: the run's deadline of {self.run_deadline_seconds:g} s passed"
                raise SourceError(self.source, endpoint, cause)
            outcome = self._attempt(method, url, query, json, endpoint)
            if isinstance(outcome, requests.Response) and outcome.status_code not in RETRY_STATUSES:
                return self._accept(outcome, endpoint, record)
            if _is_refused(outcome):
                raise self._unreachable(outcome, endpoint)
            if attempt == self.retry.max_attempts:
                raise self._gave_up(outcome, endpoint, attempt)
            self.sleep(self._wait(outcome, attempt))
        raise AssertionError("unreachable")

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text

    def _url(self, path: str, endpoint: str) -> str:
        base = self.base_url.rstrip("/") + "/"
        url = path if "://" in path else urljoin(base, path.lstrip("/"))
        self._same_origin(url, endpoint, "a link")
        return url

    def _same_origin(self, url: str, endpoint: str, what: str) -> None:
        home, there = origin(self.base_url), origin(url)
        if there != home:
            raise SourceError(
                self.source,
                endpoint,
                f"refusing to follow {what} from {home} to another origin ({there}): "
                f"credentials are only sent to {home}",
            )

    def _respect_rate_limit(self) -> None:
        if self._last_request_at is not None and self.min_interval_seconds > 0:
            wait = self._last_request_at + self.min_interval_seconds - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_request_at = self.clock()

    def _attempt(self, method, url, query, json, endpoint) -> requests.Response | Exception:
        """One request, its same-origin redirects followed, its body read before the deadline."""
        deadline = time.monotonic() + self.deadline_seconds
        try:
            for _ in range(MAX_REDIRECTS + 1):
                log.debug("%s %s %s", self.source, method, url.split("?")[0])
                response = self.session.request(
                    method,
                    url,
                    params=query or None,
                    json=json,
                    headers=dict(self.headers),
                    timeout=self.timeout_seconds,
                    allow_redirects=False,
                    stream=True,
                )
                if response.status_code not in REDIRECT_STATUSES:
                    response._content = _read_before(response, deadline)
                    return response
                response.close()
                url = urljoin(url, response.headers.get("Location", ""))
                self._same_origin(url, endpoint, "a redirect")
                query, method = None, "GET" if response.status_code == 303 else method
            return requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")
        except requests.RequestException as error:
            return error

    def _accept(self, response: requests.Response, endpoint: str, record: dict) -> Response:
        status = response.status_code
        if status in (401, 403):
            raise SourceAuthError(
                self.source,
                endpoint,
                self.redact(f"credentials rejected (HTTP {status}); check {self.credential_hint}"),
                status,
            )
        if status == 404:
            raise SourceNotFoundError(self.source, endpoint, "not found (HTTP 404)", status)
        if status >= 400:
            snippet = self.redact(response.content[:200].decode("utf-8", "replace"))
            raise SourceError(self.source, endpoint, f"HTTP {status}: {snippet}", status)
        body, echoed = redact_bytes(response.content, self.secrets)
        if echoed:
            record = {**record, "redacted_secrets": echoed}
            log.warning("%s %s: the answer echoed a credential; redacted", self.source, endpoint)
        return Response(status, body, response.url.split("?")[0], datetime.now(UTC), record)

    def _wait(self, outcome: requests.Response | Exception, attempt: int) -> float:
        backoff = min(
            self.retry.backoff_seconds * 2 ** (attempt - 1), self.retry.max_backoff_seconds
        )
        if isinstance(outcome, requests.Response):
            retry_after = _retry_after_seconds(outcome.headers.get("Retry-After"))
            if retry_after is not None:
                return min(retry_after, self.retry.max_retry_after_seconds)
        return backoff

    def _gave_up(
        self, outcome: requests.Response | Exception, endpoint: str, attempts: int
    ) -> SourceError:
        if isinstance(outcome, requests.Response):
            cause = f"HTTP {outcome.status_code} after {attempts} attempts"
            return SourceError(self.source, endpoint, cause, outcome.status_code)
        cause = f"{type(outcome).__name__} after {attempts} attempts ({root_cause(outcome)})"
        return SourceError(self.source, endpoint, self.redact(cause))

    def _unreachable(self, error: Exception, endpoint: str) -> SourceUnreachableError:
        cause = f"cannot connect to {urlsplit(self.base_url).netloc}: {root_cause(error)}"
        return SourceUnreachableError(self.source, endpoint, self.redact(cause))


def _read_before(response: requests.Response, deadline: float) -> bytes:
    """The whole body, or `DeadlineExceeded` once the deadline passes between reads."""
    chunks = []
    try:
        while chunk := response.raw.read1(65536, decode_content=True):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise DeadlineExceeded("the answer did not complete before the deadline")
    except DeadlineExceeded:
        response.close()
        raise
    except Exception as error:  # urllib3's own read errors, as requests would wrap them
        response.close()
        raise requests.ConnectionError(str(error)) from error
    return b"".join(chunks)


def _is_refused(outcome: object) -> bool:
    """A connection that never opened (refused, no route, unknown host), not a timeout."""
    return isinstance(outcome, requests.ConnectionError) and not isinstance(
        outcome, requests.ConnectTimeout | requests.ReadTimeout
    )


def _retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: an integer, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
