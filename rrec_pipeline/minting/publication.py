"""Publish every issued lot not yet published: read its files, commit them, record the rows.

One commit per run for all the lots it publishes. A lot the pipeline built
replaces whatever its window's folder held (an earlier version). A lot whose
files cannot be read, or whose CSV no longer hashes to what was issued, is
reported and left for the next run; the rest are published. The repository and the
ledger are ports (`ports.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from rrec_pipeline.basics import faults
from rrec_pipeline.basics.drop_files import read_source
from rrec_pipeline.minting.lot_publication import (
    csv_problem,
    mint_row,
    repository_paths,
    source_of,
    window_folder,
)
from rrec_pipeline.minting.ports import PublicationRecord, Repository
from rrec_pipeline.schemas.issuance import LotSource
from rrec_pipeline.tables import PUBLISHED_LOTS


@dataclass
class PublicationReport:
    rows: pl.DataFrame
    problems: dict[str, str] = field(default_factory=dict)


def publish_issued(
    ledger: PublicationRecord, publisher: Repository, lots_dir: Path, drop_dir: Path
) -> PublicationReport:
    """Publish in one commit every issued lot whose files read back as issued."""
    files, lots, problems, folders = {}, [], {}, set()
    for lot in ledger.unpublished_lots().iter_rows(named=True):
        gathered = _gather(lot, lots_dir, drop_dir)
        if isinstance(gathered, str):
            problems[lot["lot_id"]] = gathered
            continue
        files.update(gathered)
        lots.append((lot, next(iter(gathered))))
        if lot["lot_source"] != LotSource.PRODUCER_FILE:
            folders.add(window_folder(lot))
    if not lots:
        return PublicationReport(PUBLISHED_LOTS.empty(), problems)
    names = ", ".join(lot["lot_id"] for lot, _ in lots[:5]) + (" …" if len(lots) > 5 else "")
    pinned = publisher.publish(files, f"Publish {len(lots)} lot(s): {names}", replace_in=folders)
    faults.reached("publication")
    rows = [
        mint_row(lot, path, pinned[path].commit, pinned[path].url, files[path])
        for lot, path in lots
    ]
    frame = PUBLISHED_LOTS.validate(pl.DataFrame(rows, schema=PUBLISHED_LOTS.dtypes))
    ledger.record_published(frame)
    return PublicationReport(frame, problems)


def _gather(lot: dict, lots_dir: Path, drop_dir: Path) -> dict[str, bytes] | str:
    source = source_of(lot)
    if source is None:
        return "no verification CSV was recorded for this lot"
    root = drop_dir if source.from_drop else lots_dir / source.folder
    gathered = {}
    for path, name in repository_paths(lot, source).items():
        data = read_source(root / name, root)
        if not isinstance(data, bytes):
            return f"{name}: {data.message}"
        gathered[path] = data
    return csv_problem(lot, next(iter(gathered.values()))) or gathered
