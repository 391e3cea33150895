"""Decoding and parsing an export's entries in other processes.

A scan spends most of its time turning lines into entries (`sources.file.decode_lines`, then
`EntryParser.skim` or `parse`), and each line's entry depends on that line alone. `ParallelParser` sends runs
of NDJSON lines (`LineBatch`), or of records a source decoded itself (a JSON array's), to a pool of worker
processes and gives back what became of each, in the input's order; the scan's own process reads the input
and does everything that depends on order (duplicates, reassembly, clustering). The entries are the ones one
process makes: the parser is pure, and its caches too. (multiprocessing is imported only when a pool starts: a
scan of a short export does not pay for it.)
"""

from __future__ import annotations

import gc
import operator
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from loggardener.entries.models import LogEntry, MalformedEntry, Quiet
from loggardener.entries.parse import EntryParser, shipped_timestamp_text
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser
from loggardener.sources.file import decode_lines
from loggardener.sources.interface import LineBatch, RawRecord

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

BATCH_LINES = 1_000
"""Lines (or records) sent to a worker at a time."""
PARALLEL_AFTER = 10_000
"""Lines (or records) a scan parses in its own process before it starts workers: starting them costs more than
a smaller export's parse."""
YOUNG_COLLECTION_EVERY = 20_000
"""Allocations between collections of the youngest generation while entries are parsed, rather than 700: every
entry is a fresh dict of dicts, nearly all dropped at once and none in a cycle (a few percent of a scan)."""
WATCH_SECONDS = 1.0
"""How often a worker looks whether the scan's process is still there."""
MAX_WORKERS = 4
"""Beyond this many workers, the scan's own process (reassembly, clustering) is what it waits for."""


@dataclass(frozen=True)
class ParserSettings:
    """What makes an `EntryParser`, sent to each worker (a parser holds compiled patterns and caches)."""

    in_app_prefixes: tuple[str, ...]
    emails: bool
    extra_patterns: tuple[str, ...]

    def redactor(self) -> Redactor:
        return Redactor(self.emails, self.extra_patterns)

    def stack_parser(self) -> StackParser:
        return StackParser(self.in_app_prefixes)

    def parser(self) -> EntryParser:
        return EntryParser(self.redactor(), self.stack_parser())


Parsed = LogEntry | Quiet | str
"""What became of a readable record: its entry (`Quiet` when skimmed), or why it is malformed."""


def parse_record(parser: EntryParser, position: int, unit: str, raw: dict[str, Any], skim: bool) -> Parsed:
    """The entry of a decoded record: skimmed (`skim`) when the fast path can tell it, else parsed; or the
    reason, as `line N: …`, that it is malformed."""
    entry = parser.skim(position, raw) if skim else None
    if entry is not None:
        return entry
    try:
        return parser.parse(position, raw)
    except (MalformedEntry, ValueError, TypeError) as exc:
        return f"{unit} {position}: {exc}"


class RecordOutcome(NamedTuple):
    """What a worker made of one record (of a line that is not blank)."""

    position: int
    insert_id: str | None
    """The line's insertId and timestamp when they are text: the scan's own process finds duplicates."""
    timestamp: str | None
    parsed: Parsed | None
    """None when the record is unreadable: `error` says why."""
    error: str | None = None


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container's CPU set limits)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(asked: int) -> int:
    """Workers for `entries.workers`: `asked`, or (0) one per usable core, none on one core."""
    if asked:
        return asked if asked > 1 else 0
    cores = usable_cores()
    return min(cores, MAX_WORKERS) if cores > 1 else 0


_parser: EntryParser | None = None


def _start_worker(settings: ParserSettings, scan: int) -> None:
    global _parser
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the scan's own process, which stops workers
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    _parser = settings.parser()
    threading.Thread(target=_end_with, args=(scan,), name="end with the scan", daemon=True).start()


def _end_with(scan: int) -> None:
    """End this worker once the scan's process `scan` is gone: killed (SIGKILL, the kernel's out-of-memory
    killer), it never stops its pool, whose workers would otherwise wait for work forever."""
    while not _gone(scan):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended: no longer there, or (Linux) a zombie its parent has not reaped yet."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process now has the id
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as status:
            return status.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):  # no /proc (not Linux)
        return False


Run = LineBatch | list[RawRecord]
"""What a worker parses at a time: lines of an NDJSON export, or records a source decoded (a JSON array's)."""


def records_of(run: Run) -> Iterable[RawRecord]:
    return decode_lines(run) if isinstance(run, LineBatch) else run


_Packed = tuple[int, str | None, str | None, Parsed | tuple[Any, ...] | None, str | None]
"""A `RecordOutcome` as a worker sends it: a plain tuple, with a `Quiet` as the tuple of its fields. Pickle
writes and reads tuples of plain values without calling back into Python, as it must for a named tuple or a
dataclass; workers send one per entry, and this halves what sending them costs."""

_quiet_fields = operator.attrgetter(*Quiet.__slots__)


def _parse_run(run: Run, skim: bool) -> list[_Packed]:
    parser = _parser
    assert parser is not None, "a worker parses only after `_start_worker`"
    outcomes: list[_Packed] = []
    for record in records_of(run):
        raw = record.entry
        if raw is None:
            outcomes.append((record.position, None, None, None, record.error))
            continue
        insert_id, timestamp = raw.get("insertId"), raw.get("timestamp")
        parsed = parse_record(parser, record.position, record.unit, raw, skim)
        outcomes.append(
            (
                record.position,
                insert_id if isinstance(insert_id, str) else None,
                timestamp if isinstance(timestamp, str) else shipped_timestamp_text(timestamp),
                _quiet_fields(parsed) if type(parsed) is Quiet else parsed,
                None,
            )
        )
    return outcomes


def _unpacked(packed: list[_Packed]) -> list[RecordOutcome]:
    # `RecordOutcome._make` written out: `tuple.__new__` takes the fields as they are, where the named tuple's own
    # `__new__` is a Python function called once per entry (a packed outcome's fields are the named tuple's)
    outcomes: list[RecordOutcome] = []
    make = tuple.__new__
    for item in packed:
        parsed = item[3]
        if type(parsed) is tuple:
            item = (item[0], item[1], item[2], Quiet(*parsed), item[4])
        outcomes.append(make(RecordOutcome, item))
    return outcomes


class ParallelParser:
    """A pool of `workers` processes parsing runs of lines; at most two runs per worker wait at a time, so
    memory stays bounded however long the export."""

    def __init__(self, settings: ParserSettings, workers: int, skim: bool) -> None:
        self._limit = 2 * workers
        self._skim = skim
        self._pending: deque[tuple[Run, Future[list[_Packed]] | None]] = deque()
        self.broken: str | None = None
        """Why the workers stopped (one was killed, ran out of memory, or none could start): the rest is parsed
        in the scan's own process."""
        self._pool: ProcessPoolExecutor | None = None
        self._stopped: str | None = None
        """Why the pool's manager thread ended early (it could not start a thread: a memory limit)."""
        self._excepthook = threading.excepthook
        threading.excepthook = self._thread_failed
        from concurrent.futures import ProcessPoolExecutor

        try:
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=_start_method(),
                initializer=_start_worker,
                initargs=(settings, os.getpid()),
            )
        except _CANNOT_START as exc:  # no working semaphores (a container without /dev/shm)
            self.broken = _reason(exc)

    def submit(self, run: Run) -> Iterator[tuple[Run, list[RecordOutcome] | None]]:
        """Queue `run`; give back, in order, the runs parsed meanwhile, once too many wait (None: a run
        the workers could not parse, to be parsed in the scan's own process)."""
        future = None
        if self.broken is None and self._pool is not None:
            try:
                future = self._pool.submit(_parse_run, run, self._skim)
            except _CANNOT_START as exc:  # a worker died since the last run came back, or none can start
                self.broken = _reason(exc)
        self._pending.append((run, future))
        while len(self._pending) > self._limit:
            yield self._next()

    def drain(self) -> Iterator[tuple[Run, list[RecordOutcome] | None]]:
        """Every queued run, in order."""
        while self._pending:
            yield self._next()

    def _next(self) -> tuple[Run, list[RecordOutcome] | None]:
        from concurrent.futures import TimeoutError as StillRunning
        from concurrent.futures.process import BrokenProcessPool

        run, future = self._pending.popleft()
        if future is None or (self.broken is not None and not future.done()):
            return run, None
        while True:
            try:
                return run, _unpacked(future.result(timeout=WATCH_SECONDS))
            except BrokenProcessPool as exc:
                self.broken = self.broken or _reason(exc)
                return run, None
            except StillRunning:
                if self._manager_alive():
                    continue
                self.broken = self.broken or self._stopped or "the pool's manager thread ended"
                return run, None

    def _manager(self) -> threading.Thread | None:
        """The pool's thread that feeds workers and collects their results (an attribute of the pool's own)."""
        thread = getattr(self._pool, "_executor_manager_thread", None)
        return thread if isinstance(thread, threading.Thread) else None

    def _manager_alive(self) -> bool:
        """Whether the pool's manager thread still runs: when it ends early, no run it holds ever comes back."""
        thread = self._manager()
        return thread is None or thread.is_alive()

    def _thread_failed(self, args: threading.ExceptHookArgs) -> None:
        """The manager thread's failure, kept as the reason rather than printed; other threads' as before."""
        if args.thread is not None and args.thread is self._manager():
            self._stopped = _reason(args.exc_value) if args.exc_value is not None else args.exc_type.__name__
            return
        self._excepthook(args)

    def abort(self) -> None:
        """End the workers at once, those still starting too (the scan is stopping: Ctrl-C, SIGTERM, an error):
        waiting for them could wait forever for one whose start the signal cut short, and none is needed."""
        import multiprocessing

        if self._pool is None:
            return
        # The pool's queue of runs for the workers: its feeder thread may be stuck writing a run to a pipe no
        # worker reads any more, and the pool (Python 3.11) joins that thread when it stops: forever.
        queue = getattr(self._pool, "_call_queue", None)
        if queue is not None:
            queue.cancel_join_thread()
        workers = {
            *multiprocessing.active_children(),
            *(getattr(self._pool, "_processes", None) or {}).values(),
        }
        for process in workers:
            process.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        try:
            if self._pool is not None:
                if not self._manager_alive():  # nothing stops the workers: they would wait for work forever
                    for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                        process.terminate()
                self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            threading.excepthook = self._excepthook


# What stops workers from starting or running: a worker killed (BrokenProcessPool, a RuntimeError), no
# processes, threads or semaphores left (OSError, RuntimeError), a platform without them (NotImplementedError,
# ImportError).
_CANNOT_START = (OSError, RuntimeError, NotImplementedError, ImportError)


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# multiprocessing's resource tracker, which starts with this interpreter's -W options, frees the semaphores of a
# scan killed with SIGKILL (the out-of-memory killer): without a warning on the terminal the scan has left.
_QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"


def _start_method() -> BaseContext:
    """A forkserver: a clean process forks the workers (the scan's own may run threads, a progress display,
    which a fork would copy mid-step); spawn where there is none (Windows)."""
    import multiprocessing

    if _QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(_QUIET_TRACKER)
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload([__name__, "loggardener.forkserver"])
    return forkserver
