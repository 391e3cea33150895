"""Read a Cloud Logging export: the JSON array `gcloud logging read --format=json` prints, or NDJSON.

Either may be gzip-compressed; `-` reads standard input. Both are streamed, never loaded whole.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from loggardener.errors import ExitCode, GardenerError
from loggardener.sources.interface import EntrySource, RawRecord, SourceStats

_GZIP_MAGIC = b"\x1f\x8b"
# A compressed stream that stops early or holds garbage: what was read before it still counts.
_BROKEN_STREAM = (EOFError, gzip.BadGzipFile, zlib.error)


class FileSource(EntrySource):
    """Entries from an export file or standard input."""

    def __init__(self, path: str | Path, stdin: IO[bytes] | None = None) -> None:
        self.path = str(path)
        self._stdin = stdin
        self.stats = SourceStats(description="standard input" if self.path == "-" else self.path)

    def _open(self) -> io.BufferedReader:
        if self.path == "-":
            raw: IO[bytes] = self._stdin or sys.stdin.buffer
        else:
            try:
                raw = open(self.path, "rb")  # noqa: SIM115 - closed by records()
            except FileNotFoundError:
                raise GardenerError(f"{self.path}: no such file", ExitCode.BAD_INPUT) from None
            except IsADirectoryError:
                raise GardenerError(
                    f"{self.path} is a directory, not an export file", ExitCode.BAD_INPUT
                ) from None
            except OSError as exc:
                raise GardenerError(f"cannot read {self.path}: {exc.strerror}", ExitCode.BAD_INPUT) from None
        buffered: io.BufferedReader = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
        if buffered.peek(2)[:2] == _GZIP_MAGIC:
            return io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"))
        return buffered

    def records(self) -> Iterator[RawRecord]:
        stream = self._open()
        try:
            first = _first_significant_byte(stream, self.path)
            if first is None:
                raise GardenerError(
                    f"{self.stats.description} is empty: expected a JSON array (an export of nothing is [])"
                    " or NDJSON; did the command feeding it fail?",
                    ExitCode.BAD_INPUT,
                )
            if first == b"[":
                yield from _array_records(stream, self.path)
            elif first == b"{":
                yield from _ndjson_records(stream, self.path)
            else:
                raise GardenerError(
                    f"{self.path} is not a Cloud Logging export: expected a JSON array "
                    "(gcloud logging read --format=json) or NDJSON, one LogEntry per line",
                    ExitCode.BAD_INPUT,
                )
        finally:
            if self.path != "-":
                stream.close()


def _first_significant_byte(stream: io.BufferedReader, path: str) -> bytes | None:
    """Peek (without consuming) at the first non-blank byte; None for an empty input."""
    try:
        window = stream.peek(65536)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None
    stripped = window.lstrip(b" \t\r\n\xef\xbb\xbf")
    if not stripped:
        return None
    return stripped[:1]


def _array_records(stream: IO[bytes], path: str) -> Iterator[RawRecord]:
    """Items of a JSON array; a record's position is its 1-based index, and its error text says "entry N"."""
    position = 0
    try:
        for item in ijson.items(stream, "item", use_float=True):
            position += 1
            yield _record(position, item, "entry")
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        reason = " ".join(str(exc).split())
        yield RawRecord(
            position + 1,
            None,
            f"entry {position + 1}: invalid JSON after entry {position}, rest unreadable: {reason}",
        )
    except _BROKEN_STREAM as exc:
        yield RawRecord(position + 1, None, f"entry {position + 1}: input ends early: {_reason(exc)}")
    except OSError as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None


def _ndjson_records(stream: IO[bytes], path: str) -> Iterator[RawRecord]:
    """One LogEntry per line; a record's position is its line number, and its error text says "line N".

    A byte that is not UTF-8 becomes U+FFFD rather than costing the whole entry.
    """
    line_number = 0
    try:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line.decode("utf-8", errors="replace"))
            except json.JSONDecodeError as exc:
                yield RawRecord(line_number, None, f"line {line_number}: invalid JSON: {exc}")
                continue
            yield _record(line_number, item, "line")
    except _BROKEN_STREAM as exc:
        yield RawRecord(line_number + 1, None, f"line {line_number + 1}: input ends early: {_reason(exc)}")
    except OSError as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None


def _reason(exc: BaseException) -> str:
    """Why a compressed stream broke off, in one line."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return detail if isinstance(exc, EOFError) else f"corrupt compressed data: {detail}"


def _record(position: int, item: Any, unit: str) -> RawRecord:
    if not isinstance(item, dict):
        return RawRecord(
            position, None, f"{unit} {position}: expected a LogEntry object, found {type(item).__name__}"
        )
    return RawRecord(position, item, unit=unit)
