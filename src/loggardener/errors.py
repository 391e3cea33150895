"""The one exception type users see, and the exit codes it maps to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (see README, "Exit codes")."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    BAD_CONFIG = 3
    CREDENTIALS = 4
    SOURCE_FAILED = 5
    PUBLISH_FAILED = 6


class GardenerError(Exception):
    """A problem the user can fix: one line saying what is wrong and what to do."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
