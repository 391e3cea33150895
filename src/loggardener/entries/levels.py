"""What an entry's text says about itself: its declared level, its platform failure lines, its prefix.

Cloud Logging's severity is often not the application's: an entry written without one has none
(DEFAULT), and a container's stream decides it on GKE (stderr → ERROR, stdout → INFO). The text usually
declares the real level in a header (`[ERROR]`, `ERROR:app:`, `E1124 12:00:00.1 1 f.go:9]`, `level=error`,
`{"level":"error"}`) after a timestamp and before the message. `declared_level` reads that header;
`strip_prefix` removes timestamp, process id, level and component tags so that the same message reads the
same with and without them. Every pattern here is anchored or bounded: linear in the text's length.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from loggardener.entries.models import Severity

_ANSI = re.compile(r"\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\x1b[@-Z\\-_]")
_HEAD_CHARS = 200

_LEVEL_WORDS: dict[str, Severity] = {
    "TRACE": Severity.DEBUG,
    "DEBUG": Severity.DEBUG,
    "DBG": Severity.DEBUG,
    "VERBOSE": Severity.DEBUG,
    "FINE": Severity.DEBUG,
    "INFO": Severity.INFO,
    "INF": Severity.INFO,
    "INFORMATION": Severity.INFO,
    "NOTICE": Severity.NOTICE,
    "WARN": Severity.WARNING,
    "WARNING": Severity.WARNING,
    "WRN": Severity.WARNING,
    "ERROR": Severity.ERROR,
    "ERR": Severity.ERROR,
    "SEVERE": Severity.ERROR,
    "CRITICAL": Severity.CRITICAL,
    "CRIT": Severity.CRITICAL,
    "FATAL": Severity.CRITICAL,
    "PANIC": Severity.CRITICAL,
    "ALERT": Severity.ALERT,
    "EMERGENCY": Severity.EMERGENCY,
    "EMERG": Severity.EMERGENCY,
}
_GLOG_LEVELS = {"I": Severity.INFO, "W": Severity.WARNING, "E": Severity.ERROR, "F": Severity.CRITICAL}
# pino / bunyan numeric levels
_NUMERIC_LEVELS = ((60, Severity.CRITICAL), (50, Severity.ERROR), (40, Severity.WARNING), (30, Severity.INFO))
_JSON_LEVEL_KEYS = ("severity", "level", "levelname", "log.level", "loglevel", "lvl")

_LEVEL_ALTERNATION = "|".join(sorted(_LEVEL_WORDS, key=len, reverse=True))
_TIMESTAMP = (
    r"\d{4}[-/]\d\d[-/]\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:[.,]\d{1,9})?)?(?:\s?(?:Z|[+-]\d\d:?\d\d|UTC))?"
    r"|\d\d/\d\d/\d{4},?\s\d\d?:\d\d(?::\d\d)?(?:\s?[AP]M)?"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s[A-Z][a-z]{2}\s{1,2}\d\d?\s\d\d:\d\d:\d\d(?:\s\d{4})?"
    r"|[A-Z][a-z]{2}\s{1,2}\d\d?\s\d\d:\d\d:\d\d(?:\.\d+)?"
    r"|\d\d:\d\d:\d\d(?:[.,]\d{1,9})?"
)
_GLOG = re.compile(
    r"(?P<level>[IWEF])\d{4} \d\d:\d\d:\d\d\.\d{1,9}\s{1,8}\d{1,10} [\w./-]{1,200}:\d{1,9}\]\s?"
)
_PREFIX_TOKENS = re.compile(
    r"(?P<ts>\[?(?:" + _TIMESTAMP + r")\]?:?)"
    r"|\[(?P<blevel>(?i:" + _LEVEL_ALTERNATION + r"))\]:?"
    r"|<(?P<alevel>(?i:" + _LEVEL_ALTERNATION + r"))>:?"
    r"|(?P<plevel>(?:" + _LEVEL_ALTERNATION + r"))(?::(?=[\w.-]{0,64}:)[\w.-]{0,64}:|:|(?=\s))"
    r"|(?P<cword>(?i:error|warning|info|debug)):?(?=\s)"
    r"|(?P<pid>\[\d{1,10}\]|\(\d{1,10}\)|\d{1,10}(?=\s+-{1,3}\s)|-{1,3}(?=\s))"
    r"|(?P<tag>\[[^\]\s]{1,64}\]|\{[^}\s]{1,64}\}|\[Nest\])"
    r"|(?P<component>[A-Za-z][\w.-]{0,63}:(?=\s))"
    r"|(?P<location>[\w./-]{1,200}\.\w{1,8}:\d{1,9}:?(?=\s))"
)
_BARE_COMPONENT = re.compile(
    r"(?P<component>[A-Za-z][\w.-]{0,63})\s+(?:[-|:]\s+)?(?=(?:"
    + _LEVEL_ALTERNATION
    + r"|Error|Warning|Info)\b)"
)
_LOCATION = re.compile(r"[\w./-]{1,200}\.\w{1,8}:\d{1,9}")
# Python's warnings module: `/app/x.py:16: UserWarning: message` (its source line follows on the next line).
PY_WARNING = re.compile(r"^\S{1,500}\.py:\d{1,9}: (?P<category>[A-Z]\w{0,80}Warning): ")
_LOGFMT_LEVEL = re.compile(r"(?:^|\s)(?:level|lvl|severity)=\"?(?P<level>[A-Za-z]{3,11})\"?(?=\s|$)")


@dataclass(frozen=True)
class Declared:
    """A level the text declares, and the rule that found it."""

    severity: Severity
    rule: str


def strip_ansi(text: str) -> str:
    """Remove ANSI colour and cursor codes (NestJS, pino-pretty and others colour their headers)."""
    return _ANSI.sub("", text) if "\x1b" in text else text


def level_word(word: str) -> Severity | None:
    return _LEVEL_WORDS.get(word.strip().upper())


def json_level(payload: dict[str, object]) -> Severity | None:
    """The level a JSON object declares in `severity`, `level`, `levelname`… (name or pino number)."""
    for key in _JSON_LEVEL_KEYS:
        value = payload.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            return next((severity for floor, severity in _NUMERIC_LEVELS if value >= floor), Severity.DEBUG)
        if isinstance(value, str):
            word = level_word(value)
            if word is not None:
                return word
            if value.strip().isdigit():
                return json_level({key: int(value.strip())})
    return None


def declared_level(text: str) -> Declared | None:
    """The level the first line of `text` declares in its header, or None."""
    head = strip_ansi(text[:_HEAD_CHARS]).lstrip()
    if head.startswith("{"):
        level = _json_text_level(text)
        if level is not None:
            return Declared(level, "json-level-in-text")
    glog = _GLOG.match(head)
    if glog is not None:
        return Declared(_GLOG_LEVELS[glog["level"]], "glog-header")
    if PY_WARNING.match(head):
        return Declared(Severity.WARNING, "python-warning")
    first_line = head.split("\n", 1)[0]
    for kind, value in _header_tokens(first_line):
        if kind in ("blevel", "alevel"):
            return Declared(_LEVEL_WORDS[value.upper()], "bracketed-level")
        if kind == "plevel":
            return Declared(_LEVEL_WORDS[value.upper()], "level-header")
        if kind == "cword":
            return Declared(_LEVEL_WORDS[value.upper()], "level-word")
    logfmt = _LOGFMT_LEVEL.search(first_line)
    if logfmt is not None:
        level = level_word(logfmt["level"])
        if level is not None:
            return Declared(level, "logfmt-level")
    return None


def _json_text_level(text: str) -> Severity | None:
    if len(text) > 65_536:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return json_level(value) if isinstance(value, dict) else None


def _header_tokens(line: str) -> list[tuple[str, str]]:
    """The tokens of a line's header (timestamps, levels, tags), in order, up to the message."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while len(tokens) < 8:
        while position < len(line) and line[position] in " \t":
            position += 1
        match = _PREFIX_TOKENS.match(line, position)
        if match is None:
            bare = _BARE_COMPONENT.match(line, position)
            if bare is None or not tokens:
                break
            tokens.append(("bare", bare["component"]))
            position = bare.end()
            continue
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind].rstrip(":")))
        position = match.end()
        if kind in ("cword", "location"):
            break
    return tokens


def strip_prefix(text: str) -> str:
    """The message without its header: leading timestamp, process id, level, component tag, `file:line:`.

    `2023-02-25T03:46:49Z OSConfigAgent Error main.go:231: unexpected end of JSON input` and
    `unexpected end of JSON input` read the same. Only the first line is touched.
    """
    clean = strip_ansi(text)
    first, newline, rest = clean.partition("\n")
    glog = _GLOG.match(first.lstrip())
    if glog is not None:
        first = first.lstrip()[glog.end() :]
    position = _header_end(first)
    if position == 0:
        return clean.rstrip("\r\n")
    body = first[position:].lstrip(" \t-:|")
    if not body.strip():
        return clean.strip("\r\n")
    return (body + newline + rest).rstrip("\r\n")


def _header_end(line: str) -> int:
    position = 0
    consumed = 0
    while consumed < 8:
        start = position
        while position < len(line) and line[position] in " \t":
            position += 1
        match = _PREFIX_TOKENS.match(line, position)
        if match is None:
            bare = _BARE_COMPONENT.match(line, position) if consumed else None
            if bare is None:
                return start
            position = bare.end()
            consumed += 1
            continue
        kind = match.lastgroup or ""
        if kind in ("component", "cword", "location") and consumed == 0:
            return start
        if kind == "cword":
            # `… GCEGuestAgent: Error watching metadata`: the word starts the message; `Agent Error main.go:9:`
            following = line[match.end() :].lstrip()
            if not following or (following[0].islower() and not _LOCATION.match(following)):
                return start
        position = match.end()
        consumed += 1
        if kind == "location":
            return position
    return position


# Lines the platform writes when a function, container or worker fails, whatever severity it gives them
# (Cloud Functions writes its timeout line at DEBUG).
PLATFORM_FAILURE_PATTERN = (
    r"finished with status(?: code)?:? ?'?(?:timeout|crash|error|connection error|5\d\d)\b"
    r"|Memory limit of [\w. ]{1,32} exceeded"
    r"|terminated: Application failed to start"
    r"|(?:STARTUP|LIVENESS|READINESS) (?:HTTP|TCP|GRPC) probe failed"
    r"|\bWORKER TIMEOUT\b"
    r"|\bOOMKilled\b"
    r"|Out of memory: Kill"
    r"|fatal error: runtime: out of memory"
    r"|Back-off restarting failed container"
    r"|^panic: |^fatal error: "  # a Go program crashing (its goroutine dump may come in later entries)
)
_PLATFORM_FAILURE = re.compile("(?i)" + PLATFORM_FAILURE_PATTERN)
# A superset of the texts that may declare a level above INFO or carry a stack, for queries that must fetch
# the entries inference may raise (live scans, Log Analytics). RE2-safe: no lookaround, no backreference.
MAY_DECLARE_LEVEL = (
    r"(?i)err|warn|crit|fatal|panic|severe|emerg|alert|exception|traceback|^[EFW]\d{4} "
    r"|\"level\":\s*[4-6]\d|\n\s+at "
)
# A superset, for the parser's fast path, of the texts inference may raise to WARNING or above: every level
# word from WARNING up (`_LEVEL_WORDS`), in any case and anywhere (so in a bracket, a header, logfmt or
# JSON), glog's and Python's warning headers, the platform failure lines, stack and panic words.
_MAY_RAISE_WORDS = (
    "err",
    "warn",
    "wrn",
    "crit",
    "fatal",
    "panic",
    "severe",
    "emerg",
    "alert",
    "exception",
    "traceback",
    "goroutine",
    "finished with status",
    "memory",
    "terminated",
    "probe failed",
    "worker timeout",
    "oomkilled",
    "back-off",
)
_GLOG_LIKE = r"[efw]\d{4}"
MAY_RAISE = re.compile("(?i)" + "|".join(re.escape(word) for word in _MAY_RAISE_WORDS) + "|" + _GLOG_LIKE)
_ASCII_GLOG_LIKE = re.compile(r"[EFWefw]\d{4}")


def may_raise(text: str) -> bool:
    """`MAY_RAISE.search(text)`, quicker: an ASCII text is lowered and searched for each word (what `(?i)`
    means for ASCII text); any other text goes to the regular expression (Unicode case rules)."""
    if not text.isascii():
        return MAY_RAISE.search(text) is not None
    lower = text.lower()
    for word in _MAY_RAISE_WORDS:
        if word in lower:
            return True
    return _ASCII_GLOG_LIKE.search(text) is not None


_STREAM_DEFAULTS = {"stderr": Severity.ERROR, "stdout": Severity.INFO}


# Lower-case words one of which every platform failure line holds: an ASCII text without any cannot match
# (`(?i)` on ASCII text is `str.lower`), and the regular expression, slow on long texts, is not run.
_PLATFORM_FAILURE_WORDS = (
    "finished with status",
    "memory limit of ",
    "terminated: application failed to start",
    "probe failed",
    "worker timeout",
    "oomkilled",
    "out of memory: kill",
    "back-off restarting failed container",
    "panic: ",
    "fatal error: ",
)


def platform_failure(text: str) -> bool:
    """True when the text holds a platform failure line (timeout, crash, memory limit, probe failure…)."""
    head = text[:4096]
    if head.isascii():
        lower = head.lower()
        for word in _PLATFORM_FAILURE_WORDS:
            if word in lower:
                break
        else:
            return False
    return _PLATFORM_FAILURE.search(head) is not None


def stream_default(severity: Severity, stream: str | None) -> bool:
    """True when `severity` is only what the platform gives every line of the stream (GKE: stderr → ERROR)."""
    return stream is not None and _STREAM_DEFAULTS.get(stream) == severity


@dataclass(frozen=True)
class Inferred:
    """An entry's severity after reading its text, and the rule that changed it (None: unchanged)."""

    severity: Severity
    rule: str | None = None


def infer_severity(
    logged: Severity,
    *,
    weak: bool,
    text: str,
    has_stack: bool,
    has_error_group: bool,
    json_declared: Severity | None = None,
) -> Inferred:
    """The severity an entry really has. Rules, first match wins:

    1. `platform-failure`: a platform failure line is at least ERROR, whatever the platform wrote.
    2. `error-group`: an entry Error Reporting grouped (`errorGroups`) is at least ERROR.
    3. A weak severity (none, DEFAULT, or only the stream's default) takes the level the entry declares:
       `json-level` (a field of the JSON payload), `json-level-in-text`, `glog-header`, `bracketed-level`,
       `level-header`, `level-word`, `logfmt-level`.
    4. `stack`: a weak severity with a stack trace is ERROR.
    """
    if logged < Severity.ERROR and platform_failure(text):
        declared = declared_level(text) if weak else None
        if declared is not None and declared.severity > Severity.ERROR:
            return Inferred(declared.severity, declared.rule)  # `[CRITICAL] WORKER TIMEOUT`
        return Inferred(Severity.ERROR, "platform-failure")
    if logged < Severity.ERROR and has_error_group:
        return Inferred(Severity.ERROR, "error-group")
    if not weak:
        return Inferred(logged)
    if json_declared is not None:
        return Inferred(json_declared, "json-level" if json_declared != logged else None)
    declared = declared_level(text)
    if declared is not None:
        return Inferred(declared.severity, declared.rule if declared.severity != logged else None)
    if has_stack and logged < Severity.ERROR:
        return Inferred(Severity.ERROR, "stack")
    return Inferred(logged)
