"""A first `projects.csv`, drafted from verification-file headers: one row per project.

So a registry of producers who already submit files can be bootstrapped. What
a header does not say is left for review: the time zone is a fixed-offset zone
(`Etc/GMT-3` for +03:00) when every stamp of the project has one offset, else
blank, and the owner's wallet is always blank.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import timedelta

from rrec_pipeline.verification_csv.model import VerificationFile

COLUMNS = (
    "project_id",
    "project_name",
    "country",
    "us_state",
    "latitude",
    "longitude",
    "dc_capacity_kwp",
    "fuel_type",
    "first_operation",
    "timezone",
    "installation_type",
    "owner_wallet",
)


def project_id(name: str) -> str:
    """`Butler Toyota of Macon` -> `BUTLER-TOYOTA-OF-MACON`."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").upper()[:64] or "PROJECT"


def _zone(offsets: set[int]) -> str:
    if len(offsets) != 1:
        return ""
    minutes = offsets.pop()
    if minutes % 60:
        return ""
    hours = -minutes // 60  # Etc zones have the POSIX sign: Etc/GMT-3 is UTC+03:00
    return "Etc/UTC" if hours == 0 else f"Etc/GMT{hours:+d}"


def draft_projects(files: Iterable[VerificationFile]) -> str:
    """The CSV text of a draft `projects.csv`, projects in name order."""
    projects: dict[str, dict] = {}
    offsets: dict[str, set[int]] = {}
    for file in files:
        header = file.header
        if not header.project_name:
            continue
        row = projects.setdefault(header.project_name, _row(file))
        first = header.date_of_first_operation or header.begin_timestamp
        if first is not None and (
            not row["first_operation"] or first.local_date.isoformat() < row["first_operation"]
        ):
            row["first_operation"] = first.local_date.isoformat()
        seen = offsets.setdefault(header.project_name, set())
        seen.update(int(m) for m in file.valid_readings["utc_offset_minutes"].unique().to_list())
        seen.add(int(file.default_offset / timedelta(minutes=1)))
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for name in sorted(projects):
        writer.writerow({**projects[name], "timezone": _zone(set(offsets[name]))})
    return output.getvalue()


def _row(file: VerificationFile) -> dict:
    header = file.header
    return {
        "project_id": project_id(header.project_name),
        "project_name": header.project_name,
        "country": header.country or "",
        "us_state": header.us_state or "",
        "latitude": _text(header.latitude),
        "longitude": _text(header.longitude),
        "dc_capacity_kwp": _text(header.dc_capacity_kwp),
        "fuel_type": "Solar",
        "first_operation": "",
        "installation_type": header.installation_type or "",
        "owner_wallet": "",
    }


def _text(value) -> str:
    return "" if value is None else format(value.normalize(), "f")
