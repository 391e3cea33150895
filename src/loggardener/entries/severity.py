"""Cloud Logging's severities, apart from the entry models: the command line's options need no pydantic."""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    """Cloud Logging's LogSeverity, with its numeric values."""

    DEFAULT = 0
    DEBUG = 100
    INFO = 200
    NOTICE = 300
    WARNING = 400
    ERROR = 500
    CRITICAL = 600
    ALERT = 700
    EMERGENCY = 800

    @classmethod
    def parse(cls, value: object) -> Severity:
        """Read a severity as the API writes it (name or number); unknown or absent is DEFAULT."""
        if isinstance(value, int) and not isinstance(value, bool):
            candidates = [s for s in cls if s.value <= value]
            return max(candidates) if candidates else cls.DEFAULT
        if isinstance(value, str):
            member = _BY_NAME.get(value)  # as the API writes it, nearly always
            if member is not None:
                return member
            name = value.strip().upper()
            if name in _BY_NAME:
                return _BY_NAME[name]
            if name.isdigit():
                return cls.parse(int(name))
        return cls.DEFAULT


_BY_NAME: dict[str, Severity] = dict(Severity.__members__)
