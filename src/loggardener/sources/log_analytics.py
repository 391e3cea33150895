"""Read pre-groups from Log Analytics: one BigQuery SQL query over a linked dataset's log view.

Cloud Logging's entries.list reads at most 60,000 entries a minute; a log bucket upgraded to Log Analytics
can instead be queried with BigQuery SQL through a linked dataset. The query does the first stage of the
pipeline server-side: it groups the window's entries on a key that is an exact refinement of everything
the local pipeline derives from an entry, so every entry of a group would be parsed, reassembled,
clustered and prioritized alike but for its timestamp and instance. Per group it returns the count, the
first and last timestamp, the distinct instances and the earliest entries in full (as many as the
clustering keeps samples). The local pipeline parses those entries with the same parser as `--from` and
weighs them by the group's count (`Occurrences`), so no later stage knows which source an event came from.

The key, per column of the view (digits zeroed where the local pipeline ignores them):

- severity, log name, resource type and labels, the entry labels the parser reads (a Cloud Run job's
  execution, a Compute Engine instance's name, a container's stream: `resources.IDENTITY_ENTRY_LABELS`), and
  the object a Kubernetes event is about;
- the text payload with digits zeroed, plus its indented (or `#`-prefixed) lines verbatim: stack frames,
  whose line numbers, files and functions name a problem's place; and the places a stack names on a line that
  is not indented (a file and line, `app.rb:42:in 'total'`, a Go function's line, `main.handler2(…)`);
- the JSON payload the same way (frames after an escaped newline), plus its one- to three-digit numbers
  (levels such as pino's 50, as numbers or text; in a text payload too);
- the digits severity inference reads: whether the text holds a platform failure line (`exit(0)` is none,
  `exit(1)` is one), an access line's status;
- the request an access line logs (its path with only id-like segments masked, its status, HAProxy's too), and
  the paths of a JSON access log of a server error (`payloads.ACCESS_PATH_FIELDS`), masked alike;
- the proto payload with digits zeroed, plus its method name and one- to three-digit numbers (an audit log's
  status code, a request log's HTTP status) verbatim, and a request log's path as a request's (below);
- the HTTP method and status verbatim, and the request path with only id-like segments masked (`v1` and
  `v2` stay apart) — or, without a status, the whole URL with digits zeroed (it is then part of a message);
- the Error Reporting group ids and the source location verbatim;
- the time bucket of the clustering stage (`clustering.bucket_minutes`).

Split tracebacks: Cloud Run writes each stderr line of a Python traceback as its own entry, which the local
pipeline reassembles. Window functions over each (log, instance, revision) find the runs of lines that can
belong to a traceback (a superset of the local rule); those with a header, and the plain lines next to
them, are cut into chunks at the points where the local reassembler starts afresh (a line it does not
hold, a gap over `reassembly_gap_seconds`, a plain line not followed by a header it may introduce). Chunks
that read alike line by line (the key above, and whether each line shares its predecessor's instant) in
one time bucket form a group: its earliest chunks (as many as the clustering keeps samples) come back one
row per line, as in `--from`; the others as one row per line position (a `batch`), with their count and
first and last timestamp, which the pipeline reassembles once and weighs (`Occurrences.batch`).

Log Analytics does not deduplicate: entries are deduplicated on `insert_id` and `timestamp` first.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any, Protocol
from urllib.parse import quote

from loggardener.config import (
    DATASET_NAME,
    VIEW_NAME,
    EntriesConfig,
    GardenerConfig,
    dataset_name,
    dataset_problem,
    view_name,
)
from loggardener.console import Terminated
from loggardener.defaults import MAX_QUERY_SECONDS, REQUEST_TIMEOUT_SECONDS, RETRY_DEADLINE_SECONDS
from loggardener.entries.levels import (
    ACCESS_REQUEST_PATTERN,
    ACCESS_SERVER_ERROR_PATTERN,
    ACCESS_STATUS_PATTERN,
    BARE_REQUEST_PATTERN,
    CONTINUATION_PATTERN,
    HTTP_METHODS,
    JSON_LEVEL_KEYS,
    LEVEL_WORDS_PATTERN,
    MAY_RAISE_PATTERNS,
    MAY_RAISE_WORDS,
    NUMERIC_LEVELS,
    PLATFORM_FAILURE_PATTERN,
    PLATFORM_FAILURE_WORDS,
    RECORD_BARE_PATTERN,
    RECORD_HEAD_PATTERN,
    RECORD_LEVEL_PATTERN,
    RECORD_PREAMBLE_PATTERN,
    RUNTIME_ERROR_PATTERN,
    UWSGI_REQUEST_MARK,
    literal,
)
from loggardener.entries.models import Occurrences, Severity
from loggardener.entries.payloads import (
    ACCESS_FLAGS_FIELD,
    ACCESS_PATH_FIELDS,
    ACCESS_STATUS_FIELDS,
    ENVOY_UPSTREAM_FAILURE_FLAGS,
    ERROR_FIELDS,
    EVENT_OBJECT_FIELD,
    EVENT_OBJECT_KEYS,
    FAILED_OUTCOMES,
    HEALTH_CHECK_FIELD,
    MONGO_LEVEL_FIELD,
    MONGO_LEVELS,
    NAT_ALLOCATION_FIELD,
    NAT_DROPPED,
    OUTCOME_FIELDS,
    RUNTIME_PREFIX_PATTERN,
    STACK_FIELDS,
    SYSLOG_LEVELS,
    SYSLOG_PRIORITY_FIELD,
    VM_AGENT_RESOURCES,
)
from loggardener.entries.reassemble import (
    CREDENTIAL_LABEL_PATTERN,
    CREDENTIAL_WORDS,
    GLOG_TRACE_PATTERN,
    HINT_PATTERN,
    LABEL_REACH,
    MAY_BE_KIND_PATTERN,
    NEIGHBOURED_PATTERN,
    PREAMBLE_STEP,
    RECORD_STEP,
    REPORT_LINE_PATTERNS,
    REPORT_TEXT_OPENER_PATTERN,
    STACK_INFO,
)
from loggardener.entries.resources import (
    EXECUTION_LABEL,
    IDENTITY_ENTRY_LABELS,
    INSTANCE_LABELS,
    OTHER_INSTANCE_LABELS,
    STREAM_RESOURCE_LABELS,
    LabelPlace,
    instance_of,
)
from loggardener.entries.stacks import PHP_THROWN, PY_HEADER
from loggardener.errors import (
    PROXY_HINT,
    ExitCode,
    GardenerError,
    connection_failure,
    proxy_failure,
    shown_url,
    untrusted_certificate,
)
from loggardener.linking.facts import CHANGE_LOGS
from loggardener.regexes import compile_regex, widen_escapes
from loggardener.sources.file import entry_record
from loggardener.sources.google_auth import (
    NETWORK_HINT,
    SERVER_HINT,
    TOO_DEEP_ANSWER,
    auth_message,
    certificate_refused,
    credentials_for,
    credentials_hint,
    endpoint_url,
    is_emulator,
    not_enabled,
    project_gone,
    token_service,
    token_service_failure,
    token_wait,
    unreadable_answers,
    within,
)
from loggardener.sources.interface import EntrySource, RawRecord, RetryFn, SourceStats
from loggardener.sources.query import rfc3339

DEFAULT_VIEW = "_AllLogs"
DEFAULT_MAXIMUM_BYTES_BILLED = 10 * 1000**3
DEFAULT_MAX_ROWS = 1_000_000
CANCEL_SECONDS = 5.0
"""How long a scan that is being stopped waits for BigQuery to take its query job's cancellation."""

REQUIRED_COLUMNS = (
    "timestamp",
    "severity",
    "log_name",
    "insert_id",
    "resource",
    "labels",
    "text_payload",
    "json_payload",
)
OPTIONAL_COLUMNS = (
    "receive_timestamp",
    "proto_payload",
    "http_request",
    "source_location",
    "trace",
    "span_id",
    "error_groups",
)
_SETUP = (
    "upgrade the bucket with `gcloud logging buckets update BUCKET --location=LOCATION --enable-analytics` "
    "and link a dataset with `gcloud logging links create DATASET --bucket=BUCKET --location=LOCATION`"
)
_ROLES = (
    "the account needs roles/bigquery.jobUser on the project that runs the query, and "
    "roles/bigquery.dataViewer on the linked dataset (or roles/logging.viewAccessor on the log view)"
)
READING_ROWS = "reading the query's rows"
# What a 403 names as denied: the job itself (`bigquery.jobs.create` in the project that runs it), or the data
# (a dataset's or table's permission, `Access Denied: Table p:d.t` or `Dataset p:d`)
_JOB_DENIED = compile_regex(r"bigquery\.jobs\.create")
_DATA_DENIED = compile_regex(
    r"(?:Table|Dataset|dataset|table) ([a-z][a-z0-9.:-]*[a-z0-9]):(\w+)|bigquery\.(?:tables|datasets)\.\w+|"
    r"permission to query table"
)

# A 403 of VPC Service Controls (BigQuery's reason `policyViolation`, or `accessDenied` with this message): a
# perimeter, not a missing role, refused the request
_PERIMETER_DENIED = compile_regex(r"VPC Service Controls|prohibited by organization's policy")

# RE2-safe patterns (no lookaround, no backreferences) shared by BigQuery and DuckDB.
_DIGIT = r"\d"
_TEXT_FRAMES = r"(?:^|\n)[ \t#][^\n]*"
_JSON_FRAMES = r"\\n[ \t#](?:[^\\]|\\[^n])*"
_SHORT_NUMBERS = r'":\s*"?(-?\d{1,3})"?\s*[,}\]]'
_METHOD = r'"method_?[Nn]ame":\s*"([^"]*)"'
_REQUEST_RESOURCE = r'"resource":\s*"((?:[^"\\]|\\.)*)"'
_URL_PATH = r"^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)"
# Path segments every version of the local route normalization treats as ids (a subset is enough: the key
# only has to be finer than the route).
_ID_SEGMENT = (
    r"/(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]*\d[0-9a-fA-F]{7,}|[0-9a-fA-F]{7,}\d[0-9a-fA-F]*"
    r"|[A-Za-z0-9_-]*\d[A-Za-z0-9_-]{15,}|[A-Za-z0-9_-]{15,}\d[A-Za-z0-9_-]*"
    r"|[A-Za-z0-9_.%+-]+@[A-Za-z0-9_.-]+)/"
)
_SYSTEM_LOG = "%/logs/run.googleapis.com%2Fvarlog%2Fsystem"


def _re2_superset(pattern: str) -> str:
    """A Python pattern as RE2 takes it, matching at least what it matches: groups unnamed (a capture group
    is added where one is wanted), and a repetition beyond RE2's 1000 left open (`{1,4096}` as `{1,}`)."""
    unnamed = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    return re.sub(r"\{(\d+),(\d+)\}", lambda m: m[0] if int(m[2]) <= 1000 else f"{{{m[1]},}}", unnamed)


def _re2_text_superset(pattern: str) -> str:
    """A Python pattern over one line of text as RE2 takes it, matching at least what it matches anywhere in the
    line: lookaheads, `^` anchors and the upper bounds of counted repetitions dropped (each only narrows a match;
    RE2 refuses nested counts whose product passes 1000), and `\\w` and `\\s` widened to the Unicode characters
    Python's hold (RE2's are ASCII)."""
    pattern = re.sub(r"\(\?=[^()]*\)", "", pattern)
    pattern = re.sub(r"(?<!\\)\{(\d+),\d+\}", lambda m: "*" if m[1] == "0" else f"{{{m[1]},}}", pattern)
    pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    return widen_escapes(pattern, _UNICODE_CLASSES, keep_carets=False)


# Python's `\w`, `\s` and `\d` as RE2 class bodies (RE2's are ASCII, and its `\s` lacks the vertical tab)
_UNICODE_CLASSES = {
    "w": r"\w\x{80}-\x{10FFFF}",
    "s": r"\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\p{Z}",
    "d": r"\d\p{Nd}",
}


# An access line's request and status (`levels.ACCESS_STATUS_PATTERN`) as one RE2 group (RE2 allows no more)
_ACCESS_STATUS = "(" + _re2_superset(ACCESS_STATUS_PATTERN) + ")"
# An access line of a server error (`levels.ACCESS_SERVER_ERROR_PATTERN`), a request whatever its severity
_ACCESS_SERVER_ERROR = _re2_superset(ACCESS_SERVER_ERROR_PATTERN)
# An access line's request (`levels.ACCESS_REQUEST_PATTERN`, a superset: any line of the text), as one RE2 group
_ACCESS_REQUEST = "(" + _re2_superset(ACCESS_REQUEST_PATTERN) + ")"
# The path after a request's method (`GET /a/1`, Gin's `GET     "/a/1"`), without its query
_REQUEST_PATH = "(?:" + HTTP_METHODS + r')\s+"?([^"\s?#]+)'
# Where a stack names its place on a line of its own that is not indented (indented lines are keyed verbatim):
# a file and line (`app.rb:42:in 'total'`, `in /srv/a.php:9`, `panicked at src/main.rs:14:38`), a Go function's
# line (`main.handler2(...)`, also between escaped newlines in JSON), the function of Go's `created by`, a Swift
# trap's, a Dart terse frame's and a Perl `die`'s place
_UNINDENTED_PLACES = (
    r"(?m)((?:[\w./<>-]+\.[A-Za-z]\w*|<internal:[^>\n]+>):[0-9]+(?::in [`'][^'`\n]*)?"
    r"|^[\w./*()\[\]~%-]+\([0-9a-fx?{}, ._]*\)$"
    r"|\\n[\w./*()\[\]~%-]+\([0-9a-fx?{}, ._]*\)\\n"
    r"|^created by \S+"
    # Swift's trap before 5.9 (`Fatal error: … file App/Cart.swift, line 42`), a Dart terse frame (`package:a/b.dart
    # 61:9   fn`), Perl's `die` (`… at /app/lib/Ledger.pm line 120.`): their places, as `stacks.SWIFT_FATAL`,
    # `stacks.DART_TERSE_FRAME` and `stacks.PERL_DIE` read them
    r"|file [^\s,]+\.swift, line [0-9]+|\S+\.dart [0-9]+(?::[0-9]+)?| at \S+ line [0-9]+)"
)


def _string(value: str) -> str:
    """A BigQuery string literal (raw strings are not needed: backslashes are escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def parse_dataset(text: str) -> tuple[str, str]:
    """`PROJECT.DATASET` (or the link's resource name, `config.dataset_name`) → (project, dataset); a bad name
    is a usage error."""
    match = DATASET_NAME.match(dataset_name(text))
    if match is None:
        raise GardenerError(f"--log-analytics {text!r}: {dataset_problem(text)}", ExitCode.BAD_INPUT)
    return match["project"], match["dataset"]


@dataclass(frozen=True)
class LogAnalyticsQuery:
    """What to read from a linked dataset's view, and how the local pipeline will group it."""

    project: str
    dataset: str
    view: str
    start: datetime
    end: datetime
    min_severity: Severity = Severity.WARNING
    bucket_seconds: int = 600
    samples: int = 3
    reassembly_gap_seconds: float = EntriesConfig.model_fields["reassembly_gap_seconds"].default
    max_rows: int = DEFAULT_MAX_ROWS

    def __post_init__(self) -> None:
        if not VIEW_NAME.match(self.view):
            raise GardenerError(f"--view {self.view!r} is not a view name", ExitCode.BAD_INPUT)
        if self.start >= self.end:
            raise GardenerError(
                f"empty scan window: start {rfc3339(self.start)} is not before end {rfc3339(self.end)}",
                ExitCode.BAD_INPUT,
            )

    @property
    def table(self) -> str:
        return f"`{self.project}.{self.dataset}.{self.view}`"


def _timestamp_literal(moment: datetime) -> str:
    return "TIMESTAMP " + _string(moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f+00"))


_HEALTH_CHECK_KEY = _string(f'"{HEALTH_CHECK_FIELD}"')


def _any_word(words: Iterable[str]) -> str:
    """RE2: any of `words` (in a text, or in a JSON payload's text)."""
    return "|".join(literal(word) for word in words)


def _json_keys(keys: Iterable[str]) -> str:
    """RE2: one of `keys` as a JSON object's key, before its value."""
    return '"(?:' + "|".join(literal(key) for key in keys) + ')"\\s*:\\s*'


def _at_least(floor: int) -> str:
    """RE2: a JSON number or digit string (`json_level` reads both) of at least `floor`, a two-digit number."""
    tens, ones = divmod(floor, 10)
    higher = f"|[{tens + 1}-9][0-9]" if tens < 9 else ""
    return f'"?\\s*0*(?:{tens}[{ones}-9]{higher}|[1-9][0-9]{{2,}})'


# A JSON access log of a server error (`http-status`, `payloads.ACCESS_STATUS_FIELDS`), its status a number or a
# digit string, in a JSON payload or a text's JSON (a JSON line, or fields after a message)
_JSON_ACCESS_SERVER_ERROR = (
    "(?:"
    + _json_keys(ACCESS_STATUS_FIELDS)
    + '"?5[0-9][0-9](?:[^0-9]|$)'
    # or Envoy's flags of an upstream failure, which a log without a response (code 0) stands for a 5xx by
    + "|"
    + _json_keys([ACCESS_FLAGS_FIELD])
    + '"(?:[A-Z]{1,4},)*(?:'
    + "|".join(ENVOY_UPSTREAM_FAILURE_FLAGS)
    + ')[,"])'
)
# and the paths in it (`payloads.ACCESS_PATH_FIELDS`), without their query
_JSON_ACCESS_PATH = _json_keys(ACCESS_PATH_FIELDS) + r'"((?:[^"\\?#]|\\.)*)'


def _may_declare_pattern() -> str:
    """RE2: a superset of the text and JSON payloads from which the parser may read a level of WARNING or above
    (or a stack, or an error beside the message) on an entry whose severity it reads as weak: what its fast
    path (`EntryParser.skim`) does not skim, from the same words and fields."""
    floor = min(number for number, severity in NUMERIC_LEVELS if severity >= Severity.WARNING)
    priorities = [value for value, severity in SYSLOG_LEVELS.items() if severity >= Severity.WARNING]
    return "(?i)" + "|".join(
        [
            _any_word(MAY_RAISE_WORDS),
            *MAY_RAISE_PATTERNS,
            _json_keys(JSON_LEVEL_KEYS) + _at_least(floor),
            # a GELF record's syslog number from WARNING down to 0 (pino's numbers start at 10)
            _json_keys(["level"]) + '"?\\s*[0-4](?:[^0-9.]|$)',
            _json_keys([SYSLOG_PRIORITY_FIELD]) + f'"?\\s*(?:{"|".join(priorities)})(?:[^0-9]|$)',
            _json_keys(ERROR_FIELDS),  # `json-error`
            # `json-error` too: a job's failed outcome (`"status": "FAILURE"`), an error object under another key
            _json_keys(OUTCOME_FIELDS) + '"\\s*(?:' + "|".join(sorted(FAILED_OUTCOMES)) + ')\\s*"',
            '"(?:error[^"]*|[^"]*error)"\\s*:\\s*\\{',
            _json_keys(STACK_FIELDS),
            _json_keys(["@type"]),  # a GCP service's record of an attempt (`payloads._attempt`)
            # MongoDB's level letter from WARNING up
            _json_keys([MONGO_LEVEL_FIELD])
            + '"['
            + "".join(letter for letter, severity in MONGO_LEVELS.items() if severity >= Severity.WARNING)
            + ']"',
            # a JSON access log of a server error (`http-status`), its status a number or a digit string
            _JSON_ACCESS_SERVER_ERROR,
            _json_keys([NAT_ALLOCATION_FIELD]) + f'"{NAT_DROPPED}"',  # Cloud NAT's dropped connection
            _json_keys(["noScaleUp"]) + "\\{",  # the cluster autoscaler's pods it cannot scale up for
            "\\n|\\\\n",  # several lines (in JSON, escaped): a stack, or a level on a later line
        ]
    )


def _severity_names(threshold: Severity) -> str:
    """SQL: the names of the severities at or above `threshold`, as a list."""
    return ", ".join(_string(s.name) for s in Severity if s >= threshold)


# A superset of the lines a runtime writes only for an error (`levels.RUNTIME_ERROR_PATTERN`: the JVM's uncaught
# exception, a glog or klog `E`/`F` header) anywhere in a text; and the severities a shipper may stamp on them that
# are not weak
_RUNTIME_ERROR_LINE = _re2_text_superset(RUNTIME_ERROR_PATTERN)
_BELOW_WARNING = ", ".join(_string(s.name) for s in Severity if Severity.DEFAULT < s < Severity.WARNING)


def _severity_clause(threshold: Severity) -> str:
    """SQL: the entries whose severity may be at or above `threshold` once the parser infers it (docs/severity.md):
    a superset, the local parser decides."""
    names = _severity_names(threshold)
    text = "IFNULL(line_text, IFNULL(json_text, ''))"
    # an INFO that is only a stream's default is weak: it takes the level the entry declares
    weak_info = (
        "severity = 'INFO'"
        if threshold <= Severity.NOTICE
        else f"(severity = 'INFO' AND REGEXP_CONTAINS({text}, {_string(_may_declare_pattern())}))"
    )
    return (
        f"severity IN ({names}) OR severity IS NULL OR severity = 'DEFAULT' "
        f"OR log_name LIKE {_string(_SYSTEM_LOG)} "
        # whatever the severity: a platform failure line (`platform-failure`), in a text or a JSON message
        f"OR REGEXP_CONTAINS({text}, {_string('(?i)' + _any_word(PLATFORM_FAILURE_WORDS))}) "
        # an entry Error Reporting grouped (`error-group`)
        "OR STRPOS(IFNULL(TO_JSON_STRING(error_groups), ''), '\"id\"') > 0 "
        # a failed call's audit entry, or a RequestLog of a 5xx (`audit-status`, `http-status`)
        "OR STRPOS(IFNULL(proto_text, ''), '\"status\"') > 0 "
        # a runtime's own error line a shipper stamped below WARNING (`levels`' `runtime-error-line`)
        + f"OR (severity IN ({_BELOW_WARNING}) AND REGEXP_CONTAINS({text}, {_string(_RUNTIME_ERROR_LINE)})) "
        # a change or a deployment an incident tells (`linking.facts`: admin activity and system event audit logs)
        + "".join(f"OR log_name LIKE {_string('%' + quote(suffix, safe=''))} " for suffix in CHANGE_LOGS)
        # a load balancer's health check of a backend, at INFO (`health-check`)
        + f"OR STRPOS(IFNULL(json_text, ''), {_HEALTH_CHECK_KEY}) > 0 "
        # an access line of a server error, text or JSON, a request whatever its severity (`http-status`)
        f"OR REGEXP_CONTAINS(IFNULL(line_text, ''), {_string(_ACCESS_SERVER_ERROR)}) "
        f"OR REGEXP_CONTAINS({text}, {_string(_JSON_ACCESS_SERVER_ERROR)}) "
        f"OR {weak_info}"
    )


def _traceback_line(text: str) -> str:
    """SQL: the text entry may be a line of a split stack (a superset of the lines reassembly holds): one line that
    opens with no letter or digit, whose first word ends with a colon or is its only word, that reassembly may give
    a kind (`_MAY_BE_KIND`), or that continues PostgreSQL's record before it."""
    return (
        f"NOT REGEXP_CONTAINS({text}, r'\\n[^\\n]') AND ("
        f"NOT REGEXP_CONTAINS({text}, r'^[A-Za-z0-9]') "
        f"OR REGEXP_CONTAINS({text}, r'^[A-Za-z_][^\\s:]*(?::|\\s*$)') "
        f"OR REGEXP_CONTAINS({text}, {_string(_MAY_BE_KIND)}) "
        f"OR REGEXP_CONTAINS({text}, {_string(CONTINUATION_PATTERN)}))"
    )


# A line reassembly may give a kind (`reassemble.MAY_BE_KIND_PATTERN`, its classifier's pre-check): whatever report a
# kind of reassembly is added for, the query holds its lines
_MAY_BE_KIND = widen_escapes(_re2_superset(MAY_BE_KIND_PATTERN), _UNICODE_CLASSES)
# A frame of a Ruby template (`app/views/users/new.html.erb:3:in '_app_views…'`), or one that names no method
# (`app/views/users/_form.html.erb:3`), after a gem's name or not
_RUBY_TEMPLATE_FRAME = r"\.(?:rb|erb|haml|slim|builder|jbuilder|rabl):\d+(?::in |\s*$)"
# Rails' exception line (`NoMethodError (…):`) after a Logger's header, tags or neither: a report that may stand
# without frames (its blank lines and its excerpt are its event's)
_RAILS_EXCEPTION = r"^(?:[A-Z], \[[^\]]*\] +[A-Z]+ -- [^:]*: ?)?(?:\[[^\]]*\] ?)*[A-Z][\w:]* \(.*\):\s*$"
# A line with nothing after its tags (`reassemble._announces`)
_SAYS_NOTHING = r"\]\s+$"
# A line of another report that a plain line comes right after or right before (`reassemble.NEIGHBOURED_PATTERN`:
# shelf's header, request line and `Error thrown by handler.`, the Dart VM's heading, Deno's uncaught error, a caret
# under a source line): the plain line beside it may be a stack's line that only it makes one
_NEIGHBOURED = widen_escapes(_re2_superset(NEIGHBOURED_PATTERN), _UNICODE_CLASSES)
# Lines of a report of Dart, Swift, Haskell, Lua, Perl, shelf, PHP-FPM or .NET's stack overflow
# (`reassemble.REPORT_LINE_PATTERNS`): its lines
_REPORT_LINE = "|".join(_re2_text_superset(pattern.pattern) for pattern in REPORT_LINE_PATTERNS)
# A line after which a report goes on over plain lines within `reassemble.RECORD_STEP` (Spring Boot's failure
# analysis, a Dart error: `reassemble.REPORT_TEXT_OPENER_PATTERN`)
_REPORT_TEXT_OPENER = _re2_text_superset(REPORT_TEXT_OPENER_PATTERN)
# A Rust panic whose message is on the next line (some pastes and formatters drop the last colon)
_OPENS_MESSAGE = r"^thread '[^']*' panicked at \S+:\d+:\d+:?\s*$"
# A line's header of a timestamp and a level word, or a level word alone (`FATAL NoMethodError (…):`, `ERROR `):
# the message under it, as the parser strips it, may be a traceback's line (a superset: any case, any separator)
_LEVEL_PREFIX = (
    r"(?i)^\[?(?:[0-9][0-9TZ:.,/+ -]{6,40}\]?\s*)?"
    # Sidekiq's process and thread before the level (`levels`' `pid` tokens): `10117 TID-owed9kmd8`, since
    # Sidekiq 6 as pairs with the job's context after them (`pid=1 tid=2lkf class=SyncJob jid=5f0c… elapsed=0.41`)
    r"(?:(?:\d{1,10} TID-[0-9a-z]{1,32}|pid=\d{1,10} tid=[0-9a-z]{1,32}(?: [a-z_]+=[^\s=]+)*)\s+)?"
    r"\[?" + LEVEL_WORDS_PATTERN + r"\]?(?:[\s:|-]+|$)"
)
# A line that makes its run a stack to reassemble locally: Python's header, an `at` frame, a Python warning,
# a Go goroutine's header, a Ruby backtrace line, a Node.js rejection, an Elixir crash report's exception; and a
# loader's hint question, which joins the failure before it as a traceback's lines do.
_STACK_HEADER = (
    r"^\s+at \S|^\S+\.py:\d+: \w*Warning: |^goroutine \d+ |\.rb:\d+:in [`']|^\[UnhandledPromiseRejection: "
    r"|^\*\* \([A-Za-z]|^thread '[^']*' panicked at |^KNV\d{4}: \S|^\s+\S+\.go:\d+(?: \+0x[0-9a-f]+)?\s*$|"
    + _RUBY_TEMPLATE_FRAME
    + "|"
    + _RAILS_EXCEPTION
    + r"|Fatal error: {1,2}Uncaught \S|"  # PHP's uncaught exception, and the line that ends its report
    r"^Fatal Python error: |^<--- (?:Last few GCs|JS stacktrace) --->|"  # faulthandler's dump, V8's report
    r"^\[stacktrace\]\s*$|"  # Monolog's block of an exception in a record's context (`reassemble._MONOLOG_TRACE`)
    + CONTINUATION_PATTERN  # PostgreSQL's line that continues the record logged before it
    + "|"
    + PHP_THROWN.pattern
    + "|"
    + HINT_PATTERN
    # where a record was logged (logging's `stack_info`), glog's stack after a failed CHECK or a FATAL: the line
    # logged before it is their event's (`reassemble`'s `stack-info` and `glog-trace`)
    + "|^\\s*"
    + re.sub(r"([().*+?])", r"\\\1", STACK_INFO)
    + "|"
    + re.sub(r"\)\$", ")", _re2_text_superset(GLOG_TRACE_PATTERN))  # the text as logged: spaces may end it
)


# A line that ends naming a credential (`reassemble.credential_label`'s superset, on the text as logged): its stream's
# next lines may hold the value, which reassembly redacts after it
_CREDENTIAL_LABEL = _re2_text_superset(CREDENTIAL_LABEL_PATTERN)
# the quick look first (`reassemble.may_name_credential`): a credential's word, or a character that is not ASCII
_MAY_NAME_CREDENTIAL = "(?i)" + _any_word(CREDENTIAL_WORDS) + r"|[^\x00-\x7F]"
# A line of a private key's block logged one line per entry (`reassemble._KEY_BODY`'s superset: one word, a blank
# line, a PEM header), and the BEGIN or END line that opens it (redacted whole)
_KEY_LINE = r"^\s*(?:\S*|(?:Proc-Type|DEK-Info|Comment|Version): .*)\s*$"
_KEY_MARKER = r"PRIVATE KEY|\[REDACTED:private-key\]"


def _neighboured(text: str) -> str:
    """SQL: the text is a line of a report that a plain line beside it belongs to (`_NEIGHBOURED`)."""
    return f"REGEXP_CONTAINS({text}, {_string(_NEIGHBOURED)})"


def _stack_header(text: str) -> str:
    return (
        f"(STRPOS({text}, {_string(PY_HEADER)}) > 0 OR REGEXP_CONTAINS({text}, {_string(_STACK_HEADER)}) "
        f"OR REGEXP_CONTAINS({text}, {_string(_REPORT_LINE)}))"
    )


def _route(url: str) -> str:
    """SQL: the path of a request URL with only its id-like segments masked (finer than the local route)."""
    return (
        f"REGEXP_REPLACE(CONCAT('/', REPLACE(REGEXP_EXTRACT({url}, {_string(_URL_PATH)}), '/', '//'), '/'), "
        f"{_string(_ID_SEGMENT)}, '/{{id}}/')"
    )


def _paths(paths: str) -> str:
    """SQL: an array of request paths as one text, their id-like segments masked (finer than their routes)."""
    joined = f"ARRAY_TO_STRING({paths}, '/ /')"  # a segment of its own between two paths
    return (
        f"REGEXP_REPLACE(CONCAT('/', REPLACE({joined}, '/', '//'), '/'), {_string(_ID_SEGMENT)}, '/{{id}}/')"
    )


def _field(expression: str) -> str:
    """SQL: a value in a concatenated key, length-prefixed so that no two keys read alike (NULL is `n`). The
    expression must be a STRING: BigQuery's LENGTH and CONCAT take no other type (DuckDB casts silently)."""
    return f"IFNULL(CONCAT(CAST(LENGTH({expression}) AS STRING), ':', {expression}), 'n')"


def _instance_column() -> str:
    """The SQL of an entry's instance: the first of its resource type's labels that names one, as the parser
    reads it (`entries.resources.INSTANCE_LABELS`; an empty label counts as none)."""

    def first(labels: tuple[tuple[LabelPlace, str], ...]) -> str:
        values = [
            f"NULLIF(JSON_VALUE({'resource.labels' if place == 'resource' else 'labels'}, '$.\"{key}\"'), '')"
            for place, key in labels
        ]
        if not values:
            return "CAST(NULL AS STRING)"
        return values[0] if len(values) == 1 else f"COALESCE({', '.join(values)})"

    cases = "".join(
        f"\n      WHEN {_string(kind)} THEN {first(labels)}" for kind, labels in INSTANCE_LABELS.items()
    )
    return f"CASE resource.type{cases}\n      ELSE {first(OTHER_INSTANCE_LABELS)}\n    END"


# A container runtime's CRI record of a line (`payloads.RUNTIME_PREFIX_PATTERN`), and of a part of a longer one
_RUNTIME_RECORD = "^" + RUNTIME_PREFIX_PATTERN
_RUNTIME_PART = "^" + RUNTIME_PREFIX_PATTERN.replace("[FP] ", "P ")
# A VM agent's line of a file (`payloads._from_vm_agent`): a JSON payload holding only a string `message`
_LINE_FEED_END, _CARRIAGE_RETURN_END = r"\n$", r"\r$"
_AGENT_LINE = r'^\{\s*"message"\s*:\s*"(?:[^"\\]|\\.)*"\s*\}$'


def _line_text() -> str:
    """SQL: the text line an entry holds, as the parser reads it (`payloads.read_payload`): its text payload, or a
    VM agent's line of a file (a JSON payload holding only `message`, its line end dropped); either without a
    container runtime's CRI record prefix."""
    resources = ", ".join(_string(kind) for kind in VM_AGENT_RESOURCES)
    agent_line = (
        f"IF(resource.type IN ({resources}) AND REGEXP_CONTAINS(TO_JSON_STRING(json_payload), {_string(_AGENT_LINE)}), "
        f"REGEXP_REPLACE(REGEXP_REPLACE(JSON_VALUE(json_payload, '$.message'), {_string(_LINE_FEED_END)}, ''), "
        f"{_string(_CARRIAGE_RETURN_END)}, ''), NULL)"
    )
    return f"REGEXP_REPLACE(IFNULL(text_payload, {agent_line}), {_string(_RUNTIME_RECORD)}, '')"


def _severity_column(present: set[str]) -> str:
    """The entry's severity as the parser reads it (`Severity.parse`): its name in any case, or a number in it (a
    table shaped like a log view may hold what an export held: `error`, ` Warning`, `500`), else DEFAULT; where the
    view holds only its number (`severity_number`), the name of the highest severity at or below that number."""

    def by_number(number: str) -> str:
        names = "".join(
            f" WHEN {number} >= {s.value} THEN {_string(s.name)}"
            for s in sorted(Severity, reverse=True)
            if s.value
        )
        return f"CASE{names} WHEN {number} IS NOT NULL THEN 'DEFAULT' END"

    names = ", ".join(_string(s.name) for s in Severity)
    named = (
        f"CASE WHEN severity IS NULL OR severity IN ({names}) THEN severity "
        f"WHEN UPPER(TRIM(severity)) IN ({names}) THEN UPPER(TRIM(severity)) "
        f"ELSE IFNULL({by_number('SAFE_CAST(TRIM(severity) AS INT64)')}, 'DEFAULT') END"
    )
    if "severity_number" not in present:
        return f"{named} AS severity"
    return f"COALESCE({named}, {by_number('severity_number')}) AS severity"


def build_sql(query: LogAnalyticsQuery, columns: Iterable[str]) -> str:
    """The one query: deduplicate, find split tracebacks, group the rest into pre-groups."""
    present = set(columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        raise GardenerError(
            f"{query.table} lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            "is it a Log Analytics log view (e.g. _AllLogs) of a linked dataset?",
            ExitCode.BAD_INPUT,
        )

    def column(name: str, null: str) -> str:
        return name if name in present else f"CAST(NULL AS {null}) AS {name}"

    has_http = "http_request" in present
    selected = ",\n    ".join(
        [
            *(_severity_column(present) if c == "severity" else c for c in REQUIRED_COLUMNS),
            column("receive_timestamp", "TIMESTAMP"),
            column("proto_payload", "JSON"),
            "http_request" if has_http else "CAST(NULL AS STRING) AS http_request",
            column("source_location", "JSON"),
            column("trace", "STRING"),
            column("span_id", "STRING"),
            column("error_groups", "JSON"),
        ]
    )
    order = "receive_timestamp" if "receive_timestamp" in present else "timestamp"
    method = "http_request.request_method" if has_http else "CAST(NULL AS STRING)"
    status = "CAST(http_request.status AS STRING)" if has_http else "CAST(NULL AS STRING)"
    url = "http_request.request_url" if has_http else "CAST(NULL AS STRING)"
    # a stream of lines, as the reassembler's (`reassemble.stream_key`): by the resource labels it reads
    part = "log_name, instance, stream_labels, execution"
    # (the parts of a long line a runtime split come before its last part at their instant: `line_rank`)
    line_order = f"PARTITION BY {part} ORDER BY timestamp, line_rank, insert_id"
    gap = round(query.reassembly_gap_seconds * 1_000_000)
    record_step = RECORD_STEP // timedelta(microseconds=1)
    preamble_step = PREAMBLE_STEP // timedelta(microseconds=1)
    bucket = query.bucket_seconds * 1_000_000
    # an access line's request, where the parser looks for one (`levels.access_request`'s quick look first)
    access_request = (
        "IF(STRPOS(line_text, ' HTTP/') > 0 OR STRPOS(line_text, '[GIN]') > 0 "
        f"OR STRPOS(line_text, {_string(UWSGI_REQUEST_MARK)}) > 0 "
        f"OR REGEXP_CONTAINS(line_text, {_string('^' + BARE_REQUEST_PATTERN)}), "
        f"REGEXP_EXTRACT(line_text, {_string(_ACCESS_REQUEST)}), NULL)"
    )
    # What the local pipeline reads of an entry, digits zeroed where it ignores them (see the module's doc).
    keys = [
        "severity",
        "log_name",
        "resource.type",
        "resource_labels",
        "execution",
        # the other entry labels the parser reads: a Compute Engine instance's name, a container's stream
        *(
            f"JSON_VALUE(labels, '$.\"{label}\"')"
            for label in IDENTITY_ENTRY_LABELS
            if label != EXECUTION_LABEL
        ),
        # the object a Kubernetes event is about (its service), verbatim
        *(f"JSON_VALUE(json_payload, '$.{EVENT_OBJECT_FIELD}.{key}')" for key in EVENT_OBJECT_KEYS),
        f"REGEXP_REPLACE(line_text, r'{_DIGIT}', '0')",
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(line_text, {_string(_TEXT_FRAMES)}), '|')",
        f"REGEXP_REPLACE(json_text, r'{_DIGIT}', '0')",
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(json_text, {_string(_JSON_FRAMES)}), '|')",
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(json_text, {_string(_SHORT_NUMBERS)}), ',')",
        # digits inference reads (`levels.infer_severity`): a JSON line's level, a platform failure's exit code
        # or status, an access line's status
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(line_text, {_string(_SHORT_NUMBERS)}), ',')",
        # as text: keys are also joined into strings (`_field`), and BigQuery's LENGTH and CONCAT take no BOOL
        f"CAST(REGEXP_CONTAINS(IFNULL(line_text, json_text), {_string('(?i)' + PLATFORM_FAILURE_PATTERN)}) "
        "AS STRING)",
        f"REGEXP_EXTRACT(REGEXP_EXTRACT(IFNULL(line_text, json_text), {_string(_ACCESS_STATUS)}), "
        "r'([0-9]+)[^0-9]*$')",
        # a request the parser reads: a text access line's path and status (HAProxy's too), a JSON access log's
        # paths when it logs a server error (`payloads.ACCESS_PATH_FIELDS`)
        _paths(f"REGEXP_EXTRACT_ALL(access_request, {_string(_REQUEST_PATH)})"),
        "ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(access_request, r'\\b([1-5][0-9][0-9])\\b'), ',')",
        f"IF(REGEXP_CONTAINS(IFNULL(line_text, json_text), {_string(_JSON_ACCESS_SERVER_ERROR)}), "
        + _paths(f"REGEXP_EXTRACT_ALL(IFNULL(line_text, json_text), {_string(_JSON_ACCESS_PATH)})")
        + ", NULL)",
        # where a stack names its place on a line that is not indented (a Ruby or PHP header, a Go function)
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(IFNULL(line_text, json_text), {_string(_UNINDENTED_PLACES)}), '|')",
        f"REGEXP_REPLACE(proto_text, r'{_DIGIT}', '0')",
        # a stack a proto payload carries (a request log's line, an audit log's status message): its frames, and
        # where it names its place on a line that is not indented, as a JSON payload's
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(proto_text, {_string(_JSON_FRAMES)}), '|')",
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(proto_text, {_string(_UNINDENTED_PLACES)}), '|')",
        f"REGEXP_EXTRACT(proto_text, {_string(_METHOD)})",
        method,
        "status",
        f"IF(status IS NULL, REGEXP_REPLACE(url, r'{_DIGIT}', '0'), {_route('url')})",
        # an App Engine request log's status and path (`payloads._request_log`), and an audit log's code
        f"ARRAY_TO_STRING(REGEXP_EXTRACT_ALL(proto_text, {_string(_SHORT_NUMBERS)}), ',')",
        _route(f"REGEXP_EXTRACT(proto_text, {_string(_REQUEST_RESOURCE)})"),
        "TO_JSON_STRING(error_groups)",
        "TO_JSON_STRING(source_location)",
    ]
    fetched = (
        f"{_severity_clause(query.min_severity)} OR REGEXP_CONTAINS(IFNULL(status, ''), r'^[1-5][0-9][0-9]$')"
    )
    after_label = " OR ".join(
        f"(IFNULL(LAG(names_label, {k}) OVER ({line_order}), FALSE) "
        f"AND TIMESTAMP_DIFF(timestamp, LAG(timestamp, {k}) OVER ({line_order}), MICROSECOND) <= {k * gap})"
        for k in range(1, LABEL_REACH + 1)
    )
    label_needed = " OR ".join(
        f"(IFNULL(LEAD(after_label AND fetched, {k}) OVER ({line_order}), FALSE) "
        f"AND TIMESTAMP_DIFF(LEAD(timestamp, {k}) OVER ({line_order}), timestamp, MICROSECOND) <= {k * gap})"
        for k in range(1, LABEL_REACH + 1)
    )
    # a chunk's lines share the partition's log and execution: its key names them once (not the resource labels'
    # JSON text, which the partition reads only the stream's labels of)
    partition = ("log_name", "execution")
    # each key computed once: the grouping and a chunk's line key read its column (written out in both, a key was
    # computed, and its patterns compiled, three times: `_field` repeats its argument)
    names = [f"key_{number}" for number in range(len(keys))]
    described = ",\n    ".join(f"{key} AS {name}" for key, name in zip(keys, names, strict=True))
    line_key = ", ".join(_field(name) for key, name in zip(keys, names, strict=True) if key not in partition)
    group_keys = ",\n  ".join(names)
    entry = (
        "STRUCT(" + ", ".join(f"{name} AS {name}" for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)) + ")"
    )
    return f"""-- log gardener: pre-groups of {rfc3339(query.start)} to {rfc3339(query.end)}
WITH entries AS (
  SELECT
    {selected}
  FROM {query.table}
  WHERE timestamp >= {_timestamp_literal(query.start)} AND timestamp < {_timestamp_literal(query.end)}
  QUALIFY ROW_NUMBER() OVER (PARTITION BY insert_id, timestamp ORDER BY {order}) = 1
),
keyed AS (
  SELECT
    *,
    {_instance_column()} AS instance,
    JSON_VALUE(labels, '$."{EXECUTION_LABEL}"') AS execution,
    TO_JSON_STRING(resource.labels) AS resource_labels,
    CONCAT({", ".join(_field(f"JSON_VALUE(resource.labels, '$.{key}')") for key in STREAM_RESOURCE_LABELS)}) AS stream_labels,
    TO_JSON_STRING(json_payload) AS json_text,
    {_line_text()} AS line_text,
    IF(REGEXP_CONTAINS(text_payload, {_string(_RUNTIME_PART)}), 0, 1) AS line_rank,
    TO_JSON_STRING(proto_payload) AS proto_text,
    {url} AS url,
    {status} AS status
  FROM entries
),
scoped AS (
  -- whether an entry comes back whatever the entries around it: its severity may reach the threshold once the
  -- parser infers it; answered requests below 500 tell a revision that serves from one that is down
  -- (prioritizing.impact); a 5xx is at least ERROR whatever its severity (`http-status`)
  SELECT *, ({fetched}) AS fetched, REGEXP_REPLACE(line_text, {_string(_LEVEL_PREFIX)}, '') AS bare_text
  FROM keyed
),
text_lines AS (
  SELECT
    insert_id, timestamp, line_rank, log_name, instance, stream_labels, execution,
    -- a part of a longer line (a CRI record flagged `P`) joins the next record whatever it says
    line_rank = 0 OR {_traceback_line("line_text")} OR IF(bare_text = line_text, FALSE, {_traceback_line("bare_text")})
      AS maybe_line,
    REGEXP_CONTAINS(line_text, {_string(_OPENS_MESSAGE)}) AS opens_message,
    -- a line of a report that holds the plain line beside it (shelf's request, Deno's source line)
    {_neighboured("line_text")} OR IF(bare_text = line_text, FALSE, {_neighboured("bare_text")}) AS neighboured,
    -- a line with nothing after its tags (Rails' `F, […] FATAL -- : [6f1c…]   `) may start the report after it
    REGEXP_CONTAINS(line_text, {_string(_SAYS_NOTHING)}) AS says_nothing,
    line_rank = 0 OR {_stack_header("line_text")} OR IF(bare_text = line_text, FALSE, {_stack_header("bare_text")})
      AS header,
    -- a record's head, and a line at WARNING or above that may continue it (`levels.record_line`'s supersets)
    REGEXP_CONTAINS(line_text, {_string(RECORD_HEAD_PATTERN)}) AS opens_record,
    severity IN ({_severity_names(Severity.WARNING)}) AND REGEXP_CONTAINS(line_text, {_string(RECORD_BARE_PATTERN)})
      AND NOT REGEXP_CONTAINS(line_text, r'\\n[^\\n]') AS may_continue,
    -- a record's preamble and a level line that may follow it (`levels.is_preamble`'s, `record_line`'s supersets)
    REGEXP_CONTAINS(line_text, {_string(RECORD_PREAMBLE_PATTERN)}) AS preamble,
    REGEXP_CONTAINS(line_text, {_string(RECORD_LEVEL_PATTERN)}) AS level_line,
    -- a credential's label, and whether the line is fetched whatever it follows (a value reassembly may redact)
    IF(REGEXP_CONTAINS(line_text, {_string(_MAY_NAME_CREDENTIAL)}),
      REGEXP_CONTAINS(line_text, {_string(_CREDENTIAL_LABEL)}), FALSE) AS names_label, fetched,
    -- a private key's block, one line per entry
    REGEXP_CONTAINS(line_text, {_string(_KEY_MARKER)}) AS key_marker,
    REGEXP_CONTAINS(line_text, {_string(_KEY_LINE)}) AS key_line,
    REGEXP_CONTAINS(line_text, {_string(_REPORT_TEXT_OPENER)}) AS opens_report,
    LAG(timestamp) OVER ({line_order}) AS line_before
  FROM scoped
  WHERE line_text IS NOT NULL
),
continued AS (
  SELECT
    *,
    -- a bare line within `reassemble.RECORD_STEP` of a record's head or of a line that continues it
    may_continue AND IFNULL(LAG(opens_record OR may_continue) OVER ({line_order}), FALSE)
      AND TIMESTAMP_DIFF(timestamp, LAG(timestamp) OVER ({line_order}), MICROSECOND) <= {record_step}
      AS continues_record,
    -- a level line within `reassemble.PREAMBLE_STEP` of the preamble before it (`reassemble._prefaces`)
    level_line AND IFNULL(LAG(preamble) OVER ({line_order}), FALSE)
      AND TIMESTAMP_DIFF(timestamp, LAG(timestamp) OVER ({line_order}), MICROSECOND) < {preamble_step}
      AS prefaced,
    -- within `reassemble.LABEL_REACH` lines of a credential's label, each within the gap of the one before
    {after_label} AS after_label,
    SUM(IF(NOT (key_line OR key_marker)
      OR TIMESTAMP_DIFF(timestamp, line_before, MICROSECOND) > {gap}, 1, 0))
      OVER ({line_order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS key_run,
    -- lines each within `reassemble.RECORD_STEP` of the one before
    SUM(IF(TIMESTAMP_DIFF(timestamp, line_before, MICROSECOND) <= {record_step}, 0, 1))
      OVER ({line_order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS step_run
  FROM text_lines
),
prefacing AS (
  SELECT
    *,
    IFNULL(LEAD(prefaced) OVER ({line_order}), FALSE) AS prefaces,
    -- a label a fetched line follows: the label, the value and the lines between come back in their stream
    names_label AND ({label_needed}) AS label_needed,
    (key_line OR key_marker) AND LOGICAL_OR(key_marker) OVER (PARTITION BY {part}, key_run) AS in_key,
    -- a plain line of a report that goes on over plain lines (`reassemble._in_report`): after its opener, each
    -- line within `RECORD_STEP` of the one before
    LOGICAL_OR(opens_report) OVER (PARTITION BY {part}, step_run ORDER BY timestamp, line_rank, insert_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS in_report
  FROM continued
),
lines AS (
  SELECT
    insert_id, timestamp, line_rank, log_name, instance, stream_labels, execution,
    header OR continues_record OR prefaces OR label_needed OR (in_key AND key_marker) AS header, says_nothing,
    -- the line after a Rust panic's `… panicked at src/main.rs:5:5:` is its message, whatever it says
    maybe_line OR IFNULL(LAG(opens_message) OVER ({line_order}), FALSE) OR continues_record OR prefaces OR prefaced
      OR label_needed OR after_label OR in_key OR in_report
      OR neighboured OR IFNULL(LAG(neighboured) OVER ({line_order}), FALSE)
      OR IFNULL(LEAD(neighboured) OVER ({line_order}), FALSE) AS maybe_traceback
  FROM prefacing
),
steps AS (
  SELECT
    *,
    LAG(maybe_traceback) OVER ({line_order}) AS after_traceback_line,
    LAG(timestamp) OVER ({line_order}) AS previous_timestamp
  FROM lines
),
runs AS (
  SELECT
    *,
    SUM(IF(
      NOT maybe_traceback OR after_traceback_line IS NOT TRUE
      OR TIMESTAMP_DIFF(timestamp, previous_timestamp, MICROSECOND) > {gap}, 1, 0
    )) OVER ({line_order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
  FROM steps
),
tracebacks AS (
  SELECT
    *,
    maybe_traceback AND LOGICAL_OR(header) OVER (PARTITION BY {part}, run) AS in_traceback
  FROM runs
),
flagged AS (
  SELECT
    insert_id, timestamp, line_rank, log_name, instance, stream_labels, execution, previous_timestamp,
    maybe_traceback, header, says_nothing,
    in_traceback
      OR LAG(in_traceback) OVER ({line_order}) IS TRUE
      OR LEAD(in_traceback) OVER ({line_order}) IS TRUE AS reassemble
  FROM tracebacks
),
chunk_starts AS (
  SELECT
    *,
    -- where the reassembler starts afresh: after a line it does not hold, after a gap, after a plain line
    -- (which ends a traceback) unless this line is a header or an exception's line that plain line may
    -- introduce, and at a plain line after anything but a header (which the plain line may join)
    LAG(reassemble) OVER ({line_order}) IS NOT TRUE
      OR TIMESTAMP_DIFF(timestamp, previous_timestamp, MICROSECOND) > {gap}
      OR (LAG(maybe_traceback) OVER ({line_order}) IS FALSE AND NOT header AND NOT maybe_traceback
        AND LAG(says_nothing) OVER ({line_order}) IS NOT TRUE)
      OR (NOT maybe_traceback AND LAG(header) OVER ({line_order}) IS FALSE) AS starts_chunk
  FROM flagged
),
chunked AS (
  SELECT
    insert_id, timestamp, reassemble,
    -- a line's step from the one before (a letter: fields start with a digit or `n`): first of its
    -- chunk, at the same instant, later
    CASE WHEN starts_chunk THEN 'F' WHEN timestamp = previous_timestamp THEN 'S' ELSE 'L' END AS step,
    CONCAT(
      {_field("log_name")}, {_field("instance")}, {_field("stream_labels")}, {_field("execution")},
      CAST(SUM(IF(starts_chunk, 1, 0)) OVER ({line_order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        AS STRING)
    ) AS chunk
  FROM chunk_starts
),
marked AS (
  SELECT scoped.*, chunked.insert_id IS NOT NULL AS reassemble, chunked.chunk, chunked.step
  FROM scoped LEFT JOIN (SELECT * FROM chunked WHERE reassemble) AS chunked
    ON scoped.insert_id = chunked.insert_id AND scoped.timestamp = chunked.timestamp
),
described AS (
  -- the entries that come back, with their keys (and an access line's request, which two keys read)
  SELECT
    *,
    {described}
  FROM (SELECT *, {access_request} AS access_request FROM marked WHERE reassemble OR fetched)
),
chunk_lines AS (
  SELECT
    insert_id, timestamp, line_rank, chunk, log_name, stream_labels, execution,
    ROW_NUMBER() OVER (PARTITION BY chunk ORDER BY timestamp, line_rank, insert_id) AS line,
    CONCAT(step, {line_key}) AS line_key
  FROM described
  WHERE reassemble
),
chunks AS (
  SELECT
    chunk,
    ANY_VALUE(log_name) AS log_name,
    ANY_VALUE(stream_labels) AS stream_labels,
    ANY_VALUE(execution) AS execution,
    STRING_AGG(line_key, '' ORDER BY timestamp, line_rank, insert_id) AS chunk_key,
    MIN(timestamp) AS chunk_first,
    MAX(timestamp) AS chunk_last
  FROM chunk_lines
  GROUP BY chunk
),
chunk_groups AS (
  SELECT
    *,
    CONCAT(
      chunk_key, {_field("log_name")}, {_field("stream_labels")}, {_field("execution")},
      CAST(DIV(UNIX_MICROS(chunk_first), {bucket}) AS STRING),
      IF(DIV(UNIX_MICROS(chunk_first), {bucket}) = DIV(UNIX_MICROS(chunk_last), {bucket}), '', CONCAT('|', chunk))
    ) AS chunk_group
  FROM chunks
),
ranked AS (
  SELECT
    chunk,
    ROW_NUMBER() OVER (PARTITION BY chunk_group ORDER BY chunk_first, chunk) AS chunk_rank,
    FIRST_VALUE(chunk) OVER (PARTITION BY chunk_group ORDER BY chunk_first, chunk) AS first_chunk,
    MIN(chunk_first) OVER (PARTITION BY chunk_group) AS group_first
  FROM chunk_groups
),
assembled AS (
  SELECT
    described.*,
    IFNULL(ranked.chunk_rank, 0) AS chunk_rank,
    IF(ranked.chunk_rank > {query.samples}, ranked.first_chunk, NULL) AS batch,
    IF(ranked.chunk_rank > {query.samples}, chunk_lines.line, NULL) AS line,
    IF(ranked.chunk_rank > {query.samples}, ranked.group_first, described.timestamp) AS order_time
  FROM described
    LEFT JOIN chunk_lines
      ON described.insert_id = chunk_lines.insert_id AND described.timestamp = chunk_lines.timestamp
    LEFT JOIN ranked ON described.chunk = ranked.chunk
)
SELECT
  LOGICAL_OR(reassemble) AS reassemble,
  batch,
  line,
  COUNT(*) AS entries,
  MIN(timestamp) AS first_seen,
  MAX(timestamp) AS last_seen,
  ARRAY_AGG(DISTINCT IFNULL(instance, '')) AS instances,
  ARRAY_AGG({entry} ORDER BY chunk_rank, timestamp, insert_id LIMIT {query.samples}) AS samples
FROM assembled
GROUP BY
  IF(reassemble AND batch IS NULL, insert_id, NULL),
  IF(reassemble AND batch IS NULL, UNIX_MICROS(timestamp), NULL),
  batch,
  line,
  DIV(UNIX_MICROS(timestamp), {bucket}),
  {group_keys}
ORDER BY MIN(order_time), batch, line, MIN(line_rank), MIN(insert_id)
LIMIT {query.max_rows + 1}
"""


@dataclass
class QueryStats:
    """What a query cost."""

    bytes_processed: int | None = None
    slot_millis: int | None = None
    rows: int = 0
    job_id: str | None = None


@dataclass
class QueryResult:
    rows: Iterable[Mapping[str, Any]]
    """Streamed, in the query's order."""
    stats: QueryStats = field(default_factory=QueryStats)


class QueryEngine(Protocol):
    """Runs the generated BigQuery SQL: BigQuery itself, or a local engine for tests and benchmarks."""

    on_retry: RetryFn | None
    """Told of each request retried."""

    def columns(self, project: str, dataset: str, view: str) -> set[str]:
        """The view's column names; raises GardenerError when the dataset or view does not exist."""

    def estimate(self, sql: str) -> int | None:
        """Bytes the query would process (a dry run)."""

    def run(self, sql: str) -> QueryResult:
        """Run the query under the cost guard."""


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# The fields of a proto payload that are free-form (an AuditLog's `google.protobuf.Struct` and `Any` fields,
# `status.details`, a resource's labels): Log Analytics holds each as JSON, its keys as the service wrote them
# (`metadata.instance_group_manager_name`, `request.logConfig`); every other field is typed, named in snake_case.
PROTO_JSON_FIELDS = frozenset(
    {"request", "response", "metadata", "details", "labels"}
    | {"service_data", "serviceData", "resource_original_state", "resourceOriginalState"}
)


def rename_keys(value: Any, rename: Callable[[str], str]) -> Any:
    """`value` with every typed field's key that starts with a letter renamed (`@type` stays), at any depth; a
    free-form field (`PROTO_JSON_FIELDS`) is kept as written, parsed if it comes as JSON text."""
    if isinstance(value, dict):
        return {
            (rename(k) if k[:1].isalpha() else k): (
                _json(v) if k in PROTO_JSON_FIELDS else rename_keys(v, rename)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [rename_keys(v, rename) for v in value]
    return value


def _json(value: Any) -> Any:
    """A JSON column as Python: BigQuery's client parses it, DuckDB returns its text."""
    if isinstance(value, str):
        import json

        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _time(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return rfc3339(value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    return str(value)


def _duration(value: Any) -> Any:
    """A duration column (`http_request.latency`) as the REST LogEntry writes one, `"0.000042s"`: the client
    gives a TIME-like `timedelta`, or for BigQuery's INTERVAL type dateutil's `relativedelta`, whose calendar
    parts (years, months) no latency has. Every microsecond kept, never an exponent (`1e-05s` is no Duration)."""
    if isinstance(value, timedelta):
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    elif all(hasattr(value, part) for part in _INTERVAL_PARTS) and not (value.years or value.months):
        seconds = ((value.days * 24 + value.hours) * 60 + value.minutes) * 60 + value.seconds
        micros = seconds * 1_000_000 + value.microseconds
    else:
        return value
    whole, fraction = divmod(abs(micros), 1_000_000)
    return f"{'-' if micros < 0 else ''}{whole}.{fraction:06d}".rstrip("0").rstrip(".") + "s"


_INTERVAL_PARTS = ("years", "months", "days", "hours", "minutes", "seconds", "microseconds")


def _instance_of(entry: dict[str, Any]) -> str | None:
    """The instance the parser gives an entry (`entries.resources`)."""
    resource = entry.get("resource") or {}
    return instance_of(
        str(resource.get("type") or ""), resource.get("labels") or {}, entry.get("labels") or {}
    )


AUDIT_LOG_TYPE = "type.googleapis.com/google.cloud.audit.AuditLog"
REQUEST_LOG_TYPE = "type.googleapis.com/google.appengine.logging.v1.RequestLog"


def _proto_payload(proto: Any) -> Any:
    """The view's `proto_payload` (its `type`, and an `audit_log` or an App Engine `request_log`) → the REST
    protoPayload, `@type` first."""
    if not isinstance(proto, dict):
        return proto
    request = _json(proto.get("request_log"))
    if isinstance(request, dict):
        fields = request
    else:
        fields = _json(proto.get("audit_log")) if "audit_log" in proto else proto
    kind = proto.get("type") or (REQUEST_LOG_TYPE if isinstance(request, dict) else AUDIT_LOG_TYPE)
    return {"@type": kind, **rename_keys(fields if isinstance(fields, dict) else {}, _camel)}


def to_log_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of the view (snake_case columns) → the REST LogEntry dict (camelCase) the parser reads."""
    entry: dict[str, Any] = {"insertId": row.get("insert_id"), "timestamp": _time(row.get("timestamp"))}
    received = _time(row.get("receive_timestamp"))
    if received:
        entry["receiveTimestamp"] = received
    if row.get("severity"):
        entry["severity"] = row["severity"]
    entry["logName"] = row.get("log_name") or ""
    resource = row.get("resource") or {}
    entry["resource"] = {"type": resource.get("type") or "", "labels": _json(resource.get("labels")) or {}}
    labels = _json(row.get("labels"))
    if labels:
        entry["labels"] = labels
    if row.get("text_payload") is not None:
        entry["textPayload"] = row["text_payload"]
    elif row.get("json_payload") is not None:
        entry["jsonPayload"] = _json(row["json_payload"])
    elif row.get("proto_payload") is not None:
        entry["protoPayload"] = _proto_payload(_json(row["proto_payload"]))
    http = _json(row.get("http_request"))
    if isinstance(http, dict) and any(v is not None for v in http.values()):
        entry["httpRequest"] = {_camel(k): _duration(v) for k, v in http.items() if v is not None}
    location = _json(row.get("source_location"))
    if isinstance(location, dict) and any(v is not None for v in location.values()):
        entry["sourceLocation"] = {k: v for k, v in location.items() if v is not None}
    for column, key in (("trace", "trace"), ("span_id", "spanId")):
        if row.get(column):
            entry[key] = row[column]
    groups = _json(row.get("error_groups"))
    if groups:
        entry["errorGroups"] = [_json(g) for g in groups]
    return entry


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise TypeError(f"a timestamp is a {type(value).__name__}")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _pieces(row: Mapping[str, Any]) -> Iterator[tuple[datetime, str, dict[str, Any], Occurrences | None]]:
    """(time, insert id, entry, occurrences) of each record a row makes."""
    samples = list(row["samples"])
    if row.get("batch") is not None:
        sample = samples[0]
        moment = _aware(sample["timestamp"])
        occurrences = Occurrences(
            count=int(row["entries"]),
            first=_aware(row["first_seen"]),
            last=_aware(row["last_seen"]),
            instances=tuple(sorted(str(i) for i in row["instances"] or () if i)),
            representative_only=True,
            batch=str(row["batch"]),
        )
        yield moment, str(sample.get("insert_id") or ""), to_log_entry(sample), occurrences
        return
    if row["reassemble"]:
        sample = samples[0]
        yield _aware(sample["timestamp"]), str(sample.get("insert_id") or ""), to_log_entry(sample), None
        return
    for sample in samples:
        moment = _aware(sample["timestamp"])
        entry = to_log_entry(sample)
        instance = _instance_of(entry)
        occurrences = Occurrences(
            count=1, first=moment, last=moment, instances=(str(instance),) if instance else ()
        )
        yield moment, str(sample.get("insert_id") or ""), entry, occurrences
    rest = int(row["entries"]) - len(samples)
    if rest > 0:
        first = _aware(row["first_seen"])
        occurrences = Occurrences(
            count=rest,
            first=first,
            last=_aware(row["last_seen"]),
            instances=tuple(sorted(str(i) for i in row["instances"] or () if i)),
            representative_only=True,
        )
        yield first, str(samples[-1].get("insert_id") or ""), to_log_entry(samples[-1]), occurrences


def records_of(rows: Iterable[Mapping[str, Any]]) -> Iterator[RawRecord]:
    """Query rows (ordered by their first timestamp) → records, streamed: a pre-group's earliest entries
    one by one (as many as the clustering keeps samples), then one standing for the rest; the lines of the
    earliest runs of split tracebacks as plain entries, in time order, for the reassembler; the other runs
    as a batch, one record per line position."""
    position = 0
    for row in rows:
        for _, _, entry, occurrences in _pieces(row):
            position += 1
            # as a live read's entry: a lone surrogate (text no output can encode) replaced, nesting bounded
            yield entry_record(position, entry, "row")._replace(occurrences=occurrences)


def _size(count: int | None) -> str:
    if count is None:
        return "unknown"
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{count} B"


class LogAnalyticsSource(EntrySource):
    """Pre-groups from one query over a linked dataset's log view."""

    def __init__(self, query: LogAnalyticsQuery, engine: QueryEngine, billing_project: str) -> None:
        self.query = query
        self._engine = engine
        self._sql: str | None = None
        self.stats = SourceStats(
            description=f"Log Analytics {query.project}.{query.dataset}.{query.view}",
            project=query.project,
        )
        self._billing_project = billing_project

    @property
    def on_retry(self) -> RetryFn | None:  # the engine retries: it is told
        return self._engine.on_retry

    @on_retry.setter
    def on_retry(self, told: RetryFn | None) -> None:
        self._engine.on_retry = told

    @property
    def sql(self) -> str:
        if self._sql is None:
            q = self.query
            self._sql = build_sql(q, self._engine.columns(q.project, q.dataset, q.view))
        return self._sql

    def dry_run(self) -> str:
        """The query and BigQuery's estimate of the bytes it would process."""
        estimate = self._engine.estimate(self.sql)
        return f"{self.sql}\n-- estimated bytes processed: {_size(estimate)} ({estimate} bytes)"

    def records(self) -> Iterator[RawRecord]:
        result = self._engine.run(self.sql)
        self.stats.query_filter = self.sql
        self.stats.requests = 1
        read = 0

        def within_limit() -> Iterator[Mapping[str, Any]]:
            nonlocal read
            for row in result.rows:
                if read == self.query.max_rows:
                    self.stats.truncated = True
                    self.stats.notes.append(
                        f"the query returned more than log_analytics.max_rows ({self.query.max_rows:,}) rows: "
                        "the later ones were not read; narrow the window or raise the limit"
                    )
                    return
                read += 1
                yield row

        try:
            yield from records_of(within_limit())
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise GardenerError(
                f"cannot read the answer of BigQuery: row {read:,} is not of the query's shape (a field missing "
                f"or of another type: {type(exc).__name__}: {' '.join(str(exc).split())[:120]}); the view or the "
                "endpoint in between (--bigquery-endpoint) may answer another query: check them, and rerun",
                ExitCode.SOURCE_FAILED,
            ) from None
        if read == 0:
            self.stats.notes.append(
                f"the query returned no rows: {self.stats.description} holds no entry of the window "
                f"{rfc3339(self.query.start)} to {rfc3339(self.query.end)} that could be at or above "
                f"{self.query.min_severity.name}; check the window, and that the bucket's logs reach the view"
            )
        stats = result.stats
        slot = "unknown" if stats.slot_millis is None else f"{stats.slot_millis / 1000:,.1f} s"
        self.stats.notes.insert(
            0,
            f"Log Analytics query (project {self._billing_project}"
            + (f", job {stats.job_id}" if stats.job_id else "")
            + f"): {_size(stats.bytes_processed)} processed, slot time {slot}, {read:,} rows returned",
        )


def _capped(timeout: Any, cap: float) -> Any:
    """A requests timeout (seconds, a (connect, read) pair, or None for none) at most `cap` seconds."""
    if isinstance(timeout, tuple):
        return tuple(cap if part is None else min(part, cap) for part in timeout)
    return cap if not isinstance(timeout, int | float) else min(timeout, cap)


class BigQueryEngine:
    """The real google-cloud-bigquery client. An http:// endpoint (an emulator) gets anonymous credentials.

    A failing call is retried for `retry_seconds` (`retries.deadline_seconds`; the client's own default is ten
    minutes, in silence), each retry said through `on_retry`; and every request waits at most
    `request_timeout` seconds for an answer (the client's own default is to wait forever); and a query job is
    waited for at most `max_query_seconds` (`log_analytics.max_query_seconds`), then cancelled (the client's own
    wait for a job that stays RUNNING, or waits for slots, is forever).
    """

    def __init__(
        self,
        billing_project: str | None,
        endpoint: str | None,
        maximum_bytes_billed: int,
        deadline_seconds: float = RETRY_DEADLINE_SECONDS,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        max_query_seconds: float = MAX_QUERY_SECONDS,
    ) -> None:
        self.billing_project = billing_project
        self.endpoint = endpoint_url(endpoint, "BigQuery")
        self.maximum_bytes_billed = maximum_bytes_billed
        self.retry_seconds = deadline_seconds
        self.request_timeout = request_timeout
        self.max_query_seconds = max_query_seconds
        self.on_retry: RetryFn | None = None
        self._client: Any = None
        self._credentials: Any = None

    def client(self) -> Any:
        if self._client is not None:
            return self._client
        from google.api_core.client_options import ClientOptions
        from google.auth.transport.requests import AuthorizedSession
        from google.cloud import bigquery

        cap = self.request_timeout
        whole = max(self.retry_seconds, cap)

        class TimedSession(AuthorizedSession):
            """Every request waits at most `cap` seconds for an answer, whatever the client asks, and `whole`
            seconds for all of it (a server sending a byte at a time never trips a wait for a byte)."""

            def request(  # type: ignore[override]  # google-auth's own signature
                self,
                method: Any,
                url: Any,
                data: Any = None,
                headers: Any = None,
                max_allowed_time: Any = None,
                timeout: Any = None,
                **kwargs: Any,
            ) -> Any:
                send = super().request
                return within(
                    whole,
                    lambda: send(  # type: ignore[no-untyped-call]
                        method, url, data, headers, max_allowed_time, _capped(timeout, cap), **kwargs
                    ),
                )

        options = ClientOptions(api_endpoint=self.endpoint) if self.endpoint else None
        credentials, _ = credentials_for(self.endpoint, ["https://www.googleapis.com/auth/bigquery"])
        self._credentials = credentials
        self._client = bigquery.Client(
            project=self.billing_project,
            credentials=credentials,
            client_options=options,
            _http=TimedSession(credentials),  # type: ignore[no-untyped-call]
        )
        return self._client

    def _retry(self) -> dict[str, Any]:
        """The `retry` and `job_retry` arguments of a query call: requests retried for `retry_seconds`, each retry
        said; the job's insert not wrapped in the client's own ten-minute job retry (a failed job is run again
        by `_result`, for the reasons to retry only)."""
        from google.api_core.retry import Retry
        from google.cloud.bigquery.retry import DEFAULT_RETRY

        started = time.monotonic()
        where = shown_url(self.endpoint or "bigquery.googleapis.com")

        def said(exc: Exception) -> None:
            if self.on_retry is not None:
                left = max(0.0, self.retry_seconds - (time.monotonic() - started))
                self.on_retry(
                    f"BigQuery at {where}: {_attempt_failure(exc, self.request_timeout)}; retrying, giving up "
                    f"in {left:.0f} s (retries.deadline_seconds)"
                )

        def retried(exc: Exception) -> bool:  # a certificate refused is refused again: no retries
            return bool(DEFAULT_RETRY._predicate(exc)) and untrusted_certificate(exc) is None

        retry = Retry(predicate=retried, timeout=self.retry_seconds, on_error=said)
        return {"retry": retry, "job_retry": None}

    def _job_retry(self) -> Any:
        """The `job_retry` of waiting for a query job's rows: a job that failed for a reason BigQuery's docs say
        to retry (`_TRANSIENT_JOB_REASONS`: a backend error, a rate limit, a table of Cloud Logging's briefly
        unavailable) is run again, as a new job, for `retry_seconds`, each time said; any other failure, and a
        request that kept failing (already retried), ends the wait at once."""
        from google.api_core import exceptions as api
        from google.api_core.retry import Retry

        started = time.monotonic()

        def transient(exc: Exception) -> bool:
            return isinstance(exc, api.GoogleAPICallError) and _reason(exc) in _TRANSIENT_JOB_REASONS

        def said(exc: Exception) -> None:
            if self.on_retry is not None:
                left = max(0.0, self.retry_seconds - (time.monotonic() - started))
                self.on_retry(
                    f"BigQuery's query job failed ({_reason(exc)}: {_message(exc)[:200]}); running it again, "
                    f"giving up in {left:.0f} s (retries.deadline_seconds)"
                )

        return Retry(predicate=transient, timeout=self.retry_seconds, on_error=said)

    def _unreachable(self, exc: BaseException, what: str, retried: str = "") -> GardenerError | None:
        """The scan's one line when BigQuery or its token service could not be reached because of the TLS
        certificate it showed, or of the proxy the environment names; None for any other failure."""
        where = shown_url(self.endpoint or "bigquery.googleapis.com")
        refused = certificate_refused(exc, f"BigQuery at {where}", "--bigquery-endpoint", f" {what}")
        if refused is not None:
            return refused
        proxy = proxy_failure(exc, self.endpoint or "https://bigquery.googleapis.com")
        if proxy is not None:
            return GardenerError(
                f"cannot reach BigQuery at {where} {what}{retried} through {proxy}; {PROXY_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        return None

    def _result(self, job: Any, **options: Any) -> Any:
        """The rows of a query job, waited for by the client's own polling, at most `max_query_seconds` in all;
        past that the job is cancelled (one request, not retried) and the scan stops with exit code 5."""
        try:
            return job.result(
                retry=self._retry()["retry"],
                job_retry=self._job_retry(),
                timeout=self.max_query_seconds,
                **options,
            )
        except (KeyboardInterrupt, Terminated):
            # the scan is stopped (Ctrl-C, a cancelled CI job): its query is of no use to anyone, and a job left
            # running would go on costing slot time, up to BigQuery's six hours; one request, not retried
            with contextlib.suppress(Exception):
                job.cancel(retry=None, timeout=min(self.request_timeout, CANCEL_SECONDS))
            raise
        except TimeoutError:  # concurrent.futures.TimeoutError: the job did not finish in time
            try:
                job.cancel(retry=None, timeout=self.request_timeout)
                fate = "was cancelled"
            except Exception as exc:  # left to BigQuery's own six-hour limit
                fate = f"could not be cancelled ({type(exc).__name__}; BigQuery ends it after six hours)"
            raise GardenerError(
                f"the BigQuery query job {job.job_id} did not finish within {self.max_query_seconds:g} s "
                f"(log_analytics.max_query_seconds) and {fate}: narrow the window (--hours, --since) or "
                "the services (--service), or raise log_analytics.max_query_seconds",
                ExitCode.SOURCE_FAILED,
            ) from None

    def _forbidden(self, exc: Any, what: str) -> GardenerError:
        """What BigQuery's 403 means: an API off, a project gone, a quota, an answer too large, a block, a
        perimeter, billing off, or a missing role."""
        disabled = not_enabled(exc, self.billing_project or "", "BigQuery API", "bigquery.googleapis.com")
        if disabled is not None:
            return disabled
        gone = project_gone(exc, self.billing_project or "", _message(exc))
        if gone is not None:
            return gone
        reason = _reason(exc)
        if reason in _QUOTA_REASONS:
            return _quota_exceeded(what, exc)
        if reason == "responseTooLarge":  # a 403 that is no permission: the answer is over BigQuery's limit
            return GardenerError(
                f"BigQuery's answer is too large {what}: {_message(exc)}; narrow the window (--hours, --since, "
                "--until) or the services (--service), or lower log_analytics.max_rows",
                ExitCode.BAD_INPUT,
            )
        if reason == "blocked":
            return _blocked(what, exc)
        if reason == "policyViolation" or _PERIMETER_DENIED.search(_message(exc)):
            return GardenerError(
                f"blocked by a VPC Service Controls perimeter {what}: {_message(exc)}; no role lets the "
                "request through: the perimeter's administrator must allow this account, network and the "
                f"project that runs the query ({self.billing_project}) to reach BigQuery (an ingress rule; "
                "the unique identifier finds the denial in the audit logs), or run the scan from inside "
                "the perimeter",
                ExitCode.CREDENTIALS,
            )
        if reason == "billingNotEnabled":
            return GardenerError(
                f"billing is not enabled on project {self.billing_project}, which runs the query "
                f"({_message(exc)}): enable it, or run the query in another project with --project",
                ExitCode.BAD_INPUT,
            )
        return GardenerError(
            f"permission denied {what}: {_message(exc)}; {_roles(exc, self.billing_project)}",
            ExitCode.CREDENTIALS,
        )

    def _refused_in_between(self, exc: Any, what: str) -> GardenerError:
        """A 400, 403 or 404 whose body is not BigQuery's JSON error: a proxy's or another web server's page
        (a wrong --bigquery-endpoint), so no verdict on the query, the dataset or a role."""
        where = shown_url(self.endpoint or "bigquery.googleapis.com")
        if exc.code == 404 and what != READING_ROWS:
            return GardenerError(
                f"{where} does not serve the BigQuery API (HTTP 404 {what}: {_message(exc)[:200]}); check "
                "--bigquery-endpoint or GARDENER_BIGQUERY_ENDPOINT",
                ExitCode.BAD_INPUT,
            )
        return GardenerError(
            f"{where} refused the request {what} with HTTP {exc.code} ({_message(exc)[:200]}) that is not "
            "BigQuery's error: something in between (a proxy, a firewall) or --bigquery-endpoint refused it "
            "before BigQuery read it; check them (HTTPS_PROXY, the endpoint's scheme and port) and rerun",
            ExitCode.SOURCE_FAILED,
        )

    def _call(self, what: str, action: Any) -> Any:
        import requests
        from google.api_core import exceptions as api
        from google.auth.exceptions import GoogleAuthError

        unreadable = {
            **unreadable_answers(),
            RecursionError: TOO_DEEP_ANSWER,
            ValueError: "the answer is not BigQuery's (a value of another type)",
        }
        misread: tuple[type[BaseException], ...] = (
            *unreadable,
            AttributeError,
            TypeError,
            KeyError,
            IndexError,
        )
        try:
            return action()
        except api.RetryError as exc:
            where = shown_url(self.endpoint or "bigquery.googleapis.com")
            if isinstance(exc.cause, api.GoogleAPICallError) and _reason(exc.cause) in _QUOTA_REASONS:
                # a quota or rate limit (too many concurrent queries) outlasted the retries: not the service failing
                raise _quota_exceeded(
                    f"{what} after {self.retry_seconds:g} s of retries (retries.deadline_seconds)", exc.cause
                ) from None
            if isinstance(
                exc.cause, api.GoogleAPICallError
            ):  # an answer that kept coming (a rate limit, a 5xx)
                failed = (
                    f"BigQuery kept failing {what} after {self.retry_seconds:g} s of retries "
                    "(retries.deadline_seconds)"
                )
                cause = f"(HTTP {exc.cause.code}) {_message(exc.cause)}"
            else:  # a connection that never came
                unreachable = self._unreachable(
                    exc.cause or exc,
                    what,
                    f" after {self.retry_seconds:g} s of retries (retries.deadline_seconds)",
                )
                if unreachable is not None:
                    raise unreachable from None
                from google.auth.exceptions import TransportError

                waited = (  # the time was spent getting a token, not on BigQuery
                    token_service(self._credentials)
                    if isinstance(exc.cause, TransportError)
                    else token_wait(self._credentials)
                    if isinstance(exc.cause, requests.Timeout)
                    else None
                )
                failed = (
                    f"no token from {waited} to refresh the credentials {what}"
                    if waited is not None
                    else f"cannot reach BigQuery at {where} {what}"
                ) + f" after {self.retry_seconds:g} s of retries (retries.deadline_seconds)"
                cause = _attempt_failure(exc.cause or exc, self.request_timeout)
            hint = SERVER_HINT if isinstance(exc.cause, api.GoogleAPICallError) else NETWORK_HINT
            if isinstance(exc.cause, requests.Timeout):
                cause += " (retries.request_timeout_seconds)"
                hint += ", or raise those settings for a slow server"
            raise GardenerError(f"{failed}: {cause[:300]}; {hint}", ExitCode.SOURCE_FAILED) from None
        except (api.BadRequest, api.Forbidden, api.NotFound) as exc:
            if not _bigquerys_error(exc):
                raise self._refused_in_between(exc, what) from None
            if isinstance(exc, api.Forbidden):
                raise self._forbidden(exc, what) from None
            if what == READING_ROWS:
                # the query ran: its results, read page by page, expired or their page token was refused
                raise GardenerError(
                    f"BigQuery failed {what} after the query ran (HTTP {exc.code}): {_message(exc)}; a query's "
                    "results are kept for a day and read by page tokens: rerun the scan",
                    ExitCode.SOURCE_FAILED,
                ) from None
            if isinstance(exc, api.BadRequest):
                raise _rejected_query(what, exc) from None
            raise GardenerError(
                f"not found {what}: {_message(exc)}; is the bucket upgraded to Log Analytics with a linked "
                f"dataset? {_SETUP}",
                ExitCode.BAD_INPUT,
            ) from None
        except (api.Unauthorized, GoogleAuthError) as exc:
            unreachable = self._unreachable(exc, what)
            if unreachable is not None:
                raise unreachable from None
            if is_emulator(
                self.endpoint
            ):  # a 401 makes google-auth refresh, which anonymous credentials cannot
                raise GardenerError(
                    f"credentials rejected {what}: {shown_url(self.endpoint or '')} answered HTTP 401 (unauthenticated) to the "
                    "anonymous credentials every http:// endpoint gets; use an endpoint that accepts them, or an "
                    "https:// one to send Application Default Credentials",
                    ExitCode.CREDENTIALS,
                ) from None
            outage = token_service_failure(exc)
            if outage is not None:
                raise GardenerError(
                    f"the token service failed to refresh the credentials {what} ({outage}): {SERVER_HINT}",
                    ExitCode.SOURCE_FAILED,
                ) from None
            said = _message(exc) if isinstance(exc, api.Unauthorized) else auth_message(exc)
            raise GardenerError(
                f"credentials rejected {what}: {said}; {credentials_hint(exc)}", ExitCode.CREDENTIALS
            ) from None
        except api.GoogleAPICallError as exc:
            if _reason(exc) in _QUERY_REASONS:  # a failed job's errorResult: the client picks the HTTP class
                raise _rejected_query(what, exc) from None
            if (
                _reason(exc) in _QUOTA_REASONS
            ):  # a failed job's rate limit, which the client makes an HTTP 429
                raise _quota_exceeded(what, exc) from None
            if _reason(exc) == "blocked":  # a failed job's reason, which the client may give any status
                raise _blocked(what, exc) from None
            if _reason(exc) == "stopped":  # BigQuery's reason for a job cancelled: no failure of the service
                raise GardenerError(
                    f"BigQuery's query job was cancelled {what}: {_message(exc)}; someone (the console, `bq "
                    "cancel`) or something (a job timeout set on the project) stopped it: rerun the scan",
                    ExitCode.SOURCE_FAILED,
                ) from None
            raise GardenerError(
                f"BigQuery failed {what} (HTTP {exc.code}): {_message(exc)}; {SERVER_HINT}",
                ExitCode.SOURCE_FAILED,
            ) from None
        except misread as exc:
            # not JSON (a proxy's or captive portal's page), cut off, or JSON of another shape: the client
            # library parses it as BigQuery's and fails inside, so this is about the answer, not the code here
            where = shown_url(self.endpoint or "bigquery.googleapis.com")
            reason = unreadable.get(type(exc), "the answer is not BigQuery's (JSON of another shape)")
            raise GardenerError(
                f"cannot read the answers of BigQuery at {where} {what}: {reason}; a proxy or firewall in "
                "between may be cutting or replacing them (check it, and --bigquery-endpoint)",
                ExitCode.SOURCE_FAILED,
            ) from None
        except OSError as exc:
            unreachable = self._unreachable(exc, what)
            if unreachable is not None:
                raise unreachable from None
            where = shown_url(self.endpoint or "bigquery.googleapis.com")
            raise GardenerError(
                f"cannot reach BigQuery at {where} {what}: {connection_failure(exc)}; {NETWORK_HINT}",
                ExitCode.SOURCE_FAILED,
            ) from None

    def columns(self, project: str, dataset: str, view: str) -> set[str]:
        from google.cloud import bigquery

        sql = (
            f"SELECT column_name FROM `{project}.{dataset}`.INFORMATION_SCHEMA.COLUMNS "
            "WHERE table_name = @view"
        )
        config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("view", "STRING", view)]
        )
        rows = self._call(
            f"reading the columns of {project}.{dataset}.{view}",
            lambda: list(self._result(self.client().query(sql, job_config=config, **self._retry()))),
        )
        names = {str(row[0]) for row in rows}
        path, dot, name = view.rpartition(".")
        if not names and dot:  # BigQuery's names hold no dot: a view's path into another dataset
            raise GardenerError(
                f"no view {view} in the dataset {project}.{dataset}: a view's name holds no dot; if {path} is "
                "another dataset, give it as PROJECT.DATASET (--log-analytics, log_analytics.dataset) and the "
                f"view's name alone with --view ({name})",
                ExitCode.BAD_INPUT,
            )
        if not names:
            raise GardenerError(
                f"no view {view} in the dataset {project}.{dataset}: Log Analytics links name the views "
                f"_AllLogs or your own log views (--view); {_SETUP}",
                ExitCode.BAD_INPUT,
            )
        return names

    def estimate(self, sql: str) -> int | None:
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(dry_run=True, use_query_cache=False)
        job = self._call(
            "estimating the query", lambda: self.client().query(sql, job_config=config, **self._retry())
        )
        value = job.total_bytes_processed
        return None if value is None else int(value)

    def run(self, sql: str) -> QueryResult:
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(maximum_bytes_billed=self.maximum_bytes_billed)

        job = self._call(
            "running the query", lambda: self.client().query(sql, job_config=config, **self._retry())
        )
        pages = self._call("running the query", lambda: self._result(job, page_size=10_000))
        stats = QueryStats(
            bytes_processed=job.total_bytes_processed,
            slot_millis=job.slot_millis,
            rows=int(pages.total_rows or 0),
            job_id=job.job_id,
        )
        return QueryResult(self._stream(pages), stats)

    def _stream(self, rows: Any) -> Iterator[Mapping[str, Any]]:
        """The rows, page by page; an error while fetching a page says what went wrong as the others do, and so
        does a page token BigQuery sent before (following it would read the same rows forever)."""
        if getattr(rows, "path", None) is None:  # the client's empty iterator (an answer without totalRows)
            return
        pages = iter(rows.pages)
        sent: set[str] = set()
        read = 0
        while True:
            page = self._call(READING_ROWS, lambda: next(pages, None))
            if page is None:
                total = rows.total_rows
                if isinstance(total, int) and read < total:
                    # a page without a next page's token before the end: counts from it would be partial
                    raise GardenerError(
                        f"BigQuery's answer ended after {read:,} of the query's {total:,} rows (a page came "
                        "without the next page's token): the counts would be partial; rerun the scan (a proxy "
                        "or emulator in between, --bigquery-endpoint, may be cutting the answer)",
                        ExitCode.SOURCE_FAILED,
                    )
                return
            token = rows.next_page_token
            if token is not None and token in sent:
                raise GardenerError(
                    f"BigQuery sent a page token it had sent before, after {len(sent) + 1} pages of the query's "
                    "rows: reading on would read the same rows forever; rerun the scan (a proxy or emulator in "
                    "between, --bigquery-endpoint, may be answering for BigQuery)",
                    ExitCode.SOURCE_FAILED,
                )
            if token is not None:
                sent.add(token)
            for row in self._call(READING_ROWS, partial(list, page)):
                read += 1
                yield dict(row.items())


_REQUEST_PREFIX = compile_regex(r"^(?:\d{3} )?(?:GET|POST|PUT|PATCH|DELETE) \S+: ")
_HTML_TAG = compile_regex(r"<[^<>]{0,200}>")


def _attempt_failure(exc: BaseException, timeout: float) -> str:
    """What went wrong with one attempt, in a few words."""
    import requests

    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return f"HTTP {code}"
    return connection_failure(exc)


_QUOTA_REASONS = {"quotaExceeded", "rateLimitExceeded"}
"""BigQuery's reasons for a 403 (or a failed job's error, which the client may make a 429) that is a quota or rate
limit, not a missing permission nor a failing service."""
_TRANSIENT_JOB_REASONS = {
    "backendError",
    "internalError",
    "rateLimitExceeded",
    "jobBackendError",
    "jobInternalError",
    "jobRateLimitExceeded",
    "tableUnavailable",
}
"""A failed query job's reasons that BigQuery's troubleshooting guide says to retry: the same job may run when
started again (a table of Cloud Logging's, which a linked dataset's views read, can be briefly unavailable)."""
_QUERY_REASONS = {
    "bytesBilledLimitExceeded",
    "billingTierLimitExceeded",
    "resourcesExceeded",
    "invalidQuery",
    "invalid",
    "timeout",
}
"""BigQuery's reasons for a query it refuses to run as written (too costly, too big, too long, not valid; `timeout`:
a job past BigQuery's six hours): a failed job's
`status.errorResult` carries them, and the client turns one it does not know (`bytesBilledLimitExceeded`) into
an HTTP 500, which is no server failure."""


def _roles(exc: BaseException, billing_project: str | None) -> str:
    """The role to grant for a 403 that is a missing permission: the one its message names as denied (the job's
    or the data's), else both."""
    text = _message(exc)
    job = f"roles/bigquery.jobUser on the project that runs the query ({billing_project}; --project picks another)"
    if _JOB_DENIED.search(text):
        return f"the account needs {job}"
    found = _DATA_DENIED.search(text)
    if found:
        dataset = f"{found[1]}.{found[2]}" if found[1] else "the linked dataset"
        return (
            f"the account needs roles/bigquery.dataViewer on {dataset} (or roles/logging.viewAccessor on the "
            "log view)"
        )
    return _ROLES


def _quota_exceeded(what: str, exc: BaseException) -> GardenerError:
    """A quota or rate limit BigQuery met (exit code 5: rerun later). A custom quota (`QueryUsagePerDay`,
    `QueryUsagePerUserPerDay`) is an administrator's daily cap on bytes queried: it resets the next day, or an
    administrator raises it."""
    said = _message(exc)
    wait = (
        "an administrator set it on the bytes queried a day: rerun after it resets (the next day) or ask them to "
        "raise it (IAM & Admin > Quotas, BigQuery API), or narrow the window"
        if "custom quota" in said.lower()
        else "wait and rerun, or narrow the window"
    )
    return GardenerError(
        f"BigQuery quota exceeded {what}: {said}; {wait} (--dry-run shows the bytes a query reads)",
        ExitCode.SOURCE_FAILED,
    )


def _blocked(what: str, exc: BaseException) -> GardenerError:
    """BigQuery's `blocked`: it refuses the operation for a while to protect the service, which no role changes
    (exit code 5: rerun later)."""
    return GardenerError(
        f"BigQuery blocked the request {what}: {_message(exc)}; no role lets it through: BigQuery refuses such "
        "an operation for a while to protect the service: rerun later, and ask Google Cloud support if it lasts",
        ExitCode.SOURCE_FAILED,
    )


def _rejected_query(what: str, exc: BaseException) -> GardenerError:
    """A query BigQuery refused: its message, and what to change (exit code 2)."""
    text = _message(exc)
    reason = _reason(exc)
    if "bytes billed" in text.lower() or reason == "bytesBilledLimitExceeded":
        hint = (
            "; raise log_analytics.maximum_bytes_billed or narrow the window (--dry-run shows the estimate)"
        )
    elif reason in ("resourcesExceeded", "billingTierLimitExceeded", "timeout"):
        hint = "; narrow the window (--hours, --since, --until) or the services (--service)"
    else:
        hint = ""
    return GardenerError(f"BigQuery rejected the query {what}: {text}{hint}", ExitCode.BAD_INPUT)


def _bigquerys_error(exc: Any) -> bool:
    """Whether an HTTP error is BigQuery's: its body is Google's JSON error (`{"error": {...}}`), or it is a
    failed query job's error, which the client raises without an answer. A proxy's or a web server's page is
    not: it says nothing of the query, the dataset or a role."""
    response = getattr(exc, "response", None)
    if response is None:
        return True
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):  # not JSON; JSON of another shape
        return False
    return isinstance(error, dict)


def _reason(exc: Any) -> str | None:
    """The `reason` of the first item of the `errors` list in BigQuery's JSON error body."""
    errors = getattr(exc, "errors", None) or []
    first = errors[0] if isinstance(errors, list | tuple) and errors else None
    reason = first.get("reason") if isinstance(first, dict) else None
    return reason if isinstance(reason, str) else None


_JOB_FOOTER = compile_regex(r"\s*Location: [\w-]+(?: Job ID: [\w.:-]+)?\s*$")
"""The client's footer on a query job's error (`\n\nLocation: EU\nJob ID: 76a6…`, `Location: None` when
BigQuery named none): no part of BigQuery's words, and a job id to nobody's use in the line that says why."""


def _message(exc: BaseException) -> str:
    """The server's message on one line, without the client library's 'POST url:' prefix."""
    message = getattr(exc, "message", None)
    text = message if isinstance(message, str) and message else str(exc)
    text = " ".join(_HTML_TAG.sub(" ", _REQUEST_PREFIX.sub("", " ".join(text.split()))).split())
    # a failed job's message, then the client's `; reason: …, message: …, location: …` of each of its errors:
    # the one that repeats the message is dropped
    head, said, _ = text.partition("; reason: ")
    if said:
        text = re.sub("; reason: \\w+, message: " + re.escape(head) + r"(?:, location: [\w.]+)?", "", text)
    return _JOB_FOOTER.sub("", text).rstrip(".")


def log_analytics_source(
    dataset: str,
    *,
    view: str | None,
    start: datetime | None,
    end: datetime,
    min_severity: Severity,
    billing_project: str | None,
    endpoint: str | None,
    config: GardenerConfig,
    live_only: Sequence[str] = (),
) -> LogAnalyticsSource:
    """The source `gardener scan --log-analytics PROJECT.DATASET` reads (`live_only`: entries.list options
    given, which do not apply)."""
    if live_only:
        instead = []
        if {"--resource-type", "--filter"} & set(live_only):
            instead.append("narrow a Log Analytics scan with --service and --min-severity")
        if "--print-filter" in live_only:
            instead.append("--dry-run prints a Log Analytics scan's query")
        if "--save-export" in live_only:
            instead.append(
                "a Log Analytics scan reads groups of entries, which make no export: drop --save-export"
            )
        raise GardenerError(
            f"{', '.join(live_only)} appl{'ies' if len(live_only) == 1 else 'y'} to a scan of entries.list, "
            f"not to --log-analytics; {'; '.join(instead)}",
            ExitCode.BAD_INPUT,
        )
    if start is None:
        raise GardenerError(
            "nothing to scan: give --hours N or --since for a Log Analytics scan", ExitCode.BAD_INPUT
        )
    project, name = parse_dataset(dataset)
    settings = config.log_analytics
    try:
        view_of_dataset = view_name(view or settings.view, project, name)
    except ValueError as exc:
        given = "--view" if view else "log_analytics.view"
        raise GardenerError(f"{given}: {exc}", ExitCode.BAD_INPUT) from None
    query = LogAnalyticsQuery(
        project=project,
        dataset=name,
        view=view_of_dataset,
        start=start,
        end=end,
        min_severity=min_severity,
        bucket_seconds=config.clustering.bucket_minutes * 60,
        samples=config.clustering.samples_per_cluster,
        reassembly_gap_seconds=config.entries.reassembly_gap_seconds,
        max_rows=settings.max_rows,
    )
    billing = billing_project or project
    engine = BigQueryEngine(
        billing,
        endpoint,
        settings.maximum_bytes_billed,
        config.retries.deadline_seconds,
        config.retries.request_timeout_seconds,
        settings.max_query_seconds,
    )
    return LogAnalyticsSource(query, engine, billing)
