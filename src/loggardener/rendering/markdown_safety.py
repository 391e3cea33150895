"""Putting log text into markdown without letting it change the document."""

from __future__ import annotations

import re

from loggardener.regexes import compile_regex
from loggardener.words import counted

_BACKTICK_RUNS = compile_regex(r"`+")
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional controls that make text display
# in another order than it is read (U+202E "right-to-left override" and friends).
_CONTROLS = compile_regex("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_ACTIVE = compile_regex(r"([\\`*_{}\[\]<>#|~&])")


def strip_controls(text: str) -> str:
    """`text` without the control characters a terminal or a renderer would act on: ESC, NUL, BEL, CR (it
    overwrites the line on a terminal), the C1 range and the bidirectional controls."""
    return _CONTROLS.sub("", text)


def markdown_text(value: object) -> str:
    """A structured field (service, revision, project, note) as plain markdown text: every character
    markdown or HTML would act on is backslash-escaped, so a service named `<img src=…>` or `a|b` is text."""
    if value is None:
        return ""
    flat = " ".join(strip_controls(str(value)).split())
    return _MARKDOWN_ACTIVE.sub(r"\\\1", flat)


def _longest_run(text: str, char: str = "`") -> int:
    runs = [len(m) for m in re.findall(re.escape(char) + "+", text)]
    return max(runs, default=0)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def cut_at_word(text: str, limit: int) -> str:
    """`text` within `limit` characters: a longer one ends with `…` after its last whole word (mid-word only
    when the last third of the limit is one token: an id, a path, a URL)."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - 1)]
    if head and _is_word(head[-1]) and _is_word(text[len(head)]):
        space = head.rfind(" ")
        if space >= limit * 2 // 3:
            head = head[:space]
    return head.rstrip(" ,;:-") + "…"


def inline_code(text: str, limit: int = 300) -> str:
    """One line of text as an inline code span that nothing inside can close; a long one is cut at a word."""
    flat = cut_at_word(" ".join(strip_controls(text).split()), limit)
    if not flat:
        return ""
    fence = "`" * (_longest_run(flat) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def table_cell(text: str, limit: int = 120) -> str:
    """Inline code safe inside a table cell (pipes escaped)."""
    return inline_code(text, limit).replace("|", "\\|")


def code_block(text: str, language: str = "text", max_lines: int = 60) -> str:
    """A fenced block whose fence is longer than any backtick run inside, so the text cannot close it."""
    lines = strip_controls(text).rstrip().splitlines()
    if len(lines) > max_lines:
        omitted = len(lines) - max_lines
        lines = [
            *lines[: max_lines // 2],
            f"… {counted(omitted, 'line')} omitted …",
            *lines[-max_lines // 2 :],
        ]
    body = "\n".join(lines)
    fence = "`" * max(3, _longest_run(body) + 1)
    return f"{fence}{language}\n{body}\n{fence}"
