"""Meter data per (UTC day, source): raw pages landed, then the normalised table.

A run covers one (day, source) partition or a range of days of one source
(what `rrec run` and single-run backfills do: a year of a file drop is one
run, each file read once); each day's output is still its own partition.

`raw_meter__pages` asks the source for what is new since the day's cursor and
lands it as received; a page that fails after retries, or does not parse, fails
that (day, source) only. `core_meter__reads` is re-derived from the landed
pages every time, so re-running a partition changes nothing; once a day's
partitions are written, the landing zone records the pages they came from,
and a day whose pages differ from that record is normalised again by the next
run (`meter_reads/days.py`).
"""

import dagster as dg
import polars as pl

from rrec_pipeline.basics import faults
from rrec_pipeline.checks.meter_reads import (
    METER_CHECK_SPECS,
    meter_anomalies_reviewed,
    meter_reads_do_not_overlap,
)
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.meter_reads.days import normalise_days
from rrec_pipeline.meter_reads.ingest import LandingReport, PageRejectedError, land_days
from rrec_pipeline.partitions import METER_PARTITIONS, meter_partition_key, split_meter_keys
from rrec_pipeline.resources.meters.http_errors import SourceError
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_sources import MeterSources
from rrec_pipeline.tables import METER_ANOMALIES, METER_READS

RAW = "raw_meter__pages"  # not a table: its data is the landing zone


@dg.asset(name=RAW, partitions_def=METER_PARTITIONS, group_name="meter_reads", kinds={"json"})
def raw_meter__pages(
    context: dg.AssetExecutionContext, meter_sources: MeterSources, landing_zone: LandingZone
) -> dg.MaterializeResult:
    days, name = split_meter_keys(context)
    source = meter_sources.get(name)
    try:
        report = land_days(source, landing_zone, days, skip_bad_pages=source.always_rescan)
    except (SourceError, PageRejectedError) as error:
        raise dg.Failure(description=str(error)) from None
    for late in sorted(report.late_days):
        context.log.warning(f"{name} brought data for {late}; that day will be normalised again")
    for path, error in report.quarantined:
        context.log.warning(f"quarantined {path}: {error}")
    return dg.MaterializeResult(metadata=_landing_metadata(report))


def _landing_metadata(report: LandingReport) -> dict[str, object]:
    window = report.window
    return {
        "skipped": report.skipped or "",
        "window": f"{window[0].isoformat()} to {window[1].isoformat()}" if window else "",
        "pages_seen": report.pages_seen,
        "pages_new": report.pages_new,
        "bytes_new": report.bytes_new,
        "rows_by_day": dg.MetadataValue.json(
            {d.isoformat(): n for d, n in sorted(report.rows_by_day.items())}
        ),
        "late_days": dg.MetadataValue.json(sorted(d.isoformat() for d in report.late_days)),
        "quarantined": dg.MetadataValue.json(
            [{"path": p, "error": e} for p, e in report.quarantined]
        ),
    }


@dg.multi_asset(
    name="core_meter",
    outs={
        table.key: dg.AssetOut(description=table.description, kinds={"polars", "parquet"})
        for table in (METER_READS, METER_ANOMALIES)
    },
    partitions_def=METER_PARTITIONS,
    deps=[RAW],
    group_name="meter_reads",
    check_specs=[*schema_specs(METER_READS, METER_ANOMALIES), *METER_CHECK_SPECS],
)
@schema_checked(METER_READS, METER_ANOMALIES)
def core_meter(
    context: dg.AssetExecutionContext, meter_sources: MeterSources, landing_zone: LandingZone
):
    days, name = split_meter_keys(context)
    by_day = normalise_days(
        name, landing_zone, days, max_kwh_per_hour=meter_sources.get(name).max_kwh_per_hour
    )
    reads = pl.concat([result.reads for result in by_day.values()])
    anomalies = pl.concat([result.anomalies for result in by_day.values()])
    faults.reached("normalising")
    # Dagster writes each output (the IO manager, atomically) before this generator resumes.
    yield dg.Output(
        _per_partition(by_day, name, "reads"),
        METER_READS.key,
        metadata={
            "devices": reads["device_id"].n_unique(),
            "wh": int(reads["wh"].sum()),
            "missing_intervals": int((reads["quality"] == "missing").sum()),
        },
    )
    yield meter_reads_do_not_overlap(reads)
    yield dg.Output(
        _per_partition(by_day, name, "anomalies"),
        METER_ANOMALIES.key,
        metadata={
            "by_kind": dg.MetadataValue.json(dict(anomalies.group_by("anomaly").len().iter_rows())),
        },
    )
    yield meter_anomalies_reviewed(anomalies)
    faults.reached("partition_write")
    for day, result in by_day.items():
        landing_zone.record_normalised(name, day, result.pages)


def _per_partition(by_day: dict, source: str, field: str) -> pl.DataFrame | dict[str, pl.DataFrame]:
    """One day's frame, or partition key -> frame for a range run (the IO manager splits it)."""
    if len(by_day) == 1:
        return getattr(next(iter(by_day.values())), field)
    return {meter_partition_key(day, source): getattr(r, field) for day, r in by_day.items()}
