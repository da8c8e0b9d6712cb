"""A token class's display name, as the registry names its contracts ("Kenya R-RECs")."""

from __future__ import annotations

import polars as pl

from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.geography import us_state_name


def token_name(symbol: str, tables: ReferenceTables) -> str:
    """`RREC-AKE` -> `Kenya R-RECs`; `RREC-GA` -> `Georgia R-RECs`; otherwise the symbol."""
    code = symbol.removeprefix("RREC-")
    if len(code) == 3 and code.startswith("A"):
        match = tables.countries.filter(pl.col("iso2") == code[1:])
        if match.height:
            return f"{match['country_name'][0]} R-RECs"
    name = us_state_name(code) if len(code) == 2 else None
    return f"{name} R-RECs" if name else symbol
