"""Tunable thresholds of the validation rules, with the Standard's defaults.

Every default is stated here once; the CLI and the Dagster run config read them
from `DEFAULT_CONFIG`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from rrec_pipeline.validation.gap_explanations import GapExplanation


@dataclass(frozen=True)
class ValidationConfig:
    # range.capacity: a row may hold at most this many full-capacity hours per hour covered.
    capacity_factor: Decimal = Decimal("1.5")
    # completeness.gap: a spacing longer than the reporting interval plus this is a gap.
    gap_tolerance: timedelta = timedelta(hours=24)
    # consistency.total: relative tolerance between header total and summed rows.
    total_relative_tolerance: Decimal = Decimal("1e-4")
    # consistency.carbon: relative tolerance between stated and recomputed tCO2e.
    carbon_relative_tolerance: Decimal = Decimal("1e-3")
    # overlap.spatial: projects closer than this (geodesic metres) are the same site.
    spatial_radius_m: float = 100.0
    # Per-row rules report at most this many rows each; the rest are counted.
    max_findings_per_rule: int = 50
    gap_explanations: tuple[GapExplanation, ...] = ()


DEFAULT_CONFIG = ValidationConfig()
