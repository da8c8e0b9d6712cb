"""Producer-submitted verification files as lots: same ledger, same guard.

An accepted file of a registered project (matched by Project Name, case and
spacing ignored) becomes one lot of floor(certified MWh) R-RECs over the file's
own period, for the reservation that claims the project then (else for the
project's owner). A file of an unregistered project is held back. Overlaps with
issued lots are the guard's to stop (`admission.py`).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import WH_PER_MWH
from rrec_pipeline.basics.text import quote
from rrec_pipeline.registry.appendix_b import Held
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.schemas.issuance import LotSource
from rrec_pipeline.tables import FILE_LOTS as FILE_LOT_ASSETS
from rrec_pipeline.verification_csv.fields import normalise_label

FILE_LOTS = FILE_LOT_ASSETS.lots


def file_lots(
    files: pl.DataFrame, registry: RegistryTables, tokens: dict
) -> tuple[pl.DataFrame, list[Held]]:
    """(the lots of accepted files, the files held back)."""
    by_name = {
        normalise_label(name): row
        for name, row in zip(
            registry.projects["project_name"], registry.projects.iter_rows(named=True), strict=True
        )
    }
    rows, held = [], []
    for file in files.filter(pl.col("is_accepted")).iter_rows(named=True):
        project = by_name.get(normalise_label(file["project_name"] or ""))
        if project is None:
            name = quote(file["project_name"])
            reason = f"{quote(file['file'])} is a file of {name}, which is not registered"
            held.append(Held("unregistered", (file["file"],), reason))
            continue
        rows.append(_lot(file, project, _claimant(registry, project, file), tokens))
    frame = pl.DataFrame(rows, schema=FILE_LOTS.dtypes) if rows else FILE_LOTS.empty()
    return FILE_LOTS.validate(frame), held


def producer_lot_id(sha256: str) -> str:
    """A producer file's lot is named by its bytes: the same file is the same lot."""
    return f"file__{sha256[:16]}"


def _claimant(registry: RegistryTables, project: dict, file: dict) -> tuple[str, str]:
    """(reservation, recipient) claiming the project over the file's period, else the owner's."""
    first, last = file["begin_utc"].date(), file["end_utc"].date()
    for row in registry.reservations.iter_rows(named=True):
        if (
            project["project_id"] in row["project_ids"]
            and row["start"] <= last
            and first <= row["end"]
        ):
            return row["reservation_id"], row["recipient_wallet"]
    return "owner", project["owner_wallet"]


def _lot(file: dict, project: dict, claimant: tuple[str, str], tokens: dict) -> dict:
    wh = int(Decimal(file["certified_mwh"]) * WH_PER_MWH)
    begin, end = file["begin_utc"], file["end_utc"]
    lot_id = producer_lot_id(file["sha256"])
    return {
        "lot_id": lot_id,
        "window_id": lot_id,
        "version": 1,
        "reservation_id": claimant[0],
        "project_id": project["project_id"],
        "lot_source": LotSource.PRODUCER_FILE.value,
        "frequency": None,
        "window_label": begin.date(),
        "window_first_day": begin.date(),
        "window_last_day": end.date(),
        "window_start_utc": begin,
        "window_end_utc": end,
        "timezone": project["timezone"],
        "year": begin.year,
        "wh": wh,
        "late_wh": 0,
        "estimated_wh": 0,
        "reads": 0,
        "missing_reads": 0,
        "devices": 0,
        "covered_seconds": 0,
        "gap_seconds": 0,
        "carry_in_wh": 0,
        "rrecs": file["whole_rrecs"],
        "window_rrecs": file["whole_rrecs"],
        "carry_out_wh": wh - file["whole_rrecs"] * WH_PER_MWH,
        "dropped_wh": 0,
        "is_clipped": False,
        "is_year_end": False,
        "recipient": claimant[1],
        "token": tokens.get(project["project_id"]),
        "change": "new",
    }
