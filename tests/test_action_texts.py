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


def test_the_actions_of_load_balancer_problems_say_what_the_load_balancer_said() -> None:
    refused = exit_cluster(
        kind="request",
        message="throttled_by_security_policy: security policy api-rate-limit (rule rate-100)",
        services={"api-be": 9},
        revisions={},
        http_statuses={"429": 9},
        routes=["/v1/search"],
        count=9,
    )
    assert actions_for(refused)[0] == (
        "Check whether the 9 requests security policy `api-rate-limit` throttled for `api-be` came from your own "
        "clients: if they did, adjust the policy or the rule that matched; a scanner's requests need nothing."
    )
    answered = refused.model_copy(
        update={"message": "load balancer: backend_timeout", "http_statuses": {"504": 9}}
    )
    assert actions_for(answered)[0].startswith(
        "The load balancer answered HTTP 504 itself (`backend_timeout`) for `api-be`: check that its backends"
    )
    unhealthy = exit_cluster(
        message="TCP health check UNHEALTHY (TIMEOUT): Error: connect timed out",
        services={"pool-a": 4},
        revisions={},
    )
    assert actions_for(unhealthy)[0].startswith(
        "Find why the backends of `pool-a` fail their TCP health check (`UNHEALTHY`): check that they listen"
    )
