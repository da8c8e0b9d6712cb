#!/usr/bin/env python3
"""Write the synthetic example submissions in examples/drop/ (for `rrec validate` by hand).

Invented projects and a deterministic clear-sky-like profile; no real data.
The third file declares a wrong total on purpose so the demo shows a quarantine.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import polars as pl

from rrec_pipeline.credits.methods import ams_from_consumption
from rrec_pipeline.verification_csv.filenames import build_file_name, project_stem
from rrec_pipeline.verification_csv.model import VerificationHeader
from rrec_pipeline.verification_csv.writer import render_csv, stamp_from_datetime

OUT = Path(__file__).resolve().parents[1] / "examples" / "drop"


def profile_kwh(capacity_kwp: float, local: datetime, hours: float) -> Decimal:
    """Energy for `hours` ending at `local`: a daylight sine scaled by a weather cycle."""
    weather = 0.55 + 0.4 * ((local.toordinal() * 37) % 10) / 10
    if hours >= 24:
        return Decimal(f"{capacity_kwp * 4.6 * weather:.3f}")
    sun = max(0.0, math.sin(math.pi * (local.hour - 6) / 12))
    return Decimal(f"{capacity_kwp * 0.8 * sun * weather * hours:.3f}")


def series(capacity_kwp: float, start: datetime, count: int, step: timedelta) -> pl.DataFrame:
    offset = int((start.utcoffset() or timedelta(0)).total_seconds() // 60)
    stamps = [start + step * index for index in range(count)]
    hours = step.total_seconds() / 3600
    return pl.DataFrame(
        {
            "timestamp_utc": [stamp.astimezone(UTC) for stamp in stamps],
            "utc_offset_minutes": [offset] * count,
            "kwh": [float(profile_kwh(capacity_kwp, stamp, hours)) for stamp in stamps],
        },
        schema={
            "timestamp_utc": pl.Datetime("us", "UTC"),
            "utc_offset_minutes": pl.Int32,
            "kwh": pl.Float64,
        },
    )


def write(
    header: VerificationHeader, readings: pl.DataFrame, begin: datetime, end: datetime
) -> None:
    path = OUT / build_file_name(project_stem(header.project_name or ""), begin, end)
    path.write_text(
        render_csv(header, readings, default_offset=begin.utcoffset()), encoding="utf-8"
    )
    print(f"wrote {path.relative_to(OUT.parents[1])}")


def total_mwh(readings: pl.DataFrame) -> Decimal:
    return sum((Decimal(repr(kwh)) for kwh in readings["kwh"]), Decimal(0)) / 1000


def example(
    name: str,
    place: dict,
    capacity: float,
    start: datetime,
    count: int,
    step: timedelta,
    total_shift: Decimal = Decimal(0),
    **extra: object,
) -> None:
    readings = series(capacity, start, count, step)
    end = start + step * (count - 1)
    header = VerificationHeader(
        project_name=name,
        dc_capacity_kwp=Decimal(str(capacity)),
        date_of_first_operation=stamp_from_datetime(datetime(2021, 3, 1, tzinfo=start.tzinfo)),
        begin_timestamp=stamp_from_datetime(start),
        end_timestamp=stamp_from_datetime(end),
        total_energy_mwh=total_mwh(readings) + total_shift,
        **place,
        **extra,
    )
    write(header, readings, start, end)


def mini_grid_customers() -> dict[str, object]:
    """40 households and 10 businesses over half a year, with a little diesel backup."""
    ams = ams_from_consumption(
        Decimal("1.1"), Decimal("6.9"), Decimal("12.0"), diesel_litres=Decimal(50)
    )
    return {
        "type1_customers": 40,
        "type2_customers": 10,
        "type1_ma_consumption_mwh": ams.type1_ma_mwh,
        "type1_mb_consumption_mwh": ams.type1_mb_mwh,
        "type2_consumption_mwh": ams.type2_mwh,
        "diesel_consumption_l": Decimal(50),
        "total_carbon_reduction_tco2e": ams.tco2e,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    georgia = {
        "country": "United States of America",
        "us_state": "GA",
        "us_region": "Southeast",
        "latitude": Decimal("33.7490"),
        "longitude": Decimal("-84.3880"),
        "installation_type": "Distributed PV",
    }
    kenya = {
        "country": "Kenya",
        "latitude": Decimal("-0.5000"),
        "longitude": Decimal("34.5000"),
        "installation_type": "Mini-Grid",
    }
    est, eat = timezone(timedelta(hours=-5)), timezone(timedelta(hours=3))
    example(
        "Example Rooftop PV",
        georgia,
        50.0,
        datetime(2024, 1, 1, tzinfo=est),
        31 * 24,
        timedelta(hours=1),
    )
    example(
        "Example Mini-Grid",
        kenya,
        40.0,
        datetime(2025, 1, 1, tzinfo=eat),
        181,
        timedelta(days=1),
        **mini_grid_customers(),
    )
    # Declares 1 MWh more than its rows hold: consistency.total quarantines it.
    example(
        "Example Rooftop PV",
        georgia,
        50.0,
        datetime(2024, 2, 1, tzinfo=est),
        29 * 24,
        timedelta(hours=1),
        total_shift=Decimal(1),
    )


if __name__ == "__main__":
    main()
