"""The table registry: every table the pipeline materializes, declared once.

A `Table` is a key (`{layer}_{source}__{name}`) with its pandera schema, whose
docstring describes a row and whose columns carry their own descriptions, and
its primary key (the model's `unique`, unless a table states it because
pandera checks it another way). The key's layer says where the rows are kept:
`core` (validated and normalised) and `out` (derived for users) are assets in
the Parquet warehouse, `ledger` tables live in the issuance ledger, `audit`
tables beside `rrec audit`'s report, `analysts` tables only in the analysts'
database. Asset keys, the blocking schema checks (`checks/schemas.py`, in
each asset's step), the typed empty frames the IO manager hands out for
partitions not yet written, and every DuckDB table's DDL (ledger, audit,
analysts) come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.frequencies import FREQUENCIES as FREQUENCY_NAMES
from rrec_pipeline.schemas import as_schema, polars_schema
from rrec_pipeline.schemas.audit import AuditBalances, AuditMints
from rrec_pipeline.schemas.chain import ChainTransactions, LedgerMints, LotMints, MintLog
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

STORES = {
    "core": "warehouse",
    "out": "warehouse",
    "ledger": "ledger",
    "audit": "audit",
    "analysts": "analysts",
}


@dataclass(frozen=True)
class Table:
    key: str
    schema: pa.DataFrameSchema
    stated_key: tuple[str, ...] = ()  # a primary key pandera does not check as `unique`

    @property
    def name(self) -> str:
        """The table's name inside its store (the key without its layer and source)."""
        return self.key.split("__", 1)[1]

    @property
    def store(self) -> str:
        return STORES[self.key.split("_", 1)[0]]

    @property
    def primary_key(self) -> tuple[str, ...]:
        """The stated key, else the model's `unique` columns when none may be null (a unique
        over a nullable column, such as a manual record's missing transaction, is no key)."""
        if self.stated_key:
            return self.stated_key
        columns = self.schema.columns
        unique = self.schema.unique or [name for name, column in columns.items() if column.unique]
        return () if any(columns[name].nullable for name in unique) else tuple(unique)

    def ddl(self, name: str | None = None) -> str:
        """`CREATE TABLE IF NOT EXISTS` with the registry's column types and primary key."""
        key = f", PRIMARY KEY ({', '.join(self.primary_key)})" if self.primary_key else ""
        columns = duckdb_columns(self.dtypes)
        return f"CREATE TABLE IF NOT EXISTS {name or self.name} ({columns}{key})"

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


def _table(key: str, model: type[pa.DataFrameModel], primary_key: tuple[str, ...] = ()) -> Table:
    return Table(key, as_schema(model), primary_key)


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
    "core_verification__files", _with_header_columns(VerificationFileSummaries), ("file",)
)
VERIFICATION_READINGS = _table("core_verification__readings", VerificationAcceptedReadings)
VERIFICATION_FINDINGS = _table("core_verification__findings", VerificationFindings)
GAP_EXPLANATIONS = _table("core_verification__gap_explanations", GapExplanations)
METER_READS = _table(
    "core_meter__reads", MeterReads, ("source", "device_id", "interval_start")
)  # checked by `MeterReads.unique_interval`
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


@dataclass(frozen=True)
class IssuanceAssets:
    """The assets of one lot source's issuance: its lots, their files, their entry in the ledger
    (whose data is the ledger itself, so it is a key, not a table)."""

    lots: Table
    lot_files: Table | None
    issued: str

    @property
    def planned(self) -> tuple[str, ...]:
        """The assets a run of it configures with the issuance settings (lots and issued)."""
        return (self.lots.key, self.issued)


def _issuance(name: str, with_files: bool = True) -> IssuanceAssets:
    files = _table(f"out_issuance__{name}_lot_files", LotFiles) if with_files else None
    return IssuanceAssets(
        _table(f"out_issuance__{name}_lots", IssuanceLots), files, f"out_issuance__{name}_issued"
    )


# Each frequency's period partitions, and the producers' own files (accepted verification
# files, whose lots are the files themselves): the only places issuance keys are spelled.
ISSUANCE = {frequency: _issuance(frequency) for frequency in FREQUENCY_NAMES}
FILE_LOTS = IssuanceAssets(
    _table("out_issuance__file_lots", IssuanceLots), None, "out_issuance__file_lots_issued"
)
ISSUED_KEYS = (*(assets.issued for assets in ISSUANCE.values()), FILE_LOTS.issued)


PUBLISHED_LOTS = _table("out_chain__published_lots", LotMints)
LOT_MINTS = _table("out_chain__mints", LotMints)
CHAIN_TRANSACTIONS = _table("core_chain__transactions", ChainTransactions)

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
        *(assets.lots for assets in ISSUANCE.values()),
        FILE_LOTS.lots,
        *(assets.lot_files for assets in ISSUANCE.values() if assets.lot_files),
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
LEDGER_MINTS = _table("ledger__mints", LedgerMints)
MINT_LOG = _table("ledger__mint_log", MintLog)
LEDGER_TABLES = (
    ISSUED_LOTS,
    ISSUANCE_PLANS,
    HELD_LOTS,
    CERTIFIED_READS,
    IMPORTED_LOTS,
    LEDGER_MINTS,
    MINT_LOG,
)
# What `rrec audit --out` writes beside its report.
AUDIT_MINTS = _table("audit__mints", AuditMints)
AUDIT_BALANCES = _table("audit__balances", AuditBalances)
# Derived for analysts from the meter reads and the registry, with the planner's own rule.
METER_GAPS = _table(
    "analysts__meter_gaps",
    MeterGaps,
    ("project_id", "source", "site_id", "device_id", "gap_start"),
)

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
    pl.Binary: "BLOB",
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
