"""FileSource over damaged files: every readable entry is kept, the damage is one counted record."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import pytest

from loggardener.errors import GardenerError
from loggardener.sources.file import FileSource
from loggardener.sources.interface import RawRecord


def _entries(count: int) -> list[dict[str, Any]]:
    # Random text, so that a gzip cut in the middle really cuts through entries (repetitive text compresses to nothing).
    rng = random.Random(7)
    return [
        {
            "insertId": f"id-{i}",
            "timestamp": "2026-11-21T12:00:00Z",
            "severity": "ERROR",
            "textPayload": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(200)),
        }
        for i in range(count)
    ]


def _ndjson(entries: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in entries)


def _read(path: Path) -> list[RawRecord]:
    return list(FileSource(path).records())


def test_truncated_gzip_ndjson_keeps_the_good_lines_and_counts_the_break(tmp_path: Path) -> None:
    data = gzip.compress(_ndjson(_entries(200)))
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    records = _read(path)
    good, last = records[:-1], records[-1]
    assert good and all(r.entry is not None for r in good)
    assert [r.position for r in good] == list(range(1, len(good) + 1))
    assert last.entry is None and last.position == len(good) + 1
    assert last.error is not None and last.error.startswith(f"line {last.position}: input ends early")


def test_corrupt_gzip_ndjson_is_a_counted_record_not_a_crash(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(_ndjson(_entries(200))))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "corrupt.ndjson.gz"
    path.write_bytes(bytes(data))
    records = _read(path)
    assert records[-1].entry is None and records[-1].error is not None
    assert "input ends early" in records[-1].error
    assert all(r.entry is not None for r in records[:-1])


def test_truncated_gzip_array_keeps_the_good_entries(tmp_path: Path) -> None:
    data = gzip.compress(json.dumps(_entries(2000)).encode())  # ijson reads 64 kB at a time
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    records = _read(path)
    assert len(records) > 1 and all(r.entry is not None for r in records[:-1])
    last = records[-1]
    assert last.entry is None and last.error is not None
    assert last.error.startswith(f"entry {last.position}: ")


def test_a_non_utf8_byte_keeps_the_entry(tmp_path: Path) -> None:
    entry = _entries(1)[0] | {"textPayload": "caf\u00e9 failed"}
    raw = json.dumps(entry, ensure_ascii=False).encode("utf-8").replace("\u00e9".encode(), b"\xe9")
    path = tmp_path / "latin1.ndjson"
    path.write_bytes(raw + b"\n")
    (record,) = _read(path)
    assert record.entry is not None and record.entry["textPayload"] == "caf\ufffd failed"


def test_errors_name_lines_for_ndjson_and_entries_for_arrays(write_export) -> None:  # type: ignore[no-untyped-def]
    good = _entries(1)[0]
    ndjson = write_export([good, [1, 2], good])
    assert [r.error for r in _read(ndjson)] == [None, "line 2: expected a LogEntry object, found list", None]
    array = write_export([good, [1, 2], "x"], name="export.json", array=True)
    assert [r.error for r in _read(array)] == [
        None,
        "entry 2: expected a LogEntry object, found list",
        "entry 3: expected a LogEntry object, found str",
    ]
    broken = ndjson.with_name("broken.ndjson")
    broken.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    error = _read(broken)[1].error
    assert error is not None and error.startswith("line 2: invalid JSON")


def test_an_unreadable_path_is_still_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(GardenerError, match="is a directory"):
        _read(tmp_path)
