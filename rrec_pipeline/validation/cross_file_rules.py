"""Rules across files, from the Standard's SOP to prevent double counting.

A project is identified by its Project Name (case and spacing ignored). Periods
are closed UTC intervals [Begin, End]: two files sharing even one instant both
claim the energy of that instant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from rrec_pipeline.geography import haversine_m, us_state_code
from rrec_pipeline.text import NAME_LIMIT, quote
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.rules import Finding, finding
from rrec_pipeline.verification_csv.fields import STATIC_FIELDS, HeaderField, Kind, normalise_label
from rrec_pipeline.verification_csv.model import VerificationFile


@dataclass(frozen=True)
class Submission:
    """A file with the name it is reported under."""

    key: str
    file: VerificationFile

    @property
    def project(self) -> str | None:
        name = self.file.header.project_name
        return normalise_label(name) if name else None

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        begin, end = self.file.begin, self.file.end
        return (begin, end) if begin is not None and end is not None else None

    @property
    def position(self) -> tuple[float, float] | None:
        lat, lon = self.file.header.latitude, self.file.header.longitude
        return (float(lat), float(lon)) if lat is not None and lon is not None else None


def cross_file_findings(
    submissions: Sequence[Submission], config: ValidationConfig
) -> list[Finding]:
    by_project: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        if submission.project is not None:
            by_project[submission.project].append(submission)
    return (
        temporal_overlaps(by_project)
        + spatial_overlaps(by_project, config.spatial_radius_m)
        + static_mismatches(by_project)
    )


def _overlap(a: Submission, b: Submission) -> tuple[datetime, datetime] | None:
    if a.period is None or b.period is None:
        return None
    start, stop = max(a.period[0], b.period[0]), min(a.period[1], b.period[1])
    return (start, stop) if start <= stop else None


def _span(period: tuple[datetime, datetime]) -> str:
    return f"{period[0].isoformat()} to {period[1].isoformat()}"


def temporal_overlaps(by_project: dict[str, list[Submission]]) -> list[Finding]:
    found = []
    for group in by_project.values():
        for a, b in combinations(group, 2):
            shared = _overlap(a, b)
            if shared:
                found.append(
                    finding(
                        "overlap.temporal",
                        f"{quote(a.key, NAME_LIMIT)} and {quote(b.key, NAME_LIMIT)} both claim "
                        f"{quote(a.file.header.project_name)} generation from {_span(shared)}",
                        files=(a.key, b.key),
                    )
                )
    return found


def spatial_overlaps(by_project: dict[str, list[Submission]], radius_m: float) -> list[Finding]:
    found = []
    for (_, group_a), (_, group_b) in combinations(sorted(by_project.items()), 2):
        for a in group_a:
            for b in group_b:
                found.extend(_spatial_overlap(a, b, radius_m))
    return found


def _spatial_overlap(a: Submission, b: Submission, radius_m: float) -> list[Finding]:
    if a.position is None or b.position is None:
        return []
    shared = _overlap(a, b)
    if shared is None:
        return []
    distance = haversine_m(*a.position, *b.position)
    if distance > radius_m:
        return []
    return [
        finding(
            "overlap.spatial",
            f"{quote(a.key, NAME_LIMIT)} ({quote(a.file.header.project_name)}) and "
            f"{quote(b.key, NAME_LIMIT)} ({quote(b.file.header.project_name)}) "
            f"are {distance:.0f} m apart (within {radius_m:g} m) and both claim generation from "
            f"{_span(shared)}: the same site registered twice?",
            files=(a.key, b.key),
        )
    ]


def _static_value(spec: HeaderField, file: VerificationFile) -> object:
    """A static header value in a form that compares across files (spellings folded)."""
    value = getattr(file.header, spec.attr)
    if value is None:
        return None
    if spec.attr == "us_state":
        return us_state_code(value)
    if spec.kind == Kind.TEXT:
        return normalise_label(value)
    if spec.kind == Kind.TIMESTAMP:
        return value.local
    return value


def static_mismatches(by_project: dict[str, list[Submission]]) -> list[Finding]:
    found = []
    for group in by_project.values():
        for spec in STATIC_FIELDS:
            values = {s.key: _static_value(spec, s.file) for s in group}
            values = {key: value for key, value in values.items() if value is not None}
            if len(set(values.values())) > 1:
                listed = "; ".join(
                    f"{quote(key, NAME_LIMIT)}: {quote(value)}" for key, value in values.items()
                )
                found.append(
                    finding(
                        "project.static_mismatch",
                        f"{quote(group[0].file.header.project_name)} has different {spec.label} "
                        f"values: {listed}",
                        field=spec.label,
                        files=tuple(values),
                    )
                )
    return found
