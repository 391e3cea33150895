"""PyGithub against a local server speaking GitHub's REST wire format: create, update, skip, reopen, fail."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from fakes.github_server import FakeGitHub, Raw
from fakes.tls import serve_tls
from loggardener.config import IssuesConfig
from loggardener.errors import ExitCode, GardenerError
from loggardener.publishing.content import Composer
from loggardener.publishing.github import GitHubPublisher
from loggardener.publishing.interface import NOT_ATTEMPTED
from loggardener.publishing.markers import fingerprint_marker
from loggardener.report import IssueAction, ScanReport
from publishing_support import T0, crash_cluster, exit_cluster, make_report

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqr"


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def publisher(server: FakeGitHub, timeout: float = 5, **options: float) -> GitHubPublisher:
    settings: dict[str, float] = {"retries": 3, "backoff": 0, "max_rate_limit_wait": 5.0}
    settings.update(options)
    return GitHubPublisher(
        "o/r",
        TOKEN,
        server.url,
        seconds_between_requests=None,
        seconds_between_writes=None,
        timeout=timeout,
        **settings,  # type: ignore[arg-type]
    )


def publish(server: FakeGitHub, report: ScanReport, config: IssuesConfig | None = None) -> list[IssueAction]:
    composer = Composer(report, config or IssuesConfig())
    return publisher(server).publish(composer, composer.selected())


def kinds(actions: list[IssueAction]) -> list[str]:
    return [a.action for a in actions]


def test_creates_one_issue_per_cluster_above_threshold_with_marker_and_labels(server: FakeGitHub) -> None:
    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "created"]  # the P3 warning is below the P2 threshold
    assert [a.number for a in actions] == [1, 2]
    crash = server.issues[1]
    assert crash.title.startswith("GCP-new | P0 | ModuleNotFoundError")
    assert crash.labels == ["P0", "bug", "log-gardener"]
    assert fingerprint_marker("a1b2c3d4e5f6") in crash.body
    assert actions[0].url == "https://github.test/o/r/issues/1"
    posts = server.requests_matching("POST", r"/repos/o/r/issues")
    assert len(posts) == 2
    assert all(r.headers["authorization"] == f"token {TOKEN}" for r in server.requests)


def test_related_clusters_link_each_other_after_both_exist(server: FakeGitHub) -> None:
    publish(server, make_report())

    assert (
        "- Causes `Container called exit(<*>).` (`0e1f2a3b4c5d`): #2." in server.issues[1].body
    )  # patched later
    assert "- Caused by `ModuleNotFoundError" in server.issues[2].body
    assert "(`a1b2c3d4e5f6`): #1." in server.issues[2].body
    assert len(server.requests_matching("PATCH", r"/repos/o/r/issues/1")) == 1


def test_rerun_creates_nothing_and_skips_unchanged(server: FakeGitHub) -> None:
    publish(server, make_report())
    before = len(server.requests)

    actions = publish(server, make_report())

    assert kinds(actions) == ["skipped", "skipped"]
    assert "nothing material changed" in actions[0].detail
    second = server.requests[before:]
    assert [(r.method, r.path) for r in second] == [("GET", "/repos/o/r/issues")]  # no comments to read
    assert len(server.issues) == 2
    assert not server.comments


def test_human_comments_are_read_but_never_edited(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.add_comment(1, "I think @someone should look. <!-- log-gardener:comment -->")
    before = len(server.requests)

    actions = publish(server, make_report())

    assert kinds(actions) == ["skipped", "skipped"]
    assert [r.path for r in server.requests[before:]] == ["/repos/o/r/issues", "/repos/o/r/issues/1/comments"]
    grown = crash_cluster(count=90)
    publish(server, make_report(grown, exit_cluster()))
    assert server.comments[1].body.startswith("I think")  # a marker without our fingerprint is not ours
    assert len(server.comments_on(1)) == 2


def test_open_match_gets_one_comment_per_window_saying_what_changed(server: FakeGitHub) -> None:
    publish(server, make_report())
    grown = crash_cluster(
        count=120,
        events=40,
        revisions={"netra-backend-staging-00765-abc": 120},
        last_seen=T0 + timedelta(hours=2),
    )
    actions = publish(server, make_report(grown, exit_cluster()))

    assert kinds(actions) == ["updated", "skipped"]
    [comment] = server.comments_on(1)
    assert comment.body.startswith("<!-- log-gardener:comment -->")
    assert "**Still firing (P0):** 120 entries" in comment.body
    assert "Entries 84 → 120; events 28 → 40." in comment.body
    assert "New revisions: `netra-backend-staging-00765-abc`." in comment.body
    assert actions[0].url and actions[0].url.endswith(f"#issuecomment-{comment.id}")

    # same window, more growth: the same comment is edited, still measured from the issue body
    grown_more = grown.model_copy(update={"count": 150, "events": 50})
    actions = publish(server, make_report(grown_more, exit_cluster()))
    assert kinds(actions) == ["updated", "skipped"]
    assert "edited" in actions[0].detail
    [comment] = server.comments_on(1)
    assert "Entries 84 → 150; events 28 → 50." in comment.body
    assert len(server.requests_matching("PATCH", r"/repos/o/r/issues/comments/\d+")) == 1

    # the next window: a new comment, measured from the last one
    grown_later = grown_more.model_copy(update={"count": 160})
    later = make_report(grown_later, exit_cluster(), generated_at=T0 + timedelta(days=1, hours=1))
    actions = publish(server, later)
    assert "added" in actions[0].detail
    comments = server.comments_on(1)
    assert len(comments) == 2
    assert "Entries 150 → 160" in comments[1].body


def test_priority_change_swaps_the_priority_label_and_keeps_human_labels(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.issues[1].labels.append("team-auth")
    demoted = crash_cluster(priority="P1", reasons=["sustained errors: 84 ERROR entries over 55 minutes"])

    actions = publish(server, make_report(demoted, exit_cluster()))

    assert actions[0].action == "updated"
    assert server.issues[1].labels == ["P1", "bug", "log-gardener", "team-auth"]
    assert "Priority P0 → P1." in server.comments_on(1)[0].body


def test_closed_match_that_fires_again_is_reopened_as_regression(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.close(1, closed_at=T0 + timedelta(minutes=30))  # closed before the last occurrence

    actions = publish(server, make_report())

    assert kinds(actions) == ["reopened", "skipped"]
    issue = server.issues[1]
    assert issue.state == "open"
    assert issue.title.startswith("GCP-regression | P0 | ")
    [comment] = server.comments_on(1)
    assert comment.body.splitlines()[2].startswith("**Regression, reopened:**")
    assert "closed 2025-09-16T18:13:50Z" in comment.body
    # and the run after that does not comment again
    assert kinds(publish(server, make_report())) == ["skipped", "skipped"]


def test_a_regression_whose_comment_or_reopen_failed_is_finished_by_the_next_run(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.close(1, closed_at=T0 + timedelta(minutes=30))
    server.fail("POST", r"/repos/o/r/issues/1/comments", status=502)

    assert kinds(publish(server, make_report())) == ["failed", "skipped"]
    assert server.issues[1].state == "closed" and not server.comments_on(1)  # not reopened without a word

    server.fail("PATCH", r"/repos/o/r/issues/1", status=502, times=10)  # said, then the reopen fails
    assert kinds(publish(server, make_report())) == ["failed", "skipped"]
    assert server.issues[1].state == "closed" and len(server.comments_on(1)) == 1
    server.rules.clear()

    assert kinds(publish(server, make_report())) == ["reopened", "skipped"]
    assert server.issues[1].state == "open" and server.issues[1].title.startswith("GCP-regression")
    assert len(server.comments_on(1)) == 1  # reopened, not said twice


def test_an_issue_closed_again_after_a_regression_gets_a_new_regression_comment(server: FakeGitHub) -> None:
    publish(server, make_report(generated_at=T0 + timedelta(hours=1)))
    server.close(1, closed_at=T0 + timedelta(minutes=30))
    publish(server, make_report(generated_at=T0 + timedelta(hours=2)))  # reopened, said
    server.close(
        1, closed_at=T0 + timedelta(minutes=40)
    )  # a person closes it again; it keeps firing the same

    actions = publish(server, make_report(generated_at=T0 + timedelta(hours=3)))

    assert kinds(actions) == ["reopened", "skipped"] and server.issues[1].state == "open"
    first, second = server.comments_on(1)
    assert "closed 2025-09-16T18:13:50Z" in first.body  # the first close
    assert "**Regression, reopened:**" in second.body and "closed 2025-09-16T18:23:50Z" in second.body
    assert kinds(publish(server, make_report(generated_at=T0 + timedelta(hours=3)))) == ["skipped", "skipped"]


@pytest.mark.parametrize("reopen", [True, False])
def test_a_status_comment_before_a_close_does_not_count_as_the_regression_said(
    server: FakeGitHub, reopen: bool
) -> None:
    publish(server, make_report())
    publish(
        server, make_report(crash_cluster(count=90), exit_cluster())
    )  # a status comment, same facts as below
    server.close(1, closed_at=T0 + timedelta(minutes=30))

    publish(
        server, make_report(crash_cluster(count=90), exit_cluster()), IssuesConfig(reopen_regressions=reopen)
    )

    status, regression = server.comments_on(1)
    assert "**Regression" in regression.body and "Still firing" in status.body


def test_closed_after_the_last_occurrence_is_left_alone(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.close(1, closed_at=T0 + timedelta(hours=3))

    actions = publish(server, make_report())

    assert actions[0].action == "skipped"
    assert "after the last occurrence" in actions[0].detail
    assert server.issues[1].state == "closed"
    assert not server.comments


def test_reopen_can_be_turned_off(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.close(1, closed_at=T0)

    actions = publish(server, make_report(), IssuesConfig(reopen_regressions=False))

    assert actions[0].action == "updated"
    assert server.issues[1].state == "closed"
    assert "Left closed" in server.comments_on(1)[0].body
    # the next run with the same facts does not say it again
    again = publish(server, make_report(), IssuesConfig(reopen_regressions=False))
    assert again[0].action == "skipped" and again[0].detail == "regression already noted; left closed"
    assert len(server.comments_on(1)) == 1


def test_human_issues_and_other_fingerprints_are_not_matched(server: FakeGitHub) -> None:
    server.add_issue("look at a1b2c3d4e5f6", "a1b2c3d4e5f6 mentioned in text", ["log-gardener"])
    server.add_issue("copy without label", fingerprint_marker("a1b2c3d4e5f6"), ["bug"])
    server.add_issue("prefix", fingerprint_marker("a1b2c3d4e5f6ff"), ["log-gardener"])

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "created"]
    assert actions[0].number == 4


def test_listing_is_paginated(server: FakeGitHub) -> None:
    for index in range(150):
        server.add_issue(f"old {index}", fingerprint_marker(f"old{index}"), ["log-gardener"])
    server.add_issue("ours", fingerprint_marker("a1b2c3d4e5f6"), ["log-gardener"])

    actions = publish(server, make_report())

    assert actions[0].action == "updated" and actions[0].number == 151
    listings = [r for r in server.requests_matching("GET", r"/repos/o/r/issues") if "since" not in r.query]
    assert [r.query.get("page", "1") for r in listings] == ["1", "2"]


def test_labels_github_drops_from_a_new_issue_stop_further_creates_and_are_said(server: FakeGitHub) -> None:
    server.push_access = False  # GitHub silently drops a new issue's labels: the listing would miss it

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "failed"]
    assert (
        actions[0].number == 1
        and "labels none; GitHub created #1 without the 'log-gardener'" in actions[0].detail
    )
    assert actions[1].detail.startswith("not attempted: GitHub created #1 without")
    assert "push access to o/r" in actions[1].detail
    assert len(server.issues) == 1


def test_an_issue_whose_label_is_gone_is_found_by_the_number_the_state_recorded(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.issues[1].labels.remove("log-gardener")  # a person took the label off
    composer = Composer(make_report(), IssuesConfig())

    actions = publisher(server).publish(composer, composer.selected(), {"a1b2c3d4e5f6": 1})

    assert kinds(actions) == ["skipped", "skipped"] and actions[0].number == 1
    assert len(server.issues) == 2


def test_an_issue_whose_body_a_person_rewrote_is_found_by_its_number_and_our_comments(
    server: FakeGitHub,
) -> None:
    publish(server, make_report())
    publish(server, make_report(crash_cluster(count=90), exit_cluster()))  # a status comment on #1
    server.issues[1].body = "Rewritten by the on-call: see the runbook."  # every marker gone
    composer = Composer(make_report(crash_cluster(count=95), exit_cluster()), IssuesConfig())

    actions = publisher(server).publish(composer, composer.selected(), {"a1b2c3d4e5f6": 1})

    assert kinds(actions) == ["updated", "skipped"] and actions[0].number == 1
    assert len(server.issues) == 2 and len(server.comments_on(1)) == 1  # edited in place, no new issue


def test_an_issue_whose_body_a_person_rewrote_before_any_comment_is_found_by_its_number_and_label(
    server: FakeGitHub,
) -> None:
    publish(server, make_report())
    server.issues[
        1
    ].body = "Owner: the orders team. Runbook: the wiki's page on pools."  # no marker, no comment
    composer = Composer(make_report(crash_cluster(count=95), exit_cluster()), IssuesConfig())

    actions = publisher(server).publish(composer, composer.selected(), {"a1b2c3d4e5f6": 1})

    assert kinds(actions) == ["updated", "skipped"] and actions[0].number == 1
    assert len(server.issues) == 2  # not filed again
    [comment] = server.comments_on(1)
    assert fingerprint_marker("a1b2c3d4e5f6") in comment.body  # later runs find it by the comment too


@pytest.mark.parametrize("body", ["another team's issue", fingerprint_marker("0e1f2a3b4c5d")])
def test_a_recorded_number_is_trusted_only_while_its_issue_carries_the_marker(
    server: FakeGitHub, body: str
) -> None:
    server.add_issue("someone else's", body, ["bug"])  # a state from another repository, or a reused number
    composer = Composer(make_report(), IssuesConfig())

    known = {"a1b2c3d4e5f6": 1, "0e1f2a3b4c5d": 7}  # 7: deleted
    actions = publisher(server).publish(composer, composer.selected(), known)

    assert kinds(actions) == ["created", "created"] and [a.number for a in actions] == [2, 3]
    assert server.issues[1].body == body and not server.comments


def test_crash_mid_run_then_rerun_makes_no_duplicates(server: FakeGitHub) -> None:
    server.die_after_writes = 1  # the first create succeeds, then the server is gone
    first = publish(server, make_report())
    assert kinds(first) == ["created", "failed"]
    assert "GitHub" in first[1].detail

    server.die_after_writes = None
    second = publish(server, make_report())

    assert kinds(second) == ["skipped", "created"]
    assert len(server.issues) == 2
    assert sorted(i.title.split(" | ")[2][:9] for i in server.issues.values()) == ["Container", "ModuleNot"]


def test_issue_first_created_on_a_rerun_is_new_like_its_siblings(server: FakeGitHub) -> None:
    server.die_after_writes = 1
    publish(server, make_report(crash_cluster(trend="new"), exit_cluster(trend="new")))
    server.die_after_writes = None

    # the crashed run was recorded in the state, so the rerun sees both problems as recurring
    publish(server, make_report(crash_cluster(trend="recurring"), exit_cluster(trend="recurring")))

    assert [i.title.split(" | ")[0] for i in server.issues.values()] == ["GCP-new", "GCP-new"]


def test_create_that_succeeds_but_answers_500_is_not_repeated(server: FakeGitHub) -> None:
    server.fail("POST", r"/repos/o/r/issues", status=500, apply=True)

    first = publish(server, make_report())

    # not sent again: looked for by its marker among the issues updated since the run began, and found
    assert kinds(first) == ["created", "created"]
    assert first[0].number == 1
    assert (
        "the answer was lost (GitHub answered 500: Server Error), the issue found by its marker"
        in first[0].detail
    )
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == 2  # not retried
    assert kinds(publish(server, make_report())) == ["skipped", "skipped"]
    assert len(server.issues) == 2


def hide_issue(server: FakeGitHub, number: int) -> None:
    """Listings leave out issue `number`, as GitHub's do for a while after it files one (replicas lag)."""
    server.reshape(
        "GET",
        r"/repos/o/r/issues",
        lambda answer: [i for i in answer if i["number"] != number] if isinstance(answer, list) else answer,
        times=1000,
    )


def test_a_lost_create_whose_issue_lost_its_labels_is_found_not_filed_twice(server: FakeGitHub) -> None:
    """Without push access GitHub drops a new issue's labels, so the labelled listing never shows it: a create
    whose answer was lost is looked for among all the issues updated since the run began."""
    server.push_access = False
    server.fail("POST", r"/repos/o/r/issues", status=502, apply=True)

    first = publish(server, make_report())

    assert first[0].action == "created" and first[0].number == 1 and first[0].sent_at is None
    assert "found by its marker" in first[0].detail and "without the 'log-gardener' label" in first[0].detail
    assert len(server.issues) == 1


def test_a_lost_create_github_does_not_list_yet_is_held_then_found(server: FakeGitHub) -> None:
    server.fail("POST", r"/repos/o/r/issues", status=502, apply=True)
    hide_issue(server, 1)
    report = make_report()
    composer = Composer(report, IssuesConfig())
    crash = composer.selected()[0].fingerprint

    first = publisher(server).publish(composer, composer.selected())

    assert kinds(first) == ["failed", "created"]
    sent_at = first[0].sent_at
    assert sent_at is not None and "the next run looks for it by its marker" in first[0].detail
    posts = len(server.requests_matching("POST", r"/repos/o/r/issues"))

    # the next run, GitHub still not listing it: not sent again, said why and until when
    second = publisher(server).publish(composer, composer.selected(), {}, {crash: sent_at})
    assert second[0].action == "failed" and second[0].sent_at == sent_at
    assert "GitHub may have filed it at" in second[0].detail and "not filed again before" in second[0].detail
    assert len(server.requests_matching("POST", r"/repos/o/r/issues")) == posts

    # once listed, whatever its labels, it is the problem's issue
    server.rules.clear()
    server.issues[1].labels = []
    third = publisher(server).publish(composer, composer.selected(), {}, {crash: sent_at})
    assert third[0].number == 1 and third[0].action != "failed"
    assert len(server.issues) == 2


def test_lost_creates_while_github_fails_its_listing_too_are_looked_for_once(server: FakeGitHub) -> None:
    """GitHub failing (each create a 502 after filing it, each listing a 500): the run asks for its recent
    issues once, not once per create, and every lost create is remembered for the next run."""
    server.reshape("GET", r"/repos/o/r/issues", times=1)  # the first listing answers
    server.fail("GET", r"/repos/o/r/issues", status=500, times=1000)
    server.fail("POST", r"/repos/o/r/issues", status=502, apply=True, times=2)

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"] and all(a.sent_at is not None for a in actions)
    looks = [r for r in server.requests_matching("GET", r"/repos/o/r/issues") if "since" in r.query]
    assert len(looks) == 4  # one look, retried 3 times
    assert len(server.issues) == 2


def test_a_lost_create_never_listed_is_filed_once_the_listing_lag_has_passed(server: FakeGitHub) -> None:
    """GitHub had not performed it after all: past the lag, the problem gets its issue."""
    report = make_report()
    composer = Composer(report, IssuesConfig())
    crash = composer.selected()[0].fingerprint
    long_ago = T0 - timedelta(hours=1)

    actions = publisher(server).publish(composer, composer.selected(), {}, {crash: long_ago})

    assert kinds(actions) == ["created", "created"]
    assert len(server.issues) == 2


def test_a_500_on_a_read_is_retried(server: FakeGitHub) -> None:
    server.fail("GET", r"/repos/o/r/issues", status=502, times=2)

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "created"]
    listings = [r for r in server.requests_matching("GET", r"/repos/o/r/issues") if "since" not in r.query]
    assert [r.status for r in listings] == [502, 502, 200]


def test_listing_that_keeps_failing_publishes_nothing(server: FakeGitHub) -> None:
    server.fail("GET", r"/repos/o/r/issues", status=500, times=10)

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert actions[0].detail.startswith("cannot list the issues labelled 'log-gardener' in o/r: ")
    assert "nothing published" in actions[0].detail
    assert not server.requests_matching("POST")


def test_an_answer_too_deep_to_decode_publishes_nothing_and_says_so(server: FakeGitHub) -> None:
    """A proxy's answer nested past the JSON decoder's depth was an internal RecursionError."""
    server.reshape("GET", r"/repos/o/r/issues", lambda answer: Raw(b"[" * 100_000 + b"]" * 100_000), times=9)

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert "GET /repos/o/r/issues is unreadable: JSON nested too deeply to be read" in actions[0].detail
    assert not server.requests_matching("POST")


def test_a_listing_answered_with_a_page_not_a_list_publishes_nothing_and_says_so(server: FakeGitHub) -> None:
    """A proxy's or a broken server's 200 where the issues belong was an internal TypeError."""
    server.fail("GET", r"/repos/o/r/issues", status=200, times=10, body={"notice": "sign in to continue"})

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert "GET /repos/o/r/issues is unreadable: an object where a list belongs" in actions[0].detail
    assert "nothing published" in actions[0].detail
    assert not server.requests_matching("POST")


def test_a_created_issue_answered_without_its_fields_fails_that_issue(server: FakeGitHub) -> None:
    server.fail("POST", r"/repos/o/r/issues", status=201, times=10, body={"notice": "accepted"})

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert "POST /repos/o/r/issues is unreadable: the answer has no 'number'" in actions[1].detail


def test_rate_limit_403_waits_for_the_reset_and_retries(server: FakeGitHub) -> None:
    server.rate_limit("POST", r"/repos/o/r/issues", times=1, reset_in=-2)

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "created"]
    statuses = [r.status for r in server.requests_matching("POST", r"/repos/o/r/issues")]
    assert statuses == [403, 201, 201]
    assert len(server.issues) == 2


def test_rate_limit_beyond_the_wait_cap_stops_with_one_line_each(server: FakeGitHub) -> None:
    server.rate_limit("POST", r"/repos/o/r/issues", times=5, reset_in=3600)

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert actions[0].detail.startswith("GitHub rate limit exhausted; it resets at ")
    assert actions[1].detail.startswith("not attempted: GitHub rate limit exhausted")
    assert len(server.requests_matching("POST")) == 1
    assert not server.issues


SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out "
    "to GitHub Support for help, please include the request ID 0000:1111:2222."
)


def test_a_secondary_rate_limit_without_retry_after_is_said_as_such_not_as_the_hours_limit(
    server: FakeGitHub,
) -> None:
    """GitHub's secondary limit names no reset (its X-RateLimit-Reset is the hour's, with requests left) and,
    without Retry-After, asks for at least a minute: past a shorter cap it is given up at once, said as what
    it is, not as 'rate limit exhausted; it resets at' an hour away."""
    server.fail("POST", r"/repos/o/r/issues", status=403, times=5, body={"message": SECONDARY})

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert actions[0].detail == (
        "GitHub's secondary rate limit (too many requests in a short time): it asks to wait at least a minute, "
        "longer than is left of issues.max_rate_limit_wait; rerun later"
    )
    assert actions[1].detail == NOT_ATTEMPTED + actions[0].detail
    assert len(server.requests_matching("POST")) == 1


def test_a_rate_limit_wait_is_said_before_it_starts_a_short_backoff_is_not(
    server: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wait GitHub asks for (up to issues.max_rate_limit_wait, five minutes) is said on stderr before it
    starts, as a source says what it retries: a CI log does not sit silent for a minute."""
    from loggardener.publishing import github as github_module

    monkeypatch.setattr(github_module, "SAID_WAIT_SECONDS", 0.5, raising=False)
    server.secondary_rate_limit("POST", r"/repos/o/r/issues", retry_after=1, times=1)
    server.fail("GET", r"/repos/o/r/issues", status=502, times=1)  # retried at once: its backoff is unsaid
    told: list[str] = []
    composer = Composer(make_report(), IssuesConfig())
    chosen = publisher(server, max_rate_limit_wait=30)
    chosen.on_wait = told.append

    actions = chosen.publish(composer, composer.selected())

    assert kinds(actions) == ["created", "created"]
    assert told == [
        "GitHub's secondary rate limit (too many requests in a short time): waiting 1 s before trying again"
    ]


@pytest.mark.parametrize("retry_after", ["-30", "0.25", "0.0", "NaN"])
def test_a_retry_after_of_another_number_form_is_waited_as_its_seconds(
    server: FakeGitHub, retry_after: str
) -> None:
    """A Retry-After that is a number but no whole seconds (negative, a fraction): urllib3 refused it as an
    invalid header, said as "a request header holds a character HTTP refuses (check GH_TOKEN…)"; it is its
    seconds (at least 0), and the create is tried again."""
    server.fail("POST", r"/repos/o/r/issues", status=403, times=1, body={"message": SECONDARY},
                headers={"Retry-After": retry_after})  # fmt: skip

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "created"]


@pytest.mark.parametrize("retry_after", ["soon", "in a minute", "Thu, 31 Feb"])
def test_a_retry_after_that_names_no_wait_is_the_minute_github_asks_for_not_a_bad_header(
    server: FakeGitHub, retry_after: str
) -> None:
    """A Retry-After of words (a proxy's, a garbled date) names no wait: GitHub's secondary limit asks at least a
    minute then, past the cap here, said as the rate limit it is, never as the token's header."""
    server.fail("POST", r"/repos/o/r/issues", status=429, times=5, body={"message": SECONDARY},
                headers={"Retry-After": retry_after})  # fmt: skip

    actions = publish(server, make_report())

    assert actions[0].detail.startswith("GitHub's secondary rate limit (too many requests in a short time): ")
    assert "longer than is left of issues.max_rate_limit_wait" in actions[0].detail
    assert "header" not in actions[0].detail


def test_a_secondary_rate_limit_past_the_cap_says_the_wait_it_asks_for(server: FakeGitHub) -> None:
    server.secondary_rate_limit("POST", r"/repos/o/r/issues", retry_after=3600, times=5)

    actions = publish(server, make_report())

    assert actions[0].detail == (
        "GitHub's secondary rate limit (too many requests in a short time): it asks to wait 3600 s "
        "(Retry-After), longer than is left of issues.max_rate_limit_wait; rerun later"
    )
    assert len(server.requests_matching("POST")) == 1


@pytest.mark.parametrize(
    ("body", "headers", "said"),
    [
        (b'{"message": "Bad Gateway"}', {}, "GitHub answered 502: Bad Gateway; waiting"),
        (
            gzip.compress(b'{"message": "Bad Gateway"}'),
            {"Content-Encoding": "gzip"},
            "502: Bad Gateway; waiting",
        ),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", {}, "GitHub answered 502; waiting"),
    ],
    ids=["json", "gzip", "a-proxys-page"],
)
def test_a_server_error_whose_retry_would_pass_the_cap_is_said_as_that_not_as_a_rate_limit(
    server: FakeGitHub, body: bytes, headers: dict[str, str], said: str
) -> None:
    """Said with GitHub's own message (decompressed), as any other answer GitHub refuses with is."""
    server.fail("GET", r"/repos/o/r/issues", status=502, times=9, body=cast(Any, Raw(body)), headers=headers)
    composer = Composer(make_report(), IssuesConfig())

    actions = publisher(server, backoff=1, max_rate_limit_wait=0.5).publish(composer, composer.selected())

    assert kinds(actions) == ["failed", "failed"]
    assert f"{said} to try again would pass issues.max_rate_limit_wait" in actions[0].detail
    assert "rate limit" not in actions[0].detail.replace("max_rate_limit_wait", "")


@pytest.mark.parametrize(
    ("headers", "message", "authorize"),
    [
        (
            {"X-GitHub-SSO": "required; url=https://github.com/orgs/o/sso?authorization_request=AbC123"},
            "Resource protected by organization SAML enforcement. You must grant your Personal Access token "
            "access to this organization.",
            "at https://github.com/orgs/o/sso?authorization_request=AbC123",
        ),
        (
            {},
            "Resource protected by organization SAML enforcement. You must grant your Personal Access token "
            "access to this organization.",
            "(Settings, Developer settings, its token, Configure SSO)",
        ),
    ],
    ids=["header", "message-only"],
)
def test_a_token_not_authorized_for_single_sign_on_is_told_to_authorize_it_not_to_get_a_permission(
    server: FakeGitHub, headers: dict[str, str], message: str, authorize: str
) -> None:
    server.fail("GET", r"/repos/o/r/issues", status=403, times=1, body={"message": message}, headers=headers)
    composer = Composer(make_report(), IssuesConfig())

    with pytest.raises(GardenerError) as refused:
        publisher(server).publish(composer, composer.selected())

    assert refused.value.exit_code == ExitCode.CREDENTIALS
    assert refused.value.message == (
        "the token may not write issues in o/r: its organization enforces SAML single sign-on and the token is "
        f"not authorized for it (GitHub answered 403: {message}): authorize the token for the organization "
        f"{authorize}, then rerun; nothing published"
    )
    assert not server.requests_matching("POST")


def test_bad_token_is_one_line_and_never_shown(server: FakeGitHub) -> None:
    composer = Composer(make_report(), IssuesConfig())
    wrong = GitHubPublisher(
        "o/r", "ghp_wrong", server.url, seconds_between_requests=None, seconds_between_writes=None
    )

    with pytest.raises(GardenerError) as rejected:
        wrong.publish(composer, composer.selected())

    assert rejected.value.exit_code == ExitCode.CREDENTIALS
    assert "rejected the token (401 Bad credentials)" in rejected.value.message
    assert "ghp_wrong" not in rejected.value.message
    assert server.requests_matching("POST") == []


@pytest.mark.parametrize(
    ("env", "said"),
    [
        # both set: GH_TOKEN's is used (gh's order), and the line says so
        (
            {"GH_TOKEN": "ghp_" + "x" * 36, "GITHUB_TOKEN": TOKEN},
            "check GH_TOKEN or GITHUB_TOKEN (the token is GH_TOKEN's, which comes before GITHUB_TOKEN's, set too); "
            "nothing published",
        ),
        # one set: nothing in doubt, the line as before
        ({"GH_TOKEN": "ghp_" + "x" * 36}, "check GH_TOKEN or GITHUB_TOKEN; nothing published"),
    ],
)
def test_a_token_rejected_while_both_variables_are_set_says_which_one_was_used(
    server: FakeGitHub, tmp_path: Path, env: dict[str, str], said: str
) -> None:
    from loggardener.publishing.run import choose_publisher

    environ = {"GITHUB_API_URL": server.url, **env}
    publisher = choose_publisher("publish", IssuesConfig(), "o/r", tmp_path / "worklog.md", environ)
    assert publisher is not None
    composer = Composer(make_report(), IssuesConfig())

    with pytest.raises(GardenerError) as rejected:
        publisher.publish(composer, composer.selected())

    assert rejected.value.exit_code == ExitCode.CREDENTIALS
    assert rejected.value.message == f"GitHub rejected the token (401 Bad credentials): {said}"
    assert TOKEN not in rejected.value.message and "x" * 36 not in rejected.value.message


def test_missing_token_and_bad_repo_are_user_errors(server: FakeGitHub) -> None:
    with pytest.raises(GardenerError) as missing:
        GitHubPublisher("o/r", "", server.url)
    assert missing.value.exit_code == ExitCode.CREDENTIALS
    with pytest.raises(GardenerError) as bad:
        GitHubPublisher("o/r; rm -rf /", TOKEN, server.url)
    assert bad.value.exit_code == ExitCode.BAD_INPUT


def test_a_secondary_rate_limit_answered_429_is_waited_out_and_the_create_repeated(
    server: FakeGitHub,
) -> None:
    """A rate-limited create was not performed: repeating it cannot duplicate an issue."""
    server.secondary_rate_limit("POST", r"/repos/o/r/issues", retry_after=0, times=1, status=429)

    actions = publish(server, make_report())

    assert kinds(actions) == ["created", "created"]
    assert [r.status for r in server.requests_matching("POST", r"/repos/o/r/issues")] == [429, 201, 201]


def test_a_validation_error_says_which_field_github_refused(server: FakeGitHub) -> None:
    invalid = {
        "message": "Validation Failed",
        "errors": [{"resource": "Issue", "code": "custom", "field": "title", "message": "title is too long"}],
        "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
    }
    server.fail("POST", r"/repos/o/r/issues", status=422, times=1, body=invalid)

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "created"]
    assert actions[0].detail == "GitHub answered 422: Validation Failed (Issue title: title is too long)"


@pytest.mark.parametrize(
    ("status", "message", "code", "said"),
    [
        (404, "Not Found", ExitCode.BAD_INPUT, "GitHub has no repository o/r this token can see"),
        (403, "Resource not accessible by integration", ExitCode.CREDENTIALS, "permissions: issues: write"),
    ],
)
def test_a_repository_the_token_cannot_use_is_said_once(
    server: FakeGitHub, status: int, message: str, code: ExitCode, said: str
) -> None:
    server.fail("GET", r"/repos/o/r/issues", status=status, times=1, body={"message": message})
    composer = Composer(make_report(), IssuesConfig())

    with pytest.raises(GardenerError) as refused:
        publisher(server).publish(composer, composer.selected())

    assert refused.value.exit_code == code
    assert said in refused.value.message and message in refused.value.message
    assert not server.requests_matching("POST")


def test_a_write_the_token_may_not_make_stops_the_others(server: FakeGitHub) -> None:
    forbidden = {"message": "Resource not accessible by personal access token"}
    server.fail("POST", r"/repos/o/r/issues", status=403, times=5, body=forbidden)

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert "permissions: issues: write" in actions[0].detail
    assert actions[1].detail.startswith("not attempted: the token may not write issues in o/r")
    assert len(server.requests_matching("POST")) == 1


def test_issues_turned_off_in_the_repository_are_said_once(server: FakeGitHub) -> None:
    server.issues_enabled = False
    composer = Composer(make_report(), IssuesConfig())

    with pytest.raises(GardenerError) as refused:
        publisher(server).publish(composer, composer.selected())

    assert refused.value.exit_code == ExitCode.BAD_INPUT
    assert refused.value.message.startswith("issues are turned off in o/r (GitHub answered 410")
    assert "--issues draft" in refused.value.message


def test_an_archived_repository_stops_at_the_first_write_and_says_so(server: FakeGitHub) -> None:
    server.archived = True

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "failed"]
    assert actions[0].detail.startswith("o/r is archived, so GitHub refuses every write to it")
    assert actions[1].detail.startswith("not attempted: o/r is archived")
    assert "permission" not in actions[0].detail
    assert len(server.requests_matching("POST")) == 1


def test_a_locked_issue_fails_alone_and_the_others_are_published(server: FakeGitHub) -> None:
    publish(server, make_report())
    for number in (1, 2):
        server.close(number, closed_at=T0 + timedelta(minutes=30))  # both fire again after this
    server.issues[1].locked = True

    actions = publish(server, make_report())

    assert kinds(actions) == ["failed", "reopened"]
    assert actions[0].detail.startswith("issue #1 is locked (GitHub answered 403: Unable to create comment")
    assert server.comments_on(2) and not server.comments_on(1)


HOSTILE = (
    "Login failed for @octocat (see #12 and GH-7) </details><img src=https://evil.test/p.gif> "
    "```\n## injected heading\n[click](https://evil.test) https://github.com/o/r/issues/1"
)


def test_log_text_cannot_mention_reference_inject_html_or_close_fences(server: FakeGitHub) -> None:
    hostile = crash_cluster(
        title="@octocat #12 <b>bold</b>",
        message=HOSTILE,
        template=HOSTILE,
        stack_pattern="```\nclosing fence attempt\n````",
        reasons=["isolated error: @octocat wrote #3, see https://github.com/o/r/issues/2"],
        actions=["Ping @admin-team about <script>"],
        samples=[],
        related=[],
    )
    publish(server, make_report(hostile))
    [issue] = server.issues.values()
    body, title = issue.body, issue.title

    import re

    assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", _outside_code(body))
    assert not re.search(r"#\d", _outside_code(body))
    assert "<img" not in _outside_code(body) and "<b>" not in _outside_code(body)
    assert "github.com/o/r/issues" not in _outside_code(body)  # no cross-reference to another issue
    assert "@octocat" not in title and "#12" not in title
    # the stack pattern's fence is longer than any backtick run inside it
    assert "`````\n```\nclosing fence attempt\n````\n`````" in body
    assert "\n## injected heading" not in body


def _outside_code(markdown: str) -> str:
    """The markdown with fenced blocks, inline code spans and our own hidden markers removed."""
    import re

    text = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1$", "", markdown)
    text = re.sub(r"(`+).*?\1", "", text)
    return re.sub(r"<!-- log-gardener:[^\n]*-->", "", text)


def test_an_answer_sent_a_byte_at_a_time_ends_the_publish_phase_in_time(server: FakeGitHub) -> None:
    """PyGithub's timeout bounds each wait for a byte: a GitHub (or a proxy) that sends one every 0.3 s held the
    run forever. Each request is bounded in all, so the listing fails, nothing is published, and the run ends."""
    import time

    server.trickle = 0.3
    composer = Composer(make_report(), IssuesConfig())
    started = time.monotonic()
    actions = publisher(server, timeout=1, max_rate_limit_wait=1.0).publish(composer, composer.selected())
    elapsed = time.monotonic() - started

    assert elapsed < 10  # max_rate_limit_wait + 2 x timeout (1 s) = 3 s; trickling it would never end
    assert kinds(actions) == ["failed", "failed"]
    assert (
        "cannot list the issues" in actions[0].detail and "did not complete within 3 s" in actions[0].detail
    )
    assert server.issues == {}


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/repos/o/r/issues", "http://no-such-host.invalid/x"])
def test_a_github_that_cannot_be_reached_is_said_with_the_cause_and_where(url: str) -> None:
    """urllib3's text of a failed connection is the pool, the URL with its query and object addresses, with
    the cause last (cut off at 200 characters): the line says the cause and the host instead."""
    import socket

    import requests

    from loggardener.publishing.github import describe

    with socket.socket() as sock:  # bound, never listening, all along: refused, and no other process's port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with pytest.raises(requests.ConnectionError) as failed:
            requests.get(url.format(port=port), timeout=10)
    said = describe(failed.value)
    host = url.format(port=port).split("/")[2]
    assert said.startswith(f"cannot reach GitHub at http://{host}: ConnectionError: ")
    cause = said.split("ConnectionError: ", 1)[1]  # the system's words: "Connection refused", a failed lookup
    assert 0 < len(cause) < 60 and "(" not in cause, said
    assert "/repos/" not in said and "object at 0x" not in said


def test_a_certificate_not_trusted_is_said_with_the_way_to_trust_it_at_once_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GitHub Enterprise (or a TLS-inspecting proxy) with a certificate authority of its own: one line naming
    the certificate refused and REQUESTS_CA_BUNDLE, without the retries' backoff (it would be refused again);
    with the authority's certificate in REQUESTS_CA_BUNDLE the same publish works."""
    fake = FakeGitHub(token=TOKEN)
    bundle = serve_tls(fake._server, tmp_path)
    with fake:
        url = fake.url.replace("http://", "https://")
        composer = Composer(make_report(), IssuesConfig())
        gardener = GitHubPublisher(
            "o/r", TOKEN, url, retries=4, backoff=30, max_rate_limit_wait=60.0,
            seconds_between_requests=None, seconds_between_writes=None,
        )  # fmt: skip
        started = time.monotonic()
        actions = gardener.publish(composer, composer.selected())
        assert time.monotonic() - started < 15  # one retry would wait 30 s first
        assert [a.action for a in actions] == ["failed", "failed"]
        assert (
            f"cannot reach GitHub at {url}: its TLS certificate is not trusted (self-signed certificate); "
            in (actions[0].detail)
        )
        assert "REQUESTS_CA_BUNDLE" in actions[0].detail and not fake.issues
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        trusted = GitHubPublisher(
            "o/r", TOKEN, url, retries=1, backoff=0, max_rate_limit_wait=5.0,
            seconds_between_requests=None, seconds_between_writes=None,
        )  # fmt: skip
        assert [a.action for a in trusted.publish(composer, composer.selected())] == ["created", "created"]


def test_an_issue_deleted_since_it_was_filed_is_filed_again_and_said(server: FakeGitHub) -> None:
    """A maintainer deleted the issue an earlier run filed (GitHub answers 410 for it, and 404 for one moved
    where the token cannot see it): the problem is filed again, and the new issue's action says why."""
    publish(server, make_report())
    server.issues.pop(1)
    server.fail("GET", r"/repos/o/r/issues/1", 410, times=5, body={"message": "This issue was deleted"})
    server.issues.pop(2)  # the exit loop's: 404 now
    composer = Composer(make_report(), IssuesConfig())

    actions = publisher(server).publish(composer, composer.selected(), {"a1b2c3d4e5f6": 1, "0e1f2a3b4c5d": 2})

    assert kinds(actions) == ["created", "created"] and len(server.issues) == 2
    assert "; #1, which an earlier run filed, is gone (deleted: GitHub answered 410)" in actions[0].detail
    assert (
        "; #2, which an earlier run filed, is gone (deleted, or moved where this token cannot see it: "
        in (actions[1].detail)
    )


def test_a_proxy_that_cannot_be_reached_is_named_not_github(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import requests

    from loggardener.publishing.github import describe

    with socket.socket() as sock:  # bound, never listening, all along: refused, and no other process's port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with pytest.raises(requests.ConnectionError) as failed:
            requests.get("https://ghe.example.com/api/v3/repos/o/r/issues", timeout=10)
    assert describe(failed.value) == (
        f"cannot reach GitHub at https://ghe.example.com through the proxy http://127.0.0.1:{port} (HTTPS_PROXY): "
        "Connection refused; check that proxy, or name the host in NO_PROXY to go around it, then rerun"
    )


class _CaseBlindLabels(FakeGitHub):
    """GitHub compares label names without regard to case: an issue created or edited with `Log-Gardener` or
    `P0` gets the repository's own `log-gardener` or `p0`, answered in that spelling, and a listing filtered by
    either spelling finds it."""

    stored = ("log-gardener", "p0", "p1", "p2", "p3", "Bug")

    def _route(
        self, method: str, path: str, query: dict[str, str], data: Any
    ) -> tuple[int, Any, dict[str, str]]:
        own = {name.casefold(): name for name in self.stored}
        if isinstance(data, dict) and isinstance(data.get("labels"), list):
            data = {**data, "labels": [own.get(str(name).casefold(), name) for name in data["labels"]]}
        if query.get("labels"):
            query = {
                **query,
                "labels": ",".join(own.get(n.casefold(), n) for n in query["labels"].split(",")),
            }
        return super()._route(method, path, query, data)


def test_labels_are_compared_as_github_compares_them_without_regard_to_case() -> None:
    """A generated-by label configured `Log-Gardener` in a repository holding `log-gardener` (and `p0`, `Bug`)
    is no label GitHub dropped: every problem is filed, a rerun files none again and rewrites no label."""
    config = IssuesConfig(generated_by_label="Log-Gardener")
    with _CaseBlindLabels(token=TOKEN) as server:
        first = publish(server, make_report(), config)
        assert kinds(first) == ["created", "created"]
        assert all("without the" not in action.detail for action in first)
        assert server.issues[1].labels == ["p0", "Bug", "log-gardener"]
        writes = len([r for r in server.requests if r.method != "GET"])

        again = publish(server, make_report(), config)

        assert kinds(again) == ["skipped", "skipped"]
        assert len(server.issues) == 2
        assert (
            len([r for r in server.requests if r.method != "GET"]) == writes
        )  # no label swapped back and forth


def test_a_priority_label_of_another_case_is_the_priority_and_a_change_still_swaps_it() -> None:
    with _CaseBlindLabels(token=TOKEN) as server:
        publish(server, make_report())
        demoted = crash_cluster(priority="P1", reasons=["sustained errors: 84 ERROR entries over 55 minutes"])

        actions = publish(server, make_report(demoted, exit_cluster()))

        assert actions[0].action == "updated"
        assert server.issues[1].labels == ["p1", "Bug", "log-gardener"]
