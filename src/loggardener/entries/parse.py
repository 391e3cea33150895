"""Cloud Logging LogEntry (REST shape, camelCase) → `LogEntry`.

Which fields are read for which payload and resource type is tabled in the README ("What is read").
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import orjson

from loggardener.defaults import EARLIEST_MOMENT, LATEST_MOMENT
from loggardener.entries.levels import (
    KUBERNETES_SERVICE_FIELD,
    NGINX_UPSTREAM_FIELD,
    Inferred,
    access_request,
    errorlog_line,
    errorlog_message,
    header_tag,
    infer_severity,
    is_continuation,
    is_preamble,
    json_level,
    kubernetes_service_fields,
    lifecycle_line,
    may_raise,
    nginx_upstream,
    record_line,
    stream_default,
    strip_ansi,
    strip_prefix,
)
from loggardener.entries.models import (
    HttpInfo,
    LogEntry,
    MalformedEntry,
    PayloadKind,
    Quiet,
    RecordLine,
    Severity,
)
from loggardener.entries.payloads import (
    MAX_MESSAGE,
    Payload,
    as_text,
    caller_kind,
    read_payload,
    runtime_record,
    with_exception_labels,
)
from loggardener.entries.reassemble import credential_label, line_kind
from loggardener.entries.redact import Redactor
from loggardener.entries.resources import (
    STREAM_LABEL,
    kubernetes_cluster,
    node_of,
    pod_app,
    resource_identity,
)
from loggardener.entries.stacks import StackParser
from loggardener.errors import json_type
from loggardener.regexes import compile_regex

# RFC 3339 (a space may stand for the T; any number of fractional digits). A zone written as its name
# (`…11.374UTC`, as some exporters and Pub/Sub bridges write App Engine's times; Go's `… +0000 UTC`) is UTC, and
# an offset before the name is the offset.
_RFC3339 = compile_regex(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d+))?"
    r"(?P<tz>[Zz]|[+-]\d{2}:?\d{2}| ?[+-]\d{2}:?\d{2} ?UTC| ?(?:UTC|GMT))$"
)
_UTC = compile_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z")
# The severities the fast path reads as written (anything else, numbers included, goes to `parse`).
_QUIET_SEVERITIES = {
    None: Severity.DEFAULT,
    "DEFAULT": Severity.DEFAULT,
    "DEBUG": Severity.DEBUG,
    "INFO": Severity.INFO,
    "NOTICE": Severity.NOTICE,
}
# Texts up to this length go through the parser's caches (8,192 texts each, most of them shared).
_SHORT_TEXT = 512
# Texts up to this length are redacted through a cache of 256 (a traceback logged whole, which recurs).
_LONG_TEXT = 8192
# A program naming itself before its error, as Unix tools do (`tar: …`, `sh: 1: jq: command not found`)
_PROGRAM_ERROR = compile_regex(r"[a-z][a-z0-9_+-]{0,63}: ")
# The fields of a raw entry that differ from one copy of a line to the next and that `parse` reads alone, each into
# a field of its own: the rest of the entry (its payload, severity, resource, labels…) is what the entry says, and
# two entries that say the same make the same `LogEntry` but for these (`EntryParser.parse`'s memo). `spanId` is
# read by nothing.
_PER_COPY_FIELDS = frozenset(("insertId", "timestamp", "receiveTimestamp", "trace", "spanId"))
# How many entries' contents the memo keeps (the least recently met out first: a traceback's frame lines, an audit's
# records), and the longest content it keeps (as JSON): a bound on its memory (about 5 KB a content with its entry).
# On issue 13's realistic 100k export, 35,715 entries may be remembered, 19,151 of them seen before: kept in the order
# they came, 1,024 contents find 12,426; the 2,048 met last find 16,640 (4,096: 18,046, for 10 MB more).
_MEMO_SIZE = 2048
_MEMO_CONTENT = 2048
_POSITION, _INSERT_ID, _TIMESTAMP, _TRACE = (
    LogEntry._fields.index(field) for field in ("position", "insert_id", "timestamp", "trace")
)
# Every character `str.splitlines` breaks a line at.
_LINE_BREAK = compile_regex("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def parse_timestamp(value: str) -> datetime:
    """Parse RFC 3339 into an aware UTC datetime. The fraction of a second may have any number of digits, as
    RFC 3339 allows (Cloud Logging writes up to nine; a picosecond clock or a converter may write twelve): it is
    kept to the microsecond."""
    moment = _parse_utc(value)
    return moment if moment is not None else _parse_rfc3339(value)


def _parse_utc(value: str) -> datetime | None:
    """The common shape, `2026-11-21T12:00:00[.fraction]Z`, by `datetime.fromisoformat` (which keeps the
    first six fractional digits, as `_parse_rfc3339` does); None for any other text, which `_parse_rfc3339`
    then reads or says why it is not a timestamp."""
    if _UTC.fullmatch(value) is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:  # February 30th: `_parse_rfc3339` words the reason
        return None
    return moment if EARLIEST_MOMENT <= moment < LATEST_MOMENT else None


# An epoch count a log shipper writes as the time (Fluent Bit, Vector, OpenTelemetry's `timeUnixNano`, a
# protobuf `{seconds, nanos}`): its unit told by its size, each unit's span the years 2001 to 2200 (so a date in
# ISO 8601's basic form, `20261201` or `20261201073037`, or a small number, is no count of any unit).
_EPOCH_UNITS = (
    (1e9, 7.3e9, 1),
    (1e12, 7.3e12, 1_000),
    (1e15, 7.3e15, 1_000_000),
    (1e18, 7.3e18, 1_000_000_000),
)
_EPOCH_TEXT = compile_regex(r"[0-9]{9,19}(?:\.[0-9]{1,9})?")


def entry_moment(value: object) -> datetime:
    """An entry's `timestamp` (or `receiveTimestamp`) as an aware UTC datetime: RFC 3339 text, as Cloud Logging
    writes it, or an epoch count in a shipper's form (a JSON number, a text of digits, `{seconds, nanos}`)."""
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except MalformedEntry:
            if _EPOCH_TEXT.fullmatch(value) is None:
                raise
            return _epoch_moment(float(value) if "." in value else int(value), value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _epoch_moment(value, value)
    if isinstance(value, dict) and value.keys() <= {"seconds", "nanos"} and "seconds" in value:
        seconds, nanos = value["seconds"], value.get("nanos", 0)
        if (
            isinstance(seconds, str) and seconds.isascii() and seconds.isdigit()
        ):  # int64 as text, protobuf JSON's
            seconds = int(seconds)
        if type(seconds) is int and type(nanos) is int and 0 <= nanos < 1_000_000_000:
            return _after_epoch(lambda: timedelta(seconds=seconds, microseconds=nanos // 1000), value)
    raise MalformedEntry(_not_a_timestamp(value))


def entry_time(raw: dict[str, Any]) -> datetime:
    """An entry's moment: its `timestamp` (`entry_moment`), or, when that is missing or cannot be read (Go's zero
    time, a shipper's own format, `undefined`), the `receiveTimestamp` Cloud Logging recorded on receiving it,
    seconds later, as Logging itself uses when an entry comes without one. Neither readable: the timestamp's
    reason."""
    stamped = raw.get("timestamp")
    try:
        return entry_moment(stamped or raw.get("receiveTimestamp"))
    except MalformedEntry as unreadable:
        received = raw.get("receiveTimestamp")
        if not stamped or not received:
            raise
        try:
            return entry_moment(received)
        except MalformedEntry:
            raise unreadable from None


def shipped_timestamp_text(value: object) -> str | None:
    """RFC 3339 text of an epoch-count timestamp (`entry_moment`'s other forms), to compare entries by; None for
    anything else."""
    if isinstance(value, str) or value is None:
        return None
    try:
        return entry_moment(value).isoformat()
    except MalformedEntry:
        return None


def _epoch_moment(count: float, value: object) -> datetime:
    if count != count or count in (float("inf"), float("-inf")):
        raise MalformedEntry(_not_a_timestamp(value))
    per_second = next((unit for low, high, unit in _EPOCH_UNITS if low <= count < high), None)
    if per_second is None:
        raise MalformedEntry(
            f"timestamp {_shown(value)} is no epoch count of the years 2001 to 2200 (seconds, milliseconds, microseconds "
            "or nanoseconds since 1970)"
        )
    if isinstance(count, int):
        seconds, rest = divmod(count, per_second)
        return _after_epoch(
            lambda: timedelta(seconds=seconds, microseconds=rest * 1_000_000 // per_second), value
        )
    return _after_epoch(lambda: timedelta(microseconds=round(count * 1_000_000 / per_second)), value)


def _after_epoch(delta: Callable[[], timedelta], value: object) -> datetime:
    """The moment `delta()` after 1970-01-01 UTC, said malformed outside the years 1970 to 8999."""
    try:
        moment = EARLIEST_MOMENT + delta()
    except OverflowError:  # past timedelta's or datetime's range
        moment = LATEST_MOMENT
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise MalformedEntry(f"timestamp {_shown(value)} is outside the years 1970 to 8999")
    return moment


def _not_a_timestamp(value: object) -> str:
    """Why a timestamp field that is not text cannot be read (an export holds RFC 3339 text)."""
    if value is None or value == "":
        return "no timestamp"
    return f"timestamp {_shown(value)} is a JSON {json_type(value)}, neither RFC 3339 text nor an epoch count"


def _shown(value: object) -> str:
    """A timestamp value as a reason quotes it: text in quotes, anything else as its JSON, at most 60 characters."""
    try:
        shown = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    except ValueError:  # an integer past 4,300 digits
        shown = "(a long number)"
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _parse_rfc3339(value: str) -> datetime:
    match = _RFC3339.match(value.strip())
    if match is None:
        zone = (  # said only of a time that a zone would make readable, not of any text (`yesterday`)
            " (no time zone: end it with Z or an offset)" if _RFC3339.match(value.strip() + "Z") else ""
        )
        raise MalformedEntry(f"invalid timestamp {_shown(value)}{zone}")
    fraction = (match["frac"] or "").ljust(6, "0")[:6]
    time_of_day = match["time"]
    leap = time_of_day.endswith(":60")
    if leap:  # a leap second (RFC 3339 allows it; Python does not): its minute's last microsecond
        time_of_day, fraction = time_of_day[:-2] + "59", "999999"
    tz = match["tz"].upper().removesuffix("UTC").removesuffix("GMT").strip() or "Z"
    offset = timedelta(0)
    if tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            raise MalformedEntry(f"invalid timestamp {_shown(value)}: offset {tz} is not a time zone")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{time_of_day}.{fraction}")
        moment = (naive - offset).replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise MalformedEntry(f"invalid timestamp {_shown(value)}: {exc}") from None
    if leap and (moment.hour, moment.minute) != (23, 59):
        raise MalformedEntry(f"invalid timestamp {_shown(value)}: a leap second comes only at 23:59:60 UTC")
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise MalformedEntry(f"timestamp {_shown(value)} is outside the years 1970 to 8999")
    return moment


# Vertex AI's containers: a model server's (its own log) and a custom training job's (its resource types)
_VERTEX_OUTPUT_LOG = "aiplatform.googleapis.com%2Fprediction_container"
_VERTEX_JOB_TYPES = frozenset(("ml_job", "aiplatform.googleapis.com/CustomJob"))


# The logs in which the GCE guest agent records a VM's startup and shutdown scripts' output, every line at INFO
_SCRIPT_LOGS = ("/logs/GCEMetadataScripts", "/logs/google_metadata_script_runner")


def _stream(raw: dict[str, Any], labels: dict[str, Any]) -> str | None:
    """`stderr` or `stdout` when the entry is a container's output line (GKE, Cloud Run, App Engine);
    `output` when it is a Vertex AI container's, whose stream no label tells (stderr at ERROR, stdout at INFO);
    `build` when it is a line of a Cloud Build log (which records every line at INFO); `script` when it is a
    line a VM's startup or shutdown script wrote (the guest agent records every line at INFO)."""
    label = labels.get(STREAM_LABEL)
    if label in ("stderr", "stdout"):
        return str(label)
    log_name = str(raw.get("logName") or "")
    if log_name.endswith("/logs/cloudbuild"):
        return "build"
    if log_name.endswith(_SCRIPT_LOGS):
        return "script"
    resource = raw.get("resource")
    if log_name.endswith(_VERTEX_OUTPUT_LOG) or (
        isinstance(resource, dict) and resource.get("type") in _VERTEX_JOB_TYPES
    ):
        return "output"
    for stream in ("stderr", "stdout"):
        if log_name.endswith((f"/{stream}", f"%2F{stream}")):
            return stream
    return None


def _turned_down_as_read(text: str) -> bool:
    """Whether `EntryParser._quiet` turns down a text payload for its characters alone (a blank first, an ANSI code,
    a line break, a comment: a traceback's frames and source lines), where `read_payload` reads the text as its
    message, as it reads any text that ends with no JSON record or fields (`payloads._text`): told from the raw text,
    before the entry's time and payload are read."""
    stripped = text.rstrip()
    if stripped.endswith("}") or "} +" in stripped[-16:]:
        return False  # its message may be a record's, or the text before its fields
    return _loud_characters(text, ("#",))


def _loud_characters(message: str, first: tuple[str, ...]) -> bool:
    """Whether a message's characters alone keep it from being quiet (`EntryParser._quiet`): a blank first, a
    `first` character after blanks (a comment's `#`; `_quiet` turns down a JSON text's `{` too), an ANSI code, a line
    break (a traceback's frames and source lines, a Python repr's `\\n'`)."""
    return (
        message[:1].isspace()
        or message.lstrip()[:1] in first
        or "\x1b" in message
        or "\\n'" in message
        or _LINE_BREAK.search(message) is not None
    )


class EntryParser:
    """Normalizes raw LogEntry dicts. Every text taken from the log is redacted here."""

    def __init__(self, redactor: Redactor, stack_parser: StackParser) -> None:
        self._redact = redactor.redact
        # Names (services, revisions, instances, methods) repeat from entry to entry, and redacting is
        # pure: each is redacted and trimmed once.
        self._name = functools.lru_cache(maxsize=4096)(lambda name: _clean(redactor.redact(name)))
        self._redact_json = redactor.redact_json
        # Messages repeat too (a traceback's `File` and source lines, a worker's banner): short ones are
        # redacted once each, up to a bound.
        self._redact_short = functools.lru_cache(maxsize=8192)(redactor.redact)
        # and so do long ones (a traceback logged whole, the same exception at each failure): fewer are kept
        self._redact_long = functools.lru_cache(maxsize=256)(redactor.redact)
        # and a trace id comes with each entry of its request (the request log, the app's lines of it)
        self._redact_trace = functools.lru_cache(maxsize=1024)(redactor.redact)
        # and what is read from a short text is pure too: its severity, its message sans prefix (and its stack,
        # which the stack parser caches)
        self._infer_short = functools.lru_cache(maxsize=8192)(_infer)
        self._strip_short = functools.lru_cache(maxsize=8192)(strip_prefix)
        # and whether a short message keeps its entry on the fast path (`skim`)
        self._quiet_short = functools.lru_cache(maxsize=8192)(self._quiet)
        self._stacks = stack_parser
        # the entries `parse` built, by what their raw entries say (`_content`): a line that comes again (a
        # traceback's frame on another request, an audit record of a polling caller) is built once
        self._memo: dict[bytes, tuple[dict[str, Any] | None, LogEntry]] = {}

    def _redacted_payloads(self, raw: dict[str, Any]) -> dict[str, Any]:
        """`raw` with its JSON and proto payloads redacted by key name before anything is serialized
        (`{"password": 1234}`, `{"token": "a b"}`)."""
        redacted = raw
        for key in ("jsonPayload", "protoPayload"):
            value = raw.get(key)
            if isinstance(value, dict):
                if redacted is raw:
                    redacted = dict(raw)
                redacted[key] = self._redact_json(value)
        return redacted

    def redact(self, text: str) -> str:
        """`text` redacted, through the caches of short and long texts (longer ones are redacted each time)."""
        if len(text) <= _SHORT_TEXT:
            return self._redact_short(text)
        if len(text) <= _LONG_TEXT:
            return self._redact_long(text)
        return self._redact(text)

    def _redact_text(self, text: str) -> str:
        """`text` redacted whole, then cut to `MAX_MESSAGE` (cut first, a credential cut in two would pass)."""
        if len(text) <= _SHORT_TEXT:
            return self._redact_short(text)
        return self.redact(text)[:MAX_MESSAGE]

    def _redact_url(self, url: str) -> str:
        """`url` redacted, through the short texts' cache (a service's requests repeat their URLs)."""
        return self._redact_short(url) if len(url) <= _SHORT_TEXT else self._redact(url)

    def _label(self, value: Any) -> str:
        """A name the log gives as it is (a log name, a resource type, an error group's id), redacted."""
        return self._name(value if type(value) is str else as_text(value)) or ""

    def _strip_prefix(self, text: str) -> str:
        return self._strip_short(text) if len(text) <= _SHORT_TEXT else strip_prefix(text)

    def skim(self, position: int, raw: dict[str, Any]) -> Quiet | None:
        """The fast path: a `Quiet` record when `parse` would certainly make of `raw` a well-formed entry whose
        logged and inferred severities are below WARNING, and (a text line) that cannot be part of a
        traceback; None when the entry must be parsed (it may matter, or be malformed: `parse` says why).

        Below WARNING for sure means: no audit payload, no Error Reporting group, no server error's status, a
        severity written as a name below WARNING (or none), a JSON level below WARNING (or none), no error
        reported beside the message (`json-error`), and a one-line message with no stack
        field, not starting a JSON text, a stack frame or an ANSI code, in which `levels.may_raise` (a
        superset of every level word, glog header and platform failure line inference reads) finds nothing.
        Redaction cannot change that: it only replaces spans with `[REDACTED:kind]` markers, and no marker
        declares a level (tests/test_fast_path.py). A text line's traceback kind is read as `parse` and
        reassembly read it: from the redacted message without its prefix.
        """
        try:
            return self._skim(position, raw)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError):
            return None  # `parse` raises it again, or words it as malformed

    def _skim(self, position: int, raw: dict[str, Any]) -> Quiet | None:
        # (it runs for every entry: the raw entry's lookups and the name cache are bound once, and the `Quiet` is
        # built by position)
        get = raw.get
        if "protoPayload" in raw or get("errorGroups"):
            return None
        severity = get("severity")
        if not (severity is None or isinstance(severity, str)) or severity not in _QUIET_SEVERITIES:
            return None
        if "textPayload" in raw:
            text = raw["textPayload"]
            # (a runtime's record may be a part of a line, or its last: reassembly joins them; a traceback's frame
            # or source line is turned down before its time and payload are read)
            if (
                not isinstance(text, str)
                or text.lstrip().startswith("{")
                or runtime_record(text)
                or _turned_down_as_read(text)
            ):
                return None
        elif "jsonPayload" in raw and not isinstance(raw["jsonPayload"], dict):
            return None
        timestamp_text = get("timestamp") or get("receiveTimestamp")
        if not isinstance(timestamp_text, str):
            return None
        moment = _parse_utc(timestamp_text)
        resource = get("resource")
        resource = {} if resource is None else resource
        entry_labels = get("labels")
        entry_labels = {} if entry_labels is None else entry_labels
        if moment is None or not isinstance(resource, dict) or not isinstance(entry_labels, dict):
            return None
        resource_labels = resource.get("labels")
        resource_labels = {} if resource_labels is None else resource_labels
        if not isinstance(resource_labels, dict):
            return None
        payload = read_payload(raw)  # unredacted: key-name redaction touches no field read below
        message = payload.message
        if (
            (payload.stack_sources and payload.stack_sources != [message])
            or payload.reports_error  # `json-error`
            or payload.failed_check  # `health-check`
            or payload.failed_event  # `failed-event`
            or (payload.declared is not None and payload.declared >= Severity.WARNING)
        ):
            return None
        text = payload.kind == "text"
        if not (
            self._quiet_short(message, text) if len(message) <= _SHORT_TEXT else self._quiet(message, text)
        ):
            return None
        fields = get("httpRequest")
        if type(fields) is str:  # its JSON text (`parse` reads it): its status may be a server error's
            return None
        status = _status_code(fields if isinstance(fields, dict) else {}, payload)
        if status is not None and 500 <= status <= 599:
            return None  # a server error: at least ERROR (`http-status`)
        kind = resource.get("type")
        log_name = get("logName")
        kind_text = str(kind or "")
        identity = resource_identity(kind_text, resource_labels, entry_labels, payload, str(log_name or ""))
        app = pod_app(kind_text, entry_labels)
        name = self._name
        insert_id = get("insertId")
        return Quiet(
            position,
            str(insert_id or f"#{position}"),
            moment,
            self._label(log_name),
            self._label(kind),
            name(identity.service or ""),
            name(identity.revision or ""),
            name(identity.instance or ""),
            text,
            status,
            (name(app) or "") if app else "",
        )

    def _quiet(self, message: str, text: bool) -> bool:
        """Whether a message shows nothing that may raise its entry to WARNING (or, `text`, no traceback piece
        and no record's first line, `levels.is_preamble`, which reassembly joins to the record after it, nor
        PostgreSQL's continuation without a header, `levels.is_continuation`, which it joins to the line before, nor a line
        of SQL Server's error log, whose error's first line reassembly joins to the line after it, nor a
        line that ends naming a credential, after which reassembly redacts the stream's next line): one line, not
        starting a JSON text or a comment, no ANSI code, nothing `levels.may_raise` finds."""
        if text and (is_preamble(message) or errorlog_line(message) or is_continuation(message)):
            return False
        if _loud_characters(message, ("#", "{")) or may_raise(message):
            return False
        if text and credential_label(message):
            return False  # a line naming a credential: reassembly redacts its stream's next line after it
        return not text or line_kind(self._strip_prefix(self._redact_text(message))) is None

    def parse(self, position: int, raw: dict[str, Any]) -> LogEntry:
        """The `LogEntry` of `raw`, or `MalformedEntry` saying why it has none.

        An entry that says what one parsed before said (all but `_PER_COPY_FIELDS`) is that entry with its own
        position, insertId, timestamp and trace (a request's access log, whose latency differs each time, is not
        looked for)."""
        if "httpRequest" in raw:
            return self._parse(position, raw)
        content = {name: value for name, value in raw.items() if name not in _PER_COPY_FIELDS}
        try:
            key = orjson.dumps(content)
        except (orjson.JSONEncodeError, TypeError):  # an integer past 64 bits, a lone surrogate
            return self._parse(position, raw)
        if len(key) > _MEMO_CONTENT:
            return self._parse(position, raw)
        # orjson writes NaN and the infinities as null: where a null is written, the contents are compared too
        compared = content if b"null" in key else None
        memo = self._memo
        known = memo.pop(key, None)
        if known is None or known[0] != compared:
            entry = self._parse(position, raw)
            if len(memo) >= _MEMO_SIZE:
                del memo[next(iter(memo))]
            memo[key] = (compared, entry)
            return entry
        memo[key] = known  # met again: the latest, the last to go
        moment = entry_time(raw)
        fields = list(known[1])
        fields[_POSITION] = position
        fields[_INSERT_ID] = self._redact(str(raw.get("insertId") or f"#{position}"))
        fields[_TIMESTAMP] = moment
        fields[_TRACE] = self._redact_trace(as_text(raw.get("trace"))) or None
        return LogEntry._make(fields)

    def _parse(self, position: int, raw: dict[str, Any]) -> LogEntry:
        try:
            return self._parse_object(position, raw)
        except MalformedEntry:
            # (only an entry that failed pays for the look: no cost on the way every other entry takes)
            decoded = objects_from_json_text(raw)
            if decoded is raw:
                raise
            return self._parse_object(position, decoded)

    def _parse_object(self, position: int, raw: dict[str, Any]) -> LogEntry:
        moment = entry_time(raw)
        resource = _as_dict(raw.get("resource"), "resource")
        resource_type = str(resource.get("type") or "")
        resource_labels = _as_dict(resource.get("labels"), "resource.labels")
        entry_labels = _as_dict(raw.get("labels"), "labels")
        payload = read_payload(self._redacted_payloads(raw))
        if "exception.type" in entry_labels or "exception.stacktrace" in entry_labels:
            payload = with_exception_labels(payload, entry_labels)
        identity = resource_identity(
            resource_type, resource_labels, entry_labels, payload, str(raw.get("logName") or "")
        )

        http = _http(raw.get("httpRequest"), payload, self._redact_url, self._name)
        message = strip_ansi(payload.message)
        redacted = {
            message: self._redact_text(message)
        }  # the message is often a stack source too: redact once
        stack = None
        for candidate in payload.stack_sources:
            stack = self._stacks.parse(redacted.get(candidate) or self._redact_text(strip_ansi(candidate)))
            if stack is not None:
                break
        message = redacted[message]
        if stack is not None and lifecycle_line(message.partition("\n")[0]):
            # the platform's line about the service's own container or function run is the problem (one per
            # service), the stack after it only its detail (`Provided module can't be loaded.` … `Error: …`)
            stack = None
        if http is None and stack is None and payload.kind == "text":
            request = access_request(message)
            if request is not None:  # an access line logged as text is a request, as `httpRequest` is
                http = HttpInfo(method=request[0], url=request[1], status=request[2])

        error_groups = raw.get("errorGroups") or []
        if not isinstance(error_groups, list):
            raise MalformedEntry("errorGroups is not a list")
        named = (self._label(g["id"]) for g in error_groups if isinstance(g, dict) and g.get("id"))
        group_ids = tuple(group for group in named if group)
        logged = Severity.parse(raw.get("severity"))
        weak = logged == Severity.DEFAULT or stream_default(logged, _stream(raw, entry_labels))
        # the message without its header (a text's, a JSON message's): what is titled and templated
        stripped = self._strip_prefix(message) if payload.kind != "proto" and stack is None else message
        # a piece of a traceback (its header, a frame, an exception named behind a prefix) is left to reassembly
        piece = line_kind(stripped) if weak and payload.kind == "text" and stack is None else None
        # (a numbered line is only one after an exception, a `** …` line only in an Erlang report: their level is
        # read as any plain line's)
        traceback_piece = piece is not None and piece not in ("excerpt", "erlang-line")
        # a line on stderr that no traceback holds may be demoted when it shows no failure at all
        plain_line = (
            weak
            and logged >= Severity.WARNING
            and payload.kind == "text"
            and stack is None
            and not traceback_piece
        )
        infer = self._infer_short if len(message) <= _SHORT_TEXT else _infer
        server_error = http is not None and http.status is not None and 500 <= http.status <= 599
        inferred = infer(
            logged,
            weak,
            message,
            stack is not None,
            bool(group_ids),
            payload.declared,
            plain_line,
            server_error,
            payload.audit_status is not None,
            payload.reports_error,
            payload.failed_check,
            # a program's own error line (`cp: cannot stat 'x': No such file or directory`) only looks like an
            # exception's line: no exception class is one lower-case word, so it says its failure in words
            traceback_piece and not (piece == "exception" and _PROGRAM_ERROR.match(stripped) is not None),
            payload.failed_event,
        )
        role = _record_line(payload, message, stripped, logged, inferred.severity)
        # a label the prefix stripping would hide from reassembly (`- name: DB_PASSWORD` reads `DB_PASSWORD`)
        label = credential_label(message) if payload.kind == "text" and stripped != message else ""
        # the upstream nginx names in the request's context, which the stripping removed with it
        upstream = nginx_upstream(message) if NGINX_UPSTREAM_FIELD in message and stripped != message else ""
        if not upstream and KUBERNETES_SERVICE_FIELD in message and stripped != message:
            upstream = kubernetes_service_fields(
                message
            )  # the Service a logfmt line's fields name (Traefik's)
        if not upstream and payload.upstream:  # named in a field of its own (the Ops Agent's `nginx_error`)
            upstream = self._redact_url(payload.upstream)
        # the component tag the stripping removed (go-sql-driver's `[mysql] 2026/11/05 09:00:04 packets.go:37: …`)
        tag = header_tag(message) if stripped != message and message[:1] == "[" else ""
        # a line of SQL Server's error log reads without its date and source column (`Logon`, `spid51`)
        message = errorlog_message(message) if role == "message" else stripped
        node = node_of(resource_type, resource_labels, payload, entry_labels)
        app = pod_app(resource_type, entry_labels)
        cluster = kubernetes_cluster(resource_type, resource_labels)
        return LogEntry(
            position=position,
            insert_id=self._redact(str(raw.get("insertId") or f"#{position}")),
            timestamp=moment,
            severity=inferred.severity,
            logged_severity=logged,
            severity_rule=inferred.rule,
            log_name=self._label(raw.get("logName")),
            resource_type=self._label(resource_type),
            service=self._name(identity.service or ""),
            revision=self._name(identity.revision or ""),
            instance=self._name(identity.instance or ""),
            node=self._name(node) if node else None,
            payload_kind=payload.kind,
            message=message,
            stack=stack,
            http=http,
            audit_method=self._name(payload.audit_method or ""),
            audit_service=self._name(payload.audit_service or ""),
            audit_status=self._name(payload.audit_status or ""),
            audit_grants_only=payload.grants_only,
            audit_scope=tuple(filter(None, map(self._name, payload.audit_scope)))
            if payload.audit_scope
            else (),
            principal=self._name(payload.principal) if payload.principal else None,
            principal_kind=caller_kind(raw),
            error_group_ids=group_ids,
            source_location=self._name(_source_location(raw.get("sourceLocation")) or ""),
            trace=self._redact_trace(as_text(raw.get("trace"))) or None,
            record_line=role,
            credential_label=label,
            upstream=upstream,
            tag=tag,
            pod_app=(self._name(app) or "") if app else "",
            cluster=(self._name(cluster) or "") if cluster else "",
        )


def _record_line(
    payload: Payload, message: str, stripped: str, logged: Severity, severity: Severity
) -> RecordLine:
    """`levels.record_line` of a text line that may join a record: a head or PostgreSQL's continuation at WARNING
    or above, a bare line logged at WARNING or above (a line below WARNING is read as one the fast path skims:
    alone, and it skims no line logged at WARNING or above); a preamble (`levels.is_preamble`) at any level, which
    the fast path never skims, and so a line of SQL Server's error log (`levels.errorlog_line`): an error's first
    line (`error`), any other line a `message` that may say what that error was."""
    if payload.kind == "text":
        if payload.partial:
            return "partial"  # (at any level: the line's level is in its first part)
        if is_preamble(payload.message):
            return "preamble"
        if is_continuation(payload.message):
            return "continuation"  # (at any level: psycopg2's `DETAIL:` line on Cloud Run has none)
        errorlog = errorlog_line(payload.message)
        if errorlog:  # SQL Server's error: its first line, then what failed
            return "error" if errorlog == "error" else "message"
    if (
        payload.kind != "text"
        or (severity < Severity.WARNING and logged < Severity.WARNING)
        or payload.message.startswith("\x1b")  # (Log Analytics reads the raw text's first character)
    ):
        return ""
    role = record_line(message, stripped)
    if role == "bare":
        return role if logged >= Severity.WARNING else ""
    return role if severity >= Severity.WARNING else ""


def _infer(
    logged: Severity,
    weak: bool,
    text: str,
    has_stack: bool,
    has_error_group: bool,
    declared: Severity | None,
    plain_line: bool,
    server_error: bool,
    failed_call: bool,
    reports_error: bool,
    failed_check: bool = False,
    traceback_piece: bool = False,
    failed_event: bool = False,
) -> Inferred:
    return infer_severity(
        logged,
        weak=weak,
        text=text,
        has_stack=has_stack,
        has_error_group=has_error_group,
        json_declared=declared,
        plain_line=plain_line,
        server_error=server_error,
        failed_call=failed_call,
        reports_error=reports_error,
        failed_check=failed_check,
        traceback_piece=traceback_piece,
        failed_event=failed_event,
    )


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _source_location(location: Any) -> str | None:
    if type(location) is str:  # its JSON text
        location = _object_from_text(location)
    if isinstance(location, dict) and location.get("file"):
        line = location.get("line")
        return (
            f"{as_text(location['file'])}:{as_text(line)}"
            if line not in (None, "", "0", 0)
            else as_text(location["file"])
        )
    return None


_JSON_TEXT_FIELDS = ("jsonPayload", "protoPayload", "resource", "labels", "httpRequest", "sourceLocation")
"""The LogEntry fields that hold an object, which an export may give as that object's JSON text."""
_JSON_TEXT_DEPTH = 64
"""Deepest nesting kept in an object decoded from JSON text (as an export's entries are bounded)."""


def objects_from_json_text(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with each object field given as its JSON text decoded: BigQuery exports its JSON columns so (a Log
    Analytics query's `json_payload`, `labels`, `resource.labels` saved as JSON), and so do log shippers that
    serialize the payload (`"jsonPayload": "{\"msg\": …}"`); `raw` itself when no such field holds an object's
    text. A text that is no JSON object (`"jsonPayload": "timeout"`) stays as it is: the entry is malformed."""
    decoded = raw
    for name in _JSON_TEXT_FIELDS:
        value = _object_from_text(raw.get(name))
        if value is not None:
            if decoded is raw:
                decoded = dict(raw)
            decoded[name] = value
    resource = decoded.get("resource")
    if isinstance(resource, dict):
        labels = _object_from_text(resource.get("labels"))
        if labels is not None:
            decoded = decoded if decoded is not raw else dict(raw)
            decoded["resource"] = {**resource, "labels": labels}
    return decoded


def _object_from_text(value: Any) -> dict[str, Any] | None:
    """The object a JSON text holds, lone surrogates replaced and nesting bounded; None for anything else."""
    if type(value) is not str or not value.lstrip().startswith("{"):
        return None
    try:
        decoded = json.loads(value)
        return _bounded(decoded, _JSON_TEXT_DEPTH) if type(decoded) is dict else None
    except (ValueError, RecursionError):
        return None


_LONE_SURROGATE = compile_regex("[\ud800-\udfff]")


def _bounded(value: Any, depth: int) -> Any:
    """`value` with lone surrogates replaced by U+FFFD (text no output can encode); ValueError past `depth`
    levels of nesting."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if not value.isascii() else value
    if isinstance(value, (dict, list)):
        if depth == 0:
            raise ValueError("nested too deep")
        if isinstance(value, dict):
            return {_bounded(key, depth): _bounded(item, depth - 1) for key, item in value.items()}
        return [_bounded(item, depth - 1) for item in value]
    return value


def _as_dict(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedEntry(f"{name} is not an object")
    return value


def _http(
    value: Any, payload: Payload, redact: Callable[[str], str], redact_name: Callable[[str], str | None]
) -> HttpInfo | None:
    """The request facts the entry holds (httpRequest, or a RequestLog payload): never more than it says,
    redacted (the URL; the method and latency as names, which repeat)."""
    fields = value if isinstance(value, dict) else _object_from_text(value) or {}
    status_code = _status_code(fields, payload)
    method = as_text(fields.get("requestMethod")) or payload.http_method
    url = as_text(fields.get("requestUrl")) or payload.http_url
    if status_code is None and not method and not url:
        return None
    return HttpInfo(
        method=redact_name(method) if method else None,
        url=redact(url) if url else None,
        status=status_code,
        latency=redact_name(as_text(fields.get("latency"))),
    )


def _status_code(fields: dict[str, Any], payload: Payload) -> int | None:
    status = fields.get("status", payload.http_status)
    try:
        return int(status) if status is not None and status != "" else None
    except (TypeError, ValueError, OverflowError):  # not a number, NaN, or an infinity (`1e999`)
        return None


def url_path(url: str) -> str:
    """The path of a request URL (no scheme, host or query); never raises, even on a malformed URL."""
    try:
        return urlsplit(url).path or "/"
    except ValueError:  # e.g. an unclosed IPv6 host, `http://[::1`: the text before the query, minus the host
        before_query = url.split("?", 1)[0].split("#", 1)[0]
        scheme, separator, rest = before_query.partition("://")
        if not separator:
            return scheme or "/"
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"


__all__ = [
    "EntryParser",
    "MalformedEntry",
    "PayloadKind",
    "entry_moment",
    "entry_time",
    "json_level",
    "parse_timestamp",
    "shipped_timestamp_text",
    "url_path",
]
