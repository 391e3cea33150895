"""Builders of Cloud Logging LogEntry dicts (REST shape) for tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count
from typing import Any

BASE = datetime(2026, 11, 21, 12, 0, 0, tzinfo=timezone.utc)
_ids = count(1)


def stamp(seconds: float) -> str:
    return (BASE + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def run_entry(
    seconds: float,
    *,
    text: str | None = None,
    json_payload: dict[str, Any] | None = None,
    severity: str | None = None,
    service: str = "api",
    revision: str = "api-00001-abc",
    instance: str = "inst-1",
    log: str = "run.googleapis.com%2Fstderr",
    **extra: Any,
) -> dict[str, Any]:
    """A Cloud Run entry `seconds` after BASE."""
    entry: dict[str, Any] = {
        "insertId": f"id{next(_ids):06d}",
        "timestamp": stamp(seconds),
        "logName": f"projects/p/logs/{log}",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": service, "revision_name": revision, "project_id": "p"},
        },
        "labels": {"instanceId": instance},
    }
    if text is not None:
        entry["textPayload"] = text
    if json_payload is not None:
        entry["jsonPayload"] = json_payload
    if severity is not None:
        entry["severity"] = severity
    entry.update(extra)
    return entry


def split_traceback(
    start: float,
    frames: list[tuple[str, int, str, str]],
    error: str,
    step: float = 0.0005,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """One entry per stderr line of a Python traceback, as Cloud Run writes them (no severity)."""
    lines = ["Traceback (most recent call last):"]
    for file, line, function, source in frames:
        lines += [f'  File "{file}", line {line}, in {function}', f"    {source}"]
    lines.append(error)
    return [run_entry(start + i * step, text=line, **kwargs) for i, line in enumerate(lines)]


def gke_entry(
    seconds: float,
    *,
    text: str,
    pod: str = "orders-5f-abcde",
    stream: str = "stderr",
    severity: str = "ERROR",
) -> dict[str, Any]:
    """A GKE container's output line `seconds` after BASE, with the severity its stream gets (stderr: ERROR)."""
    return {
        "insertId": f"id{next(_ids):06d}",
        "timestamp": stamp(seconds),
        "logName": f"projects/p/logs/{stream}",
        "resource": {
            "type": "k8s_container",
            "labels": {
                "project_id": "p",
                "cluster_name": "prod",
                "namespace_name": "shop",
                "pod_name": pod,
                "container_name": "orders",
            },
        },
        "severity": severity,
        "textPayload": text,
    }


def split_lines(
    start: float, lines: list[str], step: float = 0.00005, *, gke: bool = False, **kwargs: Any
) -> list[dict[str, Any]]:
    """One entry per line of a multi-line text, as Cloud Run (no severity) or GKE (stderr: ERROR) write them."""
    if gke:
        return [gke_entry(start + i * step, text=line, **kwargs) for i, line in enumerate(lines)]
    return [run_entry(start + i * step, text=line, **kwargs) for i, line in enumerate(lines)]
