from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from linear import assert_linear
from loggardener.clustering.models import AffectedFile, Cluster, Sample
from loggardener.config import GardenerConfig, PriorityRule, default_rules
from loggardener.entries.payloads import MAX_MESSAGE
from loggardener.prioritizing import Prioritizer
from loggardener.prioritizing.impact import ScanContext

START = datetime(2026, 11, 21, 16, 0, tzinfo=timezone.utc)
prioritizer = Prioritizer(GardenerConfig().priorities.rule_tiers())


def cluster(**changes: Any) -> Cluster:
    fields: dict[str, Any] = {
        "fingerprint": "f" * 12,
        "kind": "message",
        "signature": "message | x",
        "title": "Something happened",
        "template": "Something happened",
        "message": "Something happened",
        "count": 1,
        "events": 1,
        "share": 0.01,
        "severities": {"WARNING": 1},
        "max_severity": "WARNING",
        "services": {"api": 1},
        "revisions": {},
        "instances": 1,
        "first_seen": START,
        "last_seen": START + timedelta(minutes=14),
        "error_group_ids": [],
        "affected_files": [],
        "samples": [Sample(insert_id="a", timestamp=START, severity="WARNING", message="Something happened")],
        "buckets": {"2026-11-21T16:00:00Z": 1},
    }
    fields.update(changes)
    return Cluster(**fields)


@pytest.mark.parametrize(
    ("changes", "priority", "reason"),
    [
        (
            {
                "kind": "exception",
                "exception_type": "ModuleNotFoundError",
                "max_severity": "ERROR",
                "count": 284,
                "events": 12,
                "message": "No module named 'x'",
                "affected_files": [AffectedFile(file="/app/main.py", line=3, function="<module>", count=284)],
            },
            "P0",
            "startup crash: ModuleNotFoundError at import time; 12 events, 284 entries",
        ),
        (
            {"message": "Container called exit(3).", "count": 5, "events": 5},
            "P0",
            "container exit loop: 5 container exits between 16:00:00Z and 16:14:00Z",
        ),
        (
            {
                "kind": "audit",
                "message": "Ready condition status changed to False for Revision api-1",
                "max_severity": "ERROR",
            },
            "P0",
            "revision not ready: the service cannot serve (1 entry)",
        ),
        (
            {"max_severity": "INFO", "severities": {"INFO": 1}},
            "P3",
            "mislabelled: the text declares INFO; Cloud Logging's higher severity is only the stream's default "
            "(1 entry)",
        ),
        (
            {
                "max_severity": "INFO",
                "severities": {"INFO": 2},
                "count": 2,
                "events": 2,
                "inferred_severity": {"no-error-evidence": 2},
            },
            "P3",
            "mislabelled: the text shows no sign of a failure (read as INFO); Cloud Logging's higher severity is "
            "only the stream's default (2 entries)",
        ),
        (
            {
                "max_severity": "INFO",
                "severities": {"INFO": 2},
                "count": 2,
                "events": 2,
                "inferred_severity": {"level-word": 1, "access-log-status": 1},
            },
            "P3",
            "mislabelled: the text declares a lower level or is an access line of a status below 400 (read as INFO); "
            "Cloud Logging's higher severity is only the stream's default (2 entries)",
        ),
        (
            {"max_severity": "ERROR", "logs": {"gce_instance GCEGuestAgent": 1}},
            "P3",
            "VM agent or system event log (gce_instance GCEGuestAgent): the agent retries or the service "
            "restarts itself, no workload failure shown (1 event)",
        ),
        (
            {
                "kind": "audit",
                "signature": "audit | NOT_FOUND iam.GetRole iam.googleapis.com | x",
                "max_severity": "ERROR",
            },
            "P3",
            "NOT_FOUND: the API refused the call (something that does not exist, a bad argument or an unmet "
            "precondition); nothing changed (1 event)",
        ),
        (
            {
                "kind": "audit",
                "signature": "audit | INVALID_ARGUMENT v1.batch.jobs.create batch.googleapis.com | x",
                "message": "INVALID_ARGUMENT on v1.batch.jobs.create (batch.googleapis.com): Quota 'C2_CPUS' "
                "exceeded. Limit: 48.0 in region europe-west3.",
                "max_severity": "ERROR",
            },
            "P2",
            "INVALID_ARGUMENT for want of quota: the call asked for more than the project may use (1 event); "
            "nothing was created until the quota is raised or usage freed",
        ),
        (
            {
                "kind": "audit",
                "signature": "audit | PERMISSION_DENIED storage.objects.list storage.googleapis.com | x",
                "max_severity": "ERROR",
                "principal_kinds": {"anonymous": 1},
            },
            "P3",
            "PERMISSION_DENIED for an outside caller, a person or a Google service agent: access control working "
            "as designed (1 event)",
        ),
        (
            {
                "kind": "audit",
                "signature": "audit | PERMISSION_DENIED storage.objects.list storage.googleapis.com | x",
                "max_severity": "ERROR",
                "principal_kinds": {"service-account": 1},
            },
            "P2",
            "PERMISSION_DENIED: one of your service accounts was denied (1 event); fix the binding",
        ),
        (
            {
                "kind": "request",
                "http_statuses": {"500": 1},
                "routes": ["/_ah/stop"],
                "max_severity": "ERROR",
            },
            "P3",
            "HTTP 500 on the platform's shutdown hook (/_ah/stop): no user request failed",
        ),
        (
            {
                "kind": "exception",
                "max_severity": "ERROR",
                "stack_pattern": 'Traceback (most recent call last):\n  File "/lib/f.py", line 7, in __del__\n'
                "ValueError: closed",
            },
            "P3",
            "exception in a destructor, ignored by the interpreter (1 event)",
        ),
        (
            {"message": "Example error message", "max_severity": "ERROR"},
            "P3",
            "a deliberate example or test error, by its text (1 event)",
        ),
        (
            {"message": "Socket exception: Connection reset by peer (104)", "max_severity": "ERROR"},
            "P3",
            "a transient network error (1 event): a connection reset or timed out, which a retry or the next run "
            "usually gets past; watch for recurrence",
        ),
        (
            {"message": "WORKER TIMEOUT (pid:9)", "max_severity": "CRITICAL", "count": 3, "events": 3},
            "P1",
            "workers killed by the platform or their server (timeouts, memory limit): 3 events; the requests "
            "they served failed",
        ),
        ({"max_severity": "CRITICAL", "count": 2, "events": 2}, "P0", "severity CRITICAL: 2 entries"),
        (
            {"max_severity": "CRITICAL", "count": 647, "severities": {"CRITICAL": 3, "ERROR": 644}},
            "P0",
            "severity CRITICAL: 3 of 647 entries",
        ),
        (
            {"max_severity": "ERROR", "event_share": 0.6, "count": 60, "events": 60},
            "P0",
            "dominant error: 60% of all events scanned are this problem",
        ),
        (
            {
                "kind": "request",
                "http_statuses": {"500": 1},
                "routes": ["/_ah/push-handlers/pubsub/projects/{id}/topics/{id}"],
                "max_severity": "ERROR",
            },
            "P2",
            "HTTP 500 on a push handler (1 event): Pub/Sub or Cloud Tasks retries the delivery",
        ),
        (
            {"kind": "request", "http_statuses": {"503": 40}, "max_severity": "ERROR", "count": 40},
            "P1",
            "HTTP 503 responses: 40 requests failed between 16:00:00Z and 16:14:00Z",
        ),
        (
            {
                "message": "Cloud Scheduler job nightly attempt finished: INTERNAL calling https://x/run",
                "max_severity": "ERROR",
            },
            "P1",
            "a scheduled job fails: 1 event between 16:00:00Z and 16:14:00Z",
        ),
        (
            {"message": "0/3 nodes are available: 3 Insufficient cpu.", "count": 5, "events": 5},
            "P1",
            "pods cannot start (scheduling, image pull, volumes or configuration): 5 events between 16:00:00Z "
            "and 16:14:00Z; the workload runs short of replicas",
        ),
        (
            {"message": 'Failed to pull image "gcr.io/p/api:v2": rpc error: code = NotFound', "count": 1},
            "P2",
            "a pod could not start (scheduling, image pull, volumes or configuration): 1 event; check the "
            "image, its volumes and the nodes' capacity",
        ),
        (
            {
                "message": 'FailedCreate: Error creating: pods "web-7c9d-x2" is forbidden: image policy webhook '
                "backend denied one or more images: Denied by attestor",
                "max_severity": "WARNING",
                "count": 1,
            },
            "P2",
            "a pod could not start (scheduling, image pull, volumes or configuration): 1 event; check the "
            "image, its volumes and the nodes' capacity",
        ),
        (
            {"message": 'MountVolume.SetUp failed for volume "creds" : secret "db" not found', "count": 1},
            "P2",
            "a pod could not start (scheduling, image pull, volumes or configuration): 1 event; check the "
            "image, its volumes and the nodes' capacity",
        ),
        (
            {"max_severity": "ERROR", "count": 7, "events": 7},
            "P1",
            "sustained errors: 7 events at ERROR over 14 minutes",
        ),
        (
            {"max_severity": "ERROR", "count": 8, "events": 1},
            "P2",
            "isolated error: 1 event at ERROR",
        ),
        (
            {"message": "pkg_resources is deprecated as an API", "count": 2},
            "P2",
            "deprecation warning: a dependency or API is slated for removal (1 event)",
        ),
        (
            {
                "message": "Database connection validation timeout exceeded (15s) for pool primary",
                "count": 9,
                "events": 9,
            },
            "P2",
            "warning with user impact (timeouts, failed connections or configuration drift): 9 entries",
        ),
        (
            {"message": "REGION had a trailing newline - sanitized from 'eu\\n' to 'eu'"},
            "P3",
            "low-impact warning: 1 entry, no error severity and no user-facing failure",
        ),
        (
            {"message": "Sentry SDK not available - install sentry-sdk[fastapi] to enable error tracking"},
            "P3",
            "low-impact warning: 1 entry, no error severity and no user-facing failure",
        ),
    ],
)
def test_default_rules(changes: dict[str, Any], priority: str, reason: str) -> None:
    ranked = prioritizer.rank(cluster(**changes))
    assert ranked.priority == priority
    assert ranked.reasons[0] == reason


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"kind": "request", "http_statuses": {"502": 1}, "max_severity": "ERROR"},
            "HTTP 502 responses: 1 request failed at 16:00:00Z",
        ),
        (
            {"kind": "request", "http_statuses": {"400": 1}},
            "HTTP 400 responses: 1 request rejected",
        ),
        (
            {
                "message": "Cloud Scheduler job sweep attempt finished: NOT_FOUND calling https://x/",
                "max_severity": "ERROR",
            },
            "a scheduled job fails: 1 event at 16:00:00Z",
        ),
    ],
)
def test_a_reason_counts_one_request_and_one_moment_in_the_singular(
    changes: dict[str, Any], reason: str
) -> None:
    ranked = prioritizer.rank(cluster(last_seen=START, **changes))
    assert ranked.reasons[0] == reason


@pytest.mark.parametrize(
    ("message", "events"),
    [
        ("RESOURCE_EXHAUSTED on v1.compute.instances.insert (compute.googleapis.com): IP_SPACE_EXHAUSTED", 4),
        ("ZONE_RESOURCE_POOL_EXHAUSTED", 1),
        ("RESOURCE_EXHAUSTED on v1.compute.instanceGroupManagers.resize: QUOTA_EXCEEDED", 9),
    ],
)
def test_running_out_of_capacity_is_a_ceiling_however_often_hit(message: str, events: int) -> None:
    ranked = prioritizer.rank(
        cluster(kind="audit", message=message, max_severity="ERROR", count=events, events=events)
    )
    assert ranked.priority == "P2"
    assert ranked.reasons[0].startswith("out of capacity (quota, IP addresses or zone resources)")


@pytest.mark.parametrize(
    "message",
    [
        "probe: test exception raised",
        "This is just a test, please ignore",
        'fault=LATENCY note="Simulated dependency outage: inventory unreachable"',
        "chaos: simulated disk failure on /data",
    ],
)
def test_an_error_that_calls_itself_a_test_is_noise(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=2, events=2))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P3",
        "a deliberate example or test error, by its text (2 events)",
    )


@pytest.mark.parametrize(
    "stack",
    [
        # the failing command names an examples package: the message is data, the frames are the operator's
        'Traceback (most recent call last):\n  File "/opt/app/hooks/submit.py", line 41, in submit\n'
        "    raise RunError(cmd)\nhooks.RunError: Cannot run: launcher --class org.acme.examples.Pi demo.jar",
        "java.lang.IllegalStateException: no such class com.acme.samples.Loader\n\tat io.acme.Boot.load(Boot.java:9)",
    ],
)
def test_an_example_named_only_in_the_exception_message_is_no_demo(stack: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception", message=stack.rsplit("\n", 1)[-1], max_severity="ERROR", stack_pattern=stack
        )
    )
    assert ranked.reasons[0] != "a deliberate example or test error, by its text (1 event)"
    assert ranked.priority != "P3"


def test_a_host_under_the_reserved_example_domain_in_an_exception_group_is_no_demo() -> None:
    """An exception group indents its sub-exceptions' messages as frames are: a URL there whose host is under the
    reserved top-level domain (`feeds.acme.example/v1`) is data, not a frame in an examples package."""
    stack = (
        "  + Exception Group Traceback (most recent call last):\n"
        '  |   File "/srv/feeds/pull.py", line 52, in <module>\n'
        "  |     asyncio.run(pull_all())\n"
        "  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)\n"
        "  +-+---------------- 1 ----------------\n"
        "    | httpx.HTTPStatusError: Server error '503 Service Unavailable' for url "
        "'https://feeds.acme.example/v1/stock.json'\n"
        "    +------------------------------------"
    )
    ranked = prioritizer.rank(
        cluster(kind="exception", message="unhandled errors", max_severity="ERROR", stack_pattern=stack)
    )
    assert not ranked.reasons[0].startswith("a deliberate example or test error")


def test_a_frame_in_an_examples_package_of_any_language_is_a_demo() -> None:
    for stack in (
        'Traceback (most recent call last):\n  File "/srv/examples/run.py", line 3, in <module>\nValueError: x',
        "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/examples/main.go:12 +0x1d",
        "Error: x\n    at main (/app/demo/index.js:4:9)",
        "java.lang.IllegalStateException: x\n\tat com.acme.examples.Pi.main(Pi.java:7)",
    ):
        ranked = prioritizer.rank(
            cluster(kind="exception", message="x", max_severity="ERROR", stack_pattern=stack)
        )
        assert ranked.priority == "P3", stack


@pytest.mark.parametrize(
    ("message", "events", "priority"),
    [
        ("BackOff: Back-off restarting failed container (ns/web)", 1, "P1"),
        ("pod web-1 in CrashLoopBackOff", 1, "P1"),
        ("BackOff: Back-off restarting failed container (ns/web)", 3, "P0"),  # the exit loop's rule
    ],
)
def test_one_back_off_event_is_a_crash_loop(message: str, events: int, priority: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=events, events=events))
    assert ranked.priority == priority


@pytest.mark.parametrize(
    "message",
    ["GenServer #PID<<*>.<*>.<*>> terminating\n** (stop) :econnaborted", "Error: read ECONNRESET"],
)
def test_an_errno_name_of_a_dropped_connection_is_a_transient_network_error(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=2, events=2))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P3",
        "a transient network error (2 events): a connection reset or timed out, which a retry or the next "
        "run usually gets past; watch for recurrence",
    )


@pytest.mark.parametrize(
    "message",
    [
        '"/srv/www/site/wp-admin/setup.php" is not found (2: No such file or directory)',
        'open() "/usr/share/nginx/html/.env" failed (2: No such file or directory)',
        'directory index of "/srv/www/static/" is forbidden',
    ],
)
def test_nginx_serving_no_file_for_a_client_is_noise_however_often(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=400, events=400))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P3",
        "nginx found no file (or no index) for what a client asked (400 events): the client got a 404 or "
        "403; noise unless your own pages link to it",
    )


def test_a_missing_file_of_the_program_itself_is_no_client_404() -> None:
    message = "open /etc/app/config.yaml: no such file or directory"
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=3, events=3))
    assert not ranked.reasons[0].startswith("nginx found no file")


def test_many_errors_that_call_themselves_tests_are_not_noise() -> None:
    assert (
        prioritizer.rank(cluster(message="test error", max_severity="ERROR", count=9, events=9)).priority
        == "P1"
    )


def test_a_deployment_whose_build_failed_is_no_benign_audit_error() -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="audit",
            signature="audit | INVALID_ARGUMENT v2.FunctionService.UpdateFunction cloudfunctions.googleapis.com | x",
            message="INVALID_ARGUMENT on v2.FunctionService.UpdateFunction (cloudfunctions.googleapis.com): "
            "Build failed with status: FAILURE",
            max_severity="ERROR",
        )
    )
    assert ranked.priority == "P2"
    assert ranked.reasons[0].startswith(
        "INVALID_ARGUMENT: a deployment failed because its build failed (1 event)"
    )


@pytest.mark.parametrize(("events", "priority"), [(1, "P3"), (2, "P3"), (6, "P1")])
def test_a_database_that_refuses_connections_while_restarting_is_noise_unless_it_recurs(
    events: int, priority: str
) -> None:
    message = "FATAL:  the database system is shutting down"
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=events, events=events))
    assert ranked.priority == priority


def test_a_single_container_exit_is_not_a_loop() -> None:
    assert prioritizer.rank(cluster(message="Container called exit(3).")).priority == "P3"


def test_the_first_matching_rule_decides_and_inferred_severity_is_said() -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            exception_type="ImportError",
            max_severity="CRITICAL",
            count=3,
            event_share=0.7,
            inferred_severity={"split-traceback": 3},
            affected_files=[AffectedFile(file="/app/a.py", line=1, function="<module>", count=3)],
        )
    )
    assert ranked.priority == "P0"
    assert [r.split(":")[0] for r in ranked.reasons] == [
        "startup crash",
        "severity inferred from the entries' text by rule split-traceback (3)",
    ]


def test_user_rules_come_first_and_defaults_can_be_switched_off() -> None:
    mine = PriorityRule(name="sdk", priority="P1", reason="we need Sentry", message_patterns=["Sentry"])
    only_mine = Prioritizer([[mine]])
    assert only_mine.rank(cluster(message="Sentry SDK not available")).reasons == ["we need Sentry"]
    assert only_mine.rank(cluster()).reasons == ["no rule matched: review manually"]


def test_clusters_are_ordered_by_priority_then_severity_then_count() -> None:
    ranked = prioritizer.prioritize(
        [
            cluster(fingerprint="a" * 12, count=50),
            cluster(fingerprint="b" * 12, max_severity="ERROR", count=4),
            cluster(fingerprint="c" * 12, max_severity="CRITICAL", count=1),
            cluster(fingerprint="d" * 12, max_severity="ERROR", count=9),
        ]
    )
    assert [c.fingerprint[0] for c in ranked] == ["c", "d", "b", "a"]


def test_actions_come_from_the_evidence() -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            exception_type="ModuleNotFoundError",
            message="No module named 'payments_sdk'",
            max_severity="ERROR",
            revisions={"api-00042": 3},
            affected_files=[AffectedFile(file="/app/a.py", line=9, function="<module>", count=3)],
        )
    )
    assert "`payments_sdk`" in ranked.actions[0] and "`api-00042`" in ranked.actions[0]
    assert "`/app/a.py:9`" in ranked.actions[1]


def test_a_user_rule_can_lower_a_priority() -> None:
    config = GardenerConfig.model_validate(
        {
            "priorities": {
                "rules": [
                    {
                        "name": "exits",
                        "priority": "P3",
                        "reason": "exits are expected here",
                        "message_patterns": ["Container called exit"],
                    }
                ]
            }
        }
    )
    ranked = Prioritizer(config.priorities.rule_tiers()).rank(
        cluster(message="Container called exit(3).", count=9)
    )
    assert (ranked.priority, ranked.reasons) == ("P3", ["exits are expected here"])


def test_a_user_rule_named_like_a_default_replaces_it() -> None:
    config = GardenerConfig.model_validate(
        {
            "priorities": {
                "rules": [
                    {
                        "name": "dominant-error",
                        "priority": "P0",
                        "reason": "{share} of all",
                        "min_severity": "ERROR",
                        "min_share": 0.2,
                    }
                ]
            }
        }
    )
    tiers = config.priorities.rule_tiers()
    assert "dominant-error" not in [rule.name for rule in tiers[1]]
    ranked = Prioritizer(tiers).rank(cluster(max_severity="ERROR", count=30, events=30, event_share=0.3))
    assert (ranked.priority, ranked.reasons) == ("P0", ["30% of all"])


@pytest.mark.parametrize(
    ("function", "severity", "priority"),
    [("<module>", "ERROR", "P0"), ("handle_request", "ERROR", "P2"), ("init_tracing", "WARNING", "P3")],
)
def test_only_an_error_raised_while_importing_is_a_startup_crash(
    function: str, severity: str, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            exception_type="ModuleNotFoundError",
            message="No module named 'sentry_sdk'",
            max_severity=severity,
            affected_files=[AffectedFile(file="/app/tracing.py", line=5, function=function, count=1)],
        )
    )
    assert ranked.priority == priority


@pytest.mark.parametrize(
    "message",
    [
        "Error: Cannot find module '/app/server.js'",
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'express' imported from /app/index.mjs",
        "Error: Could not find or load main class com.acme.Main",
        "Error: Unable to access jarfile /app/app.jar",
        "<internal:/usr/local/lib/ruby/3.3.0/rubygems/core_ext/kernel_require.rb>:136:in `require': cannot load "
        "such file -- sidekiq/web (LoadError)",
        "Unhandled exception. System.IO.FileNotFoundException: Could not load file or assembly 'Acme.Core, "
        "Version=1.0.0.0'",
        "exec /usr/local/bin/docker-entrypoint.sh: exec format error",
        'exec: "gunicorn": executable file not found in $PATH',
    ],
)
def test_a_program_that_cannot_load_its_code_cannot_start(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, title=message, max_severity="ERROR"))
    assert (ranked.priority, ranked.reasons[0].split(":")[0]) == ("P0", "startup failure")
    assert prioritizer.rank(cluster(message=message, title=message)).priority != "P0"  # a warning


@pytest.mark.parametrize(
    "message",
    [
        "Invalid HTTP_HOST header: '35.235.79.222'. You may need to add '35.235.79.222' to ALLOWED_HOSTS.",
        "django.core.exceptions.DisallowedHost: Invalid HTTP_HOST header: 'x.example'",
        "[ActionDispatch::HostAuthorization::DefaultResponseApp] Blocked hosts: 10.0.0.7",
    ],
)
def test_a_request_for_a_host_the_service_does_not_serve_is_noise(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity="ERROR", events=40, count=40)
    )
    assert ranked.priority == "P3" and ranked.reasons[0].startswith("requests for a host name")


@pytest.mark.parametrize(
    "details",
    [
        "LoadBalancerLogEntry: statusDetails=denied_by_security_policy, enforcedSecurityPolicy.outcome=DENY",
        "LoadBalancerLogEntry: statusDetails=throttled_by_security_policy",
        "LoadBalancerLogEntry: statusDetails=body_denied_by_security_policy",
    ],
)
def test_requests_a_security_policy_denied_are_noise(details: str) -> None:
    request = cluster(
        kind="request",
        title="HTTP 403 on GET /url (web-be)",
        message=details,
        http_statuses={"403": 1},
        max_severity="WARNING",
    )
    assert prioritizer.rank(request).priority == "P3"
    other = request.model_copy(
        update={"message": "LoadBalancerLogEntry: statusDetails=response_sent_by_backend"}
    )
    assert prioritizer.rank(other).priority == "P2"


def test_a_missing_file_at_run_time_is_no_startup_failure() -> None:
    for message in (
        "Error: ENOENT: no such file or directory, open '/tmp/x.json'",
        "module 'x' has no attribute 'y'",
    ):
        assert (
            prioritizer.rank(cluster(message=message, title=message, max_severity="ERROR")).priority == "P2"
        )


def test_log_text_in_actions_cannot_leave_its_code_span() -> None:
    hostile = "pipe | `tick` and ``double`` @octocat <b>x</b>"
    ranked = prioritizer.rank(cluster(message=hostile, template=hostile, services={hostile: 1}))
    action = ranked.actions[0]
    assert "```" in action  # fences longer than any backtick run inside
    assert action.count(hostile) == 2 and " @octocat" not in action.replace(hostile, "")


@pytest.mark.parametrize(
    "message",
    [
        "Workflow failed. Causes: S04:Read rows+Transform failed., The job failed because a work item has failed 4 times.",
        "Error occurred in the launcher container: Template launch failed: exit status 1",
        "Marking task as FAILED. dag_id=nightly_export, task_id=load_orders, run_id=scheduled__2026-03-01",
        "Failed to execute job 118 for task load_orders (Permission denied: 'bq'; 77)",
        # Prefect's flow or task run that ended failed, crashed or timed out
        "Flow run 'sly-heron' - Finished in state Failed('Flow run encountered an exception. OSError: disk full')",
        "Task run 'load-0' - Finished in state Crashed('Execution was interrupted by an unexpected exception.')",
        # Dagster's run and step failures
        'RUN_FAILURE - Execution of run for "daily_orders" failed. An exception was thrown during execution.',
        'STEP_FAILURE - Execution of step "load_orders" failed.',
    ],
)
def test_a_failed_pipeline_job_is_p1_even_once(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=1, events=1))
    assert ranked.priority == "P1"
    assert ranked.reasons[0].startswith("a data pipeline's job or task failed")


@pytest.mark.parametrize(
    "message",
    [
        "Flow run 'sly-heron' - Finished in state Completed()",
        "Task run 'load-0' - Finished in state Cached(type=COMPLETED)",
        'Execution of run for "daily_orders" succeeded.',
    ],
)
def test_a_pipeline_run_that_ended_well_is_no_failed_job(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=1, events=1))
    assert not ranked.reasons[0].startswith("a data pipeline's job or task failed")


def test_a_pipeline_step_that_only_warns_is_not_a_failed_job() -> None:
    message = "Workflow failed. Causes: the job was cancelled by its owner"
    assert (
        prioritizer.rank(cluster(message=message, max_severity="WARNING", count=1, events=1)).priority != "P1"
    )


@pytest.mark.parametrize(
    ("changes", "priority", "reason"),
    [
        (
            {
                "message": "flush failed: dropped 812 events, data lost (sink unavailable)",
                "max_severity": "ERROR",
            },
            "P0",
            "data loss: the program says data was lost or dropped (1 event at ERROR between 16:00:00Z and 16:14:00Z)",
        ),
        (
            {
                "message": "Could not save invoice 771 after 3 attempts; invoice data was lost",
                "max_severity": "ERROR",
            },
            "P0",
            "data loss: the program says data was lost or dropped (1 event at ERROR between 16:00:00Z and 16:14:00Z)",
        ),
        (
            {"message": "Job has reached the specified backoff limit", "events": 1},
            "P1",
            "a Kubernetes Job failed: its retries are spent or its deadline passed (1 event between 16:00:00Z and "
            "16:14:00Z); the work it does is not done",
        ),
        (
            {"message": "DeadlineExceeded: Job was active longer than specified deadline"},
            "P1",
            "a Kubernetes Job failed: its retries are spent or its deadline passed (1 event between 16:00:00Z and "
            "16:14:00Z); the work it does is not done",
        ),
        (
            {"message": "Serving certificate for shop.example.org expires in 3 days (2026-12-01)"},
            "P1",
            "a certificate has expired or expires within a week (1 event): connections that use it fail, or will, "
            "until it is renewed",
        ),
        (
            {"message": 'Get "https://ledger/v1": x509: certificate has expired or is not yet valid'},
            "P1",
            "a certificate has expired or expires within a week (1 event): connections that use it fail, or will, "
            "until it is renewed",
        ),
        (
            {"message": "TLS cert of mail.example.org will expire in 21 days"},
            "P2",
            "a certificate expires in more than a week (1 event): renew it before it does",
        ),
        (
            {"message": "The certificate request has failed to complete and will be retried", "events": 3},
            "P1",
            "certificate renewal keeps failing (3 events between 16:00:00Z and 16:14:00Z): the certificate expires "
            "unless fixed",
        ),
        (
            {
                "message": "could not write block 88 of temporary file: No space left on device",
                "max_severity": "ERROR",
            },
            "P1",
            "disk full: writes fail (1 event at ERROR between 16:00:00Z and 16:14:00Z)",
        ),
        (
            {"message": "filesystem /var/lib/mysql is 96% full"},
            "P2",
            "a disk or volume is nearly full (1 event): free or grow it before writes fail",
        ),
        (
            {"message": "policy service unreachable, failing open: request allowed without authorization"},
            "P1",
            "a security control is off: requests pass without the check it makes (1 event between 16:00:00Z and "
            "16:14:00Z)",
        ),
        (
            {"message": "webhook signature verification disabled by STRIPE_SKIP_VERIFY"},
            "P1",
            "a security control is off: requests pass without the check it makes (1 event between 16:00:00Z and "
            "16:14:00Z)",
        ),
        (
            {
                "kind": "request",
                "http_statuses": {"503": 4},
                "routes": ["/healthz"],
                "max_severity": "ERROR",
                "count": 4,
                "events": 4,
            },
            "P2",
            "HTTP 503 on a health-check route (/healthz): 4 requests failed between 16:00:00Z and "
            "16:14:00Z; not a user's request, but the backend may be taken out of rotation",
        ),
        (
            {
                "kind": "request",
                "http_statuses": {"500": 1},
                "routes": ["/pubsub/orders"],
                "principal_kinds": {"google-delivery": 1},
                "max_severity": "ERROR",
            },
            "P2",
            "HTTP 500 to what a Google service delivered (Pub/Sub push, Eventarc, Cloud Tasks), 1 event: the "
            "delivery is retried",
        ),
    ],
)
def test_kinds_of_problem_the_senior_scale_ranks(changes: dict[str, Any], priority: str, reason: str) -> None:
    """Data loss is P0; a failed Kubernetes Job, a certificate expired or due within a week, a full disk, a
    security control switched off are P1; a certificate due later, a nearly full disk, a 5xx only on a health
    check or once to a retried delivery are P2 (the senior's scale, docs/priorities.md)."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0]) == (priority, reason)


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        ({"message": "No data lost: all 12 events were retried", "max_severity": "ERROR"}, "P2"),
        ({"message": "data lost", "max_severity": "WARNING"}, "P3"),  # at WARNING a program only fears it
        ({"message": "The certificate request has failed to complete and will be retried"}, "P3"),  # once
        ({"message": "disk 71% full"}, "P3"),
        (
            {
                "kind": "request",
                "http_statuses": {"500": 3},
                "routes": ["/pubsub/orders"],
                "principal_kinds": {"google-delivery": 3},
                "max_severity": "ERROR",
                "events": 3,
            },
            "P1",
        ),
        (
            {
                "kind": "request",
                "http_statuses": {"500": 1},
                "routes": ["/health-report"],
                "max_severity": "ERROR",
            },
            "P1",
        ),
    ],
)
def test_what_the_new_kinds_leave_alone(changes: dict[str, Any], priority: str) -> None:
    """A data loss denied or only feared, one failed renewal, a disk far from full, a delivery that keeps
    failing, a user route whose name starts like a health check: ranked as before."""
    assert prioritizer.rank(cluster(**changes)).priority == priority


def _filling(unit: str) -> int:
    """How many times `unit` fills the longest message an entry keeps: a cluster's texts are never longer."""
    return MAX_MESSAGE // len(unit)


@pytest.mark.parametrize("unit", ["certificate ", "disk 9", "fail ", "data ", "dropped 1 "])
def test_the_new_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(lambda n: prioritizer.rank(cluster(message=unit * n, max_severity="ERROR")), _filling(unit))


@pytest.mark.parametrize(
    ("statuses", "delivered", "priority"),
    [
        ({"404": 15}, False, "P3"),
        (
            {"404": 2},
            True,
            "P1",
        ),  # Pub/Sub push to a route that does not exist: its messages are never handled
        ({"403": 1}, False, "P2"),
        ({"401": 3}, False, "P2"),
    ],
)
def test_requests_for_what_does_not_exist_are_expected(
    statuses: dict[str, int], delivered: bool, priority: str
) -> None:
    """404s are what clients and scanners get for stale links and unknown ids (the scale's expected 4xx, P3);
    delivered by a Google service they keep their rank, and other client errors theirs."""
    changes: dict[str, Any] = {"kind": "request", "http_statuses": statuses, "routes": ["/products/{id}"]}
    if delivered:
        changes["principal_kinds"] = {"google-delivery": 2}
    ranked = prioritizer.rank(cluster(**changes))
    assert ranked.priority == priority
    if priority == "P3":
        assert ranked.reasons[0].startswith(
            "HTTP 404 responses: 1 request asked for something that does not exist"
        )


@pytest.mark.parametrize(
    ("message", "severity", "priority"),
    [
        ("feature flag service unavailable, using default flags", "WARNING", "P3"),
        ("recommendation model not loaded, falling back to popular items", "WARNING", "P3"),
        ("upload to gs://x succeeded after 2 retries", "WARNING", "P3"),
        ("Retrying connection to db (attempt 3 of 5)", "WARNING", "P2"),  # not known to succeed yet
        ("config service unavailable, falling back to defaults", "ERROR", "P2"),  # an error is still one
    ],
)
def test_a_warning_the_code_handles_is_noise(message: str, severity: str, priority: str) -> None:
    """The scale's P3: warnings the code already handles (a fallback, defaults, a retry that succeeded)."""
    ranked = prioritizer.rank(cluster(message=message, max_severity=severity))
    assert ranked.priority == priority
    if priority == "P3":
        assert (
            ranked.reasons[0]
            == "a warning the code handles: it falls back, uses defaults or succeeded on retry (1 entry)"
        )


def test_a_proxy_access_log_of_a_5xx_is_a_server_error() -> None:
    """An Envoy/Istio JSON access line of a 503 without a path is a message problem carrying the status: a
    request failed (P1), not an isolated error."""
    ranked = prioritizer.rank(
        cluster(
            kind="message",
            message="HTTP 503 UF,URX: upstream connect error or disconnect/reset before headers",
            http_statuses={"503": 1},
            max_severity="ERROR",
            last_seen=START,
        )
    )
    assert (ranked.priority, ranked.reasons[0]) == ("P1", "HTTP 503 responses: 1 request failed at 16:00:00Z")


@pytest.mark.parametrize(
    ("serving", "priority"),
    [
        ({"billing": frozenset({"billing-00041-old"})}, "P1"),
        ({}, "P0"),  # no revision of the service answered: the service is down
        (
            {"billing": frozenset({"billing-00042-new"})},
            "P0",
        ),  # the crashing revision itself answered requests
        ({"ledger": frozenset({"ledger-00003-ok"})}, "P0"),  # another service serving is no fallback
    ],
)
def test_a_rollout_that_cannot_start_while_the_old_revision_serves_is_p1(
    serving: dict[str, frozenset[str]], priority: str
) -> None:
    """The scale's P1: a rollout crash-loops while an older healthy revision keeps serving (Cloud Run keeps the
    traffic on the last revision that became ready); with no revision of the service serving it is P0."""
    exits = cluster(
        message="Container called exit(1).",
        count=4,
        events=4,
        max_severity="ERROR",
        services={"billing": 4},
        revisions={"billing-00042-new": 4},
    )
    healthy = frozenset(r for revisions in serving.values() for r in revisions)
    ranked = Prioritizer(GardenerConfig().priorities.rule_tiers()).prioritize(
        [exits], context=ScanContext(healthy_revisions=healthy, serving=serving)
    )[0]
    assert ranked.priority == priority
    expected = "container exit loop: 4 container exits between 16:00:00Z and 16:14:00Z"
    if priority == "P1":
        expected += "; a failed rollout: revision billing-00041-old of the same service still serves"
    assert ranked.reasons[0] == expected


@pytest.mark.parametrize(
    ("changes", "priority", "rule"),
    [
        (
            {
                "message": 'ERROR: build step 0 "gcr.io/cloud-builders/docker" failed: step exited with non-zero '
                "status: 1",
                "max_severity": "ERROR",
            },
            "P1",
            "a build failed",
        ),
        (
            {"message": "BUILD FAILURE: Build step failure: build step 3 failed", "events": 1},
            "P1",
            "a build failed",
        ),
        (
            {
                "message": "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
                "[Request processing failed] with root cause",
                "max_severity": "ERROR",
            },
            "P1",
            "requests failed on an exception",
        ),
        (
            {
                "message": "An unhandled exception has occurred while executing the request.",
                "max_severity": "ERROR",
            },
            "P1",
            "requests failed on an exception",
        ),
        (
            {"message": "Internal Server Error: /api/orders/7", "max_severity": "ERROR"},
            "P1",
            "requests failed",
        ),
        (
            {
                "message": "[pool www] server reached pm.max_children setting (5), consider raising it",
                "events": 2,
            },
            "P2",
            "a server's pool",
        ),
        (
            {"message": "connection pool exhausted, 40 waiting", "max_severity": "WARNING"},
            "P2",
            "a server's pool",
        ),
        (
            {
                "message": "re-queuing item due to error processing: Operation cannot be fulfilled on "
                'certificates.cert-manager.io "web-tls": the object has been modified; please apply your changes '
                "to the latest version and try again",
                "max_severity": "ERROR",
            },
            "P3",
            "a controller's update lost a race",
        ),
        (
            {
                "message": "plugin/errors: 2 7553930501182690030.5295112943253332074. HINFO: read udp "
                "10.0.0.5:48557->10.0.0.2:53: i/o timeout",
                "max_severity": "ERROR",
                "events": 4,
            },
            "P3",
            "CoreDNS' loop-detection probe",
        ),
        (
            {
                "message": "Worker with pid 7214 was terminated due to signal 9",
                "max_severity": "WARNING",
                "events": 2,
            },
            "P1",
            "workers killed",
        ),
        (
            {
                "message": "high disk watermark [90%] exceeded on [n1][es-0][/data] free: 2.5gb[8.3%], shards will "
                "be relocated away from this node",
                "max_severity": "WARNING",
            },
            "P2",
            "a disk or volume is nearly full",
        ),
    ],
)
def test_builds_uncaught_request_errors_pools_and_controller_races(
    changes: dict[str, Any], priority: str, rule: str
) -> None:
    """A failed build step and a request an uncaught exception failed are P1, a pool at its ceiling and a search
    node past its disk watermark P2; a controller's stale update and CoreDNS' loop probe are noise."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0][: len(rule)]) == (priority, rule)


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        # a push handler's uncaught exception is retried by Pub/Sub: isolated, as before
        ({"message": "Exception on /_ah/push-handlers/pubsub/alerts [POST]", "max_severity": "ERROR"}, "P2"),
        ({"message": "Exception on /checkout [POST]", "max_severity": "ERROR"}, "P1"),
        (
            {"message": "high disk watermark [90%] no longer exceeded on [n1]", "max_severity": "WARNING"},
            "P3",
        ),
        ({"message": "Worker with pid 12 was terminated due to signal 15", "max_severity": "WARNING"}, "P3"),
        (
            {"message": "plugin/errors: 2 api.example.com. A: read udp 1.2.3.4:5->1.2.3.5:53: i/o timeout"},
            "P2",
        ),
        ({"message": "build step 0 finished", "max_severity": "WARNING"}, "P3"),
    ],
)
def test_what_the_build_request_pool_and_probe_rules_leave_alone(
    changes: dict[str, Any], priority: str
) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


@pytest.mark.parametrize(
    "unit", ['build step 1 "', "Servlet.service() for servlet [", "Exception on /", "1 1234567890"]
)
def test_the_build_request_and_probe_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(lambda n: prioritizer.rank(cluster(message=unit * n, max_severity="ERROR")), _filling(unit))


@pytest.mark.parametrize(
    ("changes", "priority", "rule"),
    [
        (  # a notifier that spent its retries: the alert is never delivered
            {
                "message": "Notify for alerts failed: oncall/webhook[0]: notify retry canceled after 4 attempts: "
                'Post "https://hooks.example.org/x": dial tcp: lookup hooks.example.org: no such host',
                "max_severity": "ERROR",
            },
            "P1",
            "the work failed for good",
        ),
        (
            {"message": "upload of invoice-7731.pdf: giving up after 6 attempts", "max_severity": "ERROR"},
            "P1",
            "the work failed for good",
        ),
        (  # Cloud Run jobs' own report of an execution that failed
            {
                "message": "Execution reindex-4kq9z has failed to complete, 2/3 tasks were a success.",
                "max_severity": "ERROR",
            },
            "P1",
            "a data pipeline's job or task failed",
        ),
        (
            {
                "message": "Step #1: COPY failed: file not found in build context or excluded by .dockerignore: "
                "stat dist/: file does not exist",
                "max_severity": "WARNING",
            },
            "P1",
            "a build failed",
        ),
        (
            {
                "message": "The command '/bin/sh -c npm ci' returned a non-zero code: 1",
                "max_severity": "WARNING",
            },
            "P1",
            "a build failed",
        ),
        (
            {
                "message": 'Readiness probe failed: Get "http://10.4.2.9:8000/ready": dial tcp 10.4.2.9:8000: '
                "connect: connection refused",
                "max_severity": "WARNING",
                "events": 6,
            },
            "P2",
            "a Kubernetes probe fails",
        ),
        (
            {
                "message": "Startup probe failed: HTTP probe failed with statuscode: 500",
                "max_severity": "WARNING",
            },
            "P2",
            "a Kubernetes probe fails",
        ),
        (
            {
                "message": "Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: "
                "91232Ki. Container worker was using 1843220Ki, request is 512Mi.",
                "max_severity": "WARNING",
            },
            "P2",
            "a pod was evicted",
        ),
        (
            {
                "message": "Retrying POST https://billing.internal/charge (attempt 2 of 4) after "
                "ReadTimeout; succeeded",
                "max_severity": "WARNING",
            },
            "P3",
            "a warning the code handles",
        ),
        (  # an exception thrown by a demo program: frames in an examples package, a *Demo class
            {
                "kind": "exception",
                "exception_type": "java.lang.IllegalStateException",
                "message": "boom",
                "max_severity": "ERROR",
                "stack_pattern": "java.lang.IllegalStateException: boom\n\tat org.acme.metrics.examples."
                "ExporterDemo.main(ExporterDemo.java:31)",
            },
            "P3",
            "a deliberate example or test error",
        ),
        (
            {
                "kind": "exception",
                "exception_type": "java.lang.RuntimeException",
                "message": "it went wrong",
                "max_severity": "ERROR",
                "stack_pattern": "java.lang.RuntimeException: it went wrong\n\tat io.acme.JsonLayoutTest.main("
                "JsonLayoutTest.java:12)",
            },
            "P3",
            "a deliberate example or test error",
        ),
    ],
)
def test_retries_spent_failed_jobs_builds_probes_evictions_and_demos(
    changes: dict[str, Any], priority: str, rule: str
) -> None:
    """Work given up after its retries, a failed job execution and a failed Docker build are P1 (the work is not
    done); a failing probe and an eviction P2 (symptoms, the pod is rescheduled); a retry that succeeded and an
    exception a demo program throws are noise."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0][: len(rule)]) == (priority, rule)


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        # urllib3 prints this on a first failure (its default is no retry): one failed call, as before
        (
            {
                "message": "HTTPSConnectionPool(host='api.example.org', port=443): Max retries exceeded with url: "
                "/v1/x (Caused by NewConnectionError('Failed to establish a new connection'))",
                "max_severity": "ERROR",
            },
            "P2",
        ),
        # a retry that is still going is not given up, nor known to succeed
        ({"message": "notify retry 2 of 5 failed, retrying in 4s", "max_severity": "WARNING"}, "P2"),
        ({"message": "Execution reindex-4kq9z has failed to complete", "max_severity": "WARNING"}, "P3"),
        # a production exception whose frames are no demo's
        (
            {
                "kind": "exception",
                "exception_type": "java.lang.IllegalStateException",
                "message": "boom",
                "max_severity": "ERROR",
                "stack_pattern": "java.lang.IllegalStateException: boom\n\tat com.acme.orders.SampleRateLimiter"
                "Service.take(SampleRateLimiterService.java:31)\n\tat com.acme.orders.TestDataLoader.load(T.java:9)",
            },
            "P2",
        ),
        # a retry that succeeded, but at ERROR, is still an error
        ({"message": "retrying after 503; succeeded", "max_severity": "ERROR"}, "P2"),
    ],
)
def test_what_the_retry_job_build_probe_and_demo_rules_leave_alone(
    changes: dict[str, Any], priority: str
) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


@pytest.mark.parametrize(
    "unit", ["retry ", "COPY failed: ", "The command '", "retrying a; ", "examples.", "a probe failed "]
)
def test_the_retry_job_build_probe_and_demo_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(
        lambda n: prioritizer.rank(cluster(message=unit * n, stack_pattern=unit * n, max_severity="WARNING")),
        _filling(unit),
    )


@pytest.mark.parametrize(
    ("changes", "priority", "rule"),
    [
        (
            {
                "message": "2026/03/02 10:14:07 [error] 31#31: *5521 upstream timed out (110: Connection timed out) "
                'while connecting to upstream, client: 198.51.100.7, server: shop, request: "GET /cart HTTP/1.1"',
                "max_severity": "ERROR",
            },
            "P1",
            "a proxy got no answer",
        ),
        (
            {
                "message": "*88 no live upstreams while connecting to upstream, client: 203.0.113.9, server: _, "
                'request: "POST /api/orders HTTP/1.1", upstream: "http://backend/api/orders"',
                "max_severity": "ERROR",
                "events": 2,
            },
            "P1",
            "a proxy got no answer",
        ),
        (
            {
                "message": "Received unregistered task of type 'reports.tasks.render_pdf'.\nThe message has been "
                "ignored and discarded.",
                "max_severity": "ERROR",
            },
            "P1",
            "messages or tasks are thrown away",
        ),
        (
            {"message": "7:M 02 Mar 2026 10:00:01.120 # Background saving error", "max_severity": "WARNING"},
            "P1",
            "a data store cannot save",
        ),
        (
            {
                "message": "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                "to disk. Commands that may modify the data set are disabled",
                "max_severity": "ERROR",
                "events": 4,
            },
            "P1",
            "a data store cannot save",
        ),
    ],
)
def test_proxy_upstream_failures_discarded_work_and_failing_persistence(
    changes: dict[str, Any], priority: str, rule: str
) -> None:
    """A proxy that could not reach its upstream failed the client's request (502/504), a task thrown away is
    work never done, a store that cannot persist refuses writes: P1, however few the events."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0][: len(rule)]) == (priority, rule)


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        # nginx retried on the next server: a warning, no request failed
        (
            {
                "message": "upstream server temporarily disabled while connecting to upstream, client: 10.0.0.9",
                "max_severity": "WARNING",
            },
            "P3",
        ),
        # a client of a proxy that timed out once, in its own words: transient, as before
        ({"message": "upstream request timed out", "max_severity": "ERROR"}, "P3"),
        ({"message": "7:M 02 Mar 2026 10:00:07.301 # Background saving started by pid 19"}, "P3"),
        ({"message": "duplicate message has been discarded", "max_severity": "WARNING"}, "P3"),
    ],
)
def test_what_the_proxy_discard_and_persistence_rules_leave_alone(
    changes: dict[str, Any], priority: str
) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


@pytest.mark.parametrize("unit", ["while connecting to ", "message has been ", "Background saving "])
def test_the_proxy_discard_and_persistence_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(lambda n: prioritizer.rank(cluster(message=unit * n, max_severity="ERROR")), _filling(unit))


@pytest.mark.parametrize(
    "message",
    [
        "SQLSTATE[HY000] [2002] Connection refused {…}",
        "redis.exceptions.ConnectionError: Error 111 connecting to 10.0.1.3:6379. Connection refused.",
        "Error: connect ECONNREFUSED 10.0.0.5:5432",
        "psycopg2.OperationalError: could not connect: [Errno 111] Connection refused",
    ],
)
def test_a_dependency_that_refuses_connections_again_is_p1_once_is_isolated(message: str) -> None:
    """Nothing listens at the dependency's address: a retry does not change that, unlike a reset."""
    again = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=2, events=2))
    once = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=1, events=1))
    assert (again.priority, again.reasons[0]) == (
        "P1",
        "a dependency refuses connections: nothing listens at its address (2 events between 16:00:00Z and "
        "16:14:00Z); whatever needs it fails until it is back or the address is fixed",
    )
    assert (once.priority, once.reasons[0][:14]) == ("P2", "isolated error")


@pytest.mark.parametrize(("status", "events", "priority"), [("UNAVAILABLE", 2, "P1"), ("UNKNOWN", 1, "P2")])
def test_a_queued_task_that_keeps_failing_is_p1(status: str, events: int, priority: str) -> None:
    message = f"Cloud Tasks queue mail task attempt finished: {status} calling POST https://api.test/send"
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=events, events=events))
    assert ranked.priority == priority


GO_CRASH = (
    "panic: assignment to entry in nil map\n\ngoroutine 7 [running]:\nmain.load()\n\t/src/main.go:9 +0x1d"
)


@pytest.mark.parametrize(
    ("message", "stack", "priority"),
    [
        ("assignment to entry in nil map", GO_CRASH, "P1"),
        (
            "concurrent map writes",
            GO_CRASH.replace("panic: assignment to entry in nil map", "fatal error: x"),
            "P1",
        ),
        ("thread 'main' panicked at src/main.rs:15:10", None, "P1"),
        ("error: Uncaught (in promise) Error: feed closed", None, "P1"),  # Deno
        (
            "error: Uncaught TypeError: x is not a function",
            "error: Uncaught TypeError: x is not a function\n    at render (file:///app/main.ts:4:3)",
            "P1",
        ),
        # a goroutine dump the program printed on purpose, and a worker thread's panic, end no process
        ("dump", "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1", "P2"),
        ("boom", "thread 'tokio-runtime-worker' panicked at src/job.rs:3:9:\nboom", "P2"),
        # a browser's console, quoted in a message, ends no process
        ("report says: error: Uncaught (in promise) TypeError: x", None, "P2"),
    ],
)
def test_a_panic_nothing_recovered_ends_the_process(message: str, stack: str | None, priority: str) -> None:
    ranked = prioritizer.rank(
        cluster(kind="exception", message=message, max_severity="ERROR", stack_pattern=stack)
    )
    assert ranked.priority == priority


def test_a_controller_refused_by_an_admission_webhook_cannot_start_its_pods() -> None:
    message = (
        'FailedCreate: Error creating: admission webhook "warden-validating.common-webhooks.networking.gke.io" '
        "denied the request: GKE Warden rejected the request because it violates one or more constraints."
    )
    ranked = prioritizer.rank(cluster(message=message))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P2",
        "a pod could not start (scheduling, image pull, volumes or configuration): 1 event; check the "
        "image, its volumes and the nodes' capacity",
    )


@pytest.mark.parametrize(
    ("stack", "priority"),
    [
        (
            "PHP Fatal error:  Uncaught TypeError: count(): Argument #1 must be of type Countable in /app/cart.php:12"
            "\nStack trace:\n#0 {main}\n  thrown in /app/cart.php on line 12",
            "P1",
        ),
        (
            "[php:error] [pid 7] Fatal error: Uncaught Exception: boom in /srv/a.php:3\\nStack trace:\\n#0 {main}",
            "P1",
        ),
        # a PHP warning, and a fatal that is no uncaught exception, are not this rule's
        ('PHP Warning:  Undefined array key "id" in /app/cart.php on line 9', "P2"),
    ],
)
def test_a_php_fatal_on_an_uncaught_exception_fails_the_request(stack: str, priority: str) -> None:
    ranked = prioritizer.rank(
        cluster(kind="exception", message="boom", max_severity="ERROR", stack_pattern=stack)
    )
    assert ranked.priority == priority


@pytest.mark.parametrize(
    ("stack", "priority"),
    [
        (
            "2026-03-02 10:00:01.204 [eventLoopGroupProxy-4-2] ERROR ktor.application - Unhandled: DELETE - "
            "/api/carts/77\njava.lang.IllegalStateException: cart 77 is locked\n"
            "\tat shop.CartRoutesKt$cartRoutes$2.invokeSuspend(CartRoutes.kt:41)",
            "P1",
        ),
        # an unhandled thing that is no call (a coroutine's, a scheduler's) is not a failed request
        (
            "Unhandled: exception in coroutine\njava.lang.IllegalStateException: cart 77 is locked\n"
            "\tat shop.CartSync.run(CartSync.kt:12)",
            "P2",
        ),
    ],
)
def test_ktors_unhandled_call_is_a_request_failed_on_an_uncaught_exception(stack: str, priority: str) -> None:
    ranked = prioritizer.rank(
        cluster(kind="exception", message="cart 77 is locked", max_severity="ERROR", stack_pattern=stack)
    )
    assert ranked.priority == priority


@pytest.mark.parametrize(
    ("message", "severity", "priority"),
    [
        ("listen tcp :8080: bind: address already in use", "ERROR", "P1"),
        ("Error: listen EADDRINUSE: address already in use :::3000", "ERROR", "P1"),
        ("[Errno 98] Address already in use", "CRITICAL", "P1"),
        ("java.net.BindException: Address already in use", "ERROR", "P1"),
        # a warning that another port was taken instead is no failure to serve
        ("port 8080 is already in use by the debugger, listening on 8081", "WARNING", "P3"),
    ],
)
def test_a_server_that_cannot_listen_on_its_port_is_p1(message: str, severity: str, priority: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity=severity))
    assert ranked.priority == priority


CELERY_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.12/site-packages/celery/app/trace.py", line 453, in trace_task\n'
    "    R = retval = fun(*args, **kwargs)\n"
    '  File "/srv/shop/tasks.py", line 31, in send_receipt\n'
    "    smtp.send(receipt)\n"
    "smtplib.SMTPAuthenticationError: (535, b'bad credentials')"
)


@pytest.mark.parametrize(
    ("message", "stack", "events", "priority"),
    [
        ("(535, b'bad credentials')", CELERY_TRACE, 2, "P1"),
        (
            "Task shop.tasks.send_receipt[0b6f5c1e-3b7a-4c1e-9d2a-6f0e8a1b2c3d] raised unexpected: KeyError('cart')",
            None,
            2,
            "P1",
        ),
        ("(535, b'bad credentials')", CELERY_TRACE, 1, "P2"),  # once: isolated
        # the same exception outside Celery's task runner is no background task
        ("(535, b'bad credentials')", CELERY_TRACE.replace("celery/app/trace.py", "shop/mailer.py"), 2, "P2"),
    ],
)
def test_a_background_task_that_fails_each_time_it_runs_is_p1(
    message: str, stack: str | None, events: int, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception" if stack else "message",
            message=message,
            max_severity="ERROR",
            stack_pattern=stack,
            count=events,
            events=events,
        )
    )
    assert ranked.priority == priority


def test_a_beam_pipeline_that_failed_where_it_was_launched_is_a_failed_pipeline_job() -> None:
    message = (
        "apache_beam.runners.dataflow.dataflow_runner.DataflowRuntimeException: Dataflow pipeline failed. "
        "State: FAILED, Error:\nWorkers failed to start."
    )
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR"))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "a data pipeline's job or task failed: 1 event between 16:00:00Z and 16:14:00Z; the data it builds "
        "is not produced",
    )


@pytest.mark.parametrize(
    ("title", "message", "priority"),
    [
        ("ActionView::Template::Error: Broken pipe", "Broken pipe", "P3"),
        ("BrokenPipeError: [Errno 32] Broken pipe", "[Errno 32] Broken pipe", "P3"),
        ("Errno::EPIPE: Broken pipe - write", "Broken pipe - write", "P3"),
        ("org.apache.catalina.connector.ClientAbortException: java.io.IOException: x", "x", "P3"),
        # a pipe broken to something else than the client, said among other words, is not the client leaving
        (
            "RuntimeError: the worker's broken pipe cannot be repaired",
            "the worker's broken pipe cannot be…",
            "P2",
        ),
    ],
)
def test_an_exception_because_the_client_went_away_is_p3(title: str, message: str, priority: str) -> None:
    ranked = prioritizer.rank(cluster(kind="exception", title=title, message=message, max_severity="ERROR"))
    assert ranked.priority == priority


LOGURU_JOB_CRASH = (
    "Traceback (most recent call last):\n"
    '  File "/app/main.py", line 12, in <module>\n'
    "    collection = UserStatusCollection()\n"
    '  File "/app/user_status.py", line 15, in __init__\n'
    "    self.database = db\n"
    "NameError: name 'db' is not defined"
)
# the same error caught by the command that ran it, logged, and the program went on (no top-level frame)
CAUGHT_AND_LOGGED = (
    "Traceback (most recent call last):\n"
    '  File "/app/market_data_etl/cli/commands.py", line 463, in clear_database_command\n'
    "    db.clear_ticker_data(ticker)\n"
    '  File "/app/market_data_etl/database/manager.py", line 1015, in clear_ticker_data\n'
    "    self.database = db\n"
    "NameError: name 'db' is not defined"
)
NODE_CRASH = (
    "/app/index.js:12\n    throw new Error('boom');\n    ^\n\nError: name 'db' is not defined\n"
    "    at Object.<anonymous> (/app/index.js:12:11)\n    at Module._compile (node:internal/modules/cjs/loader:1105:14)\n"
    "\nNode.js v18.20.4"
)
DOTNET_CRASH = (
    "Unhandled exception. System.InvalidOperationException: name 'db' is not defined\n"
    "   at Import.Program.Main(String[] args) in /src/Program.cs:line 12"
)
JOB_STDERR = "cloud_run_job run.googleapis.com/stderr"


@pytest.mark.parametrize(
    ("log", "kind", "severity", "events", "stack", "priority"),
    [
        # the import job died on the same uncaught exception in two executions (stderr or stdout)
        (JOB_STDERR, "exception", "ERROR", 2, LOGURU_JOB_CRASH, "P1"),
        ("cloud_run_job run.googleapis.com/stdout", "exception", "ERROR", 2, LOGURU_JOB_CRASH, "P1"),
        (JOB_STDERR, "exception", "ERROR", 2, NODE_CRASH, "P1"),
        (JOB_STDERR, "exception", "ERROR", 2, DOTNET_CRASH, "P1"),
        # once: isolated
        (JOB_STDERR, "exception", "ERROR", 1, LOGURU_JOB_CRASH, "P2"),
        # caught and logged by the job, which went on
        (JOB_STDERR, "exception", "ERROR", 2, CAUGHT_AND_LOGGED, "P2"),
        # the same exception in a service's request is no job execution failing
        ("cloud_run_revision run.googleapis.com/stderr", "exception", "ERROR", 2, LOGURU_JOB_CRASH, "P2"),
        # a warning with a stack is no crash
        (JOB_STDERR, "exception", "WARNING", 2, LOGURU_JOB_CRASH, "P3"),
    ],
)
def test_a_cloud_run_job_that_dies_on_an_uncaught_exception_in_executions_is_p1(
    log: str, kind: str, severity: str, events: int, stack: str, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind=kind,
            title="NameError: name 'db' is not defined in __init__",
            message="name 'db' is not defined",
            exception_type="NameError",
            stack_pattern=stack,
            max_severity=severity,
            severities={severity: events},
            count=events * 7,
            events=events,
            logs={log: events * 7},
            services={"status-import": events * 7},
        )
    )
    assert ranked.priority == priority
    if priority == "P1":
        assert ranked.reasons[0].startswith("a Cloud Run job's task dies on an uncaught exception (2 events")


RUST_ERROR_CHAIN = (
    "Error: could not open the ledger snapshot\n\nCaused by:\n    0: reading /data/ledger/2026-12.snap\n"
    "    1: Permission denied (os error 13)"
)


@pytest.mark.parametrize(
    ("log", "events", "message", "priority"),
    [
        # the program returned the error from main in two executions: each failed
        (JOB_STDERR, 2, RUST_ERROR_CHAIN, "P1"),
        # once: isolated
        (JOB_STDERR, 1, RUST_ERROR_CHAIN, "P2"),
        # a service's: no job execution failing
        ("cloud_run_revision run.googleapis.com/stderr", 2, RUST_ERROR_CHAIN, "P2"),
        # an error without its causes' report is a line like any other
        (JOB_STDERR, 2, "Error: could not open the ledger snapshot", "P2"),
    ],
)
def test_a_cloud_run_job_whose_program_returns_an_error_chain_is_p1(
    log: str, events: int, message: str, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            message=message,
            template=message,
            title=message.split("\n", 1)[0],
            max_severity="ERROR",
            severities={"ERROR": events},
            count=events * 5,
            events=events,
            logs={log: events * 5},
            services={"ledger-export": events * 5},
        )
    )
    assert ranked.priority == priority
    if priority == "P1":
        assert ranked.reasons[0].startswith("a Cloud Run job's program ends on the error its main returned")


@pytest.mark.parametrize(
    ("log", "priority", "reason"),
    [
        # each exit ends a failed execution of the job: its work is not done, no service is down
        (
            JOB_STDERR.replace("stderr", "varlog/system"),
            "P1",
            "a Cloud Run job's task exits with an error: 3 exits",
        ),
        # the same exits of a service's containers are its crash loop
        (
            "cloud_run_revision run.googleapis.com/varlog/system",
            "P0",
            "container exit loop: 3 container exits",
        ),
    ],
)
def test_a_cloud_run_jobs_container_exits_are_failed_executions_not_a_crash_loop(
    log: str, priority: str, reason: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            message="Container called exit(2).", count=3, events=3, logs={log: 3}, services={"importer": 3}
        )
    )
    assert (ranked.priority, ranked.reasons[0].startswith(reason)) == (priority, True)


@pytest.mark.parametrize(
    ("stack", "priority"),
    [
        # the runtime's version closes the report: the process died on it
        (NODE_CRASH, "P1"),
        # the same error logged by a handler that caught it, the process goes on
        (NODE_CRASH.removesuffix("\nNode.js v18.20.4"), "P2"),
    ],
)
def test_a_node_process_that_dies_on_an_uncaught_exception_in_a_service_is_p1(
    stack: str, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            title="Error: boom in Object.<anonymous>",
            exception_type="Error",
            stack_pattern=stack,
            max_severity="ERROR",
            severities={"ERROR": 2},
            count=14,
            events=2,
            logs={"k8s_container stderr": 14},
        )
    )
    assert ranked.priority == priority
    if priority == "P1":
        assert ranked.reasons[0].startswith("the process died of an exception nothing caught (2 events")


PHOENIX_REQUEST_CRASH = (
    "#PID<0.912.0> running ShopWeb.Endpoint (connection #PID<0.911.0>, stream id 1) terminated\n"
    "Server: shop.example.com:80 (http)\nRequest: GET /api/carts/41\n** (exit) an exception was raised:\n"
    "    ** (Postgrex.Error) FATAL 53300 (too_many_connections) sorry, too many clients already\n"
    "        (shop 1.4.0) lib/shop_web/controllers/cart_controller.ex:19: ShopWeb.CartController.show/2"
)


@pytest.mark.parametrize(
    ("stack", "priority"),
    [
        (PHOENIX_REQUEST_CRASH, "P1"),
        # a GenServer's crash report is no request's
        (PHOENIX_REQUEST_CRASH.replace(
            "#PID<0.912.0> running ShopWeb.Endpoint (connection #PID<0.911.0>, stream id 1) terminated",
            "GenServer Shop.CartCache terminating",
        ), "P2"),
    ],
)  # fmt: skip
def test_a_phoenix_request_whose_process_crashed_failed_with_a_500(stack: str, priority: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            title="Postgrex.Error: FATAL 53300 (too_many_connections)",
            exception_type="Postgrex.Error",
            stack_pattern=stack,
            max_severity="ERROR",
            severities={"ERROR": 2},
            count=14,
            events=2,
        )
    )
    assert ranked.priority == priority


@pytest.mark.parametrize(
    "message",
    [
        "deadlock detected",
        "psycopg2.errors.DeadlockDetected: deadlock detected\nDETAIL:  Process 41 waits for ShareLock on transaction 7",
        "could not serialize access due to concurrent update",
        "ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction",
        "Lock wait timeout exceeded; try restarting transaction",
        "Transaction (Process ID 61) was deadlocked on lock resources with another process and has been chosen as "
        "the deadlock victim. Rerun the transaction.",
        "409 too much contention on these datastore entities. please try again.",
    ],
)
def test_a_transaction_the_database_aborted_for_a_conflict_is_p2_however_often(message: str) -> None:
    """The database settles a conflict between concurrent transactions by aborting one, which the client may
    retry: a lock order or a hot row to fix, not a broken path (docs/priorities.md, `transaction-conflict`)."""
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=6, events=6))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P2",
        "the database aborted a transaction to settle a conflict with a concurrent one (6 events between "
        "16:00:00Z and 16:14:00Z): the client may retry it; a lock order or hot row to fix, no outage shown",
    )


@pytest.mark.parametrize(
    "message",
    [
        "deadlock detected",  # at WARNING a program that retries by itself says so: the warnings' rules decide
        "a deadlock was not detected, lock order checked",
        "could not serialize access",  # the client's own words, not the database's report
    ],
)
def test_look_alikes_of_a_transaction_conflict_keep_their_rules(message: str) -> None:
    severity = "WARNING" if message == "deadlock detected" else "ERROR"
    ranked = prioritizer.rank(cluster(message=message, max_severity=severity, count=6, events=6))
    assert not ranked.reasons[0].startswith("the database aborted")


@pytest.mark.parametrize(
    "services",
    [
        {"kube-system/konnectivity-agent": 3},
        {"kube-system/sidecar": 2},
        {"gmp-system/collector": 4, "kube-system/kube-proxy": 1},
        {"gke-managed-filestorecsi/filestore-driver": 3},
    ],
)
def test_errors_of_the_components_gke_manages_are_noise(services: dict[str, int]) -> None:
    """konnectivity-agent's `could not read stream`, kube-dns' sidecar timeouts: GKE's own components retrying
    (docs/priorities.md, `gke-system-component`), as the VM agents are on Compute Engine."""
    message = '"could not read stream" err="rpc error: code = Canceled desc = context canceled"'
    ranked = prioritizer.rank(
        cluster(message=message, max_severity="ERROR", count=3, events=3, services=services)
    )
    assert (ranked.priority, ranked.reasons[0][:45]) == (
        "P3",
        "a component GKE runs and manages in the clust",
    )


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        ({"services": {"kube-system/konnectivity-agent": 3, "shop/api": 1}}, "P1"),  # a workload's too
        ({"services": {"kube-systemx/agent": 3}}, "P1"),
        ({"services": {"monitoring/kube-system-exporter": 3}}, "P1"),
        ({"services": {"kube-system/konnectivity-agent": 30}, "count": 30, "events": 30}, "P1"),  # sustained
        ({"services": {"kube-system/kubedns": 3}, "max_severity": "CRITICAL"}, "P0"),  # kube-dns cannot start
        (
            {
                "services": {"kube-system/coredns": 3},
                "message": "listen udp :53: bind: address already in use",
            },
            "P1",
        ),
        (
            {
                "services": {"kube-system/kubedns": 3},
                "message": "Back-off restarting failed container kubedns",
            },
            "P0",
        ),
    ],
)
def test_a_gke_component_that_fails_or_beside_a_workload_keeps_its_rules(
    changes: dict[str, Any], priority: str
) -> None:
    fields: dict[str, Any] = {
        "message": "Error getting metrics from dnsmasq: i/o timeout",
        "max_severity": "ERROR",
    }
    fields.update({"count": 3, "events": 3, **changes})
    ranked = prioritizer.rank(cluster(**fields))
    assert ranked.priority == priority, ranked.reasons


def test_a_rule_of_yours_may_name_services() -> None:
    rule = PriorityRule(name="batch", priority="P3", reason="batch noise", service_patterns=[r"^batch/"])
    ranked = Prioritizer([[rule]]).rank(cluster(services={"batch/nightly": 2}))
    other = Prioritizer([[rule]]).rank(cluster(services={"api": 2}))
    assert (ranked.reasons, other.reasons[0]) == (["batch noise"], "no rule matched: review manually")


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        ("memory resource limit alarm set on node 'rabbit@rabbitmq-0'.", "WARNING"),
        ("disk resource limit alarm set on node 'rabbit@mq-1'.", "WARNING"),
        ("*** Publishers will be blocked until this alarm clears ***", "WARNING"),
        (
            "flood stage disk watermark [95%] exceeded on [es-data-0][/usr/share/elasticsearch/data] free: 1.2gb"
            "[4.8%], all indices on this node will be marked read-only",
            "WARNING",
        ),
        ('database is not accepting commands to avoid wraparound data loss in database "orders"', "ERROR"),
    ],
)
def test_a_data_store_that_stops_taking_writes_is_p1_at_any_level(message: str, severity: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity=severity, count=1, events=1))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "a data store stopped taking writes to protect itself (1 event between 16:00:00Z and 16:14:00Z): "
        "every publisher or writer waits or fails until memory or disk is freed",
    )


@pytest.mark.parametrize(
    "message",
    [
        "memory resource limit alarm cleared on node 'rabbit@rabbitmq-0'",
        "high disk watermark [90%] exceeded on [es-data-0], shards will be relocated away from this node",
    ],
)
def test_a_cleared_alarm_or_a_lower_watermark_blocks_no_writes(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="WARNING", count=1, events=1))
    assert ranked.priority != "P1", ranked.reasons


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            "Error for partition orders-0 at offset 884120 (kafka.server.ReplicaFetcherThread)\n"
            "org.apache.kafka.common.errors.NotLeaderOrFollowerException: For requests intended only for the leader",
            "a partition's leader moved",
        ),
        (
            "[Producer clientId=producer-1] Got error produce response with correlation id 812 on topic-partition "
            "orders-3, retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER",
            "a partition's leader moved",
        ),
        (
            "Error while fetching metadata with correlation id 7 : {orders=LEADER_NOT_AVAILABLE}",
            "a partition's leader moved",
        ),
        (
            "closing AMQP connection <0.900.0> (10.4.2.11:50010 -> 10.4.0.9:5672):\n"
            "2026-12-01 14:38:20.200100+00:00 [error] <0.900.0> {inet_error,etimedout}",
            "clients left the message broker",
        ),
        (
            "closing AMQP connection <0.7101.0> (10.4.2.11:50010 -> 10.4.0.9:5672, vhost: '/', user: 'app'):\n"
            "client unexpectedly closed TCP connection",
            "clients left the message broker",
        ),
        ("missed heartbeats from client, timeout: 60s", "clients left the message broker"),
    ],
)
def test_a_moved_kafka_leader_or_a_client_that_left_the_broker_is_noise(message: str, reason: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=3, events=3))
    assert (ranked.priority, ranked.reasons[0][: len(reason)]) == ("P3", reason)


@pytest.mark.parametrize(
    ("message", "events"),
    [
        (
            "org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]",
            3,
        ),
        (
            "Error for partition orders-0 (kafka.server.ReplicaFetcherThread)\n…NotLeaderOrFollowerException: x",
            80,
        ),
        (
            "closing AMQP connection <0.900.0> (10.4.2.11:50010 -> 10.4.0.9:5672):\n{handshake_timeout,frame_header}",
            3,
        ),
    ],
)
def test_other_broker_errors_or_a_leader_storm_keep_their_rules(message: str, events: int) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=events, events=events))
    assert ranked.priority == "P1", ranked.reasons


_DAGBAG_IMPORT = (
    "Traceback (most recent call last):\n"
    '  File "/opt/python3.11/lib/python3.11/site-packages/airflow/models/dagbag.py", line 347, in parse\n'
    "    loader.exec_module(new_module)\n"
    '  File "/home/airflow/gcs/dags/report_dag.py", line 7, in <module>\n'
    "    import pandas_gbq\n"
    "ModuleNotFoundError: No module named 'pandas_gbq'"
)


def test_a_dag_file_airflow_cannot_import_is_p1_not_a_startup_crash() -> None:
    """The traceback of a DAG file's import runs through its `<module>` frame, but only that DAG is skipped."""
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            exception_type="ModuleNotFoundError",
            max_severity="ERROR",
            count=3,
            events=3,
            message="No module named 'pandas_gbq'",
            stack_pattern=_DAGBAG_IMPORT,
            affected_files=[
                AffectedFile(
                    file="/home/airflow/gcs/dags/report_dag.py", line=7, function="<module>", count=3
                )
            ],
        )
    )
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "a DAG file cannot be imported (3 events between 16:00:00Z and 16:14:00Z): the scheduler skips that "
        "DAG and its runs do not happen; the scheduler and the other DAGs keep running",
    )
    broken = "Broken DAG: [/home/airflow/gcs/dags/x.py] No module named 'pandas_gbq'"
    assert prioritizer.rank(cluster(message=broken, max_severity="ERROR")).priority == "P1"


def test_an_airflow_tasks_failed_try_is_a_failed_pipeline_task_even_twice() -> None:
    stack = (
        "Traceback (most recent call last):\n"
        '  File "/opt/python3.11/lib/python3.11/site-packages/airflow/models/taskinstance.py", line 465, in '
        "_execute_task\n    result = _execute_callable(context=context)\n"
        "google.api_core.exceptions.Forbidden: 403 Access Denied: Table p:finance.ledger"
    )
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            max_severity="ERROR",
            count=2,
            events=2,
            message="403 Access Denied",
            stack_pattern=stack,
        )
    )
    assert ranked.priority == "P1" and ranked.reasons[0].startswith("a data pipeline's job or task failed")


@pytest.mark.parametrize(
    "message",
    [
        "Container [pid=18231,containerID=container_e01_1764660000000_0042_01_000003] is running 412MB beyond the "
        "'PHYSICAL' memory limit. Current usage: 12.4 GB of 12 GB physical memory used. Killing container.",
        "Lost executor 3 on w-0.internal: Container killed by YARN for exceeding physical memory limits. 12.4 GB of "
        "12 GB physical memory used. Consider boosting spark.executor.memoryOverhead.",
        "Exceeded soft memory limit of 256 MiB with 281 MiB after servicing 1841 requests total.",
        "Shutting down JVM after 8 consecutive periods of measured GC thrashing. Memory is used/total/max = "
        "3811/3912/3912 MB",
    ],
)
def test_memory_kills_of_yarn_app_engine_and_dataflow_are_workers_killed(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, title=message, count=3, events=3))
    assert ranked.priority == "P1" and ranked.reasons[0].startswith("workers killed by the platform")
    assert prioritizer.rank(cluster(message=message, title=message)).priority != "P1"  # once: no pattern yet


@pytest.mark.parametrize(
    "message",
    [
        'Uncaught PHP Exception Symfony\\Component\\HttpKernel\\Exception\\NotFoundHttpException: "No route found '
        'for "GET https://shop.example.com/wp-admin/setup-config.php"" at RouterListener.php line 127',
        "No query results for model [App\\Models\\Order] 991 (ModelNotFoundException)",
        "org.springframework.web.servlet.resource.NoResourceFoundException: No static resource .env.",
    ],
)
def test_a_frameworks_404_exception_is_noise(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity="CRITICAL", count=9, events=9)
    )
    assert ranked.priority == "P3" and ranked.reasons[0].startswith("HTTP 404: the framework answered")


@pytest.mark.parametrize(
    "message",
    [
        "Stripe::CardError: Your card was declined.",
        "StripeCardError: Your card has insufficient funds.",
        "charge failed: com.stripe.exception.CardException: Your card was declined.; code: card_declined",
    ],
)
def test_a_declined_card_is_noise(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity="ERROR", count=9, events=9)
    )
    assert ranked.priority == "P3" and ranked.reasons[0].startswith("a payment processor declined")


@pytest.mark.parametrize(
    "message",
    [
        "Stripe::APIConnectionError: Could not connect to Stripe",
        "route not found in cache, rebuilding",
        "CardErrorHandler registered",
        "No route found for ticket 12",
    ],
)
def test_look_alikes_of_a_decline_or_a_404_keep_their_priority(message: str) -> None:
    assert (
        prioritizer.rank(
            cluster(message=message, title=message, max_severity="ERROR", count=9, events=9)
        ).priority
        == "P1"
    )


@pytest.mark.parametrize(
    ("changes", "matched"),
    [
        ({"message": "disk quota exceeded on /data", "count": 5}, True),
        (
            {"message": "disk quota exceeded on /data", "count": 2},
            False,
        ),  # the text matches, the count does not
        ({"message": "all good", "count": 5}, False),  # the count does, the text does not
        (
            {"message": "all good", "count": 5, "stack_pattern": "quota exceeded in write()"},
            True,
        ),  # the stack
        ({"message": "disk quota exceeded", "count": 5, "max_severity": "INFO"}, False),  # below its severity
    ],
)
def test_a_rule_holds_when_every_condition_does_whichever_is_checked_first(
    changes: dict[str, Any], matched: bool
) -> None:
    """A rule's plain conditions are checked before its patterns are searched: what it decides is the same."""
    rule = PriorityRule(
        name="quota",
        priority="P1",
        reason="quota",
        message_patterns=["quota exceeded"],
        stack_patterns=["quota exceeded"],
        min_count=3,
        min_severity="WARNING",
    )
    ranked = Prioritizer([[rule]]).rank(cluster(**changes))
    assert (ranked.reasons == ["quota"]) is matched


@pytest.mark.parametrize(
    ("message", "panicked"),
    [
        ("*** SIGSEGV received at time=1764650400 on cpu 2 ***", True),
        ("*** SIGABRT (@0x1) received by PID 1 (TID 0x7f3a1b2c3d40) from PID 1; stack trace: ***", True),
        (
            '*** Aborted at 1764650400 (unix time) try "date -d @1764650400" if you are using GNU date ***',
            True,
        ),
        # a shutdown the same handler reports, and a signal named in a sentence
        ("*** SIGTERM received at time=1764650400 on cpu 2 ***", False),
        ("worker got SIGSEGV received at time=1764650400", False),
    ],
)
def test_a_native_programs_failure_signal_report_is_a_process_that_died(message: str, panicked: bool) -> None:
    """absl's and glog's failure signal handlers report a crash of a C++ program (its stack follows, one event):
    the process is gone, as after a Go panic; the same handler's report of a SIGTERM is a shutdown."""
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", count=10, events=2))
    assert ranked.reasons[0].startswith("the process died of a panic nothing recovered") == panicked


@pytest.mark.parametrize(
    "message",
    [
        "error: kex_exchange_identification: Connection closed by remote host",
        "kex_exchange_identification: read: Connection reset by peer",
        "Invalid user admin from 198.51.100.7 port 50122",
        "banner exchange: Connection from 198.51.100.7 port 41000: invalid format",
        "Connection closed by authenticating user root 198.51.100.7 port 50122 [preauth]",
        "Unable to negotiate with 198.51.100.7 port 3200: no matching key exchange method found.",
    ],
)
def test_sshd_refusing_scanners_is_noise(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            message=message, title=message, max_severity="ERROR", count=3, events=3, severities={"ERROR": 3}
        )
    )
    assert ranked.priority == "P3" and ranked.reasons[0].startswith("sshd refused connections")


@pytest.mark.parametrize(
    "message",
    [
        "error: Bind to port 22 on 0.0.0.0 failed: Address already in use.",
        "fatal: Cannot bind any address.",
        "error: kex_exchange_identification failed for the backup job",  # (no sshd wording after the colon)
    ],
)
def test_sshd_failing_itself_is_no_probe(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            message=message, title=message, max_severity="ERROR", count=3, events=3, severities={"ERROR": 3}
        )
    )
    assert not ranked.reasons[0].startswith("sshd refused connections")


def test_a_failed_bigquery_job_is_no_benign_lookup() -> None:
    message = (
        "INVALID_ARGUMENT on google.cloud.bigquery.v2.JobService.InsertJob (bigquery.googleapis.com): "
        "Resources exceeded during query execution"
    )
    ranked = prioritizer.rank(
        cluster(
            kind="audit",
            message=message,
            title=message.replace("google.cloud.bigquery.v2.", ""),
            signature="audit | INVALID_ARGUMENT google.cloud.bigquery.v2.JobService.InsertJob "
            "bigquery.googleapis.com | x",
            max_severity="ERROR",
            count=3,
            events=3,
        )
    )
    assert ranked.priority == "P2" and "a BigQuery job failed on its query's own error" in ranked.reasons[0]


def test_a_bigquery_lookup_of_a_missing_table_stays_benign() -> None:
    message = (
        "NOT_FOUND on google.cloud.bigquery.v2.TableService.GetTable (bigquery.googleapis.com): Not found"
    )
    ranked = prioritizer.rank(
        cluster(
            kind="audit",
            message=message,
            title=message,
            signature="audit | NOT_FOUND google.cloud.bigquery.v2.TableService.GetTable bigquery.googleapis.com | x",
            max_severity="ERROR",
        )
    )
    assert ranked.priority == "P3" and "the API refused the call" in ranked.reasons[0]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"max_severity": "CRITICAL", "severities": {"CRITICAL": 36}, "count": 36, "events": 1},
            "severity CRITICAL: 1 event (36 entries)",
        ),
        (
            {"message": "Retrying connection to db (attempt 3 of 5)", "count": 12, "events": 2},
            "warning with user impact (timeouts, failed connections or configuration drift): 2 events (12 entries)",
        ),
        (
            {"count": 8, "events": 1, "severities": {"WARNING": 8}},
            "low-impact warning: 1 event (8 entries), no error severity and no user-facing failure",
        ),
        (  # one entry an event: counted as entries, as before
            {"max_severity": "CRITICAL", "severities": {"CRITICAL": 3}, "count": 3, "events": 3},
            "severity CRITICAL: 3 entries",
        ),
    ],
)
def test_a_reason_counts_a_reassembled_report_as_one_event(changes: dict[str, Any], reason: str) -> None:
    ranked = prioritizer.rank(cluster(**changes))
    assert ranked.reasons[0] == reason


@pytest.mark.parametrize(
    ("events", "priority"),
    [(2, "P1"), (1, "P2")],  # (one refusal is an isolated error)
)
def test_an_exception_of_a_refused_connection_is_a_dependency_refusing(events: int, priority: str) -> None:
    # console.error of Node.js' AggregateError, a Python ConnectionRefusedError: exceptions, not plain lines
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            exception_type="AggregateError",
            title="AggregateError: ECONNREFUSED",
            message="ECONNREFUSED",
            max_severity="ERROR",
            severities={"ERROR": 25 * events},
            count=25 * events,
            events=events,
        )
    )
    assert ranked.priority == priority
    assert ranked.reasons[0].startswith(
        "a dependency refuses connections" if events > 1 else "isolated error"
    )


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        ("CircuitBreaker 'payments' changed state from CLOSED to OPEN", "P2"),
        ("circuit breaker: state changed from half-open to open", "P2"),
        ("Circuit breaker opened for inventory-client", "P2"),
        ("Breaking the circuit for 30s due to: HttpRequestException", "P2"),
        ("CircuitBreaker 'payments' changed state from OPEN to HALF_OPEN", "P3"),  # (it tries again)
        ("CircuitBreaker 'payments' changed state from HALF_OPEN to CLOSED", "P3"),  # (recovered)
    ],
)
def test_a_circuit_breaker_that_opens_is_a_warning_with_user_impact(message: str, priority: str) -> None:
    assert prioritizer.rank(cluster(message=message, title=message, count=3, events=3)).priority == priority


@pytest.mark.parametrize(
    "message",
    [
        'W1118 09:10:00.412233       7 controller.go:1214] Service "shop/orders" does not have any active Endpoint.',
        "[error] 1109#0: *8812 [lua] balancer.lua:333: failure to get a peer from the ring-balancer: "
        "failed to get a peer from the ring-balancer, client: 10.0.0.9",
        "upstream answered 503: no healthy upstream",
        "Endpoints not available for shop/orders",
        'level=error msg="Skipping service: no endpoints found" namespace=shop serviceName=orders',
    ],
)
def test_a_proxy_without_a_ready_backend_twice_is_p1_at_any_level(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="WARNING", events=3))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "a proxy finds no ready backend behind a service (3 events between 16:00:00Z and 16:14:00Z): every "
        "request routed to it fails until its pods are ready again",
    )


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        # one event: a pod replaced during a rollout, left to the other rules (a low-impact warning)
        (
            {
                "message": 'Service "shop/orders" does not have any active Endpoint.',
                "max_severity": "WARNING",
                "events": 1,
            },
            "P3",
        ),
        # a Service whose Endpoints the controller found: nothing is down
        (
            {
                "message": 'Service "shop/orders" has 3 active Endpoints',
                "max_severity": "WARNING",
                "events": 3,
            },
            "P3",
        ),
    ],
)
def test_what_the_no_backend_rule_leaves_alone(changes: dict[str, Any], priority: str) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


def test_a_revision_not_ready_counts_a_report_split_over_lines_as_one_event() -> None:
    ranked = prioritizer.rank(
        cluster(
            message="Revision 'api-00012-xiz' is not ready and cannot serve traffic. The user-provided container "
            "failed to start and listen on the port defined provided by the PORT=8080 environment variable.",
            max_severity="ERROR",
            severities={"ERROR": 4},
            count=4,
            events=1,
        )
    )
    assert ranked.reasons[0] == "revision not ready: the service cannot serve (1 event (4 entries))"


@pytest.mark.parametrize(
    ("events", "span_minutes", "priority"),
    [
        (2, 1, "P0"),  # restarted and crashed again within a minute: a loop
        (4, 14, "P0"),  # 4-5 minutes apart, as a crash loop's back-off spaces them
        (2, 22, "P2"),  # two crashes 22 minutes apart: two crashes, each restarted (an isolated error)
        (3, 120, "P1"),  # an hour apart: sustained errors
    ],
)
def test_container_exits_far_apart_are_crashes_not_an_exit_loop(
    events: int, span_minutes: int, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            message="Container called exit(133).",
            count=events,
            events=events,
            max_severity="ERROR",
            last_seen=START + timedelta(minutes=span_minutes),
        )
    )
    assert ranked.priority == priority
    assert ranked.reasons[0].startswith("container exit loop") == (priority == "P0")


@pytest.mark.parametrize(
    "message",
    [
        "Sources/App/Cart.swift:88: Fatal error: Index out of range\n\n💣 Program crashed: System trap at 0x55d1c2b3a4f0",
        "Unhandled exception:\nBad state: No element\n#0      Orders.latest (package:shop/orders.dart:22:30)",
        "Fatal error: Index out of range: file Swift/ContiguousArrayBuffer.swift, line 600\nCurrent stack trace:",
    ],
    ids=["swift-trap", "dart-unhandled", "swift-trap-before-5-9"],
)
def test_a_swift_trap_or_a_dart_unhandled_exception_ends_the_process(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            message=message,
            count=2,
            events=2,
            max_severity="ERROR",
            severities={"ERROR": 2},
        )
    )
    assert ranked.priority == "P1"
    assert ranked.reasons[0].startswith("the process died of a panic nothing recovered")


def test_color_eyres_report_ending_a_jobs_executions_is_a_failed_job() -> None:
    ranked = prioritizer.rank(
        cluster(
            message="Error: could not open /etc/app/app.toml: No such file or directory (os error 2)\n"
            "   0: could not open /etc/app/app.toml: No such file or directory (os error 2)\n\nLocation:\n"
            "   src/config.rs:27",
            count=12,
            events=2,
            max_severity="ERROR",
            severities={"ERROR": 12},
            logs={"cloud_run_job run.googleapis.com/stderr": 12},
        )
    )
    assert ranked.priority == "P1"
    assert ranked.reasons[0].startswith("a Cloud Run job's program ends on the error its main returned")


_PERIMETER = (
    "PERMISSION_DENIED on google.cloud.bigquery.v2.TableDataService.InsertAll (bigquery.googleapis.com): Request is "
    "prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: [REDACTED:secret]"
)


@pytest.mark.parametrize(
    ("message", "events", "principal", "priority", "reason"),
    [
        (
            _PERIMETER,
            5,
            "service-account",
            "P1",
            "PERMISSION_DENIED: a VPC Service Controls perimeter blocks",
        ),
        # once: one of your service accounts denied, as before
        (
            _PERIMETER,
            1,
            "service-account",
            "P2",
            "PERMISSION_DENIED: one of your service accounts was denied",
        ),
        # a person the perimeter keeps out: as designed
        (_PERIMETER, 5, "user", "P3", "PERMISSION_DENIED for an outside caller, a person"),
        # an IAM denial of your service account, repeated: fix the binding
        (
            "PERMISSION_DENIED on storage.objects.list (storage.googleapis.com): Permission denied",
            5,
            "service-account",
            "P2",
            "PERMISSION_DENIED: one of your service accounts was denied",
        ),
    ],
    ids=["perimeter-repeated", "perimeter-once", "perimeter-person", "iam-denial"],
)
def test_a_vpc_service_controls_perimeter_blocking_your_service_account_is_a_broken_path(
    message: str, events: int, principal: str, priority: str, reason: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="audit",
            signature="audit | PERMISSION_DENIED InsertAll bigquery.googleapis.com | x",
            title=message,
            message=message,
            count=events,
            events=events,
            max_severity="ERROR",
            principal_kinds={principal: events},
        )
    )
    assert (ranked.priority, ranked.reasons[0].startswith(reason)) == (priority, True)


_SLOW = (
    "[pool www] child 41, script '/var/www/html/index.php' (request: \"POST /index.php\") executing too slow "
    "(5.310 sec), logging"
)


@pytest.mark.parametrize(
    ("message", "events", "severity", "priority"),
    [
        (_SLOW, 3, "WARNING", "P2"),  # requests users waited for, again and again
        (_SLOW, 1, "WARNING", "P3"),  # once: a low-impact warning, as before
    ],
    ids=["slow-requests", "slow-once"],
)
def test_slow_requests_a_server_logged_are_a_degraded_path(
    message: str, events: int, severity: str, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(message=message, title=message, count=events * 7, events=events, max_severity=severity)
    )
    assert ranked.priority == priority
    assert ranked.reasons[0].startswith("requests ran past") == (priority == "P2")


@pytest.mark.parametrize(
    ("message", "severity", "events", "priority", "reason"),
    [
        # one worker the platform or its server killed: one request failed, the service answered the rest
        ("WORKER TIMEOUT (pid:12)", "CRITICAL", 1, "P2", "one worker killed by the platform or its server"),
        (
            "Exceeded soft memory limit of 256 MB with 271 MB after servicing 1310 requests total.",
            "CRITICAL",
            1,
            "P2",
            "one worker killed by the platform or its server",
        ),
        (
            "Memory limit of 512 MiB exceeded with 538 MiB used.",
            "ERROR",
            1,
            "P2",
            "one worker killed by the platform or its server",
        ),
        # again and again: the requests they served failed
        ("WORKER TIMEOUT (pid:<*>)", "CRITICAL", 3, "P1", "workers killed by the platform or their server"),
        # a CRITICAL line that kills nothing keeps its rank
        ("payment ledger unreachable, refusing all writes", "CRITICAL", 1, "P0", "severity CRITICAL"),
    ],
    ids=["gunicorn-once", "app-engine-once", "cloud-run-once", "gunicorn-repeated", "critical"],
)
def test_one_killed_worker_is_a_ticket_whatever_level_its_server_logs(
    message: str, severity: str, events: int, priority: str, reason: str
) -> None:
    """gunicorn writes `WORKER TIMEOUT` at CRITICAL and App Engine its memory limit too: the level is the server's
    habit, the impact one request (docs/priorities.md, `worker-killed-once`)."""
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity=severity, count=events, events=events)
    )
    assert (ranked.priority, ranked.reasons[0].startswith(reason)) == (priority, True), ranked.reasons


_LEDGER_STACK = (
    "org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint\n"
    "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2713)\n"
    "\tat {package}.LedgerWriter.write(LedgerWriter.java:77)"
)


@pytest.mark.parametrize(
    ("package", "priority"),
    [
        ("com.example.ledger", "P2"),  # the reserved domain, reversed: a real service's placeholder group id
        ("org.example.billing", "P2"),
        ("com.acme.examples.ledger", "P3"),  # an examples package: demo code
        ("com.example.examples.ledger", "P3"),
        ("com.acme.sample.ledger", "P3"),
    ],
)
def test_a_jvm_package_under_com_example_is_real_code_not_an_example(package: str, priority: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="exception",
            exception_type="PSQLException",
            message="ERROR: duplicate key value violates unique constraint",
            max_severity="ERROR",
            count=2,
            events=2,
            stack_pattern=_LEDGER_STACK.format(package=package),
        )
    )
    assert ranked.priority == priority, ranked.reasons


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        (
            "Dropping 1532 rows that failed to insert into analytics.events after 5 attempts: rows will not be "
            "retried and are permanently lost.",
            "P0",
        ),
        ("discarding 40 messages: dead-letter topic not found", "P0"),
        ("upload buffer overflow, 12 documents irretrievably lost", "P0"),
        # look-alikes: nothing lost, or not data
        ("flush complete: dropped 0 events", "P2"),
        ("Dropping 3 idle connections from the pool", "P2"),
        ("sink unavailable; buffered batches are not permanently lost and will be retried", "P2"),
    ],
)
def test_data_lost_for_good_in_the_programs_words_is_p0(message: str, priority: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, title=message, max_severity="ERROR"))
    assert ranked.priority == priority, ranked.reasons


@pytest.mark.parametrize(
    ("title", "message", "priority"),
    [
        # the title masked the delay or the attempt; the message says it
        (
            "Transient error StatusCode.UNAVAILABLE encountered while exporting traces to collector:4317, "
            "retrying in <*>s.",
            "Transient error StatusCode.UNAVAILABLE encountered while exporting traces to collector:4317, "
            "retrying in 2s.",
            "P3",
        ),
        (
            "transaction aborted, retrying (attempt <*>): ABORTED: Transaction was aborted.",
            "transaction aborted, retrying (attempt 1): ABORTED: Transaction was aborted.",
            "P3",
        ),
        # urllib3's own retry: the retries left, then why
        (
            "Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection "
            "broken by 'ReadTimeoutError(…)': /v1/recommendations",
            "Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection "
            "broken by 'ReadTimeoutError(…)': /v1/recommendations",
            "P3",
        ),
        # look-alikes: a retry that already failed, a timeout retried by nobody
        (
            "sync: retry 2 of 5 failed, retrying in <*>s",
            "sync: retry 2 of 5 failed, retrying in 4s",
            "P2",
        ),
        ("Read timed out. (read timeout=<*>)", "Read timed out. (read timeout=2)", "P2"),
    ],
)
def test_a_warning_that_schedules_its_own_retry_is_handled_whichever_line_says_so(
    title: str, message: str, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(title=title, message=message, max_severity="WARNING", count=3, events=3)
    )
    assert ranked.priority == priority, ranked.reasons


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        ("CSRF protection disabled by CSRF_DISABLED=1 for all views", "P1"),
        ("Disabling TLS certificate verification (INSECURE_SKIP_VERIFY=true)", "P1"),
        ("upstream hostname verification is disabled", "P1"),
        ("token validation skipped: AUTH_MODE=dev", "P1"),
        (
            "/usr/local/lib/python3.12/site-packages/urllib3/connectionpool.py:1099: InsecureRequestWarning: "
            "Unverified HTTPS request is being made to host 'api.partner.com'. Adding certificate verification is "
            "strongly advised.",
            "P1",
        ),
        # look-alikes: the control worked, or it was turned on
        ("CSRF check failed: token missing", "P3"),
        ("signature verification failed for webhook evt_123", "P3"),
        ("TLS certificate verification enabled", "P3"),
    ],
)
def test_a_security_control_switched_off_is_p1_whatever_it_checks(message: str, priority: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, title=message, max_severity="WARNING"))
    assert ranked.priority == priority, ranked.reasons


@pytest.mark.parametrize(
    ("message", "events", "priority"),
    [
        ("authentication failed: jwt.exceptions.ExpiredSignatureError: Signature has expired", 15, "P3"),
        ("TokenExpiredError: jwt expired", 6, "P3"),
        (
            "UnauthorizedError: jwt expired\n    at /app/node_modules/express-jwt/dist/index.js:133:38",
            10,
            "P3",
        ),
        ("io.jsonwebtoken.ExpiredJwtException: JWT expired at 2026-11-29T16:00:00Z.", 4, "P3"),
        ("auth middleware: token has invalid claims: token is expired", 9, "P3"),
        ("verifyIdToken: Firebase ID token has expired. (auth/id-token-expired)", 3, "P3"),
        # look-alikes: the server's own credential went stale, its calls fail
        ("oauth2: token expired and refresh token is not set", 5, "P1"),
        (
            "google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', "
            "{'error': 'invalid_grant'})",
            5,
            "P1",
        ),
    ],
)
def test_clients_presenting_expired_tokens_are_expected_client_errors(
    message: str, events: int, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity="ERROR", count=events, events=events)
    )
    assert ranked.priority == priority, ranked.reasons


_NO_INSTANCE = (
    "The request was aborted because there was no available instance. Additional troubleshooting documentation "
    "can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request"
)


@pytest.mark.parametrize(
    ("events", "priority", "reason"),
    [
        (3, "P2", "requests refused for want of an instance (3 events"),
        (40, "P1", "sustained errors: 40 events"),  # refused all along: users fail
    ],
)
def test_requests_refused_for_want_of_an_instance_are_a_capacity_ceiling(
    events: int, priority: str, reason: str
) -> None:
    ranked = prioritizer.rank(
        cluster(
            kind="request",
            title="HTTP 429 on POST /v1/checkout (api): The request was aborted because there was no available "
            "instance",
            message=_NO_INSTANCE,
            http_statuses={"429": events},
            routes=["/v1/checkout"],
            max_severity="ERROR",
            count=events,
            events=events,
        )
    )
    assert (ranked.priority, ranked.reasons[0].startswith(reason)) == (priority, True), ranked.reasons


@pytest.mark.parametrize(
    ("message", "events", "priority"),
    [
        ('Readiness probe failed: Get "http://10.4.1.17:8080/ready": dial tcp 10.4.1.17:8080: connect: '
         "connection refused", 2, "P3"),  # a pod starting: kept out of rotation until ready
        ("Readiness probe failed: HTTP probe failed with statuscode: 503", 6, "P2"),  # it goes on
        ("Liveness probe failed: HTTP probe failed with statuscode: 500", 1, "P2"),  # the kubelet restarts it
    ],
)  # fmt: skip
def test_a_readiness_probe_failing_once_or_twice_is_a_pod_starting(
    message: str, events: int, priority: str
) -> None:
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity="WARNING", count=events, events=events)
    )
    assert ranked.priority == priority, ranked.reasons


@pytest.mark.parametrize(
    ("logs", "events", "priority"),
    [
        ({"k8s_node kubelet": 1}, 1, "P3"),
        ({"k8s_node container-runtime": 2}, 2, "P3"),
        ({"k8s_node kubelet": 30}, 30, "P1"),  # sustained
        ({"k8s_node events": 1}, 1, "P2"),  # an event about the node says what happened to it
        ({"k8s_node kubelet": 1, "k8s_container stderr": 1}, 2, "P2"),  # a workload's too
    ],
)
def test_errors_of_the_agents_gke_runs_on_its_nodes_are_noise(
    logs: dict[str, int], events: int, priority: str
) -> None:
    message = (
        '"Image garbage collection failed once. Stats initialization may not have completed yet" '
        'err="failed to get imageFs info: unable to find data in memory cache"'
    )
    ranked = prioritizer.rank(
        cluster(message=message, title=message, max_severity="ERROR", count=events, events=events, logs=logs)
    )
    assert ranked.priority == priority, ranked.reasons


@pytest.mark.parametrize(
    ("message", "priority", "reason"),
    [
        (
            "The Payments API v68 you are calling is deprecated and will be removed on 2026-12-01. Upgrade to v71.",
            "P1",
            "deprecation warning: a dependency or API this code uses goes away on 2026-12-01, within 30 days of the "
            "last entry (1 event); what calls it fails from then unless it is migrated before",
        ),
        (
            "Runtime nodejs18 is deprecated; deployments fail after December 15, 2026",
            "P1",
            "deprecation warning: a dependency or API this code uses goes away on 2026-12-15, within 30 days of the "
            "last entry (1 event); what calls it fails from then unless it is migrated before",
        ),
        (
            "DeprecationWarning: the legacy insert path will stop working on 30 Sep 2027; use the Write API",
            "P3",
            "deprecation warning: a dependency or API goes away on 2027-09-30, more than six months after the last "
            "entry (1 event); plan the migration, nothing breaks before",
        ),
    ],
)
def test_a_deprecation_that_names_its_date_is_as_urgent_as_the_date_is_near(
    message: str, priority: str, reason: str
) -> None:
    """The date a deprecation names decides: a removal within 30 days of the scan breaks what calls it soon (P1),
    one more than six months off is a backlog item (P3)."""
    ranked = prioritizer.rank(cluster(message=message))
    assert (ranked.priority, ranked.reasons[0]) == (priority, reason)


@pytest.mark.parametrize(
    "message",
    [
        "pkg_resources is deprecated as an API. The pkg_resources package is slated for removal as early as "
        "2027-04-17.",  # five months off: as undated
        "2026-11-21 16:05:00 WARN datetime.utcnow() is deprecated and scheduled for removal in a future version",
        "You are using a Python version (3.9.20) which Google will stop supporting in new releases of "
        "google.api_core once it reaches its end of life (2025-10-05): deprecated",  # already past
        "Feature X is deprecated since 2026-99-99 and will be removed later",  # no such day
    ],
)
def test_a_deprecation_dated_months_ahead_undated_or_past_stays_p2(message: str) -> None:
    """A line's own timestamp, a date already past and a date that does not exist name no removal ahead."""
    assert prioritizer.rank(cluster(message=message)).priority == "P2"


@pytest.mark.parametrize(
    ("changes", "priority", "rule_words"),
    [
        (
            {"message": "client certificate for partner feed mTLS expires in 58 days (2027-01-18T00:00:00Z)"},
            "P3",
            "a certificate expires in more than 30 days",
        ),
        (
            {
                "message": "failed to write batch 5510: 403 Forbidden; 2100 events discarded",
                "max_severity": "ERROR",
            },
            "P0",
            "data loss",
        ),
        (
            {
                "message": "Twilio account usage at 91% of the monthly SMS spending limit",
                "max_severity": "WARNING",
            },
            "P2",
            "a quota, a limit or a node's memory or disk is nearly used up",
        ),
        (
            {"message": "regional quota CPUS in us-central1 is at 94% (188 of 200)"},
            "P2",
            "a quota, a limit or a node's memory or disk is nearly used up",
        ),
        (
            {"message": "NodeHasDiskPressure: Node gke-a-b status is now: NodeHasDiskPressure"},
            "P2",
            "a quota, a limit or a node's memory or disk is nearly used up",
        ),
        (
            {"message": "low disk watermark [85%] exceeded on [n1][es-data-2] replicas will not be assigned"},
            "P2",
            "a disk or volume is nearly full",
        ),
        (
            {
                "message": 'could not write to the statistics file "pg_stat_tmp/global.tmp": No space left on device'
            },
            "P1",
            "disk full: writes fail (1 event at WARNING",
        ),
        (
            {
                "message": "slow query took 3.4s: SELECT p.* FROM products p WHERE p.category_id = %s",
                "events": 4,
                "count": 4,
                "logs": {"cloud_run_revision run.googleapis.com/stderr": 4},
            },
            "P2",
            "a serving service logged slow queries or requests",
        ),
    ],
)
def test_expiry_dates_data_loss_limits_full_disks_and_slow_queries(
    changes: dict[str, Any], priority: str, rule_words: str
) -> None:
    """A certificate not yet in any renewal window is noted (P3); a count of events discarded is data loss (P0);
    a quota or limit 90% used, a node's pressure and the low disk watermark are ceilings ahead (P2); a full disk
    is full at any level (P1); a serving service's slow queries made users wait (P2)."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0][: len(rule_words)]) == (priority, rule_words)


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        ({"message": "TLS cert of mail.example.org will expire in 21 days"}, "P2"),  # in the renewal window
        ({"message": "flushed batch 5510; 0 events discarded", "max_severity": "ERROR"}, "P2"),
        ({"message": "2100 events discarded", "max_severity": "WARNING"}, "P3"),  # at WARNING only feared
        ({"message": "95% of your monthly quota remaining"}, "P3"),
        ({"message": "volume /data is 82% full (41G of 50G)"}, "P3"),
        ({"message": "Node gke-a-b status is now: NodeHasSufficientMemory"}, "P3"),
        ({"message": "rate limit is 100/s; 95% of requests finish in 2s"}, "P3"),
        (
            {
                "message": "slow query took 41s: SELECT * FROM orders WHERE updated_at >= %s",
                "events": 3,
                "count": 3,
                "logs": {"cloud_run_job run.googleapis.com/stderr": 3},
            },
            "P3",
        ),  # a batch job's: nobody waits
        (
            {
                "message": "slow query took 4.1s: SELECT 1",
                "logs": {"cloud_run_revision run.googleapis.com/stderr": 1},
            },
            "P3",
        ),  # once
        ({"kind": "request", "http_statuses": {"413": 4}, "routes": ["/api/upload"]}, "P2"),
    ],
)
def test_what_the_date_limit_and_slow_query_rules_leave_alone(changes: dict[str, Any], priority: str) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


@pytest.mark.parametrize(
    "unit", ["quota is at 9", "limit ", "95% of a ", "2026-12-01 deprecated ", "slow query "]
)
def test_the_date_limit_and_slow_query_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(lambda n: prioritizer.rank(cluster(message=unit * n)), _filling(unit))


@pytest.mark.parametrize(
    ("changes", "priority", "rule_words"),
    [
        (
            {"message": "backfill aborted by operator (KeyboardInterrupt)", "max_severity": "CRITICAL"},
            "P3",
            "a program stopped by its operator",
        ),
        (
            {
                "kind": "exception",
                "exception_type": "KeyboardInterrupt",
                "message": "KeyboardInterrupt",
                "max_severity": "ERROR",
                "stack_pattern": 'Traceback (most recent call last):\n  File "/app/main.py", line 3, in <module>\n'
                "    import pandas\nKeyboardInterrupt",
                "affected_files": [AffectedFile(file="/app/main.py", line=3, function="<module>", count=1)],
            },
            "P3",
            "a program stopped by its operator",
        ),
        (
            {
                "message": "HttpError 429 when requesting https://sheets.googleapis.com/v4/spreadsheets/x returned "
                "\"Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'\"",
                "max_severity": "ERROR",
                "events": 3,
                "count": 3,
            },
            "P2",
            "a Google API refused calls over the project's quota or rate limit",
        ),
        (
            {
                "message": "Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500",
                "events": 4,
            },
            "P1",
            "a liveness probe keeps failing",
        ),
    ],
)
def test_operator_interrupts_api_quotas_and_liveness_probes(
    changes: dict[str, Any], priority: str, rule_words: str
) -> None:
    """Ctrl-C is the operator's choice, at any level and even while importing (P3); a Google API's quota or rate
    limit is a ceiling (P2) until it refuses for long; a liveness probe failing again and again restarts its
    container over and over (P1)."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0][: len(rule_words)]) == (priority, rule_words)


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        (
            {"message": "Unhealthy: Liveness probe failed: connection refused", "events": 3},
            "P2",
        ),  # one restart
        ({"message": "Unhealthy: Readiness probe failed: connection refused", "events": 4}, "P2"),
        (
            {
                "message": "Quota exceeded for quota metric 'Read requests' of service 'sheets.googleapis.com'",
                "max_severity": "ERROR",
                "events": 40,
                "count": 40,
            },
            "P1",
        ),  # refused for long: sustained
        ({"message": "quota check passed: 12% of the daily limit used", "max_severity": "ERROR"}, "P2"),
        ({"message": "job finished; interrupt handler installed", "max_severity": "CRITICAL"}, "P0"),
    ],
)
def test_what_the_interrupt_quota_and_liveness_rules_leave_alone(
    changes: dict[str, Any], priority: str
) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


@pytest.mark.parametrize(
    "unit", ["KeyboardInterrupt ", "aborted by ", "quota exceeded for quota ", "Liveness "]
)
def test_the_interrupt_quota_and_liveness_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(lambda n: prioritizer.rank(cluster(message=unit * n)), _filling(unit))


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        ("auth failed: Firebase ID token has expired (auth/id-token-expired)", "WARNING"),
        ("stripe.error.CardError: Your card was declined.", "WARNING"),
        ("jwt.exceptions.ExpiredSignatureError: Signature has expired", "ERROR"),
    ],
)
def test_a_reason_says_the_level_the_entries_were_logged_at(message: str, severity: str) -> None:
    """Expected client outcomes logged at WARNING are not said to be logged as errors."""
    ranked = prioritizer.rank(cluster(message=message, max_severity=severity, severities={severity: 1}))
    assert ranked.priority == "P3"
    assert ranked.reasons[0].endswith(f"logged at {severity} all the same")


def test_a_transient_network_error_claims_no_retry_the_logs_do_not_show() -> None:
    reason = prioritizer.rank(
        cluster(message="read: connection reset by peer", max_severity="ERROR")
    ).reasons[0]
    assert "retried by the client" not in reason
    assert reason.startswith("a transient network error (1 event)")


@pytest.mark.parametrize(
    "message",
    [
        "row 14400 skipped: invalid date '0000-00-00' in column shipped_at",
        "skipping malformed record at offset 88 in gs://in/part-3.json",
        "record #8812 was skipped: missing customer_id",
    ],
)
def test_an_item_a_program_skipped_and_went_on_without_is_p2_however_often(message: str) -> None:
    """Some items missing from a job's output is a ticket with the items, not a failing job (not `sustained-errors`)."""
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", events=12, count=12))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P2",
        "the program skipped items it could not process and went on (12 events between 16:00:00Z and "
        "16:14:00Z): those items are missing from what it produced, the rest was processed; fix the data or "
        "the parser",
    )


@pytest.mark.parametrize(
    ("message", "severity", "priority"),
    [
        ("export finished: skipped 0 rows", "ERROR", "P1"),
        ("Skipping migration 0042: already applied", "ERROR", "P1"),
        ("row 14400 skipped: invalid date", "WARNING", "P3"),
    ],
)
def test_what_the_skipped_items_rule_leaves_alone(message: str, severity: str, priority: str) -> None:
    assert (
        prioritizer.rank(cluster(message=message, max_severity=severity, events=3, count=3)).priority
        == priority
    )


def test_the_skipped_items_rule_matches_in_linear_time() -> None:
    assert_linear(
        lambda n: prioritizer.rank(cluster(message="row " * n, max_severity="ERROR")), _filling("row ")
    )


def _samples(*messages: str) -> list[Sample]:
    return [
        Sample(insert_id=f"s{i}", timestamp=START + timedelta(minutes=i), severity="WARNING", message=m)
        for i, m in enumerate(messages)
    ]


def test_a_problem_whose_entries_name_different_days_left_is_ranked_by_the_soonest() -> None:
    far, near = (f"certificate for {h} expires in {d} days" for h, d in (("shop.x.io", 45), ("api.x.io", 12)))
    ranked = prioritizer.rank(cluster(message=far, count=6, events=6, samples=_samples(far, near, far)))
    assert ranked.priority == "P2"
    assert "more than 30 days" not in ranked.reasons[0]
    assert ranked.reasons[0].endswith("decides: others match certificate-expiring-later")


def test_the_latest_entry_is_read_too_a_disk_filling_over_the_scan() -> None:
    texts = [f"filesystem /dev/sdb1 mounted on /data is {p}% full" for p in (84, 86, 88, 93)]
    ranked = prioritizer.rank(
        cluster(message=texts[0], count=5, events=5, samples=_samples(*texts[:3]), latest_message=texts[3])
    )
    assert ranked.priority == "P2"
    assert ranked.reasons[0].startswith("a disk or volume is nearly full (5 events)")


def test_due_names_the_soonest_of_the_dates_the_entries_name() -> None:
    far = "Stripe API endpoint /v1/sources will be removed on 2027-09-30"
    near = "Stripe API endpoint /v1/tokens will be removed on 2026-12-10"
    ranked = prioritizer.rank(cluster(message=far, count=4, events=4, samples=_samples(far, near)))
    assert ranked.priority == "P1"
    assert (
        "goes away on 2026-12-10, the soonest of the dates its entries name: 2026-12-10, 2027-09-30,"
        in (ranked.reasons[0])
    )
    # two dates both within 30 days: the same rule for both, still not one entry's date said of all
    nearer = near.replace("2026-12-10", "2026-12-01")
    ranked = prioritizer.rank(cluster(message=near, count=2, events=2, samples=_samples(near, nearer)))
    assert (
        "goes away on 2026-12-01, the soonest of the dates its entries name: 2026-12-01, 2026-12-10,"
        in (ranked.reasons[0])
    )
    assert "others match" not in ranked.reasons[0]


def test_entries_that_agree_read_as_before() -> None:
    far = "Stripe API endpoint /v1/sources will be removed on 2027-09-30"
    ranked = prioritizer.rank(cluster(message=far, count=3, events=3, samples=_samples(far, far, far)))
    assert ranked.priority == "P3"
    assert "goes away on 2027-09-30, more than six months" in ranked.reasons[0]
    assert "others match" not in ranked.reasons[0] and "soonest" not in ranked.reasons[0]
    low = [f"filesystem /dev/sdb1 mounted on /data is {p}% full" for p in (71, 74, 78)]
    ranked = prioritizer.rank(cluster(message=low[0], count=3, events=3, samples=_samples(*low)))
    assert ranked.priority == "P3"


def test_an_exceptions_samples_are_not_read_as_its_message() -> None:
    sample = "certificate for api.x.io expires in 3 days\nTraceback (most recent call last):"
    ranked = prioritizer.rank(
        cluster(
            kind="exception", exception_type="ValueError", message="bad value", samples=_samples("x", sample)
        )
    )
    assert ranked.priority == "P3"


def test_kubelet_back_off_events_are_not_counted_as_container_exits() -> None:
    back_off = "Back-off restarting failed container api in pod api-7d9f_payments(3f1a)"
    ranked = prioritizer.rank(
        cluster(message=back_off, count=2, events=2, last_seen=START + timedelta(minutes=4))
    )
    assert ranked.priority == "P0"
    assert ranked.reasons[0].startswith(
        "a container crash-loops: 2 events of the kubelet backing off restarting"
    )
    assert "exits" not in ranked.reasons[0]


@pytest.mark.parametrize(
    ("changes", "priority", "rule_words"),
    [
        (
            {
                "message": "request cancelled by user agent timeout; No space left on device",
                "max_severity": "ERROR",
            },
            "P1",
            "disk full",
        ),
        (
            {
                "message": "backfill aborted by the operator: ENOSPC writing /data/part-7",
                "max_severity": "ERROR",
            },
            "P1",
            "disk full",
        ),
        (
            {
                "message": "ingest aborted by operator after disk error: 1532 events lost",
                "max_severity": "ERROR",
            },
            "P0",
            "data loss",
        ),
        (
            {
                "kind": "exception",
                "exception_type": "RuntimeError",
                "message": "commit failed, 1532 orders lost",
                "max_severity": "ERROR",
                "stack_pattern": 'Traceback (most recent call last):\n  File "/app/worker.py", line 40, in run\n'
                "    time.sleep(1)\nKeyboardInterrupt\n\nDuring handling of the above exception, another "
                'exception occurred:\n\nTraceback (most recent call last):\n  File "/app/db.py", line 9, in commit'
                '\n    raise RuntimeError("commit failed")\nRuntimeError: commit failed, 1532 orders lost',
            },
            "P2",
            "isolated error",
        ),
    ],
)
def test_an_interrupt_beside_a_worse_problem_does_not_hide_it(
    changes: dict[str, Any], priority: str, rule_words: str
) -> None:
    """An interrupt is the operator's only when nothing else is wrong: a full disk or lost data beside it, a
    user agent's cancel, or another exception raised while the interrupt was handled, is ranked as itself."""
    ranked = prioritizer.rank(cluster(**changes))
    assert (ranked.priority, ranked.reasons[0][: len(rule_words)]) == (priority, rule_words)


@pytest.mark.parametrize(
    "changes",
    [
        {"message": "sync interrupted by the user after 12 of 40 files", "max_severity": "ERROR"},
        {"message": "KeyboardInterrupt", "max_severity": "ERROR", "events": 5, "count": 5},
        {
            "kind": "exception",
            "exception_type": "KeyboardInterrupt",
            "message": "",
            "max_severity": "ERROR",
            "stack_pattern": 'Traceback (most recent call last):\n  File "/app/job.py", line 8, in run\n'
            "    time.sleep(5)\nKeyboardInterrupt\n",
        },
    ],
)
def test_an_interrupt_alone_stays_the_operators(changes: dict[str, Any]) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == "P3"


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        ("DeprecationWarning: api-version 2026-12-15-preview is deprecated; use 2027-03-01", "P2"),
        (
            "The Maps JavaScript API v3.55 is deprecated; see https://dev.example.com/changelog/2026-12-20 for the "
            "removal timeline (2028)",
            "P2",
        ),
        ("Feature flags v1 deprecated since 2026-12-10; removal on 2027-09-01", "P3"),
        ("v2 endpoints are deprecated as of 2026-11-01 and will be shut down on 2026-12-05", "P1"),
        ("legacy tokens are deprecated, supported until Dec 10, 2026", "P1"),
        ("The Payments API v68 is deprecated (released 2026-12-01); end of life: 2027-08-31", "P3"),
    ],
)
def test_a_deprecation_is_due_on_the_date_its_removal_names(message: str, priority: str) -> None:
    """The date a removal, a shutdown, an end of life or an `until` names decides, not the first future date: a
    version named by its date, a date in a URL, the day it was deprecated or released are none."""
    assert prioritizer.rank(cluster(message=message)).priority == priority


@pytest.mark.parametrize(
    ("message", "priority"),
    [
        ("quota usage 96% for project shop-prod", "P2"),
        ("project quota: 96 % used (CPUS, us-central1)", "P2"),
        ("memory limit utilization at 93% for container api", "P2"),
        ("autoscaler: scale-up threshold set to 90% of capacity", "P3"),
        ("SLO report: 99% of requests within the latency limit", "P3"),
        ("alert threshold limit is 90%", "P3"),
        ("HPA target utilization 90% of the CPU limit", "P3"),
        ("quota alert threshold at 95%", "P3"),
    ],
)
def test_a_limit_nearly_used_needs_a_usage_word_not_a_setting(message: str, priority: str) -> None:
    """A share of a quota or a limit is usage when a usage word says so; a threshold, a target or a value set is
    a setting, and a share of requests is not of the limit."""
    assert prioritizer.rank(cluster(message=message)).priority == priority


@pytest.mark.parametrize(
    "message",
    [
        "import failed for 3 files: 0 rows skipped",
        "import finished, rows skipped: 0",
        "export done; skipped rows: 0",
        "load complete, no rows skipped",
        "sync done: zero records were skipped",
    ],
)
def test_no_items_skipped_is_not_items_skipped(message: str) -> None:
    ranked = prioritizer.rank(cluster(message=message, max_severity="ERROR", events=3, count=3))
    assert ranked.reasons[0][:42] != "the program skipped items it could not pro"


@pytest.mark.parametrize(
    ("changes", "priority"),
    [
        (
            {
                "message": "Container cart failed liveness probe, will be restarted",
                "events": 2,
                "instances": 2,
            },
            "P1",
        ),
        (
            {
                "message": "Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500",
                "events": 5,
            },
            "P1",
        ),
        (
            {"message": "Unhealthy: Liveness probe failed: connection refused", "events": 6, "instances": 3},
            "P2",
        ),  # twice in each of three pods: none restarted twice
        (
            {"message": "Container cart failed liveness probe, will be restarted", "events": 1},
            "P3",
        ),  # one restart
    ],
)
def test_a_liveness_probe_is_past_a_restart_by_the_kubelets_words_or_one_pods_count(
    changes: dict[str, Any], priority: str
) -> None:
    assert prioritizer.rank(cluster(**changes)).priority == priority


@pytest.mark.parametrize(
    ("message", "severity", "priority"),
    [
        ("flush failed: 1,500 events dropped", "ERROR", "P0"),
        ("flush failed: dropped 12,400 records", "ERROR", "P0"),
        ("flush done: 00 events dropped", "ERROR", "P2"),
        ("flush done: dropped 0,000 records", "ERROR", "P2"),
        ("client certificate for partner feed expires within 45 days", "WARNING", "P3"),
        ("client certificate for partner feed expires within 25 days", "WARNING", "P2"),
    ],
)
def test_counts_with_digit_groups_and_certificates_within_days(
    message: str, severity: str, priority: str
) -> None:
    assert prioritizer.rank(cluster(message=message, max_severity=severity)).priority == priority


def _errors(message: str, severity: str = "ERROR", events: int = 1, **changes: Any) -> Cluster:
    return cluster(message=message, max_severity=severity, count=events, events=events, **changes)


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        (
            "[ERROR] [MY-010586] [Repl] Error running query, replica SQL thread aborted. Fix the problem.",
            "ERROR",
        ),
        ("Slave SQL thread exiting, replication stopped in log 'mysql-bin.000003' at position 1940", "ERROR"),
        (
            "Slave I/O for channel '': error connecting to master 'repl@10.0.0.4:3306' - retry-time: 60",
            "ERROR",
        ),
        (
            "Replica SQL for channel 'src2': Worker 3 failed executing transaction 'ANONYMOUS' at source log "
            "binlog.000012, end_log_pos 4410; Error 'Table 'shop.carts' doesn't exist' on query.",
            "ERROR",
        ),
        (
            "FATAL:  could not receive data from WAL stream: server closed the connection unexpectedly",
            "ERROR",
        ),
        ("ERROR:  requested WAL segment 000000010000000200000041 has already been removed", "ERROR"),
        ('LOG:  invalidating obsolete replication slot "standby_2"', "WARNING"),
        # Redis writes its replica's failures at its warning level (`#`), never higher
        ("Error condition on socket for SYNC: Connection refused", "WARNING"),
        ("MASTER aborted replication with an error: ERR invalid password", "WARNING"),
    ],
)
def test_replication_that_stopped_is_p1_even_once(message: str, severity: str) -> None:
    """Quiet but severe: a replica that stopped applying changes stays stopped (stale reads, no failover target)."""
    ranked = prioritizer.rank(_errors(message, severity))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "replication stopped: a replica no longer applies its source's changes (1 event between 16:00:00Z and "
        "16:14:00Z); its reads go stale and it is no failover target until replication is fixed and restarted",
    )


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        ("Replica I/O thread: connected to source 'repl@10.0.0.4:3306', replication started", "WARNING"),
        ("replication lag is 4 seconds", "WARNING"),
        ("MASTER <-> REPLICA sync: Finished with success", "WARNING"),
    ],
)
def test_replication_working_or_lagging_is_no_stopped_replication(message: str, severity: str) -> None:
    assert prioritizer.rank(_errors(message, severity)).reasons[0][:20] != "replication stopped:"


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        ("WARNING:  page verification failed, calculated checksum 1187 but expected 40931", "WARNING"),
        ("ERROR:  invalid page in block 12 of relation base/16384/16402", "ERROR"),
        ('ERROR:  could not read block 7 in file "base/16384/16402": read only 0 of 8192 bytes', "ERROR"),
        (
            "[InnoDB] Database page corruption on disk or a failed file read of tablespace shop/carts page 4",
            "ERROR",
        ),
        ("Table './shop/sessions' is marked as crashed and should be repaired", "ERROR"),
        (
            "EXT4-fs error (device nvme1n1p1): ext4_find_entry:1455: inode #131073: comm php: reading directory",
            "ERROR",
        ),
        (
            "XFS (sdc): Metadata corruption detected at xfs_dinode_verify+0xa0/0x6f0 [xfs], inode 0x2c1",
            "ERROR",
        ),
    ],
)
def test_damaged_data_on_disk_is_p1_even_once_and_at_warning(message: str, severity: str) -> None:
    ranked = prioritizer.rank(_errors(message, severity))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "data on disk is damaged: the storage layer found a corrupt page, block or file system (1 event at "
        f"{severity} between 16:00:00Z and 16:14:00Z); reads of it fail and more may be damaged: check and restore "
        "before it spreads",
    )


@pytest.mark.parametrize(
    "message",
    [
        "checksum mismatch on upload of part 3 to gs://bucket/obj, retrying",  # a transfer's, retried
        "request body corrupt: invalid JSON at position 14",  # a client's input
        "EXT4-fs (sdb1): mounted filesystem with ordered data mode. Quota mode: none.",
    ],
)
def test_a_transfer_or_input_checksum_is_no_damaged_disk(message: str) -> None:
    assert prioritizer.rank(_errors(message, "WARNING")).reasons[0][:22] != "data on disk is damage"


@pytest.mark.parametrize(
    "message",
    [
        'level=error msg="backup failed" backup=velero/hourly-20261204 error="timeout"',
        "Backup of database invoices failed: instance is busy",
        "failed to create snapshot backup: quota exceeded for disks",
        "pg_dump: error: query failed: ERROR:  permission denied for table payouts",
        "mysqldump: Got error: 2013: Lost connection to MySQL server during query when dumping table `orders`",
    ],
)
def test_a_backup_that_did_not_complete_is_p1_even_once(message: str) -> None:
    ranked = prioritizer.rank(_errors(message))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "a backup did not complete (1 event between 16:00:00Z and 16:14:00Z): there is no new restore point until "
        "it runs",
    )


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        ("nightly run: 12 backups completed, 0 backups failed", "ERROR"),
        ("backup failed over to the secondary region, continuing", "WARNING"),  # below ERROR
        ("pg_dump: warning: there are circular foreign-key constraints on this table", "ERROR"),
        # a restore is not a backup that did not complete, nor is a count of none
        ("restore from backup failed: snapshot orders-20261203 not found", "ERROR"),
        ("restoring backup failed for instance billing-db", "ERROR"),
        ("nightly summary: backups failed: 0, succeeded: 12", "ERROR"),
        ("backup failed=0 succeeded=12", "ERROR"),
        ("zero backups failed tonight", "ERROR"),
        ("none of the backups failed", "ERROR"),
    ],
)
def test_a_backup_that_ran_is_no_failed_backup(message: str, severity: str) -> None:
    assert prioritizer.rank(_errors(message, severity)).reasons[0][:26] != "a backup did not complete "


@pytest.mark.parametrize(
    "message",
    [
        "sent message 88 to dead letter queue orders-dlq after 3 failed processing attempts: KeyError: 'sku'",
        "after 5 delivery attempts message 4412 is forwarded to the dead-letter topic invoices-dead",
        # a dead-letter queue by its initials
        "Message 4f1c sent to DLQ billing-dlq after all retries failed: ValidationError: amount must be positive",
    ],
)
def test_messages_dead_lettered_after_every_attempt_failed_are_p1(message: str) -> None:
    ranked = prioritizer.rank(_errors(message, "WARNING", events=6))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "messages went to a dead-letter queue after failing every attempt (6 events between 16:00:00Z and "
        "16:14:00Z): the handler fails on them, their work is not done and the queue grows until it is fixed",
    )


@pytest.mark.parametrize(
    ("message", "events"),
    [
        # set aside at once because it cannot be parsed: kept for inspection, no handler failing
        ("message 881 could not be parsed; forwarded to dead-letter topic events-dlq (not lost)", 3),
        ("sent message 88 to dead letter queue orders-dlq after 3 failed processing attempts", 1),
    ],
)
def test_a_poison_message_or_a_single_dead_letter_is_left_to_other_rules(message: str, events: int) -> None:
    ranked = prioritizer.rank(_errors(message, "WARNING", events=events))
    assert not ranked.reasons[0].startswith("messages went to a dead-letter queue")


@pytest.mark.parametrize(
    ("message", "severity"),
    [
        (
            "http: TLS handshake error from 10.0.3.9:40112: tls: client offered only unsupported versions: [301]",
            "ERROR",
        ),
        ("TLS handshake error from 172.16.0.4:5511: EOF", "ERROR"),  # its `http:` read as a component tag
        (
            "SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL "
            "handshaking, client: 192.0.2.14, server: 0.0.0.0:443",
            "CRITICAL",  # nginx writes it at crit
        ),
        ("peer closed connection in SSL handshake while SSL handshaking, client: 192.0.2.8", "ERROR"),
    ],
)
def test_a_client_failing_the_tls_handshake_is_noise_however_loud(message: str, severity: str) -> None:
    ranked = prioritizer.rank(_errors(message, severity, events=60))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P3",
        "clients failed the TLS handshake before sending a request (scanners, probes that close the connection, "
        "old TLS stacks): 60 events between 16:00:00Z and 16:14:00Z; no request of yours failed, whatever level "
        "the server wrote it at",
    )


@pytest.mark.parametrize(
    "message",
    [
        "http: TLS handshake error from 10.0.3.9:40112: remote error: tls: bad certificate",
        "SSL_do_handshake() failed (SSL: error:0A000415:SSL routines::sslv3 alert certificate expired:SSL alert "
        "number 45) while SSL handshaking, client: 192.0.2.14",
    ],
)
def test_clients_rejecting_our_certificate_are_no_handshake_noise(message: str) -> None:
    ranked = prioritizer.rank(_errors(message, events=60))
    assert ranked.priority != "P3"


@pytest.mark.parametrize(
    "message",
    [
        "request failed: context canceled",
        'Get "http://inventory.shop.svc:8080/v1/stock": context canceled',
        "rpc error: code = Canceled desc = context canceled",
    ],
)
def test_work_its_caller_canceled_is_noise(message: str) -> None:
    ranked = prioritizer.rank(_errors(message, events=25))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P3",
        "work canceled by whoever started it (25 events between 16:00:00Z and 16:14:00Z): a caller that hung up or "
        "a shutdown, not a timeout; nothing failed on its own",
    )


@pytest.mark.parametrize(
    "message",
    [
        'Post "http://payments:8080/charge": context deadline exceeded',
        # gRPC's status name for a timeout, written without a space
        "rpc error: code = DeadlineExceeded desc = context canceled",
        "upstream call failed: DEADLINE_EXCEEDED; context canceled",
    ],
)
def test_a_timeout_is_no_canceled_work(message: str) -> None:
    assert prioritizer.rank(_errors(message, events=25)).priority == "P1"


def test_canceled_work_without_end_is_no_noise() -> None:
    ranked = prioritizer.rank(_errors("request failed: context canceled", events=1000))
    assert ranked.reasons[0][:35] != "work canceled by whoever started it"


def test_client_tls_handshakes_without_end_are_no_noise() -> None:
    ranked = prioritizer.rank(_errors("http: TLS handshake error from 10.128.0.7:40312: EOF", events=1000))
    assert ranked.reasons[0][:35] != "clients failed the TLS handshake be"


@pytest.mark.parametrize(
    ("title", "message", "priority"),
    [
        ("BadRequestError: request aborted", "request aborted", "P3"),
        ("starlette.requests.ClientDisconnect", "", "P3"),
        ("werkzeug.exceptions.ClientDisconnected: 400 Bad Request", "400 Bad Request", "P3"),
        ("org.eclipse.jetty.io.EofException: Early EOF", "Early EOF", "P3"),
        # raw-body's other refusals are the client's malformed request, not one that went away
        (
            "BadRequestError: request size did not match content length",
            "request size did not match content length",
            "P1",
        ),
    ],
)
def test_a_client_that_stopped_sending_its_request_went_away(title: str, message: str, priority: str) -> None:
    ranked = prioritizer.rank(
        cluster(kind="exception", title=title, message=message, max_severity="ERROR", count=12, events=12)
    )
    assert ranked.priority == priority


@pytest.mark.parametrize(
    ("message", "priority", "rule"),
    [
        (
            "upload of batch 3 failed: 503 Service Unavailable; retrying in 4s (attempt 1 of 5)",
            "P2",
            "errors the",
        ),
        ("charge failed: connection reset, will retry (attempt 2/6)", "P2", "errors the"),
        # a retry already failed: not known to be handled
        ("retry 3 of 5 failed, retrying in 8s: 503 Service Unavailable", "P1", "sustained "),
        ("export failed: giving up after 5 attempts", "P1", "the work f"),
    ],
)
def test_an_error_the_program_retries_itself_is_p2(message: str, priority: str, rule: str) -> None:
    ranked = prioritizer.rank(_errors(message, events=8))
    assert (ranked.priority, ranked.reasons[0][:10]) == (priority, rule)


def test_an_error_retried_again_and_again_is_sustained() -> None:
    """More than 10 retried errors: the dependency stays down for long, whatever the retries say."""
    message = "upload of batch 3 failed: 503 Service Unavailable; retrying in 4s (attempt 1 of 5)"
    assert prioritizer.rank(_errors(message, events=30)).reasons[0][:10] == "sustained "


@pytest.mark.parametrize(
    "unit",
    [
        "TLS handshake error from ",
        "dead letter after 1 attempts ",
        "context canceled ",
        "retrying in 1s ",
        "backup ",
        "webhook signature ",
    ],
)
def test_the_quiet_and_loud_rules_match_in_linear_time(unit: str) -> None:
    assert_linear(lambda n: prioritizer.rank(cluster(message=unit * n, max_severity="ERROR")), _filling(unit))


@pytest.mark.parametrize(
    ("rule", "unit"),
    [
        ("webhook-rejected", "webhook signature signature verify hmac verification "),
        ("webhook-rejected", "webhook " + "x" * 100 + " signature " + "y" * 70 + " "),
        ("webhook-rejected", "signature failed signature invalid hmac mismatch "),
        ("dead-lettered", "dead-letter "),
        ("dead-lettered", "after 5 attempts "),
        ("replication-stopped", "Replica SQL for channel '': "),
        ("backup-failed", "dead-letter after 5 " + "z" * 150 + " "),
    ],
)
def test_the_quiet_and_loud_rules_read_a_long_text_about_once(rule: str, unit: str) -> None:
    """Each pattern of these rules reads a text of near misses (400 KB) in a few times what a search for one
    absent word takes, not once per window of its bounded gaps (120 x 80 characters for each `webhook`)."""
    text = (unit * (400_000 // len(unit) + 1))[:400_000]
    (patterns,) = [r.message_patterns for r in default_rules() if r.name == rule]
    absent = re.compile(r"(?i)\bwebhookx")
    floor = min(_timed(absent.search, text) for _ in range(5))
    for pattern in patterns:
        search = re.compile(pattern).search
        assert min(_timed(search, text) for _ in range(3)) < 25 * floor + 0.02, pattern


def _timed(search: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    search(text)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "message",
    [
        "PayPal webhook rejected: verification_status=FAILURE for event WH-2WR32451HC0233532-67976317FL4543714",
        "stripe.error.SignatureVerificationError: No signatures found matching the expected signature for payload",
        "shopify webhook orders/create: HMAC verification failed",
        "signature mismatch for GitHub webhook delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958",
    ],
)
def test_webhooks_refused_by_their_verification_are_p1_at_any_level(message: str) -> None:
    ranked = prioritizer.rank(_errors(message, "WARNING", events=4))
    assert (ranked.priority, ranked.reasons[0]) == (
        "P1",
        "webhooks a provider sent were refused by their verification (4 events between 16:00:00Z and 16:14:00Z): "
        "the events they carry (payments, subscriptions) are not recorded; check the signing secret or webhook id",
    )


@pytest.mark.parametrize(
    ("message", "events"),
    [
        (
            "PayPal webhook rejected: verification_status=FAILURE for event WH-2WR32451HC0233532",
            1,
        ),  # one forged call
        ("webhook signature verified, event evt_1 recorded", 4),
        # the check passed and something after it failed
        ("Stripe webhook evt_1Q2wXyZ signature verified; handler failed: KeyError: 'customer'", 4),
        ("webhook signature valid, but processing failed: timeout calling inventory after 5000ms", 4),
        (
            "GitHub webhook delivery 72d3162e: HMAC verification succeeded; downstream build trigger failed (503)",
            4,
        ),
        ("webhook delivery failed: endpoint returned 503", 4),  # our endpoint down: other rules
    ],
)
def test_one_refused_webhook_or_a_verified_one_is_no_rejected_stream(message: str, events: int) -> None:
    ranked = prioritizer.rank(_errors(message, "WARNING", events=events))
    assert not ranked.reasons[0].startswith("webhooks a provider sent")


@pytest.mark.parametrize(
    "message",
    [
        "chunk '1-1770000000.123456789.flb' cannot be retried: task_id=4, input=systemd.1 > output=stackdriver.0",
        "#0 failed to flush the buffer, and hit limit for retries. dropping all chunks in the buffer queue. "
        "retry_times=17 records=512",
        'Exporting failed. No more retries left. Dropping data.\t{"kind": "exporter", "dropped_items": 12}',
        'final error sending batch status=500 error="server returned HTTP status 500"',
    ],
)
def test_a_component_that_dropped_what_it_carried_does_not_retry_it(message: str) -> None:
    """`gke-system-component` says a component retries what it reports: not when it says it dropped it."""
    ranked = prioritizer.rank(
        cluster(
            message=message, max_severity="WARNING", count=3, events=3, services={"kube-system/fluentbit": 3}
        )
    )
    assert ranked.priority == "P1" and ranked.reasons[0].startswith(
        "a program gave up delivering data (3 events"
    )
    assert not any("error it retries" in reason for reason in ranked.reasons)


@pytest.mark.parametrize(
    "message",
    [
        "failed to flush chunk '1-1770000000.1.flb', retry in 9 seconds: task_id=4, input=tail.0 > output=stackdriver.0",
        "Exporting failed. Will retry the request after interval.",
        "flush chunk '1-1770000000.1.flb' succeeded at retry 1: task_id=4",
    ],
)
def test_a_component_that_retries_what_it_carries_stays_gke_noise(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            message=message, max_severity="ERROR", count=3, events=3, services={"kube-system/fluentbit": 3}
        )
    )
    assert (ranked.priority, ranked.reasons[0]) == (
        "P3",
        "a component GKE runs and manages in the cluster (kube-system/fluentbit) reports an error it "
        "retries (3 events); no crash, no start failure and no workload failure shown",
    )


@pytest.mark.parametrize(
    "message",
    [
        "RESOURCE_EXHAUSTED on v1.compute.instances.insert (compute.googleapis.com): IP_SPACE_EXHAUSTED",
        "GET /api/orders → 503: upstream connect error or disconnect/reset before headers",
        "Ready condition status changed to False for Revision api-1",
        "deadlock detected",
        "DEADLOCK DETECTED → retrying",
        "jwt expired",
        "ſync failed: JWT EXPIRED",  # a long s: `re` reads it as an s whatever the case
        "Container called exit(3).",
        "The \u212aafka consumer was kicked out of the group",  # the Kelvin sign: a K to `re` and to `lower`
        "No module named 'x'",
        "This is just a test, please ignore",
    ],
)
@pytest.mark.parametrize("kind", ["message", "exception", "audit", "request"])
def test_the_literal_gates_change_no_priority(
    monkeypatch: pytest.MonkeyPatch, message: str, kind: str
) -> None:
    """The rules search a problem's text only when it holds one of the texts every match of the pattern holds
    (`regexes.literal_gate`): every priority and reason is the one a search of every pattern gives."""
    from loggardener.prioritizing import rules

    problem = cluster(kind=kind, title=message, message=message, max_severity="ERROR", stack_pattern=message)
    gated = prioritizer.rank(problem)
    monkeypatch.setattr(rules, "literal_gate", lambda pattern: None)
    searched = Prioritizer(GardenerConfig().priorities.rule_tiers()).rank(problem)
    assert gated == searched
