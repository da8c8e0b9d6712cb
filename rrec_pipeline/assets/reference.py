"""Reference tables as static assets: the reviewed CSVs in `reference_data/`.

Loaded and schema-checked on every materialization, so a change to a table
(by `scripts/build_reference_data.py`) shows up in the asset's history.
"""

import dagster as dg
import polars as pl

from rrec_pipeline.credits.reference import FILES, read_table
from rrec_pipeline.geography import reference_data_dir

ASSET_NAMES = {
    "ember": "core_reference__ember_co2_intensity",
    "avert": "core_reference__avert_rates",
    "state_regions": "core_reference__us_state_avert_regions",
    "countries": "core_reference__countries",
    "aliases": "core_reference__country_aliases",
}


def _reference_asset(table: str) -> dg.AssetsDefinition:
    file, model = FILES[table]

    @dg.asset(
        name=ASSET_NAMES[table],
        group_name="reference",
        kinds={"csv", "polars"},
        description=f"reference_data/{file}, checked against {model.__name__}.",
    )
    def _asset() -> dg.Output[pl.DataFrame]:
        frame = read_table(reference_data_dir() / file, model)
        return dg.Output(
            frame, metadata={"dagster/row_count": frame.height, "file": f"reference_data/{file}"}
        )

    return _asset


reference_assets = [_reference_asset(table) for table in FILES]
