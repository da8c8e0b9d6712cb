"""Parquet for polars frames, laid out hive-style so DuckDB and polars see the partitions.

- unpartitioned: `<base_dir>/<asset>/part.parquet`;
- partitioned by (date, source): `<base_dir>/<asset>/source=<s>/date=<d>/part.parquet`;
- any other partitioning: `<base_dir>/<asset>/partition=<key>/part.parquet`.

`read_parquet('<asset>/**/*.parquet', hive_partitioning=true)` reads a whole
table. Writes are atomic (unique temporary file, fsync, rename), so a reader
never sees a partial file, and only a live run writes (`lost_runs.py`). An
input whose partitions are not written yet is the table's typed empty frame,
from the table registry.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from rrec_pipeline.resources.storage.atomic import read_parquet_once, write_with
from rrec_pipeline.resources.storage.lost_runs import is_live
from rrec_pipeline.resources.storage.warehouse import FILE_NAME
from rrec_pipeline.tables import TABLES


class ParquetIOManager(dg.ConfigurableIOManager):
    base_dir: str

    def _path(self, asset_key: dg.AssetKey, partition_key: str | None) -> Path:
        folder = Path(self.base_dir, *asset_key.path)
        if partition_key is None:
            return folder / FILE_NAME
        if isinstance(partition_key, dg.MultiPartitionKey):
            dimensions = partition_key.keys_by_dimension
            parts = [f"{name}={dimensions[name]}" for name in sorted(dimensions, reverse=True)]
            return folder.joinpath(*parts, FILE_NAME)
        return folder / f"partition={partition_key}" / FILE_NAME

    def handle_output(
        self, context: dg.OutputContext, obj: pl.DataFrame | dict[str, pl.DataFrame]
    ) -> None:
        """One frame for the run's partition, or partition key -> frame for a range run."""
        if obj is None:
            return
        _require_live_run(context)
        if isinstance(obj, dict):
            self._write_range(context, obj)
            return
        key = context.asset_partition_key if context.has_asset_partitions else None
        path = self._path(context.asset_key, key)
        write_with(path, obj.write_parquet)
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(str(path)), "dagster/row_count": obj.height}
        )

    def _write_range(self, context: dg.OutputContext, frames: dict[str, pl.DataFrame]) -> None:
        keys = context.asset_partition_keys
        missing = set(keys) - set(frames)
        if missing or len(frames) != len(keys):
            name = context.asset_key.to_user_string()
            raise dg.Failure(f"{name}: the outputs do not match the run's partitions")
        for key in keys:
            write_with(self._path(context.asset_key, key), frames[key].write_parquet)
        folder = Path(self.base_dir, *context.asset_key.path)
        rows = sum(frame.height for frame in frames.values())
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(str(folder)), "dagster/row_count": rows}
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        asset_key = context.asset_key
        if not context.has_asset_partitions:
            return read_parquet_once(self._path(asset_key, None))
        # Glob what exists rather than stat every wanted key (years x sources of them).
        folder = Path(self.base_dir, *asset_key.path)
        found = sorted(folder.rglob(FILE_NAME)) if folder.exists() else []
        wanted = {self._path(asset_key, key) for key in context.asset_partition_keys}
        found = [path for path in found if path in wanted]
        if found:
            return pl.concat([read_parquet_once(path) for path in found])
        table = TABLES.get(asset_key.to_user_string())
        return table.empty() if table else pl.DataFrame()


def _require_live_run(context: dg.OutputContext) -> None:
    """Only a live run writes: a step worker whose run was killed writes nothing."""
    try:
        instance = context.step_context.instance
    except Exception:  # an output context built outside a run (tests of the IO manager)
        return
    if not is_live(instance, context.run_id):
        raise dg.Failure(f"run {context.run_id} is no longer live: output not written")
