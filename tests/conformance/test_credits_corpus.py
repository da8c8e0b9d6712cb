"""Credits against the registry: its stated carbon reductions and its token contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from rrec_pipeline.credits.for_files import credits_for_file
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.verification_csv.reader import read_verification_file
from tests.conftest import REFERENCE_EXTRACTS

pytestmark = pytest.mark.conformance
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def credited(corpus_files):
    tables = load_reference()
    return {
        path.name: (
            read_verification_file(path),
            credits_for_file(read_verification_file(path), tables),
        )
        for path in corpus_files
    }


def stated(file) -> float | None:
    value = file.header.total_carbon_reduction_tco2e
    return None if value is None else float(value)


def test_avert_files_reproduce_their_stated_carbon_within_a_tenth_of_a_percent(credited) -> None:
    checked = 0
    for name, (file, result) in credited.items():
        if file.header.avert_factor_tco2e_per_mwh is None or stated(file) is None:
            continue
        assert result.credit_class == "AVERT-USCC", name
        assert float(result.tco2e) == pytest.approx(stated(file), rel=1e-3), name
        assert float(result.factor.value) == pytest.approx(
            float(file.header.avert_factor_tco2e_per_mwh), rel=1e-6
        ), name
        checked += 1
    assert checked == 10


def test_ember_files_reproduce_their_stated_carbon_within_one_percent(credited) -> None:
    ember = {
        name: pair
        for name, pair in credited.items()
        if pair[0].header.ember_factor_gco2e_per_kwh is not None
    }
    assert list(ember) == ["Uniabuja_2024-10-07T000000-0000_2024-12-31T000000-0000.csv"]
    for name, (file, result) in ember.items():
        assert result.credit_class == "EGRCC"
        assert float(result.tco2e) == pytest.approx(stated(file), rel=1e-2), name


def test_tokens_are_the_registrys_contracts(credited, corpus_contracts) -> None:
    checked = 0
    for contract in corpus_contracts:
        for tx in contract["transactions"]:
            url = tx.get("verification_data")
            if tx["action"] != "mint" or not url:
                continue
            _, result = credited[unquote(url.rsplit("/", 1)[-1])]
            assert result.token == contract["abbreviation"], url
            checked += 1
    assert checked >= 40


def test_reference_tables_rebuild_from_the_extracts_byte_for_byte(tmp_path) -> None:
    source = REFERENCE_EXTRACTS
    if not source.is_dir():
        pytest.skip(f"reference extracts not found at {source} (set RREC_REFERENCE_EXTRACTS)")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_reference_data.py"),
            str(source),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    for built in sorted(tmp_path.glob("*.csv")):
        committed = ROOT / "reference_data" / built.name
        assert built.read_bytes() == committed.read_bytes(), built.name
