"""Each rule for real-world entries, on a minimal entry written for the test (see docs/severity.md)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import scan_entries
from entry_factories import run_entry, split_traceback
from loggardener.clustering.signature import normalize_route
from loggardener.entries.levels import declared_level, infer_severity, strip_prefix
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


def parse(raw: dict[str, Any]) -> Any:
    return parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


@pytest.mark.parametrize(
    ("text", "severity", "rule"),
    [
        ("[2026-11-21 12:00:00 +0000] [7] [CRITICAL] WORKER TIMEOUT (pid:9)", "CRITICAL", "bracketed-level"),
        ("2026-11-21 12:00:00 [WARNING] cache: stale entry", "WARNING", "bracketed-level"),
        ("ERROR:app:payment failed", "ERROR", "level-header"),
        ("E1124 12:00:00.123456    1 main.go:42] cannot dial", "ERROR", "glog-header"),
        ('ts=2026-11-21T12:00:00Z level=error msg="boom"', "ERROR", "logfmt-level"),
        ('{"level":"error","msg":"boom"}', "ERROR", "json-level-in-text"),
        ('{"level":50,"msg":"pino says boom"}', "ERROR", "json-level-in-text"),
        (
            "\x1b[31m[Nest] 41  - \x1b[39m11/21/2026, 12:00:00 PM \x1b[31m  ERROR\x1b[39m [Handler] boom",
            "ERROR",
            "level-header",
        ),
        ("2026-11-21 12:00:00,123 - app.db - ERROR - connection lost", "ERROR", "level-header"),
        ("dpkg: error processing archive /var/cache/x.deb (--unpack):", "ERROR", "level-word"),
        ("/app/x.py:3: DeprecationWarning: old api", "WARNING", "python-warning"),
        ("2026-11-21T12:00:00Z [1] INFO {sup} all good", "INFO", "level-header"),
    ],
)
def test_a_text_declares_its_level(text: str, severity: str, rule: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity.name, declared.rule) == (severity, rule)


def test_plain_text_declares_nothing() -> None:
    assert declared_level("Socket exception: Connection reset by peer (104)") is None
    assert declared_level("The request was aborted") is None


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "2023-02-25T03:46:49.1619Z OSConfigAgent Error main.go:231: unexpected end of JSON input",
            "unexpected end of JSON input",
        ),
        ("2023/10/10 23:06:39 GCEGuestAgent: Error watching metadata: x", "Error watching metadata: x"),
        (
            "[2026/07/25 16:04:44] [error] [input:winlog:winlog.1] failed to read 'Security'",
            "failed to read 'Security'",
        ),
        ("    indented source line", "    indented source line"),
        ("Error: boom", "Error: boom"),
    ],
)
def test_headers_are_stripped_before_templating(text: str, body: str) -> None:
    assert strip_prefix(text) == body


@given(st.text(max_size=300))
def test_header_reading_never_fails_and_only_shortens(text: str) -> None:
    declared_level(text)
    assert len(strip_prefix(text)) <= len(text)


def test_platform_failure_lines_are_errors_whatever_their_severity() -> None:
    inferred = infer_severity(
        Severity.DEBUG,
        weak=False,
        text="Function execution took 540141 ms. Finished with status: timeout",
        has_stack=False,
        has_error_group=False,
    )
    assert (inferred.severity, inferred.rule) == (Severity.ERROR, "platform-failure")
    for line in (
        "Memory limit of 512 MiB exceeded with 530 MiB used.",
        "STARTUP TCP probe failed 3 times consecutively for container x",
        "Back-off restarting failed container",
    ):
        assert infer_severity(
            Severity.DEFAULT, weak=True, text=line, has_stack=False, has_error_group=False
        ).rule == ("platform-failure")


def test_an_error_group_or_a_stack_makes_an_unleveled_entry_an_error() -> None:
    assert (
        infer_severity(Severity.DEFAULT, weak=True, text="x", has_stack=False, has_error_group=True).rule
        == "error-group"
    )
    assert (
        infer_severity(Severity.DEFAULT, weak=True, text="x", has_stack=True, has_error_group=False).rule
        == "stack"
    )
    assert (
        infer_severity(Severity.WARNING, weak=False, text="x", has_stack=True, has_error_group=False).rule
        is None
    )


def test_a_declared_info_on_gke_stderr_is_info_and_stays_in_scope_at_p3() -> None:
    entry = {
        "insertId": "a",
        "timestamp": "2026-11-21T12:00:00Z",
        "severity": "ERROR",
        "textPayload": "2026-11-21T12:00:00Z [1] INFO {sup} precondition failed for server 7",
        "labels": {"container.googleapis.com/stream": "stderr"},
        "resource": {"type": "k8s_container", "labels": {"namespace_name": "db", "container_name": "agent"}},
    }
    parsed = parse(entry)
    assert (parsed.severity, parsed.logged_severity, parsed.severity_rule) == (
        Severity.INFO,
        Severity.ERROR,
        "level-header",
    )
    (cluster,) = scan_entries([entry]).clusters
    assert cluster.priority == "P3" and cluster.max_severity == "INFO"


def test_an_unleveled_node_error_with_an_error_group_is_kept() -> None:
    text = "TypeError: x is undefined\n    at handler (/workspace/index.js:9:3)"
    report = scan_entries([run_entry(0, text=text, errorGroups=[{"id": "g1"}])])
    (cluster,) = report.clusters
    assert (
        cluster.kind == "exception" and cluster.max_severity == "ERROR" and cluster.error_group_ids == ["g1"]
    )


def test_a_json_payload_level_decides_a_missing_severity() -> None:
    entry = parse({"jsonPayload": {"level": 50, "msg": "order failed"}})
    assert (entry.severity, entry.severity_rule, entry.message) == (
        Severity.ERROR,
        "json-level",
        "order failed",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"message": "boom", "stacktrace": "java.lang.IllegalStateException: no\n\tat a.b.C.m(C.java:3)"},
        {"message": "boom", "stack_trace": "java.lang.IllegalStateException: no\n\tat a.b.C.m(C.java:3)"},
        {"msg": "boom", "err": {"stack": "Error: no\n    at f (/app/a.js:1:2)"}},
        {"message": "boom", "error": {"stack": "Error: no\n    at f (/app/a.js:1:2)"}},
        {
            "message": "boom",
            "exception": "Traceback (most recent call last):\n  File \"/app/a.py\", line 1, in f\nKeyError: 'x'",
        },
    ],
)
def test_stacks_are_read_from_every_json_field(payload: dict[str, Any]) -> None:
    assert parse({"jsonPayload": payload}).stack is not None


def test_an_app_engine_request_log_is_a_request_with_its_messages() -> None:
    entry = parse(
        {
            "protoPayload": {
                "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
                "method": "POST",
                "resource": "/api/pay?card=1",
                "status": 500,
                "line": [{"logMessage": "payment backend down", "severity": "ERROR"}],
            }
        }
    )
    assert entry.http is not None and (entry.http.method, entry.http.status) == ("POST", 500)
    assert normalize_route(entry.http.url or "") == "/api/pay" and entry.message == "payment backend down"


def test_a_scheduler_attempt_is_a_job_failure_not_an_invented_request() -> None:
    entry = {
        "insertId": "s1",
        "timestamp": "2026-11-21T12:00:00Z",
        "severity": "ERROR",
        "httpRequest": {"status": 500},
        "resource": {"type": "cloud_scheduler_job", "labels": {"job_id": "nightly"}},
        "jsonPayload": {
            "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
            "jobName": "projects/p/locations/l/jobs/nightly",
            "status": "INTERNAL",
            "url": "https://h/run",
        },
    }
    (cluster,) = scan_entries([entry]).clusters
    assert cluster.kind == "message" and "GET /" not in cluster.title
    assert cluster.title.startswith("Cloud Scheduler job nightly attempt finished: INTERNAL")
    assert cluster.priority == "P1"


def test_dotnet_php_and_ruby_stacks() -> None:
    stacks = StackParser()
    dotnet = stacks.parse(
        "System.InvalidOperationException: empty\n   at App.Orders.Get(Int32 id) in /src/Orders.cs:line 42"
    )
    php = stacks.parse(
        "PHP Fatal error:  Uncaught RuntimeException: boom in /var/www/a.php:12\nStack trace:\n#0 /var/www/b.php(3): f()"
    )
    ruby = stacks.parse("app/a.rb:2:in `f': boom (RuntimeError)\n\tfrom app/b.rb:5:in `g'")
    assert dotnet is not None and (dotnet.language, dotnet.frames[-1].line) == ("dotnet", 42)
    assert php is not None and (php.language, php.exception_type) == ("php", "RuntimeException")
    assert ruby is not None and (ruby.language, ruby.frames[-1].file) == ("ruby", "app/a.rb")


def test_one_error_in_two_formats_is_one_problem() -> None:
    frames = "    at handler (/workspace/index.js:20:5)\n    at process (node:internal/x:1:1)"
    inspected = (
        "[req] failed: {\n  stack: 'Error: no configuration found\\n' +\n"
        "    '    at handler (/workspace/index.js:20:5)\\n' +\n    '    at process (node:internal/x:1:1)'\n}"
    )
    report = scan_entries(
        [
            run_entry(0, text=f"[req] auth failed: AuthError: no configuration found\n{frames}"),
            run_entry(1, text=inspected),
        ]
    )
    assert len(report.clusters) == 1 and report.clusters[0].count == 2


def test_a_split_traceback_whose_last_line_lags_and_one_printed_twice() -> None:
    frames = [("/app/a.py", 3, "f", "return prices[sku]")]
    lagging = split_traceback(0.0, frames, "KeyError: 'sku'")
    lagging[-1]["timestamp"] = lagging[-1]["timestamp"].replace("12:00:00", "12:00:03")
    report = scan_entries(lagging)
    assert report.totals.events == 1 and report.clusters[0].exception_type == "KeyError"
    newest_first = scan_entries(list(reversed(lagging)))
    assert newest_first.totals.events == 1
    printed = [split_traceback(10.0, frames, "KeyError: 'a'", step=0.0) for _ in range(2)]
    twice = [entry for pair in zip(*printed, strict=True) for entry in pair]
    report = scan_entries(twice)
    assert report.totals.events == 2 and report.clusters[0].events == 2


def test_a_python_warning_and_its_source_line_are_one_event() -> None:
    report = scan_entries(
        [
            run_entry(0.0, text="/app/lib/x.py:16: UserWarning: pkg is deprecated and slated for removal"),
            run_entry(0.00003, text="  import pkg"),
        ]
    )
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events, cluster.max_severity, cluster.priority) == (2, 1, "WARNING", "P2")


@pytest.mark.parametrize(
    ("url", "route"),
    [
        ("https://h/reports/2024-05/summary", "/reports/{id}/summary"),
        ("https://h/orders/B1234", "/orders/{id}"),
        ("https://h/blobs/9f86d081884c7d659a2feaa0c55ad015", "/blobs/{id}"),
        ("https://h/api/v2/users", "/api/v2/users"),
    ],
)
def test_routes_are_normalized(url: str, route: str) -> None:
    assert normalize_route(url) == route


def test_activity_never_has_more_than_48_buckets() -> None:
    entries = [
        run_entry(day * 86_400.0, text="[ERROR] disk almost full", severity=None) for day in range(0, 200, 7)
    ]
    (cluster,) = scan_entries(entries).clusters
    assert 1 < len(cluster.buckets) <= 48 and sum(cluster.buckets.values()) == len(entries)


def test_a_request_problem_is_per_service_and_route_and_invents_no_method() -> None:
    entries = [
        run_entry(0, service="a", httpRequest={"requestUrl": "https://h/x", "status": 502}, severity="ERROR"),
        run_entry(1, service="b", httpRequest={"requestUrl": "https://h/x", "status": 502}, severity="ERROR"),
    ]
    titles = sorted(c.title for c in scan_entries(entries).clusters)
    assert titles == ["HTTP 502 on /x (a)", "HTTP 502 on /x (b)"]


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_line_a_traceback_was_logged_with_joins_it(newest_first: bool) -> None:
    frames = [("/app/a.py", 3, "handler", "return pay()")]
    entries = [
        run_entry(0.0, text="ERROR:app:Exception on /pay [POST]"),
        *split_traceback(0.0001, frames, "KeyError: 'card'"),
        run_entry(0.5, text="[INFO] request done"),
    ]
    report = scan_entries(list(reversed(entries)) if newest_first else entries)
    (cluster,) = [c for c in report.clusters if c.kind == "exception"]
    assert (cluster.count, cluster.events) == (len(entries) - 1, 1)
    assert cluster.inferred_severity == {"split-traceback": len(entries) - 2, "level-header": 1}


@pytest.mark.parametrize(
    "lines",
    [
        [
            'Exception in thread "main" java.lang.IllegalStateException: ledger closed',
            "\tat com.acme.Ledger.post(Ledger.java:42)",
            "\tat com.acme.Main.main(Main.java:7)",
            "Caused by: java.io.IOException: disk",
            "\t... 2 more",
        ],
        [
            "TypeError: Cannot read properties of undefined (reading 'id')",
            "    at render (/app/src/view.js:12:9)",
            "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
        ],
        [
            "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
            "   at Shop.Orders.Get(Int32 id) in /src/Orders.cs:line 42",
            "   at Shop.Program.Main() in /src/Program.cs:line 9",
        ],
    ],
)
@pytest.mark.parametrize("newest_first", [False, True])
def test_stacks_split_one_line_per_entry_reassemble_in_every_language(
    lines: list[str], newest_first: bool
) -> None:
    entries = [run_entry(i * 0.0002, text=line) for i, line in enumerate(lines)]
    report = scan_entries(list(reversed(entries)) if newest_first else entries)
    (cluster,) = report.clusters
    assert (cluster.kind, cluster.count, cluster.events, cluster.max_severity) == (
        "exception",
        len(lines),
        1,
        "ERROR",
    )


def test_a_json_line_left_in_text_payload_is_read_as_structured() -> None:
    entry = parse(
        {"textPayload": '{"level":"ERROR","message":"payment declined for order 12","logger":"billing"}'}
    )
    assert (entry.severity, entry.severity_rule, entry.message) == (
        Severity.ERROR,
        "json-level",
        "payment declined for order 12",
    )


def test_a_declared_critical_platform_failure_keeps_its_level() -> None:
    entry = parse({"textPayload": "[2026-01-01 10:00:02 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:17)"})
    assert (entry.severity, entry.severity_rule) == (Severity.CRITICAL, "bracketed-level")


def test_traceback_headers_without_their_frames_say_the_input_looks_filtered() -> None:
    header = run_entry(0.0, text="Traceback (most recent call last):", severity="ERROR")
    report = scan_entries([header, run_entry(9.0, text="KeyError: 'x'", severity="ERROR")])
    assert any("1 traceback header came without their frames" in note for note in report.notes)
    whole = scan_entries(split_traceback(0.0, [("/app/a.py", 1, "f", "x()")], "KeyError: 'x'"))
    assert not any("without their frames" in note for note in whole.notes)


def test_a_go_panic_line_alone_is_an_error() -> None:
    entry = parse({"textPayload": "panic: runtime error: invalid memory address or nil pointer dereference"})
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        ("Back-off restarting failed container", "DEBUG"),
        ("OOMKilled", "INFO"),
        ("Function execution took 540141 ms. Finished with status: timeout", "DEBUG"),
        ("[2026-01-01 10:00:00 +0000] [1] [ERROR] Exception in worker process", "INFO"),
        ('{"level":50,"msg":"boom"}', "INFO"),
        ("E1124 12:00:00.123456    1 main.go:42] cannot dial", "INFO"),
        ("TypeError: x is undefined\n    at f (/app/a.js:1:2)", "INFO"),
    ],
)
def test_queries_fetch_every_text_inference_raises(text: str, logged: str) -> None:
    """The live query and Log Analytics fetch below-WARNING entries by these patterns (as RE2 reads them)."""
    import re

    from loggardener.entries.levels import MAY_DECLARE_LEVEL, PLATFORM_FAILURE_PATTERN

    raised = parse(
        {"textPayload": text, "severity": logged, "labels": {"container.googleapis.com/stream": "stdout"}}
    )
    assert raised.severity >= Severity.WARNING
    platform = re.search("(?i)" + PLATFORM_FAILURE_PATTERN, text)
    assert platform or (logged == "INFO" and re.search(MAY_DECLARE_LEVEL, text))
