"""Mistakes in the window, the services and where the configuration lives: each said in one line, with what
to do, never silently scanned as something else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loggardener.cli import app
from loggardener.config import load_config
from loggardener.errors import ExitCode, GardenerError

runner = CliRunner()
NOW = "2026-11-30T12:00:00Z"


def _export(path: Path) -> Path:
    entries = [
        {
            "insertId": f"i{n}",
            "timestamp": f"2026-11-30T10:00:{n:02d}Z",
            "severity": "ERROR",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "checkout"}},
            "textPayload": f"payment {n} declined by the gateway",
        }
        for n in range(5)
    ]
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("window", "said"),
    [
        (
            ["--since", "2030-01-01T00:00:00Z", "--print-filter"],
            "error: the window is empty: --since 2030-01-01T00:00:00Z is not before now (2026-11-30T12:00:00Z), "
            "where a scan without --until ends: give a --since in the past",
        ),
        (
            ["--since", "2026-11-30T10:00:00Z", "--until", "2026-11-30T09:00:00Z"],
            "error: the window is empty: it starts at --since 2026-11-30T10:00:00Z and ends at --until "
            "2026-11-30T09:00:00Z: give an --until after the start",
        ),
    ],
)
def test_an_empty_window_says_which_option_to_change(tmp_path: Path, window: list[str], said: str) -> None:
    result = runner.invoke(
        app, ["scan", "--project", "p", "--out", str(tmp_path / "out"), "--now", NOW, *window]
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.strip() == said
    assert result.stdout == ""


def test_a_file_may_be_scanned_with_a_since_after_now(tmp_path: Path) -> None:
    """An export's times are its own: a window after the clock's now is no mistake for a file."""
    result = runner.invoke(
        app,
        [
            "scan",
            "--from",
            str(_export(tmp_path / "in.ndjson")),
            "--since",
            "2026-11-30T10:00:02Z",
            "--out",
            str(tmp_path / "out"),
            "--now",
            "2026-01-01T00:00:00Z",
            "--no-state",
        ],
    )
    assert result.exit_code == 0


def test_a_service_that_matches_nothing_is_said_even_when_every_entry_matched_another(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "scan",
            "--from",
            str(_export(tmp_path / "in.ndjson")),
            "--service",
            "checkout",
            "--service",
            "chekout",
            "--out",
            str(tmp_path / "out"),
            "--no-state",
            "--now",
            NOW,
        ],
    )
    assert result.exit_code == 0
    assert "no entry of --service chekout in the input; check the name" in " ".join(result.stderr.split())


def test_services_listed_in_one_service_option_are_told_to_be_given_one_by_one(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "scan", "--from", str(_export(tmp_path / "in.ndjson")), "--service", "checkout, cart",
            "--out", str(tmp_path / "out"), "--no-state", "--now", NOW,
        ],
    )  # fmt: skip
    assert result.exit_code == 0
    assert (
        "no entry of --service checkout, cart in the input; --service takes one name each time: "
        "--service checkout --service cart; services it has: checkout"
    ) in " ".join(result.stderr.split())


def test_a_pyproject_table_that_gardener_toml_overrides_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.gardener]\nmin_severity = "ERROR"\n', encoding="utf-8")
    (tmp_path / "gardener.toml").write_text('min_severity = "WARNING"\n', encoding="utf-8")
    result = runner.invoke(
        app,
        ["scan", "--from", str(_export(tmp_path / "in.ndjson")), "--out", "out", "--no-state", "--now", NOW],
    )
    assert result.exit_code == 0
    assert (
        "note: the configuration is gardener.toml; the [tool.gardener] table of "
        f"{tmp_path / 'pyproject.toml'} is ignored (the two are never merged): keep one of them"
    ) in " ".join(result.stderr.split())
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n", encoding="utf-8")
    quiet = runner.invoke(
        app, ["scan", "--from", str(tmp_path / "in.ndjson"), "--out", "out", "--no-state", "--now", NOW]
    )
    assert "pyproject" not in quiet.stderr


def test_a_config_option_naming_a_pyproject_without_the_table_is_refused(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.black]\nline-length = 100\n", encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(pyproject)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert "has no [tool.gardener] table" in caught.value.message
    assert load_config(search_dir=tmp_path) == load_config(search_dir=tmp_path / "nowhere")  # found: defaults


def test_a_tool_gardener_table_in_gardener_toml_says_where_it_belongs(tmp_path: Path) -> None:
    config = tmp_path / "gardener.toml"
    config.write_text('[tool.gardener]\nmin_severity = "ERROR"\n', encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(config)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert (
        "is read from pyproject.toml only; in this file put its keys at the top level" in caught.value.message
    )


def test_cluster_writes_no_assignments_for_an_empty_log(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cluster", "--assignments", str(tmp_path / "a.ndjson"), "-"], input="")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.strip() == (
        "error: nothing to cluster: standard input is empty; give a log with one message per line"
    )
    assert not (tmp_path / "a.ndjson").exists()


def test_consecutive_windows_count_an_entry_at_their_shared_bound_once(tmp_path: Path) -> None:
    """`--until` is not part of the window, as in the live filter (`timestamp<"until"`): an entry at exactly
    11:00:00 belongs to 11:00-12:00, not also to 10:00-11:00, whatever the offset the bounds are written in."""
    export = tmp_path / "export.ndjson"
    rows = [
        {
            "insertId": f"i{n}",
            "timestamp": stamp,
            "severity": "ERROR",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "checkout"}},
            "textPayload": "payment declined by the gateway",
        }
        for n, stamp in enumerate(
            ["2026-11-30T10:20:00Z", "2026-11-30T10:59:59.999999999Z", "2026-11-30T11:00:00Z"]
        )
    ]
    export.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    counts = []
    for since, until in [
        ("2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z"),
        ("2026-11-30T12:00:00+01:00", "2026-11-30T13:00:00+01:00"),
    ]:
        report = tmp_path / f"{since[11:13]}.json"
        window = ["--from", str(export), "--since", since, "--until", until, "--no-state"]
        result = runner.invoke(
            app, ["scan", *window, "--out", str(tmp_path / "out"), "--report-json", str(report)]
        )
        assert result.exit_code in (0, 1), result.output
        counts.append(json.loads(report.read_text())["totals"]["skipped"].get("outside the window", 0))
    assert counts == [1, 2]
