"""Errors of meter sources, and keeping credentials out of everything reported.

Errors name the source, the endpoint and the cause, never a credential: every
message passes through the client's `redact`, request records carry secret
query parameters as `***`, and urllib3's request logs are filtered the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

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


def root_cause(error: BaseException) -> str:
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


def redacted_params(query: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters for the landing record, with credentials blanked out."""
    return {k: ("***" if k.lower() in SECRET_PARAMS else v) for k, v in query.items()}


def redact_bytes(body: bytes, secrets: tuple[str, ...]) -> tuple[bytes, int]:
    """`body` with every secret value replaced by `***`, and how many were replaced."""
    count = 0
    for secret in secrets:
        if secret:
            needle = secret.encode("utf-8")
            count += body.count(needle)
            body = body.replace(needle, b"***")
    return body, count
