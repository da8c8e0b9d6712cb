"""The module Dagster loads (`dagster dev`, workspace.yaml)."""

from rrec_pipeline.build import build_defs

defs = build_defs()
