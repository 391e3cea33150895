"""Stack-trace parsing for the formats Error Reporting understands: Python, Java, Node.js and Go panics."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from loggardener.entries.models import Frame, Language, StackTrace

PY_HEADER = "Traceback (most recent call last):"
PY_CHAIN_SEPARATORS = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)
_PY_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?\s*$')
_PY_EXCEPTION = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")
# Logback and Spring Boot append the jar: `at a.B.c(B.java:12) ~[app.jar:1.0]`.
_JAVA_FRAME = re.compile(
    r"^\s+at (?P<func>[\w$.<>/]+)\((?P<file>[^:()]+)(?::(?P<line>\d+))?\)(?:\s+~?\[[^\]]*\])?\s*$"
)
_JAVA_HEADER = re.compile(
    r"^(?:Exception in thread \"[^\"]*\" )?(?P<type>[a-zA-Z_$][\w$]*(?:\.[\w$]+)+)(?::\s?(?P<message>.*))?$"
)
_NODE_FRAME = re.compile(r"^\s+at (?:(?P<func>.+?) \()?(?P<file>[^()\s]+?):(?P<line>\d+):\d+\)?\s*$")
_NODE_HEADER = re.compile(r"^(?:Uncaught )?(?P<type>[A-Za-z_$][\w$.]*)(?::\s?(?P<message>.*))?$")
_GO_PANIC = re.compile(r"^panic: (?P<message>.*)$")
_GO_GOROUTINE = re.compile(r"^goroutine \d+ \[[^\]]*\]:\s*$")
_GO_FILE = re.compile(r"^\t(?P<file>\S+?):(?P<line>\d+)(?: \+0x[0-9a-f]+)?\s*$")

_PY_LIBRARY = re.compile(
    r"(site-packages|dist-packages)/|^<(frozen [^>]*|string)>$|(^|/)lib(64)?/python\d+(\.\d+)?/|^<frozen "
)
_JAVA_LIBRARY = (
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "kotlin.",
    "kotlinx.",
    "scala.",
    "org.apache.",
    "org.springframework.",
    "io.netty.",
    "com.google.",
    "org.eclipse.",
    "org.hibernate.",
    "io.grpc.",
)
_NODE_LIBRARY = re.compile(r"node_modules/|^node:|^internal/|^<anonymous>$")
_GO_LIBRARY = re.compile(r"^/usr/local/go/|/go/pkg/mod/|^runtime/|/src/runtime/")


class StackParser:
    """Finds and parses a stack trace inside a message."""

    def __init__(self, in_app_prefixes: Sequence[str] = ()) -> None:
        self._prefixes = tuple(in_app_prefixes)

    def _in_app(self, is_library: bool, *names: str | None) -> bool:
        if is_library:
            return False
        if not self._prefixes:
            return True
        return any(name is not None and name.startswith(self._prefixes) for name in names)

    def parse(self, text: str) -> StackTrace | None:
        """Return the stack trace found in `text`, or None."""
        if PY_HEADER in text:
            return self._python(text)
        if "panic: " in text and "goroutine " in text:
            return self._go(text)
        lines = text.splitlines()
        if any(_JAVA_FRAME.match(line) for line in lines):
            return self._java(lines, text)
        if any(_NODE_FRAME.match(line) for line in lines):
            return self._node(lines, text)
        return None

    def _python(self, text: str) -> StackTrace | None:
        start = text.index(PY_HEADER)
        trace = text[start:].rstrip()
        last_block = trace
        for separator in PY_CHAIN_SEPARATORS:
            last_block = last_block.rsplit(separator, 1)[-1]
        if PY_HEADER in last_block:
            last_block = last_block[last_block.rindex(PY_HEADER) + len(PY_HEADER) :]
        frames: list[Frame] = []
        tail: list[str] = []
        for line in last_block.splitlines():
            frame = _PY_FRAME.match(line)
            if frame:
                file = frame["file"]
                frames.append(
                    Frame(
                        file=file,
                        line=int(frame["line"]),
                        function=frame["func"],
                        in_app=self._in_app(bool(_PY_LIBRARY.search(file)), file),
                    )
                )
                tail = []
            elif (line.strip() and not line.startswith((" ", "\t"))) or tail:
                tail.append(line)
        exception_line = next((line for line in tail if _PY_EXCEPTION.match(line.strip())), None)
        if exception_line is None:
            return None
        match = _PY_EXCEPTION.match(exception_line.strip())
        assert match is not None
        message_lines = [match["message"] or "", *tail[tail.index(exception_line) + 1 :]]
        message = "\n".join(message_lines).strip()
        return StackTrace(
            language="python", exception_type=match["type"], message=message, frames=tuple(frames), text=trace
        )

    def _java(self, lines: list[str], text: str) -> StackTrace | None:
        def frame(match: re.Match[str]) -> Frame:
            function = match["func"]
            return Frame(
                file=match["file"],
                line=int(match["line"]) if match["line"] else None,
                function=function,
                in_app=self._in_app(function.startswith(_JAVA_LIBRARY), function, match["file"]),
            )

        # The thrown exception's frames end where its cause ("Caused by:") begins.
        return _framed("java", lines, text, _JAVA_HEADER, _JAVA_FRAME, frame, stop_prefix="Caused by:")

    def _node(self, lines: list[str], text: str) -> StackTrace | None:
        def frame(match: re.Match[str]) -> Frame:
            file = match["file"]
            return Frame(
                file=file,
                line=int(match["line"]),
                function=match["func"],
                in_app=self._in_app(bool(_NODE_LIBRARY.search(file)), file),
            )

        return _framed("node", lines, text, _NODE_HEADER, _NODE_FRAME, frame)

    def _go(self, text: str) -> StackTrace | None:
        lines = text.splitlines()
        panic_index = next((i for i, line in enumerate(lines) if _GO_PANIC.match(line)), None)
        if panic_index is None:
            return None
        panic = _GO_PANIC.match(lines[panic_index])
        assert panic is not None
        frames: list[Frame] = []
        in_goroutine = False
        function: str | None = None
        for line in lines[panic_index + 1 :]:
            if _GO_GOROUTINE.match(line):
                if frames:
                    break
                in_goroutine = True
                continue
            if not in_goroutine:
                continue
            location = _GO_FILE.match(line)
            if location and function is not None:
                file = location["file"]
                library = bool(_GO_LIBRARY.search(file)) or function.startswith("runtime.")
                frames.append(
                    Frame(
                        file=file,
                        line=int(location["line"]),
                        function=function,
                        in_app=self._in_app(library, file, function),
                    )
                )
                function = None
            elif line and not line.startswith("\t"):
                function = re.sub(r"\([^()]*\)$", "", line.strip())  # drop the arguments, keep `pkg.(*T).M`
        frames.reverse()
        return StackTrace(
            language="go",
            exception_type="panic",
            message=panic["message"].strip(),
            frames=tuple(frames),
            text=text[text.index(lines[panic_index]) :].strip(),
        )


def _framed(
    language: Language,
    lines: list[str],
    text: str,
    header_pattern: re.Pattern[str],
    frame_pattern: re.Pattern[str],
    make_frame: Callable[[re.Match[str]], Frame],
    stop_prefix: str | None = None,
) -> StackTrace | None:
    """A `Type: message` header followed by `at …` frame lines, innermost first (Java, Node.js)."""
    first_frame = next(i for i, line in enumerate(lines) if frame_pattern.match(line))
    header = next(
        (match for line in reversed(lines[:first_frame]) if (match := header_pattern.match(line.strip()))),
        None,
    )
    if header is None:
        return None
    frames: list[Frame] = []
    for line in lines[first_frame:]:
        if stop_prefix is not None and line.startswith(stop_prefix):
            break
        match = frame_pattern.match(line)
        if match is not None:
            frames.append(make_frame(match))
    frames.reverse()
    return StackTrace(
        language=language,
        exception_type=header["type"],
        message=(header["message"] or "").strip(),
        frames=tuple(frames),
        text=text.strip(),
    )
