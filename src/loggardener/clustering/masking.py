"""Masking of the variable parts of a message, so that occurrences of one event read the same."""

from __future__ import annotations

import re

WILDCARD = "<*>"

_MASKS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+",  # URLs
        r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",  # e-mail addresses
        r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",  # UUIDs
        r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b",  # IPv4 with optional port
        r"\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b",  # IPv6
        r"\b0x[0-9a-fA-F]+\b",  # hex literals
        r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b",  # hex ids (digits and letters)
        r"'[^'\n]{0,200}'",  # single-quoted strings
        r'"[^"\n]{0,200}"',  # double-quoted strings
        r"(?<![\w<])(?:/[\w.@%+-]+){2,}/?",  # absolute paths
        r"(?<![A-Za-z<])[-+]?\d+(?:[.,:]\d+)*",  # numbers, durations' numbers, dates and times
    )
)


def mask(text: str) -> str:
    """Replace numbers, ids, UUIDs, hex, IPs, e-mails, URLs, quoted strings and paths with `<*>`."""
    for pattern in _MASKS:
        text = pattern.sub(WILDCARD, text)
    return text
