"""Custom priority rules are checked when the configuration loads: a rule without a condition would decide
every problem, and an unknown placeholder in its reason would be printed raw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from entry_factories import run_entry
from linear import assert_linear
from loggardener.cli import app
from loggardener.config import load_config
from loggardener.errors import ExitCode, GardenerError


def _load(tmp_path: Path, rule: str) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(f'[[priorities.rules]]\nname = "mine"\npriority = "P0"\n{rule}\n', encoding="utf-8")
    load_config(path)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('reason = "everything"', "rule 'mine' has no condition"),
        ('reason = "x {nosuch}"\nmin_count = 1', "unknown placeholder {nosuch}"),
        ('reason = "x {0}"\nmin_count = 1', "not a valid template"),
        ('reason = "x {count"\nmin_count = 1', "not a valid template"),
        ('reason = "r"\nprincipal_kinds = ["robot"]', "principal_kinds.0': Input should be 'anonymous'"),
        ('reason = "r"\naudit_statuses = ["NOTFOUND"]', "audit_statuses.0': Input should be 'OK'"),
    ],
)
def test_a_bad_custom_rule_is_a_config_error(tmp_path: Path, rule: str, message: str) -> None:
    with pytest.raises(GardenerError) as error:
        _load(tmp_path, rule)
    assert error.value.exit_code == ExitCode.BAD_CONFIG
    assert "priorities.rules.0" in error.value.message and message in error.value.message


def test_a_rule_that_matches_everything_on_purpose_is_accepted(tmp_path: Path) -> None:
    _load(tmp_path, 'reason = "{entries} in {services}"\nmin_severity = "DEFAULT"')


@pytest.mark.parametrize(
    "reason",
    ["{count.__class__.__mro__}", "{title[0]}", "{count!r}", "{title:>99999999999}", "{entries:d}"],
)
def test_a_reason_placeholder_is_a_plain_name(tmp_path: Path, reason: str) -> None:
    """An attribute, index, conversion or format spec would read Python internals, or exhaust memory
    rendering, where a reason only names facts."""
    with pytest.raises(GardenerError) as error:
        _load(tmp_path, f'reason = "{reason}"\nmin_count = 1')
    assert error.value.exit_code == ExitCode.BAD_CONFIG
    assert "write a placeholder as {" in error.value.message


@pytest.mark.parametrize("template", ["{name.__class__}", "{name:>99999999999}", "{priority!a} {name}"])
def test_an_issue_title_placeholder_is_a_plain_name(tmp_path: Path, template: str) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(f'[issues]\ntitle_template = "{template}"\n', encoding="utf-8")
    with pytest.raises(GardenerError) as error:
        load_config(path)
    assert error.value.exit_code == ExitCode.BAD_CONFIG
    assert (
        "issues.title_template" in error.value.message and "write a placeholder as {" in error.value.message
    )


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("message_patterns", "(?<!no )payment"),
        ("stack_patterns", "(a)\\1"),
        ("route_patterns", "(?:a{1000}){1000}"),
    ],
)
def test_a_rule_pattern_must_be_re2_syntax(tmp_path: Path, key: str, pattern: str) -> None:
    """Your rules' patterns run on RE2: lookaround, backreferences and repeats past RE2's limit are refused
    when the configuration loads, naming the rule and the key."""
    with pytest.raises(GardenerError) as error:
        _load(tmp_path, f"reason = \"r\"\n{key} = ['{pattern}']")
    assert error.value.exit_code == ExitCode.BAD_CONFIG
    assert f"rule 'mine': {key}" in error.value.message and "not RE2 syntax" in error.value.message


def test_a_rule_pattern_that_backtracks_cannot_hang_the_scan(tmp_path: Path) -> None:
    """`(a+)+$` backtracks exponentially in Python's re on `aaa…a!` (a minute at 30 characters); the rules of
    the configuration are searched with RE2, linear in the text, so the scan's time follows the message's size."""
    (tmp_path / "gardener.toml").write_text(
        '[[priorities.rules]]\nname = "evil"\npriority = "P0"\nreason = "r"\nmessage_patterns = [\'(a+)+$\']\n'
        "stack_patterns = ['(a|aa)+$']\nroute_patterns = ['^/(a*)*$']\n",
        encoding="utf-8",
    )

    def scan(n: int) -> Result:
        export = tmp_path / f"export-{n}.ndjson"
        entries = [
            run_entry(
                i,
                text="payment " + "a" * n + "!",
                severity="ERROR",
                httpRequest={"requestUrl": "/" + "a" * n + "!", "status": 500},
            )
            for i in range(3)
        ]
        export.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        return CliRunner().invoke(
            app,
            [
                *("scan", "--from", str(export), "--config", str(tmp_path / "gardener.toml"), "--no-state"),
                *("--out", str(tmp_path / "out"), "--report-json", str(tmp_path / "r.json")),
            ],
        )

    result = assert_linear(scan, 24)
    assert result.exit_code == 0, result.output
