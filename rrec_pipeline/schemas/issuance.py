"""Tables of issuance: the lots planned per window, and the files each lot publishes."""

from __future__ import annotations

from enum import StrEnum

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import WH
from rrec_pipeline.schemas import fields

UTC = pl.Datetime(time_unit="us", time_zone="UTC")
CHANGES = ["new", "changed", "adjustment", "late", "issued"]
# The changes a run issues; late (reported only) and issued are already done.
TO_ISSUE = ["new", "changed", "adjustment"]


class LotSource(StrEnum):
    """Where a lot's energy comes from (a lot's kind, not how often it is issued)."""

    WINDOW = "reservation_window"  # a reservation's window of metered reads, first version
    ADJUSTMENT = "adjustment"  # a later version of an issued window (late or corrected reads)
    PRODUCER_FILE = "producer_file"  # a producer's accepted verification file
    IMPORTED = "imported"  # minted before the pipeline was adopted (`imported_lots`)


ISSUED_SOURCES = [LotSource.WINDOW.value, LotSource.ADJUSTMENT.value, LotSource.PRODUCER_FILE.value]


class IssuanceLots(pa.DataFrameModel):
    """One row per lot: a reservation's whole R-RECs of one project and window (integer Wh)."""

    lot_id: str = pa.Field(
        description="<reservation>__<project>__<first day>, and __v<n> for an adjustment"
    )
    window_id: str = pa.Field(description="the window's first lot id: its versions share it")
    version: pl.Int32 = pa.Field(ge=1, description="1, then 2, 3... for each adjustment")
    reservation_id: str = fields.reservation_id()
    project_id: str = fields.project_id()
    lot_source: str = pa.Field(
        isin=ISSUED_SOURCES, description="reservation_window, adjustment or producer_file"
    )
    frequency: str = fields.frequency(
        nullable=True, description="the reservation's issuance frequency (null: a producer file)"
    )
    window_label: pl.Date = pa.Field(description="first day of the calendar period (partition key)")
    window_first_day: pl.Date = pa.Field(description="first local day of the window (included)")
    window_last_day: pl.Date = pa.Field(description="last local day of the window (included)")
    window_start_utc: UTC = pa.Field(description="local midnight starting the window, in UTC")
    window_end_utc: UTC = pa.Field(description="local midnight ending the window (exclusive)")
    timezone: str = fields.timezone()
    year: pl.Int32 = pa.Field(description="the calendar year the window is in")
    wh: WH = pa.Field(ge=0, description="generation in the window, measured and estimated, Wh")
    late_wh: WH = pa.Field(
        description="next-window policy: an earlier issued window's change moved here, Wh"
    )
    estimated_wh: WH = pa.Field(ge=0, description="of which estimated (rollovers), Wh")
    reads: pl.UInt32 = pa.Field(description="generation reads in the window")
    missing_reads: pl.UInt32 = pa.Field(description="reads without energy (gaps, resets)")
    devices: pl.UInt32 = pa.Field(description="registered generation devices of the project")
    covered_seconds: pl.Int64 = pa.Field(
        ge=0, description="seconds of the window their reads cover, summed over them"
    )
    gap_seconds: pl.Int64 = pa.Field(
        ge=0, description="seconds of the window without reads, summed over them"
    )
    carry_in_wh: WH = pa.Field(
        description="remainder carried in from the window before (negative: a deduction owed)"
    )
    rrecs: pl.Int64 = pa.Field(ge=0, description="whole R-RECs this lot mints (1 R-REC = 1 MWh)")
    window_rrecs: pl.Int64 = pa.Field(
        ge=0, description="the window's R-RECs over all its versions, this one included"
    )
    carry_out_wh: WH = pa.Field(
        description="remainder carried on, or unissued at year end or when clipped; "
        "negative: a deduction owed by the next windows"
    )
    dropped_wh: WH = pa.Field(ge=0, description="remainder dropped (floor-per-window policy)")
    is_clipped: bool = pa.Field(description="the lot that reached the reservation's volume")
    is_year_end: bool = pa.Field(description="the year's last lot: its carry is unissued")
    recipient: str = fields.recipient()
    token: str = pa.Field(nullable=True, description="R-REC token class; null: none applies")
    change: str = pa.Field(isin=CHANGES, description="new, changed or late against the ledger")

    class Config:
        strict = True
        unique = ("lot_id",)


class LotFiles(pa.DataFrameModel):
    """One row per lot that published files: its verification CSV, scorecard, I-REC request."""

    lot_id: str = fields.lot_id()
    csv_name: str = pa.Field(
        nullable=True, description="the verification CSV's standard file name (null: unwritten)"
    )
    csv_sha256: str = pa.Field(
        nullable=True, str_length=64, description="SHA-256 of the CSV's bytes"
    )
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


class CertifiedReads(pa.DataFrameModel):
    """One row per meter read an issued lot certified: the lot version whose file holds the
    read's value (a read belongs to exactly one version; a correction moves it on)."""

    source: str = fields.source(isin=None)
    device_id: str = fields.device_id()
    interval_start: UTC = pa.Field(description="start of the read's interval")
    lot_id: str = pa.Field(description="the lot version that certifies it")
    wh: WH = pa.Field(
        nullable=True, description="the value it certified, Wh (null: before versions)"
    )
    certified_at: UTC = pa.Field(
        nullable=True, description="when the lot's mint confirmed (null: not yet minted)"
    )

    class Config:
        strict = True
        unique = ("source", "device_id", "interval_start")


class IssuancePlans(pa.DataFrameModel):
    """One row per lot per planning run: what the plan said, against the ledger."""

    run_id: str = pa.Field(description="the planning run")
    planned_at: UTC = pa.Field(description="when it planned")
    frequency: str = pa.Field(description="the partition's frequency")
    partition: str = pa.Field(description="the partition key (first day of the period)")
    lot_id: str = fields.lot_id()
    change: str = pa.Field(isin=CHANGES, description="new, changed, late or issued")
    rrecs: pl.Int64 = pa.Field(description="whole R-RECs planned")
    wh: WH = pa.Field(description="energy of the window, Wh")


HOLD_STATES = ["held", "waiting"]
HOLD_ORIGINS = ["plan", "check"]


class HeldLots(pa.DataFrameModel):
    """One row per due window that is not issued: `held` for a reason of its own (no
    evidence, a failing lot file, a guard conflict), or `waiting` for an earlier window of
    its reservation; it is issued, and leaves this table, once the reason is gone."""

    lot_id: str = pa.Field(description="the lot that would be issued")
    reservation_id: str = fields.reservation_id()
    project_id: str = fields.project_id()
    frequency: str = fields.frequency()
    window_label: pl.Date = pa.Field(description="first day of its calendar period (partition)")
    window_start: pl.Date = pa.Field(description="first day of the window, in the project's zone")
    window_end: pl.Date = pa.Field(description="last day of the window (included), same zone")
    timezone: str = fields.timezone()
    state: str = pa.Field(isin=HOLD_STATES, description="held, or waiting for an earlier window")
    rule: str = pa.Field(description="why: completeness.no_reads, completeness.gap, a file rule...")
    reason: str = pa.Field(description="the reason in words: device, hours, first missing instant")
    since: UTC = pa.Field(description="when the window was first held for this rule")
    origin: str = pa.Field(
        isin=HOLD_ORIGINS, description="plan (evidence, order) or check (file, guard)"
    )

    class Config:
        strict = True
        unique = ("lot_id", "origin")


class ImportedLots(pa.DataFrameModel):
    """One row per mint of a running registry's record, imported by `rrec registry import`:
    what it issued before this pipeline. The guard refuses any new lot of the project whose
    window overlaps the period, naming the transaction; superseded rows guard nothing."""

    imported_id: str = pa.Field(description="the transaction hash, or token:record:N without one")
    token: str = pa.Field(description="the token class (the record's abbreviation)")
    contract: str = pa.Field(nullable=True, description="the contract; null: none on chain")
    tx_hash: str = pa.Field(nullable=True, description="the mint's transaction")
    block_number: pl.Int64 = pa.Field(ge=0, description="its block (0: a manual addition)")
    project_id: str = pa.Field(nullable=True, description="the project; null: a mint without file")
    project_name: str = pa.Field(nullable=True, description="Project Name of the file")
    period_start_utc: UTC = pa.Field(nullable=True, description="the file's Begin Timestamp")
    period_end_utc: UTC = pa.Field(
        nullable=True, description="end of the file's End day or last interval (exclusive)"
    )
    first_day: pl.Date = pa.Field(nullable=True, description="Begin's local day")
    last_day: pl.Date = pa.Field(nullable=True, description="End's local day (included)")
    rrecs: pl.Int64 = pa.Field(ge=0, description="whole R-RECs the mint issued")
    recipient: str = pa.Field(description="the wallet minted to")
    file_path: str = pa.Field(nullable=True, description="the file, in the verification data")
    file_sha256: str = pa.Field(nullable=True, description="SHA-256 of the file as imported")
    url: str = pa.Field(nullable=True, description="the record's link to the file")
    is_ignored: bool = pa.Field(description="superseded in the record: counts for nothing")
    note: str = pa.Field(nullable=True, description="the record's note")
    imported_at: UTC = pa.Field(description="when this row was imported or last changed")

    class Config:
        strict = True
        unique = ("imported_id",)
