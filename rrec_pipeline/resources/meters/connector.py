"""What every meter source shares (`MeterSource`), and what the API ones add (`ApiSource`).

A source turns a UTC window into pages (`fetch`). API connectors talk HTTP with
credentials from the environment (`RREC_<SOURCE>_URL`, `_TOKEN`, `_SECRET`),
masked wherever the resource is printed; the HTTP client redacts them from
errors. The meter file drop is a source without HTTP settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import dagster as dg
from pydantic import PrivateAttr

from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.meters.http import HttpClient, Response, RetryPolicy
from rrec_pipeline.resources.meters.http_errors import SourceError

SECRET_FIELDS = frozenset({"token", "secret", "password"})
Window = tuple[datetime, datetime]


class MeterSource(dg.ConfigurableResource):
    """Base of every meter source; not used on its own."""

    max_kwh_per_hour: float = 10_000.0  # a threshold: more per hour is held back
    settle_hours: float = 24.0  # a day can still change until this long after it ends

    source: ClassVar[str] = ""
    # Registers need the readings just outside a day to close its first and
    # last intervals, so windows are widened by this much on both sides.
    padding: ClassVar[timedelta] = timedelta(0)

    @property
    def always_rescan(self) -> bool:
        """Sources without time windows (a folder, a live snapshot) are asked every run."""
        return False

    @property
    def env_prefix(self) -> str:
        return f"RREC_{self.source.upper()}"

    @property
    def is_configured(self) -> bool:
        raise NotImplementedError

    def require_configured(self) -> None:
        raise NotImplementedError

    def fetch(self, window: Window) -> Iterator[Page]:
        raise NotImplementedError


class ApiSource(MeterSource):
    """A meter system's HTTP API: base URL, credentials, timeouts, retries, pace."""

    base_url: str = ""
    token: str = ""
    timeout_seconds: float = 30.0  # to connect, and between two pieces of an answer
    request_deadline_seconds: float = 300.0  # for a whole answer
    run_deadline_seconds: float = 3600.0  # for everything one run asks
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_retry_after_seconds: float = 300.0
    requests_per_second: float = 1.0

    _sleep: Callable[[float], None] = PrivateAttr(default=time.sleep)
    _http: HttpClient | None = PrivateAttr(default=None)

    def __repr_args__(self):
        for name, value in super().__repr_args__():
            yield name, ("***" if name in SECRET_FIELDS and value else value)

    def required_settings(self) -> dict[str, str]:
        """Environment variable -> why it is needed, for each setting still missing."""
        return {} if self.token else {f"{self.env_prefix}_TOKEN": "the API token"}

    @property
    def is_configured(self) -> bool:
        return bool(self.base_url) and not self.required_settings()

    def require_configured(self) -> None:
        missing = self.required_settings()
        if not self.base_url:
            missing = {f"{self.env_prefix}_URL": "the API's base URL", **missing}
        if missing:
            listed = ", ".join(f"{name} ({why})" for name, why in missing.items())
            raise SourceError(self.source, "(configuration)", f"not configured: set {listed}")

    def auth_headers(self) -> dict[str, str]:
        return {}

    def auth_params(self) -> dict[str, str]:
        return {}

    def secrets(self) -> tuple[str, ...]:
        return tuple(getattr(self, name, "") or "" for name in SECRET_FIELDS)

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            self.require_configured()
            self._http = HttpClient(
                source=self.source,
                base_url=self.base_url,
                headers=self.auth_headers(),
                params=self.auth_params(),
                secrets=self.secrets(),
                timeout_seconds=self.timeout_seconds,
                deadline_seconds=self.request_deadline_seconds,
                run_deadline_seconds=self.run_deadline_seconds,
                retry=RetryPolicy(
                    self.max_attempts,
                    self.backoff_seconds,
                    max_retry_after_seconds=self.max_retry_after_seconds,
                ),
                min_interval_seconds=1.0 / self.requests_per_second,
                credential_hint=f"{self.env_prefix}_TOKEN",
                sleep=self._sleep,
            )
        return self._http

    def page(
        self, response: Response, kind: str, endpoint: str, context: dict[str, Any] | None = None
    ) -> Page:
        return Page(
            self.source,
            kind,
            endpoint,
            response.request,
            response.status,
            response.received_at,
            response.body,
            context or {},
        )


def utc_iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_seconds(instant: datetime) -> int:
    return int(instant.timestamp())


def spans(window: Window, longest: timedelta) -> list[Window]:
    """Split a window into consecutive spans no longer than `longest`."""
    start, end = window
    pieces = []
    while start < end:
        pieces.append((start, min(start + longest, end)))
        start = pieces[-1][1]
    return pieces


def day_chunks(window: Window) -> list[Window]:
    """Split a window at UTC midnights: connectors ask for at most one day per call."""
    start, end = window
    chunks = []
    while start < end:
        midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), UTC)
        chunks.append((start, min(midnight, end)))
        start = chunks[-1][1]
    return chunks
