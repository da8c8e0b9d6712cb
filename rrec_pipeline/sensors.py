"""Sensors: react to what landed, not to the clock.

- `late_meter_data_sensor` asks for a (day, source) to be normalised again when
  its landed pages differ from those its partition was written from: a later
  fetch or a dropped file brought readings for it, or a run died before the
  partition was written and recorded. A run key per set of pages asks once.
- `producer_drop_sensor` runs the main job when the drop folder's files change.
- The run-status sensors chain the stages as `jobs.STAGES` orders them (the
  order `rrec run` follows): `mint_after_issuance_sensor` runs the minting job
  after any issuance job (or the main job, which issues producer files)
  succeeds, and `analysts_after_minting_sensor` rebuilds the analysts'
  database after it.
- `chain_transfers_sensor` reads the chain back when tokens move to the
  retirement or return wallet.
"""

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from rrec_pipeline.jobs import JOBS, MAIN_JOB_NAME, STAGES, Stage, jobs_of
from rrec_pipeline.meter_reads.days import stale_days
from rrec_pipeline.partitions import meter_partition_key
from rrec_pipeline.resources.chain.chain import Chain
from rrec_pipeline.resources.chain.evm import ChainError
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_sources import MeterSources
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder
from rrec_pipeline.tables import CHAIN_TRANSACTIONS, METER_ANOMALIES, METER_READS


@dg.sensor(
    asset_selection=dg.AssetSelection.assets(METER_READS.key, METER_ANOMALIES.key),
    minimum_interval_seconds=300,
    description="Re-normalise days whose pages changed since they were written (late data, "
    "or a run that died before writing or recording them).",
)
def late_meter_data_sensor(
    context: dg.SensorEvaluationContext, meter_sources: MeterSources, landing_zone: LandingZone
):
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    for source in meter_sources.configured():
        for day, pages in stale_days(source, landing_zone, yesterday).items():
            yield dg.RunRequest(
                partition_key=meter_partition_key(day, source),
                run_key=f"stale-{source}-{day}-{pages[:16]}",
            )


def drop_fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of the drop folder's CSVs, hashed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.csv")) if folder.is_dir() else []:
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job_name=MAIN_JOB_NAME,
    minimum_interval_seconds=60,
    description="Validate (and issue) producer files when the drop folder changes.",
)
def producer_drop_sensor(context: dg.SensorEvaluationContext, submission_folder: SubmissionFolder):
    fingerprint = drop_fingerprint(Path(submission_folder.path))
    if fingerprint == context.cursor:
        return dg.SkipReason("the drop folder has not changed")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=f"drop-{fingerprint[:16]}")


def _after(stage: Stage) -> dg.RunStatusSensorDefinition:
    """Run `stage` after any successful run of the stages it follows (`jobs.STAGES`), once per
    run (`mint-after-<run>`: the run key is the sensor's name up to `_after`)."""
    prefix = stage.sensor.split("_after")[0]

    @dg.run_status_sensor(
        name=stage.sensor,
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=jobs_of(stage.after),
        request_job=JOBS[stage.jobs[0]],
        description=f"Run {stage.label} after a successful run of {' or '.join(stage.after)}.",
    )
    def _sensor(context: dg.RunStatusSensorContext):
        return dg.RunRequest(run_key=f"{prefix}-after-{context.dagster_run.run_id}")

    return _sensor


AFTER_SENSORS = {s.name: _after(s) for s in STAGES if s.after}
mint_after_issuance_sensor = AFTER_SENSORS["minting"]
analysts_after_minting_sensor = AFTER_SENSORS["analysts"]


@dg.sensor(
    asset_selection=dg.AssetSelection.assets(CHAIN_TRANSACTIONS.key, "out_analysts__duckdb"),
    minimum_interval_seconds=600,
    description="Read the chain back when R-RECs move to the retirement or return wallet.",
)
def chain_transfers_sensor(context: dg.SensorEvaluationContext, chain: Chain):
    wallets = {w.lower() for w in (chain.retirement_wallet, chain.return_wallet) if w}
    if not wallets or not chain.addresses():
        return dg.SkipReason("no retirement or return wallet, or no contract, configured")
    since = int(context.cursor or 0)
    try:
        with chain.connect() as node:
            newest = node.block_number()
            moved = [
                event
                for address in chain.addresses().values()
                if newest > since and node.has_code(address)
                for event in node.events(address, "Transfer", from_block=since + 1)
                if event["to"].lower() in wallets
            ]
    except (ChainError, OSError) as error:
        return dg.SkipReason(f"the chain is unreachable: {error}")
    context.update_cursor(str(newest))
    if not moved:
        return dg.SkipReason(f"no retirement or return up to block {newest}")
    return dg.RunRequest(run_key=f"transfers-{since}-{newest}")
