"""A synthetic Cloud Logging export of any size, deterministic for a seed: NDJSON on standard output.

    python scripts/synthetic_export.py 1000000 > export.ndjson
    python scripts/synthetic_export.py 1000000 7 realistic > export.ndjson   # ~73% below WARNING

Made to exercise what a scan derives from entries: Cloud Run services, revisions and instances, a Cloud Run
job, GKE and GCE resources; messages whose numbers vary (in value and length); JSON logs with pino levels;
Java and Python stacks in one entry whose frames differ by line number between revisions; Python tracebacks
split into one stderr entry per line (chained ones too), with plain lines and other instances interleaved;
request logs whose routes differ by version segment (`/v1/`, `/v2/`) and by ids; audit entries; container
exits; Error Reporting groups; and INFO entries below the threshold.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

START = datetime(2026, 11, 21, 6, 0, tzinfo=timezone.utc)
SPAN_SECONDS = 6 * 3600
PROJECT = "projects/synthetic-project/logs/"
SERVICES = {
    "orders-api": ("orders-api-00041-kap", "orders-api-00042-dev"),
    "web-frontend": ("web-frontend-00108-dem",),
    "billing-worker": ("billing-worker-00007-abc",),
}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _run(rng: random.Random, service: str | None = None) -> dict[str, Any]:
    service = service or rng.choice(list(SERVICES))
    revision = rng.choice(SERVICES[service])
    return {
        "resource": {
            "type": "cloud_run_revision",
            "labels": {
                "service_name": service,
                "revision_name": revision,
                "location": "us-central1",
                "project_id": "synthetic-project",
                "configuration_name": service,
            },
        },
        "labels": {"instanceId": f"00{rng.randrange(24):02d}f1e3b5d7c9a1{service[:3]}"},
    }


def _number(rng: random.Random) -> str:
    return str(rng.randrange(10 ** rng.randrange(1, 7)))


def _python_traceback(rng: random.Random, revision_line: int) -> list[str]:
    order = _number(rng)
    lines = [
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request',
        "    rv = self.dispatch_request()",
        f'  File "/app/orders/handlers.py", line {revision_line}, in create_order',
        "    total = price_order(order)",
        f'  File "/app/orders/pricing.py", line {revision_line + 30}, in price_order',
        '    raise KeyError(f"sku {sku}")',
        f"KeyError: 'sku-{order}'",
    ]
    if rng.random() < 0.3:
        lines = [
            *lines[:-1],
            "ValueError: price missing",
            "",
            "During handling of the above exception, another exception occurred:",
            "",
            *lines,
        ]
    return lines


def _java(rng: random.Random, line: int) -> str:
    return (
        f"java.lang.IllegalStateException: inventory {_number(rng)} is locked\n"
        f"\tat com.example.inventory.Reserve.apply(Reserve.java:{line})\n"
        "\tat com.example.inventory.Handler.handle(Handler.java:57)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)"
    )


def generate(count: int, seed: int = 7, start: datetime = START) -> Iterator[dict[str, Any]]:
    """`count` entries (split tracebacks count line by line), in time order, as exports are."""
    rng = random.Random(seed)
    step = SPAN_SECONDS / max(count, 1)
    made = 0
    while made < count:
        moment = start + timedelta(seconds=made * step + rng.random() * step)
        kind = rng.random()
        insert = f"{seed:x}{made:09x}"
        entry: dict[str, Any]
        if kind < 0.06 and count - made >= 20:
            # a split traceback: one stderr entry per line, no severity, microseconds apart
            base = _run(rng, "orders-api")
            line = 41 if base["resource"]["labels"]["revision_name"].endswith("kap") else 44
            for offset, text in enumerate(_python_traceback(rng, line)):
                yield {
                    **base,
                    "insertId": f"{insert}-{offset}",
                    "timestamp": _stamp(moment + timedelta(microseconds=offset * 150)),
                    "logName": PROJECT + "run.googleapis.com%2Fstderr",
                    "textPayload": text,
                }
                made += 1
            if rng.random() < 0.5:
                yield {
                    **base,
                    "insertId": f"{insert}-end",
                    "timestamp": _stamp(moment + timedelta(microseconds=(offset + 1) * 150)),
                    "logName": PROJECT + "run.googleapis.com%2Fstderr",
                    "textPayload": f"Worker {_number(rng)} restarting",
                }
                made += 1
            continue
        made += 1
        base = _run(rng)
        if kind < 0.30:
            entry = {
                **base,
                "severity": rng.choice(("WARNING", "ERROR")),
                "logName": PROJECT + "run.googleapis.com%2Fstdout",
                "jsonPayload": rng.choice(
                    (
                        {"message": f"Payment {_number(rng)} declined for user {_number(rng)}"},
                        {"message": f"Database timeout after {_number(rng)}ms on pool main", "level": 50},
                        {"msg": f"retrying upstream call attempt {rng.randrange(1, 6)}", "level": 40},
                        {"message": "cache miss ratio high", "ratio": rng.random()},
                        {
                            "message": f"failed to reserve stock for {_number(rng)}",
                            "stack_trace": _java(rng, rng.choice((88, 91))),
                        },
                    )
                ),
            }
        elif kind < 0.50:
            status = rng.choice((500, 503, 404, 429))
            version = rng.choice(("v1", "v2"))
            path = rng.choice(
                (
                    f"/api/{version}/orders/{_number(rng)}",
                    f"/api/{version}/orders/{rng.getrandbits(128):032x}/items",
                    f"/healthz?probe={_number(rng)}",
                )
            )
            entry = {
                **base,
                "severity": "ERROR" if status >= 500 else "WARNING",
                "logName": PROJECT + "run.googleapis.com%2Frequests",
                "httpRequest": {
                    "requestMethod": rng.choice(("GET", "POST")),
                    "requestUrl": f"https://orders.example.com{path}",
                    "status": status,
                    "latency": f"{rng.random():.3f}s",
                },
                "trace": f"projects/synthetic-project/traces/{rng.getrandbits(64):016x}",
            }
        elif kind < 0.68:
            entry = {
                **base,
                "severity": "ERROR",
                "logName": PROJECT + "run.googleapis.com%2Fstderr",
                "textPayload": "\n".join(
                    _python_traceback(rng, 41 if "kap" in base["resource"]["labels"]["revision_name"] else 44)
                ),
                "errorGroups": [{"id": "CJ7x2pT8gP3yYg"}],
            }
        elif kind < 0.66:
            entry = {
                **base,
                "logName": PROJECT + "run.googleapis.com%2Fvarlog%2Fsystem",
                "textPayload": f"Container called exit({rng.choice((1, 3))}).",
            }
        elif kind < 0.72:
            method = rng.choice(("v1", "v1beta4"))
            entry = {
                "resource": {"type": "cloudsql_database", "labels": {"database_id": "synthetic:orders"}},
                "severity": "ERROR",
                "logName": PROJECT + "cloudaudit.googleapis.com%2Factivity",
                "protoPayload": {
                    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                    "methodName": f"cloudsql.{method}.SqlInstancesService.Update",
                    "resourceName": f"instances/orders-{_number(rng)}",
                    "status": {"code": 7, "message": f"caller {_number(rng)} lacks permission"},
                },
            }
        elif kind < 0.78:
            job = f"nightly-export-{rng.randrange(3)}x7k"
            entry = {
                "resource": {"type": "cloud_run_job", "labels": {"job_name": "nightly-export"}},
                "labels": {
                    "run.googleapis.com/execution_name": job,
                    "instanceId": base["labels"]["instanceId"],
                },
                "severity": "WARNING",
                "logName": PROJECT + "run.googleapis.com%2Fstderr",
                "textPayload": f"export shard {_number(rng)} slow: {_number(rng)} rows/s",
            }
        elif kind < 0.84:
            entry = {
                "resource": {
                    "type": "k8s_container",
                    "labels": {"container_name": "ledger", "pod_name": f"ledger-{rng.randrange(4)}"},
                },
                "severity": rng.choice(("WARNING", "CRITICAL")),
                "logName": PROJECT + "stderr",
                "textPayload": f"ledger lag {_number(rng)}s behind primary",
            }
        else:
            entry = {
                **base,
                "severity": "INFO",
                "logName": PROJECT + "run.googleapis.com%2Fstdout",
                "textPayload": f"served {_number(rng)} requests",
            }
        entry["insertId"] = insert
        entry["timestamp"] = _stamp(moment)
        yield entry


def _go_panic(rng: random.Random) -> str:
    return (
        f"panic: runtime error: index out of range [{rng.randrange(9)}] with length 0\n\n"
        "goroutine 41 [running]:\n"
        "main.(*Ledger).apply(0xc0001a2000)\n"
        "\t/app/ledger/apply.go:88 +0x1d4\n"
        "main.main()\n"
        "\t/app/main.go:31 +0x65"
    )


def _node_error(rng: random.Random) -> str:
    return (
        f"TypeError: Cannot read properties of undefined (reading 'sku{rng.randrange(3)}')\n"
        "    at priceItem (/app/src/pricing.js:42:17)\n"
        "    at Array.map (<anonymous>)\n"
        "    at handler (/app/src/routes/orders.js:88:23)"
    )


def realistic(count: int, seed: int = 7, start: datetime = START) -> Iterator[dict[str, Any]]:
    """`count` entries mixed as a production export is, about 73% of them skipped below WARNING (79% are
    logged below it: the lines of split tracebacks carry no severity, and become errors): the entries of
    `generate` (problems, split tracebacks, audit failures) for 40% of the draws, and request logs
    that succeeded, structured and plain INFO/DEBUG lines, GKE output, data-access audit entries and a deploy,
    with Go panics and Node.js errors among the problems. In time order; deterministic for a seed."""
    rng = random.Random(seed + 1)
    problems = generate(count, seed, start)
    step = SPAN_SECONDS / max(count, 1)
    made = 0
    while made < count:
        moment = start + timedelta(seconds=made * step + rng.random() * step)
        insert = f"q{seed:x}{made:09x}"
        kind = rng.random()
        base = _run(rng)
        entry: dict[str, Any]
        if kind < 0.40:
            problem = next(problems, None)
            if problem is not None:
                problem["timestamp"] = _stamp(moment)
                yield problem
                made += 1
                continue
            kind = 0.6
        if kind < 0.42:
            entry = {
                **base,
                "severity": "ERROR",
                "logName": PROJECT + "run.googleapis.com%2Fstderr",
                "textPayload": _go_panic(rng) if rng.random() < 0.5 else _node_error(rng),
            }
        elif kind < 0.68:
            status = rng.choice((200, 200, 200, 201, 204, 304, 302))
            path = rng.choice(("/api/v1/orders", "/api/v1/cart", "/", "/static/app.js", "/healthz"))
            entry = {
                **base,
                "severity": "INFO",
                "logName": PROJECT + "run.googleapis.com%2Frequests",
                "httpRequest": {
                    "requestMethod": rng.choice(("GET", "GET", "POST")),
                    "requestUrl": f"https://orders.example.com{path}?page={_number(rng)}",
                    "status": status,
                    "responseSize": _number(rng),
                    "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
                    "remoteIp": f"203.0.113.{rng.randrange(256)}",
                    "latency": f"{rng.random() / 10:.6f}s",
                },
                "trace": f"projects/synthetic-project/traces/{rng.getrandbits(64):016x}",
            }
        elif kind < 0.80:
            entry = {
                **base,
                "severity": rng.choice(("INFO", "INFO", "DEBUG")),
                "logName": PROJECT + "run.googleapis.com%2Fstdout",
                "jsonPayload": rng.choice(
                    (
                        {"message": f"order {_number(rng)} created", "level": "info", "user": _number(rng)},
                        {"msg": f"cache hit for sku {_number(rng)}", "level": 30, "pid": 1},
                        {"message": "request completed", "durationMs": rng.randrange(900), "route": "/cart"},
                    )
                ),
            }
        elif kind < 0.90:
            entry = {
                **base,
                "logName": PROJECT + "run.googleapis.com%2Fstdout",
                "textPayload": rng.choice(
                    (
                        f"Booting worker with pid: {_number(rng)}",
                        f"INFO:app:processed batch {_number(rng)} in {_number(rng)} ms",
                        f"GET /api/v1/orders/{_number(rng)} 200 {_number(rng)}ms",
                        f"Listening on port {rng.choice((8080, 3000))}",
                    )
                ),
            }
            if rng.random() < 0.5:
                entry["severity"] = "INFO"
        elif kind < 0.97:
            entry = {
                "resource": {
                    "type": "k8s_container",
                    "labels": {
                        "namespace_name": "ledger",
                        "container_name": "ledger",
                        "pod_name": f"ledger-{rng.randrange(4)}",
                    },
                },
                "severity": "INFO",
                "logName": PROJECT + "stdout",
                "textPayload": f"I{moment:%m%d %H:%M:%S}.{rng.randrange(10**6):06d}       1 sync.go:{_number(rng)}] "
                f"synced {_number(rng)} rows",
            }
        else:
            deploy = rng.random() < 0.01
            entry = {
                "resource": {"type": "cloud_run_revision", "labels": base["resource"]["labels"]},
                "severity": "NOTICE" if deploy else "INFO",
                "logName": PROJECT
                + (
                    "cloudaudit.googleapis.com%2Factivity"
                    if deploy
                    else "cloudaudit.googleapis.com%2Fdata_access"
                ),
                "protoPayload": {
                    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                    "serviceName": "run.googleapis.com",
                    "methodName": "google.cloud.run.v1.Services.ReplaceService"
                    if deploy
                    else "Services.GetService",
                    "resourceName": f"namespaces/synthetic-project/services/{base['resource']['labels']['service_name']}",
                    "authenticationInfo": {
                        "principalEmail": "deployer@synthetic-project.iam.gserviceaccount.com"
                    },
                },
            }
        entry["insertId"] = insert
        entry["timestamp"] = _stamp(moment)
        made += 1
        yield entry


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    mix = realistic if sys.argv[3:4] == ["realistic"] else generate
    write = sys.stdout.write
    for entry in mix(count, seed):
        write(json.dumps(entry) + "\n")


if __name__ == "__main__":
    main()
