"""`gardener scan --state` over consecutive runs, `--step-summary`, through the real CLI (typer's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from loggardener.cli import app
from loggardener.errors import ExitCode
from loggardener.rendering.markdown import environment
from loggardener.report import ResolvedCluster
from loggardener.state import load_state
from state_factories import T0, report

runner = CliRunner()


def _scan(tmp_path: Path, name: str, *args: str) -> dict[str, Any]:
    report_path = tmp_path / f"{name}.json"
    result = runner.invoke(
        app,
        ["scan", "--demo", "--out", str(tmp_path / name), "--report-json", str(report_path), *args],
        env={"GITHUB_STEP_SUMMARY": ""},
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    data["stdout"] = result.stdout
    return data


def _trends(data: dict[str, Any]) -> dict[str, str]:
    return {cluster["fingerprint"]: cluster["trend"] for cluster in data["clusters"]}


def test_two_scans_with_one_state_mark_new_and_recurring(tmp_path: Path) -> None:
    state = tmp_path / "worklogs" / ".gardener-state.json"
    first = _scan(
        tmp_path, "first", "--service", "orders-api", "--service", "inventory-svc", "--state", str(state)
    )
    assert set(_trends(first).values()) == {"new"}
    assert state.is_file()

    second = _scan(tmp_path, "second", "--state", str(state))
    trends = _trends(second)
    seen_before = set(_trends(first))
    only_second = set(trends) - seen_before
    assert only_second, "the second scan (all services) has problems the first (two services) did not"
    assert {fp: trends[fp] for fp in only_second} == dict.fromkeys(only_second, "new")
    assert {fp: trends[fp] for fp in seen_before} == dict.fromkeys(seen_before, "recurring")
    assert second["resolved"] == []
    assert f"{len(only_second)} new, {len(seen_before)} recurring" in second["stdout"]

    worklog = next((tmp_path / "second").glob("*.md")).read_text(encoding="utf-8")
    assert worklog.count("**Trend:** new") == len(only_second)
    assert worklog.count("**Trend:** recurring") == len(seen_before)

    stored = load_state(state)
    assert stored.runs == 2
    assert {fp for fp, h in stored.fingerprints.items() if h.runs_seen == 2} == seen_before


def test_the_default_state_lives_beside_the_worklog(tmp_path: Path) -> None:
    first = _scan(tmp_path, "default")
    second = _scan(tmp_path, "default")
    assert (tmp_path / "default" / ".gardener-state.json").is_file()
    assert set(_trends(first).values()) == {"new"}
    assert set(_trends(second).values()) == {"recurring"}


def test_no_state_means_no_trends_and_no_file(tmp_path: Path) -> None:
    data = _scan(tmp_path, "plain", "--no-state")
    assert set(_trends(data).values()) == {None}
    assert not (tmp_path / "plain" / ".gardener-state.json").exists()


def test_a_corrupt_state_file_stops_the_scan_with_exit_code_2(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format": "log-gardener-state", "version": 1, "runs": "oops"}', encoding="utf-8")
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path), "--state", str(state)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "is corrupt" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.glob("*.md")) == [], "nothing is written when the state cannot be read"


def test_the_step_summary_is_appended_from_the_environment(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0, result.output
    text = summary.read_text(encoding="utf-8")
    worklog = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert text == "## Earlier step\n" + worklog

    explicit = tmp_path / "explicit.md"
    result = runner.invoke(
        app, ["scan", "--demo", "--out", str(tmp_path / "out2"), "--step-summary", str(explicit)], env=env
    )
    assert result.exit_code == 0, result.output
    assert explicit.read_text(encoding="utf-8") == next((tmp_path / "out2").glob("*.md")).read_text(
        encoding="utf-8"
    )
    assert summary.read_text(encoding="utf-8") == text, "--step-summary wins over the environment"


def test_the_resolved_section_lists_quiet_problems() -> None:
    scan = report(hour=5)
    scan.resolved = [
        ResolvedCluster(
            fingerprint="abc123", title="KeyError: | sku", last_seen=T0, quiet_runs=3, issue_number=7
        ),
        ResolvedCluster(fingerprint="def456", title="Timeout", last_seen=T0, quiet_runs=4),
    ]
    text = environment().get_template("partials/resolved.md.j2").render(report=scan)
    assert text == (
        "## Resolved\n\n"
        "Seen in earlier runs, absent from the last 3 or more (`--state`):\n\n"
        "| Problem | Fingerprint | Last seen | Quiet runs | Issue |\n"
        "|---|---|---|---:|---|\n"
        "| `KeyError: \\| sku` | `abc123` | 2026-03-01T12:00:00Z | 3 | #7 |\n"
        "| `Timeout` | `def456` | 2026-03-01T12:00:00Z | 4 | — |\n\n"
    )
    assert environment().get_template("partials/resolved.md.j2").render(report=report()) == ""


def test_a_scan_of_some_services_keeps_its_own_state(tmp_path: Path) -> None:
    full = _scan(tmp_path, "shared")
    limited = _scan(tmp_path, "shared", "--service", "inventory-svc", "--service", "ledger")
    again = _scan(tmp_path, "shared")
    assert set(_trends(full).values()) == {"new"}
    assert set(_trends(limited).values()) == {"new"}, "the limited scan did not read the full scan's state"
    assert set(_trends(again).values()) == {"recurring"}
    assert again["resolved"] == [], "the limited scan did not count the other services' problems as quiet"
    names = sorted(p.name for p in (tmp_path / "shared").glob(".gardener-state*.json"))
    assert names == [".gardener-state-inventory-svc-ledger.json", ".gardener-state.json"]


def test_a_resolved_problems_title_kept_by_an_older_run_is_redacted_as_this_runs_texts(
    tmp_path: Path,
) -> None:
    """The state keeps a title as the run that saw the problem last wrote it: an older redactor's, or one under
    other extra patterns. Listed as resolved, it reaches the worklog and the report redacted as this run's."""
    state = tmp_path / "state.json"
    _scan(tmp_path, "first", "--state", str(state))
    stored = json.loads(state.read_text(encoding="utf-8"))
    secret = "ghp_" + "Zq8rT2vW4xY6zA1bC3dE5fG7hJ9kL0mN2pQ4"
    known = next(iter(stored["fingerprints"].values()))
    stored["fingerprints"]["0123456789ab"] = dict(
        known,
        title=f"login failed with token {secret}",
        first_seen="2026-11-20T10:00:00Z",
        last_seen="2026-11-20T10:05:00Z",
        issue_number=None,
    )
    state.write_text(json.dumps(stored), encoding="utf-8")
    config = tmp_path / "gardener.toml"
    config.write_text("[state]\nresolved_after_runs = 1\n", encoding="utf-8")

    second = _scan(tmp_path, "second", "--state", str(state), "--config", str(config))

    assert [item["fingerprint"] for item in second["resolved"]] == ["0123456789ab"]
    assert "login failed with token [REDACTED:" in second["resolved"][0]["title"]
    worklog = next((tmp_path / "second").glob("*.md")).read_text(encoding="utf-8")
    assert "login failed with token [REDACTED:" in worklog
    assert secret not in worklog and secret not in json.dumps(second)
