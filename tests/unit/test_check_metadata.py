"""Asset-check metadata a person who did not write the code can read: Markdown tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import polars as pl

from rrec_pipeline.build import build_defs
from rrec_pipeline.checks.markdown import markdown_table
from rrec_pipeline.checks.meter_reads import meter_anomalies_reviewed, meter_reads_do_not_overlap
from rrec_pipeline.checks.schemas import schema_result
from rrec_pipeline.tables import METER_READS

T0 = datetime(2025, 3, 14, tzinfo=UTC)
BOX_DRAWING = set("┌┐└┘│─┆╞╪═┬┴┼")


def overlapping_reads() -> pl.DataFrame:
    rows = [
        (T0, T0 + timedelta(hours=2), 500),
        (T0 + timedelta(hours=1), T0 + timedelta(hours=3), 700),
    ]
    return pl.DataFrame(
        {
            "source": ["files", "files"],
            "site_id": ["s|1", "s|1"],
            "device_id": ["m1", "m1"],
            "customer_id": [None, None],
            "customer_class": [None, None],
            "interval_start": [r[0] for r in rows],
            "interval_end": [r[1] for r in rows],
            "wh": [r[2] for r in rows],
            "quality": ["measured", "measured"],
            "ingested_at": [T0, T0],
        },
        schema=METER_READS.dtypes,
    )


def test_overlaps_are_listed_as_a_markdown_table() -> None:
    result = meter_reads_do_not_overlap(overlapping_reads())
    table = result.metadata["overlaps"].value
    assert not result.passed
    assert table.splitlines()[0] == (
        "| source | site_id | device_id | interval_start | interval_end | wh |"
    )
    assert "| files | s\\|1 | m1 | 2025-03-14 01:00:00+00:00 |" in table  # pipes escaped
    assert not BOX_DRAWING & set(table)


def test_anomalies_are_listed_as_a_markdown_table() -> None:
    anomalies = pl.DataFrame(
        {
            "source": ["files"],
            "device_id": ["m1"],
            "at": [T0],
            "anomaly": ["reset"],
            "detail": ["register went from 501000 to 3000 Wh"],
        }
    )
    listed = meter_anomalies_reviewed(anomalies).metadata["listed"].value
    assert listed.startswith("| source | device_id | at | anomaly | detail |")
    assert not BOX_DRAWING & set(listed)


def test_schema_failures_name_column_check_and_value() -> None:
    bad = overlapping_reads().with_columns(pl.lit(-5).alias("wh"))
    result = schema_result(METER_READS, bad)
    assert not result.passed
    failures = result.metadata["failures"].value
    assert failures.startswith("|") and "wh" in failures and "-5" in failures


def test_long_cells_are_cut_and_long_tables_counted() -> None:
    frame = pl.DataFrame({"message": ["x" * 500] * 60})
    table = markdown_table(frame)
    assert max(len(line) for line in table.splitlines()) < 200
    assert table.endswith("... and 10 more rows")


def test_every_check_has_a_description() -> None:
    graph = build_defs().resolve_asset_graph()
    missing = [
        key.to_user_string()
        for key in graph.asset_check_keys
        if not graph.get_check_spec(key).description
    ]
    assert missing == []


def test_schema_checks_describe_their_table() -> None:
    spec = (
        build_defs()
        .resolve_asset_graph()
        .get_check_spec(dg.AssetCheckKey(dg.AssetKey("core_meter__reads"), "schema"))
    )
    assert spec.description.startswith("Every row matches the table's schema: The normalised")
