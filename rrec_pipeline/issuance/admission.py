"""Which of a lots table's lots the ledger takes now: the one gate in front of the ledger.

Both lot sources pass it: a period's reservation windows and adjustments (with the
files written for them), and producers' verification files (whose file is the lot's
own, accepted by the batch, so valid by construction). A lot is refused, alone, by the
guard (an overlap with an issued lot of the same or a co-located project, or with an
imported mint), by its file, or for want of an approval (`refusals.py`); the rest are
ready. The issued assets and the double-counting checks use this one function, so a
lot a check lists is the lot the ledger leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from rrec_pipeline.issuance.frames import guard_conflicts, lot_holds
from rrec_pipeline.issuance.producer_lots import producer_lot_id
from rrec_pipeline.issuance.refusals import refusals
from rrec_pipeline.registry.appendix_b import co_located_pairs
from rrec_pipeline.schemas.issuance import TO_ISSUE

FILE_COLUMNS = ["lot_id", "csv_name", "csv_sha256"]


@dataclass(frozen=True)
class Admission:
    """The lots to issue (with their file's name and hash), those ready, those refused.
    `ready` and `holds` are derived once: the issued asset reads `ready` three times."""

    to_issue: pl.DataFrame
    refused: dict[str, tuple[str, str]]

    @cached_property
    def ready(self) -> pl.DataFrame:
        return self.to_issue.filter(~pl.col("lot_id").is_in(list(self.refused)))

    @cached_property
    def holds(self) -> pl.DataFrame:
        """The refused lots as `held_lots` rows."""
        return lot_holds(self.to_issue, self.refused)

    @property
    def considered(self) -> list[str]:
        return self.to_issue["lot_id"].to_list()


def double_counted(
    lots: pl.DataFrame, claimed: pl.DataFrame, projects: pl.DataFrame, clearances: pl.DataFrame
) -> pl.DataFrame:
    """The guard's conflicts of `lots` with what is claimed (issued lots, imported mints)."""
    return guard_conflicts(lots, claimed, co_located_pairs(projects, clearances))


def admit(
    lots: pl.DataFrame,
    files: pl.DataFrame,
    claimed: pl.DataFrame,
    registry: tuple[pl.DataFrame, pl.DataFrame],
    unapproved: Iterable[str] = (),
) -> Admission:
    """`lots` to issue, checked against `claimed`, their `files` (lot_id, csv_name,
    csv_sha256, is_valid, findings) and the approvals; `registry` is (projects, clearances)."""
    to_issue = lots.filter(pl.col("change").is_in(TO_ISSUE)).join(
        files.select(FILE_COLUMNS), on="lot_id", how="left"
    )
    conflicts = double_counted(to_issue, claimed, *registry)
    waiting = sorted(set(unapproved) & set(to_issue["lot_id"]))
    return Admission(to_issue, refusals(to_issue, files, conflicts, waiting))


def producer_files(files: pl.DataFrame) -> pl.DataFrame:
    """Producers' verification files as the lot files of their lots: the file itself is
    what is published and minted against, so a lot keeps its name and hash."""
    return files.select(
        pl.col("sha256").map_elements(producer_lot_id, return_dtype=pl.String).alias("lot_id"),
        pl.col("file").alias("csv_name"),
        pl.col("sha256").alias("csv_sha256"),
        pl.lit(True).alias("is_valid"),
        pl.lit(None, pl.String).alias("findings"),
    ).unique("lot_id", keep="first", maintain_order=True)
