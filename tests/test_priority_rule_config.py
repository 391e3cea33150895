"""Custom priority rules are checked when the configuration loads: a rule without a condition would decide
every problem, and an unknown placeholder in its reason would be printed raw."""

from __future__ import annotations

from pathlib import Path

import pytest

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
