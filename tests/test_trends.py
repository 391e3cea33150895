"""Trends over a sequence of scans: new, recurring, resolved, regressed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fakes import FakeLoggingServer
from loggardener.cli import app
from loggardener.config import StateConfig
from loggardener.report import IssueAction, ScanReport
from loggardener.state import State, apply_trends, note_reopened
from state_factories import cluster, report


def _run(
    state: State, present: list[str], hour: int, config: StateConfig | None = None, truncated: bool = False
) -> ScanReport:
    """One scheduled run: trends from the state, then the run recorded into it."""
    scan = report(*(cluster(fp, hour=hour) for fp in present), hour=hour, truncated=truncated)
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


def test_a_truncated_run_is_not_a_quiet_run() -> None:
    """A run cut by --max-entries read part of its window: what it missed did not go quiet."""
    state = State()
    _run(state, ["aaa", "bbb"], hour=0)
    _run(state, ["aaa"], hour=1)
    _run(state, ["aaa"], hour=2)
    cut = _run(state, ["aaa"], hour=3, truncated=True)
    assert cut.resolved == [], "bbb is absent for a 3rd run, but that run was partial"
    assert state.fingerprints["bbb"].quiet_runs(state.next_run) == 2
    full = _run(state, ["aaa"], hour=4)
    assert [(r.fingerprint, r.quiet_runs) for r in full.resolved] == [("bbb", 3)]

    state = State()
    _run(state, ["aaa", "bbb"], hour=0)
    for hour in (1, 2, 3, 4):
        assert _run(state, ["aaa"], hour=hour, truncated=True).resolved == []
    assert _trends(_run(state, ["aaa", "bbb"], hour=5)) == {"aaa": "recurring", "bbb": "recurring"}
    assert state.fingerprints["bbb"].missed_in_truncated_runs == 0, "seen again: the count starts over"


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sets(st.sampled_from(["aaa", "bbb", "ccc"])), st.booleans()), min_size=1, max_size=12
    )
)
def test_trends_follow_the_presence_history(runs: list[tuple[set[str], bool]]) -> None:
    """Against a direct model with the default periods (3 and 3): 3 complete runs without a
    fingerprint resolve it and its return is a regression; truncated runs neither count nor resolve."""
    state = State()
    quiet: dict[str, int] = {}
    for index, (present, truncated) in enumerate(runs):
        scan = _run(state, sorted(present), hour=index, truncated=truncated)
        for fingerprint, trend in _trends(scan).items():
            if fingerprint not in quiet:
                assert trend == "new"
            elif quiet[fingerprint] >= 3:
                assert trend == "regressed"
            else:
                assert trend == "recurring"
        expected_resolved = set()
        for fingerprint in set(quiet) - present:
            if not truncated:
                quiet[fingerprint] += 1
                if quiet[fingerprint] == 3:
                    expected_resolved.add(fingerprint)
        assert {r.fingerprint for r in scan.resolved} == expected_resolved
        quiet.update(dict.fromkeys(present, 0))


def _entry(index: int, message: str, at: datetime) -> dict[str, Any]:
    return {
        "insertId": f"id-{index}",
        "logName": "projects/P/logs/run.googleapis.com%2Fstderr",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}},
        "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "severity": "ERROR",
        "textPayload": message,
    }


def test_a_live_scan_cut_by_max_entries_resolves_nothing(tmp_path: Path) -> None:
    """Through the CLI and the real Logging client: the source's truncation reaches the report and the trends."""
    now = datetime(2026, 3, 1, 13, 0, tzinfo=timezone.utc)
    early = [
        _entry(i, "disk quota exceeded on volume data", now - timedelta(minutes=50 - i)) for i in range(2)
    ]
    late = [
        _entry(10 + i, "payment gateway refused the charge", now - timedelta(minutes=10 - i))
        for i in range(2)
    ]
    config = tmp_path / "gardener.toml"
    config.write_text("[state]\nresolved_after_runs = 1\nregressed_after_quiet_runs = 1\n", encoding="utf-8")
    state = tmp_path / "state.json"

    def scan(name: str, *args: str) -> dict[str, Any]:
        path = tmp_path / f"{name}.json"
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--project", "P", "--hours", "1", "--now", now.strftime("%Y-%m-%dT%H:%M:%SZ")),
                *("--config", str(config), "--state", str(state), "--out", str(tmp_path / name)),
                *("--report-json", str(path), *args),
            ],
            env={"GARDENER_LOGGING_ENDPOINT": server.endpoint, "GITHUB_STEP_SUMMARY": ""},
        )
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    with FakeLoggingServer([*early, *late]) as server:
        first = scan("first")
        cut = scan("cut", "--max-entries", "2")
        full = scan("full")
    assert (first["truncated"], cut["truncated"], full["truncated"]) == (False, True, False)
    assert len(first["clusters"]) == 2 and len(cut["clusters"]) == 1
    assert cut["resolved"] == [], "the cut run did not read the late problem: it is not resolved"
    assert sorted(c["trend"] for c in full["clusters"]) == ["recurring", "recurring"]


def _ranked(state: State, ranks: dict[str, str], hour: int) -> ScanReport:
    """One run whose rules ranked each fingerprint as `ranks` says; its trends and held priorities applied."""
    clusters = [
        cluster(fp, hour=hour).model_copy(update={"priority": p, "reasons": [f"rule {p}"]})
        for fp, p in ranks.items()
    ]
    scan = report(*clusters, hour=hour)
    apply_trends(scan, state, StateConfig())
    state.record_run(scan)
    return scan


def test_a_priority_flapping_between_two_levels_holds_the_higher_one() -> None:
    """A lone error that dominates a quiet hour (P0) and not a busy one (P1) does not flip with every run."""
    state = State()
    shown = [
        _ranked(state, {"aaa": p}, hour).clusters[0]
        for hour, p in enumerate(["P0", "P1", "P0", "P1", "P0", "P1"])
    ]

    assert [c.priority for c in shown] == ["P0"] * 6
    assert shown[1].reasons == [
        "held at P0: the previous run ranked it P0, this one P1; a priority falls when two runs in a row rank it "
        "lower",
        "rule P1",
    ]
    assert shown[2].reasons == ["rule P0"]


def test_a_priority_that_falls_for_two_runs_in_a_row_falls_and_a_rise_applies_at_once() -> None:
    state = State()
    ranks = ["P2", "P0", "P0", "P1", "P1", "P1", "P3"]
    shown = [_ranked(state, {"aaa": p}, hour).clusters[0].priority for hour, p in enumerate(ranks)]

    assert shown == ["P2", "P0", "P0", "P0", "P1", "P1", "P1"]


def test_no_priority_is_held_across_a_quiet_run_nor_from_a_state_without_priorities() -> None:
    state = State()
    _ranked(state, {"aaa": "P0", "bbb": "P0"}, 0)
    _ranked(state, {"bbb": "P0"}, 1)  # aaa quiet
    back = _ranked(state, {"aaa": "P2"}, 2)
    assert back.clusters[0].priority == "P2"

    old = State.model_validate(json.loads(state.model_dump_json()))
    for history in old.fingerprints.values():
        for count in history.counts:
            count.priority = None  # written by a release that did not record priorities
    assert _ranked(old, {"aaa": "P3"}, 3).clusters[0].priority == "P3"


def test_a_held_problem_is_listed_among_its_priority() -> None:
    state = State()
    _ranked(state, {"aaa": "P0", "bbb": "P1"}, 0)
    scan = _ranked(state, {"bbb": "P1", "aaa": "P2"}, 1)  # ranked in this order by the rules

    assert [(c.fingerprint, c.priority) for c in scan.clusters] == [("aaa", "P0"), ("bbb", "P1")]


def test_backfill_runs_of_earlier_hours_do_not_make_a_later_problem_quiet() -> None:
    """Runs out of order: three runs of hours before aaa was last seen, without it, neither resolve it nor
    make its next sighting a regression; a run of a later hour without it still counts as quiet."""
    state = State()
    for hour in (5, 6, 7):
        _run(state, ["aaa", "bbb"], hour=hour)
    backfill = [_run(state, ["bbb"], hour=hour) for hour in (1, 2, 3)]
    assert [scan.resolved for scan in backfill] == [[], [], []]
    assert state.fingerprints["aaa"].quiet_runs(state.next_run) == 0
    assert _trends(_run(state, ["aaa", "bbb"], hour=8)) == {"aaa": "recurring", "bbb": "recurring"}

    quiet = [_run(state, ["bbb"], hour=hour) for hour in (9, 10, 11)]
    assert [r.fingerprint for r in quiet[2].resolved] == ["aaa"], "later hours without it: quiet as before"


def test_a_backfill_seeing_a_resolved_problems_old_entries_is_no_regression() -> None:
    state = State()
    _run(state, ["aaa", "bbb"], hour=5)
    assert [r.fingerprint for r in [_run(state, ["bbb"], hour=h) for h in (6, 7, 8)][2].resolved] == ["aaa"]
    assert _trends(_run(state, ["aaa", "bbb"], hour=2)) == {"aaa": "recurring", "bbb": "recurring"}
    assert state.fingerprints["aaa"].resolved_run is not None, "still resolved: nothing newer was seen"
    assert _trends(_run(state, ["aaa", "bbb"], hour=9)) == {"aaa": "regressed", "bbb": "recurring"}


def test_the_same_hour_scanned_again_is_neither_quiet_nor_a_return() -> None:
    """Look-alike: a re-run of the last hour sees what it saw; a problem absent from it stays as it was."""
    state = State()
    _run(state, ["aaa", "bbb"], hour=0)
    _run(state, ["aaa"], hour=1)
    again = _run(state, ["aaa"], hour=1)
    assert _trends(again) == {"aaa": "recurring"}
    assert state.fingerprints["bbb"].quiet_runs(state.next_run) == 1, "hour 1 twice: one quiet run for bbb"


def test_a_quiet_hour_scanned_again_and_again_is_one_quiet_run() -> None:
    """A workflow re-run of a quiet hour reads no time the first run did not: bbb is resolved after three
    distinct quiet hours, told as three quiet runs, not after the third scan of the first one."""
    state = State()
    _run(state, ["aaa", "bbb"], hour=0)
    reruns = [_run(state, ["aaa"], hour=1) for _ in range(3)]
    assert [scan.resolved for scan in reruns] == [[], [], []]
    assert _run(state, ["aaa"], hour=2).resolved == []
    resolved = _run(state, ["aaa"], hour=3).resolved
    assert [(r.fingerprint, r.quiet_runs) for r in resolved] == [("bbb", 3)]


def test_back_after_one_quiet_hour_scanned_three_times_is_recurring() -> None:
    state = State()
    _run(state, ["aaa", "bbb"], hour=0)
    for _ in range(3):
        _run(state, ["aaa"], hour=1)
    assert _trends(_run(state, ["aaa", "bbb"], hour=2)) == {"aaa": "recurring", "bbb": "recurring"}


def test_a_backfill_seeing_a_quiet_problems_old_entries_does_not_restart_its_quiet_runs() -> None:
    """aaa went quiet after hour 5; a backfill of hour 2 sees its old entries: hours 6, 7 and 8 are still its
    three quiet runs."""
    state = State()
    _run(state, ["aaa", "bbb"], hour=5)
    assert [_run(state, ["bbb"], hour=hour).resolved for hour in (6, 7)] == [[], []]
    assert _trends(_run(state, ["aaa", "bbb"], hour=2)) == {"aaa": "recurring", "bbb": "recurring"}
    assert [r.fingerprint for r in _run(state, ["bbb"], hour=8).resolved] == ["aaa"]


def test_a_backfill_seeing_a_problems_old_entries_keeps_its_held_priority() -> None:
    """Look-alike of the hold across an absent backfill: a backfill that sees the problem's old entries is not
    the run before the next one either."""
    state = State()
    _ranked(state, {"aaa": "P0", "bbb": "P1"}, 5)
    _ranked(state, {"aaa": "P2", "bbb": "P1"}, 1)  # a backfill of an earlier hour, with aaa's old entries
    assert _ranked(state, {"aaa": "P2", "bbb": "P1"}, 6).clusters[0].priority == "P0"


def test_a_backfill_run_between_two_runs_keeps_the_held_priority() -> None:
    state = State()
    _ranked(state, {"aaa": "P0", "bbb": "P1"}, 5)
    _ranked(state, {"bbb": "P1"}, 1)  # a backfill of an earlier hour, without aaa
    assert _ranked(state, {"aaa": "P2", "bbb": "P1"}, 6).clusters[0].priority == "P0"


def test_the_last_hour_scanned_again_keeps_the_priority_it_showed() -> None:
    """A re-run of the hour whose lower rank was held is not the second run in a row to rank it lower: it
    shows the held priority again (its issue is neither relabelled nor commented); the next hour lowers it."""
    state = State()
    _ranked(state, {"aaa": "P0"}, 0)
    assert _ranked(state, {"aaa": "P1"}, 1).clusters[0].priority == "P0"
    assert _ranked(state, {"aaa": "P1"}, 1).clusters[0].priority == "P0"
    assert _ranked(state, {"aaa": "P1"}, 2).clusters[0].priority == "P1"


def _without_shown(state: State) -> State:
    """The state as the release before `RunCount.shown` wrote it."""
    data = json.loads(state.model_dump_json())
    for history in data["fingerprints"].values():
        for count in history["counts"]:
            count.pop("shown", None)
    return State.model_validate(data)


def test_the_first_rerun_after_upgrading_from_a_state_without_shown_keeps_the_held_priority() -> None:
    """The state of a release that did not record what each run showed: the re-run of the hour whose lower rank
    was held shows the held priority again, as the hold rule gave it then, and the next hour lowers it."""
    state = State()
    _ranked(state, {"aaa": "P0"}, 0)
    assert _ranked(state, {"aaa": "P1"}, 1).clusters[0].priority == "P0"
    upgraded = _without_shown(state)
    assert _ranked(upgraded, {"aaa": "P1"}, 1).clusters[0].priority == "P0"
    assert _ranked(upgraded, {"aaa": "P1"}, 2).clusters[0].priority == "P1"


def test_a_rerun_after_upgrading_shows_the_rank_when_nothing_was_held() -> None:
    """Look-alike: the last run ranked it as the one before did (or lower two runs in a row): nothing held."""
    state = State()
    for hour, rank in enumerate(["P0", "P1", "P1"]):
        _ranked(state, {"aaa": rank}, hour)
    assert _ranked(_without_shown(state), {"aaa": "P1"}, 2).clusters[0].priority == "P1"
