"""Tables of the registry: projects, their meters, buyers' reservations, reviewed clearances.

These are reviewed files an operator keeps in the registry folder; each row
is checked against its model and a bad row is reported with its file and line
while the good rows proceed.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import MWH
from rrec_pipeline.basics.frequencies import FREQUENCIES as FREQUENCY_NAMES
from rrec_pipeline.basics.wallets import wallet_problem

FREQUENCIES = list(FREQUENCY_NAMES)
ROLES = ["generation", "customer"]
WALLET = r"^0x[0-9a-fA-F]{40}$"
ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
# A project's name goes into its lots' files and file names, and into spreadsheets: plain
# text of at most 120 characters, not starting like a formula, with no control character.
PROJECT_NAME = r"^[^=+\-@\x00-\x1f\x7f][^\x00-\x1f\x7f]{0,119}$"
WALLET_CHECK = "not the zero address, and a valid EIP-55 checksum when mixed-case"


def usable_wallet(column: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda w: wallet_problem(w) is None, pl.Boolean)


class Projects(pa.DataFrameModel):
    """One row per registered project (`projects.csv`)."""

    project_id: str = pa.Field(str_matches=ID, unique=True, description="the registry's id")
    project_name: str = pa.Field(description="as verification files name it")
    country: str = pa.Field(description="name or ISO code")
    us_state: str = pa.Field(nullable=True, description="blank outside the US")
    latitude: pl.Float64 = pa.Field(ge=-90, le=90, description="degrees north")
    longitude: pl.Float64 = pa.Field(ge=-180, le=180, description="degrees east")
    dc_capacity_kwp: pl.Decimal(38, 6) = pa.Field(gt=0, le=10_000_000, description="DC kWp")
    fuel_type: str = pa.Field(description="e.g. Solar")
    first_operation: pl.Date = pa.Field(description="commissioning date")
    timezone: str = pa.Field(description="IANA time zone of the site")
    installation_type: str = pa.Field(description="mini-grid, distributed PV, utility PV ...")
    owner_wallet: str = pa.Field(str_matches=WALLET, description="the producer's 0x address")
    line: pl.Int64 = pa.Field(description="line in projects.csv")

    @pa.check("owner_wallet", name=WALLET_CHECK)
    def usable_owner(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(usable_wallet(data.key))

    @pa.check(
        "project_name",
        name="plain text of at most 120 characters, not a formula, no control character",
    )
    def plain_name(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(PROJECT_NAME))

    class Config:
        strict = True


class Devices(pa.DataFrameModel):
    """Which meters belong to which project, and what they measure (`devices.csv`)."""

    project_id: str = pa.Field(str_matches=ID, description="the project the meter belongs to")
    source: str = pa.Field(description="as in core_meter__reads")
    site_id: str = pa.Field(description="as in core_meter__reads")
    device_id: str = pa.Field(nullable=True, description="blank: every device of the site")
    role: str = pa.Field(isin=ROLES, description="generation (R-RECs) or customer (MCCs)")
    line: pl.Int64 = pa.Field(description="line in devices.csv")

    class Config:
        strict = True


class Reservations(pa.DataFrameModel):
    """A buyer's reservation of projects' R-RECs over a period (`reservations.csv`)."""

    reservation_id: str = pa.Field(str_matches=ID, unique=True, description="the registry's id")
    buyer: str = pa.Field(description="who reserved")
    recipient_wallet: str = pa.Field(str_matches=WALLET, description="where R-RECs are minted")
    project_ids: pl.List(pl.String) = pa.Field(description="reserved projects, ;-separated")
    volume_mwh: MWH = pa.Field(gt=0, description="at most floor(volume) R-RECs are issued")
    start: pl.Date = pa.Field(description="first day, in each project's time zone")
    end: pl.Date = pa.Field(description="last day (included)")
    frequency: str = pa.Field(isin=FREQUENCIES, description="how often lots are issued")
    line: pl.Int64 = pa.Field(description="line in reservations.csv")

    @pa.check("recipient_wallet", name=WALLET_CHECK)
    def usable_recipient(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(usable_wallet(data.key))

    @pa.dataframe_check(name="end not before start")
    def ordered(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("end") >= pl.col("start"))

    class Config:
        strict = True


class Clearances(pa.DataFrameModel):
    """A reviewed decision that two similar projects are not one site (`clearances.csv`)."""

    project_id: str = pa.Field(description="the project held back")
    cleared_against: str = pa.Field(description="the project it resembled")
    reason: str = pa.Field(description="why they are different sites")
    line: pl.Int64 = pa.Field(description="line in clearances.csv")

    class Config:
        strict = True


class RegistryFindings(pa.DataFrameModel):
    """What holds registry rows, projects or reservations back, and why."""

    kind: str = pa.Field(
        isin=[
            "overlapping_reservation",
            "co_located",
            "duplicate_registration",
            "unregistered",
            "bad_row",
        ],
        description="what kind of problem",
    )
    ids: pl.List(pl.String) = pa.Field(description="the rows, projects or reservations concerned")
    reason: str = pa.Field(description="what is wrong, for a person")

    class Config:
        strict = True
