"""The typed result of a scan: what rendering and publishing consume, and what `--report-json` dumps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from loggardener.clustering.models import Cluster
from loggardener.defaults import empty_list
from loggardener.linking.models import DeployMarker, Incident

# Fields the scan writes itself, never log text: identifiers (fingerprints, incident ids) other outputs and
# later runs look things up by, and the names of its own vocabulary (kinds, priorities, severities).
_OWN_FIELDS = frozenset(
    (
        "fingerprint", "related", "causes", "effects", "incident", "id", "root", "problems", "cause", "effect",
        "kind", "kinds", "priority", "max_severity", "min_severity", "severities", "by_severity", "trend",
        "action", "tool_version", "buckets",
    )
)  # fmt: skip


class Window(BaseModel):
    start: datetime | None
    end: datetime | None
    label: str = Field(description="Human label, e.g. 'last 12 hours'.")


class SkippedLine(BaseModel):
    """A malformed input item: where it was and what was wrong."""

    position: int
    error: str


class Totals(BaseModel):
    """Counts of the scan. read == clustered + sum(skipped.values())."""

    read: int = 0
    clustered: int = 0
    events: int = 0
    skipped: dict[str, int] = Field(default_factory=dict, description="Entries not clustered, by reason.")
    by_severity: dict[str, int] = Field(default_factory=dict, description="Clustered entries by severity.")
    reassembled_tracebacks: int = 0
    malformed: list[SkippedLine] = Field(default_factory=empty_list, description="The first malformed items.")

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


class IssueAction(BaseModel):
    """What publishing or drafting did for one cluster."""

    fingerprint: str
    action: Literal["created", "updated", "reopened", "skipped", "drafted", "failed"]
    title: str
    number: int | None = None
    url: str | None = None
    detail: str = ""
    sent_at: datetime | None = None
    """On a failed create whose request may have reached GitHub (its answer was lost, and the issue is not
    listed yet): when it was sent. The next run looks for that issue by its marker before filing again."""


class ResolvedCluster(BaseModel):
    """A cluster seen in earlier runs and quiet for the configured number of runs."""

    fingerprint: str
    title: str
    last_seen: datetime
    quiet_runs: int
    issue_number: int | None = None


class ScanReport(BaseModel):
    """Everything a scan found."""

    schema_version: int = 1
    tool_version: str
    generated_at: datetime
    project: str | None
    projects: list[str] = Field(
        default_factory=empty_list,
        description="The projects the entries are in when they are several (a folder's or an organization's "
        "sink, read from their log names; at most 50), `project` then null; empty otherwise.",
    )
    source: str
    query_filter: str | None = None
    console_url: str | None = None
    notes: list[str] = Field(default_factory=empty_list)
    truncated: bool = Field(
        default=False,
        description="The source stopped early (--max-entries): clusters and counts are partial.",
    )
    window: Window
    services: list[str]
    min_severity: str
    status: str = Field(description="Overall status, e.g. 'CRITICAL: 2 P0 problems'.")
    totals: Totals
    clusters: list[Cluster] = Field(description="Problems, most urgent first.")
    incidents: list[Incident] = Field(
        default_factory=empty_list,
        description="Linked problems, most urgent first: each problem is in exactly one (alone if unlinked).",
    )
    deploys: list[DeployMarker] = Field(
        default_factory=empty_list, description="Deployments seen in the window."
    )
    resolved: list[ResolvedCluster] = Field(default_factory=empty_list)
    issue_actions: list[IssueAction] = Field(default_factory=empty_list)

    def redacted(self, redact: Callable[[str], str]) -> ScanReport:
        """The report with every text in it (dictionary keys included) passed through `redact` once more.

        The last line of defence: every text is redacted where it is read from the log (`EntryParser`), and this
        catches any that a stage builds from log text in a way the redactor would see differently (a log id
        URL-decoded, lines joined) or that a field added later takes from the log unredacted. Redacting is
        idempotent (a `[REDACTED:kind]` marker is never redacted again), and this runs once per scan.
        """
        done: dict[str, str] = {}  # names, keys and sample lines repeat across problems: each redacted once

        def redact_once(text: str) -> str:
            result = done.get(text)
            if result is None:
                result = done[text] = redact(text)
            return result

        return ScanReport.model_validate(_redacted(self.model_dump(), redact_once))


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(item, redact) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[Any, Any] = {}
    for key, item in value.items():
        if key in _OWN_FIELDS:
            result[key] = item
            continue
        item = _redacted(item, redact)
        if isinstance(key, str):
            key = redact(key)
            if isinstance(item, int) and isinstance(result.get(key), int):  # two counts now under one name
                item += result[key]
        result[key] = item
    return result
