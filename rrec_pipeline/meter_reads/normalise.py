"""Parsed readings -> the normalised meter-reads table, plus what was held back.

- Cumulative registers become interval deltas per device. A register that goes
  down is a rollover when it wraps near a power of ten (counted, `estimated`)
  and a reset otherwise (that interval is `missing`: its energy is unknown).
- A delta or interval above its bound x its hours is implausible and `missing`;
  the bound is 1.5 x the site's or device's capacity when the page says it
  (`capacity_kw`), and never more than `max_kwh_per_hour`. A negative interval
  is `missing`. Nothing negative or huge passes.
- Energy is integer Wh throughout: every comparison and delta is exact.
- Duplicate deliveries of a reading collapse to one; deliveries that disagree
  keep the latest value and are reported with every value in delivery order.
  `ingested_at` is the first delivery, so re-running over the same pages gives
  the same table.
- Overlapping intervals of one device (a long reading across a hole, and the
  hole's finer readings delivered later) keep the finer ones; the long one is
  reported as `replaced_by_finer_reads`. No hour is counted twice.
- Only intervals starting inside the window are kept: a partition holds the
  intervals that start on its day.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from rrec_pipeline.meter_reads.overlaps import DEVICE, overlapping_intervals
from rrec_pipeline.schemas import polars_schema
from rrec_pipeline.schemas.meter_reads import MeterAnomalies, MeterReads

KEY = ["source", "device_id", "interval_start", "interval_end"]
# Reads come out day by day (the UTC day of `interval_start`: the partition),
# each day in (device, start, source) order. Any order over the unique key is
# deterministic; days first is how readings arrive (a sort over nearly sorted
# rows is faster) and splits into partitions by slicing; leading with the
# constant `source` makes polars' multi-key sort several times slower.
OUTPUT_ORDER = [pl.col("interval_start").dt.date(), "device_id", "interval_start", "source"]
READ_COLUMNS = list(MeterReads.to_schema().columns)
ANOMALY_SCHEMA = polars_schema(MeterAnomalies)
# A rollover: the register was within the top 10 % of a power-of-ten range and
# is now within its bottom 10 %.
ROLLOVER_BAND = 0.1


@dataclass(frozen=True)
class Normalised:
    reads: pl.DataFrame
    anomalies: pl.DataFrame
    pages: str = ""  # digest of the landed pages a day was derived from (`days.py`)


def normalise(
    parsed: pl.DataFrame,
    window: tuple[datetime, datetime],
    *,
    max_kwh_per_hour: float,
) -> Normalised:
    deltas, register_anomalies = _register_deltas(parsed.filter(pl.col("kind") == "register"))
    intervals = parsed.filter(pl.col("kind") == "interval").select(
        *(c for c in READ_COLUMNS if c != "ingested_at"), "ingested_at", "max_wh_per_hour"
    )
    candidates = pl.concat([intervals, deltas], how="vertical")
    max_wh_per_hour = round(max_kwh_per_hour * 1000)  # a threshold, not an amount
    screened, screen_anomalies = _screen(candidates, max_wh_per_hour)
    reads, conflict_anomalies = _collapse_duplicates(screened)
    reads, replaced_anomalies = _finer_reads_win(reads)
    start, end = window
    in_window = (pl.col("interval_start") >= start) & (pl.col("interval_start") < end)
    reads = reads.filter(in_window)
    anomalies = pl.concat(
        [register_anomalies, screen_anomalies, conflict_anomalies, replaced_anomalies]
    )
    anomalies = anomalies.filter((pl.col("at") >= start) & (pl.col("at") < end)).sort(
        "source", "device_id", "at", "anomaly"
    )
    # The table's schema check validates what is written (the asset check, and
    # `rrec fetch` before it prints); validating here too doubled its cost.
    return Normalised(reads, anomalies)


def _register_deltas(registers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Consecutive register readings per device -> interval rows and anomalies."""
    device = ["source", "device_id"]
    readings = (
        registers.filter(pl.col("wh").is_not_null())
        .sort([*device, "interval_end", "ingested_at"], maintain_order=True)
        .unique([*device, "interval_end"], keep="last", maintain_order=True)
        .with_columns(
            pl.col("wh").shift(1).over(device).alias("previous_wh"),
            pl.col("interval_end").shift(1).over(device).alias("previous_at"),
            pl.col("ingested_at").shift(1).over(device).alias("previous_ingested_at"),
        )
        .filter(pl.col("previous_at").is_not_null())
    )
    current, previous = pl.col("wh"), pl.col("previous_wh")
    # The register's range: the next power of ten above its reading (9990 Wh -> 10000).
    modulus = (
        pl.lit(10, pl.Int64).pow(previous.abs().cast(pl.String).str.len_chars()).cast(pl.Int64)
    )
    band = modulus // round(1 / ROLLOVER_BAND)
    is_down = current < previous
    is_rollover = (previous > 0) & is_down & (previous >= modulus - band) & (current <= band)
    delta = (
        pl.when(is_rollover)
        .then(modulus - previous + current)
        .when(is_down)
        .then(None)
        .otherwise(current - previous)
    )
    intervals = readings.with_columns(
        pl.col("previous_at").alias("interval_start"),
        delta.alias("wh"),
        pl.when(is_rollover)
        .then(pl.lit("estimated"))
        .when(is_down)
        .then(pl.lit("missing"))
        .otherwise(pl.lit("measured"))
        .alias("quality"),
        pl.max_horizontal("ingested_at", "previous_ingested_at").alias("ingested_at"),
        pl.when(is_rollover)
        .then(pl.lit("rollover"))
        .when(is_down)
        .then(pl.lit("reset"))
        .alias("_anomaly"),
        current.alias("_register"),
    )
    detail = pl.format("register went from {} to {} Wh", previous, pl.col("_register"))
    return intervals.select(*READ_COLUMNS, "max_wh_per_hour"), _flagged(intervals, detail)


def _flagged(frame: pl.DataFrame, detail: pl.Expr) -> pl.DataFrame:
    """Anomaly rows for the rows whose `_anomaly` is set; `detail` is built only for them."""
    return (
        frame.filter(pl.col("_anomaly").is_not_null())
        .select(
            "source",
            "device_id",
            pl.col("interval_start").alias("at"),
            pl.col("_anomaly").alias("anomaly"),
            detail.alias("detail"),
        )
        .cast(ANOMALY_SCHEMA)
    )


def _screen(reads: pl.DataFrame, max_wh_per_hour: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Negative and implausibly large energy becomes `missing`, and is reported."""
    seconds = (pl.col("interval_end") - pl.col("interval_start")).dt.total_seconds()
    bound = pl.min_horizontal(pl.col("max_wh_per_hour").fill_null(max_wh_per_hour), max_wh_per_hour)
    problem = (
        pl.when(pl.col("wh") < 0)
        .then(pl.lit("negative_interval"))
        .when(pl.col("wh") * 3600 > seconds * bound)
        .then(pl.lit("implausible_jump"))
    )
    flagged = reads.with_columns(problem.alias("_anomaly"))
    detail = pl.format("{} Wh over {} s (bound {} Wh per hour)", pl.col("wh"), seconds, bound)
    anomalies = _flagged(flagged, detail)
    is_bad = pl.col("_anomaly").is_not_null()
    screened = flagged.with_columns(
        pl.when(is_bad).then(None).otherwise(pl.col("wh")).alias("wh"),
        pl.when(is_bad).then(pl.lit("missing")).otherwise(pl.col("quality")).alias("quality"),
    ).select(READ_COLUMNS)
    return screened, anomalies


def _collapse_duplicates(reads: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per key, in output order: the latest delivery's value, the first's time.

    One stable sort puts a key's deliveries side by side (their day is the
    same: it is their start's), by arrival time and
    then input order; comparing neighbours finds each key's first and last row
    and the keys whose deliveries disagree, with no group-by over all rows.
    """
    ordered = reads.sort([*OUTPUT_ORDER, "interval_end", "ingested_at"], maintain_order=True)
    is_first = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(1)) for c in KEY)
    is_last = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(-1)) for c in KEY)
    marked = ordered.with_columns(
        is_first.cum_sum().alias("_group"),
        is_last.alias("_last"),
        pl.when(is_first).then(pl.col("ingested_at")).forward_fill().alias("_first_at"),
        (~is_first & pl.col("wh").ne_missing(pl.col("wh").shift(1))).alias("_differs"),
    )
    kept = marked.filter(pl.col("_last")).with_columns(pl.col("_first_at").alias("ingested_at"))
    conflicting = marked.filter(pl.col("_differs")).select("_group").unique()
    # Each value as it was delivered, in order (a value repeated by the next delivery once).
    seen = (
        marked.join(conflicting, on="_group", how="semi")
        .filter(
            pl.col("_differs") | (pl.col("_group") != pl.col("_group").shift(1)).fill_null(True)
        )
        .group_by("_group", maintain_order=True)
        .agg(
            *(pl.col(c).first() for c in KEY),
            pl.format("{} Wh", pl.col("wh")).fill_null("missing").alias("_seen"),
        )
    )
    anomalies = seen.select(
        "source",
        "device_id",
        pl.col("interval_start").alias("at"),
        pl.lit("conflicting_duplicate").alias("anomaly"),
        pl.format(
            "deliveries disagree: {}; kept the latest", pl.col("_seen").list.join(", then ")
        ).alias("detail"),
    )
    return kept.select(READ_COLUMNS), anomalies.cast(ANOMALY_SCHEMA)


def _finer_reads_win(reads: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Where a device's intervals overlap, the finer ones stay and the longer one goes.

    A long reading spans a hole (a register read across an outage, an export
    that skipped days); when the hole's own, finer readings are delivered later,
    they replace it, so that no hour is counted twice and no two reads share a
    key. What the finer reads do not cover becomes a gap. Equal lengths: the
    later delivery stays. Only devices with an overlap leave the vectorised path.
    """
    overlapping = overlapping_intervals(reads, in_write_order=True)  # as collapsed
    if overlapping.is_empty():
        return reads, pl.DataFrame(schema=ANOMALY_SCHEMA)
    devices = overlapping.select(DEVICE).unique()
    involved = reads.join(devices, on=list(DEVICE), how="semi")
    chosen: list[bool] = []
    for _, rows in involved.with_row_index("_row").group_by(DEVICE, maintain_order=True):
        chosen.extend(_keep_finest(rows))
    flagged = involved.with_row_index("_row").join(
        pl.DataFrame({"_row": [r for r, _ in chosen], "_kept": [k for _, k in chosen]}),
        on="_row",
    )
    others = reads.join(devices, on=list(DEVICE), how="anti")
    kept = pl.concat([others, flagged.filter("_kept").select(READ_COLUMNS)])
    dropped = flagged.filter(~pl.col("_kept")).with_columns(
        pl.lit("replaced_by_finer_reads").alias("_anomaly")
    )
    detail = pl.format(
        "{} to {} ({} Wh) overlapped finer reads: they replace it",
        "interval_start",
        "interval_end",
        pl.col("wh").cast(pl.String).fill_null("missing"),
    )
    ordered = kept.select(READ_COLUMNS).sort(*OUTPUT_ORDER, maintain_order=True)
    return ordered, _flagged(dropped, detail)


def _keep_finest(rows: pl.DataFrame) -> list[tuple[int, bool]]:
    """(row, kept) for one device: shortest first, later delivery first, then earliest start."""
    spans = rows.select(
        "_row",
        "interval_start",
        "interval_end",
        "ingested_at",
        (pl.col("interval_end") - pl.col("interval_start")).alias("_length"),
    ).sort("_length", pl.col("ingested_at"), "interval_start", descending=[False, True, False])
    accepted: list[tuple] = []
    outcome = []
    for row, start, end, _, _ in spans.iter_rows():
        position = bisect.bisect_left(accepted, (start,))
        clear = (position == len(accepted) or end <= accepted[position][0]) and (
            position == 0 or accepted[position - 1][1] <= start
        )
        if clear:
            accepted.insert(position, (start, end))
        outcome.append((row, clear))
    return outcome
