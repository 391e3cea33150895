"""Packaging metadata: an SPDX license with its file (PEP 639), and an sdist that does not ship tests it
cannot run (they need the fakes, the golden files and ../shared)."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).parents[1]


def test_the_license_is_spdx_metadata_with_its_file() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_sdist_ships_no_tests_but_the_license() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert "tests" not in include
    assert "LICENSE" in include
    requires = config["build-system"]["requires"]
    assert requires == ["hatchling>=1.27"]  # the first hatchling to write PEP 639 metadata
