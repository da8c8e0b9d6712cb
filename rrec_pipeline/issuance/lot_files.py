"""What a lot publishes: its verification CSV, its data-quality scorecard, its I-REC request.

The CSV is the Standard's two-section file, written by the project's writer:
the header from the registry (the four characteristics, place, capacity), the
credit fields from the credits domain (token class, AVERT or Ember factor and
tCO2e, or the mini-grid's Type 1/2 consumption from its customer meters), the
lot's carry-forward rows, and one row per interval of the project's
generation meters, stamped at the interval's start in the project's local
offset (as the registry's own files are: a year runs 00:00 to 23:00), kWh to
the watt-hour. It passes `rrec validate`; the pipeline checks that it does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl

from rrec_pipeline.basics.amounts import decimal_text, floor_to, mwh_from_wh
from rrec_pipeline.credits.calculate import Consumption, credit
from rrec_pipeline.credits.classify import classify
from rrec_pipeline.credits.factors import FactorPolicy, choose_factors
from rrec_pipeline.credits.for_files import with_credit_fields
from rrec_pipeline.credits.methods import household_split
from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.issuance.lots import Lot
from rrec_pipeline.issuance.windows import local_stamp
from rrec_pipeline.meter_reads.classes import TYPE1, TYPE2
from rrec_pipeline.verification_csv.fields import VerificationHeader
from rrec_pipeline.verification_csv.filenames import build_file_name, project_stem
from rrec_pipeline.verification_csv.stamps import Stamp
from rrec_pipeline.verification_csv.writer import render_csv, stamp_from_datetime

CAPACITY_FACTOR = Decimal("1.5")


@dataclass(frozen=True)
class LotFiles:
    lot_id: str
    csv_name: str
    csv: bytes
    scorecard: dict[str, object]
    irec_csv: bytes
    irec_json: bytes


def window_id(lot: Lot) -> str:
    """`<reservation>__<project>__<first day>`: the window's identity, safe as a folder name."""
    reservation, project, first_day = lot.key
    return f"{reservation}__{project}__{first_day}"


def lot_id(lot: Lot) -> str:
    """The window's id, and `__v<n>` for its n-th version (an adjustment)."""
    return window_id(lot) if lot.version == 1 else f"{window_id(lot)}__v{lot.version}"


def interval_rows(reads: pl.DataFrame, zone: str) -> pl.DataFrame:
    """kWh per interval start, summed over the project's meters, in the local offset."""
    counted = reads.filter(pl.col("quality") != "missing")
    per_interval = counted.group_by("interval_start").agg(pl.col("wh").sum()).sort("interval_start")
    local = pl.col("interval_start").dt.convert_time_zone(zone)
    offset = local.dt.replace_time_zone(None) - pl.col("interval_start").dt.replace_time_zone(None)
    return per_interval.select(
        pl.col("interval_start").alias("timestamp_utc"),
        (offset.dt.total_minutes()).cast(pl.Int32).alias("utc_offset_minutes"),
        (pl.col("wh").cast(pl.Decimal(38, 3)) / 1000).alias("kwh"),
    )


def customer_consumption(customer_reads: pl.DataFrame, lot: Lot) -> tuple[Consumption, int, int]:
    """AMS-III.BB inputs of the window from the project's customer meters (year to date)."""
    window = lot.energy.window
    year_start = window.start_utc.replace(month=1, day=1) - timedelta(days=1)
    reads = customer_reads.filter(
        pl.col("customer_id").is_not_null()
        & (pl.col("quality") != "missing")
        & (pl.col("interval_start") >= year_start)
        & (pl.col("interval_start") < window.end_utc)
    )
    in_window = pl.col("interval_start") >= window.start_utc
    per_customer = (
        reads.group_by("customer_id", "customer_class")
        .agg(
            pl.col("wh").filter(~in_window).sum().alias("before"),
            pl.col("wh").filter(in_window).sum().alias("now"),
        )
        .filter(pl.col("now") > 0)
    )
    type1_ma = type1_mb = type2 = Decimal(0)
    households = others = 0
    for _, klass, before, now in per_customer.iter_rows():
        if klass == TYPE1:
            ma, mb = household_split(mwh_from_wh(before), mwh_from_wh(now))
            type1_ma, type1_mb, households = type1_ma + ma, type1_mb + mb, households + 1
        elif klass == TYPE2:
            type2, others = type2 + mwh_from_wh(now), others + 1
    if households + others == 0:
        return Consumption(), 0, 0
    return Consumption(type1_ma, type1_mb, type2, None), households, others


def lot_header(
    lot: Lot, project: dict, rows: pl.DataFrame, tables: ReferenceTables, customers: pl.DataFrame
) -> VerificationHeader:
    zone = lot.energy.window.zone
    first, last = rows["timestamp_utc"][0], rows["timestamp_utc"][-1]
    mwh = mwh_from_wh(lot.energy.wh + lot.energy.late_wh)
    header = VerificationHeader(
        project_name=project["project_name"],
        country=project["country"],
        us_state=project["us_state"],
        latitude=Decimal(str(project["latitude"])),
        longitude=Decimal(str(project["longitude"])),
        dc_capacity_kwp=project["dc_capacity_kwp"],
        date_of_first_operation=Stamp(
            project["first_operation"].isoformat(),
            datetime.combine(project["first_operation"], datetime.min.time()),
            None,
            True,
        ),
        begin_timestamp=stamp_from_datetime(first.astimezone(ZoneInfo(zone))),
        end_timestamp=stamp_from_datetime(last.astimezone(ZoneInfo(zone))),
        total_energy_mwh=mwh,
        installation_type=project["installation_type"],
        carry_in_mwh=mwh_from_wh(lot.carry_in_wh),
        carry_out_mwh=mwh_from_wh(lot.carry_out_wh),
        rrecs_issued=lot.total_rrecs,
    )
    found = classify(
        tables,
        country=project["country"],
        us_state=project["us_state"],
        installation_type=project["installation_type"],
    )
    year = lot.energy.window.year
    factors = choose_factors({"lot": (found, year)}, tables, FactorPolicy())
    consumption, households, others = customer_consumption(customers, lot)
    result = credit(found, mwh=mwh, year=year, consumption=consumption, factor=factors.get("lot"))
    if result.tco2e is None:
        return header
    return with_credit_fields(header, result, type1_customers=households, type2_customers=others)


def scorecard(lot: Lot, project: dict, flagged: int) -> dict[str, object]:
    """Coverage, gaps, estimated and flagged reads, and yield against the capacity bound.

    Coverage and gaps are the planner's evidence (`coverage.py`): each registered
    generation device's reads, each counted for at most its usual interval,
    against the window, averaged over the devices.
    """
    energy, window = lot.energy, lot.energy.window
    hours = Decimal(window.seconds) / 3600
    possible = energy.devices * window.seconds
    coverage = Decimal(energy.covered_seconds) / possible if possible else Decimal(0)
    gap_hours = Decimal(energy.gap_seconds) / 3600 / max(energy.devices, 1)
    capacity_kwh = project["dc_capacity_kwp"] * hours
    yield_ratio = Decimal(energy.wh) / 1000 / capacity_kwh if capacity_kwh else Decimal(0)
    return {
        "lot": lot_id(lot),
        "version": lot.version,
        "reservation": energy.reservation_id,
        "project": energy.project_id,
        "window_start": local_stamp(window.start_utc, window.zone),
        "window_end": local_stamp(window.end_utc, window.zone),
        "window_hours": decimal_text(hours),
        "devices": energy.devices,
        "coverage": f"{coverage:.4f}",
        "gap_hours": decimal_text(floor_to(gap_hours, 6)),
        "reads": energy.reads,
        "missing_reads": energy.missing_reads,
        "estimated_mwh": f"{mwh_from_wh(energy.estimated_wh):.6f}",
        "flagged_reads": flagged,
        "yield_of_capacity": f"{yield_ratio:.4f}",
        "within_capacity_bound": yield_ratio <= CAPACITY_FACTOR,
        "mwh": f"{mwh_from_wh(energy.wh + energy.late_wh):.6f}",
        "rrecs": lot.rrecs,
        "window_rrecs": lot.total_rrecs,
    }


def irec_request(lot: Lot, project: dict, csv_name: str, sha256: str) -> dict[str, object]:
    """An I-REC issuance request: device, period, volume, and the file that backs it."""
    window = lot.energy.window
    return {
        "device": project["project_id"],
        "device_name": project["project_name"],
        "country": project["country"],
        "technology": project["fuel_type"],
        "period_start": window.first_day.isoformat(),
        "period_end": window.last_day.isoformat(),
        "volume_mwh": lot.rrecs,
        "version": lot.version,
        "file": csv_name,
        "file_sha256": sha256,
    }


def irec_csv(request: dict[str, object]) -> bytes:
    header = ",".join(request)
    values = ",".join(str(value) for value in request.values())
    return f"{header}\n{values}\n".encode()


def lot_files(
    lot: Lot,
    project: dict,
    reads: pl.DataFrame,
    tables: ReferenceTables,
    *,
    customers: pl.DataFrame | None = None,
    flagged: int = 0,
) -> LotFiles | None:
    """The lot's three files; None when its window holds no reading to publish."""
    zone = lot.energy.window.zone
    rows = interval_rows(reads, zone)
    if rows.is_empty():
        return None
    header = lot_header(
        lot, project, rows, tables, customers if customers is not None else reads.head(0)
    )
    offset = timedelta(minutes=int(rows["utc_offset_minutes"][0]))
    end_offset = timedelta(minutes=int(rows["utc_offset_minutes"][-1]))
    text = render_csv(header, rows, default_offset=offset, end_default_offset=end_offset)
    name = build_file_name(
        project_stem(project["project_name"]),
        rows["timestamp_utc"][0].astimezone(ZoneInfo(zone)),
        rows["timestamp_utc"][-1].astimezone(ZoneInfo(zone)),
    )
    data = text.encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    request = irec_request(lot, project, name, sha256)
    return LotFiles(
        lot_id(lot),
        name,
        data,
        scorecard(lot, project, flagged),
        irec_csv(request),
        (json.dumps(request, indent=2) + "\n").encode(),
    )
