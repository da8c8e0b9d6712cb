"""The schema registry: one pandera (polars) model per table that crosses modules.

Asset checks validate against these models, and DuckDB tables are created from
them, so a column is declared once. (Solidity lives in `contracts/`.)
"""

import pandera.polars as pa
import polars as pl


def polars_schema(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    """Column name -> polars dtype of a model, for empty frames and casts."""
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}
