"""Verification file names: `<Project>_<Begin>_<End>.csv` with compact stamps.

Registry URLs percent-encode the `+` of positive offsets (`%2B0300`); names are
decoded before parsing so a URL's last segment and a file on disk read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

from rrec_pipeline.verification_csv.stamps import format_compact, parse_compact

_COMPACT = r"\d{4}-\d{2}-\d{2}T\d{6}[+-]\d{4}"
_FILE_NAME = re.compile(rf"^(?P<project>.+?)_(?P<begin>{_COMPACT})_(?P<end>{_COMPACT})\.csv$")


@dataclass(frozen=True)
class ParsedFileName:
    project: str
    begin: datetime
    end: datetime


def parse_file_name(name: str) -> ParsedFileName | None:
    match = _FILE_NAME.match(unquote(name.rsplit("/", 1)[-1]))
    if match is None:
        return None
    begin = parse_compact(match["begin"])
    end = parse_compact(match["end"])
    if begin is None or end is None:
        return None
    return ParsedFileName(match["project"], begin, end)


def name_stamps(name: str) -> tuple[datetime, datetime] | None:
    """The first and last compact stamps anywhere in a name, however malformed the rest.

    Offsets are resolved from these, so `X_<Begin>_<End>.csv.csv` (a real registry
    name) still places its rows correctly while `filename.timestamps` flags it.
    """
    found = [parse_compact(text) for text in re.findall(_COMPACT, unquote(name))]
    stamps = [stamp for stamp in found if stamp is not None]
    return (stamps[0], stamps[-1]) if len(stamps) >= 2 else None


# File systems allow 255 bytes a name: the stem keeps the stamps and `.csv` well inside it.
MAX_STEM = 120


def project_stem(project_name: str) -> str:
    """`Butler Toyota of Macon` -> `ButlerToyotaOfMacon`: the project part of a file name,
    ASCII letters and digits only, at most `MAX_STEM` of them."""
    words = re.split(r"[^0-9A-Za-z]+", project_name)
    return "".join(word[:1].upper() + word[1:] for word in words)[:MAX_STEM] or "Project"


def build_file_name(stem: str, begin: datetime, end: datetime) -> str:
    """`<stem>_<Begin>_<End>.csv`; `stem` is already a file-name project part."""
    return f"{stem}_{format_compact(begin)}_{format_compact(end)}.csv"
