"""A running registry's history as imported lots: what its mints already issued, and when.

Each counted mint of the record (`record.py`) becomes one imported lot: its
project (the file's Project Name, as `projects.csv` names it), its period, the
R-RECs minted, the transaction, the file's path and SHA-256, and the token.
The period runs from the file's Begin to the end of its End's local day, so
a file's last day is always inside it. (Not to the end of its last reading's
interval: real files stamp a reading at its start or at its end, and the
registry's monthly files end on a reading stamped at End.) Superseded rows
(`ignore`) are kept with their note and guard nothing; a mint the record
keeps without any file (a manual addition) is kept without a period.
Everything wrong is a finding, and the import then writes nothing: a mint
whose file is not at hand or is not readable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.basics.text import quote
from rrec_pipeline.registry.drafts import project_id
from rrec_pipeline.registry.record import RecordFinding, RecordRow, mints_without_file
from rrec_pipeline.tables import IMPORTED_LOTS
from rrec_pipeline.verification_csv.model import UnreadableFileError, VerificationFile
from rrec_pipeline.verification_csv.reader import read_verification_bytes


@dataclass(frozen=True)
class HistoryFile:
    """A verification file of the registry: where it is (relative path) and its bytes."""

    path: str
    data: bytes

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Period:
    project_name: str
    start_utc: datetime
    end_utc: datetime  # exclusive
    first_day: date
    last_day: date


def imported_id(row: RecordRow) -> str:
    """The mint's transaction, or (a row the record keeps without one) its place in it."""
    return row.tx_hash or f"{row.token}:record:{row.index + 1}"


def imported_lots(
    rows: list[RecordRow], files: list[HistoryFile], project_ids: dict[str, str]
) -> tuple[pl.DataFrame, list[RecordFinding]]:
    """The record's mints as `imported_lots` rows (without `imported_at`), and the findings.

    `project_ids` maps a Project Name to the id `projects.csv` gives it; a name
    not in it gets the id `registry init` would draft."""
    by_name: dict[str, list[HistoryFile]] = {}
    for file in files:
        by_name.setdefault(file.name, []).append(file)
    findings = mints_without_file(rows, set(by_name))
    lots = []
    for row in (r for r in rows if r.action == "mint"):
        found = by_name.get(row.file or "", [])
        if row.file and len(found) != 1:
            if found:
                paths = ", ".join(quote(f.path, 120) for f in found)
                findings.append(
                    RecordFinding("record.file", imported_id(row), f"its file is at {paths}")
                )
            continue
        file = found[0] if found else None
        period = _period(file) if file else None
        if isinstance(period, RecordFinding):
            findings.append(RecordFinding(period.rule, imported_id(row), period.reason))
            continue
        lots.append(_lot(row, file, period, project_ids))
    frame = pl.DataFrame(lots, schema=_COLUMNS, orient="row") if lots else None
    return (frame if frame is not None else pl.DataFrame(schema=_COLUMNS)), findings


_COLUMNS = {name: dtype for name, dtype in IMPORTED_LOTS.dtypes.items() if name != "imported_at"}


def _period(file: HistoryFile) -> Period | RecordFinding:
    try:
        parsed = read_verification_bytes(file.data, file.name)
    except UnreadableFileError as error:
        return RecordFinding("record.file", file.path, f"cannot be read: {error}")
    span = file_period(parsed)
    if span is None:
        reason = "needs a Project Name, and a Begin and an End Timestamp in order"
        return RecordFinding("record.file", file.path, reason)
    begin, end = parsed.begin, parsed.end
    return Period(parsed.header.project_name, *span, begin.date(), end.date())


def file_period(parsed: VerificationFile) -> tuple[datetime, datetime] | None:
    """(Begin, the end of End's local day) in UTC: the span a file claims; None without a
    Project Name, Begin or End."""
    name, begin, end = parsed.header.project_name, parsed.begin, parsed.end
    if not name or begin is None or end is None or end < begin:
        return None
    next_day = end.date() + timedelta(days=1)
    next_midnight = datetime.combine(next_day, datetime.min.time(), end.tzinfo)
    return begin.astimezone(UTC), next_midnight.astimezone(UTC)


def _lot(
    row: RecordRow, file: HistoryFile | None, period: Period | None, ids: dict[str, str]
) -> dict:
    name = period.project_name if period else None
    return {
        "imported_id": imported_id(row),
        "token": row.token,
        "contract": row.contract,
        "tx_hash": row.tx_hash,
        "block_number": row.block,
        "project_id": (ids.get(name) or project_id(name)) if name else None,
        "project_name": name,
        "period_start_utc": period.start_utc if period else None,
        "period_end_utc": period.end_utc if period else None,
        "first_day": period.first_day if period else None,
        "last_day": period.last_day if period else None,
        "rrecs": int(row.amount),
        "recipient": row.to,
        "file_path": file.path if file else None,
        "file_sha256": hashlib.sha256(file.data).hexdigest() if file else None,
        "url": row.url,
        "is_ignored": row.ignored,
        "note": row.note,
    }


@dataclass(frozen=True)
class ImportedPeriod:
    """A counted imported mint's claim: the guard refuses any window of the project in it."""

    project_id: str
    start_utc: datetime
    end_utc: datetime
    minted_by: str  # the transaction (or the record's place without one)
    file_path: str
    first_day: date
    last_day: date

    def overlaps(self, project: str, start_utc: datetime, end_utc: datetime) -> bool:
        return project == self.project_id and start_utc < self.end_utc and self.start_utc < end_utc

    @property
    def reason(self) -> str:
        return (
            f"overlaps the registry's mint {self.minted_by} of {quote(self.file_path, 120)} "
            f"({self.first_day} to {self.last_day}), imported from its record"
        )


def imported_periods(frame: pl.DataFrame) -> list[ImportedPeriod]:
    """The periods the guard holds: counted (not superseded) imported mints with a file."""
    counted = frame.filter(~pl.col("is_ignored") & pl.col("period_start_utc").is_not_null())
    return [
        ImportedPeriod(
            row["project_id"],
            row["period_start_utc"],
            row["period_end_utc"],
            row["imported_id"],
            row["file_path"],
            row["first_day"],
            row["last_day"],
        )
        for row in counted.iter_rows(named=True)
    ]
