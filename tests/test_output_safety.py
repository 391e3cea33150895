"""Structured fields from logs (service, revision, insertId, error group, notes) are escaped for where they
go: a markdown line, a table cell, a URL, the terminal. Control characters never reach any output."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from loggardener.cli import app
from loggardener.rendering.markdown import error_group_url
from loggardener.rendering.markdown_safety import markdown_text, strip_controls

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE_SERVICE = "<img src=https://evil.test/x.png>|svc"


def _entry(i: int) -> dict[str, object]:
    return {
        "insertId": f"id`{i}`<b>",
        "timestamp": f"2026-11-21T12:00:0{i}Z",
        "severity": "ERROR",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": HOSTILE_SERVICE, "revision_name": "rev|1\x1b[31m"},
        },
        "textPayload": "boom \x1b[2J\x07\x00 \u202etxt.exe in the log",
        "context": {"reportLocation": {}},
        "errorGroups": [{"id": "grp)](https://evil.test"}],
    }


def test_hostile_structured_fields_are_inert_in_the_worklog_and_the_terminal(tmp_path: Path) -> None:
    export = tmp_path / "e.ndjson"
    export.write_text("".join(json.dumps(_entry(i)) + "\n" for i in range(3)), encoding="utf-8")
    out = tmp_path / "out"

    result = CliRunner().invoke(
        app, ["scan", "--from", str(export), "--out", str(out), "--no-state", "--service", HOSTILE_SERVICE]
    )

    assert result.exit_code == 0, result.stderr
    worklog = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert not CONTROLS.search(worklog)
    assert not CONTROLS.search(result.stdout + result.stderr)
    outside_code = re.sub(r"(`+)(?:(?!\1).)+\1", "", re.sub(r"\\.", "", worklog))
    assert "<img" not in outside_code
    assert "](https://evil.test" not in outside_code
    services_row = next(line for line in worklog.splitlines() if line.startswith("| **Services** |"))
    assert services_row.count("|") - services_row.count("\\|") == 3  # the header table keeps two columns


@given(st.text())
def test_markdown_text_leaves_no_active_character_unescaped(value: str) -> None:
    escaped = markdown_text(value)
    assert not CONTROLS.search(escaped)
    assert not re.search(r"[`*_\[\]<>|]", re.sub(r"\\.", "", escaped))


@given(st.text())
def test_strip_controls_is_idempotent_and_total(value: str) -> None:
    once = strip_controls(value)
    assert strip_controls(once) == once
    assert not CONTROLS.search(once)


def test_error_group_urls_cannot_end_the_link() -> None:
    url = error_group_url("grp)](https://evil.test", "p x")
    assert (
        url
        == "https://console.cloud.google.com/errors/detail/grp%29%5D%28https%3A%2F%2Fevil.test?project=p%20x"
    )


def test_paths_given_on_the_command_line_reach_the_terminal_inert(tmp_path: Path) -> None:
    """The `Worklog:`, `Drafts:` and trend lines print the paths as given: an ESC or a bidirectional override
    in a directory's name reached the terminal (a script that builds `--out` from a branch or service name)."""
    export = tmp_path / "e.ndjson"
    export.write_text("".join(json.dumps(_entry(i)) + "\n" for i in range(3)), encoding="utf-8")
    out = tmp_path / "w\x1b[2Jl\u202e"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            "--from",
            str(export),
            "--out",
            str(out),
            "--state",
            str(out / "s.json"),
            "--issues",
            "draft",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert next(out.glob("*.md"))  # the directory keeps its name: only what is shown is made inert
    assert not CONTROLS.search(result.stdout + result.stderr)
    shown = str(tmp_path / "w[2Jl")
    assert f"Worklog: {shown}/" in result.stdout and f"(state: {shown}/s.json" in result.stdout


def test_a_table_cell_of_text_from_the_input_reaches_the_terminal_inert(tmp_path: Path) -> None:
    """`gardener cluster` shows each template mined from its input in a table cell: an OSC 8 hyperlink or a
    bidirectional override in the log's text reached the terminal raw (only whole strings printed were cleaned)."""
    log = tmp_path / "app.log"
    log.write_text(
        "".join(f"error \x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\ {i} \u202egnp.exe\n" for i in range(3)),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["cluster", str(log)])
    assert result.exit_code == 0, result.stderr
    assert "error" in result.stdout
    assert not CONTROLS.search(result.stdout + result.stderr)
