"""Sidekiq's log header since Sidekiq 6 (`time pid=… tid=… [class=… jid=… elapsed=…] LEVEL: message`), on entries
written for the test."""

from __future__ import annotations

import pytest

from conftest import scan_entries
from entry_factories import gke_entry
from loggardener.entries.levels import declared_level, strip_prefix

HEAD = "2026-01-02T08:00:00.125Z pid=7 tid=2lkf"
JOB = "class=Billing::SyncJob jid=5f0c2a9d1b3e4f6a7b8c9d0e"


@pytest.mark.parametrize(
    ("line", "severity", "body"),
    [
        (f"{HEAD} {JOB} INFO: start", "INFO", "start"),
        (f"{HEAD} {JOB} elapsed=0.412 INFO: fail", "INFO", "fail"),
        (f"{HEAD} WARN: KeyError: key not found: :invoice", "WARNING", "KeyError: key not found: :invoice"),
        (
            f"{HEAD} WARN: app/jobs/billing/sync_job.rb:14:in 'fetch'",
            "WARNING",
            "app/jobs/billing/sync_job.rb:14:in 'fetch'",
        ),
        (
            f"{HEAD} ERROR: Error fetching job: Connection refused",
            "ERROR",
            "Error fetching job: Connection refused",
        ),
    ],
)
def test_sidekiqs_header_declares_the_level_and_leaves_the_message(
    line: str, severity: str, body: str
) -> None:
    declared = declared_level(line)
    assert declared is not None and declared.severity.name == severity
    assert strip_prefix(line) == body


@pytest.mark.parametrize(
    ("line", "body"),
    [
        # pairs that are not Sidekiq's process and thread stay the message's
        ("2026-01-02T08:00:00Z pid=7 user=bob login ok", "pid=7 user=bob login ok"),
        ("tid=2lkf pid=7 WARN: other order", "tid=2lkf pid=7 WARN: other order"),
        # after Sidekiq's pairs, a word that is no level word declares nothing
        (f"{HEAD} ERRORS counted: 3", "ERRORS counted: 3"),
    ],
)
def test_other_pairs_and_words_declare_no_level(line: str, body: str) -> None:
    assert declared_level(line) is None
    assert strip_prefix(line) == body


def test_a_failed_sidekiq_job_on_stdout_is_kept_and_its_backtrace_joins_its_exception() -> None:
    entries = []
    for i in range(3):
        head = f"2026-01-02T08:0{i}:00.125Z pid=7 tid=2lk{i}"
        for j, text in enumerate(
            (
                f"{head} {JOB} elapsed=0.01 INFO: fail",
                f"{head} WARN: KeyError: key not found: :invoice",
                f"{head} WARN: app/jobs/billing/sync_job.rb:14:in 'fetch'",
                f"{head} WARN: app/jobs/billing/sync_job.rb:6:in 'perform'",
            )
        ):
            entries.append(
                gke_entry(i * 60 + j * 0.001, text=text, pod="sidekiq-1", stream="stdout", severity="INFO")
            )
    report = scan_entries(entries)
    (problem,) = report.clusters
    assert problem.max_severity == "WARNING" and problem.events == 3 and problem.count == 9
    assert problem.title == "KeyError: key not found: :invoice in fetch"


@pytest.mark.parametrize(("context", "priority"), [("Job raised exception", "P2"), (None, "P3")])
def test_a_job_sidekiq_says_raised_is_a_background_error_not_a_handled_warning(
    context: str | None, priority: str
) -> None:
    """Sidekiq logs a job's exception at WARN after its context (`{"context":"Job raised exception",…}`) and
    retries it: background errors on some items (P2); the same warning lines without the context stay P3."""
    entries = []
    for i in range(2):
        head = f"2026-01-02T08:0{i}:00.125Z pid=7 tid=2lk{i} class=InvoiceJob jid=00{i}f elapsed=0.2"
        lines = [
            f"{head} WARN: NoMethodError: undefined method 'total' for nil",
            f"{head} WARN: /app/app/jobs/invoice_job.rb:9:in 'perform'",
        ]
        if context is not None:
            job = f'{{"retry":true,"queue":"default","class":"InvoiceJob","args":[{i}],"jid":"00{i}f"}}'
            lines.insert(0, f'{head} WARN: {{"context":"{context}","job":{job}}}')
        entries += [
            gke_entry(i * 60 + j * 0.001, text=text, pod="sidekiq-1", stream="stdout", severity="INFO")
            for j, text in enumerate(lines)
        ]
    (problem,) = scan_entries(entries).clusters
    assert problem.priority == priority
