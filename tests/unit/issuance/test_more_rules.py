"""Late reads, producer files as lots, the guard, and drafting a registry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl

from rrec_pipeline.issuance.frames import guard_conflicts, lots_frame
from rrec_pipeline.issuance.lots import Issued
from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.issuance.producer_lots import file_lots
from rrec_pipeline.registry.drafts import draft_projects
from rrec_pipeline.registry.files import load_registry
from rrec_pipeline.tables import VERIFICATION_FILES
from rrec_pipeline.verification_csv.reader import read_verification_bytes
from tests.builders import CsvCase
from tests.issuance_scenario import (
    AS_OF,
    OWNER,
    WALLET_A,
    hourly_reads,
    write_registry,
    year_reservations,
)

READS = hourly_reads()


def test_reads_arriving_after_their_window_was_issued_are_adjusted_moved_or_reported(tmp_path):
    registry = load_registry(write_registry(tmp_path / "r", year_reservations("monthly")))
    whole = make_plan(registry, READS.lazy(), PlanSettings(as_of_clock(AS_OF)))
    kenya = [item for item in whole.lots if item.energy.project_id == "P-KE"][:3]
    march = kenya[2]
    assert march.key == ("R1", "P-KE", "2024-03-01")
    # March was issued before 2.5 MWh of its reads arrived.
    before = march.carry_in_wh + march.energy.wh - 2_500_000
    issued = {
        lot.key: Issued(lot.rrecs, lot.carry_out_wh, lot.energy.wh, carry_in_wh=lot.carry_in_wh)
        for lot in kenya[:2]
    }
    issued[march.key] = Issued(
        before // 10**6, before % 10**6, march.energy.wh - 2_500_000, carry_in_wh=march.carry_in_wh
    )

    def plan(policy: str):
        settings = PlanSettings(as_of_clock(AS_OF), late_reads=policy)
        return make_plan(registry, READS.lazy(), settings, issued)

    def april(plan):
        return next(item for item in plan.lots if item.key == ("R1", "P-KE", "2024-04-01"))

    reported = plan("report-only")
    [late] = reported.late
    assert (late.project_id, late.late_wh) == ("P-KE", 2_500_000)
    assert april(reported).energy.late_wh == 0, "reported only"
    moved = plan("next-window")
    assert april(moved).energy.late_wh == 2_500_000
    assert april(moved).rrecs >= april(reported).rrecs + 2
    adjusted = plan("adjust")
    [version] = [item for item in adjusted.lots if item.version == 2]
    assert version.key == march.key and adjusted.late == []
    assert version.total_rrecs == march.rrecs, "the window's R-RECs follow its energy now"
    assert version.rrecs == march.rrecs - before // 10**6, "the mint carries the difference"
    assert april(adjusted).carry_in_wh == march.carry_out_wh, "and the carry goes on exactly"


def summary(name: str, project: str, begin: datetime, end: datetime, mwh: str) -> dict:
    row = {key: None for key in VERIFICATION_FILES.dtypes}
    certified = Decimal(mwh)
    return {
        **row,
        "file": name,
        "project_name": project,
        "begin_utc": begin,
        "end_utc": end,
        "certified_mwh": certified,
        "whole_rrecs": int(certified),
        "is_accepted": True,
        "error_count": 0,
        "warning_count": 0,
        "sha256": (name * 64)[:64],
    }


def test_accepted_files_of_registered_projects_are_lots_and_others_are_held(tmp_path):
    registry = load_registry(write_registry(tmp_path / "r", year_reservations("monthly")))
    files = pl.DataFrame(
        [
            summary(
                "a.csv",
                "nairobi  SOLAR",
                datetime(2023, 5, 1, tzinfo=UTC),
                datetime(2023, 5, 31, tzinfo=UTC),
                "12.5",
            ),
            summary(
                "b.csv",
                "Unknown Farm",
                datetime(2023, 5, 1, tzinfo=UTC),
                datetime(2023, 5, 31, tzinfo=UTC),
                "3",
            ),
            summary(
                "c.csv",
                "Dakar Plant",
                datetime(2024, 6, 1, tzinfo=UTC),
                datetime(2024, 6, 30, tzinfo=UTC),
                "40.9",
            ),
        ],
        schema=VERIFICATION_FILES.dtypes,
    )
    lots, held = file_lots(files, registry, {})
    assert lots.select("project_id", "rrecs", "reservation_id", "recipient").rows() == [
        ("P-KE", 12, "owner", OWNER),
        ("P-SN", 40, "R1", WALLET_A),
    ]
    [(kind, ids)] = [(h.kind, h.ids) for h in held]
    assert (kind, ids) == ("unregistered", ("b.csv",))


def test_the_guard_names_a_lot_that_overlaps_an_issued_one(tmp_path):
    registry = load_registry(write_registry(tmp_path / "r", year_reservations("monthly")))
    plan = make_plan(registry, READS.lazy(), PlanSettings(as_of_clock(AS_OF)))
    recipients = {"R1": WALLET_A}
    planned = lots_frame(plan, "monthly", recipients, {})
    file_of_may = planned.filter(pl.col("lot_id") == "R1__P-GA__2024-05-01").with_columns(
        pl.lit("file__0123456789abcdef").alias("lot_id"),
        pl.lit("file__0123456789abcdef").alias("window_id"),
    )
    conflicts = guard_conflicts(planned, file_of_may, set())
    assert conflicts.select("lot_id", "issued_lot_id").rows() == [
        ("R1__P-GA__2024-05-01", "file__0123456789abcdef")
    ]
    neighbours = {frozenset({"P-GA", "P-KE"})}
    kenya = planned.filter(pl.col("project_id") == "P-KE")
    near = guard_conflicts(kenya, file_of_may, neighbours)
    assert near["lot_id"].to_list() == [
        "R1__P-KE__2024-05-01",
        "R1__P-KE__2024-06-01",
    ]  # UTC overlap
    version = file_of_may.with_columns(pl.lit("R1__P-GA__2024-05-01").alias("window_id"))
    assert guard_conflicts(planned, version, set()).is_empty(), "its own window's version"


def test_a_registry_is_drafted_from_verification_headers():
    files = []
    for name, lat in (("Solar One", "-1.0"), ("Solar Two", "-2.0"), ("Solar One", "-1.0")):
        case = CsvCase().with_header(**{"Project Name": name, "Latitude": lat})
        file_name, text = case.render()
        files.append(read_verification_bytes(text.encode(), file_name))
    lines = draft_projects(files).splitlines()
    assert lines[0].startswith("project_id,project_name,country,us_state,latitude")
    assert lines[1] == (
        "SOLAR-ONE,Solar One,Kenya,,-1,36.8219,10,Solar,2023-01-01,Etc/GMT-3,Distributed PV,"
    )
    assert len(lines) == 3
    assert date(2023, 1, 1).isoformat() in lines[2]
