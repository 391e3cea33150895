"""A step of a failure that declares a level below WARNING is not raised by the links, on entries written for the
test."""

from __future__ import annotations

from conftest import scan_entries
from entry_factories import gke_entry


def test_a_step_a_failure_causes_that_declares_info_keeps_its_own_priority() -> None:
    entries = []
    for i, route in enumerate(("/reports/monthly", "/reports/yearly")):
        start, pid = i * 60, 40 + i
        entries += [
            gke_entry(start, text=f"[2026-01-02 08:0{i}:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:{pid})", pod="crm-1"),
            gke_entry(start + 0.1, text=f"[2026-01-02 08:0{i}:00 +0000] [{pid}] [INFO] Worker exiting (pid: {pid})", pod="crm-1"),
            gke_entry(start + 0.2, text=f'10.0.0.1 - - [02/Jan/2026:08:0{i}:00 +0000] "GET {route} HTTP/1.1" 500 0 "-" "-"',
                      pod="crm-1", stream="stdout", severity="INFO"),
            gke_entry(start + 1, text=f"[2026-01-02 08:0{i}:01 +0000] [1] [ERROR] Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?", pod="crm-1"),
        ]  # fmt: skip
    report = scan_entries(entries)
    by_title = {c.title.split(" (")[0]: c for c in report.clusters}
    exiting = by_title["Worker exiting"]
    assert exiting.max_severity == "INFO" and exiting.priority == "P3"
    # the failures around it are raised as before: the timeout and the kill to the 500s' priority
    failing = [c for c in report.clusters if c.max_severity in ("ERROR", "CRITICAL")]
    assert {c.priority for c in failing} == {min(c.priority for c in failing)}
