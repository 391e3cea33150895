"""Stacks written as lists of frame objects (zerolog's pkgerrors, stacktrace.js) and Go's pkg/errors `%+v`."""

from __future__ import annotations

from typing import Any

import pytest

from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


def parse(payload: dict[str, Any]) -> Any:
    return parser.parse(1, {"timestamp": "2026-03-01T10:00:00Z", "jsonPayload": payload})


def test_zerologs_frame_list_is_the_errors_stack() -> None:
    entry = parse(
        {
            "level": "error",
            "error": "open /var/spool/out.csv: permission denied",
            "stack": [
                {"func": "(*Spooler).Open", "line": "58", "source": "spool.go"},
                {"func": "(*Worker).Run", "line": "120", "source": "worker.go"},
                {"func": "goexit", "line": "1695", "source": "asm_amd64.s"},
            ],
            "message": "spool failed",
        }
    )
    assert entry.stack is not None and entry.stack.language == "go"
    origin = entry.stack.innermost_in_app
    assert (origin.file, origin.line, origin.function) == ("spool.go", 58, "(*Spooler).Open")
    assert "permission denied" in entry.stack.message


def test_stacktrace_js_frames_are_a_javascript_stack() -> None:
    entry = parse(
        {
            "severity": "ERROR",
            "message": "client error",
            "error": {
                "name": "RangeError",
                "message": "Invalid array length",
                "stack": [
                    {
                        "functionName": "grow",
                        "fileName": "https://x.example/a.91.js",
                        "lineNumber": 7,
                        "columnNumber": 3,
                    },
                    {
                        "functionName": "main",
                        "fileName": "https://x.example/b.12.js",
                        "lineNumber": 2,
                        "columnNumber": 9,
                    },
                ],
            },
        }
    )
    assert entry.stack is not None and (entry.stack.language, entry.stack.exception_type) == (
        "node",
        "RangeError",
    )
    assert entry.stack.innermost_in_app.function == "grow"


def test_a_pkg_errors_stack_is_read() -> None:
    text = (
        "load config: open /etc/app.yaml: no such file or directory\n"
        "main.loadConfig\n\t/src/app/config.go:31\n"
        "main.main\n\t/src/app/main.go:12\n"
        "runtime.main\n\t/usr/local/go/src/runtime/proc.go:271\n"
        "runtime.goexit\n\t/usr/local/go/src/runtime/asm_amd64.s:1695"
    )
    stack = StackParser().parse(text)
    assert stack is not None and stack.language == "go" and not stack.cut_off
    assert stack.message.startswith("load config: open /etc/app.yaml")
    assert [frame.function for frame in stack.frames if frame.in_app] == ["main.main", "main.loadConfig"]


@pytest.mark.parametrize(
    "payload",
    [
        # frames of Python and Java keep their languages
        {
            "error": {
                "type": "KeyError",
                "message": "'sku'",
                "frames": [{"filename": "/app/x.py", "lineno": 3, "function": "f"}],
            }
        },
        {
            "thrown": {
                "name": "java.lang.IllegalStateException",
                "extendedStackTrace": [{"class": "a.B", "method": "m", "file": "B.java", "line": 4}],
            }
        },
        # a list of what is no frame stays no stack
        {"message": "batch done", "stack": [{"name": "warmup", "ms": 12}, {"name": "load", "ms": 80}]},
    ],
)
def test_other_lists_keep_their_reading(payload: dict[str, Any]) -> None:
    entry = parse({"severity": "ERROR", "message": "x", **payload})
    if "stack" in payload:
        assert entry.stack is None
    else:
        assert entry.stack is not None and entry.stack.language in ("python", "java")
