"""Registered explanations for data gaps, as the Standard's completeness check requires.

A gap longer than 24 h is an error unless an explanation is registered for that
project and period. Explanations live in a reviewed CSV:
`project,start,end,reason` (ISO dates or timestamps; a date-only end covers that day).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rrec_pipeline.verification_csv.fields import normalise_label
from rrec_pipeline.verification_csv.stamps import parse_stamp

EXPLANATION_COLUMNS = ("project", "start", "end", "reason")


class GapExplanationError(ValueError):
    """The explanations file cannot be used; names the line and what is wrong."""


@dataclass(frozen=True)
class GapExplanation:
    project: str
    start: datetime
    end: datetime
    reason: str

    def covers(self, project_name: str, gap_start: datetime, gap_end: datetime) -> bool:
        same_project = normalise_label(project_name) == normalise_label(self.project)
        return same_project and self.start <= gap_start and gap_end <= self.end


def load_gap_explanations(path: str | Path) -> tuple[GapExplanation, ...]:
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(EXPLANATION_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise GapExplanationError(f"{path}: missing columns {sorted(missing)}")
        return tuple(_explanation(row, line) for line, row in enumerate(reader, start=2))


def _explanation(row: dict[str, str], line: int) -> GapExplanation:
    start, end = parse_stamp(row["start"] or ""), parse_stamp(row["end"] or "")
    if start is None or end is None:
        raise GapExplanationError(f"line {line}: start and end must be ISO 8601 dates")
    end_instant = end.at(timedelta(0))
    if end.is_date_only:
        end_instant += timedelta(days=1)
    return GapExplanation(
        project=row["project"].strip(),
        start=start.at(timedelta(0)).astimezone(UTC),
        end=end_instant.astimezone(UTC),
        reason=(row["reason"] or "").strip(),
    )
