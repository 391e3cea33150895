"""A gunicorn worker's timeout is one problem: the arbiter's `WORKER TIMEOUT`, the worker's traceback of the abort
(`SystemExit: 1` from gunicorn's `handle_abort`) and the arbiter reaping it, titled by why."""

from __future__ import annotations

from typing import Any

from conftest import scan_entries
from entry_factories import run_entry

ABORT = """[2026-03-02 10:00:{s:02d} +0000] [{pid}] [ERROR] Error handling request /exports/{pid}
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/sync.py", line 135, in handle
    self.handle_request(listener, req, client, addr)
  File "/srv/exports/views.py", line 40, in monthly
    rows = list(query.iterate())
  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/base.py", line 204, in handle_abort
    sys.exit(1)
SystemExit: 1"""


def _timeout(
    seconds: int, pid: int, reaped: str | None = "was sent SIGKILL! Perhaps out of memory?"
) -> list[Any]:
    stamp = f"[2026-03-02 10:00:{seconds:02d} +0000]"
    entries = [run_entry(float(seconds), text=f"{stamp} [1] [CRITICAL] WORKER TIMEOUT (pid:{pid})")]
    entries += [
        run_entry(seconds + 0.001 + n * 0.0001, text=line)
        for n, line in enumerate(ABORT.format(s=seconds, pid=pid).split("\n"))
    ]
    if reaped is not None:
        entries.append(run_entry(seconds + 0.5, text=f"{stamp} [1] [ERROR] Worker (pid:{pid}) {reaped}"))
    return entries


def test_a_worker_timeout_its_abort_traceback_and_its_reaping_are_one_problem_titled_by_the_timeout() -> None:
    report = scan_entries(_timeout(1, 23) + _timeout(20, 31, "exited with code 1."))
    assert [(c.title, c.count, c.events) for c in report.clusters] == [
        ("WORKER TIMEOUT (pid:<*>) (api)", 2 + 2 * 9 + 2, 2)
    ]
    (cluster,) = report.clusters
    assert "views.py" in (cluster.stack_pattern or "")  # where the request hung


def test_workers_killed_without_a_timeout_stay_their_own_problem() -> None:
    """More reaped workers than timeouts: some were killed for another reason (the memory limit)."""
    oom = [
        run_entry(
            40.0 + n,
            text=f"[2026-03-02 10:00:{40 + n} +0000] [1] [ERROR] Worker (pid:{50 + n}) was sent SIGKILL! "
            "Perhaps out of memory?",
        )
        for n in range(3)
    ]
    report = scan_entries(_timeout(1, 23, reaped=None) + oom)
    reaped = [c for c in report.clusters if c.title.startswith("Worker (pid:")]
    assert [(c.count, c.events) for c in reaped] == [(3, 3)]


def test_a_systemexit_elsewhere_is_not_folded_into_a_timeout() -> None:
    other = ABORT.replace("gunicorn/workers/base.py", "/srv/exports/cli.py").replace("handle_abort", "main")
    entries = _timeout(1, 23, reaped=None) + [
        run_entry(30.0 + n * 0.0001, text=line)
        for n, line in enumerate(other.format(s=30, pid=7).split("\n"))
    ]
    report = scan_entries(entries)
    assert len(report.clusters) == 2
