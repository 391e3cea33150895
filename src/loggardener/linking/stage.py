"""The linking stage as the pipeline runs it: collect facts while clustering, then link the final clusters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from loggardener.clustering.models import Cluster, SuspectRevision
from loggardener.linking.facts import LinkFacts, ResolvedFacts
from loggardener.linking.incidents import (
    CHANGE_LEAD,
    concerns,
    crosses_services,
    suspect_revision,
    with_effects,
    with_links,
)
from loggardener.linking.models import ChangeMarker, DeployMarker, Link
from loggardener.linking.rules import (
    find_links,
    is_managed_service_record,
    is_server_outage,
    reports_unavailable_upstream,
)

HEALTHY_LEAD = timedelta(minutes=2)
"""How long a revision must have run before a problem began for the problem to be what changed around it."""


@dataclass(frozen=True)
class Linked:
    """The clusters with their links filled in, the links, and the deploy and change markers of the window."""

    clusters: list[Cluster]
    links: list[Link]
    deploys: list[DeployMarker]
    changes: list[ChangeMarker]


class Linker:
    """Collects facts while clustering, then links the final clusters."""

    def __init__(self, instance_window_seconds: float) -> None:
        self.window = instance_window_seconds
        self.facts = LinkFacts(instance_window_seconds)

    def link(self, clusters: Sequence[Cluster], final: Callable[[str], str]) -> Linked:
        """`final` maps a cluster key given to `facts.add` to its cluster's fingerprint."""
        facts = self.facts.resolve(final)
        links = find_links(clusters, facts, self.window)
        candidates = {
            c.fingerprint: (c, s) for c in clusters if (s := suspect_revision(c, facts)) is not None
        }
        explained = _explained(clusters, links, candidates, facts)
        suspects = {fp: s for fp, (_, s) in candidates.items() if fp not in explained}
        return Linked(with_links(clusters, links, suspects), links, facts.deploys, facts.changes)


def _explained(
    clusters: Sequence[Cluster],
    links: Sequence[Link],
    candidates: dict[str, tuple[Cluster, SuspectRevision]],
    facts: ResolvedFacts,
) -> set[str]:
    """Problems something other than their revision explains, so it is not their suspect: new in a revision
    deployed just before, they are still not its fault.

    - the effects of another service's failure (an upstream, a database), unless that failure is a managed
      service's record that began only once the revision ran (`_answers_the_revision`);
    - a problem that began within `CHANGE_LEAD` after a change to a resource it runs on or names, made
      while its revision was already running (the revision ran without it until the change);
    - a problem saying a server it calls could not answer (`reports_unavailable_upstream`: a provider's `HTTP
      503 … Service Unavailable`) that began `HEALTHY_LEAD` or more after its revision started running: the
      revision called that server without it until the server failed;
    - every effect of those, however far down the links.
    """
    services = {c.fingerprint: set(c.services) for c in clusters}
    by_fingerprint = {c.fingerprint: c for c in clusters}
    seeds = {
        link.effect
        for link in links
        if crosses_services(link, services)
        and not _answers_the_revision(by_fingerprint[link.cause], candidates.get(link.effect), facts)
    }
    for fingerprint, (cluster, suspect) in candidates.items():
        running = facts.revisions[(suspect.service, suspect.revision)].start
        if (running + HEALTHY_LEAD <= suspect.first_seen and reports_unavailable_upstream(cluster)) or any(
            running <= change.timestamp <= suspect.first_seen <= change.timestamp + CHANGE_LEAD
            and concerns(change, [cluster])
            for change in facts.changes
        ):
            seeds.add(fingerprint)
    return with_effects(seeds, links)


def _answers_the_revision(
    cause: Cluster, candidate: tuple[Cluster, SuspectRevision] | None, facts: ResolvedFacts
) -> bool:
    """`cause` is a managed service's record (a database's own log) that began only after the revision the
    effect is new in started running: the database refusing what the new code sends (`null value in column
    … violates not-null constraint`), not a failure of its own that the revision ran into."""
    if candidate is None or not is_managed_service_record(cause) or is_server_outage(cause):
        return False
    suspect = candidate[1]
    return facts.revisions[(suspect.service, suspect.revision)].start <= cause.first_seen
