"""Records a source counted for us (`Occurrences`, as Log Analytics sends them): a problem whose every event only
stands for others still has a sample; one with an event in full shows that event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from loggardener.config import GardenerConfig
from loggardener.entries.models import Occurrences
from loggardener.pipeline import Scan, ScanOptions
from loggardener.report import ScanReport
from loggardener.sources.interface import EntrySource, RawRecord, SourceStats

_START = datetime(2026, 11, 21, 6, tzinfo=timezone.utc)
_TRACEBACK = (
    "Traceback (most recent call last):",
    '  File "/app/main.py", line 12, in handle',
    "    charge(order)",
    "ValueError: card declined",
)


def _entry(insert_id: str, moment: datetime, text: str) -> dict[str, Any]:
    return {
        "insertId": insert_id,
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
        "textPayload": text,
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "orders"}},
    }


class _CountedSource(EntrySource):
    """One run of a split traceback's lines counted as a batch of 5 copies, after the copies sent in full."""

    def __init__(self, full_copies: int) -> None:
        self.stats = SourceStats(description="counted batches", project="p")
        self._full_copies = full_copies

    def records(self) -> Iterator[RawRecord]:
        position = 0
        for copy in range(self._full_copies):
            for line in _TRACEBACK:
                position += 1
                yield RawRecord(position, _entry(f"full-{position}", _START + timedelta(seconds=copy), line))
        for number, line in enumerate(_TRACEBACK):
            position += 1
            moment = _START + timedelta(minutes=5, milliseconds=number)
            counted = Occurrences(count=5, first=moment, last=moment + timedelta(minutes=3), batch="b1")
            yield RawRecord(position, _entry(f"counted-{number}", moment, line), occurrences=counted)


def _scan(full_copies: int) -> ScanReport:
    scan = Scan(GardenerConfig(), ScanOptions(now=_START + timedelta(days=1)))
    return scan.run(_CountedSource(full_copies))


def test_a_problem_made_only_of_counted_copies_has_their_earliest_as_its_sample() -> None:
    (cluster,) = _scan(full_copies=0).clusters
    assert cluster.title.startswith("ValueError: card declined")
    assert cluster.count == 20
    assert [sample.insert_id for sample in cluster.samples] == ["counted-0"]


def test_a_problem_with_copies_in_full_shows_those_not_the_counted_one() -> None:
    (cluster,) = _scan(full_copies=2).clusters
    assert cluster.count == 28
    # the earliest full copy (alike samples are shown once)
    assert [sample.insert_id for sample in cluster.samples] == ["full-1"]
