"""Jobs: what a run materializes, and the stages that order them.

`rrec_main` is what `rrec run` and the README's first command run:
verification, reference tables, credits (mini-grid credits read whatever
meter partitions exist), the registry, and producer files' lots behind the
guard. Meter data is partitioned by (day, source) and runs as
`meter_reads_job`, from the schedule, the late-data sensor, a backfill or `rrec run`.
"""

from dataclasses import dataclass

import dagster as dg

from rrec_pipeline import tables

MAIN_JOB_NAME = "rrec_main"
METER_JOB_NAME = "meter_reads_job"
MINTING_JOB_NAME = "minting_job"
ANALYSTS_JOB_NAME = "analysts_job"

main_job = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.groups("verification", "reference", "credits", "registry")
    | dg.AssetSelection.assets(tables.FILE_LOTS.lots.key, tables.FILE_LOTS.issued),
    description="Validate submitted verification files, accept or quarantine each, "
    "compute the credits of accepted project-years, read the registry, and enter "
    "producer files' lots in the ledger behind the guard.",
)

meter_reads_job = dg.define_asset_job(
    METER_JOB_NAME,
    selection=dg.AssetSelection.groups("meter_reads"),
    description="Land a (day, source)'s new meter pages and normalise the day.",
)


ISSUANCE_TAG = "rrec/issuance"


def issuance_job_name(frequency: str) -> str:
    return f"issuance_{frequency}_job"


# One job per frequency: a period's lots, their files, their entry in the ledger.
issuance_jobs = [
    dg.define_asset_job(
        issuance_job_name(frequency),
        selection=dg.AssetSelection.assets(
            assets.lots.key,
            assets.lot_files.key,
            assets.issued,
        ),
        description=f"Plan, write and issue the {frequency} lots of one period.",
        tags={ISSUANCE_TAG: "ledger"},  # queued one at a time (dagster.yaml)
    )
    for frequency, assets in tables.ISSUANCE.items()
    if assets.lot_files
]

minting_job = dg.define_asset_job(
    MINTING_JOB_NAME,
    selection=dg.AssetSelection.groups("chain"),
    description="Publish issued lots, mint each exactly once, read the chain back.",
)

analysts_job = dg.define_asset_job(
    ANALYSTS_JOB_NAME,
    selection=dg.AssetSelection.groups("analysts"),
    description="Rebuild the analysts' DuckDB database from the warehouse and the ledger.",
)


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline's order: its jobs, its name for people, what triggers it.

    `rrec run` runs the stages in this order; the daemon runs each from its own
    trigger: the clock or new data (the schedules and the meter and drop
    sensors) for those without `after`, and a successful run of the stages
    named in `after` for the others (the run-status sensors of `sensors.py`).
    """

    name: str
    label: str
    jobs: tuple[str, ...]
    after: tuple[str, ...] = ()
    sensor: str | None = None  # the run-status sensor that starts it after `after`

    @property
    def announced(self) -> str | None:
        """What `rrec run` logs before a stage of one named job (the others log their runs)."""
        return f"{self.name} job" if len(self.jobs) == 1 and self.name != "meter" else None


STAGES = (
    Stage("meter", "meter data", (METER_JOB_NAME,)),
    Stage("main", "validation, reference tables, credits, registry", (MAIN_JOB_NAME,)),
    Stage("issuance", "issuance", tuple(job.name for job in issuance_jobs)),
    Stage(
        "minting",
        "publication, minting, chain read back",
        (MINTING_JOB_NAME,),
        after=("main", "issuance"),
        sensor="mint_after_issuance_sensor",
    ),
    Stage(
        "analysts",
        "DuckDB for analysts",
        (ANALYSTS_JOB_NAME,),
        after=("minting",),
        sensor="analysts_after_minting_sensor",
    ),
)
JOBS = {
    job.name: job for job in (main_job, meter_reads_job, *issuance_jobs, minting_job, analysts_job)
}


def jobs_of(names: tuple[str, ...]) -> list:
    return [JOBS[job] for s in STAGES if s.name in names for job in s.jobs]
