"""Imported only in the forkserver that forks the scan's worker processes (`parallel._start_method`).

A worker that fails before it runs (the scan stopping while it starts, Ctrl-C or SIGTERM, finds the pool's
pipes and semaphores gone) is the scan's to report: the scan has said why it stopped, or its pool breaks and a
note says so. The forkserver would print that worker's traceback after the scan's own last line, so it prints
nothing (unless GARDENER_DEBUG is set)."""

from __future__ import annotations

import sys
from types import TracebackType

from loggardener.errors import debugging


def _quiet(kind: type[BaseException], value: BaseException, traceback: TracebackType | None) -> None:
    """A worker that could not start: the scan reports it."""


if not debugging():
    sys.excepthook = _quiet
