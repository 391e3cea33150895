"""Groups events into clusters, keeping only counts and bounded samples in memory.

Events with a stack or an HTTP status are keyed by their signature's fingerprint as they arrive. Messages
and audit entries go through the template miner: they are keyed provisionally by the miner's signature id
(`provisional key`), and accumulators whose ids end in the same miner cluster are merged, from time to time
while reading (so memory follows the number of clusters) and at the end, when the fingerprint is computed
from the cluster's final template. `final_fingerprint` maps a provisional key to it.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from loggardener.clustering.miner import OTHER_ID, TemplateMiner
from loggardener.clustering.models import AffectedFile, Cluster, ClusterKind, Sample
from loggardener.clustering.shared import SharedTokens
from loggardener.clustering.signature import (
    Signature,
    display_message,
    display_title,
    mined_message,
    mined_signature,
    request_route,
    signature_of,
    worded_title,
)
from loggardener.entries.models import Event, LogEntry, Severity, log_id, log_project
from loggardener.regexes import compile_regex

_MAX_INSTANCES = 10_000
_MAX_ERROR_GROUPS = 25
_MAX_FILES = 50
_COMPACT_AT = 1_024
MAX_BUCKETS = 48
_MAX_LOGS = 10
MAX_SAMPLE_CHARS = 8_000
# Bucket widths for long windows, in seconds: a problem's activity never has more than MAX_BUCKETS buckets.
_NICE_STEPS = (
    600,
    1_800,
    3_600,
    3 * 3_600,
    6 * 3_600,
    12 * 3_600,
    86_400,
    7 * 86_400,
    30 * 86_400,
    365 * 86_400,
)

Assign = Callable[[Event, str], None]


@dataclass(frozen=True)
class _FollowUps:
    """Problems that only repeat, or are more lines of, what one other problem says why: folded into that problem
    (`why`, matched on its template), one problem titled and sampled by why. `follow_up` matches a follow-up's
    template; `follow_up_stack`, a follow-up without a template (a traceback), by its stack's text.

    `more_lines_of_its_events`: the follow-ups are further lines of the why's own events, so they add entries, not
    events, and are folded only when they are no more events than it (more would be some of another cause);
    else they are events of their own after it (retries), which add their counts and times, not samples."""

    why: re.Pattern[str]
    follow_up: re.Pattern[str]
    follow_up_stack: Callable[[str], bool] | None = None
    more_lines_of_its_events: bool = False


_FOLLOW_UPS = (
    # The kubelet's account of one image it cannot pull, as Kubernetes events (a GKE event is `REASON: message`):
    # `Failed to pull image "IMAGE": WHY` says why; the events after it, while it keeps retrying, only repeat
    # that it fails: `Error: ErrImagePull`, `Back-off pulling image "IMAGE"`, `Error: ImagePullBackOff`.
    _FollowUps(
        why=compile_regex(r"^(?:\w{1,40}: )?Failed to pull image "),
        follow_up=compile_regex(
            r"^(?:\w{1,40}: )?(?:Error: (?:ErrImagePull|ImagePullBackOff)|Back-off pulling image \S{1,500})$"
        ),
    ),
    # gunicorn's account of a worker that missed its timeout: the arbiter's `WORKER TIMEOUT (pid:23)` says why;
    # the worker's traceback of the abort (`SystemExit: 1` raised in gunicorn's `handle_abort`, its frames where
    # the request hung) and the arbiter reaping it (`Worker (pid:23) was sent SIGKILL! Perhaps out of memory?`,
    # `… exited with code 1.`) are more lines of the same events.
    _FollowUps(
        why=compile_regex(r"^WORKER TIMEOUT \(pid:"),
        follow_up=compile_regex(r"^Worker \(pid:\S{1,20}\) (?:was sent SIG(?:KILL|ABRT)!|exited with code )"),
        follow_up_stack=lambda text: "gunicorn/workers/base.py" in text and ", in handle_abort" in text,
        more_lines_of_its_events=True,
    ),
)


@dataclass(frozen=True)
class _Mined:
    """Where a miner-grouped accumulator came from: kind, audit method, one of its miner signature ids."""

    kind: ClusterKind
    method: str
    template_id: str


@dataclass
class _Accumulator:
    signature: Signature | None
    mined: _Mined | None = None
    count: int = 0
    events: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    max_severity: Severity = Severity.DEFAULT
    inferred: Counter[str] = field(default_factory=Counter)
    services: Counter[str] = field(default_factory=Counter)
    logs: Counter[str] = field(default_factory=Counter)
    principals: Counter[str] = field(default_factory=Counter)
    revisions: Counter[str] = field(default_factory=Counter)
    instances: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    error_groups: dict[str, None] = field(default_factory=dict)
    files: Counter[tuple[str, int | None, str | None]] = field(default_factory=Counter)
    # Per origin, the stack of its earliest event (ties: the smaller text), as (time, insert id, text): a
    # source that counts events for us sends the earliest ones in full.
    stack_by_file: dict[tuple[str, int | None, str | None], tuple[datetime, str, str]] = field(
        default_factory=dict
    )
    statuses: Counter[str] = field(default_factory=Counter)
    routes: dict[str, None] = field(default_factory=dict)
    buckets: Counter[int] = field(default_factory=Counter)  # by the bucket's start, in epoch seconds
    # A max-heap (by negated order key) of the earliest events, so samples do not depend on input order.
    earliest: list[tuple[tuple[float, str], int, Event]] = field(default_factory=list)
    # The latest event kept as a sample would be, by (time, insert id): what a value that grows or shrinks over
    # the scan (a disk filling, days left to a certificate) reads at its end, which the earliest do not show.
    latest: tuple[tuple[datetime, str], Event] | None = None
    shared: SharedTokens = field(default_factory=SharedTokens)  # what the title shows literally
    # The earliest of the events that only stand for others (a counted batch's copy): the sample of a problem
    # none of whose events came in full (a batch reassembled unlike the full copies sent of it)
    stand_in: tuple[tuple[float, str], Event] | None = None

    def merge(self, other: _Accumulator, samples: int) -> None:
        """Fold `other` (the same problem) into this one."""
        self.count += other.count
        self.events += other.events
        self.severities.update(other.severities)
        self.max_severity = max(self.max_severity, other.max_severity)
        self.inferred.update(other.inferred)
        self.services.update(other.services)
        self.logs.update(other.logs)
        self.principals.update(other.principals)
        self.revisions.update(other.revisions)
        self.instances.update(itertools.islice(other.instances, max(0, _MAX_INSTANCES - len(self.instances))))
        if other.first_seen is not None:
            first = other.first_seen
            self.first_seen = first if self.first_seen is None else min(self.first_seen, first)
        if other.last_seen is not None:
            last = other.last_seen
            self.last_seen = last if self.last_seen is None else max(self.last_seen, last)
        for group in other.error_groups:
            if len(self.error_groups) < _MAX_ERROR_GROUPS:
                self.error_groups[group] = None
        for key, count in other.files.items():
            if key in self.files or len(self.files) < _MAX_FILES:
                self.files[key] += count
                known = self.stack_by_file.get(key)
                stack = other.stack_by_file[key]
                if known is None or stack < known:
                    self.stack_by_file[key] = stack
        self.statuses.update(other.statuses)
        self.routes.update(other.routes)
        self.buckets.update(other.buckets)
        self.earliest = heapq.nlargest(samples, self.earliest + other.earliest, key=lambda item: item[:2])
        if other.latest is not None and (self.latest is None or other.latest[0] > self.latest[0]):
            self.latest = other.latest
        heapq.heapify(self.earliest)
        self.shared.merge(other.shared)
        if other.stand_in is not None and (self.stand_in is None or other.stand_in[0] > self.stand_in[0]):
            self.stand_in = other.stand_in


class Clusterer:
    """Streaming clusterer: `add` events, then `clusters()`."""

    def __init__(
        self,
        samples_per_cluster: int = 3,
        bucket_minutes: int = 10,
        on_assign: Assign | None = None,
        max_templates: int = 50_000,
    ) -> None:
        self._samples = samples_per_cluster
        self._bucket_seconds = bucket_minutes * 60
        self._on_assign = on_assign
        self._miner = TemplateMiner(max_templates)
        # Every key seen (fingerprint or provisional key) → its accumulator; merged keys share one.
        self._clusters: dict[str, _Accumulator] = {}
        self._distinct = 0
        self._compact_at = _COMPACT_AT
        self._sequence = itertools.count()
        self._final: dict[int, str] = {}

    @property
    def accumulators(self) -> int:
        """Distinct accumulators held now (bounded by the clusters, not by the entries)."""
        return self._distinct

    def add(self, event: Event) -> str:
        """Add one event; returns its key: the fingerprint, or a provisional key (see `final_fingerprint`)."""
        primary, members, occurrences = event
        # An event a source counted for us (`Event.occurrences`) stands for `weight` single-entry events.
        # (`Event.weight` and `Event.entries` written out: this runs for every clustered event)
        weight = 1 if occurrences is None else occurrences.count
        entries = len(members) * weight
        mined = mined_message(event)
        signature: Signature | None = None
        if mined is None:
            signature = signature_of(event)
            key = signature.fingerprint
            shown = display_message(event)
        else:
            kind, method, shown = mined
            template_id = self._miner.add(shown, weight)
            if template_id == OTHER_ID:
                method = ""
            key = f"{kind}:{method}:{template_id}"
        acc = self._clusters.get(key)
        if acc is None:
            acc = self._clusters[key] = _Accumulator(
                signature, None if mined is None else _Mined(kind, method, template_id)
            )
            self._distinct += 1
        acc.events += weight
        acc.count += entries
        severity = primary.severity
        if severity > acc.max_severity:
            acc.max_severity = severity
        # `_name_` is the member's name as an attribute (`name` is a property, looked up per call).
        # `Event.severity_rule`, and `severity_inferred` when it is not None.
        inferred = primary.severity_rule
        severity_name = severity._name_ if inferred is not None else None
        bucket_seconds = self._bucket_seconds
        for member in members:
            rule = member.severity_rule or (inferred if member.severity != severity else None)
            if rule is not None:
                acc.inferred[rule] += weight
            acc.severities[severity_name or member.severity._name_] += weight
            moment = member.timestamp if occurrences is None else occurrences.first
            acc.buckets[int(moment.timestamp()) // bucket_seconds * bucket_seconds] += weight
        if primary.service:
            acc.services[primary.service] += entries
        acc.logs[_log_label(primary.resource_type, primary.log_name)] += entries
        if primary.principal_kind:
            acc.principals[primary.principal_kind] += weight
        if primary.revision:
            acc.revisions[primary.revision] += entries
        if occurrences is None:
            first, last = members[0].timestamp, members[-1].timestamp
            if primary.instance and len(acc.instances) < _MAX_INSTANCES:
                acc.instances.add(primary.instance)
        else:
            first, last = occurrences.first, occurrences.last
            for instance in occurrences.instances:
                if instance and len(acc.instances) < _MAX_INSTANCES:
                    acc.instances.add(instance)
        # as min() and max() keep the held value on a tie
        if acc.first_seen is None or first < acc.first_seen:
            acc.first_seen = first
        if acc.last_seen is None or last > acc.last_seen:
            acc.last_seen = last
        for group in primary.error_group_ids:
            if len(acc.error_groups) < _MAX_ERROR_GROUPS:
                acc.error_groups[group] = None
        representative_only = occurrences is not None and occurrences.representative_only
        stack = primary.stack
        if stack is not None and signature is not None:
            origin = signature.origin or stack.innermost_in_app
            file_key = (origin.file, origin.line, origin.function) if origin else None
            if file_key is not None and (file_key in acc.files or len(acc.files) < _MAX_FILES):
                acc.files[file_key] += weight
                known = acc.stack_by_file.get(file_key)
                candidate = (primary.timestamp, primary.insert_id, stack.text)
                if known is None or (not representative_only and candidate < known):
                    acc.stack_by_file[file_key] = candidate
        http = primary.http
        if http is not None and http.status is not None:
            acc.statuses[str(http.status)] += weight * len(members)
            route = request_route(signature, http.url) if signature is not None else None
            if route:
                acc.routes[route] = None
        if not representative_only:
            self._keep_sample(acc, event)
        elif not acc.earliest:
            order = (-primary.timestamp.timestamp(), _negate(primary.insert_id))
            if acc.stand_in is None or order > acc.stand_in[0]:
                acc.stand_in = (order, event)
        if shown is not None:
            acc.shared.add(shown)
        if self._on_assign is not None:
            self._on_assign(event, key)
        if self._distinct >= self._compact_at:
            self._compact()
            self._compact_at = max(_COMPACT_AT, 2 * self._distinct)
        return key

    def _signature(self, acc: _Accumulator, final: bool = True) -> Signature:
        """The signature of an accumulator (for miner groups: from the cluster's template, provisional
        while reading, exact at the end)."""
        if acc.mined is None:
            assert acc.signature is not None
            return acc.signature
        mined = acc.mined
        miner = self._miner
        template = (miner.template if final else miner.provisional_template)(mined.template_id)
        return mined_signature(mined.kind, mined.method, mined.template_id, template, acc.events)

    def _compact(self, final: bool = False) -> None:
        """Merge the accumulators whose signatures now name the same problem."""
        survivors: dict[str, _Accumulator] = {}
        replaced: dict[int, _Accumulator] = {}
        for acc in {id(acc): acc for acc in self._clusters.values()}.values():
            fingerprint = self._signature(acc, final).fingerprint
            kept = survivors.get(fingerprint)
            if kept is None:
                survivors[fingerprint] = acc
            else:
                kept.merge(acc, self._samples)
                replaced[id(acc)] = kept
        if final:
            for rule in _FOLLOW_UPS:
                self._fold_follow_ups(rule, survivors, replaced)
        if replaced:
            for key, acc in self._clusters.items():
                if id(acc) in replaced:
                    self._clusters[key] = replaced[id(acc)]
        self._distinct = len(survivors)
        self._final = {id(acc): fingerprint for fingerprint, acc in survivors.items()}

    def _fold_follow_ups(
        self, rule: _FollowUps, survivors: dict[str, _Accumulator], replaced: dict[int, _Accumulator]
    ) -> None:
        """Fold each problem `rule` finds a follow-up into the one problem that says why of the same services
        (`_FollowUps`): only when exactly one such problem covers every service the follow-up names; else (two
        causes there, or the why's event before the window) the follow-up stays a problem of its own."""
        whys: list[_Accumulator] = []
        follow_ups: list[tuple[str, _Accumulator]] = []
        for fingerprint, acc in survivors.items():
            if acc.mined is None:
                stack_matches = rule.follow_up_stack
                if stack_matches is not None and any(
                    stack_matches(text) for _, _, text in acc.stack_by_file.values()
                ):
                    follow_ups.append((fingerprint, acc))
                continue
            if acc.mined.kind != "message":
                continue
            template = self._signature(acc).template
            if rule.why.match(template):
                whys.append(acc)
            elif rule.follow_up.match(template):
                follow_ups.append((fingerprint, acc))
        for fingerprint, follow_up in follow_ups if whys else ():
            covering = [acc for acc in whys if acc.services.keys() >= follow_up.services.keys()]
            if len(covering) != 1 or not follow_up.services:
                continue
            if rule.more_lines_of_its_events:
                if follow_up.events > covering[0].events:
                    continue
                follow_up.events = 0
            else:  # the title and samples stay the why's; the follow-ups add their counts and times
                follow_up.earliest = []
                follow_up.latest = None
                follow_up.stand_in = None
            self._fold(fingerprint, follow_up, covering[0], survivors, replaced)

    def _fold(
        self,
        fingerprint: str,
        folded: _Accumulator,
        kept: _Accumulator,
        survivors: dict[str, _Accumulator],
        replaced: dict[int, _Accumulator],
    ) -> None:
        """Fold the accumulator `folded` (a survivor under `fingerprint`) into `kept`, whose title it leaves."""
        folded.shared = SharedTokens()
        kept.merge(folded, self._samples)
        del survivors[fingerprint]
        replaced[id(folded)] = kept
        for key, acc in replaced.items():
            if acc is folded:
                replaced[key] = kept

    def final_fingerprint(self, key: str) -> str:
        """The fingerprint of the cluster a key returned by `add` ended in (call after `clusters`)."""
        acc = self._clusters.get(key)
        return key if acc is None else self._final.get(id(acc), key)

    def _keep_sample(self, acc: _Accumulator, event: Event) -> None:
        primary = event.primary
        latest = acc.latest
        if (
            latest is None
            or primary.timestamp > latest[0][0]
            or (primary.timestamp == latest[0][0] and primary.insert_id > latest[0][1])
        ):
            acc.latest = ((primary.timestamp, primary.insert_id), event)
        moment = -primary.timestamp.timestamp()
        earliest = acc.earliest
        if len(earliest) < self._samples:
            order = (moment, _negate(primary.insert_id))
            heapq.heappush(earliest, (order, next(self._sequence), event))
            return
        # `(moment, negated id) > earliest[0][0]`, negating the id only on a tie of times
        top = earliest[0][0]
        if moment > top[0] or (moment == top[0] and _negate(primary.insert_id) > top[1]):
            order = (moment, _negate(primary.insert_id))
            heapq.heapreplace(earliest, (order, next(self._sequence), event))

    def clusters(self, total_entries: int, total_events: int | None = None) -> list[Cluster]:
        """The clusters so far, unranked (the prioritizing stage orders them)."""
        self._compact(final=True)
        events = total_events if total_events is not None else total_entries
        built = [
            self._build(self._signature(acc), acc, total_entries, events)
            for acc in {id(acc): acc for acc in self._clusters.values()}.values()
        ]
        return sorted(built, key=lambda cluster: cluster.fingerprint)

    def _build(self, signature: Signature, acc: _Accumulator, total: int, total_events: int) -> Cluster:
        samples = [event for _, _, event in sorted(acc.earliest, key=lambda item: item[0], reverse=True)]
        if not samples:
            assert acc.stand_in is not None  # every event of the problem stood for others
            samples = [acc.stand_in[1]]
        representative = samples[0].primary
        stack = representative.stack
        assert acc.first_seen is not None and acc.last_seen is not None
        files = sorted(acc.files.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or 0))
        stack_pattern = acc.stack_by_file[files[0][0]][2] if files else (stack.text if stack else None)
        if stack is not None and signature.kind == "exception":
            # the type of the earliest sample, not of whichever event came first: the same in any order
            signature = dataclasses.replace(signature, exception=stack.exception_type)
        title = (
            signature.title
            if acc.mined is not None and acc.mined.template_id == OTHER_ID
            else worded_title(display_title(signature, acc.shared.text()), representative.message)
        )
        return Cluster(
            fingerprint=signature.fingerprint,
            kind=signature.kind,
            signature=signature.text,
            title=title,
            template=signature.template,
            exception_type=(stack.exception_type or None) if stack else None,
            message=stack.message if stack else representative.message,
            count=acc.count,
            events=acc.events,
            share=acc.count / total if total else 0.0,
            event_share=acc.events / total_events if total_events else 0.0,
            severities=dict(sorted(acc.severities.items(), key=lambda kv: -Severity[kv[0]])),
            max_severity=acc.max_severity.name,
            severity_inferred=bool(acc.inferred),
            inferred_severity=dict(sorted(acc.inferred.items(), key=lambda kv: (-kv[1], kv[0]))),
            services=_by_count(acc.services),
            logs=dict(sorted(acc.logs.items(), key=lambda kv: (-kv[1], kv[0]))[:_MAX_LOGS]),
            principal_kinds=_by_count(acc.principals),
            revisions=_by_count(acc.revisions),
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
            http_statuses=_by_count(acc.statuses),
            routes=list(acc.routes),
            samples=[_sample(event) for event in samples],
            latest_message=(
                _sample(acc.latest[1]).message
                if acc.latest is not None and all(acc.latest[1] is not event for event in samples)
                else None
            ),
            buckets=self._bucket_series(acc.buckets),
        )

    def _bucket_series(self, buckets: Counter[int]) -> dict[str, int]:
        """Entries per bucket from the first to the last, empty buckets included, at most MAX_BUCKETS:
        over a long span the buckets widen (10 minutes, 30 minutes, 1 hour, … a year)."""
        first, last = min(buckets), max(buckets)
        span = last - first
        width = self._bucket_seconds
        for nice in (width, *(s for s in _NICE_STEPS if s > width)):
            width = nice
            if span / nice < MAX_BUCKETS:
                break
        start = first // width * width
        counts: Counter[int] = Counter()
        for moment, count in buckets.items():
            counts[(moment - start) // width] += count
        return {
            datetime.fromtimestamp(start + index * width, tz=timezone.utc)
            .isoformat()
            .replace("+00:00", "Z"): counts.get(index, 0)
            for index in range(max(counts) + 1)
        }


@functools.lru_cache(maxsize=1024)
def _log_label(resource_type: str, log_name: str) -> str:
    """How a problem lists a log it was written to: `k8s_container stderr` (events share a few logs: cached)."""
    return f"{resource_type} {log_id(log_name)}".strip()


def _by_count(counts: Counter[str]) -> dict[str, int]:
    """Most frequent first, ties by name: the same whatever order the input came in."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _negate(text: str) -> str:
    """An order key that sorts strings in reverse (for the max-heap of earliest samples)."""
    if text.isascii():  # nearly every insertId: one table lookup per character
        return text.translate(_NEGATED_ASCII)
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


_NEGATED_ASCII = {code: chr(0x10FFFF - code) for code in range(128)}


def _capped(text: str) -> str:
    if len(text) <= MAX_SAMPLE_CHARS:
        return text
    return f"{text[:MAX_SAMPLE_CHARS]}\n… ({len(text) - MAX_SAMPLE_CHARS:,} more characters)"


def _request_line(entry: LogEntry) -> str:
    """What a request entry says of its request, when it has no message: `GET https://h/x → 503`."""
    http = entry.http
    if http is None:
        return ""
    request = " ".join(part for part in (http.method, http.url) if part)
    status = f"→ {http.status}" if http.status is not None else ""
    return " ".join(part for part in (request, status) if part)


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
        project=log_project(entry.log_name),
        message=_capped(
            (entry.message or _request_line(entry))
            if entry.stack is None or entry.stack.text in entry.message
            else f"{entry.message}\n{entry.stack.text}"
        ),
        entries=len(event.members),
    )
