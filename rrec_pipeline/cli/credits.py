"""`rrec credits [--json] FILE.csv...`: token, credit class and credits of valid files.

Every file is validated first: a file with an error is reported with its
error rules and not credited. Valid files are credited from the reference
tables with their certified MWh, place, installation type and year; mini-grids
from their Type 1-MA/1-MB/2 consumption and diesel. Exit 1 when a file fails
validation or an eligible file cannot be credited (`reason` says why).
"""

from __future__ import annotations

import argparse
import json
import re

from rrec_pipeline.basics.amounts import TCO2E_DECIMALS, decimal_text
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.cli.validate import existing_targets
from rrec_pipeline.credits.calculate import CreditResult
from rrec_pipeline.credits.factors import FactorPolicy
from rrec_pipeline.credits.for_files import credits_for_file
from rrec_pipeline.credits.reference import ReferenceTables, load_reference
from rrec_pipeline.validation.batch import FileReport, validate_paths
from rrec_pipeline.validation.config import DEFAULT_CONFIG


def run(args: argparse.Namespace) -> int:
    tables = load_reference()
    policy = FactorPolicy(_ember_release(args.ember_release, tables), args.allow_provisional_avert)
    report = validate_paths(existing_targets(args.paths), DEFAULT_CONFIG)
    outcomes = [_outcome(item, tables, policy) for item in report.files]
    if args.json:
        print(json.dumps([record for record, _ in outcomes], indent=2))
    else:
        print("\n".join(line for _, line in outcomes))
    failed = any("error_rules" in record or _uncredited(record) for record, _ in outcomes)
    return EXIT_INVALID if failed else EXIT_OK


def _ember_release(release: str | None, tables: ReferenceTables) -> str | None:
    if release is None:
        return None
    known = sorted(tables.ember["release"].unique())
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", release) or release not in known:
        raise UsageError(
            f"--ember-release {release!r}: expected a release date YYYY-MM-DD, "
            f"one of {', '.join(known)}"
        )
    return release


_NOT_CREDITED = dict.fromkeys(
    (
        "token",
        "credit_class",
        "eligible",
        "factor",
        "factor_unit",
        "factor_year",
        "factor_source",
        "tco2e",
        "whole_credits",
    )
)


def _uncredited(record: dict) -> bool:
    return bool(record["eligible"]) and record["tco2e"] is None


def _outcome(item: FileReport, tables, policy) -> tuple[dict[str, object], str]:
    if not item.ok:
        rules = sorted({finding.rule for finding in item.findings if finding.is_error})
        rules = rules or ["overlap with another file of the batch"]
        reason = f"fails validation ({', '.join(rules)}): not credited"
        record = {**_NOT_CREDITED, "file": item.key, "reason": reason, "error_rules": rules}
        return record, f"{escaped(item.key)}: FAIL {reason}"
    result = credits_for_file(item.file, tables, policy)
    return result.to_json(item.key), _line(escaped(item.key), result)


def _line(file: str, result: CreditResult) -> str:
    if result.tco2e is None:
        return f"{file}: {result.token or '-'} {result.credit_class or '-'}: {result.reason}"
    factor = result.factor
    at = f" at {decimal_text(factor.value)} {factor.unit} ({factor.year})" if factor else ""
    return (
        f"{file}: {result.token} {result.credit_class} "
        f"{decimal_text(result.tco2e, TCO2E_DECIMALS)} tCO2e, "
        f"{result.whole_credits} whole credits{at}"
    )
