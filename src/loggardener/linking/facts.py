"""Per-event facts the linking rules need, collected while events are clustered, in bounded memory.

`LinkFacts.observe` sees every event of the window (below the severity threshold too): which revisions of
each service ran when, the deployment audit entries, and the other admin-activity and system-event audit
entries (configuration changes: `ChangeMarker`). `LinkFacts.add` sees every clustered event with its
cluster key: its trace (kept in a bounded LRU of recent traces, with each key's earliest time in it, so
which problem a trace logged first is counted), its instance (a bounded per-instance window,
`CoOccurrence`; for a Kubernetes pod's events a second one, as long as the kubelet's restart back-off) and the revisions each cluster appears in with its first and last time there. A request
counts until it ended (its timestamp, its start, plus its latency). No event is
kept: memory follows the number of clusters, revisions and recent traces, never the number of events.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TypeVar

from loggardener.entries.models import Event, LogEntry, Quiet, Severity, log_project
from loggardener.entries.payloads import SCOPE_API, SCOPE_VALIDATE_ONLY, pod_workload
from loggardener.linking.cooccurrence import MAX_SPAN_SECONDS, CoOccurrence
from loggardener.linking.models import ChangeMarker, DeployMarker
from loggardener.regexes import compile_regex

MAX_TRACES = 20_000
"""Recent traces remembered (least recently seen forgotten first)."""
MAX_KEYS_PER_TRACE = 16
MAX_TRACE_PAIRS = 100_000
MAX_REVISIONS = 10_000
"""(service, revision) pairs whose span is kept."""
MAX_REVISIONS_PER_KEY = 64
MAX_DEPLOYS = 200
"""Deploy markers kept (the earliest), and as many change markers."""
RESTART_WINDOW_SECONDS = 300.0
"""How long after a container's crash the kubelet may report restarting it (`Back-off restarting failed
container`): its back-off doubles from 10 s up to five minutes."""
POD_RESOURCES = frozenset({"k8s_container", "k8s_pod"})
MAX_MENTIONS_PER_KEY = 8
"""Distinct texts naming a failed call (`names_failure`) kept per cluster key (the first seen), each clipped."""
MENTION_CHARS = 2_000
MAX_MINUTES_PER_KEY = 64
"""Distinct minutes kept per cluster key in which it occurred; a problem seen in more is chronic, and only its
first and last time count (`ResolvedFacts.minutes`)."""
_CHRONIC: frozenset[int] = frozenset()
"""The minutes of a cluster key seen in more than `MAX_MINUTES_PER_KEY`: none kept."""
MAX_TAGS_PER_KEY = 4
"""Distinct header tags (`LogEntry.tag`) kept per cluster key (the first seen)."""
MAX_NODES_PER_KEY = 16
"""Distinct nodes (VMs: `LogEntry.node`) kept per cluster key that its events ran on (the first seen)."""
VM_STOPPED = compile_regex(
    r"^(?:(?:v1|beta)\.)?compute\.instances\."
    r"(?:preempted|hostError|automaticRestart|terminateOnHostMaintenance|guestTerminate|stop|reset|suspend|delete)$"
)
"""Audit methods of a VM stopped or restarted under what runs on it: by Compute Engine (a Spot VM preempted, a host
error, a maintenance termination; system-event log) or by someone (`v1.compute.instances.reset`, `…stop`)."""
MAX_CLUSTERS_PER_KEY = 4
"""Distinct Kubernetes clusters (`LogEntry.cluster`) kept per cluster key that its events came from (the first seen)."""
_NODE_POOL_CLUSTER = compile_regex(r"/clusters/([^/\s]+)/nodePools/")
"""The cluster a node pool's resource name places it in (`projects/p/locations/l/clusters/prod/nodePools/pool-1`)."""
_CLUSTER_ITSELF = compile_regex(r"/clusters/([^/\s]+)$")
"""A GKE cluster's own resource name (`projects/p/locations/l/clusters/prod`): a change of its control plane
(`…ClusterManager.UpdateMaster`, an IP rotation), not of a node pool."""
GKE_METHOD = "google.container."
"""How GKE's audit methods begin (`google.container.v1.ClusterManager.UpdateMaster`, an automatic upgrade's
`google.container.internal.ClusterManagerInternal.UpdateClusterInternal`): a Memorystore for Redis Cluster's, an AlloyDB's or a Dataproc cluster's resource
names `…/clusters/x` too, and their clients may run in any Kubernetes cluster."""
_K8S_SUBRESOURCE = compile_regex(
    r" on \S*/([a-z0-9][a-z0-9.-]{0,252})/(?:scale|status|rollback|ephemeralcontainers|eviction|resize|binding)$"
)
"""A Kubernetes object's subresource in GKE's audited resource name (`apps/v1/namespaces/shop/deployments/orders/scale`
of `io.k8s.apps.v1.deployments.scale.patch`): the object changed is the one named before it (`orders`)."""
_K8S_METHOD = "io.k8s."
"""How GKE's audit methods of Kubernetes API calls begin (`io.k8s.core.v1.secrets.update`)."""
_K8S_NAMESPACE = compile_regex(r"/namespaces/([a-z0-9][a-z0-9-]{0,62})/")
"""The namespace a Kubernetes object's audited resource name places it in (`core/v1/namespaces/shop/secrets/x`)."""
MAX_OWNERS_PER_KEY = 4
"""Distinct owners of the Kubernetes pods a cluster key's events came from (`pod_owners`), the first seen."""
_POD_NAME_SUFFIX = compile_regex(r"[a-z0-9]{5}")
"""The random suffix the controller that made a pod gave its name (`nightly-export-29145600-7xk2p`)."""
_K8S_WORKLOAD = compile_regex(r"^io\.k8s\.apps\.v1\.(?:deployments|statefulsets|daemonsets|replicasets)\.")
"""Audit methods of a Kubernetes workload whose pods are named after it (`io.k8s.apps.v1.deployments.patch`, its
`…deployments.scale.patch`): a rollout, a scale, a deletion of what runs those pods."""
_POD_TEMPLATE_HASH = compile_regex(r"[bcdfghjklmnpqrstvwxz0-9]{5,10}")
"""The pod-template hash a Deployment names its ReplicaSets with (`pricing-6f8d9c7b5`, whose pods are
`pricing-6f8d9c7b5-m2k4r`): a 32-bit number's digits in Kubernetes' alphabet without vowels (`rand.SafeEncodeString`),
or the number itself before Kubernetes 1.8; a word after the Deployment's name (`pricing-worker`) is another workload."""
_POOL_MEMBER_DOWN = compile_regex(r"\bServer ([\w.:-]{1,100})/[\w.:-]{1,100} is (?:going )?DOWN\b")
"""HAProxy taking a server of a backend out (`Server be_api/api-2 is DOWN, reason: Layer4 connection problem`, `Backup
Server …`, `… is going DOWN for maintenance`): the backend's name."""
_POOL_EMPTY = compile_regex(r"\b(?:backend|proxy) '?([\w.:-]{1,100})'? has no server available!")
"""HAProxy's alert that a backend has no server left to send a request to (`backend 'be_api' has no server
available!`; before 2.x unquoted): the backend's name."""
POOL_DOWN = "down"
POOL_EMPTY = "empty"
MAX_POOLS_PER_KEY = 16
"""Distinct (kind, balancer, backend) kept per cluster key (`ResolvedFacts.pools`), the first seen."""
MAX_DATABASES = 1_000
"""Cloud SQL instances whose engine is kept (`_see_database`), the first seen."""
_DATABASE_LOG_ENGINES = (("postgres", "PostgreSQL"), ("mysql", "MySQL"), ("sqlserver", "SQL Server"))
"""The engine that writes a Cloud SQL instance's log, by its name (`cloudsql.googleapis.com/postgres.log`,
`…/mysql.err`, `…/mysql-slow.log`, `…/sqlserver.err`)."""
MAX_PODS = 50_000
"""Pods whose application label (`LogEntry.pod_app`) was read (the first seen)."""
MAX_APPS_PER_SERVICE = 4
MAX_HOSTS_PER_SERVICE = 4
"""Cloud Run hosts kept per service (`run_hosts`)."""
_RUN_HOST = compile_regex(r"[a-z0-9-]{1,80}\.(?:a|[a-z]{1,20}-[a-z]{1,20}\d{1,2})\.run\.app")
"""The host of a Cloud Run service's own URL in its request log (`orders-5otr7xq3za-uc.a.run.app`,
`orders-123456789012.us-central1.run.app`)."""
_LATENCY = compile_regex(r"(\d{1,7}(?:\.\d{1,9})?)s")
FAILED_STATUS_WORD = compile_regex(r"(?:5(?<![\w.]5)\d\d|4(?<![\w.]4)(?:29|0[13]))(?![\w.])")
"""A 5xx status, a 429 (a server shedding load: `no available instance`, a rate limit) or a 401 or 403 (a
server refusing the caller) as a word in text: `returned 503`, `code number = 500`, `'429 Too Many Requests'`,
`'403 Forbidden' for url` (not after a word character or a dot; written to start with its literal digit,
which the regular expression engine finds fast, then look behind)."""
TIMED_OUT = compile_regex(r"timed[ _]?out|timeout|deadline[ _]exceeded", re.IGNORECASE)
"""A call that timed out, as clients say it: `ReadTimeout`, `timed out`, `DEADLINE_EXCEEDED`, `deadline exceeded`."""
_TIMEOUT_HINTS = ("timed", "timeout", "deadline")
"""Substrings one of which every `TIMED_OUT` match holds once lowered (`ETIMEDOUT`, `TimeOut`), checked before
the regular expression runs."""
CUT_OFF = compile_regex(
    r"(?i:connection refused|connection reset|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|no route to host|"
    r"Failed to establish a new connection|socket hang up|upstream connect error|no healthy upstream|"
    r"Connection aborted|RemoteDisconnected|Connection to [^\s]{1,200} refused|No connection could be made|"
    r"Cannot connect to host|Connect call failed|Failed to connect to|(?:It was not possible|Unable) to connect to|"
    r"UnableToConnect|"
    r"Connection to [^\n]{1,300}? could not be established|Connect attempt to [^\n]{1,300}? returned error \d|"
    r"upstream prematurely closed connection|no live upstreams)|"
    r"\bUNAVAILABLE\b|code = Unavailable"
)
"""A call its server did not take or answer, as clients say it: refused (`ECONNREFUSED`, `[Errno 111] Connection
refused`, PostgreSQL JDBC's `Connection to 10.0.0.3:5432 refused`, .NET's `No connection could be made`, OkHttp's
and curl's `Failed to connect to`, StackExchange.Redis' `It was not possible to connect to the redis server(s).
UnableToConnect on …`, Lettuce's `Unable to connect to …`, Kafka's `Connection to node 1 (…:9092) could not be established` and kafka-python's
`Connect attempt to <BrokerConnection …> returned error 111`), reset, unreachable, Envoy's `upstream connect error` and `no healthy upstream`,
nginx's `upstream prematurely closed connection` (the upstream hung up before it answered) and `no live upstreams`,
gRPC's `14 UNAVAILABLE` and `code = Unavailable` (in capitals: `temporarily unavailable` is a local resource's
`EAGAIN`)."""


_SERVICE_NAME = r"([a-z0-9][a-z0-9-]{0,62})/([a-z0-9][a-z0-9-]{0,62})"
_FIELD_VALUE = r'"?([a-z0-9][a-z0-9-]{0,62})"?'
NO_ENDPOINTS = compile_regex(
    rf'Service "{_SERVICE_NAME}" does not have any active Endpoint|'
    rf"(?:Service endpoints not found|[Ee]ndpoints not (?:available|found)|subset not found) for {_SERVICE_NAME}|"
    rf"Skipping service: no endpoints found(?:[^\n]*? namespace={_FIELD_VALUE} (?:(?!namespace=)[^\n])*?"
    rf"serviceName={_FIELD_VALUE}(?![\w-])| \(upstream: {_SERVICE_NAME}\))"
)
"""A proxy in front of a Kubernetes Service saying, by `namespace/name`, that the Service has no endpoint to pass a
call to (no pod of it is ready): ingress-nginx's `Service "shop/cart" does not have any active Endpoint.`,
Traefik 1's `Endpoints not available for shop/cart` and `Service endpoints not found for shop/cart`, Traefik's CRD
provider's `endpoints not found for shop/cart` and `subset not found for shop/cart` (no pod ready), Traefik 2's and
3's `Skipping service: no endpoints found` with the Service in its fields (`… namespace=shop providerName=kubernetes
serviceName=cart …` in a text line, or as the upstream the parser read from them: `(upstream: shop/cart)`)."""


def no_endpoint_service(text: str) -> str:
    """The Kubernetes Service (`shop/cart`) a text says has no endpoint (`NO_ENDPOINTS`), or ""."""
    found = NO_ENDPOINTS.search(text) if "ndpoint" in text or "subset" in text else None
    if found is None:
        return ""
    first = next(i for i in range(1, 9, 2) if found[i])
    return f"{found[first]}/{found[first + 1]}"


CONTAINER_RESOURCES = frozenset({"k8s_container"})
"""Resource types of a container's own log, read by node only when it says a process was killed."""
_KILL_HINTS = ("kill", "signal 9", " 137", "abrupt")


def may_say_killed(message: str) -> bool:
    """A cheap gate before `linking.rules._KILLED`: the text's head may say a process was killed (`SIGKILL`,
    `signal 9`, `signal: killed`, `exit code 137`, `terminated abruptly`)."""
    head = message[:MENTION_CHARS].lower()
    return any(map(head.__contains__, _KILL_HINTS))


def _may_be_cut_off(lowered: str) -> bool:
    """Whether a lowered text holds a substring every `CUT_OFF` match holds (`conn`: refused, reset, aborted,
    established, disconnected, connect to host; or `unavailable`, `upstream`, `hang up`, `unreach`, `no route`),
    checked before the regular expression runs."""
    return (
        "conn" in lowered
        or "unavailable" in lowered
        or "upstream" in lowered
        or "hang up" in lowered
        or "unreach" in lowered
        or "no route" in lowered
    )


def names_failure(text: str) -> bool:
    """The text's head names a failed status (`FAILED_STATUS_WORD`), a timeout (`TIMED_OUT`), a call cut off
    (`CUT_OFF`) or a Kubernetes Service with no endpoint to take a call (`NO_ENDPOINTS`)."""
    if FAILED_STATUS_WORD.search(text, 0, MENTION_CHARS):
        return True
    head = text[:MENTION_CHARS]
    lowered = head.lower()
    if any(map(lowered.__contains__, _TIMEOUT_HINTS)) and TIMED_OUT.search(head) is not None:
        return True
    if _may_be_cut_off(lowered) and CUT_OFF.search(head) is not None:
        return True
    return ("endpoint" in lowered or "subset" in lowered) and NO_ENDPOINTS.search(head) is not None


_head_names_failure = functools.lru_cache(maxsize=8192)(names_failure)
"""`names_failure` of a text's head (`MENTION_CHARS`, all it reads): clustered events repeat their messages."""


DEPLOY_METHODS = frozenset(
    {
        "CreateService",
        "ReplaceService",
        "UpdateService",
        "CreateRevision",
        "ReplaceInternalService",
        "CreateFunction",
        "UpdateFunction",
        "CreateVersion",
    }
)
"""Last part of the audit method names that deploy code (Cloud Run, Cloud Functions, App Engine)."""
DEPLOYING_RESOURCES = frozenset({"cloud_run_revision", "gae_app"})
"""Resource types whose `revision` is a deployed revision (not a job execution or a pod)."""
_CHANGED_RESOURCE = compile_regex(r" on (?:[^\s/]*/)*?(?!-(?:/|$))([^\s/]+)(?:/[^\s/]+/\d+)?$")
"""The changed resource's own name in an audit entry's message: its last name part (`storage.setIamPermissions
on projects/_/buckets/media-raw`), or the one before a numbered version (`secrets/db-password/versions/3`);
never a wildcard `-` (`projects/-/serviceAccounts/104729384756102938475` is that numbered account)."""
_HIERARCHY_NODE = compile_regex(r" on ((?:projects|folders|organizations)/[^\s/]+)$")
"""A change to a whole project, folder or organization (`SetIamPolicy on projects/shop-prod`): its resource is
told with its kind, `projects/shop-prod`, as it concerns everything in it."""
_RESOURCE_SERVICE = compile_regex(r"/(?:services|functions)/([^/\s]+)")
_COLLECTION = compile_regex(r"/([A-Za-z][A-Za-z0-9]{1,40})/$")
"""The collection before a changed resource's name in its resource name (`topics/` of `projects/p/topics/tx`)."""
_PARENT = compile_regex(r"(?:^|[\s/])([A-Za-z][A-Za-z0-9]{1,40})/([^\s/]{1,200})/$")
"""The collection and name of the resource a changed one is in (`datasets/analytics_sandbox/` before `tables/`)."""
_NOT_PARENTS = frozenset(
    {"projects", "folders", "organizations", "locations", "regions", "zones", "namespaces"}
)
"""Collections that hold everything of a place (`projects/shop-prod`): its resources are named without them."""
_RESOURCE_PROJECT = compile_regex(r" on projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/")
"""The project id a changed resource's name is in (`projects/shop-staging/instances/orders-db`): an id begins with a
letter, so a project number (`projects/418276301552/secrets/…`) and a wildcard (`projects/_/buckets/…`) are not one."""

_ATTACHED_TO_PROJECT = compile_regex(
    r" on policies/cloudresourcemanager\.googleapis\.com%2Fprojects%2F([a-z][a-z0-9-]{4,28}[a-z0-9])/"
)
"""The project an IAM deny policy is attached to, URL-encoded in its name (`policies/cloudresourcemanager.googleapis.com
%2Fprojects%2Fshop-prod/denypolicies/deny-deletes`): it refuses calls in that project only."""


@dataclass(slots=True)
class Span:
    """When something was seen: first and last time (seconds since the epoch) and how many times."""

    first: float
    last: float
    count: int = 1

    def see(self, seconds: float) -> None:
        # as min() and max(), without their calls (one per revision line and clustered event)
        if seconds < self.first:
            self.first = seconds
        if seconds > self.last:
            self.last = seconds
        self.count += 1

    def merge(self, other: Span) -> None:
        self.first = min(self.first, other.first)
        self.last = max(self.last, other.last)
        self.count += other.count

    @property
    def start(self) -> datetime:
        return datetime.fromtimestamp(self.first, tz=timezone.utc)

    @property
    def end(self) -> datetime:
        return datetime.fromtimestamp(self.last, tz=timezone.utc)


RevisionKey = tuple[str, str]
"""(service, revision)."""

DATABASE_RESOURCES = frozenset(
    {"cloudsql_database", "alloydb.googleapis.com/Instance", "spanner_instance", "redis_instance"}
)
"""Managed databases whose own logs tell why they refused a client."""
_K = TypeVar("_K", str, RevisionKey)
_M = TypeVar("_M", DeployMarker, ChangeMarker)
_T = TypeVar("_T", str, tuple[str, str, str])


@dataclass
class ResolvedFacts:
    """The facts per final fingerprint, read by the linking rules."""

    instance_shares: dict[tuple[str, str], float]
    """(a, b) → share of a's occurrences with one of b on the same instance within the window."""
    trace_shares: dict[tuple[str, str], float]
    """(a, b) → share of a's traced occurrences whose trace also holds b."""
    trace_first: dict[tuple[str, str], int]
    """(a, b) → traces holding both in which a was first logged before b."""
    revisions: dict[RevisionKey, Span]
    """Every deployed revision seen in the window, at any severity."""
    cluster_revisions: dict[str, dict[RevisionKey, Span]]
    """Per fingerprint, the deployed revisions its events came from."""
    deploys: list[DeployMarker]
    changes: list[ChangeMarker]
    mentions: dict[str, dict[str, Span]]
    """Per fingerprint, texts of its events that name a 5xx status or a timeout (candidates for naming an
    upstream)."""
    restart_shares: dict[tuple[str, str], float]
    """As `instance_shares`, for Kubernetes pods' events within `RESTART_WINDOW_SECONDS`."""
    node_shares: dict[tuple[str, str], float]
    """As `restart_shares`, for the events of one Kubernetes node (its own, and its pods')."""
    minutes: dict[str, frozenset[int]]
    """Per fingerprint, the minutes (since the epoch) it occurred in, when they are few (`MAX_MINUTES_PER_KEY`):
    a problem of several days' outages is not failing in the hours between them."""
    server_minutes: dict[str, dict[str, frozenset[int]]]
    """Per fingerprint of a managed database's own problem, per instance (its service), the minutes that instance
    logged it in, when they are few: two instances restarted on different days log one problem (`terminating
    connection due to administrator command`), and a client failing on the first day called the first."""
    run_hosts: dict[str, frozenset[str]]
    """Per Cloud Run service, the hosts of its own URL its requests were made to (`orders-5otr7xq3za-uc.a.run.app`):
    the URL of a service of that name in another project has another host."""
    service_apps: dict[str, frozenset[str]]
    """Per Kubernetes service (`namespace/container`, and the pod's workload `namespace/workload`), the applications
    its pods are labelled with when named otherwise (`shop/catalog-backend`: `catalog`): a Service selects its pods by
    that label, and callers name the Service."""
    tags: dict[str, frozenset[str]]
    """Per fingerprint, the components its lines' headers named in brackets (`mysql`: go-sql-driver's logger), which
    the messages lost with their headers."""
    pod_owners: dict[str, frozenset[str]]
    """Per fingerprint, `namespace/name` of the objects that made the Kubernetes pods its events came from, read from
    the pods' names (`batch/nightly-export-29145600` of pod `nightly-export-29145600-7xk2p`: its Job)."""
    pools: dict[str, frozenset[tuple[str, str, str]]]
    """Per fingerprint, the load balancers' backends its lines named, each with what they said of it and the balancer
    (the service that logged it): a server taken out (`POOL_DOWN`: HAProxy's `Server be_api/api-2 is DOWN`) or none
    left (`POOL_EMPTY`: `backend 'be_api' has no server available!`). The alert's template masks the backend's name,
    and one problem may hold the lines of several balancers; this keeps which said what."""


def is_deploy(entry: LogEntry) -> bool:
    """A successful deployment audit entry (activity log, a deploy method, no error, not a request only validated:
    `SCOPE_VALIDATE_ONLY`)."""
    method = entry.audit_method or ""
    return (
        entry.log_id.endswith("/activity")
        and method.rsplit(".", 1)[-1] in DEPLOY_METHODS
        and entry.severity < Severity.ERROR
        and SCOPE_VALIDATE_ONLY not in entry.audit_scope
    )


CHANGE_LOGS = ("/activity", "/system_event")
"""Audit logs of configuration changes: made by someone (admin activity) or by Google's systems (system event:
a Cloud SQL maintenance, a VM's live migration or preemption)."""
DATA_WRITE_CHANGES = compile_regex(
    r"\.ArtifactRegistry\.(?:DeleteVersion|DeletePackage|BatchDeleteVersions)$"
)
"""Deletions an API records as data writes, in its data access log, that remove what deploys and pods pull: an
Artifact Registry image's version or whole package (`gcloud artifacts docker images delete`); its tags' deletion
is an admin activity."""
_DATA_ACCESS_LOG = "/data_access"


def _change(entry: LogEntry) -> ChangeMarker | None:
    """A successful admin-activity or system-event audit entry that deploys nothing, with the resource it
    changed; None if not, or if its request only asked to be validated (`SCOPE_VALIDATE_ONLY`)."""
    if entry.audit_status or entry.severity >= Severity.ERROR or SCOPE_VALIDATE_ONLY in entry.audit_scope:
        return None
    if not entry.log_id.endswith(CHANGE_LOGS) and not (
        entry.log_id.endswith(_DATA_ACCESS_LOG) and DATA_WRITE_CHANGES.search(entry.audit_method or "")
    ):
        return None
    changed = _HIERARCHY_NODE.search(entry.message) or _CHANGED_RESOURCE.search(entry.message)
    if changed is None or is_deploy(entry):
        return None
    change = ChangeMarker(
        timestamp=entry.timestamp,
        method=entry.audit_method or "",
        resource=changed.group(1),
        principal=entry.principal,
        grants_only=entry.audit_grants_only,
    )
    collection = _COLLECTION.search(entry.message[: changed.start(1)])
    if collection is not None:
        change = change.with_collection(collection.group(1))
        parent = _PARENT.search(entry.message[: collection.start(1)])
        if parent is not None and parent.group(1).lower() not in _NOT_PARENTS:
            change = change.with_parent(parent.group(2))
    project = _RESOURCE_PROJECT.search(entry.message) or _ATTACHED_TO_PROJECT.search(entry.message)
    if project is not None:
        change = change.with_project(project.group(1))
    if entry.audit_scope:
        api = next((part for part in entry.audit_scope if part.startswith(SCOPE_API)), None)
        if api is not None:  # a quota's change is told as one of its API (`translate.googleapis.com`)
            change = change.model_copy(update={"resource": api[len(SCOPE_API) :]})
        change = change.with_scope(entry.audit_scope)
    pool = _NODE_POOL_CLUSTER.search(entry.message) if "/nodePools/" in entry.message else None
    if pool is not None:
        return change.with_cluster(pool.group(1))
    if not change.method.startswith(_K8S_METHOD):
        gke = change.method.startswith(GKE_METHOD) and "/clusters/" in entry.message
        itself = _CLUSTER_ITSELF.search(entry.message) if gke else None
        return change.with_cluster(itself.group(1)) if itself else change
    subresource = _K8S_SUBRESOURCE.search(entry.message)
    if subresource is not None:
        change = change.model_copy(update={"resource": subresource.group(1)})
    if entry.cluster:
        change = change.with_cluster(entry.cluster)
    namespace = _K8S_NAMESPACE.search(entry.message)
    return change.with_namespace(namespace.group(1)) if namespace else change


def _deploy(entry: LogEntry) -> DeployMarker:
    service = entry.service
    if not service:
        named = _RESOURCE_SERVICE.search(entry.message)
        service = named.group(1) if named else None
    return DeployMarker(
        timestamp=entry.timestamp,
        method=entry.audit_method or "",
        service=service or None,
        revision=entry.revision,
        principal=entry.principal,
        project=log_project(entry.log_name),
    )


class LinkFacts:
    """Streaming collector of the facts the linking rules need."""

    def __init__(self, instance_window_seconds: float) -> None:
        self.co_occurrence = CoOccurrence(instance_window_seconds)
        self.restarts = CoOccurrence(RESTART_WINDOW_SECONDS)
        self.nodes = CoOccurrence(RESTART_WINDOW_SECONDS)
        self._traces: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._traced: Counter[str] = Counter()
        self._trace_pairs: Counter[tuple[str, str]] = Counter()
        self._trace_before: Counter[tuple[str, str]] = Counter()
        self._revisions: dict[RevisionKey, Span] = {}
        self._key_revisions: dict[str, dict[RevisionKey, Span]] = {}
        self._deploys: list[tuple[float, int, DeployMarker]] = []
        self._deploy_count = 0
        self._changes: list[tuple[float, int, ChangeMarker]] = []
        self._mentions: dict[str, dict[str, Span]] = {}
        self._minutes: dict[str, set[int] | frozenset[int]] = {}
        self._server_minutes: dict[tuple[str, str], set[int] | frozenset[int]] = {}
        self._run_hosts: dict[str, set[str]] = {}
        self._tags: dict[str, set[str]] = {}
        self._pod_owners: dict[str, set[str]] = {}
        self._pools: dict[str, set[tuple[str, str, str]]] = {}
        self._database_engines: dict[str, set[str]] = {}
        self._pods: set[tuple[str, str, str]] = set()
        self._service_apps: dict[str, set[str]] = {}
        self._key_nodes: dict[str, set[str]] = {}
        self._key_clusters: dict[str, set[str]] = {}

    @property
    def traces_held(self) -> int:
        return len(self._traces)

    def observe(self, event: Event) -> None:
        """Every event of the window, whatever its severity: revisions seen and deploy markers."""
        entry = event.primary
        seconds = entry.timestamp.timestamp()
        revision = _revision_key(entry)
        occurrences = event.occurrences
        if revision is not None and occurrences is None:
            self._see_revision(revision, seconds)
        elif revision is not None and occurrences is not None:
            # the entries a source counted (Log Analytics): seen from the first to the last, as many times
            counted = Span(occurrences.first.timestamp(), occurrences.last.timestamp(), occurrences.count)
            _see_span(self._revisions, revision, counted, MAX_REVISIONS)
        if entry.pod_app and entry.instance and entry.service:
            self._see_pod_app(entry.service, entry.instance, entry.pod_app)
        if entry.resource_type == "cloudsql_database" and entry.service:
            self._see_database(entry.service, entry.log_name)
        if entry.audit_method and is_deploy(entry):
            _keep(self._deploys, (-seconds, self._deploy_count, _deploy(entry)))
        elif entry.audit_method and (change := _change(entry)) is not None:
            _keep(self._changes, (-seconds, self._deploy_count, change))
        self._deploy_count += 1 if entry.audit_method else 0

    def observe_quiet(self, quiet: Quiet) -> None:
        """What `observe` reads of an entry the parser skimmed (below WARNING, no audit payload, so never a
        deploy marker): the revision it ran, a Cloud SQL instance's engine, the application its pod is labelled
        with."""
        if quiet.resource_type in DEPLOYING_RESOURCES and quiet.service and quiet.revision:
            self._see_revision((quiet.service, quiet.revision), quiet.timestamp.timestamp())
        elif quiet.resource_type == "cloudsql_database" and quiet.service:
            self._see_database(quiet.service, quiet.log_name)
        elif quiet.pod_app and quiet.instance and quiet.service:
            self._see_pod_app(quiet.service, quiet.instance, quiet.pod_app)

    def _see_database(self, service: str, log_name: str) -> None:
        """The engine of a Cloud SQL instance (`project:instance`), read from the name of the log it wrote."""
        instance = service.rpartition(":")[2]
        engines = self._database_engines.get(instance)
        if engines is None:
            if len(self._database_engines) >= MAX_DATABASES:
                return
            engines = self._database_engines[instance] = set()
        lowered = log_name.lower()
        engines.update(engine for word, engine in _DATABASE_LOG_ENGINES if word in lowered)

    def _with_engine(self, change: ChangeMarker) -> ChangeMarker:
        """A change to a Cloud SQL instance with the engine its own logs show, when they show one."""
        engines = (
            self._database_engines.get(change.resource) if change.method.startswith("cloudsql.") else None
        )
        if not engines or len(engines) != 1:
            return change
        return change.with_engine(next(iter(engines)))

    def _see_pod_app(self, service: str, pod: str, app: str) -> None:
        """The application a pod is labelled with, for its container's service and its workload, when it names them
        otherwise (a pod seen before costs a set lookup)."""
        seen = (service, pod, app)
        if seen in self._pods or len(self._pods) >= MAX_PODS:
            return
        self._pods.add(seen)
        namespace = service.rpartition("/")[0]
        for named in (service, f"{namespace}/{pod_workload(pod)}") if namespace else ():
            if named.rpartition("/")[2] != app:
                apps = self._service_apps.setdefault(named, set())
                if len(apps) < MAX_APPS_PER_SERVICE:
                    apps.add(app)

    def _see_revision(self, revision: RevisionKey, seconds: float) -> None:
        span = self._revisions.get(revision)
        if span is not None:
            span.see(seconds)
        elif len(self._revisions) < MAX_REVISIONS:
            self._revisions[revision] = Span(seconds, seconds)

    def add_counted(self, event: Event, key: str) -> None:
        """The revision of an event that only stands for entries a source counted (`add` reads the entries it sent
        in full): seen from the first to the last of them, as many times, as `add` would have seen each."""
        entry, occurrences = event.primary, event.occurrences
        revision = _revision_key(entry)
        if revision is None or occurrences is None:
            return
        first, last = occurrences.first.timestamp(), occurrences.last.timestamp()
        counted = Span(ended(entry, first), ended(entry, last), occurrences.count)
        _see_span(self._key_revisions.setdefault(key, {}), revision, counted, MAX_REVISIONS_PER_KEY)

    def add(self, event: Event, key: str) -> None:
        """A clustered event with its cluster key; a request counts from its start to its end (`ended`)."""
        entry = event.primary
        seconds = entry.timestamp.timestamp()
        end = ended(entry, seconds)
        self.co_occurrence.add_at(key, entry.instance, seconds, end)
        if entry.resource_type in POD_RESOURCES:
            self.restarts.add_at(key, entry.instance, seconds, end)
        if entry.node:
            if entry.resource_type not in CONTAINER_RESOURCES or may_say_killed(entry.message):
                self.nodes.add_at(key, entry.node, seconds, end)
            nodes = self._key_nodes.get(key)
            if nodes is None:
                self._key_nodes[key] = {entry.node}
            elif len(nodes) < MAX_NODES_PER_KEY:
                nodes.add(entry.node)
        if entry.cluster:
            clusters = self._key_clusters.setdefault(key, set())
            if len(clusters) < MAX_CLUSTERS_PER_KEY:
                clusters.add(entry.cluster)
        if entry.trace:
            self._add_trace(entry.trace, key, seconds)
        minute = int(seconds // 60)
        # `_see_minute` written out: this runs for every clustered event
        minutes = self._minutes.get(key)
        if minutes is None:
            self._minutes[key] = {minute}
        elif minute not in minutes and isinstance(minutes, set):
            if len(minutes) < MAX_MINUTES_PER_KEY:
                minutes.add(minute)
            else:
                self._minutes[key] = _CHRONIC
        if entry.resource_type in DATABASE_RESOURCES and entry.service:
            _see_minute(self._server_minutes, (key, entry.service), minute)
        if entry.tag:
            tags = self._tags.setdefault(key, set())
            if len(tags) < MAX_TAGS_PER_KEY:
                tags.add(entry.tag)
        if entry.resource_type == "k8s_container" and entry.instance and entry.service:
            self._see_pod_owner(key, entry.service, entry.instance)
        if ("DOWN" in entry.message or "server available" in entry.message) and entry.service:
            self._see_pool(key, entry.service, entry.message[:MENTION_CHARS])
        # the upstream a proxy's line named in the context stripped from its message, as the host it called or
        # the Kubernetes Service it found no endpoint of (Traefik's `Skipping service: no endpoints found`)
        text = f"{entry.message} (upstream: {entry.upstream})" if entry.upstream else entry.message
        if _head_names_failure(entry.message[:MENTION_CHARS]) or (
            entry.upstream and no_endpoint_service(text)
        ):
            _see(self._mentions.setdefault(key, {}), text[:MENTION_CHARS], seconds, MAX_MENTIONS_PER_KEY)
        elif (said := _with_exception(entry)) is not None:
            _see(self._mentions.setdefault(key, {}), said, seconds, MAX_MENTIONS_PER_KEY)
        revision = _revision_key(entry)
        if revision is not None:
            _see(self._key_revisions.setdefault(key, {}), revision, end, MAX_REVISIONS_PER_KEY)
            if entry.http is not None and entry.http.url and ".run.app" in entry.http.url:
                self._see_run_host(revision[0], entry.http.url)

    def _see_pod_owner(self, key: str, service: str, pod: str) -> None:
        """Keep the object that made a pod for the key: its name less the random suffix its controller gave it, and
        less the completion index before it (an indexed Job's pod `reindex-0-x8c7v`: `reindex`), or less its ordinal (a
        StatefulSet's pod `ledger-0`: `ledger`)."""
        owner, _, suffix = pod.rpartition("-")
        namespace = service.rpartition("/")[0]
        if not (owner and namespace and (_POD_NAME_SUFFIX.fullmatch(suffix) or suffix.isdigit())):
            return
        owners = self._pod_owners.setdefault(key, set())
        indexed, _, index = owner.rpartition("-")
        for name in (owner, indexed) if indexed and index.isdigit() else (owner,):
            named = f"{namespace}/{name}"
            if named not in owners and len(owners) < MAX_OWNERS_PER_KEY:
                owners.add(named)

    def _see_pool(self, key: str, balancer: str, message: str) -> None:
        """Keep the backend a load balancer's line took a server out of or found empty (`ResolvedFacts.pools`)."""
        for kind, pattern in ((POOL_DOWN, _POOL_MEMBER_DOWN), (POOL_EMPTY, _POOL_EMPTY)):
            named = pattern.search(message)
            if named is not None:
                pools = self._pools.setdefault(key, set())
                if len(pools) < MAX_POOLS_PER_KEY:
                    pools.add((kind, balancer, named.group(1)))

    def _see_run_host(self, service: str, url: str) -> None:
        """Keep the host of a Cloud Run service's own URL that its request log names (a known one costs a set
        lookup, not a regular expression)."""
        host = url.partition("//")[2].partition("/")[0].partition("?")[0].lower()
        hosts = self._run_hosts.setdefault(service, set())
        if host not in hosts and len(hosts) < MAX_HOSTS_PER_SERVICE and _RUN_HOST.fullmatch(host):
            hosts.add(host)

    def _add_trace(self, trace: str, key: str, seconds: float) -> None:
        """Count the trace for `key` and its pairs with the keys already in it, and which came first in it."""
        keys = self._traces.get(trace)
        if keys is None:
            keys = self._traces[trace] = {}
            if len(self._traces) > MAX_TRACES:
                self._traces.popitem(last=False)
        else:
            self._traces.move_to_end(trace)
        known = keys.get(key)
        if known is not None:
            if seconds < known:  # newest first: a key's earliest occurrence in the trace comes last
                keys[key] = seconds
            return
        if len(keys) >= MAX_KEYS_PER_TRACE:
            return
        self._traced[key] += 1
        for other, other_seconds in keys.items():
            for pair in ((key, other), (other, key)):
                if pair in self._trace_pairs or len(self._trace_pairs) < MAX_TRACE_PAIRS:
                    self._trace_pairs[pair] += 1
            if seconds != other_seconds:
                first = (key, other) if seconds < other_seconds else (other, key)
                if first in self._trace_before or len(self._trace_before) < MAX_TRACE_PAIRS:
                    self._trace_before[first] += 1
        keys[key] = seconds

    def resolve(self, final: Callable[[str], str]) -> ResolvedFacts:
        """The facts by final fingerprint (`final` maps a cluster key to it)."""
        traced: Counter[str] = Counter()
        for key, count in self._traced.items():
            traced[final(key)] += count
        shared: Counter[tuple[str, str]] = Counter()
        for (first, second), count in self._trace_pairs.items():
            pair = (final(first), final(second))
            if pair[0] != pair[1]:
                shared[pair] += count
        before: Counter[tuple[str, str]] = Counter()
        for (first, second), count in self._trace_before.items():
            pair = (final(first), final(second))
            if pair[0] != pair[1]:
                before[pair] += count
        nodes = _tags_by_fingerprint(self._key_nodes, final)
        clusters = _tags_by_fingerprint(self._key_clusters, final)
        owners = _tags_by_fingerprint(self._pod_owners, final)
        return ResolvedFacts(
            instance_shares=self.co_occurrence.shares(final),
            trace_shares={pair: min(1.0, n / traced[pair[0]]) for pair, n in shared.items()},
            trace_first=dict(before),
            revisions=dict(self._revisions),
            cluster_revisions=_by_fingerprint(self._key_revisions, final),
            deploys=[marker for _, _, marker in sorted(self._deploys, reverse=True)],
            changes=[
                _with_elsewhere(_with_hosted(self._with_engine(marker), nodes, owners), clusters)
                for _, _, marker in sorted(self._changes, reverse=True)
            ],
            mentions=_by_fingerprint(self._mentions, final),
            restart_shares=self.restarts.shares(final),
            node_shares=self.nodes.shares(final),
            minutes=_minutes_by_fingerprint(self._minutes, final),
            server_minutes=_server_minutes_by_fingerprint(self._server_minutes, final),
            run_hosts={service: frozenset(hosts) for service, hosts in self._run_hosts.items() if hosts},
            service_apps={service: frozenset(apps) for service, apps in self._service_apps.items()},
            tags=_tags_by_fingerprint(self._tags, final),
            pod_owners=owners,
            pools=_tags_by_fingerprint(self._pools, final),
        )


def _with_hosted(
    change: ChangeMarker, nodes: dict[str, frozenset[str]], owners: dict[str, frozenset[str]]
) -> ChangeMarker:
    """A change that stopped or restarted a VM (`VM_STOPPED`) with the problems whose events ran on it; a change of a
    Kubernetes workload (`_K8S_WORKLOAD`) with the problems whose events came from its pods (`_runs_pods_of`)."""
    if nodes and VM_STOPPED.search(change.method) is not None:
        return change.with_hosted(frozenset(fp for fp, ran_on in nodes.items() if change.resource in ran_on))
    if owners and change.namespace and _K8S_WORKLOAD.search(change.method) is not None:
        workload = f"{change.namespace}/{change.resource}"
        return change.with_hosted(
            frozenset(fp for fp, made_by in owners.items() if _runs_pods_of(workload, made_by))
        )
    return change


def _runs_pods_of(workload: str, owners: frozenset[str]) -> bool:
    """One of the owners of a problem's pods (`ResolvedFacts.pod_owners`, `namespace/name`) is the workload
    (`shop/fluentd` of a DaemonSet's pod `fluentd-x2k4p`, `shop/ledger` of a StatefulSet's `ledger-0`) or a ReplicaSet its Deployment made (`shop/pricing-6f8d9c7b5`
    of `shop/pricing`: `_POD_TEMPLATE_HASH`)."""
    for owner in owners:
        if owner == workload:
            return True
        made, _, template = owner.rpartition("-")
        if made == workload and _POD_TEMPLATE_HASH.fullmatch(template):
            return True
    return False


def _with_elsewhere(change: ChangeMarker, clusters: dict[str, frozenset[str]]) -> ChangeMarker:
    """A change of a Kubernetes cluster (a node pool, the control plane, an object in it) with the problems whose
    events all came from other Kubernetes clusters."""
    if change.cluster is None:
        return change
    return change.with_elsewhere(frozenset(fp for fp, seen in clusters.items() if change.cluster not in seen))


def _with_exception(entry: LogEntry) -> str | None:
    """The entry's message followed by its exception's line, when the exception is logged apart from the message
    (a structured log's `stack_trace` or `exception` field) and only that line names the failed call: `GET
    https://inventory-…/v1/stock/SKU-1 failed` with `HttpServerErrorException$ServiceUnavailable: 503 Service
    Unavailable`. None otherwise."""
    stack = entry.stack
    if stack is None or not stack.exception_type or not entry.message or stack.message in entry.message:
        return None
    text = f"{entry.message}\n{stack.exception_type}: {stack.message}"[:MENTION_CHARS]
    return text if _head_names_failure(text) else None


def _see_minute(seen: dict[_K, set[int] | frozenset[int]], key: _K, minute: int) -> None:
    """Keep the minute for the key, up to `MAX_MINUTES_PER_KEY`; beyond, the key is chronic (`_CHRONIC`)."""
    minutes = seen.get(key)
    if minutes is None:
        seen[key] = {minute}
    elif minute not in minutes and isinstance(minutes, set):
        if len(minutes) < MAX_MINUTES_PER_KEY:
            minutes.add(minute)
        else:
            seen[key] = _CHRONIC


def _server_minutes_by_fingerprint(
    by_key: dict[tuple[str, str], set[int] | frozenset[int]], final: Callable[[str], str]
) -> dict[str, dict[str, frozenset[int]]]:
    """The minutes of each fingerprint's instances, its keys' together; none for an instance chronic in one."""
    merged: dict[str, dict[str, set[int] | None]] = {}
    for (key, service), minutes in by_key.items():
        known = merged.setdefault(final(key), {})
        if minutes is _CHRONIC or (service in known and known[service] is None):
            known[service] = None
        else:
            known[service] = (known.get(service) or set()) | minutes
    return {
        fingerprint: {service: frozenset(m) for service, m in services.items() if m is not None}
        for fingerprint, services in merged.items()
    }


def _tags_by_fingerprint(by_key: dict[str, set[_T]], final: Callable[[str], str]) -> dict[str, frozenset[_T]]:
    """Sets kept per cluster key (tags, pod owners, pools), merged per final fingerprint."""
    merged: dict[str, set[_T]] = {}
    for key, tags in by_key.items():
        merged.setdefault(final(key), set()).update(tags)
    return {fingerprint: frozenset(tags) for fingerprint, tags in merged.items()}


def _minutes_by_fingerprint(
    by_key: dict[str, set[int] | frozenset[int]], final: Callable[[str], str]
) -> dict[str, frozenset[int]]:
    """The minutes of each fingerprint's keys together; none for a fingerprint one of whose keys is chronic."""
    merged: dict[str, set[int] | None] = {}
    for key, minutes in by_key.items():
        fingerprint = final(key)
        known = merged.get(fingerprint, set())
        merged[fingerprint] = None if minutes is _CHRONIC or known is None else known | minutes
    return {fingerprint: frozenset(minutes) for fingerprint, minutes in merged.items() if minutes is not None}


def _keep(markers: list[tuple[float, int, _M]], item: tuple[float, int, _M]) -> None:
    """Keep the earliest `MAX_DEPLOYS` markers (a heap of the latest kept on top)."""
    if len(markers) < MAX_DEPLOYS:
        heapq.heappush(markers, item)
    elif item[:2] > markers[0][:2]:
        heapq.heapreplace(markers, item)


def ended(entry: LogEntry, seconds: float) -> float:
    """When the entry's request ended (`seconds`, its start, plus its latency), else `seconds`.

    Cloud Run, App Engine and load balancers log a request at its start: one that waited four minutes on a
    container that never started shows its failure four minutes after its timestamp.
    """
    latency = entry.http.latency if entry.http is not None else None
    match = _LATENCY.fullmatch(latency) if latency else None
    return seconds + min(float(match.group(1)), MAX_SPAN_SECONDS) if match else seconds


def _see(spans: dict[_K, Span], item: _K, seconds: float, limit: int) -> None:
    span = spans.get(item)
    if span is not None:
        span.see(seconds)
    elif len(spans) < limit:
        spans[item] = Span(seconds, seconds)


def _see_span(spans: dict[_K, Span], item: _K, seen: Span, limit: int) -> None:
    """`_see` of several sightings at once."""
    span = spans.get(item)
    if span is not None:
        span.merge(seen)
    elif len(spans) < limit:
        spans[item] = seen


def _by_fingerprint(
    by_key: dict[str, dict[_K, Span]], final: Callable[[str], str]
) -> dict[str, dict[_K, Span]]:
    """Spans per cluster key merged into spans per final fingerprint."""
    merged: dict[str, dict[_K, Span]] = {}
    for key, spans in by_key.items():
        into = merged.setdefault(final(key), {})
        for item, span in spans.items():
            known = into.get(item)
            if known is None:
                into[item] = Span(span.first, span.last, span.count)
            else:
                known.merge(span)
    return merged


def _revision_key(entry: LogEntry) -> RevisionKey | None:
    if entry.resource_type in DEPLOYING_RESOURCES and entry.service and entry.revision:
        return entry.service, entry.revision
    return None
