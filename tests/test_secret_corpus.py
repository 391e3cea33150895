"""No planted credential reaches any output of `gardener scan`: more than 100 formats, four placements each.

The whole scan runs through typer's CliRunner: once over the planted export with drafts (`--issues draft`,
which writes the drafts and gh-issues.sh), a report, assignments and a state file; then twice over the cases
packed into a few entries, publishing to the fake GitHub server (issues, then status comments on them). Every file written, every request body sent and the terminal output are searched for
each secret, for any fragment of it of 17 characters or more, in raw, URL-decoded and unescaped forms.
"""

from __future__ import annotations

import functools
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
