"""A run that fails says so in one line and leaves nothing behind: no output written before an output that
cannot be, no empty directory it made, and the traceback GARDENER_DEBUG asks for."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import loggardener
from loggardener import cli
from loggardener.cli import app
from loggardener.console import user_errors
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


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_environment_fault_no_check_foresaw_is_one_line_exit_2_not_an_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A full disk (or quota, size limit, read-only file system) met on a file no check before the scan
    covers is the machine's fault, not a bug of gardener's: exit 2 and what to do, not "internal error"."""

    @user_errors
    def command() -> None:
        with open("/dev/full", "w", encoding="utf-8") as device:
            device.write("x")

    with pytest.raises(typer.Exit) as stopped:
        command()
    assert stopped.value.exit_code == ExitCode.BAD_INPUT
    said = capsys.readouterr().err.strip().splitlines()
    assert said == [
        "error: cannot read or write a file: no space left on the device: free some space and rerun"
    ]


def test_a_temporary_directory_without_room_for_the_assignments_says_so(tmp_path: Path) -> None:
    """--assignments gathers its lines in a temporary file until the fingerprints are final: a temporary
    directory that cannot take it (full, or a size limit as here) is named, with the way out (TMPDIR)."""
    limit = 60_000  # the worklog fits; the demo's 1,344 assignment lines do not
    process = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--demo", "--out", "out", "--no-state", "--assignments",
         "a.ndjson"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent), "TMPDIR": str(tmp_path)},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )  # fmt: skip
    assert process.returncode == ExitCode.BAD_INPUT
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in process.stderr
    assert lines[0].startswith(
        f"error: cannot write the temporary file --assignments is gathered in (in {tmp_path})"
    )
    assert "set TMPDIR to a directory with room" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
