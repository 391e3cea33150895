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
