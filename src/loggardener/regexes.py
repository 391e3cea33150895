"""Regular expressions compiled once per installation, not once per run.

gardener's modules compile about 500 patterns when they are imported; Python's `re` parses each one and
generates its matching code in pure Python, a fifth of a short scan. `compile_regex` keeps that generated
code in gardener's cache directory, as Python keeps modules' bytecode in `__pycache__`, and builds a
pattern from it with the same call `re` ends with. The result is the pattern `re.compile` returns: the
cache holds what `re` generated, for this Python and this version of its matching engine only. A missing,
stale or unreadable cache only costs the time it saves, and code the engine refuses (a damaged file) is
compiled again.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import array
import atexit
import functools
import re
import sys
from typing import Any, AnyStr

from loggardener.cache import kept_entries, load_marshalled, store_marshalled

try:  # Python 3.11 renamed the modules `re` compiles with
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler
    import sre_parse as _parser

_Key = tuple[type, Any, int]
_Compiled = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]
"""What `re` passes its engine, the code as 32-bit words (marshal reads bytes at once, a list word by word)."""

KEPT = 4096
"""Patterns kept at most: all of gardener's compile-time patterns, with room for the rest of a run's."""
KEPT_BYTES = 2 << 20
"""Bytes of patterns and their code kept at most, but for a run's own: every run reads the whole cache, and one
that had grown to 13 MB with earlier versions' patterns (the same patterns, a little changed) cost each scan some
10 ms; a demo scan's own are 0.9 MB. A run that reads more than this writes the cache again, bounded."""

_VERSION = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}"
_NAME = f"regexes-{_VERSION}.marshal"

_CODE_WORDS = "I"
"""The array type of the engine's code words: 4 bytes wide on every platform CPython builds for."""
_CACHED = array.array(_CODE_WORDS).itemsize == _sre.CODESIZE

_known: dict[_Key, _Compiled] | None = None
_used: dict[_Key, _Compiled] = {}
_learned = False


def compile_regex(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, from the code this process generated or the cache holds for the pattern.

    The cache is read once, when a process first compiles: a pattern it generates is looked up among its own
    (`_used`) when compiled again, not generated again until the process ends and writes the cache. A scan's
    configuration compiles its priority rules' patterns twice (checked, then built), and a process that runs
    many scans (a test worker, whose cache starts empty) generated about 900 patterns for each of them."""
    global _known
    if not _CACHED:
        return re.compile(pattern, flags)
    flags = int(flags)
    key: _Key = (type(pattern), pattern, flags)
    if _known is None:
        _known = _load()
        if sum(_size(known, value) for known, value in _known.items()) > KEPT_BYTES:
            _store_at_exit()  # to bound it: a run that generates nothing writes nothing otherwise
    compiled = _used.get(key) or _known.get(key)
    if compiled is not None:
        try:
            built: re.Pattern[AnyStr] = _build(pattern, compiled)
        except (RuntimeError, TypeError, ValueError, OverflowError):  # not code this engine accepts
            pass
        else:
            _used[key] = compiled
            return built
    compiled = _generate(pattern, flags)
    _used[key] = compiled
    _store_at_exit()
    result: re.Pattern[AnyStr] = _build(pattern, compiled)
    return result


_ENGINE_COMPILE = _compiler.compile
"""What `re` calls to compile a pattern its own cache does not hold (`re._compile`)."""


def install() -> None:
    """Have every `re.compile` (and `re.search`, `re.sub`... with a pattern `re` has not compiled yet) take the
    code it generates from the cache too, until `uninstall`: the patterns typer, rich, jinja2 and the standard
    library compile while their modules load, some 90 in a scan's start-up (jinja2's pattern of identifiers alone
    generates 3,000 words of code), are the same on every run. `re` looks its compiler up on its module at each
    call, so its own cache, flags and errors stay as they are; a pattern of another type (a `str` subclass) or
    compiled with `re.DEBUG` (which prints what it parsed) is compiled by `re` itself."""
    _compiler.compile = _start_up_compile


def uninstall() -> None:
    """Start-up is over: patterns compiled from here on (some are built from what a scan reads) are `re`'s own
    again, not kept in the cache."""
    _compiler.compile = _ENGINE_COMPILE


def _start_up_compile(pattern: Any, flags: int = 0) -> Any:
    if type(pattern) not in (str, bytes) or flags & re.DEBUG or _one_class(pattern):
        return _ENGINE_COMPILE(pattern, flags)
    return compile_regex(pattern, flags)


def _one_class(pattern: str | bytes) -> bool:
    """Whether `pattern` is one character class and nothing else (`[@#<{]`), which `re` itself compiles while a
    command starts: its code is quick to generate, and a library builds such a class from a set's members
    (markdown_it's inline terminators, loaded by typer's help), whose order, and so the pattern's text, changes
    from run to run with the hash seed. Kept, each run's new text made every run rewrite the whole cache at exit
    for a pattern no later run looks up (`gardener --help`: 21 M of its 563 M instructions)."""
    text = pattern if isinstance(pattern, str) else pattern.decode("latin-1")
    if len(text) < 3 or text[0] != "[" or text[-1] != "]":
        return False
    at = 2 if text[1:2] == "^" else 1
    at += text[at : at + 1] == "]"  # a `]` first in the class is one of its members
    while at < len(text):
        if text[at] == "\\":
            at += 2
        elif text[at] == "]":
            return at == len(text) - 1
        else:
            at += 1
    return False


def _store_at_exit() -> None:
    global _learned
    if not _learned:
        _learned = True
        atexit.register(_store)


def _build(pattern: str | bytes, compiled: _Compiled) -> Any:
    flags, code, groups, groupindex, indexgroup = compiled
    return _sre.compile(
        pattern, flags, array.array(_CODE_WORDS, code).tolist(), groups, groupindex, indexgroup
    )


def _generate(pattern: str | bytes, flags: int) -> _Compiled:
    """What `re` passes its engine for `pattern` (the steps of `re._compiler.compile`)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        array.array(_CODE_WORDS, code).tobytes(),
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _load() -> dict[_Key, _Compiled]:
    """The cache's patterns; none when it is missing, damaged or of another shape."""
    stored = load_marshalled(_NAME)
    try:
        return {
            (bytes if kind == "b" else str, pattern, flags): compiled
            for (kind, pattern, flags), compiled in stored.items()
        }
    except (ValueError, TypeError, AttributeError):
        return {}


def _store() -> None:
    """Write the cache: this run's patterns, and the earlier runs' while they fit in `KEPT` and `KEPT_BYTES`;
    nothing when that is what it holds."""
    merged = kept_entries(_used, _known, KEPT, _size, KEPT_BYTES)
    if merged == _known:
        return
    stored = {
        ("b" if kind is bytes else "s", pattern, flags): value
        for (kind, pattern, flags), value in merged.items()
    }
    store_marshalled(_NAME, stored, "the regex cache")


def _size(key: _Key, compiled: _Compiled) -> int:
    """About the bytes a pattern takes in the cache: its text and its code (none for a damaged entry)."""
    try:
        return len(key[1]) + len(compiled[1])
    except (TypeError, IndexError):
        return 0


def widen_escapes(pattern: str, widen: dict[str, str], keep_carets: bool = True) -> str:
    r"""`pattern` with each escape named in `widen` (`\s`, `\w`) replaced by its class body, inside a class or as a
    class of its own; with `keep_carets` false, `^` outside a class is dropped (an anchor that only narrows)."""
    out: list[str] = []
    in_class = escaped = False
    for character in pattern:
        if escaped:
            escaped = False
            if character in widen:
                out.append(widen[character] if in_class else f"[{widen[character]}]")
            else:
                out.append("\\" + character)
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]" or out[-1] == "["
            out.append(character)
        elif character == "[":
            in_class = True
            out.append(character)
        elif character != "^" or keep_carets:
            out.append(character)
    return "".join(out)


def before_line_ends(pattern: str) -> str:
    r"""`pattern` with each `$` outside a class also matching before line ends at the end of the text (`\n*$`):
    Python's `$` matches before a last line end, RE2's only at the end, and a line may be matched with its line
    ends or without them."""
    out: list[str] = []
    in_class = escaped = False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]" or out[-1] == "["
        elif character == "[":
            in_class = True
        elif character == "$":
            out.append("\\n*")
        out.append(character)
    return "".join(out)


def top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of `pattern` outside any group or character class (`A|(B|C)|[|]` → `A`, `(B|C)`, `[|]`)."""
    alternatives: list[str] = []
    depth, start, escaped, in_class = 0, 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(pattern[start:index])
            start = index + 1
    return [*alternatives, pattern[start:]]


LiteralGate = tuple[tuple[str, ...], bool]
"""Texts one of which every match of a pattern holds, and whether they are lower-cased (the pattern ignores case)."""

# The characters `re` matches case-insensitively to an ASCII letter that `str.lower` does not lower to it (`ſ` is
# `s`, `ı` and `İ` are `i`: `re` folds by the simple one-character mappings, `str.lower` by the full ones): a text
# holding one is searched whatever a case-insensitive gate says.
_FOLD_BREAKERS = ("\u0130", "\u0131", "\u017f")
# (operators of `re`'s parse tree: the repeats and groups whose content a match holds at least once)
_REPEATS = tuple(
    op
    for op in (getattr(_parser, name, None) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
    if op
)
_ATOMIC_GROUP = getattr(_parser, "ATOMIC_GROUP", None)


@functools.lru_cache(maxsize=4_096)
def literal_gate(pattern: str) -> LiteralGate | None:
    """The texts one of which every match of `pattern` holds, read from `re`'s parse tree: the longest run of
    literal characters in its sequence, or one per alternative of a group it must match (`a (?:x|yz) b`); lower-
    cased when the pattern ignores case. A text that holds none of them cannot match (`gate_allows`): its search
    need not run. None when no such texts are known (a pattern of classes and repeats only, an inline flag group,
    a case-insensitive one with a non-ASCII letter)."""
    try:
        parsed = _parser.parse(pattern, 0)
    except (re.error, RecursionError):
        return None
    folded = bool(parsed.state.flags & re.IGNORECASE)
    literals = _required_texts(parsed.data)
    if literals is None:
        return None
    if folded:
        if not all(text.isascii() for text in literals):
            return None
        literals = tuple(dict.fromkeys(text.lower() for text in literals))
    return literals, folded


def gate_allows(gate: LiteralGate | None, text: str, lowered: str | None) -> bool:
    """Whether `text` may match the pattern of `gate` (`literal_gate`); `lowered` is `folded_text(text)`."""
    if gate is None:
        return True
    literals, folded = gate
    if folded:
        return lowered is None or any(map(lowered.__contains__, literals))
    return any(map(text.__contains__, literals))


def folded_text(text: str) -> str | None:
    """`text` lower-cased, for case-insensitive gates (`gate_allows`); None when it holds a character that `re`
    folds otherwise than `str.lower` (`_FOLD_BREAKERS`), whose searches must run."""
    if not text.isascii() and any(map(text.__contains__, _FOLD_BREAKERS)):
        return None
    return text.lower()


def _required_texts(items: list[tuple[Any, Any]]) -> tuple[str, ...] | None:
    """The best set of texts one of which a match of the sequence `items` holds (`literal_gate`), None if none."""
    best: tuple[str, ...] | None = None

    def consider(candidate: tuple[str, ...] | None) -> None:
        nonlocal best
        if candidate and all(candidate) and (best is None or _gate_rank(candidate) > _gate_rank(best)):
            best = candidate

    run: list[str] = []
    for op, value in items:
        if op is _parser.LITERAL:
            run.append(chr(value))
            continue
        consider(("".join(run),) if run else None)
        run = []
        if op is _parser.SUBPATTERN:
            _, add_flags, del_flags, sub = value
            if not add_flags and not del_flags:
                consider(_required_texts(sub.data))
        elif op is _parser.BRANCH:
            alternatives: list[str] = []
            for branch in value[1]:
                texts = _required_texts(branch.data)
                if texts is None:
                    break
                alternatives.extend(texts)
            else:
                consider(tuple(dict.fromkeys(alternatives)))
        elif op in _REPEATS and value[0] >= 1:
            consider(_required_texts(value[2].data))
        elif _ATOMIC_GROUP is not None and op is _ATOMIC_GROUP:
            consider(_required_texts(value.data))
    consider(("".join(run),) if run else None)
    return best


def _gate_rank(texts: tuple[str, ...]) -> tuple[int, int]:
    """A gate's strength: its shortest text's length (a longer one is found in fewer texts), then fewer texts."""
    return min(map(len, texts)), -len(texts)
