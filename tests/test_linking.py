"""Links between problems (trace, instance, revision, upstream), suspect revisions, deploy markers, incidents."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import scan_entries
from entry_factories import BASE, run_entry, split_traceback, stamp
from linear import assert_linear
from loggardener.clustering.models import Cluster
from loggardener.entries.models import Event, LogEntry, Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.resources import GCE_NAME_LABEL
from loggardener.entries.stacks import StackParser
from loggardener.linking.cooccurrence import MAX_SPAN_SECONDS, CoOccurrence
from loggardener.linking.facts import (
    FAILED_STATUS_WORD,
    MAX_TRACES,
    MENTION_CHARS,
    TIMED_OUT,
    LinkFacts,
    names_failure,
)
from loggardener.linking.models import ChangeMarker
from loggardener.linking.rules import names_service, route_pattern, status_words, url_host_at, url_hosts
from loggardener.report import ScanReport

REALWORLD = Path(__file__).parents[1] / ".." / "shared" / "realworld"
CRASH_FRAMES = [("/app/main.py", 3, "<module>", "import payments_sdk")]
CRASH = "ModuleNotFoundError: No module named 'payments_sdk'"


def by_title(report: ScanReport, prefix: str) -> Cluster:
    return next(c for c in report.clusters if c.title.startswith(prefix))


def links_of(report: ScanReport) -> set[tuple[str, str, str]]:
    """(cause title, effect title, kinds) of every link."""
    titles = {c.fingerprint: c.title for c in report.clusters}
    return {
        (titles[link.cause], titles[link.effect], ",".join(link.kinds))
        for incident in report.incidents
        for link in incident.links
    }


def request(seconds: float, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
    return run_entry(
        seconds,
        severity="ERROR" if status >= 500 else "INFO",
        log="run.googleapis.com%2Frequests",
        httpRequest={
            "requestMethod": "GET",
            "requestUrl": f"https://api.example.run.app{path}",
            "status": status,
        },
        **kwargs,
    )


def test_an_exception_logged_inside_a_5xx_request_causes_it_by_trace() -> None:
    entries = []
    for i in range(3):
        trace = f"projects/p/traces/t{i}"
        entries.append(request(i * 60, f"/orders/{i}", 500, trace=trace, instance=f"i{i}"))
        entries.append(
            run_entry(
                i * 60 + 30,  # far from the request in time: only the trace ties them
                json_payload={"message": "ValueError: bad total\nTraceback..."},
                severity="ERROR",
                trace=trace,
                instance=f"other{i}",
            )
        )
    report = scan_entries(entries)
    request_cluster = by_title(report, "HTTP 500")
    error = by_title(report, "ValueError")
    assert request_cluster.causes == [error.fingerprint] and error.effects == [request_cluster.fingerprint]
    assert request_cluster.related == [error.fingerprint]
    (incident,) = [i for i in report.incidents if i.links]
    assert incident.root == error.fingerprint and incident.links[0].kinds == ["trace"]
    assert "100% of the traced occurrences of `HTTP 500 on GET /orders/{id} (api)` share" in incident.story


def test_a_crash_then_the_container_exit_on_the_same_instance_within_seconds() -> None:
    entries = []
    for i in range(3):
        start = i * 300
        entries += split_traceback(start, CRASH_FRAMES, CRASH, instance=f"i{i}", revision="api-00002-new")
        entries.append(
            run_entry(start + 2, text="Container called exit(3).", severity="WARNING",
                      log="run.googleapis.com%2Fvarlog%2Fsystem", instance=f"i{i}", revision="api-00002-new")
        )  # fmt: skip
    report = scan_entries(entries)
    assert (CRASH, "Container called exit(3). (api)", "revision,instance") in links_of(report)
    # the crash (P0) stays at least as urgent as the exits (P0)
    assert by_title(report, "ModuleNotFoundError").priority == "P0"


def test_two_warnings_that_fire_together_are_not_cause_and_effect() -> None:
    entries = []
    for i in range(4):
        entries.append(run_entry(i * 600, json_payload={"message": "Cache warm-up slow"}, severity="WARNING"))
        entries.append(
            run_entry(i * 600 + 1, json_payload={"message": "Feature flags stale"}, severity="WARNING")
        )
    report = scan_entries(entries)
    assert links_of(report) == set()
    assert len(report.incidents) == 2 and all(not c.related for c in report.clusters)


def test_the_revision_failure_ladder_links_crash_exit_probe_not_ready_and_its_503s_only() -> None:
    bad, good = "orders-00042-xiv", "orders-00041-kap"
    entries = [request(0, "/api/orders/1", 200, revision=good, service="orders")]
    for i in range(3):
        at = 60 + i * 120
        entries += split_traceback(at, CRASH_FRAMES, CRASH, instance=f"b{i}", revision=bad, service="orders")
        entries.append(
            run_entry(
                at + 40,
                text='STARTUP TCP probe failed 1 time consecutively for container "app"',
                severity="ERROR",
                instance=f"late{i}",
                revision=bad,
                service="orders",
            )
        )
    entries.append(
        run_entry(
            200,
            severity="ERROR",
            revision=bad,
            service="orders",
            log="cloudaudit.googleapis.com%2Fsystem_event",
            protoPayload={
                "methodName": "/Services.ReplaceService",
                "status": {
                    "message": f"Ready condition status changed to False for Revision {bad} with message: x"
                },
            },
        )
    )
    for i in range(4):
        entries.append(
            request(300 + i * 30, f"/api/orders/{i}", 503, revision=bad, service="orders", instance="r")
        )
        entries.append(
            request(300 + i * 30, "/api/other", 502, revision=good, service="orders", instance="g")
        )
    report = scan_entries(entries)
    links = {(cause[:20], effect[:20], kinds) for cause, effect, kinds in links_of(report)}
    assert links == {
        ("ModuleNotFoundError:", "STARTUP TCP probe fa", "revision"),
        ("STARTUP TCP probe fa", "Revision orders-0004", "revision"),
        ("Revision orders-0004", "HTTP 503 on GET /api", "revision"),
    }  # the 502s of the healthy revision are not part of it
    crash = by_title(report, "ModuleNotFoundError")
    assert crash.suspect_revision is not None
    assert crash.suspect_revision.revision == bad and crash.suspect_revision.previous == good
    assert by_title(report, "HTTP 502").suspect_revision is None  # it shows in the older revision


def upstream_scenario(delay_minutes: float, text: str) -> ScanReport:
    entries = []
    for i in range(5):
        entries.append(
            request(i * 20, f"/api/orders/{i}", 503, service="orders-api", revision="orders-api-00001-abc")
        )
        entries.append(
            run_entry(delay_minutes * 60 + i * 20, json_payload={"message": text.format(i=i)}, severity="WARNING",
                      service="web", revision="web-00001-abc", instance="w")
        )  # fmt: skip
    return scan_entries(entries)


def test_a_downstream_error_naming_the_upstream_route_and_status_in_the_same_minutes() -> None:
    report = upstream_scenario(0, "Upstream orders-api returned 503 for GET /api/orders/{i}")
    ((cause, effect, kinds),) = links_of(report)
    assert (cause, kinds) == ("HTTP 503 on GET /api/orders/{id} (orders-api)", "upstream")
    assert effect.startswith("Upstream orders-api returned")


@pytest.mark.parametrize(
    ("delay_minutes", "text"),
    [
        (90, "Upstream orders-api returned 503 for GET /api/orders/{i}"),  # hours apart: not the same minutes
        (0, "Upstream orders-api is slow for GET /api/orders/{i}"),  # names no failing status
        (0, "Upstream billing returned 503 for order {i}"),  # names neither the service nor the route
        (0, "Exported 503 records of orders-api for GET /api/orders/{i}"),  # 503 counts records: no status
        (0, "orders-api slow: 503 requests queued for GET /api/orders/{i}"),
    ],
)
def test_no_upstream_link_without_the_name_the_status_and_the_time(delay_minutes: float, text: str) -> None:
    assert links_of(upstream_scenario(delay_minutes, text)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "httpx.ReadTimeout: timed out calling GET https://orders-api-5otr7xq3za-uc.a.run.app/api/orders/{i}",
        "Get /api/orders/{i}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        "Error: 4 DEADLINE_EXCEEDED: Deadline exceeded after 10.001s calling orders-api-5otr7xq3za-uc.a.run.app",
    ],
)
def test_a_callers_timeout_naming_the_failing_upstreams_route_or_url_is_its_effect(text: str) -> None:
    report = upstream_scenario(0, text)
    ((cause, _, kinds),) = links_of(report)
    assert (cause, kinds) == ("HTTP 503 on GET /api/orders/{id} (orders-api)", "upstream")
    assert "and a timeout while" in report.incidents[0].story


@pytest.mark.parametrize(
    ("delay_minutes", "text"),
    [
        (0, "timed out waiting for the orders-api lock on order {i}"),  # the service as a word: not the call
        (90, "httpx.ReadTimeout: timed out calling GET /api/orders/{i}"),  # hours apart
        (0, "deadline for GET /api/orders/{i} moved to tomorrow"),  # no timeout
    ],
)
def test_no_upstream_link_for_a_timeout_without_the_route_or_url_and_the_time(
    delay_minutes: float, text: str
) -> None:
    assert links_of(upstream_scenario(delay_minutes, text)) == set()


@given(st.text(alphabet="timeoutTIMEOUT dlinexcs_-DA", max_size=40))
@example("Error: connect ETIMEDOUT 10.8.0.7:443")  # Node.js
@example("operation timedout")
@example("SocketTimeOut")
def test_names_failure_finds_every_timeout_the_regular_expression_finds(text: str) -> None:
    assert names_failure(text) == bool(FAILED_STATUS_WORD.search(text) or TIMED_OUT.search(text))


@given(
    st.text(alphabet="timeoutTIMEOUT dlinexcs_-DA5:", max_size=40),
    st.sampled_from(
        ["", "request ", "x" * (MENTION_CHARS - 9), "y" * (MENTION_CHARS - 1), "z" * MENTION_CHARS]
    ),
)
@example("timed out", "a" * (MENTION_CHARS - 4))  # a failure cut at the head's end: `timed` alone
@example("deadline exceeded", "b" * (MENTION_CHARS - 8))
def test_names_failure_reads_only_a_texts_head(text: str, before: str) -> None:
    # what lets clustered events' texts be read once per distinct head (`facts._head_names_failure`)
    whole = before + text
    assert names_failure(whole) == names_failure(whole[:MENTION_CHARS])


def test_the_timeout_pattern_stays_linear() -> None:
    assert_linear(lambda n: TIMED_OUT.search("timed deadline " * n + "x"), 200_000)


SHED = "The request was aborted because there was no available instance."


def shed_scenario(status: int) -> ScanReport:
    """`catalog` answers with `status`; `shop`'s client error names catalog's Cloud Run URL and that status."""
    reason = {429: "Too Many Requests", 404: "Not Found", 403: "Forbidden"}[status]
    entries = []
    for i in range(5):
        entries.append(
            run_entry(i * 15, text=SHED, severity="ERROR", service="catalog", revision="catalog-00007-kow",
                      log="run.googleapis.com%2Frequests",
                      httpRequest={"requestMethod": "GET", "requestUrl": f"https://api.example.run.app/api/items/{i}",
                                   "status": status})
        )  # fmt: skip
        entries.append(
            run_entry(i * 15 + 0.1, severity="ERROR", service="shop", revision="shop-00003-pey", instance="s",
                      text=f"httpx.HTTPStatusError: Client error '{status} {reason}' for url "
                      f"'https://catalog-h3k9d2w7qa-ew.a.run.app/api/items/{i}'")
        )  # fmt: skip
    return scan_entries(entries)


@pytest.mark.parametrize(
    "text",
    [
        "Upstream orders-api returned 503 errors for GET /api/orders/{i}",
        "GET /api/orders/{i}: 503 was returned by orders-api",
        "orders-api answered 503 Service Unavailable for GET /api/orders/{i}",
    ],
)
def test_a_status_followed_by_words_that_count_nothing_is_still_a_status(text: str) -> None:
    ((cause, _, kinds),) = links_of(upstream_scenario(0, text))
    assert cause.startswith("HTTP 503 on GET /api/orders/{id}") and kinds == "upstream"


def test_status_words_stay_linear_on_a_long_text_of_counts() -> None:
    found = assert_linear(lambda n: status_words("wrote 500 " + "orders " * n + "500 " * n), 20_000)
    assert found == {"500"}


def test_a_caller_naming_the_429_its_upstream_shed_it_with_is_that_429s_effect() -> None:
    ((cause, effect, kinds),) = links_of(shed_scenario(429))
    assert cause.startswith("HTTP 429 on GET /api/items/{id} (catalog)") and kinds == "upstream"
    assert effect.startswith("httpx.HTTPStatusError: Client error '429 Too Many Requests'")


def test_a_caller_naming_the_403_its_upstream_refused_it_with_is_that_403s_effect() -> None:
    """A `run.invoker` binding removed: the callee answers 403, the caller's error names its URL and the 403."""
    ((cause, effect, kinds),) = links_of(shed_scenario(403))
    assert cause.startswith("HTTP 403 on GET /api/items/{id} (catalog)") and kinds == "upstream"
    assert effect.startswith("httpx.HTTPStatusError: Client error '403 Forbidden'")


def test_a_caller_naming_a_4xx_the_server_did_not_refuse_it_with_is_not_linked_to_it() -> None:
    assert links_of(shed_scenario(404)) == set()


def deploy_entry(seconds: float, **changes: Any) -> dict[str, Any]:
    entry = run_entry(
        seconds,
        severity="NOTICE",
        revision="",
        log="cloudaudit.googleapis.com%2Factivity",
        protoPayload={
            "methodName": "google.cloud.run.v1.Services.ReplaceService",
            "resourceName": "namespaces/p/services/api",
            "authenticationInfo": {"principalEmail": "deployer@p.iam.gserviceaccount.com"},
        },
    )
    entry.update(changes)
    return entry


def test_deploy_audit_entries_are_markers_with_a_redacted_principal_and_open_the_story() -> None:
    entries = [
        deploy_entry(0),
        deploy_entry(5, severity="ERROR"),  # a failed deployment deployed nothing
        deploy_entry(6, logName="projects/p/logs/cloudaudit.googleapis.com%2Fsystem_event"),
        request(1, "/", 200, revision="api-00001-old"),
    ]
    entries += split_traceback(60, CRASH_FRAMES, CRASH, revision="api-00002-new")
    entries.append(
        run_entry(61, text="Container called exit(3).", severity="WARNING", revision="api-00002-new")
    )
    report = scan_entries(entries)
    (marker,) = report.deploys
    assert (marker.service, marker.principal) == ("api", "[REDACTED:email]")
    assert marker.method.endswith("ReplaceService")
    (incident,) = [i for i in report.incidents if i.links]
    assert incident.deploys == [marker] and incident.suspect_revision == "api-00002-new"
    assert "`api` was deployed at 12:00:00 by [REDACTED:email] (ReplaceService)." in incident.story
    assert (
        "New in `api-00002-new`: absent from `api-00001-old`, which ran 12:00:01–12:00:01" in incident.story
    )


def bucket_change(seconds: float, bucket: str, **status: Any) -> dict[str, Any]:
    """An admin-activity audit entry: someone changed the IAM policy of `bucket`."""
    return {
        "insertId": f"chg{seconds}{bucket}",
        "timestamp": stamp(seconds),
        "severity": "ERROR" if status else "NOTICE",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {"type": "gcs_bucket", "labels": {"project_id": "p", "bucket_name": bucket}},
        "protoPayload": {
            "methodName": "storage.setIamPermissions",
            "resourceName": f"projects/_/buckets/{bucket}",
            "authenticationInfo": {"principalEmail": "ops.lead@example.org"},
            **({"status": status} if status else {}),
        },
    }


def forbidden_scenario(change: dict[str, Any]) -> ScanReport:
    """`change`, then a service's reads of the bucket `scan-inbox` fail with 403 from 2 minutes on."""
    entries = [change]
    for i in range(4):
        entries.append(
            run_entry(120 + i * 30, severity="ERROR", service="ocr", revision="ocr-00012-taf",
                      text="google.api_core.exceptions.Forbidden: 403 GET https://storage.googleapis.com/download/"
                      f"storage/v1/b/scan-inbox/o/page-{i}.png?alt=media: ocr-sa@p.iam.gserviceaccount.com does "
                      "not have storage.objects.get access to the Google Cloud Storage object.")
        )  # fmt: skip
    return scan_entries(entries)


def test_a_disabled_secret_version_is_told_in_the_incident_of_the_errors_naming_the_secret() -> None:
    change = bucket_change(0, "unused") | {
        "resource": {"type": "audited_resource", "labels": {"project_id": "p"}}
    }
    change["protoPayload"] |= {
        "methodName": "google.cloud.secretmanager.v1.SecretManagerService.DisableSecretVersion",
        "resourceName": "projects/731/secrets/smtp-relay-token/versions/4",
    }
    entries = [change] + [
        run_entry(60 + i * 20, severity="ERROR", service="mailer", revision="mailer-00005-qiz", instance=f"m{i}",
                  text="google.api_core.exceptions.FailedPrecondition: 400 Secret Version "
                  "[projects/731/secrets/smtp-relay-token/versions/4] is in DISABLED state.")
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == ["smtp-relay-token"]


def test_a_change_to_the_bucket_a_failure_names_is_told_in_its_incident() -> None:
    (incident,) = forbidden_scenario(bucket_change(0, "scan-inbox")).incidents
    (change,) = incident.changes
    assert (change.resource, change.method) == ("scan-inbox", "storage.setIamPermissions")
    assert "ops.lead@example.org" not in incident.model_dump_json()
    assert (
        "`scan-inbox` was changed at" in incident.story and "(`storage.setIamPermissions`)" in incident.story
    )


@pytest.mark.parametrize(
    "change",
    [
        bucket_change(0, "scan-archive"),  # another bucket
        bucket_change(-3 * 3600, "scan-inbox"),  # hours before
        bucket_change(0, "scan-inbox", code=7, message="denied"),  # the change failed
    ],
)
def test_no_change_told_for_another_resource_another_time_or_a_failed_change(change: dict[str, Any]) -> None:
    incidents = forbidden_scenario(change).incidents
    assert [i.changes for i in incidents if "Forbidden" in i.title] == [[]]  # a failed change is a problem


def test_a_cause_is_at_least_as_urgent_as_its_effects() -> None:
    entries = []
    for i in range(
        2
    ):  # one isolated-looking warning-level error... that each 5xx request carries in its trace
        trace = f"projects/p/traces/x{i}"
        entries.append(request(i * 900, f"/pay/{i}", 503, trace=trace))
        entries.append(run_entry(i * 900 + 1, json_payload={"message": "Payment gateway refused"},
                                 severity="WARNING", trace=trace))  # fmt: skip
    entries += [run_entry(i, json_payload={"message": f"Slow query {i} ms"}, severity="WARNING", instance="db")
                for i in range(8)]  # fmt: skip
    report = scan_entries(entries)
    cause = by_title(report, "Payment gateway refused")
    assert cause.priority == by_title(report, "HTTP 503").priority == "P1"
    assert cause.reasons[0] == (
        "causes 'HTTP 503 on GET /pay/{id} (api)' (P1): a cause is at least as urgent as its effects"
    )


def test_every_problem_is_in_exactly_one_incident() -> None:
    report = upstream_scenario(0, "Upstream orders-api returned 503 for GET /api/orders/{i}")
    members = [fp for incident in report.incidents for fp in incident.problems]
    assert sorted(members) == sorted(c.fingerprint for c in report.clusters)
    assert all(c.incident for c in report.clusters)


def entry(seconds: float, trace: str) -> Event:
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=seconds)
    primary = LogEntry(position=1, insert_id="x", timestamp=moment, severity=Severity.ERROR, trace=trace)
    return Event(primary=primary, members=(primary,))


def test_traces_held_are_bounded_however_many_requests() -> None:
    facts = LinkFacts(10)
    for i in range(MAX_TRACES + 5_000):
        facts.add(entry(i * 0.01, f"t{i}"), "key")
    assert facts.traces_held == MAX_TRACES


@given(
    st.lists(
        st.one_of(st.sampled_from(["{id}", "{uuid}"]), st.from_regex(r"[a-z][a-z_-]{2,8}", fullmatch=True)),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True), min_size=5, max_size=5),
)
def test_a_route_pattern_finds_every_concrete_path_of_the_route(parts: list[str], values: list[str]) -> None:
    route = "/" + "/".join(parts)
    pattern = route_pattern(route)
    literal = [p for p in parts if not p.startswith("{")]
    if not literal:
        assert pattern is None  # only parameters: names nothing
        return
    assert pattern is not None
    concrete = "/" + "/".join(values[i] if p.startswith("{") else p for i, p in enumerate(parts))
    assert pattern.search(f"GET https://host.example{concrete} returned 503")
    assert pattern.search(f'"url": "{concrete}"')
    assert not pattern.search(f"GET {concrete}x/more")


@pytest.mark.skipif(not (REALWORLD / "entries.ndjson").exists(), reason="../shared/realworld is absent")
def test_realworld_links_join_only_problems_of_the_same_origin(tmp_path: Path) -> None:
    assignments, report_path = tmp_path / "a.ndjson", tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--from", str(REALWORLD / "entries.ndjson"), "--no-state",
         "--out", str(tmp_path), "--assignments", str(assignments), "--report-json", str(report_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    truth: dict[str, str] = json.loads((REALWORLD / "truth.json").read_text(encoding="utf-8"))
    origins: dict[str, set[str]] = {}
    for line in assignments.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("fingerprint") and item.get("insertId") in truth:
            origins.setdefault(item["fingerprint"], set()).add(re.split(r"[: ]", truth[item["insertId"]])[0])
    report = json.loads(report_path.read_text(encoding="utf-8"))
    links = [link for incident in report["incidents"] for link in incident["links"]]
    assert links, "the corpus has cause→effect pairs"
    for link in links:  # a link never joins two products nobody would connect
        assert origins[link["cause"]] & origins[link["effect"]], link
    scored = subprocess.run(
        [sys.executable, str(REALWORLD / "score.py"), str(REALWORLD), str(assignments), str(report_path), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    linked, both = json.loads(scored.stdout)["links"].split("/")
    assert linked == both


def test_a_background_error_logged_all_the_time_is_not_the_cause_of_the_5xx_near_it() -> None:
    entries = [
        run_entry(i, json_payload={"message": "Metrics exporter failed"}, severity="ERROR", instance="i")
        for i in range(1200)
    ]
    entries += [request(300, "/a/1", 500, instance="i"), request(900, "/a/2", 500, instance="i")]
    entries.sort(key=lambda entry: entry["timestamp"])  # the windows are per key and follow the time order
    assert links_of(scan_entries(entries)) == set()


def test_instance_windows_work_newest_first_as_gcloud_prints_them() -> None:
    counter = CoOccurrence(window_seconds=10)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in reversed(
        range(12_000)
    ):  # past a sweep; each instance crashes then exits 2 s later, every 3 minutes
        moment = start + timedelta(seconds=i * 60)
        counter.add("exit", f"i{i % 3}", moment + timedelta(seconds=2))
        counter.add("crash", f"i{i % 3}", moment)
    assert counter.related() == {"crash": ["exit"], "exit": ["crash"]}
    # newest first, an occurrence stays while an older one may still reach it (a request lasting an hour)
    assert counter.retained <= 3 * 2 * math.ceil((10 + MAX_SPAN_SECONDS) / 180)


@given(
    st.lists(
        st.sampled_from(
            [
                "5",
                "503",
                "0",
                "9",
                "4",
                "429",
                "403",
                "401",
                "1",
                "3",
                "2",
                ".",
                " ",
                "a",
                "_",
                "-",
                "=",
                "\n",
                "x5",
                "x4",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_a_failed_status_word_is_found_where_the_plain_lookbehind_finds_it(text: str) -> None:
    """FAILED_STATUS_WORD starts with its literal digit (fast to search for) and looks behind it: the same
    words as the plain lookbehind before the digits."""
    reference = re.compile(r"(?<![\w.])(?:5\d\d|429|40[13])(?![\w.])")
    assert FAILED_STATUS_WORD.findall(text) == reference.findall(text)


STUCK = 'Default STARTUP TCP probe failed 1 time consecutively for container "srv" on port 9000.'


def parked_request(ends_at: float, latency: float, instance: str, **kwargs: Any) -> dict[str, Any]:
    """A 503 logged at its start, `latency` seconds before it ended (when the container it waited on died)."""
    entry = request(ends_at - latency, "/v2/carts", 503, instance=instance, **kwargs)
    entry["httpRequest"]["latency"] = f"{latency}s"
    return entry


def test_a_request_that_waited_minutes_on_a_container_is_near_its_failure_at_its_end() -> None:
    entries = []
    for i in range(3):
        dies = 1_000 + i * 900
        entries.append(run_entry(dies, text=STUCK, severity="ERROR", instance=f"c{i}", revision="cart-00007-qwe",
                                 service="cart", log="run.googleapis.com%2Fvarlog%2Fsystem"))  # fmt: skip
        entries.append(parked_request(dies + 0.2, 241.5, f"c{i}", revision="cart-00007-qwe", service="cart"))
    report = scan_entries(entries)
    assert (f"{STUCK} (cart)", "HTTP 503 on GET /v2/carts (cart)", "revision,instance") in links_of(report)


def test_a_co_occurrence_counts_a_request_from_its_start_to_its_end() -> None:
    counter = CoOccurrence(10)
    counter.add_at("request", "i", 0.0, 240.0)
    counter.add_at("probe", "i", 239.0)
    counter.add_at("later", "i", 400.0)
    shares = counter.shares()
    assert shares[("request", "probe")] == 1.0 and shares[("probe", "request")] == 1.0
    assert ("request", "later") not in shares


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_long_request_meets_its_failure_in_either_export_order(newest_first: bool) -> None:
    occurrences = [("crash", 230.0, None), ("noise", 100.0, None), ("request", 0.0, 240.0)]
    counter = CoOccurrence(30)
    for key, start, end in occurrences if newest_first else reversed(occurrences):
        counter.add_at(key, "i", start, end)
    assert counter.shares()[("request", "crash")] == 1.0


def test_a_platform_line_logged_by_several_services_is_on_each_services_revision_ladder() -> None:
    entries = []
    for i in range(3):  # the same probe failure, more often in another service
        entries.append(run_entry(i * 50, text=STUCK, severity="ERROR", instance=f"o{i}", service="billing",
                                 revision="billing-00003-zzz", log="run.googleapis.com%2Fvarlog%2Fsystem"))  # fmt: skip
    entries.append(run_entry(4_000, text=STUCK, severity="ERROR", instance="m", service="cart",
                             revision="cart-00007-qwe", log="run.googleapis.com%2Fvarlog%2Fsystem"))  # fmt: skip
    for i in range(2):  # no instance: Cloud Run refused them while no container could start
        entries.append(
            request(4_010 + i * 5, "/v2/carts", 500, revision="cart-00007-qwe", service="cart", instance="")
        )
    report = scan_entries(entries)
    assert (f"{STUCK} (cart)", "HTTP 500 on GET /v2/carts (cart)", "revision") in links_of(report)


def test_a_scheduler_attempt_naming_the_cloud_run_url_of_a_failing_service_is_its_effect() -> None:
    entries = [
        request(i * 30, "/", 503, service="nightly-sweep", revision="nightly-sweep-00002-abc")
        for i in range(2)
    ]
    for i in range(2):
        entries.append(
            {
                "insertId": f"sch{i}",
                "timestamp": stamp(i * 30 + 1),
                "severity": "ERROR",
                "logName": "projects/p/logs/cloudscheduler.googleapis.com%2Fexecutions",
                "resource": {
                    "type": "cloud_scheduler_job",
                    "labels": {"job_id": "sweep-job", "project_id": "p"},
                },
                "httpRequest": {"status": 503},
                "jsonPayload": {
                    "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
                    "status": "UNAVAILABLE",
                    "url": "https://nightly-sweep-q7w8e9r0t1-ew.a.run.app/",
                    "debugInfo": "URL_UNREACHABLE-UNREACHABLE_5xx. Original HTTP response code number = 503",
                },
            }
        )
    report = scan_entries(entries)
    (link,) = [link for incident in report.incidents for link in incident.links]
    titles = {c.fingerprint: c.title for c in report.clusters}
    assert titles[link.cause] == "HTTP 503 on GET / (nightly-sweep)" and link.kinds == ["upstream"]
    assert titles[link.effect].startswith("Cloud Scheduler job")


@pytest.mark.parametrize(
    "host", ["nightly-sweep-extra-q7w8e9r0t1-ew.a.run.app", "my-nightly-sweep-q7w8e9r0t1-ew.a.run.app"]
)
def test_another_services_run_app_host_does_not_name_the_service(host: str) -> None:
    assert not names_service("nightly-sweep", f"POST https://{host}/ returned 503")
    assert names_service(
        "nightly-sweep", "POST https://nightly-sweep-123456789012.europe-west1.run.app/ returned 503"
    )


@pytest.mark.parametrize(
    "line",
    [
        "Container called exit(1).",
        "Memory limit of 512 MiB exceeded with 530 MiB used. Consider increasing the memory limit.",
        'Default STARTUP TCP probe failed 1 time consecutively for container "app" on port 8080.',
        "Function execution took 60002 ms, finished with status: 'timeout'",
        "[2026-11-21 10:00:00 +0000] [7] [CRITICAL] WORKER TIMEOUT (pid:12)",
        "Could not load the function, shutting down.",
    ],
)
def test_a_lifecycle_line_of_two_services_is_two_problems_each_named_by_its_service(line: str) -> None:
    entries = [
        run_entry(i * 30, text=line, severity="ERROR", service=service, revision=f"{service}-00001-a", instance=service)
        for i in range(2)
        for service in ("ledger", "mailer")
    ]  # fmt: skip
    report = scan_entries(entries)
    assert sorted(c.title.rsplit(" (", 1)[1] for c in report.clusters) == ["ledger)", "mailer)"]
    assert all(c.count == 2 and len(c.services) == 1 for c in report.clusters)
    assert not [link for incident in report.incidents for link in incident.links]


def test_an_application_message_of_two_services_stays_one_problem() -> None:
    text = "Database connection validation timeout exceeded (5s) for pool primary"
    entries = [
        run_entry(i * 30, text=text, severity="WARNING", service=service, instance=service)
        for i in range(2)
        for service in ("ledger", "mailer")
    ]
    (problem,) = scan_entries(entries).clusters
    assert problem.title == text and set(problem.services) == {"ledger", "mailer"}


def test_a_warning_every_start_logs_is_not_the_cause_of_the_crash_that_follows_it() -> None:
    entries = []
    for i in range(
        3
    ):  # each container: a startup warning, the crash, the exit, on one instance within seconds
        start, instance = i * 300, f"c{i}"
        warning = "Telemetry SDK missing - tracing disabled"
        entries.append(run_entry(start, text=warning, severity="WARNING", instance=instance))
        entries.extend(split_traceback(start + 7, CRASH_FRAMES, CRASH, instance=instance))
        system = "run.googleapis.com%2Fvarlog%2Fsystem"
        entries.append(run_entry(start + 9, text="Container called exit(1).", instance=instance, log=system))
    links = links_of(scan_entries(entries))
    assert [
        kinds for cause, effect, kinds in links if cause == CRASH and effect.startswith("Container called")
    ]
    assert not [link for link in links if link[0].startswith("Telemetry")]


def test_a_warning_alone_near_a_failure_may_still_be_its_cause() -> None:
    entries = []
    for i in range(3):
        warning = "Connection pool exhausted, waiting"
        entries.append(run_entry(i * 300, text=warning, severity="WARNING", instance=f"c{i}"))
        entries.append(request(i * 300 + 2, "/v2/carts", 503, instance=f"c{i}"))
    links = links_of(scan_entries(entries))
    assert ("Connection pool exhausted, waiting", "HTTP 503 on GET /v2/carts (api)", "instance") in links


@pytest.mark.parametrize(
    "failure",
    [
        "Error: Could not find or load main class com.acme.billing.Main",
        "Provided module can't be loaded.\nIs there a syntax error in your code?\nDetailed stack trace: Error: EIO",
        "exec /app/server: exec format error",
    ],
)
def test_a_program_that_cannot_load_its_code_starts_its_revisions_failure_ladder(failure: str) -> None:
    entries = []
    for i in range(3):  # each start: the failure, then half a minute later the container's exit
        entries.append(
            run_entry(i * 200, text=failure, severity="ERROR", instance=f"c{i}", revision="api-00009-new")
        )
        entries.append(
            run_entry(
                i * 200 + 30, text="Container called exit(1).", instance=f"c{i}", revision="api-00009-new"
            )
        )
    links = links_of(scan_entries(entries))
    causes = [(cause, kinds) for cause, effect, kinds in links if effect == "Container called exit(1). (api)"]
    assert [(cause.removesuffix(" (api)"), kinds) for cause, kinds in causes] == [
        (failure.split("\n")[0], "revision")
    ]


def test_a_ladder_link_whose_effect_is_logged_first_says_so_not_that_it_follows() -> None:
    bad = "billing-00007-qep"
    exits = [
        run_entry(
            150 + i, text="Container called exit(2).", revision=bad, service="billing", instance=f"x{i}"
        )
        for i in range(2)
    ]
    probe = run_entry(
        90,
        text='STARTUP HTTP probe failed 3 times consecutively for container "app" on port 8080 path "/"',
        severity="ERROR",
        revision=bad,
        service="billing",
        instance="p",
    )
    report = scan_entries(sorted([probe, *exits], key=lambda entry: entry["timestamp"]))
    evidence = [text for incident in report.incidents for link in incident.links for text in link.evidence]
    ladder = [text for text in evidence if text.startswith(f"in revision `{bad}`")]
    assert len(ladder) == 1
    assert " is first logged 60 s before `Container called exit(2). (billing)`" in ladder[0]
    assert "follows" not in ladder[0]


def kubelet_event(
    seconds: float, pod: str, message: str, namespace: str = "shop", reason: str = "Unhealthy"
) -> dict[str, Any]:
    return {
        "insertId": f"ev-{pod}-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "WARNING",
        "logName": "projects/p/logs/events",
        "resource": {"type": "k8s_pod", "labels": {"namespace_name": namespace, "pod_name": pod}},
        "jsonPayload": {
            "kind": "Event",
            "reason": reason,
            "message": message,
            "involvedObject": {"kind": "Pod", "namespace": namespace, "name": pod},
        },
    }


def balancer_request(seconds: float, backend: str, path: str, status: int) -> dict[str, Any]:
    return {
        "insertId": f"lb-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "WARNING",
        "logName": "projects/p/logs/requests",
        "resource": {"type": "http_load_balancer", "labels": {"backend_service_name": backend}},
        "httpRequest": {
            "requestMethod": "GET",
            "requestUrl": f"https://shop.example.com{path}",
            "status": status,
        },
        "jsonPayload": {"statusDetails": "failed_to_connect_to_backend"},
    }


CART_PROBE = 'Readiness probe failed: Get "http://10.4.{i}.7:9000/ready": dial tcp: connection refused'


@pytest.mark.parametrize(
    ("backend", "service"),
    [
        ("k8s1-0a1b2c3d-shop-cart-9000-5e6f7a8b", "shop/cart"),  # namespace and service told apart
        ("k8s1-0a1b2c3d-shop-cart-web-9000-5e6f7a8b", "shop/cart-web"),  # not told apart: matched whole
    ],
)
def test_a_gke_backends_5xx_while_its_pods_fail_their_probes_is_their_effect(
    backend: str, service: str
) -> None:
    workload = service.split("/")[1]
    entries = [
        kubelet_event(i * 15, f"{workload}-5f6d7c8b9-x{i}q7z", CART_PROBE.format(i=i)) for i in range(4)
    ]
    entries += [balancer_request(10 + i * 12, backend, f"/basket/{i}", 502) for i in range(5)]
    report = scan_entries(entries)
    ((cause, effect, kinds),) = links_of(report)
    assert cause.startswith("Unhealthy: Readiness probe failed") and kinds == "service"
    assert effect.startswith("HTTP 502 on GET /basket/")


@pytest.mark.parametrize(
    ("backend", "probe_at"),
    [
        ("k8s1-0a1b2c3d-shop-cart-9000-5e6f7a8b", 3 * 3600),  # the same service, hours apart
        ("k8s1-0a1b2c3d-shop-till-9000-5e6f7a8b", 0),  # another service of the namespace, at the same time
    ],
)
def test_no_service_link_for_another_service_or_another_time(backend: str, probe_at: float) -> None:
    entries = [
        kubelet_event(probe_at + i * 15, f"cart-5f6d7c8b9-x{i}q7z", CART_PROBE.format(i=i)) for i in range(4)
    ]
    entries += [balancer_request(10 + i * 12, backend, f"/basket/{i}", 502) for i in range(5)]
    assert links_of(scan_entries(entries)) == set()


def test_a_warning_logged_in_the_traces_of_a_failure_is_not_named_the_cause_of_its_5xx() -> None:
    entries = []
    for attempt in range(1, 6):  # a push redelivered after each 500: the warning says which attempt it is
        trace, at = f"projects/p/traces/push{attempt}", attempt * 40
        entries.append(request(at, "/hooks/ingest", 500, trace=trace, instance=f"c{attempt % 2}"))
        entries.append(
            run_entry(
                at + 0.01,
                text="KeyError: 'tenant'",
                severity="ERROR",
                trace=trace,
                instance=f"c{attempt % 2}",
            )
        )
        if attempt > 1:
            text = f"push 88120 redelivered (attempt {attempt})"
            entries.append(
                run_entry(at, text=text, severity="WARNING", trace=trace, instance=f"c{attempt % 2}")
            )
    links = links_of(scan_entries(entries))
    assert ("KeyError: 'tenant'", "HTTP 500 on GET /hooks/ingest (api)", "trace,instance") in links
    assert not [link for link in links if link[0].startswith("push") and link[1].startswith("HTTP 500")]


def test_pods_evicted_by_node_pressure_cause_the_probe_failures_of_their_service() -> None:
    evicted = (
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: {k}Ki. "
        "Container cart was using 991{k}Ki, request is 128Mi, has larger consumption of memory."
    )
    entries = [
        kubelet_event(i * 2, f"cart-5f6d7c8b9-e{i}v4k", evicted.format(k=70100 + i), reason="Evicted")
        for i in range(2)
    ]
    entries += [
        kubelet_event(20 + i * 10, f"cart-5f6d7c8b9-n{i}w2p", CART_PROBE.format(i=i)) for i in range(4)
    ]
    links = links_of(scan_entries(entries))
    assert [
        kinds
        for cause, effect, kinds in links
        if cause.startswith("Evicted: The node was low") and effect.startswith("Unhealthy: Readiness")
    ] == ["service"]


def cloudsql_line(seconds: float, text: str) -> dict[str, Any]:
    return {
        "insertId": f"sql-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
        "resource": {
            "type": "cloudsql_database",
            "labels": {"database_id": "p:orders-db", "project_id": "p"},
        },
        "textPayload": text,
    }


ADMIN_FATAL = "[{pid}]: [2-1] db=orders,user=api FATAL:  terminating connection due to administrator command"
CLIENT_ERROR = "psycopg2.OperationalError: {quote}\nSSL connection has been closed unexpectedly"


@pytest.mark.parametrize(
    ("quote", "app_at", "service", "linked"),
    [
        ("terminating connection due to administrator command", 30, "api", True),
        ("terminating connection due to administrator command", 3 * 3600, "api", False),  # hours later
        # too few words to quote the database (its outage links it: the next tests)
        ("terminating connection", 30, "api", False),
    ],
)
def test_an_application_error_quoting_a_databases_failure_in_the_same_minutes_is_its_effect(
    quote: str, app_at: float, service: str, linked: bool
) -> None:
    entries = [cloudsql_line(i * 3, ADMIN_FATAL.format(pid=700 + i)) for i in range(3)]
    entries += [
        run_entry(app_at + i * 5, text=CLIENT_ERROR.format(quote=quote), severity="ERROR", service=service)
        for i in range(3)
    ]
    report = scan_entries(entries)
    titles = {c.fingerprint: c.title for c in report.clusters}
    quoted = [
        (titles[link.cause], titles[link.effect])
        for incident in report.incidents
        for link in incident.links
        if any(" quotes " in evidence for evidence in link.evidence)
    ]
    assert [(cause[:22], effect[:25]) for cause, effect in quoted] == (
        [("terminating connection", "psycopg2.OperationalError")] if linked else []
    )


UNDEFINED_COLUMN = (
    "[{pid}]: [3-1] db=depot,user=api ERROR:  column parcels.weight{n} does not exist at character 31"
)


@pytest.mark.parametrize(
    ("client", "linked"),
    [
        ("psycopg2.errors.UndefinedColumn: column parcels.weight{n} does not exist", True),
        ("psycopg2.errors.AmbiguousColumn: column parcels.weight{n} is ambiguous", False),
    ],
)
def test_an_application_quoting_a_databases_failure_around_the_value_it_names_is_its_effect(
    client: str, linked: bool
) -> None:
    entries = [cloudsql_line(i * 4, UNDEFINED_COLUMN.format(pid=810 + i, n=2)) for i in range(3)]
    entries += [
        run_entry(1 + i * 4, text=client.format(n=2), severity="ERROR", service="parcels") for i in range(3)
    ]
    report = scan_entries(entries)
    found = [kinds for cause, effect, kinds in links_of(report) if cause.startswith("column parcels")]
    assert found == (["upstream"] if linked else [])
    if linked:
        assert any("quotes `column parcels.weight2 does not exist` of" in i.story for i in report.incidents)


def test_two_applications_logging_the_same_words_do_not_quote_each_other() -> None:
    text = "Upstream ledger refused the batch: daily settlement window already closed"
    entries = [run_entry(i * 5, text=text, severity="ERROR", service="payouts") for i in range(3)]
    entries += [
        run_entry(2 + i * 5, text=f"{text} (retry {i})", severity="ERROR", service="refunds")
        for i in range(3)
    ]
    assert links_of(scan_entries(entries)) == set()


def bigquery_quota_audit(seconds: float) -> dict[str, Any]:
    return {
        "insertId": f"bq-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access",
        "resource": {"type": "bigquery_project", "labels": {"project_id": "p"}},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "bigquery.googleapis.com",
            "methodName": "google.cloud.bigquery.v2.JobService.InsertJob",
            "status": {"code": 8, "message": f"Quota exceeded: {QUOTA}"},
        },
    }


QUOTA = "Your project exceeded quota for concurrent load jobs per table."


def dataflow_line(seconds: float, text: str) -> dict[str, Any]:
    return {
        "insertId": f"df-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/dataflow.googleapis.com%2Fworker",
        "resource": {"type": "dataflow_step", "labels": {"job_name": "nightly-load", "project_id": "p"}},
        "textPayload": text,
    }


def test_a_job_quoting_the_quota_error_an_api_audited_is_its_effect_not_another_client_quoting_it() -> None:
    client = f"google.api_core.exceptions.Forbidden: 403 Quota exceeded: {QUOTA}"
    entries = [bigquery_quota_audit(i * 4) for i in range(2)]
    entries += [run_entry(1 + i * 4, text=client, severity="ERROR", service="loader") for i in range(2)]
    entries += [dataflow_line(2 + i * 4, f"Load failed: 403 Quota exceeded: {QUOTA}") for i in range(2)]
    report = scan_entries(entries)
    (incident,) = [i for i in report.incidents if i.links]
    assert f"quotes `Quota exceeded: {QUOTA[:-1]}` of `RESOURCE_EXHAUSTED" in incident.story  # as logged
    links = links_of(report)
    assert {(cause[:17], effect[:18], kinds) for cause, effect, kinds in links} == {
        ("RESOURCE_EXHAUSTE", "google.api_core.ex", "upstream"),
        ("RESOURCE_EXHAUSTE", "Load failed: 403 Q", "upstream"),
    }


def deploy_audit(
    seconds: float, resource: dict[str, Any], method: str, code: int, message: str
) -> dict[str, Any]:
    return {
        "insertId": f"audit-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": resource,
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "methodName": method,
            "status": {"code": code, "message": message},
        },
    }


def test_a_function_deploy_failing_with_the_words_of_its_cloud_run_revision_not_ready_is_its_effect() -> None:
    why = "The user-provided container failed to start and listen on the port defined by the PORT=8080 variable."
    revision = "invoicemailergen2-00012-kav"
    run_resource = {
        "type": "cloud_run_revision",
        "labels": {"service_name": "invoicemailergen2", "revision_name": ""},
    }
    function = {
        "type": "cloud_function",
        "labels": {"function_name": "invoiceMailerGen2", "region": "europe-west1"},
    }
    entries = [
        deploy_audit(
            0,
            run_resource,
            "/Services.CreateService",
            9,
            f"Ready condition status changed to False for Revision {revision} with message: {why}",
        ),
        deploy_audit(
            40,
            function,
            "google.cloud.functions.v2.FunctionService.UpdateFunction",
            3,
            f"Could not create or update Cloud Run service invoicemailergen2, Container Healthcheck failed. "
            f"Revision '{revision}' is not ready and cannot serve traffic. {why}",
        ),
    ]
    links = links_of(scan_entries(entries))
    assert [
        kinds for cause, effect, kinds in links if "Ready condition" in cause and "UpdateFunction" in effect
    ] == ["upstream"]


def gen1_line(seconds: float, execution: str, text: str, severity: str) -> dict[str, Any]:
    return {
        "insertId": f"gcf-{execution}-{seconds}",
        "timestamp": stamp(seconds),
        "severity": severity,
        "logName": "projects/p/logs/cloudfunctions.googleapis.com%2Fcloud-functions",
        "resource": {
            "type": "cloud_function",
            "labels": {"function_name": "resizeUpload", "region": "us-central1"},
        },
        "labels": {"execution_id": execution},
        "textPayload": text,
    }


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        ("Memory limit of 1024 MiB exceeded with 1031 MiB used.", "finished with status: 'crash'"),
        ("Error: connect ECONNREFUSED 10.2.0.4:5432", "finished with status code: 500"),
    ],
)
def test_a_functions_failed_invocation_line_is_the_effect_of_what_failed_in_it(
    failure: str, outcome: str
) -> None:
    entries = []
    for i, execution in enumerate(("k2j9x0", "p7q1m4", "z5t8c3")):
        entries.append(gen1_line(i * 600, execution, failure, "ERROR"))
        entries.append(
            gen1_line(i * 600 + 0.01, execution, f"Function execution took {900 + i} ms, {outcome}", "DEBUG")
        )
    links = links_of(scan_entries(entries))
    assert [(cause[:12], effect[:18]) for cause, effect, _ in links] == [(failure[:12], "Function execution")]


def test_a_callers_error_new_in_its_new_revision_is_not_that_revisions_fault_when_its_upstream_fails() -> (
    None
):
    entries = [
        request(i * 30, "/pay", 200, service="web", revision="web-00011-old", instance="w1") for i in range(4)
    ]
    web = {
        "type": "cloud_run_revision",
        "labels": {"service_name": "web", "revision_name": "", "project_id": "p"},
    }
    entries.append(deploy_entry(130, resource=web))
    for i in range(4):
        entries.append(
            request(300 + i * 20, f"/api/quotes/{i}", 503, service="quotes", revision="quotes-00003-abc")
        )
        entries.append(
            run_entry(301 + i * 20, json_payload={"message": f"Upstream quotes returned 503 for GET /api/quotes/{i}"},
                      severity="ERROR", service="web", revision="web-00012-new", instance="w2")
        )  # fmt: skip
    report = scan_entries(entries)
    caller = by_title(report, "Upstream quotes returned 503")
    assert caller.causes == [by_title(report, "HTTP 503 on GET /api/quotes").fingerprint]
    assert caller.suspect_revision is None
    (incident,) = [i for i in report.incidents if i.links]
    assert "`web` was deployed at" in incident.story  # the deploy stays a marker of the story
    assert "(ReplaceService), but its problems here follow another service's failure." in incident.story


def test_the_effects_of_a_caller_error_its_upstream_caused_have_no_suspect_revision_either() -> None:
    """The caller's 502 follows its own error (same trace), which another service's 503s caused: the revision
    deployed just before is no more the suspect of the 502 than of the error."""
    entries = [
        request(i * 30, "/pay", 200, service="web", revision="web-00011-old", instance="w1") for i in range(4)
    ]
    for i in range(4):
        trace = f"projects/p/traces/pay{i}"
        entries.append(
            request(300 + i * 20, f"/api/quotes/{i}", 503, service="quotes", revision="quotes-00003-abc")
        )
        entries.append(
            request(300 + i * 20, "/pay", 502, service="web", revision="web-00012-new", trace=trace)
        )
        entries.append(
            run_entry(301 + i * 20, json_payload={"message": f"Upstream quotes returned 503 for GET /api/quotes/{i}"},
                      severity="ERROR", service="web", revision="web-00012-new", instance="w2", trace=trace)
        )  # fmt: skip
    report = scan_entries(entries)
    caller, bad_gateway = by_title(report, "Upstream quotes returned 503"), by_title(report, "HTTP 502")
    assert bad_gateway.causes == [caller.fingerprint]
    assert caller.suspect_revision is None and bad_gateway.suspect_revision is None


def redis_failover(seconds: float) -> dict[str, Any]:
    """An admin-activity audit entry: someone failed the Memorystore instance `cart-cache` over."""
    return {
        "insertId": f"failover{seconds}",
        "timestamp": stamp(seconds),
        "severity": "NOTICE",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {"type": "redis_instance", "labels": {"project_id": "p", "region": "europe-west1"}},
        "protoPayload": {
            "methodName": "google.cloud.redis.v1.CloudRedis.FailoverInstance",
            "resourceName": "projects/p/locations/europe-west1/instances/cart-cache",
        },
    }


def cart_scenario(failover_at: float) -> ScanReport:
    """cart-00017 serves, then cart-00018 from 300 s; the cache is failed over at `failover_at`; from 1,200 s
    cart-00018 cannot reach `cart-cache`."""
    entries = [redis_failover(failover_at)]
    entries += [request(i * 60, "/cart", 200, service="cart", revision="cart-00017-old") for i in range(5)]
    entries += [
        request(300 + i * 60, "/cart", 200, service="cart", revision="cart-00018-new") for i in range(15)
    ]
    entries += [
        run_entry(1_200 + i * 30, severity="ERROR", service="cart", revision="cart-00018-new", instance=f"c{i}",
                  text="redis.exceptions.ConnectionError: Error 111 connecting to cart-cache.redis.internal:6379. "
                  "Connection refused.")
        for i in range(4)
    ]  # fmt: skip
    return scan_entries(entries)


def test_a_problem_that_began_after_a_change_to_what_it_names_is_not_its_running_revisions_fault() -> None:
    report = cart_scenario(failover_at=1_150)  # cart-00018 ran 15 minutes without it, until the failover
    (incident,) = report.incidents
    assert incident.suspect_revision is None and by_title(report, "redis.").suspect_revision is None
    assert [c.resource for c in incident.changes] == ["cart-cache"]


def test_a_revision_deployed_after_the_change_stays_the_suspect_of_what_is_new_in_it() -> None:
    report = cart_scenario(failover_at=200)  # the change came before cart-00018 started
    (incident,) = report.incidents
    assert incident.suspect_revision == "cart-00018-new"


def test_a_cloud_sql_failover_is_told_in_the_incident_of_the_instances_own_failure() -> None:
    """Cloud SQL's database id is `project:instance`: the failover of `orders-db` concerns `p:orders-db`."""
    database = {"type": "cloudsql_database", "labels": {"project_id": "p", "database_id": "p:orders-db"}}
    failover = redis_failover(0) | {"resource": database}
    failover["protoPayload"] = {
        "methodName": "cloudsql.instances.failover",
        "resourceName": "projects/p/instances/orders-db",
    }
    entries = [failover] + [
        {"insertId": f"pg{i}", "timestamp": stamp(20 + i * 10), "severity": "ERROR", "resource": database,
         "logName": "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
         "textPayload": f"2026-11-24 10:00:{20 + i * 10}.120 UTC [41{i}]: [1-1] db=orders,user=app FATAL:  the "
         "database system is starting up"}
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == ["orders-db"]


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        ("pymysql.err.OperationalError: (1290, 'The MySQL server is running with the --read-only option so it "
         "cannot execute this statement')", True),
        ("psycopg2.errors.ReadOnlySqlTransaction: cannot execute UPDATE in a read-only transaction", True),
        ("ReplyError: READONLY You can't write against a read only replica.", False),  # a cache's replica
    ],
)  # fmt: skip
def test_a_cloud_sql_failover_is_told_for_writes_its_old_primary_refuses_as_a_replica(
    failure: str, told: bool
) -> None:
    """After a failover, clients still connected to the old primary, now a replica, have their writes refused in the
    engine's own words, which name no instance."""
    failover = audited_change(0, "cloudsql.instances.failover", "projects/p/instances/orders-db")
    entries = [failover] + [
        run_entry(30 + i * 20, severity="ERROR", service="web", instance=f"w{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["orders-db"] if told else [])


@pytest.mark.parametrize(
    ("log", "failure", "told"),
    [
        # the instance's own log says its engine: only its engine's refusals are the failover's
        ("mysql.err", "psycopg2.errors.ReadOnlySqlTransaction: cannot execute UPDATE in a read-only transaction",
         False),
        ("mysql.err", "java.sql.SQLException: The MySQL server is running with the --read-only option so it cannot "
         "execute this statement", True),
        ("postgres.log", "java.sql.SQLException: The MySQL server is running with the --read-only option so it "
         "cannot execute this statement", False),
        ("postgres.log", "psycopg2.errors.ReadOnlySqlTransaction: cannot execute UPDATE in a read-only transaction",
         True),
        ("postgres.log", 'psycopg2.OperationalError: connection to server at "10.20.0.5", port 5432 failed: '
         "Connection refused", True),
        ("mysql.err", 'psycopg2.OperationalError: connection to server at "10.20.0.5", port 5432 failed: '
         "Connection refused", False),
        # no log of the instance in the window: either engine's words
        (None, "psycopg2.errors.ReadOnlySqlTransaction: cannot execute UPDATE in a read-only transaction", True),
    ],
)  # fmt: skip
def test_a_cloud_sql_change_is_told_only_for_the_engine_the_instances_own_logs_show(
    log: str | None, failure: str, told: bool
) -> None:
    """A Cloud SQL audit entry does not say the instance's engine; its logs in the window do, even at INFO."""
    failover = audited_change(0, "cloudsql.instances.failover", "projects/p/instances/billing-db")
    entries = [failover] + [
        run_entry(30 + i * 20, severity="ERROR", service="web", instance=f"w{i}", text=failure)
        for i in range(3)
    ]
    if log is not None:
        entries.append(
            {"insertId": "own", "timestamp": stamp(-600), "severity": "INFO",
             "resource": {"type": "cloudsql_database", "labels": {"project_id": "p", "database_id": "p:billing-db"}},
             "logName": f"projects/p/logs/cloudsql.googleapis.com%2F{log}", "textPayload": "ready for connections"}
        )  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["billing-db"] if told else [])


def audited_change(seconds: float, method: str, resource_name: str) -> dict[str, Any]:
    """A successful admin-activity audit entry: `method` on `resource_name`."""
    return redis_failover(seconds) | {
        "insertId": f"chg{seconds}{method}",
        "protoPayload": {"methodName": method, "resourceName": resource_name},
    }


DNS_CHANGE = audited_change(0, "dns.changes.create", "projects/p/managedZones/internal-zone/changes/118")
NODE_POOL_UPDATE = audited_change(
    0,
    "google.container.v1.ClusterManager.UpdateNodePool",
    "projects/p/locations/l/clusters/c/nodePools/pool-1",
)


def pod_event(seconds: float, pod: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "insertId": f"ev{seconds}{pod}",
        "timestamp": stamp(seconds),
        "severity": "WARNING",
        "logName": "projects/p/logs/events",
        "resource": {"type": "k8s_pod", "labels": {"project_id": "p", "cluster_name": "c",
                                                   "namespace_name": "shop", "pod_name": pod}},
        "jsonPayload": {"kind": "Event", "reason": reason, "message": message, "type": "Warning",
                        "involvedObject": {"kind": "Pod", "name": pod, "namespace": "shop"}},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (DNS_CHANGE, "Error: getaddrinfo ENOTFOUND smtp.internal.example.org", True),
        (DNS_CHANGE, "dial tcp: lookup cache.internal.example.org on 169.254.169.254:53: no such host", True),
        (DNS_CHANGE, "KeyError: 'display_name'", False),  # a failure of another kind
        (NODE_POOL_UPDATE, "Error: getaddrinfo ENOTFOUND smtp.internal.example.org", False),
    ],
)
def test_a_dns_change_is_told_in_the_incident_of_host_names_that_stop_resolving(
    change: dict[str, Any], failure: str, told: bool
) -> None:
    entries = [change] + [
        run_entry(120 + i * 30, severity="ERROR", service="notify", revision="notify-00004-kel", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["internal-zone"] if told else [])


@pytest.mark.parametrize(
    ("change", "message", "told"),
    [
        (
            NODE_POOL_UPDATE,
            'Readiness probe failed: Get "http://10.8.2.15:8080/ready": connection refused',
            True,
        ),
        (NODE_POOL_UPDATE, 'Back-off pulling image "eu.gcr.io/p/web:1.4"', False),  # not an exit, not a probe
        (DNS_CHANGE, 'Readiness probe failed: Get "http://10.8.2.15:8080/ready": connection refused', False),
    ],
)
def test_a_node_pool_update_is_told_in_the_incident_of_pods_failing_their_probes(
    change: dict[str, Any], message: str, told: bool
) -> None:
    entries = [change] + [
        pod_event(240 + i * 20, f"web-5d9c7b6f4-x{i}", "Unhealthy", message) for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["pool-1"] if told else [])


@pytest.mark.parametrize(("cluster", "told"), [("c", True), ("staging", False)])
def test_a_node_pool_update_is_told_only_for_the_pods_of_its_own_cluster(cluster: str, told: bool) -> None:
    probes = [
        pod_event(240 + i * 20, f"web-5d9c7b6f4-x{i}", "Unhealthy", "Liveness probe failed: HTTP probe failed with "
                  "statuscode: 500")
        for i in range(3)
    ]  # fmt: skip
    for probe in probes:
        probe["resource"]["labels"]["cluster_name"] = cluster
    (incident,) = scan_entries([NODE_POOL_UPDATE, *probes]).incidents
    assert [c.resource for c in incident.changes] == (["pool-1"] if told else [])


def topic_denied(topic: str) -> list[Any]:
    """A change to topic `topic`'s IAM policy, then a publisher's message naming topic `order-events` with the
    client's PERMISSION_DENIED logged as its stack: the changes told."""
    change = audited_change(0, "google.iam.v1.IAMPolicy.SetIamPolicy", f"projects/p/topics/{topic}")
    entries = [change] + [
        run_entry(120 + i * 30, severity="ERROR", service="orders", revision="orders-00088-zut", instance=f"o{i}",
                  json_payload={"message": "publish to projects/p/topics/order-events failed: Error: 7 "
                                "PERMISSION_DENIED: User not authorized to perform this action.",
                                "stack": "Error: 7 PERMISSION_DENIED: User not authorized to perform this action.\n"
                                "    at callErrorFromStatus (/srv/node_modules/@grpc/grpc-js/build/src/call.js:31:19)"})
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    return [c.resource for c in incident.changes]


def test_a_change_is_told_for_a_failure_whose_logged_message_names_it_beside_the_exception() -> None:
    assert topic_denied("order-events") == ["order-events"]


def test_a_change_is_not_told_for_a_failure_whose_logged_message_names_another_resource() -> None:
    assert topic_denied("audit-events") == []


def test_a_node_pool_update_is_not_told_for_a_cloud_run_revisions_probe_failures() -> None:
    entries = [NODE_POOL_UPDATE] + [
        run_entry(120 + i * 30, severity="ERROR", service="web", revision="web-00002-new", instance=f"w{i}",
                  log="run.googleapis.com%2Fvarlog%2Fsystem",
                  text='STARTUP TCP probe failed 1 time consecutively for container "web" on port 8080.')
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert incident.changes == []


def test_a_container_the_kubelet_restarts_is_an_exit_the_crash_before_it_causes() -> None:
    """`Back-off restarting failed container` says the container exited: the crash it logged seconds before is
    its cause, and the readiness failures after it its effects."""
    entries = []
    for i in range(3):
        pod = f"checkout-7a8b9c6d5-h{i}m2x"
        entries.append(
            {"insertId": f"crash{i}", "timestamp": stamp(i * 90), "logName": "projects/p/logs/stderr",
             "resource": {"type": "k8s_container", "labels": {"project_id": "p", "cluster_name": "c",
                          "namespace_name": "shop", "pod_name": pod, "container_name": "checkout"}},
             "textPayload": "Error: Cannot find module '/app/dist/server.js'\n"
             "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)"}
        )  # fmt: skip
        entries.append(
            pod_event(
                i * 90 + 3,
                pod,
                "BackOff",
                f"Back-off restarting failed container checkout in pod {pod}_shop(8c1d{i}e2f-1a2b-4c3d-9e8f-0a1b2c3d4e5f)",
            )
        )
        entries.append(pod_event(i * 90 + 5, pod, "Unhealthy", "Readiness probe failed: connection refused"))
    links = {(cause[:20], effect[:20]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert {
        ("Error: Cannot find m", "BackOff: Back-off re"),
        ("BackOff: Back-off re", "Unhealthy: Readiness"),
    } <= links


def container_entry(seconds: float, pod: str, container: str, text: str) -> dict[str, Any]:
    return {
        "insertId": f"c{seconds}{pod}{container}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/stderr",
        "resource": {"type": "k8s_container", "labels": {"project_id": "p", "cluster_name": "c",
                     "namespace_name": "shop", "pod_name": pod, "container_name": container}},
        "textPayload": text,
    }  # fmt: skip


@pytest.mark.parametrize(("sidecar", "linked"), [("cloud-sql-proxy", True), ("log-shipper", False)])
def test_a_pods_database_proxy_failing_causes_the_error_of_the_application_beside_it(
    sidecar: str, linked: bool
) -> None:
    """Two errors on one pod within seconds: only a database proxy is known to be the application's cause."""
    entries = []
    for i in range(4):
        pod = f"orders-5c6d7e8f9-a{i}b2c"
        entries.append(
            container_entry(i * 60, pod, sidecar, "[p:europe-west1:orders-db] failed to connect to instance: "
                            "Dial error: dial tcp 10.20.0.3:3307: i/o timeout")
        )  # fmt: skip
        entries.append(
            container_entry(i * 60 + 0.2, pod, "orders", "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) "
                            "server closed the connection unexpectedly")
        )  # fmt: skip
    links = {(cause[:26], effect[:16], kinds) for cause, effect, kinds in links_of(scan_entries(entries))}
    assert links == ({("failed to connect to insta", "sqlalchemy.exc.O", "instance")} if linked else set())


def sql_maintenance(log: str) -> dict[str, Any]:
    """Cloud SQL restarting `ledger-db` for maintenance: an update by Google's systems, in `log`."""
    change = redis_failover(0) | {
        "resource": {
            "type": "cloudsql_database",
            "labels": {"project_id": "p", "database_id": "p:ledger-db"},
        },
        "logName": f"projects/p/logs/cloudaudit.googleapis.com%2F{log}",
    }
    change["protoPayload"] = {
        "methodName": "cloudsql.instances.update",
        "resourceName": "projects/p/instances/ledger-db",
        "authenticationInfo": {"principalEmail": "cloud-sql-maintenance@system.gserviceaccount.com"},
    }
    return change


@pytest.mark.parametrize(
    ("log", "told"), [("system_event", True), ("activity", True), ("data_access", False)]
)
def test_a_system_event_such_as_a_cloud_sql_maintenance_is_a_change_told_in_its_incident(
    log: str, told: bool
) -> None:
    database = {"type": "cloudsql_database", "labels": {"project_id": "p", "database_id": "p:ledger-db"}}
    entries = [sql_maintenance(log)] + [
        {"insertId": f"pg{i}", "timestamp": stamp(30 + i * 10), "severity": "ERROR", "resource": database,
         "logName": "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
         "textPayload": f"2026-11-24 10:00:{30 + i * 10}.120 UTC [90{i}]: [1-1] db=ledger,user=app FATAL:  the "
         "database system is shutting down"}
        for i in range(3)
    ]  # fmt: skip
    incident = next(i for i in scan_entries(entries).incidents if "shutting down" in i.title)
    assert [c.resource for c in incident.changes] == (["ledger-db"] if told else [])


def traced_error(
    seconds: float, trace: int, text: str, service: str = "indexer", instance: str = "i1"
) -> dict[str, Any]:
    return run_entry(seconds, severity="ERROR", service=service, revision=f"{service}-00007-kat", instance=instance,
                     text=text, trace=f"projects/p/traces/{trace:032x}")  # fmt: skip


DEADLOCK = "psycopg2.errors.DeadlockDetected: deadlock detected"
ABORTED = "psycopg2.errors.InFailedSqlTransaction: current transaction is aborted, commands ignored until end of block"


@pytest.mark.parametrize("newest_first", [False, True])
def test_errors_of_one_role_in_shared_traces_are_ordered_by_which_each_trace_logs_first(
    newest_first: bool,
) -> None:
    """Each request's first error (a deadlock) hides behind its retries' errors (the aborted transaction),
    and an aborted transaction from something else earlier in the window starts that problem first."""
    entries = [traced_error(0, 99, ABORTED)]
    for k in range(1, 6):
        start = 300 + k * 40
        entries += [traced_error(start, k, DEADLOCK)] + [traced_error(start + a, k, ABORTED) for a in (1, 2)]
    report = scan_entries(entries[::-1] if newest_first else entries)
    assert (DEADLOCK, ABORTED, "trace") in links_of(report)
    assert not any(cause == ABORTED for cause, _, _ in links_of(report))


def test_a_callers_error_naming_the_service_it_shares_traces_with_is_its_effect_despite_a_skewed_clock() -> (
    None
):
    """The gateway's host clock runs 4 s behind: its error is stamped before the failure it reports."""
    oom = "java.lang.OutOfMemoryError: Java heap space"
    reset = "upstream quotes failed: connection reset by peer while reading response header from upstream"
    entries = []
    for k in range(1, 6):
        entries += [
            traced_error(k * 60, k, oom, "quotes", "q1"),
            traced_error(k * 60 - 4, k, reset, "gateway", "g1"),
        ]
    links = links_of(scan_entries(entries))
    assert {(cause, effect) for cause, effect, _ in links} == {(oom, reset)}


def _balancer_request(seconds: float, path: str, status: int, details: str) -> dict[str, Any]:
    return {
        "insertId": f"lb-{seconds}-{path}",
        "timestamp": stamp(seconds),
        "logName": "projects/p/logs/requests",
        "severity": "ERROR" if status >= 500 else "INFO",
        "resource": {
            "type": "http_load_balancer",
            "labels": {
                "backend_service_name": "store-be",
                "forwarding_rule_name": "store-fr",
                "project_id": "p",
            },
        },
        "httpRequest": {
            "requestMethod": "GET",
            "requestUrl": f"https://store.example.org{path}",
            "status": status,
        },
        "jsonPayload": {
            "@type": "type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry",
            "statusDetails": details,
        },
    }


@pytest.mark.parametrize(
    ("answered", "details", "priority"),
    [(None, "", "P0"), (403, "denied_by_security_policy", "P0"), (200, "response_sent_by_backend", "P1")],
)
def test_a_backend_without_revisions_whose_every_request_fails_is_down(
    answered: int | None, details: str, priority: str
) -> None:
    """A load balancer's backend that answered every request of the scan with a 5xx, on several routes, is down
    (a 403 of its security policy is no sign of a healthy backend); one request answered 200 says it serves."""
    entries = [
        _balancer_request(i * 5, path, 502, "failed_to_pick_backend")
        for i, path in enumerate(["/", "/cart", "/search", "/", "/cart"])
    ]
    if answered is not None:
        entries.append(_balancer_request(40, "/account", answered, details))
    # (another service's errors, so that the backend's failures are not most of the scan: `dominant-error`)
    entries += [run_entry(50 + i, text=f"ERROR sync {i} failed", service="sync") for i in range(6)]
    report = scan_entries(entries)
    failing = [c for c in report.clusters if "502" in c.http_statuses]
    assert len(failing) == 1 and len(failing[0].routes) == 3  # one backend failing, whichever route
    assert {c.priority for c in failing} == {priority}
    if priority == "P0":
        assert all(
            c.reasons[0].startswith("service store-be is down: every request it answered failed")
            for c in failing
        )


@pytest.mark.parametrize(("old_serves", "priority"), [(True, "P1"), (False, "P0")])
def test_a_new_revision_that_cannot_start_is_a_failed_rollout_while_the_old_one_serves(
    old_serves: bool, priority: str
) -> None:
    """Requests the previous revision answered in the scan say the service still serves: the new revision's
    exit loop is a failed rollout (P1); without them the service is down (P0)."""
    entries = [
        run_entry(
            i * 30,
            text="Container called exit(1).",
            severity="ERROR",
            revision="api-00002-new",
            log="run.googleapis.com%2Fvarlog%2Fsystem",
        )
        for i in range(4)
    ]
    if old_serves:
        entries += [
            run_entry(
                i * 30 + 5,
                severity="INFO",
                revision="api-00001-old",
                log="run.googleapis.com%2Frequests",
                httpRequest={
                    "requestMethod": "GET",
                    "requestUrl": "https://api.example.org/items",
                    "status": 200,
                },
            )
            for i in range(3)
        ]
    exits = by_title(scan_entries(entries), "Container called exit(1).")
    assert exits.priority == priority
    assert (
        "a failed rollout: revision api-00001-old of the same service still serves" in exits.reasons[0]
    ) is old_serves


def test_a_callers_error_naming_the_service_whose_5xx_shares_its_traces_is_that_5xxs_effect() -> None:
    """The caller's error names `reports` (its Cloud Run URL) and shares its traces with reports' 500s: the
    500s are its cause, though an error's role comes before a 5xx's."""
    entries = []
    for i in range(4):
        trace = f"projects/p/traces/r{i}"
        entries.append(request(i * 40, "/v1/reports/daily", 500, service="reports", revision="reports-00003-wun",
                               trace=trace, instance=f"r{i}"))  # fmt: skip
        entries.append(
            run_entry(i * 40 + 0.4, severity="ERROR", service="frontend", revision="frontend-00209-bel",
                      trace=trace, instance=f"f{i}", json_payload={
                          "message": "daily report: GET https://reports-q7x2kd9mza-ew.a.run.app/v1/daily failed"})
        )  # fmt: skip
    links = {(cause[:13], effect[:12]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert links == {("HTTP 500 on G", "daily report")}


def test_of_two_5xx_requests_in_the_same_traces_the_one_that_started_first_is_the_callers_effect() -> None:
    """A load balancer logs its request as it starts, before the backend's request it holds: the backend's 500
    is the cause of the balancer's, though the balancer's is logged first in every trace."""
    entries = []
    for i in range(4):
        trace = f"projects/p/traces/lb{i}"
        entries.append(balancer_request(i * 30, "shop-backend", f"/v1/items/{i}", 500) | {"trace": trace})
        entries.append(request(i * 30 + 0.01, f"/v1/items/{i}", 500, service="catalog", trace=trace))
    links = {(cause, effect) for cause, effect, _ in links_of(scan_entries(entries))}
    assert links == {
        ("HTTP 500 on GET /v1/items/{id} (catalog)", "HTTP 500 on GET /v1/items/{id} (shop-backend)")
    }


def iam_policy_set(seconds: float, resource_name: str) -> dict[str, Any]:
    """A successful `SetIamPolicy` on `resource_name` (a project, or one resource)."""
    return audited_change(seconds, "SetIamPolicy", resource_name)


PERMISSION_DENIED = "google.api_core.exceptions.PermissionDenied: 403 Missing or insufficient permissions."


@pytest.mark.parametrize(
    ("resource_name", "failure", "told"),
    [
        ("projects/shop-prod", PERMISSION_DENIED, ["projects/shop-prod"]),
        ("folders/4417", "AccessDenied: caller does not have permission", ["folders/4417"]),
        ("projects/shop-prod", "KeyError: 'display_name'", []),  # a failure of another kind
        ("projects/_/buckets/ml-artifacts", PERMISSION_DENIED, []),  # a resource the failure does not name
    ],
)
def test_a_projects_iam_policy_is_told_in_the_incident_of_calls_refused_for_a_permission(
    resource_name: str, failure: str, told: list[str]
) -> None:
    """Deployed at 60 s, profile-00015 runs 15 minutes cleanly; the policy is set at 960 s; from 1,000 s its
    calls are refused. The project's policy is the suspect, not the revision."""
    entries = [request(i * 50, "/me", 200, service="profile", revision="profile-00014-hax") for i in range(2)]
    entries += [
        request(100 + i * 60, "/me", 200, service="profile", revision="profile-00015-wed") for i in range(15)
    ]
    entries.append(iam_policy_set(960, resource_name))
    entries += [
        run_entry(
            1_000 + i * 20, severity="ERROR", service="profile", revision="profile-00015-wed", text=failure
        )
        for i in range(4)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told
    assert incident.suspect_revision == (None if told else "profile-00015-wed")


@pytest.mark.parametrize(
    ("configmap", "namespace", "told"),
    [
        ("pricing-flags", "shop", True),
        ("pricingx", "shop", False),
        ("search-flags", "shop", False),
        # a pod reads ConfigMaps of its own namespace only: `shop-staging`'s is not what `shop/pricing` loads
        ("pricing-flags", "shop-staging", False),
    ],
)
def test_a_change_to_a_resource_named_after_the_service_is_told_in_its_incident(
    configmap: str, namespace: str, told: bool
) -> None:
    """A Kubernetes ConfigMap `pricing-flags` updated, then pricing's handlers fail on the new value."""
    change = audited_change(
        0, "io.k8s.core.v1.configmaps.update", f"core/v1/namespaces/{namespace}/configmaps/{configmap}"
    )
    entries = [change] + [
        container_entry(60 + i * 20, f"pricing-6b7f9c8d4-h{i}", "pricing",
                        'flags: strconv.ParseFloat: parsing "12%": invalid syntax')
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == ([configmap] if told else [])


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        (
            "redis.exceptions.ConnectionError: Error 111 connecting to 10.0.8.3:6379. Connection refused.",
            True,
        ),
        ("Error: connect ECONNREFUSED 10.0.8.3:6379", True),
        ("redis.exceptions.ResponseError: WRONGTYPE Operation against a key", False),  # not its connection
        ("psycopg2.OperationalError: connection refused to 10.20.0.3:5432", False),  # another datastore
        # writes refused by the old primary, now a replica, in Redis' own words (ioredis, redis-py)
        ("ReplyError: READONLY You can't write against a read only replica.", True),
        ("redis.exceptions.ReadOnlyError: You can't write against a read only replica.", True),
        # another engine's replica refusing a write (PostgreSQL), and a read-only file: not the cache's failover
        ("psycopg2.errors.ReadOnlySqlTransaction: cannot execute INSERT in a read-only transaction", False),
        ("OSError: [Errno 30] Read-only file system: '/app/cache/index.json'", False),
        # the connection's end in Jedis', Lettuce's and node-redis' own words
        ("redis.clients.jedis.exceptions.JedisConnectionException: Unexpected end of stream.", True),
        ("io.lettuce.core.RedisConnectionException: Unable to connect to 10.0.8.3/<unresolved>:6379", True),
        (
            "SocketClosedUnexpectedlyError: Socket closed unexpectedly\n"
            "    at Socket.<anonymous> (/app/node_modules/@redis/client/dist/lib/client/socket.js:194:118)",
            True,
        ),
        (
            "StackExchange.Redis.RedisConnectionException: No connection is active/available to service this "
            "operation: GET basket:7781; It was not possible to connect to the redis server(s).",
            True,
        ),
        # a password refused, AUTH asked for: not the failover's doing, nor is another engine's lost connection
        (
            "redis.exceptions.AuthenticationError: WRONGPASS invalid username-password pair or user is disabled.",
            False,
        ),
        ("redis.exceptions.AuthenticationError: NOAUTH Authentication required.", False),
        ("org.postgresql.util.PSQLException: This connection has been closed.", False),
    ],
)
def test_a_datastore_change_is_told_for_its_clients_failed_connections_that_name_no_instance(
    failure: str, told: bool
) -> None:
    entries = [redis_failover(0)] + [
        run_entry(30 + i * 20, severity="ERROR", service="web", instance=f"w{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["cart-cache"] if told else [])


@pytest.mark.parametrize(
    ("method", "failure", "told"),
    [
        # the server's CA rotated: clients that verify its certificate no longer do, in their TLS library's words
        ("cloudsql.instances.rotateServerCa", "failed to connect to `user=orders database=orders`: "
         "10.20.0.5:5432 (10.20.0.5): tls error: tls: failed to verify certificate: x509: certificate signed by "
         "unknown authority", True),
        ("cloudsql.instances.rotateServerCa", "org.postgresql.util.PSQLException: SSL error: PKIX path building "
         "failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification "
         "path to requested target", True),
        ("cloudsql.instances.restart", 'psycopg2.OperationalError: connection to server at "10.20.0.5", port 5432 '
         "failed: Connection refused", True),
        # a password refused: only a change of the instance's users refuses it
        ("cloudsql.instances.rotateServerCa", 'psycopg2.OperationalError: connection to server at "10.20.0.5", '
         'port 5432 failed: FATAL:  password authentication failed for user "etl"', False),
        ("cloudsql.instances.restart", "pymysql.err.OperationalError: (1045, \"Access denied for user "
         "'etl'@'10.20.0.7' (using password: YES)\")", False),
        ("cloudsql.users.update", 'psycopg2.OperationalError: connection to server at "10.20.0.5", port 5432 '
         'failed: FATAL:  password authentication failed for user "etl"', True),
        ("cloudsql.users.update", "pymysql.err.OperationalError: (1045, \"Access denied for user "
         "'etl'@'10.20.0.7' (using password: YES)\")", True),
        ("cloudsql.users.update", 'psycopg2.OperationalError: connection to server at "10.20.0.5", port 5432 '
         "failed: Connection refused", False),
        # Connector/J's lost connection, the certificate it refused named in the cause
        ("cloudsql.instances.rotateServerCa", "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications "
         "link failure\n\tat com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:815)\nCaused by: "
         "javax.net.ssl.SSLHandshakeException: PKIX path building failed", True),
        # a settings change may turn authentication on: a password refused then is its doing, as is a lost connection
        ("cloudsql.instances.patch", "pymysql.err.OperationalError: (1045, \"Access denied for user "
         "'etl'@'10.20.0.7' (using password: YES)\")", True),
        ("cloudsql.instances.patch", 'psycopg2.OperationalError: connection to server at "10.20.0.5", port 5432 '
         "failed: Connection refused", True),
        # another server's certificate (a partner's), which names no database
        ("cloudsql.instances.rotateServerCa", "Error: certificate has expired\n    at TLSSocket.onConnectSecure "
         "(node:_tls_wrap:1674:34)", False),
    ],
)  # fmt: skip
def test_a_cloud_sql_change_is_told_for_the_connections_it_fails_and_a_password_only_for_a_users_change(
    method: str, failure: str, told: bool
) -> None:
    change = audited_change(0, method, "projects/p/instances/ledger-db")
    entries = [change] + [
        run_entry(30 + i * 20, severity="ERROR", service="web", instance=f"w{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["ledger-db"] if told else [])


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        # words only the outage rule knew (`rules.DATASTORE_CLIENTS`, `rules.DATASTORE_GONE`): Go's lib/pq and the
        # server's own words, MySQLdb's `server has gone away`, Ruby pg's with the port after a space
        ("pq: the database system is starting up", True),
        ("MySQLdb.OperationalError: (2006, 'MySQL server has gone away')", True),
        (
            'PG::ConnectionBad: connection to server at "10.20.0.5", port 5432 failed: Connection refused',
            True,
        ),
        # look-alikes: a password a restart does not refuse, a statement refused, a Go read that names no datastore
        ('pq: password authentication failed for user "app"', False),
        ('PG::UndefinedTable: ERROR:  relation "orders" does not exist', False),
        ("decode order: json: unexpected EOF", False),
    ],
)
def test_a_datastore_change_knows_the_clients_and_words_its_outage_rule_knows(
    failure: str, told: bool
) -> None:
    """One table of clients and failure words serves both rules of a datastore: a Cloud SQL restart is told for
    clients only the outage rule knew before."""
    entries = [audited_change(0, "cloudsql.instances.restart", "projects/p/instances/ledger-db")] + [
        run_entry(30 + i * 20, severity="ERROR", service="web", instance=f"w{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["ledger-db"] if told else [])


NOT_NULL = 'null value in column "currency" of relation "entries" violates not-null constraint'


@pytest.mark.parametrize(("database_from", "suspect"), [(600, "ledger-00088-new"), (0, None)])
def test_a_database_refusing_what_a_new_revision_sends_leaves_the_revision_the_incidents_suspect(
    database_from: float, suspect: str | None
) -> None:
    """ledger-00088 from 300 s; the database refuses its inserts from 600 s and ledger quotes it. Had the
    database failed so before the revision ran, the database would explain the error instead."""
    entries = [request(i * 60, "/e", 200, service="ledger", revision="ledger-00087-old") for i in range(5)]
    entries += [
        request(300 + i * 60, "/e", 200, service="ledger", revision="ledger-00088-new") for i in range(10)
    ]
    entries += [
        cloudsql_line(at, f"[{700 + i}]: [1-1] db=ledger,user=app ERROR:  {NOT_NULL}")
        for i, at in enumerate(range(int(database_from), 720, 30))
    ]
    entries += [
        run_entry(600.1 + i * 30, severity="ERROR", service="ledger", revision="ledger-00088-new",
                  instance=f"l{i}", text=f"psycopg2.errors.NotNullViolation: {NOT_NULL}")
        for i in range(4)
    ]  # fmt: skip
    report = scan_entries(entries)
    (incident,) = [i for i in report.incidents if i.links]
    assert incident.suspect_revision == suspect
    assert ("is new in `ledger-00088-new`" in incident.story) is (suspect is not None)


def test_a_scheduler_attempt_carrying_its_targets_5xx_only_in_its_http_request_is_its_effect() -> None:
    entries = [
        request(i * 300, "/run", 500, service="reconciler", revision="reconciler-00012-fud") for i in range(3)
    ]
    entries += [
        {"insertId": f"att{i}", "timestamp": stamp(i * 300 + 61), "severity": "ERROR",
         "logName": "projects/p/logs/cloudscheduler.googleapis.com%2Fexecutions",
         "resource": {"type": "cloud_scheduler_job", "labels": {"job_id": "reconcile", "project_id": "p"}},
         "httpRequest": {"status": 500},
         "jsonPayload": {"@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
                         "status": "INTERNAL", "url": "https://reconciler-q7x2kd9mza-ew.a.run.app/run"}}
        for i in range(3)
    ]  # fmt: skip
    links = {(cause[:12], effect[:19], kinds) for cause, effect, kinds in links_of(scan_entries(entries))}
    assert links == {("HTTP 500 on ", "Cloud Scheduler job", "upstream")}


@pytest.mark.parametrize(
    ("status", "host", "linked"),
    [
        ("INTERNAL", "mailer-q7x2kd9mza-ew.a.run.app", True),
        ("NOT_FOUND", "mailer-q7x2kd9mza-ew.a.run.app", False),  # a 404 is no failure of the target's
        ("UNKNOWN", "mailer-q7x2kd9mza-ew.a.run.app", False),  # no answer: no status of the target's
        ("INTERNAL", "thumbnailer-q7x2kd9mza-ew.a.run.app", False),  # another service's URL
    ],
)
def test_a_cloud_tasks_attempt_naming_its_targets_5xx_by_its_rpc_code_is_its_effect(
    status: str, host: str, linked: bool
) -> None:
    """Cloud Tasks' attempt record names the target's answer by its RPC code only (`INTERNAL` for a 500) and has
    no `httpRequest`: the code stands for the status it maps to."""
    entries = [
        run_entry(
            i * 300,
            severity="ERROR",
            log="run.googleapis.com%2Frequests",
            httpRequest={"requestMethod": "POST", "requestUrl": "https://mailer-q7x2kd9mza-ew.a.run.app/tasks/send",
                         "status": 500},
            service="mailer",
            revision="mailer-00031-gax",
        )
        for i in range(3)
    ]  # fmt: skip
    entries += [
        {"insertId": f"att{i}", "timestamp": stamp(i * 300 + 1), "severity": "ERROR",
         "logName": "projects/p/logs/cloudtasks.googleapis.com%2Ftask_operations_log",
         "resource": {"type": "cloud_tasks_queue", "labels": {"queue_id": "email-queue", "project_id": "p"}},
         "jsonPayload": {"@type": "type.googleapis.com/google.cloud.tasks.logging.v1.TaskActivityLog",
                         "task": f"projects/p/locations/europe-west1/queues/email-queue/tasks/{7310993 + i}",
                         "attemptResponseLog": {"status": status, "targetAddress": f"POST https://{host}/tasks/send",
                                                "targetType": "HTTP", "dispatchCount": "2"}}}
        for i in range(3)
    ]  # fmt: skip
    links = {(cause[:12], effect[:16], kinds) for cause, effect, kinds in links_of(scan_entries(entries))}
    assert links == ({("HTTP 500 on ", "Cloud Tasks queu", "upstream")} if linked else set())


ENVOY_TLS = (
    "warning envoy connection ssl_socket.cc:246 [C4471] remote address:10.8.5.17:8080,"
    "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end"
)


@pytest.mark.parametrize(("chatty", "linked"), [(False, True), (True, False)])
def test_a_mesh_proxys_tls_warning_causes_the_error_of_the_application_beside_it(
    chatty: bool, linked: bool
) -> None:
    """Envoy logs a failed TLS handshake as a warning; the application's call through it fails. A proxy warning
    logged all the time, most of it with no error beside it, is not the cause."""
    entries = []
    for i in range(12 if chatty else 4):
        pod = f"inventory-7c8d9e0f1-a{i}"
        entries.append(container_entry(i * 60, pod, "istio-proxy", ENVOY_TLS) | {"severity": "WARNING"})
        if i < 4:
            entries.append(
                container_entry(i * 60 + 0.1, pod, "inventory", "stock sync failed: upstream connect error or "
                                "disconnect/reset before headers. reset reason: connection failure")
            )  # fmt: skip
    links = {(cause[:5], effect[:10]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert links == ({("warni", "stock sync")} if linked else set())


@pytest.mark.parametrize(
    ("namespace", "sidecar", "kind"),
    [("mysql-ops", "istio-proxy", "mesh"), ("shop", "cloud-sql-proxy", "database")],
)
def test_a_proxys_kind_is_told_by_its_container_not_by_its_namespace(
    namespace: str, sidecar: str, kind: str
) -> None:
    """An Istio sidecar in a namespace named after a database is the pod's mesh proxy, not its database proxy."""
    entries = []
    for i in range(4):
        pod = f"orders-5c6d7e8f9-a{i}b2c"
        for seconds, container, text in (
            (i * 60, sidecar, "upstream connect failed: dial tcp 10.20.0.3:3307: i/o timeout"),
            (i * 60 + 0.2, "orders", "OperationalError: server closed the connection unexpectedly"),
        ):
            entry = container_entry(seconds, pod, container, text)
            entry["resource"]["labels"]["namespace_name"] = namespace
            entries.append(entry)
    evidence = [e for i in scan_entries(entries).incidents for link in i.links for e in link.evidence]
    assert len(evidence) == 1
    assert evidence[0].endswith(f"of its {kind} proxy on the same pod")


def test_the_change_kind_patterns_stay_linear() -> None:
    from loggardener.linking.incidents import (
        _CONNECTION_FAILED,
        _DATASTORES,
        _PERMISSION_DENIED,
        _WRITE_REFUSED_BY_REPLICA,
    )

    assert_linear(lambda n: _PERMISSION_DENIED.search("does not have " * n + "x" * n), 20_000)
    assert_linear(lambda n: _CONNECTION_FAILED.search("connection was " * n), 20_000)
    for _, client in _DATASTORES:
        assert_linear(lambda n, client=client: client.search(":637 " * n), 20_000)
    for refused in _WRITE_REFUSED_BY_REPLICA.values():
        assert_linear(lambda n, refused=refused: refused.search("cannot execute x in a " * n), 20_000)


def test_the_patterns_of_limits_schemas_certificates_keys_and_the_kubernetes_api_stay_linear() -> None:
    from loggardener.linking.facts import _K8S_SUBRESOURCE
    from loggardener.linking.incidents import (
        _API_KEY_REFUSED,
        _CERTIFICATE_NOT_FOR_HOST,
        _KUBERNETES_API,
        _LIMIT_REFUSED,
        _SCHEMA_NAME_UNKNOWN,
    )

    assert_linear(lambda n: _LIMIT_REFUSED.search("too many " * n), 8_000)
    assert_linear(lambda n: _SCHEMA_NAME_UNKNOWN.search("column x " * n), 8_000)
    assert_linear(lambda n: _CERTIFICATE_NOT_FOR_HOST.search("certificate is " * n), 8_000)
    assert_linear(lambda n: _API_KEY_REFUSED.search("Requests to this API " * n), 8_000)
    assert_linear(lambda n: _KUBERNETES_API.search("https://a/api/v1/x " * n + "url: /apis/" * n), 8_000)
    assert_linear(lambda n: _K8S_SUBRESOURCE.search("x on " + "a/" * n + "b"), 8_000)


def test_the_patterns_of_changes_credentials_and_outages_stay_linear() -> None:
    from loggardener.linking.facts import _CHANGED_RESOURCE
    from loggardener.linking.incidents import (
        _AUTHENTICATION_FAILED,
        _CONNECTION_FAILED,
        _DATASTORE_CONNECTION_FAILED,
        _UNREACHABLE,
    )
    from loggardener.linking.rules import _LOCAL_UPSTREAM, _SERVER_OUTAGE, _UNAVAILABLE_WORDS

    assert_linear(lambda n: _CONNECTION_FAILED.search("connection to server at " * n), 20_000)
    assert_linear(lambda n: _DATASTORE_CONNECTION_FAILED.search("invalid connection " * n), 20_000)
    assert_linear(lambda n: _UNREACHABLE.search("dial tcp " * n), 20_000)
    assert_linear(lambda n: _AUTHENTICATION_FAILED.search("authentication " * n), 20_000)
    assert_linear(lambda n: _SERVER_OUTAGE.search("the database system is " * n), 20_000)
    assert_linear(lambda n: _UNAVAILABLE_WORDS.search("Service Gateway " * n), 20_000)
    assert_linear(lambda n: _LOCAL_UPSTREAM.search("(upstream: http://127.0.0 " * n), 20_000)
    assert_linear(lambda n: _CHANGED_RESOURCE.search("x on " + "-/" * n + "a b"), 2_000)


OOM = 'Exception in thread "http-nio-8080-exec-7" java.lang.OutOfMemoryError: Java heap space'


@pytest.mark.parametrize(("chatty", "linked"), [(False, True), (True, False)])
def test_a_restart_the_kubelet_reports_half_a_minute_after_a_crash_is_its_effect(
    chatty: bool, linked: bool
) -> None:
    """The kubelet's back-off reports the restart 30 s after the crash, beyond the instance window. An error
    the pod logs all the time, most of it far from any restart, is not the crash."""
    entries = []
    for i in range(3):
        pod = f"render-6d8f7c9b5-k{i}"
        if chatty:
            entries += [container_entry(i * 1_200 + k * 60, pod, "render", OOM) for k in range(20)]
        else:
            entries.append(container_entry(i * 1_200, pod, "render", OOM))
        entries.append(
            pod_event(
                i * 1_200 + 30,
                pod,
                "BackOff",
                f"Back-off restarting failed container render in pod {pod}_shop(7b2e{i}c1d-4f5a-4b6c-8d9e-0f1a2b3c4d5e)",
            )
        )
    links = {(cause[:9], effect[:8]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert links == ({("Exception", "BackOff:")} if linked else set())


def batch_entry(seconds: float, log: str, task: int, text: str) -> dict[str, Any]:
    return {
        "insertId": f"b{seconds}{log}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": f"projects/p/logs/{log}",
        "resource": {
            "type": "batch.googleapis.com/Job",
            "labels": {"job_id": "nightly-export", "job_uid": "ne-4f2a"},
        },
        "labels": {"hostname": f"ne-4f2a-group0-{task}", "task_id": f"task/ne-4f2a-group0-{task}/0/0"},
        "textPayload": text,
    }


def test_a_batch_tasks_runnable_exit_is_the_effect_of_the_error_its_vm_logged_just_before() -> None:
    """A Batch task's VM (`labels.hostname`) is its instance: the upload's 403, then the runnable's exit."""
    entries = []
    for task in range(3):
        entries.append(
            batch_entry(task * 90, "batch_task_logs", task, "google.api_core.exceptions.Forbidden: 403 POST "
                        "https://storage.googleapis.com/upload/storage/v1/b/exports/o: does not have access")
        )  # fmt: skip
        entries.append(
            batch_entry(task * 90 + 3, "batch_agent_logs", task,
                        f"Task task/ne-4f2a-group0-{task}/0/0 runnable 0 failed with exit code 1")
        )  # fmt: skip
    links = {(cause[:35], effect[:9], kinds) for cause, effect, kinds in links_of(scan_entries(entries))}
    assert links == {("google.api_core.exceptions.Forbidde", "Task task", "instance")}


def test_a_failed_rollout_is_told_when_another_service_names_its_revisions_alike() -> None:
    """Two services may name their revisions alike (App Engine versions deployed together): `api`'s old
    revision `20261124t0900` still serves though `web`'s revision of that name answered a request first."""
    entries = [
        run_entry(i * 30, text="Container called exit(1).", severity="ERROR", revision="20261124t1000",
                  log="run.googleapis.com%2Fvarlog%2Fsystem")
        for i in range(4)
    ] + [
        run_entry(i * 30 + 5, severity="INFO", service=service, revision="20261124t0900",
                  log="run.googleapis.com%2Frequests",
                  httpRequest={"requestMethod": "GET", "requestUrl": "https://x.example.org/items", "status": 200})
        for i in range(3)
        for service in ("web", "api")
    ]  # fmt: skip
    exits = by_title(scan_entries(entries), "Container called exit(1).")
    assert exits.priority == "P1"
    assert "revision 20261124t0900 of the same service still serves" in exits.reasons[0]


def failing_revision(
    start: float, text: str, count: int = 3, service: str = "notify"
) -> list[dict[str, Any]]:
    return [
        run_entry(start + i * 20, severity="ERROR", service=service, revision=f"{service}-00004-kel",
                  instance=f"n{i}", text=text)
        for i in range(count)
    ]  # fmt: skip


SECRET_VERSION_ADDED = audited_change(
    0,
    "google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion",
    "projects/418/secrets/stripe-live-key",
)
FIREWALL_PATCHED = audited_change(
    0, "v1.compute.firewalls.patch", "projects/p/global/firewalls/allow-gke-to-redis"
)
SIGNER_POLICY_SET = audited_change(
    0, "google.iam.admin.v1.SetIAMPolicy", "projects/-/serviceAccounts/104729384756102938475"
)
SIGN_DENIED = (
    "google.auth.exceptions.TransportError: Error calling sign_bytes: {'error': {'code': 403, 'message': "
    "\"Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may not exist).\", 'status': 'PERMISSION_DENIED'}}"
)


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (SECRET_VERSION_ADDED, "stripe._error.AuthenticationError: Invalid API Key provided: sk_live_****Qx7d",
         ["stripe-live-key"]),
        (SECRET_VERSION_ADDED, 'FATAL:  password authentication failed for user "billing_app"', ["stripe-live-key"]),
        (SECRET_VERSION_ADDED, "KeyError: 'display_name'", []),  # a failure of another kind
        (SECRET_VERSION_ADDED, "Error: connect ETIMEDOUT 10.30.0.12:6379", []),
        (FIREWALL_PATCHED, "Error: connect ETIMEDOUT 10.30.0.12:6379", ["allow-gke-to-redis"]),
        (FIREWALL_PATCHED, "dial tcp 10.30.0.12:5432: i/o timeout", ["allow-gke-to-redis"]),
        (FIREWALL_PATCHED, "Error: connect ECONNREFUSED 10.30.0.12:6379", ["allow-gke-to-redis"]),
        (FIREWALL_PATCHED, "stripe._error.AuthenticationError: Invalid API Key provided", []),
        (SIGNER_POLICY_SET, SIGN_DENIED, ["104729384756102938475"]),
        (SIGNER_POLICY_SET, PERMISSION_DENIED, []),  # a permission the account's own policy does not grant
        (DNS_CHANGE, SIGN_DENIED, []),
    ],
)  # fmt: skip
def test_a_change_of_a_kind_is_told_for_the_failures_of_its_kind(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """A secret's new version and a credential refused; a firewall rule and connections that find no way; a
    service account's policy (named by its numeric id, under the wildcard project `-`) and a call refused a
    permission it grants."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


def policy_delta(seconds: float, *actions: str) -> dict[str, Any]:
    """A project's `SetIamPolicy` whose audit entry carries its binding deltas (`serviceData.policyDelta`)."""
    change = iam_policy_set(seconds, "projects/shop-prod")
    change["protoPayload"]["serviceData"] = {
        "@type": "type.googleapis.com/google.iam.v1.logging.AuditData",
        "policyDelta": {"bindingDeltas": [
            {"action": action, "role": "roles/monitoring.viewer", "member": "serviceAccount:grafana@p.iam.gserviceaccount.com"}
            for action in actions
        ]},
    }  # fmt: skip
    return change


@pytest.mark.parametrize(
    ("actions", "told"),
    [
        (("ADD",), []),
        (("ADD", "ADD"), []),
        (("ADD", "REMOVE"), ["projects/shop-prod"]),
        ((), ["projects/shop-prod"]),
    ],
)
def test_a_projects_iam_change_that_only_grants_is_not_told_for_calls_refused_a_permission(
    actions: tuple[str, ...], told: list[str]
) -> None:
    """A policy change that only adds bindings refuses nobody; one that removes one (or tells no delta) may."""
    (incident,) = scan_entries(
        [policy_delta(0, *actions), *failing_revision(120, PERMISSION_DENIED)]
    ).incidents
    assert [c.resource for c in incident.changes] == told


GOOGLE_API_403 = (
    "requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
    "https://storage.googleapis.com/storage/v1/b/exports/o?prefix=daily%2F"
)


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        # an HTTP 403 and its reason phrase as requests, aiohttp and others join them, calling a Google API
        (GOOGLE_API_403, ["projects/shop-prod"]),
        ("aiohttp.client_exceptions.ClientResponseError: 403, message='Forbidden', "
         "url=URL('https://sqladmin.googleapis.com/sql/v1beta4/projects/p/instances/db/connectSettings')",
         ["projects/shop-prod"]),
        ("upload failed: status 403 (Forbidden)", ["projects/shop-prod"]),
        ("Faraday::ForbiddenError: the server responded with status 403 for PUT "
         "https://storage.googleapis.com/upload/storage/v1/b/media/o", ["projects/shop-prod"]),
        ("list objects: HTTP 403 from https://storage.googleapis.com/storage/v1/b/media/o", ["projects/shop-prod"]),
        ("call failed: 403 Client Error: Forbidden for url: https://ledger-3kq7x2m9ab-uc.a.run.app/v1/post",
         ["projects/shop-prod"]),
        # a partner's API refusing: the project's policy grants none of its calls
        ("requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://api.rates.example.com/v2",
         []),
        ("rates refresh failed: GET https://api.rates.example.com/v2 returned 403 Forbidden", []),
        # Artifact Registry's hosts of every format, not only Docker's
        ("pip._vendor.requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
         "https://us-central1-python.pkg.dev/p/py/simple/orders-lib/", ["projects/shop-prod"]),
        # the host after a URL's userinfo, an IPv6 literal's, a host with its port
        ("requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
         "https://deploy:hunter2@us-central1-docker.pkg.dev/v2/p/apps/orders/manifests/2.3.0", ["projects/shop-prod"]),
        ("requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
         "https://svc-rates:hunter2@api.rates.example.com:8443/v2/rates", []),
        ("aiohttp.client_exceptions.ClientResponseError: 403, message='Forbidden', "
         "url=URL('http://[fd20:8b1f:0:1::5]:8080/internal/ledger/close')", []),
        ("consul: unexpected response code: 403 (Permission denied) from http://[::1]:8500/v1/kv/config", []),
        ("aiohttp.client_exceptions.ClientResponseError: 403, message='Forbidden', "
         "url=URL('https://secretmanager.googleapis.com:443/v1/projects/p/secrets/db/versions/latest:access')",
         ["projects/shop-prod"]),
        # a 403 far from its reason phrase is not read as one; a number that is no status neither
        ("request 403 of the batch failed: Forbidden characters in key", []),
        ("processed 1403 rows; Forbidden", []),
        ("export failed with status 4031", []),
    ],
)  # fmt: skip
def test_a_projects_iam_change_is_told_for_http_403s_of_the_hosts_it_guards(
    failure: str, told: list[str]
) -> None:
    """A project's IAM policy losing a role refuses calls to Google's APIs, Cloud Run services and functions: an HTTP
    client says it as a 403 and its reason phrase, and names the host it called."""
    (incident,) = scan_entries([policy_delta(0, "REMOVE"), *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    "answer",
    [
        # its access lines: a logfmt request log, Rails', uvicorn's
        'level=warn msg="request completed" method=POST path=/v1/admin/refunds status=403 remote=203.0.113.9',
        "Completed 403 Forbidden in 4ms (ActiveRecord: 0.6ms | Allocations: 1021)",
        'INFO:     10.8.0.12:51544 - "DELETE /v1/orders/7781 HTTP/1.1" 403 Forbidden',
        # a refusal it says it sent, a route of its own or a path after the refusal (Django's)
        "returned 403 Forbidden to client 203.0.113.9: token lacks scope exports:read",
        "access denied for GET /v1/exports/daily.csv: HTTP 403",
        "Forbidden (Permission denied): /admin/orders/order/7781/change/",
        # the exceptions web frameworks answer 403 with
        "org.springframework.security.access.AccessDeniedException: Access is denied\n\tat "
        "org.springframework.security.access.vote.AffirmativeBased.decide(AffirmativeBased.java:73)",
        "werkzeug.exceptions.Forbidden: 403 Forbidden: You don't have the permission to access the requested resource.",
        # a database's own privileges, which its GRANTs give
        "psycopg2.errors.InsufficientPrivilege: permission denied for table orders",
        "pymysql.err.OperationalError: (1142, \"SELECT command denied to user 'app'@'10.0.0.4' for table 'orders'\")",
    ],
)
def test_a_refusal_the_service_answered_tells_no_projects_iam_change(answer: str) -> None:
    """A project's IAM policy refuses calls the service makes; a 403 it answered its own users with (its access line,
    its web framework's refusal) is no sign of it, however the line says `403`, `Forbidden` or `Access denied`."""
    (incident,) = scan_entries([policy_delta(0, "REMOVE"), *failing_revision(120, answer)]).incidents
    assert incident.changes == []


@pytest.mark.parametrize(
    "refusal",
    [
        # the operating system refusing a file or a directory (EACCES, EPERM), in each runtime's words
        "Error: EACCES: permission denied, mkdir '/srv/app/tmp/thumbs'\n    at Object.mkdirSync (node:fs:1391:3)",
        "Error: EPERM: operation not permitted, rename '/srv/app/a.json' -> '/srv/app/b.json'",
        "PermissionError: [Errno 13] Permission denied: '/var/cache/app/pages.db'",
        "Errno::EACCES: Permission denied @ rb_sysopen - /srv/app/log/production.log",
        "java.nio.file.AccessDeniedException: /opt/app/work/batch-17.tmp",
        "java.io.FileNotFoundException: /opt/app/conf/keystore.p12 (Permission denied)",
        "open /run/secrets/api-key: permission denied",
        "cp: cannot create regular file '/etc/nginx/conf.d/app.conf': Permission denied",
    ],
)
def test_a_file_the_operating_system_refused_tells_no_projects_iam_change(refusal: str) -> None:
    """A file's mode bits, owner or mount refuse it, not an IAM policy: `Permission denied` on a path is no sign of a
    project's IAM change, in any runtime's words."""
    (incident,) = scan_entries([policy_delta(0, "REMOVE"), *failing_revision(120, refusal)]).incidents
    assert incident.changes == []


def test_a_google_apis_refusal_beside_a_files_is_still_told() -> None:
    """A Cloud Storage FUSE read refused by the API says so after the file system's words: the API's refusal tells
    the project's IAM change (look-alike of the test above)."""
    refusal = (
        "ReadFile: permission denied, open '/mnt/gcs/x.csv': googleapi: Error 403: app@p.iam.gserviceaccount.com "
        "does not have storage.objects.get access to the Google Cloud Storage object., forbidden"
    )
    (incident,) = scan_entries([policy_delta(0, "REMOVE"), *failing_revision(120, refusal)]).incidents
    assert [c.resource for c in incident.changes] == ["projects/shop-prod"]


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (None, []),  # the status a request was answered with (`HTTP 403 on GET /me`) is the service's answer
        ("The request was not authorized to invoke this service. Read more at "
         "https://cloud.google.com/run/docs/securing/authenticating", ["projects/shop-prod"]),
    ],
)  # fmt: skip
def test_a_request_problem_tells_a_projects_iam_change_only_in_its_platforms_words(
    text: str | None, told: list[str]
) -> None:
    """Requests answered 403: only Cloud Run's own words that it refused the invoker say IAM refused them."""
    entries = [policy_delta(0, "REMOVE")]
    for i in range(4):
        entry = request(
            120 + i * 20, "/me", 403, service="profile", revision="profile-00015-wed", instance=f"i{i}"
        )
        entry["severity"] = "WARNING"
        if text:
            entry["textPayload"] = text
        entries.append(entry)
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    ("method", "failure"),
    [
        (
            "cloudsql.users.update",
            'psycopg2.OperationalError: connection to server at "10.20.0.11", port 5432 failed: '
            'FATAL:  password authentication failed for user "app"',
        ),
        (
            "cloudsql.instances.rotateServerCa",
            "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) [SSL: CERTIFICATE_VERIFY_FAILED] "
            "certificate verify failed: unable to get local issuer certificate",
        ),
    ],
)
def test_a_sql_change_is_told_for_connections_its_server_refuses(method: str, failure: str) -> None:
    """A Cloud SQL user's password changed (libpq: `connection to server at … failed: …`), or its server CA
    rotated (a client that cannot verify the server's certificate)."""
    change = audited_change(0, method, "projects/p/instances/main-pg")
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == ["main-pg"]


RECOVERY = "FATAL:  the database system is in recovery mode"


@pytest.mark.parametrize(
    ("database", "suspect"), [(RECOVERY, None), (f"ERROR:  {NOT_NULL}", "ledger-00088-new")]
)
def test_a_database_down_after_a_deploy_is_not_the_new_revision_answering(
    database: str, suspect: str | None
) -> None:
    """ledger-00088 from 300 s; from 600 s the database says it is in recovery (it refuses every client alike):
    the revision is not the suspect. The database refusing a statement the new code sends leaves it one."""
    entries = [request(i * 60, "/e", 200, service="ledger", revision="ledger-00087-old") for i in range(5)]
    entries += [
        request(300 + i * 60, "/e", 200, service="ledger", revision="ledger-00088-new") for i in range(10)
    ]
    entries += [
        cloudsql_line(600 + i * 30, f"[{700 + i}]: [1-1] db=ledger,user=app {database}") for i in range(4)
    ]
    entries += [
        run_entry(600.1 + i * 30, severity="ERROR", service="ledger", revision="ledger-00088-new",
                  instance=f"l{i}", text=f"psycopg2.OperationalError: {database}")
        for i in range(4)
    ]  # fmt: skip
    report = scan_entries(entries)
    (incident,) = [i for i in report.incidents if i.links]
    assert incident.suspect_revision == suspect


TWILIO_503 = (
    "twilio.base.exceptions.TwilioRestException: HTTP 503 error: Unable to create record: Service Unavailable"
)


@pytest.mark.parametrize(
    ("failure", "starts", "suspect"),
    [
        (TWILIO_503, 700, None),  # the provider failed after the revision ran 7 minutes without it
        ("grpc: 14 UNAVAILABLE: failed to connect to all addresses", 700, None),
        (TWILIO_503, 310, "notify-00052-new"),  # at once: the revision may call it wrongly
        ("KeyError: 'sender'", 700, "notify-00052-new"),  # its own failure
        ("wrote 503 records to the outbox, then KeyError: 'sender'", 700, "notify-00052-new"),
    ],
)
def test_a_server_failing_the_revision_s_calls_after_it_ran_without_it_is_not_the_revision_s_fault(
    failure: str, starts: float, suspect: str | None
) -> None:
    entries = [request(i * 60, "/sms", 200, service="notify", revision="notify-00051-old") for i in range(5)]
    entries += [
        request(300 + i * 60, "/sms", 200, service="notify", revision="notify-00052-new") for i in range(15)
    ]
    entries += [
        run_entry(starts + i * 20, severity="ERROR", service="notify", revision="notify-00052-new",
                  instance=f"n{i}", text=failure)
        for i in range(4)
    ]  # fmt: skip
    report = scan_entries(entries)
    problem = by_title(report, failure[:12])
    assert next(i for i in report.incidents if i.id == problem.incident).suspect_revision == suspect


CONNECTOR_FAILED = (
    "Cloud SQL connection failed. Please see https://cloud.google.com/sql/docs/mysql/connect-run for additional "
    'details: ensure that the account has access to "p:europe-west1:accounts-mysql" (and make sure there\'s no '
    "typo in that name). Error during generateEphemeral for p:europe-west1:accounts-mysql: googleapi: Error 403: "
    "The client is not authorized to make this request., notAuthorized"
)
MYSQL_CONNECT = (
    "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2003, \"Can't connect to MySQL server on "
    "'/cloudsql/p:europe-west1:accounts-mysql' ([Errno 2] No such file or directory)\")"
)


@pytest.mark.parametrize(
    ("log", "linked"),
    [("run.googleapis.com%2Fvarlog%2Fsystem", True), ("run.googleapis.com%2Fstderr", False)],
)
def test_cloud_runs_cloud_sql_connection_failing_causes_the_apps_database_error_on_that_instance(
    log: str, linked: bool
) -> None:
    """Cloud Run's built-in Cloud SQL connection is the instance's database proxy: its failure, in the system
    log, causes the application's connect error beside it. The application logging those words itself is not
    the platform's connection."""
    entries = []
    for i in range(4):
        entries.append(run_entry(i * 40, severity="ERROR", instance=f"i{i}", log=log, text=CONNECTOR_FAILED))
        entries.append(run_entry(i * 40 + 0.05, severity="ERROR", instance=f"i{i}", text=MYSQL_CONNECT))
    links = {(cause[:10], effect[:10]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert links == ({("Cloud SQL ", "sqlalchemy")} if linked else set())


def restarting_pods(workload: str, at: float) -> list[dict[str, Any]]:
    """`workload`'s container crashes on two pods and the kubelet restarts it (an exit) from `at`."""
    entries = []
    for i in range(2):
        pod = f"{workload}-6f5e4d3c2-w{i}x4z"
        entries.append(
            container_entry(at + i * 60, pod, workload, "panic: runtime error: index out of range [3]")
        )
        entries.append(
            pod_event(
                at + i * 60 + 20,
                pod,
                "BackOff",
                f"Back-off restarting failed container {workload} in pod {pod}",
            )
        )
    return entries


def caller_errors(at: float, text: str, container: str = "cart") -> list[dict[str, Any]]:
    return [
        container_entry(at + 25 + i * 30, f"{container}-59c8d7e6f-r3t5y", container, text) for i in range(4)
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Get "http://inventory.shop.svc.cluster.local:8080/stock/42": dial tcp 10.12.4.9:8080: connect: connection refused',
        "reserve via inventory:50051 failed: Error: 14 UNAVAILABLE: No connection established",
        "aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host inventory:8080 ssl:default",
        "System.Net.Http.HttpRequestException: Connection refused (inventory:8080)",
        "requests.exceptions.ConnectionError: HTTPConnectionPool(host='inventory', port=8080): Max retries exceeded "
        "with url: /stock/42 (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] "
        "Connection refused'))",
        "WebClientRequestException: Connection refused: inventory/10.12.4.9:8080",
        "Errno::ECONNREFUSED: Failed to open TCP connection to inventory.shop:8080 (Connection refused)",
        'Get "http://inventory:8080/stock/42": context deadline exceeded (Client.Timeout exceeded while awaiting '
        "headers)",
        "java.net.ConnectException: Failed to connect to inventory/10.12.4.9:8080",
        "curl: (7) Failed to connect to inventory port 8080 after 3 ms: Connection refused",
        "rpc error: code = Unavailable desc = connection error (target dns:///inventory:9090)",
        "redis.exceptions.ConnectionError: Error 111 connecting to inventory:6379. Connection refused.",
    ],
)
def test_a_callers_refused_connection_naming_a_service_as_its_host_is_the_effect_of_its_restarts(
    text: str,
) -> None:
    """A Kubernetes service logs no requests: a caller refused by it names it as the host it called, in any
    client's words, and its restarts (not the crash before them, nor its probes) are what the caller met."""
    links = links_of(scan_entries(restarting_pods("inventory", 0) + caller_errors(0, text)))
    upstream = [(cause, kinds) for cause, effect, kinds in links if effect.startswith(text[:20])]
    assert [(cause[:8], kinds) for cause, kinds in upstream] == [("BackOff:", "upstream")]


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (0, 'Post "http://inventory-db:5432/": dial tcp: connect: connection refused'),  # another name
        (0, "Error: read ECONNRESET calling https://inventory.stripe.com:443/v1/events"),  # another domain
        (0, "inventory is slow: 14 UNAVAILABLE from the cache"),  # the name as a word, not as a host
        (0, "Get http://inventory:8080/stock/42: 404 Not Found"),  # not cut off, no 5xx
        (
            0,
            "at Object.<anonymous> (node:inventory:503:14) connect ECONNREFUSED 10.0.0.1:80",
        ),  # a source line
        (
            5400,
            'Get "http://inventory:8080/stock/42": dial tcp: connect: connection refused',
        ),  # 90 minutes later
    ],
)
def test_no_host_link_for_another_host_a_word_a_source_line_or_another_time(at: float, text: str) -> None:
    links = links_of(scan_entries(restarting_pods("inventory", 0) + caller_errors(at, text)))
    assert [effect for _, effect, _ in links if effect.startswith(text[:12])] == []


def test_a_short_host_name_is_a_service_of_the_callers_own_namespace() -> None:
    """`inventory:8080` called from the `billing` namespace is billing's inventory, not shop's."""
    callers = caller_errors(0, 'Get "http://inventory:8080/stock/42": dial tcp: connect: connection refused')
    for caller in callers:
        caller["resource"]["labels"]["namespace_name"] = "billing"
    links = links_of(scan_entries(restarting_pods("inventory", 0) + callers))
    assert [effect for _, effect, _ in links if effect.startswith("Get ")] == []


def test_no_host_link_to_a_service_that_only_warns() -> None:
    entries = [
        container_entry(i * 30, "payments-3d4e-t5u6v", "payments", f"WARN slow query took 2.{i}s")
        | {"severity": "WARNING"}
        for i in range(4)
    ]
    entries += caller_errors(0, 'Post "http://payments:8080/v1/settle": read: connection reset by peer')
    assert links_of(scan_entries(entries)) == set()


@pytest.mark.parametrize(("errors", "linked"), [(1, True), (2, False)])
def test_a_5xx_from_a_service_that_logs_no_requests_is_the_effect_of_its_one_error_then(
    errors: int, linked: bool
) -> None:
    """The caller names the host and the 500 it answered; the service logs no request, so its error in the same
    minutes is what answered 500; of two errors then, which one is not told."""
    failures = ["OSError: [Errno 28] No space left on device: '/scratch/seg.ts'", "KeyError: 'preset'"][
        :errors
    ]
    entries = [
        container_entry(i * 20 + k, f"transcoder-7c6d-h{i}k9q", "transcoder", failure)
        for i in range(3)
        for k, failure in enumerate(failures)
    ]
    entries += caller_errors(
        0, "transcode failed: 500 Server Error for url: http://transcoder.shop.svc.cluster.local:8000/jobs"
    )
    links = links_of(scan_entries(entries))
    found = [cause for cause, effect, _ in links if effect.startswith("transcode failed")]
    assert [cause[:20] for cause in found] == (["OSError: [Errno 28] "] if linked else [])


def test_a_source_lines_number_is_neither_a_host_nor_the_status_a_call_was_answered_with() -> None:
    from loggardener.linking.rules import _answered, _host_names

    text = "Error: socket hang up\n    at TLSSocket.socketOnEnd (node:_http_client:519:23)\n    at (node:events:517:28)"
    assert list(_host_names(text)) == []
    assert _answered(text) == set()
    assert _answered("Get http://catalog:8080/x: 503 Service Unavailable") == {"503"}


def test_the_host_and_cut_off_patterns_stay_linear() -> None:
    from loggardener.linking.facts import CUT_OFF
    from loggardener.linking.rules import _HOST, _SERVER_GONE

    assert_linear(lambda n: list(_HOST.finditer("a.b:1/" * n)), 20_000)
    assert_linear(lambda n: list(_HOST.finditer("x" + ".y" * n)), 20_000)
    assert_linear(lambda n: CUT_OFF.search("Connection to " * n), 20_000)
    assert_linear(lambda n: _SERVER_GONE.search("connection was " * n), 20_000)


@given(st.text(alphabet="connectiorfusedhaup UNAVILBE-_", max_size=40))
@example("Error: connect ECONNREFUSED 10.0.0.3:5432")
@example("code = Unavailable desc = connection error")
@example("Cannot connect to host inventory:8080")
@example("No connection could be made because the target machine actively refused it")
@example("socket hang up")
@example("connect EHOSTUNREACH 10.0.0.3:443")
def test_names_failure_finds_every_cut_off_call_the_regular_expression_finds(text: str) -> None:
    from loggardener.linking.facts import CUT_OFF

    assert names_failure(text) == bool(
        FAILED_STATUS_WORD.search(text) or TIMED_OUT.search(text) or CUT_OFF.search(text)
    )


def postgres_line(seconds: float, text: str, instance: str = "orders-db") -> dict[str, Any]:
    return cloudsql_line(seconds, text) | {
        "insertId": f"pg-{instance}-{seconds}",
        "resource": {
            "type": "cloudsql_database",
            "labels": {"database_id": f"p:{instance}", "project_id": "p"},
        },
    }


PG_CLIENTS = [
    'psycopg2.OperationalError: connection to server at "10.31.0.3", port 5432 failed: Connection refused',
    "org.postgresql.util.PSQLException: Connection to 10.31.0.3:5432 refused. Check that the hostname and port are correct",
    "Error: Connection terminated unexpectedly\n    at Connection.<anonymous> (/app/node_modules/pg/lib/client.js:132:73)",
    "failed to connect to `host=10.31.0.3 user=app database=orders`: dial error (dial tcp 10.31.0.3:5432: connect: "
    "connection refused)",
    # node-postgres' protocol parser in the stack; Prisma's P1001 with the port quoted apart from the host
    "error: terminating connection due to administrator command\n    at Parser.parseErrorMessage "
    "(/app/node_modules/pg-protocol/dist/parser.js:287:98)",
    "PrismaClientInitializationError: Can't reach database server at `10.31.0.3`:`5432`",
]


@pytest.mark.parametrize("client", PG_CLIENTS)
def test_a_database_saying_it_is_down_causes_the_failed_connections_of_its_engines_clients(
    client: str,
) -> None:
    """The client names no instance (an address), but its driver or port names the engine, and one PostgreSQL
    instance says it is down in the same minutes."""
    entries = [postgres_line(i * 15, "FATAL:  the database system is starting up") for i in range(4)]
    entries += [run_entry(10 + i * 20, text=client, severity="ERROR") for i in range(3)]
    links = links_of(scan_entries(entries))
    assert [(cause, kinds) for cause, effect, kinds in links if effect.startswith(client[:12])] == [
        ("the database system is starting up", "upstream")
    ]
    (incident,) = scan_entries(entries).incidents
    assert "the only PostgreSQL instance saying it is down then" in incident.story


HIKARI_TIMEOUT = "HikariPool-1 - Connection is not available, request timed out after 30000ms."


@pytest.mark.parametrize(
    ("instances", "client_from", "client", "linked"),
    [
        (("orders-db",), 10, HIKARI_TIMEOUT, True),
        (("orders-db",), 10, "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
         "connection timed out, timeout 30.00", True),
        # two instances down then: which one the pool waited for is not told
        (("orders-db", "stock-db"), 10, HIKARI_TIMEOUT, False),
        # the pool timing out an hour later, the instance long up
        (("orders-db",), 3_600, HIKARI_TIMEOUT, False),
        # a timeout of something else than a pool
        (("orders-db",), 10, "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.partner.example', "
         "port=443): Read timed out. (read timeout=10)", False),
    ],
)  # fmt: skip
def test_a_connection_pool_naming_no_engine_waited_for_the_one_database_instance_down_then(
    instances: tuple[str, ...], client_from: float, client: str, linked: bool
) -> None:
    """HikariCP's (SQLAlchemy's) pool timeout names neither the engine nor the instance: while exactly one database
    instance says it is down, the pool waited for that one."""
    entries = [
        postgres_line(i * 15, "FATAL:  the database system is starting up", instance)
        for instance in instances
        for i in range(4)
    ]
    entries += [
        container_entry(client_from + i * 20, f"payouts-9c0d1e2f3-a{i}b5c", "payouts", client)
        for i in range(3)
    ]
    links = links_of(scan_entries(entries))
    assert any(effect.startswith(client[:12]) for _, effect, _ in links) is linked


def mysql_line(seconds: float, text: str, severity: str) -> dict[str, Any]:
    return cloudsql_line(seconds, text) | {
        "insertId": f"my-{seconds}",
        "severity": severity,
        "logName": "projects/p/logs/cloudsql.googleapis.com%2Fmysql.err",
        "resource": {"type": "cloudsql_database", "labels": {"database_id": "p:stock-db", "project_id": "p"}},
    }


@pytest.mark.parametrize(
    ("client", "linked"),
    [
        ("pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on '10.2.0.4' (111)\")", True),
        (
            "Error: Connection lost: The server closed the connection.\n    at x (/app/node_modules/mysql2/lib/c.js:1:1)",
            True,
        ),
        ("Lost connection to MySQL server during query", True),
        (
            "pymysql.err.OperationalError: (1045, \"Access denied for user 'u'@'10.0.0.1' (using password: YES)\")",
            False,
        ),
        (
            'psycopg2.OperationalError: connection to server at "10.2.0.5", port 5432 failed: Connection refused',
            False,
        ),
    ],
)
def test_a_mysql_server_logging_its_shutdown_as_warnings_causes_its_clients_lost_connections(
    client: str, linked: bool
) -> None:
    """MySQL writes its shutdown as notes and one warning per client thread it closes: that is its outage, and
    its clients' connections failing then are its effects (not a password refused, not another engine's)."""
    entries = [
        mysql_line(
            i,
            f"0 [Warning] [MY-010909] [Server] /usr/sbin/mysqld: Forcing close of thread {i}  user: 'a'.",
            "WARNING",
        )
        for i in range(3)
    ]
    entries += [run_entry(5 + i * 20, text=client, severity="ERROR") for i in range(3)]
    causes = [cause for cause, effect, _ in links_of(scan_entries(entries)) if effect.startswith(client[:12])]
    assert causes == (["/usr/sbin/mysqld: Forcing close of thread <*> user: 'a'."] if linked else [])


@pytest.mark.parametrize(
    ("client", "linked"),
    [
        # clients and words only the change rule knew: PgJDBC's lost connection, PDO's SQLSTATE naming the engine
        ("org.postgresql.util.PSQLException: An I/O error occurred while sending to the backend.", True),
        ("org.postgresql.util.PSQLException: This connection has been closed.", True),
        ("PDOException: SQLSTATE[08006] [7] could not connect to server: Connection refused", True),
        # look-alikes: a statement refused, a password refused, a certificate refused (a rotated CA, not an outage)
        ('org.postgresql.util.PSQLException: ERROR: relation "orders" does not exist', False),
        ('PDOException: SQLSTATE[08006] [7] FATAL:  password authentication failed for user "app"', False),
        ("org.postgresql.util.PSQLException: SSL error: PKIX path building failed", False),
    ],
)
def test_a_database_outage_knows_the_clients_and_words_its_change_rule_knows(
    client: str, linked: bool
) -> None:
    entries = [postgres_line(i * 15, "FATAL:  the database system is starting up") for i in range(4)]
    entries += [run_entry(10 + i * 20, text=client, severity="ERROR") for i in range(3)]
    causes = [cause for cause, effect, _ in links_of(scan_entries(entries)) if effect.startswith(client[:12])]
    assert causes == (["the database system is starting up"] if linked else [])


@pytest.mark.parametrize(
    ("client", "linked"),
    [
        ("com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure", True),
        ("PDOException: SQLSTATE[HY000] [2002] Connection refused", True),
        # the server's own reply while it shuts down (ER_SERVER_SHUTDOWN), as PyMySQL raises it
        ("pymysql.err.OperationalError: (1053, 'Server shutdown in progress')", True),
        (
            "PDOException: SQLSTATE[42S02]: Base table or view not found: 1146 Table 'shop.orders' doesn't exist",
            False,
        ),
    ],
)
def test_a_mysql_outage_knows_the_clients_its_change_rule_knows(client: str, linked: bool) -> None:
    entries = [
        mysql_line(i, f"0 [Warning] [MY-010909] [Server] /usr/sbin/mysqld: Forcing close of thread {i}  user: 'a'.",
                   "WARNING")
        for i in range(3)
    ]  # fmt: skip
    entries += [run_entry(5 + i * 20, text=client, severity="ERROR") for i in range(3)]
    causes = [cause for cause, effect, _ in links_of(scan_entries(entries)) if effect.startswith(client[:12])]
    assert causes == (["/usr/sbin/mysqld: Forcing close of thread <*> user: 'a'."] if linked else [])


@pytest.mark.parametrize(
    ("client", "at", "second_instance"),
    [
        (
            "redis.exceptions.ConnectionError: Error 111 connecting to 10.31.0.9:6379. Connection refused.",
            10,
            False,
        ),
        (PG_CLIENTS[0], 1800, False),  # half an hour after the database came back
        (PG_CLIENTS[0], 10, True),  # two PostgreSQL instances down: which one it called is not told
        ('psycopg2.OperationalError: FATAL:  password authentication failed for user "app"', 10, False),
    ],
)
def test_no_outage_link_for_another_engine_another_time_two_instances_down_or_a_refused_password(
    client: str, at: float, second_instance: bool
) -> None:
    entries = [postgres_line(i * 15, "FATAL:  the database system is shutting down") for i in range(4)]
    if second_instance:
        entries += [
            postgres_line(i * 15, "FATAL:  the database system is starting up", "billing-db")
            for i in range(4)
        ]
    entries += [run_entry(at + i * 20, text=client, severity="ERROR") for i in range(3)]
    assert [
        effect for _, effect, _ in links_of(scan_entries(entries)) if effect.startswith(client[:12])
    ] == []


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Error: socket hang up (POST https://quotes-5otr7xq3za-uc.a.run.app/v1/quote)", True),
        (
            "Error: connect ECONNREFUSED calling http://quotes:8080/v1/quote",
            False,
        ),  # another host of that name
    ],
)
def test_a_cloud_run_service_is_named_as_a_host_only_by_its_url(text: str, linked: bool) -> None:
    entries = []
    for i in range(4):
        entries.append(
            run_entry(
                i * 60,
                text=OOM_RUN.format(used=520 + i),
                severity="ERROR",
                service="quotes",
                revision="quotes-00031-vex",
                instance=f"q{i}",
                log="run.googleapis.com%2Fvarlog%2Fsystem",
            )
        )
        entries.append(run_entry(i * 60 + 1, text=text, severity="ERROR", service="pricing-web",
                                 revision="pricing-web-00008-zix", instance="p"))  # fmt: skip
    links = links_of(scan_entries(entries))
    assert [cause[:12] for cause, effect, _ in links if effect == text] == (
        ["Memory limit"] if linked else []
    )


OOM_RUN = "Memory limit of 512 MiB exceeded with {used} MiB used. Consider increasing the memory limit"


PROXY_DIAL = (
    "[p:europe-west1:{instance}] failed to connect to instance: Dial error: failed to dial (connection name = "
    '"p:europe-west1:{instance}"): dial tcp 10.31.0.4:3307: connect: connection refused'
)


@pytest.mark.parametrize(("instance", "linked"), [("orders-db", True), ("billing-db", False)])
def test_a_client_naming_the_instance_that_says_it_is_down_is_its_effect_whatever_its_engine_words(
    instance: str, linked: bool
) -> None:
    """The Cloud SQL Auth Proxy names the instance by its connection name (and port 3307, no engine's): that
    instance, and no other, is what it could not reach."""
    entries = [postgres_line(i * 15, "FATAL:  the database system is shutting down") for i in range(4)]
    entries += [
        container_entry(
            5 + i * 20, f"orders-svc-5b6c-a{i}", "cloud-sql-proxy", PROXY_DIAL.format(instance=instance)
        )
        for i in range(3)
    ]
    links = links_of(scan_entries(entries))
    assert [cause for cause, effect, _ in links if effect.startswith("failed to connect to instance")] == (
        ["the database system is shutting down"] if linked else []
    )


def kube_dns(seconds: float, pod: str) -> list[dict[str, Any]]:
    crash = container_entry(seconds, pod, "kubedns", "fatal error: runtime: out of memory")
    crash["resource"]["labels"]["namespace_name"] = "kube-system"
    restart = pod_event(
        seconds + 20, pod, "BackOff", f"Back-off restarting failed container kubedns in pod {pod}"
    )
    restart["resource"]["labels"]["namespace_name"] = restart["jsonPayload"]["involvedObject"][
        "namespace"
    ] = "kube-system"
    return [crash, restart]


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("dial tcp: lookup payments.shop.svc.cluster.local on 10.96.0.10:53: read udp 10.8.1.4:51234->"
         "10.96.0.10:53: i/o timeout", True),
        ("Error: getaddrinfo EAI_AGAIN productcatalog.shop.svc.cluster.local", True),
        ("Failed to resolve 'catalog' ([Errno -3] Temporary failure in name resolution)", True),
        ("Error: getaddrinfo ENOTFOUND smtp.partner-mail.example", False),  # a name that does not exist
        ("dial tcp: lookup payments on 10.96.0.10:53: no such host", False),
    ],
)  # fmt: skip
def test_the_cluster_dns_failing_causes_the_lookups_of_its_workloads_it_did_not_answer(
    text: str, linked: bool
) -> None:
    entries = kube_dns(0, "kube-dns-6b8d5c7f4-x9k2m") + kube_dns(100, "kube-dns-6b8d5c7f4-p3q8r")
    entries += caller_errors(0, text, "checkout")
    links = links_of(scan_entries(entries))
    assert [cause[:8] for cause, effect, _ in links if effect.startswith(text[:15])] == (
        ["BackOff:"] if linked else []
    )


def test_code_outside_the_cluster_does_not_ask_its_dns() -> None:
    entries = kube_dns(0, "kube-dns-6b8d5c7f4-x9k2m")
    entries += [
        run_entry(10 + i * 20, text="Error: getaddrinfo EAI_AGAIN api.partner.example", severity="ERROR")
        for i in range(3)
    ]
    assert [effect for _, effect, _ in links_of(scan_entries(entries)) if "EAI_AGAIN" in effect] == []


def test_the_lookup_and_dns_server_patterns_stay_linear() -> None:
    from loggardener.linking.rules import _CLUSTER_DNS, _LOOKUP_UNANSWERED

    assert_linear(lambda n: _LOOKUP_UNANSWERED.search("lookup a on b:53: " * n), 20_000)
    assert_linear(lambda n: _LOOKUP_UNANSWERED.search("lookup " + "a" * n + " on b:53: x"), 20_000)
    assert_linear(lambda n: _CLUSTER_DNS.fullmatch("kube-system/kube-dns" + "-" * n), 20_000)


@pytest.mark.parametrize(("client_day", "linked"), [(1, False), (2, True)])
def test_a_database_down_on_two_days_is_not_down_on_the_day_between(client_day: int, linked: bool) -> None:
    """One problem, the same words on two days: its first and last times span the day between, its minutes
    do not."""
    day = 86_400
    entries = [
        postgres_line(d * day + i * 15, "FATAL:  the database system is shutting down")
        for d in (0, 2)
        for i in range(4)
    ]
    entries += [
        run_entry(client_day * day + 10 + i * 20, text=PG_CLIENTS[0], severity="ERROR") for i in range(3)
    ]
    links = links_of(scan_entries(entries))
    assert [cause for cause, effect, _ in links if effect.startswith("psycopg2")] == (
        ["the database system is shutting down"] if linked else []
    )


def test_the_minutes_kept_per_problem_are_bounded_and_a_chronic_one_keeps_none() -> None:
    from loggardener.linking.facts import MAX_MINUTES_PER_KEY

    facts = LinkFacts(10.0)
    for minute in range(MAX_MINUTES_PER_KEY * 3):
        facts.add(entry(minute * 60.0, f"t{minute}"), "chronic")
        facts.add(entry(minute * 60.0, f"t{minute}"), "chronic")
    facts.add(entry(0.0, "t"), "rare")
    facts.add(entry(59.0, "t"), "rare")
    facts.add(entry(3600.0, "t"), "rare")
    resolved = facts.resolve(str)
    assert "chronic" not in resolved.minutes
    assert len(resolved.minutes["rare"]) == 2


@pytest.mark.parametrize(("caller_day", "linked"), [(1, False), (2, True)])
def test_an_upstream_failing_on_two_days_does_not_fail_on_the_day_between(
    caller_day: int, linked: bool
) -> None:
    day = 86_400
    entries = [
        request(
            d * day + i * 20, f"/api/orders/{i}", 503, service="orders-api", revision="orders-api-00001-abc"
        )
        for d in (0, 2)
        for i in range(4)
    ]
    entries += [
        run_entry(caller_day * day + 10 + i * 20, json_payload={"message": f"Upstream orders-api returned 503 for GET /api/orders/{i}"},
                  severity="WARNING", service="web", revision="web-00001-abc", instance="w")
        for i in range(4)
    ]  # fmt: skip
    assert len(links_of(scan_entries(entries))) == (1 if linked else 0)


@pytest.mark.parametrize(("app_day", "linked"), [(1, False), (2, True)])
def test_a_quoted_database_failure_on_two_days_is_not_quoted_on_the_day_between(
    app_day: int, linked: bool
) -> None:
    day = 86_400
    entries = [
        cloudsql_line(d * day + i * 3, ADMIN_FATAL.format(pid=700 + i)) for d in (0, 2) for i in range(3)
    ]
    quote = "terminating connection due to administrator command"
    entries += [
        run_entry(
            app_day * day + 30 + i * 5, text=CLIENT_ERROR.format(quote=quote), severity="ERROR", service="api"
        )
        for i in range(3)
    ]
    links = links_of(scan_entries(entries))
    assert len([effect for _, effect, _ in links if effect.startswith("psycopg2")]) == (1 if linked else 0)


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("lookup failed: upstream https://search-api-5otr7xq3za-uc.a.run.app/v1/search returned 503", True),
        # the same service name and route, in another project: another URL host
        ("lookup failed: upstream https://search-api-k3m9q2w7ze-ew.a.run.app/v1/search returned 503", False),
    ],
)
def test_a_cloud_run_url_names_the_service_only_by_the_host_its_own_requests_were_made_to(
    text: str, linked: bool
) -> None:
    """Cloud Run's URL host holds a hash of the project: the service's own requests tell its host, and a caller
    naming another host of that name (by the name or the route) called another project's service."""
    entries = []
    for i in range(3):
        entries.append(
            run_entry(i * 60, severity="ERROR", service="search-api", revision="search-api-00004-kix",
                      log="run.googleapis.com%2Frequests",
                      httpRequest={"requestMethod": "GET", "status": 503,
                                   "requestUrl": "https://search-api-5otr7xq3za-uc.a.run.app/v1/search?q=boots"})
        )  # fmt: skip
        entries.append(
            run_entry(
                i * 60 + 1, text=text, severity="ERROR", service="web", revision="web-00002-mop", instance="w"
            )
        )
    links = links_of(scan_entries(entries))
    assert [cause[:8] for cause, effect, _ in links if effect == text] == (["HTTP 503"] if linked else [])


def app_engine_entry(seconds: float, text: str | None = None, status: int | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "insertId": f"gae{seconds}{status}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/shop-prod/logs/"
        + ("appengine.googleapis.com%2Frequest_log" if status else "stderr"),
        "resource": {"type": "gae_app", "labels": {"project_id": "shop-prod", "module_id": "inventory",
                                                   "version_id": "20261021t104500"}},
    }  # fmt: skip
    if status:
        entry["httpRequest"] = {"requestMethod": "GET", "requestUrl": "/api/stock/7", "status": status}
    else:
        entry["textPayload"] = text
    return entry


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        (
            "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='inventory-dot-shop-prod.ew.r.appspot.com'"
            ", port=443): Max retries exceeded (Caused by ConnectionResetError(104, 'Connection reset by peer'))",
            True,
        ),
        ("Error: socket hang up (GET https://v7-dot-inventory-dot-shop-prod.appspot.com/api/stock)", True),
        ("Error: socket hang up (GET https://inventory-dot-partner-prod.appspot.com/api/stock)", False),
        ("Error: socket hang up (GET https://shop-prod.appspot.com/api/stock)", False),  # the default service
        # a Cloud Run service of that name: App Engine's inventory has no Cloud Run URL
        ("httpx.ReadTimeout: timed out (GET https://inventory-7hq2c4x5ra-ew.a.run.app/api/stock/7)", False),
    ],
)
def test_an_app_engine_service_is_named_as_a_host_by_its_appspot_name_in_its_own_project(
    text: str, linked: bool
) -> None:
    """App Engine shuts an instance down for its memory (an exit: its requests fail after it); a caller whose
    call to the service's appspot host of its project was cut off is the effect. Another project's service of
    that name, or the project's default service, is another host."""
    entries = []
    for i in range(3):
        entries.append(app_engine_entry(i * 60, text=f"Exceeded hard memory limit of 384 MiB with {401 + i} MiB "
                                                     "after servicing 37 requests total."))  # fmt: skip
        entries.append(app_engine_entry(i * 60 + 1, status=503))
        entries.append(
            run_entry(
                i * 60 + 2, text=text, severity="ERROR", service="pricing", revision="pricing-00001-abc"
            )
        )
    links = links_of(scan_entries(entries))
    assert {(cause[:8], kinds) for cause, effect, kinds in links if effect.startswith("HTTP 503")} == {
        ("Exceeded", "revision")
    }
    assert [cause[:8] for cause, effect, _ in links if effect[:30] == text[:30]] == (
        ["Exceeded"] if linked else []
    )


PROBED_AT = 'Readiness probe failed: Get "http://10.8.2.31:8080/healthz": dial tcp 10.8.2.31:8080: connect: connection refused'


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        (
            "grpc._channel._InactiveRpcError: StatusCode.UNAVAILABLE: failed to connect to all addresses; last "
            "error: UNKNOWN: ipv4:10.8.2.31:50051: Failed to connect to remote host: Connection refused",
            True,
        ),
        (
            "kafka: client has run out of available brokers to talk to: dial tcp 10.8.2.31:9092: connect: "
            "connection refused",
            True,
        ),
        ("dial tcp 10.8.2.3:8080: connect: connection refused", False),  # another address
        ("dial tcp 10.8.2.31:8080: connect: connection refused", False),  # an hour and a half later
    ],
)
def test_a_caller_naming_the_address_a_services_failed_probe_names_called_that_service(
    text: str, linked: bool
) -> None:
    """The kubelet probes a pod at its own address: a caller cut off at that address in the same minutes named
    no host, but it called that pod."""
    at = 5400 if "10.8.2.31:8080" in text else 0
    entries = []
    for i in range(3):
        entries.append(pod_event(i * 60, "quotes-5c4d3b2a1-h7j8k", "Unhealthy", PROBED_AT))
    entries += caller_errors(at, text)
    links = links_of(scan_entries(entries))
    assert [cause[:10] for cause, effect, _ in links if effect.startswith(text[:12])] == (
        ["Unhealthy:"] if linked else []
    )


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        (
            "[Producer clientId=producer-1] Connection to node 1 (inventory-1.inventory-headless.shop.svc.cluster."
            "local/10.9.0.4:9092) could not be established. Broker may not be available.",
            True,
        ),
        (
            "Connect attempt to <BrokerConnection node_id=1 host=inventory-0.inventory-headless.shop.svc.cluster."
            "local:9092 <connecting>> returned error 111. Disconnecting.",
            True,
        ),
        (  # another workload's pod
            "Connection to node 1 (kafka-1.kafka-headless.shop.svc.cluster.local/10.9.0.4:9092) could not be "
            "established. Broker may not be available.",
            False,
        ),
    ],
)
def test_a_statefulset_pods_own_dns_name_names_its_workload(text: str, linked: bool) -> None:
    """A StatefulSet's pod is called by its own name under its headless service (`inventory-1.inventory-headless.
    shop.svc`): that name, less its ordinal, is the workload's."""
    links = links_of(scan_entries(restarting_pods("inventory", 0) + caller_errors(0, text)))
    assert [cause[:8] for cause, effect, _ in links if ":9092" in effect] == (["BackOff:"] if linked else [])


def test_a_loopback_address_a_probe_names_is_every_pods_own_and_names_no_service() -> None:
    """An exec probe checks its container at 127.0.0.1; a caller refused at 127.0.0.1 called its own pod (a
    sidecar), not the pod whose probe failed."""
    entries = [
        pod_event(i * 60, "cache-5c4d3b2a1-h7j8k", "Unhealthy", "Liveness probe failed: Could not connect to Redis at "
                  "127.0.0.1:6379: Connection refused")
        for i in range(3)
    ]  # fmt: skip
    text = "Error: connect ECONNREFUSED 127.0.0.1:5432"
    links = links_of(scan_entries(entries + caller_errors(0, text)))
    assert [cause for cause, effect, _ in links if effect.startswith(text[:12])] == []


@pytest.mark.parametrize(
    ("server", "client", "linked"),
    [
        ("postgres", PG_CLIENTS[0], True),
        (
            "postgresql",
            'connection to server at "db.shop.svc.cluster.local" (10.12.0.8), port 5432 failed: '
            "Connection refused",
            True,
        ),
        ("worker", PG_CLIENTS[0], False),  # a container not named after a database server
        ("postgres", "redis.exceptions.ConnectionError: Error 111 connecting to 10.12.3.7:6379.", False),
    ],
)
def test_a_database_server_in_a_container_named_after_it_saying_it_is_down_causes_its_clients_failures(
    server: str, client: str, linked: bool
) -> None:
    """A self-hosted PostgreSQL (a StatefulSet's `postgres` container, behind a Service of any name) says it is
    shutting down: its engine's clients failing then are its effects, as a managed database's are."""
    entries = [
        container_entry(i * 10, f"{server}-0", server, "2026-10-22 11:00:03.551 UTC [9001] FATAL:  the database "
                        "system is shutting down")
        for i in range(4)
    ]  # fmt: skip
    entries += caller_errors(0, client, container="orders")
    causes = [cause for cause, effect, _ in links_of(scan_entries(entries)) if effect[:12] == client[:12]]
    assert bool(causes) == linked


def test_a_postgresql_server_warning_it_ends_its_connections_after_a_crash_causes_its_clients_failures() -> (
    None
):
    """PostgreSQL warns each session it ends when another server process crashed (`WARNING:  terminating connection
    because of crash of another server process`): a warning, but the server is down for its clients then."""
    warning = "WARNING:  terminating connection because of crash of another server process"
    entries = [postgres_line(i * 5, warning) | {"severity": "WARNING"} for i in range(4)]
    entries += [run_entry(10 + i * 20, text=PG_CLIENTS[0], severity="ERROR") for i in range(3)]
    links = links_of(scan_entries(entries))
    assert [cause for cause, effect, _ in links if effect.startswith(PG_CLIENTS[0][:12])] == [
        "terminating connection because of crash of another server process"
    ]


@pytest.mark.parametrize(
    ("client", "linked"),
    [
        ("cloud-sql-proxy", True),  # it names orders-db
        ("orders", False),  # its driver names only the engine: which of the two it called is not told
    ],
)
def test_a_client_naming_the_instance_picks_it_out_of_a_problem_two_instances_log_alike(
    client: str, linked: bool
) -> None:
    """Two instances saying the same words are one problem: a client naming one of them by its connection name
    is still that one's effect, a client naming only the engine is no one's."""
    entries = [
        postgres_line(i * 15, "FATAL:  the database system is shutting down", instance)
        for i in range(4)
        for instance in ("orders-db", "billing-db")
    ]
    text = PROXY_DIAL.format(instance="orders-db") if client == "cloud-sql-proxy" else PG_CLIENTS[0]
    entries += [container_entry(5 + i * 20, f"orders-svc-5b6c-a{i}", client, text) for i in range(3)]
    links = links_of(scan_entries(entries))
    assert [cause for cause, effect, _ in links if effect[:12] in text] == (
        ["the database system is shutting down"] if linked else []
    )


def node_problem(seconds: float, node: str, reason: str, message: str, component: str) -> dict[str, Any]:
    """An event a node's kubelet or problem detector logs of the node itself (`k8s_node`)."""
    return {
        "insertId": f"node{seconds}{node}{reason}",
        "timestamp": stamp(seconds),
        "severity": "WARNING",
        "logName": "projects/p/logs/events",
        "resource": {"type": "k8s_node", "labels": {"project_id": "p", "cluster_name": "c", "node_name": node}},
        "jsonPayload": {"kind": "Event", "reason": reason, "message": message, "type": "Warning",
                        "involvedObject": {"kind": "Node", "name": node, "uid": node},
                        "source": {"component": component, "host": node}},
    }  # fmt: skip


KERNEL_OOM = (
    "Memory cgroup out of memory: Killed process {pid} (java) total-vm:5063909kB, anon-rss:1466160kB, "
    "file-rss:13684kB, shmem-rss:0kB, UID:1000 pgtables:3120kB oom_score_adj:999"
)


@pytest.mark.parametrize(
    ("cause", "effect", "on_node"),
    [
        (
            ("OOMKilling", KERNEL_OOM, "kernel-monitor"),
            ("BackOff", "Back-off restarting failed container"),
            True,
        ),
        (
            ("OOMKilling", KERNEL_OOM, "kernel-monitor"),
            ("BackOff", "Back-off restarting failed container"),
            False,
        ),
        (
            ("EvictionThresholdMet", "Attempting to reclaim memory", "kubelet"),
            (
                "Evicted",
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: 87608Ki.",
            ),
            True,
        ),
        (
            ("EvictionThresholdMet", "Attempting to reclaim memory", "kubelet"),
            (
                "Evicted",
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: 87608Ki.",
            ),
            False,
        ),
    ],
)
def test_a_nodes_own_failure_causes_the_exits_of_the_pods_on_that_node(
    cause: tuple[str, str, str], effect: tuple[str, str], on_node: bool
) -> None:
    """The kernel's OOM kill names the process, the kubelet's eviction threshold names no pod: the node ties them
    to the pods restarted or evicted there (the kubelet's host of their events). A pod on another node, at the
    same times, is not the node's effect."""
    entries = []
    for i in range(3):
        entries.append(
            node_problem(i * 600, "gke-c-pool-2-m4zq", cause[0], cause[1].format(pid=28438 + i), cause[2])
        )
        event = pod_event(
            i * 600 + 25, "ledger-7d9f8c6b5-k2xqp", effect[0], f"{effect[1]} ledger in pod x{i}"
        )
        event["jsonPayload"]["source"] = {"component": "kubelet", "host": "gke-c-pool-2-m4zq" if on_node else
                                          "gke-c-pool-1-x7kq"}  # fmt: skip
        entries.append(event)
    links = {(c[: len(cause[0])], e[: len(effect[0])], k) for c, e, k in links_of(scan_entries(entries))}
    assert links == ({(cause[0], effect[0], "instance")} if on_node else set())


def test_a_warning_a_node_logs_all_day_is_not_the_cause_of_a_restart_on_it() -> None:
    entries = [
        node_problem(
            i * 60, "gke-c-pool-2-m4zq", "EvictionThresholdMet", "Attempting to reclaim memory", "kubelet"
        )
        for i in range(60)
    ]
    event = pod_event(
        1800, "ledger-7d9f8c6b5-k2xqp", "BackOff", "Back-off restarting failed container ledger"
    )
    event["jsonPayload"]["source"] = {"component": "kubelet", "host": "gke-c-pool-2-m4zq"}
    entries.append(event)
    assert links_of(scan_entries(entries)) == set()


@pytest.mark.parametrize(
    ("entry", "node"),
    [
        # a container's own log knows the node GKE labels it with (linking reads it only when a kill is said)
        (container_entry(0, "ledger-1", "ledger", "boom") | {"labels": {GCE_NAME_LABEL: "gke-c-pool-2-m4zq"}},
         "gke-c-pool-2-m4zq"),
        (container_entry(0, "ledger-1", "ledger", "boom"), None),
        (node_problem(0, "gke-c-pool-2-m4zq", "OOMKilling", "Memory cgroup out of memory", "kernel-monitor"),
         "gke-c-pool-2-m4zq"),
        (pod_event(0, "ledger-1", "BackOff", "Back-off restarting failed container"), None),  # no kubelet named
        (pod_event(0, "ledger-1", "BackOff", "Back-off") | {"jsonPayload": {
            "kind": "Event", "reason": "BackOff", "message": "Back-off", "reportingInstance": "gke-c-pool-1-x7kq",
            "involvedObject": {"kind": "Pod", "name": "ledger-1", "namespace": "shop"}}}, "gke-c-pool-1-x7kq"),
        (run_entry(0, text="boom", severity="ERROR"), None),
    ],
)  # fmt: skip
def test_an_entry_knows_the_kubernetes_node_it_ran_on(entry: dict[str, Any], node: str | None) -> None:
    parsed = EntryParser(Redactor(), StackParser()).parse(1, entry)
    assert parsed.node == node


NGINX_LINE = (
    "2026/11/03 19:00:{s:02d} [error] 45#45: *8812{s} {failure}, client: 10.8.0.1, server: shop.example.com, "
    'request: "POST /api/pay HTTP/1.1", upstream: "http://{address}:8080/api/pay", host: "shop.example.com"'
)


@pytest.mark.parametrize(
    ("failure", "address", "linked"),
    [
        ("upstream prematurely closed connection while reading response header from upstream", "10.8.2.31", True),
        ("connect() failed (111: Connection refused) while connecting to upstream", "10.8.2.31", True),
        ("recv() failed (104: Connection reset by peer) while reading response header from upstream", "10.8.2.31",
         True),
        ("upstream prematurely closed connection while reading response header from upstream", "10.8.2.3", False),
    ],
)  # fmt: skip
def test_an_nginx_error_names_the_upstream_it_called_in_the_context_stripped_from_its_message(
    failure: str, address: str, linked: bool
) -> None:
    """nginx writes the upstream it passed a request to after its message, in the request's context, which the
    message loses (the context is no part of the problem): the call still went to that address, a pod's whose
    probe names it."""
    entries = [pod_event(i * 60, "quotes-5c4d3b2a1-h7j8k", "Unhealthy", PROBED_AT) for i in range(3)]
    entries += [
        container_entry(25 + i * 30, "ingress-nginx-controller-7f8d9c-abcde", "controller",
                        NGINX_LINE.format(s=25 + i, failure=failure, address=address))
        for i in range(4)
    ]  # fmt: skip
    report = scan_entries(entries)
    (nginx,) = [c for c in report.clusters if "shop/controller" in c.services]
    assert "client:" not in nginx.title and "upstream: " not in nginx.message  # the problem is as it was
    links = links_of(report)
    assert [cause[:10] for cause, effect, _ in links if effect == nginx.title] == (
        ["Unhealthy:"] if linked else []
    )


@pytest.mark.parametrize(
    ("text", "upstream"),
    [
        (NGINX_LINE.format(s=1, failure="no live upstreams while connecting to upstream", address="10.8.2.31"),
         "http://10.8.2.31:8080/api/pay"),
        ('proxy said: connect failed, upstream: "http://10.8.2.31:8080/x"', ""),  # no nginx header: kept whole
        ("2026/11/03 19:00:01 [error] 45#45: *1 open() \"/srv/x\" failed (2: No such file or directory), client: "
         '10.8.0.1, server: _, request: "GET /x HTTP/1.1", host: "shop.example.com"', ""),
    ],
)  # fmt: skip
def test_an_nginx_error_line_keeps_the_upstream_its_context_names(text: str, upstream: str) -> None:
    entry = container_entry(0, "ingress-nginx-controller-7f8d9c-abcde", "controller", text)
    parsed = EntryParser(Redactor(), StackParser()).parse(1, entry)
    assert parsed.upstream == upstream


@pytest.mark.parametrize(
    ("block", "linked"),
    [("shop-quotes-8080", True), ("web-quotes-8080", False), ("shop-quotes-api-8080", False)],
)
def test_an_ingress_nginx_upstream_block_names_its_service(block: str, linked: bool) -> None:
    """ingress-nginx names the upstream block of a Service NAMESPACE-SERVICE-PORT; with no pod ready behind it, it
    logs `no live upstreams` for that block: the Service's pods failing their probes are the cause. A block of
    another namespace's, or of another Service, is not."""
    entries = [
        pod_event(i * 40, "quotes-5c4d3b2a1-h7j8k", "Unhealthy", "Readiness probe failed: HTTP probe failed with "
                  "statuscode: 500") for i in range(6)
    ]  # fmt: skip
    failure = "no live upstreams while connecting to upstream"
    entries += [
        container_entry(5 + i * 40, "ingress-nginx-controller-7f8d9c-abcde", "controller",
                        NGINX_LINE.format(s=5 + i, failure=failure, address="x").replace("http://x:8080", f"http://{block}"))
        for i in range(6)
    ]  # fmt: skip
    links = links_of(scan_entries(entries))
    assert [cause[:10] for cause, effect, _ in links if effect.startswith("no live")] == (
        ["Unhealthy:"] if linked else []
    )


def flex_entry(seconds: float, instance: str, log: str, severity: str, **payload: Any) -> dict[str, Any]:
    """An App Engine flexible environment's entry: its instance is named by `appengine.googleapis.com/instance_name`."""
    return {
        "insertId": f"f{seconds}{instance}{log}",
        "timestamp": stamp(seconds),
        "severity": severity,
        "logName": f"projects/p/logs/appengine.googleapis.com%2F{log}",
        "resource": {"type": "gae_app", "labels": {"project_id": "p", "module_id": "api",
                                                   "version_id": "20261105t204512", "zone": "europe-west1-b"}},
        "labels": {"appengine.googleapis.com/instance_name": instance},
        **payload,
    }  # fmt: skip


@pytest.mark.parametrize(("killed_on", "linked"), [("same", True), ("other", False)])
def test_an_app_engine_flexible_instance_is_named_by_its_instance_name_label(
    killed_on: str, linked: bool
) -> None:
    """gunicorn kills a worker stuck on a request (`WORKER TIMEOUT`) and that request is answered 502 on the same
    flexible instance: its logs name the instance by `appengine.googleapis.com/instance_name`, not `clone_id`. A
    worker killed on another instance is not that request's cause."""
    entries = []
    for i in range(4):
        start, instance = i * 300, f"aef-api-20261105t204512-x{i}k2"
        killer = instance if killed_on == "same" else f"aef-api-20261105t204512-q{i}m4"
        entries.append(
            flex_entry(
                start,
                instance,
                "request_log",
                "ERROR",
                httpRequest={
                    "requestMethod": "POST",
                    "requestUrl": "/v1/render",
                    "status": 502,
                    "latency": "30.01s",
                },
            )
        )
        entries.append(
            flex_entry(
                start + 30,
                killer,
                "stderr",
                "ERROR",
                textPayload=(f"[2026-11-21 12:00:30 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:{14 + i})"),
            )
        )
    report = scan_entries(entries)
    timeout, bad_gateway = by_title(report, "WORKER TIMEOUT"), by_title(report, "HTTP 502")
    assert timeout.instances == bad_gateway.instances == 4
    assert (bad_gateway.causes == [timeout.fingerprint]) is linked


@pytest.mark.parametrize(
    ("client", "linked"),
    [
        ("[mysql] 2026/11/21 12:00:05 packets.go:37: unexpected EOF", True),
        ("[mysql] 2026/11/21 12:00:05 connection.go:173: driver: bad connection", True),
        ("[mysql] 2026/11/21 12:00:05 connection.go:319: invalid connection", True),
        # a Go HTTP client's read cut short: it names no database
        ('Post "https://api.partner-pay.example/v2/charges": unexpected EOF', False),
        # another driver's tag (pgx would call PostgreSQL): not the MySQL server's client
        ("[pgx] 2026/11/21 12:00:05 conn.go:88: unexpected EOF", False),
    ],
)
def test_go_sql_drivers_tagged_lines_are_the_mysql_servers_clients_while_it_shuts_down(
    client: str, linked: bool
) -> None:
    """go-sql-driver logs through Go's logger with the prefix `[mysql] `, which header stripping removes with the
    date and the file: the tag still says which engine the line's connection went to."""
    entries = [
        mysql_line(
            i,
            f"0 [Warning] [MY-010909] [Server] /usr/sbin/mysqld: Forcing close of thread {i}  user: 'a'.",
            "WARNING",
        )
        for i in range(3)
    ]
    entries += [run_entry(5 + i * 20, text=client, severity="ERROR") for i in range(3)]
    report = scan_entries(entries)
    (effect,) = [c for c in report.clusters if "cloudsql_database" not in "".join(c.logs)]
    assert "[mysql]" not in effect.title  # the problem reads as before
    causes = [cause for cause, effect_title, _ in links_of(report) if effect_title == effect.title]
    assert causes == (["/usr/sbin/mysqld: Forcing close of thread <*> user: 'a'."] if linked else [])


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("[mysql] 2026/11/21 12:00:05 packets.go:37: unexpected EOF", "mysql"),
        ("[ERROR] 2026/11/21 12:00:05 worker.go:12: queue closed", ""),  # a level, not a component
        ("unexpected EOF", ""),
        ("[a b] not a tag", ""),
    ],
)
def test_an_entry_keeps_the_component_its_header_named_in_brackets(text: str, tag: str) -> None:
    parsed = EntryParser(Redactor(), StackParser()).parse(1, run_entry(0, text=text, severity="ERROR"))
    assert parsed.tag == tag


@pytest.mark.parametrize(
    ("upstream", "same_instance", "linked"),
    [
        ("http://172.17.0.1:8080/v1/render", True, True),  # App Engine flexible: the app's container
        ("http://unix:/run/gunicorn.sock:/v1/render", True, True),  # a VM's gunicorn behind nginx
        ("http://127.0.0.1:8080/v1/render", True, True),  # a sidecar
        ("http://10.8.6.14:8080/v1/render", True, False),  # another host: not the application beside it
        ("http://172.17.0.1:8080/v1/render", False, False),  # the worker killed on another instance
    ],
)
def test_a_proxys_call_to_the_application_on_its_own_instance_cut_off_follows_the_applications_failure(
    upstream: str, same_instance: bool, linked: bool
) -> None:
    """gunicorn kills a worker stuck on a request (`WORKER TIMEOUT`); nginx in front of it, on the same instance,
    logs the call it passed to the worker as cut off (`upstream prematurely closed connection`). Both are errors: what
    orders them is that nginx's upstream is the application on its own instance."""
    entries = []
    for i in range(4):
        start, instance = i * 300, f"aef-api-20261105t204512-x{i}k2"
        worker = instance if same_instance else f"aef-api-20261105t204512-q{i}m4"
        text = (
            f"2026/11/21 12:00:30 [error] 33#33: *{1812 + i} upstream prematurely closed connection while reading "
            'response header from upstream, client: 169.254.1.1, server: , request: "POST /v1/render HTTP/1.1", '
            f'upstream: "{upstream}", host: "api-dot-p.ew.r.appspot.com"'
        )
        entries.append(
            flex_entry(
                start + 30, worker, "stderr", "ERROR", textPayload="[1] [CRITICAL] WORKER TIMEOUT (pid:14)"
            )
        )
        entries.append(flex_entry(start + 30.01, instance, "nginx.error", "ERROR", textPayload=text))
    report = scan_entries(entries)
    timeout, nginx = by_title(report, "WORKER TIMEOUT"), by_title(report, "upstream prematurely")
    assert (nginx.causes == [timeout.fingerprint]) is linked


def vm_entry(seconds: float, vm: str, log: str, **payload: Any) -> dict[str, Any]:
    """A Compute Engine VM's entry through the Ops Agent (`syslog`, `nginx_error`)."""
    return {
        "insertId": f"vm{seconds}{vm}{log}",
        "timestamp": stamp(seconds),
        "logName": f"projects/p/logs/{log}",
        "resource": {
            "type": "gce_instance",
            "labels": {"project_id": "p", "instance_id": f"44{len(vm)}{vm[-1]}"},
        },
        "labels": {"compute.googleapis.com/resource_name": vm},
        **payload,
    }


def ops_agent_nginx_error(seconds: float, vm: str, upstream: str) -> dict[str, Any]:
    """The Ops Agent's `nginx_error` entry: nginx's error line parsed into fields, the upstream one of them."""
    return vm_entry(seconds, vm, "nginx_error", severity="ERROR", jsonPayload={
        "level": "error", "pid": "901", "tid": "901", "connection": f"{int(seconds)}",
        "message": "connect() to unix:/run/gunicorn.sock failed (111: Connection refused) while connecting to upstream",
        "client": "35.191.12.40", "server": "shop.example.com", "request": "GET /api/products HTTP/1.1",
        "upstream": upstream, "host": "shop.example.com"})  # fmt: skip


@pytest.mark.parametrize(
    ("upstream", "linked"),
    [("http://unix:/run/gunicorn.sock:/api/products", True), ("http://10.128.0.44:8000/api/products", False)],
)
def test_a_vms_nginx_refused_by_the_gunicorn_whose_unit_was_killed_is_its_effect_not_its_cause(
    upstream: str, linked: bool
) -> None:
    """systemd says gunicorn's main process was killed (an exit), then nginx on the same VM, through the Ops Agent,
    cannot connect to the socket gunicorn listened on: the exit is the cause, though the instance rule orders an
    error before an exit. nginx calling another host is not the unit's effect."""
    entries = []
    for i in range(4):
        entries.append(
            vm_entry(
                i * 300,
                "web-1",
                "syslog",
                textPayload=(
                    "Nov  6 11:00:00 web-1 systemd[1]: gunicorn.service: Main process exited, code=killed, status=9/KILL"
                ),
            )
        )
        entries.append(ops_agent_nginx_error(i * 300 + 0.5, "web-1", upstream))
    links = {(cause[:8], effect[:8]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert (("gunicorn", "connect(") in links) is linked


@pytest.mark.parametrize(
    ("field", "upstream"),
    [
        ("http://unix:/run/gunicorn.sock:/api/products", "http://unix:/run/gunicorn.sock:/api/products"),
        ("payments", ""),  # a name, not the URL a proxy called
    ],
)
def test_a_structured_nginx_error_keeps_the_upstream_its_field_names(field: str, upstream: str) -> None:
    entry = ops_agent_nginx_error(0, "web-1", field)
    assert EntryParser(Redactor(), StackParser()).parse(1, entry).upstream == upstream


def labelled_container_entry(
    seconds: float, namespace: str, pod: str, container: str, app: str | None, text: str
) -> dict[str, Any]:
    entry = container_entry(seconds, pod, container, text)
    entry["resource"]["labels"]["namespace_name"] = namespace
    if app is not None:
        entry["labels"] = {"k8s-pod/app": app, "k8s-pod/pod-template-hash": pod.split("-")[-2]}
    return entry


@pytest.mark.parametrize(
    ("namespace", "app", "called", "linked"),
    [
        ("shop", "catalog", "catalog.shop.svc.cluster.local", True),
        ("shop", None, "catalog.shop.svc.cluster.local", False),  # nothing ties the Service to the workload
        ("web", "catalog", "catalog.shop.svc.cluster.local", False),  # the label of pods in another namespace
        ("shop", "catalog", "ratings.shop.svc.cluster.local", False),  # another Service
    ],
)
def test_a_service_named_after_its_pods_app_label_stands_for_a_workload_named_otherwise(
    namespace: str, app: str | None, called: str, linked: bool
) -> None:
    """Deployment `catalog-backend`, its pods labelled `app: catalog`, crashes and restarts; the Service `catalog`
    selects its pods by that label, and a caller's calls to `catalog.shop.svc.cluster.local` are refused."""
    entries = []
    for i in range(4):
        pod = f"catalog-backend-7f9c6d5b4-k{i}m4p"
        entries.append(
            labelled_container_entry(
                i * 60, namespace, pod, "server", app, "panic: assignment to entry in nil map"
            )
        )
        event = pod_event(
            i * 60 + 12, pod, "BackOff", f"Back-off restarting failed container server in pod {pod}"
        )
        event["resource"]["labels"]["namespace_name"] = namespace
        event["jsonPayload"]["involvedObject"]["namespace"] = namespace
        entries.append(event)
        entries.append(labelled_container_entry(
            i * 60 + 20, "shop", "storefront-6b7c8d9e0-f1a2b", "storefront", "storefront",
            f'list products failed: Get "http://{called}/v1/products": dial tcp 10.12.7.40:80: connect: connection refused',
        ))  # fmt: skip
    links = links_of(scan_entries(entries))
    assert (
        any(cause.startswith("BackOff") and effect.startswith("list products") for cause, effect, _ in links)
        is linked
    )


@pytest.mark.parametrize(
    ("labels", "app"),
    [
        ({"k8s-pod/app": "catalog"}, "catalog"),
        ({"k8s-pod/app_kubernetes_io/name": "catalog", "k8s-pod/pod-template-hash": "7f9c6d5b4"}, "catalog"),
        ({"k8s-pod/pod-template-hash": "7f9c6d5b4"}, ""),
    ],
)
def test_a_containers_entry_keeps_the_app_its_pod_is_labelled_with(labels: dict[str, str], app: str) -> None:
    entry = container_entry(0, "catalog-backend-7f9c6d5b4-k2m4p", "server", "panic: boom") | {
        "labels": labels
    }
    assert EntryParser(Redactor(), StackParser()).parse(1, entry).pod_app == app


def dataflow_entry(seconds: float, job: str, log: str, text: str) -> dict[str, Any]:
    """A Dataflow job's entry: a worker's log or the service's job message."""
    return {
        "insertId": f"df{seconds}{job}{log}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": f"projects/p/logs/dataflow.googleapis.com%2F{log}",
        "resource": {
            "type": "dataflow_step",
            "labels": {"project_id": "p", "job_name": job, "job_id": f"2026-{job}"},
        },
        "textPayload": text,
    }


WORKFLOW_FAILED = (
    "Workflow failed. Causes: S05:ReadOrders/Read+ParseEvents+WriteOrders failed., The job failed because a work "
    "item has failed 4 times. Look in previous log entries for the cause of each one of the 4 failures."
)


@pytest.mark.parametrize(
    ("error_job", "error_end", "linked"),
    [
        ("etl-orders", 345, True),
        ("etl-clicks", 345, False),  # another job's error
        ("etl-orders", -3600, False),  # the job's error of an hour before (an earlier run)
    ],
)
def test_a_dataflow_job_failed_by_the_service_follows_the_jobs_own_errors_before_it(
    error_job: str, error_end: float, linked: bool
) -> None:
    """Dataflow fails the whole job once a work item has failed four times: the workers' exception is the cause."""
    entries = [
        dataflow_entry(
            error_end - 95 * i, error_job, "worker", "ValueError: invalid literal for int() with base 10"
        )
        for i in range(4)
    ]
    entries.append(dataflow_entry(440, "etl-orders", "job-message", WORKFLOW_FAILED))
    links = links_of(scan_entries(entries))
    assert (
        any(
            cause.startswith("ValueError") and effect.startswith("Workflow failed")
            for cause, effect, _ in links
        )
        is linked
    )


def job_event(seconds: float, job: str, reason: str, message: str) -> dict[str, Any]:
    """The Job controller's event about a Job, which GKE writes on the cluster's resource."""
    return {
        "insertId": f"job{seconds}{job}{reason}",
        "timestamp": stamp(seconds),
        "severity": "WARNING",
        "logName": "projects/p/logs/events",
        "resource": {"type": "k8s_cluster", "labels": {"project_id": "p", "cluster_name": "c", "location": "l"}},
        "jsonPayload": {"kind": "Event", "reason": reason, "message": message, "type": "Warning",
                        "involvedObject": {"kind": "Job", "namespace": "shop", "name": job, "apiVersion": "batch/v1"},
                        "source": {"component": "job-controller"}},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("pods", "reason", "message", "linked"),
    [
        (
            "nightly-export-29145600",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            True,
        ),
        (
            "nightly-export-29145600",
            "DeadlineExceeded",
            "Job was active longer than specified deadline",
            True,
        ),
        # another Job's pods, a Deployment's pods of a like name: not the failed Job's
        (
            "weekly-report-29145590",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            False,
        ),
        (
            "nightly-export-7f9c6d5b4",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            False,
        ),
    ],
)
def test_a_kubernetes_job_its_controller_failed_follows_the_errors_of_the_pods_it_made(
    pods: str, reason: str, message: str, linked: bool
) -> None:
    """The Job's pods are named after it (`<job>-<5 characters>`), whatever their container's name (`export`)."""
    entries = [
        container_entry(i * 70, f"{pods}-{suffix}", "export", "google.api_core.exceptions.NotFound: 404 POST "
                        "https://storage.googleapis.com/upload/storage/v1/b/exports/o: The specified bucket does not exist.")
        for i, suffix in enumerate(("7xk2p", "q9w8e", "r5t6y", "m3n4b"))
    ]  # fmt: skip
    entries.append(job_event(300, "nightly-export-29145600", reason, message))
    links = links_of(scan_entries(entries))
    assert (
        any(cause.startswith("google.api_core") and reason in effect for cause, effect, _ in links) is linked
    )


@pytest.mark.parametrize(("job", "linked"), [("reindex", True), ("index", False), ("reindex-1x", False)])
def test_an_indexed_jobs_pods_are_named_with_their_completion_index_after_the_jobs_name(
    job: str, linked: bool
) -> None:
    """An indexed Job's pods are `<job>-<index>-<5 characters>`."""
    entries = [
        container_entry(
            i * 70, f"reindex-{i % 3}-{suffix}", "worker", f"ValueError: shard {i % 3} has no primary"
        )
        for i, suffix in enumerate(("x8c7v", "b6n5m", "q1w2e", "r4t5y"))
    ]
    entries.append(job_event(300, job, "BackoffLimitExceeded", "Job has reached the specified backoff limit"))
    links = links_of(scan_entries(entries))
    assert any(cause.startswith("ValueError") for cause, _, _ in links) is linked


def test_two_jobs_failed_alike_on_two_days_each_follow_their_own_pods_errors() -> None:
    """The Job controller's events of two Jobs a day apart are one problem; each day's failure follows that day's
    errors of the pods its Job made."""
    day = 86_400
    entries = [
        container_entry(i * 70, f"nightly-export-29145600-{suffix}", "export", "KeyError: 'region'")
        for i, suffix in enumerate(("7xk2p", "q9w8e"))
    ]
    entries.append(
        job_event(
            200,
            "nightly-export-29145600",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        )
    )
    entries += [
        container_entry(day + i * 70, f"reindex-{i}-{suffix}", "worker", "ValueError: shard has no primary")
        for i, suffix in enumerate(("x8c7v", "b6n5m"))
    ]
    entries.append(
        job_event(day + 200, "reindex", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
    )
    causes = {
        cause.split(":")[0] for cause, effect, _ in links_of(scan_entries(entries)) if "backoff" in effect
    }
    assert causes == {"KeyError", "ValueError"}


def test_a_kubernetes_job_failed_an_hour_after_its_pods_errors_does_not_follow_them() -> None:
    entries = [
        container_entry(i * 70, f"nightly-export-29145600-{suffix}", "export", "KeyError: 'region'")
        for i, suffix in enumerate(("7xk2p", "q9w8e"))
    ]
    entries.append(
        job_event(
            3_900,
            "nightly-export-29145600",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        )
    )
    assert not links_of(scan_entries(entries))


HIKARI_VALIDATE = (
    "2026-11-21 09:00:05.118  WARN 1 --- [nio-8080-exec-2] com.zaxxer.hikari.pool.PoolBase          : HikariPool-1 - "
    "Failed to validate connection {connection}@6c3f5a20 ({reason}). Possibly consider using a shorter maxLifetime "
    "value."
)


@pytest.mark.parametrize(
    ("client_from", "warning", "linked"),
    [
        (5, HIKARI_VALIDATE.format(connection="org.postgresql.jdbc.PgConnection",
                                   reason="This connection has been closed."), True),
        (5, "2026-11-21 09:00:05.118  WARN 1 --- [nio-8080-exec-2] com.zaxxer.hikari.pool.ProxyConnection    : "
            "HikariPool-1 - Connection org.postgresql.jdbc.PgConnection@6c3f5a20 marked as broken because of "
            "SQLSTATE(57P01), ErrorCode(0)", True),
        # a MySQL connection found closed while only a PostgreSQL instance is down
        (5, HIKARI_VALIDATE.format(connection="com.mysql.cj.jdbc.ConnectionImpl",
                                   reason="No operations allowed after connection closed."), False),
        # the pool's other warnings: a leak, a paused housekeeper
        (5, "2026-11-21 09:00:05.771  WARN 1 --- [l-1 housekeeper] com.zaxxer.hikari.pool.ProxyLeakTask     : "
            "Connection leak detection triggered for org.postgresql.jdbc.PgConnection@3f2a1b9 on thread "
            "nio-8080-exec-7, stack trace follows", False),
        (5, "2026-11-21 09:00:05.004  WARN 1 --- [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : "
            "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m4s287ms).", False),
        # a connection found closed an hour after the restart: its maxLifetime, not the outage
        (3_600, HIKARI_VALIDATE.format(connection="org.postgresql.jdbc.PgConnection",
                                       reason="This connection has been closed."), False),
    ],
)  # fmt: skip
def test_a_pools_warning_that_it_found_a_connection_dead_follows_the_database_down_then(
    client_from: float, warning: str, linked: bool
) -> None:
    """HikariCP warns, and makes a new connection, when a connection it held is found closed: while the one
    PostgreSQL instance says it is down, that warning is the outage's trace in each client that held connections
    (its engine from the connection's class). The pool's other warnings, another engine's connection, or a
    connection found closed an hour later are not."""
    entries = [postgres_line(i * 2, ADMIN_FATAL.format(pid=3301 + i)) for i in range(3)]
    entries += [postgres_line(30 + i * 7, "FATAL:  the database system is starting up") for i in range(3)]
    entries += [
        container_entry(client_from + i * 2, f"pricing-7d8e9f0a1-c{i}d3e", "pricing", warning)
        | {"severity": "INFO", "logName": "projects/p/logs/stdout"}
        for i in range(3)
    ]
    report = scan_entries(entries)
    (warned,) = [c for c in report.clusters if "pricing" in " ".join(c.services)]
    assert warned.max_severity == "WARNING"
    links = links_of(report)
    causes = {cause for cause, effect, _ in links if effect == warned.title}
    assert bool(causes) is linked
    if linked:
        (incident,) = [i for i in report.incidents if warned.fingerprint in i.problems]
        assert "found a connection in its pool closed" in incident.story


INGRESS_NGINX_NO_ENDPOINT = (
    "W1120 10:00:{s:02d}.123456       7 controller.go:1112] "
    'Service "{service}" does not have any active Endpoint.'
)


@pytest.mark.parametrize(
    ("pods", "proxy_from", "proxy", "linked"),
    [
        (("Failed", 'Error: secret "cart-db-v2" not found'), 40, INGRESS_NGINX_NO_ENDPOINT, "Failed:"),
        (("Failed", 'Failed to pull image "europe-west1-docker.pkg.dev/p/apps/cart:2.14.0": rpc error: code = '
          "NotFound desc = failed to resolve reference: not found"), 40, INGRESS_NGINX_NO_ENDPOINT, "Failed:"),
        # exits come first on the ladder of a service not there
        (("BackOff", "Back-off restarting failed container cart in pod cart"), 40, INGRESS_NGINX_NO_ENDPOINT,
         "BackOff:"),
        (("Failed", 'Error: secret "cart-db-v2" not found'), 40,
         'time="2026-11-20T10:00:{s:02d}Z" level=warning msg="Endpoints not available for {service}"', "Failed:"),
        # another Service, the same name in another namespace, an hour later: not linked
        (("Failed", 'Error: secret "cart-db-v2" not found'), 40,
         INGRESS_NGINX_NO_ENDPOINT.replace("{service}", "shop/legacy-search"), None),
        (("Failed", 'Error: secret "cart-db-v2" not found'), 40,
         INGRESS_NGINX_NO_ENDPOINT.replace("{service}", "staging/cart"), None),
        (("Failed", 'Error: secret "cart-db-v2" not found'), 3_600, INGRESS_NGINX_NO_ENDPOINT, None),
    ],
)  # fmt: skip
def test_a_proxy_saying_a_kubernetes_service_has_no_endpoint_follows_what_keeps_its_pods_from_serving(
    pods: tuple[str, str], proxy_from: float, proxy: str, linked: str | None
) -> None:
    """ingress-nginx (Traefik 1) names, by namespace/name, a Service none of whose pods is ready: the effect of its
    workload failing then, the first rung of its not being there, else what its pods' events say keeps them from
    running (a missing secret, an image that cannot be pulled). Another Service, a Service of that name in another
    namespace, or the same warning an hour later are not."""
    reason, message = pods
    entries = [pod_event(i * 20, f"cart-6f8d9c7b5-k{i}x4p", reason, message) for i in range(4)]
    entries += [
        container_entry(proxy_from + i * 13, "ingress-nginx-controller-7d9f8c6b5-x2k9p", "controller",
                        proxy.format(s=i * 13 % 60, service="shop/cart"))
        for i in range(5)
    ]  # fmt: skip
    report = scan_entries(entries)
    causes = [cause for cause, effect, _ in links_of(report) if "ndpoint" in effect]
    assert [cause.split(" ", 1)[0] for cause in causes] == ([linked] if linked else [])


KUBERNETES_NAME = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)


@given(KUBERNETES_NAME, KUBERNETES_NAME, st.sampled_from([
    'W1120 10:00:40.123456       7 controller.go:1112] Service "{s}" does not have any active Endpoint.',
    'time="2026-11-20T10:00:40Z" level=warning msg="Endpoints not available for {s}"',
    "Service endpoints not found for {s}, falling back to Service ClusterIP",
    "Endpoints not found for {s}",
]))  # fmt: skip
@example("shop", "cart", "Service shop/cart has endpoints: {s}")
def test_the_service_a_proxy_says_has_no_endpoint_is_read_by_its_namespace_and_name(
    namespace: str, name: str, phrasing: str
) -> None:
    from loggardener.linking.facts import NO_ENDPOINTS, no_endpoint_service

    text = phrasing.format(s=f"{namespace}/{name}")
    said = NO_ENDPOINTS.search(text) is not None
    assert no_endpoint_service(text) == (f"{namespace}/{name}" if said else "")
    assert said == ("{s}" in phrasing and "has endpoints" not in phrasing)
    assert names_failure(text) is said


def test_the_no_endpoint_pattern_stays_linear() -> None:
    from loggardener.linking.facts import NO_ENDPOINTS

    assert_linear(lambda n: NO_ENDPOINTS.search("Endpoints not found for " * n), 20_000)
    assert_linear(lambda n: NO_ENDPOINTS.search('Service "a' + "-" * n), 20_000)


DEAD_LETTERED = "Dead-lettered message 11829374652 from subscription projects/p/subscriptions/{subscription} (delivery attempt 5)"


@pytest.mark.parametrize(
    ("subscription", "record_from", "failing", "linked"),
    [
        ("shipping-orders", 40, ("shipping",), "HTTP 500 on POST"),
        ("orders.shipping-push", 40, ("shipping",), "HTTP 500 on POST"),
        # the attribute Pub/Sub sets on a dead-lettered message
        ("CloudPubSubDeadLetterSourceSubscription=shipping-orders", 40, ("shipping",), "HTTP 500 on POST"),
        # no failing service in its name, a name only like it, two services in its name, an hour later
        ("invoices-push", 40, ("shipping",), None),
        ("shippingx-orders", 40, ("shipping",), None),
        ("shipping-billing", 40, ("shipping", "billing"), None),
        ("shipping-orders", 3_600, ("shipping",), None),
        # the service's pages failing, not its pushes
        ("shipping-orders", 40, ("shipping:GET",), None),
        # two services in its name, one refusing the pushes, the other failing its pages
        ("eventarc-europe-west1-fulfil-orders-created-sub-418", 40, ("fulfil-orders", "orders:GET"),
         "HTTP 500 on POST"),
    ],
)  # fmt: skip
def test_messages_dead_lettered_from_a_subscription_follow_the_failed_pushes_of_the_service_it_names(
    subscription: str, record_from: float, failing: tuple[str, ...], linked: str | None
) -> None:
    """A dead-letter handler's record names the subscription the messages came from; the one service whose name
    the subscription's holds, failing its pushes (5xx) in the same minutes, did not acknowledge them. No failing
    service named, a name that only begins alike, two named, the record an hour later, or the service failing only
    its pages (GET, not Pub/Sub's POSTs): not linked."""
    entries = []
    for failed in failing:
        service, _, method = failed.partition(":")
        entries += [
            run_entry(i * 12, service=service, revision=f"{service}-00014-qor", severity="ERROR",
                      log="run.googleapis.com%2Frequests",
                      httpRequest={"requestMethod": method or "POST", "status": 500,
                                   "requestUrl": f"https://{service}-x.a.run.app/_pubsub"})
            for i in range(12)
        ]  # fmt: skip
    text = (
        f"Dead-lettered message 11829374652 ({subscription}, delivery attempt 5)"
        if "=" in subscription
        else DEAD_LETTERED.format(subscription=subscription)
    )
    entries += [
        run_entry(record_from + i * 30, service="dlq-archiver", revision="dlq-archiver-00002-vic", text=text,
                  severity="WARNING")
        for i in range(4)
    ]  # fmt: skip
    causes = [
        cause for cause, effect, _ in links_of(scan_entries(entries)) if effect.startswith("Dead-lettered")
    ]
    assert [cause[: len(linked or "")] for cause in causes] == ([linked] if linked else [])


@pytest.mark.parametrize(("app", "linked"), [("catalog", True), ("catalog-admin", False), (None, False)])
def test_a_service_named_after_the_app_label_of_pods_that_log_only_below_warning_stands_for_their_workload(
    app: str | None, linked: bool
) -> None:
    """Deployment `catalog-backend`'s pods (`app: catalog`) log only their served requests, at INFO, which the
    parser skims; their readiness probes fail and ingress-nginx says Service `shop/catalog` has no endpoint. The
    skimmed lines' pod label still ties the Service to the workload; another label, or none, does not."""
    pod = "catalog-backend-5f6a7b8c9-d1e2f"
    entries = [
        labelled_container_entry(i * 30, "shop", pod, "catalog-backend", app, "GET /api/items 200 8ms")
        | {"severity": "INFO", "logName": "projects/p/logs/stdout"}
        for i in range(4)
    ]
    entries += [
        pod_event(
            10 + i * 29, pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"
        )
        for i in range(6)
    ]
    entries += [
        container_entry(40 + i * 13, "ingress-nginx-controller-7d9f8c6b5-x2k9p", "controller",
                        INGRESS_NGINX_NO_ENDPOINT.format(s=40 + i, service="shop/catalog"))
        for i in range(5)
    ]  # fmt: skip
    report = scan_entries(entries)
    assert not [c for c in report.clusters if "GET /api/items" in c.title]  # skimmed
    causes = [cause for cause, effect, _ in links_of(report) if "ndpoint" in effect]
    assert [cause.split(" ", 1)[0] for cause in causes] == (["Unhealthy:"] if linked else [])


RABBIT_DOWN = "Back-off restarting failed container rabbitmq in pod rabbitmq-0_shop(0a1b2c3d)"


@pytest.mark.parametrize(
    ("caller", "linked"),
    [
        ("consumer: Cannot connect to amqp://orders:**@rabbitmq.shop.svc.cluster.local:5672//: "
         "[Errno 111] Connection refused.", True),
        ("redis.exceptions.ConnectionError: Error 111 connecting to redis://:s3cr3tpass@rabbitmq:6379/0. "
         "Connection refused.", True),
        ("psycopg2.OperationalError: could not connect: postgresql://app:pw@rabbitmq.shop:5432/orders refused, "
         "connection refused", True),
        # an Erlang node's name and a mail address are no URL's host; another host of a longer name
        ("rabbit@rabbitmq-0.rabbitmq-nodes.shop: connection refused", False),
        ("mail to ops@rabbitmq.shop.example:25 failed: connection refused", False),
        ("consumer: Cannot connect to amqp://orders:**@rabbitmqx.shop.svc.cluster.local:5672//: "
         "[Errno 111] Connection refused.", False),
    ],
)  # fmt: skip
def test_a_url_with_a_user_names_the_host_after_its_at_sign(caller: str, linked: bool) -> None:
    """A broker or database URL carrying a user and password (`amqp://orders:**@rabbitmq.shop.svc…:5672//`, as
    Celery logs it) names its host after the `@`: a call to it cut off while that workload crash-loops is the
    effect. An `@` that ends no URL's user (an Erlang node `rabbit@rabbitmq-0…`, a mail address) names no host."""
    entries = [pod_event(i * 20, "rabbitmq-0", "BackOff", RABBIT_DOWN) for i in range(4)]
    entries += [container_entry(10 + i * 15, "worker-7d8e9f0a1-b2c3d", "worker", caller) for i in range(5)]
    causes = [
        cause for cause, effect, _ in links_of(scan_entries(entries)) if not effect.startswith("BackOff")
    ]
    assert [cause.split(":", 1)[0] for cause in causes] == (["BackOff"] if linked else [])


def function_entry(seconds: float, function: str, text: str, severity: str = "ERROR") -> dict[str, Any]:
    return {
        "insertId": f"f{seconds}{function}{severity}",
        "timestamp": stamp(seconds),
        "severity": severity,
        "logName": "projects/p/logs/cloudfunctions.googleapis.com%2Fcloud-functions",
        "resource": {"type": "cloud_function", "labels": {"project_id": "p", "function_name": function,
                                                          "region": "europe-west1"}},
        "labels": {"execution_id": f"ex{seconds}"},
        "textPayload": text,
    }  # fmt: skip


FUNCTION_CRASH = "TypeError: Cannot read properties of undefined (reading 'width')\n    at resize (/workspace/index.js:42:31)"


@pytest.mark.parametrize(
    ("url", "gen2", "linked"),
    [
        ("https://europe-west1-p.cloudfunctions.net/resize-image", False, True),
        ("https://us-central1-p.cloudfunctions.net/resize-image?w=320", False, True),
        # a 2nd-gen function is a Cloud Run service of the function's name, called at either URL
        ("https://europe-west1-p.cloudfunctions.net/resize-image", True, True),
        # a function of that name in another project; another function; no region before the project
        ("https://europe-west1-media-prod.cloudfunctions.net/resize-image", False, False),
        ("https://europe-west1-p.cloudfunctions.net/resize-images", False, False),
        ("https://p.cloudfunctions.net/resize-image", False, False),
    ],
)  # fmt: skip
def test_a_cloud_functions_url_names_the_function_of_its_project(url: str, gen2: bool, linked: bool) -> None:
    """`https://REGION-PROJECT.cloudfunctions.net/NAME` calls function NAME of PROJECT: a caller answered 500 there
    while that function fails is its effect; the same name in another project, or another name, is not."""
    entries = [
        run_entry(i * 30, text=FUNCTION_CRASH, severity="ERROR", service="resize-image",
                  revision="resize-image-00003-xiv") if gen2 else function_entry(i * 30, "resize-image", FUNCTION_CRASH)
        for i in range(5)
    ]  # fmt: skip
    entries += [
        run_entry(5 + i * 30, severity="ERROR", service="catalog", revision="catalog-00044-hus", text=(
            f"requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url: {url}"))
        for i in range(5)
    ]  # fmt: skip
    causes = [cause for cause, effect, _ in links_of(scan_entries(entries)) if "HTTPError" in effect]
    assert [cause.split(":", 1)[0] for cause in causes] == (["TypeError"] if linked else [])


@pytest.mark.parametrize(
    "text",
    [
        "StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). "
        "UnableToConnect on cache:6379/Interactive",
        "io.lettuce.core.RedisConnectionException: Unable to connect to 10.30.0.4/<unresolved>:6379",
    ],
)
def test_a_client_saying_it_could_not_connect_names_a_call_cut_off(text: str) -> None:
    from loggardener.linking.facts import CUT_OFF

    assert CUT_OFF.search(text) is not None
    assert names_failure(text)


BILLING_DOWN = "Back-off restarting failed container billing in pod billing-7c9d8f6b5-q4r5s_shop(5e6f7a8b)"
TRAEFIK_PORT = "&ServiceBackendPort{Name:,Number:8080,}"


def traefik_line(
    seconds: float, text: str | None = None, fields: dict[str, str] | None = None
) -> dict[str, Any]:
    entry = container_entry(seconds, "traefik-6b7c8d9e0-z9y8x", "traefik", text or "")
    entry["severity"], entry["logName"] = "INFO", "projects/p/logs/stdout"
    if fields is not None:
        del entry["textPayload"]
        entry["jsonPayload"] = fields
    return entry


@pytest.mark.parametrize(
    ("text", "fields", "linked"),
    [
        # Traefik 3's text format, Traefik 2's logfmt and JSON formats, its CRD provider
        (f"2026-01-01T00:00:40Z ERR Skipping service: no endpoints found ingress=billing namespace=shop "
         f"providerName=kubernetes serviceName=billing servicePort={TRAEFIK_PORT}", None, True),
        (f'time="2026-01-01T00:00:40Z" level=error msg="Skipping service: no endpoints found" ingress=billing '
         f'namespace=shop providerName=kubernetes serviceName=billing servicePort="{TRAEFIK_PORT}"', None, True),
        (None, {"ingress": "billing", "level": "error", "msg": "Skipping service: no endpoints found",
                "namespace": "shop", "providerName": "kubernetes", "serviceName": "billing",
                "servicePort": TRAEFIK_PORT}, True),
        ('time="2026-01-01T00:00:40Z" level=error msg="Cannot create service: endpoints not found for shop/billing" '
         "providerName=kubernetescrd ingress=billing-route namespace=shop", None, True),
        ('time="2026-01-01T00:00:40Z" level=error msg="Cannot create service: subset not found for shop/billing" '
         "providerName=kubernetescrd ingress=billing-route namespace=shop", None, True),
        # another Service, the same name in another namespace, a Service's fields on a line that is no failure
        (f"2026-01-01T00:00:40Z ERR Skipping service: no endpoints found ingress=docs namespace=shop "
         f"providerName=kubernetes serviceName=docs servicePort={TRAEFIK_PORT}", None, False),
        (None, {"ingress": "billing", "level": "error", "msg": "Skipping service: no endpoints found",
                "namespace": "staging", "providerName": "kubernetes", "serviceName": "billing"}, False),
        (None, {"level": "error", "msg": "Router defined multiple times", "namespace": "shop",
                "serviceName": "billing"}, False),
    ],
)  # fmt: skip
def test_traefik_names_the_service_it_found_no_endpoints_for_in_its_fields(
    text: str | None, fields: dict[str, str] | None, linked: bool
) -> None:
    """Traefik 2 and 3 name the Service they skip for want of endpoints only in their fields (`namespace=shop …
    serviceName=billing`, in a text line or a JSON record); the CRD provider in its message. Its warning follows
    that Service's workload crash-looping then; another Service's, or one in another namespace, does not."""
    entries = [pod_event(i * 20, f"billing-7c9d8f6b5-q{i}r5s", "BackOff", BILLING_DOWN) for i in range(4)]
    entries += [traefik_line(30 + i * 13, text, fields) for i in range(5)]
    causes = [
        cause for cause, effect, _ in links_of(scan_entries(entries)) if not effect.startswith("BackOff")
    ]
    assert [cause.split(":", 1)[0] for cause in causes] == (["BackOff"] if linked else [])


@given(KUBERNETES_NAME, KUBERNETES_NAME, st.sampled_from(["logfmt", "text", "json"]))
def test_the_service_traefik_names_in_its_fields_is_read_by_its_namespace_and_name(
    namespace: str, name: str, layout: str
) -> None:
    from loggardener.entries.levels import kubernetes_service_fields
    from loggardener.linking.facts import no_endpoint_service

    fields = f"ingress=x namespace={namespace} providerName=kubernetes serviceName={name} servicePort=80"
    if layout == "logfmt":
        line = f'time="2026-01-01T00:00:40Z" level=error msg="Skipping service: no endpoints found" {fields}'
        assert kubernetes_service_fields(line) == f"{namespace}/{name}"
        text = f"Skipping service: no endpoints found (upstream: {kubernetes_service_fields(line)})"
    elif layout == "text":
        text = f"Skipping service: no endpoints found {fields}"
    else:
        text = f"Skipping service: no endpoints found (upstream: {namespace}/{name})"
    assert no_endpoint_service(text) == f"{namespace}/{name}"
    assert no_endpoint_service(text.replace("no endpoints", "some endpoints")) == ""


LEDGER_CALL = (
    "io.grpc.StatusRuntimeException: DEADLINE_EXCEEDED: deadline exceeded after 4.999862515s. Name resolution delay "
    "0.000000000 seconds. [closed=[], open=[[remote_addr=ledger.shop.svc.cluster.local/10.4.2.17:50051]]]"
)


@pytest.mark.parametrize(
    ("ledger_errors", "linked"),
    [
        (["ERROR: canceling statement due to statement timeout (SQLSTATE 57014)"], True),
        (["rpc error: code = DeadlineExceeded desc = context deadline exceeded"], True),
        # a function's invocations that ran out of time (its platform's record, not an error of its code)
        (["Function execution took 60002 ms, finished with status: 'timeout'"], True),
        # its error is no timeout, or a timeout that is no operation's; two timeouts of its own (which one is not told)
        (["KeyError: 'amount'"], False),
        (["AuthError: session timeout for user 7100, please sign in again"], False),
        (["ERROR: canceling statement due to statement timeout (SQLSTATE 57014)",
          "redis.exceptions.TimeoutError: Timeout reading from socket"], False),
    ],
)  # fmt: skip
def test_a_call_that_timed_out_follows_the_one_timeout_of_the_service_it_named(
    ledger_errors: list[str], linked: bool
) -> None:
    """A caller's call to a named service timed out (`DEADLINE_EXCEEDED … remote_addr=ledger.shop.svc…`) while
    that service, not down, logged one error that is a timeout of its own: it was slow because what it waits on
    was, and the caller's timeout is its effect. An error of another kind, or two timeouts, are not told apart."""
    entries = [
        container_entry(i * 20 + k, f"ledger-5d7f8c9b6-r{i}t4x", "ledger", text)
        for i in range(5)
        for k, text in enumerate(ledger_errors)
    ]
    entries += [
        container_entry(8 + i * 20, "checkout-7b9c6d5f4-k3m2n", "checkout", LEDGER_CALL) for i in range(5)
    ]
    causes = [
        cause for cause, effect, _ in links_of(scan_entries(entries)) if "StatusRuntimeException" in effect
    ]
    assert len(causes) == (1 if linked else 0)


CART_STORAGE = (
    "Can't access cart storage. StackExchange.Redis.RedisConnectionException: It was not possible to connect to the "
    "redis server(s). UnableToConnect on redis-cart:6379/Interactive, Initializing/NotStarted, last: NONE"
)


@pytest.mark.parametrize(
    "answered",
    [
        "could not retrieve cart: rpc error: code = FailedPrecondition desc = {m}",
        "io.grpc.StatusRuntimeException: FAILED_PRECONDITION: {m}",
        'grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with:\n\tstatus = '
        'StatusCode.FAILED_PRECONDITION\n\tdetails = "{m}"\n>',
        "Error: 9 FAILED_PRECONDITION: {m}",
        'Grpc.Core.RpcException: Status(StatusCode="FailedPrecondition", Detail="{m}")',
    ],
)  # fmt: skip
def test_a_grpc_clients_status_message_quoting_a_services_own_error_is_its_effect(answered: str) -> None:
    """The message a gRPC client's error gives as the server's answer, in every client's wording, quoting words
    another service logged as its own error in the same minutes: that service failed the call."""
    entries = [
        container_entry(i * 20, "cartservice-7c9d8e6f5-h2j3k", "cartservice", CART_STORAGE) for i in range(5)
    ]
    entries += [
        container_entry(1 + i * 20, "frontend-5d6e7f8a9-m4n5p", "frontend", answered.format(m=CART_STORAGE))
        for i in range(5)
    ]
    links = links_of(scan_entries(entries))
    assert [(cause.split(".", 1)[0], effect.split(" ", 1)[0]) for cause, effect, _ in links] == [
        ("Can't access cart storage", answered.split(" ", 1)[0])
    ]


@pytest.mark.parametrize("hours", [0, 2])
def test_two_clients_given_the_same_answer_do_not_quote_each_other(hours: int) -> None:
    """Two services whose calls a third answered with the same words (each only as the answer it got), or a
    service that logged the words itself hours before: not linked."""
    aborted = "Transaction was aborted. It was aborted because of a conflict with another transaction."
    entries = [
        container_entry(
            i * 20, "orders-5d6e7f8a9-m4n5p", "orders", f"rpc error: code = Aborted desc = {aborted}"
        )
        for i in range(5)
    ]
    entries += [
        container_entry(hours * 3600 + 1 + i * 20, "billing-6d7e8f9a0-b1c2d", "billing",
                        f"io.grpc.StatusRuntimeException: ABORTED: {aborted}" if not hours else aborted)
        for i in range(5)
    ]  # fmt: skip
    assert links_of(scan_entries(entries)) == set()


FLOOD_STAGE = (
    "flood stage disk watermark [95%] exceeded on [pH2kQx8zT3eY][logs-es-data-0][/usr/share/elasticsearch/data] "
    "free: 2.1gb[4.3%], all indices on this node will be marked read-only"
)


@pytest.mark.parametrize(
    ("client", "nodes", "client_from", "linked"),
    [
        ("elasticsearch.ApiError: ApiError(429, 'cluster_block_exception', 'index [orders-2026.11] blocked by: "
         "[TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete "
         "block];')", ("elasticsearch",), 30, True),
        ("ClusterBlockException[blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];]",
         ("elasticsearch",), 30, True),
        # another refusal; two search services past their flood stage; an hour later
        ("elasticsearch.ConflictError: ConflictError(409, 'version_conflict_engine_exception', '[ord-1]: version "
         "conflict')", ("elasticsearch",), 30, False),
        ("ClusterBlockException[blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];]",
         ("elasticsearch", "opensearch"), 30, False),
        ("ClusterBlockException[blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];]",
         ("elasticsearch",), 3_600, False),
    ],
)  # fmt: skip
def test_a_write_refused_for_a_read_only_index_follows_the_search_node_past_its_flood_stage(
    client: str, nodes: tuple[str, ...], client_from: float, linked: bool
) -> None:
    """An index made read-only because its node's disk passed the flood stage refuses writes: the client's
    refusal follows the one search service whose node said so in the same minutes."""
    entries = [
        container_entry(i * 30, f"{node}-data-0", node, FLOOD_STAGE) for node in nodes for i in range(5)
    ]
    entries += [
        container_entry(client_from + i * 25, "indexer-6b7c8d9e0-f1g2h", "indexer", client) for i in range(5)
    ]
    causes = [cause for cause, effect, _ in links_of(scan_entries(entries)) if "flood" not in effect]
    assert [cause.split(" ", 1)[0] for cause in causes] == (["flood"] if linked else [])


def test_the_new_host_and_field_patterns_stay_linear() -> None:
    from loggardener.entries.levels import kubernetes_service_fields
    from loggardener.linking.facts import NO_ENDPOINTS
    from loggardener.linking.rules import _STATUS_MESSAGE, _USERINFO

    assert_linear(
        lambda n: NO_ENDPOINTS.search("Skipping service: no endpoints found" + " namespace=a" * n), 5_000
    )
    assert_linear(lambda n: kubernetes_service_fields(" namespace=a" * n + " serviceName="), 5_000)
    assert_linear(lambda n: _USERINFO.search("://" + "a" * n + "@"), 20_000)
    assert_linear(lambda n: _STATUS_MESSAGE.search("Error: 1" * n), 20_000)


PG_REFUSED = (
    'connection to server at "10.20.0.9", port 5432 failed: Connection refused Is the server running on that host '
    "and accepting TCP/IP connections?"
)


@pytest.mark.parametrize(
    ("answer", "linked"),
    [
        (f"psycopg2.OperationalError: {PG_REFUSED}", "psycopg2.OperationalError"),
        (f"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) {PG_REFUSED}", "sqlalchemy.exc.OperationalError"),
        # the answer begins as neither's error: which one answered is not told
        (f"stock lookup failed: {PG_REFUSED}", None),
    ],
)  # fmt: skip
def test_a_status_message_quoting_two_problems_own_words_names_the_one_it_begins_as(
    answer: str, linked: str | None
) -> None:
    """Two clients of one database log its refusal in their own wordings; a third service's gRPC status message
    quotes those words: the server that answered is the one whose error begins as the answer does."""
    entries = []
    for i in range(5):
        entries.append(
            container_entry(
                i * 20, "stock-5b6c7d8e9-a1b2c", "stock", f"psycopg2.OperationalError: {PG_REFUSED}"
            )
        )
        entries.append(
            container_entry(
                i * 20 + 0.5,
                "restock-6c7d8e9f0-d3e4f",
                "restock",
                f"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) {PG_REFUSED}",
            )
        )
        entries.append(
            container_entry(
                i * 20 + 0.2,
                "storefront-7d8e9f0a1-g5h6i",
                "storefront",
                f"could not check stock: rpc error: code = Unavailable desc = {answer}",
            )
        )
    links = links_of(scan_entries(entries))
    causes = [cause for cause, effect, _ in links if effect.startswith("could not check stock")]
    assert [cause.split(":", 1)[0] for cause in causes] == ([linked] if linked else [])


@pytest.mark.parametrize("client_day", [0, 2])
def test_two_instances_restarted_on_different_days_each_cause_the_failures_of_that_days_clients(
    client_day: int,
) -> None:
    """Two instances log one problem (the same words) on two days: a client naming neither instance, failing on
    one of the days, called the one down that day, not two instances at once."""
    day = 86_400
    entries = [
        postgres_line(
            d * day + i * 15, "FATAL:  terminating connection due to administrator command", instance
        )
        for d, instance in ((0, "orders-db"), (2, "billing-db"))
        for i in range(4)
    ]
    entries += [
        run_entry(client_day * day + 10 + i * 20, text=PG_CLIENTS[0], severity="ERROR") for i in range(3)
    ]
    report = scan_entries(entries)
    assert [cause for cause, effect, _ in links_of(report) if effect.startswith("psycopg2")] == [
        "terminating connection due to administrator command"
    ]
    (evidence,) = [text for incident in report.incidents for link in incident.links for text in link.evidence]
    down, other = ("orders-db", "billing-db") if client_day == 0 else ("billing-db", "orders-db")
    assert (
        f"(p:{down}, the only PostgreSQL instance saying it is down then" in evidence
        and other not in evidence
    )


def test_two_instances_down_in_the_same_minutes_still_leave_an_unnamed_client_unlinked() -> None:
    entries = [
        postgres_line(i * 15, "FATAL:  terminating connection due to administrator command", instance)
        for instance in ("orders-db", "billing-db")
        for i in range(4)
    ]
    entries += [run_entry(10 + i * 20, text=PG_CLIENTS[0], severity="ERROR") for i in range(3)]
    assert [effect for _, effect, _ in links_of(scan_entries(entries)) if effect.startswith("psycopg2")] == []


SOCKET_CLIENT = (
    'psycopg2.OperationalError: connection to server on socket "/cloudsql/p:europe-west1:{instance}/.s.PGSQL.5432" '
    "failed: {why}"
)


@pytest.mark.parametrize(
    ("why", "linked"),
    [
        ("No such file or directory\n\tIs the server running locally and accepting connections on that socket?",
         True),
        ("Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?", True),
        # the server answered and refused the password: not a server that was not there
        ('FATAL:  password authentication failed for user "api"', False),
    ],
)  # fmt: skip
def test_libpqs_hint_that_the_server_was_not_running_follows_the_instance_down_then(
    why: str, linked: bool
) -> None:
    entries = [postgres_line(i * 15, "FATAL:  the database system is shutting down") for i in range(4)]
    client = SOCKET_CLIENT.format(instance="orders-db", why=why)
    entries += [run_entry(10 + i * 20, text=client, severity="ERROR") for i in range(3)]
    assert [
        cause for cause, effect, _ in links_of(scan_entries(entries)) if effect.startswith("psycopg2")
    ] == (["the database system is shutting down"] if linked else [])


EVICTED = (
    "The node was low on resource: memory. Threshold quantity: 100Mi, available: {k}Ki. Container worker was "
    "using 9{k}Ki, request is 256Mi, has larger consumption of memory."
)


@pytest.mark.parametrize(
    ("error", "stop_is_cause"),
    [
        ("job {i} aborted: received SIGTERM while resizing gs://media/raw/{i}.png", True),
        ("worker exited: signal: terminated (job {i})", True),
        ("Caught SIGTERM, cancelling job {i}", True),
        # an error that says nothing of a stop, logged just before the eviction: the order by role stands
        ("job {i} failed: image too large to decode", False),
    ],
)
def test_a_pods_eviction_causes_the_error_saying_its_process_was_told_to_stop(
    error: str, stop_is_cause: bool
) -> None:
    """The kubelet evicting a pod sends its container SIGTERM; the worker's line about the signal it received can
    come a second before the eviction's event and is still its effect."""
    entries = []
    for i in range(3):
        pod = f"worker-7c9f6d5b8-{'abc'[i]}q2x{i}"
        entries.append(container_entry(100 * i, pod, "worker", error.format(i=8810 + i)))
        entries.append(kubelet_event(100 * i + 1, pod, EVICTED.format(k=70100 + i), reason="Evicted"))
    links = {(cause[:4], effect[:4]) for cause, effect, _ in links_of(scan_entries(entries))}
    eviction, stopped = "Evic", error[:4]
    assert links == ({(eviction, stopped)} if stop_is_cause else {(stopped, eviction)})


def secret_version_added(seconds: float, secret: str) -> dict[str, Any]:
    change = bucket_change(seconds, secret) | {
        "resource": {"type": "audited_resource", "labels": {"project_id": "p"}}
    }
    change["protoPayload"] |= {
        "methodName": "google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion",
        "resourceName": f"projects/731/secrets/{secret}",
    }
    return change


PASSWORD_REFUSED = (
    'psycopg2.OperationalError: connection to server on socket "/cloudsql/p:europe-west1:accounts-db/.s.PGSQL.5432" '
    'failed: FATAL:  password authentication failed for user "app"'
)


@pytest.mark.parametrize(
    ("secrets", "told"),
    [
        # two secrets changed: the one whose name the failure's service or text holds a word of
        (("accounts-db-password", "newsletter-api-key"), ["accounts-db-password"]),
        (("newsletter-api-key", "accounts-db-password"), ["accounts-db-password"]),
        # no secret named after anything the failure says: each may be the one, all are told (as before)
        (("db-password", "smtp-token"), ["db-password", "smtp-token"]),
        (("newsletter-api-key",), ["newsletter-api-key"]),
    ],
)
def test_of_secrets_changed_before_a_refused_credential_the_ones_it_names_a_word_of_are_told(
    secrets: tuple[str, ...], told: list[str]
) -> None:
    entries = [secret_version_added(i * 30, secret) for i, secret in enumerate(secrets)]
    entries += [
        run_entry(120 + i * 20, severity="ERROR", service="ledger-api", revision="ledger-api-00005-qiz",
                  instance=f"m{i}", text=PASSWORD_REFUSED)
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert sorted(c.resource for c in incident.changes) == told


def certificate_failed(seconds: float, certificate: str, namespace: str = "payments") -> dict[str, Any]:
    """cert-manager's event on a Certificate it failed to renew."""
    return {
        "insertId": f"cert-{certificate}-{seconds}",
        "timestamp": stamp(seconds),
        "severity": "WARNING",
        "logName": "projects/p/logs/events",
        "resource": {"type": "k8s_cluster", "labels": {"project_id": "p", "cluster_name": "c"}},
        "jsonPayload": {
            "kind": "Event",
            "reason": "Failed",
            "type": "Warning",
            "message": "The certificate request has failed to complete and will be retried: Failed to wait for "
            f'order resource "{certificate}-7k2lp-1429637" to become ready: order is in "errored" state: Failed to '
            "create Order: 429 urn:ietf:params:acme:error:rateLimited: too many certificates (5) already issued",
            "involvedObject": {"kind": "Certificate", "namespace": namespace, "name": certificate},
            "source": {"component": "cert-manager-certificates-issuing"},
        },
    }


GO_EXPIRED = (
    'charge failed: Post "https://{host}.payments.svc.cluster.local/v1/charges": tls: failed to verify certificate: '
    "x509: certificate has expired or is not yet valid: current time 2026-11-24T10:00:05Z is after 2026-11-24T09:58:00Z"
)
JAVA_EXPIRED = (
    "javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: "
    "validity check failed\n\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:130)\n"
    "Caused by: java.security.cert.CertificateExpiredException: NotAfter: Tue Nov 24 09:58:00 GMT 2026"
)


@pytest.mark.parametrize(
    ("certificates", "client", "client_at", "linked"),
    [
        (("payments-gw-tls",), GO_EXPIRED.format(host="payments-gw"), 600, True),
        (("payments-gw-tls",), JAVA_EXPIRED, 600, True),
        # another host's certificate expired
        (("payments-gw-tls",), GO_EXPIRED.format(host="ledger"), 600, False),
        # a certificate refused for another reason than its dates
        (("payments-gw-tls",), 'Post "https://payments-gw.payments.svc.cluster.local/v1/charges": tls: failed to '
         "verify certificate: x509: certificate signed by unknown authority", 600, False),
        # two certificates failing: which one a client naming no host met is not told
        (("payments-gw-tls", "ledger-tls"), JAVA_EXPIRED, 600, False),
        # the client failed before the certificate's renewal did
        (("payments-gw-tls",), GO_EXPIRED.format(host="payments-gw"), -600, False),
    ],
)  # fmt: skip
def test_a_certificate_that_failed_to_renew_causes_its_clients_refusing_it_as_expired(
    certificates: tuple[str, ...], client: str, client_at: float, linked: bool
) -> None:
    entries = [certificate_failed(i * 300, name) for name in certificates for i in range(2)]
    entries += [
        container_entry(client_at + i * 20, "checkout-59c8d7e6f-r3t5y", "checkout", client) for i in range(3)
    ]
    report = scan_entries(entries)
    assert [cause[:8] for cause, effect, _ in links_of(report) if effect[:12] == client[:12]] == (
        ["Failed: "] if linked else []
    )
    evidence = " ".join(
        text for incident in report.incidents for link in incident.links for text in link.evidence
    )
    assert ("calls host `payments-gw…`, what the certificate is for" in evidence) == (
        linked and "://" in client
    )


def test_the_certificate_and_stop_patterns_stay_linear() -> None:
    from loggardener.linking.rules import _CERTIFICATE_EXPIRED, _QUOTED_DOMAIN, _STOPPED

    assert_linear(lambda n: _CERTIFICATE_EXPIRED.search("PKIX path validation failed: " + "a." * n), 20_000)
    assert_linear(lambda n: _QUOTED_DOMAIN.findall('"a' + ".a" * n), 20_000)
    assert_linear(lambda n: _STOPPED.search("received " * n), 20_000)


REDIS_OVERCOMMIT = (
    "# WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low "
    "memory condition. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run "
    "the command 'sysctl vm.overcommit_memory=1' for this to take effect."
)
REDIS_BACKLOG = (
    "# WARNING: The TCP backlog setting of 511 cannot be enforced because /proc/sys/net/core/somaxconn is set to the "
    "lower value of 128."
)


def redis_line(seconds: float, text: str) -> dict[str, Any]:
    """A line of Redis' own log on its container's stdout (`1:M 24 Nov 2026 09:00:00.001 # …`)."""
    moment = stamp(seconds)
    header = f"1:M {moment[8:10]} Nov 2026 {moment[11:19]}.{int(seconds * 1000) % 1000:03d}"
    return container_entry(seconds, "redis-0", "redis", f"{header} {text}") | {
        "severity": "INFO",
        "logName": "projects/p/logs/stdout",
        "insertId": f"redis-{seconds}-{text[:20]}",
    }


@pytest.mark.parametrize(
    ("fatal", "causes"),
    [
        # each start prints the advice, then what ends it: the back-off follows that, not the advice
        (["# Can't handle RDB format version 12", "# Fatal error loading the DB: Invalid argument. Exiting."],
         ["Can't handle RDB format version", "Fatal error loading the DB: Invalid argument. Exiting."]),
        # the advice alone before each exit: nothing else explains the back-off, it stays its cause
        ([], ["Memory overcommit must be", "The TCP backlog setting of"]),
    ],
)  # fmt: skip
def test_redis_start_advice_is_not_the_cause_of_its_back_off_when_what_ended_it_was_said(
    fatal: list[str], causes: list[str]
) -> None:
    entries = []
    for at in (0, 12, 35, 80, 165):
        lines = [REDIS_OVERCOMMIT, REDIS_BACKLOG, *fatal]
        entries += [redis_line(at + j * 0.001, line) for j, line in enumerate(lines)]
        entries.append(
            pod_event(
                at + 2, "redis-0", "BackOff", "Back-off restarting failed container redis in pod redis-0"
            )
        )
    links = links_of(scan_entries(entries))
    found = sorted(cause for cause, effect, _ in links if effect.startswith("BackOff:"))
    assert [cause[: len(want)] for cause, want in zip(found, causes, strict=True)] == causes


def node_container_entry(seconds: float, node: str, text: str) -> dict[str, Any]:
    """A celery worker container's own line on `node` (GKE labels its entries with their node)."""
    return container_entry(seconds, "thumbs-worker-7b9c8d6f5-hq2zt", "worker", text) | {
        "labels": {GCE_NAME_LABEL: node}
    }


KILLED_LINES = [
    "Task handler raised error: WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job: {i}.')",
    "[ERROR] Worker (pid:{i}) was sent SIGKILL! Perhaps out of memory?",
    "render job {i} failed: exec ffmpeg: signal: killed",
    "render job {i} failed: ffmpeg exited with code 137",
    "concurrent.futures.process.BrokenProcessPool: A process in the process pool was terminated abruptly "
    "while the future was running or pending. (job {i})",
]


@pytest.mark.parametrize(
    ("cause", "line", "node", "linked"),
    [
        *[(("OOMKilling", KERNEL_OOM, "kernel-monitor"), line, "gke-c-pool-2-m4zq", True) for line in KILLED_LINES],
        # look-alikes: a pod on another node; an error that says nothing of a kill; a node that only reclaims
        (("OOMKilling", KERNEL_OOM, "kernel-monitor"), KILLED_LINES[0], "gke-c-pool-1-x7kq", False),
        (("OOMKilling", KERNEL_OOM, "kernel-monitor"), "ValueError: bad thumbnail size {i}", "gke-c-pool-2-m4zq",
         False),
        (("EvictionThresholdMet", "Attempting to reclaim memory", "kubelet"), KILLED_LINES[0], "gke-c-pool-2-m4zq",
         False),
    ],
)  # fmt: skip
def test_the_kernels_oom_kill_causes_the_error_saying_a_process_was_killed_on_that_node(
    cause: tuple[str, str, str], line: str, node: str, linked: bool
) -> None:
    """The kernel kills a pool's child for memory and names only the process; the parent that saw it die says so
    (`signal 9 (SIGKILL)`). The node ties them, as it ties the kill to a restarted container."""
    entries = []
    for i in range(4):
        entries.append(
            node_problem(i * 240, "gke-c-pool-2-m4zq", cause[0], cause[1].format(pid=48213 + i), cause[2])
        )
        entries.append(node_container_entry(i * 240 + 1, node, line.format(i=118 + i)))
    assert [cause_title[: len(cause[0])] for cause_title, _, _ in links_of(scan_entries(entries))] == (
        [cause[0]] if linked else []
    )


def chain_entries(gateway_names: str) -> list[dict[str, Any]]:
    """gateway -> orders -> inventory in one trace per request: orders gives up after 5 s and the gateway
    logs its error then, 3 s before inventory's query is cancelled."""
    entries = []
    for i in range(4):
        trace = f"projects/p/traces/chain{i}"
        start = i * 60
        entries.append(
            run_entry(start + 5.02, text="requests.exceptions.ReadTimeout: HTTPSConnectionPool(host="
                      "'inventory-2u4ksdmv5q-uc.a.run.app', port=443): Read timed out. (read timeout=5)",
                      severity="ERROR", service="orders", revision="orders-00001-abc", trace=trace)
        )  # fmt: skip
        entries.append(
            run_entry(start + 5.04, text=f"upstream POST {gateway_names} answered 504 Gateway Timeout",
                      severity="ERROR", service="gateway", revision="gateway-00001-abc", trace=trace)
        )  # fmt: skip
        entries.append(
            run_entry(start + 8.01, text="sqlalchemy.exc.OperationalError: (psycopg2.errors.QueryCanceled) "
                      "canceling statement due to statement timeout", severity="ERROR", service="inventory",
                      revision="inventory-00001-abc", trace=trace)
        )  # fmt: skip
    return entries


@pytest.mark.parametrize(
    ("gateway_names", "cause_of_gateway"),
    [
        ("https://orders-2u4ksdmv5q-uc.a.run.app/v1/orders", "sqlalchemy"),
        # look-alike: a gateway naming no service it calls keeps the old order (logged first, the cause)
        ("the backend", None),
    ],
)
def test_in_one_trace_a_callers_error_is_the_effect_of_what_its_callee_calls(
    gateway_names: str, cause_of_gateway: str | None
) -> None:
    """The gateway names orders, orders names inventory: inventory's error is the cause of both, though the
    callers, timed out first, logged theirs first; the root is inventory's."""
    report = scan_entries(chain_entries(gateway_names))
    links = {(c[:10], e[:10]) for c, e, _ in links_of(report)}
    assert ("sqlalchemy", "requests.e") in links
    if cause_of_gateway is None:
        assert ("upstream P", "sqlalchemy") in links
        return
    assert ("sqlalchemy", "upstream P") in links and ("upstream P", "sqlalchemy") not in links
    (incident,) = [i for i in report.incidents if i.links]
    assert incident.root == by_title(report, "sqlalchemy").fingerprint


@pytest.mark.parametrize(
    ("near", "traced", "linked"),
    [
        # a background job's error seconds before 500s whose own traces hold their KeyError
        ("httpx.ConnectError: [Errno -3] Temporary failure in name resolution", True, False),
        # look-alikes: an exit still fails the requests it cuts short; untraced 500s keep the instance evidence
        ("Container called exit(1).", True, True),
        ("httpx.ConnectError: [Errno -3] Temporary failure in name resolution", False, True),
    ],
)
def test_an_error_outside_the_traces_of_the_500s_it_meets_is_not_their_cause(
    near: str, traced: bool, linked: bool
) -> None:
    entries = []
    for i in range(4):
        trace = f"projects/p/traces/profile{i}" if traced else None
        extra = {"trace": trace} if trace else {}
        entries.append(run_entry(i * 300, text="KeyError: 'locale'", severity="ERROR", **extra))
        entries.append(request(i * 300 + 0.01, "/v1/profile", 500, **extra))
        log = (
            "run.googleapis.com%2Fvarlog%2Fsystem"
            if near.startswith("Container")
            else "run.googleapis.com%2Fstderr"
        )
        entries.append(run_entry(i * 300 - 2, text=near, severity="ERROR", log=log))
    links = {(c[:9], e[:8]) for c, e, _ in links_of(scan_entries(entries))}
    assert ((near[:9], "HTTP 500") in links) == linked


MEMORY_LIMIT = (
    "Memory limit of 512 MiB exceeded with 531 MiB used. Consider increasing the memory limit, see "
    "https://cloud.google.com/run/docs/configuring/memory-limits"
)


@pytest.mark.parametrize(
    ("exit_text", "error_text", "exit_is_cause"),
    [
        (MEMORY_LIMIT, "[1] [ERROR] Worker (pid:{i}) was sent SIGKILL! Perhaps out of memory?", True),
        (MEMORY_LIMIT, "render {i} failed: exec wkhtmltopdf: signal: killed", True),
        ("Container terminated on signal 9.", "[1] [ERROR] Worker (pid:{i}) was sent SIGKILL! Perhaps out of memory?",
         True),
        # look-alikes: the container's own exit, and an error that says nothing of a kill, keep the old order
        ("Container called exit(1).", "[1] [ERROR] Worker (pid:{i}) was sent SIGKILL! Perhaps out of memory?", False),
        (MEMORY_LIMIT, "ValueError: bad page size {i}", False),
    ],
)  # fmt: skip
def test_a_memory_limit_kill_on_an_instance_causes_the_error_saying_a_process_was_killed(
    exit_text: str, error_text: str, exit_is_cause: bool
) -> None:
    """Cloud Run says the instance passed its memory limit; gunicorn's arbiter then says its worker was sent
    SIGKILL. The error is the kill's effect, as an error saying it got SIGTERM is the stop's, though an error
    is otherwise the cause of the exit near it."""
    entries = []
    for i in range(4):
        entries.append(
            run_entry(i * 420, text=exit_text, severity="ERROR", log="run.googleapis.com%2Fvarlog%2Fsystem",
                      instance=f"m{i}")
        )  # fmt: skip
        entries.append(
            run_entry(i * 420 + 0.35, text=error_text.format(i=40 + i), severity="ERROR", instance=f"m{i}")
        )
    links = {(c[:9], e[:9]) for c, e, _ in links_of(scan_entries(entries))}
    exit_prefix = exit_text[:9]
    assert len(links) == 1
    ((cause, _),) = links
    assert (cause == exit_prefix) == exit_is_cause


UPSTREAM_URL = "https://inventory-7q2k3x5vfa-uc.a.run.app"


def structured_caller_scenario(payload: dict[str, Any]) -> ScanReport:
    """inventory answers 503 for five minutes; checkout logs `payload` (`{i}` in its strings: the call) each time."""
    entries = []
    for i in range(5):
        entries.append(
            run_entry(i * 60, severity="ERROR", service="inventory", revision="inventory-00031-bex", instance="i",
                      log="run.googleapis.com%2Frequests",
                      httpRequest={"requestMethod": "GET", "requestUrl": f"{UPSTREAM_URL}/v1/stock/{i}", "status": 503})
        )  # fmt: skip
        filled = json.loads(json.dumps(payload).replace("{i}", str(i)))
        entries.append(
            run_entry(i * 60 + 1, json_payload=filled, service="checkout", revision="checkout-00077-wiv")
        )
    return scan_entries(entries)


@pytest.mark.parametrize(
    "payload",
    [
        {
            "severity": "ERROR",
            "message": f"GET {UPSTREAM_URL}/v1/stock/{{i}} failed",
            "stack_trace": "org.springframework.web.client.HttpServerErrorException$ServiceUnavailable: 503 Service "
            "Unavailable: [no body]\n\tat org.springframework.web.client.RestTemplate.getForObject("
            "RestTemplate.java:381)\n\tat com.shop.checkout.InventoryClient.reserve(InventoryClient.java:58)",
        },
        {
            "severity": "ERROR",
            "message": f"Call to {UPSTREAM_URL}/v1/stock/{{i}} failed",
            "exception": "System.Net.Http.HttpRequestException: Response status code does not indicate success: "
            "503 (Service Unavailable).\n   at Checkout.InventoryClient.GetAsync(Int32 id) in "
            "/src/Checkout/InventoryClient.cs:line 52",
        },
        {
            "level": 50,
            "msg": f"stock lookup failed for {UPSTREAM_URL}/v1/stock/{{i}}",
            "err": {
                "type": "AxiosError",
                "message": "Request failed with status code 503",
                "stack": "AxiosError: Request failed with status code 503\n    at settle (/app/node_modules/axios/"
                "dist/node/axios.cjs:2019:12)",
            },
        },
    ],
    ids=["spring-stack_trace", "dotnet-exception", "pino-err"],
)
def test_a_callers_url_in_its_message_and_the_status_in_its_logged_exception_name_the_failing_upstream(
    payload: dict[str, Any],
) -> None:
    report = structured_caller_scenario(payload)
    upstream = by_title(report, "HTTP 503 on GET /v1/stock/{id}")
    (caller,) = [c for c in report.clusters if "checkout" in c.services]
    assert caller.causes == [upstream.fingerprint]


def test_a_callers_url_with_an_exception_that_names_no_failed_call_names_no_upstream() -> None:
    report = structured_caller_scenario(
        {
            "severity": "ERROR",
            "message": f"GET {UPSTREAM_URL}/v1/stock/{{i}} failed",
            "stack_trace": 'java.lang.NullPointerException: Cannot invoke "Stock.count()" because "s" is null\n'
            "\tat com.shop.checkout.InventoryClient.reserve(InventoryClient.java:61)",
        }
    )
    assert links_of(report) == set()


def gave_up_scenario(
    cause: str,
    effect: str,
    *,
    effect_service: str = "cart",
    effect_after: float = 400,
    others: tuple[str, ...] = (),
) -> ScanReport:
    """`cause` (and `others`) logged by cart five times a minute apart, then `effect` by `effect_service` from
    `effect_after` seconds on."""
    entries = []
    for i in range(5):
        for n, text in enumerate((cause, *others)):
            entries.append(run_entry(i * 60 + n, text=text.format(i=i), severity="ERROR", service="cart",
                                     revision="cart-00090-dub", instance=f"c{i}"))  # fmt: skip
        entries.append(run_entry(effect_after + i * 20, text=effect.format(i=i), severity="ERROR",
                                 service=effect_service, revision=f"{effect_service}-00001-abc",
                                 instance=f"e{i}"))  # fmt: skip
    return scan_entries(entries)


_TIMEOUT = (
    "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.stripe.com', port=443): Read timed out."
)
_RETRIED = (
    "Task shop.tasks.send_receipt[{i}] retry: Retry in 30s: SMTPServerDisconnected('Connection closed')"
)


@pytest.mark.parametrize(
    ("cause", "effect"),
    [
        (_TIMEOUT, "pybreaker.CircuitBreakerError: Timeout not elapsed yet, circuit breaker still open"),
        (_TIMEOUT, "Error: Breaker is open"),
        (
            _TIMEOUT,
            "Polly.CircuitBreaker.BrokenCircuitException: The circuit is now open and is not allowing calls.",
        ),
        (_TIMEOUT, 'level=error msg="charge skipped" err="circuit breaker is open"'),
        (
            _TIMEOUT,
            "CallNotPermittedException: CircuitBreaker 'stripe' is OPEN and does not permit further calls",
        ),
        (
            "GET https://pricing.internal/v1/prices/{i} returned 503 Service Unavailable",
            "HystrixRuntimeException: PricingCommand short-circuited and fallback failed.",
        ),
        (_RETRIED, "MaxRetriesExceededError: Can't retry shop.tasks.send_receipt[{i}] args:() kwargs:{{}}"),
        (
            _RETRIED,
            "tenacity.RetryError: RetryError[<Future at 0x7f1c state=finished raised SMTPServerDisconnected>]",
        ),
        (
            "attempt 3/5 failed: dial tcp 10.0.0.7:5432: connect: connection refused",
            "gave up after 5 attempts",
        ),
        (
            "Backing off fetch_tiles(...) for 0.5s (requests.exceptions.HTTPError: 503 Server Error: Service "
            "Unavailable for url: https://tiles.example.com/v2/{i}.png)",
            "Giving up fetch_tiles(...) after 4 tries (requests.exceptions.HTTPError: 503 Server Error: Service "
            "Unavailable for url: https://tiles.example.com/v2/{i}.png)",
        ),
        (
            "ListenerExecutionFailedException: Listener method 'onOrder' threw exception; nested exception is "
            "java.net.SocketTimeoutException: Read timed out",
            "Backoff FixedBackOff{{interval=1000, currentAttempts=4, maxAttempts=3}} exhausted for orders-3@{i}",
        ),
    ],
)
def test_a_breaker_that_opened_or_retries_that_ran_out_are_the_effect_of_the_calls_they_gave_up_on(
    cause: str, effect: str
) -> None:
    report = gave_up_scenario(cause, effect)
    (gave_up,) = [c for c in report.clusters if c.first_seen >= BASE + timedelta(seconds=400)]
    (link,) = [link for incident in report.incidents for link in incident.links]
    assert (link.effect, link.kinds) == (gave_up.fingerprint, ["service"])
    assert link.cause in gave_up.causes


@pytest.mark.parametrize(
    ("cause", "effect", "options"),
    [
        ("KeyError: 'category'", "Error: Breaker is open", {}),  # no failed call to give up on
        (_TIMEOUT, "Error: Breaker is open", {"effect_service": "notify"}),  # another service's calls
        (_TIMEOUT, "Error: Breaker is open", {"effect_after": 3600}),  # an hour after they ended
        (  # two calls failing, and the breaker names neither
            _TIMEOUT,
            "CallNotPermittedException: CircuitBreaker 'recommendations' is OPEN and does not permit further calls",
            {"others": ("GET https://pricing.internal/v1/prices/{i} returned 503 Service Unavailable",)},
        ),
        (
            _TIMEOUT,
            "ConnectionError: Max retries exceeded with url: /v1/charges",
            {},
        ),  # a failed call, not a give-up
        (  # a retry that names no failed call, beside a breaker that names nothing
            "Retrying metrics export in 5s: exporter queue is full ({i} spans dropped)",
            "pybreaker.CircuitBreakerError: Timeout not elapsed yet, circuit breaker still open",
            {},
        ),
        (  # it names its task, and the one retried is another
            "Task shop.tasks.send_dunning[{i}] retry: Retry in 60s: HTTPError('502 Server Error: Bad Gateway')",
            "MaxRetriesExceededError: Can't retry shop.tasks.sync_invoice[{i}] args:() kwargs:{{}}",
            {},
        ),
        (  # it names its breaker, and the call failing is to something else
            "POST https://payments.internal/v1/charges returned 503 Service Unavailable",
            "CallNotPermittedException: CircuitBreaker 'fraudService' is FORCED_OPEN and does not permit further calls",
            {},
        ),
    ],
    ids=[
        "no-failed-call",
        "another-service",
        "an-hour-later",
        "two-unnamed",
        "urllib3-max-retries",
        "unrelated-retry",
        "another-task",
        "another-breaker",
    ],
)
def test_no_give_up_link_without_a_failed_call_of_its_own_service_just_before_it_that_it_names_or_is_alone(
    cause: str, effect: str, options: dict[str, Any]
) -> None:
    assert links_of(gave_up_scenario(cause, effect, **options)) == set()


@pytest.mark.parametrize(
    ("counted", "effect"),
    [
        (  # named after its client
            "POST https://payments.internal/v1/charges returned 503 Service Unavailable",
            "CallNotPermittedException: CircuitBreaker 'paymentsClient' is OPEN and does not permit further calls",
        ),
        (  # quoting the failure it gave up on
            "POST https://hooks.example.net/v1/events request failed: dial tcp 198.51.100.20:443: connect: connection "
            "refused",
            "delivery {i} dropped: POST https://hooks.example.net/v1/events giving up after 4 attempt(s): dial tcp "
            "198.51.100.20:443: connect: connection refused",
        ),
    ],
)
def test_of_two_failed_calls_the_one_a_give_up_names_or_quotes_is_what_it_gave_up_on(
    counted: str, effect: str
) -> None:
    report = gave_up_scenario(counted, effect, others=(_TIMEOUT,))
    (gave_up,) = [c for c in report.clusters if c.first_seen >= BASE + timedelta(seconds=400)]
    (link,) = [link for incident in report.incidents for link in incident.links]
    assert link.effect == gave_up.fingerprint
    assert "api.stripe.com" not in next(c for c in report.clusters if c.fingerprint == link.cause).message


def account_change(seconds: float, method: str) -> dict[str, Any]:
    change = bucket_change(seconds, "unused") | {
        "resource": {
            "type": "service_account",
            "labels": {"project_id": "p", "unique_id": "113355779900112233445"},
        }
    }
    change["protoPayload"] |= {
        "methodName": f"google.iam.admin.v1.{method}",
        "resourceName": "projects/-/serviceAccounts/113355779900112233445/keys/6f1c0e3b9a2d4c7e8f01a2b3c4d5e6f7",
    }
    return change


def refused_token_scenario(method: str, text: str) -> list[ChangeMarker]:
    entries = [account_change(0, method)] + [
        run_entry(60 + i * 60, severity="ERROR", service="exporter", revision="exporter-00004-kaw", text=text)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    return incident.changes


_INVALID_GRANT = "google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant'})"


@pytest.mark.parametrize(
    "method",
    ["DeleteServiceAccountKey", "DisableServiceAccountKey", "DisableServiceAccount", "DeleteServiceAccount"],
)
def test_a_service_accounts_key_or_the_account_withdrawn_is_told_in_the_incident_of_refused_tokens(
    method: str,
) -> None:
    (change,) = refused_token_scenario(method, _INVALID_GRANT)
    assert change.method == f"google.iam.admin.v1.{method}"


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("CreateServiceAccountKey", _INVALID_GRANT),  # a new key refuses nothing
        ("EnableServiceAccountKey", _INVALID_GRANT),
        ("DeleteServiceAccountKey", "KeyError: 'tenant_id'"),  # no credential refused
    ],
)
def test_no_account_change_told_that_withdraws_nothing_or_beside_no_refused_credential(
    method: str, text: str
) -> None:
    assert refused_token_scenario(method, text) == []


SPOT_NODE = "gke-prod-spot-pool-7f3e2a1b-q9zk"


def vm_change(seconds: float, method: str, vm: str = SPOT_NODE, log: str = "system_event") -> dict[str, Any]:
    """An audit entry of Compute Engine stopping or changing the VM `vm`."""
    change = bucket_change(seconds, "unused") | {
        "resource": {
            "type": "gce_instance",
            "labels": {"project_id": "p", "instance_id": "4417731950210938245"},
        },
        "logName": f"projects/p/logs/cloudaudit.googleapis.com%2F{log}",
    }
    change["protoPayload"] |= {
        "methodName": method,
        "resourceName": f"projects/p/zones/us-central1-a/instances/{vm}",
    }
    return change


def preempted_pods_changes(change: dict[str, Any], node: str = SPOT_NODE) -> list[ChangeMarker]:
    """`change`, then a pod on `node` logs npm's SIGTERM: the changes told in its incident."""
    entries = [change] + [
        node_container_entry(5 + i, node, line)
        for i, line in enumerate(["npm error command failed", "npm error signal SIGTERM"])
    ]
    incidents = scan_entries(entries).incidents
    return [change for incident in incidents for change in incident.changes]


@pytest.mark.parametrize(
    ("method", "log"),
    [
        ("compute.instances.preempted", "system_event"),
        ("compute.instances.hostError", "system_event"),
        ("v1.compute.instances.reset", "activity"),
    ],
)
def test_a_vm_stopped_under_a_gke_node_is_told_in_the_incidents_of_the_pods_that_ran_on_it(
    method: str, log: str
) -> None:
    changes = preempted_pods_changes(vm_change(0, method, log=log))
    assert {(c.method, c.resource) for c in changes} == {(method, SPOT_NODE)}


@pytest.mark.parametrize(
    ("change", "node"),
    [
        (vm_change(0, "compute.instances.preempted"), "gke-prod-pool-1-4c1e-x7kd"),  # its pods ran elsewhere
        (vm_change(0, "v1.compute.instances.setLabels", log="activity"), SPOT_NODE),  # stops nothing
        (vm_change(-3 * 3600, "compute.instances.preempted"), SPOT_NODE),  # hours before
    ],
    ids=["another-node", "labels-set", "hours-before"],
)
def test_no_vm_change_told_for_pods_of_another_node_a_change_that_stops_nothing_or_hours_before(
    change: dict[str, Any], node: str
) -> None:
    assert preempted_pods_changes(change, node) == []


def breaker_of_another_service(
    name: str, upstream: str = "catalog", hours_apart: float = 0
) -> set[tuple[str, str, str]]:
    """`upstream` answers 503 for five minutes, `hours_apart` hours before storefront logs only its breaker `name`
    refusing calls: the links."""
    entries = []
    for i in range(5):
        entries.append(
            run_entry(i * 60 - hours_apart * 3600, severity="ERROR", service=upstream, revision=f"{upstream}-00071-rob",
                      instance="k", log="run.googleapis.com%2Frequests",
                      httpRequest={"requestMethod": "GET", "requestUrl": f"https://x.run.app/v2/p/{i}", "status": 503})
        )  # fmt: skip
        entries.append(
            run_entry(i * 60 + 30, severity="WARNING", service="storefront", revision="storefront-00312-quv",
                      instance="s", text=f"CallNotPermittedException: CircuitBreaker '{name}' is OPEN and does not "
                      "permit further calls")
        )  # fmt: skip
    return links_of(scan_entries(entries))


@pytest.mark.parametrize("name", ["catalog", "catalogClient", "catalog-service"])
def test_a_breaker_named_after_a_service_failing_in_the_same_minutes_is_its_effect_when_no_call_of_its_own_failed(
    name: str,
) -> None:
    ((cause, effect, kinds),) = breaker_of_another_service(name)
    assert (cause, kinds) == ("HTTP 503 on GET /v2/p/{id} (catalog)", "upstream")
    assert effect.startswith("CallNotPermittedException")


@pytest.mark.parametrize(
    ("name", "upstream", "hours_apart"),
    [("catalog", "catalog", 24), ("search", "search-indexer", 0), ("default", "default", 0)],
    ids=["a-day-apart", "another-name", "a-configuration-name"],
)
def test_no_breaker_linked_to_a_service_failing_another_day_or_named_otherwise(
    name: str, upstream: str, hours_apart: float
) -> None:
    assert breaker_of_another_service(name, upstream, hours_apart) == set()


def training_entry(seconds: float, job: str, task: str, text: str) -> dict[str, Any]:
    """A Vertex AI training job's entry: its replica's own line (`task` `workerpool0-0`) or the service's."""
    return {
        "insertId": f"ml{seconds}{job}{task}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": f"projects/p/logs/{task}",
        "resource": {"type": "ml_job", "labels": {"project_id": "p", "job_id": job, "task_name": task}},
        "textPayload": text,
    }


@pytest.mark.parametrize(
    ("exit_job", "linked"), [("5519872301846638592", True), ("8832104457261190144", False)]
)
def test_a_training_replicas_exit_is_the_effect_of_its_own_jobs_error_before_it(
    exit_job: str, linked: bool
) -> None:
    entries = [
        training_entry(0, "5519872301846638592", "workerpool0-0", "torch.OutOfMemoryError: CUDA out of memory. "
                       "Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 22.06 GiB of which 1.12 GiB is free."),
        training_entry(78, exit_job, "service", "The replica workerpool0-0 exited with a non-zero status of 1. "
                       "Termination reason: Error."),
    ]  # fmt: skip
    found = {(cause[:40], effect[:40]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == ({("torch.OutOfMemoryError: CUDA out of memo", "The replica workerpool0-0 exited with a ")}
                     if linked else set())  # fmt: skip


KAFKA_DISK = (
    "java.io.IOException: No space left on device\n\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native "
    "Method)\n\tat kafka.log.LogSegment.append(LogSegment.scala:160)"
)


@pytest.mark.parametrize(
    ("end", "pod", "linked"),
    [
        ("ERROR Shutdown broker because all log dirs in /var/lib/kafka/data have failed (kafka.log.LogManager)",
         "kafka-1", True),
        ("LOG:  server process (PID 71) was terminated by signal 6: Aborted", "kafka-1", True),
        ('{"type": "server", "level": "ERROR", "component": "o.e.b.ElasticsearchUncaughtExceptionHandler", '
         '"message": "fatal error in thread [elasticsearch[es-0][write][T#3]], exiting"}', "kafka-1", True),
        ("ERROR Error while writing to checkpoint file /var/lib/kafka/data/recovery-point-offset-checkpoint",
         "kafka-1", False),  # another error of the pod, not its end
        ("ERROR Shutdown broker because all log dirs in /var/lib/kafka/data have failed (kafka.log.LogManager)",
         "kafka-0", False),  # another pod's end
    ],
    ids=["kafka-shutdown", "postgres-server-process", "elasticsearch-fatal", "another-error", "another-pod"],
)  # fmt: skip
def test_a_servers_end_in_its_own_words_is_the_effect_of_the_error_its_pod_logged_before(
    end: str, pod: str, linked: bool
) -> None:
    entries = [container_entry(i * 20, "kafka-1", "kafka", KAFKA_DISK) for i in range(3)]
    entries.append(container_entry(70, pod, "kafka", end))  # GKE writes a container's stderr at ERROR
    found = {(cause[:30], effect[:30]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert bool(found) == linked and all(cause.startswith("java.io.IOException") for cause, _ in found)


def no_scale_up(seconds: float, namespace: str, pod: str) -> dict[str, Any]:
    """The cluster autoscaler's record that it cannot add a node for `pod`'s group (its visibility log)."""
    group = {
        "podGroup": {"samplePod": {"name": pod, "namespace": namespace}, "totalPodCount": 3},
        "rejectedMigs": [{"mig": {"name": "gke-c-pool-1-4c1e-grp", "nodepool": "pool-1", "zone": "us-central1-b"},
                          "reason": {"messageId": "no.scale.up.mig.skipped",
                                     "parameters": ["max node group size reached"]}}],
    }  # fmt: skip
    return {
        "insertId": f"ca{seconds}{pod}",
        "timestamp": stamp(seconds),
        "logName": "projects/p/logs/container.googleapis.com%2Fcluster-autoscaler-visibility",
        "resource": {
            "type": "k8s_cluster",
            "labels": {"project_id": "p", "location": "l", "cluster_name": "c"},
        },
        "jsonPayload": {"noDecisionStatus": {"noScaleUp": {"unhandledPodGroups": [group]}}},
    }


UNSCHEDULED = (
    "0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption victims "
    "found for incoming pod."
)


@pytest.mark.parametrize(
    ("namespace", "pod", "linked"),
    [
        ("shop", "embedder-5b8c7d9f6-r4t5u", True),
        ("shop", "embedder-5b8c7d9f6-zz9zz", True),  # another pod of the workload
        ("ci", "embedder-5b8c7d9f6-r4t5u", False),  # a namesake in another namespace
        ("shop", "runner-7f8a9b0c1-g5h6j", False),  # another workload
    ],
)
def test_an_autoscaler_that_cannot_scale_up_causes_the_scheduling_failures_of_the_pods_it_names(
    namespace: str, pod: str, linked: bool
) -> None:
    entries = [pod_event(i * 60, f"embedder-5b8c7d9f6-{s}", "FailedScheduling", UNSCHEDULED)
               for i, s in enumerate(["r4t5u", "v6w7x", "y8z9a", "r4t5u"])]  # fmt: skip
    entries += [no_scale_up(30 + i * 100, namespace, pod) for i in range(3)]
    found = {(cause[:30], effect[:30]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == (
        {("Cluster autoscaler cannot scal", "FailedScheduling: 0/5 nodes ar")} if linked else set()
    )


PULL_FAILED = (
    'Failed to pull image "europe-docker.pkg.dev/p/apps/recommender:v2.3.1": rpc error: code = NotFound desc = '
    'failed to pull and unpack image "europe-docker.pkg.dev/p/apps/recommender:v2.3.1": not found'
)


@pytest.mark.parametrize(
    ("host", "reason", "message", "linked"),
    [
        ("recommender", "FailedScheduling", UNSCHEDULED, True),
        ("recommender", "Failed", PULL_FAILED, True),  # its image cannot be pulled
        ("search", "FailedScheduling", UNSCHEDULED, False),  # the caller names another service
        ("recommender", "DNSConfigForming", "Nameserver limits were exceeded, some nameservers have been omitted",
         False),  # a warning about a pod that runs
    ],
    ids=["unscheduled", "image-not-pulled", "another-service", "pod-runs"],
)  # fmt: skip
def test_pods_that_cannot_start_cause_the_refused_calls_of_a_caller_naming_their_service(
    host: str, reason: str, message: str, linked: bool
) -> None:
    entries = [pod_event(i * 60, f"recommender-9d0e1f2a3-b4c{i}d", reason, message) for i in range(4)]
    entries += [
        container_entry(20 + i * 50, f"storefront-1a2b3c4d5-h8j{i}k", "storefront",
                        "io.grpc.StatusRuntimeException: UNAVAILABLE: io exception\nCaused by: io.netty.channel."
                        f"AbstractChannel$AnnotatedConnectException: Connection refused: {host}.shop.svc.cluster."
                        "local/10.12.3.4:50051")
        for i in range(4)
    ]  # fmt: skip
    found = {(cause[:16], kinds) for cause, _, kinds in links_of(scan_entries(entries))}
    assert found == ({(f"{reason}: {message}"[:16], "upstream")} if linked else set())


@pytest.mark.parametrize(("mount_pod", "linked"), [("postgres-0", True), ("postgres-1", False)])
def test_a_volume_that_cannot_attach_causes_the_mount_that_times_out_on_the_same_pod(
    mount_pod: str, linked: bool
) -> None:
    entries = [
        pod_event(i * 75, "postgres-0", "FailedAttachVolume", 'Multi-Attach error for volume "pvc-3f2e9a1c" '
                  "Volume is already exclusively attached to one node and can't be attached to another")
        for i in range(4)
    ]  # fmt: skip
    entries += [
        pod_event(130 + i * 120, mount_pod, "FailedMount", "Unable to attach or mount volumes: unmounted "
                  "volumes=[data], unattached volumes=[data]: timed out waiting for the condition")
        for i in range(2)
    ]  # fmt: skip
    found = {(cause[:18], effect[:11]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == ({("FailedAttachVolume", "FailedMount")} if linked else set())


def test_a_problem_takes_the_role_of_its_own_text_when_another_had_it_first() -> None:
    """Roles are read once per text (`_text_role`): a problem's copy whose text differs takes its own, and two
    problems of one text but different kinds (an exception's text never names an exit) each take theirs."""
    from loggardener.linking.rules import ERROR, EXIT, role
    from state_factories import cluster

    exited = cluster("a").model_copy(update={"title": "Container called exit(1)."})
    assert role(exited) == EXIT
    assert role(exited.model_copy(update={"title": "Container is healthy"})) == ERROR
    assert role(exited.model_copy(update={"kind": "exception"})) == ERROR
    assert role(exited) == EXIT


def _windows_event(seconds: float, source: str, event_id: int, message: str) -> dict[str, Any]:
    return {
        "insertId": f"w{seconds}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/windows_event_log",
        "resource": {"type": "gce_instance", "labels": {"instance_id": "7712", "zone": "europe-west1-b"}},
        "labels": {GCE_NAME_LABEL: "win-billing-01"},
        "jsonPayload": {"Channel": "System", "EventID": event_id, "EventType": "Error", "Message": message,
                        "SourceName": source},
    }  # fmt: skip


def test_a_windows_service_crash_then_its_unexpected_termination_on_the_same_vm() -> None:
    """.NET Runtime's report of the unhandled exception, then the Service Control Manager's `terminated
    unexpectedly` (a process exit, as systemd's `Failed with result`) seconds after, on the same VM."""
    crash = (
        "Application: Billing.Service.exe\r\nDescription: The process was terminated due to an unhandled "
        "exception.\r\nException Info: System.Data.SqlClient.SqlException\r\n   at Billing.Run()\r\n"
    )
    entries = []
    for i in range(2):
        entries.append(_windows_event(i * 900, ".NET Runtime", 1026, crash))
        entries.append(
            _windows_event(i * 900 + 2, "Service Control Manager", 7031,
                           f"The Billing service terminated unexpectedly.  It has done this {i + 1} time(s).")
        )  # fmt: skip
    report = scan_entries(entries)
    exit_ = by_title(report, "The Billing service terminated unexpectedly")
    crashed = next(c for c in report.clusters if c is not exit_)
    assert exit_.fingerprint in crashed.related and crashed.fingerprint in exit_.causes


def test_a_google_agent_stopping_on_a_windows_vm_is_no_exit_for_the_agents_errors() -> None:
    """Google's agent manager terminating (the VM's own noise) is no exit an error logged with it explains."""
    entries = []
    for i in range(2):
        entries.append(
            _windows_event(i * 900, "GCEGuestAgent", 0, "Error watching metadata: context canceled")
        )
        entries.append(
            _windows_event(i * 900 + 1, "Service Control Manager", 7031,
                           "The Google Compute Engine Agent Manager service terminated unexpectedly.  It has done "
                           f"this {i + 1} time(s).")
        )  # fmt: skip
    report = scan_entries(entries)
    assert links_of(report) == set()


@pytest.mark.parametrize(
    ("error_at", "linked"),
    [
        (130, True),  # in the minute of the end: the server ended on it
        (0, False),  # two minutes and a half before: a statement refused to one client, not why it ended
    ],
)
def test_a_servers_end_is_the_effect_of_its_pods_error_only_when_it_ends_on_it(
    error_at: float, linked: bool
) -> None:
    entries = [
        container_entry(error_at, "postgres-0", "postgres",
                        'ERROR:  duplicate key value violates unique constraint "orders_pkey"'),
        container_entry(150, "postgres-0", "postgres",
                        "LOG:  server process (PID 402) was terminated by signal 6: Aborted"),
    ]  # fmt: skip
    found = {(cause[:20], effect[:20]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == ({("duplicate key value ", "server process (PID ")} if linked else set())


NODE_POSTGRES_TERMINATED = (
    "Error: Connection terminated unexpectedly\n    at Connection.<anonymous> (/app/node_modules/pg/lib/client.js:"
    "132:73)\n    at Object.onceWrapper (node:events:634:28)\n    at Connection.emit (node:events:520:28)\n    at "
    "Socket.<anonymous> (/app/node_modules/pg/lib/connection.js:63:12)"
)


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        (NODE_POSTGRES_TERMINATED, True),
        # the same words with nothing of a database's client behind them
        ("Error: Connection terminated unexpectedly\n    at Socket.<anonymous> (/app/src/feed/stream.js:40:11)",
         False),
        # node-postgres' reply to a statement: the connection stood
        ('error: duplicate key value violates unique constraint "orders_pkey"\n    at Parser.parseErrorMessage '
         "(/app/node_modules/pg-protocol/dist/parser.js:283:98)\n    at Client._handleErrorMessage "
         "(/app/node_modules/pg/lib/client.js:335:13)", False),
    ],
)  # fmt: skip
def test_a_cloud_sql_failover_is_told_for_node_postgres_connections_it_terminated(
    failure: str, told: bool
) -> None:
    entries = [audited_change(0, "cloudsql.instances.failover", "projects/p/instances/orders-pg")]
    entries += [
        run_entry(30 + i * 20, severity="ERROR", service="notifier", instance=f"n{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == (["cloudsql.instances.failover"] if told else [])


HIKARI_TIMED_OUT = (
    "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after "
    "30000ms.\n\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)"
)


@pytest.mark.parametrize(
    ("method", "resource_name", "failure", "told"),
    [
        # a pool waiting in vain names no engine: a relational datastore's failover or restart is what it waited on
        ("cloudsql.instances.failover", "projects/p/instances/orders-db", HIKARI_TIMED_OUT, True),
        ("cloudsql.instances.restart", "projects/p/instances/orders-db", HIKARI_TIMED_OUT, True),
        ("google.cloud.alloydb.v1.AlloyDBAdmin.FailoverInstance",
         "projects/p/locations/l/clusters/orders/instances/primary",
         "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout "
         "30.00", True),
        # node-postgres' packages in the stack name the engine, its protocol parser's as its client's
        ("cloudsql.instances.failover", "projects/p/instances/orders-db",
         "error: terminating connection due to administrator command\n    at Parser.parseErrorMessage "
         "(/app/node_modules/pg-protocol/dist/parser.js:287:98)", True),
        # Prisma's P1001, the port quoted apart from the host (Prisma 2 to 4) or with it
        ("cloudsql.instances.failover", "projects/p/instances/orders-db",
         "PrismaClientInitializationError: Can't reach database server at `10.40.0.5`:`5432`", True),
        ("cloudsql.instances.failover", "projects/p/instances/orders-db",
         "PrismaClientInitializationError: Can't reach database server at `10.40.0.5:5432`", True),
        # a users change refuses credentials, it makes no pool wait
        ("cloudsql.users.update", "projects/p/instances/orders-db", HIKARI_TIMED_OUT, False),
        # a Memorystore failover is no JDBC pool's database
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/orders-db",
         HIKARI_TIMED_OUT, False),
        # a statement refused over node-postgres' protocol: the connection stood
        ("cloudsql.instances.failover", "projects/p/instances/orders-db",
         'error: syntax error at or near "WHERE"\n    at Parser.parseErrorMessage '
         "(/app/node_modules/pg-protocol/dist/parser.js:287:98)", False),
        # Prisma refusing a query for a constraint: no connection failed
        ("cloudsql.instances.failover", "projects/p/instances/orders-db",
         "PrismaClientKnownRequestError: Unique constraint failed on the fields: (`email`) at `10.40.0.5`:`5432`",
         False),
    ],
)  # fmt: skip
def test_a_datastore_change_is_told_for_pools_and_clients_that_name_its_engine_only_by_their_library_or_port(
    method: str, resource_name: str, failure: str, told: bool
) -> None:
    entries = [audited_change(0, method, resource_name)]
    entries += [
        run_entry(30 + i * 20, severity="ERROR", service="checkout", instance=f"o{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ([method] if told else [])


@pytest.mark.parametrize(
    ("method", "resource_name", "failure", "told"),
    [
        # Redis' own replies that it does not serve yet, or any more, quoted by its clients
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/sessions",
         "redis.exceptions.BusyLoadingError: Redis is loading the dataset in memory", True),
        ("google.cloud.redis.v1.CloudRedis.UpgradeInstance", "projects/p/locations/l/instances/sessions",
         "redis.clients.jedis.exceptions.JedisDataException: MASTERDOWN Link with MASTER is down and "
         "replica-serve-stale-data is set to 'no'.", True),
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/sessions",
         "redis.exceptions.ClusterDownError: The cluster is down", True),
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/sessions",
         "ReplyError: CLUSTERDOWN Hash slot not served\n    at parseError (/app/node_modules/redis-parser/lib/parser.js:179:12)",
         True),
        # MySQL's ER_SERVER_SHUTDOWN, as PyMySQL and mysql2 raise it
        ("cloudsql.instances.restart", "projects/p/instances/catalog",
         "pymysql.err.OperationalError: (1053, 'Server shutdown in progress')", True),
        ("cloudsql.instances.restart", "projects/p/instances/catalog",
         "Error: Server shutdown in progress\n    at Packet.asError (/app/node_modules/mysql2/lib/packets/packet.js:728:17)",
         True),
        # a client's own mistake after a failover; the words without a client of the changed engine
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/sessions",
         "redis.exceptions.DataError: Invalid input of type: 'NoneType'. Convert to a bytes, string, int or float "
         "first.", False),
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/sessions",
         "pymysql.err.OperationalError: (1053, 'Server shutdown in progress')", False),
        ("cloudsql.instances.restart", "projects/p/instances/catalog",
         "elasticsearch.exceptions.TransportError: The cluster is down", False),
    ],
)  # fmt: skip
def test_a_datastore_change_is_told_for_clients_quoting_its_reply_that_it_does_not_serve(
    method: str, resource_name: str, failure: str, told: bool
) -> None:
    """A restarted, failed-over or upgraded datastore answers before it serves again: Redis loading its dataset, a
    replica without its primary, a cluster with slots unserved; MySQL shutting down."""
    entries = [audited_change(0, method, resource_name)]
    entries += [
        run_entry(30 + i * 20, severity="ERROR", service="web", instance=f"w{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ([method] if told else [])


def kubernetes_object_changed(
    seconds: float, verb: str, kind: str, namespace: str, name: str, cluster: str = "c"
) -> dict[str, Any]:
    """GKE's audit entry of a Kubernetes API call that changed an object (`io.k8s.core.v1.secrets.update`)."""
    return kubernetes_call(
        seconds, f"io.k8s.core.v1.{kind}.{verb}", f"core/v1/namespaces/{namespace}/{kind}/{name}", cluster
    )


def kubernetes_call(seconds: float, method: str, resource_name: str, cluster: str = "c") -> dict[str, Any]:
    """GKE's audit entry of a Kubernetes API call (`method` on `resource_name`) in `cluster`."""
    return {
        "insertId": f"k8s{seconds}{resource_name}",
        "timestamp": stamp(seconds),
        "severity": "NOTICE",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {
            "type": "k8s_cluster",
            "labels": {"project_id": "p", "location": "l", "cluster_name": cluster},
        },
        "protoPayload": {"serviceName": "k8s.io", "methodName": method, "resourceName": resource_name},
    }


STRIPE_KEY_REFUSED = (
    'Traceback (most recent call last):\n  File "/app/payments/charge.py", line 39, in charge\n    intent = '
    "stripe.PaymentIntent.create(**params)\nstripe._error.AuthenticationError: Invalid API Key provided: "
    "sk_live_****************Xq9Z"
)


@pytest.mark.parametrize(
    ("changes", "told"),
    [
        ([("update", "secrets", "stripe-credentials")], ["stripe-credentials"]),
        ([("patch", "secrets", "stripe-credentials")], ["stripe-credentials"]),
        # two Secrets changed: the one whose name the refused credential's text holds a word of
        ([("update", "secrets", "grafana-admin"), ("update", "secrets", "stripe-credentials")],
         ["stripe-credentials"]),
        # a ConfigMap holds no credential
        ([("update", "configmaps", "feature-flags")], []),
    ],
)  # fmt: skip
def test_a_kubernetes_secret_changed_is_told_in_the_incident_of_a_credential_refused_after_it(
    changes: list[tuple[str, str, str]], told: list[str]
) -> None:
    entries = [
        kubernetes_object_changed(i * 20, verb, kind, "shop", name)
        for i, (verb, kind, name) in enumerate(changes)
    ]
    entries += [container_entry(240 + i * 45, "payments-8d9e0f1a2-v8w9x", "payments", STRIPE_KEY_REFUSED)
                for i in range(3)]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(("cluster", "told"), [("c", ["stripe-credentials"]), ("staging", [])])
def test_a_kubernetes_secret_is_told_only_for_a_credential_refused_in_its_own_cluster(
    cluster: str, told: list[str]
) -> None:
    """Two clusters may each hold a namespace `shop` with a Secret of one name: a change in one is not the cause of
    a credential refused in the other."""
    entries = [kubernetes_object_changed(0, "update", "secrets", "shop", "stripe-credentials", cluster)]
    entries += [container_entry(240 + i * 45, "payments-8d9e0f1a2-v8w9x", "payments", STRIPE_KEY_REFUSED)
                for i in range(3)]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


ORDERS_REFUSED = (
    "FetchError: request to http://orders.shop.svc.cluster.local:8080/api/orders/reserve failed, reason: connect "
    "ECONNREFUSED 10.4.7.12:8080"
)


@pytest.mark.parametrize(
    ("method", "resource_name", "told"),
    [
        ("io.k8s.apps.v1.deployments.scale.patch", "apps/v1/namespaces/shop/deployments/orders/scale", ["orders"]),
        ("io.k8s.apps.v1.deployments.scale.update", "apps/v1/namespaces/shop/deployments/orders/scale", ["orders"]),
        ("io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/shop/deployments/orders", ["orders"]),
        # another Deployment scaled down
        ("io.k8s.apps.v1.deployments.scale.patch", "apps/v1/namespaces/shop/deployments/reports/scale", []),
    ],
)  # fmt: skip
def test_a_kubernetes_subresource_change_is_told_as_a_change_of_its_object(
    method: str, resource_name: str, told: list[str]
) -> None:
    """`kubectl scale deployment orders --replicas=0` is audited on `…/deployments/orders/scale`: the object changed
    is `orders`, and its callers are refused."""
    entries = [kubernetes_call(0, method, resource_name)]
    entries += [
        container_entry(60 + i * 35, "checkout-4c5d6e7f8-z9y8x", "checkout", ORDERS_REFUSED) for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


GO_NIL_PANIC = (
    "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation "
    "code=0x1 addr=0x18 pc=0x8a3f21]\n\ngoroutine 1 [running]:\nmain.loadPricing(0x0)\n\t/src/pricing.go:42 +0x21"
)


@pytest.mark.parametrize(
    ("method", "resource_name", "pod", "told"),
    [
        # a rollout: the Deployment's new ReplicaSet's pods fail, whatever their container is named
        ("io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/shop/deployments/pricing", "pricing-6f8d9c7b5-m2k4r",
         ["pricing"]),
        ("io.k8s.apps.v1.deployments.update", "apps/v1/namespaces/shop/deployments/pricing", "pricing-66b6c48dd5-q7xwz",
         ["pricing"]),
        # before Kubernetes 1.8, the hash was the number itself
        ("io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/shop/deployments/pricing", "pricing-2371676037-x8c7v",
         ["pricing"]),
        ("io.k8s.apps.v1.deployments.scale.patch", "apps/v1/namespaces/shop/deployments/pricing/scale",
         "pricing-6f8d9c7b5-m2k4r", ["pricing"]),
        ("io.k8s.apps.v1.daemonsets.patch", "apps/v1/namespaces/shop/daemonsets/pricing", "pricing-x2k4p", ["pricing"]),
        ("io.k8s.apps.v1.statefulsets.patch", "apps/v1/namespaces/shop/statefulsets/pricing", "pricing-0", ["pricing"]),
        ("io.k8s.apps.v1.statefulsets.patch", "apps/v1/namespaces/shop/statefulsets/pricing", "pricing-api-2", []),
        # another workload whose name begins with the changed one's
        ("io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/shop/deployments/pricing",
         "pricing-worker-6f8d9c7b5-m2k4r", []),
        ("io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/shop/deployments/pricing", "pricing-agent-x2k4p", []),
        # the namesake Deployment of another namespace
        ("io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/staging/deployments/pricing",
         "pricing-6f8d9c7b5-m2k4r", []),
        # a change of another kind of object named alike
        ("io.k8s.core.v1.configmaps.update", "core/v1/namespaces/shop/configmaps/pricing", "pricing-6f8d9c7b5-m2k4r",
         []),
    ],
)  # fmt: skip
def test_a_kubernetes_workload_changed_is_told_for_the_failures_of_its_own_pods(
    method: str, resource_name: str, pod: str, told: list[str]
) -> None:
    """A Deployment rolled out (`kubectl set image`, a patch of its pod template) names only itself; its pods are named
    after the ReplicaSet it made (`pricing-6f8d9c7b5-m2k4r`), whatever the container is called."""
    entries = [kubernetes_call(0, method, resource_name)]
    entries += [container_entry(60 + i * 35, pod, "app", GO_NIL_PANIC) for i in range(3)]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


def test_a_kubernetes_workload_changed_after_its_pods_began_failing_is_not_told() -> None:
    entries = [container_entry(i * 35, "pricing-6f8d9c7b5-m2k4r", "app", GO_NIL_PANIC) for i in range(3)]
    entries.append(
        kubernetes_call(
            120, "io.k8s.apps.v1.deployments.patch", "apps/v1/namespaces/shop/deployments/pricing"
        )
    )
    (incident,) = scan_entries(entries).incidents
    assert incident.changes == []


def control_plane_change(seconds: float, cluster: str) -> dict[str, Any]:
    """An admin-activity audit entry: a GKE cluster's control plane upgraded."""
    return {
        "insertId": f"master{seconds}{cluster}",
        "timestamp": stamp(seconds),
        "severity": "NOTICE",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {
            "type": "gke_cluster",
            "labels": {"project_id": "p", "location": "l", "cluster_name": cluster},
        },
        "protoPayload": {
            "serviceName": "container.googleapis.com",
            "methodName": "google.container.v1.ClusterManager.UpdateMaster",
            "resourceName": f"projects/p/locations/l/clusters/{cluster}",
        },
    }


WATCH_REFUSED = (
    'E1128 04:02:10.518244       1 reflector.go:158] "Unhandled Error" err="k8s.io/client-go@v0.31.1/tools/cache/'
    'reflector.go:243: Failed to watch *v1.Pod: failed to list *v1.Pod: Get \\"https://10.16.0.1:443/api/v1/'
    'namespaces/batch/pods?limit=500\\": dial tcp 10.16.0.1:443: connect: connection refused"'
)
JOBS_API_REFUSED = (
    "urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='10.16.0.1', port=443): Max retries exceeded with url:"
    " /apis/batch/v1/namespaces/ml/jobs (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at "
    "0x7f0e2c3d4a90>: Failed to establish a new connection: [Errno 111] Connection refused'))"
)


@pytest.mark.parametrize(
    ("cluster", "failure", "told"),
    [
        ("prod-gke", WATCH_REFUSED, True),
        ("prod-gke", JOBS_API_REFUSED, True),
        ("staging-gke", WATCH_REFUSED, False),  # another cluster's control plane
        ("prod-gke", ORDERS_REFUSED, False),  # a refused call to an application, not to the API server
        # another REST API whose path begins /api/v1/
        (
            "prod-gke",
            'fetch rates failed: Get "https://api.fx.example.com/api/v1/rates?base=EUR": dial tcp '
            "203.0.113.40:443: connect: connection refused",
            False,
        ),
        ("prod-gke", "KeyError: 'weights'", False),
    ],
)
def test_a_control_plane_change_is_told_for_its_clusters_pods_that_cannot_reach_the_kubernetes_api(
    cluster: str, failure: str, told: bool
) -> None:
    entries = [control_plane_change(0, cluster)]
    for i in range(3):
        entry = container_entry(120 + i * 45, "job-dispatcher-5f6a7b8c9-d0e1f", "job-dispatcher", failure)
        entry["resource"]["labels"]["cluster_name"] = "prod-gke"
        entries.append(entry)
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == (
        ["google.container.v1.ClusterManager.UpdateMaster"] if told else []
    )


def test_a_datastore_clusters_change_is_told_for_its_clients_in_any_kubernetes_cluster() -> None:
    """An AlloyDB or Memorystore for Redis Cluster names itself `…/clusters/x` too: that is no Kubernetes cluster."""
    entries = [
        audited_change(
            0,
            "google.cloud.alloydb.v1.AlloyDBAdmin.RestartInstance",
            "projects/p/locations/l/clusters/orders-alloy",
        )
    ]
    entries += [
        container_entry(60 + i * 40, "orders-5d6e7f8a9-q1w2e", "orders", 'psycopg2.OperationalError: connection to '
                        'server at "10.30.0.2", port 5432 failed: Connection refused')
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == ["orders-alloy"]


CART_TIMED_OUT = (
    'cart call failed: Get "http://cart.shop.svc.cluster.local:8080/api/cart/u-1182": dial tcp 10.4.9.21:8080: i/o '
    "timeout"
)


@pytest.mark.parametrize(
    ("change", "namespace", "told"),
    [
        (kubernetes_call(0, "io.k8s.networking.v1.networkpolicies.create",
                         "networking.k8s.io/v1/namespaces/shop/networkpolicies/default-deny-ingress"), "shop",
         ["default-deny-ingress"]),
        # a policy of another namespace
        (kubernetes_call(0, "io.k8s.networking.v1.networkpolicies.create",
                         "networking.k8s.io/v1/namespaces/shop/networkpolicies/default-deny-ingress"), "batch", []),
        # a Cloud Router's NAT, for any pod's egress
        (audited_change(0, "v1.compute.routers.patch", "projects/p/regions/r/routers/egress-router"), "batch",
         ["egress-router"]),
    ],
)  # fmt: skip
def test_a_network_policy_or_a_routers_change_is_told_for_connections_that_time_out_after_it(
    change: dict[str, Any], namespace: str, told: list[str]
) -> None:
    entries = [change]
    for i in range(3):
        entry = container_entry(60 + i * 40, "frontend-2a3b4c5d6-e7f8g", "frontend", CART_TIMED_OUT)
        entry["resource"]["labels"]["namespace_name"] = namespace
        entries.append(entry)
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    ("method", "resource_name", "failure", "told"),
    [
        ("google.cloud.redis.v1.CloudRedis.UpdateInstance", "projects/p/locations/l/instances/shared-cache",
         "redis.exceptions.OutOfMemoryError: OOM command not allowed when used memory > 'maxmemory'.", True),
        ("google.cloud.redis.v1.CloudRedis.UpdateInstance", "projects/p/locations/l/instances/shared-cache",
         "redis.exceptions.ConnectionError: max number of clients reached", True),
        ("cloudsql.instances.update", "projects/p/instances/orders-mysql",
         "pymysql.err.OperationalError: (1040, 'Too many connections')", True),
        ("cloudsql.instances.update", "projects/p/instances/orders-mysql",
         "reserve failed: Error 1040 (08004): Too many connections", True),
        ("cloudsql.instances.patch", "projects/p/instances/accounts-pg",
         "error: sorry, too many clients already\n    at /app/node_modules/pg-pool/index.js:45:11", True),
        # go-redis returns Redis' own reply, which names no client library: the reply names Redis
        ("google.cloud.redis.v1.CloudRedis.UpdateInstance", "projects/p/locations/l/instances/shared-cache",
         "save session failed: OOM command not allowed when used memory > 'maxmemory'.", True),
        # MySQL's reply after a change of Redis' settings
        ("google.cloud.redis.v1.CloudRedis.UpdateInstance", "projects/p/locations/l/instances/shared-cache",
         "reserve failed: Too many connections", False),
        # a failover or restart lowers no limit
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/shared-cache",
         "redis.exceptions.OutOfMemoryError: OOM command not allowed when used memory > 'maxmemory'.", False),
        ("cloudsql.instances.restart", "projects/p/instances/orders-mysql",
         "pymysql.err.OperationalError: (1040, 'Too many connections')", False),
        # a refusal of another kind
        ("cloudsql.instances.update", "projects/p/instances/orders-mysql",
         "pymysql.err.OperationalError: (1213, 'Deadlock found when trying to get lock; try restarting transaction')",
         False),
    ],
)  # fmt: skip
def test_a_datastore_refusing_clients_for_a_limit_is_told_the_change_of_its_settings(
    method: str, resource_name: str, failure: str, told: bool
) -> None:
    """Memorystore resized or a Cloud SQL flag lowered: the server refuses commands or connections in its own words
    (`OOM command not allowed`, `Too many connections`), which a restart or failover does not make it say."""
    entries = [audited_change(0, method, resource_name)]
    entries += [run_entry(120 + i * 30, severity="ERROR", service="web", instance=f"w{i}", text=failure)
                for i in range(3)]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ([method] if told else [])


SPANNER_DDL = audited_change(
    0,
    "google.spanner.admin.database.v1.DatabaseAdmin.UpdateDatabaseDdl",
    "projects/p/instances/main-spanner/databases/commerce",
)


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        ('get order failed: spanner: code = "InvalidArgument", desc = "Unrecognized name: ShippingNotes [at 1:34]"',
         True),
        ("com.google.cloud.spanner.SpannerException: NOT_FOUND: io.grpc.StatusRuntimeException: NOT_FOUND: Column "
         "not found in table Orders: ShippingNotes", True),
        ("google.api_core.exceptions.Aborted: 409 Transaction was aborted.", False),
        # a PostgreSQL database's column: no Spanner client
        ('psycopg2.errors.UndefinedColumn: column "shipping_notes" does not exist', False),
    ],
)  # fmt: skip
def test_a_spanner_schema_change_is_told_for_queries_naming_what_it_no_longer_has(
    failure: str, told: bool
) -> None:
    entries = [SPANNER_DDL] + [
        run_entry(60 + i * 40, severity="ERROR", service="shipping", instance=f"s{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["commerce"] if told else [])


CERTIFICATE_SWAP = audited_change(
    0,
    "v1.compute.targetHttpsProxies.setSslCertificates",
    "projects/p/global/targetHttpsProxies/api-https-proxy",
)
API_KEY_RESTRICTED = audited_change(
    0,
    "google.api.apikeys.v2.ApiKeys.UpdateKey",
    "projects/1/locations/global/keys/5f0c2d7e-8a41-4b7b-9a0e-2c6d1e9f",
)


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (CERTIFICATE_SWAP, "Error: Hostname/IP does not match certificate's altnames: Host: api.shop.example.com. is "
         "not in the cert's altnames: DNS:www.shop.example.com", True),
        (CERTIFICATE_SWAP, 'upstream call failed: Get "https://api.shop.example.com/v2/catalog": tls: failed to verify '
         "certificate: x509: certificate is valid for www.shop.example.com, not api.shop.example.com", True),
        # an expired certificate was not swapped: it was left alone
        (CERTIFICATE_SWAP, "javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert."
         "CertPathValidatorException: validity check failed", False),
        (API_KEY_RESTRICTED, "google.api_core.exceptions.Forbidden: 403 POST https://translation.googleapis.com/"
         "language/translate/v2: Requests to this API translate.googleapis.com method google.cloud.translate.v2."
         "TranslateService.Translate are blocked.", True),
        (API_KEY_RESTRICTED, "Error: API key not valid. Please pass a valid API key.", True),
        (API_KEY_RESTRICTED, "google.api_core.exceptions.ResourceExhausted: 429 Quota exceeded for quota metric "
         "'Requests' and limit 'Requests per minute' of service 'vision.googleapis.com'", False),
        (CERTIFICATE_SWAP, "Error: API key not valid. Please pass a valid API key.", False),
    ],
)  # fmt: skip
def test_a_certificate_swapped_or_an_api_key_restricted_is_told_for_calls_refused_as_it_refuses_them(
    change: dict[str, Any], failure: str, told: bool
) -> None:
    entries = [change] + [
        run_entry(60 + i * 40, severity="ERROR", service="storefront", instance=f"s{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ([change["protoPayload"]["methodName"]] if told else [])


@pytest.mark.parametrize(("action", "told"), [("REMOVE", ["catalog"]), ("ADD", [])])
def test_an_iam_policy_change_that_only_grants_is_not_told_even_for_the_resource_it_names(
    action: str, told: list[str]
) -> None:
    """Granting a role on Cloud Run service `catalog` refuses nothing: it is not told for catalog's errors."""
    change = audited_change(
        0, "google.cloud.run.v1.Services.SetIamPolicy", "projects/p/locations/l/services/catalog"
    )
    change["protoPayload"]["serviceData"] = {
        "policyDelta": {
            "bindingDeltas": [{"action": action, "role": "roles/run.invoker", "member": "allUsers"}]
        }
    }
    entries = [change] + [
        run_entry(60 + i * 45, severity="ERROR", service="catalog", instance=f"c{i}",
                  text="IndexError: list index out of range") for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == told


def haproxy_line(seconds: float, text: str, pod: str = "haproxy-7d8e9f0a1-s6t7u") -> dict[str, Any]:
    entry = container_entry(seconds, pod, "haproxy", text)
    entry["resource"]["labels"]["namespace_name"] = "edge"
    return entry


HAPROXY_DOWN = (
    '[WARNING]  (8) : Server {backend}/api-{n} is DOWN, reason: Layer4 connection problem, info: "Connection '
    'refused", check duration: 0ms. {left} active and 0 backup servers left. 0 sessions active, 0 requeued, 0 '
    "remaining in queue."
)


@pytest.mark.parametrize(
    ("backend", "down_at", "pod", "linked"),
    [
        ("be_api", 0, "haproxy-7d8e9f0a1-s6t7u", True),
        ("be_static", 0, "haproxy-7d8e9f0a1-s6t7u", False),  # another backend's servers went down
        ("be_api", 60, "haproxy-7d8e9f0a1-s6t7u", False),  # its servers went down after the alert
        ("be_api", 0, "haproxy-5c6d7e8f9-k2m3n", True),  # another replica of the same balancer
    ],
)
def test_a_backend_with_no_server_available_is_the_effect_of_its_servers_going_down(
    backend: str, down_at: float, pod: str, linked: bool
) -> None:
    entries = [
        haproxy_line(down_at + i * 10, HAPROXY_DOWN.format(backend=backend, n=i + 1, left=1 - i), pod)
        for i in range(2)
    ]
    entries.append(haproxy_line(25, "[ALERT]    (8) : backend 'be_api' has no server available!"))
    found = {(cause[:12], effect[:12]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == ({("Server be_ap", "backend 'be_")} if linked else set())


def test_a_backend_with_no_server_available_before_2_0_is_linked_too() -> None:
    syslog = "Nov 25 04:40:0{s} lb-1 haproxy[1187]: "
    entries = [
        haproxy_line(i * 5, syslog.format(s=i * 5) + f"Server be_pg/pg-{i} is DOWN, reason: Layer7 timeout, check "
                     f"duration: 2001ms. {1 - i} active and 0 backup servers left.")
        for i in range(2)
    ]  # fmt: skip
    entries.append(haproxy_line(7, syslog.format(s=7) + "backend be_pg has no server available!"))
    found = {(cause[:12], effect[:12]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == {("Server be_pg", "backend be_p")}


CUDA_OOM = (
    "ERROR 11-25 03:10:04 [core.py:596] EngineCore encountered a fatal error.\nTraceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 587, in run_engine_core\n'
    "    engine_core.run_busy_loop()\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB."
)
ENGINE_DEAD = (
    "ERROR 11-25 03:10:05 [serving_chat.py:1010] Error in chat completion stream generator.\nTraceback (most recent "
    'call last):\n  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/async_llm.py", line 331, in '
    "generate\n    raise EngineDeadError() from e\nvllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered "
    "an issue. See stack trace (above) for the root cause."
)
LOOP_ERRORED = (
    'ERROR:    Exception in ASGI application\nTraceback (most recent call last):\n  File "/usr/local/lib/python3.10/'
    'dist-packages/vllm/engine/async_llm_engine.py", line 800, in add_request\n    raise AsyncEngineDeadError(\n'
    "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop has errored already."
)
FLUSH_FAILED = (
    "sqlalchemy.exc.PendingRollbackError: This Session's transaction has been rolled back due to a previous "
    "exception during flush. To begin a new transaction with this Session, first issue Session.rollback()."
)


def test_an_error_the_pod_logs_all_the_time_is_not_the_earlier_failure_that_broke_the_engine() -> None:
    chronic = "ValueError: prompt exceeds max_model_len 8192"
    entries = [container_entry(i * 5, "vllm-6c7d8e9f0-k2m3n", "vllm", chronic) for i in range(240)]
    entries += [container_entry(1197 + i * 3, "vllm-6c7d8e9f0-k2m3n", "vllm", ENGINE_DEAD) for i in range(2)]
    assert not any(effect.startswith("vllm.") for _, effect, _ in links_of(scan_entries(entries)))


@pytest.mark.parametrize(
    ("effect", "pod", "cause_at", "linked"),
    [
        (ENGINE_DEAD, "vllm-6c7d8e9f0-k2m3n", 0, True),
        (LOOP_ERRORED, "vllm-6c7d8e9f0-k2m3n", 0, True),
        (FLUSH_FAILED, "vllm-6c7d8e9f0-k2m3n", 0, True),
        (
            ENGINE_DEAD,
            "vllm-5b6c7d8e9-p4q5r",
            0,
            False,
        ),  # another pod's engine: its failure is not logged here
        (ENGINE_DEAD, "vllm-6c7d8e9f0-k2m3n", 40, False),  # an error first logged after the effect began
        # an error that names no earlier failure of its process, right after another
        ("ValueError: prompt exceeds max_model_len 8192", "vllm-6c7d8e9f0-k2m3n", 0, False),
    ],
)
def test_an_error_saying_an_earlier_failure_broke_it_is_the_effect_of_the_error_before_it_on_its_pod(
    effect: str, pod: str, cause_at: float, linked: bool
) -> None:
    entries = [container_entry(cause_at, "vllm-6c7d8e9f0-k2m3n", "vllm", CUDA_OOM)]
    entries += [container_entry(1 + i * 3, pod, "vllm", effect) for i in range(6)]
    found = {cause[:22] for cause, _, _ in links_of(scan_entries(entries))}
    assert found == ({"torch.OutOfMemoryError"} if linked else set())


def redis_server_line(seconds: float, mark: str, text: str) -> dict[str, Any]:
    """A Redis server's line on its pod's stdout (`1:M 25 Nov 2026 12:00:05.123 # …`), which GKE writes at INFO."""
    entry = container_entry(
        seconds, "redis-master-0", "redis", f"1:M 21 Nov 2026 12:00:{int(seconds) % 60:02d}.006 {mark} {text}"
    )
    entry["severity"] = "INFO"
    entry["logName"] = "projects/p/logs/stdout"
    entry["resource"]["labels"]["namespace_name"] = "cache"
    return entry


MISCONF = (
    "redis.exceptions.ResponseError: MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
    "persist to disk. Commands that may modify the data set are disabled, because this instance is configured to "
    "report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option)."
)


@pytest.mark.parametrize(
    ("client", "client_at", "linked"),
    [
        (MISCONF, 20, True),
        # the server refusing a command for what it is, not for its disk
        ("redis.exceptions.ResponseError: WRONGTYPE Operation against a key holding the wrong kind of value", 20,
         False),
        (MISCONF, 3 * 3600, False),  # hours after the snapshot failed
    ],
)  # fmt: skip
def test_a_write_redis_refused_with_misconf_follows_the_redis_server_whose_snapshot_failed(
    client: str, client_at: float, linked: bool
) -> None:
    entries = [
        redis_server_line(i * 10, "#", "Failed opening the temp RDB file temp-4821.rdb (in server root dir /data) for "
                          "saving: No space left on device")
        for i in range(2)
    ]  # fmt: skip
    entries += [
        container_entry(client_at + i * 30, "sessions-6b7c8d9e0-f1g2h", "sessions", client) for i in range(3)
    ]
    found = {(cause[:18], effect[:28]) for cause, effect, _ in links_of(scan_entries(entries))}
    assert found == ({("Failed opening the", "redis.exceptions.ResponseErr")} if linked else set())


@pytest.mark.parametrize(
    ("namespace", "failure", "told"),
    [
        ("shop", STRIPE_KEY_REFUSED, True),
        ("analytics", STRIPE_KEY_REFUSED, False),  # only the Secret's own namespace reads it
        # HTTP's reason phrase alone, as SendGrid's Node.js client throws it
        ("shop", "Error: Unauthorized\n    at Request._callback (/app/node_modules/@sendgrid/client/src/classes/"
         "client.js:146:25)", True),
    ],
)  # fmt: skip
def test_a_kubernetes_secret_is_told_only_for_credentials_refused_in_its_namespace(
    namespace: str, failure: str, told: bool
) -> None:
    entries = [kubernetes_object_changed(0, "update", "secrets", "shop", "mail-credentials")]
    for i in range(3):
        entry = container_entry(240 + i * 45, "payments-8d9e0f1a2-v8w9x", "payments", failure)
        entry["resource"]["labels"]["namespace_name"] = namespace
        entries.append(entry)
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["mail-credentials"] if told else [])


def test_a_cloud_sql_failover_is_told_for_pgjdbcs_io_error_sending_to_the_backend() -> None:
    failure = (
        "org.postgresql.util.PSQLException: An I/O error occurred while sending to the backend.\n\tat "
        "org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:395)\nCaused by: java.io.EOFException"
    )
    entries = [audited_change(0, "cloudsql.instances.failover", "projects/p/instances/ledger-pg")]
    entries += [
        run_entry(30 + i * 20, severity="ERROR", service="statements", instance=f"s{i}", text=failure)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ["cloudsql.instances.failover"]


def test_a_backend_of_one_name_in_another_balancer_is_not_the_one_left_without_servers() -> None:
    """Two balancers' servers going down are one problem; balancer b's `be_api` alert follows only its own servers,
    and b took a server out of `be_web`, not of `be_api` (a's `be_api` lost its servers)."""
    entries = []
    for i in range(4):
        balancer, backend = ("haproxy-a", "be_api") if i % 2 == 0 else ("haproxy-b", "be_web")
        entry = haproxy_line(
            i * 5, HAPROXY_DOWN.format(backend=backend, n=i + 1, left=0), f"{balancer}-5c6d7e8f9-x1y2z"
        )
        entry["resource"]["labels"]["container_name"] = balancer
        entries.append(entry)
    alert = haproxy_line(
        25, "[ALERT]    (8) : backend 'be_api' has no server available!", "haproxy-b-5c6d7e8f9-x1y2z"
    )
    alert["resource"]["labels"]["container_name"] = "haproxy-b"
    entries.append(alert)
    report = scan_entries(entries)
    assert len([c for c in report.clusters if "is DOWN" in c.title]) == 1
    assert links_of(report) == set()


def requested(change: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The audited change with the request its audit entry carries (`protoPayload.request`)."""
    return change | {"protoPayload": change["protoPayload"] | {"request": request}}


REDIS_RULE = requested(FIREWALL_PATCHED, {"allowed": [{"IPProtocol": "tcp", "ports": ["6379"]}]})
APPS_RULE = requested(
    audited_change(0, "v1.compute.firewalls.patch", "projects/p/global/firewalls/allow-apps"),
    {"direction": "INGRESS", "allowed": [{"IPProtocol": "tcp", "ports": ["8000-8999"]}]},
)
OPEN_RULE = requested(
    audited_change(0, "v1.compute.firewalls.patch", "projects/p/global/firewalls/allow-nodes"),
    {"allowed": [{"IPProtocol": "all"}]},
)
DB_DENY_RULE = requested(
    audited_change(0, "v1.compute.firewalls.insert", "projects/p/global/firewalls/deny-db"),
    {"direction": "EGRESS", "denied": [{"IPProtocol": "tcp", "ports": ["5432"]}]},
)
PG_TIMEOUT = (
    'psycopg2.OperationalError: connection to server at "10.20.0.7", port 5432 failed: timeout expired'
)


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (REDIS_RULE, "Error: connect ETIMEDOUT 10.30.0.12:6379", ["allow-gke-to-redis"]),
        (REDIS_RULE, "dial tcp 10.30.0.12:5432: i/o timeout", []),
        (REDIS_RULE, PG_TIMEOUT, []),
        (REDIS_RULE, "fetch failed: dial tcp 10.50.0.4:9092: i/o timeout", []),
        # a client that names its driver, not the port: its server's default port
        (REDIS_RULE, "[ioredis] Unhandled error event: Error: connect ETIMEDOUT", ["allow-gke-to-redis"]),
        # a source file's line is no port
        (REDIS_RULE, "cache.go:231: dial tcp 10.30.0.12:6379: i/o timeout", ["allow-gke-to-redis"]),
        (APPS_RULE, 'I/O error on GET request for "http://inventory.internal:8080/v1/stock": Connect timed out',
         ["allow-apps"]),
        (APPS_RULE, "Error: connect ETIMEDOUT 34.117.59.81:443", []),
        (OPEN_RULE, PG_TIMEOUT, ["allow-nodes"]),
        (DB_DENY_RULE, PG_TIMEOUT, ["deny-db"]),
        (DB_DENY_RULE, "Error: connect ETIMEDOUT 10.30.0.12:6379", []),
        # a timeout that names no port: which traffic it was is not known, the rule is told
        (REDIS_RULE, "requests.exceptions.ConnectTimeout: connection timed out", ["allow-gke-to-redis"]),
    ],
)  # fmt: skip
def test_a_firewall_rule_is_told_only_for_connections_to_the_ports_it_admits_or_denies(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """A firewall rule's audit entry carries its request: the ports of its `allowed` and `denied` entries (a
    port, a range, or a protocol with none: all its ports). A connection failing to another port is not its doing."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


CACHE_UPDATED = audited_change(
    0, "google.cloud.redis.v1.CloudRedis.UpdateInstance", "projects/p/locations/l/instances/feed-cache"
)
REDIS_REFUSED = (
    "redis.exceptions.ConnectionError: Error 111 connecting to 10.40.0.11:6379. Connection refused."
)


@pytest.mark.parametrize(
    ("mask", "told"),
    [
        ("labels", []),
        ({"paths": ["labels", "display_name"]}, []),
        ({"paths": ["displayName"]}, []),
        ("memory_size_gb", ["feed-cache"]),
        ("redis_configs,labels", ["feed-cache"]),
        (None, ["feed-cache"]),
    ],
)
def test_an_update_of_a_resources_labels_or_name_alone_is_told_for_nothing(
    mask: str | dict[str, list[str]] | None, told: list[str]
) -> None:
    """An update whose mask names only what describes the resource (its labels, display name, description)
    changes nothing its clients meet; a mask naming any other field, or no mask, may."""
    change = CACHE_UPDATED if mask is None else requested(CACHE_UPDATED, {"updateMask": mask})
    (incident,) = scan_entries([change, *failing_revision(120, REDIS_REFUSED)]).incidents
    assert [c.resource for c in incident.changes] == told


def dns_records(*names: str) -> dict[str, Any]:
    return requested(DNS_CHANGE, {"change": {"deletions": [{"name": name, "type": "A"} for name in names]}})


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (dns_records("ledger.internal.shop."),
         "dial tcp: lookup ledger.internal.shop on 169.254.169.254:53: no such host", ["internal-zone"]),
        (dns_records("ledger.internal.shop."), "Error: getaddrinfo ENOTFOUND hooks.partner-acme.io", []),
        (dns_records("ledger.internal.shop."), "Error: getaddrinfo ENOTFOUND old-ledger.internal.shop", []),
        (dns_records("*.svc.internal.shop."), "Error: getaddrinfo ENOTFOUND search.svc.internal.shop",
         ["internal-zone"]),
        (DNS_CHANGE, "Error: getaddrinfo ENOTFOUND hooks.partner-acme.io", ["internal-zone"]),
    ],
)  # fmt: skip
def test_a_dns_change_is_told_for_the_hosts_its_records_name(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """A Cloud DNS change's request names the records it adds and deletes (a wildcard: its domain's hosts); a host
    it did not touch that does not resolve is not its doing. A change whose request is not in the entry is told as
    before, for any host that does not resolve."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        ({"msg": "insert entry", "error": "conn closed"}, ["main-pg"]),
        ({"msg": "publish", "error": "nats: connection closed"}, []),
    ],
)
def test_go_pgx_conn_closed_is_a_postgres_clients_lost_connection(
    failure: dict[str, str], told: list[str]
) -> None:
    """pgx says `conn closed` and nothing else of PostgreSQL: a Cloud SQL restart is told for it; NATS' own
    `connection closed` is not a database's client."""
    change = audited_change(0, "cloudsql.instances.restart", "projects/p/instances/main-pg")
    failing = [
        run_entry(120 + i * 20, severity="ERROR", service="notify", instance=f"n{i}",
                  json_payload={"level": "error", **failure})
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries([change, *failing]).incidents
    assert [c.resource for c in incident.changes] == told


def quota_override(api: str) -> dict[str, Any]:
    return audited_change(
        0,
        "google.api.serviceusage.v1beta1.ServiceUsage.UpdateConsumerOverride",
        f"projects/418276301552/services/{api}/consumerQuotaMetrics/{api}%2Fdefault_requests/limits/"
        "%2Fmin%2Fproject/consumerOverrides/Cg1RdW90YU92ZXJyaWRl",
    )


@pytest.mark.parametrize(
    ("api", "told"),
    [("translate.googleapis.com", ["translate.googleapis.com"]), ("vision.googleapis.com", [])],
)
def test_a_quota_override_is_told_as_a_change_of_its_api(api: str, told: list[str]) -> None:
    """A quota override's resource name ends in an id the redactor may take for a secret; the change is told by
    the API whose quota it sets, for the calls that exceed that API's quota."""
    failure = (
        "google.api_core.exceptions.TooManyRequests: 429 Quota exceeded for quota metric 'Requests' and limit "
        "'Requests per minute' of service 'translate.googleapis.com' for consumer 'project_number:418276301552'."
    )
    (incident,) = scan_entries([quota_override(api), *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


def push_config_changed(method: str, endpoint: str) -> dict[str, Any]:
    subscription = "projects/p/subscriptions/order-events-push"
    push = {"pushEndpoint": endpoint}
    request = (
        {"subscription": subscription, "pushConfig": push}
        if method.endswith("ModifyPushConfig")
        else {"subscription": {"name": subscription, "pushConfig": push}, "updateMask": "push_config"}
    )
    return requested(audited_change(0, method, subscription), request)


@pytest.mark.parametrize(
    ("method", "endpoint", "told"),
    [
        ("google.pubsub.v1.Subscriber.ModifyPushConfig", "https://notify-2u4ksdmv5q-uc.a.run.app/pubsub/v2",
         ["order-events-push"]),
        ("google.pubsub.v1.Subscriber.UpdateSubscription", "https://notify-2u4ksdmv5q-uc.a.run.app/_push",
         ["order-events-push"]),
        ("google.pubsub.v1.Subscriber.ModifyPushConfig", "https://audit-sink-2u4ksdmv5q-uc.a.run.app/push", []),
    ],
)  # fmt: skip
def test_a_push_endpoint_change_is_told_for_the_requests_its_service_now_fails(
    method: str, endpoint: str, told: list[str]
) -> None:
    """A push subscription's endpoint changed to a path its service does not serve: the pushes fail there. The
    change is told for the request problems of the service whose Cloud Run URL the endpoint is."""
    pushes = [
        run_entry(120 + i * 20, severity="WARNING", service="notify", log="run.googleapis.com%2Frequests",
                  httpRequest={"requestMethod": "POST", "status": 404,
                               "requestUrl": "https://notify-2u4ksdmv5q-uc.a.run.app/pubsub/v2"})
        for i in range(4)
    ]  # fmt: skip
    (incident,) = scan_entries([push_config_changed(method, endpoint), *pushes]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(("project", "told"), [("shop-staging", []), ("shop-prod", ["orders-db"])])
def test_a_namesake_resource_of_another_project_is_not_told(project: str, told: list[str]) -> None:
    """A client naming the instance with its project (`/cloudsql/shop-prod:us-central1:orders-db`) uses that
    project's: a restart of `orders-db` in another project is not its doing."""
    change = audited_change(0, "cloudsql.instances.restart", f"projects/{project}/instances/orders-db")
    failure = (
        'psycopg2.OperationalError: connection to server on socket "/cloudsql/shop-prod:us-central1:orders-db/'
        '.s.PGSQL.5432" failed: server closed the connection unexpectedly'
    )
    (incident,) = scan_entries([change, *failing_revision(120, failure, service="orders-sync")]).incidents
    assert [c.resource for c in incident.changes] == told


def publisher_removed(topic: str) -> dict[str, Any]:
    """A topic's IAM policy set, its audit entry's delta removing a publisher."""
    change = audited_change(0, "google.iam.v1.IAMPolicy.SetIamPolicy", topic)
    change["protoPayload"]["serviceData"] = {
        "policyDelta": {"bindingDeltas": [{"action": "REMOVE", "role": "roles/pubsub.publisher",
                                           "member": "serviceAccount:ledger@p.iam.gserviceaccount.com"}]}
    }  # fmt: skip
    return change


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        # by kind: a restart and its clients' lost connections, a Secret and credentials refused
        (audited_change(0, "cloudsql.instances.restart", "projects/p/instances/pg1"),
         "psycopg2.OperationalError: server closed the connection unexpectedly", ["pg1"]),
        (audited_change(0, "google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion",
                        "projects/418/secrets/db"),
         'FATAL:  password authentication failed for user "app"', ["db"]),
        # by name, in its collection
        (publisher_removed("projects/shop-prod/topics/tx"),
         "publish to projects/shop-prod/topics/tx failed: 7 PERMISSION_DENIED: User not authorized", ["tx"]),
        (publisher_removed("projects/shop-prod/topics/tx"),
         "publish to projects/shop-prod/topics/tx-archive failed: 7 PERMISSION_DENIED: User not authorized", []),
        # a word of its name alone, failing otherwise, is not it
        (audited_change(0, "google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/web"),
         "KeyError: 'web'", []),
    ],
)  # fmt: skip
def test_a_resource_of_a_short_name_is_told_by_kind_or_named_in_its_collection(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """A name under four characters (`pg1`, `db`, `tx`) is too common a word to be told when a problem says it; a
    change of its kind failing its clients, or a problem naming it in its collection (`topics/tx`), tells it."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


ROUTE_TO_PARTNER = requested(
    audited_change(0, "v1.compute.routes.insert", "projects/p/global/routes/to-partner"),
    {"destRange": "10.90.0.0/16", "nextHopIp": "10.0.0.50"},
)
EGRESS_DENY_RANGE = requested(
    audited_change(0, "v1.compute.firewalls.insert", "projects/p/global/firewalls/deny-db-range"),
    {"direction": "EGRESS", "destinationRanges": ["10.20.0.0/24"], "denied": [{"IPProtocol": "tcp"}]},
)
URLLIB3_TIMEOUT = (
    "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='erp.corp.example', port=443): Max retries "
    "exceeded with url: /api/docs (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at "
    "0x7f2b1c3d4e50>, 'Connection to erp.corp.example timed out. (connect timeout=10)'))"
)


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (ROUTE_TO_PARTNER, 'Post "https://10.90.4.12/v2/batches": dial tcp 10.90.4.12:443: i/o timeout',
         ["to-partner"]),
        (ROUTE_TO_PARTNER, PG_TIMEOUT, []),
        (ROUTE_TO_PARTNER, URLLIB3_TIMEOUT, ["to-partner"]),  # a host name only: which address is not known
        (EGRESS_DENY_RANGE, PG_TIMEOUT, ["deny-db-range"]),
        (EGRESS_DENY_RANGE, "fetch failed: dial tcp 10.50.0.4:9092: i/o timeout", []),
    ],
)  # fmt: skip
def test_a_route_or_egress_rule_is_told_only_for_connections_into_its_destination_ranges(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """A route's `destRange` and an egress rule's `destinationRanges` say which addresses it sends elsewhere or
    denies; a connection to an address outside them is not its doing. urllib3's `Connection to … timed out`
    (requests' `ConnectTimeout`) is a connection that found no way."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


def record_set_deleted(name: str) -> dict[str, Any]:
    return requested(
        audited_change(0, "dns.resourceRecordSets.delete", "projects/p/managedZones/internal-zone"),
        {"project": "p", "managedZone": "internal-zone", "name": name, "type": "A"},
    )


RECORD_SET_CREATED = requested(
    audited_change(0, "dns.resourceRecordSets.create", "projects/p/managedZones/internal-zone"),
    {"managedZone": "internal-zone", "resourceRecordSet": {"name": "ledger.internal.shop.", "type": "CNAME"}},
)
GOOGLEAPIS_RULE = requested(
    audited_change(
        0, "dns.responsePolicyRules.patch", "projects/p/responsePolicies/private-access/rules/googleapis"
    ),
    {"responsePolicyRule": {"ruleName": "googleapis", "dnsName": "*.googleapis.com."}},
)


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (record_set_deleted("ledger.internal.shop."), "Error: getaddrinfo ENOTFOUND ledger.internal.shop",
         ["internal-zone"]),
        (record_set_deleted("ledger.internal.shop."), "Error: getaddrinfo ENOTFOUND api.parcel-partner.com", []),
        (RECORD_SET_CREATED, "dial tcp: lookup ledger.internal.shop on 169.254.169.254:53: no such host",
         ["internal-zone"]),
        (RECORD_SET_CREATED, "dial tcp: lookup hooks.partner-acme.io on 169.254.169.254:53: no such host", []),
        (GOOGLEAPIS_RULE, "urllib3.exceptions.NameResolutionError: Failed to resolve 'storage.googleapis.com' "
         "([Errno -2] Name or service not known)", ["googleapis"]),
        (GOOGLEAPIS_RULE, "Error: getaddrinfo ENOTFOUND hooks.chatops-vendor.io", []),
    ],
)  # fmt: skip
def test_a_record_set_or_response_policy_change_is_told_for_the_hosts_it_names(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """Cloud DNS changes made through the record-set API name their record (`dns.resourceRecordSets.delete`: its
    name and type; `…create`: its `resourceRecordSet`), a response policy rule its `dnsName` (`*.googleapis.com.`):
    a host they do not name that does not resolve is not their doing."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


def balancer_failure(seconds: float, details: str) -> dict[str, Any]:
    entry = balancer_request(seconds, "storefront-backend", "/cart", 502)
    return entry | {"severity": "ERROR", "jsonPayload": {"statusDetails": details}}


def firewall_rule(method: str, name: str, request: dict[str, Any] | None) -> dict[str, Any]:
    change = audited_change(0, f"v1.compute.firewalls.{method}", f"projects/p/global/firewalls/{name}")
    return change if request is None else requested(change, request)


HEALTH_CHECKERS_RULE = firewall_rule(
    "patch", "allow-health-checks",
    {"allowed": [{"IPProtocol": "tcp", "ports": ["8080"]}], "sourceRanges": ["130.211.0.0/22", "35.191.0.0/16"]},
)  # fmt: skip
IAP_SSH_RULE = firewall_rule(
    "patch",
    "allow-iap-ssh",
    {"allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "sourceRanges": ["35.235.240.0/20"]},
)
HEALTH_CHECK_PATCHED = requested(
    audited_change(0, "v1.compute.healthChecks.patch", "projects/p/global/healthChecks/storefront-hc"),
    {"httpHealthCheck": {"port": 8081, "requestPath": "/ready"}},
)


@pytest.mark.parametrize(
    ("change", "details", "told"),
    [
        (HEALTH_CHECK_PATCHED, "failed_to_pick_backend", ["storefront-hc"]),
        (HEALTH_CHECK_PATCHED, "backend_timeout", []),
        (firewall_rule("delete", "allow-gfe-health-checks", None), "failed_to_pick_backend",
         ["allow-gfe-health-checks"]),
        (HEALTH_CHECKERS_RULE, "failed_to_connect_to_backend", ["allow-health-checks"]),
        (IAP_SSH_RULE, "failed_to_pick_backend", []),
        (audited_change(0, "v1.compute.sslPolicies.patch", "projects/p/global/sslPolicies/modern-tls"),
         "failed_to_pick_backend", []),
    ],
)  # fmt: skip
def test_a_health_check_or_the_rule_admitting_its_checkers_is_told_when_the_balancer_finds_no_backend(
    change: dict[str, Any], details: str, told: list[str]
) -> None:
    """A load balancer that finds no healthy backend (`failed_to_pick_backend`) names no port nor address: its backends
    failed the health check, which a change of that check or of the firewall rule admitting Google's health checkers
    (`35.191.0.0/16`, `130.211.0.0/22`; a rule deleted names none) explains. A rule for other sources (IAP's SSH) does
    not, nor does a health check's change explain backends answering too slowly."""
    failures = [balancer_failure(120 + i * 20, details) for i in range(4)]
    (incident,) = scan_entries([change, *failures]).incidents
    assert [c.resource for c in incident.changes] == told


PERIMETER = "accessPolicies/558812734210/servicePerimeters/shop_perimeter"
PROHIBITED = (
    "google.api_core.exceptions.Forbidden: 403 POST https://bigquery.googleapis.com/bigquery/v2/projects/p/jobs: "
    "Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: Xk2pQm7Lr0aZ"
)
BUCKET_DENIED = (
    "google.api_core.exceptions.Forbidden: 403 GET https://storage.googleapis.com/storage/v1/b/shop-archive/o: "
    "reader@p.iam.gserviceaccount.com does not have storage.objects.list access to the Google Cloud Storage bucket."
)


@pytest.mark.parametrize(
    ("method", "failure", "told"),
    [
        ("UpdateServicePerimeter", PROHIBITED, ["shop_perimeter"]),
        ("ReplaceServicePerimeters", "googleapi: Error 403: Request is prohibited by organization's policy. "
         "vpcServiceControlsUniqueIdentifier: Qm7Xk2pLr0aZ, forbidden", ["shop_perimeter"]),
        ("UpdateServicePerimeter", BUCKET_DENIED, []),
        ("CreateAccessLevel", PROHIBITED, []),
    ],
)  # fmt: skip
def test_a_service_perimeter_change_is_told_for_the_calls_vpc_service_controls_refuse(
    method: str, failure: str, told: list[str]
) -> None:
    """A VPC Service Controls perimeter's change (its restricted services, its resources) is told for calls the
    perimeter refuses (`Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: …`),
    named by no resource of theirs; not for a call IAM refused, nor is an access level nobody's perimeter names yet."""
    change = audited_change(
        0, f"google.identity.accesscontextmanager.v1.AccessContextManager.{method}", PERIMETER
    )
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    ("failing_project", "told"),
    [("p", ["google.cloud.run.v1.Services.ReplaceService"]), ("p-staging", [])],
)
def test_a_deploy_is_not_told_for_a_same_named_service_in_another_project(
    failing_project: str, told: list[str]
) -> None:
    """An export of several projects holds `api` of each: a deploy of project `p`'s `api` does not explain the
    failures of `p-staging`'s."""
    failing = failing_revision(120, "KeyError: 'STRIPE_WEBHOOK_SECRET'", service="api")
    for entry in failing:
        entry["logName"] = entry["logName"].replace("projects/p/", f"projects/{failing_project}/")
        entry["resource"]["labels"]["project_id"] = failing_project
    (incident,) = scan_entries([deploy_entry(0), *failing]).incidents
    assert [d.method for d in incident.deploys] == told


@pytest.mark.parametrize(
    ("mask", "told"),
    [
        ("status.restrictedServices", ["shop_perimeter"]),
        ("spec,useExplicitDryRunSpec", []),
        ({"paths": ["spec.restricted_services"]}, []),
        ("spec,status", ["shop_perimeter"]),
    ],
)
def test_a_perimeters_dry_run_configuration_changed_alone_is_told_for_nothing(
    mask: str | dict[str, list[str]], told: list[str]
) -> None:
    """A perimeter's dry-run configuration (`spec`) logs the calls it would refuse and refuses none: a change of it
    alone explains no refused call; a change of its enforced configuration (`status`) does."""
    change = requested(
        audited_change(
            0,
            "google.identity.accesscontextmanager.v1.AccessContextManager.UpdateServicePerimeter",
            PERIMETER,
        ),
        {"updateMask": mask},
    )
    (incident,) = scan_entries([change, *failing_revision(120, PROHIBITED)]).incidents
    assert [c.resource for c in incident.changes] == told


GOOGLE_API_TIMEOUT = (
    "google.auth.exceptions.TransportError: HTTPSConnectionPool(host='oauth2.googleapis.com', port=443): Max retries "
    "exceeded with url: /token (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at "
    "0x7f0c3a2b1d90>, 'Connection to oauth2.googleapis.com timed out. (connect timeout=120)'))"
)


@pytest.mark.parametrize(
    ("method", "failure", "told"),
    [
        ("setPrivateIpGoogleAccess", GOOGLE_API_TIMEOUT, ["batch-subnet"]),
        ("setPrivateIpGoogleAccess", "Error: connect ETIMEDOUT 10.30.0.12:27017", []),
        ("expandIpCidrRange", GOOGLE_API_TIMEOUT, []),
    ],
)
def test_private_google_access_turned_off_is_told_for_calls_to_google_apis_that_time_out(
    method: str, failure: str, told: list[str]
) -> None:
    """A subnet's Private Google Access turned off leaves its nodes without an external address no way to Google's
    APIs (`oauth2.googleapis.com`, `gcr.io`): their calls there time out; a private database is not reached through
    it, and a subnet's range expanded refuses nothing."""
    change = audited_change(
        0, f"v1.compute.subnetworks.{method}", "projects/p/regions/r/subnetworks/batch-subnet"
    )
    failures = [container_entry(120 + i * 20, f"exporter-{i}", "exporter", failure) for i in range(3)]
    (incident,) = scan_entries([change, *failures]).incidents
    assert [c.resource for c in incident.changes] == told


CONNECTOR_UPDATED = audited_change(
    0,
    "google.cloud.vpcaccess.v1.VpcAccessService.UpdateConnector",
    "projects/p/locations/r/connectors/run-egress",
)
MYSQL_TIMEOUT = (
    "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on '10.50.0.3' (timed out)\")"
)


@pytest.mark.parametrize(
    ("failures", "told"),
    [
        (failing_revision(120, MYSQL_TIMEOUT), ["run-egress"]),
        ([container_entry(120 + i * 20, f"reports-{i}", "reports", MYSQL_TIMEOUT) for i in range(3)], []),
        (failing_revision(120, "KeyError: 'REPORTS_BUCKET'"), []),
    ],
)
def test_a_vpc_connector_change_is_told_for_the_failed_connections_of_serverless_services(
    failures: list[dict[str, Any]], told: list[str]
) -> None:
    """Cloud Run services and functions reach private addresses through their Serverless VPC Access connector: its
    change (a subnet, its machines) or deletion explains their connections that time out or fail, not a GKE pod's,
    which does not use it, nor an error of another kind."""
    (incident,) = scan_entries([CONNECTOR_UPDATED, *failures]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    ("method", "resource_name", "told"),
    [
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance",
         "projects/p-staging/locations/r/instances/cart-cache", []),
        ("google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/r/instances/cart-cache",
         ["cart-cache"]),
        ("v1.compute.firewalls.patch", "projects/net-host/global/firewalls/allow-redis", ["allow-redis"]),
        ("cloudsql.instances.restart", "projects/p-staging/instances/orders-db", []),
        ("cloudsql.instances.restart", "projects/shop-data/instances/orders-db", ["orders-db"]),
    ],
)  # fmt: skip
def test_a_datastore_changed_in_another_project_is_not_told_for_this_ones_clients(
    method: str, resource_name: str, told: list[str]
) -> None:
    """An export of several projects: `p-staging`'s Memorystore or Cloud SQL instance does not refuse `p`'s clients,
    which name only an address or another project's instance; `p`'s own does, a shared VPC's host project
    (`net-host`) still changes `p`'s network, and an instance a client names across projects
    (`/cloudsql/shop-data:…:orders-db`) is that client's."""
    refused = (
        'psycopg2.OperationalError: connection to server on socket "/cloudsql/shop-data:r:orders-db/.s.PGSQL.5432" '
        "failed: server closed the connection unexpectedly"
        if "orders-db" in resource_name
        else "redis.exceptions.ConnectionError: Error 111 connecting to 10.0.8.3:6379. Connection refused."
    )
    (incident,) = scan_entries(
        [audited_change(0, method, resource_name), *failing_revision(120, refused)]
    ).incidents
    assert [c.resource for c in incident.changes] == told


PUBSUB_SCHEMA_REFUSED = "Invalid data in message: Message failed schema validation."
PY_API_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/app/shipping/notify.py", line 52, in announce\n'
    "    publisher.publish(TOPIC, payload).result()\n"
    '  File "/usr/local/lib/python3.12/site-packages/google/cloud/pubsub_v1/publisher/futures.py", line 67, in result\n'
    "    raise exception\n"
    "google.api_core.exceptions.{kind}: {code} {text}"
)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # a Python client's google-api-core exception and a Go client's gRPC status, both Pub/Sub's answer
        (PY_API_TRACEBACK.format(kind="InvalidArgument", code=400, text=PUBSUB_SCHEMA_REFUSED),
         f"publish shipment update: rpc error: code = InvalidArgument desc = {PUBSUB_SCHEMA_REFUSED}"),
        # a Go REST client's `googleapi: Error 404:` and a Python client's, both BigQuery's answer
        ("insertAll failed: googleapi: Error 404: Not found: Table p:analytics.page_events, notFound",
         PY_API_TRACEBACK.format(kind="NotFound", code=404,
                                 text="Not found: Table p:analytics.page_events was not found in location US")),
        # grpc-js's status and a Python client's exception, both Pub/Sub's answer
        ("Error: 5 NOT_FOUND: Resource not found (resource=order-created).\n"
         "    at callErrorFromStatus (/app/node_modules/@grpc/grpc-js/build/src/call.js:31:19)",
         PY_API_TRACEBACK.format(kind="NotFound", code=404, text="Resource not found (resource=order-created).")),
    ],
)  # fmt: skip
def test_two_clients_given_one_answer_by_a_google_api_are_not_linked(first: str, second: str) -> None:
    """Two services quoting what a Google API answered them did not answer each other."""
    entries = [
        run_entry(i * 60, text=first, severity="ERROR", service="shipping", instance=f"s{i}")
        for i in range(3)
    ]
    entries += [
        run_entry(20 + i * 60, text=second, severity="ERROR", service="tracker", instance=f"t{i}")
        for i in range(3)
    ]
    assert links_of(scan_entries(entries)) == set()


def test_a_grpc_client_quoting_a_services_own_error_is_still_its_effect() -> None:
    """Look-alike: the answer is the words the server logged itself, not a Google API's."""
    own = "Can't access cart storage. Connection to redis-cart:6379 was refused"
    entries = [
        run_entry(i * 60, text=own, severity="ERROR", service="cart", instance=f"c{i}") for i in range(3)
    ]
    entries += [
        run_entry(20 + i * 60, severity="ERROR", service="frontend", instance=f"f{i}",
                  text=f"could not retrieve cart: rpc error: code = FailedPrecondition desc = {own}")
        for i in range(3)
    ]  # fmt: skip
    assert {(cause[:12], effect[:12]) for cause, effect, _ in links_of(scan_entries(entries))} == {
        ("Can't access", "could not re")
    }


def deny_policy(method: str, project: str, denied: list[str]) -> dict[str, Any]:
    """An IAM deny policy created, updated or deleted, attached to `project`."""
    name = f"policies/cloudresourcemanager.googleapis.com%2Fprojects%2F{project}/denypolicies/deny-deletes"
    change = audited_change(0, f"google.iam.v2.Policies.{method}", name)
    rule = {"denyRule": {"deniedPrincipals": ["principalSet://goog/public:all"], "deniedPermissions": denied}}
    change["protoPayload"]["request"] = {"policy": {"name": name, "rules": [rule]}}
    return change


DELETE_REFUSED = (
    "google.api_core.exceptions.Forbidden: 403 DELETE https://storage.googleapis.com/storage/v1/b/media-cache/o/a.jpg"
    "?prettyPrint=false: gc@p.iam.gserviceaccount.com does not have storage.objects.delete access to the Google Cloud "
    "Storage object. Permission 'storage.objects.delete' denied on resource (or it may not exist)."
)


@pytest.mark.parametrize(
    ("change", "told"),
    [
        (deny_policy("CreatePolicy", "shop-prod", ["storage.googleapis.com/objects.delete"]), True),
        (deny_policy("UpdatePolicy", "shop-prod", ["storage.googleapis.com/objects.*"]), True),
        (deny_policy("CreatePolicy", "shop-prod", []), True),  # a request that names no permission
        # a deny policy of another project, of another permission, or deleted (lifting its denials)
        (deny_policy("CreatePolicy", "shop-staging", ["storage.googleapis.com/objects.delete"]), False),
        (deny_policy("CreatePolicy", "shop-prod", ["iam.googleapis.com/serviceAccountKeys.create"]), False),
        (deny_policy("DeletePolicy", "shop-prod", ["storage.googleapis.com/objects.delete"]), False),
    ],
)  # fmt: skip
def test_a_deny_policy_is_told_for_calls_its_project_is_refused_the_permissions_it_denies(
    change: dict[str, Any], told: bool
) -> None:
    entries = [change] + [
        run_entry(60 + i * 40, severity="ERROR", service="media-gc", instance=f"m{i}", text=DELETE_REFUSED)
        for i in range(3)
    ]
    entries = [
        e | {"logName": e["logName"].replace("projects/p/", "projects/shop-prod/")} for e in entries
    ]  # the problem's samples are of shop-prod
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["deny-deletes"] if told else [])


def schema_change(method: str, resource_name: str, mask: str | None = None) -> dict[str, Any]:
    change = audited_change(0, f"google.pubsub.v1.{method}", resource_name)
    if mask is not None:
        change["protoPayload"]["request"] = {"topic": {"name": resource_name}, "updateMask": mask}
    return change


@pytest.mark.parametrize(
    ("change", "told"),
    [
        (schema_change("SchemaService.CommitSchema", "projects/shop-prod/schemas/shipment-event"), True),
        (schema_change("SchemaService.RollbackSchema", "projects/shop-prod/schemas/shipment-event"), True),
        (schema_change("Publisher.UpdateTopic", "projects/shop-prod/topics/announcements", "schemaSettings"), True),
        # the same schema of another project; a topic's labels; a schema created (no topic uses it yet)
        (schema_change("SchemaService.CommitSchema", "projects/shop-staging/schemas/shipment-event"), False),
        (schema_change("Publisher.UpdateTopic", "projects/shop-prod/topics/announcements", "labels"), False),
        (schema_change("SchemaService.CreateSchema", "projects/shop-prod/schemas/shipment-event"), False),
    ],
)  # fmt: skip
def test_a_message_schema_change_is_told_for_publishes_failing_its_validation(
    change: dict[str, Any], told: bool
) -> None:
    """The publishers' errors name neither the schema nor the topic."""
    text = f"publish failed: rpc error: code = InvalidArgument desc = {PUBSUB_SCHEMA_REFUSED}"
    entries = [change] + [
        run_entry(60 + i * 40, severity="ERROR", service="tracker", instance=f"t{i}", text=text)
        for i in range(3)
    ]
    entries = [e | {"logName": e["logName"].replace("projects/p/", "projects/shop-prod/")} for e in entries]
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ([change["protoPayload"]["methodName"]] if told else [])


@pytest.mark.parametrize(
    ("resource_name", "told"),
    [
        ("projects/p/datasets/analytics/tables/page_events", True),
        # a table of that name in another dataset
        ("projects/p/datasets/analytics_sandbox/tables/page_events", False),
    ],
)
def test_a_resource_deleted_is_not_told_for_a_namesake_in_another_parent(
    resource_name: str, told: bool
) -> None:
    change = audited_change(0, "google.cloud.bigquery.v2.TableService.DeleteTable", resource_name)
    text = "insertAll failed: googleapi: Error 404: Not found: Table p:analytics.page_events, notFound"
    entries = [change] + [
        run_entry(60 + i * 40, severity="ERROR", service="collector", instance=f"c{i}", text=text)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["page_events"] if told else [])


def test_traffic_rolled_back_to_an_older_revision_names_it_the_suspect() -> None:
    """catalog-00058 serves; traffic goes back to catalog-00056 (last week's), which fails at once."""
    good, old = "catalog-00058-rix", "catalog-00056-bon"
    entries = [request(i * 60, "/v1/products", 200, service="catalog", revision=good) for i in range(10)]
    entries.append(
        deploy_entry(610, resource={"type": "cloud_run_revision", "labels": {"service_name": "catalog"}})
    )
    for i in range(4):
        trace = f"projects/p/traces/rb{i}"
        entries.append(
            run_entry(620 + i * 50, severity="ERROR", service="catalog", revision=old, instance="r", trace=trace,
                      text="psycopg.errors.UndefinedColumn: column products.list_price does not exist")
        )  # fmt: skip
        entries.append(
            request(620.5 + i * 50, "/v1/products", 500, service="catalog", revision=old, trace=trace)
        )
    report = scan_entries(entries)
    suspect = by_title(report, "psycopg.errors.UndefinedColumn").suspect_revision
    assert suspect is not None and (suspect.revision, suspect.previous) == (old, good)


def test_a_revision_that_served_alongside_from_the_start_is_no_suspect() -> None:
    """Look-alike: two revisions serve from the window's start, no deploy between; the failing one is not new."""
    entries = [
        request(i * 60, "/v1/products", 200, service="catalog", revision="catalog-00058-rix")
        for i in range(5)
    ]
    entries += [
        run_entry(i * 60 + 1, severity="ERROR", service="catalog", revision="catalog-00056-bon", instance=f"r{i}",
                  text="psycopg.errors.UndefinedColumn: column products.list_price does not exist")
        for i in range(5)
    ]  # fmt: skip
    assert by_title(scan_entries(entries), "psycopg.errors.UndefinedColumn").suspect_revision is None


@pytest.mark.parametrize(("package", "told"), [("orders-api", True), ("billing-api", False)])
def test_an_image_tag_deleted_is_told_for_pulls_of_that_image_tag_only(package: str, told: bool) -> None:
    """The pull names the tag after its image (`…/apps/orders-api:1.8.2`), which is not a project qualifying it."""
    change = audited_change(
        0,
        "google.devtools.artifactregistry.v1.ArtifactRegistry.DeleteTag",
        f"projects/shop-prod/locations/us-central1/repositories/apps/packages/{package}/tags/1.8.2",
    )
    image = "us-central1-docker.pkg.dev/shop-prod/apps/orders-api:1.8.2"
    pulls = [
        pod_event(60 + i * 30, f"orders-api-6d5c4b3a2-x7k2{i}", "Failed",
                  f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
                  f'"{image}": failed to resolve reference "{image}": {image}: not found')
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries([change, *pulls]).incidents
    assert [c.resource for c in incident.changes] == (["1.8.2"] if told else [])


@pytest.mark.parametrize(("ring", "told"), [("app-ring", True), ("payments-ring", False)])
def test_a_key_version_disabled_is_not_told_for_a_namesake_key_of_another_key_ring(
    ring: str, told: bool
) -> None:
    """The refused call names its key by its path: the key ring before `cryptoKeys/` is the resource it is in."""
    change = audited_change(
        0,
        "google.cloud.kms.v1.KeyManagementService.UpdateCryptoKeyVersion",
        f"projects/p/locations/global/keyRings/{ring}/cryptoKeys/card-key/cryptoKeyVersions/1",
    )
    version = "projects/p/locations/global/keyRings/app-ring/cryptoKeys/card-key/cryptoKeyVersions/1"
    refused = (
        f"decrypt card token: rpc error: code = FailedPrecondition desc = {version} is not enabled, current state "
        "is: DISABLED."
    )
    entries = [change] + [
        run_entry(60 + i * 40, severity="ERROR", service="wallet", instance=f"w{i}", text=refused)
        for i in range(3)
    ]
    (incident,) = scan_entries(entries).incidents
    assert [c.resource for c in incident.changes] == (["card-key"] if told else [])


def artifact_audit(method: str, package: str) -> dict[str, Any]:
    """An Artifact Registry data access audit entry: `method` on a version of `package`."""
    digest = "sha256:9f2c4e1b7a3d5c8e0f6a2b4d6c8e0a1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c"
    name = f"projects/p/locations/us-central1/repositories/apps/packages/{package}/versions/{digest}"
    change = audited_change(0, f"google.devtools.artifactregistry.v1.ArtifactRegistry.{method}", name)
    change["logName"] = "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access"
    change["severity"] = "INFO"
    return change


@pytest.mark.parametrize(
    ("change", "told"),
    [
        (artifact_audit("DeleteVersion", "search-api"), True),
        (artifact_audit("DeletePackage", "search-api") | {"protoPayload": {
            "methodName": "google.devtools.artifactregistry.v1.ArtifactRegistry.DeletePackage",
            "resourceName": "projects/p/locations/us-central1/repositories/apps/packages/search-api"}}, True),
        # another package's version deleted; a read of the pulled one
        (artifact_audit("DeleteVersion", "billing-api"), False),
        (artifact_audit("GetVersion", "search-api"), False),
    ],
)  # fmt: skip
def test_an_image_version_deleted_in_the_data_access_log_is_told_for_pulls_of_its_image(
    change: dict[str, Any], told: bool
) -> None:
    """Deleting an image's version is a data write: its audit entry is in the data access log, and the pull names
    the image by a tag, not the deleted digest."""
    image = "us-central1-docker.pkg.dev/p/apps/search-api:2.3.0"
    pulls = [
        pod_event(60 + i * 30, f"search-api-5f4e3d2c1-a1b2{i}", "Failed",
                  f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
                  f'"{image}": failed to resolve reference "{image}": {image}: not found')
        for i in range(3)
    ]  # fmt: skip
    (incident,) = scan_entries([change, *pulls]).incidents
    assert [c.method for c in incident.changes] == ([change["protoPayload"]["methodName"]] if told else [])


SQL_CLIENTS_REFUSED = (
    'psycopg2.OperationalError: connection to server on socket "/cloudsql/p:us-central1:orders-db/.s.PGSQL.5432" '
    "failed: FATAL:  sorry, too many clients already"
)


@pytest.mark.parametrize(
    ("body", "told"),
    [
        ({"settings": {"userLabels": {"team": "orders", "cost-center": "cc-114"}}}, []),
        # what says which version of the settings it was written against changes nothing
        ({"settings": {"userLabels": {"team": "orders"}, "settingsVersion": "27", "kind": "sql#settings"}}, []),
        ({"settings": {"tier": "db-custom-1-3840"}}, ["orders-db"]),
        ({"settings": {"userLabels": {"team": "orders"}, "databaseFlags": [{"name": "max_connections", "value": "50"}]}},
         ["orders-db"]),
        ({}, ["orders-db"]),
    ],
)  # fmt: skip
def test_a_patch_is_told_by_the_fields_its_body_sets(body: dict[str, Any], told: list[str]) -> None:
    """A method of patch semantics (`cloudsql.instances.patch` merges its `body` into the instance) changes only the
    fields its body sets, which its request carries in place of an update mask: labels alone change nothing."""
    change = requested(
        audited_change(0, "cloudsql.instances.patch", "projects/p/instances/orders-db"),
        {"project": "p", "instance": "orders-db", "body": body},
    )
    (incident,) = scan_entries([change, *failing_revision(120, SQL_CLIENTS_REFUSED)]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize(
    ("method", "told"),
    [
        ("google.container.v1.ClusterManager.SetLabels", False),
        ("google.container.v1.ClusterManager.UpdateMaster", True),
        ("google.container.v1.ClusterManager.SetMasterAuth", True),
    ],
)
def test_a_method_that_sets_only_labels_is_told_for_nothing(method: str, told: bool) -> None:
    """A method named for setting what only describes the resource (`SetLabels`, `v1.compute.instances.setLabels`)
    changes nothing its clients meet, whatever the resource."""
    change = control_plane_change(0, "prod-gke")
    change["protoPayload"]["methodName"] = method
    entries = [change]
    for i in range(3):
        entry = container_entry(
            120 + i * 45, "job-dispatcher-5f6a7b8c9-d0e1f", "job-dispatcher", WATCH_REFUSED
        )
        entry["resource"]["labels"]["cluster_name"] = "prod-gke"
        entries.append(entry)
    (incident,) = scan_entries(entries).incidents
    assert [c.method for c in incident.changes] == ([method] if told else [])


ALLOY_FAILOVER = audited_change(
    0,
    "google.cloud.alloydb.v1.AlloyDBAdmin.FailoverInstance",
    "projects/p/locations/us-central1/clusters/orders/instances/orders-primary",
)
ASYNCPG_CLOSED = (
    "asyncpg.exceptions.ConnectionDoesNotExistError: connection was closed in the middle of operation"
)


@pytest.mark.parametrize(
    ("request_", "told"),
    [
        ({"validateOnly": True}, []),
        ({"validate_only": True}, []),
        ({"validateOnly": False}, ["orders-primary"]),
        (None, ["orders-primary"]),
    ],
)
def test_a_request_only_validated_changed_nothing(request_: dict[str, Any] | None, told: list[str]) -> None:
    """AIP-163's `validate_only`: the API checked the request and applied nothing, so it explains no failure."""
    change = ALLOY_FAILOVER if request_ is None else requested(ALLOY_FAILOVER, request_)
    (incident,) = scan_entries([change, *failing_revision(120, ASYNCPG_CLOSED)]).incidents
    assert [c.resource for c in incident.changes] == told


@pytest.mark.parametrize("validate_only", [True, False])
def test_a_deploy_only_validated_is_no_deploy_marker(validate_only: bool) -> None:
    deploy = {
        "insertId": "deploy",
        "timestamp": stamp(-60),
        "severity": "NOTICE",
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {"type": "cloud_run_revision", "labels": {"project_id": "p", "service_name": "notify"}},
        "protoPayload": {
            "methodName": "google.cloud.run.v2.Services.UpdateService",
            "resourceName": "projects/p/locations/us-central1/services/notify",
            "request": {
                "validateOnly": validate_only,
                "service": {"name": "projects/p/locations/us-central1/services/notify"},
            },
        },
    }
    report = scan_entries([deploy, *failing_revision(120, "KeyError: 'customer_tier'")])
    (incident,) = report.incidents
    assert [d.method for d in incident.deploys] == (
        [] if validate_only else ["google.cloud.run.v2.Services.UpdateService"]
    )


EXTERNAL_IP_REFUSED = (
    "googleapiclient.errors.HttpError: <HttpError 412 when requesting https://compute.googleapis.com/compute/v1/projects"
    '/p/zones/us-central1-a/instances?alt=json returned "Constraint constraints/compute.vmExternalIpAccess violated for '
    'project 418276301552.">'
)


@pytest.mark.parametrize(
    ("mask", "told"),
    [
        ("dry_run_spec", []),
        ({"paths": ["dryRunSpec"]}, []),
        ("spec", ["compute.vmExternalIpAccess"]),  # an organization policy's `spec` is the one enforced
        ("spec,dry_run_spec", ["compute.vmExternalIpAccess"]),
    ],
)
def test_a_change_of_its_dry_run_configuration_alone_refuses_nothing(
    mask: str | dict[str, list[str]], told: list[str]
) -> None:
    change = requested(
        audited_change(
            0,
            "google.cloud.orgpolicy.v2.OrgPolicy.UpdatePolicy",
            "projects/p/policies/compute.vmExternalIpAccess",
        ),
        {"updateMask": mask, "policy": {"name": "projects/p/policies/compute.vmExternalIpAccess"}},
    )
    (incident,) = scan_entries([change, *failing_revision(120, EXTERNAL_IP_REFUSED)]).incidents
    assert [c.resource for c in incident.changes] == told


PG_SOCKET_REFUSED = (
    'psycopg2.OperationalError: connection to server on socket "/cloudsql/p:us-central1:{db}/.s.PGSQL.5432" failed: '
    "Connection refused"
)


@pytest.mark.parametrize(
    ("change", "failure", "told"),
    [
        (audited_change(0, "cloudsql.instances.restart", "projects/p/instances/billing-db"),
         PG_SOCKET_REFUSED.format(db="orders-db"), []),
        (audited_change(0, "cloudsql.instances.restart", "projects/p/instances/orders-db"),
         PG_SOCKET_REFUSED.format(db="orders-db"), ["orders-db"]),
        # a client that names no instance: any instance's restart may be its
        (audited_change(0, "cloudsql.instances.restart", "projects/p/instances/billing-db"),
         "psycopg2.OperationalError: server closed the connection unexpectedly", ["billing-db"]),
        (audited_change(0, "cloudsql.users.update", "projects/p/instances/reports-db"),
         'FATAL:  password authentication failed for user "app" (psycopg2, /cloudsql/p:us-central1:orders-db)', []),
        (audited_change(0, "google.cloud.redis.v1.CloudRedis.FailoverInstance", "projects/p/locations/l/instances/feed-cache"),
         "redis.exceptions.ConnectionError: Connection refused to projects/p/locations/l/instances/sessions", []),
    ],
)  # fmt: skip
def test_a_datastore_change_is_not_told_for_a_client_naming_only_other_instances(
    change: dict[str, Any], failure: str, told: list[str]
) -> None:
    """A client names the instance it uses by its Cloud SQL connection name or its resource name: another instance's
    restart, failover or users are not its doing."""
    (incident,) = scan_entries([change, *failing_revision(120, failure)]).incidents
    assert [c.resource for c in incident.changes] == told


INSUFFICIENT_CPU = (
    "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found "
    "for incoming pod."
)


@pytest.mark.parametrize(
    ("method", "cluster", "reason", "message", "told"),
    [
        ("SetNodePoolAutoscaling", "c", "FailedScheduling", INSUFFICIENT_CPU, True),
        ("SetNodePoolSize", "c", "FailedScheduling", INSUFFICIENT_CPU, True),
        ("DeleteNodePool", "c", "FailedScheduling",
         "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.", True),
        ("SetNodePoolAutoscaling", "c", "NotTriggerScaleUp",
         "pod didn't trigger scale-up: 1 max node group size reached", True),
        # another cluster's node pool
        ("SetNodePoolAutoscaling", "other", "FailedScheduling", INSUFFICIENT_CPU, False),
        # a claim no node can take is no node pool's doing
        ("SetNodePoolSize", "c", "FailedScheduling",
         '0/3 nodes are available: persistentvolumeclaim "data-redis-0" not found.', False),
    ],
)  # fmt: skip
def test_a_node_pool_change_is_told_for_its_clusters_pods_no_node_can_take(
    method: str, cluster: str, reason: str, message: str, told: bool
) -> None:
    """A node pool's nodes are where its cluster's pods run: resized, bounded or deleted, the pods that no node can
    take for want of its capacity or its labels are its doing."""
    change = audited_change(
        0,
        f"google.container.v1.ClusterManager.{method}",
        f"projects/p/locations/l/clusters/{cluster}/nodePools/pool-1",
    )
    events = [pod_event(120 + i * 40, "checkout-7d9f8c6b5-x2kqp", reason, message) for i in range(3)]
    (incident,) = scan_entries([change, *events]).incidents
    assert [c.resource for c in incident.changes] == (["pool-1"] if told else [])


def url_map_change(method: str, default: str, api: str) -> dict[str, Any]:
    """A URL map's change routing `/api/*` to `api` and everything else to `default`, as its request says it."""
    backend = "https://www.googleapis.com/compute/v1/projects/p/global/backendServices/{}"
    return requested(
        audited_change(0, f"v1.compute.urlMaps.{method}", "projects/p/global/urlMaps/web-map"),
        {
            "name": "web-map",
            "defaultService": backend.format(default),
            "pathMatchers": [
                {
                    "name": "main",
                    "defaultService": backend.format(default),
                    "pathRules": [{"paths": ["/api/*"], "service": backend.format(api)}],
                }
            ],
        },
    )


def url_map_patch_setting_many_fields() -> dict[str, Any]:
    """`url_map_change`'s patch whose body also sets a route action of 40 fields."""
    change = url_map_change("patch", "web-backend", "api-v2")
    change["protoPayload"]["request"]["defaultRouteAction"] = {f"setting{i}": i for i in range(40)}
    return change


@pytest.mark.parametrize(
    ("change", "failing", "told"),
    [
        (url_map_change("patch", "web-backend", "api-v2"), "api-v2", ["web-map"]),
        (url_map_change("update", "web-v3", "api-v1"), "web-v3", ["web-map"]),
        # a backend it does not route to
        (url_map_change("patch", "web-backend", "api-v2"), "reports-backend", []),
        # a patch whose body sets more fields than a change's scope keeps
        (url_map_patch_setting_many_fields(), "api-v2", ["web-map"]),
    ],
)
def test_a_url_map_is_told_for_the_failures_of_the_backends_it_routes_to(
    change: dict[str, Any], failing: str, told: list[str]
) -> None:
    """A URL map's name is in no request log of its load balancer, which names the backend service that took the
    request: the backends its request routes to are what it concerns."""
    requests = [balancer_request(120 + i * 30, failing, "/api/cart", 502) for i in range(3)]
    (incident,) = scan_entries([change, *requests]).incidents
    assert [c.resource for c in incident.changes] == told


def kubelet_line(seconds: float, node: str, text: str) -> dict[str, Any]:
    """A line of a node's kubelet (`k8s_node`, log `kubelet`), in klog's format."""
    return {
        "insertId": f"kubelet{seconds}{node}",
        "timestamp": stamp(seconds),
        "severity": "ERROR",
        "logName": "projects/p/logs/kubelet",
        "resource": {
            "type": "k8s_node",
            "labels": {"project_id": "p", "cluster_name": "c", "node_name": node},
        },
        "textPayload": text,
    }


IMAGE_GC = (
    'E1125 14:02:11.120123    1902 kubelet.go:1386] "Image garbage collection failed once. Stats initialization may '
    'not have completed yet" err="failed to get imageFs info: unable to find data in memory cache"'
)
CRASH_AT_IMPORT = (
    'Traceback (most recent call last):\n  File "/srv/scorer/main.py", line 9, in <module>\n'
    "    MODEL = joblib.load(os.environ[\"MODEL_PATH\"])\nKeyError: 'MODEL_PATH'"
)


@pytest.mark.parametrize(
    ("node_failure", "node_linked"),
    [
        (kubelet_line(0, "gke-c-pool-2-m4zq", IMAGE_GC), False),  # kills nothing: the pod's crash explains it
        (
            node_problem(
                0, "gke-c-pool-2-m4zq", "OOMKilling", KERNEL_OOM.format(pid=28438), "kernel-monitor"
            ),
            True,
        ),
    ],
)
def test_a_node_error_that_kills_nothing_is_not_the_cause_of_a_restart_its_pod_explains(
    node_failure: dict[str, Any], node_linked: bool
) -> None:
    """A pod crash-looping on its own error at import, on a node whose kubelet logged an error minutes before: the
    back-off is the crash's effect, not the kubelet's; the kernel's out-of-memory kill on that node still is a
    cause, beside the pod's own error."""
    pod = "scorer-5b7f9d8c6-abcde"
    entries = [node_failure]
    for i in range(4):
        entries.append(container_entry(100 + i * 35, pod, "scorer", CRASH_AT_IMPORT))
    for i in range(2):
        event = pod_event(
            180 + i * 20, pod, "BackOff", f"Back-off restarting failed container scorer in pod {pod}"
        )
        event["jsonPayload"]["source"] = {"component": "kubelet", "host": "gke-c-pool-2-m4zq"}
        entries.append(event)
    causes = {
        cause[:15] for cause, effect, _ in links_of(scan_entries(entries)) if effect.startswith("BackOff")
    }
    assert "KeyError: 'MODE" in causes
    assert bool(causes - {"KeyError: 'MODE"}) == node_linked, causes


def _unreached_and_routes(
    failure: str,
    *,
    failure_service: str = "api",
    failure_project: str = "p",
    failure_start: float = 0,
    routes_start: float = 10,
    failure_severity: str = "ERROR",
) -> list[dict[str, Any]]:
    """An application's error, printed to stderr on another instance and without a trace, every 40 s for six
    minutes, and the `api` service's two routes failing with 500s every 40 s for six minutes: nothing but the
    service, the project and the minutes join them."""
    entries = []
    for i in range(9):
        failed = run_entry(
            failure_start + i * 40,
            severity=failure_severity,
            service=failure_service,
            revision=f"{failure_service}-00001-abc",
            instance="worker-1",
            text=failure,
        )
        failed["logName"] = f"projects/{failure_project}/logs/run.googleapis.com%2Fstderr"
        failed["resource"]["labels"]["project_id"] = failure_project
        entries.append(failed)
        for path in ("/invoices/81", "/reports/weekly"):
            entries.append(
                request(routes_start + i * 40, path, 500, instance="", trace=f"projects/p/traces/{i}{path}")
            )
    return entries


@pytest.mark.parametrize(
    "failure",
    [
        # a driver naming its engine (psycopg2 and libpq's hint, ioredis by its port)
        'psycopg2.OperationalError: connection to server at "10.30.0.5", port 5432 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?",
        "Error: connect ECONNREFUSED 10.30.0.11:6379",
        "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on '10.30.0.3' ([Errno 111] "
        'Connection refused)")',
        # Python's own exception of a refused connect, as asyncio and asyncpg raise it
        "ConnectionRefusedError: [Errno 111] Connect call failed ('10.30.0.5', 5432)",
        # a server named only by its address (MongoDB's Node driver, a Go dial)
        "MongoServerSelectionError: connect ECONNREFUSED 10.30.0.9:27017",
        "failed to connect to `host=10.30.0.7 user=orders database=orders`: dial error (dial tcp 10.30.0.7:5432: "
        "connect: connection refused)",
        # a pool that waited in vain, naming no server
        "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out "
        "after 30000ms.",
    ],
)  # fmt: skip
def test_a_service_that_cannot_reach_its_server_causes_its_routes_5xx(failure: str) -> None:
    """The service's code says it could not reach a server it depends on while its routes fail with 500s in the
    same minutes: the routes fail because of it, though no trace or instance joins them."""
    report = scan_entries(_unreached_and_routes(failure))
    error = next(c for c in report.clusters if c.kind != "request")
    routes = [c for c in report.clusters if c.kind == "request"]
    assert len(routes) == 2
    for route in routes:
        assert error.fingerprint in route.causes
    (incident,) = [i for i in report.incidents if i.links]
    assert incident.root == error.fingerprint
    assert "says it could not reach" in incident.story


@pytest.mark.parametrize(
    ("failure", "kwargs"),
    [
        # another service, another project, a failure long after the routes began to fail, or an hour before
        ("Error: connect ECONNREFUSED 10.30.0.11:6379", {"failure_service": "search"}),
        ("Error: connect ECONNREFUSED 10.30.0.11:6379", {"failure_project": "staging"}),
        ("Error: connect ECONNREFUSED 10.30.0.11:6379", {"failure_start": 1200}),
        ("Error: connect ECONNREFUSED 10.30.0.11:6379", {"routes_start": 3600}),
        # a warning that it reconnects, an error naming neither a server nor a pool, a reset by a client
        ("Error: connect ECONNREFUSED 10.30.0.11:6379", {"failure_severity": "WARNING"}),
        ("KeyError: 'customer_id'", {}),
        ("BrokenPipeError: [Errno 32] Broken pipe", {}),
    ],
)  # fmt: skip
def test_an_unreached_server_is_not_told_for_routes_it_cannot_explain(
    failure: str, kwargs: dict[str, Any]
) -> None:
    report = scan_entries(_unreached_and_routes(failure, **kwargs))
    error = next(c for c in report.clusters if c.kind != "request")
    for route in (c for c in report.clusters if c.kind == "request"):
        assert error.fingerprint not in route.causes


@pytest.mark.parametrize(
    ("text", "hosts"),
    [
        ("GET https://user:pw@storage.googleapis.com/b/o failed", ["storage.googleapis.com"]),
        ("https://oauth2accesstoken:[REDACTED:password]@us-docker.pkg.dev/v2/p", ["us-docker.pkg.dev"]),
        ("dial http://[fd20:8b1f::5]:8080/x and http://[::1]:9000", ["[fd20:8b1f::5]", "[::1]"]),
        ("https://API.Example.com:8443/v2?q=1 then http://10.0.0.7:80", ["api.example.com", "10.0.0.7"]),
        ("mailto:bob@example.com, user@host:22, file:///etc/hosts", []),
    ],
)
def test_a_urls_host_is_read_after_its_userinfo_and_without_its_port(text: str, hosts: list[str]) -> None:
    assert url_hosts(text) == hosts


def test_the_host_of_the_url_a_position_is_in() -> None:
    text = "calling https://svc:pw@orders-5otr7xq3za-uc.a.run.app:443/v1/orders failed"
    at = text.index("/v1/orders") + len("/v1/orders")
    assert url_host_at(text, at) == "orders-5otr7xq3za-uc.a.run.app"
    assert url_host_at(text, len(text)) == ""  # past the URL's blank
