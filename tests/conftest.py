"""Shared fixtures: the real registry corpus (skipped when absent) and file writers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.builders import CsvCase

CORPUS = Path(
    os.environ.get("RREC_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
CORPUS_FILES = CORPUS / "renewvia_verification_data"
CORPUS_CHAIN = CORPUS / "renewvia_onchain_transactions.json"


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    if not CORPUS_FILES.is_dir():
        pytest.skip(f"real registry corpus not found at {CORPUS_FILES} (set RREC_CORPUS)")
    return sorted(CORPUS_FILES.glob("*.csv"))


@pytest.fixture(scope="session")
def corpus_contracts() -> list[dict]:
    if not CORPUS_CHAIN.is_file():
        pytest.skip(f"on-chain record not found at {CORPUS_CHAIN} (set RREC_CORPUS)")
    return json.loads(CORPUS_CHAIN.read_text(encoding="utf-8"))


@pytest.fixture
def write_case(tmp_path: Path):
    """Write a CsvCase into tmp_path and return its path."""

    def write(case: CsvCase, folder: Path | None = None) -> Path:
        name, text = case.render()
        target = (folder or tmp_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    return write
