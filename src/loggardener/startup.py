"""Garbage collection while a command starts.

Loading what a command runs (typer's parameter types, pydantic's validators, each stage's patterns and tables)
creates some 75,000 objects that the collector, run every 700 new objects by default, examines again and
again; and once they are old, every full collection of a long scan examines them once more. From `begin`
(the command's entry point, `launch.main`, before typer, rich and `loggardener.cli` are imported; `cli.main`
calls it too, for a program that runs the command line itself) to `end` (a command has loaded what it runs)
the collector runs only after `START_UP_THRESHOLD` new objects; `end` moves what start-up made out of its sight
for good (`gc.freeze`; the garbage among it stays: about 1 MB) and restores its pace. A command that never calls
`end` still collects, at the start-up pace. Measured on `scan --demo`: 137 collections (41 ms) without it; 71
(11 ms) with `begin` once `loggardener.cli` was imported, most of them while it was; 9 (2 ms) from `launch.main`.

When the command has finished (`leave`), what is still alive lives until the process ends: it is frozen too, so
that the full collections of the interpreter's shutdown do not examine it once more. Measured on `--help`,
which never calls `end`: 7% of its instructions went to those collections.
"""

from __future__ import annotations

import gc

START_UP_THRESHOLD = 200_000
"""New objects between two collections during start-up: above what a scan's start-up creates."""

_paced: tuple[int, int, int] | None = None  # the thresholds `begin` replaced, until `end`


def begin() -> None:
    """Collect garbage rarely until `end`."""
    global _paced
    if _paced is None:
        _paced = gc.get_threshold()
        gc.set_threshold(START_UP_THRESHOLD, *_paced[1:])


def end() -> None:
    """Start-up is over: freeze what it made and collect at the usual pace (nothing unless `begin` ran), and
    patterns are compiled by `re` alone again (`regexes.uninstall`)."""
    global _paced
    from loggardener import regexes

    regexes.uninstall()
    if _paced is not None:
        gc.freeze()
        gc.set_threshold(*_paced)
        _paced = None


def leave() -> None:
    """The command has finished and the process is about to exit: freeze what is alive (see the module's
    docstring). What the command wrote is written and closed by then; standard output is flushed at exit."""
    gc.freeze()
