"""With pydantic's plugins off (as `cli.main` turns them), its validators are built without its plugin loader and
the `importlib.metadata` that loader imports; with them on, pydantic's own loader answers (issue 13)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from loggardener import pydantic_plugins

_PROBE = """
import os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
from loggardener import pydantic_plugins
pydantic_plugins.skip_search()
import pydantic
assert pydantic.TypeAdapter(int).validate_python("3") == 3
print(sorted(m for m in ("importlib.metadata", "email") if m in sys.modules))
"""


def test_validators_are_built_without_importlib_metadata_while_plugins_are_off() -> None:
    loaded = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_stand_in_hands_over_to_pydantics_loader_once_plugins_are_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, pydantic_plugins.LOADER, raising=False)
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    pydantic_plugins.skip_search()
    stand_in = sys.modules[pydantic_plugins.LOADER]
    assert list(stand_in.get_plugins()) == []
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some-plugin")  # one plugin off by name: the others load
    found = stand_in.get_plugins()
    loader = sys.modules[pydantic_plugins.LOADER]
    assert loader is not stand_in and loader.get_plugins is not pydantic_plugins.get_plugins
    assert list(found) == list(loader.get_plugins())


def test_no_stand_in_while_plugins_are_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, pydantic_plugins.LOADER, raising=False)
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    pydantic_plugins.skip_search()
    assert pydantic_plugins.LOADER not in sys.modules
