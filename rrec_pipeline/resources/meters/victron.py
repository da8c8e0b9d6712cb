"""Victron VRM API v2: hourly kWh per installation, PV yield from attribute codes.

Auth `X-Authorization: Token <personal access token>` (or `Bearer` from a
login). Windows go out as epoch seconds; series come back as epoch
milliseconds (UTC). Installations carry their time zone, kept in the context.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import ClassVar, Literal

from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.meters.connector import ApiSource, Window, day_chunks, epoch_seconds
from rrec_pipeline.resources.meters.http_errors import SourceError


class Victron(ApiSource):
    base_url: str = "https://vrmapi.victronenergy.com"
    token_type: Literal["Token", "Bearer"] = "Token"
    user_id: str = ""
    site_ids: str = ""  # comma-separated idSite values; empty means every installation
    attribute_codes: str = "Pc,Pb,Pg"
    requests_per_second: float = 1.0

    source: ClassVar[str] = "victron"
    padding: ClassVar[timedelta] = timedelta(0)

    def auth_headers(self) -> dict[str, str]:
        return {"X-Authorization": f"{self.token_type} {self.token}"}

    def fetch(self, window: Window) -> Iterator[Page]:
        user = self.user_id or (yield from self._me())
        installations = yield from self._installations(user)
        wanted = {s.strip() for s in self.site_ids.split(",") if s.strip()}
        codes = [code.strip() for code in self.attribute_codes.split(",") if code.strip()]
        for installation in installations:
            if not isinstance(installation, dict) or installation.get("idSite") is None:
                where = f"/v2/users/{user}/installations"
                raise SourceError(self.source, where, "an installation without 'idSite'")
            site = str(installation["idSite"])
            if wanted and site not in wanted:
                continue
            context = {
                "site_id": site,
                "device_id": f"{site}:pv",
                "interval": "hours",
                "timezone": installation.get("timezone") or "UTC",
                "attribute_codes": codes,
            }
            for start, end in day_chunks(window):
                endpoint = f"/v2/installations/{site}/stats"
                response = self.http.get(
                    endpoint,
                    endpoint=endpoint,
                    params={
                        "type": "kwh",
                        "interval": "hours",
                        "start": epoch_seconds(start),
                        "end": epoch_seconds(end),
                    },
                )
                yield self.page(response, "victron.stats", endpoint, context)

    def _me(self) -> Iterator[Page]:
        response = self.http.get("/v2/users/me", endpoint="/v2/users/me")
        page = self.page(response, "victron.user", "/v2/users/me")
        yield page
        body = page.json()
        try:
            return str(body["user"]["id"])
        except (KeyError, TypeError):
            raise SourceError(self.source, "/v2/users/me", "no user id in the answer") from None

    def _installations(self, user: str) -> Iterator[Page]:
        endpoint = f"/v2/users/{user}/installations"
        page = self.page(
            self.http.get(endpoint, endpoint=endpoint), "victron.installations", endpoint
        )
        yield page
        body = page.json()
        return body.get("records", []) if isinstance(body, dict) else []
