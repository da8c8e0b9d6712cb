"""The rule registry: every validation rule as data, and the findings rules produce.

The CLI, the Dagster asset checks and the docs all list rules from `RULES`, so a
rule is added or re-worded in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rrec_pipeline.validation.config import DEFAULT_CONFIG

_GAP_HOURS = int(DEFAULT_CONFIG.gap_tolerance.total_seconds() // 3600)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Family(StrEnum):
    """Groups of rules; each family is one asset check in the Dagster UI."""

    FORMAT = "format"
    CONSISTENCY = "consistency"
    COMPLETENESS = "completeness"
    RANGE = "range"
    DOUBLE_COUNTING = "double_counting"


@dataclass(frozen=True)
class Rule:
    id: str
    family: Family
    severity: Severity
    description: str


_RULE_LIST = (
    Rule(
        "parse",
        Family.FORMAT,
        Severity.ERROR,
        "The file can be read as text CSV: inside the drop folder, not empty, not binary, "
        "at most 512 MiB, no line over 4096 bytes.",
    ),
    Rule(
        "header.fields",
        Family.FORMAT,
        Severity.ERROR,
        "Every standard header row is present with a value where one is required; "
        "unknown rows are reported as warnings.",
    ),
    Rule(
        "format.timestamp",
        Family.FORMAT,
        Severity.ERROR,
        "Every Datetime and header timestamp is ISO 8601.",
    ),
    Rule(
        "format.number",
        Family.FORMAT,
        Severity.ERROR,
        "Every Measured kWh and numeric header value is a finite number.",
    ),
    Rule(
        "format.timezone",
        Family.FORMAT,
        Severity.WARNING,
        "Timestamps carry a UTC offset; missing offsets are assumed and reported.",
    ),
    Rule(
        "filename.timestamps",
        Family.FORMAT,
        Severity.ERROR,
        "The file name is `<Project>_<Begin>_<End>.csv` and its stamps match the header.",
    ),
    Rule(
        "format.text",
        Family.FORMAT,
        Severity.ERROR,
        "Text header values and the file name carry no control characters, and no text "
        "value starts like a spreadsheet formula (=, +, -, @).",
    ),
    Rule(
        "trailing_rows", Family.FORMAT, Severity.WARNING, "No blank rows follow the data section."
    ),
    Rule(
        "consistency.total",
        Family.CONSISTENCY,
        Severity.ERROR,
        "Total Energy Production (MWh) equals the sum of Measured kWh / 1000.",
    ),
    Rule(
        "consistency.carbon",
        Family.CONSISTENCY,
        Severity.ERROR,
        "Total Carbon Reduction (tCO2e) follows from the file's AVERT or Ember factor, "
        "or from its Type 1-MA/1-MB/2 consumption and diesel (AMS-III.BB).",
    ),
    Rule(
        "consistency.issuance",
        Family.CONSISTENCY,
        Severity.ERROR,
        "In a lot's file, R-RECs Issued + Carried Forward Out (MWh) = Total Energy "
        "Production (MWh) + Carried Forward In (MWh); a negative carry is a deduction owed.",
    ),
    Rule(
        "timestamps.header_mismatch",
        Family.CONSISTENCY,
        Severity.ERROR,
        "Begin and End Timestamp equal the first and last data rows.",
    ),
    Rule(
        "calendar_year",
        Family.CONSISTENCY,
        Severity.ERROR,
        "Begin and End Timestamp fall in the same calendar year.",
    ),
    Rule(
        "first_operation",
        Family.CONSISTENCY,
        Severity.ERROR,
        "Date of First Operation is not after Begin Timestamp.",
    ),
    Rule(
        "duplicates",
        Family.CONSISTENCY,
        Severity.ERROR,
        "No instant appears twice in the data section.",
    ),
    Rule("order", Family.CONSISTENCY, Severity.ERROR, "Data rows are in ascending time order."),
    Rule(
        "completeness.gap",
        Family.COMPLETENESS,
        Severity.ERROR,
        f"No spacing exceeds the reporting interval by more than {_GAP_HOURS} h, "
        "unless an explanation is registered for that project and period.",
    ),
    Rule(
        "completeness.missing_value",
        Family.COMPLETENESS,
        Severity.WARNING,
        "Every data row has a Measured kWh value.",
    ),
    Rule("range.negative", Family.RANGE, Severity.WARNING, "Measured kWh is not negative."),
    Rule(
        "range.capacity",
        Family.RANGE,
        Severity.ERROR,
        f"A row's kWh is at most {DEFAULT_CONFIG.capacity_factor} (the capacity factor) "
        "x DC capacity (kWp) x the hours it covers.",
    ),
    Rule(
        "range.plausible",
        Family.RANGE,
        Severity.ERROR,
        "Header numbers are within what any real project could state (DC capacity at most "
        "10 GWp, totals at most 100 TWh, coordinates on Earth); larger values are not used.",
    ),
    Rule(
        "overlap.temporal",
        Family.DOUBLE_COUNTING,
        Severity.ERROR,
        "Files of the same project do not cover overlapping periods.",
    ),
    Rule(
        "overlap.spatial",
        Family.DOUBLE_COUNTING,
        Severity.ERROR,
        "Different projects within 100 m of each other do not cover overlapping periods.",
    ),
    Rule(
        "project.static_mismatch",
        Family.DOUBLE_COUNTING,
        Severity.ERROR,
        "A project's static fields are the same in all its files.",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}


def rules_in(family: Family) -> list[Rule]:
    return [rule for rule in _RULE_LIST if rule.family == family]


@dataclass(frozen=True)
class Finding:
    """One rule outcome worth reporting, located by file line or header field."""

    rule: str
    severity: Severity
    message: str
    line: int | None = None
    field: str | None = None
    files: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def to_json(self) -> dict[str, object]:
        record: dict[str, object] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "line": self.line,
            "field": self.field,
        }
        if self.files:
            record["files"] = list(self.files)
        return record


def finding(
    rule_id: str,
    message: str,
    *,
    line: int | None = None,
    field: str | None = None,
    files: tuple[str, ...] = (),
    severity: Severity | None = None,
) -> Finding:
    """Build a finding with the rule's registered severity unless told otherwise."""
    rule = RULES[rule_id]
    return Finding(
        rule=rule.id,
        severity=severity or rule.severity,
        message=message,
        line=line,
        field=field,
        files=files,
    )
