"""Monolog's exception block (Laravel's text log) split per line, on entries written for the test."""

from __future__ import annotations

import pytest

from conftest import scan_entries
from entry_factories import split_lines

MONOLOG = [
    '[2026-01-02 08:00:00] production.ERROR: Could not reach the ledger {"userId":7,"exception":"[object] '
    "(GuzzleHttp\\\\Exception\\\\ConnectException(code: 0): cURL error 7: Failed to connect to ledger port 443 "
    "at /srv/app/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php:210)",
    "[stacktrace]",
    "#0 /srv/app/vendor/guzzlehttp/guzzle/src/Handler/CurlFactory.php(158): GuzzleHttp\\\\Handler\\\\CurlFactory::createRejection()",
    "#1 /srv/app/app/Services/Ledger.php(41): GuzzleHttp\\\\Client->request()",
    "#2 /srv/app/app/Http/Controllers/InvoiceController.php(23): App\\\\Services\\\\Ledger->post()",
    "#3 {main}",
    '"}',
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_monologs_exception_block_split_per_line_is_one_event(newest_first: bool) -> None:
    entries = split_lines(0, MONOLOG, step=0.001, service="invoices", revision="invoices-00003-abc")
    if newest_first:
        entries.reverse()
    report = scan_entries(entries)
    (problem,) = report.clusters
    assert problem.count == len(MONOLOG) and problem.events == 1
    assert problem.exception_type == "GuzzleHttp\\Exception\\ConnectException"
    # (PHP names at each file the function called there; Monolog's JSON doubles the backslashes, read back single)
    assert problem.title == (
        "GuzzleHttp\\Exception\\ConnectException: cURL error 7: Failed to connect to ledger port 443 in Client->request()"
    )


def test_monologs_previous_exception_stays_in_the_block() -> None:
    lines = [
        *MONOLOG[:-1],
        "[previous exception] [object] (PDOException(code: 7): SQLSTATE[08006] at /srv/app/vendor/db/Connector.php:70)",
        "[stacktrace]",
        "#0 /srv/app/vendor/db/Connector.php(70): PDO->__construct()",
        "#1 {main}",
        '"}',
    ]
    (problem,) = scan_entries(split_lines(0, lines, step=0.001)).clusters
    assert problem.count == len(lines) and problem.events == 1


def test_monolog_records_without_a_stack_block_stay_their_own() -> None:
    lines = [
        '[2026-01-02 08:00:00] production.ERROR: Could not reach the ledger {"exception":"[object] (RuntimeException(code: 0): down at /srv/app/Ledger.php:9)"}',
        "[2026-01-02 08:00:01] production.WARNING: Retrying the ledger",
        "[stacktrace]",  # a block without its record is no record's
    ]
    report = scan_entries(split_lines(0, lines, step=0.5))
    titles = sorted(c.title for c in report.clusters)
    assert len(titles) == 2 and all(c.events == 1 for c in report.clusters)
