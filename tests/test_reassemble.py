from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scan_entries
from entry_factories import run_entry, split_traceback
from loggardener.entries.models import LogEntry
from loggardener.entries.parse import EntryParser
from loggardener.entries.reassemble import Reassembler
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

FRAMES = [
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py",
        609,
        "spawn_worker",
        "worker.init_process()",
    ),
    ("/app/main.py", 14, "<module>", "from app.routes import checkout"),
    ("/app/routes/checkout.py", 9, "<module>", "import payments_sdk"),
]
ERROR = "ModuleNotFoundError: No module named 'payments_sdk'"


def events(raw: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    parser = EntryParser(Redactor(), StackParser())
    stacks = StackParser()
    entries: list[LogEntry] = [parser.parse(i, e) for i, e in enumerate(raw, start=1)]
    return list(Reassembler(2.0, stacks.parse).events(entries))


def test_split_traceback_becomes_one_event() -> None:
    raw = [
        run_entry(0, text="[INFO] Booting worker"),
        *split_traceback(1, FRAMES, ERROR),
        run_entry(2, text="[INFO] Worker exiting"),
    ]
    result = events(raw)
    assert len(result) == 3
    tb = result[1]
    assert len(tb.members) == 8
    assert tb.primary.stack is not None and tb.primary.stack.exception_type == "ModuleNotFoundError"
    assert tb.severity_inferred and tb.severity.name == "ERROR"


def test_reverse_order_export_is_reassembled_in_time_order() -> None:
    raw = [*split_traceback(1, FRAMES, ERROR), run_entry(5, text="later")]
    result = events(list(reversed(raw)))
    tb = next(e for e in result if len(e.members) > 1)
    assert tb.primary.message.splitlines()[0] == "Traceback (most recent call last):"
    assert tb.primary.message.splitlines()[-1] == ERROR


def test_interleaved_instances_are_kept_apart() -> None:
    one = split_traceback(1, FRAMES, ERROR, instance="a")
    two = split_traceback(1.0001, FRAMES, ERROR, instance="b")
    mixed = [entry for pair in zip(one, two, strict=True) for entry in pair]
    result = events(mixed)
    assert len(result) == 2
    assert {e.primary.instance for e in result} == {"a", "b"}
    assert all(len(e.members) == 8 for e in result)


def test_a_gap_splits_and_leftover_lines_stay_single() -> None:
    lines = split_traceback(1, FRAMES, ERROR)
    late = lines[-1] | {"timestamp": run_entry(30)["timestamp"]}
    result = events([*lines[:-1], late])
    assert all(len(e.members) == 1 for e in result)
    assert len(result) == 8


def test_chained_split_traceback() -> None:
    first = split_traceback(1, FRAMES[:2], "OSError: boom")
    separator = [
        run_entry(1.01, text=""),
        run_entry(1.011, text="During handling of the above exception, another exception occurred:"),
        run_entry(1.012, text=""),
    ]
    second = split_traceback(1.02, FRAMES, ERROR)
    result = events([*first, *separator, *second])
    assert len(result) == 1
    assert result[0].primary.stack is not None
    assert result[0].primary.stack.exception_type == "ModuleNotFoundError"


def test_default_lines_of_a_warning_event_are_clustered_others_skipped() -> None:
    raw = [*split_traceback(1, FRAMES, ERROR), run_entry(10, text="plain stderr line")]
    report = scan_entries(raw)
    assert report.totals.clustered == 8
    assert report.totals.skipped == {"below WARNING": 1}
    assert report.totals.read == report.totals.clustered + report.totals.skipped_total


def test_shuffled_input_gives_the_same_clusters() -> None:
    raw = [
        *split_traceback(1, FRAMES, ERROR, instance="a"),
        *split_traceback(40, FRAMES, ERROR, instance="b"),
        run_entry(50, text="Container called exit(3).", severity="WARNING"),
    ]
    expected = {(c.fingerprint, c.count) for c in scan_entries(raw).clusters}
    shuffled = raw[:]
    random.Random(7).shuffle(shuffled)
    by_time = sorted(shuffled, key=lambda e: str(e["timestamp"]), reverse=True)
    assert {(c.fingerprint, c.count) for c in scan_entries(by_time).clusters} == expected


def test_a_structured_entry_between_the_lines_does_not_cut_the_traceback() -> None:
    lines = split_traceback(1, FRAMES, ERROR)
    between = run_entry(1.001, json_payload={"message": "GET /healthz 200"}, severity="INFO")
    result = events([*lines[:3], between, *lines[3:]])
    assert sorted(len(e.members) for e in result) == [1, 8]


class _LooksEveryTime(Reassembler):
    """The reassembler without the bounds that let it skip looking for stale groups."""

    def _flush_stale(self, now):  # type: ignore[no-untyped-def]
        self._held = None
        return super()._flush_stale(now)


_PIECES = [
    "[INFO] request done",
    "ERROR:app:Exception on /checkout [POST]",
    "Traceback (most recent call last):",
    '  File "/app/main.py", line 14, in <module>',
    "    import payments_sdk",
    ERROR,
    "During handling of the above exception, another exception occurred:",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_PIECES),
            st.sampled_from(["i1", "i2", "i3"]),
            st.sampled_from([0.0, 0.0004, 0.5, 1.9, 2.1, 7.0, -0.3, -2.5]),
        ),
        max_size=40,
    )
)
def test_skipping_the_stale_check_never_changes_the_events(lines: list[tuple[str, str, float]]) -> None:
    """The reassembler skips the look for stale groups while every held time is within the gap of the new
    entry's: the events are those of looking every time, in any order and spacing of lines."""
    parser = EntryParser(Redactor(), StackParser())
    moment, raw = 100.0, []
    for text, instance, step in lines:
        moment += step
        raw.append(run_entry(moment, text=text, instance=instance))
    entries = [parser.parse(i, e) for i, e in enumerate(raw, start=1)]
    stacks = StackParser()
    assert list(Reassembler(2.0, stacks.parse).events(entries)) == list(
        _LooksEveryTime(2.0, stacks.parse).events(entries)
    )
