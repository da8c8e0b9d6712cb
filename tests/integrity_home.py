"""A small home for the integrity tests, run with `rrec run` as a user would.

Two projects (a Georgia rooftop, RREC-GA; a Kenyan plant, RREC-AKE), each
with one inverter whose hourly exports are dropped as generic CSV files, one
file per project and month; reservations of the registry's kinds; a bare git
repository as the publication remote; the embedded anvil chain. What a home
ends with (the ledger, the published files, the mints on the chain) is read
back by `final_state`, comparable between two homes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import git

ROOT = Path(__file__).resolve().parents[1]
WALLET_A = "0x" + "a1" * 20
WALLET_B = "0x" + "b2" * 20
OWNER = "0x" + "0c" * 20
PROJECTS = {
    # id: (name, country, state, lat, lon, kWp, first operation, zone)
    "P-GA": ("Peach Rooftop", "United States", "GA", "33.75", "-84.39", 400, "America/New_York"),
    "P-KE": ("Nairobi Solar", "Kenya", "", "-1.29", "36.82", 250, "Africa/Nairobi"),
}
HEADER = (
    "project_id,project_name,country,us_state,latitude,longitude,dc_capacity_kwp,fuel_type,"
    "first_operation,timezone,installation_type,owner_wallet"
)


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}


def hour_wh(project: str, at: datetime) -> int:
    """A deterministic sunny day in the project's local time, in Wh, never round."""
    *_, kwp, zone = PROJECTS[project]
    local = at.astimezone(ZoneInfo(zone))
    sun = math.sin(math.pi * (local.hour + 0.5 - 6) / 12)
    if sun <= 0:
        return 0
    return int(kwp * 700 * sun) + (at.day * 37 + local.hour * 11) % 97


def rows_csv(project: str, first: date, last: date, *, skip=(), change_wh=None) -> str:
    """`timestamp,kWh` rows of the project's local hours from `first` to `last` (both
    included), stamped at each hour's end in UTC, except the local days in `skip`.
    `change_wh` maps a local day to Wh added to each of its eight sunniest hours (a
    corrected export: its value per hour stays within the capacity bound)."""
    zone = ZoneInfo(PROJECTS[project][-1])
    at = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    lines = ["timestamp,kWh"]
    while at < end:
        local = at.astimezone(zone)
        if local.date() not in skip:
            wh = hour_wh(project, at)
            if change_wh and local.date() in change_wh and 8 <= local.hour < 16:
                wh += change_wh[local.date()] // 8
            stamp = (at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{stamp},{wh / 1000:.3f}")
        at += timedelta(hours=1)
    return "\n".join(lines) + "\n"


def month_csv(project: str, year: int, month: int, *, skip=()) -> str:
    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return rows_csv(project, first, last, skip=skip)


def write_registry(home: Path, reservations: list[tuple], projects=PROJECTS) -> None:
    folder = home / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [HEADER] + [
        f"{pid},{name},{country},{state},{lat},{lon},{kwp},Solar,2021-01-01,{zone},"
        f"Distributed PV,{OWNER}"
        for pid, (name, country, state, lat, lon, kwp, zone) in projects.items()
    ]
    (folder / "projects.csv").write_text("\n".join(rows) + "\n")
    devices = ["project_id,source,site_id,device_id,role"] + [
        f"{pid},files,{pid.lower()},,generation" for pid in projects
    ]
    (folder / "devices.csv").write_text("\n".join(devices) + "\n")
    lines = ["reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency"]
    lines += [",".join(str(cell) for cell in row) for row in reservations]
    (folder / "reservations.csv").write_text("\n".join(lines) + "\n")


def drop_export(home: Path, project: str, name: str, text: str) -> Path:
    """A meter export in the drop: `generic/<site>/<name>`, with the site's time zone."""
    site = home / "meter_drop" / "generic" / project.lower()
    site.mkdir(parents=True, exist_ok=True)
    settings = {"timezone": PROJECTS[project][-1], "device_id": f"{project.lower()}:inv"}
    (site / "site.json").write_text(json.dumps(settings))
    path = site / name
    path.write_text(text)
    return path


def new_home(tmp_path: Path, reservations: list[tuple], name: str = "home") -> Path:
    home = tmp_path / name
    home.mkdir()
    (home / "drop").mkdir()
    write_registry(home, reservations)
    git.Repo.init(home / "remote.git", bare=True, initial_branch="main")
    return home


def months_dropped(home: Path, months: list[tuple[int, int]], projects=PROJECTS) -> None:
    for project in projects:
        for year, month in months:
            drop_export(home, project, f"{year}-{month:02d}.csv", month_csv(project, year, month))


def rrec(home: Path, *args: str, fault: str | None = None, timeout: float = 600):
    env = {**clean_env(), "RREC_HOME": str(home), "RREC_PUBLISH_REPO": str(home / "remote.git")}
    if fault:
        env["RREC_FAULT_POINT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def ledger_lots(home: Path) -> list[tuple]:
    """Each lot version: (lot, R-RECs it mints, the window's R-RECs, Wh, carry out)."""
    from rrec_pipeline.resources.storage.ledger import IssuanceLedger

    lots = IssuanceLedger(path=str(home / "ledger.duckdb")).issued_lots()
    columns = ["lot_id", "rrecs", "window_rrecs", "wh", "carry_out_wh", "csv_sha256"]
    return sorted(lots.select(columns).rows())


def published(home: Path) -> dict[str, str]:
    """Path -> the file's text on the remote's main branch."""
    repo = git.Repo(home / "remote.git")
    if "main" not in [head.name for head in repo.heads]:
        return {}
    tree = repo.commit("main").tree
    return {
        blob.path: blob.data_stream.read().decode()
        for blob in tree.traverse()
        if blob.type == "blob"
    }


def chain_mints(home: Path) -> list[tuple]:
    """(token, recipient, amount, file path, sha256) of every MintWithInfo on the chain."""
    from rrec_pipeline.minting.links import parse_info
    from rrec_pipeline.resources.chain.chain import Chain

    chain = Chain(state_dir=str(home / "chain"), contracts_file=str(home / "contracts.json"))
    found = []
    with chain.connect() as node:
        for token, address in sorted(chain.addresses().items()):
            if not node.has_code(address):
                continue
            for event in node.events(address, "MintWithInfo"):
                link = parse_info(event["additionalInfo"])
                found.append(
                    (
                        token,
                        event["to"].lower(),
                        int(event["amount"]),
                        link.path,
                        link.sha256,
                    )
                )
    return sorted(found)


def final_state(home: Path) -> dict:
    return {"lots": ledger_lots(home), "files": published(home), "mints": chain_mints(home)}


def local_wh(project: str, first: date, last: date) -> int:
    """The project's Wh of the local days `first` to `last` (both included), as exported."""
    zone = ZoneInfo(PROJECTS[project][-1])
    at = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    total = 0
    while at < end:
        total += hour_wh(project, at)
        at += timedelta(hours=1)
    return total


def days(year: int, month: int, first: int, last: int) -> set[date]:
    return {date(year, month, d) for d in range(first, last + 1)}
