"""Every file gardener writes goes through here: atomically, never through a symbolic link, with one clear
line (exit code 2) when the disk is full or the path cannot be written.

A write goes to a temporary file in the target's directory, is flushed and fsynced, then `os.replace`d over
the target, so a reader (or a crash) sees the old file or the new one, never half of one. A target that is
a symbolic link is refused rather than followed: in a shared or CI checkout a planted link would otherwise
make gardener overwrite a file it was never asked to touch.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import glob
import gzip
import io
import os
import re
import select
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from loggardener.errors import CA_BUNDLE_VARIABLES, ExitCode, GardenerError, missing_path_hint


def scope_slug(names: tuple[str, ...]) -> str:
    """Names (e.g. services) as one file-name part: sorted, unsafe characters replaced, hashed when long."""
    import hashlib  # here: `--help` loads this module, and OpenSSL's digests cost it a noticeable part

    slug = "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", name) for name in sorted(set(names)))
    return hashlib.sha256(slug.encode()).hexdigest()[:12] if len(slug) > 80 else slug


def unused_path(path: Path, marker: str, limit: int = 1000) -> Path:
    """`path`, unless a file there lacks `marker` (it is another run's) or something other than a file holds
    the name (a directory; a named pipe, which opening to read would wait on forever): then `NAME-2.md`,
    `NAME-3.md`… A symbolic link is returned, for the write to refuse it."""
    for attempt in range(1, limit + 1):
        candidate = path if attempt == 1 else path.with_name(f"{path.stem}-{attempt}{path.suffix}")
        try:
            mode = candidate.lstat().st_mode
            if stat.S_ISLNK(mode):
                return candidate
            if not stat.S_ISREG(mode):
                continue
            with candidate.open(encoding="utf-8", errors="replace") as handle:
                if marker in handle.read():
                    return candidate
        except FileNotFoundError:
            return candidate
        except OSError as exc:
            raise write_error("the worklog", candidate, exc) from None
    raise GardenerError(
        f"cannot write the worklog: {limit} files named like {path} exist", ExitCode.BAD_INPUT
    )


PIPE_WAIT_SECONDS = 20.0
"""How long a file read once that is a pipe (`<(vault read …)`, a named pipe: a config, a credentials key file, a
CA bundle) is waited for before it is said to give nothing."""


def silent_pipe() -> str:
    """How a pipe `read_unless_silent_pipe` gave up on is said."""
    return (
        f"a pipe nothing wrote to within {PIPE_WAIT_SECONDS:.0f} s (a named pipe no process writes, or a command in "
        "`<(…)` that hangs)"
    )


def read_unless_silent_pipe(path: Path | str, limit: int = -1) -> bytes | None:
    """`path`'s bytes (at most `limit`); None when it is a pipe nothing wrote to within `PIPE_WAIT_SECONDS`.
    Opened without waiting: a named pipe nobody writes to would hold open() forever. OSError as open and read
    raise."""
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        if (
            stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode)
            and not select.select([handle], [], [], PIPE_WAIT_SECONDS)[0]
        ):
            return None
        os.set_blocking(handle.fileno(), True)
        return handle.read(limit)


def copy_piped_ca_bundle() -> None:
    """The CA bundle variable requests reads (the first one set) naming a pipe (`REQUESTS_CA_BUNDLE=<(vault
    read …)`, a named pipe) is read once, into a private temporary file that the variable names for the rest
    of the run (removed at exit): requests reads the bundle again for every connection, and a pipe gives its
    content once. One nothing writes to within PIPE_WAIT_SECONDS is left as it is (the bundle check says so)."""
    for name in CA_BUNDLE_VARIABLES:
        value = os.environ.get(name)
        if not value:
            continue
        try:
            if not stat.S_ISFIFO(os.stat(value).st_mode):
                return
            data = read_unless_silent_pipe(value)
            if data is None:
                return
            descriptor, copy = tempfile.mkstemp(prefix="gardener-ca-", suffix=".pem")
        except OSError:  # said by the bundle check, which looks at the variable next
            return
        atexit.register(_remove_if_there, copy)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
        except OSError:  # a full TMPDIR: the pipe is said by the bundle check
            return
        os.environ[name] = copy
        return


def _remove_if_there(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def real_path(path: Path | str, what: str) -> str:
    """`os.path.realpath(path)`, to tell two paths of one file apart; a relative path while the current
    directory is deleted (which has no real path) is one line naming `what`."""
    try:
        return os.path.realpath(path)
    except FileNotFoundError:
        raise GardenerError(
            f"{what} {path}: no such file{missing_path_hint(str(path))}", ExitCode.BAD_INPUT
        ) from None


def write_error(what: str, path: Path, exc: OSError) -> GardenerError:
    """One line for a failed write; a full disk says so plainly."""
    hint = missing_path_hint(str(path)) if exc.errno == errno.ENOENT else ""
    return GardenerError(f"cannot write {what} {path}: {write_reason(exc)}{hint}", ExitCode.BAD_INPUT)


ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EMFILE, errno.ENFILE, errno.EIO}
)
"""What a file operation fails with because of the machine, not of gardener: a full disk or quota, a file size
or open-files limit, a read-only file system, a failing device."""


def write_reason(exc: OSError) -> str:
    """Why a write failed, in words; a full disk says so plainly."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the device: free some space and rerun"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded: free some space and rerun"
    if exc.errno == errno.EFBIG:
        return "file too large for this process's file size limit (`ulimit -f`) or the file system: raise it and rerun"
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return "too many open files (`ulimit -n`): raise the limit and rerun"
    if exc.errno == errno.ELOOP:  # what opening a link with O_NOFOLLOW says, as a lock file is opened
        return (
            "it is a symbolic link; gardener does not write through links (remove it or choose another path)"
        )
    return exc.strerror or str(exc)


def _refuse_link(path: Path, what: str) -> None:
    try:
        mode = path.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there yet; the directory is checked apart
        return
    except OSError as exc:
        raise write_error(what, path, exc) from None
    if stat.S_ISLNK(mode):
        raise GardenerError(
            f"cannot write {what} {path}: it is a symbolic link; gardener does not write through links "
            "(remove it or choose another path)",
            ExitCode.BAD_INPUT,
        )
    if stat.S_ISDIR(mode):
        raise GardenerError(f"cannot write {what} {path}: it is a directory", ExitCode.BAD_INPUT)
    if not stat.S_ISREG(mode):
        # replacing it would put a regular file where a device (/dev/null) or a named pipe was
        kind = "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a named pipe or socket"
        raise GardenerError(
            f"cannot write {what} {path}: it is {kind}, not a file, and gardener replaces its outputs whole; "
            "give a file path (to discard an output, leave its option out)",
            ExitCode.BAD_INPUT,
        )


def prepare_directory(directory: Path, what: str) -> None:
    """Create `directory` if needed and prove a file can be created in it (before anything is published)."""
    try:  # stat fails with more than "no such file" (a name too long, a parent that cannot be searched)
        if directory.exists() and not directory.is_dir():
            raise GardenerError(
                f"cannot write {what} into {directory}: it is a file, not a directory", ExitCode.BAD_INPUT
            )
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except FileExistsError:  # exists() said no: a symbolic link to nothing, or one of a loop
        raise GardenerError(
            f"cannot write {what} into {directory}: it is a symbolic link to nothing (its target "
            f"{_link_target(directory)} is missing, or a link of a loop): fix the link or choose another path",
            ExitCode.BAD_INPUT,
        ) from None
    except OSError as exc:
        raise write_error(what, directory, exc) from None


def _link_target(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "it names"


def check_writable(path: Path, what: str) -> None:
    """Fail now, before any side effect, if `path` cannot be written atomically later."""
    _refuse_link(path, what)
    prepare_directory(path.parent, what)


def _mode(path: Path) -> int:
    """The permissions of the file being replaced, or rw-r--r-- for a new one (not mkstemp's rw-------)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o644


@contextmanager
def atomic_open(path: Path, what: str, mode: int | None = None) -> Iterator[IO[str]]:
    """A text handle whose content replaces `path` when the block ends without an error."""
    with _replacing(path, what, mode, binary=False) as handle:
        yield handle


def atomic_write_bytes(path: Path, data: bytes, what: str, mode: int | None = None) -> None:
    """Replace `path` with `data`, atomically."""
    with _replacing(path, what, mode, binary=True) as handle:
        handle.write(data)


@contextmanager
def _replacing(path: Path, what: str, mode: int | None, binary: bool) -> Iterator[IO[Any]]:
    _refuse_link(path, what)
    # a killed run's leftovers of this file, which a job committing the directory would keep
    remove_leftover_writes(path, LEFTOVER_SECONDS)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise write_error(what, path, exc) from None
    temporary = Path(name)
    try:
        opened = (
            os.fdopen(descriptor, "wb")
            if binary
            else os.fdopen(descriptor, "w", encoding="utf-8", errors="surrogatepass")
        )
        with opened as handle:
            os.fchmod(handle.fileno(), _mode(path) if mode is None else mode)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _refuse_link(path, what)  # planted while we wrote: still never replaced through
        os.replace(temporary, path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(what, path, exc) from None
        raise
    _fsync_directory(path.parent)


def remove_leftover_writes(path: Path, older_than: float = 0.0, names: str | None = None) -> int:
    """Remove the temporary files that writes of `path` left when their process was killed before the rename
    (`.NAME.XXXXXXXX.tmp`, as `_replacing` names them), or of the files in its directory whose names match the
    glob `names` (worklogs of other windows). Only those last modified `older_than` seconds ago or earlier: a
    younger one may be a write of another run under way (0: the caller holds `path`'s lock, so none is). How
    many were removed; one that cannot be removed is left, as it was."""
    pattern = glob.escape(path.name) if names is None else names
    removed = 0
    try:
        candidates = list(path.parent.glob(f".{pattern}.*.tmp"))
    except OSError:
        return 0
    now = time.time()
    for leftover in candidates:
        stem, _, letters = leftover.name[: -len(".tmp")].rpartition(".")
        if len(letters) != _TEMPORARY_LETTERS or (names is None and stem != f".{path.name}"):
            continue  # of another file (`.r.json.gz.XXXXXXXX.tmp` beside `r.json`), or not mkstemp's
        try:
            info = leftover.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < older_than:
            continue
        try:
            leftover.unlink()
        except OSError:
            continue
        removed += 1
    return removed


LEFTOVER_SECONDS = 600.0
"""A temporary file of a write this old was left by a run killed before its rename (SIGKILL, out of memory, a
machine gone): a write under way takes seconds."""


_TEMPORARY_LETTERS = 8
"""How many random letters `tempfile.mkstemp` puts in a name."""

_T = TypeVar("_T")

STDOUT = Path("-")
"""An output path meaning standard output, as `-` does for every command-line tool."""


def discard_stream(stream: object) -> None:
    """Point the file descriptor under `stream` (standard output or error) at /dev/null: its reader went away
    or it cannot be written, so what is still written to it, and the flush at exit, go nowhere instead of
    failing again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, cast(IO[str], stream).fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):  # not a file descriptor (a test's buffer)
        pass


def standard_output_error(exc: OSError) -> GardenerError:
    """The one line for standard output that cannot be written (full, an I/O error)."""
    return GardenerError(f"cannot write to standard output: {write_reason(exc)}", ExitCode.BAD_INPUT)


def _write_whole(stream: IO[str], text: str) -> int:
    """Write all of `text` to `stream`. A text stream writes a long text to its binary buffer in one call, and
    a pipe whose reader leaves during it takes part of it: the buffer answers with the part it wrote and the
    text stream drops the rest without an error. Here the rest is written again, so that the closed pipe is
    met (BrokenPipeError)."""
    binary = getattr(stream, "buffer", None)
    if not isinstance(binary, (io.BufferedIOBase, io.RawIOBase)):  # a test's text buffer
        return stream.write(text)
    stream.flush()
    encoding = getattr(stream, "encoding", None) or "utf-8"
    data = memoryview(text.encode(encoding, getattr(stream, "errors", None) or "strict"))
    while data:
        written = binary.write(data)  # None: a non-blocking descriptor that takes nothing now
        if written is None:
            select.select([], [binary], [])
            continue
        data = data[written:]
    return len(text)


class StandardOutput(io.TextIOBase):
    """Standard output as it is at each call (tests swap it), where a failed write is one line (exit code 2)
    rather than an internal error. When standard output is closed (`>&-`), or its reader went away (`| head`
    read what it wanted), what is written to it is dropped: the command finishes and exits with its own code,
    not click's exit code 1 (which the README gives to `--fail-on`) nor an internal error. `reader_gone` tells
    that it went away, for an output (`--report-json -`) that must then count as not written."""

    reader_gone = False

    def write(self, text: str) -> int:
        return self._on_stdout(lambda stream: _write_whole(stream, text), len(text))

    def flush(self) -> None:
        self._on_stdout(lambda stream: stream.flush(), None)

    def _on_stdout(self, action: Callable[[IO[str]], _T], closed: _T) -> _T:
        """`action` on standard output as it is now; `closed` when there is none."""
        stream = sys.stdout
        if stream is None:
            return closed
        try:
            return action(stream)
        except BrokenPipeError:
            discard_stream(stream)
            self.reader_gone = True
            return closed
        except OSError as exc:
            discard_stream(stream)
            raise standard_output_error(exc) from None

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return sys.stdout is not None and sys.stdout.isatty()

    def fileno(self) -> int:
        if sys.stdout is None:
            raise io.UnsupportedOperation("standard output is closed")
        return sys.stdout.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only: standard output's own
        return getattr(sys.stdout, "encoding", None) or "utf-8"


STANDARD_OUTPUT = cast("IO[str]", StandardOutput())


def holds_any_character(encoding: str | None) -> bool:
    """Whether text in `encoding` can hold every character (UTF-8, UTF-16…), not only some (ASCII, cp1252)."""
    try:
        "\U0001f534\u2014".encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def standard_output(option: str) -> IO[str]:
    """Standard output, for `option -`; closed (`>&-`, a service without one) is one line, not a lost output."""
    if sys.stdout is None:
        raise GardenerError(
            f"{option} - writes to standard output, which is closed: give a file path", ExitCode.BAD_INPUT
        )
    return STANDARD_OUTPUT


@contextmanager
def output_open(path: Path, what: str) -> Iterator[IO[str]]:
    """Standard output for `-`, else `atomic_open(path)`, gzip-compressed when the name ends in `.gz` (as the
    name says, so that zcat and gunzip read it)."""
    if path == STDOUT:
        option = "--report-json" if what == "report" else f"--{what}"
        stream = standard_output(option)
        cast(StandardOutput, stream).reader_gone = False  # of this output, not of an earlier command's
        try:
            yield stream
            stream.flush()
        except OSError as exc:
            raise write_error(what, path, exc) from None
        if cast(StandardOutput, stream).reader_gone:
            raise GardenerError(
                f"cannot write the {what} to standard output: its reader went away (the pipe was closed) "
                f"before the last of it was written; read all of it, or give {option} a file path",
                ExitCode.BAD_INPUT,
            )
        return
    with atomic_open(path, what) as handle:
        if path.suffix != ".gz":
            yield handle
            return
        with gzip.GzipFile(fileobj=cast(io.TextIOWrapper, handle).buffer, mode="wb", mtime=0) as packed:
            text = io.TextIOWrapper(packed, encoding="utf-8", errors="surrogatepass")
            yield text
            text.flush()
            text.detach()  # the gzip stream ends when `packed` closes; the file is atomic_open's


def output_write(path: Path, text: str, what: str) -> None:
    """Replace output `path` with `text`, atomically (gzip-compressed for a `.gz` name)."""
    with output_open(path, what) as handle:
        handle.write(text)


def atomic_write(path: Path, text: str, what: str, mode: int | None = None) -> None:
    """Replace `path` with `text`, atomically."""
    with atomic_open(path, what, mode) as handle:
        handle.write(text)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows opening a directory."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
