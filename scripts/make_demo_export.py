"""Write the bundled demo export: a one-hour incident in project `orchard-staging`, in the shapes Cloud Run,
GKE, Cloud Functions and Cloud Audit Logs really produce. Deterministic (seeded): running it again gives the
same bytes. Usage: python scripts/make_demo_export.py [OUT]  (default: the package's data file).

Staged problems (the demo must cluster into exactly these 15):
 1. orders-api revision 00042 crashes at boot: ModuleNotFoundError 'payments_sdk' (gunicorn tracebacks split
    one line per stderr entry, without severity; the same error in the orders-reconcile job through another
    import path; and structured CRITICAL entries with the traceback in jsonPayload.stack_trace)
 2. `Container called exit(3).` after each crash (run.googleapis.com/varlog/system)
 3. Revision not ready (cloudaudit system_event)
 4. HTTP 503 on GET /api/orders/{id}          5. HTTP 503 on POST /api/checkout
 6. web-frontend TypeError (Node.js stack)    7. KeyError 'sku' in pricing.price_for
 8. KeyError 'sku' in stock.reserve           9. ledger IllegalStateException (Java, GKE)
10. thumbnailer panic (Go, Cloud Functions)  11. Database connection validation timeout
12. Database connection retry (a password in the DSN)   13. Upstream 503 warning (a bearer JWT in the text)
14. SERVICE_ID whitespace sanitized          15. Sentry SDK not available
plus INFO noise: successful requests, startup and business logs, and the NOTICE audit entry deploying 00042.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

PROJECT = "orchard-staging"
REGION = "us-central1"
START = datetime(2026, 11, 21, 16, 40, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=1)
BAD_REVISION = "orders-api-00042-xiv"
GOOD_REVISION = "orders-api-00041-kap"
DEPLOYED = START + timedelta(minutes=12)

rng = random.Random(20261121)
entries: list[dict[str, Any]] = []


def ts(moment: datetime, nanos: bool = True) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text + (f"{rng.randrange(1000):03d}" if nanos else "") + "Z"


def insert_id() -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(24))


def run_resource(service: str, revision: str) -> dict[str, Any]:
    return {
        "type": "cloud_run_revision",
        "labels": {
            "configuration_name": service,
            "location": REGION,
            "project_id": PROJECT,
            "revision_name": revision,
            "service_name": service,
        },
    }


def log_name(log_id: str) -> str:
    return f"projects/{PROJECT}/logs/{log_id.replace('/', '%2F')}"


def add(moment: datetime, **fields: Any) -> None:
    entry = {
        "insertId": insert_id(),
        "timestamp": ts(moment),
        "receiveTimestamp": ts(moment + timedelta(seconds=1)),
    }
    entry.update(fields)
    entries.append(entry)


GUNICORN_FRAMES = [
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py",
        609,
        "spawn_worker",
        "worker.init_process()",
    ),
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py",
        134,
        "init_process",
        "self.load_wsgi()",
    ),
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py",
        146,
        "load_wsgi",
        "self.wsgi = self.app.wsgi()",
    ),
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/app/base.py",
        67,
        "wsgi",
        "self.callable = self.load()",
    ),
    (
        "/usr/local/lib/python3.11/site-packages/gunicorn/util.py",
        371,
        "import_app",
        "mod = importlib.import_module(module)",
    ),
    (
        "/usr/local/lib/python3.11/importlib/__init__.py",
        126,
        "import_module",
        "return _bootstrap._gcd_import(name[level:], package, level)",
    ),
    ("<frozen importlib._bootstrap>", 1204, "_gcd_import", None),
    ("<frozen importlib._bootstrap>", 1176, "_find_and_load", None),
    ("<frozen importlib._bootstrap_external>", 940, "exec_module", None),
    ("<frozen importlib._bootstrap>", 241, "_call_with_frames_removed", None),
]


def traceback_lines(
    frames: list[tuple[str, int, str, str | None]], error: str, carets: bool = False
) -> list[str]:
    lines = ["Traceback (most recent call last):"]
    for file, line, function, source in frames:
        lines.append(f'  File "{file}", line {line}, in {function}')
        if source is not None:
            lines.append(f"    {source}")
            if carets:
                lines.append("    " + "^" * len(source))
    lines.append(error)
    return lines


MISSING = "ModuleNotFoundError: No module named 'payments_sdk'"
API_TRACEBACK = traceback_lines(
    [
        *GUNICORN_FRAMES,
        ("/app/orders/main.py", 14, "<module>", "from orders.routes import checkout"),
        (
            "/app/orders/routes/checkout.py",
            9,
            "<module>",
            "from payments_sdk import Client as PaymentsClient",
        ),
    ],
    MISSING,
)
JOB_TRACEBACK = traceback_lines(
    [
        ("<frozen runpy>", 198, "_run_module_as_main", None),
        ("<frozen runpy>", 88, "_run_code", None),
        ("/app/orders/workers/reconcile.py", 5, "<module>", "import payments_sdk"),
    ],
    MISSING,
    carets=True,
)
STARTUP_TRACEBACK = traceback_lines(
    [
        ("/app/orders/startup.py", 31, "warm_up", "from orders.billing import invoice"),
        ("/app/orders/billing/invoice.py", 3, "<module>", "from payments_sdk.models import Invoice"),
    ],
    MISSING,
)
INSTANCES = [
    "0069c7a98823a4f1d6b0e5c4a2d9b1e7f3c8a6d4b2e0f9a7c5d3b1e9f7a5c3d1b9e7f5a3c1d9b7e5f3a1c9d7b5e3f1a9c7d5b3e1f",
    "0069c7a988f1e3d5b7a9c1e3f5d7b9a1c3e5f7d9b1a3c5e7f9d1b3a5c7e9f1d3b5a7c9e1f3d5b7a9c1e3f5d7b9a1c3e5f7d9b1a3",
    "0069c7a988a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e4",
    "0069c7a98857d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9",
]


def api_crash(moment: datetime, instance: str) -> datetime:
    """A gunicorn worker fails to boot on the bad revision: split traceback, then the container exits."""
    resource = run_resource("orders-api", BAD_REVISION)
    labels = {"instanceId": instance}

    def stderr(at: datetime, text: str) -> None:
        add(
            at,
            resource=resource,
            labels=labels,
            logName=log_name("run.googleapis.com/stderr"),
            textPayload=text,
        )

    stderr(moment, f"[{moment:%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Booting worker with pid: 7")
    moment += timedelta(milliseconds=850)
    stderr(moment, f"[{moment:%Y-%m-%d %H:%M:%S} +0000] [7] [ERROR] Exception in worker process")
    for line in API_TRACEBACK:
        moment += timedelta(microseconds=rng.randrange(40, 400))
        stderr(moment, line)
    moment += timedelta(milliseconds=30)
    stderr(moment, f"[{moment:%Y-%m-%d %H:%M:%S} +0000] [7] [INFO] Worker exiting (pid: 7)")
    moment += timedelta(milliseconds=200)
    stderr(moment, f"[{moment:%Y-%m-%d %H:%M:%S} +0000] [1] [ERROR] Reason: Worker failed to boot.")
    moment += timedelta(milliseconds=600)
    add(
        moment,
        resource=resource,
        labels=labels,
        logName=log_name("run.googleapis.com/varlog/system"),
        severity="WARNING",
        textPayload="Container called exit(3).",
    )
    return moment


def startup_critical(moment: datetime, instance: str) -> None:
    add(
        moment,
        resource=run_resource("orders-api", BAD_REVISION),
        labels={"instanceId": instance},
        logName=log_name("run.googleapis.com/stdout"),
        severity="CRITICAL",
        jsonPayload={
            "message": "Startup warm-up failed: billing integration could not be imported",
            "logger": "orders.startup",
            "stack_trace": "\n".join(STARTUP_TRACEBACK),
        },
        sourceLocation={"file": "/app/orders/startup.py", "line": "33", "function": "warm_up"},
        errorGroups=[{"id": "COzB8fWXo8mHZg"}],
    )


def job_crash(moment: datetime, execution: str) -> None:
    resource = {
        "type": "cloud_run_job",
        "labels": {"job_name": "orders-reconcile", "location": REGION, "project_id": PROJECT},
    }
    labels = {
        "run.googleapis.com/execution_name": execution,
        "run.googleapis.com/task_index": "0",
        "instanceId": f"00c5{execution[-5:]}e1f0a9",
    }
    add(
        moment,
        resource=resource,
        labels=labels,
        logName=log_name("run.googleapis.com/stdout"),
        severity="WARNING",
        jsonPayload={
            "message": "Sentry SDK not available - install sentry-sdk[fastapi] to enable error tracking"
        },
    )
    for line in JOB_TRACEBACK:
        moment += timedelta(microseconds=rng.randrange(40, 400))
        add(
            moment,
            resource=resource,
            labels=labels,
            logName=log_name("run.googleapis.com/stderr"),
            textPayload=line,
        )
    add(
        moment + timedelta(seconds=1),
        resource=resource,
        labels=labels,
        logName=log_name("run.googleapis.com/varlog/system"),
        severity="WARNING",
        textPayload="Container called exit(1).",
    )


def revision_not_ready(moment: datetime) -> None:
    add(
        moment,
        resource=run_resource("orders-api", BAD_REVISION),
        logName=log_name("cloudaudit.googleapis.com/system_event"),
        severity="ERROR",
        protoPayload={
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "run.googleapis.com",
            "methodName": "/Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/revisions/{BAD_REVISION}",
            "status": {
                "code": 9,
                "message": f"Ready condition status changed to False for Revision {BAD_REVISION} "
                "with message: The user-provided container failed to start and listen on the port defined "
                "provided by the PORT=8080 environment variable. Logs for this revision might contain more "
                "information.",
            },
        },
    )


def deploy(moment: datetime) -> None:
    """The deployment of the bad revision: a Cloud Run admin activity audit entry (NOTICE)."""
    add(
        moment,
        resource={
            "type": "cloud_run_revision",
            "labels": {
                "configuration_name": "",
                "location": REGION,
                "project_id": PROJECT,
                "revision_name": "",
                "service_name": "orders-api",
            },
        },
        logName=log_name("cloudaudit.googleapis.com/activity"),
        severity="NOTICE",
        protoPayload={
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "run.googleapis.com",
            "methodName": "google.cloud.run.v1.Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/services/orders-api",
            "authenticationInfo": {"principalEmail": f"deployer@{PROJECT}.iam.gserviceaccount.com"},
        },
    )


def request(moment: datetime, method: str, path: str, status: int, revision: str) -> None:
    severity = "ERROR" if status >= 500 else "WARNING" if status >= 400 else "INFO"
    add(
        moment,
        resource=run_resource("orders-api", revision),
        labels={"instanceId": rng.choice(INSTANCES)},
        logName=log_name("run.googleapis.com/requests"),
        severity=severity,
        trace=f"projects/{PROJECT}/traces/{insert_id()}{insert_id()[:8]}",
        spanId=insert_id()[:16],
        httpRequest={
            "requestMethod": method,
            "requestUrl": f"https://orders-api-7x2kqgmzla-uc.a.run.app{path}",
            "status": status,
            "latency": f"{rng.uniform(0.004, 0.09):.6f}s",
            "protocol": "HTTP/1.1",
            "remoteIp": f"203.0.113.{rng.randrange(2, 250)}",
            "userAgent": "orchard-web/3.4",
            "requestSize": str(rng.randrange(300, 900)),
            "responseSize": str(rng.randrange(100, 4000)),
        },
    )


def inventory(
    moment: datetime, severity: str, payload: dict[str, Any], error_group: str | None = None
) -> None:
    fields: dict[str, Any] = {
        "resource": run_resource("inventory-svc", "inventory-svc-00317-quz"),
        "labels": {"instanceId": INSTANCES[3][::-1]},
        "logName": log_name("run.googleapis.com/stdout"),
        "severity": severity,
        "jsonPayload": payload,
    }
    if error_group:
        fields["errorGroups"] = [{"id": error_group}]
    add(moment, **fields)


def key_error(where: str) -> str:
    if where == "price":
        return "\n".join(
            traceback_lines(
                [
                    (
                        "/usr/local/lib/python3.11/site-packages/flask/app.py",
                        1823,
                        "full_dispatch_request",
                        "rv = self.dispatch_request()",
                    ),
                    ("/app/inventory/api.py", 77, "quote", "return pricing.price_for(cart)"),
                    (
                        "/app/inventory/pricing.py",
                        41,
                        "price_for",
                        "unit = catalog[item['sku']]['unit_price']",
                    ),
                ],
                "KeyError: 'sku'",
            )
        )
    return "\n".join(
        traceback_lines(
            [
                (
                    "/usr/local/lib/python3.11/site-packages/flask/app.py",
                    1823,
                    "full_dispatch_request",
                    "rv = self.dispatch_request()",
                ),
                ("/app/inventory/api.py", 102, "hold", "return stock.reserve(order)"),
                ("/app/inventory/stock.py", 88, "reserve", "warehouse.hold(line['sku'], line['qty'])"),
            ],
            "KeyError: 'sku'",
        )
    )


def main(out: Path) -> None:
    moment = START
    while moment < END:  # steady INFO traffic
        revision = GOOD_REVISION if moment < DEPLOYED or rng.random() < 0.3 else BAD_REVISION
        request(moment, "GET", f"/api/orders/{rng.randrange(10000, 99999)}", 200, revision)
        if rng.random() < 0.3:
            inventory(
                moment + timedelta(milliseconds=5),
                "INFO",
                {"message": f"Reserved {rng.randrange(1, 9)} items for order {rng.randrange(10000, 99999)}"},
            )
        moment += timedelta(seconds=rng.randrange(8, 20))

    for index, instance in enumerate(INSTANCES[:3]):  # startup warm-up, once per instance of the bad revision
        add(
            DEPLOYED + timedelta(seconds=5 + index),
            resource=run_resource("orders-api", BAD_REVISION),
            labels={"instanceId": instance},
            logName=log_name("run.googleapis.com/stdout"),
            severity="INFO",
            jsonPayload={"message": "Starting orders-api", "revision": BAD_REVISION},
        )
        startup_critical(DEPLOYED + timedelta(seconds=6 + index), instance)
    moment = DEPLOYED + timedelta(seconds=20)
    crash = 0
    while moment < END - timedelta(minutes=1):
        moment = api_crash(moment, INSTANCES[crash % 3])
        crash += 1
        moment += timedelta(seconds=rng.randrange(60, 150))
    for minutes in (13, 14, 16):
        revision_not_ready(DEPLOYED + timedelta(minutes=minutes - 12, seconds=30))
    for index, minutes in enumerate((20, 30, 40, 50)):
        job_crash(START + timedelta(minutes=minutes, seconds=2), f"orders-reconcile-q8x{index}r")

    moment = DEPLOYED + timedelta(minutes=2)
    while moment < END:  # requests routed to the broken revision fail
        if rng.random() < 0.7:
            request(moment, "GET", f"/api/orders/{rng.randrange(10000, 99999)}", 503, BAD_REVISION)
        else:
            request(moment, "POST", "/api/checkout", 503, BAD_REVISION)
        if rng.random() < 0.4:
            add(
                moment + timedelta(milliseconds=40),
                resource=run_resource("web-frontend", "web-frontend-00108-dem"),
                labels={"instanceId": INSTANCES[0][::-1]},
                logName=log_name("run.googleapis.com/stdout"),
                severity="WARNING",
                jsonPayload={
                    "message": f"Upstream orders-api returned 503 Service Unavailable for GET "
                    f"/api/orders/{rng.randrange(10000, 99999)} (Authorization: Bearer "
                    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjRmOGQifQ.eyJzdWIiOiJ3ZWItZnJvbnRlbmQiLCJhdWQiOiJvcmRlcnMifQ"
                    ".c2lnbmF0dXJlLW5vdC1yZWFs)"
                },
            )
        if rng.random() < 0.3:
            add(
                moment + timedelta(milliseconds=60),
                resource=run_resource("web-frontend", "web-frontend-00108-dem"),
                labels={"instanceId": INSTANCES[0][::-1]},
                logName=log_name("run.googleapis.com/stderr"),
                severity="ERROR",
                errorGroups=[{"id": "CKv3r6zO7q6YtwE"}],
                jsonPayload={
                    "message": "Unhandled error rendering GET /orders/:id",
                    "stack_trace": "TypeError: Cannot read properties of undefined (reading 'total')\n"
                    "    at renderOrder (/workspace/src/views/order.js:57:31)\n"
                    "    at /workspace/src/routes/orders.js:22:12\n"
                    "    at Layer.handle [as handle_request] (/workspace/node_modules/express/lib/router/layer.js:95:5)\n"
                    "    at next (/workspace/node_modules/express/lib/router/route.js:149:13)\n"
                    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
                },
            )
        moment += timedelta(seconds=rng.randrange(15, 60))

    for index in range(12):
        inventory(
            START + timedelta(minutes=3 + index * 4, seconds=11),
            "ERROR",
            {"message": "Failed to price cart\n" + key_error("price"), "logger": "inventory.api"},
            error_group="CPm0x9mL4aeWnwE",
        )
    for index in range(7):
        inventory(
            START + timedelta(minutes=5 + index * 7, seconds=42),
            "ERROR",
            {"message": "Reservation failed", "exception": key_error("stock"), "logger": "inventory.api"},
            error_group="CJ2u7vXl8o-0Dw",
        )
    for index in range(9):
        seconds = rng.choice((15, 15, 30))
        inventory(
            START + timedelta(minutes=2 + index * 6, seconds=7),
            "WARNING",
            {"message": f"Database connection validation timeout exceeded ({seconds}s) for pool primary"},
        )
        inventory(
            START + timedelta(minutes=2 + index * 6, seconds=8),
            "WARNING",
            {
                "message": f"Retrying connection to postgresql://inventory:Pg-S3cret-2026@10.20.0.5:5432/inventory "
                f"(attempt {rng.randrange(2, 5)} of 5)"
            },
        )
    for index in range(4):
        moment = START + timedelta(minutes=1 + index * 15)
        inventory(
            moment,
            "WARNING",
            {
                "message": "SERVICE_ID contained whitespace - sanitized from 'inventory-svc\\n' to 'inventory-svc'"
            },
        )
        inventory(
            moment + timedelta(seconds=1),
            "WARNING",
            {"message": "Sentry SDK not available - install sentry-sdk[fastapi] to enable error tracking"},
        )

    for index in range(6):
        add(
            START + timedelta(minutes=7 + index * 9, seconds=3),
            resource={
                "type": "k8s_container",
                "labels": {
                    "cluster_name": "orchard-gke",
                    "container_name": "ledger",
                    "namespace_name": "finance",
                    "pod_name": f"ledger-6f7c9d8b5-{'x2x9q' if index < 3 else 'm4k1z'}",
                    "project_id": PROJECT,
                    "location": REGION,
                },
            },
            logName=log_name("stderr"),
            severity="ERROR",
            labels={"k8s-pod/app": "ledger"},
            textPayload=f"java.lang.IllegalStateException: Ledger period 2026-{10 + index % 2:02d} is closed\n"
            "\tat com.orchard.ledger.Period.post(Period.java:88)\n"
            "\tat com.orchard.ledger.JournalService.record(JournalService.java:142)\n"
            "\tat com.orchard.ledger.api.JournalController.create(JournalController.java:57)\n"
            "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)\n"
            "\tat java.base/java.lang.Thread.run(Thread.java:833)",
        )
    for index in range(4):
        add(
            START + timedelta(minutes=9 + index * 13, seconds=19),
            resource={
                "type": "cloud_function",
                "labels": {"function_name": "thumbnailer", "region": REGION, "project_id": PROJECT},
            },
            logName=log_name("cloudfunctions.googleapis.com/cloud-functions"),
            severity="ERROR",
            labels={"execution_id": f"k3v9{index}x7q2"},
            textPayload="panic: runtime error: index out of range [3] with length 3\n\n"
            "goroutine 42 [running]:\n"
            "github.com/orchard/thumbnailer.pickVariant(...)\n\t/workspace/variants.go:42 +0x1d4\n"
            "github.com/orchard/thumbnailer.Resize({0xc000126000, 0x1f}, 0x3)\n\t/workspace/resize.go:67 +0x8e\n"
            "net/http.HandlerFunc.ServeHTTP(0xc0000a4000?, {0x7f1c2a0, 0xc0001c2000}, 0xc0000b6100)\n"
            "\t/usr/local/go/src/net/http/server.go:2136 +0x29",
        )

    deploy(DEPLOYED - timedelta(seconds=45))  # last, so the entries above keep their random values

    entries.sort(key=lambda e: e["timestamp"], reverse=True)  # gcloud logging read prints newest first
    data = json.dumps(entries, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)
    print(f"{len(entries)} entries written to {out}")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "src/loggardener/sources/data/demo-export.json.gz"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
