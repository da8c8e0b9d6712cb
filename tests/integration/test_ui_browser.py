"""The Dagster UI on the demo's instance in a real browser (Debian chromium, driven by
Playwright): the asset graph, the failing check that says which lot of an issuance
period is held and why (so ops see it without reading a log), and the runs' status,
all successful: a hold is no failure. Screenshots are kept as test artifacts
(RREC_TEST_ARTIFACTS, else under tmp_path); a console error fails the test."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.integration.test_rrec_run import _graphql_when_up, stop_ui

pytestmark = [pytest.mark.integration, pytest.mark.runtime(11)]
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ["1-asset-graph.png", "2-held-lots-check.png", "3-runs.png"]


@pytest.fixture
def held_back_home(demo_runs, tmp_path) -> tuple[Path, Path]:
    """A copy of the demo's home (the UI's daemon may start runs): its April mini-grid lot
    is held (three days without readings), so the ledger, publication and minting never
    saw it, and `no_lot_held` says so for the April period."""
    home = tmp_path / "rrec"
    shutil.copytree(demo_runs.home, home, symlinks=True)
    return home, home / "dagster_home"


def test_the_ui_shows_the_graph_the_held_lots_check_and_run_status(
    held_back_home, tmp_path
) -> None:
    home, dagster_home = held_back_home
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    ui = subprocess.Popen(
        [str(ROOT / "scripts" / "ui"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env={**env, "RREC_HOME": str(home), "DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    shots = Path(os.environ.get("RREC_TEST_ARTIFACTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        _graphql_when_up(port, "{ version }")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            try:
                _walk(page, f"http://127.0.0.1:{port}", shots)
            except Exception:  # keep what the browser showed, then fail
                page.screenshot(path=str(shots / "failure.png"), full_page=True)
                raise
            finally:
                browser.close()
        assert errors == [], errors
        assert all((shots / name).stat().st_size > 10_000 for name in SHOTS)
    finally:
        stop_ui(ui)


def _walk(page, base: str, shots: Path) -> None:
    """Graph, failing check, runs: the three things ops look at first."""
    page.goto(f"{base}/assets/out_issuance__monthly_lot_files?view=lineage")
    _skip_welcome(page)
    page.get_by_text("issuance", exact=True).first.wait_for(timeout=60_000)
    page.get_by_text("registry", exact=True).first.wait_for()
    page.get_by_text(re.compile("monthly_lots$")).first.wait_for()  # long names are elided
    page.get_by_text(re.compile("_issued$")).first.wait_for()
    page.screenshot(path=str(shots / SHOTS[0]))

    page.goto(f"{base}/assets/out_issuance__monthly_issued?view=checks")
    page.get_by_text("no_lot_held").first.click(timeout=60_000)
    page.get_by_text("This is a non-blocking asset check.").first.wait_for(timeout=30_000)
    page.get_by_text("Failed").first.wait_for()
    page.get_by_text("2025-04-01").first.wait_for()
    page.get_by_text("[Show Markdown]").first.click()
    page.get_by_text("completeness.gap").first.wait_for(timeout=30_000)
    page.get_by_text(re.compile("has no reads for 72.0 h")).first.wait_for()
    page.wait_for_timeout(800)  # the dialog fades in
    page.screenshot(path=str(shots / SHOTS[1]))
    page.keyboard.press("Escape")

    page.goto(f"{base}/runs")
    page.get_by_text("issuance_monthly_job").first.wait_for(timeout=60_000)
    page.get_by_text("Success").first.wait_for()
    page.get_by_text("rrec_main").first.wait_for()
    assert page.get_by_text("Failure").count() == 0, "a held lot fails no run"
    page.screenshot(path=str(shots / SHOTS[2]))


def _skip_welcome(page) -> None:
    """Dismiss the first-visit community dialog if the UI shows it."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=5_000)
    except Exception:
        return
    skip.click()
