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

from rrec_pipeline.frequencies import FREQUENCIES as FREQUENCY_NAMES
from rrec_pipeline.schemas import as_schema, polars_schema
from rrec_pipeline.schemas.audit import AuditBalances, AuditMints
from rrec_pipeline.schemas.chain import ChainTransactions, LotMints
from rrec_pipeline.schemas.credits import MiniGridCustomerMonths, ProjectYearCredits
from rrec_pipeline.schemas.issuance import (
    CertifiedReads,
    HeldLots,
    ImportedLots,
    IssuanceLots,
    IssuancePlans,
    IssuedLots,
    LotFiles,
)
from rrec_pipeline.schemas.meter_reads import MeterAnomalies, MeterGaps, MeterReads
from rrec_pipeline.schemas.reference import (
    AvertRates,
    Countries,
    CountryAliases,
    EmberIntensity,
    UsStateAvertRegions,
)
from rrec_pipeline.schemas.registry import (
    Clearances,
    Devices,
    Projects,
    RegistryFindings,
    Reservations,
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

PROJECTS = _table("core_registry__projects", Projects)
DEVICES = _table("core_registry__devices", Devices)
RESERVATIONS = _table("core_registry__reservations", Reservations)
CLEARANCES = _table("core_registry__clearances", Clearances)
REGISTRY_FINDINGS = _table("core_registry__findings", RegistryFindings)


def issuance_lots(frequency: str) -> Table:
    return _table(f"out_issuance__{frequency}_lots", IssuanceLots)


def lot_files(frequency: str) -> Table:
    return _table(f"out_issuance__{frequency}_lot_files", LotFiles)


def issued_key(frequency: str) -> str:
    """The asset that enters a frequency's lots in the ledger (its data is the ledger)."""
    return f"out_issuance__{frequency}_issued"


PUBLISHED_LOTS = _table("out_chain__published_lots", LotMints)
LOT_MINTS = _table("out_chain__mints", LotMints)
CHAIN_TRANSACTIONS = _table("core_chain__transactions", ChainTransactions)

FREQUENCIES = FREQUENCY_NAMES  # (`frequencies.py`, for modules that import the registry)

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
        PROJECTS,
        DEVICES,
        RESERVATIONS,
        CLEARANCES,
        REGISTRY_FINDINGS,
        *(issuance_lots(frequency) for frequency in FREQUENCIES),
        issuance_lots("file"),
        *(lot_files(frequency) for frequency in FREQUENCIES),
        PUBLISHED_LOTS,
        LOT_MINTS,
        CHAIN_TRANSACTIONS,
    )
}


# Tables of the issuance ledger (a DuckDB file, not assets): their columns come from here too.
ISSUED_LOTS = _table("ledger__issued_lots", IssuedLots)
ISSUANCE_PLANS = _table("ledger__plans", IssuancePlans)
HELD_LOTS = _table("ledger__held_lots", HeldLots)
CERTIFIED_READS = _table("ledger__certified_reads", CertifiedReads)
IMPORTED_LOTS = _table("ledger__imported_lots", ImportedLots)
# What `rrec audit --out` writes beside its report.
AUDIT_MINTS = _table("audit__mints", AuditMints)
AUDIT_BALANCES = _table("audit__balances", AuditBalances)
# Derived for analysts from the meter reads and the registry, with the planner's own rule.
METER_GAPS = _table("analysts__meter_gaps", MeterGaps)

# DuckDB column types of the polars dtypes the registry uses.
_DUCKDB = {
    pl.Int8: "TINYINT",
    pl.Int32: "INTEGER",
    pl.Int64: "BIGINT",
    pl.UInt32: "UINTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.String: "VARCHAR",
    pl.Date: "DATE",
}


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision}, {dtype.scale})"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    return _DUCKDB[dtype.base_type()] if dtype.base_type() in _DUCKDB else _DUCKDB[dtype]


def duckdb_columns(dtypes: dict[str, pl.DataType]) -> str:
    return ", ".join(f'"{name}" {duckdb_type(dtype)}' for name, dtype in dtypes.items())
