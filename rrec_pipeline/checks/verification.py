"""Checks on a validation batch: one per rule family, and that quarantine caught every error.

Rejected files are already quarantined, so a failed family check is a WARN for
ops to review, not a block: the accepted files must still flow on. That no
accepted file has an error finding is blocking: publication builds on it.
"""

from __future__ import annotations

import dagster as dg
import polars as pl

from rrec_pipeline.checks.markdown import markdown_table
from rrec_pipeline.tables import VERIFICATION_FILES, VERIFICATION_FINDINGS
from rrec_pipeline.validation.rules import Family, rules_in

FINDING_COLUMNS = ["file", "line", "rule", "severity", "field", "message"]


def family_check_result(family: Family, findings: pl.DataFrame) -> dg.AssetCheckResult:
    rows = findings.filter(pl.col("family") == str(family))
    errors = rows.filter(pl.col("severity") == "error")
    listed = pl.concat([errors, rows.filter(pl.col("severity") != "error")]).with_columns(
        pl.col("file").fill_null("(across files)")
    )
    return dg.AssetCheckResult(
        passed=errors.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{errors.height} errors, {rows.height - errors.height} warnings",
        metadata={
            "errors": errors.height,
            "warnings": rows.height - errors.height,
            "files_with_errors": errors["file"].n_unique(),
            "rules": ", ".join(rule.id for rule in rules_in(family)),
            "findings": dg.MetadataValue.md(
                markdown_table(listed, FINDING_COLUMNS, empty="no findings")
            ),
        },
    )


def _family_check(family: Family) -> dg.AssetChecksDefinition:
    rule_ids = ", ".join(rule.id for rule in rules_in(family))

    @dg.asset_check(
        asset=VERIFICATION_FINDINGS.key,
        name=f"{family}_rules",
        description=f"No {family} errors in the batch ({rule_ids}).",
    )
    def _check(findings: pl.DataFrame) -> dg.AssetCheckResult:
        return family_check_result(family, findings)

    return _check


@dg.asset_check(
    asset=VERIFICATION_FILES.key,
    blocking=True,
    additional_ins={"findings": dg.AssetIn(VERIFICATION_FINDINGS.key)},
    description="No accepted file has an error finding: quarantine caught every one.",
)
def accepted_files_have_no_errors(
    core_verification__files: pl.DataFrame, findings: pl.DataFrame
) -> dg.AssetCheckResult:
    accepted = core_verification__files.filter(pl.col("is_accepted")).select("file")
    leaked = findings.filter(pl.col("severity") == "error").join(accepted, on="file")
    return dg.AssetCheckResult(
        passed=leaked.is_empty(),
        metadata={"leaked": dg.MetadataValue.md(markdown_table(leaked, FINDING_COLUMNS))},
    )


def verification_checks() -> list[dg.AssetChecksDefinition]:
    return [*(_family_check(family) for family in Family), accepted_files_have_no_errors]
