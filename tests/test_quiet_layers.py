"""What the scan's per-entry layers after the parser make of skimmed (`Quiet`) records and parsed entries alike:
each entry reaches the assignment sink once, in input order, with its reason; the window's and the services'
counts; the healthy revisions a skimmed request shows; and the time the reassembler reads from a skimmed line
(issue 13: these layers bind what they call once and pass each entry through fewer generators)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from conftest import ListSource
from entry_factories import BASE, run_entry
from loggardener.config import GardenerConfig
from loggardener.entries.models import Quiet
from loggardener.entries.parse import EntryParser
from loggardener.entries.reassemble import PREAMBLE_STEP, Reassembler
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser
from loggardener.pipeline import Scan, ScanOptions

NOW = datetime(2026, 11, 29, tzinfo=timezone.utc)
_PARSER = EntryParser(Redactor(), StackParser())


def _scan(entries: list[dict[str, Any]], **options: Any) -> tuple[Scan, list[tuple[int, str | None]], Any]:
    rows: list[tuple[int, str | None, str | None, str | None]] = []
    scan = Scan(GardenerConfig(), ScanOptions(now=NOW, **options), on_assign=lambda *row: rows.append(row))
    report = scan.run(ListSource(entries))
    return scan, [(position, reason) for position, _, _, reason in rows], report


def _mix() -> list[dict[str, Any]]:
    return [
        run_entry(0, text="cache warmed in 12 ms", severity="INFO"),
        run_entry(1, text="listening on port 8080", severity="INFO", service="web", revision="web-00001-abc"),
        run_entry(2, text="ValueError: bad input", severity="ERROR"),
        run_entry(7200, text="nightly job started", severity="INFO"),
        run_entry(3, json_payload={"message": "request completed", "route": "/cart"}, severity="INFO"),
        run_entry(4, text="ValueError: bad input", severity="ERROR", service="web", revision="web-00001-abc"),
    ]


def test_every_entry_reaches_the_sink_once_with_its_reason_in_the_order_the_layers_pass_it() -> None:
    entries = _mix()
    assert [_PARSER.skim(n, e) is not None for n, e in enumerate(entries, 1)] == [1, 1, 0, 1, 1, 0]
    _, rows, report = _scan(
        entries, since=BASE - timedelta(minutes=1), until=BASE + timedelta(hours=1), services=("api",)
    )
    # the window and the services are read as the entries leave the wait for a report's heading (16 entries:
    # here all), a skimmed line is below WARNING as it leaves the reassembler, an event once its group closes
    assert rows == [
        (1, "below WARNING"),
        (2, "other service"),
        (4, "outside the window"),
        (5, "below WARNING"),
        (6, "other service"),
        (3, None),
    ]
    assert report.totals.read == 6
    assert report.totals.skipped == {"below WARNING": 2, "other service": 2, "outside the window": 1}


def test_a_window_that_holds_no_entry_says_so_and_one_that_holds_a_skimmed_one_does_not() -> None:
    entries = [
        run_entry(0, text="cache warmed", severity="INFO"),
        run_entry(5, text="ready", severity="INFO"),
    ]
    *_, report = _scan(entries, since=BASE + timedelta(hours=2), until=BASE + timedelta(hours=3))
    assert any("every entry read is outside the window" in note for note in report.notes)
    *_, report = _scan(
        entries, since=BASE + timedelta(seconds=3), until=BASE + timedelta(hours=1)
    )  # the skimmed `ready` is inside
    assert not any("outside the window" in note for note in report.notes)


def test_a_skimmed_request_that_succeeded_marks_its_revision_healthy_and_serving() -> None:
    ok = run_entry(0, json_payload={"message": "GET /cart"}, severity="INFO", httpRequest={"status": 200})
    assert isinstance(_PARSER.skim(1, ok), Quiet)
    scan, *_ = _scan([ok, run_entry(1, text="ValueError: bad input", severity="ERROR")])
    assert scan._healthy_revisions == {"api-00001-abc"}
    assert scan._serving == {"api": {"api-00001-abc"}}
    assert scan._matched_services == {"api"}


def test_a_skimmed_line_of_another_stream_moves_the_reassemblers_time_on() -> None:
    """Newest first, a record opening with a level line (`SEVERE: …`) waits for its preamble while the input is
    within `PREAMBLE_STEP` of it: a skimmed line of another stream, written long before it and read after it,
    ends the wait before it comes out (the reassembler's time is every entry's, a skimmed one's too)."""
    parsed = [
        _PARSER.parse(1, run_entry(120, text="disk write failed", severity="ERROR", instance="inst-2")),
        _PARSER.parse(2, run_entry(100, text="SEVERE: the job failed", severity="ERROR")),
    ]

    def order(seconds: float) -> list[int]:
        skimmed = _PARSER.skim(3, run_entry(seconds, text="cache warmed", severity="INFO", instance="inst-3"))
        assert skimmed is not None
        reassembler = Reassembler(5.0, StackParser().parse, Redactor().redact)
        out = reassembler.events_and_quiet([*parsed, skimmed])
        return [item.position if isinstance(item, Quiet) else item.primary.position for item in out]

    assert order(30) == [1, 2, 3]
    # within the reassembly gap of the record (still held for its traceback): the skimmed line comes out first
    assert order(100 - 10 * PREAMBLE_STEP.total_seconds()) == [1, 3, 2]
