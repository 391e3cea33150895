"""A guard against super-linear work (catastrophic backtracking), robust to a loaded machine: it compares
the CPU time of one input with that of an input eight times larger, instead of a deadline. CPU time of this
thread only, not wall time nor the process's: neither other processes on the machine nor another test's
threads still running in this worker (a local server, a daemon) count."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

GROWTH = 8
"""The large input is this many times the small one: linear work takes about 8× the time, quadratic 64×."""
LIMIT = 24
"""Above this many times the small input's time (plus `SLACK`) the work is super-linear. Three times linear's
8× and under half quadratic's 64×, so that a run slowed down twofold while the other was not (a busy
sibling hyperthread, a cold cache) still lands on the right side."""
SLACK = 0.05
"""Seconds of timer noise and fixed overhead allowed on top."""


def small_size(scale: int) -> int:
    """The size of the small input `assert_linear` compares `scale` with (for tests that build inputs first)."""
    return max(1, scale // GROWTH)


def _seconds(run: Callable[[], T]) -> tuple[float, T]:
    started = time.thread_time()
    result = run()
    return time.thread_time() - started, result


def assert_linear(run: Callable[[int], T], scale: int) -> T:
    """`run(n)` works on an input of size proportional to `n`; fails when `run(scale)` takes more than
    `LIMIT` times `run(scale // GROWTH)` plus `SLACK`.

    The small input's time is the best of five (a slow small run would let a quadratic large one pass); the
    large input runs again, up to three times in all, only while it looks too slow. Returns what `run(scale)`
    returned, for the test's checks on the large input's result (without running it once more).
    """
    small = min(_seconds(lambda: run(small_size(scale)))[0] for _ in range(5))
    large = float("inf")
    for _ in range(3):
        seconds, result = _seconds(lambda: run(scale))
        large = min(large, seconds)
        if large < LIMIT * small + SLACK:
            return result
    raise AssertionError(f"{large:.3f} s for {scale}, {small:.3f} s for {small_size(scale)}")
