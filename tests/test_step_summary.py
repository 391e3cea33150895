"""The worklog as a GitHub Actions step summary: appended, and trimmed to the 1 MiB limit."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from loggardener.rendering.step_summary import (
    STEP_SUMMARY_LIMIT,
    append_step_summary,
    fit_summary,
    full_worklog_pointer,
)

POINTER = "The full worklog is `worklogs/2026-03-01T1200Z.md`."


def _big_worklog(clusters: int) -> str:
    """A worklog-like page: a heading per cluster, a stack in a code fence, and a details block."""
    parts = ["# Worklog: demo-project, last hour\n\n"]
    for index in range(clusters):
        parts.append(f"## {index}. P1 · recurring · ValueError: bad value ✗ {index}\n\n")
        parts.append("<details><summary>Samples</summary>\n\n")
        parts.append("```\nTraceback (most recent call last):\n")
        parts.extend(f'  File "/app/mod{line}.py", line {line}, in handler — ünïcode\n' for line in range(40))
        parts.append("ValueError: bad value\n```\n\n</details>\n\n")
    return "".join(parts)


def test_a_small_summary_is_appended_unchanged(tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("### Earlier step output\n", encoding="utf-8")
    assert append_step_summary(summary, "# Worklog\n\nAll quiet.", POINTER) is False
    assert append_step_summary(summary, "# Second\n", POINTER) is False
    assert (
        summary.read_text(encoding="utf-8") == "### Earlier step output\n# Worklog\n\nAll quiet.\n# Second\n"
    )


def test_a_large_worklog_is_trimmed_to_one_mebibyte_with_a_pointer(tmp_path: Path) -> None:
    worklog = _big_worklog(1000)
    assert len(worklog.encode("utf-8")) > 2 * STEP_SUMMARY_LIMIT
    summary = tmp_path / "step_summary.md"

    assert append_step_summary(summary, worklog, POINTER) is True

    raw = summary.read_bytes()
    assert STEP_SUMMARY_LIMIT - 4096 < len(raw) <= STEP_SUMMARY_LIMIT
    text = raw.decode("utf-8")
    assert text.endswith(f"cut to fit GitHub's 1024 KiB limit. {POINTER}\n")
    body = text[: text.index("\n> **Trimmed:**")]
    fences = [line for line in body.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0, "an open code fence is closed"
    assert body.count("<details>") == body.count("</details>")
    assert worklog.startswith(body[: len(body) - 200]), "the kept part is the start of the worklog"


def test_what_the_step_already_wrote_counts_against_the_limit(tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_bytes(b"x" * (STEP_SUMMARY_LIMIT - 2000) + b"\n")
    assert append_step_summary(summary, _big_worklog(3), POINTER) is True
    assert len(summary.read_bytes()) <= STEP_SUMMARY_LIMIT
    assert summary.read_text(encoding="utf-8").endswith(POINTER + "\n")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(["```", "```python", "~~~", "<details>", "</details>", "text é ✓", "", "## head"]),
        max_size=60,
    ),
    st.integers(min_value=150, max_value=700),
)
def test_the_fitted_summary_never_exceeds_the_limit(lines: list[str], limit: int) -> None:
    markdown = "\n".join(lines) + "\n"
    fitted = fit_summary(markdown, POINTER, limit)
    assert len(fitted.encode("utf-8")) <= limit
    if len(markdown.encode("utf-8")) <= limit:
        assert fitted == markdown
    else:
        assert fitted.endswith(POINTER + "\n")


def test_the_pointer_names_the_worklog_and_the_run() -> None:
    worklog = Path("/runner/_temp/worklog/GCP-LOG-GARDENER-WORKLOG-last-1-hour-2026-03-01-12-00.md")
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "42"}
    assert full_worklog_pointer(worklog, env) == (
        "The full worklog, `GCP-LOG-GARDENER-WORKLOG-last-1-hour-2026-03-01-12-00.md`, is in the artifacts of "
        "[this run](https://github.com/acme/shop/actions/runs/42)."
    )
    assert full_worklog_pointer(Path("worklogs/x.md"), {}) == "The full worklog is `worklogs/x.md`."


def test_the_pointer_reads_the_runs_variables_without_a_line_break_around_them() -> None:
    env = {
        "GITHUB_SERVER_URL": "https://github.com\n",
        "GITHUB_REPOSITORY": "acme/shop\n",
        "GITHUB_RUN_ID": " 42\n",
    }
    assert "[this run](https://github.com/acme/shop/actions/runs/42)." in full_worklog_pointer(
        Path("w.md"), env
    )


def test_a_named_pipe_nobody_reads_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    """Opening it to append waited for a reader forever, before the scan read anything."""
    import os
    import subprocess
    import sys

    pipe = tmp_path / "summary"
    os.mkfifo(pipe)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "loggardener", "scan", "--demo", "--no-state", "--out", str(out)]
    done = subprocess.run(
        [*command, "--step-summary", str(pipe)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2
    assert "is a named pipe that no process reads" in done.stderr
    assert not list(out.glob("*.md"))


def test_a_step_summary_that_cannot_be_written_names_its_variable(tmp_path: Path) -> None:
    """The runner sets GITHUB_STEP_SUMMARY for every step: the line names it, not only the option."""
    import os
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "loggardener",
        "scan",
        "--demo",
        "--no-state",
        "--out",
        str(tmp_path / "out"),
    ]
    environment = {**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path)}  # a directory
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=environment)
    assert done.returncode == 2
    assert f"cannot write the step summary (--step-summary or GITHUB_STEP_SUMMARY) {tmp_path}" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
