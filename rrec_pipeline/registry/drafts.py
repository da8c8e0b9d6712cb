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

from rrec_pipeline.registry.files import PROJECTS
from rrec_pipeline.verification_csv.model import VerificationFile

COLUMNS = tuple(PROJECTS.columns)  # projects.csv, in the model's order


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
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(draft_rows(files))
    return output.getvalue()


def draft_rows(files: Iterable[VerificationFile]) -> list[dict]:
    """One drafted `projects.csv` row per Project Name, in name order."""
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
    return [{**projects[n], "timezone": _zone(set(offsets[n]))} for n in sorted(projects)]


def with_projects(existing: bytes | None, files: list[VerificationFile]) -> tuple[bytes, list[str]]:
    """`projects.csv` with a drafted row for each Project Name it lacks, appended (the rows
    already there are kept as they are), and the names added. A drafted id another project
    already has gets a number."""
    text = (existing or b"").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text))) if text.strip() else []
    names = {row.get("project_name") for row in rows}
    ids = {row.get("project_id") for row in rows}
    added = [row for row in draft_rows(files) if row["project_name"] not in names]
    for row in added:
        base, n = row["project_id"], 1
        while row["project_id"] in ids:
            n += 1
            row["project_id"] = f"{base}-{n}"
        ids.add(row["project_id"])
    if not added:
        return existing or b"", []
    fields = next(csv.reader(io.StringIO(text))) if rows or text.strip() else list(COLUMNS)
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    if not text.strip():
        writer.writeheader()
    elif not text.endswith("\n"):
        output.write("\n")
    writer.writerows(added)
    return (text + output.getvalue()).encode(), [row["project_name"] for row in added]


def project_ids(data: bytes | None) -> dict[str, str]:
    """Project Name -> project_id of a `projects.csv`."""
    text = (data or b"").decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text)) if text.strip() else []
    return {row["project_name"]: row["project_id"] for row in rows if row.get("project_name")}


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
