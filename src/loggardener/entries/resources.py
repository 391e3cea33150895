"""Which service, revision and instance an entry belongs to, by resource type.

| resource type | service | revision | instance |
|---|---|---|---|
| `cloud_run_revision` | `service_name` | `revision_name` | `labels.instanceId` |
| `cloud_run_job` | `job_name` | `labels["run.googleapis.com/execution_name"]` | `labels.instanceId` (else the execution) |
| `cloud_function` | `function_name` | — | `labels.instanceId` / `execution_id` |
| `gae_app` | `module_id` | `version_id` | `labels.clone_id` (flexible: `labels["appengine.googleapis.com/instance_name"]`) |
| `k8s_container`, `container` | `namespace/container` | — | pod |
| `k8s_pod` | `namespace` | — | pod |
| `gce_instance` | the instance *name* (`labels["compute.googleapis.com/resource_name"]`, the payload's host name) | — | `instance_id` |
| `cloud_scheduler_job` | `job_id` | — | — |
| `build` | `build_trigger_id` | — | `build_id` |
| `k8s_cluster`, `gke_cluster` | `cluster_name` | — | `pod_name`, `node_name` or `labels.instanceId`, as for every Kubernetes type |
| a Kubernetes event (`involvedObject`) of a cluster, pod or node | `namespace/name` of the object (a pod's workload) | — | as for its resource type |
| `k8s_node` | `cluster_name` | — | `node_name` (or `pod_name`, `labels.instanceId`) |
| `http_load_balancer`, `l7_lb_rule`, `internal_http_lb_rule`, `http_external_regional_lb_rule`, `l4_proxy_rule` | `backend_service_name`, else `backend_target_name`, else `url_map_name`, else `forwarding_rule_name` (a GKE-generated name as its Kubernetes service, `gke_backend`) | — | — |
| `tcp_ssl_proxy_rule` | `backend_service_name`, else `forwarding_rule_name` | — | — |
| `dataflow_step` | `job_name`, else `job_id` | — | — |
| `cloudsql_database` | `database_id` | — | — |
| `cloud_composer_environment` | `environment_name` | — | — |
| `workflows.googleapis.com/Workflow` | `workflow_id` | — | — |
| `batch.googleapis.com/Job` | `job_id`, else `job_uid` | — | `labels.hostname` (the task's VM) |
| `aiplatform.googleapis.com/CustomJob`, `ml_job` | `job_id` | — | — |
| `aiplatform.googleapis.com/Endpoint` | `endpoint_id` | — | — |
| `pubsub_subscription` / `pubsub_topic` | `subscription_id` / `topic_id` | — | — |
| `cloud_tasks_queue` | `queue_id` | — | — |
| `api`, `apigateway.googleapis.com/Gateway` | `service`, else `gateway_id` | — | — |
| `gcs_bucket` | `bucket_name` | — | — |
| `cloud_dataproc_cluster` | `cluster_name` | — | — |
| `gce_instance_group` (its health checks) | `instance_group_name` | — | — |
| `cloud_run_worker_pool` | `worker_pool_name` | — | — |
| any other type (not an audit entry) | the first of `service_name`, `job_name`, `function_name`, `module_id`, `backend_service_name`, `database_id`, `queue_id`, `subscription_id`, `topic_id`, `bucket_name`, `cluster_name` it has | — | — |
| audit entries (`protoPayload` AuditLog) of `k8s_node` and the types below it | `serviceName` | — | — |
| none of the above named (`global`, `project`: a client library's own log) | the log's id (`logs/billing-worker`), unless Google's (`….googleapis.com/…`, `stdout`, `stderr`) | — | — |

An instance shown as — is the entry's `labels.instanceId` when it has one (never for `cloud_scheduler_job`):
`INSTANCE_LABELS` holds the whole rule.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from loggardener.entries.payloads import Payload
from loggardener.regexes import compile_regex

#: How each resource type's service is written in a Logging filter (for `--service`).
SERVICE_FILTERS: dict[str, str] = {
    "cloud_run_revision": "resource.labels.service_name",
    "cloud_run_job": "resource.labels.job_name",
    "cloud_function": "resource.labels.function_name",
    "gae_app": "resource.labels.module_id",
    "k8s_container": "resource.labels.container_name",
    "gce_instance": 'labels."compute.googleapis.com/resource_name"',
    "cloud_scheduler_job": "resource.labels.job_id",
    "build": "resource.labels.build_trigger_id",
    "k8s_node": "resource.labels.cluster_name",
    "http_load_balancer": "resource.labels.backend_service_name",
    "dataflow_step": "resource.labels.job_name",
    "cloudsql_database": "resource.labels.database_id",
    "cloud_composer_environment": "resource.labels.environment_name",
    "workflows.googleapis.com/Workflow": "resource.labels.workflow_id",
    "cloud_tasks_queue": "resource.labels.queue_id",
    "pubsub_subscription": "resource.labels.subscription_id",
    "cloud_run_worker_pool": "resource.labels.worker_pool_name",
}

_KUBERNETES = frozenset({"k8s_cluster", "gke_cluster", "k8s_pod", "k8s_node"})

LabelPlace = Literal["resource", "entry"]
EXECUTION_LABEL = "run.googleapis.com/execution_name"
"""The entry label naming a Cloud Run job's execution (its revision)."""
GCE_NAME_LABEL = "compute.googleapis.com/resource_name"
"""The entry label naming a Compute Engine instance (its service)."""
GAE_FLEX_INSTANCE_LABEL = "appengine.googleapis.com/instance_name"
"""The entry label naming an App Engine flexible environment's instance (its VM)."""
STREAM_LABEL = "container.googleapis.com/stream"
"""The entry label naming a container's output stream (`stdout`, `stderr`), which can make its severity weak."""
IDENTITY_ENTRY_LABELS = (EXECUTION_LABEL, GCE_NAME_LABEL, STREAM_LABEL)
"""The entry's own labels the parser reads, other than instances' (`INSTANCE_LABELS`)."""
#: The labels naming an entry's instance, by resource type, the first present counting: a resource label or one
#: of the entry's own. Shared by the parser and by Log Analytics' query, which must count the same instances.
INSTANCE_LABELS: dict[str, tuple[tuple[LabelPlace, str], ...]] = {
    **dict.fromkeys(
        sorted(_KUBERNETES), (("resource", "pod_name"), ("resource", "node_name"), ("entry", "instanceId"))
    ),
    "cloud_function": (("entry", "instanceId"), ("entry", "execution_id")),
    # a job's entry without its instance (trimmed by an export or a shipper): its execution stands for it
    "cloud_run_job": (("entry", "instanceId"), ("entry", EXECUTION_LABEL)),
    # App Engine standard names its instance `clone_id`; the flexible environment (its app's, nginx's and agents'
    # logs) `appengine.googleapis.com/instance_name` (`aef-api-20261105t204512-x7k2`)
    "gae_app": (("entry", "clone_id"), ("entry", "instanceId"), ("entry", GAE_FLEX_INSTANCE_LABEL)),
    "k8s_container": (("resource", "pod_name"), ("resource", "pod_id")),
    "container": (("resource", "pod_name"), ("resource", "pod_id")),
    "gce_instance": (("resource", "instance_id"),),
    "cloud_scheduler_job": (),
    "build": (("resource", "build_id"),),
    "batch.googleapis.com/Job": (("entry", "hostname"), ("entry", "instanceId")),
}
OTHER_INSTANCE_LABELS: tuple[tuple[LabelPlace, str], ...] = (("entry", "instanceId"),)
"""The instance labels of any other resource type."""
# the backend a load balancer sent the request to: `backend_service_name` (global external), or
# `backend_target_name` (regional and internal Application Load Balancers, proxy Network Load Balancers)
_LOAD_BALANCER = ("backend_service_name", "backend_target_name", "url_map_name", "forwarding_rule_name")
# Resource types whose service is one of their labels (the first present).
_LABELLED: dict[str, tuple[str, ...]] = {
    "k8s_node": ("cluster_name",),
    "http_load_balancer": _LOAD_BALANCER,
    "l7_lb_rule": _LOAD_BALANCER,
    "internal_http_lb_rule": _LOAD_BALANCER,
    "http_external_regional_lb_rule": _LOAD_BALANCER,
    "l4_proxy_rule": _LOAD_BALANCER,
    "tcp_ssl_proxy_rule": ("backend_service_name", "forwarding_rule_name"),
    "dataflow_step": ("job_name", "job_id"),
    "cloudsql_database": ("database_id",),
    "cloud_composer_environment": ("environment_name",),
    "workflows.googleapis.com/Workflow": ("workflow_id",),
    "batch.googleapis.com/Job": ("job_id", "job_uid"),
    "aiplatform.googleapis.com/CustomJob": ("job_id",),
    "aiplatform.googleapis.com/Endpoint": ("endpoint_id",),
    "ml_job": ("job_id",),
    "pubsub_subscription": ("subscription_id",),
    "pubsub_topic": ("topic_id",),
    "cloud_tasks_queue": ("queue_id",),
    "api": ("service",),
    "apigateway.googleapis.com/Gateway": ("gateway_id",),
    "gcs_bucket": ("bucket_name",),
    "cloud_dataproc_cluster": ("cluster_name",),
    "gce_instance_group": ("instance_group_name",),
    "cloud_run_worker_pool": ("worker_pool_name",),
}
# For any other resource type: the first of these labels it has names its service.
_SERVICE_LIKE = (
    "service_name",
    "job_name",
    "function_name",
    "module_id",
    "backend_service_name",
    "database_id",
    "queue_id",
    "subscription_id",
    "topic_id",
    "bucket_name",
    "cluster_name",
)

# Every resource label `resource_identity` may read (`_service_of`'s own, `_LABELLED`'s, `_SERVICE_LIKE`, and the
# instances'): an entry's service, revision and instance depend on these alone of its resource labels, so Log
# Analytics' query tells a stream by them (not by the labels' JSON text, whose key order may vary).
STREAM_RESOURCE_LABELS: tuple[str, ...] = tuple(
    sorted(
        {
            *("service_name", "revision_name", "job_name", "function_name", "module_id", "version_id"),
            *(
                "namespace_name",
                "namespace_id",
                "container_name",
                "job_id",
                "build_trigger_id",
                "cluster_name",
            ),
            *(key for keys in _LABELLED.values() for key in keys),
            *_SERVICE_LIKE,
            *(key for labels in INSTANCE_LABELS.values() for place, key in labels if place == "resource"),
        }
    )
)

GCE_NAME_MAX = 63
"""A Compute Engine resource name's length limit: GKE trims a generated name's descriptive fields to fit it."""
_GKE_NAME = compile_regex(
    # a NEG or NEG-backed backend service: k8s1-<cluster uid>-<namespace>-<service>-<port>-<hash>
    r"k8s1-[0-9a-z]{8}-(?P<neg>[a-z0-9][a-z0-9-]*?)-\d{1,5}-[0-9a-z]{8}"
    # an Ingress's frontend (url map, proxy, forwarding rule) or an L4 service: k8s2-[um-]<uid>-<ns>-<name>-<hash>
    r"|k8s2-(?:[a-z]{2,3}-)?[0-9a-z]{8}-(?P<v2>[a-z0-9][a-z0-9-]*?)-[0-9a-z]{8}"
    # an instance-group backend: k8s-be-<node port>--<cluster uid>
    r"|k8s-be-(?P<node_port>\d{1,5})--[0-9a-z]{16}"
)


def gke_backend(name: str) -> str | None:
    """What a GKE-generated load-balancer resource name stands for; None for any other name.

    `k8s1-…-shop-cart-8080-…` is `shop/cart` when its `namespace-service` part has one hyphen and nothing was
    trimmed (both names are whole); otherwise that part as it is (`default-web-dev`: the split is unknown).
    `k8s-be-31234--…` names no service, only its node port (`node port 31234`).
    """
    if not name.startswith("k8s"):
        return None
    match = _GKE_NAME.fullmatch(name)
    if match is None:
        return None
    if match["node_port"]:
        return f"node port {match['node_port']}"
    both = match["neg"] or match["v2"]
    namespace, _, service = both.partition("-")
    if len(name) < GCE_NAME_MAX and namespace and service and "-" not in service:
        return f"{namespace}/{service}"
    return both


_GKE_SERVICE = compile_regex(r"[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)?")


def gke_backend_filter(service: str) -> str | None:
    """A Logging filter regular expression for the GKE-generated backend names `gke_backend` shows as
    `service` (for `--service`); None when it shows none so."""
    if service.startswith("node port ") and service[10:].isdigit():
        return f"^k8s-be-{service[10:]}--"
    if not _GKE_SERVICE.fullmatch(service):
        return None
    return f"^k8s1-[0-9a-z]{{8}}-{service.replace('/', '-')}-[0-9]+-[0-9a-z]{{8}}$"


class Identity(NamedTuple):
    """Who logged an entry (a tuple: one is made per entry read)."""

    service: str | None = None
    revision: str | None = None
    instance: str | None = None


def _get(labels: dict[str, Any], key: str) -> str | None:
    value = labels.get(key)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _joined(*parts: str | None) -> str | None:
    present = [part for part in parts if part]
    return "/".join(present) if present else None


def resource_identity(
    resource_type: str,
    labels: dict[str, Any],
    entry_labels: dict[str, Any],
    payload: Payload,
    log_name: str,
) -> Identity:
    """The service, revision and instance of an entry (see the module's table)."""
    service, revision = _service_of(resource_type, labels, entry_labels, payload)
    return Identity(
        service or payload.audit_service or own_log(log_name),
        revision,
        instance_of(resource_type, labels, entry_labels),
    )


POD_APP_LABELS = ("k8s-pod/app", "k8s-pod/app_kubernetes_io/name")
"""The entry labels GKE copies a container's pod labels into that name its application: `app`, and
`app.kubernetes.io/name` (written with `_` for `.`): what a Service selects its pods by, whatever the workload's name."""


def pod_app(resource_type: str, entry_labels: dict[str, Any]) -> str | None:
    """The application a container's pod is labelled with (`POD_APP_LABELS`); None for another entry."""
    if resource_type not in ("k8s_container", "container"):
        return None
    return next((value for key in POD_APP_LABELS if (value := _get(entry_labels, key))), None)


def node_of(
    resource_type: str, labels: dict[str, Any], payload: Payload, entry_labels: dict[str, Any]
) -> str | None:
    """The Kubernetes node of a Kubernetes event, a node's own log or a container's: the node an event happened
    on (`Payload.event_node`: the kubelet's host that reported it, or the node it is about), a node's own log's
    (`node_name`), the node GKE labels a container's entries with (`compute.googleapis.com/resource_name`);
    None for any other entry. The linking stage reads a container's own log by node only when it says a process
    was killed (`linking.facts.may_say_killed`): the kubelet's events report its restarts and evictions."""
    if resource_type in _KUBERNETES:
        return payload.event_node or _get(labels, "node_name")
    if resource_type == "k8s_container":
        return _get(entry_labels, GCE_NAME_LABEL)
    return None


def kubernetes_cluster(resource_type: str, labels: dict[str, Any]) -> str | None:
    """The cluster a Kubernetes entry (a container's, a pod's, a node's, the cluster's own) came from: its resource's
    `cluster_name`; None for any other entry."""
    if resource_type in _KUBERNETES or resource_type in ("k8s_container", "container"):
        return _get(labels, "cluster_name")
    return None


_PLATFORM_LOGS = frozenset(("stdout", "stderr"))


def own_log(log_name: str) -> str | None:
    """The id of a log an application named itself (`projects/p/logs/billing-worker`: `billing-worker`), which
    names the writer of an entry whose resource names none (a client library's `global` or `project`); None
    for Google's logs (`cloudaudit.googleapis.com%2Factivity`, `run.googleapis.com%2Fstderr`) and streams."""
    _, found, log_id = log_name.partition("/logs/")
    log_id = log_id.replace("%2F", "/").replace("%2f", "/")
    if not found or not log_id or "googleapis.com" in log_id or log_id in _PLATFORM_LOGS:
        return None
    return log_id


def instance_of(resource_type: str, labels: dict[str, Any], entry_labels: dict[str, Any]) -> str | None:
    """The entry's instance: the first of its resource type's `INSTANCE_LABELS` it has."""
    for place, key in INSTANCE_LABELS.get(resource_type, OTHER_INSTANCE_LABELS):
        value = _get(labels if place == "resource" else entry_labels, key)
        if value is not None:
            return value
    return None


def _service_of(
    resource_type: str, labels: dict[str, Any], entry_labels: dict[str, Any], payload: Payload
) -> tuple[str | None, str | None]:
    if payload.object_name and resource_type in _KUBERNETES:
        # a Kubernetes event belongs to the workload it is about, not to the cluster that reports it
        return payload.object_name, None
    if resource_type == "cloud_run_revision":
        return _get(labels, "service_name"), _get(labels, "revision_name")
    if resource_type == "cloud_run_job":
        return _get(labels, "job_name"), _get(entry_labels, EXECUTION_LABEL)
    if resource_type == "cloud_function":
        return _get(labels, "function_name"), None
    if resource_type == "gae_app":
        return _get(labels, "module_id"), _get(labels, "version_id")
    if resource_type in ("k8s_container", "container"):
        namespace = _get(labels, "namespace_name") or _get(labels, "namespace_id")
        return _joined(namespace, _get(labels, "container_name")), None
    if resource_type == "k8s_pod":
        return _get(labels, "namespace_name"), None
    if resource_type == "gce_instance":
        return _get(entry_labels, GCE_NAME_LABEL) or payload.host_name, None
    if resource_type == "cloud_scheduler_job":
        return _get(labels, "job_id") or payload.scheduler_job, None
    if resource_type == "build":
        return _get(labels, "build_trigger_id"), None
    if resource_type in ("k8s_cluster", "gke_cluster"):
        return _get(labels, "cluster_name"), None
    if payload.audit_service:
        return None, None  # an audit entry belongs to its API (`serviceName`)
    keys = _LABELLED.get(resource_type)
    return _first(labels, _SERVICE_LIKE if keys is None else keys), None


def _first(labels: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    value = next((value for value in (_get(labels, key) for key in keys) if value), None)
    return (gke_backend(value) or value) if value else None
