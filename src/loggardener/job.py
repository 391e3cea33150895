"""One `gardener scan` run, end to end: the pipeline, then trends, issues, documents and state, in that order.

The CLI parses options into these parts and prints the result; everything that happens in between is here.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import IO

from loggardener.config import GardenerConfig
from loggardener.entries.models import Severity
from loggardener.errors import ExitCode, GardenerError
from loggardener.files import (
    LEFTOVER_SECONDS,
    STANDARD_OUTPUT,
    STDOUT,
    atomic_write,
    check_writable,
    holds_any_character,
    output_open,
    output_write,
    prepare_directory,
    real_path,
    remove_leftover_writes,
    unused_path,
    write_error,
    write_reason,
)
from loggardener.pipeline import ProgressFn, Scan, ScanOptions
from loggardener.publishing.interface import IssuePublisher
from loggardener.publishing.run import drafts_directory, process_issues
from loggardener.rendering.json_report import JsonReport
from loggardener.rendering.markdown import WORKLOG_NAMES, MarkdownWorklog, run_marker, worklog_filename
from loggardener.rendering.step_summary import (
    STEP_SUMMARY,
    append_step_summary,
    check_appendable,
    full_worklog_pointer,
)
from loggardener.report import ScanReport
from loggardener.sources.interface import EntrySource
from loggardener.state import State, apply_trends, load_state, note_reopened, save_state

#: Builds the issue publisher once the worklog's path is known (drafts go next to it); None: no issues.
PublisherFactory = Callable[[Path], IssuePublisher | None]


@dataclass(frozen=True)
class Outputs:
    """Where the run writes."""

    out_dir: Path
    templates: Path | None = None
    report_json: Path | None = None
    assignments: Path | None = None
    step_summary: Path | None = None
    state: Path | None = None
    input_file: Path | None = None
    """The export read (`--from`), which no output may replace."""
    save_export: Path | None = None
    """Where the live source saves what it reads (`--save-export`), which no other output may replace."""
    drafts: bool = False
    """`--issues draft`: the drafts directory beside the worklog must be free for a directory."""


@dataclass(frozen=True)
class JobResult:
    report: ScanReport
    worklog: Path
    state: State | None
    failures: list[GardenerError] = field(default_factory=list)
    """Outputs that could not be written (or a publisher that refused to start), in the order tried."""
    worklog_written: bool = True
    state_written: bool = True
    """False when the state was kept as it was because a document (worklog, step summary, report) failed:
    the next run then marks the same trends again instead of building on a run whose record is lost."""
    publishing_refused: bool = False
    """Publishing stopped before any issue (a rejected token, a repository GitHub does not show it)."""
    state_kept_because: str = "an output was not written"
    """Why the state was left as it was, when it was."""


class _AssignmentWriter:
    """`--assignments`: NDJSON, one line per input entry.

    During the scan, lines carry cluster keys, some provisional (the template miner merges clusters as it
    learns), so they are spooled to a temporary file; `finish` writes them with their final fingerprints.
    Each field is spooled as its JSON text (tab-separated: an encoded string holds no raw tab) and the lines
    are put together as `json.dumps` of the line's dict writes them, without encoding a dict per entry.
    """

    def __init__(self, spool: IO[str]) -> None:
        self._spool = spool
        # written `_BATCH` lines at a time: a write to a read-write text file resets its decoder each time
        self._pending: list[str] = []

    def __call__(self, position: int, insert_id: str | None, key: str | None, skipped: str | None) -> None:
        pending = self._pending
        pending.append(f"{_json_text(key)}\t{_json_text(insert_id)}\t{position:d}\t{_json_text(skipped)}\n")
        if len(pending) >= _BATCH:
            self._spooled("".join(pending))
            pending.clear()

    def _spooled(self, text: str, flush: bool = False) -> None:
        try:
            self._spool.write(text)
            if flush:
                self._spool.flush()
        except OSError as exc:  # the temporary directory is full, or over a quota or size limit
            raise GardenerError(
                f"cannot write the temporary file --assignments is gathered in (in {tempfile.gettempdir()}): "
                f"{write_reason(exc)}, or set TMPDIR to a directory with room",
                ExitCode.BAD_INPUT,
            ) from None

    def finish(self, handle: IO[str], final: Callable[[str], str]) -> None:
        """Write the spooled lines to `handle`, each key replaced by its final fingerprint."""
        self._spooled("".join(self._pending), flush=True)
        self._pending.clear()
        self._spool.seek(0)
        fingerprints: dict[str, str] = {"null": "null"}  # a key's JSON text → its final fingerprint's
        for row in self._spool:
            key, insert_id, position, skipped = row[:-1].split("\t")
            fingerprint = fingerprints.get(key)
            if fingerprint is None:
                fingerprint = fingerprints[key] = _json_text(final(json.loads(key)))
            tail = "}\n" if skipped == "null" else f', "skipped": {skipped}}}\n'
            handle.write(
                f'{{"insertId": {insert_id}, "fingerprint": {fingerprint}, "position": {position}{tail}'
            )


_BATCH = 1024


def _json_text(value: str | None) -> str:
    """`json.dumps(value)` of a string or None."""
    return "null" if value is None else encode_basestring_ascii(value)


@contextmanager
def _assignment_sink(path: Path | None) -> Iterator[_AssignmentWriter | None]:
    if path is None:
        yield None
        return
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        yield _AssignmentWriter(spool)


def _refuse_shared_paths(outputs: Outputs) -> None:
    """Two outputs on one path would keep only the one written last (a report over the state breaks the next
    run), and an output on the input would replace the export it was made from."""
    named = (
        (outputs.input_file, "--from"),
        (outputs.save_export, "--save-export"),
        (outputs.report_json, "--report-json"),
        (outputs.assignments, "--assignments"),
        (outputs.state, "the state file"),
        (outputs.step_summary, STEP_SUMMARY),
    )
    seen: dict[str, str] = {}
    for path, what in named:
        if path is None or path == STDOUT:
            continue
        key = real_path(path, what)
        if key in seen:
            raise GardenerError(
                f"{seen[key]} and {what} are the same file, {path}: give each its own path",
                ExitCode.BAD_INPUT,
            )
        seen[key] = what


def _preflight(outputs: Outputs) -> None:
    """Prove every output can be written before anything is read or published: a bad `--out` found after
    issues were created would lose the record of what was published."""
    _refuse_shared_paths(outputs)
    prepare_directory(outputs.out_dir, "the worklog")
    for path, what in (
        (outputs.report_json, "report"),
        (outputs.assignments, "assignments"),
        (outputs.state, "state file"),
        (outputs.save_export, "export"),
    ):
        if path is not None and path != STDOUT:
            check_writable(path, what)
    if outputs.step_summary is not None:
        check_appendable(outputs.step_summary)


@contextmanager
def _state_lock(
    path: Path | None, timeout: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on the state file from reading it to writing it, publishing in between: two
    runs sharing one state would both create the same issues and one would lose the other's fingerprints.
    The lock is `STATE.lock`, beside the state file (left there, empty, as lock files are). A run that has to
    wait for another says so first (`on_wait`), not a silent minute."""
    if path is None:
        yield
        return
    from filelock import FileLock, Timeout  # here: 2% of a scan's start-up, for a run that keeps a state

    lock_path = path.with_name(path.name + ".lock")
    lock = FileLock(lock_path, timeout=timeout)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if timeout > 0 and on_wait is not None:
                on_wait(
                    f"another gardener run holds the state file {path}: waiting up to {timeout:g} s "
                    "(state.lock_timeout_seconds) for it to finish"
                )
            lock.acquire()
    except Timeout:
        raise GardenerError(
            f"another gardener run holds the state file {path} (lock {lock_path}); waited {timeout:g} s "
            "(state.lock_timeout_seconds): rerun when it has finished",
            ExitCode.BAD_INPUT,
        ) from None
    except OSError as exc:
        raise write_error("the lock of state file", lock_path, exc) from None
    try:
        remove_leftover_writes(path)  # of runs killed mid-write: no write is under way while we hold the lock
        yield
    finally:
        lock.release()


def _refuse_unreadable(report: ScanReport) -> None:
    """Input of which nothing was readable is a failed run, not a quiet one: it must not advance the state
    (three such runs would mark every problem resolved) nor leave an empty worklog."""
    totals = report.totals
    if totals.read == 0 or totals.skipped.get("malformed", 0) < totals.read:
        return
    first = totals.malformed[0].error if totals.malformed else "unreadable"
    raise GardenerError(
        f"nothing readable in {report.source}: all {totals.read} items are malformed (first: {first}); "
        "no worklog written, state unchanged; give LogEntries, as `gcloud logging read --format=json` "
        "writes them",
        ExitCode.BAD_INPUT,
    )


FILTERED_NOTE = (
    "the input holds no entry below WARNING: it looks exported with a severity filter, which drops the "
    "traceback lines Cloud Run logs without a severity, so crashes are under-counted; export with "
    '`gcloud logging read "$(gardener scan --hours N --print-filter)" --format=json` instead'
)


def _looks_filtered(report: ScanReport) -> bool:
    """An export without a single entry below WARNING was almost certainly read with `severity>=WARNING`
    (a live scan asks for the traceback lines itself, so only files are suspected)."""
    if report.query_filter is not None or report.totals.read == 0:
        return False
    if Severity[report.min_severity] < Severity.WARNING:
        return False
    below = report.totals.skipped.get(f"below {report.min_severity}", 0)
    lower = [name for name in report.totals.by_severity if Severity[name] < Severity.WARNING]
    return below == 0 and not lower and report.totals.clustered > 0


def _absent(outputs: Outputs) -> tuple[list[Path], list[Path]]:
    """The directories (deepest first) and files that the checks before the scan may create for the outputs
    and that do not exist yet."""
    files = [outputs.step_summary] if outputs.step_summary is not None else []
    directories: set[Path] = set()
    for path in (
        outputs.out_dir,
        *(
            output.parent
            for output in (outputs.report_json, outputs.assignments, outputs.state, outputs.save_export)
            if output is not None and output != STDOUT
        ),
        *(file.parent for file in files),
    ):
        while not os.path.lexists(path) and path != path.parent:
            directories.add(path)
            path = path.parent
    absent = [file for file in files if not os.path.lexists(file)]
    return sorted(directories, key=lambda path: len(path.parts), reverse=True), absent


def _remove_if_empty(directories: list[Path], files: list[Path]) -> None:
    """Remove what a failed run created and left empty: an empty step summary, then empty directories."""
    for file in files:
        with suppress(OSError):
            if file.stat().st_size == 0:
                file.unlink()
    for directory in directories:
        with suppress(OSError):
            directory.rmdir()  # only when empty


def _report_text(report: ScanReport, target: Path) -> str:
    """The JSON report; for standard output that cannot hold every character (`PYTHONIOENCODING=ascii`), with
    JSON's own escapes rather than the stream's."""
    text = JsonReport().render(report)
    if target == STDOUT and not holds_any_character(getattr(STANDARD_OUTPUT, "encoding", None)):
        text = json.dumps(json.loads(text), indent=2) + "\n"
    return text


def _worklog_path(outputs: Outputs, report: ScanReport, services: tuple[str, ...]) -> Path:
    """Where this run's worklog goes: its window's name in `--out`, unless a file of another run holds it."""
    return unused_path(outputs.out_dir / worklog_filename(report, services), run_marker(report, services))


def run_scan_job(
    config: GardenerConfig,
    options: ScanOptions,
    source: EntrySource,
    outputs: Outputs,
    publisher_for: PublisherFactory,
    on_progress: ProgressFn | None = None,
    on_scanned: Callable[[], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    watch_read: Callable[[Callable[[], int]], None] | None = None,
) -> JobResult:
    """Scan, then mark trends, publish issues, and write the documents and the state. `on_scanned` is told
    when the source has been read and clustered; `on_wait`, before a wait for another run holding the state;
    `watch_read` is given, before the scan starts, what tells how many entries it has read so far.

    Every output is checked before the scan, and once issues are published every output is attempted even
    if one fails: the failures are returned (`JobResult.failures`) for the caller to report after it has
    printed what was published. A run that fails removes the directories (and empty step summary) that it
    created and left empty (`--out` made for a scan that then could not read its source).
    """
    directories, files = _absent(outputs)
    try:
        return _run(
            config, options, source, outputs, publisher_for, on_progress, on_scanned, on_wait, watch_read
        )
    except BaseException:
        _remove_if_empty(directories, files)
        raise


def _run(
    config: GardenerConfig,
    options: ScanOptions,
    source: EntrySource,
    outputs: Outputs,
    publisher_for: PublisherFactory,
    on_progress: ProgressFn | None,
    on_scanned: Callable[[], None] | None,
    on_wait: Callable[[str], None] | None,
    watch_read: Callable[[Callable[[], int]], None] | None,
) -> JobResult:
    renderer = MarkdownWorklog(outputs.templates)
    _preflight(outputs)
    if outputs.state is not None:
        load_state(outputs.state)  # a corrupt state stops the run before the scan, not after it
    with _assignment_sink(outputs.assignments) as sink:
        scan = Scan(config, options, on_assign=sink, on_progress=on_progress)
        if watch_read is not None:
            watch_read(lambda: scan.read)
        report = scan.run(source)
        if on_scanned is not None:
            on_scanned()
        _refuse_unreadable(report)
        if outputs.drafts:  # before any output is written; its name comes from the window read
            from loggardener.publishing.drafts import check_drafts_directory  # issue content: only for issues

            check_drafts_directory(drafts_directory(_worklog_path(outputs, report, options.services)))
        if _looks_filtered(report):
            report.notes.append(FILTERED_NOTE)
        if sink is not None and outputs.assignments is not None:
            with output_open(outputs.assignments, "assignments") as handle:
                sink.finish(handle, scan.final_fingerprint)
    with _state_lock(outputs.state, config.state.lock_timeout_seconds, on_wait):
        # read again under the lock: a run that finished while this one scanned has changed it
        state = load_state(outputs.state) if outputs.state is not None else None
        if state is not None:
            apply_trends(report, state, config.state)  # before publishing: issue titles carry the trend
            # a resolved problem's title is the state's, written by an earlier run (an older redactor, or other
            # extra patterns): redacted as this run's texts are
            report.resolved = [
                resolved.model_copy(update={"title": scan.redact(resolved.title)})
                for resolved in report.resolved
            ]
        marker = run_marker(report, options.services)
        worklog = _worklog_path(outputs, report, options.services)
        failures: list[GardenerError] = []
        refused = False
        drafts_lost = False
        try:
            known = {} if state is None else state.issue_numbers()
            unconfirmed = {} if state is None else state.unconfirmed_creates()
            report = process_issues(
                report, config.issues, publisher_for(worklog), known, unconfirmed, stateless=state is None
            )
        except GardenerError as exc:  # e.g. GitHub rejected the token: still write the worklog and report
            failures.append(exc)
            refused = True
            drafts_lost = outputs.drafts  # the drafts are an output of this run that could not be written
        note_reopened(report)
        writes: list[tuple[str, Callable[[], object]]] = []
        try:
            markdown = renderer.render(report)
        except GardenerError as exc:  # a template failing on this report: the other outputs still count
            failures.append(exc)
        else:
            marked = f"{markdown.rstrip()}\n\n{marker}\n"
            # a killed run's worklog was of another window, so of another name than this one
            remove_leftover_writes(worklog, LEFTOVER_SECONDS, names=WORKLOG_NAMES)
            writes.append(("worklog", lambda: atomic_write(worklog, marked, "worklog")))
            if outputs.step_summary is not None:
                summary = outputs.step_summary
                pointer = full_worklog_pointer(worklog)
                writes.append(("step summary", lambda: append_step_summary(summary, marked, pointer)))
        if outputs.report_json is not None:
            target = outputs.report_json
            writes.append(("report", lambda: output_write(target, _report_text(report, target), "report")))
        written = []
        for what, write in writes:
            try:
                write()
            except GardenerError as exc:
                failures.append(exc)
            else:
                written.append(what)
        kept = drafts_lost or len(written) < len(writes)  # an output failed: the state stays as it was
        # a window that holds none of the entries read (a clock or an --hours off, an old export) saw nothing:
        # recorded, it would be a quiet run, and a few of them would mark every problem resolved
        blind = 0 < report.totals.read == report.totals.skipped.get("outside the window", 0)
        if state is not None and outputs.state is not None and not kept and not blind:
            state.record_run(report)
            state.prune(report.window.end or report.generated_at, config.state.forget_after_days)
            try:
                save_state(outputs.state, state)
            except GardenerError as exc:
                failures.append(exc)
            else:
                written.append("state")
    return JobResult(
        report=report,
        worklog=worklog,
        state=state,
        failures=failures,
        worklog_written="worklog" in written,
        state_written="state" in written,
        publishing_refused=refused,
        state_kept_because="no entry read was inside the window"
        if blind and not kept
        else JobResult.state_kept_because,
    )
