"""What the lot-files table says of each lot: its files, written and validated, or why they
could not be written.

A lot's verification CSV is checked with `rrec validate`'s own rules (and the
registry's gap explanations); a lot whose files cannot be made or written (a
registry value no file can carry, a file system that refuses the name) is a
finding on that lot (`lot.write`), never a traceback, and the ledger refuses
it alone (`refusals.py`).
"""

from __future__ import annotations

import hashlib

from rrec_pipeline.basics.text import escaped
from rrec_pipeline.issuance.lot_files import LotFiles
from rrec_pipeline.issuance.refusals import WRITE
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.config import ValidationConfig

PROBLEM_LIMIT = 200


def file_row(files: LotFiles, folder: str, config: ValidationConfig) -> dict:
    """The row of a lot whose files are written in `folder`: the CSV validated."""
    report = validate_sources([(files.csv_name, files.csv)], config).files[0]
    errors = [f"{f.rule}: {f.message}" for f in report.findings if f.is_error]
    return {
        "lot_id": files.lot_id,
        "csv_name": files.csv_name,
        "csv_sha256": hashlib.sha256(files.csv).hexdigest(),
        "folder": folder,
        "rrecs": files.scorecard["rrecs"],
        "coverage": files.scorecard["coverage"],
        "gap_hours": files.scorecard["gap_hours"],
        "flagged_reads": files.scorecard["flagged_reads"],
        "is_valid": report.ok,
        "findings": "; ".join(errors),
    }


def unwritten_row(lot: str, rrecs: int, problem: str) -> dict:
    """The row of a lot whose files could not be made or written, and why."""
    return {
        "lot_id": lot,
        "csv_name": None,
        "csv_sha256": None,
        "folder": "",
        "rrecs": rrecs,
        "coverage": "",
        "gap_hours": "",
        "flagged_reads": 0,
        "is_valid": False,
        "findings": f"{WRITE}: the lot's files cannot be written "
        f"({escaped(problem)[:PROBLEM_LIMIT]})",
    }
