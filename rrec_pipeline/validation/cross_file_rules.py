"""Rules across files, from the Standard's SOP to prevent double counting.

A project is identified by its Project Name (case and spacing ignored). Periods
are closed UTC intervals [Begin, End]: two files sharing even one instant both
claim the energy of that instant.

Linear in files for real batches: a project's periods are swept in time order
(a file meets only the files that begin before it ends), and positions in
latitude order (two sites within the radius are at most radius / R radians of
latitude apart), never all pairs. Findings come in the order of all pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from rrec_pipeline.basics.geography import EARTH_MEAN_RADIUS_M, haversine_m, us_state_code
from rrec_pipeline.basics.text import NAME_LIMIT, quote
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.rules import Finding, finding
from rrec_pipeline.verification_csv.fields import STATIC_FIELDS, HeaderField, Kind, normalise_label
from rrec_pipeline.verification_csv.model import VerificationFile


@dataclass(frozen=True)
class Submission:
    """A file with the name it is reported under."""

    key: str
    file: VerificationFile

    @cached_property
    def project(self) -> str | None:
        name = self.file.header.project_name
        return normalise_label(name) if name else None

    @cached_property
    def period(self) -> tuple[datetime, datetime] | None:
        begin, end = self.file.begin, self.file.end
        return (begin, end) if begin is not None and end is not None else None

    @cached_property
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
        for i, j in sorted(_overlapping_periods(group)):
            a, b = group[i], group[j]
            shared = _overlap(a, b)
            found.append(
                finding(
                    "overlap.temporal",
                    f"{quote(a.key, NAME_LIMIT)} and {quote(b.key, NAME_LIMIT)} both claim "
                    f"{quote(a.file.header.project_name)} generation from {_span(shared)}",
                    files=(a.key, b.key),
                )
            )
    return found


def _overlapping_periods(group: list[Submission]) -> list[tuple[int, int]]:
    """(i, j), i < j, of the files whose periods share an instant: a sweep by Begin."""
    timed = sorted((s.period, n) for n, s in enumerate(group) if s.period is not None)
    pairs = []
    for k, ((_, end), i) in enumerate(timed):
        for (other_begin, _), j in timed[k + 1 :]:
            if other_begin > end:
                break
            pairs.append((min(i, j), max(i, j)))
    return pairs


def spatial_overlaps(by_project: dict[str, list[Submission]], radius_m: float) -> list[Finding]:
    """Files of different projects within `radius_m` whose periods share an instant."""
    projects = sorted(by_project)
    sites: dict[tuple, list[int]] = {}  # (latitude, longitude, project) -> its files
    for p, project in enumerate(projects):
        for n, submission in enumerate(by_project[project]):
            if submission.position is not None:
                sites.setdefault((*submission.position, p), []).append(n)
    placed = sorted(sites)
    reach = math.degrees(radius_m / EARTH_MEAN_RADIUS_M)
    pairs = []
    for k, (lat, lon, p) in enumerate(placed):
        for other_lat, other_lon, q in placed[k + 1 :]:
            if other_lat - lat > reach:
                break
            if p == q or haversine_m(lat, lon, other_lat, other_lon) > radius_m:
                continue
            (p1, site1), (p2, site2) = sorted([(p, (lat, lon, p)), (q, (other_lat, other_lon, q))])
            pairs += [(p1, p2, i, j) for i in sites[site1] for j in sites[site2]]
    found = []
    for p1, p2, i, j in sorted(pairs):
        a, b = by_project[projects[p1]][i], by_project[projects[p2]][j]
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
