"""The parser's fast path (`EntryParser.skim`): the same reports as building every entry.

Each comparison scans the same input twice, `fast_path=True` and `fast_path=False`, and compares everything
a run writes: the JSON report, the worklog, and the assignment of every input entry (position, redacted
insertId, final fingerprint, reason skipped), in order.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ListSource
from la_support import SHARED, synthetic
from loggardener.config import GardenerConfig
from loggardener.entries import reassemble
from loggardener.entries.levels import (
    _LEVEL_WORDS,
    _PLATFORM_FAILURE,
    MAY_RAISE,
    PY_WARNING,
    infer_severity,
    may_raise,
    platform_failure,
)
from loggardener.entries.models import Quiet, Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.payloads import MESSAGE_FIELDS
from loggardener.entries.redact import Redactor, _table_formats, detect_secrets_formats, key_class
from loggardener.entries.stacks import (
    DART_FRAME,
    DART_TERSE_FRAME,
    DART_UNHANDLED,
    HASKELL_CALL_STACK,
    HASKELL_FRAME,
    LUA_COROUTINE,
    LUA_FRAME,
    LUA_TRACEBACK,
    PERL_DIE,
    PERL_FRAME,
    PY_CHAIN_SEPARATORS,
    PY_HEADER,
    SWIFT_CRASHED,
    SWIFT_FATAL,
    SWIFT_FRAME,
    SWIFT_OLD_FRAME,
    StackParser,
)
from loggardener.pipeline import Scan, ScanOptions
from loggardener.regexes import top_level_alternatives
from loggardener.rendering.json_report import JsonReport
from loggardener.rendering.markdown import MarkdownWorklog
from loggardener.sources.demo import demo_export_path
from loggardener.sources.file import FileSource
from loggardener.sources.interface import EntrySource

NOW = datetime(2026, 11, 29, tzinfo=timezone.utc)
REALWORLD = SHARED / "realworld" / "entries.ndjson"

_WORKLOG = MarkdownWorklog(None)
Outputs = tuple[str, str, list[tuple[int, str | None, str | None, str | None]]]


def outputs(source: EntrySource, fast: bool, config: GardenerConfig | None = None, **options: Any) -> Outputs:
    """The JSON report, the worklog and the assignments of one scan."""
    return scanned(source, fast, config, **options)[0]


def scanned(
    source: EntrySource, fast: bool, config: GardenerConfig | None = None, **options: Any
) -> tuple[Outputs, Scan]:
    """`outputs`, and the scan that wrote them (what it counted while it ran)."""
    rows: list[tuple[int, str | None, str | None, str | None]] = []
    scan = Scan(
        config or GardenerConfig(),
        ScanOptions(now=NOW, **options),
        on_assign=lambda *row: rows.append(row),
        fast_path=fast,
    )
    report = scan.run(source)
    final = [(p, i, None if k is None else scan.final_fingerprint(k), s) for p, i, k, s in rows]
    return (JsonReport().render(report), _WORKLOG.render(report), final), scan


def assert_same(fast: Outputs, full: Outputs) -> None:
    assert fast[0] == full[0]
    assert fast[1] == full[1]
    assert fast[2] == full[2]


def _skimmed(entries: list[dict[str, Any]]) -> int:
    parser = EntryParser(Redactor(), StackParser())
    return sum(parser.skim(n, entry) is not None for n, entry in enumerate(entries, start=1))


def test_demo_reports_are_the_same(tmp_path: Path) -> None:
    demo = tmp_path / "demo.json"
    demo.write_bytes(gzip.decompress(demo_export_path().read_bytes()))
    assert_same(outputs(FileSource(demo), True), outputs(FileSource(demo), False))


@pytest.mark.skipif(not REALWORLD.exists(), reason="../shared/realworld is not checked out")
@pytest.mark.parametrize("options", [{}, {"min_severity": Severity.ERROR}])
def test_realworld_reports_are_the_same(options: dict[str, Any]) -> None:
    entries = [
        json.loads(line) for line in REALWORLD.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert _skimmed(entries) > 0
    assert_same(
        outputs(FileSource(REALWORLD), True, **options), outputs(FileSource(REALWORLD), False, **options)
    )


@pytest.mark.parametrize("mix", ["generate", "realistic"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"services": ("orders-api",)},
        {"since": datetime(2026, 11, 21, 7, tzinfo=timezone.utc), "hours": 1.5},
        {"min_severity": Severity.CRITICAL},
    ],
)
def test_generated_reports_are_the_same(mix: str, options: dict[str, Any]) -> None:
    entries = list(getattr(synthetic(), mix)(3000, seed=5))
    if mix == "realistic":
        assert _skimmed(entries) > len(entries) / 2
    assert_same(outputs(ListSource(entries), True, **options), outputs(ListSource(entries), False, **options))


# ---------------------------------------------------------------------------------------------------------
# Generated entries: every kind of text the fast path must hand over to `parse`, and malformed entries.

_START = datetime(2026, 11, 21, 6, tzinfo=timezone.utc)
_TEXTS = [
    "served 12 requests",
    "Booting worker with pid: 9",
    "Listening on port 8080",
    "restarting",
    "Worker 7 restarting",
    "INFO:app:processed batch 3",
    "2026-11-21 06:00:00,123 INFO main: ready",
    "[Nest] 42 - 11/21/2026, 6:00:00 AM LOG [RoutesResolver] ok",
    "[2026-11-21 06:00:00,477] INFO in app: ready",
    "Segmentation fault (core dumped)",
    "terminate called after throwing an instance of 'std::bad_alloc'",
    "FATA[0000] failed to load config",
    "PANI[0001] boom",
    "TypeError: x is not a function",
    "[2026-11-21 06:00:00,477] ERROR in app: Exception on / [POST]",
    "level=info msg=ok",
    "level=warn msg=slow",
    "[WRN] disk almost full",
    "W1121 06:00:00.123456       1 sync.go:9] lagging",
    "E1121 06:00:00.123456       1 sync.go:9] failed",
    "Traceback (most recent call last):",
    '  File "/app/main.py", line 3, in handler',
    "    return compute(x)",
    "KeyError: 'x'",
    "ValueError",
    "During handling of the above exception, another exception occurred:",
    "",
    "   ",
    "\tat com.example.A.b(A.java:3)",
    "    at handler (/app/x.js:1:2)",
    "java.lang.IllegalStateException: locked",
    "panic: boom",
    "goroutine 1 [running]:",
    "main.(*Server).handle(0xc0001, {0x7f, 0xc0002})",
    "\t/app/server.go:42 +0x1d",
    "created by main.main in goroutine 1",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x49a0f3]",
    "fatal error: concurrent map writes",
    "exit status 2",
    "/app/lib/mailer.rb:14:in `deliver'",
    "/app/server.js:42",
    "}",
    "Node.js v20.11.1",
    "#0 /app/x.php(12): f()",
    "Memory limit of 512 MiB exceeded with 530 MiB used.",
    "Function execution took 60000 ms, finished with status: 'timeout'",
    "\x1b[31mERROR\x1b[0m colourful",
    "\x1b[32mINFO\x1b[0m colourful",
    '{"level": 50, "msg": "json text"}',
    '{"level": "info", "msg": "json text"}',
    ' {"lvl": 40, "message": "spaced json"}',
    "token=ghp_16C7e42F292c6912E7710c838347Ae178B4a done",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a hello",
    "password: hunter2",
    "Authorization: Bearer abcdefghijklmnop1234567890",
    "two\nlines",
    "ok\u2028separated",
    "Container called exit(1).",
    "/app/x.py:3: DeprecationWarning: old",
    "Uncaught TypeError: x is undefined",
    "Caused by: java.io.IOException",
    "... 3 more",
    "E, [2026-11-21T06:00:00.123456 #1] ERROR -- : boom",
    "I, [2026-11-21T06:00:00.123456 #1]  INFO -- : Completed 500 Internal Server Error in 3ms",
    "fail: Acme.Worker[0]\n      batch failed",
    "info: Microsoft.Hosting.Lifetime[14] Now listening",
    "thread 'main' panicked at src/main.rs:14:38:",
    "[UnhandledPromiseRejection: x]",
    'INFO:     10.0.0.1:41236 - "POST /api HTTP/1.1" 500 Internal Server Error',
    '10.0.0.1 - - [21/Nov/2026:06:00:00 +0000] "GET /x HTTP/1.1" 200 12 "-" "curl"',
    "GET /api/orders/1 503 2.1ms",
    "etl.service: Main process exited, code=exited, status=1/FAILURE",
    "Failed to start ETL runner.",
    "[   12.345678] Kernel panic - not syncing: VFS",
]
_SEVERITIES = [
    None,
    "DEFAULT",
    "DEBUG",
    "INFO",
    "NOTICE",
    "WARNING",
    "ERROR",
    "info",
    200,
    500,
    "²",
    "LOUD",
    [],
]
_LOGS = [
    "projects/p/logs/run.googleapis.com%2Fstderr",
    "projects/p/logs/run.googleapis.com%2Fstdout",
    "projects/p/logs/run.googleapis.com%2Frequests",
    "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
]
_RESOURCES: list[Any] = [
    {"type": "cloud_run_revision", "labels": {"service_name": "api", "revision_name": "api-00001-abc"}},
    {"type": "cloud_run_revision", "labels": {"service_name": "api", "revision_name": "api-00002-def"}},
    {"type": "cloud_run_revision", "labels": {"service_name": "web", "revision_name": "web-00001-xyz"}},
    {"type": "k8s_container", "labels": {"namespace_name": "ns", "container_name": "c", "pod_name": "p-1"}},
    {"type": "gce_instance", "labels": {"instance_id": "1"}},
    None,
    "not an object",
    {"type": "cloud_run_revision", "labels": ["not", "an", "object"]},
]


@st.composite
def _entry(draw: st.DrawFn, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"insertId": f"id-{index}", "logName": draw(st.sampled_from(_LOGS))}
    moment = _START + timedelta(milliseconds=index * draw(st.sampled_from([1, 300, 90_000])))
    entry["timestamp"] = draw(
        st.sampled_from(
            [
                moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "not a time",
                "2026-02-30T00:00:00Z",
            ]
        )
        if draw(st.integers(0, 9)) == 0
        else st.just(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    )
    severity = draw(st.sampled_from(_SEVERITIES))
    if severity is not None:
        entry["severity"] = severity
    resource = draw(st.sampled_from(_RESOURCES))
    if resource is not None:
        entry["resource"] = resource
    entry["labels"] = draw(
        st.sampled_from(
            [
                {"instanceId": "i-1"},
                {"instanceId": "i-2"},
                {},
                {"container.googleapis.com/stream": "stdout"},
                {
                    "k8s-pod/app": "catalog"
                },  # a Kubernetes pod's label, which linking reads of skimmed lines too
            ]
        )
    )
    payload = draw(st.integers(0, 9))
    if payload < 6:
        entry["textPayload"] = draw(st.sampled_from(_TEXTS))
    elif payload < 8:
        message = draw(st.sampled_from(_TEXTS))
        json_payload: dict[str, Any] = {draw(st.sampled_from(MESSAGE_FIELDS)): message}
        level = draw(st.sampled_from([None, "info", "debug", "warning", "error", 30, 50, "50", "²"]))
        if level is not None:
            json_payload[draw(st.sampled_from(["level", "severity", "lvl", "@l", "status", "PRIORITY"]))] = (
                level
            )
        if draw(st.booleans()):
            json_payload["stack_trace"] = draw(st.sampled_from(_TEXTS))
        if draw(st.integers(0, 3)) == 0:  # journald, and the error beside a message (zap, pino)
            json_payload[draw(st.sampled_from(["PRIORITY", "error", "err"]))] = draw(
                st.sampled_from(["3", "4", "6", 7, {"message": "boom"}, *_TEXTS[:12]])
            )
        entry["jsonPayload"] = draw(st.sampled_from([json_payload, json_payload, "not an object"]))
    elif payload < 9:
        entry["protoPayload"] = {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "run.googleapis.com",
            "methodName": draw(
                st.sampled_from(["google.cloud.run.v1.Services.ReplaceService", "GetService"])
            ),
            "resourceName": "namespaces/p/services/api",
        }
    if draw(st.integers(0, 3)) == 0:
        entry["httpRequest"] = {
            "requestMethod": "GET",
            "requestUrl": "https://x.example/api",
            "status": draw(st.sampled_from([200, 304, 404, 503, "200", "x", None])),
        }
    if draw(st.integers(0, 19)) == 0:
        entry["errorGroups"] = draw(st.sampled_from([[{"id": "g1"}], "not a list", []]))
    return entry


@st.composite
def _entries(draw: st.DrawFn) -> list[dict[str, Any]]:
    size = draw(st.integers(1, 40))
    return [draw(_entry(index)) for index in range(size)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_entries(), st.sampled_from([Severity.WARNING, Severity.ERROR]))
def test_generated_entries_report_the_same(entries: list[dict[str, Any]], threshold: Severity) -> None:
    assert_same(
        outputs(ListSource(entries), True, min_severity=threshold),
        outputs(ListSource(entries), False, min_severity=threshold),
    )


# ---------------------------------------------------------------------------------------------------------
# What the fast path's reasoning rests on.


def test_may_raise_finds_every_level_word_from_warning_up() -> None:
    for word, severity in _LEVEL_WORDS.items():
        if severity >= Severity.WARNING:
            for spelling in (word, word.lower(), word.title()):
                assert MAY_RAISE.search(f"x {spelling} y"), spelling


@pytest.mark.parametrize(
    "text",
    [
        "finished with status code: 504",
        "Memory limit of 512 MiB exceeded",
        "terminated: Application failed to start",
        "STARTUP TCP probe failed 1 time",
        "[CRITICAL] WORKER TIMEOUT (pid:7)",
        "reason: OOMKilled",
        "Out of memory: Kill process 7",
        "Back-off restarting failed container",
        "panic: boom",
        "E1121 06:00:00.1 1 f.go:9] x",
        "/app/x.py:3: UserWarning: y",
        "thread 'main' panicked at src/main.rs:14:38:",
        "[UnhandledPromiseRejection: This error originated]",
        "UnhandledPromiseRejectionWarning: boom",
        "TypeError [ERR_INVALID_ARG_TYPE]: bad",
        "fail: Acme.Worker[0]",
        "x.service: Main process exited, code=exited, status=1/FAILURE",
        "x.service: Failed with result 'exit-code'.",
        "Failed to start ETL runner.",
        "*** no app loaded. going in full dynamic mode ***",
        "--- no python application found, check your startup logs for errors ---",
        "Failed to find attribute 'app' in 'main'.",
        "Reason: App failed to load.",
        "Kernel panic - not syncing: VFS",
        "BUG: unable to handle page fault for address: 0",
        "Oops: 0002 [#1] SMP",
        '10.0.0.1 - - [10/Jun/2025 12:01:07] "GET /x HTTP/1.1" 500 -',
        "Completed 502 Bad Gateway in 3ms",
        "<3>smtp: 535 relay refused",
        "<4>queue over its soft limit",
    ],
)
def test_may_raise_finds_platform_failures_and_headers(text: str) -> None:
    assert MAY_RAISE.search(text)


def test_redaction_markers_declare_no_level() -> None:
    """`skim` reads a JSON message unredacted: redaction only puts `[REDACTED:kind]` markers in, and no marker,
    wherever it stands, makes inference raise a text (`terraform-token` holds `err`, but not as a level)."""
    kinds = {f.kind for f in _table_formats()} | {f.kind for f in detect_secrets_formats()[0]}
    kinds |= {"password", "token", "secret", "email", "cookie", "private-key", "custom", "webhook"}
    for kind in kinds:
        assert re.fullmatch(r"[a-z0-9-]+", kind)
        marker = f"[REDACTED:{kind}]"
        for text in (
            marker,
            f"{marker} ok",
            f"ok {marker}",
            f"{marker}: ok",
            f"level={marker}",
            f"{marker}{marker}",
        ):
            inferred = infer_severity(
                Severity.DEFAULT, weak=True, text=text, has_stack=False, has_error_group=False
            )
            assert inferred.severity < Severity.WARNING, text
            assert not platform_failure(text)


def test_the_fields_skim_reads_unredacted_are_never_redacted_by_key_name() -> None:
    """`skim` reads the JSON payload before key-name redaction: none of the fields it reads is a secret's name."""
    from loggardener.entries.levels import JSON_LEVEL_KEYS
    from loggardener.entries.payloads import (
        _ERROR_MESSAGE_FIELDS,
        _ERROR_TYPE_FIELDS,
        _LEVEL_WORD_FIELDS,
        _NESTED_STACK_FIELDS,
        ERROR_FIELDS,
        STACK_FIELDS,
    )

    names = {*JSON_LEVEL_KEYS, *MESSAGE_FIELDS, *STACK_FIELDS, *_NESTED_STACK_FIELDS, *_LEVEL_WORD_FIELDS}
    names |= {
        *ERROR_FIELDS,
        *_ERROR_MESSAGE_FIELDS,
        *_ERROR_TYPE_FIELDS,
        "log",
        "level",
        "PRIORITY",
    }
    names |= {
        "computer_name",
        "hostname",
        "host",
        "_HOSTNAME",
        "jobName",
        "status",
        "debugInfo",
        "url",
        "@type",
        "kind",
        "fields",
        "cause",
        "file",
        "line",
    }
    names |= {
        "involvedObject",
        "reason",
        "type",
        "name",
        "task",
        "attemptResponseLog",
        "targetAddress",
        "method",
    }
    assert {name: key_class(name) for name in names} == dict.fromkeys(names)


def test_skim_makes_a_quiet_record_of_an_ordinary_line_and_leaves_the_rest() -> None:
    parser = EntryParser(Redactor(), StackParser())
    base = {
        "timestamp": "2026-11-21T06:00:00.5Z",
        "insertId": "a",
        "resource": _RESOURCES[0],
        "labels": {"instanceId": "i-1"},
        "logName": _LOGS[1],
    }
    quiet = parser.skim(1, {**base, "severity": "INFO", "textPayload": "served 12 requests"})
    assert quiet == Quiet(
        position=1,
        raw_insert_id="a",
        timestamp=datetime(2026, 11, 21, 6, 0, 0, 500000, tzinfo=timezone.utc),
        log_name=_LOGS[1],
        resource_type="cloud_run_revision",
        service="api",
        revision="api-00001-abc",
        instance="i-1",
        text=True,
        status=None,
    )
    for entry in (
        {**base, "severity": "INFO", "textPayload": "KeyError: 'x'"},  # may end a traceback
        {**base, "textPayload": "main.loadConfig(...)"},  # a frame of a Go panic
        {**base, "textPayload": "exit status 2"},  # a Go panic's last line
        {**base, "textPayload": "[WRN] disk almost full"},  # declares a level
        {**base, "severity": "WARNING", "textPayload": "served"},
        {**base, "timestamp": "yesterday", "textPayload": "served"},  # malformed: `parse` says why
        {**base, "resource": "x", "textPayload": "served"},
        {**base, "errorGroups": [{"id": "g"}], "textPayload": "served"},
        {**base, "jsonPayload": {"message": "ok", "level": 50}},
    ):
        assert parser.skim(2, entry) is None, entry


_FRAGMENTS = st.sampled_from(
    [
        "err",
        "ERR",
        "Warn",
        "wrn",
        "finished with status",
        "Memory limit of 2 GiB exceeded",
        "OOMKilled",
        "worker timeout",
        "WORKER TIMEOUT",
        "panic: ",
        "fatal error: ",
        "Out of memory: Kill",
        "Back-off restarting failed container",
        "STARTUP TCP probe failed",
        "terminated: Application failed to start",
        "E1234",
        "w0000",
        " 500",
        " 5٠٠ ",
        '"GET / HTTP/1.1" 502',
        "Completed 503 S",
        "thread 'x' panicked at ",
        "no app loaded. going in full dynamic mode",
        "Failed to find attribute 'a' in 'b'",
        "[UnhandledPromiseRejection: ",
        "TypeError [ERR_X]: ",
        "fail: A.B[0] ",
        "<3>",  # sd-daemon's level prefix, which counts only at the start and before a character
        "<4>x",
        "<6>",
        "[W 2",  # Tornado's level initial before its time (any case, as `MAY_RAISE` reads it), not before a word
        "[e 1",
        "[C x",
        "x.service: Main process exited, code=exited, status=1/",
        "x.service: Failed with result 'exit-code'",
        "Failed to start x.",
        "Kernel panic - not syncing",
        "BUG: unable to handle",
        "Oops: 0002 [#1]",
        "E١٢٣٤",
        "\u212a",  # Kelvin sign: `k` under Unicode case rules
        "\u017f",  # long s
        "\u0130",  # dotted capital I
        "served",
        " ",
        "\n",
    ]
)
_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=6)), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_the_quick_searches_answer_as_the_regular_expressions(text: str) -> None:
    assert may_raise(text) == (MAY_RAISE.search(text) is not None)
    assert platform_failure(text) == (_PLATFORM_FAILURE.search(text[:4096]) is not None)


# `reassemble._line_kind` classifies only the lines its pre-check (`may_be_kind`) lets through: every line a kind's
# pattern matches, with any whitespace around it, must get through.
_KIND_PATTERNS = [
    PY_WARNING,
    reassemble._FILE_LINE,
    reassemble._CAUSE_LINE,
    reassemble._AT_FRAME,
    reassemble._COROUTINE_MARKER,
    reassemble._DOC_LINK,
    reassemble._STATEMENT_LINE,
    reassemble._RUBY_FRAME,
    reassemble._NODE_LOCATION,
    reassemble._NODE_VERSION,
    reassemble._GO_LINE,
    reassemble._EXCEPTION_LINE,
    reassemble._ELIXIR_EXCEPTION,
    reassemble._ELIXIR_CONTEXT,
    reassemble._TAGS_ONLY,
    reassemble.RUST_PANIC,
    reassemble._RUST_NOTE,
    reassemble._KNV_ERROR,
    reassemble._V8_LINE,
    reassemble.FAULT_THREAD,
    # the reports of Swift, Dart, Haskell and PHP-FPM's slow log
    SWIFT_FATAL,
    SWIFT_CRASHED,
    SWIFT_FRAME,
    SWIFT_OLD_FRAME,
    DART_FRAME,
    DART_TERSE_FRAME,
    HASKELL_FRAME,
    reassemble._FPM_SLOW_LOG,
    reassemble._SWIFT_TOOK,
    reassemble._SHELF_ERROR,
    re.compile("|".join(f"^{re.escape(heading)}$" for heading in (DART_UNHANDLED, *HASKELL_CALL_STACK))),
    # Lua's traceback and Perl's `die` with Carp's calls
    re.compile(f"^{re.escape(LUA_TRACEBACK)}$"),
    LUA_COROUTINE,
    LUA_FRAME,
    PERL_DIE,
    PERL_FRAME,
]


def _alternatives(source: str) -> list[str]:
    """The alternatives of a pattern, down through groups that are a whole alternative (`^(?:A|B)`,
    `(?P<go_signal>…|…)`), so that each (`PC=0x…` among Go's lines) gets its own examples."""
    alternatives: list[str] = []
    for part in top_level_alternatives(source):
        group = re.fullmatch(r"(\^?)\((?:\?:|\?P<\w+>)(.*)\)", part, re.DOTALL)
        if group is None:
            alternatives.append(part)
        else:
            alternatives.extend(group[1] + alternative for alternative in _alternatives(group[2]))
    return alternatives


_KIND_LINES = st.sampled_from(
    [alternative for pattern in _KIND_PATTERNS for alternative in _alternatives(pattern.pattern)]
).flatmap(lambda alternative: st.from_regex(alternative, fullmatch=True))
_SPACE = st.text(st.sampled_from(" \t\u00a0\u2003\x1c\r"), max_size=3)
_LINES = st.one_of(
    st.tuples(_SPACE, _KIND_LINES, st.one_of(_SPACE, st.text(max_size=4))).map("".join),
    st.tuples(
        _SPACE,
        st.sampled_from([*_TEXTS, PY_HEADER, *PY_CHAIN_SEPARATORS, "^^^", "~~^", "}", "runtime stack:"]),
        _SPACE,
    ).map("".join),
    _TEXT,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINES)
def test_a_line_the_pre_check_turns_away_has_no_kind(text: str) -> None:
    line = text.rstrip("\n")
    stripped = line.strip()
    if not reassemble.may_be_kind(line, stripped):
        assert reassemble._classify(line, stripped) is None


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINES, st.sampled_from(["", "\n", "\n\n"]))
def test_the_pre_checks_pattern_holds_every_line_it_lets_through(text: str, ends: str) -> None:
    """`MAY_BE_KIND_PATTERN`, the pre-check as the Log Analytics query reads it, holds every line the pre-check lets
    through, with its line ends or without them: a kind reassembly adds reaches the query with the pre-check."""
    line = text.rstrip("\n")
    if reassemble.may_be_kind(line, line.strip()):
        assert re.search(reassemble.MAY_BE_KIND_PATTERN, line + ends) is not None


def test_a_repeated_quiet_message_is_read_once_and_each_entry_kept_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from loggardener.entries import parse as parse_module

    asked: list[str] = []

    def counting_may_raise(text: str) -> bool:
        asked.append(text)
        return parse_module_may_raise(text)

    parse_module_may_raise = parse_module.may_raise
    monkeypatch.setattr(parse_module, "may_raise", counting_may_raise)
    skimmer = EntryParser(Redactor(), StackParser())
    raw = {"timestamp": "2026-03-04T05:06:07Z", "severity": "INFO", "textPayload": "cache warmed in 12 ms"}
    quiet = [skimmer.skim(position, dict(raw, insertId=f"q{position}")) for position in (1, 2, 3)]
    assert asked == ["cache warmed in 12 ms"]
    assert all(isinstance(entry, Quiet) and entry.text for entry in quiet)
    loud = dict(raw, textPayload="cache warm failed: timeout")
    assert skimmer.skim(4, loud) is None and skimmer.skim(5, loud) is None


@pytest.mark.parametrize(
    ("labels", "app"),
    [
        ({"k8s-pod/app": "catalog"}, "catalog"),
        ({"k8s-pod/app_kubernetes_io/name": "catalog"}, "catalog"),
        ({}, ""),
    ],
)
def test_a_skimmed_container_line_keeps_the_app_its_pod_is_labelled_with_as_parse_does(
    labels: dict[str, str], app: str
) -> None:
    raw = {
        "timestamp": "2026-11-21T06:00:00.5Z",
        "insertId": "a",
        "severity": "INFO",
        "logName": "projects/p/logs/stdout",
        "resource": {"type": "k8s_container", "labels": {"namespace_name": "shop", "container_name": "server",
                                                         "pod_name": "catalog-backend-5f6a7b8c9-d1e2f"}},
        "labels": labels,
        "textPayload": "GET /api/items 200 8ms",
    }  # fmt: skip
    parser = EntryParser(Redactor(), StackParser())
    quiet = parser.skim(1, raw)
    assert quiet is not None
    assert quiet.pod_app == app == parser.parse(1, raw).pod_app


# A text payload's line as `payloads._text` may read it otherwise than as itself: a JSON record or fields at its end
# (`… {"level": "info", "msg": "x"}`, debug's `… {…} +3ms`), a CRI runtime's record before it
_TEXT_ENDS = st.sampled_from(["", "}", ' {"level": "info", "msg": "ok"}', ' {"error": "boom"} +12ms', " }  "])
_TEXT_PAYLOADS = st.one_of(
    st.tuples(
        _SPACE, st.one_of(_LINES, _TEXT), st.sampled_from(["", "\n", "\r\n", "\x1b[0m", "#"]), _TEXT_ENDS
    ).map("".join),
    st.tuples(st.sampled_from(["", "2026-11-21T06:00:00.5Z stderr F ", "# ", "\t"]), _LINES).map("".join),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT_PAYLOADS)
def test_a_text_turned_down_as_read_is_read_as_itself_and_never_quiet(text: str) -> None:
    """`skim` turns a text payload down from its raw characters (`_turned_down_as_read`) before reading its time and
    payload only where the payload's message is the text itself and `_quiet` turns that message down."""
    from loggardener.entries import parse as parse_module
    from loggardener.entries.payloads import read_payload, runtime_record

    # (after `skim`'s own check of a runtime's record, which it turns down too)
    if not runtime_record(text) and parse_module._turned_down_as_read(text):
        payload = read_payload({"textPayload": text})
        assert payload.message == text and payload.kind == "text"
        assert not EntryParser(Redactor(), StackParser())._quiet(text, True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT_PAYLOADS, st.sampled_from([None, "INFO", "DEFAULT", "WARNING"]))
def test_skim_decides_a_text_payload_as_it_does_without_its_raw_text_check(
    text: str, severity: str | None
) -> None:
    """The raw text's check changes no decision of `skim`, only when it is made."""
    from unittest import mock

    from loggardener.entries import parse as parse_module

    parser = EntryParser(Redactor(), StackParser())
    raw: dict[str, Any] = {
        "timestamp": "2026-11-21T06:00:00.5Z",
        "insertId": "a",
        "resource": _RESOURCES[0],
        "logName": _LOGS[1],
        "textPayload": text,
        **({"severity": severity} if severity else {}),
    }
    fast = parser.skim(1, raw)
    with mock.patch.object(parse_module, "_turned_down_as_read", lambda text: False):
        assert EntryParser(Redactor(), StackParser()).skim(1, raw) == fast
