"""The linear-time guard itself: it passes linear work and fails quadratic work."""

from __future__ import annotations

import pytest

from linear import assert_linear


def _quadratic(size: int) -> int:
    return sum(1 for _ in range(size * size // 500))


def test_linear_work_passes() -> None:
    assert_linear(lambda size: "a" * size * 40, 100_000)


def test_quadratic_work_fails() -> None:
    with pytest.raises(AssertionError):
        assert_linear(_quadratic, 100_000)  # large enough that the timer slack (50 ms) cannot hide it
