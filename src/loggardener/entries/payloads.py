"""What a LogEntry's payload says: its message, where a stack may be, and the facts of known payload types.

| payload | read |
|---|---|
| `textPayload` | the text (message and stack) |
| `jsonPayload` | `message` / `msg` / `event` / `error`; stacks in `stack_trace`, `stacktrace`, `stackTrace`, `stack`, `exception`, `error.stack`, `err.stack`, `error`/`exception` objects; the level in `severity` / `level` / `levelname` (pino numbers too) |
| Cloud Scheduler `AttemptFinished` | `jobName`, `status`, `url`, `debugInfo` |
| GKE `Event` | `reason`, `message`, `involvedObject` |
| `protoPayload` AuditLog | `serviceName`, `methodName`, `resourceName`, `status.code` / `status.message`, principal |
| `protoPayload` App Engine RequestLog | `method`, `resource`, `status`, `line[].logMessage` / `line[].severity` |
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from loggardener.entries.levels import json_level, level_word
from loggardener.entries.models import MalformedEntry, PayloadKind, Severity

_MESSAGE_FIELDS = ("message", "msg", "event", "textPayload", "description", "error", "err")
_STACK_FIELDS = ("stack_trace", "stacktrace", "stackTrace", "stack", "exception", "error", "err", "trace")
_NESTED_STACK_FIELDS = ("stack", "stack_trace", "stacktrace", "stackTrace", "message")
_MAX_MESSAGE = 65_536
# google.rpc.Code
RPC_CODES = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)


@dataclass
class Payload:
    """The parts of a payload the parser uses (unredacted: the parser redacts)."""

    kind: PayloadKind = "none"
    message: str = ""
    stack_sources: list[str] = field(default_factory=list)
    declared: Severity | None = None
    audit_service: str | None = None
    audit_method: str | None = None
    audit_status: str | None = None
    principal: str | None = None
    http_method: str | None = None
    http_url: str | None = None
    http_status: int | None = None
    scheduler_job: str | None = None
    host_name: str | None = None
    object_name: str | None = None


def as_text(value: Any) -> str:
    """A field as text: strings as they are, anything else as sorted JSON, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _short(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE]


def rpc_code_name(code: Any) -> str | None:
    """`7`, `"7"` or `"PERMISSION_DENIED"` → `PERMISSION_DENIED`; None for no code or OK."""
    if isinstance(code, bool) or code is None or code == "":
        return None
    if isinstance(code, str) and not code.strip().isdigit():
        return code.strip().upper() or None
    try:
        number = int(code)
    except (TypeError, ValueError, OverflowError):  # not a number, NaN, or an infinity (`1e999`)
        return None
    if number == 0:
        return None
    return RPC_CODES[number] if 0 < number < len(RPC_CODES) else f"code {number}"


# Service agents Google runs in your project (Cloud Build, Security Command Center, serverless robots...).
_GOOGLE_AGENT = re.compile(
    r"^(?:service-(?:org-|folder-)?\d+@|\d+@cloud(?:build|services)\.gserviceaccount\.com$)"
    r"|@(?:gcp-sa-[\w-]+\.iam|system|[\w-]+-robot[\w-]*\.iam)\.gserviceaccount\.com$"
)


def principal_kind(principal: str | None) -> str:
    """Who made an audited call: `anonymous`, `google-agent`, `service-account` (a workload) or `user`."""
    if not principal:
        return "anonymous"
    email = principal.removeprefix("serviceAccount:").removeprefix("user:").strip().lower()
    if _GOOGLE_AGENT.search(email):
        return "google-agent"
    if email.endswith(".gserviceaccount.com"):
        return "service-account"
    return "user"


def read_payload(raw: dict[str, Any]) -> Payload:
    if "textPayload" in raw:
        text = _short(as_text(raw["textPayload"]))
        structured = _json_line(text)
        if structured is not None:  # an app's JSON log line the agent left in textPayload
            return _json(structured)
        return Payload(kind="text", message=text, stack_sources=[text])
    if "jsonPayload" in raw:
        payload = raw["jsonPayload"]
        if not isinstance(payload, dict):
            raise MalformedEntry("jsonPayload is not an object")
        return _json(payload)
    if "protoPayload" in raw:
        payload = raw["protoPayload"]
        if not isinstance(payload, dict):
            raise MalformedEntry("protoPayload is not an object")
        if str(payload.get("@type", "")).endswith("RequestLog") or (
            "line" in payload and "resource" in payload
        ):
            return _request_log(payload)
        return _audit(payload)
    return Payload()


def _json_line(text: str) -> dict[str, Any] | None:
    """The object a text line holds when it is one JSON object with a message (`{"level":"error","msg":…}`)."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")) or len(stripped) > _MAX_MESSAGE:
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or not any(isinstance(value.get(k), str) for k in _MESSAGE_FIELDS):
        return None
    return value


def _json(payload: dict[str, Any]) -> Payload:
    kind = str(payload.get("@type", ""))
    if kind.endswith("AttemptFinished"):
        return _scheduler_attempt(payload)
    if payload.get("kind") == "Event" and isinstance(payload.get("involvedObject"), dict):
        return _kubernetes_event(payload)
    message = ""
    for key in _MESSAGE_FIELDS:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            message = value
            break
        if isinstance(value, dict) and isinstance(value.get("message"), str) and value["message"].strip():
            message = value["message"]
            break
    stacks: list[str] = []
    for key in _STACK_FIELDS:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            stacks.append(value)
        elif isinstance(value, dict):
            stacks.extend(
                as_text(value[k]) for k in _NESTED_STACK_FIELDS if isinstance(value.get(k), str) and value[k]
            )
    if message and message not in stacks:
        stacks.append(message)
    if not message:
        message = next(iter(stacks), "") or json.dumps(payload, sort_keys=True, default=str)
    host = payload.get("computer_name") or payload.get("hostname") or payload.get("host")
    return Payload(
        kind="json",
        message=_short(message),
        stack_sources=[_short(s) for s in stacks],
        declared=json_level(payload),
        host_name=host if isinstance(host, str) else None,
    )


def _scheduler_attempt(payload: dict[str, Any]) -> Payload:
    job = as_text(payload.get("jobName")).rsplit("/", 1)[-1]
    status = as_text(payload.get("status")) or "unknown status"
    parts = [f"Cloud Scheduler job {job or '(unnamed)'} attempt finished: {status}"]
    if payload.get("debugInfo"):
        parts.append(f"({as_text(payload['debugInfo'])})")
    if payload.get("url"):
        parts.append(f"calling {as_text(payload['url'])}")
    failed = status not in ("OK", "SUCCESS", "unknown status")
    return Payload(
        kind="json",
        message=" ".join(parts),
        declared=Severity.ERROR if failed else None,
        scheduler_job=job or None,
    )


def _kubernetes_event(payload: dict[str, Any]) -> Payload:
    involved = payload["involvedObject"]
    reason = as_text(payload.get("reason"))
    text = as_text(payload.get("message"))
    kind = as_text(involved.get("kind"))
    message = f"{reason}: {text}" if reason else text
    declared = level_word(as_text(payload.get("type"))) if payload.get("type") else None
    return Payload(
        kind="json",
        message=_short(message or json.dumps(payload, sort_keys=True, default=str)),
        declared=declared,
        object_name=f"{kind}/{as_text(involved.get('name'))}" if kind else None,
    )


def _audit(payload: dict[str, Any]) -> Payload:
    status = payload.get("status")
    code = rpc_code_name(status.get("code")) if isinstance(status, dict) else None
    status_message = as_text(status.get("message")) if isinstance(status, dict) else ""
    service = as_text(payload.get("serviceName")) or None
    method = as_text(payload.get("methodName")) or None
    resource_name = as_text(payload.get("resourceName"))
    principal = _principal(payload)
    if code:
        head = f"{code} on {method or 'a call'}" + (f" ({service})" if service else "")
        message = f"{head}: {status_message}" if status_message else head
    elif status_message:
        message = status_message
    elif method:
        message = f"{method} on {resource_name}".strip()
    else:
        message = json.dumps(payload, sort_keys=True, default=str)[:2000]
    return Payload(
        kind="proto",
        message=_short(message),
        audit_service=service,
        audit_method=method,
        audit_status=code,
        principal=principal,
    )


def _request_log(payload: dict[str, Any]) -> Payload:
    raw_lines = payload.get("line")
    lines: list[Any] = raw_lines if isinstance(raw_lines, list) else []
    messages = [
        as_text(line.get("logMessage")) for line in lines if isinstance(line, dict) and line.get("logMessage")
    ]
    severities = [
        Severity.parse(line.get("severity"))
        for line in lines
        if isinstance(line, dict) and line.get("severity")
    ]
    status = payload.get("status")
    method = as_text(payload.get("method")) or None
    resource = as_text(payload.get("resource")) or None
    message = "\n".join(messages)
    return Payload(
        kind="json",
        message=_short(message),
        stack_sources=[_short(m) for m in messages],
        declared=max(severities) if severities else None,
        http_method=method,
        http_url=resource,
        http_status=status if isinstance(status, int) and not isinstance(status, bool) else None,
    )


def caller_kind(raw: dict[str, Any]) -> str | None:
    """`principal_kind` of an audit entry's caller, read before redaction hides the address."""
    payload = raw.get("protoPayload")
    if not isinstance(payload, dict) or not (payload.get("methodName") or payload.get("serviceName")):
        return None
    return principal_kind(_principal(payload))


def _principal(payload: dict[str, Any]) -> str | None:
    """Who made an audited call (`authenticationInfo.principalEmail`, else `principalSubject`)."""
    authentication = payload.get("authenticationInfo")
    if not isinstance(authentication, dict):
        return None
    return as_text(authentication.get("principalEmail") or authentication.get("principalSubject")) or None
