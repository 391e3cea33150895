"""Cloud Logging LogEntry (REST shape, camelCase) → `LogEntry`."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from loggardener.entries.models import HttpInfo, LogEntry, PayloadKind, Severity
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

_RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d{1,9}))?"
    r"(?P<tz>[Zz]|[+-]\d{2}:?\d{2})$"
)
# Timestamps outside this span are corrupt (year 1 or 9999 overflow the clusterer's time arithmetic).
_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
_MESSAGE_FIELDS = ("message", "msg")
_STACK_FIELDS = ("stack_trace", "exception", "message", "msg")


class MalformedEntry(ValueError):
    """A LogEntry that cannot be used; the message says why."""


def parse_timestamp(value: str) -> datetime:
    """Parse RFC 3339 with up to nine fractional digits (kept to the microsecond) into an aware UTC datetime."""
    match = _RFC3339.match(value.strip())
    if match is None:
        raise MalformedEntry(f"invalid timestamp {value!r}")
    fraction = (match["frac"] or "").ljust(6, "0")[:6]
    tz = match["tz"].upper()
    offset = timedelta(0)
    if tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}")
        moment = (naive - offset).replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise MalformedEntry(f"invalid timestamp {value!r}: {exc}") from None
    if not _EARLIEST <= moment < _LATEST:
        raise MalformedEntry(f"timestamp {value!r} is outside the years 1970 to 8999")
    return moment


def _service_and_revision(
    resource_type: str, labels: dict[str, Any], entry_labels: dict[str, Any]
) -> tuple[str | None, str | None]:
    if resource_type == "cloud_run_revision":
        return labels.get("service_name"), labels.get("revision_name")
    if resource_type == "cloud_run_job":
        return labels.get("job_name"), entry_labels.get("run.googleapis.com/execution_name")
    if resource_type == "cloud_function":
        return labels.get("function_name"), None
    if resource_type == "k8s_container":
        return labels.get("container_name"), labels.get("pod_name")
    if resource_type == "gae_app":
        return labels.get("module_id"), labels.get("version_id")
    if resource_type == "gce_instance":
        return labels.get("instance_id"), None
    return None, None


class EntryParser:
    """Normalizes raw LogEntry dicts. Every text taken from the log is redacted here."""

    def __init__(self, redactor: Redactor, stack_parser: StackParser) -> None:
        self._redact = redactor.redact
        self._redact_json = redactor.redact_json
        self._stacks = stack_parser

    def parse(self, position: int, raw: dict[str, Any]) -> LogEntry:
        timestamp_text = raw.get("timestamp") or raw.get("receiveTimestamp")
        if not isinstance(timestamp_text, str):
            raise MalformedEntry("no timestamp")
        resource = _as_dict(raw.get("resource"), "resource")
        resource_type = str(resource.get("type") or "")
        resource_labels = _as_dict(resource.get("labels"), "resource.labels")
        entry_labels = _as_dict(raw.get("labels"), "labels")
        service, revision = _service_and_revision(resource_type, resource_labels, entry_labels)

        payload_kind, message, stack_sources, audit_method = self._payload(raw)
        http = _http(raw.get("httpRequest"))
        if not message and http is not None:
            message = f"{http.method or 'GET'} {http.url or '/'} {http.status or ''}".strip()
        redacted = {message: self._redact(message)}  # the message is often a stack source too: redact once
        message = redacted[message]
        stack = None
        for candidate in stack_sources:
            stack = self._stacks.parse(redacted.get(candidate) or self._redact(candidate))
            if stack is not None:
                break
        if http is not None and http.url:
            http = http.model_copy(update={"url": self._redact(http.url)})

        error_groups = raw.get("errorGroups") or []
        if not isinstance(error_groups, list):
            raise MalformedEntry("errorGroups is not a list")
        location = raw.get("sourceLocation")
        source_location = None
        if isinstance(location, dict) and location.get("file"):
            source_location = f"{location['file']}:{location.get('line', '?')}"
        return LogEntry(
            position=position,
            insert_id=self._redact(str(raw.get("insertId") or f"#{position}")),
            timestamp=parse_timestamp(timestamp_text),
            severity=Severity.parse(raw.get("severity")),
            log_name=str(raw.get("logName") or ""),
            resource_type=resource_type,
            service=self._redact(_text(service)) or None,
            revision=self._redact(_text(revision)) or None,
            instance=self._redact(_text(entry_labels.get("instanceId"))) or None,
            payload_kind=payload_kind,
            message=message,
            stack=stack,
            http=http,
            audit_method=audit_method,
            error_group_ids=tuple(str(g["id"]) for g in error_groups if isinstance(g, dict) and g.get("id")),
            source_location=self._redact(source_location) if source_location else None,
            trace=self._redact(_text(raw.get("trace"))) or None,
        )

    def _payload(self, raw: dict[str, Any]) -> tuple[PayloadKind, str, list[str], str | None]:
        if "textPayload" in raw:
            text = _text(raw["textPayload"])
            return "text", text, [text], None
        if "jsonPayload" in raw:
            # by key name before anything is serialized: `{"password": 1234}`, `{"token": "a b"}`
            payload = self._redact_json(_as_dict(raw["jsonPayload"], "jsonPayload"))
            message = next((_text(payload[k]) for k in _MESSAGE_FIELDS if payload.get(k)), "")
            stacks = [_text(payload[k]) for k in _STACK_FIELDS if payload.get(k)]
            if not message:
                message = next(iter(stacks), "") or json.dumps(payload, sort_keys=True, default=str)
            return "json", message, stacks, None
        if "protoPayload" in raw:
            payload = self._redact_json(_as_dict(raw["protoPayload"], "protoPayload"))
            status = payload.get("status")
            message = _text(status.get("message")) if isinstance(status, dict) else ""
            method = self._redact(_text(payload.get("methodName"))) or None
            if not message and method:
                message = f"{method} on {_text(payload.get('resourceName'))}".strip()
            return "proto", message, [], method
        return "none", "", [], None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _as_dict(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedEntry(f"{name} is not an object")
    return value


def _http(value: Any) -> HttpInfo | None:
    if not isinstance(value, dict):
        return None
    status = value.get("status")
    try:
        status_code = int(status) if status is not None else None
    except (TypeError, ValueError):
        status_code = None
    url = value.get("requestUrl")
    return HttpInfo(
        method=_text(value.get("requestMethod")) or None,
        url=_text(url) or None,
        status=status_code,
        latency=_text(value.get("latency")) or None,
    )


def url_path(url: str) -> str:
    """The path of a request URL (no scheme, host or query); never raises, even on a malformed URL."""
    try:
        return urlsplit(url).path or "/"
    except ValueError:  # e.g. an unclosed IPv6 host, `http://[::1`: the text before the query, minus the host
        before_query = url.split("?", 1)[0].split("#", 1)[0]
        scheme, separator, rest = before_query.partition("://")
        if not separator:
            return scheme or "/"
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
