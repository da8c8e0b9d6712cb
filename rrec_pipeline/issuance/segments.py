"""Where each registered generation meter's reads cover time: its covered segments.

A read covers its interval, but never more than the meter's usual reporting
interval: the median length of its reads (the lower middle one), computed
exactly from a streaming count of read lengths per meter, so memory follows
the number of meters, not of reads. Reads of quality `missing` cover nothing.

Consecutive covered intervals merge into segments. The reads are taken a
month at a time (of the span asked for, widened by the longest usual
interval), each month sorted by one integer key, the meter's ordinal times
2**34 plus the time in seconds, so a meter's reads follow one another and the
running maximum of what they reach never crosses from one meter to the next;
the months' segments, few, are merged where the months meet. Memory follows a
month of reads. The segments then meet the registrations (`project_reads`),
not every read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from rrec_pipeline.issuance.energy import project_reads

# Seconds since 1970 fit in 2**34 for millennia.
STRIDE = 2**34
METER = ["source", "site_id", "device_id"]
DEVICE = ["project_id", *METER]
SEGMENT_SCHEMA = {
    "project_id": pl.String,
    "source": pl.String,
    "site_id": pl.String,
    "device_id": pl.String,
    "segment_start": pl.Datetime("us", "UTC"),
    "segment_end": pl.Datetime("us", "UTC"),
}
_HASH = pl.struct(METER).hash().alias("_meter")
_AXIS = {"_key": pl.Int64, "_reach": pl.Int64}
_START = pl.col("interval_start").dt.epoch("s").alias("_start")
_LENGTH = (pl.col("interval_end") - pl.col("interval_start")).dt.total_seconds()


def device_segments(
    reads: pl.LazyFrame, devices: pl.DataFrame, span: tuple[datetime, datetime] | None = None
) -> pl.DataFrame:
    """Covered segments of every registered generation device within `span` (None: all),
    and one empty row (null segment) for a registration no read matches."""
    registered = devices.filter(pl.col("role") == "generation").select("source", "site_id")
    counted = reads.filter(pl.col("quality") != "missing").join(
        registered.unique().lazy(), on=["source", "site_id"], how="semi"
    )
    meters = counted.group_by(METER).agg().collect(engine="streaming")
    if meters.is_empty():
        return _unseen(devices, pl.DataFrame(schema=SEGMENT_SCHEMA))
    meters = meters.with_columns(_HASH).with_row_index("_ordinal")
    usual = _usual_lengths(counted).join(meters.select("_meter", "_ordinal"), on="_meter")
    first, last = span or _bounds(counted)
    first -= timedelta(seconds=int(usual["_usual"].max()))
    parts = [_month(counted, usual, lo, hi) for lo, hi in _months(first, last)]
    spans = (
        pl.concat(parts) if parts else pl.DataFrame(schema={"_key": pl.Int64, "_reach": pl.Int64})
    )
    per_meter = (
        _merged(spans)
        .select(
            (pl.col("_key") // STRIDE).cast(pl.UInt32).alias("_ordinal"),
            pl.from_epoch(pl.col("_key") % STRIDE, "s").alias("segment_start"),
            pl.from_epoch(pl.col("_reach") % STRIDE, "s").alias("segment_end"),
        )
        .join(meters.drop("_meter"), on="_ordinal")
    )
    segments = (
        project_reads(per_meter.lazy(), devices, "generation")
        .select(*DEVICE, "segment_start", "segment_end")
        .with_columns(pl.col("segment_start", "segment_end").dt.replace_time_zone("UTC"))
        .collect()
        .cast(SEGMENT_SCHEMA)
    )
    return pl.concat([segments, _unseen(devices, segments)])


def _usual_lengths(counted: pl.LazyFrame) -> pl.DataFrame:
    """Per meter, the lower median of its reads' lengths, from a count per length."""
    counts = (
        counted.group_by(_HASH, _LENGTH.alias("_length"))
        .agg(pl.len().alias("_count"))
        .collect(engine="streaming")
        .sort("_meter", "_length")
    )
    running = pl.col("_count").cum_sum().over("_meter")
    half = (pl.col("_count").sum().over("_meter") + 1) // 2
    return (
        counts.filter(running >= half)
        .group_by("_meter")
        .agg(pl.col("_length").first().alias("_usual"))
    )


def _bounds(counted: pl.LazyFrame) -> tuple[datetime, datetime]:
    first, last = (
        counted.select(pl.col("interval_start").min(), pl.col("interval_end").max())
        .collect(engine="streaming")
        .row(0)
    )
    return first, last


def _months(first: datetime, last: datetime) -> list[tuple[datetime, datetime]]:
    """Calendar months (UTC) from the one holding `first` to the one holding `last`."""
    found, at = [], datetime(first.year, first.month, 1, tzinfo=UTC)
    while at <= last:
        following = datetime(at.year + at.month // 12, at.month % 12 + 1, 1, tzinfo=UTC)
        found.append((at, following))
        at = following
    return found


def _month(
    counted: pl.LazyFrame, usual: pl.DataFrame, first: datetime, last: datetime
) -> pl.DataFrame:
    """The segments of the reads starting in [first, last), keyed on one axis."""
    axis = pl.col("_ordinal").cast(pl.Int64) * STRIDE
    reads = (
        counted.filter(pl.col("interval_start").is_between(first, last, closed="left"))
        .select(
            _HASH, pl.col("interval_start").dt.epoch("s").alias("_start"), _LENGTH.alias("_length")
        )
        .collect(engine="streaming")
        .join(usual, on="_meter")
        .select(
            (axis + pl.col("_start")).alias("_key"),
            (axis + pl.col("_start") + pl.min_horizontal("_length", "_usual")).alias("_reach"),
        )
    )
    return _merged(reads)


def _merged(spans: pl.DataFrame) -> pl.DataFrame:
    """Spans on the one axis, overlapping or touching ones merged into segments."""
    previous = pl.col("_reach").cum_max().shift(1)
    return (
        spans.sort("_key")
        .with_columns((previous.is_null() | (pl.col("_key") > previous)).cum_sum().alias("_seg"))
        .group_by("_seg")
        .agg(pl.col("_key").min(), pl.col("_reach").max())
        .drop("_seg")
    )


def _unseen(devices: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """Generation registrations (a meter, or a whole site) without a single read."""
    registered = devices.filter(pl.col("role") == "generation")
    exact = registered.filter(pl.col("device_id").is_not_null()).join(
        segments, on=DEVICE, how="anti"
    )
    sites = registered.filter(pl.col("device_id").is_null()).join(
        segments, on=["project_id", "source", "site_id"], how="anti"
    )
    rows = pl.concat(
        [
            exact.select(*DEVICE),
            sites.select(
                "project_id",
                "source",
                "site_id",
                pl.format("site {}", "site_id").alias("device_id"),
            ),
        ],
        how="vertical_relaxed",
    ).unique(maintain_order=True)
    return rows.with_columns(
        pl.lit(None, pl.Datetime("us", "UTC")).alias("segment_start"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("segment_end"),
    ).cast(SEGMENT_SCHEMA)
