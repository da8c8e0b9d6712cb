"""`rrec registry import --verification-data DIR_OR_GIT_URL --transactions FILE [--contracts FILE]
[--dry-run]`: adopt a running registry's published history.

Drafts the projects `projects.csv` lacks (as `registry init` does), adds the
record's contracts to the contracts file, and writes each mint into the
issuance ledger as an imported lot: from then on the guard holds any window
that overlaps one (`guard.imported`, naming the transaction). Everything is
checked before anything is written: a finding (a malformed record, a mint
whose file is missing, one file minted twice, an amount that is not whole
R-RECs, a contract the file holds at another address) writes nothing, exit 1.
A second import changes nothing. `--dry-run` prints what would change.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from rrec_pipeline.basics.home import home_paths
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.cli.history import load_files, load_record, print_findings
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.tokens import with_contracts
from rrec_pipeline.registry.drafts import project_ids, with_projects
from rrec_pipeline.registry.history import imported_lots
from rrec_pipeline.registry.record import RecordFinding
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.resources.storage.import_ledger import ImportChanges
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.verification_csv.model import UnreadableFileError
from rrec_pipeline.verification_csv.reader import read_verification_bytes


@dataclass(frozen=True)
class Targets:
    projects: Path
    contracts: Path
    ledger: Path


def run(args: argparse.Namespace) -> int:
    paths = home_paths()
    targets = Targets(
        paths["registry"] / "projects.csv",
        args.contracts or paths["contracts_file"],
        paths["ledger"],
    )
    rows, findings, record = load_record(args.transactions)
    files = load_files(args.verification_data)
    parsed = []
    for file in files:
        try:
            parsed.append(read_verification_bytes(file.data, file.name))
        except UnreadableFileError:
            continue  # a mint that needs it is a finding of `imported_lots`
    projects, added = with_projects(_read(targets.projects), parsed)
    lots, more = imported_lots(rows, files, project_ids(projects))
    contracts, tokens, skipped, conflicts = with_contracts(
        _contracts(targets.contracts), record, load_reference()
    )
    findings += more + [RecordFinding("contracts.conflict", "contracts", c) for c in conflicts]
    if findings:
        print_findings(findings)
        print(f"{len(findings)} findings: nothing was written")
        return EXIT_INVALID
    ledger = IssuanceLedger(path=str(targets.ledger))
    verb = "would " if args.dry_run else ""
    counted = lots.filter(~lots["is_ignored"])
    print(
        f"record: {len(rows)} transactions, {lots.height} mints ({lots.height - counted.height} "
        f"superseded), {int(counted['rrecs'].sum()):,} R-RECs; {len(files)} files"
    )
    if args.dry_run:
        changes = ledger.import_changes(lots) if targets.ledger.exists() else _all_new(lots)
    else:
        changes = ledger.import_lots(lots)
        if tokens:
            write_atomic(targets.contracts, (json.dumps(contracts, indent=2) + "\n").encode())
        if added:
            write_atomic(targets.projects, projects)
    print(
        f"ledger {escaped(str(targets.ledger))}: {verb}import {len(changes.new)} new, "
        f"{len(changes.changed)} changed; {changes.unchanged} unchanged"
    )
    print(f"{escaped(str(targets.projects))}: {verb}add {len(added)} projects")
    for name in added:
        print(f"  {escaped(name)}")
    print(f"{escaped(str(targets.contracts))}: {verb}add {', '.join(tokens) or 'no contract'}")
    for reason in skipped:
        print(f"  skipped: {escaped(reason)}")
    return EXIT_OK


def _all_new(lots) -> ImportChanges:
    return ImportChanges(lots["imported_id"].to_list(), [], 0)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _contracts(path: Path) -> dict:
    data = _read(path)
    if data is None:
        return {}
    try:
        contracts = json.loads(data)
    except ValueError:
        contracts = None
    if not isinstance(contracts, dict):
        raise UsageError(f"{escaped(str(path))} is not a JSON object of token -> address")
    return contracts
