"""A hand-built ScanReport for the publishing tests: a startup crash and the container exits it causes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from loggardener.clustering.models import AffectedFile, Cluster, Sample
from loggardener.report import ScanReport, Totals, Window

T0 = datetime(2025, 9, 16, 17, 43, 50, tzinfo=timezone.utc)
STACK = (
    "Traceback (most recent call last):\n"
    '  File "/app/netra_backend/app/websocket_core/websocket_manager.py", line 53, in <module>\n'
    "    from auth_service.auth_core.core.token_validator import TokenValidator\n"
    "ModuleNotFoundError: No module named 'auth_service'"
)


def crash_cluster(**changes: object) -> Cluster:
    """The P0 startup crash."""
    cluster = Cluster(
        fingerprint="a1b2c3d4e5f6",
        kind="exception",
        signature="ModuleNotFoundError|websocket_manager.py:<module>",
        title="ModuleNotFoundError: No module named 'auth_service' in websocket_manager.py",
        template="No module named <*>",
        exception_type="ModuleNotFoundError",
        message="No module named 'auth_service'",
        count=84,
        events=28,
        share=0.084,
        severities={"ERROR": 84},
        max_severity="ERROR",
        services={"netra-backend-staging": 84},
        revisions={"netra-backend-staging-00764-9ct": 84},
        instances=3,
        first_seen=T0,
        last_seen=T0 + timedelta(minutes=55),
        error_group_ids=["CJX41MHQv-KYQA", "CMvo09eL-PjriQE"],
        affected_files=[
            AffectedFile(
                file="/app/netra_backend/app/websocket_core/websocket_manager.py",
                line=53,
                function="<module>",
                count=28,
            ),
            AffectedFile(
                file="/app/netra_backend/app/auth/models.py", line=22, function="<module>", count=12
            ),
        ],
        stack_pattern=STACK,
        language="python",
        samples=[
            Sample(
                insert_id="abc123",
                timestamp=T0,
                severity="ERROR",
                service="netra-backend-staging",
                revision="netra-backend-staging-00764-9ct",
                instance="00f4a1",
                message=STACK,
                entries=3,
            )
        ],
        buckets={"2025-09-16T17:40:00Z": 84},
        priority="P0",
        reasons=["startup crash: ModuleNotFoundError at import time; 84 entries, 8.4% of all"],
        actions=["Make the image of netra-backend-staging include auth_service, or remove the import."],
        related=["0e1f2a3b4c5d"],
        trend="new",
    )
    return cluster.model_copy(update=changes)


def exit_cluster(**changes: object) -> Cluster:
    """The container exits that follow the crash."""
    cluster = Cluster(
        fingerprint="0e1f2a3b4c5d",
        kind="message",
        signature="Container called exit(<*>).",
        title="Container called exit(3).",
        template="Container called exit(<*>).",
        message="Container called exit(3).",
        count=28,
        events=28,
        share=0.028,
        severities={"WARNING": 28},
        max_severity="WARNING",
        services={"netra-backend-staging": 28},
        revisions={"netra-backend-staging-00764-9ct": 28},
        instances=3,
        first_seen=T0 + timedelta(seconds=1),
        last_seen=T0 + timedelta(minutes=55, seconds=1),
        error_group_ids=[],
        affected_files=[],
        samples=[
            Sample(
                insert_id="def456",
                timestamp=T0 + timedelta(seconds=1),
                severity="WARNING",
                service="netra-backend-staging",
                instance="00f4a1",
                message="Container called exit(3).",
            )
        ],
        buckets={"2025-09-16T17:40:00Z": 28},
        priority="P0",
        reasons=["container exit loop: 28 container exits between 17:43:51 and 18:38:51"],
        related=["a1b2c3d4e5f6"],
    )
    return cluster.model_copy(update=changes)


def warning_cluster(**changes: object) -> Cluster:
    """A P3 warning, below the default threshold."""
    cluster = Cluster(
        fingerprint="9999aaaa0000",
        kind="message",
        signature="Sentry SDK not available",
        title="Sentry SDK not available",
        template="Sentry SDK not available",
        message="Sentry SDK not available - install sentry-sdk[fastapi] to enable error tracking",
        count=5,
        events=5,
        share=0.005,
        severities={"WARNING": 5},
        max_severity="WARNING",
        services={"netra-backend-staging": 5},
        revisions={},
        instances=1,
        first_seen=T0,
        last_seen=T0 + timedelta(minutes=1),
        error_group_ids=[],
        affected_files=[],
        samples=[],
        buckets={},
        priority="P3",
        reasons=["low-impact warning: 5 entries"],
    )
    return cluster.model_copy(update=changes)


def make_report(*clusters: Cluster, generated_at: datetime | None = None) -> ScanReport:
    """A report holding `clusters` (default: crash, exits, warning)."""
    chosen = list(clusters) if clusters else [crash_cluster(), exit_cluster(), warning_cluster()]
    return ScanReport(
        tool_version="0.1.0",
        generated_at=generated_at or T0 + timedelta(hours=1),
        project="netra-staging",
        source="tests",
        query_filter='severity>=WARNING AND resource.labels.service_name="netra-backend-staging"',
        console_url="https://console.cloud.google.com/logs/query;query=severity%3E%3DWARNING?project=netra-staging",
        window=Window(start=T0 - timedelta(hours=11), end=T0 + timedelta(hours=1), label="last 12 hours"),
        services=["netra-backend-staging"],
        min_severity="WARNING",
        status="CRITICAL: 2 P0 problems",
        totals=Totals(read=1000, clustered=1000, events=900),
        clusters=chosen,
    )
