"""Groups events into clusters, keeping only counts and bounded samples in memory."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from loggardener.clustering.models import AffectedFile, Cluster, Sample
from loggardener.clustering.signature import Signature, signature_of
from loggardener.entries.models import Event, Severity

_MAX_INSTANCES = 10_000
_MAX_ERROR_GROUPS = 25
_MAX_FILES = 50

Assign = Callable[[Event, str], None]


@dataclass
class _Accumulator:
    signature: Signature
    count: int = 0
    events: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    max_severity: Severity = Severity.DEFAULT
    severity_inferred: bool = False
    services: Counter[str] = field(default_factory=Counter)
    revisions: Counter[str] = field(default_factory=Counter)
    instances: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    error_groups: dict[str, None] = field(default_factory=dict)
    files: Counter[tuple[str, int | None, str | None]] = field(default_factory=Counter)
    stack_by_file: dict[tuple[str, int | None, str | None], str] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    routes: dict[str, None] = field(default_factory=dict)
    buckets: Counter[datetime] = field(default_factory=Counter)
    # A max-heap (by negated order key) of the earliest events, so samples do not depend on input order.
    earliest: list[tuple[tuple[float, str], int, Event]] = field(default_factory=list)


class Clusterer:
    """Streaming clusterer: `add` events, then `clusters()`."""

    def __init__(
        self,
        samples_per_cluster: int = 3,
        bucket_minutes: int = 10,
        on_assign: Assign | None = None,
    ) -> None:
        self._samples = samples_per_cluster
        self._bucket_seconds = bucket_minutes * 60
        self._on_assign = on_assign
        self._clusters: dict[str, _Accumulator] = {}

    def add(self, event: Event) -> str:
        """Add one event; returns its cluster's fingerprint."""
        signature = signature_of(event)
        fingerprint = signature.fingerprint
        acc = self._clusters.get(fingerprint)
        if acc is None:
            acc = self._clusters[fingerprint] = _Accumulator(signature)
        primary = event.primary
        acc.events += 1
        acc.count += len(event.members)
        acc.severity_inferred = acc.severity_inferred or event.severity_inferred
        acc.max_severity = max(acc.max_severity, primary.severity)
        for member in event.members:
            acc.severities[primary.severity.name if event.severity_inferred else member.severity.name] += 1
            bucket = int(member.timestamp.timestamp()) // self._bucket_seconds * self._bucket_seconds
            acc.buckets[datetime.fromtimestamp(bucket, tz=timezone.utc)] += 1
        if primary.service:
            acc.services[primary.service] += len(event.members)
        if primary.revision:
            acc.revisions[primary.revision] += len(event.members)
        if primary.instance and len(acc.instances) < _MAX_INSTANCES:
            acc.instances.add(primary.instance)
        first = event.members[0].timestamp
        last = event.members[-1].timestamp
        acc.first_seen = first if acc.first_seen is None else min(acc.first_seen, first)
        acc.last_seen = last if acc.last_seen is None else max(acc.last_seen, last)
        for group in primary.error_group_ids:
            if len(acc.error_groups) < _MAX_ERROR_GROUPS:
                acc.error_groups[group] = None
        if primary.stack is not None:
            origin = signature.origin or primary.stack.innermost_in_app
            key = (origin.file, origin.line, origin.function) if origin else None
            if key is not None and (key in acc.files or len(acc.files) < _MAX_FILES):
                acc.files[key] += 1
                known = acc.stack_by_file.get(key)
                if known is None or primary.stack.text < known:
                    acc.stack_by_file[key] = primary.stack.text
        if primary.http is not None and primary.http.status is not None:
            acc.statuses[str(primary.http.status)] += 1
            route = signature.parts[2] if signature.kind == "request" else None
            if route:
                acc.routes[route] = None
        self._keep_sample(acc, event)
        if self._on_assign is not None:
            self._on_assign(event, fingerprint)
        return fingerprint

    def _keep_sample(self, acc: _Accumulator, event: Event) -> None:
        order = (-event.primary.timestamp.timestamp(), _negate(event.primary.insert_id))
        item = (order, acc.events, event)
        if len(acc.earliest) < self._samples:
            heapq.heappush(acc.earliest, item)
        elif order > acc.earliest[0][0]:
            heapq.heapreplace(acc.earliest, item)

    def clusters(self, total_entries: int) -> list[Cluster]:
        """The clusters so far, unranked (the prioritizing stage orders them)."""
        return [self._build(fp, acc, total_entries) for fp, acc in sorted(self._clusters.items())]

    def _build(self, fingerprint: str, acc: _Accumulator, total: int) -> Cluster:
        samples = [event for _, _, event in sorted(acc.earliest, key=lambda item: item[0], reverse=True)]
        representative = samples[0].primary
        stack = representative.stack
        assert acc.first_seen is not None and acc.last_seen is not None
        files = sorted(acc.files.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or 0))
        stack_pattern = acc.stack_by_file[files[0][0]] if files else (stack.text if stack else None)
        return Cluster(
            fingerprint=fingerprint,
            kind=acc.signature.kind,
            signature=acc.signature.text,
            title=acc.signature.title,
            template=acc.signature.template,
            exception_type=stack.exception_type if stack else None,
            message=stack.message if stack else representative.message,
            count=acc.count,
            events=acc.events,
            share=acc.count / total if total else 0.0,
            severities=dict(sorted(acc.severities.items(), key=lambda kv: -Severity[kv[0]])),
            max_severity=acc.max_severity.name,
            severity_inferred=acc.severity_inferred,
            services=dict(acc.services.most_common()),
            revisions=dict(acc.revisions.most_common()),
            instances=len(acc.instances),
            first_seen=acc.first_seen,
            last_seen=acc.last_seen,
            error_group_ids=list(acc.error_groups),
            affected_files=[
                AffectedFile(file=file, line=line, function=function, count=count)
                for (file, line, function), count in files
            ],
            stack_pattern=stack_pattern,
            language=stack.language if stack else None,
            http_statuses=dict(acc.statuses.most_common()),
            routes=list(acc.routes),
            samples=[_sample(event) for event in samples],
            buckets=self._bucket_series(acc.buckets),
        )

    def _bucket_series(self, buckets: Counter[datetime]) -> dict[str, int]:
        """Entries per bucket from the first to the last, empty buckets included."""
        first, last = min(buckets), max(buckets)
        step = timedelta(seconds=self._bucket_seconds)
        series: dict[str, int] = {}
        moment = first
        while moment <= last:
            series[moment.isoformat().replace("+00:00", "Z")] = buckets.get(moment, 0)
            moment += step
        return series


def _negate(text: str) -> str:
    """An order key that sorts strings in reverse (for the max-heap of earliest samples)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def _sample(event: Event) -> Sample:
    entry = event.primary
    return Sample(
        insert_id=entry.insert_id,
        timestamp=entry.timestamp,
        severity=entry.severity.name,
        service=entry.service,
        revision=entry.revision,
        instance=entry.instance,
        log_name=entry.log_id,
        message=entry.message
        if entry.stack is None or entry.stack.text in entry.message
        else f"{entry.message}\n{entry.stack.text}",
        entries=len(event.members),
    )
