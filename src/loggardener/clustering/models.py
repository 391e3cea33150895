"""Typed data of the clustering stage."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from loggardener.defaults import empty_list

ClusterKind = Literal["exception", "message", "request", "audit"]
Trend = Literal["new", "recurring", "regressed"]


class AffectedFile(BaseModel):
    """An in-app place where the problem shows, with how many events passed through it."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None = None
    function: str | None = None
    count: int

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class Sample(BaseModel):
    """A redacted example occurrence."""

    model_config = ConfigDict(frozen=True)

    insert_id: str
    timestamp: datetime
    severity: str
    service: str | None = None
    revision: str | None = None
    instance: str | None = None
    log_name: str = ""
    project: str | None = Field(default=None, description="The project its log name names, if any.")
    message: str
    entries: int = Field(default=1, description="How many log entries the event was made of.")


class SuspectRevision(BaseModel):
    """The revision in which a problem first appears, while the service's previous revision ran without it."""

    model_config = ConfigDict(frozen=True)

    service: str
    revision: str = Field(description="The revision the problem first appears in.")
    previous: str = Field(description="The service's previous revision, seen in the window without it.")
    previous_first_seen: datetime
    previous_last_seen: datetime
    first_seen: datetime = Field(description="The problem's first occurrence in `revision`.")
    evidence: str = Field(description="The same, in words.")


def _is_status_code(word: str) -> bool:
    """A gRPC status code's name, as an audit signature begins with it (`PERMISSION_DENIED`)."""
    letters = word.replace("_", "")
    return (
        2 <= len(word) <= 41
        and word.isascii()
        and word[0].isalpha()
        and letters.isalpha()
        and letters.isupper()
    )


class AuditCall(NamedTuple):
    """A call the audit logs record as refused."""

    status: str
    method: str | None
    api: str | None


class Cluster(BaseModel):
    """One problem: every event that shares a signature, with what the scan learned about it."""

    fingerprint: str = Field(description="Short stable hash of the signature.")
    kind: ClusterKind
    signature: str = Field(description="The text the fingerprint hashes.")
    title: str
    template: str = Field(description="The message with its variable parts masked.")
    exception_type: str | None = None
    message: str = Field(description="A representative message (redacted).")
    count: int = Field(description="Log entries in the cluster.")
    events: int = Field(description="Events (a reassembled traceback is one event).")
    share: float = Field(description="count / all entries scanned.")
    event_share: float = Field(default=0.0, description="events / all events scanned.")
    severities: dict[str, int]
    max_severity: str
    severity_inferred: bool = False
    inferred_severity: dict[str, int] = Field(
        default_factory=dict,
        description="Entries whose severity was inferred, by the rule that decided it (see docs/severity.md).",
    )
    services: dict[str, int]
    revisions: dict[str, int]
    principal_kinds: dict[str, int] = Field(
        default_factory=dict,
        description="Audited calls by who made them (anonymous, google-agent, …); requests a Google service delivered (google-delivery).",
    )
    logs: dict[str, int] = Field(
        default_factory=dict,
        description="Entries by resource type and log id (`gce_instance OSConfigAgent`).",
    )
    instances: int = Field(description="Distinct instances seen.")
    first_seen: datetime
    last_seen: datetime
    error_group_ids: list[str]
    affected_files: list[AffectedFile]
    stack_pattern: str | None = Field(default=None, description="The representative stack trace (redacted).")
    language: str | None = None
    http_statuses: dict[str, int] = Field(default_factory=dict)
    routes: list[str] = Field(default_factory=empty_list)
    samples: list[Sample]
    latest_message: SkipJsonSchema[str | None] = Field(
        default=None,
        exclude=True,
        description="The message of the latest event, when it is not a sample: what a value that changes over "
        "the scan (a disk filling) reads at its end. Read by the priorities, not reported.",
    )
    buckets: dict[str, int] = Field(description="Entries per time bucket (bucket start, RFC 3339).")
    priority: str = Field(default="P3", description="P0 (most urgent) to P3.")
    reasons: list[str] = Field(
        default_factory=empty_list, description="Why the priority was given, in words."
    )
    actions: list[str] = Field(
        default_factory=empty_list, description="Immediate actions the evidence supports."
    )
    related: list[str] = Field(
        default_factory=empty_list,
        description="Fingerprints of linked clusters (causes and effects; see the report's incidents).",
    )
    causes: list[str] = Field(
        default_factory=empty_list, description="Fingerprints of the clusters causing this one."
    )
    effects: list[str] = Field(
        default_factory=empty_list, description="Fingerprints of the clusters this one causes."
    )
    incident: str | None = Field(default=None, description="Id of the incident the cluster belongs to.")
    suspect_revision: SuspectRevision | None = None
    trend: Trend | None = Field(
        default=None, description="Across runs (needs --state): new, recurring, regressed."
    )

    def audit_call(self) -> AuditCall | None:
        """The refused call of an audit problem: its status code, method and API, as far as its signature
        names them (`audit | PERMISSION_DENIED storage.objects.get storage.googleapis.com | …`); None for
        other kinds, and for audit problems without a status code (an operation that failed)."""
        if self.kind != "audit":
            return None
        words = self.signature.split(" | ", 2)[1].split(" ") if self.signature.count(" | ") >= 2 else []
        if not words or not _is_status_code(words[0]):
            return None
        named = words[1:]  # the method and the API, when the entry names them (neither has a space)
        if len(named) == 1 and (named[0] in self.services or named[0].endswith(".googleapis.com")):
            return AuditCall(status=words[0], method=None, api=named[0])
        method = named[0] if named else None
        api = " ".join(named[1:]) or None
        return AuditCall(status=words[0], method=method, api=api)

    def shared_message(self) -> str | None:
        """The message every event says, on one line, when the samples are all the events and their texts are
        the same: then nothing varies, and the template's masks would hide facts. Else None (say the template).
        """
        samples = self.samples
        if self.kind == "request" or not samples or len(samples) < self.events:
            return None
        if len({sample.message for sample in samples}) != 1:
            return None
        return " ".join(self.message.split()) or None
