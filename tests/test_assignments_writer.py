"""`--assignments` lines are put together from JSON texts, spooled in batches: each must be what `json.dumps` of
the line's dict gives, in input order."""

from __future__ import annotations

import io
import json

from loggardener.job import _BATCH, _AssignmentWriter

AWKWARD = [
    "plain-id",
    'quote " and \\ backslash',
    "tab\there, newline\nthere, return\rthere",
    "nul \x00 and bell \x07",
    "accents é, CJK 日本, emoji 🪴",
    "line separators \u2028 \u2029 \x85",
    "lone surrogate \ud800",
    "",
    "null",
]


def test_assignment_lines_are_json_dumps_of_each_line() -> None:
    spool = io.StringIO()
    writer = _AssignmentWriter(spool)
    rows: list[tuple[int, str | None, str | None, str | None]] = []
    for position, text in enumerate(AWKWARD, start=1):
        rows.append((position, text, f"key {text}", None))
        rows.append((position + 100, None, None, f"skipped {text}"))
        rows.append((position + 200, text, None, text))
    rows *= 2 * _BATCH // len(rows) + 1  # more than two batches of spooled lines
    for row in rows:
        writer(*row)
    out = io.StringIO()
    writer.finish(out, lambda key: f"final\t{key}")

    expected = []
    for position, insert_id, key, skipped in rows:
        line: dict[str, object] = {
            "insertId": insert_id,
            "fingerprint": None if key is None else f"final\t{key}",
            "position": position,
        }
        if skipped is not None:
            line["skipped"] = skipped
        expected.append(json.dumps(line) + "\n")
    assert out.getvalue() == "".join(expected)
