"""Registered explanations for data gaps, as the Standard's completeness check requires.

A gap longer than 24 h is an error unless an explanation is registered for that
project and period. Explanations are a reviewed CSV, `project,start,end,reason`
(ISO dates or timestamps; a date-only end covers that whole day); the
pipeline loads it as the `core_verification__gap_explanations` table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    line: int = 0

    def covers(self, project_name: str, gap_start: datetime, gap_end: datetime) -> bool:
        same_project = normalise_label(project_name) == normalise_label(self.project)
        return same_project and self.start <= gap_start and gap_end <= self.end


def read_gap_explanations(data: bytes) -> tuple[GapExplanation, ...]:
    """Parse the CSV's bytes; any unusable line makes the whole file unusable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GapExplanationError("not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = set(EXPLANATION_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise GapExplanationError(f"missing columns {sorted(missing)}")
    return tuple(_explanation(row, line) for line, row in enumerate(reader, start=2))


def _explanation(row: dict[str, str], line: int) -> GapExplanation:
    start, end = parse_stamp(row["start"] or ""), parse_stamp(row["end"] or "")
    if start is None or end is None:
        raise GapExplanationError(f"line {line}: start and end must be ISO 8601 dates")
    end_instant = end.at(timedelta(0))
    if end.is_date_only:
        end_instant += timedelta(days=1)
    return GapExplanation(
        project=(row["project"] or "").strip(),
        start=start.at(timedelta(0)).astimezone(UTC),
        end=end_instant.astimezone(UTC),
        reason=(row["reason"] or "").strip(),
        line=line,
    )
