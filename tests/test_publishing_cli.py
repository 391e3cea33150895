"""End to end: `gardener scan --demo --issues publish|draft` against the fake GitHub, through typer's CliRunner."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from fakes.github_server import FakeGitHub
from loggardener.cli import app
from loggardener.clustering.models import Cluster
from loggardener.config import IssuesConfig
from loggardener.errors import ExitCode, GardenerError
from loggardener.files import atomic_write
from loggardener.publishing.content import Composer
from loggardener.publishing.drafts import DraftWriter
from loggardener.publishing.markers import COMMENT_MARKER, fingerprint_marker
from loggardener.sources.demo import demo_export_path
from publishing_support import T0, FakeGh, crash_cluster, make_report

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


def publish_stateless(server: FakeGitHub, out: Path, config: Path) -> tuple[int, str, str]:
    env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN}
    return scan(out, config, "--no-state", "--issues", "publish", "--repo", "o/r", env=env)


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
    assert (
        created == 8
    )  # one per incident root at or above P2: the crash's incident files its 5 effects in it
    assert f"Issues: {created} created" in stdout
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == created
    first_run = len(server.requests)

    code, stdout, _ = publish(server, tmp_path / "out", config)

    assert code == 0
    assert len(server.issues) == created
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == created
    assert f"Issues: {created} skipped" in stdout
    assert [r.method for r in server.requests[first_run:]] == ["GET"]  # one listing, nothing else
    # the crash's issue tells the incident and lists its effects, which have no issues of their own
    crash = next(i for i in server.issues.values() if "payments_sdk" in i.title)
    assert not any(
        "Container called exit" in i.title or "HTTP 503" in i.title for i in server.issues.values()
    )
    assert "Incident: At 16:52:06 `ModuleNotFoundError: No module named 'payments_sdk'` starts" in crash.body
    assert (
        "- Causes `Container called exit(3). (orders-api)` (`617c8278c84c`): no issue of its own: filed with"
        in crash.body
    )


def test_issues_github_files_without_labels_are_found_again_through_the_state(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    server.push_access = False  # the listing by label never shows them

    for run in (1, 2, 3):
        code, _, stderr = publish(server, tmp_path / "out", config)
        assert code == ExitCode.PUBLISH_FAILED and "without the 'log-gardener' label" in stderr
        assert len(server.issues) == run  # one more each run, none filed twice

    markers = [re.search(r"fingerprint=(\w+)", i.body).group(1) for i in server.issues.values()]  # type: ignore[union-attr]
    assert len(set(markers)) == 3


def _markers(server: FakeGitHub) -> list[str]:
    return [m.group(1) for i in server.issues.values() if (m := re.search(r"fingerprint=(\w+)", i.body))]


def test_issues_github_files_without_labels_are_found_again_without_a_state(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    """With `--no-state` nothing recorded the issues GitHub filed without their labels (a token without push
    access): each run filed them again (last round's O06/G11). GitHub's search finds them by the fingerprint
    their bodies show; the marker decides."""
    server.push_access = False

    for run in (1, 2, 3):
        code, _, stderr = publish_stateless(server, tmp_path / "out", config)
        assert code == ExitCode.PUBLISH_FAILED and "without the 'log-gardener' label" in stderr
        assert len(server.issues) == run  # one more each run, none filed twice

    assert len(set(_markers(server))) == 3


def test_issues_whose_labels_a_person_removed_are_found_again_without_a_state(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    code, _, _ = publish_stateless(server, tmp_path / "out", config)
    assert code == 0
    filed = len(server.issues)
    for issue in server.issues.values():
        issue.labels = []  # a person cleaned up the labels

    code, stdout, _ = publish_stateless(server, tmp_path / "out", config)

    assert code == 0
    assert len(server.issues) == filed and sorted(_markers(server)) == sorted(set(_markers(server)))
    assert f"Issues: {filed} skipped" in stdout


def test_a_run_with_a_state_or_with_every_issue_listed_does_not_search(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    publish(server, tmp_path / "out", config)  # with a state: its numbers say where the issues are
    assert not server.requests_matching("GET", r"/search/issues")

    publish_stateless(server, tmp_path / "out", config)  # every problem's issue is listed by its label

    assert not server.requests_matching("GET", r"/search/issues")


def test_a_search_github_refuses_files_as_before(server: FakeGitHub, tmp_path: Path, config: Path) -> None:
    refused = {"message": "Validation Failed", "errors": [{"message": "The search is longer than allowed."}]}
    server.fail("GET", r"/search/issues", status=422, times=100, body=refused)

    code, _, _ = publish_stateless(server, tmp_path / "out", config)

    assert code == 0 and len(server.issues) == 8
    assert len(server.requests_matching("GET", r"/search/issues")) == 1  # refused: no more searches this run


def test_per_incident_off_files_every_problem_and_links_causes_and_effects(
    server: FakeGitHub, tmp_path: Path
) -> None:
    config = tmp_path / "every.toml"
    config.write_text("[issues]\nseconds_between_writes = 0\nper_incident = false\n", encoding="utf-8")
    code, _, _ = publish(server, tmp_path / "out", config)
    assert code == 0
    assert len(server.issues) == 15  # every problem at or above P2
    crash = next(i for i in server.issues.values() if "payments_sdk" in i.title)
    exits = next(i for i in server.issues.values() if "Container called exit(3). (orders-api)" in i.title)
    assert (
        f"- Causes `Container called exit(3). (orders-api)` (`617c8278c84c`): #{exits.number}." in crash.body
    )
    assert f"(`397c7f887844`): #{crash.number}. Evidence: in revision" in exits.body


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


def test_api_failure_is_said_once_for_the_issues_it_failed_exit_6_and_the_worklog_is_kept(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    server.fail("POST", r"/repos/o/r/issues", status=500, times=2)

    code, stdout, stderr = publish(server, tmp_path / "out", config)

    assert code == 6
    assert TOKEN not in stdout + stderr
    # one cause met by both: said once, in the error line (the worklog lists the two issues)
    assert [line for line in stderr.splitlines() if line.strip()] == [
        next(
            line
            for line in stderr.splitlines()
            if line.startswith("error: 2 of 8 issues could not be published: ")
        )
    ]
    # a 500 may come after GitHub filed the issue: it is looked for, and the next run looks again first
    assert stderr.count("GitHub answered 500: Server Error; GitHub may have filed it all the same") == 1
    assert "Traceback" not in stderr
    assert "rerun the scan to publish them (those published are found again, not duplicated)" in stderr
    worklog = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert worklog.count("| failed |") == 2


def test_one_refusal_every_issue_meets_is_said_once_with_their_count_each_other_on_its_own_line(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    label = {
        "message": "Validation Failed",
        "errors": [{"resource": "Label", "code": "invalid", "field": "name", "message": "name is too long"}],
    }
    title = {
        "message": "Validation Failed",
        "errors": [{"resource": "Issue", "code": "custom", "field": "title", "message": "title is wrong"}],
    }
    server.fail("POST", r"/repos/o/r/issues", status=422, times=1, body=title)
    server.fail("POST", r"/repos/o/r/issues", status=422, times=100, body=label)

    code, _, stderr = publish(server, tmp_path / "out", config)

    assert code == ExitCode.PUBLISH_FAILED
    failures = [line for line in stderr.splitlines() if line.startswith("issue failed:")]
    assert len(failures) == 2, stderr
    assert "title is wrong" in failures[0] and " and " not in failures[0].split(": GitHub")[0]
    assert " and 6 more: GitHub answered 422: Validation Failed (Label name: name is too long)" in failures[1]
    worklog = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert worklog.count("| failed |") == 8  # the worklog still lists each issue


def test_a_publishing_failure_wins_over_fail_on_whose_finding_is_still_said(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    server.fail("POST", r"/repos/o/r/issues", status=502, times=100)
    env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN}

    code, _, stderr = scan(
        tmp_path / "out", config, "--issues", "publish", "--repo", "o/r", "--fail-on", "P1", env=env
    )

    assert code == ExitCode.PUBLISH_FAILED  # as the README's exit codes say: the failure's code wins
    lines = stderr.strip().splitlines()
    gate = next(n for n, line in enumerate(lines) if line.startswith("failing: "))
    assert "at or above P1 (--fail-on P1)" in lines[gate]
    assert lines[-1].startswith("error: 8 of 8 issues could not be published") and gate < len(lines) - 1


def test_a_write_the_token_may_not_make_exits_4_like_a_refused_listing(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    refusal = {"message": "Resource not accessible by integration"}
    server.fail("POST", r"/repos/o/r/issues", status=403, times=50, body=refusal)

    code, _, stderr = publish(server, tmp_path / "out", config)

    assert code == ExitCode.CREDENTIALS
    assert "permissions: issues: write" in stderr and "Traceback" not in stderr
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == 1
    assert next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8").count("| failed |") == 8
    # the write refused, then the 7 not attempted for that reason: the reason said once, in the error line
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].count("the token may not write issues in o/r") == 1
    assert lines[0].startswith("error: 8 of 8 issues could not be published (7 not attempted): ")


def test_a_token_rejected_after_the_listing_exits_4_said_once_and_the_worklog_lists_every_problem(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    """A token revoked (or expired) between the listing and the first write: the token, not GitHub, failed."""
    server.fail("POST", r"/repos/o/r/issues", status=401, times=50, body={"message": "Bad credentials"})

    code, stdout, stderr = publish(server, tmp_path / "out", config)

    assert code == ExitCode.CREDENTIALS
    assert "Traceback" not in stderr and TOKEN not in stdout + stderr
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == 1  # no write tried after the 401
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].count("check GH_TOKEN or GITHUB_TOKEN") == 1
    assert lines[0].startswith("error: 8 of 8 issues could not be published (7 not attempted): ")
    assert next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8").count("| failed |") == 8


def test_a_create_whose_answer_was_lost_is_remembered_and_not_filed_again_by_the_next_run(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    """GitHub filed the issue, the answer never came back, and its listings do not show the issue yet: the
    state remembers the create, so a rerun at once looks for it and does not file the problem twice."""
    server.fail("POST", r"/repos/o/r/issues", status=502, apply=True)
    server.reshape(
        "GET",
        r"/repos/o/r/issues",
        lambda answer: [i for i in answer if i["number"] != 1] if isinstance(answer, list) else answer,
        times=1000,
    )

    code, _, stderr = publish(server, tmp_path / "out", config)

    assert code == ExitCode.PUBLISH_FAILED
    assert "GitHub may have filed it all the same" in " ".join(stderr.split())
    state = json.loads((tmp_path / "out" / ".gardener-state.json").read_text(encoding="utf-8"))
    [lost] = [fp for fp, h in state["fingerprints"].items() if h.get("unconfirmed_create_at")]
    assert fingerprint_marker(lost) in server.issues[1].body
    filed = len(server.issues)

    code, _, stderr = publish(server, tmp_path / "out", config)

    assert code == ExitCode.PUBLISH_FAILED
    assert "not filed again before" in " ".join(stderr.split())
    assert len(server.issues) == filed  # nothing filed twice

    server.rules.clear()  # GitHub lists it now
    code, _, _ = publish(server, tmp_path / "out", config)

    assert code == 0 and len(server.issues) == filed
    state = json.loads((tmp_path / "out" / ".gardener-state.json").read_text(encoding="utf-8"))
    assert state["fingerprints"][lost]["issue_number"] == 1
    assert state["fingerprints"][lost]["unconfirmed_create_at"] is None


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (
            ["--issues", "publish", "--repo", "o/r"],
            {"GITHUB_TOKEN": ""},
            4,
            "needs a token in GH_TOKEN or GITHUB_TOKEN",
        ),
        (["--issues", "publish"], {"GITHUB_TOKEN": "x"}, 2, "needs --repo owner/name"),
        (
            ["--issues", "publish", "--repo", "not a repo"],
            {"GITHUB_TOKEN": "x"},
            2,
            "must look like owner/name",
        ),
        (
            ["--issues", "publish", "--repo", "https://github.com/acme/shop.git"],
            {"GITHUB_TOKEN": "x"},
            2,
            "got 'https://github.com/acme/shop.git': give acme/shop, without the URL",
        ),
        (
            ["--issues", "draft"],
            {"GITHUB_REPOSITORY": "shop"},
            2,
            "GITHUB_REPOSITORY must look like owner/name, got 'shop': fix it, or give --repo",
        ),
        (["--issues", "maybe"], {}, 2, "'maybe' is not one of"),
        (
            ["--issues", "publish", "--repo", "o/r"],
            {"GITHUB_TOKEN": "x", "GITHUB_API_URL": "api.github.example"},
            2,
            "GITHUB_API_URL 'api.github.example' is not a URL",
        ),
        (
            ["--issues", "publish", "--repo", "o/r"],
            {"GITHUB_TOKEN": "x", "GITHUB_API_URL": "http://[::1"},
            2,
            "GITHUB_API_URL 'http://[::1' is not a URL",
        ),
        (
            ["--issues", "publish", "--repo", "o/r"],
            {"GITHUB_TOKEN": "x", "GITHUB_API_URL": "https://ghe.example:api/v3"},
            2,
            "is not a URL",
        ),
        (["--service", " ", "--issues", "draft"], {}, 2, "--service needs a name"),
        # a repository GitHub Actions' environment gave is named as such, not as an option never passed
        (
            ["--issues", "publish"],
            {"GITHUB_TOKEN": "x", "GITHUB_REPOSITORY": "nope"},
            2,
            "GITHUB_REPOSITORY must look like owner/name, got 'nope': fix it, or give --repo",
        ),
        (
            ["--issues", "draft"],
            {"GITHUB_REPOSITORY": "a/b/c"},
            2,
            "GITHUB_REPOSITORY must look like owner/name",
        ),
    ],
)
def test_issue_option_mistakes_fail_before_scanning(
    tmp_path: Path, config: Path, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    exit_code, _, stderr = scan(tmp_path / "out", config, *args, env=env)

    assert exit_code == code
    assert message in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("repository", ["o/r\n", "o/r\r\n", " o/r "])
def test_a_repository_from_the_environment_is_read_without_the_line_break_a_file_leaves(
    server: FakeGitHub, tmp_path: Path, config: Path, repository: str
) -> None:
    """A value written to `$GITHUB_ENV` or read from a file keeps its line break; no repository name has one,
    as no token does (GITHUB_TOKEN's was already dropped)."""
    env = {"GITHUB_API_URL": server.url + "\n", "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": repository}
    exit_code, _, stderr = scan(tmp_path / "out", config, "--issues", "publish", env=env)

    assert exit_code == 0, stderr
    assert len(server.issues) >= 8
    assert {request.path.split("?")[0] for request in server.requests} <= {"/repos/o/r/issues"} | {
        f"/repos/o/r/issues/{number}" for number in server.issues
    }


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The drafts directory of one `--issues draft --repo o/r` demo scan (the tests copy it, never edit it)."""
    root = tmp_path_factory.mktemp("drafted")
    config = root / "gardener.toml"
    config.write_text("", encoding="utf-8")
    code, stdout, _ = scan(root / "out", config, "--issues", "draft", "--repo", "o/r")
    assert code == 0
    [drafts] = (root / "out").glob("*.issues")
    assert f"Drafts: {drafts}" in stdout.replace("\n", "")
    return drafts


def copy_of(drafts: Path, tmp_path: Path) -> Path:
    """A private copy of the drafts; returns its `gh-issues.sh`."""
    target = tmp_path / "drafts"
    shutil.copytree(drafts, target)
    return target / "gh-issues.sh"


def fingerprints(drafts: Path) -> list[str]:
    return [p.stem.split("-", 1)[1] for p in sorted(drafts.glob("[0-9]*.md"))]


def listings(gh: FakeGh) -> int:
    """The script's listings of the issues by their label (not its searches)."""
    return sum(call[:2] == ["issue", "list"] and "--search" not in call for call in gh.calls)


def searches(gh: FakeGh) -> int:
    return sum(call[:2] == ["issue", "list"] and "--search" in call for call in gh.calls)


def test_draft_mode_writes_drafts_and_a_gh_script(drafted: Path) -> None:
    files = sorted(p.name for p in drafted.glob("*.md"))
    assert files[0].startswith("01-") and len(files) == 8
    first = (drafted / files[0]).read_text(encoding="utf-8")
    assert first.startswith("# GCP-new | P0 | ModuleNotFoundError: No module named 'payments_sdk'")
    assert os.access(drafted / "gh-issues.sh", os.X_OK)
    # the worklog names the drafts relative to itself: no path of the machine that ran the scan
    worklog = drafted.with_suffix(".md").read_text(encoding="utf-8")
    assert f"| `{drafted.name}/{files[0]}` |" in worklog
    assert str(drafted.parent) not in worklog


def test_gh_script_creates_each_issue_once(drafted: Path, tmp_path: Path) -> None:
    gh = FakeGh(tmp_path)
    script = copy_of(drafted, tmp_path)
    first = (drafted / f"01-{fingerprints(drafted)[0]}.md").read_text(encoding="utf-8")

    done = gh.run(script)

    assert done.returncode == 0, done.stderr
    assert listings(gh) == 1  # listed once, up front
    assert gh.count("issue create") == len(fingerprints(drafted)) == len(gh.issues)
    assert searches(gh) == len(gh.issues)  # one search before each create: an issue without its label
    created = gh.issues[0]
    assert created["title"] == first.splitlines()[0][2:]  # quoting kept the title intact
    assert created["labels"] == ["P0", "bug", "log-gardener"]
    assert created["body"] in first
    assert all(call[call.index("--repo") + 1] == "o/r" for call in gh.calls if "--repo" in call)

    again = gh.run(script)

    assert again.returncode == 0, again.stderr
    assert gh.count("issue create") == gh.count("issue comment") == 0  # the bodies already say it all
    assert again.stdout.count("nothing changed since log gardener last wrote on it") == len(gh.issues)


def test_gh_script_creates_nothing_when_the_listing_fails(drafted: Path, tmp_path: Path) -> None:
    gh = FakeGh(tmp_path)

    done = gh.run(copy_of(drafted, tmp_path), fail=["issue list"])

    assert done.returncode == 1
    assert "cannot list the issues of o/r: nothing created" in done.stderr
    assert [" ".join(call[:2]) for call in gh.calls] == ["issue list"]
    assert gh.issues == []


def test_gh_script_comments_once_on_an_open_issue(drafted: Path, tmp_path: Path) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    closed = gh.add_issue(fingerprint_marker(prints[0]), state="CLOSED", closed_at="2099-01-01T00:00:00Z")
    numbers = [gh.add_issue(f"filed by an older version\n{fingerprint_marker(fp)}") for fp in prints]
    script = copy_of(drafted, tmp_path)

    first = gh.run(script)
    second = gh.run(script)

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert [len(gh.issues[n - 1]["comments"]) for n in numbers] == [1] * len(prints)
    assert gh.issues[closed - 1]["comments"] == []  # the open issue wins over the closed one
    assert len(gh.issues) == len(prints) + 1
    comment = gh.issues[numbers[0] - 1]["comments"][0]
    assert comment.startswith("<!-- log-gardener:comment -->")
    assert "Later runs comment again only when these facts change." in comment
    assert "update this comment" not in comment


def test_gh_script_reopens_a_regression_once(drafted: Path, tmp_path: Path) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    before = gh.add_issue(fingerprint_marker(prints[0]), state="CLOSED", closed_at="2020-01-01T00:00:00Z")
    after = gh.add_issue(fingerprint_marker(prints[1]), state="CLOSED", closed_at="2099-01-01T00:00:00Z")
    script = copy_of(drafted, tmp_path)

    done = gh.run(script)
    gh.run(script)

    assert done.returncode == 0, done.stderr
    reopened = gh.issues[before - 1]
    assert reopened["state"] == "OPEN"
    [comment] = reopened["comments"]
    assert "**Regression, reopened:**" in comment
    assert gh.issues[after - 1]["state"] == "CLOSED" and not gh.issues[after - 1]["comments"]
    assert f"skipped #{after}: closed 2099-01-01T00:00:00Z, after the last occurrence" in done.stdout
    assert len(gh.issues) == len(prints)  # the two matched, the rest created, nothing twice


def test_gh_script_leaves_an_issue_a_person_closed_as_a_duplicate_closed(
    drafted: Path, tmp_path: Path
) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    old = "2020-01-01T00:00:00Z"  # closed before the problem fired again
    duplicate = gh.add_issue(
        fingerprint_marker(prints[0]), state="CLOSED", closed_at=old, state_reason="DUPLICATE"
    )
    done = gh.add_issue(
        fingerprint_marker(prints[1]), state="CLOSED", closed_at=old, state_reason="COMPLETED"
    )
    script = copy_of(drafted, tmp_path)

    first = gh.run(script)
    gh.run(script)

    assert first.returncode == 0, first.stderr
    assert gh.issues[duplicate - 1]["state"] == "CLOSED" and gh.issues[duplicate - 1]["comments"] == []
    assert f"skipped #{duplicate}: closed as a duplicate" in first.stdout
    assert gh.issues[done - 1]["state"] == "OPEN"  # closed as completed: a regression, reopened
    assert len(gh.issues) == len(prints)  # neither filed again


def test_gh_script_stops_when_it_cannot_read_why_a_firing_issue_was_closed(
    drafted: Path, tmp_path: Path
) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    number = gh.add_issue(fingerprint_marker(prints[0]), state="CLOSED", closed_at="2020-01-01T00:00:00Z")

    done = gh.run(copy_of(drafted, tmp_path), fail=["api repos/o/r/issues/1"])

    assert done.returncode == 1 and f"cannot read issue #{number} of o/r: stopped" in done.stderr
    assert gh.issues[number - 1]["state"] == "CLOSED" and gh.count("issue reopen") == 0


@pytest.mark.parametrize("person_titled", [False, True])
def test_gh_script_swaps_the_priority_label_and_the_priority_of_the_title_it_wrote(
    drafted: Path, tmp_path: Path, person_titled: bool
) -> None:
    gh = FakeGh(tmp_path)
    [first] = drafted.glob(f"01-{fingerprints(drafted)[0]}.md")
    title = first.read_text(encoding="utf-8").splitlines()[0][2:]  # GCP-new | P0 | ModuleNotFoundError…
    filed = (
        "Payments down: SDK missing"
        if person_titled
        else title.replace("| P0 |", "| P2 |").replace("new", "other")
    )
    number = gh.add_issue(
        fingerprint_marker(fingerprints(drafted)[0]), labels=["P2", "team-pay", "log-gardener"], title=filed
    )

    done = gh.run(copy_of(drafted, tmp_path))

    assert done.returncode == 0, done.stderr
    issue = gh.issues[number - 1]
    assert sorted(issue["labels"]) == ["P0", "log-gardener", "team-pay"]
    assert issue["title"] == (filed if person_titled else filed.replace("| P2 |", "| P0 |"))  # category kept
    again = gh.run(copy_of(drafted, tmp_path / "again"))
    assert gh.count("issue edit") == 0 and again.returncode == 0  # in step: nothing more to edit


def followed(drafts: Path) -> list[tuple[str, str]]:
    """The problems below the threshold the script follows: (fingerprint, priority)."""
    script = (drafts / "gh-issues.sh").read_text(encoding="utf-8")
    return [(line.split()[1], line.split()[-1]) for line in script.splitlines() if line.startswith("follow ")]


def test_gh_script_keeps_the_open_issue_of_a_problem_below_the_threshold_up_to_date(
    drafted: Path, tmp_path: Path
) -> None:
    gh = FakeGh(tmp_path)
    (fp, priority), (closed_fp, _) = followed(drafted)[:2]
    assert priority == "P3" and not list(drafted.glob(f"*-{fp}.md"))  # no draft of its own
    number = gh.add_issue(fingerprint_marker(fp), labels=["P2", "log-gardener"])
    closed = gh.add_issue(fingerprint_marker(closed_fp), state="CLOSED", closed_at="2020-01-01T00:00:00Z")

    done = gh.run(copy_of(drafted, tmp_path))

    assert done.returncode == 0, done.stderr
    [comment] = gh.issues[number - 1]["comments"]
    assert "**Still firing (P3):**" in comment
    assert sorted(gh.issues[number - 1]["labels"]) == ["P3", "log-gardener"]
    assert gh.issues[closed - 1]["state"] == "CLOSED" and not gh.issues[closed - 1]["comments"]
    assert gh.count("issue create") == len(fingerprints(drafted))  # nothing filed below the threshold


def test_gh_script_finishes_a_regression_whose_comment_or_reopen_failed(
    drafted: Path, tmp_path: Path
) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    number = gh.add_issue(fingerprint_marker(prints[0]), state="CLOSED", closed_at="2020-01-01T00:00:00Z")
    script = copy_of(drafted, tmp_path)

    assert gh.run(script, fail=["issue comment"]).returncode != 0
    assert gh.issues[number - 1]["state"] == "CLOSED"  # not reopened without a word
    assert gh.run(script, fail=["issue reopen"]).returncode != 0
    done = gh.run(script)

    assert done.returncode == 0, done.stderr
    assert gh.issues[number - 1]["state"] == "OPEN"
    assert (
        len(gh.issues[number - 1]["comments"]) == 1 and f"#{number}: regression already noted" in done.stdout
    )


def test_gh_script_says_a_regression_again_when_a_person_closed_it_again(
    drafted: Path, tmp_path: Path
) -> None:
    gh = FakeGh(tmp_path)
    number = gh.add_issue(
        fingerprint_marker(fingerprints(drafted)[0]), state="CLOSED", closed_at="2020-01-01T00:00:00Z"
    )
    script = copy_of(drafted, tmp_path)
    assert gh.run(script, GH_NOW="2020-01-01T01:00:00Z").returncode == 0  # reopened, said
    state = json.loads(gh.state.read_text(encoding="utf-8"))
    state["issues"][number - 1].update(state="CLOSED", closedAt="2020-01-01T02:00:00Z")  # closed again
    gh.state.write_text(json.dumps(state), encoding="utf-8")

    done = gh.run(script, GH_NOW="2020-01-01T03:00:00Z")

    assert done.returncode == 0, done.stderr
    issue = gh.issues[number - 1]
    assert issue["state"] == "OPEN" and len(issue["comments"]) == 2
    assert all("**Regression, reopened:**" in comment for comment in issue["comments"])


@pytest.mark.parametrize("state", ["OPEN", "CLOSED"])
def test_gh_script_finds_an_issue_a_person_took_its_label_off_before_filing_again(
    drafted: Path, tmp_path: Path, state: str
) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    body = f"{fingerprint_marker(prints[0])}\n- Fingerprint: `{prints[0]}` (exception)"
    number = gh.add_issue(body, state=state, closed_at="2099-01-01T00:00:00Z", labels=["bug"])
    gh.add_issue(f"{prints[1]} quoted by a person, no marker", labels=["bug"])  # found by search, not ours

    done = gh.run(copy_of(drafted, tmp_path))

    assert done.returncode == 0, done.stderr
    assert len(gh.issues) == 2 + len(prints) - 1  # the first problem is not filed again; the second is
    if state == "CLOSED":  # closed after the last occurrence: left alone
        assert gh.issues[number - 1]["state"] == "CLOSED" and gh.issues[number - 1]["comments"] == []


def test_gh_script_files_as_before_when_search_fails(drafted: Path, tmp_path: Path) -> None:
    gh = FakeGh(tmp_path)

    done = gh.run(copy_of(drafted, tmp_path), fail=["issue search"])  # search's own rate limit, say

    assert done.returncode == 0, done.stderr
    assert searches(gh) == len(gh.issues) == len(fingerprints(drafted))


def test_gh_script_lists_past_its_limit_before_creating(drafted: Path, tmp_path: Path) -> None:
    gh = FakeGh(tmp_path)
    prints = fingerprints(drafted)
    oldest = gh.add_issue(fingerprint_marker(prints[0]))  # gh lists the newest first: past the limit
    for index in range(3):
        gh.add_issue(f"issue {index} without a marker")

    done = gh.run(copy_of(drafted, tmp_path), LIMIT="3")

    assert done.returncode == 0, done.stderr
    assert "3 issues labelled log-gardener listed, the limit: listing again with LIMIT=30" in done.stderr
    assert listings(gh) == 2
    assert len(gh.issues) == 4 + len(prints) - 1  # the oldest issue's problem is not filed again
    assert gh.issues[oldest - 1]["comments"]


def test_draft_mode_needs_no_token_and_never_calls_github(tmp_path: Path, config: Path) -> None:
    code, _, _ = scan(tmp_path / "out", config, "--issues", "draft", env={"GITHUB_TOKEN": ""})
    assert code == 0
    script = next((tmp_path / "out").glob("*.issues/gh-issues.sh")).read_text(encoding="utf-8")
    assert 'REPO="${REPO:-}"' in script


def test_related_window_is_configurable(tmp_path: Path) -> None:
    # with a window far below the gap between the crash and the exit, the same instance is no evidence
    path = tmp_path / "tight.toml"
    path.write_text("[issues]\nrelated_window_seconds = 0.0001\n", encoding="utf-8")
    code, _, _ = scan(tmp_path / "out", path, "--issues", "draft", "--report-json", str(tmp_path / "r.json"))
    assert code == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    kinds = {kind for incident in report["incidents"] for link in incident["links"] for kind in link["kinds"]}
    assert kinds == {"revision", "upstream"}


def _publish_in_a_process(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> subprocess.CompletedProcess[str]:
    """A real process: PyGithub's log handler writes to the stderr it found at import, which CliRunner
    does not capture."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "GITHUB_API_URL": server.url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "",
    }
    env.pop("GARDENER_DEBUG", None)
    command = [sys.executable, "-m", "loggardener", "scan", "--demo", "--out", str(tmp_path / "out")]
    command += ["--config", str(config), "--issues", "publish", "--repo", "o/r"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_refused_repository_is_one_line_with_its_exit_code_and_no_library_chatter(
    server: FakeGitHub, tmp_path: Path, config: Path
) -> None:
    server.secondary_rate_limit("GET", r"/repos/o/r/issues", retry_after=0, times=1)
    server.fail(
        "GET", r"/repos/o/r/issues", status=403, body={"message": "Resource not accessible by integration"}
    )

    done = _publish_in_a_process(server, tmp_path, config)

    assert done.returncode == 4
    errors = [line for line in done.stderr.splitlines() if not line.startswith("note:") and line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: the token may not write issues in o/r"), errors
    assert "Issues:" not in done.stdout
    assert next((tmp_path / "out").glob("*.md")).exists()


def test_drafts_that_cannot_all_be_written_leave_the_previous_ones_whole(
    tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk on the third file left two new drafts beside a stale directory: the drafts of a run are
    written whole or not at all, and a new run's replace an earlier run's."""
    from loggardener.publishing import drafts

    scan(tmp_path, config, "--issues", "draft")
    [directory] = tmp_path.glob("*.issues")
    before = {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}
    (directory / "99-stale.md").write_text("a draft of an earlier run", encoding="utf-8")
    written = 0

    def full_disk(path: Path, text: str, what: str, mode: int | None = None) -> None:
        nonlocal written
        written += 1
        if written == 3:
            raise GardenerError(
                f"cannot write {what} {path}: no space left on the device", ExitCode.BAD_INPUT
            )
        atomic_write(path, text, what, mode)

    monkeypatch.setattr(drafts, "atomic_write", full_disk)
    code, _, stderr = scan(tmp_path, config, "--issues", "draft")
    assert code == ExitCode.BAD_INPUT
    assert f"cannot write draft {directory}{os.sep}" in stderr.replace("\n", "")
    after = {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}
    assert after == {**before, Path("99-stale.md"): b"a draft of an earlier run"}
    assert not [
        p for p in tmp_path.iterdir() if p.name.startswith(f".{directory.name}.")
    ]  # nothing half-made

    monkeypatch.undo()
    scan(tmp_path, config, "--issues", "draft")
    assert not (directory / "99-stale.md").exists()


def test_gh_script_says_once_on_its_open_issue_that_a_problem_went_quiet(tmp_path: Path) -> None:
    """Publish mode comments "Quiet for N runs" on the open issue of a problem a run lists as resolved; the
    drafts' script said nothing of it, so a team publishing with `gh` never heard that its problem stopped."""
    from entry_factories import run_entry

    def export(name: str, start: float, messages: list[str]) -> Path:
        entries = [
            run_entry(start + 60 * index + offset, text=message, severity="ERROR")
            for index in range(3)
            for offset, message in enumerate(messages)
        ]
        path = tmp_path / name
        path.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")
        return path

    config = tmp_path / "gardener.toml"
    config.write_text("[state]\nresolved_after_runs = 1\n", encoding="utf-8")
    both = ["payment gateway refused the charge", "disk quota exceeded on volume data"]
    gh = FakeGh(tmp_path / "gh")

    def drafts_of(run: str, path: Path) -> Path:
        result = CliRunner().invoke(
            app,
            [
                *("scan", "--from", str(path), "--out", str(tmp_path / run), "--config", str(config)),
                *("--state", str(tmp_path / "state.json"), "--issues", "draft", "--repo", "o/r"),
            ],
            env={"GITHUB_REPOSITORY": "", "GITHUB_STEP_SUMMARY": ""},
        )
        assert result.exit_code == 0, result.output
        [drafts] = (tmp_path / run).glob("*.issues")
        return drafts / "gh-issues.sh"

    assert gh.run(drafts_of("first", export("first.ndjson", 0, both))).returncode == 0
    assert len(gh.issues) == 2
    quiet_script = drafts_of("second", export("second.ndjson", 3600, both[:1]))

    for _ in range(2):  # a rerun of the script says it no second time
        done = gh.run(quiet_script)
        assert done.returncode == 0, done.stderr

    disk = next(issue for issue in gh.issues if "disk quota" in issue["title"])
    notes = [comment for comment in disk["comments"] if "Quiet for" in comment]
    assert len(notes) == 1 and notes[0].startswith(COMMENT_MARKER)
    assert "**Quiet for 1 run:** `disk quota exceeded on volume data`" in notes[0]
    assert disk["state"] == "OPEN"
    payment = next(issue for issue in gh.issues if "payment gateway" in issue["title"])
    assert not any("Quiet for" in comment for comment in payment.get("comments", []))


@pytest.mark.parametrize(
    "payload",
    [{"text": "   "}, {"text": "\n\n"}, {"json_payload": {"message": " \t"}}],
    ids=["spaces", "breaks", "json"],
)
def test_an_error_logged_with_a_blank_message_gets_its_draft(tmp_path: Path, payload: dict[str, Any]) -> None:
    """An ERROR whose message is only spaces or line breaks (a logger called with a blank string) ended the run
    with an internal error (IndexError) as its draft quoted the sample's first line: no worklog, no drafts."""
    from entry_factories import run_entry

    export = tmp_path / "blank.ndjson"
    entries = [run_entry(60 * index, severity="ERROR", **payload) for index in range(3)]
    export.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")

    result = CliRunner().invoke(
        app,
        ["scan", "--from", str(export), "--out", str(tmp_path / "out"), "--no-state", "--issues", "draft"],
        env={"GITHUB_REPOSITORY": "", "GITHUB_STEP_SUMMARY": ""},
    )

    assert result.exit_code == 0, result.output
    [drafts] = (tmp_path / "out").glob("*.issues")
    [draft] = drafts.glob("01-*.md")
    assert "e.g. ``" not in draft.read_text(encoding="utf-8")


def _publish_over_https_with_ca_bundle(tmp_path: Path, bundle: Path) -> Result:
    """A scan of one error publishing to a GitHub over HTTPS, with REQUESTS_CA_BUNDLE naming `bundle`."""
    export = tmp_path / "export.ndjson"
    export.write_text(
        json.dumps({"timestamp": "2026-11-21T12:00:00Z", "severity": "ERROR", "textPayload": "db down"})
        + "\n",
        encoding="utf-8",
    )
    return CliRunner().invoke(
        app,
        [
            *("scan", "--from", str(export), "--out", str(tmp_path / "out")),
            *("--issues", "publish", "--repo", "o/r"),
        ],
        env={
            "GITHUB_API_URL": "https://127.0.0.1:9",
            "GITHUB_TOKEN": TOKEN,
            "REQUESTS_CA_BUNDLE": str(bundle),
        },
    )


def test_publishing_over_https_with_a_ca_bundle_that_does_not_exist_is_one_line_at_once(
    tmp_path: Path,
) -> None:
    """GitHub (or GitHub Enterprise) over HTTPS while REQUESTS_CA_BUNDLE names no file: every request would fail
    with an OSError PyGithub does not translate; said once, before the scan, naming the variable."""
    missing = tmp_path / "etc" / "corp-ca.pem"
    result = _publish_over_https_with_ca_bundle(tmp_path, missing)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: REQUESTS_CA_BUNDLE names {missing}, which does not exist")
    assert len(result.stderr.strip().splitlines()) == 1 and TOKEN not in result.stderr


def test_publishing_over_https_with_a_ca_bundle_holding_no_certificate_is_one_line_at_once(
    tmp_path: Path,
) -> None:
    """The same for a bundle that exists and holds no certificate (empty, as a CI step that failed to write it
    leaves it): requests' SSLError on every request would say GitHub unreachable, after the scan."""
    empty = tmp_path / "corp-ca.pem"
    empty.write_bytes(b"")
    result = _publish_over_https_with_ca_bundle(tmp_path, empty)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: REQUESTS_CA_BUNDLE names {empty}, which holds no certificate")
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("acme/shop/issues", "give acme/shop, the repository alone"),
        ("acme/shop/pull/3", "give acme/shop, the repository alone"),
        ("https://github.com/acme/shop/issues/12", "give acme/shop, without the URL"),
        ("git@github.com:acme/shop.git", "give acme/shop, without the URL"),
        ("github.com/acme/shop", "give acme/shop, without the URL"),
    ],
)
def test_a_repository_given_as_a_page_or_clone_address_is_named_as_owner_name(
    tmp_path: Path, given: str, hint: str
) -> None:
    """The path of an issues page (`acme/shop/issues`, copied from the browser) is no `name/issues`."""
    result = CliRunner().invoke(
        app,
        ["scan", "--demo", "--out", str(tmp_path), "--issues", "draft", "--repo", given],
        env={"GITHUB_REPOSITORY": ""},
    )
    assert result.exit_code == 2
    assert result.stderr == f"error: --repo must look like owner/name, got {given!r}: {hint}\n"


def test_gh_script_says_nothing_of_an_earlier_windows_entries_on_an_open_issue(tmp_path: Path) -> None:
    """A backfill (or a re-run of an old hour) whose entries of a problem all end before the last occurrence its
    open issue reports: the script neither comments "Still firing" with that window's counts nor relabels (the
    later window before it is commented, as every test of an update shows)."""
    gh = FakeGh(tmp_path / "gh")

    def run(name: str, crash: Cluster) -> subprocess.CompletedProcess[str]:
        composer = Composer(make_report(crash), IssuesConfig(threshold="P3"))
        DraftWriter(tmp_path / name, "o/r").publish(composer, composer.selected())
        return gh.run(tmp_path / name / "gh-issues.sh")

    assert run("first", crash_cluster()).returncode == 0
    assert run("later", crash_cluster(count=120, last_seen=T0 + timedelta(hours=2))).returncode == 0
    assert len(gh.issues[0]["comments"]) == 1

    backfill = crash_cluster(
        count=30, priority="P1", first_seen=T0 - timedelta(hours=3), last_seen=T0 - timedelta(hours=2)
    )
    done = run("backfill", backfill)

    assert done.returncode == 0, done.stderr
    assert "an earlier window's, nothing new" in done.stdout
    assert gh.count("issue comment") == gh.count("issue edit") == 0
    assert len(gh.issues[0]["comments"]) == 1 and gh.issues[0]["labels"][0] == "P0"
