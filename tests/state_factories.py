"""Small builders of clusters and reports for the state and trend tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from loggardener.clustering.models import Cluster
from loggardener.report import IssueAction, ScanReport, Totals, Window

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def cluster(fingerprint: str, count: int = 3, hour: int = 0) -> Cluster:
    """A message cluster seen `count` times in the hour `hour` after T0."""
    start = T0 + timedelta(hours=hour)
    return Cluster(
        fingerprint=fingerprint,
        kind="message",
        signature=f"message|{fingerprint}",
        title=f"Problem {fingerprint}",
        template=f"problem {fingerprint} <NUM>",
        message=f"problem {fingerprint} 42",
        count=count,
        events=count,
        share=1.0,
        severities={"ERROR": count},
        max_severity="ERROR",
        services={"api": count},
        revisions={},
        instances=1,
        first_seen=start,
        last_seen=start + timedelta(minutes=30),
        error_group_ids=[],
        affected_files=[],
        samples=[],
        buckets={},
    )


def report(
    *clusters: Cluster, hour: int = 0, actions: list[IssueAction] | None = None, truncated: bool = False
) -> ScanReport:
    """A scan report of the hour `hour` after T0 holding `clusters` (`truncated`: cut by --max-entries)."""
    return ScanReport(
        tool_version="0.1.0",
        generated_at=T0 + timedelta(hours=hour + 1),
        project="demo-project",
        source="test",
        truncated=truncated,
        window=Window(
            start=T0 + timedelta(hours=hour), end=T0 + timedelta(hours=hour + 1), label="last hour"
        ),
        services=["api"],
        min_severity="WARNING",
        status="OK",
        totals=Totals(),
        clusters=list(clusters),
        issue_actions=actions or [],
    )
