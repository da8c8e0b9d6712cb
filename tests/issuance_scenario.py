"""A year of hourly generation over several projects in different time zones, for issuance.

2024 is a leap year; New York and Berlin change clocks twice. Energy follows the
sun in local time, in whole Wh, differing per hour so that window totals are
not round. Everything is deterministic.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from rrec_pipeline.issuance.lots import Issued, Lot
from rrec_pipeline.tables import METER_READS

WALLET_A = "0x" + "a1" * 20
WALLET_B = "0x" + "b2" * 20
OWNER = "0x" + "0c" * 20

PROJECTS = {
    # project_id: (name, country, state, lat, lon, kWp, first operation, zone, installation)
    "P-GA": (
        "Peach Rooftop",
        "United States",
        "GA",
        "33.75",
        "-84.39",
        "400",
        "2021-05-01",
        "America/New_York",
        "Distributed PV",
    ),
    "P-KE": (
        "Nairobi Solar",
        "Kenya",
        "",
        "-1.29",
        "36.82",
        "250",
        "2022-03-15",
        "Africa/Nairobi",
        "Utility PV",
    ),
    "P-SN": (
        "Dakar Plant",
        "Senegal",
        "",
        "14.69",
        "-17.44",
        "900",
        "2020-11-01",
        "Africa/Dakar",
        "Utility PV",
    ),
    "P-DE": (
        "Berlin Roof",
        "Germany",
        "",
        "52.52",
        "13.40",
        "150",
        "2019-06-01",
        "Europe/Berlin",
        "Distributed PV",
    ),
}


def projects_csv(extra: str = "") -> str:
    lines = [
        "project_id,project_name,country,us_state,latitude,longitude,dc_capacity_kwp,fuel_type,"
        "first_operation,timezone,installation_type,owner_wallet"
    ]
    for pid, (name, country, state, lat, lon, kwp, first, zone, kind) in PROJECTS.items():
        lines.append(
            f"{pid},{name},{country},{state},{lat},{lon},{kwp},Solar,{first},{zone},{kind},{OWNER}"
        )
    return "\n".join(lines) + "\n" + extra


def devices_csv(extra: str = "") -> str:
    lines = ["project_id,source,site_id,device_id,role"]
    for pid in PROJECTS:
        lines.append(f"{pid},files,{pid.lower()},,generation")
    return "\n".join(lines) + "\n" + extra


def reservations_csv(rows: list[tuple]) -> str:
    lines = ["reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency"]
    lines += [",".join(str(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def hourly_reads(year: int = 2024, projects=PROJECTS) -> pl.DataFrame:
    rows = []
    start = datetime(year - 1, 12, 31, tzinfo=UTC)
    hours = (366 + 2) * 24
    for number, (pid, spec) in enumerate(projects.items(), start=1):
        zone, kwp = ZoneInfo(spec[7]), int(spec[5])
        for hour in range(hours):
            at = start + timedelta(hours=hour)
            local = at.astimezone(zone)
            sun = max(0.0, math.sin(math.pi * (local.hour + 0.5 - 6) / 12))
            wh = int(kwp * 700 * sun) + (hour * 37 + number * 11) % 97 if sun > 0 else 0
            rows.append((pid.lower(), f"{pid.lower()}:inv", at, wh))
    frame = pl.DataFrame(
        rows, schema=["site_id", "device_id", "interval_start", "wh"], orient="row"
    )
    return (
        frame.with_columns(
            pl.lit("files").alias("source"),
            pl.lit(None, pl.String).alias("customer_id"),
            pl.lit(None, pl.String).alias("customer_class"),
            pl.col("interval_start").dt.cast_time_unit("us"),
            (pl.col("interval_start") + pl.duration(hours=1))
            .dt.cast_time_unit("us")
            .alias("interval_end"),
            pl.lit("measured").alias("quality"),
            pl.lit(datetime(year + 1, 1, 5, tzinfo=UTC))
            .dt.cast_time_unit("us")
            .alias("ingested_at"),
        )
        .select(list(METER_READS.dtypes))
        .cast(METER_READS.dtypes)
    )


def write_registry(
    folder: Path,
    reservations: list[tuple],
    *,
    projects_extra: str = "",
    devices_extra: str = "",
    clearances: str | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "projects.csv").write_text(projects_csv(projects_extra))
    (folder / "devices.csv").write_text(devices_csv(devices_extra))
    (folder / "reservations.csv").write_text(reservations_csv(reservations))
    if clearances is not None:
        (folder / "clearances.csv").write_text(clearances)
    return folder


def local_year_wh(reads: pl.DataFrame, project_id: str, year: int = 2024) -> int:
    """The project's exact Wh whose interval starts in `year`, local time."""
    zone = PROJECTS[project_id][7]
    local = pl.col("interval_start").dt.convert_time_zone(zone)
    mine = reads.filter(pl.col("site_id") == project_id.lower())
    return int(mine.filter(local.dt.year() == year)["wh"].sum())


def year_reservations(frequency: str, volume: str = "100000") -> list[tuple]:
    return [
        ("R1", "Acme", WALLET_A, ";".join(PROJECTS), volume, "2024-01-01", "2024-12-31", frequency)
    ]


AS_OF = date(2025, 2, 1)


def issued_as(lot: Lot) -> Issued:
    """What the ledger records of a lot once it is issued (`IssuanceLedger.issued_state`)."""
    return Issued(
        lot.total_rrecs,
        lot.carry_out_wh,
        lot.energy.wh,
        lot.is_clipped,
        lot.version,
        lot.carry_in_wh,
    )
