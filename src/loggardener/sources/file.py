"""Read a Cloud Logging export: the JSON array `gcloud logging read --format=json` prints, or NDJSON.

Either may be gzip-compressed; `-` reads standard input. Both are streamed, never loaded whole.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from loggardener.errors import ExitCode, GardenerError
from loggardener.sources.interface import EntrySource, RawRecord, SourceStats

_GZIP_MAGIC = b"\x1f\x8b"


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
                yield from _ndjson_records(stream)
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
    position = 0
    try:
        for item in ijson.items(stream, "item", use_float=True):
            position += 1
            yield _record(position, item)
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        reason = " ".join(str(exc).split())
        yield RawRecord(position + 1, None, f"invalid JSON after entry {position}, rest unreadable: {reason}")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None


def _ndjson_records(stream: IO[bytes]) -> Iterator[RawRecord]:
    for line_number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield RawRecord(line_number, None, f"invalid JSON: {exc}")
            continue
        yield _record(line_number, item)


def _record(position: int, item: Any) -> RawRecord:
    if not isinstance(item, dict):
        return RawRecord(position, None, f"expected a LogEntry object, found {type(item).__name__}")
    return RawRecord(position, item)
