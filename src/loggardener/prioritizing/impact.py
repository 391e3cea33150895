"""Impact across problems; rules apply after each problem has its own priority and only ever raise one:

- `revision-down`: every request a revision answered in the scan failed with a 5xx, on two routes or
  more: its 5xx problems are P0 (the revision cannot serve). A service without revisions (a load
  balancer's backend, an access log) is down the same way when none of its requests was answered below 400.
- `effect-of`: an effect takes its cause's priority when the cause is more urgent (a 503 route of a
  revision that cannot start is part of that outage); `rules.raise_causes` does the converse. An effect whose
  entries all declare a level below WARNING (gunicorn's `[INFO] Worker exiting` after a worker timeout) is a
  step of the story, not a failure: it keeps its own priority.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from loggardener.clustering.models import Cluster
from loggardener.entries.models import Severity
from loggardener.linking.models import Link


@dataclass(frozen=True)
class ScanContext:
    """Facts of the whole scan the rules need: revisions that answered some request without a 5xx (also by
    service), services without revisions that answered some request below 400."""

    healthy_revisions: frozenset[str] = field(default_factory=frozenset)
    healthy_services: frozenset[str] = field(default_factory=frozenset)
    serving: dict[str, frozenset[str]] = field(default_factory=dict)
    """Service → its revisions that answered some request below 500."""


EFFECT_PREFIX = "effect of "
"""Starts the reason of a priority that linking raised to a cause's."""


def _server_errors(cluster: Cluster) -> bool:
    return cluster.kind == "request" and any(int(s) >= 500 for s in cluster.http_statuses)


def escalate(clusters: Sequence[Cluster], context: ScanContext, links: Sequence[Link] = ()) -> list[Cluster]:
    by_fingerprint = {c.fingerprint: c for c in clusters}
    priority = {c.fingerprint: c.priority for c in clusters}
    reasons: dict[str, list[str]] = defaultdict(list)

    failing_routes: dict[str, list[Cluster]] = defaultdict(list)
    failing_services: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in clusters:
        if _server_errors(cluster):
            for revision in cluster.revisions:
                failing_routes[revision].append(cluster)
            if not cluster.revisions:
                for service in cluster.services:
                    failing_services[service].append(cluster)
    down = [
        (f"revision {revision}", failing)
        for revision, failing in sorted(failing_routes.items())
        if revision not in context.healthy_revisions
    ] + [
        (f"service {service}", failing)
        for service, failing in sorted(failing_services.items())
        if service not in context.healthy_services
    ]
    for name, failing in down:
        routes = sorted({route for c in failing for route in c.routes})
        if len(routes) >= 2:
            for cluster in failing:
                priority[cluster.fingerprint] = "P0"
                reasons[cluster.fingerprint].append(
                    f"{name} is down: every request it answered failed ({len(routes)} routes: "
                    f"{', '.join(routes[:5])})"
                )

    for _ in range(len(links)):  # a chain of n links settles in n rounds
        changed = False
        for link in links:
            cause, effect = link.cause, link.effect
            if effect in by_fingerprint and Severity[by_fingerprint[effect].max_severity] < Severity.WARNING:
                continue
            if cause in priority and effect in priority and priority[cause] < priority[effect]:
                priority[effect] = priority[cause]
                reasons[effect].append(f"{EFFECT_PREFIX}{by_fingerprint[cause].title} ({priority[cause]})")
                changed = True
        if not changed:
            break

    result = []
    for fingerprint, cluster in by_fingerprint.items():
        if priority[fingerprint] == cluster.priority:
            result.append(cluster)
            continue
        result.append(
            cluster.model_copy(
                update={
                    "priority": priority[fingerprint],
                    "reasons": [*reasons[fingerprint][-1:], *cluster.reasons],
                }
            )
        )
    return result
