"""HTTP for meter sources: one session, timeouts, retries, a rate limit, clean errors.

Errors name the source, the endpoint and the cause, never a credential: every
message passes through `redact`, which removes the secret values this client
was given, and URLs are reported without their query string. `next` links are
followed only on the configured host, so a token is never sent elsewhere.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"key", "api_key", "token", "access_token", "password", "secret"})


class SourceError(RuntimeError):
    """A meter source failed; the message names source, endpoint and cause."""

    def __init__(self, source: str, endpoint: str, cause: str, status: int | None = None):
        super().__init__(f"{source} {endpoint}: {cause}")
        self.source, self.endpoint, self.cause, self.status = source, endpoint, cause, status


class SourceAuthError(SourceError):
    """Credentials missing, rejected or expired (HTTP 401/403, or an auth error body)."""


class SourceNotFoundError(SourceError):
    """The endpoint or object does not exist (HTTP 404)."""


class SourceUnreachableError(SourceError):
    """The host refused the connection or does not resolve: asking again will not help."""


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


@dataclass
class HttpClient:
    """Talks to one source. `secrets` are the values that must never be reported."""

    source: str
    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    timeout_seconds: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    min_interval_seconds: float = 0.0
    credential_hint: str = ""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=requests.Session)
    _last_request_at: float | None = field(default=None, init=False)

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
            "params": _redacted(query),
            "json": json,
        }
        for attempt in range(1, self.retry.max_attempts + 1):
            self._respect_rate_limit()
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
        if urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            raise SourceError(
                self.source,
                endpoint,
                f"refusing to follow a link to another host ({urlsplit(url).netloc})",
            )
        return url

    def _respect_rate_limit(self) -> None:
        if self._last_request_at is not None and self.min_interval_seconds > 0:
            wait = self._last_request_at + self.min_interval_seconds - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_request_at = self.clock()

    def _attempt(self, method, url, query, json, endpoint) -> requests.Response | Exception:
        log.debug("%s %s %s", self.source, method, url.split("?")[0])
        try:
            return self.session.request(
                method,
                url,
                params=query or None,
                json=json,
                headers=dict(self.headers),
                timeout=self.timeout_seconds,
            )
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
        return Response(
            status, response.content, response.url.split("?")[0], datetime.now(UTC), record
        )

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
        cause = f"{type(outcome).__name__} after {attempts} attempts ({_root_cause(outcome)})"
        return SourceError(self.source, endpoint, self.redact(cause))

    def _unreachable(self, error: Exception, endpoint: str) -> SourceUnreachableError:
        host = urlsplit(self.base_url).netloc
        cause = f"cannot connect to {host}: {_root_cause(error)}"
        return SourceUnreachableError(self.source, endpoint, self.redact(cause))


def _is_refused(outcome: object) -> bool:
    """A connection that never opened (refused, no route, unknown host), not a timeout."""
    return isinstance(outcome, requests.ConnectionError) and not isinstance(
        outcome, requests.ConnectTimeout | requests.ReadTimeout
    )


def _root_cause(error: Exception) -> str:
    """The innermost reason (`Connection refused`), without URLs or credentials."""
    cause: BaseException = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    text = str(cause)
    for marker in ("] ", ": "):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    return text.strip(" ')\"") or type(error).__name__


class RedactQueryCredentials(logging.Filter):
    """urllib3 logs request lines with their query string; credentials leave as `***`."""

    _PATTERN = re.compile(r"\b(" + "|".join(sorted(SECRET_PARAMS)) + r")=[^&\s\"']+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._PATTERN.sub(r"\1=***", str(record.msg))
        if record.args:
            record.args = tuple(
                self._PATTERN.sub(r"\1=***", str(arg)) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def install_log_redaction() -> None:
    """Idempotently guard the loggers that print request URLs."""
    for name in ("urllib3.connectionpool", "urllib3"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryCredentials) for f in logger.filters):
            logger.addFilter(RedactQueryCredentials())


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


def _redacted(query: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters for the landing record, with credentials blanked out."""
    return {k: ("***" if k.lower() in SECRET_PARAMS else v) for k, v in query.items()}
