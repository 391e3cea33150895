"""Headers, payloads, reassembly and priority rules of more logging formats, on entries written for the test."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ListSource, scan_entries
from entry_factories import gke_entry, run_entry, split_lines
from la_support import assert_equivalent, engine_with, local_report, log_analytics_report
from linear import assert_linear
from loggardener.entries.levels import declared_level, record_line, strip_prefix
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


@pytest.mark.parametrize(
    ("text", "severity", "rule", "body"),
    [
        # Log4j's `yy/MM/dd HH:mm:ss` layout (Spark and Hadoop on Dataproc)
        (
            "25/03/04 09:10:11 ERROR org.apache.spark.scheduler.TaskSchedulerImpl: Lost executor 3 on w-1: gone",
            "ERROR",
            "level-header",
            "Lost executor 3 on w-1: gone",
        ),
        ("25/03/04 09:10:11 INFO org.apache.spark.SparkContext: Running Spark", "INFO", "level-header", None),
        # Akka's default logger: the date has milliseconds, the thread and the actor's path are tags
        (
            "[ERROR] [03/04/2025 09:10:11.512] [shop-akka.actor.default-dispatcher-7] [akka://shop/user/biller] "
            "Invoice 12 rejected",
            "ERROR",
            "bracketed-level",
            "Invoice 12 rejected",
        ),
        # Loguru's default format
        (
            "2025-03-04 09:10:11.512 | ERROR    | billing.jobs:close_month:214 - Closing March failed",
            "ERROR",
            "loguru-header",
            "Closing March failed",
        ),
        (
            "2025-03-04 09:10:11.512 | WARNING  | billing.api:<module>:9 - Slow start",
            "WARNING",
            "loguru-header",
            "Slow start",
        ),
        ("2025-03-04 09:10:11.512 | SUCCESS  | billing.jobs:run:3 - Done", "INFO", "loguru-header", "Done"),
        # swift-log's stream handler (Vapor), its metadata's pairs before the message
        (
            "2025-03-04T09:10:11+0000 error codes.vapor.application : request-id=AB12-CD34 user=7 "
            "Decoding the cart failed",
            "ERROR",
            "swift-log-header",
            "Decoding the cart failed",
        ),
        (
            "2025-03-04T09:10:11+0000 notice codes.vapor.application : Server starting on http://0.0.0.0:8080",
            "NOTICE",
            "swift-log-header",
            "Server starting on http://0.0.0.0:8080",
        ),
        # Next.js' mark before an error it prints: the line after it says what failed
        (
            " \u2a2f RangeError: Invalid time value",
            "ERROR",
            "failure-line",
            "RangeError: Invalid time value",
        ),
        # a thread or worker in parentheses before the level
        ("[main] (w-1) ERROR com.acme.Job - boom", "ERROR", "level-header", "com.acme.Job - boom"),
        (
            "2025-03-04 09:10:11 (worker-3) WARN billing - slow close",
            "WARNING",
            "level-header",
            "billing - slow close",
        ),
        # Play's error handler's line before the exception's stack
        (
            "! @8a1b2c3d4 - Internal server error, for (POST) [/orders] ->",
            "ERROR",
            "failure-line",
            None,
        ),
    ],
)
def test_more_headers_declare_their_level_and_are_stripped(
    text: str, severity: str, rule: str, body: str | None
) -> None:
    declared = declared_level(text)
    assert declared is not None
    assert (declared.severity.name, declared.rule) == (severity, rule)
    if body is not None:
        assert strip_prefix(text) == body


def test_the_new_headers_are_read_in_linear_time() -> None:
    assert_linear(lambda n: strip_prefix("2025-03-04 09:10:11.512 | ERROR    | " + "a:" * n), 40_000)
    assert_linear(lambda n: strip_prefix("2025-03-04T09:10:11+0000 error x : " + "k=v " * n), 40_000)
    assert_linear(lambda n: strip_prefix("25/03/04 09:10:11 " + "9" * n), 40_000)
    assert_linear(lambda n: strip_prefix("\u2a2f " * n), 40_000)


def test_a_quarkus_exception_object_names_its_type() -> None:
    entry = parser.parse(
        1,
        run_entry(
            0,
            json_payload={
                "level": "ERROR",
                "loggerName": "io.quarkus.vertx.http.runtime.QuarkusErrorHandler",
                "message": "HTTP Request to /api/pay failed, error id: 1f2e-1",
                "exception": {
                    "refId": 1,
                    "exceptionType": "java.lang.ArithmeticException",
                    "message": "/ by zero",
                    "frames": [{"class": "acme.Fees", "method": "share", "line": 12}],
                },
            },
        ),
    )
    assert entry.stack is not None
    assert entry.stack.exception_type == "java.lang.ArithmeticException"


def test_a_logged_line_and_the_exception_after_it_are_one_event() -> None:
    lines = [
        "2025-03-04 09:10:11,512 [error] acme.Billing - Closing the month failed for tenant 7",
        "acme.billing.LedgerException: ledger locked",
        "\tat acme.billing.Ledger.close(Ledger.java:88)",
        "\tat acme.billing.Month.close(Month.java:12)",
    ]
    report = scan_entries(
        split_lines(0, lines, service="billing") + split_lines(60, lines, service="billing")
    )
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events) == (8, 2)


def test_a_next_js_server_error_split_over_lines_is_one_error() -> None:
    lines = [
        " \u2a2f TypeError: Cannot read properties of undefined (reading 'price')",
        "    at Cart (/app/.next/server/app/cart/page.js:1:901)",
        "    at renderElement (/app/node_modules/next/dist/compiled/next-server/app-page.runtime.prod.js:9:77) {",
        "  digest: '4181920012'",
        "}",
    ]
    report = scan_entries(split_lines(0, lines, service="shop"))
    (cluster,) = report.clusters
    assert cluster.count == 5
    assert cluster.max_severity == "ERROR"
    assert cluster.title.startswith("TypeError: Cannot read properties of undefined (reading 'price')")


def _go_panic(seconds: float, module: str) -> list[dict[str, Any]]:
    return split_lines(
        seconds,
        [
            "2025/03/04 09:10:11 http: panic serving 10.0.0.9:5512: runtime error: index out of range [2] with "
            "length 2",
            "goroutine 77 [running]:",
            f"{module}/api.(*Server).Basket(0xc0001, {{0xa0, 0xc0002}}, 0xc0003)",
            "\t/src/api/basket.go:51 +0x1c4",
            "created by net/http.(*Server).Serve",
            "\t/usr/local/go/src/net/http/server.go:3089 +0x5ed",
        ],
        service="basket",
    )


def test_a_module_path_on_a_reserved_example_domain_is_no_deliberate_example() -> None:
    entries = _go_panic(0, "example.com/basket") + _go_panic(300, "example.com/basket")
    (cluster,) = scan_entries(entries).clusters
    assert "deliberate example" not in cluster.reasons[0]
    (demo,) = scan_entries(_go_panic(0, "github.com/acme/examples/basket")).clusters
    assert demo.priority == "P3" and "deliberate example" in demo.reasons[0]


def test_innodb_naming_errno_28_is_a_full_disk() -> None:
    report = scan_entries(
        [
            gke_entry(
                0,
                text="2025-03-04T09:10:11.000001Z 9 [ERROR] [MY-012639] [InnoDB] Write to file ./shop/cart.ibd "
                "failed at offset 4096, 16384 bytes should have been written, only 0 were written. Operating "
                "system error number 28. Check that your OS and file system support files of this size.",
                pod="mysql-0",
            )
        ]
    )
    (cluster,) = report.clusters
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("disk full")


@pytest.mark.parametrize(
    "lines",
    [
        [
            '{"level":"ERROR","loggerName":"io.quarkus.vertx.http.runtime.QuarkusErrorHandler",'
            '"message":"HTTP Request to /api/pay failed, error id: 1f2e-1"}',
        ],
        [
            "! @8a1b2c3d4 - Internal server error, for (POST) [/orders] ->",
            "play.api.UnexpectedException: Unexpected exception[ArithmeticException: / by zero]",
            "\tat controllers.Orders.create(Orders.scala:31)",
        ],
    ],
)
def test_a_framework_report_of_an_uncaught_request_exception_is_p1(lines: list[str]) -> None:
    report = scan_entries(split_lines(0, lines, service="orders"))
    (cluster,) = report.clusters
    assert cluster.priority == "P1"
    assert cluster.reasons[0].startswith("requests failed on an exception no handler caught")


def _cloud_sql(seconds: float, insert_id: str, text: str, severity: str = "ERROR") -> dict[str, Any]:
    return {
        "insertId": insert_id,
        "timestamp": f"2026-11-21T12:00:{seconds:06.3f}Z",
        "severity": severity,
        "logName": "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
        "resource": {"type": "cloudsql_database", "labels": {"database_id": "p:shop-db"}},
        "textPayload": text,
    }


def _postgres_record(seconds: float, pid: int, key: int) -> list[dict[str, Any]]:
    prefix = f"2026-11-21 12:00:{seconds:06.3f} UTC [{pid}]"
    return [
        _cloud_sql(
            seconds,
            f"{pid}-a",
            f'{prefix}: [3-1] db=shop,user=app ERROR:  duplicate key value violates unique constraint "carts_pkey"',
        ),
        _cloud_sql(
            seconds, f"{pid}-b", f"{prefix}: [4-1] db=shop,user=app DETAIL:  Key (id)=({key}) already exists."
        ),
        _cloud_sql(
            seconds, f"{pid}-c", f"{prefix}: [5-1] db=shop,user=app STATEMENT:  INSERT INTO carts VALUES ($1)"
        ),
    ]


@pytest.mark.parametrize("newest_first", [False, True])
def test_postgres_detail_and_statement_lines_join_the_error_they_continue(newest_first: bool) -> None:
    entries = _postgres_record(1, 301, 7) + _postgres_record(20, 388, 9)
    report = scan_entries(entries[::-1] if newest_first else entries)
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events) == (6, 2)
    assert cluster.title == 'duplicate key value violates unique constraint "carts_pkey"'


def test_a_continuation_below_warning_stays_alone() -> None:
    report = scan_entries(
        [
            _cloud_sql(
                1, "a", "2026-11-21 12:00:01 UTC [7]: [1-1] db=shop,user=app LOG:  duration: 2100 ms", "INFO"
            ),
            _cloud_sql(
                1,
                "b",
                "2026-11-21 12:00:01 UTC [7]: [2-1] db=shop,user=app DETAIL:  parameters: $1 = '3'",
                "INFO",
            ),
        ],
        min_severity=Severity.INFO,
    )
    assert sorted(c.count for c in report.clusters) == [1, 1]


def test_reading_a_record_line_is_linear() -> None:
    for text in ("2026-11-21 12:00:01 UTC [7]:  " + "[1-1] ", "a" + "b:  " * 4, "1" + "0:  "):
        assert_linear(lambda n, text=text: record_line(text * n, strip_prefix(text * n)), 40_000)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("[2026-11-21 12:00:01,512: ERROR/MainProcess] Received unregistered task of type 'x'.", "head"),
        ("2026-11-21 12:00:01.512 [warning] <0.2375.628> closing AMQP connection", "head"),
        ("The message has been ignored and discarded.", "bare"),
        (
            "2026-11-21 12:00:01 UTC [7]: [2-1] db=shop,user=app DETAIL:  Key (id)=(7) already exists.",
            "continuation",
        ),
        ("12 items left", ""),  # a digit but no header
        ("ERROR: x", "level"),  # a record of its own, whose preamble may come before it
        ("    at f (/app/x.js:1:2)", ""),
        ("a\nb", ""),
    ],
)
def test_what_a_line_is_to_a_record(text: str, role: str) -> None:
    assert record_line(text, strip_prefix(text)) == role


def _celery_record(seconds: float, step: float) -> list[dict[str, Any]]:
    return split_lines(
        seconds,
        [
            "[2026-11-21 12:00:01,512: ERROR/MainProcess] Received unregistered task of type 'shop.tasks.sync'.",
            "The message has been ignored and discarded.",
            "Did you remember to import the module containing this task?",
            "Or maybe you're using relative imports?",
        ],
        step=step,
        gke=True,
        pod="worker-1",
    )


@pytest.mark.parametrize("newest_first", [False, True])
def test_bare_lines_written_with_a_record_join_it(newest_first: bool) -> None:
    entries = _celery_record(0, 0.001) + _celery_record(30, 0.001)
    report = scan_entries(entries[::-1] if newest_first else entries)
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events) == (8, 2)
    assert cluster.title.startswith("Received unregistered task of type")


def test_bare_lines_long_after_a_record_or_after_no_head_stay_alone() -> None:
    late = _celery_record(0, 0.5)
    report = scan_entries(late, min_severity=Severity.INFO)
    assert max(c.count for c in report.clusters) < 4
    alone = split_lines(0, ["Starting worker", "Listening on :8080"], step=0.001, gke=True, pod="worker-1")
    assert sorted(c.count for c in scan_entries(alone, min_severity=Severity.INFO).clusters) == [1, 1]


def test_log_analytics_joins_bare_lines_as_the_local_scan_does() -> None:
    entries = _celery_record(0, 0.001) + _celery_record(30, 0.5)
    for ordered in (entries, entries[::-1]):
        assert_equivalent(local_report(ListSource(ordered)), log_analytics_report(engine_with(ordered)))


def test_log_analytics_joins_continuations_and_logged_exceptions_as_the_local_scan_does() -> None:
    java = [
        "2025-03-04 09:10:11,512 [error] acme.Billing - Closing the month failed",
        "acme.billing.LedgerException: ledger locked",
        "\tat acme.billing.Ledger.close(Ledger.java:88)",
    ]
    entries = [
        *_postgres_record(1, 301, 7),
        *_postgres_record(20, 388, 9),
        *split_lines(30, java, service="billing"),
        *split_lines(90, java, service="billing"),
    ]
    for ordered in (entries, entries[::-1]):
        local = local_report(ListSource(ordered))
        assert_equivalent(local, log_analytics_report(engine_with(ordered)))
        assert sorted(c.count for c in local.clusters) == [6, 6]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("WARNING: using default SECRET_KEY, set it in production", "insecure-default-secret"),
        ("JWT_SECRET not set, falling back to the development secret", "insecure-default-secret"),
        ("WARNING: falling back to the default page size 50", "handled-warning"),
        ("WARNING: using Application Default Credentials", "low-impact-warning"),
        # a setting about secrets, not a secret
        ("WARNING: using default password policy (min length 8)", "handled-warning"),
        ("WARNING: using default secret store backend: env", "handled-warning"),
        ("Falling back to the default API key rotation schedule of 90 days", "handled-warning"),
        ("password reset token TTL is the default (3600s)", "low-impact-warning"),
        ("the admin password is still the default", "insecure-default-secret"),
    ],
)
def test_a_default_secret_is_no_handled_warning(text: str, rule: str) -> None:
    (cluster,) = scan_entries([run_entry(0, text=text, severity="WARNING")]).clusters
    expected = {
        "insecure-default-secret": ("P1", "a secret is a known default"),
        "handled-warning": ("P3", "a warning the code handles"),
        "low-impact-warning": ("P3", "low-impact warning"),
    }[rule]
    assert (cluster.priority, cluster.reasons[0][: len(expected[1])]) == expected


def test_a_unit_killed_after_the_oom_killer_is_its_effect() -> None:
    def syslog(seconds: float, text: str) -> dict[str, Any]:
        return {
            "insertId": f"s{seconds}",
            "timestamp": f"2026-11-21T12:00:{seconds:06.3f}Z",
            "logName": "projects/p/logs/syslog",
            "resource": {"type": "gce_instance", "labels": {"instance_id": "4431", "zone": "europe-west1-b"}},
            "labels": {"compute.googleapis.com/resource_name": "api-vm-1"},
            "textPayload": text,
        }

    report = scan_entries(
        [
            syslog(
                1.1,
                "Nov 21 12:00:01 api-vm-1 kernel: [518050.6] Out of memory: Killed process 1784 (java) "
                "total-vm:11964200kB, anon-rss:7428800kB",
            ),
            syslog(
                1.3,
                "Nov 21 12:00:01 api-vm-1 systemd[1]: search.service: Main process exited, code=killed, "
                "status=9/KILL",
            ),
        ]
    )
    by_title = {c.title.split(":")[0]: c for c in report.clusters}
    oom, unit = by_title["Out of memory"], by_title["search.service"]
    assert unit.fingerprint in oom.related
    assert oom.fingerprint in unit.causes


def test_a_go_handler_panic_fails_its_request() -> None:
    (cluster,) = scan_entries(_go_panic(0, "github.com/acme/basket")).clusters
    assert cluster.priority == "P1"
    assert cluster.reasons[0].startswith("requests failed on an exception no handler caught")


@pytest.mark.parametrize(
    "text",
    [
        "25/03/04 09:10:11 ERROR org.apache.spark.scheduler.TaskSetManager: Task 3 in stage 1.0 failed 4 times; "
        "aborting job",
        'Exception in thread "main" org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in '
        "stage 1.0 failed 4 times",
    ],
)
def test_a_spark_job_that_aborts_is_a_failed_pipeline_job(text: str) -> None:
    (cluster,) = scan_entries([run_entry(0, text=text)]).clusters
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("a data pipeline's job or task failed")


@pytest.mark.parametrize(
    ("exception", "priority", "reason"),
    [
        ("ActiveRecord::RecordNotFound (Couldn't find User with 'id'=42):", "P3", "HTTP 404: Rails answered"),
        (
            "NoMethodError (undefined method `name' for nil:NilClass):",
            "P1",
            "requests failed on an exception Rails",
        ),
        ('ActionController::RoutingError (No route matches [GET] "/wp-login.php"):', "P3", "HTTP 404: Rails"),
    ],
)
@pytest.mark.parametrize("split", [True, False])
def test_rails_fatal_request_reports_are_ranked_by_what_rails_answered(
    exception: str, priority: str, reason: str, split: bool
) -> None:
    """Rails logs every request's unhandled exception at FATAL: a 404 is noise, a 500 one route's failure."""
    tags = "[6f1c2a9e-4b1d-4e8f-9c1e-2f7a8b9c0d1e]"
    header = "F, [2026-11-30T10:00:00.200131 #1] FATAL -- : "
    lines = (
        [
            f"{header}{tags}   ",
            f"{tags} {exception}",
            f"{tags}   ",
            f"{tags} app/controllers/users_controller.rb:9:in `show'",
        ]
        if split
        else [f"{header}{tags} {exception}"]
    )
    (cluster,) = scan_entries(split_lines(1, lines, gke=True)).clusters
    assert cluster.max_severity == "CRITICAL"
    assert (cluster.priority, cluster.reasons[0][: len(reason)]) == (priority, reason)


def test_a_python_traceback_is_no_rails_report() -> None:
    lines = [
        "Traceback (most recent call last):",
        '  File "/app/x.py", line 3, in <module>',
        "ValueError: bad",
    ]
    (cluster,) = scan_entries(split_lines(0, lines, service="py")).clusters
    assert "Rails" not in cluster.reasons[0]


def test_a_record_not_found_in_a_background_job_is_no_rails_404() -> None:
    line = "E, [2026-11-30T10:00:00.200131 #1] ERROR -- : SyncJob failed: ActiveRecord::RecordNotFound: Couldn't find User"
    (cluster,) = scan_entries([gke_entry(0, text=line)]).clusters
    assert not cluster.reasons[0].startswith("HTTP 404")


@pytest.mark.parametrize(
    "other",
    [
        "Failed to flush metrics to statsd: connection refused",
        "Unable to renew the lease on queue orders: timed out",
        "Could not send the audit event: broker unreachable",
    ],
)
def test_another_threads_failure_in_the_same_milliseconds_is_no_line_of_the_record(other: str) -> None:
    # two threads of one pod log two failures 3 ms apart: the second, a failure of its own, is not the first's
    head = "2026-11-21 12:00:01,512 ERROR [pool-1-thread-3] c.s.Payments - Payment failed for order 7"
    entries = [gke_entry(0, text=head, pod="api-1"), gke_entry(0.003, text=other, pod="api-1")]
    for ordered in (entries, entries[::-1]):
        assert sorted(c.count for c in scan_entries(ordered).clusters) == [1, 1]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_postgres_continuation_over_lines_of_its_own_joins_the_error_it_continues(
    newest_first: bool,
) -> None:
    prefix = "2026-11-21 12:00:05.250 UTC [4211]: [3-1] db=shop,user=app"
    lines = [
        f"{prefix} ERROR:  deadlock detected",
        f"{prefix} DETAIL:  Process 4211 waits for ShareLock on transaction 99812; blocked by process 4218.\n"
        "\tProcess 4218 waits for ShareLock on transaction 99811; blocked by process 4211.\n"
        "\tProcess 4211: UPDATE stock SET qty = qty - $1 WHERE sku = $2",
        f"{prefix} HINT:  See server log for query details.",
        f"{prefix} STATEMENT:  UPDATE stock SET qty = qty - $1 WHERE sku = $2",
    ]
    entries = [_cloud_sql(5.25, f"d{n}", line) for n, line in enumerate(lines)]
    report = scan_entries(entries[::-1] if newest_first else entries)
    assert [(c.count, c.events, c.title) for c in report.clusters] == [(4, 1, "deadlock detected")]


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-21 12:00:01 UTC [7]: [2-1] db=shop,user=app LOG:  statement: SELECT 1\nDETAIL:  x",  # a LOG line
        'Traceback (most recent call last):\n  File "x.py", line 1\nDETAIL:  y',  # no continuation first
    ],
)
def test_a_text_over_lines_whose_first_is_no_continuation_is_nothing_to_a_record(text: str) -> None:
    assert record_line(text, strip_prefix(text)) == ""
