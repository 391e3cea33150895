"""Entries that come inside Pub/Sub messages (a log sink whose destination is a topic): pulled with gcloud or
the API, or saved by a push endpoint, they are read as the entries they carry; a message that carries none is
counted malformed, named as a Pub/Sub message."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from loggardener.sources.file import FileSource, decode_lines
from loggardener.sources.interface import LineBatch, RawRecord


def _entries(count: int) -> list[dict[str, Any]]:
    return [
        {
            "insertId": f"id-{i}",
            "timestamp": f"2026-11-30T10:00:{i:02d}Z",
            "logName": "projects/acme/logs/run.googleapis.com%2Fstderr",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "orders"}},
            "severity": "ERROR",
            "textPayload": f"ValueError: bad cart {i} \u00e9",
        }
        for i in range(count)
    ]


def _data(entry: Any) -> str:
    return base64.b64encode(json.dumps(entry).encode()).decode()


def _message(i: int, entry: Any, snake: bool = False) -> dict[str, Any]:
    moment = f"2026-11-30T10:00:{i:02d}.5Z"
    if (
        snake
    ):  # a client's message printed with proto field names (MessageToJson(preserving_proto_field_name))
        return {"data": _data(entry), "message_id": str(i), "publish_time": moment, "ordering_key": ""}
    return {
        "data": _data(entry),
        "attributes": {"logging.googleapis.com/timestamp": entry["timestamp"]}
        if isinstance(entry, dict)
        else {},
        "messageId": str(900 + i),
        "publishTime": moment,
    }


def _read(path: Path) -> list[RawRecord]:
    return list(FileSource(path).records())


def _layouts() -> dict[str, bytes]:
    entries = _entries(6)
    pulled = [
        {"ackId": f"RVNEUAYWLF1GSFE3GQhoUQ5PXiM_{i}", "message": _message(i, e)}
        for i, e in enumerate(entries)
    ]
    pushed = [
        {
            "message": {**_message(i, e), "message_id": str(900 + i), "publish_time": "2026-11-30T10:00:00Z"},
            "subscription": "projects/acme/subscriptions/logs-push",
            "deliveryAttempt": 1,
        }
        for i, e in enumerate(entries)
    ]
    snake = [{"ack_id": f"A{i}", "message": _message(i, e, snake=True)} for i, e in enumerate(entries)]
    return {
        "gcloud pull --format=json": json.dumps(pulled, indent=2).encode(),
        "pull items one a line (jq -c '.[]')": b"".join(json.dumps(p).encode() + b"\n" for p in pulled),
        "push bodies one a line": b"".join(json.dumps(p).encode() + b"\n" for p in pushed),
        "the API's pull answer": json.dumps({"receivedMessages": pulled}, indent=1).encode(),
        "the API's pull answer on one line": json.dumps({"receivedMessages": pulled}).encode() + b"\n",
        "a client's snake_case messages": json.dumps(snake).encode(),
        "pull items pretty, one after another": b"\n".join(json.dumps(p, indent=2).encode() for p in pulled),
        "data decoded by a tool (JSON text)": b"".join(
            json.dumps({"message": {"data": json.dumps(e), "messageId": "1"}}).encode() + b"\n"
            for e in entries
        ),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
def test_pubsub_messages_of_a_log_sink_are_read_as_their_entries(tmp_path: Path, layout: str) -> None:
    path = tmp_path / "pulled.json.gz"
    path.write_bytes(gzip.compress(_layouts()[layout]))
    records = _read(path)
    assert [r.entry for r in records] == _entries(6)


def test_a_batch_of_push_bodies_decodes_as_the_lines_do() -> None:
    """The worker processes decode runs of lines (`decode_lines`): they unwrap the messages as one process does."""
    lines = [
        json.dumps({"message": _message(i, e), "subscription": "s"}) + "\n" for i, e in enumerate(_entries(3))
    ]
    assert [r.entry for r in decode_lines(LineBatch(1, lines))] == _entries(3)


def test_a_message_whose_data_is_no_log_entry_is_counted_and_named(tmp_path: Path) -> None:
    event = {"orderId": "A-1", "status": "paid"}
    lines = [
        {"message": {"data": _data(event), "messageId": "1"}, "subscription": "projects/p/subscriptions/s"},
        {"message": {"data": base64.b64encode(b"hello world").decode(), "messageId": "2"}},
        {"message": {"data": "%%% not base64 %%%", "messageId": "3"}},
        {"message": {"data": base64.b64encode(b"\xff\xfe\x00binary").decode(), "messageId": "4"}},
        {"message": {"data": _data([1, 2]), "messageId": "5"}},
        {"message": {"attributes": {"k": "v"}, "messageId": "6"}},
        _entries(1)[0],
    ]
    path = tmp_path / "x.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    records = _read(path)
    assert records[0].entry == event and records[0].unit == "Pub/Sub message of line"
    errors = [r.error or "" for r in records[1:6]]
    assert all(e.startswith(f"Pub/Sub message of line {n}: ") for n, e in enumerate(errors, start=2)), errors
    assert "text, not a LogEntry" in errors[0] and "not base64" in errors[1] and "binary" in errors[2]
    assert "JSON array" in errors[3] and "no data" in errors[4]
    assert records[6].entry == _entries(1)[0] and records[6].unit == "line"


def test_a_message_whose_data_nests_too_deep_says_so(tmp_path: Path) -> None:
    """JSON nested past what the decoder reads is JSON, not text: the reason says which."""
    deep = base64.b64encode(("[" * 100_000).encode()).decode()
    path = tmp_path / "x.ndjson"
    path.write_text(json.dumps({"message": {"data": deep, "messageId": "1"}}) + "\n", encoding="utf-8")
    (record,) = _read(path)
    assert record.entry is None and record.error is not None and "nested too deep" in record.error


def test_an_app_event_carried_in_a_message_is_malformed_as_a_pubsub_message(tmp_path: Path) -> None:
    """End to end: the scan's malformed line names the message, not only "no timestamp"."""
    from typer.testing import CliRunner

    from loggardener.cli import app

    path = tmp_path / "x.ndjson"
    event = {"orderId": "A-1", "status": "paid"}
    lines = [{"message": {"data": _data(event), "messageId": "1"}, "subscription": "s"}, *_entries(2)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        app, ["scan", "--from", str(path), "--no-state", "--out", str(tmp_path), "--report-json", str(report)]
    )
    assert result.exit_code == 0, result.stderr
    totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
    assert totals["read"] == 3 and [m["error"] for m in totals["malformed"]] == [
        "Pub/Sub message of line 1: no timestamp"
    ]


@pytest.mark.parametrize(
    "item",
    [
        # an application's own JSON log with a `message` object: not a received message (fields beside it)
        {
            "timestamp": "2026-11-30T10:00:00Z",
            "severity": "ERROR",
            "message": {"data": "aGVsbG8=", "messageId": "1"},
        },
        # a message object of other fields than a PubsubMessage's
        {"message": {"data": "aGVsbG8=", "text": "upload failed"}},
        # a message that is text
        {"message": "hello", "subscription": "s"},
        # a LogEntry whose payload is a push body a service logged
        {
            **_entries(1)[0],
            "jsonPayload": {"message": {"data": "e30=", "messageId": "1"}, "subscription": "s"},
        },
    ],
)
def test_look_alikes_of_a_received_message_are_read_as_they_are(tmp_path: Path, item: dict[str, Any]) -> None:
    path = tmp_path / "x.ndjson"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    (record,) = _read(path)
    assert record.entry == item and record.unit == "line"
