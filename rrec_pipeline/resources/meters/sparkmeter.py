"""SparkMeter: the Koios cloud API (history) and the on-site ThunderCloud API (live).

Koios: headers `X-API-KEY` and `X-API-SECRET`; `POST .../data/historical` one
day at a time (multi-day ranges are known to cause 500s), cursor pagination
(`pagination.cursor`, `has_more`), interval kWh stamped in UTC. Koios is known
to deliver the same interval row many times; normalisation collapses them.
ThunderCloud v0: header `Authentication-Token`; one list of customers with each
meter's lifetime register (`last_energy`, kWh) in site-local time, no history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar, Literal

from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.meters.connector import ApiSource, Window, day_chunks
from rrec_pipeline.resources.meters.http_errors import SourceError


class SparkMeter(ApiSource):
    base_url: str = "https://www.sparkmeter.cloud"
    secret: str = ""
    api: Literal["koios", "thundercloud"] = "koios"
    organization_id: str = ""
    site_ids: str = ""  # comma-separated Koios site ids; empty means every site
    per_page: int = 50
    interval_minutes: int = 15
    site_timezone: str = "UTC"
    # Koios allows about 3 requests per 5 s in bursts (observed, not documented).
    requests_per_second: float = 0.6

    source: ClassVar[str] = "sparkmeter"
    padding: ClassVar[timedelta] = timedelta(0)

    def required_settings(self) -> dict[str, str]:
        missing = {} if self.token else {"RREC_SPARKMETER_TOKEN": "the API key"}
        if not self.secret and self.api == "koios":
            missing["RREC_SPARKMETER_SECRET"] = "the Koios API secret"
        return missing

    @property
    def always_rescan(self) -> bool:
        return self.api == "thundercloud"

    @property
    def sites(self) -> list[str]:
        return [site.strip() for site in self.site_ids.split(",") if site.strip()]

    def auth_headers(self) -> dict[str, str]:
        if self.api == "thundercloud":
            return {"Authentication-Token": self.token}
        return {"X-API-KEY": self.token, "X-API-SECRET": self.secret}

    def fetch(self, window: Window) -> Iterator[Page]:
        if self.api == "thundercloud":
            yield from self._thundercloud(window)
            return
        organization = yield from self._organization()
        tariffs: dict[str, str] = {}
        for page, items in self._cursor_pages(
            "GET", "/api/v1/customers", "sparkmeter.koios_customers"
        ):
            yield page
            tariffs.update(_customer_tariffs(items))
        path = f"/api/v2/organizations/{organization}/data/historical"
        for day_start, _ in day_chunks(window):
            day = day_start.date().isoformat()
            filters: dict[str, Any] = {"date_range": {"from": day, "to": day}}
            if self.sites:
                filters["sites"] = self.sites
            context = {
                "site_id": self.site_ids or organization,
                "interval_minutes": self.interval_minutes,
            }
            for page, items in self._cursor_pages(
                "POST", path, "sparkmeter.koios_historical", {"filters": filters}, context
            ):
                codes = {(i.get("meter") or {}).get("customer", {}).get("code") for i in items}
                on_page = {code: tariffs[code] for code in codes if code in tariffs}
                yield replace(page, context={**page.context, "customer_tariffs": on_page})

    def _organization(self) -> Iterator[Page]:
        if self.organization_id:
            return self.organization_id
        response = self.http.get("/api/v1/organizations", endpoint="/api/v1/organizations")
        page = self.page(response, "sparkmeter.koios_organizations", "/api/v1/organizations")
        yield page
        body = page.json()
        organizations = (
            body.get("organizations", body.get("data", [])) if isinstance(body, dict) else body
        )
        if not isinstance(organizations, list) or len(organizations) != 1:
            raise SourceError(
                self.source,
                "/api/v1/organizations",
                "expected exactly one organization; set RREC_SPARKMETER_ORG",
            )
        return str(organizations[0]["id"])

    def _cursor_pages(
        self,
        method: str,
        path: str,
        kind: str,
        body: dict | None = None,
        context: dict | None = None,
    ) -> Iterator[tuple[Page, list[dict]]]:
        cursor = None
        while True:
            payload = {**(body or {}), "per_page": self.per_page, "cursor": cursor}
            if method == "POST":
                response = self.http.post(path, endpoint=path, json=payload)
            else:
                response = self.http.get(
                    path, endpoint=path, params={k: v for k, v in payload.items() if v is not None}
                )
            page = self.page(response, kind, path, dict(context or {}))
            items, cursor, has_more = _cursor_page(page)
            yield page, items
            if not has_more or not cursor:
                return

    def _thundercloud(self, window: Window) -> Iterator[Page]:
        """Live registers only: each poll lands under the day its readings were taken."""
        path = "/api/v0/customers"
        response = self.http.get(
            path, endpoint=path, params={"customers_only": "true", "reading_details": "true"}
        )
        yield self.page(
            response,
            "sparkmeter.thundercloud_customers",
            path,
            {"site_id": self.site_ids or "thundercloud", "timezone": self.site_timezone},
        )


def _cursor_page(page: Page) -> tuple[list[dict], str | None, bool]:
    """Koios v2 `{data, pagination}` or v1 `{results, cursor}` lists."""
    try:
        body = page.json()
    except ValueError:
        return [], None, False  # the landing step rejects and quarantines this page
    if not isinstance(body, dict):
        return [], None, False
    if "pagination" in body:
        pagination = body["pagination"] or {}
        return body.get("data") or [], pagination.get("cursor"), bool(pagination.get("has_more"))
    items = body.get("results", body.get("data")) or []
    return items, body.get("cursor"), bool(body.get("cursor")) and bool(items)


def _customer_tariffs(items: list[dict]) -> dict[str, str]:
    """Customer code -> tariff or class name as Koios lists it (classified when parsed)."""
    tariffs = {}
    for customer in items:
        name = customer.get("customer_type") or customer.get("class") or customer.get("tariff")
        if isinstance(name, dict):
            name = name.get("name")
        if customer.get("code") and isinstance(name, str):
            tariffs[str(customer["code"])] = name
    return tariffs
