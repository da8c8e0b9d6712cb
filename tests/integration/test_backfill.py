"""A backfill of past issuance windows launched as the UI launches it (GraphQL
`launchPartitionBackfill` on `dagster dev`, runs started by its daemon), twice: the
second issues nothing and leaves the ledger as it was."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.runs import open_instance
from tests.integration.test_issuance_assets import home_with_reads
from tests.integration.test_rrec_run import _clean_env, _graphql_when_up, stop_ui

pytestmark = [pytest.mark.integration, pytest.mark.runtime(90)]
ROOT = Path(__file__).resolve().parents[2]
# Two periods: enough for a backfill of several (issued in order, one run at a time);
# each run is a process of its own, so a third only added a minute.
PERIODS = ["2024-01-01", "2024-02-01"]
LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status partitionStatuses { results { partitionName runStatus } } }
  }
}"""


def backfill(port: int) -> dict[str, str]:
    """Launch the periods' backfill of `issuance_monthly_job`; partition -> the status
    its run ended with."""
    params = {
        "selector": {
            "partitionSetName": "issuance_monthly_job_partition_set",
            "repositorySelector": {
                "repositoryLocationName": "rrec_pipeline",
                "repositoryName": "__repository__",
            },
        },
        "partitionNames": PERIODS,
    }
    launched = _graphql_when_up(port, LAUNCH, variables={"params": params})
    result = launched["data"]["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", result
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        answer = _graphql_when_up(port, STATUS, variables={"id": result["backfillId"]})
        found = answer["data"]["partitionBackfillOrError"]
        statuses = {
            r["partitionName"]: r["runStatus"] for r in found["partitionStatuses"]["results"]
        }
        # Every period's run has ended: the daemon marks the backfill completed on its
        # next tick, up to 30 s later, which the claim does not need.
        if set(statuses) == set(PERIODS) and set(statuses.values()) <= {"SUCCESS", "FAILURE"}:
            return statuses
        time.sleep(2)
    raise AssertionError(f"the backfill did not complete: {found}")


def test_a_ui_backfill_of_issued_windows_issues_nothing_twice(tmp_path) -> None:
    home = home_with_reads(tmp_path, "monthly")
    dagster_home = home / "dagster_home"
    instance = open_instance(dagster_home)
    main = build_defs(home=home).resolve_job_def("rrec_main")
    assert main.execute_in_process(instance=instance).success
    instance.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ui = subprocess.Popen(
        [str(ROOT / "scripts" / "ui"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env={**_clean_env(), "RREC_HOME": str(home), "DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    try:
        assert backfill(port) == dict.fromkeys(PERIODS, "SUCCESS")
        first = ledger.issued_lots()
        assert sorted(first["window_label"].dt.month().unique()) == [1, 2]
        assert first.height == 8
        assert backfill(port) == dict.fromkeys(PERIODS, "SUCCESS")
        assert ledger.issued_lots().equals(first), "the second backfill changed the ledger"
        certified = ledger.certified_reads()
        assert (
            certified.height == certified.unique(["source", "device_id", "interval_start"]).height
        )
    finally:
        stop_ui(ui)
