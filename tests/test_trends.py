"""Trends over a sequence of scans: new, recurring, resolved, regressed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from loggardener.config import StateConfig
from loggardener.report import IssueAction, ScanReport
from loggardener.state import State, apply_trends, note_reopened
from state_factories import cluster, report


def _run(state: State, present: list[str], hour: int, config: StateConfig | None = None) -> ScanReport:
    """One scheduled run: trends from the state, then the run recorded into it."""
    scan = report(*(cluster(fp, hour=hour) for fp in present), hour=hour)
    apply_trends(scan, state, config or StateConfig())
    state.record_run(scan)
    return scan


def _trends(scan: ScanReport) -> dict[str, str | None]:
    return {c.fingerprint: c.trend for c in scan.clusters}


def test_new_recurring_resolved_regressed() -> None:
    state = State()
    first = _run(state, ["aaa", "bbb"], hour=0)
    assert _trends(first) == {"aaa": "new", "bbb": "new"}
    assert first.resolved == []

    second = _run(state, ["aaa", "bbb", "ccc"], hour=1)
    assert _trends(second) == {"aaa": "recurring", "bbb": "recurring", "ccc": "new"}

    quiet = [_run(state, ["aaa", "ccc"], hour=hour) for hour in (2, 3, 4, 5)]
    assert [scan.resolved for scan in quiet[:2]] == [[], []], "quiet for fewer than 3 runs: not resolved yet"
    resolved = quiet[2].resolved
    assert [(r.fingerprint, r.quiet_runs, r.title) for r in resolved] == [("bbb", 3, "Problem bbb")]
    assert resolved[0].last_seen == cluster("bbb", hour=1).last_seen
    assert quiet[3].resolved == [], "listed as resolved once"

    back = _run(state, ["aaa", "bbb", "ccc"], hour=6)
    assert _trends(back) == {"aaa": "recurring", "bbb": "regressed", "ccc": "recurring"}
    assert _run(state, ["bbb"], hour=7).clusters[0].trend == "recurring"


def test_a_short_silence_is_recurring() -> None:
    state = State()
    _run(state, ["aaa"], hour=0)
    _run(state, [], hour=1)
    _run(state, [], hour=2)
    assert _trends(_run(state, ["aaa"], hour=3)) == {"aaa": "recurring"}


def test_the_quiet_periods_come_from_the_config() -> None:
    config = StateConfig(resolved_after_runs=1, regressed_after_quiet_runs=5)
    state = State()
    _run(state, ["aaa", "bbb"], hour=0, config=config)
    gone = _run(state, ["aaa"], hour=1, config=config)
    assert [r.fingerprint for r in gone.resolved] == ["bbb"]
    back = _run(state, ["aaa", "bbb"], hour=2, config=config)
    assert _trends(back)["bbb"] == "regressed", "it was listed as resolved, so its return is a regression"

    patient = StateConfig(resolved_after_runs=10, regressed_after_quiet_runs=2)
    state = State()
    _run(state, ["aaa"], hour=0, config=patient)
    _run(state, [], hour=1, config=patient)
    assert _trends(_run(state, ["aaa"], hour=2, config=patient)) == {"aaa": "recurring"}
    _run(state, [], hour=3, config=patient)
    _run(state, [], hour=4, config=patient)
    assert _trends(_run(state, ["aaa"], hour=5, config=patient)) == {"aaa": "regressed"}


def test_a_reopened_issue_makes_the_cluster_a_regression() -> None:
    state = State()
    _run(state, ["aaa", "bbb"], hour=0)
    again = report(cluster("aaa", hour=1), cluster("bbb", hour=1), hour=1)
    apply_trends(again, state, StateConfig())
    again.issue_actions = [
        IssueAction(fingerprint="aaa", action="updated", title="a", number=11),
        IssueAction(fingerprint="bbb", action="reopened", title="b", number=12),
    ]
    note_reopened(again)
    assert _trends(again) == {"aaa": "recurring", "bbb": "regressed"}
    state.record_run(again)
    assert (state.fingerprints["aaa"].issue_number, state.fingerprints["bbb"].issue_number) == (11, 12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from(["aaa", "bbb", "ccc"])), min_size=1, max_size=12))
def test_trends_follow_the_presence_history(runs: list[set[str]]) -> None:
    """Against a direct model with the default periods (3 and 3): gaps of 3+ runs resolve, then regress."""
    state = State()
    last_seen: dict[str, int] = {}
    for index, present in enumerate(runs):
        scan = _run(state, sorted(present), hour=index)
        for fingerprint, trend in _trends(scan).items():
            if fingerprint not in last_seen:
                assert trend == "new"
            elif index - last_seen[fingerprint] - 1 >= 3:
                assert trend == "regressed"
            else:
                assert trend == "recurring"
        expected_resolved = {fp for fp, seen in last_seen.items() if fp not in present and index - seen == 3}
        assert {r.fingerprint for r in scan.resolved} == expected_resolved
        last_seen.update(dict.fromkeys(present, index))
