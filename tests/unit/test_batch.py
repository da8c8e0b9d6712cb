"""The batch validator: a file that breaks a rule's code never takes the batch down."""

from __future__ import annotations

import pytest

from rrec_pipeline.validation import batch, file_rules
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.config import ValidationConfig
from tests.builders import CsvCase


def crashes_on_broken_site(file, _config):
    if file.header.project_name == "Broken Site":
        raise ZeroDivisionError("boom")
    return []


def test_a_crashing_rule_isolates_the_file_it_crashed_on(monkeypatch, caplog) -> None:
    monkeypatch.setattr(file_rules, "FILE_RULES", (*file_rules.FILE_RULES, crashes_on_broken_site))
    good = CsvCase()
    bad = CsvCase().with_header(**{"Project Name": "Broken Site", "Latitude": "-5.0"})
    report = validate_sources(
        [(n, t.encode()) for n, t in (good.render(), bad.render())], ValidationConfig()
    )
    assert [r.ok for r in report.files] == [True, False]
    [finding] = report.files[1].findings
    assert finding.rule == "parse" and "ZeroDivisionError: boom" in finding.message
    assert "validating BrokenSite" in caplog.text


@pytest.mark.parametrize("count", [0, 1, 3])
def test_batch_of_any_size_reports_every_file(count: int) -> None:
    cases = [
        CsvCase().with_header(**{"Project Name": f"Site {i}", "Latitude": f"-{i}.0"})
        for i in range(count)
    ]
    report = validate_sources(
        [(n, t.encode()) for n, t in (c.render() for c in cases)], ValidationConfig()
    )
    assert len(report.files) == count and report.ok


def test_batches_report_as_one_and_may_let_the_rows_go(monkeypatch) -> None:
    """Files split over several batches give the report one batch gives, and with
    `keep_rows=False` the reports keep totals and findings but no rows."""
    cases = [
        CsvCase().with_header(**{"Project Name": f"Site {i}", "Latitude": f"-{i}.0"})
        for i in range(5)
    ]
    cases[2].rows[4][1] = "lots"  # an error in the middle batch
    sources = [(n, t.encode()) for n, t in (c.render() for c in cases)]
    whole = validate_sources(sources, ValidationConfig())
    monkeypatch.setattr(batch, "BATCH_FILES", 2)
    split = validate_sources(sources, ValidationConfig(), keep_rows=False)
    assert split.to_json() == whole.to_json()
    assert [r.ok for r in split.files] == [True, True, False, True, True]
    assert all(r.file.readings.is_empty() for r in split.files)
    assert all(not r.file.readings.is_empty() for r in whole.files)
