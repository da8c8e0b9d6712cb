"""Credits of one verification file, the CLI, and the header fields the pipeline writes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from rrec_pipeline.cli import main
from rrec_pipeline.credits.for_files import credits_for_file, with_credit_fields
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.verification_csv.model import VerificationFile
from rrec_pipeline.verification_csv.reader import read_verification_bytes, read_verification_file
from rrec_pipeline.verification_csv.writer import write_verification_file
from tests.builders import CsvCase, hourly_rows

EST = timezone(timedelta(hours=-5))


def us_case(year: int = 2022, state: str = "GA", region: str = "Southeast") -> CsvCase:
    case = CsvCase().with_header(
        **{
            "Project Name": "Peach Solar",
            "Country": "United States of America",
            "US State (if applicable)": state,
            "US Region (if applicable)": region,
            "Latitude": "33.7",
            "Longitude": "-84.4",
            "Date of First Operation": f"{year - 1}-01-01",
        }
    )
    case.rows = hourly_rows(datetime(year, 3, 1, tzinfo=EST), 72)
    return case


def parsed(case: CsvCase) -> VerificationFile:
    name, text = case.render()
    return read_verification_bytes(text.encode(), name)


def test_a_us_file_is_credited_at_its_regions_rate() -> None:
    result = credits_for_file(parsed(us_case()), load_reference())
    assert (result.token, result.credit_class, result.factor.year) == (
        "RREC-GA",
        "AVERT-USCC",
        2022,
    )
    assert result.factor.value == Decimal("0.630511674376")
    assert result.tco2e == Decimal("0.135") * Decimal("0.630511674376")  # exact, 15 digits


def test_a_missing_factor_names_what_is_missing() -> None:
    result = credits_for_file(parsed(us_case(year=2016)), load_reference())
    assert result.eligible and result.tco2e is None and result.whole_credits is None
    assert result.reason == (
        "no AVERT factor for Southeast distributed_pv in 2016 or any "
        "earlier year: credits cannot be computed (a missing factor is "
        "never taken as zero)"
    )


def test_a_mini_grid_uses_its_header_consumption_and_diesel() -> None:
    case = CsvCase().with_header(
        **{
            "Type of Installation": "Mini-Grid",
            "No. of Type 1 Customers": "40",
            "No. of Type 2 Customers": "10",
            "Type 1-MA Consumption (MWh)": "2.2",
            "Type 1-MB Consumption (MWh)": "1.8",
            "Type 2 Consumption (MWh)": "5",
            "Diesel Consumption (L)": "100",
        }
    )
    result = credits_for_file(parsed(case), load_reference())
    assert result.credit_class == "MCC"
    assert result.tco2e == Decimal("11.424") - Decimal("0.31")


def test_filled_credit_fields_are_consistent_for_rrec_validate(tmp_path) -> None:
    file = parsed(us_case())
    result = credits_for_file(file, load_reference())
    file.header = with_credit_fields(file.header, result)
    written = read_verification_file(write_verification_file(file, tmp_path))
    assert written.header.avert_factor_tco2e_per_mwh is not None
    assert written.header.total_carbon_reduction_tco2e == result.tco2e
    report = validate_sources(
        [(written.name, (tmp_path / written.name).read_bytes())], ValidationConfig()
    )
    assert report.ok and not report.files[0].findings


def test_credits_cli_json_shape_and_exit_codes(tmp_path, write_case, capsys) -> None:
    ok = write_case(us_case(), tmp_path / "ok")
    assert main(["credits", "--json", str(ok)]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert set(record) == {
        "file",
        "token",
        "credit_class",
        "eligible",
        "reason",
        "factor",
        "factor_unit",
        "factor_year",
        "factor_source",
        "tco2e",
        "whole_credits",
    }
    assert (record["factor_unit"], record["whole_credits"]) == ("tCO2/MWh", 0)
    missing = write_case(us_case(year=2016), tmp_path / "missing")
    assert main(["credits", "--json", str(missing)]) == 1
    [record] = json.loads(capsys.readouterr().out)
    assert record["tco2e"] is None and "no AVERT factor" in record["reason"]


def test_an_ineligible_file_is_not_an_error(tmp_path, write_case, capsys) -> None:
    shs = write_case(CsvCase().with_header(**{"Type of Installation": "Solar Home Systems"}))
    assert main(["credits", str(shs)]) == 0
    assert "no carbon credit class applies" in capsys.readouterr().out


def test_a_file_failing_validation_is_reported_with_its_rules_and_not_credited(
    tmp_path, write_case, capsys
) -> None:
    broken = us_case()
    broken.rows[30][1] = "oops"
    path = write_case(broken, tmp_path / "broken")
    assert main(["credits", "--json", str(path)]) == 1
    [record] = json.loads(capsys.readouterr().out)
    assert record["error_rules"] == ["format.number"]
    assert record["tco2e"] is None and record["token"] is None
    assert record["reason"] == "fails validation (format.number): not credited"
    assert main(["credits", str(path)]) == 1
    assert "FAIL fails validation (format.number): not credited" in capsys.readouterr().out


@pytest.mark.parametrize("release", ["2024-3-11", "2023-01-01", "latest"])
def test_an_unknown_ember_release_is_a_usage_error_naming_the_known_ones(
    release, tmp_path, write_case, capsys
) -> None:
    path = write_case(CsvCase())
    assert main(["credits", "--ember-release", release, str(path)]) == 2
    err = capsys.readouterr().err
    assert "expected a release date YYYY-MM-DD, one of 2024-03-11, 2025-05-21" in err


def test_tco2e_is_shown_to_the_gram_and_whole_credits_come_from_the_exact_figure(
    tmp_path, write_case, capsys
) -> None:
    case = us_case()
    case.rows = [[stamp, "123.4567"] for stamp, _ in case.rows]  # 8.8888824 MWh
    case.with_header(**{"DC Capacity (kWp)": "1000"})
    path = write_case(case)
    assert main(["credits", "--json", str(path)]) == 0
    [record] = json.loads(capsys.readouterr().out)
    exact = Decimal("8.8888824") * Decimal("0.630511674376")
    assert exact == Decimal("5.6045441253553573824")
    assert record["tco2e"] == "5.604544"  # the exact figure, rounded down to the gram
    assert record["whole_credits"] == 5
    assert record["factor"] == "0.630511674376"
