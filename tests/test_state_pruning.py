"""The state stays small: fingerprints not seen for `forget_after_days` are forgotten, and a run lists at
most `max_resolved_listed` resolved problems (the rest in later runs)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from loggardener.cli import app
from loggardener.config import StateConfig
from loggardener.state import State, apply_trends, load_state
from state_factories import T0, cluster, report


def test_fingerprints_unseen_for_forget_after_days_are_forgotten() -> None:
    state = State()
    state.record_run(report(cluster("old"), cluster("kept"), hour=0))
    state.record_run(report(cluster("kept", hour=24 * 29), hour=24 * 29))

    forgotten = state.prune(T0 + timedelta(days=31), forget_after_days=30)

    assert forgotten == 1
    assert set(state.fingerprints) == {"kept"}


def test_a_run_lists_at_most_max_resolved_listed_and_the_rest_later() -> None:
    config = StateConfig(resolved_after_runs=1, max_resolved_listed=3)
    state = State()
    state.record_run(report(*(cluster(f"fp{i:02d}") for i in range(7)), hour=0))

    listed: list[str] = []
    for hour in (1, 2, 3):
        scan = report(hour=hour)
        apply_trends(scan, state, config)
        state.record_run(scan)
        assert len(scan.resolved) <= 3
        listed += [r.fingerprint for r in scan.resolved]

    assert sorted(listed) == [f"fp{i:02d}" for i in range(7)]


def test_a_scan_prunes_the_state_file_it_writes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = tmp_path / "gardener.toml"
    config.write_text("[state]\nforget_after_days = 1\n", encoding="utf-8")
    demo = ["scan", "--demo", "--out", str(out), "--config", str(config)]
    runner = CliRunner()
    assert runner.invoke(app, demo).exit_code == 0
    seen = set(load_state(out / ".gardener-state.json").fingerprints)
    assert seen

    # days later, a run whose window holds an entry (one holding none leaves the state as it was)
    later = tmp_path / "later.ndjson"
    entry = {
        "insertId": "l1",
        "timestamp": "2026-11-24T23:30:00Z",
        "severity": "ERROR",
        "textPayload": "late",
    }
    later.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    window = ["--hours", "1", "--now", "2026-11-25T00:00:00Z", "--state", str(out / ".gardener-state.json")]
    result = runner.invoke(
        app, ["scan", "--from", str(later), "--out", str(out), "--config", str(config), *window]
    )

    assert result.exit_code == 0, result.stderr
    assert load_state(out / ".gardener-state.json").fingerprints.keys().isdisjoint(seen)
