"""Where everything the pipeline writes locally lives: `$RREC_HOME` and its folders.

Each folder can be moved with its own variable; the defaults sit under
`RREC_HOME` (default `.rrec` in the working directory). The CLI, the Dagster
resources and the scripts all ask here, so a default is stated once.
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDERS = {
    "drop": ("RREC_DROP_DIR", "drop"),
    "quarantine": ("RREC_QUARANTINE_DIR", "quarantine"),
    "registry": ("RREC_REGISTRY_DIR", "registry"),
    "meter_drop": ("RREC_FILES_DIR", "meter_drop"),
    "landing": ("RREC_LANDING_DIR", "landing"),
    "warehouse": ("RREC_WAREHOUSE_DIR", "warehouse"),
    "dagster_home": ("DAGSTER_HOME", "dagster_home"),
    "ledger": ("RREC_LEDGER", "ledger.duckdb"),
    "lots": ("RREC_LOTS_DIR", "lots"),
    "chain": ("RREC_CHAIN_DIR", "chain"),
    "contracts_file": ("RREC_CONTRACTS_FILE", "contracts.json"),
    "publish_checkout": ("RREC_PUBLISH_CHECKOUT", "publish_checkout"),
    "analyst_db": ("RREC_ANALYST_DB", "rrec.duckdb"),
}


def rrec_home() -> Path:
    return Path(os.environ.get("RREC_HOME") or ".rrec").absolute()


def home_paths(home: Path | None = None) -> dict[str, Path]:
    """Folder name -> absolute path, from `home` (default `$RREC_HOME`) and the overrides."""
    home = (home or rrec_home()).absolute()
    return {
        name: Path(os.environ.get(variable) or home / default).absolute()
        for name, (variable, default) in FOLDERS.items()
    }


def publish_repository(home: Path | None = None) -> str:
    """Where lots are published: `RREC_PUBLISH_REPO` (a path or a remote URL), else a local
    repository `$RREC_HOME/published`."""
    configured = os.environ.get("RREC_PUBLISH_REPO")
    return configured or str(((home or rrec_home()).absolute()) / "published")


def project_root() -> Path:
    """The checkout this package runs from (holds `contracts/` and `reference_data/`)."""
    return Path(__file__).resolve().parents[2]
