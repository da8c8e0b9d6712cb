"""The schema check runs in the step that writes its table, and a failure blocks what follows."""

from __future__ import annotations

import dagster as dg
import polars as pl

from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.tables import COUNTRIES, REGISTRY_FINDINGS


def _countries(rows: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COUNTRIES.dtypes)


def _graph(countries: pl.DataFrame) -> list[dg.AssetsDefinition]:
    @dg.asset(name=COUNTRIES.key, check_specs=schema_specs(COUNTRIES))
    @schema_checked(COUNTRIES)
    def written() -> dg.Output:
        return dg.Output(countries)

    @dg.asset(deps=[COUNTRIES.key])
    def downstream() -> None:
        return None

    return [written, downstream]


def _run(countries: pl.DataFrame) -> dg.ExecuteInProcessResult:
    io = dg.mem_io_manager
    return dg.materialize(_graph(countries), resources={"io_manager": io}, raise_on_error=False)


def test_a_table_that_keeps_its_schema_passes_in_its_own_step_and_counts_its_rows() -> None:
    good = COUNTRIES.empty()
    result = _run(good)
    assert result.success
    (evaluation,) = result.get_asset_check_evaluations()
    assert (evaluation.asset_check_key.name, evaluation.passed) == ("schema", True)
    assert evaluation.metadata["rows"].value == 0
    steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert steps == {COUNTRIES.key, "downstream"}  # no step of its own for the check
    assert result.asset_materializations_for_node("downstream")


def test_a_table_that_breaks_its_schema_fails_its_check_and_blocks_downstream() -> None:
    bad = _countries({column: [None] for column in COUNTRIES.dtypes})
    result = _run(bad)
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["failures"].value.startswith("|")
    assert not result.asset_materializations_for_node("downstream")
    failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failed == [COUNTRIES.key]


def test_each_table_of_a_multi_asset_gets_its_own_result() -> None:
    @dg.multi_asset(
        outs={t.key: dg.AssetOut() for t in (COUNTRIES, REGISTRY_FINDINGS)},
        check_specs=schema_specs(COUNTRIES, REGISTRY_FINDINGS),
    )
    @schema_checked(COUNTRIES, REGISTRY_FINDINGS)
    def both():
        yield dg.Output(COUNTRIES.empty(), COUNTRIES.key)
        yield dg.Output({}, REGISTRY_FINDINGS.key)  # a range run's output with no partition

    result = dg.materialize([both], resources={"io_manager": dg.mem_io_manager})
    results = {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    assert results == {COUNTRIES.key: True, REGISTRY_FINDINGS.key: True}
