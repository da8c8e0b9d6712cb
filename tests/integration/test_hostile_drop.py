"""A drop folder of hostile files: each one quarantined with a named finding, the good
ones accepted, no traceback, nothing read from outside the folder, bounded memory."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from rrec_pipeline.build import build_defs
from tests.builders import CsvCase
from tests.hostile import HOSTILE, huge_single_line, link_to_outside

pytestmark = pytest.mark.integration
SECRET_LINE = "Project Name,the-content-of-a-file-outside-the-drop"


def good_files(drop: Path) -> list[str]:
    names = []
    for case in (
        CsvCase(),
        CsvCase().with_header(**{"Project Name": "Other Site", "Latitude": "-3.0"}),
    ):
        name, text = case.render()
        (drop / name).write_text(text)
        names.append(name)
    return names


def test_every_hostile_file_is_quarantined_with_its_rule_and_the_good_ones_flow(tmp_path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text(SECRET_LINE + "\n")
    good = good_files(drop)
    expected = dict(build(drop) for build in HOSTILE.values())
    name, rule = link_to_outside(drop, outside)
    expected[name] = rule
    result = (
        build_defs(home=tmp_path)
        .resolve_job_def("rrec_main")
        .execute_in_process(instance=dg.DagsterInstance.ephemeral())
    )
    assert result.success
    files = pl.read_parquet(tmp_path / "warehouse" / "core_verification__files" / "part.parquet")
    assert sorted(files.filter(pl.col("is_accepted"))["file"]) == sorted(good)
    findings = pl.read_parquet(
        tmp_path / "warehouse" / "core_verification__findings" / "part.parquet"
    )
    for file_name, rule in expected.items():
        rules = set(findings.filter(pl.col("file") == file_name)["rule"])
        assert rule in rules, (file_name, rules)
    entries = {
        json.loads((entry / "findings.json").read_text())["file"]: entry
        for entry in (tmp_path / "quarantine").iterdir()
    }
    assert set(entries) == set(expected)
    # The linked file was never read: not copied, not quoted anywhere.
    assert [p.name for p in entries["Linked.csv"].iterdir()] == ["findings.json"]
    everything = "".join(findings["message"]) + "".join(
        p.read_text(errors="replace") for e in entries.values() for p in e.iterdir()
    )
    assert "the-content-of-a-file-outside" not in everything
    assert max(findings["message"].str.len_chars()) < 700


def without_file_privileges(command: list[str]) -> list[str]:
    """Run `command` without the capabilities that let root read any file."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's file privileges")
    caps = ["--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all"]
    return ["setpriv", *caps, *command]


def test_an_unreadable_file_is_a_finding_and_the_rest_is_validated(tmp_path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    good = good_files(drop)
    locked = drop / "Locked.csv"
    locked.write_text(CsvCase().with_header(**{"Latitude": "-20.0"}).render()[1])
    locked.chmod(0o000)
    command = [sys.executable, "-m", "rrec_pipeline.cli", "validate", "--json", str(drop)]
    result = subprocess.run(
        without_file_privileges(command), capture_output=True, text=True, check=False
    )
    locked.chmod(0o644)
    assert "Traceback" not in result.stderr, result.stderr
    records = {Path(r["file"]).name: r for r in json.loads(result.stdout) if r["file"]}
    assert records["Locked.csv"]["findings"] == [
        {
            "rule": "parse",
            "severity": "error",
            "message": "cannot be read: Permission denied",
            "line": None,
            "field": None,
        }
    ]
    assert all(records[name]["ok"] for name in good)


@pytest.mark.parametrize("commas", [False, True])
def test_a_200_mb_line_is_a_finding_in_bounded_memory(tmp_path, commas: bool) -> None:
    name, _ = huge_single_line(tmp_path, commas=commas)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "validate", "--json", str(tmp_path / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [record] = json.loads(result.stdout)
    assert record["findings"][0]["rule"] == "parse" and record["findings"][0]["line"] == 1
    assert len(result.stdout) < 2_000, "no finding repeats the line"
    assert max(peak_kib, before) < 1024 * 1024, f"peak {peak_kib / 1024:.0f} MiB"


def test_links_inside_the_folder_are_read(tmp_path) -> None:
    drop = tmp_path / "drop"
    (drop / "real").mkdir(parents=True)
    names = good_files(drop / "real")
    os.symlink(drop / "real" / names[0], drop / "alias.csv")
    code = subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "validate", "--json", str(drop)],
        capture_output=True,
        text=True,
        check=False,
    )
    records = [r for r in json.loads(code.stdout) if r["file"]]
    assert {Path(r["file"]).name for r in records} == {"alias.csv", *names}
    assert all(r["findings"] == [] or r["findings"][0]["rule"] != "parse" for r in records)
