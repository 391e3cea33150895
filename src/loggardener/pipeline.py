"""The scan pipeline: sources → entries → clustering → linking → prioritizing, producing a `ScanReport`.

`job.run_scan_job` runs a `Scan`; trends, rendering and publishing consume the report it returns.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from loggardener import __version__
from loggardener.clustering.clusterer import Clusterer
from loggardener.config import GardenerConfig
from loggardener.entries.models import Event, LogEntry, Occurrences, Quiet, Severity, log_project
from loggardener.entries.parse import EntryParser, entry_moment, shipped_timestamp_text
from loggardener.entries.reassemble import (
    RECORD_STEP,
    GroupKey,
    Reassembler,
    heads_report,
    may_neighbour_message,
    opens_report_text,
    stream_key,
)
from loggardener.linking.incidents import build_incidents
from loggardener.linking.stage import Linker
from loggardener.parallel import (
    BATCH_LINES,
    PARALLEL_AFTER,
    YOUNG_COLLECTION_EVERY,
    ParallelParser,
    ParserSettings,
    RecordOutcome,
    Run,
    parse_record,
    records_of,
    worker_count,
)
from loggardener.prioritizing.impact import ScanContext
from loggardener.prioritizing.rules import Prioritizer
from loggardener.report import ScanReport, SkippedLine, Totals, Window
from loggardener.sources.file import ENDS_EARLY, decode_lines
from loggardener.sources.interface import EntrySource, LineBatch, RawRecord, place
from loggardener.words import counted

MAX_MALFORMED_LISTED = 50
MAX_SERVICES_LISTED = 20
MAX_PROJECTS_LISTED = 50
"""The projects a scan's entries are in that it names (an organization's sink may hold hundreds)."""
RECENT_IDS = 16_384
"""An entry whose insertId and timestamp came among at least this many latest ones (at most twice as many are
kept) is a duplicate (an export of overlapping windows, a page read twice): read, skipped as
"duplicate", never counted twice. Memory stays bounded."""

#: Called for every input item: position, insertId (None if unreadable), cluster key, reason it was skipped.
#: The key is provisional for messages the template miner groups: `Scan.final_fingerprint` maps it after `run`.
AssignmentSink = Callable[[int, str | None, str | None, str | None], None]
ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class ScanOptions:
    """What to scan: the window, services and severity threshold."""

    since: datetime | None = None
    until: datetime | None = None
    hours: float | None = None
    services: tuple[str, ...] = ()
    min_severity: Severity = Severity.WARNING
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def window_bounds(self) -> tuple[datetime | None, datetime | None]:
        if self.hours is not None:
            end = self.until or self.now
            return (self.since or end - timedelta(hours=self.hours)), end
        return self.since, self.until


# Where a skimmed entry came from: its record, or a worker's run, outcomes and index (`_record_at`)
_SkimSource = RawRecord | tuple[Run, list[RecordOutcome], int]
# How many entries wait for a report's heading that may follow a plain line of theirs (`Scan._with_heads`)
_HEAD_WINDOW = 16


def _record_at(run: Run, outcomes: list[RecordOutcome], index: int) -> RawRecord:
    """The record behind a worker's `index`-th outcome of `run`: a line decoded again (the outcomes of lines
    skip the blank ones, and a line holding an array gives one per entry), or the record itself."""
    if isinstance(run, LineBatch):
        position = outcomes[index].position
        records = list(decode_lines(LineBatch(position, [run.lines[position - run.first]])))
        before = index
        while before > 0 and outcomes[before - 1].position == position:
            before -= 1
        return records[index - before]
    return run[index]


def window_label(options: ScanOptions, start: datetime | None, end: datetime | None) -> str:
    if options.hours is not None and options.since is None:
        hours = options.hours
        return f"last {hours:g} hour{'s' if hours != 1 else ''}"
    if start is None or end is None:
        return "no entries"
    minutes = max(1, math.ceil((end - start).total_seconds() / 60))
    if minutes < 90:
        return f"last {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours > 48:
        return f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    return f"last {hours} hours"


def _status(clusters: list[str]) -> str:
    counts = Counter(clusters)
    if counts["P0"]:
        return f"CRITICAL: {counts['P0']} P0 problem{'s' if counts['P0'] != 1 else ''}"
    if counts["P1"]:
        return f"DEGRADED: {counts['P1']} P1 problem{'s' if counts['P1'] != 1 else ''}"
    if clusters:
        return "WARNINGS: no P0 or P1 problems"
    return "HEALTHY: nothing at or above the threshold"


class Scan:
    """One run of the pipeline over one source."""

    def __init__(
        self,
        config: GardenerConfig,
        options: ScanOptions,
        on_assign: AssignmentSink | None = None,
        on_progress: ProgressFn | None = None,
        fast_path: bool = True,
    ) -> None:
        """`fast_path=False` builds every entry (`EntryParser.parse`), even those the parser could tell cheaply
        are below WARNING and ordinary (`EntryParser.skim`): the reports are the same, only slower."""
        self.config = config
        self.options = options
        self._sink = on_assign
        self._progress = on_progress
        self._settings = ParserSettings(
            tuple(config.entries.in_app_prefixes),
            config.redaction.emails,
            tuple(config.redaction.extra_patterns),
        )
        stacks = self._settings.stack_parser()
        redactor = self._settings.redactor()
        self._parser = EntryParser(redactor, stacks)
        self._redact = redactor.redact
        self._stacks = stacks
        self._reassembler = Reassembler(
            config.entries.reassembly_gap_seconds, stacks.parse, self._parser.redact
        )
        self._batch_reassembled = 0
        self._batch_lone_headers = 0
        self._clusterer = Clusterer(
            samples_per_cluster=config.clustering.samples_per_cluster,
            bucket_minutes=config.clustering.bucket_minutes,
            on_assign=self._assign_event,
            max_templates=config.clustering.max_templates,
        )
        self._prioritizer = Prioritizer(config.priorities.rule_tiers(), linear_tiers=1)
        self.totals = Totals()
        # Counted in plain integers while reading (a pydantic field assignment per entry costs), then stored
        # in `totals` by `_report`.
        self._read = 0
        self._gathering: list[RawRecord] = []
        """Records read from the source and not yet counted: gathered into a run for the worker processes."""
        self._clustered = 0
        self._events_counted = 0
        self._skipped: Counter[str] = Counter()
        self._severities: Counter[str] = Counter()
        self._span: tuple[datetime, datetime] | None = None
        self._outside: tuple[datetime, datetime] | None = None
        """The first and last timestamp of the entries outside the window."""
        self._inside = 0
        self._matched_services: set[str | None] = set()
        self._log_name = ""
        """The log name of the last entry scanned: the projects are looked up only when it changes."""
        self._projects: set[str] = set()
        """The projects the log names of the entries scanned name (an export's entries carry theirs), up to
        two: the report names one, or none of several."""
        self._other_services: set[str] = set()
        self._recent_ids: dict[str, str | set[datetime | str]] = {}
        self._older_ids: dict[str, str | set[datetime | str]] = {}
        self._recent_size = 0
        """The insertIds and timestamps `_recent_ids` holds."""
        self._healthy_revisions: set[str] = set()
        """Revisions that answered some request below 500."""
        self._healthy_services: set[str] = set()
        """Services without revisions that answered some request below 400."""
        self._serving: dict[str, set[str]] = {}
        """Service → its revisions that answered some request below 500."""
        self.linker = Linker(config.issues.related_window_seconds)
        self._fast = fast_path and options.min_severity >= Severity.WARNING
        self.parsed_elsewhere = 0
        self._skimmed: _SkimSource | None = None
        """The record of the latest text line skimmed (`_with_heads` may parse it after all)."""
        self._head_gap = timedelta(seconds=config.entries.reassembly_gap_seconds)
        """Lines decoded and parsed by other processes (`parallel.ParallelParser`)."""

    def _skip(self, position: int, insert_id: str | None, reason: str, count: int = 1) -> None:
        self._skipped[reason] += count
        if self._sink is not None:
            self._sink(position, insert_id, None, reason)

    def _skip_entry(self, entry: LogEntry | Quiet, reason: str, count: int = 1) -> None:
        """`_skip` of a parsed or skimmed entry, whose insertId is looked up only for the assignment sink."""
        if self._sink is None:
            self._skipped[reason] += count
        else:
            self._skip(entry.position, self._insert_id(entry), reason, count)

    def _assign_event(self, event: Event, key: str) -> None:
        occurrences = event.occurrences
        if occurrences is None or not occurrences.representative_only:
            # Counted occurrences relate through the entries a source sent with them (an approximation).
            self.linker.facts.add(event, key)
        else:  # the revisions they ran in, from their first to their last
            self.linker.facts.add_counted(event, key)
        weight = event.weight
        for member in event.members:
            self._severities[member.severity._name_] += weight  # `name` is a property, `_name_` an attribute
            if self._sink is not None:
                self._sink(member.position, member.insert_id, key, None)

    @property
    def clusterer(self) -> Clusterer:
        return self._clusterer

    def final_fingerprint(self, key: str) -> str:
        """The final fingerprint for a cluster key passed to the assignment sink (after `run`)."""
        return self._clusterer.final_fingerprint(key)

    def _insert_id(self, entry: LogEntry | Quiet) -> str:
        """The entry's redacted insertId for the assignment sink (a `Quiet` one is redacted only then)."""
        return entry.insert_id if isinstance(entry, LogEntry) else self._redact(entry.raw_insert_id)

    def _entries(self, source: EntrySource) -> Iterator[tuple[LogEntry | Quiet, Occurrences | None]]:
        start, end = self.options.window_bounds()
        services = set(self.options.services)
        # streams whose next line may be a Rust panic's message, a plain line the fast path would skim: it is
        # parsed in full, for the reassembler to read (`reassemble.may_neighbour_message`)
        awaiting: set[GroupKey] = set()
        workers = worker_count(self.config.entries.workers)
        parsed = self._with_heads(
            self._parsed_in_parallel(source, awaiting, workers)
            if workers
            else self._parsed(source.records(), awaiting),
            awaiting,
        )
        # (every entry passes here: the sets and counters it updates are bound once, the count stored at the end)
        inside = 0
        matched_services = self._matched_services.add
        healthy_revisions = self._healthy_revisions.add
        healthy_services = self._healthy_services.add
        serving = self._serving
        projects = self._projects
        try:
            for entry, occurrences in parsed:
                timestamp = entry.timestamp
                if (start is not None and timestamp < start) or (end is not None and timestamp >= end):
                    self._skip_entry(
                        entry, "outside the window", 1 if occurrences is None else occurrences.count
                    )
                    first, last = self._outside or (timestamp, timestamp)
                    self._outside = (min(first, timestamp), max(last, timestamp))
                    continue
                inside += 1
                service = entry.service
                if services and service not in services:
                    if service and len(self._other_services) < MAX_SERVICES_LISTED:
                        self._other_services.add(service)
                    self._skip_entry(entry, "other service", 1 if occurrences is None else occurrences.count)
                    continue
                matched_services(service)
                log_name = entry.log_name
                # entries share a few log names; a sink of a whole organization names at most MAX_PROJECTS_LISTED
                if log_name != self._log_name and len(projects) < MAX_PROJECTS_LISTED:
                    self._log_name = log_name
                    project = log_project(log_name)  # cached
                    if project is not None:
                        projects.add(project)
                revision = entry.revision
                if revision or service:
                    if isinstance(entry, Quiet):
                        status = entry.status
                    else:
                        status = entry.http.status if entry.http is not None else None
                    if status is not None and status < 500:
                        if revision:
                            healthy_revisions(revision)
                            # per service: two services may name revisions alike (App Engine's versions)
                            if service and revision not in serving.get(service, ()):
                                serving.setdefault(service, set()).add(revision)
                        elif service and status < 400:
                            healthy_services(service)
                yield entry, occurrences
        finally:
            self._inside += inside

    def _with_heads(
        self, parsed: Iterator[tuple[LogEntry | Quiet, Occurrences | None]], awaiting: set[GroupKey]
    ) -> Iterator[tuple[LogEntry | Quiet, Occurrences | None]]:
        """`parsed`, where a plain text line below WARNING of a stream whose next entry is the heading of a report
        that the line before it names (`reassemble.heads_report`: Haskell's `CallStack (from HasCallStack):`,
        Lua's `stack traceback:`, logging's `Stack (most recent call last):`), written within the reassembly gap,
        is the report's first line: the reassembler is told so (`expect_head`), and a line the fast path skimmed
        is parsed after all, for its text. The latest `_HEAD_WINDOW` entries wait, in order, so that other
        streams' lines may come between the two (instances crashing at once). A record a source counted is no
        report's first line (`_find_head`): it passes at once, and takes no waiting line's place (Log Analytics
        returns a group's counted runs at the group's first time, between that run's own lines). The streams
        `awaiting` a plain line (`may_neighbour_message`) are told as each entry is parsed, before it waits; so are
        the streams of a report that goes on over plain lines (`opens_report_text`), while each line comes within
        `RECORD_STEP` of the one before."""
        window: deque[tuple[tuple[LogEntry | Quiet, Occurrences | None], _SkimSource | None]] = deque()
        # per stream of such a report, the time of its latest line
        reports: dict[GroupKey, datetime] = {}
        wait, release = window.append, window.popleft  # (bound once: every single entry waits)
        for item in parsed:
            entry, single = item[0], item[1] is None
            # (a counted record is reassembled apart, `_events`: no line of its stream's, which it may come between)
            if single and awaiting:
                awaiting.discard(stream_key(entry))
            if (
                single
                and reports
                and (latest := reports.pop(key := stream_key(entry), None)) is not None
                and abs(entry.timestamp - latest) <= RECORD_STEP
            ):
                reports[key] = entry.timestamp
                awaiting.add(key)
            if isinstance(entry, LogEntry):
                if single and may_neighbour_message(entry):
                    awaiting.add(stream_key(entry))
                if single and opens_report_text(entry):
                    reports[key := stream_key(entry)] = entry.timestamp
                    awaiting.add(key)
                if entry.payload_kind == "text" and heads_report(entry.message):
                    self._find_head(window, entry, stream_key(entry))
            if not single:
                yield item
                continue
            wait((item, self._skimmed if type(entry) is Quiet else None))
            if len(window) > _HEAD_WINDOW:
                yield release()[0]
        while window:
            yield window.popleft()[0]

    def _find_head(
        self,
        window: deque[tuple[tuple[LogEntry | Quiet, Occurrences | None], _SkimSource | None]],
        heading: LogEntry,
        key: GroupKey,
    ) -> None:
        """Mark the line before `heading` in its stream, among those waiting, as the report's first line when it
        is a plain text line below WARNING within the reassembly gap (`_with_heads`)."""
        for index in range(len(window) - 1, -1, -1):
            (entry, occurrences), source = window[index]
            if stream_key(entry) != key:
                continue
            plain = (
                entry.text
                if isinstance(entry, Quiet)
                else entry.payload_kind == "text" and entry.severity < Severity.WARNING
            )
            if not plain or abs(heading.timestamp - entry.timestamp) > self._head_gap:
                return
            built = self._reparsed(source) if isinstance(entry, Quiet) and source is not None else entry
            if isinstance(built, LogEntry):
                self._reassembler.expect_head(built)
                window[index] = ((built, occurrences), None)
            return

    def _reparsed(self, source: _SkimSource) -> LogEntry | Quiet | str:
        """The entry of a skimmed record, parsed in full."""
        record = source if isinstance(source, RawRecord) else _record_at(*source)
        assert record.entry is not None, "a skimmed record was read"
        return parse_record(self._parser, record.position, record.unit, record.entry, False)

    @property
    def read(self) -> int:
        """Entries read so far, those gathered into a run for the worker processes too: what a progress line
        says between the calls of `on_progress` every 500 (a slow read of fewer is no read of none)."""
        return self._read + len(self._gathering)

    def _count_read(self, weight: int) -> None:
        """Count `weight` entries read, and tell the progress display every 500."""
        self._read += weight
        if self._progress is not None and self._read // 500 != (self._read - weight) // 500:
            self._progress(self._read)

    def _parsed(
        self, records: Iterable[RawRecord], awaiting: set[GroupKey]
    ) -> Iterator[tuple[LogEntry | Quiet, Occurrences | None]]:
        """The entries of `records`, in order: each read counted, the malformed and duplicates skipped."""
        # (every entry passes here: what it calls is bound once)
        parser = self._parser
        count_read = self._count_read
        repeated = self._repeated
        fast = self._fast
        for record in records:
            occurrences = record.occurrences
            weight = 1 if occurrences is None else occurrences.count
            count_read(weight)
            raw = record.entry
            if raw is None:
                self._malformed(record.position, None, record.error or "unreadable", weight)
                continue
            if occurrences is None and repeated(raw.get("insertId"), raw.get("timestamp")):
                self._skip(record.position, self._redact(str(raw["insertId"])), "duplicate")
                continue
            skim = fast and occurrences is None
            entry = parse_record(parser, record.position, record.unit, raw, skim)
            if type(entry) is Quiet:
                if awaiting and stream_key(entry) in awaiting:  # parsed in full: a `LogEntry` or malformed
                    entry = parse_record(parser, record.position, record.unit, raw, False)
                elif entry.text:
                    self._skimmed = record
            if isinstance(entry, str):
                insert_id = raw.get("insertId")
                insert_id = insert_id if isinstance(insert_id, str) else None
                if record.page is not None:  # an API's entry: named by its page and insertId, not a line
                    entry = f"{place(record, insert_id)}: {entry.partition(': ')[2]}"
                self._malformed(record.position, insert_id, entry, weight)
                continue
            yield entry, occurrences

    def _parsed_in_parallel(
        self, source: EntrySource, awaiting: set[GroupKey], workers: int
    ) -> Iterator[tuple[LogEntry | Quiet, Occurrences | None]]:
        """`_parsed` of the source's records, those past the first `PARALLEL_AFTER` decoded (NDJSON lines) and
        parsed by `workers` other processes, in runs of `BATCH_LINES`."""
        pool: ParallelParser | None = None
        read = 0

        def dispatch(run: Run) -> Iterator[tuple[LogEntry | Quiet, Occurrences | None]]:
            nonlocal pool, read
            read += len(run.lines) if isinstance(run, LineBatch) else len(run)
            if pool is None and read > PARALLEL_AFTER:
                pool = ParallelParser(self._settings, workers, self._fast)
            if pool is None:
                yield from self._parsed(records_of(run), awaiting)
            else:
                yield from self._outcomes(pool.submit(run), awaiting)

        records: list[RawRecord] = []  # decoded by the source (a JSON array's), sent in runs too
        self._gathering = records
        try:
            for item in source.batches(BATCH_LINES):
                if isinstance(item, RawRecord) and item.occurrences is None:
                    records.append(item)
                    if len(records) == BATCH_LINES:
                        gathered, records = records, []
                        self._gathering = records
                        yield from dispatch(gathered)
                    continue
                if records:
                    gathered, records = records, []
                    self._gathering = records
                    yield from dispatch(gathered)
                if isinstance(item, LineBatch):
                    yield from dispatch(item)
                    continue
                # a counted entry (Log Analytics) is read here, after everything before it
                if pool is not None:
                    yield from self._outcomes(pool.drain(), awaiting)
                yield from self._parsed((item,), awaiting)
            if records:
                self._gathering = []
                yield from dispatch(records)
            if pool is not None:
                yield from self._outcomes(pool.drain(), awaiting)
        except BaseException:
            # interrupted, terminated, an error, or the reader stopped: no worker's run is waited for
            if pool is not None:
                pool.abort()
            raise
        finally:
            if pool is not None:
                pool.close()
                if pool.broken is not None:
                    source.stats.notes.append(
                        f"parsing in worker processes stopped ({pool.broken.rstrip('.')}): their lines and the rest "
                        "were parsed in the scan's own process"
                    )

    def _outcomes(
        self, parsed: Iterator[tuple[Run, list[RecordOutcome] | None]], awaiting: set[GroupKey]
    ) -> Iterator[tuple[LogEntry | Quiet, Occurrences | None]]:
        """`_parsed` of runs the workers parsed (None: a run to parse here)."""
        progress = self._progress
        for run, outcomes in parsed:
            if outcomes is None:
                yield from self._parsed(records_of(run), awaiting)
                continue
            self.parsed_elsewhere += len(outcomes)
            for index, outcome in enumerate(outcomes):
                # `_count_read(1)` written out: every entry a worker parsed passes here
                self._read += 1
                if progress is not None and self._read % 500 == 0:
                    progress(self._read)
                entry = outcome.parsed
                if entry is None:
                    self._malformed(outcome.position, None, outcome.error or "unreadable")
                    continue
                if self._repeated(outcome.insert_id, outcome.timestamp):
                    self._skip(outcome.position, self._redact(str(outcome.insert_id)), "duplicate")
                    continue
                if awaiting and type(entry) is Quiet and stream_key(entry) in awaiting:
                    record = _record_at(run, outcomes, index)
                    assert record.entry is not None, "a worker read this record"
                    entry = parse_record(self._parser, record.position, record.unit, record.entry, False)
                if type(entry) is Quiet and entry.text:
                    self._skimmed = (run, outcomes, index)
                if isinstance(entry, str):
                    self._malformed(outcome.position, outcome.insert_id, entry)
                    continue
                yield entry, None

    def _repeated(self, insert_id: Any, timestamp: Any) -> bool:
        """Whether an entry with this insertId and timestamp (as a moment: `…:01Z` is `…:01.000Z`) came among
        the latest `RECENT_IDS` to twice as many insertIds and timestamps. An insertId is kept with every
        timestamp it came with (Logging's key is both): entries of one insertId at two moments are two entries,
        each of which may come again."""
        if not isinstance(timestamp, str):  # an epoch count a shipper wrote: compared as the moment it names
            timestamp = shipped_timestamp_text(timestamp)
        if not isinstance(insert_id, str) or timestamp is None or not insert_id:
            return False
        recent = self._recent_ids
        seen = recent.get(insert_id)
        if seen is None:
            seen = self._older_ids.get(insert_id)
        if seen is None:
            recent[insert_id] = timestamp
        elif isinstance(seen, str):
            if seen == timestamp:
                return True
            moments = {_moment(seen), _moment(timestamp)}  # one when they name one moment
            if len(moments) == 1:
                return True
            recent[insert_id] = moments
        else:
            moment = _moment(timestamp)
            if moment in seen:
                return True
            if recent.get(insert_id) is not seen:  # the older generation's: copied into the recent one
                seen = recent[insert_id] = set(seen)
            seen.add(moment)
        self._recent_size += 1
        if self._recent_size >= RECENT_IDS:  # two generations: dropping the older one is one step
            self._older_ids, self._recent_ids, self._recent_size = recent, {}, 0
        return False

    def _malformed(self, position: int, insert_id: str | None, error: str, count: int = 1) -> None:
        """Skip a malformed item, listed; `count`: the entries it stands for (a Log Analytics pre-group's)."""
        # the reason may quote the entry (`invalid timestamp '…'`), and nothing unredacted is kept
        error = self._redact(error)
        insert_id = self._redact(insert_id) if insert_id else None
        # a stream's break is listed past the cap too: the malformed items before it are its garbled output
        if len(self.totals.malformed) < MAX_MALFORMED_LISTED or ENDS_EARLY in error:
            self.totals.malformed.append(SkippedLine(position=position, error=error))
        self._skip(position, insert_id, "malformed", count)

    def _events(self, source: EntrySource) -> Iterator[Event | Quiet]:
        """Entries reassembled into events; an entry a source counted for us is an event of its own, and a
        batch of counted entries (`Occurrences.batch`) is reassembled on its own."""
        counted: list[Event] = []
        batch: list[tuple[LogEntry, Occurrences]] = []

        def single_entries() -> Iterator[LogEntry | Quiet]:
            for entry, occurrences in self._entries(source):
                if batch and (occurrences is None or occurrences.batch != batch[0][1].batch):
                    counted.extend(self._batch_events(batch))
                    batch.clear()
                if occurrences is None or isinstance(entry, Quiet):  # only single entries are skimmed
                    yield entry
                elif occurrences.batch is not None:
                    batch.append((entry, occurrences))
                else:
                    counted.append(Event(primary=entry, members=(entry,), occurrences=occurrences))
            if batch:
                counted.extend(self._batch_events(batch))
                batch.clear()

        for event in self._reassembler.events_and_quiet(single_entries()):
            if counted:
                yield from counted
                counted.clear()
            yield event
        yield from counted

    def _batch_events(self, batch: list[tuple[LogEntry, Occurrences]]) -> Iterator[Event]:
        """The events of a batch: one copy of a run of lines that stands for `count` copies, each line
        counted from its copies' first to last occurrence."""
        reassembler = Reassembler(
            self.config.entries.reassembly_gap_seconds, self._stacks.parse, self._parser.redact
        )
        lines = {entry.position: occurrences for entry, occurrences in batch}
        for (line, _), (heading, _) in itertools.pairwise(batch):
            # a plain line over the heading of the report it heads (`_with_heads`: the batch is one stream's run)
            if (
                heading.payload_kind == "text"
                and heads_report(heading.message)
                and line.payload_kind == "text"
                and line.severity < Severity.WARNING
            ):
                reassembler.expect_head(line)
        weight = batch[0][1].count
        instances = tuple(sorted({instance for _, o in batch for instance in o.instances}))
        for event in reassembler.events(entry for entry, _ in batch):
            spans = [lines[member.position] for member in event.members]
            occurrences = Occurrences(
                count=weight,
                first=min(span.first for span in spans),
                last=max(span.last for span in spans),
                instances=instances,
                representative_only=True,
            )
            yield Event(primary=event.primary, members=event.members, occurrences=occurrences)
        self._batch_reassembled += reassembler.reassembled * weight
        self._batch_lone_headers += reassembler.lone_headers * weight

    def redact(self, text: str) -> str:
        """`text` redacted as this scan's entries are (the configuration's extra patterns and email setting)."""
        return self._redact(text)

    def run(self, source: EntrySource) -> ScanReport:
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], YOUNG_COLLECTION_EVERY), *thresholds[1:])
        try:
            return self._run(source)
        finally:
            gc.set_threshold(*thresholds)

    def _run(self, source: EntrySource) -> ScanReport:
        threshold = self.options.min_severity
        below = f"below {threshold.name}"
        facts = self.linker.facts
        observe_quiet = facts.observe_quiet
        add = self._clusterer.add
        skipped = self._skipped
        sink = self._sink
        # counted here and stored once: a per-event attribute update costs
        events = entries = 0
        first_seen: datetime | None = None
        last_seen: datetime | None = None
        for event in self._events(source):
            if isinstance(event, Quiet):  # below WARNING, as its one-entry event would be
                observe_quiet(event)
                if sink is None:  # `_skip_entry` without its call
                    skipped[below] += 1
                else:
                    self._skip_entry(event, below)
                continue
            facts.observe(event)
            primary, members, occurrences = event
            weight = event.weight
            # An entry Cloud Logging recorded at or above the threshold stays in scope even when its text
            # declares less (an INFO line on GKE's stderr): it is ranked as mislabelled, not dropped.
            if primary.severity < threshold and primary.logged_severity < threshold:
                for member in members:
                    self._skip_entry(member, below, weight)
                continue
            events += weight
            entries += event.entries
            if occurrences is None:
                first, last = members[0].timestamp, members[-1].timestamp
            else:
                first, last = occurrences.first, occurrences.last
            # as min() and max() keep the held value on a tie
            if first_seen is None or first < first_seen:
                first_seen = first
            if last_seen is None or last > last_seen:
                last_seen = last
            add(event)
        self._events_counted, self._clustered = events, entries
        if first_seen is not None and last_seen is not None:
            self._span = (first_seen, last_seen)
        if self._progress is not None:
            self._progress(self._read)
        return self._report(source)

    def _entries_project(self) -> str | None:
        """The one project the entries scanned are in, by their log names (a file's, whose source names none);
        None when they name several (a folder's or an organization's sink) or none."""
        return next(iter(self._projects)) if len(self._projects) == 1 else None

    def _report(self, source: EntrySource) -> ScanReport:
        totals = self.totals
        totals.read, totals.clustered, totals.events = self._read, self._clustered, self._events_counted
        totals.skipped = dict(sorted(self._skipped.items()))
        totals.by_severity = {
            name: n for name, n in sorted(self._severities.items(), key=lambda kv: -Severity[kv[0]])
        }
        totals.reassembled_tracebacks = self._reassembler.reassembled + self._batch_reassembled
        linked = self.linker.link(
            self._clusterer.clusters(totals.clustered, totals.events), self._clusterer.final_fingerprint
        )
        clusters = self._prioritizer.prioritize(
            linked.clusters,
            linked.links,
            ScanContext(
                healthy_revisions=frozenset(self._healthy_revisions),
                healthy_services=frozenset(self._healthy_services),
                serving={service: frozenset(revisions) for service, revisions in self._serving.items()},
            ),
        )
        clusters, incidents = build_incidents(clusters, linked.links, linked.deploys, linked.changes)
        start, end = self.options.window_bounds()
        if self._span is not None:
            start = start or self._span[0]
            end = end or self._span[1]
        stats = source.stats
        notes = list(stats.notes)
        lone = self._reassembler.lone_headers + self._batch_lone_headers
        if lone:
            notes.append(
                f"{counted(lone, 'traceback header')} came without {'its' if lone == 1 else 'their'} frames: the "
                "input looks filtered (a severity filter drops the lines Cloud Run logs without one), so crashes "
                "are under-counted; export with `gardener scan --print-filter`'s query instead"
            )
        if self._outside is not None and not self._inside:
            first, last = (_rfc3339(moment) for moment in self._outside)
            notes.append(
                f"every entry read is outside the window ({_rfc3339(start) if start else '…'} to "
                f"{_rfc3339(end) if end else '…'}): they run from {first} to {last}, so nothing was triaged; give "
                "--since and --until around them (a file scanned without them is read whole)"
            )
        unmatched = sorted(set(self.options.services) - {s for s in self._matched_services if s})
        if unmatched:  # a name that matched nothing (mistyped, another project's) is said, never silent
            listed = [
                part.strip() for name in unmatched if "," in name for part in name.split(",") if part.strip()
            ]
            notes.append(
                f"no entry of --service {', '.join(unmatched)} in the input"
                + (  # no service's name holds a comma: a list given as one name, as GARDENER_SERVICES is written
                    f"; --service takes one name each time: --service {' --service '.join(listed)}"
                    if listed
                    else ""
                )
                + (
                    f"; services it has: {', '.join(sorted(self._other_services))}"
                    if self._other_services
                    else "; check the name (`gcloud run services list` shows Cloud Run's)"
                )
            )
        return ScanReport(
            tool_version=__version__,
            generated_at=self.options.now,
            project=stats.project or self._entries_project() or self.config.project,
            projects=sorted(self._projects) if len(self._projects) > 1 and not stats.project else [],
            source=stats.description,
            query_filter=stats.query_filter,
            console_url=stats.console_url,
            notes=notes,
            truncated=stats.truncated,
            window=Window(start=start, end=end, label=window_label(self.options, start, end)),
            services=sorted({s for c in clusters for s in c.services}),
            min_severity=self.options.min_severity.name,
            status=_status([c.priority for c in clusters]),
            totals=totals,
            clusters=clusters,
            incidents=incidents,
            deploys=linked.deploys,
        ).redacted(self._redact)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(timestamp: str) -> datetime | str:
    """A timestamp's moment (an epoch count's text too), or its text when it is not one."""
    try:
        return entry_moment(timestamp)
    except ValueError:
        return timestamp
