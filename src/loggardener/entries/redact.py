"""Redaction of credentials in log text, applied before anything is kept.

Worklogs are committed to git by the scheduled job and issues may be public, so a leak there is permanent:
everything taken from log text passes through `Redactor.redact` at parse time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_RULES: tuple[tuple[str, str, str], ...] = (
    # (kind, pattern, replacement) — replacement may keep a prefix through \g<keep>
    (
        "private-key",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*)",
        "[REDACTED:private-key]",
    ),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}", "[REDACTED:jwt]"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{30,}", "[REDACTED:google-api-key]"),
    ("google-oauth-token", r"\bya29\.[0-9A-Za-z_-]{10,}", "[REDACTED:google-oauth-token]"),
    (
        "github-token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
        "[REDACTED:github-token]",
    ),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", "[REDACTED:slack-token]"),
    ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", "[REDACTED:aws-access-key]"),
    ("stripe-key", r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}", "[REDACTED:stripe-key]"),
    (
        "authorization",
        r"(?i)(?P<keep>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}",
        r"\g<keep>[REDACTED:token]",
    ),
    (
        "token",
        r"(?i)(?P<keep>\btoken[\s:=]+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}",
        r"\g<keep>[REDACTED:token]",
    ),
    (
        "url-password",
        r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)[^\s@/]+(?=@)",
        r"\g<keep>[REDACTED:password]",
    ),
    (
        "secret-assignment",
        r"(?i)(?P<keep>\b[\w.-]*(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token"
        r"|client[_-]?secret|private[_-]?key)[\w.-]*[\"']?\s*[=:]\s*[\"']?)(?!\[REDACTED)[^\s\"',;&}]{3,}",
        r"\g<keep>[REDACTED:secret]",
    ),
)
_EMAIL = (
    "email",
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    "[REDACTED:email]",
)


class Redactor:
    """Replaces credential-like substrings with `[REDACTED:<kind>]`."""

    def __init__(self, emails: bool = True, extra_patterns: Iterable[str] = ()) -> None:
        rules = list(_RULES)
        if emails:
            rules.append(_EMAIL)
        rules.extend(("custom", pattern, "[REDACTED:custom]") for pattern in extra_patterns)
        self._rules = [(kind, re.compile(pattern), replacement) for kind, pattern, replacement in rules]

    def redact(self, text: str) -> str:
        for _kind, pattern, replacement in self._rules:
            text = pattern.sub(replacement, text)
        return text
