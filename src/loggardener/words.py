"""Counts said in words, for the terminal, the worklog and messages alike (a light module: the CLI's messages
import it before anything heavy)."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """`1 entry`, `2 entries`, `3 days`, `0 revisions`: a count with its noun in the right number; `grouped`
    writes thousands with commas (`1,344 entries`)."""
    many = plural or (f"{noun[:-1]}ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else f"{noun}s")
    return (f"{n:,} " if grouped else f"{n} ") + (noun if n == 1 else many)
