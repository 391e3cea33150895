"""Atomic writes: a failed write leaves the old file and no temporary file, and says why in one line."""

from __future__ import annotations

import errno
import os
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
