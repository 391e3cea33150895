"""End to end: `gardener scan --demo --issues publish|draft` against the fake GitHub, through typer's CliRunner."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakes.github_server import FakeGitHub
from loggardener.cli import app
from loggardener.sources.demo import demo_export_path

TOKEN = "ghp_e2etoken0123456789abcdefghijklmn"


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "gardener.toml"
    path.write_text("[issues]\nseconds_between_writes = 0\n", encoding="utf-8")
    return path


def scan(out: Path, config: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["scan", "--demo", "--out", str(out), "--config", str(config), *args],
        env={"GITHUB_REPOSITORY": "", **(env or {})},
    )
    return result.exit_code, result.stdout, result.stderr


def publish(server: FakeGitHub, out: Path, config: Path) -> tuple[int, str, str]:
    env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN}
    return scan(out, config, "--issues", "publish", "--repo", "o/r", env=env)


def planted_secrets() -> set[str]:
    """The bearer tokens planted in the demo export."""
    raw = gzip.decompress(demo_export_path().read_bytes()).decode("utf-8")
    return set(re.findall(r"Bearer\s+([A-Za-z0-9._~+/=-]{8,})", raw))


def test_publishing_the_demo_twice_creates_once_then_only_updates(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    code, stdout, _ = publish(server, tmp_path / "out", config)
    assert code == 0
    created = len(server.issues)
    assert created >= 10
    assert f"Issues: {created} created" in stdout
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == created
    first_run = len(server.requests)

    code, stdout, _ = publish(server, tmp_path / "out", config)

    assert code == 0
    assert len(server.issues) == created
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == created
    assert f"Issues: {created} skipped" in stdout
    assert [r.method for r in server.requests[first_run:]] == ["GET"]  # one listing, nothing else
    # the crash and the container exits it causes fire together and link each other
    crash = next(i for i in server.issues.values() if "payments_sdk" in i.title)
    exits = next(i for i in server.issues.values() if "Container called exit" in i.title)
    assert f"- #{exits.number}: " in crash.body and f"- #{crash.number}: " in exits.body


def test_closing_one_and_scanning_again_reopens_it_as_a_regression(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    publish(server, tmp_path / "out", config)
    crash = next(i for i in server.issues.values() if "payments_sdk" in i.title)
    server.close(
        crash.number, closed_at=datetime(2026, 11, 21, 16, 0, tzinfo=timezone.utc)
    )  # before it fired

    code, stdout, _ = publish(server, tmp_path / "again", config)

    assert code == 0
    assert crash.state == "open"
    assert crash.title.startswith("GCP-regression | P0 | ")
    [comment] = server.comments_on(crash.number)
    assert "**Regression, reopened:**" in comment.body
    assert "1 reopened" in stdout
    worklog = next((tmp_path / "again").glob("*.md")).read_text(encoding="utf-8")
    assert "## GitHub issue processing" in worklog
    assert f"| reopened | [#{crash.number}](https://github.test/o/r/issues/{crash.number}) |" in worklog


def test_no_planted_secret_reaches_github_or_a_file(server: FakeGitHub, tmp_path: Path, config: Path) -> None:
    secrets = planted_secrets()
    assert secrets  # the demo does plant some
    publish(server, tmp_path / "out", config)
    scan(tmp_path / "drafts", config, "--issues", "draft")

    sent = "\n".join(r.body for r in server.requests)
    written = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file())
    assert "Bearer [REDACTED" in sent
    for secret in secrets:
        assert secret not in sent
        assert secret not in written
    assert TOKEN not in sent + written


def test_api_failure_is_one_line_per_issue_exit_6_and_the_worklog_is_kept(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    server.fail("POST", r"/repos/o/r/issues", status=500, times=2)

    code, stdout, stderr = publish(server, tmp_path / "out", config)

    assert code == 6
    assert TOKEN not in stdout + stderr
    failures = [line for line in stderr.splitlines() if line.startswith("issue failed:")]
    assert len(failures) == 2
    assert all(line.endswith("GitHub answered 500: Server Error") for line in failures)
    assert "Traceback" not in stderr
    assert "could not be published" in stderr
    worklog = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert worklog.count("| failed |") == 2


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["--issues", "publish", "--repo", "o/r"], {"GITHUB_TOKEN": ""}, 4, "needs a token in GITHUB_TOKEN"),
        (["--issues", "publish"], {"GITHUB_TOKEN": "x"}, 2, "needs --repo owner/name"),
        (
            ["--issues", "publish", "--repo", "not a repo"],
            {"GITHUB_TOKEN": "x"},
            2,
            "must look like owner/name",
        ),
        (["--issues", "maybe"], {}, 2, "use none, draft or publish"),
    ],
)
def test_issue_option_mistakes_fail_before_scanning(
    tmp_path: Path, config: Path, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    exit_code, _, stderr = scan(tmp_path / "out", config, *args, env=env)

    assert exit_code == code
    assert message in stderr
    assert not (tmp_path / "out").exists()


FAKE_GH = """#!/usr/bin/env bash
# records its arguments: unit separator between arguments, record separator after each call
printf '%s\\x1f' "$@" >> "$GH_LOG"; printf '\\x1e' >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then printf '%s\\n' "$GH_EXISTING"; fi
"""


def run_script(script: Path, tmp_path: Path, existing: str) -> list[list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH, encoding="utf-8")
    gh.chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(log)}
    env["GH_EXISTING"] = existing
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, timeout=60)
    calls = log.read_text(encoding="utf-8").split("\x1e")[:-1]
    return [call.split("\x1f")[:-1] for call in calls]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_draft_mode_writes_drafts_and_a_gh_script_that_deduplicates(tmp_path: Path, config: Path) -> None:
    code, stdout, _ = scan(tmp_path / "out", config, "--issues", "draft", "--repo", "o/r")

    assert code == 0
    [drafts] = (tmp_path / "out").glob("*.issues")
    assert f"Drafts: {drafts}" in stdout.replace("\n", "")
    files = sorted(p.name for p in drafts.glob("*.md"))
    assert files[0].startswith("01-") and len(files) >= 10
    first = (drafts / files[0]).read_text(encoding="utf-8")
    assert first.startswith("# GCP-new | P0 | ModuleNotFoundError: No module named 'payments_sdk'")
    script = drafts / "gh-issues.sh"
    assert os.access(script, os.X_OK)

    calls = run_script(script, tmp_path, existing="")
    creates = [c for c in calls if c[:2] == ["issue", "create"]]
    assert len(creates) == len(files)
    title = creates[0][creates[0].index("--title") + 1]
    assert title == first.splitlines()[0][2:]  # quoting kept the title intact
    assert creates[0][creates[0].index("--repo") + 1] == "o/r"
    body_file = creates[0][creates[0].index("--body-file") + 1]
    assert (drafts / body_file).read_text(encoding="utf-8") in first

    # an open issue exists for every fingerprint: comment only
    calls = run_script(script, tmp_path, existing="7 OPEN -")
    assert not [c for c in calls if c[:2] == ["issue", "create"]]
    assert sum(c[:2] == ["issue", "comment"] for c in calls) == len(files)

    # closed before the problems fired: reopen and comment with the regression text
    calls = run_script(script, tmp_path, existing="7 CLOSED 2020-01-01T00:00:00Z")
    assert sum(c[:2] == ["issue", "reopen"] for c in calls) == len(files)
    regressions = [c for c in calls if c[:2] == ["issue", "comment"]]
    assert all("gh/regression-" in c[c.index("--body-file") + 1] for c in regressions)

    # closed after the last occurrence: left alone
    calls = run_script(script, tmp_path, existing="7 CLOSED 2099-01-01T00:00:00Z")
    assert [c[:2] for c in calls] == [["issue", "list"]] * len(files)


def test_draft_mode_needs_no_token_and_never_calls_github(tmp_path: Path, config: Path) -> None:
    code, _, _ = scan(tmp_path / "out", config, "--issues", "draft", env={"GITHUB_TOKEN": ""})
    assert code == 0
    script = next((tmp_path / "out").glob("*.issues/gh-issues.sh")).read_text(encoding="utf-8")
    assert 'REPO="${REPO:-}"' in script


def test_related_window_is_configurable(tmp_path: Path) -> None:
    # with a window far below the gap between the crash and the exit, nothing is related
    path = tmp_path / "tight.toml"
    path.write_text("[issues]\nrelated_window_seconds = 0.0001\n", encoding="utf-8")
    code, _, _ = scan(tmp_path / "out", path, "--issues", "draft")
    assert code == 0
    draft = next((tmp_path / "out").glob("*.issues/01-*.md")).read_text(encoding="utf-8")
    assert "- None: no other problem fired on the same instance within 0.0001 seconds." in draft
