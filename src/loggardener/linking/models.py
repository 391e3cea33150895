"""Typed data of the linking stage: links between problems, deploy markers and incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from loggardener.defaults import empty_list

LinkKind = Literal["trace", "instance", "revision", "service", "upstream"]


class Link(BaseModel):
    """One problem causing another, with the evidence in words."""

    model_config = ConfigDict(frozen=True)

    cause: str = Field(description="Fingerprint of the cause.")
    effect: str = Field(description="Fingerprint of the effect.")
    kinds: list[LinkKind] = Field(
        description="What the evidence is: same trace, instance, revision, service (one without revisions), or upstream."
    )
    evidence: list[str] = Field(description="The evidence, one sentence per kind.")


class DeployMarker(BaseModel):
    """A Cloud Run, Cloud Functions or App Engine deployment audit entry in the window."""

    model_config = ConfigDict(frozen=True)

    timestamp: datetime
    method: str = Field(description="The audit method, e.g. `google.cloud.run.v1.Services.ReplaceService`.")
    service: str | None = None
    revision: str | None = None
    principal: str | None = Field(default=None, description="Who deployed (redacted as configured).")
    project: str | None = Field(
        default=None,
        description="The project whose log holds the deploy's audit entry: a same-named service's problems in another "
        "project are not its doing.",
    )


class ChangeMarker(BaseModel):
    """A successful admin-activity or system-event audit entry that deploys nothing: a configuration change (a
    bucket's IAM policy, a load balancer's backend service, a failover, a Cloud SQL maintenance)."""

    model_config = ConfigDict(frozen=True)

    timestamp: datetime
    method: str = Field(description="The audit method, e.g. `storage.setIamPermissions`.")
    resource: str = Field(description="The last part of the changed resource's name, e.g. the bucket's name.")
    principal: str | None = Field(default=None, description="Who changed it (redacted as configured).")
    grants_only: bool = Field(
        default=False,
        description="An IAM policy change whose every binding delta adds a role: it refuses nothing.",
    )
    _engine: str | None = PrivateAttr(default=None)
    """The engine a changed Cloud SQL instance's own logs in the window are written by (`PostgreSQL`, `MySQL`,
    `SQL Server`); None when they are not seen. The audit entry does not say it; linking reads it, the report does
    not carry it."""

    _hosted: frozenset[str] = PrivateAttr(default=frozenset())
    """The problems whose events ran on what the change changed: on the changed VM, when the change stopped or
    restarted one (a Spot VM preempted under a GKE node's pods: `facts.VM_STOPPED`), or in the pods of the changed
    Kubernetes workload (a Deployment rolled out: `facts._K8S_WORKLOAD`); the audit entry names only the VM or the
    workload. Linking reads it, the report does not carry it."""

    _cluster: str | None = PrivateAttr(default=None)
    """The Kubernetes cluster of the change: the cluster a changed node pool belongs to (`…/clusters/prod/nodePools/
    pool-1`), the cluster whose control plane changed (`…/clusters/prod`), or the cluster of a changed Kubernetes
    object (a Secret, a Deployment's scale: the cluster GKE's audit entry came from); None for any other change.
    Linking reads it, the report does not carry it."""

    _elsewhere: frozenset[str] = PrivateAttr(default=frozenset())
    """The problems whose events all came from Kubernetes clusters other than the change's (`cluster`): draining a
    node pool's nodes, upgrading a control plane or changing a Secret touched none of their pods. Linking reads it,
    the report does not carry it."""

    _namespace: str | None = PrivateAttr(default=None)
    """The Kubernetes namespace of a changed namespaced object (a Secret: `core/v1/namespaces/shop/secrets/…`); None
    for any other change. Only that namespace's pods read it. Linking reads it, the report does not carry it."""

    _scope: tuple[str, ...] = PrivateAttr(default=())
    """What the change's request confines it to (`LogEntry.audit_scope`: the fields its update mask names, the ports
    of a firewall rule, the DNS records changed, a push endpoint's host). Linking reads it, the report does not
    carry it."""

    _project: str | None = PrivateAttr(default=None)
    """The project id the changed resource's name is in (`projects/shop-staging/instances/orders-db`); None when it
    names a number, a wildcard or no project. Linking reads it, the report does not carry it."""

    @property
    def scope(self) -> tuple[str, ...]:
        return self._scope

    _collection: str | None = PrivateAttr(default=None)
    """The collection the changed resource's name holds it in, the path part before its name (`topics` of
    `projects/p/topics/tx`); None when there is none. Linking reads it, the report does not carry it."""

    _parent: str | None = PrivateAttr(default=None)
    """The name of the resource the changed one is in, when that is no project or location (`analytics_sandbox` of
    `projects/p/datasets/analytics_sandbox/tables/page_events`, `orders-api` of `…/packages/orders-api/tags/1.8.2`);
    None otherwise. Linking reads it, the report does not carry it."""

    @property
    def project(self) -> str | None:
        return self._project

    @property
    def parent(self) -> str | None:
        return self._parent

    def with_parent(self, parent: str) -> ChangeMarker:
        """The same change, the resource the changed one is in known."""
        marker = self.model_copy()
        marker._parent = parent
        return marker

    @property
    def collection(self) -> str | None:
        return self._collection

    def with_collection(self, collection: str) -> ChangeMarker:
        """The same change, the collection of the changed resource known."""
        marker = self.model_copy()
        marker._collection = collection
        return marker

    def with_project(self, project: str) -> ChangeMarker:
        """The same change, the project of the changed resource known."""
        marker = self.model_copy()
        marker._project = project
        return marker

    def with_scope(self, scope: tuple[str, ...]) -> ChangeMarker:
        """The same change, what its request confines it to known."""
        marker = self.model_copy()
        marker._scope = scope
        return marker

    @property
    def namespace(self) -> str | None:
        return self._namespace

    def with_namespace(self, namespace: str) -> ChangeMarker:
        """The same change, the namespace of the changed Kubernetes object known."""
        marker = self.model_copy()
        marker._namespace = namespace
        return marker

    @property
    def engine(self) -> str | None:
        return self._engine

    @property
    def cluster(self) -> str | None:
        return self._cluster

    @property
    def elsewhere(self) -> frozenset[str]:
        return self._elsewhere

    @property
    def hosted(self) -> frozenset[str]:
        return self._hosted

    def with_hosted(self, fingerprints: frozenset[str]) -> ChangeMarker:
        """The same change, the problems that ran on the changed VM or in the changed workload's pods known."""
        marker = self.model_copy()
        marker._hosted = fingerprints
        return marker

    def with_cluster(self, cluster: str) -> ChangeMarker:
        """The same change, its Kubernetes cluster known."""
        marker = self.model_copy()
        marker._cluster = cluster
        return marker

    def with_elsewhere(self, fingerprints: frozenset[str]) -> ChangeMarker:
        """The same change, the problems of other clusters than its own known."""
        marker = self.model_copy()
        marker._elsewhere = fingerprints
        return marker

    def with_engine(self, engine: str) -> ChangeMarker:
        """The same change, the changed instance's engine known."""
        marker = self.model_copy()
        marker._engine = engine
        return marker


class Incident(BaseModel):
    """Problems connected by links: one root cause and its effects, told as a story built from the evidence."""

    id: str = Field(description="`incident-` + the root's fingerprint.")
    root: str = Field(description="Fingerprint of the root problem.")
    title: str = Field(description="The root problem's title.")
    priority: str = Field(description="The root's priority (a cause is at least as urgent as its effects).")
    start: datetime = Field(description="The first occurrence of any of its problems.")
    end: datetime = Field(description="The last occurrence of any of its problems.")
    problems: list[str] = Field(description="Fingerprints, root first, then effects in order of the links.")
    services: list[str]
    revisions: list[str]
    suspect_revision: str | None = Field(default=None, description="The root's suspect revision, if any.")
    deploys: list[DeployMarker] = Field(
        default_factory=empty_list, description="Deployments of the incident's services before its start."
    )
    changes: list[ChangeMarker] = Field(
        default_factory=empty_list,
        description="Configuration changes before its start to a resource its problems name or run on.",
    )
    links: list[Link] = Field(default_factory=empty_list)
    story: str = Field(description="One paragraph: what happened, from the evidence only.")
