"""The one gate in front of the ledger, for both lot sources: which lots are ready, which
are held, each alone with its rule."""

from __future__ import annotations

import polars as pl

from rrec_pipeline.issuance.admission import admit, producer_files
from rrec_pipeline.issuance.frames import lots_frame
from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.issuance.producer_lots import producer_lot_id
from rrec_pipeline.registry.files import load_registry
from tests.issuance_scenario import AS_OF, WALLET_A, hourly_reads, write_registry, year_reservations

MAY = "R1__P-GA__2024-05-01"
JUNE = "R1__P-GA__2024-06-01"
JULY = "R1__P-GA__2024-07-01"


def _planned(tmp_path) -> tuple[pl.DataFrame, tuple[pl.DataFrame, pl.DataFrame]]:
    registry = load_registry(write_registry(tmp_path / "r", year_reservations("monthly")))
    plan = make_plan(registry, hourly_reads().lazy(), PlanSettings(as_of_clock(AS_OF)))
    lots = lots_frame(plan, "monthly", {"R1": WALLET_A}, {})
    return lots.filter(pl.col("project_id") == "P-GA"), (registry.projects, registry.clearances)


def _files(lots: pl.DataFrame, invalid: str) -> pl.DataFrame:
    return lots.select(
        "lot_id",
        (pl.col("lot_id") + ".csv").alias("csv_name"),
        pl.lit("ab" * 32).alias("csv_sha256"),
        (pl.col("lot_id") != invalid).alias("is_valid"),
        pl.when(pl.col("lot_id") == invalid)
        .then(pl.lit("range.capacity: more than the capacity"))
        .alias("findings"),
    )


def test_each_refused_lot_is_held_alone_and_the_rest_are_ready(tmp_path) -> None:
    lots, registry = _planned(tmp_path)
    claimed = lots.filter(pl.col("lot_id") == MAY).with_columns(
        pl.lit("file__0123456789abcdef").alias("lot_id"),
        pl.lit("file__0123456789abcdef").alias("window_id"),
    )
    admission = admit(lots, _files(lots, JUNE), claimed, registry, [JULY, "not-a-lot"])
    rules = {lot: rule for lot, (rule, _) in admission.refused.items()}
    assert rules == {
        MAY: "guard.double_counting",
        JUNE: "range.capacity",
        JULY: "approval.required",
    }, "an approval is asked only of a lot to issue"
    assert admission.holds.select("lot_id", "rule").sort("lot_id").rows() == sorted(rules.items())
    ready = set(admission.ready["lot_id"])
    assert ready == set(lots["lot_id"]) - set(rules)
    assert ready and ready.isdisjoint(rules)
    assert admission.ready["csv_name"].null_count() == 0, "a ready lot carries its file"
    assert set(admission.considered) == set(lots["lot_id"])


def test_lots_already_issued_are_not_considered(tmp_path) -> None:
    lots, registry = _planned(tmp_path)
    lots = lots.with_columns(
        pl.when(pl.col("lot_id") == MAY).then(pl.lit("issued")).otherwise("change").alias("change")
    )
    admission = admit(lots, _files(lots, ""), lots.head(0), registry, [MAY])
    assert MAY not in admission.considered
    assert MAY not in admission.refused, "an issued lot waits for no approval"


def test_a_producer_file_is_its_own_lot_file_named_by_its_bytes() -> None:
    digest = "0123456789abcdef" * 4
    files = pl.DataFrame({"file": ["a.csv", "copy-of-a.csv"], "sha256": [digest, digest]})
    assert producer_files(files).select("lot_id", "csv_name", "is_valid").rows() == [
        (producer_lot_id(digest), "a.csv", True)
    ]
    assert producer_lot_id(digest) == "file__0123456789abcdef"
