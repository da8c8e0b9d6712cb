"""A plan as people and programs read it: the JSON of `rrec plan`, and one line per lot.

Window bounds are ISO 8601 with the project's UTC offset (end exclusive);
`mwh` and `carry_mwh` are decimal strings with exactly 6 decimals (1 Wh);
`rrecs` is an integer.
"""

from __future__ import annotations

from decimal import Decimal

from rrec_pipeline.basics.amounts import WH_PER_MWH
from rrec_pipeline.credits.classify import classify
from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.issuance.lots import Hold, Lot
from rrec_pipeline.issuance.plan import Plan
from rrec_pipeline.issuance.windows import local_stamp


def mwh_text(wh: int) -> str:
    """Exactly 6 decimals (1 Wh); negative for a deduction carried on."""
    return f"{Decimal(wh) / WH_PER_MWH:.6f}"


def lot_json(lot: Lot, recipient: str, token: str | None) -> dict[str, object]:
    window = lot.energy.window
    return {
        "reservation": lot.energy.reservation_id,
        "project": lot.energy.project_id,
        "window_start": local_stamp(window.start_utc, window.zone),
        "window_end": local_stamp(window.end_utc, window.zone),
        "mwh": mwh_text(lot.energy.wh + lot.energy.late_wh),
        "rrecs": lot.rrecs,
        "version": lot.version,
        "carry_mwh": mwh_text(lot.carry_out_wh),
        "token": token,
        "recipient": recipient,
    }


def tokens_of(projects, tables: ReferenceTables) -> dict[str, str | None]:
    """project_id -> its R-REC token class (None when no class applies)."""
    return {
        row["project_id"]: classify(
            tables,
            country=row["country"],
            us_state=row["us_state"],
            installation_type=row["installation_type"],
        ).token
        for row in projects.iter_rows(named=True)
    }


def hold_json(hold: Hold) -> dict[str, object]:
    """A held or waiting window as a held-back entry: the rule is its kind."""
    window = hold.energy.window
    return {
        "kind": hold.rule,
        "ids": [
            hold.energy.reservation_id,
            hold.energy.project_id,
            local_stamp(window.start_utc, window.zone),
        ],
        "reason": hold.reason,
    }


def plan_json(plan: Plan, recipients: dict[str, str], tokens: dict[str, str | None]) -> dict:
    return {
        "lots": [
            lot_json(lot, recipients[lot.energy.reservation_id], tokens.get(lot.energy.project_id))
            for lot in plan.lots
        ],
        "held_back": [held.to_json() for held in plan.held]
        + [hold_json(hold) for hold in plan.holds],
    }
