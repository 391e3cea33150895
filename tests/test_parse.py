from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from linear import assert_linear
from loggardener.entries import levels
from loggardener.entries.levels import access_status, platform_failure
from loggardener.entries.models import LogEntry, Severity
from loggardener.entries.parse import (
    EntryParser,
    MalformedEntry,
    _parse_rfc3339,
    json_level,
    parse_timestamp,
    url_path,
)
from loggardener.entries.payloads import read_payload
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())
_AUDIT = "type.googleapis.com/google.cloud.audit.AuditLog"


def parse(raw: dict[str, object]):  # type: ignore[no-untyped-def]
    return parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


def test_timestamp_with_nanoseconds_and_offsets() -> None:
    assert parse_timestamp("2026-11-21T12:00:00.123456789Z") == datetime(
        2026, 11, 21, 12, 0, 0, 123456, tzinfo=timezone.utc
    )
    assert parse_timestamp("2026-11-21T14:00:00+02:00") == datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
    with pytest.raises(MalformedEntry):
        parse_timestamp("yesterday")


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)),
    st.text(alphabet="0123456789", min_size=4, max_size=30),
    st.sampled_from(["Z", "+00:00", "-05:30"]),
)
def test_a_fraction_of_any_length_is_read_to_the_microsecond(moment: datetime, more: str, zone: str) -> None:
    """RFC 3339 puts no bound on the fraction's digits: twelve (a picosecond clock, a converter) are read as
    nine are, cut to the microsecond, not counted as a malformed timestamp."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + more + zone
    offset = {"Z": timedelta(0), "+00:00": timedelta(0), "-05:30": -timedelta(hours=5, minutes=30)}[zone]
    assert parse_timestamp(text) == (moment - offset).replace(tzinfo=timezone.utc)


def test_a_fraction_without_digits_or_with_other_marks_is_still_malformed() -> None:
    for text in ("2026-11-21T12:00:00.Z", "2026-11-21T12:00:00,123456789012Z", "2026-11-21T12:00:00.12a4Z"):
        with pytest.raises(MalformedEntry):
            parse_timestamp(text)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)), st.integers(0, 999))
def test_timestamp_roundtrip(moment: datetime, nanos: int) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{nanos:03d}Z"
    assert parse_timestamp(text) == moment.replace(tzinfo=timezone.utc)


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(["UTC", " UTC", "GMT", " GMT", "+00:00 UTC", "+0000 UTC"]),
)
def test_a_zone_written_as_its_name_is_utc(moment: datetime, zone: str) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    assert parse_timestamp(text + zone) == parse_timestamp(text + "Z")


def test_an_offset_before_a_zone_name_is_the_offset_and_a_name_alone_is_no_zone() -> None:
    assert parse_timestamp("2026-11-21 14:00:00 +0200 UTC") == datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
    for text in ("2026-11-21T12:00:00 CET", "2026-11-21T12:00:00UTC+1", "2026-11-21T12:00:00ZUTC"):
        with pytest.raises(MalformedEntry):
            parse_timestamp(text)


def _outcome(parse_text: Callable[[str], datetime], text: str) -> tuple[str, str | None]:
    """What a timestamp parser makes of `text`: the exact instant and zone, or the error it gives."""
    try:
        moment = parse_text(text)
    except MalformedEntry as exc:
        return "error", str(exc)
    return moment.isoformat(), repr(moment.tzinfo)


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=4)
_TIMESTAMP_TEXTS = st.one_of(
    # the common shape, valid or not (month 13, day 31 of February, year 0001 or 9999, hour 24, second 60)
    st.builds(
        "{}-{}-{}T{}:{}:{}{}{}".format,
        st.integers(0, 9999).map("{:04d}".format),
        st.integers(0, 13).map("{:02d}".format),
        st.integers(0, 32).map("{:02d}".format),
        st.integers(0, 25).map("{:02d}".format),
        st.integers(0, 60).map("{:02d}".format),
        st.integers(0, 61).map("{:02d}".format),
        st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=0, max_size=11).map(".{}".format)),
        st.sampled_from(["Z", "z", "+00:00", "-05:30", "+0200", " ", "Z ", "", "+01", "ZZ"]),
    ),
    # other separators and digits (Unicode digits, a comma, a space, week dates, basic format)
    st.builds(
        "".join,
        st.lists(st.one_of(_DIGITS, st.sampled_from(list("-:T tW.,Z+٣"))), max_size=14),
    ),
    st.text(max_size=32),
)


@given(_TIMESTAMP_TEXTS)
def test_timestamp_fast_path_agrees_with_the_full_parser(text: str) -> None:
    assert _outcome(parse_timestamp, text) == _outcome(_parse_rfc3339, text)


def test_timestamp_fast_path_edges_agree_with_the_full_parser() -> None:
    for text in [
        "2026-02-30T12:00:00Z",
        "2026-11-21T24:00:00Z",
        "2026-11-21T23:59:60Z",
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "8999-12-31T23:59:59.9999999Z",
        "9000-01-01T00:00:00Z",
        "2026-11-21T12:00:00.Z",
        "2026-11-21T12:00:00.1234567890Z",
        "2026-11-21T12:00:00,5Z",
        "2026-W47-6T12:00:00Z",
        " 2026-11-21T12:00:00Z",
        "2026-11-21T12:00:00Z\n",
        "٢٠٢٦-11-21T12:00:00Z",
    ]:
        assert _outcome(parse_timestamp, text) == _outcome(_parse_rfc3339, text), text


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999+00:00"),
        ("2016-12-31T15:59:60.5-08:00", "2016-12-31T23:59:59.999999+00:00"),  # 23:59:60 UTC, written in UTC-8
        ("2026-11-21T12:34:60Z", None),  # no leap second comes at 12:34
    ],
)
def test_a_leap_second_is_read_only_where_one_can_come(text: str, read: str | None) -> None:
    if read is None:
        with pytest.raises(MalformedEntry, match="leap second"):
            parse_timestamp(text)
    else:
        assert parse_timestamp(text).isoformat() == read


def test_severity_names_numbers_and_absence() -> None:
    assert Severity.parse("ERROR") is Severity.ERROR
    assert Severity.parse(450) is Severity.WARNING
    assert Severity.parse(None) is Severity.DEFAULT
    assert Severity.parse("bogus") is Severity.DEFAULT


def test_text_payload_cloud_run() -> None:
    entry = parse(
        {
            "textPayload": "Container called exit(3).",
            "severity": "WARNING",
            "insertId": "abc",
            "logName": "projects/p/logs/run.googleapis.com%2Fvarlog%2Fsystem",
            "resource": {
                "type": "cloud_run_revision",
                "labels": {"service_name": "api", "revision_name": "api-1"},
            },
            "labels": {"instanceId": "i-1"},
            "errorGroups": [{"id": "G1"}],
        }
    )
    assert (entry.service, entry.revision, entry.instance) == ("api", "api-1", "i-1")
    assert entry.payload_kind == "text" and entry.message == "Container called exit(3)."
    assert entry.log_id == "run.googleapis.com/varlog/system"
    assert entry.error_group_ids == ("G1",)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"message": "m1", "msg": "m2"}, "m1"),
        ({"msg": "m2"}, "m2"),
        ({"stack_trace": "s"}, "s"),
        ({"exception": "e", "other": 1}, "e"),
        ({"other": 1}, "other=1"),
        ({"@mt": "Failed to post {Id}", "@m": "Failed to post 7"}, "Failed to post {Id}"),
        ({"@m": "Failed to post 7"}, "Failed to post 7"),
        ({"MESSAGE": "Started Daily apt.", "PRIORITY": "6"}, "Started Daily apt."),
        ({"Message": "Request failed", "LogLevel": "Error"}, "Request failed"),
        ({"fields": {"message": "query failed"}, "level": "ERROR", "target": "db"}, "query failed"),
    ],
)
def test_json_payload_message_fields_in_error_reporting_order(
    payload: dict[str, object], message: str
) -> None:
    assert parse({"jsonPayload": payload}).message == message


def test_json_payload_stack_in_stack_trace_field() -> None:
    entry = parse(
        {
            "jsonPayload": {
                "message": "Reservation failed",
                "exception": 'Traceback (most recent call last):\n  File "/app/a.py", line 3, in f\n'
                "    x()\nKeyError: 'sku'",
            }
        }
    )
    assert entry.message == "Reservation failed"
    assert entry.stack is not None and entry.stack.exception_type == "KeyError"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        # zap, logrus (WithError), zerolog, slog: the error is a string beside a generic message
        (
            {"level": "error", "msg": "request failed", "error": "dial tcp 10.0.0.5:5432: connect: refused"},
            "request failed: dial tcp 10.0.0.5:5432: connect: refused",
        ),
        (
            {"level": "error", "message": "query failed", "error": "sql: no rows"},
            "query failed: sql: no rows",
        ),
        ({"level": "ERROR", "msg": "sync failed:", "err": "EOF"}, "sync failed: EOF"),
        # pino and bunyan `err` objects; log4j2 `thrown`; ECS dotted; Workflows `failure`
        (
            {
                "level": 50,
                "msg": "request failed",
                "err": {"type": "Error", "message": "ECONNRESET", "stack": "x"},
            },
            "request failed: ECONNRESET",
        ),
        ({"msg": "upload failed", "err": {"name": "AbortError"}}, "upload failed: AbortError"),
        (
            {"message": "Payment failed", "thrown": {"name": "java.lang.X", "message": "card is null"}},
            "Payment failed: card is null",
        ),
        (
            {"message": "Index refresh failed", "error.message": "disk quota exceeded"},
            "Index refresh failed: disk quota exceeded",
        ),
        (
            {"message": "Execution failed or cancelled.", "failure": {"exception": "division by zero"}},
            "Execution failed or cancelled.: division by zero",
        ),
        # the error already in the message, or no message at all, or an error field without an error
        ({"msg": "failed: EOF", "error": "EOF"}, "failed: EOF"),
        ({"level": 50, "msg": "ECONNRESET", "err": {"message": "ECONNRESET"}}, "ECONNRESET"),
        ({"error": "boom\nmore"}, "boom\nmore"),
        ({"err": {"message": "boom"}}, "boom"),
        ({"msg": "done", "error": None, "err": {}}, "done"),
        ({"msg": "done", "error": False}, "done"),
        # a traceback in the error field is a stack, not an error line
        (
            {
                "msg": "job failed",
                "error": 'Traceback (most recent call last):\n  File "a.py", line 1\nKeyError: 1',
            },
            "job failed",
        ),
    ],
)
def test_the_error_beside_a_message_is_part_of_it(payload: dict[str, object], message: str) -> None:
    assert parse({"jsonPayload": payload}).message == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # zap's console encoder: header, message, then the fields as one JSON object after a tab
        (
            "2025-06-10T13:00:00.120Z\terror\tsync/worker.go:88\tShard sync failed.\t"
            '{"shard": 7, "error": "dial tcp 10.2.0.9:6379: i/o timeout", "attempt": 3}',
            "2025-06-10T13:00:00.120Z\terror\tsync/worker.go:88\tShard sync failed: dial tcp 10.2.0.9:6379: i/o timeout",
        ),
        (
            '2025-06-10T13:00:00Z\tERROR\tReconcile failed\t{"controller": "bucket", "error": {"message": "quota"}}',
            "2025-06-10T13:00:00Z\tERROR\tReconcile failed: quota",
        ),
        # fields without an error, a JSON text, or no fields: the text as it is
        (
            '2025-06-10T13:00:00Z\tinfo\tsynced\t{"shard": 7}',
            '2025-06-10T13:00:00Z\tinfo\tsynced\t{"shard": 7}',
        ),
        ('sync failed {"error": "x"', 'sync failed {"error": "x"'),
        ('sync failed {"error": "x"}\nnext line', 'sync failed {"error": "x"}\nnext line'),
    ],
)
def test_the_error_in_a_text_lines_trailing_fields_is_part_of_it(text: str, message: str) -> None:
    assert read_payload({"textPayload": text}).message == message


_TRACING_RECORD = (
    '{"timestamp":"2026-03-02T08:00:01.5Z","level":"ERROR","fields":{"message":"migration 0042 failed",'
    '"error":"relation \\"carts\\" already exists"},"target":"schema_engine::migrate"}'
)


@pytest.mark.parametrize(
    ("text", "severity", "message"),
    [
        # the npm `debug` module relays a program's JSON record behind its time and namespace, or (on a terminal)
        # behind its namespace with the time since its last line after it; a process manager behind its tag
        (
            f"2026-03-02T08:00:01.512Z engine:migrate:stderr {_TRACING_RECORD}",
            Severity.ERROR,
            'migration 0042 failed: relation "carts" already exists',
        ),
        (
            f"  engine:migrate:stderr  {_TRACING_RECORD} +12ms",
            Severity.ERROR,
            'migration 0042 failed: relation "carts" already exists',
        ),
        (
            '0|cart-api  | {"level":"warn","msg":"cart 9 kept for retry"}',
            Severity.WARNING,
            "cart 9 kept for retry",
        ),
        (_TRACING_RECORD, Severity.ERROR, 'migration 0042 failed: relation "carts" already exists'),
        # trailing fields without a level, a JSON object that is no record, the elapsed time after no record
        (
            'cart sync failed {"level_hint":"x","msg":"y"}',
            Severity.DEFAULT,
            'cart sync failed {"level_hint":"x","msg":"y"}',
        ),
        ('cart saved {"level":"error","cart":9}', Severity.DEFAULT, 'cart saved {"level":"error","cart":9}'),
        ('  engine:query cart 9 {"ms":3} +2ms', Severity.DEFAULT, '  engine:query cart 9 {"ms":3} +2ms'),
    ],
)
def test_a_json_record_relayed_behind_a_prefix_is_the_payload(
    text: str, severity: Severity, message: str
) -> None:
    entry = parse({"textPayload": text})
    assert (entry.severity, entry.message) == (severity, message)


def test_two_errors_in_trailing_fields_are_two_problems() -> None:
    def title(error: str) -> str:
        return parse(
            {"textPayload": f'2025-06-10T13:00:00Z\terror\tx.go:1\tExport failed.\t{{"error": "{error}"}}'}
        ).message

    assert title("rpc error: code = Unavailable") != title("rpc error: code = PermissionDenied")
    assert title("rpc error: code = Unavailable").endswith("Export failed: rpc error: code = Unavailable")


@given(st.text(min_size=1), st.text(min_size=1))
def test_two_errors_logged_with_one_message_read_differently(first: str, second: str) -> None:
    def message(error: str) -> str:
        return read_payload({"jsonPayload": {"msg": "request failed", "error": error}}).message

    lines = {error: error.strip().split("\n", 1)[0].strip() for error in (first, second)}
    if len(set(lines.values())) == 2 and not any(
        line in "request failed" or line.startswith("Traceback") for line in lines.values()
    ):
        assert message(first) != message(second)
        assert all(line in message(error) for error, line in lines.items())


@pytest.mark.parametrize(
    ("payload", "exception_type", "function"),
    [
        (
            {
                "msg": "request failed",
                "err": {
                    "type": "TypeError",
                    "message": "x is undefined",
                    "stack": "TypeError: x is undefined\n    at handler (/app/src/api.js:10:5)",
                },
            },
            "TypeError",
            "handler",
        ),
        (
            {
                "message": "Payment authorization failed",
                "thrown": {
                    "name": "java.lang.NullPointerException",
                    "message": "card is null",
                    "extendedStackTrace": [
                        {
                            "class": "com.acme.PaymentService",
                            "method": "authorize",
                            "file": "PaymentService.java",
                            "line": 57,
                        },
                        {
                            "class": "com.acme.PaymentController",
                            "method": "pay",
                            "file": "PaymentController.java",
                            "line": 31,
                        },
                    ],
                    "cause": {"name": "java.lang.IllegalStateException", "extendedStackTrace": []},
                },
            },
            "java.lang.NullPointerException",
            "com.acme.PaymentService.authorize",
        ),
        (
            {
                "message": "Index refresh failed",
                "error.type": "java.io.UncheckedIOException",
                "error.stack_trace": "java.io.UncheckedIOException: quota\n\tat com.acme.Indexer.refresh(Indexer.java:120)\n",
            },
            "java.io.UncheckedIOException",
            "com.acme.Indexer.refresh",
        ),
        (
            {
                "message": "refresh failed",
                "error": {
                    "type": "java.io.IOException",
                    "stack_trace": "java.io.IOException: quota\n\tat com.acme.Indexer.refresh(Indexer.java:120)\n",
                },
            },
            "java.io.IOException",
            "com.acme.Indexer.refresh",
        ),
        (
            {
                "levelname": "ERROR",
                "message": "sync failed",
                "exc_info": 'Traceback (most recent call last):\n  File "/app/sync.py", line 55, in sync\n'
                "    raise ValueError(1)\nValueError: 1",
            },
            "ValueError",
            "sync",
        ),
        (
            {
                "@mt": "Failed to post {Id}",
                "@l": "Error",
                "@x": "System.InvalidOperationException: Sequence contains no elements\n"
                "   at Acme.Journal.PostAsync(Guid id) in /src/Journal.cs:line 88",
            },
            "System.InvalidOperationException",
            "Acme.Journal.PostAsync",
        ),
        (
            {
                "Message": "Request failed",
                "LogLevel": "Error",
                "Exception": "System.TimeoutException: slow\n   at Acme.Api.Get() in /src/Api.cs:line 9",
            },
            "System.TimeoutException",
            "Acme.Api.Get",
        ),
    ],
)
def test_stacks_in_error_objects_and_exception_fields(
    payload: dict[str, object], exception_type: str, function: str
) -> None:
    entry = parse({"jsonPayload": payload})
    assert entry.stack is not None and entry.stack.exception_type == exception_type
    frame = entry.stack.innermost_in_app
    assert frame is not None and frame.function == function


@pytest.mark.parametrize(
    ("payload", "severity"),
    [
        ({"@mt": "x {A}", "@l": "Warning"}, Severity.WARNING),
        ({"@mt": "x {A}", "@l": "Fatal"}, Severity.CRITICAL),
        ({"@mt": "x {A}"}, Severity.INFO),  # CLEF: no `@l` is Information
        ({"@m": "x 1"}, Severity.INFO),
        ({"Message": "x", "LogLevel": "Critical"}, Severity.CRITICAL),
        ({"message": "x", "status": "error"}, Severity.ERROR),  # Datadog
        ({"message": "x", "status": "warn"}, Severity.WARNING),
        ({"message": "x", "status": 500}, Severity.DEFAULT),  # an HTTP status is no level
        ({"message": "x", "status": "500"}, Severity.DEFAULT),
        ({"message": "x", "status": "ok"}, Severity.DEFAULT),
        ({"message": "x", "log.level": "error"}, Severity.ERROR),  # ECS, dotted
        ({"message": "x", "log": {"level": "warn", "logger": "a"}}, Severity.WARNING),  # ECS, nested
        ({"message": "x", "level": "info", "status": "error"}, Severity.INFO),  # the level key first
        # journald: PRIORITY when the message declares no level of its own
        ({"MESSAGE": "Failed to start ETL runner.", "PRIORITY": "3"}, Severity.ERROR),
        ({"MESSAGE": "etl.service: Main process exited", "PRIORITY": 4}, Severity.WARNING),
        ({"MESSAGE": "kernel: BUG", "PRIORITY": "2"}, Severity.CRITICAL),
        ({"MESSAGE": "x", "PRIORITY": "0"}, Severity.EMERGENCY),
        ({"MESSAGE": "x", "PRIORITY": "6"}, Severity.DEFAULT),  # journald's default for a service's output
        (
            {"MESSAGE": "E0610 11:00:14.123456    1853 pod_workers.go:1301] sync failed", "PRIORITY": "6"},
            Severity.ERROR,
        ),
        ({"MESSAGE": 'time="t" level=error msg="ContainerStatus failed"', "PRIORITY": "6"}, Severity.ERROR),
        ({"MESSAGE": "I0610 11:00:14.123456    1853 kubelet.go:9] synced", "PRIORITY": "3"}, Severity.INFO),
        ({"MESSAGE": "x", "PRIORITY": "9"}, Severity.DEFAULT),
        ({"MESSAGE": "x", "PRIORITY": True}, Severity.DEFAULT),
        # a GELF record's level is a syslog number; elsewhere a number below 10 is under pino's lowest
        ({"version": "1.1", "short_message": "x", "level": 3}, Severity.ERROR),
        ({"version": "1.1", "short_message": "x", "level": 4}, Severity.WARNING),
        ({"short_message": "x", "level": "2"}, Severity.CRITICAL),
        ({"version": "1.1", "short_message": "x", "level": 6}, Severity.INFO),
        ({"version": "1.1", "short_message": "x", "level": 7}, Severity.DEBUG),
        ({"message": "x", "level": 3}, Severity.DEBUG),
        ({"short_message": "x", "level": 50}, Severity.ERROR),  # not a syslog number: pino's
    ],
)
def test_levels_declared_in_json_payloads(payload: dict[str, object], severity: Severity) -> None:
    assert parse({"jsonPayload": payload}).severity is severity


def test_a_gelf_record_is_its_short_message_with_the_stack_of_its_full_message() -> None:
    entry = parse(
        {
            "jsonPayload": {
                "version": "1.1",
                "host": "billing-1",
                "short_message": "Invoice export failed",
                "full_message": "Invoice export failed\n\njava.io.UncheckedIOException: disk full\n"
                "\tat com.shop.billing.Exporter.write(Exporter.java:88)\n"
                "\tat com.shop.billing.Job.run(Job.java:12)",
                "level": 3,
                "_logger": "com.shop.billing.Exporter",
            }
        }
    )
    assert entry.severity is Severity.ERROR
    assert entry.stack is not None and entry.stack.exception_type == "java.io.UncheckedIOException"
    frame = entry.stack.innermost_in_app
    assert frame is not None and frame.function == "com.shop.billing.Exporter.write"
    assert entry.message.startswith("Invoice export failed")


def test_a_journald_entry_is_its_message_and_its_host() -> None:
    entry = parse(
        {
            "resource": {"type": "gce_instance", "labels": {"instance_id": "111"}},
            "jsonPayload": {
                "MESSAGE": "etl-runner.service: Scheduled restart job, restart counter is at 3.",
                "PRIORITY": "4",
                "SYSLOG_IDENTIFIER": "systemd",
                "_HOSTNAME": "batch-worker-1",
            },
        }
    )
    assert entry.message == "etl-runner.service: Scheduled restart job, restart counter is at 3."
    assert (entry.service, entry.severity) == ("batch-worker-1", Severity.WARNING)


def test_a_cloud_tasks_attempt_reads_as_its_queue_status_and_target() -> None:
    entry = parse(
        {
            "jsonPayload": {
                "@type": "type.googleapis.com/google.cloud.tasks.logging.v1.TaskActivityLog",
                "task": "projects/p/locations/us-central1/queues/email-queue/tasks/0912384712384",
                "attemptResponseLog": {
                    "dispatchCount": "4",
                    "status": "UNAVAILABLE",
                    "targetAddress": "POST https://worker.example.com/send",
                    "scheduleTime": "2025-06-10T11:00:50.000000Z",
                },
            }
        }
    )
    assert entry.message == (
        "Cloud Tasks queue email-queue task attempt finished: UNAVAILABLE calling POST https://worker.example.com/send"
    )
    assert entry.severity is Severity.ERROR


def test_a_cloud_scheduler_attempt_reads_as_its_job_status_and_target() -> None:
    entry = parse(
        {
            "jsonPayload": {
                "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
                "jobName": "projects/p/locations/us-central1/jobs/nightly",
                "status": "INTERNAL",
                "debugInfo": "URL_UNREACHABLE-UNREACHABLE_5xx",
                "url": "https://x.example.com/run",
            }
        }
    )
    assert entry.message == (
        "Cloud Scheduler job nightly attempt finished: INTERNAL (URL_UNREACHABLE-UNREACHABLE_5xx)"
        " calling https://x.example.com/run"
    )
    assert entry.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {
                "@type": "type.googleapis.com/google.cloud.x.v1.PushLog",
                "subscription": "projects/p/s/a",
                "delivery": {"status": "DEADLINE_EXCEEDED", "latency": "10s", "errorDetail": "timeout"},
            },
            "PushLog: delivery.errorDetail=timeout, delivery.status=DEADLINE_EXCEEDED",
        ),
        (
            {"result": {"code": 7, "reason": "denied\nmore"}, "createTime": "2025-06-10T11:00:00Z", "n": 1},
            "result.reason=denied, result.code=7",
        ),
        ({"b": 2, "a": "x", "updatedAt": "2025", "l": [1]}, "a=x, b=2, l=[1]"),
        ({"level": "error", "msg": ["a", "b"]}, 'msg=["a", "b"]'),
        ({"@type": "type.googleapis.com/Ping"}, "Ping"),
        ({"o": {}}, '{"o": {}}'),
    ],
)
def test_a_payload_without_message_reads_as_its_most_telling_fields(
    payload: dict[str, object], message: str
) -> None:
    assert parse({"jsonPayload": payload}).message == message


@pytest.mark.parametrize(
    ("payload", "message", "severity"),
    [
        (
            {
                "severity": "WARN",
                "when": "2020-01-01 10:00:00.100",
                "svc": "vault",
                "logMessage": "token expired",
            },
            "token expired",
            Severity.WARNING,
        ),
        (
            {"lvl": "error", "log_message": "cannot reach ledger", "attempt": 3},
            "cannot reach ledger",
            Severity.ERROR,
        ),
        ({"errorMsg": "quota spent", "code": 429}, "quota spent", None),
    ],
)
def test_a_message_under_a_compound_key_is_the_message(
    payload: dict[str, object], message: str, severity: Severity | None
) -> None:
    entry = parse({"jsonPayload": payload, "severity": "ERROR" if severity is None else "DEFAULT"})
    assert entry.message == message
    if severity is not None:
        assert entry.severity == severity


def test_a_json_text_line_with_a_compound_message_key_is_read_as_json() -> None:
    entry = parse({"textPayload": '{"level": "warning", "userMessage": "disk nearly full"}'})
    assert (entry.message, entry.severity) == ("disk nearly full", Severity.WARNING)


@given(st.permutations(["status", "failureReason", "detail", "id", "count"]))
def test_a_summary_does_not_depend_on_the_order_of_keys(keys: list[str]) -> None:
    values = {"status": "FAILED", "failureReason": "quota", "detail": "d", "id": "7", "count": 3}
    payload = {key: values[key] for key in keys}
    assert parse({"jsonPayload": payload}).message == "failureReason=quota, detail=d, status=FAILED"


@pytest.mark.parametrize(
    ("status", "metadata", "says"),
    [
        (
            {
                "code": 7,
                "message": "PERMISSION_DENIED",
                "details": [{"violations": [{"type": "VPC_SERVICE_CONTROLS"}]}],
            },
            {"violationReason": "RESOURCES_NOT_IN_SAME_SERVICE_PERIMETER"},
            ": VPC_SERVICE_CONTROLS, RESOURCES_NOT_IN_SAME_SERVICE_PERIMETER",
        ),
        (
            {"code": 8, "message": "resource exhausted", "details": [{"reason": "RATE_LIMIT_EXCEEDED"}]},
            None,
            ": RATE_LIMIT_EXCEEDED",
        ),
        ({"code": 5, "details": ["not an object", {"violations": "not a list"}]}, None, ""),
        (
            {"code": 7, "message": "Caller lacks storage.objects.get"},
            {"violationReason": "X"},
            ": Caller lacks storage.objects.get",
        ),
    ],
)
def test_an_audit_status_that_says_only_its_code_is_titled_by_its_reasons(
    status: dict[str, Any], metadata: dict[str, Any] | None, says: str
) -> None:
    payload = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "methodName": "objects.get",
        "status": status,
    }
    if metadata is not None:
        payload["metadata"] = metadata
    code = {5: "NOT_FOUND", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED"}[status["code"]]
    assert parse({"protoPayload": payload}).message == f"{code} on objects.get{says}"


def test_a_summary_reads_a_bounded_number_of_fields() -> None:
    # fifty times the 200 leaves a summary reads (100,000 fields spent some 9 s of a loaded worker in the
    # redaction's reading of each key, which the summary's bound does not concern)
    payload = {f"k{n}": n for n in range(10_000)}
    assert parse({"jsonPayload": payload}).message == "k0=0, k1=1, k10=10, k100=100"


def test_proto_payload_audit_status_message() -> None:
    entry = parse(
        {
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "methodName": "/Services.ReplaceService",
                "status": {"code": 9, "message": "Ready condition status changed to False"},
            }
        }
    )
    assert entry.payload_kind == "proto"
    assert (
        entry.message
        == "FAILED_PRECONDITION on /Services.ReplaceService: Ready condition status changed to False"
    )
    assert (entry.audit_method, entry.audit_status) == ("/Services.ReplaceService", "FAILED_PRECONDITION")


def test_request_log_without_payload() -> None:
    entry = parse(
        {"httpRequest": {"requestMethod": "GET", "requestUrl": "https://h/api/x?token=1", "status": 503}}
    )
    assert entry.http is not None and entry.http.status == 503
    assert entry.message == ""  # nothing is invented: the request facts stay in `http`


@pytest.mark.parametrize(
    ("raw", "severity", "rule"),
    [
        # a 5xx is a server error whatever severity its request log carries, or none
        ({"httpRequest": {"status": 502}}, Severity.ERROR, "http-status"),
        ({"severity": "INFO", "httpRequest": {"status": 503}}, Severity.ERROR, "http-status"),
        ({"severity": "WARNING", "httpRequest": {"status": "500"}}, Severity.ERROR, "http-status"),
        ({"severity": "CRITICAL", "httpRequest": {"status": 500}}, Severity.CRITICAL, None),
        (
            {"httpRequest": {"status": 500}, "jsonPayload": {"level": "fatal"}},
            Severity.CRITICAL,
            "json-level",
        ),
        ({"httpRequest": {"status": 404}}, Severity.DEFAULT, None),
        ({"severity": "INFO", "httpRequest": {"status": 200}}, Severity.INFO, None),
        # App Engine's RequestLog holds its status in the payload
        (
            {
                "protoPayload": {
                    "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
                    "status": 500,
                }
            },
            Severity.ERROR,
            "http-status",
        ),
        # an audit entry of a failed call, written without a severity or below WARNING
        (
            {
                "protoPayload": {
                    "@type": _AUDIT,
                    "methodName": "v1.compute.instances.insert",
                    "status": {"code": 13},
                }
            },
            Severity.ERROR,
            "audit-status",
        ),
        (
            {"severity": "INFO", "protoPayload": {"@type": _AUDIT, "status": {"code": "PERMISSION_DENIED"}}},
            Severity.ERROR,
            "audit-status",
        ),
        ({"severity": "NOTICE", "protoPayload": {"@type": _AUDIT, "status": {}}}, Severity.NOTICE, None),
        (
            {"severity": "NOTICE", "protoPayload": {"@type": _AUDIT, "status": {"code": 0}}},
            Severity.NOTICE,
            None,
        ),
    ],
)
def test_a_server_error_or_a_failed_call_is_an_error_whatever_its_severity(
    raw: dict[str, object], severity: Severity, rule: str | None
) -> None:
    entry = parse(raw)
    assert (entry.severity, entry.severity_rule) == (severity, rule)
    assert (
        parser.skim(1, {"timestamp": "2026-11-21T12:00:00Z", **raw}) is None
    ) or severity < Severity.WARNING


@pytest.mark.parametrize(
    ("payload", "severity", "rule"),
    [
        ({"msg": "request failed", "error": "context deadline exceeded"}, Severity.ERROR, "json-error"),
        (
            {"msg": "charge failed", "err": {"type": "Error", "message": "card declined"}},
            Severity.ERROR,
            "json-error",
        ),
        ({"error": {"message": "quota exceeded", "code": 429}}, Severity.ERROR, "json-error"),
        ({"msg": "retrying", "error": "timeout", "level": "warn"}, Severity.WARNING, "json-level"),
        ({"msg": "done", "error": None}, Severity.DEFAULT, None),
        ({"msg": "done", "error": ""}, Severity.DEFAULT, None),
        ({"msg": "done", "error": {"code": 0}}, Severity.DEFAULT, None),
        ({"msg": "done", "errors": 0}, Severity.DEFAULT, None),
    ],
)
def test_a_json_payload_reporting_an_error_without_a_level_is_an_error(
    payload: dict[str, object], severity: Severity, rule: str | None
) -> None:
    entry = parse({"jsonPayload": payload})
    assert (entry.severity, entry.severity_rule) == (severity, rule)


@pytest.mark.parametrize(
    ("payload", "severity"),
    [
        (
            {"kind": "nightly-export", "status": "FAILURE", "message": "FAILED: row_count_check"},
            Severity.ERROR,
        ),
        ({"job": "reindex", "state": "failed", "message": "stage 3 did not finish"}, Severity.ERROR),
        (
            {"kind": "nightly-export", "status": "SUCCESS", "message": "stage LOAD status: SUCCESS"},
            Severity.DEFAULT,
        ),
        ({"job": "reindex", "state": "RUNNING", "message": "stage 3 started"}, Severity.DEFAULT),
    ],
)
def test_a_job_outcome_field_saying_it_failed_is_an_error_when_no_level_is_declared(
    payload: dict[str, object], severity: Severity
) -> None:
    """A batch job's status record (`"status": "FAILURE"`) written with no severity is an error, not dropped."""
    entry = parse({"jsonPayload": payload})
    assert (entry.severity, entry.severity_rule) == (severity, "json-error" if severity else None)


@pytest.mark.parametrize(
    ("payload", "message", "severity"),
    [
        (
            {"@type": "x.v1.MoveParcelLog", "errorReply": {"code": "NOT_FOUND", "message": "No parcel p-77"}},
            "No parcel p-77",
            Severity.ERROR,
        ),
        ({"op": "sync", "lastError": {"message": "upstream reset"}}, "upstream reset", Severity.ERROR),
        (
            {"msg": "sync", "upstream_error": {"reason": "quota", "message": "quota hit"}},
            "sync: quota hit",
            Severity.ERROR,
        ),
        ({"msg": "sync done", "error_code": "E0", "errorCount": 0}, "sync done", Severity.DEFAULT),
        ({"msg": "sync done", "lastError": {}}, "sync done", Severity.DEFAULT),
    ],
)
def test_an_error_object_under_another_key_is_read_as_the_error(
    payload: dict[str, object], message: str, severity: Severity
) -> None:
    """`errorResponse`, `lastError`, `upstream_error`: an object with a message under a key that starts or ends
    with `error` is the error the entry reports (only objects: a code string or a count says none happened)."""
    entry = parse({"jsonPayload": payload})
    assert (entry.message, entry.severity) == (message, severity)


_VERTEX_SERVER = {
    "resource": {"type": "aiplatform.googleapis.com/Endpoint", "labels": {"endpoint_id": "churn-scorer"}},
    "logName": "projects/p/logs/aiplatform.googleapis.com%2Fprediction_container",
    "severity": "ERROR",
}
_VERTEX_TRAINING = {
    "resource": {"type": "ml_job", "labels": {"job_id": "8812700417"}},
    "logName": "projects/p/logs/workerpool0-0",
    "severity": "ERROR",
}


@pytest.mark.parametrize(
    ("raw", "payload", "severity", "rule"),
    [
        (
            _VERTEX_SERVER,
            {"textPayload": "[2026-03-02 08:00:01 +0000] [7] [INFO] Booting worker with pid: 7"},
            Severity.INFO,
            "bracketed-level",
        ),
        (
            _VERTEX_SERVER,
            {"jsonPayload": {"message": "INFO:     Application startup complete."}},
            Severity.INFO,
            "level-header",
        ),
        (
            _VERTEX_TRAINING,
            {"textPayload": "Epoch 3/10: 100%|##########| 412/412 [00:41<00:00]"},
            Severity.INFO,
            "no-error-evidence",
        ),
        (
            _VERTEX_TRAINING,
            {"textPayload": "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"},
            Severity.ERROR,
            None,
        ),
        (
            _VERTEX_SERVER,
            {
                "textPayload": 'Traceback (most recent call last):\n  File "/srv/app.py", line 3, in <module>\n    load()\nOSError: model.bin missing'
            },
            Severity.ERROR,
            None,
        ),
    ],
)
def test_a_vertex_ai_container_s_error_is_only_its_stderr_default(
    raw: dict[str, object], payload: dict[str, object], severity: Severity, rule: str | None
) -> None:
    """Vertex AI records a model server's or training job's stderr at ERROR, with no stream label: the level the
    line declares wins, and a line with no sign of a failure is INFO, as on GKE's stderr."""
    entry = parse({**raw, **payload})
    assert (entry.severity, entry.severity_rule) == (severity, rule)
    assert entry.service in ("churn-scorer", "8812700417")


def _on_gke_stderr(text: str) -> LogEntry:
    """A GKE container's line on stderr, at the stream's default ERROR."""
    return parse(
        {
            "resource": {
                "type": "k8s_container",
                "labels": {"container_name": "app", "namespace_name": "prod"},
            },
            "logName": "projects/p/logs/stderr",
            "severity": "ERROR",
            "textPayload": text,
        }
    )


@pytest.mark.parametrize(
    "text",
    [
        'Get "https://billing.internal/v1/plans": x509: certificate has expired or is not yet valid: current time '
        "2026-11-30T09:00:00Z is after 2026-11-29T23:59:59Z",
        "tls: x509: certificate signed by unknown authority",
        "session token expired for client 42",
    ],
)
def test_an_expired_certificate_or_token_on_stderr_keeps_its_error(text: str) -> None:
    """Go's TLS errors and expiries name no failure word of their own: they still show one, so GKE's stderr
    default ERROR stays."""
    entry = _on_gke_stderr(text)
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, None)


@pytest.mark.parametrize(
    "text",
    [
        "Fehler: Zahlung für Bestellung 8812 abgelehnt",
        "Falha ao processar o pagamento 12",
        "Ошибка: не удалось подключиться к базе данных после 3 попыток",
        "Σφάλμα: η πληρωμή 77 απορρίφθηκε",
        "エラー: 支払いが拒否されました",
        "错误：支付被拒绝",
        "결제 실패: 카드 거절",
        "خطأ: انتهت مهلة الطلب 15",
        "Błąd połączenia z bazą danych",
    ],
)
def test_an_error_said_in_another_language_on_stderr_keeps_its_error(text: str) -> None:
    """A team that logs in its own language: the word for an error or a failure is a sign of one, so GKE's
    stderr default ERROR stays (it was read as a line with no sign of a failure, INFO)."""
    entry = _on_gke_stderr(text)
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, None)


@pytest.mark.parametrize(
    "text",
    [
        "Zahlung für Bestellung 8812 angenommen",
        "Платёж 77 принят",
        "支払いが完了しました",
        "layout fallow hatband",
    ],
)
def test_a_line_in_another_language_without_a_failure_word_is_still_only_the_streams_default(
    text: str,
) -> None:
    entry = _on_gke_stderr(text)
    assert (entry.severity, entry.severity_rule) == (Severity.INFO, "no-error-evidence")


def test_a_headline_with_a_dump_takes_the_error_on_its_first_line() -> None:
    """zap's `message` of a headline and a multi-line dump, the failure in `error`: the error joins the headline
    (the title's line), so problems with different errors stay apart; a stack in the message is left whole."""
    dump = "proxy upstream failed; pool: conns: open 4\nTCP: inuse 0 tw 11\nUDP: inuse 0\n"
    entry = parse(
        {
            "severity": "ERROR",
            "jsonPayload": {"message": dump, "error": "dial tcp 127.0.0.1:9000: i/o timeout"},
        }
    )
    assert entry.message.split("\n")[0] == (
        "proxy upstream failed; pool: conns: open 4: dial tcp 127.0.0.1:9000: i/o timeout"
    )
    trace = "Traceback (most recent call last):\n  File \"/srv/job.py\", line 4, in <module>\n    run()\nKeyError: 'sku'"
    kept = parse({"severity": "ERROR", "jsonPayload": {"message": trace, "error": "lookup failed"}})
    assert kept.stack is not None and kept.stack.exception_type == "KeyError"


def test_a_docker_json_file_line_forwarded_as_it_was_reads_as_its_log() -> None:
    line = "2026/11/30 07:00:00 [error] 7#7: *1 connect() failed (111: Connection refused)\n"
    entry = parse({"jsonPayload": {"log": line, "stream": "stderr", "time": "2026-11-30T07:00:00Z"}})
    assert (entry.message, entry.severity) == ("connect() failed (111: Connection refused)", Severity.ERROR)
    assert parse({"jsonPayload": {"msg": "ready", "log": "app.main"}}).message == "ready"  # a logger's name


def test_an_event_summary_is_the_message_of_a_payload_without_one() -> None:
    """Cloud Monitoring writes a notification channel's delivery failure as `summary` beside a reference id."""
    entry = parse(
        {
            "severity": "ERROR",
            "jsonPayload": {
                "summary": "Webhook failed with 404 Not Found status code.",
                "errorReference": "r-1",
            },
            "resource": {"type": "stackdriver_notification_channel", "labels": {"channel_id": "42"}},
        }
    )
    assert entry.message == "Webhook failed with 404 Not Found status code."
    beside = parse({"jsonPayload": {"message": "report built", "summary": "3 rows"}})
    assert beside.message == "report built"


_GAE = "type.googleapis.com/google.appengine.logging.v1.RequestLog"


def _gae_request(status: int, lines: list[tuple[str, str]]) -> dict[str, object]:
    return {
        "severity": max((level for level, _ in lines), key=lambda name: Severity[name].value),
        "protoPayload": {
            "@type": _GAE,
            "method": "GET",
            "resource": "/reports/daily?x=1",
            "status": status,
            "line": [{"severity": level, "logMessage": text} for level, text in lines],
        },
        "resource": {"type": "gae_app", "labels": {"module_id": "default", "version_id": "v7"}},
    }


@pytest.mark.parametrize("status", [200, 204, 302])
def test_a_request_that_went_well_with_a_raised_line_is_that_line(status: int) -> None:
    """App Engine records what the app logged while serving a request inside the request's entry: when the
    request went well, the problem is the line at WARNING or above, not the route."""
    entry = parse(
        _gae_request(
            status,
            [
                ("DEBUG", "loading settings"),
                (
                    "WARNING",
                    "Exceeded soft memory limit of 512 MB with 530 MB after servicing 9 requests total.",
                ),
                ("INFO", "report built"),
            ],
        )
    )
    assert (
        entry.message == "Exceeded soft memory limit of 512 MB with 530 MB after servicing 9 requests total."
    )
    assert entry.http is None or entry.http.url is None
    assert entry.severity == Severity.WARNING


@pytest.mark.parametrize(
    "ended",
    [
        "Exceeded soft memory limit of 256 MiB with 281 MiB after servicing 1841 requests total.",
        "While handling this request, the process that handled this request was found to be using too much memory "
        "and was terminated. This is likely to cause a new process to be used for the next request.",
        "Process terminated because the request deadline was exceeded. (Error code 123)",
    ],
)
def test_a_failed_request_whose_instance_app_engine_ended_is_that_end_not_its_route(ended: str) -> None:
    """When App Engine ended the instance that served a request (its memory, a deadline), the instance's end is
    the problem whatever the request's status (500, or 200 served before it): one problem, not one per route."""
    failed = parse(_gae_request(500, [("INFO", "building report"), ("ERROR", ended)]))
    served = parse(_gae_request(200, [("INFO", "building report"), ("ERROR", ended)]))
    assert failed.message == served.message == ended
    assert failed.http is None or failed.http.url is None
    assert failed.severity == Severity.ERROR


def test_a_failed_request_with_an_error_of_the_apps_own_keeps_its_route() -> None:
    entry = parse(_gae_request(500, [("ERROR", "KeyError: 'sku'")]))
    assert entry.http is not None and entry.http.url == "/reports/daily?x=1" and entry.http.status == 500


@pytest.mark.parametrize(
    ("status", "lines"),
    [
        (500, [("ERROR", "upstream refused the report")]),  # a failed request stays the route's problem
        (404, [("WARNING", "no such report")]),
        (200, [("INFO", "report built"), ("DEBUG", "cache hit")]),  # nothing raised
    ],
)
def test_a_failed_or_quiet_request_stays_a_request(status: int, lines: list[tuple[str, str]]) -> None:
    entry = parse(_gae_request(status, lines))
    assert entry.http is not None and (entry.http.status, entry.http.url) == (status, "/reports/daily?x=1")


@pytest.mark.parametrize(
    ("payload", "severity"),
    [
        # Monolog (PHP, Laravel): its own scale, its level's name beside it
        (
            {"message": "Invoice sent", "level": 200, "level_name": "INFO", "channel": "production"},
            Severity.INFO,
        ),
        ({"message": "Slow query", "level": 300, "level_name": "WARNING"}, Severity.WARNING),
        ({"message": "Connection refused", "level": 400, "level_name": "ERROR"}, Severity.ERROR),
        ({"message": "Disk full", "level": 500, "level_name": "CRITICAL"}, Severity.CRITICAL),
        # a LogSeverity number the agent left in the payload
        ({"message": "x", "severity": 200}, Severity.INFO),
        ({"message": "x", "severity": 500}, Severity.ERROR),
        ({"message": "x", "severity": "400"}, Severity.WARNING),
        # pino and bunyan, as before
        ({"msg": "x", "level": 30}, Severity.INFO),
        ({"msg": "x", "level": 50}, Severity.ERROR),
        ({"msg": "x", "level": 60}, Severity.CRITICAL),
        # Serilog's JsonFormatter
        (
            {"Level": "Error", "MessageTemplate": "Payment {Id} failed", "Properties": {"Id": 4}},
            Severity.ERROR,
        ),
        ({"Level": "Information", "MessageTemplate": "Started"}, Severity.INFO),
    ],
)
def test_a_level_number_is_read_on_its_own_scale(payload: dict[str, object], severity: Severity) -> None:
    """Numbers below 100 are pino's; from 100 up a Monolog level (its name beside it decides) or a LogSeverity:
    a Monolog `INFO` (200) is no pino `fatal`."""
    assert parse({"jsonPayload": payload}).severity == severity


@given(st.sampled_from(list(Severity)))
def test_a_logseverity_number_in_a_payload_is_that_severity(severity: Severity) -> None:
    assume(severity >= Severity.DEBUG)
    assert json_level({"severity": severity.value}) == severity
    assert json_level({"severity": str(severity.value)}) == severity


@given(
    st.sampled_from(["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]),
    st.integers(100, 600),
)
def test_a_level_name_beside_a_scaled_number_decides(name: str, number: int) -> None:
    assert json_level({"level": number, "level_name": name}) == Severity[name]


def test_serilogs_json_formatter_message_is_its_template_then_its_rendered_text() -> None:
    templated = {
        "Level": "Error",
        "MessageTemplate": "Payment {Id} failed",
        "RenderedMessage": "Payment 4 failed",
    }
    assert parse({"jsonPayload": templated}).message == "Payment {Id} failed"
    assert parse({"jsonPayload": {"Level": "Error", "RenderedMessage": "Payment 4 failed"}}).message == (
        "Payment 4 failed"
    )


def test_an_error_reporting_event_is_an_error_without_a_stack_or_a_level() -> None:
    """`@type: …ReportedErrorEvent` is how an app tells Error Reporting an entry is an error."""
    entry = parse(
        {
            "jsonPayload": {
                "@type": "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent",
                "message": "Payment declined for order 42",
                "serviceContext": {"service": "pay", "version": "3"},
            },
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "pay"}},
            "logName": "projects/p/logs/run.googleapis.com%2Fstdout",
        }
    )
    assert (entry.severity, entry.severity_rule, entry.message) == (
        Severity.ERROR,
        "json-error",
        "Payment declined for order 42",
    )


_APP_LEVELS = {
    "debug": Severity.DEBUG,
    "info": Severity.INFO,
    "warn": Severity.WARNING,
    "error": Severity.ERROR,
}


@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(str.strip),
    st.sampled_from(sorted(_APP_LEVELS)),
    st.sampled_from(["message", "msg"]),
)
@example("FATAL ERROR: ", "debug", "message")  # V8's fatal line, read case-blind as Go's `fatal error: `
@example('1.2.3.4 - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 503 12', "info", "msg")
@example("disk 91% full", "warn", "msg")
def test_an_apps_json_line_in_a_forwarded_docker_line_reads_as_the_apps_payload(
    text: str, level: str, key: str
) -> None:
    """A shipper that forwards Docker's json-file line as it was leaves the app's own JSON line in `log`: its
    message and level are the app's, as if GKE had parsed the line itself. The level is the app's unless the text
    is one a failure overrides it for: a platform's failure line (`PANIC: …`, `OOMKilled`) or an access line of a
    server error."""
    app = {"level": level, key: text, "tenant": "t1"}
    forwarded = {"log": json.dumps(app) + "\n", "stream": "stdout", "time": "2026-11-30T07:00:00Z"}
    direct, shipped = parse({"jsonPayload": app}), parse({"jsonPayload": forwarded})
    assert (shipped.message, shipped.severity) == (direct.message, direct.severity)
    if not platform_failure(text) and (access_status(text) or 0) < 500:
        assert shipped.severity == _APP_LEVELS[level]


@pytest.mark.parametrize(
    ("payload", "message", "severity"),
    [
        (
            {"message": '{"level":"error","msg":"db timeout","time":"2026-03-01T10:00:00Z"}'},
            "db timeout",
            Severity.ERROR,
        ),
        (  # a service's JSON line in journald: its level, not journald's PRIORITY 6
            {
                "MESSAGE": '{"level":"warn","message":"disk 91% full"}',
                "PRIORITY": "6",
                "_SYSTEMD_UNIT": "app.service",
            },
            "disk 91% full",
            Severity.WARNING,
        ),
        ({"level": "error", "message": '{"msg":"quota exceeded"}'}, "quota exceeded", Severity.ERROR),  # kept
    ],
)
def test_an_apps_json_line_as_the_message_reads_as_the_apps_payload(
    payload: dict[str, object], message: str, severity: Severity
) -> None:
    entry = parse({"jsonPayload": payload})
    assert (entry.message, entry.severity) == (message, severity)


def test_a_forwarded_line_beside_a_message_or_not_an_object_stays_as_it_is() -> None:
    line = '{"level": "error", "message": "inner"}'
    assert parse({"jsonPayload": {"message": "outer", "log": line}}).message == "outer"
    assert read_payload({"jsonPayload": {"log": "[1, 2]"}}).message == "[1, 2]"
    assert read_payload({"jsonPayload": {"log": "{not json"}}).message == "{not json"


@pytest.mark.parametrize(
    ("error", "exception", "frames"),
    [
        (  # semantic_logger: a Ruby backtrace as a list
            {
                "name": "RuntimeError",
                "message": "boom",
                "stack_trace": ["/app/orders.rb:12:in `charge'", "/app/app.rb:3:in `<main>'"],
            },
            "RuntimeError",
            [("/app/app.rb", "<main>"), ("/app/orders.rb", "charge")],
        ),
        (  # a Java Throwable serialized by Jackson
            {
                "@class": "com.acme.NotFoundException",
                "message": "no such row",
                "stackTrace": [
                    {
                        "className": "com.acme.Dao",
                        "methodName": "find",
                        "fileName": "Dao.java",
                        "lineNumber": 77,
                    },
                    {
                        "className": "com.acme.Api",
                        "methodName": "get",
                        "fileName": "Api.java",
                        "lineNumber": 10,
                    },
                ],
            },
            "com.acme.NotFoundException",
            [("Api.java", "com.acme.Api.get"), ("Dao.java", "com.acme.Dao.find")],
        ),
        (  # a Node.js stack as a list of lines
            {
                "type": "TypeError",
                "message": "x is undefined",
                "stack": ["TypeError: x is undefined", "at render (/app/view.js:3:9)"],
            },
            "TypeError",
            [("/app/view.js", "render")],
        ),
        (  # Sentry-like frames of a Python exception
            {
                "type": "ValueError",
                "message": "bad",
                "frames": [{"filename": "/app/task.py", "lineno": 9, "function": "run"}],
            },
            "ValueError",
            [("/app/task.py", "run")],
        ),
    ],
)
def test_a_stack_listed_frame_by_frame_is_read_as_its_language_prints_it(
    error: dict[str, object], exception: str, frames: list[tuple[str, str]]
) -> None:
    entry = parse({"jsonPayload": {"level": "error", "message": "failed", "exception": error}})
    assert entry.stack is not None and entry.stack.exception_type == exception
    assert sorted((f.file, f.function) for f in entry.stack.frames) == frames


def test_a_cloud_function_terminated_is_an_error_whatever_its_severity() -> None:
    text = "Error: function terminated. Recommended action: inspect logs for termination reason."
    entry = parse({"severity": "INFO", "textPayload": text})
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "platform-failure")


def test_a_status_alone_invents_no_method_or_route() -> None:
    entry = parse({"httpRequest": {"status": 500}, "textPayload": "boom"})
    assert entry.http is not None and (entry.http.method, entry.http.url, entry.http.status) == (
        None,
        None,
        500,
    )


@pytest.mark.parametrize(
    ("resource", "labels", "service", "revision", "instance"),
    [
        (  # without its instance (trimmed by an export), a job's entry is of its execution's
            {"type": "cloud_run_job", "labels": {"job_name": "j"}},
            {"run.googleapis.com/execution_name": "j-x"},
            "j",
            "j-x",
            "j-x",
        ),
        (
            {"type": "cloud_run_job", "labels": {"job_name": "j"}},
            {"run.googleapis.com/execution_name": "j-x", "instanceId": "00a1b2"},
            "j",
            "j-x",
            "00a1b2",
        ),
        ({"type": "cloud_function", "labels": {"function_name": "f"}}, {}, "f", None, None),
        (
            {
                "type": "k8s_container",
                "labels": {"namespace_name": "ns", "container_name": "c", "pod_name": "p-1"},
            },
            {},
            "ns/c",
            None,
            "p-1",
        ),
        (
            {"type": "gae_app", "labels": {"module_id": "default", "version_id": "v1"}},
            {},
            "default",
            "v1",
            None,
        ),
        (
            {"type": "gce_instance", "labels": {"instance_id": "123456789"}},
            {"compute.googleapis.com/resource_name": "vm-a"},
            "vm-a",
            None,
            "123456789",
        ),
        ({"type": "gce_instance", "labels": {"instance_id": "123456789"}}, {}, None, None, "123456789"),
        ({"type": "cloud_scheduler_job", "labels": {"job_id": "nightly"}}, {}, "nightly", None, None),
        ({"type": "build", "labels": {"build_trigger_id": "t-1", "build_id": "b-1"}}, {}, "t-1", None, "b-1"),
        ({"type": "global", "labels": {}}, {}, None, None, None),
    ],
)
def test_service_derivation(
    resource: dict[str, object],
    labels: dict[str, str],
    service: str | None,
    revision: str | None,
    instance: str | None,
) -> None:
    entry = parse({"resource": resource, "labels": labels, "textPayload": "x"})
    assert (entry.service, entry.revision, entry.instance) == (service, revision, instance)


@pytest.mark.parametrize(
    ("resource", "service", "instance"),
    [
        (
            {
                "type": "http_load_balancer",
                "labels": {"backend_service_name": "web-be", "url_map_name": "um"},
            },
            "web-be",
            None,
        ),
        (
            {"type": "http_load_balancer", "labels": {"backend_service_name": "", "url_map_name": "um"}},
            "um",
            None,
        ),
        (
            {
                "type": "http_external_regional_lb_rule",
                "labels": {
                    "backend_target_name": "orders-be",
                    "backend_name": "orders-mig",
                    "url_map_name": "um",
                },
            },
            "orders-be",
            None,
        ),
        (
            {
                "type": "internal_http_lb_rule",
                "labels": {"backend_target_name": "ilb-be", "url_map_name": "um"},
            },
            "ilb-be",
            None,
        ),
        (
            {"type": "l4_proxy_rule", "labels": {"backend_target_name": "tcp-be", "network_name": "n"}},
            "tcp-be",
            None,
        ),
        (
            {"type": "dataflow_step", "labels": {"job_id": "2026-07-17_22_25_11-123", "job_name": "ingest"}},
            "ingest",
            None,
        ),
        (
            {"type": "dataflow_step", "labels": {"job_id": "2026-07-17_22_25_11-123"}},
            "2026-07-17_22_25_11-123",
            None,
        ),
        (
            {"type": "k8s_node", "labels": {"cluster_name": "prod", "node_name": "gke-prod-pool-1"}},
            "prod",
            "gke-prod-pool-1",
        ),
        ({"type": "cloudsql_database", "labels": {"database_id": "p:orders-db"}}, "p:orders-db", None),
        ({"type": "cloud_tasks_queue", "labels": {"queue_id": "emails"}}, "emails", None),
        (  # GKE's NEG backend: namespace and service told apart (one hyphen between them, nothing trimmed)
            {
                "type": "http_load_balancer",
                "labels": {"backend_service_name": "k8s1-0a1b2c3d-shop-cart-8443-9f8e7d6c"},
            },
            "shop/cart",
            None,
        ),
        (  # the split is unknown: the namespace-service part as it is, without the generated hashes and port
            {
                "type": "http_load_balancer",
                "labels": {"backend_service_name": "k8s1-0a1b2c3d-prod-web-api-80-9f8e7d6c"},
            },
            "prod-web-api",
            None,
        ),
        (  # an instance-group backend names only its node port
            {"type": "l7_lb_rule", "labels": {"backend_service_name": "k8s-be-31877--0123456789abcdef"}},
            "node port 31877",
            None,
        ),
        (  # an Ingress's url map, when no backend is named
            {
                "type": "http_load_balancer",
                "labels": {"url_map_name": "k8s2-um-0a1b2c3d-shop-front-9f8e7d6c"},
            },
            "shop/front",
            None,
        ),
        (  # a name GKE trimmed to 63 characters may have cut both names: not split
            {
                "type": "http_load_balancer",
                "labels": {
                    "backend_service_name": "k8s1-0a1b2c3d-" + "n" * 18 + "-" + "s" * 18 + "-8080-9f8e7d6c"
                },
            },
            "n" * 18 + "-" + "s" * 18,
            None,
        ),
        ({"type": "some_new_type", "labels": {"job_name": "nightly"}}, "nightly", None),
        ({"type": "some_new_type", "labels": {"zone": "us-central1-a"}}, None, None),
        (
            {
                "type": "cloud_run_worker_pool",
                "labels": {"worker_pool_name": "feed-poller", "location": "asia-south1"},
            },
            "feed-poller",
            None,
        ),
    ],
)
def test_each_resource_type_names_its_service(
    resource: dict[str, object], service: str | None, instance: str | None
) -> None:
    entry = parse({"resource": resource, "textPayload": "x", "severity": "ERROR"})
    assert (entry.service or None, entry.instance or None) == (service, instance)


@pytest.mark.parametrize(
    ("resource", "log_name", "service"),
    [
        ({"type": "global", "labels": {"project_id": "p"}}, "projects/p/logs/ledger-sync", "ledger-sync"),
        (
            {"type": "project", "labels": {"project_id": "p"}},
            "projects/p/logs/jobs%2Fledger-sync",
            "jobs/ledger-sync",
        ),
        (
            {"type": "global", "labels": {"project_id": "p"}},
            "projects/p/logs/run.googleapis.com%2Fstderr",
            None,
        ),
        ({"type": "global", "labels": {"project_id": "p"}}, "projects/p/logs/stdout", None),
        (
            {"type": "cloud_run_revision", "labels": {"service_name": "web"}},
            "projects/p/logs/ledger-sync",
            "web",
        ),
    ],
)
def test_an_entry_whose_resource_names_no_service_is_named_by_the_log_its_writer_chose(
    resource: dict[str, object], log_name: str, service: str | None
) -> None:
    """A client library that cannot tell where it runs writes `global` or `project`: its own log's id names it."""
    entry = parse({"resource": resource, "logName": log_name, "textPayload": "x", "severity": "ERROR"})
    assert (entry.service or None) == service


@pytest.mark.parametrize(
    ("resource", "involved", "service", "instance"),
    [
        (
            {"type": "k8s_pod", "labels": {"cluster_name": "prod", "pod_name": "api-7d9f8b6c4-x2x9z"}},
            {"kind": "Pod", "namespace": "shop", "name": "api-7d9f8b6c4-x2x9z"},
            "shop/api",
            "api-7d9f8b6c4-x2x9z",
        ),
        (
            {"type": "k8s_pod", "labels": {"cluster_name": "prod", "pod_name": "redis-master-2"}},
            {"kind": "Pod", "namespace": "cache", "name": "redis-master-2"},
            "cache/redis-master",
            "redis-master-2",
        ),
        (
            {"type": "k8s_cluster", "labels": {"cluster_name": "prod"}},
            {"kind": "Endpoints", "namespace": "kube-system", "name": "kube-dns"},
            "kube-system/kube-dns",
            None,
        ),
        (
            {"type": "k8s_node", "labels": {"cluster_name": "prod", "node_name": "n1"}},
            {"kind": "Node", "name": "n1"},
            "prod",
            "n1",
        ),
    ],
)
def test_a_kubernetes_event_belongs_to_the_workload_it_is_about(
    resource: dict[str, object], involved: dict[str, object], service: str, instance: str | None
) -> None:
    payload = {
        "kind": "Event",
        "involvedObject": involved,
        "reason": "BackOff",
        "message": "Back-off",
        "type": "Warning",
    }
    entry = parse({"resource": resource, "jsonPayload": payload})
    assert (entry.service, entry.instance or None) == (service, instance)


def test_an_audit_entry_belongs_to_its_api_and_says_what_failed() -> None:
    entry = parse(
        {
            "resource": {"type": "gcs_bucket", "labels": {"bucket_name": "b"}},
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "serviceName": "storage.googleapis.com",
                "methodName": "storage.objects.list",
                "status": {"code": 7},
                "authenticationInfo": {"principalEmail": "reader@proj.iam.gserviceaccount.com"},
            },
        }
    )
    assert entry.service == "storage.googleapis.com"
    assert entry.message == "PERMISSION_DENIED on storage.objects.list (storage.googleapis.com)"
    assert entry.principal == "[REDACTED:email]" and entry.principal_kind == "service-account"


@pytest.mark.parametrize(
    "raw",
    [
        {"timestamp": None},
        {"timestamp": "nope"},
        {"resource": "x"},
        {"jsonPayload": [1]},
        {"errorGroups": "G"},
    ],
)
def test_malformed_entries_raise(raw: dict[str, object]) -> None:
    with pytest.raises(MalformedEntry):
        parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


def test_secrets_are_redacted_at_parse_time() -> None:
    entry = parse({"textPayload": "connect postgresql://app:hunter2secret@db:5432/x failed"})
    assert "hunter2secret" not in entry.message
    assert "[REDACTED:password]" in entry.message


def test_secrets_in_names_are_redacted_in_every_entry_that_repeats_them() -> None:
    raw = {
        "textPayload": "x",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "svc", "revision_name": "api_key=AKIAIOSFODNN7EXAMPLE"},
        },
        "sourceLocation": {"file": "password=hunter2secret", "line": "3"},
    }
    first, second = parse(raw), parse(raw)
    for entry in (first, second):
        assert "AKIAIOSFODNN7EXAMPLE" not in (entry.revision or "")
        assert "hunter2secret" not in (entry.source_location or "")
    assert (second.revision, second.source_location) == (first.revision, first.source_location)
    assert "[REDACTED:" in (first.revision or "")


# A credential the redactor knows only whole: 19 of its 20 characters are no AWS key any more.
_AWS_KEY = "AKIAQWERTYUIOPASDFGH"
_STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"


def _windows(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def _kept(text: str, secret: str) -> list[str]:
    return [window for window in _windows(secret) if window in text]


@given(st.integers(-len(_AWS_KEY) - 2, 2))
def test_a_long_text_is_redacted_whole_before_it_is_cut(shift: int) -> None:
    """The message is cut at 65,536 characters; a key straddling the cut must not leave its head behind."""
    padding = "x" * (65_536 - len(_AWS_KEY) - 1 + shift)
    entry = parse({"severity": "ERROR", "textPayload": f"boom {padding}{_AWS_KEY} tail"})
    assert len(entry.message) <= 65_536
    assert _kept(entry.message, _AWS_KEY) == []


@given(st.integers(0, 60), st.sampled_from([" ", ", ", "/", ""]))
def test_a_payload_dump_is_never_cut_inside_a_credential(shift: int, separator: str) -> None:
    """The audit dump (2,000 characters) and the fields of a summary (160 each) are cut before the parser
    redacts them: never inside a word, so no part of a credential is left that the redactor would not know."""
    dumped = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "request": {"a": "y" * (1_960 + shift)},
    }
    dumped["request"]["b"] = f"key{separator}{_STRIPE_KEY}"  # type: ignore[index]
    summarized = {"detail": f"{'z' * (120 + shift)}{separator}{_STRIPE_KEY} more"}
    for payload in ({"protoPayload": dumped}, {"jsonPayload": summarized}):
        message = parse({"severity": "ERROR", **payload}).message
        assert _kept(message, _STRIPE_KEY) == [], message[-120:]


def test_an_audit_status_code_in_words_is_redacted_as_written() -> None:
    """`status.code` is a number; given as text it is a code's name, upper-cased, or else kept as written and
    redacted (upper-cased, `sk_live_…` would be no Stripe key any more)."""
    named = parse({"protoPayload": {"methodName": "m", "status": {"code": "permission_denied"}}})
    assert named.audit_status == "PERMISSION_DENIED"
    other = parse({"protoPayload": {"methodName": "m", "status": {"code": f"key {_STRIPE_KEY}"}}})
    for text in (other.audit_status or "", other.message):
        assert _kept(text, _STRIPE_KEY) == [] and _kept(text, _STRIPE_KEY.upper()) == []
        assert "[REDACTED:" in text


def test_names_the_log_gives_are_redacted() -> None:
    """The log name, resource type, request method, latency and error group ids are texts of the log too."""
    token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
    entry = parse(
        {
            "severity": "ERROR",
            "logName": f"projects/p/logs/{token}",
            "resource": {"type": token},
            "httpRequest": {"requestMethod": token, "requestUrl": "/x", "status": 500, "latency": token},
            "errorGroups": [{"id": token}],
            "textPayload": "boom",
        }
    )
    assert entry.http is not None
    names = [entry.log_name, entry.log_id, entry.resource_type, entry.http.method, entry.http.latency]
    for text in [*names, *entry.error_group_ids]:
        assert text is not None and token not in text and "[REDACTED:github-token]" in text
    request_log = parse(
        {
            "protoPayload": {
                "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
                "method": token,
                "resource": "/x",
                "status": 500,
                "line": [{"logMessage": "failed", "severity": "ERROR"}],
            }
        }
    )
    assert request_log.http is not None and request_log.http.method == "[REDACTED:github-token]"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+01:00",  # overflowed datetime arithmetic (OverflowError, not a skipped entry)
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",  # overflowed the clusterer's time buckets later on
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_timestamps_outside_a_sane_span_are_malformed(text: str) -> None:
    with pytest.raises(MalformedEntry):
        parse_timestamp(text)


@pytest.mark.parametrize(
    "stamped",
    [
        "0001-01-01T00:00:00Z",  # Go's zero time.Time
        "2026-11-21 12:00:00,123",  # Python logging's asctime
        "undefined",
        "9999-12-31T23:59:59Z",
        [2026, 11, 21],
        {"when": "now"},
    ],
)
def test_an_unreadable_timestamp_gives_way_to_a_readable_receive_timestamp(stamped: object) -> None:
    """The moment Cloud Logging received the entry (seconds after it was written) is its time when its own
    timestamp cannot be read, as Logging takes it when the timestamp is missing: the entry is read, not lost."""
    raw = {
        "timestamp": stamped,
        "receiveTimestamp": "2026-11-21T12:00:02.5Z",
        "textPayload": "boom",
        "severity": "ERROR",
    }
    entry = parser.parse(7, raw)
    assert entry.timestamp == datetime(2026, 11, 21, 12, 0, 2, 500000, tzinfo=timezone.utc)
    assert parser.parse(8, dict(raw, insertId="again")).timestamp == entry.timestamp  # the memo's way too


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"timestamp": "undefined", "receiveTimestamp": "later"}, "invalid timestamp 'undefined'"),
        ({"timestamp": "undefined", "receiveTimestamp": None}, "invalid timestamp 'undefined'"),
        ({"timestamp": "0001-01-01T00:00:00Z"}, "outside the years 1970 to 8999"),
    ],
)
def test_a_timestamp_without_a_readable_receive_timestamp_is_still_malformed_for_its_own_reason(
    raw: dict[str, object], reason: str
) -> None:
    with pytest.raises(MalformedEntry, match=reason):
        parser.parse(1, {"textPayload": "boom", **raw})


def test_a_readable_timestamp_wins_over_its_receive_timestamp() -> None:
    entry = parser.parse(
        1, {"timestamp": "2026-11-21T12:00:00Z", "receiveTimestamp": "garbage", "textPayload": "x"}
    )
    assert entry.timestamp == datetime(2026, 11, 21, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 2000,
        "2026-11-21T12:00:00Z (" + "retried " * 250 + ")",
        "2026-11-21T12:00:00+99:00" + "0" * 500,
        "2026-02-30T12:00:00Z" + " " * 500,
        "0001-01-01T00:00:00" + "0" * 500 + "Z",
    ],
)
def test_a_long_unreadable_timestamp_is_quoted_in_its_reason_capped(text: str) -> None:
    """The reason is printed on the terminal, one line per skipped entry: a 2,000-character value quoted whole
    buried the summary."""
    with pytest.raises(MalformedEntry) as caught:
        parser.parse(1, {"timestamp": text, "textPayload": "x"})
    assert len(str(caught.value)) < 200
    assert text[:20] in str(caught.value)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://api.example.com/v1/items/42?q=1", "/v1/items/42"),
        ("http://[::1", "/"),
        ("http://[::1/v1/items?q=1", "/v1/items"),
        ("/healthz?probe=1", "/healthz"),
        ("http://[::1]x/a", "/a"),
    ],
)
def test_url_path_falls_back_on_malformed_urls(url: str, path: str) -> None:
    assert url_path(url) == path


@given(st.text(max_size=60))
def test_url_path_never_raises(url: str) -> None:
    assert isinstance(url_path(url), str)


def _probe(state: str, detailed: str, previous: str, text: str = "") -> dict[str, object]:
    return {
        "severity": "INFO",
        "logName": "projects/shop/logs/compute.googleapis.com%2Fhealthchecks",
        "resource": {
            "type": "gce_instance_group",
            "labels": {"instance_group_name": "web-pool", "instance_group_id": "77", "location": "eu-b"},
        },
        "jsonPayload": {
            "healthCheckProbeResult": {
                "healthState": state,
                "previousHealthState": previous,
                "detailedHealthState": detailed,
                "ipAddress": "10.9.0.4",
                "targetPort": 8443,
                "healthCheckProtocol": "HTTPS",
                "probeResultText": text,
            }
        },
    }


def test_a_health_check_finding_a_backend_unhealthy_is_an_error_titled_by_its_state_not_its_address() -> None:
    entry = parse(_probe("UNHEALTHY", "UNHEALTHY_STATUS", "HEALTHY", "HTTP response: 500, Error: bad status"))
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "health-check")
    assert (
        entry.message
        == "HTTPS health check UNHEALTHY (UNHEALTHY_STATUS): HTTP response: 500, Error: bad status"
    )
    assert entry.service == "web-pool"
    timeout = parse(_probe("UNHEALTHY", "TIMEOUT", "HEALTHY", "HTTP response: , Error: connect timed out"))
    assert timeout.message == "HTTPS health check UNHEALTHY (TIMEOUT): Error: connect timed out"
    recovered = parse(_probe("HEALTHY", "HEALTHY", "UNHEALTHY"))
    assert (recovered.severity, recovered.message) == (Severity.INFO, "HTTPS health check HEALTHY")


def _repair(instance: str, reason: str) -> dict[str, Any]:
    """A managed instance group's autohealer replacing an instance: an OK system event at INFO."""
    return {
        "severity": "INFO",
        "logName": "projects/shop/logs/cloudaudit.googleapis.com%2Fsystem_event",
        "resource": {"type": "gce_instance", "labels": {"instance_id": "4455", "zone": "europe-west4-b"}},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "compute.googleapis.com",
            "methodName": "compute.instances.repair.recreateInstance",
            "resourceName": f"projects/shop/zones/europe-west4-b/instances/{instance}",
            "status": {
                "message": "Instance Group Manager 'projects/9911/zones/europe-west4-b/instanceGroupManagers/"
                f"cart-mig' initiated recreateInstance on instance 'projects/9911/zones/europe-west4-b/instances/"
                f"{instance}'. Reason: {reason}"
            },
        },
    }


def test_an_autohealer_recreating_an_instance_is_an_error_titled_by_its_group_and_reason_not_the_instance() -> (
    None
):
    first = parse(
        _repair("cart-mig-q1w2", "instance's current action is VERIFYING, but health status is UNHEALTHY.")
    )
    second = parse(
        _repair("cart-mig-z9x8", "instance's current action is VERIFYING, but health status is UNHEALTHY.")
    )
    assert (first.severity, first.severity_rule) == (Severity.ERROR, "health-check")
    assert first.message == (
        "Instance group cart-mig autohealing recreateInstance: "
        "instance's current action is VERIFYING, but health status is UNHEALTHY."
    )
    assert second.message == first.message
    vanished = _repair(
        "cart-mig-q1w2", "Instance eligible for repair: instance should be RUNNING, but it doesn't exist."
    )
    vanished["protoPayload"]["status"]["message"] = vanished["protoPayload"]["status"]["message"].replace(
        "projects/9911/zones/europe-west4-b/instanceGroupManagers/", ""
    )
    gone = parse(vanished)
    assert gone.severity == Severity.INFO  # no failed health check: the instance was deleted or preempted
    assert gone.message.startswith("Instance group cart-mig autohealing recreateInstance: Instance eligible")
    plain = _repair("cart-mig-q1w2", "x")
    plain["protoPayload"]["methodName"] = "v1.compute.instances.insert"
    assert parse(plain).severity == Severity.INFO


@pytest.mark.parametrize(
    ("status_message", "said"),
    [
        (
            'Deploy failed: {"steps":[{"id":"fetch","ms":12}],"error":{"kind":"NONE","errorMessage":""}}',
            "Deploy failed",
        ),
        (
            'Deploy failed: {"error":{"kind":"USER","errorMessage":"missing entry point main"}}',
            "Deploy failed: missing entry point main",
        ),
        ("Quota {regional} exceeded for {project}", "Quota {regional} exceeded for {project}"),
    ],
)
def test_an_audit_status_message_ending_in_a_json_dump_keeps_its_words_and_the_error_it_holds(
    status_message: str, said: str
) -> None:
    entry = parse(
        {
            "severity": "ERROR",
            "resource": {"type": "cloud_function", "labels": {"function_name": "resize"}},
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "serviceName": "cloudfunctions.googleapis.com",
                "methodName": "UpdateFunction",
                "status": {"code": 3, "message": status_message},
            },
        }
    )
    assert entry.message == f"INVALID_ARGUMENT on UpdateFunction (cloudfunctions.googleapis.com): {said}"


class _CountingRedactor(Redactor):
    """A redactor that records every text it is asked to redact."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def redact(self, text: str) -> str:
        self.texts.append(text)
        return super().redact(text)


def test_a_repeated_request_url_is_redacted_once_and_each_time_alike() -> None:
    redactor = _CountingRedactor()
    counting = EntryParser(redactor, StackParser())
    url = "https://shop.example.net/v2/carts/77?session_token=Zq81LmX0pR4tUv7WnB2c&page=2"
    raw = {
        "timestamp": "2026-03-04T05:06:07Z",
        "severity": "ERROR",
        "httpRequest": {"requestMethod": "POST", "requestUrl": url, "status": 502},
    }
    requests = [counting.parse(position, dict(raw, insertId=f"r{position}")).http for position in (1, 2, 3)]
    assert redactor.texts.count(url) == 1
    expected = Redactor().redact(url)
    assert "Zq81LmX0pR4tUv7WnB2c" not in expected
    assert [http.url if http is not None else None for http in requests] == [expected] * 3


def test_a_trace_shared_by_a_requests_entries_is_redacted_once_and_each_time_alike() -> None:
    redactor = _CountingRedactor()
    counting = EntryParser(redactor, StackParser())
    trace = "projects/shop-prod/traces/4bf92f3577b34da6a3ce929d0e0e4736?token=Zq81LmX0pR4tUv7WnB2cQ9"
    raw = {"timestamp": "2026-03-04T05:06:07Z", "severity": "ERROR", "textPayload": "checkout failed"}
    traces = [
        counting.parse(position, dict(raw, insertId=f"t{position}", trace=trace)).trace for position in (1, 2)
    ]
    assert redactor.texts.count(trace) == 1
    expected = Redactor().redact(trace)
    assert "Zq81LmX0pR4tUv7WnB2cQ9" not in expected
    assert traces == [expected, expected]


def _long_traceback(frames: int) -> str:
    lines = ["Traceback (most recent call last):"]
    for number in range(frames):
        lines.append(
            f'  File "/srv/billing/steps/step_{number}.py", line {10 + number}, in run_step_{number}'
        )
        lines.append(f"    result = step_{number + 1}(invoice, attempt={number})")
    lines.append("RuntimeError: ledger refused api_key=Zq81LmX0pR4tUv7WnB2cQ9x on retry")
    return "\n".join(lines)


@pytest.mark.parametrize(("frames", "redactions"), [(12, 1), (120, 3)])
def test_a_repeated_long_traceback_is_redacted_once_and_each_time_alike(frames: int, redactions: int) -> None:
    # a traceback logged whole (600 to 8,192 characters) is redacted once; a longer text each time it comes
    redactor = _CountingRedactor()
    counting = EntryParser(redactor, StackParser())
    text = _long_traceback(frames)
    raw = {"timestamp": "2026-03-04T05:06:07Z", "severity": "ERROR", "textPayload": text}
    messages = [
        counting.parse(position, dict(raw, insertId=f"x{position}")).message for position in (1, 2, 3)
    ]
    assert redactor.texts.count(text) == redactions
    assert "Zq81LmX0pR4tUv7WnB2cQ9x" not in messages[0]
    assert messages == [messages[0]] * 3
    assert counting.redact(text) == Redactor().redact(text)


# An entry that says what one parsed before said is built from that one (`EntryParser.parse`'s memo): each of these
# must come out as a parser that never saw the first would make it.
_FRAME_LINE = {
    "resource": {
        "type": "cloud_run_revision",
        "labels": {"service_name": "billing", "revision_name": "billing-7"},
    },
    "labels": {"instanceId": "00f3a9"},
    "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
    "textPayload": '  File "/srv/billing/ledger.py", line 41, in post',
}


def _fresh(position: int, raw: dict[str, Any]) -> Any:
    try:
        return EntryParser(Redactor(), StackParser()).parse(position, raw)
    except MalformedEntry as exc:
        return str(exc)


def _remembering(first: dict[str, Any], position: int, raw: dict[str, Any]) -> Any:
    remembering = EntryParser(Redactor(), StackParser())
    remembering.parse(1, first)
    try:
        return remembering.parse(position, raw)
    except MalformedEntry as exc:
        return str(exc)


@pytest.mark.parametrize(
    "copy",
    [
        {"insertId": "b2", "timestamp": "2026-11-21T12:00:05.5Z", "trace": "projects/p/traces/9f0e"},
        {"insertId": "api_key=Zq81LmX0pR4tUv7WnB2cQ9x", "timestamp": "2026-11-21T13:00:00+01:00"},
        {"receiveTimestamp": "2026-11-21T12:00:07Z", "spanId": "77"},  # no insertId: `#<position>`
        {"timestamp": "2026-11-21T12:00:08Z", "trace": {"id": "not text"}},
        {"timestamp": "2026-02-30T12:00:00Z"},  # malformed, as it would be alone
        {"timestamp": 1763726400},
        {},
    ],
)
def test_a_copy_of_an_entry_has_its_own_position_id_time_and_trace(copy: dict[str, Any]) -> None:
    first = {
        **_FRAME_LINE,
        "insertId": "a1",
        "timestamp": "2026-11-21T12:00:00Z",
        "trace": "projects/p/traces/1",
    }
    raw = {**_FRAME_LINE, **copy}
    assert _remembering(first, 9, raw) == _fresh(9, raw)


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "ERROR"},
        {"textPayload": '  File "/srv/billing/ledger.py", line 42, in post'},
        {"textPayload": "Traceback (most recent call last):"},
        {"labels": {"instanceId": "00f3aa"}},
        {"resource": {"type": "cloud_run_revision", "labels": {"service_name": "orders"}}},
        {"logName": "projects/p/logs/run.googleapis.com%2Fstdout"},
        {"sourceLocation": {"file": "ledger.py", "line": "41"}},
        {"errorGroups": [{"id": "CJ7x2pT8gP3yYg"}]},
        {"labels": None},
        {"labels": "not an object"},
    ],
)
def test_an_entry_that_says_anything_else_is_parsed_anew(change: dict[str, Any]) -> None:
    first = {**_FRAME_LINE, "insertId": "a1", "timestamp": "2026-11-21T12:00:00Z"}
    raw = {**first, **change, "insertId": "a2"}
    assert _remembering(first, 2, raw) == _fresh(2, raw)


@pytest.mark.parametrize(
    ("before", "after"), [(None, float("nan")), (float("nan"), None), (None, float("inf"))]
)
def test_a_null_and_a_number_json_writes_as_null_are_told_apart(before: Any, after: Any) -> None:
    # orjson writes NaN and the infinities as null, as the memo's key: the standard library reads them from a line
    first = {"timestamp": "2026-11-21T12:00:00Z", "jsonPayload": {"ledger": "posted", "attempt": before}}
    raw = {**first, "jsonPayload": {"ledger": "posted", "attempt": after}}
    remembered = _remembering(first, 2, raw)
    assert remembered == _fresh(2, raw)
    assert ("attempt=" in remembered.message) == (after is not None)


def test_the_memo_keeps_its_latest_entries_and_builds_the_others_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("loggardener.entries.parse._MEMO_SIZE", 2)
    remembering = EntryParser(Redactor(), StackParser())
    lines = [
        {**_FRAME_LINE, "textPayload": f'  File "/srv/billing/step_{n}.py", line {n}, in run'}
        for n in range(4)
    ]
    for position, line in enumerate(lines, start=1):
        remembering.parse(position, {**line, "timestamp": "2026-11-21T12:00:00Z"})
    for position, line in enumerate(lines, start=10):  # the first two were let go, the last two are kept
        copy = {**line, "timestamp": "2026-11-21T12:00:30Z", "insertId": f"c{position}"}
        assert remembering.parse(position, copy) == _fresh(position, copy)


def test_the_memo_lets_go_of_the_content_met_least_recently(monkeypatch: pytest.MonkeyPatch) -> None:
    # a frame line that comes again (every failure of the same call) stays, while one met once goes first
    monkeypatch.setattr("loggardener.entries.parse._MEMO_SIZE", 2)
    remembering = EntryParser(Redactor(), StackParser())
    often, once, later = (
        {**_FRAME_LINE, "textPayload": f'  File "/srv/billing/{name}.py", line 7, in run'}
        for name in ("ledger", "refund", "invoice")
    )
    for position, line in enumerate((often, once, often, later), start=1):
        copy = {**line, "timestamp": f"2026-11-21T12:00:0{position}Z", "insertId": f"c{position}"}
        assert remembering.parse(position, copy) == _fresh(position, copy)
    kept = {entry.message for _, entry in remembering._memo.values()}
    assert kept == {often["textPayload"], later["textPayload"]}


@pytest.mark.parametrize(
    "raw",
    [
        {
            "jsonPayload": json.dumps(
                {"level": "error", "msg": "ledger write failed", "password": "Tallow-77"}
            )
        },
        {"jsonPayload": {"msg": "ledger write failed"}, "labels": '{"env": "prod"}'},
        {
            "jsonPayload": {"msg": "ledger write failed"},
            "resource": {"type": "k8s_container", "labels": '{"pod_name": "a"}'},
        },
        {
            "jsonPayload": {"msg": "ledger write failed"},
            "resource": '{"type": "k8s_container", "labels": {}}',
        },
    ],
    ids=["payload", "labels", "resource-labels", "resource"],
)
def test_an_object_given_as_its_json_text_is_read_as_that_object(raw: dict[str, object]) -> None:
    """BigQuery exports its JSON columns as text, and log shippers serialize the payload: the object is read,
    redacted by key name as any payload is; a text that is no JSON object stays a malformed entry."""
    entry = parse({"severity": "ERROR", **raw})
    assert entry.message.startswith("ledger write failed")
    assert "Tallow-77" not in repr(entry)


def test_a_payload_text_that_is_no_json_object_is_still_malformed() -> None:
    for text in ("timeout", "[1, 2]", '{"msg": "cut'):
        with pytest.raises(MalformedEntry, match="jsonPayload is not an object"):
            parse({"jsonPayload": text})


def test_a_lone_surrogate_inside_a_payload_text_is_replaced() -> None:
    entry = parse({"severity": "ERROR", "jsonPayload": '{"msg": "render failed \\ud83d"}'})
    assert entry.message == "render failed \ufffd"


def test_an_http_request_given_as_its_json_text_keeps_its_server_error() -> None:
    """A shipper that serialized httpRequest (and sourceLocation): the 500 still makes the entry an error, on
    the fast path too."""
    raw = {
        "textPayload": "request served",
        "httpRequest": json.dumps(
            {"requestMethod": "POST", "requestUrl": "https://a.run.app/render?token=x", "status": 500}
        ),
    }
    assert parser.skim(1, {"timestamp": "2026-11-21T12:00:00Z", **raw}) is None
    entry = parse({**raw, "sourceLocation": '{"file": "render/handler.go", "line": "88"}'})
    assert entry.source_location == "render/handler.go:88"
    assert entry.http is not None and (entry.http.method, entry.http.status) == ("POST", 500)
    assert entry.severity >= Severity.ERROR


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ({"level": 40000, "levelStr": "ERROR", "colour": "red"}, Severity.ERROR),  # log4js
        ({"level": 50000, "levelStr": "FATAL", "colour": "magenta"}, Severity.CRITICAL),
        ({"level": 30000, "levelStr": "WARN", "colour": "yellow"}, Severity.WARNING),
        ({"icon": "x", "name": "ERROR", "no": 40}, Severity.ERROR),  # loguru's record level
        ({"label": "error", "value": 50}, Severity.ERROR),  # a pino formatter's
    ],
)
def test_a_level_written_as_an_object_declares_its_name(level: dict[str, object], severity: Severity) -> None:
    entry = parse({"jsonPayload": {"message": "render failed", "level": level}})
    assert (entry.severity, entry.severity_rule) == (severity, "json-level")


@pytest.mark.parametrize("level", [{"level": 40000, "colour": "red"}, {"name": "payments"}, {}])
def test_a_level_object_without_a_level_name_declares_nothing(level: dict[str, object]) -> None:
    entry = parse({"jsonPayload": {"message": "render failed", "level": level}})
    assert entry.severity == Severity.DEFAULT


def test_a_log4js_event_reads_its_data_as_the_message_and_its_error() -> None:
    entry = parse(
        {
            "jsonPayload": {
                "startTime": "2026-11-21T12:00:00.000Z",
                "categoryName": "invoice",
                "data": [
                    "Invoice PDF render failed for",
                    412,
                    {
                        "message": "Printing failed",
                        "stack": "ProtocolError: Printing failed\n    at renderInvoice (/app/src/render.js:44:28)",
                    },
                ],
                "level": {"level": 40000, "levelStr": "ERROR", "colour": "red"},
                "context": {},
                "pid": 9,
            }
        }
    )
    assert entry.severity == Severity.ERROR
    assert entry.message.startswith("Invoice PDF render failed for 412")
    assert entry.stack is not None and entry.stack.exception_type == "ProtocolError"


def test_a_payload_with_data_and_a_category_but_no_level_object_is_read_as_it_is() -> None:
    entry = parse({"jsonPayload": {"message": "synced", "categoryName": "x", "data": ["a"], "level": "info"}})
    assert (entry.message, entry.severity) == ("synced", Severity.INFO)


def test_structlog_dict_tracebacks_are_read_as_the_python_traceback() -> None:
    frames = [
        {"filename": "/app/relay/deliver.py", "lineno": 57, "name": "deliver", "locals": None},
        {"filename": "/usr/lib/python3.12/site-packages/httpx/_client.py", "lineno": 1014, "name": "send"},
    ]
    entry = parse(
        {
            "jsonPayload": {
                "event": "webhook delivery failed",
                "level": "error",
                "exception": [
                    {
                        "exc_type": "ConnectTimeout",
                        "exc_value": "timed out",
                        "is_cause": False,
                        "frames": frames,
                    },
                    {"exc_type": "TimeoutError", "exc_value": "", "is_cause": True, "frames": frames[1:]},
                ],
            }
        }
    )
    assert entry.stack is not None
    assert (entry.stack.language, entry.stack.exception_type, entry.stack.message) == (
        "python",
        "ConnectTimeout",
        "timed out",
    )
    assert "The above exception was the direct cause" in entry.stack.text


def test_a_list_under_exception_that_is_not_structlogs_is_no_stack() -> None:
    entry = parse({"jsonPayload": {"message": "ok", "level": "warning", "exception": ["a", {"x": 1}]}})
    assert entry.stack is None


# A failure said as a refusal, a mismatch, an expiry, an exhausted quota, an unreachable peer, a dead-lettered
# message, or a system call's error (strerror's words): written for these tests, not copied from any corpus
_REFUSED_IN_WORDS = [
    "push of image web:7 rejected: manifest too large",
    "access to queue 'jobs' refused for user 'worker'",
    "lockfile checksum does not match the registry's",
    "ETag mismatch on object reports/7.csv",
    "token for tenant acme has expired",
    "invalid page token in request 88",
    "caller is not permitted to delete snapshots",
    "daily quota exceeded for project p-1",
    "payload exceeds the 4 MB limit",
    "message 7 sent to the DLQ",
    "peer 10.1.1.1 unreachable",
    "dial tcp 10.0.0.3:443: connect: no route to host",
    "listen tcp :9090: bind: address already in use",
]
# Words of those, saying no failure happened (or naming a thing, not a failure)
_NO_FAILURE_IN_WORDS = [
    "processed 40 items, 0 rejected",
    "batch closed accepted=12 rejected=0 dead_lettered=0",
    "no mismatch between replicas 1 and 2",
    "purged 12 expired tokens",
    "cache entry expired, refreshing",
    "rejection policy: drop-oldest",
    "invalid_total=0 valid_total=81",
]


@pytest.mark.parametrize("text", _REFUSED_IN_WORDS)
def test_a_failure_said_as_a_refusal_mismatch_expiry_or_quota_is_a_warning_at_a_weak_level(text: str) -> None:
    """A line without a level word that says its call was refused, its check did not match, its credential expired,
    its quota ran out or its peer is unreachable is a warning (`failure-phrase`) where the severity is only a default
    (none, DEFAULT, stdout's INFO), and stays an error on GKE's stderr."""
    for raw in (
        {"textPayload": text},
        {"severity": "DEFAULT", "jsonPayload": {"message": text}},
        {"severity": "INFO", "logName": "projects/p/logs/stdout", "textPayload": text,
         "resource": {"type": "k8s_container", "labels": {"pod_name": "web-1"}}},
    ):  # fmt: skip
        entry = parse({"timestamp": "2026-11-21T12:00:00Z", **raw})
        assert (entry.severity, entry.severity_rule) == (Severity.WARNING, "failure-phrase"), raw
    assert _on_gke_stderr(text).severity == Severity.ERROR


@pytest.mark.parametrize("text", _NO_FAILURE_IN_WORDS)
def test_words_of_a_refusal_that_report_none_keep_a_missing_severity(text: str) -> None:
    assert parse({"timestamp": "2026-11-21T12:00:00Z", "textPayload": text}).severity == Severity.DEFAULT


@pytest.mark.parametrize(
    "text",
    [
        "copy done: 1204 objects, 0 errors",
        "window=60s requests=900 error_rate=0.00",
        "invalid cache entries purged: 0",
        "no failures in the last 24 checks",
        "--retry-failed   retry failed uploads once (default false)",
        "-h, --help            show this help message and exit",
        "evicted 40 expired keys in 3ms",
    ],
)
def test_a_gke_stderr_line_whose_failure_words_count_none_is_info(text: str) -> None:
    """A count or a value of none (`0 errors`, `error_rate=0.00`), a flag's help line, a cleanup's count of what it
    removed: words of a failure that say none happened are no sign of one, so stderr's default ERROR goes."""
    entry = _on_gke_stderr(text)
    assert (entry.severity, entry.severity_rule) == (Severity.INFO, "no-error-evidence")


@pytest.mark.parametrize(
    "text",
    [
        "copy done: 1204 objects, 3 errors",
        "window=60s requests=900 error_rate=0.35",
        "invalid cache entries: 4",
        "0 objects copied: upload failed",
        "--retry-failed given twice: upload failed",
    ],
)
def test_a_gke_stderr_line_with_a_failure_beside_a_count_stays_an_error(text: str) -> None:
    assert (_on_gke_stderr(text).severity, _on_gke_stderr(text).severity_rule) == (Severity.ERROR, None)


@pytest.mark.parametrize(
    "piece",
    [
        "token key-1 ",
        "exceeds the a b c ",
        "rate limit ",
        "no such ",
        "purged 12 ",
        "a b c d e: ",
        "x=0.0.",
        "-h, --h ",
    ],
)
def test_the_refusal_and_no_failure_readers_take_linear_time_on_near_misses(piece: str) -> None:
    """Near misses of every new branch, repeated: each bounded gap is read once per start, so the time is linear."""
    assert_linear(lambda size: levels.failure_phrase(piece * size), 4_000)
    assert_linear(lambda size: levels.error_evidence("failed " + piece * size), 4_000)
    assert_linear(lambda size: levels._NO_FAILURE.sub(" ", piece * size), 4_000)
