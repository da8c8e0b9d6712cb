"""`rrec fetch`: credentials from the environment, output in the normalised schema."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from rrec_pipeline.cli import main
from rrec_pipeline.schemas.meter_reads import MeterReads
from tests.fakes.dataset import households_and_shop
from tests.fakes.enphase import FakeEnphase
from tests.fakes.steamaco import FakeSteamaCo
from tests.integration.test_meter_files import make_drop

pytestmark = [pytest.mark.integration, pytest.mark.runtime(11)]


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def fetch(monkeypatch, capsys):
    """`rrec fetch` in this process, with `env` as the only RREC_* settings."""

    def run(source: str, out: Path, env: dict[str, str], start="2025-03-14", end="2025-03-15"):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        args = ["fetch", source, "--start", start, "--end", end, "--out", str(out)]
        try:
            code = main(args)
        except SystemExit as exit_:
            code = exit_.code
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


def test_fetch_writes_the_normalised_table(fetch, httpserver, tmp_path: Path) -> None:
    fake = FakeSteamaCo(httpserver, households_and_shop())
    out = tmp_path / "reads.parquet"
    result = fetch(
        "steamaco", out, {"RREC_STEAMACO_URL": fake.url, "RREC_STEAMACO_TOKEN": fake.token}
    )
    assert result.returncode == 0, result.stderr
    reads = pl.read_parquet(out)
    assert reads.columns == list(MeterReads.to_schema().columns)
    MeterReads.validate(reads)
    daily = reads.group_by("device_id", pl.col("interval_start").dt.date().alias("day")).agg(
        pl.col("wh").sum()
    )
    expected = households_and_shop().daily_totals()
    assert {(d, day): wh for d, day, wh in daily.iter_rows()} == expected
    assert "wrote 144 reads for 3 devices" in result.stderr


def test_fetch_with_a_bad_token_exits_1_naming_source_and_endpoint(
    fetch, httpserver, tmp_path: Path
) -> None:
    fake = FakeEnphase(httpserver, households_and_shop())
    result = fetch(
        "enphase",
        tmp_path / "r.parquet",
        {
            "RREC_ENPHASE_URL": fake.url,
            "RREC_ENPHASE_TOKEN": "expired-bearer",
            "RREC_ENPHASE_SECRET": fake.key,
        },
    )
    assert result.returncode == 1
    assert (
        "failed 2025-03-14: enphase /api/v4/systems: credentials rejected (HTTP 401)"
        in result.stderr
    )
    assert "expired-bearer" not in result.stderr and fake.key not in result.stderr
    assert "Traceback" not in result.stderr


def test_fetch_without_credentials_names_exactly_what_is_missing(fetch, tmp_path: Path) -> None:
    result = fetch("victron", tmp_path / "r.parquet", {})
    assert result.returncode == 2
    assert "not configured: set RREC_VICTRON_TOKEN (the API token)" in result.stderr
    assert "RREC_VICTRON_URL" not in result.stderr, "the URL has a default: it is optional"
    result = fetch("enphase", tmp_path / "r.parquet", {"RREC_ENPHASE_TOKEN": "t"})
    assert result.returncode == 2
    assert "set RREC_ENPHASE_SECRET (the application API key)" in result.stderr
    assert "RREC_ENPHASE_TOKEN" not in result.stderr


def test_a_date_that_is_not_one_names_the_format(fetch, tmp_path: Path) -> None:
    result = fetch("files", tmp_path / "r.parquet", {}, start="2024-13-01")
    assert result.returncode == 2
    assert "'2024-13-01' is not a date: expected YYYY-MM-DD" in result.stderr


def test_an_unreachable_host_is_named_once_and_not_asked_again(fetch, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch(
        "steamaco",
        tmp_path / "r.parquet",
        {"RREC_STEAMACO_URL": f"http://127.0.0.1:{port}", "RREC_STEAMACO_TOKEN": "tok-4711"},
        start="2025-03-01",
        end="2025-03-07",
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"[1/7] steamaco 2025-03-01: failed: steamaco /sites/: cannot connect to "
        f"127.0.0.1:{port}: Connection refused"
    )
    assert result.stderr.count("Connection refused") == 2  # the progress line and the summary
    assert "failed 6 later day(s) not fetched: the host is unreachable" in result.stderr


def test_fetch_shows_progress_per_day(fetch, httpserver, tmp_path: Path) -> None:
    fake = FakeSteamaCo(httpserver, households_and_shop())
    result = fetch(
        "steamaco",
        tmp_path / "r.parquet",
        {"RREC_STEAMACO_URL": fake.url, "RREC_STEAMACO_TOKEN": fake.token},
    )
    assert "[1/2] steamaco 2025-03-14: 72 reads" in result.stderr
    assert "[2/2] steamaco 2025-03-15: 72 reads" in result.stderr


def test_files_default_to_the_meter_drop_under_rrec_home(fetch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_drop(home / "meter_drop")
    result = fetch(
        "files",
        tmp_path / "f.parquet",
        {"RREC_HOME": str(home)},
        start="2025-03-09",
        end="2025-03-10",
    )
    assert "wrote 51 reads" in result.stderr
    assert {"site-a:main", "M1"} <= set(pl.read_parquet(tmp_path / "f.parquet")["device_id"])


def test_fetch_reads_a_file_drop_from_rrec_files_url(fetch, tmp_path: Path) -> None:
    drop = make_drop(tmp_path / "drop")
    out = tmp_path / "files.parquet"
    result = fetch(
        "files", out, {"RREC_FILES_URL": f"file://{drop}"}, start="2025-03-09", end="2025-03-10"
    )
    assert result.returncode == 1, "the drop holds two files that are rejected"
    rejected = [line for line in result.stderr.splitlines() if line.startswith("failed rejected")]
    assert rejected == [
        "failed rejected files generic/site-b/broken.csv line 4: 'lots' is not a number",
        "failed rejected files stray.csv: put files under <vendor>/<site_id>/ with vendor one "
        "of generic, steamaco, sparkmeter, solaredge",
    ]
    reads = pl.read_parquet(out)
    assert set(reads["source"]) == {"files"}
    assert {"site-a:main", "M1"} <= set(reads["device_id"])


def test_an_unknown_source_is_a_usage_error_listing_the_sources(fetch, tmp_path: Path) -> None:
    result = fetch("solarman", tmp_path / "r.parquet", {})
    assert result.returncode == 2
    assert "unknown source 'solarman': one of steamaco, sparkmeter, enphase" in result.stderr
