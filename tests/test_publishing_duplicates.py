"""Issue 5, no duplicates across runs, against what people and GitHub do between runs: a repository renamed,
an issue transferred, retitled or reopened, and two runs filing the same problem at the same time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fakes.github_server import FakeGitHub, Issue
from loggardener.config import IssuesConfig
from loggardener.errors import ExitCode, GardenerError
from loggardener.publishing.content import Composer
from loggardener.publishing.github import GitHubPublisher
from loggardener.publishing.markers import fingerprint_marker
from publishing_support import crash_cluster, exit_cluster, make_report
from test_publishing_github import TOKEN, kinds, publish, publisher

LIST = r"/repos/o/r/issues"


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def publish_to(server: FakeGitHub, repo: str) -> Any:
    composer = Composer(make_report(), IssuesConfig())
    gardener = GitHubPublisher(
        repo, TOKEN, server.url, retries=1, backoff=0, max_rate_limit_wait=5.0,
        seconds_between_requests=None, seconds_between_writes=None,
    )  # fmt: skip
    return gardener.publish(composer, composer.selected())


def test_a_renamed_repository_with_issues_is_said_once_and_nothing_is_filed(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.renamed_from = "old"  # GitHub follows with 301, and lists the issues of o/r under their new name

    with pytest.raises(GardenerError) as raised:
        publish_to(server, "o/old")

    assert raised.value.exit_code == ExitCode.BAD_INPUT
    assert raised.value.message.startswith("GitHub moved o/old (GitHub answered 301")
    assert "give its new name to --repo" in raised.value.message
    assert len(server.issues) == 2


def test_a_renamed_repository_stops_at_the_first_create_its_307_refuses(server: FakeGitHub) -> None:
    server.renamed_from = "old"  # no issue yet: the empty listing cannot tell

    actions = publish_to(server, "o/old")

    assert kinds(actions) == ["failed", "failed"]
    assert actions[0].detail.startswith("GitHub moved o/old (GitHub answered 307: moved to ")
    assert actions[1].detail == "not attempted: " + actions[0].detail
    assert len(server.requests_matching("POST")) == 1 and not server.issues


def test_an_issue_transferred_away_is_not_filed_again(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.transfer(1)  # a person moved the crash's issue to o/elsewhere
    composer = Composer(make_report(), IssuesConfig())

    actions = publisher(server).publish(composer, composer.selected(), {"a1b2c3d4e5f6": 1})

    assert kinds(actions) == ["skipped", "skipped"]
    assert actions[0].number is None  # the state keeps #1, not a number of o/elsewhere
    assert actions[0].url == "https://github.test/o/elsewhere/issues/1"
    assert "#1 was transferred to https://github.test/o/elsewhere/issues/1" in actions[0].detail
    assert list(server.issues) == [2] and not server.requests_matching("POST", LIST)[2:]


def test_an_issue_a_person_retitled_closed_and_reopened_is_still_the_one(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.issues[1].title = "Auth service missing from the backend image"
    server.close(1)
    server.issues[1].state, server.issues[1].closed_at = "open", None  # reopened by a person

    actions = publish(server, make_report(crash_cluster(count=90), exit_cluster()))

    assert kinds(actions) == ["updated", "skipped"] and actions[0].number == 1
    assert actions[0].title == "Auth service missing from the backend image"
    assert server.issues[1].title == "Auth service missing from the backend image"
    assert len(server.issues) == 2


def test_two_runs_filing_one_problem_at_once_keep_the_older_issue(server: FakeGitHub) -> None:
    def other_run_files_it(answer: Any) -> Any:
        # between this run's listing and its create, another run files the crash (the server's lock is held)
        number = server.next_number()
        server.issues[number] = Issue(
            number, "filed by the other run", fingerprint_marker("a1b2c3d4e5f6"), ["log-gardener"]
        )
        return answer

    server.reshape("GET", LIST, other_run_files_it)

    actions = publish(server, make_report())

    assert kinds(actions) == ["skipped", "created"]
    assert actions[0].number == 1 and "#2, made by this run, closed as its duplicate" in actions[0].detail
    duplicate = server.issues[2]
    assert duplicate.state == "closed" and duplicate.state_reason == "not_planned"
    assert (
        duplicate.body.startswith("Duplicate of #1")
        and fingerprint_marker("a1b2c3d4e5f6") not in duplicate.body
    )
    twin_checks = [r for r in server.requests_matching("GET", LIST) if "since" in r.query]
    assert len(twin_checks) == 1  # once a run, of the issues updated since it began

    again = publish(server, make_report())

    # the other run's issue carries no state of this one's: a status comment on it, no new issue
    assert kinds(again) == ["updated", "skipped"] and [a.number for a in again] == [1, 3]
    assert len(server.issues) == 3


def test_two_open_issues_of_one_problem_filed_by_earlier_runs_become_one(server: FakeGitHub) -> None:
    """A create held past GitHub's listing lag and filed again, or two runs in other workflows: the next run
    that lists both keeps the older and closes the newer as its duplicate, its marker disarmed; a closed one
    of the same problem, one a person filed with the body pasted, and another problem's issues stay as they
    are."""
    publish(server, make_report())
    body = server.issues[1].body
    server.add_issue("an old closed copy", body, ["log-gardener"], state="closed")  # #3
    server.add_issue("filed again", body, ["log-gardener"])  # #4, open
    server.add_issue("and once more", body, ["log-gardener"])  # #5, open
    server.add_issue("a person pasted the body", body, ["log-gardener"])  # #6, open, filed by someone else

    def filed_by_a_person(answer: Any) -> Any:
        for item in answer if isinstance(answer, list) else []:
            if item["number"] == 6:
                item["user"] = {**item["user"], "login": "octocat", "id": 8}
        return answer

    server.reshape("GET", LIST, filed_by_a_person, times=10)

    actions = publish(server, make_report())

    assert [a.number for a in actions] == [1, 2]
    assert "#4, a second open issue of this problem, closed as its duplicate" in actions[0].detail
    assert "#5, a second open issue of this problem, closed as its duplicate" in actions[0].detail
    for number in (4, 5):
        twin = server.issues[number]
        assert twin.state == "closed" and twin.state_reason == "not_planned"
        assert twin.body.startswith("Duplicate of #1") and fingerprint_marker("a1b2c3d4e5f6") not in twin.body
    assert (
        server.issues[3].state_reason is None and fingerprint_marker("a1b2c3d4e5f6") in server.issues[3].body
    )
    assert server.issues[1].state == server.issues[2].state == server.issues[6].state == "open"
    assert "#6" not in actions[0].detail  # a person's issue is theirs to close
    assert "duplicate" not in actions[1].detail

    again = publish(server, make_report())

    assert [a.number for a in again] == [1, 2] and "duplicate" not in again[0].detail
    assert not server.requests_matching("PATCH", r"/repos/o/r/issues/[456]")[2:]


def test_log_text_holding_another_problems_marker_does_not_take_its_issue(server: FakeGitHub) -> None:
    """A service that logs GitHub's webhooks (or a forged line) puts the crash's own marker in the exit's
    message: the exit's issue shows it broken, and the crash keeps its own issue, run after run."""
    echoed = f"Container called exit(3). webhook body: {fingerprint_marker('a1b2c3d4e5f6')} ## Impact"
    sample = exit_cluster().samples[0].model_copy(update={"message": echoed})
    echoing = exit_cluster(message=echoed, samples=[sample])

    first = publish(server, make_report(crash_cluster(), echoing))
    again = publish(server, make_report(crash_cluster(count=90), echoing))

    assert kinds(first) == ["created", "created"] and [a.number for a in first] == [1, 2]
    assert fingerprint_marker("a1b2c3d4e5f6") not in server.issues[2].body
    assert "log-gardener\u200b:fingerprint=a1b2c3d4e5f6" in server.issues[2].body
    assert [a.number for a in again] == [1, 2] and server.issues[2].state == "open"
    assert len(server.issues) == 2
