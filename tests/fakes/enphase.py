"""Enphase v4: Bearer + `key`, systems paged, Wh telemetry by interval end, daily Wh."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from werkzeug import Request, Response

from tests.fakes.base import FakeApi
from tests.fakes.dataset import MeterDataset


class FakeEnphase(FakeApi):
    def __init__(
        self,
        server,
        dataset: MeterDataset,
        token: str = "enphase-bearer-1",
        key: str = "enphase-app-key-2",
        timezone: str = "America/New_York",
    ):
        super().__init__(server)
        self.dataset, self.token, self.key, self.timezone = dataset, token, key, timezone

    def system_ids(self) -> dict[str, str]:
        return {str(7000 + n): d.device_id for n, d in enumerate(self.dataset.devices, 1)}

    def deny(self, request: Request) -> Response | None:
        if request.args.get("key") != self.key:
            return self.json({"message": "Not Authorized", "details": "invalid key"}, 401)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.json({"message": "Not Authorized", "details": "token expired"}, 401)
        return None

    def route(self, request: Request):
        if request.path == "/api/v4/systems":
            systems = [
                {"system_id": int(s), "name": f"System {s}", "timezone": self.timezone}
                for s in self.system_ids()
            ]
            page, size = int(request.args.get("page", 1)), int(request.args.get("size", 10))
            return {
                "total": len(systems),
                "current_page": page,
                "size": size,
                "systems": systems[(page - 1) * size : page * size],
            }
        match = re.fullmatch(
            r"/api/v4/systems/(\d+)/(telemetry/production_meter|energy_lifetime)", request.path
        )
        if not match:
            return self.json({"message": "Not Found"}, 404)
        device = self.system_ids()[match.group(1)]
        if match.group(2) == "energy_lifetime":
            return self.energy_lifetime(device, request)
        start = datetime.fromtimestamp(int(request.args["start_at"]), UTC)
        intervals = [
            {
                "end_at": int((at + timedelta(minutes=15 * (q + 1))).timestamp()),
                "devices_reporting": 1,
                "wh_del": wh // 4,
            }
            for at, wh in self.dataset.hours(device, start, start + timedelta(days=1))
            for q in range(4)
        ]
        return {
            "system_id": int(match.group(1)),
            "granularity": "day",
            "items": "intervals",
            "start_at": int(start.timestamp()),
            "intervals": intervals,
        }

    def energy_lifetime(self, device: str, request: Request) -> dict:
        local = ZoneInfo(self.timezone)
        first = date.fromisoformat(request.args["start_date"])
        last = date.fromisoformat(request.args["end_date"])
        production = []
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            begin = datetime.combine(day, datetime.min.time(), local).astimezone(UTC)
            end = datetime.combine(day + timedelta(days=1), datetime.min.time(), local)
            production.append(
                sum(wh for _, wh in self.dataset.hours(device, begin, end.astimezone(UTC)))
            )
        return {
            "start_date": first.isoformat(),
            "production": production,
            "meta": {"status": "normal"},
        }

    def local_day_totals(self) -> dict[tuple[str, date], int]:
        """Wh per system and local day, as Enphase's daily series reports it."""
        local, totals = ZoneInfo(self.timezone), {}
        for device, series in self.dataset.hourly_wh.items():
            for at, wh in series.items():
                key = (device, at.astimezone(local).date())
                totals[key] = totals.get(key, 0) + wh
        return totals
