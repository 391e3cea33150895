from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from entry_factories import run_entry
from loggardener.cli import app
from loggardener.sources.demo import demo_export_path

GOLDEN = Path(__file__).parent / "golden" / "demo-worklog.md"
NOW = "2026-11-21T17:45:00Z"
runner = CliRunner()

DEMO_STAGED_PROBLEMS = 17  # the container exits of orders-api and of orders-reconcile are two


def scan(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["scan", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One demo scan with every output, shared by the tests that only read its files."""
    directory = tmp_path_factory.mktemp("demo")
    code, stdout, _ = scan(
        "--demo",
        "--out",
        str(directory),
        "--now",
        NOW,
        "--report-json",
        str(directory / "r.json"),
        "--assignments",
        str(directory / "a.ndjson"),
    )
    assert code == 0, stdout
    return directory, stdout


def test_demo_scan_writes_the_worklog_report_and_assignments(demo_run: tuple[Path, str]) -> None:
    tmp_path, stdout = demo_run
    worklogs = list(tmp_path.glob("GCP-LOG-GARDENER-WORKLOG-*.md"))
    assert [w.name for w in worklogs] == ["GCP-LOG-GARDENER-WORKLOG-last-59-minutes-2026-11-21-17-39.md"]
    assert f"Worklog: {worklogs[0]}" in " ".join(stdout.split())

    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(report["clusters"]) == DEMO_STAGED_PROBLEMS
    first = report["clusters"][0]
    assert first["priority"] == "P0"
    assert first["exception_type"] == "ModuleNotFoundError"
    assert first["reasons"][0].startswith("startup crash")
    for key in (
        "fingerprint",
        "title",
        "priority",
        "reasons",
        "count",
        "share",
        "first_seen",
        "last_seen",
        "exception_type",
        "affected_files",
        "error_group_ids",
    ):
        assert key in first
    assert set(report) >= {"window", "totals", "clusters"}
    totals = report["totals"]
    assert totals["read"] == totals["clustered"] + sum(totals["skipped"].values())

    demo_entries = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    lines = [json.loads(line) for line in (tmp_path / "a.ndjson").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(demo_entries)
    assert {line["insertId"] for line in lines} == {entry["insertId"] for entry in demo_entries}
    by_fingerprint = {c["fingerprint"]: c["count"] for c in report["clusters"]}
    for fingerprint, count in by_fingerprint.items():
        assert sum(1 for line in lines if line["fingerprint"] == fingerprint) == count


def test_demo_worklog_matches_the_golden_file(tmp_path: Path) -> None:
    code, stdout, _ = scan("--demo", "--out", str(tmp_path), "--now", NOW)
    assert code == 0, stdout
    rendered = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 and review the diff"


def test_the_committed_example_worklog_is_the_demo_worklog() -> None:
    """README: the Quickstart writes the same worklog as the example in `worklogs/` (but for when)."""
    examples = list((Path(__file__).parent.parent / "worklogs").glob("GCP-LOG-GARDENER-WORKLOG-*.md"))
    assert len(examples) == 1, examples

    def undated(text: str) -> list[str]:
        return [line for line in text.splitlines() if "Generated" not in line]

    assert undated(examples[0].read_text(encoding="utf-8")) == undated(GOLDEN.read_text(encoding="utf-8")), (
        "regenerate it with a new state: gardener scan --demo --out worklogs --state /tmp/new-state.json"
    )


def test_split_traceback_is_reassembled_in_the_first_cluster(demo_run: tuple[Path, str]) -> None:
    tmp_path, _ = demo_run
    first = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["clusters"][0]
    assert first["count"] > first["events"]  # several entries per event: split lines were joined
    assert {f["file"] for f in first["affected_files"]} == {
        "/app/orders/routes/checkout.py",
        "/app/orders/workers/reconcile.py",
        "/app/orders/billing/invoice.py",
    }
    assert "Traceback (most recent call last):" in first["stack_pattern"]


def test_no_planted_secret_reaches_any_output(demo_run: tuple[Path, str]) -> None:
    tmp_path, _ = demo_run
    planted = ("Pg-S3cret-2026", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjRmOGQifQ", "c2lnbmF0dXJlLW5vdC1yZWFs")
    for path in tmp_path.iterdir():
        assert path.is_file()
        text = path.read_text(encoding="utf-8")
        for secret in planted:
            assert secret not in text, f"{secret} leaked into {path.name}"


def test_gzip_ndjson_stdin_and_window_filters(tmp_path: Path, write_export) -> None:  # type: ignore[no-untyped-def]
    entries = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    ndjson = "".join(json.dumps(e) + "\n" for e in entries)
    result = runner.invoke(
        app,
        ["scan", "--from", "-", "--out", str(tmp_path), "--report-json", str(tmp_path / "stdin.json")],
        input=ndjson,
    )
    assert result.exit_code == 0, result.stdout
    stdin_report = json.loads((tmp_path / "stdin.json").read_text(encoding="utf-8"))
    assert len(stdin_report["clusters"]) == DEMO_STAGED_PROBLEMS

    code, output, _ = scan(
        "--from",
        str(demo_export_path()),
        "--out",
        str(tmp_path),
        "--since",
        "2026-11-21T17:00:00Z",
        "--until",
        "2026-11-21T17:10:00Z",
        "--service",
        "inventory-svc",
        "--report-json",
        str(tmp_path / "w.json"),
    )
    assert code == 0, output
    windowed = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert windowed["services"] == ["inventory-svc"]
    assert all("2026-11-21T17:00" <= c["first_seen"] <= "2026-11-21T17:10" for c in windowed["clusters"])
    assert windowed["totals"]["skipped"]["outside the window"] > 0
    assert windowed["totals"]["skipped"]["other service"] > 0


def test_malformed_lines_are_counted_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    good = {
        "insertId": "a",
        "timestamp": "2026-11-21T12:00:00Z",
        "severity": "ERROR",
        "textPayload": "boom 1",
    }
    path.write_text(
        json.dumps(good)
        + "\n{not json\n[1, 2]\n"
        + json.dumps({"insertId": "b", "timestamp": "never", "textPayload": "x"})
        + "\n"
        + json.dumps(good | {"insertId": "c", "textPayload": "boom 2"})
        + "\n",
        encoding="utf-8",
    )
    code, stdout, stderr = scan(
        "--from", str(path), "--out", str(tmp_path), "--report-json", str(tmp_path / "r.json")
    )
    assert code == 0, stdout
    assert "skipped line 2" in stderr and "skipped line 3" in stderr and "skipped line 4" in stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["totals"]["read"] == 5
    assert report["totals"]["skipped"] == {"malformed": 3}
    assert report["clusters"][0]["count"] == 2
    worklog = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "line 3:" in worklog


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "/nonexistent/export.json"], "no such file"),
        (["--since", "yesterday", "--demo"], "give an RFC 3339 time"),
        ([], "nothing to scan"),
        (["--demo", "--from", "x"], "either --demo or --from"),
        (
            ["--demo", "--since", "2026-11-21T18:00:00Z", "--until", "2026-11-21T17:00:00Z"],
            "the window is empty",
        ),
        (["--demo", "--hours", "0"], "give a number of hours above 0"),
        (["--demo", "--hours", "2", "--since", "2026-11-21T17:00:00Z"], "either --hours or --since"),
        (["--demo", "--no-state", "--state", "s.json"], "either --state PATH or --no-state"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, stderr = scan(*args, "--out", str(tmp_path))
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_file_that_is_not_json_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, these are not logs\n", encoding="utf-8")
    code, _, stderr = scan("--from", str(path), "--out", str(tmp_path))
    assert code == 2 and "is not a Cloud Logging export" in stderr
    assert "a text log, one message per line, is grouped by `gardener cluster`" in " ".join(stderr.split())


def test_an_export_compressed_other_than_gzip_is_named_exit_2(tmp_path: Path) -> None:
    import bz2
    import lzma

    text = b'{"timestamp": "2026-11-21T12:00:00Z", "textPayload": "x"}\n'
    for name, data, tool in (
        ("e.json.bz2", bz2.compress(text), "bzip2"),
        ("e.json.xz", lzma.compress(text), "xz"),
        ("e.json.zst", b"\x28\xb5\x2f\xfd" + text, "zstd"),
        (
            "e.meta.zst",
            b"\x50\x2a\x4d\x18\x04\x00\x00\x00meta\x28\xb5\x2f\xfd" + text,
            "zstd",
        ),  # skippable frame
        ("e.json.lz4", b"\x04\x22\x4d\x18" + text, "lz4"),
        ("e.zip", b"PK\x03\x04" + text, "zip"),
        ("e.json.gz", gzip.compress(gzip.compress(text)), "gzip twice"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        code, _, stderr = scan("--from", str(path), "--out", str(tmp_path), "--no-state")
        assert code == 2 and f"is compressed with {tool}" in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1


def _tar(member: str, data: bytes) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_an_export_in_a_tar_archive_is_named_exit_2(tmp_path: Path) -> None:
    text = b'{"timestamp": "2026-11-21T12:00:00Z", "severity": "ERROR", "textPayload": "x"}\n'
    for name, data in (("e.tar", _tar("e.json", text)), ("e.tar.gz", gzip.compress(_tar("e.json", text)))):
        path = tmp_path / name
        path.write_bytes(data)
        code, _, stderr = scan("--from", str(path), "--out", str(tmp_path / "out"), "--no-state")
        assert code == 2 and "is a tar archive: extract its files first (tar -xf)" in stderr, stderr


def test_outputs_named_gz_are_gzip_compressed(tmp_path: Path) -> None:
    """They were plain JSON under a .gz name, which zcat, gunzip and the tools reading them by name refuse."""
    report, assignments = tmp_path / "report.json.gz", tmp_path / "assignments.ndjson.gz"
    code, _, stderr = scan(
        "--demo", "--out", str(tmp_path / "out"), "--no-state", "--report-json", str(report),
        "--assignments", str(assignments),
    )  # fmt: skip
    assert code == 0, stderr
    assert json.loads(gzip.decompress(report.read_bytes()))["totals"]["read"] > 0
    lines = gzip.decompress(assignments.read_bytes()).decode("utf-8").splitlines()
    assert lines and all("position" in json.loads(line) for line in lines)


def test_bad_config_names_the_key_and_exits_3(tmp_path: Path) -> None:
    config = tmp_path / "gardener.toml"
    config.write_text("[priorities]\nuse_default_rule = false\n", encoding="utf-8")
    code, _, stderr = scan("--demo", "--config", str(config), "--out", str(tmp_path))
    assert code == 3
    assert "priorities.use_default_rule" in stderr


def test_config_rules_override_priorities(tmp_path: Path) -> None:
    config = tmp_path / "gardener.toml"
    config.write_text(
        '[[priorities.rules]]\nname = "sentry"\npriority = "P1"\nreason = "we rely on Sentry: {count} warnings"\n'
        'message_patterns = ["Sentry SDK"]\n',
        encoding="utf-8",
    )
    code, _, _ = scan(
        "--demo", "--config", str(config), "--out", str(tmp_path), "--report-json", str(tmp_path / "r.json")
    )
    assert code == 0
    clusters = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["clusters"]
    sentry = next(c for c in clusters if "Sentry" in c["title"])
    assert sentry["priority"] == "P1" and sentry["reasons"] == ["we rely on Sentry: 8 warnings"]


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "worklog.md.j2").write_text("{{ clusters | length }} problems\n", encoding="utf-8")
    code, _, _ = scan("--demo", "--templates", str(templates), "--out", str(tmp_path / "out"))
    assert code == 0
    written = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert re.fullmatch(r"17 problems\n\n<!-- log-gardener:run=[0-9a-f]{16} -->\n", written)


def test_empty_input_is_an_error_not_an_all_clear(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "--from", "-", "--out", str(tmp_path)], input="")
    assert result.exit_code == 2
    assert "standard input is empty" in result.stderr


def test_an_export_of_nothing_is_healthy(tmp_path: Path) -> None:
    path = tmp_path / "quiet.json"
    path.write_text("[]\n", encoding="utf-8")
    code, stdout, _ = scan("--from", str(path), "--out", str(tmp_path))
    assert code == 0
    assert "HEALTHY" in stdout


def test_a_service_missing_from_the_input_is_said_loudly(tmp_path: Path) -> None:
    code, _, stderr = scan("--demo", "--service", "orders-apii", "--out", str(tmp_path), "--no-state")
    assert code == 0
    assert (
        "no entry of --service orders-apii in the input; services it has: finance/ledger, inventory-svc"
        in " ".join(stderr.split())
    )
    assert "no entry of --service orders-apii" in next(tmp_path.glob("*.md")).read_text(encoding="utf-8")


def test_a_broken_template_stops_the_scan_before_anything_is_written(tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "worklog.md.j2").write_text("{% for x in %}\n", encoding="utf-8")
    code, _, stderr = scan("--demo", "--templates", str(templates), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "template worklog.md.j2 (line 1)" in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ({"worklog.md.j2": '{% include "partials/gone.md.j2" %}\n'}, "'partials/gone.md.j2' not found"),
        (
            {"worklog.md.j2": '{% include "partials/p.md.j2" %}\n', "partials/p.md.j2": "{% if %}\n"},
            "template partials/p.md.j2 (line 1)",
        ),
        (
            {"worklog.md.j2": b"\xff\xfe{{ 1 }}\n"},
            "template worklog.md.j2 (from --templates) is not UTF-8 text (byte 0xff at offset 0): save it as UTF-8",
        ),
        (
            {"worklog.md.j2": '{% include "partials/p.md.j2" %}\n', "partials/p.md.j2": b"# R\xe9sum\xe9\n"},
            "template partials/p.md.j2 (from --templates) is not UTF-8 text (byte 0xe9 at offset 3)",
        ),
    ],
)
def test_a_template_that_cannot_load_stops_the_scan_before_anything_is_written(
    tmp_path: Path, files: dict[str, str | bytes], said: str
) -> None:
    templates = tmp_path / "tpl"
    for name, text in files.items():
        (templates / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            (templates / name).write_bytes(text)
        else:
            (templates / name).write_text(text, encoding="utf-8")
    code, _, stderr = scan("--demo", "--templates", str(templates), "--out", str(tmp_path / "out"))
    assert code == 2
    assert said in stderr and "internal error" not in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("partial", "said"),
    [
        ("{{ 1 // 0 }}", "template partials/p.md.j2 (line 2) (from --templates): ZeroDivisionError"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "(from --templates): RecursionError"),
        ("{{ (1).nope() }}", "template partials/p.md.j2 (line 2): 'int object' has no attribute 'nope'"),
    ],
)
def test_a_template_failing_on_the_report_is_one_line_naming_its_line(
    tmp_path: Path, partial: str, said: str
) -> None:
    templates = tmp_path / "tpl"
    (templates / "partials").mkdir(parents=True)
    (templates / "worklog.md.j2").write_text('{% include "partials/p.md.j2" %}\n', encoding="utf-8")
    (templates / "partials" / "p.md.j2").write_text(f"line one\n{partial}\n", encoding="utf-8")
    report = tmp_path / "r.json"
    code, _, stderr = scan(
        "--demo", "--templates", str(templates), "--out", str(tmp_path / "out"), "--report-json", str(report)
    )
    assert code == 2
    assert said in " ".join(stderr.split()) and "internal error" not in stderr
    assert report.exists()


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    "command", [["scan", "--no-state", "--from"], ["cluster"], ["cluster", "--format", "gcloud"]]
)
def test_an_input_that_fails_to_read_is_one_line(tmp_path: Path, command: list[str]) -> None:
    """/proc/self/mem opens but answers EIO from offset 0, as a failing disk or a broken mount does."""
    result = runner.invoke(
        app, [*command, "/proc/self/mem", *(["--out", str(tmp_path)] if "scan" in command else [])]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "error: cannot read /proc/self/mem: Input/output error"


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--report-json", "{dir}/x.json", "--assignments", "{dir}/./x.json"],
            "--report-json and --assignments",
        ),
        (["--report-json", "{export}"], "--from and --report-json"),
        (["--assignments", "{export}"], "--from and --assignments"),
        (["--state", "{dir}/s.json", "--report-json", "{dir}/s.json"], "--report-json and the state file"),
    ],
)
def test_two_outputs_or_an_output_and_the_input_on_one_path_are_refused(
    tmp_path: Path, options: list[str], said: str
) -> None:
    """Only the file written last would remain: the export replaced by its report, a report over the state."""
    export = tmp_path / "export.ndjson"
    export.write_text(json.dumps(run_entry(0, text="boom", severity="ERROR")) + "\n", encoding="utf-8")
    original = export.read_bytes()
    filled = [option.format(dir=tmp_path, export=export) for option in options]
    if "--state" not in filled:
        filled.append("--no-state")
    code, _, stderr = scan("--from", str(export), "--out", str(tmp_path / "out"), *filled)
    assert code == 2
    assert stderr.startswith(f"error: {said} are the same file")
    assert export.read_bytes() == original
    assert not (tmp_path / "out").exists()
