"""`rrec validate`: exit codes, JSON shape, and malformed input without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rrec_pipeline import cli
from rrec_pipeline.cli import main
from rrec_pipeline.validation.rules import RULES
from tests.builders import CsvCase


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """A real process, for the few smoke tests of the installed entry point."""
    return subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """`rrec ARGS` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_valid_file_exits_0_with_one_json_object_per_file(write_case, capsys) -> None:
    path = write_case(CsvCase())
    assert main(["validate", "--json", str(path)]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert record == {
        "file": str(path),
        "ok": True,
        "header_total_mwh": "0.135",
        "computed_total_mwh": "0.135",
        "certified_mwh": "0.135",
        "whole_rrecs": 0,
        "findings": [],
    }


def test_folder_is_searched_and_cross_file_findings_get_a_null_file(
    write_case, tmp_path: Path, capsys
) -> None:
    write_case(CsvCase(), tmp_path / "a")
    write_case(CsvCase(), tmp_path / "b" / "nested")
    assert main(["validate", "--json", str(tmp_path)]) == 1
    records = json.loads(capsys.readouterr().out)
    assert [r["file"] is None for r in records] == [False, False, True]
    assert [f["rule"] for f in records[-1]["findings"]] == ["overlap.temporal"]
    assert records[-1]["ok"] is False
    assert all(not r["ok"] for r in records[:2])  # both overlapping files are held


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def truncated(tmp_path: Path) -> Path:
    _, text = CsvCase().render()
    return write_bytes(
        tmp_path,
        "TestSolar_2024-03-01T000000+0300_2024-03-03T230000+0300.csv",
        text.encode()[: len(text) // 2],
    )


MALFORMED = {
    "empty": (lambda tmp: write_bytes(tmp, "e.csv", b""), "parse"),
    "binary": (lambda tmp: write_bytes(tmp, "b.csv", bytes(range(256)) * 4), "parse"),
    "truncated": (truncated, "consistency.total"),
    # Not a verification file at all: one `parse` finding, not a finding per missing row.
    "wrong header": (lambda tmp: write_bytes(tmp, "w.csv", b"a,b,c\n1,2,3\n"), "parse"),
    "html page": (
        lambda tmp: write_bytes(tmp, "h.csv", b"<html><body>404</body></html>\n"),
        "parse",
    ),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_input_gives_its_rule_and_exit_1_without_traceback(
    kind: str, tmp_path: Path, capsys
) -> None:
    make, rule = MALFORMED[kind]
    code, out, err = run_main(capsys, "validate", "--json", str(make(tmp_path)))
    assert code == 1
    assert "Traceback" not in err
    [record] = json.loads(out)
    assert rule in {f["rule"] for f in record["findings"]}
    assert record["ok"] is False


def test_the_installed_command_reports_malformed_input_without_traceback(tmp_path) -> None:
    result = run_cli("validate", "--json", str(write_bytes(tmp_path, "b.csv", bytes(range(256)))))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)[0]["findings"][0]["rule"] == "parse"


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "/nonexistent/x.csv"],
        ["validate", "--capacity-factor", "0", "x"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys) -> None:
    code, _, err = run_main(capsys, *args)
    assert code == 2
    assert "Traceback" not in err
    assert err.strip()


def test_the_installed_command_exits_2_on_usage_errors() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_empty_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = run_main(capsys, "validate", str(tmp_path))
    assert code == 2
    assert "no CSV files" in err


def test_human_output_names_rule_and_line(write_case, capsys) -> None:
    case = CsvCase()
    case.rows[12][1] = "99"
    assert main(["validate", str(write_case(case))]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "range.capacity" in out and "line 37:" in out


def test_gap_explanations_turn_a_gap_into_a_warning(write_case, tmp_path: Path, capsys) -> None:
    case = CsvCase()
    del case.rows[20:50]
    path = write_case(case)
    explanations = tmp_path / "gaps.csv"
    explanations.write_text(
        "project,start,end,reason\nTest Solar,2024-03-01,2024-03-02,inverter replaced\n"
    )
    assert main(["validate", "--json", str(path)]) == 1
    capsys.readouterr()
    assert main(["validate", "--json", "--gap-explanations", str(explanations), str(path)]) == 0
    [record] = json.loads(capsys.readouterr().out)
    [gap] = [f for f in record["findings"] if f["rule"] == "completeness.gap"]
    assert gap["severity"] == "warning" and "inverter replaced" in gap["message"]


def test_bad_gap_explanations_file_is_a_usage_error(write_case, tmp_path: Path, capsys) -> None:
    explanations = tmp_path / "gaps.csv"
    explanations.write_text("project,when\nX,today\n")
    code, _, err = run_main(
        capsys, "validate", "--gap-explanations", str(explanations), str(write_case(CsvCase()))
    )
    assert code == 2
    assert "missing columns" in err


def test_rules_are_listed_from_the_registry(capsys) -> None:
    assert main(["rules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [rule["rule"] for rule in listed] == list(RULES)
    assert {"rule": "range.capacity", "family": "range", "severity": "error"}.items() <= (
        next(r for r in listed if r["rule"] == "range.capacity").items()
    )


def test_rules_page_in_docs_is_generated_from_the_registry() -> None:
    from rrec_pipeline.cli.rules import rules_markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "validation-rules.md"
    assert page.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/validation-rules.md is stale: run `rrec rules --markdown > docs/validation-rules.md`"
    )


def test_control_characters_in_names_are_escaped_on_the_terminal(tmp_path: Path, capsys) -> None:
    _, text = CsvCase().render()
    (tmp_path / "Bad\nName\x1b[31m.csv").write_text(text)
    code, out, _ = run_main(capsys, "validate", str(tmp_path))
    assert code == 1
    assert "\x1b" not in out and "Bad\\nName\\x1b[31m.csv" in out
    assert "format.text" in out


def test_validation_asks_polars_allocator_to_hand_memory_back(write_case, monkeypatch) -> None:
    """Set before polars is imported (a subprocess sees it from the start); a value
    the user chose is kept."""
    path = write_case(CsvCase())
    variable, wanted = cli.ALLOCATOR
    monkeypatch.setenv(variable, "dirty_decay_ms:1000")
    assert main(["validate", str(path)]) == 0
    assert os.environ[variable] == "dirty_decay_ms:1000"
    monkeypatch.delenv(variable)
    assert main(["validate", str(path)]) == 0
    assert os.environ[variable] == wanted
