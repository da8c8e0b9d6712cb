"""What each issued lot publishes, where in the repository, and its mint-ledger row.

Layout: a lot the pipeline built publishes into its window's folder,
`verification_data/<project>/<reservation>/<window first day>/`: the CSV under
its standard name, its scorecard and I-REC request beside it
(`<csv stem>.scorecard.json`, `<csv stem>.irec_request.csv`). An adjustment
(a later version of the window) replaces the folder's files in a new commit,
so the folder always holds the window's latest version and git history every
earlier one, each still at the commit its mint pins; anyone can therefore
tell a window's versions from the folder alone (`verify.py`). A producer's own
file is published as submitted, in `verification_data/<project>/<reservation>/`.
The CSV's bytes must hash to what the ledger recorded at issuance, or the lot
is not published (and not minted).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from rrec_pipeline.minting.links import additional_info
from rrec_pipeline.minting.states import MintState, mint_key
from rrec_pipeline.schemas.issuance import LotSource

ROOT = "verification_data"
COMPANIONS = {"scorecard.json": ".scorecard.json", "irec_request.csv": ".irec_request.csv"}


@dataclass(frozen=True)
class FileOrigin:
    """Where a lot's files are read from: the lot folder, or the producer drop folder."""

    lot_id: str
    csv_name: str
    from_drop: bool
    folder: str  # `<frequency>/<lot_id>` in the lot folder; "" for the drop folder


def source_of(lot: dict) -> FileOrigin | None:
    if not lot.get("csv_name"):
        return None
    from_drop = lot["lot_source"] == LotSource.PRODUCER_FILE
    folder = "" if from_drop else f"{lot['frequency']}/{lot['lot_id']}"
    return FileOrigin(lot["lot_id"], lot["csv_name"], from_drop, folder)


def window_folder(lot: dict) -> str:
    """Where a pipeline lot's window publishes (every version of it)."""
    first_day = lot["window_first_day"].isoformat()
    return f"{ROOT}/{lot['project_id']}/{lot['reservation_id']}/{first_day}"


def repository_paths(lot: dict, source: FileOrigin) -> dict[str, str]:
    """Repository path -> file name in the source folder (the CSV first)."""
    stem = source.csv_name.rsplit("/", 1)[-1].removesuffix(".csv")
    if source.from_drop:
        return {f"{ROOT}/{lot['project_id']}/{lot['reservation_id']}/{stem}.csv": source.csv_name}
    base = window_folder(lot)
    paths = {f"{base}/{stem}.csv": source.csv_name}
    paths.update({f"{base}/{stem}{suffix}": name for name, suffix in COMPANIONS.items()})
    return paths


def csv_problem(lot: dict, data: bytes) -> str | None:
    digest = hashlib.sha256(data).hexdigest()
    if lot.get("csv_sha256") and digest != lot["csv_sha256"]:
        return f"{lot['csv_name']} changed since issuance (sha256 {digest[:12]}…)"
    return None


def mint_row(lot: dict, path: str, commit: str, url: str, data: bytes) -> dict:
    """The lot's mint-ledger row once its CSV is published at `commit`."""
    sha = hashlib.sha256(data).hexdigest()
    start, end = lot["window_start_utc"], lot["window_end_utc"]
    return {
        "mint_key": mint_key(lot["reservation_id"], lot["project_id"], start, end, sha),
        "lot_id": lot["lot_id"],
        "reservation_id": lot["reservation_id"],
        "project_id": lot["project_id"],
        "window_start_utc": start,
        "window_end_utc": end,
        "rrecs": lot["rrecs"],
        "recipient": lot["recipient"],
        "token": lot["token"],
        "path": path,
        "commit": commit,
        "url": url,
        "sha256": sha,
        "info": additional_info(url, sha),
        "contract": None,
        "state": MintState.PUBLISHED.value,
        "nonce": None,
        "tx_hash": None,
        "block_number": None,
        "error": None,
        "attempts": 0,
        "updated_at": datetime.now(UTC),
    }
