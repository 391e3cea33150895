"""Masking of the variable parts of a message, so that occurrences of one event read the same."""

from __future__ import annotations

import re

WILDCARD = "<*>"

_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_TLD = r"(?:com|net|org|edu|gov|mil|info|biz|io|local|internal|lan|arpa|[a-z]{2})"
_UNIT = r"(?:[KMGTP]i?B|B|bytes?|[mun]s|µs|ms|secs?|seconds?|mins?|minutes?|hours?)"

_PATTERN = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+",  # URLs
            r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",  # e-mail addresses
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",  # UUIDs
            rf"\b(?:{_DAY},?\s+)?{_MONTH}\s+\d{{1,2}},?\s+(?:\d{{4}}\s+)?\d\d?:\d\d(?::\d\d)?(?:[.,]\d+)?"
            rf"(?:\s+[A-Z]{{3,4}})?(?:\s+\d{{4}})?",  # dates written with month names
            rf"\b(?:[a-z0-9][a-z0-9-]*\.)+{_TLD}(?![\w-]|\.\w)",  # host names
            r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b",  # IPv4 with optional port
            r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,}[0-9a-fA-F]{1,4}\b",  # IPv6, MAC addresses
            r"\b\d[xX][0-9a-fA-F]+\b",  # hex literals
            r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b",  # hex ids (digits and letters)
            r"'[^'\n]{0,200}'",  # single-quoted strings
            r'"[^"\n]{0,200}"',  # double-quoted strings
            r"(?<![\w<])(?:/[\w.@%+-]*){2,}",  # absolute paths
            rf"(?<![\w<])[-+]?\d+(?:\.\d+)?\s{_UNIT}\b",  # quantities with a unit after a space
            r"\b(?!\d+[a-zA-Z]{1,3}\b|[A-Za-z]+\d(?![\w-]))(?=[\w-]*\d)[\w-]+",  # ids, not 30s, 5KB, eth0
            r"[-+]?\d+(?:[.,:]\d+)*",  # numbers (also inside words: eth0), dates and times
        )
    )
)
_RUNS = re.compile(r"(?:<\*>)+")
_LISTS = re.compile(
    r"\[[^][A-Za-z]*<\*>[^][A-Za-z]*\]|\([^()A-Za-z]*<\*>[^()A-Za-z]*\)|\{[^{}A-Za-z]*<\*>[^{}A-Za-z]*\}"
)


def mask(text: str) -> str:
    """Replace numbers, ids, dates, UUIDs, hex, IPs, e-mails, URLs, quoted strings and paths with `<*>`."""
    return _LISTS.sub(_list, _RUNS.sub(WILDCARD, _PATTERN.sub(WILDCARD, text)))


def _list(match: re.Match[str]) -> str:
    """A bracketed list of values, however long, reads as one value in its brackets."""
    text = match.group()
    return text[0] + WILDCARD + text[-1]
