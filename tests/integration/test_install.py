"""A user's install (`pip install .`, no checkout beside it) carries what the commands
read: the reviewed reference tables travel in the wheel, so `rrec validate` finds the
US state names there as in a checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.runtime(10)]
ROOT = Path(__file__).resolve().parents[2]


def copy_of_the_checkout(target: Path) -> Path:
    """The committed files (links kept as links), so the build writes nothing here."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, copy = ROOT / name, target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            copy.symlink_to(source.readlink())
        elif source.is_file():
            shutil.copy2(source, copy)
    return target


def test_the_wheel_carries_every_reference_table(tmp_path) -> None:
    source = copy_of_the_checkout(tmp_path / "source")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("rrec_pipeline-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tables = sorted(path.name for path in (ROOT / "reference_data").glob("*.csv"))
    assert "us_states.csv" in tables
    assert {f"rrec_pipeline/reference_data/{name}" for name in tables} <= names
