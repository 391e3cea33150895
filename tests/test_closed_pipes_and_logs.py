"""What a terminal-less run (a CI log, a pipe into `head`) gets: each message on one line, usage mistakes in one
line, a reader that leaves standard output or error ending nothing, credentials in a URL never echoed, and
no temporary file of a killed run left in the worklog directory."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import loggardener
from loggardener.cli import app
from loggardener.sources.demo import demo_export_path
from processes import GARDENER

runner = CliRunner()


def _demo_lines() -> list[str]:
    import gzip

    entries = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    return [json.dumps(entry) for entry in entries]


def test_message_lines_are_never_wrapped_at_the_logs_80_columns(tmp_path: Path) -> None:
    """Without a terminal rich wraps at 80 columns: a malformed line's reason, a note or a long worklog path
    came out on two lines of a CI log, which grep and the reader then see cut."""
    lines = _demo_lines()
    lines[100:100] = [
        '{"severity": "ERROR", "timestamp": "not a time at all, written by a script that knows no RFC 3339"}'
    ]
    lines[500:500] = [
        "this line of plain text was printed into the export by a shell script, long enough to wrap"
    ]
    export = tmp_path / "x.ndjson"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = (
        tmp_path
        / "out"
        / "a-rather-long-directory-name-for-worklogs"
        / "another-long-directory-name-below-it"
    )

    result = runner.invoke(app, ["scan", "--from", str(export), "--out", str(out), "--no-state"])

    assert result.exit_code == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    # the reason quotes the timestamp capped at 60 characters; its line is still longer than 80, and whole
    assert skipped == [
        "skipped line 101: invalid timestamp 'not a time at all, written by a script that knows no RFC...",
        "skipped line 501: invalid JSON: Expecting value: line 1 column 1 (char 0)",
    ]
    assert all(
        len(line) <= 80 or line.startswith(("skipped", "Worklog", "note"))
        for line in result.stderr.splitlines()
    )
    assert any(
        line.startswith(f"Worklog: {out}/GCP-LOG-GARDENER-WORKLOG-") for line in result.stdout.splitlines()
    )
    totals = [line for line in result.stdout.splitlines() if " read: " in line]
    assert totals == ["1346 entries read: 941 clustered, 405 skipped (403 below WARNING, 2 malformed)"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["scan", "--demo", "--hours", "12h"], "--hours '12h' is not a number"),
        (["scan", "--demo", "--hours", "1,5"], "--hours '1,5' is not a number"),
        (["scan", "--demo", "--max-entries", "10k"], "--max-entries '10k' is not a whole number"),
        (["scan", "--demo", "--hours"], "'--hours' requires an argument"),
        (["scan", "--demo", "--fial-on", "P1"], "No such option: --fial-on"),
        (["cluster", "--limit", "many", "-"], "--limit 'many' is not a whole number"),
        (["scna"], "No such command 'scna'"),
        (["--bogus"], "No such option: --bogus"),
    ],
)
def test_a_usage_mistake_is_one_line_naming_what_is_wrong_not_clicks_box(
    tmp_path: Path, args: list[str], named: str
) -> None:
    """click's error box is six lines whose message wraps at 80 columns; gardener's own checks of the same
    options (`--hours nan`) say theirs in one line."""
    result = runner.invoke(app, args)

    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and named in lines[0] and "-h` lists the options" in lines[0]
    assert "╭" not in result.stderr and "Usage:" not in result.stderr


def _without_reader(args: list[str], cwd: Path, stream: str) -> tuple[int, bytes]:
    """Run gardener with standard output (or error) a pipe whose reader is gone, as `| head` leaves it."""
    read, write = os.pipe()
    os.close(read)
    try:
        process = subprocess.run(
            [*GARDENER, *args],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
            stdin=subprocess.DEVNULL,
            stdout=write if stream == "stdout" else subprocess.PIPE,
            stderr=write if stream == "stderr" else subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write)
    return process.returncode, process.stderr if stream == "stdout" else process.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--demo", "--no-state", "--out", "out"],
        ["scan", "--project", "p", "--hours", "1", "--print-filter"],
        ["--version"],
        ["scan", "--help"],
        ["--help"],
    ],
)
def test_a_reader_that_leaves_standard_output_ends_the_command_with_its_own_exit_code(
    tmp_path: Path, args: list[str]
) -> None:
    """`gardener scan … | head` once exited with code 1 (the README's code for `--fail-on`) and no word, or
    said "internal error: BrokenPipeError"; the outputs were written all the same."""
    code, stderr = _without_reader(args, tmp_path, "stdout")

    assert code == 0, stderr
    assert (
        b"Traceback" not in stderr and b"internal error" not in stderr and b"Exception ignored" not in stderr
    )
    if args[0] == "scan" and "--demo" in args:
        assert len(list((tmp_path / "out").glob("GCP-LOG-GARDENER-WORKLOG-*.md"))) == 1


def _reader_leaving_after(args: list[str], cwd: Path, size: int) -> tuple[int, bytes]:
    """Run gardener with standard output a pipe whose reader takes `size` bytes and leaves (`| head -c`)."""
    process = subprocess.Popen(
        [*GARDENER, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(size)
    process.stdout.close()
    stderr = process.stderr.read()
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize("read_first", [0, 10])
@pytest.mark.parametrize(("option", "what"), [("--report-json", "report"), ("--assignments", "assignments")])
def test_a_reader_that_leaves_before_the_report_or_assignments_is_an_output_not_written(
    tmp_path: Path, option: str, what: str, read_first: int
) -> None:
    """`gardener scan --report-json - | consumer` whose consumer died, or `| head -c 10`, exited 0 and recorded
    the run in the state: the report (95 KB for the demo, more than a pipe holds) was lost, and the state
    counted a run that delivered nothing. A reader that took a part and left was not even noticed: the text
    stream dropped what the pipe did not take."""
    state = tmp_path / "state.json"
    args = ["scan", "--demo", "--out", "out", "--state", str(state)]
    first = runner.invoke(app, [*args[:3], str(tmp_path / "out"), *args[4:]])
    assert first.exit_code == 0, first.stderr
    before = state.read_bytes()

    if read_first:
        code, stderr = _reader_leaving_after([*args, option, "-"], tmp_path, read_first)
    else:
        code, stderr = _without_reader([*args, option, "-"], tmp_path, "stdout")

    errors = [line for line in stderr.decode().splitlines() if line.startswith("error:")]
    assert code == 2, stderr
    assert errors == [
        f"error: cannot write the {what} to standard output: its reader went away (the pipe was closed) "
        f"before the last of it was written; read all of it, or give {option} a file path"
    ]
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr
    assert state.read_bytes() == before


def test_a_reader_that_leaves_standard_error_keeps_the_errors_exit_code(tmp_path: Path) -> None:
    code, _ = _without_reader(["scan", "--from", "missing.json", "--no-state"], tmp_path, "stderr")
    assert code == 2


def test_the_fail_on_gate_still_exits_1_when_the_reader_of_standard_output_left(tmp_path: Path) -> None:
    code, stderr = _without_reader(
        ["scan", "--demo", "--no-state", "--out", "out", "--fail-on", "P0"], tmp_path, "stdout"
    )
    assert code == 1
    assert b"failing: " in stderr and b"internal error" not in stderr


def test_credentials_in_a_url_given_where_a_path_or_repository_goes_are_never_echoed(tmp_path: Path) -> None:
    signed = (
        "https://user:S3cretPass@storage.example/x.json?X-Goog-Signature=0123abcdsig&X-Goog-Date=20261121"
    )
    result = runner.invoke(app, ["scan", "--from", signed, "--no-state", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "S3cretPass" not in result.stderr and "0123abcdsig" not in result.stderr
    assert "X-Goog-Signature=***" in result.stderr and "X-Goog-Date=20261121" in result.stderr

    token = "ghs_PROBE0123456789abcdefghijklmnopqrstu"
    clone = f"https://x-access-token:{token}@github.com/o/r.git"
    result = runner.invoke(
        app, ["scan", "--demo", "--no-state", "--out", str(tmp_path), "--issues", "draft", "--repo", clone]
    )
    assert result.exit_code == 2
    assert token not in result.stderr and "https://***@github.com/o/r.git" in result.stderr
    assert "give o/r" in result.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("cannot reach http://u:p@h:8080/x", "cannot reach http://***@h:8080/x"),
        (
            "see https://h/p?a=1&access_token=ya29.x&sig=2#top",
            "see https://h/p?a=1&access_token=***&sig=***#top",
        ),
        ("visit https://console.example/overview?project=123 then retry", None),  # no secret in it
        ("a?token=x without a scheme, user:pw@host", None),
        ("https://h/p@q", None),  # an @ in the path is no user
        (
            "authorize it at https://github.com/orgs/o/sso?authorization_request=AbC123, then rerun",
            None,  # a link the reader must open, whose parameter only holds the word
        ),
        (
            "a signed https://s.example/o?X-Amz-Security-Token=abc&X-Amz-Date=1.",
            "a signed https://s.example/o?X-Amz-Security-Token=***&X-Amz-Date=1.",
        ),
    ],
)
def test_only_the_credentials_of_a_url_are_hidden(text: str, shown: str | None) -> None:
    from loggardener.errors import hide_url_credentials

    assert hide_url_credentials(text) == (text if shown is None else shown)


def test_a_killed_runs_worklog_write_of_another_window_is_removed_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old = out / ".GCP-LOG-GARDENER-WORKLOG-last-1-hour-2026-11-21-16-00.md.k3x9q2zw.tmp"
    young = out / ".GCP-LOG-GARDENER-WORKLOG-orders-api-last-1-hour-2026-11-21-17-39.md.a1b2c3d4.tmp"
    for path, age in ((old, 3600), (young, 5)):
        path.write_text("half a worklog", encoding="utf-8")
        os.utime(path, (path.stat().st_mtime - age, path.stat().st_mtime - age))

    result = runner.invoke(app, ["scan", "--demo", "--no-state", "--out", str(out)])

    assert result.exit_code == 0, result.stderr
    assert not old.exists()
    assert young.exists()  # another run's write under way, for all this run knows


def test_gardener_alone_still_shows_its_help_not_an_empty_error_line() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "scan" in result.stdout and "error:" not in result.stdout + result.stderr
