"""Problems that fire together: occurrences of two clusters on the same instance within seconds.

A container exit right after a startup crash is the typical pair. Two clusters are related when most
occurrences of each (at least `min_share`, both ways) have one of the other on the same instance within
`window_seconds`: a chatty warning next to a rare error is related one way only, so it is not linked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from loggardener.clustering.models import Cluster

Occurrence = tuple[str, str | None, datetime]
"""(cluster fingerprint, instance id or None, timestamp) of one event."""

MAX_NEIGHBOURS = 500
"""Occurrences looked at around each one, so a burst on one instance stays linear."""


def fire_together(
    occurrences: Iterable[Occurrence], window_seconds: float, min_share: float = 0.5
) -> dict[str, list[str]]:
    """Related fingerprints by fingerprint (sorted), from event occurrences."""
    by_instance: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for fingerprint, instance, timestamp in occurrences:
        if instance:
            by_instance[instance].append((timestamp, fingerprint))
            totals[fingerprint] += 1
    with_neighbour: Counter[tuple[str, str]] = Counter()
    for events in by_instance.values():
        events.sort()
        for index, (moment, fingerprint) in enumerate(events):
            near: set[str] = set()
            for step in (-1, 1):
                other = index + step
                while 0 <= other < len(events) and abs(other - index) <= MAX_NEIGHBOURS:
                    when, neighbour = events[other]
                    if abs((when - moment).total_seconds()) > window_seconds:
                        break
                    if neighbour != fingerprint:
                        near.add(neighbour)
                    other += step
            for neighbour in near:
                with_neighbour[(fingerprint, neighbour)] += 1
    related: dict[str, set[str]] = defaultdict(set)
    for (first, second), count in with_neighbour.items():
        back = with_neighbour.get((second, first), 0)
        if count / totals[first] >= min_share and back / totals[second] >= min_share:
            related[first].add(second)
            related[second].add(first)
    return {fingerprint: sorted(others) for fingerprint, others in related.items()}


def link_related(clusters: Sequence[Cluster], related: dict[str, list[str]]) -> list[Cluster]:
    """The clusters with `related` filled in (only fingerprints of clusters in the list)."""
    known = {c.fingerprint for c in clusters}
    return [
        c.model_copy(update={"related": [fp for fp in related.get(c.fingerprint, []) if fp in known]})
        for c in clusters
    ]
