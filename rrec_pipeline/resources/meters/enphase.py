"""Enphase Enlighten API v4: production meter telemetry or daily energy, per system.

Every call carries the OAuth access token (`Authorization: Bearer`) and the
application key (`?key=`); the key is redacted from landed requests and errors.
Values are Wh, times epoch seconds (UTC), intervals listed by their end. One
call per UTC day (the API allows at most 7). A 429 carries no rate headers, so
the client backs off exponentially; the default pace is the Watt plan's 10/min.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.meters.connector import ApiSource, Window, day_chunks, epoch_seconds
from rrec_pipeline.resources.meters.http_errors import SourceError


class Enphase(ApiSource):
    base_url: str = "https://api.enphaseenergy.com"
    secret: str = ""  # the application API key
    mode: Literal["telemetry", "daily"] = "telemetry"
    system_ids: str = ""  # comma-separated; empty means every system of the account
    page_size: int = 100
    requests_per_second: float = 10 / 60

    source: ClassVar[str] = "enphase"
    padding: ClassVar[timedelta] = timedelta(0)

    def required_settings(self) -> dict[str, str]:
        missing = {} if self.token else {"RREC_ENPHASE_TOKEN": "the OAuth access token"}
        if not self.secret:
            missing["RREC_ENPHASE_SECRET"] = "the application API key"
        return missing

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def auth_params(self) -> dict[str, str]:
        return {"key": self.secret}

    def fetch(self, window: Window) -> Iterator[Page]:
        systems = yield from self._systems()
        wanted = {s.strip() for s in self.system_ids.split(",") if s.strip()}
        for system in systems:
            if not isinstance(system, dict) or system.get("system_id") is None:
                raise SourceError(self.source, "/api/v4/systems", "a system without 'system_id'")
            system_id = str(system["system_id"])
            if wanted and system_id not in wanted:
                continue
            context = {"site_id": system_id, "timezone": system.get("timezone") or "UTC"}
            for chunk in day_chunks(window):
                if self.mode == "daily":
                    yield self._energy_lifetime(system_id, chunk, context)
                else:
                    yield self._production_meter(system_id, chunk, context)

    def _systems(self) -> Iterator[Page]:
        systems: list[dict] = []
        page_number = 1
        while True:
            endpoint = "/api/v4/systems"
            response = self.http.get(
                endpoint, endpoint=endpoint, params={"page": page_number, "size": self.page_size}
            )
            page = self.page(response, "enphase.systems", endpoint)
            yield page
            body = page.json()
            batch = body.get("systems", []) if isinstance(body, dict) else []
            systems.extend(batch)
            if not batch or len(systems) >= int(body.get("total", len(systems))):
                return systems
            page_number += 1

    def _production_meter(self, system_id: str, chunk: Window, context: dict) -> Page:
        endpoint = f"/api/v4/systems/{system_id}/telemetry/production_meter"
        response = self.http.get(
            endpoint,
            endpoint=endpoint,
            params={"start_at": epoch_seconds(chunk[0]), "granularity": "day"},
        )
        return self.page(
            response,
            "enphase.production_meter",
            endpoint,
            {**context, "device_id": f"{system_id}:production_meter", "interval_seconds": 900},
        )

    def _energy_lifetime(self, system_id: str, chunk: Window, context: dict) -> Page:
        """Daily Wh by the system's local dates overlapping the UTC chunk."""
        local = ZoneInfo(context["timezone"])
        first = chunk[0].astimezone(local).date()
        last = (chunk[1] - timedelta(microseconds=1)).astimezone(local).date()
        endpoint = f"/api/v4/systems/{system_id}/energy_lifetime"
        response = self.http.get(
            endpoint,
            endpoint=endpoint,
            params={
                "start_date": first.isoformat(),
                "end_date": last.isoformat(),
                "production": "all",
            },
        )
        return self.page(
            response,
            "enphase.energy_lifetime",
            endpoint,
            {**context, "device_id": f"{system_id}:production"},
        )
