"""What worklogs and issue drafts say about real-looking entries is true and readable: titles cut at a word,
never a bare `<*>`; nothing claimed to vary when nothing does; counts in the right number; links that open
the entries' own project and find them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import pytest

from conftest import ListSource, scan_entries
from entry_factories import gke_entry, run_entry
from linear import assert_linear
from loggardener.clustering.models import Cluster
from loggardener.clustering.signature import _without_context
from loggardener.config import GardenerConfig, IssuesConfig
from loggardener.pipeline import Scan, ScanOptions
from loggardener.publishing.content import Composer, sample_query
from loggardener.rendering.markdown import MarkdownWorklog, counted
from loggardener.rendering.markdown_safety import inline_code
from loggardener.report import ScanReport
from publishing_support import make_report

LONG = (
    "Reconciler error: failed to perform prune processing: check for apply required failed: failed to get "
    "source helm release for workload frontend-canary"
)


def _export(entries: list[dict[str, Any]]) -> ScanReport:
    """A scan of an export file: the source names no project."""
    return Scan(GardenerConfig(), ScanOptions()).run(ListSource(entries, project=None))


def _one(entries: list[dict[str, Any]], export: bool = False) -> tuple[ScanReport, Cluster]:
    report = _export(entries) if export else scan_entries(entries)
    assert len(report.clusters) == 1
    return report, report.clusters[0]


def _body(entries: list[dict[str, Any]]) -> str:
    report, cluster = _one(entries)
    return Composer(report, IssuesConfig()).issue(cluster, {}, draft=True).body


def test_a_long_title_is_cut_after_a_whole_word_with_an_ellipsis() -> None:
    _, cluster = _one([run_entry(1, text=LONG, severity="ERROR")])
    assert cluster.title.endswith("…")
    words = cluster.title[:-1].split()
    assert all(word in LONG.split() for word in words), cluster.title
    assert len(cluster.title) <= 120


def test_a_long_exception_title_keeps_the_place_it_was_raised_and_cuts_the_message() -> None:
    message = "The given key 'EUR' was not present in the dictionary of exchange rates loaded for the tenant"
    stack = (
        f"System.Collections.Generic.KeyNotFoundException: {message}\n"
        "   at Acme.Pricing.RateTable.Lookup(String currency) in /src/Pricing/RateTable.cs:line 41\n"
        "   at Acme.Pricing.Quote.Build() in /src/Pricing/Quote.cs:line 18"
    )
    _, cluster = _one([run_entry(1, text=stack, severity="ERROR")])
    assert cluster.title.startswith("System.Collections.Generic.KeyNotFoundException: The given key 'EUR'")
    assert cluster.title.endswith(" in RateTable.Lookup"), cluster.title  # the place by its last names
    assert "…" in cluster.title  # and the message cut to make room for it


@pytest.mark.parametrize(
    ("stack", "start", "said"),
    [
        (
            "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed "
            "out after 30000ms.\n\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)"
            "\n\tat com.acme.ledger.JournalService.post(JournalService.java:88)",
            "SQLTransientConnectionException: HikariPool-1 - ",
            "Connection is not available",
        ),
        (
            'Traceback (most recent call last):\n  File "/app/billing/views.py", line 77, in invoice_pdf_for_customer'
            "\n    html = render(name)\ndjango.template.exceptions.TemplateDoesNotExist: invoices/customer/pdf/"
            "statement_with_line_items_and_tax_breakdown.html",
            "TemplateDoesNotExist: invoices/customer/pdf/",
            "statement_with_line_items",
        ),
    ],
)
def test_a_long_exception_title_drops_the_type_s_package_path_before_it_cuts_the_message(
    stack: str, start: str, said: str
) -> None:
    """The message says what failed; the type's package path (Java's, Python's lowercase names) says least, so it
    goes before the message is cut."""
    _, cluster = _one([gke_entry(1, text=stack, severity="ERROR")])
    assert cluster.title.startswith(start), cluster.title
    assert said in cluster.title, cluster.title
    assert len(cluster.title) <= 120


@pytest.mark.parametrize(
    ("stack", "title"),
    [
        (
            "java.sql.SQLTransientConnectionException: pool timed out\n"
            "\tat com.acme.ledger.JournalService.post(JournalService.java:88)",
            "java.sql.SQLTransientConnectionException: pool timed out in com.acme.ledger.JournalService.post",
        ),
        (  # a capitalized namespace is part of the name, however long the title
            "** (DBConnection.ConnectionError) connection not available and request was dropped from queue after "
            "2000ms. This means requests are coming in and your connection pool cannot serve them fast enough\n"
            "    (db_connection 2.6.0) lib/db_connection.ex:1000: DBConnection.transaction/3\n"
            "    (shop 0.1.0) lib/shop/orders.ex:41: Shop.Orders.place/1",
            "DBConnection.ConnectionError: connection not available",
        ),
    ],
)
def test_an_exception_title_that_fits_or_whose_type_has_no_package_keeps_the_type_s_name(
    stack: str, title: str
) -> None:
    _, cluster = _one([gke_entry(1, text=stack, severity="ERROR")])
    assert cluster.title.startswith(title), cluster.title


def test_a_problem_whose_entries_share_no_word_is_titled_by_an_example_not_a_bare_wildcard() -> None:
    lines = ["\t/srv/app/handlers/orders.go:118", "\t/usr/local/go/src/net/http/server.go:2220"]
    report = scan_entries([run_entry(i, text=line, severity="ERROR") for i, line in enumerate(lines)])
    titles = [c.title for c in report.clusters]
    assert all(re.search(r"[a-z]", t.replace("<*>", "")) for t in titles), titles
    assert any("e.g." in t and ".go:" in t for t in titles), titles


def test_nothing_is_said_to_vary_when_every_event_says_the_same() -> None:
    text = "Quota exhausted: IP_SPACE_EXHAUSTED in region europe-west4 for network vpc-7"
    body = _body([run_entry(1, text=text, severity="ERROR")])
    assert "varies" not in body
    assert "<*>" not in body.split("## Evidence")[0]
    assert f"- Error: `{text}`\n" in body
    assert f"matching `{text}`" in body


def test_what_differs_between_events_is_still_masked() -> None:
    texts = ["Worker timeout (pid:7214)", "Worker timeout (pid:7290)"]
    body = _body([run_entry(i, text=t, severity="ERROR") for i, t in enumerate(texts)])
    assert "(`<*>` varies), e.g." in body


def test_counts_of_one_are_singular() -> None:
    body = _body([run_entry(1, text="payment gateway refused the card batch", severity="ERROR")])
    assert "- Volume: 1 entry, 1 event, 1 instance," in body
    assert "- Counts: 1 entry (" in body and "), 1 event;" in body
    assert "(1 event from 1 instance)" in body
    assert not re.search(r"\b1 (entries|events)\b", body)


def test_a_single_route_answers_in_the_singular() -> None:
    request = {"requestMethod": "POST", "requestUrl": "https://api.example.test/v1/pay", "status": 500}
    body = _body([run_entry(1, severity="ERROR", httpRequest=request, log="run.googleapis.com%2Frequests")])
    assert "`/v1/pay` answers without a 5xx status" in body


def test_links_of_an_export_open_the_project_its_log_names_name() -> None:
    entry = run_entry(1, text="ledger write failed: deadlock detected", severity="ERROR")
    entry["logName"] = "projects/ledger-prod-7/logs/run.googleapis.com%2Fstderr"
    entry["errorGroups"] = [{"id": "CPq9x1LrY4Zk"}]
    report, cluster = _one([entry], export=True)
    assert report.project == "ledger-prod-7"  # the entries' own, the export naming none
    body = Composer(report, IssuesConfig()).issue(cluster, {}, draft=True).body
    assert "](https://console.cloud.google.com/errors/detail/CPq9x1LrY4Zk?project=ledger-prod-7)" in body
    assert "?project=ledger-prod-7))" in body  # the samples' Logs Explorer link
    assert "; project `ledger-prod-7`" in body
    worklog = MarkdownWorklog().render(report)
    assert "errors/detail/CPq9x1LrY4Zk?project=ledger-prod-7)" in worklog


def _in_project(entry: dict[str, Any], project: str) -> dict[str, Any]:
    entry["logName"] = entry["logName"].replace("projects/p/", f"projects/{project}/")
    assert entry["logName"].startswith(f"projects/{project}/logs/")
    return entry


@pytest.mark.parametrize(
    "entries",
    [
        [run_entry(s, text="ledger write failed: deadlock detected", severity="ERROR") for s in (1, 2)],
        [gke_entry(s, text="panic: runtime error: index out of range [3] with length 3") for s in (1, 2)],
        [run_entry(s, text="GET /healthz 200", severity="INFO") for s in (1, 2)],  # no problem
    ],
    ids=["cloud-run", "gke", "nothing-to-triage"],
)
def test_the_worklog_header_names_the_project_an_exports_entries_are_in(
    entries: list[dict[str, Any]],
) -> None:
    """An export names no project, its entries do (their log names): the header says theirs, not "—"."""
    report = _export([_in_project(entry, "ledger-prod-7") for entry in entries])
    assert "| **Project** | ledger-prod-7 |" in MarkdownWorklog().render(report)


def test_the_worklog_header_names_every_project_of_an_export_of_several() -> None:
    """A folder or organization sink's export holds entries of several projects: the header names them all
    (claiming neither alone, and not "—" as if it named none)."""
    entries = [
        run_entry(s, text="ledger write failed: deadlock detected", severity="ERROR") for s in (1, 2, 3)
    ]
    projects = ["ledger-staging-2", "ledger-prod-7", "ledger-data-1"]
    report = _export([_in_project(entry, project) for entry, project in zip(entries, projects, strict=True)])
    assert report.project is None
    assert report.projects == sorted(projects)
    assert "| **Project** | ledger-data-1, ledger-prod-7, ledger-staging-2 |" in MarkdownWorklog().render(
        report
    )


def test_the_worklog_header_of_an_organization_sink_says_it_names_only_some_of_its_projects() -> None:
    entries = [
        run_entry(s, text="ledger write failed: deadlock detected", severity="ERROR") for s in range(60)
    ]
    report = _export([_in_project(entry, f"team-{n:02d}-prod") for n, entry in enumerate(entries)])
    assert len(report.projects) == 50
    header = next(line for line in MarkdownWorklog().render(report).splitlines() if "**Project**" in line)
    assert header.startswith("| **Project** | team-") and header.endswith(", … |")


def test_links_name_no_project_when_the_samples_are_in_several() -> None:
    entries = [run_entry(i, text="ledger write failed: deadlock detected", severity="ERROR") for i in (1, 2)]
    entries[1]["logName"] = "projects/other-project/logs/run.googleapis.com%2Fstderr"
    report, cluster = _one(entries, export=True)
    body = Composer(report, IssuesConfig()).issue(cluster, {}, draft=True).body
    assert "?project=" not in body


def test_the_samples_query_bounds_time_so_logs_explorer_finds_entries_older_than_an_hour() -> None:
    entries = [
        run_entry(s, text="ledger write failed: deadlock detected", severity="ERROR") for s in (1.5, 75.25)
    ]
    _, cluster = _one(entries)
    query = sample_query(cluster)
    assert query is not None
    found = re.fullmatch(r'timestamp>="([^"]+)" AND timestamp<"([^"]+)" AND \((.+)\)', query)
    assert found, query
    start, end, ids = found.groups()
    stamps = sorted(s.timestamp for s in cluster.samples)
    bounds = [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (start, end)]
    assert bounds[0] <= stamps[0] and stamps[-1] < bounds[1]  # every sample inside, sub-second parts too
    assert ids == " OR ".join(f'insertId="{s.insert_id}"' for s in cluster.samples)
    body = Composer(make_report(cluster), IssuesConfig()).issue(cluster, {}, draft=True).body
    assert query in unquote(body)


def test_one_failed_request_is_one_request_and_one_moment_is_not_a_range() -> None:
    request = {"requestMethod": "GET", "requestUrl": "https://api.example.test/v1/cart", "status": 502}
    body = _body([run_entry(1, severity="ERROR", httpRequest=request, log="run.googleapis.com%2Frequests")])
    assert "1 request failed." in body and "1 requests" not in body
    assert "matching `HTTP 502 on GET /v1/cart (api)` at 2026-11-21T12:00:01Z (" in body
    assert "between 2026-11-21T12:00:01Z and 2026-11-21T12:00:01Z" not in body
    assert "- Time range: 2026-11-21T12:00:01Z (scan window" in body


def test_a_go_panic_is_not_said_to_be_raised() -> None:
    trace = (
        "panic: runtime error: index out of range [4] with length 4\n\n"
        "goroutine 12 [running]:\n"
        "main.(*Ledger).apply(0xc000010000, 0x4)\n"
        "\t/srv/ledger/ledger.go:88 +0x1d\n"
        "main.main()\n"
        "\t/srv/ledger/main.go:21 +0x45\n"
        "exit status 2"
    )
    body = _body([run_entry(1, text=trace, severity="ERROR")])
    assert "completes without panicking." in body
    assert "Fix the panic in `main.(*Ledger).apply` at `/srv/ledger/ledger.go:88`" in body
    assert "raising `panic`" not in body and "`panic` raised" not in body


def test_the_worklog_counts_one_entry_in_the_singular() -> None:
    report, _ = _one([run_entry(1, text="payment gateway refused the card batch", severity="ERROR")])
    worklog = MarkdownWorklog().render(report)
    assert "- **Count:** 1 entry in 1 event —" in worklog
    assert "1 problem from 1 entry at or above WARNING" in worklog
    assert not re.search(r"\b1 (entries|events)\b", worklog)


def test_log_text_cut_in_an_inline_code_span_ends_after_a_whole_word() -> None:
    text = "connection to the ledger database was reset by the peer while committing the nightly batch"
    cut = inline_code(text, 40).strip("`")
    assert cut.endswith("…") and len(cut) <= 40
    assert all(word in text.split() for word in cut[:-1].split()), cut
    assert inline_code("a" * 100, 40).strip("`") == "a" * 39 + "…"  # one long token: cut where it must be


def test_a_sample_that_is_the_stack_pattern_word_for_word_is_not_printed_twice() -> None:
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/billing.py", line 40, in charge\n'
        "    total = prices[sku]\n"
        "KeyError: 'sku-7'"
    )
    report, cluster = _one([run_entry(1, text=trace, severity="ERROR")])
    body = Composer(report, IssuesConfig()).issue(cluster, {}, draft=True).body
    worklog = MarkdownWorklog().render(report)
    for document in (body, worklog):
        assert document.count("total = prices[sku]") == 1
        assert "the stack pattern above, word for word." in document


def test_a_sample_that_says_more_than_the_stack_pattern_is_printed() -> None:
    trace = (
        "charge failed for order 18\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/app/billing.py", line 40, in charge\n'
        "    total = prices[sku]\n"
        "KeyError: 'sku-7'"
    )
    body = _body([run_entry(1, text=trace, severity="ERROR")])
    assert "charge failed for order 18" in body
    assert "word for word" not in body


def test_an_environment_without_revisions_does_not_count_zero_of_them() -> None:
    entry = gke_entry(1, text="replica lag exceeded 30s on shard 4", severity="ERROR")
    body = _body([entry])
    assert "0 revisions" not in body


def test_the_json_context_after_a_message_is_left_out_of_the_title() -> None:
    text = (
        "[2026-11-21 12:00:01] production.ERROR: Call to a member function save() on null "
        '{"userId":41,"exception":"[object] (Error(code: 0): Call to a member function save() on null at '
        '/var/www/app/Http/Controllers/CartController.php:88)"}'
    )
    _, cluster = _one([run_entry(1, text=text, severity="ERROR")])
    assert cluster.title.endswith("Call to a member function save() on null {…}"), cluster.title
    assert '"exception"' not in cluster.title


def test_leaving_the_json_context_out_is_linear() -> None:
    def run(n: int) -> str:
        return _without_context("word " + ' {"a' * n + ' {"k": 1}')

    assert assert_linear(run, 40_000).endswith("{…}")


def test_a_count_names_its_noun_in_the_right_number() -> None:
    assert [counted(1, "entry"), counted(2, "entry"), counted(3, "day"), counted(2, "key")] == [
        "1 entry",
        "2 entries",
        "3 days",
        "2 keys",
    ]
