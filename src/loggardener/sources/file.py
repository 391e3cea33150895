"""Read a Cloud Logging export: the JSON array `gcloud logging read --format=json` prints, or NDJSON.

Either may be gzip-compressed; `-` reads standard input. NDJSON is streamed line by line, and so is a JSON
array, except one of a few megabytes at most, which is decoded at once (`WHOLE_ARRAY_BYTES`). JSON values
one after another that are not one a line (`jq '.[]'` prints each entry over many lines), or entries.list
pages (`{"entries": [...]}`), are streamed value by value (`_document_records`). Pub/Sub messages a log sink
published (pulled or pushed, `sources.pubsub`) are read as the entries they carry.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import stat
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import orjson

from loggardener.errors import ExitCode, GardenerError, decode_reason, json_type, missing_path_hint
from loggardener.regexes import compile_regex
from loggardener.sources import pubsub
from loggardener.sources.interface import EntrySource, LineBatch, RawRecord, SourceStats, place

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Compressions given by mistake (an export is JSON or gzip): said by name, rather than "not an export". Gzip
# here is what gzip held: the input was compressed twice (`gzip -f` of a .gz, a server's Content-Encoding).
_OTHER_COMPRESSIONS = (
    (_GZIP_MAGIC, "gzip twice (zcat FILE | gunzip > FILE.json)"),
    (b"BZh", "bzip2 (bunzip2 -k)"),
    (b"\xfd7zXZ\x00", "xz (unxz -k)"),
    (_ZSTD_MAGIC, "zstd (zstd -d)"),
    (b"PK\x03\x04", "zip (unzip)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip (7z x)"),
    (b"\x04\x22\x4d\x18", "lz4 (lz4 -d)"),
)
# A skippable frame (metadata a zstd or lz4 writer may put first): magic 0x184D2A50 to 0x184D2A5F, little-endian.
_SKIPPABLE_FRAME = range(0x50, 0x60), b"\x2a\x4d\x18"
# A tar archive (a .tar, or a .tar.gz once gunzipped) says "ustar" in its first member's header.
_TAR_MAGIC_OFFSET, _TAR_MAGIC = 257, b"ustar"
# What `FileSource._read` yields: records, or (`FileSource.batches`) records and runs of undecoded lines.
_Item = TypeVar("_Item", RawRecord, RawRecord | LineBatch)
# A compressed stream that stops early or holds garbage: what was read before it still counts.
_BROKEN_STREAM = (EOFError, gzip.BadGzipFile, zlib.error)
ENDS_EARLY = "input ends early: "
"""What the malformed item a broken stream ends with says (a cut or corrupt compressed file): it tells why the
items before it may be garbled and those after it are missing, so it is always listed."""


class FileSource(EntrySource):
    """Entries from an export file or standard input."""

    def __init__(self, path: str | Path, stdin: IO[bytes] | None = None) -> None:
        self.path = str(path)
        self._stdin = stdin
        self.stats = SourceStats(description="standard input" if self.path == "-" else displayed(self.path))

    def _open(self) -> io.BufferedReader:
        if self.path == "-":
            raw: IO[bytes] = self._stdin or standard_input("an export (gcloud logging read … --format=json)")
        else:
            raw = open_binary(self.path, "an export file")  # closed by records()
        buffered: io.BufferedReader = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
        if _peek(buffered, self.stats.description)[:2] == _GZIP_MAGIC:
            return io.BufferedReader(_Gunzipped(buffered))
        return buffered

    def records(self) -> Iterator[RawRecord]:
        return self._read(lambda text: _ndjson_records(text, self.path))

    def batches(self, size: int) -> Iterator[RawRecord | LineBatch]:
        """`records`, except that NDJSON comes as runs of `size` undecoded lines (`decode_lines`)."""
        return self._read(lambda text: _ndjson_batches(text, self.path, size))

    def _read(self, ndjson: Callable[[IO[str]], Iterator[_Item]]) -> Iterator[_Item]:
        """The export's items; an NDJSON export's as `ndjson` reads them from its text."""
        stream = self._open()
        try:
            window = _peek(stream, self.path)
            encoding = detect_encoding(window)
            first = _first_significant_char(window, encoding)
            if first is None:
                raise GardenerError(
                    f"{self.stats.description} is empty: expected a JSON array (an export of nothing is [])"
                    " or NDJSON; did the command feeding it fail?",
                    ExitCode.BAD_INPUT,
                )
            if first not in ("[", "{"):
                refuse_other_compressions(
                    window, self.stats.description, "the export as JSON, NDJSON or gzip"
                )
            if looks_binary(window, encoding, first_line=True):  # read on, /dev/urandom would never end
                raise GardenerError(
                    f"{self.stats.description} is not a Cloud Logging export: its first bytes are mostly NUL, "
                    "control or undecodable bytes (a program, an image, a database, a device?); expected a JSON "
                    "array (gcloud logging read --format=json) or NDJSON, one LogEntry per line",
                    ExitCode.BAD_INPUT,
                )
            if first not in ("[", "{") and not _object_line_follows(window, encoding):
                raise GardenerError(
                    f"{self.stats.description} is not a Cloud Logging export: expected a JSON array "
                    "(gcloud logging read --format=json) or NDJSON, one LogEntry per line; a text log, one "
                    "message per line, is grouped by `gardener cluster`",
                    ExitCode.BAD_INPUT,
                )
            text = io.TextIOWrapper(stream, encoding=encoding, errors=COUNTED_REPLACE, newline=None)
            undecodable = undecodable_bytes()
            gunzipped = stream.raw if isinstance(stream.raw, _Gunzipped) else None
            try:
                if first == "[" and not _more_values_follow(window, encoding):
                    yield from _array_records(_Utf8(text, gunzipped), self.path)
                elif first == "[" or _values_not_lines(window, encoding):
                    holders = first == "[" or _starts_with_page(window, encoding)
                    yield from _document_records(_Utf8(text, gunzipped), self.path, holders)
                else:
                    yield from ndjson(text)
            finally:
                text.detach()  # the stream is closed below (standard input never)
                self.stats.notes.extend(
                    undecodable_note(undecodable_bytes() - undecodable, encoding, self.stats.description)
                )
        finally:
            if self.path != "-":
                stream.close()


class _Gunzipped(io.RawIOBase):
    """A gzip stream read one decompressed piece at a time, so that damage after the last whole member
    (garbage or zero padding after the data, a member cut off) costs nothing read before it: a buffered
    read of many pieces would drop the pieces it holds when a later one fails. The pieces are small while
    little is read (`_piece`), so that damage near the start of a file costs the few bytes of its piece, not
    the whole first read (a buffer's 8 KiB held every entry before it)."""

    def __init__(self, compressed: IO[bytes]) -> None:
        self._compressed = gzip._GzipReader(compressed)  # its `read(n)` decompresses at most n bytes
        self._delivered = 0
        self.hold_break = False
        """Whether a break (a cut or corrupt stream) reads as the end, kept in `broken` to be raised by the
        reader that asks (`_Utf8`): a text reader's `read(n)` drops the text it decoded in that call when a
        read under it fails, which costs every entry of a small array."""
        self.broken: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self.broken is None:
            try:
                data = self._compressed.read(min(len(view) - filled, _piece(self._delivered)))
            except _BROKEN_STREAM as exc:
                self.broken = exc  # what was decompressed before it is given first
                break
            if not data:
                break
            view[filled : filled + len(data)] = data
            filled += len(data)
            self._delivered += len(data)
        if filled or self.broken is None or self.hold_break:
            return filled
        raise self.broken

    def close(self) -> None:
        self._compressed.close()
        super().close()


def _piece(delivered: int) -> int:
    """How much to decompress at once after `delivered` bytes: 512 at first, an eighth of what was read as
    more is (up to the reader's buffer), so that what damage costs stays small beside what was read."""
    return max(512, delivered >> 3)


def displayed(path: str) -> str:
    """`path` as text every output can hold: a byte of its name that is not UTF-8 (which Python keeps as a
    lone surrogate) becomes U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def refuse_other_compressions(window: bytes, description: str, wanted: str) -> None:
    """One line naming the compression of an input compressed other than with gzip, or the tar archive
    holding it (given by mistake)."""
    for magic, tool in _OTHER_COMPRESSIONS:
        if window.startswith(magic) or (
            magic == _ZSTD_MAGIC
            and window[:1]
            and window[0] in _SKIPPABLE_FRAME[0]
            and window[1:4] == _SKIPPABLE_FRAME[1]
        ):
            raise GardenerError(
                f"{description} is compressed with {tool}: decompress it first, or give {wanted}",
                ExitCode.BAD_INPUT,
            )
    if window[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + len(_TAR_MAGIC)] == _TAR_MAGIC:
        raise GardenerError(
            f"{description} is a tar archive: extract its files first (tar -xf), then give {wanted}",
            ExitCode.BAD_INPUT,
        )


def undecodable_note(count: int, encoding: str, description: str) -> list[str]:
    """The note saying how many bytes of an input were not in its encoding (none when all were)."""
    if not count:
        return []
    name = encoding[:6].upper() if encoding.startswith(("utf-16", "utf-32")) else "UTF-8"
    return [
        f"{count} bytes of {description} are not {name} (a Windows-1252 or Latin-1 file?):"
        " each was read as \ufffd; save it as UTF-8 to keep those characters"
    ]


# The `replace` error handler, counting what it replaces (see `undecodable_bytes`).
COUNTED_REPLACE = "loggardener-counted-replace"
_DECODING = threading.local()


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    """The `replace` error handler, counting the bytes it replaces (per thread)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _DECODING.bytes = undecodable_bytes() + exc.end - exc.start
    return "\ufffd", exc.end


def undecodable_bytes() -> int:
    """How many bytes this thread's decoding has replaced so far."""
    count: int = getattr(_DECODING, "bytes", 0)
    return count


codecs.register_error(COUNTED_REPLACE, _count_and_replace)


def standard_input(what: str) -> IO[bytes]:
    """Standard input as bytes. Closed (`<&-`, a service without one) is one line; a terminal gets a hint,
    on standard error, that it is read until Ctrl-D, so that a forgotten pipe does not look like a hang."""
    stream = sys.stdin
    if stream is None:
        raise GardenerError(
            f"'-' reads standard input, which is closed: pipe {what} into it, or give a file",
            ExitCode.BAD_INPUT,
        )
    if stream.isatty():
        sys.stderr.write(f"Reading {what} from the terminal until Ctrl-D (pipe it in, or give a file)\n")
        sys.stderr.flush()
    return stream.buffer


def open_binary(path: str, kind: str) -> io.BufferedReader:
    """`path` opened for reading; a missing file, a directory or a file that cannot be read is one line
    (`kind` says what the file should have been: `an export file`)."""
    if not path:
        raise GardenerError(
            f"no file named: the path of {kind} is empty (is the variable that gives it set?)",
            ExitCode.BAD_INPUT,
        )
    try:
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise GardenerError(f"{path}: no such file{missing_path_hint(path)}", ExitCode.BAD_INPUT) from None
    except IsADirectoryError:
        raise GardenerError(f"{path} is a directory, not {kind}", ExitCode.BAD_INPUT) from None
    except OSError as exc:
        special = _special_file(path)
        if special is not None:  # open() refuses it (ENXIO, ENODEV) in words that do not say what it is
            raise GardenerError(
                f"{path} is {special}, not {kind}: give a file, or pipe the data into '-'", ExitCode.BAD_INPUT
            ) from None
        raise GardenerError(f"cannot read {path}: {exc.strerror}", ExitCode.BAD_INPUT) from None


def _special_file(path: str) -> str | None:
    """What `path` is when it is a socket or a device, which open() may refuse as `No such device or address`;
    None for any other file, or one that cannot be looked at."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return None


def _peek(stream: io.BufferedReader, path: str) -> bytes:
    """The first bytes of the input, without consuming them; a device or stream that cannot be read (EIO)
    or a gzip header that is not one is one line."""
    try:
        return stream.peek(65536)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError without strerror
        if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
            reason = f"it starts as gzip does, but its compressed data is corrupt ({exc}); is the file whole?"
        elif isinstance(exc, EOFError):
            reason = "it starts as gzip does, but ends before its first data: copy or download it whole again"
        else:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise GardenerError(f"cannot read {path}: {reason}", ExitCode.BAD_INPUT) from None


def detect_encoding(window: bytes) -> str:
    """UTF-32 or UTF-16 (with its byte-order mark, or recognised by the zero bytes of ASCII text) or UTF-8
    (BOM or not).

    PowerShell's `>` writes UTF-16 with a BOM (`Out-File -Encoding utf32`, UTF-32); Windows tools write UTF-8
    with one. UTF-32's marks are checked first: little-endian's starts with UTF-16's.
    """
    if window[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        return "utf-32"
    if len(window) >= 4 and window[1:4] == b"\0\0\0" and window[0] != 0:
        return "utf-32-le"
    if len(window) >= 4 and window[:3] == b"\0\0\0" and window[3] != 0:
        return "utf-32-be"
    if window[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(window) >= 4 and window[1] == 0 and window[3] == 0 and window[0] != 0:
        return "utf-16-le"
    if len(window) >= 4 and window[0] == 0 and window[2] == 0 and window[1] != 0:
        return "utf-16-be"
    return "utf-8-sig"


def _object_line_follows(window: bytes, encoding: str) -> bool:
    """Whether a line of the input's first bytes starts a JSON object: NDJSON whose first lines are something
    else (a stray `null`, a number, a line of text a script printed), which are counted malformed, line by
    line, rather than costing the whole input."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(window)
    return any(line.lstrip(" \t\ufeff").startswith("{") for line in text.splitlines()[1:])


_BINARY_SAMPLE = 8192
# what no text holds much of: NUL and the other C0 controls but tab, line ends and ESC (of ANSI colours), DEL,
# and U+FFFD, what a byte that is not of the encoding decodes as
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")


def looks_binary(window: bytes, encoding: str, first_line: bool = False) -> bool:
    """Whether an input's first bytes (`first_line`: its first line's) are those of a binary file (a program,
    an image, a database, a device such as /dev/urandom that never ends) rather than of text in `encoding`: a
    Windows-1252 text decodes with a few U+FFFD (its accents), a binary file with NUL, control and undecodable
    bytes through a third of it or more. NULs first are skipped: a file truncated under a writer that kept its
    offset (`copytruncate`) has its text after them; nothing but NULs is no text. (An export's first line is
    enough, and the only fair sample: a file of another encoding appended after a few entries is no binary.)"""
    decoded = codecs.getincrementaldecoder(encoding)(errors="replace").decode(window[:_BINARY_SAMPLE])
    sample = decoded.lstrip("\x00") or decoded
    if first_line:
        sample = sample.lstrip("\r\n").partition("\n")[0] or sample
    return len(_NOT_TEXT.findall(sample)) * 3 > len(sample) > 0


def _first_significant_char(window: bytes, encoding: str) -> str | None:
    """The first non-blank character of the input (decoded from its first bytes); None for an empty input."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    stripped = decoder.decode(window).lstrip(" \t\r\n\ufeff")
    return stripped[:1] or None


class _Utf8(io.RawIOBase):
    """A text stream as UTF-8 bytes again, for ijson.

    Decoding first (U+FFFD for a byte that is not UTF-8, and any encoding `detect_encoding` recognised) means one
    bad byte costs one character, not the rest of the array. A lone surrogate escape (backslash, u, D800),
    which ijson cannot decode and which would end the array, is rewritten to the U+FFFD escape on the way.
    """

    def __init__(self, text: IO[str], gunzipped: _Gunzipped | None = None) -> None:
        self._text = text
        self._gunzipped = gunzipped
        if gunzipped is not None:  # its break is raised here, after the text before it
            gunzipped.hold_break = True
        self._carry = ""
        self._pending = b""
        self._nesting = _Nesting()
        self._too_deep = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending:
            if self._too_deep:
                raise NestedTooDeep
            chunk = self._text.read(16384)
            broken = None if self._gunzipped is None else self._gunzipped.broken
            if broken is not None and chunk.endswith("\ufffd"):  # the bytes of a character the break cut
                chunk = chunk[:-1]
            if not chunk and not self._carry:
                if broken is not None:
                    raise broken
                return 0
            ready, self._carry = _without_lone_surrogates(self._carry + chunk, final=not chunk)
            pending = ready.encode("utf-8")
            cut = self._nesting.feed(pending)
            if cut is not None:  # what comes before the cut is still read (the entries before it)
                pending, self._too_deep = pending[:cut], True
            self._pending = pending
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


STREAM_DEPTH_LIMIT = 1000
"""Deepest nesting a streamed JSON array may reach: ijson keeps a path per level whose length grows with the
level (memory grows with the square of the depth: 20,000 opening brackets took a gigabyte), so reading
stops there, as at any other damage. Items nested deeper than MAX_DEPTH but not this deep cost only themselves."""


class NestedTooDeep(Exception):
    """The JSON text nests deeper than STREAM_DEPTH_LIMIT."""


class _Nesting:
    """How deep the JSON text read so far nests (brackets outside strings), chunk by chunk, read as UTF-8 (no byte
    of a character past ASCII is a quote, a bracket or a backslash, so the structure is the text's).

    A chunk never ends inside an escape (`_without_lone_surrogates` cuts between escapes). Counting is done
    with bytes methods on the chunk's skeleton (its quotes and brackets); only a chunk that might pass the limit
    is walked byte by byte.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False

    def feed(self, data: bytes) -> int | None:
        """Follow `data`; the offset in it where the nesting passes STREAM_DEPTH_LIMIT, if it does."""
        plain = data.replace(b"\\\\", b"").replace(b'\\"', b"") if b"\\" in data else data
        # Two quotes side by side in the skeleton close a string and open the next, or open and close a string
        # without brackets: either way nothing between them counts, and the quotes after keep their parity.
        skeleton = plain.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
        parts = skeleton.split(b'"')
        outside = b"".join(parts[1::2] if self.in_string else parts[0::2])
        opening = outside.count(b"[") + outside.count(b"{")
        if self.depth + opening > STREAM_DEPTH_LIMIT:
            return self._walk(data)
        self.depth += opening - outside.count(b"]") - outside.count(b"}")
        self.in_string ^= len(parts) % 2 == 0
        return None

    def _walk(self, data: bytes) -> int | None:
        depth, in_string, escaped = self.depth, self.in_string, False
        for offset, byte in enumerate(data):
            if in_string:
                if escaped:
                    escaped = False
                elif byte == _BACKSLASH:
                    escaped = True
                elif byte == _QUOTE:
                    in_string = False
            elif byte == _QUOTE:
                in_string = True
            elif byte in _OPENING:
                depth += 1
                if depth > STREAM_DEPTH_LIMIT:
                    return offset
            elif byte in _CLOSING:
                depth -= 1
        self.depth, self.in_string = depth, in_string
        return None


_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPENING, _CLOSING = b"[{", b"]}"
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'"[]{}')
"""The bytes `_Nesting` drops from a chunk (escapes removed first): all but quotes and brackets."""


# A JSON escape: a surrogate pair, a lone high or low surrogate, or any other escaped character.
_ESCAPE = compile_regex(
    r"\\(?:(u[dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?|(u[dD][c-fC-F][0-9a-fA-F]{2})|.)",
    re.DOTALL,
)
_MAYBE_SURROGATE = compile_regex(r"\\u[dD]")
_LONGEST_ESCAPE = 12  # a surrogate pair, \ud83d\ude00


def _without_lone_surrogates(data: str, final: bool) -> tuple[str, str]:
    """(`data` up to a safe cut with lone surrogate escapes replaced, the rest to prepend to the next chunk).

    The rest never starts inside an escape, so the next call scans from an escape boundary.
    """
    limit = len(data) if final else len(data) - _LONGEST_ESCAPE
    if not _MAYBE_SURROGATE.search(data):
        safe = max(limit, 0)
        while 0 < safe < len(data) and data[safe - 1] == "\\":
            safe -= 1
        return data[:safe], data[safe:]
    pieces: list[str] = []
    done = 0
    cut: int | None = None
    for match in _ESCAPE.finditer(data):
        if match.start() >= limit:
            cut = match.start()
            break
        lone = (match.group(1) is not None and match.group(2) is None) or match.group(3) is not None
        if lone:
            pieces.append(data[done : match.start()])
            pieces.append("\\ufffd")
            done = match.end()
        limit = max(limit, match.end())
    if cut is None:
        cut = max(limit, done, 0)
    pieces.append(data[done:cut])
    return "".join(pieces), data[cut:]


WHOLE_ARRAY_BYTES = 4 * 1024 * 1024
"""A JSON array up to this size (as UTF-8) is decoded at once by orjson; a larger one is streamed by ijson."""


def _array_records(
    stream: io.RawIOBase, path: str, whole_limit: int = WHOLE_ARRAY_BYTES
) -> Iterator[RawRecord]:
    """Items of a JSON array; a record's position is its 1-based index, and its error text says "entry N".

    An array of at most `whole_limit` bytes is decoded at once (`_whole_array`), many times faster, and
    reads every number as a line of NDJSON does; anything else (larger, damaged or cut short) is streamed
    by ijson, which keeps the entries before the damage (and counts as damage a number past 64 bits, NaN
    or Infinity: yajl reads none of them).
    """
    head, broken = _read_head(stream, whole_limit + 1)
    whole = broken is None and len(head) <= whole_limit
    items = _whole_array(head) if whole else None
    if items is not None:
        for position, item in enumerate(items, start=1):
            yield _record(position, item, "entry", clean=not _shallow(item))
        return
    if whole and _more_values_follow(head, "utf-8"):
        yield from _document_records(_Resumed(head, broken, stream), path, holders=True)
        return
    yield from _streamed_array_records(_Resumed(head, broken, stream), path)


def _read_head(stream: io.RawIOBase, size: int) -> tuple[bytes, BaseException | None]:
    """Up to `size` bytes from the start of `stream`, and the error that cut the reading short, if any."""
    chunks: list[bytes] = []
    held = 0
    try:
        while held < size:
            chunk = stream.read(min(size - held, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            held += len(chunk)
    except (*_BROKEN_STREAM, NestedTooDeep, OSError) as exc:
        return b"".join(chunks), exc
    return b"".join(chunks), None


def _whole_array(data: bytes) -> list[Any] | None:
    """The items of a JSON array document, decoded as a line of NDJSON is (`_decode`: orjson, else the
    standard library, which also reads an integer past 64 bits, NaN and Infinity, where ijson would give up
    the rest of the array); None when ijson must read it (it is not one well-formed array)."""
    try:
        value = _decode(data.decode("utf-8"))[0]
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, list) else None


def _shallow(item: Any) -> bool:
    """True when an item cannot nest deeper than MAX_DEPTH (its text has no more brackets than that); its
    strings hold no lone surrogate, as `_Utf8` replaced them before decoding."""
    try:
        text = orjson.dumps(item)
    except (TypeError, orjson.JSONEncodeError):
        return False
    return text.count(b"{") + text.count(b"[") <= MAX_DEPTH


class _Resumed(io.RawIOBase):
    """The bytes `_read_head` took, then the rest of the stream (or the error that had stopped the reading)."""

    def __init__(self, head: bytes, broken: BaseException | None, rest: io.RawIOBase) -> None:
        self._head = memoryview(head)
        self._broken = broken
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        if self._broken is not None:
            raise self._broken
        return self._rest.readinto(view)


def _more_values_follow(window: bytes, encoding: str) -> bool:
    """Whether an input starting with `[` holds that whole array in `window` and then another JSON value:
    exports appended to one file (`cat a.json b.json`), or an array of entries on the first line of NDJSON.
    Such an input is read as values one after another, so what follows the first array is read too."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(window).lstrip(" \t\r\n\ufeff")
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):  # longer than the window, or damaged: read as one array
        return False
    return text[end:].lstrip(" \t\r\n")[:1] in ("[", "{")


_PAGE_FIELDS = ("entries", "receivedMessages")
"""The list field of an answer that holds many entries: entries.list's page, Pub/Sub's pull answer (its
received messages, each carrying one: `sources.pubsub`)."""
_PAGE_START = compile_regex(r'\{\s*"(?:' + "|".join(_PAGE_FIELDS) + r')"\s*:\s*\[')


def _values_not_lines(window: bytes, encoding: str) -> bool:
    """Whether an input starting with `{` is JSON values that are not one a line: its first value spans
    lines (a pretty-printed entry, as `jq` prints), or is an entries.list page (an API answer saved)."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(window).lstrip(" \t\r\n\ufeff")
    if text.split("\n", 1)[0].strip() == "{" or _PAGE_START.match(text):  # a page is often past the window
        return True
    try:
        value, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):  # cut off by the window, or damaged: read line by line
        return False
    return "\n" in text[:end] or _page_items(value) is not None


def _starts_with_page(window: bytes, encoding: str) -> bool:
    """Whether an input starting with `{` starts with an entries.list answer (`{"entries": [`)."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(window).lstrip(" \t\r\n\ufeff")
    return _PAGE_START.match(text) is not None


def _page_items(value: Any) -> list[Any] | None:
    """The items of an answer that holds many entries (`_PAGE_FIELDS`: `{"entries": [...], "nextPageToken":
    ...}`), None for a LogEntry (which has none of those fields)."""
    if type(value) is dict:
        for name in _PAGE_FIELDS:
            items = value.get(name)
            if isinstance(items, list):
                return items
    return None


def _document_records(stream: io.RawIOBase, path: str, holders: bool) -> Iterator[RawRecord]:
    """Entries of JSON values one after another, however they are laid out: each value an entry, an
    entries.list page, or an array of entries; a record's position is its entry number. With `holders` (the
    input starts with an array or a page: values that hold many entries) each entry is read as it closes, so
    that one cut short keeps the entries before the cut; else (entries one after another, as `jq '.[]'` prints
    them, where a cut costs the last one only) value by value, faster."""
    import ijson  # here, as in the other streamed readings: an export of lines or a short array never needs it

    def entries() -> Iterator[Any]:
        for value in ijson.items(stream, "", multiple_values=True, use_float=True):
            items = _page_items(value)
            if items is not None:
                yield from items
            elif isinstance(value, list):
                yield from value
            else:
                yield value

    yield from _streamed_records(_held_entries(stream) if holders else entries(), path)


def _held_entries(stream: io.RawIOBase) -> Iterator[Any]:
    """The entries `_document_records` reads with `holders`: a value that is no page or array as it is, and
    the items of a page's `entries` or of an array one by one, each as it closes."""
    import ijson
    from ijson.common import ObjectBuilder

    built: ObjectBuilder | None = None  # a value at the top, or an item
    items_at: str | None = None  # "item" inside an array at the top, "entries.item" inside a page
    for prefix, event, value in ijson.parse(stream, multiple_values=True, use_float=True):
        if items_at is not None and prefix.startswith(items_at):
            if prefix == items_at and built is None:  # an item begins
                if event in ("start_map", "start_array"):
                    built = ObjectBuilder()
                    built.event(event, value)
                else:
                    yield value
            elif built is not None:
                built.event(event, value)
                if prefix == items_at and event in ("end_map", "end_array"):
                    yield built.value
                    built = None
        elif prefix == "":  # a value at the top: its start, end, keys, or a scalar
            if event == "start_array":
                items_at = "item"
            elif event == "end_array":
                items_at = None
            elif event == "start_map":
                built = ObjectBuilder()
                built.event(event, value)
            elif event == "map_key":
                if built is not None:  # None after a page's entries: its other fields are not read
                    built.event(event, value)
            elif event == "end_map":
                if built is not None:
                    built.event(event, value)
                    yield built.value
                built = None
            else:
                yield value
        elif prefix in _PAGE_FIELDS and event == "start_array" and built is not None:  # a page: its entries
            built, items_at = None, f"{prefix}.item"
        elif prefix in _PAGE_FIELDS and event == "end_array" and items_at == f"{prefix}.item":
            items_at = None
        elif built is not None:
            built.event(event, value)


def _streamed_array_records(stream: io.RawIOBase, path: str) -> Iterator[RawRecord]:
    import ijson

    def items() -> Iterator[Any]:
        # made inside `_streamed_records`' reading: yajl's C backend reads its first buffer (64 kB) when the
        # generator is made, so a small compressed array cut short or corrupt breaks there
        yield from ijson.items(stream, "item", use_float=True)

    yield from _streamed_records(items(), path)


def _streamed_records(items: Iterator[Any], path: str) -> Iterator[RawRecord]:
    """Records of the items ijson decodes from `path`; damage ends the reading with one malformed record."""
    import ijson

    position = 0
    try:
        for item in items:
            position += 1
            yield _record(position, item, "entry")
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        reason = " ".join(str(exc).split())
        if (
            "premature EOF" in reason or "Incomplete JSON content" in reason
        ):  # yajl's words, or the Python backend's
            yield RawRecord(
                position + 1,
                None,
                f"entry {position + 1}: the file ends in the middle of this entry"
                + (f", after entry {position}" if position else "")
                + " (it was cut short: a download, a copy or a disk that ran out?)",
            )
            return
        # only after an array (values are read one after another): `gcloud logging read … >> export.json`, twice
        if "trailing garbage" in reason:
            reason = (
                "more text follows the end of the array (exports appended to one file? scan each file, or "
                f"append NDJSON instead, one entry per line): {reason}"
            )
        yield RawRecord(
            position + 1,
            None,
            f"entry {position + 1}: invalid JSON after entry {position}, rest unreadable: {reason}",
        )
    except NestedTooDeep:
        yield RawRecord(
            position + 1,
            None,
            f"entry {position + 1}: JSON nested deeper than {STREAM_DEPTH_LIMIT} levels, rest unreadable",
        )
    except _BROKEN_STREAM as exc:
        yield RawRecord(position + 1, None, f"entry {position + 1}: {ENDS_EARLY}{_reason(exc)}")
    except OSError as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None


def _ndjson_records(stream: IO[str], path: str) -> Iterator[RawRecord]:
    """One LogEntry per line; a record's position is its line number, and its error text says "line N".

    A byte that is not UTF-8 becomes U+FFFD rather than costing the whole entry.
    """
    line_number = 0
    try:
        numbered = enumerate(stream, start=1)
        for line_number, line in numbered:
            if not line or line.isspace():  # (`line.strip()` would copy every line)
                continue
            if len(line) < _OPENER_LENGTH and line.strip() in _OPENERS:
                joined, lines, broken = _pretty_value(line, (text for _, text in numbered))
                for offset, text in enumerate([joined] if joined is not None else [line, *lines]):
                    if text and not text.isspace():
                        record = _line_record(line_number + offset, text)
                        yield from record if isinstance(record, list) else (record,)
                line_number += len(lines)
                if broken is not None:
                    raise broken
                continue
            record = _line_record(line_number, line)
            if isinstance(record, list):
                yield from record
            else:
                yield record
    except _BROKEN_STREAM as exc:
        yield _ended_early(line_number + 1, exc)
    except OSError as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None


_OPENERS = ("[", "{")
_OPENER_LENGTH = 5
"""Longer than a line holding `[` or `{` alone (with its indentation and line end); shorter than any entry."""
PRETTY_VALUE_CHARS = 4 * 1024 * 1024
"""The most of a JSON value printed over several lines inside NDJSON that is gathered to be read whole."""


def _pretty_value(opener: str, rest: Iterator[str]) -> tuple[str | None, list[str], BaseException | None]:
    """A JSON value printed over several lines inside NDJSON (`jq .` or `json.dumps(indent=2)` output appended
    to an export), whose first line, `opener`, is `[` or `{` alone: the lines after it are read from `rest` up
    to the one that closes it at its indentation. Returns the value on one line when it is JSON (read at the
    opener's line, the lines it took left blank), else None; the lines read after the opener, which are then
    read one by one as before; and the error of a compressed stream that broke off meanwhile."""
    indent = opener[: len(opener) - len(opener.lstrip())]
    closer = indent + ("]" if opener.strip() == "[" else "}")
    lines: list[str] = []
    size = len(opener)
    try:
        for line in rest:
            lines.append(line)
            size += len(line)
            if line.rstrip() == closer:
                value = opener + "".join(lines)
                try:
                    _decode(value)
                except (ValueError, RecursionError):
                    return None, lines, None
                return value, [""] * len(lines), None
            if size > PRETTY_VALUE_CHARS:
                break
    except _BROKEN_STREAM as exc:
        return None, lines, exc
    return None, lines, None


def _ndjson_batches(stream: IO[str], path: str, size: int) -> Iterator[RawRecord | LineBatch]:
    """`_ndjson_records`' lines in runs of `size`, undecoded (`decode_lines` decodes them)."""
    line_number = 0
    lines: list[str] = []
    short = _OPENER_LENGTH  # (a local: this loop runs once per line of the export)
    try:
        numbered = enumerate(stream, start=1)
        for line_number, line in numbered:
            if len(line) < short and line.strip() in _OPENERS:
                joined, taken, broken = _pretty_value(line, (text for _, text in numbered))
                lines.append(line if joined is None else joined)
                lines.extend(taken)
                line_number += len(taken)
                if broken is not None:
                    raise broken
            else:
                lines.append(line)
            if len(lines) >= size:
                yield LineBatch(line_number - len(lines) + 1, lines)
                lines = []
    except _BROKEN_STREAM as exc:
        if lines:
            yield LineBatch(line_number - len(lines) + 1, lines)
        yield _ended_early(line_number + 1, exc)
        return
    except OSError as exc:
        raise GardenerError(f"cannot read {path}: {exc}", ExitCode.BAD_INPUT) from None
    if lines:
        yield LineBatch(line_number - len(lines) + 1, lines)


def decode_lines(batch: LineBatch) -> Iterator[RawRecord]:
    """The records of a run of NDJSON lines, as `FileSource.records` gives them."""
    for offset, line in enumerate(batch.lines):
        if line and not line.isspace():
            record = _line_record(batch.first + offset, line)
            if isinstance(record, list):
                yield from record
            else:
                yield record


def _line_record(line_number: int, line: str) -> RawRecord | list[RawRecord]:
    """The record of one NDJSON line (not blank); the records of the entries of a line that holds an array of
    them (an export pasted into NDJSON, `jq -c .` of a `gcloud` array), each at that line."""
    try:
        item, brackets = _decode(line)
    except ValueError as exc:  # JSONDecodeError, or an integer past Python's 4,300-digit limit
        if line.startswith(_RECORD_SEPARATOR) and len(line) > 1:  # RFC 7464 JSON text sequences (`jq --seq`)
            return _line_record(line_number, line[1:])
        if line.startswith(_BYTE_ORDER_MARK) and not line[1:].isspace():  # files saved with one, appended
            return _line_record(line_number, line[1:])
        if (
            isinstance(exc, json.JSONDecodeError)
            and exc.msg == "Extra data"
            and line.lstrip()[:1] in _OPENERS
        ):
            return _glued_records(line_number, line)
        return RawRecord(
            line_number, None, f"line {line_number}: {_cut_short(line, exc)}{decode_reason(exc)}"
        )
    except RecursionError:
        return RawRecord(line_number, None, f"line {line_number}: {_TOO_DEEP}")
    # a line with few brackets and no surrogate escape cannot need cleaning: skip the walk (a Pub/Sub message's
    # entry, decoded from its data, may)
    if (
        brackets <= MAX_DEPTH
        and "\\u" not in line
        and type(item) is dict
        and ("message" not in item or not pubsub.is_envelope(item))
    ):
        return RawRecord(line_number, item)
    if type(item) is list and any(type(entry) is dict for entry in item):
        return [_record(line_number, entry, "line") for entry in item]
    return _record(line_number, item, "line")


_DECODER = json.JSONDecoder()
_BETWEEN_VALUES = compile_regex(r"[\s,]*")
"""What may stand between entries given on one line: blanks, and the commas of an array's items."""


def _glued_records(line_number: int, line: str) -> list[RawRecord]:
    """The records of a line that holds several JSON values one after another, each at that line: files joined
    without a final newline (`cat` of Cloud Storage sink objects, `}{`), entries a loop printed with a space
    between them, or an array's items without its brackets (`{…},`). What follows the last value that decodes
    is one record saying why it is none."""
    records: list[RawRecord] = []
    position = 0
    end = len(line.rstrip())
    while position < end:
        try:
            if line[position] not in _OPENERS:  # text after the entries: one record, not a value per word
                raise json.JSONDecodeError("Extra data", line, position)
            item, position = _DECODER.raw_decode(line, position)
        except ValueError as exc:
            why = _cut_short(line, exc)
            records.append(RawRecord(line_number, None, f"line {line_number}: {why}{decode_reason(exc)}"))
            break
        except RecursionError:
            records.append(RawRecord(line_number, None, f"line {line_number}: {_TOO_DEEP}"))
            break
        if type(item) is list and any(type(entry) is dict for entry in item):
            records.extend(_record(line_number, entry, "line") for entry in item)
        else:
            records.append(_record(line_number, item, "line"))
        match = _BETWEEN_VALUES.match(line, position)
        position = match.end() if match else position
    return records


def _cut_short(line: str, exc: ValueError) -> str:
    """What a line whose JSON did not decode is, before the decoder's reason: an entry cut short when its JSON
    ends before it closes (the decoder ran out of text), said as the end of a file cut there (a download, a copy
    or a disk that ran out) when no line break follows; else invalid JSON."""
    if not isinstance(exc, json.JSONDecodeError):
        return "invalid JSON: "
    if exc.pos == 0:
        foreign = _appended_part(line)
        if foreign is not None:
            return foreign
    rest = exc.doc[exc.pos :].rstrip()
    ran_out = (
        exc.msg.startswith("Unterminated string")
        or not rest
        or any(word.startswith(rest) for word in ("true", "false", "null"))  # cut inside a literal
        or rest.strip("0123456789+-.eE") == ""  # or inside a number (`1.`, `2e`)
    )
    if not ran_out or exc.pos == 0:
        return "invalid JSON: "
    if line.endswith("\n"):
        return "the entry is cut short (its JSON ends before it closes: a line cut at a length limit?): "
    return (
        "the file ends in the middle of this entry (it was cut short: a download, a copy or a disk that ran "
        "out?): "
    )


def _appended_part(line: str) -> str | None:
    """What a line that is no JSON from its first character is, when it is a part of another file appended
    to this one (`cat a.ndjson b.ndjson` of files saved alike only reads whole): compressed data, whose magic
    bytes read as text start it (`\\x1f`, U+FFFD for gzip's); text in UTF-16 or UTF-32, NUL between its
    characters; or, in a file read as UTF-16, UTF-8 text, two ASCII characters a code unit."""
    if line.startswith("\x1f\ufffd"):
        return (
            "gzip-compressed data inside text (a .gz file appended to this one? join them decompressed: "
            "`zcat -f FILES`): "
        )
    for magic, tool in _APPENDED_COMPRESSIONS:
        if line.startswith(magic) and (magic != "BZh" or line[3:4] in _BZIP2_BLOCK_SIZES):
            name, undo = tool.split(" ", 1)
            return (
                f"{name}-compressed data inside text (a compressed file appended to this one? decompress it "
                f"{undo} before joining them): "
            )
    head = line.lstrip("\ufeff\ufffd")[:64]
    nuls = head.count("\x00")
    if nuls * 3 >= len(head) > 0 and (len(head) - nuls) * 5 >= len(head):
        return (
            "text in UTF-16 or UTF-32 inside a file of another encoding (a file saved so, as PowerShell "
            "does, appended to this one? save each as UTF-8 before joining them): "
        )
    if len(head) >= 8 and sum(map(_two_ascii_bytes, head)) * 4 >= len(head) * 3:
        return (
            "UTF-8 text inside a UTF-16 file (a file saved as UTF-8 appended to one saved as UTF-16, as "
            "PowerShell saves? save each as UTF-8 before joining them): "
        )
    return None


# Each other compression's magic bytes as UTF-8 text reads them (a byte that is not UTF-8 as U+FFFD).
_APPENDED_COMPRESSIONS = tuple(
    (magic.decode("utf-8", "replace"), tool) for magic, tool in _OTHER_COMPRESSIONS if magic != _GZIP_MAGIC
)
_BZIP2_BLOCK_SIZES = frozenset("123456789")


def _two_ascii_bytes(char: str) -> bool:
    """Whether a character of UTF-16 text is two printable ASCII characters read as one code unit."""
    code = ord(char)
    return 0x20 <= code >> 8 <= 0x7E and 0x20 <= code & 0xFF <= 0x7E


_BYTE_ORDER_MARK = "\ufeff"
"""Where a file saved with a byte order mark begins; inside an input, where such a file was appended to it."""
_RECORD_SEPARATOR = "\x1e"
"""What begins each JSON text of an RFC 7464 sequence (`jq --seq`): one LogEntry per line all the same."""


def _ended_early(line_number: int, exc: BaseException) -> RawRecord:
    return RawRecord(line_number, None, f"line {line_number}: {ENDS_EARLY}{_reason(exc)}")


# Each byte of a line mapped to "0" if it is a digit, "{" if it opens an object or array, "." otherwise: a run of
# 19 "0" is a number orjson may read differently (an integer past 64 bits becomes a float), or digits inside
# a string (read by json, same value); the "{" count bounds the nesting.
_BYTE_CLASSES = bytes(48 if 48 <= byte <= 57 else 123 if byte in b"{[" else 46 for byte in range(256))
_LONG_DIGIT_RUN = b"0" * 19


def _loads(line: str) -> Any:
    """`json.loads(line)`, through orjson where that gives the same value.

    orjson rejects what the standard library accepts (a lone surrogate escape, NaN, a number beyond a
    double) and reads integers past 64 bits as floats: lines with a run of 19 digits, and any line orjson
    rejects, are read by the standard library, which also gives the error text (and `RecursionError` on
    very deep nesting).
    """
    return _decode(line)[0]


def _decode(line: str) -> tuple[Any, int]:
    """`_loads(line)`, and how many `{` and `[` the line holds (one pass over its bytes finds both)."""
    try:
        data = line.encode("utf-8")
    except UnicodeEncodeError:
        return json.loads(line), line.count("{") + line.count("[")
    classes = data.translate(_BYTE_CLASSES)
    if _LONG_DIGIT_RUN not in classes:
        try:
            return orjson.loads(data), classes.count(b"{")
        except orjson.JSONDecodeError:
            pass
    return json.loads(line), classes.count(b"{")


def _reason(exc: BaseException) -> str:
    """Why a compressed stream broke off, in one line."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, gzip.BadGzipFile) and detail.startswith("Not a gzipped file"):
        # gzip reads a next member where its data ends: these bytes follow the compressed data
        return (
            f"the gzip data ends and bytes that are not gzip follow ({detail[19:].strip('()')}): text "
            "appended to a compressed file? What follows was not read: decompress the file and scan it whole"
        )
    return detail if isinstance(exc, EOFError) else f"corrupt compressed data: {detail}"


def entry_record(position: int, item: Any, unit: str, page: int | None = None) -> RawRecord:
    """The record of an item another source decoded (an API's `page`): the entry, its lone surrogates
    replaced and its nesting bounded as an export's are, or why it is none (`place`: reason)."""
    return _record(position, item, unit, page=page)


def _record(position: int, item: Any, unit: str, clean: bool = True, page: int | None = None) -> RawRecord:
    if not isinstance(item, dict):
        return _unusable(position, unit, page, f"expected a LogEntry object, found a JSON {json_type(item)}")
    if "message" in item and pubsub.is_envelope(item):  # a message a log sink published: its entry
        unit = f"{pubsub.CARRIER} of {unit}"
        item = pubsub.carried(item)
        if isinstance(item, str):
            return _unusable(position, unit, page, item)
        clean = True
    if not clean:
        return RawRecord(position, item, unit=unit, page=page)
    try:
        clean = _clean(item, MAX_DEPTH)
    except _TooDeep:
        named = item.get("insertId")
        return _unusable(position, unit, page, _TOO_DEEP, named if isinstance(named, str) else None)
    return RawRecord(position, cast("dict[str, Any]", clean), unit=unit, page=page)


def _unusable(
    position: int, unit: str, page: int | None, reason: str, insert_id: str | None = None
) -> RawRecord:
    """The record of an item that is no entry, named by its `place`."""
    record = RawRecord(position, None, unit=unit, page=page)
    return record._replace(error=f"{place(record, insert_id)}: {reason}")


MAX_DEPTH = 64
"""Deepest nesting of objects and arrays kept in an entry (real LogEntries nest a handful of levels)."""
_TOO_DEEP = f"JSON nested deeper than {MAX_DEPTH} levels"
# A lone UTF-16 surrogate (JSON's "\\ud800" escape) is text no output can encode.
_SURROGATE = compile_regex("[\ud800-\udfff]")


class _TooDeep(Exception):
    pass


def _clean(value: Any, depth: int) -> Any:
    """`value` with lone surrogates replaced by U+FFFD; `_TooDeep` past `depth` levels of nesting."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if not value.isascii() else value
    if isinstance(value, dict):
        if depth == 0:
            raise _TooDeep
        return {_clean(key, depth): _clean(item, depth - 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth == 0:
            raise _TooDeep
        return [_clean(item, depth - 1) for item in value]
    return value
