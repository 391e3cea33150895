"""Errors other teams' log formats keep where the parser did not look: an exception under a field with a leading
underscore (log4j2's `GcpLayout.json`, GELF's additional fields), a level coloured inside a JSON record (winston's
`colorize()` before `json()`), a stack of frames without its exception's line beside the error's type and message
(ecs-logging-python), a JVM stack whose frames lost their `at ` (Dataflow's job messages), and an exception whose
message is only its cause's `toString()` (`new RuntimeException(e)`)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ListSource, scan_entries
from entry_factories import gke_entry, run_entry
from la_support import assert_equivalent, engine_with, local_report, log_analytics_report
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


def parse(raw: dict[str, object]):  # type: ignore[no-untyped-def]
    return parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


def _java_trace(kind: str, message: str, *frames: str) -> str:
    return f"{kind}: {message}\n" + "".join(f"\tat {frame}\n" for frame in frames)


def _gcp_layout(kind: str, message: str, *frames: str) -> dict[str, Any]:
    """A log4j2 `GcpLayout.json` record as GKE's agent leaves it (severity lifted): one handler's message."""
    return {
        "message": "Unhandled exception while processing request",
        "_exception": {"class": kind, "message": message, "stackTrace": _java_trace(kind, message, *frames)},
        "_thread": "http-nio-8080-exec-1",
        "_logger": "com.acme.web.ErrorHandler",
    }


@pytest.mark.parametrize(
    ("payload", "exception_type", "function"),
    [
        (
            _gcp_layout(
                "java.net.SocketTimeoutException",
                "Read timed out",
                "java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)",
                "com.acme.pay.Gateway.charge(Gateway.java:74)",
            ),
            "java.net.SocketTimeoutException",
            "com.acme.pay.Gateway.charge",
        ),
        (  # a GELF record's additional field
            {
                "short_message": "import failed",
                "level": 3,
                "_stack_trace": 'Traceback (most recent call last):\n  File "/app/load.py", line 9, in load\n'
                "    rows = read(path)\nOSError: disk quota exceeded",
            },
            "OSError",
            "load",
        ),
    ],
)
def test_an_exception_under_a_field_with_a_leading_underscore_is_read(
    payload: dict[str, object], exception_type: str, function: str
) -> None:
    entry = parse({"jsonPayload": payload, "severity": "ERROR"})
    assert entry.stack is not None and entry.stack.exception_type == exception_type
    frame = entry.stack.innermost_in_app
    assert frame is not None and frame.function == function


def test_one_handlers_message_for_two_exceptions_is_two_problems_told_by_the_exception() -> None:
    timeout = (
        "java.net.SocketTimeoutException",
        "Read timed out",
        "com.acme.pay.Gateway.charge(Gateway.java:74)",
    )
    state = (
        "java.lang.IllegalStateException",
        "index not loaded",
        "com.acme.catalog.Index.lookup(Index.java:12)",
    )
    entries = [
        run_entry(i * 10, json_payload=_gcp_layout(*(timeout if i % 2 else state)), severity="ERROR")
        for i in range(6)
    ]
    titles = sorted(c.title for c in scan_entries(entries).clusters)
    assert len(titles) == 2
    assert "IllegalStateException" in titles[0] and "SocketTimeoutException" in titles[1]


def test_a_records_own_fields_without_an_error_give_no_stack() -> None:
    entry = parse(
        {"jsonPayload": {"message": "Order 12 placed", "_thread": "main", "_logger": "com.acme.App"}}
    )
    assert entry.stack is None and entry.message == "Order 12 placed"


def _winston(level: str, message: str) -> dict[str, Any]:
    entry = gke_entry(0, text="", stream="stdout", severity="INFO")
    del entry["textPayload"]
    entry["jsonPayload"] = {"level": level, "message": message, "service": "cart"}
    return entry


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("\x1b[33mwarn\x1b[39m", Severity.WARNING),
        ("\x1b[31merror\x1b[39m", Severity.ERROR),
        ("\x1b[32minfo\x1b[39m", Severity.INFO),  # look-alike: coloured, and still INFO
        ("warn", Severity.WARNING),
    ],
)
def test_a_level_coloured_inside_a_json_record_is_its_level(level: str, severity: Severity) -> None:
    assert parse(_winston(level, "Cache miss storm: 312 misses in 10s")).severity == severity


def test_a_coloured_warning_is_a_problem() -> None:
    entries = [
        _winston("\x1b[33mwarn\x1b[39m", f"Cache miss storm: {300 + i} misses in 10s") for i in range(3)
    ]
    assert [c.count for c in scan_entries(entries).clusters] == [3]


_FRAMES_ONLY = (
    '  File "/app/sync/worker.py", line 57, in run_once\n    payload = build_payload(order)\n'
    '  File "/app/sync/payload.py", line 21, in build_payload\n    "sku": item["sku"],\n'
)


def _ecs(kind: str, message: str, stack: str) -> dict[str, Any]:
    """ecs-logging-python's record of `logger.exception(…)`: its stack is `traceback.format_tb`'s, frames only."""
    return {
        "log.level": "error",
        "message": "Order sync failed",
        "ecs": {"version": "1.6.0"},
        "error": {"type": kind, "message": message, "stack_trace": stack},
    }


@pytest.mark.parametrize(
    ("error", "exception_type", "message", "function"),
    [
        (_ecs("KeyError", "'sku'", _FRAMES_ONLY)["error"], "KeyError", "'sku'", "build_payload"),
        (  # its message naming another class after the type's own name
            _ecs("ConnectionError", "Max retries (Caused by NewConnectionError('refused'))", _FRAMES_ONLY)[
                "error"
            ],
            "ConnectionError",
            "Max retries (Caused by NewConnectionError('refused'))",
            "build_payload",
        ),
        (  # a JVM stack's frames without its header
            {
                "type": "java.io.IOException",
                "message": "quota",
                "stack_trace": "\tat com.acme.Indexer.refresh(Indexer.java:120)\n\tat com.acme.Job.run(Job.java:8)\n",
            },
            "java.io.IOException",
            "quota",
            "com.acme.Indexer.refresh",
        ),
    ],
)
def test_a_stack_of_frames_only_takes_its_exception_line_from_the_error_object(
    error: dict[str, Any], exception_type: str, message: str, function: str
) -> None:
    entry = parse({"jsonPayload": {"log.level": "error", "message": "Order sync failed", "error": error}})
    assert entry.stack is not None
    assert (entry.stack.exception_type, entry.stack.message) == (exception_type, message)
    frame = entry.stack.innermost_in_app
    assert frame is not None and frame.function == function


def test_a_complete_stack_in_an_error_object_is_kept_as_written() -> None:
    """Look-alike: a stack with its own exception line is not given the object's type again."""
    stack = (
        'Traceback (most recent call last):\n  File "/app/a.py", line 3, in f\n    g()\nValueError: bad row'
    )
    entry = parse(
        {"jsonPayload": {"message": "x", "error": {"type": "Wrapped", "message": "m", "stack_trace": stack}}}
    )
    assert entry.stack is not None and (entry.stack.exception_type, entry.stack.message) == (
        "ValueError",
        "bad row",
    )


def test_one_message_for_two_exception_types_in_ecs_records_is_two_problems() -> None:
    entries = [
        run_entry(i * 10, log="run.googleapis.com%2Fstdout", json_payload=_ecs(kind, "boom", _FRAMES_ONLY))
        for i, kind in enumerate(["KeyError", "TypeError"] * 3)
    ]
    titles = sorted(c.title for c in scan_entries(entries).clusters)
    assert len(titles) == 2 and titles[0].startswith("KeyError") and titles[1].startswith("TypeError")


_DATAFLOW_JAVA = """Error message from worker: java.lang.RuntimeException: org.apache.beam.sdk.util.UserCodeException: \
java.lang.NumberFormatException: For input string: "N/A"
        org.apache.beam.runners.dataflow.worker.GroupAlsoByWindowsParDoFn$1.output(GroupAlsoByWindowsParDoFn.java:187)
        org.apache.beam.runners.dataflow.worker.BatchDataflowWorker.executeWork(BatchDataflowWorker.java:420)
        java.base/java.lang.Thread.run(Thread.java:829)
Caused by: org.apache.beam.sdk.util.UserCodeException: java.lang.NumberFormatException: For input string: "N/A"
        org.apache.beam.sdk.util.UserCodeException.wrap(UserCodeException.java:39)
        com.acme.etl.ParseEventFn$DoFnInvoker.invokeProcessElement(Unknown Source)
Caused by: java.lang.NumberFormatException: For input string: "N/A"
        java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)
        java.base/java.lang.Long.parseLong(Long.java:709)
        com.acme.etl.ParseEventFn.processElement(ParseEventFn.java:31)
"""


@pytest.mark.parametrize("source", ["java", "kt"])
def test_a_jvm_stack_whose_frames_lost_their_at_is_read_to_its_root_cause(source: str) -> None:
    stack = StackParser().parse(_DATAFLOW_JAVA.replace("ParseEventFn.java:31", f"ParseEventFn.{source}:31"))
    assert stack is not None and stack.language == "java"
    assert (stack.exception_type, stack.message) == (
        "java.lang.NumberFormatException",
        'For input string: "N/A"',
    )
    assert stack.frames[0].function == "com.acme.etl.ParseEventFn.processElement"


@pytest.mark.parametrize(
    "text",
    [
        "Loaded plugins:\n    com.acme.Plugin(Plugin.java)\n    com.acme.Other(Other.java)",  # no line: no frame
        "Calling\n    client.fetch(orders.json:3)\n    cache.load(items.yaml:9)",  # not a Java file
    ],
)
def test_indented_calls_that_are_no_jvm_frames_make_no_stack(text: str) -> None:
    assert StackParser().parse(text) is None


def test_an_exception_whose_message_is_its_causes_string_wraps_the_cause() -> None:
    text = (
        _java_trace(
            "java.lang.RuntimeException", "java.io.IOException: disk full", "com.acme.Job.run(Job.java:8)"
        )
        + "Caused by: java.io.IOException: disk full\n\tat com.acme.Store.write(Store.java:51)\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None and (stack.exception_type, stack.message) == ("java.io.IOException", "disk full")
    assert stack.frames[0].function == "com.acme.Store.write"


def test_an_exception_with_its_own_message_is_no_wrapper() -> None:
    """Look-alike: a message of its own (not its cause's string) names what failed."""
    text = (
        _java_trace("java.lang.IllegalStateException", "order 12 rejected", "com.acme.Job.run(Job.java:8)")
        + "Caused by: java.io.IOException: disk full\n\tat com.acme.Store.write(Store.java:51)\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None and stack.exception_type == "java.lang.IllegalStateException"


def test_log_analytics_reads_these_fields_as_the_local_scan_does() -> None:
    timeout = (
        "java.net.SocketTimeoutException",
        "Read timed out",
        "com.acme.pay.Gateway.charge(Gateway.java:74)",
    )
    entries = [
        run_entry(0, json_payload=_gcp_layout(*timeout), severity="ERROR"),
        _winston("\x1b[33mwarn\x1b[39m", "Cache miss storm: 312 misses in 10s"),
        _winston("\x1b[32minfo\x1b[39m", "Cart 12 updated"),
        run_entry(
            20, log="run.googleapis.com%2Fstdout", json_payload=_ecs("KeyError", "'sku'", _FRAMES_ONLY)
        ),
        run_entry(30, text=_DATAFLOW_JAVA, severity="ERROR"),
        gke_entry(
            40,
            text="12:00:01.205 INFO  Application - 503 Service Unavailable: POST - /api/v1/orders in 30001ms",
            stream="stdout",
            severity="INFO",
        ),
    ]
    for ordered in (entries, entries[::-1]):
        assert_equivalent(local_report(ListSource(ordered)), log_analytics_report(engine_with(ordered)))


def test_ktors_call_logging_line_of_a_server_error_is_a_request_problem() -> None:
    """Ktor's CallLogging writes every call at INFO: `STATUS REASON: METHOD - PATH in Nms`."""
    lines = [
        f"2026-03-04 12:00:0{i}.205 [eventLoopGroupProxy-4-2] INFO  Application - 500 Internal Server Error: "
        f"GET - /api/v1/profile/me in {5000 + i}ms"
        for i in range(3)
    ] + [
        "2026-03-04 12:00:09.100 [eventLoopGroupProxy-4-1] INFO  Application - 200 OK: GET - /api/v1/profile/me in 12ms"
    ]
    entries = [gke_entry(i, text=line, stream="stdout", severity="INFO") for i, line in enumerate(lines)]
    clusters = scan_entries(entries).clusters
    assert [c.count for c in clusters] == [3]
    assert "500" in clusters[0].title and "GET /api/v1/profile/me" in clusters[0].title
