"""The whole scan over hostile input: no exception, damage counted as malformed, totals add up, no secret kept."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import scan_entries
from linear import assert_linear
from loggardener.config import GardenerConfig
from loggardener.pipeline import MAX_MALFORMED_LISTED, Scan, ScanOptions
from loggardener.report import ScanReport
from loggardener.sources.file import FileSource

GOOD: dict[str, Any] = {
    "insertId": "good",
    "timestamp": "2026-11-21T12:00:00Z",
    "severity": "ERROR",
    "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}},
    "textPayload": "database unavailable",
}
KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"


def _assert_totals_add_up(report: ScanReport) -> None:
    assert report.totals.read == report.totals.clustered + report.totals.skipped_total


def _hostile(insert_id: str, **fields: Any) -> dict[str, Any]:
    return GOOD | {"insertId": insert_id} | fields


def _hostile_payload(insert_id: str, **fields: Any) -> dict[str, Any]:
    """A hostile entry whose payload is not the good entry's text."""
    return (
        {key: value for key, value in GOOD.items() if key != "textPayload"} | {"insertId": insert_id} | fields
    )


@pytest.mark.parametrize(
    ("entry", "malformed"),
    [
        (
            _hostile(
                "ipv6", httpRequest={"requestMethod": "GET", "requestUrl": "http://[::1", "status": 502}
            ),
            False,
        ),
        (_hostile("ipv6-path", httpRequest={"requestUrl": "http://[::1/v1/x?y=1", "status": 500}), False),
        (_hostile("year-1", timestamp="0001-01-01T00:00:00+01:00"), True),
        (_hostile("year-9999", timestamp="9999-12-31T23:59:59Z"), True),
        (_hostile("not-a-date", timestamp="2026-02-30T00:00:00Z"), True),
        (_hostile("leap-second", timestamp="2016-12-31T23:59:60Z"), False),
        (_hostile("leap-second-offset", timestamp="2017-01-01T00:59:60.25+01:00"), False),
        (_hostile("offset-25h", timestamp="2026-11-21T12:00:00+25:00"), True),
        # numbers no status can be: `1e999` and `-1e999` read as infinities, `NaN` as NaN
        (_hostile("status-inf", httpRequest={"requestUrl": "https://x/y", "status": float("inf")}), False),
        (
            _hostile(
                "status-nan", httpRequest={"status": float("nan")}, jsonPayload={"status": float("-inf")}
            ),
            False,
        ),
        (
            _hostile_payload(
                "audit-code-inf",
                protoPayload={
                    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                    "methodName": "x",
                    "status": {"code": float("inf")},
                },
            ),
            False,
        ),
        (_hostile_payload("level-inf", jsonPayload={"message": "x", "level": float("inf")}), False),
    ],
    ids=lambda value: value["insertId"] if isinstance(value, dict) else str(value),
)
def test_one_bad_entry_never_aborts_the_scan(entry: dict[str, Any], malformed: bool) -> None:
    report = scan_entries([GOOD, entry, GOOD | {"insertId": "good-2"}])
    _assert_totals_add_up(report)
    assert report.totals.read == 3
    assert report.totals.skipped.get("malformed", 0) == (1 if malformed else 0)
    assert report.totals.clustered == (2 if malformed else 3)


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "token= repeated": lambda n: "token=" * (n // 3),
    "a. then secret": lambda n: "a." * n + " secret",
    "a. then @": lambda n: "a." * n + "@",
    "jwt headers without dots": lambda n: "-eyJaaaa" * (n // 4),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_a_crafted_200kb_line_does_not_stall_the_scan(name: str) -> None:
    # A guard against catastrophic backtracking (these took from seconds to minutes each), not a benchmark.
    def scan(size: int) -> ScanReport:
        return scan_entries([_hostile("crafted", textPayload=ADVERSARIAL[name](size)), GOOD])

    report = assert_linear(scan, 100_000)
    _assert_totals_add_up(report)
    assert report.totals.clustered == 2


def test_a_service_account_key_in_a_json_payload_is_not_kept() -> None:
    key = f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\nc2VjcmV0\n-----END PRIVATE KEY-----\n"
    payload = {"type": "service_account", "private_key": key, "token": "opaque session value"}
    entry = {k: v for k, v in _hostile("sa-key", jsonPayload=payload).items() if k != "textPayload"}
    report = scan_entries([entry])
    kept = report.model_dump_json()
    assert report.totals.clustered == 1 and "service_account" in kept  # the JSON fallback message is kept
    assert KEY_BODY not in kept and "c2VjcmV0" not in kept and "opaque session value" not in kept


def _scan_file(path: Path) -> ScanReport:
    return Scan(GardenerConfig(), ScanOptions()).run(FileSource(path))


def _ndjson(count: int) -> bytes:
    return b"".join(
        json.dumps(_hostile(f"id-{i}", textPayload=f"database unavailable {i * 7919 % 10007}")).encode()
        + b"\n"
        for i in range(count)
    )


def test_a_truncated_gzip_export_is_the_good_lines_plus_one_malformed(tmp_path: Path) -> None:
    data = gzip.compress(_ndjson(3000))
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    report = _scan_file(path)
    _assert_totals_add_up(report)
    assert report.totals.skipped == {"malformed": 1}
    assert report.totals.clustered == report.totals.read - 1 > 0
    assert "input ends early" in report.totals.malformed[0].error


def test_a_corrupt_gzip_export_says_why_after_its_garbled_lines_however_many(tmp_path: Path) -> None:
    """Damaged compressed data (a bad sector, a copy that flipped bytes) decodes into garbled lines, and gzip says
    why only at the end: `CRC check failed`. With more than 50 garbled lines that reason was hidden among the
    `… and N more malformed lines`; it is always listed, as the item that explains the others. Look-alike: a
    file with many bad lines and nothing broken lists 50."""
    plain = _ndjson(3000)
    data = bytearray(gzip.compress(plain, compresslevel=1))
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(byte ^ 0x5A for byte in data[middle : middle + 64])
    path = tmp_path / "damaged.ndjson.gz"
    path.write_bytes(bytes(data))
    report = _scan_file(path)
    _assert_totals_add_up(report)
    assert report.totals.skipped["malformed"] > MAX_MALFORMED_LISTED
    assert "input ends early: corrupt compressed data: CRC check failed" in report.totals.malformed[-1].error
    assert len(report.totals.malformed) == MAX_MALFORMED_LISTED + 1

    bad_lines = tmp_path / "bad.ndjson"
    bad_lines.write_bytes(plain.replace(b'"textPayload"', b'"textPayload" "', 200))
    many = _scan_file(bad_lines)
    assert many.totals.skipped["malformed"] == 200
    assert len(many.totals.malformed) == MAX_MALFORMED_LISTED


def test_a_non_utf8_byte_does_not_cost_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "bytes.ndjson"
    path.write_bytes(_ndjson(2).replace(b"database", b"datab\xe4se", 1))
    report = _scan_file(path)
    _assert_totals_add_up(report)
    assert report.totals.read == report.totals.clustered == 2


def test_array_damage_is_reported_by_entry_number(write_export) -> None:  # type: ignore[no-untyped-def]
    path = write_export([GOOD, [1], _hostile("late", timestamp="9999-12-31T23:59:59Z")], "e.json", array=True)
    report = _scan_file(path)
    _assert_totals_add_up(report)
    assert report.totals.skipped == {"malformed": 2}
    assert report.totals.malformed[0].error.startswith("entry 2: ")


def test_an_integer_past_pythons_digit_limit_is_one_malformed_line(tmp_path: Path) -> None:
    """json reads integers of more than 4,300 digits as a ValueError, not a JSONDecodeError: still one
    malformed line, and the next line is read."""
    export = tmp_path / "export.ndjson"
    long_status = json.dumps(GOOD).replace(
        '"severity"', '"httpRequest": {"status": ' + "9" * 5000 + '}, "severity"'
    )
    export.write_text(long_status + "\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    records = list(FileSource(export).records())
    assert [r.entry is None for r in records] == [True, False]
    assert records[0].error is not None and records[0].error.startswith(
        "line 1: invalid JSON: a number of 5,000 digits (at most 4,300 are read)"
    )


def test_numbers_beyond_64_bits_nan_and_infinity_cost_no_entry_of_an_array_export(tmp_path: Path) -> None:
    """What a Python tool's json.dumps writes (a 128-bit id, NaN, Infinity) reads in an array as in NDJSON."""
    entries = [
        _hostile("wide", jsonPayload={"message": "ledger failed", "request_id": 2**100}),
        _hostile("nan", httpRequest={"status": float("nan"), "latency": float("inf")}),
        GOOD,
    ]
    for name, text in (
        ("e.json", json.dumps(entries)),
        ("e.ndjson", "".join(json.dumps(e) + "\n" for e in entries)),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        report = _scan_file(path)
        _assert_totals_add_up(report)
        assert report.totals.read == report.totals.clustered == 3, name


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [
        (True, "timestamp true is a JSON boolean, neither RFC 3339 text nor an epoch count"),
        (
            {"seconds": 1795262400, "zone": "UTC"},
            'timestamp {"seconds": 1795262400, "zone": "UTC"} is a JSON object',
        ),
        (-1795262400, "timestamp -1795262400 is no epoch count of the years 2001 to 2200"),
        (10**40, "is no epoch count of the years 2001 to 2200"),
        ("20261121120000", "timestamp '20261121120000' is no epoch count"),  # ISO 8601's basic form
        (20261121, "timestamp 20261121 is no epoch count"),
        ("1795262400x", "invalid timestamp '1795262400x'"),
        ("2026-11-21T12:00:00", "(no time zone: end it with Z or an offset)"),
        ("2026-11-21 12:00:00.5", "(no time zone: end it with Z or an offset)"),
        (None, "no timestamp"),
    ],
)
def test_a_timestamp_that_cannot_be_read_says_why(timestamp: object, reason: str) -> None:
    report = scan_entries([GOOD, _hostile("odd", timestamp=timestamp)])
    _assert_totals_add_up(report)
    assert report.totals.clustered == 1
    [skipped] = report.totals.malformed
    assert reason in skipped.error


@pytest.mark.parametrize(
    "timestamp",
    [
        1795262400,  # seconds (Vector, a Unix timestamp)
        1795262400.25,  # seconds with a fraction (Fluent Bit's `date`)
        1795262400250,  # milliseconds (JavaScript's Date.now(), pino)
        1795262400250000,  # microseconds
        "1795262400250000000",  # nanoseconds as text (OpenTelemetry's timeUnixNano)
        {"seconds": "1795262400", "nanos": 250000000},  # protobuf's Timestamp, its int64 as text
        {"seconds": 1795262400, "nanos": 250000000},
    ],
)
def test_a_shippers_epoch_count_is_read_as_its_moment(timestamp: object) -> None:
    """Log shippers write the time as an epoch count, its unit told by its size: every form is the same moment
    (to the second for a whole count of seconds), and the entry is read, not refused."""
    report = scan_entries([_hostile("epoch", timestamp=timestamp), _hostile("again", timestamp=timestamp)])
    _assert_totals_add_up(report)
    assert report.totals.clustered == 2 and not report.totals.malformed
    first_seen = report.clusters[0].first_seen.isoformat()
    assert first_seen.startswith("2026-11-21T12:00:00"), first_seen
    assert first_seen in ("2026-11-21T12:00:00+00:00", "2026-11-21T12:00:00.250000+00:00")


def test_an_entry_repeated_with_its_epoch_count_in_another_unit_counts_once() -> None:
    """An export of overlapping windows from a shipper: the same insertId at the same moment, however counted."""
    report = scan_entries(
        [_hostile("dup", timestamp=1795262400), _hostile("dup", timestamp="1795262400000000000")]
    )
    _assert_totals_add_up(report)
    assert report.totals.clustered == 1


def test_a_leap_second_is_its_minutes_last_microsecond() -> None:
    report = scan_entries([_hostile("leap", timestamp="2016-12-31T23:59:60.5Z")])
    assert report.clusters[0].first_seen.isoformat() == "2016-12-31T23:59:59.999999+00:00"


def test_an_entry_repeated_in_an_export_counts_once(tmp_path: Path) -> None:
    """Two exports of overlapping windows in one file: the entries of the overlap come twice."""
    first = [
        {"insertId": f"e{i}", "timestamp": f"2026-11-21T10:00:{i:02d}Z", "severity": "ERROR",
         "textPayload": f"ValueError: bad price for order {i}"}
        for i in range(6)
    ]  # fmt: skip
    second = [
        *first[3:],
        {
            "insertId": "e1",
            "timestamp": "2026-11-21T10:00:59Z",
            "severity": "ERROR",
            "textPayload": "ValueError: x",
        },
    ]  # another entry that reuses an insertId at another time is not a duplicate
    export = tmp_path / "both.ndjson"
    export.write_text("".join(json.dumps(entry) + "\n" for entry in first + second), encoding="utf-8")
    assignments: list[tuple[int, str | None]] = []

    def sink(position: int, insert_id: str | None, key: str | None, reason: str | None) -> None:
        if reason == "duplicate":
            assignments.append((position, insert_id))

    report = Scan(GardenerConfig(), ScanOptions(), on_assign=sink).run(FileSource(export))
    assert report.totals.read == 10 and report.totals.skipped == {"duplicate": 3}
    assert sum(c.count for c in report.clusters) == 7
    assert assignments == [(7, "e3"), (8, "e4"), (9, "e5")]


def test_a_repeated_entry_is_found_whichever_way_its_timestamp_is_written() -> None:
    entry = {"insertId": "a1", "severity": "ERROR", "textPayload": "ValueError: bad total"}
    report = scan_entries(
        [
            {**entry, "timestamp": "2026-11-21T10:00:01Z"},
            {**entry, "timestamp": "2026-11-21T10:00:01.000000Z"},
            {**entry, "timestamp": "2026-11-21T11:00:01+01:00"},
            {**entry, "timestamp": "2026-11-21T10:00:02Z"},  # the same id at another moment: another entry
        ]
    )
    assert report.totals.skipped == {"duplicate": 2} and report.totals.clustered == 2
