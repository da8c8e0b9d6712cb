"""Parquet for polars frames: `<base_dir>/<asset>/<partition>.parquet`.

Multi-dimension partitions become nested folders (`source=enphase/date=2025-03-14`),
so DuckDB and polars can read a whole asset with one glob. An unpartitioned
asset reading a partitioned one gets every stored partition, concatenated.
"""

from pathlib import Path

import dagster as dg
import polars as pl


class ParquetIOManager(dg.ConfigurableIOManager):
    base_dir: str

    def _path(
        self, asset_key: dg.AssetKey, partition_key: str | None, dimensions: dict[str, str] | None
    ) -> Path:
        folder = Path(self.base_dir, *asset_key.path)
        if dimensions:
            parts = [f"{name}={dimensions[name]}" for name in sorted(dimensions, reverse=True)]
            return folder.joinpath(*parts[:-1], f"{parts[-1]}.parquet")
        if partition_key is not None:
            return folder / f"{partition_key}.parquet"
        return folder.with_suffix(".parquet")

    def _output_path(self, context: dg.OutputContext) -> Path:
        if not context.has_asset_partitions:
            return self._path(context.asset_key, None, None)
        key = context.asset_partition_key
        dimensions = key.keys_by_dimension if isinstance(key, dg.MultiPartitionKey) else None
        return self._path(context.asset_key, key, dimensions)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        if obj is None:
            return
        path = self._output_path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        obj.write_parquet(temporary)
        temporary.replace(path)
        context.add_output_metadata(
            {"path": dg.MetadataValue.path(str(path)), "dagster/row_count": obj.height}
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        upstream = context.upstream_output
        if not context.has_asset_partitions:
            return pl.read_parquet(self._path(upstream.asset_key, None, None))
        wanted = set()
        for key in context.asset_partition_keys:
            dimensions = key.keys_by_dimension if isinstance(key, dg.MultiPartitionKey) else None
            wanted.add(self._path(context.asset_key, key, dimensions))
        # Glob what exists rather than stat every wanted key (years x sources of them).
        folder = Path(self.base_dir, *context.asset_key.path)
        paths = (
            sorted(p for p in folder.rglob("*.parquet") if p in wanted) if folder.exists() else []
        )
        frames = [pl.read_parquet(path) for path in paths]
        return pl.concat(frames) if frames else pl.DataFrame()
