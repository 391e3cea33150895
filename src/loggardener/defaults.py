"""Defaults the command line's help names, in a module that imports nothing: `gardener --help` stays fast."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

STATE_FILE_NAME = ".gardener-state.json"
DEFAULT_STATE_PATH = Path("worklogs") / STATE_FILE_NAME

DEFAULT_MAX_ENTRIES = 100_000
"""`--max-entries` when not given: where a live scan stops reading."""

RETRY_DEADLINE_SECONDS = 120.0
"""`retries.deadline_seconds`: a live scan's request is given up this long after its first attempt."""
REQUEST_TIMEOUT_SECONDS = 60.0
"""`retries.request_timeout_seconds`: how long one attempt waits for the server's answer."""
MAX_QUERY_SECONDS = 900.0
"""`log_analytics.max_query_seconds`: how long a Log Analytics query job may run before it is cancelled."""

EARLIEST_MOMENT = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST_MOMENT = datetime(9000, 1, 1, tzinfo=timezone.utc)
"""The span of the times an entry or a state may hold (from EARLIEST up to LATEST): a year 1 or 9999 overflows the
time arithmetic of clustering, trends, holds and unconfirmed creates, so a time outside it is corrupt."""


def empty_list() -> list[Any]:
    """A new empty list: the `default_factory` of gardener's list fields. pydantic reads each factory's
    signature when it builds a model; `inspect` parses the builtin `list`'s from its text (tokenize, whose
    first use compiles its patterns, then `ast`): ~10 ms of `scan --demo` for 28 fields, against a few µs
    for this function."""
    return []
