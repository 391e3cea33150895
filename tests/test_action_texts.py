"""The words of the immediate actions and issue bodies say what the facts say: the revision named is the
broken one, the Error Reporting groups are "with this problem" (above in the worklog, below in an issue),
and nothing comes "from 0 instances"."""

from __future__ import annotations

import pytest

from conftest import scan_entries
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


def _audit_entries(code: int | None, method: str, api: str | None, count: int = 5) -> list[dict[str, object]]:
    """Audit log entries of calls `api` refused with gRPC status `code` (none: a call that succeeded)."""
    payload: dict[str, object] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo": {"principalEmail": "exporter@p.iam.gserviceaccount.com"},
        "methodName": method,
        "resourceName": "projects/_/buckets/exports/objects/daily.csv",
    }
    if api is not None:
        payload["serviceName"] = api
    if code is not None:
        payload["status"] = {"code": code, "message": ""}
    return [
        {
            "insertId": f"audit-{n}",
            "timestamp": f"2026-11-21T16:{10 + n:02d}:00Z",
            "severity": "ERROR",
            "resource": {"type": "gcs_bucket", "labels": {"bucket_name": "exports", "project_id": "p"}},
            "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access",
            "protoPayload": payload,
        }
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("code", "status", "method", "api", "advice"),
    [
        (7, "PERMISSION_DENIED", "storage.objects.create", "storage.googleapis.com", "principalEmail"),
        (16, "UNAUTHENTICATED", "storage.objects.get", "storage.googleapis.com", "principalEmail"),
        (8, "RESOURCE_EXHAUSTED", "v1.compute.instances.insert", "compute.googleapis.com", "raise the quota"),
        (9, "FAILED_PRECONDITION", "google.pubsub.v1.Publisher.Publish", "pubsub.googleapis.com", "says why"),
    ],
)
def test_an_audited_refusal_is_a_call_to_repeat_not_a_service_to_run(
    code: int, status: str, method: str, api: str, advice: str
) -> None:
    report = scan_entries(_audit_entries(code, method, api))
    [cluster] = report.clusters
    assert cluster.kind == "audit" and cluster.services == {api: 5}

    [action] = actions_for(cluster)
    assert action.startswith(f"`{api}` refused `{method}` 5 times (`{status}`): ")
    assert advice in action
    body = Composer(report, IssuesConfig(threshold="P3")).issue(cluster, {}).body
    expected = body.split("## Expected Behavior\n\n", 1)[1].split("\n", 1)[0]
    assert (
        expected
        == f"- Calls of `{method}` to `{api}` succeed, or are no longer made (5 calls refused with `{status}`)."
    )
    steps = body.split("## Reproduction Steps\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert steps[0].startswith(f"1. Call `{method}` on `{api}` as the caller named in ")
    assert steps[1].startswith("2. Expect ")  # the trigger is the call: no "logs do not record" step
    assert f"Run `{api}`" not in body and "runs without logging" not in body


def test_an_audited_call_refused_once_is_said_once() -> None:
    [cluster] = scan_entries(_audit_entries(7, "storage.objects.list", "storage.googleapis.com", 1)).clusters
    assert actions_for(cluster)[0].startswith(
        "`storage.googleapis.com` refused `storage.objects.list` once (`PERMISSION_DENIED`)"
    )


def test_an_audited_refusal_whose_api_is_not_named_says_the_api() -> None:
    [cluster] = scan_entries(_audit_entries(7, "cloudsql.v1.SqlInstancesService.Update", None)).clusters
    assert actions_for(cluster)[0].startswith(
        "The API refused `cloudsql.v1.SqlInstancesService.Update` 5 times (`PERMISSION_DENIED`): "
    )


def test_problems_that_are_not_refused_calls_keep_their_steps() -> None:
    # an audit entry with no status (nothing was refused) and a service's own message: run the service
    [audited] = scan_entries(_audit_entries(None, "storage.objects.get", "storage.googleapis.com")).clusters
    assert audited.audit_call() is None
    message = exit_cluster(services={"orders-api": 3}, revisions={"orders-api-00042-xiv": 3})
    assert message.audit_call() is None
    assert str(reproduction_steps(message)[0]) == "Run revision `orders-api-00042-xiv` of `orders-api`."


def test_an_audited_refusal_quotes_what_the_api_said_and_names_an_api_not_listed_as_the_service() -> None:
    entries = _audit_entries(3, "google.appengine.v1.Versions.UpdateVersion", "appengine.googleapis.com")
    for entry in entries:  # an App Engine service's own audit entries: listed under its service, `default`
        entry["resource"] = {"type": "gae_app", "labels": {"module_id": "default", "project_id": "p"}}
    payload = entries[0]["protoPayload"]
    payload["status"] = {
        "code": 3,
        "message": "serving status cannot be changed for Automatic Scaling versions",
    }  # type: ignore[index]
    [cluster] = scan_entries(entries).clusters
    call = cluster.audit_call()
    assert call is not None
    assert (call.method, call.api) == (
        "google.appengine.v1.Versions.UpdateVersion",
        "appengine.googleapis.com",
    )
    assert actions_for(cluster)[0] == (
        "`appengine.googleapis.com` refused `google.appengine.v1.Versions.UpdateVersion` 5 times "
        "(`INVALID_ARGUMENT`): one said `serving status cannot be changed for Automatic Scaling versions`; "
        "fix the request or what it needs."
    )
