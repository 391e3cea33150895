"""Publishing test support: a hand-built ScanReport (a startup crash and the container exits it causes),
and a fake `gh` for running the drafts' script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import traceback
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from loggardener.clustering.models import AffectedFile, Cluster, Sample
from loggardener.report import ScanReport, Totals, Window

T0 = datetime(2025, 9, 16, 17, 43, 50, tzinfo=timezone.utc)
STACK = (
    "Traceback (most recent call last):\n"
    '  File "/app/netra_backend/app/websocket_core/websocket_manager.py", line 53, in <module>\n'
    "    from auth_service.auth_core.core.token_validator import TokenValidator\n"
    "ModuleNotFoundError: No module named 'auth_service'"
)


def crash_cluster(**changes: object) -> Cluster:
    """The P0 startup crash."""
    cluster = Cluster(
        fingerprint="a1b2c3d4e5f6",
        kind="exception",
        signature="ModuleNotFoundError|websocket_manager.py:<module>",
        title="ModuleNotFoundError: No module named 'auth_service' in websocket_manager.py",
        template="No module named 'auth_service'",  # import errors keep the module: it is the problem
        exception_type="ModuleNotFoundError",
        message="No module named 'auth_service'",
        count=84,
        events=28,
        share=0.084,
        severities={"ERROR": 84},
        max_severity="ERROR",
        services={"netra-backend-staging": 84},
        revisions={"netra-backend-staging-00764-9ct": 84},
        instances=3,
        first_seen=T0,
        last_seen=T0 + timedelta(minutes=55),
        error_group_ids=["CJX41MHQv-KYQA", "CMvo09eL-PjriQE"],
        affected_files=[
            AffectedFile(
                file="/app/netra_backend/app/websocket_core/websocket_manager.py",
                line=53,
                function="<module>",
                count=28,
            ),
            AffectedFile(
                file="/app/netra_backend/app/auth/models.py", line=22, function="<module>", count=12
            ),
        ],
        stack_pattern=STACK,
        language="python",
        samples=[
            Sample(
                insert_id="abc123",
                timestamp=T0,
                severity="ERROR",
                service="netra-backend-staging",
                revision="netra-backend-staging-00764-9ct",
                instance="00f4a1",
                message=STACK,
                entries=3,
            )
        ],
        buckets={"2025-09-16T17:40:00Z": 84},
        priority="P0",
        reasons=["startup crash: ModuleNotFoundError at import time; 84 entries, 8.4% of all"],
        actions=["Make the image of netra-backend-staging include auth_service, or remove the import."],
        related=["0e1f2a3b4c5d"],
        effects=["0e1f2a3b4c5d"],
        trend="new",
    )
    return cluster.model_copy(update=changes)


def exit_cluster(**changes: object) -> Cluster:
    """The container exits that follow the crash."""
    cluster = Cluster(
        fingerprint="0e1f2a3b4c5d",
        kind="message",
        signature="Container called exit(<*>).",
        title="Container called exit(<*>).",
        template="Container called exit(<*>).",
        message="Container called exit(3).",
        count=28,
        events=28,
        share=0.028,
        severities={"WARNING": 28},
        max_severity="WARNING",
        services={"netra-backend-staging": 28},
        revisions={"netra-backend-staging-00764-9ct": 28},
        instances=3,
        first_seen=T0 + timedelta(seconds=1),
        last_seen=T0 + timedelta(minutes=55, seconds=1),
        error_group_ids=[],
        affected_files=[],
        samples=[
            Sample(
                insert_id="def456",
                timestamp=T0 + timedelta(seconds=1),
                severity="WARNING",
                service="netra-backend-staging",
                instance="00f4a1",
                message="Container called exit(3).",
            )
        ],
        buckets={"2025-09-16T17:40:00Z": 28},
        priority="P0",
        reasons=["container exit loop: 28 container exits between 17:43:51 and 18:38:51"],
        related=["a1b2c3d4e5f6"],
        causes=["a1b2c3d4e5f6"],
    )
    return cluster.model_copy(update=changes)


def warning_cluster(**changes: object) -> Cluster:
    """A P3 warning, below the default threshold."""
    cluster = Cluster(
        fingerprint="9999aaaa0000",
        kind="message",
        signature="Sentry SDK not available",
        title="Sentry SDK not available",
        template="Sentry SDK not available",
        message="Sentry SDK not available - install sentry-sdk[fastapi] to enable error tracking",
        count=5,
        events=5,
        share=0.005,
        severities={"WARNING": 5},
        max_severity="WARNING",
        services={"netra-backend-staging": 5},
        revisions={},
        instances=1,
        first_seen=T0,
        last_seen=T0 + timedelta(minutes=1),
        error_group_ids=[],
        affected_files=[],
        samples=[],
        buckets={},
        priority="P3",
        reasons=["low-impact warning: 5 entries"],
    )
    return cluster.model_copy(update=changes)


def make_report(*clusters: Cluster, generated_at: datetime | None = None) -> ScanReport:
    """A report holding `clusters` (default: crash, exits, warning)."""
    chosen = list(clusters) if clusters else [crash_cluster(), exit_cluster(), warning_cluster()]
    return ScanReport(
        tool_version="0.1.0",
        generated_at=generated_at or T0 + timedelta(hours=1),
        project="netra-staging",
        source="tests",
        query_filter='severity>=WARNING AND resource.labels.service_name="netra-backend-staging"',
        console_url="https://console.cloud.google.com/logs/query;query=severity%3E%3DWARNING?project=netra-staging",
        window=Window(start=T0 - timedelta(hours=11), end=T0 + timedelta(hours=1), label="last 12 hours"),
        services=["netra-backend-staging"],
        min_severity="WARNING",
        status="CRITICAL: 2 P0 problems",
        totals=Totals(read=1000, clustered=1000, events=900),
        clusters=chosen,
    )


GH_WRAPPER = r"""#!/usr/bin/env bash
# A fake `gh`: hands its working directory and arguments to the test's FakeGh (a thread of the test's process)
# through one named pipe, and answers with its exit code, output and errors from another.
printf '%s\0' "$PWD" "$@" >"$GH_ASK"
{ IFS= read -r -d '' code; IFS= read -r -d '' out; IFS= read -r -d '' err; } <"$GH_ANSWER"
printf '%s' "$out"
printf '%s' "$err" >&2
exit "$code"
"""
VALUED = {
    *("--repo", "--label", "--state", "--limit", "--json", "--jq", "--title", "--body-file", "--add-label"),
    *("--search", "--remove-label"),
}
"""The gh options the drafts' script uses that take a value."""


def require(tool: str) -> None:
    """Skip the test when `tool` is not installed; under CI (CI set), fail instead."""
    if shutil.which(tool) is None:
        message = f"needs {tool} on PATH"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class FakeGh:
    """A `gh` on PATH that keeps issues in a JSON file, for running the drafts' `gh-issues.sh` for real; filters
    --jq output with the real jq. The `gh` a script calls is a few lines of bash handing each call to this object
    (in a thread while `run` runs): a script makes dozens of calls, and a Python started for each took most of
    its time."""

    def __init__(self, root: Path) -> None:
        require("bash")
        require("jq")
        self.root = root
        bin_dir = root / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        script = bin_dir / "gh"
        script.write_text(GH_WRAPPER, encoding="utf-8")
        script.chmod(0o755)
        self._ask, self._answer = root / "gh-ask", root / "gh-answer"
        os.mkfifo(self._ask)
        os.mkfifo(self._answer)
        self.state = root / "gh-state.json"
        self.state.write_text(json.dumps({"issues": [], "labels": []}), encoding="utf-8")
        self.calls: list[list[str]] = []
        """The argument lists of the last run's gh calls."""
        self._fail: Sequence[str] = ()
        self._now: str | None = None
        self.env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "GH_ASK": str(self._ask),
            "GH_ANSWER": str(self._answer),
        }

    @property
    def issues(self) -> list[dict[str, Any]]:
        issues: list[dict[str, Any]] = json.loads(self.state.read_text(encoding="utf-8"))["issues"]
        return issues

    def add_issue(
        self,
        body: str,
        state: str = "OPEN",
        closed_at: str | None = None,
        state_reason: str | None = None,
        labels: Sequence[str] = ("log-gardener",),
        title: str | None = None,
    ) -> int:
        """An issue (labelled `log-gardener` unless `labels` say otherwise); returns its number."""
        data = json.loads(self.state.read_text(encoding="utf-8"))
        number = len(data["issues"]) + 1
        data["issues"].append(
            {
                "number": number,
                "title": title or f"issue {number}",
                "body": body,
                "labels": list(labels),
                "state": state,
                "closedAt": closed_at,
                "stateReason": state_reason,
                "comments": [],
            }
        )
        self.state.write_text(json.dumps(data), encoding="utf-8")
        return number

    def run(self, script: Path, *, fail: Sequence[str] = (), **env: str) -> subprocess.CompletedProcess[str]:
        """Run `script` (a fresh call log each time); `fail` names gh commands that exit 1, e.g. `issue list`;
        GH_NOW in `env` is the time of gh's writes. Fails the test if the fake itself failed."""
        self.calls, self._fail, self._now = [], fail, env.get("GH_NOW")
        faults: list[BaseException] = []
        serving = threading.Thread(target=self._serve, args=(faults,), daemon=True)
        serving.start()
        try:
            return subprocess.run(
                ["bash", str(script)],
                env={**self.env, **env},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        finally:
            with suppress(OSError):  # an empty call ends the thread; none is needed when it ended already
                os.close(os.open(self._ask, os.O_WRONLY | os.O_NONBLOCK))
            serving.join(5)
            assert not faults, "the fake gh failed: " + "".join(traceback.format_exception(faults[0]))

    def _serve(self, faults: list[BaseException]) -> None:
        """Answer the script's gh calls, one at a time, until an empty one."""
        while True:
            with open(self._ask, "rb") as asked:
                message = asked.read()
            if not message:
                return
            cwd, *args = message.decode("utf-8", "surrogateescape").split("\0")[:-1]
            try:
                code, out, err = self._gh(args, Path(cwd))
            except Exception as fault:
                faults.append(fault)
                code, out, err = 70, "", f"fake gh failed: {fault!r}\n"
            with open(self._answer, "wb") as answer:
                answer.write(f"{code}\0{out}\0{err}\0".encode("utf-8", "surrogateescape"))

    def _gh(self, args: list[str], cwd: Path) -> tuple[int, str, str]:
        """gh's exit code, output and errors for `args`, run in `cwd`."""
        self.calls.append(args)
        command = " ".join(args[:2])
        if command in self._fail:
            return 1, "", f"gh: {command} failed (HTTP 502)\n"
        if "--search" in args and "issue search" in self._fail:
            return 1, "", "gh: API rate limit exceeded for search (HTTP 403)\n"
        options: dict[str, list[str]] = {}
        positional: list[str] = []
        index = 2
        while index < len(args):
            if args[index] in VALUED:
                options.setdefault(args[index], []).append(args[index + 1])
                index += 2
            else:
                positional.append(args[index])
                index += 1
        one = {key: values[-1] for key, values in options.items()}
        state = json.loads(self.state.read_text(encoding="utf-8"))
        issues: list[dict[str, Any]] = state["issues"]

        def answer(value: Any) -> tuple[int, str, str]:
            if "--jq" in one:
                done = subprocess.run(
                    ["jq", "-r", one["--jq"]],
                    input=json.dumps(value),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                return done.returncode, done.stdout, done.stderr
            return 0, json.dumps(value) + "\n", ""

        def issue(number: str | int) -> dict[str, Any]:
            return next(i for i in issues if i["number"] == int(number))

        if args[0] == "api":  # gh api repos/OWNER/NAME/issues/N: the REST issue, its state_reason with it
            found = issue(args[1].rsplit("/", 1)[1])
            reason = (found.get("stateReason") or "").lower() or None
            labels = [{"name": n} for n in found["labels"]]
            rest = {"number": found["number"], "title": found["title"], "state": found["state"].lower()}
            return answer({**rest, "state_reason": reason, "labels": labels})
        if command == "issue list":
            wanted = [
                i
                for i in sorted(issues, key=lambda i: -i["number"])  # gh lists the newest first
                if one["--state"] in ("all", i["state"].lower())
                and (
                    one["--search"].split()[0] in i["body"]  # GitHub search: the fingerprint the body shows
                    if "--search" in one
                    else one["--label"] in i["labels"]
                )
            ][: int(one["--limit"])]
            shown = [{**i, "labels": [{"name": n} for n in i["labels"]]} for i in wanted]
            return answer([{key: i[key] for key in one["--json"].split(",")} for i in shown])
        if command == "issue view":
            found = issue(positional[0])
            times = found.get("commentTimes", [])
            comments = [{"body": b, "createdAt": t} for b, t in zip(found["comments"], times, strict=False)]
            return answer({key: {**found, "comments": comments}[key] for key in one["--json"].split(",")})
        number = 0  # gh issue edit prints the issue's URL, label create nothing: the script discards both
        if command == "issue create":
            labels = [name for value in options["--label"] for name in value.split(",")]
            number = len(issues) + 1
            issues.append(
                {
                    "number": number,
                    "title": one["--title"],
                    "body": (cwd / one["--body-file"]).read_text(encoding="utf-8"),
                    "labels": labels,
                    "state": "OPEN",
                    "closedAt": None,
                    "comments": [],
                }
            )
        elif command == "issue comment":
            number = int(positional[0])
            issue(number)["comments"].append((cwd / one["--body-file"]).read_text(encoding="utf-8"))
            now = self._now or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            issue(number).setdefault("commentTimes", []).append(now)
        elif command == "issue edit":
            found = issue(positional[0])
            found["title"] = one.get("--title", found["title"])
            removed = set(options.get("--remove-label", []))
            found["labels"] = [n for n in found["labels"] if n not in removed] + [
                n for n in options.get("--add-label", []) if n not in found["labels"]
            ]
        elif command == "issue reopen":
            number = int(positional[0])
            issue(number).update(state="OPEN", closedAt=None)
        elif command == "label create":
            if positional[0] in state["labels"]:
                return 1, "", f"label {positional[0]!r} already exists\n"
            state["labels"].append(positional[0])
        else:
            return 1, "", f"fake gh: unknown command {args}\n"
        self.state.write_text(json.dumps(state), encoding="utf-8")
        return 0, f"https://github.test/o/r/issues/{number}\n" if number else "", ""

    def count(self, command: str) -> int:
        """How many of the last run's calls were `command` (e.g. `issue create`)."""
        return sum(" ".join(call[:2]) == command for call in self.calls)
