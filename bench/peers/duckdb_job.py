#!/usr/bin/env python3
"""The meter half of the pipeline as a competent engineer would write it without this
project: plain DuckDB SQL over the benchmark's parsed Parquet days.

Usage: python bench/peers/duckdb_job.py --step normalise|validate|plan|classify --dir FOLDER

Each step is one or two SQL statements, run in this process, which prints one JSON
line: seconds, peak RSS, what it found, and the numbers `bench/run.py --peer duckdb`
compares with ours (they must be equal):
- normalise: energy in integer Wh; cumulative registers become deltas per device (a
  register that goes down from the top tenth of its power-of-ten range to the bottom
  tenth rolled over; otherwise the interval is missing); an interval above its device's
  bound per hour is missing; the latest delivery of each reading is kept; written as
  Parquet, a folder a UTC day (`peer/normalised/day=.../`);
- validate: no two intervals of a device overlap, every key present, no negative Wh;
- plan: Wh per site (or registered device) and 15-minute slot, joined to the
  registrations, added per reservation, project and window in the project's local
  time (a lot); whole R-RECs (1 MWh) with the remainder carried to the next window;
- classify: AMS-III.BB customer months: a household's first 0.055 MWh of each year is
  Type 1-MA, the rest 1-MB; non-households are Type II.
It reads nothing of `rrec_pipeline` but the benchmark's files.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb

MAX_WH_PER_HOUR = 10_000_000  # bench/run.py's MAX_KWH_PER_HOUR, in Wh
HOUSEHOLD_TYPE1_MA_WH = 55_000  # 0.055 MWh a household a year

NORMALISE = """
COPY (
  WITH parsed AS (
    SELECT source, site_id, device_id, customer_id, customer_class, kind, interval_start,
           interval_end, CAST(kwh * 1000 AS BIGINT) AS wh, quality, ingested_at,
           least(coalesce(max_wh_per_hour, {max_wh}), {max_wh}) AS bound
    FROM read_parquet('{parsed}/*.parquet')
  ),
  registers AS (
    SELECT *, lag(wh) OVER device AS previous, lag(interval_end) OVER device AS previous_end,
           CAST(10 ** length(CAST(lag(wh) OVER device AS VARCHAR)) AS BIGINT) AS modulus
    FROM parsed
    WHERE kind = 'register' AND wh IS NOT NULL
    WINDOW device AS (PARTITION BY source, device_id ORDER BY interval_end)
    QUALIFY row_number() OVER (
      PARTITION BY source, device_id, interval_end ORDER BY ingested_at DESC) = 1
  ),
  deltas AS (
    SELECT * EXCLUDE (wh, quality, interval_start, previous, previous_end, modulus),
           previous_end AS interval_start,
           CASE WHEN wh >= previous THEN wh - previous
                WHEN previous >= modulus - modulus // 10 AND wh <= modulus // 10
                THEN modulus - previous + wh END AS wh,
           CASE WHEN wh >= previous THEN 'measured'
                WHEN previous >= modulus - modulus // 10 AND wh <= modulus // 10
                THEN 'estimated' ELSE 'missing' END AS quality
    FROM registers
    WHERE previous_end IS NOT NULL
  ),
  candidates AS (
    SELECT * FROM parsed WHERE kind = 'interval'
    UNION ALL BY NAME
    SELECT * FROM deltas
  ),
  screened AS (
    SELECT * REPLACE (
      CASE WHEN wh < 0 OR wh * 3600 > bound * epoch(interval_end - interval_start)
           THEN NULL ELSE wh END AS wh,
      CASE WHEN wh < 0 OR wh * 3600 > bound * epoch(interval_end - interval_start)
           THEN 'missing' ELSE quality END AS quality)
    FROM candidates
  )
  SELECT source, site_id, device_id, customer_id, customer_class, interval_start,
         interval_end, wh, quality, ingested_at, CAST(interval_start AS DATE) AS day
  FROM screened
  QUALIFY row_number() OVER (
    PARTITION BY source, device_id, interval_start, interval_end
    ORDER BY ingested_at DESC) = 1
) TO '{out}' (FORMAT parquet, PARTITION_BY (day))
"""

VALIDATE = """
SELECT count(*) AS reads,
       count(*) FILTER (WHERE interval_start < previous_end) AS overlaps,
       count(*) FILTER (WHERE source IS NULL OR device_id IS NULL OR interval_start IS NULL
                        OR interval_end <= interval_start OR wh < 0) AS broken
FROM (
  SELECT *, lag(interval_end) OVER (
    PARTITION BY source, device_id ORDER BY interval_start, interval_end) AS previous_end
  FROM read_parquet('{reads}')
)
"""

PLAN = """
WITH devices AS (SELECT * FROM read_csv('{registry}/devices.csv', all_varchar = true)),
projects AS (SELECT * FROM read_csv('{registry}/projects.csv', all_varchar = true)),
reservations AS (
  SELECT reservation_id, frequency, CAST(start AS DATE) AS first_day,
         CAST("end" AS DATE) AS last_day, unnest(string_split(project_ids, ';')) AS project_id
  FROM read_csv('{registry}/reservations.csv', all_varchar = true)
),
slots AS (
  SELECT source, site_id, device_id, time_bucket(INTERVAL 15 MINUTE, interval_start) AS slot,
         sum(wh) AS wh
  FROM read_parquet('{reads}') WHERE wh IS NOT NULL GROUP BY ALL
),
registered AS (
  SELECT d.project_id, s.slot, sum(s.wh) AS wh
  FROM slots s JOIN devices d ON s.source = d.source AND s.site_id = d.site_id
   AND (d.device_id IS NULL OR d.device_id = s.device_id)
  GROUP BY ALL
),
windows AS (
  SELECT r.reservation_id, project_id,
         date_trunc(CASE r.frequency WHEN 'monthly' THEN 'month' ELSE 'year' END,
                    timezone(p.timezone, g.slot)) AS window_start,
         sum(g.wh) AS wh
  FROM registered g JOIN projects p USING (project_id)
  JOIN reservations r USING (project_id)
  WHERE CAST(timezone(p.timezone, g.slot) AS DATE) BETWEEN r.first_day AND r.last_day
  GROUP BY ALL
)
SELECT count(*) AS lots, sum(rrecs) AS rrecs, sum(wh) AS wh FROM (
  SELECT *, sum(wh) OVER reservation // 1000000
            - (sum(wh) OVER reservation - wh) // 1000000 AS rrecs
  FROM windows
  WINDOW reservation AS (PARTITION BY reservation_id, project_id ORDER BY window_start)
)
"""

CLASSIFY = """
WITH months AS (
  SELECT source, site_id, customer_id, customer_class, year(interval_start) AS year,
         month(interval_start) AS month, sum(wh) AS wh
  FROM read_parquet('{reads}')
  WHERE customer_id IS NOT NULL AND wh IS NOT NULL
  GROUP BY ALL
),
to_date AS (
  SELECT *, sum(wh) OVER (PARTITION BY source, site_id, customer_id, customer_class, year
                          ORDER BY month) AS through
  FROM months
),
site_months AS (
  SELECT source, site_id, year, month,
         sum(least(through, {ma}) - least(through - wh, {ma}))
           FILTER (WHERE customer_class = 'type1_household') AS type1_ma_wh,
         sum(wh) FILTER (WHERE customer_class = 'type1_household') AS type1_wh,
         sum(wh) FILTER (WHERE customer_class = 'type2_non_household') AS type2_wh
  FROM to_date GROUP BY ALL
)
SELECT count(*) AS site_months, sum(type1_ma_wh) AS type1_ma_wh, sum(type1_wh) AS type1_wh,
       sum(type2_wh) AS type2_wh
FROM site_months
"""


def _connect() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def _reads(folder: Path) -> str:
    return str(folder / "peer" / "normalised" / "*" / "*.parquet")


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> dict:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _mwh(wh: int | None) -> str:
    return format((Decimal(wh or 0) / 1_000_000).normalize(), "f")


def normalise(folder: Path) -> dict:
    out = folder / "peer" / "normalised"
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    connection = _connect()
    connection.execute(NORMALISE.format(max_wh=MAX_WH_PER_HOUR, parsed=folder / "parsed", out=out))
    reads = _one(connection, f"SELECT count(*) AS n FROM read_parquet('{_reads(folder)}')")["n"]
    return {"detail": f"{reads:,} reads out", "numbers": {"reads_out": reads}}


def validate(folder: Path) -> dict:
    found = _one(_connect(), VALIDATE.format(reads=_reads(folder)))
    detail = f"{found['reads']:,} reads checked, {found['overlaps']} overlaps"
    return {"detail": detail, "numbers": {"overlaps": found["overlaps"]}}


def plan(folder: Path) -> dict:
    found = _one(_connect(), PLAN.format(registry=folder / "registry", reads=_reads(folder)))
    detail = f"{found['lots']:,} lots, {found['rrecs']:,} R-RECs"
    return {"detail": detail, "numbers": {"lots": found["lots"], "rrecs": int(found["rrecs"])}}


def classify(folder: Path) -> dict:
    found = _one(_connect(), CLASSIFY.format(reads=_reads(folder), ma=HOUSEHOLD_TYPE1_MA_WH))
    numbers = {
        "type1_ma_mwh": _mwh(found["type1_ma_wh"]),
        "type1_mwh": _mwh(found["type1_wh"]),
        "type2_mwh": _mwh(found["type2_wh"]),
    }
    detail = (
        f"{found['site_months']:,} site months, Type I {numbers['type1_mwh']} MWh, "
        f"Type II {numbers['type2_mwh']} MWh"
    )
    return {"detail": detail, "numbers": numbers}


STEPS = {step.__name__: step for step in (normalise, validate, plan, classify)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", choices=sorted(STEPS), required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    result = STEPS[args.step](args.dir)
    result["seconds"] = time.perf_counter() - started
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
