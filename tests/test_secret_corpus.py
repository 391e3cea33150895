"""No planted credential reaches any output of `gardener scan`: more than 100 formats, four placements each.

The whole scan runs through typer's CliRunner: once over the planted export with drafts (`--issues draft`,
which writes the drafts and gh-issues.sh), a report, assignments and a state file; then twice over the cases
packed into a few entries, publishing to the fake GitHub server (issues, then status comments on them). Every file written, every request body sent and the terminal output are searched for
each secret, for any fragment of it of 17 characters or more, in raw, URL-decoded and unescaped forms.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import re2
from typer.testing import CliRunner

from fakes.github_server import FakeGitHub
from loggardener.cli import app
from loggardener.entries.redact import Redactor
from secret_corpus import Case, cases, packed_entries, planted_entries

# One worker runs the tests of this module: its expensive shared fixture starts once (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("secret_corpus")

TOKEN = "ghp_corpusTOKEN0123456789abcdefghijklmn"
CORPUS = cases()
FRAGMENT = 16


def fragments(secret: str) -> list[str]:
    """The secret's 16-character windows at every other position: any leaked run of 17 characters holds one."""
    if len(secret) <= FRAGMENT:
        return [secret]
    return [secret[i : i + FRAGMENT] for i in range(0, len(secret) - FRAGMENT + 1, 2)] + [secret[-FRAGMENT:]]


def readable_forms(text: str) -> str:
    """The text as written, URL-decoded, and with markdown/JSON escapes, entities and zero-width spaces undone."""
    plain = html.unescape(text.replace("\u200b", "")).replace("\\n", "\n")
    return "\n".join((text, unquote(text), re.sub(r"\\(.)", r"\1", plain)))


@functools.cache
def _detector(corpus: tuple[Case, ...]) -> tuple[Any, dict[str, str]]:
    owner = {fragment: case.name for case in corpus for fragment in fragments(case.secret)}
    options = re2.Options()
    options.max_mem = 1 << 30
    pattern = re2.compile("|".join(re2.escape(f) for f in sorted(owner, key=len, reverse=True)), options)
    return pattern, owner


def leaks(outputs: str, corpus: list[Case]) -> dict[str, list[str]]:
    """The cases whose secret, or a fragment of it, is in `outputs`: one RE2 pass over all fragments at once."""
    pattern, owner = _detector(tuple(corpus))
    found: dict[str, list[str]] = {}
    for match in pattern.finditer(readable_forms(outputs)):
        found.setdefault(owner[match.group()], []).append(match.group())
    return found


def test_under_loadgroup_the_module_is_one_group(request: pytest.FixtureRequest) -> None:
    """`pytest` (`--dist loadgroup`) sends this module's tests to one worker, so its scans run once (the
    group is in the test's id: tests/conftest.py adds it where xdist could not)."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@secret_corpus"), request.node.nodeid


def test_the_corpus_holds_over_100_formats_of_generated_secrets() -> None:
    assert len({case.name for case in CORPUS}) >= 100
    assert all(case.secret in readable_forms(case.text) for case in CORPUS)
    assert len({case.secret for case in CORPUS}) == len(CORPUS)  # generated, each distinct


def test_the_leak_check_finds_every_secret_in_the_planted_export() -> None:
    planted = "\n".join(json.dumps(e) for e in planted_entries(CORPUS))
    assert set(leaks(planted, CORPUS)) == {case.name for case in CORPUS}
    one = CORPUS[0].secret
    assert set(leaks(f"x {one[3:30]} y", CORPUS)) == {CORPUS[0].name}  # a fragment is enough


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_each_format_is_redacted_in_text(case: Case) -> None:
    redacted = Redactor().redact(case.text)
    assert not leaks(redacted, [case]), redacted
    assert "[REDACTED:" in redacted


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    """Every output of a draft run over the planted export and of two publishing runs, as one text.

    Publishing runs over the cases packed twenty to an entry (few issues: the client paces its requests); the
    second run fires them again, so the open issues get status comments.
    """
    root = tmp_path_factory.mktemp("corpus")
    export = root / "planted.ndjson"
    export.write_text("\n".join(json.dumps(e) for e in planted_entries(CORPUS)) + "\n", encoding="utf-8")
    config = root / "gardener.toml"
    config.write_text(
        '[issues]\nseconds_between_writes = 0\nthreshold = "P3"\n\n[clustering]\nsamples_per_cluster = 20\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    terminal: list[str] = []

    def scan(source: Path, out: str, *args: str, env: dict[str, str] | None = None) -> None:
        result = runner.invoke(
            app,
            ["scan", "--from", str(source), "--config", str(config), "--out", str(root / out), *args],
            env={"GITHUB_REPOSITORY": "", **(env or {})},
        )
        terminal.append(result.stdout + result.stderr)
        assert result.exit_code == 0, result.stdout + result.stderr

    scan(
        export,
        "drafts",
        "--issues",
        "draft",
        "--report-json",
        str(root / "report.json"),
        "--assignments",
        str(root / "assignments.ndjson"),
        "--state",
        str(root / "state.json"),
    )
    with FakeGitHub(token=TOKEN) as server:
        env = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN}
        for run, minute in enumerate((0, 30)):
            packed = root / f"packed-{run}.ndjson"
            entries = [
                e for m in range(minute, minute + 10 * (run + 1), 10) for e in packed_entries(CORPUS, 20, m)
            ]
            packed.write_text("\n".join(json.dumps(e) for e in entries) + "\n", encoding="utf-8")
            scan(packed, f"published-{run}", "--issues", "publish", "--repo", "o/r", env=env)
        comments = server.requests_matching("POST", r".*/issues/\d+/comments")
        assert server.issues and comments, "the second run comments on the open issues"
        sent = "\n".join(r.body + r.path + json.dumps(r.query) for r in server.requests)
    inputs = {export, *root.glob("packed-*.ndjson")}
    written = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file() and p not in inputs
    )
    return written + sent + "\n".join(terminal), root, sent


def test_no_planted_secret_reaches_any_output(scanned: tuple[str, Path, str]) -> None:
    outputs, root, sent = scanned
    kinds = {p.name for p in root.rglob("*") if p.is_file()}
    assert {"report.json", "assignments.ndjson", "state.json", "gh-issues.sh"} <= kinds
    assert any(name.endswith(".md") for name in kinds) and "[REDACTED:" in sent
    found = leaks(outputs, CORPUS)
    assert found == {}, f"{len(found)} of {len(CORPUS)} formats leaked: {found}"


def test_every_planted_entry_reached_the_outputs(scanned: tuple[str, Path, str]) -> None:
    """The leak test can fail: each case's text (its probe word) is in the report, so a secret left in it
    would be seen."""
    _, root, _ = scanned
    report = (root / "report.json").read_text(encoding="utf-8")
    missing = [n for n in range(len(CORPUS)) if f"probe{n:03d}" not in report]
    assert missing == []


# Every shape of LogEntry the parser reads a text from: each string in it (but the few below) gets a credential.
_SHAPES: list[dict[str, Any]] = [
    {
        "textPayload": "probe-text worker crashed: connection refused",
        "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "api", "revision_name": "api-00042-xyz", "location": "us-central1"},
        },
        "labels": {"instanceId": "0069c7a9", "run.googleapis.com/execution_name": "exec-1"},
        "httpRequest": {
            "requestMethod": "POST",
            "requestUrl": "https://api.example.com/v1/orders?id=7",
            "status": 500,
            "latency": "1.5s",
            "userAgent": "curl/8.0",
            "remoteIp": "10.0.0.1",
            "referer": "https://example.com/",
            "protocol": "HTTP/1.1",
        },
        "errorGroups": [{"id": "CNa8hr7y3fbJzQE"}],
        "sourceLocation": {"file": "app/orders.py", "line": "42", "function": "create"},
        "trace": "projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736",
        "spanId": "00f067aa0ba902b7",
        "operation": {"id": "op-1", "producer": "github.com/acme/api"},
        "insertId": "abc123",
    },
    {
        "jsonPayload": {
            "message": "probe-json payment failed",
            "error": {
                "type": "CardError",
                "message": "declined",
                "stack": "Error: declined\n    at pay (/app/pay.js:3:9)",
            },
            "stack_trace": 'Traceback (most recent call last):\n  File "/app/a.py", line 1, in f\nValueError: bad',
            "hostname": "vm-1",
            "context": {"user": "alice", "route": "/pay"},
        },
        "resource": {"type": "gce_instance", "labels": {"instance_id": "123", "zone": "us-east1-b"}},
        "labels": {"compute.googleapis.com/resource_name": "vm-1"},
    },
    {
        "jsonPayload": {"state": "probe-summary", "detail": {"reason": "quota exceeded", "code": "RESOURCE"}},
        "resource": {
            "type": "k8s_container",
            "labels": {"namespace_name": "ns", "container_name": "c", "pod_name": "p"},
        },
    },
    {
        "jsonPayload": {
            "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
            "jobName": "projects/p/locations/l/jobs/probe-scheduler",
            "status": "INTERNAL",
            "url": "https://x.example.com/run",
            "debugInfo": "URL_ERROR-ERROR_OTHER",
        },
        "resource": {"type": "cloud_scheduler_job", "labels": {"job_id": "nightly"}},
    },
    {
        "jsonPayload": {
            "@type": "type.googleapis.com/google.cloud.tasks.logging.v1.TaskActivityLog",
            "task": "projects/p/locations/l/queues/probe-tasks/tasks/1",
            "attemptResponseLog": {"status": "UNAVAILABLE", "targetAddress": "POST https://x.example.com/t"},
        },
    },
    {
        "jsonPayload": {
            "kind": "Event",
            "reason": "BackOff",
            "message": "probe-event Back-off restarting failed container",
            "type": "Warning",
            "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "default"},
        },
        "resource": {"type": "k8s_pod", "labels": {"namespace_name": "default", "pod_name": "web-1"}},
    },
    {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "storage.googleapis.com",
            "methodName": "storage.objects.get",
            "resourceName": "projects/_/buckets/b/objects/probe-audit",
            "status": {"code": "PERMISSION_DENIED", "message": "probe-audit caller lacks access"},
            "authenticationInfo": {"principalEmail": "robot@p.iam.gserviceaccount.com"},
            "requestMetadata": {"callerIp": "10.1.1.1", "callerSuppliedUserAgent": "gcloud"},
        },
        "resource": {"type": "gcs_bucket", "labels": {"bucket_name": "b"}},
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access",
    },
    {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "request": {"name": "probe-dump", "filter": "all"},
            "response": {"error": "x"},
        },
    },
    {
        "protoPayload": {
            "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
            "method": "GET",
            "resource": "/probe-requestlog?x=1",
            "status": 500,
            "host": "app.example.com",
            "userAgent": "Mozilla/5.0",
            "versionId": "v1",
            "line": [{"logMessage": "probe-requestlog handler failed", "severity": "ERROR"}],
        },
        "resource": {"type": "gae_app", "labels": {"module_id": "default", "version_id": "v1"}},
        "labels": {"clone_id": "00c61b117c"},
    },
]
# Read as a time, a severity name or a payload's type (never as text); a credential there changes what is read.
_STRUCTURAL = frozenset(("timestamp", "receiveTimestamp", "severity", "@type"))


def _credential(path: str) -> str:
    """A GitHub token of its own for each field, so that a leak names the field."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    return "ghp_" + "".join(c.upper() if int(c, 16) % 2 else c for c in digest[:36])


def _planted(value: Any, path: str, planted: dict[str, str]) -> Any:
    """`value` with a credential after every string in it, and one more key holding one in every object."""
    if isinstance(value, str):
        planted[path] = _credential(path)
        return f"{value} {planted[path]}"
    if isinstance(value, list):
        return [_planted(item, f"{path}[{n}]", planted) for n, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    result = {
        key: item if key in _STRUCTURAL else _planted(item, f"{path}.{key}", planted)
        for key, item in value.items()
    }
    planted[f"{path}{{key}}"] = key = _credential(f"{path}{{key}}")
    result[key] = "extra"
    return result


def test_a_credential_in_any_field_of_any_entry_reaches_no_output(tmp_path: Path) -> None:
    """Each string field of each shape of entry (and a key of each object) holds a credential of its own; the
    full scan writes drafts, a report, assignments and a state, and none of them, nor the terminal, holds any
    part of any credential. A field the parser reads later is covered without changing this test."""
    planted: dict[str, str] = {}
    entries = []
    for n, shape in enumerate(_SHAPES):
        entry = _planted(shape, f"shape{n}", planted)
        entry.update(timestamp=f"2026-11-21T12:{n:02d}:00Z", severity="ERROR")
        entries.append(entry)
    export = tmp_path / "planted.ndjson"
    export.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    config = tmp_path / "gardener.toml"
    config.write_text('[issues]\nthreshold = "P3"\n', encoding="utf-8")
    out = tmp_path / "out"
    args = [
        "scan", "--from", str(export), "--config", str(config), "--out", str(out), "--issues", "draft", "--repo",
        "o/r", "--report-json", str(out / "report.json"), "--assignments", str(out / "a.ndjson"), "--state",
        str(out / "state.json"), "--since", "2026-11-21T00:00:00Z", "--until", "2026-11-22T00:00:00Z",
    ]  # fmt: skip
    result = CliRunner().invoke(app, args, env={"GITHUB_REPOSITORY": ""})
    assert result.exit_code == 0, result.stdout + result.stderr
    written = {p.name for p in out.rglob("*") if p.is_file()}
    assert {"report.json", "a.ndjson", "state.json", "gh-issues.sh"} <= written
    outputs = readable_forms(
        "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
        + result.stdout
        + result.stderr
    )
    leaked = {
        path: secret for path, secret in planted.items() if any(f in outputs for f in fragments(secret))
    }
    assert leaked == {}, f"{len(leaked)} of {len(planted)} fields leaked: {sorted(leaked)}"
    report = (out / "report.json").read_text(encoding="utf-8")
    probes = {w for shape in _SHAPES for w in re.findall(r"probe-[a-z]+", json.dumps(shape))}
    assert {probe for probe in probes if probe not in report} == set(), "every shape reached the report"
