"""Tables of `rrec audit`: a running registry's mints against their files, and its holders."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import TOKENS
from rrec_pipeline.schemas import fields


class AuditMints(pa.DataFrameModel):
    """One row per counted mint of the audited record (superseded rows left out): the R-RECs
    it minted against what its verification file supports."""

    tx: str = pa.Field(nullable=True, description="the mint's transaction (null: none recorded)")
    token: str = fields.token()
    block_number: pl.Int64 = pa.Field(description="its block (0: a manual addition)")
    year: pl.Int32 = pa.Field(nullable=True, description="year of the file's Begin (or the block)")
    amount: pl.Int64 = pa.Field(ge=0, description="whole R-RECs minted")
    file: str = pa.Field(nullable=True, description="the verification file's name; null: none")
    supported: pl.Int64 = pa.Field(
        nullable=True, description="whole R-RECs the file supports: floor(certified MWh)"
    )
    difference: pl.Int64 = pa.Field(nullable=True, description="amount minus supported")
    ok: bool = pa.Field(description="a file, the amount it supports, and no failing rule")
    problems: pl.List(pl.String) = pa.Field(description="why not: the difference, failing rules")


class AuditBalances(pa.DataFrameModel):
    """One row per token and holder: what the record moved to and from the holder, and what
    it holds. A holder never goes negative, and retirements never exceed the mints."""

    token: str = fields.token()
    holder: str = pa.Field(description="the wallet (lower case)")
    minted: TOKENS = pa.Field(description="minted to the holder")
    transferred_in: TOKENS = pa.Field(description="transferred to the holder")
    transferred_out: TOKENS = pa.Field(description="transferred from the holder")
    retired: TOKENS = pa.Field(description="retired by the holder")
    returned: TOKENS = pa.Field(description="returned by the holder")
    balance: TOKENS = pa.Field(description="minted + in - out - retired - returned")

    class Config:
        strict = True
        unique = ("token", "holder")
