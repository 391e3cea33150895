from __future__ import annotations

import math
import random
import re
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import ListSource, scan_entries
from entry_factories import run_entry, split_lines, split_traceback, stamp
from loggardener.config import GardenerConfig
from loggardener.entries.models import LogEntry, Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.reassemble import (
    _CREDENTIAL_LABEL,
    _CREDENTIAL_WORDS,
    Reassembler,
    _label_superset,
    _within,
    line_kind,
    may_name_credential,
    names_credential,
)
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser
from loggardener.pipeline import Scan, ScanOptions

FRAMES = [
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py",
        609,
        "spawn_worker",
        "worker.init_process()",
    ),
    ("/app/main.py", 14, "<module>", "from app.routes import checkout"),
    ("/app/routes/checkout.py", 9, "<module>", "import payments_sdk"),
]
ERROR = "ModuleNotFoundError: No module named 'payments_sdk'"


def events(raw: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    parser = EntryParser(Redactor(), StackParser())
    stacks = StackParser()
    entries: list[LogEntry] = [parser.parse(i, e) for i, e in enumerate(raw, start=1)]
    return list(Reassembler(2.0, stacks.parse, Redactor().redact).events(entries))


def test_split_traceback_becomes_one_event() -> None:
    raw = [
        run_entry(0, text="[INFO] Booting worker"),
        *split_traceback(1, FRAMES, ERROR),
        run_entry(2, text="[INFO] Worker exiting"),
    ]
    result = events(raw)
    assert len(result) == 3
    tb = result[1]
    assert len(tb.members) == 8
    assert tb.primary.stack is not None and tb.primary.stack.exception_type == "ModuleNotFoundError"
    assert tb.severity_inferred and tb.severity.name == "ERROR"


def test_reverse_order_export_is_reassembled_in_time_order() -> None:
    raw = [*split_traceback(1, FRAMES, ERROR), run_entry(5, text="later")]
    result = events(list(reversed(raw)))
    tb = next(e for e in result if len(e.members) > 1)
    assert tb.primary.message.splitlines()[0] == "Traceback (most recent call last):"
    assert tb.primary.message.splitlines()[-1] == ERROR


def test_interleaved_instances_are_kept_apart() -> None:
    one = split_traceback(1, FRAMES, ERROR, instance="a")
    two = split_traceback(1.0001, FRAMES, ERROR, instance="b")
    mixed = [entry for pair in zip(one, two, strict=True) for entry in pair]
    result = events(mixed)
    assert len(result) == 2
    assert {e.primary.instance for e in result} == {"a", "b"}
    assert all(len(e.members) == 8 for e in result)


def test_a_gap_splits_and_leftover_lines_stay_single() -> None:
    lines = split_traceback(1, FRAMES, ERROR)
    late = lines[-1] | {"timestamp": run_entry(30)["timestamp"]}
    result = events([*lines[:-1], late])
    # the frames before the gap are one trace cut off before its exception; the late exception line is alone
    assert [len(e.members) for e in result] == [7, 1]
    assert result[0].primary.stack is not None and result[0].primary.stack.cut_off


def test_chained_split_traceback() -> None:
    first = split_traceback(1, FRAMES[:2], "OSError: boom")
    separator = [
        run_entry(1.01, text=""),
        run_entry(1.011, text="During handling of the above exception, another exception occurred:"),
        run_entry(1.012, text=""),
    ]
    second = split_traceback(1.02, FRAMES, ERROR)
    result = events([*first, *separator, *second])
    assert len(result) == 1
    assert result[0].primary.stack is not None
    assert result[0].primary.stack.exception_type == "ModuleNotFoundError"


def test_default_lines_of_a_warning_event_are_clustered_others_skipped() -> None:
    raw = [*split_traceback(1, FRAMES, ERROR), run_entry(10, text="plain stderr line")]
    report = scan_entries(raw)
    assert report.totals.clustered == 8
    assert report.totals.skipped == {"below WARNING": 1}
    assert report.totals.read == report.totals.clustered + report.totals.skipped_total


def test_shuffled_input_gives_the_same_clusters() -> None:
    raw = [
        *split_traceback(1, FRAMES, ERROR, instance="a"),
        *split_traceback(40, FRAMES, ERROR, instance="b"),
        run_entry(50, text="Container called exit(3).", severity="WARNING"),
    ]
    expected = {(c.fingerprint, c.count) for c in scan_entries(raw).clusters}
    shuffled = raw[:]
    random.Random(7).shuffle(shuffled)
    by_time = sorted(shuffled, key=lambda e: str(e["timestamp"]), reverse=True)
    assert {(c.fingerprint, c.count) for c in scan_entries(by_time).clusters} == expected


def test_a_structured_entry_between_the_lines_does_not_cut_the_traceback() -> None:
    lines = split_traceback(1, FRAMES, ERROR)
    between = run_entry(1.001, json_payload={"message": "GET /healthz 200"}, severity="INFO")
    result = events([*lines[:3], between, *lines[3:]])
    assert sorted(len(e.members) for e in result) == [1, 8]


RUST_PANIC = [
    "thread 'tokio-runtime-worker' panicked at src/handlers/orders.rs:88:38:",
    "called `Option::unwrap()` on a `None` value",
    "stack backtrace:",
    "   0: rust_begin_unwind",
    "             at /rustc/07dca489ac2d933c78d3c5158e3f43beefeb02ce/library/std/src/panicking.rs:645:5",
    "   1: orders::handlers::orders::create",
    "             at ./src/handlers/orders.rs:88:38",
    "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.",
]
RUST_QUOTED_PANIC = [
    "thread 'main' panicked at 'attempt to subtract with overflow', src/invoice.rs:41:17",
    "stack backtrace:",
    "   0:     0x55d0c1a2b3c4 - std::panicking::begin_panic::h1a2b3c4d5e6f7a8b",
    "                               at src/libstd/panicking.rs:397",
    "   1:     0x55d0c1a2b3d8 - <std::sys_common::backtrace::_print::DisplayBacktrace as core::fmt::Display>::fmt::h0a",
    "                               at src/libstd/sys_common/backtrace.rs:61",
    "   2:     0x55d0c1a2b4e0 - billing::invoice::total::h0f1e2d3c4b5a6978",
    "                               at src/invoice.rs:41",
    "   3:     0x55d0c1a2b5f1 - billing::main::h8888a4b960d98f89",
    "                               at src/main.rs:12",
    "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.",
]
GO_PANIC = [
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6a1b2c]",
    "",
    "goroutine 42 [running]:",
    "github.com/acme/orders/internal/cart.(*Service).Total(0x0, {0xc000123456, 0x24})",
    "\t/src/internal/cart/service.go:57 +0x2c",
    "github.com/acme/orders/internal/http.(*Handler).GetCart(0xc0000a8000, {0x7f8c40, 0xc0001c2000}, 0xc000210100)",
    "\t/src/internal/http/cart.go:33 +0x11a",
    "net/http.HandlerFunc.ServeHTTP(0x0?, {0x7f8c40?, 0xc0001c2000?}, 0x0?)",
    "\t/usr/local/go/src/net/http/server.go:2136 +0x29",
    "created by net/http.(*Server).Serve in goroutine 1",
    "\t/usr/local/go/src/net/http/server.go:3086 +0x4cc",
    "exit status 2",
]
GO_FATAL = [
    "fatal error: concurrent map writes",
    "",
    "goroutine 18 [running]:",
    "runtime.throw({0x10a7d4d?, 0x0?})",
    "\t/usr/local/go/src/runtime/panic.go:992 +0x71 fp=0xc000049f48 sp=0xc000049f18 pc=0x1031d91",
    "runtime.mapassign_faststr(0x0?, 0x0?, {0x10a5b6e, 0x3})",
    "\t/usr/local/go/src/runtime/map_faststr.go:212 +0x39e fp=0xc000049fb0 sp=0xc000049f48 pc=0x1010abe",
    "main.worker(...)",
    "\t/app/worker.go:12",
    "created by main.main in goroutine 1",
    "\t/app/main.go:20 +0x3b",
    "",
    "goroutine 1 [sleep]:",
    "time.Sleep(0x3b9aca00)",
    "\t/usr/local/go/src/runtime/time.go:195 +0x135",
    "main.main()",
    "\t/app/main.go:22 +0x65",
]


@pytest.mark.parametrize("gke", [True, False], ids=["gke-stderr-error", "cloud-run-no-severity"])
@pytest.mark.parametrize(
    ("lines", "title", "place"),
    [
        (
            GO_PANIC,
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "github.com/acme/orders/internal/cart.(*Service).Total /src/internal/cart/service.go:57",
        ),
        (GO_FATAL, "fatal error: concurrent map writes", "main.worker /app/worker.go:12"),
        (
            [
                "runtime: goroutine stack exceeds 1000000000-byte limit",
                "runtime: sp=0xc0200e1390 stack=[0xc0200e0000, 0xc0400e0000]",
                "fatal error: stack overflow",
                "",
                "runtime stack:",
                "runtime.throw({0x4a1b2c?, 0x0?})",
                "\t/usr/local/go/src/runtime/panic.go:1023 +0x5c fp=0x7ffd5c sp=0x7ffd30 pc=0x43a1bc",
                "",
                "goroutine 1 gp=0xc000002380 m=0 mp=0x55a000 [running]:",
                "main.recurse(0x1?)",
                "\t/app/main.go:6 +0x45 fp=0xc0200e13a0 sp=0xc0200e1398 pc=0x4a1b45",
                "...additional frames elided...",
                "created by main.main in goroutine 1",
                "\t/app/main.go:12 +0x25",
            ],
            "fatal error: stack overflow",
            "main.recurse /app/main.go:6",
        ),
        (
            [
                "2025/06/10 12:00:00 http: panic serving 10.0.0.7:51234: assignment to entry in nil map",
                "goroutine 7 [running]:",
                "net/http.(*conn).serve.func1()",
                "\t/usr/local/go/src/net/http/server.go:1898 +0xbe",
                "panic({0x6c8e40?, 0xc0000162e8?})",
                "\t/usr/local/go/src/runtime/panic.go:770 +0x132",
                "main.handler({0x7f0c18, 0xc0001b6000}, 0xc0001a4000)",
                "\t/app/main.go:14 +0x3c",
            ],
            "panic: assignment to entry in nil map",
            "main.handler /app/main.go:14",
        ),
        (  # arguments printed as `_` (unused), and structs nested in braces with `...` among them
            [
                "2025/06/10 12:00:00 http: panic serving 10.0.0.7:51234: runtime error: slice bounds out of range",
                "goroutine 41 [running]:",
                "net/http.(*conn).serve.func1()",
                "\t/usr/local/go/src/net/http/server.go:1898 +0xbe",
                "panic({0x6c8e40?, 0xc0000162e8?})",
                "\t/usr/local/go/src/runtime/panic.go:770 +0x132",
                "github.com/acme/quota/internal/admit.(*Validator).Handle(_, {_, _}, {{{0xc000696d20, 0x24}, "
                "{{0xc000ea7b40, 0xe}, {0xc000ea7b18, 0x7}, ...}}, ...})",
                "\t/src/internal/admit/validator.go:88 +0xa44",
                "net/http.(*conn).serve(0xc0011de1b0, {0x3969550, 0xc0003ed900})",
                "\t/usr/local/go/src/net/http/server.go:2009 +0x1a59",
                "created by net/http.(*Server).Serve in goroutine 543",
                "\t/usr/local/go/src/net/http/server.go:3086 +0xa65",
            ],
            "panic: runtime error: slice bounds out of range",
            "github.com/acme/quota/internal/admit.(*Validator).Handle /src/internal/admit/validator.go:88",
        ),
    ],
    ids=[
        "panic",
        "fatal-error-goroutine-dump",
        "stack-overflow",
        "http-panic-serving",
        "blank-and-nested-arguments",
    ],
)
def test_a_go_crash_split_per_line_is_one_problem(
    lines: list[str], title: str, place: str, gke: bool
) -> None:
    """GKE stamps every stderr line ERROR, Cloud Run writes them without severity: either way the crash is
    one event at ERROR, titled with its message and placed at its innermost in-app frame."""
    raw = [
        *split_lines(0, ["served 12 requests"], gke=gke, severity="INFO"),
        *split_lines(1, lines, gke=gke),
        *split_lines(3, ["starting orders on :8080"], gke=gke, severity="INFO"),
    ]
    report = scan_entries(raw)
    assert [(c.count, c.max_severity) for c in report.clusters] == [(len(lines), "ERROR")]
    cluster = report.clusters[0]
    function, location = place.split()
    assert cluster.title.startswith(f"{title} in ")  # the message whole, then the place by its last names
    assert cluster.title.endswith(function.rsplit(".", 1)[-1])
    top = cluster.affected_files[0]
    assert (top.function, top.location) == (function, location)
    assert report.totals.reassembled_tracebacks == 1


def test_a_go_panic_printed_newest_first_is_reassembled() -> None:
    result = events(list(reversed(split_lines(1, GO_PANIC, gke=True))))
    assert len(result) == 1
    assert result[0].primary.message.splitlines()[0] == GO_PANIC[0]
    assert result[0].primary.message.splitlines()[-1] == "exit status 2"


KOTLIN_COROUTINE_CRASH = [
    'Exception in thread "main" java.lang.IllegalStateException: ledger closed',
    "\tat com.acme.ledger.Ledger.append(Ledger.kt:58)",
    "\t(Coroutine boundary)",
    "\tat com.acme.ledger.MainKt.main(Main.kt:9)",
]


@pytest.mark.parametrize(
    "lines",
    [RUST_QUOTED_PANIC, KOTLIN_COROUTINE_CRASH],
    ids=["rust-quoted-panic", "kotlin-coroutine-boundary"],
)
def test_a_quoted_rust_panic_or_a_coroutine_stack_printed_newest_first_is_reassembled(
    lines: list[str],
) -> None:
    result = events(list(reversed(split_lines(1, lines, gke=True))))
    assert [len(event.members) for event in result] == [len(lines)]
    assert result[0].primary.message.splitlines() == lines


DART_UNHANDLED_ERROR = [
    "Unhandled exception:",
    "Bad state: No element",
    "#0      ListBase.first (dart:collection/list.dart:56:5)",
    "#1      Orders.latest (package:shop/orders.dart:22:30)",
    "<asynchronous suspension>",
    "#2      main (file:///srv/bin/server.dart:14:5)",
]
HASKELL_ERROR = [
    "Prelude.!!: index too large",
    "CallStack (from HasCallStack):",
    "  error, called at libraries/base/GHC/List.hs:1368:14 in base:GHC.List",
    "  !!, called at src/Report.hs:61:22 in reports-0.1.0-AbC12:Report",
]
SWIFT_TRAP = [
    "Sources/App/Queue.swift:40: Fatal error: Division by zero",
    "💣 Program crashed: System trap at 0x0000560a1b2c3d4e",
    "Thread 1 crashed:",
    "0      0x0000560a1b2c3d4e Queue.rate() + 120 in App at /srv/Sources/App/Queue.swift:40:19",
    "Backtrace took 0.05s",
]


@pytest.mark.parametrize(
    ("lines", "first"),
    [
        (DART_UNHANDLED_ERROR, "Unhandled exception:"),
        (HASKELL_ERROR, "Prelude.!!: index too large"),
        (SWIFT_TRAP, "Sources/App/Queue.swift:40: Fatal error: Division by zero"),
    ],
    ids=["dart", "haskell", "swift"],
)
def test_a_dart_haskell_or_swift_report_printed_newest_first_is_one_event(
    lines: list[str], first: str
) -> None:
    result = events(list(reversed(split_lines(1, lines))))
    assert [len(event.members) for event in result] == [len(lines)]
    assert result[0].primary.message.splitlines()[0] == first
    assert result[0].primary.stack is not None


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_haskell_error_in_the_programs_own_words_is_one_event_titled_by_them(newest_first: bool) -> None:
    lines = [
        "invalid refund state: Settled",
        "HasCallStack backtrace:",
        "  error, called at src/Refunds/Apply.hs:52:9 in refunds-0.2.0-Q1w2:Refunds.Apply",
        "  applyRefund, called at src/Api.hs:77:21 in refunds-0.2.0-Q1w2:Api",
    ]
    raw = split_lines(
        1, lines, gke=True
    )  # (at ERROR: on Cloud Run, a plain first line is skimmed before its stack)
    result = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [(c.count, c.title) for c in result.clusters] == [
        (4, "ErrorCall: invalid refund state: Settled in applyRefund")
    ]


def test_a_dart_report_whose_text_goes_on_over_plain_lines_is_whole_newest_first() -> None:
    report = [
        "Unhandled exception:",
        "FormatException: Unexpected end of input (at character 12)",
        '{"rates": [1',
        "           ^",
        "",
        "#0      _ChunkedJsonParser.fail (dart:convert-patch/convert_patch.dart:1463:5)",
        "#1      RateFeed.read (package:fx/rate_feed.dart:30:11)",
    ]
    raw = [
        *split_lines(0, ["fetching rates"], severity="INFO"),
        *split_lines(1, report),
        *split_lines(3, ["rates job started"], severity="INFO"),
    ]
    result = scan_entries(list(reversed(raw)))
    assert [(c.count, c.title) for c in result.clusters] == [
        (len(report), "FormatException: Unexpected end of input (at character 12) in RateFeed.read")
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ["Error: ", "retrying in 5 s"],  # a bare `Error:` without numbered causes
        ["Location:", "   us-east1"],  # a field's heading, no error chain
        ["...", "Backtrace took 0.2s"],  # a Swift report's tail without its trap
        ["#0 /var/www/html/index.php(12): main()", "#1 {main}"],  # PHP's frames, not Dart's
        ["CallStack (from HasCallStack):", "loaded 3 reports"],  # the heading without its calls
        ["[pool www] pid 41", "script_filename = /var/www/html/index.php"],  # a slow log without its warning
        ["ERROR - 2026-12-02 09:14:03.512201", "GET /health"],  # shelf's heading without an error's frames
        ["package:shop/orders.dart 22:30  Orders.latest", "done"],  # a terse frame alone
    ],
    ids=[
        "bare-error",
        "location",
        "swift-tail",
        "php-frames",
        "call-stack-heading",
        "slow-log-alone",
        "shelf-heading",
        "terse-frame",
    ],
)
def test_pieces_of_the_new_reports_alone_stay_their_own_lines(lines: list[str]) -> None:
    result = events(split_lines(1, lines, step=0.001, gke=True))
    assert [[member.message for member in event.members] for event in result] == [[line] for line in lines]


def test_a_php_fpm_slow_log_joins_the_warning_it_follows_in_either_order() -> None:
    slow = [
        "[02-Dec-2026 14:13:20] WARNING: [pool www] child 41, script '/var/www/html/index.php' (request: "
        '"POST /index.php") executing too slow (5.310 sec), logging',
        "[02-Dec-2026 14:13:20]  [pool www] pid 41",
        "script_filename = /var/www/html/index.php",
        "[0x00007f3b2c0104a0] curl_exec() /var/www/html/vendor/guzzle/src/Handler/CurlHandler.php:44",
        "[0x00007f3b2c010310] charge() /var/www/html/src/Payments/Psp.php:77",
    ]
    with_blank = [slow[0], "", *slow[1:]]  # (the slow log opens with a blank line)
    for lines, gke in ((slow, False), (with_blank, False), (with_blank, True)):
        for raw in (split_lines(1, lines, gke=gke), list(reversed(split_lines(1, lines, gke=gke)))):
            result = events(raw)
            assert [len(event.members) for event in result] == [len(lines)]
            assert "executing too slow" in result[0].primary.message.splitlines()[0]


def test_a_quoted_rust_panic_alone_stays_its_line_and_a_line_after_it_stays_apart() -> None:
    panic = "thread 'main' panicked at 'attempt to subtract with overflow', src/invoice.rs:41:17"
    result = events(split_lines(1, [panic, "worker 3 restarted after a failure"], step=0.001, gke=True))
    assert [event.primary.message for event in result] == [panic, "worker 3 restarted after a failure"]
    stack = result[0].primary.stack
    assert stack is not None
    assert (stack.message, stack.frames[-1].file, stack.frames[-1].line) == (
        "attempt to subtract with overflow",
        "src/invoice.rs",
        41,
    )


def test_an_indented_parenthesised_line_after_a_java_stack_is_no_coroutine_marker() -> None:
    lines = [
        "java.lang.IllegalStateException: ledger closed",
        "\tat com.acme.ledger.Ledger.append(Ledger.kt:58)",
        "\t(retrying in 5 s)",
    ]
    result = events(split_lines(1, lines, gke=True))
    assert [len(event.members) for event in result] == [2, 1]


SETTINGS_TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/app/billing/main.py", line 4, in <module>',
    "    settings = Settings()",
    '  File "/usr/lib/python3.12/site-packages/pydantic_settings/main.py", line 84, in __init__',
    "    super().__init__(",
    "pydantic_core._pydantic_core.ValidationError: 2 validation errors for Settings",
    "redis_url",
    "  Field required [type=missing, input_value={}, input_type=dict]",
    "    For further information visit https://errors.pydantic.dev/2.7/v/missing",
    "port",
    "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='x']",
]
CHAINED_DATABASE_TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1960, in _exec_single_context',
    "    self.dialect.do_execute(",
    'psycopg2.errors.UndefinedTable: relation "invoices" does not exist',
    "LINE 1: SELECT id FROM invoices",
    "                       ^",
    "",
    "",
    "The above exception was the direct cause of the following exception:",
    "",
    "Traceback (most recent call last):",
    '  File "/app/billing/jobs.py", line 31, in close_month',
    "    rows = session.execute(query).all()",
    'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation "invoices" does not exist',
    "LINE 1: SELECT id FROM invoices",
    "                       ^",
    "",
    "[SQL: SELECT id FROM invoices]",
    "(Background on this error at: https://sqlalche.me/e/20/f405)",
]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
@pytest.mark.parametrize("gke", [True, False], ids=["gke-stderr-error", "cloud-run-no-severity"])
@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            SETTINGS_TRACEBACK,
            "pydantic_core._pydantic_core.ValidationError: 2 validation errors for Settings",
        ),
        (
            CHAINED_DATABASE_TRACEBACK,
            "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation",
        ),
    ],
    ids=["validation-errors", "chained-database-error"],
)
def test_a_python_exception_whose_message_goes_on_over_lines_is_one_event(
    lines: list[str], title: str, gke: bool, newest_first: bool
) -> None:
    raw = split_lines(1, lines, gke=gke)
    report = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [cluster.count for cluster in report.clusters] == [len(lines)]
    assert report.clusters[0].title.startswith(title)


def test_lines_after_a_python_exception_with_a_pause_or_a_header_of_their_own_stay_apart() -> None:
    traceback = SETTINGS_TRACEBACK[:6]
    paused = [*split_lines(1, traceback, gke=True), *split_lines(1.05, ["redis_url"], gke=True)]
    assert [len(event.members) for event in events(paused)] == [len(traceback), 1]
    headed = split_lines(
        1, [*traceback, "[2026-12-01 10:00:01 +0000] [7] [INFO] Worker exiting (pid: 7)"], gke=True
    )
    assert [len(event.members) for event in events(headed)] == [len(traceback), 1]
    link = "(Background on this error at: https://sqlalche.me/e/20/f405)"
    assert [event.primary.message for event in events(split_lines(1, [link], gke=True))] == [link]


DOTNET_CRASH = [
    'Unhandled exception. Npgsql.PostgresException (0x80004005): 42P01: relation "ledger_entries" does not exist',
    "",
    "POSITION: 15",
    "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode mode)",
    "   at Acme.Ledger.Importer.RunAsync(CancellationToken token) in /src/Ledger/Importer.cs:line 40",
    "   at Program.<Main>(String[] args)",
    "  Exception data:",
    "    Severity: ERROR",
    "    SqlState: 42P01",
]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
def test_a_dotnet_crash_whose_message_goes_on_over_lines_is_one_event(newest_first: bool) -> None:
    lines = split_lines(1, DOTNET_CRASH, gke=True)
    result = events(list(reversed(lines)) if newest_first else lines)
    assert [len(e.members) for e in result] == [len(DOTNET_CRASH)]
    stack = result[0].primary.stack
    assert stack is not None and stack.exception_type == "Npgsql.PostgresException"
    assert (
        stack.innermost_in_app is not None
        and stack.innermost_in_app.function == "Acme.Ledger.Importer.RunAsync"
    )


SQL_EXCEPTION = [
    "Microsoft.Data.SqlClient.SqlException (0x80131904): Execution Timeout Expired.  The timeout period elapsed "
    "prior to completion of the operation or the server is not responding.",
    " ---> System.ComponentModel.Win32Exception (258): The wait operation timed out.",
    "   at Microsoft.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean breakConnection)",
    "   at Acme.Catalog.ProductRepository.GetAsync(Int32 id) in /src/Catalog/ProductRepository.cs:line 52",
    "ClientConnectionId:5e1c2d3a-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
    "Error Number:-2,State:0,Class:11",
]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
def test_a_sql_exceptions_connection_id_and_error_number_after_its_frames_are_its_lines(
    newest_first: bool,
) -> None:
    """A SqlException's `ToString()` ends with its connection's id and its error's number, state and class, after
    the frames: lines of that event, not a problem of their own (`Error Number:` reads as a level word alone)."""
    lines = split_lines(1, SQL_EXCEPTION, gke=True)
    result = events(list(reversed(lines)) if newest_first else lines)
    assert [len(e.members) for e in result] == [len(SQL_EXCEPTION)]


def test_a_sql_error_number_line_without_a_stack_before_it_stays_alone() -> None:
    lines = split_lines(1, ["Query finished", "Error Number:-2,State:0,Class:11"], gke=True)
    assert [len(e.members) for e in events(lines)] == [1, 1]


def test_lines_between_an_exception_and_frames_that_are_not_dotnet_stay_apart() -> None:
    """Only a .NET exception's message goes on over lines before its frames (indented three spaces): a plain
    line after another exception, a line before a .NET exception that has its own line, and lines after an
    exception whose frames never come stay lines of their own."""
    java = [
        "java.lang.IllegalStateException: ledger closed",
        "retrying in 5 s",
        "\tat com.acme.ledger.Book.post(Book.java:88)",
    ]
    assert [len(e.members) for e in events(split_lines(1, java, gke=True))] == [1, 1, 1]
    before = [
        "Retrying: attempt 3",
        "System.TimeoutException: The operation has timed out.",
        "   at Acme.Poller.Run() in /src/Poller.cs:line 10",
    ]
    assert [len(e.members) for e in events(split_lines(1, before, gke=True))] == [1, 2]
    frameless = [
        "System.TimeoutException: The operation has timed out.",
        "retrying in 5 s",
        "GET /health 200",
    ]
    assert [len(e.members) for e in events(split_lines(1, frameless, gke=True))] == [1, 1, 1]
    python = [
        "Traceback (most recent call last):",
        '  File "/app/jobs.py", line 3, in run',
        "    sync()",
        "app.errors.SyncException: remote closed",
        "sync finished with errors",
    ]
    assert [len(e.members) for e in events(split_lines(1, python, gke=True))] == [4, 1]


FAULTHANDLER = [
    "Fatal Python error: Segmentation fault",
    "",
    "Current thread 0x00007f2c4a1b2740 (most recent call first):",
    '  File "/srv/venv/lib/python3.11/site-packages/lxml/html/__init__.py", line 88 in fromstring',
    '  File "/srv/app/render.py", line 31 in to_pdf',
    '  File "/srv/app/main.py", line 12 in <module>',
    "",
    "Extension modules: lxml.etree, lxml._elementpath (total: 2)",
]
V8_OUT_OF_MEMORY = [
    "<--- Last few GCs --->",
    "[7:0x5e1c2a0]    41207 ms: Mark-Compact 2034.1 (2081.6) -> 2031.9 (2082.6) MB, 1402.66 / 0.00 ms  (average mu = "
    "0.120, current mu = 0.031) allocation failure; scavenge might not succeed",
    "[7:0x5e1c2a0]    42790 ms: Scavenge 2047.9 (2082.6) -> 2047.1 (2094.6) MB, 9.41 / 0.00 ms  (average mu = 0.120, "
    "current mu = 0.031) allocation failure;",
    "<--- JS stacktrace --->",
    "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory",
    "----- Native stack trace -----",
    " 1: 0xb82d8c node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]",
    " 2: 0xf07b10 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]",
    "10: 0x1922ef6  [node]",
]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
@pytest.mark.parametrize("gke", [True, False], ids=["gke-stderr-error", "cloud-run-no-severity"])
def test_a_faulthandler_dump_split_per_line_is_one_crash(gke: bool, newest_first: bool) -> None:
    lines = split_lines(1, FAULTHANDLER, gke=gke)
    raw = [
        *split_lines(0, ["rendering 3 invoices"], gke=gke, severity="INFO"),
        *(reversed(lines) if newest_first else lines),
    ]
    report = scan_entries(raw)
    assert [(c.count, c.max_severity) for c in report.clusters] == [(len(FAULTHANDLER), "ERROR")]
    cluster = report.clusters[0]
    assert cluster.title.startswith("Fatal Python error: Segmentation fault")
    assert (cluster.affected_files[0].function, cluster.affected_files[0].location) == (
        "to_pdf",
        "/srv/app/render.py:31",
    )


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
@pytest.mark.parametrize("gke", [True, False], ids=["gke-stderr-error", "cloud-run-no-severity"])
def test_a_v8_heap_exhaustion_report_split_per_line_is_one_crash(gke: bool, newest_first: bool) -> None:
    """The report's lines before and after its `FATAL ERROR:` line (the collections, the native frames) are its
    own: no line of it is dropped, and it is titled by what failed."""
    lines = split_lines(1, V8_OUT_OF_MEMORY, gke=gke)
    raw = [
        *split_lines(0, ["GET /export 200"], gke=gke, severity="INFO"),
        *(reversed(lines) if newest_first else lines),
    ]
    report = scan_entries(raw)
    assert [c.count for c in report.clusters] == [len(V8_OUT_OF_MEMORY)]
    assert "JavaScript heap out of memory" in report.clusters[0].title


def test_v8_collection_lines_without_their_fatal_error_stay_lines() -> None:
    """A report cut before its `FATAL ERROR:` line is not made into a crash."""
    result = events(split_lines(1, V8_OUT_OF_MEMORY[:4], gke=True))
    assert all(len(e.members) == 1 for e in result)


def test_go_panics_of_two_pods_interleaved_are_kept_apart() -> None:
    one = split_lines(1, GO_PANIC, gke=True, pod="orders-5f-aaaaa")
    two = split_lines(1.00001, GO_FATAL[: len(GO_PANIC)], gke=True, pod="orders-5f-bbbbb")
    mixed = [entry for pair in zip(one, two, strict=True) for entry in pair]
    result = events(mixed)
    assert sorted((e.primary.instance or "", len(e.members)) for e in result) == [
        ("orders-5f-aaaaa", len(GO_PANIC)),
        ("orders-5f-bbbbb", len(GO_PANIC)),
    ]
    assert {e.primary.stack.exception_type for e in result if e.primary.stack} == {"panic", "fatal error"}


def test_a_go_panic_ends_at_a_gap_and_at_a_plain_line() -> None:
    lines = split_lines(1, GO_PANIC[:8], gke=True)
    late = split_lines(30, GO_PANIC[8:], gke=True)  # the rest, 30 s on: another crash's lines
    result = events([*lines, *late])
    assert [len(e.members) for e in result] == [8, *[1] * len(late)]
    plain = split_lines(1.0002, ["listening on :8080"], gke=True)
    result = events([*lines[:6], *plain, *split_lines(1.0003, GO_PANIC[6:], gke=True)])
    assert [len(e.members) for e in result][:2] == [6, 1]


def test_go_lines_without_their_header_stay_single() -> None:
    """A filtered export that lost the `panic:` line: its frames are not made into an event."""
    result = events(split_lines(1, GO_PANIC[1:], gke=True))
    assert all(len(e.members) == 1 for e in result)


@pytest.mark.parametrize("gke", [True, False], ids=["gke-stderr-error", "cloud-run-no-severity"])
@pytest.mark.parametrize(
    ("lines", "title", "place"),
    [
        (
            [
                "NoMethodError: undefined method `name' for nil:NilClass",
                "/app/lib/mailer.rb:14:in `deliver'",
                "/usr/local/bundle/gems/sidekiq-7.1.2/lib/sidekiq/processor.rb:202:in `execute_job'",
                "\tfrom /app/bin/worker.rb:3:in `<main>'",
            ],
            "NoMethodError: undefined method `name' for nil:NilClass",
            "deliver /app/lib/mailer.rb:14",
        ),
        (
            [
                "/app/lib/mailer.rb:14:in 'Mailer#deliver': undefined method 'name' for nil (NoMethodError)",
                "\tfrom /app/lib/jobs.rb:22:in 'Jobs#perform'",
                "\tfrom /app/bin/worker.rb:3:in '<main>'",
            ],
            "NoMethodError: undefined method 'name' for nil",
            "Mailer#deliver /app/lib/mailer.rb:14",
        ),
        (
            [
                "ActiveRecord::RecordNotFound (Couldn't find User with 'id'=42):",
                "  ",
                "app/controllers/users_controller.rb:9:in `show'",
            ],
            "ActiveRecord::RecordNotFound: Couldn't find User with 'id'=42",
            "show app/controllers/users_controller.rb:9",
        ),
        (
            [
                "/app/server.js:42",
                "    const id = req.user.id;",
                "                        ^",
                "",
                "TypeError: Cannot read properties of undefined (reading 'id')",
                "    at handler (/app/server.js:42:25)",
                "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)",
                "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {",
                "  code: 'ERR_INVALID_ARG_TYPE'",
                "}",
                "",
                "Node.js v20.11.1",
            ],
            "TypeError: Cannot read properties of undefined (reading 'id')",
            "handler /app/server.js:42",
        ),
        (
            [
                "node:internal/process/promises:289",
                "            triggerUncaughtException(err, true /* fromPromise */);",
                "            ^",
                "",
                "[UnhandledPromiseRejection: This error originated either by throwing inside of an async function "
                "without a catch block, or by rejecting a promise which was not handled with .catch(). The promise "
                'rejected with the reason "ECONNRESET".] {',
                "  code: 'ERR_UNHANDLED_REJECTION'",
                "}",
                "",
                "Node.js v18.17.0",
            ],
            "UnhandledPromiseRejection: ECONNRESET",
            "",
        ),
        (
            [
                "Unhandled exception. System.AggregateException: One or more errors occurred. (boom)",
                " ---> System.InvalidOperationException: boom",
                "   at Acme.Orders.Cart.Total() in /src/Orders/Cart.cs:line 42",
                "   --- End of inner exception stack trace ---",
                "   at System.Threading.Tasks.Task.Wait()",
                "   at Program.Main(String[] args) in /src/Orders/Program.cs:line 9",
            ],
            "System.InvalidOperationException: boom",
            "Acme.Orders.Cart.Total /src/Orders/Cart.cs:42",
        ),
        (
            [
                'Exception in thread "main" java.lang.IllegalStateException: Ledger closed',
                "\tat com.acme.ledger.Book.post(Book.java:88)",
                "Caused by: java.io.IOException: disk full",
                "\tat com.acme.Disk.write(Disk.java:1)",
                "\t... 12 more",
            ],
            "java.lang.IllegalStateException: Ledger closed",
            "com.acme.ledger.Book.post Book.java:88",
        ),
        (  # a script's frame has no `.rb`
            [
                "/app/lib/importer.rb:31:in 'Importer#parse_row': undefined method 'strip' for nil (NoMethodError)",
                "\tfrom /app/lib/importer.rb:11:in 'Importer#run'",
                "\tfrom bin/import:5:in '<main>'",
            ],
            "NoMethodError: undefined method 'strip' for nil",
            "Importer#parse_row /app/lib/importer.rb:31",
        ),
        (  # Rails writes each line of its report after the request's tags, the blank ones too
            [
                "[6f1c2a9e-4b1d-4e8f-9c1e-2f7a8b9c0d1e] ActiveRecord::RecordNotFound (Couldn't find User with 'id'=42):",
                "[6f1c2a9e-4b1d-4e8f-9c1e-2f7a8b9c0d1e]   ",
                "[6f1c2a9e-4b1d-4e8f-9c1e-2f7a8b9c0d1e] app/controllers/users_controller.rb:9:in `show'",
            ],
            "ActiveRecord::RecordNotFound: Couldn't find User with 'id'=42",
            "show app/controllers/users_controller.rb:9",
        ),
        (  # a suppressed exception, its frames and `... N more` are indented a tab more
            [
                'Exception in thread "DefaultDispatcher-worker-2" java.lang.IllegalArgumentException: bad qty',
                "\tat com.acme.cart.CartService$add$2.invokeSuspend(CartService.kt:41)",
                "\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:108)",
                "\tSuppressed: java.sql.SQLException: connection reset",
                "\t\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:354)",
                "\t\t... 7 more",
                "\t\tCaused by: java.net.SocketException: Broken pipe",
                "\t\t\t... 9 more",
            ],
            "java.lang.IllegalArgumentException: bad qty",
            "com.acme.cart.CartService$add$2.invokeSuspend CartService.kt:41",
        ),
        (
            [
                "10:00:02.311 [error] GenServer #PID<0.2311.0> terminating",
                "** (RuntimeError) inventory sync failed for sku-19",
                "    (shop 0.4.0) lib/shop/inventory/worker.ex:48: Shop.Inventory.Worker.handle_info/2",
                "    (stdlib 5.2) gen_server.erl:1095: :gen_server.try_handle_info/3",
                "    (stdlib 5.2) proc_lib.erl:241: :proc_lib.init_p_do_apply/3",
                "Last message: :sync",
                'State: %{sku: "sku-19", attempts: 3, history: [:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k,',
                "   :l]}",
            ],
            "RuntimeError: inventory sync failed for sku-19",
            "Shop.Inventory.Worker.handle_info/2 lib/shop/inventory/worker.ex:48",
        ),
        (
            [
                "10:00:03.001 [error] Task #PID<0.905.0> started from Billing.Supervisor terminating",
                "** (exit) an exception was raised:",
                "    ** (KeyError) key :currency not found in: %{amount: 10}",
                "        (billing 0.9.1) lib/billing/invoice.ex:22: Billing.Invoice.total/1",
                "        (elixir 1.16.2) lib/task/supervised.ex:101: Task.Supervised.invoke_mfa/2",
                "Function: #Function<0.1218/0 in Billing.Worker.start/1>",
                "    Args: []",
            ],
            "KeyError: key :currency not found in: %{amount: 10}",
            "Billing.Invoice.total/1 lib/billing/invoice.ex:22",
        ),
        (  # an error's cause, with its own stack and properties, among the error's properties
            [
                "/app/src/server.js:27",
                "      throw new Error('checkout failed', { cause: err });",
                "      ^",
                "",
                "Error: checkout failed",
                "    at Object.checkout (/app/src/server.js:27:13)",
                "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {",
                "  [cause]: Error: connect ECONNREFUSED 10.0.0.7:5432",
                "      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {",
                "    errno: -111,",
                "    code: 'ECONNREFUSED'",
                "  }",
                "}",
                "",
                "Node.js v20.11.1",
            ],
            "Error: checkout failed",
            "Object.checkout /app/src/server.js:27",
        ),
        (
            [
                "AggregateError: All promises were rejected",
                "    at async Promise.any (index 0)",
                "    at async fetchFirst (/app/lib/mirror.js:14:10) {",
                "  [errors]: [",
                "    Error: mirror a down",
                "        at /app/lib/mirror.js:6:31",
                "  ]",
                "}",
            ],
            "AggregateError: All promises were rejected",
            "fetchFirst /app/lib/mirror.js:14",
        ),
        (  # an error's code after its name, its properties after the stack
            [
                "TypeError [ERR_INVALID_URL]: Invalid URL",
                "    at new URL (node:internal/url:676:13)",
                "    at buildLink (/srv/app/links.js:12:15) {",
                "  input: 'http://:3000/x',",
                "  code: 'ERR_INVALID_URL'",
                "}",
            ],
            "TypeError: Invalid URL",
            "buildLink /srv/app/links.js:12",
        ),
        (  # a cause whose name carries its code, and the array of an AggregateError's errors inspected on one line
            [
                "TypeError: fetch failed",
                "    at Object.fetch (node:internal/deps/undici/undici:11730:11)",
                "    at async loadPrices (/srv/app/prices.js:8:17) {",
                "  [cause]: AggregateError [ETIMEDOUT]:",
                "      at internalConnectMultiple (node:net:1117:18)",
                "      at afterConnectMultiple (node:net:1684:7) {",
                "    code: 'ETIMEDOUT',",
                "    [errors]: [ [Error], [Error] ]",
                "  }",
                "}",
            ],
            "TypeError: fetch failed",
            "loadPrices /srv/app/prices.js:8",
        ),
        (  # .NET: an exception's HRESULT, its message over several lines, and the data the runtime prints
            [
                "Unhandled exception. Npgsql.PostgresException (0x80004005): 23505: duplicate key value violates "
                'unique constraint "ix_users_handle"',
                "",
                "DETAIL: Detail redacted as it may contain sensitive data. Specify 'Include Error Detail' in the "
                "connection string to include this information.",
                "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode mode)",
                "   at Acme.Users.Signup.CreateAsync(SignupForm form) in /src/Users/Signup.cs:line 88",
                "   at Program.<Main>$(String[] args) in /src/Users/Program.cs:line 21",
                "   at Program.<Main>(String[] args)",
                "  Exception data:",
                "    Severity: ERROR",
                "    SqlState: 23505",
                "    ConstraintName: ix_users_handle",
            ],
            "Npgsql.PostgresException: 23505: duplicate key value",
            "Acme.Users.Signup.CreateAsync /src/Users/Signup.cs:88",
        ),
        (  # its message, a plain line the fast path would skim, on the line after it
            RUST_PANIC,
            "panic: called `Option::unwrap()` on a `None` value",
            "orders::handlers::orders::create ./src/handlers/orders.rs:88",
        ),
        (  # before Rust 1.73: the message quoted on the panic's line; frames with their address, std's
            # sources relative (`src/libstd/…`, before 1.47), a trait implementation's frame named `<std::… as …>`
            RUST_QUOTED_PANIC,
            "panic: attempt to subtract with overflow",
            "billing::invoice::total src/invoice.rs:41",
        ),
        (  # kotlinx.coroutines' markers among the frames of a stack it recovered across coroutines
            [
                'Exception in thread "DefaultDispatcher-worker-2" java.lang.IllegalStateException: ledger closed',
                "\tat com.acme.ledger.Ledger.append(Ledger.kt:58)",
                "\t(Coroutine boundary)",
                "\tat com.acme.ledger.Posting$post$2.invokeSuspend(Posting.kt:22)",
                "\t(Coroutine creation stacktrace)",
                "\tat kotlinx.coroutines.BuildersKt.launch(Builders.kt:47)",
                "Caused by: java.lang.IllegalStateException: ledger closed",
                "\tat com.acme.ledger.Ledger.append(Ledger.kt:58)",
            ],
            "java.lang.IllegalStateException: ledger closed",
            "com.acme.ledger.Ledger.append Ledger.kt:58",
        ),
        (  # the same, with no message, its first row a marker
            [
                'Exception in thread "main" java.net.SocketTimeoutException',
                "\t(Coroutine boundary)",
                "\tat com.acme.sync.MainKt.main(Main.kt:15)",
                "Caused by: java.net.SocketTimeoutException: timeout",
                "\tat okio.AsyncTimeout.exit(AsyncTimeout.java:285)",
            ],
            "java.net.SocketTimeoutException",
            "com.acme.sync.MainKt.main Main.kt:15",
        ),
        (  # `node --trace-uncaught`: where the value was thrown, after the error's stack
            [
                "/srv/worker/dist/notify.js:31",
                "    return account.owner.address;",
                "                         ^",
                "",
                "TypeError: Cannot read properties of null (reading 'address')",
                "    at ownerAddress (/srv/worker/dist/notify.js:31:26)",
                "    at notify (/srv/worker/dist/notify.js:12:9)",
                "Thrown at:",
                "    at ownerAddress (/srv/worker/dist/notify.js:31:26)",
                "    at notify (/srv/worker/dist/notify.js:12:9)",
                "    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
                "",
                "Node.js v22.3.0",
            ],
            "TypeError: Cannot read properties of null (reading 'address')",
            "ownerAddress /srv/worker/dist/notify.js:31",
        ),
        (  # Deno: the source line and its caret between the uncaught error and its frames
            [
                "error: Uncaught (in promise) Error: STRIPE_KEY is not set",
                '  if (!key) throw new Error("STRIPE_KEY is not set");',
                "                  ^",
                "    at readSettings (file:///srv/app/settings.ts:12:19)",
                "    at file:///srv/app/server.ts:3:18",
            ],
            "Error: STRIPE_KEY is not set",
            "readSettings file:///srv/app/settings.ts:12",
        ),
        (  # the Dart VM: `Unhandled exception:`, a FormatException with its input's excerpt, `#N` frames
            [
                "Unhandled exception:",
                "FormatException: Unexpected character (at character 1)",
                "<html><body>Bad Gateway</body></html>",
                "^",
                "",
                "#0      _ChunkedJsonParser.fail (dart:convert-patch/convert_patch.dart:1463:5)",
                "#1      JsonDecoder.convert (dart:convert/json.dart:610:36)",
                "#2      PriceFeed.load (package:pricing/price_feed.dart:41:23)",
                "<asynchronous suspension>",
                "#3      main (file:///srv/bin/sync.dart:9:3)",
                "<asynchronous suspension>",
            ],
            "FormatException: Unexpected character (at character 1)",
            "PriceFeed.load package:pricing/price_feed.dart:41",
        ),
        (  # shelf's `logRequests` report: the time, the request, its words, the error, terse frames
            [
                "ERROR - 2026-12-02 09:14:03.512201",
                "POST /v2/carts/88/items",
                "Error thrown by handler.",
                "RangeError (index): Index out of range: index should be less than 2: 2",
                "dart:core                                  List.[]",
                "package:cart_api/src/cart.dart 71:18       Cart.addItem",
                "package:shelf/src/middleware/logger.dart 30:62  logRequests.<fn>.<fn>.<fn>",
            ],
            "RangeError (index): Index out of range: index should be less than 2: 2",
            "Cart.addItem package:cart_api/src/cart.dart:71",
        ),
        (  # the Dart VM: an error whose text names no type (a null check's: Dart's TypeError)
            [
                "Unhandled exception:",
                "Null check operator used on a null value",
                "#0      Points.grant (package:loyalty/points.dart:88:41)",
                "<asynchronous suspension>",
                "#1      main (file:///app/bin/batch.dart:12:3)",
            ],
            "TypeError: Null check operator used on a null value",
            "Points.grant package:loyalty/points.dart:88",
        ),
        (  # Deno: the source line at the margin (the code is), its caret, a top-level frame
            [
                "error: Uncaught TypeError: Cannot read properties of undefined (reading 'rate')",
                "export const FEE = config.fees.rate * 100;",
                "                               ^",
                "    at file:///srv/app/fees.ts:2:32",
            ],
            "TypeError: Cannot read properties of undefined (reading 'rate')",
            "None file:///srv/app/fees.ts:2",
        ),
        (  # Swift before 5.9: the trap names its place after the message, then `Current stack trace:`
            [
                "Fatal error: Division by zero: file App/Rates.swift, line 31",
                "Current stack trace:",
                "0    libswiftCore.so                    0x00007f2a1c3e5c40 swift_reportError + 50",
                "1    Run                                0x000055f1b2c3d4e5 $s3App5RatesC4rateSdyF + 96",
            ],
            "Fatal error: Division by zero",
            "None App/Rates.swift:31",
        ),
        (  # color-eyre with one cause and a SPANTRACE section
            [
                "Error: ",
                "   0: could not open /etc/app/app.toml: No such file or directory (os error 2)",
                "",
                "Location:",
                "   src/config.rs:27",
                "",
                "  ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ SPANTRACE ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━",
                "",
                '   0: app::config::load with path="/etc/app/app.toml"',
                "      at src/config.rs:19",
                "",
                "Backtrace omitted. Run with RUST_BACKTRACE=1 environment variable to display it.",
            ],
            "Error: could not open /etc/app/app.toml: No such file or directory (os error 2)",
            "",
        ),
        (  # Haskell: `error`'s message, then its call stack under `CallStack (from HasCallStack):`
            [
                "Maybe.fromJust: Nothing",
                "CallStack (from HasCallStack):",
                "  error, called at libraries/base/Data/Maybe.hs:150:21 in base:Data.Maybe",
                "  fromJust, called at src/Billing/Tax.hs:37:14 in billing-1.2.0-Jx8q2:Billing.Tax",
            ],
            "Maybe.fromJust: Nothing",
            "Billing.Tax src/Billing/Tax.hs:37",  # (the call's function: the module, the outermost call named)
        ),
        (  # Swift: a runtime trap, then the backtracer's report
            [
                "Sources/App/Carts.swift:88: Fatal error: Index out of range",
                "",
                "💣 Program crashed: System trap at 0x000055d1c2b3a4f0",
                "",
                'Thread 2 "NIO-ELT-0-#0" crashed:',
                "",
                "0      0x000055d1c2b3a4f0 Carts.total(for:) + 228 in App at /srv/Sources/App/Carts.swift:88:17",
                "1 [ra] 0x000055d1c2b3b120 closure #2 in routes(_:) + 64 in App at /srv/Sources/App/routes.swift:14:9",
                "...",
                "",
                "Backtrace took 0.18s",
            ],
            "Fatal error: Index out of range",
            "Carts.total(for:) /srv/Sources/App/Carts.swift:88",
        ),
        (  # a framework's wrapper (Play) is titled by its cause, where the application's frame is
            [
                "play.api.UnexpectedException: Unexpected exception[IllegalStateException: no tariff]",
                "\tat play.api.http.HttpErrorHandlerExceptions$.throwableToUsefulException(HttpErrorHandler.scala:373)",
                "\tat play.core.server.PekkoHttpServer$$anonfun$1.applyOrElse(PekkoHttpServer.scala:441)",
                "Caused by: java.lang.IllegalStateException: no tariff",
                "\tat controllers.Shipping.quote(Shipping.scala:27)",
                "\tat scala.concurrent.impl.Promise$Transformation.run(Promise.scala:470)",
            ],
            "java.lang.IllegalStateException: no tariff",
            "controllers.Shipping.quote Shipping.scala:27",
        ),
        (  # color-eyre's report at a program's exit: numbered causes under a bare `Error:`, the place, the hints
            [
                "Error: ",
                "   0: could not load rates for 2026-11-30",
                "   1: connection refused (os error 111)",
                "",
                "Location:",
                "   src/rates.rs:51",
                "",
                "Backtrace omitted. Run with RUST_BACKTRACE=1 environment variable to display it.",
                "Run with RUST_BACKTRACE=full to include source snippets.",
            ],
            "Error: could not load rates for 2026-11-30: connection refused (os error 111)",
            "",
        ),
    ],
    ids=[
        "ruby-logged",
        "ruby-uncaught",
        "rails",
        "node-uncaught",
        "node-rejection",
        "dotnet-inner",
        "java-cause",
        "ruby-script-frame",
        "rails-tagged",
        "java-suppressed",
        "elixir-genserver",
        "elixir-task-exit",
        "node-cause",
        "node-aggregate-error",
        "node-error-code",
        "node-cause-with-code",
        "dotnet-hresult-message-data",
        "rust-panic-backtrace",
        "rust-quoted-panic-backtrace",
        "kotlin-coroutine-markers",
        "kotlin-coroutine-boundary-first",
        "node-trace-uncaught",
        "deno-uncaught-source-caret",
        "dart-vm-unhandled",
        "dart-shelf-terse",
        "dart-vm-untyped-error",
        "deno-source-at-margin",
        "swift-before-5-9",
        "rust-color-eyre-spantrace",
        "haskell-call-stack",
        "swift-backtrace",
        "java-wrapper-cause",
        "rust-color-eyre",
    ],
)
def test_a_stack_of_another_language_split_per_line_is_one_problem(
    lines: list[str], title: str, place: str, gke: bool
) -> None:
    raw = [
        *split_lines(0, ["served 12 requests"], gke=gke, severity="INFO"),
        *split_lines(1, lines, gke=gke),
        *split_lines(3, ["listening on :8080"], gke=gke, severity="INFO"),
    ]
    report = scan_entries(raw)
    assert [(c.count, c.max_severity) for c in report.clusters] == [(len(lines), "ERROR")]
    cluster = report.clusters[0]
    assert cluster.title.startswith(title)
    if place:
        function, location = place.split()
        top = cluster.affected_files[0]
        assert (str(top.function), top.location) == (
            function,
            location,
        )  # (`None`: a place without a function)
    else:
        assert not cluster.affected_files


def test_another_instance_interleaved_and_a_gap_end_a_node_crash_report() -> None:
    report = [
        "/app/server.js:42",
        "    const id = req.user.id;",
        "                        ^",
        "",
        "TypeError: Cannot read properties of undefined (reading 'id')",
        "    at handler (/app/server.js:42:25)",
        "",
        "Node.js v20.11.1",
    ]
    one = split_lines(1, report, instance="a")
    two = split_lines(1.00001, ["GET /orders 200"] * len(report), instance="b")
    mixed = [entry for pair in zip(one, two, strict=True) for entry in pair]
    assert sorted(len(e.members) for e in events(mixed)) == [1] * len(report) + [len(report)]
    late = [*one[:4], *split_lines(20, report[4:], instance="a")]
    assert sorted(len(e.members) for e in events(late)) == [1, 1, 1, 1, 4]


class _LooksEveryTime(Reassembler):
    """The reassembler without the bounds that let it skip looking for stale groups."""

    def _flush_stale(self, now):  # type: ignore[no-untyped-def]
        self._held = None
        return super()._flush_stale(now)


_PIECES = [
    "[INFO] request done",
    "ERROR:app:Exception on /checkout [POST]",
    "Traceback (most recent call last):",
    '  File "/app/main.py", line 14, in <module>',
    "    import payments_sdk",
    ERROR,
    "During handling of the above exception, another exception occurred:",
    *GO_PANIC[:6],
    "/app/server.js:42",
    "TypeError: x is undefined",
    "    at f (/app/server.js:42:7) {",
    "}",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_PIECES),
            st.sampled_from(["i1", "i2", "i3"]),
            st.sampled_from([0.0, 0.0004, 0.5, 1.9, 2.1, 7.0, -0.3, -2.5]),
        ),
        max_size=40,
    )
)
def test_skipping_the_stale_check_never_changes_the_events(lines: list[tuple[str, str, float]]) -> None:
    """The reassembler skips the look for stale groups while every held time is within the gap of the new
    entry's: the events are those of looking every time, in any order and spacing of lines."""
    parser = EntryParser(Redactor(), StackParser())
    moment, raw = 100.0, []
    for text, instance, step in lines:
        moment += step
        raw.append(run_entry(moment, text=text, instance=instance))
    entries = [parser.parse(i, e) for i, e in enumerate(raw, start=1)]
    stacks = StackParser()
    assert list(Reassembler(2.0, stacks.parse, Redactor().redact).events(entries)) == list(
        _LooksEveryTime(2.0, stacks.parse, Redactor().redact).events(entries)
    )


@given(
    st.floats(min_value=1e-6, max_value=1e7, allow_nan=False),
    st.integers(-(10**13), 10**13),
    st.integers(-3, 3),
)
def test_gap_as_a_duration_compares_as_its_seconds_did(seconds: float, micro: int, near: int) -> None:
    # the reassembler compares durations with `_within(gap)`, no longer `total_seconds()` with the gap
    for us in (micro, math.floor(seconds * 1e6) + near):
        duration = timedelta(microseconds=us)
        assert (duration <= _within(seconds)) == (duration.total_seconds() <= seconds)
        assert (abs(duration) > _within(seconds)) == (abs(duration.total_seconds()) > seconds)


def test_a_split_traceback_whose_exception_line_never_came_is_one_event_titled_by_its_last_frame() -> None:
    lines = [
        "Traceback (most recent call last):",
        '  File "/srv/app/jobs.py", line 11, in run',
        "    settle(batch)",
        '  File "/srv/app/ledger.py", line 47, in settle',
        "    post(entry)",
    ]
    report = scan_entries([run_entry(i * 0.001, text=line) for i, line in enumerate(lines)])
    (cluster,) = report.clusters
    assert cluster.title == "error in settle (ledger.py:47) — traceback cut off"
    assert report.totals.reassembled_tracebacks == 1


LOADER_LINES = [
    "Provided module can't be loaded.",
    "Is there a syntax error in your code?",
    "Detailed stack trace: Error: Cannot find module 'qrcode-gen'",
    "    at Function.Module._resolveFilename (module.js:470:15)",
    "    at Module.require (module.js:497:17)",
]


def test_a_function_loaders_lines_without_severity_are_kept_with_the_failure_they_explain() -> None:
    report = scan_entries([run_entry(i * 0.001, text=line) for i, line in enumerate(LOADER_LINES)])
    counts = {c.title: c.count for c in report.clusters}
    # the loader's line with the hint after it; the stack it details (Node.js's base `Error`) with its frames
    assert counts == {
        "Provided module can't be loaded. (api)": 2,
        "Error: Cannot find module 'qrcode-gen' in Function.Module._resolveFilename": 3,
    }
    assert report.totals.skipped == {}


def test_frames_after_an_exception_named_behind_a_prefix_join_it() -> None:
    lines = [
        "Handler failed: FirebaseAuthError: token audience mismatch",
        "    at verify (/workspace/auth.js:41:11)",
        "    at handle (/workspace/index.js:12:5)",
    ]
    report = scan_entries([run_entry(i * 0.001, text=line) for i, line in enumerate(lines)])
    (cluster,) = report.clusters
    assert (cluster.exception_type, cluster.count) == ("FirebaseAuthError", 3)


@pytest.mark.parametrize(
    "hint", ["Did you list all required modules in the package.json dependencies?", "Did you mean: 'total'?"]
)
def test_a_hint_question_joins_the_failure_before_it_and_is_not_dropped(hint: str) -> None:
    failure = split_traceback(0, FRAMES, "NameError: name 'totl' is not defined")
    report = scan_entries([*failure, run_entry(0.5, text=hint)])
    (cluster,) = report.clusters
    assert cluster.count == len(failure) + 1 and report.totals.skipped == {}


def test_a_question_alone_is_no_failure() -> None:
    report = scan_entries([run_entry(0, text="Is the cache warm?")])
    assert report.clusters == [] and report.totals.skipped == {"below WARNING": 1}


def test_a_traceback_introduced_by_a_failure_in_words_is_an_error() -> None:
    """The line logged with a split traceback says only in words that something failed (`failure-phrase`,
    WARNING): the traceback makes the event an error, as it does for lines without any level."""
    lines = [
        "could not settle batch 7",
        "Traceback (most recent call last):",
        '  File "/srv/app/ledger.py", line 47, in settle',
        "    post(entry)",
        "RuntimeError: ledger closed",
    ]
    report = scan_entries([run_entry(i * 0.001, text=line) for i, line in enumerate(lines)])
    assert [(c.count, c.max_severity) for c in report.clusters] == [(len(lines), "ERROR")]


def test_a_chained_traceback_whose_lines_share_an_instant_is_one_event() -> None:
    """Its two headers are no two copies: a copy of a chain has a header more than it has separators."""
    lines = [
        "Traceback (most recent call last):",
        '  File "/app/db.py", line 21, in fetch',
        "    return conn.execute(q)",
        "sqlite3.OperationalError: database is locked",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/db.py", line 23, in fetch',
        '    raise StorageError("orders unavailable")',
        "app.errors.StorageError: orders unavailable",
    ]
    once = events(split_lines(1, lines, step=0))
    assert [len(e.members) for e in once] == [len(lines)]
    stack = once[0].primary.stack
    assert stack is not None and (stack.exception_type, stack.message) == (
        "app.errors.StorageError",
        "orders unavailable",
    )
    twice = events(split_lines(1, [line for line in lines for _ in range(2)], step=0))
    assert [len(e.members) for e in twice] == [len(lines), len(lines)]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_rust_panic_without_backtrace_is_one_problem_in_either_order(newest_first: bool) -> None:
    lines = [
        "thread 'main' panicked at src/main.rs:9:13:",
        "index out of bounds: the len is 3 but the index is 5",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    ]
    raw = [
        *split_lines(0, ["listening on :8080"], severity="INFO"),
        *split_lines(1, lines, step=0.001),
        *split_lines(1.0005, ["GET /orders 200"] * 3, instance="other"),
        *split_lines(3, ["worker restarted"]),
    ]
    report = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [c.count for c in report.clusters] == [3]
    assert report.clusters[0].title.startswith("panic: index out of bounds: the len is 3 but the index is 5")
    assert (report.clusters[0].affected_files[0].location) == "src/main.rs:9"


def test_a_config_sync_error_split_per_line_is_one_problem_named_by_its_code() -> None:
    """GKE writes each stderr line of Config Sync's error at ERROR: its wrapped text, the object's fields and
    the link that ends it are one problem, not one each."""
    lines = [
        "E1130 10:00:04.512345       1 updater.go:143] 1 error(s)",
        "KNV1003: A Namespace directory MUST NOT have subdirectories. Remove the",
        '         Namespace policy from "prod", or move "us_west_1" to an Abstract',
        "         Namespace:",
        "",
        "path: namespaces/prod/us_west_1",
        "name: us_west_1",
        "",
        "For more information, see https://g.co/cloud/acm-errors#knv1003",
    ]
    raw = [
        *split_lines(1, lines, gke=True),
        *split_lines(1.00002, lines, gke=True, pod="reconciler-2"),
        *split_lines(3, ["KNV2009: failed to apply Deployment.apps, shop/web: forbidden"], gke=True),
    ]
    report = scan_entries(raw)
    assert sorted((c.count, c.title[:16]) for c in report.clusters) == [
        (1, "KNV2009: failed "),
        (18, "KNV1003: A Names"),
    ]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("gke", [True, False], ids=["gke-stderr-error", "cloud-run-no-severity"])
def test_rails_fatal_line_with_nothing_after_its_tags_starts_the_report_after_it(
    gke: bool, newest_first: bool
) -> None:
    """Rails writes its report's first, blank line after the logger's header (`F, […] FATAL -- : [tags]   `),
    the others after the tags alone: the report is one problem at the header's level, with no problem of
    the header alone."""
    tags = "[6f1c2a9e-4b1d-4e8f-9c1e-2f7a8b9c0d1e]"
    lines = [
        f"F, [2026-11-30T10:00:00.200131 #1] FATAL -- : {tags}   ",
        f"{tags} ActiveRecord::RecordNotFound (Couldn't find User with 'id'=42):",
        f"{tags}   ",
        f"{tags} app/controllers/users_controller.rb:9:in `show'",
    ]
    raw = split_lines(1, lines, gke=gke)
    report = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [(c.count, c.max_severity) for c in report.clusters] == [(4, "CRITICAL")]
    assert report.clusters[0].title.startswith("ActiveRecord::RecordNotFound: Couldn't find User")


_RAILS_TAGS = "[3d1855e6-688c-4d33-92b3-c43714059c8f]"


def _logger_header(letter: str, n: int) -> str:
    word = {"F": "FATAL", "E": "ERROR", "W": "WARN", "I": "INFO", "A": "ANY"}[letter]
    return f"{letter}, [2021-06-17T22:55:15.48{n:04d} #4] {word:>5} -- : "


def _rails_report(lines: list[str], letter: str, tags: str, every_line: bool) -> list[str]:
    """Rails' report of an exception (`ActionDispatch::DebugExceptions#log_error`): its lines after Ruby's Logger's
    header and the request's tags, every line (logged one by one) or only the first (logged as one message,
    the tags repeated after each newline); a blank line with nothing after its tags, trimmed."""
    report = []
    for n, line in enumerate(lines):
        text = f"{tags} {line}".rstrip() if tags else line.rstrip()
        report.append(f"{_logger_header(letter, n)}{text}".rstrip() if every_line or n == 0 else text)
    return report


_NO_METHOD = [
    "",
    "NoMethodError (undefined method `[]' for nil:NilClass):",
    "",
    "app/controllers/quizes_controller.rb:64:in `start'",
]
_CSRF = [
    "  ",
    "ActionController::InvalidAuthenticityToken (ActionController::InvalidAuthenticityToken):",
    "  ",
    "actionpack (6.0.3.2) lib/action_controller/metal/request_forgery_protection.rb:215:in `handle_unverified_request'",
    "actionpack (6.0.3.2) lib/action_controller/metal/request_forgery_protection.rb:247:in `handle_unverified_request'",
    "app/controllers/application_controller.rb:12:in `verify'",
]
_TEMPLATE = [
    "  ",
    "ActionView::Template::Error (undefined method `username' for #<User:0x0000562003cf43f0>):",
    "    1: <%= form_for(@user) do |f| %>",
    "    2:   <%= render 'shared/error_messages', object: @user %>",
    "    3:   <%= f.label :username %>",
    "    4: ",
    "  ",
    "app/views/users/_form.html.erb:3",
    "app/views/users/new.html.erb:3:in `_app_views_users_new_html_erb___1'",
]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("gke", [False, True], ids=["cloud-run", "gke-stderr"])
@pytest.mark.parametrize(
    ("report", "letter", "tags", "every_line", "exception", "function"),
    [
        (_NO_METHOD, "F", _RAILS_TAGS, True, "NoMethodError", "start"),
        (_NO_METHOD, "E", f"[www] {_RAILS_TAGS}", True, "NoMethodError", "start"),
        (_NO_METHOD, "F", "", True, "NoMethodError", "start"),
        (
            _CSRF,
            "F",
            _RAILS_TAGS,
            False,
            "ActionController::InvalidAuthenticityToken",
            "handle_unverified_request",
        ),
        (
            _CSRF,
            "F",
            _RAILS_TAGS,
            True,
            "ActionController::InvalidAuthenticityToken",
            "handle_unverified_request",
        ),
        (_TEMPLATE, "F", _RAILS_TAGS, False, "ActionView::Template::Error", None),
        (_TEMPLATE, "F", _RAILS_TAGS, True, "ActionView::Template::Error", None),
    ],
    ids=[
        "heroku",
        "two-tags-error",
        "untagged",
        "csrf",
        "csrf-every-line",
        "template",
        "template-every-line",
    ],
)
def test_a_rails_report_logged_line_by_line_is_one_event(
    report: list[str],
    letter: str,
    tags: str,
    every_line: bool,
    exception: str,
    function: str | None,
    gke: bool,
    newest_first: bool,
) -> None:
    """Rails' report of a request's exception, one entry per line: its blank lines (the Logger's header and the
    tags alone, trailing blanks trimmed or not), the exception's line, the excerpt of a template, and its frames
    (the app's, a gem's named by its version, a template's without a method) are one event, the exception's;
    no line of it is a problem titled by its header."""
    lines = _rails_report(report, letter, tags, every_line)
    raw = split_lines(1, lines, step=0.0001, gke=gke)
    [event] = events(list(reversed(raw)) if newest_first else raw)
    assert len(event.members) == len(lines)
    stack = event.primary.stack
    assert stack is not None and stack.exception_type == exception
    assert stack.frames[-1].function == function
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.title.startswith(exception) and cluster.count == len(lines)
    assert cluster.priority == ("P1" if letter in "FE" else "P2")


def test_a_gems_frame_is_a_librarys_and_a_templates_names_no_method() -> None:
    text = "\n".join(
        [_CSRF[1], _CSRF[3], "app/views/users/_form.html.erb:3", "app/models/user.rb:9:in `name'"]
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert [(f.file, f.line, f.function, f.in_app) for f in stack.frames] == [
        ("app/models/user.rb", 9, "name", True),
        ("app/views/users/_form.html.erb", 3, None, True),
        (
            "lib/action_controller/metal/request_forgery_protection.rb",
            215,
            "handle_unverified_request",
            False,
        ),
    ]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("every_line", [False, True])
def test_a_rails_report_without_frames_is_one_event_at_its_exceptions_priority(
    every_line: bool, newest_first: bool
) -> None:
    """A report whose backtrace Rails' cleaner emptied (a route that does not exist): its blank lines are its
    event's, the exception's line its title, and what Rails answered (404) its priority."""
    lines = _rails_report(
        ["  ", 'ActionController::RoutingError (No route matches [GET] "/wp-login.php"):', "  "],
        "F",
        _RAILS_TAGS,
        every_line,
    )
    raw = split_lines(1, lines, step=0.0001)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.count == 3 and cluster.title.startswith("ActionController::RoutingError (No route")
    assert (cluster.max_severity, cluster.priority) == ("CRITICAL", "P3")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("F, [2021-06-17T22:55:15.481534 #4] FATAL -- : [3d1855e6-688c-4d33-92b3-c43714059c8f]", "blank"),
        ("I, [2021-06-17T22:55:15.481534 #4]  INFO -- app: [www] [3d1855e6-688c]   ", "blank"),
        ("E, [2021-06-17T22:55:15.481534 #4] ERROR -- : ", "blank"),
        ("[3d1855e6-688c-4d33-92b3-c43714059c8f]", "blank"),
        ("[www] [10.0.0.7]", "blank"),
        ("[OK]   ", "blank"),  # (a blank line after its tags, as before)
        ("actionpack (6.0.3.2) lib/action_controller/metal.rb:215:in `dispatch'", "frame"),
        ("app/views/users/_form.html.erb:3", "frame"),
        ("ActionController::ParameterMissing (param is missing or the value is empty: user):", "exception"),
        ("Errno::ECONNREFUSED (Connection refused - connect(2) for 10.0.0.7:6379):", "exception"),
        # a bracketed word, a short number, a line that says something after the header: text
        ("[OK]", None),
        ("[main]", None),
        ("[1]", None),
        ("[2021]", None),
        ("F, [2021-06-17T22:55:15.481534 #4] FATAL -- : [3d1855e6-688c] boot failed", None),
        ("build (1 of 3) done", None),
        ("Seeding (users):", None),
    ],
)
def test_rails_report_lines_are_read_by_their_kind(line: str, kind: str | None) -> None:
    parser = EntryParser(Redactor(), StackParser())
    assert line_kind(parser.parse(0, run_entry(0, text=line)).message) == kind


def test_numbered_lines_after_no_exception_are_plain_lines() -> None:
    """A numbered line reads as a template's excerpt only after an exception's line: elsewhere it is a plain
    line, as before (its own event, at the level a plain line has: on GKE's stderr, INFO without a sign of
    failure)."""
    numbered = ["1: migrate users", "2: migrate orders", "3: done"]
    parsed = events(split_lines(1, numbered, gke=True))
    assert [(len(e.members), e.primary.severity) for e in parsed] == [(1, Severity.INFO)] * 3
    traceback = [
        "Traceback (most recent call last):",
        '  File "/app/x.py", line 3, in <module>',
        "ValueError: bad",
    ]
    for raw in (
        split_lines(1, [*traceback, "", "1: cleaning up"], gke=True),
        split_lines(1, ["1: x", *traceback]),
    ):
        parsed = events(raw)
        assert sorted(len(e.members) for e in parsed) == [1] * (len(raw) - 3) + [3]


def test_a_bracketed_word_does_not_join_a_line_to_the_report_after_it() -> None:
    """`[OK]` is text, no blank line: the line before it does not introduce the exception after it."""
    lines = [
        "E, [2021-06-17T22:55:15.481534 #4] ERROR -- : job 7 finished with warnings",
        "[OK]",
        "E, [2021-06-17T22:55:15.481734 #4] ERROR -- : NoMethodError (undefined method `x' for nil):",
        "E, [2021-06-17T22:55:15.481834 #4] ERROR -- : app/jobs/sync_job.rb:9:in `perform'",
    ]
    parsed = events(split_lines(1, lines, step=0.0001))
    report = [event for event in parsed if event.primary.stack is not None]
    assert [len(event.members) for event in report] == [2]


_SPRING_REPORT = [
    "2026-03-01 10:00:00.123 ERROR 1 --- [nio-8080-exec-4] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : "
    "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
    "[Request processing failed; nested exception is java.lang.IllegalStateException: no cart] with root cause",
    "",
    "java.lang.IllegalStateException: no cart",
    "\tat shop.cart.CartService.current(CartService.java:31) ~[classes!/:0.0.1]",
    "\tat shop.web.CartController.show(CartController.java:18) ~[classes!/:0.0.1]",
    "\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method) ~[na:1.8.0_372]",
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897) "
    "~[spring-webmvc-5.3.27.jar!/:5.3.27]",
    "\tat java.lang.Thread.run(Thread.java:750) [na:1.8.0_372]",
]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("gke", [False, True])
def test_springs_root_cause_report_split_per_line_is_one_event(newest_first: bool, gke: bool) -> None:
    """Spring Boot logs `… with root cause`, a blank line, then the exception and its frames, each frame with
    the jar logback appends (`~[classes!/:0.0.1]`): one line an entry, it is one event, the exception's."""
    raw = split_lines(1, _SPRING_REPORT, gke=gke)
    [event] = events(list(reversed(raw)) if newest_first else raw)
    assert len(event.members) == len(_SPRING_REPORT)
    assert event.primary.stack is not None
    assert event.primary.stack.exception_type == "java.lang.IllegalStateException"
    assert [f.function for f in event.primary.stack.frames][-1] == "shop.cart.CartService.current"


@pytest.mark.parametrize(
    "frame",
    [
        "\tat shop.cart.CartService.current(CartService.java:31) ~[classes!/:0.0.1]",
        "\tat java.lang.Thread.run(Thread.java:750) [na:1.8.0_372]",
        "\tat sun.reflect.GeneratedMethodAccessor9.invoke(Unknown Source) ~[na:na]",
    ],
)
def test_a_java_frame_with_its_jar_is_a_frame_line(frame: str) -> None:
    assert line_kind(frame) == "frame"


def test_a_line_that_says_something_does_not_join_the_report_after_it() -> None:
    """Rails' `Completed 500 …` line before its report is a problem of its own, as before."""
    lines = [
        "Completed 500 Internal Server Error in 12ms (ActiveRecord: 1.1ms | Allocations: 2211)",
        "",
        "NoMethodError (undefined method `total' for nil:NilClass):",
        "",
        "app/models/order.rb:17:in `amount'",
    ]
    assert sorted(len(e.members) for e in events(split_lines(1, lines))) == [1, 1, 3]


_DOTNET_RECORDS = [
    "info: Microsoft.Hosting.Lifetime[14]",
    "      Now listening on: http://[::]:8080",
    "fail: Microsoft.EntityFrameworkCore.Database.Command[20102]",
    "      Failed executing DbCommand (1ms) [Parameters=[@p0='?'], CommandType='Text', CommandTimeout='30']",
    "      SELECT `s`.`Id` FROM `Settings` AS `s`",
    "fail: Microsoft.EntityFrameworkCore.Query[10100]",
    "      An exception occurred while iterating over the results of a query for context type 'Shop.Db'.",
    "      System.ObjectDisposedException: Cannot access a disposed object.",
    "      Object name: 'MySqlConnection'.",
    "         at MySqlConnector.MySqlConnection.VerifyNotDisposed() in /_/src/MySqlConnection.cs:line 976",
    "         at MySqlConnector.MySqlConnection.get_Session() in /_/src/MySqlConnection.cs:line 732",
]


@pytest.mark.parametrize("gke", [False, True])
def test_a_dotnet_console_record_split_per_line_is_one_event_at_its_headers_level(gke: bool) -> None:
    """.NET's console logger writes the header alone, then the message, exception and frames indented: each
    record is one event, at the header's level (GKE's stderr ERROR does not raise the `info:` record), its
    message without the header, its stack the exception's."""
    raw = split_lines(1, _DOTNET_RECORDS, gke=gke, **({} if gke else {"log": "run.googleapis.com%2Fstdout"}))
    result = events(raw)
    assert [len(e.members) for e in result] == [2, 3, 6]
    info, command, query = (e.primary for e in result)
    assert info.severity.name == "INFO" and info.message.startswith("Now listening on")
    assert command.severity.name == "ERROR" and command.message.startswith("Failed executing DbCommand (1ms)")
    assert command.stack is None
    assert query.stack is not None and query.stack.exception_type.endswith("ObjectDisposedException")
    assert query.message.startswith("An exception occurred while iterating")


def test_a_dotnet_header_without_its_lines_stays_alone() -> None:
    raw = split_lines(1, ["fail: Acme.Worker[0]", "next record"]) + split_lines(9, ["      late line"])
    assert [len(e.members) for e in events(raw)] == [1, 1, 1]


# Pieces of lines that end naming a credential, and of lines that do not, in any case (and letters that fold to ASCII)
_LABEL_PIECES = st.sampled_from(
    [
        "password", "PASS", "passwd", "pwd", "Secret", "TOKEN", "api_key", "credentials", "Auth", "authorization",
        "phrase", "pin", "otp", "code", "name", "- name: ", "DB_", "value", "\"", "'", "]", ":", "=", "=>", "->",
        " ", "  ", "|", ">-", "+", ",", "x", "user", "ſecret", "\u212aey", "é", "\t", "[", "Bearer",
    ]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(_LABEL_PIECES, max_size=12).map("".join))
def test_a_line_the_credential_label_pre_check_turns_away_is_no_label(line: str) -> None:
    """The pre-check only spares the search where it cannot match: the two always agree."""
    found = _CREDENTIAL_LABEL.search(line) is not None
    assert names_credential(line) == found
    if found:
        assert may_name_credential(line)


@given(st.text(max_size=80))
def test_the_credential_label_pre_check_agrees_with_the_search_on_any_text(line: str) -> None:
    assert names_credential(line) == (_CREDENTIAL_LABEL.search(line) is not None)


# Every character outside ASCII that a case-insensitive search reads as an ASCII letter (`ſ` as `s`, `K` as `k`)
_FOLDED_LETTERS = {
    char: letter
    for char in map(chr, range(0x80, 0x10000))
    if re.fullmatch("(?i)[a-z]", char)
    for letter in "abcdefghijklmnopqrstuvwxyz"
    if re.fullmatch(letter, char, re.IGNORECASE)
}


@pytest.mark.parametrize("word", sorted(_CREDENTIAL_WORDS))
def test_a_credential_word_spelled_with_folded_letters_is_searched(word: str) -> None:
    """Each letter of each credential word, written as every character that folds to it, on a label line: the
    pre-check must hand the line to the search, which decides."""
    for char, letter in _FOLDED_LETTERS.items():
        for at in (at for at, own in enumerate(word) if own == letter):
            line = f"db {word[:at]}{char}{word[at + 1 :]}:"
            assert names_credential(line) == (_CREDENTIAL_LABEL.search(line) is not None), line


def test_the_credential_label_pre_check_turns_away_plain_lines() -> None:
    assert not may_name_credential("GET /api/orders 200 in 12 ms")
    assert may_name_credential("db password:")
    assert may_name_credential("paſſword:")  # not ASCII: searched


@pytest.mark.parametrize(
    "header",
    ["thread 'main' panicked at src/main.rs:160:71:", "thread 'main' panicked at src/main.rs:160:71"],
)
def test_a_rust_panic_on_an_error_with_causes_is_one_event(header: str) -> None:
    """`anyhow`'s report of the error a panic unwrapped (`Caused by:` and the causes indented under it) belongs
    to the panic, as does its note; a header whose last colon a formatter dropped still takes the next line."""
    lines = [
        header,
        "called `Result::unwrap()` on an `Err` value: failed to open object",
        "",
        "Caused by:",
        "    Function not implemented (os error 38)",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    ]
    report = scan_entries(split_lines(1, lines, step=0.001))
    assert [c.count for c in report.clusters] == [len(lines)]
    assert report.clusters[0].title.startswith("panic: called `Result::unwrap()` on an `Err` value")
    assert report.totals.skipped == {}


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    ("lines", "title", "priority"),
    [
        # Rails' report under a `SEVERITY message` formatter: each record's level, its blank ones bare
        (
            [
                "FATAL   ",
                "FATAL NoMethodError (undefined method `total' for nil):",
                "FATAL   ",
                "FATAL app/models/cart.rb:7:in `sum'",
            ],
            "NoMethodError: undefined method `total' for nil",
            "P1",
        ),
        # one record whose message opens with its blank line, split per line by the platform
        (
            ["ERROR ", "KeyError: 'sku'", "    at pricing (/srv/app.js:3:9)"],
            "KeyError: 'sku'",
            "P2",
        ),
    ],
)
def test_a_record_that_is_only_its_level_opens_the_report_after_it(
    lines: list[str], title: str, priority: str, newest_first: bool
) -> None:
    raw = split_lines(1, lines, step=0.0001)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert (cluster.count, cluster.title[: len(title)], cluster.priority) == (len(lines), title, priority)


def test_a_record_that_is_only_its_level_alone_says_nothing() -> None:
    """Left alone (its report's lines not kept with it), a bare `FATAL` is no P0 titled by its header."""
    (cluster,) = scan_entries(split_lines(1, ["FATAL "], step=0.0001)).clusters
    assert (cluster.priority, cluster.reasons[0][:40]) == ("P3", "records that say a level and nothing els")


@pytest.mark.parametrize(
    ("line", "blank"),
    [
        ("FATAL", True),
        ("ERROR   ", True),
        ("2024-05-01 10:00:00 ERROR", True),
        # an exception's bare name (Node.js prints `Error` before its frames), a word, a level with a message
        ("Error", False),
        ("NullPointerException", False),
        ("OK", False),
        ("ERROR: disk full", False),
    ],
)
def test_a_level_alone_is_a_blank_line_of_a_report(line: str, blank: bool) -> None:
    parser = EntryParser(Redactor(), StackParser())
    assert (line_kind(parser.parse(0, run_entry(0, text=line)).message) == "blank") == blank


ZAP_RECORD = [
    "2026-03-02T10:15:04.112Z\tERROR\tinventory/sync.go:88\tsync failed\t"
    '{"store": "north", "error": "dial tcp 10.4.0.9:5432: connect: connection refused"}',
    "example.org/inventory/internal/sync.(*Worker).run",
    "\t/src/internal/sync/worker.go:88",
    "example.org/inventory/internal/sync.Start.func1",
    "\t/src/internal/sync/start.go:31",
]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("gke", [False, True])
def test_a_go_loggers_record_and_the_stack_under_it_are_one_event(gke: bool, newest_first: bool) -> None:
    """zap's console record with its `stacktrace` split one entry per line: the record is the event, its
    function and file lines its members; titled by the record, not by a frame."""
    raw = split_lines(1, ZAP_RECORD, step=0.0001, gke=gke)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.count == 5 and "sync failed" in cluster.title and cluster.max_severity == "ERROR"


@pytest.mark.parametrize("gke", [False, True])
def test_a_go_loggers_stack_through_package_main_is_one_event(gke: bool) -> None:
    """zap's `stacktrace` ends in the program's `main` package, whose functions have no path: its lines are
    the record's too, not lines left over below WARNING."""
    lines = [*ZAP_RECORD[:3], "main.main.func2", "\t/src/main.go:77", "main.main", "\t/src/main.go:40"]
    (cluster,) = scan_entries(split_lines(1, lines, step=0.0001, gke=gke)).clusters
    assert cluster.count == 7 and "sync failed" in cluster.title


def test_go_function_lines_without_their_file_lines_stay_lines() -> None:
    """A package path and name without the tab-indented file line under it is no stack: the lines stay apart."""
    lines = [ZAP_RECORD[0], "example.org/inventory/internal/sync.(*Worker).run", "next: retry scheduled"]
    # (logged apart: within a few milliseconds a line without a header continues the record before it)
    parsed = events(split_lines(1, lines, step=0.5, gke=True))
    assert [len(event.members) for event in parsed] == [1, 1, 1]
    parsed = events(split_lines(1, lines, gke=True))
    assert [len(event.members) for event in parsed] == [2, 1]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("github.com/go-logr/zapr.(*zapLogger).Error", "go-function"),
        ("sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Start.func2.2", "go-function"),
        # a panic's frame (its arguments), a URL path, a dotted word: not a Go logger's function line
        ("main.main()", "go-frame"),
        ("example.org/docs", None),
        # the program's `main` package and `runtime` have no path: most stacks end in them
        ("main.main.func2", "go-function"),
        ("main.(*server).run", "go-function"),
        ("runtime.main", "go-function"),
    ],
)
def test_go_logger_stack_lines_are_read_by_their_kind(line: str, kind: str | None) -> None:
    assert line_kind(line) == kind


@pytest.mark.parametrize("line", ["mainframe.reset", "domain.example", "runtimes.Load", "main"])
def test_dotted_words_like_main_are_no_go_function_lines(line: str) -> None:
    assert line_kind(line) != "go-function"


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("gke", [False, True])
def test_a_rails_report_with_its_causes_section_is_one_event(gke: bool, newest_first: bool) -> None:
    """Rails 7.1's report names the causes of its exception under `Causes:` (each `Class (message)`, no colon),
    before the template's excerpt and the frames: all one event, titled by the exception, not a P0 per line."""
    lines = _rails_report(
        [
            "  ",
            "ActionView::Template::Error (undefined method `title' for nil):",
            " ",
            "Causes:",
            "NoMethodError (undefined method `title' for nil)",
            "    1: <h1><%= @post.title %></h1>",
            "  ",
            "app/views/posts/show.html.erb:1",
            "app/controllers/posts_controller.rb:8:in `show'",
        ],
        "F",
        _RAILS_TAGS,
        True,
    )
    raw = split_lines(1, lines, step=0.0001, gke=gke)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.count == len(lines) and cluster.title.startswith("ActionView::Template::Error: undefined")
    assert cluster.priority == "P1"


@pytest.mark.parametrize(
    "lines",
    [
        ["Seeding (users)", "Seeding (orders)"],  # words before a parenthesis: no cause
        ["NoMethodError (undefined method `x' for nil)"],  # a cause's form without `Causes:` before it
    ],
)
def test_lines_in_a_causes_form_without_the_heading_are_lines(lines: list[str]) -> None:
    parsed = events(split_lines(1, lines, step=0.5, gke=True))
    assert [len(event.members) for event in parsed] == [1] * len(lines)


# ASCII pieces of every alternative of the label (a table's header, XML, R's `$name`, a prompt, a command, SMTP's
# prompt, a sentence) and the blanks `re` reads as `\s` that RE2's `\s` lacks (the vertical tab, `\x1c`-`\x1f`)
_ASCII_LABEL_PIECES = st.sampled_from(
    [
        "password", "db_password", "Token", "KEY", "auth_token", "credential", "pin", "otp", "code", "name", "key",
        "Property", "field", "value", "authorization", ": ", ":", "=", "=>", "->", "|", ">-", "\"", "'", "]", "[",
        ",", ";", "\t", "\x0b", "\x1c", "\x1f", "\n", "\r\n", " ", "  ", "<", ">", "</key>", "<key>", "<name>",
        "$", "$ ", "+ ", "PS C:\\app> ", "[command]", "vault ", "kubectl ", "terraform output -raw ", "334 ",
        "UGFzc3dvcmQ6", " is", " was", " for ", " to ", "reset", "generated", "x", "KeyError", "-", ".", "_", "1",
        "keyring get ", "gopass show ", "env:get", " --with-decryption",
    ]
)  # fmt: skip


@settings(max_examples=500)
@given(st.lists(_ASCII_LABEL_PIECES, max_size=14).map("".join))
@example("KeyError: 'sku-42'")
@example("user,\x0bpassword")
@example("password\x1c")
def test_the_ascii_superset_of_the_credential_label_finds_every_label(line: str) -> None:
    """RE2 turns lines away before the search on ASCII text (`reassemble._label_superset`): it must find every line
    the search finds, whatever blanks, repetitions or lookaheads the label's alternatives read."""
    if _CREDENTIAL_LABEL.search(line) is not None:
        assert _label_superset().search(line.encode("ascii")) is not None
    assert names_credential(line) == (_CREDENTIAL_LABEL.search(line) is not None)


_GROUP_REPORT = [
    "  + Exception Group Traceback (most recent call last):",
    '  |   File "/srv/feeds/pull.py", line 52, in <module>',
    "  |     asyncio.run(pull_all())",
    '  |   File "/srv/feeds/pull.py", line 47, in pull_all',
    "  |     async with asyncio.TaskGroup() as group:",
    "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)",
    "  +-+---------------- 1 ----------------",
    "    | Traceback (most recent call last):",
    '    |   File "/srv/feeds/pull.py", line 30, in pull_one',
    "    |     body = await response.aread()",
    "    | ConnectionResetError: [Errno 104] Connection reset by peer",
    "    +---------------- 2 ----------------",
    "    | Traceback (most recent call last):",
    '    |   File "/srv/feeds/pull.py", line 33, in pull_one',
    "    |     rows = parse(body)",
    "    | ValueError: feed 'eu-stock' has no header row",
    "    +------------------------------------",
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_an_exception_group_split_one_line_per_entry_is_one_event(newest_first: bool) -> None:
    """Python 3.11's exception group report, one line per entry without a severity (Cloud Run): one error titled by
    the group, every line of the report (its sub-exceptions' too) its members, in either export order."""
    raw = split_lines(1, _GROUP_REPORT)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.title.startswith("ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)")
    assert cluster.count == len(_GROUP_REPORT) and cluster.events == 1


_STACK_INFO = [
    "Stack (most recent call last):",
    '  File "/srv/billing/close.py", line 80, in <module>',
    "    close_month()",
    '  File "/srv/billing/close.py", line 71, in close_month',
    '    log.warning("invoice %s has no lines", invoice.id, stack_info=True)',
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_record_logged_with_stack_info_is_one_event_titled_by_its_message(newest_first: bool) -> None:
    """logging's `stack_info=True` writes where the record was logged after its message, without an exception:
    one event per record, titled by its message, at the level it declares; the frames are its members."""
    raw = [
        *split_lines(
            1, ["WARNING:billing.close:invoice 4411 has no lines", *_STACK_INFO], step=0.0001, gke=True
        ),
        *split_lines(
            9, ["WARNING:billing.close:invoice 4502 has no lines", *_STACK_INFO], step=0.0001, gke=True
        ),
    ]
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.title == "invoice <*> has no lines"
    assert (cluster.count, cluster.events, cluster.max_severity) == (12, 2, "WARNING")


_CHECK_FAILURE = [
    "F1202 06:15:00.000123    23 shard_map.cc:140] Check failed: shard < num_shards_ (9 vs. 8)",
    "*** Check failure stack trace: ***",
    "    @     0x5581c2a3b4c5  google::LogMessage::Fail()",
    "    @     0x5581c2a3c456  google::LogMessageFatal::~LogMessageFatal()",
    "    @     0x5581c29f0abc  index::ShardMap::Lookup()",
    "    @     0x7f1a1b2c3d4e  start_thread",
    "*** SIGABRT received at time=1764656100 on cpu 1 ***",
    "PC: @     0x7f1a1b3a9e2c  (unknown)  raise",
    "    @     0x7f1a1b3c4d5f  clone",
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_glog_check_failure_and_its_stack_are_one_event(newest_first: bool) -> None:
    """glog's FATAL line, then `*** Check failure stack trace: ***` and its `@ 0x…` lines (and absl's failure
    signal report): one event at the FATAL line, titled by what the CHECK found."""
    raw = split_lines(1, _CHECK_FAILURE, step=0.0001, gke=True)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.title.startswith("Check failed: shard < num_shards_")
    assert (cluster.count, cluster.events, cluster.max_severity) == (9, 1, "CRITICAL")


_NEVER_RETRIEVED = [
    "Task exception was never retrieved",
    "future: <Task finished name='Task-7' coro=<refresh_prices() done, defined at /srv/prices/jobs.py:12> "
    "exception=ZeroDivisionError('division by zero')>",
    "Traceback (most recent call last):",
    '  File "/srv/prices/jobs.py", line 19, in refresh_prices',
    "    ratio = total / count",
    "ZeroDivisionError: division by zero",
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_asyncios_report_of_an_unretrieved_exception_is_one_event(newest_first: bool) -> None:
    """asyncio's handler writes its message and the task's context (`future: <Task …>`) before the traceback, on
    lines without a level: all one error, titled by the exception."""
    raw = split_lines(1, _NEVER_RETRIEVED)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.title.startswith("ZeroDivisionError: division by zero")
    assert (cluster.count, cluster.events) == (6, 1)


_ANYHOW = [
    "Error: could not open the ledger snapshot",
    "",
    "Caused by:",
    "    0: reading /data/ledger/2026-12.snap",
    "    1: Permission denied (os error 13)",
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_rust_error_chain_printed_on_exit_is_one_event_that_names_its_causes(newest_first: bool) -> None:
    """A Rust program whose `main` returns an error prints it, then its causes under `Caused by:`, one line per
    entry: one error titled by the error, its causes in its text."""
    raw = split_lines(1, _ANYHOW)
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.title.startswith("Error: could not open the ledger snapshot")
    assert (cluster.count, cluster.events) == (5, 1)
    assert "Permission denied (os error 13)" in cluster.message


@pytest.mark.parametrize(
    "lines",
    [
        ["Error: could not open the ledger snapshot", "    retrying in 5 s"],  # no `Caused by:`
        [
            "F1202 06:15:00.000123    23 shard_map.cc:140] Check failed: a == b (1 vs. 2)",
            "I1202 06:15:01.000000 1 main.cc:9] restarting",
        ],
        ["Stack (most recent call last):", "ERROR:billing:close failed"],  # no frame after it
        ["Task exception was never retrieved", "task: <nil>"],  # no traceback, no asyncio repr
    ],
)
def test_lines_like_those_reports_without_their_form_stay_apart(lines: list[str]) -> None:
    parsed = events(split_lines(1, lines, step=0.0001, gke=True))
    assert [len(event.members) for event in parsed] == [1] * len(lines)


_CRASH_REPORT = [
    "=CRASH REPORT==== 2-Dec-2026::09:14:03.412200 ===",
    "  crasher:",
    "    initial call: quota_srv:init/1",
    "    pid: <0.311.0>",
    "    registered_name: quota_srv",
    "    exception exit: {timeout,{gen_server,call,[billing_api,fetch_limits,5000]}}",
    "      in function  gen_server:call/3 (gen_server.erl, line 401)",
    "    ancestors: [quota_sup,<0.300.0>]",
    "    messages: []",
    "  neighbours:",
]
_GEN_SERVER_REPORT = [
    "=ERROR REPORT==== 2-Dec-2026::09:14:03.410100 ===",
    "** Generic server quota_srv terminating ",
    "** Last message in was refresh",
    "** When Server state == {state,[]}",
    "** Reason for termination ==",
    "** {timeout,{gen_server,call,[billing_api,fetch_limits,5000]}}",
]
_SUPERVISOR_REPORT = [
    "=SUPERVISOR REPORT==== 2-Dec-2026::09:14:03.415300 ===",
    "    supervisor: {local,quota_sup}",
    "    errorContext: child_terminated",
    "    reason: {timeout,{gen_server,call,[billing_api,fetch_limits,5000]}}",
    "    offender: [{pid,<0.311.0>},",
    "               {id,quota_srv},",
    "               {child_type,worker}]",
]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    ("report", "message"),
    [
        (
            _CRASH_REPORT,
            "CRASH REPORT: exception exit: {timeout,{gen_server,call,[billing_api,fetch_limits,5000]}} in "
            "gen_server:call/3 (initial call quota_srv:init/1)",
        ),
        (
            _GEN_SERVER_REPORT,
            "ERROR REPORT: Generic server quota_srv terminating: {timeout,{gen_server,call,[billing_api,fetch_limits,5000]}}",
        ),
        (
            _SUPERVISOR_REPORT,
            "SUPERVISOR REPORT: {local,quota_sup} child_terminated (child quota_srv): "
            "{timeout,{gen_server,call,[billing_api,fetch_limits,5000]}}",
        ),
    ],
)
def test_an_erlang_report_written_one_line_per_entry_is_one_error_saying_what_it_reports(
    report: list[str], message: str, newest_first: bool
) -> None:
    """Erlang/OTP's report on GKE's stdout (INFO), one line per entry: one event at ERROR, titled by what it
    reports (a crash's exception and where, a server's reason, a supervisor's child and reason)."""
    raw = split_lines(1, report, step=0.0001, gke=True, stream="stdout", severity="INFO")
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.message == message and cluster.title.startswith(message[:60])
    assert (cluster.count, cluster.events, cluster.max_severity) == (len(report), 1, "ERROR")


def test_an_erlang_info_report_stays_at_its_streams_level() -> None:
    report = [
        "=INFO REPORT==== 2-Dec-2026::09:20:00.000100 ===",
        "    application: quota",
        "    exited: stopped",
        "    type: temporary",
    ]
    raw = split_lines(1, report, step=0.0001, gke=True, stream="stdout", severity="INFO")
    assert scan_entries(raw).clusters == []


def test_a_line_starting_with_two_stars_outside_an_erlang_report_is_read_as_a_plain_line() -> None:
    """`** …` lines belong to an Erlang report after its header; alone on GKE's stderr, a banner line that says no
    failure is demoted as any plain line is, and stays apart."""
    raw = split_lines(
        1, ["** Starting exporter v2.1 on :9100 **", "** Config: /etc/exporter.yaml"], step=0.0001, gke=True
    )
    parsed = events(raw)
    assert [len(event.members) for event in parsed] == [1, 1]
    assert all(event.primary.severity < Severity.WARNING for event in parsed)


_AGGREGATE = [
    "cache unavailable, notification not queued: AggregateError [ECONNREFUSED]: ",
    "    at internalConnectMultiple (node:net:1118:18)",
    "    at afterConnectMultiple (node:net:1685:7) {",
    "  code: 'ECONNREFUSED',",
    "  [errors]: [",
    "    Error: connect ECONNREFUSED ::1:6379",
    "        at createConnectionError (node:net:1648:14) {",
    "      errno: -111,",
    "      port: 6379",
    "    },",
    "    Error: connect ECONNREFUSED 127.0.0.1:6379",
    "        at createConnectionError (node:net:1648:14) {",
    "      port: 6379",
    "    }",
    "  ]",
    "}",
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_an_aggregate_error_after_a_prefix_with_no_message_is_one_event(newest_first: bool) -> None:
    # console.error("…:", err) of Node.js' failure to connect to every address of a name: the header names the
    # error by its code alone, the errors it holds follow with their own stacks, one line per entry (Cloud Run)
    entries = split_lines(10, _AGGREGATE) + split_lines(70, _AGGREGATE)
    report = scan_entries(entries[::-1] if newest_first else entries)
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events, cluster.max_severity) == (32, 2, "ERROR")
    assert cluster.title.startswith("AggregateError: ECONNREFUSED")


def test_a_prefixed_line_naming_an_error_and_a_code_without_frames_stays_a_plain_line() -> None:
    entries = [
        run_entry(10, text="retry budget: SomeError [E42]: ", severity="WARNING"),
        run_entry(10.0001, text="    next line", severity="WARNING"),
    ]
    report = scan_entries(entries)
    assert sorted(c.count for c in report.clusters) == [1, 1]


_THUMBNAIL = [
    "Traceback (most recent call last):",
    '  File "/app/thumbnailer/worker.py", line 48, in handle',
    "    img = Image.open(io.BytesIO(blob))",
    "PIL.UnidentifiedImageError: cannot identify image file <_io.BytesIO object at 0x7f3a2c1d9e40>",
]


def _logged_on_stdout(start: float, header_delay: float) -> list[dict[str, object]]:
    header = run_entry(
        start,
        text="2026-11-21 12:00:10,412 ERROR thumbnailer.worker: failed to render thumbnail for IMG_2231.HEIC",
        log="run.googleapis.com%2Fstdout",
    )
    return [header, *split_lines(start + header_delay, _THUMBNAIL)]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_traceback_on_stderr_joins_the_line_that_logged_it_on_stdout(newest_first: bool) -> None:
    # `logging` to sys.stdout, then `traceback.print_exc()` to stderr: two logs, one event
    entries = _logged_on_stdout(10, 0.002) + _logged_on_stdout(200, 0.002)
    report = scan_entries(entries[::-1] if newest_first else entries)
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events) == (10, 2)
    assert "UnidentifiedImageError" in cluster.title


def test_a_stdout_line_long_before_a_traceback_stays_apart() -> None:
    entries = _logged_on_stdout(10, 2.0)
    report = scan_entries(entries)
    assert sorted(c.count for c in report.clusters) == [1, 4]


def test_a_stdout_line_of_another_instance_stays_apart() -> None:
    header, *rest = _logged_on_stdout(10, 0.002)
    header["labels"] = {"instanceId": "inst-2"}
    report = scan_entries([header, *rest])
    assert sorted(c.count for c in report.clusters) == [1, 4]


def _runtime_records(
    start: float, parts: list[tuple[str, str]], step: float = 0.0001
) -> list[dict[str, object]]:
    """A container runtime's CRI records (`<time> stdout P …`) as a shipper without a CRI parser forwards them."""
    return [
        run_entry(
            start + i * step, text=f"2026-11-21T12:00:10.123456789Z stdout {flag} {text}", log="containers"
        )
        for i, (flag, text) in enumerate(parts)
    ]


_LONG_RECORD = (
    '{"level":"error","msg":"bulk request rejected","items":[' + ",".join(['{"status":429}'] * 30) + "]}"
)
_RECORD_PARTS = [("P", _LONG_RECORD[:200]), ("P", _LONG_RECORD[200:400]), ("F", _LONG_RECORD[400:])]


def test_the_parts_of_a_line_longer_than_the_runtimes_limit_are_one_event() -> None:
    # a JSON record over 16 KiB, written by containerd in parts (P, P, F): its level is in its first part only
    report = scan_entries(_runtime_records(10, _RECORD_PARTS) + _runtime_records(70, _RECORD_PARTS))
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events, cluster.max_severity) == (6, 2, "ERROR")
    assert "bulk request rejected" in cluster.title


def test_newest_first_the_parts_before_the_last_are_one_event() -> None:
    # (the last part comes first, read alone: below WARNING, it says nothing)
    report = scan_entries(_runtime_records(10, _RECORD_PARTS)[::-1])
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events) == (2, 1)


def test_whole_runtime_records_and_a_part_without_its_end_stay_apart() -> None:
    whole = [
        ("F", '{"level":"error","msg":"cache miss storm"}'),
        ("F", '{"level":"error","msg":"cache refill"}'),
    ]
    entries = _runtime_records(10, whole) + _runtime_records(20, [_RECORD_PARTS[0]])
    entries += _runtime_records(20.5, [("F", '{"level":"warn","msg":"slow flush"}')])  # (not right after it)
    report = scan_entries(entries)
    assert sorted(c.count for c in report.clusters) == [1, 1, 1, 1]


PHOENIX_POSTGREX = [
    "10:04:01.305 request_id=F7aQ [error] #PID<0.4567.0> running ShopWeb.Endpoint (connection #PID<0.4566.0>, "
    "stream id 1) terminated",
    "Server: shop.example.com:80 (http)",
    "Request: GET /products/31",
    "** (exit) an exception was raised:",
    "    ** (Postgrex.Error) ERROR 42703 (undefined_column) column p0.sale_price does not exist",
    "",
    '    query: SELECT p0."id", p0."sale_price" FROM "products" AS p0 WHERE (p0."id" = $1)',
    "        (ecto_sql 3.11.1) lib/ecto/adapters/sql.ex:1054: Ecto.Adapters.SQL.raise_sql_call_error/1",
    "        (shop 0.3.0) lib/shop_web/controllers/product_controller.ex:18: ShopWeb.ProductController.show/2",
    "        (plug_cowboy 2.6.1) lib/plug/cowboy/handler.ex:11: Plug.Cowboy.Handler.init/2",
]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
def test_an_elixir_report_whose_nested_message_holds_a_blank_line_is_one_event(newest_first: bool) -> None:
    lines = split_lines(1, PHOENIX_POSTGREX)
    result = events(list(reversed(lines)) if newest_first else lines)
    assert [len(e.members) for e in result] == [len(PHOENIX_POSTGREX)]
    stack = result[0].primary.stack
    assert stack is not None and stack.exception_type == "Postgrex.Error"


def test_a_blank_line_after_an_elixir_reports_frames_ends_it() -> None:
    report = [
        "10:04:01.120 [error] GenServer Shop.Sync terminating",
        "** (RuntimeError) sync failed",
        "    (shop 0.3.0) lib/shop/sync.ex:71: Shop.Sync.handle_info/2",
        "Last message: :tick",
        "",
        "10:04:01.200 [info] Sent 200 in 3ms",
    ]
    result = events(split_lines(1, report))
    assert [len(e.members) for e in result] == [4, 1, 1]


LARAVEL_PREVIOUS = [
    "[2026-11-18 09:05:00] production.ERROR: SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: "
    'select * from `carts` limit 1) {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002): '
    "SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: select * from `carts` limit 1) at "
    "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:822)",
    "[stacktrace]",
    "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(776): "
    "Illuminate\\\\Database\\\\Connection->runQueryCallback('select * from `...', Array, Object(Closure))",
    "#1 /var/www/html/app/Http/Controllers/CartController.php(31): Illuminate\\\\Database\\\\Eloquent\\\\Builder->first()",
    "#2 {main}",
    "",
    "[previous exception] [object] (PDOException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at "
    "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:65)",
    "[stacktrace]",
    "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(65): "
    "PDO->__construct('mysql:host=127....', 'shop', Object(SensitiveParameterValue), Array)",
    "#1 {main}",
    '"} ',
]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
def test_a_monolog_record_with_a_previous_exception_after_a_blank_line_is_one_event(
    newest_first: bool,
) -> None:
    lines = split_lines(1, LARAVEL_PREVIOUS)
    result = events(list(reversed(lines)) if newest_first else lines)
    assert [len(e.members) for e in result] == [len(LARAVEL_PREVIOUS)]


def test_a_php_report_and_a_blank_line_then_another_report_stay_two_events() -> None:
    report = [
        "PHP Fatal error:  Uncaught Error: Call to undefined function mb_strlen() in /app/a.php:3",
        "Stack trace:",
        "#0 {main}",
        "  thrown in /app/a.php on line 3",
    ]
    result = events(split_lines(1, [*report, "", *report]))
    assert [len(e.members) for e in result if e.primary.message.strip()] == [4, 4]


NLOG_RECORD = [
    "2026-11-18 09:03:20.4412|ERROR|Acme.Billing.InvoiceRunJob|Invoice run failed for tenant 118 "
    "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream",
    " ---> System.TimeoutException: Timeout during reading attempt",
    "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode mode)",
    "   --- End of inner exception stack trace ---",
    "   at Npgsql.NpgsqlCommand.ExecuteReader(Boolean async, CommandBehavior behavior)",
    "   at Acme.Billing.InvoiceRunJob.ExecuteAsync(IJobExecutionContext context) in /src/InvoiceRunJob.cs:line 33",
]


@pytest.mark.parametrize("gke", [False, True], ids=["cloud-run", "gke"])
def test_a_logged_line_ending_in_a_dotnet_exception_with_its_hresult_opens_the_frames_after_it(
    gke: bool,
) -> None:
    stdout = {"stream": "stdout", "severity": "INFO"} if gke else {}
    result = events(split_lines(1, NLOG_RECORD, gke=gke, **stdout))
    assert [len(e.members) for e in result] == [len(NLOG_RECORD)]
    assert result[0].severity.name == "ERROR"


def test_a_logged_line_naming_an_hresult_without_frames_after_it_stays_alone() -> None:
    lines = [
        "2026-11-18 09:03:20.4412|WARN|Acme.Billing.Retry|Retrying after Npgsql.NpgsqlException (0x80004005): gone",
        "2026-11-18 09:03:21.0001|INFO|Acme.Billing.Retry|Retry succeeded",
    ]
    assert [len(e.members) for e in events(split_lines(1, lines))] == [1, 1]


def gce_entry(seconds: float, *, json_payload: dict[str, object], log: str) -> dict[str, object]:
    """A line of a VM's log file as an agent sends it, without a severity."""
    return {
        "insertId": f"gce-{seconds:.4f}",
        "timestamp": stamp(seconds),
        "logName": f"projects/p/logs/{log}",
        "resource": {
            "type": "gce_instance",
            "labels": {"project_id": "p", "instance_id": "5520119823344100871"},
        },
        "jsonPayload": json_payload,
    }


LOG4NET_RECORD = [
    "2026-11-18 09:04:20,907 [14] ERROR Acme.Legacy.PartnerClient [(null)] - Stock feed push failed",
    "System.Net.WebException: The remote server returned an error: (503) Server Unavailable.",
    "   at System.Net.HttpWebRequest.GetResponse()",
    "   at Acme.Legacy.PartnerClient.PushStock(StockFeed feed) in C:\\build\\PartnerClient.cs:line 112",
]


def test_a_payload_that_is_only_a_message_is_the_line_an_agent_read_from_a_file() -> None:
    raw = [
        gce_entry(1 + i * 0.0001, json_payload={"message": line}, log="partner-feed")
        for i, line in enumerate(LOG4NET_RECORD)
    ]
    result = events(raw)
    assert [len(e.members) for e in result] == [len(LOG4NET_RECORD)]
    stack = result[0].primary.stack
    assert stack is not None and stack.exception_type == "System.Net.WebException"
    assert result[0].severity.name == "ERROR"


def test_a_payload_with_a_message_and_other_fields_stays_a_record() -> None:
    raw = [
        gce_entry(1 + i * 0.0001, json_payload={"message": line, "level": "info"}, log="partner-feed")
        for i, line in enumerate(LOG4NET_RECORD)
    ]
    result = events(raw)
    assert [len(e.members) for e in result] == [1, 1, 1, 1]
    assert all(e.primary.payload_kind == "json" for e in result)


SIDEKIQ_FAILURE = [
    "2026-11-18T09:04:00.000Z pid=1 tid=2q0w class=ReceiptMailerJob jid=b7e2c91f elapsed=0.388 INFO: fail",
    '2026-11-18T09:04:00.001Z pid=1 tid=2q0w WARN: {"context":"Job raised exception","job":{"retry":true,'
    '"queue":"mailers","class":"ReceiptMailerJob","args":[88120],"jid":"b7e2c91f","retry_count":0}}',
    "2026-11-18T09:04:00.002Z pid=1 tid=2q0w WARN: Net::SMTPAuthenticationError: 535-5.7.8 Username and Password "
    "not accepted.",
    "2026-11-18T09:04:00.003Z pid=1 tid=2q0w WARN: /usr/local/bundle/gems/net-smtp-0.4.0/lib/net/smtp.rb:1088:in "
    "`check_auth_response'",
    "/app/app/jobs/receipt_mailer_job.rb:7:in `perform'",
]


def test_a_lowercase_word_alone_opens_no_report_so_the_job_failure_after_it_is_one_event() -> None:
    result = events(split_lines(1, SIDEKIQ_FAILURE, step=0.001, gke=True, stream="stdout", severity="INFO"))
    assert [len(e.members) for e in result] == [1, 4]
    assert result[1].primary.message.startswith('{"context":"Job raised exception"')


@pytest.mark.parametrize(
    "exception",
    [
        "System.Net.Sockets.SocketException (111): Connection refused",
        "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream",
    ],
)
def test_a_dotnet_exception_with_its_code_after_a_logged_message_names_the_frames_right_after_it(
    exception: str,
) -> None:
    lines = [
        f"2026-11-19 14:00:20.0001|FATAL|Acme.Api.Program|Host terminated unexpectedly {exception}",
        "   at StackExchange.Redis.ConnectionMultiplexer.ConnectImpl(ConfigurationOptions configuration)",
        "   at Acme.Api.Program.Main(String[] args) in /src/Acme.Api/Program.cs:line 12",
    ]
    result = events(split_lines(1, lines))
    assert [len(e.members) for e in result] == [3]
    stack = result[0].primary.stack
    assert stack is not None and stack.exception_type == exception.split(" ", 1)[0]


OPENRESTY_ABORT = [
    "2026/12/03 06:02:30 [error] 7#7: *1182 lua entry thread aborted: runtime error: "
    "/srv/lualib/app/guard.lua:58: attempt to index local 'claims' (a nil value)",
    "stack traceback:",
    "coroutine 0:",
    "\t/srv/lualib/app/guard.lua: in function 'verify'",
    '\taccess_by_lua(nginx.conf:71):3: in main chunk, client: 10.0.0.7, server: _, request: "GET /me HTTP/1.1"',
]
PERL_CONFESS_LINES = [
    "Invalid account id 'ACC-' at /srv/lib/Ledger.pm line 120.",
    '\tLedger::post(Ledger=HASH(0x55d0c8a1e2f0), "ACC-", 1250) called at /srv/lib/Ledger/Batch.pm line 44',
    "\tLedger::Batch::run(Ledger::Batch=HASH(0x55d0c8b02a10)) called at /srv/bin/post_batch.pl line 17",
]
RUBY_ERROR_HIGHLIGHT = [
    "/srv/lib/importer.rb:41:in 'Importer#parse_item': undefined method 'fetch' for nil (NoMethodError)",
    "",
    '    price = item["offer"].fetch("price")',
    "                         ^^^^^^",
    "\tfrom /srv/lib/importer.rb:22:in 'block in Importer#run'",
    "\tfrom bin/import:9:in '<main>'",
]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (OPENRESTY_ABORT, "runtime error: attempt to index local 'claims' (a nil value) in verify"),
        (PERL_CONFESS_LINES, "die: Invalid account id 'ACC-' in Ledger::post"),
        (RUBY_ERROR_HIGHLIGHT, "NoMethodError: undefined method 'fetch' for nil in Importer#parse_item"),
    ],
    ids=["openresty-lua", "perl-confess", "ruby-error-highlight"],
)
def test_a_lua_traceback_a_perl_confess_or_a_ruby_error_highlight_split_per_line_is_one_problem(
    lines: list[str], title: str, newest_first: bool
) -> None:
    raw = split_lines(1, lines)  # Cloud Run: no severity
    result = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [(c.count, c.title, c.max_severity) for c in result.clusters] == [(len(lines), title, "ERROR")]


@pytest.mark.parametrize("lag", [0.00005, 0.5])
@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            [
                'unknown tier: "enterprise-plus"',
                "CallStack (from HasCallStack):",
                "  error, called at src/Plans/Tier.hs:31:12 in plans-0.9.1-Ab12C:Plans.Tier",
                "  tierLimits, called at src/Api/Upgrade.hs:58:19 in plans-0.9.1-Ab12C:Api.Upgrade",
            ],
            'ErrorCall: unknown tier: "enterprise-plus" in tierLimits',
        ),
        (
            [
                "lua: /srv/jobs/rollup.lua:12: bad argument #1 to 'insert' (table expected, got nil)",
                "stack traceback:",
                "\t[C]: in function 'table.insert'",
                "\t/srv/jobs/rollup.lua:12: in local 'add'",
                "\t/srv/jobs/rollup.lua:30: in main chunk",
                "\t[C]: in ?",
            ],
            "runtime error: bad argument #1 to 'insert' (table expected, got nil) in add",
        ),
    ],
    ids=["haskell-error", "lua-standalone"],
)
def test_a_plain_line_whose_report_heading_comes_after_it_on_cloud_run_heads_it_oldest_first(
    lines: list[str], title: str, lag: float
) -> None:
    # the first line declares nothing (the fast path skims it) and the report's lines come `lag` apart
    raw = split_lines(1, lines, step=lag)
    assert [(c.count, c.title) for c in scan_entries(raw).clusters] == [(len(lines), title)]
    built = Scan(GardenerConfig(), ScanOptions(), fast_path=False).run(ListSource(raw))  # every entry built
    assert [(c.count, c.title) for c in built.clusters] == [(len(lines), title)]


def test_a_plain_line_long_before_a_heading_or_in_another_stream_stays_apart() -> None:
    report = [
        "Prelude.head: empty list",
        "CallStack (from HasCallStack):",
        "  error, called at libraries/base/GHC/List.hs:1646:3 in base:GHC.List",
        "  head, called at src/Feed.hs:20:9 in feed-0.1.0-Xy12:Feed",
    ]
    raw = [
        run_entry(0, text="warming cache for tenant t-17"),  # 10 s before the heading: not its line
        *split_lines(10, report[1:]),
        run_entry(20, text="loaded 3 reports", instance="inst-2"),  # another instance's line right before
        *split_lines(20.001, report),
    ]
    result = scan_entries(raw)
    # (the call stack without its line declares nothing: below WARNING, as on main)
    assert [(c.count, c.title) for c in result.clusters] == [(4, "Prelude.head: empty list in Feed")]


def test_plain_lines_heading_reports_of_two_instances_printed_at_once_each_head_their_own() -> None:
    report = [
        'invoice state not final: "Draft"',
        "HasCallStack backtrace:",
        "  error, called at src/Invoices/Close.hs:48:13 in billing-0.5.0-F3kL2:Invoices.Close",
        "  close, called at src/Api/Routes.hs:90:22 in billing-0.5.0-F3kL2:Api.Routes",
    ]
    first = split_lines(1, report, step=0.001, instance="inst-1")
    second = split_lines(1, report, step=0.001, instance="inst-2")
    raw = [line for pair in zip(first, second, strict=True) for line in pair]  # their lines interleaved
    result = scan_entries(raw)
    assert [(c.count, c.events, c.title) for c in result.clusters] == [
        (8, 2, 'ErrorCall: invoice state not final: "Draft" in close')
    ]


def _logged_dart_error(message: str, error: str, frames: list[str]) -> list[str]:
    """package:logging's usual handler over a Dart error without the VM's `Unhandled exception:`: its record
    (`SEVERE: <time>: <message>`), the error's text, its frames."""
    return [f"SEVERE: 2026-12-03 06:02:10.125: {message}", error, *frames]


_DART_FRAMES_SHORT = [
    "#0      ListBase.first (dart:collection/list.dart:64:5)",
    "#1      Stock.pickBin (package:depot/stock.dart:57:31)",
]
_DART_FRAMES_LONG = [
    "#0      List.[] (dart:core-patch/growable_array.dart:264:36)",
    "#1      Ledger.entryAt (package:ledger/ledger.dart:88:14)",
    "<asynchronous suspension>",
    "#2      Ledger.close (package:ledger/ledger.dart:120:9)",
    "<asynchronous suspension>",
    "#3      main.<anonymous closure> (file:///srv/bin/server.dart:31:5)",
    "<asynchronous suspension>",
]


@pytest.mark.parametrize("gke", [False, True], ids=["cloud-run", "gke"])
@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    ("error", "frames", "title"),
    [
        ("Bad state: No element", _DART_FRAMES_SHORT, "Bad state: No element in Stock.pickBin"),
        (
            "RangeError (index): Invalid value: Not in inclusive range 0..2: 3",
            _DART_FRAMES_LONG,
            "RangeError (index): Invalid value: Not in inclusive range 0..2: 3 in Ledger.entryAt",
        ),
        (
            "Null check operator used on a null value",
            ["#0      Ledger.entryAt (package:ledger/ledger.dart:88:14)"],
            "TypeError: Null check operator used on a null value in Ledger.entryAt",
        ),
    ],
    ids=["state-error", "range-error", "null-check"],
)
def test_a_dart_error_logged_by_package_logging_without_its_heading_is_one_problem_titled_by_the_error(
    error: str, frames: list[str], title: str, newest_first: bool, gke: bool
) -> None:
    lines = _logged_dart_error("stock sync of warehouse 3 failed", error, frames)
    raw = [
        run_entry(0, text="sync started"),
        *split_lines(1, lines, gke=gke),  # one entry per line; Cloud Run: no severity, GKE's stderr: ERROR
        run_entry(3, text="sync idle"),
    ]
    result = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [(c.count, c.events, c.title) for c in result.clusters] == [(len(lines), 1, title)]


def test_dart_errors_of_two_instances_logged_at_once_each_make_their_own_event() -> None:
    lines = _logged_dart_error("ledger close failed", "Bad state: ledger is sealed", _DART_FRAMES_LONG)
    first = split_lines(1, lines, step=0.001, instance="inst-1")
    second = split_lines(1, lines, step=0.001, instance="inst-2")
    raw = [line for pair in zip(first, second, strict=True) for line in pair]
    result = scan_entries(raw)
    assert [(c.count, c.events, c.title) for c in result.clusters] == [
        (2 * len(lines), 2, "Bad state: ledger is sealed in Ledger.entryAt")
    ]


def test_a_plain_line_long_before_dart_frames_or_in_another_stream_is_not_their_error() -> None:
    raw = [
        run_entry(0, text="warming cache for tenant t-17"),  # 10 s before the frames: not their error
        *split_lines(10, _DART_FRAMES_SHORT),
        run_entry(20, text="loaded 3 reports", instance="inst-2"),  # another instance's line right before
        *split_lines(20.001, _DART_FRAMES_SHORT),
    ]
    result = events(raw)
    for plain in ("warming cache for tenant t-17", "loaded 3 reports"):
        assert [[m.message for m in event.members] for event in result if event.primary.message == plain] == [
            [plain]
        ]


def test_a_dart_error_logged_without_its_heading_is_one_problem_when_every_entry_is_built() -> None:
    lines = _logged_dart_error(
        "rates feed unreadable", "Bad state: Stream has already been listened to.", _DART_FRAMES_SHORT
    )
    result = scan_entries(split_lines(1, lines), min_severity=Severity.DEFAULT)  # (no fast path)
    assert [(c.count, c.events, c.title) for c in result.clusters] == [
        (len(lines), 1, "Bad state: Stream has already been listened to. in Stock.pickBin")
    ]


_SLOW_RECORD = [
    "",  # (the slow log opens each record with a blank line)
    "[03-Dec-2026 06:12:07]  [pool www] pid 311",
    "script_filename = /var/www/html/index.php",
    "[0x00007f8a1e0140d0] curl_exec() /var/www/html/lib/Http/Client.php:88",
    "[0x00007f8a1e013f90] get() /var/www/html/lib/Catalog/Feed.php:41",
    "[0x00007f8a1e013e10] {main}() /var/www/html/index.php:12",
]


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    "record", [_SLOW_RECORD, _SLOW_RECORD[1:4]], ids=["blank-first-three-calls", "one-call"]
)
def test_a_php_fpm_slow_log_record_alone_is_one_event(record: list[str], newest_first: bool) -> None:
    raw = [
        *split_lines(1, record, severity="WARNING"),
        *split_lines(2, [line.replace("pid 311", "pid 312") for line in record], severity="WARNING"),
    ]
    result = events(list(reversed(raw)) if newest_first else raw)
    assert [len(event.members) for event in result] == [len(record), len(record)]
    assert all("[pool www] pid 31" in event.primary.message for event in result)


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_php_fpm_slow_log_record_alone_is_titled_by_its_innermost_call(newest_first: bool) -> None:
    """The pool's line (`[pool www] pid 311`) names no cause: the request was slow in its innermost call, the
    first after the script's line, which titles the problem of records with other pids and addresses alike."""
    other = [
        line.replace("pid 311", "pid 318").replace("[0x00007f8a1e01", "[0x00007f8a2b77")
        for line in _SLOW_RECORD
    ]
    raw = [*split_lines(1, _SLOW_RECORD, gke=True), *split_lines(9, other, gke=True)]
    (cluster,) = scan_entries(list(reversed(raw)) if newest_first else raw).clusters
    assert cluster.events == 2
    assert cluster.title.startswith("slow request in curl_exec() /var/www/html/lib/Http/Client.php:88")


def test_a_slow_log_record_whose_only_parentheses_are_in_its_scripts_path_is_read_whole() -> None:
    """The record's check finds `() ` in the script's path (`a() b.php`) and no call after it that names one: the
    scan goes on (it stopped on the record) and counts every line."""
    record = [
        "",
        "[02-Dec-2026 14:13:20]  [pool www] pid 41",
        "script_filename = /var/www/html/a() b.php",
        "[0x00007f3b2c0104a0] sleep /var/www/html/x.php:3",
    ]
    clusters = scan_entries(split_lines(1, record, gke=True)).clusters
    assert sum(cluster.count for cluster in clusters) == len(record)
    assert not any(cluster.title.startswith("slow request in") for cluster in clusters)


def test_pieces_of_a_slow_log_record_far_apart_stay_their_own_lines() -> None:
    raw = [
        *split_lines(1, _SLOW_RECORD[1:3], severity="WARNING"),
        *split_lines(20, _SLOW_RECORD[3:], severity="WARNING"),  # calls long after: not this record's
    ]
    result = events(raw)
    assert [len(event.members) for event in result] == [1] * 5


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    ("heading", "blanks"),
    [
        ("💣 Program crashed: Bad pointer dereference at 0x0000000000000000", True),
        ("*** Program crashed: Aborted ***", False),
    ],
    ids=["bomb-with-blank-lines", "asterisks"],
)
def test_swift_backtracers_report_of_a_crash_without_a_trap_is_one_problem(
    heading: str, blanks: bool, newest_first: bool
) -> None:
    report = [
        heading,
        "",
        "Thread 2 crashed:",
        "",
        "0 0x000055d0f3e1a2b4 Ledger.post(_:) + 212 in Run at /srv/Sources/App/Ledger.swift:42:18",
        "1 [ra] 0x000055d0f3e19f10 closure #1 in routes(_:) + 88 in Run at /srv/Sources/App/routes.swift:9:5",
        "",
        "Backtrace took 0.41s",
    ]
    lines = report if blanks else [line for line in report if line]
    raw = split_lines(1, lines)  # Cloud Run: no severity
    result = scan_entries(list(reversed(raw)) if newest_first else raw)
    assert [
        (c.count, c.events, c.title.split(":")[0], c.title.endswith("in Ledger.post(_:)"))
        for c in result.clusters
    ] == [(len(lines), 1, "Program crashed", True)]
