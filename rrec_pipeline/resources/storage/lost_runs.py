"""Runs whose process is gone: found, marked failed, and never allowed to write.

A run killed with `kill -9` cannot report its own end, so it would stay
STARTED forever, and a step worker it had started could go on writing
outputs. The process that started a run is in its RUN_START event; on a
local instance (SQLite, one machine) a run whose process no longer exists is
lost. `rrec run` marks lost runs failed (returning any concurrency-pool slot
they held) before it starts, and the Parquet IO
manager refuses to write for a run that is not live. On a shared PostgreSQL
instance Dagster's own run monitoring (the daemon) does this.
"""

from __future__ import annotations

import os

import dagster as dg
from dagster._core.storage.runs.sqlite import SqliteRunStorage

IN_FLIGHT = (dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def started_by(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The process id that started the run (from its RUN_START event), if recorded."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    return records[0].event_log_entry.dagster_event.pid if records else None


def is_lost(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    """In flight on this machine's instance, but the process that started it is gone."""
    if run.status not in IN_FLIGHT or not isinstance(instance.run_storage, SqliteRunStorage):
        return False
    pid = started_by(instance, run.run_id)
    return pid is not None and not _process_alive(pid)


def is_live(instance: dg.DagsterInstance, run_id: str) -> bool:
    run = instance.get_run_by_id(run_id)
    return run is not None and run.status in IN_FLIGHT and not is_lost(instance, run)


def fail_lost_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark every lost run failed; returns their ids."""
    lost = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=list(IN_FLIGHT))):
        if is_lost(instance, run):
            instance.report_run_failed(run, "the process running it is gone (killed?)")
            # A killed run never returns the pool slot it held (minting's `rrec_chain`).
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            lost.append(run.run_id)
    return lost
