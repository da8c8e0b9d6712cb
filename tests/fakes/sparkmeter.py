"""SparkMeter: Koios v2 (key + secret, cursor pages, duplicated rows) and ThunderCloud v0."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from werkzeug import Request, Response

from tests.fakes.base import FakeApi
from tests.fakes.dataset import MeterDataset, kwh

TARIFFS = {"type1_household": "Residential", "type2_non_household": "Commercial", None: "Flat"}


class FakeKoios(FakeApi):
    def __init__(
        self,
        server,
        dataset: MeterDataset,
        key: str = "koios-key-abc",
        secret: str = "koios-secret-xyz",
    ):
        super().__init__(server)
        self.dataset, self.key, self.secret = dataset, key, secret
        self.duplicate_every = 3  # Koios repeats interval rows; every third is sent twice

    def deny(self, request: Request) -> Response | None:
        if (request.headers.get("X-API-KEY"), request.headers.get("X-API-SECRET")) == (
            self.key,
            self.secret,
        ):
            return None
        return self.json({"error": "unauthorized"}, 401)

    def route(self, request: Request):
        if request.path == "/api/v1/organizations":
            return {"organizations": [{"id": "org-1", "name": "Example"}]}
        if request.path == "/api/v1/customers":
            customers = [
                {"code": d.customer_id, "customer_type": TARIFFS[d.customer_class]}
                for d in self.dataset.devices
            ]
            return self.cursor_page(
                customers, request.args.get("cursor"), int(request.args.get("per_page", 50))
            )
        if request.path == "/api/v2/organizations/org-1/data/historical":
            body = json.loads(request.data)
            day = date.fromisoformat(body["filters"]["date_range"]["from"])
            return self.cursor_page(
                self.quarter_hours(day), body.get("cursor"), int(body.get("per_page", 50))
            )
        return self.json({"error": "not found"}, 404)

    def quarter_hours(self, day: date) -> list[dict]:
        start = datetime.combine(day, datetime.min.time(), UTC)
        rows = []
        for device in self.dataset.devices:
            for at, wh in self.dataset.hours(device.device_id, start, start + timedelta(days=1)):
                for quarter in range(4):
                    rows.append(
                        {
                            "timestamp": (at + timedelta(minutes=15 * quarter)).strftime(
                                "%Y-%m-%dT%H:%M:%SZ"
                            ),
                            "kilowatt_hours": kwh(wh // 4),
                            "meter": {
                                "serial_number": device.device_id,
                                "customer": {"code": device.customer_id},
                            },
                        }
                    )
        with_repeats = []
        for index, row in enumerate(rows):
            with_repeats.append(row)
            if index % self.duplicate_every == 0:
                with_repeats.append(dict(row))
        return with_repeats

    @staticmethod
    def cursor_page(items: list, cursor: str | None, per_page: int) -> dict:
        offset = int(cursor or 0)
        chunk = items[offset : offset + per_page]
        has_more = offset + per_page < len(items)
        return {
            "data": chunk,
            "pagination": {
                "cursor": str(offset + per_page) if has_more else None,
                "has_more": has_more,
            },
        }


class FakeThunderCloud(FakeApi):
    """Live registers: each GET answers with the register as of `now` (site-local, naive)."""

    def __init__(self, server, dataset: MeterDataset, token: str = "tc-token-777"):
        super().__init__(server)
        self.dataset, self.token = dataset, token
        self.now: datetime = datetime.combine(dataset.first_day, datetime.min.time(), UTC)
        self.local_offset = timedelta(hours=3)

    def deny(self, request: Request) -> Response | None:
        if request.headers.get("Authentication-Token") == self.token:
            return None
        return self.json({"error": "unauthorized", "status": "failure"}, 401)

    def route(self, request: Request):
        local = (self.now + self.local_offset).replace(tzinfo=None).isoformat()
        return {
            "status": "success",
            "error": None,
            "customers": [
                {
                    "code": d.customer_id,
                    "meters": [
                        {
                            "serial": d.device_id,
                            "current_tariff_name": TARIFFS[d.customer_class],
                            "last_energy": self.dataset.register(d.device_id, self.now),
                            "last_energy_datetime": local,
                        }
                    ],
                }
                for d in self.dataset.devices
            ],
        }
