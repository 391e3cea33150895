"""Paths this user may not read, or may write but not read, as a CI runner or a shared machine leaves them.

Each run is a subprocess of a user the files are not theirs: an ordinary user is bound by the mode bits
already; root is run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (`setpriv`) on files given to nobody, so
the same bits bind it. Every mode below is the same for owner, group and others.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import loggardener
from loggardener.errors import ExitCode
from loggardener.rendering.markdown import bundled_templates

SRC = str(Path(loggardener.__file__).resolve().parent.parent)
NOW = "2026-11-21T17:45:00Z"
NOBODY = 65534
DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None or subprocess.run([*DROP, "true"], check=False).returncode != 0:
        pytest.skip("root, and no setpriv to run without the capability to override file permissions")
    return DROP


def _deny(path: Path, mode: int) -> None:
    """Give `path` the same `mode` for everyone, and to nobody when root runs the tests."""
    path.chmod(mode)
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)


def _scan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_STEP_SUMMARY"}
    env["PYTHONPATH"] = SRC
    return subprocess.run(
        [*_prefix(), sys.executable, "-m", "loggardener", "scan", "--demo", "--now", NOW, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith(("error:", "internal error:"))]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_outputs_this_user_may_write_but_not_read_are_written(tmp_path: Path) -> None:
    """An output is written, replaced or appended to: whether this user may read it does not matter (a job
    summary file only the runner reads, a drop-box directory). They were refused as "not readable"."""
    for name in ("r.json", "a.ndjson", "summary.md"):
        (tmp_path / name).write_text("old\n", encoding="utf-8")
        _deny(tmp_path / name, 0o222)
    drop_box = tmp_path / "drop"
    drop_box.mkdir()
    _deny(drop_box, 0o333)
    result = _scan(
        tmp_path,
        *("--out", "drop", "--no-state", "--report-json", "r.json", "--assignments", "a.ndjson"),
        *("--step-summary", "summary.md"),
    )
    assert result.returncode == 0, result.stderr
    for name in ("r.json", "a.ndjson", "summary.md"):
        (tmp_path / name).chmod(0o644)
    assert (tmp_path / "r.json").read_text(encoding="utf-8").startswith("{")
    assert (tmp_path / "a.ndjson").read_text(encoding="utf-8").startswith('{"insertId"')
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").startswith("old\n#")
    drop_box.chmod(0o755)
    assert [path.suffix for path in drop_box.iterdir()] == [".md"]


@pytest.mark.parametrize("given", [True, False])
def test_a_configuration_this_user_cannot_read_is_a_configuration_error(tmp_path: Path, given: bool) -> None:
    """`--config FILE` and the `gardener.toml` found in the current directory are one mistake: exit code 3 and
    gardener's own line (the first was click's "Invalid value for '--config'", exit code 2)."""
    config = tmp_path / "gardener.toml"
    config.write_text('min_severity = "ERROR"\n', encoding="utf-8")
    _deny(config, 0o000)
    result = _scan(tmp_path, "--out", "wl", "--no-state", *(["--config", "gardener.toml"] if given else []))
    assert result.returncode == ExitCode.BAD_CONFIG
    shown = "gardener.toml" if given else str(config)
    assert _error(result) == f"error: cannot read config file {shown}: Permission denied"
    assert not (tmp_path / "wl").exists()


def test_a_state_this_user_cannot_read_says_what_to_do(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{}", encoding="utf-8")
    _deny(state, 0o000)
    result = _scan(tmp_path, "--out", "wl", "--state", "state.json")
    assert result.returncode == ExitCode.BAD_INPUT
    assert _error(result) == (
        "error: cannot read state file state.json: Permission denied; give this user read and write access to "
        "it, or pass another --state path"
    )


def test_templates_this_user_cannot_read_are_one_line_not_the_bundled_ones_or_an_internal_error(
    tmp_path: Path,
) -> None:
    """A templates directory that cannot be read was taken as holding none (the bundled worklog, exit 0); a
    template or partial in it that cannot be read was an internal error."""
    bundled = bundled_templates()
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "worklog.md.j2").write_text("mine\n", encoding="utf-8")
    _deny(closed, 0o000)
    result = _scan(tmp_path, "--out", "wl", "--no-state", "--templates", "closed")
    assert result.returncode == ExitCode.BAD_INPUT
    assert _error(result) == (
        "error: --templates closed: this user cannot read the directory (permission denied): give it read "
        "access, or pass another --templates"
    )
    for name in ("worklog.md.j2", "partials/incidents.md.j2"):
        mine = tmp_path / name.replace("/", "-")
        shutil.copytree(bundled, mine, ignore=shutil.ignore_patterns("issues"))
        _deny(mine / name, 0o000)
        result = _scan(tmp_path, "--out", "wl", "--no-state", "--templates", mine.name)
        assert result.returncode == ExitCode.BAD_INPUT, result.stderr
        assert _error(result) == (
            f"error: template {mine.name}/{name} (from --templates) cannot be read: Permission denied: give "
            "this user read access to it"
        )
    assert not (tmp_path / "wl").exists()
