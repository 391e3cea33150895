"""GitHub answers of the wrong shape: each is one line naming the endpoint and the field, nothing published
is lost, and the next run makes no duplicate; a bug of gardener's own is never passed off as one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fakes.github_server import FakeGitHub, Raw
from loggardener.cli import app
from loggardener.config import IssuesConfig
from loggardener.errors import ExitCode
from loggardener.publishing.content import Composer
from loggardener.publishing.markers import fingerprint_marker
from loggardener.report import IssueAction
from publishing_support import make_report
from test_publishing_github import TOKEN, kinds, publish, publisher

LIST = r"/repos/o/r/issues"
ONE = r"/repos/o/r/issues/\d+"
COMMENTS = r"/repos/o/r/issues/\d+/comments"


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def without(key: str, index: int = 0) -> Callable[[Any], Any]:
    """The answer with `key` dropped from its item `index` (or from the object)."""

    def reshape(answer: Any) -> Any:
        item = answer[index] if isinstance(answer, list) else answer
        item.pop(key)
        return answer

    return reshape


def setting(key: str, value: Any, index: int = 0) -> Callable[[Any], Any]:
    def reshape(answer: Any) -> Any:
        item = answer[index] if isinstance(answer, list) else answer
        item[key] = value
        return answer

    return reshape


def seed(server: FakeGitHub) -> None:
    """Issue #1 of a person, and #2 a gardener issue of another problem: the listing has items to read."""
    server.add_issue("a person's", "no marker", ["log-gardener"])
    server.add_issue("another problem", fingerprint_marker("ffffeeee0000"), ["log-gardener"])


def assert_listing_refused(actions: list[IssueAction], server: FakeGitHub, said: str) -> None:
    assert kinds(actions) == ["failed", "failed"]
    line = actions[0].detail
    assert line.startswith("cannot list the issues labelled 'log-gardener' in o/r: ")
    assert "GitHub's answer to GET /repos/o/r/issues is unreadable: " in line
    assert said in line and "nothing published" in line
    assert "\n" not in line
    assert not server.requests_matching("POST") and not server.requests_matching("PATCH")


@pytest.mark.parametrize(
    ("reshape", "said"),
    [
        (without("number", 1), "item 2 has no 'number'"),
        (without("title"), "item 1 has no 'title'"),
        (without("labels"), "item 1 has no 'labels'"),
        (without("body"), "item 1 has no 'body'"),
        (without("html_url"), "item 1 has no 'html_url'"),
        (setting("number", "2", 1), "'number' of item 2 is a string, not an integer"),
        (setting("number", True), "'number' of item 1 is a boolean, not an integer"),
        (setting("number", 0), "'number' of item 1 is 0, not an issue number"),
        (setting("body", 5), "'body' of item 1 is an integer, not a string or null"),
        (setting("labels", "log-gardener"), "'labels' of item 1 is a string, not a list"),
        (setting("labels", [{"id": 1}]), "'labels' of item 1: item 1 has no 'name'"),
        (setting("state", "merged"), "'state' of item 1 is 'merged', not open or closed"),
        (setting("closed_at", "yesterday"), "'closed_at' of item 1 is not a time: 'yesterday'"),
        (setting("url", "https://elsewhere.test/repos/o/r/issues/1"), "'url' of item 1 is not on"),
        (lambda answer: [*answer, None], "item 3 is null, not an object"),
        (lambda answer: [*answer, "issue"], "item 3 is a string, not an object"),
        (lambda answer: {"issues": answer}, "an object where a list belongs"),
        (lambda answer: 7, "an integer where a list belongs"),
        (lambda answer: Raw(b""), "an empty answer where a list belongs"),
        (lambda answer: Raw(b"<html><title>Sign in</title></html>", "text/html"), "not JSON (text/html"),
        (lambda answer: Raw(b'[{"number": 1, "title": "cut'), "cut off or broken JSON"),
    ],
)
def test_a_listing_of_the_wrong_shape_publishes_nothing_and_names_the_field(
    server: FakeGitHub, reshape: Callable[[Any], Any], said: str
) -> None:
    seed(server)
    server.reshape("GET", LIST, reshape, times=10)

    assert_listing_refused(publish(server, make_report()), server, said)


def test_a_null_body_is_an_issue_without_text_not_a_malformed_answer(server: FakeGitHub) -> None:
    seed(server)
    server.reshape("GET", LIST, setting("body", None))

    assert kinds(publish(server, make_report())) == ["created", "created"]


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("garbage", "its Link header is not GitHub's"),
        ('<{url}/repos/o/r/issues?per_page=1&page=1>; rel="next"', "its next page does not follow page 1"),
        ('<https://elsewhere.test/repos/o/r/issues?page=2>; rel="next"', "its next page is not on"),
        ('<{url}/repos/o/r/issues/1/comments?page=2>; rel="next"', "its next page is another endpoint"),
    ],
)
def test_a_pagination_link_that_loops_or_leaves_publishes_nothing(
    server: FakeGitHub, link: str, said: str
) -> None:
    seed(server)
    server.reshape("GET", LIST, times=10, link=link.format(url=server.url))

    assert_listing_refused(publish(server, make_report()), server, said)
    assert len(server.requests_matching("GET", LIST)) == 1  # no loop, no request elsewhere


def test_listing_beyond_a_hundred_issues_reads_every_page(server: FakeGitHub) -> None:
    for index in range(230):
        server.add_issue(f"old {index}", fingerprint_marker(f"old{index}"), ["log-gardener"])
    server.add_issue("ours", fingerprint_marker("0e1f2a3b4c5d"), ["log-gardener"])

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "updated"] and actions[1].number == 231
    listings = [r for r in server.requests_matching("GET", LIST) if "since" not in r.query]
    assert [r.query.get("page", "1") for r in listings] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("reshape", "said"),
    [
        (lambda answer: Raw(b""), "an empty answer where an object belongs"),
        (without("number"), "has no 'number'"),
        (lambda answer: Raw(b"<html>OK</html>", "text/html"), "not JSON (text/html"),
        (lambda answer: [answer], "a list where an object belongs"),
    ],
)
def test_a_create_answered_unreadably_fails_alone_and_the_rerun_files_no_duplicate(
    server: FakeGitHub, reshape: Callable[[Any], Any], said: str
) -> None:
    server.reshape("POST", LIST, reshape)  # GitHub made the issue, the answer is not one

    first = publish(server, make_report())

    # GitHub may have made it: looked for by its marker, found, so recorded as created, never sent again
    assert kinds(first) == ["created", "created"] and first[0].number == 1
    assert "the answer was lost (GitHub's answer to POST /repos/o/r/issues is unreadable: " in first[0].detail
    assert said in first[0].detail
    assert len(server.requests_matching("POST", LIST)) == 2
    second = publish(server, make_report())
    assert kinds(second) == ["skipped", "skipped"] and sorted(a.number or 0 for a in second) == [1, 2]
    assert len(server.issues) == 2


def test_comments_of_the_wrong_shape_fail_that_issue_only(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.add_comment(1, "a person's comment")
    server.reshape("GET", COMMENTS, without("body"))

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "skipped"]
    assert "GitHub's answer to GET /repos/o/r/issues/1/comments is unreadable: item 1 has no 'body'" in (
        actions[0].detail
    )


def test_an_edit_answered_with_a_page_fails_that_issue_and_the_next_run_finishes(server: FakeGitHub) -> None:
    from publishing_support import crash_cluster, exit_cluster

    publish(server, make_report())
    changed = make_report(crash_cluster(count=90, priority="P1"), exit_cluster())
    server.reshape("PATCH", ONE, lambda answer: Raw(b"<html>Bad gateway</html>", "text/html"))

    first = publish(server, changed)

    assert kinds(first) == ["failed", "skipped"]
    assert (
        "GitHub's answer to PATCH /repos/o/r/issues/1 is unreadable: not JSON (text/html" in first[0].detail
    )
    assert kinds(publish(server, changed)) == ["updated", "skipped"]
    assert len(server.issues) == 2 and len(server.comments_on(1)) == 1


@pytest.mark.parametrize(
    "body",
    [b"<html>502 Bad Gateway</html>", b'["Server Error"]', b'{"message": 5}', b'{"message": "Server Err'],
)
def test_an_error_answered_with_a_page_is_its_status(server: FakeGitHub, body: bytes) -> None:
    server.reshape("POST", LIST, lambda answer: Raw(body, "text/html"), times=10, status=502)

    actions = publish(server, make_report())

    # performed, then answered with the page: found by their markers, each filed once
    assert kinds(actions) == ["created", "created"]
    assert "the answer was lost (GitHub answered 502" in actions[0].detail
    assert len(server.issues) == 2


class BrokenComposer(Composer):
    """A composer with a bug: gardener's own TypeError, raised between two calls to GitHub."""

    def issue(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("unsupported operand type(s) for +: 'int' and 'NoneType'")


def test_a_bug_of_gardeners_own_is_raised_not_passed_off_as_githubs_answer(server: FakeGitHub) -> None:
    composer = BrokenComposer(make_report(), IssuesConfig())

    with pytest.raises(TypeError, match="unsupported operand"):
        publisher(server).publish(composer, composer.selected())
    assert not server.requests_matching("POST")


def test_an_unreadable_listing_is_one_line_exit_6_and_the_worklog_is_kept(
    server: FakeGitHub, tmp_path: Path
) -> None:
    config = tmp_path / "gardener.toml"
    config.write_text("[issues]\nseconds_between_writes = 0\n", encoding="utf-8")
    server.reshape(
        "GET", LIST, lambda answer: Raw(b"<html>Sign in to your proxy</html>", "text/html"), times=9
    )
    out = tmp_path / "out"

    result = CliRunner().invoke(
        app,
        [
            "scan",
            "--demo",
            "--out",
            str(out),
            "--config",
            str(config),
            "--issues",
            "publish",
            "--repo",
            "o/r",
        ],
        env={"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": ""},
    )

    assert result.exit_code == ExitCode.PUBLISH_FAILED
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr + result.stdout
    # the listing's failure stopped every problem: its cause said once, in the one error line
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(
        "error: 8 of 8 issues could not be published (7 not attempted): "
    )
    assert lines[0].count("GET /repos/o/r/issues is unreadable: not JSON (text/html") == 1
    assert "cannot list the issues labelled 'log-gardener'" in lines[0] and "not attempted: " not in lines[0]
    worklog = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "GitHub's answer to GET /repos/o/r/issues is unreadable" in worklog
    assert not server.issues


@pytest.mark.parametrize(
    ("url", "on"),
    [
        ("https://ghe.corp/api/v3/repos/o/r/issues/1", True),
        ("http://ghe.corp/api/v3/repos/o/r/issues/1", True),  # the same API, as a proxy in front of it says
        ("https://GHE.corp/api/v3/repos/o/r/issues?page=2", True),
        ("https://ghe.corp/repos/o/r/issues/1", False),  # outside the API's path
        ("https://ghe.corp:8443/api/v3/repos/o/r/issues/1", False),
        ("https://ghe.corp.evil.test/api/v3/repos/o/r/issues/1", False),
        ("https://ghe.corp:x/api/v3/repos/o/r/issues/1", False),
        ("ftp://ghe.corp/api/v3/repos/o/r/issues/1", False),
    ],
)
def test_an_enterprise_api_url_with_a_path_is_told_from_others(url: str, on: bool) -> None:
    from loggardener.publishing.github import GitHubPublisher

    assert GitHubPublisher("o/r", TOKEN, "https://ghe.corp/api/v3").requester._on_api(url) is on
