"""The live Cloud Logging source: the real google-cloud-logging client against a local fake of the API."""

from __future__ import annotations

import gzip
import inspect
import json
import math
import os
import random
import re
import socket
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from typer.testing import CliRunner, Result

from fakes import FakeLoggingServer, Fault
from fakes.logging_server import ACCESS_TOKEN
from fakes.service_account import service_account_key
from fakes.tls import serve_tls
from loggardener.cli import app
from loggardener.errors import ExitCode, GardenerError
from loggardener.sources.cloud_logging import (
    MAX_EMPTY_PAGES,
    PACE_BURST,
    PACE_PER_MINUTE,
    QUOTA_PER_MINUTE,
    RETRY_ATTEMPTS,
    CloudLoggingSource,
    RequestPacer,
    resolve_project,
)
from loggardener.sources.google_auth import CLOCK_HINT, NETWORK_HINT, SERVER_HINT, credentials_for
from loggardener.sources.query import CHANGE_AUDIT, DECLARED_ABOVE, LogQuery, build_filter, service_clause

END = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
START = END - timedelta(hours=12)


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_entries(count: int, start: datetime = START) -> list[dict[str, Any]]:
    """Cloud Run entries, one a minute, each with fields the library's entry classes drop."""
    entries = []
    for i in range(count):
        entries.append(
            {
                "insertId": f"id-{i:05d}",
                "logName": "projects/P/logs/run.googleapis.com%2Fstderr",
                "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}},
                "timestamp": (start + timedelta(minutes=1 + i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "receiveTimestamp": (start + timedelta(minutes=1 + i, seconds=1)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "severity": "ERROR",
                "textPayload": f"boom {i}",
                "errorGroups": [{"id": f"CJ{i % 3}"}],
                "split": {"uid": "u", "index": 0, "totalSplits": 1},
            }
        )
    return entries


def source_for(server: FakeLoggingServer, clock: FakeClock, **options: Any) -> CloudLoggingSource:
    query = options.pop("query", LogQuery(start=START, end=END))
    return CloudLoggingSource(
        query,
        project=options.pop("project", "P"),
        endpoint=server.endpoint,
        pacer=RequestPacer(clock=clock.time, sleep=clock.sleep),
        sleep=clock.sleep,
        **options,
    )


def library_client(server: FakeLoggingServer) -> Any:
    """google-cloud-logging's own client on the fake, as an emulator user would make it."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.logging_v2 import Client

    return Client(
        project="P",
        credentials=AnonymousCredentials(),
        _use_grpc=False,
        client_options={"api_endpoint": server.endpoint},
    )


def read_all(source: CloudLoggingSource) -> list[dict[str, Any]]:
    out = []
    for record in source.records():
        assert record.error is None, record.error
        assert record.entry is not None
        out.append(record.entry)
    return out


def test_reads_every_page_exactly_once_despite_empty_page_429_and_503() -> None:
    entries = make_entries(25)
    outside = make_entries(2, start=END + timedelta(hours=1))
    clock = FakeClock()
    faults = {2: Fault(429), 4: Fault(503)}
    with FakeLoggingServer(entries + outside, page_limit=10, faults=faults, empty_pages_at={10}) as server:
        source = source_for(server, clock)
        got = read_all(source)

    assert got == entries  # all of them, once, in order, every field kept (errorGroups, split)
    # pages served: 10, empty (with a token), 10, 5; plus the 429 and the 503 answered instead of a page
    assert source.stats.pages == 4
    assert source.stats.requests == len(server.requests) == 6
    assert any(
        "retried 2 requests" in note and "429 x1" in note and "503 x1" in note for note in source.stats.notes
    )
    assert len(clock.sleeps) == 2 and all(1 <= s <= 3 for s in clock.sleeps)  # backoff waits, not real ones


def test_requests_are_what_entries_list_expects() -> None:
    clock = FakeClock()
    with FakeLoggingServer(make_entries(15), page_limit=10) as server:
        source = source_for(server, clock, query=LogQuery(start=START, end=END, services=("api",)))
        read_all(source)

    first, second = server.requests
    for request in (first, second):
        assert request.method == "POST"
        assert request.path == "/v2/entries:list"
        assert request.headers["Content-Type"] == "application/json"
        assert request.body["resourceNames"] == ["projects/P"]
        assert request.body["pageSize"] == 1000
        assert request.body["orderBy"] == "timestamp asc"
        assert request.body["filter"] == source.filter
    assert "pageToken" not in first.body
    assert second.body["pageToken"].startswith("tok-")
    filter_ = first.body["filter"]
    assert 'timestamp>="2024-05-01T00:00:00Z"' in filter_
    assert 'timestamp<"2024-05-01T12:00:00Z"' in filter_
    assert "severity>=WARNING" in filter_
    assert 'resource.labels.service_name="api"' in filter_
    assert source.stats.query_filter == filter_
    assert source.stats.project == "P"
    assert source.stats.console_url is not None
    assert source.stats.console_url.endswith("?project=P")


def test_permission_denied_names_the_role_and_is_not_retried() -> None:
    clock = FakeClock()
    message = "Permission 'logging.logEntries.list' denied on resource (or it may not exist)."
    with FakeLoggingServer(make_entries(3), faults={1: Fault(403, message)}) as server:
        source = source_for(server, clock)
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert len(server.requests) == 1
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message == (
        "permission denied reading the logs of project P: Permission 'logging.logEntries.list' denied on "
        "resource (or it may not exist); the account needs roles/logging.viewer (Logs Viewer) on the "
        "project, and the project needs the Cloud Logging API enabled"
    )


@pytest.mark.parametrize(
    "faults",
    [
        {1: Fault(403)},
        {1: Fault(404, "Project 'P' not found.")},
        {1: Fault(400, "Unparseable filter: syntax error.")},
        {n: Fault(429) for n in range(1, 20)},
        {n: Fault(503) for n in range(1, 20)},
    ],
    ids=["403", "404", "400", "429", "503"],
)
def test_error_messages_are_one_clean_line(faults: dict[int, Fault]) -> None:
    """The server's sentence sits inside ours: no '.;' or '.:' where the two meet."""
    with FakeLoggingServer(make_entries(3), faults=faults) as server, pytest.raises(GardenerError) as caught:
        read_all(source_for(server, FakeClock()))
    message = caught.value.message
    assert "\n" not in message
    assert re.search(r"[.;:,] ?[.;:,]", message) is None, message


def test_unknown_project() -> None:
    with FakeLoggingServer(make_entries(3), projects={"P"}) as server:
        source = source_for(server, FakeClock(), project="no-such-project")
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message.startswith(
        "unknown project no-such-project: Project 'no-such-project' not found; check --project, "
        "GOOGLE_CLOUD_PROJECT and the config's `project`"
    )


def test_a_project_id_the_api_refuses_is_said_as_the_project_not_the_query() -> None:
    with FakeLoggingServer(make_entries(3), projects={"P"}) as server:
        # (an id of a project id's characters that the API refuses: one with `!` or `/` is said before it asks)
        source = source_for(server, FakeClock(), project="-My_Project")
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message.startswith(
        "Cloud Logging rejected the project id -My_Project: Invalid resource name: projects/-My_Project; check "
        "--project"
    )
    assert "--filter" not in caught.value.message


def test_an_endpoint_without_the_api_is_named() -> None:
    with FakeLoggingServer(make_entries(3)) as server:
        source = CloudLoggingSource(
            LogQuery(start=START, end=END),
            project="P",
            endpoint=server.endpoint + "/elsewhere",
            sleep=FakeClock().sleep,
        )
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert (
        f"{server.endpoint}/elsewhere does not serve the Logging API's entries.list" in caught.value.message
    )


def test_invalid_filter_shows_the_servers_message() -> None:
    query = LogQuery(start=START, end=END, extra_filter='jsonPayload.x="a" AND')
    rejected = Fault(400, "Unparseable filter: syntax error at line 5, column 22, token AND")
    with FakeLoggingServer(make_entries(3), faults={1: rejected}) as server:
        source = source_for(server, FakeClock(), query=query)
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert len(server.requests) == 1
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert (
        "Cloud Logging rejected the query: Unparseable filter: syntax error at line 5" in caught.value.message
    )


def test_persistent_429_gives_up_with_backoff_after_the_attempts() -> None:
    clock = FakeClock()
    faults = {n: Fault(429) for n in range(1, 20)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        source = source_for(server, clock)
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert len(server.requests) == RETRY_ATTEMPTS
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert "quota exceeded" in caught.value.message
    assert f"{QUOTA_PER_MINUTE} requests a minute" in caught.value.message
    backoff = clock.sleeps
    assert len(backoff) == RETRY_ATTEMPTS - 1
    # exponential: 1, 2, 4, 8, 16, 32 seconds, each plus up to 1 second of jitter
    for n, wait in enumerate(backoff):
        assert 2**n <= wait <= 2**n + 1


def test_retry_after_from_the_server_is_honoured() -> None:
    clock = FakeClock()
    faults = {1: Fault(503, retry_after=0), 2: Fault(429, retry_after=7.5), 3: Fault(429, retry_after=3600)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        assert len(read_all(source_for(server, clock))) == 3
        assert len(server.requests) == 4
    assert clock.sleeps == [0, 7.5, 60]  # a Retry-After beyond a minute is capped


def test_a_server_that_keeps_asking_for_no_wait_still_gets_the_backoff_after_its_first_retry() -> None:
    """`Retry-After: 0` on every answer (a proxy's, a broken server's): the first retry is at once, as asked;
    the later ones back off, so a quota that frees up within the minute is waited for, not every attempt spent
    within a second."""
    clock = FakeClock()
    faults = {n: Fault(429, retry_after=0) for n in range(1, 30)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server, pytest.raises(GardenerError):
        read_all(source_for(server, clock))
    assert clock.sleeps[0] == 0
    for n, wait in enumerate(clock.sleeps[1:], start=1):
        assert 2**n <= wait <= 2**n + 1


def test_a_retry_after_that_is_no_number_of_seconds_falls_back_to_the_backoff() -> None:
    """`NaN` (which time.sleep refuses) and a negative Retry-After are ignored; `inf` is capped at a minute."""
    clock = FakeClock()
    faults = {
        1: Fault(429, retry_after=math.nan),
        2: Fault(429, retry_after=-5),
        3: Fault(429, retry_after=math.inf),
    }
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        assert len(read_all(source_for(server, clock))) == 3
    assert 1 <= clock.sleeps[0] <= 2 and 2 <= clock.sleeps[1] <= 3 and clock.sleeps[2] == 60


def test_a_request_timeout_or_an_aborted_attempt_is_retried_but_a_conflict_is_not() -> None:
    """408 (a proxy's request timeout, in HTML) and ABORTED (409) end an attempt, not the read; a 409 of
    another status is no transient failure."""
    clock = FakeClock()
    faults = {1: Fault(408, raw=b"<html><body>408 Request Timeout</body></html>"), 2: Fault(409, "Aborted.")}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        assert len(read_all(source_for(server, clock))) == 3
        assert len(server.requests) == 3
    assert len(clock.sleeps) == 2
    conflict = Fault(409, raw=b'{"error": {"code": 409, "message": "x", "status": "ALREADY_EXISTS"}}')
    with FakeLoggingServer(make_entries(3), faults={1: conflict}) as server:
        with pytest.raises(GardenerError) as failed:
            read_all(source_for(server, FakeClock()))
        assert len(server.requests) == 1
    assert failed.value.exit_code == ExitCode.SOURCE_FAILED and "HTTP 409" in failed.value.message


def test_unreachable_endpoint_is_a_source_failure() -> None:
    with socket.socket() as sock:  # bound, never listening, all along: refused, and no other process's port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        clock = FakeClock()
        source = CloudLoggingSource(
            LogQuery(start=START, end=END),
            project="P",
            endpoint=f"http://127.0.0.1:{port}",
            pacer=RequestPacer(clock=clock.time, sleep=clock.sleep),
            sleep=clock.sleep,
        )
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert f"cannot reach Cloud Logging at http://127.0.0.1:{port} after {RETRY_ATTEMPTS} attempts" in (
        caught.value.message
    )
    # the cause in a few words, not urllib3's pool, URL and object addresses around it
    assert ": connection refused; check the network" in caught.value.message
    assert "ConnectionPool" not in caught.value.message and "Max retries" not in caught.value.message
    assert caught.value.message.endswith(
        "check the network, a proxy (HTTPS_PROXY) and the endpoint option, then rerun"
    )


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_that_cannot_be_reached_is_named_with_the_variable_that_names_it(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """The connection that failed was to the proxy, not to Cloud Logging: the line names the proxy and where it
    came from, and how to go around it; Cloud Logging itself is fine."""
    for name in (
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as sock:  # bound, never listening, all along: refused, and no other process's port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        monkeypatch.setenv(variable, f"http://user:secret@127.0.0.1:{port}")
        with FakeLoggingServer(make_entries(3)) as server, pytest.raises(GardenerError) as caught:
            read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    said = caught.value.message
    assert said.startswith(f"cannot reach Cloud Logging at {server.endpoint} after {RETRY_ATTEMPTS} attempts")
    assert f" through the proxy http://***@127.0.0.1:{port} ({variable}): Connection refused; " in said
    assert said.endswith("check that proxy, or name the host in NO_PROXY to go around it, then rerun")
    assert "secret" not in said and "HTTPConnectionPool" not in said


@pytest.mark.parametrize("status", [500, 503])
def test_persistent_server_errors_say_what_to_do(status: int) -> None:
    clock = FakeClock()
    faults = {n: Fault(status) for n in range(1, 20)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server, pytest.raises(GardenerError) as caught:
        read_all(source_for(server, clock))
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert f"Cloud Logging failed after {RETRY_ATTEMPTS} attempts (HTTP {status})" in caught.value.message
    assert "rerun later (https://status.cloud.google.com shows outages)" in caught.value.message


@pytest.mark.parametrize(
    "fault",
    [Fault(503), Fault(429), Fault(200, raw=b"<html>captive portal</html>")],
    ids=["503", "429", "page"],
)
def test_a_read_that_fails_pages_into_it_says_how_far_it_got(fault: Fault) -> None:
    """A failure after the retries, met on a later page, says how many pages and entries were read (none of
    them written), as a refused page token does; one on the first page says nothing of pages."""
    faults = {n: fault for n in range(3, 30)}
    with (
        FakeLoggingServer(make_entries(30), page_limit=10, faults=faults) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert " attempts, 2 pages (20 entries) into the read, which is not written" in caught.value.message
    with (
        FakeLoggingServer(make_entries(30), page_limit=10, faults={n: fault for n in range(1, 30)}) as server,
        pytest.raises(GardenerError) as first,
    ):
        read_all(source_for(server, FakeClock()))
    assert "into the read" not in first.value.message


def test_an_answer_not_compressed_as_its_header_says_is_said_in_words_not_as_the_clients_tuple() -> None:
    """A proxy that says `Content-Encoding: gzip` over a body it did not compress: retried as any unreadable
    answer, then one line saying what is wrong, with zlib's reason, not requests' and urllib3's errors nested
    in a Python tuple."""
    bad = Fault(200, raw=b'{"entries": []}', content_type="application/json", content_encoding="gzip")
    with (
        FakeLoggingServer(make_entries(3), faults={n: bad for n in range(1, 30)}) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    said = caught.value.message
    assert (
        ": the answer is not compressed as its Content-Encoding says (Error -3 while decompressing data: "
        in said
    )
    assert "('" not in said and "error(" not in said


def test_a_quota_whose_retry_after_is_past_a_minute_says_how_long_the_server_asks_to_wait() -> None:
    faults = {n: Fault(429, retry_after=3600) for n in range(1, 30)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server, pytest.raises(GardenerError) as caught:
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert "Cloud Logging asks to wait 3600 s (Retry-After) before trying again" in caught.value.message
    assert "wait a minute" not in caught.value.message
    with (
        FakeLoggingServer(
            make_entries(3), faults={n: Fault(429, retry_after=30) for n in range(1, 30)}
        ) as server,
        pytest.raises(GardenerError) as short,
    ):
        read_all(source_for(server, FakeClock()))
    assert "wait a minute" in short.value.message  # a wait within the minute the quota refills in


def test_a_certificate_not_trusted_is_said_with_the_way_to_trust_it_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An https:// endpoint (a private one, or behind a TLS-inspecting proxy) whose certificate is refused: one
    line naming it and REQUESTS_CA_BUNDLE, at the first attempt; with its authority's certificate in
    REQUESTS_CA_BUNDLE the read works."""
    server = FakeLoggingServer(make_entries(3))
    bundle = serve_tls(server._server, tmp_path)
    with server:
        endpoint = server.endpoint.replace("http://", "https://")
        clock = FakeClock()

        def source(clock: FakeClock) -> CloudLoggingSource:
            return CloudLoggingSource(
                LogQuery(start=START, end=END),
                project="P",
                endpoint=endpoint,
                credentials=Credentials(token=ACCESS_TOKEN),
                pacer=RequestPacer(clock=clock.time, sleep=clock.sleep),
                sleep=clock.sleep,
            )

        with pytest.raises(GardenerError) as caught:
            read_all(source(clock))
        assert caught.value.exit_code == ExitCode.SOURCE_FAILED
        assert caught.value.message.startswith(
            f"cannot reach Cloud Logging at {endpoint}: its TLS certificate is not trusted (self-signed certificate); "
        )
        assert "REQUESTS_CA_BUNDLE" in caught.value.message and not clock.sleeps  # not retried
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        assert len(read_all(source(FakeClock()))) == 3


def test_no_credentials_says_how_to_get_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    source = CloudLoggingSource(LogQuery(start=START, end=END), project="P")
    with pytest.raises(GardenerError) as caught:
        list(source.records())
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert "gcloud auth application-default login" in caught.value.message
    assert "GOOGLE_APPLICATION_CREDENTIALS" in caught.value.message


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "is a directory, not a key file"),
        (b"0\x82\x0a\xd5\x02\x01\x03\xffSECRET-KEY-MATERIAL\x81", "not UTF-8 text: a P12 key?"),
        (b'["SECRET-KEY-MATERIAL"]', "holds a JSON array, not a credentials object"),
        (b'{"type": "service_account", "private_key": "SECRET-KEY-MATERIAL"', "is not valid JSON at line 1"),
        (b"", "is not valid JSON at line 1 column 1"),
        (b"[" * 100_000 + b"]" * 100_000, "is not a JSON key file (nested too deeply)"),
        (
            b'{"installed": {"client_id": "1-a.apps.googleusercontent.com", "client_secret": "SECRET-KEY-MATERIAL",'
            b' "redirect_uris": ["http://localhost"]}}',
            "is an OAuth client ID file (the client secret an app signs people in with), not credentials",
        ),
        (b'{"web": {"client_secret": "SECRET-KEY-MATERIAL"}}', "is an OAuth client ID file"),
        (
            b'{"client_email": "a@p.iam.gserviceaccount.com", "private_key": "SECRET-KEY-MATERIAL"}',
            'holds no "type" field, which every credentials file has',
        ),
        (
            b'{"type": "impersonated_service_account", "service_account_impersonation_url": "https://iam'
            b"credentials.googleapis.com/v1/projects/-/serviceAccounts/g@p.iam.gserviceaccount.com:generateAccess"
            b'Token", "delegates": ["SECRET-KEY-MATERIAL"]}',
            'is a credentials file of type "impersonated_service_account" without "source_credentials", which it needs',
        ),
        (
            b'{"type": "service_account", "client_email": "a@p.iam.gserviceaccount.com", "private_key": null,'
            b' "private_key_id": "SECRET-KEY-MATERIAL"}',
            'is a credentials file of type "service_account" without "private_key", "token_uri", which it needs',
        ),
        (
            b'{"type": "external_account", "audience": "//iam.googleapis.com/SECRET-KEY-MATERIAL", "token_url": '
            b'"https://sts.googleapis.com/v1/token", "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}',
            'is a credentials file of type "external_account" without "credential_source", which it needs',
        ),
    ],
    ids=[
        "directory",
        "p12",
        "list",
        "cut-off",
        "empty",
        "deep",
        "oauth-installed",
        "oauth-web",
        "no-type",
        "impersonated-without-source",
        "service-account-without-key",
        "external-without-source",
    ],
)
def test_a_credentials_file_that_cannot_be_used_is_one_line_without_its_content(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes | None, said: str
) -> None:
    key = tmp_path / "key.json"
    if content is None:
        key.mkdir()
    else:
        key.write_bytes(content)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    with pytest.raises(GardenerError) as caught:
        list(CloudLoggingSource(LogQuery(start=START, end=END), project="P").records())
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(f"GOOGLE_APPLICATION_CREDENTIALS names {key}, which ")
    assert said in caught.value.message
    assert "SECRET-KEY-MATERIAL" not in caught.value.message and "\\x" not in caught.value.message


def _service_account_key(path: Path, **more: str) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=1024).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key = {
        "type": "service_account",
        "project_id": "p",
        "private_key_id": "k1",
        "private_key": private.decode(),
        "client_email": "gardener@p.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path.write_text(json.dumps(key | more), encoding="utf-8")
    return path


def test_credentials_of_another_universe_at_the_default_endpoint_are_said_before_any_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A sovereign cloud's key (`universe_domain` other than googleapis.com) sent to logging.googleapis.com:
    its token is refused there, after retries said as a network or permission fault; said at once, exit 4."""
    from loggardener.sources.google_auth import credentials_for

    key = _service_account_key(tmp_path / "key.json", universe_domain="s3nsapis.fr")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    with pytest.raises(GardenerError) as caught:
        list(CloudLoggingSource(LogQuery(start=START, end=END), project="P").records())
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(
        "the Google Cloud credentials are of the universe s3nsapis.fr (their universe_domain), and the API's "
        "default endpoint is googleapis.com's, which refuses them: give that universe's endpoint"
    )
    # look-alikes: googleapis.com's own key, and another universe's key with that universe's endpoint given
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(_service_account_key(tmp_path / "google.json")))
    assert credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])[0] is not None
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    assert credentials_for("https://logging.s3nsapis.fr", ["https://www.googleapis.com/auth/logging.read"])[0]


@pytest.mark.parametrize("headroom", [None, 40])
def test_a_deeply_nested_credentials_file_is_refused_before_it_is_decoded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, headroom: int | None
) -> None:
    """Nesting is checked before decoding, so the answer never depends on how deep the caller's stack is
    (json's decoder counts against the interpreter's recursion limit: the full suite's `[deep]` case failed
    once in about eight runs); a file nested past any credentials file's depth is refused even when the
    decoder would read it."""
    key = tmp_path / "key.json"
    inner = "[" * 40 + "]" * 40
    key.write_text(f'{{"type": "authorized_user", "client_id": "c", "x": {inner}, "refresh_token": "1//r"}}')
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    decoded: list[str] = []
    real_loads = json.loads

    def loads(text: str) -> Any:
        decoded.append(text)
        return real_loads(text)

    monkeypatch.setattr("loggardener.sources.google_auth.json.loads", loads)
    limit = sys.getrecursionlimit()
    if headroom is not None:  # what little stack is left must not change the answer
        sys.setrecursionlimit(len(inspect.stack(0)) + headroom)
    try:
        with pytest.raises(GardenerError) as caught:
            list(CloudLoggingSource(LogQuery(start=START, end=END), project="P").records())
    finally:
        sys.setrecursionlimit(limit)
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert "is not a JSON key file (nested too deeply)" in caught.value.message
    assert decoded == []


@pytest.mark.parametrize("kind", ["pipe", "bom"])
def test_a_credentials_file_google_auth_cannot_read_again_is_read_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    """`GOOGLE_APPLICATION_CREDENTIALS=<(vault read …)` names a pipe, which gives its content once, and a key
    saved by Notepad starts with a BOM, which google-auth refuses: the credentials come from gardener's one
    read."""
    key = json.dumps(
        {"type": "authorized_user", "client_id": "id", "client_secret": "s", "refresh_token": "1//r"}
    )
    read_end, write_end = os.pipe()
    if kind == "pipe":
        os.write(write_end, key.encode())
        path = f"/dev/fd/{read_end}"
    else:
        (tmp_path / "key.json").write_bytes(b"\xef\xbb\xbf" + key.encode())
        path = str(tmp_path / "key.json")
    os.close(write_end)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", path)
    try:
        credentials, _ = credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])
    finally:
        os.close(read_end)
    assert isinstance(credentials, Credentials) and credentials.refresh_token == "1//r"


def test_a_credentials_path_with_a_stray_line_break_is_read_without_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A variable set from `$(cat path.txt)` keeps no newline, but one written to `$GITHUB_ENV` or set from a
    file read whole does: no path to a key file ends in one, as no project id or token does (both were already
    read without it), so the key is read. Before, the line said the path 'does not exist'."""
    key = tmp_path / "key.json"
    key.write_text(
        json.dumps(
            {"type": "authorized_user", "client_id": "id", "client_secret": "s", "refresh_token": "1//r"}
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", f"{key}\n")
    credentials, _ = credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])
    assert isinstance(credentials, Credentials) and credentials.refresh_token == "1//r"

    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", f"{tmp_path / 'missing.json'}\r\n")
    with pytest.raises(GardenerError) as caught:
        credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(
        f"GOOGLE_APPLICATION_CREDENTIALS names {tmp_path / 'missing.json'}, which does not exist"
    )


@pytest.mark.parametrize(
    ("named", "said"),
    [
        (
            "~/key.json",
            "`~` was not expanded (a shell expands none inside quotes, an env file or a CI setting",
        ),
        ("~runner/secrets/sa.json", "write $HOME or the full path instead"),
        ("gs://acme-keys/sa.json", "copy it here (`gcloud storage cp URL .`) and name the copy"),
    ],
)
def test_a_credentials_path_left_unexpanded_or_a_url_is_said_as_such(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, named: str, said: str
) -> None:
    """An env file, a CI setting or quotes leave `~` as it is; the variable names no file to stream either."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "key.json").write_text("{}", encoding="utf-8")  # what `~/key.json` meant
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", named)
    with pytest.raises(GardenerError) as caught:
        credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(
        f"GOOGLE_APPLICATION_CREDENTIALS names {named}, which does not exist; "
    )
    assert said in caught.value.message and "standard input" not in caught.value.message


def test_a_missing_credentials_file_of_a_plain_path_gets_no_tilde_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "key~1.json"))
    with pytest.raises(GardenerError) as caught:
        credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])
    assert "expand" not in caught.value.message and "URL" not in caught.value.message


# --- credentials --------------------------------------------------------------------------------------------


def user_credentials(server: FakeLoggingServer) -> Credentials:
    """google-auth's own user credentials (what `gcloud auth application-default login` leaves), refreshing
    against the fake's token endpoint."""
    return Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token="1//refresh-token",
        client_id="client-id",
        client_secret="client-secret",
        token_uri=f"{server.endpoint}/token",
    )


def paths(server: FakeLoggingServer) -> list[str]:
    return [request.path for request in server.requests]


def test_a_401_to_anonymous_credentials_is_credentials_rejected() -> None:
    with FakeLoggingServer(make_entries(3), faults={1: Fault(401)}) as server:
        with pytest.raises(GardenerError) as caught:
            read_all(source_for(server, FakeClock()))
        assert len(server.requests) == 1  # not retried
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message == (
        f"credentials rejected: {server.endpoint} answered HTTP 401 (unauthenticated) to the anonymous "
        "credentials every http:// endpoint gets; use an endpoint that accepts them, or an https:// one to "
        "send Application Default Credentials"
    )


def test_credentials_are_refreshed_at_the_token_endpoint_and_sent() -> None:
    with FakeLoggingServer(make_entries(15), page_limit=10) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        assert read_all(source) == make_entries(15)
    assert paths(server) == ["/token", "/v2/entries:list", "/v2/entries:list"]
    assert "grant_type=refresh_token" in server.requests[0].body
    assert all(r.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}" for r in server.requests[1:])


def test_an_expired_access_token_is_refreshed_and_the_read_goes_on() -> None:
    with FakeLoggingServer(make_entries(3), faults={2: Fault(401)}) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        assert len(read_all(source)) == 3
    assert paths(server) == ["/token", "/v2/entries:list", "/token", "/v2/entries:list"]


def test_a_blip_at_the_token_service_is_retried_with_backoff() -> None:
    clock = FakeClock()
    with FakeLoggingServer(make_entries(3), faults={1: Fault(0), 2: Fault(0)}) as server:
        source = source_for(server, clock, credentials=user_credentials(server))
        assert len(read_all(source)) == 3
    assert paths(server) == ["/token", "/token", "/token", "/v2/entries:list"]
    assert len(clock.sleeps) == 2 and 1 <= clock.sleeps[0] <= 2 and 2 <= clock.sleeps[1] <= 3
    assert any("retried 2 requests" in note and "TransportError x2" in note for note in source.stats.notes)


def test_a_token_service_that_stays_unreachable_is_a_source_failure() -> None:
    clock = FakeClock()
    with FakeLoggingServer(make_entries(3), faults={n: Fault(0) for n in range(1, 20)}) as server:
        source = source_for(server, clock, credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert paths(server) == ["/token"] * RETRY_ATTEMPTS
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert caught.value.message.startswith(
        f"cannot reach the token service to refresh the credentials after {RETRY_ATTEMPTS} attempts: "
    )
    assert len(clock.sleeps) == RETRY_ATTEMPTS - 1


def test_a_token_service_whose_host_does_not_resolve_is_said_in_words_naming_the_host() -> None:
    """gcloud's user credentials refresh at oauth2.googleapis.com: without DNS for it the line said urllib3's
    `HTTPSConnectionPool(host=…): Max retries exceeded with url: /token (Caused by NameResolutionError(…))`."""
    clock = FakeClock()
    with FakeLoggingServer(make_entries(3)) as server:
        credentials = Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token="1//refresh-token",
            client_id="client-id",
            client_secret="client-secret",
            token_uri="http://token-service.invalid/token",
        )
        source = source_for(server, clock, credentials=credentials)
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    said = caught.value.message
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert (
        f"after {RETRY_ATTEMPTS} attempts: the host name does not resolve (token-service.invalid); " in said
    )
    assert "ConnectionPool" not in said and "Caused by" not in said


@pytest.mark.parametrize(
    "answer",
    [
        b"<html>Sign in to the network</html>",
        b'{"access_token": "ya29.x", "expires_in": "soon"}',
        b'"a token"',
        b'{"token_type": "Bearer", "expires_in": 3599}',
        b'{"access_token": 12345, "token_type": "Bearer", "expires_in": 3599}',
    ],
    ids=["html", "expires-in-text", "json-string", "no-access-token", "access-token-a-number"],
)
def test_a_token_service_answer_that_is_not_oauths_json_is_a_source_failure(answer: bytes) -> None:
    """google-auth reads such an answer with a TypeError or ValueError of its own (an internal error before):
    it is retried as a token service that cannot be reached is, then said in one line, exit code 5."""
    clock = FakeClock()
    faults = {n: Fault(200, raw=answer, content_type="application/json") for n in range(1, 20)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        source = source_for(server, clock, credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert paths(server) == ["/token"] * RETRY_ATTEMPTS
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    said = caught.value.message
    assert said.startswith("no token from the token service to refresh the credentials after ")
    assert "the token service's answer is not OAuth's JSON (a page, or JSON without a token" in said
    # said as what came, not as a service out of reach, nor in google-auth's own exception's words
    assert "cannot reach" not in said and "Error" not in said and "string indices" not in said
    assert said.endswith(f"; {NETWORK_HINT}")  # what to do, as for any unreachable service


def test_a_token_refresh_that_outlasts_the_deadline_is_said_as_the_token_services_silence() -> None:
    """The deadline met while the credentials were still getting a token (a token service or metadata server
    that does not answer, or google-auth's own retries of its 5xx) was said as Cloud Logging not answering."""
    faults = {n: Fault(200, hang=30) for n in range(1, 20)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server), deadline_seconds=1)
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert {request.path for request in server.requests} == {"/token"}
    said = caught.value.message
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    # the deadline or the request's own timeout may end the wait first: either way the token service is named
    assert said.startswith(
        (
            "no token from the token service to refresh the credentials after 1 attempt",
            "cannot reach the token service to refresh the credentials after 1 attempt",
        )
    ), said
    assert "Cloud Logging" not in said and said.endswith(NETWORK_HINT)


def test_a_silent_cloud_logging_is_still_said_as_its_own_once_the_token_came() -> None:
    """The look-alike: the token came, the API's answer did not."""
    faults = {n: Fault(200, hang=30) for n in range(2, 20)}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server), deadline_seconds=1)
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.message.startswith("no answer from Cloud Logging at ")


@pytest.mark.parametrize(
    ("status", "failing"), [("500", True), ("503", True), ("429", True), ("404", False), ("403", False)]
)
def test_the_metadata_servers_failure_after_google_auths_retries_is_the_services_not_a_verdict(
    status: str, failing: bool
) -> None:
    """Compute Engine credentials wrap the metadata server's answer in a TransportError inside the RefreshError
    (`Failed to retrieve …/token from the Google Compute Engine metadata service. Status: 500 …`): a 5xx or 429
    is the server failing (exit code 5, was "credentials rejected"); a 404 (a VM without a service account) is
    not."""
    from google.auth.exceptions import RefreshError, TransportError

    from loggardener.sources.google_auth import token_service_failure

    cause = TransportError(  # type: ignore[no-untyped-call]
        "Failed to retrieve http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/"
        f"token from the Google Compute Engine metadata service. Status: {status} Response:\nb'error'"
    )
    said = token_service_failure(RefreshError(cause))  # type: ignore[no-untyped-call]
    assert (said is not None) == failing
    assert said is None or f"Status: {status}" in said


def test_gclouds_own_credentials_file_nested_too_deeply_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Application Default Credentials gcloud wrote, when google-auth cannot decode them: exit 4, no
    internal RecursionError."""
    adc = tmp_path / "gcloud"
    adc.mkdir()
    (adc / "application_default_credentials.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(adc))
    with pytest.raises(GardenerError) as caught:
        list(CloudLoggingSource(LogQuery(start=START, end=END), project="P").records())
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith("cannot use the Google Cloud credentials (RecursionError")


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (Fault(503), "(server_error: The service is currently unavailable)"),
        (Fault(500), "(server_error: Internal error encountered)"),
        (Fault(429), "(server_error: Quota exceeded for quota metric"),
        (Fault(502, raw=b"<html><body>502 Bad Gateway</body></html>"), "(its answer is not OAuth's error)"),
    ],
    ids=["503", "500", "429", "proxy-502-page"],
)
def test_a_token_service_that_keeps_failing_on_its_side_is_a_source_failure_not_credentials_rejected(
    fault: Fault, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """google-auth retries a token service's 5xx and 429 itself, then raises the RefreshError it raises for
    revoked credentials: that was "credentials rejected", exit 4, sending the user to log in again for an
    outage. It is the token service failing, exit code 5; so is an answer that is no OAuth error at all (a
    proxy's page)."""
    from google.auth import _exponential_backoff

    monkeypatch.setattr(_exponential_backoff, "time", SimpleNamespace(sleep=lambda seconds: None))
    with FakeLoggingServer(make_entries(3), faults={n: fault for n in range(1, 20)}) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert caught.value.message.startswith(f"the token service failed to refresh the credentials {said}")
    assert caught.value.message.endswith(SERVER_HINT)
    assert "credentials rejected" not in caught.value.message


def test_revoked_credentials_are_rejected_at_once_with_the_way_out() -> None:
    faults = {1: Fault(400, "Token has been expired or revoked.")}
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert paths(server) == ["/token"]  # a RefreshError is not transient
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message == (
        "credentials rejected (invalid_grant: Token has been expired or revoked); run `gcloud auth "
        "application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file"
    )


@pytest.mark.parametrize(
    "message",
    [
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat "
        "and exp values in the JWT claim.",
        "Token used too early, 1764600000 < 1764600300. Check that your computer's clock is set correctly.",
    ],
)
def test_a_token_refused_for_its_times_says_to_check_the_clock_not_to_log_in_again(message: str) -> None:
    """A signed token the token service refuses for its issue or expiry time comes from a machine whose clock
    is off: a new login or key would be refused the same, so the line says to check the clock."""
    with FakeLoggingServer(make_entries(3), faults={1: Fault(400, message)}) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(f"credentials rejected (invalid_grant: {message.rstrip('.')}); ")
    assert caught.value.message.endswith(CLOCK_HINT)
    assert "gcloud auth" not in caught.value.message


def test_credentials_revoked_or_a_permission_removed_pages_into_a_read_say_how_far_it_got() -> None:
    """A key deleted or a role removed while a long read runs (its token refreshed between pages): the line says
    how far the read got, none of it written, as a failure after the retries does; on the first page, nothing
    of pages."""
    revoked = {3: Fault(401), 4: Fault(400, "Token has been expired or revoked.")}  # 1 token, 2 page 1
    with FakeLoggingServer(make_entries(30), page_limit=10, faults=revoked) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(
        "credentials rejected (invalid_grant: Token has been expired or revoked), 1 page (10 entries) into the "
        "read, which is not written; run `gcloud auth application-default login`"
    )
    with (
        FakeLoggingServer(make_entries(30), page_limit=10, faults={3: Fault(403)}) as server,
        pytest.raises(GardenerError) as denied,
    ):
        read_all(source_for(server, FakeClock()))
    assert denied.value.exit_code == ExitCode.CREDENTIALS
    assert denied.value.message.startswith(
        "permission denied reading the logs of project P: The caller does not have permission, 2 pages (20 "
        "entries) into the read, which is not written; the account needs roles/logging.viewer"
    )


IMPERSONATED = "log-reader@P.iam.gserviceaccount.com"


def impersonating_credentials(server: FakeLoggingServer) -> Any:
    """google-auth's impersonated credentials (`gcloud auth application-default login
    --impersonate-service-account`): the user's token from the fake's /token, then the service account's from
    the IAM Credentials API's generateAccessToken, on the fake too."""
    from google.auth import impersonated_credentials

    return impersonated_credentials.Credentials(  # type: ignore[no-untyped-call]
        source_credentials=user_credentials(server),
        target_principal=IMPERSONATED,
        target_scopes=["https://www.googleapis.com/auth/logging.read"],
        iam_endpoint_override=f"{server.endpoint}/v1/projects/-/serviceAccounts/{IMPERSONATED}:generateAccessToken",
    )


@pytest.mark.parametrize(
    ("fault", "code", "said", "hint"),
    [
        (
            Fault(
                403,
                "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
            ),
            ExitCode.CREDENTIALS,
            "credentials rejected (Unable to acquire impersonated credentials: IAM answered 403: Permission "
            "'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)); grant the account "
            "the credentials sign in as roles/iam.serviceAccountTokenCreator on the service account it impersonates",
            "roles/iam.workloadIdentityUser",
        ),
        (
            Fault(404, f"Not found; Gaia id not found for email {IMPERSONATED}"),
            ExitCode.CREDENTIALS,
            f"credentials rejected (Unable to acquire impersonated credentials: IAM answered 404: Not found; Gaia "
            f"id not found for email {IMPERSONATED}); check the email of the service account",
            "service_account_impersonation_url",
        ),
        (
            Fault(503),
            ExitCode.SOURCE_FAILED,
            "the token service failed to refresh the credentials (Unable to acquire impersonated credentials: IAM "
            "answered 503: The service is currently unavailable)",
            SERVER_HINT,
        ),
    ],
)
def test_an_impersonation_iam_refuses_says_iams_answer_and_what_to_do(
    fault: Fault, code: ExitCode, said: str, hint: str
) -> None:
    """The IAM Credentials API refusing to mint an impersonated service account's token names its answer and
    the role to grant (a 403: logging in again would not help), the account to check (404), or its outage (5xx:
    no verdict on the credentials)."""
    with FakeLoggingServer(make_entries(3), faults={2: fault}) as server:
        source = source_for(server, FakeClock(), credentials=impersonating_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert paths(server)[:2] == [
            "/token",
            f"/v1/projects/-/serviceAccounts/{IMPERSONATED}:generateAccessToken",
        ]
    assert caught.value.exit_code == code
    assert caught.value.message.startswith(said)
    assert hint in caught.value.message


def test_impersonated_credentials_iam_accepts_read_the_logs() -> None:
    """A look-alike that must not change: the impersonation IAM grants reads the entries."""
    with FakeLoggingServer(
        make_entries(3),
        faults={
            2: Fault(
                200,
                raw=b'{"accessToken": "sa-token", "expireTime": "2099-01-01T00:00:00Z"}',
                content_type="application/json",
            )
        },
    ) as server:
        source = source_for(server, FakeClock(), credentials=impersonating_credentials(server))
        assert len(read_all(source)) == 3
    assert server.requests[2].headers.get("authorization") == "Bearer sa-token"


def test_a_token_the_api_keeps_refusing_is_rejected_with_the_servers_message() -> None:
    faults = {n: Fault(401) for n in (2, 4, 6)}  # google-auth refreshes twice, then gives the 401 up
    with FakeLoggingServer(make_entries(3), faults=faults) as server:
        source = source_for(server, FakeClock(), credentials=user_credentials(server))
        with pytest.raises(GardenerError) as caught:
            read_all(source)
        assert len(server.requests) == 6
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(
        "credentials rejected (Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential); run `gcloud auth application-default login`"
    )


# --- project ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("explicit", "environment", "configured", "expected"),
    [
        ("flag", "env", "config", "flag"),
        (None, "env", "config", "env"),
        (None, None, "config", "config"),
        (None, None, None, None),
        (None, "env\n", "config", "env"),  # a value read from a file, or pasted, with its line break
        ("  ", " env ", "config", "env"),
    ],
)
def test_project_precedence_is_flag_environment_config(
    monkeypatch: pytest.MonkeyPatch,
    explicit: str | None,
    environment: str | None,
    configured: str | None,
    expected: str | None,
) -> None:
    if environment is None:
        monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    else:
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", environment)
    assert resolve_project(explicit, configured) == expected


@pytest.mark.parametrize(
    "project", ["my-project\nother", "my project", "my-project\x1b[2J", "my-\u200bproject"]
)
def test_a_project_id_with_a_space_or_control_character_is_said_before_any_request(
    monkeypatch: pytest.MonkeyPatch, project: str
) -> None:
    """Two ids in one variable, a pasted name: said as the project (it was 'rejected the query: … check
    --filter' after a request)."""
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", project)
    with pytest.raises(GardenerError) as caught:
        resolve_project(None)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert "holds a space, line break or control character" in caught.value.message


def test_project_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "env-project")
    with FakeLoggingServer(make_entries(2), projects={"env-project"}) as server:
        source = source_for(server, FakeClock(), project=None)
        assert len(read_all(source)) == 2
    assert server.requests[0].body["resourceNames"] == ["projects/env-project"]


def test_max_entries_keeps_the_earliest_entries_and_says_up_to_when() -> None:
    entries = make_entries(25)
    stored = entries[:]
    random.Random(4).shuffle(stored)  # the service sorts; the order it stores entries in does not matter
    assert stored[:12] != entries[:12]
    with FakeLoggingServer(stored, page_limit=10) as server:
        source = source_for(server, FakeClock(), max_entries=12)
        got = read_all(source)
        assert len(server.requests) == 2  # stops reading once the cap is reached
    assert got == entries[:12]
    assert source.stats.truncated
    (note,) = [n for n in source.stats.notes if n.startswith("TRUNCATED")]
    assert note.startswith(
        "TRUNCATED: stopped at --max-entries 12 (entries up to 2024-05-01T00:12:00.000000Z); the window "
        "2024-05-01T00:00:00Z to 2024-05-01T12:00:00Z holds more entries."
    )
    assert entries[11]["timestamp"] == "2024-05-01T00:12:00.000000Z" < entries[12]["timestamp"]


def test_the_fake_sorts_by_timestamp_in_the_order_asked() -> None:
    """The fake serves what the service would, so the truncation test above means something."""
    from google.cloud.logging_v2 import ASCENDING, DESCENDING

    entries = make_entries(5)
    # within one microsecond: Python's datetime cannot tell these apart, the service orders by nanosecond
    entries[1]["timestamp"] = "2024-05-01T00:02:00.000000002Z"
    entries[2]["timestamp"] = "2024-05-01T00:02:00.000000010Z"
    stored = [entries[i] for i in (3, 2, 0, 4, 1)]
    with FakeLoggingServer(stored, page_limit=2) as server:
        client = library_client(server)
        window = build_filter(LogQuery(start=START, end=END))
        ascending = [e.insert_id for e in client.list_entries(filter_=window, order_by=ASCENDING)]
        descending = [e.insert_id for e in client.list_entries(filter_=window, order_by=DESCENDING)]
        assert {r.body["orderBy"] for r in server.requests} == {"timestamp asc", "timestamp desc"}
    ids = [e["insertId"] for e in entries]
    assert ascending == ids
    assert descending == ids[::-1]


def test_max_entries_equal_to_the_window_is_not_a_cut() -> None:
    with FakeLoggingServer(make_entries(10), page_limit=10) as server:
        source = source_for(server, FakeClock(), max_entries=10)
        assert len(read_all(source)) == 10
    assert not source.stats.truncated


def test_an_item_that_is_not_an_object_is_counted_not_fatal() -> None:
    entries: list[Any] = [
        *make_entries(2),
        "not an entry",
        *make_entries(1, start=START + timedelta(hours=1)),
    ]
    with FakeLoggingServer(entries) as server:
        records = list(source_for(server, FakeClock()).records())
    assert [r.position for r in records] == [1, 2, 3, 4]
    assert records[2].entry is None
    assert records[2].error == "entry 3 (page 1): expected a LogEntry object, found a JSON string"


def test_save_export_writes_the_raw_entries_as_ndjson(tmp_path: Path) -> None:
    entries = make_entries(15)
    export = tmp_path / "scan.ndjson"
    with FakeLoggingServer(entries, page_limit=10, empty_pages_at={10}) as server:
        source = source_for(server, FakeClock(), save_export=export)
        read_all(source)
    lines = export.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == entries
    assert not (tmp_path / "scan.ndjson.partial").exists()
    assert any(str(export) in note for note in source.stats.notes)


def test_save_export_named_gz_is_gzip_compressed(tmp_path: Path) -> None:
    """It was plain NDJSON under a .gz name: gardener read it back, zcat and gunzip did not."""
    import gzip

    entries = make_entries(4)
    export = tmp_path / "scan.ndjson.gz"
    with FakeLoggingServer(entries) as server:
        read_all(source_for(server, FakeClock(), save_export=export))
    lines = gzip.decompress(export.read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == entries
    assert not (tmp_path / "scan.ndjson.gz.partial").exists()


def test_save_export_creates_its_directory(tmp_path: Path) -> None:
    export = tmp_path / "exports" / "2024-05-01" / "scan.ndjson"
    with FakeLoggingServer(make_entries(3)) as server:
        read_all(source_for(server, FakeClock(), save_export=export))
    assert len(export.read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize("fails_at", ["write", "close"])
def test_save_export_on_a_full_disk_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails_at: str
) -> None:
    """A write (or the flush at close) that finds the disk full was an internal error."""
    import errno
    import io

    class FullDisk(io.StringIO):
        def write(self, text: str) -> int:
            if fails_at == "write":
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(text)

        def close(self) -> None:
            super().close()
            if fails_at == "close":
                raise OSError(errno.ENOSPC, "No space left on device")

    export = tmp_path / "scan.ndjson"
    monkeypatch.setattr(CloudLoggingSource, "_open_export", lambda self: FullDisk())
    with FakeLoggingServer(make_entries(3)) as server, pytest.raises(GardenerError) as caught:
        read_all(source_for(server, FakeClock(), save_export=export))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert (
        caught.value.message
        == f"cannot write export {export}: no space left on the device: free some space and rerun"
    )
    assert not export.exists()


def test_save_export_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a directory", encoding="utf-8")
    export = tmp_path / "taken" / "scan.ndjson"
    with FakeLoggingServer(make_entries(3)) as server:
        with pytest.raises(GardenerError) as caught:
            read_all(source_for(server, FakeClock(), save_export=export))
        assert server.requests == []  # checked before anything is read
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert (
        caught.value.message
        == f"cannot write export into {tmp_path / 'taken'}: it is a file, not a directory"
    )


def test_save_export_never_writes_through_a_planted_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "scan.ndjson.partial").symlink_to(victim)
    with FakeLoggingServer(make_entries(3)) as server:
        with pytest.raises(GardenerError) as caught:
            read_all(source_for(server, FakeClock(), save_export=tmp_path / "scan.ndjson"))
        assert server.requests == []
    assert "symbolic link" in caught.value.message
    assert victim.read_text(encoding="utf-8") == "precious"


def test_save_export_leaves_nothing_when_the_scan_fails(tmp_path: Path) -> None:
    export = tmp_path / "scan.ndjson"
    with FakeLoggingServer(make_entries(15), page_limit=10, faults={2: Fault(403)}) as server:
        source = source_for(server, FakeClock(), save_export=export)
        with pytest.raises(GardenerError):
            read_all(source)
    assert list(tmp_path.iterdir()) == []


def test_bad_options_are_bad_input() -> None:
    with pytest.raises(GardenerError) as caught:
        CloudLoggingSource(LogQuery(start=START, end=END), project="P", endpoint="localhost:8080")
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    with pytest.raises(GardenerError):
        CloudLoggingSource(LogQuery(start=START, end=END), project="P", max_entries=0)


# --- pacing ---------------------------------------------------------------------------------------------


def pace(requests: int, clock: FakeClock, pacer: RequestPacer) -> list[float]:
    starts = []
    for _ in range(requests):
        pacer.acquire()
        starts.append(clock.now)
    return starts


def test_pacer_lets_a_burst_through_then_holds_the_rate() -> None:
    clock = FakeClock()
    starts = pace(100, clock, RequestPacer(clock=clock.time, sleep=clock.sleep))
    t0 = starts[0]
    assert starts[:PACE_BURST] == [t0] * PACE_BURST
    interval = 60 / PACE_PER_MINUTE
    assert starts[PACE_BURST:] == pytest.approx([t0 + interval * (i + 1) for i in range(100 - PACE_BURST)])
    # 100 pages of 1000 entries: the time pacing alone adds to a 100000-entry read
    assert starts[-1] - t0 == pytest.approx((100 - PACE_BURST) * interval)  # 110.4 s


def test_pacer_stays_under_the_quota_in_every_minute() -> None:
    clock = FakeClock()
    starts = pace(300, clock, RequestPacer(clock=clock.time, sleep=clock.sleep))
    busiest = max(sum(1 for s in starts if t <= s < t + 60) for t in starts)
    assert busiest <= PACE_BURST + PACE_PER_MINUTE < QUOTA_PER_MINUTE


def test_pacer_refills_while_the_caller_is_busy() -> None:
    clock = FakeClock()
    pacer = RequestPacer(per_minute=60, burst=2, clock=clock.time, sleep=clock.sleep)
    pace(2, clock, pacer)
    clock.now += 5  # time spent processing pages refills the bucket
    pace(2, clock, pacer)
    assert clock.sleeps == []
    pace(1, clock, pacer)
    assert clock.sleeps == [pytest.approx(1.0)]


def test_a_long_read_is_paced_on_the_fake_clock() -> None:
    clock = FakeClock()
    with FakeLoggingServer(make_entries(30), page_limit=2) as server:
        source = source_for(server, clock)
        assert len(read_all(source)) == 30
        assert len(server.requests) == 15
    # 15 requests: 8 at once, then 7 more at 1.2 s each
    assert sum(clock.sleeps) == pytest.approx(7 * 60 / PACE_PER_MINUTE)
    assert any(note.startswith("paced under the entries.list quota") for note in source.stats.notes)


def test_same_request_as_the_librarys_own_list_entries_which_drops_error_groups() -> None:
    """Our pages are the library's entries.list calls; only the item conversion differs."""
    from google.cloud.logging_v2 import ASCENDING

    entries = make_entries(3)
    with FakeLoggingServer(entries) as server:
        source = source_for(server, FakeClock())
        ours = read_all(source)
        theirs = list(
            library_client(server).list_entries(filter_=source.filter, order_by=ASCENDING, page_size=1000)
        )
        ours_request, library_request = server.requests
    assert ours_request.body == library_request.body
    assert ours_request.path == library_request.path
    assert ours_request.query == library_request.query == {"prettyPrint": ["false"]}
    assert ours == entries
    assert all("errorGroups" in entry for entry in ours)
    assert all("errorGroups" not in entry.to_api_repr() for entry in theirs)


# --- gardener scan, live ----------------------------------------------------------------------------------

NOW = "2026-11-21T17:45:00Z"


def demo_entries() -> list[dict[str, Any]]:
    from loggardener.sources.demo import demo_export_path

    entries: list[dict[str, Any]] = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    return entries


def scan_report(tmp_path: Path, name: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    report = tmp_path / f"{name}.json"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            *args,
            "--hours",
            "12",
            "--now",
            NOW,
            "--out",
            str(tmp_path / name),
            "--report-json",
            str(report),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return parsed


def clusters_of(report: dict[str, Any]) -> dict[str, int]:
    return {c["fingerprint"]: c["count"] for c in report["clusters"]}


def test_live_scan_finds_the_same_clusters_as_the_export_despite_faults(tmp_path: Path) -> None:
    entries = demo_entries()
    export = tmp_path / "exports" / "2026-11-21" / "fetched.ndjson"  # directories made as needed
    faults = {2: Fault(429, retry_after=0), 4: Fault(503, retry_after=0)}
    with FakeLoggingServer(entries, page_limit=300, faults=faults, empty_pages_at={600}) as server:
        live = scan_report(
            tmp_path,
            "live",
            "--project",
            "P",
            "--save-export",
            str(export),
            env={"GARDENER_LOGGING_ENDPOINT": server.endpoint},
        )
        requests = len(server.requests)
    source_file = tmp_path / "demo.json"
    source_file.write_text(json.dumps(entries), encoding="utf-8")
    from_file = scan_report(tmp_path, "file", "--from", str(source_file))
    replayed = scan_report(tmp_path, "replay", "--from", str(export))

    # 1343 entries in pages of at most 300: 5 pages, 1 empty page with a token, 1 429 and 1 503 retried
    assert requests == 8
    assert live["totals"]["read"] == from_file["totals"]["read"] == len(entries)
    assert clusters_of(live) == clusters_of(from_file) == clusters_of(replayed)
    assert len(live["clusters"]) > 5
    assert live["project"] == "P"
    assert 'timestamp>="2026-11-21T05:45:00Z"' in live["query_filter"]
    assert "severity>=WARNING" in live["query_filter"]
    assert live["console_url"].startswith("https://console.cloud.google.com/logs/query;query=")
    assert any("retried 2 requests" in note for note in live["notes"])
    # the export holds every entry once, in the order the service serves them: by timestamp
    served = sorted(entries, key=lambda entry: str(entry["timestamp"]))  # one format, 9 digits: text order
    assert [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()] == served


def _live_scan(endpoint: str, out: Path, *more: str) -> Result:
    """`gardener scan` of project P's last 12 hours at NOW, against the fake Logging API at `endpoint`."""
    return CliRunner().invoke(
        app,
        ["scan", "--project", "P", "--hours", "12", "--now", NOW, "--out", str(out), "--no-state", *more],
        env={"GARDENER_LOGGING_ENDPOINT": endpoint},
    )


def test_a_malformed_live_entry_is_named_by_its_page_and_insertid_not_by_a_line(tmp_path: Path) -> None:
    """A live read has no lines: an entry it cannot use is named by its place in the read, its page and its
    insertId, which is what finds it in Logs Explorer. The line numbers of an export stay as they are."""
    entries = make_entries(7, start=datetime(2026, 11, 21, 10, tzinfo=timezone.utc))
    del entries[4]["textPayload"]
    entries[4]["jsonPayload"] = "not an object"
    entries[4]["insertId"] = "bad-one-" + "x" * 200  # a hostile insertId is quoted cut
    entries[5] = ["not", "an", "entry"]
    with FakeLoggingServer(entries, page_limit=3) as server:
        result = _live_scan(server.endpoint, tmp_path / "live")
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    joined = "".join(result.stderr.split())  # the terminal wraps the long insertId anywhere
    assert f"entry5(page2,insertIdbad-one-{'x' * 72}):jsonPayloadisnotanobject" in joined
    assert "entry 6 (page 2): expected a LogEntry object, found a JSON array" in said
    assert "line" not in said.lower()
    worklog = next((tmp_path / "live").glob("*.md")).read_text(encoding="utf-8")
    assert "entry 5 (page 2, insertId bad-one-" in worklog

    export = tmp_path / "e.ndjson"
    export.write_text("\n".join(json.dumps(e) for e in entries) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["scan", "--from", str(export), "--out", str(tmp_path / "file"), "--no-state"]
    )
    assert "skipped line 5: jsonPayload is not an object" in " ".join(result.stderr.split())


def test_malformed_live_entries_past_those_listed_are_counted_as_entries(tmp_path: Path) -> None:
    entries: list[Any] = [*make_entries(3, start=datetime(2026, 11, 21, 10, tzinfo=timezone.utc)), *range(53)]
    with FakeLoggingServer(entries) as server:
        result = _live_scan(server.endpoint, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "… and 3 more malformed entries" in result.stderr


def test_a_live_entry_holding_lone_surrogates_or_nested_too_deep_is_read_as_an_exports(
    tmp_path: Path,
) -> None:
    """An API's answer is JSON too: a lone surrogate escape (text no output can encode) in a message or a
    service name ended the scan with an internal error; it is replaced, as in an export, and an entry nested
    past the bound is one named malformed entry."""
    entries = make_entries(4, start=datetime(2026, 11, 21, 10, tzinfo=timezone.utc))
    entries[1]["textPayload"] = "boom \ud800 here"
    entries[1]["resource"]["labels"]["service_name"] = "api-\udc00"
    deep: Any = []
    for _ in range(80):
        deep = [deep]
    entries[2]["jsonPayload"] = {"deep": deep}
    out = tmp_path / "live"
    with FakeLoggingServer(entries) as server:
        result = _live_scan(server.endpoint, out, "--report-json", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (report["totals"]["read"], report["totals"]["clustered"]) == (4, 3)
    [malformed] = report["totals"]["malformed"]
    assert malformed["error"] == "entry 3 (page 1, insertId id-00002): JSON nested deeper than 64 levels"
    assert "api-\ufffd" in {service for c in report["clusters"] for service in c["services"]}
    next(out.glob("*.md")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("flag", "environment", "expected"),
    [
        (None, None, "config-project"),
        (None, "env-project", "env-project"),  # CI's environment beats a committed config file
        ("flag-project", "env-project", "flag-project"),
    ],
)
def test_live_scan_project_is_flag_then_environment_then_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str | None, environment: str | None, expected: str
) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    if environment is not None:
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", environment)
    config = tmp_path / "gardener.toml"
    config.write_text('project = "config-project"\n', encoding="utf-8")
    entries = make_entries(3, start=datetime(2026, 11, 21, 17, 0, tzinfo=timezone.utc))
    projects = {"config-project", "env-project", "flag-project"}
    with FakeLoggingServer(entries, projects=projects) as server:
        args = ["--config", str(config), "--no-state", *(["--project", flag] if flag else [])]
        report = scan_report(tmp_path, "live", *args, env={"GARDENER_LOGGING_ENDPOINT": server.endpoint})
    assert [r.body["resourceNames"] for r in server.requests] == [[f"projects/{expected}"]]
    assert report["project"] == expected


def test_print_filter_prints_the_query_and_exits() -> None:
    result = CliRunner().invoke(
        app,
        ["scan", "--project", "P", "--hours", "12", "--now", NOW, "--service", "api", "--print-filter"],
    )
    assert result.exit_code == 0, result.stderr
    head = (
        'timestamp>="2026-11-21T05:45:00Z"\n'
        'AND timestamp<"2026-11-21T17:45:00Z"\n'
        f"AND {service_clause(['api'])}\n"
        'AND (severity>=WARNING OR (log_id("run.googleapis.com/stderr") AND severity=DEFAULT)'
        ' OR log_id("run.googleapis.com/varlog/system") OR ('
    )
    assert result.stdout.startswith(head)
    assert result.stdout.endswith(f") OR {CHANGE_AUDIT})\n")
    # within Cloud Logging's 20,000 characters: the text payload's pattern whole, rarer message fields by presence
    # where the whole pattern for each would pass the limit
    assert len(result.stdout) <= 20_000
    assert DECLARED_ABOVE.split(" OR ")[0] in result.stdout


@pytest.mark.parametrize(
    ("given", "clause"),
    [("error", "AND (severity>=ERROR OR "), ("Critical", "AND (severity>=CRITICAL OR ")],
)
def test_print_filter_takes_the_severity_in_any_case(given: str, clause: str) -> None:
    args = ["scan", "--project", "P", "--hours", "12", "--now", NOW, "--print-filter"]
    result = CliRunner().invoke(app, [*args, "--min-severity", given])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2].startswith(clause)


@pytest.mark.parametrize(
    ("other", "named"),
    [("--report-json", "--report-json"), ("--assignments", "--assignments"), ("--state", "the state file")],
)
def test_save_export_on_another_outputs_path_is_refused_before_reading(
    tmp_path: Path, other: str, named: str
) -> None:
    """The export was replaced by the report written after it (or it replaced the state), in silence."""
    path = tmp_path / "x.json"
    with FakeLoggingServer(make_entries(3)) as server:
        args = [
            "scan",
            "--project",
            "P",
            "--hours",
            "12",
            "--now",
            NOW,
            "--logging-endpoint",
            server.endpoint,
        ]
        result = CliRunner().invoke(
            app, [*args, "--out", str(tmp_path), "--save-export", str(path), other, str(path)]
        )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"--save-export and {named} are the same file" in result.stderr
    assert not server.requests and not path.exists()


def test_live_scan_rejects_an_unknown_severity_before_reading() -> None:
    args = ["scan", "--project", "P", "--hours", "12", "--logging-endpoint", "http://127.0.0.1:9"]
    result = CliRunner().invoke(app, [*args, "--min-severity", "LOUD"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Invalid value for '--min-severity'" in result.stderr
    assert "'LOUD' is not one of" in result.stderr


@pytest.mark.parametrize(
    ("fault", "code", "expected"),
    [
        (Fault(403), ExitCode.CREDENTIALS, "roles/logging.viewer"),
        (Fault(401), ExitCode.CREDENTIALS, "credentials rejected"),
        (
            Fault(400, "Unparseable filter: unknown field 'jsonPayload..x'"),
            ExitCode.BAD_INPUT,
            "jsonPayload..x",
        ),
    ],
)
def test_live_scan_errors_are_one_line_and_an_exit_code(
    tmp_path: Path, fault: Fault, code: ExitCode, expected: str
) -> None:
    with FakeLoggingServer(demo_entries(), faults={1: fault}) as server:
        result = CliRunner().invoke(
            app,
            ["scan", "--project", "P", "--hours", "12", "--now", NOW, "--out", str(tmp_path)],
            env={"GARDENER_LOGGING_ENDPOINT": server.endpoint},
        )
    assert result.exit_code == code
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_live_scan_needs_a_window() -> None:
    result = CliRunner().invoke(app, ["scan", "--project", "P", "--logging-endpoint", "http://127.0.0.1:9"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nothing to scan: give --hours N or --since for a live scan" in result.stderr


@pytest.mark.parametrize(
    ("service", "backend", "other"),
    [
        ("shop/cart", "k8s1-0a1b2c3d-shop-cart-9000-5e6f7a8b", "k8s1-0a1b2c3d-shop-cart-web-9000-5e6f7a8b"),
        ("prod-web-api", "k8s1-0a1b2c3d-prod-web-api-80-5e6f7a8b", "k8s1-0a1b2c3d-prod-web-80-5e6f7a8b"),
        ("node port 31877", "k8s-be-31877--0123456789abcdef", "k8s-be-31878--0123456789abcdef"),
    ],
)
def test_a_service_filter_finds_the_gke_backend_shown_as_that_service(
    service: str, backend: str, other: str
) -> None:
    clause = service_clause([service])
    (pattern,) = re.findall(r'resource\.labels\.backend_service_name=~"([^"]+)"', clause)
    assert re.search(pattern, backend)
    assert not re.search(pattern, other)


PAGE = json.dumps({"entries": make_entries(3)}).encode()


@pytest.mark.parametrize(
    "fault",
    [
        Fault(200, raw=PAGE[: len(PAGE) // 2], content_type="application/json"),
        Fault(200, raw=b"<html>Sign in to the network</html>"),
        Fault(200, raw=b"[1, 2]", content_type="application/json"),
        Fault(200, raw=b'{"entries": {"a": 1}}', content_type="application/json"),
        Fault(200, raw=b'{"entries": [], "nextPageToken": 7}', content_type="application/json"),
        Fault(
            200,
            raw=b'{"entries": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
            content_type="application/json",
        ),
        Fault(
            200,
            raw=b'{"entries": [{"labels": {"n": ' + b"9" * 5000 + b"}}]}",
            content_type="application/json",
        ),
        Fault(
            200,
            raw=b'{"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}}',
            content_type="application/json",
        ),
    ],
    ids=[
        "cut-off",
        "html",
        "list",
        "entries-object",
        "token-number",
        "nested-too-deep",
        "huge-int",
        "error-200",
    ],
)
def test_an_answer_that_is_no_page_is_retried_then_said_in_one_line(fault: Fault) -> None:
    clock = FakeClock()
    with FakeLoggingServer(make_entries(3), faults={1: fault}) as server:
        assert len(read_all(source_for(server, clock))) == 3  # once: retried, and the retry reads the page
    with FakeLoggingServer(make_entries(3), faults=dict.fromkeys(range(1, 20), fault)) as server:
        with pytest.raises(GardenerError) as caught:
            read_all(source_for(server, clock))
        assert len(server.requests) == RETRY_ATTEMPTS
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert caught.value.message.startswith(f"cannot read the answers of Cloud Logging at {server.endpoint}")
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (b"null", "the answer is a JSON null, not an object"),
        (b'"entries"', "the answer is a JSON string, not an object"),
        (b'{"entries": "x"}', "its `entries` is a JSON string, not a list"),
        (b'{"entries": [], "nextPageToken": 7}', "its `nextPageToken` is a JSON number, not text"),
        (b'{"entries": [], "nextPageToken": true}', "its `nextPageToken` is a JSON boolean, not text"),
        # no body at all, which the client hands over undecoded: said 'a JSON bytes'
        (b"", "the answer is empty (HTTP 200 without a body)"),
    ],
    ids=["null", "string", "entries-string", "token-number", "token-boolean", "empty"],
)
def test_an_answer_of_another_shape_is_said_in_jsons_words_not_pythons(answer: bytes, said: str) -> None:
    fault = Fault(200, raw=answer, content_type="application/json")
    server = FakeLoggingServer(make_entries(3), faults=dict.fromkeys(range(1, 20), fault))
    with server, pytest.raises(GardenerError) as caught:
        read_all(source_for(server, FakeClock()))
    assert said in caught.value.message, caught.value.message


def test_null_entries_and_token_are_an_empty_last_page() -> None:
    """proto3's JSON mapping reads `null` as the field's default."""
    fault = Fault(200, raw=b'{"entries": null, "nextPageToken": null}', content_type="application/json")
    with FakeLoggingServer(make_entries(3), faults={1: fault}) as server:
        assert read_all(source_for(server, FakeClock())) == []
        assert len(server.requests) == 1


def test_a_page_token_sent_back_again_stops_the_read_loudly() -> None:
    entries = make_entries(5)
    with FakeLoggingServer(entries, page_limit=2, sticky_token=True) as server:
        source = source_for(server, FakeClock(), max_entries=50)  # without the check: 50 entries, 49 requests
        got = read_all(source)
        assert len(server.requests) == 2  # the second answer names its own token again: no third request
    assert got == entries[:2] + entries[:1]
    assert source.stats.truncated
    assert any("sent a page token it had sent before" in note for note in source.stats.notes)


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"expired_tokens": True}, "HTTP 400: Invalid page token"),
        (
            {"faults": {2: Fault(404, "Requested entity was not found.")}},
            "HTTP 404: Requested entity was not found",
        ),
    ],
    ids=["expired-token", "not-found"],
)
def test_a_next_page_refused_is_a_failed_read_not_a_bad_query_or_project(
    settings: dict[str, Any], said: str
) -> None:
    """The query and the project were accepted for the first page: a 400 or 404 to a request that names a page
    token says nothing about --filter or --project, and a read cut there is no scan of the window."""
    with FakeLoggingServer(make_entries(25), page_limit=10, **settings) as server:
        source = source_for(server, FakeClock())
        with pytest.raises(GardenerError) as refused:
            read_all(source)
        assert [bool(r.body.get("pageToken")) for r in server.requests] == [False, True]
    assert refused.value.exit_code == ExitCode.SOURCE_FAILED
    message = refused.value.message
    assert f"refused to go on with the read after 1 page (10 entries) ({said})" in message
    assert "rerun the scan" in message
    assert "--filter" not in message and "--project" not in message and "\n" not in message


def test_a_live_scan_whose_next_page_is_refused_writes_nothing_and_exits_5(tmp_path: Path) -> None:
    with FakeLoggingServer(demo_entries(), page_limit=300, expired_tokens=True) as server:
        result = CliRunner().invoke(
            app,
            ["scan", "--project", "P", "--hours", "12", "--now", NOW, "--out", str(tmp_path / "out")],
            env={"GARDENER_LOGGING_ENDPOINT": server.endpoint},
        )
    assert result.exit_code == ExitCode.SOURCE_FAILED
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Invalid page token" in lines[0] and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_empty_pages_without_end_stop_the_read_loudly() -> None:
    """A server that answers every request with an empty page and a new token would be read forever (the
    repeated-token check never fires): a run of MAX_EMPTY_PAGES such pages stops the read, said as truncated."""
    with FakeLoggingServer(make_entries(3), endless_empty_pages=True) as server:
        source = source_for(server, FakeClock())
        assert read_all(source) == []
        assert len(server.requests) == MAX_EMPTY_PAGES
    assert source.stats.truncated
    assert any(f"sent {MAX_EMPTY_PAGES} empty pages in a row" in note for note in source.stats.notes)


def test_a_few_empty_pages_do_not_stop_the_read() -> None:
    entries = make_entries(5)
    with FakeLoggingServer(entries, page_limit=1, empty_pages_at={1, 2, 3}) as server:
        source = source_for(server, FakeClock())
        assert read_all(source) == entries
    assert not source.stats.truncated


def _disabled(reason: str, service: str) -> Fault:
    """Google's 403 for a project where the API is off (or its billing), with its google.rpc.ErrorInfo."""
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": service, "consumer": "projects/123456"},
    }
    message = f"{service} has not been used in project 123456 before or it is disabled."
    body = {"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED", "details": [info]}}
    return Fault(403, raw=json.dumps(body).encode(), content_type="application/json")


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("SERVICE_DISABLED", "`gcloud services enable logging.googleapis.com --project 123456`"),
        ("BILLING_DISABLED", "billing is not enabled on project 123456"),
    ],
)
def test_an_api_not_enabled_in_the_project_is_no_missing_role(reason: str, said: str) -> None:
    """The 403 said the account needs roles/logging.viewer (exit 4): the fix is to enable the API (or billing)."""
    with (
        FakeLoggingServer(make_entries(3), faults={1: _disabled(reason, "logging.googleapis.com")}) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert said in caught.value.message
    assert "roles/logging.viewer" not in caught.value.message and "POST " not in caught.value.message


def _quota_project_missing(service: str) -> Fault:
    """Google's 403 to user credentials (`gcloud auth application-default login`) that name no quota project:
    its ErrorInfo says SERVICE_DISABLED, for the gcloud CLI's project, not the one read."""
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "SERVICE_DISABLED",
        "domain": "googleapis.com",
        "metadata": {"service": service, "consumer": "projects/764086051850"},
    }
    message = (
        "Your application is authenticating by using local Application Default Credentials. The "
        f"{service} API requires a quota project, which is not set by default. To learn how to set your quota "
        "project, see https://cloud.google.com/docs/authentication/adc-troubleshooting/user-creds ."
    )
    body = {"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED", "details": [info]}}
    return Fault(403, raw=json.dumps(body).encode(), content_type="application/json")


def test_user_credentials_without_a_quota_project_are_told_to_set_one_not_to_enable_the_api() -> None:
    """It was said as the Cloud Logging API not enabled in project 764086051850 (gcloud's), with the `gcloud
    services enable` command for it: no use. The API disabled in the project read is still said so (above)."""
    with (
        FakeLoggingServer(
            make_entries(3), faults={1: _quota_project_missing("logging.googleapis.com")}
        ) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert caught.value.message.startswith(
        "the Cloud Logging API takes user credentials only with a quota project, and yours name none (Your "
        "application is authenticating"
    )
    assert caught.value.message.endswith(
        "run `gcloud auth application-default set-quota-project P` (or set GOOGLE_CLOUD_QUOTA_PROJECT=P), and rerun"
    )
    assert "services enable" not in caught.value.message and "764086051850" not in caught.value.message
    assert len(server.requests) == 1


def test_bigquery_refusing_user_credentials_without_a_quota_project_says_how_to_set_one() -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    fault = _quota_project_missing("bigquery.googleapis.com")
    with FakeLoggingServer([], faults=dict.fromkeys(range(1, 5), fault)) as server:
        engine = BigQueryEngine("p-roject", server.endpoint, 10, deadline_seconds=3, request_timeout=1)
        with pytest.raises(GardenerError) as caught:
            engine.columns("p-roject", "logs", "_AllLogs")
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert "`gcloud auth application-default set-quota-project p-roject`" in caught.value.message
    assert "services enable" not in caught.value.message


def _project_gone(message: str, reason: str = "CONSUMER_INVALID") -> Fault:
    """Google's 403 for a project deleted or pending deletion, as every API answers it."""
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}
    errors = [{"message": message, "domain": "global", "reason": "forbidden"}]
    body = {
        "error": {
            "code": 403,
            "message": message,
            "errors": errors,
            "status": "PERMISSION_DENIED",
            "details": [info],
        }
    }
    return Fault(403, raw=json.dumps(body).encode(), content_type="application/json")


@pytest.mark.parametrize(
    "fault",
    [
        _project_gone("Project #482913750164 has been deleted."),
        _project_gone(
            "Project 482913750164 has been scheduled for deletion and cannot be used for API calls. Visit "
            "https://console.developers.google.com/iam-admin/projects?pendingDeletion=true to undelete the project.",
            reason="",
        ),
    ],
    ids=["deleted", "pending-deletion"],
)
def test_a_deleted_project_is_said_as_such_not_as_a_missing_role(fault: Fault) -> None:
    """Its 403 said the account needs roles/logging.viewer (exit 4): no role helps; the project id is wrong
    or the project must be restored (exit 2, as an unknown project)."""
    with (
        FakeLoggingServer(make_entries(3), faults={1: fault}) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message.startswith("project P is deleted or pending deletion (Project ")
    assert "gcloud projects undelete" in caught.value.message
    assert "roles/logging.viewer" not in caught.value.message and "\n" not in caught.value.message


def test_an_id_no_project_has_gets_googles_403_said_as_the_project_not_a_role() -> None:
    """Google answers an id no project has with 403 "Permission denied on resource project X." and ErrorInfo
    CONSUMER_INVALID (it does not tell a project that does not exist from one hidden from the account)."""
    fault = _project_gone("Permission denied on resource project acme-prod-1.")
    with (
        FakeLoggingServer(make_entries(3), faults={1: fault}) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message.startswith(
        "project P does not exist, or this account cannot see it (Permission"
    )
    assert "roles/logging.viewer" not in caught.value.message


def test_a_403_page_of_a_proxy_is_no_missing_role() -> None:
    """A corporate proxy's "Access Denied" page is no answer of Cloud Logging's: said as something in between
    refusing the request (exit 5), as its 400 is; Google's own 403 (with its status) still names the role."""
    page = b"<html><head><title>Access Denied</title></head><body>Blocked by your organization's web policy</body></html>"
    with (
        FakeLoggingServer(make_entries(3), faults={1: Fault(403, raw=page)}) as server,
        pytest.raises(GardenerError) as caught,
    ):
        read_all(source_for(server, FakeClock()))
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert "refused the request with HTTP 403 (Access Denied Blocked by your organization's web policy)" in (
        caught.value.message
    )
    assert "roles/logging.viewer" not in caught.value.message


def test_the_bigquery_api_not_enabled_is_no_missing_role() -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    fault = _disabled("SERVICE_DISABLED", "bigquery.googleapis.com")
    with FakeLoggingServer([], faults=dict.fromkeys(range(1, 5), fault)) as server:
        engine = BigQueryEngine("p-roject", server.endpoint, 10, deadline_seconds=3, request_timeout=1)
        with pytest.raises(GardenerError) as caught:
            engine.columns("p-roject", "logs", "_AllLogs")
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert "`gcloud services enable bigquery.googleapis.com --project 123456`" in caught.value.message


def test_a_deleted_project_running_a_log_analytics_query_is_no_missing_role() -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    fault = _project_gone("Project #482913750164 has been deleted.")
    with FakeLoggingServer([], faults=dict.fromkeys(range(1, 5), fault)) as server:
        engine = BigQueryEngine("p-roject", server.endpoint, 10, deadline_seconds=3, request_timeout=1)
        with pytest.raises(GardenerError) as caught:
            engine.columns("p-roject", "logs", "_AllLogs")
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message.startswith(
        "project p-roject is deleted or pending deletion (Project #482913750164 has been deleted"
    )


def test_an_error_page_in_html_is_said_without_tags_or_the_request_line() -> None:
    html = b"<html><body><b>502.</b> <ins>That's an error.</ins></body></html>"
    faults = dict.fromkeys(range(1, 20), Fault(502, raw=html))
    with FakeLoggingServer(make_entries(3), faults=faults) as server, pytest.raises(GardenerError) as caught:
        read_all(source_for(server, FakeClock()))
    assert "(HTTP 502): 502. That's an error; the service is failing on its side" in caught.value.message
    assert "POST" not in caught.value.message and "<" not in caught.value.message


def test_a_400_that_is_not_the_apis_error_is_no_rejected_query() -> None:
    """nginx's "plain HTTP request was sent to HTTPS port", a proxy's refusal: nothing Cloud Logging said about
    the query, so neither --filter nor --print-filter is the way out."""
    page = b"<html><head><title>400 Bad Request</title></head><body>The plain HTTP request was sent to HTTPS port</body></html>"
    with FakeLoggingServer(make_entries(3), faults={1: Fault(400, raw=page)}) as server:
        with pytest.raises(GardenerError) as caught:
            read_all(source_for(server, FakeClock()))
        assert len(server.requests) == 1
    message = caught.value.message
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert (
        "refused the request with HTTP 400" in message
        and "plain HTTP request was sent to HTTPS port" in message
    )
    assert "--filter" not in message and "<" not in message


def test_a_password_in_an_endpoint_is_never_printed_nor_written(tmp_path: Path) -> None:
    """`http://user:password@host` (a proxy in front of an emulator): the password goes to the server, never to
    the terminal, the worklog or the report, which show `***@`; an endpoint refused for its query does not
    echo the query (`?key=…`)."""
    with FakeLoggingServer(make_entries(3)) as server:
        endpoint = server.endpoint.replace("http://", "http://ci:hunter2-secret@")
        scan_report(tmp_path, "out", "--project", "P", "--logging-endpoint", endpoint)
    written = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert b"hunter2-secret" not in written and b"http://***@127.0.0.1" in written
    refused = CliRunner().invoke(
        app,
        ["scan", "--hours", "1", "--project", "P", "--logging-endpoint", "http://127.0.0.1:9/?key=AIzaKEY"],
    )
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "AIzaKEY" not in refused.output and "'http://127.0.0.1:9/?…'" in refused.output


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_ca_bundle_variable_naming_no_file_is_one_line_before_any_request(
    tmp_path: Path, variable: str
) -> None:
    """requests fails every HTTPS request with an OSError when the bundle it is told to verify with is missing
    (a CI image without it): said once, naming the variable, not an internal error at the first request."""
    credentials = tmp_path / "adc.json"
    credentials.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "gardener-test.apps.googleusercontent.com",
                "client_secret": "not-a-secret",
                "refresh_token": "1//refresh-token-for-tests",
                "token_uri": "https://127.0.0.1:9/token",
            }
        ),
        encoding="utf-8",
    )
    missing = tmp_path / "corp" / "ca-bundle.pem"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            "--project",
            "P",
            "--logging-endpoint",
            "https://127.0.0.1:9",
            "--hours",
            "1",
            "--out",
            str(tmp_path),
        ],
        env={
            "GOOGLE_APPLICATION_CREDENTIALS": str(credentials),
            "REQUESTS_CA_BUNDLE": None,  # requests reads CURL_CA_BUNDLE only without it
            variable: str(missing),
            "GOOGLE_CLOUD_PROJECT": "",
        },
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.stderr
    assert result.stderr.startswith(f"error: {variable} names {missing}, which does not exist")
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.glob("*.md"))


_NOT_A_CERTIFICATE = {
    "empty": b"",
    "a private key": b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    "a DER certificate": bytes.fromhex("3082030a308201f2a003020102") + bytes(range(256)),
}


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
@pytest.mark.parametrize("content", list(_NOT_A_CERTIFICATE), ids=list(_NOT_A_CERTIFICATE))
def test_a_ca_bundle_holding_no_certificate_is_one_line_before_any_request(
    tmp_path: Path, variable: str, content: str
) -> None:
    """A bundle that exists but holds no PEM certificate (an empty file, the key instead of the certificate, a
    Windows `.cer` in DER form) fails every HTTPS request as the token service or the API unreachable, after
    the retries: said once, naming the variable and the file, before any request."""
    bundle = tmp_path / "corp-ca.pem"
    bundle.write_bytes(_NOT_A_CERTIFICATE[content])
    config = tmp_path / "gardener.toml"
    config.write_text("[retries]\ndeadline_seconds = 1\n")  # without the check: retried for a second, then 5
    with FakeLoggingServer(make_entries(3)) as server:
        endpoint = server.endpoint.replace("http://", "https://")
        key = tmp_path / "sa.json"
        key.write_text(
            json.dumps(
                {
                    "type": "authorized_user",
                    "client_id": "gardener-test.apps.googleusercontent.com",
                    "client_secret": "not-a-secret",
                    "refresh_token": "1//refresh-token-for-tests",
                    "token_uri": endpoint + "/token",
                }
            ),
            encoding="utf-8",
        )
        result = CliRunner().invoke(
            app,
            ["scan", "--project", "P", "--logging-endpoint", endpoint, "--hours", "1", "--out", str(tmp_path),
             "--config", str(config)],
            env={"REQUESTS_CA_BUNDLE": None, variable: str(bundle), "GOOGLE_CLOUD_PROJECT": "",
                 "GOOGLE_APPLICATION_CREDENTIALS": str(key)},
        )  # fmt: skip
        assert not server.requests
    assert result.exit_code == ExitCode.BAD_INPUT, result.stderr
    assert result.stderr.startswith(
        f"error: {variable} names {bundle}, which holds no certificate in PEM form"
    )
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.glob("*.md"))


@pytest.mark.parametrize("special", ["named pipe", "/dev/null"])
def test_a_ca_bundle_that_is_a_named_pipe_or_dev_null_is_said_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, special: str
) -> None:
    """`REQUESTS_CA_BUNDLE=/dev/null` (meant to turn verification off) holds nothing; a named pipe would make
    the check, and every request, wait for a writer forever: both said at once."""
    from loggardener.errors import missing_ca_bundle

    path = "/dev/null"
    if special == "named pipe":
        path = str(tmp_path / "ca.fifo")
        os.mkfifo(path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", path)
    problem = missing_ca_bundle([None])
    assert problem is not None and problem.exit_code == ExitCode.BAD_INPUT
    said = (
        "is a named pipe or a socket, not a file of certificates"
        if special == "named pipe"
        else ("holds no certificate in PEM form")
    )
    assert problem.message.startswith(f"REQUESTS_CA_BUNDLE names {path}, which {said}")


def test_a_ca_bundle_of_certificates_or_a_directory_passes_the_check(tmp_path: Path) -> None:
    """Look-alikes: a PEM bundle (with text around its certificates, as `openssl x509 -text` writes), and a
    directory (OpenSSL's hashed directory, read only when a certificate is looked up), are used as given."""
    from loggardener.errors import missing_ca_bundle

    server = FakeLoggingServer(make_entries(1))
    bundle = serve_tls(server._server, tmp_path)
    server._server.server_close()
    annotated = tmp_path / "annotated.pem"
    annotated.write_text("Certificate:\n    Data: (text openssl prints)\n" + bundle.read_text())
    for given in (bundle, annotated, tmp_path):
        os.environ["REQUESTS_CA_BUNDLE"], saved = str(given), os.environ.get("REQUESTS_CA_BUNDLE")
        try:
            assert missing_ca_bundle(["https://logging.googleapis.com"]) is None, given
        finally:
            if saved is None:
                del os.environ["REQUESTS_CA_BUNDLE"]
            else:
                os.environ["REQUESTS_CA_BUNDLE"] = saved


def test_a_ca_bundle_through_process_substitution_is_read_once_for_the_whole_scan(tmp_path: Path) -> None:
    """`REQUESTS_CA_BUNDLE=<(vault read …)` names a pipe, which gives its certificates once while requests reads
    the bundle for every connection: it was refused. It is read once into a private file the variable names
    for the run; the scan reaches the server over TLS, token service and API alike."""
    fifo = tmp_path / "ca.fifo"
    os.mkfifo(fifo)
    with FakeLoggingServer(make_entries(3)) as server:
        pem = serve_tls(server._server, tmp_path).read_bytes()
        endpoint = server.endpoint.replace("http://", "https://")
        key = service_account_key(tmp_path, endpoint + "/token", project="P")

        def write() -> None:
            with open(fifo, "wb") as pipe:  # as bash's `<(cat corp-ca.pem)` does, once
                pipe.write(pem)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        result = CliRunner().invoke(
            app,
            ["scan", "--project", "P", "--logging-endpoint", endpoint, "--since", START.isoformat(),
             "--until", END.isoformat(), "--no-state", "--out", str(tmp_path / "out")],
            env={"REQUESTS_CA_BUNDLE": str(fifo), "CURL_CA_BUNDLE": None, "GOOGLE_CLOUD_PROJECT": "",
                 "GOOGLE_APPLICATION_CREDENTIALS": str(key)},
        )  # fmt: skip
        writer.join(5)
    assert result.exit_code == 0, result.stderr
    assert "3 entries read" in result.stdout and list((tmp_path / "out").glob("*.md"))


def test_a_ca_bundle_variable_with_an_unexpanded_tilde_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from loggardener.errors import missing_ca_bundle

    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "~/corp/ca.pem")
    said = missing_ca_bundle([None])
    assert said is not None and said.message.startswith(
        "REQUESTS_CA_BUNDLE names ~/corp/ca.pem, which does not exist"
    )
    assert said.message.endswith(
        "; `~` was not expanded (a shell expands none inside quotes, an env file or a "
        "CI setting none at all): write $HOME or the full path instead"
    )
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp-missing/ca.pem")
    plain = missing_ca_bundle([None])
    assert plain is not None and "expand" not in plain.message


def test_a_missing_ca_bundle_stops_no_scan_of_an_http_endpoint(tmp_path: Path) -> None:
    """An http:// endpoint (an emulator: anonymous credentials) verifies nothing: the scan goes on."""
    with FakeLoggingServer(make_entries(3)) as server:
        live = CliRunner().invoke(
            app,
            ["scan", "--project", "P", "--logging-endpoint", server.endpoint, "--since", START.isoformat(),
             "--until", END.isoformat(), "--no-state", "--out", str(tmp_path)],
            env={"REQUESTS_CA_BUNDLE": str(tmp_path / "missing.pem")},
        )  # fmt: skip
    assert live.exit_code == 0, live.stderr


@pytest.mark.parametrize(
    ("project", "said"),
    [
        ("projects/billing-prod", "is a resource name: give the id alone, billing-prod"),
        ("projects/billing-prod/logs/app", "is a resource name: give the id alone, billing-prod"),
        ('"billing-prod"', "holds '\"', which no project id has: give the id without quotes"),
        ("\u2018billing-prod\u2019", "which no project id has: give the id without quotes"),
        ("billing-prod,billing-dev", "holds ',', which no project id has"),
        ("Billing-Prod-1", "has capital letters, which no project id has: give billing-prod-1"),
    ],
)
def test_a_project_id_no_project_has_is_said_before_any_request(
    monkeypatch: pytest.MonkeyPatch, project: str, said: str
) -> None:
    """The resource name's form, quotes kept from a shell or a YAML file, two ids: said as the project's
    mistake (it was the API's 'Invalid resource name: projects/projects/…' after the credentials and a request)."""
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", project)
    with pytest.raises(GardenerError) as caught:
        resolve_project(None)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert said in caught.value.message


@pytest.mark.parametrize(
    "project", ["billing-prod", "example.com:billing-prod", "918273645012", "P", "My-Emulator_1", "Ab-1"]
)
def test_project_ids_of_every_real_form_are_kept(project: str) -> None:
    assert resolve_project(project) == project


def test_a_credentials_file_that_is_a_named_pipe_nobody_writes_is_said_not_waited_for_forever(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """GOOGLE_APPLICATION_CREDENTIALS naming a named pipe no process writes to (a `mkfifo` left from a script)
    held open() forever, the scan with it; it is waited for PIPE_WAIT_SECONDS (a `<(vault read …)` that
    is slow to answer still gives its key), then said in one line, exit code 4."""
    from loggardener import files

    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(fifo))
    monkeypatch.setattr(files, "PIPE_WAIT_SECONDS", 0.05)
    with pytest.raises(GardenerError) as caught:
        credentials_for(None, ["https://www.googleapis.com/auth/logging.read"])
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert f"GOOGLE_APPLICATION_CREDENTIALS names {fifo}, which is a pipe nothing wrote to within 0 s" in (
        caught.value.message
    )
