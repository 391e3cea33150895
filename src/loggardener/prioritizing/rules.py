"""Rule-based priorities. Rules come from the configuration (defaults in `config.default_rules`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, cast

from loggardener.clustering.models import Cluster
from loggardener.config import PriorityRule, re2_compiled
from loggardener.entries.models import Severity
from loggardener.linking.models import Link
from loggardener.prioritizing.actions import actions_for
from loggardener.prioritizing.impact import ScanContext, escalate
from loggardener.regexes import LiteralGate, compile_regex, folded_text, gate_allows, literal_gate
from loggardener.words import counted

_FALLBACK_REASON = "no rule matched: review manually"
CAUSE_SUFFIX = ": a cause is at least as urgent as its effects"
"""Ends the reason of a priority that linking raised to an effect's."""


def human_duration(seconds: float) -> str:
    """`75` → `1 minute 15 seconds`, coarse enough to read at a glance."""
    seconds = round(seconds)
    if seconds < 60:
        return counted(seconds, "second")
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return counted(minutes, "minute") + (f" {seconds} s" if seconds else "")
    hours, minutes = divmod(minutes, 60)
    return counted(hours, "hour") + (f" {minutes} min" if minutes else "")


def _tally(cluster: Cluster) -> str:
    """How much a cluster holds, in events: `5 entries` when each entry is one, else `1 event (36 entries)` (a
    report reassembled from one entry a line is one event)."""
    if not 0 < cluster.events < cluster.count:
        return counted(cluster.count, "entry")
    return f"{counted(cluster.events, 'event')} ({counted(cluster.count, 'entry')})"


def _at_max_severity(cluster: Cluster) -> str:
    """How many entries carry the cluster's highest severity: `3 of 647 entries`, or, if all, `_tally`'s
    `5 entries` or `1 event (36 entries)`."""
    top = cluster.severities.get(cluster.max_severity, cluster.count)
    if top == cluster.count:
        return _tally(cluster)
    return f"{top} of {cluster.count} entries"


# The severity rules (entries/levels.py) that put an entry below its logged severity without a level in its
# text: what the text shows instead
_READ_WITHOUT_A_LEVEL = {
    "no-error-evidence": "shows no sign of a failure",
    "access-log-status": "is an access line of a status below 400",
}


def _text_level(cluster: Cluster) -> str:
    """What the text says of its level: `declares INFO`, or, where a rule read it without a declared level,
    `shows no sign of a failure (read as INFO)`, or both joined."""
    readings = [
        _READ_WITHOUT_A_LEVEL[rule]
        for rule in sorted(cluster.inferred_severity)
        if rule in _READ_WITHOUT_A_LEVEL
    ]
    if not readings:
        return f"declares {cluster.max_severity}"
    if any(rule not in _READ_WITHOUT_A_LEVEL for rule in cluster.inferred_severity):
        readings.insert(0, "declares a lower level")
    return f"{' or '.join(readings)} (read as {cluster.max_severity})"


def _when(cluster: Cluster) -> str:
    """`at 16:00:00Z` when the cluster was seen within one second, else `between 16:00:00Z and 16:14:00Z`."""
    first, last = (t.strftime("%H:%M:%SZ") for t in (cluster.first_seen, cluster.last_seen))
    return f"at {first}" if first == last else f"between {first} and {last}"


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "<1%"
    return f"{share:.0%}"


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)"
)
# A date, not one inside a URL or an identifier (`/changelog/2026-12-20`, `api-version 2026-12-15-preview`)
_DATES = compile_regex(
    r"(?i)(?<!/)\b(?P<iso>(?P<y>20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d))(?!\d|-\w)"
    rf"|(?<!/)\b(?P<mon1>{_MONTH})\.? (?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,? (?P<y1>20\d\d)\b(?!-\w)"
    rf"|(?<!/)\b(?P<d2>[0-3]?\d) (?P<mon2>{_MONTH})\.?,? (?P<y2>20\d\d)\b(?!-\w)"
)
# What names the day a deprecated thing goes away, just before the date (`will be removed on`, `shutdown:`,
# `end of life`, `support ends`, `deployments fail after`, `supported until`); not the day it was deprecated
# (`deprecated since`) or released
_DUE_WORDS = compile_regex(
    r"(?i)\b(?:remov(?:al|ed?|es|ing)|shut ?(?:down|off)|sunset\w*|ends?|ending|EOL|retire\w*|decommission\w*"
    r"|discontinu\w*|stops?|ceases?|until|till|after|on|by|from|as of|starting|effective|beginning)\b"
    r"[^.;\n]{0,40}\Z"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def due_date(message: str, today: date) -> date | None:
    """The first date after `today` (the day of a cluster's last entry) that a removal, a shutdown or an end of life
    names just before it in `message` (`will be removed on 2026-12-07`, `shut down on September 30, 2027`, `end of
    life: 7 Dec 2026`), which is what it announces; None when it names none (a line's own timestamp, a date already
    past, the day something was deprecated, a date inside a URL or an identifier is not one)."""
    for match in _DATES.finditer(message):
        if not _DUE_WORDS.search(message, max(0, match.start() - 60), match.start()):
            continue
        if match["iso"]:
            parts = (match["y"], match["m"], match["d"])
        else:
            month = _MONTHS[(match["mon1"] or match["mon2"])[:3].lower()]
            parts = (match["y1"] or match["y2"], str(month), match["d1"] or match["d2"])
        try:
            named = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            continue
        if named > today:
            return named
    return None


def _due(cluster: Cluster) -> str:
    """The `{due}` of a reason: the date the cluster's entries announce, or, when its sampled entries name
    different ones, the soonest saying so (`2026-12-20, the soonest of the dates its entries name: 2026-12-20,
    2027-09-30`): one entry's date is not every entry's."""
    texts = (cluster.message, *(s.message for s in cluster.samples), cluster.latest_message or "")
    today = cluster.last_seen.date()
    dates = sorted({d for text in texts if (d := due_date(text, today))})
    if not dates:
        return "no date"
    if len(dates) == 1:
        return str(dates[0])
    return f"{dates[0]}, the soonest of the dates its entries name: {', '.join(map(str, dates))}"


def readings(cluster: Cluster) -> list[Cluster]:
    """The cluster as its representative message reads it, then as each other sampled message and the latest
    entry's that differ do (a certificate due in 45 days, then one due in 12; a disk at 84%, then at 93%): a
    rule that reads a value in the text must see every value the entries read hold. An exception's message is
    its stack's, not its samples': one reading."""
    if cluster.exception_type:
        return [cluster]
    latest = [cluster.latest_message] if cluster.latest_message is not None else []
    texts = dict.fromkeys(
        text for text in (*(s.message for s in cluster.samples[1:]), *latest) if text != cluster.message
    )
    return [cluster, *(cluster.model_copy(update={"message": text}) for text in texts)]


def _log_matches(log: str, patterns: Sequence[str]) -> bool:
    resource_type = log.split(" ", 1)[0]
    return any(log == p or (p.endswith(" *") and p[:-2] == resource_type) for p in patterns)


class _Searcher(Protocol):
    def search(self, text: str) -> object | None: ...


def _compiler(linear: bool) -> Callable[[str], _Searcher]:
    """RE2 for the configuration's rules (linear in the text, so `(a+)+$` cannot hang a scan), Python's re
    for the built-in ones (some use lookaround)."""
    if not linear:
        return compile_regex
    return lambda pattern: cast(_Searcher, re2_compiled(pattern))


def problem_text(cluster: Cluster) -> str:
    """What a rule's message patterns search: the problem's title and message."""
    return f"{cluster.title}\n{cluster.message}"


_folded = functools.lru_cache(maxsize=4)(folded_text)
"""`folded_text` of the texts searched now (the rules try one problem's texts in turn)."""


def _found(patterns: list[_Searcher], gates: list[LiteralGate | None], text: str) -> bool:
    """Whether one of `patterns` is found in `text`, those whose gate rules the text out not searched."""
    for pattern, gate in zip(patterns, gates, strict=True):
        lowered = _folded(text) if gate is not None and gate[1] else None
        if gate_allows(gate, text, lowered) and pattern.search(text):
            return True
    return False


class _CompiledRule:
    def __init__(self, rule: PriorityRule, linear: bool = False) -> None:
        self.rule = rule
        compile_ = _compiler(linear)
        self.patterns = [compile_(p) for p in rule.message_patterns]
        self.stack_patterns = [compile_(p) for p in rule.stack_patterns]
        self._linear = linear
        self.route_patterns = [compile_(p) for p in rule.route_patterns]
        self.service_patterns = [compile_(p) for p in rule.service_patterns]
        self.min_severity = Severity[rule.min_severity] if rule.min_severity else None
        self.below_severity = Severity[rule.below_severity] if rule.below_severity else None

    @functools.cached_property
    def gates(self) -> tuple[list[LiteralGate | None], list[LiteralGate | None]]:
        """The gates of the message and stack patterns: the texts one of which each match holds, read from `re`'s
        parse of the built-in rules' patterns (a problem's text without any is not searched; RE2's case folding is
        not `re`'s, so none for the configuration's). Read when the rule first searches: most rules of a small scan
        never do, and reading a pattern costs about what one search does."""
        read = (lambda pattern: None) if self._linear else literal_gate
        return (
            [read(p) for p in self.rule.message_patterns],
            [read(p) for p in self.rule.stack_patterns],
        )

    def may_match(self, kind: str, max_severity: str) -> bool:
        """Whether the rule may match a problem of this kind and highest severity: `matches`' first tests, which
        rule out most rules for a problem without reading it, and which a scan's problems share by the few kinds
        and severities there are (`Prioritizer._rules_for`)."""
        rule = self.rule
        if rule.kinds and kind not in rule.kinds:
            return False
        severity = Severity[max_severity]
        if self.min_severity is not None and severity < self.min_severity:
            return False
        return self.below_severity is None or severity < self.below_severity

    def matches(self, cluster: Cluster, haystack: str | None = None) -> bool:
        """Whether every condition of the rule holds; its patterns are searched last of the plain comparisons
        (kind, exception type, severity, counts), and the stack's only when the text's found nothing: a scan
        tries each problem against the rules in turn, and most rules are ruled out without reading a text."""
        rule = self.rule
        if rule.kinds and cluster.kind not in rule.kinds:
            return False
        if rule.exception_types:
            short = (cluster.exception_type or "").rsplit(".", 1)[-1]
            if cluster.exception_type not in rule.exception_types and short not in rule.exception_types:
                return False
        severity = Severity[cluster.max_severity]
        if self.min_severity is not None and severity < self.min_severity:
            return False
        if self.below_severity is not None and severity >= self.below_severity:
            return False
        if rule.min_count is not None and cluster.count < rule.min_count:
            return False
        if rule.min_events is not None and cluster.events < rule.min_events:
            return False
        if rule.max_events is not None and cluster.events > rule.max_events:
            return False
        if rule.min_events_per_instance is not None and (
            cluster.events < rule.min_events_per_instance * max(cluster.instances, 1)
        ):
            return False
        if rule.max_event_interval_seconds is not None and cluster.events > 1:
            span = (cluster.last_seen - cluster.first_seen).total_seconds()
            if span > rule.max_event_interval_seconds * (cluster.events - 1):
                return False
        if rule.min_share is not None and cluster.event_share < rule.min_share:
            return False
        if self.patterns or self.stack_patterns:
            if haystack is None:
                haystack = problem_text(cluster)
            stack = cluster.stack_pattern
            gates, stack_gates = self.gates
            if not _found(self.patterns, gates, haystack) and (
                stack is None or not _found(self.stack_patterns, stack_gates, stack)
            ):
                return False
        if self.route_patterns and not any(p.search(r) for p in self.route_patterns for r in cluster.routes):
            return False
        if self.service_patterns and (
            not cluster.services
            or not all(any(p.search(s) for p in self.service_patterns) for s in cluster.services)
        ):
            return False
        if rule.min_http_status is not None and not any(
            int(status) >= rule.min_http_status for status in cluster.http_statuses
        ):
            return False
        if rule.max_http_status is not None and any(
            int(status) > rule.max_http_status for status in cluster.http_statuses
        ):
            return False
        if rule.at_import_time is not None:
            at_import = any(f.function == "<module>" for f in cluster.affected_files)
            if at_import != rule.at_import_time:
                return False
        if rule.audit_statuses and not any(_audit_status(cluster) == s for s in rule.audit_statuses):
            return False
        if rule.principal_kinds and (
            not cluster.principal_kinds or any(k not in rule.principal_kinds for k in cluster.principal_kinds)
        ):
            return False
        if rule.logs and (not cluster.logs or not all(_log_matches(log, rule.logs) for log in cluster.logs)):
            return False
        if rule.min_buckets is not None and len(cluster.buckets) < rule.min_buckets:
            return False
        if rule.due_within_days is None and rule.due_after_days is None:
            return True
        due = due_date(cluster.message, cluster.last_seen.date())
        if due is None:
            return False
        days = (due - cluster.last_seen.date()).days
        return (rule.due_within_days is None or days <= rule.due_within_days) and (
            rule.due_after_days is None or days > rule.due_after_days
        )

    def reason(self, cluster: Cluster) -> str:
        values = {
            "count": cluster.count,
            "entries": counted(cluster.count, "entry"),
            "tally": _tally(cluster),
            "requests": counted(cluster.count, "request"),
            "at_max_severity": _at_max_severity(cluster),
            "events": cluster.events,
            "event_word": counted(cluster.events, "event"),
            "share": _percent(cluster.event_share),
            "exception_type": cluster.exception_type or "",
            "max_severity": cluster.max_severity,
            "text_level": _text_level(cluster),
            "services": ", ".join(cluster.services) or "unknown service",
            "first_seen": cluster.first_seen.strftime("%H:%M:%SZ"),
            "last_seen": cluster.last_seen.strftime("%H:%M:%SZ"),
            "when": _when(cluster),
            "span": human_duration((cluster.last_seen - cluster.first_seen).total_seconds()),
            "title": cluster.title,
            "status": "/".join(sorted(cluster.http_statuses)) or "error",
            "routes": ", ".join(cluster.routes) or "no route",
            "audit_status": _audit_status(cluster) or "error",
            "logs": ", ".join(cluster.logs) or "no log",
            "due": _due(cluster) if "{due}" in self.rule.reason else "no date",
        }
        try:
            return self.rule.reason.format(**values)
        except (KeyError, IndexError, ValueError):
            return self.rule.reason


def _audit_status(cluster: Cluster) -> str:
    """The status code name an audit cluster's signature starts with (`PERMISSION_DENIED …`)."""
    if cluster.kind != "audit":
        return ""
    parts = cluster.signature.split(" | ")
    code = parts[1].split(" ", 1)[0] if len(parts) > 1 else ""
    if code == "UNKNOWN" and re.search(r"(?i)permission denied|not authori[sz]ed", cluster.message):
        return "PERMISSION_DENIED"
    return code


ROLLOUT_RULES = frozenset(
    (
        "startup-crash",
        "startup-failure",
        "container-exit-loop",
        "container-back-off-loop",
        "revision-not-ready",
    )
)
"""Rules that say a revision cannot start: P1 instead of P0 while another revision of its service serves."""


def _still_serving(cluster: Cluster, context: ScanContext) -> list[str]:
    """The revisions that serve the cluster's service while none of the cluster's own revisions answered a
    request (a rollout that failed: Cloud Run keeps the traffic on the last revision that became ready);
    empty when the service has no other revision serving, or the cluster has no revision."""
    if not cluster.revisions or not cluster.services:
        return []
    if any(revision in context.healthy_revisions for revision in cluster.revisions):
        return []
    serving: set[str] = set()
    for service in cluster.services:
        others = context.serving.get(service, frozenset()) - set(cluster.revisions)
        if not others:
            return []
        serving |= others
    return sorted(serving)


class Prioritizer:
    """Gives clusters their priority and reasons, then orders them most urgent first."""

    def __init__(self, tiers: Sequence[Sequence[PriorityRule]], linear_tiers: int = 0) -> None:
        """`tiers`: lists of rules; in the first tier with a matching rule, the first matching rule decides.
        The first `linear_tiers` tiers (the configuration's rules) search their patterns with RE2."""
        self._tiers = [
            [_CompiledRule(rule, linear=index < linear_tiers) for rule in tier]
            for index, tier in enumerate(tiers)
        ]
        self._by_class: dict[tuple[str, str], list[_CompiledRule]] = {}

    def _rules_for(self, kind: str, max_severity: str) -> list[_CompiledRule]:
        """The rules, tier after tier, that may match a problem of this kind and highest severity (`may_match`),
        listed once per such class: a problem is tried against these, not against every rule."""
        rules = self._by_class.get((kind, max_severity))
        if rules is None:
            rules = self._by_class[kind, max_severity] = [
                rule for tier in self._tiers for rule in tier if rule.may_match(kind, max_severity)
            ]
        return rules

    def _first_match(self, cluster: Cluster) -> _CompiledRule | None:
        rules = self._rules_for(cluster.kind, cluster.max_severity)
        # One text for every rule: its lower-cased form is made once (`_found`).
        haystack = problem_text(cluster)
        return next((r for r in rules if r.matches(cluster, haystack)), None)

    def rank(self, cluster: Cluster, context: ScanContext | None = None) -> Cluster:
        """The priority of the most urgent of the cluster's `readings` (ties: the representative's), with its
        rule's reason; when the sampled entries read otherwise, the reason says which rule the others match."""
        matched = [(self._first_match(reading), reading) for reading in readings(cluster)]
        rule, reading = min(matched, key=lambda pair: pair[0].rule.priority if pair[0] else "P3")
        if rule is None:
            return cluster.model_copy(
                update={"priority": "P3", "reasons": [_FALLBACK_REASON], "actions": actions_for(cluster)}
            )
        priority, reasons = rule.rule.priority, [rule.reason(reading)]
        others = sorted({r.rule.name if r else "no rule" for r, _ in matched if r is not rule})
        if others:
            reasons[0] += (
                f"; the most urgent of the entries read (its samples, its latest) decides: others match {', '.join(others)}"
            )
        serving = _still_serving(cluster, context) if context and rule.rule.name in ROLLOUT_RULES else []
        if priority == "P0" and serving:
            priority = "P1"
            reasons[0] += (
                f"; a failed rollout: revision {', '.join(serving[:3])} of the same service still serves"
            )
        if cluster.inferred_severity:
            rules = ", ".join(f"{name} ({n})" for name, n in cluster.inferred_severity.items())
            reasons.append(f"severity inferred from the entries' text by rule {rules}")
        return cluster.model_copy(
            update={"priority": priority, "reasons": reasons, "actions": actions_for(cluster)}
        )

    def prioritize(
        self, clusters: Sequence[Cluster], links: Sequence[Link] = (), context: ScanContext | None = None
    ) -> list[Cluster]:
        """Rank every cluster, apply the rules across problems (`impact`), raise each cause to its most
        urgent effect, order most urgent first."""
        context = context or ScanContext()
        ranked = escalate([self.rank(cluster, context) for cluster in clusters], context, links)
        ranked = raise_causes(ranked, links)
        return sorted(ranked, key=lambda c: (c.priority, -Severity[c.max_severity], -c.count, c.fingerprint))


def raise_causes(clusters: Sequence[Cluster], links: Sequence[Link]) -> list[Cluster]:
    """The clusters with every cause at least as urgent as its effects (along chains of links), saying why; a
    cause whose entries all declare a level below WARNING keeps its own priority (it is a step of the story,
    not a failure)."""
    by_fingerprint = {c.fingerprint: c for c in clusters}
    for _ in range(len(clusters)):  # a chain of n links settles in n rounds
        changed = False
        for link in links:
            cause, effect = by_fingerprint.get(link.cause), by_fingerprint.get(link.effect)
            if cause is None or effect is None or cause.priority <= effect.priority:
                continue
            if Severity[cause.max_severity] < Severity.WARNING:
                continue
            reason = f"causes {effect.title!r} ({effect.priority}){CAUSE_SUFFIX}"
            kept = [r for r in cause.reasons if not r.endswith(CAUSE_SUFFIX)]
            by_fingerprint[cause.fingerprint] = cause.model_copy(
                update={"priority": effect.priority, "reasons": [reason, *kept]}
            )
            changed = True
        if not changed:
            break
    return [by_fingerprint[c.fingerprint] for c in clusters]
