"""Classes `dataclasses` makes through the cache of compiled code are the classes it makes without it."""

from __future__ import annotations

import collections
import dataclasses
import inspect
import os
import subprocess
import sys
import typing
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from loggardener import generated_code


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory, and the module as a new process finds it (nothing loaded, nothing used)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _new_process(monkeypatch)
    monkeypatch.setattr(generated_code, "_learned", True)  # the tests write with `_store`, not at exit
    yield tmp_path / "log-gardener" / generated_code._NAME


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generated_code, "_known", None)
    monkeypatch.setattr(generated_code, "_used", {})


def _make() -> type:
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        label: str = "p"
        tags: tuple[str, ...] = dataclasses.field(default=(), compare=False)

    return Point


def _behaviour(cls: type) -> list[object]:
    point, other = cls(1, "a", ("t",)), cls(2)
    try:
        point.x = 3  # type: ignore[attr-defined]
    except dataclasses.FrozenInstanceError as exc:
        refused: object = type(exc)
    else:
        refused = None
    return [
        repr(point),
        point == cls(1, "a"),
        point < other,
        hash(point) == hash(cls(1, "a", ("u",))),
        refused,
        dict(cls.__init__.__annotations__),  # type: ignore[misc]
        cls.__init__.__code__.co_filename,  # type: ignore[misc]
    ]


def test_a_class_made_from_the_cache_is_the_class_made_without_it(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made once compiling its code, once from the cache a run stored: the same fields, repr, comparisons, hash,
    frozen refusal, and `__init__` annotations (this module's, not the names `dataclasses` gives them in its source,
    as a `__future__` flag of the cache's module would keep them)."""
    monkeypatch.setattr(dataclasses, "exec", generated_code.cached_exec, raising=False)
    learned = _behaviour(_make())
    generated_code._store()
    assert fresh_cache.is_file()
    _new_process(monkeypatch)
    from_cache = _behaviour(_make())
    assert generated_code._known  # read from the file, not compiled again
    monkeypatch.delattr(dataclasses, "exec")
    plain = _behaviour(_make())
    assert learned == from_cache == plain
    assert from_cache[5] == {"x": "int", "label": "str", "tags": "tuple[str, ...]", "return": None}


@pytest.mark.parametrize("damage", [b"", b"\x00\x00\x00\x00garbage", b"\x00\x01"])
def test_a_damaged_cache_is_compiled_again(
    fresh_cache: Path, damage: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_cache.parent.mkdir(parents=True)
    fresh_cache.write_bytes(damage)
    monkeypatch.setattr(dataclasses, "exec", generated_code.cached_exec, raising=False)
    assert _behaviour(_make())[0] == "_make.<locals>.Point(x=1, label='a', tags=('t',))"
    assert generated_code._known == {}


def test_a_cache_of_other_code_is_not_run(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry that is no code object (another shape of file, with a valid checksum) is ignored."""
    import marshal

    payload = marshal.dumps({"x = 1": "not code", 3: compile("y = 2", "<string>", "exec")})
    fresh_cache.parent.mkdir(parents=True)
    fresh_cache.write_bytes(zlib.crc32(payload).to_bytes(4, "big") + payload)
    assert generated_code._load() == {}


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _new_process(monkeypatch)
    monkeypatch.setattr(dataclasses, "exec", generated_code.cached_exec, raising=False)
    assert _behaviour(_make())[0] == "_make.<locals>.Point(x=1, label='a', tags=('t',))"
    generated_code._store()  # no error


def test_a_run_stores_the_code_of_its_dataclasses_for_the_next(tmp_path: Path) -> None:
    """The command's first run compiles its classes' code and stores it; the next reads it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    stored = tmp_path / "log-gardener" / generated_code._NAME
    subprocess.run([sys.executable, "-m", "loggardener", "--help"], env=env, capture_output=True, check=True)
    assert stored.is_file()  # the entry point installed the cache
    script = (
        "from loggardener import generated_code\n"
        "generated_code.install()\n"
        "import loggardener.cli\n"
        "print(len(generated_code._used), len(generated_code._known or {}))\n"
    )
    used, known = map(int, subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split())  # fmt: skip
    assert 0 < used <= known


def test_a_library_importing_gardener_keeps_dataclasses_as_they_are() -> None:
    """Only the command installs the cache: a program importing gardener's modules gets no patched stdlib."""
    script = (
        "import collections, dataclasses, inspect, typing, loggardener.cli\n"
        "print(hasattr(dataclasses, 'exec'), hasattr(typing, 'compile'), hasattr(inspect, 'eval'),"
        " hasattr(collections, 'eval'))\n"
    )
    said = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert said.split() == ["False", "False", "False", "False"]


ANNOTATIONS = [
    "str | None",
    "dict[str, Any]",
    "list[tuple[int, str]]",
    "Literal['a', \"b\"]",
    "*Ts",
    "x if y else z",
]


def _forward_code(text: str) -> object:
    return typing.ForwardRef(text).__forward_code__


def test_an_annotation_read_from_the_cache_is_the_code_typing_compiles(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`typing.ForwardRef` compiles an annotation's text: through the cache, once compiling it and once from the
    file a run stored, the same code as `typing` alone makes (kept apart from a class's source of the same text)."""
    monkeypatch.setattr(typing, "compile", generated_code.cached_compile, raising=False)
    learned = [_forward_code(text) for text in ANNOTATIONS]
    assert generated_code.cached_exec("str", {}) is None  # the same text as a class's source: `exec`'s code
    generated_code._store()
    _new_process(monkeypatch)
    from_cache = [_forward_code(text) for text in ANNOTATIONS]
    assert generated_code._known is not None and ("eval", "str | None") in generated_code._known
    assert "str" in generated_code._known and ("eval", "str") not in generated_code._known
    assert generated_code._known["str"] != compile("str", "<string>", "eval")
    monkeypatch.delattr(typing, "compile")
    plain = [_forward_code(text) for text in ANNOTATIONS]
    assert learned == from_cache == plain


def test_an_annotation_that_is_no_expression_is_refused_as_typing_refuses_it(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(typing, "compile", generated_code.cached_compile, raising=False)
    with pytest.raises(SyntaxError, match="Forward reference must be an expression"):
        typing.ForwardRef("int +")
    assert not generated_code._used
    # another call than typing's own is compiled as asked
    assert generated_code.cached_compile("x = 1", "<test>", "exec").co_filename == "<test>"
    assert not generated_code._used


def _annotated(limit: int | None = None, name: Label = "x", *rest: list[Label]) -> dict[str, Label]:
    """A function whose annotations are texts, as this module's `from __future__ import annotations` keeps a
    command's (one with leading blanks, as a hand-written one may have)."""
    return {}


_annotated.__annotations__["rest"] = "  list[Label]"
Label = str


def _read_annotations() -> list[object]:
    """What typer reads of a command: its annotations evaluated (`inspect.signature(..., eval_str=True)`), and a
    named tuple's behaviour (`collections.namedtuple` evaluates its `__new__`'s text)."""
    pair = collections.namedtuple("pair", ["left", "right"], defaults=[0])
    made = pair(1)
    return [
        inspect.get_annotations(_annotated, eval_str=True),
        str(inspect.signature(_annotated, eval_str=True)),
        (made, made._replace(right=2), pair._make([3, 4]), pair.__new__.__defaults__),
    ]


def test_the_texts_inspect_and_namedtuple_evaluate_are_read_from_the_cache(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the cache, once compiling the texts and once from the file a run stored, the annotations and named
    tuples are those `eval` alone makes (a text with leading blanks, a name from the function's module)."""
    monkeypatch.setattr(inspect, "eval", generated_code.cached_eval, raising=False)
    monkeypatch.setattr(collections, "eval", generated_code.cached_eval, raising=False)
    learned = _read_annotations()
    assert ("eval", "list[Label]") in generated_code._used  # leading blanks dropped, as `eval` drops them
    assert ("eval", "lambda _cls, left, right: _tuple_new(_cls, (left, right))") in generated_code._used
    generated_code._store()
    _new_process(monkeypatch)
    from_cache = _read_annotations()
    assert generated_code._known is not None and ("eval", "dict[str, Label]") in generated_code._known
    monkeypatch.delattr(inspect, "eval")
    monkeypatch.delattr(collections, "eval")
    plain = _read_annotations()
    assert learned == from_cache == plain
    assert learned[0] == {"limit": int | None, "name": str, "rest": list[str], "return": dict[str, str]}


def test_a_text_evaluated_without_a_namespace_reads_the_callers(fresh_cache: Path) -> None:
    """`eval(text)` with no globals runs in the caller's namespace (its module's and its locals): so does the
    cache's, and a text that is no expression is refused as `eval` refuses it."""
    local_value = 41  # noqa: F841  # read by the text evaluated in this frame
    assert generated_code.cached_eval("local_value + 1") == 42
    assert generated_code.cached_eval("Label") is str
    assert generated_code.cached_eval("local_value", None, {"local_value": 7}) == 7
    with pytest.raises(SyntaxError) as cached:
        generated_code.cached_eval("int +")
    with pytest.raises(SyntaxError) as plain:
        eval("int +")
    assert (cached.value.msg, cached.value.filename) == (plain.value.msg, plain.value.filename)
