#!/usr/bin/env python3
"""Seeded synthetic meter data for the benchmarks: a year of hourly reads.

Usage: python bench/generate.py --size 1M|10M|100M|<count> --dir FOLDER [--seed N]

What it writes under FOLDER (the same seed and size give the same bytes):
- `parsed/<UTC day>.parquet`: every reading of the day as the connectors parse
  it (`kind`, `page_id`, ...), energy as `kwh`, an exact Decimal(18, 3):
  * customer meters on M mini-grid sites (SteamaCo), hourly interval energy,
    household (Type I) and business (Type II) customers, about 2 % of the
    readings delivered twice (one in 500 of those with a different value) and
    0.5 % missing;
  * K inverter sites (Enphase), one inverter each, an hourly cumulative
    register that rolls over at 10^9 Wh on the first site.
- `raw/`: the first `--raw-days` days (default 1) in the connectors' own formats,
  as landed pages: SteamaCo meter-readings JSON per meter and one generic CSV
  drop per inverter site, for the parse benchmark.
- `registry/`: projects, devices and one monthly reservation per mini-grid site,
  in the registry's CSV layouts.

Counts: N meters = size / 8,760 hours; K = max(1, N / 500) inverter sites and
M = max(1, (N - K) / 60) mini-grid sites.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

YEAR = 2025
HOURS = 8760
START = datetime(YEAR, 1, 1, tzinfo=UTC)
INGESTED = datetime(YEAR + 1, 1, 2, tzinfo=UTC)
KWH = pl.Decimal(18, 3)
CUSTOMERS_PER_SITE = 60
METERS_PER_INVERTER_SITE = 500
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
WALLET = "0x" + "ab" * 20


def size_count(text: str) -> int:
    return SIZES.get(text) or int(text.replace("_", ""))


class Fleet:
    """How many meters, sites and inverters a size means."""

    def __init__(self, reads: int) -> None:
        meters = max(2, reads // HOURS)
        self.inverters = max(1, meters // METERS_PER_INVERTER_SITE)
        self.customers = meters - self.inverters
        self.sites = max(1, -(-self.customers // CUSTOMERS_PER_SITE))

    def describe(self) -> str:
        return (
            f"{self.customers:,} customer meters on {self.sites:,} mini-grid sites, "
            f"{self.inverters:,} inverter sites"
        )


def customer_day(fleet: Fleet, day: int, seed: int) -> pl.DataFrame:
    """One UTC day of hourly customer readings, with re-deliveries and gaps."""
    index = pl.int_range(0, fleet.customers * 24, eager=True, dtype=pl.Int64).alias("i")
    meter, hour = index // 24, day * 24 + index % 24
    mixed = (meter * 1_000_003 + hour * 7_919 + seed * 104_729) % 1_000_003
    wh = ((mixed % 997) * (pl.Series([1]) + (meter % 5 == 0).cast(pl.Int64) * 7)).alias("wh")
    frame = pl.DataFrame({"meter": meter, "hour": hour, "mixed": mixed, "wh": wh})
    frame = frame.with_columns(
        pl.when(pl.col("mixed") % 200 == 0).then(None).otherwise(pl.col("wh")).alias("wh")
    )
    again = frame.filter(pl.col("mixed") % 50 == 1).with_columns(
        pl.when(pl.col("mixed") % 25_000 == 1)
        .then(pl.col("wh") + 1)
        .otherwise(pl.col("wh"))
        .alias("wh"),
        pl.lit(1).alias("delivery"),
    )
    frame = pl.concat([frame.with_columns(pl.lit(0).alias("delivery")), again])
    site = pl.col("meter") % fleet.sites
    return frame.select(
        pl.lit("steamaco").alias("source"),
        pl.format("MG-{}", site).alias("site_id"),
        pl.format("M{}", pl.col("meter")).alias("device_id"),
        pl.format("C{}", pl.col("meter")).alias("customer_id"),
        pl.when(pl.col("meter") % 5 == 0)
        .then(pl.lit("type2_non_household"))
        .otherwise(pl.lit("type1_household"))
        .alias("customer_class"),
        _hours(pl.col("hour")).alias("interval_start"),
        _hours(pl.col("hour") + 1).alias("interval_end"),
        (pl.col("wh").cast(KWH) / 1000).cast(KWH).alias("kwh"),
        pl.when(pl.col("wh").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("measured"))
        .alias("quality"),
        (pl.lit(INGESTED) + pl.duration(days=pl.col("delivery"))).alias("ingested_at"),
        pl.lit("interval").alias("kind"),
        pl.format("steamaco/M{}/{}", pl.col("meter"), pl.lit(day)).alias("page_id"),
        pl.lit(None, pl.Int64).alias("max_wh_per_hour"),
    )


def inverter_day(fleet: Fleet, day: int) -> pl.DataFrame:
    """One UTC day of hourly register readings, one inverter per site."""
    index = pl.int_range(0, fleet.inverters * 24, eager=True, dtype=pl.Int64)
    frame = pl.DataFrame({"inverter": index // 24, "hour": day * 24 + index % 24 + 1})
    # Cumulative: 40 kWh an hour of daylight, 12 h a day; the first site starts
    # near the top of a 10^9 Wh register and rolls over in the year.
    produced = (pl.col("hour") // 24) * 12 * 40_000 + pl.min_horizontal(
        pl.max_horizontal((pl.col("hour") % 24) - 6, pl.lit(0)), pl.lit(12)
    ) * 40_000
    offset = pl.when(pl.col("inverter") == 0).then(999_000_000 - 60_000_000).otherwise(0)
    register = (produced + offset) % 1_000_000_000
    return frame.select(
        pl.lit("enphase").alias("source"),
        pl.format("PV-{}", pl.col("inverter")).alias("site_id"),
        pl.format("INV-{}", pl.col("inverter")).alias("device_id"),
        pl.lit(None, pl.String).alias("customer_id"),
        pl.lit(None, pl.String).alias("customer_class"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("interval_start"),
        _hours(pl.col("hour")).alias("interval_end"),
        (register.cast(KWH) / 1000).cast(KWH).alias("kwh"),
        pl.lit("measured").alias("quality"),
        pl.lit(INGESTED).alias("ingested_at"),
        pl.lit("register").alias("kind"),
        pl.format("enphase/INV-{}/{}", pl.col("inverter"), pl.lit(day)).alias("page_id"),
        pl.lit(60_000, pl.Int64).alias("max_wh_per_hour"),
    )


def _hours(hours: pl.Expr) -> pl.Expr:
    return pl.lit(START) + pl.duration(hours=hours)


def day_of(number: int) -> date:
    return (START + timedelta(days=number)).date()


def write_parsed(folder: Path, fleet: Fleet, seed: int) -> int:
    """A Parquet file per UTC day; returns the readings written."""
    target = folder / "parsed"
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    for number in range(HOURS // 24):
        frame = pl.concat([customer_day(fleet, number, seed), inverter_day(fleet, number)])
        frame.write_parquet(target / f"{day_of(number)}.parquet", statistics=True)
        written += frame.height
    return written


def write_raw(folder: Path, fleet: Fleet, seed: int, days: int) -> int:
    """The first days as the connectors deliver them; returns the readings written."""
    written = 0
    for number in range(days):
        customers = customer_day(fleet, number, seed).filter(pl.col("ingested_at") == INGESTED)
        for (device,), rows in customers.partition_by("device_id", as_dict=True).items():
            _write_json(folder / "raw" / "steamaco" / f"{device}-{number}.json", _steamaco(rows))
        for (site,), rows in customers.partition_by("site_id", as_dict=True).items():
            path = folder / "raw" / "files" / "generic" / site / f"{day_of(number)}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            rows.select(
                "device_id", pl.col("interval_end").alias("timestamp"), pl.col("kwh").alias("kWh")
            ).write_csv(path, datetime_format="%Y-%m-%dT%H:%M:%SZ")
        registers = inverter_day(fleet, number)
        for (site,), rows in registers.partition_by("site_id", as_dict=True).items():
            _write_json(folder / "raw" / "enphase" / f"{site}-{number}.json", _enphase(rows))
        written += customers.height * 2 + registers.height
    return written


def _steamaco(rows: pl.DataFrame) -> dict:
    """A SteamaCo meter-readings page: interval kWh as text, stamps at the start."""
    results = [
        {"timestamp": start.isoformat(), "usage_amount": None if kwh is None else str(kwh)}
        for start, kwh in rows.select("interval_start", "kwh").iter_rows()
    ]
    return {"count": len(results), "next": None, "results": results}


def _enphase(rows: pl.DataFrame) -> dict:
    """An Enphase production-meter-readings page: lifetime Wh at epoch seconds."""
    readings = [
        {"serial_number": device, "read_at": int(end.timestamp()), "value": int(kwh * 1000)}
        for device, end, kwh in rows.select("device_id", "interval_end", "kwh").iter_rows()
    ]
    return {"meter_readings": readings}


def _write_json(path: Path, body: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body))


def write_registry(folder: Path, fleet: Fleet) -> None:
    target = folder / "registry"
    target.mkdir(parents=True, exist_ok=True)
    projects = [
        "project_id,project_name,country,us_state,latitude,longitude,dc_capacity_kwp,"
        "fuel_type,first_operation,timezone,installation_type,owner_wallet"
    ]
    devices = ["project_id,source,site_id,device_id,role"]
    reservations = [
        "reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency"
    ]
    for site in range(fleet.sites):
        place = f"Kenya,,{-1 - site * 0.01:.4f},{36 + site * 0.01:.4f},{50 + site}"
        first = date(2020, 1, 1) + timedelta(days=site)
        projects.append(
            f"MG-{site},Mini-grid {site},{place},Solar,{first},Africa/Nairobi,Mini-grid,{WALLET}"
        )
        devices.append(f"MG-{site},steamaco,MG-{site},,generation")
        reservations.append(
            f"R-MG-{site},Bench buyer,{WALLET},MG-{site},1000000,{YEAR}-01-01,{YEAR}-12-31,monthly"
        )
    for site in range(fleet.inverters):
        place = f"Kenya,,{1 + site * 0.01:.4f},{37 + site * 0.01:.4f},{500 + site}"
        first = date(2021, 1, 1) + timedelta(days=site)
        projects.append(
            f"PV-{site},Inverter {site},{place},Solar,{first},Africa/Nairobi,Commercial,{WALLET}"
        )
        devices.append(f"PV-{site},enphase,PV-{site},,generation")
    inverters = ";".join(f"PV-{site}" for site in range(fleet.inverters))
    reservations.append(
        f"R-PV,Bench buyer,{WALLET},{inverters},1000000,{YEAR}-01-01,{YEAR}-12-31,yearly"
    )
    tables = {"projects": projects, "devices": devices, "reservations": reservations}
    for name, rows in tables.items():
        (target / f"{name}.csv").write_text("\n".join(rows) + "\n")


def generate(folder: Path, reads: int, seed: int = 1, raw_days: int = 1) -> dict[str, object]:
    """Writes the set once: a `manifest.json` says it is complete and what it holds."""
    manifest = folder / "manifest.json"
    wanted = {"reads_asked": reads, "seed": seed, "raw_days": raw_days}
    if manifest.exists():
        held = json.loads(manifest.read_text())
        if {key: held.get(key) for key in wanted} == wanted:
            return held
    fleet = Fleet(reads)
    folder.mkdir(parents=True, exist_ok=True)
    written = write_parsed(folder, fleet, seed)
    raw = write_raw(folder, fleet, seed, raw_days)
    write_registry(folder, fleet)
    held = {**wanted, "readings": written, "raw_readings": raw, "fleet": fleet.describe()}
    manifest.write_text(json.dumps(held, indent=1))
    return held


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="1M, 10M, 100M or a count")
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--raw-days", type=int, default=1)
    args = parser.parse_args()
    held = generate(args.dir, size_count(args.size), args.seed, args.raw_days)
    print(json.dumps(held, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
