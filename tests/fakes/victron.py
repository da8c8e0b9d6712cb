"""Victron VRM v2: X-Authorization token, users/me, installations, kWh stats in ms."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from werkzeug import Request, Response

from tests.fakes.base import FakeApi
from tests.fakes.dataset import MeterDataset, kwh


class FakeVictron(FakeApi):
    def __init__(self, server, dataset: MeterDataset, token: str = "vrm-pat-555"):
        super().__init__(server)
        self.dataset, self.token = dataset, token

    def sites(self) -> dict[str, str]:
        return {str(400000 + n): d.device_id for n, d in enumerate(self.dataset.devices, 1)}

    def deny(self, request: Request) -> Response | None:
        if request.headers.get("X-Authorization") == f"Token {self.token}":
            return None
        return self.json({"success": False, "errors": "Authentication failed"}, 401)

    def route(self, request: Request):
        if request.path == "/v2/users/me":
            return {"success": True, "user": {"id": 42, "name": "ops"}}
        if request.path == "/v2/users/42/installations":
            return {
                "success": True,
                "records": [
                    {"idSite": int(site), "name": f"Site {site}", "timezone": "Africa/Nairobi"}
                    for site in self.sites()
                ],
            }
        match = re.fullmatch(r"/v2/installations/(\d+)/stats", request.path)
        if not match:
            return self.json({"success": False, "errors": "Not found"}, 404)
        device = self.sites()[match.group(1)]
        start = datetime.fromtimestamp(int(request.args["start"]), UTC)
        end = datetime.fromtimestamp(int(request.args["end"]), UTC)
        hours = self.dataset.hours(device, start, end)
        # PV yield split over two codes, as VRM reports PV to consumers and to battery.
        return {
            "success": True,
            "records": {
                "Pc": [[int(at.timestamp() * 1000), kwh(wh * 3 // 4)] for at, wh in hours],
                "Pb": [[int(at.timestamp() * 1000), kwh(wh // 4)] for at, wh in hours],
                "Gc": False,
            },
        }
