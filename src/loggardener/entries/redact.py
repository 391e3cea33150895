"""Redaction of credentials in log text, applied before anything is kept.

Worklogs are committed to git by the scheduled job and issues may be public, so a leak there is permanent:
everything taken from log text passes through `Redactor.redact` at parse time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# (label, pattern): a match becomes `[REDACTED:<label>]`; a `keep` group, if any, is kept in front of it.
_RULES: tuple[tuple[str, str], ...] = (
    (
        "private-key",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*)",
    ),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{30,}"),
    ("google-oauth-token", r"\bya29\.[0-9A-Za-z_-]{10,}"),
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("stripe-key", r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}"),
    ("token", r"(?i)(?P<keep>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}"),
    ("token", r"(?i)(?P<keep>\btoken[\s:=]+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}"),
    ("password", r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)[^\s@/]+(?=@)"),
    (
        "secret",
        r"(?i)(?P<keep>\b[\w.-]*(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token"
        r"|client[_-]?secret|private[_-]?key)[\w.-]*[\"']?\s*[=:]\s*[\"']?)(?!\[REDACTED)[^\s\"',;&}]{3,}",
    ),
)
# Every built-in rule needs one of these (lowercased) in the text: a cheap test that spares most lines the regex.
_TRIGGERS = (
    "-----begin",
    "eyj",
    "aiza",
    "ya29.",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xox",
    "akia",
    "asia",
    "k_live_",
    "k_test_",
    "bearer",
    "basic",
    "token",
    "@",
    "password",
    "passwd",
    "pwd",
    "secret",
    "api_key",
    "api-key",
    "apikey",
    "private_key",
    "private-key",
    "privatekey",
)
_EMAIL = ("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


class Redactor:
    """Replaces credential-like substrings with `[REDACTED:<kind>]`.

    The built-in rules run as one combined pattern (one pass over the text: most log lines hold no secret);
    custom patterns run after it, one by one.
    """

    def __init__(self, emails: bool = True, extra_patterns: Iterable[str] = ()) -> None:
        rules = [*_RULES, _EMAIL] if emails else list(_RULES)
        self._kinds: list[str] = []
        alternatives: list[str] = []
        for index, (kind, pattern) in enumerate(rules):
            flags = ""
            if pattern.startswith("(?i)"):
                flags, pattern = "i", pattern[len("(?i)") :]
            scoped = pattern.replace("(?P<keep>", f"(?P<keep{index}>")
            alternatives.append(
                f"(?P<rule{index}>(?{flags}:{scoped}))" if flags else f"(?P<rule{index}>{scoped})"
            )
            self._kinds.append(kind)
        self._combined = re.compile("|".join(alternatives))
        self._custom = [re.compile(pattern) for pattern in extra_patterns]

    def _replace(self, match: re.Match[str]) -> str:
        for index, kind in enumerate(self._kinds):
            if match.group(f"rule{index}") is not None:
                keep = match.groupdict().get(f"keep{index}") or ""
                return f"{keep}[REDACTED:{kind}]"
        return match.group(0)  # pragma: no cover - one alternative always matched

    def redact(self, text: str) -> str:
        lowered = text.lower()
        if any(trigger in lowered for trigger in _TRIGGERS):
            text = self._combined.sub(self._replace, text)
        for pattern in self._custom:
            text = pattern.sub("[REDACTED:custom]", text)
        return text
