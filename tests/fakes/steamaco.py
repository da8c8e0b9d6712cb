"""A SteamaCo API: Token auth, DRF pagination with absolute `next`, hourly readings."""

from __future__ import annotations

import re
from datetime import datetime

from werkzeug import Request, Response

from tests.fakes.base import FakeApi
from tests.fakes.dataset import MeterDataset, kwh

USER_TYPES = {"type1_household": "RES", "type2_non_household": "BUS", None: "UNK"}


class FakeSteamaCo(FakeApi):
    def __init__(self, server, dataset: MeterDataset, token: str = "steama-token-123"):
        super().__init__(server)
        self.dataset, self.token = dataset, token
        self.expired_as_200 = False
        self.empty_readings = False

    def deny(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") == f"Token {self.token}":
            return None
        if self.expired_as_200:
            return self.json({"detail": "Invalid token."})
        return self.json({"detail": "Authentication credentials were not provided."}, 401)

    def route(self, request: Request):
        path = request.path
        devices = self.dataset.devices
        if path == "/sites/":
            return self.paged(
                request,
                [
                    {"id": int(site), "name": f"Site {site}"}
                    for site in sorted({d.site_id for d in devices})
                ],
            )
        if path == "/customers/":
            return self.paged(
                request,
                [
                    {
                        "id": int(d.customer_id),
                        "site": int(d.site_id),
                        "user_type": USER_TYPES[d.customer_class],
                        "first_name": "X",
                    }
                    for d in devices
                ],
            )
        if path == "/meters/":
            return self.paged(
                request,
                [
                    {"id": n, "reference": d.device_id, "customer": int(d.customer_id)}
                    for n, d in enumerate(devices, start=1)
                ],
            )
        match = re.fullmatch(r"/meters/(\d+)/utilities/1/readings/", path)
        if match:
            device = devices[int(match.group(1)) - 1]
            start = datetime.fromisoformat(request.args["start_time"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(request.args["end_time"].replace("Z", "+00:00"))
            rows = (
                []
                if self.empty_readings
                else [
                    {
                        "timestamp": at.isoformat(),
                        "usage_amount": f"{kwh(wh):.4f}",
                        "reading": self.dataset.register(device.device_id, at),
                    }
                    for at, wh in self.dataset.hours(device.device_id, start, end)
                ]
            )
            return self.paged(request, rows)
        match = re.fullmatch(r"/sites/(\d+)/utilities/1/usage/", path)
        if match:
            start = datetime.fromisoformat(request.args["start_time"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(request.args["end_time"].replace("Z", "+00:00"))
            hours: dict[datetime, float] = {}
            for device in devices:
                for at, wh in self.dataset.hours(device.device_id, start, end):
                    hours[at] = hours.get(at, 0) + wh
            return [
                {"timestamp": at.isoformat(), "usage": kwh(wh)} for at, wh in sorted(hours.items())
            ]
        return self.json({"detail": "Not found."}, 404)

    def paged(self, request: Request, items: list) -> dict:
        size = int(request.args.get("page_size", 100))
        page = int(request.args.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        has_next = page * size < len(items)
        args = {k: v for k, v in request.args.items() if k != "page"}
        query = "&".join(f"{k}={v}" for k, v in {**args, "page": page + 1}.items())
        return {
            "count": len(items),
            "next": f"{self.url}{request.path}?{query}" if has_next else None,
            "previous": None,
            "results": chunk,
        }
