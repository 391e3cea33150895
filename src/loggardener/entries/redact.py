"""Redaction of credentials in log text, applied before anything is kept.

Worklogs are committed to git by the scheduled job and issues may be public, so a leak there is permanent:
everything taken from log text passes through `Redactor.redact` at parse time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# (label, pattern): a match becomes `[REDACTED:<label>]`; a `keep` group, if any, is kept in front of it.
# Every pattern must stay linear-time on hostile text (one log entry may hold 256 KB): a match attempt starts at a
# literal keyword (never at a leading `[\w.-]*`), and every repetition that is followed by something that can still
# fail is bounded, so a failed attempt costs a constant; only the final, redacted run is unbounded (it cannot fail
# once reached). Private keys span lines and are handled by their own first pass (`_redact_private_keys`).
_RULES: tuple[tuple[str, str], ...] = (
    ("jwt", r"\beyJ[A-Za-z0-9_-]{4,512}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{30,}"),
    ("google-oauth-token", r"\bya29\.[0-9A-Za-z_-]{10,}"),
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("stripe-key", r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}"),
    (
        "token",
        r'(?i)(?P<keep>"(?:[a-z0-9]{1,32}[_-]?)?(?:token|authorization)"\s{0,16}:\s{0,16}")'
        r'(?!\[REDACTED)(?:[^"\\]|\\.)+',
    ),
    ("token", r"(?i)(?P<keep>\b(?:bearer|basic)\s{1,16})[A-Za-z0-9._~+/=-]{8,}"),
    (
        "token",
        r"(?i)(?P<keep>\btoken[\s:=]{1,16})(?=[A-Za-z0-9._~+/=-]{0,64}\d)[A-Za-z0-9._~+/=-]{16,}",
    ),
    ("password", r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}://[^\s:/@]{0,256}:)[^\s@/]{1,1024}(?=@)"),
    (
        "secret",
        r"(?i)(?P<keep>(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token"
        r"|client[_-]?secret|private[_-]?key)[\w.-]{0,64}[\"']?\s{0,16}[=:]\s{0,16}[\"']?)"
        r"(?!\[REDACTED)[^\s\"',;&}]{3,}",
    ),
)
_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]{0,64}PRIVATE KEY-----")
# Every rule of the combined pattern needs one of these (lowercased) in the text: a cheap test that spares most lines the regex.
_TRIGGERS = (
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
    "authorization",
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
_EMAIL = (
    "email",
    r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b",
)


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
        if "-----BEGIN" in text:
            text = _redact_private_keys(text)
        lowered = text.lower()
        if any(trigger in lowered for trigger in _TRIGGERS):
            text = self._combined.sub(self._replace, text)
        for pattern in self._custom:
            text = pattern.sub("[REDACTED:custom]", text)
        return text


def _redact_private_keys(text: str) -> str:
    """Replace each PEM private key, from its BEGIN line to its END line (or to the end of a truncated text).

    Searched as plain markers, so a key whose newlines are JSON-escaped (a literal backslash-n, as in a
    service-account key file logged through `json.dumps`) goes whole too. Linear: each marker search resumes
    where the previous one ended.
    """
    parts: list[str] = []
    position = 0
    while (begin := _KEY_BEGIN.search(text, position)) is not None:
        parts.append(text[position : begin.start()])
        parts.append("[REDACTED:private-key]")
        end = _KEY_END.search(text, begin.end())
        position = len(text) if end is None else end.end()
    parts.append(text[position:])
    return "".join(parts)
