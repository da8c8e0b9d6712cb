"""Checks on a validation batch: one per rule family, and that quarantine caught every error.

Rejected files are already quarantined, so a failed family check is a WARN for
ops to review, not a block: the accepted files must still flow on. That no
accepted file has an error finding is blocking: publication builds on it.

They run in `core_verification`'s own step on the frames it has just written
(`VERIFICATION_CHECK_SPECS`, `verification_results`), as the schema checks do.
"""

from __future__ import annotations

from collections.abc import Iterator

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
        asset_key=VERIFICATION_FINDINGS.key,
        check_name=f"{family}_rules",
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


ACCEPTED_CLEAN = "accepted_files_have_no_errors"
VERIFICATION_CHECK_SPECS = [
    *(
        dg.AssetCheckSpec(
            f"{family}_rules",
            asset=VERIFICATION_FINDINGS.key,
            description="No {} errors in the batch ({}).".format(
                family, ", ".join(rule.id for rule in rules_in(family))
            ),
        )
        for family in Family
    ),
    dg.AssetCheckSpec(
        ACCEPTED_CLEAN,
        asset=VERIFICATION_FILES.key,
        blocking=True,
        additional_deps=[VERIFICATION_FINDINGS.key],
        description="No accepted file has an error finding: quarantine caught every one.",
    ),
]


def verification_results(
    files: pl.DataFrame, findings: pl.DataFrame
) -> Iterator[dg.AssetCheckResult]:
    """The family checks on the findings, then that no accepted file has an error."""
    for family in Family:
        yield family_check_result(family, findings)
    accepted = files.filter(pl.col("is_accepted")).select("file")
    leaked = findings.filter(pl.col("severity") == "error").join(accepted, on="file")
    yield dg.AssetCheckResult(
        asset_key=VERIFICATION_FILES.key,
        check_name=ACCEPTED_CLEAN,
        passed=leaked.is_empty(),
        metadata={"leaked": dg.MetadataValue.md(markdown_table(leaked, FINDING_COLUMNS))},
    )
