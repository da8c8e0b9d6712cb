"""The registry as tables: projects, devices, reservations, clearances, and what is held back.

Read from the reviewed files of the registry folder; a bad row is a finding in
`core_registry__findings` and the good rows proceed.
"""

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.registry.appendix_b import check_registry
from rrec_pipeline.registry.files import (
    CLEARANCES,
    DEVICES,
    PROJECTS,
    RESERVATIONS,
    read_registry_file,
)
from rrec_pipeline.resources.storage.registry_folder import RegistryFolder

LAYOUTS = {
    tables.PROJECTS.key: PROJECTS,
    tables.DEVICES.key: DEVICES,
    tables.RESERVATIONS.key: RESERVATIONS,
    tables.CLEARANCES.key: CLEARANCES,
}
REGISTRY_TABLES = [tables.TABLES[key] for key in (*LAYOUTS, tables.REGISTRY_FINDINGS.key)]


@dg.multi_asset(
    name="core_registry",
    outs={
        key: dg.AssetOut(description=tables.TABLES[key].description, kinds={"csv", "polars"})
        for key in (*LAYOUTS, tables.REGISTRY_FINDINGS.key)
    },
    group_name="registry",
    check_specs=schema_specs(*REGISTRY_TABLES),
)
@schema_checked(*REGISTRY_TABLES)
def core_registry(context: dg.AssetExecutionContext, registry_folder: RegistryFolder):
    frames, bad = {}, []
    for key, layout in LAYOUTS.items():
        frames[key], found = read_registry_file(layout, registry_folder.read(layout.file))
        bad += found
    state = check_registry(*frames.values())
    findings = [(row.ids, "bad_row", row.reason) for row in bad]
    findings += [(held.ids, held.kind, held.reason) for held in state.held]
    for key, frame in frames.items():
        yield dg.Output(frame, key, metadata={"dagster/row_count": frame.height})
    table = tables.REGISTRY_FINDINGS
    frame = pl.DataFrame(
        {
            "kind": [kind for _, kind, _ in findings],
            "ids": [list(ids) for ids, _, _ in findings],
            "reason": [reason for _, _, reason in findings],
        },
        schema=table.dtypes,
    )
    for ids, kind, reason in findings:
        context.log.warning(f"registry: {kind} {', '.join(ids)}: {reason}")
    yield dg.Output(table.validate(frame), table.key, metadata={"held_back": frame.height})
