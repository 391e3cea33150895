"""Reading a regular expression's text in tests: its top-level alternatives."""

from __future__ import annotations


def top_level_branches(pattern: str) -> list[str]:
    """The alternatives of `pattern` outside any group or character class (`A|(B|C)|[|]` → `A`, `(B|C)`,
    `[|]`)."""
    branches: list[str] = []
    depth, start, escaped, in_class = 0, 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
    return [*branches, pattern[start:]]
