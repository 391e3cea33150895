"""The code `dataclasses` generates, and the annotations `typing` reads from strings, compiled once per
installation, not once per run.

For each class it decorates, `dataclasses` writes the source of `__init__`, `__repr__`, `__eq__` and the rest, and
runs it with `exec`, which parses and compiles it: some 370 functions for the classes a scan loads (gardener's,
typer's and pydantic's), 6% of the instructions of `scan --demo`. `install` has `dataclasses` run that source
through `cached_exec`, which keeps the compiled code of each source in gardener's cache directory, as Python keeps
modules' bytecode in `__pycache__`, keyed by the whole source text, for this Python and this optimization level
only. The code is what `exec` compiles from the same text (same file name, no inherited `__future__` flags), so
the classes are the classes `dataclasses` makes without it. A missing, stale, damaged or unwritable cache only
costs the time it saves. The cache is the user's own (written with mode 0o600), trusted as `__pycache__` is.

`typing.ForwardRef` compiles each annotation it is given as text, and pydantic and typer resolve every annotation
of gardener's modules (`from __future__ import annotations` keeps them text): some 1,200 compiles of 360 texts
(`str | None`, `dict[str, Any]`) in a scan's start-up, 2.3% of its instructions. `install` has `typing` take their
code from the same cache, kept apart from the classes' by its mode (an annotation is an expression, `eval`).

`inspect` reads those texts too, with `eval` (typer's `inspect.signature(..., eval_str=True)` on each command's
some 40 parameters, their `typer.Option(...)` calls with help texts), and so does `collections.namedtuple` for
each tuple's `__new__`: some 100 texts parsed and compiled in every run, 3.7% of `gardener --help`'s
instructions. `install` has both modules' `eval` take the code from the same cache (`cached_eval`).
"""

from __future__ import annotations

import atexit
import builtins
import collections
import dataclasses
import inspect
import sys
import typing
from types import CodeType
from typing import Any

from loggardener.cache import kept_entries, load_marshalled, store_marshalled

KEPT = 2048
"""Sources kept at most: every class a run of gardener loads and the annotations it reads, with room for others'
(a test's)."""

_VERSION = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-O{sys.flags.optimize}"
_NAME = f"generated-{_VERSION}.marshal"

_Key = str | tuple[str, str]
"""A class's method source (compiled as `exec` compiles it), or ("eval", an annotation's text)."""

_known: dict[_Key, CodeType] | None = None
_used: dict[_Key, CodeType] = {}
_learned = False


def install() -> None:
    """Have `dataclasses` compile the source it generates through `cached_exec`, `typing` an annotation's text
    through `cached_compile`, and `inspect` and `collections` the texts they evaluate through `cached_eval`."""
    dataclasses.exec = cached_exec  # type: ignore[attr-defined]  # a module global: found before the builtin
    typing.compile = cached_compile  # type: ignore[attr-defined]
    inspect.eval = cached_eval  # type: ignore[attr-defined]
    collections.eval = cached_eval  # type: ignore[attr-defined]


def cached_exec(source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
    """`exec(source, globals, locals)`, where a source text is run from its cached compiled code."""
    if isinstance(source, str):
        source = _code(source)
    builtins.exec(source, globals, locals)


def cached_compile(
    source: Any, filename: str, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1
) -> Any:
    """`compile` as `typing` calls it to read an annotation (`ForwardRef`): an expression's text, from the cache.
    `typing` has no `__future__` flags for a compile to inherit, so none is inherited here either."""
    if type(source) is str and filename == "<string>" and mode == "eval" and not flags and optimize == -1:
        return _code(source, "eval")
    return compile(source, filename, mode, flags, True, optimize)


def cached_eval(source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> Any:
    """`eval(source, globals, locals)` as `inspect` and `collections` call it, where a text is run from its cached
    code: the code `eval` compiles from it (leading blanks dropped, the file name `<string>`, the flags of the
    caller, which neither module has), run in the caller's namespace when none is given, as `eval` runs it."""
    if globals is None:
        caller = sys._getframe(1)
        globals = caller.f_globals
        if locals is None:
            locals = caller.f_locals
    if type(source) is str:
        source = _code(source.lstrip(" \t"), "eval")
    return builtins.eval(source, globals, locals)


def _code(source: str, mode: str = "exec") -> CodeType:
    global _known, _learned
    if _known is None:
        _known = _load()
    key: _Key = source if mode == "exec" else (mode, source)
    code = _known.get(key)
    if code is None:
        # as `exec` (or `typing`) compiles a text: the file name it gives, none of this module's `__future__` flags
        code = compile(source, "<string>", mode, dont_inherit=True)
        if not _learned:
            _learned = True
            atexit.register(_store)
    _used[key] = code
    return code


def _known_key(key: object) -> bool:
    return isinstance(key, str) or (
        isinstance(key, tuple) and len(key) == 2 and key[0] == "eval" and isinstance(key[1], str)
    )


def _load() -> dict[_Key, CodeType]:
    """The cache's code; none when it is missing, damaged or of another shape."""
    stored = load_marshalled(_NAME)
    if not isinstance(stored, dict):
        return {}
    return {key: code for key, code in stored.items() if _known_key(key) and isinstance(code, CodeType)}


def _store() -> None:
    """Write the cache: this run's code, and the earlier runs' while they fit in `KEPT`."""
    merged = kept_entries(_used, _known, KEPT)
    store_marshalled(_NAME, merged, "the code cache")
