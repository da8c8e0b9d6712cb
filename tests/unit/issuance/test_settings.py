"""Issuance settings, built once for the assets, `rrec run` and `rrec plan`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rrec_pipeline.basics.errors import SettingError
from rrec_pipeline.issuance.settings import plan_settings


def test_the_owner_frequency_falls_back_to_the_environment_and_bad_values_are_named(
    monkeypatch,
) -> None:
    settings = plan_settings(as_of=date(2025, 2, 1), grace_days=3, policy="floor-per-window")
    assert settings.as_of == datetime(2025, 2, 1, tzinfo=UTC)
    assert (settings.grace, settings.policy, settings.owner_frequency) == (
        timedelta(days=3), "floor-per-window", None
    )  # fmt: skip
    monkeypatch.setenv("RREC_OWNER_FREQUENCY", "monthly")
    assert plan_settings().owner_frequency == "monthly"
    assert plan_settings(owner_frequency="yearly").owner_frequency == "yearly"
    monkeypatch.setenv("RREC_OWNER_FREQUENCY", "hourly")
    with pytest.raises(SettingError, match=r"RREC_OWNER_FREQUENCY.*'hourly'"):
        plan_settings()
    monkeypatch.delenv("RREC_OWNER_FREQUENCY")
    for bad in ({"policy": "round"}, {"late_reads": "ignore"}, {"grace_days": -1}):
        with pytest.raises(SettingError):
            plan_settings(**bad)
