"""Conformance with a working registry: its published files and what it minted.

Reads ../shared/corpus (or $RREC_CORPUS); skipped with a reason when absent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import polars as pl
import pytest

from rrec_pipeline.validation.batch import BatchReport, validate_paths
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.verification_csv.reader import read_verification_file
from rrec_pipeline.verification_csv.totals import computed_total_mwh
from rrec_pipeline.verification_csv.writer import write_verification_file

pytestmark = pytest.mark.conformance

# The registry's two real partial mints: fewer R-RECs than the file supports.
PARTIAL_MINTS = {
    "Funaab_2025-04-22T000000-0000_2025-11-10T000000-0000.csv",
    "Uniabuja_2025-01-01T000000-0000_2025-11-17T000000-0000.csv",
}


@pytest.fixture(scope="module")
def report(corpus_files: list[Path]) -> BatchReport:
    return validate_paths(corpus_files, ValidationConfig())


@pytest.fixture(scope="module")
def minted(corpus_contracts: list[dict]) -> dict[str, int]:
    """R-RECs minted per verification file, superseded (`ignore`) mints left out."""
    amounts: dict[str, int] = defaultdict(int)
    for contract in corpus_contracts:
        for tx in contract["transactions"]:
            url = tx.get("verification_data")
            if tx["action"] == "mint" and url and not tx.get("ignore"):
                amounts[unquote(url.rsplit("/", 1)[-1])] += int(tx["amount"])
    return dict(amounts)


def by_name(report: BatchReport) -> dict:
    return {Path(r.key).name: r for r in report.files}


def rules_of(file_report) -> set[str]:
    return {item.rule for item in file_report.findings if item.is_error}


def test_every_file_parses(report: BatchReport, corpus_files: list[Path]) -> None:
    assert len(report.files) == len(corpus_files) == 44
    assert all(r.file is not None for r in report.files)
    assert not [
        (r.key, f.message)
        for r in report.files
        for f in r.findings
        if f.rule in ("parse", "header.fields", "format.timestamp", "format.number")
    ]


def test_every_header_total_matches_its_rows(report: BatchReport) -> None:
    assert not [r.key for r in report.files if "consistency.total" in rules_of(r)]
    for r in report.files:
        assert abs(r.header_total_mwh - r.computed_total_mwh) <= r.header_total_mwh * Decimal(
            "1e-4"
        )


def test_whole_rrecs_equal_what_the_registry_minted(
    report: BatchReport, minted: dict[str, int]
) -> None:
    reports = by_name(report)
    assert set(minted) <= set(reports), "every minted file is in the corpus"
    for name, amount in minted.items():
        if name in PARTIAL_MINTS:
            assert amount < reports[name].whole_rrecs, name
        else:
            assert reports[name].whole_rrecs == amount, name


def test_files_never_minted_support_no_whole_rrec(
    report: BatchReport, minted: dict[str, int]
) -> None:
    unminted = {name: r.whole_rrecs for name, r in by_name(report).items() if name not in minted}
    assert unminted == {"ARKKisegi_2026-02-09T130000+0300_2026-03-25T160000+0300.csv": 0}


def test_dst_steps_in_local_time_are_not_gaps(report: BatchReport) -> None:
    """Butler files step -05:00 <-> -04:00 twice a year and have no outage."""
    butler = [r for name, r in by_name(report).items() if name.startswith("Butler")]
    assert len(butler) == 8
    for r in butler:
        offsets = set(r.file.readings["utc_offset_minutes"].unique().to_list())
        assert offsets == {-300, -240} or len(r.file.readings) < 500
        assert "completeness.gap" not in {f.rule for f in r.findings}, r.key
        assert r.file.spacings["spacing"].drop_nulls().max() == timedelta(hours=1)


EXPECTED_GAPS = {
    "Uniabuja_2024-10-07T000000-0000_2024-12-31T000000-0000.csv": [timedelta(days=48)],
    "ARKKisegi_2025-05-30T110000+0300_2025-11-11T160000+0300.csv": [
        timedelta(days=2, hours=13),
        timedelta(days=13, hours=22),
    ],
    "ARKMuhuruBay_2026-01-01T000000+0300_2026-03-24T000000+0300.csv": [
        timedelta(days=25, hours=18)
    ],
}


def test_the_real_long_gaps_are_found(report: BatchReport) -> None:
    reports = by_name(report)
    for name, expected in EXPECTED_GAPS.items():
        found = [f for f in reports[name].findings if f.rule == "completeness.gap"]
        assert len(found) == len(expected), name
        for item, span in zip(found, expected, strict=True):
            assert item.is_error and item.line is not None
            gap = reports[name].file.spacings.filter(pl.col("line") == item.line)["spacing"][0]
            assert gap == span
    with_gaps = {Path(r.key).name for r in report.files if "completeness.gap" in rules_of(r)}
    assert with_gaps == set(EXPECTED_GAPS) | {
        "ARKMuhuruBay_2025-06-09T120000+0300_2025-12-31T230000+0300.csv",
        "Uniabuja_2025-01-01T000000-0000_2025-11-17T000000-0000.csv",
    }


def test_meter_resets_and_catch_up_spikes_are_caught(report: BatchReport) -> None:
    reports = by_name(report)
    nuru = reports["Nuru_2024-10-04T180000+0200_2024-12-31T230000+0200.csv"]
    [spike] = [f for f in nuru.findings if f.rule == "range.capacity"]
    assert spike.line == 25 and "60155 kWh" in spike.message
    minersol = reports["Minersol_2025-01-01T000000-0000_2025-09-28T000000-0000.csv"]
    assert len([f for f in minersol.findings if f.rule == "range.capacity"]) == 2


def test_no_cross_file_conflicts_in_the_published_registry(report: BatchReport) -> None:
    assert report.cross_file == []


def test_every_corpus_file_round_trips_through_the_writer(
    corpus_files: list[Path], tmp_path: Path
) -> None:
    columns = ["timestamp_utc", "utc_offset_minutes", "kwh"]
    for path in corpus_files:
        original = read_verification_file(path)
        again = read_verification_file(write_verification_file(original, tmp_path))
        assert again.name == path.name
        assert again.readings.select(columns).equals(original.readings.select(columns)), path
        assert (again.begin, again.end) == (original.begin, original.end)
        assert computed_total_mwh(again) == computed_total_mwh(original)
        assert again.header.total_energy_mwh == original.header.total_energy_mwh
