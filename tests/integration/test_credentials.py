"""Credentials reach their own origin only, never another host, a landed page or a log."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, date, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rrec_pipeline.meter_reads.ingest import land_day
from rrec_pipeline.resources.meters.http import HttpClient, RetryPolicy
from rrec_pipeline.resources.meters.http_errors import SourceError
from rrec_pipeline.resources.meters.landing import LandingZone
from tests.integration.test_connectors import CONNECTORS

pytestmark = pytest.mark.integration
NOW = datetime(2025, 3, 20, tzinfo=UTC)
DAY = date(2025, 3, 14)
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-api-secret", "x-authorization")


@pytest.fixture
def other_host():
    """A second server on another port: the origin a redirect points to."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/.*").respond_with_json({"results": [], "data": []})
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.mark.parametrize("name", CONNECTORS)
def test_a_redirect_to_another_origin_is_refused_and_gets_no_credential(
    name, httpserver, other_host, tmp_path
) -> None:
    fake, source = CONNECTORS[name](httpserver)
    target = other_host.url_for("/steal")
    fake.fail(".*", 302, times=10, headers={"Location": target})
    with pytest.raises(SourceError) as caught:
        land_day(source, LandingZone(path=str(tmp_path)), DAY, now=NOW)
    message = str(caught.value)
    assert f"to another origin (http://127.0.0.1:{other_host.port})" in message
    assert "credentials are only sent to http://localhost:" in message
    assert other_host.log == [], "nothing at all was sent to the other origin"
    for secret in (source.token, getattr(source, "secret", "")):
        assert not secret or secret not in message


def test_a_same_origin_redirect_is_followed(httpserver) -> None:
    httpserver.expect_request("/old").respond_with_data("", 301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json({"moved": True})
    client = HttpClient(source="demo", base_url=httpserver.url_for("/"), headers={"X-Key": "k1"})
    assert json.loads(client.get("/old", endpoint="/old").body) == {"moved": True}
    [_, new] = [request for request, _ in httpserver.log]
    assert new.headers["X-Key"] == "k1"


def test_an_echoed_credential_is_redacted_from_the_landed_page(httpserver, tmp_path) -> None:
    fake, source = CONNECTORS["steamaco"](httpserver)
    original = fake.route

    def echoing(request: Request):
        answer = original(request)
        if isinstance(answer, dict) and "results" in answer:
            answer = {**answer, "echo": request.headers.get("Authorization")}
        return answer

    fake.route = echoing
    landing = LandingZone(path=str(tmp_path))
    land_day(source, landing, DAY, now=NOW)
    pages = list(tmp_path.rglob("*.json.gz"))
    assert pages
    texts = [gzip.decompress(p.read_bytes()) for p in pages]
    assert not any(source.token.encode() in text for text in texts)
    records = [json.loads(text) for text in texts]
    echoed = [r for r in records if '"echo": "Token ***"' in r["body"]]
    assert echoed and all(r["request"]["redacted_secrets"] == 1 for r in echoed)


def test_a_server_that_drips_is_cut_off_at_the_deadline(httpserver) -> None:
    def drip(_request):
        def body():
            for _ in range(100):
                yield b" "
                time.sleep(0.2)

        return Response(body(), 200, content_type="application/json")

    httpserver.expect_request("/drip").respond_with_handler(drip)
    client = HttpClient(
        source="demo",
        base_url=httpserver.url_for("/"),
        timeout_seconds=5,
        deadline_seconds=1,
        retry=RetryPolicy(2, backoff_seconds=0),
        sleep=lambda _: None,
    )
    started = time.monotonic()
    with pytest.raises(SourceError, match="DeadlineExceeded after 2 attempts"):
        client.get("/drip", endpoint="/drip")
    assert time.monotonic() - started < 6


def test_a_run_stops_asking_after_its_deadline(httpserver) -> None:
    httpserver.expect_request("/x").respond_with_json({})
    client = HttpClient(source="demo", base_url=httpserver.url_for("/"), run_deadline_seconds=0.5)
    client.get("/x", endpoint="/x")
    time.sleep(0.6)
    with pytest.raises(SourceError, match=r"stopped: the run's deadline of 0\.5 s passed"):
        client.get("/x", endpoint="/x")
