"""The code `dataclasses` generates, compiled once per installation, not once per run.

For each class it decorates, `dataclasses` writes the source of `__init__`, `__repr__`, `__eq__` and the rest, and
runs it with `exec`, which parses and compiles it: some 370 functions for the classes a scan loads (gardener's,
typer's and pydantic's), 6% of the instructions of `scan --demo`. `install` has `dataclasses` run that source
through `cached_exec`, which keeps the compiled code of each source in gardener's cache directory, as Python keeps
modules' bytecode in `__pycache__`, keyed by the whole source text, for this Python and this optimization level
only. The code is what `exec` compiles from the same text (same file name, no inherited `__future__` flags), so
the classes are the classes `dataclasses` makes without it. A missing, stale, damaged or unwritable cache only
costs the time it saves. The cache is the user's own (written with mode 0o600), trusted as `__pycache__` is.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import sys
from types import CodeType
from typing import Any

from loggardener.cache import kept_entries, load_marshalled, store_marshalled

KEPT = 2048
"""Sources kept at most: every class a run of gardener loads, with room for others' (a test's)."""

_VERSION = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-O{sys.flags.optimize}"
_NAME = f"generated-{_VERSION}.marshal"

_known: dict[str, CodeType] | None = None
_used: dict[str, CodeType] = {}
_learned = False


def install() -> None:
    """Have `dataclasses` compile the source it generates through `cached_exec`."""
    dataclasses.exec = cached_exec  # type: ignore[attr-defined]  # a module global: found before the builtin


def cached_exec(source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
    """`exec(source, globals, locals)`, where a source text is run from its cached compiled code."""
    if isinstance(source, str):
        source = _code(source)
    builtins.exec(source, globals, locals)


def _code(source: str) -> CodeType:
    global _known, _learned
    if _known is None:
        _known = _load()
    code = _known.get(source)
    if code is None:
        # as `exec` compiles a text: the file name it gives, and none of this module's `__future__` flags
        code = compile(source, "<string>", "exec", dont_inherit=True)
        if not _learned:
            _learned = True
            atexit.register(_store)
    _used[source] = code
    return code


def _load() -> dict[str, CodeType]:
    """The cache's code; none when it is missing, damaged or of another shape."""
    stored = load_marshalled(_NAME)
    if not isinstance(stored, dict):
        return {}
    return {
        source: code
        for source, code in stored.items()
        if isinstance(source, str) and isinstance(code, CodeType)
    }


def _store() -> None:
    """Write the cache: this run's code, and the earlier runs' while they fit in `KEPT`."""
    merged = kept_entries(_used, _known, KEPT)
    store_marshalled(_NAME, merged, "the code cache")
