"""Real entries of other teams (issue 9): a JSON access log of a server error, `log_level`, a lowercase `warn:`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import scan_entries
from entry_factories import run_entry
from loggardener.entries.levels import declared_level
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser


def _parse(raw: dict[str, Any]) -> Any:
    base = {"timestamp": "2026-03-02T08:00:00Z", "resource": {"type": "k8s_container", "labels": {}}}
    return EntryParser(Redactor(), StackParser()).parse(0, {**base, **raw})


@pytest.mark.parametrize(
    ("payload", "method", "path", "status"),
    [
        # Envoy / Istio: every line on stdout (INFO on GKE), a string or a number status, flags without a method
        (
            {"method": "PUT", "path": "/v2/carts/7", "response_code": "502", "response_flags": "UC"},
            "PUT",
            "/v2/carts/7",
            502,
        ),
        (
            {"response_code": 503, "response_flags": "UH", "upstream_cluster": "outbound|80||ledger"},
            None,
            None,
            503,
        ),
        # lograge's JSON line, a Go or Node framework's request log, pino-http's nested req/res
        ({"method": "GET", "path": "/reports", "status": 500, "duration": 12.5}, "GET", "/reports", 500),
        (
            {"http_method": "delete", "uri": "/files/9", "status_code": 504, "msg": "request"},
            "DELETE",
            "/files/9",
            504,
        ),
        (
            {
                "req": {"method": "POST", "url": "/pay"},
                "res": {"statusCode": 500},
                "msg": "request completed",
            },
            "POST",
            "/pay",
            500,
        ),
    ],
)
def test_a_json_access_log_of_a_server_error_is_a_failed_request(
    payload: dict[str, Any], method: str | None, path: str | None, status: int
) -> None:
    entry = _parse(
        {"severity": "INFO", "labels": {"container.googleapis.com/stream": "stdout"}, "jsonPayload": payload}
    )
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "http-status")
    assert entry.http is not None and (entry.http.method, entry.http.url, entry.http.status) == (
        method,
        path,
        status,
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"method": "GET", "path": "/x", "status": 404},  # a client error: what the line's level says
        {"status": 500, "msg": "upstream answered", "count": 3},  # a 500 without a request: no access log
        {"method": "FETCH", "status": 503},  # no HTTP method
        {"method": "GET", "status": True},
        {"method": "GET", "status": "5000"},
    ],
)
def test_other_json_with_a_status_is_no_failed_request(payload: dict[str, Any]) -> None:
    entry = _parse(
        {"severity": "INFO", "labels": {"container.googleapis.com/stream": "stdout"}, "jsonPayload": payload}
    )
    assert entry.severity == Severity.INFO and entry.severity_rule is None


def test_one_route_of_a_proxy_failing_is_one_problem_titled_by_its_route() -> None:
    entries = [
        run_entry(
            float(i),
            json_payload={
                "method": "POST",
                "path": "/v1/orders",
                "response_code": 503,
                "response_flags": "UF",
            },
            log="run.googleapis.com%2Fstdout",
        )
        for i in range(3)
    ]
    report = scan_entries(entries)
    assert len(report.clusters) == 1
    assert "503" in report.clusters[0].title and "/v1/orders" in report.clusters[0].title


@pytest.mark.parametrize(
    ("word", "severity"), [("error", Severity.ERROR), ("warning", Severity.WARNING), ("info", Severity.INFO)]
)
def test_a_log_level_key_declares_the_level(word: str, severity: Severity) -> None:
    entry = _parse({"jsonPayload": {"log_level": word, "event": "invoice_sync_failed", "invoice": 12}})
    assert (entry.severity, entry.severity_rule) == (severity, "json-level")


@pytest.mark.parametrize(
    "text", ["warn: cache shard 3 is 95% full", "warn: retrying upload of part 4", "Warn: slow lock"]
)
def test_a_lowercase_warn_word_opening_a_line_declares_a_warning(text: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity, declared.rule) == (Severity.WARNING, "level-word")


def test_an_unleveled_warn_line_on_cloud_run_is_kept() -> None:
    report = scan_entries([run_entry(0.0, text="warn: Deno.serve() closed a request after 30 seconds")])
    assert [c.max_severity for c in report.clusters] == ["WARNING"]


def test_an_envoy_access_log_without_a_path_is_titled_by_its_status_flags_and_details() -> None:
    entry = _parse(
        {
            "severity": "INFO",
            "labels": {"container.googleapis.com/stream": "stdout"},
            "jsonPayload": {
                "response_code": 503,
                "response_flags": "UF,URX",
                "response_code_details": "upstream_reset_before_response_started{connection_failure}",
                "upstream_cluster": "outbound|9090||inventory.shop.svc.cluster.local",
            },
        }
    )
    # (the upstream cluster it could not reach named: `UF` is a connection failure to it)
    assert entry.message == (
        "HTTP 503 UF,URX to inventory.shop.svc.cluster.local: "
        "upstream_reset_before_response_started{connection_failure}"
    )


def test_json_envoy_logs_of_an_upstream_it_could_not_reach_are_one_problem_whatever_the_route() -> None:
    def failed(seconds: float, path: str, flags: str, cluster: str | None) -> dict[str, Any]:
        payload = {"method": "GET", "path": path, "response_code": 503, "response_flags": flags}
        if cluster:
            payload["upstream_cluster"] = f"outbound|8080||{cluster}.shop.svc.cluster.local"
        return run_entry(seconds, json_payload=payload, log="run.googleapis.com%2Fstdout")

    report = scan_entries(
        [
            failed(1, "/v1/stock/12", "UH", "inventory"),
            failed(2, "/v1/reserve", "UH", "inventory"),
            failed(3, "/v1/quote", "URX", "pricing"),  # retries spent on a route: the route's problem
            failed(4, "/v1/orders", "UF", None),  # no upstream named: the route's problem
        ]
    )
    assert sorted(c.title for c in report.clusters) == [
        "HTTP 503 (api): UH to inventory.shop.svc.cluster.local",
        "HTTP 503 on GET /v1/orders (api)",
        "HTTP 503 on GET /v1/quote (api)",
    ]


@pytest.mark.parametrize(
    ("text", "method", "path", "status"),
    [
        (
            '[2026-03-02T08:00:00.120Z] INFO: Request completed {"method":"PUT","url":"/carts/9","status":502,"ms":"40"}',
            "PUT",
            "/carts/9",
            502,
        ),
        (
            '2026-03-02 08:00:00 info: request finished {"req_method": "GET", "path": "/stats", "status_code": "503"}',
            "GET",
            "/stats",
            503,
        ),
    ],
)
def test_trailing_fields_of_an_access_log_make_a_text_line_a_failed_request(
    text: str, method: str, path: str, status: int
) -> None:
    entry = _parse({"textPayload": text})
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "http-status")
    assert entry.http is not None and (entry.http.method, entry.http.url, entry.http.status) == (
        method,
        path,
        status,
    )
    assert "{" not in entry.message


def test_a_trailing_error_object_is_read_as_the_error_of_its_line() -> None:
    error = {
        "message": "ER_DUP_ENTRY: Duplicate entry '7' for key 'PRIMARY'",
        "stack": "Error: ER_DUP_ENTRY\n    at Query.run (/app/db.js:9:3)",
        "orderId": 7,
    }
    entry = _parse({"textPayload": f"[2026-03-02T08:00:00Z] ERROR: Checkout failed {json.dumps(error)}"})
    assert entry.message == "Checkout failed: ER_DUP_ENTRY: Duplicate entry '7' for key 'PRIMARY'"
    assert entry.severity == Severity.ERROR


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"event": "refund_rejected", "reason": "card expired", "order": 4}, "refund_rejected: card expired"),
        (
            {"msg": "billing.sync_failed", "detail": "quota reached\nretry in 60s"},
            "billing.sync_failed: quota reached",
        ),
        ({"event": "refund_rejected", "order": 4}, "refund_rejected"),  # no detail: the name alone
        ({"event": "Refund rejected", "reason": "card expired"}, "Refund rejected"),  # a sentence, not a name
    ],
)
def test_an_event_name_message_reads_its_detail(payload: dict[str, Any], message: str) -> None:
    assert _parse({"jsonPayload": {"log_level": "error", **payload}}).message == message


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        ("UO", 503),  # circuit breaking
        ("UF,URX", 503),
        ("UH", 503),
        ("UT", 504),
    ],
)
def test_an_envoy_access_log_without_a_response_fails_by_its_upstream_flags(flags: str, status: int) -> None:
    """Code 0 (a TCP proxy's connection, a stream reset before any response) with an upstream failure flag is
    what a 503 (a timeout: 504) is: a failed request, whatever level GKE wrote it at; Envoy's `-` is no path."""
    payload = {"response_code": "0", "response_flags": flags, "method": "-", "path": "-", "duration": "0"}
    entry = _parse(
        {"severity": "INFO", "labels": {"container.googleapis.com/stream": "stdout"}, "jsonPayload": payload}
    )
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "http-status")
    assert entry.http is not None and (entry.http.url, entry.http.status) == (None, status)
    assert entry.message == f"HTTP {status} {flags}"


@pytest.mark.parametrize(
    "payload",
    [
        {"response_code": "0", "response_flags": "-", "duration": "12"},  # a TCP connection that went fine
        {"response_code": "0", "response_flags": "DC", "duration": "3"},  # the client hung up
        {"response_code": 200, "response_flags": "UF", "method": "GET", "path": "/x"},  # retried, then served
    ],
)
def test_an_envoy_access_log_that_failed_nothing_upstream_is_no_failed_request(
    payload: dict[str, Any],
) -> None:
    entry = _parse(
        {"severity": "INFO", "labels": {"container.googleapis.com/stream": "stdout"}, "jsonPayload": payload}
    )
    assert entry.severity == Severity.INFO and entry.severity_rule is None
