"""The words of the immediate actions and issue bodies say what the facts say: the revision named is the
broken one, the Error Reporting groups are "with this problem" (above in the worklog, below in an issue),
and nothing comes "from 0 instances"."""

from __future__ import annotations

from loggardener.config import IssuesConfig
from loggardener.prioritizing.actions import actions_for
from loggardener.publishing.content import Composer, reproduction_steps
from publishing_support import crash_cluster, exit_cluster, make_report


def test_the_not_ready_action_names_the_broken_revision_as_broken() -> None:
    cluster = exit_cluster(
        message="Ready condition status changed to False for Revision orders-api-00042-xiv",
        services={"orders-api": 3},
        revisions={"orders-api-00042-xiv": 3},
    )
    [first, *_] = actions_for(cluster)
    assert first.startswith("Send the traffic of `orders-api` back to its last ready revision")
    assert "(not ready: revision `orders-api-00042-xiv`)" in first
    assert "last ready revision of `orders-api` (revision" not in first


def test_error_reporting_groups_are_not_said_to_be_above() -> None:
    actions = actions_for(crash_cluster())
    assert actions[-1] == "Follow the Error Reporting groups listed with this problem for full occurrences."
    assert all("linked above" not in action for action in actions)


def test_nothing_comes_from_0_instances() -> None:
    for cluster in (crash_cluster(instances=0), exit_cluster(instances=0)):
        texts = [*actions_for(cluster), *reproduction_steps(cluster)]
        composer = Composer(make_report(cluster), IssuesConfig())
        texts.append(composer.issue(cluster, {}).body)
        assert all("0 instance" not in text for text in texts), texts
