"""Atomic writes: a failed write leaves the old file and no temporary file, and says why in one line."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from loggardener.errors import GardenerError
from loggardener.files import atomic_open, atomic_write


def test_a_full_disk_is_one_clear_line_and_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")

    with pytest.raises(GardenerError) as full, atomic_open(target, "state file") as handle:
        handle.write("new")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    assert (
        full.value.message
        == f"cannot write state file {target}: no space left on the device: free some space and rerun"
    )
    assert int(full.value.exit_code) == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_an_atomic_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    atomic_write(target, "echo 1\n", "script", mode=0o755)
    assert target.stat().st_mode & 0o777 == 0o755
    atomic_write(target, "echo 2\n", "script")
    assert target.stat().st_mode & 0o777 == 0o755
    assert target.read_text(encoding="utf-8") == "echo 2\n"


def test_an_output_on_a_named_pipe_or_device_is_refused_never_replaced(tmp_path: Path) -> None:
    """As root, replacing `/dev/null` would leave a regular file where every program's /dev/null was."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(GardenerError) as caught:
        atomic_write(pipe, "report", "report")
    assert caught.value.message == (
        f"cannot write report {pipe}: it is a named pipe or socket, not a file, and gardener replaces its "
        "outputs whole; give a file path (to discard an output, leave its option out)"
    )
    assert pipe.is_fifo() and list(tmp_path.iterdir()) == [pipe]


def test_a_report_aimed_at_a_device_is_refused_before_the_scan(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from loggardener.cli import app

    device = tmp_path / "null"  # a copy of /dev/null's node: a regression must not replace the real one
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root (the case where /dev/null could be replaced)")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["scan", "--demo", "--no-state", "--out", str(out), "--report-json", str(device)]
    )
    assert result.exit_code == 2
    assert f"cannot write report {device}: it is a device, not a file" in result.stderr
    assert device.is_char_device()
    assert not any(out.rglob("*"))  # no worklog: the refusal came before the scan


def _leftover(directory: Path, name: str, age: float) -> Path:
    path = directory / name
    path.write_text("half a write", encoding="utf-8")
    then = os.path.getmtime(path) - age
    os.utime(path, (then, then))
    return path


def test_a_write_removes_what_a_killed_write_of_the_same_file_left_not_a_write_under_way(
    tmp_path: Path,
) -> None:
    """A run killed before its rename (SIGKILL, out of memory) leaves `.NAME.XXXXXXXX.tmp` beside the output,
    and the scheduled job commits the worklog directory. The next write of that file removes an old one; a
    young one may be another run's write under way, and another file's leftover is not this file's."""
    old = _leftover(tmp_path, ".r.json.k3x9q2zw.tmp", 3600)
    young = _leftover(tmp_path, ".r.json.a1b2c3d4.tmp", 5)
    other = _leftover(tmp_path, ".r.json.gz.p0q9z8xw.tmp", 3600)
    not_ours = _leftover(tmp_path, ".r.json.notmkstemp.tmp", 3600)

    atomic_write(tmp_path / "r.json", "{}", "report")

    assert not old.exists()
    assert young.exists() and other.exists() and not_ours.exists()
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "{}"
