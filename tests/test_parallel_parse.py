"""Parsing an NDJSON export in worker processes (`parallel.ParallelParser`): the same reports as one process.

Each comparison scans the same export with `entries.workers = 1` (one process) and `= 2`, and compares
everything a run writes (`test_fast_path.outputs`): the JSON report, the worklog, and every input line's
assignment, in order. The pipeline's thresholds are lowered so that small exports cross many runs of lines.
"""

from __future__ import annotations

import contextlib
import gzip
import inspect
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from la_support import synthetic
from loggardener import pipeline
from loggardener.config import GardenerConfig
from loggardener.entries.models import Occurrences, Severity
from loggardener.parallel import ParallelParser, ParserSettings, RecordOutcome, parse_record, worker_count
from loggardener.pipeline import Scan
from loggardener.sources.file import FileSource, decode_lines
from loggardener.sources.interface import EntrySource, LineBatch, RawRecord, SourceStats
from test_fast_path import Outputs, _entry, assert_same, outputs, scanned

ONE_PROCESS = GardenerConfig.model_validate({"entries": {"workers": 1}})
TWO_WORKERS = GardenerConfig.model_validate({"entries": {"workers": 2}})
_START = datetime(2026, 11, 21, 6, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def short_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers from the 30th line on, 7 lines at a time."""
    monkeypatch.setattr(pipeline, "PARALLEL_AFTER", 30)
    monkeypatch.setattr(pipeline, "BATCH_LINES", 7)


def _compare(path: Path, fast: bool = True, **options: Any) -> Scan:
    """The export's outputs in one process and with two workers are the same; returns the scan with workers
    (what it counted: the records its workers parsed, what it read, the malformed lines)."""
    serial = outputs(FileSource(path), fast, ONE_PROCESS, **options)
    parallel, scan = scanned(FileSource(path), fast, TWO_WORKERS, **options)
    assert_same(parallel, serial)
    return scan


def _lines(entries: list[dict[str, Any]], extras: list[tuple[int, str]]) -> str:
    lines = [json.dumps(entry) for entry in entries]
    for index, extra in sorted(extras, reverse=True):
        lines.insert(min(index, len(lines)), extra)
    return "\n".join(lines) + "\n"


def _export_in_one_process(tmp_path: Path, size: int, seed: int) -> tuple[Path, Outputs]:
    """An NDJSON export of `size` realistic entries, and the outputs of its scan in one process."""
    path = tmp_path / "export.ndjson"
    path.write_text(_lines(list(synthetic().realistic(size, seed=seed)), []), encoding="utf-8")
    return path, outputs(FileSource(path), True, ONE_PROCESS)


# Lines that are no entry, or the same entry again: each is counted, and said, where it stands.
_EXTRAS = st.sampled_from(
    [
        "",
        "   ",
        "{not json",
        "[1, 2]",
        '"just text"',
        '{"insertId": "dup", "timestamp": "2026-11-21T06:00:00Z", "severity": "ERROR", "textPayload": "x failed"}',
        '{"insertId": "dup", "timestamp": "2026-11-21T06:00:00.000Z", "textPayload": "\\ud800 lone"}',
        '{"timestamp": 7, "severity": "ERROR", "textPayload": "boom"}',
        '{"timestamp": "2026-11-21T06:00:01Z", "severity": "ERROR", "textPayload": "' + "[" * 70 + '"}',
        "[" * 80 + "]" * 80,
        # entries pasted as one array line: each read at that line, a split traceback's first line among them
        json.dumps(
            [
                {
                    "insertId": "a1",
                    "timestamp": "2026-11-21T06:00:02Z",
                    "severity": "ERROR",
                    "textPayload": "x",
                },
                {
                    "insertId": "a2",
                    "timestamp": "2026-11-21T06:00:03Z",
                    "textPayload": "Traceback (most recent call last):",
                },
                5,
            ]
        ),
    ]
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 300), min_size=40, max_size=60).flatmap(
        lambda seeds: st.tuples(
            st.tuples(*(_entry(index) for index in range(len(seeds)))),
            st.lists(st.tuples(st.integers(0, len(seeds)), _EXTRAS), max_size=12),
            st.sampled_from([Severity.WARNING, Severity.ERROR]),
        )
    )
)
def test_generated_exports_report_the_same(
    tmp_path_factory: pytest.TempPathFactory, drawn: tuple[Any, list[tuple[int, str]], Severity]
) -> None:
    entries, extras, threshold = drawn
    path = tmp_path_factory.mktemp("export") / "export.ndjson"
    path.write_text(_lines(list(entries), extras), encoding="utf-8")
    _compare(path, min_severity=threshold)


@pytest.mark.parametrize(
    "options", [{}, {"services": ("orders-api",)}, {"min_severity": Severity.CRITICAL}, {"fast": False}]
)
def test_a_realistic_export_reports_the_same(tmp_path: Path, options: dict[str, Any]) -> None:
    entries = list(synthetic().realistic(1500, seed=11))
    path = tmp_path / "export.ndjson"
    path.write_text(_lines(entries, [(700, "{broken"), (701, ""), (900, json.dumps(entries[899]))]), "utf-8")
    fast = options.pop("fast", True)
    scan = _compare(path, fast, **options)
    assert scan.parsed_elsewhere > 1000  # the workers did parse


def test_entries_pasted_as_one_array_line_report_the_same_in_workers(tmp_path: Path) -> None:
    """Lines whose entries a worker parses, one of them an array of entries: every entry is read once, and
    the records behind a worker's outcomes (decoded again when an entry is awaited) are the right ones."""
    entries = list(synthetic().realistic(400, seed=5))
    lines = [json.dumps(entry) for entry in entries]
    lines[100:160] = [json.dumps(entries[100:160])]
    lines[200:203] = [json.dumps(entries[200:203])]
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scan = _compare(path)
    assert scan.totals.read == len(entries) and "malformed" not in scan.totals.skipped
    assert scan.parsed_elsewhere > 300


def test_entries_printed_over_many_lines_inside_ndjson_report_the_same_in_workers(tmp_path: Path) -> None:
    """`jq .` output appended in the middle of NDJSON that workers parse, across the end of a run of lines:
    every entry is read once, and the lines after it keep their numbers."""
    entries = list(synthetic().realistic(400, seed=6))
    lines = [json.dumps(entry) for entry in entries]
    lines[150:170] = [json.dumps(entries[150:170], indent=2)]
    lines[300:301] = [json.dumps(entries[300], indent=2)]
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")
    scan = _compare(path)
    assert scan.totals.read == len(entries) + 1 and scan.totals.skipped["malformed"] == 1
    total_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert [line.error for line in scan.totals.malformed] == [
        f"line {total_lines}: invalid JSON: Expecting value: line 1 column 1 (char 0)"
    ]
    assert scan.parsed_elsewhere > 300


def test_a_compressed_export_cut_short_reports_the_same(tmp_path: Path) -> None:
    entries = list(synthetic().realistic(600, seed=3))
    whole = gzip.compress(_lines(entries, []).encode())
    path = tmp_path / "export.ndjson.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    totals = _compare(path).totals
    assert "input ends early" in totals.malformed[-1].error


def _panic_lines(streams: int) -> list[dict[str, Any]]:
    """Rust panics on stderr, each followed 1 ms later by its message, a plain line the fast path would skim."""
    entries = []
    for index in range(streams):
        moment = _START + timedelta(seconds=index)
        resource = {"type": "k8s_container", "labels": {"pod_name": f"p-{index % 3}", "container_name": "c"}}
        for offset, text in enumerate(
            [
                f"thread 'tokio-runtime-worker' panicked at src/worker.rs:{40 + index % 5}:9:",
                f"called `Option::unwrap()` on a `None` value (job {index})",
                "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            ]
        ):
            entries.append(
                {
                    "insertId": f"r{index}-{offset}",
                    "timestamp": (moment + timedelta(milliseconds=offset)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "logName": "projects/p/logs/stderr",
                    "resource": resource,
                    "labels": {"k8s-pod/app": "worker"},
                    "textPayload": text,
                }
            )
    return entries


def test_a_panic_and_its_message_in_two_runs_of_lines_report_the_same(tmp_path: Path) -> None:
    path = tmp_path / "panics.ndjson"
    path.write_text(_lines(_panic_lines(40), []), encoding="utf-8")
    assert _compare(path).parsed_elsewhere > 0


def test_the_batches_decode_to_the_records(tmp_path: Path) -> None:
    text = _lines(list(synthetic().realistic(50, seed=2)), [(3, ""), (9, "{x"), (20, "[" * 70 + "]" * 70)])
    path = tmp_path / "e.ndjson"
    path.write_text(text + '{"a": "\\ud83d"}\n', encoding="utf-8")
    from_batches: list[RawRecord] = []
    for item in FileSource(path).batches(4):
        from_batches.extend(decode_lines(item) if isinstance(item, LineBatch) else [item])
    assert from_batches == list(FileSource(path).records())


def test_worker_count_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert worker_count(1) == 0
    assert worker_count(3) == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert worker_count(0) == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)), raising=False)
    assert worker_count(0) == 4


def _without_notes(report: str) -> dict[str, Any]:
    """A JSON report without the note that a worker stopped."""
    data: dict[str, Any] = json.loads(report)
    data["notes"] = [note for note in data["notes"] if not note.startswith("parsing in worker processes")]
    return data


def _descendants() -> set[int]:
    """This process's descendants (Linux: /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


class _AlteredExport(EntrySource):
    """An export file whose `batches` a subclass alters."""

    def __init__(self, path: Path) -> None:
        self._file = FileSource(path)
        self.stats = self._file.stats

    def records(self) -> Iterator[RawRecord]:
        return self._file.records()


class _KillingSource(_AlteredExport):
    """An export whose reading kills every worker once they have parsed a few runs of lines."""

    def batches(self, size: int) -> Iterator[RawRecord | LineBatch]:
        before = _descendants()
        for number, item in enumerate(self._file.batches(size)):
            if number == 12:
                for pid in _descendants() - before:
                    with contextlib.suppress(ProcessLookupError):  # one that ended since it was listed
                        os.kill(pid, signal.SIGKILL)
            yield item


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_a_killed_worker_costs_no_entry(tmp_path: Path) -> None:
    path, serial = _export_in_one_process(tmp_path, 400, 4)
    source = _KillingSource(path)
    killed = outputs(source, True, TWO_WORKERS)
    (note,) = source.stats.notes
    assert note.startswith("parsing in worker processes stopped (")
    assert note in json.loads(killed[0])["notes"]
    assert _without_notes(killed[0]) == _without_notes(serial[0])
    assert killed[2] == serial[2]


def test_the_pool_gives_runs_back_in_order() -> None:
    settings_ = ParserSettings((), True, ())
    lines = [
        json.dumps(
            {
                "insertId": str(n),
                "timestamp": "2026-11-21T06:00:00Z",
                "severity": "ERROR",
                "textPayload": f"e{n}",
            }
        )
        for n in range(40)
    ]
    pool = ParallelParser(settings_, 2, skim=True)
    try:
        got: list[RecordOutcome] = []
        for start in range(0, 40, 5):
            for _, outcomes in pool.submit(LineBatch(start + 1, lines[start : start + 5])):
                got.extend(outcomes or [])
        for _, outcomes in pool.drain():
            got.extend(outcomes or [])
    finally:
        pool.close()
    assert [o.position for o in got] == list(range(1, 41))
    assert [o.insert_id for o in got] == [str(n) for n in range(40)]


def test_every_part_of_an_entry_comes_back_from_a_worker_as_parsed_here() -> None:
    """Workers send entries packed (a skimmed one as the tuple of its fields): each comes back equal, field for
    field, to what the scan's own parser makes of the same record."""
    settings_ = ParserSettings(("app/",), True, ())
    records = list(synthetic().realistic(300, seed=5))
    for n, status in enumerate((200, 302, 404, 499, 500, None)):
        records.append(
            {
                "insertId": f"request-{n}",
                "timestamp": f"2026-11-21T06:00:0{n}.123456Z",
                "severity": "INFO",
                "httpRequest": {} if status is None else {"status": status, "requestUrl": "https://shop/x"},
                "resource": {
                    "type": "cloud_run_revision",
                    "labels": {"service_name": "s", "revision_name": f"s-{n}"},
                },
                "labels": {"instanceId": f"instance-{n}"},
                "logName": "projects/p/logs/run.googleapis.com%2Frequests",
            }
        )
    lines = [json.dumps(record) for record in records]
    here = settings_.parser()
    expected = [
        parse_record(here, record.position, record.unit, record.entry, True)
        for record in decode_lines(LineBatch(1, lines))
        if record.entry is not None
    ]
    pool = ParallelParser(settings_, 2, skim=True)
    try:
        got: list[RecordOutcome] = []
        for start in range(0, len(lines), 50):
            for _, outcomes in pool.submit(LineBatch(start + 1, lines[start : start + 50])):
                got.extend(outcomes or [])
        for _, outcomes in pool.drain():
            got.extend(outcomes or [])
    finally:
        pool.close()
    assert pool.broken is None
    assert [outcome.parsed for outcome in got] == expected
    kinds = {type(entry).__name__ for entry in expected}
    assert kinds == {"Quiet", "LogEntry"}, kinds
    assert {entry.status for entry in expected if type(entry).__name__ == "Quiet"} >= {
        200,
        302,
        404,
        499,
        None,
    }


def test_a_platform_without_worker_processes_scans_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a container without /dev/shm, where multiprocessing has no semaphores."""
    import concurrent.futures.process

    def no_semaphores() -> None:
        raise NotImplementedError("This platform lacks a functioning sem_open implementation")

    path, serial = _export_in_one_process(tmp_path, 200, 6)
    monkeypatch.setattr(concurrent.futures.process, "_check_system_limits", no_semaphores)
    source = FileSource(path)
    alone = outputs(source, True, TWO_WORKERS)
    assert source.stats.notes == [
        "parsing in worker processes stopped (This platform lacks a functioning sem_open implementation): "
        "their lines and the rest were parsed in the scan's own process"
    ]
    assert _without_notes(alone[0]) == _without_notes(serial[0])
    assert alone[2] == serial[2]


def test_a_json_array_export_reports_the_same(tmp_path: Path) -> None:
    """A source that decodes its own records (a JSON array) sends them to the workers in runs."""
    entries = list(synthetic().realistic(300, seed=8))
    path = tmp_path / "export.json"
    path.write_text(json.dumps([*entries[:150], "not an entry", *entries[150:]]), encoding="utf-8")
    assert _compare(path).parsed_elsewhere > 0


class _MixedSource(_AlteredExport):
    """An export that gives every third run of lines as records it decoded itself, between runs it does not."""

    def batches(self, size: int) -> Iterator[RawRecord | LineBatch]:
        for number, item in enumerate(self._file.batches(size)):
            if isinstance(item, LineBatch) and number % 3 == 2:
                yield from decode_lines(item)
            else:
                yield item


def test_records_between_runs_of_lines_keep_their_place(tmp_path: Path) -> None:
    entries = list(synthetic().realistic(600, seed=9))
    path = tmp_path / "export.ndjson"
    path.write_text(_lines(entries, [(100, "{x"), (101, "[]"), (400, json.dumps(entries[10]))]), "utf-8")
    serial = outputs(FileSource(path), True, ONE_PROCESS)
    assert_same(outputs(_MixedSource(path), True, TWO_WORKERS), serial)


class _CountingSource(EntrySource):
    """Records a source decoded, every 40th one counted for 3 entries (as Log Analytics sends them)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self._entries = entries
        self.stats = SourceStats(description="counted entries", project="p")

    def records(self) -> Iterator[RawRecord]:
        for position, entry in enumerate(self._entries, start=1):
            if position % 40:
                yield RawRecord(position, entry, unit="entry")
            else:
                moment = datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00"))
                counted = Occurrences(count=3, first=moment, last=moment + timedelta(seconds=2))
                yield RawRecord(position, entry, unit="entry", occurrences=counted)


def test_counted_records_keep_their_place() -> None:
    entries = [entry for entry in synthetic().realistic(500, seed=12) if "timestamp" in entry]
    serial = outputs(_CountingSource(entries), True, ONE_PROCESS)
    parallel, scan = scanned(_CountingSource(entries), True, TWO_WORKERS)
    assert scan.parsed_elsewhere > 0
    assert_same(parallel, serial)


_KILLED_SCAN = """
import os, signal, sys
from pathlib import Path
from loggardener import pipeline
from loggardener.config import GardenerConfig
from loggardener.pipeline import Scan, ScanOptions
from loggardener.sources.file import FileSource

pipeline.PARALLEL_AFTER, pipeline.BATCH_LINES = 30, 7


{descendants}

class KilledMidway(FileSource):
    def batches(self, size):
        for number, item in enumerate(super().batches(size)):
            if number == 20:
                print(*sorted(_descendants()), flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
            yield item


if __name__ == "__main__":
    config = GardenerConfig.model_validate({"entries": {"workers": 2}})
    Scan(config, ScanOptions()).run(KilledMidway(sys.argv[1]))
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_workers_end_when_the_scan_is_killed(tmp_path: Path) -> None:
    """SIGKILL (the out-of-memory killer, a CI timeout) never lets a scan stop its pool: its workers end."""
    path = tmp_path / "export.ndjson"
    path.write_text(_lines(list(synthetic().realistic(400, seed=5)), []), encoding="utf-8")
    script = tmp_path / "killed_scan.py"
    script.write_text(
        _KILLED_SCAN.replace("{descendants}", inspect.getsource(_descendants)), encoding="utf-8"
    )
    run = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL
    started = [int(pid) for pid in run.stdout.split()]
    assert started  # the forkserver, its workers and the resource tracker
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in started if _running(pid)]
    assert run.stderr == ""  # the resource tracker frees the pool's semaphores without a warning


def test_a_pool_that_cannot_start_a_thread_scans_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under a memory limit (`ulimit -v`), the pool's manager thread may fail to start the thread that feeds
    workers: it ends, and no run it holds would ever come back."""
    import multiprocessing.queues

    def no_thread(self: Any) -> None:
        raise RuntimeError("can't start new thread")

    def hung(signum: int, frame: Any) -> None:
        raise AssertionError("the scan waits forever for runs the pool will never parse")

    path, serial = _export_in_one_process(tmp_path, 200, 8)
    monkeypatch.setattr(multiprocessing.queues.Queue, "_start_thread", no_thread)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        source = FileSource(path)
        alone = outputs(source, True, TWO_WORKERS)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert source.stats.notes == [
        "parsing in worker processes stopped (can't start new thread): "
        "their lines and the rest were parsed in the scan's own process"
    ]
    assert _without_notes(alone[0]) == _without_notes(serial[0])
    assert alone[2] == serial[2]
    assert "Traceback" not in capsys.readouterr().err
