#!/usr/bin/env python3
"""Write the synthetic meter file drop in examples/meter_drop/ (for examples/registry).

An invented 300 kWp rooftop in New York time (hourly, naive local stamps, as
site exports write them; over 1 MWh a day, so each daily lot issues R-RECs)
and a SolarEdge daily report in the V1 JSON shape from a site in Abidjan.
Both cover exactly the UTC days 2024-01-01 to 2024-01-03: the rooftop's
period-ending stamps run from 19:00 New York time on 31 December (00:00-01:00
UTC on 1 January) to 19:00 on 3 January, and Abidjan is on UTC. The plant's
reservation is weekly, so its first week, with four days without data, is
held (`completeness.gap`): the run's summary shows it and why.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "examples" / "meter_drop"


def rooftop() -> None:
    site = OUT / "generic" / "example-rooftop"
    site.mkdir(parents=True, exist_ok=True)
    (site / "site.json").write_text(
        json.dumps({"timezone": "America/New_York", "device_id": "example-rooftop:main"}, indent=2)
        + "\n"
    )
    lines = ["timestamp,kWh"]
    start = datetime(2023, 12, 31, 20)  # the end of the hour from 00:00 UTC on 1 January
    for hour in range(72):
        stamp = start + timedelta(hours=hour)
        sun = max(0.0, math.sin(math.pi * (stamp.hour - 7) / 10))
        lines.append(f"{stamp:%Y-%m-%dT%H:%M},{300 * 0.7 * sun:.3f}")
    (site / "2024-01-01_to_2024-01-03.csv").write_text("\n".join(lines) + "\n")


def solaredge_report() -> None:
    site = OUT / "solaredge" / "example-se-site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "site.json").write_text(json.dumps({"timezone": "Africa/Abidjan"}, indent=2) + "\n")
    values = [
        {"date": f"2024-01-0{day} 00:00:00", "value": 150_000.0 + 5_000 * day} for day in (1, 2, 3)
    ]
    report = {
        "energy": {"timeUnit": "DAY", "unit": "Wh", "measuredBy": "INVERTER", "values": values}
    }
    (site / "energy_2024-01.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    rooftop()
    solaredge_report()
    print(f"wrote {OUT.relative_to(OUT.parents[1])}")
