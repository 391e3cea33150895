"""`gardener scan --log-analytics` end to end: the real google-cloud-bigquery client against bqemulator, a local
server speaking BigQuery's REST jobs API (DuckDB and sqlglot inside), offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fakes.server import QuietHandler, serving
from la_support import entries_of
from loggardener.cli import app
from loggardener.sources.demo import DemoSource
from loggardener.sources.log_analytics_local import view_row

# One worker runs the tests of this module: its expensive shared fixture starts once (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("log_analytics_cli")

bigquery = pytest.importorskip("google.cloud.bigquery")
spatial = pytest.importorskip("duckdb_extension_spatial")
pytest.importorskip("bqemulator")

PROJECT = "demo-project"
WINDOW = ("--since", "2026-11-21T16:00:00Z", "--until", "2026-11-21T18:00:00Z")
runner = CliRunner()


def _free_ports() -> tuple[int, int]:
    """Two ports free a moment ago, and not the same one: both probes are bound at once."""
    with socket.socket() as rest, socket.socket() as grpc:
        rest.bind(("127.0.0.1", 0))
        grpc.bind(("127.0.0.1", 0))
        return int(rest.getsockname()[1]), int(grpc.getsockname()[1])


def _table_schema() -> list[Any]:
    field = bigquery.SchemaField
    return [
        field("timestamp", "TIMESTAMP"),
        field("receive_timestamp", "TIMESTAMP"),
        field("severity", "STRING"),
        field("log_name", "STRING"),
        field("insert_id", "STRING"),
        field("resource", "RECORD", fields=[field("type", "STRING"), field("labels", "JSON")]),
        field("labels", "JSON"),
        field("text_payload", "STRING"),
        field("json_payload", "JSON"),
        field(
            "proto_payload",
            "RECORD",
            fields=[field("type", "STRING"), field("audit_log", "JSON"), field("request_log", "JSON")],
        ),
        field(
            "http_request",
            "RECORD",
            fields=[
                field("request_method", "STRING"),
                field("request_url", "STRING"),
                field("status", "INT64"),
                field("latency", "STRING"),
                field("user_agent", "STRING"),
                field("remote_ip", "STRING"),
                field("protocol", "STRING"),
                field("request_size", "INT64"),
                field("response_size", "INT64"),
            ],
        ),
        field(
            "source_location",
            "RECORD",
            fields=[field("file", "STRING"), field("line", "INT64"), field("function", "STRING")],
        ),
        field("trace", "STRING"),
        field("span_id", "STRING"),
        field("error_groups", "RECORD", mode="REPEATED", fields=[field("id", "STRING")]),
    ]


def _insertable(row: dict[str, Any]) -> dict[str, Any]:
    """A view row as insertAll takes it: JSON columns as JSON text, no null repeated field."""
    row = dict(row, resource=dict(row["resource"], labels=json.dumps(row["resource"]["labels"])))
    for column in ("labels", "json_payload"):
        if row[column] is not None:
            row[column] = json.dumps(row[column])
    if row["proto_payload"] is not None:
        row["proto_payload"] = {
            key: value if key == "type" or value is None else json.dumps(value)
            for key, value in row["proto_payload"].items()
        }
    row["error_groups"] = row["error_groups"] or []
    return row


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """bqemulator on a free port, holding the demo entries in demo-project.logs._AllLogs."""
    home = tmp_path_factory.mktemp("bqemulator-home")
    # DuckDB's spatial extension, which bqemulator loads at start, from PyPI: never downloaded.
    version = next((Path(spatial.__file__).parent / "extensions").iterdir()).name
    target = home / ".duckdb" / "extensions" / version / "linux_amd64"
    target.mkdir(parents=True)
    shutil.copy(Path(spatial.__file__).parent / "extensions" / version / "spatial.duckdb_extension", target)
    log = (home / "emulator.log").open("w")
    deadline = time.monotonic() + 60
    # A port another process took since it was probed: the emulator exits, and starts again on others.
    for attempt in range(1, 4):
        port, grpc_port = _free_ports()
        command = [sys.executable, "-m", "bqemulator", "start", "--rest-port", str(port), "--grpc-port"]
        command += [str(grpc_port), "--project", PROJECT, "--log-level", "error"]
        process = subprocess.Popen(command, env={**os.environ, "HOME": str(home)}, stdout=log, stderr=log)
        endpoint = f"http://127.0.0.1:{port}"
        client = _client(endpoint)
        answered = False
        while not answered and process.poll() is None and time.monotonic() < deadline:
            try:
                client.create_dataset(f"{PROJECT}.logs", exists_ok=True)
                answered = True
            except Exception:
                time.sleep(0.5)
        if answered:
            break
        process.kill()
        process.wait(timeout=30)
        if attempt == 3 or time.monotonic() > deadline:
            log.close()
            pytest.fail(f"bqemulator did not start: {(home / 'emulator.log').read_text()[-2000:]}")
    try:
        table = client.create_table(bigquery.Table(f"{PROJECT}.logs._AllLogs", schema=_table_schema()))
        rows = [_insertable(row) for entry in entries_of(DemoSource()) if (row := view_row(entry))]
        assert client.insert_rows_json(table, rows) == []
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _client(endpoint: str) -> Any:
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials

    return bigquery.Client(
        project=PROJECT,
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=endpoint),
    )


def _scan(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["scan", "--no-state", *args])
    return result.exit_code, result.stdout, result.stderr


def _proxy(
    emulator: str, bodies: list[dict[str, Any]], paths: list[str], page_rows: int | None = None
) -> Iterator[str]:
    """A pass-through to the emulator that keeps every JSON request body (what the client really sent) and
    request path; with `page_rows`, it asks for pages of that many rows whatever the client asked for."""
    import requests

    class Forward(QuietHandler):
        def _forward(self) -> None:
            body = self.body()
            if body:
                bodies.append(json.loads(body))
            path = self.path
            if page_rows is not None and "/queries/" in path:
                path = re.sub(r"maxResults=\d+", f"maxResults={page_rows}", path)
            paths.append(path)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            answer = requests.request(self.command, emulator + path, data=body, headers=headers, timeout=60)
            self.send_response(answer.status_code)
            for key, value in answer.headers.items():
                if key.lower() not in (
                    "content-length",
                    "transfer-encoding",
                    "content-encoding",
                    "connection",
                ):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

    with serving(Forward) as url:
        yield url


@pytest.fixture
def paging_proxy(emulator: str) -> Iterator[tuple[str, list[dict[str, Any]], list[str]]]:
    """The emulator answering the query's rows in pages of 40 (BigQuery pages an answer past 10 MB), with the
    JSON request bodies and the request paths the client sent."""
    bodies: list[dict[str, Any]] = []
    paths: list[str] = []
    for endpoint in _proxy(emulator, bodies, paths, page_rows=40):
        yield endpoint, bodies, paths


def _facts(report: Path) -> tuple[list[dict[str, Any]], list[Any]]:
    """A report's problems without what linking derives, and the totals of what was triaged."""
    loaded = json.loads(report.read_text(encoding="utf-8"))
    derived = ("related", "causes", "effects", "incident", "suspect_revision", "reasons")  # linking's facts
    clusters = [{k: v for k, v in c.items() if k not in derived} for c in loaded["clusters"]]
    totals = [
        loaded["totals"][key] for key in ("clustered", "events", "by_severity", "reassembled_tracebacks")
    ]
    return clusters, totals


def test_a_log_analytics_scan_read_in_many_pages_reports_what_a_scan_of_the_export_reports(
    paging_proxy: tuple[str, list[dict[str, Any]], list[str]], tmp_path: Path
) -> None:
    """The dataset and the cost guard from the configuration file; every query the client sends carries the
    guard; the real client follows BigQuery's page tokens, reading every page of the query's rows once (one
    scan: the emulator takes seconds a query)."""
    endpoint, bodies, paths = paging_proxy
    config = tmp_path / "gardener.toml"
    config.write_text(
        f'[log_analytics]\ndataset = "{PROJECT}.logs"\nmaximum_bytes_billed = 123456789\n', encoding="utf-8"
    )
    code, stdout, stderr = _scan(
        "--config", str(config), "--bigquery-endpoint", endpoint, *WINDOW,
        "--out", str(tmp_path / "la"), "--report-json", str(tmp_path / "la.json"),
    )  # fmt: skip
    assert code == 0, stdout + stderr
    queries = [body["configuration"]["query"] for body in bodies if "configuration" in body]
    scans = [query for query in queries if "pre-groups" in query["query"]]
    assert len(scans) == 1
    assert scans[0]["maximumBytesBilled"] == "123456789"
    pages = [path for path in paths if "/queries/" in path and "pageToken=" in path]
    assert len(pages) >= 3 and len(set(pages)) == len(pages)
    code, stdout, stderr = _scan(
        "--demo", *WINDOW, "--out", str(tmp_path / "file"), "--report-json", str(tmp_path / "file.json")
    )
    assert code == 0, stdout + stderr
    assert _facts(tmp_path / "la.json") == _facts(tmp_path / "file.json")
    analytics = json.loads((tmp_path / "la.json").read_text(encoding="utf-8"))
    assert analytics["source"] == f"Log Analytics {PROJECT}.logs._AllLogs"
    notes = " ".join(analytics["notes"])
    assert "processed, slot time" in notes and "rows returned" in notes
    assert analytics["query_filter"].startswith("-- log gardener: pre-groups")
    worklog = next((tmp_path / "la").glob("*.md")).read_text(encoding="utf-8")
    assert "rows returned" in worklog


def test_dry_run_prints_the_query_and_the_estimate(emulator: str) -> None:
    code, stdout, stderr = _scan(
        "--log-analytics", f"{PROJECT}.logs", "--bigquery-endpoint", emulator, "--hours", "3", "--dry-run"
    )
    assert code == 0, stdout + stderr
    assert "FROM `demo-project.logs._AllLogs`" in stdout
    assert "-- estimated bytes processed:" in stdout


def test_an_unknown_view_is_one_line_naming_the_setup(emulator: str) -> None:
    code, stdout, stderr = _scan(
        "--log-analytics", f"{PROJECT}.logs", "--view", "NoSuchView", "--bigquery-endpoint", emulator,
        "--hours", "3", "--dry-run",
    )  # fmt: skip
    assert code == 2
    assert "no view NoSuchView" in stderr and "gcloud logging links create" in stderr
    assert "Traceback" not in stdout + stderr


@pytest.mark.parametrize(
    "view",
    [f"{PROJECT}.logs._AllLogs", f"projects/{PROJECT}/locations/global/buckets/demo-bucket/views/_AllLogs"],
    ids=["path", "log-view-resource"],
)
def test_a_view_given_by_its_path_in_the_dataset_or_its_log_views_name_is_that_view(
    emulator: str, view: str
) -> None:
    """`--view DATASET.VIEW`, `PROJECT.DATASET.VIEW` or the log view's resource name were taken as a view's name
    holding dots or refused, and a dotted one told to link a dataset; they name the dataset's view."""
    code, stdout, stderr = _scan(
        "--log-analytics", f"{PROJECT}.logs", "--view", view, "--bigquery-endpoint", emulator, "--hours", "3",
        "--dry-run",
    )  # fmt: skip
    assert code == 0, stdout + stderr
    assert "FROM `demo-project.logs._AllLogs`" in stdout


def test_a_view_given_by_its_path_into_another_dataset_is_told_to_give_that_dataset(emulator: str) -> None:
    """A dotted view that is no view of the dataset was told to upgrade a bucket and link a dataset."""
    code, stdout, stderr = _scan(
        "--log-analytics", f"{PROJECT}.logs", "--view", "other_logs._AllLogs", "--bigquery-endpoint", emulator,
        "--hours", "3", "--dry-run",
    )  # fmt: skip
    assert code == 2, stdout + stderr
    assert stderr.strip() == (
        "error: no view other_logs._AllLogs in the dataset demo-project.logs: a view's name holds no dot; if "
        "other_logs is another dataset, give it as PROJECT.DATASET (--log-analytics, log_analytics.dataset) and "
        "the view's name alone with --view (_AllLogs)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--log-analytics", "nodataset", "--hours", "1"], "PROJECT.DATASET"),
        # a log view of another project: said before any request
        (
            [
                "--log-analytics",
                "p-roject.d",
                "--hours",
                "1",
                "--view",
                "projects/x-roject/locations/global/buckets/b/views/v",
            ],
            "is a log view of the project x-roject, not of the dataset p-roject.d",
        ),
        (
            ["--log-analytics", "projects/p-roject/locations/us/buckets/b", "--hours", "1"],
            "`gcloud logging links list --bucket=b --location=us --project=p-roject` lists",
        ),
        (["--log-analytics", "p-roject.d"], "--hours N or --since"),
        (["--log-analytics", "p-roject.d", "--hours", "1", "--filter", "x"], "--filter applies"),
        (
            ["--log-analytics", "p-roject.d", "--hours", "1", "--filter", "x"],
            "narrow a Log Analytics scan with",
        ),
        # what to do instead fits the option given: the query is printed by --dry-run
        (
            ["--log-analytics", "p-roject.d", "--hours", "1", "--print-filter"],
            "--dry-run prints a Log Analytics",
        ),
        (["--log-analytics", "p-roject.d", "--hours", "1", "--save-export", "x"], "drop --save-export"),
        (["--log-analytics", "p.d", "--hours", "1"], "'p' is no project id"),
        (
            ["--log-analytics", "p-roject.logs._AllLogs", "--hours", "1"],
            "give the linked dataset as PROJECT.DATASET (p-roject.logs), and the view with --view",
        ),
        (
            ["--log-analytics", "my-project:logs", "--hours", "1"],
            "bq's PROJECT:DATASET is written PROJECT.DATASET",
        ),
        (["--log-analytics", "p-roject.d", "--demo"], "not both"),
        (["--demo", "--dry-run"], "--dry-run estimates a Log Analytics query"),
        (
            ["--log-analytics", "p-roject.d", "--hours", "1", "--dry-run", "--issues", "draft"],
            "so --issues would do nothing",
        ),
        (
            [
                "--log-analytics",
                "p-roject.d",
                "--hours",
                "1",
                "--dry-run",
                "--report-json",
                "r.json",
                "--fail-on",
                "P1",
            ],
            "so --report-json, --fail-on would do nothing: drop them",
        ),
    ],
)
def test_usage_mistakes_are_one_line(args: list[str], message: str) -> None:
    code, stdout, stderr = _scan(*args)
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stdout + stderr
