"""The linking stage as the pipeline runs it: collect facts while clustering, then link the final clusters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from loggardener.clustering.models import Cluster
from loggardener.linking.facts import LinkFacts
from loggardener.linking.incidents import suspect_revision, with_links
from loggardener.linking.models import ChangeMarker, DeployMarker, Link
from loggardener.linking.rules import find_links


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
        outside = _caused_from_outside(clusters, links)
        suspects = {
            c.fingerprint: s
            for c in clusters
            if c.fingerprint not in outside and (s := suspect_revision(c, facts)) is not None
        }
        return Linked(with_links(clusters, links, suspects), links, facts.deploys, facts.changes)


def _caused_from_outside(clusters: Sequence[Cluster], links: Sequence[Link]) -> set[str]:
    """Problems caused by a failure of another service (an upstream, a database): new in a revision deployed
    just before, they are still not that revision's fault."""
    services = {c.fingerprint: set(c.services) for c in clusters}
    return {
        link.effect
        for link in links
        if services.get(link.cause)
        and services.get(link.effect)
        and not services[link.cause] & services[link.effect]
    }
