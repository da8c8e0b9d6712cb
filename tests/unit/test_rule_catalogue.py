"""Every rule in the registry, with a batch that breaks it and one that does not.

`test_every_rule_has_a_case` fails when a rule is added without cases here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from rrec_pipeline.validation.batch import BatchReport, validate_sources
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.rules import RULES, Severity
from tests.builders import EAT, CsvCase, hourly_rows

Batch = list[tuple[str, bytes]]
EST = timezone(timedelta(hours=-5))
EDT = timezone(timedelta(hours=-4))


def batch(*cases: CsvCase) -> Batch:
    return [(name, text.encode()) for name, text in (case.render() for case in cases)]


def edited(edit: Callable[[CsvCase], None]) -> Batch:
    case = CsvCase()
    edit(case)
    return batch(case)


def set_row(index: int, datetime_text: str | None = None, kwh: str | None = None):
    def edit(case: CsvCase) -> None:
        if datetime_text is not None:
            case.rows[index][0] = datetime_text
        if kwh is not None:
            case.rows[index][1] = kwh

    return edit


def without_offsets(case: CsvCase) -> None:
    case.rows = [[stamp[:19], kwh] for stamp, kwh in case.rows]


def wrong_name(case: CsvCase) -> None:
    case.name = "TestSolar_2024-03-01T000000+0300_2024-03-04T230000+0300.csv"


def total_off_by(relative: float):
    def edit(case: CsvCase) -> None:
        case.with_header(**{"Total Energy Production (MWh)": f"{0.135 * (1 + relative):.9f}"})

    return edit


def issuance(carry_in: str, issued: str, carry_out: str):
    values = {
        "Carried Forward In (MWh)": carry_in,
        "R-RECs Issued": issued,
        "Carried Forward Out (MWh)": carry_out,
    }
    return lambda case: case.with_header(**values)


def header_begin(text: str):
    return lambda case: case.with_header(**{"Begin Timestamp": text})


def us_year_end(end: str, rows_end: datetime):
    """A US file over New Year's Eve; `end` is the End Timestamp written."""

    def edit(case: CsvCase) -> None:
        case.rows = hourly_rows(rows_end - timedelta(hours=23), 24)
        case.with_header(**{"End Timestamp": end})

    return edit


def carbon(stated: str, **fields: str):
    def edit(case: CsvCase) -> None:
        case.with_header(**{"Total Carbon Reduction (tCO2e)": stated, **fields})

    return edit


def _case(
    edit: Callable[[CsvCase], None], project: str = "Test Solar", lat: str = "-1.2921"
) -> CsvCase:
    case = CsvCase().with_header(**{"Project Name": project, "Latitude": lat})
    edit(case)
    return case


def swap_rows(case: CsvCase) -> None:
    case.rows[10], case.rows[11] = case.rows[11], case.rows[10]


def repeat_row(case: CsvCase) -> None:
    case.rows.insert(11, list(case.rows[10]))


def dst_fall_back(case: CsvCase) -> None:
    """US fall-back night: 01:00 local happens twice, at -04:00 then -05:00."""
    first = datetime(2024, 11, 3, 0, 0, tzinfo=EDT)
    case.rows = [
        [(first + timedelta(hours=h)).astimezone(EDT if h < 2 else EST).isoformat(), "0"]
        for h in range(6)
    ]
    case.with_header(Country="United States of America")


def dst_spring_forward(case: CsvCase) -> None:
    """US spring-forward night: local clock jumps 01:00 -> 03:00, one hour in UTC."""
    start = datetime(2024, 3, 10, 0, 0, tzinfo=EST)
    case.rows = [
        [(start + timedelta(hours=h)).astimezone(EST if h < 2 else EDT).isoformat(), "0"]
        for h in range(6)
    ]


def drop_hours(first: int, count: int):
    def edit(case: CsvCase) -> None:
        del case.rows[first : first + count]

    return edit


def site(project: str, lat: str, lon: str, start: datetime) -> CsvCase:
    case = CsvCase().with_header(**{"Project Name": project, "Latitude": lat, "Longitude": lon})
    case.rows = hourly_rows(start, 24)
    return case


MARCH = datetime(2024, 3, 1, tzinfo=EAT)


@dataclass(frozen=True)
class RuleCase:
    rule: str
    failing: Callable[[], Batch]
    passing: Callable[[], Batch]
    severity: Severity = Severity.ERROR


CASES = [
    RuleCase("parse", lambda: [("Test_x.csv", b"")], lambda: batch(CsvCase())),
    RuleCase(
        "header.fields",
        lambda: edited(lambda c: c.dropped_rows.add("Country")),
        lambda: edited(lambda c: c.dropped_rows.add("Date of First Operation")),
    ),
    RuleCase(
        "format.timestamp",
        lambda: edited(set_row(5, datetime_text="2024-03-01 5am")),
        lambda: edited(set_row(5, datetime_text="2024-03-01T05:00+03:00")),
    ),
    RuleCase(
        "format.number",
        lambda: edited(set_row(9, kwh="5,0")),
        lambda: edited(set_row(9, kwh="5.0e0")),
    ),
    RuleCase(
        "format.timezone",
        lambda: edited(without_offsets),
        lambda: batch(CsvCase()),
        Severity.WARNING,
    ),
    RuleCase("filename.timestamps", lambda: edited(wrong_name), lambda: batch(CsvCase())),
    RuleCase(
        "format.text",
        lambda: edited(lambda c: c.with_header(**{"Project Name": '=HYPERLINK("x")'})),
        lambda: edited(lambda c: c.with_header(**{"Project Name": "Solar 2 (-3 dB)"})),
    ),
    RuleCase(
        "trailing_rows",
        lambda: edited(lambda c: setattr(c, "trailer", ",\n\n,,\n")),
        lambda: batch(CsvCase()),
        Severity.WARNING,
    ),
    RuleCase(
        "consistency.total",
        lambda: edited(total_off_by(2e-4)),
        lambda: edited(total_off_by(0.5e-4)),
    ),
    RuleCase(
        "consistency.carbon",
        # 0.135 MWh at 0.630511674 t/MWh is 0.0851 t, not 0.09.
        lambda: edited(carbon(**{"AVERT Emissions Factor": "0.630511674"}, stated="0.09")),
        # 0.135 MWh at 508 g/kWh is 0.06858 t; mini-grid: 0.02*2.72 + 0.1*0.8 - 2*0.0031.
        lambda: batch(
            _case(carbon(**{"Ember Emissions Factor (gCO2e/kWh)": "508"}, stated="0.06858")),
            _case(
                carbon(
                    **{
                        "Type 1-MA Consumption (MWh)": "0.02",
                        "Type 2 Consumption (MWh)": "0.1",
                        "Diesel Consumption (L)": "2",
                    },
                    stated="0.1282",
                ),
                project="Mini Grid",
                lat="-3.0",
            ),
        ),
    ),
    RuleCase(
        "consistency.issuance",
        # 0.135 MWh + 0.9 carried in is 1.035: 1 R-REC and 0.035 out, not 0.045.
        lambda: edited(issuance("0.9", "1", "0.045")),
        lambda: edited(issuance("0.9", "1", "0.035")),
    ),
    RuleCase(
        "timestamps.header_mismatch",
        lambda: edited(header_begin("2024-03-01T01:00:00+03:00")),
        lambda: edited(header_begin("2024-03-01")),
    ),
    RuleCase(
        "calendar_year",
        lambda: edited(
            us_year_end("2025-01-01T00:00:00-05:00", datetime(2025, 1, 1, 0, tzinfo=EST))
        ),
        lambda: edited(
            us_year_end("2024-12-31T23:00:00-05:00", datetime(2024, 12, 31, 23, tzinfo=EST))
        ),
    ),
    RuleCase(
        "first_operation",
        lambda: edited(lambda c: c.with_header(**{"Date of First Operation": "2024-03-02"})),
        lambda: edited(lambda c: c.with_header(**{"Date of First Operation": "2024-03-01"})),
    ),
    RuleCase("duplicates", lambda: edited(repeat_row), lambda: edited(dst_fall_back)),
    RuleCase("order", lambda: edited(swap_rows), lambda: batch(CsvCase())),
    RuleCase(
        "completeness.gap", lambda: edited(drop_hours(20, 30)), lambda: edited(dst_spring_forward)
    ),
    RuleCase(
        "completeness.missing_value",
        lambda: edited(set_row(3, kwh="")),
        lambda: batch(CsvCase()),
        Severity.WARNING,
    ),
    RuleCase(
        "range.negative",
        lambda: edited(set_row(3, kwh="-0.5")),
        lambda: batch(CsvCase()),
        Severity.WARNING,
    ),
    RuleCase(
        "range.capacity",
        lambda: edited(set_row(12, kwh="15.01")),
        lambda: edited(set_row(12, kwh="15")),
    ),
    RuleCase(
        "range.plausible",
        lambda: edited(lambda c: c.with_header(**{"DC Capacity (kWp)": "20000000"})),
        lambda: edited(lambda c: c.with_header(**{"DC Capacity (kWp)": "10000000"})),
    ),
    RuleCase(
        "overlap.temporal",
        lambda: batch(site("A", "-1.0", "36.0", MARCH), site("A", "-1.0", "36.0", MARCH)),
        lambda: batch(
            site("A", "-1.0", "36.0", MARCH), site("A", "-1.0", "36.0", MARCH + timedelta(days=1))
        ),
    ),
    RuleCase(
        "overlap.spatial",
        # 0.0009 deg of longitude at 60 deg N is 50 m.
        lambda: batch(site("A", "60.0", "10.0", MARCH), site("B", "60.0", "10.0009", MARCH)),
        # 0.0009 deg of latitude is 100.08 m: just outside the radius.
        lambda: batch(site("A", "60.0", "10.0", MARCH), site("B", "60.0009", "10.0", MARCH)),
    ),
    RuleCase(
        "project.static_mismatch",
        lambda: batch(
            site("A", "-1.0", "36.0", MARCH),
            site("A", "-1.0", "36.0", MARCH + timedelta(days=1)).with_header(
                **{"DC Capacity (kWp)": "12"}
            ),
        ),
        lambda: batch(
            site("A", "33.0", "-84.0", MARCH).with_header(**{"US State (if applicable)": "GA"}),
            site("A", "33.0", "-84.0", MARCH + timedelta(days=1)).with_header(
                **{"US State (if applicable)": "Georgia"}
            ),
        ),
    ),
]


def findings_of(report: BatchReport, rule: str) -> list:
    every = [item for r in report.files for item in r.findings] + report.cross_file
    return [item for item in every if item.rule == rule]


def test_every_rule_has_a_case() -> None:
    assert {case.rule for case in CASES} == set(RULES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_failing_batch_is_reported_with_the_rule(case: RuleCase) -> None:
    report = validate_sources(case.failing(), ValidationConfig())
    found = findings_of(report, case.rule)
    assert found, f"{case.rule} did not fire"
    assert {item.severity for item in found} == {case.severity}
    assert report.ok is (case.severity == Severity.WARNING)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_passing_batch_has_no_finding_of_the_rule(case: RuleCase) -> None:
    report = validate_sources(case.passing(), ValidationConfig())
    assert findings_of(report, case.rule) == []
    assert report.ok


def test_double_extension_name_is_flagged_but_rows_keep_their_offset() -> None:
    case = CsvCase()
    case.name = "TestSolar_2024-03-01T000000+0300_2024-03-03T230000+0300.csv.csv"
    report = validate_sources(batch(case), ValidationConfig())
    assert [f.rule for f in report.files[0].findings] == ["filename.timestamps"]
