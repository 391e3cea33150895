"""`gardener cluster PATH`: the templates of any log file (one message per line) or Cloud Logging export.

Only light modules load with the options (`gardener --help` builds them); the miner and the parsers load
inside the functions, when the command runs.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from array import array
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, cast

import typer
from rich.markup import escape

from loggardener import startup
from loggardener.console import err, out, user_errors
from loggardener.errors import ExitCode, GardenerError
from loggardener.files import STDOUT, check_writable, output_open, real_path, standard_output
from loggardener.words import counted

if TYPE_CHECKING:
    from rich.console import Console

    from loggardener.clustering.miner import TemplateMiner

# A template longer than this is cut in the table (a megabyte line would take minutes to fold); not in --assignments.
TABLE_TEMPLATE_CHARS = 2000

# (1-based line or entry number, the message, or why there is none)
Item = tuple[int, str | None, str | None]


class InputFormat(str, Enum):
    """How the input is laid out."""

    text = "text"
    gcloud = "gcloud"


_GZIP_MAGIC = b"\x1f\x8b"
# what a truncated or corrupt gzip stream raises while it is read
_BROKEN_GZIP = (EOFError, gzip.BadGzipFile, zlib.error)


def _open_text(path: str) -> io.TextIOWrapper:
    """The file (or standard input) as text, gunzipped when it starts with the gzip magic bytes, in the
    encoding `scan` recognises (UTF-8 with or without a BOM, UTF-16 as PowerShell's `>` writes it)."""
    from loggardener.sources.file import (
        COUNTED_REPLACE,
        detect_encoding,
        looks_binary,
        open_binary,
        refuse_other_compressions,
        standard_input,
    )

    raw = standard_input("a log") if path == "-" else open_binary(path, "a log file")
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    try:
        window = buffered.peek(65536)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    stream: IO[bytes] = buffered
    if window[:2] == _GZIP_MAGIC:
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=buffered, mode="rb"))
        try:  # the first bytes decompressed apart, so that a broken stream breaks when `text_items` reads it
            window = zlib.decompressobj(wbits=31).decompress(window, 65536)
        except zlib.error:
            window = b""
    refuse_other_compressions(window, _source(path), "the log as text or gzip")
    encoding = detect_encoding(window)
    if looks_binary(window, encoding):
        raise GardenerError(
            f"{_source(path)} is not a text log: its first bytes are mostly NUL, control or undecodable bytes "
            "(a program, an image, a database?); give a log of one message per line, as text or gzip",
            ExitCode.BAD_INPUT,
        )
    return io.TextIOWrapper(stream, encoding=encoding, errors=COUNTED_REPLACE, newline=None)


def _unreadable(path: str, exc: OSError) -> GardenerError:
    return GardenerError(f"cannot read {path}: {exc.strerror or exc}", ExitCode.BAD_INPUT)


# A LogEntry's own fields opening one of a text log's first lines, or in the object that does: an export
# (NDJSON, or an array one field a line) given without --format gcloud.
_EXPORT_FIELDS = re.compile(r'^\s*(?:\{.*)?"(?:insertId|logName|receiveTimestamp)"\s*:')
_EXPORT_SIGN_LINES = 8


def text_items(path: str) -> Iterator[Item]:
    """One message per line (a gzip file is decompressed), redacted before the miner masks any of it (masked
    first, `password=Hunter2x!Rest` left `password=<*>!Rest`, which no rule reads as a secret); blank lines
    and a broken gzip end are counted, and bytes not in the file's encoding said on standard error."""
    from loggardener.entries.redact import Redactor
    from loggardener.sources.file import undecodable_bytes, undecodable_note

    redact = Redactor().redact
    handle = _open_text(path)
    number = 0
    undecodable = undecodable_bytes()
    try:
        for number, line in enumerate(handle, start=1):
            message = line.rstrip("\r\n")
            if "\0" in message:  # the end of a log a crash left unwritten reads as NUL bytes: no text of it
                message = message.replace("\0", "")
                if not message.strip():
                    yield number, None, "NUL bytes only (a log's end a crash left unwritten?)"
                    continue
            yield (number, redact(message), None) if message.strip() else (number, None, "blank line")
    except _BROKEN_GZIP as exc:  # counted like any bad line: the lines before it are still clustered
        yield number + 1, None, f"truncated or corrupt gzip after line {number} ({exc})"
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        for note in undecodable_note(undecodable_bytes() - undecodable, handle.encoding, _source(path)):
            err.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)
        if path != "-":
            handle.close()


def _source(path: str) -> str:
    return "standard input" if path == "-" else path


def gcloud_items(path: str) -> Iterator[Item]:
    """The message of every entry of an export (JSON array or NDJSON, optionally gzip), redacted."""
    from loggardener.entries.parse import EntryParser, MalformedEntry
    from loggardener.entries.redact import Redactor
    from loggardener.entries.stacks import StackParser
    from loggardener.sources.file import FileSource

    parser = EntryParser(Redactor(), StackParser())
    for record in FileSource(path).records():
        if record.entry is None:
            yield record.position, None, record.error or "malformed entry"
            continue
        try:
            entry = parser.parse(record.position, record.entry)
        except MalformedEntry as exc:
            yield record.position, None, f"malformed entry: {exc}"
            continue
        stack = entry.stack
        message = (
            f"{stack.exception_type}: {stack.message}"
            if stack is not None and not stack.cut_off
            else entry.message
        )
        yield (record.position, message, None) if message.strip() else (record.position, None, "no message")


@user_errors
def cluster(
    path: Annotated[str, typer.Argument(help="Log file, one message per line; '-' reads standard input.")],
    input_format: Annotated[
        InputFormat,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="text: one message per line; gcloud: a Cloud Logging export (JSON array or NDJSON, .gz too).",
        ),
    ] = InputFormat.text,
    assignments: Annotated[
        Path | None,
        typer.Option(
            "--assignments",
            readable=False,
            help='Write NDJSON, one line per input line in input order: {"line", "cluster", "template"}; '
            "'-' for standard output (the table then goes to stderr).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show only the N most frequent (0: all).")] = 0,
) -> None:
    """Cluster a log into templates and print them, most frequent first."""
    from loggardener.clustering.miner import TemplateMiner

    if limit < 0:  # said in one line before reading, as scan's --hours and --max-entries are
        raise GardenerError(f"--limit {limit}: give a number of templates to show, or 0 for all")

    if assignments == STDOUT:
        standard_output("--assignments")  # closed: said now, not after reading a large input
    if assignments is not None and assignments != STDOUT:
        if path != "-" and real_path(assignments, "--assignments") == real_path(path, "the log"):
            raise GardenerError(
                f"--assignments {assignments} is the log being clustered: give it its own path",
                ExitCode.BAD_INPUT,
            )
        check_writable(assignments, "assignments")  # before reading a large input
    miner = TemplateMiner()
    startup.end()
    positions = array("q")
    ids: list[str | None] = []
    skipped: dict[int, str] = {}
    items = gcloud_items(path) if input_format is InputFormat.gcloud else text_items(path)
    looks_exported = False
    for position, message, reason in items:
        if position <= _EXPORT_SIGN_LINES and message is not None and input_format is InputFormat.text:
            looks_exported = looks_exported or _EXPORT_FIELDS.search(message) is not None
        if assignments is not None:
            positions.append(position)
            ids.append(None if message is None else miner.add(message))
        elif message is not None:
            miner.add(message)
        if reason is not None:
            skipped[position] = reason
    text = input_format is InputFormat.text
    if not miner.clusters() and (skipped or text):  # a text log without a line, or nothing readable
        source = "standard input" if path == "-" else path
        if not skipped:
            raise GardenerError(
                f"nothing to cluster: {source} is empty; give a log with one message per line",
                ExitCode.BAD_INPUT,
            )
        first = min(skipped)
        unit = "line" if text else "entry"
        raise GardenerError(
            f"nothing to cluster: all {len(skipped):,} {'lines' if text else 'entries'} of {source} "
            f"were skipped (first: {unit} {first}, {skipped[first]})",
            ExitCode.BAD_INPUT,
        )
    if assignments is not None:  # written only for a log that had something to cluster
        with output_open(assignments, "assignments") as handle:
            _write_assignments(handle, miner, positions, ids, skipped)
    _print_table(err if assignments == STDOUT else out, miner, limit, path)
    if looks_exported:  # its JSON's lines clustered as text: `<*> <*>`, `},`
        err.print(
            f"[yellow]note:[/] {escape(_source(path))} looks like a Cloud Logging export: "
            "--format gcloud clusters its entries' messages",
            highlight=False,
            soft_wrap=True,
        )
    if skipped:
        first = min(skipped)
        unit = "line" if text else "entry"  # an export's item, as the error above says
        err.print(
            f"[yellow]skipped {counted(len(skipped), unit, grouped=True)}[/] (first: {unit} {first}, {escape(skipped[first])})",
            highlight=False,
            soft_wrap=True,
        )


def _write_assignments(
    handle: IO[str],
    miner: TemplateMiner,
    positions: array[int],
    ids: list[str | None],
    skipped: dict[int, str],
) -> None:
    """Every line's cluster, with the cluster's final template (resolved once per signature)."""
    from loggardener.entries.redact import Redactor

    redact = Redactor().redact
    resolved: dict[str, tuple[str, str]] = {}
    for position, template_id in zip(positions, ids, strict=True):
        record: dict[str, object] = {"line": position, "cluster": None, "template": None}
        if template_id is None:
            record["skipped"] = skipped.get(position, "no message")
        else:
            if template_id not in resolved:
                resolved[template_id] = (miner.resolve(template_id), redact(miner.template(template_id)))
            record["cluster"], record["template"] = resolved[template_id]
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _print_table(console: Console, miner: TemplateMiner, limit: int, path: str) -> None:
    from rich.table import Table

    from loggardener.entries.redact import Redactor
    from loggardener.publishing.safety import clip

    clusters = miner.clusters()
    total = sum(found.count for found in clusters)
    source = "standard input" if path == "-" else path
    if not total:
        console.print(f"No messages in {escape(source)}.", soft_wrap=True)
        return
    redact = Redactor().redact
    table = Table(
        title=f"{counted(len(clusters), 'template', grouped=True)} in {counted(total, 'message', grouped=True)} from {escape(source)}"
    )
    table.add_column("Count", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("Cluster")
    table.add_column("Template", overflow="fold")
    shown = clusters[:limit] if limit else clusters
    for found in shown:
        share = f"{found.count / total:.1%}"
        template = clip(
            redact(found.template),
            TABLE_TEMPLATE_CHARS,
            f" … [{len(found.template):,} characters; --assignments has it whole]",
        )
        table.add_row(f"{found.count:,}", share, found.id, escape(template))
    console.print(table)
    if len(shown) < len(clusters):
        console.print(
            f"… and {counted(len(clusters) - len(shown), 'more template', grouped=True)} (--limit 0 shows all)",
            soft_wrap=True,
        )
