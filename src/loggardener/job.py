"""One `gardener scan` run, end to end: the pipeline, then trends, issues, state and documents, in that order.

The CLI parses options into these parts and prints the result; everything that happens in between is here.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from loggardener.config import GardenerConfig
from loggardener.errors import ExitCode, GardenerError
from loggardener.pipeline import ProgressFn, Scan, ScanOptions
from loggardener.publishing.interface import IssuePublisher
from loggardener.publishing.run import process_issues
from loggardener.rendering.json_report import JsonReport
from loggardener.rendering.markdown import MarkdownWorklog, worklog_filename
from loggardener.rendering.step_summary import append_step_summary, full_worklog_pointer
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


@dataclass(frozen=True)
class JobResult:
    report: ScanReport
    worklog: Path
    state: State | None


class _AssignmentWriter:
    """`--assignments`: NDJSON, one line per input entry.

    During the scan, lines carry cluster keys, some provisional (the template miner merges clusters as it
    learns), so they are spooled to a temporary file; `finish` writes them with their final fingerprints.
    """

    def __init__(self, spool: IO[str]) -> None:
        self._spool = spool

    def __call__(self, position: int, insert_id: str | None, key: str | None, skipped: str | None) -> None:
        self._spool.write(json.dumps([position, insert_id, key, skipped]) + "\n")

    def finish(self, handle: IO[str], final: Callable[[str], str]) -> None:
        """Write the spooled lines to `handle`, each key replaced by its final fingerprint."""
        self._spool.seek(0)
        for row in self._spool:
            position, insert_id, key, skipped = json.loads(row)
            line: dict[str, object] = {
                "insertId": insert_id,
                "fingerprint": None if key is None else final(key),
                "position": position,
            }
            if skipped is not None:
                line["skipped"] = skipped
            handle.write(json.dumps(line) + "\n")


def _open_output(path: Path, what: str) -> IO[str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise GardenerError(f"cannot write {what} {path}: {exc.strerror}", ExitCode.BAD_INPUT) from None


def _write(path: Path, text: str, what: str) -> None:
    with _open_output(path, what) as handle:
        handle.write(text)


@contextmanager
def _assignment_sink(path: Path | None) -> Iterator[_AssignmentWriter | None]:
    if path is None:
        yield None
        return
    _open_output(path, "assignments").close()  # fail before scanning when the path cannot be written
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        yield _AssignmentWriter(spool)


def run_scan_job(
    config: GardenerConfig,
    options: ScanOptions,
    source: EntrySource,
    outputs: Outputs,
    publisher_for: PublisherFactory,
    on_progress: ProgressFn | None = None,
) -> JobResult:
    """Scan, then mark trends, publish issues, save the state, and write the documents."""
    renderer = MarkdownWorklog(outputs.templates)
    state = load_state(outputs.state) if outputs.state is not None else None
    with _assignment_sink(outputs.assignments) as sink:
        scan = Scan(config, options, on_assign=sink, on_progress=on_progress)
        report = scan.run(source)
        if sink is not None and outputs.assignments is not None:
            with _open_output(outputs.assignments, "assignments") as handle:
                sink.finish(handle, scan.final_fingerprint)
    if state is not None:
        apply_trends(report, state, config.state)  # before publishing: issue titles carry the trend
    worklog = outputs.out_dir / worklog_filename(report)
    report = process_issues(report, config.issues, publisher_for(worklog))
    if state is not None and outputs.state is not None:
        # Saved as soon as issues are published: linked issue numbers must survive a failed write below.
        note_reopened(report)
        state.record_run(report)
        save_state(outputs.state, state)
    markdown = renderer.render(report)
    _write(worklog, markdown, "worklog")
    if outputs.report_json is not None:
        _write(outputs.report_json, JsonReport().render(report), "report")
    if outputs.step_summary is not None:
        append_step_summary(outputs.step_summary, markdown, full_worklog_pointer(worklog))
    return JobResult(report=report, worklog=worklog, state=state)
