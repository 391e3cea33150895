"""Configuration: one pydantic model, read from `gardener.toml` or `[tool.gardener]` in pyproject.toml."""

from __future__ import annotations

import difflib
import os
import re
import string
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from loggardener import files
from loggardener.defaults import (
    MAX_QUERY_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    RETRY_DEADLINE_SECONDS,
    empty_list,
)
from loggardener.entries.levels import START_FAILURE_PATTERNS, STARTUP_EXCEPTION_TYPES
from loggardener.entries.models import RpcCodeName
from loggardener.errors import ExitCode, GardenerError, decode_reason, project_id_mistake
from loggardener.regexes import compile_regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def _upper(value: Any) -> Any:
    """A priority or severity name in any case, as the command line takes them (`--min-severity error`)."""
    return value.upper() if isinstance(value, str) else value


PriorityName = Annotated[Literal["P0", "P1", "P2", "P3"], BeforeValidator(_upper)]
SeverityName = Annotated[
    Literal["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"],
    BeforeValidator(_upper),
]
ClusterKindName = Literal["exception", "message", "request", "audit"]
PrincipalKindName = Literal["anonymous", "google-agent", "google-delivery", "service-account", "user"]

GITHUB_LABEL_LIMIT = 50
"""GitHub refuses a label name longer than this (422 when the first issue is created)."""


def _label(name: str) -> str:
    """A GitHub label name, checked when the configuration is read rather than when the first issue is written:
    at most 50 characters, and no comma (GitHub's issue listing and gh's --label split on commas, so the
    run's own issues would not be found and every run would open duplicates)."""
    if len(name) > GITHUB_LABEL_LIMIT:
        raise ValueError(
            f"{name[:20]!r}… is {len(name)} characters; GitHub labels hold at most {GITHUB_LABEL_LIMIT}"
        )
    if "," in name:
        raise ValueError(f"{name!r} holds a comma, which GitHub's issue listing reads as two labels")
    if name != name.strip():
        raise ValueError(f"{name!r} starts or ends with a space, which GitHub drops")
    return name


def _named_label(name: str) -> str:
    if not name.strip():
        raise ValueError("is empty: it is how log gardener finds its own issues again; give it a name")
    return _label(name)


Label = Annotated[str, AfterValidator(_label)]

# A Log Analytics linked dataset, PROJECT.DATASET, and a log view's name. A project id is lowercase letters,
# digits and hyphens; a domain-scoped one (`example.com:shop`) holds dots only in its domain, before the colon
# (so in `my-project.logs._AllLogs` no project `my-project.logs` is read: that is a view's path).
_PROJECT_ID = r"(?:[a-z0-9][a-z0-9.-]{0,61}[a-z0-9]:[a-z][a-z0-9-]{0,61}|[a-z][a-z0-9-]{4,61}[a-z0-9])"
_DATASET_ID = r"[A-Za-z0-9_]{1,1024}"
DATASET_NAME = compile_regex(rf"^(?P<project>{_PROJECT_ID})\.(?P<dataset>{_DATASET_ID})$")
# The linked dataset's resource name, as `gcloud logging links describe` prints it (`bigqueryDataset.datasetId`)
_DATASET_RESOURCE = compile_regex(
    rf"^(?:(?://)?bigquery\.googleapis\.com/)?projects/(?P<project>{_PROJECT_ID})/datasets/(?P<dataset>{_DATASET_ID})$"
)
VIEW_NAME = compile_regex(r"^[A-Za-z0-9_.:-]+$")
# Cloud Logging's resource names of a project's log bucket (`gcloud logging buckets describe`), of its link
# (`gcloud logging links describe`'s `name`: the linked dataset has the link's id, in the bucket's project) and
# of a log view (the linked dataset holds a view of the same id)
_BUCKET_PATH = rf"^(?://logging\.googleapis\.com/)?projects/(?P<project>{_PROJECT_ID})/locations/(?P<location>[\w-]+)/buckets/(?P<bucket>[\w.-]+)"
_BUCKET_RESOURCE = compile_regex(rf"{_BUCKET_PATH}(?:/views/(?P<view>[\w-]+))?/?$")
_LINK_RESOURCE = compile_regex(rf"{_BUCKET_PATH}/links/(?P<dataset>{_DATASET_ID})/?$")
_LOG_VIEW_RESOURCE = compile_regex(rf"{_BUCKET_PATH}/views/(?P<view>[\w-]+)/?$")


def _unquoted(text: str) -> str:
    name = text.strip()
    if len(name) > 1 and name[0] == name[-1] == "`":
        name = name[1:-1].strip()
    return name


def dataset_name(text: str) -> str:
    """`text` written as PROJECT.DATASET: as given, or from the link's resource name
    (`bigquery.googleapis.com/projects/P/datasets/D`, or Cloud Logging's
    `projects/P/locations/L/buckets/B/links/D`) or an SQL name in backticks (`` `P.D` ``)."""
    name = _unquoted(text)
    resource = _DATASET_RESOURCE.match(name) or _LINK_RESOURCE.match(name)
    return f"{resource['project']}.{resource['dataset']}" if resource else name


def view_name(text: str, project: str, dataset: str) -> str:
    """`text` given as the linked dataset's view: as given, or the view's name from its path in that dataset
    (`DATASET.VIEW`, `PROJECT.DATASET.VIEW`, in backticks or not) or from the log view's resource name
    (`projects/P/locations/L/buckets/B/views/V`). A log view of another project raises ValueError naming it."""
    name = _unquoted(text)
    resource = _LOG_VIEW_RESOURCE.match(name)
    if resource is not None:
        if resource["project"] != project:
            raise ValueError(
                f"{text!r} is a log view of the project {resource['project']}, not of the dataset "
                f"{project}.{dataset}: give that project's linked dataset, or the view's name alone "
                f"({resource['view']})"
            )
        return resource["view"]
    path, dot, view = name.rpartition(".")
    return view if dot and view and path in (dataset, f"{project}.{dataset}") else name


def dataset_problem(text: str) -> str | None:
    """What is wrong with `text` as PROJECT.DATASET, in words; None when nothing is."""
    name = dataset_name(text)
    if DATASET_NAME.match(name):
        return None
    table, _, view = name.rpartition(".")
    if DATASET_NAME.match(table):
        return (
            f"{name!r} names a view of the dataset {table} (PROJECT.DATASET.VIEW): give the linked dataset as "
            f"PROJECT.DATASET ({table}), and the view with --view or log_analytics.view ({view})"
        )
    bucket = _BUCKET_RESOURCE.match(name)
    if bucket is not None:
        view = (
            f", and the view with --view or log_analytics.view ({bucket['view']})" if bucket["view"] else ""
        )
        return (
            f"{name!r} names the log bucket {bucket['bucket']}, not its linked dataset: give the dataset as "
            f"PROJECT.DATASET{view}; the dataset's id is the link's, which `gcloud logging links list "
            f"--bucket={bucket['bucket']} --location={bucket['location']} --project={bucket['project']}` lists"
        )
    project, dot, dataset = name.rpartition(".")
    if not dot:
        shape = " (bq's PROJECT:DATASET is written PROJECT.DATASET here)" if ":" in text else ""
        return f"give the linked dataset as PROJECT.DATASET (e.g. my-project.logs){shape}"
    if not DATASET_NAME.match(f"{project}.x"):
        return (
            f"{project!r} is no project id (6 to 30 lowercase letters, digits and hyphens, starting with a "
            "letter): give the linked dataset as PROJECT.DATASET (e.g. my-project.logs)"
        )
    return (
        f"{dataset!r} is no dataset name (letters, digits and underscores): give the linked dataset as "
        "PROJECT.DATASET (e.g. my-project.logs)"
    )


def _dataset(text: str | None) -> str | None:
    if text is None:
        return None
    problem = dataset_problem(text)
    if problem:
        raise ValueError(problem)
    return dataset_name(text)


def _view(name: str) -> str:
    if not VIEW_NAME.match(name) and not _LOG_VIEW_RESOURCE.match(_unquoted(name)):
        raise ValueError(
            f"{name!r} is not a log view's name (letters, digits, '_', '.', ':' and '-'), e.g. _AllLogs, nor its "
            "resource name (projects/P/locations/L/buckets/B/views/VIEW)"
        )
    return name


def _project(project: str | None) -> str | None:
    """No project id holds a space, a line break, a control character (around it they are dropped), a slash
    or a quote (`errors.project_id_mistake`)."""
    mistake = None if project is None else project_id_mistake(project.strip())
    if mistake is not None:
        raise ValueError(f"{mistake} (`gcloud projects list` shows the ids)")
    return project


def _valid_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            compile_regex(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return patterns


Patterns = Annotated[list[str], AfterValidator(_valid_patterns)]


def re2_compiled(pattern: str) -> Any:
    """`pattern` compiled by RE2 (google-re2, as the built-in redaction rules use it), its errors not logged;
    a ValueError saying why RE2 cannot compile it."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ValueError(str(reason)) from None


def _linear_patterns(patterns: list[str]) -> list[str]:
    """Patterns RE2 compiles: redaction runs them on every text of every entry, and RE2's time is linear in
    the text whatever it holds (Python's `(a+)+$` takes minutes on a 40-character line)."""
    for pattern in patterns:
        try:
            compiled = re2_compiled(pattern)
        except ValueError as reason:
            raise ValueError(
                f"invalid regular expression {pattern!r} for RE2 ({reason}); redaction patterns are RE2 "
                "syntax, which runs in linear time: no lookaround or backreferences"
            ) from None
        if compiled.search("") is not None:
            raise ValueError(
                f"regular expression {pattern!r} matches empty text (it would mark every position): make it "
                "match at least one character (x+ rather than x*)"
            )
    return patterns


LinearPatterns = Annotated[list[str], AfterValidator(_linear_patterns)]


class _Section(BaseModel):
    # inf and nan are TOML numbers too: a duration or a count is finite. TOML has its own types, so a value
    # of the wrong one (`emails = "no"`, `max_rows = "5"`, `use_default_rules = 0`) is a mistake, not text
    # to convert: `"no"` would read as false while `"off!"` stopped the run.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class EntriesConfig(_Section):
    in_app_prefixes: list[str] = Field(
        default_factory=empty_list,
        description="Path prefixes of your own code. Empty: every frame outside site-packages, "
        "dist-packages, the standard library, <frozen ...> and <string> is in-app.",
    )
    reassembly_gap_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Largest gap between two lines of one split traceback (its last line can lag seconds).",
    )
    workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that parse an export's entries after its first 10,000 (and decode NDJSON's "
        "lines): 0 starts one per usable core (at most 4, none on a single core), 1 keeps the scan in one "
        "process.",
    )


class RedactionConfig(_Section):
    emails: bool = Field(default=True, description="Replace e-mail addresses in log text.")
    extra_patterns: LinearPatterns = Field(
        default_factory=empty_list, description="More regular expressions to redact (RE2 syntax)."
    )


class ClusteringConfig(_Section):
    samples_per_cluster: int = Field(default=3, ge=1, le=20)
    bucket_minutes: int = Field(default=10, ge=1)
    max_templates: int = Field(default=50_000, ge=100, description="Cap on templates kept in memory.")


class PriorityRule(_Section):
    """A rule: when every condition given holds, the cluster gets `priority`, and `reason` says why.

    `reason` may use {count}, {entries} ("1 entry", "5 entries"), {tally} ({entries}, or "1 event (36 entries)"
    when a report was reassembled from one entry a line), {requests} ("1 request", "5 requests"),
    {at_max_severity} ("3 of 647 entries", else {tally}), {share}, {events}, {event_word} ("1 event", "3 events"),
    {exception_type}, {max_severity}, {services}, {first_seen}, {last_seen}, {when} ("at 16:00:00Z", or
    "between 16:00:00Z and 16:14:00Z"), {span}, {title}, {status}, {routes}, {audit_status}, {logs}, {due} (the
    first date after the day of the last entry that a removal, shutdown or end-of-life word names, `will be removed
    on 2026-12-07`, or "no date").
    """

    name: str
    priority: PriorityName
    reason: str
    kinds: list[ClusterKindName] = Field(default_factory=empty_list)
    exception_types: list[str] = Field(default_factory=empty_list)
    message_patterns: Patterns = Field(
        default_factory=empty_list, description="Regexes searched in the message."
    )
    stack_patterns: Patterns = Field(
        default_factory=empty_list, description="Regexes searched in the stack trace."
    )
    route_patterns: Patterns = Field(
        default_factory=empty_list, description="Regexes matched against routes."
    )
    service_patterns: Patterns = Field(
        default_factory=empty_list,
        description="Regexes matched against services (`kube-system/kube-proxy`): every service of the "
        "problem matches one of them.",
    )
    min_severity: SeverityName | None = None
    below_severity: SeverityName | None = Field(
        default=None, description="The cluster's highest (inferred) severity is below this one."
    )
    min_count: int | None = None
    min_events: int | None = Field(default=None, description="At least this many events.")
    max_events: int | None = Field(default=None, description="At most this many events.")
    min_events_per_instance: int | None = Field(
        default=None,
        ge=1,
        description="At least this many events per instance seen (a pod, a VM, a container instance) on average, "
        "so that one instance had at least that many: the same thing failing again and again, not once here "
        "and once there.",
    )
    max_event_interval_seconds: int | None = Field(
        default=None,
        ge=0,
        description="The events come at most this many seconds apart on average (the problem's span over its "
        "events less one): a loop, not occurrences an hour apart.",
    )
    min_share: float | None = Field(default=None, ge=0, le=1, description="Share of all events scanned.")
    min_http_status: int | None = None
    max_http_status: int | None = Field(default=None, description="Every HTTP status is at most this.")
    min_buckets: int | None = Field(default=None, description="Seen in at least this many time buckets.")
    at_import_time: bool | None = Field(
        default=None,
        description="True: raised while a module was imported (a `<module>` frame of your code).",
    )
    audit_statuses: list[RpcCodeName] = Field(
        default_factory=empty_list, description="Audit status code names, e.g. NOT_FOUND (any of them)."
    )
    principal_kinds: list[PrincipalKindName] = Field(
        default_factory=empty_list,
        description="Every audited call was made by one of: anonymous, google-agent, google-delivery, "
        "service-account, user.",
    )
    logs: list[str] = Field(
        default_factory=empty_list,
        description="Every entry comes from one of these logs, written `RESOURCE_TYPE LOG_ID` "
        "(`gce_instance OSConfigAgent`); `RESOURCE_TYPE *` matches any log of that resource type.",
    )
    due_within_days: int | None = Field(
        default=None,
        ge=0,
        description="The text names a date (`2026-12-07`, `December 7, 2026`, `7 Dec 2026`) at most this many days "
        "after the day of the problem's last entry, with a removal, shutdown or end-of-life word just before it "
        "(`removed on`, `shutdown:`, `end of life`, `until`, `after`): what it announces is near. Dates on or before "
        "that day (a line's own timestamp, a date already past), other dates (`deprecated since`) and dates inside "
        "a URL or an identifier (`2026-12-15-preview`) do not count.",
    )
    due_after_days: int | None = Field(
        default=None,
        ge=0,
        description="The first date after the day of the problem's last entry that a removal, shutdown or "
        "end-of-life word names (as for `due_within_days`) is more than this many days after it: what it announces "
        "is far off.",
    )


REASON_PLACEHOLDERS = (
    "count",
    "entries",
    "tally",
    "requests",
    "at_max_severity",
    "share",
    "events",
    "event_word",
    "exception_type",
    "max_severity",
    "services",
    "first_seen",
    "last_seen",
    "when",
    "span",
    "title",
    "status",
    "routes",
    "audit_status",
    "logs",
    "due",
)
# A database's report that it aborted one transaction to settle a conflict with a concurrent one (it says so, and the
# client may retry): PostgreSQL's `deadlock detected` and serialization failures, MySQL's `Deadlock found when trying
# to get lock` and `Lock wait timeout exceeded; try restarting transaction`, SQL Server's deadlock victim,
# Datastore's and Firestore's contention.
_TRANSACTION_CONFLICT = [
    r"\bdeadlock detected\b",
    r"could not serialize access due to (?:concurrent update|read/write dependencies)",
    r"Deadlock found when trying to get lock",
    r"Lock wait timeout exceeded; try restarting transaction",
    r"chosen as the deadlock victim",
    r"(?i)too much contention on these (?:datastore )?(?:entities|documents)",
]
# The namespaces of the components GKE runs and manages itself (kube-dns, konnectivity-agent, kube-proxy,
# metrics-server, fluentbit-gke, gke-metadata-server, pdcsi-node, Managed Prometheus' collectors, …), as a
# Kubernetes container's service reads `namespace/container`.
_GKE_SYSTEM_NAMESPACES = [
    r"^(?:kube-system|gmp-system|gke-gmp-system|gke-system|gke-connect|gke-managed-[\w.-]+)/"
]
# The logs of the agents GKE runs on each node, outside any pod (`k8s_node`): the kubelet, the container runtime,
# kube-proxy, the node problem detector. Not the node's Kubernetes events (`k8s_node events`: `NodeNotReady`,
# `OOMKilling`), which say what happened to the node.
_GKE_NODE_AGENT_LOGS = [
    "k8s_node kubelet",
    "k8s_node container-runtime",
    "k8s_node docker",
    "k8s_node kube-proxy",
    "k8s_node node-problem-detector",
]
# How Windows records an application or a service that crashed: .NET Runtime's event 1026, the Application Error
# event 1000, the Service Control Manager's events 7031 and 7034. Not Google's own agents on the VM (`The Google
# Compute Engine Agent Manager service terminated unexpectedly`, `GCEWindowsAgent.exe`): they restart themselves,
# and are the VM's noise (`vm-agent-log`)
_WINDOWS_CRASH = [
    r"\bThe process was terminated due to an unhandled exception\b",
    r"(?m)^Faulting application name: (?!GCEWindows|google_)",
    r"\bThe (?!Google )[^\n]{1,200}? service terminated unexpectedly\b",
]
_VM_AGENT_LOGS = [
    "gce_instance GCEGuestAgent",
    "gce_instance OSConfigAgent",
    "gce_instance google_guest_agent",
    "gce_instance google_osconfig_agent",
    "gce_instance ops-agent-fluent-bit",
    "gce_instance ops-agent-collector",
    "gce_instance ops-agent-health",
    "gce_instance winevt.raw",
    "gce_instance windows_event_log",
    "gce_instance",
]
# (not a refused connection: nothing listens at the address, which a retry does not change; `_CONNECTION_REFUSED`)
_TRANSIENT_NETWORK = [
    r"(?i)connection reset",
    r"(?i)broken pipe",
    r"(?i)connection (?:closed|aborted)",
    # the errno names (Node.js `read ECONNRESET`, Erlang/Elixir `** (stop) :econnaborted`)
    r"(?i)\beconn(?:reset|aborted)\b",
    r"(?i)timed out",
    r"(?i)deadline exceeded",
    r"(?i)temporarily unavailable",
]

# A dependency that refuses connections: nothing listens at its address (down, restarting, or the wrong address
# or network), in the words of the client that tried: `SQLSTATE[HY000] [2002] Connection refused`, redis-py's
# `Error 111 connecting to 10.0.1.3:6379. Connection refused.`, Node.js' `connect ECONNREFUSED 10.0.0.5:5432`,
# Python's `[Errno 111] Connection refused`.
_CONNECTION_REFUSED = [
    r"(?i)\bconnection refused\b",
    r"(?i)\beconnrefused\b",
    r"\[Errno 111\]",
]

# sshd's account of a connection that never logged in: what scanners leave on every SSH port open to the internet
# (`error: kex_exchange_identification: Connection closed by remote host`, `Invalid user admin from 198.51.100.7`,
# `Connection closed by authenticating user root … [preauth]`, `banner exchange: … invalid format`)
_SSH_PROBE = [
    r"(?m)^(?:error: )?(?:kex_exchange_identification: |banner exchange: |Invalid user \S* from |Did not receive "
    r"identification string from |Unable to negotiate with \S+ port \d+: no matching )",
    r"(?m)^(?:Connection (?:closed|reset) by (?:authenticating |invalid )?(?:user \S+ )?\S+ port \d+|Disconnected "
    r"from (?:authenticating |invalid )?(?:user \S+ )?\S+ port \d+|Received disconnect from \S+ port \d+:\d+: "
    r".*) \[preauth\]$",
]
# A BigQuery job that failed, as its audit entry records it: the job's insertion (`JobService.InsertJob`, the
# older `jobservice.insert`) or completion (`jobservice.jobcompleted`) with the job's own error as its status
# (`INVALID_ARGUMENT … Resources exceeded during query execution`, `NOT_FOUND … Not found: Table …`): no lookup
_QUERY_JOB = [
    r"(?m)^[A-Z_]+ on (?:google\.cloud\.bigquery\.v2\.)?(?:JobService\.(?:InsertJob|Query)"
    r"|jobservice\.(?:insert|jobcompleted|query)) \(bigquery\.googleapis\.com\)"
]
# A server that cannot listen on its port: another process holds it (Go's `listen tcp :4000: bind: address already
# in use`, Node.js' `listen EADDRINUSE: address already in use :::3000`, Python's `[Errno 98] Address already in use`,
# Java's `java.net.BindException: Address already in use`)
_CANNOT_LISTEN = [r"(?i)\baddress already in use\b", r"\bEADDRINUSE\b"]

# Celery's worker reports a task that raised (`Task billing.tasks.charge[8f2c…] raised unexpected: KeyError('x')`),
# the traceback under it passing through Celery's task runner; its retries report `retry:` instead
_TASK_RAISED = [r"\bTask [\w.]{1,200}\[[0-9a-f-]{36}\] raised unexpected: "]
_TASK_RUNNER_FRAME = [r"/celery/app/trace\.py\", line \d+, in trace_task\n"]

# A process that died of a panic no code recovered: Go's runtime prints `panic: …` (or `fatal error: …`) and the
# goroutine that was running, then exits with status 2; a Rust panic of the `main` thread ends the process; Deno
# ends on an exception or a rejection nothing caught (`error: Uncaught (in promise) TypeError: …`, exit status 1).
# (A panic that Go's `net/http` recovers is `panic serving …`: `_REQUEST_UNCAUGHT`.)
_PROCESS_PANIC = [
    r"\A(?:panic|fatal error): [^\n]*(?:\n[^\n]*){0,3}?\ngoroutine \d+ \[running\]:",
    r"(?m)^thread 'main' panicked at ",
    r"(?m)^error: Uncaught (?:\(in promise\) )?[\w$.]{1,200}",
    # the JVM's fatal error report (a signal in native code): the JVM is gone
    r"\AA fatal error has been detected by the Java Runtime Environment: ",
    # a native program's failure signal report (absl's and glog's handlers: `*** SIGSEGV received at time=… ***`,
    # `*** SIGABRT (@0x1) received by PID 1 …`, `*** Aborted at 1764… (unix time) …`), not a SIGTERM's shutdown
    r"(?m)^\*\*\* (?:SIG(?:SEGV|ABRT|BUS|FPE|ILL|TRAP) (?:received at time=|\(@0x[0-9a-f]{1,16}\) received by PID )"
    r"|Aborted at \d{1,20} \(unix time\))",
    # Swift's runtime trap (`Sources/App/X.swift:57: Fatal error: …`) and its backtracer's `💣 Program crashed:`
    r"(?m)^\S{1,500}\.swift:\d{1,9}: Fatal error: |^(?:💣|\*\*\*) Program crashed: "
    r"|^Fatal error: .{0,1000}: file \S{1,500}\.swift, line \d{1,9}$",
    # the Dart VM's uncaught error: the isolate, and with it the program, ends
    r"(?m)^Unhandled exception:$",
]
# Node.js' crash report ends with its version once the process dies on an uncaught exception or rejection
_NODE_PROCESS_DIED = [r"(?m)^Node\.js v\d{1,3}\.\d{1,4}\.\d{1,4}\s*\Z"]


# How Google APIs say a request exceeds a quota, whatever status code they give it (Dataproc and Compute Engine
# reject with INVALID_ARGUMENT: `Insufficient 'CPUS' quota. Requested 24.0, available 8.0.`, `Quota
# 'SSD_TOTAL_GB' exceeded. Limit: 500.0 in region us-east1.`, GKE's `Insufficient regional quota to satisfy
# request`).
_QUOTA_EXHAUSTED = [
    r"(?i)\binsufficient '?[\w ./-]{1,60}'? quota\b",
    r"(?i)\bquota '?[\w./-]{1,60}'? exceeded\b",
    r"(?i)\bexceeds? (?:your|the) (?:available )?quota\b",
]

# A Google API's refusal of calls over a quota or a rate limit, as its error says it (`429 Quota exceeded for quota
# metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'`,
# BigQuery's `403 Exceeded rate limits: too many table update operations for this table`, the reasons
# `rateLimitExceeded`, `userRateLimitExceeded`, `RATE_LIMIT_EXCEEDED`).
_API_QUOTA_EXCEEDED = [
    r"(?i)\bquota exceeded for quota (?:metric|group)\b",
    r"\bExceeded rate limits: ",
    r"\b(?:user)?[rR]ateLimitExceeded\b",
    r"\bRATE_LIMIT_EXCEEDED\b",
]


# A program that skipped one item it could not process and went on with the rest (`row 14400 skipped: invalid date
# '0000-00-00' in column shipped_at`, `skipping malformed record at offset 88`): some items missing, not a failed
# run; not a count of none (`skipped 0 rows`, `0 rows skipped`, `rows skipped: 0`, `no rows skipped`).
_ITEMS_SKIPPED = [
    r"(?i)(?<!\b0 )(?<!\bno )(?<!\bzero )\b(?:row|record|item|message|line|document|entry|event)s? "
    r"(?:#?[\w:./-]{1,80} )?(?:was |were |has been )?skipped\b(?!\s*[:=]\s*0\b)",
    r"(?i)\bskipp(?:ing|ed) (?:(?:bad|invalid|malformed|corrupt|unparsable|unparseable) )?"
    r"(?:row|record|item|message|line|document|entry|event)s?\b(?!\s*[:=]\s*0\b)",
]

# How Google APIs say a zone, a subnet or a quota has nothing left for a create call (`RESOURCE_EXHAUSTED`,
# Compute Engine's `IP_SPACE_EXHAUSTED`, `ZONE_RESOURCE_POOL_EXHAUSTED`, `QUOTA_EXCEEDED`): a ceiling, however often hit.
_CAPACITY_EXHAUSTED = [r"\b[A-Z][A-Z_]*_EXHAUSTED\b", r"\bQUOTA_EXCEEDED\b"]


# An exception that reached the program's top level, which ends it: a Python traceback through the script's own
# code (`File "main.py", line 12, in <module>`, also as loguru's `> File`), Ruby's `<main>`, Java's uncaught
# exception in the main thread, .NET's `Unhandled exception.`, Node.js' crash report (its version line, an
# unhandled `'error'` event or promise rejection). An exception a function caught and logged has none of them.
_UNCAUGHT_AT_TOP = [
    r"(?m)\bline \d+, in <module>$",
    r"[`']<main>'",
    r'(?m)^Exception in thread "main" ',
    r"(?m)^Unhandled exception\. ",
    r"(?m)^Node\.js v\d+\.\d+",
    r"(?m)// Unhandled 'error' event$|\bUnhandledPromiseRejection\b|\btriggerUncaughtException\b",
]

# Kubernetes cannot start a pod: no node fits it, its image cannot be pulled, a volume cannot be mounted,
# or a Secret or ConfigMap it needs is missing (the kubelet's and scheduler's event texts); or its controller may
# not create it: an admission webhook (Binary Authorization), a quota or a policy forbids it (FailedCreate).
_POD_START_FAILURES = [
    r"\bFailedScheduling\b",
    r"\b\d+/\d+ nodes are available\b",
    r"\bInsufficient (?:cpu|memory|ephemeral-storage|pods|nvidia\.com/gpu)\b",
    r"\b(?:ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)\b",
    r"\bFailed to pull image\b",
    r"\bBack-off pulling image\b",
    r"\bMountVolume\.\w+ failed\b",
    r"\bUnable to (?:attach or mount|mount) volumes\b",
    r"\bAttachVolume\.Attach failed\b",
    r"\bCreateContainerConfigError\b",
    r"\bcouldn't find key \S+ in (?:Secret|ConfigMap)\b",
    r"\b(?:secret|configmap) \"[^\"]+\" not found\b",
    r"\bFailed to create pod sandbox\b",
    r"\bError creating: pods \"[^\"]{1,253}\" is forbidden\b",
    # a controller's pod refused by an admission webhook (GKE Autopilot's Warden, a policy engine)
    r"\bError creating: admission webhook \"[^\"\n]{1,253}\" denied the request\b",
]


# Data lost for good, in the words of the program that lost it (`order data lost`, `dropped 1500 events`, `2100
# events discarded`, a
# pipeline's `Dropping 1532 rows that failed to insert …`, `… are permanently lost`); not none of it (`dropped 0
# events`, `no data lost`, `not permanently lost`).
# A count of items, not none (`1,500`, `37`; not `0`, `00`)
_SOME = r"(?![0,]+ )(?:\d{1,3}(?:,\d{3})+|\d+)"
_DATA_LOSS = [
    r"(?i)(?<!\bno )\bdata (?:was |were |is |has been |have been )?lost\b",
    rf"(?i)\b(?:dropped|dropping|discarded|discarding|lost) {_SOME} "
    r"(?:events|records|messages|rows|entries|items|writes|documents)\b",
    r"(?i)(?<!\bnot )(?<!\bnever )\b(?:permanently|irrecoverably|irretrievably) (?:lost|dropped|discarded)\b",
    # the count first (`2100 events discarded`, `37 records were dropped`)
    rf"(?i)(?<![\d.,]){_SOME} (?:events|records|messages|rows|entries|items|writes|documents) "
    r"(?:were |was |have been |are |got )?(?:dropped|discarded|lost)\b",
]


# Replication that stopped: a replica no longer applies its source's changes (stale reads, no up-to-date failover)
# until someone fixes and restarts it, in the database's own words: MySQL's `Error running query, replica SQL thread
# aborted`, `Replica SQL for channel '': Worker 1 failed executing transaction …`, `Slave I/O for channel '': error
# connecting to master …` (`slave` before 8.0.26); PostgreSQL's standby that `could not receive data from WAL stream`
# or whose `requested WAL segment … has already been removed`, a slot invalidated; Redis' `MASTER aborted
# replication with an error: NOAUTH …`, `Error condition on socket for SYNC`, `Unable to connect to MASTER`.
_REPLICATION_STOPPED = [
    r"\b(?:[Rr]eplica|[Ss]lave) (?:SQL|I/O|IO) thread (?:aborted|killed|exiting)\b",
    r"\b(?:Replica|Slave) (?:SQL|I/O|IO) for channel '[^'\n]{0,64}': "
    r"(?:(?!(?:Replica|Slave) (?:SQL|I/O|IO) for)[^\n]){0,200}?(?:\bfailed\b|\b[Ee]rror\b)",
    r"\bcould not receive data from WAL stream\b",
    r"\brequested WAL segment \S+ has already been removed\b",
    r"\breplication slot \"[^\"\n]{1,64}\" (?:is|has been) invalidated\b|\binvalidating obsolete replication slot\b",
    r"\bMASTER aborted replication\b|\bError condition on socket for SYNC\b|\bUnable to connect to MASTER\b",
]

# Damaged data on disk, as the storage layer that found it says: PostgreSQL's `invalid page in block 4411 of relation
# base/16384/24576`, `page verification failed, calculated checksum 20919 but expected 15254` (at WARNING),
# `could not read block 7 in file "base/…": read only 0 of 8192 bytes`; InnoDB's `Database page corruption on disk or
# a failed file read`; MyISAM's `Table './shop/orders' is marked as crashed and should be repaired`; the kernel's
# `EXT4-fs error (device sdb1): …`, XFS' `Metadata corruption detected` and `Corruption of in-memory data detected`.
# Not a checksum of a download or an upload (a retried transfer), not a client's malformed input.
_DATA_CORRUPTION = [
    r"\binvalid page in block \d+ of relation\b",
    r"\bpage verification failed, calculated checksum \d+ but expected \d+\b",
    r"\bcould not read block \d+ in file \"[^\"\n]{1,200}\": read only \d+ of \d+ bytes\b",
    r"(?i)\bdatabase page corruption\b",
    r"\bis marked as crashed and should be repaired\b",
    r"\bEXT4-fs error \(device \S+\)",
    r"\bXFS \(\S+\): (?:Metadata corruption detected|Corruption of in-memory data detected)\b",
]

# A backup that did not complete: `backup failed`, `Backup of database orders failed`, `failed to create backup`,
# the dump tools' own error lines (`pg_dump: error: …`, `mysqldump: Got error: 2013: …`). There is no new restore
# point until it runs, however many times it failed.
_BACKUP_FAILED = [
    # not a restore (`restore from backup failed`) nor a count of none (`zero backups failed`, `backups failed: 0`)
    r"(?i)\b(?=backups?\b)(?<!\b0 )(?<!\bno )(?<!\bzero )(?<!\bnone of the )(?<!\bfrom )(?<!\brestore )(?<!\brestoring )"
    r"\bbackups?(?: job| run| of [^\n]{1,80}?)? (?:has |have )?failed\b(?!\s*[:=]\s*0\b)",
    r"(?i)\bfailed to (?:create|take|run|complete|upload|write|finish) (?:the |a )?(?:\w+ ){0,2}backup\b",
    r"(?m)^(?:pg_dump|pg_dumpall|pg_basebackup|mysqldump|mysqlpump|mongodump): (?:error|Got error)\b",
]

# Messages a queue gave up on: moved to a dead-letter queue or topic after failing every delivery or processing
# attempt (Pub/Sub's max delivery attempts, SQS' maxReceiveCount, a framework's recoverer): the handler fails on
# them, their work is not done. Not messages set aside at once because they cannot be parsed.
_DEAD_LETTERED = [
    # a dead-letter queue by its name or its initials (SQS', RabbitMQ's, Kafka Connect's `DLQ`); each gap stops at
    # the next word that starts a match again, so a text is read once
    r"(?i)\b(?:dead[- ]?letter\w*|DLQ)\b(?:(?!dead[- ]?letter|dlq\b)[^\n]){0,160}?\bafter (?:\d+|all) "
    r"(?:failed |unsuccessful )?(?:delivery |processing )?(?:attempts|retries|tries)\b",
    r"(?i)\bafter (?:\d+|all) (?:failed |unsuccessful )?(?:delivery |processing )?(?:attempts|retries|tries)\b"
    r"(?:(?!after )[^\n]){0,160}?\b(?:dead[- ]?letter|DLQ\b)",
]

# Webhooks a provider sent that our verification refused (a signing secret or a webhook id that changed): Stripe's
# `SignatureVerificationError: No signatures found matching the expected signature for payload`, PayPal's
# `verification_status=FAILURE`, a GitHub or Shopify HMAC that does not match. The events they carry (payments,
# subscriptions, pushes) are not recorded while the provider retries.
_WEBHOOK_REJECTED = [
    # the failure the check's own, in its clause: not a success of it that another failure follows (`signature
    # verified; handler failed`, `signature valid, but processing failed`); each gap stops at the next word that
    # starts a match again, so a text is read once (in time linear in its length, with a small factor)
    r"(?i)\bwebhook\w*\b(?:(?!webhook|signature|verif|hmac)[^\n]){0,120}\b(?:signature|verification|verify|hmac)\w*"
    r"(?:[ _:-]{1,3}(?:signature|verification|verify|hmac)\w*){0,3}"
    r"\b(?:(?!verified|succeeded|passed|(?<!in)valid\b|\bok\b|signature|verif|hmac|webhook)[^\n;,]){0,80}?"
    r"\b(?:fail\w*|invalid|mismatch\w*|rejected|did not match|does not match)",
    r"(?i)\b(?:signature|verification|hmac)\w* (?:fail\w*|invalid|mismatch\w*)\b"
    r"(?:(?!signature|verification|hmac)[^\n]){0,80}?\bwebhook",
    r"\bSignatureVerificationError\b|\bNo signatures found matching the expected signature for payload\b",
]

# A client's TLS handshake that failed on the server (scanners, load balancer probes that close the connection,
# clients with old or broken TLS stacks): Go's `http: TLS handshake error from 10.0.0.5:51234: EOF`, nginx's
# `SSL_do_handshake() failed (…) while SSL handshaking` (which it writes at crit) and `peer closed connection in SSL
# handshake`. Not a client's alert that our certificate is bad, expired or unknown (`remote error: tls: bad
# certificate`, `sslv3 alert certificate expired`): that may be ours.
_CLIENT_TLS_HANDSHAKE = [
    r"(?m)^(?![^\n]*?(?i:bad certificate|certificate (?:expired|unknown|revoked)|unknown (?:ca|certificate "
    r"authority)))[^\n]*?(?:\b(?:http: )?TLS handshake error from \S+|\bSSL_do_handshake\(\) failed \([^\n]{0,200}?\) "
    r"while SSL handshaking|\bpeer closed connection in SSL handshake)",
]

# Work canceled by whoever started it: Go's `context canceled` (a caller that hung up, a shutdown; a timeout reads
# `context deadline exceeded`, gRPC's `DeadlineExceeded`/`DEADLINE_EXCEEDED`), gRPC's `code = Canceled`. Nothing
# failed on its own.
_WORK_CANCELED = [
    r"(?i)\A(?![\s\S]*deadline[ _]?exceeded)[\s\S]*?(?:\bcontext canceled\b|\bcode = Canceled\b)",
]

# A retry the program schedules itself, with its attempt or delay (`retrying (attempt 1)`, `retrying in 2s`,
# `queued for retry (attempt 1/5)`, urllib3's `Retrying (Retry(total=2, …)) after connection broken by …`), unless
# a retry already failed (`retry 2 of 5 failed, retrying`); on any line, the title's or the message's, whose numbers
# the title may have masked (`retrying in <*>s`)
_RETRY_SCHEDULED = (
    r"(?im)^(?![^\n]{0,400}?\bretr(?:y|ies)\b[^\n]{0,20}?\bfailed\b)[^\n]{0,400}?\bretr(?:y|ying)\b "
    r"(?:\(Retry\(total=\d{1,3}\b|\(?attempt \d|in \d{1,6}(?:\.\d{1,3})? ?(?:ms|s|sec|seconds?|m|min|minutes?)\b"
    # its attempt out of the most it makes (`retry 2/5`), or its number and the delay before it (Polly's `Retry 1
    # for "inventory" after 200ms`, as a message template: `Retry {Attempt} … after {Delay}ms`), read in the title
    # too, where they vary (`retry <*>/<*>`)
    r"|(?:\d{1,3}|<\*>)/(?:\d{1,3}\b|<\*>)|(?:\d{1,3}\b|\{\w{1,40}\}|<\*>)[^\n]{0,100}? after "
    r"(?:\d{1,6}(?:\.\d{1,3})?|\{\w{1,40}\}|<\*>) ?"
    r"(?:ms|s|sec|seconds?|m|min|minutes?)\b)"
)


# A deprecation or a removal announced (`DeprecationWarning`, `… is slated for removal`, `will be removed`).
_DEPRECATION = [r"(?i)deprecat", r"(?i)slated for removal", r"(?i)will be removed"]


# A certificate that has expired or expires within a week (`x509: certificate has expired`, `TLS certificate
# for api.example.com expires in 5 days`), one further off, and a renewal that failed (cert-manager's
# `The certificate request has failed to complete and will be retried`).
_CERTIFICATE_EXPIRED = [
    r"(?i)\bcertificate (?:has )?expired\b",
    r"(?i)\bcert(?:ificate)?s?\b.{0,80}\b(?:expires?|will expire|expiring) (?:in|within) "
    r"(?:[0-7] days?|\d+ (?:hours?|minutes?))\b",
]
_CERTIFICATE_EXPIRING = [
    r"(?i)\bcert(?:ificate)?s?\b.{0,80}\b(?:expires?|will expire|expiring) (?:in|within) \d+ days\b",
]
# More than 30 days off: before any renewal window opens (ACME clients such as cert-manager and certbot, and
# Google-managed certificates, renew 30 days before expiry), so no renewal has failed yet.
_CERTIFICATE_EXPIRING_LATER = [
    r"(?i)\bcert(?:ificate)?s?\b.{0,80}\b(?:expires?|will expire|expiring) (?:in|within) "
    r"(?:3[1-9]|[4-9]\d|\d{3,}) days\b",
]
_CERTIFICATE_RENEWAL_FAILED = [
    r"(?i)\bcertificate request has failed\b",
    r"(?i)\bfailed to (?:renew|issue|obtain) (?:the |a )?(?:tls |ssl )?certificate\b",
    r"(?i)\bcertificate (?:renewal|issuance) (?:has )?failed\b",
]


# A disk that is full (writes fail) or nearly so (`volume /data is 93% full`).
# (InnoDB names the errno: `Write to file ./wp/x.ibd failed … Operating system error number 28.`)
_DISK_FULL = [
    r"No space left on device",
    r"\bENOSPC\b",
    r"(?i:\bdisk (?:is )?full\b)",
    r"\bOperating system error number 28\b",
]


def _unless_disk_full(*patterns: str) -> list[str]:
    """The patterns, each matching only a text that names no full disk (`_DISK_FULL`): the disk is the problem then,
    whatever else the text says."""
    full = "|".join(_DISK_FULL)
    return [rf"(?s)\A(?!.*?(?:{full})).*?(?:{pattern})" for pattern in patterns]


_DISK_NEARLY_FULL = [
    r"(?i)\b(?:disk|volume|filesystem|file system|partition|storage)\b.{0,80}\b(?:9\d|100)(?:\.\d+)? ?% "
    r"(?:full|used)\b",
    r"(?i)\b(?:low|running out of) disk space\b",
    # Elasticsearch's and OpenSearch's allocator: `high disk watermark [90%] exceeded on [node]…` (at the low one,
    # 85% by default, it stops placing replicas on the node)
    r"(?i)\b(?:low|high|flood[ -]stage) disk watermark \[[^\]\n]{1,16}\] exceeded\b",
]

# A quota, a limit or a node's resource nearly used up, a usage word beside the share (`usage at 91% of the monthly
# SMS spending limit`, `regional quota CPUS in us-central1 is at 94%`, `quota usage 96%`, `disk quota: 95 % used`),
# the kubelet's `NodeHasInsufficientMemory`, `NodeHasDiskPressure`; not what is left (`95% of the quota remaining`),
# not a setting (`scale-up threshold set to 90% of capacity`, `alert threshold limit is 90%`, `target utilization
# 90%`), not a share of something else (`99% of requests within the latency limit`), not a node that recovered
# (`NodeHasSufficientMemory`).
_USED = (
    r"(?<!threshold )(?<!target )\b(?:usage|utili[sz]ation|used|consumed|reached|at|hit)(?: is| of| at)?:?"
)
_SHARE = r"(?<![\d.])(?:9\d|100)(?:\.\d+)? ?%"
_LEFT = r"(?! (?:remaining|left|free|available|unused))"
_NOT_A_SETTING = r"(?:(?!threshold|target|set to)[^\n]){0,60}?"
_NEARLY_AT_LIMIT = [
    rf"(?i){_USED} {_SHARE} of (?:the |its |your |our |a )?(?:[\w-]+ ){{0,4}}?"
    rf"(?:limit|quota|capacity|maximum|allowance)\b{_LEFT}",
    rf"(?i)\b(?:quota|limit)\b{_NOT_A_SETTING}(?:{_USED} {_SHARE}{_LEFT}|{_SHARE} (?:used|consumed|utili[sz]ed)\b)",
    r"\bNodeHas(?:InsufficientMemory|DiskPressure|InsufficientPID)\b",
]

# A server's pool of workers or connections at its configured ceiling (php-fpm's `server reached
# pm.max_children setting (5), consider raising it`, `max_connections reached`): requests queue or are refused
# under load, a setting to raise.
_POOL_AT_CAPACITY = [
    r"(?i)\breached (?:the )?(?:pm\.)?max_(?:children|workers|connections|clients|spare_servers)\b",
    r"(?i)\bmax_?(?:children|workers|connections|clients) (?:limit |setting )?(?:reached|exceeded)\b",
    r"(?i)\b(?:connection|worker|thread) pool (?:is )?(?:exhausted|full)\b",
]


# A web framework's report that a request failed on an exception no handler caught (the client got a 500):
# Tomcat's and Spring's `Servlet.service() for servlet [dispatcherServlet] … threw exception`, ASP.NET Core's and
# Kestrel's, Django's `Internal Server Error: /path`, Flask's `Exception on /path [POST]` (a push handler's is
# retried by Pub/Sub: `background-delivery-5xx`, not this).
_REQUEST_UNCAUGHT = [
    r"\bServlet\.service\(\) for servlet \[[^\]\n]{1,200}\][^\n]{0,300}? threw exception\b",
    r"\bAn unhandled exception has occurred while executing the request\b",
    r"\bAn unhandled exception was thrown by the application\b",
    r"(?m)^Internal Server Error: /",
    r"(?m)^Exception on (?!/_ah/push-handlers/)/\S{0,500} \[[A-Z]{3,7}\]",
    # Quarkus' `HTTP Request to /api/x failed, error id: 5f6c…-1`, Play's `! @7k3j2l9m0 - Internal server error, for
    # (GET) [/users/1] ->`
    r"\bHTTP Request to /\S{0,500} failed, error id: ",
    r"(?m)^! @\w{1,32} - Internal server error, for \([A-Z]{3,7}\) \[/",
    # Phoenix under Plug.Cowboy: the request's process crashed, the client got a 500 (`#PID<0.4100.0> running
    # ShopWeb.Endpoint (connection #PID<0.4099.0>, stream id 1) terminated`, then its `** (exit)` report)
    r"\brunning [A-Z][\w.]{0,200} \(connection #PID<[\d.]{1,40}>, stream id \d{1,10}\) terminated\b",
    # Go's net/http, which recovers a handler's panic, logs it and drops the request's connection
    r"(?m)^(?:http: )?panic serving \S{1,200}: ",
    # PHP under a web server (php-fpm, Apache's mod_php): an uncaught exception or error is fatal and ends the
    # request with a 500 (`PHP Fatal error:  Uncaught Error: Call to undefined function get_header() in …`)
    r"\b(?:PHP )?Fatal error: {1,4}Uncaught\b",
    # Ktor's call logging, when no status page handled the call's exception (it answers 500): `Unhandled: POST -
    # /api/users/me/cards`, then the exception
    r"\bUnhandled: [A-Z]{3,7} - /",
]


# CoreDNS' loop plugin probes its upstream at start with a random name (`2 7553930501182690030.5295112943253332074.
# HINFO: read udp …: i/o timeout`): an upstream that ignores HINFO is harmless while lookups resolve.
_DNS_LOOP_PROBE = [r"(?:^|\s)\d{10,20}\.\d{10,20}\. HINFO: "]


# A Kubernetes controller's update that lost a race with another writer: the API server refused it as stale
# and the controller re-queues the object (`Operation cannot be fulfilled on certificates.cert-manager.io "x": the
# object has been modified; please apply your changes to the latest version and try again`).
_UPDATE_CONFLICT = [r"\bthe object has been modified; please apply your changes to the latest version\b"]


# A record that is a level and nothing else (`FATAL`): the blank line of a report logged one record per line (Rails'
# `logger.fatal "  "` under a `SEVERITY message` formatter) whose lines with words the stream did not keep together
# with it. It says nothing by itself.
_EMPTY_RECORD = [r"\A(?:FATAL|ERROR|CRITICAL|ALERT|EMERGENCY|PANIC|SEVERE)\n"]

# A server's exception because its client went away before the answer was written: the socket's `Broken pipe` as
# the whole message (Rails' `ActionView::Template::Error (Broken pipe)`, Ruby's `Errno::EPIPE`, Python's
# `BrokenPipeError: [Errno 32] Broken pipe`, Java's `IOException: Broken pipe`), Tomcat's `ClientAbortException`,
# Rails' `ActionController::Live::ClientDisconnected`. Nobody was served an error.
_CLIENT_WENT_AWAY = [
    r"(?m)^(?:\[Errno 32\] )?Broken pipe(?: - \S{1,200})?$",
    r"\bClientAbortException\b",
    # Rails' `ActionController::Live::ClientDisconnected`, Werkzeug's `ClientDisconnected`, Starlette's
    # `ClientDisconnect`; the client stopped sending the request's body: raw-body's (Express, body-parser) `request
    # aborted`, Jetty's `EofException: Early EOF`
    r"(?m)^BadRequestError: request aborted$",
    r"\bClientDisconnect(?:ed)?\b",
    r"\bEofException: Early EOF\b",
]


# A Kubernetes Job that gave up: its retries are spent or its deadline passed (the job controller's events).
_KUBERNETES_JOB_FAILED = [
    r"\bBackoffLimitExceeded\b",
    r"\bJob has reached the specified backoff limit\b",
    r"\bJob was active longer than specified deadline\b",
]


# A security control that lets everything through while it cannot decide (`failing open: request allowed`) or
# that was switched off: a check of who calls (authentication, authorization, a token, a signature), of the peer
# (TLS, a certificate, a host name, an SSH host key) or of where a request comes from (CSRF), named before or after
# the word that turns it off (`CSRF protection disabled`, `disabling TLS certificate verification`); not one that
# worked (`CSRF check failed`, `signature verification failed`). urllib3 says so of each call made without verifying
# the server's certificate.
_SAFETY_CONTROLS = (
    r"(?:authentication|authorization|auth|tls|ssl|certificate|cert|hostname|host key|signature|token|csrf|xsrf) "
    r"(?:check(?:ing)?|verification|validation|protection)s?"
)
_SAFETY_CONTROL_OFF = [
    r"(?i)\bfail(?:ing|ed|s)?[ -]open\b",
    r"(?i)\b" + _SAFETY_CONTROLS + r" (?:is |are |was |were |has been |have been )?(?:now )?"
    r"(?:disabled|skipped|bypassed|turned off)\b",
    r"(?i)\b(?:disabl(?:ed?|ing)|skipp(?:ed|ing)|bypass(?:ed|ing)?|turn(?:ed|ing) off) (?:the |all )?(?:\w+ )?"
    + _SAFETY_CONTROLS
    + r"\b",  # urllib3's warning for each call made with certificate verification off (`verify=False`)
    r"\bInsecureRequestWarning: Unverified HTTPS request is being made\b",
]


# A secret left at a default anyone can know (`Using default SECRET_KEY`, `JWT_SECRET not set, falling back to
# the development secret`, `admin password is the default`): not a fallback the code handles.
_SECRET_WORDS = (
    r"(?:secret[_ ]?key|secret|jwt[_ ]?secret|session[_ ]?secret|signing[_ ]?key|encryption[_ ]?key|api[_ ]?key"
    r"|password|passphrase)\b"
    # the word names a setting about secrets, not the secret (`default password policy`, `secret store backend`)
    r"(?![ _-]?(?:polic(?:y|ies)|stores?|managers?|providers?|backends?|length|rotation|schedule|hash(?:er|ing)?"
    r"|algorithms?|strength|complexity|validat(?:or|ion)|reset|expiry|expiration|ttl|rules?|requirements?"
    r"|generators?|format)\b)"
)
_INSECURE_DEFAULT_SECRET = [
    r"(?i)\b(?:using|uses|use|with|falling back to|falls back to|fall back to|defaulting to)\b[^\n]{0,40}?"
    r"\b(?:the )?(?:default|insecure|development|dev|dummy|example|built-in)\b[^\n]{0,20}?\b" + _SECRET_WORDS,
    r"(?i)\b"
    + _SECRET_WORDS
    + r"[^\n]{0,60}?\b(?:is|was|still) (?:the |a )?(?:default|insecure|well-known)\b",
]


# Rails logs a request's unhandled exception at FATAL as `Class (message):` after the request's tags (a class
# in a namespace, or one named `…Error`/`…Exception`: not Python's `Traceback (most recent call last):`): the
# ones it answers 404 (a route or a record that does not exist), and any other (answered 500).
_RAILS_NOT_FOUND = (
    r"(?m)^(?:\[[^\]\n]{1,200}\] ?){0,8}(?:ActionController::RoutingError|ActiveRecord::RecordNotFound"
    r"|AbstractController::ActionNotFound|ActionController::UnknownFormat) \("
)
_RAILS_REQUEST_EXCEPTION = (
    r"(?m)^(?:\[[^\]\n]{1,200}\] ?){0,8}(?:(?:[A-Z]\w{0,100}::){1,8}[A-Z]\w{0,100}|[A-Z]\w{0,100}(?:Error|Exception))"
    r" \([^\n]{0,2000}\):\s*$"
)


# Code that only demonstrates: a stack whose frames are in an examples/demo/samples package, a `*Demo` or
# `*Example` class, or a Java test class's `main` (`com.acme.logging.examples.LoggerDemo.main`). Only the
# frames count: the indented lines of a stack in every language (`  File "…"`, `\tat …`, `    at …`, Go's
# `\t/src/…go:12`, Elixir's `    (app) lib/…`) and Go's function lines, a module path and a call
# (`github.com/acme/examples/api.(*Server).Get(…)`); the exception's own message is data, and a real failure
# may name an example (`Cannot execute: spark-submit --class org.apache.spark.examples.SparkPi`).
_FRAME_LINE = r"(?m)^(?:[ \t]+|(?=[\w.-]{1,253}/[^\s(]{1,1000}\())[^\n]{0,500}?"
_EXAMPLE_CODE = [
    # (not the reserved domains `example.com`, `example.org`, `example.net`: a Go module path or a URL anonymized,
    # nor the same reversed as a JVM package's root, `com.example.ledger.LedgerWriter`, the placeholder group id
    # that real services keep;
    # nor a host under the reserved top-level domain, `feeds.vendor.example/v2`, which a sub-exception's message in
    # an exception group, indented as frames are, may name)
    _FRAME_LINE + r"(?:[\s(/](?:examples?|demos?|samples?)(?:/|\.(?!(?:com|org|net)\b))"
    r"|(?<![\s(/](?:com|org|net))\.example\.(?!(?:com|org|net)\b)"
    r"|\.(?:examples|demos?|samples?)\.(?!(?:com|org|net)\b))\w",
    _FRAME_LINE + r"\b[A-Z]\w*(?:Demo|Example|Sample)\.(?:<?\w+>?|lambda\$\w+)",
    _FRAME_LINE + r"\b[A-Z]\w*Test\.main\b",
]


# A worker or instance killed by the platform or by its own server: a timeout, a memory limit, a crash (gunicorn's
# `WORKER TIMEOUT`, which it logs at CRITICAL, Cloud Run's and App Engine's memory limits, a function's timeout).
_WORKER_KILLED = [
    r"WORKER TIMEOUT",
    r"Memory limit of [\w. ]+ exceeded",
    r"\bOOMKilled\b",
    r"Out of memory: Kill",
    r"(?i)finished with status:? '?(?:timeout|crash)",
    # gunicorn's arbiter killing a worker that missed its timeout (SIGABRT) or its memory (SIGKILL)
    r"\bWorker with pid \d+ was terminated due to signal (?:6|9)\b",
    # the JVM out of memory: its threads die, or it exits (`Terminating due to …`)
    r"\bjava\.lang\.OutOfMemoryError\b",
    # or out of native memory (its fatal error report: `# There is insufficient memory for the Java
    # Runtime Environment to continue.`)
    r"\bThere is insufficient memory for the Java Runtime Environment to continue\b",
    # Beam's memory monitor ending a Dataflow worker's JVM that only collects garbage
    r"\bShutting down JVM after \d+ consecutive periods of measured GC thrashing\b",
    # YARN (Dataproc): the node manager killing a container over its memory, the driver told so
    r"\bis running [\d.]+ ?[KMGT]?B beyond the '(?:PHYSICAL|VIRTUAL)' memory limit\b",
    r"\bContainer killed by YARN for exceeding (?:physical|virtual) memory limits\b",
    # App Engine standard ending an instance over its memory
    r"\bExceeded (?:soft|hard) memory limit of \d+ ?[MG]i?B\b",
    r"\bwas found to be using too much memory and was terminated\b",
    # Node.js' V8 ending the process out of heap
    r"\bJavaScript heap out of memory\b",
    # an application server killing its own workers (`levels._CONTAINER_FAILURES`)
    r"\*\*\* HARAKIRI ON WORKER \d",
    r"\bTerminating timed out worker\b",
    r"\bworker=\d+ PID:\d+ timeout \(\d+s > \d+s\), killing",
    r"\bexecution timed out \([\d.]+ sec\), terminating",
    r"\bworker process \d+ exited on signal (?:6|9)\b",
]


# A process supervisor that stopped restarting its program: it stays down until someone starts it (supervisord's
# `gave up: NAME entered FATAL state, too many start retries too quickly` and its spawn errors (`spawnerr: can't find
# command '…'`, `… is not executable`, `unknown error making dispatchers for '…'`, `Too many processes in process
# table to spawn '…'`, `unknown error during fork for '…'`: the message after its `spawnerr: ` tag), pm2's
# `Script … had too many unstable restarts (16). Stopped.`, Upstart's `init: NAME respawning too fast, stopped`,
# systemd's `Start request repeated too quickly.` and `Failed with result 'start-limit-hit'.`), all of which the
# supervisor logs at INFO or without a level (`levels.PLATFORM_FAILURE_PATTERN`)
_SUPERVISOR_GAVE_UP = [
    r"\bgave up: \S+ entered FATAL state\b",
    r"\bcan't find command '",
    r"\bcommand at '[^'\n]+' is not executable\b",
    r"\bunknown error (?:making dispatchers|during fork) for '",
    r"\bToo many processes in process table to spawn '",
    r"\bhad too many unstable restarts\b",
    r"\brespawning too fast, stopped\b",
    r"\bStart request repeated too quickly\b",
    r"\bFailed with result 'start-limit-hit'",
]


# A log, metric or trace shipper that gave up on what it was to deliver: dropped, not retried (Fluent Bit's `chunk
# '…' cannot be retried`, Fluentd's `failed to flush the buffer, and hit limit for retries. dropping all chunks in the
# buffer queue.`, the OpenTelemetry Collector's `Exporting failed. Dropping data.` and `No more retries left`,
# Promtail's `final error sending batch`), unlike their lines of a retry still to come (`failed to flush chunk '…',
# retry in 10 seconds`, `Exporting failed. Will retry the request after interval.`)
_DATA_NOT_DELIVERED = [
    r"(?i)\b(?:cannot|can't|will not|won't) be retried\b",
    r"(?i)\bhit limit for retries\b|\bno more retries left\b",
    r"(?i)\bdropping (?:data|all chunks|chunks?|(?:the )?batch|spans|metrics|logs|log entries|points)\b",
    r"(?i)\bfinal error sending batch\b",
]


# A Docker build that failed (Cloud Build's docker step, any CI): the classic builder's and BuildKit's texts.
_DOCKER_BUILD_FAILED = [
    r"\b(?:COPY|ADD) failed: ",
    r"\bThe command '[^'\n]{1,500}' returned a non-zero code: \d",
    r"\bfailed to solve: ",
    r"\bexecutor failed running \[",
]


# A program that retried and gave up: the work is not done (Alertmanager's `notify retry canceled after 7
# attempts`, `giving up after 5 attempts`; not urllib3's `Max retries exceeded with url`, which its default of
# no retries prints on a first failure).
_RETRIES_EXHAUSTED = [
    r"(?i)\bretr(?:y|ies) (?:canceled|cancelled|exhausted|limit (?:reached|exceeded))\b",
    r"(?i)\b(?:giving|gave) up after \d+ (?:attempts|retries|tries)\b",
    r"(?i)\b(?:all|every) \d+ (?:attempts|retries) failed\b",
]


# A reverse proxy that could not get an answer from its upstream (it answers the client 502 or 504): nginx's,
# OpenResty's and Kong's `upstream timed out (110: …) while connecting to upstream`, `no live upstreams while
# connecting to upstream`, `upstream prematurely closed connection while reading response header from upstream`
# (Envoy's access log carries the status it answered: `server-errors`).
_PROXY_UPSTREAM_FAILED = [
    r"\bwhile (?:connecting to|reading response header from|sending request to) upstream\b",
]


# A proxy with no ready backend behind a service, which fails every request routed to it: ingress-nginx's
# `Service "shop/orders" does not have any active Endpoint.` (its controller's warning while the Service's pods are
# all unready or gone), Traefik's `Endpoints not available for shop/orders`, `endpoints not found for shop/orders`,
# `subset not found for shop/orders` and `Skipping service: no endpoints found` (as `linking.facts.NO_ENDPOINTS`
# reads them), Kong's `failure to get a peer from the ring-balancer`, Envoy's `no healthy upstream`
_NO_BACKEND = [
    r'\bService "[^"\s]{1,300}" does not have any active Endpoint\b',
    r"\b(?:Service endpoints not found|[Ee]ndpoints not (?:available|found)|subset not found) for [a-z0-9][a-z0-9-]{0,62}/",
    r"\bSkipping service: no endpoints found\b",
    r"\bfailure to get a peer from the ring-balancer\b",
    r"\bno healthy upstream\b",
]


# Work thrown away unprocessed: Celery's `Received unregistered task of type 'x'. The message has been ignored
# and discarded.`, a consumer that discards what it cannot handle.
_WORK_DISCARDED = [
    r"\bReceived unregistered task of type\b",
    r"(?i)\b(?:message|task|job|event)s? (?:has|have) been (?:ignored and )?(?:discarded|dropped)\b",
]


# A data store that cannot write its data to disk: Redis' snapshots (`Background saving error`, `Failed opening
# the RDB file dump.rdb … for saving`, the `MISCONF` error clients get while writes are refused) and its
# append-only file.
_PERSISTENCE_FAILING = [
    r"\bBackground saving error\b",
    r"\bFailed opening the RDB file\b",
    r"\bCan't save in background: ",
    r"\bMISCONF Redis is configured to save RDB snapshots\b",
    r"\bBackground AOF rewrite (?:terminated|error)",
    r"\bError (?:writing to|opening) the AOF file\b",
]

# A data store that stops taking writes to protect itself, whatever level it logs it at (RabbitMQ and Elasticsearch
# say it as a warning): RabbitMQ's memory or disk alarm, which blocks every publishing connection until it clears;
# Elasticsearch's flood-stage watermark, which makes the node's indices read-only; PostgreSQL's refusal of commands
# near transaction-id wraparound. Each write waits or fails until it is resolved.
_WRITES_BLOCKED = [
    r"\b(?:memory|disk) resource limit alarm set on node\b",
    r"\bPublishers will be blocked until this alarm clears\b",
    r"\bflood[ -]stage disk watermark \[[^\]\n]{1,32}\] exceeded\b",
    r"\bdatabase is not accepting commands to avoid wraparound data loss\b",
]

# Kafka's retriable metadata errors: a partition's leader moved (an election, a broker restart) and the client or the
# replica fetcher asks for fresh metadata and retries by design.
_LEADER_MOVED = [
    r"\bNotLeaderOrFollowerException\b",
    r"\bNotLeaderForPartitionException\b",
    r"\bLeaderNotAvailableException\b",
    r"\b(?:NOT_LEADER_OR_FOLLOWER|NOT_LEADER_FOR_PARTITION|LEADER_NOT_AVAILABLE)\b",
]
# A message broker's account of a client that went away without closing its connection (RabbitMQ): the client's
# network, restart or idle timeout, which the client reconnects from.
_BROKER_CLIENT_DROPPED = [
    r"\bclient unexpectedly closed TCP connection\b",
    r"\bmissed heartbeats from client, timeout: \d{1,6}s\b",
    r"\bclosing AMQP connection <[\d.<>*]{1,40}> \([^)\n]{1,200}\):\s*(?:\n[^\n]{0,200})?\{(?:inet_error|"
    r"writer,send_failed|socket_closed_unexpectedly)",
]

# Airflow's (Cloud Composer's) report that a DAG file failed to import: its DagBag's `Failed to import: PATH` with
# the traceback (through `airflow/models/dagbag.py`), the UI's and CLI's `Broken DAG: [PATH]`. The traceback runs
# through the file's `<module>`, yet no process failed to start.
_DAG_IMPORT_FAILED = [
    r"(?m)^Failed to import: \S+\.py\b",
    r"\bBroken DAG: \[",
    r'/airflow/models/dagbag\.py", line \d+, in ',
]
# An Airflow task's failure: its try's traceback runs through the task instance's `_execute_task`
_AIRFLOW_TASK_FAILED = r'/airflow/models/taskinstance\.py", line \d+, in _execute_task\b'


# A web framework's report of a request for a route or a record that does not exist, which it answers 404 and logs
# as an uncaught exception at ERROR or CRITICAL: Symfony's and Laravel's `NotFoundHttpException` (`No route found for
# "GET /wp-admin"`), Laravel's `ModelNotFoundException`, Spring's `NoResourceFoundException` and
# `NoHandlerFoundException`. Scanners and stale links make them.
_FRAMEWORK_NOT_FOUND = [
    r"\bNotFoundHttpException\b",
    r'\bNo route found for "(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) ',
    r"\bModelNotFoundException\b",
    r"\bNoResourceFoundException\b",
    r"\bNoHandlerFoundException\b",
]

# Symfony's HttpKernel's report of the exception a request ended on (`Uncaught PHP Exception TYPE: "…" at FILE line
# N`), which Monolog writes at CRITICAL for every 5xx (a 4xx's at ERROR)
_SYMFONY_UNCAUGHT = r"\bUncaught PHP Exception [A-Za-z_\\][\w\\]{0,300}: "

# A client that presented an expired token to a server that verifies it: the JWT libraries' own words (PyJWT's
# `ExpiredSignatureError: Signature has expired`, jsonwebtoken's `TokenExpiredError: jwt expired`, express-jwt's
# `UnauthorizedError: jwt expired`, jjwt's `ExpiredJwtException: JWT expired at …`, golang-jwt's `token is expired`,
# Firebase Admin's `auth/id-token-expired`); the server answers 401 and the client refreshes. Not the server's own
# credential going stale (google-auth's `RefreshError: ('invalid_grant: Token has been expired or revoked.'…)`, Go's
# `oauth2: token expired and refresh token is not set`): a call of ours then fails.
_CLIENT_TOKEN_EXPIRED = [
    r"\bExpiredSignatureError\b",
    r"\bjwt expired\b",
    r"\bExpiredJwtException\b",
    r"\btoken (?:has invalid claims: token )?is expired\b",
    r"\bauth/id-token-expired\b",
    r"\bFirebase ID token has expired\b",
]

# Cloud Run and App Engine refusing requests for want of an instance to serve them: the service is at its maximum
# number of instances (or cannot scale out fast enough).
_NO_INSTANCE = [
    r"\bThe request was aborted because there was no available instance\b",
    r"\bRequest was aborted after waiting too long to attempt to service your request\b",
]

# A payment processor's decline of a customer's card, which apps log as an error: Stripe's `CardError`
# (`Stripe::CardError`, `stripe.error.CardError`, `StripeCardError`, `com.stripe.exception.CardException`) and its
# decline codes. The customer's bank said no; nothing of ours failed.
_PAYMENT_DECLINED = [
    r"\b(?:Stripe::|stripe\.(?:_?error\.)?|Stripe)CardError\b",
    r"\bcom\.stripe\.exception\.CardException\b",
    r"\b(?:card_declined|insufficient_funds|expired_card|incorrect_cvc)\b",
    r"\bYour card (?:was declined|has insufficient funds|has expired)\b",
]

# Routes that only a health checker or probe calls: a 5xx there alone is no user request failing.
_HEALTH_ROUTES = [r"^/(?:_ah/health|healthz?|health/\w+|healthcheck|livez|readyz|liveness|readiness)/?$"]


def default_rules() -> list[PriorityRule]:
    """The built-in policy (docs/priorities.md), in order: the first rule that matches decides."""
    return [
        PriorityRule(
            name="dag-import-failed",
            priority="P1",
            reason="a DAG file cannot be imported ({event_word} {when}): the scheduler skips that DAG and its runs "
            "do not happen; the scheduler and the other DAGs keep running",
            message_patterns=_DAG_IMPORT_FAILED,
            stack_patterns=_DAG_IMPORT_FAILED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="startup-crash",
            priority="P0",
            reason="startup crash: {exception_type} at import time; {event_word}, {entries}",
            exception_types=list(STARTUP_EXCEPTION_TYPES),
            at_import_time=True,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="startup-failure",
            priority="P0",
            reason="startup failure: the program cannot load its code or entry point ({event_word}, {entries}); "
            "no instance can start",
            message_patterns=list(START_FAILURE_PATTERNS),
            # (the framework's line may open the stack its event joined: Quarkus' `Failed to start application
            # (with profile prod): org.postgresql.util.PSQLException: …`)
            stack_patterns=list(START_FAILURE_PATTERNS),
            min_severity="ERROR",
        ),
        PriorityRule(
            name="job-task-exits",
            priority="P1",
            reason="a Cloud Run job's task exits with an error: {count} exits {when}; each execution it ends fails "
            "and its work is not done (a job's exits end its runs: no service is crash-looping)",
            message_patterns=[r"Container called exit\([1-9]\d*\)", r"Container terminated on signal"],
            logs=["cloud_run_job *"],
            min_events=2,
        ),
        PriorityRule(
            name="container-exit-loop",
            priority="P0",
            reason="container exit loop: {count} container exits {when}",
            message_patterns=[
                r"Container called exit\([1-9]\d*\)",
                r"Application exec likely failed",
                r"Container terminated on signal",
            ],
            min_events=2,
            # (a platform restarts a crashing container within seconds to minutes, a crash loop back-off waits
            # 5 minutes at most: two crashes 20 minutes apart are two crashes, each restarted)
            max_event_interval_seconds=600,
        ),
        PriorityRule(
            name="container-back-off-loop",
            priority="P0",
            # the kubelet's lines are not exits: each says it holds back a restart after some (its event's
            # `count`, which a problem's events do not add up), so the reason counts them as what they are
            reason="a container crash-loops: {event_word} of the kubelet backing off restarting it after it failed "
            "{when}",
            message_patterns=[r"CrashLoopBackOff", r"Back-off restarting failed container"],
            min_events=2,
            max_event_interval_seconds=600,
        ),
        PriorityRule(
            name="container-back-off",
            priority="P1",
            reason="a container crash-loops: the kubelet backs off restarting it after repeated failures "
            "({event_word} {when}); how many replicas still serve is not in the entries",
            # one back-off line already says the container failed again and again (a Kubernetes event
            # stands for many: its `count`); fewer than the exit loop's two events, so P1, not P0
            message_patterns=[r"CrashLoopBackOff", r"Back-off restarting failed container"],
        ),
        PriorityRule(
            name="revision-not-ready",
            priority="P0",
            reason="revision not ready: the service cannot serve ({tally})",
            message_patterns=[r"Ready condition status changed to False", r"[Rr]evision .* is not ready"],
        ),
        PriorityRule(
            name="mislabelled-severity",
            priority="P3",
            reason="mislabelled: the text {text_level}; Cloud Logging's higher severity is only "
            "the stream's default ({tally})",
            below_severity="WARNING",
        ),
        PriorityRule(
            name="windows-app-crashed",
            priority="P1",
            reason="a Windows application or service crashed ({event_word}): what it ran stopped until it was "
            "restarted",
            logs=["gce_instance winevt.raw", "gce_instance windows_event_log"],
            message_patterns=_WINDOWS_CRASH,
            stack_patterns=_WINDOWS_CRASH,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="vm-agent-log",
            priority="P3",
            reason="VM agent or system event log ({logs}): the agent retries or the service restarts itself, "
            "no workload failure shown ({event_word})",
            logs=_VM_AGENT_LOGS,
            max_events=20,
        ),
        PriorityRule(
            name="quota-rejection",
            priority="P2",
            reason="{audit_status} for want of quota: the call asked for more than the project may use "
            "({event_word}); nothing was created until the quota is raised or usage freed",
            kinds=["audit"],
            audit_statuses=["INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE"],
            message_patterns=_QUOTA_EXHAUSTED,
        ),
        PriorityRule(
            name="capacity-exhausted",
            priority="P2",
            reason="out of capacity (quota, IP addresses or zone resources): the platform could not create what "
            "was asked ({event_word}); a ceiling to raise or work around, no failed request shown",
            kinds=["audit"],
            message_patterns=_CAPACITY_EXHAUSTED,
        ),
        PriorityRule(
            name="deploy-build-failed",
            priority="P2",
            reason="{audit_status}: a deployment failed because its build failed ({event_word}); the new code "
            "is not serving until the build is fixed",
            kinds=["audit"],
            message_patterns=[r"(?i)\bbuild failed\b"],
        ),
        PriorityRule(
            name="query-job-failed",
            priority="P2",
            reason="{audit_status}: a BigQuery job failed on its query's own error ({event_word}): what it "
            "writes is stale until the query is fixed, no request failed",
            kinds=["audit"],
            message_patterns=_QUERY_JOB,
        ),
        PriorityRule(
            name="benign-audit-lookup",
            priority="P3",
            reason="{audit_status}: the API refused the call (something that does not exist, a bad argument or "
            "an unmet precondition); nothing changed ({event_word})",
            kinds=["audit"],
            audit_statuses=[
                "NOT_FOUND",
                "ALREADY_EXISTS",
                "INVALID_ARGUMENT",
                "FAILED_PRECONDITION",
                "OUT_OF_RANGE",
            ],
        ),
        PriorityRule(
            name="denied-as-designed",
            priority="P3",
            reason="{audit_status} for an outside caller, a person or a Google service agent: access control "
            "working as designed ({event_word})",
            kinds=["audit"],
            audit_statuses=["PERMISSION_DENIED", "UNAUTHENTICATED", "UNKNOWN"],
            principal_kinds=["anonymous", "user", "google-agent"],
        ),
        PriorityRule(
            name="perimeter-blocked",
            priority="P1",
            reason="{audit_status}: a VPC Service Controls perimeter blocks one of your service accounts "
            "({event_word} {when}): what those calls read or write is not done until the perimeter's ingress or "
            "egress rules allow it (no IAM binding fixes it)",
            kinds=["audit"],
            audit_statuses=["PERMISSION_DENIED"],
            # the policy log's denial (`VpcServiceControlAuditMetadata`), its status message naming the perimeter's
            # unique identifier
            message_patterns=[
                r"Request is prohibited by organization's policy",
                r"vpcServiceControlsUniqueIdentifier",
            ],
            principal_kinds=["service-account"],
            min_events=2,
        ),
        PriorityRule(
            name="workload-denied",
            priority="P2",
            reason="{audit_status}: one of your service accounts was denied ({event_word}); fix the binding",
            kinds=["audit"],
            audit_statuses=["PERMISSION_DENIED", "UNAUTHENTICATED"],
        ),
        PriorityRule(
            name="lifecycle-hook",
            priority="P3",
            reason="HTTP {status} on the platform's shutdown hook ({routes}): no user request failed",
            kinds=["request"],
            route_patterns=[r"^/_ah/stop$"],
        ),
        PriorityRule(
            name="ignored-destructor-exception",
            priority="P3",
            reason="exception in a destructor, ignored by the interpreter ({event_word})",
            stack_patterns=[r"(?m), in __del__\s*$", r"(?m)^Exception ignored in"],
            message_patterns=[r"^Exception ignored in"],
        ),
        PriorityRule(
            name="example-error",
            priority="P3",
            reason="a deliberate example or test error, by its text ({event_word})",
            message_patterns=[
                r"(?i)\b(?:example(?!\.(?:com|org|net)\b)|sample|dummy)\b.{0,40}\b(?:error|exception|message|event)\b",
                r"(?i)\btest (?:error|exception|message|event|alert)\b",
                r"(?i)\bthis is (?:just )?a test\b",
                # a chaos or fault-injection drill naming its failure as simulated
                r"(?i)\bsimulated (?:\w+ ){0,2}(?:error|exception|failure|fault|outage|crash|oom)\b",
            ],
            stack_patterns=_EXAMPLE_CODE,
            max_events=5,
        ),
        PriorityRule(
            name="client-missing-file",
            priority="P3",
            reason="nginx found no file (or no index) for what a client asked ({event_word}): the client got a "
            "404 or 403; noise unless your own pages link to it",
            # nginx's error log writes these at `error` for every request of a path it does not serve (a
            # scanner's `/wp-login.php`), with the request after the message
            message_patterns=[
                r'\bopen\(\) "[^"\n]{1,1000}" failed \(2: No such file or directory\)',
                r'(?m)^"[^"\n]{1,1000}" is not found \(2: No such file or directory\)',
                r'\bdirectory index of "[^"\n]{1,1000}" is forbidden\b',
            ],
        ),
        PriorityRule(
            name="security-policy-block",
            priority="P3",
            reason="HTTP {status}: the load balancer's security policy (Cloud Armor) denied or throttled these "
            "requests as configured ({event_word}); a problem only if your own clients are among them",
            kinds=["request"],
            message_patterns=[
                r"\b\w*(?:denied|throttled|banned)_by_security_policy\b",
                r"\benforcedSecurityPolicy\.outcome=(?:DENY|deny)\b",
            ],
        ),
        PriorityRule(
            name="foreign-host-header",
            priority="P3",
            reason="requests for a host name this service does not serve, refused by the framework (scanners "
            "probing by IP address or another name): {event_word}",
            message_patterns=[
                r"Invalid HTTP_HOST header: ",  # Django's DisallowedHost
                r"\bDisallowedHost\b",
                r"\bBlocked hosts?: ",  # Rails' HostAuthorization
            ],
        ),
        PriorityRule(
            name="ssh-probe",
            priority="P3",
            reason="sshd refused connections that never logged in (scanners probing an open SSH port): "
            "{event_word}; nothing of yours failed",
            message_patterns=_SSH_PROBE,
            max_events=200,
        ),
        PriorityRule(
            name="client-tls-handshake",
            priority="P3",
            reason="clients failed the TLS handshake before sending a request (scanners, probes that close the "
            "connection, old TLS stacks): {event_word} {when}; no request of yours failed, whatever level the "
            "server wrote it at",
            message_patterns=_CLIENT_TLS_HANDSHAKE,
            max_events=200,
        ),
        PriorityRule(
            name="proxy-upstream-failed",
            priority="P1",
            reason="a proxy got no answer from the service behind it, so the client got a 502 or 504 "
            "({event_word} {when}): requests through it failed",
            message_patterns=_PROXY_UPSTREAM_FAILED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="backend-unavailable",
            priority="P1",
            reason="a proxy finds no ready backend behind a service ({event_word} {when}): every request routed "
            "to it fails until its pods are ready again",
            message_patterns=_NO_BACKEND,
            min_events=2,
        ),
        PriorityRule(
            name="worker-killed",
            priority="P1",
            reason="workers killed by the platform or their server (timeouts, memory limit): {event_word}; "
            "the requests they served failed",
            message_patterns=_WORKER_KILLED,
            min_events=2,
        ),
        PriorityRule(
            name="worker-killed-once",
            priority="P2",
            reason="one worker killed by the platform or its server (a timeout, a memory limit): {event_word}; "
            "what it was doing failed, once: a ticket, unless it recurs",
            message_patterns=_WORKER_KILLED,
            max_events=1,
        ),
        PriorityRule(
            name="supervisor-gave-up",
            priority="P1",
            reason="a process supervisor cannot start its program or gave up restarting it ({event_word} {when}): "
            "the program is not running until someone fixes and starts it",
            message_patterns=_SUPERVISOR_GAVE_UP,
        ),
        PriorityRule(
            name="replication-stopped",
            priority="P1",
            reason="replication stopped: a replica no longer applies its source's changes ({event_word} {when}); "
            "its reads go stale and it is no failover target until replication is fixed and restarted",
            message_patterns=_REPLICATION_STOPPED,
            min_severity="WARNING",
        ),
        PriorityRule(
            name="data-corruption",
            priority="P1",
            reason="data on disk is damaged: the storage layer found a corrupt page, block or file system "
            "({event_word} at {max_severity} {when}); reads of it fail and more may be damaged: check and restore "
            "before it spreads",
            message_patterns=_DATA_CORRUPTION,
            min_severity="WARNING",
        ),
        PriorityRule(
            name="backup-failed",
            priority="P1",
            reason="a backup did not complete ({event_word} {when}): there is no new restore point until it runs",
            message_patterns=_BACKUP_FAILED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="dead-lettered",
            priority="P1",
            reason="messages went to a dead-letter queue after failing every attempt ({event_word} {when}): the "
            "handler fails on them, their work is not done and the queue grows until it is fixed",
            message_patterns=_DEAD_LETTERED,
            min_severity="WARNING",
            min_events=2,
        ),
        PriorityRule(
            name="webhook-rejected",
            priority="P1",
            reason="webhooks a provider sent were refused by their verification ({event_word} {when}): the events "
            "they carry (payments, subscriptions) are not recorded; check the signing secret or webhook id",
            message_patterns=_WEBHOOK_REJECTED,
            min_severity="WARNING",
            min_events=2,
        ),
        PriorityRule(
            name="transient-network-error",
            priority="P3",
            reason="a transient network error ({event_word}): a connection reset or timed out, which a retry or the "
            "next run usually gets past; watch for recurrence",
            kinds=["message"],
            message_patterns=_TRANSIENT_NETWORK,
            max_events=2,
        ),
        PriorityRule(
            name="dependency-refusing",
            priority="P1",
            reason="a dependency refuses connections: nothing listens at its address ({event_word} {when}); "
            "whatever needs it fails until it is back or the address is fixed",
            kinds=["message"],
            message_patterns=_CONNECTION_REFUSED,
            stack_patterns=_CONNECTION_REFUSED,
            min_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="cannot-listen",
            priority="P1",
            reason="a server cannot listen on its port, another process holds it ({event_word} {when}): it "
            "serves nothing until the port is free",
            message_patterns=_CANNOT_LISTEN,
            stack_patterns=_CANNOT_LISTEN,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="background-task-failing",
            priority="P1",
            reason="a background task fails each time it runs ({event_word} {when}): the work it does is not "
            "done until it is fixed",
            message_patterns=_TASK_RAISED,
            stack_patterns=_TASK_RUNNER_FRAME,
            min_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="dns-loop-probe",
            priority="P3",
            reason="CoreDNS' loop-detection probe got no answer from the upstream resolver ({event_word}): "
            "harmless while names resolve; check the upstream only if lookups fail",
            message_patterns=_DNS_LOOP_PROBE,
        ),
        PriorityRule(
            name="update-conflict",
            priority="P3",
            reason="a controller's update lost a race with another writer and is re-queued ({event_word}): "
            "Kubernetes' optimistic concurrency at work, retried by design",
            message_patterns=_UPDATE_CONFLICT,
        ),
        PriorityRule(
            name="leader-moved",
            priority="P3",
            reason="a partition's leader moved and the client asks for fresh metadata and retries "
            "({event_word} {when}): Kafka's leader election at work, retried by design",
            message_patterns=_LEADER_MOVED,
            max_events=50,
        ),
        PriorityRule(
            name="broker-client-dropped",
            priority="P3",
            reason="clients left the message broker without closing their connections ({event_word} {when}): "
            "their network, restart or idle timeout; they reconnect",
            message_patterns=_BROKER_CLIENT_DROPPED,
            max_events=50,
        ),
        PriorityRule(
            name="empty-record",
            priority="P3",
            reason="records that say a level and nothing else ({event_word}): the blank line of a report logged "
            "one record per line; read what the same stream logged beside it",
            kinds=["message"],
            message_patterns=_EMPTY_RECORD,
        ),
        PriorityRule(
            name="client-went-away",
            priority="P3",
            reason="the client closed the connection before the answer was written ({event_word}): nobody was "
            "served an error; many at once point at slow answers",
            kinds=["exception"],
            message_patterns=_CLIENT_WENT_AWAY,
        ),
        PriorityRule(
            name="database-restarting",
            priority="P3",
            reason="the database refused connections while it started, stopped or recovered ({event_word}); "
            "clients reconnect once it is up, watch for recurrence",
            message_patterns=[r"\bthe database system is (?:starting up|shutting down|in recovery mode)\b"],
            max_events=2,
        ),
        PriorityRule(
            name="data-loss",
            priority="P0",
            reason="data loss: the program says data was lost or dropped ({event_word} at {max_severity} {when})",
            message_patterns=_DATA_LOSS,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="operator-interrupt",
            priority="P3",
            reason="a program stopped by its operator ({event_word} {when}): an interrupt (Ctrl-C, SIGINT) ended it, "
            "whatever level it logged that at; nothing failed",
            # Python's KeyboardInterrupt, raised by SIGINT, as the message's exception or the traceback's last line
            # (not one the traceback handled before another exception ended it); after `data-loss` and before
            # `critical-severity`; not a full disk beside it, nor a user agent (`cancelled by user agent timeout`)
            message_patterns=_unless_disk_full(
                r"\bKeyboardInterrupt\b",
                r"(?i:\b(?:interrupted|aborted|cancell?ed|stopped) by (?:the )?(?:user|operator)\b(?! agent))",
            ),
            stack_patterns=[r"(?:\A|\n)KeyboardInterrupt\s*\Z"],
        ),
        PriorityRule(
            name="build-step-failed",
            priority="P1",
            reason="a build failed ({event_word} {when}): what it builds is not produced or deployed until fixed",
            message_patterns=[
                r'\bbuild step \d+ "[^"\n]{1,300}" failed: ',  # Cloud Build
                r"\bBuild step failure: ",
                *_DOCKER_BUILD_FAILED,
            ],
        ),
        PriorityRule(
            name="rails-not-found",
            priority="P3",
            reason="HTTP 404: Rails answered a request for a route or a record that does not exist ({event_word}), "
            "as scanners and stale links make; it logs that at FATAL, which says nothing of its impact",
            message_patterns=[_RAILS_NOT_FOUND],
            stack_patterns=[_RAILS_NOT_FOUND],
        ),
        PriorityRule(
            name="framework-not-found",
            priority="P3",
            reason="HTTP 404: the framework answered a request for a route or a record that does not exist "
            "({event_word}), as scanners and stale links make; it logs that as an uncaught exception, which says "
            "nothing of its impact",
            message_patterns=_FRAMEWORK_NOT_FOUND,
            stack_patterns=_FRAMEWORK_NOT_FOUND,
        ),
        PriorityRule(
            name="payment-declined",
            priority="P3",
            reason="a payment processor declined customers' cards ({event_word}): their banks said no, nothing of "
            "ours failed; logged at {max_severity} all the same",
            message_patterns=_PAYMENT_DECLINED,
            stack_patterns=_PAYMENT_DECLINED,
        ),
        PriorityRule(
            name="client-token-expired",
            priority="P3",
            reason="clients presented expired tokens ({event_word} {when}): a server answers such a token 401 and "
            "the client refreshes it; an expected client error, logged at {max_severity} all the same",
            message_patterns=_CLIENT_TOKEN_EXPIRED,
            stack_patterns=_CLIENT_TOKEN_EXPIRED,
        ),
        PriorityRule(
            name="rails-request-exception",
            priority="P1",
            reason="requests failed on an exception Rails did not handle, answered 500 ({event_word} {when}); "
            "Rails logs every such request at FATAL, one route's failure rather than the application's",
            message_patterns=[_RAILS_REQUEST_EXCEPTION],
            stack_patterns=[_RAILS_REQUEST_EXCEPTION],
        ),
        PriorityRule(
            name="symfony-request-exception",
            priority="P1",
            reason="requests failed on an exception Symfony did not handle, answered 500 ({event_word} {when}); "
            "Symfony logs every such request at CRITICAL, one route's failure rather than the application's",
            message_patterns=[_SYMFONY_UNCAUGHT],
            stack_patterns=[_SYMFONY_UNCAUGHT],
        ),
        PriorityRule(
            name="critical-severity",
            priority="P0",
            reason="severity {max_severity}: {at_max_severity}",
            min_severity="CRITICAL",
        ),
        PriorityRule(
            name="dominant-error",
            priority="P0",
            reason="dominant error: {share} of all events scanned are this problem",
            min_severity="ERROR",
            min_share=0.5,
            min_events=3,
        ),
        PriorityRule(
            name="background-delivery-5xx",
            priority="P2",
            reason="HTTP {status} on a push handler ({event_word}): Pub/Sub or Cloud Tasks retries the delivery",
            kinds=["request"],
            min_http_status=500,
            route_patterns=[r"^/_ah/push-handlers/"],
            max_events=2,
        ),
        PriorityRule(
            name="health-check-5xx",
            priority="P2",
            reason="HTTP {status} on a health-check route ({routes}): {requests} failed {when}; not a user's "
            "request, but the backend may be taken out of rotation",
            kinds=["request"],
            min_http_status=500,
            route_patterns=_HEALTH_ROUTES,
        ),
        PriorityRule(
            name="delivered-5xx",
            priority="P2",
            reason="HTTP {status} to what a Google service delivered (Pub/Sub push, Eventarc, Cloud Tasks), "
            "{event_word}: the delivery is retried",
            kinds=["request"],
            min_http_status=500,
            principal_kinds=["google-delivery"],
            max_events=2,
        ),
        PriorityRule(
            name="instances-at-ceiling",
            priority="P2",
            reason="requests refused for want of an instance ({event_word} {when}): the service is at its maximum "
            "number of instances; a capacity ceiling, raise it or make requests cheaper",
            message_patterns=_NO_INSTANCE,
            max_events=10,
        ),
        PriorityRule(
            name="scheduled-job-failing",
            priority="P1",
            reason="a scheduled job fails: {event_word} {when}",
            message_patterns=[r"(?m)^Cloud Scheduler job \S+ attempt finished: (?!OK\b)"],
            min_severity="ERROR",
        ),
        PriorityRule(
            name="queued-task-failing",
            priority="P1",
            reason="a queued task keeps failing: {event_word} {when}; Cloud Tasks retries it, and the work it "
            "carries is not done",
            message_patterns=[r"(?m)^Cloud Tasks queue \S+ task attempt finished: (?!OK\b)"],
            min_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="server-errors",
            priority="P1",
            reason="HTTP {status} responses: {requests} failed {when}",
            kinds=["request", "message"],
            min_http_status=500,
        ),
        PriorityRule(
            name="request-uncaught-exception",
            priority="P1",
            reason="requests failed on an exception no handler caught, answered 500 by the framework: "
            "{event_word} {when}",
            message_patterns=_REQUEST_UNCAUGHT,
            # (the framework's line may open the stack its event joined: Play's `! @… - Internal server error`)
            stack_patterns=_REQUEST_UNCAUGHT,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="process-panicked",
            priority="P1",
            reason="the process died of a panic nothing recovered ({event_word} {when}): what it served or ran "
            "stopped, and restarts until the panic is fixed",
            message_patterns=_PROCESS_PANIC[1:],
            stack_patterns=_PROCESS_PANIC,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="pipeline-job-failed",
            priority="P1",
            reason="a data pipeline's job or task failed: {event_word} {when}; the data it builds is not produced",
            message_patterns=[
                r"(?m)^Workflow failed\. Causes: ",  # Dataflow's job message
                r"\bTemplate launch failed\b",  # Dataflow Flex Templates
                # Apache Beam's Python SDK, where the pipeline was launched (a Composer task, a job)
                r"\bDataflow pipeline failed\. State: FAILED\b",
                # Airflow (Cloud Composer), when its retries are spent, and its task runner's report
                r"\bMarking task as FAILED\b",
                r"\bFailed to execute job \S+ for task \S",
                r"(?m)^Task failed with exception$",  # each try's report, with the exception under it
                # Cloud Run jobs: `Execution nightly-x7k2p has failed to complete, 0/1 tasks were a success.`
                r"\bExecution \S+ has failed to complete\b",
                # Spark (Dataproc): `Task 3 in stage 1.0 failed 4 times; aborting job`, and the driver's exception
                r"\bTask \S+ in stage \S+ failed \d+ times; aborting job\b",
                r"\bJob aborted due to stage failure: ",
                # YARN (Dataproc's ResourceManager): an application's attempts are spent (`Application
                # application_1770700000000_0031 failed 2 times due to AM Container for … exitCode: 13`)
                r"\bApplication application_\d+_\d+ failed \d+ times\b",
                # dbt (`dbt run`, `dbt build`): a model, test or snapshot that failed (`Database Error in model
                # orders_daily (models/marts/orders_daily.sql)`); the run goes on to its end, then exits 1
                r"(?m)^\s*(?:Database|Compilation|Runtime) Error in (?:model|test|snapshot|seed|unit_test) \S",
                # Prefect: a flow or task run's end (`Flow run 'crimson-otter' - Finished in state Failed('…')`)
                r"\bFinished in state (?:Failed|Crashed|TimedOut)\(",
                # Dagster: `RUN_FAILURE - Execution of run for "daily_orders" failed.`, and a step's
                r'\bExecution of (?:run for|step) "[^"\n]{1,200}" failed\b',
            ],
            stack_patterns=[_AIRFLOW_TASK_FAILED],
            min_severity="ERROR",
        ),
        PriorityRule(
            name="workflow-execution-failed",
            priority="P1",
            reason="a Cloud Workflows execution failed: {event_word} {when}; the steps after the failing one did "
            "not run",
            logs=["workflows.googleapis.com/Workflow workflows.googleapis.com/executions_system"],
            min_severity="ERROR",
        ),
        PriorityRule(
            name="pods-cannot-start",
            priority="P1",
            reason="pods cannot start (scheduling, image pull, volumes or configuration): {event_word} {when}; "
            "the workload runs short of replicas",
            message_patterns=_POD_START_FAILURES,
            min_events=3,
        ),
        PriorityRule(
            name="pod-start-failure",
            priority="P2",
            reason="a pod could not start (scheduling, image pull, volumes or configuration): {event_word}; "
            "check the image, its volumes and the nodes' capacity",
            message_patterns=_POD_START_FAILURES,
        ),
        PriorityRule(
            name="kubernetes-job-failed",
            priority="P1",
            reason="a Kubernetes Job failed: its retries are spent or its deadline passed ({event_word} {when}); "
            "the work it does is not done",
            message_patterns=_KUBERNETES_JOB_FAILED,
        ),
        PriorityRule(
            name="certificate-expired",
            priority="P1",
            reason="a certificate has expired or expires within a week ({event_word}): connections that use it "
            "fail, or will, until it is renewed",
            message_patterns=_CERTIFICATE_EXPIRED,
        ),
        PriorityRule(
            name="certificate-renewal-failing",
            priority="P1",
            reason="certificate renewal keeps failing ({event_word} {when}): the certificate expires unless fixed",
            message_patterns=_CERTIFICATE_RENEWAL_FAILED,
            min_events=2,
        ),
        PriorityRule(
            name="certificate-expiring-later",
            priority="P3",
            reason="a certificate expires in more than 30 days ({event_word}): automated renewal (ACME, managed "
            "certificates) starts 30 days before expiry, so nothing has failed yet; note the date",
            message_patterns=_CERTIFICATE_EXPIRING_LATER,
        ),
        PriorityRule(
            name="certificate-expiring",
            priority="P2",
            reason="a certificate expires in more than a week ({event_word}): renew it before it does",
            message_patterns=_CERTIFICATE_EXPIRING,
        ),
        PriorityRule(
            name="writes-blocked",
            priority="P1",
            reason="a data store stopped taking writes to protect itself ({event_word} {when}): every publisher "
            "or writer waits or fails until memory or disk is freed",
            message_patterns=_WRITES_BLOCKED,
        ),
        PriorityRule(
            name="disk-full",
            priority="P1",
            reason="disk full: writes fail ({event_word} at {max_severity} {when})",
            # at any level: a program that can go on without the write (PostgreSQL's statistics file, a cache)
            # says so at WARNING, yet the disk is as full for the writes that cannot
            message_patterns=_DISK_FULL,
        ),
        PriorityRule(
            name="disk-nearly-full",
            priority="P2",
            reason="a disk or volume is nearly full ({event_word}): free or grow it before writes fail",
            message_patterns=_DISK_NEARLY_FULL,
        ),
        PriorityRule(
            name="nearly-at-limit",
            priority="P2",
            reason="a quota, a limit or a node's memory or disk is nearly used up ({event_word} {when}): what needs "
            "more fails once it is; raise it or use less",
            message_patterns=_NEARLY_AT_LIMIT,
        ),
        PriorityRule(
            name="safety-control-off",
            priority="P1",
            reason="a security control is off: requests pass without the check it makes ({event_word} {when})",
            message_patterns=_SAFETY_CONTROL_OFF,
        ),
        PriorityRule(
            name="insecure-default-secret",
            priority="P1",
            reason="a secret is a known default ({event_word} {when}): whatever it signs or protects (sessions, "
            "tokens, passwords) can be forged or guessed until it is set; not a warning the code handles",
            message_patterns=_INSECURE_DEFAULT_SECRET,
        ),
        PriorityRule(
            name="retries-exhausted",
            priority="P1",
            reason="the work failed for good: every retry failed and the program gave up ({event_word} {when}); "
            "what it was doing is not done",
            message_patterns=_RETRIES_EXHAUSTED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="work-discarded",
            priority="P1",
            reason="messages or tasks are thrown away unprocessed ({event_word} {when}): the work they carry is "
            "never done",
            message_patterns=_WORK_DISCARDED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="persistence-failing",
            priority="P1",
            reason="a data store cannot save its data to disk ({event_word} {when}): what it holds is not "
            "persisted, and Redis by default refuses writes while its snapshots fail",
            message_patterns=_PERSISTENCE_FAILING,
        ),
        PriorityRule(
            name="batch-job-crashing",
            priority="P1",
            reason="a Cloud Run job's task dies on an uncaught exception ({event_word} {when}): each execution "
            "that hits it fails, and the work the job does is not done until it is fixed",
            kinds=["exception"],
            stack_patterns=_UNCAUGHT_AT_TOP,
            logs=["cloud_run_job *"],
            min_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="batch-job-error-exit",
            priority="P1",
            reason="a Cloud Run job's program ends on the error its main returned ({event_word} {when}): each "
            "execution that hits it fails, and the work the job does is not done until it is fixed",
            # Rust's report of the error `main` returned (anyhow, eyre): `Error: …`, then its causes
            # (color-eyre: the causes numbered right under it, `   0: …`)
            message_patterns=[
                r"(?m)^Error: [^\n]{1,2000}\n(?:[ \t]*\n)?Caused by:$",
                r"(?m)^Error: [^\n]{1,2000}\n {2,8}0: \S",
            ],
            logs=["cloud_run_job *"],
            min_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="process-died-uncaught",
            priority="P1",
            reason="the process died of an exception nothing caught ({event_word} {when}): what it served or ran "
            "stopped, and restarts until the exception is handled",
            stack_patterns=_NODE_PROCESS_DIED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="transaction-conflict",
            priority="P2",
            reason="the database aborted a transaction to settle a conflict with a concurrent one ({event_word} "
            "{when}): the client may retry it; a lock order or hot row to fix, no outage shown",
            message_patterns=_TRANSACTION_CONFLICT,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="data-not-delivered",
            priority="P1",
            reason="a program gave up delivering data ({event_word} {when}): it says what it carried was dropped "
            "or will not be retried, so those logs, metrics or messages are lost",
            # before the rules of GKE's own components, which retry what they report (fluentbit-gke, the metrics agent)
            message_patterns=_DATA_NOT_DELIVERED,
        ),
        PriorityRule(
            name="gke-system-component",
            priority="P3",
            reason="a component GKE runs and manages in the cluster ({services}) reports an error it retries "
            "({event_word}); no crash, no start failure and no workload failure shown",
            service_patterns=_GKE_SYSTEM_NAMESPACES,
            max_events=20,
        ),
        PriorityRule(
            name="gke-node-component",
            priority="P3",
            reason="a GKE node's own agent ({logs}) reports an error it retries ({event_word}); GKE manages and "
            "repairs its nodes; no crash, no start failure and no workload failure shown",
            logs=_GKE_NODE_AGENT_LOGS,
            max_events=20,
        ),
        PriorityRule(
            name="work-canceled",
            priority="P3",
            reason="work canceled by whoever started it ({event_word} {when}): a caller that hung up or a "
            "shutdown, not a timeout; nothing failed on its own",
            # after `data-loss` (`dropped 812 events: context canceled` is data loss) and the rules of GKE's own
            # components (konnectivity-agent's `could not read stream` … `context canceled`)
            message_patterns=_WORK_CANCELED,
            # a deploy's drained connections, not a thousand: beyond that something cancels work on its own
            max_events=200,
        ),
        PriorityRule(
            name="exception-refused-connection",
            priority="P1",
            reason="a dependency refuses connections: nothing listens at its address ({event_word} {when}); "
            "whatever needs it fails until it is back or the address is fixed",
            kinds=["exception"],
            message_patterns=_CONNECTION_REFUSED,
            min_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="items-skipped",
            priority="P2",
            reason="the program skipped items it could not process and went on ({event_word} {when}): those items "
            "are missing from what it produced, the rest was processed; fix the data or the parser",
            message_patterns=_ITEMS_SKIPPED,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="api-quota-exceeded",
            priority="P2",
            reason="a Google API refused calls over the project's quota or rate limit ({event_word} {when}): a "
            "ceiling, the work is late or retried; raise the quota or spread the calls",
            # the API's words (`Quota exceeded for quota metric 'Write requests' and limit …`, BigQuery's
            # `Exceeded rate limits: too many table update operations`, `rateLimitExceeded`); more than 10 events:
            # `sustained-errors`, as for instances at their ceiling
            message_patterns=_API_QUOTA_EXCEEDED,
            max_events=10,
        ),
        PriorityRule(
            name="error-retried",
            priority="P2",
            reason="errors the program retries itself ({event_word} {when}, each with the attempt or delay of its "
            "next try): no retry is seen failing; a give-up would be its own problem",
            message_patterns=[_RETRY_SCHEDULED],
            min_severity="ERROR",
            # more: a retry that keeps coming back for long is a dependency down (`sustained-errors`), as for quotas
            max_events=10,
        ),
        PriorityRule(
            name="sustained-errors",
            priority="P1",
            reason="sustained errors: {event_word} at {max_severity} over {span}",
            min_severity="ERROR",
            min_events=3,
        ),
        PriorityRule(
            name="isolated-error",
            priority="P2",
            reason="isolated error: {event_word} at {max_severity}",
            min_severity="ERROR",
        ),
        PriorityRule(
            name="pool-at-capacity",
            priority="P2",
            reason="a server's pool of workers or connections is at its configured ceiling ({event_word} {when}): "
            "requests queue or are refused under load; raise the setting or add capacity",
            message_patterns=_POOL_AT_CAPACITY,
        ),
        PriorityRule(
            name="liveness-probe-restarting",
            priority="P1",
            reason="a liveness probe keeps failing ({event_word} {when}): the kubelet restarted the container and it "
            "fails again, like a crash loop",
            # the kubelet's own words when it restarts a container, more than once
            message_patterns=[r"\bfailed liveness probe, will be restarted\b"],
            min_events=2,
        ),
        PriorityRule(
            name="liveness-probe-failing-past-restart",
            priority="P1",
            reason="a liveness probe keeps failing ({event_word} {when}): more failures of one container than the "
            "kubelet's default threshold (3) before a restart, so it fails again after being restarted, like a "
            "crash loop",
            # three failures are one restart (`probe-failing`, as one worker killed is `worker-killed-once`); four
            # across pods are not one pod failing again
            message_patterns=[r"\bLiveness probe failed\b"],
            min_events_per_instance=4,
        ),
        PriorityRule(
            name="readiness-probe-blip",
            priority="P3",
            reason="a pod's readiness probe failed {event_word} {when}: Kubernetes keeps a pod that is not ready out of "
            "rotation and restarts nothing, as while a pod starts; a symptom only if it goes on",
            message_patterns=[r"\bReadiness probe failed\b"],
            max_events=2,
        ),
        PriorityRule(
            name="probe-failing",
            priority="P2",
            reason="a Kubernetes probe fails ({event_word} {when}): the pod is taken out of rotation or restarted; "
            "a symptom, as urgent as the failure behind it",
            message_patterns=[r"\b(?:Liveness|Readiness|Startup) probe failed\b"],
        ),
        PriorityRule(
            name="pod-evicted",
            priority="P2",
            reason="a pod was evicted for want of a node resource ({event_word}): it is rescheduled, but what it "
            "ran stopped; check its requests and the node's disk or memory",
            message_patterns=[r"\bThe node was low on resource: "],
        ),
        PriorityRule(
            name="deprecation-due-soon",
            priority="P1",
            reason="deprecation warning: a dependency or API this code uses goes away on {due}, within 30 days of "
            "the last entry ({event_word}); what calls it fails from then unless it is migrated before",
            message_patterns=_DEPRECATION,
            due_within_days=30,
        ),
        PriorityRule(
            name="deprecation-due-later",
            priority="P3",
            reason="deprecation warning: a dependency or API goes away on {due}, more than six months after the "
            "last entry ({event_word}); plan the migration, nothing breaks before",
            message_patterns=_DEPRECATION,
            due_after_days=183,
        ),
        PriorityRule(
            name="deprecation",
            priority="P2",
            reason="deprecation warning: a dependency or API is slated for removal ({event_word})",
            message_patterns=_DEPRECATION,
        ),
        PriorityRule(
            name="quota-retry",
            priority="P2",
            reason="a quota is exhausted and the calls wait and retry ({tally}): a capacity ceiling, the work "
            "is slowed or delayed until the quota is raised or usage falls",
            message_patterns=[r"(?i)\bquota\b[^\n]{0,200}?\bretr(?:y|ying)\b"],
            below_severity="ERROR",
        ),
        PriorityRule(
            name="background-job-raised",
            priority="P2",
            reason="a background job raised an exception and its queue retries it ({event_word} {when}): those jobs' "
            "work waits, and is lost once their retries run out",
            # Sidekiq logs a job's exception at WARN: its context, then the exception and its backtrace
            stack_patterns=[r'"context":"Job raised exception"'],
            below_severity="ERROR",
        ),
        PriorityRule(
            name="handled-warning",
            priority="P3",
            reason="a warning the code handles: it falls back, uses defaults or succeeded on retry ({tally})",
            message_patterns=[
                r"(?i)\bfall(?:ing|s)? back (?:to|on)\b",
                r"(?i)\busing (?:the )?defaults?\b",
                r"(?i)\b(?:succeeded|recovered) (?:after|on) (?:the )?(?:\d+ )?(?:retr|attempt)",
                r"(?i)\bretr(?:y|ying|ied)\b[^\n]{0,200}?[;,] (?:and |then )?(?:it )?succeeded\b",
                _RETRY_SCHEDULED,
            ],
            below_severity="ERROR",
        ),
        PriorityRule(
            name="slow-requests-logged",
            priority="P2",
            reason="requests ran past the server's slow-request threshold ({event_word} {when}): users waited, "
            "and the slow log says where",
            # PHP-FPM's `child 41, script '…' (request: "POST /index.php") executing too slow (5.3 sec), logging`
            message_patterns=[r"\bexecuting too slow \(\d{1,6}(?:\.\d{1,6})? sec\)"],
            below_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="slow-queries-serving",
            priority="P2",
            reason="a serving service logged slow queries or requests ({event_word} {when}): its users waited, the "
            "requests did not fail; find the query or call and speed it up",
            # the application's own report (`slow query took 4.8s: SELECT …`, `slow request: GET /x 5120ms`) from a
            # service that answers requests; a batch job's slow query keeps nobody waiting (`low-impact-warning`)
            message_patterns=[r"(?i)\bslow (?:quer(?:y|ies)|sql|statement|request)s?\b"],
            logs=["cloud_run_revision *", "gae_app *", "k8s_container *"],
            below_severity="ERROR",
            min_events=2,
        ),
        PriorityRule(
            name="user-impact-warning",
            priority="P2",
            reason="warning with user impact (timeouts, failed connections or configuration drift): {tally}",
            message_patterns=[
                r"(?i)time(d)?[ -]?out",
                r"(?i)deadline exceeded",
                r"(?i)connection (refused|reset|closed|failed)",
                r"(?i)retry(ing)?",
                r"(?i)unavailable",
                r"(?i)mismatch",
                r"(?i)drift",
                # a circuit breaker that opened: calls to a dependency fail fast (resilience4j's `changed state
                # from CLOSED to OPEN`, gobreaker's `from closed to open`, Polly's `Breaking the circuit`)
                r"(?i)\bfrom (?:CLOSED|HALF_OPEN|half-open) to OPEN\b",
                r"(?i)\bcircuit(?:[ -]?breaker)? (?:\S+ )?(?:is )?(?:now )?open(?:ed)?\b",
                r"(?i)\bbreaking the circuit\b",
            ],
        ),
        PriorityRule(
            name="delivery-refused",
            priority="P1",
            reason="HTTP {status}: this service refused what a Google service delivered to it (Pub/Sub push, "
            "Eventarc, Cloud Tasks, Cloud Scheduler): {requests} rejected; the work is retried and never done "
            "until the invoker permission or the endpoint is fixed",
            kinds=["request"],
            min_http_status=400,
            max_http_status=499,
            principal_kinds=["google-delivery"],
        ),
        PriorityRule(
            name="not-found",
            priority="P3",
            reason="HTTP 404 responses: {requests} asked for something that does not exist (stale links, unknown "
            "ids, scanners); expected unless a route you serve went missing",
            kinds=["request"],
            min_http_status=404,
            max_http_status=404,
        ),
        PriorityRule(
            name="client-errors",
            priority="P2",
            reason="HTTP {status} responses: {requests} rejected",
            kinds=["request"],
            min_http_status=400,
        ),
        PriorityRule(
            name="low-impact-warning",
            priority="P3",
            reason="low-impact warning: {tally}, no error severity and no user-facing failure",
        ),
    ]


_CONDITIONS = (
    "kinds",
    "exception_types",
    "message_patterns",
    "stack_patterns",
    "route_patterns",
    "service_patterns",
    "min_severity",
    "below_severity",
    "min_count",
    "min_events",
    "max_events",
    "max_event_interval_seconds",
    "min_share",
    "min_http_status",
    "max_http_status",
    "min_buckets",
    "at_import_time",
    "audit_statuses",
    "principal_kinds",
    "logs",
    "due_within_days",
    "due_after_days",
)


def check_placeholders(template: str, allowed: tuple[str, ...]) -> None:
    """`template` fills only `allowed` names, each written plainly as `{name}`.

    KeyError names an unknown placeholder; ValueError says what else is wrong: a positional `{0}`, an
    attribute or index (`{name.attr}`, `{name[0]}`), a conversion or a format spec (`{name!r}`,
    `{name:>9999999999}`, which would render as no log text ever does, or exhaust memory), a lone brace.
    """
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        if not name.isidentifier():
            raise ValueError(f"placeholder {{{field}}} is not a name")
        if name not in allowed:
            raise KeyError(name)
        if field != name or spec or conversion:
            raise ValueError(f"write a placeholder as {{{name}}}, without an attribute, index, ! or :")


def _check_rule(rule: PriorityRule) -> PriorityRule:
    """A rule of yours needs a condition (one without would match, and decide, every problem) and a reason
    that uses only the placeholders the prioritizer fills."""
    if not any(getattr(rule, name) not in (None, []) for name in _CONDITIONS):
        raise ValueError(
            f"rule {rule.name!r} has no condition, so it would decide every problem; give one of "
            f'{", ".join(_CONDITIONS)} (min_severity = "DEFAULT" matches every problem on purpose)'
        )
    for key in ("message_patterns", "stack_patterns", "route_patterns", "service_patterns"):
        for pattern in getattr(rule, key):
            try:
                re2_compiled(pattern)
            except ValueError as problem:
                raise ValueError(
                    f"rule {rule.name!r}: {key} {pattern!r} is not RE2 syntax ({problem}); your rules' patterns "
                    "run on RE2, linear in time whatever the text: no lookaround, backreferences or huge repeats"
                ) from None
    try:
        check_placeholders(rule.reason, REASON_PLACEHOLDERS)
    except KeyError as exc:
        raise ValueError(
            f"rule {rule.name!r}: unknown placeholder {{{exc.args[0]}}} in reason; use "
            + ", ".join(f"{{{name}}}" for name in REASON_PLACEHOLDERS)
        ) from None
    except (IndexError, ValueError) as exc:
        raise ValueError(f"rule {rule.name!r}: reason is not a valid template: {exc}") from None
    return rule


class PrioritiesConfig(_Section):
    rules: list[Annotated[PriorityRule, AfterValidator(_check_rule)]] = Field(
        default_factory=empty_list,
        description="Your rules. When one matches, it decides (it can lower a priority, too); a rule named like "
        "a default rule replaces that default (e.g. to change a threshold).",
    )
    use_default_rules: bool = True

    def rule_tiers(self) -> list[list[PriorityRule]]:
        """Rules in tiers: the first tier with a matching rule decides. Yours first, then the defaults."""
        mine = {rule.name for rule in self.rules}
        defaults = (
            [rule for rule in default_rules() if rule.name not in mine] if self.use_default_rules else []
        )
        return [list(self.rules), defaults]


class IssuesConfig(_Section):
    threshold: PriorityName = Field(default="P2", description="Draft or publish clusters at or above this.")
    title_template: str = "GCP-{category} | {priority} | {name}"
    generated_by_label: Annotated[str, AfterValidator(_named_label)] = "log-gardener"
    type_label: Label = Field(default="bug", description="The type label ('' for none).")
    areas: dict[str, Label] = Field(
        default_factory=dict, description="Area label by service name or path prefix (first match wins)."
    )
    business_justification: dict[str, str] = Field(
        default_factory=dict, description="Business-justification text by service name ('*' for any)."
    )
    reopen_regressions: bool = True
    active_dev_services: list[str] = Field(
        default_factory=empty_list,
        description="Services under active development: their issues get category active-dev.",
    )
    comment_window_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 366,
        description="Runs within one window (UTC) update one comment instead of adding more.",
    )
    related_window_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Occurrences on one instance within this many seconds are evidence of cause and effect.",
    )
    per_incident: bool = Field(
        default=True,
        description="One issue per incident root, listing its effects; false: one issue per problem.",
    )
    seconds_between_writes: float = Field(
        default=1.0,
        ge=0,
        le=60,  # a wait PyGithub sleeps before each write: past this, a run of issues outlasts the hourly job
        description="Pause between GitHub writes (GitHub asks for 1s against secondary limits).",
    )
    max_rate_limit_wait: float = Field(
        default=300.0,
        ge=0,
        le=86_400,  # a day: a wait is a timeout of the platform's clock, which refuses one of years
        description="Longest wait for a GitHub rate-limit reset before giving up the run.",
    )

    @field_validator("title_template")
    @classmethod
    def _check_title(cls, template: str) -> str:
        if not template.strip():
            raise ValueError("is empty: GitHub refuses an issue without a title; use {name} at least")
        try:
            check_placeholders(template, ("category", "priority", "name"))
        except KeyError as exc:
            raise ValueError(
                f"unknown placeholder {{{exc.args[0]}}}; use only {{category}}, {{priority}} and {{name}}"
            ) from None
        except ValueError as exc:
            raise ValueError(f"{exc}; use only {{category}}, {{priority}} and {{name}}") from None
        return template


class StateConfig(_Section):
    resolved_after_runs: int = Field(
        default=3, ge=1, description="Runs without a cluster before it is resolved."
    )
    regressed_after_quiet_runs: int = Field(
        default=3, ge=1, description="Runs of silence after which a returning cluster counts as regressed."
    )
    forget_after_days: float = Field(
        default=30,
        gt=0,
        le=36_500,  # a century: further back than any datetime arithmetic of a scan can reach
        description="Forget a fingerprint not seen for this many days (keeps the state file small).",
    )
    max_resolved_listed: int = Field(
        default=50, ge=1, description="Most resolved problems listed in one run (the rest in later runs)."
    )
    lock_timeout_seconds: float = Field(
        default=60,
        ge=0,
        le=86_400,
        description="How long a run waits for another run holding the same state file before giving up.",
    )


class LogAnalyticsConfig(_Section):
    """`gardener scan` through Log Analytics (BigQuery) instead of entries.list."""

    dataset: Annotated[str | None, AfterValidator(_dataset)] = Field(
        default=None,
        description="The linked dataset, PROJECT.DATASET: live scans (without --from or --demo) read it.",
    )
    view: Annotated[str, AfterValidator(_view)] = Field(
        default="_AllLogs", description="The log view to query."
    )
    maximum_bytes_billed: int = Field(
        default=10 * 1000**3, ge=1, description="Cost guard: a query that would bill more fails."
    )
    max_rows: int = Field(default=1_000_000, ge=1, description="Rows of pre-groups read at most.")
    max_query_seconds: float = Field(
        default=MAX_QUERY_SECONDS,
        gt=0,
        le=6 * 3600,  # BigQuery's own limit on a query job
        description="How long the query job may run (or wait for slots) before it is cancelled (exit code 5).",
    )


class RetriesConfig(_Section):
    """How long a live scan waits on Cloud Logging or BigQuery before it gives up (exit code 5)."""

    deadline_seconds: float = Field(
        default=RETRY_DEADLINE_SECONDS,
        gt=0,
        le=3600,
        description="A request that keeps failing or gets no answer is given up this many seconds after its "
        "first attempt, all attempts and the waits between them included.",
    )
    request_timeout_seconds: float = Field(
        default=REQUEST_TIMEOUT_SECONDS,
        gt=0,
        le=600,
        description="How long one attempt waits for the server to answer (or to send more of its answer) "
        "before it is retried.",
    )


class GardenerConfig(_Section):
    """All of log gardener's settings. Every key is optional."""

    project: Annotated[str | None, AfterValidator(_project)] = None
    min_severity: SeverityName = "WARNING"
    entries: EntriesConfig = EntriesConfig()
    redaction: RedactionConfig = RedactionConfig()
    clustering: ClusteringConfig = ClusteringConfig()
    priorities: PrioritiesConfig = PrioritiesConfig()
    issues: IssuesConfig = IssuesConfig()
    state: StateConfig = StateConfig()
    log_analytics: LogAnalyticsConfig = LogAnalyticsConfig()
    retries: RetriesConfig = RetriesConfig()


_TYPE_ERRORS = frozenset({"bool_type", "int_type", "float_type", "string_type"})


def _describe(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden" and key.split(".")[0] == "tool":
        return (
            f"{origin}: unknown key '{key}': a [tool.gardener] table is read from pyproject.toml only; in this "
            "file put its keys at the top level"
        )
    if first["type"] == "extra_forbidden":
        hint = _known_key_like([str(part) for part in first["loc"] if not isinstance(part, int)])
        return f"{origin}: unknown key '{key}'{hint}; see the README's Configuration section for the keys"
    if first["type"] == "model_type":  # a section given a value: its message would name a class of ours
        names = [str(part) for part in first["loc"] if not isinstance(part, int)] or ["tool", "gardener"]
        table = (
            f"[[{'.'.join(names)}]]"
            if first["loc"] and isinstance(first["loc"][-1], int)
            else f"[{'.'.join(names)}]"
        )
        where = f"key '{key}': " if first["loc"] else ""
        return (
            f"{origin}: {where}got {type(first['input']).__name__} {first['input']!r} where a table of keys goes: "
            f"write {table} with its keys under it"
        )
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] in _TYPE_ERRORS:
        message = f"{message}, got {type(first['input']).__name__} {first['input']!r}"
    return f"{origin}: key '{key}': {message}"


def _section_model(annotation: object) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _known_key_like(path: list[str]) -> str:
    """For an unknown key: the known key of its table it most looks like (a typo: `[isues]`,
    `deadline_secs`; the unit left out: `lock_timeout`), or, for one written outside its table, where a key of
    that name is (`threshold` is `issues.threshold`, `[issues] lock_timeout_seconds` is
    `state.lock_timeout_seconds`, `[state] min_severity` is top-level); empty when none is close."""
    model: type[BaseModel] = GardenerConfig
    for part in path[:-1]:
        field = model.model_fields.get(part)
        inner = _section_model(field.annotation) if field is not None else None
        if inner is None:
            return ""
        model = inner
    name = path[-1]
    known = list(model.model_fields)
    longer = [key for key in known if key.startswith(name + "_")]  # its unit left out: `lock_timeout`
    close = longer if len(longer) == 1 else difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    if close:
        return f" (did you mean '{'.'.join([*path[:-1], close[0]])}'?)"
    for where in _key_paths(GardenerConfig, []):  # written in another table: `[issues] lock_timeout_seconds`
        if where[-1] == name and where != path:
            if len(where) == 1:
                return f" (it belongs at the top level, before any table: {name})"
            table = ".".join(where[:-1])
            return f" (it belongs in the [{table}] table: {table}.{name})"
    return ""


def _key_paths(model: type[BaseModel], prefix: list[str]) -> list[list[str]]:
    """Every key of `model` and of its tables, as paths, the shallower first."""
    paths = [[*prefix, name] for name in model.model_fields]
    for name, field in model.model_fields.items():
        inner = _section_model(field.annotation)
        if inner is not None:
            paths += _key_paths(inner, [*prefix, name])
    return paths


def parse_config(data: dict[str, Any], origin: str) -> GardenerConfig:
    try:
        return GardenerConfig.model_validate(data)
    except ValidationError as exc:
        raise GardenerError(_describe(exc, origin), ExitCode.BAD_CONFIG) from None


def load_config(path: Path | None = None, search_dir: Path | None = None) -> GardenerConfig:
    """Load the configuration from `path`, or find `gardener.toml` / pyproject's `[tool.gardener]`."""
    if path is not None:
        return _load_file(path, explicit=True)
    directory = search_dir or working_directory()
    if directory is None:  # deleted: it holds no file
        return GardenerConfig()
    candidate = directory / "gardener.toml"
    pyproject = directory / "pyproject.toml"
    try:
        # whatever has that name is the configuration: a directory, a symbolic link to nothing (its target moved, a
        # loop), a named pipe (read as --config reads one) or a socket is said, not skipped
        own = candidate.exists() or candidate.is_symlink()
        in_pyproject = not own and (pyproject.is_file() or pyproject.is_symlink())
    except PermissionError:  # a directory whose mode lets this user list nothing in it
        raise GardenerError(
            f"cannot look for gardener.toml in the current directory {directory}: permission denied; "
            "cd to a directory you can read, or give --config",
            ExitCode.BAD_INPUT,
        ) from None
    if own:
        return _load_file(candidate)
    if in_pyproject:
        return _load_file(pyproject)
    return GardenerConfig()


def working_directory() -> Path | None:
    """The current directory, or None when it was deleted (a shell left in a directory removed since: every
    relative path in it is gone)."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        return None


def ignored_pyproject(search_dir: Path | None = None) -> Path | None:
    """pyproject.toml beside a gardener.toml, when it has a [tool.gardener] table: gardener.toml wins whole
    (the two are never merged), so that table is ignored and the user is told."""
    directory = search_dir or working_directory()
    if directory is None:
        return None
    pyproject = directory / "pyproject.toml"
    try:
        if not (directory / "gardener.toml").exists() or not pyproject.is_file():
            return None
    except PermissionError:
        return None
    try:
        tool = tomllib.loads(pyproject.read_text(encoding="utf-8-sig")).get("tool")
    except (OSError, ValueError, RecursionError):  # not ours to judge: it is not read
        return None
    return pyproject if isinstance(tool, dict) and "gardener" in tool else None


_TOML_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*"""
_TOML_KEY_LINE = compile_regex(rf"^\s*(?:(?P<key>{_TOML_KEY})\s*=|\[\[?\s*(?P<table>{_TOML_KEY})\s*\]\]?)")
_TOML_POSITION = compile_regex(r"\(at line (\d+), column \d+\)$")


def _in_multiline_string(lines: list[str]) -> list[bool]:
    """For each line, whether it starts inside a multi-line string (three quotes, double or single): its text is no
    key and no table (a `[fake]` line inside such a string names no table)."""
    inside: list[bool] = []
    closing = ""
    for line in lines:
        inside.append(bool(closing))
        index = 0
        while index < len(line):
            if closing:
                if line.startswith(closing, index) and (closing == "'''" or line[index - 1 : index] != "\\"):
                    index += 3
                    closing = ""
                    continue
                index += 1
                continue
            character = line[index]
            if character == "#":
                break
            if line.startswith(('"""', "'''"), index):
                closing = line[index : index + 3]
                index += 3
            elif character in "\"'":
                end = line.find(character, index + 1)
                while character == '"' and end > 0 and line[end - 1] == "\\":
                    end = line.find(character, end + 1)
                index = len(line) if end < 0 else end + 1
            else:
                index += 1
    return inside


def _with_toml_key(reason: str, text: str) -> str:
    """tomllib's reason, which gives a line and column but not the key (`Cannot overwrite a value (at line 4,
    column 17)`), with the key or table that line sets and the table it is in; for a key set twice (or as a
    value and as a table), what to do."""
    position = _TOML_POSITION.search(reason)
    lines = text.split("\n")
    number = int(position.group(1)) if position else 0
    found = _TOML_KEY_LINE.match(lines[number - 1]) if 0 < number <= len(lines) else None
    if found is None:
        return reason
    if found.group("table") is not None:
        named = f"the table [{found.group('table')}]"
    else:
        inside = _in_multiline_string(lines[: number - 1])
        tables = (
            _TOML_KEY_LINE.match(line)
            for line, quoted in zip(reversed(lines[: number - 1]), reversed(inside), strict=True)
            if not quoted
        )
        table = next((match.group("table") for match in tables if match and match.group("table")), None)
        named = f"`{found.group('key')}`" + (f" in [{table}]" if table else "")
    if reason.startswith("Cannot overwrite a value"):
        return f"{reason}: {named} is given twice, or as a value and as a table; keep one"
    return f"{reason}, at {named}"


def _load_file(path: Path, explicit: bool = False) -> GardenerConfig:
    try:
        raw = files.read_unless_silent_pipe(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise GardenerError(
                f"config file {path} is a symbolic link to {os.readlink(path)}, which does not exist: "
                "fix the link or remove it",
                ExitCode.BAD_CONFIG,
            ) from None
        raise GardenerError(f"config file {path} does not exist", ExitCode.BAD_CONFIG) from None
    except IsADirectoryError:
        raise GardenerError(
            f"config file {path} is a directory: give the TOML file (e.g. {path / 'gardener.toml'})",
            ExitCode.BAD_CONFIG,
        ) from None
    except OSError as exc:
        raise GardenerError(
            f"cannot read config file {path}: {exc.strerror or exc}", ExitCode.BAD_CONFIG
        ) from None
    if raw is None:
        raise GardenerError(
            f"config file {path} is {files.silent_pipe()}: give the TOML file",
            ExitCode.BAD_CONFIG,
        )
    try:  # a BOM, as Windows editors save; line breaks of any system, as text mode reads them
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise GardenerError(
            f"config file {path} is not UTF-8 text: save it as UTF-8 TOML", ExitCode.BAD_CONFIG
        ) from None
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError; an integer past 4,300 digits; deep nesting
        reason = (
            decode_reason(exc)
            if not isinstance(exc, RecursionError)
            else "arrays or tables nested too deeply"
        )
        if raw.lstrip().startswith((b"{", b"[{")):
            reason = f"{reason}; it looks like JSON, and the configuration is TOML (see the README's Configuration)"
        else:
            reason = _with_toml_key(reason, text)
        raise GardenerError(f"{path} is not valid TOML: {reason}", ExitCode.BAD_CONFIG) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("gardener") if isinstance(tool, dict) else None
        if section is None and explicit:
            raise GardenerError(
                f"--config {path} has no [tool.gardener] table: add one with the keys, or give the file that "
                "holds them",
                ExitCode.BAD_CONFIG,
            )
        if section is None:
            return GardenerConfig()
        return parse_config(section, f"{path} [tool.gardener]")
    return parse_config(data, str(path))
