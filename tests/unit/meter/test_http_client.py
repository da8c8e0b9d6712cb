"""The HTTP client against a real local server: retries, errors, redaction."""

from __future__ import annotations

import logging
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from rrec_pipeline.resources.meters.http import HttpClient, RetryPolicy
from rrec_pipeline.resources.meters.http_errors import (
    SourceAuthError,
    SourceError,
    SourceNotFoundError,
    SourceUnreachableError,
)

SECRET = "s3cr3t-value-42"


def client(server: HTTPServer, sleeps: list[float], **kwargs) -> HttpClient:
    return HttpClient(
        source="demo",
        base_url=server.url_for("/"),
        headers={"Authorization": f"Token {SECRET}"},
        params={"key": SECRET},
        secrets=(SECRET,),
        credential_hint="RREC_DEMO_TOKEN",
        sleep=sleeps.append,
        **{"retry": RetryPolicy(4, backoff_seconds=0.5), **kwargs},
    )


def test_429_with_retry_after_is_honoured_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", 429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    sleeps: list[float] = []
    response = client(httpserver, sleeps).get("/x", endpoint="/x")
    assert response.status == 200 and sleeps == [7.0]
    assert response.request["params"] == {"key": "***"}


def test_500s_back_off_exponentially_then_succeed(httpserver: HTTPServer) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/x").respond_with_data("oops", 500)
    httpserver.expect_ordered_request("/x").respond_with_json([])
    sleeps: list[float] = []
    assert client(httpserver, sleeps).get("/x", endpoint="/x").status == 200
    assert sleeps == [0.5, 1.0]


def test_giving_up_names_source_endpoint_and_cause(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("down", 503)
    with pytest.raises(SourceError) as caught:
        client(httpserver, []).get("/x", endpoint="/x")
    assert str(caught.value) == "demo /x: HTTP 503 after 4 attempts"


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, SourceAuthError), (403, SourceAuthError), (404, SourceNotFoundError)],
)
def test_client_errors_are_not_retried_and_never_show_the_secret(
    httpserver: HTTPServer, status: int, error: type
) -> None:
    httpserver.expect_request("/x").respond_with_data(f"bad key {SECRET}", status)
    sleeps: list[float] = []
    with pytest.raises(error) as caught:
        client(httpserver, sleeps).get("/x", endpoint="/x")
    assert sleeps == []
    assert "demo /x" in str(caught.value) and SECRET not in str(caught.value)
    if status != 404:
        assert "RREC_DEMO_TOKEN" in str(caught.value)


def test_an_error_body_echoing_the_secret_is_redacted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(f"unknown key={SECRET}", 400)
    with pytest.raises(SourceError) as caught:
        client(httpserver, []).get("/x", endpoint="/x")
    assert "unknown key=***" in str(caught.value)


def test_links_to_another_host_are_refused(httpserver: HTTPServer) -> None:
    with pytest.raises(SourceError, match="refusing to follow a link from http://localhost"):
        client(httpserver, []).get("http://evil.example/steal", endpoint="/x")


def test_a_refused_connection_is_reported_once_with_host_and_cause(
    httpserver: HTTPServer,
) -> None:
    """Asking a host that refuses connections again only repeats the error."""
    sleeps: list[float] = []
    dead = HttpClient(
        source="demo",
        base_url="http://127.0.0.1:9/",
        params={"key": SECRET},
        secrets=(SECRET,),
        retry=RetryPolicy(5),
        sleep=sleeps.append,
        timeout_seconds=0.5,
    )
    with pytest.raises(SourceUnreachableError) as caught:
        dead.get("/x", endpoint="/x")
    assert str(caught.value) == "demo /x: cannot connect to 127.0.0.1:9: Connection refused"
    assert sleeps == [], "no retries against a host that refuses connections"
    assert SECRET not in str(caught.value)


def test_a_timeout_is_retried_and_names_its_cause(httpserver: HTTPServer) -> None:
    def slow(_request):
        time.sleep(0.3)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    sleeps: list[float] = []
    slow_client = client(httpserver, sleeps, retry=RetryPolicy(2), timeout_seconds=0.05)
    with pytest.raises(SourceError) as caught:
        slow_client.get("/slow", endpoint="/slow")
    assert str(caught.value).startswith("demo /slow: ReadTimeout after 2 attempts (")
    assert len(sleeps) == 1


def test_rate_limit_spaces_requests(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_json({})
    sleeps: list[float] = []
    ticks = iter([0.0, 0.1, 0.1])  # first request at 0.0, second ready at 0.1
    limited = client(httpserver, sleeps, min_interval_seconds=2.0, clock=lambda: next(ticks))
    limited.get("/x", endpoint="/x")
    limited.get("/x", endpoint="/x")
    assert sleeps == [pytest.approx(1.9)]


def test_request_logs_never_carry_the_key(httpserver: HTTPServer, caplog) -> None:
    httpserver.expect_request("/x").respond_with_json({})
    with caplog.at_level(logging.DEBUG):
        client(httpserver, []).get("/x", endpoint="/x", params={"page": 2})
    # The fake server's own access log (werkzeug) is the other side of the wire.
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "GET /x?key=***&page=2" in ours
    assert SECRET not in ours
