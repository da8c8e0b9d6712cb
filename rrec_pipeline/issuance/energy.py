"""Energy per reservation, project and window, from normalised meter reads, in one pass.

Reads reach a project through `devices.csv` (a meter, or every meter of a site,
with role `generation`), and a window through the project's time zone: each
read's interval start, in local time, is truncated to its frequency's period
(`dt.truncate`), so the work is vectorised per (time zone, frequency) and runs
on a lazy scan with streaming collection. Reads of quality `missing` carry no
energy; `estimated` energy is counted and reported apart. All sums are
integer Wh. Which devices cover which time (the evidence) is `coverage.py`.
"""

from __future__ import annotations

import polars as pl

from rrec_pipeline.basics.frequencies import frequency as frequency_rule

KEY = ["reservation_id", "project_id", "label", "first_day"]
ENERGY_SCHEMA = {
    "reservation_id": pl.String,
    "project_id": pl.String,
    "label": pl.Date,
    "first_day": pl.Date,
    "wh": pl.Int64,
    "estimated_wh": pl.Int64,
    "reads": pl.UInt32,
    "missing_reads": pl.UInt32,
}


def project_reads(reads: pl.LazyFrame, devices: pl.DataFrame, role: str) -> pl.LazyFrame:
    """Reads of the devices registered with `role`, tagged with their project.

    A meter registered by itself takes precedence over its site's registration;
    a join is skipped when no registration of its kind exists.
    """
    chosen = devices.filter(pl.col("role") == role)
    exact = (
        chosen.filter(pl.col("device_id").is_not_null())
        .select("source", "site_id", "device_id", pl.col("project_id").alias("_exact"))
        .unique(["source", "site_id", "device_id"], keep="first")
    )
    whole_site = (
        chosen.filter(pl.col("device_id").is_null())
        .select("source", "site_id", pl.col("project_id").alias("_site"))
        .unique(["source", "site_id"], keep="first")
    )
    tagged, parts = reads, []
    if exact.height:
        tagged = tagged.join(exact.lazy(), on=["source", "site_id", "device_id"], how="left")
        parts.append("_exact")
    if whole_site.height:
        tagged = tagged.join(whole_site.lazy(), on=["source", "site_id"], how="left")
        parts.append("_site")
    if not parts:
        return reads.head(0).with_columns(pl.lit(None, pl.String).alias("project_id"))
    return (
        tagged.with_columns(pl.coalesce(parts).alias("project_id"))
        .filter(pl.col("project_id").is_not_null())
        .drop(parts)
    )


def claimed_reads(tagged: pl.LazyFrame, claims: pl.DataFrame) -> pl.LazyFrame:
    """Tagged reads within their project's claims, with the window each belongs to.

    `claims` has reservation_id, project_id, frequency, timezone, start and end
    (local days, both included). A read on a day two claims contest is in both;
    the planner holds those windows back.
    """
    parts = []
    for (zone, frequency), group in claims.group_by(["timezone", "frequency"]):
        local = pl.col("interval_start").dt.convert_time_zone(zone)
        day, period = local.dt.date(), frequency_rule(frequency).truncate
        parts.append(
            tagged.join(
                group.select("reservation_id", "project_id", "start", "end").lazy(), on="project_id"
            )
            .filter(day.is_between(pl.col("start"), pl.col("end")))
            .with_columns(
                local.dt.truncate(period).dt.date().alias("label"),
                pl.max_horizontal(
                    local.dt.truncate(period).dt.date(),
                    "start",
                    pl.date(day.dt.year(), 1, 1),
                ).alias("first_day"),
            )
            .drop("start", "end")
        )
    return pl.concat(parts) if parts else _no_reads(tagged)


def _no_reads(tagged: pl.LazyFrame) -> pl.LazyFrame:
    return tagged.head(0).with_columns(
        pl.lit(None, pl.String).alias("reservation_id"),
        pl.lit(None, pl.Date).alias("label"),
        pl.lit(None, pl.Date).alias("first_day"),
    )


# Window boundaries are local midnights, which fall on a quarter hour in every
# time zone; a read's slot (its start, floored to 15 minutes) is on the same side
# of every boundary as its start, so reads can be summed per slot first.
SLOT = "15m"


def project_slots(reads: pl.LazyFrame, devices: pl.DataFrame) -> pl.DataFrame:
    """Generation reads summed per (project, 15-minute slot): one streaming pass that
    shrinks the reads to what windows need (which devices cover what is `coverage.py`).

    Reads are summed per site (and meter, when a meter is registered by itself)
    and slot before they meet the registrations: a project is a function of
    those keys, so the join runs over the sums, not over every read.
    """
    counted = pl.col("quality") != "missing"
    generation = devices.filter(pl.col("role") == "generation")
    by_meter = generation["device_id"].is_not_null().any()
    owner = ["source", "site_id", "device_id"] if by_meter else ["source", "site_id"]
    per_owner = reads.group_by(*owner, pl.col("interval_start").dt.truncate(SLOT)).agg(
        pl.when(counted).then(pl.col("wh")).sum().alias("wh"),
        pl.when(pl.col("quality") == "estimated").then(pl.col("wh")).sum().alias("estimated_wh"),
        (~counted).sum().cast(pl.UInt32).alias("missing_reads"),
        pl.len().cast(pl.UInt32).alias("reads"),
    )
    return (
        project_reads(per_owner, devices, "generation")
        .group_by("project_id", "interval_start")
        .agg(
            pl.col("wh", "estimated_wh").sum(),
            pl.col("missing_reads", "reads").sum().cast(pl.UInt32),
        )
        .collect(engine="streaming")
    )


def window_energy(reads: pl.LazyFrame, devices: pl.DataFrame, claims: pl.DataFrame) -> pl.DataFrame:
    """Exact Wh and read counts per (reservation, project, window)."""
    slots = project_slots(reads, devices)
    return (
        claimed_reads(slots.lazy(), claims)
        .group_by(KEY)
        .agg(pl.col("wh", "estimated_wh").sum(), pl.col("reads", "missing_reads").sum())
        .collect()
        .cast(ENERGY_SCHEMA)
        .select(list(ENERGY_SCHEMA))
    )
