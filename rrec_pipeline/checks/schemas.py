"""One blocking schema check per registered table, evaluated in the step that writes it.

A table that breaks its schema blocks everything downstream of it; the check's
metadata lists the failing rows (column, check, value) as a Markdown table.

The check runs inside the asset's own step, on the frame the step has just
handed to the IO manager: a check of its own step would read the table back
and cost a step's worth of Dagster events (about a quarter of a run's), and a
meter run over a range of days judges exactly what it wrote. An asset declares
`check_specs=schema_specs(...)` and wraps its body in `schema_checked(...)`;
`tests/integration/test_definitions.py` holds every registered table to it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator

import dagster as dg
import pandera.polars as pa
import polars as pl

from rrec_pipeline.checks.markdown import markdown_table, partitioned_checks
from rrec_pipeline.tables import Table

SCHEMA = "schema"


def schema_specs(
    *tables: Table, partitions_def: dg.PartitionsDefinition | None = None
) -> list[dg.AssetCheckSpec]:
    """The schema checks of the tables an asset writes (partitioned like it, if given)."""
    with partitioned_checks():
        return [
            dg.AssetCheckSpec(
                SCHEMA,
                asset=table.key,
                blocking=True,
                partitions_def=partitions_def,
                description=f"Every row matches the table's schema: {table.description}",
            )
            for table in tables
        ]


def schema_result(table: Table, frame: pl.DataFrame) -> dg.AssetCheckResult:
    """The table's schema check on `frame`: passed with its row count, or the failing rows."""
    try:
        table.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return dg.AssetCheckResult(
            asset_key=table.key,
            check_name=SCHEMA,
            passed=False,
            description=f"{cases.height} schema failures",
            metadata={"failures": dg.MetadataValue.md(markdown_table(cases))},
        )
    return dg.AssetCheckResult(
        asset_key=table.key, check_name=SCHEMA, passed=True, metadata={"rows": frame.height}
    )


def schema_checked(*tables: Table) -> Callable[[Callable], Callable]:
    """Wraps an asset's body: each output of one of `tables` is followed by its schema check.

    The body returns or yields `dg.Output`s; an asset of one table names its output
    `result` (Dagster's default), a multi-asset names each output after its table's
    key. A range run's output (partition key -> frame) is checked as one frame.
    """
    by_output = {"result": tables[0]} if len(tables) == 1 else {t.key: t for t in tables}

    def decorate(body: Callable) -> Callable:
        @functools.wraps(body)
        def checked(*args, **kwargs) -> Iterator:
            produced = body(*args, **kwargs)
            for output in produced if inspect.isgenerator(produced) else [produced]:
                yield output
                table = by_output.get(getattr(output, "output_name", None))
                if table is not None:
                    yield schema_result(table, _one_frame(table, output.value))

        return checked

    return decorate


def _one_frame(table: Table, value: pl.DataFrame | dict[str, pl.DataFrame] | None) -> pl.DataFrame:
    if isinstance(value, dict):
        return pl.concat(list(value.values())) if value else table.empty()
    return table.empty() if value is None else value
