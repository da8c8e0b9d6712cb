"""One blocking schema check per registered table, generated in one loop.

A table that breaks its schema blocks everything downstream of it; the check's
metadata lists the failing rows (column, check, value) as a Markdown table.
"""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl

from rrec_pipeline.checks.markdown import markdown_table, partitioned_checks
from rrec_pipeline.partitions import METER_PARTITIONS
from rrec_pipeline.tables import TABLES, Table


def schema_check(
    table: Table, partitions_def: dg.PartitionsDefinition | None = None
) -> dg.AssetChecksDefinition:
    def _check(frame: pl.DataFrame) -> dg.AssetCheckResult:
        try:
            table.schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            return _failed(errors.failure_cases)
        return dg.AssetCheckResult(passed=True, metadata={"rows": frame.height})

    with partitioned_checks():
        return dg.asset_check(
            asset=table.key,
            name="schema",
            partitions_def=partitions_def,
            blocking=True,
            description=f"Every row matches the table's schema: {table.description}",
        )(_check)


def _failed(cases: pl.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        description=f"{cases.height} schema failures",
        metadata={"failures": dg.MetadataValue.md(markdown_table(cases))},
    )


def schema_checks(assets: list[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    """A schema check for every registered table among `assets`, with its partitions.

    Meter tables are written by runs over many days at once, and a check result
    cannot name a partition: their checks judge what the run wrote, unpartitioned.
    """
    checks = []
    for asset in assets:
        partitions = None if asset.partitions_def == METER_PARTITIONS else asset.partitions_def
        for key in asset.keys:
            table = TABLES.get(key.to_user_string())
            if table is not None:
                checks.append(schema_check(table, partitions))
    return checks
