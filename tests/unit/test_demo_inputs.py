"""The demo's generated inputs: exact, deterministic, and broken only where meant to be."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rrec_pipeline.demo.inputs import GAP, LATE_MONTH, SITES, demo_files, kwh_text, mwh_text
from rrec_pipeline.demo.profiles import pv_hours
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.config import ValidationConfig

FILES = {file.path: file for file in demo_files()}


def test_the_same_inputs_every_time_and_a_month_is_a_slice_of_its_year() -> None:
    assert {f.path: f.body for f in demo_files()} == {p: f.body for p, f in FILES.items()}
    site = next(s for s in SITES if s.site_id == "sn-kaolack")
    zone = ZoneInfo(site.zone)
    year = pv_hours(site.pv, datetime(2025, 1, 1, tzinfo=zone), datetime(2026, 1, 1, tzinfo=zone))
    march = pv_hours(site.pv, datetime(2025, 3, 1, tzinfo=zone), datetime(2025, 4, 1, tzinfo=zone))
    assert set(march) <= set(year)


def test_amounts_are_written_exactly() -> None:
    assert [kwh_text(wh) for wh in (0, 7, 1234, -828_838)] == [
        "0.000",
        "0.007",
        "1.234",
        "-828.838",
    ]
    assert mwh_text(56_448_304) == "56.448304"


def test_us_exports_carry_the_dst_changes_as_offset_steps() -> None:
    march = FILES["meter_drop/generic/tx-austin/2025-03.csv"].body.decode()
    assert "2025-03-09T01:00:00-06:00" in march and "2025-03-09T03:00:00-05:00" in march
    assert "2025-03-09T02:00:00" not in march, "the hour that does not exist is not stamped"
    november = FILES["meter_drop/generic/ca-fresno/2025-11.csv"].body.decode()
    assert "2025-11-02T01:00:00-07:00" in november and "2025-11-02T01:00:00-08:00" in november


def test_the_mini_grid_logger_gap_is_blank_and_only_in_april() -> None:
    april = FILES["meter_drop/generic/ke-turkana-gen/2025-04.csv"].body.decode().splitlines()
    blank = [line for line in april if line.endswith(",")]
    assert len(blank) == 24 * ((GAP[1] - GAP[0]).days + 1)
    for month in (3, 5):
        text = FILES[f"meter_drop/generic/ke-turkana-gen/2025-{month:02d}.csv"].body.decode()
        assert not [line for line in text.splitlines() if line.endswith(",")]


def test_one_late_export_and_two_producer_files_one_broken() -> None:
    late = [f for f in FILES.values() if f.is_late]
    assert [f.path for f in late] == [f"meter_drop/solaredge/sn-kaolack/2025-{LATE_MONTH:02d}.csv"]
    assert late[0].delivered.month == 11
    producer = [
        (p.removeprefix("drop/"), f.body) for p, f in FILES.items() if p.startswith("drop/")
    ]
    report = validate_sources(producer, ValidationConfig())
    errors = {r.key: sorted({f.rule for f in r.findings if f.is_error}) for r in report.files}
    assert sorted(errors.values()) == [[], ["range.capacity"]]
