"""The Cloud Logging query a live scan runs, and the Logs Explorer link that opens the same query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from loggardener.entries.levels import (
    GELF_MESSAGE_FIELD,
    MAY_DECLARE_LEVEL,
    NESTED_LEVEL_NAMES,
    PLATFORM_FAILURE_PATTERN,
)
from loggardener.entries.models import Severity
from loggardener.entries.payloads import (
    ACCESS_FLAGS_FIELD,
    ACCESS_STATUS_FIELDS,
    ENVOY_UPSTREAM_FAILURE_FLAGS,
    ERROR_FIELDS,
    FAILED_OUTCOMES,
    LEVEL_KEY_SPELLINGS,
    MESSAGE_FIELDS,
    MONGO_CONTEXT_FIELD,
    MONGO_LEVEL_FIELD,
    MONGO_LEVELS,
    NAT_ALLOCATION_FIELD,
    NAT_DROPPED,
    OUTCOME_FIELDS,
    STACK_FIELDS,
)
from loggardener.entries.resources import SERVICE_FILTERS, gke_backend_filter
from loggardener.errors import ExitCode, GardenerError
from loggardener.linking.facts import CHANGE_LOGS
from loggardener.regexes import top_level_alternatives

# Cloud Run writes these below WARNING although they matter: the lines of a traceback printed to stderr
# without structured logging (one entry per line, no severity), and the platform's own messages such as
# "Container called exit(3)." in the varlog/system log.
CLOUD_RUN_STDERR_UNLEVELED = 'log_id("run.googleapis.com/stderr") AND severity=DEFAULT'
CLOUD_RUN_SYSTEM = 'log_id("run.googleapis.com/varlog/system")'
# The audit logs of deploys and changes an incident tells (`linking.facts`: admin activity, system event),
# at any severity: deploys and most changes are written at NOTICE
CHANGE_AUDIT = " OR ".join(f'log_id("cloudaudit.googleapis.com{suffix}")' for suffix in CHANGE_LOGS)

CONSOLE_BASE = "https://console.cloud.google.com/logs/query"


@dataclass(frozen=True)
class LogQuery:
    """What to read: a time window and the clauses that narrow it."""

    start: datetime
    end: datetime
    min_severity: Severity = Severity.WARNING
    services: tuple[str, ...] = ()
    resource_type: str | None = None
    extra_filter: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise GardenerError("the scan window needs timezone-aware times", ExitCode.BAD_INPUT)
        if self.start >= self.end:
            raise GardenerError(
                f"empty scan window: start {rfc3339(self.start)} is not before end {rfc3339(self.end)}",
                ExitCode.BAD_INPUT,
            )
        if self.extra_filter is not None:
            _check_clause(self.extra_filter)


def _check_clause(clause: str) -> None:
    """A `--filter` clause is AND-ed in parentheses: one that closes more than it opens (`a) OR (b`) would
    escape them and OR itself with the whole query, window included; an unclosed quote or parenthesis
    breaks the query. Both are refused here rather than sent."""
    depth = 0
    quoted = False
    escaped = False
    for character in clause:
        if escaped:  # the character after a backslash in a string
            escaped = False
            continue
        if quoted:
            escaped = character == "\\"
            quoted = character != '"'
            continue
        if character == '"':
            quoted = True
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth < 0:
                break
    if depth != 0 or quoted:
        problem = "an unclosed quote" if quoted and depth == 0 else "unbalanced parentheses"
        raise GardenerError(
            f"--filter {clause!r} has {problem}: it would break out of its place in the query (or the "
            "query); balance them",
            ExitCode.BAD_INPUT,
        )


def rfc3339(moment: datetime) -> str:
    """A timestamp as the Logging API writes it: UTC, 'Z', fractional seconds only when present."""
    utc = moment.astimezone(timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def quote_string(value: str) -> str:
    """A Logging-query-language string literal: double quotes, with backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# A level word from WARNING up, the whole value of a JSON level field.
_LEVEL_WORD_ABOVE = quote_string(
    "(?i)^(warn|warning|wrn|err|error|severe|crit|critical|fatal|panic|alert|emerg|emergency)$"
)
# The JSON payload fields that may hold such a word (entries.payloads reads them): the usual level keys,
# ECS's dotted and nested `log.level`, Serilog's `@l` (and its JsonFormatter's `Level`), .NET's `LogLevel`,
# Datadog's `status`, an OpenTelemetry record's severity text, dbt's `info.level`, the name in a level written as
# an object.
_JSON_LEVEL_FIELDS = (
    "severity",
    "level",
    "levelname",
    '"log.level"',
    "loglevel",
    "log_level",
    "lvl",
    "Level",
    '"@l"',
    "LogLevel",
    "status",
    "log.level",
    "severity_text",
    "severityText",
    "SeverityText",
    "info.level",
    *(f'"{key}"' if key[:1] == "@" else key for key in LEVEL_KEY_SPELLINGS),
    *(f"level.{name}" for name in NESTED_LEVEL_NAMES),  # a level written as an object (log4js' `levelStr`)
)


def _json_field(key: str) -> str:
    """A JSON payload field in the Logging query language (a key that is no identifier is quoted)."""
    return f"jsonPayload.{key if key.isidentifier() else quote_string(key)}"


# Cloud Logging's limit on a query's length ("Length of a Logging query language query: 20,000 characters",
# https://cloud.google.com/logging/quotas): a longer filter is refused (INVALID_ARGUMENT)
MAX_FILTER_LENGTH = 20_000
# a regular expression's characters that are no literal text
_METACHARACTERS = frozenset("\\^$.|?*+()[]{}")
# escapes that stand for one literal character (`\n`, `\(`): any other (`\d`, `\s`, `\b`) ends a literal run
_LITERAL_ESCAPES = {"n": "\n", "t": "\t", **{c: c for c in "\\^$.|?*+()[]{}/-'\" :"}}


def _leading_literal(alternative: str) -> tuple[str, bool]:
    """The text every match of `alternative` starts with, and whether that is all of it (a plain word)."""
    text: list[str] = []
    index = 0
    while index < len(alternative):
        character = alternative[index]
        if character == "\\":
            literal = _LITERAL_ESCAPES.get(alternative[index + 1 : index + 2])
            if literal is None:
                return "".join(text), False
            text.append(literal)
            index += 2
            continue
        if character in _METACHARACTERS:
            # (a quantifier after the last character makes that one optional)
            quantified = character in "?*{" and text
            return "".join(text[:-1] if quantified else text), False
        text.append(character)
        index += 1
    return "".join(text), True


def without_subsumed(pattern: str) -> str:
    """`pattern` (a case-blind `(?i)` and its alternatives) without each alternative whose every match holds
    another alternative that is plain text (`bus error` beside `err`, `\\n\\s+at ` beside `\\n`): it matches the
    same texts in fewer characters (the filter holds this pattern once for each message field, and its length
    is limited: `MAX_FILTER_LENGTH`)."""
    flags = "(?i)" if pattern.startswith("(?i)") else ""
    alternatives = top_level_alternatives(pattern[len(flags) :])
    fold = str.lower if flags else str
    words = {fold(text) for text, whole in map(_leading_literal, alternatives) if whole and text}
    kept: list[str] = []
    for alternative in alternatives:
        start, whole = _leading_literal(alternative)
        start = fold(start)
        if any(word in start and (word != start or not whole) for word in words) or alternative in kept:
            continue
        kept.append(alternative)
    return flags + "|".join(kept)


# A text that may declare a level, say it failed, or carry a stack or a level on a later line (several lines)
_MAY_DECLARE_TEXT = quote_string(without_subsumed(MAY_DECLARE_LEVEL + r"|\n"))
# A JSON access log's status of a server error, written as a string (`"response_code": "503"`)
_SERVER_ERROR_CODE = quote_string(r"^5[0-9][0-9]$")
# A text line's trailing JSON fields of an access log of a server error (`Request completed {"status":500}`)
_TRAILING_SERVER_ERROR = quote_string('"(?:' + "|".join(ACCESS_STATUS_FIELDS) + ')"\\s*:\\s*"?5[0-9][0-9]')
# Envoy's flags of an upstream failure (an access log without a response stands for a 5xx by them)
_ENVOY_FAILURE_FLAGS = quote_string("(^|,)(" + "|".join(ENVOY_UPSTREAM_FAILURE_FLAGS) + ")(,|$)")
_FAILED_OUTCOME = quote_string(r"(?i)^\s*(" + "|".join(sorted(FAILED_OUTCOMES)) + r")\s*$")
# MongoDB's level letters from WARNING up (`s` beside its `ctx`)
_MONGO_ABOVE = " OR ".join(
    quote_string(letter) for letter, severity in MONGO_LEVELS.items() if severity >= Severity.WARNING
)


# Entries recorded below WARNING that the scan may raise (docs/severity.md): a platform failure line whatever the
# severity (Cloud Functions writes its timeout line at DEBUG); and at DEFAULT or INFO (GKE's stdout), a text or
# a JSON message (any field the parser reads it from: journald's `MESSAGE`, Serilog's `@mt`…) that declares a
# level, says it failed or has several lines; a JSON level field (journald's `PRIORITY`) from WARNING up; an
# error or a stack beside the message, a failed outcome, a GCP service's record of an attempt (`@type`), a JSON
# access log of a server error (`http-status`).
def _declared_above(matched: Sequence[str]) -> str:
    """The clause of `DECLARED_ABOVE` with the message fields of `matched` read by their text, the others by their
    presence (a superset: more entries fetched, none lost), for a filter within `MAX_FILTER_LENGTH`."""
    return (
        f"severity<WARNING AND (textPayload=~{quote_string('(?i)' + PLATFORM_FAILURE_PATTERN)}"
        f" OR ((severity=DEFAULT OR severity=INFO) AND (textPayload=~{_MAY_DECLARE_TEXT}"
        + "".join(
            f" OR {_json_field(field)}=~{_MAY_DECLARE_TEXT}"
            if field in matched
            else f" OR {_json_field(field)}:*"
            for field in MESSAGE_FIELDS
        )
        + "".join(f" OR jsonPayload.{field}=~{_LEVEL_WORD_ABOVE}" for field in _JSON_LEVEL_FIELDS)
        + "".join(
            f" OR {_json_field(field)}:*" for field in dict.fromkeys((*ERROR_FIELDS, *STACK_FIELDS, "@type"))
        )
        + "".join(f" OR {_json_field(field)}=~{_FAILED_OUTCOME}" for field in OUTCOME_FIELDS)
        + "".join(
            f" OR {field}>=500 OR {field}=~{_SERVER_ERROR_CODE}"
            for field in (*(_json_field(key) for key in ACCESS_STATUS_FIELDS), "jsonPayload.res.statusCode")
        )
        + f" OR textPayload=~{_TRAILING_SERVER_ERROR}"
        + f" OR {_json_field(ACCESS_FLAGS_FIELD)}=~{_ENVOY_FAILURE_FLAGS}"
        + f" OR ({_json_field(MONGO_LEVEL_FIELD)}=({_MONGO_ABOVE}) AND {_json_field(MONGO_CONTEXT_FIELD)}:*)"
        + " OR jsonPayload.level>=40 OR jsonPayload.severity>=400"  # pino's, Monolog's; a LogSeverity number
        + f" OR (jsonPayload.{GELF_MESSAGE_FIELD}:* AND jsonPayload.level<=4)"  # a GELF record's syslog number
        + ' OR jsonPayload.PRIORITY=("0" OR "1" OR "2" OR "3" OR "4")'
        + " OR jsonPayload.record.level.no>=30"  # loguru's serialized record: WARNING 30, ERROR 40, CRITICAL 50
        # Cloud NAT's dropped connection, the cluster autoscaler's failed result and its pods it cannot scale up for
        # (`payloads._nat_drop`, `_autoscaler_failure`, `_autoscaler_no_scale_up`)
        + f" OR jsonPayload.{NAT_ALLOCATION_FIELD}={quote_string(NAT_DROPPED)}"
        + " OR jsonPayload.resultInfo.results.errorMsg.messageId:*"
        + " OR jsonPayload.noDecisionStatus.noScaleUp:*)))"
    )


DECLARED_ABOVE = _declared_above(MESSAGE_FIELDS)
# The message fields read by their text however long the filter: the usual ones
_ALWAYS_MATCHED = 2


def _any_of(field: str, values: Sequence[str]) -> str:
    if len(values) == 1:
        return f"{field}={quote_string(values[0])}"
    return f"{field}=(" + " OR ".join(quote_string(v) for v in values) + ")"


def service_clause(services: Sequence[str]) -> str:
    """Entries of any of `services`, whatever their resource type (the label each type names it by, see
    `entries.resources`); `NAMESPACE/CONTAINER` names a GKE container, and `NAMESPACE/SERVICE` the load
    balancer backend GKE generated for it (`gke_backend`)."""
    alternatives = [_any_of(field, services) for field in SERVICE_FILTERS.values()]
    alternatives.append(_any_of("protoPayload.serviceName", services))
    for service in services:
        backend = gke_backend_filter(service)
        if backend is not None:
            alternatives.append(f"resource.labels.backend_service_name=~{quote_string(backend)}")
        namespace, slash, container = service.partition("/")
        if slash and namespace and container:
            alternatives.append(
                f"(resource.labels.namespace_name={quote_string(namespace)}"
                f" AND resource.labels.container_name={quote_string(container)})"
            )
    return "(" + " OR ".join(alternatives) + ")"


def build_filter(query: LogQuery) -> str:
    """The filter, one clause a line, every clause AND-ed.

    The window is always explicit: google-cloud-logging adds a 24-hour window to a filter that does not
    mention "timestamp". In the Logging query language OR binds tighter than AND, so every clause that
    holds an OR is parenthesized. Within Cloud Logging's limit on its length (`MAX_FILTER_LENGTH`), the message
    fields last in `MESSAGE_FIELDS` are read by their presence where their text would not fit (many services, a
    long `--filter`); a filter that does not fit even so is refused here, in words, rather than by the API.
    """
    clauses = [f'timestamp>="{rfc3339(query.start)}"', f'timestamp<"{rfc3339(query.end)}"']
    if query.resource_type:
        clauses.append(f"resource.type={quote_string(query.resource_type)}")
    services = tuple(dict.fromkeys(s for s in query.services if s))
    if services:
        clauses.append(service_clause(services))
    extra = [f"({query.extra_filter.strip()})"] if query.extra_filter and query.extra_filter.strip() else []
    for matched in range(len(MESSAGE_FIELDS), _ALWAYS_MATCHED - 1, -1):
        declared = (
            DECLARED_ABOVE if matched == len(MESSAGE_FIELDS) else _declared_above(MESSAGE_FIELDS[:matched])
        )
        filter_ = "\nAND ".join(
            [
                *clauses,
                f"(severity>={query.min_severity.name} OR ({CLOUD_RUN_STDERR_UNLEVELED}) OR {CLOUD_RUN_SYSTEM}"
                f" OR ({declared}) OR {CHANGE_AUDIT})",
                *extra,
            ]
        )
        if len(filter_) <= MAX_FILTER_LENGTH:
            return filter_
    raise GardenerError(
        f"the live query would be {len(filter_):,} characters, over Cloud Logging's limit of "
        f"{MAX_FILTER_LENGTH:,}: name fewer services with --service, or shorten --filter",
        ExitCode.BAD_INPUT,
    )


def console_url(filter_: str, project: str, start: datetime, end: datetime) -> str:
    """A Logs Explorer link that opens `filter_` over [start, end) in `project`.

    Format: https://console.cloud.google.com/logs/query;query=Q;timeRange=START%2FEND?project=P, with Q
    percent-encoded. Parentheses are encoded twice (%2528, %2529), as the console itself writes them:
    the console's router reads a bare or once-encoded parenthesis as route syntax.
    """
    encoded = quote(filter_, safe="").replace("%28", "%2528").replace("%29", "%2529")
    time_range = quote(f"{rfc3339(start)}/{rfc3339(end)}", safe="")
    return f"{CONSOLE_BASE};query={encoded};timeRange={time_range}?project={quote(project, safe='')}"
