"""A guard against super-linear work (catastrophic backtracking), robust to a loaded machine: it compares
the CPU time of one input with that of an input four times larger, best of three each, instead of a
deadline. CPU time of this process, not wall time, so that other processes on the machine do not count."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _best_time(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def assert_linear(run: Callable[[int], T], scale: int) -> T:
    """`run(n)` works on an input of size proportional to `n`. Linear work takes about 4× the time for 4× the
    input, quadratic about 16×: anything above 8× (plus 50 ms for timer noise) fails.

    The small input's time is the best of three (a slow small run would let a quadratic large one pass); the
    large input runs again, up to three times in all, only while it looks too slow. Returns what `run(scale)`
    returned, for the test's checks on the large input's result (without running it once more).
    """
    small = _best_time(lambda: run(scale // 4))
    large = float("inf")
    for _ in range(3):
        started = time.process_time()
        result = run(scale)
        large = min(large, time.process_time() - started)
        if large < 8 * small + 0.05:
            return result
    raise AssertionError(f"{large:.3f} s for {scale}, {small:.3f} s for {scale // 4}")
