"""Reference tables as static assets: the reviewed CSVs in `reference_data/`.

Loaded and schema-checked on every materialization, so a change to a table
(by `scripts/build_reference_data.py`) shows up in the asset's history.
"""

import dagster as dg

from rrec_pipeline.basics.geography import reference_data_dir
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.credits.reference import REFERENCE_TABLES, csv_name, read_table
from rrec_pipeline.tables import Table


def _reference_asset(table: Table) -> dg.AssetsDefinition:
    @dg.asset(
        name=table.key,
        group_name="reference",
        kinds={"csv", "polars"},
        description=f"reference_data/{csv_name(table)}: {table.description}",
        check_specs=schema_specs(table),
    )
    @schema_checked(table)
    def _asset() -> dg.Output:
        frame = read_table(reference_data_dir() / csv_name(table), table)
        return dg.Output(frame, metadata={"file": f"reference_data/{csv_name(table)}"})

    return _asset


reference_assets = [_reference_asset(table) for table in REFERENCE_TABLES.values()]
