"""Issue 5 and 6, an issue's life across runs: its title follows the priority and a regression while it is
the title log gardener wrote; a close as a duplicate is a person's word that the problem is tracked
elsewhere; a problem back after going quiet is said to be back, not still firing; an open issue whose
problem fell below the threshold is still kept up to date; the open issue of a problem that went quiet is told
so, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from fakes.github_server import FakeGitHub
from loggardener.clustering.models import Cluster
from loggardener.config import IssuesConfig
from loggardener.publishing.run import process_issues
from loggardener.report import IssueAction, ResolvedCluster, ScanReport
from publishing_support import T0, crash_cluster, exit_cluster, make_report, warning_cluster
from test_publishing_github import TOKEN, kinds, publish, publisher

SUSTAINED = ["sustained errors: 84 ERROR entries over 55 minutes"]


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


def visible(body: str) -> str:
    """The first line a reader sees: the hidden markers come first."""
    return next(line for line in body.splitlines() if line.strip() and not line.startswith("<!--"))


@pytest.mark.parametrize(("first", "then"), [("P0", "P1"), ("P2", "P1"), ("P1", "P3")])
def test_the_title_log_gardener_wrote_follows_a_priority_change(
    server: FakeGitHub, first: str, then: str
) -> None:
    publish(server, make_report(crash_cluster(priority=first, effects=[], related=[])))
    assert server.issues[1].title.startswith(f"GCP-new | {first} | ")

    changed = crash_cluster(priority=then, reasons=SUSTAINED, effects=[], related=[], count=90)
    config = IssuesConfig(threshold="P3")  # a drop below the default threshold is still published here
    actions = publish(server, make_report(changed), config)

    assert kinds(actions) == ["updated"]
    assert server.issues[1].title.startswith(f"GCP-new | {then} | ")  # the category it was filed with
    assert actions[0].title == server.issues[1].title
    assert server.issues[1].labels[0] == then
    assert f"Priority {first} → {then}." in server.comments_on(1)[0].body
    # the next run with the same facts writes nothing: the title is not rewritten again
    writes = len([r for r in server.requests if r.method != "GET"])
    assert kinds(publish(server, make_report(changed), config)) == ["skipped"]
    assert len([r for r in server.requests if r.method != "GET"]) == writes


def test_a_title_a_person_wrote_is_kept_when_the_priority_changes(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.issues[1].title = "Auth service missing from the backend image"

    publish(server, make_report(crash_cluster(priority="P1", reasons=SUSTAINED), exit_cluster()))

    assert server.issues[1].title == "Auth service missing from the backend image"
    assert server.issues[1].labels[0] == "P1"


def test_a_same_priority_update_leaves_the_title_alone(server: FakeGitHub) -> None:
    publish(server, make_report())
    title = server.issues[1].title
    patched = len(server.requests_matching("PATCH", r"/repos/o/r/issues/1"))
    renamed = crash_cluster(
        count=120, title="ModuleNotFoundError: No module named 'auth_service' in models.py"
    )

    actions = publish(server, make_report(renamed, exit_cluster()))

    assert actions[0].action == "updated"
    assert server.issues[1].title == title  # a new wording alone is no reason to rename
    assert len(server.requests_matching("PATCH", r"/repos/o/r/issues/1")) == patched


def test_a_reopened_regression_keeps_its_category_when_its_priority_changes_later(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.close(1, closed_at=T0 + timedelta(minutes=30))
    publish(server, make_report())
    assert server.issues[1].title.startswith("GCP-regression | P0 | ")

    later = crash_cluster(priority="P1", reasons=SUSTAINED, trend="recurring", count=90)
    publish(server, make_report(later, exit_cluster()))

    assert server.issues[1].title.startswith("GCP-regression | P1 | ")
    assert server.issues[1].state == "open"


def test_a_problem_back_after_going_quiet_says_so_and_its_title_says_regression(server: FakeGitHub) -> None:
    publish(server, make_report())
    back = crash_cluster(trend="regressed", count=12, events=4, last_seen=T0 + timedelta(hours=5))

    actions = publish(server, make_report(back, exit_cluster()))

    assert actions[0].action == "updated"
    [comment] = server.comments_on(1)
    assert visible(comment.body).startswith("**Back after going quiet (P0):** 12 entries")
    assert server.issues[1].title.startswith("GCP-regression | P0 | ")


def test_a_problem_still_firing_is_said_to_be_still_firing(server: FakeGitHub) -> None:
    publish(server, make_report())
    recurring = crash_cluster(trend="recurring", count=120)

    publish(server, make_report(recurring, exit_cluster()))

    assert visible(server.comments_on(1)[0].body).startswith("**Still firing (P0):** 120 entries")
    assert server.issues[1].title.startswith("GCP-new | P0 | ")


def test_a_problem_back_on_an_issue_a_person_retitled_keeps_their_title(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.issues[1].title = "Auth service missing from the backend image"

    publish(server, make_report(crash_cluster(trend="regressed", count=12), exit_cluster()))

    assert server.issues[1].title == "Auth service missing from the backend image"


def test_an_issue_a_person_closed_as_a_duplicate_is_not_reopened(server: FakeGitHub) -> None:
    publish(server, make_report())
    server.close(1, closed_at=T0 + timedelta(minutes=30), reason="duplicate")

    actions = publish(server, make_report())

    assert kinds(actions) == ["skipped", "skipped"]
    assert "closed as a duplicate" in actions[0].detail
    assert server.issues[1].state == "closed"
    assert not server.comments_on(1)
    assert len(server.issues) == 2  # and not filed again


@pytest.mark.parametrize("reason", ["completed", "not_planned"])
def test_an_issue_closed_as_done_or_not_planned_that_fires_again_is_reopened(
    server: FakeGitHub, reason: str
) -> None:
    publish(server, make_report())  # `not_planned` is how stale bots close: the error still fires
    server.close(1, closed_at=T0 + timedelta(minutes=30), reason=reason)

    actions = publish(server, make_report())

    assert kinds(actions) == ["reopened", "skipped"]
    assert server.issues[1].state == "open"


def publish_all(server: FakeGitHub, report: ScanReport) -> list[IssueAction]:
    """As a scan does: the problems at the threshold, and those below it whose issues are open."""
    return process_issues(report, IssuesConfig(), publisher(server)).issue_actions


def test_an_open_issue_whose_problem_fell_below_the_threshold_is_still_updated(server: FakeGitHub) -> None:
    publish_all(server, make_report())
    assert len(server.issues) == 2  # the P3 warning has none
    fell = crash_cluster(priority="P3", reasons=["low-impact: 3 entries"], count=3, events=1)

    actions = publish_all(server, make_report(fell, exit_cluster(), warning_cluster()))

    assert [(a.fingerprint, a.action) for a in actions] == [
        ("0e1f2a3b4c5d", "skipped"),  # at the threshold: as before
        ("a1b2c3d4e5f6", "updated"),  # below it, with an open issue: followed
    ]
    crash = server.issues[1]
    assert crash.labels[0] == "P3" and crash.title.startswith("GCP-new | P3 | ")
    assert "Priority P0 → P3." in server.comments_on(1)[0].body
    assert len(server.issues) == 2  # nothing filed for the warning


def test_a_closed_issue_below_the_threshold_is_not_reopened_nor_filed_again(server: FakeGitHub) -> None:
    publish_all(server, make_report())
    server.close(1, closed_at=T0 + timedelta(minutes=30))
    fell = crash_cluster(priority="P3", reasons=["low-impact: 3 entries"], count=3, events=1)

    actions = publish_all(server, make_report(fell, exit_cluster()))

    assert [a.fingerprint for a in actions] == ["0e1f2a3b4c5d"]
    assert server.issues[1].state == "closed" and not server.comments_on(1)
    assert len(server.issues) == 2


def quiet_report(fingerprint: str, number: int | None, *clusters: Cluster) -> ScanReport:
    """A later run that lists `fingerprint` as resolved (quiet for 3 runs), its issue `number` from the state."""
    report = make_report(*clusters, generated_at=T0 + timedelta(hours=4))
    report.resolved = [
        ResolvedCluster(
            fingerprint=fingerprint,
            title="ModuleNotFoundError: No module named 'payments_sdk'",
            last_seen=T0,
            quiet_runs=3,
            issue_number=number,
        )
    ]
    return report


def test_the_open_issue_of_a_problem_that_went_quiet_is_told_once_and_left_open(server: FakeGitHub) -> None:
    publish_all(server, make_report())
    quiet = quiet_report("a1b2c3d4e5f6", 1, exit_cluster())

    actions = publish_all(server, quiet)
    publish_all(server, quiet)  # the same run again (a rerun after a crash): not said twice

    [note] = server.comments_on(1)
    assert visible(note.body).startswith(
        "**Quiet for 3 runs:** `ModuleNotFoundError: No module named 'payments_sdk'`"
    )
    assert "Next action: close this issue once the fix is confirmed" in note.body
    assert server.issues[1].state == "open"
    assert [(a.fingerprint, a.action, a.number) for a in actions][-1] == ("a1b2c3d4e5f6", "updated", 1)


def test_a_problem_back_after_its_quiet_note_gets_a_new_comment_below_it(server: FakeGitHub) -> None:
    publish_all(server, make_report())
    publish_all(
        server, make_report(crash_cluster(count=90), exit_cluster())
    )  # a status comment in the window
    publish_all(server, quiet_report("a1b2c3d4e5f6", 1, exit_cluster()))

    publish_all(server, make_report(crash_cluster(count=95, trend="regressed"), exit_cluster()))

    status, note, back = server.comments_on(1)
    assert visible(note.body).startswith("**Quiet for 3 runs:**")
    assert visible(back.body).startswith("**Back after going quiet (P0):**")
    assert "Still firing" in visible(status.body)  # the earlier status comment, not edited over


@pytest.mark.parametrize("closed", [True, False])
def test_a_quiet_problem_whose_issue_is_closed_or_unknown_gets_no_note(
    server: FakeGitHub, closed: bool
) -> None:
    publish_all(server, make_report())
    if closed:
        server.close(1, closed_at=T0 + timedelta(minutes=30))

    publish_all(server, quiet_report("a1b2c3d4e5f6" if closed else "ffffffffffff", None, exit_cluster()))

    assert not server.comments_on(1) and len(server.issues) == 2


LATER = crash_cluster(count=120, events=40, last_seen=T0 + timedelta(hours=2))
"""The crash still firing in a later hour: its issue has a comment saying so."""


@pytest.mark.parametrize(
    "earlier",
    [
        # a backfill of an hour before the issue was filed: other counts, an earlier priority
        crash_cluster(
            count=30,
            events=10,
            priority="P1",
            first_seen=T0 - timedelta(hours=3),
            last_seen=T0 - timedelta(hours=2),
        ),
        # the hour the issue was filed in, scanned again after the later hour
        crash_cluster(),
    ],
    ids=["backfill-of-an-earlier-hour", "rerun-of-the-filing-hour"],
)
def test_a_run_of_an_earlier_window_says_nothing_on_the_open_issue(
    server: FakeGitHub, earlier: Cluster
) -> None:
    """Its entries all end before the last occurrence the issue reports: no "Still firing" with that window's
    counts, no edit of this window's comment, no relabel."""
    publish(server, make_report())
    assert kinds(publish(server, make_report(LATER, exit_cluster()))) == ["updated", "skipped"]
    said = [c.body for c in server.comments_on(1)]
    writes = len([r for r in server.requests if r.method != "GET"])

    actions = publish(server, make_report(earlier, exit_cluster()), IssuesConfig(threshold="P3"))

    assert actions[0].action == "skipped"
    assert "an earlier window's, nothing new" in actions[0].detail
    assert [c.body for c in server.comments_on(1)] == said
    assert len([r for r in server.requests if r.method != "GET"]) == writes
    assert server.issues[1].labels[0] == "P0"


def test_late_entries_of_the_last_hour_reported_still_update_the_issue(server: FakeGitHub) -> None:
    """Look-alike: the same last occurrence with more entries (late arrivals of the same hour) is news."""
    publish(server, make_report())

    actions = publish(server, make_report(crash_cluster(count=96, events=32), exit_cluster()))

    assert actions[0].action == "updated"
    assert "Entries 84 → 96" in server.comments_on(1)[0].body
