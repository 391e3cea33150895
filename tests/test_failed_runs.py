"""A run that fails says so in one line and leaves nothing behind: no output written before an output that
cannot be, no empty directory it made, and the traceback GARDENER_DEBUG asks for."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loggardener import cli
from loggardener.cli import app
from loggardener.errors import ExitCode, debugging

runner = CliRunner()
NOW = "2026-11-21T17:45:00Z"


def _tree(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def test_a_file_where_the_drafts_go_stops_the_run_before_anything_is_written(tmp_path: Path) -> None:
    first = runner.invoke(
        app, ["scan", "--demo", "--out", str(tmp_path / "seen"), "--issues", "draft", "--now", NOW]
    )
    assert first.exit_code == 0
    drafts = next(path.name for path in (tmp_path / "seen").iterdir() if path.suffix == ".issues")
    out = tmp_path / "out"
    out.mkdir()
    (out / drafts).write_text("notes of mine\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            *("scan", "--demo", "--out", str(out), "--issues", "draft", "--now", NOW),
            *("--report-json", str(tmp_path / "r.json"), "--assignments", str(tmp_path / "a.ndjson")),
        ],
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        f"error: cannot write the drafts into {out / drafts}: it is a file, not a directory; move it aside or "
        "remove it, or give another --out"
    )
    assert _tree(out) == [drafts]  # no worklog, no state: the state did not count a run whose drafts failed
    assert (out / drafts).read_text(encoding="utf-8") == "notes of mine\n"
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "a.ndjson").exists()


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_run_removes_the_empty_directories_it_made(tmp_path: Path, existing: bool) -> None:
    export = tmp_path / "in.json"
    export.write_text(json.dumps([{"textPayload": "no timestamp"}]), encoding="utf-8")
    if existing:
        (tmp_path / "new" / "deep").mkdir(parents=True)
    result = runner.invoke(
        app,
        [
            *("scan", "--from", str(export), "--out", str(tmp_path / "new" / "deep" / "out")),
            *(
                "--report-json",
                str(tmp_path / "reports" / "r.json"),
                "--step-summary",
                str(tmp_path / "sum.md"),
            ),
        ],
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nothing readable" in result.stderr
    # what existed before the run stays, even empty; what the run made for its outputs goes (the step summary
    # too: an empty file it created)
    assert _tree(tmp_path) == (["in.json", "new", "new/deep"] if existing else ["in.json"])


def test_a_directory_the_run_made_and_wrote_into_is_kept(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "new" / "out"), "--now", NOW])
    assert result.exit_code == 0
    assert any(path.suffix == ".md" for path in (tmp_path / "new" / "out").iterdir())


def test_gardener_debug_shows_the_traceback_of_an_os_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError a command raises is not taken for a full standard output when its traceback was asked for."""

    def failing() -> None:
        raise PermissionError(13, "Permission denied", "/somewhere/file")

    monkeypatch.setattr(cli, "app", failing)
    monkeypatch.setattr(sys, "argv", ["gardener"])
    monkeypatch.setenv("GARDENER_DEBUG", "1")
    with pytest.raises(PermissionError):
        cli.main()
    monkeypatch.setenv("GARDENER_DEBUG", "0")
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == ExitCode.BAD_INPUT


@pytest.mark.parametrize(
    ("value", "on"), [("1", True), ("yes", True), ("", False), ("0", False), ("false", False)]
)
def test_gardener_debug_0_is_off(monkeypatch: pytest.MonkeyPatch, value: str, on: bool) -> None:
    monkeypatch.setenv("GARDENER_DEBUG", value)
    assert debugging() is on
