"""Exports as they really arrive: BOMs, UTF-16, bad bytes, truncated gzip, lone surrogates, deep nesting.

Every readable entry is kept; one damaged entry costs itself, never the entries after it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from loggardener.config import GardenerConfig
from loggardener.pipeline import Scan, ScanOptions
from loggardener.report import ScanReport
from loggardener.sources.file import MAX_DEPTH, FileSource, _without_lone_surrogates


def _entry(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "insertId": f"id-{i}",
        "timestamp": "2026-11-21T12:00:00Z",
        "severity": "ERROR",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}},
        "textPayload": f"database unavailable {i}",
    } | fields


def _array(count: int) -> str:
    return json.dumps([_entry(i) for i in range(count)], indent=2)


def _ndjson(count: int) -> str:
    return "".join(json.dumps(_entry(i)) + "\n" for i in range(count))


def _scan(path: Path) -> ScanReport:
    return Scan(GardenerConfig(), ScanOptions()).run(FileSource(path))


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_utf8_bom_export_is_read(tmp_path: Path) -> None:
    for name, text in (("a.json", _array(5)), ("n.ndjson", _ndjson(5))):
        report = _scan(_write(tmp_path, name, b"\xef\xbb\xbf" + text.encode()))
        assert (report.totals.read, report.totals.clustered) == (5, 5), name


def test_utf16_exports_are_read_with_or_without_a_bom(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        for name, text in (("a.json", _array(4)), ("n.ndjson", _ndjson(4))):
            report = _scan(_write(tmp_path, f"{encoding}-{name}", text.encode(encoding)))
            assert (report.totals.read, report.totals.clustered) == (4, 4), (encoding, name)


def test_utf32_exports_are_read_with_or_without_a_bom(tmp_path: Path) -> None:
    """PowerShell's `Out-File -Encoding utf32`: little-endian UTF-32's mark starts as UTF-16's, so the export
    was read as UTF-16 and refused as no export at all."""
    for encoding in ("utf-32", "utf-32-le", "utf-32-be"):
        for name, text in (("a.json", _array(4)), ("n.ndjson", _ndjson(4))):
            report = _scan(_write(tmp_path, f"{encoding}-{name}", text.encode(encoding)))
            assert (report.totals.read, report.totals.clustered) == (4, 4), (encoding, name)
    big_endian_marked = b"\x00\x00\xfe\xff" + _ndjson(2).encode("utf-32-be")
    assert _scan(_write(tmp_path, "be.ndjson", big_endian_marked)).totals.read == 2


def test_one_invalid_utf8_byte_in_a_json_array_costs_no_entry(tmp_path: Path) -> None:
    data = _array(1000).encode().replace(b'database unavailable 1"', b'datab\xe4se unavailable 1"', 1)
    report = _scan(_write(tmp_path, "a.json", data))
    assert (report.totals.read, report.totals.clustered) == (1000, 1000)


def test_a_truncated_gzip_array_keeps_the_entries_before_the_break(tmp_path: Path) -> None:
    data = gzip.compress(_array(3000).encode())
    report = _scan(_write(tmp_path, "cut.json.gz", data[: len(data) // 2]))
    assert report.totals.skipped == {"malformed": 1}
    assert report.totals.clustered == report.totals.read - 1 > 100


def test_a_lone_surrogate_costs_nothing_and_reaches_no_output_as_a_surrogate(tmp_path: Path) -> None:
    lone = '"textPayload": "bad \\ud800 text", "labels": {"k\\udc00": "v"}'
    pair = '"textPayload": "emoji \\ud83d\\ude00"'
    for array in (True, False):
        lines = [json.dumps(_entry(i)) for i in range(3)]
        lines[1] = lines[1].replace('"textPayload": "database unavailable 1"', lone)
        lines[2] = lines[2].replace('"textPayload": "database unavailable 2"', pair)
        text = "[" + ",".join(lines) + "]" if array else "\n".join(lines)
        records = list(FileSource(_write(tmp_path, f"s{array}.json", text.encode())).records())
        assert [r.entry is not None for r in records] == [True, True, True]
        dumped = json.dumps([r.entry for r in records], ensure_ascii=False)
        dumped.encode("utf-8")  # would raise on a surrogate
        assert "bad \ufffd text" in dumped and "k\ufffd" in dumped and "emoji \U0001f600" in dumped


def test_json_nested_too_deep_is_one_malformed_entry_not_the_end(tmp_path: Path) -> None:
    deep = '{"timestamp": "2026-11-21T12:00:00Z", "jsonPayload": {"x": ' + "[" * 995 + "]" * 995 + "}}"
    for array in (True, False):
        lines = [json.dumps(_entry(0)), deep, json.dumps(_entry(2))]
        text = "[" + ",".join(lines) + "]" if array else "\n".join(lines)
        report = _scan(_write(tmp_path, f"d{array}.json", text.encode()))
        assert (report.totals.read, report.totals.clustered) == (3, 2)
        assert f"nested deeper than {MAX_DEPTH} levels" in report.totals.malformed[0].error


@given(
    st.lists(st.sampled_from(["a", "\\\\", "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0041", "\\n", "é"])),
    st.integers(1, 20),
)
def test_lone_surrogate_escapes_are_replaced_wherever_the_chunks_are_cut(parts: list[str], size: int) -> None:
    text = '"' + "".join(parts) + '"'
    out, carry = "", ""
    for start in range(0, len(text), size):
        ready, carry = _without_lone_surrogates(carry + text[start : start + size], final=False)
        out += ready
    ready, carry = _without_lone_surrogates(carry, final=True)
    out += ready
    assert carry == ""
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in json.loads(text))
    assert json.loads(out) == expected


def test_bytes_that_are_not_utf8_are_counted_and_said(tmp_path: Path) -> None:
    for array in (True, False):
        text = _array(3) if array else _ndjson(3)
        data = text.encode().replace(b"database unavailable 1", "databäse unavailable 1’".encode("cp1252"))
        source = FileSource(_write(tmp_path, f"w{array}.json", data))
        report = Scan(GardenerConfig(), ScanOptions()).run(source)
        assert (report.totals.read, report.totals.clustered) == (3, 3)
        assert [n for n in source.stats.notes if "2 bytes of" in n and "not UTF-8" in n], source.stats.notes


def test_a_clean_export_has_no_encoding_note(tmp_path: Path) -> None:
    source = FileSource(_write(tmp_path, "ok.json", _array(3).encode() + "\ufffd".encode()))
    list(source.records())
    assert not [n for n in source.stats.notes if "not UTF-8" in n]
