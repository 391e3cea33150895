"""Levels, payloads and priorities of formats other teams write (NLog, OpenTelemetry records, logrus' escapes,
Cloud Workflows' failures, retries a program schedules), on entries written for the test."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from conftest import scan_entries
from entry_factories import gke_entry, run_entry, stamp
from linear import assert_linear
from loggardener.config import default_rules
from loggardener.entries.levels import declared_level, strip_prefix
from loggardener.entries.models import Quiet, Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.payloads import without_runtime_prefix
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        (
            "2025-03-04 09:10:11.5120|ERROR|Shop.Billing.Invoices|Closing March failed",
            "ERROR",
            "Closing March failed",
        ),
        (
            "2025-03-04 09:10:11.5120|WARN|Shop.Billing.Invoices|Invoice 7 queued",
            "WARNING",
            "Invoice 7 queued",
        ),
        ("2025-03-04 09:10:11.5120|FATAL|Shop.Host|Host terminated", "CRITICAL", "Host terminated"),
        ("2025-03-04 09:10:11.5120|INFO|Shop.Host|Listening on :8080", "INFO", "Listening on :8080"),
    ],
)
def test_nlog_default_layout_declares_its_level(text: str, severity: str, body: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity.name, declared.rule) == (severity, "nlog-header")
    assert strip_prefix(text) == body


def test_a_warning_in_nlog_layout_without_severity_is_kept() -> None:
    entry = parser.parse(
        1, run_entry(0, text="2025-03-04 09:10:11.5120|WARN|Shop.Cart|Cart 9 checked out twice")
    )
    assert entry.severity == Severity.WARNING and entry.message == "Cart 9 checked out twice"


def test_the_nlog_header_is_read_in_linear_time() -> None:
    assert_linear(lambda n: strip_prefix("2025-03-04 09:10:11.5120|ERROR|" + "a" * n), 40_000)
    assert_linear(lambda n: strip_prefix("2025-03-04 09:10:11.5120|ERROR" + "|" * n), 40_000)


def test_logrus_quoted_line_breaks_are_line_breaks() -> None:
    text = 'time="2025-03-04T09:10:11Z" level=error msg="sync failed: quota exhausted.\\nDetails:\\n[\\n  \\"x\\"\\n]"'
    assert strip_prefix(text).split("\n") == ["sync failed: quota exhausted.", "Details:", "[", '  "x"', "]"]


def _otel(severity_text: str, body: str, attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "body": body,
        "severity_text": severity_text,
        "severity_number": {"ERROR": 17, "WARN": 13, "INFO": 9}[severity_text],
        "attributes": attributes or {},
        "trace_id": "5b8efff798038103d269b633813fc60c",
        "resource": {"service.name": "quotes"},
    }


_EXCEPTION = {
    "exception.type": "ValueError",
    "exception.message": "rate must be positive",
    "exception.stacktrace": 'Traceback (most recent call last):\n  File "/app/quotes.py", line 8, in price\n'
    "    raise ValueError('rate must be positive')\nValueError: rate must be positive\n",
}


@pytest.mark.parametrize("as_text", [False, True])
def test_an_opentelemetry_record_is_read_by_its_severity_text_body_and_exception(as_text: bool) -> None:
    record = _otel("ERROR", "pricing a quote failed", _EXCEPTION)
    raw = run_entry(0, text=json.dumps(record)) if as_text else run_entry(0, json_payload=record)
    entry = parser.parse(1, raw)
    assert entry.severity == Severity.ERROR
    assert entry.message.startswith("pricing a quote failed")
    assert entry.stack is not None and entry.stack.exception_type == "ValueError"


def test_an_exception_the_collectors_exporter_wrote_as_labels_is_read_with_its_stack() -> None:
    raw = run_entry(0, text="pricing a quote failed", severity="ERROR")
    raw["labels"] = {**raw.get("labels", {}), **_EXCEPTION, "code.function": "price"}
    entry = parser.parse(1, raw)
    assert entry.message == "pricing a quote failed: ValueError: rate must be positive"
    assert entry.stack is not None and entry.stack.exception_type == "ValueError"
    assert entry.stack.frames[-1].file == "/app/quotes.py"


def test_labels_without_an_exception_change_nothing() -> None:
    raw = run_entry(0, text="pricing a quote failed", severity="ERROR")
    raw["labels"] = {**raw.get("labels", {}), "code.function": "price", "exception.escaped": "false"}
    entry = parser.parse(1, raw)
    assert (entry.message, entry.stack) == ("pricing a quote failed", None)


def test_an_opentelemetry_warning_is_kept_and_its_info_is_quiet() -> None:
    assert (
        parser.parse(1, run_entry(0, json_payload=_otel("WARN", "cache stale"))).severity == Severity.WARNING
    )
    assert isinstance(parser.skim(1, run_entry(0, json_payload=_otel("INFO", "quote priced"))), Quiet)


def _loguru(level: str, number: int, message: str, exception: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record of loguru's `serialize=True` sink: the formatted `text` (with the traceback) and the `record`."""
    head = f"2026-03-02 10:15:04.118 | {level:<8} | app.sync:push:88 - {message}\n"
    traceback = (
        'Traceback (most recent call last):\n  File "/app/app/sync.py", line 86, in push\n'
        "    resp.raise_for_status()\nrequests.exceptions.HTTPError: 502 Server Error: Bad Gateway for url: "
        "https://crm.example.com/api/contacts\n"
    )
    record = {
        "level": {"icon": "x", "name": level, "no": number},
        "message": message,
        "exception": exception,
        "name": "app.sync",
        "function": "push",
        "line": 88,
        "file": {"name": "sync.py", "path": "/app/app/sync.py"},
        "time": {"repr": "2026-03-02 10:15:04.118+00:00", "timestamp": 1772446504.118},
    }
    return {"text": head + (traceback if exception else ""), "record": record}


@pytest.mark.parametrize("as_text", [False, True])
def test_a_loguru_serialized_record_is_read_by_its_level_message_and_exception(as_text: bool) -> None:
    """loguru's level is `record.level.name`, its exception's frames only in `text`: an ERROR with the
    HTTPError's stack, not a WARNING titled by a dump of the record's keys."""
    exception = {"type": "HTTPError", "value": "502 Server Error: Bad Gateway", "traceback": True}
    record = _loguru("ERROR", 40, "push to CRM failed", exception)
    raw = run_entry(0, text=json.dumps(record)) if as_text else run_entry(0, json_payload=record)
    entry = parser.parse(1, raw)
    assert entry.severity == Severity.ERROR
    assert entry.message == "push to CRM failed: HTTPError: 502 Server Error: Bad Gateway"
    assert entry.stack is not None and entry.stack.exception_type == "requests.exceptions.HTTPError"


def test_loguru_serialized_warnings_are_kept_and_its_info_and_success_are_quiet() -> None:
    assert parser.parse(1, run_entry(0, json_payload=_loguru("WARNING", 30, "cache stale"))).severity == (
        Severity.WARNING
    )
    assert isinstance(parser.skim(1, run_entry(0, json_payload=_loguru("INFO", 20, "pushed 12"))), Quiet)
    # loguru's own SUCCESS level (25, between INFO and WARNING) declares no level the entry should take
    assert parser.parse(1, run_entry(0, json_payload=_loguru("SUCCESS", 25, "synced"))).severity < (
        Severity.WARNING
    )


def _workflow_failed(seconds: float) -> dict[str, Any]:
    exception = (
        '{"body":"upstream reset","code":503,"message":"HTTP server responded with error code 503",'
        '"tags":["HttpError"]}'
    )
    return {
        "insertId": f"wf{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "resource": {
            "type": "workflows.googleapis.com/Workflow",
            "labels": {"resource_container": "p", "location": "us-central1", "workflow_id": "nightly"},
        },
        "logName": "projects/p/logs/workflows.googleapis.com%2Fexecutions_system",
        "jsonPayload": {
            "@type": "type.googleapis.com/google.cloud.workflows.type.ExecutionsSystemLog",
            "state": "FAILED",
            "failure": {"exception": exception, "source": "main.yaml:12:5"},
        },
    }


def test_a_workflows_failure_written_as_json_reads_as_its_message() -> None:
    assert parser.parse(1, _workflow_failed(0)).message == "HTTP server responded with error code 503"


def test_a_failed_workflows_execution_is_a_failed_job() -> None:
    (cluster,) = scan_entries([_workflow_failed(0), _workflow_failed(1800)]).clusters
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("a Cloud Workflows execution failed")


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("Transaction aborted, retrying (attempt 2)", "P3"),
        ("Webhook delivery slow, retrying in 2s", "P3"),
        ("Order 77 queued for retry (attempt 1/5)", "P3"),
        ("Connection refused, retrying", "P2"),  # no attempt or delay: a warning with user impact
        ("Retry of order 77 failed (attempt 1/5)", "P2"),
        ("serving stale prices for batch 4, refresh retry 2/5", "P3"),
        ('Retry 1 for "inventory" after 200ms', "P3"),  # Polly, rendered
        ("Retry {Attempt} for {Client} after {Delay}ms", "P3"),  # Polly, a Serilog message template
        ("Retry 2/5 failed: connection refused", "P2"),  # the retry itself failed
        ("Connection refused after 200ms, giving up", "P2"),
        # a quota the calls wait for is a capacity ceiling, not a handled hiccup
        ("429 Quota exceeded for metric 'requests per minute'; retrying in 2s", "P2"),
    ],
)
def test_a_warning_announcing_a_scheduled_retry_is_handled(text: str, priority: str) -> None:
    entries = [gke_entry(seconds, text=text, stream="stdout", severity="WARNING") for seconds in (0, 2, 70)]
    (cluster,) = scan_entries(entries).clusters
    assert cluster.priority == priority


def test_a_scheduled_retry_whose_attempts_vary_is_handled() -> None:
    """The rule reads the title, where the attempt and the delay vary: `refresh retry <*>/<*>`."""
    entries = [
        gke_entry(float(n), text=f"serving stale prices for batch {n + 3}, refresh retry {n + 1}/5", stream="stdout",
                  severity="WARNING")
        for n in range(3)
    ]  # fmt: skip
    (cluster,) = scan_entries(entries).clusters
    assert "<*>/" in cluster.title and cluster.priority == "P3"


def test_the_scheduled_retry_pattern_is_linear() -> None:
    (rule,) = [rule for rule in default_rules() if rule.name == "handled-warning"]
    pattern = re.compile(rule.message_patterns[-1])
    assert_linear(lambda n: pattern.search("retry " * n), 40_000)
    assert_linear(lambda n: pattern.search("a" * n + " retrying in 2s"), 40_000)
    assert_linear(lambda n: pattern.search("retry 1" + " x" * n + " after 2"), 40_000)


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        # Istio's Envoy: its logger and source place are the scope field
        (
            "2026-02-03T04:05:06.789012Z\twarning\tenvoy config external/envoy/source/extensions/"
            "config_subscription/grpc/grpc_stream.h:193\tStreamAggregatedResources gRPC config stream to xds-grpc "
            "closed since 31s ago: 14, no healthy upstream\tthread=17",
            "WARNING",
            "StreamAggregatedResources gRPC config stream to xds-grpc closed since 31s ago",
        ),
        # Istio's own components (zap): a scope word
        (
            "2026-02-03T04:05:06.789012Z\terror\tads\tADS: push to sidecar timed out",
            "ERROR",
            "ADS: push to sidecar",
        ),
    ],
)
def test_zap_and_istio_envoy_tabbed_fields_are_header(text: str, severity: str, body: str) -> None:
    declared = declared_level(text)
    assert declared is not None and declared.severity.name == severity
    assert strip_prefix(text).startswith(body)


def test_two_envoy_sources_with_one_message_are_one_problem_titled_by_the_message() -> None:
    lines = [
        f"2026-02-03T04:05:0{s}.100000Z\twarning\tenvoy config external/envoy/source/extensions/config_subscription/"
        f"grpc/grpc_stream.h:{line}\tStreamAggregatedResources gRPC config stream to xds-grpc closed since {s}1s ago: "
        f"14, connection error\tthread=1{s}"
        for s, line in ((1, 193), (5, 193), (8, 193))
    ]
    report = scan_entries([gke_entry(float(n), text=line) for n, line in enumerate(lines)])
    (cluster,) = report.clusters
    assert cluster.title.startswith("StreamAggregatedResources gRPC config stream to xds-grpc closed"), (
        cluster.title
    )
    assert cluster.max_severity == "WARNING"


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        (
            "<3>smtp: 535 5.7.8 Username and Password not accepted",
            "ERROR",
            "smtp: 535 5.7.8 Username and Password not accepted",
        ),
        (
            "<4>outbound queue length 200 exceeds soft limit 100",
            "WARNING",
            "outbound queue length 200 exceeds soft limit 100",
        ),
        ("<2>cannot open /var/lib/app/state.db", "CRITICAL", "cannot open /var/lib/app/state.db"),
        ("<0>kernel image corrupt", "EMERGENCY", "kernel image corrupt"),
        ("<5>config reloaded", "NOTICE", "config reloaded"),
        ("<6>picked 4 messages from queue", "INFO", "picked 4 messages from queue"),
        ("<7>tick", "DEBUG", "tick"),
        # the prefix is the level the program set; a header of its own after it is still taken off
        ("<3>2025-03-04T09:10:11Z [worker] sync failed: timeout", "ERROR", "sync failed: timeout"),
    ],
)
def test_an_sd_daemon_prefix_declares_its_syslog_level(text: str, severity: str, body: str) -> None:
    """sd-daemon(3)'s `<N>` before a line (systemd services, go-systemd's and Rust's journal loggers on a
    container's stream): the syslog level of the line, which reads the same without it."""
    declared = declared_level(text)
    assert declared is not None and (declared.severity.name, declared.rule) == (severity, "sd-daemon-prefix")
    assert strip_prefix(text) == body


@pytest.mark.parametrize(
    "text",
    [
        "<0.512.0> closing AMQP connection",  # an Erlang process id
        "<3 retries left for job 7",
        "<8>not a syslog level",
        "<3> a space after the brackets",
        "x <3>in the middle",
    ],
)
def test_look_alikes_of_an_sd_daemon_prefix_declare_nothing(text: str) -> None:
    declared = declared_level(text)
    assert declared is None or declared.rule != "sd-daemon-prefix"


def test_lines_an_sd_daemon_prefix_raises_are_problems_and_its_info_lines_are_quiet() -> None:
    """On GKE's stdout (INFO, the stream's default) a `<3>` line is an error and a `<4>` one a warning: neither is
    dropped, nor skimmed by the fast path; a `<6>` line stays quiet."""
    error = gke_entry(
        1, text="<3>smtp: 535 5.7.8 Username and Password not accepted", stream="stdout", severity="INFO"
    )
    warning = gke_entry(
        2, text="<4>outbound queue length 200 exceeds soft limit 100", stream="stdout", severity="INFO"
    )
    info = gke_entry(3, text="<6>picked 4 messages from queue", stream="stdout", severity="INFO")
    assert parser.skim(0, error) is None and parser.skim(1, warning) is None
    assert isinstance(parser.skim(2, info), Quiet)
    report = scan_entries([error, warning, info])
    found = {c.title: (c.max_severity, c.inferred_severity) for c in report.clusters}
    assert found == {
        "smtp: 535 5.7.8 Username and Password not accepted": ("ERROR", {"sd-daemon-prefix": 1}),
        "outbound queue length 200 exceeds soft limit 100": ("WARNING", {"sd-daemon-prefix": 1}),
    }


def _autoscaler(seconds: float, result: dict[str, Any]) -> dict[str, Any]:
    """A record of GKE's cluster autoscaler visibility log, as Cloud Logging keeps it (no severity)."""
    return {
        "insertId": f"ca{seconds}",
        "timestamp": stamp(seconds),
        "logName": "projects/p/logs/container.googleapis.com%2Fcluster-autoscaler-visibility",
        "resource": {
            "type": "k8s_cluster",
            "labels": {"project_id": "p", "location": "us-east4", "cluster_name": "prod"},
        },
        "jsonPayload": {
            "resultInfo": {"measureTime": "1764583200", "results": [{"eventId": f"e-{seconds}", **result}]}
        },
    }


def test_a_failed_scale_up_of_the_cluster_autoscaler_is_an_error_titled_by_its_message_id_and_parameters() -> (
    None
):
    """Its visibility log's `resultInfo` says a decision failed by an `errorMsg`'s id and parameters; a result
    without one succeeded and stays quiet."""
    failed = [
        _autoscaler(
            s,
            {
                "errorMsg": {
                    "messageId": "scale.up.error.quota.exceeded",
                    "parameters": [
                        f"Instance 'gke-prod-pool-1-{s}a' creation failed: Quota 'CPUS' exceeded."
                    ],
                }
            },
        )
        for s in (1, 60, 120)
    ]
    report = scan_entries([*failed, _autoscaler(200, {})])
    assert [(c.count, c.max_severity) for c in report.clusters] == [(3, "ERROR")]
    title = report.clusters[0].title
    assert title.startswith("Cluster autoscaler scale.up.error.quota.exceeded: Instance '"), title
    assert "creation failed: Quota 'CPUS' exceeded." in title


def _no_decision(seconds: float, status: dict[str, Any]) -> dict[str, Any]:
    record = _autoscaler(seconds, {})
    record["jsonPayload"] = {"noDecisionStatus": {"measureTime": "1764583200", **status}}
    return record


def _pending(pod: str, *reasons: dict[str, Any]) -> dict[str, Any]:
    """A `noScaleUp` record for one group of pending pods, each node group rejected for `reasons`."""
    group = {
        "podGroup": {"samplePod": {"name": pod, "namespace": "data"}, "totalPodCount": 3},
        "rejectedMigs": [
            {"mig": {"name": f"gke-prod-pool-{n}-grp"}, "reason": r} for n, r in enumerate(reasons)
        ],
        "napFailureReasons": [{"messageId": "no.scale.up.nap.disabled"}],
    }
    return {"noScaleUp": {"unhandledPodGroups": [group], "unhandledPodGroupsTotalCount": 1}}


def test_pods_the_cluster_autoscaler_cannot_scale_up_for_are_an_error_titled_by_its_reasons() -> None:
    """`noDecisionStatus.noScaleUp` says pods stay Pending and no node group may grow for them: an error named by
    the pods and the reasons' message ids; a `noScaleDown` (a node kept) stays quiet."""
    failing = {
        "messageId": "no.scale.up.mig.failing.predicate",
        "parameters": ["NodeResourcesFit", "Insufficient cpu"],
    }
    report = scan_entries(
        [
            *(_no_decision(s, _pending(f"ingest-7d9f-{s}x", failing)) for s in (1, 60, 120)),
            _no_decision(
                130,
                {
                    "noScaleDown": {
                        "nodes": [{"reason": {"messageId": "no.scale.down.node.pod.has.local.storage"}}]
                    }
                },
            ),
        ]
    )
    assert [(c.count, c.max_severity) for c in report.clusters] == [(3, "ERROR")]
    title = report.clusters[0].title
    assert title.startswith(
        "Cluster autoscaler cannot scale up: no.scale.up.mig.failing.predicate: NodeResourcesFit, Insufficient cpu"
    ), title
    sample = report.clusters[0].samples[0].message
    assert "; no.scale.up.nap.disabled (pending: data/ingest-7d9f-" in sample and sample.endswith(", 3 pods)")


def test_a_no_scale_up_record_without_pod_groups_is_titled_by_its_own_reason() -> None:
    entry = parser.parse(
        1, _no_decision(1, {"noScaleUp": {"reason": {"messageId": "no.scale.up.in.backoff"}}})
    )
    assert entry.message == "Cluster autoscaler cannot scale up: no.scale.up.in.backoff"
    assert entry.severity == Severity.ERROR


def _nat(seconds: float, status: str, vm: str = "gke-prod-pool-1-5d2a-x") -> dict[str, Any]:
    """A record of Cloud NAT's log, as Cloud Logging keeps it (no severity)."""
    return {
        "insertId": f"nat{seconds}",
        "timestamp": stamp(seconds),
        "logName": "projects/p/logs/compute.googleapis.com%2Fnat_flows",
        "resource": {
            "type": "nat_gateway",
            "labels": {"project_id": "p", "region": "us-east4", "gateway_name": "nat-1"},
        },
        "jsonPayload": {
            "allocation_status": status,
            "connection": {
                "src_ip": "10.8.0.5",
                "src_port": 40001,
                "dest_ip": "203.0.113.9",
                "dest_port": 443,
            },
            "endpoint": {"vm_name": vm, "zone": "us-east4-a"},
            "gateway_identifiers": {"gateway_name": "nat-1", "router_name": "router-1", "region": "us-east4"},
        },
    }


def test_a_connection_cloud_nat_dropped_is_an_error_and_an_allocated_one_is_quiet() -> None:
    """`allocation_status: DROPPED`: no NAT port was left for the VM's outbound connection (port exhaustion)."""
    dropped = [_nat(s, "DROPPED", vm=f"gke-prod-pool-1-5d2a-{s}x") for s in (1, 30, 60)]
    assert parser.skim(0, dropped[0]) is None
    assert isinstance(parser.skim(1, _nat(90, "OK")), Quiet)
    report = scan_entries([*dropped, _nat(90, "OK")])
    assert [(c.count, c.max_severity) for c in report.clusters] == [(3, "ERROR")]
    assert report.clusters[0].title == (
        "Cloud NAT nat-1 dropped a connection for want of a NAT port (DROPPED): <*> to 203.0.113.9:443"
    )  # the VMs vary


def test_the_log_analytics_query_fetches_cloud_nat_drops() -> None:
    from loggardener.sources.log_analytics import _may_declare_pattern

    pattern = re.compile(_may_declare_pattern())
    assert pattern.search(json.dumps(_nat(1, "DROPPED")["jsonPayload"]))
    assert not pattern.search(json.dumps({"allocation_status": "OK", "connection": {"dest_port": 443}}))


@pytest.mark.parametrize(
    ("payload", "title_words"),
    [
        # a token endpoint's answer logged as the client got it (Google's, Auth0's, Okta's, Keycloak's)
        (
            {"error": "invalid_client", "error_description": "Client authentication failed (unknown client)"},
            ("invalid_client", "Client authentication failed"),
        ),
        (
            {
                "message": "token exchange failed",
                "error": "invalid_grant",
                "error_description": "Code not valid",
            },
            ("token exchange failed", "invalid_grant", "Code not valid"),
        ),
        # as the text an app printed, not parsed by Cloud Logging
        (
            '{"error":"unauthorized_client","error_description":"The client is not authorized to request a token"}',
            ("unauthorized_client", "not authorized to request a token"),
        ),
    ],
)
def test_an_oauth_error_is_read_with_its_description(
    payload: dict[str, Any] | str, title_words: tuple[str, ...]
) -> None:
    """OAuth 2.0's error answer (RFC 6749) holds a code and, beside it, what went wrong in words: both are read, so
    `invalid_grant` for an expired code and for a revoked token are two problems, each titled by its cause."""
    fields: dict[str, Any] = {"text": payload} if isinstance(payload, str) else {"json_payload": payload}
    report = scan_entries([run_entry(0, severity="ERROR", **fields)])
    [cluster] = report.clusters
    for words in title_words:
        assert words in cluster.title


def test_an_error_without_a_description_reads_as_before() -> None:
    report = scan_entries(
        [run_entry(0, severity="ERROR", json_payload={"message": "login", "error": "invalid_grant"})]
    )
    [cluster] = report.clusters
    assert "login: invalid_grant" in cluster.title


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        # Serilog's default console template: the time and the level's three letters in one bracket
        (
            "[10:00:00 ERR] An unhandled exception has occurred",
            "ERROR",
            "An unhandled exception has occurred",
        ),
        ("[10:00:00 FTL] Host terminated unexpectedly", "CRITICAL", "Host terminated unexpectedly"),
        (
            "[10:00:00 WRN] Failed to determine the https port",
            "WARNING",
            "Failed to determine the https port",
        ),
        ("[10:00:00 INF] Now listening on: http://[::]:8080", "INFO", "Now listening on: http://[::]:8080"),
        # log15's (Grafana's) four-letter `eror`
        ('t=2026-12-01T10:00:00+0000 lvl=eror msg="Failed to send alert notification"', "ERROR", None),
    ],
)
def test_serilog_console_and_log15_levels_are_declared(text: str, severity: str, body: str | None) -> None:
    declared = declared_level(text)
    assert declared is not None and declared.severity.name == severity
    if body is not None:
        assert strip_prefix(text) == body
    assert parser.parse(1, run_entry(0, text=text)).severity.name == severity


@pytest.mark.parametrize(
    "text", ["[10:00:00] deployed softly", "[10:00:00 app] swiftly done", 'lvl=info msg="error budget ok"']
)
def test_look_alikes_of_serilog_and_log15_levels_declare_nothing_above_info(text: str) -> None:
    declared = declared_level(text)
    assert declared is None or declared.severity < Severity.WARNING


@pytest.mark.parametrize(
    ("record", "severity", "message"),
    [
        # Go's stdoutlog exporter: the body an AnyValue `{"Type": …, "Value": …}`
        (
            {"Severity": 17, "SeverityText": "ERROR", "Body": {"Type": "String", "Value": "capture failed"}},
            Severity.ERROR,
            "capture failed",
        ),
        # OTLP's JSON encoding: `{"stringValue": …}`
        ({"severityText": "WARN", "body": {"stringValue": "cache stale"}}, Severity.WARNING, "cache stale"),
    ],
)
def test_an_opentelemetry_body_held_as_an_any_value_is_the_message(
    record: dict[str, Any], severity: Severity, message: str
) -> None:
    entry = parser.parse(1, run_entry(0, json_payload=record, log="run.googleapis.com%2Fstdout"))
    assert (entry.severity, entry.message) == (severity, message)


def _dbt(seconds: float, level: str, name: str, msg: str, execution: str = "nightly-x7k2p") -> dict[str, Any]:
    return {
        "insertId": f"dbt{seconds}",
        "timestamp": stamp(seconds),
        "logName": "projects/p/logs/run.googleapis.com%2Fstdout",
        "resource": {"type": "cloud_run_job", "labels": {"job_name": "dbt-nightly", "project_id": "p"}},
        "labels": {"run.googleapis.com/execution_name": execution},
        "jsonPayload": {
            "data": {},
            "info": {
                "category": "",
                "code": "Z029",
                "extra": {},
                "invocation_id": f"3f1e2d4c-{execution}",
                "level": level,
                "msg": msg,
                "name": name,
                "pid": 7,
                "thread": "MainThread",
                "ts": stamp(seconds),
            },
        },
    }


_DBT_ERROR = (
    "  \x1b[31mDatabase Error in model orders_daily (models/orders_daily.sql)\x1b[0m\n  Unrecognized name: ts"
)


def test_a_dbt_json_event_is_read_by_its_info_level_and_message() -> None:
    entry = parser.parse(1, _dbt(0, "error", "RunResultError", _DBT_ERROR))
    assert entry.severity == Severity.ERROR
    assert entry.message.startswith("Database Error in model orders_daily (models/orders_daily.sql)")
    warn = parser.parse(2, _dbt(1, "warn", "UnusedResourceConfigPath", "Configuration paths exist"))
    assert warn.severity == Severity.WARNING
    assert isinstance(parser.skim(3, _dbt(2, "info", "MainReportVersion", "Running with dbt=1.8.7")), Quiet)


def test_a_failing_dbt_model_in_two_runs_is_a_failed_pipeline_job() -> None:
    entries = [
        _dbt(0, "error", "RunResultError", _DBT_ERROR),
        _dbt(900, "error", "RunResultError", _DBT_ERROR, "n-2"),
    ]
    (cluster,) = scan_entries(entries).clusters
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("a data pipeline's job or task failed")


_FORWARDED_TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/opt/billing/worker.py", line 97, in main',
    "    conn = psycopg2.connect(DSN)",
    'psycopg2.OperationalError: connection to server at "10.20.0.3", port 5432 failed: Connection refused',
]


def _docker_line(seconds: float, line: str, stream: str = "stderr") -> dict[str, Any]:
    """A container's line as a self-managed Fluent Bit forwards Docker's json-file record (no severity)."""
    entry = gke_entry(seconds, text="")
    del entry["textPayload"], entry["severity"]
    entry["logName"] = "projects/p/logs/k8s_container.var.log.containers"
    entry["jsonPayload"] = {
        "log": line + "\n",
        "stream": stream,
        "time": stamp(seconds),
        "kubernetes": {"pod_name": "x"},
    }
    return entry


def _journald_line(seconds: float, line: str, priority: str, identifier: str) -> dict[str, Any]:
    """A unit's line as Fluent Bit's systemd input forwards journald's record (no severity)."""
    return {
        "insertId": f"j{seconds}",
        "timestamp": stamp(seconds),
        "logName": "projects/p/logs/systemd",
        "resource": {"type": "gce_instance", "labels": {"instance_id": "4821", "zone": "europe-west1-b"}},
        "jsonPayload": {
            "MESSAGE": line,
            "PRIORITY": priority,
            "SYSLOG_IDENTIFIER": identifier,
            "_SYSTEMD_UNIT": "billing.service",
            "_HOSTNAME": "billing-vm-1",
        },
    }


@pytest.mark.parametrize("forward", ["docker", "journald"])
def test_a_traceback_forwarded_one_line_per_record_is_one_problem(forward: str) -> None:
    """A traceback a log shipper forwarded line by line, in Docker's json-file record or journald's (at PRIORITY 6,
    which journald gives every output line), is reassembled as the container's own stream would be."""
    entries = [
        _docker_line(i * 0.0002, line)
        if forward == "docker"
        else _journald_line(i * 0.0002, line, "6", "python3")
        for i, line in enumerate(_FORWARDED_TRACEBACK)
    ]
    (cluster,) = scan_entries(entries).clusters
    assert cluster.count == len(_FORWARDED_TRACEBACK) and cluster.max_severity == "ERROR"
    assert cluster.title.startswith("psycopg2.OperationalError: connection to server")


@pytest.mark.parametrize(
    ("priority", "severity"), [("4", Severity.WARNING), ("3", Severity.ERROR), ("6", Severity.DEFAULT)]
)
def test_journald_priority_of_a_forwarded_line_is_its_level(priority: str, severity: Severity) -> None:
    entry = parser.parse(
        1, _journald_line(0, "Reloading the price list from /etc/prices", priority, "billing")
    )
    assert (entry.severity, entry.message) == (severity, "Reloading the price list from /etc/prices")


def test_a_forwarded_json_record_is_still_read_as_that_record() -> None:
    record = json.dumps(
        {"level": 50, "msg": "redis connection failed", "err": {"message": "connect ETIMEDOUT"}}
    )
    entry = parser.parse(1, _docker_line(0, record, stream="stdout"))
    assert entry.severity == Severity.ERROR and entry.message.startswith("redis connection failed")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("2026-12-01T08:00:00.123456789Z stderr F panic: boom", "panic: boom"),
        ('2026-12-01T08:00:00+01:00 stdout P {"level":"error"', '{"level":"error"'),
        # look-alikes: no stream and flag after the time, or a word after them
        ("2026-12-01T08:00:00Z stderrx F x", None),
        ("2026-12-01T08:00:00Z stdout is the stream", None),
        ("2026-12-01 08:00:00 stderr F x", None),
    ],
)
def test_a_cri_record_prefix_is_removed(text: str, line: str | None) -> None:
    assert without_runtime_prefix(text) == (text if line is None else line)


def test_a_go_panic_in_raw_cri_lines_is_one_crash() -> None:
    lines = [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2f1c]",
        "",
        "goroutine 214 [running]:",
        "main.(*Pricer).quote(0x0)",
        "\t/src/pricer.go:142 +0x3c",
        "created by main.(*Server).Start in goroutine 1",
        "\t/src/server.go:61 +0x9d",
    ]
    entries = [
        gke_entry(i * 0.0001, text=f"{stamp(i * 0.0001)[:26]}789Z stderr F {line}", severity="DEFAULT")
        for i, line in enumerate(lines)
    ]
    for entry in entries:
        del entry["severity"]
    (cluster,) = scan_entries(entries).clusters
    assert (
        cluster.title.startswith("panic: runtime error: invalid memory address") and cluster.priority == "P1"
    )


_JVM_CRASH = [
    "#",
    "# A fatal error has been detected by the Java Runtime Environment:",
    "#",
    "#  SIGSEGV (0xb) at pc=0x00007f2c1a2b3c4d, pid=1, tid=57",
    "#",
    "# JRE version: OpenJDK Runtime Environment Temurin-21.0.2+13 (21.0.2+13) (build 21.0.2+13-LTS)",
    "# Problematic frame:",
    "# C  [libzstd-jni-1.5.5-11.so+0x4b2c1]  ZSTD_decompressStream+0x91",
    "#",
    "# An error report file with more information is saved as:",
    "# /tmp/hs_err_pid1.log",
    "#",
]


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_jvm_fatal_error_report_is_one_crash_of_the_process(newest_first: bool) -> None:
    """The JVM's fatal error report on a GKE container's stdout (INFO), one line per entry: one crash, titled by
    its signal and problematic frame, ranked as a process that died."""
    entries = [
        gke_entry(i * 0.0001, text=line, stream="stdout", severity="INFO")
        for i, line in enumerate(_JVM_CRASH)
    ]
    (cluster,) = scan_entries(entries[::-1] if newest_first else entries).clusters
    assert cluster.count == len(_JVM_CRASH)
    assert cluster.title.startswith(
        "A fatal error has been detected by the Java Runtime Environment: SIGSEGV"
    )
    assert "ZSTD_decompressStream" in cluster.samples[0].message
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("the process died")


def test_lines_of_the_jvm_report_without_its_header_are_no_problem() -> None:
    lines = ["#", "# Problematic frame:", "# /tmp/hs_err_pid1.log", "# deploy finished"]
    entries = [
        gke_entry(i * 0.0001, text=line, stream="stdout", severity="INFO") for i, line in enumerate(lines)
    ]
    assert scan_entries(entries).clusters == []


def _windows_event(seconds: float, source: str, event_id: int, message: str) -> dict[str, Any]:
    return {
        "insertId": f"w{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/windows_event_log",
        "resource": {"type": "gce_instance", "labels": {"instance_id": "7712", "zone": "europe-west1-b"}},
        "jsonPayload": {
            "Channel": "Application",
            "EventID": event_id,
            "EventType": "Error",
            "Message": message,
            "SourceName": source,
        },
    }


@pytest.mark.parametrize(
    ("source", "event_id", "message", "priority"),
    [
        (
            ".NET Runtime",
            1026,
            "Application: Billing.Service.exe\r\nDescription: The process was terminated due to an unhandled "
            "exception.\r\nException Info: System.Data.SqlClient.SqlException\r\n   at Billing.Run()\r\n",
            "P1",
        ),
        (
            "Service Control Manager",
            7031,
            "The Billing service terminated unexpectedly.  It has done this 1 time(s).",
            "P1",
        ),
        # look-alikes: Google's own agent restarting itself, a system component's error: the VM's own noise
        (
            "Service Control Manager",
            7031,
            "The Google Compute Engine Agent Manager service terminated unexpectedly.  It has done this 1 time(s).",
            "P3",
        ),
        (
            "DCOM",
            10016,
            "The application-specific permission settings do not grant Local Activation permission",
            "P3",
        ),
    ],
)
def test_a_windows_application_or_service_crash_is_not_vm_noise(
    source: str, event_id: int, message: str, priority: str
) -> None:
    (cluster,) = scan_entries([_windows_event(0, source, event_id, message)]).clusters
    assert cluster.priority == priority


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        # a JSON record longer than the runtime's 16 KiB line, forwarded in parts: its head names its level
        (
            '{"level":"error","ts":"2026-12-01T08:00:00Z","msg":"bulk index failed","items":[{"index":{"_id":"d1",',
            "ERROR",
        ),
        ('{"ts": 1764576000.5, "severity": "WARNING", "message": "slow bulk", "items": [', "WARNING"),
        # look-alikes: a cut record at INFO stays below WARNING; a whole record is read whole
        ('{"level":"info","msg":"indexed","items":[{"index":{"_id":"d1","status":201', "INFO"),
        ('{"level":"info","msg":"indexed","note":"\\"level\\":\\"error\\" is only text"}', "INFO"),
    ],
)
def test_the_head_of_a_json_record_cut_short_declares_its_level(text: str, severity: str) -> None:
    declared = declared_level(text)
    assert declared is not None and declared.severity.name == severity


def test_the_jvm_out_of_native_memory_twice_is_a_killed_worker() -> None:
    """The JVM's fatal error report of native memory exhausted, in two pods: one event each, workers killed."""
    report = [
        "#",
        "# There is insufficient memory for the Java Runtime Environment to continue.",
        "# Native memory allocation (mmap) failed to map 12288 bytes for committing reserved memory.",
        "# An error report file with more information is saved as:",
        "# /app/hs_err_pid7.log",
    ]
    entries = [
        gke_entry(start + i * 0.0001, text=line, pod=pod, stream="stdout", severity="INFO")
        for start, pod in ((0, "loader-1"), (300, "loader-2"))
        for i, line in enumerate(report)
    ]
    (cluster,) = scan_entries(entries).clusters
    assert cluster.events == 2 and cluster.count == 2 * len(report)
    assert cluster.title.startswith(
        "There is insufficient memory for the Java Runtime Environment to continue"
    )
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("workers killed")


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        # Prefect's console format: the time, then the level padded between bars
        ("14:02:07.311 | ERROR   | Flow run 'gentle-lynx' - Finished in state Failed('boom')", "ERROR",
         "Flow run 'gentle-lynx' - Finished in state Failed('boom')"),
        ("14:02:07.311 | WARNING | prefect.flow_runs - Retry 1 of 3", "WARNING", "prefect.flow_runs - Retry 1 of 3"),
        # `%(asctime)s | %(levelname)s | %(name)s | %(message)s`
        ("2025-03-04 09:10:11,512 | CRITICAL | shop.jobs | Ledger closed", "CRITICAL", "Ledger closed"),
        ("2025-03-04T09:10:11Z | INFO | shop.jobs | Ledger opened", "INFO", "Ledger opened"),
        # a message with a bar of its own keeps it; words with a blank are no logger's column
        ("10:00:00 | ERROR | shop.jobs | Ledger closed | code 7", "ERROR", "Ledger closed | code 7"),
        ("10:00:00 | ERROR | disk full on /data | retrying", "ERROR", "disk full on /data | retrying"),
    ],
)  # fmt: skip
def test_a_level_between_bars_after_a_time_is_the_records_level(text: str, severity: str, body: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity.name, declared.rule) == (severity, "level-header")
    assert strip_prefix(text) == body


@pytest.mark.parametrize("text", ["| ERROR | 3 rows |", "orders | ERROR | 3 rows", "| shop | WARNING |"])
def test_a_bar_that_no_time_comes_before_is_the_messages(text: str) -> None:
    """A table's row or a message with bars declares nothing and keeps its bars."""
    assert declared_level(text) is None
    assert strip_prefix(text) == text


@pytest.mark.parametrize("text", ["               {id,quota_srv},", "    {child_type,worker}]"])
def test_an_indented_term_in_braces_is_no_headers_tag(text: str) -> None:
    """Erlang writes a report's terms indented under their key (`offender: [{pid,…},` then `{id,quota_srv},`): the
    braces open the line's text, not a header's tag; a tag at the line's start still is one."""
    assert strip_prefix(text) == text
    assert strip_prefix("{req-7} ERROR lookup failed") == "lookup failed"


@pytest.mark.parametrize(
    "key",
    [
        "LEVEL",
        "Severity",
        "SEVERITY",
        "logLevel",
        "LOG_LEVEL",
        "levelName",
        "level_name",
        "@level",
        "Log-Level",
    ],
)
def test_a_level_under_another_spelling_of_a_level_key_is_read(key: str) -> None:
    """A JSON record whose level key is spelled in another case, separator or sigil declares its level as
    `level` does: an error without a severity on Cloud Run is kept, at ERROR."""
    entry = run_entry(
        1,
        json_payload={key: "error", "message": "card vault refused the token"},
        log="run.googleapis.com%2Fstdout",
    )
    (cluster,) = scan_entries([entry]).clusters
    assert (cluster.title, cluster.max_severity) == ("card vault refused the token", "ERROR")


@pytest.mark.parametrize(
    "payload",
    [
        {"levels": "error", "message": "3 levels configured"},  # another word
        {"sleeve": "error", "message": "x"},
        {"LEVEL": "E2E", "message": "suite started"},  # no level word
    ],
)
def test_a_key_like_a_level_key_declares_nothing(payload: dict[str, Any]) -> None:
    entry = parser.parse(1, run_entry(1, json_payload=payload, log="run.googleapis.com%2Fstdout"))
    assert not isinstance(entry, Quiet) and entry.severity < Severity.WARNING


# uWSGI writes a line per request to stderr (GKE records each at ERROR): what it answered is an access line's status
_UWSGI = (
    "[pid: 7|app: 0|req: 3/9] 10.1.2.3 () {{34 vars in 512 bytes}} [Tue Mar  4 09:10:11 2025] {method} {path} "
    "=> generated 21 bytes in 4 msecs (HTTP/1.1 {status}) 2 headers in 83 bytes (1 switches on core 0)"
)


@pytest.mark.parametrize(
    ("status", "severity"), [(502, "ERROR"), (404, "WARNING"), (200, "INFO"), (304, "INFO")]
)
def test_uwsgi_request_log_is_an_access_line_of_its_status(status: int, severity: str) -> None:
    text = _UWSGI.format(method="POST", path="/v2/exports/77", status=status)
    entry = parser.parse(1, gke_entry(0, text=text))
    assert entry.severity.name == severity
    assert entry.http is not None and (entry.http.method, entry.http.status) == ("POST", status)


def test_uwsgi_server_errors_are_one_request_problem_per_route_apart_from_its_successes() -> None:
    entries = [
        gke_entry(i, text=_UWSGI.format(method="GET", path=f"/v2/exports/{100 + i}", status=status))
        for i, status in enumerate([500, 500, 200, 500, 200, 200])
    ]
    report = scan_entries(entries)
    failing = [c for c in report.clusters if c.priority != "P3"]
    assert [(c.kind, c.count, c.title) for c in failing] == [
        ("request", 3, "HTTP 500 on GET /v2/exports/{id} (shop/orders)")
    ]


def test_a_uwsgi_look_alike_without_its_response_is_no_access_line() -> None:
    text = (
        "[pid: 7|app: 0|req: 3/9] GET /v2/exports/1 => generated by the export worker (HTTP/1.1 500 expected)"
    )
    entry = parser.parse(1, gke_entry(0, text=text))
    assert entry.http is None


def test_the_uwsgi_request_log_is_read_in_linear_time() -> None:
    assert_linear(
        lambda n: parser.parse(1, gke_entry(0, text="GET /" + "a" * n + " => generated 1 bytes in ")), 40_000
    )


def _traefik(status: int, origin: int, method: str = "GET", path: str = "/api/basket/31") -> dict[str, Any]:
    """Traefik's JSON access log: its fields named in Go's exported style, its own level and an empty message."""
    return {
        "ClientHost": "10.0.0.9",
        "DownstreamStatus": status,
        "OriginStatus": origin,
        "RequestMethod": method,
        "RequestPath": path,
        "RequestProtocol": "HTTP/2.0",
        "RouterName": "basket@kubernetescrd",
        "level": "info",
        "msg": "",
    }


@pytest.mark.parametrize(("status", "origin"), [(502, 0), (504, 0), (500, 500)])
def test_a_traefik_access_log_of_a_server_error_is_a_failed_request(status: int, origin: int) -> None:
    raw = gke_entry(0, text="", stream="stdout", severity="INFO")
    del raw["textPayload"]
    raw["jsonPayload"] = _traefik(status, origin, "POST")
    entry = parser.parse(1, raw)
    assert entry.severity == Severity.ERROR
    assert entry.http is not None
    assert (entry.http.method, entry.http.url, entry.http.status) == ("POST", "/api/basket/31", status)


@pytest.mark.parametrize(("status", "origin"), [(200, 200), (404, 404), (304, 304)])
def test_a_traefik_access_log_of_any_other_status_keeps_its_level(status: int, origin: int) -> None:
    raw = gke_entry(0, text="", stream="stdout", severity="INFO")
    del raw["textPayload"]
    raw["jsonPayload"] = _traefik(status, origin)
    assert parser.parse(1, raw).severity == Severity.INFO


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        (
            "Mar 04, 2025 9:10:11 AM com.shop.billing.InvoiceJob run\nSEVERE: Closing March failed",
            "ERROR",
            "Closing March failed",
        ),
        (
            "Mar 04, 2025 11:10:11 PM com.zaxxer.hikari.pool.HikariPool$HouseKeeper run\nWARNING: pool is slow",
            "WARNING",
            "pool is slow",
        ),
        ("Mar 04, 2025 9:10:11 AM shop.http\nINFO: Listening on :8080", "INFO", "Listening on :8080"),
        ("Mar 04, 2025 9:10:11 AM shop.http start\nCONFIG: pool size 8", "DEBUG", "pool size 8"),
        ("Mar 04, 2025 9:10:11 AM shop.http start\nFINER: ENTRY", "DEBUG", "ENTRY"),
    ],
)
def test_java_util_logging_declares_its_level_on_the_line_after_its_header(
    text: str, severity: str, body: str
) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity.name, declared.rule) == (severity, "jul-header")
    assert strip_prefix(text) == body


def test_a_warning_in_java_util_logging_without_severity_is_kept_and_titled_by_its_message() -> None:
    text = "Mar 04, 2025 9:10:11 AM com.shop.Pool check\nWARNING: Thread starvation detected (delta=61s)."
    entry = parser.parse(1, run_entry(0, text=text))
    assert entry.severity == Severity.WARNING
    assert entry.message == "Thread starvation detected (delta=61s)."


@pytest.mark.parametrize(
    "text",
    [
        "Mar 04, 2025 9:10:11 AM com.shop.Pool check",  # the header alone: no level yet
        "Mar 04, 2025 9:10:11 AM com.shop.Pool check WARNING: inline",  # not JUL's two lines
        "Mar 04, 2025 9:10:11 AM com.shop.Pool check\nNOTE: not a JUL level",
    ],
)
def test_java_util_logging_look_alikes_declare_no_jul_level(text: str) -> None:
    declared = declared_level(text)
    assert declared is None or declared.rule != "jul-header"


def test_the_java_util_logging_header_is_read_in_linear_time() -> None:
    assert_linear(lambda n: strip_prefix("Mar 04, 2025 9:10:11 AM " + "a" * n), 40_000)
    assert_linear(lambda n: strip_prefix("Mar 04, 2025 9:10:11 AM a " + "b" * n + "\nINFO: x"), 40_000)


@pytest.mark.parametrize(
    "text",
    [
        "WSGI app 0 (mountpoint='') ready in 2 seconds on interpreter 0x5601 pid: 7 (default app)",
        "Using default tag: latest",
        "Successfully assigned default/web-5f-abcde to gke-pool-1-node-2",
        "Request from referrer https://shop.example/ served",
    ],
)
def test_a_word_that_only_holds_a_failure_sign_is_no_evidence_of_one(text: str) -> None:
    assert parser.parse(1, gke_entry(0, text=text)).severity == Severity.INFO


@pytest.mark.parametrize(
    "text",
    [
        "Segmentation fault (default handler)",
        "default pool exhausted: connection refused",
        "fault in default app",
    ],
)
def test_a_failure_sign_beside_such_a_word_is_still_one(text: str) -> None:
    assert parser.parse(1, gke_entry(0, text=text)).severity == Severity.ERROR


@pytest.mark.parametrize(
    "text",
    [
        "--- no python application found, check your startup logs for errors ---",
        "*** no app loaded. going in full dynamic mode ***",
        "Failed to find attribute 'application' in 'shop.wsgi'.",
        "[2025-03-04 09:10:11 +0000] [1] [ERROR] Reason: App failed to load.",
    ],
)
def test_a_python_application_server_without_its_application_is_a_startup_failure(text: str) -> None:
    report = scan_entries([gke_entry(i * 30, text=text) for i in range(3)])
    assert [(c.priority, c.reasons[0].split(":")[0]) for c in report.clusters] == [("P0", "startup failure")]


@pytest.mark.parametrize("severity", ["DEFAULT", "INFO", "NOTICE"])
@pytest.mark.parametrize(
    "text",
    [
        "--- no python application found, check your startup logs for errors ---",
        "*** no app loaded. going in full dynamic mode ***",
        "Failed to find attribute 'app' in 'main'.",
        "[2025-03-04 09:10:11 +0000] [1] [INFO] Reason: App failed to load.",
    ],
)
def test_an_application_that_did_not_load_is_an_error_whatever_level_the_entry_has(
    text: str, severity: str
) -> None:
    """uWSGI writes its lines without a level (Cloud Run's stderr: no severity), gunicorn its reason at INFO."""
    entry = gke_entry(0, text=text, stream="stdout", severity=severity)
    assert parser.parse(1, entry).severity == Severity.ERROR


@pytest.mark.parametrize(
    "text",
    [
        "*** Operational MODE: preforking ***",
        "WSGI app 0 (mountpoint='') ready in 1 seconds on interpreter 0x55d0 pid: 1 (default app)",
        "[2025-03-04 09:10:11 +0000] [1] [INFO] Booting worker with pid: 8",
        "feature flag 'app' not found in 'defaults': using false",
    ],
)
def test_an_application_servers_own_startup_lines_keep_their_level(text: str) -> None:
    assert (
        parser.parse(1, gke_entry(0, text=text, stream="stdout", severity="INFO")).severity == Severity.INFO
    )


@pytest.mark.parametrize(
    "text",
    [
        "WSGI app 0 (mountpoint='') ready in 2 seconds on interpreter 0x5601 pid: 7 (default app)",
        "[2025-03-04 09:10:11 +0000] [1] [ERROR] Worker (pid:9) was sent SIGTERM!",
        "Failed to find user 'app' in 'shop' (retrying)",
    ],
)
def test_look_alikes_of_an_application_that_did_not_load_are_no_startup_failure(text: str) -> None:
    report = scan_entries([gke_entry(i * 30, text=text) for i in range(3)])
    assert all(not c.reasons[0].startswith("startup failure") for c in report.clusters)
