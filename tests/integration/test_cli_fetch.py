"""`rrec fetch`: credentials from the environment, output in the normalised schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from rrec_pipeline.schemas.meter_reads import MeterReads
from tests.fakes.dataset import households_and_shop
from tests.fakes.enphase import FakeEnphase
from tests.fakes.steamaco import FakeSteamaCo
from tests.integration.test_meter_files import make_drop

pytestmark = pytest.mark.integration


def fetch(source: str, out: Path, env: dict[str, str], start="2025-03-14", end="2025-03-15"):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RREC_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "rrec_pipeline.cli",
            "fetch",
            source,
            "--start",
            start,
            "--end",
            end,
            "--out",
            str(out),
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_fetch_writes_the_normalised_table(httpserver, tmp_path: Path) -> None:
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
        pl.col("kwh").sum().round(6)
    )
    expected = households_and_shop().daily_totals()
    assert {(d, day): kwh for d, day, kwh in daily.iter_rows()} == expected
    assert "wrote 144 reads for 3 devices" in result.stderr


def test_fetch_with_a_bad_token_exits_1_naming_source_and_endpoint(
    httpserver, tmp_path: Path
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


def test_fetch_without_credentials_is_a_usage_error(tmp_path: Path) -> None:
    result = fetch("victron", tmp_path / "r.parquet", {})
    assert result.returncode == 2
    assert "set RREC_VICTRON_URL and RREC_VICTRON_TOKEN" in result.stderr


def test_fetch_reads_a_file_drop_from_rrec_files_url(tmp_path: Path) -> None:
    drop = make_drop(tmp_path / "drop")
    out = tmp_path / "files.parquet"
    result = fetch(
        "files", out, {"RREC_FILES_URL": f"file://{drop}"}, start="2025-03-09", end="2025-03-10"
    )
    assert result.returncode == 0, result.stderr
    reads = pl.read_parquet(out)
    assert set(reads["source"]) == {"files"}
    assert {"site-a:main", "M1"} <= set(reads["device_id"])
