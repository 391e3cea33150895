"""A live server that accepts the connection and never answers: the scan says what it waits for, gives up at
`retries.deadline_seconds` with one line (exit code 5), and leaves nothing behind."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakes import FakeLoggingServer, Fault
from loggardener.cli import app
from loggardener.config import parse_config
from loggardener.errors import ExitCode, GardenerError

runner = CliRunner()
NOW = "2026-11-30T12:00:00Z"
QUICK = "[retries]\ndeadline_seconds = 3\nrequest_timeout_seconds = 1\n"
# A deadline that always leaves room for a second attempt: the first takes the 1 s timeout, the wait after it is
# 1-2 s (exponential backoff with jitter), so with 4 s a second attempt was skipped whenever a loaded machine
# delayed the first by a second; with 6 s it takes three. A fourth never fits: three attempts and the two waits
# before them (1 + 2 s at least) reach 6 s.
RETRIED = "[retries]\ndeadline_seconds = 6\nrequest_timeout_seconds = 1\n"


def _hanging(requests: int = 20) -> FakeLoggingServer:
    return FakeLoggingServer([], faults={n: Fault(200, hang=30) for n in range(1, requests + 1)})


def test_a_cloud_logging_server_that_never_answers_is_given_up_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gardener.toml").write_text(RETRIED, encoding="utf-8")
    with _hanging() as server:
        started = time.monotonic()
        result = runner.invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "P", "--logging-endpoint", server.endpoint),
                *("--out", "out", "--report-json", "-", "--now", NOW),
            ],
        )
        elapsed = time.monotonic() - started
        attempts = len(server.requests)
    assert result.exit_code == ExitCode.SOURCE_FAILED
    assert elapsed < 12  # 6 s of deadline, not 7 attempts of 60 s
    assert 2 <= attempts <= 3
    assert result.stdout == ""  # what it waits for goes to stderr, never into --report-json -
    lines = result.stderr.strip().splitlines()
    retrying = [line for line in lines if line.startswith("retrying:")]
    assert len(retrying) == attempts - 1
    assert "no answer within 1 s (attempt 1)" in retrying[0]
    # 6 s less the attempt and the machine's delays
    giving_up = re.search(r"giving up in (\d+) s", retrying[0])
    assert giving_up and 2 <= int(giving_up[1]) <= 5, retrying[0]
    assert lines[-1].startswith(
        f"error: no answer from Cloud Logging at {server.endpoint} after {attempts} attempts"
    )
    assert "retries.deadline_seconds, 6 s" in lines[-1] and "raise those settings" in lines[-1]
    assert len(lines) == len(retrying) + 1
    assert not (tmp_path / "out").exists()  # the --out this run made is not left behind, empty


def _trickling(requests: int = 20) -> FakeLoggingServer:
    return FakeLoggingServer([], faults={n: Fault(200, trickle=0.3) for n in range(1, requests + 1)})


def test_a_cloud_logging_answer_that_trickles_without_end_is_given_up_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte every 0.3 s never trips the 1 s wait for the next byte: the whole answer is bounded too."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gardener.toml").write_text(QUICK, encoding="utf-8")
    with _trickling() as server:
        started = time.monotonic()
        result = runner.invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "P", "--logging-endpoint", server.endpoint),
                *("--out", "out", "--now", NOW),
            ],
        )
        elapsed = time.monotonic() - started
    assert result.exit_code == ExitCode.SOURCE_FAILED, result.output
    assert elapsed < 10
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"error: no answer from Cloud Logging at {server.endpoint}")
    )


def test_a_bigquery_answer_that_trickles_without_end_is_given_up_at_the_deadline() -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    with _trickling() as server:
        engine = BigQueryEngine("p-roject", server.endpoint, 10, deadline_seconds=3, request_timeout=1)
        started = time.monotonic()
        with pytest.raises(GardenerError) as caught:
            engine.estimate("SELECT 1")
        elapsed = time.monotonic() - started
    assert elapsed < 10
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert caught.value.message.startswith(f"cannot reach BigQuery at {server.endpoint} estimating the query")


def test_a_bigquery_server_that_never_answers_is_given_up_at_the_deadline() -> None:
    """google-cloud-bigquery waits forever for an answer by default: every request is capped."""
    from loggardener.sources.log_analytics import BigQueryEngine

    said: list[str] = []
    with _hanging() as server:
        engine = BigQueryEngine("p-roject", server.endpoint, 10, deadline_seconds=3, request_timeout=1)
        engine.on_retry = said.append
        started = time.monotonic()
        with pytest.raises(GardenerError) as caught:
            engine.estimate("SELECT 1")
        elapsed = time.monotonic() - started
    assert elapsed < 8
    assert caught.value.exit_code == ExitCode.SOURCE_FAILED
    assert caught.value.message.startswith(
        f"cannot reach BigQuery at {server.endpoint} estimating the query after 3 s of retries "
        "(retries.deadline_seconds): no answer within 1 s (retries.request_timeout_seconds)"
    )
    assert said and all(
        line.startswith(f"BigQuery at {server.endpoint}: no answer within 1 s") for line in said
    )


def test_the_retry_settings_are_checked_when_the_configuration_loads() -> None:
    assert parse_config({"retries": {"deadline_seconds": 30}}, "t").retries.deadline_seconds == 30
    for bad in ({"deadline_seconds": 0}, {"request_timeout_seconds": -1}, {"deadline_seconds": "60"}):
        with pytest.raises(GardenerError) as caught:
            parse_config({"retries": bad}, "t")
        assert caught.value.exit_code == ExitCode.BAD_CONFIG
        assert f"retries.{next(iter(bad))}" in caught.value.message
