"""Log Analytics: the generated SQL, run by DuckDB, gives the scan `--from` gives on the same entries."""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ListSource
from fakes.server import QuietHandler, serving
from la_support import (
    SHARED,
    assert_equivalent,
    engine_with,
    entries_of,
    local_report,
    log_analytics_report,
    own_engine_with,
    synthetic,
)
from loggardener.config import GardenerConfig
from loggardener.entries import reassemble
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.payloads import Payload
from loggardener.entries.reassemble import (
    NEIGHBOURED_PATTERN,
    REPORT_LINE_PATTERNS,
    credential_label,
    line_kind,
    may_neighbour_message,
)
from loggardener.entries.redact import Redactor
from loggardener.entries.resources import (
    EXECUTION_LABEL,
    INSTANCE_LABELS,
    OTHER_INSTANCE_LABELS,
    STREAM_RESOURCE_LABELS,
    resource_identity,
)
from loggardener.entries.stacks import StackParser
from loggardener.errors import GardenerError
from loggardener.report import ScanReport
from loggardener.sources.demo import DemoSource
from loggardener.sources.file import FileSource
from loggardener.sources.log_analytics import (
    _CREDENTIAL_LABEL,
    _MAY_NAME_CREDENTIAL,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    LogAnalyticsQuery,
    _neighboured,
    _stack_header,
    _string,
    _traceback_line,
    build_sql,
    parse_dataset,
    to_log_entry,
)
from loggardener.sources.log_analytics_local import LocalEngine, to_duckdb, view_row
from test_fast_path import _KIND_PATTERNS, _alternatives

REALWORLD = SHARED / "realworld" / "entries.ndjson"
START = datetime(2026, 11, 21, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict[str, Any]], ScanReport, ScanReport]:
    """The demo entries, their `--from` report and their Log Analytics report (two tests compare them)."""
    entries = list(entries_of(DemoSource()))
    return entries, local_report(ListSource(entries)), log_analytics_report(engine_with(entries))


def test_demo_scans_alike(demo: tuple[list[dict[str, Any]], ScanReport, ScanReport]) -> None:
    _, local, analytics = demo
    assert_equivalent(local, analytics)
    assert [c.related for c in analytics.clusters] == [c.related for c in local.clusters]


@pytest.mark.skipif(not REALWORLD.exists(), reason="../shared/realworld is not checked out")
def test_realworld_scans_alike() -> None:
    entries = list(entries_of(FileSource(REALWORLD)))
    assert_equivalent(local_report(ListSource(entries)), log_analytics_report(engine_with(entries)))


def test_a_payload_reads_alike_whatever_order_its_keys_were_written_in() -> None:
    """Log Analytics' JSON keeps no key order: a payload's summary and a dump's message may not depend on it."""
    base = {
        "timestamp": "2026-11-21T06:00:00Z",
        "severity": "ERROR",
        "logName": "projects/p/logs/run.googleapis.com%2Fstdout",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "kiln", "revision_name": "kiln-7"},
        },
    }
    entries = [
        {
            **base,
            "insertId": "unsorted-list",
            "jsonPayload": {
                "note": "pod spec",
                "spec": [{"zone": "b", "image": "kiln:7", "args": ["--fast"]}],
            },
        },
        {  # more fields than a summary reads: which ones it reads may not depend on their order
            **base,
            "insertId": "many-fields",
            "timestamp": "2026-11-21T06:01:00Z",
            "jsonPayload": {f"gauge_{n:03}": f"reading {n}" for n in reversed(range(240))},
        },
    ]
    assert_equivalent(local_report(ListSource(entries)), log_analytics_report(engine_with(entries)))


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    return list(synthetic().generate(2000, seed=3))


@pytest.fixture(scope="module")
def generated_engine(generated: list[dict[str, Any]]) -> LocalEngine:
    return own_engine_with(generated)


def test_generated_export_scans_alike(generated: list[dict[str, Any]], generated_engine: LocalEngine) -> None:
    local = local_report(ListSource(generated))
    analytics = log_analytics_report(generated_engine)
    assert local.totals.reassembled_tracebacks > 20  # the split tracebacks are in it
    assert {"request", "exception", "message", "audit"} <= {c.kind for c in local.clusters}
    assert_equivalent(local, analytics)


@pytest.mark.parametrize(
    "options",
    [
        {"services": ("orders-api",), "min_severity": Severity.ERROR},
        {"min_severity": Severity.DEFAULT},
        {"since": START + timedelta(hours=1), "until": START + timedelta(hours=2, minutes=7)},
    ],
    ids=["service-and-error", "default", "window"],
)
def test_options_mean_the_same(
    generated: list[dict[str, Any]], generated_engine: LocalEngine, options: dict[str, Any]
) -> None:
    local = local_report(ListSource(generated), **options)
    assert_equivalent(local, log_analytics_report(generated_engine, **options))


def test_other_configuration_means_the_same(
    generated: list[dict[str, Any]], generated_engine: LocalEngine
) -> None:
    config = GardenerConfig.model_validate(
        {
            "clustering": {"bucket_minutes": 7, "samples_per_cluster": 5},
            "entries": {"reassembly_gap_seconds": 0.0005},
        }
    )
    local = local_report(ListSource(generated), config)
    assert_equivalent(local, log_analytics_report(generated_engine, config))


def test_duplicated_entries_count_once(demo: tuple[list[dict[str, Any]], ScanReport, ScanReport]) -> None:
    """Log Analytics does not deduplicate: the query does, on insert_id and timestamp."""
    entries, local, analytics = demo
    assert_equivalent(local, log_analytics_report(engine_with(entries, copies=3)))
    # an export holding them twice (overlapping windows) counts them once too
    twice = local_report(ListSource(entries[:700] + entries[600:]))
    assert twice.totals.skipped["duplicate"] == 100
    assert_equivalent(twice, analytics)


def test_errors_written_below_warning_come_back() -> None:
    """A 5xx request log and a failed call's audit entry at INFO or without severity are errors
    (`http-status`, `audit-status`): the query reads them although their severity is below the threshold."""
    audit = "type.googleapis.com/google.cloud.audit.AuditLog"
    entries = [
        _on_instance("i1", "2026-11-21T06:00:00+00:00", severity="INFO", httpRequest={"status": 503}),
        _on_instance("i1", "2026-11-21T06:00:01+00:00", httpRequest={"requestUrl": "/x/1", "status": 500}),
        _on_instance("i1", "2026-11-21T06:00:02+00:00", severity="INFO", httpRequest={"status": 200}),
        _on_instance(
            "i2",
            "2026-11-21T06:00:03+00:00",
            severity="INFO",
            protoPayload={"@type": audit, "methodName": "m.Get", "status": {"code": 7, "message": "denied"}},
        ),
        _on_instance(
            "i2", "2026-11-21T06:00:04+00:00", protoPayload={"@type": audit, "status": {"code": 13}}
        ),
        _on_instance("i2", "2026-11-21T06:00:05+00:00", severity="NOTICE", protoPayload={"@type": audit}),
    ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
    local = local_report(ListSource(entries))
    assert local.totals.clustered == 4
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_an_application_that_did_not_load_comes_back_whatever_its_severity() -> None:
    """uWSGI's and gunicorn's lines of an application that did not load are platform failures (`levels`'
    `APP_NOT_LOADED_PATTERNS`): the query reads them without a severity or at INFO, as `--from` does."""
    texts = [
        "--- no python application found, check your startup logs for errors ---",
        "Failed to find attribute 'app' in 'main'.",
        "[2025-03-04 09:10:11 +0000] [1] [INFO] Reason: App failed to load.",
        "[2025-03-04 09:10:11 +0000] [1] [INFO] Booting worker with pid: 8",
    ]
    entries = [
        _on_instance(
            f"i{n}", f"2026-11-21T06:0{n}:00+00:00", insertId=f"id{n}-{severity}", textPayload=text, **extra
        )
        for n, text in enumerate(texts)
        for severity, extra in (("none", {}), ("info", {"severity": "INFO"}))
    ]
    local = local_report(ListSource(entries))
    assert sorted(c.max_severity for c in local.clusters) == ["ERROR"] * 3
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_glogs_stack_and_loggings_stack_info_split_one_line_per_entry_scan_alike() -> None:
    """glog's stack after a failed CHECK (`*** Check failure stack trace: ***`, then `@ 0x…` frames), absl's
    failure signal report and logging's `stack_info` join the line logged before them locally (or stand as
    one report); the query returned their lines apart, so each frame was a problem of its own."""
    runs = {
        "i1": [
            "F1121 06:00:00.123000       1 ledger.cc:88] Check failed: balance >= 0 (-12 vs. 0)",
            "*** Check failure stack trace: ***",
            "    @     0x55d0c3f5b2a4  google::LogMessage::Fail()",
            "    @     0x55d0c3f5ad7c  ledger::Server::Post()",
            "    @     0x7f2a8c2a1d90  (unknown)",
        ],
        "i2": [
            "*** SIGSEGV received at time=1763704800 on cpu 3 ***",
            "PC: @     0x55d0c3f5ad7c  (unknown)  ledger::Server::Post()",
            "    @     0x7f2a8c2a1d90  (unknown)",
        ],
        "i3": [
            "WARNING:ledger.batch:slow batch 42",
            "Stack (most recent call last):",
            '  File "/app/ledger/batch.py", line 31, in <module>',
            "    run()",
        ],
    }
    entries = [
        _on_instance(instance, f"2026-11-21T06:00:0{n}.{i + 1:06d}+00:00", textPayload=line)
        for n, (instance, lines) in enumerate(runs.items())
        for i, line in enumerate(lines)
    ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
    local = local_report(ListSource(entries))
    assert not [c.title for c in local.clusters if c.title.startswith(("@", "PC:", "***", "Stack ("))]
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_a_php_uncaught_exception_split_by_cloud_run_scans_alike() -> None:
    """The lines of PHP's report (`Stack trace:`, `#0 {main}`, `thrown in`) come back with their header."""
    lines = [
        "NOTICE: PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function render_cart() in /srv/a.php:9",
        "Stack trace:",
        "#0 {main}",
        "  thrown in /srv/a.php on line 9",
    ]
    entries = [
        _on_instance("i1", f"2026-11-21T06:00:00.{i + 1}+00:00", textPayload=line)
        for i, line in enumerate(lines)
    ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
    local = local_report(ListSource(entries))
    assert local.totals.clustered == 4
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_the_query_returns_pre_groups_not_entries() -> None:
    """Rows are bounded by problems × time buckets × resources, not by entries."""
    engine = engine_with(synthetic().generate(5000, seed=5))
    query = LogAnalyticsQuery(
        "synthetic-project", "logs", "_AllLogs", START, START + timedelta(hours=7), bucket_seconds=7 * 3600
    )
    rows = engine.run(build_sql(query, engine.columns("synthetic-project", "logs", "_AllLogs"))).rows
    grouped = [row for row in rows if not row["reassemble"]]
    assert sum(row["entries"] for row in grouped) > 2 * len(grouped)


# Entries that differ only where the local pipeline may or may not look: digits in messages, versions in
# routes and methods, frames' line numbers, pino levels, instances, severities, split traceback lines.
_MESSAGES = st.sampled_from(
    [
        "Payment {n} declined",
        "Payment {n} declined for v{d}",
        "timeout after {n}ms",
        "Error: code {n}",
        "KeyError: 'k{n}'",
        '  File "/app/x{d}.py", line {n}, in f',
        "    raise KeyError(k)",
        "Traceback (most recent call last):",
        "",
        "worker {n} restarting",
        'Traceback (most recent call last):\n  File "/app/a.py", line {n}, in g\nValueError: bad {n}',
        # what inference raises from below WARNING, or reads digits of
        "Container called exit({d}).",
        "Memory limit of {n} MiB exceeded",
        "06:00:0{d} WRN cache {n} cold",
        '"GET /cart/{n} HTTP/1.1" 50{d} 12',
        '{{"level": {d}0, "msg": "sync {n}"}}',
    ]
)


@st.composite
def _entry(draw: st.DrawFn) -> dict[str, Any]:
    number = draw(st.integers(0, 120))
    digit = draw(st.integers(1, 2))
    text = draw(_MESSAGES).format(n=number, d=digit)
    entry: dict[str, Any] = {
        "timestamp": (START + timedelta(milliseconds=draw(st.integers(0, 1_300_000)))).isoformat(),
        "logName": "projects/p/logs/"
        + draw(st.sampled_from(["run.googleapis.com%2Fstderr", "app", "stdout"])),
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "svc", "revision_name": draw(st.sampled_from(["svc-1", "svc-2"]))},
        },
        "labels": {"instanceId": draw(st.sampled_from(["i1", "i2"]))},
    }
    severity = draw(
        st.sampled_from([None, "WARNING", "ERROR", "INFO", "CRITICAL", "DEBUG", "NOTICE", "DEFAULT"])
    )
    if severity:
        entry["severity"] = severity
    if draw(st.integers(0, 9)) == 0:
        entry["errorGroups"] = [{"id": f"group-{digit}"}]
    shape = draw(st.sampled_from(["text", "json", "http", "audit", "request"]))
    if shape == "text":
        entry["textPayload"] = text
    elif shape == "json":
        level = draw(st.sampled_from([30, 40, 50, "50", "warn", None]))
        key = draw(st.sampled_from(["level", "lvl", "severity"]))
        entry["jsonPayload"] = {
            "message": text,
            key: level,
            "thrown": draw(st.sampled_from([None, {"message": "io"}])),
        }
    elif shape == "request":
        entry["protoPayload"] = {
            "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
            "method": "GET",
            "resource": f"/api/v{digit}/o/{number}",
            "status": draw(st.sampled_from([200, 404, 500, 503])),
            "line": [{"severity": "INFO", "logMessage": text}],
        }
    elif shape == "http":
        entry["httpRequest"] = {
            "requestMethod": "GET",
            "requestUrl": draw(st.sampled_from(["/api/v{d}/o/{n}", "https://h/x/{n}?q={n}", "/v{d}"])).format(
                n=number, d=digit
            ),
            "status": draw(st.sampled_from([None, 500, 404])),
        }
    else:
        code = draw(st.sampled_from([None, 5, 7]))
        entry["protoPayload"] = {
            "methodName": f"svc.v{digit}.Update",
            "status": {"message": text, "code": code},
        }
    return entry


def _on_instance(instance: str, at: str, **fields: Any) -> dict[str, Any]:
    return {
        "timestamp": at,
        "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "svc", "revision_name": "svc-1"},
        },
        "labels": {"instanceId": instance},
        **fields,
    }


_DECLINED = {"textPayload": "Payment 0 declined"}
_FAILED = {
    "severity": "CRITICAL",
    "httpRequest": {"requestMethod": "GET", "requestUrl": "/x/0", "status": 500},
}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entry(), min_size=1, max_size=40))
# Log Analytics returns a group's entries together, so its linking sees the warning after both failures and
# does not link them; `--from` links them and raises the warning to P0.
@example(
    [
        *[_on_instance("i1", "2026-11-21T06:00:00+00:00", **_DECLINED) for _ in range(3)],
        _on_instance("i2", "2026-11-21T06:00:00+00:00", **_FAILED),
        _on_instance("i2", "2026-11-21T06:00:19.587000+00:00", **_FAILED),
        _on_instance("i2", "2026-11-21T06:00:01.939000+00:00", **_DECLINED, severity="WARNING"),
    ]
)
def test_any_entries_scan_alike(entries: list[dict[str, Any]]) -> None:
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
    entries.sort(key=lambda entry: entry["timestamp"])
    assert_equivalent(
        local_report(ListSource(entries)), log_analytics_report(engine_with(entries)), literal_titles=False
    )


def _labelled(
    kind: str, hour: int, position: int, labels: dict[str, str], own: dict[str, str]
) -> dict[str, Any]:
    return {
        "insertId": f"{kind}-{position}",
        "timestamp": (START + timedelta(hours=hour, seconds=position)).isoformat(),
        "severity": "WARNING",
        "logName": "projects/p/logs/agent",
        "resource": {"type": kind, "labels": {"cluster_name": "c", "job_id": "j", **labels}},
        "labels": own,
        # a message of its own length for each type: the miner keeps messages of different lengths apart
        "textPayload": "disk nearly full" + " again" * hour,
    }


def test_every_resource_types_instances_are_counted_alike() -> None:
    """Each resource type's instance labels alone, all of them, and the first one empty (as none), one scan of
    every type, each type an hour after the one before and with a message of its own length, so that no type's
    entries join, link or cluster with another's."""
    kinds = [*INSTANCE_LABELS, "dataflow_step"]
    expected: dict[str, int] = {}
    entries = []
    for hour, kind in enumerate(kinds):
        places = INSTANCE_LABELS.get(kind, OTHER_INSTANCE_LABELS)
        label_sets: list[list[tuple[str, str, str]]] = [[(place, key, f"{key}-a")] for place, key in places]
        label_sets.append([(place, key, f"{key}-b") for place, key in places])
        label_sets.append(
            [(place, key, "" if i == 0 else f"{key}-c") for i, (place, key) in enumerate(places)]
        )
        label_sets.append([("resource", "zone", "z1"), ("entry", "pod", "p1")])  # labels naming no instance
        entries.extend(
            _labelled(
                kind,
                hour,
                position,
                {key: value for place, key, value in labels if place == "resource"},
                {key: value for place, key, value in labels if place == "entry"},
            )
            for position, labels in enumerate(label_sets)
        )
        # each label alone, then the first label of all of them, then the second one (when there is one)
        expected[kind] = len(places) + min(len(places), 2) if places else 0
    local = local_report(ListSource(entries))
    assert_equivalent(local, log_analytics_report(engine_with(entries)))
    assert {c.title.count(" again"): c.instances for c in local.clusters} == {
        hour: expected[kind] for hour, kind in enumerate(kinds)
    }


def test_autohealing_repairs_logged_at_info_come_back() -> None:
    entries = [
        {
            "insertId": f"repair-{n}",
            "timestamp": (START + timedelta(seconds=n)).isoformat(),
            "severity": "INFO",
            "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fsystem_event",
            "resource": {"type": "gce_instance", "labels": {"instance_id": str(100 + n)}},
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "serviceName": "compute.googleapis.com",
                "methodName": "compute.instances.repair.recreateInstance",
                "status": {
                    "message": "Instance Group Manager 'projects/1/zones/z/instanceGroupManagers/api-mig' initiated "
                    f"recreateInstance on instance 'projects/1/zones/z/instances/api-mig-{n}'. Reason: health "
                    "status is TIMEOUT."
                },
            },
        }
        for n in range(3)
    ]
    local = local_report(ListSource(entries))
    assert [c.count for c in local.clusters] == [3]
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def _audit_entry(n: int, method: str, status: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "insertId": f"audit-{method}-{n}",
        "timestamp": (START + timedelta(seconds=n)).isoformat(),
        "severity": "ERROR" if status.get("code") else "INFO",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fpolicy",
        "resource": {
            "type": "gce_instance",
            "labels": {"instance_id": str(500 + n), "zone": "europe-west1-b"},
        },
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "compute.googleapis.com",
            "methodName": method,
            "resourceName": f"projects/p/zones/europe-west1-b/instances/web-{n}",
            "status": status,
            "authenticationInfo": {"principalEmail": "system@google.com"},
            **more,
        },
    }


def test_an_audit_logs_free_form_fields_keep_the_keys_the_service_wrote() -> None:
    """Log Analytics types an AuditLog's fields (snake_case) but holds its free-form ones (`metadata`,
    `request`, `status.details`) as JSON with their keys as written: an autohealer's group named only under
    `metadata.instance_group_manager_name` titles the problem, as in `--from`, not lost to a camelCase key."""
    repaired = {
        "message": "Instance was recreated. Reason: instance's current action is VERIFYING, but health status is UNHEALTHY."
    }
    denied = {
        "code": 7,
        "message": "PERMISSION_DENIED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.PreconditionFailure",
                "violations": [{"type": "VPC_SERVICE_CONTROLS"}],
            }
        ],
    }
    entries = [
        *(
            _audit_entry(
                n,
                "compute.instances.repair.recreateInstance",
                repaired,
                metadata={"instance_group_manager_name": "web-mig", "zone_name": "europe-west1-b"},
            )
            for n in range(3)
        ),
        *(
            _audit_entry(
                10 + n,
                "v1.compute.instances.insert",
                denied,
                request={"@type": "type.googleapis.com/compute.instances.insert", "can_ip_forward": False},
                metadata={
                    "violationReason": "NO_MATCHING_ACCESS_LEVEL",
                    "ingress_violations": [{"target_resource": "x"}],
                },
            )
            for n in range(2)
        ),
    ]
    local = local_report(ListSource(entries))
    titles = sorted(c.title for c in local.clusters)
    assert titles[0].startswith("Instance group web-mig autohealing recreateInstance")
    assert titles[1].endswith("VPC_SERVICE_CONTROLS, NO_MATCHING_ACCESS_LEVEL")
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_an_audit_logs_json_fields_read_as_objects_when_the_client_gives_their_text() -> None:
    """A JSON field inside the audit log's STRUCT may come from the client as its text: it is parsed, its keys
    kept; the typed fields around it are renamed to the REST API's camelCase."""
    row = view_row(_audit_entry(1, "v1.compute.instances.insert", {"code": 7, "message": "denied"}), 1)
    assert row is not None
    audit = row["proto_payload"]["audit_log"]
    audit["metadata"] = json.dumps({"instance_group_manager_name": "web-mig"})
    audit["status"]["details"] = json.dumps([{"reason": "RESOURCE_EXHAUSTED"}])
    proto = to_log_entry(row)["protoPayload"]
    assert proto["metadata"] == {"instance_group_manager_name": "web-mig"}
    assert proto["status"] == {"code": 7, "message": "denied", "details": [{"reason": "RESOURCE_EXHAUSTED"}]}
    assert proto["authenticationInfo"] == {"principalEmail": "system@google.com"}


@pytest.mark.parametrize("threshold", [Severity.WARNING, Severity.ERROR])
def test_an_entry_the_view_holds_only_the_severity_number_of_reads_as_that_severity(
    threshold: Severity,
) -> None:
    """A row whose `severity` is NULL but whose `severity_number` is set reads as the severity of that number, as
    `--from` reads an entry whose severity is written as a number (500 is ERROR, 450 WARNING)."""
    texts = {500: "export job {} failed: destination bucket is read-only", 450: "export lag is {} minutes"}
    entries = [
        {
            "insertId": f"number-{number}-{n}",
            "timestamp": (START + timedelta(seconds=n)).isoformat(),
            "severity": number,
            "logName": "projects/p/logs/exporter",
            "resource": {"type": "cloud_run_job", "labels": {"job_name": "exporter"}},
            "textPayload": text.format(n + 40),
        }
        for number, text in texts.items()
        for n in range(3)
    ]
    local = local_report(ListSource(entries), min_severity=threshold)
    assert sorted(c.max_severity for c in local.clusters) == sorted(
        s.name for s in (Severity.ERROR, Severity.WARNING) if s >= threshold
    )
    engine = engine_with(entries)
    engine.connection.execute(f"UPDATE {engine.table} SET severity = NULL")
    assert_equivalent(local, log_analytics_report(engine, min_severity=threshold))


def test_health_checks_logged_at_info_come_back() -> None:
    def probe(second: int, state: str, backend: str) -> dict[str, Any]:
        return {
            "insertId": f"hc-{second}-{backend}",
            "timestamp": (START + timedelta(seconds=second)).isoformat(),
            "severity": "INFO",
            "logName": "projects/p/logs/compute.googleapis.com%2Fhealthchecks",
            "resource": {"type": "gce_instance_group", "labels": {"instance_group_name": "web-pool"}},
            "jsonPayload": {
                "healthCheckProbeResult": {
                    "healthState": state,
                    "previousHealthState": "HEALTHY",
                    "detailedHealthState": "TIMEOUT" if state == "UNHEALTHY" else state,
                    "ipAddress": backend,
                    "healthCheckProtocol": "TCP",
                }
            },
        }

    entries = [probe(i, state, f"10.1.0.{i % 3}") for i, state in enumerate(["UNHEALTHY", "HEALTHY"] * 4)]
    local = local_report(ListSource(entries))
    assert [c.max_severity for c in local.clusters] == ["ERROR"]
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_uwsgi_request_lines_and_traefik_access_logs_scan_alike() -> None:
    """uWSGI's request log on GKE's stderr (every line ERROR: its 5xx a request problem, its successes demoted) and
    Traefik's JSON access log at INFO (its fields named `DownstreamStatus`, `RequestMethod`, `RequestPath`)."""
    uwsgi = (
        "[pid: 9|app: 0|req: {n}/{n}] 10.2.0.{n} () {{30 vars in 400 bytes}} [Sat Nov 21 06:00:0{n} 2026] "
        "GET /exports/{n}{n} => generated 21 bytes in {n} msecs (HTTP/1.1 {status}) 2 headers in 83 bytes "
        "(1 switches on core 0)"
    )

    def entry(n: int, payload: dict[str, Any], stream: str, severity: str) -> dict[str, Any]:
        return {
            "insertId": f"u-{stream}-{n}",
            "timestamp": (START + timedelta(seconds=n)).isoformat(),
            "logName": f"projects/p/logs/{stream}",
            "resource": {
                "type": "k8s_container",
                "labels": {"namespace_name": "shop", "pod_name": f"web-{stream}", "container_name": "web"},
            },
            "severity": severity,
            **payload,
        }

    entries = [
        entry(n, {"textPayload": uwsgi.format(n=n, status=status)}, "stderr", "ERROR")
        for n, status in enumerate([503, 200, 503, 200, 503, 404])
    ] + [
        entry(
            n,
            {
                "jsonPayload": {
                    "DownstreamStatus": status,
                    "RequestMethod": "POST",
                    "RequestPath": f"/api/basket/{n}",
                    "level": "info",
                    "msg": "",
                }
            },
            "stdout",
            "INFO",
        )
        for n, status in enumerate([502, 200, 502, 502])
    ]
    local = local_report(ListSource(entries))
    assert {(c.title, c.count) for c in local.clusters if c.max_severity == "ERROR"} == {
        ("HTTP 503 on GET /exports/{id} (shop/web)", 3),
        ("HTTP 502 on POST /api/basket/{id} (shop/web)", 3),
    }
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_access_lines_of_server_errors_come_back_at_any_severity() -> None:
    """An access line of a 5xx comes back whatever severity it was written at, or none: one scan, a service of
    its own for each severity, each severity an hour after the one before."""
    line = '10.2.0.{n} - - [21/Nov/2026:06:00:0{n} +0000] "GET /basket/{n}?v=2 HTTP/1.1" 503 0 "-" "probe/1"'
    severities = [None, "DEBUG", "INFO", "NOTICE"]
    entries = [
        {
            "insertId": f"acc-{hour}-{n}",
            "timestamp": (START + timedelta(hours=hour, seconds=n)).isoformat(),
            "logName": "projects/p/logs/stdout",
            "resource": {
                "type": "cloud_run_revision",
                "labels": {"service_name": f"shop-{severity}", "revision_name": f"shop-{severity}-1"},
            },
            "labels": {"instanceId": "i1"},
            "textPayload": line.format(n=n),
            **({"severity": severity} if severity else {}),
        }
        for hour, severity in enumerate(severities)
        for n in range(3)
    ]
    local = local_report(ListSource(entries))
    assert sorted((c.title, c.count) for c in local.clusters) == sorted(
        (f"HTTP 503 on GET /basket/{{id}} (shop-{severity})", 3) for severity in severities
    )
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


@pytest.mark.parametrize(
    ("latency", "written"),
    [
        (timedelta(microseconds=12), "0.000012s"),
        (timedelta(seconds=123_456, microseconds=700_000), "123456.7s"),
        (timedelta(0), "0s"),
        (relativedelta(seconds=2, microseconds=500), "2.0005s"),
        (relativedelta(minutes=1, seconds=3), "63s"),
        (relativedelta(microseconds=40), "0.00004s"),
    ],
)
def test_a_latency_column_reads_back_as_a_duration_to_the_microsecond(latency: object, written: str) -> None:
    """`http_request.latency` as the client gives it, a `timedelta` or, for BigQuery's INTERVAL type,
    dateutil's `relativedelta`: the REST LogEntry's Duration text, every digit kept, never an exponent."""
    entry = {
        "insertId": "lat-1",
        "timestamp": START.isoformat(),
        "severity": "ERROR",
        "logName": "projects/p/logs/requests",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "shop"}},
        "httpRequest": {"requestMethod": "GET", "requestUrl": "/cart", "status": 503, "latency": "1s"},
    }
    row = view_row(entry)
    assert row is not None
    row["http_request"] = {**row["http_request"], "latency": latency}
    assert to_log_entry(row)["httpRequest"]["latency"] == written


def test_a_view_row_reads_back_as_the_same_entry(generated: list[dict[str, Any]]) -> None:
    parser = EntryParser(Redactor(), StackParser())
    for entry in [*entries_of(DemoSource()), *generated[:2000]]:
        row = view_row(entry)
        assert row is not None
        assert parser.parse(1, to_log_entry(row)) == parser.parse(1, entry)


def test_a_missing_column_is_named() -> None:
    query = LogAnalyticsQuery("p-roject", "d", "_AllLogs", START, START + timedelta(hours=1))
    columns = set(REQUIRED_COLUMNS) - {"severity", "insert_id"}
    with pytest.raises(GardenerError, match="lacks the columns severity, insert_id"):
        build_sql(query, columns)


def test_optional_columns_may_be_missing() -> None:
    engine = LocalEngine("p-roject", "d")
    engine.connection.execute(
        'CREATE TABLE "p-roject"."d"."_AllLogs" (timestamp TIMESTAMPTZ, severity VARCHAR, log_name VARCHAR, '
        "insert_id VARCHAR, resource STRUCT(type VARCHAR, labels JSON), labels JSON, text_payload VARCHAR, "
        "json_payload JSON)"
    )
    engine.connection.execute(
        """INSERT INTO "p-roject"."d"."_AllLogs" VALUES ('2026-11-21 06:30:00+00', 'ERROR', 'l', 'a',
        {'type': 'global', 'labels': '{}'}, NULL, 'boom 1', NULL)"""
    )
    query = LogAnalyticsQuery("p-roject", "d", "_AllLogs", START, START + timedelta(hours=1))
    rows = list(engine.run(build_sql(query, engine.columns("p-roject", "d", "_AllLogs"))).rows)
    assert [row["entries"] for row in rows] == [1]
    assert to_log_entry(rows[0]["samples"][0])["textPayload"] == "boom 1"


def test_a_reused_plan_answers_for_the_rows_loaded_after_it() -> None:
    """`reuse_plans` (the engine the comparisons share): DuckDB plans a query once and runs the plan on the rows
    loaded later. A plan resting on the first rows' statistics would answer for those rows: with no ERROR row
    yet, DuckDB's statistics make the filter an empty result (duckdb/duckdb#23704)."""
    engine = LocalEngine("p-roject", "d", reuse_plans=True)
    count = "SELECT COUNT(*) AS n FROM `p-roject.d._AllLogs` WHERE severity = 'ERROR'"
    for severity, expected in (("INFO", 0), ("ERROR", 3), ("INFO", 0)):
        entries = [
            {"insertId": str(n), "timestamp": START.isoformat(), "severity": severity} for n in range(3)
        ]
        engine.load_rows(row for n, entry in enumerate(entries) if (row := view_row(entry, n)) is not None)
        assert list(engine.run(count).rows) == [{"n": expected}], severity
    assert len(engine.connection.execute("SELECT name FROM duckdb_prepared_statements()").fetchall()) == 1


def test_the_sql_is_re2_safe_and_transpiles() -> None:
    query = LogAnalyticsQuery("p-roject", "d", "_AllLogs", START, START + timedelta(hours=1))
    sql = build_sql(query, REQUIRED_COLUMNS)
    for literal in re.findall(r"r?'((?:[^'\\]|\\.)*)'", sql):
        assert not re.search(r"\(\?[=!<]|\\[1-9]", literal), literal
    assert "LIMIT" in sql and "maximum" not in sql
    assert "min_by" in to_duckdb(sql).lower()


@pytest.mark.parametrize("columns", [REQUIRED_COLUMNS, (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)])
def test_the_sql_gives_bigquerys_string_functions_only_strings(columns: tuple[str, ...]) -> None:
    """BigQuery's LENGTH and CONCAT take STRING (or BYTES) and cast nothing to it: one BOOL among a key's parts
    fails the whole query on BigQuery, while DuckDB, which runs it in the tests, casts it silently. The
    arguments' types as sqlglot infers them for BigQuery (a column's type unknown to it is left alone; a column of
    a CTE, such as a key computed once and read by the grouping and by a line's key, has its expression's)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    query = LogAnalyticsQuery("p-roject", "d", "_AllLogs", START, START + timedelta(hours=1))
    tree = sqlglot.parse_one(build_sql(query, columns), read="bigquery")
    # columns qualified by their CTE, so that their types follow them from the CTE that computes them
    tree = qualify(tree, dialect="bigquery", expand_stars=False, validate_qualify_columns=False)
    tree = annotate_types(tree, dialect="bigquery")
    allowed = {exp.DataType.Type.UNKNOWN, exp.DataType.Type.NULL, *exp.DataType.TEXT_TYPES}
    allowed |= {exp.DataType.Type.BINARY, exp.DataType.Type.VARBINARY}
    not_text = [
        (type(call).__name__, str(argument.type), argument.sql("bigquery")[:120])
        for call in tree.find_all(exp.Length, exp.Concat)
        for argument in ([call.this] if isinstance(call, exp.Length) else call.expressions)
        if argument.type is not None and argument.type.this not in allowed
    ]
    assert not_text == []


def _string_literals(sql: str) -> Iterator[str]:
    """The quoted literals of GoogleSQL text, comments skipped: `'…'`, `"…"` and their raw forms (`r'…'`),
    where a backslash and the character after it never end the literal (raw ones keep both)."""
    at = 0
    while at < len(sql):
        if sql.startswith("--", at):
            line_end = sql.find("\n", at)
            at = len(sql) if line_end < 0 else line_end + 1
        elif sql[at] in "'\"":
            quote, end = sql[at], at + 1
            while end < len(sql) and sql[end] != quote:
                end += 2 if sql[end] == "\\" else 1
            yield sql[at + 1 : end]
            at = end + 1
        else:
            at += 1


def test_the_sqls_string_literals_each_fit_on_one_line() -> None:
    """BigQuery ends a quoted literal at a line's end (only a triple-quoted one spans lines): a newline
    inside one fails the whole query as unclosed, while DuckDB takes it."""
    query = LogAnalyticsQuery("p-roject", "d", "_AllLogs", START, START + timedelta(hours=1))
    literals = list(_string_literals(build_sql(query, (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))))
    assert len(literals) > 50 and r"\n[^\n]" in literals
    assert [literal for literal in literals if "\n" in literal] == []


@pytest.mark.parametrize("text", ["nodot", "my-project.", "My_Project.logs", "p.d.e"])
def test_a_bad_dataset_name_says_how_to_write_it(text: str) -> None:
    with pytest.raises(GardenerError, match=r"PROJECT\.DATASET"):
        parse_dataset(text)


def test_a_dataset_name_splits_into_project_and_dataset() -> None:
    assert parse_dataset("my-project.app_logs") == ("my-project", "app_logs")
    assert parse_dataset("example.com:my-project.logs") == ("example.com:my-project", "logs")


@pytest.mark.parametrize(
    "text",
    [
        "bigquery.googleapis.com/projects/my-project/datasets/app_logs",  # `gcloud logging links describe`
        "//bigquery.googleapis.com/projects/my-project/datasets/app_logs",
        "projects/my-project/datasets/app_logs",
        # Cloud Logging's name of the link (`gcloud logging links describe`): the dataset has the link's id
        "projects/my-project/locations/global/buckets/app-bucket/links/app_logs",
        "//logging.googleapis.com/projects/my-project/locations/europe-west1/buckets/b.1/links/app_logs",
        "`my-project.app_logs`",  # as SQL quotes it
        " `my-project.app_logs` ",
    ],
)
def test_a_dataset_written_as_the_links_resource_or_quoted_reads_as_project_dataset(text: str) -> None:
    assert parse_dataset(text) == ("my-project", "app_logs")


@pytest.mark.parametrize(
    ("text", "dataset"),
    [
        ("my-project.app_logs._AllLogs", "my-project.app_logs"),
        # no underscore in the dataset: never read as a project `my-project.applogs` with a dataset `_AllLogs`
        ("my-project.applogs._AllLogs", "my-project.applogs"),
        ("example.com:my-project.logs.errors", "example.com:my-project.logs"),
    ],
)
def test_a_views_path_is_refused_naming_the_dataset_and_the_view(text: str, dataset: str) -> None:
    view = text.rpartition(".")[2]
    with pytest.raises(
        GardenerError, match=rf"names a view of the dataset {re.escape(dataset)} .*--view.*{view}"
    ):
        parse_dataset(text)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("projects/my-project/locations/global/buckets/app-bucket", ""),
        ("projects/my-project/locations/global/buckets/app-bucket/views/_AllLogs", "--view or log_analytics.view (_AllLogs)"),
    ],
)  # fmt: skip
def test_a_log_buckets_name_is_refused_saying_how_to_find_its_linked_dataset(text: str, said: str) -> None:
    with pytest.raises(GardenerError) as raised:
        parse_dataset(text)
    message = str(raised.value)
    assert "names the log bucket app-bucket, not its linked dataset" in message
    assert "`gcloud logging links list --bucket=app-bucket --location=global --project=my-project`" in message
    assert said in message


@pytest.mark.parametrize("text", ["my.project-x.logs", "acme-ledger.prod.logs"])
def test_a_project_id_holds_dots_only_in_its_domain(text: str) -> None:
    with pytest.raises(GardenerError, match=r"PROJECT\.DATASET"):
        parse_dataset(text)


def _raise(error: Exception) -> None:
    raise error


@pytest.mark.parametrize(
    ("error", "code", "says"),
    [
        ("Forbidden", 4, "roles/bigquery.jobUser on the project that runs the query"),
        ("NotFound", 2, "gcloud logging links create"),
        ("BadRequest", 2, "raise log_analytics.maximum_bytes_billed"),
        ("ServiceUnavailable", 5, "BigQuery failed running the query (HTTP 503)"),
        ("InternalServerError", 5, "the service is failing on its side: rerun later"),
    ],
)
def test_bigquery_errors_say_what_to_do(error: str, code: int, says: str) -> None:
    from google.api_core import exceptions

    from loggardener.sources.log_analytics import BigQueryEngine

    message = "POST https://bigquery.googleapis.com/x: Query exceeded limit for bytes billed: 10."
    engine = BigQueryEngine("p-roject", "http://127.0.0.1:9", 10)
    with pytest.raises(GardenerError) as caught:
        engine._call("running the query", lambda: _raise(getattr(exceptions, error)(message)))
    assert caught.value.exit_code == code
    assert says in caught.value.message
    assert "POST https" not in caught.value.message


@pytest.fixture
def bigquery_answering() -> Iterator[Callable[[int, str, bytes], str]]:
    """A server answering every request with the status, content type and body given: a proxy's or a captive
    portal's page, JSON cut off, JSON of another shape."""
    answer: dict[str, Any] = {}

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            self.body()
            self.send_response(answer["status"])
            self.send_header("Content-Type", answer["type"])
            self.send_header("Content-Length", str(len(answer["body"])))
            self.end_headers()
            self.wfile.write(answer["body"])

        do_GET = do_POST  # a job's state and results are read with GET

    with serving(Handler) as url:

        def answering(status: int, content_type: str, body: bytes) -> str:
            answer.update(status=status, type=content_type, body=body)
            return url

        yield answering


@pytest.fixture
def bigquery_refusing(bigquery_answering: Callable[[int, str, bytes], str]) -> Callable[[str, str], str]:
    """A server answering every request with a 403 in BigQuery's JSON error format, with the reason given."""

    def refusing(reason: str, message: str) -> str:
        item = {"message": message, "domain": "usageLimits", "reason": reason}
        error = {"code": 403, "message": message, "errors": [item], "status": "PERMISSION_DENIED"}
        body = json.dumps({"error": error}).encode()
        return bigquery_answering(403, "application/json; charset=UTF-8", body)

    return refusing


@pytest.mark.parametrize(
    ("reason", "message", "code", "starts"),
    [
        ("quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned.", 5,
         "BigQuery quota exceeded estimating the query: Quota exceeded"),
        ("billingNotEnabled", "Billing has not been enabled for this project.", 2,
         "billing is not enabled on project p-roject, which runs the query"),
        ("accessDenied", "Access Denied: User does not have bigquery.jobs.create permission.", 4,
         "permission denied estimating the query: Access Denied"),
        ("responseTooLarge", "Response too large to return. Consider specifying a destination table.", 2,
         "BigQuery's answer is too large estimating the query: Response too large"),
    ],
)  # fmt: skip
def test_a_403_is_said_by_its_reason_not_always_as_a_permission(
    bigquery_refusing: Callable[[str, str], str], reason: str, message: str, code: int, starts: str
) -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    engine = BigQueryEngine("p-roject", bigquery_refusing(reason, message), 10)
    with pytest.raises(GardenerError) as caught:
        engine.estimate("SELECT 1")
    assert caught.value.exit_code == code
    assert caught.value.message.startswith(starts)
    assert "Location: None" not in caught.value.message
    assert ("roles/bigquery.jobUser" in caught.value.message) == (reason == "accessDenied")


@pytest.mark.parametrize(
    "message",
    ["Project #123456789012 has been deleted.", "Project my-project has been scheduled for deletion."],
)
def test_a_deleted_project_is_said_without_the_clients_job_footer(
    bigquery_refusing: Callable[[str, str], str], message: str
) -> None:
    """The client ends a job's error with `Location: None Job ID: …`, which the deleted project's line quoted
    (`(Project #… has been deleted. Location: None Job ID: eab0…)`): BigQuery's words alone."""
    from loggardener.sources.log_analytics import BigQueryEngine

    engine = BigQueryEngine("my-project", bigquery_refusing("accessDenied", message), 10)
    with pytest.raises(GardenerError) as caught:
        engine.estimate("SELECT 1")
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith(
        f"project my-project is deleted or pending deletion ({message[:-1]}): "
    )
    assert "Location" not in caught.value.message and "Job ID" not in caught.value.message


def test_the_links_resource_name_is_read_as_its_dataset_by_the_scan(
    bigquery_answering: Callable[[int, str, bytes], str], tmp_path: Path
) -> None:
    """What `gcloud logging links describe` prints as the link's dataset is the dataset the scan asks about."""
    from typer.testing import CliRunner

    from loggardener.cli import app

    message = "Not found: Dataset my-project:app_logs was not found in location US"
    item = {"message": message, "domain": "global", "reason": "notFound"}
    body = json.dumps({"error": {"code": 404, "message": message, "errors": [item]}}).encode()
    endpoint = bigquery_answering(404, "application/json", body)
    result = CliRunner().invoke(
        app,
        ["scan", "--no-state", "--log-analytics", "bigquery.googleapis.com/projects/my-project/datasets/app_logs",
         "--bigquery-endpoint", endpoint, "--hours", "1", "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "not found reading the columns of my-project.app_logs._AllLogs" in result.stderr


@pytest.mark.parametrize(
    ("status", "content_type", "body", "code", "said"),
    [
        (404, "text/html", b"<html><body><h1>Not Found</h1></body></html>", 2, "does not serve the BigQuery API (HTTP 404"),
        (404, "text/plain; charset=utf-8", b"404 page not found\n", 2, "check --bigquery-endpoint or GARDENER_BIGQUERY_ENDPOINT"),
        (403, "text/html", b"<html><body>Blocked by your organization's proxy</body></html>", 5, "that is not BigQuery's error"),
        (400, "text/html", b"<html><body><h1>400 Bad Request</h1>nginx</body></html>", 5, "that is not BigQuery's error"),
        (403, "application/json", b'["denied"]', 5, "that is not BigQuery's error"),
    ],
    ids=["html-404", "text-404", "proxy-403", "proxy-400", "json-of-another-shape-403"],
)  # fmt: skip
def test_a_refusal_that_is_not_bigquerys_error_is_said_as_what_is_in_between(
    bigquery_answering: Callable[[int, str, bytes], str],
    tmp_path: Path,
    status: int,
    content_type: str,
    body: bytes,
    code: int,
    said: str,
) -> None:
    """A 404, 403 or 400 page of a proxy or of another web server (a wrong --bigquery-endpoint) was taken as
    BigQuery's verdict: a missing dataset (upgrade the bucket), a missing role (exit 4), a rejected query. As for
    Cloud Logging, an answer without Google's JSON error says what is in between, or that the endpoint serves
    no BigQuery API."""
    from typer.testing import CliRunner

    from loggardener.cli import app

    endpoint = bigquery_answering(status, content_type, body)
    result = CliRunner().invoke(
        app,
        ["scan", "--no-state", "--log-analytics", "my-project.logs", "--bigquery-endpoint", endpoint,
         "--hours", "1", "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == code, result.stderr
    assert said in result.stderr
    for verdict in ("upgraded to Log Analytics", "roles/bigquery", "rejected the query", "Traceback"):
        assert verdict not in result.stderr


def test_a_query_too_complex_for_bigquerys_resources_says_to_narrow_the_scan(
    bigquery_answering: Callable[[int, str, bytes], str],
) -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    message = (
        "Resources exceeded during query execution: The query could not be executed in the allotted memory."
    )
    item = {"message": message, "domain": "global", "reason": "resourcesExceeded"}
    body = json.dumps({"error": {"code": 400, "message": message, "errors": [item]}}).encode()
    engine = BigQueryEngine("p-roject", bigquery_answering(400, "application/json", body), 10)
    with pytest.raises(GardenerError) as caught:
        engine.estimate("SELECT 1")
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith(
        "BigQuery rejected the query estimating the query: Resources exceeded"
    )
    assert caught.value.message.endswith(
        "narrow the window (--hours, --since, --until) or the services (--service)"
    )


def test_a_window_without_rows_says_so() -> None:
    """No rows is a quiet window, or a wrong window or view: the scan says which it read, so either is seen."""
    entries = [_on_instance("i1", START.isoformat(), insertId="e1", severity="ERROR", **_DECLINED)]
    report = log_analytics_report(
        engine_with(entries), since=START + timedelta(days=3), until=START + timedelta(days=3, hours=1)
    )
    assert report.totals.read == 0
    assert any(
        note.startswith(
            "the query returned no rows: Log Analytics synthetic-project.logs._AllLogs holds no entry"
        )
        for note in report.notes
    ), report.notes
    assert not any("no rows" in note for note in log_analytics_report(engine_with(entries)).notes)


def test_a_query_job_answered_with_json_of_another_shape_is_one_line_about_the_answer(
    bigquery_answering: Callable[[int, str, bytes], str],
) -> None:
    """A job inserted and answered without its `jobReference` was an internal KeyError."""
    from loggardener.sources.log_analytics import BigQueryEngine

    engine = BigQueryEngine(
        "p-roject", bigquery_answering(200, "application/json", b'{"unexpected": true}'), 10
    )
    engine.retry_seconds = 1
    with pytest.raises(GardenerError) as caught:
        engine.columns("p-roject", "logs", "_AllLogs")
    assert caught.value.exit_code == 5
    assert "the answer is not BigQuery's (JSON of another shape)" in caught.value.message


def test_a_401_to_the_anonymous_credentials_of_an_http_endpoint_names_them(
    bigquery_answering: Callable[[int, str, bytes], str],
) -> None:
    """It said `run gcloud auth application-default login`, which an http:// endpoint never uses."""
    from loggardener.sources.log_analytics import BigQueryEngine

    error = {"code": 401, "message": "Invalid Credentials", "errors": [{"reason": "authError"}]}
    endpoint = bigquery_answering(401, "application/json", json.dumps({"error": error}).encode())
    engine = BigQueryEngine("p-roject", endpoint, 10)
    with pytest.raises(GardenerError) as caught:
        engine.estimate("SELECT 1")
    assert caught.value.exit_code == 4
    assert (
        f"{endpoint} answered HTTP 401 (unauthenticated) to the anonymous credentials" in caught.value.message
    )
    assert "gcloud auth" not in caught.value.message


def test_an_unreachable_bigquery_is_given_up_after_the_retry_time() -> None:
    """The client alone retries a refused connection for ten minutes, in silence (the job insert in a retry
    of its own): the engine's bound is what a scan waits."""
    import time

    from loggardener.sources.log_analytics import BigQueryEngine

    engine = BigQueryEngine("p-roject", "http://127.0.0.1:9", 10)
    engine.retry_seconds = 2
    started = time.monotonic()
    with pytest.raises(GardenerError) as caught:
        engine.estimate("SELECT 1")
    assert time.monotonic() - started < 30
    assert caught.value.exit_code == 5
    assert caught.value.message == (
        "cannot reach BigQuery at http://127.0.0.1:9 estimating the query after 2 s of retries (retries.deadline_seconds): "
        "connection refused; "
        "check the network, a proxy (HTTPS_PROXY) and the endpoint option, then rerun"
    )


@pytest.mark.parametrize(
    ("status", "content_type", "body", "says"),
    [
        (200, "text/html", b"<html><body>Sign in to continue</body></html>", "the answer is not JSON"),
        (200, "application/json", b'{"kind": "bigquery#job", "jobRef', "the answer is not JSON"),
        (200, "application/json", b"[1, 2]", "the answer is not BigQuery's"),
        (200, "application/json", b"[" * 100_000 + b"]" * 100_000, "the answer nests too deeply"),
        (
            503,
            "text/html",
            b"<html><body><h1>503 Service Unavailable</h1></body></html>",
            "(HTTP 503) 503 Service",
        ),
    ],
)
def test_an_answer_that_is_not_bigquerys_is_one_line_about_the_answer(
    bigquery_answering: Callable[[int, str, bytes], str],
    status: int,
    content_type: str,
    body: bytes,
    says: str,
) -> None:
    from loggardener.sources.log_analytics import BigQueryEngine

    engine = BigQueryEngine("p-roject", bigquery_answering(status, content_type, body), 10)
    engine.retry_seconds = 1
    with pytest.raises(GardenerError) as caught:
        engine.estimate("SELECT 1")
    assert caught.value.exit_code == 5
    assert says in caught.value.message
    assert "cannot reach" not in caught.value.message and "<" not in caught.value.message
    assert "POST http" not in caught.value.message


# Runs of stderr lines that the local pipeline reassembles, each shape with what makes reassembly subtle:
# chained tracebacks, the line a traceback was logged with, Java frames one per entry, a Python warning and
# its source line, a traceback printed twice at one instant, a header whose frames never came, a final line
# that lags (within the reassembly gap), and a plain line that ends the run.
_SPLIT_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "Traceback (most recent call last):"),
        (0, '  File "/app/orders/pricing.py", line 74, in price_order'),
        (0, '    raise KeyError(f"sku {sku}")'),
        (0, "KeyError: 'sku-{n}'"),
        (0, ""),
        (0, "During handling of the above exception, another exception occurred:"),
        (0, ""),
        (0, "Traceback (most recent call last):"),
        (0, '  File "/app/orders/handlers.py", line 44, in create_order'),
        (0.5, "ValueError: order {n} has no price"),
    ],
    [
        (0, "ERROR:app:Exception on /api/orders/{n} [POST]"),
        (0, "Traceback (most recent call last):"),
        (0, '  File "/app/main.py", line 12, in handler'),
        (3.9, "ZeroDivisionError: division by zero"),
        (0.1, "request {n} finished"),
    ],
    [
        (0, "java.lang.IllegalStateException: inventory {n} is locked"),
        (0, "\tat com.example.inventory.Reserve.apply(Reserve.java:91)"),
        (0, "\tat com.example.Main.main(Main.java:7)"),
        (0, "Caused by: java.io.IOException: stream {n} closed"),
        (0, "\t... 2 more"),
    ],
    [
        (0, "/app/legacy.py:33: DeprecationWarning: pool size {n} is deprecated"),
        (0, "  warnings.warn(msg)"),
    ],
    [
        (0, "Traceback (most recent call last):"),
        (0, "Traceback (most recent call last):"),
        (0, '  File "/app/worker.py", line 8, in run'),
        (0, '  File "/app/worker.py", line 8, in run'),
        (0, "RuntimeError: job {n} failed"),
        (0, "RuntimeError: job {n} failed"),
    ],
    [(0, "Traceback (most recent call last):"), (0.2, "shutting down worker {n}")],
]
# Stacks of other languages written one line per entry: a Go panic, a Ruby exception a logger wrote; a
# loader's failure and the question it asks after it.
_OTHER_SPLIT_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "panic: runtime error: index out of range [{n}] with length 3"),
        (0, ""),
        (0, "goroutine 1 [running]:"),
        (0, "main.loadConfig(...)"),
        (0, "\t/src/main.go:41"),
        (0, "created by main.main in goroutine 1"),
        (0, "\t/src/main.go:17 +0x1d"),
        (0, "exit status 2"),
    ],
    [
        (0, "NoMethodError: undefined method `name' for nil ({n})"),
        (0, "/app/lib/mailer.rb:14:in `deliver'"),
        (0, "\tfrom /app/bin/worker.rb:3:in `<main>'"),
    ],  # a loader's hint after the failure it explains
    [
        (0, "Error: Cannot find module 'left-pad-{n}'"),
        (0.01, "Did you forget to add it to the dependencies?"),
    ],  # Elixir's crash report after Logger's line, a Java exception's suppressed one, Rails' tagged lines
    [
        (0, "10:00:02.311 [error] GenServer #PID<0.{n}.0> terminating"),
        (0, "** (RuntimeError) inventory sync failed for sku-{n}"),
        (0, "    (shop 0.4.0) lib/shop/inventory/worker.ex:48: Shop.Inventory.Worker.handle_info/2"),
        (0, "    (stdlib 5.2) gen_server.erl:1095: :gen_server.try_handle_info/3"),
        (0, "Last message: :sync"),
        (0, "State: %{{sku: {n}}}"),
    ],
    [
        (0, "java.lang.IllegalArgumentException: bad qty {n}"),
        (0, "\tat com.acme.cart.CartService.add(CartService.kt:41)"),
        (0, "\tSuppressed: java.sql.SQLException: connection reset"),
        (0, "\t\t... 7 more"),
    ],
    [
        (0, "F, [2026-11-30T10:00:00.200131 #1] FATAL -- : [6f1c-{n}]   "),
        (0, "[6f1c-{n}] ActiveRecord::RecordNotFound (Couldn't find User with 'id'={n}):"),
        (0, "[6f1c-{n}]   "),
        (0, "[6f1c-{n}] app/controllers/users_controller.rb:9:in `show'"),
        (0, "\tfrom bin/rails:4:in `<main>'"),
    ],
    [
        (0, "Error: checkout {n} failed"),
        (0, "    at Object.checkout (/app/src/server.js:27:13) {"),
        (0, "  [cause]: Error: connect ECONNREFUSED 10.0.0.7:5432"),
        (0, "      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)"),
        (0, "  [errors]: ["),
        (0, "  ]"),
        (0, "}"),
    ],  # a Rust panic whose message is on the line after it
    [
        (0, "thread 'tokio-runtime-worker' panicked at src/handlers/orders.rs:88:38:"),
        (0, "order {n} has no line"),
        (0, "stack backtrace:"),
        (0, "   0: orders::handlers::orders::create"),
        (0, "             at ./src/handlers/orders.rs:88:38"),
        (0, "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace."),
    ],  # Config Sync's error after the line that counts them
    [
        (0, "E1130 10:00:04.512345       1 updater.go:143] 1 error(s)"),
        (0, "KNV2009: failed to apply Deployment.apps, shop/web-{n}: admission webhook denied the"),
        (0, "         request: missing label team"),
        (0, ""),
        (0, "source: namespaces/shop/web-{n}.yaml"),
        (0, "metadata.name: web-{n}"),
        (0, ""),
        (0, "For more information, see https://g.co/cloud/acm-errors#knv2009"),
    ],
]
_TWICE = 4


def _split_tracebacks(
    copies: int,
    seed: int,
    hours: float = 3,
    instances: int = 40,
    across_edges: bool = True,
    shapes: list[list[tuple[float, str]]] = _SPLIT_SHAPES,
) -> list[dict[str, Any]]:
    """`copies` runs of every shape on random instances and revisions, some across a time bucket's edge."""
    import random

    rng = random.Random(seed)
    entries: list[dict[str, Any]] = []
    for copy in range(copies):
        for shape_number, shape in enumerate(shapes):
            moment = START + timedelta(seconds=rng.uniform(0, hours * 3600))
            # some runs start before a 10-minute boundary and end after it
            if across_edges and copy % 7 == 0:
                moment = START + timedelta(minutes=10 * rng.randrange(1, 18), seconds=-rng.uniform(0.05, 0.4))
            revision = rng.choice(["svc-00001-abc", "svc-00002-def"])
            instance = f"instance-{rng.randrange(instances):02d}"
            severity = rng.choice([None, "ERROR"])
            number = str(rng.randrange(1000, 10000))
            for line, (delay, text) in enumerate(shape):
                # the twice-printed traceback's lines share their instant; other lines are a microsecond apart
                moment += timedelta(seconds=delay, microseconds=0 if shape_number == _TWICE else 1)
                entry: dict[str, Any] = {
                    "insertId": f"c{copy}s{shape_number}l{line}",
                    "timestamp": moment.isoformat().replace("+00:00", "Z"),
                    "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
                    "resource": {
                        "type": "cloud_run_revision",
                        "labels": {"service_name": "svc", "revision_name": revision},
                    },
                    "labels": {"instanceId": instance},
                    "textPayload": text.replace("{n}", number),
                }
                if severity:
                    entry["severity"] = severity
                entries.append(entry)
    entries.sort(key=lambda entry: entry["timestamp"])
    return entries


def _rows(engine: LocalEngine) -> list[dict[str, Any]]:
    query = LogAnalyticsQuery("synthetic-project", "logs", "_AllLogs", START, START + timedelta(hours=7))
    return list(engine.run(build_sql(query, engine.columns("synthetic-project", "logs", "_AllLogs"))).rows)


@pytest.mark.parametrize(
    ("copies", "hours", "instances"),
    [(5, 3, 40), (60, 3, 40), (300, 0.15, 2000), (300, 0.15, 30)],
    ids=["few", "spread", "bulk", "crowded"],
)
def test_split_tracebacks_scan_alike(copies: int, hours: float, instances: int) -> None:
    """Also in bulk, where the query returns most runs as batches (see the next test)."""
    entries = _split_tracebacks(copies, seed=copies, hours=hours, instances=instances)
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks >= 4 * copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


@pytest.mark.parametrize(("copies", "instances"), [(5, 40), (300, 30)], ids=["few", "crowded"])
def test_split_stacks_of_other_languages_scan_alike(copies: int, instances: int) -> None:
    entries = _split_tracebacks(
        copies, seed=copies, hours=0.15, instances=instances, shapes=_OTHER_SPLIT_SHAPES
    )
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks >= copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# Lines the reassembler holds that are not indented and open with a letter: an unwrapped error's bare `Caused by:`
# heading (Rust's anyhow, the causes indented under it), .NET's `End of … stack trace` line without its dashes,
# Ruby's `from` frames of a script without an extension (`bin/rails`), each between other lines of its stack.
_UNINDENTED_HELD_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "thread 'main' panicked at src/main.rs:160:71:"),
        (0, "called `Result::unwrap()` on an `Err` value: failed to open object {n}"),
        (0, "Caused by:"),
        (0, "    Function not implemented (os error 38)"),
        (0, "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"),
    ],
    [
        (0, "System.InvalidOperationException: order {n} is closed"),
        (0, "   at Shop.Orders.Close(Int32 id) in /src/Orders.cs:line 41"),
        (0, "End of inner exception stack trace"),
        (0, "   at Shop.Api.Handle() in /src/Api.cs:line 9"),
    ],
    [
        (0, "NoMethodError: undefined method `id' for nil ({n})"),
        (0, "/app/lib/worker.rb:14:in `perform'"),
        (0, "from bin/sidekiq:8:in `require'"),
        (0, "from bin/sidekiq:3:in `<main>'"),
    ],
]


_KIND_LINES = st.sampled_from(
    [alternative for pattern in _KIND_PATTERNS for alternative in _alternatives(pattern.pattern)]
).flatmap(
    lambda alternative: st.from_regex(
        alternative, fullmatch=True, alphabet=st.characters(min_codepoint=32, max_codepoint=126)
    )
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(["", " ", "\t"]), _KIND_LINES).map("".join), min_size=50, max_size=80)
)
def test_every_line_reassembly_holds_may_be_a_traceback_line_in_the_query(lines: list[str]) -> None:
    """The query's test of a line that may belong to a split stack is a superset of reassembly's kinds: a line
    it misses cuts the stack in two (each pattern's alternatives, as the fast path's test draws them)."""
    held = sorted({line for line in lines if "\n" not in line and line_kind(line) is not None})
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (text_payload VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?)", [(line,) for line in held])
    sql = to_duckdb(f"SELECT text_payload FROM t WHERE NOT ({_traceback_line('text_payload')})")
    assert connection.execute(sql).fetchall() == []


# Stacks split per line that the query found no header in: a Go logger's record and the stack it wrote under it
# (zap: function lines and their tab-indented file lines), a report whose every line opens with its level (a
# `SEVERITY message` formatter: the level alone on its blank lines), a Rust panic whose header lost its last
# colon, a blank line before the causes of the error it unwrapped.
_HEADERLESS_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, '2026-03-02T10:15:04.112Z\tERROR\tinventory/sync.go:88\tsync failed\t{{"store": "north{n}"}}'),
        (0.0001, "example.org/inventory/internal/sync.(*Worker).run"),
        (0.0001, "\t/src/internal/sync/worker.go:88"),
        (0.0001, "example.org/inventory/internal/sync.Start.func1"),
        (0.0001, "\t/src/internal/sync/start.go:31 +0x1d"),
    ],
    [
        (0, "FATAL   "),
        (0.0001, "FATAL NoMethodError (undefined method `total' for nil):"),
        (0.0001, "FATAL   "),
        (0.0001, "FATAL app/models/cart.rb:{n}:in `sum'"),
    ],
    [
        (0, "thread 'main' panicked at src/main.rs:160:71"),
        (0.001, "called `Result::unwrap()` on an `Err` value: failed to open object {n}"),
        (0.001, ""),
        (0.001, "Caused by:"),
        (0.001, "    Function not implemented (os error 38)"),
        (0.001, "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"),
    ],
]


@pytest.mark.parametrize(("copies", "instances"), [(4, 40), (30, 3)], ids=["few", "crowded"])
def test_stacks_whose_header_the_query_did_not_know_scan_alike(copies: int, instances: int) -> None:
    entries = _split_tracebacks(copies, seed=5, hours=0.15, instances=instances, shapes=_HEADERLESS_SHAPES)
    local = local_report(ListSource(entries))
    assert local.totals.events == 3 * copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# Reports whose lines reassembly holds only beside a line of the report (`reassemble.NEIGHBOURED_PATTERN`), one line
# per entry: shelf's (three plain lines in a row under its header: the request, `Error thrown by handler.`, the
# error's text), Deno's uncaught error (its source line at the margin, above a caret), the Dart VM's (its error's
# text and the excerpt of the input under `Unhandled exception:`).
_NEIGHBOURED_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "ERROR - 2026-11-21 06:41:07.{n}"),
        (0.0001, "PUT /baskets/{n}/items"),
        (0.0001, "Error thrown by handler."),
        (0.0001, "Bad state: basket {n} is already checked out"),
        (0.0001, "package:basket_api/src/routes.dart 52:11            BasketRoutes.put"),
        (0.0001, "package:shelf_router/src/router.dart 198:31          Router.call"),
        (0.0001, "<asynchronous suspension>"),
    ],
    [
        (0, "error: Uncaught (in promise) TypeError: Cannot read properties of null (reading 'price')"),
        (0.0001, "const total = basket.price * {n};"),
        (0.0001, "                    ^"),
        (0.0001, "    at totalOf (file:///srv/basket.ts:31:21)"),
        (0.0001, "    at async route (file:///srv/main.ts:9:15)"),
    ],
    [
        (0, "Unhandled exception:"),
        (0.0001, "FormatException: Unexpected character (at character {n})"),
        (0.0001, "{items: 3,}"),
        (0.0001, "         ^"),
        (0.0001, ""),
        (0.0001, "#0      _ChunkedJsonParser.fail (dart:convert-patch/convert_patch.dart:1463:5)"),
        (0.0001, "#1      main (file:///srv/bin/import.dart:{n}:7)"),
    ],
]


@pytest.mark.parametrize(("copies", "instances"), [(4, 40), (30, 3)], ids=["few", "crowded"])
def test_reports_held_by_their_neighbouring_lines_scan_alike(copies: int, instances: int) -> None:
    """The plain lines reassembly holds only beside another line of the report come back in their run, however
    many of them follow each other: the report is one event in both scans, not a header and a rest."""
    entries = _split_tracebacks(copies, seed=7, hours=0.15, instances=instances, shapes=_NEIGHBOURED_SHAPES)
    local = local_report(ListSource(entries))
    assert local.totals.events == 3 * copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def _matching_in_the_query(lines: list[str], condition: Callable[[str], str]) -> list[str]:
    """The lines for which the query's SQL `condition` (of a column) holds, run by DuckDB."""
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (text_payload VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?)", [(line,) for line in lines])
    return sorted(row[0] for row in connection.execute(_selecting(condition)).fetchall())


@functools.cache
def _selecting(condition: Callable[[str], str]) -> str:
    return to_duckdb(f"SELECT text_payload FROM t WHERE {condition('text_payload')}")


_SPACE_AROUND = st.text(st.sampled_from(" \t\x0b\u00a0\u2003"), max_size=2)
_NEIGHBOURED_LINES = st.tuples(
    _SPACE_AROUND,
    st.sampled_from(_alternatives(NEIGHBOURED_PATTERN)).flatmap(
        lambda alternative: st.from_regex(alternative, fullmatch=True)
    ),
    _SPACE_AROUND,
).map("".join)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NEIGHBOURED_LINES, min_size=20, max_size=30))
def test_every_line_reassembly_holds_the_next_one_by_is_one_in_the_query(lines: list[str]) -> None:
    """A line that makes reassembly hold the plain line beside it (`may_neighbour_message`) is one the query
    holds the plain lines beside too: a line it misses cuts the report in two."""
    parser = EntryParser(Redactor(), StackParser())
    held = sorted(
        {
            line
            for line in lines
            if "\n" not in line
            and not line.startswith(("thread '", "stack backtrace:", "note: "))
            and may_neighbour_message(
                parser.parse(0, {"textPayload": line, "timestamp": "2026-11-21T06:00:00Z"})
            )
        }
    )
    assert _matching_in_the_query(held, _neighboured) == held


_REPORT_LINES = st.sampled_from(
    [alternative for pattern in REPORT_LINE_PATTERNS for alternative in _alternatives(pattern.pattern)]
).flatmap(lambda alternative: st.from_regex(alternative, fullmatch=True))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_REPORT_LINES, min_size=20, max_size=30))
def test_every_report_line_is_a_stack_header_in_the_query(lines: list[str]) -> None:
    """Each line of a Dart, Swift, Haskell, Lua, Perl, shelf or PHP-FPM report (`REPORT_LINE_PATTERNS`, as their patterns
    draw them) makes its run a stack in the query, as reassembly joins it."""
    held = sorted({line for line in lines if "\n" not in line})
    assert _matching_in_the_query(held, _stack_header) == held


# The patterns `reassemble._classify` reads whose lines the query holds by its own headers (`_STACK_HEADER`: Python,
# Java, Go, Ruby, Elixir, PHP, Rust, a hint) or that only go on with a report another line opens (a cause, a frame
# marker, a source line, an exception's line, a record's context)
_NOT_REPORT_LINES = frozenset(
    {
        *(
            "_AT_FRAME",
            "PY_WARNING",
            "RUST_PANIC",
            "_ELIXIR_EXCEPTION",
            "_GLOG_TRACE",
            "_HINT",
            "_PHP_HEADER",
        ),
        *("PHP_THROWN", "_RUBY_FRAME", "_KNV_ERROR", "_MONOLOG_TRACE", "MONOLOG_EXCEPTION", "FAULT_THREAD"),
        *(
            "_ASYNCIO_CONTEXT",
            "_ASYNCIO_MESSAGE",
            "_CAUSE_LINE",
            "_COROUTINE_MARKER",
            "_DOC_LINK",
            "_DOTNET_HEADER",
        ),
        *("_DOTNET_PARAMETER", "_ELIXIR_CONTEXT", "_ELIXIR_REQUEST", "_EMBEDDED_EXCEPTION", "_ERLANG_LINE"),
        *("_EXCEPTION_LINE", "_EXCERPT", "_FILE_LINE", "_GO_LINE", "_GO_STACK_FUNCTION"),
        *(
            "_ID_TAGS_ONLY",
            "_JVM_OOM_LINE",
            "_LOGGER_TAGS_ONLY",
            "_NODE_ARRAY",
            "_NODE_LOCATION",
            "_NODE_VERSION",
        ),
        *(
            "_PHP_TRACE",
            "_RUST_NOTE",
            "_SQL_TRAILER",
            "_STATEMENT_LINE",
            "_TAGS_ONLY",
            "_V8_LINE",
        ),
    }
)


_NOT_YET_REPORT_LINES: frozenset[str] = frozenset()


def test_every_report_reassembly_classifies_reaches_the_querys_headers() -> None:
    """Each pattern reassembly's classifier reads is one of `REPORT_LINE_PATTERNS`, from which the query's headers
    derive, or is known to need none: a report added to reassembly alone, with a pattern of its own, fails here
    until its lines reach the query (see `test_every_report_line_is_a_stack_header_in_the_query`)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(reassemble._classify)))
    read = {
        node.id: value
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and hasattr(value := getattr(reassemble, node.id, None), "pattern")
    }
    report_lines = {pattern.pattern for pattern in REPORT_LINE_PATTERNS}
    unknown = sorted(
        name
        for name, pattern in read.items()
        if pattern.pattern not in report_lines and name not in _NOT_REPORT_LINES | _NOT_YET_REPORT_LINES
    )
    assert unknown == [], (
        "add them to reassemble.REPORT_LINE_PATTERNS (or, if no report opens with them, here)"
    )
    assert set(read) >= _NOT_REPORT_LINES | _NOT_YET_REPORT_LINES  # (no name the classifier no longer reads)


# Look-alikes: lines that read as a report's neighbours (a request line, a `#` or `package:` line, a caret) among
# plain lines of no report: nothing to join in either scan.
_NEIGHBOUR_LOOK_ALIKES: list[list[tuple[float, str]]] = [
    [(0, "GET /healthz"), (0.0001, "health check passed in {n} ms"), (0.0001, "Error thrown by handler.")],
    [
        (0, "#1 best seller: sku {n}"),
        (0.0001, "package: {n} parcels shipped"),
        (0.0001, "^"),
        (0.0001, "done"),
    ],
]


def test_lines_that_only_look_like_a_reports_neighbours_scan_alike() -> None:
    entries = _split_tracebacks(6, seed=13, hours=0.15, instances=3, shapes=_NEIGHBOUR_LOOK_ALIKES)
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 0
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# Split reports of languages whose lines no header of the query's first list opened: a Dart exception with
# package:stack_trace's terse frames, Dart VM frames under an error's text (under package:logging's record too),
# PHP-FPM's slow-log record alone, Swift's trap with its old numbered
# frames, Swift 5.9's backtracer (`reassemble.REPORT_LINE_PATTERNS`).
_REPORT_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "Exception: pricing feed returned 502 for batch {n}"),
        (0.0001, "package:feed/client.dart {n}:9                  FeedClient.fetch"),
        (0.0001, "package:feed/importer.dart 18:22                 Importer.run"),
    ],
    [
        (0, "RangeError (index): Index out of range: index should be less than {n}: 7"),
        (0.0001, "#0      List.[] (dart:core-patch/growable_array.dart:264:36)"),
        (0.0001, "#1      Picker.pick (package:picker/picker.dart:40:18)"),
    ],
    [
        (0, "SEVERE: 2026-12-03 06:02:10.125: picking bin {n} failed"),
        (0.0001, "Bad state: No element"),
        (0.0001, "#0      ListBase.first (dart:collection/list.dart:64:5)"),
        (0.0001, "#1      Picker.bin (package:picker/picker.dart:{n}:18)"),
        (0.0001, "<asynchronous suspension>"),
    ],
    [
        (0, ""),
        (0.0001, "[03-Dec-2026 06:12:07]  [pool www] pid {n}"),
        (0.0001, "script_filename = /var/www/html/index.php"),
        (0.0001, "[0x00007f8a1e0140d0] curl_exec() /var/www/html/lib/Http/Client.php:88"),
        (0.0001, "[0x00007f8a1e013e10] {main}() /var/www/html/index.php:12"),
    ],
    [
        (0, "Fatal error: Index out of range: file Basket/Line.swift, line {n}"),
        (0.0001, "Current stack trace:"),
        (0.0001, "0    libswiftCore.so                    0x00007f11aa5a3e40 swift_reportError + 50"),
        (0.0001, "1    Run                                0x000055aa01e1a2b4 <unavailable> + 5612212"),
    ],
    [
        (0, "*** Program crashed: Bad pointer dereference at 0x000000000000{n}"),
        (0.0001, "Thread 0 crashed:"),
        (0.0001, "0 0x000055aa01e1a2b4 Basket.total() + 212 in Run at /srv/Sources/App/Basket.swift:42:18"),
        (0.0001, "Backtrace took 0.12s"),
    ],
]


@pytest.mark.parametrize(("copies", "instances"), [(4, 40), (30, 3)], ids=["few", "crowded"])
def test_reports_of_dart_and_swift_split_per_line_scan_alike(copies: int, instances: int) -> None:
    entries = _split_tracebacks(copies, seed=9, hours=0.15, instances=instances, shapes=_REPORT_SHAPES)
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks > 0
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# Reports whose lines only reassembly's own patterns tell (`reassemble.REPORT_LINE_PATTERNS`), one line per entry:
# Lua's traceback under the error's line, Perl's `die` with Carp's calls under it, OTP's crash report, the JVM's lines
# after an OutOfMemoryError
_OWN_PATTERN_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "=CRASH REPORT==== 3-Dec-2026::10:00:00.123456 ==="),
        (0.0001, "  crasher:"),
        (0.0001, "    initial call: shop_worker:init/1"),
        (0.0001, "    pid: <0.{n}.0>"),
        (0.0001, "    exception error: bad argument"),
        (0.0001, "      in function  binary_to_integer/1"),
    ],
    [
        (0, "java.lang.OutOfMemoryError: Java heap space"),
        (0.0001, "Dumping heap to /tmp/java_pid{n}.hprof ..."),
        (0.0001, "Heap dump file created [{n}456 bytes in 0.5 secs]"),
        (0.0001, "Terminating due to java.lang.OutOfMemoryError: Java heap space"),
    ],
    [
        (0, "lua: /app/worker.lua:{n}: attempt to perform arithmetic on a nil value (global 'count')"),
        (0.0001, "stack traceback:"),
        (0.0001, "\t/app/worker.lua:{n}: in function 'add'"),
        (0.0001, "\t/app/worker.lua:20: in main chunk"),
        (0.0001, "\t[C]: in ?"),
    ],
    [
        (0, "Database handle gone at /app/lib/Shop/DB.pm line {n}."),
        (
            0.0001,
            '\tShop::DB::query(Shop::DB=HASH(0x55d0c8a3e2a8), "select 1") called at /app/lib/Shop/Worker.pm line 88',
        ),
        (
            0.0001,
            "\tShop::Worker::run(Shop::Worker=HASH(0x55d0c8a3f010)) called at /app/bin/worker.pl line 12",
        ),
    ],
]


@pytest.mark.parametrize(("copies", "instances"), [(4, 40), (30, 3)], ids=["few", "crowded"])
def test_reports_only_reassemblys_own_patterns_tell_scan_alike(copies: int, instances: int) -> None:
    entries = _split_tracebacks(copies, seed=11, hours=0.15, instances=instances, shapes=_OWN_PATTERN_SHAPES)
    local = local_report(ListSource(entries))
    assert local.totals.events == len(_OWN_PATTERN_SHAPES) * copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_counted_runs_between_a_plain_line_and_the_heading_it_opens_scan_alike() -> None:
    """Log Analytics returns a group's counted runs (batches) at the group's first time: between a plain line and
    the first frame of the Dart error it heads when other streams crash at once. The line still heads its report."""
    entries: list[dict[str, Any]] = []
    lines = [
        "Bad state: No element",
        "#0      ListBase.first (dart:collection/list.dart:62:5)",
        "#1      OrderService.latest (package:shop/order_service.dart:27:18)",
    ]
    for service in range(12):
        for copy in range(6):
            moment = START + timedelta(seconds=5 * copy, microseconds=service)
            for line, text in enumerate(lines):
                entries.append(
                    {
                        "insertId": f"s{service}c{copy}l{line}",
                        "timestamp": (moment + timedelta(microseconds=300 * line))
                        .isoformat()
                        .replace("+00:00", "Z"),
                        "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
                        "resource": {
                            "type": "cloud_run_revision",
                            "labels": {
                                "service_name": f"svc{service}",
                                "revision_name": f"svc{service}-00001-abc",
                            },
                        },
                        "labels": {"instanceId": f"instance-{copy % 2}"},
                        "textPayload": text,
                    }
                )
    entries.sort(key=lambda entry: entry["timestamp"])
    local = local_report(ListSource(entries))
    assert local.totals.events == 12 * 6
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# Spring Boot's failure analysis (`LoggingFailureAnalysisReporter`) as Spring prints it to stdout, one line per entry
# and no severity: what failed and what to do are plain lines, over one line or several
_SPRING_REPORTS = [
    [
        "2026-11-21T06:00:00.412Z ERROR 1 --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ",
        "",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        "Web server failed to start. Port 8080 was already in use.",
        "",
        "Action:",
        "",
        "Identify and stop the process that's listening on port 8080 or configure this application to listen on "
        "another port.",
        "",
    ],
    [
        "Error starting ApplicationContext. To display the condition evaluation report re-run your application with "
        "'debug' enabled.",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        "Parameter 0 of constructor in com.acme.billing.InvoiceService required a bean of type "
        "'com.acme.billing.LedgerClient' that could not be found.",
        "",
        "The injection point has the following annotations:",
        "\t- @org.springframework.beans.factory.annotation.Autowired(required=true)",
        "",
        "Action:",
        "",
        "Consider defining a bean of type 'com.acme.billing.LedgerClient' in your configuration.",
        "Then restart the application.",
    ],
]


def _spring_reports(copies: int, instances: int) -> list[dict[str, Any]]:
    """`copies` of each report on `instances` instances, at most 10 s apart (each copy's lines 300 µs apart)."""
    entries: list[dict[str, Any]] = []
    for number, lines in enumerate(_SPRING_REPORTS):
        for copy in range(copies):
            moment = START + timedelta(seconds=10 * copy + number, microseconds=copy)
            for line, text in enumerate(lines):
                entries.append(
                    {
                        "insertId": f"r{number}c{copy}l{line}",
                        "timestamp": (moment + timedelta(microseconds=300 * line))
                        .isoformat()
                        .replace("+00:00", "Z"),
                        "logName": "projects/p/logs/run.googleapis.com%2Fstdout",
                        "resource": {
                            "type": "cloud_run_revision",
                            "labels": {
                                "service_name": f"svc{number}",
                                "revision_name": f"svc{number}-00001-abc",
                            },
                        },
                        "labels": {"instanceId": f"instance-{copy % instances}"},
                        "textPayload": text,
                    }
                )
    entries.sort(key=lambda entry: entry["timestamp"])
    return entries


@pytest.mark.parametrize(("copies", "instances"), [(3, 3), (12, 2)], ids=["few", "batched"])
def test_spring_boots_failure_analysis_split_per_line_scans_alike(copies: int, instances: int) -> None:
    """Each report is one event in both scans, what to do included, whether it comes back line by line or counted."""
    entries = _spring_reports(copies, instances)
    local = local_report(ListSource(entries))
    assert local.totals.events == len(_SPRING_REPORTS) * copies
    assert all("\nAction: " in cluster.samples[0].message for cluster in local.clusters)
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# Look-alikes: a section's heading or a banner of no failure analysis, plain lines right after it, no severity
_SPRING_LOOK_ALIKES: list[list[tuple[float, str]]] = [
    [(0, "Description:"), (0.0003, "nightly export of {n} tables"), (0.0003, "done")],
    [(0, "***************************"), (0.0003, "Action:"), (0.0003, "none required"), (0.0003, "bye")],
]


def test_lines_that_only_look_like_a_failure_analysis_scan_alike() -> None:
    entries = _split_tracebacks(8, seed=3, hours=0.1, instances=2, shapes=_SPRING_LOOK_ALIKES)
    for entry in entries:
        entry.pop("severity", None)
    local = local_report(ListSource(entries))
    assert local.clusters == []
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# A Dart error whose text goes on over plain lines after the VM's heading, no severity: counted copies of it come back
# between the lines of the copies sent in full on the same instance
_DART_TEXT_SHAPES: list[list[tuple[float, str]]] = [
    [
        (0, "Unhandled exception:"),
        (0.0003, "Bad state: ledger {n} closed while posting"),
        (0.0003, "the ledger was closed by a shutdown hook"),
        (0.0003, "retry after restart"),
        (0.0003, "#0      Ledger.post (package:shop/ledger.dart:27:18)"),
        (0.0003, "#1      main (file:///app/bin/server.dart:14:9)"),
    ]
]


@pytest.mark.parametrize(("copies", "instances"), [(3, 3), (20, 2)], ids=["few", "batched"])
def test_a_reports_plain_lines_between_counted_copies_scan_alike(copies: int, instances: int) -> None:
    entries = _split_tracebacks(copies, seed=5, hours=0.1, instances=instances, shapes=_DART_TEXT_SHAPES)
    for entry in entries:
        entry.pop("severity", None)
    local = local_report(ListSource(entries))
    assert local.totals.events == copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


@pytest.mark.parametrize(("copies", "instances"), [(5, 40), (40, 5)], ids=["few", "crowded"])
def test_held_lines_that_open_with_a_letter_do_not_cut_a_split_stack(copies: int, instances: int) -> None:
    entries = _split_tracebacks(
        copies, seed=copies, hours=0.15, instances=instances, shapes=_UNINDENTED_HELD_SHAPES
    )
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks >= 3 * copies
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


# A credential's label and its value logged one line per entry (reassembly redacts the value after its label): a
# YAML pair, a pair's name then a sibling field before its value, a table's header then its row, a field's path
# before the input pydantic echoes, a command that prints a secret; and a private key's block (its BEGIN line
# redacted whole opens it, each line of its body redacted after it). The value lines differ but for digits from
# copy to copy, as passwords generated alike do.
_SPLIT_CREDENTIAL_SHAPES: list[list[tuple[float, str]]] = [
    [(0, "password: |-"), (0, "  Mekuvenk{n}!pb"), (0, "port: 5432")],
    [
        (0, "  env:"),
        (0, "    - name: STRIPE_SECRET"),
        (0, "      description: live key"),
        (0, '      value: "zant{n}"'),
    ],
    [(0, "user,password,role"), (0, "bob,quen{n}quen,admin")],
    [
        (0, "1 validation error for Settings"),
        (0, "db_password"),
        (0, "  Value error, too short [input_value='x{n}y']"),
    ],
    [(0, "$ terraform output -raw db_password"), (0, "Hq7{n}vLpz")],
    [
        (0, "-----BEGIN RSA PRIVATE KEY-----"),
        (0, "MIIEowIBAAKCAQEAu{n}0eK8dR7cXb2mG9tTqYvNpL5sWcJ3fHkQ8aZ1xV"),
        (0, "q/MscW{n}G=="),
        (0, "-----END RSA PRIVATE KEY-----"),
    ],
    [(0, "SERVER -> CLIENT: 334 UGFzc3dvcmQ6"), (0, "CLIENT -> SERVER: WmFudG{n}Rvdm9sdA==")],
]


_LABELS = [
    "password:",
    "DB_PASSWORD=",
    "api_key => |",
    "Authorization: Bearer",
    "- name: STRIPE_SECRET",
    '"Name": "/prod/db/password",',
    "<password>",
    "<name>smtp.password</name>",
    "export $DB_TOKEN",
    "the secret is:",
    "Token generated for user bob",
    "user,password,role",
    "id\tname\tapi_key",
    "db_password",
    "settings.auth_token",
    "$ terraform output -raw db_password",
    "vault kv get -field=token secret/ci",
    "Password for the [elastic] user successfully reset.",
    "Passwört_für:",
    "pass\u00a0:",
    "SERVER -> CLIENT: 334 UGFzc3dvcmQ6",
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["", "  ", "2026-12-01 10:00:00,114 ERROR [app] ", "E1201 10:00:00.1 1 x.go:9] "]
            ),
            st.sampled_from(_LABELS),
            st.sampled_from(["", " ", "\t", "\u2003"]),
        ).map("".join),
        min_size=20,
        max_size=40,
    )
)
def test_every_line_reassembly_reads_as_a_credentials_label_is_one_in_the_query(lines: list[str]) -> None:
    """The query's label test, and its quick look before it, are supersets of reassembly's (`credential_label`),
    on the text as logged."""
    parser = EntryParser(Redactor(), StackParser())
    labels = [
        line
        for position, line in enumerate(lines)
        if credential_label(
            parser.parse(position, {"timestamp": "2026-12-01T10:00:00Z", "textPayload": line}).message
        )
    ]
    assert labels
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (text_payload VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?)", [(line,) for line in labels])
    for pattern in (_CREDENTIAL_LABEL, _MAY_NAME_CREDENTIAL):
        missed = f"SELECT text_payload FROM t WHERE NOT REGEXP_CONTAINS(text_payload, {_string(pattern)})"
        assert connection.execute(to_duckdb(missed)).fetchall() == []


@pytest.mark.parametrize(("copies", "instances"), [(4, 40), (30, 5)], ids=["few", "crowded"])
def test_a_credential_split_from_its_label_is_redacted_alike(copies: int, instances: int) -> None:
    """Whether reassembly redacts a line depends on the line before it in its stream: the query returns the label,
    the value and the lines between in their stream, so no value comes back alone (it would show verbatim)."""
    entries = _split_tracebacks(
        copies, seed=copies, hours=0.15, instances=instances, shapes=_SPLIT_CREDENTIAL_SHAPES
    )
    local = local_report(ListSource(entries))
    analytics = log_analytics_report(engine_with(entries))
    assert_equivalent(local, analytics)
    told = json.dumps([cluster.model_dump(mode="json") for cluster in analytics.clusters])
    assert not re.search(r"Mekuvenk|zant\d|quen\d|Hq7\d|MIIEow|MscW|WmFudG", told)


_RAILS_HEADER = "F, [2026-11-30T10:00:00.200131 #1] FATAL -- : "
_RAILS_SPLIT_SHAPES = [
    [  # Rails' report, every line logged on its own: its blank lines trimmed after the header and tags
        (0, f"{_RAILS_HEADER}[3d18-{{n}}]"),
        (0, f"{_RAILS_HEADER}[3d18-{{n}}] NoMethodError (undefined method `[]' for nil:NilClass):"),
        (0, f"{_RAILS_HEADER}[3d18-{{n}}]"),
        (0, f"{_RAILS_HEADER}[3d18-{{n}}] app/controllers/quizes_controller.rb:64:in `start'"),
    ],
    [  # logged as one message (the tags after each newline), a gem's frames named by its version
        (0, f"{_RAILS_HEADER}[5ff6-{{n}}]   "),
        (
            0,
            "[5ff6-{n}] ActionController::InvalidAuthenticityToken (ActionController::InvalidAuthenticityToken):",
        ),
        (0, "[5ff6-{n}]"),
        (
            0,
            "[5ff6-{n}] actionpack (6.0.3.2) lib/action_controller/metal/request_forgery_protection.rb:215:in `x'",
        ),
        (0, "[5ff6-{n}] app/controllers/application_controller.rb:{n}:in `verify'"),
    ],
    [  # a template's error, the excerpt of the template, its frames without a method or in the template
        (0, f"{_RAILS_HEADER}[e5fa-{{n}}]"),
        (
            0,
            f"{_RAILS_HEADER}[e5fa-{{n}}] ActionView::Template::Error (undefined method `username' for #<User>):",
        ),
        (0, f"{_RAILS_HEADER}[e5fa-{{n}}]     1: <%= form_for(@user) do |f| %>"),
        (0, "[e5fa-{n}]     2:   <%= f.label :username %>"),
        (0, "[e5fa-{n}]   "),
        (0, "[e5fa-{n}] app/views/users/_form.html.erb:{n}"),
        (0, "[e5fa-{n}] app/views/users/new.html.erb:3:in `_app_views_users_new_html_erb___1'"),
    ],
    [  # Rails 7.1's report with its `Causes:` section, logged as one message (the tags after each newline)
        (0, f"{_RAILS_HEADER}[c71a-{{n}}]   "),
        (0, "[c71a-{n}] ActionView::Template::Error (undefined method `title' for nil):"),
        (0, "[c71a-{n}] "),
        (0, "[c71a-{n}] Causes:"),
        (0, "[c71a-{n}] NoMethodError (undefined method `title' for nil)"),
        (0, "[c71a-{n}]     1: <h1><%= @post.title %></h1>"),
        (0, "[c71a-{n}]   "),
        (0, "[c71a-{n}] app/views/posts/show.html.erb:{n}"),
        (0, "[c71a-{n}] app/controllers/posts_controller.rb:8:in `show'"),
    ],
    [  # a report without frames (a route that does not exist), after the line of the request it answered
        (0, "I, [2026-11-30T10:00:00.200131 #1]  INFO -- : [b7d1-{n}] Completed 404 Not Found in 2ms"),
        (0, f"{_RAILS_HEADER}[b7d1-{{n}}]"),
        (
            0,
            f'{_RAILS_HEADER}[b7d1-{{n}}] ActionController::RoutingError (No route matches [GET] "/x/{{n}}"):',
        ),
        (0, f"{_RAILS_HEADER}[b7d1-{{n}}]"),
    ],
]


@pytest.mark.parametrize(("copies", "instances"), [(5, 40), (60, 10)], ids=["few", "crowded"])
def test_rails_reports_split_per_line_scan_alike(copies: int, instances: int) -> None:
    entries = _split_tracebacks(
        copies, seed=copies, hours=0.15, instances=instances, shapes=_RAILS_SPLIT_SHAPES
    )
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks >= 4 * copies
    assert not any(cluster.title.startswith(("F, [", "[")) for cluster in local.clusters)
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_split_tracebacks_come_back_bounded_by_their_shapes_not_their_number() -> None:
    """Runs that reassemble alike are one batch of rows, however many there are: only the earliest runs
    of each come back line by line (as many as the clustering keeps samples)."""
    few, many = (
        _rows(engine_with(_split_tracebacks(copies, seed=1, hours=0.15, instances=20000, across_edges=False)))
        for copies in (40, 400)
    )
    entries = sum(row["entries"] for row in many)
    assert entries == 10 * sum(row["entries"] for row in few)
    # ten times the runs, a few more rows: runs that met on one instance make runs of their own
    assert len(many) < 1.25 * len(few) and len(many) < entries / 20
    assert any(row["batch"] is not None and row["entries"] > 1 for row in many)


_RUN_LINES = st.sampled_from(
    [
        "Traceback (most recent call last):",
        '  File "/app/x.py", line 3, in f',
        "    g()",
        "KeyError: 'k{n}'",
        "ValueError: bad {n}",
        "",
        "During handling of the above exception, another exception occurred:",
        "ERROR:app:Exception on /x/{n} [GET]",
        "request {n} done",
        "java.lang.IllegalStateException: locked {n}",
        "\tat a.B.c(B.java:3)",
        "/app/y.py:9: UserWarning: slow {n}",
        "  warnings.warn(m)",
    ]
)


@st.composite
def _alike_runs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few runs of split lines, each copied on several instances at other times (so that alike runs form
    groups beyond the samples kept, which come back as batches), with gaps around the reassembly gap."""
    entries: list[dict[str, Any]] = []
    for run in range(draw(st.integers(1, 3))):
        lines = draw(
            st.lists(st.tuples(_RUN_LINES, st.sampled_from([0.0, 0.000001, 0.5, 4.9, 5.1])), max_size=7)
        )
        severity = draw(st.sampled_from([None, "ERROR", "INFO"]))
        for copy in range(draw(st.integers(2, 6))):
            moment = START + timedelta(seconds=draw(st.integers(0, 1_200)), microseconds=copy)
            instance = f"i{draw(st.integers(0, 3))}"
            for line, (text, gap) in enumerate(lines):
                moment += timedelta(seconds=gap)
                entry: dict[str, Any] = {
                    "insertId": f"r{run}c{copy}l{line}",
                    "timestamp": moment.isoformat(),
                    "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
                    "resource": {
                        "type": "cloud_run_revision",
                        "labels": {"service_name": "s", "revision_name": "s-1"},
                    },
                    "labels": {"instanceId": instance},
                    "textPayload": text.replace("{n}", str(draw(st.integers(10, 99)))),
                }
                if severity:
                    entry["severity"] = severity
                entries.append(entry)
    entries.sort(key=lambda entry: (entry["timestamp"], entry["insertId"]))
    return entries


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_alike_runs())
def test_alike_runs_scan_alike_when_most_come_back_as_batches(entries: list[dict[str, Any]]) -> None:
    config = GardenerConfig.model_validate({"clustering": {"samples_per_cluster": 1}})
    local = local_report(ListSource(entries), config)
    assert_equivalent(local, log_analytics_report(engine_with(entries), config), literal_titles=False)


_STDOUT = {"logName": "projects/p/logs/stdout"}  # GKE's stdout: INFO is only the stream's default (weak)
_APP = {"logName": "projects/p/logs/app"}


def _raised(severity: str, log: dict[str, str], payload: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "severity": severity,
        **log,
        "resource": {"type": "k8s_container", "labels": _POD},
        **payload,
        **fields,
    }


_POD = {"cluster_name": "c", "namespace_name": "shop", "container_name": "cart", "pod_name": "cart-1"}


# Entries written below a threshold that inference raises to it, and the threshold
_RAISED_FROM_BELOW: list[tuple[dict[str, Any], str]] = [
    # a platform failure line in a JSON message, whatever the severity (`platform-failure`)
    (_raised("DEBUG", _APP, {"jsonPayload": {"message": "Memory limit of 256 MiB exceeded"}}), "WARNING"),
    (_raised("NOTICE", _APP, {"jsonPayload": {"msg": "STARTUP HTTP probe failed 3 times"}}), "WARNING"),
    (_raised("WARNING", _APP, {"jsonPayload": {"message": "Container called exit(2)."}}), "ERROR"),
    (_raised("DEBUG", _APP, {"textPayload": '{"message": "panic: nil map write"}'}), "WARNING"),
    # an entry Error Reporting grouped (`error-group`)
    (_raised("INFO", _APP, {"textPayload": "cart total off"}, errorGroups=[{"id": "CKq1"}]), "WARNING"),
    (_raised("WARNING", _APP, {"textPayload": "cart total off"}, errorGroups=[{"id": "CKq1"}]), "ERROR"),
    # a weak INFO that declares a level, a stack or an error only its payload's structure shows
    (_raised("INFO", _STDOUT, {"textPayload": "06:00:01 WRN cart cache cold"}), "WARNING"),
    (_raised("INFO", _STDOUT, {"textPayload": "  W1121 06:00:01.5 7 cart.go:9] cache cold"}), "WARNING"),
    (_raised("INFO", _STDOUT, {"jsonPayload": {"lvl": 50, "msg": "cart lost"}}), "WARNING"),
    (_raised("INFO", _STDOUT, {"jsonPayload": {"level": "60", "msg": "cart lost"}}), "WARNING"),
    (_raised("INFO", _STDOUT, {"jsonPayload": {"severity": 500, "msg": "cart lost"}}), "ERROR"),
    (_raised("INFO", _STDOUT, {"jsonPayload": {"PRIORITY": "3", "MESSAGE": "cart lost"}}), "WARNING"),
    # an exception's class beside the message (Sidekiq's job hash)
    (
        _raised(
            "INFO",
            _STDOUT,
            {
                "jsonPayload": {
                    "msg": "cart job done",
                    "error_class": "Redis::TimeoutError",
                    "error_message": "t",
                }
            },
        ),
        "WARNING",
    ),
    # MongoDB's level letter; Redis' warning mark; Tornado's level initial
    (
        _raised(
            "INFO", _STDOUT, {"textPayload": "[W 261121 06:00:01 web:2243] 404 GET /cart (10.0.0.1) 1ms"}
        ),
        "WARNING",
    ),
    (
        _raised(
            "INFO",
            _STDOUT,
            {"jsonPayload": {"s": "W", "c": "STORAGE", "ctx": "conn7", "msg": "cart slow"}},
        ),
        "WARNING",
    ),
    (
        _raised(
            "INFO",
            _STDOUT,
            {"textPayload": "7:S 21 Nov 2026 06:00:01.500 # Connection with master lost."},
        ),
        "WARNING",
    ),
    # a failure said in words only (`failure-phrase`)
    (
        _raised("INFO", _STDOUT, {"textPayload": "cart sync: dial tcp 10.2.0.4:6379: i/o timeout"}),
        "WARNING",
    ),
    (_raised("INFO", _STDOUT, {"jsonPayload": {"msg": "could not price cart 7"}}), "WARNING"),
    (
        _raised("INFO", _STDOUT, {"jsonPayload": {"msg": "cart saved", "thrown": {"message": "io"}}}),
        "WARNING",
    ),
    (_raised("INFO", _STDOUT, {"jsonPayload": {"msg": "cart saved", "failure": "quota"}}), "WARNING"),
    (
        _raised(
            "INFO", _STDOUT, {"jsonPayload": {"msg": "cart saved", "stack": "Oops\n    at f (/c.js:1:2)"}}
        ),
        "WARNING",
    ),
    (
        _raised(
            "INFO",
            _STDOUT,
            {
                "jsonPayload": {
                    "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
                    "jobName": "projects/p/locations/l/jobs/sweep",
                    "status": "UNAVAILABLE",
                }
            },
        ),
        "WARNING",
    ),
]


@pytest.mark.parametrize("threshold", sorted({threshold for _, threshold in _RAISED_FROM_BELOW}))
def test_entries_inference_raises_from_below_the_threshold_come_back(threshold: str) -> None:
    """Every rule that raises an entry written below the threshold (`levels.infer_severity`) is in the
    query's severity clause: the entry comes back and is triaged as `--from` triages it. Three entries of each
    case, each case an hour after the one before, so that no case's lines join or link with another's."""
    cases = [entry for entry, raised_to in _RAISED_FROM_BELOW if raised_to == threshold]
    entries = [
        {
            **entry,
            "insertId": f"r{case}-{i}",
            "timestamp": (START + timedelta(hours=case, seconds=i)).isoformat(),
        }
        for case, entry in enumerate(cases)
        for i in range(3)
    ]
    options = {"min_severity": Severity[threshold]}
    local = local_report(ListSource(entries), **options)
    assert local.totals.clustered == 3 * len(cases)
    assert_equivalent(local, log_analytics_report(engine_with(entries), **options))


def _app_engine_request(at: datetime, path: str, status: int, lines: list[str]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
        "method": "GET",
        "resource": path,
        "status": status,
        "latency": "0.4s",
    }
    if lines:
        payload["line"] = [{"severity": "ERROR", "logMessage": line} for line in lines]
    return {
        "timestamp": at.isoformat(),
        "severity": "ERROR" if status >= 500 else "WARNING",
        "logName": "projects/p/logs/appengine.googleapis.com%2Frequest_log",
        "resource": {"type": "gae_app", "labels": {"module_id": "shop", "version_id": "v7"}},
        "protoPayload": payload,
    }


def _failed_call(at: datetime, code: int) -> dict[str, Any]:
    return {
        "timestamp": at.isoformat(),
        "severity": "ERROR",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access",
        "resource": {"type": "gcs_bucket", "labels": {"bucket_name": "carts"}},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "storage.googleapis.com",
            "methodName": "storage.objects.get",
            "status": {"code": code},
        },
    }


def test_what_proto_payloads_say_verbatim_keeps_them_apart() -> None:
    """An App Engine request log comes back as a request log (Log Analytics holds it apart from audit logs), and
    what the parser reads verbatim from a proto payload (a request's status and path, an audit log's status code)
    keeps its entries in groups of their own, although the query zeroes the payload's digits."""
    entries = []
    for second in range(4):  # more of each than the samples a group returns
        at = START + timedelta(minutes=second)
        entries += [
            _app_engine_request(at, "/api/v1/carts", 500, []),
            _app_engine_request(at + timedelta(seconds=1), "/api/v2/carts", 503, []),
            _app_engine_request(at + timedelta(seconds=2), "/api/v1/carts", 404, ["cart 12 not found"]),
            _failed_call(at + timedelta(seconds=3), 7),
            _failed_call(at + timedelta(seconds=4), 5),
        ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"p{position}"
    local = local_report(ListSource(entries))
    assert len(local.clusters) == 5 and {c.count for c in local.clusters} == {4}
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def _pod_line(minute: int, second: int, log: str, severity: str | None, **payload: Any) -> dict[str, Any]:
    entry = {
        "insertId": f"d{minute}-{second}-{log}",
        "timestamp": (START + timedelta(minutes=minute, seconds=second)).isoformat(),
        "logName": f"projects/p/logs/{log}",
        "resource": {"type": "k8s_container", "labels": _POD},
        **payload,
    }
    if severity:
        entry["severity"] = severity
    return entry


def test_digits_inference_reads_keep_entries_apart() -> None:
    """The query zeroes a text's digits, but not those the parser infers a severity from: an exit code (`exit(0)`
    is no failure), a function's status, an access line's status on stderr, a JSON line's numeric level, a
    level or journald PRIORITY written as text, a GELF record's syslog level."""
    lines: list[tuple[str, str | None, dict[str, Any]]] = [
        ("run.googleapis.com%2Fvarlog%2Fsystem", "INFO", {"textPayload": "Container called exit(0)."}),
        ("run.googleapis.com%2Fvarlog%2Fsystem", "INFO", {"textPayload": "Container called exit(3)."}),
        ("fn", "DEBUG", {"textPayload": "Function execution took 8 ms, finished with status code: 200"}),
        ("fn", "DEBUG", {"textPayload": "Function execution took 9 ms, finished with status code: 503"}),
        (
            "stderr",
            "ERROR",
            {"textPayload": '10.1.0.7 - - [21/Nov/2026:06:00:00 +0000] "GET /cart HTTP/1.1" 404 9'},
        ),
        (
            "stderr",
            "ERROR",
            {"textPayload": '10.1.0.7 - - [21/Nov/2026:06:00:00 +0000] "GET /cart HTTP/1.1" 502 9'},
        ),
        ("stdout", None, {"textPayload": '{"level": 30, "msg": "cart synced"}'}),
        ("stdout", None, {"textPayload": '{"level": 50, "msg": "cart synced"}'}),
        ("app", None, {"jsonPayload": {"level": "40", "msg": "cart kept"}}),
        ("app", None, {"jsonPayload": {"level": "20", "msg": "cart kept"}}),
        ("syslog", None, {"jsonPayload": {"PRIORITY": "3", "MESSAGE": "cart disk"}}),
        ("syslog", None, {"jsonPayload": {"PRIORITY": "6", "MESSAGE": "cart disk"}}),
        ("gelf", None, {"jsonPayload": {"version": "1.1", "short_message": "cart gelf", "level": 3}}),
        ("gelf", None, {"jsonPayload": {"version": "1.1", "short_message": "cart gelf", "level": 6}}),
        ("stdout", "INFO", {"textPayload": '{"short_message": "cart gelf", "level": 4}'}),
        ("stdout", "INFO", {"textPayload": '{"short_message": "cart gelf", "level": 7}'}),
    ]
    # more of each than the samples a group returns
    entries = [
        _pod_line(minute, second, log, severity, **payload)
        for minute in range(5)
        for second, (log, severity, payload) in enumerate(lines)
    ]
    options = {"min_severity": Severity.DEBUG}
    local = local_report(ListSource(entries), **options)
    assert_equivalent(local, log_analytics_report(engine_with(entries), **options), literal_titles=False)


def test_a_sidecars_lines_do_not_cut_a_containers_split_traceback() -> None:
    """Two containers of one pod write to one log from one instance: `--from` reassembles each container's
    lines apart, as the query does (its runs are per resource), so a sidecar's line amid a traceback's lines does
    not cut it in two."""

    def line(position: int, container: str, text: str) -> dict[str, Any]:
        labels = {**_POD, "pod_name": "cart-7d9f8b6c4-x2x9z", "container_name": container}
        return {
            "insertId": f"{container}-{position}",
            "timestamp": (START + timedelta(milliseconds=10 * position)).isoformat(),
            "logName": "projects/p/logs/stderr",
            "resource": {"type": "k8s_container", "labels": labels},
            "textPayload": text,
        }

    traceback = [
        "Traceback (most recent call last):",
        '  File "/app/cart.py", line 12, in add',
        "    total += price",
        "TypeError: unsupported operand",
    ]
    entries = [line(position, "cart", text) for position, text in enumerate(traceback)]
    entries.insert(2, line(1, "mesh-proxy", "listener 8080 warming up"))
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 1
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_the_entry_labels_the_parser_reads_keep_entries_apart() -> None:
    """Entries alike but for an entry label the parser reads: a container's stream (on stdout an INFO is weak and
    takes the level its text declares), a Compute Engine instance's name (its service)."""

    def labelled(
        minute: int, second: int, kind: str, labels: dict[str, str], own: dict[str, str]
    ) -> dict[str, Any]:
        return {
            "insertId": f"l{minute}-{second}",
            "timestamp": (START + timedelta(minutes=minute, seconds=second)).isoformat(),
            "severity": "INFO",
            "logName": "projects/p/logs/app",
            "resource": {"type": kind, "labels": labels},
            "labels": own,
            "textPayload": "[WARNING] cart cache cold",
        }

    variants = [
        ("k8s_container", _POD, {"container.googleapis.com/stream": "stdout"}),
        ("k8s_container", _POD, {"container.googleapis.com/stream": "audit"}),
        (
            "gce_instance",
            {"instance_id": "41", "zone": "z"},
            {"compute.googleapis.com/resource_name": "cart-vm"},
        ),
        (
            "gce_instance",
            {"instance_id": "41", "zone": "z"},
            {"compute.googleapis.com/resource_name": "cart-vm2"},
        ),
    ]
    entries = [
        labelled(minute, second, kind, labels, own)
        for minute in range(5)
        for second, (kind, labels, own) in enumerate(variants)
    ]
    options = {"min_severity": Severity.INFO}
    local = local_report(ListSource(entries), **options)
    assert_equivalent(local, log_analytics_report(engine_with(entries), **options))


def test_kubernetes_events_of_workloads_named_alike_but_for_digits_stay_apart() -> None:
    """A cluster's event belongs to the workload it is about (`involvedObject`): `queue1` and `queue2` are two
    services, although the query zeroes the payload's digits."""
    entries = [
        {
            "insertId": f"e{minute}-{second}",
            "timestamp": (START + timedelta(minutes=minute, seconds=second)).isoformat(),
            "severity": "WARNING",
            "logName": "projects/p/logs/events",
            "resource": {"type": "k8s_cluster", "labels": {"cluster_name": "shop", "location": "l"}},
            "jsonPayload": {
                "kind": "Event",
                "type": "Warning",
                "reason": "FailedCreate",
                "message": f'Error creating: pods "{name}-abcde" is forbidden: exceeded quota',
                "involvedObject": {"kind": "ReplicaSet", "namespace": "jobs", "name": name},
            },
        }
        for minute in range(5)
        for second, name in enumerate(["queue1-6c9f7d5b8", "queue2-6c9f7d5b8"])
    ]
    local = local_report(ListSource(entries))
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_a_failed_job_outcome_and_an_error_object_under_another_key_scan_alike() -> None:
    """`json-error` read from a job's outcome field or an `…Error` object: the query keeps what the parser raises."""
    payloads = [
        {"status": "FAILURE", "message": "FAILED: row_count_check", "stage": "VALIDATE"},
        {"status": "SUCCESS", "message": "stage LOAD status: SUCCESS"},
        {"errorReply": {"code": "NOT_FOUND", "message": "No parcel p-77"}},
        {"msg": "sync", "upstream_error": {"message": "quota hit"}},
    ]
    entries = [
        _on_instance("i1", f"2026-11-21T06:00:0{n}+00:00", jsonPayload=payload, **severity)
        for n, (payload, severity) in enumerate(
            (p, s) for p in payloads for s in ({}, {"severity": "INFO"}, {"severity": "DEFAULT"})
        )
    ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
        entry["timestamp"] = f"2026-11-21T06:00:{position:02d}+00:00"
    local = local_report(ListSource(entries))
    assert local.totals.clustered >= 6
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_a_vertex_ai_container_s_stderr_default_scans_alike() -> None:
    """A model server's stderr recorded at ERROR: INFO lines go quiet, a failure stays, in both paths."""
    texts = [
        "[2026-03-02 08:00:01 +0000] [7] [INFO] Booting worker with pid: 7",
        "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB",
        "loading weights from gs://bucket/model",
        "[2026-03-02 08:00:09 +0000] [7] [ERROR] Exception in worker process",
    ]
    entries = [
        {
            "insertId": f"v{n}",
            "timestamp": f"2026-11-21T06:00:0{n}+00:00",
            "logName": "projects/p/logs/aiplatform.googleapis.com%2Fprediction_container",
            "resource": {"type": "aiplatform.googleapis.com/Endpoint", "labels": {"endpoint_id": "scorer"}},
            "labels": {"replica_id": "r-1"},
            "severity": "ERROR",
            "textPayload": text,
        }
        for n, text in enumerate(texts)
    ]
    local = local_report(ListSource(entries))
    assert local.totals.clustered >= 2
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_entries_named_by_their_own_log_or_worker_pool_scan_alike() -> None:
    """A `global` or `project` entry is named by its log's id, a worker pool by its name, in both paths."""
    entries = [
        {
            "insertId": f"o{n}",
            "timestamp": f"2026-11-21T06:00:0{n}+00:00",
            "logName": log_name,
            "resource": resource,
            "severity": "ERROR",
            "textPayload": "settlement export failed: upstream reset",
        }
        for n, (log_name, resource) in enumerate(
            [
                ("projects/p/logs/settlement-exporter", {"type": "global", "labels": {"project_id": "p"}}),
                ("projects/p/logs/settlement-exporter", {"type": "project", "labels": {"project_id": "p"}}),
                (
                    "projects/p/logs/run.googleapis.com%2Fstdout",
                    {"type": "cloud_run_worker_pool", "labels": {"worker_pool_name": "exporter-pool"}},
                ),
            ]
        )
    ]
    local = local_report(ListSource(entries))
    assert {s for c in local.clusters for s in c.services} == {"settlement-exporter", "exporter-pool"}
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_traceback_lines_sharing_an_instant_read_in_insert_id_order() -> None:
    """Lines written at one instant have no order but their insertId (Logging's own order for equal
    timestamps, and the only one Log Analytics keeps): an export that lists them otherwise reads alike."""
    lines = [
        "Traceback (most recent call last):",
        '  File "/opt/svc/worker.py", line 88, in poll',
        "    fetch_batch()",
        "KeyError: 'cursor'",
    ]
    at = "2026-11-21T06:05:00.250000Z"
    entries = [
        _on_instance("w7", at, severity="ERROR", insertId=f"k{line}", textPayload=text)
        for line, text in enumerate(lines)
    ]
    listed = [entries[2], entries[0], entries[3], entries[1]]
    local = local_report(ListSource(listed))
    assert local.totals.reassembled_tracebacks == 1
    assert_equivalent(local, log_analytics_report(engine_with(listed)))


def test_an_insert_id_at_several_moments_counts_each_moment_once() -> None:
    """Logging's key is the insertId and the timestamp: ids a writer reuses (a counter per process) name
    distinct entries, and an export holding them twice counts each once, as the query does."""
    written = [
        _on_instance(
            "r2", f"2026-11-21T06:0{minute}:00Z", severity="ERROR", insertId=f"{minute % 2}", **_DECLINED
        )
        for minute in range(6)
    ]
    local = local_report(ListSource(written + written))
    assert local.totals.events == 6
    assert local.totals.skipped["duplicate"] == 6
    assert_equivalent(local, log_analytics_report(engine_with(written, copies=2)))


def test_entries_written_without_an_insert_id_scan_alike() -> None:
    """Logging names an entry written without an insertId: in the view no two such entries share a null id
    (which the query would take for duplicates, and could not join a traceback's lines on)."""
    lines = ["Traceback (most recent call last):", '  File "/opt/q.py", line 4, in drain', "OSError: closed"]
    at = START + timedelta(minutes=3)
    entries = [
        _on_instance(
            "n1", (at + timedelta(microseconds=line)).isoformat(), severity="ERROR", textPayload=text
        )
        for line, text in enumerate(lines)
    ]
    twin = _on_instance(
        "n1",
        (at + timedelta(seconds=5)).isoformat(),
        severity="ERROR",
        insertId="",
        textPayload="queue drain stalled",
    )
    entries += [twin, dict(twin)]
    assert (view_row(entries[0], 1) or {})["insert_id"] == "#1"
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 1 and local.totals.events == 3
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_json_access_logs_of_server_errors_and_log_level_errors_scan_alike() -> None:
    """`http-status` read from a JSON access log (Envoy's stdout at INFO) and `json-level` from `log_level`:
    the query keeps what the parser raises, and leaves the access logs of other statuses below it."""
    payloads = [
        {"method": "GET", "path": "/cart/1", "response_code": 503, "response_flags": "UF"},
        {
            "response_code": "504",
            "response_flags": "UT",
            "response_code_details": "upstream_response_timeout",
        },
        {"req": {"method": "POST", "url": "/pay"}, "res": {"statusCode": 500}, "msg": "request completed"},
        {"method": "GET", "path": "/cart/2", "response_code": 200, "response_flags": "-"},
        {"log_level": "error", "event": "ledger_sync_failed", "batch": 4},
        {"log_level": "info", "event": "ledger_sync_started", "batch": 4},
    ]
    texts = [
        'INFO: Request completed {"method":"POST","url":"/orders","status":500,"duration":"9ms"}',
        'INFO: Request completed {"method":"POST","url":"/orders","status":201,"duration":"9ms"}',
    ]
    entries = [
        _on_instance("i1", "2026-11-21T06:00:00+00:00", jsonPayload=payload, **severity)
        for payload in payloads
        for severity in ({}, {"severity": "INFO"}, {"severity": "DEFAULT"})
    ] + [
        _on_instance("i1", "2026-11-21T06:00:00+00:00", textPayload=text, **severity)
        for text in texts
        for severity in ({}, {"severity": "INFO"})
    ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
        entry["timestamp"] = f"2026-11-21T06:00:{position:02d}+00:00"
    local = local_report(ListSource(entries))
    assert local.totals.clustered == 13  # an explicit INFO outside a stream is kept, save a request's 5xx
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_unix_tool_errors_and_vm_script_lines_scan_alike() -> None:
    """`failure-phrase` read from a tool's own error line (`cp: cannot stat …`, `…: Read-only file system`)
    without a severity, and from a VM script's line the guest agent recorded at INFO."""
    texts = [
        "cp: cannot stat '/srv/seed.sql': No such file or directory",
        "sh: 1: gsutil: command not found",
        'rsync: write failed on "/mnt/b/x": No space left on device (28)',
        "cp: copied 3 files",
    ]
    entries = [_on_instance("i1", "2026-11-21T06:00:00+00:00", textPayload=text) for text in texts]
    for text in (
        "startup-script: touch: cannot touch '/opt/flag': Read-only file system",
        "startup-script: done",
    ):
        entries.append(
            {
                "timestamp": "2026-11-21T06:00:00+00:00",
                "severity": "INFO",
                "logName": "projects/p/logs/GCEMetadataScripts",
                "resource": {"type": "gce_instance", "labels": {"instance_id": "77", "zone": "us-east1-b"}},
                "jsonPayload": {"message": text},
            }
        )
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
        entry["timestamp"] = f"2026-11-21T06:{position:02d}:00+00:00"
    local = local_report(ListSource(entries))
    assert local.totals.clustered == 4
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_split_traceback_lines_carrying_an_entry_label_the_parser_reads_scan_alike() -> None:
    """Lines of a split traceback whose entries carry a label the key reads (a container's stream, a VM's name):
    the local engine reads the label as text where the query concatenates it into a chunk's key."""
    lines = [
        "Traceback (most recent call last):",
        '  File "/opt/etl/load.py", line 31, in main',
        "    load()",
        "OSError: disk full",
    ]
    places = [
        (
            "k8s_container",
            {"cluster_name": "c", "namespace_name": "etl", "pod_name": "etl-1", "container_name": "etl"},
            {"container.googleapis.com/stream": "stderr"},
        ),
        (
            "gce_instance",
            {"instance_id": "41", "zone": "z"},
            {"compute.googleapis.com/resource_name": "etl-vm"},
        ),
    ]
    entries = [
        {
            "insertId": f"l{place}-{line}",
            "timestamp": (START + timedelta(minutes=place, milliseconds=line)).isoformat(),
            "logName": "projects/p/logs/stderr",
            "resource": {"type": kind, "labels": labels},
            "labels": own,
            "textPayload": text,
        }
        for place, (kind, labels, own) in enumerate(places)
        for line, text in enumerate(lines)
    ]
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 2
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


_JSON_ACCESS_LOGS: list[dict[str, Any]] = [
    {"jsonPayload": {"method": "GET", "path": "/cart/1", "response_code": 503, "response_flags": "UF"}},
    {"jsonPayload": {"req": {"method": "POST", "url": "/pay"}, "res": {"statusCode": 500}, "msg": "done"}},
    {"jsonPayload": {"method": "PUT", "path": "/items/7", "status": "502", "controller": "ItemsController"}},
    {"textPayload": '{"msg": "upstream", "method": "GET", "path": "/cart/2", "response_code": 504}'},
    {"textPayload": 'Request completed {"method":"POST","url":"/orders","status":500,"duration":"9ms"}'},
]


_JSON_ACCESS_SEVERITIES = {"WARNING": ["DEBUG", "NOTICE"], "ERROR": ["INFO", "WARNING"], "INFO": ["DEBUG"]}


@pytest.mark.parametrize("threshold", sorted(_JSON_ACCESS_SEVERITIES))
def test_json_access_logs_of_server_errors_come_back_at_any_severity(threshold: str) -> None:
    """A JSON access log of a 5xx is a failed request whatever level it was written at (`http-status`): the query
    reads it below the threshold as it reads a text access line or an `httpRequest` of one. One scan per
    threshold, each severity below it an hour after the one before."""
    entries = [
        _on_instance(
            "i1",
            (START + timedelta(hours=hour, seconds=n)).isoformat(),
            insertId=f"a{hour}-{n}",
            severity=severity,
            **fields,
        )
        for hour, severity in enumerate(_JSON_ACCESS_SEVERITIES[threshold])
        for n, fields in enumerate(_JSON_ACCESS_LOGS)
    ]
    options = {"min_severity": Severity[threshold]}
    local = local_report(ListSource(entries), **options)
    assert local.totals.clustered == len(entries)
    assert_equivalent(local, log_analytics_report(engine_with(entries), **options))


def test_requests_on_routes_alike_but_for_digits_stay_apart() -> None:
    """The route of a request the parser reads from an access line (combined, bare, Gin, HAProxy) or from a JSON
    access log of a 5xx keeps `v1` and `v2` apart, and HAProxy's status keeps 502 and 503 apart, although the
    query zeroes the payload's digits; ids are still masked, so the rows stay bounded."""
    shapes = [
        {"textPayload": '10.0.0.7 - - [21/Nov/2026:06:00:00 +0000] "GET /api/v{v}/cart/{id} HTTP/1.1" 502 9'},
        {"textPayload": "GET /api/v{v}/items/{id} 500 12ms"},
        {
            "textPayload": '[GIN] 2026/11/21 - 06:00:00 | 500 |   1.2ms |  10.0.0.1 | GET      "/api/v{v}/x/{id}"'
        },
        {
            "textPayload": "10.0.0.1:44312 [21/Nov/2026:06:00:00.123] fe be/srv1 0/0/1/-1/3 50{v} 216 - - SC-- "
            '1/1/0/0/0 0/0 "GET /api/stock/{id} HTTP/1.1"'
        },
        {
            "jsonPayload": {
                "method": "GET",
                "path": "/api/v{v}/cart/{id}",
                "response_code": 503,
                "response_flags": "UF",
            }
        },
        {
            "jsonPayload": {
                "req": {"method": "POST", "url": "/orders/v{v}/{id}?a=1"},
                "res": {"statusCode": 500},
            }
        },
        {"textPayload": 'Request completed {"method":"POST","url":"/pay/v{v}/{id}","status":500}'},
    ]
    entries = []
    for shape in shapes:
        for version in (1, 2):
            for copy in range(5):  # more of each than the samples a group returns
                fields = json.loads(
                    json.dumps(shape).replace("{v}", str(version)).replace("{id}", str(900 + copy))
                )
                at = (START + timedelta(seconds=len(entries))).isoformat()
                entries.append(
                    _on_instance("i1", at, insertId=f"r{len(entries)}", severity="ERROR", **fields)
                )
    local = local_report(ListSource(entries))
    assert len(local.clusters) == 2 * len(shapes)
    analytics = log_analytics_report(engine := engine_with(entries))
    assert_equivalent(local, analytics)
    assert len(_rows(engine)) == 2 * len(shapes)  # one row a route: the ids are masked


def test_stacks_naming_their_place_on_a_line_not_indented_stay_apart() -> None:
    """A Ruby exception's first line, a Go panic's function lines (in a text, a JSON message, or split one line
    an entry) and a Rust panic name their file, line or function on a line that is not indented: the query keys
    them verbatim, although it zeroes the payload's digits."""
    ruby = "/app/models/cart.rb:{n}:in 'total{n}': undefined method (NoMethodError)\n\tfrom /app/app.rb:5:in '<main>'"
    go = "panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.handler{n}(0xc000010000)\n\t/app/main.go:12 +0x1d"
    rust = "thread 'main' panicked at src/main.rs:{n}:38:\ncalled `Option::unwrap()` on a `None` value"
    texts = [
        {"textPayload": ruby},
        {"textPayload": go},
        {"jsonPayload": {"message": go}},
        {"textPayload": rust},
    ]
    entries = []
    for shape in texts:
        for n in (2, 3):
            for _ in range(5):  # more of each than the samples a group returns
                fields = json.loads(json.dumps(shape).replace("{n}", str(n)))
                at = (START + timedelta(seconds=len(entries))).isoformat()
                entries.append(
                    _on_instance("i1", at, insertId=f"s{len(entries)}", severity="ERROR", **fields)
                )
    for n in (2, 3):  # a Go panic split one line an entry, five times
        for copy in range(5):
            at = START + timedelta(minutes=5 + copy, seconds=n * 10)
            for line, text in enumerate(go.replace("{n}", str(n)).split("\n")):
                entries.append(
                    _on_instance(
                        "i2",
                        (at + timedelta(milliseconds=line)).isoformat(),
                        insertId=f"g{n}-{copy}-{line}",
                        textPayload=text,
                    )
                )
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 10
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_stacks_in_proto_payloads_keep_their_frames_apart() -> None:
    """A traceback an App Engine request log's line carries, or an audit log's status message, names its files'
    lines in its frames: the query keys a proto payload's frames verbatim, as a text's and a JSON payload's, so
    that a problem counts each frame's line (`affected_files`) and keeps its earliest stack, as `--from` does."""
    python = 'Traceback (most recent call last):\n  File "main.py", line {n}, in get\nZeroDivisionError: division by zero'
    java = "java.lang.IllegalStateException: closed\n\tat com.acme.Pool.take(Pool.java:{n})\n\tat com.acme.Main.run(Main.java:9)"
    entries = []
    for n in (
        7,
        3,
        12,
        3,
        7,
        41,
    ):  # more of each line than the samples a group returns, earliest not the least
        at = START + timedelta(minutes=len(entries))
        entries.append(_app_engine_request(at, "/api/v1/carts", 500, [python.replace("{n}", str(n))]))
        audit = _failed_call(at + timedelta(seconds=1), 13)
        audit["protoPayload"]["status"]["message"] = java.replace("{n}", str(n))
        entries.append(audit)
    for position, entry in enumerate(entries):
        entry["insertId"] = f"f{position}"
    local = local_report(ListSource(entries))
    files = {f.line for c in local.clusters for f in c.affected_files if f.file == "main.py"}
    assert files == {7, 3, 12, 41}
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_a_stream_whose_resource_labels_come_in_any_key_order_reassembles_alike(tmp_path: Any) -> None:
    """A JSON column keeps no key order (BigQuery's JSON, an emulator's insertAll keeps each row's own): the
    lines of one split traceback whose resource labels were written in other orders are one stream, as the
    reassembler's (log, service, instance, revision), not as many as the labels' JSON texts."""
    labels = {
        "project_id": "shop",
        "location": "us-east1",
        "service_name": "worker",
        "revision_name": "worker-00004-wan",
        "configuration_name": "worker",
    }
    lines = [
        "Traceback (most recent call last):",
        '  File "/app/main.py", line 12, in handle',
        "    charge(order)",
        "ValueError: order {n} has no items",
    ]
    entries = []
    for n in range(6):  # more copies than the samples a group returns
        at = START + timedelta(minutes=n)
        for position, line in enumerate(lines):
            entries.append(
                _on_instance(
                    "i1",
                    (at + timedelta(microseconds=35 * position)).isoformat(),
                    insertId=f"k{n}-{position}",
                    textPayload=line.replace("{n}", str(n)),
                )
            )
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 6
    rows = []
    for at, entry in enumerate(entries, start=1):
        row = view_row(dict(entry, resource={"type": "cloud_run_revision", "labels": labels}), at)
        assert row is not None
        keys = list(labels)
        turn = at % len(keys)  # each row's labels in another key order, as its writer gave them
        row["resource"]["labels"] = {key: labels[key] for key in keys[turn:] + keys[:turn]}
        rows.append(json.dumps(row))
    path = tmp_path / "rows.ndjson"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    engine = LocalEngine("synthetic-project", "logs")
    engine.load_ndjson(path)
    entries = [dict(entry, resource={"type": "cloud_run_revision", "labels": labels}) for entry in entries]
    assert_equivalent(local_report(ListSource(entries)), log_analytics_report(engine))


_RESOURCE_TYPES = sorted(
    {*INSTANCE_LABELS, "cloud_run_revision", "cloud_run_job", "gcs_bucket", "api", "other"}
)
_LABEL_KEYS = sorted(
    {*STREAM_RESOURCE_LABELS, "project_id", "location", "zone", "region", "configuration_name"}
)


@given(
    st.sampled_from(_RESOURCE_TYPES),
    st.dictionaries(st.sampled_from(_LABEL_KEYS), st.sampled_from(["a", "b", ""]), max_size=8),
    st.dictionaries(
        st.sampled_from(["instanceId", "clone_id", EXECUTION_LABEL]), st.sampled_from(["x", "y"])
    ),
)
def test_an_entrys_service_revision_and_instance_read_only_the_stream_labels(
    resource_type: str, labels: dict[str, str], entry_labels: dict[str, str]
) -> None:
    """The query tells a stream by `STREAM_RESOURCE_LABELS` alone of the resource labels: the parser's
    service, revision and instance may depend on no other."""
    kept = {key: value for key, value in labels.items() if key in STREAM_RESOURCE_LABELS}
    log = "projects/p/logs/app"
    assert resource_identity(resource_type, labels, entry_labels, Payload(), log) == resource_identity(
        resource_type, kept, entry_labels, Payload(), log
    )


def test_a_row_holding_a_lone_surrogate_reads_as_the_live_source_reads_it() -> None:
    """An answer's JSON may escape a lone UTF-16 surrogate (`\\ud83d`), which no output can encode: it is
    replaced by U+FFFD, as in an export's or a live read's entry, not carried to the worklog."""
    from loggardener.sources.log_analytics import records_of

    sample = view_row(
        {
            "insertId": "s1",
            "timestamp": START.isoformat(),
            "severity": "ERROR",
            "logName": "projects/p/logs/app",
            "resource": {"type": "global", "labels": {}},
            "textPayload": "emoji \ud83d cut in half",
            "jsonPayload": None,
            "labels": {"k\udc00": "v\ud800"},
        }
    )
    assert sample is not None
    row = {
        "reassemble": False,
        "batch": None,
        "line": None,
        "entries": 1,
        "first_seen": START,
        "last_seen": START,
        "instances": [""],
        "samples": [sample],
    }
    (record,) = records_of([row])
    assert record.entry is not None and record.occurrences is not None
    assert record.entry["textPayload"] == "emoji \ufffd cut in half"
    assert record.entry["labels"] == {"k\ufffd": "v\ufffd"}


def test_the_window_holds_its_start_and_not_its_end_as_the_live_query_does() -> None:
    """Hourly runs (`--hours 1`) meet at their bounds: an entry at exactly --until is the next window's, so two
    consecutive windows never count it twice (the live filter is `timestamp<"until"`)."""
    at = [START + timedelta(minutes=10), START + timedelta(minutes=20), START + timedelta(hours=1)]
    entries = [
        _on_instance("i1", moment.isoformat(), insertId=f"e{n}", severity="ERROR", **_DECLINED)
        for n, moment in enumerate(at)
    ]
    first = log_analytics_report(engine_with(entries), since=START, until=START + timedelta(hours=1))
    second = log_analytics_report(
        engine_with(entries), since=START + timedelta(hours=1), until=START + timedelta(hours=2)
    )
    assert [c.count for c in first.clusters] == [2]
    assert [c.count for c in second.clusters] == [1]


def _file_line(vm: str, at: datetime, line: str, **fields: Any) -> dict[str, Any]:
    """A line of a VM's log file as the Ops Agent's `files` receiver writes it: `jsonPayload` holds only it."""
    return {
        "insertId": f"{vm}-{at.timestamp()}",
        "timestamp": at.isoformat(),
        "logName": "projects/p/logs/app_file",
        "resource": {"type": vm, "labels": {"instance_id": "6100000000000001", "zone": "europe-west1-b"}},
        "labels": {"compute.googleapis.com/resource_name": "app-vm-1"},
        "jsonPayload": {"message": line},
        **fields,
    }


_REPORTS_ONE_LINE_PER_ENTRY = {
    "java": [
        "2026-11-21 06:00:01.120 SEVERE [exec-3] c.a.Servlet threw exception with root cause",
        "java.lang.IllegalStateException: Account 0 is closed",
        "\tat com.acme.Accounts.post(Accounts.java:88)",
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
    ],
    "dotnet": [
        "2026-11-21 06:00:02,000 ERROR [12] Acme.Sync - Sync failed for batch 7\r\n",
        "System.Runtime.InteropServices.COMException (0x800706BA): The RPC server is unavailable.\r\n",
        "   at Acme.Bridge.Invoke(String method)\r\n",
        "   at Acme.Sync.Run(Int32 batch)\r\n",
    ],
    "python": [
        "2026-11-21 06:00:00,250 ERROR worker: job 12 failed\n",
        "Traceback (most recent call last):\n",
        '  File "/opt/worker/app.py", line 77, in process\n',
        "    tenant = job.payload['tenant']\n",
        "KeyError: 'tenant'\n",
    ],
    "monolog": [
        "[2026-11-21 06:00:03] production.ERROR: Charge 5510 refused "
        '{"exception":"[object] (RuntimeException(code: 0): refused at /srv/Gateway.php:88)',
        "[stacktrace]",
        "#0 /srv/Checkout.php(41): Gateway->charge()",
        "#1 {main}",
        "",
        "[previous exception] [object] (ConnectException(code: 0): cURL error 28 at /srv/Curl.php:210)",
        "[stacktrace]",
        "#0 {main}",
        '"} ',
    ],
}


@pytest.mark.parametrize("vm", ["gce_instance", "aws_ec2_instance"])
@pytest.mark.parametrize("report", sorted(_REPORTS_ONE_LINE_PER_ENTRY))
def test_a_vm_agents_file_lines_join_in_the_query_as_their_text_lines_do(vm: str, report: str) -> None:
    """A VM agent's line of a file (a `jsonPayload` holding only `message`, no severity) is read as the text line it
    was: an exception written one line per entry joins (the query reads its lines from the message too)."""
    entries = [
        _file_line(vm, START + timedelta(minutes=copy, milliseconds=position), line)
        for copy in range(4)
        for position, line in enumerate(_REPORTS_ONE_LINE_PER_ENTRY[report])
    ]
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 4
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_a_message_only_json_of_a_container_or_with_more_keys_stays_json_alike() -> None:
    """Look-alikes of a VM agent's line: a container's `jsonPayload` holding only `message`, and a VM's holding more
    keys, are JSON records: each line its own event in both scans."""
    lines = _REPORTS_ONE_LINE_PER_ENTRY["python"]
    entries = [
        _file_line(
            "gce_instance",
            START + timedelta(milliseconds=position),
            line,
            jsonPayload={"message": line, "v": 1},
        )
        for position, line in enumerate(lines)
    ] + [
        {
            **_file_line("gce_instance", START + timedelta(seconds=30, milliseconds=position), line),
            "resource": {"type": "k8s_container", "labels": {**_POD, "pod_name": "api-7d9f8b6c4-x2x9z"}},
        }
        for position, line in enumerate(lines)
    ]
    local = local_report(ListSource(entries))
    assert local.totals.reassembled_tracebacks == 0
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def _pod_text(pod: str, at: datetime, text: str, severity: str | None = None) -> dict[str, Any]:
    entry = {
        "insertId": f"{pod}-{at.timestamp()}",
        "timestamp": at.isoformat(),
        "logName": "projects/p/logs/stdout",
        "resource": {"type": "k8s_container", "labels": {**_POD, "pod_name": pod}},
        "textPayload": text,
    }
    return entry if severity is None else {**entry, "severity": severity}


def test_sidekiq_job_failures_split_one_line_per_entry_scan_alike() -> None:
    """Sidekiq 6+ writes its process, thread and job context between the time and the level (`pid=1 tid=gw3
    class=InvoiceJob jid=… INFO: fail`, then `WARN:` lines: the job's JSON context, the exception, its backtrace):
    the query reads the lines past that prefix, so the context line joins the exception's event as it does
    locally."""
    entries = []
    for copy in range(3):
        at = START + timedelta(minutes=copy)
        head = f"{at.strftime('%Y-%m-%dT%H:%M:%S.%f')[:23]}Z pid=1 tid=gw{copy}"
        lines = [
            f"{head} class=InvoiceJob jid=ab12cd34ef5{copy} elapsed=0.51{copy} INFO: fail",
            f'{head} WARN: {{"context":"Job raised exception","job":{{"class":"InvoiceJob","jid":"ab12cd34ef5{copy}"}}}}',
            f"{head} WARN: Stripe::RateLimitError: Request rate limit exceeded",
            f"{head} WARN: /app/app/jobs/invoice_job.rb:14:in `perform'",
        ]
        entries += [
            _pod_text(f"sidekiq-{copy}", at + timedelta(microseconds=700 * position), line, "INFO")
            for position, line in enumerate(lines)
        ]
    local = local_report(ListSource(entries))
    assert [cluster.count for cluster in local.clusters] == [9]  # the three WARN lines of each job
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


@pytest.mark.parametrize("step", [timedelta(microseconds=300), timedelta(0)])
def test_a_long_line_a_container_runtime_split_in_parts_scans_alike(step: timedelta) -> None:
    """A shipper tailing /var/log/containers without the CRI parser sends the runtime's records whole (`<time>
    stderr P …` for a part of a longer line, `F` for its last part): the query reads the lines past that prefix,
    and a part joins the record after it, as locally; stamped at one instant, the part comes first, whatever its
    insert id."""
    head = "java.lang.RuntimeException: Failed to process message " + json.dumps({"items": list(range(90))})
    entries = []
    for copy in range(4):
        at = START + timedelta(minutes=copy)
        stamp = at.isoformat().replace("+00:00", ".000000001Z")
        cut = 200 + 7 * copy
        records = [
            f"{stamp} stderr P {head[:cut]}",
            f"{stamp} stderr F {head[cut:]}",
            f"{stamp} stderr F \tat com.acme.Consumer.handle(Consumer.java:21{copy})",
            f"{stamp} stderr F \tat java.base/java.lang.Thread.run(Thread.java:1583)",
        ]
        for position, record in enumerate(records):
            entry = _pod_text(f"consumer-{copy % 2}", at + step * position, record)
            entries.append({**entry, "insertId": f"{copy}-{'z' if position == 0 else 'a'}{position}"})
    local = local_report(ListSource(entries))
    assert sum(cluster.count for cluster in local.clusters if "RuntimeException" in cluster.title) >= 8
    assert_equivalent(local, log_analytics_report(engine_with(entries)))


def test_a_severity_written_in_another_case_or_as_a_number_reads_as_the_parser_reads_it() -> None:
    """A table shaped like a log view may hold an export's severities as they were written (`error`, ` Warning `,
    `500`, `warn`): the query reads them as the parser does (any case, a number, else DEFAULT), so none is
    dropped below the threshold."""
    written = ["error", " Warning ", "critical", "500", "warn", "Info", "ERROR"]
    entries = [
        _on_instance(
            "i1", f"2026-11-21T06:0{at}:00+00:00", severity=severity, textPayload=f"disk {at} is full"
        )
        for at, severity in enumerate(written)
    ]
    for position, entry in enumerate(entries):
        entry["insertId"] = f"id{position}"
    local = local_report(ListSource(entries))
    engine = engine_with([])
    rows = []
    for position, entry in enumerate(entries):
        row = view_row(entry, position)
        assert row is not None
        rows.append({**row, "severity": entry["severity"]})
    engine.load_rows(rows)
    assert local.totals.clustered >= 4
    assert_equivalent(local, log_analytics_report(engine))


def _audit_change(at: datetime, log: str, method: str, resource: dict[str, Any], name: str) -> dict[str, Any]:
    return {
        "insertId": f"audit-{at.timestamp()}",
        "timestamp": at.isoformat(),
        "severity": "NOTICE",
        "logName": f"projects/p/logs/cloudaudit.googleapis.com%2F{log}",
        "resource": resource,
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "methodName": method,
            "resourceName": name,
            "authenticationInfo": {"principalEmail": "dev@example.com"},
        },
    }


def _run_line(revision: str, at: datetime, instance: str, **fields: Any) -> dict[str, Any]:
    return {
        "insertId": f"{revision}-{at.timestamp()}",
        "timestamp": at.isoformat(),
        "logName": "projects/p/logs/run.googleapis.com%2Frequests",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "cart", "revision_name": revision},
        },
        "labels": {"instanceId": instance},
        **fields,
    }


@pytest.mark.parametrize("threshold", [Severity.WARNING, Severity.ERROR])
def test_an_incident_tells_the_same_deploy_change_and_revisions_from_log_analytics(
    threshold: Severity,
) -> None:
    """The incident's story reads what changed before it (admin activity audit entries, NOTICE, successful: fetched
    at any threshold, whatever shape the view gives their status) and how long the previous revision ran (its
    requests come back counted: their first to last entry, not only the ones returned in full)."""
    healthy = [
        _run_line(
            "cart-00041-tib",
            START + timedelta(minutes=minute),
            f"i{minute % 2}",
            severity="INFO",
            httpRequest={
                "requestMethod": "GET",
                "requestUrl": f"https://cart.run.app/c/{minute}",
                "status": 200,
            },
        )
        for minute in range(8)
    ]
    changes = [
        _audit_change(
            START + timedelta(minutes=9),
            "activity",
            "cloudsql.instances.update",
            {"type": "cloudsql_database", "labels": {"database_id": "p:orders-db"}},
            "projects/p/instances/orders-db",
        ),
        _audit_change(
            START + timedelta(minutes=10),
            "activity",
            "google.cloud.run.v1.Services.ReplaceService",
            {"type": "cloud_run_revision", "labels": {"service_name": "cart", "revision_name": ""}},
            "namespaces/p/services/cart",
        ),
    ]
    failing = [
        _run_line(
            "cart-00042-xoz",
            START + timedelta(minutes=12, seconds=second),
            "i3",
            severity="ERROR",
            logName="projects/p/logs/run.googleapis.com%2Fstderr",
            textPayload='psycopg2.OperationalError: connection to server on socket "/cloudsql/p:r:orders-db/'
            '.s.PGSQL.5432" failed: FATAL:  remaining connection slots are reserved',
        )
        for second in range(0, 50, 10)
    ]
    entries = healthy + changes + failing
    local = local_report(ListSource(entries), min_severity=threshold)
    analytics = log_analytics_report(engine_with(entries), min_severity=threshold)
    assert_equivalent(local, analytics)
    assert local.deploys and analytics.deploys == local.deploys
    assert any(incident.changes for incident in local.incidents)
    assert [incident.model_dump() for incident in analytics.incidents] == [
        incident.model_dump() for incident in local.incidents
    ]


@pytest.mark.parametrize("severity", ["NOTICE", "DEBUG", "INFO"])
def test_a_runtimes_error_line_a_shipper_stamped_below_warning_comes_back(severity: str) -> None:
    """The JVM's `Exception in thread "…"` and a glog `E` header logged at NOTICE, DEBUG or INFO (not a stream's
    default) take their own level locally (`runtime-error-line`): the query reads them whatever their severity."""
    texts = [
        'Exception in thread "scheduler-1" java.lang.OutOfMemoryError: Java heap space',
        "E1121 06:00:00.123456       1 controller.go:114] failed to sync lease: context deadline exceeded",
    ]
    entries = [
        {
            **_on_instance("i1", f"2026-11-21T06:0{at}:00+00:00", severity=severity, textPayload=text),
            "insertId": f"i{at}",
        }
        for at, text in enumerate(texts * 2)
    ]
    local = local_report(ListSource(entries))
    assert local.totals.clustered == 4
    assert_equivalent(local, log_analytics_report(engine_with(entries)))
