from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scan_entries
from entry_factories import gke_entry, run_entry, split_traceback
from loggardener.clustering.clusterer import _negate
from loggardener.clustering.masking import mask
from loggardener.clustering.signature import fingerprint_of, message_template, normalize_route
from loggardener.entries.stacks import compact_rpc_error

ERROR = "ModuleNotFoundError: No module named 'payments_sdk'"


def test_same_missing_module_through_different_paths_is_one_problem_listing_every_file() -> None:
    raw = [
        *split_traceback(
            1, [("/app/main.py", 14, "<module>", "import a"), ("/app/a.py", 9, "<module>", "x")], ERROR
        ),
        *split_traceback(9, [("/app/worker.py", 5, "<module>", "import payments_sdk")], ERROR, instance="i2"),
    ]
    report = scan_entries(raw)
    assert len(report.clusters) == 1
    cluster = report.clusters[0]
    assert {f.location for f in cluster.affected_files} == {"/app/a.py:9", "/app/worker.py:5"}
    assert cluster.priority == "P0"
    assert cluster.reasons[0].startswith("startup crash: ModuleNotFoundError at import time")


def _cannot_import(seconds: float, name: str, where: str) -> list[dict[str, object]]:
    error = f"ImportError: cannot import name '{name}' from 'google.protobuf.internal' ({where})"
    return split_traceback(seconds, [("/app/notify/events_pb2.py", 5, "<module>", "from x import y")], error)


def test_a_name_missing_from_a_module_is_one_problem_wherever_the_module_is_installed() -> None:
    """Python ends the message with the module's file: a new base image or virtualenv moves it."""
    report = scan_entries(
        [
            *_cannot_import(
                1, "builder", "/usr/local/lib/python3.11/site-packages/google/protobuf/internal/x.py"
            ),
            *_cannot_import(
                9, "builder", "/usr/local/lib/python3.12/site-packages/google/protobuf/internal/x.py"
            ),
            *_cannot_import(17, "builder", "C:\\venv\\Lib\\site-packages\\google\\protobuf\\internal\\x.py"),
        ]
    )
    assert [(c.count > 0, c.title) for c in report.clusters] == [
        (True, "ImportError: cannot import name 'builder' from 'google.protobuf.internal'")
    ]


def test_names_missing_from_a_module_stay_apart_and_an_unknown_location_is_kept() -> None:
    report = scan_entries(
        [
            *_cannot_import(1, "builder", "/usr/lib/python3/dist-packages/google/protobuf/internal/x.py"),
            *_cannot_import(
                9, "enum_type_wrapper", "/usr/lib/python3/dist-packages/google/protobuf/internal/x.py"
            ),
            *_cannot_import(17, "builder", "unknown location"),
        ]
    )
    assert len(report.clusters) == 3
    assert any(c.title.endswith("(unknown location)") for c in report.clusters)


def _key_error(seconds: float, file: str, function: str, line: int) -> dict[str, object]:
    trace = f"Traceback (most recent call last):\n  File \"{file}\", line {line}, in {function}\n    x\nKeyError: 'sku'"
    return run_entry(seconds, json_payload={"message": "failed", "stack_trace": trace}, severity="ERROR")


def test_same_exception_type_in_different_functions_is_two_problems() -> None:
    report = scan_entries(
        [
            _key_error(1, "/app/pricing.py", "price_for", 41),
            _key_error(
                2, "/app/pricing.py", "price_for", 44
            ),  # another line of the same function: same problem
            _key_error(3, "/app/stock.py", "reserve", 88),
        ]
    )
    assert sorted(c.count for c in report.clusters) == [1, 2]


def test_request_logs_cluster_by_status_and_route() -> None:
    def request(seconds: float, url: str, status: int) -> dict[str, object]:
        return run_entry(
            seconds,
            log="run.googleapis.com%2Frequests",
            severity="ERROR",
            httpRequest={"requestMethod": "GET", "requestUrl": url, "status": status},
        )

    report = scan_entries(
        [
            request(1, "https://h/api/orders/123", 503),
            request(2, "https://h/api/orders/456?x=1", 503),
            request(3, "https://h/api/orders/456", 500),
        ]
    )
    assert sorted((c.title, c.count) for c in report.clusters) == [
        ("HTTP 500 on GET /api/orders/{id} (api)", 1),
        ("HTTP 503 on GET /api/orders/{id} (api)", 2),
    ]


def test_requests_one_security_policy_refused_are_one_problem_named_by_the_policy_whatever_the_route() -> (
    None
):
    def refused(
        seconds: float, method: str, url: str, rule: str, policy: str = "edge-waf"
    ) -> dict[str, object]:
        entry = run_entry(
            seconds,
            log="requests",
            severity="WARNING",
            httpRequest={"requestMethod": method, "requestUrl": url, "status": 403},
            jsonPayload={
                "@type": "type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry",
                "statusDetails": "denied_by_security_policy",
                "enforcedSecurityPolicy": {"name": policy, "outcome": "DENY", "preconfiguredExprIds": [rule]},
            },
        )
        entry["resource"] = {"type": "http_load_balancer", "labels": {"backend_service_name": "shop-be"}}
        return entry

    report = scan_entries(
        [
            refused(1, "GET", "http://h/search?q=%3Cscript%3E", "xss-rule-1"),
            refused(2, "POST", "http://h/login", "sqli-rule-7"),
            refused(3, "GET", "http://h/", "scanner-rule-2"),
            refused(4, "GET", "http://h/", "scanner-rule-2", policy="geo-block"),
        ]
    )
    assert sorted((c.title, c.count) for c in report.clusters) == [
        ("HTTP 403 denied by security policy edge-waf (shop-be)", 3),
        ("HTTP 403 denied by security policy geo-block (shop-be)", 1),
    ]
    assert {c.priority for c in report.clusters} == {"P3"}
    assert sorted(report.clusters, key=lambda c: -c.count)[0].routes == ["/search", "/login", "/"]


def test_a_load_balancer_s_own_account_of_a_failed_request_ends_the_title_and_tells_causes_apart() -> None:
    def answered(seconds: float, status: int, details: str) -> dict[str, object]:
        entry = run_entry(
            seconds,
            log="requests",
            severity="INFO",
            httpRequest={"requestMethod": "GET", "requestUrl": "http://h/cart/42", "status": status},
            jsonPayload={
                "@type": "type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry",
                "statusDetails": details,
            },
        )
        entry["resource"] = {"type": "http_load_balancer", "labels": {"backend_service_name": "cart-be"}}
        return entry

    report = scan_entries(
        [
            answered(1, 502, "backend_connection_closed_before_data_sent_to_client"),
            answered(2, 502, "backend_connection_closed_before_data_sent_to_client"),
            answered(3, 503, "failed_to_pick_backend"),
            answered(4, 500, "response_sent_by_backend"),
        ]
    )
    assert sorted((c.title, c.count) for c in report.clusters) == [
        ("HTTP 500 on GET /cart/{id} (cart-be)", 1),
        ("HTTP 502 (cart-be): backend_connection_closed_before_data_sent_to_client", 2),
        ("HTTP 503 (cart-be): failed_to_pick_backend", 1),
    ]


def _envoy_line(
    seconds: float, path: str, status: int, flags: str, upstream: str = "inventory"
) -> dict[str, Any]:
    """Istio's sidecar's default text access line, on GKE's stdout (INFO)."""
    return gke_entry(
        seconds,
        text=f'[2026-03-02T08:00:0{int(seconds)}.000Z] "GET {path} HTTP/1.1" {status} {flags} '
        'upstream_reset_before_response_started{connection_failure} - "-" 0 91 2 - "-" "curl/8" "r-1" '
        f'"{upstream}.shop.svc.cluster.local:8080" "10.48.3.17:8080" outbound|8080||{upstream}.shop.svc.cluster.local '
        "- 10.52.1.9:8080 10.48.1.12:40112 - default",
        stream="stdout",
        severity="INFO",
    )


def test_requests_a_proxy_could_not_pass_to_its_backend_are_one_problem_whatever_the_route() -> None:
    """No healthy backend, a refused connection (the load balancer's `failed_to_pick_backend`, Envoy's `UF`,
    `UH`): the backend fails whichever route is asked, so its routes are one problem, titled by the proxy's
    account and listing the routes; a timeout (`UT`) or a backend's own 5xx stays the route's."""
    report = scan_entries(
        [
            _envoy_line(1, "/api/inventory/sku/1182", 503, "UF"),
            _envoy_line(2, "/api/inventory/stock?store=12", 503, "UF"),
            _envoy_line(3, "/api/inventory/sku/77", 503, "UH"),
            _envoy_line(4, "/api/pricing/quote", 503, "UF", upstream="pricing"),
            _envoy_line(5, "/api/inventory/sku/5", 504, "UT"),
            _envoy_line(6, "/api/inventory/stock?store=3", 504, "UT"),
        ]
    )
    found = sorted((c.title, c.count, sorted(c.routes)) for c in report.clusters)
    assert found == [
        (
            "HTTP 503 (shop/orders): UF to inventory.shop.svc.cluster.local",
            2,
            ["/api/inventory/sku/{id}", "/api/inventory/stock"],
        ),
        ("HTTP 503 (shop/orders): UF to pricing.shop.svc.cluster.local", 1, ["/api/pricing/quote"]),
        ("HTTP 503 (shop/orders): UH to inventory.shop.svc.cluster.local", 1, ["/api/inventory/sku/{id}"]),
        ("HTTP 504 on GET /api/inventory/sku/{id} (shop/orders)", 1, ["/api/inventory/sku/{id}"]),
        ("HTTP 504 on GET /api/inventory/stock (shop/orders)", 1, ["/api/inventory/stock"]),
    ], found


def test_a_platform_s_sentence_on_a_failed_request_ends_the_title_and_tells_causes_apart() -> None:
    """Cloud Run and Cloud Functions write why they failed a request on its own entry (a text payload):
    the title says it, without the help text after the first sentence, and two causes are two problems."""

    def failed(seconds: float, status: int, text: str | None) -> dict[str, object]:
        url = f"https://h/_ah/push-handlers/pubsub/topics/orders?attempt={int(seconds)}"
        return run_entry(
            seconds,
            text=text,
            service="order-sync",
            log="cloudfunctions.googleapis.com%2Fcloud-functions",
            severity="ERROR",
            httpRequest={"requestMethod": "POST", "requestUrl": url, "status": status},
        )

    busy = (
        "The request was aborted because there was no available instance. See https://example.test/help#scale"
    )
    report = scan_entries(
        [
            failed(1, 500, busy),
            failed(2, 500, busy.replace("help#scale", "docs#other")),
            failed(3, 500, "The request failed because the instance crashed while handling it."),
            failed(4, 500, None),
        ]
    )
    route = "HTTP 500 on POST /_ah/push-handlers/pubsub/topics/orders (order-sync)"
    assert sorted((c.title, c.count) for c in report.clusters) == [
        (route, 1),
        (f"{route}: The request failed because the instance crashed while handling it", 1),
        (f"{route}: The request was aborted because there was no available instance", 2),
    ]


def test_an_audit_problem_s_title_names_the_method_by_its_last_two_names_and_reaches_what_failed() -> None:
    failed = run_entry(
        1,
        severity="ERROR",
        protoPayload={
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "notebooks.googleapis.com",
            "methodName": "google.cloud.notebooks.v2.NotebookService.CreateInstance",
            "status": {
                "code": 8,
                "message": "The zone 'asia-east9-z' does not have enough resources available",
            },
        },
    )
    report = scan_entries([failed])
    assert [c.title for c in report.clusters] == [
        "RESOURCE_EXHAUSTED on NotebookService.CreateInstance (notebooks.googleapis.com): The zone 'asia-east9-z' "
        "does not have…"
    ]
    assert "google.cloud.notebooks.v2.NotebookService.CreateInstance" in report.clusters[0].message


def test_a_condition_change_is_titled_in_few_words_so_that_the_title_reaches_why() -> None:
    """Cloud Run's `Ready condition status changed to False for Revision R with message: …` cut the reason off
    the title; the title says `Revision R Ready=False: why`, the message (which rules read) is kept whole."""
    why = "The container exited before its port 9000 was open. Check the entrypoint of the image."

    def not_ready(n: int, revision: str) -> dict[str, object]:
        return run_entry(
            n,
            severity="ERROR",
            protoPayload={
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "serviceName": "run.googleapis.com",
                "methodName": "/Services.ReplaceService",
                "status": {
                    "code": 9,
                    "message": f"Ready condition status changed to False for Revision {revision} with message: {why}",
                },
            },
        )

    report = scan_entries([not_ready(1, "ledger-00007-abc"), not_ready(2, "ledger-00008-xyz")])
    assert [c.title for c in report.clusters] == [
        "Revision <*> Ready=False: The container exited before its port 9000 was open. Check the entrypoint of the "
        "image."
    ]
    assert report.clusters[0].message.startswith("FAILED_PRECONDITION on /Services.ReplaceService")
    alone = scan_entries([not_ready(1, "ledger-00007-abc")])
    assert alone.clusters[0].title.startswith("Revision ledger-00007-abc Ready=False: The container exited")


def test_route_normalization() -> None:
    assert (
        normalize_route("https://h/u/3f2a9c1d-1111-2222-3333-444455556666/cart/42?x=1") == "/u/{id}/cart/{id}"
    )
    assert normalize_route("/static/app.js") == "/static/app.js"


def test_masking_covers_the_variable_kinds() -> None:
    masked = mask(
        "user bob@x.io from 10.0.0.1:8080 took 250ms id 3f2a9c1d-1111-2222-3333-444455556666 "
        "hash deadbeef12 url https://x.y/z path /var/lib/app/data.db quoted 'abc' \"def\" n=42"
    )
    for leaked in (
        "bob",
        "10.0.0.1",
        "250",
        "3f2a9c1d",
        "deadbeef12",
        "https",
        "/var/lib",
        "42",
    ):
        assert leaked not in masked
    assert "'abc' \"def\"" in masked  # quoted text is masked word by word: constant words stay


_word = st.text(alphabet=st.characters(min_codepoint=97, max_codepoint=122), min_size=3, max_size=8)


@given(st.lists(_word, min_size=1, max_size=6), st.integers(0, 10**9), st.integers(0, 10**9))
def test_messages_differing_only_in_numbers_mask_alike(words: list[str], a: int, b: int) -> None:
    template = " ".join(words)
    assert mask(f"{template} {a} done") == mask(f"{template} {b} done")


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(6))))
def test_fingerprints_do_not_depend_on_input_order(order: list[int]) -> None:
    raw = [
        run_entry(1, text="Container called exit(3).", severity="WARNING"),
        run_entry(2, text="Container called exit(1).", severity="WARNING", instance="b"),
        _key_error(3, "/app/pricing.py", "price_for", 41),
        _key_error(4, "/app/stock.py", "reserve", 88),
        run_entry(5, json_payload={"message": "Timeout after 15s for pool a"}, severity="WARNING"),
        run_entry(6, json_payload={"message": "Timeout after 30s for pool a"}, severity="WARNING"),
    ]
    baseline = {(c.fingerprint, c.count) for c in scan_entries(raw).clusters}
    assert {(c.fingerprint, c.count) for c in scan_entries([raw[i] for i in order]).clusters} == baseline


def test_fingerprint_is_a_short_hash_pinned_across_versions_and_machines() -> None:
    # Issues and trend state key on fingerprints: changing this value orphans every issue users have.
    assert fingerprint_of("message | x") == "694d91d32854"


@given(st.text(max_size=80))
def test_templates_do_not_depend_on_digit_values(text: str) -> None:
    # message_template caches by the message with its digits zeroed: that must not change any template.
    from loggardener.clustering.miner import signature

    assert message_template(text) == " ".join(signature(text))


@given(st.text(max_size=12), st.text(max_size=12))
def test_negated_insert_ids_sort_in_reverse(first: str, second: str) -> None:
    """The sample heap's order key (ASCII ids take a table, others a per-character map) reverses the order
    of ids where neither is a prefix of the other."""
    if not (first.startswith(second) or second.startswith(first)):
        assert (_negate(first) < _negate(second)) == (first > second)
    assert _negate(first) == "".join(chr(0x10FFFF - ord(c)) for c in first)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            'Traceback (most recent call last):\n  File "/srv/app/jobs.py", line 11, in run\n    settle(batch)\n'
            '  File "/srv/app/ledger.py", line 47, in settle',
            "error in settle (ledger.py:47) — traceback cut off",
        ),
        (
            "\tat com.acme.billing.Ledger.settle(Ledger.java:47)\n\tat com.acme.billing.Jobs.run(Jobs.java:11)",
            "error in com.acme.billing.Ledger.settle (Ledger.java:47) — traceback cut off",
        ),
    ],
)
def test_a_trace_cut_off_before_its_exception_is_titled_by_its_last_frame(text: str, title: str) -> None:
    report = scan_entries([run_entry(i * 60, text=text, severity="ERROR") for i in range(2)])
    (cluster,) = report.clusters
    assert (cluster.title, cluster.count, cluster.exception_type) == (title, 2, None)


ACCESS_LINES = {
    "combined": '10.8.{i}.4 - - [21/Nov/2026:10:0{i}:01 +0000] "GET /v2/carts/{n}?ref=mail{i} HTTP/1.1" {s} 157 '
    '"https://shop.example/{i}" "Mozilla/5.0 (X11; rv:{i}.0)"',
    "envoy": '[2026-11-21T10:0{i}:01.000Z] "GET /v2/carts/{n}?ref=mail{i} HTTP/2" {s} URX 0 91 3 - "10.8.{i}.4" '
    '"okhttp/4.{i}" "5d1c0e2a-{i}" "shop" "10.9.1.{i}:8080"',
    "gunicorn": '10.8.{i}.4 - - [21/Nov/2026:10:0{i}:01 +0000] "GET /v2/carts/{n}?ref=mail{i} HTTP/1.0" {s} 0 "-" '
    '"kube-probe/1.{i}"',
    "haproxy": "haproxy[7{i}]: 10.8.{i}.4:4431{i} [21/Nov/2026:10:0{i}:01.655] fe-shop be-shop/web{i} 0/0/1/{i}/9 {s} "
    '212 - - ---- 3/3/0/0/0 0/0 "GET /v2/carts/{n}?ref=mail{i} HTTP/1.1"',
    "uvicorn": 'INFO:     10.8.{i}.4:5{i}312 - "GET /v2/carts/{n}?ref=mail{i} HTTP/1.1" {s} Bad Gateway',
    "bare": "2026/11/21 10:0{i}:01 GET /v2/carts/{n}?ref=mail{i} {s} 4{i}.2ms",
    "lograge": "method=GET path=/v2/carts/{n} format=json controller=Api::CartsController action=show status={s} "
    "duration=4{i}.21 view=0.00 db=1.{i}2 remote_ip=10.8.{i}.4 user_agent='okhttp/4.{i} (Android)'",
}


@pytest.mark.parametrize("form", sorted(ACCESS_LINES))
def test_access_lines_logged_as_text_are_grouped_and_titled_by_route_and_status(form: str) -> None:
    line = ACCESS_LINES[form]
    entries = [
        run_entry(i * 60, text=line.format(i=i, n=40_000 + i * 7, s=status), severity="ERROR")
        for i, status in enumerate((502, 502, 502, 504))
    ]
    titles = sorted((c.title, c.count) for c in scan_entries(entries).clusters)
    assert titles == [
        ("HTTP 502 on GET /v2/carts/{id} (api)", 3),
        ("HTTP 504 on GET /v2/carts/{id} (api)", 1),
    ]


def test_a_message_that_only_names_a_request_is_not_an_access_line() -> None:
    entries = [run_entry(0, text="Upstream call failed: GET /v2/carts/40000 503", severity="ERROR")]
    (cluster,) = scan_entries(entries).clusters
    assert cluster.kind == "message"


def _rpc_failure(status: str, details: str, debug: str = "") -> str:
    """What Python's gRPC prints for a failed call (`str()` of its `_InactiveRpcError`)."""
    tail = f'\tdebug_error_string = "{debug}"\n' if debug else ""
    return (
        f'<_InactiveRpcError of RPC that terminated with:\n\tstatus = StatusCode.{status}\n\tdetails = "{details}"\n'
        f"{tail}>"
    )


def test_a_grpc_failure_in_a_traceback_is_titled_and_grouped_by_its_status_and_details() -> None:
    def trace(status: str, details: str) -> str:
        return (
            'Traceback (most recent call last):\n  File "/srv/ledger.py", line 12, in enqueue\n    stub.Put(req)\n'
            f"grpc._channel._InactiveRpcError: {_rpc_failure(status, details, 'peer 10.1.2.3:443 at 17.5')}"
        )

    report = scan_entries(
        [
            run_entry(1, text=trace("NOT_FOUND", "Queue ledger-q does not exist"), severity="ERROR"),
            run_entry(2, text=trace("NOT_FOUND", "Queue ledger-q does not exist"), severity="ERROR"),
            run_entry(3, text=trace("RESOURCE_EXHAUSTED", "Quota exceeded for puts"), severity="ERROR"),
        ]
    )
    assert sorted(c.title for c in report.clusters) == [
        "grpc._channel._InactiveRpcError: StatusCode.NOT_FOUND: Queue ledger-q does not exist in enqueue",
        "grpc._channel._InactiveRpcError: StatusCode.RESOURCE_EXHAUSTED: Quota exceeded for puts in enqueue",
    ]


def test_a_logged_grpc_failure_without_a_traceback_is_titled_by_its_status_and_details() -> None:
    text = "_MultiThreadedRendezvous: " + _rpc_failure("DEADLINE_EXCEEDED", "Deadline Exceeded", "t=99")
    report = scan_entries(
        [run_entry(1, text=text, severity="ERROR"), run_entry(5, text=text, severity="ERROR")]
    )
    assert [c.title for c in report.clusters] == [
        "_MultiThreadedRendezvous: StatusCode.DEADLINE_EXCEEDED: Deadline Exceeded"
    ]


def test_text_that_only_mentions_a_terminated_rpc_is_unchanged() -> None:
    text = "warning: <Call of RPC that terminated with: nothing after it"
    assert compact_rpc_error(text) == text


def _lograge(seconds: float, status: int, error: str | None, path: str = "/api/orders") -> dict[str, Any]:
    tail = f" error='{error}'" if error else ""
    return gke_entry(
        seconds,
        text=f"method=POST path={path} format=json controller=Api::OrdersController action=create status={status}"
        f"{tail} duration=12.31 view=0.00 db=3.10",
        stream="stdout",
        severity="INFO",
    )


def test_a_lograge_line_of_a_server_error_is_a_request_problem_ended_by_its_error() -> None:
    """Rails' lograge writes each request as key=value on stdout (INFO on GKE): a 5xx is a failed request,
    titled by its route and status, then the `error` it names, which tells two causes apart; 2xx stay quiet."""
    missing = "ActiveRecord::StatementInvalid: PG::UndefinedColumn: ERROR:  column orders.coupon_code does not exist"
    report = scan_entries(
        [
            *(_lograge(s, 500, missing) for s in (1, 2, 3)),
            _lograge(4, 500, "Redis::CannotConnectError: Error connecting to Redis on 10.0.0.3:6379"),
            _lograge(5, 201, None),
        ]
    )
    found = sorted((c.title, c.count, c.max_severity) for c in report.clusters)
    assert found == [
        (
            "HTTP 500 on POST /api/orders (shop/orders): ActiveRecord::StatementInvalid: PG::UndefinedColumn: ERROR: "
            "column orders.coupon_code does not exist",
            3,
            "ERROR",
        ),
        (
            "HTTP 500 on POST /api/orders (shop/orders): Redis::CannotConnectError: Error connecting to Redis on <*>",
            1,
            "ERROR",
        ),
    ], found


def test_a_long_error_chain_is_titled_by_its_first_errors_and_its_root_cause() -> None:
    chain = (
        "settle batch failed: fetch settlements page 3: Get "
        '"https://api.psp.example.com/v1/settlements?page=3&limit=500&cursor=c2V0dGxlbWVudHM": '
        "context deadline exceeded"
    )
    report = scan_entries([run_entry(i * 60, text=chain, severity="ERROR") for i in range(2)])
    assert [c.title for c in report.clusters] == [
        "settle batch failed: fetch settlements page 3: …: context deadline exceeded"
    ]


def test_an_error_chain_whose_last_words_are_a_detail_is_titled_by_the_last_failure() -> None:
    chain = (
        'sync run failed: post orders: Post "https://erp.example.com/api/v2/orders/import?mode=async&batch=17": '
        "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time "
        "2026-12-02T18:13:20Z is after 2026-11-30T23:59:59Z"
    )
    report = scan_entries([run_entry(i * 60, text=chain, severity="ERROR") for i in range(2)])
    assert [c.title for c in report.clusters] == [
        "sync run failed: post orders: …: certificate has expired or is not yet valid"
    ]


@pytest.mark.parametrize(
    "text",
    [
        # short enough: whole
        "sync failed: fetch page 3: context deadline exceeded",
        # long, but no chain of three errors: cut at a word
        "TypeError: Cannot read properties of undefined (reading 'items') while rendering the product grid "
        "for the category page of the storefront",
        # a chain under an event's or a type's heading (upper-case): cut at a word as before
        'Failed: Failed to pull image "europe-docker.pkg.dev/acme/apps/ledger:2.8.0": rpc error: code = Unknown '
        "desc = failed to pull and unpack image: 403 Forbidden",
    ],
    ids=["short-chain", "long-sentence", "upper-case-heading"],
)
def test_titles_that_are_no_long_chain_read_as_before(text: str) -> None:
    report = scan_entries([run_entry(0, text=text, severity="ERROR")])
    title = report.clusters[0].title
    assert "…:" not in title
    assert title == text or (title.endswith("…") and text.startswith(title[:-1]))


@pytest.mark.parametrize(
    ("chain", "title"),
    [
        (  # pgx quoting PostgreSQL: the server's message after its level says what failed
            "acquire connection: failed to connect to `user=app database=shop`: /cloudsql/p:r:db/.s.PGSQL.5432 "
            "(/cloudsql/p:r:db): server error: FATAL: remaining connection slots are reserved for "
            "non-replication superuser connections (SQLSTATE 53300)",
            "acquire connection: …: remaining connection slots are reserved for non-replication superuser "
            "connections (SQLSTATE…",
        ),
        (  # a server's message that names no failure word
            "save cart: insert cart line for customer c-77 in region europe-west1: exec: pq: ERROR: duplicate "
            "entry 'c-77' for key 'carts.PRIMARY'",
            "save cart: insert cart line for customer c-77 in region europe-west1: …: duplicate entry 'c-77' for "
            "key 'carts.PRIMARY'",
        ),
    ],
    ids=["pgx-fatal", "quoted-error"],
)
def test_a_chain_ending_in_a_servers_message_after_its_level_is_titled_by_that_message(
    chain: str, title: str
) -> None:
    report = scan_entries([run_entry(i * 60, text=chain, severity="ERROR") for i in range(2)])
    assert [c.title for c in report.clusters] == [title]


def test_a_problem_is_ranked_by_its_latest_entry_too_whatever_the_order_which_the_report_does_not_show() -> (
    None
):
    raw = [
        run_entry(60.0 * i, text=f"filesystem /dev/sdb1 mounted on /data is {p}% full", severity="WARNING")
        for i, p in enumerate((84, 86, 88, 91, 93))
    ]
    for entries in (raw, raw[::-1]):
        report = scan_entries(entries)
        (cluster,) = report.clusters
        assert cluster.priority == "P2"  # the earliest three samples are below 90%, the latest entry is not
        assert "latest_message" not in report.model_dump_json()
    # the three earliest alone: no entry at 90% or more
    (cluster,) = scan_entries(raw[:3]).clusters
    assert cluster.priority == "P3"
