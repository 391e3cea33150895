"""Log Analytics against a BigQuery that answers oddly: a query job that never finishes (waiting for slots)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import loggardener
from fakes.server import FakeServer, QuietHandler, serving
from fakes.service_account import service_account_key
from loggardener.cli import app
from loggardener.sources.log_analytics import REQUIRED_COLUMNS
from processes import GARDENER

pytest.importorskip("google.cloud.bigquery")


@pytest.fixture
def stuck_bigquery(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    """Accepts every query job and reports it RUNNING (for two minutes, then answers 400, so that a client that
    waits forever ends all the same: long enough that a loaded machine's slow start never reaches it before the
    scan cancels); records the requests (method and path). Refuses to cancel a job (403) when the test's parameter
    says so."""
    refuses_cancel = bool(getattr(request, "param", False))
    seen: list[str] = []
    opened = time.monotonic()

    class Handler(QuietHandler):
        def _job(self) -> dict[str, Any]:
            found = re.search(r"/projects/([^/]+)/(?:jobs|queries)/([^/?]+)", self.path)
            project, job = found.groups() if found else ("p", "j")
            return {"projectId": project, "jobId": job, "location": "US"}

        def _over(self) -> bool:
            if time.monotonic() - opened < 120:
                return False
            self.send_json({"error": {"code": 400, "message": "the test is over"}}, 400)
            return True

        def do_POST(self) -> None:
            seen.append(f"POST {self.path.split('?')[0]}")
            if self._over():
                return
            request = json.loads(self.body() or b"{}")
            reference = {**request.get("jobReference", {}), "location": "US"}
            if self.path.split("?")[0].endswith("/cancel") and refuses_cancel:
                self.send_json(
                    {"error": {"code": 403, "message": "Access Denied: bigquery.jobs.update"}}, 403
                )
                return
            if self.path.split("?")[0].endswith("/cancel"):
                self.send_json({"kind": "bigquery#jobCancelResponse", "job": {"jobReference": self._job()}})
                return
            self.send_json(
                {"kind": "bigquery#job", "jobReference": reference, "status": {"state": "RUNNING"}}
            )

        def do_GET(self) -> None:
            seen.append(f"GET {self.path.split('?')[0]}")
            if self._over():
                return
            if "/queries/" in self.path:
                time.sleep(0.2)
                self.send_json(
                    {
                        "kind": "bigquery#getQueryResultsResponse",
                        "jobComplete": False,
                        "jobReference": self._job(),
                    }
                )
            else:
                self.send_json(
                    {"kind": "bigquery#job", "jobReference": self._job(), "status": {"state": "RUNNING"}}
                )

    with FakeServer(Handler) as server:
        yield server.url, seen


def test_a_query_job_that_never_finishes_is_cancelled_after_max_query_seconds(
    stuck_bigquery: tuple[str, list[str]], tmp_path: Path
) -> None:
    """The client waits for a job forever (one waiting for slots can wait for hours): gardener waits
    `log_analytics.max_query_seconds`, cancels the job, and says so in one line, exit code 5."""
    endpoint, seen = stuck_bigquery
    config = tmp_path / "gardener.toml"
    config.write_text("[log_analytics]\nmax_query_seconds = 2\n", encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(
        app,
        [
            *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
            *("--bigquery-endpoint", endpoint, "--config", str(config), "--out", str(tmp_path / "out")),
        ],
    )
    assert time.monotonic() - started < 15
    assert result.exit_code == 5, result.output
    assert "did not finish within 2 s (log_analytics.max_query_seconds) and was cancelled" in result.stderr
    assert any(request.endswith("/cancel") for request in seen)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"]
)
def test_a_scan_stopped_while_its_query_job_runs_cancels_the_job(
    stuck_bigquery: tuple[str, list[str]], tmp_path: Path, signum: int, code: int
) -> None:
    """A cancelled CI job (SIGTERM) or Ctrl-C while BigQuery runs the query: nobody will read its rows, so the
    job is cancelled before the scan ends, not left to run (and cost slot time) for up to six hours."""
    endpoint, seen = stuck_bigquery
    process = subprocess.Popen(
        [
            *(*GARDENER, "scan", "--hours", "1", "--project", "my-project"),
            *("--log-analytics", "my-project.logs", "--bigquery-endpoint", endpoint, "--no-state"),
            *("--out", str(tmp_path / "out")),
        ],
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any("/queries/" in request for request in seen) and time.monotonic() < deadline:
            time.sleep(0.05)  # the job is inserted, and its results polled: it runs
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert any(request.endswith("/cancel") for request in seen)


@pytest.mark.parametrize("stuck_bigquery", [True], indirect=True)
def test_a_query_job_that_could_not_be_cancelled_is_not_said_to_be(
    stuck_bigquery: tuple[str, list[str]], tmp_path: Path
) -> None:
    endpoint, seen = stuck_bigquery
    config = tmp_path / "gardener.toml"
    config.write_text("[log_analytics]\nmax_query_seconds = 2\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
            *("--bigquery-endpoint", endpoint, "--config", str(config), "--out", str(tmp_path / "out")),
        ],
    )
    assert result.exit_code == 5, result.output
    assert any(request.endswith("/cancel") for request in seen)
    assert "was cancelled" not in result.stderr
    assert "could not be cancelled" in result.stderr


class _Answering:
    """A BigQuery jobs API on a local port: every job is DONE at once; the columns query lists the view's
    required columns; the main query's job fails with `error` (its `status.errorResult`), or its results are
    `results` (getQueryResults' JSON)."""

    def __init__(
        self,
        error: dict[str, str] | None = None,
        results: dict[str, Any] | None = None,
        pages: list[dict[str, Any] | tuple[int, str, str]] | None = None,
        failing_jobs: int | None = None,
    ) -> None:
        """`pages`: the main query's getQueryResults answers by page token (the first page, then token `1`…),
        each JSON or an error (status, reason, message). `failing_jobs`: only that many of the main query's
        jobs fail with `error` (the later ones succeed); every one when None."""
        jobs: dict[str, dict[str, Any]] = {}
        failed: set[str] = set()
        self.inserted: list[str] = []

        answering = self

        class Handler(QuietHandler):
            def _job(self, request: dict[str, Any]) -> dict[str, Any]:
                status: dict[str, Any] = {"state": "DONE"}
                if request["jobReference"]["jobId"] in failed:
                    status = {"state": "DONE", "errorResult": error, "errors": [error]}
                return {"kind": "bigquery#job", "jobReference": request["jobReference"], "status": status}

            def do_POST(self) -> None:
                request = json.loads(self.body() or b"{}")
                request["jobReference"] = {**request.get("jobReference", {}), "location": "US"}
                job_id = request["jobReference"]["jobId"]
                jobs[job_id] = request
                if "INFORMATION_SCHEMA" not in request["configuration"]["query"]["query"]:
                    answering.inserted.append(job_id)
                    if error is not None and (failing_jobs is None or len(failed) < failing_jobs):
                        failed.add(job_id)
                self.send_json(self._job(request))

            def do_GET(self) -> None:
                found = re.search(r"/(jobs|queries)/([^/?]+)", self.path)
                assert found is not None
                request = jobs[found.group(2)]
                if found.group(1) == "jobs":
                    self.send_json(self._job(request))
                    return
                answer: dict[str, Any] = {
                    "kind": "bigquery#getQueryResultsResponse",
                    "jobComplete": True,
                    "jobReference": request["jobReference"],
                }
                if "INFORMATION_SCHEMA" in request["configuration"]["query"]["query"]:
                    answer["schema"] = {"fields": [{"name": "column_name", "type": "STRING"}]}
                    answer["totalRows"] = str(len(REQUIRED_COLUMNS))
                    answer["rows"] = [{"f": [{"v": name}]} for name in REQUIRED_COLUMNS]
                elif pages is not None:
                    token = re.search(r"pageToken=(\d+)", self.path)
                    page = pages[int(token.group(1)) if token else 0]
                    if isinstance(page, tuple):
                        status, reason, message = page
                        error = {
                            "code": status,
                            "message": message,
                            "errors": [{"reason": reason, "message": message}],
                        }
                        self.send_json({"error": error}, status)
                        return
                    answer.update(page)
                else:
                    answer.update(results or {})
                self.send_json(answer)

        self.server = FakeServer(Handler)
        self.endpoint = self.server.url

    def __enter__(self) -> str:
        self.server.start()
        return self.endpoint

    def __exit__(self, *exc_info: object) -> None:
        self.server.stop()


def _scan(endpoint: str, tmp_path: Path, deadline_seconds: float | None = None) -> Any:
    config: tuple[str, ...] = ()
    if deadline_seconds is not None:
        (tmp_path / "gardener.toml").write_text(f"[retries]\ndeadline_seconds = {deadline_seconds}\n")
        config = ("--config", str(tmp_path / "gardener.toml"))
    return CliRunner().invoke(
        app,
        [
            *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
            *("--bigquery-endpoint", endpoint, "--out", str(tmp_path / "out"), "--no-state", *config),
        ],
    )


@pytest.mark.parametrize(
    ("reason", "message", "said"),
    [
        (
            "bytesBilledLimitExceeded",
            "Query exceeded limit for bytes billed: 10000000000. 20000000000 or higher required.",
            "raise log_analytics.maximum_bytes_billed",
        ),
        ("billingTierLimitExceeded", "Query exceeded resource limits.", "narrow the window"),
        (
            "timeout",
            "Operation timed out after 6.0 hours. Consider reducing the amount of work performed by your "
            "operation so that it can complete within this limit.",
            "narrow the window",
        ),
        ("invalidQuery", "Syntax error: Unexpected keyword at [3:4]", "Syntax error"),
    ],
)
def test_a_failed_job_is_classed_by_its_reason_not_by_the_status_the_client_gives_it(
    tmp_path: Path, reason: str, message: str, said: str
) -> None:
    """The client turns a failed job's errorResult into an exception by its reason, and a reason it does not
    know (bytesBilledLimitExceeded: the cost guard) into an HTTP 500, which is no server failure: exit 2."""
    with _Answering(error={"reason": reason, "message": message, "location": "query"}) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: BigQuery rejected the query running the query: ")
    assert said in result.stderr


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (
            "rateLimitExceeded",
            "Exceeded rate limits: too many concurrent queries for this project_and_region.",
        ),
        ("quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned."),
    ],
)
@pytest.mark.usefixtures("quick_retries")
def test_a_job_that_met_a_quota_says_so_whatever_status_the_client_gives_it(
    tmp_path: Path, reason: str, message: str
) -> None:
    """A failed job's rate limit reaches gardener as an HTTP 429 from the client (a quota as a 403): both are a
    quota to wait for (exit code 5), not a failing service nor a missing permission. (A rate limit is run
    again until `retries.deadline_seconds`, a quota is not.)"""
    with _Answering(error={"reason": reason, "message": message, "location": "query"}) as endpoint:
        result = _scan(endpoint, tmp_path, deadline_seconds=0.2)
    last = result.stderr.strip().splitlines()[-1]
    assert result.exit_code == 5, result.output
    assert last.startswith("error: BigQuery quota exceeded running the query")
    assert "wait and rerun" in last
    assert "failing on its side" not in result.stderr


@pytest.mark.usefixtures("quick_retries")
def test_a_custom_quota_says_it_is_an_administrators_daily_cap_not_a_wait(tmp_path: Path) -> None:
    """A custom quota (bytes queried a day, set by an administrator) was told to wait and rerun, which fails
    again until the next day."""
    message = (
        "Custom quota exceeded: Your usage exceeded the custom quota for QueryUsagePerDay, which is set by your "
        "administrator. For more information, see https://cloud.google.com/bigquery/cost-controls"
    )
    with _Answering(error={"reason": "quotaExceeded", "message": message}) as endpoint:
        result = _scan(endpoint, tmp_path, deadline_seconds=0.2)
    assert result.exit_code == 5, result.output
    assert "QueryUsagePerDay" in result.stderr
    assert "rerun after it resets (the next day) or ask them to raise it" in result.stderr
    assert "wait and rerun" not in result.stderr


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's retries wait 20 ms between attempts, not a second and more."""
    from types import SimpleNamespace

    from google.api_core.retry import retry_unary

    monkeypatch.setattr(
        retry_unary, "time", SimpleNamespace(sleep=lambda seconds: time.sleep(0.02), monotonic=time.monotonic)
    )


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("backendError", "Error encountered during execution. Retrying may solve the problem."),
        (
            "internalError",
            "An internal error occurred and the request could not be completed. Error: 5034996",
        ),
        (
            "rateLimitExceeded",
            "Exceeded rate limits: too many concurrent queries for this project_and_region.",
        ),
        ("tableUnavailable", "Table my-project:logs._AllLogs is temporarily unavailable."),
    ],
)
def test_a_job_that_failed_for_a_reason_to_retry_is_run_again(
    tmp_path: Path, reason: str, message: str
) -> None:
    """BigQuery's troubleshooting guide says to retry a job that failed with these reasons (a backend's failure,
    a rate limit, a table Cloud Logging keeps briefly unavailable): one such failure stopped the scan (exit 5,
    or 2 for `tableUnavailable`, a 400 from the client, said as a query refused); the job is now run again, and
    the retry said."""
    answering = _Answering(error={"reason": reason, "message": message}, failing_jobs=1)
    with answering as endpoint:
        result = _scan(endpoint, tmp_path, deadline_seconds=20)
    assert result.exit_code == 0, result.output
    assert len(answering.inserted) == 2
    assert f"retrying: BigQuery's query job failed ({reason}: " in result.stderr
    assert "running it again" in result.stderr


@pytest.mark.usefixtures("quick_retries")
def test_a_job_that_keeps_failing_for_a_reason_to_retry_stops_at_the_deadline(tmp_path: Path) -> None:
    """Run again until `retries.deadline_seconds`, then one line, exit code 5, as a request that kept failing."""
    error = {"reason": "backendError", "message": "Error encountered during execution."}
    started = time.monotonic()
    answering = _Answering(error=error)
    with answering as endpoint:
        result = _scan(endpoint, tmp_path, deadline_seconds=1)
    assert time.monotonic() - started < 15
    assert result.exit_code == 5, result.output
    assert len(answering.inserted) >= 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "error: BigQuery kept failing running the query after 1 s of retries (retries.deadline_seconds): "
        "(HTTP 500) Error encountered during execution"
    ), last


@pytest.mark.parametrize("reason", ["invalidQuery", "quotaExceeded"])
def test_a_job_that_failed_for_another_reason_is_not_run_again(tmp_path: Path, reason: str) -> None:
    answering = _Answering(error={"reason": reason, "message": "No."})
    with answering as endpoint:
        result = _scan(endpoint, tmp_path, deadline_seconds=20)
    assert result.exit_code != 0
    assert len(answering.inserted) == 1
    assert "retrying" not in result.stderr


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("policyViolation", "VPC Service Controls: Request is prohibited by organization's policy. "
         "vpcServiceControlsUniqueIdentifier: 8yE2p_3w9QmzXbJx"),
        ("accessDenied", "Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: "
         "XlFLBBM_Wstu6u3Qn5s1K"),
    ],
)  # fmt: skip
def test_a_request_a_service_perimeter_refuses_names_the_perimeter_not_a_role(
    tmp_path: Path, reason: str, message: str
) -> None:
    """A VPC Service Controls denial is a 403 no role fixes: it said to grant both BigQuery roles."""
    answering = _Answering(error={"reason": reason, "message": message})
    with answering as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith(
        "error: blocked by a VPC Service Controls perimeter running the query: "
    ), result.stderr
    assert "vpcServiceControlsUniqueIdentifier: " in result.stderr
    assert "roles/" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_request_bigquery_blocked_is_to_rerun_later_not_a_missing_role(tmp_path: Path) -> None:
    """BigQuery's `blocked` (a 403: it refuses an operation for a while to protect the service) said to grant
    both BigQuery roles, exit code 4; no role changes it: exit code 5, run again later."""
    message = "BigQuery has temporarily blocked this operation to prevent a service outage."
    answering = _Answering(error={"reason": "blocked", "message": message})
    with answering as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith(f"error: BigQuery blocked the request running the query: {message[:-1]}")
    assert "Job ID" not in result.stderr and "Location:" not in result.stderr
    assert "rerun later" in result.stderr
    assert "roles/" not in result.stderr
    assert len(answering.inserted) == 1


def test_a_job_cancelled_by_someone_else_is_said_as_cancelled_not_as_a_failing_service(
    tmp_path: Path,
) -> None:
    """BigQuery's reason `stopped` is a job cancelled (in the console, with `bq cancel`, or by a job timeout):
    'the service is failing on its side' sent the reader to a status page."""
    message = "Job execution was cancelled: User requested cancellation"
    with _Answering(error={"reason": "stopped", "message": message, "location": "query"}) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("error: BigQuery's query job was cancelled running the query: " + message)
    assert "rerun the scan" in result.stderr and "failing on its side" not in result.stderr


def test_a_rate_limit_that_outlasts_the_retries_is_a_quota_not_a_failing_service(tmp_path: Path) -> None:
    """`Exceeded rate limits: too many concurrent queries` on every try until the deadline: the project's own
    queries are the cause, so 'the service is failing on its side' sent the reader to a status page."""
    message = "Exceeded rate limits: too many concurrent queries for this project_and_region."
    config = tmp_path / "gardener.toml"
    config.write_text("[retries]\ndeadline_seconds = 2\n", encoding="utf-8")
    with _Answering(pages=[(403, "rateLimitExceeded", message)]) as endpoint:
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
                *("--bigquery-endpoint", endpoint, "--out", str(tmp_path / "out"), "--no-state"),
                *("--config", str(config)),
            ],
        )
    said = " ".join(result.stderr.split())
    assert result.exit_code == 5, result.output
    assert "error: BigQuery quota exceeded running the query after 2 s of retries" in said, said
    assert message.rstrip(".") in said and "wait and rerun" in said
    assert "failing on its side" not in said


_SCHEMA = [
    {
        "name": "samples",
        "type": "RECORD",
        "mode": "REPEATED",
        "fields": [{"name": "timestamp", "type": "TIMESTAMP"}],
    },
    {"name": "entries", "type": "INTEGER"},
]


@pytest.mark.parametrize(
    "results",
    [
        {
            "schema": {"fields": [{"name": "x", "type": "STRING"}]},
            "totalRows": "1",
            "rows": [{"f": [{"v": "a"}]}],
        },
        {"schema": {"fields": _SCHEMA}, "totalRows": "1", "rows": [{"f": [{"v": []}, {"v": "many"}]}]},
        {"schema": {"fields": _SCHEMA}, "totalRows": "1", "rows": [{"f": [{"v": []}]}]},
        {"schema": {"fields": _SCHEMA}, "totalRows": "lots", "rows": []},
        {
            "schema": {"fields": _SCHEMA},
            "totalRows": "1",
            "rows": [{"f": [{"v": [{"v": {"f": [{"v": "1" * 5000}]}}]}, {"v": "1"}]}],
        },
    ],
    ids=["another-query", "count-in-words", "cells-missing", "total-in-words", "huge-number"],
)
def test_rows_not_of_the_querys_shape_are_a_source_failure(tmp_path: Path, results: dict[str, Any]) -> None:
    """An answer whose rows lack the query's fields or hold values of another type (an emulator or proxy
    answering another query) is one line and exit code 5, not an internal error."""
    with _Answering(results=results) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("error: cannot read the answer")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_page_token_sent_again_stops_the_read_with_one_line(tmp_path: Path) -> None:
    """getQueryResults naming the same next page forever was read forever (13,000 rows in two minutes of a
    two-row answer): the repeated token is one line, exit code 5."""
    results = {"schema": {"fields": _SCHEMA}, "totalRows": "4", "rows": [], "pageToken": "again"}
    started = time.monotonic()
    with _Answering(results=results) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert time.monotonic() - started < 30
    assert result.exit_code == 5, result.output
    assert "BigQuery sent a page token it had sent before, after 2 pages" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_answer_that_ends_before_its_rows_do_is_a_source_failure(tmp_path: Path) -> None:
    """A page without the next page's token before `totalRows` rows came (a proxy cutting the answer) made a
    report from partial counts, in silence: it is one line, exit code 5. An answer read whole is no failure."""
    empty = {"schema": {"fields": _SCHEMA}, "totalRows": "0", "rows": []}
    with _Answering(pages=[{**empty, "totalRows": "120"}]) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 5, result.output
    assert "BigQuery's answer ended after 0 of the query's 120 rows" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    with _Answering(pages=[{**empty, "pageToken": "1"}, {**empty, "pageToken": "2"}, empty]) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "failure",
    [(404, "notFound", "Not found: Job my-project:US.bquxjob_1"), (400, "invalid", "Invalid page token.")],
    ids=["results-expired", "token-refused"],
)
def test_a_page_of_rows_lost_after_the_query_ran_is_a_failed_read(
    tmp_path: Path, failure: tuple[int, str, str]
) -> None:
    """A later page's 404 (the job's results expired) was said as a missing dataset with the commands to link
    one, and its 400 as a query BigQuery refused, both exit code 2: the query ran, reading its rows failed."""
    empty = {"schema": {"fields": _SCHEMA}, "totalRows": "0", "rows": []}
    with _Answering(pages=[{**empty, "pageToken": "1"}, failure]) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith(
        f"error: BigQuery failed reading the query's rows after the query ran (HTTP {failure[0]}): {failure[2].rstrip('.')}"
    )
    assert "rerun the scan" in result.stderr
    assert "gcloud logging links create" not in result.stderr and "rejected" not in result.stderr


@pytest.mark.parametrize(
    ("message", "grant", "not_grant"),
    [
        (
            "Access Denied: Project my-project: User does not have bigquery.jobs.create permission in project "
            "my-project.",
            "roles/bigquery.jobUser on the project that runs the query (my-project; --project picks another)",
            "roles/bigquery.dataViewer",
        ),
        (
            "Access Denied: Table my-project:logs._AllLogs: User does not have permission to query table "
            "my-project:logs._AllLogs, or perhaps it does not exist.",
            "roles/bigquery.dataViewer on my-project.logs (or roles/logging.viewAccessor on the log view)",
            "roles/bigquery.jobUser",
        ),
        (
            "Access Denied: Dataset other-project:app_logs: Permission bigquery.tables.get denied on dataset "
            "other-project:app_logs (or it may not exist).",
            "roles/bigquery.dataViewer on other-project.app_logs",
            "roles/bigquery.jobUser",
        ),
        (
            "Access Denied: User lacks bigquery.tables.getData.",
            "roles/bigquery.dataViewer on the linked dataset",
            "roles/bigquery.jobUser",
        ),
        # naming neither: both roles, as before
        ("Access Denied.", "roles/bigquery.jobUser on the project that runs the query, and roles/bigquery.dataViewer", "--project picks"),
    ],
    ids=["job", "table", "dataset", "data-permission", "neither"],
)  # fmt: skip
def test_a_permission_denied_names_the_role_for_what_was_denied(
    tmp_path: Path, message: str, grant: str, not_grant: str
) -> None:
    """A 403 said both roles whatever it denied: the job's (`bigquery.jobs.create`, in the project that runs
    it) or the data's (a dataset or table); it now names the one for what it denied, both when it names
    neither."""
    with _Answering(error={"reason": "accessDenied", "message": message, "location": "query"}) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 4, result.output
    assert grant in result.stderr
    assert not_grant not in result.stderr


def test_a_failed_jobs_message_is_said_once(tmp_path: Path) -> None:
    """The client appends each of a failed job's errors to its message (`; reason: …, message: …`), the first
    repeating the message: it is said once; another error's message stays."""
    error = {
        "reason": "invalidQuery",
        "message": "Syntax error: Unexpected keyword WHERE at [3:4]",
        "location": "query",
    }
    with _Answering(error=error) as endpoint:
        result = _scan(endpoint, tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("Unexpected keyword WHERE") == 1
    assert "reason: invalidQuery" not in result.stderr


class _TokenService(QuietHandler):
    """OAuth's token endpoint: any refresh gets an access token."""

    def do_POST(self) -> None:
        self.body()
        self.send_json({"access_token": "ya29.test-access", "expires_in": 3600, "token_type": "Bearer"})


class _RevokingTokenService(QuietHandler):
    """OAuth's token endpoint refusing the key (deleted or disabled), as oauth2.googleapis.com answers."""

    def do_POST(self) -> None:
        self.body()
        self.send_json({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, 400)


def _scan_with_token_service(
    handler: type[QuietHandler], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """A Log Analytics scan whose service-account key's token service is `handler`."""
    with serving(handler) as tokens:
        monkeypatch.setenv(
            "GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path, f"{tokens}/token"))
        )
        return CliRunner().invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
                *("--bigquery-endpoint", "https://bigquery.example.test", "--out", str(tmp_path / "out")),
                "--no-state",
            ],
        )


def test_credentials_the_token_service_refuses_are_one_line_without_its_raw_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service account's key deleted or disabled: exit 4, google-auth's message as Cloud Logging says it (not
    the token service's answer as a Python tuple), and both ways to get credentials."""
    result = _scan_with_token_service(_RevokingTokenService, tmp_path, monkeypatch)
    assert result.exit_code == 4, result.output
    assert result.stderr.strip() == (
        "error: credentials rejected reading the columns of my-project.logs._AllLogs: invalid_grant: Invalid JWT "
        "Signature; run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a "
        "service-account key file"
    )


class _ClockRefusingTokenService(QuietHandler):
    """OAuth's token endpoint refusing a signed token whose times are off (this machine's clock), as
    oauth2.googleapis.com answers."""

    def do_POST(self) -> None:
        self.body()
        description = (
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check "
            "your iat and exp values in the JWT claim."
        )
        self.send_json({"error": "invalid_grant", "error_description": description}, 400)


def test_a_token_refused_for_its_times_says_to_check_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logging in again or a new key would be refused the same: the line says to check the machine's clock."""
    result = _scan_with_token_service(_ClockRefusingTokenService, tmp_path, monkeypatch)
    assert result.exit_code == 4, result.output
    assert result.stderr.strip() == (
        "error: credentials rejected reading the columns of my-project.logs._AllLogs: invalid_grant: Invalid JWT: "
        "Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp "
        "values in the JWT claim; check this machine's clock (timedatectl, NTP): Google checks the times a "
        "signed token was issued and expires at against its own"
    )


class _FailingTokenService(QuietHandler):
    """OAuth's token endpoint in an outage: 503 with OAuth's `server_error`, as oauth2.googleapis.com answers."""

    def do_POST(self) -> None:
        self.body()
        answer = {"error": "server_error", "error_description": "The service is currently unavailable."}
        self.send_json(answer, 503)


def test_a_token_service_in_an_outage_is_a_source_failure_not_credentials_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """google-auth retries the token service's 503 itself, then raises what it raises for a deleted key: that
    was "credentials rejected", exit 4. The credentials are fine: the service failed, exit code 5."""
    from types import SimpleNamespace

    from google.auth import _exponential_backoff

    monkeypatch.setattr(_exponential_backoff, "time", SimpleNamespace(sleep=lambda seconds: None))
    with serving(_FailingTokenService) as tokens:
        monkeypatch.setenv(
            "GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path, f"{tokens}/token"))
        )
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
                *("--bigquery-endpoint", "https://bigquery.example.test", "--out", str(tmp_path / "out")),
                "--no-state",
            ],
        )
    assert result.exit_code == 5, result.output
    assert result.stderr.strip() == (
        "error: the token service failed to refresh the credentials reading the columns of "
        "my-project.logs._AllLogs (server_error: The service is currently unavailable): the service is failing "
        "on its side: rerun later (https://status.cloud.google.com shows outages)"
    )


@pytest.mark.parametrize("refused", ["bigquery", "token service"])
def test_a_certificate_not_trusted_is_said_with_the_way_to_trust_it_not_retried(
    refused: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BigQuery, or the token service its credentials refresh at, behind a certificate no client trusts (an
    endpoint with its own certificate authority, a TLS-inspecting proxy): one line naming the certificate and
    REQUESTS_CA_BUNDLE, at the first attempt (retries.deadline_seconds would otherwise be spent retrying)."""
    (tmp_path / "tls").mkdir()
    config = tmp_path / "gardener.toml"
    config.write_text("[retries]\ndeadline_seconds = 20\n")
    with (
        serving(_TokenService, tmp_path / "tls" if refused == "token service" else None) as tokens,
        serving(_TokenService, tmp_path / "tls" if refused == "bigquery" else None) as bigquery_url,
    ):
        key = service_account_key(tmp_path, f"{tokens}/token")
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        endpoint = bigquery_url if refused == "bigquery" else bigquery_url.replace("http://", "https://")
        started = time.monotonic()
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
                *("--bigquery-endpoint", endpoint, "--out", str(tmp_path / "out"), "--no-state"),
                *("--config", str(config)),
            ],
        )
    assert result.exit_code == 5, result.output
    service = (
        f"BigQuery at {endpoint}"
        if refused == "bigquery"
        else "the token service (to refresh the credentials)"
    )
    assert result.stderr.startswith(
        f"error: cannot reach {service} reading the columns of my-project.logs._AllLogs: its TLS certificate is "
        "not trusted (self-signed certificate); "
    ), result.stderr
    assert "REQUESTS_CA_BUNDLE" in result.stderr and "retrying" not in result.stderr
    assert time.monotonic() - started < 15  # at the first attempt, not after the 20 s of retries
    assert not (tmp_path / "out").exists()


def test_a_ca_bundle_holding_no_certificate_is_said_before_the_credentials_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Log Analytics' client asks the token service for a token as it is made: a REQUESTS_CA_BUNDLE that
    holds no certificate (empty) is said before that, as for a live scan, not as the token service unreachable
    after the retries."""
    empty = tmp_path / "corp-ca.pem"
    empty.write_bytes(b"")
    config = tmp_path / "gardener.toml"
    config.write_text("[retries]\ndeadline_seconds = 1\n")
    monkeypatch.setenv(
        "GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path, "https://127.0.0.1:9/token"))
    )
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(empty))
    result = CliRunner().invoke(
        app,
        [
            *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
            *("--bigquery-endpoint", "https://127.0.0.1:9", "--out", str(tmp_path / "out"), "--no-state"),
            *("--config", str(config)),
        ],
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: REQUESTS_CA_BUNDLE names {empty}, which holds no certificate")
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_a_proxy_that_refuses_is_named_with_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTPS_PROXY names a proxy that refuses connections: the line names the proxy and its variable, and how to
    go around it, not only "cannot reach BigQuery"."""
    config = tmp_path / "gardener.toml"
    config.write_text("[retries]\ndeadline_seconds = 1\n")
    with serving(_TokenService) as tokens, socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # a port nothing listens on
        proxy = f"http://127.0.0.1:{unused.getsockname()[1]}"
        monkeypatch.setenv(
            "GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path, f"{tokens}/token"))
        )
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--hours", "1", "--project", "my-project", "--log-analytics", "my-project.logs"),
                *("--bigquery-endpoint", "https://bigquery.example.test", "--out", str(tmp_path / "out")),
                *("--no-state", "--config", str(config)),
            ],
        )
    assert result.exit_code == 5, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "error: cannot reach BigQuery at https://bigquery.example.test reading the columns"
    ), last
    assert f"through the proxy {proxy} (HTTPS_PROXY): Connection refused; " in last
    assert "NO_PROXY" in last


def _sample(insert_id: str, labels: str, text: str) -> dict[str, Any]:
    """One sample entry of a pre-group, as getQueryResults sends a STRUCT (JSON columns as JSON text)."""
    resource = {"f": [{"v": "gce_instance"}, {"v": '{"instance_id":"4412398877"}'}]}
    return {
        "v": {
            "f": [
                {"v": "1763712000000000"},
                {"v": "ERROR"},
                {"v": "projects/my-project/logs/app"},
                {"v": insert_id},
                {"v": resource},
                {"v": labels},
                {"v": text},
            ]
        }
    }


def _pre_group(entries: int, labels: str, text: str) -> dict[str, Any]:
    """A row of the query's answer: a pre-group of `entries` entries, with three samples."""
    samples = [_sample(f"{text[:6]}-{n}", labels, text) for n in range(3)]
    return {
        "f": [
            *({"v": "false"}, {"v": None}, {"v": None}, {"v": str(entries)}),
            *({"v": "1763712000000000"}, {"v": "1763712600000000"}, {"v": []}, {"v": samples}),
        ]
    }


_PRE_GROUP_SCHEMA = [
    {"name": "reassemble", "type": "BOOLEAN"},
    {"name": "batch", "type": "STRING"},
    {"name": "line", "type": "INTEGER"},
    {"name": "entries", "type": "INTEGER"},
    {"name": "first_seen", "type": "TIMESTAMP"},
    {"name": "last_seen", "type": "TIMESTAMP"},
    {"name": "instances", "type": "STRING", "mode": "REPEATED"},
    {
        "name": "samples",
        "type": "RECORD",
        "mode": "REPEATED",
        "fields": [
            {"name": "timestamp", "type": "TIMESTAMP"},
            {"name": "severity", "type": "STRING"},
            {"name": "log_name", "type": "STRING"},
            {"name": "insert_id", "type": "STRING"},
            {
                "name": "resource",
                "type": "RECORD",
                "fields": [{"name": "type", "type": "STRING"}, {"name": "labels", "type": "JSON"}],
            },
            {"name": "labels", "type": "JSON"},
            {"name": "text_payload", "type": "STRING"},
        ],
    },
]


def test_a_malformed_pre_group_counts_every_entry_it_stands_for(tmp_path: Path) -> None:
    """A view's pre-group of 50 entries whose labels are no object (a custom view's JSON column holding a string)
    counted its four records as malformed, not its 50 entries: the scan read 60 and accounted for 14, in silence
    (`read == clustered + skipped` broke). Beside it, a pre-group of 10 with object labels is clustered."""
    rows = [
        _pre_group(50, '"a-string"', "ledger sync failed for tenant 7"),
        _pre_group(10, '{"team":"ledger"}', "settlement file missing"),
    ]
    results = {"schema": {"fields": _PRE_GROUP_SCHEMA}, "totalRows": "2", "rows": rows}
    with _Answering(results=results) as endpoint:
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--since", "2025-11-21T07:00:00Z", "--until", "2025-11-21T09:00:00Z"),
                *("--project", "my-project", "--log-analytics", "my-project.logs"),
                *("--bigquery-endpoint", endpoint, "--no-state", "--out", str(tmp_path / "out")),
                *("--report-json", str(tmp_path / "report.json")),
            ],
        )
    assert result.exit_code == 0, result.output
    totals = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["totals"]
    assert (totals["read"], totals["clustered"], totals["skipped"]) == (60, 10, {"malformed": 50})


class _SilentTokenService(QuietHandler):
    """A token service (or a metadata server) that takes the request and does not answer in time: not before the
    test stops it (the scan has given up by then), nor after six seconds."""

    server: FakeServer

    def do_POST(self) -> None:
        self.body()
        self.server.stopping.wait(6)
        self.send_json({"error": "temporarily_unavailable"}, 503)


def test_a_token_service_that_does_not_answer_in_time_is_said_as_it_not_as_bigquery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline met while the credentials were still getting their token was said as BigQuery out of reach
    (`cannot reach BigQuery at bigquery.googleapis.com …: no answer within …`)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gardener.toml").write_text("[retries]\ndeadline_seconds = 2\nrequest_timeout_seconds = 1\n")
    result = _scan_with_token_service(_SilentTokenService, tmp_path, monkeypatch)
    assert result.exit_code == 5, result.output
    said = result.stderr.strip().splitlines()[-1]
    # the deadline or the request's own timeout may end the wait first: either way the token service is named
    assert said.startswith(
        tuple(
            f"error: {start} the token service to refresh the credentials reading the columns of "
            "my-project.logs._AllLogs after "
            for start in ("no token from", "cannot reach")
        )
    ), said
    assert "cannot reach BigQuery" not in said
