"""pydantic's search for plugins, skipped while its plugins are off.

`cli.main` turns pydantic's plugins off for gardener's own models (PYDANTIC_DISABLE_PLUGINS=`__all__`, unless the
user set the variable). pydantic still imports its plugin loader the first time it builds a validator, and the
loader imports `importlib.metadata` (with `email`, `zipfile`, `csv` and more) for a search it will not make: 2% of
the instructions of `scan --demo`. `skip_search` puts a loader of gardener's in that module's place, which finds
no plugin while they are off and hands over to pydantic's own loader once they are not (the variable changed).
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

LOADER = "pydantic.plugin._loader"
"""The module pydantic's validators import `get_plugins` from."""

_OFF = ("__all__", "1", "true")
"""The values of PYDANTIC_DISABLE_PLUGINS that pydantic's `get_plugins` reads as every plugin off."""


def plugins_off() -> bool:
    return os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _OFF


def skip_search() -> None:
    """While pydantic's plugins are off and its loader is not loaded yet, stand in for the loader."""
    if not plugins_off() or LOADER in sys.modules:
        return
    loader = types.ModuleType(LOADER, __doc__)
    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = loader


def get_plugins() -> Any:
    """No plugin while they are off; else pydantic's own loader's answer, the stand-in replaced by it."""
    if plugins_off():
        return ()
    if getattr(sys.modules.get(LOADER), "get_plugins", None) is get_plugins:
        del sys.modules[LOADER]
    return importlib.import_module(LOADER).get_plugins()
