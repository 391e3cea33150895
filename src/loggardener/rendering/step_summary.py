"""The worklog as a GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`), trimmed to GitHub's 1 MiB limit."""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path

from loggardener.errors import ExitCode, GardenerError
from loggardener.files import write_error
from loggardener.regexes import compile_regex

STEP_SUMMARY_LIMIT = 1024 * 1024
"""GitHub refuses a step's summary larger than 1 MiB (the whole file of the step, in bytes)."""

_FENCE = compile_regex(r"^ {0,3}(```|~~~)")


def full_worklog_pointer(worklog: Path, env: Mapping[str, str] | None = None) -> str:
    """Where to find the full worklog: inside Actions, the run's artifacts; elsewhere, its path."""
    env = os.environ if env is None else env
    server, repository, run_id = (
        (env.get(key) or "").strip() for key in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repository and run_id:
        url = f"{server}/{repository}/actions/runs/{run_id}"
        return f"The full worklog, `{worklog.name}`, is in the artifacts of [this run]({url})."
    return f"The full worklog is `{worklog.as_posix()}`."


def fit_summary(markdown: str, pointer: str, limit: int = STEP_SUMMARY_LIMIT) -> str:
    """`markdown` unchanged if it fits in `limit` bytes; else cut at a line, blocks closed, and a trim note.

    An open code fence or `<details>` block at the cut is closed so the rest of the page renders.
    Returns "" when not even the trim note fits.
    """
    if len(markdown.encode("utf-8")) <= limit:
        return markdown
    note = f"\n> **Trimmed:** this summary was cut to fit GitHub's {limit // 1024} KiB limit. {pointer}\n"
    budget = limit - len(note.encode("utf-8"))
    if budget <= 0:
        return ""
    lines = markdown.encode("utf-8")[:budget].decode("utf-8", errors="ignore").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines.pop()
    while True:
        kept = "".join(lines)
        text = kept + _closers(lines) + note
        if len(text.encode("utf-8")) <= limit or not lines:
            return text
        lines.pop()


def _closers(lines: list[str]) -> str:
    """Markdown that closes a code fence and `<details>` blocks left open by `lines`."""
    fence: str | None = None
    open_details = 0
    for line in lines:
        match = _FENCE.match(line)
        if match:
            if fence is None:
                fence = match.group(1)
            elif match.group(1) == fence:
                fence = None
            continue
        if fence is None:
            open_details += line.count("<details") - line.count("</details>")
    closing = f"{fence}\n" if fence else ""
    return closing + "</details>\n" * max(open_details, 0)


# Named with where it is set: GitHub's runner sets the variable for every step, so a user may never have
# given the option.
STEP_SUMMARY = "the step summary (--step-summary or GITHUB_STEP_SUMMARY)"


def check_appendable(path: Path) -> None:
    """Fail before the scan if the summary file cannot be appended to."""
    os.close(_open_append(path))


def _open_append(path: Path) -> int:
    """A descriptor appending to `path`, opened without waiting: a named pipe that no process reads would
    hold the run forever (a file, a terminal or a pipe with its reader opens as always)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o644)
        os.set_blocking(descriptor, True)
        return descriptor
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise GardenerError(
                f"cannot write {STEP_SUMMARY} {path}: it is a named pipe that no process reads; "
                "start its reader first, or give a file",
                ExitCode.BAD_INPUT,
            ) from None
        raise write_error(STEP_SUMMARY, path, exc) from None


def append_step_summary(path: Path, markdown: str, pointer: str, limit: int = STEP_SUMMARY_LIMIT) -> bool:
    """Append `markdown` to the summary file at `path`, trimmed to what is left of `limit`; True if trimmed.

    GitHub gives each step an empty file and expects appends; what earlier commands of the same step
    wrote counts against the limit too.
    """
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    try:
        used = path.stat().st_size if path.exists() else 0
        fitted = fit_summary(text, pointer, limit - used)
        with os.fdopen(_open_append(path), "a", encoding="utf-8") as handle:
            handle.write(fitted)
    except OSError as exc:
        raise write_error(STEP_SUMMARY, path, exc) from None
    return fitted != text
