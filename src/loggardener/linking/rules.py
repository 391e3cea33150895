"""Evidence-based links between problems: which one causes which, and why, in words.

Four kinds of evidence, each read from facts collected while clustering (`facts.py`):

- **trace**: the problems' events share request traces (a 5xx request log and the exception logged inside
  that request); at least `TRACE_MIN_SHARE` of the effect's traced events (both ways for the same role).
  The one naming the other's service is the effect, whatever the roles; else, of the same role, the one most
  traces log first is the cause, but of two requests the one that started first (the caller) is the effect.
  As for instances, a warning is not the cause of what a failure in the same traces explains.
- **instance**: most of the effect's events (`INSTANCE_MIN_SHARE`) have one of the cause's on the same
  instance within seconds (a crash, then the container exit; an exception, then the 5xx response). Only
  problems of different roles: two warnings that fire together on an instance are not cause and effect. A
  warning is a cause only when no failure (an error at ERROR or above) comes as near: a warning every start
  logs is the crash's companion, not its cause.
  A request counts from its timestamp (its start) to its end (plus its latency): a 503 that waited four
  minutes on a container that never started is near the startup probe failure at its end. Two errors qualify
  when one is a pod's database or mesh proxy (`cloud-sql-proxy`, `istio-proxy`): it causes the application's
  (a mesh proxy's warning too, when most of its occurrences come with that error). And a proxy's error saying its
  call to the application on its own instance was cut off (nginx in front of gunicorn) follows the application's
  failure there (`_local_upstream_links`).
- **revision**: in one deployed revision, the revision's failure ladder: startup crash (`is_startup_crash`) → container exit →
  startup probe failed → `Ready` condition false → 5xx responses. Each rung found in the revision (holding
  most of its events in that service: a platform line logged alike by several services is on each one's
  ladder) is caused by the nearest lower rung found there; requests count at their end.
- **service**: a service that deploys no revisions (a Kubernetes workload, the load balancer backend GKE made
  for it): the same failure ladder, exit → probe failed → 5xx, within the service, each rung caused by the
  nearest lower one that fails at the same time (within `SERVICE_SLACK`). A GKE backend's generated name is
  read as its Kubernetes service (`entries.resources.gke_backend`), so the load balancer's 502s meet the
  liveness failures of the pods behind it. A pod the kubelet evicted for node pressure counts as an exit, and
  so does a container it restarts (`Back-off restarting failed container`, `CrashLoopBackOff`, `OOMKilled`):
  the effect of the error its pod logged up to the back-off's five minutes before (`_restart_links`), or of
  its node's own failure there (an OOM kill, an eviction threshold: `_node_links`). A managed service failing a
  whole batch job (Dataflow's `Workflow failed.`) follows the job's own errors before it (`_job_links`).
- **upstream**: a problem of another service whose text names a failing route (`/api/orders/{id}`), or names
  the service (as a word, or as the host of its Cloud Run URL, `orders-api-5otr7xq3za-uc.a.run.app`) and the
  status it returned (`Upstream orders-api returned 503`; a 429 the service shed the call with counts too:
  `Client error '429 Too Many Requests' for url ...`, and a 401 or 403 it refused the call with; an attempt
  record's `httpRequest` status counts as named: a Cloud Scheduler attempt's; a number counting things, `wrote 500 orders`, is no
  status; a timeout, `ReadTimeout`, stands for it with the route or the Cloud Run URL), in the same minutes. Or an application's error
  that quotes `QUOTE_MIN_WORDS` consecutive words a managed service's failure always logs (a database's own
  log, `the database system is starting up`; an API's audit entry, `Quota exceeded: …`), in the same minutes;
  a value the failure names may stand between the quoted words (`column books.<*> does not exist`).
  Or a caller naming another service as the host it called (a Kubernetes DNS name, also of the Service named after
  the `app` label of the workload's pods, a StatefulSet pod's own name, an
  address the service's failed probes name, an ingress-nginx upstream block, an App Engine appspot host of its
  project, a Cloud Run URL of its own host), the call cut off or timed out (`_host_links`); a
  client whose connection to a managed database failed while the database's own log says it is down
  (`_outage_links`); a workload's name lookup the cluster's DNS server, failing then, did not answer
  (`_cluster_dns_links`). "The same minutes" are the minutes both occurred in (`_same_minutes`).

Which side is the cause follows the problem's role (`role`): an exception or error message, then a process
exit, a failed probe, a revision not ready, an HTTP 5xx response (or a function's failed invocation, `finished
with status: 'crash'`), each the effect of the ones before it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from loggardener.clustering.models import Cluster
from loggardener.entries.levels import STARTUP_EXCEPTION_TYPES, start_failure
from loggardener.entries.models import Severity
from loggardener.entries.payloads import pod_workload
from loggardener.linking.facts import (
    CUT_OFF,
    DATABASE_RESOURCES,
    FAILED_STATUS_WORD,
    MENTION_CHARS,
    POOL_DOWN,
    POOL_EMPTY,
    RESTART_WINDOW_SECONDS,
    TIMED_OUT,
    ResolvedFacts,
    RevisionKey,
    Span,
    names_failure,
    no_endpoint_service,
)
from loggardener.linking.models import Link, LinkKind
from loggardener.regexes import compile_regex
from loggardener.rendering.markdown_safety import inline_code

TRACE_MIN_SHARE = 0.25
INSTANCE_MIN_SHARE = 0.5
INSTANCE_MIN_CAUSE_SHARE = 0.1
"""A cause must come with the effect at least this often: a background error logged all the time on every
instance is near every 5xx, but it is not their cause."""
REVISION_SLACK = timedelta(minutes=2)
"""An effect in a revision may be logged this long before its cause."""
SERVICE_SLACK = timedelta(minutes=2)
"""Rungs of a service without revisions are linked when they fail at the same time, give or take this."""
UPSTREAM_SLACK = timedelta(minutes=5)
"""A downstream problem counts while its upstream fails, or up to this long before or after."""

K8S_JOB_FAILED = r"Job has reached the specified backoff limit|Job was active longer than specified deadline"
"""The Kubernetes Job controller's record of failing a Job (events `BackoffLimitExceeded`, `DeadlineExceeded`) after
its pods failed."""
# Roles, in causal order: a role's problems may cause those of higher roles. NONE: never linked.
NONE, ERROR, EXIT, PROBE, NOT_READY, SERVER_ERROR = range(-1, 5)
ROLE_NAMES = ("error", "process exit", "failed probe", "revision not ready", "HTTP 5xx")
_EXIT = compile_regex(
    r"Container called exit\(|Worker failed to boot|Worker exiting|Memory limit of .* exceeded|"
    # App Engine's instance shut down for its memory (`Exceeded hard memory limit of 384 MiB with 401 MiB …`)
    r"Exceeded (?:soft|hard) (?:private )?memory limit|using too much memory and was terminated|"
    r"Could not load the function|"
    r"container (?:exited|terminated)|instance was terminated|The node was low on resource: |"
    r"Back-off restarting failed container|CrashLoopBackOff|OOMKilled|Container terminated on signal|"
    r"runnable \d+ (?:failed with exit code|exited with (?:status|code)) [1-9]|"
    # systemd's unit whose process ended (`search.service: Main process exited, code=killed, status=9/KILL`),
    # Vertex AI's training replica (`The replica workerpool0-0 exited with a non-zero status of 1.`)
    r"\.service: (?:Main process exited, code=|Failed with result ')|"
    # Windows' Service Control Manager (events 7031, 7034: `The Billing service terminated unexpectedly.  It has
    # done this 2 time(s).`), not for Google's own agents, whose errors as they stop are no cause
    r"\bThe (?!Google )[^\n]{1,200}? service terminated unexpectedly\b|"
    r"\bThe replica \S+ exited with a non-zero status\b|"
    # Dataflow failing the whole job (`Workflow failed. Causes: … a work item has failed 4 times.`), a Kubernetes
    # Job controller failing its Job (`BackoffLimitExceeded`, `DeadlineExceeded`)
    r"\bWorkflow failed\. Causes: |" + K8S_JOB_FAILED,
    re.IGNORECASE,
)
_PROBE = compile_regex(r"\bprobe failed\b", re.IGNORECASE)
_INVOCATION_FAILED = compile_regex(
    r"finished with status(?: code)?:? ?'?(?:timeout|crash|error|connection error|5\d\d)\b", re.IGNORECASE
)
"""Cloud Functions' last line of a failed invocation (`Function execution took 14811 ms, finished with status:
'crash'`): the call's outcome, after whatever failed in it, as a 5xx response is."""
_NOT_READY = compile_regex(
    r"Ready condition status changed to False|failed to start and listen on the port|revision is not ready",
    re.IGNORECASE,
)
REFUSED_STATUSES = frozenset({"401", "403", "429"})
"""4xx statuses a server fails its callers with: it refused them (unauthenticated, forbidden: a `run.invoker`
binding removed) or shed them (too many requests)."""
TIMEOUT = "timeout"
"""What a caller's error that timed out on an upstream (`ReadTimeout: … /stock/TX-331`) names instead of a status."""
_COUNTED = compile_regex(
    r" (?!(?:errors|responses|codes|statuses|status|across|always|this|thus|unless)(?![\w-]))"
    r"[a-z][a-z_-]{2,40}s(?![\w-])"
)
"""What follows a number that counts things rather than being a status: a plural noun of four letters or
more (`wrote 500 orders`, `503 rows`), not the failures themselves (`500 errors`) nor a word like `this`."""
_PARAMETER = compile_regex(r"\{[^/{}]*\}")
_WORD = compile_regex(r"\w+")
QUOTE_MIN_WORDS = 5
"""Consecutive words of a managed service's failure an application's error must hold to quote it."""
CODE_RESOURCES = frozenset(
    {
        "cloud_run_revision",
        "cloud_run_job",
        "cloud_function",
        "gae_app",
        "k8s_container",
        "container",
        "gce_instance",
        "cloud_composer_environment",
        "dataflow_step",
        "cloud_dataproc_cluster",
        "batch.googleapis.com/Job",
        "ml_job",
        "aiplatform.googleapis.com/CustomJob",
        "workflows.googleapis.com/Workflow",
    }
)
"""Resource types whose logs come from the user's code: the side that calls a managed service and quotes it."""
CLOUD_RUN_URLS = frozenset({"cloud_run_revision", "cloud_function"})
"""Resource types of services a Cloud Run URL (`…run.app`) may call: Cloud Run's, and Cloud Functions' (gen2
functions are Cloud Run services)."""
_AUDIT_LOG = "cloudaudit.googleapis.com/"


def _q(text: str) -> str:
    """Log text quoted in a story: an inline code span nothing inside can close."""
    return inline_code(text, 160)


def role(cluster: Cluster) -> int:
    """The problem's place in a failure: error, process exit, failed probe, not ready, or 5xx response.

    A request answered without a 5xx has none: it is the effect of nothing and causes nothing.
    """
    if cluster.kind == "request":
        return SERVER_ERROR if any(s.startswith("5") for s in cluster.http_statuses) else NONE
    return _text_role(cluster.kind == "exception", cluster.title, cluster.message)


@functools.lru_cache(maxsize=4096)
def _text_role(exception: bool, title: str, message: str) -> int:
    """The role a problem's text gives it (`role`), read once per text: linking asks a problem's role for each
    problem it may be paired with (373 times for the demo's 17 problems, whose texts run to thousands of
    characters), and `_EXIT`'s alternatives, read without case, are tried at every position. Keyed by the
    problem's own strings (whose hashes they keep), not by a copy of them joined."""
    text = f"{title}\n{message}"
    if not exception and _INVOCATION_FAILED.search(text):
        return SERVER_ERROR
    if _NOT_READY.search(text):
        return NOT_READY
    if _PROBE.search(text):
        return PROBE
    if not exception and _EXIT.search(text):
        return EXIT
    return ERROR


def is_startup_crash(cluster: Cluster) -> bool:
    """An exception raised while the code was imported, or a program that cannot load its code or entry point
    in any language (`start_failure`): the revision cannot start."""
    short = (cluster.exception_type or "").rsplit(".", 1)[-1]
    if cluster.kind == "exception" and (
        short in STARTUP_EXCEPTION_TYPES or any(f.function == "<module>" for f in cluster.affected_files)
    ):
        return True
    return role(cluster) == ERROR and start_failure(f"{cluster.title}\n{cluster.message}")


def _role_name(cluster: Cluster, rung: int) -> str:
    return "failed invocation" if rung == SERVER_ERROR and cluster.kind != "request" else ROLE_NAMES[rung]


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


@dataclass
class _Pending:
    kinds: list[LinkKind] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


class _Links:
    """Links found so far, one per ordered pair; a pair already linked the other way keeps that direction."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], _Pending] = {}

    def add(self, cause: str, effect: str, kind: LinkKind, evidence: str) -> None:
        if cause == effect or (effect, cause) in self.pending:
            return
        pending = self.pending.setdefault((cause, effect), _Pending())
        if kind not in pending.kinds:
            pending.kinds.append(kind)
            pending.evidence.append(evidence)

    def links(self) -> list[Link]:
        return [
            Link(cause=cause, effect=effect, kinds=p.kinds, evidence=p.evidence)
            for (cause, effect), p in sorted(self.pending.items())
        ]


_STOPPED = compile_regex(
    r"\b(?:received|receiving|got|caught|handling|on|after) (?:a |the )?(?:signal )?"
    r"(?:SIGTERM|SIGINT|SIGQUIT|termination signal|terminate signal)\b|"
    r"\bSIGTERM (?:received|caught)\b|\bsignal: terminated\b|\bexit(?:ing|ed)? on signal (?:15|SIGTERM)\b",
    re.IGNORECASE,
)
"""An error that says its process was told to stop (`job 8812 aborted: received SIGTERM while resizing …`, Go's
`signal: terminated`, `Caught SIGTERM, shutting down`): the kubelet or the platform stopping the container sent the
signal, so the error is what the stop left in the work it cut short, not its cause."""


_KILLING_EXIT = compile_regex(
    r"Memory limit of .* exceeded|Exceeded (?:soft|hard) (?:private )?memory limit|"
    r"using too much memory and was terminated|OOMKilled|Container terminated on signal|"
    r"The node was low on resource: |code=killed",
    re.IGNORECASE,
)
"""An exit that kills a process from outside: a platform's memory limit (Cloud Run's `Memory limit of 512 MiB
exceeded with 531 MiB used`, App Engine's), `OOMKilled`, a container terminated on a signal, an eviction."""


def _stopped_by(error: Cluster, exit_: Cluster) -> bool:
    """`error` says its process was told to stop (`_STOPPED`) and `exit_` is a container's stop or eviction; or
    `error` says a process was killed (`_KILLED`: gunicorn's `Worker (pid:40) was sent SIGKILL! Perhaps out of
    memory?`) and `exit_` is a kill (`_KILLING_EXIT`)."""
    if role(error) != ERROR or role(exit_) != EXIT:
        return False
    said = _head(error)
    if _STOPPED.search(said) is not None:
        return True
    return _KILLED.search(said) is not None and _KILLING_EXIT.search(_head(exit_)) is not None


def _ordered(first: Cluster, second: Cluster) -> tuple[Cluster, Cluster] | None:
    """(cause, effect) by role, except that an exit is the cause of the error saying the process was told to stop
    (`_stopped_by`); for equal roles, the earlier is the cause (None if they started together)."""
    for stop, stopped in ((first, second), (second, first)):
        if _stopped_by(stopped, stop):
            return stop, stopped
    if role(first) != role(second):
        return (first, second) if role(first) < role(second) else (second, first)
    if first.first_seen == second.first_seen:
        return None
    return (first, second) if first.first_seen < second.first_seen else (second, first)


def _names_other(cause: Cluster, effect: Cluster) -> bool:
    """`effect`'s text names a service of `cause` and `cause`'s names none of `effect`'s: a caller names what
    it calls (`upstream quotes-vm failed`), whatever the two hosts' clocks say."""

    def names(cluster: Cluster, services: Iterable[str]) -> bool:
        text = f"{cluster.title}\n{cluster.message}"
        return any(
            len(name) >= 3 and names_service(name, text) for s in services if (name := s.rpartition("/")[2])
        )

    if set(cause.services) & set(effect.services):
        return False
    return names(effect, cause.services) and not names(cause, effect.services)


_Calls = dict[str, set[str]]
"""For each service, the services it calls directly or through others, as the traces show (`_trace_calls`)."""


def _trace_calls(clusters: dict[str, Cluster], facts: ResolvedFacts) -> _Calls:
    """Which service calls which, as problems sharing traces show it: a problem that names the service of another
    in its traces (`_names_other`) is the caller's (`orders`' `ReadTimeout … host='inventory-…'`); and what a
    service calls, its callers call through it (a gateway naming only `orders` calls `inventory` as well). The
    pairs are those of `trace_shares`, so this costs what ordering them costs."""
    direct: _Calls = {}
    for first, second in facts.trace_shares:
        if first >= second or first not in clusters or second not in clusters:
            continue
        for callee, caller in ((clusters[first], clusters[second]), (clusters[second], clusters[first])):
            if _names_other(callee, caller):
                for service in caller.services:
                    direct.setdefault(service, set()).update(callee.services)
    calls: _Calls = {}
    for service in direct:
        reached: set[str] = set()
        todo = [service]
        while todo:
            for called in direct.get(todo.pop(), ()):
                if called not in reached:
                    reached.add(called)
                    todo.append(called)
        calls[service] = reached
    return calls


def _called_by(callee: Cluster, caller: Cluster, calls: _Calls) -> bool:
    """`caller`'s service calls `callee`'s, directly or through others, and not the other way round (`_Calls`)."""

    def reaches(source: Cluster, target: Cluster) -> bool:
        return any(calls.get(service, set()) & target.services.keys() for service in source.services)

    if not calls or set(callee.services) & set(caller.services):
        return False
    return reaches(caller, callee) and not reaches(callee, caller)


def _trace_ordered(
    first: Cluster, second: Cluster, facts: ResolvedFacts, calls: _Calls
) -> tuple[Cluster, Cluster] | None:
    """`_ordered`, but two problems sharing traces are ordered by what the traces show: the one whose text
    names the other's service is its effect, whatever their roles (a caller's error naming the service whose
    5xx it got), and so is one whose service calls the other's through a third (`_called_by`: a gateway's
    error is the effect of the database timeout in the service its callee calls, though the gateway, given up
    first, logged it first); else, of the same role, the one logged first in most shared traces is the cause (a
    retry's error after the first error it hides, even when that one began earlier in the window for another
    reason), but of two requests the one that started first is the caller, the effect (a load balancer's 500
    and its backend's); else the earlier."""
    for cause, effect in ((first, second), (second, first)):
        if _names_other(cause, effect):
            return cause, effect
    for cause, effect in ((first, second), (second, first)):
        if _called_by(cause, effect, calls):
            return cause, effect
    if role(first) == role(second):
        ahead = facts.trace_first.get((first.fingerprint, second.fingerprint), 0)
        behind = facts.trace_first.get((second.fingerprint, first.fingerprint), 0)
        if ahead != behind:
            # of two requests, the caller's starts first and holds the callee's: the first logged is the effect
            first_is_cause = (ahead > behind) != (first.kind == second.kind == "request")
            return (first, second) if first_is_cause else (second, first)
    return _ordered(first, second)


def _share_links(
    clusters: dict[str, Cluster],
    shares: dict[tuple[str, str], float],
    min_share: float,
    same_role: bool,
    facts: ResolvedFacts | None = None,
    calls: _Calls | None = None,
) -> Iterable[tuple[Cluster, Cluster, float]]:
    """(cause, effect, effect's share with the cause) for the pairs that qualify.

    Most of the effect's occurrences must come with the cause. Two problems of the same role (`same_role`
    allows them at all) qualify only when that holds both ways; the earlier one is the cause, or, given the
    trace `facts` and the `calls` they show, the one the traces show first (`_trace_ordered`).
    """
    seen: set[tuple[str, str]] = set()
    for first, second in sorted(shares):
        if (second, first) in seen or first not in clusters or second not in clusters:
            continue
        seen.add((first, second))
        pair = clusters[first], clusters[second]
        ordered = _ordered(*pair) if facts is None else _trace_ordered(*pair, facts, calls or {})
        if ordered is None or role(ordered[0]) == NONE:
            continue
        cause, effect = ordered
        effect_share = shares.get((effect.fingerprint, cause.fingerprint), 0.0)
        if effect_share < min_share:
            continue
        if role(cause) == role(effect) and (
            not same_role or shares.get((cause.fingerprint, effect.fingerprint), 0.0) < min_share
        ):
            continue
        yield cause, effect, effect_share


def _trace_links(clusters: dict[str, Cluster], facts: ResolvedFacts, links: _Links) -> None:
    candidates = list(
        _share_links(
            clusters,
            facts.trace_shares,
            TRACE_MIN_SHARE,
            same_role=True,
            facts=facts,
            calls=_trace_calls(clusters, facts),
        )
    )
    # A warning logged in the traces of a failure is its companion, not its cause (`_instance_links`)
    explained = {effect.fingerprint for cause, effect, _ in candidates if _is_failure(cause)}
    for cause, effect, share in candidates:
        if effect.fingerprint in explained and not _is_failure(cause):
            continue
        links.add(
            cause.fingerprint,
            effect.fingerprint,
            "trace",
            f"{share:.0%} of the traced occurrences of {_q(effect.title)} share their request trace with "
            f"{_q(cause.title)}",
        )


def _instance_links(
    clusters: dict[str, Cluster], facts: ResolvedFacts, window_seconds: float, links: _Links
) -> None:
    shares = facts.instance_shares
    candidates = [
        (cause, effect, share)
        for cause, effect, share in _share_links(clusters, shares, INSTANCE_MIN_SHARE, same_role=False)
        if shares.get((cause.fingerprint, effect.fingerprint), 0.0) >= INSTANCE_MIN_CAUSE_SHARE
    ]
    # A warning logged near a failure is its companion, not its cause, when a failure explains it as well
    explained = {effect.fingerprint for cause, effect, _ in candidates if _is_failure(cause)}
    # and so is a start-up advice when something else the process said explains it (`_is_start_advice`)
    told = {effect.fingerprint for cause, effect, _ in candidates if not _is_start_advice(cause)}
    traced = _explained_by_traces(clusters, facts)
    for cause, effect, share in candidates:
        if effect.fingerprint in explained and not _is_failure(cause):
            continue
        if effect.fingerprint in told and _is_start_advice(cause):
            continue
        if _outside_the_traces(cause, effect, traced, facts):
            continue
        links.add(
            cause.fingerprint,
            effect.fingerprint,
            "instance",
            f"{share:.0%} of the occurrences of {_q(effect.title)} come within {window_seconds:g} s of "
            f"{_q(cause.title)} on the same instance",
        )


def _explained_by_traces(clusters: dict[str, Cluster], facts: ResolvedFacts) -> set[str]:
    """The failures most of whose traced occurrences hold an error that failed them (`TRACE_MIN_SHARE` is
    enough to link; here it must be most, `INSTANCE_MIN_SHARE`): 500s whose own requests logged the
    exception."""
    return {
        effect
        for (effect, cause), share in facts.trace_shares.items()
        if share >= INSTANCE_MIN_SHARE
        and cause in clusters
        and effect in clusters
        and role(clusters[cause]) == ERROR
        and role(clusters[effect]) > ERROR
        and _is_failure(clusters[cause])
    }


def _outside_the_traces(cause: Cluster, effect: Cluster, traced: set[str], facts: ResolvedFacts) -> bool:
    """An error is not the cause, by their instance alone, of failures their own traces explain
    (`_explained_by_traces`) when it is not in those traces: a background job's error logged seconds before a
    request's 500 whose request logged its own `KeyError`. What ends or stops the instance (an exit, a failed
    probe) still fails the requests it cuts short."""
    return (
        effect.fingerprint in traced
        and role(cause) == ERROR
        and facts.trace_shares.get((effect.fingerprint, cause.fingerprint), 0.0) < TRACE_MIN_SHARE
    )


_START_ADVICE = compile_regex(
    r"\bTo fix this(?: issue)?\b|\bcannot be enforced\b|\bmust be enabled\b|\bfor this to take effect\b|"
    r"\bis set to the lower value\b|\bit is (?:strongly )?recommended\b",
    re.IGNORECASE,
)
"""A warning a program prints at each start about its host or configuration, with the fix (Redis' `Memory overcommit
must be enabled! … To fix this issue add 'vm.overcommit_memory = 1' …`, `The TCP backlog setting of 511 cannot be
enforced because /proc/sys/net/core/somaxconn is set to the lower value of 128.`, `you have Transparent Huge Pages
(THP) support enabled … To fix this issue run …`)."""


def _is_start_advice(cluster: Cluster) -> bool:
    """A warning giving start-up advice (`_START_ADVICE`): each start of a crash-looping process prints it before
    whatever ends the process, so it comes with every exit without being why; it is a cause only when nothing else
    the process said explains the exit."""
    return (
        role(cluster) == ERROR
        and not _is_failure(cluster)
        and _START_ADVICE.search(_head(cluster)) is not None
    )


_DEPENDENCY_FAILED = compile_regex(
    r"(?i)\brefused\b|\bcould not (?:connect|obtain (?:a |the )?connection|open (?:a |the )?connection|resolve)\b"
    r"|\bunable to (?:connect|reach|resolve)\b|\btimed out\b|\bunreachable\b|\bunknown host\b"
    r"|\bno route to host\b|\bauthentication failed\b|\baccess denied\b"
)
"""A warning that says a dependency failed the program: it could not connect, resolve or log in."""


def _startup_warning_links(
    clusters: dict[str, Cluster], facts: ResolvedFacts, window_seconds: float, links: _Links
) -> None:
    """A warning the program logs while it starts, the cause of the start failure that follows it on the same
    instance (Quarkus' connection pool `Datasource '<default>': Connection to db:5432 refused.`, then `Failed to
    start application`): below ERROR, saying a dependency failed (`_DEPENDENCY_FAILED`; a warning every start
    logs, `tracing disabled`, is no cause) and begun before the failure, most of its occurrences come with the
    failure and most of the failure's with it. Two problems of one role are otherwise never linked by their instance."""
    shares = facts.instance_shares
    for (first, second), share in sorted(shares.items()):
        warning, crash = clusters.get(first), clusters.get(second)
        if warning is None or crash is None or Severity[warning.max_severity] >= Severity.ERROR:
            continue
        if Severity[warning.max_severity] < Severity.WARNING or not (
            is_startup_crash(crash) or start_failure(crash.stack_pattern or "")
        ):
            continue  # (the framework's line may open the stack its event joined, as `startup-failure` reads it)
        if warning.first_seen > crash.first_seen or role(warning) != ERROR:
            continue
        if not _DEPENDENCY_FAILED.search(f"{warning.title}\n{warning.message}"):
            continue
        if share >= INSTANCE_MIN_SHARE and shares.get((second, first), 0.0) >= INSTANCE_MIN_SHARE:
            links.add(
                warning.fingerprint,
                crash.fingerprint,
                "instance",
                f"{share:.0%} of the occurrences of {_q(warning.title)} come within {window_seconds:g} s of "
                f"{_q(crash.title)} on the same instance, before the program failed to start",
            )


_PROXY = compile_regex(
    r"(?:cloud-?sql|alloydb)(?:-auth)?-proxy(?:-v2)?|istio-proxy|envoy(?:-sidecar)?|linkerd-proxy",
    re.IGNORECASE,
)
"""The sidecar container a pod's application reaches the outside through: to Cloud SQL or AlloyDB
(`cloud-sql-proxy`, `alloydb-auth-proxy`), or to every other service through a mesh (`istio-proxy`, Envoy,
`linkerd-proxy`)."""


_SQL_CONNECTOR = "Cloud SQL connection failed"
"""How Cloud Run's built-in Cloud SQL connection (the proxy it runs beside each instance) says it failed, in
the instance's system log (`Cloud SQL connection failed. Please see https://cloud.google.com/sql/docs/…`)."""
_SYSTEM_LOG = "run.googleapis.com/varlog/system"


def _is_sql_connector(cluster: Cluster) -> bool:
    """The problem is Cloud Run's Cloud SQL connection failing: its words, in instances' system logs only."""
    return (
        bool(cluster.logs)
        and all(log.endswith(_SYSTEM_LOG) for log in cluster.logs)
        and _SQL_CONNECTOR in _head(cluster)
    )


def _proxy_kind(cluster: Cluster) -> str:
    """`database` for a Cloud SQL or AlloyDB proxy, else `mesh`: told by the container's name (the last part of
    the service), not by a namespace's that happens to name a database (`mysql-ops/istio-proxy`)."""
    containers = [service.rpartition("/")[2].lower() for service in cluster.services]
    database = _is_sql_connector(cluster) or any("sql" in name or "alloydb" in name for name in containers)
    return "database" if database else "mesh"


def _is_proxy(cluster: Cluster) -> bool:
    """A proxy sidecar's problem (`_PROXY`), or Cloud Run's Cloud SQL connection failing (`_is_sql_connector`)."""
    return bool(cluster.services) and (
        all(_PROXY.fullmatch(service.rpartition("/")[2]) for service in cluster.services)
        or _is_sql_connector(cluster)
    )


def _proxy_links(
    clusters: dict[str, Cluster], facts: ResolvedFacts, window_seconds: float, links: _Links
) -> None:
    """A proxy sidecar's failure, then an error of the application beside it on the same pod within seconds:
    both errors, so their roles cannot order them, but the proxy is the application's way to its database or
    its mesh. Cloud Run's built-in Cloud SQL connection, failing in an instance's system log, is that instance's
    database proxy. A proxy's warning (Envoy logs a failed TLS handshake as one) counts when most of its own
    occurrences come with the application's error: a chatty warning does not."""
    proxies = {fingerprint for fingerprint, cluster in clusters.items() if _is_proxy(cluster)}
    shares = facts.instance_shares
    for (first, second), share in sorted(shares.items()) if proxies else ():
        app, proxy = clusters.get(first), clusters.get(second)
        if app is None or proxy is None or second not in proxies or first in proxies:
            continue
        back = shares.get((second, first), 0.0)
        if share < INSTANCE_MIN_SHARE or back < INSTANCE_MIN_CAUSE_SHARE:
            continue
        if role(app) != ERROR or role(proxy) != ERROR or not _is_failure(app):
            continue
        if not _is_failure(proxy) and back < INSTANCE_MIN_SHARE:
            continue
        links.add(
            proxy.fingerprint,
            app.fingerprint,
            "instance",
            f"{share:.0%} of the occurrences of {_q(app.title)} come within {window_seconds:g} s of "
            f"{_q(proxy.title)} of its {_proxy_kind(proxy)} proxy on the same "
            + ("instance" if _is_sql_connector(proxy) else "pod"),
        )


_LOCAL_UPSTREAM = compile_regex(
    r"\(upstream: (?:https?://)?(?:unix:|localhost(?![\w.-])|127\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])|"
    r"\[::1\]|172\.17\.0\.1(?![\d.]))"
)
"""A proxy's call to the application on its own instance, as the upstream its error names (`LogEntry.upstream`, in
a failed call's text): the loopback (a sidecar's `http://127.0.0.1:8080`), a unix socket (nginx in front of gunicorn
on a VM, `http://unix:/run/gunicorn.sock:/`), or the container host's default bridge (App Engine flexible's nginx in
front of the app's container, `http://172.17.0.1:8080`)."""


def _local_upstream_links(
    clusters: dict[str, Cluster], facts: ResolvedFacts, window_seconds: float, links: _Links
) -> None:
    """A proxy's error saying its call to the application on its own instance was cut off (`_LOCAL_UPSTREAM`:
    nginx's `upstream prematurely closed connection`, `connect() … failed (111: Connection refused)`), the effect of
    the application's failure on that instance within seconds (gunicorn's `WORKER TIMEOUT`, a crash): both errors,
    so their roles cannot order them. Most of the proxy's errors come with the application's failure, and it comes
    with them at least sometimes; a call to another host is the upstream rules'."""
    cut_off = {
        fingerprint
        for fingerprint, cluster in clusters.items()
        if role(cluster) == ERROR
        and any(
            _LOCAL_UPSTREAM.search(text) and CUT_OFF.search(text)
            for text in facts.mentions.get(fingerprint, {})
        )
    }
    shares = facts.instance_shares
    for (first, second), share in sorted(shares.items()) if cut_off else ():
        proxy, app = clusters.get(first), clusters.get(second)
        if proxy is None or app is None or first not in cut_off or second in cut_off:
            continue
        if role(app) not in (ERROR, EXIT) or not _is_failure(app):
            continue
        if share >= INSTANCE_MIN_SHARE and shares.get((second, first), 0.0) >= INSTANCE_MIN_CAUSE_SHARE:
            links.add(
                app.fingerprint,
                proxy.fingerprint,
                "instance",
                f"{share:.0%} of the occurrences of {_q(proxy.title)}, a call to the application on its own "
                f"instance cut off, come within {window_seconds:g} s of {_q(app.title)} on the same instance",
            )


_RESTARTED = compile_regex(r"Back-off restarting failed container|CrashLoopBackOff", re.IGNORECASE)
"""The kubelet restarting a container that exited: its back-off reports it up to minutes after the crash."""


_ENDED_ITSELF = compile_regex(
    r"\bShutdown broker because all log dirs in |\bExiting Kafka due to fatal exception|"
    r"\bserver process \(PID \d+\) was terminated by signal \d+|\bterminating any other active server processes|"
    r"\[Server\] Aborting\b|\bfatal error in thread \[[^\n]{1,200}?\], exiting|\*\*\*aborting after fassert\(\) failure"
)
"""A server's process ending for a failure, in the server's own words: Kafka's broker shut down when its log
directories failed (`Shutdown broker because all log dirs in /var/lib/kafka/data have failed`), PostgreSQL's
postmaster seeing a server process die (`server process (PID 71) was terminated by signal 6: Aborted`,
`terminating any other active server processes`), MySQL's `[Server] Aborting`, Elasticsearch's `fatal error in
thread [elasticsearch[es-0][write][T#3]], exiting`, MongoDB's `***aborting after fassert() failure`."""


def _ends_itself(cluster: Cluster) -> bool:
    """A Kubernetes container's server saying its process ended for a failure (`_ENDED_ITSELF`), at any level:
    PostgreSQL writes the death of a server process as a `LOG:` line."""
    return (
        any(log.startswith("k8s_container ") for log in cluster.logs)
        and _ENDED_ITSELF.search(_head(cluster)) is not None
    )


def _ended_on(error: Cluster, end: Cluster, facts: ResolvedFacts) -> bool:
    """A server that ends itself for a failure ends on it, not minutes later: the error occurred in the minute of an
    end or the minute before (`WiredTiger error … No space left on device` at 02:04:24, `***aborting after fassert()
    failure` at 02:04:31). A statement refused to one client minutes before (`duplicate key value violates unique
    constraint`) is not why the server process was killed. When either's minutes are not known (too many to keep),
    the back-off window alone decides."""
    ends, errors = facts.minutes.get(end.fingerprint), facts.minutes.get(error.fingerprint)
    if not ends or not errors:
        return True
    return any(minute in errors or minute - 1 in errors for minute in ends)


def _restart_links(clusters: dict[str, Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A container the kubelet restarts, the effect of the error its pod logged before within the back-off
    (`RESTART_WINDOW_SECONDS`): most of the restarts come after one, and most of the error's occurrences come
    with a restart, counted over the restarts of all its pods (an `OutOfMemoryError`, then `Back-off
    restarting` 30 s later); an error the pods log all the time is not the crash. So is a server's process that
    ended for a failure in its own words on the same pod (`_ends_itself`: Kafka's `Shutdown broker because all log
    dirs … have failed` after its `IOException: No space left on device`), when the error came in the minute of the
    end or the one before (`_ended_on`)."""
    shares = facts.restart_shares
    restarts: dict[str, list[tuple[Cluster, float]]] = {}
    for (first, second), share in sorted(shares.items()):
        restart, crash = clusters.get(first), clusters.get(second)
        if restart is None or crash is None or role(crash) != ERROR or not _is_failure(crash):
            continue
        if not (
            (role(restart) == EXIT and _RESTARTED.search(f"{restart.title}\n{restart.message}"))
            or (_ends_itself(restart) and not _ends_itself(crash) and _ended_on(crash, restart, facts))
        ):
            continue
        if share >= INSTANCE_MIN_SHARE and crash.first_seen <= restart.first_seen:
            restarts.setdefault(second, []).append((restart, share))
    for crash_fingerprint, found in restarts.items():
        crash = clusters[crash_fingerprint]
        if sum(shares.get((crash_fingerprint, r.fingerprint), 0.0) for r, _ in found) < INSTANCE_MIN_SHARE:
            continue
        for restart, share in found:
            within = "" if _ends_itself(restart) else " (the kubelet's back-off)"
            links.add(
                crash.fingerprint,
                restart.fingerprint,
                "instance",
                f"{share:.0%} of the occurrences of {_q(restart.title)} come within "
                f"{RESTART_WINDOW_SECONDS:g} s{within} of {_q(crash.title)} on the same pod",
            )


_NODE_LOG = "k8s_node "
"""How a Kubernetes node's own logs begin in a cluster's `logs` (its kernel's, its kubelet's events about it)."""


def _of_node(cluster: Cluster) -> bool:
    """A problem a node logs of itself (`k8s_node`): its kernel killing a process for memory, the node problem
    detector's `OOMKilling`, the kubelet's `EvictionThresholdMet` under memory or disk pressure."""
    return bool(cluster.logs) and all(log.startswith(_NODE_LOG) for log in cluster.logs)


_OUT_OF_MEMORY_KILL = compile_regex(
    r"\bKill(?:ed|ing)? process \d+|\bOOMKilling\b|\bOut of memory: Kill", re.IGNORECASE
)
"""The kernel killing a process for memory (`Memory cgroup out of memory: Killed process 48213 (celery) …`, the
node problem detector's `OOMKilling`)."""
_KILLED = compile_regex(
    r"\bSIGKILL\b|\bsignal 9\b|\bsignal: killed\b|\bexit(?:ed)?(?: with)? (?:code|status)(?: is)?:? 137\b|"
    r"\bterminated abruptly\b",
    re.IGNORECASE,
)
"""An error saying a process was killed without a chance to stop: celery's `Worker exited prematurely: signal 9
(SIGKILL)`, gunicorn's `Worker (pid:12) was sent SIGKILL!`, Go's `signal: killed`, `exit code 137`, `exited with
code 137`, `returned non-zero exit status 137`, Python's
`A process in the process pool was terminated abruptly`."""


_NODE_KILLS = compile_regex(_OUT_OF_MEMORY_KILL.pattern + r"|\bEviction|\breclaim\b", re.IGNORECASE)
"""A node's failure that ends its pods' containers: the kernel's out-of-memory kill, the kubelet evicting pods to
reclaim memory or disk (`EvictionThresholdMet: Attempting to reclaim memory`)."""


def _killed_by(error: Cluster, kill: Cluster) -> bool:
    """`error` says a process was killed (`_KILLED`), by the parent that saw its child die, and `kill` is the
    kernel killing a process for memory (`_OUT_OF_MEMORY_KILL`): the kill names the process, not the pod, so
    the error is its effect on the same node, as an exit would be."""
    return (
        role(error) == ERROR
        and _OUT_OF_MEMORY_KILL.search(_head(kill)) is not None
        and _KILLED.search(_head(error)) is not None
    )


def _node_links(clusters: dict[str, Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A pod's container the kubelet restarts or evicts (an exit) on a node, the effect of the node's own failure
    before it there within the back-off (`RESTART_WINDOW_SECONDS`): the kernel's out-of-memory kill names the
    process, not the pod, and the kubelet's eviction threshold names no pod; what ties them is the node (an
    event's kubelet host, a container's node label). Most of the exits come with the node's failure, and the
    failure comes with them at least sometimes (`INSTANCE_MIN_CAUSE_SHARE`: a warning the node logs all day is
    not the cause); a pod on another node is not touched. An error saying its process was killed counts as an
    exit after the kernel's kill (`_killed_by`: the pool's parent reporting the child the kernel killed). A node's
    error that kills nothing (the kubelet's `Image garbage collection failed once`) does not explain an exit its
    pod's own crash already explains (`_restart_links`, linked before): the container ended on its own error."""
    shares = facts.node_shares
    causes = {fingerprint for fingerprint, cluster in clusters.items() if _of_node(cluster)}
    explained = {effect for _, effect in links.pending} if causes else set()
    for (first, second), share in sorted(shares.items()) if causes else ():
        effect, cause = clusters.get(first), clusters.get(second)
        if second not in causes or effect is None or cause is None or first in causes:
            continue
        if role(effect) != EXIT and not _killed_by(effect, cause):
            continue
        if first in explained and _NODE_KILLS.search(_head(cause)) is None:
            continue
        if role(cause) not in (ERROR, EXIT) or cause.first_seen > effect.first_seen:
            continue
        if share >= INSTANCE_MIN_SHARE and shares.get((second, first), 0.0) >= INSTANCE_MIN_CAUSE_SHARE:
            links.add(
                cause.fingerprint,
                effect.fingerprint,
                "instance",
                f"{share:.0%} of the occurrences of {_q(effect.title)} come within {RESTART_WINDOW_SECONDS:g} s "
                f"of {_q(cause.title)} on the same node",
            )


_JOB_FAILED = compile_regex(r"\bWorkflow failed\. Causes: ")
"""Dataflow's record of failing a whole job, which points back at its workers' errors (`… The job failed because a
work item has failed 4 times. Look in previous log entries for the cause of each one of the 4 failures.`)."""
_K8S_JOB_FAILED = compile_regex(K8S_JOB_FAILED)
_K8S_EVENTS = ("k8s_cluster ",)
"""How the logs of a Kubernetes event about a cluster's object other than a pod or a node (a Job) begin in a
cluster's `logs`."""
JOB_LOGS = ("dataflow_step ",)
"""How the logs of a batch job run by a managed service begin in a cluster's `logs` (Dataflow's workers' and its
job messages)."""
_REPLICA_EXITED = compile_regex(r"\bThe replica \S+ exited with a non-zero status\b")
"""Vertex AI's (and AI Platform's) record of a training job's replica that ended in failure (`The replica
workerpool0-0 exited with a non-zero status of 1. Termination reason: Error.`); not one the service killed for its
memory (`… ran out-of-memory and exited with a non-zero status of 9(SIGKILL)`), which no error of its own explains."""
TRAINING_LOGS = ("ml_job ", "aiplatform.googleapis.com/CustomJob ")
"""How the logs of a Vertex AI (AI Platform) training job begin in a cluster's `logs`: its replicas' and its own."""


_JOB_ENDS = ((JOB_LOGS, _JOB_FAILED), (_K8S_EVENTS, _K8S_JOB_FAILED), (TRAINING_LOGS, _REPLICA_EXITED))
"""(the logs, the failure of a whole job in them) of each kind of job `_job_links` reads."""


def _job_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A managed service failing a whole job (`_JOB_FAILED`) is the effect of the job's own errors before it (its
    workers' exceptions, logged again as the service's `Error message from worker: …`), up to `UPSTREAM_SLACK`
    before: both are the job's, with no instance or revision to tie them. So is a Kubernetes Job its controller
    failed (`_K8S_JOB_FAILED`, an event about the Job) of the errors of the pods it made (`ResolvedFacts.pod_owners`:
    pod `nightly-export-29145600-7xk2p` of Job `batch/nightly-export-29145600`), whatever their container's name. So
    is a Vertex AI training job's replica that exited in failure (`_REPLICA_EXITED`) of the job's errors before it (a
    `torch.OutOfMemoryError: CUDA out of memory`): the service logs the exit apart from the replica's own lines."""
    failed = [
        c
        for c in clusters
        if c.logs
        and any(
            all(log.startswith(logs) for log in c.logs) and ended.search(_head(c))
            for logs, ended in _JOB_ENDS
        )
    ]
    for failure in failed:
        for cause in clusters:
            jobs = set(cause.services) | facts.pod_owners.get(cause.fingerprint, frozenset())
            if cause is failure or not jobs & set(failure.services):
                continue
            if role(cause) != ERROR or not _is_failure(cause):
                continue
            if not _ends_after(cause, failure, facts):
                continue
            links.add(
                cause.fingerprint,
                failure.fingerprint,
                "service",
                f"in job {' and '.join(_q(s) for s in sorted(jobs & set(failure.services)))}, "
                f"{_q(failure.title)} ({_hhmm(failure.first_seen)}) follows {_q(cause.title)} "
                f"({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


def _ends_after(cause: Cluster, failure: Cluster, facts: ResolvedFacts) -> bool:
    """The failure of a job occurs at most `UPSTREAM_SLACK` after the cause: in a minute that follows one the cause
    occurred in when both are known (two Jobs failed alike, days apart, are one problem), else after its first time
    and before its last time and the slack."""
    ends, errors = facts.minutes.get(failure.fingerprint), facts.minutes.get(cause.fingerprint)
    if not ends or not errors:
        return cause.first_seen <= failure.first_seen <= cause.last_seen + UPSTREAM_SLACK
    reach = int(UPSTREAM_SLACK.total_seconds() // 60)
    return any(end - step in errors for end in ends for step in range(reach + 1))


_EARLIER_FAILURE = compile_regex(
    r"See stack trace \(above\) for the root cause|\bBackground loop has (?:errored already|stopped)\b|"
    r"\bAsyncEngineDeadError\b|\bEngineDeadError\b|"
    r"\btransaction has been rolled back due to a previous exception\b|"
    r"\bPoisonError\b|\bpoisoned lock: another task failed inside\b"
)
"""An error that says an earlier failure of its own process broke what it needed, and that the cause is logged
before it: vLLM's requests once its engine died (`EngineDeadError: EngineCore encountered an issue. See stack trace
(above) for the root cause.`, `AsyncEngineDeadError: Background loop has errored already.`), SQLAlchemy's session
after a failed flush (`This Session's transaction has been rolled back due to a previous exception during flush`),
Rust's lock poisoned by a thread that panicked holding it (`PoisonError`)."""


def _earlier_failure_links(clusters: dict[str, Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """An error saying an earlier failure of its process broke it (`_EARLIER_FAILURE`), the effect of the error
    logged last before it first occurred that comes with most of its occurrences on the same instance or pod
    (`INSTANCE_MIN_SHARE`, within the instance window or a pod's `RESTART_WINDOW_SECONDS`): the failure "above" it.
    An error on another instance, one that first came after it, or one the instance logs all the time, seldom within
    the instance window of it (`INSTANCE_MIN_CAUSE_SHARE`), is not that failure."""
    effects = [
        c for c in clusters.values() if role(c) == ERROR and _EARLIER_FAILURE.search(_head(c)) is not None
    ]
    for effect in effects:
        near: list[tuple[datetime, Cluster, float]] = []
        for cause in clusters.values():
            pair, back = (effect.fingerprint, cause.fingerprint), (cause.fingerprint, effect.fingerprint)
            share = max(facts.instance_shares.get(pair, 0.0), facts.restart_shares.get(pair, 0.0))
            if (
                cause is effect
                or cause in effects
                or role(cause) != ERROR
                or not _is_failure(cause)
                or cause.first_seen > effect.first_seen
                or share < INSTANCE_MIN_SHARE
                or facts.instance_shares.get(back, 0.0) < INSTANCE_MIN_CAUSE_SHARE
            ):
                continue
            near.append((cause.first_seen, cause, share))
        if near:
            _, cause, share = max(near, key=lambda found: (found[0], found[1].fingerprint))
            links.add(
                cause.fingerprint,
                effect.fingerprint,
                "instance",
                f"{_q(effect.title)} says an earlier failure broke it, and {share:.0%} of its occurrences come on the "
                f"instance of {_q(cause.title)}, the last error before it",
            )


def _pool_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A load balancer's backend left with no server (HAProxy's `backend 'be_api' has no server available!`), the
    effect of the servers that balancer took out of that backend before it (`Server be_api/api-2 is DOWN, reason:
    Layer4 connection problem`): the same backend named by the same balancer (the service that logged both), the
    alert at most `UPSTREAM_SLACK` after a server went down (`_ends_after`). Another backend's server down, or
    another balancer's backend of the same name, is not touched, nor one that went down after the alert."""
    named = [(c, facts.pools[c.fingerprint]) for c in clusters if c.fingerprint in facts.pools]
    downs = [
        (c, {(balancer, name) for kind, balancer, name in pools if kind == POOL_DOWN}) for c, pools in named
    ]
    for empty, pools in named:
        backends = {(balancer, name) for kind, balancer, name in pools if kind == POOL_EMPTY}
        for down, taken_out in downs if backends else ():
            shared = sorted(backends & taken_out)
            if down is empty or not shared or not _ends_after(down, empty, facts):
                continue
            balancer, backend = shared[0]
            links.add(
                down.fingerprint,
                empty.fingerprint,
                "upstream",
                f"{_q(empty.title)} says backend {inline_code(backend)} of {inline_code(balancer)} had no server "
                f"left after {_q(down.title)} took its servers out",
            )


def _is_failure(cluster: Cluster) -> bool:
    """A problem that failed rather than warned: an error at ERROR or above, or a rung of a failure (that its
    text does not declare below WARNING: gunicorn's `[INFO] Worker exiting` is a worker's ordinary end)."""
    severity = Severity[cluster.max_severity]
    return severity >= Severity.ERROR or (role(cluster) != ERROR and severity >= Severity.WARNING)


def _rung(cluster: Cluster) -> int | None:
    """The cluster's rung on a revision's failure ladder, if it has one (none below WARNING, `_is_failure`)."""
    if Severity[cluster.max_severity] < Severity.WARNING:
        return None
    if is_startup_crash(cluster):
        return ERROR
    rung = role(cluster)
    return None if rung in (NONE, ERROR) else rung


def _revision_links(clusters: dict[str, Cluster], facts: ResolvedFacts, links: _Links) -> None:
    by_revision: dict[RevisionKey, dict[int, list[tuple[Cluster, Span]]]] = {}
    for fingerprint, spans in sorted(facts.cluster_revisions.items()):
        cluster = clusters.get(fingerprint)
        rung = None if cluster is None else _rung(cluster)
        if cluster is None or rung is None:
            continue
        totals: Counter[str] = Counter()
        for (service, _), span in spans.items():
            totals[service] += span.count
        for key, span in spans.items():
            if rung != ERROR and span.count * 2 < totals[key[0]]:
                continue  # a symptom belongs to the revisions holding most of it in its service
            by_revision.setdefault(key, {}).setdefault(rung, []).append((cluster, span))
    for (service, revision), rungs in sorted(by_revision.items()):
        for rung in sorted(rungs):
            lower = [r for r in rungs if r < rung]
            if not lower:
                continue
            causes = rungs[max(lower)]
            for effect, effect_span in rungs[rung]:
                for cause, cause_span in causes:
                    early = (cause_span.start - effect_span.start).total_seconds()
                    if early > REVISION_SLACK.total_seconds():
                        continue
                    order = "follows" if early <= 0 else f"is first logged {early:.0f} s before"
                    links.add(
                        cause.fingerprint,
                        effect.fingerprint,
                        "revision",
                        f"in revision {_q(revision)} of {_q(service)}, {_role_name(effect, rung)} {_q(effect.title)} "
                        f"(from {_hhmm(effect_span.start)}) {order} {_q(cause.title)} "
                        f"(from {_hhmm(cause_span.start)})",
                    )


def service_key(service: str) -> str:
    """A service compared across resource types: a Kubernetes `namespace/name` as the `namespace-name` part of
    the names GKE generates for it (`gke_backend` shows that part when it cannot split it)."""
    return service.replace("/", "-")


def _main_services(cluster: Cluster) -> set[str]:
    """The services holding most of the problem's events (a platform line logged alike by several is each one's)."""
    total = sum(cluster.services.values())
    return {service_key(s) for s, count in cluster.services.items() if count * 2 >= total}


def _service_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    by_service: dict[str, dict[int, list[Cluster]]] = {}
    for cluster in clusters:
        rung = _rung(cluster)
        if rung is None or rung == ERROR or cluster.fingerprint in facts.cluster_revisions:
            continue  # a deployed revision's ladder is the revision rule's
        for service in sorted(_main_services(cluster)):
            by_service.setdefault(service, {}).setdefault(rung, []).append(cluster)
    for _, rungs in sorted(by_service.items()):
        for rung in sorted(rungs):
            for effect in rungs[rung]:
                causes = [
                    cause
                    for lower in sorted((r for r in rungs if r < rung), reverse=True)
                    for cause in rungs[lower]
                    if cause.first_seen - SERVICE_SLACK <= effect.last_seen
                    and effect.first_seen <= cause.last_seen + SERVICE_SLACK
                ]
                nearest = max((role(cause) for cause in causes), default=None)
                for cause in causes:
                    if role(cause) != nearest:
                        continue
                    names = sorted(set(cause.services) | set(effect.services))
                    links.add(
                        cause.fingerprint,
                        effect.fingerprint,
                        "service",
                        f"in {' and '.join(_q(n) for n in names)}, {_role_name(effect, rung)} {_q(effect.title)} "
                        f"({_hhmm(effect.first_seen)}–{_hhmm(effect.last_seen)}) while {_q(cause.title)} "
                        f"fails ({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
                    )


def _unreached_server(cluster: Cluster) -> str | None:
    """What an application's error says its code could not reach, if it says so: a server of an engine whose
    connection failed (`DATASTORE_CLIENTS` beside `CONNECTION_LOST` or `DATASTORE_GONE`: psycopg2's `… port 5432
    failed: Connection refused`, ioredis' `connect ECONNREFUSED …:6379`), a host by its address whose connection
    failed (MongoDB's `MongoServerSelectionError: connect ECONNREFUSED 10.30.0.9:27017`, pgx's `dial tcp
    10.30.0.7:5432: connect: connection refused`), or a pool that waited in vain for a connection
    (`POOL_TIMED_OUT`)."""
    if (
        cluster.kind == "request"
        or role(cluster) != ERROR
        or not _runs_code(cluster)
        or not _is_failure(cluster)
    ):
        return None
    head = _head(cluster) + f"\n{cluster.stack_pattern or ''}"[:MENTION_CHARS]
    if POOL_TIMED_OUT.search(head) is not None:
        return "a connection from its pool"
    if _SERVER_GONE.search(head) is None:
        return None
    engines = [engine for engine, pattern in _ENGINE_CLIENTS if pattern.search(head)]
    if len(engines) == 1:
        return f"its {engines[0]} server"
    address = _ADDRESS.search(head)
    return None if address is None else f"the server at {inline_code(address.group(1))}"


def _projects(cluster: Cluster) -> set[str]:
    return {sample.project for sample in cluster.samples if sample.project}


def _dependency_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A service's own routes failing (5xx responses) while its code says it could not reach a server it depends
    on (`_unreached_server`) are that failure's effect: in the same service and project (and revision, when both
    were deployed), in the same minutes (`_same_minutes`), the 5xx beginning no earlier than `SERVICE_SLACK`
    before the error (responses failing long before are another failure's). Nothing else need join them: an
    error a library prints to stderr carries no trace, and a request log exported without its instance has none."""
    causes = [(cluster, said) for cluster in clusters if (said := _unreached_server(cluster)) is not None]
    for effect in clusters if causes else ():
        if not any(status.startswith("5") for status in _failed_statuses(effect)):
            continue
        services, projects = _main_services(effect), _projects(effect)
        revisions = facts.cluster_revisions.get(effect.fingerprint, {})
        for cause, said in causes:
            theirs = facts.cluster_revisions.get(cause.fingerprint, {})
            if (
                not services & _main_services(cause)
                or (projects and _projects(cause) and not projects & _projects(cause))
                or (revisions and theirs and not set(revisions) & set(theirs))
                or effect.first_seen + SERVICE_SLACK < cause.first_seen
                or not _same_minutes(cause, effect, facts)
            ):
                continue
            links.add(
                cause.fingerprint,
                effect.fingerprint,
                "service",
                f"in {' and '.join(_q(s) for s in sorted(services & _main_services(cause)))}, "
                f"{_q(effect.title)} ({_hhmm(effect.first_seen)}–{_hhmm(effect.last_seen)}) while {_q(cause.title)} "
                f"says it could not reach {said} ({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


def route_pattern(route: str) -> re.Pattern[str] | None:
    """A route as it appears in text, in a URL or alone (`{id}`: any segment); None when too generic.

    A route names something when it has a literal part of three characters or more (`/` alone does not).
    """
    if not any(len(part.strip("/")) >= 3 for part in _PARAMETER.split(route)):
        return None
    path = "[^/\\s?#\"']+".join(re.escape(part) for part in _PARAMETER.split(route))
    return re.compile(rf"{path}(?![\w/-])")


def _overlaps(span: Span, upstream: Cluster, facts: ResolvedFacts) -> bool:
    """The text's occurrences (`span`) fall while the upstream fails, give or take `UPSTREAM_SLACK`: within its
    first and last times and, when its minutes are known, near one of them (an upstream failing on two days does
    not fail in the day between)."""
    if not (
        upstream.first_seen - UPSTREAM_SLACK <= span.end and span.start <= upstream.last_seen + UPSTREAM_SLACK
    ):
        return False
    minutes = facts.minutes.get(upstream.fingerprint)
    if minutes is None:
        return True
    reach = UPSTREAM_SLACK.total_seconds()
    low, high = (span.first - reach) // 60, (span.last + reach) // 60
    return any(low <= minute <= high for minute in minutes)


def _same_minutes(first: Cluster, second: Cluster, facts: ResolvedFacts) -> bool:
    """The two problems occur within `UPSTREAM_SLACK` of each other: by the minutes each occurred in when both are
    known (a database down twice, days apart, is not down in the days between), else by their first and last
    times."""
    if not (
        first.first_seen - UPSTREAM_SLACK <= second.last_seen
        and second.first_seen <= first.last_seen + UPSTREAM_SLACK
    ):
        return False
    ours, theirs = facts.minutes.get(first.fingerprint), facts.minutes.get(second.fingerprint)
    if ours is None or theirs is None:
        return True
    if len(ours) > len(theirs):
        ours, theirs = theirs, ours
    reach = int(UPSTREAM_SLACK.total_seconds() // 60)
    return any(minute + step in theirs for minute in ours for step in range(-reach, reach + 1))


def _failed_statuses(cluster: Cluster) -> set[str]:
    """The statuses a request problem failed its callers with: a 5xx, a 429 (the server shed the call: Cloud
    Run's `no available instance`, a rate limit a retry storm ran into), or a 401 or 403 (it refused them),
    which a caller's error names as well."""
    if cluster.kind != "request":
        return set()
    return {s for s in cluster.http_statuses if s.startswith("5") or s in REFUSED_STATUSES}


UNAVAILABLE_STATUSES = frozenset({"502", "503", "504"})
"""The statuses of a server that could not answer at all: bad gateway, unavailable, gateway timeout."""
_UNAVAILABLE_WORDS = compile_regex(
    r"[Ss]ervice [Uu]navailable|SERVICE_UNAVAILABLE|Bad Gateway|Gateway Time-?out|\bUNAVAILABLE\b"
)
"""The same in words, HTTP's reason phrases and gRPC's status (written in capitals: `temporarily unavailable` is
a local resource's `EAGAIN`)."""


def _head(cluster: Cluster) -> str:
    """A problem's title and message, as far as a rule reads them (`MENTION_CHARS`)."""
    return f"{cluster.title}\n{cluster.message}"[:MENTION_CHARS]


def reports_unavailable_upstream(cluster: Cluster) -> bool:
    """The problem's text (not a request's own status) says a server it called could not answer: `HTTP 503
    error: Unable to create record: Service Unavailable`, `14 UNAVAILABLE: failed to connect`."""
    if cluster.kind == "request":
        return False
    head = _head(cluster)
    return bool(status_words(head) & UNAVAILABLE_STATUSES) or _UNAVAILABLE_WORDS.search(head) is not None


def _status_matches(text: str) -> Iterator[re.Match[str]]:
    """The failed statuses a text names, where it names them: a 5xx, 429, 401 or 403 word that does not count
    things (`wrote 500 orders`)."""
    return (m for m in FAILED_STATUS_WORD.finditer(text) if not _COUNTED.match(text, m.end()))


def status_words(text: str) -> set[str]:
    """The failed statuses a text names (`_status_matches`)."""
    return {m.group(0) for m in _status_matches(text)}


_ATTEMPT_STATUS = compile_regex(r"\battempt finished: ([A-Z_]{4,24})\b")
"""The status an attempt record (`payloads._attempt`) says its call ended with, by its RPC code's name."""
_RPC_STATUSES = {
    "INTERNAL": "500",
    "UNAVAILABLE": "503",
    "RESOURCE_EXHAUSTED": "429",
    "PERMISSION_DENIED": "403",
    "UNAUTHENTICATED": "401",
}
"""The HTTP status an RPC code stands for in the record of an HTTP call (`google.rpc.Code`'s own mapping): Cloud
Tasks' `attemptResponseLog.status` names only the code (`INTERNAL` for the target's 500). `DEADLINE_EXCEEDED` is a
timeout already (`TIMED_OUT`); `UNKNOWN` is a call with no answer (an unreachable target), no status of its."""


def _attempt_statuses(text: str) -> set[str]:
    """The HTTP status an attempt record's RPC code stands for (`_RPC_STATUSES`), as a set; empty for any other
    text."""
    found = _ATTEMPT_STATUS.search(text) if "attempt finished: " in text else None
    status = _RPC_STATUSES.get(found.group(1)) if found is not None else None
    return {status} if status else set()


def _mentions(cluster: Cluster, facts: ResolvedFacts) -> list[tuple[str, Span, set[str]]]:
    """The cluster's texts that may name an upstream's failure, each with the statuses it carries besides its
    words: an attempt record (Cloud Scheduler's, Cloud Tasks') holds the status its target answered in its
    `httpRequest`, not in its text (`attempt finished: INTERNAL calling https://…`), or only by its RPC code
    (`_attempt_statuses`: Cloud Tasks writes no `httpRequest`)."""
    texts = [(text, span, set[str]()) for text, span in facts.mentions.get(cluster.fingerprint, {}).items()]
    if cluster.kind != "request":
        carried = {s for s in cluster.http_statuses if s.startswith("5") or s in REFUSED_STATUSES}
        carried |= _attempt_statuses(cluster.title)
        if carried:
            span = Span(cluster.first_seen.timestamp(), cluster.last_seen.timestamp(), cluster.count)
            texts.append((_head(cluster), span, carried))
    return texts


def _upstream_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    upstreams = [
        (c, failing, [(r, p) for r in c.routes if (p := route_pattern(r))])
        for c in clusters
        if c.services and (failing := _failed_statuses(c))
    ]
    for downstream in clusters:
        mentions = _mentions(downstream, facts)
        if not mentions:
            continue
        found: dict[str, tuple[Cluster, set[str], set[str], set[str]]] = {}
        for upstream, failing, patterns in upstreams:
            if upstream is downstream or set(upstream.services) & set(downstream.services):
                continue
            if set(upstream.routes) & set(downstream.routes):
                continue
            hosts = frozenset(h for s in upstream.services for h in facts.run_hosts.get(s, ()))
            on_cloud_run = any(log.split(" ", 1)[0] in CLOUD_RUN_URLS for log in upstream.logs)
            for text, span, carried in mentions:
                statuses = failing & (status_words(text) | carried)
                timed_out = not statuses and TIMED_OUT.search(text) is not None
                if not (statuses or timed_out) or not _overlaps(span, upstream, facts):
                    continue
                routes = {
                    r
                    for r, pattern in patterns
                    if any(
                        not _on_another_run_host(text, m.start(), hosts, on_cloud_run)
                        for m in pattern.finditer(text)
                    )
                }
                services = {
                    s
                    for s in upstream.services
                    if len(s) >= 3
                    and names_service(
                        s,
                        text,
                        url_only=timed_out,
                        hosts=facts.run_hosts.get(s, frozenset()),
                        on_cloud_run=on_cloud_run,
                    )
                }
                statuses = statuses or {TIMEOUT}
                if routes or services:
                    item = found.setdefault(upstream.fingerprint, (upstream, set(), set(), set()))
                    item[1].update(statuses)
                    item[2].update(routes)
                    item[3].update(services)
        named = list(found.values())
        if any(routes for _, _, routes, _ in named):  # a named route picks its cluster out of the service's
            named = [item for item in named if item[2]]
        for upstream, statuses, routes, services in named:
            names = [f"service {_q(s)}" for s in sorted(services)] + [
                f"route {_q(r)}" for r in sorted(routes)
            ]
            codes = "/".join(sorted(statuses - {TIMEOUT}))
            said = " and ".join(
                ([f"status {codes}"] if codes else []) + (["a timeout"] if TIMEOUT in statuses else [])
            )
            links.add(
                upstream.fingerprint,
                downstream.fingerprint,
                "upstream",
                f"{_q(downstream.title)} ({', '.join(downstream.services) or 'another service'}) names "
                f"{' and '.join(names)} and {said} while {_q(upstream.title)} "
                f"fails ({_hhmm(upstream.first_seen)}–{_hhmm(upstream.last_seen)})",
            )


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def _word_runs(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + QUOTE_MIN_WORDS]) for i in range(len(words) - QUOTE_MIN_WORDS + 1)}


def _template_parts(cluster: Cluster) -> list[list[str]]:
    """The words its template always holds, part by part between wildcards (a word touching a wildcard is
    only part of a word, so it is left out)."""
    parts = (cluster.template or cluster.title).split("<*>")
    literal = []
    for index, part in enumerate(parts):
        words = _words(part)
        if index > 0 and part[:1].isalnum():
            words = words[1:]
        if index < len(parts) - 1 and part[-1:].isalnum():
            words = words[:-1]
        literal.append(words)
    return literal


def _literal_parts(cluster: Cluster) -> list[list[str]]:
    """The template's parts between wildcards that are long enough to be quoted on their own."""
    return [words for words in _template_parts(cluster) if len(words) >= QUOTE_MIN_WORDS]


Gap = tuple[str | None, ...]
"""Words of a template with one value between them (`None`): `column books.<*> does not exist`."""


def _gapped_runs(cluster: Cluster) -> set[Gap]:
    """Runs of `QUOTE_MIN_WORDS` words of the template around one wildcard inside them: a service's failure
    that names a value (a column, a table, a key) is quoted with that value between its words."""
    tokens: list[str | None] = []
    for index, words in enumerate(_template_parts(cluster)):
        if index:
            tokens.append(None)
        tokens.extend(words)
    size = QUOTE_MIN_WORDS + 1
    return {
        run
        for i in range(len(tokens) - size + 1)
        if (run := tuple(tokens[i : i + size])).count(None) == 1 and run[0] and run[-1]
    }


def _gapped_quotes(words: Sequence[str]) -> set[Gap]:
    """Every run of `QUOTE_MIN_WORDS` + 1 words of a text with one inner word left open."""
    size = QUOTE_MIN_WORDS + 1
    return {
        (*words[i : i + gap], None, *words[i + gap + 1 : i + size])
        for i in range(len(words) - size + 1)
        for gap in range(1, size - 1)
    }


def _longest_quote(parts: list[list[str]], quoted: set[tuple[str, ...]]) -> str | None:
    """The longest run of a part's words whose every `QUOTE_MIN_WORDS` words are in `quoted`, if any."""
    best: tuple[int, str] | None = None
    for words in parts:
        start = None
        for i in range(len(words) - QUOTE_MIN_WORDS + 2):
            inside = i <= len(words) - QUOTE_MIN_WORDS and tuple(words[i : i + QUOTE_MIN_WORDS]) in quoted
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                end = i - 1 + QUOTE_MIN_WORDS
                if best is None or end - start > best[0]:
                    best = (end - start, " ".join(words[start:end]))
                start = None
    return None if best is None else best[1]


def _runs_code(cluster: Cluster) -> bool:
    return any(log.split(" ", 1)[0] in CODE_RESOURCES for log in cluster.logs)


def is_managed_service_record(cluster: Cluster) -> bool:
    """Every entry is a managed database's own log or an API's audit entry: the service's side of a call."""
    return bool(cluster.logs) and all(
        log.split(" ", 1)[0] in DATABASE_RESOURCES or _AUDIT_LOG in log for log in cluster.logs
    )


def _quote_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A managed service's failure (a database's own log, an API's audit entry) that the error of code calling
    it quotes in the same minutes: the call failed because the service did. Two programs quoting the same
    words (two clients of one API) are not linked: neither is the service. Of two audited operations on code
    (a function's deploy failing with its Cloud Run revision's words), the later one quotes the earlier."""
    services = [
        (c, parts, gapped)
        for c in clusters
        if c.kind != "request" and role(c) != NONE and _is_failure(c) and is_managed_service_record(c)
        for parts, gapped in [(_literal_parts(c), _gapped_runs(c))]
        if parts or gapped
    ]
    for effect in clusters:
        if effect.kind == "request" or role(effect) == NONE or not _runs_code(effect):
            continue
        said = _words(f"{effect.template}\n{effect.message}")
        quoted, gapped_quoted = _word_runs(said), _gapped_quotes(said)
        audited = is_managed_service_record(effect)
        for cause, parts, gapped in services:
            if set(cause.services) & set(effect.services) or not _same_minutes(cause, effect, facts):
                continue
            if audited and cause.first_seen >= effect.first_seen:
                continue  # two audited operations: the one that failed later quotes the other
            words = _longest_quote(parts, quoted)
            if words is not None:
                span = re.search(r"\W+".join(map(re.escape, words.split())), cause.template or "", re.I)
                text = span.group(0) if span else words
            elif gap := min(gapped & gapped_quoted, default=None, key=str):
                pattern = r"\W+".join(re.escape(word) if word else r"\w+" for word in gap)
                span = re.search(pattern, cause.message, re.IGNORECASE)
                text = span.group(0) if span else " ".join(word or "<*>" for word in gap)
            else:
                continue
            links.add(
                cause.fingerprint,
                effect.fingerprint,
                "upstream",
                f"{_q(effect.title)} ({', '.join(effect.services) or 'an application'}) quotes {_q(text)} "
                f"of {_q(cause.title)} ({', '.join(cause.services) or 'a managed service'}, "
                f"{_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


_GRPC_STATUS = (
    r"rpc error: code = \w{1,30} desc = |StatusRuntimeException: [A-Z_]{2,30}: |"
    r"\bdetails = \"|Status\(StatusCode=\"?\w{1,30}\"?, Detail=\"|\bError: (?:\d{1,2}|<\*>) [A-Z_]{2,30}: |"
    r"^(?:\d{1,2}|<\*>) (?:CANCELLED|UNKNOWN|INVALID_ARGUMENT|DEADLINE_EXCEEDED|NOT_FOUND|ALREADY_EXISTS|"
    r"PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE|UNIMPLEMENTED|INTERNAL|"
    r"UNAVAILABLE|DATA_LOSS|UNAUTHENTICATED): "
)
_STATUS_MESSAGE = compile_regex(_GRPC_STATUS)
"""Where a gRPC client's error gives the message the server answered with: grpc-go's `rpc error: code =
FailedPrecondition desc = …`, grpc-java's `StatusRuntimeException: FAILED_PRECONDITION: …`, grpc-python's
`details = "…"`, grpc-dotnet's `Status(StatusCode="FailedPrecondition", Detail="…")`, grpc-js's `Error: 9
FAILED_PRECONDITION: …` (a problem's message or template may hold it without its `Error: `, its count masked `<*>`).
What follows is the server's text, up to the end of the line."""
_GOOGLE_API_ANSWER = (
    r"\bgoogle\.api_core\.exceptions\.\w{1,40}: (?:\d{3}|<\*>) |\bgoogleapi: Error (?:\d{3}:|<\*>) "
)
"""A Google API's answer as its client libraries raise it: google-api-core's `google.api_core.exceptions.
InvalidArgument: 400 …` (Python), google-api-go-client's `googleapi: Error 403: …`."""
_ANSWERED = compile_regex(f"{_GRPC_STATUS}|{_GOOGLE_API_ANSWER}")
_STATUS_HINTS = (
    "desc = ",
    "StatusRuntimeException: ",
    "details = ",
    "Detail=",
    "Error: ",
    "google.api_core.exceptions.",
    "googleapi: Error ",
)
_BARE_STATUS = compile_regex(r"(?m)^(?:\d{1,2}|<\*>) [A-Z]")
"""A line that may begin with a gRPC status as grpc-js's message holds it without its `Error: ` (`5 NOT_FOUND: …`)."""
_API_ANSWER_TYPES = compile_regex(
    r"^(?:google\.api_core\.exceptions\.\w+|com\.google\.api\.gax\.rpc\.\w+Exception|"
    r"googleapiclient\.errors\.HttpError|Google\.GoogleApiException)$"
)
"""Exceptions Google's client libraries raise with a Google API's answer as their message (google-api-core's
`NotFound: 404 Not found: Table …`, gax-java's `InvalidArgumentException`, the discovery client's `HttpError`):
the message is the API's words, not the logging service's."""


def _status_messages(text: str, answers: re.Pattern[str] = _STATUS_MESSAGE) -> tuple[str, str]:
    """(what a text gives as a server's answer (`answers`: a gRPC server's, `_STATUS_MESSAGE`; or also a Google
    API's, `_ANSWERED`), to each line's end), the rest: the client's own words)."""
    if not any(hint in text for hint in _STATUS_HINTS) and _BARE_STATUS.search(text) is None:
        return "", text
    answered, own = [], []
    for line in text.splitlines():
        found = answers.search(line)
        if found is None:
            own.append(line)
        else:
            own.append(line[: found.start()])
            answered.append(line[found.end() :])
    return "\n".join(answered), "\n".join(own)


def _own_words(cluster: Cluster) -> str:
    """What the cluster's service says itself: none of a Google API client's exception (`_API_ANSWER_TYPES`, whose
    message is the API's answer), nor an answer it quotes (`_ANSWERED`). Two services given one answer by a Google
    API (`Invalid data in message: Message failed schema validation.`) did not answer each other."""
    if cluster.exception_type and _API_ANSWER_TYPES.match(cluster.exception_type):
        return ""
    return _status_messages(f"{cluster.template}\n{cluster.message}", _ANSWERED)[1]


def _status_quote_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A gRPC client's error whose status message (`_STATUS_MESSAGE`: what the server answered) quotes another
    service's own error in the same minutes: the server failed the call with the words it logged (the frontend's
    `could not retrieve cart: rpc error: code = FailedPrecondition desc = Can't access cart storage.
    StackExchange.Redis.RedisConnectionException: It was not possible to connect to …` after cartservice's `Can't
    access cart storage. …`). The quoted service must say the words itself, not as an answer it got in turn: two
    clients given the same answer by a third are not linked. When the words are two problems' own (two clients
    of one database logging its refusal, each in its own wording), the answer names the one whose error begins as
    the answer does; none when that does not tell them apart."""
    callers = []
    for effect in clusters:
        if effect.kind == "request" or role(effect) == NONE or not _runs_code(effect):
            continue
        answered, _ = _status_messages(f"{effect.template}\n{effect.message}")
        if answered:
            starts = {tuple(_words(line)[:QUOTE_MIN_WORDS]) for line in answered.splitlines()}
            callers.append((effect, _word_runs(_words(answered)), starts))
    servers = []
    for cause in clusters if callers else ():
        if cause.kind == "request" or role(cause) == NONE or not _runs_code(cause) or not _is_failure(cause):
            continue
        own = _own_words(cause)
        said = _words(own)
        own_runs = _word_runs(said)
        parts = [words for words in _literal_parts(cause) if _word_runs(words) & own_runs]
        if parts:
            servers.append((cause, parts, own_runs, tuple(said[:QUOTE_MIN_WORDS])))
    for effect, quoted, starts in callers:
        found = []
        for cause, parts, own_runs, start in servers:
            if set(cause.services) & set(effect.services) or not _same_minutes(cause, effect, facts):
                continue
            words = _longest_quote(parts, quoted & own_runs)
            if words is not None:
                found.append((cause, words, start in starts))
        if len(found) > 1:
            found = [item for item in found if item[2]]
            if len(found) != 1:
                continue
        for cause, words, _ in found:
            span = re.search(r"\W+".join(map(re.escape, words.split())), cause.template or "", re.I)
            links.add(
                cause.fingerprint,
                effect.fingerprint,
                "upstream",
                f"{_q(effect.title)} ({', '.join(effect.services) or 'a client'}) was answered "
                f"{_q(span.group(0) if span else words)}, the words of {_q(cause.title)} "
                f"({', '.join(cause.services)}, {_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


_SERVER_OUTAGE = compile_regex(
    r"the database system is (?:starting up|shutting down|in recovery mode|not (?:yet )?accepting connections)|"
    r"terminating connection (?:due to|because of) (?:administrator command|crash of another server process)|"
    r"was terminated by signal|too many clients already|remaining connection slots are reserved|"
    r"Too many connections|server has gone away|\bLOADING Redis is loading|\bMASTERDOWN\b|"
    r"Forcing close of thread|Shutting down mysqld|mysqld: (?:Normal shutdown|Shutdown complete)|"
    r"Server shutdown in progress",
    re.IGNORECASE,
)
"""A database server that says it is down or full, whoever calls it: starting, stopping, recovering from a
crash, out of connection slots (PostgreSQL, MySQL, Redis). MySQL says its shutdown in its error log as notes and
a warning per client thread it closes (`/usr/sbin/mysqld: Forcing close of thread 1180  user: 'app'`)."""


def is_server_outage(cluster: Cluster) -> bool:
    """The problem's text says its server is down or full (`_SERVER_OUTAGE`), not that it refused a statement."""
    return _SERVER_OUTAGE.search(_head(cluster)) is not None


_RUN_APP_HOST = r"-(?:[a-z0-9]{10}-[a-z]{2}\.a|\d{6,}\.[a-z]+-[a-z]+\d)\.run\.app(?![\w.-])"
"""What follows a Cloud Run service's name in its URL's host: `-hash-region.a.run.app` (`orders-5otr7xq3za-uc.a.run.app`)
or `-project_number.region.run.app` (`orders-123456789012.us-central1.run.app`)."""


def names_service(
    service: str,
    text: str,
    url_only: bool = False,
    hosts: frozenset[str] = frozenset(),
    on_cloud_run: bool = True,
) -> bool:
    """The text names the service: as a word, or as the host of its Cloud Run URL (only that, `url_only`). When
    the hosts of the service's own URL are known (`hosts`, `ResolvedFacts.run_hosts`), a Cloud Run URL names it
    only as one of them: a service of that name in another project has another URL. A service that does not run
    on Cloud Run (`on_cloud_run`: an App Engine service, a Kubernetes workload) has no Cloud Run URL."""
    name = re.escape(service)
    if not on_cloud_run:
        return not url_only and re.search(rf"(?<![\w-]){name}(?![\w-])", text, re.IGNORECASE) is not None
    after = _RUN_APP_HOST if url_only else rf"(?:(?![\w-])|{_RUN_APP_HOST})"
    return any(
        not hosts or not (written := match.group(0).lower()).endswith(".run.app") or written in hosts
        for match in re.finditer(rf"(?<![\w-]){name}{after}", text, re.IGNORECASE)
    )


_URL = compile_regex(
    r"\bhttps?://(?:[^\s/?#@\"'<>\\]{1,256}@)?(\[[0-9a-f:.]{2,45}\]|[\w.-]{1,253})(?::\d{1,5})?(?:[/?#][^\s]*)?",
    re.IGNORECASE,
)
"""A URL and its host (RFC 3986's authority: the host after any userinfo, `https://user:pw@host/`, an IPv6 literal in
brackets, `http://[fd20::5]:8080/`, without its port), to the blank after it."""


def url_hosts(text: str) -> list[str]:
    """The hosts of the URLs a text names, in lower case."""
    return [found.group(1).lower() for found in _URL.finditer(text)]


def url_host_at(text: str, start: int) -> str:
    """The host of the URL a text's position is in (what lies before it: `https://orders-5otr7xq3za-uc.a.run.app/v1/`),
    or an empty string."""
    hosts = [
        found.group(1) for found in _URL.finditer(text, max(0, start - 300), start) if found.end() == start
    ]
    return hosts[-1].lower() if hosts else ""


def _on_another_run_host(text: str, start: int, hosts: frozenset[str], on_cloud_run: bool) -> bool:
    """The text's position lies in the URL of a Cloud Run host other than the service's own (`hosts`, when known;
    any, for a service not on Cloud Run): a route there is another service's
    (`https://search-k3m9q2w7ze-uc.a.run.app/v1/search` of another project)."""
    if on_cloud_run and not hosts:
        return False
    host = url_host_at(text, start)
    return host.endswith(".run.app") and (not on_cloud_run or host not in hosts)


DATASTORE_CLIENTS = {
    "PostgreSQL": (
        r"postgres|psycopg|PSQL|pg8000|asyncpg|libpq|pgconn|pgx|\bpq: |\bPG::|/pg/|node_modules/pg-[a-z]+/|SQLSTATE|"
        r"[: ]`?5432\b|(?<![\w-])conn (?:closed|busy)\b"
    ),
    "MySQL": r"mysql|SQLSTATE|[: ]`?3306\b|\bError \d{4} \([0-9A-Z]{5}\): ",
    "Redis": r"redis|[: ]6379\b",
    "Memcached": r"memcache|[: ]11211\b",
}
"""Per datastore engine, how its clients name it when a call fails, the one table the rule of a datastore's change
(`incidents._DATASTORES`) and the rule of its outage (`_outage_links`) read: the driver (`psycopg2`, PgJDBC's
`PSQLException`, libpq, Go's lib/pq `pq: …` and pgx, whose own `conn closed` and `conn busy` name nothing else,
Ruby's `PG::ConnectionBad`, `pymysql`, `redis.exceptions`), node-postgres' packages in its stack
(`node_modules/pg/lib/client.js`, `node_modules/pg-protocol/…`), a SQLSTATE (PDO's `SQLSTATE[HY000] [2002] …`, either
relational engine), go-sql-driver's `Error 1040 (08004): …` (a MySQL error number and its SQLSTATE), or the engine's
port after its host, quoted or not (`10.31.0.3:5432`, `port 5432 failed`, Prisma's ``at `10.31.0.3`:`5432` ``)."""
CONNECTION_LOST = (
    r"connection refused|ECONNREFUSED|connection reset|ECONNRESET|connection (?:was )?(?:closed|lost)|"
    # Python's exceptions of those errnos and asyncio's text of a connect that failed
    r"Connection(?:Refused|Reset)Error\b|\bConnect call failed\b|"
    r"(?<![\w-])conn closed\b|closed the connection|broken pipe|could not connect|connection timed out|"
    r"shutting down|terminating connection|Connection terminated\b|Error 111\b|"
    r"Can't connect to MySQL server|Lost connection to MySQL server|Can't reach database server\b|"
    # the connection's end in the client libraries' own words: Jedis', Lettuce's, node-redis', PgJDBC's,
    # StackExchange.Redis', Connector/J's
    r"Unexpected end of stream|(?:Unable|not possible|Failed) to connect to|Socket closed unexpectedly|"
    r"This connection has been closed|No connection is (?:active|available)|Communications link failure|"
    r"An I/O error occurred while sending to the backend"
)
"""How a client says its connection to its server failed, the one list the rules of a change that cuts connections
(`incidents._CONNECTION_FAILED`: a datastore's restart or failover, a firewall rule) and the rule of a datastore's
outage (`_outage_links`) read: refused, reset, closed or lost, `terminating connection`, `Error 111 connecting to
…`, node-postgres' `Connection terminated unexpectedly`, Go pgx's
`conn closed`, Prisma's `Can't reach database server at …`, Jedis' `Unexpected end of stream.`, Lettuce's `Unable
to connect to …`, node-redis' `Socket closed unexpectedly`, StackExchange.Redis' `No connection is active/available
to service this operation`, Connector/J's `Communications link failure`, PgJDBC's `An I/O error occurred while
sending to the backend`, Python's `ConnectionRefusedError: [Errno 111] Connect call failed ('10.30.0.5', 5432)`
(asyncio's, asyncpg's); not a password or a statement refused."""
DATASTORE_GONE = (
    r"the database system is|server has gone away|Is the server running\b|Server shutdown in progress|"
    r"unexpected EOF|driver: bad connection|\binvalid connection\b(?! string)|"
    r"Redis is loading the dataset|Link with MASTER is down|The cluster is down|Hash slot not served"
)
"""How a datastore's client says its server was not there, words that say so only beside the client's name of its
engine (`DATASTORE_CLIENTS`), read by both rules of a datastore: the server's `FATAL:  the database system is
shutting down` quoted, MySQL's `server has gone away`, libpq's hint (`connection to server on socket
"/cloudsql/…/.s.PGSQL.5432" failed: No such file or directory  Is the server running locally and accepting
connections on that socket?`), a Go driver's read cut short or its connection given up (go-sql-driver's
`[mysql] … packets.go:37: unexpected EOF`, `driver: bad connection`, `invalid connection`; not an invalid
connection string); a server that is there but does not serve yet or any more, in its own reply, which its clients
quote (MySQL's `ER_SERVER_SHUTDOWN`, `(1053, 'Server shutdown in progress')`; Redis' `LOADING Redis is loading the
dataset in memory` after a restart or failover, a replica's `MASTERDOWN Link with MASTER is down …`, a cluster's
`CLUSTERDOWN The cluster is down` or `… Hash slot not served`, with or without the code redis-py strips)."""
_ENGINE_CLIENTS = tuple((engine, compile_regex(words, re.I)) for engine, words in DATASTORE_CLIENTS.items())
_SERVER_GONE = compile_regex(f"{CONNECTION_LOST}|{DATASTORE_GONE}", re.IGNORECASE)
"""A client whose database server was not there (`CONNECTION_LOST`, `DATASTORE_GONE`), besides a call cut off
(`CUT_OFF`)."""

POOL_TIMED_OUT = compile_regex(
    r"Connection is not available, request timed out after|Unable to acquire JDBC Connection|"
    r"QueuePool limit of size \d+ overflow \d+ reached, connection timed out",
    re.IGNORECASE,
)
"""A connection pool that waited in vain for a connection to its database (HikariCP's `HikariPool-1 - Connection is
not available, request timed out after 30000ms.`, Hibernate's `Unable to acquire JDBC Connection`, SQLAlchemy's
`QueuePool limit of size 5 overflow 10 reached, connection timed out`), which often names neither the engine nor the
instance: while one database instance says it is down, it is that one's client (`_outage_links`)."""
_POOL_FOUND_DEAD = compile_regex(
    r"Failed to validate connection|marked as broken because of SQLSTATE\((?:08\w{3}|57P0[1-3])\)"
)
"""A connection pool's warning that a connection it held was found dead (HikariCP's `HikariPool-1 - Failed to
validate connection org.postgresql.jdbc.PgConnection@6c3f5a20 (This connection has been closed.)`, `Connection
… marked as broken because of SQLSTATE(08006)`, or `57P01`, PostgreSQL's `admin_shutdown`): logged as a warning
because the pool makes a new one, it is the trace its database's outage leaves in each client that held
connections (`_outage_links`)."""
_ANY_ENGINE = "database"
"""The engine of a pool's client that names none (`POOL_TIMED_OUT`): any instance down then."""
_ENGINE_CONTAINERS = {
    "postgres": "PostgreSQL",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "mysqld": "MySQL",
    "mariadb": "MySQL",
    "redis": "Redis",
    "redis-server": "Redis",
    "valkey": "Redis",
}
"""Containers named after the database server they run (the official images' and Helm charts' names), by engine."""


def _engine(cluster: Cluster) -> str | None:
    """The engine of a database server's own log: a managed one's (`…/postgres.log` of Cloud SQL or AlloyDB,
    `…/mysql.err`, Memorystore), or a Kubernetes container's named after its server (`data/postgres`, `cache/redis`:
    `_ENGINE_CONTAINERS`) whose every entry comes from it."""
    if cluster.logs and all(log.split(" ", 1)[0] in KUBERNETES_CODE for log in cluster.logs):
        engines = {_ENGINE_CONTAINERS.get(service.rpartition("/")[2].lower()) for service in cluster.services}
        return engines.pop() if len(engines) == 1 else None
    for log in cluster.logs:
        resource, _, name = log.partition(" ")
        if resource == "redis_instance":
            return "Redis"
        if resource in DATABASE_RESOURCES and resource != "spanner_instance":
            lowered = name.lower()
            if "postgres" in lowered or resource.startswith("alloydb"):
                return "PostgreSQL"
            if "mysql" in lowered:
                return "MySQL"
    return None


def _connection_name(service: str) -> re.Pattern[str] | None:
    """How clients name a Cloud SQL instance (`shop-prod:orders-db`): its connection name, with its region
    (`shop-prod:europe-west1:orders-db`), as the Cloud SQL Auth Proxy and the connectors write it."""
    project, _, instance = service.partition(":")
    if not (project and instance):
        return None
    return re.compile(rf"(?<![\w-]){re.escape(project)}:[a-z0-9-]{{1,40}}:{re.escape(instance)}(?![\w-])")


def _down_then(down: Cluster, client: Cluster, facts: ResolvedFacts) -> set[str]:
    """The instances of a database's outage (`down`) that logged it within `UPSTREAM_SLACK` of the client's
    failure, when the minutes of both are known; else all of its instances."""
    by_instance, theirs = facts.server_minutes.get(down.fingerprint), facts.minutes.get(client.fingerprint)
    if not by_instance or theirs is None:
        return set(down.services)
    reach = int(UPSTREAM_SLACK.total_seconds() // 60)
    return {
        service
        for service in down.services
        if (ours := by_instance.get(service)) is None
        or any(minute + step in theirs for minute in ours for step in range(-reach, reach + 1))
    }


def _outage_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A database server whose own log says it is down (`is_server_outage`: shutting down, starting up, out of
    connection slots; at whatever level it logs it: MySQL's shutdown is notes and warnings), a managed one or one a
    Kubernetes container named after it runs (`_engine`), causes the errors of code whose connection to it failed in the same minutes: one that
    names the instance (the Cloud SQL Auth Proxy's `[shop-prod:europe-west1:orders-db] failed to connect to
    instance: … connection refused`), or one that names only a server of its engine (`psycopg2.OperationalError:
    … port 5432 failed: Connection refused`, an address) when one instance of that engine says it is down then
    (two at once: which one is not told)."""
    outages: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        engine = _engine(cluster)
        if engine and is_server_outage(cluster):
            outages.setdefault(engine, []).append(cluster)
    names = {
        service: pattern
        for down in (c for found in outages.values() for c in found)
        for service in down.services
        if (pattern := _connection_name(service)) is not None
    }
    for client in clusters if outages else ():
        if client.kind == "request" or role(client) != ERROR or not _runs_code(client):
            continue
        found_dead = _POOL_FOUND_DEAD.search(client.message[:MENTION_CHARS]) is not None
        if not (found_dead or _is_failure(client)):
            continue  # a warning only when its pool found a connection dead
        # the stack names the driver when the message does not (`node_modules/pg/lib/client.js`)
        # and the tag its logger's header gave (go-sql-driver's `[mysql]`) when the message lost it with the header
        head = (
            _head(client)
            + f"\n{client.stack_pattern or ''}"[:MENTION_CHARS]
            + "".join(f"\n[{tag}]" for tag in sorted(facts.tags.get(client.fingerprint, ())))
        )
        pooled = found_dead or POOL_TIMED_OUT.search(head) is not None
        if not (pooled or CUT_OFF.search(head) or _SERVER_GONE.search(head)):
            continue
        named = {service for service, pattern in names.items() if pattern.search(head)}
        engines = [engine for engine, pattern in _ENGINE_CLIENTS if named or pattern.search(head)]
        if pooled and not engines:
            # a pool that names no engine waited for a connection to whichever server is down then
            engines = [_ANY_ENGINE]
        for engine in engines:
            down_then = (
                [c for f in outages.values() for c in f] if engine == _ANY_ENGINE else outages.get(engine)
            )
            if not down_then:
                continue
            during = [
                down
                for down in down_then
                if _same_minutes(down, client, facts)
                and not set(down.services) & set(client.services)
                and (not named or set(down.services) & named)
            ]
            instances = {service for down in during for service in _down_then(down, client, facts)}
            if len(instances & named if named else instances) != 1:
                continue  # which instance it called is not told (a client naming one picks it out of a problem
                # several instances log alike)
            for down in during:
                how = (
                    f"failed to connect to the instance {_q(next(iter(named)))}"
                    if named
                    else "found a connection in its pool closed"
                    if found_dead
                    else "waited in vain for a connection from its pool"
                    if engine == _ANY_ENGINE
                    else f"says its connection to a {engine} server failed"
                )
                only = "" if named else f", the only {engine} instance saying it is down then"
                links.add(
                    down.fingerprint,
                    client.fingerprint,
                    "upstream",
                    f"{_q(client.title)} ({', '.join(client.services) or 'an application'}) {how} while "
                    f"{_q(down.title)} ({', '.join(sorted(_down_then(down, client, facts)))}{only}, "
                    f"{_hhmm(down.first_seen)}–{_hhmm(down.last_seen)})",
                )


_HOST = compile_regex(
    r"(?:(?<=//)|(?<=host=')|(?<![\w.:/-]))([A-Za-z][\w-]{1,62})((?:\.[\w-]{1,63}){0,8})"
    r"(', port=\d{2,5}| port \d{2,5}(?!\d)|(?:/\d{1,3}(?:\.\d{1,3}){3})?:\d{2,5}(?![\d:]|\.\w))?"
)
"""A host in text, with its domain if any and the port it was called on: a URL's
(`http://catalog.shop.svc.cluster.local:8080/…`), urllib3's (`host='inventory', port=8080`), Java's
(`inventory/10.12.4.9:8080`), curl's (`inventory port 8080`), or a name with a port (`inventory:50051`, also
ending a sentence: redis-py's `Error 111 connecting to cache.shop:6379. Connection refused.`), also after a URL's
user and password (`amqp://orders:**@rabbitmq.mq.svc.cluster.local:5672//`: `_USERINFO`); not a source line
(`node:events:517:28`, `client.js:132:73`)."""
_USERINFO = compile_regex(r"://[^\s/@]{0,256}@$")
"""What a URL's host follows when the URL holds a user (and password) to log in with: `amqp://orders:**@`,
`redis://:[REDACTED]@`; any other `@` before a name (an address `ops@shop.example`, `rabbit@rabbitmq-0`) names no
host called."""
_CLOUD_FUNCTIONS = ".cloudfunctions.net"
_REGION = compile_regex(r"[a-z]+-[a-z]+\d{1,2}-")
"""The region a Cloud Functions URL's host begins with, before its project (`europe-west1-shop-prod`)."""
_FUNCTION_PATH = compile_regex(r"/([A-Za-z][\w-]{0,62})(?![\w.-])")
"""The function a Cloud Functions URL's path names (`…cloudfunctions.net/resize-image`, `…/resize-image?w=320`)."""
_RUN_APP_SUFFIX = compile_regex(r"-(?:[a-z0-9]{10}-[a-z]{2}|\d{6,})$")
"""What a Cloud Run URL adds to its service's name (`orders-5otr7xq3za-uc.a.run.app`, `orders-123456789012.…`)."""
_ADDRESS = compile_regex(r"(?<![\w.])(?!127\.|0\.|169\.254\.)(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])")
"""An IPv4 address in text that names a host of the network (`dial tcp 10.8.2.31:8080`, `upstream:
"http://10.8.2.31:8080/"`, `ipv4:10.8.2.31:50051`): not the loopback, which is every pod's own (an exec probe's
`127.0.0.1:6379`, a sidecar's), nor `0.0.0.0` nor a link-local address (the metadata server's)."""
_UPSTREAM_BLOCK = compile_regex(r"([a-z0-9][a-z0-9-]{0,120}[a-z0-9]-[a-z0-9][a-z0-9-]{0,62})-\d{2,5}")
"""ingress-nginx's name for the upstream block of a Kubernetes Service, `NAMESPACE-SERVICE-PORT` (`shop-cart-8080`),
which its error log names as the upstream of a request that found no live endpoint (`upstream:
"http://shop-cart-8080/api/cart"`)."""
_BLOCK = ".ingress-upstream"
"""What the name an upstream block gives ends with (`shop-cart.ingress-upstream`)."""
_ORDINAL = compile_regex(r"-\d{1,4}$")
"""A StatefulSet pod's ordinal after its workload's name (`kafka-1`)."""
_APP_ENGINE = "gae_app "
"""How an App Engine service's logs begin in a cluster's `logs` (resource type, then log)."""
_UNANSWERED = frozenset({"502", "503", "504"})
DOWN_RUNGS = (EXIT, PROBE, NOT_READY)
"""A service that is not there to answer: its process exited, failed its probes, or its revision is not ready."""


def _host_names(text: str) -> Iterable[tuple[str, str]]:
    """(host as written, the name it gives) of every host in the text that may name one of ours: a URL's or a
    `name:port`, alone or in a Kubernetes namespace (`catalog.shop`, `catalog.shop.svc.cluster.local`: given as
    `catalog.shop`), a Cloud Run URL's (`orders-5otr7xq3za-uc.a.run.app`: `orders.run.app`), or an App Engine
    service's with its project (`inventory-dot-shop-prod.ew.r.appspot.com`, `v2-dot-inventory-dot-shop-prod.appspot.com`:
    `inventory.appspot:shop-prod`; the project's own host, `shop-prod.appspot.com`, is its `default` service), an
    ingress-nginx upstream block's (`http://shop-cart-8080/`: `shop-cart.ingress-upstream`, `_UPSTREAM_BLOCK`); a name in
    another domain (`storage.googleapis.com`) is given whole, and names none of ours."""
    for match in _HOST.finditer(text):
        name, domain, port = match.groups()
        start = match.start()
        at = text[start - 1 : start] == "@"
        if at and _USERINFO.search(text, max(0, start - 270), start) is None:
            continue  # an address or a node name (`ops@shop.example`), not a URL's host
        before = text[max(0, start - 6) : start]
        if not (port or at or ".svc" in domain or before.endswith(("//", "host='"))):
            continue
        name, domain = name.lower(), domain.lower()
        if domain == _CLOUD_FUNCTIONS:
            # a Cloud Functions URL names its function in its path, and its project after its region
            function = _FUNCTION_PATH.match(text, match.end())
            region = _REGION.match(name)
            if function is not None and region is not None:
                yield match.group(0), f"{function.group(1).lower()}.cloudfunctions:{name[region.end() :]}"
            continue
        if domain.endswith(".run.app"):
            named = f"{_RUN_APP_SUFFIX.sub('', name)}.run.app"
        elif domain.endswith(".appspot.com"):
            parts = ["default", *name.split("-dot-")]
            named = f"{parts[-2]}.appspot:{parts[-1]}"
        else:
            named = f"{name}{domain.partition('.svc')[0]}"
            block = _UPSTREAM_BLOCK.fullmatch(name) if not (domain or port) else None
            if block is not None:  # ingress-nginx's upstream block of a Service (`shop-cart-8080`)
                yield match.group(0), f"{block.group(1)}{_BLOCK}"
            if named.count(".") == 2 and ".svc" in domain:
                # a StatefulSet pod's own name (`kafka-1.kafka-headless.data.svc`): its workload's, and its service's
                _, service, namespace = named.split(".")
                yield match.group(0), f"{_ORDINAL.sub('', name)}.{namespace}"
                named = f"{service}.{namespace}"
        yield match.group(0), named
    for address in _ADDRESS.finditer(text):
        yield address.group(0), f"ip:{address.group(1)}"


def _host_keys(service: str, app_engine_projects: set[str], on_cloud_run: set[str] | None) -> list[str]:
    """The names a host gives that stand for the service (none under three characters): a Kubernetes service's
    (`shop/catalog`) by its name in its namespace (`catalog.shop`), or alone (`catalog@shop`: a short name resolves
    in its caller's own namespace), as the cluster's DNS resolves them, or by ingress-nginx's upstream block
    (`shop-catalog-8080`: `shop-catalog.ingress-upstream`); an App Engine service's by its appspot host
    in its own projects (`inventory.appspot:shop-prod`: another project's `inventory` is another service); a Cloud
    Run service's or a function's (`on_cloud_run`: the projects it runs in) only by its Cloud Run URL
    (`orders.run.app`), the one way to call it by name (a bare `orders:8080` is another host), or by its Cloud
    Functions URL in its own projects (`resize-image.cloudfunctions:shop-prod`, for
    `https://europe-west1-shop-prod.cloudfunctions.net/resize-image`: a function's, gen2 functions being Cloud Run
    services); any other's (a job, a VM) by none."""
    namespace, _, name = service.lower().rpartition("/")
    if namespace:
        return (
            [f"{name}@{namespace}", f"{name}.{namespace}", f"{namespace}-{name}{_BLOCK}"]
            if len(name) >= 3
            else []
        )
    if app_engine_projects:
        return [f"{name}.appspot:{project}" for project in sorted(app_engine_projects)]
    if len(name) < 3 or on_cloud_run is None:
        return []
    return [f"{name}.run.app", *(f"{name}.cloudfunctions:{project}" for project in sorted(on_cloud_run))]


def _host_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A caller's error naming another service as the host it called (`Get "http://catalog.shop.svc.cluster.local:8080/…":
    dial tcp …: connection refused`, `inventory:50051 failed: 14 UNAVAILABLE`) with the call cut off or timed out,
    or with a 5xx of a service that logs no request, is the effect of that service's failure in the same minutes that
    such a call meets (`_unanswering`). A service the upstream rule already links to the caller is left to it."""
    failing: dict[str, list[Cluster]] = {}
    app_engine: dict[str, set[str]] = {}
    on_cloud_run: dict[str, set[str]] = {}
    for cluster in clusters:
        if (_is_failure(cluster) and role(cluster) != NONE) or _start_stage(cluster) is not None:
            for service in cluster.services:
                failing.setdefault(service, []).append(cluster)
            if any(log.split(" ", 1)[0] in CLOUD_RUN_URLS for log in cluster.logs):
                for service in cluster.services:
                    on_cloud_run.setdefault(service, set()).update(
                        sample.project.lower() for sample in cluster.samples if sample.project
                    )
            if any(log.startswith(_APP_ENGINE) for log in cluster.logs):
                for sample in cluster.samples:
                    if sample.service and sample.project:
                        app_engine.setdefault(sample.service, set()).add(sample.project.lower())
    by_key: dict[str, list[str]] = {}
    for service, problems in failing.items():
        keys = _host_keys(service, app_engine.get(service, set()), on_cloud_run.get(service))
        namespace = service.rpartition("/")[0]
        for app in sorted(facts.service_apps.get(service, ())) if namespace else ():
            keys += _host_keys(
                f"{namespace}/{app}", set(), None
            )  # the Service that selects its pods by their label
        for key in keys + _own_addresses(problems, facts):
            by_key.setdefault(key, []).append(service)
    linked = set(links.pending)
    by_fingerprint = {c.fingerprint: c for c in clusters}
    for downstream in clusters:
        texts = facts.mentions.get(downstream.fingerprint, {}) if by_key else {}
        if not texts or role(downstream) == NONE:
            continue
        found: dict[tuple[str, str], tuple[str, set[str]]] = {}
        namespaces = {service.lower().rpartition("/")[0] for service in downstream.services if "/" in service}
        for text, span in texts.items():
            statuses = _answered(text)
            cut_off = CUT_OFF.search(text)
            timed_out = not (statuses or cut_off) and TIMED_OUT.search(text) is not None
            if not (statuses or cut_off or timed_out):
                continue
            if statuses:
                said = {f"status {s}" for s in statuses}
            else:
                said = {f"a call cut off ({_q(cut_off.group(0))})" if cut_off else "a timeout"}
            for written, named in _host_names(text):
                keys = [f"{named}@{namespace}" for namespace in namespaces] if "." not in named else [named]
                for service in (service for key in keys for service in by_key.get(key, [])):
                    problems = failing[service]
                    if service in downstream.services or any(
                        (c.fingerprint, downstream.fingerprint) in linked for c in problems
                    ):
                        continue
                    own = facts.run_hosts.get(service)
                    if own and named.endswith(".run.app") and written.lower().split(":")[0] not in own:
                        continue  # a Cloud Run service of that name in another project
                    near = [c for c in problems if _meets(downstream, span, c, facts)]
                    for cause in _unanswering(near, statuses, problems, timed_out):
                        found.setdefault((cause.fingerprint, service), (written, set()))[1].update(said)
        for (fingerprint, service), (written, said) in sorted(found.items()):
            cause = by_fingerprint[fingerprint]
            links.add(
                fingerprint,
                downstream.fingerprint,
                "upstream",
                f"{_q(downstream.title)} ({', '.join(downstream.services) or 'another service'}) names host "
                f"{_q(written)} of {_q(service)} and {' and '.join(sorted(said))} while {_q(cause.title)} fails "
                f"({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


def _own_addresses(problems: list[Cluster], facts: ResolvedFacts) -> list[str]:
    """The addresses a service's failed probes name (`ip:10.8.2.31`): the kubelet probes a pod at its own address
    (`Readiness probe failed: Get "http://10.8.2.31:8080/healthz": dial tcp 10.8.2.31:8080: connect: connection
    refused`), so a caller naming that address (an ingress's upstream, a gRPC target `ipv4:10.8.2.31:50051`) called
    the pod."""
    found: set[str] = set()
    for problem in problems:
        if role(problem) == PROBE:
            texts = [problem.message, *facts.mentions.get(problem.fingerprint, {})]
            found.update(
                f"ip:{m.group(1)}" for text in texts for m in _ADDRESS.finditer(text[:MENTION_CHARS])
            )
    return sorted(found)


def _meets(downstream: Cluster, span: Span, upstream: Cluster, facts: ResolvedFacts) -> bool:
    """The downstream problem occurs in the same minutes as the upstream's (`_same_minutes`); a chronic one (its
    minutes too many to keep) only by the occurrences of the text that names the upstream (`span`)."""
    if downstream.fingerprint in facts.minutes:
        return _same_minutes(downstream, upstream, facts)
    return _overlaps(span, upstream, facts)


def _answered(text: str) -> set[str]:
    """The 5xx statuses a text says a call was answered with (`status_words`), not a source line's number
    (`node:_http_client:519:23`, `(Client.java:503)`)."""
    return {
        m.group(0)
        for m in _status_matches(text)
        if m.group(0).startswith("5")
        and text[m.start() - 1 : m.start()] != ":"
        and text[m.end() : m.end() + 1] not in (":", ")")
    }


def _unanswering(
    near: list[Cluster], statuses: set[str], problems: list[Cluster], timed_out: bool
) -> list[Cluster]:
    """The service's problems in the same minutes that explain a call it did not take or answer.

    A call cut off or answered 502, 503 or 504: the service was not there, the first rung of its failure found
    (process exits, else failed probes, else a revision not ready; else its own requests answered 502, 503 or
    504). A call that timed out: the same rungs, else the service's one failure then that is a timeout of its own
    (`canceling statement due to statement timeout`, its own call's `DEADLINE_EXCEEDED`, a function's invocations
    that `finished with status: 'timeout'`): it was slow because what it waits on was, and the timeouts run up the
    chain of callers (requests that timed out are the upstream rule's, which reads their route or URL). Another 5xx, from a service that logs no request: its one error then (of two,
    which one is not told).
    """
    if not statuses or statuses & _UNANSWERED:
        down = _first_rung(near) or _cannot_start(near)
        if down:
            return down
        if timed_out:
            # a service whose one failure then is a timeout of its own was slow to answer: it waited on what it
            # calls, or its invocations ran out of time (Cloud Functions' `finished with status: 'timeout'`)
            slow = [
                c
                for c in near
                if c.kind != "request"
                and role(c) in (ERROR, SERVER_ERROR)
                and _OPERATION_TIMED_OUT.search(f"{c.title}\n{c.message}")
            ]
            return slow if len(slow) == 1 else []
        return [c for c in near if c.kind == "request" and set(c.http_statuses) & _UNANSWERED]
    if any(c.kind == "request" for c in problems):
        return []  # it logs its requests: the upstream rule matches their statuses
    errors = [c for c in near if role(c) == ERROR]
    return errors if len(errors) == 1 else []


_OPERATION_TIMED_OUT = compile_regex(
    r"timed[ _]?out|deadline[ _]exceeded|Timeout(?:Error|Exception)\b|"
    r"\b(?:statement|lock wait|query|request|read|write|connect|connection|socket|gateway) timeout|"
    r"\btimeout (?:of|after|expired|exceeded|reading|writing|waiting|while)\b|status:? ?'?timeout\b",
    re.IGNORECASE,
)
"""An operation that ran out of time, as a service says of its own work: `canceling statement due to statement
timeout`, `Lock wait timeout exceeded`, `DEADLINE_EXCEEDED`, `TimeoutError`, `Timeout reading from socket`,
`finished with status: 'timeout'`; not a timeout that is a setting or a state (`session timeout for user 7100`)."""


_CANNOT_START = compile_regex(
    r"^(?:(FailedScheduling): |(FailedAttachVolume): |(FailedMount): |"
    r"(?:Failed: (?:Failed to pull image|Error: (?:ErrImagePull|ImagePullBackOff|InvalidImageName))|"
    r"BackOff: Back-off pulling image)|(FailedCreatePodSandBox): |Failed: Error: (?:secret|configmap) \")"
)
"""How the title of a Kubernetes event about a pod that cannot start begins, stage by stage: the scheduler cannot
place it (`FailedScheduling: 0/5 nodes are available: …`), its volume cannot attach (`FailedAttachVolume:
Multi-Attach error for volume …`) or mount (`FailedMount: Unable to attach or mount volumes: … timed out waiting
for the condition`), its image cannot be pulled (`Failed: Failed to pull image …`, `BackOff: Back-off pulling
image …`), its sandbox cannot be made, or a secret or ConfigMap it reads is missing (`Failed: Error: secret "db" not
found`)."""
_START_STAGES = ("FailedScheduling", "FailedAttachVolume", "FailedMount")
"""The first stages of a pod's start, in order (`_CANNOT_START`'s groups): a later one waits on an earlier one; the
others (image, sandbox, configuration) come after them."""


def _start_stage(cluster: Cluster) -> int | None:
    """The stage at which the pods of a Kubernetes pod event cannot start (`_CANNOT_START`, by `_START_STAGES`' order,
    the later stages last), told by their own events; None for any other problem. Their workload has no pod to answer
    (the kubelet and the scheduler report it as a warning)."""
    if not all(log.startswith(_POD_EVENTS) for log in cluster.logs):
        return None
    found = _CANNOT_START.match(cluster.title)
    if found is None:
        return None
    reason = next((group for group in found.groups() if group), "")
    return _START_STAGES.index(reason) if reason in _START_STAGES else len(_START_STAGES)


def _cannot_start(near: list[Cluster]) -> list[Cluster]:
    """Of a service's problems, those of its pods that cannot start at the earliest stage found (`_start_stage`)."""
    stages = {c.fingerprint: stage for c in near if (stage := _start_stage(c)) is not None}
    first = min(stages.values(), default=None)
    return [c for c in near if stages.get(c.fingerprint, -1) == first]


def _volume_links(clusters: dict[str, Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A pod whose volume cannot attach (`FailedAttachVolume`: `Multi-Attach error`, the volume still attached to
    the node it left) cannot mount it either: its `FailedMount` (`timed out waiting for the condition`) is the effect,
    when most of them come within `RESTART_WINDOW_SECONDS` after one on the same pod."""
    for (first, second), share in sorted(facts.restart_shares.items()):
        mount, attach = clusters.get(first), clusters.get(second)
        if mount is None or attach is None or share < INSTANCE_MIN_SHARE:
            continue
        if _start_stage(attach) != 1 or _start_stage(mount) != 2 or attach.first_seen > mount.first_seen:
            continue
        links.add(
            attach.fingerprint,
            mount.fingerprint,
            "instance",
            f"{share:.0%} of the occurrences of {_q(mount.title)} come within {RESTART_WINDOW_SECONDS:g} s of "
            f"{_q(attach.title)} on the same pod: its volume is not attached",
        )


_PENDING = compile_regex(r"\(pending: ([a-z0-9][a-z0-9-]{0,62})/([a-z0-9][a-z0-9.-]{0,252})")
"""The sample pod of the pods a cluster autoscaler's record says it cannot scale up for
(`payloads._autoscaler_no_scale_up`: `Cluster autoscaler cannot scale up: … (pending: ml/embedder-5b8c7d9f6-r4t5u,
3 pods)`)."""


def _autoscaler_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A cluster autoscaler that cannot add a node for pending pods (`_PENDING`: a node group at its maximum size, a
    quota, no node group that fits) is the cause of the scheduler's failing to place the pods of that workload
    (`_start_stage` 0, `FailedScheduling`: the pod named, or another of its workload) in the same minutes: no node
    came for them."""
    pending: dict[str, list[tuple[Cluster, str]]] = {}
    for cluster in clusters:
        if not cluster.message.startswith("Cluster autoscaler cannot scale up: "):
            continue
        texts = [cluster.message, *(sample.message for sample in cluster.samples)]
        for found in {m.groups() for text in texts for m in _PENDING.finditer(text[:MENTION_CHARS])}:
            namespace, pod = found
            pending.setdefault(f"{namespace}/{pod_workload(pod)}", []).append((cluster, f"{namespace}/{pod}"))
    for effect in clusters if pending else ():
        if _start_stage(effect) != 0:
            continue
        for service in sorted(effect.services):
            for cause, pod in pending.get(service.lower(), []):
                if _same_minutes(cause, effect, facts):
                    links.add(
                        cause.fingerprint,
                        effect.fingerprint,
                        "service",
                        f"{_q(cause.title)} names pending pod {_q(pod)} of {_q(service)}, which the scheduler "
                        f"cannot place: {_q(effect.title)} ({_hhmm(effect.first_seen)}–{_hhmm(effect.last_seen)})",
                    )


def _first_rung(near: list[Cluster]) -> list[Cluster]:
    """Of a service's problems, those on the first rung of its not being there (`DOWN_RUNGS`: its process exits,
    else its failed probes, else its revision not ready); none when it shows none of them."""
    down = [c for c in near if role(c) in DOWN_RUNGS]
    first = min((role(c) for c in down), default=None)
    return [c for c in down if role(c) == first]


_POD_EVENTS = "k8s_pod "
"""How a Kubernetes pod's own events begin in a cluster's `logs` (resource type, then log): the kubelet's and the
scheduler's word on the pod (`Failed: Error: secret "x" not found`, `Failed to pull image`, `FailedScheduling`)."""


def _endpoint_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A proxy saying a Kubernetes Service has no endpoint (`NO_ENDPOINTS`: ingress-nginx's `Service "shop/cart"
    does not have any active Endpoint.`) is the effect of that Service's workload (named as the Service, or by its
    pods' `app` label) failing in the same minutes: the first rung of its not being there (its process exits, else
    its failed probes, else not ready), else what its pods' events say keeps them from running (`Error: secret
    "cart-db" not found`, `Failed to pull image …`)."""
    workloads: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        if role(cluster) == NONE or Severity[cluster.max_severity] < Severity.WARNING:
            continue
        for service in cluster.services:
            namespace, _, name = service.lower().rpartition("/")
            if namespace:
                apps = facts.service_apps.get(service, frozenset())
                for named in {name, *apps}:
                    workloads.setdefault(f"{namespace}/{named}", []).append(cluster)
    by_fingerprint = {c.fingerprint: c for c in clusters} if workloads else {}
    for downstream in clusters if workloads else ():
        found: dict[str, str] = {}
        for text, span in facts.mentions.get(downstream.fingerprint, {}).items():
            service = no_endpoint_service(text)
            problems = workloads.get(service, [])
            if not problems or any(service == s.lower() for s in downstream.services):
                continue
            near = [c for c in problems if _meets(downstream, span, c, facts)]
            causes = _first_rung(near) or [
                c for c in near if role(c) == ERROR and any(log.startswith(_POD_EVENTS) for log in c.logs)
            ]
            for cause in causes:
                found.setdefault(cause.fingerprint, service)
        for fingerprint, service in sorted(found.items()):
            cause = by_fingerprint[fingerprint]
            links.add(
                fingerprint,
                downstream.fingerprint,
                "upstream",
                f"{_q(downstream.title)} ({', '.join(downstream.services) or 'a proxy'}) says Kubernetes Service "
                f"{_q(service)} has no endpoint while {_q(cause.title)} ({', '.join(cause.services)}) keeps its "
                f"pods from serving ({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


_DEAD_LETTERED = compile_regex(r"(?i)dead[- _]?letter")
"""A record that says a message was dead-lettered, or came from a dead-letter topic (`Dead-lettered message …`,
`Received dead-letter message …`)."""
_SUBSCRIPTION = compile_regex(
    r"(?:subscriptions/|DeadLetterSourceSubscription[\"']?\s?[=:]\s?[\"']?)([A-Za-z][\w.~+%-]{2,254})"
)
"""A Pub/Sub subscription a text names: by its path (`projects/p/subscriptions/shipping-orders`), or as the
attribute Pub/Sub sets on a dead-lettered message (`CloudPubSubDeadLetterSourceSubscription=shipping-orders`)."""
_NAME_PARTS = compile_regex(r"[-_.]")
"""What separates the words of a subscription's or a service's name (`eventarc-europe-west1-fulfil-orders-sub-418`)."""
_PUSHED = " on POST "
"""What the title of a request problem answered to a POST holds (`HTTP 500 on POST /_pubsub/orders`): Pub/Sub pushes
each message as a POST."""


def _named_in(subscription: str, service: str) -> bool:
    """Whether a subscription's name holds the service's (its workload's) name as whole parts (`shipping-orders`,
    `orders.shipping-push`: `shipping`; `order-fulfilment-push`: `order-fulfilment`; not `shippingx-orders`)."""
    parts = _NAME_PARTS.split(subscription.lower())
    wanted = _NAME_PARTS.split(service.lower().rpartition("/")[2])
    return any(parts[i : i + len(wanted)] == wanted for i in range(len(parts) - len(wanted) + 1))


def _undelivered(problems: list[Cluster], record: Cluster, facts: ResolvedFacts) -> list[Cluster]:
    """A subscriber's problems in the same minutes as a dead-letter record that refused its deliveries: its POSTs
    answered with a 5xx (pushes), else its one error then (a pull subscriber's)."""
    near = [c for c in problems if _same_minutes(c, record, facts)]
    pushes = [c for c in near if c.kind == "request" and role(c) == SERVER_ERROR and _PUSHED in c.title]
    errors = [c for c in near if role(c) == ERROR]
    return pushes or (errors if len(errors) == 1 else [])


def _dead_letter_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A record of Pub/Sub messages dead-lettered from a subscription (a dead-letter handler's `Dead-lettered
    message … from subscription projects/p/subscriptions/shipping-orders`) is the effect of the deliveries that
    subscription's subscriber did not acknowledge in the same minutes: the one service its name holds (`_named_in`)
    that refused deliveries then (`_undelivered`: its POST requests failed with a 5xx, a push subscription's
    endpoint; else its one error, a pull subscriber's). A subscription naming no such service, or two, tells none."""
    failing: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        if _is_failure(cluster) and role(cluster) in (ERROR, SERVER_ERROR):
            for service in cluster.services:
                failing.setdefault(service, []).append(cluster)
    for record in clusters if failing else ():
        head = _head(record)
        if not _DEAD_LETTERED.search(head):
            continue
        texts = [head, *(sample.message for sample in record.samples)]
        subscriptions = {m.group(1) for text in texts for m in _SUBSCRIPTION.finditer(text[:MENTION_CHARS])}
        named = {
            service
            for service in failing
            if service not in record.services and any(_named_in(s, service) for s in subscriptions)
        }
        undelivered = {
            service: causes
            for service in sorted(named)
            if (causes := _undelivered(failing[service], record, facts))
        }
        if len(undelivered) != 1:
            continue  # which subscriber it was is not told
        ((service, causes),) = undelivered.items()
        for cause in causes:
            links.add(
                cause.fingerprint,
                record.fingerprint,
                "upstream",
                f"{_q(record.title)} ({', '.join(record.services) or 'a handler'}) records messages dead-lettered "
                f"from a subscription of {_q(service)} while {_q(cause.title)} fails "
                f"({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )


_FLOOD_STAGE = compile_regex(
    r"flood[ -]stage (?:disk )?watermark \[[^\]\n]{1,16}\] exceeded on ", re.IGNORECASE
)
"""An Elasticsearch or OpenSearch node saying its disk passed the flood stage, so every index with a shard on it is
made read-only (`flood stage disk watermark [95%] exceeded on [pH2k…][logs-es-data-0][/usr/share/elasticsearch/data]
free: 2.1gb[4.3%], all indices on this node will be marked read-only`)."""
_WRITE_BLOCKED = compile_regex(r"index read-only / allow delete|read-only-allow-delete block", re.IGNORECASE)
"""A client's write refused for that block (`cluster_block_exception`): `blocked by: [FORBIDDEN/12/index read-only /
allow delete (api)]` (Elasticsearch 6 and 7), `blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage
watermark, index has read-only-allow-delete block]` (later versions, OpenSearch)."""


_RDB_SAVE_FAILED = compile_regex(
    r"Failed opening the temp RDB file|Write error saving DB on disk|Background saving error|"
    r"Error moving temp DB file|Failed opening the RDB file"
)
"""A Redis server saying it could not write its RDB snapshot to disk (`Failed opening the temp RDB file temp-4821.rdb
(in server root dir /data) for saving: No space left on device`, `Background saving error`), after which it refuses
every write while `stop-writes-on-bgsave-error` is on."""
_RDB_REFUSED = compile_regex(r"MISCONF Redis is configured to save RDB snapshots")
"""A client's write refused for that (redis-py's `ResponseError`, ioredis' and node-redis' `ReplyError`: `MISCONF Redis
is configured to save RDB snapshots, but it's currently unable to persist to disk. …`)."""


@dataclass(frozen=True)
class _DiskRefusal:
    """A datastore's own words that its disk failed it (`server`, found in messages holding `server_gate`), and its
    clients' writes refused for that in its reply (`client`, in texts holding `client_gate`); `told` says it in the
    link's evidence after the client."""

    server_gate: str
    server: re.Pattern[str]
    client_gate: str
    client: re.Pattern[str]
    refused: str
    told: str


_DISK_REFUSALS = (
    _DiskRefusal("atermark", _FLOOD_STAGE, "read-only", _WRITE_BLOCKED, "a write to an index made read-only",
                 "says its disk passed the flood stage"),
    _DiskRefusal("DB", _RDB_SAVE_FAILED, "MISCONF", _RDB_REFUSED, "a write because Redis could not persist to disk",
                 "says its snapshot could not be written"),
)  # fmt: skip


def _flood_stage_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A client's write refused because its datastore's disk failed it, in the datastore's reply
    (`_DISK_REFUSALS`: an index made read-only, `_WRITE_BLOCKED`; Redis' `MISCONF`), is the effect of the one
    service whose server said so in its own log in the same minutes (an Elasticsearch node past its flood-stage
    watermark, `_FLOOD_STAGE`; a Redis server whose snapshot failed, `_RDB_SAVE_FAILED`); none when two services'
    servers did."""
    for refusal in _DISK_REFUSALS:
        _disk_refusal_links(clusters, facts, links, refusal)


def _disk_refusal_links(
    clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links, refusal: _DiskRefusal
) -> None:
    nodes = [
        c
        for c in clusters
        if role(c) != NONE and refusal.server_gate in c.message and refusal.server.search(c.message)
    ]
    for client in clusters if nodes else ():
        text = f"{client.title}\n{client.message}"
        if role(client) == NONE or refusal.client_gate not in text or refusal.client.search(text) is None:
            continue
        near = [
            n for n in nodes if not set(n.services) & set(client.services) and _same_minutes(n, client, facts)
        ]
        if len({service for node in near for service in node.services}) != 1:
            continue
        for node in near:
            links.add(
                node.fingerprint,
                client.fingerprint,
                "upstream",
                f"{_q(client.title)} ({', '.join(client.services) or 'a client'}) was refused {refusal.refused} "
                f"while {_q(node.title)} ({', '.join(node.services)}, {_hhmm(node.first_seen)}–"
                f"{_hhmm(node.last_seen)}) {refusal.told}",
            )


_CLUSTER_DNS = compile_regex(r"kube-system/(?:kube-?dns|coredns|node-local-dns|dnsmasq)(?:-autoscaler)?")
"""A Kubernetes cluster's DNS server: kube-dns (its `kubedns` and `dnsmasq` containers), CoreDNS, NodeLocal
DNSCache, as a service (`kube-system/kube-dns`)."""
_LOOKUP_UNANSWERED = compile_regex(
    r"lookup [^\s]{1,255} on [^\s]{1,64}:53: [^\n]{0,200}?(?:i/o timeout|server misbehaving|connection refused)|"
    r"EAI_AGAIN|Temporary failure in name resolution|UnknownHostException: [^\s]{1,255}: Try again"
)
"""A name lookup the DNS server did not answer (not a name it said does not exist, NXDOMAIN): Go's `lookup … on
10.96.0.10:53: … i/o timeout` or `server misbehaving`, Node.js' `EAI_AGAIN`, glibc's `Temporary failure in name
resolution`, Java's `UnknownHostException: …: Try again`."""
KUBERNETES_CODE = frozenset({"k8s_container", "container"})


def _cluster_dns_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """The cluster's DNS server failing (`_CLUSTER_DNS`: its crash, its restarts, its probes) causes the errors of
    Kubernetes workloads whose name lookups got no answer in the same minutes (`_LOOKUP_UNANSWERED`); code outside
    the cluster (Cloud Run) resolves names elsewhere. The cause is the first rung of its failure then: its
    process exits, else its failed probes, else its errors."""
    servers = [
        c
        for c in clusters
        if _is_failure(c) and role(c) != NONE and any(_CLUSTER_DNS.fullmatch(s) for s in c.services)
    ]
    own = {c.fingerprint for c in servers}
    for client in clusters if servers else ():
        if client.kind == "request" or client.fingerprint in own or not _is_failure(client):
            continue
        if not any(log.split(" ", 1)[0] in KUBERNETES_CODE for log in client.logs):
            continue
        said = _LOOKUP_UNANSWERED.search(_head(client))
        if said is None:
            continue
        near = [c for c in servers if _same_minutes(c, client, facts)]
        for server in _first_rung(near) or [c for c in near if role(c) == ERROR]:
            links.add(
                server.fingerprint,
                client.fingerprint,
                "upstream",
                f"{_q(client.title)} ({', '.join(client.services)}) says a name lookup got no answer "
                f"({_q(said.group(0))}) while the cluster's DNS server fails: {_q(server.title)} "
                f"({', '.join(server.services)}, {_hhmm(server.first_seen)}–{_hhmm(server.last_seen)})",
            )


_CERTIFICATE_NOT_ISSUED = compile_regex(
    r"certificate request has failed|Failed to (?:create|finalize|wait for) (?:order|Order)\b|"
    r"Unable to obtain ACME certificate|could not get certificate from issuer|"
    r"failed to (?:renew|issue|obtain) (?:the |a )?certificate|certificate (?:renewal|issuance) failed",
    re.IGNORECASE,
)
"""A certificate its issuer failed to renew or issue, as the issuer says it: cert-manager's events on the
Certificate (`The certificate request has failed to complete and will be retried: Failed to wait for order resource
…`), Traefik's `Unable to obtain ACME certificate for domains "…"`, Caddy's `could not get certificate from
issuer`."""
_CERTIFICATE_EXPIRED = compile_regex(
    r"certificate has expired|certificate is expired|CertificateExpiredException|CERT_HAS_EXPIRED|"
    r"PKIX path validation failed: [\w.]+: validity check failed",
    re.IGNORECASE,
)
"""A client that refused its server's certificate because it expired: Go's `x509: certificate has expired or is not
yet valid`, OpenSSL's `certificate verify failed: certificate has expired`, Node's `CERT_HAS_EXPIRED`, Java's
`PKIX path validation failed: …CertPathValidatorException: validity check failed` (`Caused by:
java.security.cert.CertificateExpiredException`)."""
_CALLED_HOST = compile_regex(r"://([a-z0-9][a-z0-9-]{0,62})[.:/\"']")
_QUOTED_DOMAIN = compile_regex(r"[\"'\[ ]([a-z0-9][a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63}){1,8}[\"'\], ]")
_CERTIFICATE_SUFFIX = compile_regex(r"-(?:tls|ssl|cert|certificate|crt)$")


def _certificate_names(cluster: Cluster) -> set[str]:
    """What a certificate that failed to renew is for: its Kubernetes object's name less a suffix saying it is a
    certificate (`payments-gw` of Certificate `payments/payments-gw-tls`), and the first label of the domains its
    issuer's text quotes (`payments` of `"payments.example.com"`)."""
    names = {
        _CERTIFICATE_SUFFIX.sub("", service.rpartition("/")[2])
        for service in cluster.services
        if "/" in service
    }
    text = _head(cluster).lower()
    names.update(m.group(1) for m in _QUOTED_DOMAIN.finditer(text))
    return {name for name in names if len(name) >= 3}


def _certificate_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A certificate its issuer failed to renew (`_CERTIFICATE_NOT_ISSUED`) causes the failures of clients that
    then refused their server's certificate as expired (`_CERTIFICATE_EXPIRED`), from when it failed on: a client
    whose URL's host begins with what the certificate is for (`https://payments-gw.payments.svc…` and Certificate
    `payments-gw-tls`), or a client on Kubernetes naming no host (Java's `PKIX path validation failed`) when that
    certificate is the only one failing to renew in the window."""
    failing = [
        c
        for c in clusters
        if c.kind != "request" and _CERTIFICATE_NOT_ISSUED.search(_head(c)) and _certificate_names(c)
    ]
    for client in clusters if failing else ():
        if client in failing or client.kind == "request" or not _is_failure(client):
            continue
        head = _head(client) + f"\n{client.stack_pattern or ''}"[:MENTION_CHARS]
        said = _CERTIFICATE_EXPIRED.search(head)
        if said is None:
            continue
        hosts = {m.group(1) for m in _CALLED_HOST.finditer(head.lower())}
        if hosts:
            causes = [c for c in failing if hosts & _certificate_names(c)]
        elif len({s for c in failing for s in c.services}) == 1 and any(
            log.split(" ", 1)[0] in KUBERNETES_CODE for log in client.logs
        ):
            causes = failing
        else:
            continue
        for cause in causes:
            if cause.first_seen > client.first_seen or set(cause.services) & set(client.services):
                continue
            how = (
                f"calls host `{', '.join(sorted(hosts & _certificate_names(cause)))}…`, what the certificate is for"
                if hosts
                else "names no host, and that certificate is the only one failing to renew"
            )
            links.add(
                cause.fingerprint,
                client.fingerprint,
                "upstream",
                f"{_q(client.title)} ({', '.join(client.services)}) refused its server's certificate as expired "
                f"({_q(said.group(0))}) after {_q(cause.title)} ({', '.join(cause.services)}, from "
                f"{_hhmm(cause.first_seen)}); it {how}",
            )


_GAVE_UP = compile_regex(
    r"CallNotPermittedException|CircuitBreaker '[^'\n]{1,80}' is (?:FORCED_)?OPEN|BrokenCircuit(?:Exception|Error)|"
    r"IsolatedCircuitException|CircuitBreakerOpen(?:Exception|Error)|CircuitBreakerError|"
    r"circuit[ _-]?breaker (?:is |still |now )?open|\bbreaker is open|\bcircuit (?:is (?:now )?)?open\b|"
    r"short-circuited|MaxRetriesExceededError|ExhaustedRetryException|\bRetryError\b|"
    r"retries (?:exhausted|have been exhausted)|(?:attempts|retry limit) (?:exhausted|reached)|"
    r"\bback-?off\b[^\n]{0,200}?\bexhausted\b|"
    r"\b(?:gave|giving) up\b[^\n]{0,200}?\bafter \d+ (?:attempt|retr|tries\b|try\b)|"
    r"exceeded (?:the )?max(?:imum)? (?:number of )?(?:retries|attempts)",
    re.IGNORECASE,
)
"""A caller that stopped calling: a circuit breaker refusing the call because it opened (resilience4j's
`CallNotPermittedException: CircuitBreaker 'inventory' is OPEN`, pybreaker's `CircuitBreakerError`, opossum's
`Breaker is open`, Polly's `BrokenCircuitException`, gobreaker's `circuit breaker is open`, Hystrix's
`short-circuited`), or a retry loop that gave up (celery's `MaxRetriesExceededError`, Spring Retry's
`ExhaustedRetryException`, tenacity's `RetryError`, Spring Kafka's `Backoff FixedBackOff{…} exhausted for
orders-3@1187`, go-retryablehttp's `giving up after 4 attempt(s)`, backoff's `Giving up fetch(...) after 4 tries`).
urllib3's `Max retries exceeded with url` is the failed call itself, not this."""
_RETRYING = compile_regex(
    r"\bretry(?:ing)?\b|\bwill retry\b|\bbacking off\b|\battempt \d+ (?:of|/) ?\d+", re.IGNORECASE
)
"""A failure the code retries: `Retry in 30s: SMTPServerDisconnected(…)`, `retrying in 2s`, backoff's `Backing off
fetch(...) for 0.5s (…)`, `attempt 3 of 5`."""
_GIVE_UP_NAMES = compile_regex(
    r"'([\w.-]{3,80})'|\b([a-z_]\w*(?:\.\w+){2,})\[|\b(\w{3,80}) short-circuited|\braised (\w{3,80})>"
)
"""What a caller that gave up names: its breaker (`CircuitBreaker 'inventory'`), its task (celery's
`mailer.tasks.send_receipt[…]`), its Hystrix command (`PricingCommand short-circuited`) or the exception its last
attempt raised (tenacity's `RetryError[<Future at 0x7f… state=finished raised ConnectionError>]`)."""
_NAME_ROLE = compile_regex(r"(?<=\w\w\w)[-_.]?(?:client|service|svc|api|breaker|cb|command)$", re.IGNORECASE)
"""What a breaker's or command's name may end with to say what it is rather than what it calls
(`paymentsClient`, `PricingCommand`, `stripe-api`)."""
_UNNAMING = frozenset({"default"})
"""A breaker's name that names no service: resilience4j's and Polly's configuration `default` (App Engine's default
service is named so too)."""
GIVE_UP_LEAD = timedelta(minutes=10)
"""How long before a caller gave up the failures it gave up on may have ended (a breaker stays open, then half-open,
for minutes)."""


def _gave_up(cluster: Cluster) -> bool:
    return cluster.kind != "request" and _GAVE_UP.search(_head(cluster)) is not None


def _texts(cluster: Cluster, facts: ResolvedFacts) -> list[str]:
    """The problem's head and the texts of its events that name a failed call (`facts.mentions`)."""
    return [
        _head(cluster),
        *facts.mentions.get(cluster.fingerprint, {}),
    ]


def _retried_or_failed_call(cluster: Cluster, facts: ResolvedFacts) -> bool:
    """The problem is a call that failed (`names_failure`: a status, a timeout, a call cut off) or a failure the
    code retries (`_RETRYING`)."""
    return any(names_failure(text) or _RETRYING.search(text) for text in _texts(cluster, facts))


def _give_up_names(head: str) -> set[str]:
    """The names a caller that gave up says (`_GIVE_UP_NAMES`), lowered, each also without the word that says
    what it is (`_NAME_ROLE`: `paymentsclient` and `payments`)."""
    names = {m.group(m.lastindex or 0).lower() for m in _GIVE_UP_NAMES.finditer(head)}
    return names | {_NAME_ROLE.sub("", name) for name in names}


def _counted(effect: Cluster, causes: list[Cluster], facts: ResolvedFacts) -> list[Cluster]:
    """Which of the failed calls the caller gave up on: when it names its breaker, task or command, those naming it
    (none if none does); else those whose words it quotes (`QUOTE_MIN_WORDS` in a row: the last failure it
    reports), else the only one if it says a call failed (`names_failure`; a retry that names no failed call,
    `Retrying metrics export in 5s: exporter queue is full`, is not what a breaker counts)."""
    names = _give_up_names(_head(effect))
    if names:
        return [c for c in causes if any(n in t.lower() for n in names for t in _texts(c, facts))]
    runs = {run for text in _texts(effect, facts) for run in _word_runs(_words(text))}
    quoted = [c for c in causes if any(runs & _word_runs(_words(text)) for text in _texts(c, facts))]
    if quoted:
        return quoted
    failed = [c for c in causes if any(names_failure(text) for text in _texts(c, facts))]
    return failed if len(causes) == 1 else []


def _named_services_failing(
    effect: Cluster, clusters: Sequence[Cluster], facts: ResolvedFacts
) -> list[Cluster]:
    """The failures, in the same minutes, of another service a caller that gave up names as its breaker or command
    (`'catalog'`, `'catalogClient'`, `CatalogCommand`; in any of its samples, as one problem may hold several
    breakers): that service's 5xx responses, else its other failures."""
    heads = [f"{effect.title}\n{effect.message}", *(sample.message for sample in effect.samples)]
    names = {name for head in heads for name in _give_up_names(head[:MENTION_CHARS])} - _UNNAMING
    failing = [
        c
        for c in clusters
        if c is not effect
        and not set(c.services) & set(effect.services)
        and any(s.lower().rpartition("/")[2] in names for s in c.services)
        and _is_failure(c)
        and _same_minutes(c, effect, facts)
    ]
    answered = [c for c in failing if role(c) == SERVER_ERROR]
    return answered or failing


def _give_up_links(clusters: Sequence[Cluster], facts: ResolvedFacts, links: _Links) -> None:
    """A caller that gave up (`_GAVE_UP`: its circuit breaker opened, its retries ran out) is the effect of the
    failed or retried calls of its own service that began before it and went on until at most `GIVE_UP_LEAD`
    before it began (`_retried_or_failed_call`), the ones it counted (`_counted`); when it logged none, of the
    failures of the service its breaker is named after in the same minutes (`_named_services_failing`)."""
    for effect in [c for c in clusters if _gave_up(c)]:
        causes = [
            c
            for c in clusters
            if c.kind != "request"
            and c is not effect
            and not _gave_up(c)
            and set(c.services) & set(effect.services)
            and c.first_seen <= effect.first_seen
            and effect.first_seen - GIVE_UP_LEAD <= c.last_seen
            and Severity[c.max_severity] >= Severity.WARNING
            and _retried_or_failed_call(c, facts)
        ]
        for cause in _counted(effect, causes, facts) if causes else ():
            links.add(
                cause.fingerprint,
                effect.fingerprint,
                "service",
                f"in {' and '.join(_q(s) for s in sorted(effect.services))}, {_q(effect.title)} (from "
                f"{_hhmm(effect.first_seen)}) gave up on the calls {_q(cause.title)} failed "
                f"({_hhmm(cause.first_seen)}–{_hhmm(cause.last_seen)})",
            )
        for upstream in () if causes else _named_services_failing(effect, clusters, facts):
            links.add(
                upstream.fingerprint,
                effect.fingerprint,
                "upstream",
                f"{_q(effect.title)} ({', '.join(effect.services)}) names its breaker after "
                f"{' and '.join(_q(s) for s in sorted(upstream.services))} while {_q(upstream.title)} fails "
                f"({_hhmm(upstream.first_seen)}–{_hhmm(upstream.last_seen)})",
            )


def find_links(
    clusters: Sequence[Cluster], facts: ResolvedFacts, instance_window_seconds: float
) -> list[Link]:
    """Every link the evidence supports between `clusters`, cause first."""
    by_fingerprint = {c.fingerprint: c for c in clusters}
    links = _Links()
    _trace_links(by_fingerprint, facts, links)
    _revision_links(by_fingerprint, facts, links)
    # before the instance rule, which orders two problems by role: a proxy's call cut off (an error) does not
    # cause the exit of the application it called
    _local_upstream_links(by_fingerprint, facts, instance_window_seconds, links)
    _instance_links(by_fingerprint, facts, instance_window_seconds, links)
    _startup_warning_links(by_fingerprint, facts, instance_window_seconds, links)
    _proxy_links(by_fingerprint, facts, instance_window_seconds, links)
    _restart_links(by_fingerprint, facts, links)
    _earlier_failure_links(by_fingerprint, facts, links)
    _node_links(by_fingerprint, facts, links)
    _service_links(clusters, facts, links)
    _dependency_links(clusters, facts, links)
    _job_links(clusters, facts, links)
    _autoscaler_links(clusters, facts, links)
    _volume_links(by_fingerprint, facts, links)
    _upstream_links(clusters, facts, links)
    _give_up_links(clusters, facts, links)
    _host_links(clusters, facts, links)
    _endpoint_links(clusters, facts, links)
    _dead_letter_links(clusters, facts, links)
    _quote_links(clusters, facts, links)
    _status_quote_links(clusters, facts, links)
    _flood_stage_links(clusters, facts, links)
    _outage_links(clusters, facts, links)
    _cluster_dns_links(clusters, facts, links)
    _certificate_links(clusters, facts, links)
    _pool_links(clusters, facts, links)
    return links.links()
