"""Defaults the command line's help names, in a module that imports nothing: `gardener --help` stays fast."""

from __future__ import annotations

from pathlib import Path

STATE_FILE_NAME = ".gardener-state.json"
DEFAULT_STATE_PATH = Path("worklogs") / STATE_FILE_NAME

DEFAULT_MAX_ENTRIES = 100_000
"""`--max-entries` when not given: where a live scan stops reading."""
