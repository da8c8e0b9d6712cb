"""Reference tables as static assets: the reviewed CSVs in `reference_data/`.

Loaded and schema-checked on every materialization, so a change to a table
(by `scripts/build_reference_data.py`) shows up in the asset's history. One
step reads all five: each table is still its own asset, with its own history
and schema check, without a step's worth of Dagster events apiece.
"""

import dagster as dg

from rrec_pipeline.basics.geography import reference_data_dir
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.credits.reference import REFERENCE_TABLES, csv_name, read_table

TABLES = list(REFERENCE_TABLES.values())


@dg.multi_asset(
    name="core_reference",
    outs={
        table.key: dg.AssetOut(
            description=f"reference_data/{csv_name(table)}: {table.description}",
            kinds={"csv", "polars"},
        )
        for table in TABLES
    },
    group_name="reference",
    check_specs=schema_specs(*TABLES),
)
@schema_checked(*TABLES)
def core_reference():
    for table in TABLES:
        frame = read_table(reference_data_dir() / csv_name(table), table)
        yield dg.Output(frame, table.key, metadata={"file": f"reference_data/{csv_name(table)}"})


reference_assets = [core_reference]
