"""Dagster asset checks, built from the rule and schema registries.

- One check per rule family on the findings table. Rejected files are already
  quarantined, so a failed family check is a WARN for ops to review, not a
  block: the accepted files must still flow on.
- Blocking schema checks on the tables side effects build on, plus a check that
  no file with an error finding was accepted: these stand in front of publishing.
"""

import dagster as dg
import pandera.polars as pa
import polars as pl

from rrec_pipeline.assets.verification import FILES, FINDINGS, READINGS
from rrec_pipeline.checks.rules import Family, rules_in
from rrec_pipeline.schemas.verification import (
    VerificationAcceptedReadings,
    VerificationFileSummaries,
)

MAX_LISTED_FINDINGS = 50


def family_check_result(family: Family, findings: pl.DataFrame) -> dg.AssetCheckResult:
    rows = findings.filter(pl.col("family") == str(family))
    errors = rows.filter(pl.col("severity") == "error")
    listed = pl.concat([errors, rows.filter(pl.col("severity") != "error")])
    return dg.AssetCheckResult(
        passed=errors.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{errors.height} errors, {rows.height - errors.height} warnings",
        metadata={
            "errors": errors.height,
            "warnings": rows.height - errors.height,
            "files_with_errors": errors["file"].n_unique(),
            "rules": ", ".join(rule.id for rule in rules_in(family)),
            "findings": dg.MetadataValue.md(_findings_table(listed)),
        },
    )


def _findings_table(rows: pl.DataFrame) -> str:
    if rows.is_empty():
        return "no findings"
    lines = ["| file | line | rule | severity | message |", "|---|---|---|---|---|"]
    for row in rows.head(MAX_LISTED_FINDINGS).iter_rows(named=True):
        message = row["message"].replace("|", "\\|")
        lines.append(
            f"| {row['file'] or '(across files)'} | {row['line'] or ''} | "
            f"{row['rule']} | {row['severity']} | {message} |"
        )
    if rows.height > MAX_LISTED_FINDINGS:
        lines.append(f"\n... and {rows.height - MAX_LISTED_FINDINGS} more")
    return "\n".join(lines)


def _family_check(family: Family) -> dg.AssetChecksDefinition:
    rule_ids = ", ".join(rule.id for rule in rules_in(family))

    @dg.asset_check(
        asset=FINDINGS,
        name=f"{family}_rules",
        description=f"No {family} errors in the batch ({rule_ids}).",
    )
    def _check(findings: pl.DataFrame) -> dg.AssetCheckResult:
        return family_check_result(family, findings)

    return _check


def schema_check(
    asset: str,
    model: type[pa.DataFrameModel],
    *,
    name: str | None = None,
    partitions_def: dg.PartitionsDefinition | None = None,
) -> dg.AssetChecksDefinition:
    """A blocking check that the asset matches its schema in the registry."""

    @dg.asset_check(
        asset=asset,
        name=name or f"{model.__name__}_schema",
        partitions_def=partitions_def,
        blocking=True,
        description=f"The table matches the {model.__name__} schema.",
    )
    def _check(frame: pl.DataFrame) -> dg.AssetCheckResult:
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases.head(MAX_LISTED_FINDINGS)
            return dg.AssetCheckResult(
                passed=False,
                metadata={"failure_cases": dg.MetadataValue.md(str(cases))},
            )
        return dg.AssetCheckResult(passed=True, metadata={"rows": frame.height})

    return _check


@dg.asset_check(
    asset=FILES,
    blocking=True,
    additional_ins={"findings": dg.AssetIn(FINDINGS)},
    description="No accepted file has an error finding: quarantine caught every one.",
)
def accepted_files_have_no_errors(
    core_verification__files: pl.DataFrame, findings: pl.DataFrame
) -> dg.AssetCheckResult:
    erroring = findings.filter(pl.col("severity") == "error")["file"].drop_nulls().unique()
    leaked = core_verification__files.filter(
        pl.col("is_accepted") & pl.col("file").is_in(erroring.to_list())
    )["file"]
    return dg.AssetCheckResult(
        passed=leaked.is_empty(),
        metadata={"leaked_files": dg.MetadataValue.json(leaked.to_list())},
    )


def verification_checks() -> list[dg.AssetChecksDefinition]:
    return [
        *(_family_check(family) for family in Family),
        schema_check(FILES, VerificationFileSummaries),
        schema_check(READINGS, VerificationAcceptedReadings),
        accepted_files_have_no_errors,
    ]
