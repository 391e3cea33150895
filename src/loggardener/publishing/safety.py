"""Make log-derived text inert in GitHub markdown, and bound its length.

Log text is attacker-controlled: it must not @mention people, create #references (bare issue URLs
included), close a code fence, inject HTML or markdown links and images, or push an issue body over
GitHub's 65536-character limit.
"""

from __future__ import annotations

import re

from loggardener.regexes import compile_regex

GITHUB_BODY_LIMIT = 65536
"""GitHub rejects issue and comment bodies longer than this many characters."""
GITHUB_TITLE_LIMIT = 256

_ZWSP = "\u200b"
# C0/C1 control characters (except tab and newline) and bidirectional overrides ("trojan source").
_CONTROLS = compile_regex(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_OWN_MARKER = compile_regex(r"<!--\s*log-gardener:", re.IGNORECASE)
_MENTION = compile_regex(r"@(?=[A-Za-z0-9_-])")
_REFERENCE = compile_regex(r"#(?=[0-9])")
_GH_REFERENCE = compile_regex(r"\b(GH)-(?=[0-9])", re.IGNORECASE)
_MARKDOWN_PUNCTUATION = compile_regex(r"([\\`*_\[\]()!|~{}])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKTICKS = compile_regex(r"`+")
# What GitHub autolinks in running text; a link to an issue there becomes a cross-reference.
_URL = compile_regex(r"(?:[A-Za-z][A-Za-z0-9+.-]{0,31}://|www\.)[^\s<>`]*[^\s<>`.,:;!?'\")\]]", re.IGNORECASE)


def clean(text: str) -> str:
    """Normalize line ends, drop control and bidirectional-override characters, and break log gardener's own
    hidden markers (`<!-- log-gardener:…`) with a zero-width space.

    Log text can hold a marker (a service that logs the GitHub webhooks of its issues, a forged line): kept
    whole in a sample, it would tie the issue to another problem's fingerprint, or hide a state from the runs
    that read it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    return _OWN_MARKER.sub(lambda m: m.group(0)[:-1] + _ZWSP + ":", text) if "<!--" in text else text


def break_references(text: str) -> str:
    """Stop @mentions, #123 and GH-123 references from being linked, with a zero-width space."""
    text = _MENTION.sub("@" + _ZWSP, text)
    text = _REFERENCE.sub("#" + _ZWSP, text)
    return _GH_REFERENCE.sub(lambda m: m.group(1) + "-" + _ZWSP, text)


def inert(text: str) -> str:
    """Running markdown text: one line, no HTML, no markdown markup, no mentions or references.

    URLs are put in code spans, where GitHub neither links them nor turns issue URLs into cross-references.
    """
    return _block_start(_neutralize(" ".join(clean(text).split())))


def _neutralize(text: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(_escape(text[position : match.start()]))
        parts.append(code(match.group(0)))
        position = match.end()
    parts.append(_escape(text[position:]))
    return "".join(parts)


def _escape(text: str) -> str:
    text = "".join(_HTML.get(char, char) for char in text)
    return break_references(_MARKDOWN_PUNCTUATION.sub(r"\\\1", text))


def _block_start(text: str) -> str:
    """Escape a first character that would start a heading, list, quote or setext underline."""
    return "\\" + text if text.startswith(("#", "+", "-", "=", ">")) else text


# A code span closes at the first backtick run as long as its opener (CommonMark), never across one.
_CODE_SPAN = compile_regex(r"(?<!`)(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")


def prose(text: str) -> str:
    """Like `inert`, but complete inline code spans are kept as they are (nothing inside them renders)."""
    text = " ".join(clean(text).split())
    parts: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_neutralize(text[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(_neutralize(text[position:]))
    joined = ""
    for part in parts:
        # two code spans side by side would read as one backtick run: keep them apart
        joined += " " + part if joined.endswith("`") and part.startswith("`") else part
    return _block_start(joined)


def code(text: str) -> str:
    """An inline code span holding `text` on one line; nothing inside a code span is rendered."""
    text = " ".join(clean(text).split())
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, info: str = "") -> str:
    """A fenced code block holding `text`; the fence is longer than any backtick run inside it."""
    text = clean(text).strip("\n")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def title(text: str) -> str:
    """An issue title: one line, no mentions or references, at most 256 characters."""
    text = break_references(" ".join(clean(text).split()))
    return clip(text, GITHUB_TITLE_LIMIT, marker="…")


def clip(text: str, limit: int, marker: str | None = None) -> str:
    """`text` cut to at most `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    note = marker if marker is not None else f" … [{len(text) - limit} more characters cut]"
    return text[: max(0, limit - len(note))] + note


def clip_middle(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, keeping its head and tail (where tracebacks say most)."""
    if len(text) <= limit:
        return text
    cut = len(text) - limit
    note = f"\n… [{cut} characters cut] …\n"
    head = max(0, limit * 2 // 5)
    tail = max(0, limit - head)
    return text[:head] + note + (text[-tail:] if tail else "")
