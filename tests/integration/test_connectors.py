"""Each connector against a real local server that speaks its API.

The fakes serve one dataset; a connector is right when the kWh per device per
day it lands and normalises equal the server's own figures.
"""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from rrec_pipeline.meter_reads.days import normalise_day
from rrec_pipeline.meter_reads.ingest import PageRejectedError, land_day
from rrec_pipeline.resources.meters.enphase import Enphase
from rrec_pipeline.resources.meters.http_errors import SourceAuthError, SourceError
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.sparkmeter import SparkMeter
from rrec_pipeline.resources.meters.steamaco import SteamaCo
from rrec_pipeline.resources.meters.victron import Victron
from tests.fakes.dataset import households_and_shop
from tests.fakes.enphase import FakeEnphase
from tests.fakes.sparkmeter import FakeKoios, FakeThunderCloud
from tests.fakes.steamaco import FakeSteamaCo
from tests.fakes.victron import FakeVictron

pytestmark = pytest.mark.integration
NOW = datetime(2025, 3, 20, tzinfo=UTC)
DAYS = (date(2025, 3, 14), date(2025, 3, 15))
FAST = {"requests_per_second": 1000.0, "backoff_seconds": 0.0}


def steamaco(server):
    fake = FakeSteamaCo(server, households_and_shop())
    return fake, SteamaCo(base_url=fake.url, token=fake.token, page_size=5, **FAST)


def koios(server):
    fake = FakeKoios(server, households_and_shop())
    return fake, SparkMeter(
        base_url=fake.url, token=fake.key, secret=fake.secret, per_page=40, **FAST
    )


def enphase(server):
    fake = FakeEnphase(server, households_and_shop())
    return fake, Enphase(base_url=fake.url, token=fake.token, secret=fake.key, page_size=2, **FAST)


def victron(server):
    fake = FakeVictron(server, households_and_shop())
    return fake, Victron(base_url=fake.url, token=fake.token, **FAST)


CONNECTORS = {"steamaco": steamaco, "sparkmeter": koios, "enphase": enphase, "victron": victron}
DEVICE_NAMES = {  # how each API names the dataset's devices
    "steamaco": lambda fake, d: d,
    "sparkmeter": lambda fake, d: d,
    "enphase": lambda fake, d: f"{_key(fake.system_ids(), d)}:production_meter",
    "victron": lambda fake, d: f"{_key(fake.sites(), d)}:pv",
}


def _key(mapping: dict[str, str], value: str) -> str:
    return next(k for k, v in mapping.items() if v == value)


@pytest.fixture
def landing(tmp_path: Path) -> LandingZone:
    return LandingZone(path=str(tmp_path / "landing"))


def fetched_totals(source, landing: LandingZone, days=DAYS) -> dict:
    totals = {}
    for day in days:
        land_day(source, landing, day, now=NOW)
        reads = normalise_day(source.source, landing, day, max_kwh_per_hour=100).reads
        for device, wh in reads.group_by("device_id").agg(pl.col("wh").sum()).iter_rows():
            totals[(device, day)] = wh
    return totals


@pytest.mark.parametrize("name", CONNECTORS)
def test_wh_per_device_per_day_equal_the_servers_exactly(name, httpserver, landing) -> None:
    fake, source = CONNECTORS[name](httpserver)
    expected = {
        (DEVICE_NAMES[name](fake, device), day): wh
        for (device, day), wh in fake.dataset.daily_totals().items()
    }
    assert fetched_totals(source, landing) == expected


@pytest.mark.parametrize("name", CONNECTORS)
def test_rerunning_a_day_changes_nothing(name, httpserver, landing) -> None:
    _, source = CONNECTORS[name](httpserver)
    first = land_day(source, landing, DAYS[0], now=NOW)
    before = normalise_day(name, landing, DAYS[0], max_kwh_per_hour=100).reads
    again = land_day(source, landing, DAYS[0], now=NOW)
    after = normalise_day(name, landing, DAYS[0], max_kwh_per_hour=100).reads
    assert first.pages_new > 0
    assert again.skipped and again.skipped.startswith("complete")
    assert after.equals(before)


@pytest.mark.parametrize("name", CONNECTORS)
def test_bad_credentials_name_source_and_endpoint_never_the_token(
    name, httpserver, landing
) -> None:
    _, source = CONNECTORS[name](httpserver)
    wrong = source.model_copy(update={"token": "wrong-token-value"})
    with pytest.raises(SourceAuthError) as caught:
        land_day(wrong, landing, DAYS[0], now=NOW)
    message = str(caught.value)
    assert message.startswith(f"{name} /") and "credentials rejected" in message
    assert "wrong-token-value" not in message and f"RREC_{name.upper()}_TOKEN" in message
    assert landing.cursor(name, DAYS[0]) is None


def test_steamaco_expired_token_answered_with_http_200(httpserver, landing) -> None:
    fake, source = steamaco(httpserver)
    fake.expired_as_200 = True
    with pytest.raises(
        SourceAuthError,
        match=r"steamaco /sites/: credentials rejected "
        r"in a 200 answer \('Invalid token.'\)",
    ):
        land_day(source.model_copy(update={"token": "expired"}), landing, DAYS[0], now=NOW)


def test_429_honours_retry_after_and_500_backs_off(httpserver, landing) -> None:
    fake, source = steamaco(httpserver)
    sleeps: list[float] = []
    source._sleep = sleeps.append
    fake.fail("/meters/2/", 429, headers={"Retry-After": "3"})
    fake.fail("/customers/", 500, times=2)
    expected = fake.dataset.daily_totals()[("SM-0002", DAYS[0])]
    assert fetched_totals(source, landing, DAYS[:1])[("SM-0002", DAYS[0])] == expected
    assert 3.0 in sleeps and sleeps.count(0.0) >= 2


def test_enphase_429_without_rate_headers_backs_off_exponentially(httpserver, landing) -> None:
    fake, source = enphase(httpserver)
    sleeps: list[float] = []
    source = source.model_copy(update={"backoff_seconds": 2.0})
    source._sleep = sleeps.append
    fake.fail("/telemetry/", 429, times=2, body=b'{"message":"Too Many Requests","code":429}')
    assert fetched_totals(source, landing, DAYS[:1])
    assert [s for s in sleeps if s >= 2.0] == [2.0, 4.0]


def test_a_page_failing_after_retries_fails_the_day_with_a_clear_message(
    httpserver, landing
) -> None:
    fake, source = victron(httpserver)
    fake.fail("/stats", 503, times=10)
    with pytest.raises(
        SourceError,
        match=r"victron /v2/installations/400001/stats: "
        r"HTTP 503 after 5 attempts",
    ):
        land_day(source, landing, DAYS[0], now=NOW)
    assert landing.cursor("victron", DAYS[0]) is None


def test_an_empty_page_is_an_empty_day(httpserver, landing) -> None:
    fake, source = steamaco(httpserver)
    fake.empty_readings = True
    report = land_day(source, landing, DAYS[0], now=NOW)
    assert report.skipped is None and report.pages_new > 0
    assert normalise_day("steamaco", landing, DAYS[0], max_kwh_per_hour=100).reads.is_empty()


def test_malformed_json_quarantines_the_page_and_fails_only_that_day(httpserver, landing) -> None:
    fake, source = steamaco(httpserver)
    fake.malformed.add(r"^/meters/2/")
    with pytest.raises(
        PageRejectedError,
        match=r"steamaco /meters/2/utilities/1/readings/: "
        r"malformed JSON .*; the page is kept at",
    ):
        land_day(source, landing, DAYS[0], now=NOW)
    [entry] = (Path(landing.path) / "steamaco" / "quarantine").iterdir()
    assert (entry / "error.json").exists() and (entry / "page.json.gz").exists()
    assert landing.cursor("steamaco", DAYS[0]) is None  # the day will be asked again
    fake.malformed.clear()
    assert land_day(source, landing, DAYS[0], now=NOW).skipped is None


def test_enphase_daily_energy_on_a_dst_day(httpserver, landing) -> None:
    """New York's 2025-03-09 has 23 hours; the daily series is per local day."""
    fake = FakeEnphase(httpserver, households_and_shop(date(2025, 3, 8), days=3))
    source = Enphase(base_url=fake.url, token=fake.token, secret=fake.key, mode="daily", **FAST)
    dst = date(2025, 3, 9)
    for day in (date(2025, 3, 8), dst, date(2025, 3, 10)):
        land_day(source, landing, day, now=NOW)
    reads = pl.concat(
        [
            normalise_day("enphase", landing, d, max_kwh_per_hour=100).reads
            for d in (dst, date(2025, 3, 10))
        ]
    )
    local_day = reads.filter(pl.col("interval_start") == datetime(2025, 3, 9, 5, tzinfo=UTC))
    assert set(local_day["interval_end"]) == {datetime(2025, 3, 10, 4, tzinfo=UTC)}
    expected = fake.local_day_totals()
    for device_id, wh in local_day.select("device_id", "wh").iter_rows():
        system = device_id.split(":")[0]
        assert wh == expected[(fake.system_ids()[system], dst)]


def test_thundercloud_registers_polled_over_time_become_deltas(httpserver, landing) -> None:
    dataset = households_and_shop()
    fake = FakeThunderCloud(httpserver, dataset)
    source = SparkMeter(
        base_url=fake.url,
        token=fake.token,
        api="thundercloud",
        site_timezone="Africa/Nairobi",
        **FAST,
    )
    start = datetime(2025, 3, 14, 6, tzinfo=UTC)
    for hour in range(4):
        fake.now = start + timedelta(hours=hour)
        land_day(source, landing, DAYS[0], now=NOW)
    reads = normalise_day("sparkmeter", landing, DAYS[0], max_kwh_per_hour=100).reads
    device = reads.filter(pl.col("device_id") == "SM-0001").sort("interval_start")
    expected = [wh for _, wh in dataset.hours("SM-0001", start, start + timedelta(hours=3))]
    assert device["wh"].to_list() == expected
    assert device["customer_class"].unique().to_list() == ["type1_household"]


@pytest.mark.parametrize("name", CONNECTORS)
def test_tokens_never_reach_the_landing_zone(name, httpserver, landing) -> None:
    _, source = CONNECTORS[name](httpserver)
    land_day(source, landing, DAYS[0], now=NOW)
    secrets = [s for s in source.secrets() if s]
    for path in Path(landing.path).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            text = gzip.decompress(data) if path.suffix == ".gz" else data
            assert not any(secret.encode() in text for secret in secrets), path


def test_steamaco_site_totals_are_their_own_device(httpserver, landing) -> None:
    _, source = steamaco(httpserver)
    totals = fetched_totals(
        source.model_copy(update={"include_site_totals": True}), landing, DAYS[:1]
    )
    customers = sum(v for (device, _), v in totals.items() if not device.startswith("site:"))
    assert totals[("site:2301", DAYS[0])] == customers
