"""Scan memory follows the number of problems, not the number of entries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from conftest import ListSource
from entry_factories import run_entry
from loggardener.config import GardenerConfig
from loggardener.linking.cooccurrence import MAX_NEIGHBOURS, CoOccurrence
from loggardener.pipeline import Scan, ScanOptions

T = datetime(2026, 11, 21, tzinfo=timezone.utc)


def names(count: int) -> list[str]:
    """Distinct letter-only names (no digits, no hex: the masker leaves them alone; no state words)."""
    letters = "ghjkmpqrstvwxz"
    out = []
    for number in range(count):
        name = ""
        for _ in range(5):
            number, digit = divmod(number, len(letters))
            name += letters[digit]
        out.append(name)
    return out


def test_thousands_of_distinct_names_stay_one_cluster_and_few_accumulators() -> None:
    # four times the accumulators at which the clusterer compacts (1,024): it must compact again and again
    entries = [
        run_entry(i * 0.01, text=f"Login failed for user {name} from tenant orchard", severity="WARNING",
                  instance=f"inst-{i % 7}")
        for i, name in enumerate(names(4_000))
    ]  # fmt: skip
    held: list[int] = []
    scans: list[Scan] = []

    def progress(_: int) -> None:
        held.append(scans[0].clusterer.accumulators)

    scans.append(Scan(GardenerConfig(), ScanOptions(), on_progress=progress))
    report = scans[0].run(ListSource(entries))

    assert len(report.clusters) == 1
    assert report.clusters[0].count == 4_000
    assert report.clusters[0].template == "Login failed for user <*> from tenant orchard"
    assert len(held) == 9 and max(held) <= 1_024  # merged as it goes, not one per name
    assert scans[0].clusterer.accumulators == 1
    assert scans[0].linker.facts.co_occurrence.retained <= 7 * MAX_NEIGHBOURS


def test_co_occurrences_held_do_not_grow_with_events() -> None:
    counter = CoOccurrence(window_seconds=10)
    held = []
    for i in range(50_000):  # 50k events over about 14 hours, on 5 instances
        counter.add(f"fp{i % 13}", f"i{i % 5}", T + timedelta(seconds=i))
        if i % 10_000 == 9_999:
            held.append(counter.retained)
    assert max(held) <= 5 * 11
    assert held[-1] == held[0]


def test_streamed_relation_keeps_its_meaning() -> None:
    counter = CoOccurrence(window_seconds=10)
    for start in range(0, 6_000, 60):  # a crash loop on three instances: exit one second after the crash
        for instance in ("i1", "i2", "i3"):
            counter.add("crash", instance, T + timedelta(seconds=start))
            counter.add("exit", instance, T + timedelta(seconds=start + 1))
    for second in range(6_000):
        counter.add("noise", "i1", T + timedelta(seconds=second))
    counter.add("lonely", "i9", T)

    assert counter.related() == {"crash": ["exit"], "exit": ["crash"]}
    assert counter.related(final=lambda key: "same") == {}
