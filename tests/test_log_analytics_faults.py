"""Log Analytics against a BigQuery that answers oddly: a query job that never finishes (waiting for slots)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from loggardener.cli import app

pytest.importorskip("google.cloud.bigquery")


@pytest.fixture
def stuck_bigquery() -> Iterator[tuple[str, list[str]]]:
    """Accepts every query job and reports it RUNNING (for 20 s, then answers 400, so that a client that waits
    forever ends all the same); records the requests (method and path)."""
    seen: list[str] = []
    opened = time.monotonic()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, answer: dict[str, Any]) -> None:
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _job(self) -> dict[str, Any]:
            found = re.search(r"/projects/([^/]+)/(?:jobs|queries)/([^/?]+)", self.path)
            project, job = found.groups() if found else ("p", "j")
            return {"projectId": project, "jobId": job, "location": "US"}

        def _over(self) -> bool:
            if time.monotonic() - opened < 20:
                return False
            body = json.dumps({"error": {"code": 400, "message": "the test is over"}}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True

        def do_POST(self) -> None:
            seen.append(f"POST {self.path.split('?')[0]}")
            if self._over():
                return
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            reference = {**request.get("jobReference", {}), "location": "US"}
            if self.path.split("?")[0].endswith("/cancel"):
                self._send({"kind": "bigquery#jobCancelResponse", "job": {"jobReference": self._job()}})
                return
            self._send({"kind": "bigquery#job", "jobReference": reference, "status": {"state": "RUNNING"}})

        def do_GET(self) -> None:
            seen.append(f"GET {self.path.split('?')[0]}")
            if self._over():
                return
            if "/queries/" in self.path:
                time.sleep(0.2)
                self._send(
                    {
                        "kind": "bigquery#getQueryResultsResponse",
                        "jobComplete": False,
                        "jobReference": self._job(),
                    }
                )
            else:
                self._send(
                    {"kind": "bigquery#job", "jobReference": self._job(), "status": {"state": "RUNNING"}}
                )

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


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
