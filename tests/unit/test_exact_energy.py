"""1 R-REC = 1 MWh, exactly: no float ever carries an amount, per file or per project-year."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from rrec_pipeline.basics.amounts import KWH, MWH, TCO2E
from rrec_pipeline.credits.project_years import project_year_credits
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.tables import TABLES, VERIFICATION_FILES
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.batch_tables import summaries_frame
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.verification_csv.totals import project_year_rrecs
from tests.builders import EAT, CsvCase, hourly_rows
from tests.examples import examples

TOTALS_MWH = ("27.098", "18.571", "71.499", "1.832")  # 119.000 MWh; 118.99999999999999 in floats


def monthly_file(month: int, total_mwh: str) -> tuple[str, bytes]:
    """A day of hourly rows in `month` whose noon hour holds the whole total."""
    case = CsvCase().with_header(**{"DC Capacity (kWp)": "100000"})
    case.rows = hourly_rows(datetime(2024, month, 1, tzinfo=EAT), 24, daylight_kwh="0")
    case.rows[12][1] = format(Decimal(total_mwh) * 1000, "f")
    name, text = case.render()
    return name, text.encode()


def test_four_files_totalling_119_mwh_give_119_rrecs_in_every_output() -> None:
    assert math.floor(sum(float(total) for total in TOTALS_MWH)) == 118  # what floats gave
    sources = [monthly_file(month, total) for month, total in enumerate(TOTALS_MWH, start=1)]
    report = validate_sources(sources, ValidationConfig())
    assert report.ok, [f.message for r in report.files for f in r.findings]
    files = summaries_frame(report)
    assert files["certified_mwh"].dtype == MWH
    assert files["certified_mwh"].sum() == Decimal("119")
    assert project_year_rrecs(files["certified_mwh"]) == 119
    credits = project_year_credits(files, load_reference())
    row = credits.select("files", "certified_mwh", "whole_rrecs").row(0)
    assert row == (4, Decimal("119"), 119)


def summaries(totals: list[Decimal]) -> pl.DataFrame:
    """File summaries of accepted files of one Kenyan project-year with these totals."""
    given_columns = {
        "file": [f"f{i}.csv" for i in range(len(totals))],
        "project_name": ["P"] * len(totals),
        "certified_mwh": totals,
        "whole_rrecs": [math.floor(total) for total in totals],
        "is_accepted": [True] * len(totals),
        "generation_year": [2024] * len(totals),
        "country": ["Kenya"] * len(totals),
        "installation_type": ["Distributed PV"] * len(totals),
    }
    columns = {
        name: pl.Series(name, given_columns.get(name, [None] * len(totals)), dtype)
        for name, dtype in VERIFICATION_FILES.dtypes.items()
    }
    return pl.DataFrame(columns)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=10_000, places=6), min_size=1, max_size=12))
def test_project_year_rrecs_are_the_floor_of_the_exact_sum(totals: list[Decimal]) -> None:
    credits = project_year_credits(summaries(totals), load_reference())
    assert credits["certified_mwh"].to_list() == [sum(totals)]
    assert credits["whole_rrecs"].to_list() == [math.floor(sum(totals))]


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=500, places=4), min_size=2, max_size=30))
def test_rows_add_up_exactly_whatever_their_decimals(values: list[Decimal]) -> None:
    case = CsvCase().with_header(**{"DC Capacity (kWp)": "100000"})
    case.rows = [
        [row[0], format(value, "f")] for row, value in zip(case.rows, values, strict=False)
    ]
    name, text = case.render()
    [file] = validate_sources([(name, text.encode())], ValidationConfig()).files
    assert file.computed_total_mwh == sum(values) / 1000
    assert file.whole_rrecs == math.floor(min(file.header_total_mwh, sum(values) / 1000))


def test_no_registered_table_has_a_float_amount_column() -> None:
    """Floats may only carry statistics and thresholds, never energy, volume or credits."""
    amount_words = ("wh", "kwh", "mwh", "tco2e", "credits", "rrecs", "_l", "factor", "litres")
    floats = [
        f"{table.key}.{column}"
        for table in TABLES.values()
        for column, dtype in table.dtypes.items()
        if dtype in (pl.Float32, pl.Float64) and column.endswith(amount_words)
    ]
    assert floats == []
    assert TABLES["core_verification__readings"].dtypes["kwh"] == KWH
    assert TABLES["out_credits__project_years"].dtypes["tco2e"] == TCO2E
