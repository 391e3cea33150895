"""What a LogEntry's payload says: its message, where a stack may be, and the facts of known payload types.

| payload | read |
|---|---|
| `textPayload` | the text (message and stack); a JSON object in it is read as a `jsonPayload` |
| `jsonPayload` message (a JSON object line in it is read as the payload) | `message` / `msg` / `@mt` (Serilog's template, before its rendered `@m`) / `short_message` (GELF) / `MESSAGE` (journald) / `Message` / `event` / `description` / `summary` / `log` (a Docker json-file line a shipper forwarded), else Rust tracing's `fields.message`, else a field whose last word is `message`/`msg` (`logMessage`) |
| `jsonPayload` error | Error Reporting's `@type` (`…ReportedErrorEvent`); beside the message, `msg: error`: `error` / `err` (a string, or an object's `message`, else its `type` / `name`), `error.message`, log4j2 `thrown`, Workflows `failure`, an exception's class and message beside it (`error_class` and `error_message`, `exception.class` and `exception.message`: `Class: message`); without a message, the error is the message |
| `jsonPayload` stack | `stack_trace`, `stacktrace`, `stackTrace`, `stack`, `exception`, `Exception`, `@x`, `exc_info`, `exc_text`, `errorVerbose`, `full_message` (GELF), `error.stack_trace`, `error.stack`, and in `error` / `err` / `thrown` / `exception` objects their `stack`, `stack_trace`, `message` or a list of frames written out as the language prints them (log4j2's `extendedStackTrace`, a Jackson-serialized Throwable's `stackTrace`, a Ruby `backtrace`, Sentry-like `frames`, Quarkus' `frames` under its `exceptionType`, a list of `at` lines; `cause`) |
| `jsonPayload` level | `severity` / `level` / `levelname` / `log.level` / `loglevel` / `lvl` (names, pino numbers, a GELF record's syslog numbers), then a level word in `@l` / `LogLevel` / `log.level` (nested) / `status` (never a number); Serilog without `@l`: INFO; MongoDB's `s` (`F`, `E`, `W`, `I`, `D1`-`D5`) beside its `ctx`; journald `PRIORITY` 0-5, 7 when the message declares no level (6 declares nothing) |
| MongoDB's log line | `msg`, with `attr.error` (a string, or `codeName: errmsg`) or WiredTiger's `attr.message` after it |
| `jsonPayload` without message | its type's short name and up to four fields as `path=value`: errors first, then messages and reasons, then statuses and codes (else the first fields that are not times) |
| Cloud Scheduler `AttemptFinished` | `jobName`, `status`, `url`, `debugInfo` |
| Cloud Tasks `TaskActivityLog` | the queue (from `task`), `attemptResponseLog.status`, `attemptResponseLog.targetAddress` |
| GKE `Event` | `reason`, `message`, `involvedObject` |
| `protoPayload` AuditLog | `serviceName`, `methodName`, `resourceName`, `status.code` / `status.message` (without one, the error of the job its event reports: BigQuery's `jobChange` / `jobCompletedEvent` `job.jobStatus`), principal |
| `protoPayload` App Engine RequestLog | `method`, `resource`, `status`, `line[].logMessage` / `line[].severity`; a request that went well (below 400) with lines at WARNING or above is those lines, not the request |
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, get_args

from loggardener.entries.levels import (
    GELF_MESSAGE_FIELD,
    HTTP_METHODS,
    declared_level,
    json_level,
    level_word,
)
from loggardener.entries.models import MalformedEntry, PayloadKind, RpcCodeName, Severity
from loggardener.entries.stacks import PY_HEADER, StackParser
from loggardener.regexes import compile_regex

# The message: most loggers, Serilog CLEF's template and rendered text, GELF's short message, journald, .NET's JSON
# console, structlog, a platform's own event summary (Cloud Monitoring's notification channel events); last, Docker's json-file line (`{"log": "…\n", "stream": "stderr"}`) that a log shipper forwarded as it was.
MESSAGE_FIELDS = (
    "message",
    "msg",
    "@mt",
    "@m",
    "MessageTemplate",  # Serilog's JsonFormatter: its template, then the rendered text
    "RenderedMessage",
    GELF_MESSAGE_FIELD,
    "MESSAGE",
    "Message",
    "event",
    "textPayload",
    "description",
    "summary",
    "log",
)
# The error an entry reports beside its message: a string (zap, logrus, zerolog, slog), an object (pino and
# bunyan `err`, log4j2 `thrown`, Workflows `failure`), ECS's and Datadog's dotted `error.message`; an exception's
# class with its message beside it (Sidekiq's job hash, GitLab's logs: `error_class` and `error_message`).
ERROR_FIELDS = ("error", "err", "error.message", "thrown", "failure", "error_class", "exception.class")
# The message field beside an error class field
_ERROR_CLASS_MESSAGES = {"error_class": "error_message", "exception.class": "exception.message"}
# Error fields that may hold an error's message alone, and the class fields that may name its class beside them
_MESSAGE_ERROR_FIELDS = frozenset(("error", "err", "error.message"))
_ERROR_CLASS_FIELDS = ("error_class", "error_type", "exception_class")
# An error code and the field that says it in words beside it: OAuth 2.0's (RFC 6749: `{"error": "invalid_client",
# "error_description": "Client authentication failed"}`, as token endpoints answer and clients log it)
_ERROR_DESCRIPTIONS = {"error": "error_description"}
# An error object under another name: a key that starts or ends with `error` (Fleet Engine's `errorResponse`,
# `lastError`, `upstream_error`) holding an object with a message. Only objects: `error_code: "E1"` and
# `errorCount: 0` say no error happened.
_ERROR_OBJECT_KEY = compile_regex(r"(?i)^error|error$")
# The `@type` with which an app marks an entry as an error for Error Reporting
REPORTED_ERROR_EVENT = "clouderrorreporting.v1beta1.ReportedErrorEvent"
# A job's outcome field saying it failed (`"status": "FAILURE"`), where the payload declares no level.
OUTCOME_FIELDS = ("status", "state", "result", "outcome")
FAILED_OUTCOMES = frozenset(("FAILED", "FAILURE", "FAIL"))
_STACKS = StackParser()
"""Tells a stack from a headline with a dump (`_joined`)."""
_ERROR_MESSAGE_FIELDS = ("message", "exception_message", "localizedMessage", "exception", "msg")
_ERROR_TYPE_FIELDS = ("type", "name", "class", "exception_class", "kind")
_STACK_NAMES = (
    "stack_trace",
    "stacktrace",
    "stackTrace",
    "stack",
    "exception",
    "Exception",  # Microsoft.Extensions.Logging's JSON console
    "@x",  # Serilog CLEF
    "exc_info",  # python-json-logger
    "exc_text",
    "errorVerbose",  # zap: the error with its pkg/errors stack
    "full_message",  # GELF: the message with its stack under it
    "error.stack_trace",  # ECS, dotted
    "error.stack",  # Datadog, dotted
    "error",
    "err",
    "thrown",
    "trace",
)
# and each under a leading underscore, the mark of a record's own fields beside the standard ones: log4j2's
# `GcpLayout.json` writes the exception as `_exception` {class, message, stackTrace} beside `message`, GELF names
# every additional field so (`_stack_trace`)
STACK_FIELDS = (*_STACK_NAMES, *(f"_{name}" for name in _STACK_NAMES))
_NESTED_STACK_FIELDS = ("stack", "stack_trace", "stacktrace", "stackTrace", "extendedStackTrace", "message")
# A level word in these keys when the usual ones (`levels.json_level`) hold none: Serilog CLEF, .NET's JSON
# console, Datadog's `status` (a word only: an HTTP status is no level).
_LEVEL_WORD_FIELDS = ("@l", "LogLevel", "status")
# journald's PRIORITY (syslog levels). 6 (info) is missing: journald gives it to every line a service writes to
# its output, whatever the line says, so (like a container stream's default) it declares nothing.
SYSLOG_PRIORITY_FIELD = "PRIORITY"
SYSLOG_LEVELS = {
    "0": Severity.EMERGENCY,
    "1": Severity.ALERT,
    "2": Severity.CRITICAL,
    "3": Severity.ERROR,
    "4": Severity.WARNING,
    "5": Severity.NOTICE,
    "7": Severity.DEBUG,
}
# To find, in one set operation, which of these fields a payload has (most have none, or one).
_MESSAGE_KEYS = frozenset(MESSAGE_FIELDS)
_STACK_KEYS = frozenset(STACK_FIELDS)
_ERROR_KEYS = frozenset(ERROR_FIELDS)
# MongoDB (4.4+) writes one JSON object a line, its level a letter in `s` beside `c` (component), `ctx` (the
# thread) and `msg`: `{"t":{…},"s":"E","c":"NETWORK","id":23024,"ctx":"initandlisten","msg":"…","attr":{…}}`.
MONGO_LEVEL_FIELD = "s"
MONGO_CONTEXT_FIELD = "ctx"
MONGO_LEVELS = {"F": Severity.CRITICAL, "E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}
_OTHER_LEVEL_KEYS = frozenset(
    (*_LEVEL_WORD_FIELDS, "log", "@mt", "@m", SYSLOG_PRIORITY_FIELD, MONGO_CONTEXT_FIELD)
)
MAX_MESSAGE = 65_536
"""The longest message or stack text kept (the parser cuts it there, after redacting the whole text)."""
RPC_CODES: tuple[str, ...] = get_args(RpcCodeName)
"""google.rpc.Code's names, by number."""
_RPC_NAMES = frozenset(RPC_CODES)


@dataclass
class Payload:
    """The parts of a payload the parser uses (unredacted: the parser redacts)."""

    kind: PayloadKind = "none"
    message: str = ""
    stack_sources: list[str] = field(default_factory=list)
    declared: Severity | None = None
    audit_service: str | None = None
    audit_method: str | None = None
    audit_status: str | None = None
    principal: str | None = None
    http_method: str | None = None
    http_url: str | None = None
    http_status: int | None = None
    reports_error: bool = False
    """A JSON payload with an error beside (or as) its message: a non-empty `error`, `err`, `thrown`…"""
    scheduler_job: str | None = None
    host_name: str | None = None
    object_name: str | None = None
    """`namespace/name` of the workload a Kubernetes event is about."""
    event_node: str | None = None
    """The node a Kubernetes event happened on: the kubelet's host that reported it (`source.host`,
    `reportingInstance`), or the node it is about."""
    failed_check: bool = False
    """A health check's probe result that found its target unhealthy (logged at INFO by the load balancer)."""
    failed_event: bool = False
    """A Google Cloud product's own event (`@type`) whose outcome says it failed (`_failed_event`)."""
    grants_only: bool = False
    """An audited IAM policy change whose every binding delta adds a role (`policyDelta`): it grants, never revokes."""
    audit_scope: tuple[str, ...] = ()
    """What an audited change's request confines it to (`audit_scope`): the fields its update mask names, the ports
    a firewall rule admits or denies, the DNS records a change adds or deletes, a push subscription's endpoint."""
    partial: bool = False
    """A text that is a part of a longer line, which goes on in its stream's next entry (CRI's `P` flag)."""
    upstream: str | None = None
    """The upstream a proxy's structured error log names in a field of its own (the Ops Agent's `nginx_error`:
    `"upstream": "http://unix:/run/gunicorn.sock:/api"`), as a URL; or the Kubernetes Service its `namespace` and
    `serviceName` fields name (Traefik's), as `namespace/name`."""


def as_text(value: Any) -> str:
    """A field as text: strings as they are, anything else as sorted JSON, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


_WORD = compile_regex(r"\S*")


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (and `…`), never inside a word: the parser redacts what a payload
    says, and a credential cut in two leaves a part that no rule knows any more."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():
        partial = _WORD.match(head[::-1])  # the word the cut fell in, read from its end
        head = head[: limit - (partial.end() if partial else 0)]
    return head.rstrip() + "…"


def rpc_code_name(code: Any) -> str | None:
    """`7`, `"7"`, `"PERMISSION_DENIED"` or `"permission_denied"` → `PERMISSION_DENIED`; None for no code or OK.
    Any other text is kept as written (the parser redacts it: upper-cased, a credential would pass unseen)."""
    if isinstance(code, bool) or code is None or code == "":
        return None
    if isinstance(code, str) and not code.strip().isdigit():
        name = code.strip()
        return name.upper() if name.upper() in _RPC_NAMES else name or None
    try:
        number = int(code)
    except (TypeError, ValueError, OverflowError):  # not a number, NaN, or an infinity (`1e999`)
        return None
    if number == 0:
        return None
    return RPC_CODES[number] if 0 < number < len(RPC_CODES) else f"code {number}"


# Service agents Google runs in your project (Cloud Build, Security Command Center, serverless robots...).
_GOOGLE_AGENT = compile_regex(
    r"^(?:service-(?:org-|folder-)?\d+@|\d+@cloud(?:build|services)\.gserviceaccount\.com$)"
    r"|@(?:gcp-sa-[\w-]+\.iam|system|[\w-]+-robot[\w-]*\.iam)\.gserviceaccount\.com$"
)


def principal_kind(principal: str | None) -> str:
    """Who made an audited call: `anonymous`, `google-agent`, `service-account` (a workload) or `user`."""
    if not principal:
        return "anonymous"
    email = principal.removeprefix("serviceAccount:").removeprefix("user:").strip().lower()
    if _GOOGLE_AGENT.search(email):
        return "google-agent"
    if email.endswith(".gserviceaccount.com"):
        return "service-account"
    return "user"


def read_payload(raw: dict[str, Any]) -> Payload:
    if "textPayload" in raw:
        whole = as_text(raw["textPayload"])
        text = without_runtime_prefix(whole)
        structured = _json_line(text)
        if structured is not None:  # an app's JSON log line the agent left in textPayload
            return _json(structured)
        read = _text(text)
        read.partial = text is not whole and runtime_part(whole)
        return read
    if "jsonPayload" in raw:
        payload = raw["jsonPayload"]
        if not isinstance(payload, dict):
            raise MalformedEntry("jsonPayload is not an object")
        if len(payload) == 1 and isinstance(line := payload.get("message"), str) and _from_vm_agent(raw):
            # a line of a VM's log file that the agent read without a parser (the Ops Agent's `files` receiver
            # writes it as `message` and nothing else): the text line it was, so that an exception written one
            # line per entry (log4net, NLog) joins and its header is read
            unparsed = without_runtime_prefix(line.removesuffix("\n").removesuffix("\r"))
            structured = _json_line(unparsed)
            return _json(structured) if structured is not None else _text(unparsed)
        return _json(payload)
    if "protoPayload" in raw:
        payload = raw["protoPayload"]
        if not isinstance(payload, dict):
            raise MalformedEntry("protoPayload is not an object")
        if str(payload.get("@type", "")).endswith("RequestLog") or (
            "line" in payload and "resource" in payload
        ):
            return _request_log(payload)
        return _audit(payload)
    return Payload()


# The resources whose logs a VM's agent (the Ops Agent) sends from files
VM_AGENT_RESOURCES = ("gce_instance", "aws_ec2_instance")


def _from_vm_agent(raw: dict[str, Any]) -> bool:
    resource = raw.get("resource")
    return isinstance(resource, dict) and resource.get("type") in VM_AGENT_RESOURCES


# A container runtime's own record of a line (CRI's log format: `2026-12-01T08:00:00.123456789Z stderr F panic: …`,
# its time, the stream, and `F` for a full line or `P` for a part of a longer one), which a log shipper tailing
# `/var/log/containers` without a CRI parser forwards whole. The line after it is what the container wrote.
RUNTIME_PREFIX_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2}) std(?:out|err) [FP] "
_RUNTIME_PREFIX = compile_regex(RUNTIME_PREFIX_PATTERN)


def runtime_record(text: str) -> bool:
    """A container runtime's CRI record of a line (`<time> stderr F …`), whole or a part."""
    return text[:4].isdigit() and " std" in text[19:46] and _RUNTIME_PREFIX.match(text) is not None


def runtime_part(text: str) -> bool:
    """A CRI record whose line is a part of a longer one (its `P` flag): the line goes on in the stream's next
    record, up to one flagged `F`."""
    found = _RUNTIME_PREFIX.match(text) if text[:4].isdigit() else None
    return found is not None and text[found.end() - 2] == "P"


def without_runtime_prefix(text: str) -> str:
    """`text` without a container runtime's CRI record prefix (`<time> stderr F `), when it has one."""
    if not (text[:4].isdigit() and text[4:5] == "-" and " std" in text[19:46]):
        return text
    found = _RUNTIME_PREFIX.match(text)
    return text[found.end() :] if found is not None else text


def _json_line(text: str) -> dict[str, Any] | None:
    """The object a text line holds when it is one JSON object with a message (`{"level":"error","msg":…}`)."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")) or len(stripped) > MAX_MESSAGE:
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    return value if _is_record(value) else None


def _is_record(value: dict[str, Any]) -> bool:
    """A JSON object is a log record: it has a message (Rust tracing's in its `fields`), or it is an
    OpenTelemetry log record."""
    if _has_message(value):
        return True
    fields = value.get("fields")
    return (
        (isinstance(fields, dict) and _has_message(fields))
        or _otel_record(value) is not None
        or _loguru_record(value) is not None
        or _dbt_record(value) is not None
    )


# A text line whose fields follow its message as one JSON object, after a tab or a space: zap's console encoder
# (`2025-06-10T13:00:00Z\terror\tworker/run.go:42\tsync failed\t{"shard": 3, "error": "dial tcp …"}`), as the
# OpenTelemetry Collector, controller-runtime and many Go services write to stderr
_TRAILING_FIELDS = compile_regex(r"[\t ]\{\"")
# The npm `debug` module on a terminal writes the time since its namespace's last line after the line
# (`  prisma:schemaEngine:stderr  {"level":"ERROR",…} +1ms`)
_ELAPSED = compile_regex(r"\} \+[0-9]{1,9}(?:ms|s|m|h)$")


def _text(text: str) -> Payload:
    """A text payload. A one-line text that ends with a JSON record of its own (a level and a message) is that
    record, relayed behind a prefix. A one-line text whose trailing JSON fields (winston's and zap's `message {…}`)
    report an error reads `message: error`, as a JSON payload's message and error field do: an error field, or an
    error object itself (a `message` beside its `stack`); one whose fields are an access log of a server error is
    that request, its message the text before them (`Request completed {"method": "POST", "status": 500, …}`)."""
    plain = Payload(kind="text", message=text, stack_sources=[text])
    stripped = text.rstrip()
    if not stripped.endswith("}"):
        elapsed = _ELAPSED.search(stripped) if "} +" in stripped[-16:] else None
        if elapsed is None:
            return plain
        stripped = stripped[: elapsed.start() + 1]
    if "\n" in stripped or len(stripped) > MAX_MESSAGE:
        return plain
    start = _TRAILING_FIELDS.search(stripped)
    if start is None:
        return plain
    try:
        fields = json.loads(stripped[start.start() + 1 :])
    except (ValueError, RecursionError):
        return plain
    head = stripped[: start.start()].rstrip().rstrip(".")
    if not isinstance(fields, dict) or not head:
        return plain
    if json_level(fields) is not None and _is_record(fields):
        # a program's whole record, relayed behind its relay's prefix (a time, the `debug` module's namespace,
        # a process's tag): the record is the payload
        return _json(fields)
    access = _access_server_error(fields)
    if access is not None:
        method, url, status = access
        return Payload(
            kind="text",
            message=head,
            stack_sources=[text],
            http_method=method,
            http_url=url,
            http_status=status,
        )
    error = next((line for key in ERROR_FIELDS if (line := _field_error(fields, key))), "")
    if not error and isinstance(fields.get("stack"), str) and isinstance(fields.get("message"), str):
        error = fields["message"].strip().split("\n", 1)[0]
    return Payload(kind="text", message=_joined(head, error), stack_sources=[text]) if error else plain


# OpenTelemetry's log data model, as its exporters write a record (`body`, `severity_text`, `severity_number`,
# `attributes` with the semantic conventions' `exception.type`, `exception.message`, `exception.stacktrace`)
_OTEL_LEVEL_FIELDS = ("severity_text", "severityText", "SeverityText")
_OTEL_BODY_FIELDS = ("body", "Body")
_OTEL_ATTRIBUTE_FIELDS = ("attributes", "Attributes")


# A body that is an AnyValue rather than a string: Go's stdoutlog exporter writes `{"Type": "String", "Value": "…"}`,
# OTLP's JSON encoding `{"stringValue": "…"}`
_OTEL_VALUE_FIELDS = ("Value", "stringValue")


def _otel_text(body: Any) -> str | None:
    """A log record's body as text: a string, or an AnyValue holding one; None for anything else."""
    if isinstance(body, str):
        return body
    if isinstance(body, dict):
        value = next((body[key] for key in _OTEL_VALUE_FIELDS if isinstance(body.get(key), str)), None)
        return value
    return None


def _otel_record(payload: dict[str, Any]) -> dict[str, Any] | None:
    """An OpenTelemetry log record read as the usual fields (`message`, `level`, `error`, `stack_trace`), or
    None when `payload` is no such record (it has no `severity_text` or no string `body`)."""
    if all(key not in payload for key in _OTEL_LEVEL_FIELDS):
        return None
    body = next(
        (text for key in _OTEL_BODY_FIELDS if (text := _otel_text(payload.get(key))) is not None), None
    )
    level = next((payload[key] for key in _OTEL_LEVEL_FIELDS if isinstance(payload.get(key), str)), None)
    if body is None:
        return None
    attributes: dict[str, Any] = next(
        (payload[key] for key in _OTEL_ATTRIBUTE_FIELDS if isinstance(payload.get(key), dict)), {}
    )
    record = {**payload, "message": body, "level": level or ""}
    kind, text = attributes.get("exception.type"), attributes.get("exception.message")
    if isinstance(kind, str) or isinstance(text, str):
        record["error"] = ": ".join(part for part in (kind, text) if isinstance(part, str) and part)
    stack = attributes.get("exception.stacktrace")
    if isinstance(stack, str) and stack.strip():
        record["stack_trace"] = stack
    return record


# The OpenTelemetry Collector's googlecloud exporter writes a record's attributes as the entry's labels: an
# exception's `exception.type`, `exception.message` and `exception.stacktrace` beside a body that only says what
# was being done (`Refund request failed`)
_EXCEPTION_LABELS = ("exception.type", "exception.message", "exception.stacktrace")


def with_exception_labels(payload: Payload, labels: dict[str, Any]) -> Payload:
    """`payload` with the exception its entry's labels hold (`_EXCEPTION_LABELS`): its type and message after the
    payload's message, its stack among the stack's sources; `payload` itself when the labels hold none."""
    kind, text, stack = (labels.get(name) for name in _EXCEPTION_LABELS)
    error = ": ".join(part for part in (kind, text) if isinstance(part, str) and part.strip())
    sources = [stack] if isinstance(stack, str) and stack.strip() else []
    if not error and not sources:
        return payload
    message = (
        _joined(payload.message, error.split("\n", 1)[0])
        if error and payload.message
        else payload.message or error
    )
    return replace(
        payload, message=message, stack_sources=[*sources, *payload.stack_sources], reports_error=True
    )


# loguru's `serialize=True` sink: `{"text": "<the formatted line, with its traceback>", "record": {"level":
# {"name": "ERROR", "no": 40, "icon": …}, "message": …, "exception": {"type": …, "value": …, "traceback": true}
# or null, "name": <the logger>, "file": {…}, "time": {…}, …}}`: the level sits in `record.level.name` (its number
# is loguru's own scale, neither pino's nor syslog's), the exception's frames only in `text`
_LOGURU_TEXT = "text"
_LOGURU_RECORD = "record"


def _loguru_record(payload: dict[str, Any]) -> dict[str, Any] | None:
    """A loguru record read as the usual fields (`message`, `level`, `logger`, `error`, `stack_trace`), or None
    when `payload` is no such record."""
    record, text = payload.get(_LOGURU_RECORD), payload.get(_LOGURU_TEXT)
    if not isinstance(record, dict) or not isinstance(text, str):
        return None
    level, message = record.get("level"), record.get("message")
    if not isinstance(level, dict) or not isinstance(message, str):
        return None
    read: dict[str, Any] = {"message": message, "level": as_text(level.get("name"))}
    if isinstance(record.get("name"), str):
        read["logger"] = record["name"]
    exception = record.get("exception")
    if isinstance(exception, dict):
        kind, value = exception.get("type"), exception.get("value")
        read["error"] = ": ".join(part for part in (kind, value) if isinstance(part, str) and part)
        if "\n" in text.strip():
            read["stack_trace"] = text
    return read


# log4js' LoggingEvent as JSON (its `serialise()`, written by a JSON layout): `{"startTime": …, "categoryName":
# "invoice", "data": ["Invoice render failed for", 412, {"message": …, "stack": …}], "level": {"level": 40000,
# "levelStr": "ERROR", "colour": "red"}, "context": {}, "pid": 9}`: the message is what `data` holds, in order,
# and an error in it (an object with its `stack`) is the event's error
_LOG4JS_CATEGORY, _LOG4JS_DATA = "categoryName", "data"


def _log4js_event(payload: dict[str, Any]) -> dict[str, Any] | None:
    """A log4js LoggingEvent read as the usual fields (`message`, `level`, `logger`, `error`), or None when
    `payload` is no such event."""
    data, level = payload.get(_LOG4JS_DATA), payload.get("level")
    if not isinstance(data, list) or not isinstance(level, dict) or "startTime" not in payload:
        return None
    words: list[str] = []
    error: dict[str, Any] | None = None
    for item in data:
        if isinstance(item, dict) and error is None and isinstance(item.get("stack"), str):
            error = item
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            words.append(str(item))
    read: dict[str, Any] = {
        "message": " ".join(words),
        "level": level,
        "logger": as_text(payload[_LOG4JS_CATEGORY]),
    }
    if error is not None:
        read["error"] = error
    return read


# dbt's structured log (`dbt --log-format json`, on Cloud Run jobs and Composer): `{"info": {"name": "RunResultError",
# "code": "Z029", "level": "error", "msg": "<the line, with ANSI colours>", "ts": …, "invocation_id": …, …},
# "data": {…}}`: the level and the message sit in `info`, the event's own fields in `data`
_DBT_INFO = "info"
_DBT_FIELDS = ("level", "msg", "name", "invocation_id")


def _dbt_record(payload: dict[str, Any]) -> dict[str, Any] | None:
    """A dbt event read as the usual fields (`message`, `level`, `logger`), or None when `payload` is no such
    event."""
    info = payload.get(_DBT_INFO)
    if not isinstance(info, dict) or not all(isinstance(info.get(key), str) for key in _DBT_FIELDS):
        return None
    return {"message": info["msg"].strip(), "level": info["level"], "logger": info["name"]}


# Monolog's JSON record (Laravel's, Symfony's `JsonFormatter`: `message`, `context`, `level`, `level_name`,
# `channel`, `datetime`, `extra`) keeps what the app logged with the message in `context`: an error string, or
# an exception (`{"class": …, "message": …, "code": …, "file": "/app/x.php:27", "trace": […]}`), read as the
# record's error object (its message beside the record's: `Uncaught exception: Call to undefined method …`)
_MONOLOG_RECORD = ("context", "channel", "level_name")


def _monolog_errors(payload: dict[str, Any]) -> dict[str, Any]:
    """The error fields of a Monolog record's `context`, to be read as the record's own; {} for other payloads."""
    context = payload.get("context")
    if not isinstance(context, dict) or not all(key in payload for key in _MONOLOG_RECORD):
        return {}
    lifted = {key: context[key] for key in ERROR_FIELDS if key in context and key not in payload}
    exception = context.get("exception")
    if isinstance(exception, dict) and "error" not in lifted and "error" not in payload:
        lifted["error"] = exception
    return lifted


# A log shipper that forwards a container's or a unit's output line as it was: Docker's json-file record (`{"log":
# "…\n", "stream": "stderr", "time": …}`: Fluent Bit's and Fluentd's tail input, with their `kubernetes` metadata
# beside it) or journald's (`{"MESSAGE": "…", "PRIORITY": "6", "_SYSTEMD_UNIT": …}`: Fluent Bit's systemd input).
_DOCKER_STREAMS = ("stdout", "stderr")
_JOURNALD_FIELDS = ("_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "_TRANSPORT", "_PID")
_RECORD_MESSAGE_FIELDS = ("message", "msg")


def _forwarded_line(payload: dict[str, Any]) -> Payload | None:
    """A forwarded output line read as the text line it was, as a container's stream carries it (a traceback
    split one line per record joins, a header is stripped); journald's PRIORITY declares its level as in a JSON
    payload. None when `payload` forwards no line, or one that is itself a JSON record (read as that record)."""
    log, journal = payload.get("log"), payload.get("MESSAGE")
    if isinstance(log, str) and payload.get("stream") in _DOCKER_STREAMS:
        line = log
    elif (
        isinstance(journal, str)
        and SYSLOG_PRIORITY_FIELD in payload
        and any(key in payload for key in _JOURNALD_FIELDS)
    ):
        line = journal
    else:
        return None
    if any(key in payload for key in _RECORD_MESSAGE_FIELDS):
        return None
    line = without_runtime_prefix(line.removesuffix("\n").removesuffix("\r"))
    if line.lstrip()[:1] == "{" and _json_line(line) is not None:
        return None
    read = _text(line)
    if read.kind != "text":
        return read
    read.declared = _journald_level(payload, line)
    host = payload.get("_HOSTNAME")
    read.host_name = host if isinstance(host, str) else None
    return read


def _json(payload: dict[str, Any]) -> Payload:
    forwarded = _forwarded_line(payload)
    if forwarded is not None:
        return forwarded
    otel = _otel_record(payload)
    if otel is not None:
        payload = otel
    elif _LOGURU_RECORD in payload:
        payload = _loguru_record(payload) or payload
    elif _DBT_INFO in payload:
        payload = _dbt_record(payload) or payload
    elif _LOG4JS_CATEGORY in payload:
        payload = _log4js_event(payload) or payload
    lifted = _monolog_errors(payload)
    if lifted:
        payload = {**payload, **lifted}
    kind = payload.get("@type")
    reported = False
    if isinstance(kind, str) and kind:
        # Error Reporting's own type: the app says this entry is an error, whatever level it wrote
        reported = kind.endswith(REPORTED_ERROR_EVENT)
        if kind.endswith("AttemptFinished"):
            return _scheduler_attempt(payload)
        if kind.endswith("TaskActivityLog") and isinstance(payload.get("attemptResponseLog"), dict):
            return _task_attempt(payload)
        if kind.endswith("LoadBalancerLogEntry"):
            details = as_text(payload.get("statusDetails"))
            if details.endswith(SECURITY_POLICY_SUFFIX):
                return _security_policy_refusal(payload)
            if details and not details.startswith("response_"):
                return Payload(kind="json", message=f"{LOAD_BALANCER_OUTCOME}{details}")
    if payload.get("kind") == "Event" and isinstance(payload.get(EVENT_OBJECT_FIELD), dict):
        return _kubernetes_event(payload)
    if payload.get(NAT_ALLOCATION_FIELD) == NAT_DROPPED and isinstance(payload.get("connection"), dict):
        return _nat_drop(payload)
    if isinstance(payload.get(AUTOSCALER_RESULTS_FIELD), dict):
        failure = _autoscaler_failure(payload[AUTOSCALER_RESULTS_FIELD])
        if failure is not None:
            return failure
    if isinstance(payload.get(AUTOSCALER_NO_DECISION_FIELD), dict):
        pending = _autoscaler_no_scale_up(payload[AUTOSCALER_NO_DECISION_FIELD])
        if pending is not None:
            return pending
    if isinstance(payload.get(HEALTH_CHECK_FIELD), dict):
        return _health_check(payload[HEALTH_CHECK_FIELD])
    fields = payload.get("fields")
    source = fields if isinstance(fields, dict) and not _has_message(payload) else payload  # Rust tracing
    message = _message_field(source)
    if message.lstrip()[:1] == "{":
        # the app's own JSON line as the message: forwarded as it was (Docker's json-file `log`, journald's
        # `MESSAGE`) or encoded twice (`"message": "{\"level\":\"error\",…}"`): its fields are the app's, over
        # those written around it
        inner = _json_line(message)
        if inner is not None:
            return _json({**{k: v for k, v in source.items() if k not in _MESSAGE_KEYS}, **inner})
    error_object = _error_object(source)
    message = _with_error(message, source, error_object)
    if MONGO_CONTEXT_FIELD in payload:
        detail = _mongo_detail(payload)
        message = _joined(message, detail) if message and detail else message
    stacks: list[str] = []
    present = _STACK_KEYS.intersection(payload)
    for key in present if len(present) < 2 else [key for key in STACK_FIELDS if key in present]:
        value = payload[key]
        if isinstance(value, str) and value.strip():
            stacks.append(value)
        elif isinstance(value, dict):
            stacks.extend(_object_stacks(value))
        elif isinstance(value, list) and value:
            chain = _exception_chain(value)
            if not chain and _frame_line(value[0]) is not None:
                # a list of frames beside the error it belongs to (zerolog's `stack`, pkgerrors' frames)
                said = next((source[k] for k in ERROR_FIELDS if isinstance(source.get(k), str)), message)
                chain = _listed_trace({"message": said.strip()}, value)
            if chain:
                stacks.append(chain)
    if message and message not in stacks:
        stacks.append(message)
    if _EVENT_NAME.fullmatch(message):
        message = _with_detail(message, source)
    access = _access_server_error(payload)
    if not message and access is not None:
        message = _access_outcome(payload, access[2])
    if not message:
        message = next(iter(stacks), "") or _summary(payload)
    host = (
        payload.get("computer_name")
        or payload.get("hostname")
        or payload.get("host")
        or payload.get("_HOSTNAME")
    )
    return Payload(
        kind="json",
        message=message,
        stack_sources=stacks,
        declared=_declared(payload, message),
        host_name=host if isinstance(host, str) else None,
        reports_error=(
            not _ERROR_KEYS.isdisjoint(source) and any(_reported(source.get(k)) for k in ERROR_FIELDS)
        )
        or _failed_outcome(source)
        or bool(error_object)
        or reported,
        failed_event=isinstance(kind, str) and bool(kind) and _failed_event(payload),
        http_method=access[0] if access else None,
        http_url=access[1] if access else None,
        http_status=access[2] if access else None,
        upstream=upstream
        if isinstance(upstream := payload.get("upstream"), str) and "://" in upstream
        else _kubernetes_service(payload),
    )


_KUBERNETES_NAME = compile_regex(r"[a-z0-9][a-z0-9-]{0,62}")


def _kubernetes_service(payload: dict[str, Any]) -> str | None:
    """The Kubernetes Service a JSON record's fields name (Traefik's `{"msg": "Skipping service: no endpoints
    found", "namespace": "shop", "serviceName": "cart", …}`), as `shop/cart`."""
    name = payload.get("serviceName")
    if name is None:
        return None
    namespace = payload.get("namespace")
    if not (isinstance(name, str) and isinstance(namespace, str)):
        return None
    if _KUBERNETES_NAME.fullmatch(name) is None or _KUBERNETES_NAME.fullmatch(namespace) is None:
        return None
    return f"{namespace}/{name}"


# A JSON access log (Envoy's and Istio's, lograge, pino-http, Traefik's, a proxy's or a framework's request line):
# the response's status under one of these keys, top level or in pino-http's `res`, beside the request's method
# (or Envoy's `response_flags`, which only an access log has). Traefik names its fields in Go's exported style:
# `DownstreamStatus` (what the client got; `OriginStatus` is the backend's, 0 when it answered nothing),
# `RequestMethod`, `RequestPath`.
ACCESS_STATUS_FIELDS = (
    "response_code",
    "status_code",
    "statusCode",
    "status",
    "http_status",
    "httpStatus",
    "DownstreamStatus",
    "http_response_code",
)
_ACCESS_METHOD_FIELDS = (
    "method",
    "req_method",
    "request_method",
    "requestMethod",
    "http_method",
    "httpMethod",
    "RequestMethod",
)
ACCESS_PATH_FIELDS = ("path", "req_path", "url", "uri", "request_uri", "requestUrl", "route", "RequestPath")
ACCESS_FLAGS_FIELD = "response_flags"
_HTTP_METHODS = frozenset(HTTP_METHODS.split("|"))
# Envoy's flags of an upstream that failed a request or connection it answered nothing to (code 0: a TCP proxy's,
# or a stream reset before any response): no healthy host, connection failure, overflow (circuit breaking),
# retries exhausted, no cluster, timeout, terminated or reset upstream connection, a local reset. With code 0
# they are what a 503 (UT: 504) is to an HTTP access log.
ENVOY_UPSTREAM_FAILURE_FLAGS = ("UH", "UF", "UO", "URX", "NC", "UT", "UC", "UR", "LR")


def _access_server_error(payload: dict[str, Any]) -> tuple[str | None, str | None, int] | None:
    """(method, path, status) of a JSON access log of a server error (5xx), or None: an access log's 5xx is a
    request that failed (`http-status`), whatever level the proxy wrote it at (Envoy writes every line to
    stdout, GKE records it at INFO)."""
    request, response = payload.get("req"), payload.get("res")
    request = request if isinstance(request, dict) else payload
    response = response if isinstance(response, dict) else payload
    status = next((_http_code(response.get(key)) for key in ACCESS_STATUS_FIELDS if key in response), None)
    if status == 0 or (status is None and ACCESS_FLAGS_FIELD in payload):
        status = _envoy_failure_status(payload)
    if status is None or not 500 <= status <= 599:
        return None
    written = next((v for k in _ACCESS_METHOD_FIELDS if isinstance(v := request.get(k), str)), "").upper()
    method = written if written in _HTTP_METHODS else None
    if method is None and ACCESS_FLAGS_FIELD not in payload:
        return None
    # (Envoy writes `-` for a field it has no value for: a TCP connection's path)
    path = next(
        (v for k in ACCESS_PATH_FIELDS if isinstance(v := request.get(k), str) and v not in ("", "-")), None
    )
    return method, path, status


def _envoy_failure_status(payload: dict[str, Any]) -> int | None:
    """The status an Envoy access log without a response (code 0) stands for: 504 for an upstream timeout, 503
    for another upstream failure flag (`ENVOY_UPSTREAM_FAILURE_FLAGS`), else None."""
    flags = payload.get(ACCESS_FLAGS_FIELD)
    if not isinstance(flags, str) or not flags or flags == "-":
        return None
    named = flags.split(",")
    if "UT" in named:
        return 504
    return 503 if any(flag in ENVOY_UPSTREAM_FAILURE_FLAGS for flag in named) else None


# Envoy's flags of a request it could not pass to its upstream cluster at all: connection failure, no healthy
# upstream, overflow (circuit breaking), no cluster; and the field that names that cluster
UNREACHED_FLAGS = frozenset(("UF", "UH", "UO", "NC"))
_UPSTREAM_CLUSTER_FIELD = "upstream_cluster"
# What Envoy says of why a request failed, beside its flags: its details (`via_upstream` says the upstream
# answered), then the reason a TLS or TCP connection to the upstream failed
_ACCESS_DETAIL_FIELDS = ("response_code_details", "response_code_detail", "upstream_transport_failure_reason")


def _access_outcome(payload: dict[str, Any], status: int) -> str:
    """The line a JSON access log without a message is titled by: `HTTP 503 UF,URX: DETAILS` (its status,
    Envoy's flags and details), not a dump of its fields; `HTTP 503 UF to HOST: DETAILS` when the flags say Envoy
    could not reach the upstream cluster at all and the log names it (`upstream_cluster`, Istio's
    `outbound|8080||HOST`)."""
    flags = as_text(payload.get(ACCESS_FLAGS_FIELD)).strip()
    head = f"HTTP {status} {flags}" if flags and flags != "-" else f"HTTP {status}"
    cluster = as_text(payload.get(_UPSTREAM_CLUSTER_FIELD)).strip()
    if cluster and not UNREACHED_FLAGS.isdisjoint(flags.split(",")):
        host = cluster.rpartition("|")[2]
        head += f" to {host}" if host.endswith(".svc.cluster.local") else ""
    details = (as_text(payload.get(key)).strip() for key in _ACCESS_DETAIL_FIELDS)
    detail = next((d for d in details if d and d not in ("-", "via_upstream")), "")
    return f"{head}: {detail}" if detail else head


def _http_code(value: Any) -> int | None:
    """An HTTP status written as a number or a digit string (`503`, `"503"`), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and len(value) == 3 and value.isdigit():
        return int(value)
    return None


# structlog's (and others') event name as the message (`http_error`, `payment.declined`): what happened is in
# another field, read after it (`http_error: User not found`)
_EVENT_NAME = compile_regex(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+){1,8}")
_DETAIL_FIELDS = ("detail", "details", "reason", "description", "error_message")


def _with_detail(event: str, payload: dict[str, Any]) -> str:
    detail = next(
        (v.strip() for k in _DETAIL_FIELDS if isinstance(v := payload.get(k), str) and v.strip()), ""
    )
    return f"{event}: {detail.split(chr(10), 1)[0]}" if detail else event


_OUTCOME_KEY = compile_regex(
    r"^(?!(?:previous|prior|old|last|before|from)[A-Z])\w{0,60}[a-z0-9](?:State|Status|Result|Outcome|Type)$"
)
"""A field named for an outcome after the thing it is of, in proto-JSON's lowerCamelCase (`releaseRenderState`,
`rolloutUpdateType`), not for one it had before (`previousState`)."""


def _failed_event(payload: dict[str, Any]) -> bool:
    """A product's typed event (`@type`, proto-JSON) says it failed: a top-level enum named for an outcome
    (`OUTCOME_FIELDS`, or a name ending in one: Cloud Deploy's `ReleaseRenderEvent.releaseRenderState`,
    `RolloutUpdateEvent.rolloutUpdateType`) holds a failure word (`FAILED`). The product writes it as an event, at
    INFO: what failed is its job (a render, a rollout), not the logging."""
    return any(
        isinstance(value, str)
        and value.upper() in FAILED_OUTCOMES
        and (key in OUTCOME_FIELDS or _OUTCOME_KEY.search(key) is not None)
        for key, value in payload.items()
    )


def _failed_outcome(payload: dict[str, Any]) -> bool:
    """True when an outcome field (`status`, `state`…) of the payload is a failure word (`FAILURE`)."""
    return any(
        isinstance(value, str) and value.strip().upper() in FAILED_OUTCOMES
        for value in (payload.get(key) for key in OUTCOME_FIELDS)
    )


def _error_object(payload: dict[str, Any]) -> str:
    """The message of an error object the payload holds under a key other than `ERROR_FIELDS`, or ''."""
    for key, value in payload.items():
        if isinstance(value, dict) and key not in _ERROR_KEYS and _ERROR_OBJECT_KEY.search(key):
            line = _error_line(value)
            if line:
                return line
    return ""


def _reported(value: Any) -> bool:
    """An error field that holds an error: a non-blank string (a traceback too), or an object saying one."""
    if isinstance(value, str):
        return bool(value.strip())
    if not isinstance(value, dict):
        return False
    nested = any(isinstance(value.get(k), str) and value[k].strip() for k in _NESTED_STACK_FIELDS)
    return bool(_error_line(value)) or nested or _frame_list(value) is not None


def _has_message(payload: dict[str, Any]) -> bool:
    return any(isinstance(payload.get(key), str) for key in MESSAGE_FIELDS + ERROR_FIELDS) or bool(
        _compound_message(payload)
    )


def _message_field(payload: dict[str, Any]) -> str:
    """The first non-blank message (a string, or an object's `message`); else one under a compound key."""
    for key in MESSAGE_FIELDS:
        value = payload.get(key)
        if isinstance(value, dict):
            value = value.get("message")
        if isinstance(value, str) and value.strip():
            return value
    return _compound_message(payload)


_MESSAGE_WORDS = frozenset(("message", "msg"))


def _compound_message(payload: dict[str, Any]) -> str:
    """The first non-blank string under a key whose last word is `message` or `msg` (`logMessage`,
    `log_message`, `errorMsg`), as App Engine's own app log lines and many hand-made loggers name it."""
    for key, value in payload.items():
        if isinstance(value, str) and value.strip():
            words = _KEY_WORD.findall(key)
            if len(words) > 1 and words[-1].lower() in _MESSAGE_WORDS:
                return value
    return ""


def _text_field(payload: dict[str, Any], keys: tuple[str, ...]) -> str:
    """The first non-blank string among `keys`."""
    for key in keys:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _with_error(message: str, payload: dict[str, Any], error_object: str) -> str:
    """The message with the error the payload reports beside it: `request failed` and `error: "dial tcp …"`
    read `request failed: dial tcp …`, so different failures logged with one message are different problems.
    Without a message, the error is the message (a string whole, an object's message). `error_object` is
    `_error_object(payload)`, read when no `ERROR_FIELDS` field holds an error."""
    for key in ERROR_FIELDS if not _ERROR_KEYS.isdisjoint(payload) else ():
        value = payload.get(key)
        error = _field_error(payload, key)
        if not error:
            continue
        detail = _ERROR_CLASS_MESSAGES.get(key)
        if not message or (detail is not None and message == payload.get(detail)):
            # (an `error_message` alone is read as a message: the class's own message)
            return (
                value if isinstance(value, str) and detail is None and error == _error_line(value) else error
            )
        return _joined(message, error)
    return _joined(message, error_object) if message and error_object else message or error_object


def _field_error(payload: dict[str, Any], key: str) -> str:
    """What the error field `key` says in one line (`_error_line`); an error class with its message beside it
    (`error_class` and `error_message`) reads `Class: message`, an error code with its description `code:
    description`."""
    value = payload.get(key)
    error = _error_line(value)
    if error and isinstance(value, str) and key in _MESSAGE_ERROR_FIELDS:
        # an error's message beside its class (`"error_class": "Stripe::CardError", "error": "Your card was
        # declined."`): `Class: message`, as an error object's type and message read
        klass = _text_field(payload, _ERROR_CLASS_FIELDS)
        if klass and klass not in error:
            return f"{klass.strip()}: {error}"
    detail = _ERROR_CLASS_MESSAGES.get(key) or _ERROR_DESCRIPTIONS.get(key)
    if not error or detail is None:
        return error
    said = _error_line(payload.get(detail))
    return f"{error}: {said}" if said and said != error else error


def _joined(message: str, error: str) -> str:
    """`message: error`, unless the message already says the error or holds a stack; a multi-line message (a
    headline and a dump: Knative's `…; sockstat: sockets: used 8\nTCP: …`) takes the error on its first line."""
    if error in message:
        return message
    if "\n" not in message:
        return f"{message.rstrip().rstrip(':')}: {error}"
    if _STACKS.parse(message) is not None:
        return message
    head, _, rest = message.partition("\n")
    return f"{head.rstrip().rstrip(':;,')}: {error}\n{rest}"


def _error_line(value: Any) -> str:
    """What an error field says in one line: a string's first line, an error object's message (else its type);
    '' for no error or a Python traceback (whose last line, read with the stack, says more)."""
    if isinstance(value, dict):
        text = _text_field(value, _ERROR_MESSAGE_FIELDS) or _text_field(value, _ERROR_TYPE_FIELDS)
    elif isinstance(value, str):
        text = value
    else:
        return ""
    line = text.strip().split("\n", 1)[0].strip()
    if line.startswith("{") and line.endswith(
        "}"
    ):  # an error written as JSON (Workflows' `failure.exception`)
        reported = _json_line(line)
        if reported is not None:
            return _error_line(reported)
    return "" if line.startswith(PY_HEADER) else line


def _object_stacks(error: dict[str, Any]) -> list[str]:
    """The stacks an error object may hold: its stack fields and message as text, and a list of frames
    (log4j2's `extendedStackTrace`, a serialized Java Throwable's `stackTrace`, a Ruby `backtrace`, a list of
    lines) written out as its language prints it."""
    stacks = [error[k] for k in _NESTED_STACK_FIELDS if isinstance(error.get(k), str) and error[k].strip()]
    frames = _frame_list(error)
    if frames is not None:
        stacks.insert(0, _listed_trace(error, frames))
    elif len(stacks) > 1:
        kind, said = _text_field(error, _ERROR_TYPE_FIELDS).strip(), _error_line(error)
        if kind and said:
            header = said if said == kind or said.startswith(f"{kind}:") else f"{kind}: {said}"
            stacks = [_with_exception_line(stack, header) for stack in stacks]
    return stacks


def _with_exception_line(stack: str, header: str) -> str:
    """A stack of frames written without the exception's line (ecs-logging-python's `error.stack_trace` is
    `traceback.format_tb`'s: frames only; the type and message are `error.type` and `error.message`) with it put
    back where its language prints it: after a Python traceback's frames, before a Java or Node.js stack's."""
    if "\n" not in stack.strip():
        return stack
    parsed = _STACKS.parse(stack)
    if parsed is not None and parsed.exception_type:
        return stack
    whole = (
        f"{PY_HEADER}\n{stack.rstrip()}\n{header}"
        if stack.lstrip().startswith('File "')
        else f"{header}\n{stack.rstrip()}"
    )
    completed = _STACKS.parse(whole)
    return whole if completed is not None and completed.frames else stack


# structlog's `dict_tracebacks` (and Rich's `Trace`): the exception as a list of dicts, the exception raised
# first and its causes after it, each `{"exc_type": …, "exc_value": …, "is_cause": …, "frames": [{"filename",
# "lineno", "name"}, …]}`
_EXCEPTION_TYPE, _EXCEPTION_VALUE = "exc_type", "exc_value"
_PY_CAUSE = "\n\nThe above exception was the direct cause of the following exception:\n\n"
_PY_CONTEXT = "\n\nDuring handling of the above exception, another exception occurred:\n\n"


def _exception_chain(items: list[Any]) -> str:
    """structlog's list of exception dicts written as Python prints the chain (causes first), or '' for a
    list of anything else."""
    if not all(isinstance(item, dict) and isinstance(item.get(_EXCEPTION_TYPE), str) for item in items):
        return ""
    text, cause = "", False
    for item in reversed(items[:8]):  # (a cause says so itself: `is_cause`)
        name, value = item[_EXCEPTION_TYPE], as_text(item.get(_EXCEPTION_VALUE))
        frames = item.get("frames")
        error = {"type": name, "message": value}
        written = (
            _listed_trace(error, frames)
            if isinstance(frames, list) and frames
            else (f"{name}: {value}" if value else name)
        )
        if text:
            text += _PY_CAUSE if cause else _PY_CONTEXT
        text += written
        cause = item.get("is_cause") is True
    return text


def _frame_list(error: dict[str, Any]) -> list[Any] | None:
    """The first non-empty list of frames an error object holds (`_FRAME_LISTS`), or None."""
    return next((error[key] for key in _FRAME_LISTS if isinstance(error.get(key), list) and error[key]), None)


# Where an error object keeps its frames as a list, and the names of a frame's parts in each serializer
# (log4j2 `class`/`method`/`file`/`line`; Jackson's Throwable `className`/`methodName`/`fileName`/`lineNumber`;
# Sentry-like `filename`/`lineno`/`function`).
_FRAME_LISTS = (
    "trace",  # Monolog's (`["/app/src/Db.php:41", …]`)
    "extendedStackTrace",
    "stackTrace",
    "stack_trace",
    "stacktrace",
    "backtrace",
    "stack",
    "frames",
)
# (Quarkus' and JBoss' JSON formatter: `exceptionType`)
_ERROR_NAMES = ("name", "class", "className", "exception_class", "@class", "type", "exceptionType")
_MAX_LISTED_FRAMES = 200
_RUBY_FRAME = compile_regex(r"^\S.*:\d+:in ")
_LOCATED_FRAME = compile_regex(r"\S:\d+(?::\d+)?\)?$")  # `fn (/app/x.js:3:9)`, `/app/x.js:3:9`
_PHP_LISTED_FRAME = compile_regex(r"^(?P<file>[^\s()]{1,500}\.php):(?P<line>\d{1,9})$")
_JAVA_FRAME = compile_regex(
    r"^(?:at\s+)?[\w$.<>/]+\((?:[\w$.-]+\.(?:java|kt|scala|groovy):\d+|Native Method|Unknown Source)\)$"
)


def _listed_trace(error: dict[str, Any], frames: list[Any], depth: int = 0) -> str:
    """An error object with its list of frames, as its language prints its stack (`Caused by:` for causes)."""
    name = _text_field(error, _ERROR_NAMES)
    message = _text_field(error, ("message", "localizedMessage", "msg"))
    written = [line for line in map(_frame_line, frames[:_MAX_LISTED_FRAMES]) if line is not None]
    kinds = {kind for kind, _ in written}
    if kinds == {"php"}:
        # as PHP prints an uncaught exception: where it was thrown, then the frames (`#0 file(line)`)
        thrown = as_text(error.get("file"))
        head = f"{name or 'Exception'}: {message}" + (
            f" in {thrown}" if _PHP_LISTED_FRAME.match(thrown) else ""
        )
        listed = (f"#{n} {line}" for n, (_, line) in enumerate(written))
        text = "\n".join([head, "Stack trace:", *listed])
    elif kinds == {"python"}:
        head = f"{name or 'Exception'}: {message}" if message else name or "Exception"
        text = "\n".join(["Traceback (most recent call last):", *(line for _, line in written), head])
    elif kinds == {"go"}:
        # as github.com/pkg/errors prints an error with its stack (`%+v`): the error, then each frame's function and,
        # indented by a tab, its file and line
        text = "\n".join([message or name or "error", *(line for _, line in written)])
    elif kinds == {"ruby"}:
        rest = [f"\tfrom {line}" for _, line in written[1:]]
        text = "\n".join([f"{written[0][1]}: {message or name} ({name or 'RuntimeError'})", *rest])
    else:
        java = "java" in kinds
        name = name or ("java.lang.Throwable" if java else "Error")
        at = "\tat " if java else "    at "
        text = "\n".join([f"{name}: {message}" if message else name, *(f"{at}{line}" for _, line in written)])
    cause = error.get("cause")
    if isinstance(cause, dict) and depth < 8:
        text += "\nCaused by: " + _listed_trace(cause, _frame_list(cause) or [], depth + 1)
    return text


def _frame_line(frame: Any) -> tuple[str, str] | None:
    """(language, line) of one listed frame: a Java frame object or line, a Python frame object, a Ruby or
    another `at` line; None for what is no frame."""
    if isinstance(frame, str):
        line = frame.strip()
        if not line:
            return None
        if _RUBY_FRAME.match(line):
            return "ruby", line
        php = _PHP_LISTED_FRAME.match(line)
        if php is not None:
            return "php", f"{php['file']}({php['line']})"
        if _JAVA_FRAME.match(line):
            return "java", line.removeprefix("at").strip()
        if line.startswith("at ") or _LOCATED_FRAME.search(line):
            return "other", line.removeprefix("at ").strip()
        return None  # the error's own line, or a note between frames
    if not isinstance(frame, dict):
        return None
    klass = as_text(frame.get("class") or frame.get("className") or frame.get("declaringClass"))
    method = as_text(frame.get("method") or frame.get("methodName"))
    file = as_text(frame.get("file") or frame.get("fileName") or frame.get("filename"))
    numbers = (frame.get("line"), frame.get("lineNumber"), frame.get("lineno"))
    number = next((v for v in numbers if isinstance(v, int) and not isinstance(v, bool)), None)
    if klass and method:
        where = (file or "Unknown Source") + (f":{number}" if number is not None and number >= 0 else "")
        return "java", f"{klass}.{method}({where})"
    function = as_text(
        frame.get("function") or frame.get("name") or frame.get("func") or frame.get("functionName")
    )
    file = file or as_text(frame.get("source"))
    if number is None:  # zerolog's pkgerrors writes the line as a string
        number = next((int(v) for v in numbers if isinstance(v, str) and v.isdigit()), None)
    if not file or number is None:
        return None
    if file.endswith(_GO_SOURCES):  # as github.com/pkg/errors prints a frame (`%+v`)
        return "go", f"{function or 'unknown'}\n\t{file}:{number}"
    if (
        file.endswith(_SCRIPT_SOURCES) or "columnNumber" in frame
    ):  # stacktrace.js' StackFrame, a V8 CallSite's
        column = frame.get("columnNumber")
        where = f"{file}:{number}" + (
            f":{column}" if isinstance(column, int) and not isinstance(column, bool) else ""
        )
        return "other", f"{function} ({where})" if function else where
    return "python", f'  File "{file}", line {number}, in {function or "<module>"}'


# The files of a listed frame, by their language: Go's sources and the runtime's assembly; JavaScript's and
# TypeScript's (a bundle's URL ends so too)
_GO_SOURCES = (".go", ".s")
_SCRIPT_SOURCES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")


# The usual level keys under other spellings: another case, separator or sigil (`LEVEL`, `Severity`, `logLevel`,
# `levelName`, `level_name`, `LOG_LEVEL`, hclog's `@level`): a key of at most `_SPELLED_KEY` characters whose first
# is one of `_SPELLED_INITIALS`, lower-cased without `_`, `-`, `.` and `@`, is one of `SPELLED_LEVEL_KEYS`
SPELLED_LEVEL_KEYS = frozenset(("level", "severity", "levelname", "loglevel", "lvl", "severitytext"))
LEVEL_KEY_SPELLINGS = (
    "LEVEL",
    "Severity",
    "SEVERITY",
    "logLevel",
    "LOG_LEVEL",
    "levelName",
    "level_name",
    "@level",
)
_SPELLED_INITIALS = frozenset("lLsS@")
_SPELLED_KEY = 13
_KEY_SEPARATORS = str.maketrans("", "", "_-.@")


def _spelled_level(payload: dict[str, Any]) -> Severity | None:
    """A level word under another spelling of a usual level key (`SPELLED_LEVEL_KEYS`)."""
    for key, value in payload.items():
        if (
            key[:1] in _SPELLED_INITIALS
            and len(key) <= _SPELLED_KEY
            and isinstance(value, str)
            and key.lower().translate(_KEY_SEPARATORS) in SPELLED_LEVEL_KEYS
        ):
            word = level_word(value)
            if word is not None:
                return word
    return None


def _declared(payload: dict[str, Any], message: str) -> Severity | None:
    """The level a JSON payload declares: `levels.json_level`'s keys, then their other spellings
    (`_spelled_level`), then a level word in `@l`, `LogLevel`, `log.level` (nested) or `status`; a Serilog CLEF
    event without `@l` is Information; then journald's PRIORITY, unless the message declares a level of its own
    (kubelet's `E0610 …` is written at PRIORITY 6)."""
    level = json_level(payload)
    if level is None:
        level = _spelled_level(payload)
    if level is not None or _OTHER_LEVEL_KEYS.isdisjoint(payload):
        return level
    log = payload.get("log")
    for value in (
        *(payload.get(key) for key in _LEVEL_WORD_FIELDS),
        log.get("level") if isinstance(log, dict) else None,
    ):
        if isinstance(value, str):
            word = level_word(value)
            if word is not None:
                return word
    if "@mt" in payload or "@m" in payload:
        return Severity.INFO
    mongo = _mongo_level(payload)
    if mongo is not None:
        return mongo
    return _journald_level(payload, message)


def _journald_level(payload: dict[str, Any], message: str) -> Severity | None:
    """journald's PRIORITY, unless the message declares a level of its own (kubelet's `E0610 …` is written at
    PRIORITY 6); None for 6 (info), which declares nothing."""
    priority = payload.get(SYSLOG_PRIORITY_FIELD)
    if priority is None or isinstance(priority, bool):
        return None
    level = SYSLOG_LEVELS.get(str(priority).strip())
    return level if level is not None and declared_level(message) is None else None


def _mongo_level(payload: dict[str, Any]) -> Severity | None:
    """MongoDB's level letter (`D1`…`D5` are its debug levels), when the payload is MongoDB's log line."""
    if MONGO_CONTEXT_FIELD not in payload:
        return None
    letter = payload.get(MONGO_LEVEL_FIELD)
    if not isinstance(letter, str) or not letter:
        return None
    if letter[0] == "D" and letter[1:].isdigit():
        return Severity.DEBUG
    return MONGO_LEVELS.get(letter)


def _mongo_detail(payload: dict[str, Any]) -> str:
    """What MongoDB's `attr` says went wrong: its `error` (a string, or `codeName: errmsg`), else WiredTiger's
    `message` beside a numeric `error`; '' for a line that is not MongoDB's or reports nothing."""
    attr = payload.get("attr")
    if not isinstance(attr, dict) or _mongo_level(payload) is None:
        return ""
    error = attr.get("error")
    if isinstance(error, dict):
        name, detail = as_text(error.get("codeName")), as_text(error.get("errmsg"))
        return f"{name}: {detail}" if name and detail else detail or name
    if isinstance(error, str):
        return error
    message = attr.get("message")
    if isinstance(message, dict):
        # (MongoDB 6+ writes WiredTiger's message as an object: its text, its errno's name)
        text, said = as_text(message.get("msg")), as_text(message.get("error_str"))
        message = f"{said}: {text}" if text and said else text or said
    return message if error is not None and isinstance(message, str) else ""


# GKE's cluster autoscaler visibility log (`container.googleapis.com/cluster-autoscaler-visibility`) records how its
# decisions ended in a `resultInfo`; a result with an `errorMsg` failed, said by a message id and its parameters:
# `{"resultInfo": {"results": [{"eventId": "…", "errorMsg": {"messageId": "scale.up.error.quota.exceeded",
# "parameters": ["Instance 'gke-…' creation failed: Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."]}}]}}`
AUTOSCALER_RESULTS_FIELD = "resultInfo"


def _autoscaler_failure(info: dict[str, Any]) -> Payload | None:
    """A failed scale-up or scale-down of the cluster autoscaler, `Cluster autoscaler MESSAGE_ID: PARAMETERS`, an
    error (pods stay pending, or a node stays); None when every result of the record succeeded."""
    results = info.get("results")
    for result in results if isinstance(results, list) else []:
        error = result.get("errorMsg") if isinstance(result, dict) else None
        if not isinstance(error, dict) or not as_text(error.get("messageId")):
            continue
        parameters = error.get("parameters")
        said = [as_text(p) for p in parameters if as_text(p)] if isinstance(parameters, list) else []
        message = f"Cluster autoscaler {as_text(error['messageId'])}" + (
            f": {'; '.join(said)}" if said else ""
        )
        return Payload(kind="json", message=message, declared=Severity.ERROR)
    return None


# The same log's `noDecisionStatus.noScaleUp` says the autoscaler found pods it cannot schedule and no node group
# it may grow for them: the pods stay Pending. Each group of such pods (`unhandledPodGroups`) names why each node
# group was rejected (`rejectedMigs[].reason`) and why node auto-provisioning failed (`napFailureReasons`), by
# message id and parameters; a record without pod groups gives its own `reason`.
AUTOSCALER_NO_DECISION_FIELD = "noDecisionStatus"
_NO_SCALE_UP = "noScaleUp"


def _said(reason: Any) -> str:
    """`MESSAGE_ID: PARAMETERS` of a reason object of the autoscaler's visibility log, '' when it holds no id."""
    if not isinstance(reason, dict) or not as_text(reason.get("messageId")):
        return ""
    parameters = reason.get("parameters")
    said = [as_text(p) for p in parameters if as_text(p)] if isinstance(parameters, list) else []
    return as_text(reason["messageId"]) + (f": {', '.join(said)}" if said else "")


def _object(value: dict[str, Any], key: str) -> dict[str, Any]:
    """`value[key]` when it is an object, else {}."""
    found = value.get(key)
    return found if isinstance(found, dict) else {}


def _items(value: dict[str, Any], key: str) -> list[Any]:
    """`value[key]` when it is a list, else []."""
    found = value.get(key)
    return found if isinstance(found, list) else []


def _autoscaler_no_scale_up(status: dict[str, Any]) -> Payload | None:
    """`Cluster autoscaler cannot scale up: REASONS (pending: NAMESPACE/POD, N pods)`, an error (the pods stay
    Pending), its reasons first: they say what to fix; None when the record is no `noScaleUp` (a `noScaleDown`
    only keeps a node)."""
    record = status.get(_NO_SCALE_UP)
    if not isinstance(record, dict):
        return None
    for group in _items(record, "unhandledPodGroups"):
        if not isinstance(group, dict):
            continue
        pod_group = _object(group, "podGroup")
        sample = _object(pod_group, "samplePod")
        pod = "/".join(as_text(sample.get(key)) for key in ("namespace", "name") if as_text(sample.get(key)))
        total = as_text(pod_group.get("totalPodCount"))
        rejected, failures = _items(group, "rejectedMigs"), _items(group, "napFailureReasons")
        reasons = [
            said
            for said in (
                *(_said(mig.get("reason")) for mig in rejected if isinstance(mig, dict)),
                *(_said(reason) for reason in failures),
            )
            if said
        ]
        pending = ", ".join(part for part in (pod, f"{total} pods" if total else "") if part)
        message = "Cluster autoscaler cannot scale up: " + (
            "; ".join(dict.fromkeys(reasons)) or "no.scale.up"
        )
        message += f" (pending: {pending})" if pending else ""
        return Payload(kind="json", message=message, declared=Severity.ERROR)
    said = _said(record.get("reason")) or _said(record.get("napFailureReason"))
    return Payload(
        kind="json",
        message=f"Cluster autoscaler cannot scale up: {said or 'no.scale.up'}",
        declared=Severity.ERROR,
    )


# Cloud NAT's log (`compute.googleapis.com/nat_flows`, written without a severity): a connection it could not give a
# NAT port to (`"allocation_status": "DROPPED"`, port exhaustion) never left the VPC: the VM's outbound call failed.
NAT_ALLOCATION_FIELD = "allocation_status"
NAT_DROPPED = "DROPPED"


def _nat_drop(payload: dict[str, Any]) -> Payload:
    """`Cloud NAT GATEWAY dropped a connection for want of a NAT port: VM to DEST:PORT`, an error."""
    gateway = payload.get("gateway_identifiers")
    endpoint = payload.get("endpoint")
    connection = payload["connection"]
    name = as_text(gateway.get("gateway_name")) if isinstance(gateway, dict) else ""
    source = as_text(endpoint.get("vm_name")) if isinstance(endpoint, dict) else ""
    source = source or as_text(connection.get("src_ip"))
    target = ":".join(
        as_text(connection.get(key)) for key in ("dest_ip", "dest_port") if as_text(connection.get(key))
    )
    message = f"Cloud NAT {name or '(unnamed gateway)'} dropped a connection for want of a NAT port (DROPPED)"
    if source or target:
        message += f": {source or 'a VM'} to {target or 'its destination'}"
    return Payload(kind="json", message=message, declared=Severity.ERROR)


def _scheduler_attempt(payload: dict[str, Any]) -> Payload:
    job = as_text(payload.get("jobName")).rsplit("/", 1)[-1]
    return _attempt(
        f"Cloud Scheduler job {job or '(unnamed)'}",
        as_text(payload.get("status")),
        detail=as_text(payload.get("debugInfo")),
        target=as_text(payload.get("url")),
        scheduler_job=job or None,
    )


def _task_attempt(payload: dict[str, Any]) -> Payload:
    """Cloud Tasks' `TaskActivityLog`: the queue (from the task's name), the attempt's status and target."""
    attempt = payload["attemptResponseLog"]
    task = as_text(payload.get("task"))
    queue = task.split("/queues/", 1)[1].split("/", 1)[0] if "/queues/" in task else ""
    return _attempt(
        f"Cloud Tasks queue {queue or '(unnamed)'} task",
        as_text(attempt.get("status")),
        detail="",
        target=as_text(attempt.get("targetAddress")),
    )


def _attempt(
    subject: str, status: str, *, detail: str, target: str, scheduler_job: str | None = None
) -> Payload:
    """A GCP service's record of one attempt to call a target (written without a message): `SUBJECT attempt
    finished: STATUS (DETAIL) calling TARGET`, an error unless the status says it succeeded."""
    status = status or "unknown status"
    parts = [f"{subject} attempt finished: {status}"]
    if detail:
        parts.append(f"({detail})")
    if target:
        parts.append(f"calling {target}")
    failed = status not in ("OK", "SUCCESS", "unknown status")
    return Payload(
        kind="json",
        message=" ".join(parts),
        declared=Severity.ERROR if failed else None,
        scheduler_job=scheduler_job,
    )


# Words of a key that make its value worth a title, most telling first: what failed, what was said, the outcome.
_TELLING_WORDS = {
    **dict.fromkeys(("error", "errors", "err", "exception", "failure", "fault", "cause"), 0),
    **dict.fromkeys(("message", "msg", "reason", "detail", "details", "description", "summary"), 1),
    **dict.fromkeys(("status", "state", "code", "result", "outcome"), 2),
}
_KEY_WORD = compile_regex(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_TIME_WORDS = frozenset(("time", "timestamp", "date", "at"))
_SUMMARY_FIELDS = 4
_SUMMARY_LEAVES = 200
_SUMMARY_VALUE = 160
_AUDIT_DUMP = 2000


def _summary(payload: dict[str, Any]) -> str:
    """A payload with no message in a line: its type's short name, then up to four of its fields as
    `path=value` (the most telling ones: errors, then messages and reasons, then statuses; without any, the
    first fields that are not times), instead of a dump of its JSON."""
    telling: list[tuple[int, int, str, str]] = []
    other: list[tuple[str, str]] = []
    for path, value in _leaves(payload):
        words = [w.lower() for w in _KEY_WORD.findall(path)]
        rank = min((_TELLING_WORDS[w] for w in words if w in _TELLING_WORDS), default=None)
        if rank is not None:
            telling.append((rank, path.count("."), path, value))
        elif not _TIME_WORDS.intersection(words):
            other.append((path, value))
    chosen = [(path, value) for _, _, path, value in sorted(telling)] or sorted(other)
    kind = as_text(payload.get("@type")).rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    fields = ", ".join(f"{path}={value}" for path, value in chosen[:_SUMMARY_FIELDS])
    if kind and fields:
        return f"{kind}: {fields}"
    return kind or fields or _cut(json.dumps(payload, sort_keys=True, default=str), _SUMMARY_VALUE)


def _leaves(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields of a payload and of the objects in it (three levels deep) that are not objects, as (`a.b`,
    text): a string's first line, anything else as JSON, each up to 160 characters (cut between words).

    Keys are read in sorted order, objects in lists written with sorted keys: the result does not depend on
    the order a source keeps (an export keeps the writer's, Log Analytics' JSON sorts the keys)."""
    leaves: list[tuple[str, str]] = []
    pending: list[tuple[str, dict[str, Any], int]] = [("", payload, 0)]
    while pending:
        prefix, mapping, depth = pending.pop(0)
        for key, value in sorted(mapping.items(), key=_key_of):
            if len(leaves) >= _SUMMARY_LEAVES:
                break
            if key == "@type" or value is None or value == "":
                continue
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                if depth < 2:
                    pending.append((f"{path}.", value, depth + 1))
            elif isinstance(value, str):
                line = value.strip().split("\n", 1)[0]
                leaves.append((path, _cut(line, _SUMMARY_VALUE)))
            elif isinstance(value, (int, float, bool, list)):
                leaves.append((path, _cut(json.dumps(value, sort_keys=True, default=str), _SUMMARY_VALUE)))
    return leaves


def _key_of(item: tuple[str, Any]) -> str:
    return item[0]


def _kubernetes_event(payload: dict[str, Any]) -> Payload:
    involved = payload[EVENT_OBJECT_FIELD]
    reason = as_text(payload.get("reason"))
    text = as_text(payload.get("message"))
    message = f"{reason}: {text}" if reason else text
    declared = level_word(as_text(payload.get("type"))) if payload.get("type") else None
    return Payload(
        kind="json",
        message=message or json.dumps(payload, sort_keys=True, default=str),
        declared=declared,
        object_name=_workload(involved),
        event_node=_event_node(payload, involved),
    )


def _event_node(payload: dict[str, Any], involved: Any) -> str | None:
    """The node a Kubernetes event happened on: the one it is about (`involvedObject` of kind Node), else the
    host of the kubelet that reported it (`source.host` of a core event, `reportingInstance` of an
    `events.k8s.io` one); None for a controller's event (the scheduler, a ReplicaSet's), which names no node."""
    if (
        isinstance(involved, dict)
        and involved.get("kind") == "Node"
        and isinstance(involved.get("name"), str)
    ):
        return involved["name"] or None
    source = payload.get("source")
    host = source.get("host") if isinstance(source, dict) else None
    if not isinstance(host, str) or not host:
        host = payload.get("reportingInstance")
    return host if isinstance(host, str) and host else None


# How the parser writes a load balancer's own account of a request it could not pass on or answer
# (`statusDetails` other than `response_sent_by_backend`, `response_from_cache`…): `load balancer:
# failed_to_pick_backend`, `load balancer: backend_timeout`.
LOAD_BALANCER_OUTCOME = "load balancer: "
# How a load balancer's `statusDetails` ends when a security policy (Cloud Armor) refused the request:
# `denied_by_security_policy`, `throttled_by_security_policy`, `body_denied_by_security_policy`…
SECURITY_POLICY_SUFFIX = "_by_security_policy"
_POLICY_KEYS = ("enforcedSecurityPolicy", "enforcedEdgeSecurityPolicy", "enforcedNetworkSecurityPolicy")


def _security_policy_refusal(payload: dict[str, Any]) -> Payload:
    """A load balancer's request log of a request a security policy refused: `DETAILS: security policy NAME
    (rule IDS)`, the policy that acted (the one whose outcome is not ACCEPT, else the first named)."""
    details = as_text(payload["statusDetails"])
    policies = [payload[key] for key in _POLICY_KEYS if isinstance(payload.get(key), dict)]
    acting = [p for p in policies if as_text(p.get("outcome")).upper() not in ("", "ACCEPT")] or policies
    named = next((p for p in acting if as_text(p.get("name"))), None)
    if named is None:
        return Payload(kind="json", message=details)
    message = f"{details}: security policy {as_text(named['name'])}"
    rules = named.get("preconfiguredExprIds")
    if isinstance(rules, list) and rules:
        message += f" (rule {', '.join(as_text(rule) for rule in rules)})"
    return Payload(kind="json", message=message)


HEALTH_CHECK_FIELD = "healthCheckProbeResult"
"""The JSON payload field of a load balancer's health check log (`_health_check`)."""
# A field of a probe's result text that says nothing (`HTTP response: , Error: Timeout waiting for connect`)
_EMPTY_FIELD = compile_regex(r"\b[A-Z][\w ]{0,40}: ,\s*")


def _health_check(result: dict[str, Any]) -> Payload:
    """A load balancer's health check log (`compute.googleapis.com/healthchecks`, written at INFO when a
    backend's health changes): `PROTOCOL health check STATE (DETAILED STATE): PROBE RESULT`, without the
    backend's address and port (every backend of the group failing the same way is one problem); a failed
    check unless the backend is healthy."""
    state = as_text(result.get("healthState")) or "UNKNOWN"
    detailed = as_text(result.get("detailedHealthState"))
    protocol = as_text(result.get("healthCheckProtocol"))
    head = f"{protocol} health check {state}".strip()
    if detailed and detailed != state:
        head = f"{head} ({detailed})"
    text = _EMPTY_FIELD.sub("", as_text(result.get("probeResultText"))).strip()
    return Payload(
        kind="json",
        message=f"{head}: {text}" if text else head,
        failed_check=state.upper() not in ("HEALTHY", "UNKNOWN"),
    )


EVENT_OBJECT_FIELD = "involvedObject"
"""The JSON payload field of a Kubernetes event naming the object it is about."""
EVENT_OBJECT_KEYS = ("kind", "namespace", "name")
"""The keys of `EVENT_OBJECT_FIELD` that name the event's workload (`_workload`)."""
# A pod's name after its workload's: `api-7d9f8b6c4-x2x9z` (Deployment), `agent-x2x9z` (DaemonSet, Job),
# `redis-master-0` (StatefulSet: its ordinal)
_POD_SUFFIX = compile_regex(r"-(?:(?:[a-z0-9]{6,10}-)?[a-z0-9]{5}|\d{1,4})$")


def _workload(involved: dict[str, Any]) -> str | None:
    """`namespace/name` of the namespaced object a Kubernetes event is about (a pod by its workload's name);
    None for a cluster-wide one (a Node)."""
    kind, namespace, name = (as_text(involved.get(key)) for key in EVENT_OBJECT_KEYS)
    if not namespace or not name:
        return None
    if kind == "Pod":
        name = pod_workload(name)
    return f"{namespace}/{name}"


def pod_workload(pod: str) -> str:
    """The name of the workload a pod belongs to (`catalog-backend-7f9c6d5b4-k2m4p`: `catalog-backend`)."""
    return _POD_SUFFIX.sub("", pod) or pod


# A managed instance group's autohealer repairing an instance (`compute.instances.repair.recreateInstance`),
# recorded as a successful system event at INFO: `Instance Group Manager '…/instanceGroupManagers/NAME'
# initiated ACTION on instance '…'. Reason: WHY`
_REPAIR_METHOD = compile_regex(r"\.instances\.repair\.(?P<action>\w{1,64})$")
_REPAIR_GROUP = compile_regex(r"Instance Group Manager '(?:[^'\s]{0,256}/)?(?P<group>[\w-]{1,128})'")
_REPAIR_REASON = compile_regex(r"\bReason: (?P<reason>.{1,500})", re.DOTALL)
# the autohealer's reason when the instance failed its health check (`… but health status is TIMEOUT.`)
_FAILED_HEALTH = compile_regex(r"\bhealth status is (?!HEALTHY\b)[A-Z_]{2,32}\b")


def _repair(method: str, status_message: str, metadata: Any) -> tuple[str, bool] | None:
    """The title of an autohealer's repair, without the instance's name (every instance of the group is one
    problem): `Instance group NAME autohealing ACTION: WHY`, and whether the instance failed its health check
    (an instance repaired because it no longer exists is not one); None for another call."""
    repair = _REPAIR_METHOD.search(method)
    if repair is None:
        return None
    named = metadata.get("instance_group_manager_name") if isinstance(metadata, dict) else None
    found = _REPAIR_GROUP.search(status_message)
    group = as_text(named) or (found["group"] if found else "")
    reason = _REPAIR_REASON.search(status_message)
    head = f"Instance group {group} autohealing" if group else "Autohealing"
    head = f"{head} {repair['action']}"
    title = f"{head}: {reason['reason'].strip()}" if reason else head
    return title, _FAILED_HEALTH.search(status_message) is not None


def _audit(payload: dict[str, Any]) -> Payload:
    status = payload.get("status")
    code = rpc_code_name(status.get("code")) if isinstance(status, dict) else None
    status_message = as_text(status.get("message")) if isinstance(status, dict) else ""
    if code is None:
        job_error = _job_error(payload)
        code = rpc_code_name(job_error.get("code"))
        status_message = as_text(job_error.get("message")) if code else status_message
    service = as_text(payload.get("serviceName")) or None
    method = as_text(payload.get("methodName")) or None
    resource_name = as_text(payload.get("resourceName"))
    principal = _principal(payload)
    status_message = _without_json_dump(status_message)
    repair = _repair(method, status_message, payload.get("metadata")) if method and not code else None
    if repair is not None:
        message = repair[0]
    elif code:
        head = f"{code} on {method or 'a call'}" + (f" ({service})" if service else "")
        if status_message.replace(" ", "_").upper() in ("", code):  # nothing beyond the code: say why instead
            status_message = _status_reasons(status, payload.get("metadata"))
        message = f"{head}: {status_message}" if status_message else head
    elif status_message:
        message = status_message
    elif method:
        message = f"{method} on {resource_name}".strip()
    else:
        message = _cut(json.dumps(payload, sort_keys=True, default=str), _AUDIT_DUMP)
    return Payload(
        kind="proto",
        message=message,
        audit_service=service,
        audit_method=method,
        audit_status=code,
        principal=principal,
        failed_check=repair is not None
        and repair[1],  # the instance failed its health check (`health-check`)
        grants_only=_grants_only(payload),
        audit_scope=audit_scope(payload) if method and not code else (),
    )


def _job_error(payload: dict[str, Any]) -> dict[str, Any]:
    """The error of the job an audit entry's event reports (a `google.rpc.Status`), or `{}`: BigQuery writes a
    job's end as an event beside the call's own status, which may stay empty while the job failed:
    `metadata.jobChange.job.jobStatus.errorResult` (BigQueryAuditMetadata; `jobInsertion` too) and the legacy
    `serviceData.jobCompletedEvent.job.jobStatus.error` (AuditData)."""
    for key in ("metadata", "serviceData"):
        data = payload.get(key)
        for event in data.values() if isinstance(data, dict) else ():
            job = event.get("job") if isinstance(event, dict) else None
            status = job.get("jobStatus") if isinstance(job, dict) else None
            if isinstance(status, dict):
                error = status.get("errorResult", status.get("error"))
                if isinstance(error, dict):
                    return error
    return {}


def _grants_only(payload: dict[str, Any]) -> bool:
    """The audit entry's IAM policy delta (`serviceData` or `metadata`: `policyDelta.bindingDeltas`) is not
    empty and every delta's `action` is `ADD`."""
    for key in ("serviceData", "metadata"):
        data = payload.get(key)
        delta = data.get("policyDelta") if isinstance(data, dict) else None
        bindings = delta.get("bindingDeltas") if isinstance(delta, dict) else None
        if isinstance(bindings, list) and bindings:
            return all(isinstance(b, dict) and b.get("action") == "ADD" for b in bindings)
    return False


SCOPE_FIELD = "field:"
"""A field an update mask names (`field:labels` of `UpdateInstanceRequest.updateMask`)."""
SCOPE_PORT = "port:"
"""A port a firewall rule admits or denies (`port:6379`, a range `port:8000-8100`; `port:any` for a protocol given
with no ports: all of its ports)."""
SCOPE_HOST = "host:"
"""A DNS record's name a Cloud DNS change adds or deletes, without its final dot (`host:ledger.internal.shop`)."""
SCOPE_ENDPOINT = "endpoint:"
"""The host of the endpoint a push subscription delivers to (`endpoint:fulfil-2u4ksdmv5q-uc.a.run.app`)."""
SCOPE_DESTINATION = "dest:"
"""A destination range a route or an egress firewall rule applies to (`dest:10.90.0.0/16`: a route's `destRange`, a
rule's `destinationRanges`)."""
SCOPE_SOURCE = "source:"
"""A source range an ingress firewall rule applies to (`source:35.191.0.0/16`, its `sourceRanges`)."""
SCOPE_API = "api:"
"""The API whose quota a quota limit's or override's change sets (`api:translate.googleapis.com`)."""
SCOPE_BACKEND = "backend:"
"""A backend service a load balancer's URL map routes requests to, as its request names it (`backend:api-v2` of
`defaultService` or a path rule's `service`: `…/global/backendServices/api-v2`)."""
SCOPE_VALIDATE_ONLY = "validate-only"
"""The request only asked the API to validate it (`validateOnly: true`, AIP-163's `validate_only`): it changed and
deployed nothing."""
SCOPE_PERMISSION = "permission:"
"""A permission an IAM deny policy's rules deny, as callers are refused it (`permission:storage.objects.delete` of
`deniedPermissions: ["storage.googleapis.com/objects.delete"]`; a `*` stands for any part)."""
_MAX_SCOPE = 32
_DENIED_PERMISSION = compile_regex(
    r"^([a-z][a-z0-9-]{0,62})\.[a-z0-9.-]{1,200}/([\w*]{1,100}\.[\w*]{1,100})$"
)
"""A deny policy's permission, `SERVICE_FQDN/RESOURCE.ACTION` (`storage.googleapis.com/objects.delete`): the IAM
permission's service prefix is the FQDN's first label (`storage.objects.delete`)."""
_ENDPOINT_HOST = compile_regex(r"^https?://([^/:?#\s]{1,253})")
_QUOTA_OF_API = compile_regex(r"^projects/[^/]{1,100}/services/([a-z0-9.-]{1,100})/consumerQuotaMetrics/")
"""A quota limit's or override's resource name (`projects/4182…/services/translate.googleapis.com/
consumerQuotaMetrics/translate.googleapis.com%2Fdefault_requests/limits/%2Fmin%2Fproject/consumerOverrides/Cg1…`)
and the API it is of: the name its callers' `Quota exceeded … of service 'translate.googleapis.com'` says (the
override's id may look like a secret to the redactor, and the whole name with it)."""


def audit_scope(payload: dict[str, Any]) -> tuple[str, ...]:
    """What an audited change confines itself to, as `SCOPE_*`-tagged words (at most `_MAX_SCOPE`): the paths of
    its request's update mask (a string `labels,display_name` or `{"paths": […]}`), the ports of a firewall rule's
    `allowed` and `denied` entries, a route's or a rule's destination ranges, a rule's source ranges, the DNS names a
    Cloud DNS change's request names (`_record_names`), a push
    subscription's endpoint host (`pushConfig.pushEndpoint`, or the subscription's in an `UpdateSubscription`), the
    API of a quota's resource name, the backend services a URL map routes to (`SCOPE_BACKEND`), whether it was only
    validated (`SCOPE_VALIDATE_ONLY`); with no mask, the fields a
    method of patch semantics sets (`_patched_fields`). Empty when it says none of them."""
    scope: list[str] = []
    resource_name = as_text(payload.get("resourceName"))
    quota = _QUOTA_OF_API.search(resource_name) if "/consumerQuotaMetrics/" in resource_name else None
    if quota is not None:
        scope.append(SCOPE_API + quota.group(1))
    request = payload.get("request")
    if not isinstance(request, dict):
        return tuple(scope)
    mask = request.get("updateMask", request.get("update_mask"))
    paths = (
        mask.get("paths") if isinstance(mask, dict) else mask.split(",") if isinstance(mask, str) else None
    )
    if request.get("validateOnly", request.get("validate_only")) is True:
        scope.append(SCOPE_VALIDATE_ONLY)
    if paths is None and as_text(payload.get("methodName")).rpartition(".")[2].lower() == "patch":
        body = request.get("body")
        paths = list(_patched_fields(body if isinstance(body, dict) else request))
    for key in ("allowed", "denied"):
        rules = request.get(key)
        for rule in rules if isinstance(rules, list) else ():
            ports = rule.get("ports") if isinstance(rule, dict) else None
            if isinstance(ports, list) and ports:
                scope.extend(SCOPE_PORT + as_text(port).strip() for port in ports)
            elif isinstance(rule, dict):
                scope.append(SCOPE_PORT + "any")
    ranges = request.get("destinationRanges")
    destinations = [*(ranges if isinstance(ranges, list) else ()), request.get("destRange")]
    scope.extend(SCOPE_DESTINATION + text for text in map(as_text, destinations) if text)
    sources = request.get("sourceRanges")
    scope.extend(
        SCOPE_SOURCE + text for text in map(as_text, sources if isinstance(sources, list) else ()) if text
    )
    scope.extend(SCOPE_HOST + name.strip(".").lower() for name in _record_names(request) if name.strip("."))
    subscription = request.get("subscription")
    push = request.get("pushConfig") or (
        subscription.get("pushConfig") if isinstance(subscription, dict) else None
    )
    endpoint = push.get("pushEndpoint") if isinstance(push, dict) else None
    host = _ENDPOINT_HOST.search(endpoint) if isinstance(endpoint, str) else None
    if host is not None:
        scope.append(SCOPE_ENDPOINT + host.group(1).lower())
    scope.extend(SCOPE_PERMISSION + permission for permission in _denied_permissions(request))
    if "/urlMaps/" in resource_name:
        scope.extend(SCOPE_BACKEND + name for name in _routed_backends(request))
    # the fields last: a patch's body may set more than the cap holds, and the scopes above say more
    scope.extend(SCOPE_FIELD + path.strip() for path in paths or () if isinstance(path, str) and path.strip())
    return tuple(dict.fromkeys(scope))[:_MAX_SCOPE]


METADATA_FIELDS = frozenset({"labels", "userlabels", "displayname", "description"})
"""Fields of a resource that only describe it (lower case, without `_`): a change of these alone (`UpdateInstance`
with `updateMask: labels`, a patch of `settings.userLabels`, `ClusterManager.SetLabels`) changes nothing its clients
meet."""


def describes(field: str) -> bool:
    """The field (`labels`, `settings.user_labels`: its last part) only describes the resource (`METADATA_FIELDS`)."""
    return field.rpartition(".")[2].replace("_", "").lower() in METADATA_FIELDS


_NOT_CHANGED_FIELDS = frozenset(
    {"@type", "kind", "etag", "fingerprint", "labelfingerprint", "settingsversion"}
)
"""Fields a patch's body carries to say what it is (`kind: sql#settings`) or which version of the resource it was
written against (an `etag`, a `fingerprint`, Cloud SQL's `settingsVersion`), not a value it changes (lower case,
without `_`)."""
_PATCHED_DEPTH = 3


def _patched_fields(body: dict[str, Any], prefix: str = "", depth: int = 1) -> Iterator[str]:
    """The fields a patch's body sets, the only ones a method of patch semantics changes (`cloudsql.instances.patch`
    merges `body` into the instance, `v1.compute.backendServices.patch` its request into the backend service): each
    field down to a value that is not an object, or to a field that only describes the resource (`settings.userLabels`
    of `{"settings": {"userLabels": {…}}}`: its keys are the labels', not fields)."""
    for key, value in body.items():
        if not isinstance(key, str) or key.replace("_", "").lower() in _NOT_CHANGED_FIELDS:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and depth < _PATCHED_DEPTH and not describes(key):
            yield from _patched_fields(value, f"{path}.", depth + 1)
        else:
            yield path


_BACKEND_SERVICE = compile_regex(r"/backendServices/([a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)$")
"""A reference to a backend service in a URL map (`https://www.googleapis.com/compute/v1/projects/p/global/
backendServices/api-v2`, a regional one's `…/regions/r/backendServices/api-v2`, or the path alone)."""
_ROUTING_DEPTH = 6


def _routed_backends(value: Any, depth: int = 0) -> Iterator[str]:
    """The backend services a URL map's request routes to: every reference to one in it (`defaultService`, a path
    rule's `service`, a route rule's weighted `backendService`), however deep."""
    if isinstance(value, str):
        found = _BACKEND_SERVICE.search(value) if "/backendServices/" in value else None
        if found is not None:
            yield found.group(1)
    elif depth < _ROUTING_DEPTH and isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _routed_backends(item, depth + 1)


def _denied_permissions(request: dict[str, Any]) -> Iterator[str]:
    """The permissions an IAM deny policy's request denies (`policy.rules[].denyRule.deniedPermissions`), in the
    form a refused caller's error names them (`_DENIED_PERMISSION`)."""
    policy = request.get("policy")
    rules = policy.get("rules") if isinstance(policy, dict) else None
    for rule in rules if isinstance(rules, list) else ():
        deny = rule.get("denyRule") if isinstance(rule, dict) else None
        permissions = deny.get("deniedPermissions") if isinstance(deny, dict) else None
        for text in permissions if isinstance(permissions, list) else ():
            found = _DENIED_PERMISSION.match(text) if isinstance(text, str) else None
            if found is not None:
                yield f"{found.group(1)}.{found.group(2)}"


def _record_names(request: dict[str, Any]) -> Iterator[str]:
    """The DNS names a Cloud DNS change's request adds, deletes or answers for: a change's `additions` and
    `deletions` (`dns.changes.create`), a record set's `name` (`dns.resourceRecordSets.delete`, addressed by its
    zone, name and type; `…create`/`…patch` with its `resourceRecordSet`), a response policy rule's `dnsName`
    (`dns.responsePolicyRules.patch`: `*.googleapis.com.`)."""
    change = request.get("change")
    records: list[Any] = []
    for key in ("additions", "deletions"):
        found = change.get(key) if isinstance(change, dict) else None
        records.extend(found if isinstance(found, list) else ())
    record_set = request.get("resourceRecordSet")
    if isinstance(record_set, dict):
        records.append(record_set)
    elif "managedZone" in request and "type" in request:
        records.append(request)
    for record in records:
        name = record.get("name") if isinstance(record, dict) else None
        if isinstance(name, str):
            yield name
    rule = request.get("responsePolicyRule")
    name = rule.get("dnsName") if isinstance(rule, dict) else None
    if isinstance(name, str):
        yield name


_JSON_DECODER = json.JSONDecoder()
_MESSAGE_KEY = compile_regex(r"(?i)(?:^|\.|_)(?:error_?)?message$")


def _without_json_dump(message: str) -> str:
    """A status message that ends in a JSON object (`Build failed: {"metrics":{},"error":{…},"stats":[…]}`):
    the words before it, and the non-empty error message the object holds, if any; any other message as it
    is. The object is a machine's dump of its state, not words for a title."""
    start = message.find("{")
    if start < 0:
        return message
    try:
        value, end = _JSON_DECODER.raw_decode(message, start)
    except ValueError:
        return message
    if not isinstance(value, dict) or message[end:].strip():
        return message
    head = message[:start].rstrip().rstrip(":").rstrip()
    said = next((text for path, text in _leaves(value) if _MESSAGE_KEY.search(path) and text.strip()), "")
    return ": ".join(part for part in (head, said) if part) or message


def _status_reasons(status: Any, metadata: Any) -> str:
    """The reasons an audit entry gives for its status beyond the code: a violation's type (VPC Service
    Controls, quota), an `ErrorInfo` reason, VPC Service Controls' `violationReason` (`""` when none)."""
    reasons: list[str] = []
    details = status.get("details") if isinstance(status, dict) else None
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        violations = detail.get("violations")
        for violation in violations if isinstance(violations, list) else []:
            if isinstance(violation, dict):
                reasons.append(as_text(violation.get("type")))
        reasons.append(as_text(detail.get("reason")))
    if isinstance(metadata, dict):
        reasons.append(as_text(metadata.get("violationReason")))
    return ", ".join(dict.fromkeys(reason for reason in reasons if reason))


# App Engine's lines in a request's log when it ended the instance that served it: over its memory, past the
# request's deadline, or its process exiting
_INSTANCE_ENDED = compile_regex(
    r"\bExceeded (?:soft|hard) memory limit of \d"
    r"|\bwas found to be using too much memory and was terminated\b"
    r"|\bProcess terminated because the request deadline was exceeded\b"
    r"|\bA problem was encountered with the process that handled this request, causing it to exit\b"
)


def _request_log(payload: dict[str, Any]) -> Payload:
    raw_lines = payload.get("line")
    lines: list[Any] = raw_lines if isinstance(raw_lines, list) else []
    messages = [
        as_text(line.get("logMessage")) for line in lines if isinstance(line, dict) and line.get("logMessage")
    ]
    severities = [
        Severity.parse(line.get("severity"))
        for line in lines
        if isinstance(line, dict) and line.get("severity")
    ]
    status = payload.get("status")
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    declared = max(severities) if severities else None
    if (
        status is not None
        and declared is not None
        and declared >= Severity.WARNING
        and (status < 400 or any(_INSTANCE_ENDED.search(message) for message in messages))
    ):
        # The request went well; what went wrong is what the app logged while serving it (`Exceeded soft
        # memory limit…`, an error it handled): the problem is those lines, not the request's route. So too when
        # App Engine ended the instance that served it (its memory, a deadline): whatever the request's status,
        # the instance's end is the problem, on whichever route it came
        raised = [
            as_text(line.get("logMessage"))
            for line in lines
            if isinstance(line, dict)
            and line.get("logMessage")
            and Severity.parse(line.get("severity")) >= Severity.WARNING
        ]
        return Payload(kind="json", message="\n".join(raised), stack_sources=messages, declared=declared)
    return Payload(
        kind="json",
        message="\n".join(messages),
        stack_sources=messages,
        declared=declared,
        http_method=as_text(payload.get("method")) or None,
        http_url=as_text(payload.get("resource")) or None,
        http_status=status,
    )


# The user agents Google's own delivery services send requests with (Pub/Sub push and Eventarc, Cloud Tasks,
# Cloud Scheduler, Workflows): a 4xx to them is an integration that drops its work, not an outsider refused.
_GOOGLE_DELIVERY = compile_regex(
    r"^(?:APIs-Google|Google-Cloud-Tasks|Google-Cloud-Scheduler|GoogleCloudWorkflows)\b"
)


def caller_kind(raw: dict[str, Any]) -> str | None:
    """`principal_kind` of an audit entry's caller, read before redaction hides the address; for a request,
    `google-delivery` when a Google service delivered it (its user agent)."""
    payload = raw.get("protoPayload")
    if not isinstance(payload, dict) or not (payload.get("methodName") or payload.get("serviceName")):
        http = raw.get("httpRequest")
        agent = as_text(http.get("userAgent")) if isinstance(http, dict) else ""
        return "google-delivery" if agent and _GOOGLE_DELIVERY.match(agent) else None
    return principal_kind(_principal(payload))


def _principal(payload: dict[str, Any]) -> str | None:
    """Who made an audited call (`authenticationInfo.principalEmail`, else `principalSubject`)."""
    authentication = payload.get("authenticationInfo")
    if not isinstance(authentication, dict):
        return None
    return as_text(authentication.get("principalEmail") or authentication.get("principalSubject")) or None
