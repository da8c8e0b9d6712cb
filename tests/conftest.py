"""Shared fixtures: isolation from the user's work, the real corpus, file writers.

Every test runs with `RREC_HOME` in its own temporary folder and no pipeline
settings inherited from the shell, and fails if it creates or changes a file
in the checkout (caches aside): tests never touch the user's work.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from tests.builders import CsvCase

# Hypothesis keeps its example database and caches out of the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="rrec-hypothesis-"))
settings.register_profile("rrec", database=None)
settings.load_profile("rrec")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("RREC_CORPUS", ROOT.parent / "shared" / "corpus"))
REFERENCE_EXTRACTS = Path(
    os.environ.get("RREC_REFERENCE_EXTRACTS", ROOT.parent / "shared" / "reference_data")
)
CORPUS_FILES = CORPUS / "renewvia_verification_data"
CORPUS_CHAIN = CORPUS / "renewvia_onchain_transactions.json"

# Settings of the test run itself, kept; every other RREC_* variable is cleared.
TEST_SETTINGS = ("RREC_REQUIRE_POSTGRES", "RREC_CORPUS", "RREC_REFERENCE_EXTRACTS", "RREC_TEST_")
# Folders the checkout may gain during a run: environments, caches, install metadata.
NOT_WORK = {".git", ".venv", "node_modules", "__pycache__", ".ruff_cache", "rrec_pipeline.egg-info"}


def checkout_state(root: Path = ROOT) -> dict[str, tuple[int, int]]:
    """Relative path -> (mtime, size) of every file in the checkout outside `NOT_WORK`."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in NOT_WORK]
        for name in files:
            path = Path(folder, name)
            stat = path.lstat()
            state[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return state


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook; pytest runs without it too
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (`scripts/test`): a worker per core, and one more when integration tests
    run, as they often wait (on a node, a daemon's tick, a subprocess) where the unit
    tier alone keeps the cores busy."""
    cores = os.cpu_count() or 1
    unit = (ROOT / "tests" / "unit").resolve()
    paths = [Path(arg.split("::")[0]).resolve() for arg in config.args] or [ROOT / "tests"]
    return cores if all(path.is_relative_to(unit) for path in paths) else cores + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest test files first (their `runtime` marker), the rest as collected: the
    workers (`scripts/test` keeps this order) then end together, not one alone on a
    file of a few long tests started last."""

    def runtime(item: pytest.Item) -> float:
        marker = item.get_closest_marker("runtime")
        return marker.args[0] if marker else 0

    items.sort(key=lambda item: -runtime(item))


@pytest.fixture(autouse=True)
def isolated_from_the_users_work(monkeypatch, tmp_path_factory):
    for name in list(os.environ):
        is_setting = name.startswith("RREC_") or name == "DAGSTER_HOME"
        if is_setting and not name.startswith(TEST_SETTINGS):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RREC_HOME", str(tmp_path_factory.mktemp("rrec_home")))


@pytest.fixture(scope="module", autouse=True)
def checkout_untouched(request):
    """Fails the test file that created or changed a file in the checkout. Once per file,
    not per test: walking the checkout twice per test was a quarter of the unit tier."""
    before = checkout_state()
    yield
    after = checkout_state()
    touched = sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
    if touched:
        pytest.fail(
            f"a test of {request.module.__name__} created or changed files in the checkout: "
            f"{touched[:10]}"
        )


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
