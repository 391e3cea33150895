"""Impact across problems: a revision whose every request fails, and causes as urgent as their effects.

Rules apply after each problem has its own priority; they only ever raise a priority:

- `revision-down`: every request a revision answered in the scan failed with a 5xx, on two routes or
  more: its 5xx problems are P0 (the revision cannot serve).
- `cause-and-effect`: a 5xx problem and an exception problem of the same revision whose activity overlaps
  (within `LINK_SLACK_SECONDS`) are cause and effect: both take the more urgent priority of the two, and
  each names the other. A message problem that names a failing route's path (a scheduler attempt calling
  it) is an effect of that route's 5xx problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from loggardener.clustering.models import Cluster

LINK_SLACK_SECONDS = 60.0


@dataclass(frozen=True)
class ScanContext:
    """Facts of the whole scan the rules need: revisions that answered some request without a 5xx."""

    healthy_revisions: frozenset[str] = field(default_factory=frozenset)


def _server_errors(cluster: Cluster) -> bool:
    return cluster.kind == "request" and any(int(s) >= 500 for s in cluster.http_statuses)


def _overlap(a: Cluster, b: Cluster) -> bool:
    slack = timedelta(seconds=LINK_SLACK_SECONDS)
    return a.first_seen - slack <= b.last_seen and b.first_seen - slack <= a.last_seen


def escalate(clusters: Sequence[Cluster], context: ScanContext) -> list[Cluster]:
    by_fingerprint = {c.fingerprint: c for c in clusters}
    priority = {c.fingerprint: c.priority for c in clusters}
    reasons: dict[str, list[str]] = defaultdict(list)
    related: dict[str, set[str]] = defaultdict(set)

    failing_routes: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in clusters:
        if _server_errors(cluster):
            for revision in cluster.revisions:
                failing_routes[revision].append(cluster)
    for revision, failing in sorted(failing_routes.items()):
        routes = sorted({route for c in failing for route in c.routes})
        if len(routes) >= 2 and revision not in context.healthy_revisions:
            for cluster in failing:
                priority[cluster.fingerprint] = "P0"
                reasons[cluster.fingerprint].append(
                    f"revision {revision} is down: every request it answered failed ({len(routes)} routes: "
                    f"{', '.join(routes[:5])})"
                )

    links: list[tuple[Cluster, Cluster]] = []
    exceptions = [c for c in clusters if c.kind == "exception"]
    for effect in (c for c in clusters if _server_errors(c)):
        for cause in exceptions:
            if set(cause.revisions) & set(effect.revisions) and _overlap(cause, effect):
                links.append((cause, effect))
        for message in (c for c in clusters if c.kind == "message"):
            paths = [route for route in effect.routes if len(route) > 1 and "{" not in route]
            if any(path in message.message for path in paths) and _overlap(effect, message):
                links.append((effect, message))
    for cause, effect in sorted(links, key=lambda pair: (pair[0].fingerprint, pair[1].fingerprint)):
        related[cause.fingerprint].add(effect.fingerprint)
        related[effect.fingerprint].add(cause.fingerprint)
        urgent = min(priority[cause.fingerprint], priority[effect.fingerprint])
        for cluster, other, role in ((cause, effect, "cause of"), (effect, cause, "effect of")):
            if priority[cluster.fingerprint] != urgent:
                priority[cluster.fingerprint] = urgent
                reasons[cluster.fingerprint].append(f"{role} {other.title} ({urgent})")

    result = []
    for fingerprint, cluster in by_fingerprint.items():
        if priority[fingerprint] == cluster.priority and not related[fingerprint]:
            result.append(cluster)
            continue
        result.append(
            cluster.model_copy(
                update={
                    "priority": priority[fingerprint],
                    "reasons": [*reasons[fingerprint], *cluster.reasons]
                    if priority[fingerprint] != cluster.priority
                    else cluster.reasons,
                    "related": sorted(set(cluster.related) | related[fingerprint]),
                }
            )
        )
    return result
