"""Meter assets in Dagster: (day, source) partitions fail and re-run on their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.meters.enphase import Enphase
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_files import MeterFileDrop
from rrec_pipeline.resources.meters.meter_sources import MeterSources
from rrec_pipeline.resources.meters.sparkmeter import SparkMeter
from rrec_pipeline.resources.meters.steamaco import SteamaCo
from rrec_pipeline.resources.meters.victron import Victron
from rrec_pipeline.resources.storage.io_managers import ParquetIOManager
from rrec_pipeline.schedules import daily_meter_requests
from rrec_pipeline.sensors import late_meter_data_sensor
from tests.fakes.dataset import households_and_shop
from tests.fakes.steamaco import FakeSteamaCo
from tests.integration.test_meter_files import make_drop

pytestmark = pytest.mark.integration
FAST = {"requests_per_second": 1000.0, "backoff_seconds": 0.0}


def resources(tmp_path: Path, steamaco: SteamaCo) -> dict:
    drop = tmp_path / "drop"
    if not drop.exists():
        make_drop(drop)
    return {
        "meter_sources": MeterSources(
            steamaco=steamaco,
            sparkmeter=SparkMeter(),
            enphase=Enphase(),
            victron=Victron(),
            files=MeterFileDrop(path=str(drop)),
        ),
        "landing_zone": LandingZone(path=str(tmp_path / "landing")),
        "io_manager": ParquetIOManager(base_dir=str(tmp_path / "warehouse")),
    }


def run(tmp_path: Path, steamaco: SteamaCo, key: str, instance: dg.DagsterInstance):
    job = build_defs(resources(tmp_path, steamaco)).resolve_job_def("meter_reads_job")
    return job.execute_in_process(partition_key=key, instance=instance, raise_on_error=False)


@pytest.fixture
def steamaco_server(httpserver):
    return FakeSteamaCo(httpserver, households_and_shop())


def test_partitions_land_and_fail_independently(tmp_path, steamaco_server) -> None:
    instance = dg.DagsterInstance.ephemeral()
    good = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    # A fresh resource: Dagster rebuilds resources from their config, which
    # pydantic's model_copy(update=...) does not change.
    bad = SteamaCo(base_url=steamaco_server.url, token="revoked-token", **FAST)
    files = run(tmp_path, bad, "2025-03-10|files", instance)
    failed = run(tmp_path, bad, "2025-03-14|steamaco", instance)
    landed = run(tmp_path, good, "2025-03-15|steamaco", instance)
    assert files.success and landed.success and not failed.success
    [failure] = [e for e in failed.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.message
    assert "steamaco /sites/: credentials rejected (HTTP 401)" in message
    assert "revoked-token" not in message
    checks = {
        (e.asset_key.to_user_string(), e.asset_check_key.name): e.passed
        for e in landed.get_asset_check_evaluations()
    }
    assert checks == {
        ("core_meter__reads", "schema"): True,
        ("core_meter__anomalies", "schema"): True,
        ("core_meter__reads", "meter_reads_do_not_overlap"): True,
        ("core_meter__anomalies", "meter_anomalies_reviewed"): True,
    }
    parquet = (
        tmp_path
        / "warehouse"
        / "core_meter__reads"
        / "source=steamaco"
        / "date=2025-03-15"
        / "part.parquet"
    )
    reads = pl.read_parquet(parquet)
    expected = households_and_shop().daily_totals()
    assert reads["wh"].sum() == sum(wh for (_, d), wh in expected.items() if d == date(2025, 3, 15))


def test_the_warehouse_is_hive_partitioned_for_duckdb(tmp_path, steamaco_server) -> None:
    instance = dg.DagsterInstance.ephemeral()
    source = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    for key in ("2025-03-14|steamaco", "2025-03-15|steamaco", "2025-03-10|files"):
        assert run(tmp_path, source, key, instance).success
    pattern = tmp_path / "warehouse" / "core_meter__reads" / "**" / "*.parquet"
    partitions = duckdb.sql(
        f"select source, cast(date as varchar) as day, count(*) as reads, sum(wh) as wh "
        f"from read_parquet('{pattern}', hive_partitioning = true) "
        "group by all order by all"
    ).fetchall()
    totals = households_and_shop().daily_totals()
    day_wh = {d: sum(wh for (_, day), wh in totals.items() if day == d) for _, d in totals}
    assert partitions[1:] == [
        ("steamaco", "2025-03-14", 72, day_wh[date(2025, 3, 14)]),
        ("steamaco", "2025-03-15", 72, day_wh[date(2025, 3, 15)]),
    ]
    assert partitions[0][:2] == ("files", "2025-03-10")


def test_rerunning_a_partition_writes_the_same_table(tmp_path, steamaco_server) -> None:
    instance = dg.DagsterInstance.ephemeral()
    source = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    path = (
        tmp_path
        / "warehouse"
        / "core_meter__reads"
        / "source=steamaco"
        / "date=2025-03-14"
        / "part.parquet"
    )
    run(tmp_path, source, "2025-03-14|steamaco", instance)
    first = pl.read_parquet(path)
    requests_before = len(steamaco_server.requests)
    run(tmp_path, source, "2025-03-14|steamaco", instance)
    assert pl.read_parquet(path).equals(first)
    assert len(steamaco_server.requests) == requests_before, "a complete day asks nothing"


def test_late_file_data_triggers_the_earlier_days(tmp_path, steamaco_server) -> None:
    instance = dg.DagsterInstance.ephemeral()
    source = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    assert run(tmp_path, source, "2025-03-10|files", instance).success
    sensor_resources = {
        "landing_zone": resources(tmp_path, source)["landing_zone"],
        "meter_sources": resources(tmp_path, source)["meter_sources"],
    }

    def evaluate() -> list[dg.RunRequest]:
        with dg.build_sensor_context(instance=instance, resources=sensor_resources) as context:
            return list(late_meter_data_sensor(context))

    requests = evaluate()
    # The drop's March file runs from 03-08 to 03-11 (New York time); the run wrote 03-10.
    stale = {r.partition_key for r in requests}
    assert stale == {"2025-03-08|files", "2025-03-09|files", "2025-03-11|files"}
    keys = {r.run_key for r in evaluate()}
    assert keys == {r.run_key for r in requests}, "the same pages: the same run keys, asked once"
    for request in requests:
        assert run(tmp_path, source, str(request.partition_key), instance).success
    assert evaluate() == [], "written and recorded: nothing stale"


def test_the_daily_schedule_asks_yesterday_and_unsettled_days(tmp_path) -> None:
    landing = LandingZone(path=str(tmp_path / "landing"))
    sources = MeterSources(
        steamaco=SteamaCo(token="t"),
        sparkmeter=SparkMeter(),
        enphase=Enphase(),
        victron=Victron(token="v"),
        files=MeterFileDrop(path=""),
    )
    requests = daily_meter_requests(sources, landing, date(2025, 3, 20))
    keys = {r.partition_key for r in requests}
    assert "2025-03-19|steamaco" in keys and "2025-03-13|victron" in keys
    assert not any(k.endswith(("|enphase", "|sparkmeter", "|files")) for k in keys)


def test_tokens_never_reach_the_dagster_event_log(tmp_path, steamaco_server) -> None:
    instance = dg.DagsterInstance.ephemeral()
    good = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    bad = SteamaCo(base_url=steamaco_server.url, token="revoked-token-999", **FAST)
    runs = [
        run(tmp_path, good, "2025-03-14|steamaco", instance),
        run(tmp_path, bad, "2025-03-15|steamaco", instance),
    ]
    for result in runs:
        for record in instance.all_logs(result.run_id):
            text = str(record)
            assert steamaco_server.token not in text and "revoked-token-999" not in text


def run_range(tmp_path: Path, steamaco: SteamaCo, first: str, last: str, instance):
    job = build_defs(resources(tmp_path, steamaco)).resolve_job_def("meter_reads_job")
    tags = {
        "dagster/asset_partition_range_start": first,
        "dagster/asset_partition_range_end": last,
    }
    return job.execute_in_process(tags=tags, instance=instance, raise_on_error=False)


def _partitions(root: Path) -> dict[str, pl.DataFrame]:
    folder = root / "warehouse" / "core_meter__reads"
    return {
        str(path.relative_to(folder).parent): pl.read_parquet(path).drop("ingested_at")
        for path in sorted(folder.rglob("part.parquet"))
    }


def test_a_range_run_writes_each_day_as_its_own_runs_would(tmp_path, steamaco_server) -> None:
    source = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    # The fake site has readings on the 14th and 15th; the 13th is empty.
    days = ("2025-03-13|steamaco", "2025-03-14|steamaco", "2025-03-15|steamaco")
    one_by_one = dg.DagsterInstance.ephemeral()
    for key in days:
        assert run(tmp_path / "days", source, key, one_by_one).success
    instance = dg.DagsterInstance.ephemeral()
    ranged = run_range(tmp_path / "range", source, days[0], days[-1], instance)
    assert ranged.success
    assert len(instance.get_runs()) == 1
    separate, together = _partitions(tmp_path / "days"), _partitions(tmp_path / "range")
    assert list(together) == [f"source=steamaco/date=2025-03-1{n}" for n in (3, 4, 5)]
    assert together.keys() == separate.keys()
    assert [frame.height for frame in together.values()] == [0, 72, 72]
    for key, frame in together.items():
        assert frame.equals(separate[key]), key
    for asset in ("raw_meter__pages", "core_meter__reads", "core_meter__anomalies"):
        assert instance.get_materialized_partitions(dg.AssetKey(asset)) == set(days)
    assert all(e.passed for e in ranged.get_asset_check_evaluations())


def test_a_range_over_two_sources_is_refused(tmp_path, steamaco_server) -> None:
    source = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    instance = dg.DagsterInstance.ephemeral()
    result = run_range(tmp_path, source, "2025-03-10|files", "2025-03-11|steamaco", instance)
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "a meter run covers one source" in failure.event_specific_data.error.message


def test_the_meter_checks_judge_the_days_the_run_wrote(tmp_path, steamaco_server) -> None:
    source = SteamaCo(base_url=steamaco_server.url, token=steamaco_server.token, **FAST)
    instance = dg.DagsterInstance.ephemeral()
    assert run_range(tmp_path, source, "2025-03-14|steamaco", "2025-03-15|steamaco", instance)
    folder = tmp_path / "warehouse" / "core_meter__reads" / "source=steamaco"
    reads = pl.read_parquet(folder / "date=2025-03-14" / "part.parquet")
    elsewhere = folder / "date=2025-01-01" / "part.parquet"  # an old day with a counted-twice hour
    elsewhere.parent.mkdir(parents=True)
    pl.concat([reads.head(2), reads.head(2)]).write_parquet(elsewhere)
    again = run_range(tmp_path, source, "2025-03-14|steamaco", "2025-03-15|steamaco", instance)
    checks = {
        (e.asset_key.to_user_string(), e.asset_check_key.name): e
        for e in again.get_asset_check_evaluations()
    }
    assert checks[("core_meter__reads", "meter_reads_do_not_overlap")].passed
    rows = checks[("core_meter__reads", "schema")].metadata["rows"].value
    assert rows == 144, "the run's two days, not the old one"
