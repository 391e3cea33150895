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
