"""The interface every source implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from loggardener.entries.models import Occurrences


class RawRecord(NamedTuple):
    """One item read from a source: a LogEntry as a dict, or the reason it could not be read (a tuple: one is
    made per item read).

    `position` is the 1-based line number (NDJSON) or array index (JSON array) of the item.
    """

    position: int
    entry: dict[str, Any] | None
    error: str | None = None
    unit: str = "line"
    """What `position` counts, for messages: "line" (NDJSON) or "entry" (JSON array, API pages), after what
    the entry came in when that was no export's own item ("Pub/Sub message of line": `sources.pubsub`)."""
    occurrences: Occurrences | None = None
    """Set by a source that aggregates: the entry stands for `occurrences.count` entries (see `Occurrences`)."""
    page: int | None = None
    """The page of an API's answer the entry came on (a live read has no lines): named with the entry."""


MAX_NAMED_ID = 80
"""Characters of an insertId quoted when an entry is named (a hostile one may be of any length)."""


def place(record: RawRecord, insert_id: str | None = None) -> str:
    """Where `record` is, for a message: `line 23`, or for an entry of a page `entry 651 (page 3, insertId
    abc)`, so a reader can find an entry that has no line in any file."""
    where = f"{record.unit} {record.position}"
    if record.page is None:
        return where
    named = f", insertId {insert_id[:MAX_NAMED_ID]}" if insert_id else ""
    return f"{where} (page {record.page}{named})"


class LineBatch(NamedTuple):
    """Lines of an NDJSON export read but not yet decoded (`sources.file.decode_lines` makes them records),
    so that other processes can decode and parse them. `first` is the line number of `lines[0]`."""

    first: int
    lines: list[str]


@dataclass
class SourceStats:
    """What a source reports about its own reading (shown in the terminal and the worklog)."""

    description: str = ""
    requests: int = 0
    pages: int = 0
    truncated: bool = False
    notes: list[str] = field(default_factory=list)
    query_filter: str | None = None
    console_url: str | None = None
    project: str | None = None


RetryFn = Callable[[str], None]
"""Told, in one line, that a request failed or got no answer and is retried (when, and until when)."""


class EntrySource(ABC):
    """Yields raw LogEntry dicts, in the order the source gives them."""

    stats: SourceStats
    on_retry: RetryFn | None = None
    """Set by the command line to say on stderr what a source that retries is waiting for."""

    @abstractmethod
    def records(self) -> Iterator[RawRecord]:
        """Stream the records. A malformed item is a RawRecord with `error` set, never an exception."""

    def batches(self, size: int) -> Iterator[RawRecord | LineBatch]:
        """The records, in order, except that a source reading NDJSON may give runs of up to `size` lines
        undecoded (`LineBatch`), to be decoded and parsed in other processes."""
        return self.records()
