"""A record's preamble (java.util.logging's `Dec 01, 2026 5:00:00 AM com.example.Foo doWork` before `SEVERE: …`;
SQL Server's error line before the line that says what failed), split one entry per line, joins the record after it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import ListSource, scan_entries
from entry_factories import split_lines
from la_support import assert_equivalent, engine_with, local_report, log_analytics_report
from linear import assert_linear
from loggardener.entries.levels import PREAMBLE_PATTERN, errorlog_line, is_preamble


def _jul_records(start: float, step: float, *, gke: bool) -> list[dict[str, Any]]:
    """A SEVERE record with its exception, then a WARNING record, each after its preamble."""
    severe = [
        "Mar 14, 2026 9:41:07 PM org.acme.ledger.PayoutJob settle",
        "SEVERE: Payout settlement failed for run 88",
        "java.net.SocketTimeoutException: Read timed out",
        "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)",
        "\tat org.acme.ledger.BankClient.post(BankClient.java:73)",
    ]
    warning = [
        "Mar 14, 2026 9:41:09 PM org.acme.ledger.PayoutJob retryLater",
        "WARNING: Payout run 88 queued for retry in 300 s",
    ]
    kwargs: dict[str, Any] = {"gke": True, "pod": "ledger-0"} if gke else {}
    return split_lines(start, severe, step=step, **kwargs) + split_lines(
        start + 2, warning, step=step, **kwargs
    )


@pytest.mark.parametrize("gke", [False, True])
@pytest.mark.parametrize("newest_first", [False, True])
def test_a_preamble_joins_the_record_after_it(newest_first: bool, gke: bool) -> None:
    entries = _jul_records(0, 0.001, gke=gke)
    report = scan_entries(entries[::-1] if newest_first else entries)
    by_count = sorted((c.count, c.title) for c in report.clusters)
    assert [count for count, _ in by_count] == [2, 5]  # every line, the preambles too, in its record
    assert by_count[0][1].startswith("Payout run 88 queued for retry")  # the title is the record's
    assert by_count[1][1].startswith("java.net.SocketTimeoutException: Read timed out")


def test_a_preamble_long_before_a_record_or_before_no_level_line_stays_apart() -> None:
    late = _jul_records(0, 0.005, gke=False)  # 5 ms: not the same instant
    assert sorted(c.count for c in scan_entries(late).clusters) == [1, 4]
    plain = split_lines(
        0, ["Mar 14, 2026 9:41:07 PM org.acme.ledger.PayoutJob settle", "payout failed: ERROR 42"], step=0.001
    )
    assert all(c.count == 1 for c in scan_entries(plain).clusters)


def test_log_analytics_joins_preambles_as_the_local_scan_does() -> None:
    entries = _jul_records(0, 0.001, gke=False) + _jul_records(60, 0.005, gke=True)
    for ordered in (entries, entries[::-1]):
        assert_equivalent(local_report(ListSource(ordered)), log_analytics_report(engine_with(ordered)))


@pytest.mark.parametrize(
    ("text", "preamble"),
    [
        ("Dec 01, 2026 5:00:00 AM com.example.Foo doWork", True),
        ("déc. 01, 2026 5:00:00 PM com.example.Foo doWork", True),
        ("01 Dez. 2026 17:00:00 org.apache.catalina.core.StandardWrapperValve invoke", True),
        ("2026-12-01 17:00:00.123 app.jobs.nightly run_export", True),
        ("Dec 01, 2026 5:00:00 AM com.example.Foo <init>\n", True),
        ("Dec 01, 2026 5:00:00 AM server started", False),  # no dotted class
        ("Dec 01, 2026 5:00:00 AM com.example.Foo doWork failed", False),
        ("SEVERE: upload failed", False),
        ("2026-12-01 17:00:00 ERROR app.jobs run", False),
    ],
)
def test_what_a_preamble_is(text: str, preamble: bool) -> None:
    assert is_preamble(text) is preamble


def test_reading_a_preamble_is_linear() -> None:
    pattern = re.compile(PREAMBLE_PATTERN)  # (`is_preamble` reads 200 characters at most)
    for text in ("Dec 01, 2026 5:00:00 AM a", "2026-12-01 17:00:00 a.b ", "Dec 01, 2026 5:00:00 AM a.b"):
        assert_linear(lambda n, text=text: pattern.match(text + ".b" * n + " c" * n), 40_000)


def _sqlserver_errors(start: float, step: float, *, gke: bool) -> list[dict[str, Any]]:
    """SQL Server's error log as a container writes it (GKE: stdout, INFO): a login refused (the error's first
    line, then what failed), an informational line, another login refused for another reason."""
    lines = [
        "2026-03-14 21:41:07.31 Logon       Error: 18456, Severity: 14, State: 38.",
        "2026-03-14 21:41:07.31 Logon       Login failed for user 'ledger'. Reason: Failed to open the explicitly "
        "specified database 'payouts'. [CLIENT: 10.8.0.12]",
    ]
    info = ["2026-03-14 21:41:08.02 spid52      Using 'dbghelp.dll' version '4.0.5'"]
    other = [
        "2026-03-14 21:41:09.77 Logon       Error: 18456, Severity: 14, State: 5.",
        "2026-03-14 21:41:09.77 Logon       Login failed for user 'reporting'. Reason: Could not find a login "
        "matching the name provided. [CLIENT: 10.8.0.40]",
    ]
    kwargs: dict[str, Any] = (
        {"gke": True, "pod": "mssql-0", "stream": "stdout", "severity": "INFO"} if gke else {}
    )
    return [
        *split_lines(start, lines, step=step, **kwargs),
        *split_lines(start + 1, info, step=step, **kwargs),
        *split_lines(start + 2, other, step=step, **kwargs),
    ]


@pytest.mark.parametrize("gke", [False, True])
@pytest.mark.parametrize("newest_first", [False, True])
def test_sql_servers_error_is_its_first_line_and_the_line_that_says_what_failed(
    newest_first: bool, gke: bool
) -> None:
    entries = _sqlserver_errors(0, 0.001, gke=gke)
    report = scan_entries(entries[::-1] if newest_first else entries)
    titles = sorted((c.title, c.count, c.max_severity) for c in report.clusters)
    assert titles == [
        (
            "Login failed for user 'ledger'. Reason: Failed to open the explicitly specified database 'payouts'. "
            "[CLIENT: 10.8.0.12]",
            2,
            "ERROR",
        ),
        (
            "Login failed for user 'reporting'. Reason: Could not find a login matching the name provided. "
            "[CLIENT: 10.8.0.40]",
            2,
            "ERROR",
        ),
    ]  # each error's two lines, titled by what failed; the informational line is no problem


def test_an_error_line_of_sql_server_alone_or_long_before_the_next_stays_apart() -> None:
    late = _sqlserver_errors(0, 0.005, gke=False)  # 5 ms: not the same instant
    report = scan_entries(late)
    # the two first lines alike; each line that says what failed alone (a failure in words: WARNING)
    assert sorted((c.count, c.title[:28]) for c in report.clusters) == [
        (1, "Login failed for user 'ledge"),
        (1, "Login failed for user 'repor"),
        (2, "18456, Severity: 14, State: "),
    ]
    # a centisecond time before a sentence is no line of SQL Server's (one blank after its first word)
    plain = split_lines(
        0,
        [
            "2026-03-14 21:41:07.31 Logon       Error: 18456, Severity: 14, State: 8.",
            "2026-03-14 21:41:07.31 Starting the payout run",
        ],
        step=0.001,
    )
    assert sorted(c.count for c in scan_entries(plain).clusters) == [1]


def test_log_analytics_joins_sql_servers_errors_as_the_local_scan_does() -> None:
    entries = _sqlserver_errors(0, 0.001, gke=False) + _sqlserver_errors(60, 0.001, gke=True)
    for ordered in (entries, entries[::-1]):
        assert_equivalent(local_report(ListSource(ordered)), log_analytics_report(engine_with(ordered)))


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("2023-02-06 18:17:02.56 Logon       Error: 18456, Severity: 14, State: 40.", "error"),
        ("2023-02-06 18:17:02.56 spid7s      Error: 17204, Severity: 16, State: 1.", "error"),
        ("2023-02-06 18:17:02.56 Logon       Login failed for user 'app'.", "message"),
        ("2023-02-06 18:17:02.56 Server      Microsoft SQL Server 2022 (RTM-CU12)", "message"),
        ("2023-02-06 18:17:02.56 Starting the payout run", ""),  # a sentence after the time
        ("2023-02-06 18:17:02.563 Logon       Login failed", ""),  # milliseconds: not SQL Server's log
        ("2023-02-06 18:17:02.56 ERROR       payout failed", ""),
        ("2023-02-06 18:17:02.56 Logon       Error: 18456\n  at x", ""),
    ],
)
def test_what_a_line_of_sql_servers_error_log_is(text: str, role: str) -> None:
    assert errorlog_line(text) == role
