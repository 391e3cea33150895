"""Putting log text into markdown without letting it change the document."""

from __future__ import annotations

import re

_BACKTICK_RUNS = re.compile(r"`+")


def _longest_run(text: str, char: str = "`") -> int:
    runs = [len(m) for m in re.findall(re.escape(char) + "+", text)]
    return max(runs, default=0)


def inline_code(text: str, limit: int = 300) -> str:
    """One line of text as an inline code span that nothing inside can close."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
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
    lines = text.rstrip().splitlines()
    if len(lines) > max_lines:
        omitted = len(lines) - max_lines
        lines = [*lines[: max_lines // 2], f"… {omitted} lines omitted …", *lines[-max_lines // 2 :]]
    body = "\n".join(lines)
    fence = "`" * max(3, _longest_run(body) + 1)
    return f"{fence}{language}\n{body}\n{fence}"
