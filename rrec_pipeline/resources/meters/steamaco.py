"""SteamaCo (api.steama.co): sites, customers, meters and hourly meter readings.

Auth `Authorization: Token <token>`; Django-REST pagination (`results`, absolute
`next` links). SteamaCo answers some errors with HTTP 200 and a `detail` body,
so every page is checked for one. Readings are kWh, stamped in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, ClassVar

from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.meters.connector import ApiSource, Window, spans, utc_iso
from rrec_pipeline.resources.meters.http_errors import SourceAuthError, SourceError

_AUTH_WORDS = ("token", "credential", "authenticat", "permission", "not authorized")


class SteamaCo(ApiSource):
    base_url: str = "https://api.steama.co"
    requests_per_second: float = 5.0
    page_size: int = 100
    include_site_totals: bool = False

    source: ClassVar[str] = "steamaco"
    padding: ClassVar[timedelta] = timedelta(hours=1)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    def fetch(self, window: Window) -> Iterator[Page]:
        sites: list[Any] = []
        for page, items in self._pages("/sites/", "steamaco.sites"):
            yield page
            sites.extend(item.get("id") for item in items)
        customers: dict[Any, dict] = {}
        for page, items in self._pages("/customers/", "steamaco.customers"):
            yield page
            customers.update({item.get("id"): item for item in items})
        meters: list[dict] = []
        for page, items in self._pages("/meters/", "steamaco.meters"):
            yield page
            meters.extend(items)
        for chunk in spans(window, timedelta(days=7)):
            params = {"start_time": utc_iso(chunk[0]), "end_time": utc_iso(chunk[1])}
            for meter in meters:
                yield from self._meter_readings(meter, customers, params)
            if self.include_site_totals:
                for site in sorted(set(sites) - {None}):
                    yield from self._site_usage(site, params)

    def _meter_readings(self, meter: dict, customers: dict, params: dict) -> Iterator[Page]:
        if meter.get("id") is None:
            raise SourceError(self.source, "/meters/", "a meter without 'id'")
        customer = customers.get(meter.get("customer")) or {}
        context = {
            "site_id": customer.get("site", meter.get("site", "")),
            "device_id": str(meter.get("reference") or meter["id"]),
            "customer_id": None if not customer else str(customer["id"]),
            "user_type": customer.get("user_type"),
            "interval_hours": 1,
        }
        path = f"/meters/{meter['id']}/utilities/1/readings/"
        for page, _ in self._pages(path, "steamaco.meter_readings", params, context):
            yield page

    def _site_usage(self, site: Any, params: dict) -> Iterator[Page]:
        context = {"site_id": site, "device_id": f"site:{site}", "interval_hours": 1}
        path = f"/sites/{site}/utilities/1/usage/"
        for page, _ in self._pages(path, "steamaco.site_usage", params, context):
            yield page

    def _pages(
        self, path: str, kind: str, params: dict | None = None, context: dict | None = None
    ) -> Iterator[tuple[Page, list[dict]]]:
        """Follow `next` links; yield each page before reading it, so it is landed first."""
        endpoint = path
        query: dict | None = {**(params or {}), "page_size": self.page_size}
        seen: set[str] = set()
        while path:
            response = self.http.get(path, endpoint=endpoint, params=query)
            page = self.page(response, kind, endpoint, context)
            yield page, self._items(page, endpoint)
            body = page.json()
            path = body.get("next") if isinstance(body, dict) else None
            if path in seen:
                raise SourceError(self.source, endpoint, f"pagination loops back to {path}")
            seen.add(path or "")
            query = None  # `next` links carry their own query

    def _items(self, page: Page, endpoint: str) -> list[dict]:
        """The page's items; an error `detail` in a 200 answer raises here."""
        try:
            body = page.json()
        except ValueError:
            return []  # the landing step rejects and quarantines this page
        if isinstance(body, list):
            return self._objects(body, endpoint)
        if isinstance(body, dict) and "detail" in body and "results" not in body:
            detail = self.http.redact(str(body["detail"]))
            if any(word in detail.lower() for word in _AUTH_WORDS):
                raise SourceAuthError(
                    self.source,
                    endpoint,
                    f"credentials rejected in a 200 answer ({detail!r}); "
                    f"check {self.env_prefix}_TOKEN",
                )
            raise SourceError(self.source, endpoint, f"error in a 200 answer: {detail!r}")
        results = body.get("results", []) if isinstance(body, dict) else []
        if not isinstance(results, list):
            raise SourceError(self.source, endpoint, "'results' is not a list")
        return self._objects(results, endpoint)

    def _objects(self, items: list, endpoint: str) -> list[dict]:
        """The items, which must be objects: a list of numbers is not a SteamaCo page."""
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                found = type(item).__name__
                raise SourceError(
                    self.source, endpoint, f"item {index} is a {found}, not an object"
                )
        return items
