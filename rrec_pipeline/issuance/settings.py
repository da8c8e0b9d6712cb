"""Issuance settings, assembled and checked in one place for every caller.

The issuance assets (their run config), `rrec run` (its plan of what is due)
and `rrec plan` (its options) all build their `PlanSettings` here: the clock,
the grace period, the carry policy, the late-reads policy, and rule 10's
owner frequency, which falls back to `RREC_OWNER_FREQUENCY` (unset: off).
A value that is not allowed is a `SettingError` naming it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from rrec_pipeline.basics.errors import SettingError
from rrec_pipeline.basics.frequencies import FREQUENCIES
from rrec_pipeline.issuance.lots import LATE_POLICIES, POLICIES
from rrec_pipeline.issuance.plan import OWNER_FREQUENCY_VARIABLE, PlanSettings, as_of_clock
from rrec_pipeline.validation.gap_explanations import GapExplanation


def plan_settings(
    *,
    as_of: date | None = None,
    grace_days: int = 2,
    policy: str = "carry-forward",
    late_reads: str = "adjust",
    owner_frequency: str | None = None,
    explanations: tuple[GapExplanation, ...] = (),
) -> PlanSettings:
    owner = owner_frequency or os.environ.get(OWNER_FREQUENCY_VARIABLE) or None
    if owner is not None and owner not in FREQUENCIES:
        raise SettingError(
            f"owner frequency ({OWNER_FREQUENCY_VARIABLE}) {owner!r} is not one of "
            f"{', '.join(FREQUENCIES)}"
        )
    for name, value, allowed in (
        ("policy", policy, POLICIES),
        ("late_reads", late_reads, LATE_POLICIES),
    ):
        if value not in allowed:
            raise SettingError(f"{name} {value!r} is not one of {', '.join(allowed)}")
    if grace_days < 0:
        raise SettingError(f"grace days {grace_days} is negative")
    clock = as_of_clock(as_of) if as_of else datetime.now(UTC)
    return PlanSettings(clock, timedelta(days=grace_days), policy, late_reads, owner, explanations)
