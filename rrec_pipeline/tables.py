"""The table registry: every table the pipeline materializes, declared once.

A `Table` is an asset key (`{layer}_{source}__{name}`: `core` validated and
normalised, `out` derived for users) with its pandera schema, whose docstring
describes a row and whose columns carry their own descriptions. Asset keys,
the blocking schema checks (one loop in `checks/schemas.py`), the typed empty
frames the IO manager hands out for partitions not yet written, and the
DuckDB tables for analysts all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandera.polars as pa
import polars as pl

from rrec_pipeline.schemas import as_schema, polars_schema
from rrec_pipeline.schemas.credits import MiniGridCustomerMonths, ProjectYearCredits
from rrec_pipeline.schemas.meter_reads import MeterAnomalies, MeterReads
from rrec_pipeline.schemas.reference import (
    AvertRates,
    Countries,
    CountryAliases,
    EmberIntensity,
    UsStateAvertRegions,
)
from rrec_pipeline.schemas.verification import (
    GapExplanations,
    VerificationAcceptedReadings,
    VerificationFileSummaries,
    VerificationFindings,
)
from rrec_pipeline.verification_csv.fields import SUMMARY_FIELDS


@dataclass(frozen=True)
class Table:
    key: str
    schema: pa.DataFrameSchema

    @property
    def description(self) -> str:
        return " ".join((self.schema.description or "").split())

    @cached_property
    def dtypes(self) -> dict[str, pl.DataType]:
        return polars_schema(self.schema)

    @property
    def columns(self) -> dict[str, str]:
        """Column name -> its description."""
        return {name: column.description or "" for name, column in self.schema.columns.items()}

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.dtypes)

    def validate(self, frame: pl.DataFrame) -> pl.DataFrame:
        return self.schema.validate(frame)


def _table(key: str, model: type[pa.DataFrameModel]) -> Table:
    return Table(key, as_schema(model))


def _with_header_columns(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The file-summary columns plus one column per header field, typed as declared."""
    return as_schema(model).add_columns(
        {
            spec.attr: pa.Column(
                spec.dtype, nullable=True, description=f"header row {spec.label!r}"
            )
            for spec in SUMMARY_FIELDS
        }
    )


VERIFICATION_FILES = Table(
    "core_verification__files", _with_header_columns(VerificationFileSummaries)
)
VERIFICATION_READINGS = _table("core_verification__readings", VerificationAcceptedReadings)
VERIFICATION_FINDINGS = _table("core_verification__findings", VerificationFindings)
GAP_EXPLANATIONS = _table("core_verification__gap_explanations", GapExplanations)
METER_READS = _table("core_meter__reads", MeterReads)
METER_ANOMALIES = _table("core_meter__anomalies", MeterAnomalies)
EMBER_INTENSITY = _table("core_reference__ember_co2_intensity", EmberIntensity)
AVERT_RATES = _table("core_reference__avert_rates", AvertRates)
US_STATE_AVERT_REGIONS = _table("core_reference__us_state_avert_regions", UsStateAvertRegions)
COUNTRIES = _table("core_reference__countries", Countries)
COUNTRY_ALIASES = _table("core_reference__country_aliases", CountryAliases)
PROJECT_YEAR_CREDITS = _table("out_credits__project_years", ProjectYearCredits)
MINIGRID_CUSTOMER_MONTHS = _table("out_credits__minigrid_customer_months", MiniGridCustomerMonths)

TABLES: dict[str, Table] = {
    table.key: table
    for table in (
        VERIFICATION_FILES,
        VERIFICATION_READINGS,
        VERIFICATION_FINDINGS,
        GAP_EXPLANATIONS,
        METER_READS,
        METER_ANOMALIES,
        EMBER_INTENSITY,
        AVERT_RATES,
        US_STATE_AVERT_REGIONS,
        COUNTRIES,
        COUNTRY_ALIASES,
        PROJECT_YEAR_CREDITS,
        MINIGRID_CUSTOMER_MONTHS,
    )
}
