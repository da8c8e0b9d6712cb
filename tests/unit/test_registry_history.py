"""A running registry's mints as imported lots, and the plan's guard against them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.issuance.refusals import IMPORTED_GUARD
from rrec_pipeline.registry.files import load_registry
from rrec_pipeline.registry.history import (
    HistoryFile,
    ImportedPeriod,
    imported_lots,
    imported_periods,
)
from rrec_pipeline.registry.record import read_record
from tests.builders import EAT, CsvCase, hourly_rows
from tests.issuance_scenario import AS_OF, WALLET_A, hourly_reads, write_registry

READS = hourly_reads()
TX = "0x" + "ab" * 32


def _file(path: str, start: datetime, hours: int, name: str = "Nairobi Solar") -> HistoryFile:
    _, text = CsvCase(rows=hourly_rows(start, hours)).with_header(Project_Name=name).render()
    return HistoryFile(path, text.encode())


def _record(*transactions: dict, address: str | None = "0x" + "11" * 20) -> list:
    rows, findings = read_record(
        json.dumps(
            [{"abbreviation": "RREC-AKE", "address": address, "transactions": list(transactions)}]
        ).encode()
    )
    assert findings == []
    return rows


def _mint(amount, url: str | None, tx: str | None = TX, **more) -> dict:
    return {
        "action": "mint",
        "amount": amount,
        "to": WALLET_A,
        "blockNumber": "7",
        "hash": tx,
        "verification_data": url,
        **more,
    }


def test_each_mint_is_a_lot_whose_period_ends_with_its_last_local_day() -> None:
    file = _file("verification_data/NairobiSolar_2024.csv", datetime(2024, 3, 1, tzinfo=EAT), 72)
    rows = _record(
        _mint(2, f"https://example.org/x/{file.name}"),
        _mint(5, f"https://example.org/x/{file.name}", "0x" + "cd" * 32, ignore=True, note="oops"),
        _mint(125, None, None, blockNumber="0", note="manual"),
    )
    lots, findings = imported_lots(rows, [file], {"Nairobi Solar": "P-KE"})
    assert findings == []
    by_id = {row["imported_id"]: row for row in lots.to_dicts()}
    counted, manual = by_id[TX], by_id["RREC-AKE:record:3"]
    assert by_id["0x" + "cd" * 32]["is_ignored"] and by_id["0x" + "cd" * 32]["note"] == "oops"
    assert counted["project_id"] == "P-KE" and counted["rrecs"] == 2
    assert counted["first_day"] == date(2024, 3, 1) and counted["last_day"] == date(2024, 3, 3)
    # Begin 2024-03-01 00:00+03:00; the End day (03-03, local) is inside: ends 03-04 00:00+03:00.
    assert counted["period_start_utc"] == datetime(2024, 2, 29, 21, tzinfo=UTC)
    assert counted["period_end_utc"] == datetime(2024, 3, 3, 21, tzinfo=UTC)
    assert counted["file_path"] == file.path and len(counted["file_sha256"]) == 64
    assert manual["project_id"] is None and manual["period_start_utc"] is None
    [period] = imported_periods(lots.with_columns(pl.lit(None).alias("imported_at")))
    assert period.minted_by == TX, "the superseded row and the manual one guard nothing"


def test_a_mint_whose_file_is_missing_or_unreadable_or_ambiguous_is_a_finding() -> None:
    good = _file("a/NairobiSolar.csv", datetime(2024, 3, 1, tzinfo=EAT), 24)
    twin = HistoryFile("b/NairobiSolar.csv", good.data)
    broken = HistoryFile("Broken.csv", b"\x00\x01 not a file")
    rows = _record(
        _mint(1, "https://example.org/Missing.csv", "0x01"),
        _mint(1, "https://example.org/Broken.csv", "0x02"),
        _mint(1, "https://example.org/NairobiSolar.csv", "0x03"),
    )
    lots, findings = imported_lots(rows, [good, twin, broken], {})
    assert lots.is_empty()
    assert sorted((f.rule, f.where) for f in findings) == [
        ("record.file", "0x02"),
        ("record.file", "0x03"),
        ("record.missing_file", "0x01"),
    ]


def _period(first: date, last: date) -> ImportedPeriod:
    start = datetime.combine(first, datetime.min.time(), EAT).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), EAT).astimezone(UTC)
    return ImportedPeriod("P-KE", start, end, TX, "NairobiSolar.csv", first, last)


def test_windows_over_an_imported_period_are_held_naming_the_mint_and_the_chain_starts_after(
    tmp_path,
) -> None:
    reservations = [
        ("R1", "Acme", WALLET_A, "P-KE", "100000", "2024-01-01", "2024-12-31", "monthly")
    ]
    registry = load_registry(write_registry(tmp_path / "registry", reservations))
    settings = PlanSettings(as_of_clock(AS_OF))
    imported = [_period(date(2024, 1, 1), date(2024, 3, 10))]
    plan = make_plan(registry, READS.lazy(), settings, None, imported)
    held = {h.energy.window.first_day: h for h in plan.holds}
    assert sorted(held) == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert {(h.state, h.rule) for h in held.values()} == {("held", IMPORTED_GUARD)}
    assert all(TX in h.reason and "NairobiSolar.csv" in h.reason for h in held.values())
    lots = sorted(plan.lots, key=lambda lot: lot.energy.window.first_day)
    assert [lot.energy.window.first_day.month for lot in lots] == list(range(4, 13))
    assert lots[0].carry_in_wh == 0, "the chain's carry-forward starts after the imported period"
    whole = make_plan(registry, READS.lazy(), settings)
    assert len(whole.lots) == 12 and whole.holds == []
