"""Rules on one file's data as a whole: totals, period, gaps, trailing rows.

`validate_files` runs every per-file rule (these, the header rules and the row
rules) and is the one entry point the batch, the CLI and the assets use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from rrec_pipeline.basics.text import quote
from rrec_pipeline.credits.methods import ams_from_consumption, grid_tco2e
from rrec_pipeline.validation import header_rules
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.row_rules import row_findings_by_file
from rrec_pipeline.validation.rules import Finding, Severity, finding
from rrec_pipeline.verification_csv.model import VerificationFile
from rrec_pipeline.verification_csv.stamps import Stamp
from rrec_pipeline.verification_csv.totals import computed_total_mwh

FileRule = Callable[[VerificationFile, ValidationConfig], list[Finding]]


def total_findings(file: VerificationFile, config: ValidationConfig) -> list[Finding]:
    header_total = file.header.total_energy_mwh
    computed = computed_total_mwh(file)
    if computed is None:
        return [finding("consistency.total", "the data section has no Measured kWh values")]
    if header_total is None:
        return []
    tolerance = config.total_relative_tolerance * max(abs(header_total), abs(computed))
    if abs(header_total - computed) <= tolerance:
        return []
    return [
        finding(
            "consistency.total",
            f"Total Energy Production {header_total} MWh differs from the rows' sum "
            f"{computed} MWh by {header_total - computed} MWh "
            f"(tolerance {config.total_relative_tolerance:g} relative)",
            field="Total Energy Production (MWh)",
        )
    ]


def carbon_findings(file: VerificationFile, config: ValidationConfig) -> list[Finding]:
    """Recompute the stated carbon reduction from the file's own factor or figures."""
    header = file.header
    stated = header.total_carbon_reduction_tco2e
    expected, basis = _expected_carbon(header)
    if stated is None or expected is None:
        return []
    tolerance = config.carbon_relative_tolerance * max(abs(stated), abs(expected))
    if abs(stated - expected) <= tolerance:
        return []
    return [
        finding(
            "consistency.carbon",
            f"Total Carbon Reduction {stated} tCO2e differs from {expected:.6f} tCO2e "
            f"recomputed from {basis} (tolerance {config.carbon_relative_tolerance:g} "
            "relative)",
            field="Total Carbon Reduction (tCO2e)",
        )
    ]


def _expected_carbon(header) -> tuple[Decimal | None, str]:
    mwh = header.total_energy_mwh
    if header.avert_factor_tco2e_per_mwh is not None and mwh is not None:
        return grid_tco2e(mwh, header.avert_factor_tco2e_per_mwh), "the AVERT factor"
    if header.ember_factor_gco2e_per_kwh is not None and mwh is not None:
        return grid_tco2e(mwh, header.ember_factor_gco2e_per_kwh / 1000), "the Ember factor"
    parts = (
        header.type1_ma_consumption_mwh,
        header.type1_mb_consumption_mwh,
        header.type2_consumption_mwh,
    )
    if any(part is not None for part in parts):
        ams = ams_from_consumption(
            *(part or Decimal(0) for part in parts),
            diesel_litres=header.diesel_consumption_l or Decimal(0),
        )
        return ams.tco2e, "the Type 1-MA/1-MB/2 consumption and diesel (AMS-III.BB)"
    return None, ""


def issuance_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    """A lot's file: R-RECs Issued + Carried Out = Total + Carried In, exactly.

    A negative carry is a deduction owed after a downward correction; what a mint
    may claim from the file is `minting/verify.supported_rrecs`, never more than
    floor(Total + Carried In)."""
    header = file.header
    given = (header.carry_in_mwh, header.carry_out_mwh, header.rrecs_issued)
    if all(value is None for value in given):
        return []
    if any(value is None for value in given) or header.total_energy_mwh is None:
        return [
            finding(
                "consistency.issuance",
                "R-RECs Issued, Carried Forward In and Carried Forward Out go together, "
                "with Total Energy Production",
            )
        ]
    available = header.total_energy_mwh + header.carry_in_mwh
    if header.rrecs_issued + header.carry_out_mwh == available and header.rrecs_issued >= 0:
        return []
    return [
        finding(
            "consistency.issuance",
            f"{header.rrecs_issued} R-RECs issued + {header.carry_out_mwh} MWh carried out "
            f"should equal {header.total_energy_mwh} MWh + {header.carry_in_mwh} MWh carried in",
            field="R-RECs Issued",
        )
    ]


def header_timestamp_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    valid = file.valid_readings
    if valid.is_empty():
        return []
    ends = (
        ("Begin", file.header.begin_timestamp, file.begin, valid.row(0, named=True)),
        ("End", file.header.end_timestamp, file.end, valid.row(-1, named=True)),
    )
    return [
        finding(
            "timestamps.header_mismatch",
            f"{label} Timestamp {quote(stamp.text)} does not match the "
            f"{'first' if label == 'Begin' else 'last'} data row "
            f"{quote(row['datetime_text'])} (line {row['line']})",
            line=row["line"],
            field=f"{label} Timestamp",
        )
        for label, stamp, instant, row in ends
        if stamp is not None and instant is not None and not _matches_row(stamp, instant, row)
    ]


def _matches_row(stamp: Stamp, instant: datetime, row: dict) -> bool:
    """Same instant, or, for a date-only header stamp, the row's local day."""
    if instant == row["timestamp_utc"]:
        return True
    row_local = row["timestamp_utc"] + timedelta(minutes=row["utc_offset_minutes"])
    return stamp.is_date_only and stamp.local_date == row_local.date()


def calendar_year_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    begin, end = file.header.begin_timestamp, file.header.end_timestamp
    if begin is None or end is None or begin.local.year == end.local.year:
        return []
    return [
        finding(
            "calendar_year",
            f"Begin Timestamp {quote(begin.text)} and End Timestamp {quote(end.text)} are in "
            "different calendar years; split the file at the year boundary",
            field="End Timestamp",
        )
    ]


def first_operation_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    first, begin = file.header.date_of_first_operation, file.header.begin_timestamp
    if first is None or begin is None:
        return []
    if first.is_date_only or begin.is_date_only:
        is_after = first.local_date > begin.local_date
    else:
        is_after = first.at(file.default_offset) > begin.at(file.default_offset)
    if not is_after:
        return []
    return [
        finding(
            "first_operation",
            f"Date of First Operation {quote(first.text)} is after Begin Timestamp "
            f"{quote(begin.text)}: generation cannot precede operation",
            field="Date of First Operation",
        )
    ]


def gap_findings(file: VerificationFile, config: ValidationConfig) -> list[Finding]:
    interval = file.reporting_interval
    if interval is None:
        return []
    spacings = file.spacings
    gaps = (spacings["spacing"] > interval + config.gap_tolerance).arg_true()
    # Rows are the data lines in order, so a line's text is found by position.
    texts, first_line = file.readings["datetime_text"], file.readings["line"][0]
    found = []
    for index in gaps:
        gap = spacings.row(index, named=True)
        previous_line = spacings["line"][index - 1]  # the previous instant's row
        gap |= {
            "previous_line": previous_line,
            "previous_utc": gap["timestamp_utc"] - gap["spacing"],
            "datetime_text": texts[gap["line"] - first_line],
            "previous_text": texts[previous_line - first_line],
        }
        found.append(_gap_finding(file, gap, interval, config))
    return found


def _gap_finding(
    file: VerificationFile, gap: dict, interval: timedelta, config: ValidationConfig
) -> Finding:
    project = file.header.project_name or ""
    where = (
        f"lines {gap['previous_line']}-{gap['line']}: no readings for "
        f"{_duration(gap['spacing'])} between {quote(gap['previous_text'])} and "
        f"{quote(gap['datetime_text'])} (reporting interval {_duration(interval)})"
    )
    for explanation in config.gap_explanations:
        if explanation.covers(project, gap["previous_utc"], gap["timestamp_utc"]):
            return finding(
                "completeness.gap",
                f"{where}; explained: {explanation.reason}",
                line=gap["line"],
                severity=Severity.WARNING,
            )
    return finding(
        "completeness.gap",
        f"{where}; gaps over {_duration(config.gap_tolerance)} need a registered explanation",
        line=gap["line"],
    )


def _duration(span: timedelta) -> str:
    days, seconds = span.days, span.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
    ]
    return " ".join(part for part in parts if part) or f"{span.total_seconds():g} s"


def trailing_row_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    lines = file.trailing_blank_lines
    if not lines:
        return []
    return [
        finding(
            "trailing_rows",
            f"{len(lines)} blank row(s) after the data (lines {lines[0]}-{lines[-1]}) ignored",
            line=lines[0],
        )
    ]


FILE_RULES: tuple[FileRule, ...] = (
    header_rules.encoding_findings,
    header_rules.header_field_findings,
    header_rules.header_value_findings,
    header_rules.timezone_findings,
    header_rules.filename_findings,
    header_rules.text_findings,
    total_findings,
    carbon_findings,
    issuance_findings,
    header_timestamp_findings,
    calendar_year_findings,
    first_operation_findings,
    gap_findings,
    trailing_row_findings,
)


def validate_files(
    files: Sequence[VerificationFile], config: ValidationConfig
) -> list[list[Finding]]:
    """Findings of every per-file rule, per file; row rules run once for all files."""
    rows = row_findings_by_file(files, config)
    return [
        [item for rule in FILE_RULES for item in rule(file, config)] + row_found
        for file, row_found in zip(files, rows, strict=True)
    ]


def validate_file(file: VerificationFile, config: ValidationConfig) -> list[Finding]:
    return validate_files([file], config)[0]
