"""Nothing lost, nothing duplicated: outputs checked before publishing, written after it whatever fails,
one run at a time per state file, a bounded publish phase, and unreadable input that changes nothing."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

import loggardener
from fakes.github_server import FakeGitHub
from loggardener.cli import app
from loggardener.sources.demo import demo_export_path

TOKEN = "ghp_trusttoken0123456789abcdefghijklmn"


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "gardener.toml"
    path.write_text("[issues]\nseconds_between_writes = 0\n" + extra, encoding="utf-8")
    return path


def _run(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        ["scan", *args],
        env={"GITHUB_REPOSITORY": "", "GH_TOKEN": "", "GITHUB_TOKEN": "", **(env or {})},
        input=stdin,
    )
    return result.exit_code, result.stdout, result.stderr


def _publish(server: FakeGitHub, tmp_path: Path, *args: str, config: str = "") -> tuple[int, str, str]:
    env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN}
    return _run(
        "--demo",
        "--config",
        str(_config(tmp_path, config)),
        "--issues",
        "publish",
        "--repo",
        "o/r",
        *args,
        env=env,
    )


def test_out_pointing_at_a_file_fails_before_anything_is_published(
    server: FakeGitHub, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")

    code, _, stderr = _publish(server, tmp_path, "--out", str(blocker))

    assert code == 2
    assert "it is a file, not a directory" in stderr
    assert server.requests_matching("POST") == []


def test_an_unwritable_state_path_fails_before_anything_is_published(
    server: FakeGitHub, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")

    code, _, stderr = _publish(
        server, tmp_path, "--out", str(tmp_path / "out"), "--state", str(blocker / "s.json")
    )

    assert code == 2
    assert "state file" in stderr
    assert server.requests_matching("POST") == []


def test_a_state_with_naive_datetimes_is_read_as_utc(server: FakeGitHub, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run("--demo", "--out", str(out))
    state = out / ".gardener-state.json"
    naive = re.sub(r'"(\d{4}-\d\d-\d\dT[\d:.]+)(Z|[+-]00:00)"', r'"\1"', state.read_text(encoding="utf-8"))
    assert naive != state.read_text(encoding="utf-8")
    state.write_text(naive, encoding="utf-8")

    code, stdout, stderr = _publish(server, tmp_path, "--out", str(out))

    assert code == 0, stderr
    assert json.loads(state.read_text(encoding="utf-8"))["runs"] == 2
    assert "Worklog:" in stdout


def test_a_failure_after_publishing_still_prints_and_writes_what_was_published(
    server: FakeGitHub, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "worklog.md.j2").write_text("{{ report.no_such_field }}\n", encoding="utf-8")
    out, report = tmp_path / "out", tmp_path / "report.json"

    code, stdout, stderr = _publish(
        server, tmp_path, "--out", str(out), "--templates", str(templates), "--report-json", str(report)
    )

    created = len(server.issues)
    assert created >= 5
    assert code == 2
    assert "no_such_field" in stderr and "Traceback" not in stderr
    assert f"Issues: {created} created" in stdout
    published = json.loads(report.read_text(encoding="utf-8"))["issue_actions"]
    assert sorted(a["number"] for a in published) == sorted(server.issues)
    state = json.loads((out / ".gardener-state.json").read_text(encoding="utf-8"))
    assert sorted(h["issue_number"] for h in state["fingerprints"].values() if h["issue_number"]) == sorted(
        server.issues
    )
    assert not list(out.glob("*.md"))
    assert "Worklog:" not in stdout


def test_a_second_run_on_a_locked_state_waits_then_says_so(server: FakeGitHub, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(out / ".gardener-state.json.lock"):
        started = time.monotonic()
        code, _, stderr = _publish(
            server, tmp_path, "--out", str(out), config="[state]\nlock_timeout_seconds = 0.5\n"
        )
        waited = time.monotonic() - started

    assert code == 2
    assert "another gardener run holds the state file" in stderr
    assert waited >= 0.5
    assert server.requests_matching("POST") == []
    assert not (out / ".gardener-state.json").exists()


def test_a_run_that_waits_for_another_holding_the_state_says_so_when_the_wait_starts(tmp_path: Path) -> None:
    """Up to state.lock_timeout_seconds (a minute by default) of waiting is said when it starts, not only when
    it has run out: a CI log does not sit silent for a minute."""
    out = tmp_path / "out"
    out.mkdir()
    config = tmp_path / "gardener.toml"
    config.write_text("[state]\nlock_timeout_seconds = 0.5\n", encoding="utf-8")
    with FileLock(out / ".gardener-state.json.lock"):
        code, _, stderr = _run("--demo", "--out", str(out), "--config", str(config))
    said = " ".join(stderr.split())
    state = out / ".gardener-state.json"
    waiting = (
        f"waiting: another gardener run holds the state file {state}: waiting up to 0.5 s "
        "(state.lock_timeout_seconds) for it to finish"
    )
    assert code == 2
    assert waiting in said
    assert said.index(waiting) < said.index("error: another gardener run holds the state file")


def test_temporary_files_of_a_state_write_killed_before_its_rename_are_removed_by_the_next_run(
    tmp_path: Path,
) -> None:
    """A run killed (SIGKILL, OOM, a runner lost) between writing the state's temporary file and renaming it
    left `.gardener-state.json.XXXXXXXX.tmp` beside the state, one more each time. The next run holds the
    lock, so no write of the state is under way: it removes them. Other files that look alike stay."""
    import tempfile

    out = tmp_path / "out"
    assert _run("--demo", "--out", str(out))[0] == 0
    state = out / ".gardener-state.json"
    leftovers = []
    for _ in range(3):
        descriptor, name = tempfile.mkstemp(dir=out, prefix=f".{state.name}.", suffix=".tmp")
        os.write(descriptor, state.read_bytes()[:100])
        os.close(descriptor)
        leftovers.append(Path(name))
    others = [
        out / ".gardener-state.json.backup.tmp",  # not a name mkstemp gives
        out / ".gardener-state.api.json.abcd1234.tmp",  # the state of a scan limited to a service
        out / ".GCP-LOG-GARDENER-WORKLOG-last-1-hour-2026-11-21-17-00.md.abcd1234.tmp",  # another output's
    ]
    for other in others:
        other.write_text("keep\n", encoding="utf-8")

    code, _, stderr = _run("--demo", "--out", str(out))

    assert code == 0, stderr
    assert not any(leftover.exists() for leftover in leftovers)
    assert all(other.read_text(encoding="utf-8") == "keep\n" for other in others)
    assert json.loads(state.read_text(encoding="utf-8"))["runs"] == 2


def test_a_lock_file_planted_as_a_symbolic_link_is_said_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep\n", encoding="utf-8")
    (out / ".gardener-state.json.lock").symlink_to(target)

    code, _, stderr = _run("--demo", "--out", str(out))

    assert code == 2
    assert "it is a symbolic link; gardener does not write through links" in " ".join(stderr.split())
    assert target.read_text(encoding="utf-8") == "keep\n"


@pytest.mark.parametrize("kind", ["loop", "to nothing"])
def test_an_out_directory_that_is_a_broken_symbolic_link_is_said_so(tmp_path: Path, kind: str) -> None:
    """`--out` a link of a loop, or to a directory moved away: said as the link (it was "File exists", which
    named no cause), and nothing written."""
    out, other = tmp_path / "out", tmp_path / "other"
    out.symlink_to(other)
    if kind == "loop":
        other.symlink_to(out)

    code, _, stderr = _run("--demo", "--out", str(out), "--no-state")

    assert code == 2
    assert stderr.strip() == (
        f"error: cannot write the worklog into {out}: it is a symbolic link to nothing (its target {other} is "
        "missing, or a link of a loop): fix the link or choose another path"
    )


def test_a_persistent_secondary_rate_limit_ends_the_publish_phase_in_time(
    server: FakeGitHub, tmp_path: Path
) -> None:
    server.secondary_rate_limit("POST", r"/repos/o/r/issues", retry_after=120)
    out = tmp_path / "out"
    started = time.monotonic()

    code, _, stderr = _publish(server, tmp_path, "--out", str(out), config="max_rate_limit_wait = 2\n")

    assert time.monotonic() - started < 30
    assert code == 6
    assert "not attempted" in stderr
    assert list(out.glob("*.md"))
    assert (out / ".gardener-state.json").exists()


def test_a_rejected_token_is_exit_4_said_once_and_the_worklog_is_kept(
    server: FakeGitHub, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": "ghp_wrong"}
    code, _, stderr = _run(
        "--demo",
        "--out",
        str(out),
        "--config",
        str(_config(tmp_path)),
        "--issues",
        "publish",
        "--repo",
        "o/r",
        env=env,
    )

    assert code == 4
    assert stderr.count("401") == 1
    assert "ghp_wrong" not in stderr
    assert list(out.glob("*.md"))


def _publish_demo(tmp_path: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """`scan --demo --issues publish --repo o/r` with `env` (the GitHub server and the tokens)."""
    return _run(
        "--demo", "--out", str(tmp_path / "out"), "--config", str(_config(tmp_path)), "--issues", "publish",
        "--repo", "o/r", env=env,
    )  # fmt: skip


def test_a_token_with_a_line_break_around_it_is_used_without_it(server: FakeGitHub, tmp_path: Path) -> None:
    """A secret read from a file keeps its line break: requests refused the header, quoting the whole token
    in every issue's failure line and, cut, in the worklog."""
    env = {"GITHUB_API_URL": server.url, "GH_TOKEN": f" {TOKEN}\n"}
    code, stdout, stderr = _publish_demo(tmp_path, env)
    assert code == 0, stderr
    assert f"Issues: {len(server.issues)} created" in stdout


def test_a_token_with_a_line_break_inside_is_one_line_never_quoted(
    server: FakeGitHub, tmp_path: Path
) -> None:
    inner = TOKEN[:6] + "\n" + TOKEN[6:]
    env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": inner}
    code, stdout, stderr = _publish_demo(tmp_path, env)
    assert code == 4
    assert "GITHUB_TOKEN holds a character no GitHub token has" in stderr
    assert TOKEN[6:] not in stdout + stderr and not server.issues


def test_gh_token_is_honoured_before_github_token(server: FakeGitHub, tmp_path: Path) -> None:
    env = {"GITHUB_API_URL": server.url, "GH_TOKEN": TOKEN, "GITHUB_TOKEN": "ghp_wrong"}
    code, stdout, stderr = _publish_demo(tmp_path, env)

    assert code == 0, stderr
    assert f"Issues: {len(server.issues)} created" in stdout


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The --out of a demo scan (its worklog and its state), for tests to copy."""
    out = tmp_path_factory.mktemp("demo") / "out"
    assert _run("--demo", "--out", str(out))[0] == 0
    return out


@pytest.mark.parametrize(
    "data",
    [
        b"{" + bytes(range(128, 256)) * 3 + b"\n" + bytes(range(7, 256)),
        b'{"foo": 1}\n',
        b"[1, 2, 3]",
        b"[",
        b'{"not json',
    ],
    ids=["random-bytes", "foreign-object", "array-of-numbers", "truncated-array", "broken-ndjson"],
)
def test_unreadable_input_is_exit_2_and_changes_no_state(demo_out: Path, tmp_path: Path, data: bytes) -> None:
    out = tmp_path / "out"
    shutil.copytree(demo_out, out)
    state = out / ".gardener-state.json"
    before = state.read_bytes()
    worklogs = sorted(out.glob("*.md"))

    code, _, stderr = _run("--from", "-", "--out", str(out), stdin=data)

    assert code == 2
    assert stderr.startswith("error: ") and "Traceback" not in stderr
    assert state.read_bytes() == before
    assert sorted(out.glob("*.md")) == worklogs


def test_a_planted_symlink_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(victim)

    code, _, stderr = _run("--demo", "--out", str(tmp_path / "out"), "--report-json", str(link))

    assert code == 2
    assert "symbolic link" in stderr
    assert victim.read_text(encoding="utf-8") == "precious"


def test_worklogs_of_service_scans_and_of_other_runs_never_replace_each_other(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for service in ("orders-api", "orders-reconcile"):
        args = (
            "--demo",
            "--out",
            str(out),
            "--no-state",
            "--service",
            service,
            "--since",
            "2026-11-21T16:00:00Z",
        )
        assert _run(*args, "--until", "2026-11-21T18:00:00Z")[0] == 0
    names = sorted(p.name for p in out.glob("*.md"))
    assert names == [
        "GCP-LOG-GARDENER-WORKLOG-orders-api-last-2-hours-2026-11-21-18-00.md",
        "GCP-LOG-GARDENER-WORKLOG-orders-reconcile-last-2-hours-2026-11-21-18-00.md",
    ]
    # the same scan again replaces its own worklog; another input with the same window gets its own name
    export = tmp_path / "copy.json.gz"
    export.write_bytes(demo_export_path().read_bytes())
    for source in (("--demo",), ("--demo",), ("--from", str(export))):
        assert _run(*source, "--out", str(out), "--no-state", "--issues", "draft")[0] == 0
    plain = sorted(p.name for p in out.glob("GCP-LOG-GARDENER-WORKLOG-last-*.md"))
    assert plain == [
        "GCP-LOG-GARDENER-WORKLOG-last-59-minutes-2026-11-21-17-39-2.md",
        "GCP-LOG-GARDENER-WORKLOG-last-59-minutes-2026-11-21-17-39.md",
    ]
    assert len(list(out.glob("*.issues"))) == 2


@pytest.mark.parametrize("kind", ["directory", "named pipe"])
def test_a_worklog_name_held_by_something_other_than_a_file_gets_the_next_name(
    tmp_path: Path, kind: str
) -> None:
    """A named pipe there was opened to be read for the scan's marker, which waits for a writer forever."""
    out = tmp_path / "out"
    out.mkdir()
    taken = out / "GCP-LOG-GARDENER-WORKLOG-last-59-minutes-2026-11-21-17-39.md"
    taken.mkdir() if kind == "directory" else os.mkfifo(taken)

    code, _, stderr = _run("--demo", "--out", str(out), "--no-state")

    assert code == 0, stderr
    assert (out / "GCP-LOG-GARDENER-WORKLOG-last-59-minutes-2026-11-21-17-39-2.md").is_file()


def test_a_refused_header_is_described_without_quoting_it() -> None:
    from requests.exceptions import InvalidHeader

    from loggardener.publishing.github import describe

    exc = InvalidHeader(f"Invalid leading whitespace in header value: 'token {TOKEN}\\x7f'")
    assert TOKEN not in describe(exc) and "GH_TOKEN" in describe(exc)


def _disk_full_for(what: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing `what` ("worklog" or "report") fails as a full disk does, after the checks before the scan."""
    import errno

    from loggardener import job
    from loggardener.files import write_error

    def full(path: Path, *_: object, **__: object) -> None:
        raise write_error(what, path, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(job, "atomic_write" if what == "worklog" else "output_write", full)


@pytest.mark.parametrize("what", ["worklog", "report"])
def test_a_document_that_cannot_be_written_leaves_the_state_as_it_was(
    what: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A run whose worklog or report is lost (a full disk) must not advance the state: the next run would
    mark its problems recurring, and list as resolved what only this lost run saw."""
    out = tmp_path / "out"
    assert _run("--demo", "--out", str(out))[0] == 0
    state = out / ".gardener-state.json"
    before = state.read_bytes()
    _disk_full_for(what, monkeypatch)

    code, stdout, stderr = _run("--demo", "--out", str(out), "--report-json", str(tmp_path / "r.json"))

    assert code == 2
    assert "no space left on the device" in stderr
    assert state.read_bytes() == before
    assert "unchanged: an output was not written" in " ".join(stdout.split())


def test_drafts_that_cannot_be_written_leave_the_state_as_it_was(tmp_path: Path) -> None:
    """The drafts are an output like the worklog: a run that cannot write them (a file size limit, as a full
    disk) must not advance the state either, or the problems they would have filed as new never are."""
    out = tmp_path / "out"
    config = tmp_path / "gardener.toml"
    config.write_text(  # issue bodies larger than the file size limit below; the state and worklog within it
        '[issues.business_justification]\n"orders-api" = "' + "Checkout depends on it. " * 1200 + '"\n',
        encoding="utf-8",
    )
    assert _run("--demo", "--out", str(out), "--config", str(config))[0] == 0
    state = out / ".gardener-state.json"
    before = state.read_bytes()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "worklog.md.j2").write_text("A worklog of one line.\n", encoding="utf-8")
    limit = len(before) + 4000

    process = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--demo", "--out", str(out), "--config", str(config),
         "--issues", "draft", "--templates", str(templates)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(loggardener.__file__).parent.parent)},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )  # fmt: skip

    assert process.returncode == 2, process.stderr
    assert "cannot write draft" in process.stderr and "Traceback" not in process.stderr
    assert state.read_bytes() == before
    assert "unchanged: an output was not written" in " ".join(process.stdout.split())


def test_issues_published_before_the_worklog_failed_are_listed_in_the_terminal(
    server: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The worklog lists what publishing did; when it cannot be written, the terminal does, so nothing is lost."""
    _disk_full_for("worklog", monkeypatch)

    code, stdout, _ = _publish(server, tmp_path, "--out", str(tmp_path / "out"))

    assert code == 2
    assert server.issues
    for number in server.issues:
        assert re.search(rf"^issue created: #{number} ", stdout, re.MULTILINE), stdout
