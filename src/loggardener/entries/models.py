"""Typed data of the entries stage."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field

from loggardener.entries.severity import Severity as Severity
from loggardener.regexes import compile_regex

RpcCodeName = Literal[
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
]
"""The names of google.rpc.Code, in the order of their numbers (an audit entry's `status.code`)."""


class MalformedEntry(ValueError):
    """A LogEntry that cannot be used; the message says why."""


Language = Literal[
    "python",
    "java",
    "node",
    "go",
    "dotnet",
    "php",
    "ruby",
    "elixir",
    "rust",
    "dart",
    "haskell",
    "swift",
    "lua",
    "perl",
]
PayloadKind = Literal["text", "json", "proto", "none"]
RecordLine = Literal["", "head", "bare", "continuation", "preamble", "level", "error", "message", "partial"]
"""What a text line is to a record written over several lines (`levels.record_line`)."""


class Frame(NamedTuple):
    """One stack frame."""

    file: str
    line: int | None = None
    function: str | None = None
    in_app: bool = True

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class StackTrace(NamedTuple):
    """A parsed stack trace. Frames run from outermost to innermost call. Build it by keyword."""

    language: Language
    exception_type: str
    """The exception's type; empty when the trace was cut off before its exception line (`cut_off`)."""
    message: str
    text: str
    """The trace as logged (redacted)."""
    frames: tuple[Frame, ...] = ()

    @property
    def cut_off(self) -> bool:
        """Frames without the exception they lead to: the trace lost its exception line (cut off, or logged
        apart)."""
        return not self.exception_type

    @property
    def innermost_in_app(self) -> Frame | None:
        for frame in reversed(self.frames):
            if frame.in_app:
                return frame
        return None


class HttpInfo(NamedTuple):
    """The request facts an entry holds (never more than it says)."""

    method: str | None = None
    url: str | None = None
    status: int | None = None
    latency: str | None = None


class LogEntry(NamedTuple):
    """One Cloud Logging LogEntry, normalized. All text fields are already redacted.

    An immutable tuple, not a pydantic model nor a frozen dataclass (each costs several times as much to
    build): the parser builds one per entry that may matter, and it only travels between the stages (the
    report holds `Sample`s and `Cluster`s, which are validated). Build it by keyword.
    """

    position: int
    """1-based position of the entry in its source."""
    insert_id: str
    timestamp: datetime
    severity: Severity
    """The severity after inference (see `severity_rule`)."""
    logged_severity: Severity = Severity.DEFAULT
    """The severity as Cloud Logging recorded it (DEFAULT: none)."""
    severity_rule: str | None = None
    """The inference rule that changed the logged severity, if any."""
    log_name: str = ""
    resource_type: str = ""
    service: str | None = None
    revision: str | None = None
    instance: str | None = None
    node: str | None = None
    """The Kubernetes node a Kubernetes event happened on, a node's own log's, or a container's (`resources.node_of`)."""
    payload_kind: PayloadKind = "none"
    message: str = ""
    stack: StackTrace | None = None
    http: HttpInfo | None = None
    audit_method: str | None = None
    audit_service: str | None = None
    audit_status: str | None = None
    """The audit status code's name, e.g. NOT_FOUND."""
    audit_grants_only: bool = False
    """An IAM policy change that only adds bindings (`Payload.grants_only`)."""
    audit_scope: tuple[str, ...] = ()
    """What an audited change's request confines it to (`Payload.audit_scope`)."""
    principal: str | None = None
    principal_kind: str | None = None
    """anonymous, google-agent, service-account or user (audit entries)."""
    error_group_ids: tuple[str, ...] = ()
    source_location: str | None = None
    trace: str | None = None
    record_line: RecordLine = ""
    """What the text line is to a record written over several lines: its head, a bare line that may continue it,
    or PostgreSQL's continuation (`DETAIL:`, `STATEMENT:`…); "" for none of them."""
    credential_label: str = ""
    """The text's last line as it was logged, before its prefix was stripped, when it ends naming a credential whose
    value the stream's next line may hold (`- name: API_SECRET`, whose `- name: ` reads as a prefix; reassembly
    redacts that line after it); "" when it does not, or when nothing was stripped (reassembly reads the message)."""
    upstream: str = ""
    """The upstream a proxy's error line names in the request's context that prefix stripping removes from the
    message (nginx's `…, upstream: "http://10.8.6.14:8080/api/pay", host: …`: `http://10.8.6.14:8080/api/pay`), or
    in a field of its own (the Ops Agent's `nginx_error`); or the Kubernetes Service a structured line's `namespace`
    and `serviceName` fields name (Traefik's, `shop/cart`); "" for none. Linking reads it as the host the failed call
    went to, or the Service a proxy found no endpoint of."""
    pod_app: str = ""
    """The application a Kubernetes container's pod is labelled with (`resources.POD_APP_LABELS`: `app`,
    `app.kubernetes.io/name`), which a Service selects its pods by whatever the workload is named; "" for none."""
    tag: str = ""
    """The component a line's header named in brackets that prefix stripping removes from the message (go-sql-driver's
    `[mysql] 2026/11/05 09:00:04 packets.go:37: unexpected EOF`: `mysql`); "" for none. Linking reads it as the
    client library that logged the line (which database engine it calls)."""
    cluster: str = ""
    """The Kubernetes cluster a Kubernetes entry came from (its resource's `cluster_name`); "" for any other entry.
    Linking tells a node pool's change only for the problems of that pool's cluster."""

    @property
    def log_id(self) -> str:
        """The log's id: the part of logName after `/logs/`, URL-decoded."""
        return log_id(self.log_name)


# `projects/P/logs/LOG`: project ids are lowercase (a domain-scoped one has `example.com:` before it)
_LOG_PROJECT = compile_regex(r"projects/([a-z0-9][-a-z0-9.:]{0,127})/logs/")


@functools.lru_cache(maxsize=1024)
def log_project(log_name: str) -> str | None:
    """The project a log name is in (`projects/P/logs/…`); None for folders, organizations and bare ids."""
    found = _LOG_PROJECT.match(log_name)
    return found.group(1) if found else None


@functools.lru_cache(maxsize=1024)
def log_id(log_name: str) -> str:
    """The id of the log `log_name` names (`LogEntry.log_id`)."""
    _, _, named = log_name.partition("/logs/")
    return unquote(named or log_name)


class Occurrences(BaseModel):
    """What a source counted for one record before sending it: the entries it stands for.

    A source that aggregates server-side (Log Analytics) sends one representative entry for `count` entries
    that the pipeline would treat alike but for their timestamps (all in one time bucket of the clustering
    stage, from `first` to `last`) and instances. Such a record is an event of its own: it is never
    reassembled with others, and each entry it stands for counts as one event — unless it is part of a
    `batch`: the consecutive records of one batch are one copy of a run of lines (a split traceback) that
    stands for `count` copies; they are reassembled among themselves, and each event they make stands for
    `count` events.
    """

    model_config = ConfigDict(frozen=True)

    count: int = Field(ge=1)
    first: datetime
    last: datetime
    instances: tuple[str, ...] = ()
    representative_only: bool = Field(
        default=False,
        description="The entry only stands for the others (it is counted elsewhere): never a sample.",
    )
    batch: str | None = Field(
        default=None, description="The run of lines the record is one line of, in time order (see above)."
    )


class Event(NamedTuple):
    """One occurrence of a problem: a single entry, or a traceback reassembled from several."""

    primary: LogEntry
    """The entry that stands for the event (message and stack merged)."""
    members: tuple[LogEntry, ...]
    """Every original entry of the event, in time order."""
    occurrences: Occurrences | None = None
    """Set when the event stands for several entries a source counted."""

    @property
    def weight(self) -> int:
        """How many events this one stands for."""
        return 1 if self.occurrences is None else self.occurrences.count

    @property
    def entries(self) -> int:
        """How many log entries this event stands for."""
        return len(self.members) * self.weight

    @property
    def severity(self) -> Severity:
        return self.primary.severity

    @property
    def severity_rule(self) -> str | None:
        """The rule that inferred the event's severity (None: as logged)."""
        return self.primary.severity_rule

    @property
    def severity_inferred(self) -> bool:
        return self.primary.severity_rule is not None


@dataclass(slots=True)
class Quiet:
    """An entry the parser's fast path found below WARNING without building it (`EntryParser.skim`).

    It holds only what the stages read from such an entry: its place and time (the window, reassembly's
    clock), its identity (the service filter, the traceback group it ends, the revisions seen by linking) and
    its request status (the revisions that answered requests). Names are redacted; the insertId is redacted
    only if someone asks for it (`--assignments`).
    """

    position: int
    raw_insert_id: str
    timestamp: datetime
    log_name: str
    resource_type: str
    service: str | None
    revision: str | None
    instance: str | None
    text: bool
    """A plain text line (it ends an open traceback group of its log, service, instance and revision)."""
    status: int | None
    pod_app: str = ""
    """The application its Kubernetes pod is labelled with (`LogEntry.pod_app`): linking reads a Service named after
    it as the workload's, whatever level the workload logs at."""
