"""State across runs: the state file and the trends computed from it."""

from loggardener.state.store import (
    FingerprintHistory,
    State,
    load_state,
    save_state,
    state_file_name,
)
from loggardener.state.trends import apply_trends, note_reopened, trend_line

__all__ = [
    "FingerprintHistory",
    "State",
    "apply_trends",
    "load_state",
    "note_reopened",
    "save_state",
    "state_file_name",
    "trend_line",
]
