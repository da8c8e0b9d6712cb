"""All meter sources in one resource, so a (day, source) partition picks its own."""

import os

import dagster as dg

from rrec_pipeline.resources.meters.connector import MeterSource
from rrec_pipeline.resources.meters.enphase import Enphase
from rrec_pipeline.resources.meters.meter_files import MeterFileDrop
from rrec_pipeline.resources.meters.sparkmeter import SparkMeter
from rrec_pipeline.resources.meters.steamaco import SteamaCo
from rrec_pipeline.resources.meters.victron import Victron
from rrec_pipeline.schemas.meter_reads import SOURCES


class MeterSources(dg.ConfigurableResource):
    steamaco: SteamaCo
    sparkmeter: SparkMeter
    enphase: Enphase
    victron: Victron
    files: MeterFileDrop

    def get(self, name: str) -> MeterSource:
        return getattr(self, name)

    def configured(self) -> list[str]:
        return [name for name in SOURCES if self.get(name).is_configured]


def _source_config(source: type[MeterSource], *, as_env_var: bool) -> dict[str, object]:
    """`RREC_<SOURCE>_URL`, `_TOKEN`, `_SECRET` as config, for the fields the source has.

    Secrets become EnvVars for Dagster (the UI shows the name, never the value)
    and plain values for the CLI; unset variables are left out.
    """
    prefix = f"RREC_{source.source.upper()}"
    config: dict[str, object] = {}
    for suffix, field in (("URL", "base_url"), ("TOKEN", "token"), ("SECRET", "secret")):
        name = f"{prefix}_{suffix}"
        if field in source.model_fields and os.environ.get(name):
            is_secret = suffix != "URL"
            config[field] = dg.EnvVar(name) if as_env_var and is_secret else os.environ[name]
    return config


def _files_dir(default: str) -> str:
    """`RREC_FILES_URL` (a path or `file://` URL), else `RREC_FILES_DIR`, else `default`."""
    url = os.environ.get("RREC_FILES_URL", "")
    if url:
        return url.removeprefix("file://")
    return os.environ.get("RREC_FILES_DIR", default)


def meter_sources_from_env(files_dir: str, *, as_env_var: bool = True) -> MeterSources:
    """Each source from `RREC_<SOURCE>_URL`, `_TOKEN` and `_SECRET`; unset means unused.

    Without a URL a source talks to its vendor's public API.
    """
    sparkmeter = {
        "api": os.environ.get("RREC_SPARKMETER_API", "koios"),
        "organization_id": os.environ.get("RREC_SPARKMETER_ORG", ""),
        "site_ids": os.environ.get("RREC_SPARKMETER_SITES", ""),
    }
    return MeterSources(
        steamaco=SteamaCo(**_source_config(SteamaCo, as_env_var=as_env_var)),
        sparkmeter=SparkMeter(**_source_config(SparkMeter, as_env_var=as_env_var), **sparkmeter),
        enphase=Enphase(**_source_config(Enphase, as_env_var=as_env_var)),
        victron=Victron(**_source_config(Victron, as_env_var=as_env_var)),
        files=MeterFileDrop(path=_files_dir(files_dir)),
    )
