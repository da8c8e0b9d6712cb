"""pandera (polars) models of the tables that cross module boundaries.

Each model's docstring says what a row is, and each column carries its own
description; `rrec_pipeline.tables` registers them under their asset keys.
Amount columns use the exact types of `rrec_pipeline.basics.amounts`.
"""

import pandera.polars as pa
import polars as pl

Schema = pa.DataFrameSchema | type[pa.DataFrameModel]


def as_schema(schema: Schema) -> pa.DataFrameSchema:
    return schema if isinstance(schema, pa.DataFrameSchema) else schema.to_schema()


def polars_schema(schema: Schema) -> dict[str, pl.DataType]:
    """Column name -> polars dtype, for empty frames and casts."""
    return {name: column.dtype.type for name, column in as_schema(schema).columns.items()}


def empty_frame(schema: Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(schema))
