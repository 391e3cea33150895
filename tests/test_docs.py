"""The README and docs/ say what the code does: options, exit codes, configuration keys, the rule table."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main
from pydantic import BaseModel

from loggardener.cli import app
from loggardener.config import _CONDITIONS, REASON_PLACEHOLDERS, GardenerConfig, default_rules
from loggardener.errors import ExitCode

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (ROOT / "docs" / "gardener.example.toml").read_text(encoding="utf-8")


def _options(command: str) -> set[str]:
    """The visible long options of a `gardener` command."""
    group = typer.main.get_command(app)
    params = group.commands[command].params  # type: ignore[attr-defined]
    return {opt for p in params if not getattr(p, "hidden", False) for opt in p.opts if opt.startswith("--")}


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            keys += _keys(field.annotation, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys


def test_the_readme_option_table_names_every_scan_option_and_only_those() -> None:
    table = "\n".join(line.split(" | ")[0] for line in README.splitlines() if line.startswith("| `--"))
    named = set(re.findall(r"--[a-z][a-z-]*", table))
    assert named == _options("scan") - {"--no-state"}  # --no-state is described with --state


def test_the_readme_names_every_cluster_option() -> None:
    section = README[README.index("### Clustering any log") :]
    assert all(f"`{option}" in section for option in _options("cluster"))


def test_the_readme_exit_code_table_lists_every_exit_code() -> None:
    table = README[README.index("## Exit codes") :].split("\n\n")[1]
    listed = {int(code) for row in table.splitlines()[2:] for code in re.findall(r"\d+", row.split(" | ")[0])}
    assert listed == {int(code) for code in ExitCode} | {129, 130, 143}


def test_the_example_configuration_shows_every_key_condition_and_placeholder() -> None:
    section, missing = "", []
    shown: set[str] = set()
    for line in EXAMPLE.splitlines():
        if header := re.match(r"\[\[?([a-z_.]+)\]\]?", line):
            section = header[1] + "."
        elif key := re.match(r"#?\s*([a-z_]+) = ", line):
            shown.add(section + key[1])
    missing = [key for key in _keys(GardenerConfig) if key not in shown and key != "priorities.rules"]
    assert missing == []
    assert [name for name in _CONDITIONS if name not in EXAMPLE] == []
    assert [name for name in REASON_PLACEHOLDERS if f"{{{name}}}" not in EXAMPLE] == []


def test_the_priority_table_lists_the_default_rules_in_order() -> None:
    table = (ROOT / "docs" / "priorities.md").read_text(encoding="utf-8").split("\n\n")[2]
    rows = re.findall(
        r"^\| [0-9a-z]+ \| `([a-z0-9-]+)` \| [^|]+ \| [^|]+ \| (P[0-3]) \|", table, re.MULTILINE
    )
    assert rows == [(rule.name, rule.priority) for rule in default_rules()]
