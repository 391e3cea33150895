"""Rule-based priorities. Rules come from the configuration (defaults in `config.default_rules`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from loggardener.clustering.models import Cluster
from loggardener.config import PriorityRule
from loggardener.entries.models import Severity
from loggardener.linking.models import Link
from loggardener.prioritizing.actions import actions_for

_FALLBACK_REASON = "no rule matched: review manually"
_CAUSE_SUFFIX = ": a cause is at least as urgent as its effects"


def human_duration(seconds: float) -> str:
    """`75` → `1 minute 15 seconds`, coarse enough to read at a glance."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}" + (f" {seconds} s" if seconds else "")
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours != 1 else ''}" + (f" {minutes} min" if minutes else "")


def _at_max_severity(cluster: Cluster) -> str:
    """How many entries carry the cluster's highest severity: `3 of 647 entries`, or `5 entries` if all."""
    top = cluster.severities.get(cluster.max_severity, cluster.count)
    if top == cluster.count:
        return f"{top} entr{'y' if top == 1 else 'ies'}"
    return f"{top} of {cluster.count} entries"


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "<1%"
    return f"{share:.0%}"


class _CompiledRule:
    def __init__(self, rule: PriorityRule) -> None:
        self.rule = rule
        self.patterns = [re.compile(p) for p in rule.message_patterns]
        self.min_severity = Severity[rule.min_severity] if rule.min_severity else None

    def matches(self, cluster: Cluster) -> bool:
        rule = self.rule
        if rule.kinds and cluster.kind not in rule.kinds:
            return False
        if rule.exception_types:
            short = (cluster.exception_type or "").rsplit(".", 1)[-1]
            if cluster.exception_type not in rule.exception_types and short not in rule.exception_types:
                return False
        if self.patterns:
            haystack = f"{cluster.title}\n{cluster.message}"
            if not any(p.search(haystack) for p in self.patterns):
                return False
        if self.min_severity is not None and Severity[cluster.max_severity] < self.min_severity:
            return False
        if rule.min_count is not None and cluster.count < rule.min_count:
            return False
        if rule.min_share is not None and cluster.share < rule.min_share:
            return False
        if rule.min_http_status is not None and not any(
            int(status) >= rule.min_http_status for status in cluster.http_statuses
        ):
            return False
        if rule.at_import_time is not None:
            at_import = any(f.function == "<module>" for f in cluster.affected_files)
            if at_import != rule.at_import_time:
                return False
        return rule.min_buckets is None or len(cluster.buckets) >= rule.min_buckets

    def reason(self, cluster: Cluster) -> str:
        values = {
            "count": cluster.count,
            "entries": f"{cluster.count} entr{'y' if cluster.count == 1 else 'ies'}",
            "at_max_severity": _at_max_severity(cluster),
            "events": cluster.events,
            "share": _percent(cluster.share),
            "exception_type": cluster.exception_type or "",
            "max_severity": cluster.max_severity,
            "services": ", ".join(cluster.services) or "unknown service",
            "first_seen": cluster.first_seen.strftime("%H:%M:%SZ"),
            "last_seen": cluster.last_seen.strftime("%H:%M:%SZ"),
            "span": human_duration((cluster.last_seen - cluster.first_seen).total_seconds()),
            "title": cluster.title,
            "status": "/".join(sorted(cluster.http_statuses)) or "error",
        }
        try:
            return self.rule.reason.format(**values)
        except (KeyError, IndexError, ValueError):
            return self.rule.reason


class Prioritizer:
    """Gives clusters their priority and reasons, then orders them most urgent first."""

    def __init__(self, tiers: Sequence[Sequence[PriorityRule]]) -> None:
        """`tiers`: lists of rules; the first list with a matching rule decides (see `rule_tiers`)."""
        self._tiers = [[_CompiledRule(rule) for rule in tier] for tier in tiers]

    def rank(self, cluster: Cluster) -> Cluster:
        matched: list[_CompiledRule] = []
        for tier in self._tiers:
            matched = [rule for rule in tier if rule.matches(cluster)]
            if matched:
                break
        if not matched:
            return cluster.model_copy(
                update={"priority": "P3", "reasons": [_FALLBACK_REASON], "actions": actions_for(cluster)}
            )
        priority = min(rule.rule.priority for rule in matched)
        reasons = list(
            dict.fromkeys(rule.reason(cluster) for rule in matched if rule.rule.priority == priority)
        )
        if cluster.severity_inferred:
            reasons.append("severity inferred: an uncaught traceback written to stderr without a severity")
        return cluster.model_copy(
            update={"priority": priority, "reasons": reasons, "actions": actions_for(cluster)}
        )

    def prioritize(self, clusters: Sequence[Cluster], links: Sequence[Link] = ()) -> list[Cluster]:
        """Rank every cluster, raise each cause to its most urgent effect, order most urgent first."""
        ranked = raise_causes([self.rank(cluster) for cluster in clusters], links)
        return sorted(ranked, key=lambda c: (c.priority, -Severity[c.max_severity], -c.count, c.fingerprint))


def raise_causes(clusters: Sequence[Cluster], links: Sequence[Link]) -> list[Cluster]:
    """The clusters with every cause at least as urgent as its effects (along chains of links), saying why."""
    by_fingerprint = {c.fingerprint: c for c in clusters}
    for _ in range(len(clusters)):  # a chain of n links settles in n rounds
        changed = False
        for link in links:
            cause, effect = by_fingerprint.get(link.cause), by_fingerprint.get(link.effect)
            if cause is None or effect is None or cause.priority <= effect.priority:
                continue
            reason = f"causes {effect.title!r} ({effect.priority}){_CAUSE_SUFFIX}"
            kept = [r for r in cause.reasons if not r.endswith(_CAUSE_SUFFIX)]
            by_fingerprint[cause.fingerprint] = cause.model_copy(
                update={"priority": effect.priority, "reasons": [reason, *kept]}
            )
            changed = True
        if not changed:
            break
    return [by_fingerprint[c.fingerprint] for c in clusters]
