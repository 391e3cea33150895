"""Entries Google Cloud products write about their own work: a BigQuery job's end (its error in the job's status,
not in the call's), ESPv2's and API Gateway's request logs, YARN's application failures on Dataproc, Cloud Deploy's
render and rollout events; each beside look-alikes that must stay as they are. Entries written for the test, in the
shapes the products document."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import scan_entries
from entry_factories import stamp
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())
P = "acme-data"
DATA_ACCESS = f"projects/{P}/logs/cloudaudit.googleapis.com%2Fdata_access"


def _entry(
    seconds: float, resource: dict[str, Any], log: str, severity: str, **payload: Any
) -> dict[str, Any]:
    return {
        "insertId": f"e{seconds}",
        "timestamp": stamp(seconds),
        "severity": severity,
        "resource": resource,
        "logName": f"projects/{P}/logs/{log}",
        **payload,
    }


def _job_change(
    seconds: float, error: dict[str, Any] | None, status: dict[str, Any], severity: str = "ERROR"
) -> dict[str, Any]:
    job_status: dict[str, Any] = {"jobState": "DONE", **({"errorResult": error} if error else {})}
    proto = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": status,
        "serviceName": "bigquery.googleapis.com",
        "methodName": "google.cloud.bigquery.v2.JobService.InsertJob",
        "resourceName": f"projects/{P}/jobs/bqjob_r{int(seconds)}",
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata",
            "jobChange": {
                "before": "RUNNING",
                "after": "DONE",
                "job": {"jobName": f"projects/{P}/jobs/bqjob_r{int(seconds)}", "jobStatus": job_status},
            },
        },
    }
    resource = {"type": "bigquery_project", "labels": {"project_id": P, "location": "US"}}
    return _entry(seconds, resource, "cloudaudit.googleapis.com%2Fdata_access", severity, protoPayload=proto)


def _job_completed(seconds: float, error: dict[str, Any] | None, severity: str = "ERROR") -> dict[str, Any]:
    job_status: dict[str, Any] = {"state": "DONE", **({"error": error} if error else {})}
    proto = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {},
        "serviceName": "bigquery.googleapis.com",
        "methodName": "jobservice.jobcompleted",
        "resourceName": f"projects/{P}/jobs/bquxjob_{int(seconds)}",
        "serviceData": {
            "@type": "type.googleapis.com/google.cloud.bigquery.logging.v1.AuditData",
            "jobCompletedEvent": {
                "eventName": "query_job_completed",
                "job": {
                    "jobName": {"projectId": P, "jobId": f"bquxjob_{int(seconds)}"},
                    "jobStatus": job_status,
                },
            },
        },
    }
    resource = {"type": "bigquery_resource", "labels": {"project_id": P}}
    return _entry(seconds, resource, "cloudaudit.googleapis.com%2Fdata_access", severity, protoPayload=proto)


_CSV_ERROR = {
    "code": 3,
    "message": "Error while reading data, error message: CSV table encountered too many errors",
}


@pytest.mark.parametrize("severity", ["ERROR", "INFO"])
def test_a_bigquery_job_that_failed_is_told_by_its_job_status(severity: str) -> None:
    # BigQueryAuditMetadata: the job's end (`jobChange`, DONE) holds the error, the call's own status is empty
    entry = parser.parse(1, _job_change(0, _CSV_ERROR, {}, severity))
    assert entry.message == (
        "INVALID_ARGUMENT on google.cloud.bigquery.v2.JobService.InsertJob (bigquery.googleapis.com): "
        "Error while reading data, error message: CSV table encountered too many errors"
    )
    assert entry.severity == Severity.ERROR


def test_a_legacy_bigquery_job_completed_event_is_told_by_its_job_status() -> None:
    error = {
        "code": 8,
        "message": "Resources exceeded during query execution: The query could not be executed",
    }
    entry = parser.parse(1, _job_completed(0, error))
    assert entry.message == (
        "RESOURCE_EXHAUSTED on jobservice.jobcompleted (bigquery.googleapis.com): "
        "Resources exceeded during query execution: The query could not be executed"
    )


def test_bigquery_jobs_that_succeeded_stay_quiet_and_the_calls_status_comes_first() -> None:
    done = parser.parse(1, _job_change(0, None, {}, "INFO"))
    legacy = parser.parse(2, _job_completed(0, None, "INFO"))
    assert (done.severity, legacy.severity) == (Severity.INFO, Severity.INFO)
    assert done.message == f"google.cloud.bigquery.v2.JobService.InsertJob on projects/{P}/jobs/bqjob_r0"
    # a status the call has is what the entry says, whatever the job's
    said = parser.parse(
        3, _job_change(0, _CSV_ERROR, {"code": 7, "message": "Access Denied: Table raw.events"})
    )
    assert said.message.startswith("PERMISSION_DENIED on ") and said.message.endswith(
        "Access Denied: Table raw.events"
    )


def _espv2(seconds: float, code: int, detail: str, severity: str) -> dict[str, Any]:
    # ESPv2's request log (Cloud Endpoints; API Gateway writes the same fields): its message names the operation only
    payload = {
        "api_method": "1.orders_api.GetOrder",
        "http_method": "GET",
        "http_response_code": code,
        "log_message": "1.orders_api.GetOrder is called",
        "response_code_detail": detail,
        "url": f"/v1/orders/ord_{7710 + int(seconds)}",
    }
    resource = {
        "type": "api",
        "labels": {"service": "orders.endpoints.acme-data.cloud.goog", "project_id": P},
    }
    return _entry(seconds, resource, "endpoints_log", severity, jsonPayload=payload)


def test_an_espv2_request_log_of_a_server_error_is_a_failed_request() -> None:
    entry = parser.parse(
        1, _espv2(0, 503, "upstream_reset_before_response_started{connection_failure}", "INFO")
    )
    assert entry.severity == Severity.ERROR and entry.http is not None and entry.http.status == 503
    (cluster,) = scan_entries([_espv2(s, 503, "via_upstream", "ERROR") for s in (0, 40, 90)]).clusters
    assert cluster.title.startswith("HTTP 503 on GET /v1/orders/")


def test_espv2_requests_that_went_well_or_a_clients_mistake_stay_below_error() -> None:
    assert parser.parse(1, _espv2(0, 200, "via_upstream", "INFO")).severity == Severity.INFO
    expired = parser.parse(2, _espv2(0, 401, "jwt_authn_access_denied{Jwt_is_expired}", "WARNING"))
    assert expired.severity == Severity.WARNING


def _resourcemanager(seconds: float, message: str) -> dict[str, Any]:
    resource = {
        "type": "cloud_dataproc_cluster",
        "labels": {"project_id": P, "cluster_name": "etl", "region": "us-central1"},
    }
    payload = {
        "class": "org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMAppImpl",
        "filename": "hadoop-yarn-resourcemanager-etl-m.log",
        "message": message,
    }
    return _entry(seconds, resource, "hadoop-yarn-resourcemanager", "INFO", jsonPayload=payload)


@pytest.mark.parametrize(
    "message",
    [
        "Application application_1770700000000_0031 failed 2 times due to AM Container for "
        "appattempt_1770700000000_0031_000002 exited with  exitCode: 13\nFailing this attempt.",
        "Application application_1770700000000_0032 failed 4 times in previous 600000 milliseconds due to "
        "ApplicationMaster for attempt appattempt_1770700000000_0032_000004 timed out. Failing the application.",
    ],
)
def test_yarn_telling_an_application_failed_with_its_attempts_spent_is_an_error(message: str) -> None:
    entry = parser.parse(1, _resourcemanager(0, message))
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    "message",
    [
        "Application application_1770700000000_0030 finished with final status SUCCEEDED, 0 failed tasks",
        "application_1770700000000_0030 State change from RUNNING to FINISHED on event = ATTEMPT_FINISHED",
        "Storing application with id application_1770700000000_0031",
    ],
)
def test_yarn_lifecycle_lines_stay_info(message: str) -> None:
    assert parser.parse(1, _resourcemanager(0, message)).severity == Severity.INFO


def _deploy(
    seconds: float, payload: dict[str, Any], log: str = "clouddeploy.googleapis.com%2Frollout_update"
) -> dict[str, Any]:
    resource = {
        "type": "clouddeploy.googleapis.com/DeliveryPipeline",
        "labels": {"pipeline_id": "web", "location": "us-central1", "resource_container": P},
    }
    return _entry(seconds, resource, log, "INFO", jsonPayload=payload)


def _rollout(kind: str) -> dict[str, Any]:
    return {
        "@type": "type.googleapis.com/google.cloud.deploy.v1.RolloutUpdateEvent",
        "message": f"Rollout web-r42-to-prod-0001 {kind.lower()}",
        "rollout": f"projects/{P}/locations/us-central1/deliveryPipelines/web/releases/web-r42/rollouts/web-r42-to-prod-0001",
        "targetId": "prod",
        "type": "TYPE_ROLLOUT_UPDATE",
        "rolloutUpdateType": kind,
    }


def test_a_cloud_deploy_event_that_says_it_failed_is_an_error() -> None:
    rollout = parser.parse(1, _deploy(0, _rollout("FAILED")))
    render = parser.parse(
        2,
        _deploy(
            0,
            {
                "@type": "type.googleapis.com/google.cloud.deploy.v1.ReleaseRenderEvent",
                "message": "Release render failed for release web-r44",
                "releaseRenderState": "FAILED",
            },
            "clouddeploy.googleapis.com%2Frelease_render",
        ),
    )
    assert (rollout.severity, rollout.severity_rule) == (Severity.ERROR, "failed-event")
    assert (render.severity, render.message) == (Severity.ERROR, "Release render failed for release web-r44")


@pytest.mark.parametrize(
    "payload",
    [
        _rollout("SUCCEEDED"),
        _rollout("IN_PROGRESS"),
        # a state it had before is not its outcome
        {
            "@type": "type.googleapis.com/acme.v1.JobStateChange",
            "message": "retried",
            "previousState": "FAILED",
            "state": "RUNNING",
        },
        # an app's own record (no `@type`) keeps the level it wrote
        {"message": "payment recorded", "paymentStatus": "FAILED"},
    ],
)
def test_events_that_did_not_fail_or_are_no_products_stay_info(payload: dict[str, Any]) -> None:
    assert parser.parse(1, _deploy(0, payload)).severity == Severity.INFO


def test_a_yarn_application_that_failed_is_a_failed_pipeline_job() -> None:
    failure = (
        "Application application_1770700000000_0031 failed 2 times due to AM Container for "
        "appattempt_1770700000000_0031_000002 exited with  exitCode: 13\nFailing this attempt."
    )
    (cluster,) = scan_entries([_resourcemanager(0, failure)]).clusters
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("a data pipeline's job or task failed")
