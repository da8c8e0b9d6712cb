"""The meter file drop: vendor exports land by the days they hold; bad files are set aside."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from rrec_pipeline.meter_reads.days import (
    STRETCH_DAYS,
    normalise_day,
    normalise_days,
    stale_days,
)
from rrec_pipeline.meter_reads.ingest import land_day, land_days
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_files import MeterFileDrop

pytestmark = pytest.mark.integration
RUN_DAY = date(2025, 3, 10)


def hourly_local(first: datetime, hours: int) -> str:
    """Naive New York wall-clock stamps, as an export in site time writes them."""
    lines = ["timestamp,kWh"]
    stamp = first
    for _ in range(hours):
        stamp += timedelta(hours=1)
        if stamp.date() == date(2025, 3, 9) and stamp.hour == 2:
            continue  # 02:00 does not exist on the spring-forward night
        lines.append(f"{stamp:%Y-%m-%dT%H:%M},1.5")
    return "\n".join(lines) + "\n"


def make_drop(root: Path) -> Path:
    site = root / "generic" / "site-a"
    site.mkdir(parents=True)
    (site / "site.json").write_text(
        json.dumps({"timezone": "America/New_York", "device_id": "site-a:main"})
    )
    (site / "march.csv").write_text(hourly_local(datetime(2025, 3, 8), 24 * 3))
    steama = root / "steamaco" / "2301"
    steama.mkdir(parents=True)
    (steama / "export.csv").write_text(
        "timestamp,meter,customer,user_type,usage\n"
        "2025-03-10T00:00:00+00:00,M1,101,BUS,0.5\n2025-03-10T01:00:00+00:00,M1,101,BUS,0.75\n"
    )
    solar = root / "solaredge" / "se-1"
    solar.mkdir(parents=True)
    (solar / "report.json").write_text(
        json.dumps(
            {
                "energy": {
                    "timeUnit": "DAY",
                    "unit": "Wh",
                    "values": [{"date": "2025-03-10 00:00:00", "value": 41075.0}],
                }
            }
        )
    )
    broken = root / "generic" / "site-b"
    broken.mkdir(parents=True)
    (broken / "broken.csv").write_text(
        "timestamp,kWh\n2025-03-10T01:00Z,1\n2025-03-10T02:00Z,1\n2025-03-10T03:00Z,lots\n"
    )
    (root / "stray.csv").write_text("timestamp,kWh\n2025-03-10T01:00Z,1\n")
    return root


@pytest.fixture
def drop(tmp_path: Path) -> MeterFileDrop:
    return MeterFileDrop(path=str(make_drop(tmp_path / "drop")))


@pytest.fixture
def landing(tmp_path: Path) -> LandingZone:
    return LandingZone(path=str(tmp_path / "landing"))


def test_files_land_by_their_days_and_bad_ones_are_quarantined(drop, landing) -> None:
    report = land_day(drop, landing, RUN_DAY, skip_bad_pages=True)
    assert report.pages_new == 3
    errors = sorted(error for _, error in report.quarantined)
    assert errors == [
        "files generic/site-b/broken.csv line 4: 'lots' is not a number",
        "files stray.csv: put files under <vendor>/<site_id>/ with vendor one of "
        "generic, steamaco, sparkmeter, solaredge",
    ]
    assert report.late_days == {date(2025, 3, 8), date(2025, 3, 9)}
    assert report.late_days <= set(stale_days("files", landing, RUN_DAY)), "to normalise"


def test_a_dst_day_in_site_time_has_23_hourly_intervals(drop, landing) -> None:
    land_day(drop, landing, RUN_DAY, skip_bad_pages=True)
    reads = pl.concat(
        [
            normalise_day("files", landing, d, max_kwh_per_hour=100).reads
            for d in (date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10))
        ]
    )
    site = reads.filter(pl.col("device_id") == "site-a:main")
    local_day = site.filter(
        (pl.col("interval_end") > datetime(2025, 3, 9, 5, tzinfo=UTC))
        & (pl.col("interval_end") <= datetime(2025, 3, 10, 4, tzinfo=UTC))
    )
    assert local_day.height == 23
    assert set(local_day["interval_end"] - local_day["interval_start"]) == {timedelta(hours=1)}


def test_vendor_exports_keep_units_customers_and_classes(drop, landing) -> None:
    land_day(drop, landing, RUN_DAY, skip_bad_pages=True)
    reads = normalise_day("files", landing, RUN_DAY, max_kwh_per_hour=10_000).reads
    steama = reads.filter(pl.col("device_id") == "M1")
    assert steama["wh"].to_list() == [500, 750]
    assert steama["customer_class"].unique().to_list() == ["type2_non_household"]
    solar = reads.filter(pl.col("site_id") == "se-1")
    assert solar["wh"].to_list() == [41_075]


def test_files_are_stored_once_however_often_the_drop_is_read(drop, landing) -> None:
    land_day(drop, landing, RUN_DAY, skip_bad_pages=True)
    again = land_day(drop, landing, RUN_DAY, skip_bad_pages=True)
    assert again.pages_seen == 5 and again.pages_new == 0


def test_a_long_range_is_normalised_in_stretches_as_day_by_day(tmp_path, landing) -> None:
    """Three weeks of hourly readings in one file, plus a register read every 50 h
    (a gap across a stretch's edge): a range run gives each day what a run of
    that day alone gives, a stretch at a time."""
    days = [date(2025, 3, 1) + timedelta(days=n) for n in range(3 * STRETCH_DAYS)]
    site = tmp_path / "drop" / "generic" / "long"
    site.mkdir(parents=True)
    (site / "site.json").write_text(json.dumps({"device_id": "long:main"}))
    hours = [datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=h + 1) for h in range(24 * 21)]
    (site / "hourly.csv").write_text(
        "timestamp,kWh\n" + "".join(f"{h:%Y-%m-%dT%H:%MZ},{h.hour % 5}.25\n" for h in hours)
    )
    meter = tmp_path / "drop" / "steamaco" / "reg"
    meter.mkdir(parents=True)
    (meter / "register.csv").write_text(
        "timestamp,meter,reading\n"
        + "".join(f"{hours[h]:%Y-%m-%dT%H:%MZ},R1,{1000 + h}.5\n" for h in range(0, 504, 50))
    )
    drop = MeterFileDrop(path=str(tmp_path / "drop"))
    land_days(drop, landing, days, skip_bad_pages=True)

    ranged = normalise_days("files", landing, days, max_kwh_per_hour=100)
    for day in days:
        alone = normalise_day("files", landing, day, max_kwh_per_hour=100)
        assert ranged[day].reads.equals(alone.reads), day
        assert ranged[day].anomalies.equals(alone.anomalies), day
    reads = pl.concat(result.reads for result in ranged.values())
    assert reads.filter(pl.col("device_id") == "long:main").height == 24 * 21
    assert reads.filter(pl.col("device_id") == "R1")["wh"].to_list() == [50_000] * 10
