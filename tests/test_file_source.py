"""FileSource over damaged files: every readable entry is kept, the damage is one counted record."""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import json
import math
import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loggardener.errors import GardenerError
from loggardener.sources.file import (
    STREAM_DEPTH_LIMIT,
    WHOLE_ARRAY_BYTES,
    FileSource,
    _array_records,
    _loads,
    _ndjson_batches,
    _ndjson_records,
    _Nesting,
    _Utf8,
    decode_lines,
)
from loggardener.sources.interface import LineBatch, RawRecord


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


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("indent", [None, 2])
def test_a_small_gzip_array_cut_short_keeps_the_entries_before_the_cut(
    tmp_path: Path, indent: int | None, encoding: str
) -> None:
    # smaller than ijson's first read (64 kB): the cut came before any entry was decoded, or crashed the scan
    data = gzip.compress(json.dumps(_entries(30), indent=indent).encode(encoding))
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) * 3 // 5])
    records = _read(path)
    good, last = records[:-1], records[-1]
    assert len(good) >= 10 and all(r.entry is not None for r in good)
    assert last.entry is None and last.error == (
        f"entry {len(good) + 1}: input ends early: Compressed file ended before the end-of-stream marker was reached"
    )


@pytest.mark.parametrize("indent", [None, 2])
def test_a_small_gzip_array_failing_its_crc_keeps_every_entry_then_says_so(
    tmp_path: Path, indent: int | None
) -> None:
    data = bytearray(gzip.compress(json.dumps(_entries(30), indent=indent).encode()))
    data[-8] ^= 0xFF  # the CRC-32 of the gzip trailer
    path = tmp_path / "crc.json.gz"
    path.write_bytes(bytes(data))
    records = _read(path)
    assert [r.entry is not None for r in records] == [True] * 30 + [False]
    assert "entry 31: input ends early: corrupt compressed data: CRC check failed" in str(records[-1].error)


def test_a_small_gzip_array_whole_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "whole.json.gz"
    path.write_bytes(gzip.compress(json.dumps(_entries(30), indent=2).encode()))
    assert [r.error for r in _read(path)] == [None] * 30


@pytest.mark.parametrize("compress", [False, True])
def test_a_saved_entries_list_page_cut_short_keeps_the_entries_before_the_cut(
    tmp_path: Path, compress: bool
) -> None:
    page = json.dumps({"entries": _entries(30), "nextPageToken": "EAA4suKu3qnLwbtrQ"}, indent=2).encode()
    data = gzip.compress(page) if compress else page
    path = tmp_path / "page.json"
    path.write_bytes(data[: len(data) * 3 // 5])
    records = _read(path)
    good, last = records[:-1], records[-1]
    assert len(good) >= 10 and [r.entry["insertId"] for r in good if r.entry] == [
        f"id-{i}" for i in range(len(good))
    ]
    assert last.entry is None and str(last.error).startswith(f"entry {len(good) + 1}: ")


def test_exports_appended_keep_the_entries_of_the_last_before_its_cut(tmp_path: Path) -> None:
    entries = _entries(30)
    data = (json.dumps(entries[:10], indent=1) + "\n" + json.dumps(entries[10:], indent=1)).encode()
    path = tmp_path / "appended.json"
    path.write_bytes(data[: len(data) * 4 // 5])
    records = _read(path)
    assert len(records) > 16 and all(r.entry is not None for r in records[:-1])
    assert "the file ends in the middle of this entry" in str(records[-1].error)


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
    assert [r.error for r in _read(ndjson)] == [
        None,
        "line 2: expected a LogEntry object, found a JSON array",
        None,
    ]
    array = write_export([good, [1, 2], "x"], name="export.json", array=True)
    assert [r.error for r in _read(array)] == [
        None,
        "entry 2: expected a LogEntry object, found a JSON array",
        "entry 3: expected a LogEntry object, found a JSON string",
    ]
    broken = ndjson.with_name("broken.ndjson")
    broken.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    error = _read(broken)[1].error
    assert error is not None and error.startswith("line 2: invalid JSON")


class _EndlessBytes(io.RawIOBase):
    """A device that never ends (/dev/urandom, /dev/zero as `--from`): `pattern` again and again, and a test
    failure once far more than an input's first bytes were read."""

    def __init__(self, pattern: bytes) -> None:
        self._pattern = pattern
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        assert self.served < 4 << 20, "read on past the first bytes of an endless binary input"
        size = len(buffer)
        buffer[:size] = (self._pattern * (size // len(self._pattern) + 1))[:size]
        self.served += size
        return size


@pytest.mark.parametrize(
    "pattern",
    [
        random.Random(3).randbytes(4099),  # /dev/urandom: a line opening with `{` now and then
        b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 3 + b"\n{",
        b"{" + random.Random(5).randbytes(8191),  # `{` first, then nothing of JSON
    ],
)
def test_an_endless_binary_input_is_refused_from_its_first_bytes(pattern: bytes) -> None:
    """Read on, a device that never ends was counted malformed line by line forever (half a million lines in
    30 s); its first bytes say it is no export."""
    endless = _EndlessBytes(pattern)
    with pytest.raises(
        GardenerError, match="not a Cloud Logging export: its first bytes are mostly NUL, control"
    ):
        list(FileSource("-", stdin=io.BufferedReader(endless)).records())
    assert endless.served < 1 << 20


def test_nuls_before_the_entries_are_one_counted_line_not_a_binary_file(tmp_path: Path) -> None:
    """Look-alike: a file truncated (`copytruncate`) under a writer that kept its offset starts with NULs, then
    its lines: they are read, the NULs one malformed line, as before the binary check."""
    path = tmp_path / "e.ndjson"
    path.write_bytes(b"\0" * 4000 + b"\n" + _ndjson(_entries(3)))
    records = _read(path)
    assert [r.entry is not None for r in records] == [False, True, True, True]


@pytest.mark.parametrize(
    ("note", "line_end"),
    [
        ("caf\xe9 \x96 na\xefve".encode("latin-1"), b"\n"),  # Windows-1252 accents: a few undecodable bytes
        (b"ok", b"\t\r\n"),  # tabs and CRLF
    ],
)
def test_text_with_a_few_odd_bytes_is_not_taken_for_binary(
    tmp_path: Path, note: bytes, line_end: bytes
) -> None:
    path = tmp_path / "e.ndjson"
    line = b'{"timestamp":\t"2026-11-21T12:00:00Z", "textPayload": "x", "note": "' + note + b'"}' + line_end
    path.write_bytes(line * 50)
    assert len(_read(path)) == 50


def _utf16(data: bytes) -> bytes:
    return b"\xff\xfe" + data.decode().replace("\n", "\r\n").encode("utf-16-le")


@pytest.mark.parametrize(
    ("joined", "said"),
    [
        (lambda a, b: a + _utf16(b), "text in UTF-16 or UTF-32 inside a file of another encoding"),
        (lambda a, b: a + gzip.compress(b), "gzip-compressed data inside text (a .gz file appended"),
        (lambda a, b: _utf16(a) + b, "UTF-8 text inside a UTF-16 file"),
        (lambda a, b: a + b"\xff\xfe\x00\x00" + b.decode().encode("utf-32-le"), "text in UTF-16 or UTF-32"),
        (lambda a, b: a + bz2.compress(b), "bzip2-compressed data inside text (a compressed file appended"),
        (
            lambda a, b: a + b"\x28\xb5\x2f\xfd\x24\x00" + bytes(range(200)),
            "zstd-compressed data inside text",
        ),
        (lambda a, b: a + b"\xfd7zXZ\x00\x00\x04" + bytes(range(200)), "xz-compressed data inside text"),
    ],
)
def test_a_file_of_another_encoding_or_gzip_appended_is_said_as_such(
    tmp_path: Path, joined: Callable[[bytes, bytes], bytes], said: str
) -> None:
    """`cat a.ndjson b.ndjson` of a file saved by PowerShell (UTF-16) or a .gz: the first file's entries are
    read and the rest is counted, its reason telling what it is, not only the decoder's `Expecting value`."""
    path = tmp_path / "joined.ndjson"
    path.write_bytes(joined(_ndjson(_entries(4)), _ndjson(_entries(3))))
    records = _read(path)
    assert sum(1 for r in records if r.entry is not None) == 4
    first_bad = next(r for r in records if r.entry is None)
    assert said in (first_bad.error or "")


def test_a_line_of_text_that_is_no_json_keeps_its_plain_reason(tmp_path: Path) -> None:
    """Look-alikes: a script's line of text, one opening as bzip2's magic does, a line of NULs, Chinese text:
    `invalid JSON`."""
    path = tmp_path / "e.ndjson"
    path.write_bytes(
        _ndjson(_entries(2))
        + b"done in 3 s\n"
        + b"BZhello\n"
        + b"\0" * 300
        + b"\n"
        + "\u6570\u636e\u5e93\u8fde\u63a5\u5931\u8d25\u4e86\u554a\n".encode()
    )
    errors = [r.error for r in _read(path) if r.entry is None]
    assert len(errors) == 4 and all(e is not None and ": invalid JSON: " in e for e in errors)


def test_an_unreadable_path_is_still_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(GardenerError, match="is a directory"):
        _read(tmp_path)


def _decoded(text: str) -> tuple[str, str]:
    """What a JSON decoder makes of a line: the value with every type spelled out, or the error it gives."""
    try:
        return "value", ascii(_typed(_loads(text)))
    except json.JSONDecodeError as exc:
        return "error", str(exc)
    except RecursionError:
        return "error", "too deep"


def _stdlib_decoded(text: str) -> tuple[str, str]:
    try:
        return "value", ascii(_typed(json.loads(text)))
    except json.JSONDecodeError as exc:
        return "error", str(exc)
    except RecursionError:
        return "error", "too deep"


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _typed(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, repr(value))


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
_NUMBER_TEXTS = st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)
_LINES = st.one_of(
    _JSON_VALUES.map(json.dumps),
    _JSON_VALUES.map(lambda value: json.dumps(value, ensure_ascii=False)),
    _NUMBER_TEXTS,
    _NUMBER_TEXTS.map(lambda number: f'{{"status": {number}, "a": [{number}]}}'),
    # lone surrogate escapes, duplicate keys, damage
    st.builds(
        "{}{}{}".format,
        st.sampled_from(['{"a": "', '{"a": 1, "a": "', '["', '{"a": 1, "b": 2, "a": "']),
        st.lists(
            st.sampled_from(["\\ud800", "\\udc00", "\\ud83d\\ude00", "x", "\\n", '\\"', "\u00e9", "\\u0000"])
        ).map("".join),
        st.sampled_from(['"}', '"]', '"', '"}}', '"} ', '"}\n', '",}', '"}x']),
    ),
    st.sampled_from(
        ["NaN", "[Infinity, -Infinity]", "1e400", "\ufeff{}", "{} ", "[1,]", "[" * 2000 + "]" * 2000]
    ),
    st.text(alphabet='{}[]":,0123456789.eE-+ tfnrulase\\', max_size=30),
)


@given(_LINES)
def test_ndjson_lines_decode_as_the_standard_library_decodes_them(line: str) -> None:
    assert _decoded(line) == _stdlib_decoded(line)


# numbers ijson streams as json reads them: integers within 64 bits, finite floats (a larger array than
# WHOLE_ARRAY_BYTES holding another number loses its rest; a smaller one is read as json reads it, see below)
_STREAMED_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
_ARRAY_ITEMS = st.lists(
    _STREAMED_VALUES
    | st.dictionaries(st.sampled_from(["insertId", "textPayload", "a"]), _STREAMED_VALUES, max_size=3)
    | st.recursive(
        st.dictionaries(st.just("k"), st.none(), max_size=1),
        lambda inner: st.dictionaries(st.just("k"), inner, min_size=1, max_size=1),
        max_leaves=70,
    ),
    max_size=5,
)


@given(
    _ARRAY_ITEMS,
    st.sampled_from(["", "]", "x", '{"a": "\\ud800"}]', "[1,]]", ',{"b": 1}]x']),
    st.booleans(),
)
def test_a_small_array_decoded_at_once_gives_the_records_streaming_gives(
    items: list[Any], damage: str, pretty: bool
) -> None:
    """orjson's whole-array decoding and ijson's streaming agree on every record: the items (deep ones
    refused, lone surrogates replaced), and for damaged or cut arrays the entries before the damage and the
    error after them."""
    text = json.dumps(items, indent=1 if pretty else None)
    if damage:
        text = text[:-1] + ("," if items else "") + damage if damage != "]" else text[:-1]

    def records(limit: int) -> list[tuple[int, Any, str | None]]:
        """The records, errors without yajl's quote of the text around the damage (read in other chunks)."""
        stream = _Utf8(io.StringIO(text))
        return [
            (r.position, r.entry, r.error and r.error.split(":")[0])
            for r in _array_records(stream, "x.json", whole_limit=limit)
        ]

    assert records(WHOLE_ARRAY_BYTES) == records(0)


@given(_JSON_VALUES)
def test_a_small_array_reads_every_number_as_ndjson_does(value: Any) -> None:
    """An integer past 64 bits, NaN or an infinity in one entry costs neither that entry nor the rest of a
    small array (ijson, streaming, gives up the rest there): items decode as the standard library decodes them."""
    items = [{"insertId": "a", "v": value}, {"insertId": "b"}]
    text = json.dumps(items)
    records = list(_array_records(_Utf8(io.StringIO(text)), "x.json"))
    assert [r.error for r in records] == [None, None]
    assert ascii([_typed(r.entry) for r in records]) == ascii(_typed(json.loads(text)))


def test_a_small_array_keeps_big_integers_and_non_finite_numbers() -> None:
    text = '[{"insertId": "a", "n": 1267650600228229401496703205376, "x": NaN, "y": -Infinity}, {"insertId": "b"}]'
    first, second = (record.entry for record in _array_records(_Utf8(io.StringIO(text)), "x.json"))
    assert first is not None and second == {"insertId": "b"}
    assert first["n"] == 2**100 and math.isnan(first["x"]) and first["y"] == -math.inf


def test_an_item_nested_too_deep_is_refused_however_the_array_is_decoded() -> None:
    deep: Any = "x"
    for _ in range(70):
        deep = {"k": deep}
    text = json.dumps([{"insertId": "a"}, deep, [[["fine"]]]])
    for limit in (WHOLE_ARRAY_BYTES, 0):
        records = list(_array_records(_Utf8(io.StringIO(text)), "x.json", whole_limit=limit))
        assert [(r.position, r.error) for r in records] == [
            (1, None),
            (2, "entry 2: JSON nested deeper than 64 levels"),
            (3, "entry 3: expected a LogEntry object, found a JSON array"),
        ]


@pytest.mark.parametrize("body", [b"\x07" + b"\x00" * 40, b""], ids=["invalid-block", "header-only"])
def test_a_gzip_header_then_no_readable_data_is_one_line(tmp_path: Path, body: bytes) -> None:
    """A gzip header followed by corrupt deflate data was an internal error (zlib.error while peeking)."""
    path = tmp_path / "export.json.gz"
    path.write_bytes(gzip.compress(_ndjson(_entries(3)))[:10] + body)
    with pytest.raises(GardenerError) as caught:
        _read(path)
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith(f"cannot read {path}: ")


def test_an_array_nested_thousands_deep_stops_there_in_little_memory(tmp_path: Path) -> None:
    """ijson's memory grows with the square of the nesting (20,000 opening brackets, a 20 KB file, took a
    gigabyte): the streamed reading stops past STREAM_DEPTH_LIMIT levels, keeping the entries before."""
    good = json.dumps(_entries(2))[:-1]
    path = tmp_path / "deep.json"
    path.write_text(good + ', {"a": "[[ \\" {{", "b": ' + "[" * 8000, encoding="utf-8")
    tracemalloc.start()
    try:
        records = _read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(r.position, r.error) for r in records] == [
        (1, None),
        (2, None),
        (3, f"entry 3: JSON nested deeper than {STREAM_DEPTH_LIMIT} levels, rest unreadable"),
    ]
    assert peak < 40 << 20  # 160 MB without the limit


def _walked_nesting(chunks: list[bytes]) -> tuple[int, bool, int | None]:
    """Depth, string state and the offset of the cut in the chunk that passes the limit, character by character
    (an escape is two characters, none cut by a chunk's end: JSON has them only inside strings)."""
    depth, in_string = 0, False
    for chunk in chunks:
        escaped = False
        for offset, char in enumerate(chunk.decode()):
            if escaped or char == "\\":
                escaped = not escaped
            elif char == '"':
                in_string = not in_string
            elif in_string:
                continue
            elif char in "[{":
                depth += 1
                if depth > STREAM_DEPTH_LIMIT:
                    return depth, in_string, len(chunk.decode()[:offset].encode())
            elif char in "]}":
                depth -= 1
    return depth, in_string, None


_OUTSIDE_STRINGS = ['"', "[", "]", "{", "}", " ", ",", "[" * 250]
_INSIDE_STRINGS = ['"', "[", "]", "{", "}", '\\"', "\\\\", "a", "é", "密"]


@settings(max_examples=50)
@given(
    st.lists(st.integers(min_value=0, max_value=99), min_size=1, max_size=120),
    st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=6),
)
def test_the_nesting_of_a_text_read_in_chunks_is_the_nesting_walked_byte_by_byte(
    choices: list[int], sizes: list[int]
) -> None:
    """`_Nesting` reads each chunk's quotes and brackets at once: the depth, whether a string is open, and where
    the text passes STREAM_DEPTH_LIMIT are those of a walk over every character (of JSON-like text: escapes
    inside strings only; a chunk may end inside a string, never inside an escape)."""
    pieces: list[str] = []
    in_string = False
    for choice in choices:
        options = _INSIDE_STRINGS if in_string else _OUTSIDE_STRINGS
        piece = options[choice % len(options)]
        in_string ^= piece == '"'
        pieces.append(piece)
    chunks = []
    for size in sizes:
        chunks.append("".join(pieces[:size]).encode())
        pieces = pieces[size:]
    nesting = _Nesting()
    cut = None
    for at, chunk in enumerate(chunks):
        cut = nesting.feed(chunk)
        if cut is not None:
            chunks = chunks[: at + 1]
            break
    depth, in_string, walked_cut = _walked_nesting(chunks)
    assert cut == walked_cut
    if cut is None:
        assert (nesting.depth, nesting.in_string) == (depth, in_string)


def test_brackets_and_escaped_quotes_in_strings_do_not_count_as_nesting() -> None:
    text = json.dumps([{"insertId": str(i), "m": '\\"' + "[{" * 600 + "\\"} for i in range(40)])
    records = list(_array_records(_Utf8(io.StringIO(text)), "x.json", whole_limit=0))
    assert [r.error for r in records] == [None] * 40


@given(
    cuts=st.lists(st.integers(min_value=0, max_value=12), max_size=4),
    indent=st.sampled_from([None, 1, 2]),
    ndjson_tail=st.integers(min_value=0, max_value=3),
)
def test_arrays_appended_to_one_file_are_read_whole(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[int], indent: int | None, ndjson_tail: int
) -> None:
    """`cat a.json b.json`, or an array of entries on NDJSON's first line: every entry is read, in order."""
    entries = _entries(12 + ndjson_tail)
    bounds = [0, *sorted(cuts), 12]
    arrays = [entries[a:b] for a, b in itertools.pairwise(bounds)]
    text = "\n".join(json.dumps(array, indent=indent) for array in arrays) + "\n"
    text += "".join(json.dumps(entry) + "\n" for entry in entries[12:])
    path = tmp_path_factory.mktemp("appended") / "export.json"
    path.write_text(text, encoding="utf-8")
    records = _read(path)
    assert [r.entry for r in records] == entries
    assert [r.position for r in records] == list(range(1, len(entries) + 1))


def test_an_array_of_entries_on_the_first_line_of_ndjson_costs_nothing(tmp_path: Path) -> None:
    entries = _entries(300)  # the first line alone is larger than the bytes the format is told from
    path = tmp_path / "export.ndjson"
    path.write_text(json.dumps(entries[:200]) + "\n" + _ndjson(entries[200:]).decode(), encoding="utf-8")
    assert [r.entry for r in _read(path)] == entries


@given(st.data())
def test_an_array_of_entries_on_any_line_of_ndjson_is_read_entry_by_entry(data: st.DataObject) -> None:
    """An export pasted into NDJSON (`jq -c .` of a gcloud array, appended to a log): its entries are read, each
    at that line, where one "malformed" item used to stand for all of them. A non-object in it is counted."""
    entries = _entries(30)
    where = data.draw(st.integers(1, 28))
    size = data.draw(st.integers(1, 30 - where))
    pasted: list[Any] = entries[where : where + size]
    odd = data.draw(st.booleans())
    lines = [json.dumps(e) for e in entries[:where]]
    lines.append(json.dumps([*pasted, 7] if odd else pasted))
    lines += [json.dumps(e) for e in entries[where + size :]]
    records = list(_ndjson_records(io.StringIO("\n".join(lines) + "\n"), "x.ndjson"))
    assert [r.entry for r in records if r.entry is not None] == entries
    assert {r.position for r in records[where : where + size]} == {where + 1}
    errors = [r.error for r in records if r.entry is None]
    assert errors == ([f"line {where + 1}: expected a LogEntry object, found a JSON number"] if odd else [])
    # decoded in runs, as worker processes do: the same records
    assert list(decode_lines(LineBatch(1, [line + "\n" for line in lines]))) == records


def _batched(text: str, size: int) -> list[RawRecord]:
    """The records of NDJSON `text` read in runs of `size` lines, decoded as worker processes decode them."""
    records: list[RawRecord] = []
    for item in _ndjson_batches(io.StringIO(text), "x.ndjson", size):
        records += decode_lines(item) if isinstance(item, LineBatch) else [item]
    return records


@given(st.data())
def test_a_json_value_printed_over_several_lines_inside_ndjson_is_read_whole(data: st.DataObject) -> None:
    """`jq .` or `json.dumps(indent=2)` output appended to NDJSON (an array of entries, or one entry): its
    entries are read at its first line, where each of its lines used to be one unexplained malformed line; the
    lines after it keep their numbers; read in runs of lines (workers) it is the same, wherever a run ends."""
    entries = _entries(30)
    where = data.draw(st.integers(0, 29))
    size = data.draw(st.integers(1, 30 - where))
    one = size == 1 and data.draw(st.booleans())
    indent = data.draw(st.sampled_from([1, 2, 4, "\t"]))
    pretty = json.dumps(entries[where] if one else entries[where : where + size], indent=indent)
    tail = [json.dumps(e) for e in entries[where + size :]] + ["not json"]
    text = "\n".join([*(json.dumps(e) for e in entries[:where]), pretty, *tail]) + "\n"
    records = list(_ndjson_records(io.StringIO(text), "x.ndjson"))
    assert [r.entry for r in records[:-1]] == entries
    assert {r.position for r in records[where : where + size]} == {where + 1}
    assert records[-1].error == f"line {where + pretty.count(chr(10)) + len(tail) + 1}: invalid JSON: " + (
        "Expecting value: line 1 column 1 (char 0)"
    )
    assert _batched(text, data.draw(st.integers(1, 40))) == records


@given(st.data())
def test_an_entry_cut_short_is_said_as_cut_and_at_the_end_of_a_file_as_the_file_cut_there(
    data: st.DataObject,
) -> None:
    """A download, a copy or a disk that ran out cuts an export inside its last entry; a line length limit cuts
    one inside the file. Either is counted with its line, as before, and now said as what it is, in the scan's
    process and in workers alike; the entries before it are read."""
    entries = _entries(data.draw(st.integers(1, 6)))
    cut_line = json.dumps(entries[-1])
    cut = cut_line[: data.draw(st.integers(2, len(cut_line) - 1))]
    at_end = data.draw(st.booleans())
    text = "".join(json.dumps(e) + "\n" for e in entries[:-1]) + cut + ("" if at_end else "\n")
    records = list(_ndjson_records(io.StringIO(text), "x.ndjson"))
    assert [r.entry for r in records[:-1]] == entries[:-1]
    said = records[-1].error or ""
    expected = "the file ends in the middle of this entry" if at_end else "the entry is cut short"
    assert said.startswith(f"line {len(entries)}: {expected} (")
    assert _batched(text, data.draw(st.integers(1, 4))) == records


@given(st.integers(1, 5), st.floats(0.05, 0.95), st.sampled_from([None, 2]))
def test_a_json_array_cut_short_keeps_its_whole_entries_and_says_the_file_ends_there(
    count: int, fraction: float, indent: int | None
) -> None:
    """gcloud's array, cut by a download, a copy or a disk that ran out: yajl's `parse error: premature EOF
    (right here) ------^` was the reason given."""
    entries = _entries(count)
    text = json.dumps(entries, indent=indent)
    cut = text[: max(2, int(len(text) * fraction))]
    records = list(_array_records(io.BytesIO(cut.encode()), "x.json"))
    whole = [r.entry for r in records if r.entry is not None]
    assert whole == entries[: len(whole)]
    after = f", after entry {len(whole)}" if whole else ""
    assert records[-1].error == (
        f"entry {len(whole) + 1}: the file ends in the middle of this entry{after} (it was cut short: a "
        "download, a copy or a disk that ran out?)"
    )


@pytest.mark.parametrize(
    "line", ["not json", "{'a': 1}", '{"a": tx}', '{"a": 1,}', "2026-01-01 12:00 ERROR x", '"a" "b"', "1 2 3"]
)
def test_a_line_that_is_no_json_but_not_cut_is_still_invalid_json(line: str) -> None:
    for text in (f"{line}\n", line):
        [record] = list(_ndjson_records(io.StringIO(text), "x.ndjson"))
        assert (record.error or "").startswith("line 1: invalid JSON: ")


@pytest.mark.parametrize(
    ("line", "entries"),
    [('{"a": 1} {"b": 2}', 2), ('{"a": 1}}', 1), ('{"a": 1} x', 1), ('{"a": 1} 2026-01-01 12 "x" null', 1)],
)
def test_a_line_of_values_one_after_another_gives_each_and_says_what_is_not_one(
    line: str, entries: int
) -> None:
    for text in (f"{line}\n", line):
        records = list(_ndjson_records(io.StringIO(text), "x.ndjson"))
        assert len(records) == 2
        assert [r.entry for r in records[:entries]] == [{"a": 1}, {"b": 2}][:entries]
        assert all((r.error or "").startswith("line 1: invalid JSON: ") for r in records[entries:])


@pytest.mark.parametrize(
    "broken",
    [
        '[\n  {"a": 1},\n  oops\n]\n',  # closed, but no JSON
        '{\n  "insertId": "x",\n',  # never closed
        "  [\n]\n",  # closed at another indentation than it opened
    ],
)
def test_lines_that_open_a_value_never_read_whole_are_counted_one_by_one_as_before(broken: str) -> None:
    entry = json.dumps(_entries(1)[0])
    text = f"{entry}\n{broken}{entry}\n"
    records = list(_ndjson_records(io.StringIO(text), "x.ndjson"))
    lines = text.splitlines()
    assert [r.position for r in records] == [n for n, line in enumerate(lines, start=1) if line.strip()]
    assert records[-1].entry is not None  # the entry after it is read
    assert _batched(text, 2) == records


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_files_saved_with_a_byte_order_mark_and_appended_are_read_whole(
    tmp_path: Path, encoding: str
) -> None:
    """`cat a.ndjson b.ndjson` where b (or both) was saved with a BOM (PowerShell, Notepad): the mark at the
    start of b's first line is no part of its entry, which used to be lost as "Unexpected UTF-8 BOM"."""
    entries = _entries(6)
    path = tmp_path / "export.ndjson"
    first = "".join(json.dumps(e) + "\n" for e in entries[:3]).encode(encoding)
    path.write_bytes(first + "".join(json.dumps(e) + "\n" for e in entries[3:]).encode("utf-8-sig"))
    records = _read(path)
    assert [r.entry for r in records] == entries
    assert [
        r.entry for r in decode_lines(LineBatch(1, path.read_text(encoding="utf-8-sig").splitlines()))
    ] == entries
    lone = list(_ndjson_records(io.StringIO("\ufeff\n" + json.dumps(entries[0]) + "\n"), "x.ndjson"))
    assert (
        "Unexpected UTF-8 BOM" in str(lone[0].error) and lone[1].entry == entries[0]
    )  # a mark alone: no entry


def test_json_text_sequences_are_read_as_ndjson(tmp_path: Path) -> None:
    """RFC 7464 (`jq --seq`): each JSON text begins with the record separator, one per line all the same."""
    entries = _entries(5)
    path = tmp_path / "export.json"
    path.write_bytes(b"".join(b"\x1e" + json.dumps(e).encode() + b"\n" for e in entries) + b"\x1e\n")
    records = _read(path)
    assert [r.entry for r in records if r.entry is not None] == entries
    assert all(r.entry is not None for r in records)  # a separator alone is a blank line


def test_text_appended_to_a_gzip_file_is_said_as_such_after_its_entries(tmp_path: Path) -> None:
    entries = _entries(4)
    path = tmp_path / "export.json.gz"
    path.write_bytes(gzip.compress(_ndjson(entries)) + b"this is not gzip\n" + _ndjson(entries))
    records = _read(path)
    assert [r.entry for r in records[:4]] == entries
    [broken] = records[4:]
    assert broken.error == (
        "line 5: input ends early: the gzip data ends and bytes that are not gzip follow (b'th'): text appended "
        "to a compressed file? What follows was not read: decompress the file and scan it whole"
    )


def test_a_line_holding_an_array_of_no_entry_is_one_malformed_line() -> None:
    records = list(_ndjson_records(io.StringIO('[1, 2]\n[]\n{"a": 1}\n'), "x.ndjson"))
    assert [r.error for r in records] == [
        "line 1: expected a LogEntry object, found a JSON array",
        "line 2: expected a LogEntry object, found a JSON array",
        None,
    ]


def test_arrays_appended_past_the_whole_array_size_say_what_happened() -> None:
    text = json.dumps(_entries(2)) + "\n" + json.dumps(_entries(2)) + "\n"
    records = list(_array_records(_Utf8(io.StringIO(text)), "x.json", whole_limit=0))
    assert [r.entry is not None for r in records] == [True, True, False]
    assert records[2].error is not None
    assert "more text follows the end of the array (exports appended to one file?" in records[2].error


def _layouts() -> dict[str, bytes]:
    """The same six entries laid out as tools other than `gcloud --format=json` write them."""
    entries = _entries(6)
    page = {"entries": entries[:3], "nextPageToken": "CjQ"}
    return {
        # `jq '.[]' export.json`: each entry pretty-printed, one after another
        "jq": "\n".join(json.dumps(e, indent=2) for e in entries).encode(),
        # a saved entries.list answer (`curl …/v2/entries:list`), pretty and compact, then a second page
        "pages": (json.dumps(page, indent=2) + json.dumps({"entries": entries[3:]})).encode(),
        "compact pages": "\n".join(json.dumps({"entries": entries[i : i + 2]}) for i in (0, 2, 4)).encode(),
        # a single entry, pretty-printed (copied from the Logs Explorer)
        "entry then arrays": (json.dumps(entries[0], indent=1) + json.dumps(entries[1:])).encode(),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
def test_json_values_not_one_a_line_are_read_value_by_value(tmp_path: Path, layout: str) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(_layouts()[layout])
    records = _read(path)
    assert [r.entry["insertId"] if r.entry else r.error for r in records] == [f"id-{i}" for i in range(6)]
    assert [r.position for r in records] == list(range(1, 7))
    assert {r.unit for r in records} == {"entry"}


def test_an_entries_page_larger_than_the_first_read_is_still_a_page(tmp_path: Path) -> None:
    path = tmp_path / "page.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"entries": _entries(500)}).encode()))
    records = _read(path)
    assert len(records) == 500 and all(r.entry is not None for r in records)


def test_damage_in_values_keeps_the_values_before_it_and_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    pretty = [json.dumps(e, indent=2) for e in _entries(3)]
    path.write_text(pretty[0] + "\n" + pretty[1] + "\n" + pretty[2][:-40], encoding="utf-8")
    records = _read(path)
    assert [r.entry is not None for r in records] == [True, True, False]
    assert records[2].error is not None and records[2].error.startswith(
        "entry 3: the file ends in the middle of this entry, after entry 2"
    )


def test_ndjson_with_a_damaged_first_line_is_still_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "export.ndjson"
    path.write_bytes(b'{"insertId": "cut\n' + _ndjson(_entries(3)))
    records = _read(path)
    assert [r.entry is not None for r in records] == [False, True, True, True]
    assert records[0].error is not None and records[0].error.startswith("line 1: the entry is cut short (")


@pytest.mark.parametrize(
    "after", [b"garbage!", gzip.compress(b"x", mtime=0)[:12]], ids=["garbage", "cut member"]
)
def test_damage_after_the_last_gzip_member_costs_no_entry_before_it(tmp_path: Path, after: bytes) -> None:
    path = tmp_path / "export.ndjson.gz"
    path.write_bytes(gzip.compress(_ndjson(_entries(300))) + after)
    records = _read(path)
    assert [r.entry is not None for r in records] == [True] * 300 + [False]
    assert records[-1].error is not None and "input ends early" in records[-1].error


def test_zero_padding_after_gzip_is_no_damage(tmp_path: Path) -> None:
    path = tmp_path / "export.ndjson.gz"
    path.write_bytes(gzip.compress(_ndjson(_entries(300))) + b"\x00" * 512)  # as gzip -d, padding is ignored
    assert [r.entry is not None for r in _read(path)] == [True] * 300


@pytest.mark.parametrize("stray", [b"null", b"42", b'"starting export"', b"export of 2026-11-21:"])
def test_a_stray_first_line_before_ndjson_costs_that_line_only(tmp_path: Path, stray: bytes) -> None:
    """A script that printed `null`, a number or a line of text before the entries: that line is one malformed
    record, as `{bad` there already was, not a refusal of the whole export."""
    path = tmp_path / "export.ndjson"
    path.write_bytes(stray + b"\n" + _ndjson(_entries(3)))
    records = _read(path)
    assert [r.entry is not None for r in records] == [False, True, True, True]
    assert records[0].error is not None and records[0].error.startswith("line 1: ")


def test_text_without_an_object_line_is_still_no_export(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_bytes(b"2026-11-21 12:00:00 ERROR boom\n  at x\nnull\n")
    with pytest.raises(GardenerError, match="is not a Cloud Logging export"):
        _read(path)


def test_a_stored_zip_of_ndjson_is_still_refused_as_zip(tmp_path: Path) -> None:
    """Its entries show through uncompressed, so lines start with `{`: the archive is refused all the same."""
    import zipfile

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("export.ndjson", _ndjson(_entries(3)))
    with pytest.raises(GardenerError, match="compressed with zip"):
        _read(path)


@pytest.mark.parametrize(
    ("between", "after"),
    [("", ""), (" ", ""), ("", "\r"), (",", ","), (" , ", "")],
    ids=["glued", "spaced", "crlf", "array-items", "spaced-commas"],
)
def test_entries_on_one_line_are_each_read_at_that_line(tmp_path: Path, between: str, after: str) -> None:
    """Files joined without a final newline (`cat` of Cloud Storage sink objects: `}{`), entries a loop printed
    with a space between them, an array's items without its brackets: every entry is read, none counted bad."""
    entries = _entries(5)
    first = between.join(json.dumps(e) for e in entries[:3]) + after
    path = tmp_path / "joined.json"
    path.write_bytes(f"{first}\n{json.dumps(entries[3])}{json.dumps(entries[4])}\n".encode())
    records = _read(path)
    assert [(r.position, r.error) for r in records] == [(1, None)] * 3 + [(2, None)] * 2
    assert [r.entry["insertId"] for r in records if r.entry] == [e["insertId"] for e in entries]


def test_a_joined_line_keeps_its_entries_and_counts_what_follows_them(tmp_path: Path) -> None:
    good, cut = _entries(2)
    path = tmp_path / "joined.ndjson"
    path.write_bytes(
        (json.dumps(good) + json.dumps(cut)[:60] + "\n" + json.dumps(good) + " trailing text\n").encode()
    )
    records = _read(path)
    assert [r.entry["insertId"] if r.entry else None for r in records] == ["id-0", None, "id-0", None]
    assert "cut short" in str(records[1].error)
    assert str(records[3].error).startswith("line 2: invalid JSON")


@pytest.mark.parametrize("ndjson", [True, False], ids=["ndjson", "array"])
def test_gzip_corrupt_in_its_first_8_kib_keeps_the_entries_before_the_damage(
    tmp_path: Path, ndjson: bool
) -> None:
    """A read of a buffer's 8 KiB used to hold every entry before damage there: the pieces are small at first."""
    entries = _entries(60)
    data = bytearray(gzip.compress(_ndjson(entries) if ndjson else json.dumps(entries).encode(), mtime=0))
    for offset in range(1000, 1008):  # under 2 KiB into the decompressed text
        data[offset] ^= 0xA5
    path = tmp_path / "damaged.json.gz"
    path.write_bytes(bytes(data))
    records = _read(path)
    kept = [r.entry for r in records if r.entry is not None]
    assert kept[:4] == entries[:4]  # (the damage garbles the text just before the point zlib stops at)
    assert "input ends early: corrupt compressed data" in str(records[-1].error)


def test_a_socket_given_as_the_export_is_said_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """open() refuses a Unix socket with ENXIO, which was shown as `cannot read s.sock: No such device or
    address`: the line now says what the path is, and what to give instead."""
    import socket

    monkeypatch.chdir(tmp_path)  # a socket's path is short (108 bytes at most)
    server = socket.socket(socket.AF_UNIX)
    server.bind("s.sock")
    try:
        with pytest.raises(GardenerError) as caught:
            list(FileSource("s.sock").records())
    finally:
        server.close()
    assert (
        caught.value.message
        == "s.sock is a socket, not an export file: give a file, or pipe the data into '-'"
    )


def test_a_file_that_cannot_be_opened_for_another_reason_keeps_the_systems_words(tmp_path: Path) -> None:
    """The look-alike: a symbolic link loop is no socket or device; its error is said as the system says it."""
    loop = tmp_path / "x.ndjson"
    loop.symlink_to(loop)
    with pytest.raises(GardenerError) as caught:
        list(FileSource(str(loop)).records())
    assert caught.value.message == f"cannot read {loop}: Too many levels of symbolic links"
