"""The command line says what it does: bad values are usage errors (exit 2), options that would be ignored
are refused, `-` means standard output, `--fail-on` gates CI, help is grouped, `-h` and completion work."""

from __future__ import annotations

import gzip
import json
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner

import loggardener
from loggardener.cli import app
from loggardener.sources.demo import demo_export_path
from processes import GARDENER

runner = CliRunner()


def _scan(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "out"), "--no-state", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("hours", ["nan", "inf", "-inf", "1e9", "1e400", "0", "-1", "87601"])
def test_hours_that_are_not_a_sensible_number_are_exit_2_said_in_one_line(tmp_path: Path, hours: str) -> None:
    code, _, stderr = _scan(tmp_path, "--hours", hours)
    assert code == 2
    assert "Traceback" not in stderr and "internal error" not in stderr
    # one line, the same for each (NaN is no number "above 87600", as a range check would call it)
    assert stderr.strip().splitlines() == [
        f"error: --hours {float(hours):g}: give a number of hours above 0 and at most 87600"
    ]


@pytest.mark.parametrize("hours", ["1e-300", "1e-12", "1e-10"])
def test_hours_shorter_than_a_microsecond_are_one_line_not_a_window_ending_at_until_none(
    tmp_path: Path, hours: str
) -> None:
    """Above 0, yet a window the clock cannot tell from none: said as such, not as an empty window that
    'ends at --until None' when no --until was given."""
    code, _, stderr = _scan(tmp_path, "--hours", hours)
    assert code == 2
    assert stderr.strip().splitlines() == [
        f"error: --hours {float(hours):g} is shorter than a microsecond: give a window of at least one"
    ]


@pytest.mark.parametrize("hours", ["3e-10", "0.001"])
def test_hours_of_a_microsecond_or_more_still_scan(tmp_path: Path, hours: str) -> None:
    code, _, stderr = _scan(tmp_path, "--hours", hours, "--until", "2026-11-21T17:39:00Z")
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["scan", "--project", "P", "--logging-endpoint", "http://127.0.0.1:9", "--max-entries", "0"],
            "error: --max-entries 0: give a number of entries of at least 1",
        ),
        (
            ["scan", "--project", "P", "--logging-endpoint", "http://127.0.0.1:9", "--max-entries", "-5"],
            "error: --max-entries -5: give a number of entries of at least 1",
        ),
        (
            ["cluster", "-", "--limit", "-1"],
            "error: --limit -1: give a number of templates to show, or 0 for all",
        ),
    ],
    ids=["max-entries-0", "max-entries-negative", "limit-negative"],
)
def test_counts_out_of_range_are_one_line_as_hours_are_not_a_usage_box(args: list[str], line: str) -> None:
    """A number option out of its range is our one line (exit 2) before anything is read or reached, as
    --hours 0 is; click's range check printed its usage box."""
    result = runner.invoke(app, args, input="a 1\n")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [line]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["scan", "--hours", "12h"], "error: --hours '12h' is not a number: give one such as 12 or 0.5"),
        (["scan", "--hours=1,5"], "error: --hours '1,5' is not a number: give one such as 12 or 0.5"),
        (
            ["scan", "--project", "P", "--max-entries", "10k"],
            "error: --max-entries '10k' is not a whole number: give one such as 500",
        ),
        (
            ["cluster", "-", "--limit", "all"],
            "error: --limit 'all' is not a whole number: give one such as 500",
        ),
        (
            ["scan", "--fail-on", "P5"],
            "error: Invalid value for '--fail-on': 'P5' is not one of 'p0', 'p1', 'p2', 'p3'.",
        ),
    ],
    ids=[
        "hours-with-a-unit",
        "hours-with-a-decimal-comma",
        "max-entries-with-a-unit",
        "limit-a-word",
        "a-choice",
    ],
)
def test_a_value_that_is_not_of_the_options_type_is_said_in_our_words_naming_it(
    args: list[str], line: str
) -> None:
    """typer converts option values with pydantic, whose words (`Input should be a valid number, unable to parse
    string as a number`, `Value error, 'P5' is not one of …`) neither named the value given nor said what to
    give: the line names it and asks for a number (a whole one for counts)."""
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{line} (`")
    assert "Input should be" not in result.stderr and "Value error" not in result.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["scan", "export.ndjson"], "; scan reads a file given with --from PATH (`-` for standard input)"),
        (
            ["scan", "\u2014from", "x.json"],
            "; '\u2014from' starts with a typographic dash, not two ASCII hyphens",
        ),
        (["scan", "\u2013-hours=12"], "type it as --hours=12"),
        (["cluster", "\u2014limit", "3", "-"], "type it as --limit"),
    ],
    ids=["scan-path-without-from", "em-dash", "en-dash-and-hyphen", "cluster-em-dash"],
)
def test_an_argument_no_option_takes_says_what_it_was_likely_meant_as(args: list[str], hint: str) -> None:
    """click's "Got unexpected extra argument(s) (…)" left the user to guess: a path given to scan without
    --from, or an option whose `--` a document or a chat turned into a dash."""
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("error: Got unexpected extra argument") and hint in lines[0]
    )


def test_a_timestamp_before_1970_says_why(tmp_path: Path) -> None:
    code, _, stderr = _scan(tmp_path, "--since", "1969-12-31T00:00:00Z")
    assert code == 2
    assert "outside the years 1970 to 8999" in stderr
    assert "not an RFC 3339" not in stderr


@pytest.mark.parametrize(
    ("since", "zone_missing"),
    [
        ("yesterday", False),
        ("2026-11-21", False),
        ("2026-11-21T16:00:00", True),
        ("2026-11-21 16:00:00", True),
    ],
)
def test_a_bad_time_is_told_missing_a_zone_only_when_a_zone_would_mend_it(
    tmp_path: Path, since: str, zone_missing: bool
) -> None:
    code, _, stderr = _scan(tmp_path, "--since", since)
    assert code == 2
    assert f"--since: invalid timestamp {since!r}" in stderr
    assert ("no time zone" in stderr) is zone_missing, stderr
    assert "such as 2025-09-16T17:44:00Z" in stderr


def test_report_json_dash_writes_the_report_to_stdout_and_the_summary_to_stderr(tmp_path: Path) -> None:
    code, stdout, stderr = _scan(tmp_path, "--report-json", "-")
    assert code == 0
    assert json.loads(stdout)["totals"]["read"] == 1344
    assert "Worklog:" in stderr
    assert not (Path.cwd() / "-").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--filter", 'severity="ERROR"'],
        ["--max-entries", "10"],
        ["--project", "p"],
        ["--resource-type", "cloud_run_revision"],
        ["--save-export", "x.ndjson"],
        ["--logging-endpoint", "http://127.0.0.1:9"],
    ],
)
def test_live_only_options_with_an_export_are_refused(tmp_path: Path, args: list[str]) -> None:
    code, _, stderr = _scan(tmp_path, *args)
    assert code == 2
    assert f"{args[0]} is only for a live scan" in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--demo", "--view", "v"], "--view is only for a scan through Log Analytics"),
        (
            ["--hours", "1", "--project", "p", "--bigquery-endpoint", "http://127.0.0.1:9"],
            "--bigquery-endpoint is only",
        ),
        (
            ["--log-analytics", "p-1.logs", "--hours", "1", "--max-entries", "5"],
            "--max-entries is only for a live scan of Cloud Logging (entries.list), not for --log-analytics",
        ),
        (
            ["--log-analytics", "p-1.logs", "--hours", "1", "--logging-endpoint", "http://127.0.0.1:9"],
            "--logging-endpoint",
        ),
    ],
)
def test_an_option_of_another_source_is_refused_not_ignored(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    result = runner.invoke(app, ["scan", "--out", str(tmp_path / "out"), "--no-state", *args])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_endpoint_from_the_environment_is_no_option_given(tmp_path: Path) -> None:
    """CI may set GARDENER_LOGGING_ENDPOINT for every step: a scan of an export still runs."""
    env = {
        "GARDENER_LOGGING_ENDPOINT": "http://127.0.0.1:9",
        "GARDENER_BIGQUERY_ENDPOINT": "http://127.0.0.1:9",
    }
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "out"), "--no-state"], env=env)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("threshold", "code"), [("P0", 1), ("P1", 1), ("P2", 1)])
def test_fail_on_exits_1_when_a_problem_at_or_above_is_found(
    tmp_path: Path, threshold: str, code: int
) -> None:
    exit_code, stdout, stderr = _scan(tmp_path, "--fail-on", threshold)
    assert exit_code == code
    assert f"at or above {threshold} (--fail-on {threshold})" in stderr
    assert "Worklog:" in stdout  # everything is written first


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--fail-on", "p1"], 1, "at or above P1 (--fail-on P1)"),
        (["--issues", "DRAFT", "--repo", "o/r"], 0, ""),
        (
            ["--issues", "Draft", "--repo", "o/r", "--min-severity", "error", "--fail-on", "p0"],
            1,
            "(--fail-on P0)",
        ),
    ],
)
def test_choices_are_taken_in_any_case_as_min_severity_is(
    tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    exit_code, _, stderr = _scan(tmp_path, *args)
    assert exit_code == code, stderr
    assert said in stderr


def test_fail_on_passes_when_nothing_reaches_the_threshold(tmp_path: Path) -> None:
    exit_code, _, stderr = _scan(tmp_path, "--fail-on", "P0", "--hours", "1", "--now", "2026-01-01T00:00:00Z")
    assert exit_code == 0, stderr


def test_choices_are_click_choices_shown_in_help() -> None:
    result = runner.invoke(app, ["scan", "-h"], env={"COLUMNS": "300", "TERMINAL_WIDTH": "300"})
    assert result.exit_code == 0
    for shown in ("<none|draft|publish>", "<p0|p1|p2|p3>", "at most 87600", "N above 0", "|warning|error|"):
        assert shown in result.stdout, shown
    for panel in ("Input", "Window", "Outputs", "GitHub issues", "Live source (Cloud Logging)", "State"):
        assert f"─ {panel} ─" in result.stdout, panel


def test_a_mistyped_option_is_offered_the_options_help_lists_only(tmp_path: Path) -> None:
    """`--no` and `--ou` are offered `--out` and `--repo`, never the hidden `--now` that tests pin time with."""
    for typo, offered in (("--no", "--out, --repo"), ("--ou", "--hours, --out")):
        result = runner.invoke(app, ["scan", "--demo", typo, "x"], env={"COLUMNS": "300"})
        assert result.exit_code == 2
        assert f"No such option: {typo} (Possible options: {offered})" in result.stderr, result.stderr
    assert "--now" not in runner.invoke(app, ["scan", "-h"], env={"COLUMNS": "300"}).stdout
    assert _scan(tmp_path, "--now", "2026-11-21T18:00:00Z")[0] == 0, "still there for reproducible reports"


def test_short_help_and_shell_completion_are_available() -> None:
    assert runner.invoke(app, ["-h"]).exit_code == 0
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


def test_an_export_filtered_to_warning_and_above_is_called_out(tmp_path: Path) -> None:
    entries = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    kept = [e for e in entries if e.get("severity") in ("WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")]
    export = tmp_path / "filtered.json"
    export.write_text(json.dumps(kept), encoding="utf-8")
    out = tmp_path / "out"

    filtered = runner.invoke(app, ["scan", "--from", str(export), "--out", str(out), "--no-state"])
    unfiltered = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "demo"), "--no-state"])

    assert filtered.exit_code == 0 and unfiltered.exit_code == 0
    assert "looks exported with a severity filter" in " ".join(filtered.stderr.split())
    assert "--print-filter" in next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "severity filter" not in unfiltered.stderr


def test_the_readme_recommends_print_filter_not_a_severity_filter() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "gcloud logging read 'severity>=WARNING'" not in readme
    assert '"$(gardener scan --hours 12 --print-filter)" --format=json | gardener scan --from -' in readme


def test_the_terminal_table_shows_the_top_30_and_says_how_many_more(tmp_path: Path) -> None:
    entries = [
        {
            "insertId": f"id-{i}",
            "timestamp": f"2026-11-21T12:{i:02d}:00Z",
            "severity": "ERROR",
            "textPayload": f'Traceback (most recent call last):\n  File "/app/m{i}.py", line 1, in f{i}\n'
            f"    x()\nError{i}Kind: failure number {i}",
        }
        for i in range(42)
    ]
    export = tmp_path / "e.ndjson"
    export.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")

    result = runner.invoke(
        app,
        ["scan", "--from", str(export), "--out", str(tmp_path / "out"), "--no-state"],
        env={"COLUMNS": "200"},
    )

    assert result.exit_code == 0, result.stderr
    assert "42 problems" in result.stdout
    rows = [line for line in result.stdout.splitlines() if "Error" in line and "Kind" in line]
    assert len(rows) == 30
    assert "… 12 more problems in the worklog" in result.stdout


def _gardener(args: list[str], stdin: int | None, tmp_path: Path) -> subprocess.Popen[bytes]:
    """The command in a process of its own: CliRunner always gives one a standard input."""
    env = {**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)}
    return subprocess.Popen(
        [sys.executable, "-m", "loggardener", *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
        preexec_fn=(lambda: os.close(0)) if stdin is None else None,
    )


@pytest.mark.parametrize(
    "args",
    [["scan", "--from", "-", "--no-state", "--since", "2026-01-01T00:00:00Z"], ["cluster", "-"]],
    ids=["scan", "cluster"],
)
def test_a_closed_standard_input_is_one_line(tmp_path: Path, args: list[str]) -> None:
    process = _gardener(args, None, tmp_path)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "reads standard input, which is closed" in lines[0]


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "TTY_COMPATIBLE"])
def test_colour_forced_in_a_log_writes_no_spinner_frames_into_it(tmp_path: Path, variable: str) -> None:
    """CI sets FORCE_COLOR for coloured logs; rich then takes any file for a terminal, and its spinner wrote
    each frame and its cursor codes into the log (17 lines of them for the demo). The plain line is what a log
    gets, in colour if asked."""
    env = {**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent), variable: "1"}
    process = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--demo", "--no-state", "--out", "out"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    stderr = process.stderr.decode()
    assert process.returncode == 0, stderr
    assert (
        "\r" not in stderr
        and "\x1b[?25l" not in stderr
        and "\x1b[2K" not in stderr
        and "\x1b[1A" not in stderr
    )


def test_a_terminal_as_standard_input_is_said_so_it_does_not_look_like_a_hang(tmp_path: Path) -> None:
    main, terminal = pty.openpty()
    try:
        process = _gardener(["cluster", "-"], terminal, tmp_path)
        os.close(terminal)
        os.write(main, b"disk full on node 7\n\x04")  # a line, then Ctrl-D
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(main)
    assert process.returncode == 0
    assert "Reading a log from the terminal until Ctrl-D" in stderr.decode()


def test_a_signal_that_stops_cluster_says_so_without_the_scans_words_about_issues(tmp_path: Path) -> None:
    """`cluster` publishes nothing: its stop line said 'rerun the scan (issues already published are found
    again, not duplicated)'."""
    import signal

    main, terminal = pty.openpty()
    try:
        process = _gardener(["cluster", "-"], terminal, tmp_path)
        os.close(terminal)
        os.write(main, b"disk full on node 7\n")
        assert process.stderr is not None
        said = process.stderr.readline().decode()  # the terminal's line: the command runs
        assert "Reading a log from the terminal" in said
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(main)
    assert process.returncode == 128 + signal.SIGTERM
    assert stderr.decode().strip() == (
        "terminated (SIGTERM): stopped before the end; each output is written whole or not at all, so run the "
        "command again"
    )


@pytest.mark.parametrize(("issues", "publishes"), [("none", False), ("draft", False), ("publish", True)])
def test_a_stopped_scan_speaks_of_published_issues_only_when_it_publishes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, issues: str, publishes: bool
) -> None:
    """A scan stopped by Ctrl-C or SIGTERM said 'issues already published are found again' in every run, also
    in one that publishes nothing (no --issues, or drafts): only `--issues publish` has issues to find again."""
    from loggardener.commands import scan as scan_command

    def stopped(_services: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(scan_command, "_services", stopped)
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "a" * 36)
    code, _, stderr = _scan(tmp_path, "--issues", issues, "--repo", "o/r")
    assert code == 130
    assert stderr.startswith(
        "interrupted: stopped before the end; each output is written whole or not at all, so rerun the scan"
    )
    assert ("published" in stderr) is publishes, stderr


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_signal_a_library_wrapped_in_its_own_error_still_ends_the_command_as_terminated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], wrapped: bool
) -> None:
    """pydantic-core, building a validator when SIGTERM came (a CI job cancelled as gardener starts), turns the
    handler's `Terminated` into a `SchemaError` (`Error building "…" validator: Terminated: 15`): that is the
    signal, not an internal error. Without a signal, the same error is one."""
    import signal

    import pydantic_core
    import typer

    from loggardener import console

    monkeypatch.setattr(console, "_RECEIVED", [])

    def command() -> None:
        try:
            if wrapped:
                console.raise_terminated(signal.SIGTERM, None)
        except console.Terminated as exc:
            raise pydantic_core.SchemaError(
                f'Error building "model" validator:\n  Terminated: {exc.signum}'
            ) from None
        raise pydantic_core.SchemaError('Error building "model" validator:\n  KeyError: 1')

    with pytest.raises(typer.Exit) as stopped:
        console.user_errors(command)()
    said = capsys.readouterr().err
    if wrapped:
        assert stopped.value.exit_code == 128 + signal.SIGTERM
        assert said.startswith("terminated (SIGTERM): ") and "internal error" not in said
    else:
        assert stopped.value.exit_code == 1 and said.startswith("internal error: SchemaError")


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.45, 0.6, 0.8, 1.0])
def test_a_signal_while_the_command_line_is_still_read_prints_no_traceback(
    tmp_path: Path, delay: float
) -> None:
    """gardener takes SIGTERM as soon as it starts; one that came while typer parsed the options or loaded the
    command (a CI job cancelled at once, a loaded machine) was raised outside the command's handling: exit 1 and
    a traceback ending in `loggardener.console.Terminated: 15`."""
    import signal

    process = _gardener(["cluster", "-"], subprocess.PIPE, tmp_path)
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(b"disk full on node 7\n", timeout=60)
    said = stderr.decode()
    assert "Traceback" not in said and "Terminated:" not in said
    assert process.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM, 0), (
        said
    )  # before the handler, or done


def test_assignments_dash_is_standard_output_not_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _scan(tmp_path, "--assignments", "-")
    assert code == 0
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert len(lines) == 1344 and all("position" in line for line in lines)
    assert "entries read" in stderr
    assert not (tmp_path / "-").exists()

    result = runner.invoke(
        app, ["cluster", str(demo_export_path()), "--format", "gcloud", "--assignments", "-"]
    )
    assert result.exit_code == 0
    assert all("cluster" in json.loads(line) for line in result.stdout.splitlines())
    assert "templates in" in result.stderr
    assert not (tmp_path / "-").exists()


def test_two_outputs_on_standard_output_are_refused(tmp_path: Path) -> None:
    code, stdout, stderr = _scan(tmp_path, "--report-json", "-", "--assignments", "-")
    assert code == 2
    assert "would mix in standard output" in stderr and not stdout


@pytest.mark.parametrize(
    "flag", ["--out", "--state", "--save-export", "--step-summary", "--templates", "--config"]
)
def test_a_dash_where_no_stream_is_meant_is_refused_not_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan", "--project", "p", "--hours", "1", "--print-filter", flag, "-"])
    assert result.exit_code == 2
    assert f"{flag} - would name a file '-'" in result.stderr
    assert not list(tmp_path.iterdir())


def test_repo_without_issues_is_refused_not_ignored(tmp_path: Path) -> None:
    code, _, stderr = _scan(tmp_path, "--repo", "o/r")
    assert code == 2
    assert "--repo names where issues go" in stderr
    assert not (tmp_path / "out").exists()


def test_a_narrow_terminal_keeps_the_titles_readable(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--demo", "--no-state", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "20", "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
        timeout=60,
    )
    assert process.returncode == 0
    lines = process.stdout.splitlines()
    assert max(len(line) for line in lines[:40]) <= 20
    table = "".join(line.strip() for line in lines[:40])
    assert "ModuleNotFoundError" in table.replace(" ", "")  # the title, folded, not cut to an ellipsis


_SCAN_OF_AN_HOUR = (
    "scan",
    "--project",
    "P",
    "--since",
    "2026-11-21T09:00:00Z",
    "--until",
    "2026-11-21T11:00:00Z",
)
"""A live scan of project P over one hour that holds the fake servers' entries."""


def test_without_a_terminal_a_long_read_still_says_how_far_it_got(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loggardener.commands import scan as scan_command

    monkeypatch.setattr(scan_command, "PLAIN_PROGRESS_SECONDS", 0.0)  # every update, not every 30 s
    code, stdout, stderr = _scan(tmp_path)
    assert code == 0
    assert "reading bundled demo export" in stderr and "1,000 entries in " in stderr
    assert "reading bundled" not in stdout


def test_counts_of_one_are_said_in_the_singular_where_the_terminal_says_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`1 entries`, `1 pages`, `1 problems`: every count said on the terminal takes its noun's number (the
    worklog's already did)."""
    from fakes import FakeLoggingServer
    from loggardener.commands import scan as scan_command

    monkeypatch.setattr(scan_command, "PLAIN_PROGRESS_SECONDS", 0.0)  # every update, not every 30 s
    entry = {"timestamp": "2026-11-21T10:00:00Z", "severity": "ERROR", "textPayload": "disk quota hit"}
    with FakeLoggingServer([entry]) as server:
        result = runner.invoke(
            app,
            [
                *_SCAN_OF_AN_HOUR,
                *("--logging-endpoint", server.endpoint, "--out", str(tmp_path / "out"), "--no-state"),
            ],
        )
    assert result.exit_code == 0, result.stderr
    said = result.stderr + result.stdout
    assert ": 1 entry, 1 page in " in said
    assert "1 entry read: 1 clustered" in said and "1 problem — " in said
    assert not re.search(r"\b1 (entries|pages|problems)\b", said)


def test_counts_take_the_number_of_their_noun() -> None:
    from loggardener.words import counted

    assert [counted(n, "entry") for n in (0, 1, 2)] == ["0 entries", "1 entry", "2 entries"]
    assert counted(1344, "page", grouped=True) == "1,344 pages" and counted(1, "day") == "1 day"
    assert counted(2, "day") == "2 days" and counted(1, "more template") == "1 more template"
    assert counted(1, "more malformed entry") == "1 more malformed entry"
    assert counted(2, "more malformed line") == "2 more malformed lines"


def test_without_a_terminal_a_read_that_waits_long_without_an_entry_still_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are not the only measure of a long read: a Cloud Logging that keeps failing (retried with
    backoff), empty pages paced under the quota, a Log Analytics job running. The line comes all the same."""
    from fakes import FakeLoggingServer, Fault
    from loggardener.commands import scan as scan_command

    monkeypatch.setattr(scan_command, "PLAIN_PROGRESS_SECONDS", 0.3)
    monkeypatch.setattr(scan_command, "HEARTBEAT_FLOOR_SECONDS", 0.05, raising=False)
    entry = {"timestamp": "2026-11-21T10:00:00Z", "severity": "ERROR", "textPayload": "disk quota hit"}
    with FakeLoggingServer([entry], faults={1: Fault(503), 2: Fault(503)}) as server:
        result = runner.invoke(
            app,
            [
                *_SCAN_OF_AN_HOUR,
                *("--out", str(tmp_path / "out"), "--no-state"),
            ],
            env={"GARDENER_LOGGING_ENDPOINT": server.endpoint},
        )
    assert result.exit_code == 0, result.stderr
    waiting = [line for line in result.stderr.splitlines() if line.startswith("reading Cloud Logging")]
    assert any(": 0 entries in " in line for line in waiting), result.stderr  # said while it waited


def test_without_a_terminal_a_slow_read_of_fewer_than_500_entries_says_those_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The display is told the count every 500 entries; the line said while a read waits for its next page
    said `0 entries` after a first page of 10, as if nothing had come. It says the 10."""
    from fakes import FakeLoggingServer, Fault
    from loggardener.commands import scan as scan_command

    monkeypatch.setattr(scan_command, "PLAIN_PROGRESS_SECONDS", 0.3)
    monkeypatch.setattr(scan_command, "HEARTBEAT_FLOOR_SECONDS", 0.05, raising=False)
    entries = [
        {"timestamp": f"2026-11-21T10:{minute:02d}:00Z", "severity": "ERROR", "textPayload": "disk quota hit"}
        for minute in range(15)
    ]
    with FakeLoggingServer(entries, page_limit=10, faults={2: Fault(0, hang=1.5)}) as server:
        result = runner.invoke(
            app,
            [
                *_SCAN_OF_AN_HOUR,
                "--logging-endpoint",
                server.endpoint,
                "--out",
                str(tmp_path / "out"),
                "--no-state",
            ],
        )
    assert result.exit_code == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("reading Cloud Logging")]
    assert any(": 10 entries, 1 page in " in line for line in said), result.stderr  # while page 2 hangs
    assert not any(": 0 entries, 1 page" in line for line in said), result.stderr


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(2, 130, "interrupted:"), (15, 143, "terminated (SIGTERM):"), (1, 129, "terminated (SIGHUP):")],
)
def test_a_scan_stopped_by_a_signal_says_so_and_leaves_no_half_written_file(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    fifo = tmp_path / "export.ndjson"
    os.mkfifo(fifo)
    entry = {"timestamp": "2026-11-21T10:00:00Z", "severity": "ERROR", "textPayload": "disk quota hit"}
    args = [
        "scan",
        "--from",
        str(fifo),
        "--out",
        "out",
        "--report-json",
        "r.json",
        "--assignments",
        "a.ndjson",
    ]
    process = subprocess.Popen(
        [*GARDENER, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
    )  # fmt: skip
    with fifo.open("w") as writer:  # the scan reads the first entry, then waits for more
        writer.write(json.dumps(entry) + "\n")
        writer.flush()
        deadline = time.monotonic() + 30
        while not (tmp_path / "out").exists() and time.monotonic() < deadline:  # outputs checked: reading
            time.sleep(0.02)
        time.sleep(0.1)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(said) and "each output is written whole" in lines[0]
    assert sorted(path.name for path in tmp_path.rglob("*")) == [
        "export.ndjson"
    ]  # the --out it made: removed


def _with_stdout(args: list[str], stdout: int | str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The command with its standard output a given file (/dev/full) or closed (-1)."""
    env = {**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)}
    with open(os.devnull if stdout == -1 else stdout, "w") as sink:
        return subprocess.run(
            [sys.executable, "-m", "loggardener", *args],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=env,
            text=True,
            timeout=120,
            preexec_fn=(lambda: os.close(1)) if stdout == -1 else None,
        )


SCAN = ["scan", "--demo", "--no-state", "--out", "out"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        SCAN,
        [*SCAN, "--report-json", "-"],
        ["scan", "--hours", "1", "--print-filter"],
        ["scan", "-h"],
        ["--version"],
    ],
    ids=["summary", "report", "filter", "help", "version"],
)
def test_a_full_standard_output_is_one_line_exit_2(tmp_path: Path, args: list[str]) -> None:
    process = _with_stdout(args, "/dev/full", tmp_path)
    assert process.returncode == 2, process.stderr
    assert process.stderr.strip().splitlines()[-1] == (
        "error: cannot write to standard output: no space left on the device: free some space and rerun"
    )
    assert "Traceback" not in process.stderr and "internal error" not in process.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        ([*SCAN, "--report-json", "-"], "--report-json"),
        (["cluster", "log.txt", "--assignments", "-"], "--assignments"),
    ],
    ids=["report", "assignments"],
)
def test_an_output_to_a_closed_standard_output_is_refused_not_lost(
    tmp_path: Path, args: list[str], option: str
) -> None:
    (tmp_path / "log.txt").write_text("disk 1 full\ndisk 2 full\n", encoding="utf-8")
    process = _with_stdout(args, -1, tmp_path)
    assert process.returncode == 2
    assert f"{option} - writes to standard output, which is closed" in process.stderr
    assert not (tmp_path / "out").exists()  # said before the scan


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["scan", "--from", "", "--no-state"],
            "'--from': got an empty value (is the variable that gives it set?)",
        ),
        (["cluster", ""], "the path of a log file is empty"),
        (["cluster", "", "--format", "gcloud"], "is empty (is the variable that gives it set?)"),
    ],
)
def test_an_empty_input_path_says_so(tmp_path: Path, args: list[str], expected: str) -> None:
    """`--from "$EXPORT"` with the variable unset: not "nothing to scan" (it was given) nor ": no such file"."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert expected in " ".join(result.stderr.replace("│", " ").split())


@pytest.mark.parametrize(
    "option",
    ["--out", "--state", "--report-json", "--templates", "--config", "--project", "--repo", "--service"],
)
def test_an_option_given_an_empty_value_is_refused_not_read_as_the_current_directory_or_as_absent(
    tmp_path: Path, option: str
) -> None:
    """`--report-json "$REPORT"` with the variable unset wrote into `.`, `--templates ""` read the current
    directory's templates, `--project ""` fell back to GOOGLE_CLOUD_PROJECT."""
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "out"), option, ""])
    assert result.exit_code == 2
    flat = " ".join(result.stderr.replace("│", " ").split())
    assert f"'{option}': got an empty value (is the variable that gives it set?)" in flat
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("command", "option", "named"),
    [
        ("scan", "--report-json", "report.json"),
        ("scan", "--assignments", "assignments.ndjson"),
        ("scan", "--state", ".gardener-state.json"),
        ("scan", "--step-summary", "summary.md"),
        ("cluster", "--assignments", "assignments.ndjson"),
    ],
)
def test_a_file_output_ending_with_a_slash_is_refused_not_written_as_the_directorys_name(
    tmp_path: Path, command: str, option: str, named: str
) -> None:
    """`--report-json reports/` meant a file inside reports/: the path dropped the slash and a file named
    `reports` was written, exit 0. Refused before the scan, naming a file it could be."""
    (tmp_path / "log.txt").write_text("disk 1 full\ndisk 2 full\n", encoding="utf-8")
    given = f"{tmp_path / 'reports'}/"
    first = (
        ["scan", "--demo", "--out", str(tmp_path / "out")]
        if command == "scan"
        else ["cluster", str(tmp_path / "log.txt")]
    )
    result = runner.invoke(app, [*first, option, given])
    assert result.exit_code == 2
    flat = " ".join(result.stderr.replace("│", " ").split())
    assert f"'{option}'" in flat
    assert f": '{given}' ends with /, which names a directory, and this option writes a file" in flat
    assert f"give the file's path, such as {given}{named}" in flat
    assert not (tmp_path / "reports").exists() and not (tmp_path / "out").exists()


def test_file_outputs_without_a_trailing_slash_and_a_directory_option_with_one_are_taken(
    tmp_path: Path,
) -> None:
    """Look-alikes that must not change: `--out worklogs/` is a directory option; `-` is standard output."""
    export = tmp_path / "e.ndjson"
    export.write_text(
        '{"insertId": "a", "timestamp": "2026-11-21T12:00:00Z", "severity": "ERROR", "textPayload": "disk full"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "scan",
            "--from",
            str(export),
            "--out",
            f"{tmp_path / 'worklogs'}/",
            "--no-state",
            "--report-json",
            "-",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["read"] == 1
    assert list((tmp_path / "worklogs").glob("*.md"))


@pytest.mark.parametrize("ending", ["/", "/summaries/"])
def test_a_step_summary_variable_ending_with_a_slash_is_refused_naming_the_variable(
    tmp_path: Path, ending: str
) -> None:
    """GITHUB_STEP_SUMMARY set to a directory's path with its slash (a workflow's `env:` written by hand) was
    written as a file named like the directory, exit 0, as the option's value was before it was refused."""
    given = f"{tmp_path / 'step'}{ending}"
    result = runner.invoke(
        app,
        ["scan", "--demo", "--out", str(tmp_path / "out"), "--no-state"],
        env={"GITHUB_STEP_SUMMARY": given},
    )
    assert result.exit_code == 2
    flat = " ".join(result.stderr.replace("│", " ").split())
    assert f"GITHUB_STEP_SUMMARY='{given}' ends with /, which names a directory" in flat
    assert f"such as {given}summary.md" in flat
    assert not (tmp_path / "step").exists() and not (tmp_path / "out").exists()


def _one_entry_export(tmp_path: Path) -> Path:
    export = tmp_path / "e.ndjson"
    export.write_text(
        '{"insertId": "a", "timestamp": "2026-11-21T12:00:00Z", "severity": "ERROR", "textPayload": "disk full"}\n',
        encoding="utf-8",
    )
    return export


def test_a_step_summary_variable_naming_a_file_or_overridden_by_the_option_is_taken(tmp_path: Path) -> None:
    """Look-alikes: the variable naming a file is appended to; the option given wins over a variable ending
    with a slash (the variable is then not the output); an empty one is no summary."""
    summary = tmp_path / "summary.md"
    export = _one_entry_export(tmp_path)
    for env, more in (
        ({"GITHUB_STEP_SUMMARY": str(summary)}, []),
        ({"GITHUB_STEP_SUMMARY": f"{tmp_path}/elsewhere/"}, ["--step-summary", str(summary)]),
        ({"GITHUB_STEP_SUMMARY": ""}, []),
    ):
        result = runner.invoke(
            app,
            ["scan", "--from", str(export), "--out", str(tmp_path / "out"), "--no-state", *more],
            env=env,
        )
        assert result.exit_code == 0, result.stderr
    assert summary.read_text(encoding="utf-8").count("# ") >= 2
    assert not (tmp_path / "elsewhere").exists()


def test_a_terminal_size_of_zero_in_the_environment_is_no_size(tmp_path: Path) -> None:
    """`COLUMNS=0` (exported where no terminal answered) laid every line out in no columns: the run printed
    nothing at all, its error line too. Python's own `shutil` takes it as not set; so does gardener. (A child
    process: the consoles take their size when gardener starts.)"""
    done = subprocess.run(
        [*GARDENER, "scan", "--no-state", "--from", str(tmp_path / "missing.json")],
        env={**os.environ, "COLUMNS": "0", "LINES": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "missing.json: no such file" in done.stderr


def test_a_terminal_one_column_wide_still_prints_every_line(tmp_path: Path) -> None:
    """Look-alike: a width of one is a width (rich wraps to it); nothing is lost."""
    export = _one_entry_export(tmp_path)
    result = runner.invoke(
        app,
        ["scan", "--from", str(export), "--out", str(tmp_path / "out"), "--no-state"],
        env={"COLUMNS": "1"},
    )
    assert result.exit_code == 0
    assert "Worklog:" in "".join(result.stdout.split())


def _last_weeks_export(export: Path) -> Path:
    """`export` written with three errors of 2026-02-03, a week before the scans' `--now`."""
    lines = [
        {
            "insertId": f"q{i}",
            "timestamp": f"2026-02-03T04:0{i}:00Z",
            "severity": "ERROR",
            "textPayload": "vault sync failed",
        }
        for i in range(3)
    ]
    export.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return export


def test_an_export_wholly_outside_the_window_says_so_not_only_healthy(tmp_path: Path) -> None:
    """`--hours 1` on last week's export: HEALTHY, "3 outside the window", and no word that nothing was
    looked at."""
    export = _last_weeks_export(tmp_path / "old.ndjson")
    args = ["--from", str(export), "--hours", "1", "--now", "2026-02-10T00:00:00Z", "--report-json", "-"]
    result = runner.invoke(app, ["scan", "--out", str(tmp_path / "out"), "--no-state", *args])
    assert result.exit_code == 0, result.stderr
    [note] = json.loads(result.stdout)["notes"]
    assert note.startswith(
        "every entry read is outside the window (2026-02-09T23:00:00Z to 2026-02-10T00:00:00Z)"
    )
    assert "they run from 2026-02-03T04:00:00Z to 2026-02-03T04:02:00Z" in note
    assert "note: every entry read is outside the window" in result.stderr


def test_runs_whose_window_holds_no_entry_read_leave_the_state_as_it_was(tmp_path: Path) -> None:
    """A clock or an `--hours` off (or an old export) gives a window none of the entries read fall in: such a
    run looked at nothing, so it is no quiet run; recorded, three of them marked every problem resolved."""
    export = _last_weeks_export(tmp_path / "export.ndjson")
    out = tmp_path / "out"
    first = runner.invoke(app, ["scan", "--from", str(export), "--out", str(out)])
    assert first.exit_code == 0, first.stderr
    state = out / ".gardener-state.json"
    recorded = state.read_bytes()

    for _ in range(3):
        late = ["--hours", "1", "--now", "2026-02-10T00:00:00Z"]
        result = runner.invoke(app, ["scan", "--from", str(export), "--out", str(out), *late])
        assert result.exit_code == 0, result.stderr
        assert "unchanged: no entry read was inside the window" in " ".join(result.stdout.split())
    assert state.read_bytes() == recorded

    # a window holding some of them is a run like any other
    some = ["--since", "2026-02-03T04:01:00Z", "--until", "2026-02-03T05:00:00Z"]
    assert runner.invoke(app, ["scan", "--from", str(export), "--out", str(out), *some]).exit_code == 0
    assert json.loads(state.read_text(encoding="utf-8"))["runs"] == 2


def test_project_names_who_runs_a_log_analytics_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--log-analytics P.D --project BILLING` was refused as "only for a live scan" (only --dry-run took it)."""
    from loggardener.sources import log_analytics
    from loggardener.sources.demo import DemoSource

    given: dict[str, object] = {}

    def source(dataset: str, **kwargs: object) -> DemoSource:
        given.update(kwargs, dataset=dataset)
        return DemoSource()

    monkeypatch.setattr(log_analytics, "log_analytics_source", source)
    args = [
        "--log-analytics",
        "logs-1.app",
        "--project",
        "billing-1",
        "--hours",
        "1",
        "--now",
        "2026-11-21T18:00:00Z",
    ]
    result = runner.invoke(app, ["scan", "--out", str(tmp_path / "out"), "--no-state", *args])
    assert result.exit_code == 0, result.stderr
    assert given["dataset"] == "logs-1.app" and given["billing_project"] == "billing-1"


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes")
def test_an_export_whose_name_is_not_utf8_is_scanned(tmp_path: Path) -> None:
    """A name byte that is not UTF-8 reached the report as a lone surrogate: an internal error writing it."""
    export = Path(os.fsdecode(os.fsencode(tmp_path) + b"/export-\xff.ndjson"))
    line = {
        "insertId": "n1",
        "timestamp": "2026-02-03T04:00:00Z",
        "severity": "ERROR",
        "textPayload": "cache miss storm",
    }
    export.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = runner.invoke(
        app,
        [
            "scan",
            "--from",
            str(export),
            "--out",
            str(tmp_path / "out"),
            "--no-state",
            "--report-json",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["source"].endswith("export-\ufffd.ndjson")


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--demo", "--service", "api-\udcff"], {}, "--service 'api-\ufffd' holds bytes that are not UTF-8"),
        (
            ["--hours", "1", "--project", "p", "--filter", "x=\udcff", "--print-filter"],
            {},
            "--filter 'x=\ufffd'",
        ),
        (
            ["--hours", "1", "--print-filter"],
            {"GOOGLE_CLOUD_PROJECT": "p\udcff"},
            "the project id (--project or",
        ),
    ],
    ids=["service", "filter", "project-variable"],
)
def test_text_options_that_are_not_utf8_are_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte that is not UTF-8 in an argument (a lone surrogate to Python) failed where the text was
    written or sent: internal errors."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["scan", "--out", str(tmp_path / "out"), "--no-state", *args])
    assert result.exit_code == 2, result.stderr
    assert expected in result.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["scan", "--from", "a.json", "--from", "b.json", "--out", "{one}"], "--from"),
        (
            ["scan", "--demo", "--min-severity", "error", "--min-severity=debug", "--out", "{one}"],
            "--min-severity",
        ),
        (["scan", "--demo", "--no-state", "--out", "{one}", "--out", "{one}"], "--out"),
        (["cluster", "-", "--limit", "3", "--limit", "5"], "--limit"),
    ],
)
def test_an_option_of_one_value_given_twice_is_refused_not_overridden(
    tmp_path: Path, args: list[str], option: str
) -> None:
    one = str(tmp_path / "one")
    result = runner.invoke(
        app, [arg.replace("{one}", one) for arg in args], input="x\n"
    )  # nothing in the cwd
    assert result.exit_code == 2
    assert f"'{option}': given more than once" in " ".join(result.stderr.split())
    assert not (tmp_path / "one").exists()


def test_repeatable_options_and_flags_given_twice_still_run(tmp_path: Path) -> None:
    code, _, stderr = _scan(tmp_path, "--service", "a", "--service", "b", "--no-state")
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("endpoint", "problem"),
    [
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://", "it names no host"),
        ("http://127.0.0.1:0", "port 0 is no port"),
        ("http://127.0.0.1:9/v?key=1", "query or fragment"),
        ("http://127.0.0.1:9/ x", "it holds a space"),
    ],
)
@pytest.mark.parametrize("option", ["--logging-endpoint", "--bigquery-endpoint"])
def test_an_endpoint_that_is_no_url_is_said_before_any_request(
    tmp_path: Path, option: str, endpoint: str, problem: str
) -> None:
    """Not a minute of retries ending in 'cannot reach' (exit 5): a bad option value, exit 2."""
    window = ["--hours", "1", "--project", "p", "--out", str(tmp_path)]
    analytics = ["--log-analytics", "my-project.logs", "--dry-run"] if option == "--bigquery-endpoint" else []
    started = time.monotonic()
    result = runner.invoke(app, ["scan", *window, *analytics, option, endpoint])
    assert result.exit_code == 2, result.stderr
    assert problem in result.stderr and "give one such as http://127.0.0.1:8080" in result.stderr
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("variable", ["GARDENER_LOGGING_ENDPOINT", "GARDENER_BIGQUERY_ENDPOINT"])
def test_an_endpoint_from_the_environment_is_read_without_the_line_break_around_it(
    tmp_path: Path, variable: str
) -> None:
    """Written to `$GITHUB_ENV` or a file with its line break, the value was refused as holding a space."""
    from fakes import FakeLoggingServer

    entry = {"timestamp": "2026-11-21T10:00:00Z", "severity": "ERROR", "textPayload": "disk quota hit"}
    window = ["--since", "2026-11-21T09:00:00Z", "--until", "2026-11-21T11:00:00Z", "--project", "P"]
    with FakeLoggingServer([entry]) as server:
        analytics = ["--log-analytics", "my-project.logs", "--dry-run"] if "BIGQUERY" in variable else []
        result = runner.invoke(
            app,
            ["scan", *window, *analytics, "--out", str(tmp_path / "out"), "--no-state"],
            env={variable: f" {server.endpoint}\n"},
        )
        requests = len(server.requests)
    if analytics:  # the dry run's first request goes to the endpoint as given, without the line break
        assert f"or {variable})" not in " ".join(result.stderr.split())  # no word against the endpoint
    else:
        assert result.exit_code == 0, result.stderr
        assert requests >= 1


@pytest.mark.parametrize(
    ("variable", "analytics"),
    [
        ("GARDENER_LOGGING_ENDPOINT", []),
        ("GARDENER_BIGQUERY_ENDPOINT", ["--log-analytics", "my-project.logs"]),
    ],
)
def test_an_endpoint_from_the_environment_that_is_no_url_names_its_variable(
    tmp_path: Path, variable: str, analytics: list[str]
) -> None:
    """No option on the command line: the variable set long ago in a shell profile is what to change."""
    window = [
        "--hours",
        "1",
        "--project",
        "p",
        "--out",
        str(tmp_path),
        "--dry-run" if analytics else "--no-state",
    ]
    result = runner.invoke(app, ["scan", *window, *analytics], env={variable: "localhost:8080"})
    assert result.exit_code == 2, result.stderr
    assert f"or {variable}) must start with http:// or https://" in " ".join(result.stderr.split())


def test_a_path_too_long_for_the_file_system_is_one_line(tmp_path: Path) -> None:
    long = str(tmp_path / ("x" * 300))
    for options in (["--out", long], ["--out", str(tmp_path), "--templates", long]):
        result = runner.invoke(app, ["scan", "--demo", "--no-state", *options])
        assert result.exit_code == 2, result.stderr
        assert "File name too long" in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_a_terminal_that_cannot_show_a_character_gets_its_escape(tmp_path: Path, encoding: str) -> None:
    """A Windows console redirected to a file writes cp1252: the summary's marks and a title's characters are
    escaped there, and the JSON report on standard output stays JSON with the same text."""
    export = tmp_path / "export.ndjson"
    entry = {"timestamp": "2026-11-30T10:00:00Z", "severity": "ERROR", "textPayload": "KeyError: café — 🔴"}
    export.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--from", str(export), "--no-state", "--out", str(tmp_path),
         "--now", "2026-11-30T12:00:00Z", "--report-json", "-"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
        timeout=60,
    )  # fmt: skip
    stderr = process.stderr.decode(encoding)
    assert process.returncode == 0, stderr
    assert json.loads(process.stdout.decode(encoding))["clusters"][0]["title"] == "KeyError: café — 🔴"
    assert "\\U0001f534" in stderr and "internal error" not in stderr


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"[1, 2, 3]", "entry 1: expected a LogEntry object, found a JSON number"),
        (b"{}", "line 1: no timestamp"),
        (json.dumps([[{"timestamp": "2026-11-30T10:00:00Z"}]]).encode(), "found a JSON array"),
    ],
)
def test_input_of_which_nothing_is_readable_says_what_to_give(
    tmp_path: Path, content: bytes, says: str
) -> None:
    export = tmp_path / "export.json"
    export.write_bytes(content)
    result = runner.invoke(app, ["scan", "--from", str(export), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (
        says in result.stderr and "give LogEntries, as `gcloud logging read --format=json`" in result.stderr
    )
    assert not (tmp_path / "out" / ".gardener-state.json").exists()


def test_a_gzip_file_cut_before_its_data_says_to_copy_it_again(tmp_path: Path) -> None:
    export = tmp_path / "export.json.gz"
    export.write_bytes(gzip.compress(b'{"timestamp": "2026-11-30T10:00:00Z"}\n')[:6])
    result = runner.invoke(app, ["scan", "--from", str(export), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (
        "it starts as gzip does, but ends before its first data: copy or download it whole" in result.stderr
    )


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [2, 15])
@pytest.mark.parametrize("wait", [0.0, 0.05, 0.15, 0.3])
def test_a_signal_while_the_workers_start_prints_no_traceback(
    tmp_path: Path, signum: int, wait: float
) -> None:
    """Stopped while its worker processes are still starting, a scan exits at once: a worker still loading
    finds the pool gone, and that must not reach the terminal after the scan's own line."""
    fifo = tmp_path / "export.ndjson"
    os.mkfifo(fifo)
    line = {"timestamp": "2026-11-21T10:00:00Z", "severity": "ERROR", "textPayload": "disk quota hit"}
    process = subprocess.Popen(
        [*GARDENER, "scan", "--from", str(fifo), "--out", "out"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
    )  # fmt: skip
    with fifo.open("w") as writer:  # past the entries one process parses, so the worker pool starts
        for number in range(12_000):
            writer.write(json.dumps({**line, "insertId": str(number)}) + "\n")
        writer.flush()
        deadline = time.monotonic() + 30
        while not _children(process.pid) and time.monotonic() < deadline:  # the forkserver: workers coming
            time.sleep(0.005)
        time.sleep(wait)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    said = stderr.decode()
    assert process.returncode == 128 + signum
    assert "Traceback" not in said and len(said.strip().splitlines()) == 1, said


def _python(script: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    """`script` run by this Python in its own process, gardener importable, its standard streams piped."""
    return subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
    )


def _ended(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """The exit code and standard error of `process` once it ends; killed, and the test failed, after a minute."""
    try:
        _, stderr = process.communicate(b"", timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the interrupted command never ended")
    return process.returncode, stderr.decode()


def _gardener_whose_exit_waits_forever(tmp_path: Path, grace_seconds: float) -> subprocess.Popen[bytes]:
    """`gardener cluster -` through `cli.main()`, reading its standard input, with a thread the interpreter's exit
    joins forever (as a worker pool's thread reading a result a killed worker wrote half of), and
    `EXIT_GRACE_SECONDS` set to `grace_seconds`: started once main() has its signal handlers, however slow the
    start, and has begun reading."""
    script = (
        "import signal, sys, threading\n"
        # Ctrl-C as on a terminal, though a shell started these tests in the background (SIGINT ignored)
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from loggardener import cli, console\n"
        f"console.EXIT_GRACE_SECONDS = {grace_seconds}\n"
        "threading.Thread(target=threading.Event().wait).start()\n"
        "install = signal.signal\n"
        "def announce(signum, handler):\n"
        "    installed = install(signum, handler)\n"
        "    if signum == signal.SIGTERM:\n"
        "        print('handler installed', flush=True)\n"
        "    return installed\n"
        "signal.signal = announce\n"
        "sys.argv = ['gardener', 'cluster', '-']\n"
        "cli.main()\n"
    )
    process = _python(script, tmp_path)
    assert process.stdout is not None
    assert _line_within(process.stdout, process) == b"handler installed\n"
    time.sleep(0.3)  # the command has begun reading its standard input
    return process


def _line_within(stream: IO[bytes], process: subprocess.Popen[bytes], seconds: float = 60.0) -> bytes:
    """The next line `process` writes to `stream`; the process is killed if none comes within `seconds`."""
    import select

    if not select.select([stream], [], [], seconds)[0]:
        process.kill()
        pytest.fail(f"no line within {seconds:g} s")
    return stream.readline()


def test_a_ctrl_c_before_the_commands_own_handling_begins_is_said_and_ends_with_130(tmp_path: Path) -> None:
    """Ctrl-C while typer still parses the options or invokes the command (the first second on a loaded machine)
    was turned by typer into a silent exit 130: no line said the command stopped, and with a thread still
    running the process waited for it forever."""
    script = (
        "import os, signal, sys, threading, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import typer.core\n"
        "from loggardener import cli, console\n"
        "console.EXIT_GRACE_SECONDS = 1.5\n"
        "threading.Thread(target=threading.Event().wait).start()\n"
        "invoke = typer.core.TyperCommand.invoke\n"
        "def invoked_as_ctrl_c_comes(self, context):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(60)\n"
        "    return invoke(self, context)\n"
        "typer.core.TyperCommand.invoke = invoked_as_ctrl_c_comes\n"
        "sys.argv = ['gardener', 'cluster', '-']\n"
        "cli.main()\n"
    )
    code, said = _ended(_python(script, tmp_path))
    assert code == 130, said
    assert said.startswith("interrupted: ") and "Traceback" not in said, said


def test_a_ctrl_c_while_the_command_line_loads_its_modules_is_one_line_and_130(tmp_path: Path) -> None:
    """Ctrl-C while `gardener` still imports typer, rich and its own modules (its first tenths of a second) ended in
    a traceback through the imports."""
    script = (
        "import os, signal, sys, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "class CtrlCWhileTyperLoads:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "            time.sleep(60)\n"
        "        return None\n"
        "sys.meta_path.insert(0, CtrlCWhileTyperLoads())\n"
        "sys.argv = ['gardener', 'cluster', '-']\n"
        "from loggardener.launch import main\n"
        "main()\n"
    )
    code, said = _ended(_python(script, tmp_path))
    assert code == 130, said
    assert said.startswith("interrupted: ") and len(said.splitlines()) == 1, said


def test_a_second_ctrl_c_while_the_stopped_command_shuts_down_still_ends_it_with_130(tmp_path: Path) -> None:
    """Ctrl-C pressed again while a stopped command shuts down (its workers, the cache written at exit) does not
    cut that short and end the process by the signal: the process ends with the first stop's code."""
    import signal

    process = _gardener_whose_exit_waits_forever(tmp_path, grace_seconds=1.5)
    assert process.stderr is not None
    process.send_signal(signal.SIGINT)
    assert _line_within(process.stderr, process).startswith(b"interrupted: ")
    time.sleep(0.3)  # the process is shutting down, waiting for its thread
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130, rest.decode()
    assert b"Traceback" not in rest


def test_a_command_a_signal_stopped_ends_though_its_shutdown_would_wait_forever(tmp_path: Path) -> None:
    """A signal while worker processes start can leave the pool's thread reading a result a killed worker wrote
    half of, and the interpreter joins that thread at exit: the stopped process ends with its code all the same."""
    import signal

    process = _gardener_whose_exit_waits_forever(tmp_path, grace_seconds=0.2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr.decode().startswith("terminated (SIGTERM): ")


def _one_error_export(export: Path) -> Path:
    export.write_text(
        json.dumps({"timestamp": "2026-11-21T12:00:00Z", "severity": "ERROR", "textPayload": "db down"})
        + "\n",
        encoding="utf-8",
    )
    return export


@pytest.fixture
def deleted_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shell's current directory removed since it entered it (`rm -rf` from another terminal, a CI
    workspace cleaned): os.getcwd() fails with FileNotFoundError."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    return gone


def test_a_deleted_working_directory_holds_no_configuration_and_absolute_paths_still_scan(
    tmp_path: Path, deleted_directory: Path
) -> None:
    """No gardener.toml can be in a deleted directory: the defaults apply, as in any directory without one (it
    was an internal error: FileNotFoundError from the configuration's search), in each command."""
    export = _one_error_export(tmp_path / "export.ndjson")
    scanned = runner.invoke(
        app, ["scan", "--from", str(export), "--out", str(tmp_path / "out"), "--no-state"]
    )
    assert scanned.exit_code == 0, scanned.stderr
    assert list((tmp_path / "out").glob("*.md"))
    clustered = runner.invoke(app, ["cluster", "--format", "gcloud", str(export)])
    assert clustered.exit_code == 0, clustered.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--out", "worklogs"], "cannot write the worklog worklogs: No such file or directory; "),
        (["--report-json", "report.json"], "--report-json report.json: no such file; "),
        (["--state", "state.json"], "the state file state.json: no such file; "),
        (["--templates", "tpl"], "--templates tpl: not a directory; "),
        (
            ["--step-summary", "summary.md"],
            "the step summary (--step-summary or GITHUB_STEP_SUMMARY) summary.md: no such file; ",
        ),
    ],
    ids=["out", "report-json", "state", "templates", "step-summary"],
)
def test_a_relative_path_in_a_deleted_working_directory_is_one_line_saying_so(
    tmp_path: Path, deleted_directory: Path, args: list[str], said: str
) -> None:
    """A relative path there names nothing: one line saying the directory was deleted and what to do (the
    state's and the report's paths were an internal error, FileNotFoundError from os.path.realpath)."""
    export = _one_error_export(tmp_path / "export.ndjson")
    out = [] if args[0] == "--out" else ["--out", str(tmp_path / "out")]
    state = [] if args[0] == "--state" else ["--no-state"]
    result = runner.invoke(app, ["scan", "--from", str(export), *out, *state, *args])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(
        f"error: {said}the current directory was deleted after the shell entered it"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_relative_input_in_a_deleted_working_directory_says_so(deleted_directory: Path) -> None:
    result = runner.invoke(app, ["scan", "--from", "export.ndjson", "--no-state", "--out", "/nonexistent"])
    assert result.exit_code == 2, result.stderr
    assert "the current directory was deleted after the shell entered it: cd to an existing directory" in (
        result.stderr
    )
    clustered = runner.invoke(app, ["cluster", "app.log"])
    assert clustered.exit_code == 2 and "the current directory was deleted" in clustered.stderr


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            "~/exports/run.ndjson",
            "the shell did not expand `~` (it does not inside quotes): write $HOME instead",
        ),
        (
            "gs://acme-sink/stderr/2026/12/01/07:00:00_07:59:59_S0.json",
            "`gcloud storage cat URL | gardener …`",
        ),
        ("https://storage.googleapis.com/acme-sink/run.json", "`curl -fsSL URL | gardener …`"),
    ],
)
def test_a_missing_input_that_is_a_url_or_an_unexpanded_tilde_says_what_to_do(given: str, said: str) -> None:
    """`--from "~/x.ndjson"` (quoted: the shell expands no `~`), or a URL copied from the console: not only
    "no such file", which leaves the user looking for a file that is there."""
    for args in (["scan", "--from", given, "--no-state"], ["cluster", given]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"error: {given}: no such file; ") and said in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_missing_relative_input_in_a_working_directory_says_only_no_such_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Look-alike: a relative path missing from a directory that exists is no URL, no `~`, no deleted
    directory."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan", "--from", "exports/run.ndjson", "--no-state"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: exports/run.ndjson: no such file"
