"""Tables of issuance: the lots planned per window, and the files each lot publishes."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.amounts import WH

UTC = pl.Datetime(time_unit="us", time_zone="UTC")
CHANGES = ["new", "changed", "late", "issued"]
TO_ISSUE = ["new", "changed"]  # the changes a run issues; late and issued are already done


class IssuanceLots(pa.DataFrameModel):
    """One row per lot: a reservation's whole R-RECs of one project and window (integer Wh)."""

    lot_id: str = pa.Field(description="<reservation>__<project>__<first day>: the lot's identity")
    reservation_id: str = pa.Field(description="the buyer's reservation")
    project_id: str = pa.Field(description="the registered project")
    frequency: str = pa.Field(description="the reservation's issuance frequency")
    window_label: pl.Date = pa.Field(description="first day of the calendar period (partition key)")
    window_first_day: pl.Date = pa.Field(description="first local day of the window (included)")
    window_last_day: pl.Date = pa.Field(description="last local day of the window (included)")
    window_start_utc: UTC = pa.Field(description="local midnight starting the window, in UTC")
    window_end_utc: UTC = pa.Field(description="local midnight ending the window (exclusive)")
    timezone: str = pa.Field(description="the project's IANA time zone")
    year: pl.Int32 = pa.Field(description="the calendar year the window is in")
    wh: WH = pa.Field(ge=0, description="generation in the window, measured and estimated, Wh")
    late_wh: WH = pa.Field(ge=0, description="late reads of earlier windows added here, Wh")
    estimated_wh: WH = pa.Field(ge=0, description="of which estimated (rollovers), Wh")
    reads: pl.UInt32 = pa.Field(description="generation reads in the window")
    missing_reads: pl.UInt32 = pa.Field(description="reads without energy (gaps, resets)")
    carry_in_wh: WH = pa.Field(ge=0, description="remainder carried in from the window before")
    rrecs: pl.Int64 = pa.Field(ge=0, description="whole R-RECs issued (1 R-REC = 1 MWh)")
    carry_out_wh: WH = pa.Field(
        ge=0, description="remainder carried on, or unissued at year end or when clipped"
    )
    dropped_wh: WH = pa.Field(ge=0, description="remainder dropped (floor-per-window policy)")
    is_clipped: bool = pa.Field(description="the lot that reached the reservation's volume")
    is_year_end: bool = pa.Field(description="the year's last lot: its carry is unissued")
    recipient: str = pa.Field(description="wallet the R-RECs are minted to")
    token: str = pa.Field(nullable=True, description="R-REC token class; null: none applies")
    change: str = pa.Field(isin=CHANGES, description="new, changed or late against the ledger")

    class Config:
        strict = True
        unique = ("lot_id",)


class LotFiles(pa.DataFrameModel):
    """One row per lot that published files: its verification CSV, scorecard, I-REC request."""

    lot_id: str = pa.Field(description="the lot")
    csv_name: str = pa.Field(description="the verification CSV's standard file name")
    csv_sha256: str = pa.Field(str_length=64, description="SHA-256 of the CSV's bytes")
    folder: str = pa.Field(description="where the lot's files are")
    rrecs: pl.Int64 = pa.Field(ge=0, description="whole R-RECs of the lot")
    coverage: str = pa.Field(description="share of the window the reads cover (4 decimals)")
    gap_hours: str = pa.Field(description="hours of the window without energy")
    flagged_reads: pl.Int64 = pa.Field(ge=0, description="anomalies of the project's meters")
    is_valid: bool = pa.Field(description="the CSV passes rrec validate")
    findings: str = pa.Field(description="the CSV's error findings, if any")

    class Config:
        strict = True
        unique = ("lot_id",)


class IssuedLots(IssuanceLots):
    """One row per lot in the issuance ledger (append-only): the lot as issued, and its file."""

    csv_name: str = pa.Field(nullable=True, description="the lot's verification CSV")
    csv_sha256: str = pa.Field(nullable=True, description="SHA-256 of the CSV as issued")
    state: str = pa.Field(description="`issued`")
    issued_at: UTC = pa.Field(description="when the ledger recorded the lot")
    run_id: str = pa.Field(description="the Dagster run that issued it")


class IssuancePlans(pa.DataFrameModel):
    """One row per lot per planning run: what the plan said, against the ledger."""

    run_id: str = pa.Field(description="the planning run")
    planned_at: UTC = pa.Field(description="when it planned")
    frequency: str = pa.Field(description="the partition's frequency")
    partition: str = pa.Field(description="the partition key (first day of the period)")
    lot_id: str = pa.Field(description="the lot")
    change: str = pa.Field(isin=CHANGES, description="new, changed, late or issued")
    rrecs: pl.Int64 = pa.Field(description="whole R-RECs planned")
    wh: WH = pa.Field(description="energy of the window, Wh")
