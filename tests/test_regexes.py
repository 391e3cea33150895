"""Patterns built from the cache of generated code are the patterns `re.compile` returns, whatever the cache holds."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from loggardener import cache, regexes
from loggardener.console import Terminated
from loggardener.regexes import before_line_ends, compile_regex


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory, and the module as a new process finds it (nothing loaded, nothing used)."""
    yield _start(tmp_path, monkeypatch)


def _start(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(directory))
    _new_process(monkeypatch)
    monkeypatch.setattr(regexes, "_learned", True)  # the tests write with `_store`, not at exit
    return directory / "log-gardener" / regexes._NAME


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regexes, "_known", None)
    monkeypatch.setattr(regexes, "_used", {})


PIECES = [
    "a", "b", "\\d+", "\\w*?", "[a-z]", "[^/]+", "(x|y)", "(?P<name>z)", "(?:ab)?", "\\s", ".", "^", "$", "\\b",
    "(?=c)", "(?<!d)", "{2,3}", "\\.", "(?i:k)", "é", "\\Z", "(q)\\1",
]  # fmt: skip


def _same(built: re.Pattern[str], expected: re.Pattern[str], texts: list[str]) -> None:
    assert (built.pattern, built.flags, built.groups, built.groupindex) == (
        expected.pattern,
        expected.flags,
        expected.groups,
        expected.groupindex,
    )
    for text in texts:
        assert [m.span() for m in built.finditer(text)] == [m.span() for m in expected.finditer(text)]
        found, wanted = built.search(text), expected.search(text)
        assert (found and found.groups()) == (wanted and wanted.groups())


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8),
    flags=st.sampled_from([0, re.IGNORECASE, re.MULTILINE | re.DOTALL, re.ASCII, re.VERBOSE]),
    texts=st.lists(st.text(alphabet="abxyzqkcdé./ \n0123456789KZ", max_size=30), max_size=5),
)
def test_generated_and_cached_patterns_match_as_re_compiles_them(
    pieces: list[str], flags: int, texts: list[str]
) -> None:
    source = "".join(pieces)
    with tempfile.TemporaryDirectory() as directory, pytest.MonkeyPatch.context() as monkeypatch:
        _start(Path(directory), monkeypatch)
        try:
            expected = re.compile(source, flags)
        except re.error:
            with pytest.raises(re.error):
                compile_regex(source, flags)
            return
        _same(compile_regex(source, flags), expected, texts)
        regexes._store()
        _new_process(monkeypatch)
        cached = compile_regex(source, flags)
        assert regexes._known is not None and (str, source, int(flags)) in regexes._known
        _same(cached, expected, texts)


def test_bytes_patterns_are_kept_apart_from_text_patterns(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_regex(r"\w+")
    compile_regex(rb"\w+")
    regexes._store()
    _new_process(monkeypatch)
    assert compile_regex(rb"\w+").findall(b"ab \xe9") == [b"ab"]
    assert compile_regex(r"\w+").findall("ab é") == ["ab", "é"]


def test_a_second_run_reads_what_the_first_stored(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compile_regex(r"(?P<status>\d{3}) (?P<route>/\S*)")
    assert not fresh_cache.exists()
    regexes._store()
    assert fresh_cache.exists()
    _new_process(monkeypatch)
    match = compile_regex(r"(?P<status>\d{3}) (?P<route>/\S*)").search("GET 503 /orders")
    assert match is not None and match.groupdict() == {"status": "503", "route": "/orders"}
    assert regexes._known and len(regexes._known) == 1


def test_a_pattern_compiled_again_before_the_cache_is_written_is_not_generated_again(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan checks its rules' patterns, then builds them; a test worker runs many scans on a cache that stays
    empty until it exits. The second compile builds from the code the first generated."""
    generated: list[str] = []
    generate = regexes._generate
    monkeypatch.setattr(regexes, "_generate", lambda p, f: generated.append(p) or generate(p, f))
    pattern = r"(?P<status>\d{3}) (?P<route>/\S*)"
    first, second = compile_regex(pattern), compile_regex(pattern)
    assert generated == [pattern] and not fresh_cache.exists()
    _same(second, first, ["GET 503 /orders", "404", ""])
    assert compile_regex(pattern, re.IGNORECASE).flags & re.IGNORECASE  # other flags: another pattern
    assert generated == [pattern, pattern]


def _write(path: Path, payload: bytes, checksum: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((zlib.crc32(payload) if checksum is None else checksum).to_bytes(4, "big") + payload)


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "flipped byte",
        "changed after its checksum",
        "not marshal",
        "not a dict",
        "keys of another shape",
        "values of another shape",
        "code the engine refuses",
    ],
)
def test_a_damaged_cache_costs_only_time(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    compile_regex(r"secret=(\S+)")
    compile_regex(r"other")
    regexes._store()
    good = fresh_cache.read_bytes()
    key = ("s", r"secret=(\S+)", 0)
    stored = marshal.loads(good[4:])
    flags, _code, groups, groupindex, indexgroup = stored[key]
    if damage == "truncated":
        fresh_cache.write_bytes(good[: len(good) // 2])
    elif damage == "flipped byte":
        fresh_cache.write_bytes(good[:-1] + bytes([good[-1] ^ 0x01]))
    elif damage == "changed after its checksum":  # a disk error that marshal still reads
        stored[key] = stored[("s", "other", 0)]
        _write(fresh_cache, marshal.dumps(stored), checksum=int.from_bytes(good[:4], "big"))
    elif damage == "not marshal":
        _write(fresh_cache, b"\xff\x00 not marshal")
    elif damage == "not a dict":
        _write(fresh_cache, marshal.dumps([1, 2, 3]))
    elif damage == "keys of another shape":
        _write(fresh_cache, marshal.dumps({"secret": 1}))
    elif damage == "values of another shape":
        _write(fresh_cache, marshal.dumps({key: (1, 2)}))
    else:
        _write(
            fresh_cache,
            marshal.dumps({key: (flags, b"\xff\xff\x00\x00" * 4, groups, groupindex, indexgroup)}),
        )
    _new_process(monkeypatch)
    match = compile_regex(r"secret=(\S+)").search("token secret=hunter2")
    assert match is not None and match.group(1) == "hunter2"


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the directory would go
    monkeypatch.setattr(regexes, "_known", None)
    monkeypatch.setattr(regexes, "_used", {})
    assert compile_regex(r"a+").fullmatch("aaa")
    regexes._store()
    assert blocker.read_text() == ""


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), Terminated(15)], ids=["second-ctrl-c", "sigterm"])
def test_a_signal_while_the_cache_is_written_at_exit_drops_it_without_a_traceback(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, stop: BaseException
) -> None:
    """The cache is written at exit, after a scan that Ctrl-C stopped too: a second Ctrl-C (or a SIGTERM) in its
    fsync printed `Exception ignored in atexit callback` and a traceback under the scan's one `interrupted`
    line. The write is dropped, its temporary file removed; the next run compiles again."""
    assert compile_regex(r"b+").fullmatch("bbb")

    def interrupted(descriptor: int) -> None:
        raise stop

    monkeypatch.setattr(os, "fsync", interrupted)
    regexes._store()
    assert not fresh_cache.exists()
    assert list(fresh_cache.parent.iterdir()) == []


def test_the_cache_keeps_a_bounded_number_of_patterns(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexes, "KEPT", 5)
    for number in range(4):
        compile_regex(f"first{number}")
    regexes._store()
    _new_process(monkeypatch)
    for number in range(3):
        compile_regex(f"second{number}")
    regexes._store()
    kept = marshal.loads(fresh_cache.read_bytes()[4:])
    # this run's patterns first, then the earlier run's while they fit
    assert sorted(pattern for _, pattern, _ in kept) == ["first0", "first1", "second0", "second1", "second2"]


def test_the_cache_keeps_a_bounded_number_of_bytes_but_all_of_a_runs_own(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(4):
        compile_regex(f"first{number}-" + "x" * 100)
    regexes._store()
    _new_process(monkeypatch)
    monkeypatch.setattr(regexes, "KEPT_BYTES", 700)
    for number in range(3):
        compile_regex(f"second{number}-" + "y" * 200)
    regexes._store()
    kept = marshal.loads(fresh_cache.read_bytes()[4:])
    # this run's patterns (over the bound alone), then none of the earlier run's: they do not fit
    assert sorted(pattern[:7] for _, pattern, _ in kept) == ["second0", "second1", "second2"]


def test_a_cache_over_its_bound_is_written_again_by_a_run_that_generates_nothing(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions that came and went leave their patterns: a run that reads more than `KEPT_BYTES` writes the
    cache again within it, its own patterns first, though it found each one there; then it is left alone."""
    for number in range(6):
        compile_regex(f"p{number}-" + "x" * 100)
    regexes._store()
    one = max(regexes._size(key, value) for key, value in regexes._used.items())
    monkeypatch.setattr(regexes, "KEPT_BYTES", 2 * one + one // 2)
    monkeypatch.setattr(regexes.atexit, "register", lambda store: store)
    writes: list[int] = []  # the number of patterns of each write

    def store(name: str, value: dict[object, object], what: str) -> None:
        writes.append(len(value))
        cache.store_marshalled(name, value, what)

    monkeypatch.setattr(regexes, "store_marshalled", store)
    for pattern in ("p4-", "p4-"):
        _new_process(monkeypatch)
        monkeypatch.setattr(regexes, "_learned", False)
        compile_regex(pattern + "x" * 100)
        assert len(regexes._used) == 1  # found, not generated
        if regexes._learned:
            regexes._store()
    # the first of these runs wrote its pattern, then the earlier run's latest while they fit; the second found
    # a cache within the bound and wrote nothing
    assert writes == [2]
    kept = marshal.loads(fresh_cache.read_bytes()[4:])
    assert [pattern[:2] for _, pattern, _ in kept] == ["p4", "p0"]


def test_a_warm_scan_generates_no_pattern_and_writes_the_same_worklog(tmp_path: Path) -> None:
    """A cold run stores the code of every pattern it compiles; the next builds each one from it (none is
    generated again), and a cache overwritten with garbage only makes a run cold again."""
    probe = (
        "import sys; from datetime import datetime, timezone\n"
        "from loggardener import regexes\n"
        "from loggardener.config import GardenerConfig\n"
        "from loggardener.pipeline import Scan, ScanOptions\n"
        "from loggardener.rendering.markdown import MarkdownWorklog\n"
        "from loggardener.sources.demo import DemoSource\n"
        "options = ScanOptions(now=datetime(2026, 1, 1, tzinfo=timezone.utc))\n"
        "worklog = MarkdownWorklog().render(Scan(GardenerConfig(), options).run(DemoSource()))\n"
        "print(regexes._learned, len(regexes._used), hash(worklog))\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONHASHSEED": "0"}

    def run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    cold = run()
    warm = run()
    assert cold[0] == "True" and int(cold[1]) > 300
    assert warm == ["False", cold[1], cold[2]]
    (tmp_path / "log-gardener" / regexes._NAME).write_bytes(b"garbage" * 100)
    assert run() == cold


@pytest.fixture
def installed(fresh_cache: Path) -> Iterator[Path]:
    """`re` compiling through the cache, as from `launch.main` until `startup.end`; re's own cache empty, so
    that every pattern reaches its compiler."""
    re.purge()
    regexes.install()
    try:
        yield fresh_cache
    finally:
        regexes.uninstall()
        re.purge()


def test_patterns_re_compiles_during_start_up_are_kept_and_built_from_the_cache(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a library compiles with `re` while it loads (jinja2's, rich's) is stored as gardener's own patterns
    are, and a later run builds it from the cache: the same pattern `re` compiles."""
    source = r"(?P<word>[^\W\d]\w*)-(?P=word)"
    built = re.compile(source, re.IGNORECASE)
    assert (str, source, int(re.IGNORECASE)) in regexes._used
    regexes._store()
    _new_process(monkeypatch)
    re.purge()
    again = re.compile(source, re.IGNORECASE)
    assert regexes._known is not None and (str, source, int(re.IGNORECASE)) in regexes._known
    regexes.uninstall()
    re.purge()
    expected = re.compile(source, re.IGNORECASE)
    for pattern in (built, again):
        _same(pattern, expected, ["Abc-abc x-y", "été-ÉTÉ", "a1-a1 b-c"])
    assert re.search(rb"(\d+)-\1", b"x 12-12").group(1) == b"12"


def test_re_keeps_its_errors_debug_output_and_own_cache_while_installed(installed: Path) -> None:
    with pytest.raises(re.error) as raised:
        re.compile("(unclosed")
    assert "missing )" in str(raised.value)

    class Text(str):
        pass

    assert re.compile(Text("a+")).fullmatch("aa")  # a str subclass: `re`'s own compiler
    assert not regexes._used
    first = re.compile("b+")
    assert re.compile("b+") is first  # `re`'s cache answers before its compiler is asked


def test_a_debug_pattern_is_parsed_and_printed_by_re(
    installed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    re.compile("c+", re.DEBUG)
    assert "MAX_REPEAT" in capsys.readouterr().out
    assert not regexes._used


def test_a_lone_character_class_compiled_during_start_up_is_left_to_re(installed: Path) -> None:
    """A library's class of a set's members (markdown_it's terminators) changes its text with the hash seed from
    run to run: compiled by `re` alone, it neither enters the cache nor makes the run rewrite it at exit."""
    members = "".join(sorted({"!", "#", "]", "-", "\\", "^", "~"}))
    for source in (f"[{re.escape(members)}]", "[^]a-z]", rb"[\x00-\x1f\]]"):
        assert re.compile(source).pattern == source
        assert not regexes._used
    assert re.compile("[a]+").fullmatch("aa")  # a class and more: kept
    assert re.compile("[a][b]").fullmatch("ab")
    assert set(regexes._used) == {(str, "[a]+", 0), (str, "[a][b]", 0)}


def test_patterns_compiled_once_start_up_is_over_are_not_kept(fresh_cache: Path) -> None:
    """A scan builds some patterns from what it reads (a service's name, a route): `startup.end` leaves them
    to `re` alone, and the cache holds only what every run compiles."""
    from loggardener import startup

    re.purge()
    regexes.install()
    try:
        startup.begin()
        startup.end()
        re.compile("orders-api(?![\\w-])", re.IGNORECASE)
    finally:
        regexes.uninstall()
        re.purge()
    assert not regexes._used


@pytest.mark.parametrize(
    ("pattern", "text"),
    [(r"^Stack trace:$", "Stack trace:\n"), (r"^word$", "word\n\n"), (r"[$]x$|a\$$", "a$\n")],
)
def test_an_end_of_text_also_holds_before_trailing_line_ends_in_re2(pattern: str, text: str) -> None:
    """RE2's `$` (the Log Analytics query's) holds only at the end; Python's also before a last line end. A `$`
    in a class or escaped is a character, and stays one."""
    assert re2.search(pattern, text) is None
    assert re2.search(before_line_ends(pattern), text) is not None
    assert re2.search(before_line_ends(pattern), text.rstrip("\n")) is not None
    assert before_line_ends(r"[$]\$") == r"[$]\$"


# --- literal gates: the texts one of which every match of a pattern holds (a search skipped without them) ---


def _builtin_rule_patterns() -> list[str]:
    from loggardener.config import default_rules

    return sorted({p for rule in default_rules() for p in (*rule.message_patterns, *rule.stack_patterns)})


@pytest.mark.parametrize(
    ("pattern", "gate"),
    [
        ("Ready condition status changed to False", (("Ready condition status changed to False",), False)),
        (r"\bjwt expired\b", (("jwt expired",), False)),
        (r"\bA\b|\bBB\b", (("A", "BB"), False)),  # one per alternative
        (r"(?i)\b(?:cannot|can't) be retried\b", ((" be retried",), True)),  # the longest required run
        (r"(?i)^(?:Disk|Volume) full", ((" full",), True)),
        (r"(?i)\b(?:Quota|LIMIT)\b", (("quota", "limit"), True)),  # lower-cased when case is ignored
        (r"x(?:ab|cd)+y", (("ab", "cd"), False)),  # a repeat matched at least once
        (r"(?:ab)?c", (("c",), False)),  # an optional group holds nothing required
        (r"\d+ms", (("ms",), False)),
    ],
)
def test_a_gate_holds_the_texts_every_match_holds(pattern: str, gate: regexes.LiteralGate) -> None:
    assert regexes.literal_gate(pattern) == gate


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+",  # classes and repeats only
        r"[a-z]{3,}",
        r"a|\d",  # an alternative without a literal
        r"(?:x|)",  # an empty alternative
        r"(?i:abc)",  # an inline flag group (its case is not the pattern's)
        r"(?i)straße",  # a non-ASCII letter whose case `re` folds otherwise
        r"(",  # not a pattern
    ],
)
def test_no_gate_where_no_text_is_required(pattern: str) -> None:
    assert regexes.literal_gate(pattern) is None


def test_the_fold_breakers_are_every_character_re_folds_to_an_ascii_letter_otherwise_than_lower() -> None:
    """`_FOLD_BREAKERS` is derived by hand: checked here over every code point."""
    letter = re.compile("(?i)[a-zA-Z]")
    found = {
        chr(code)
        for code in range(128, sys.maxunicode + 1)
        if letter.fullmatch(chr(code)) and not (chr(code).lower().isascii() and len(chr(code).lower()) == 1)
    }
    assert found == set(regexes._FOLD_BREAKERS)


def test_a_case_insensitive_gate_lets_a_text_with_a_fold_breaker_be_searched() -> None:
    pattern = r"(?i)\bsync failed\b"
    gate = regexes.literal_gate(pattern)
    text = "ſync failed → 503"  # `re` reads the long s as an s
    assert re.search(pattern, text) is not None
    assert regexes.gate_allows(gate, text, regexes.folded_text(text))
    assert not regexes.gate_allows(gate, "all good → 200", regexes.folded_text("all good → 200"))


_PATTERNS = _builtin_rule_patterns()


@st.composite
def _texts_near(draw: st.DrawFn) -> tuple[str, str]:
    """A built-in rule's pattern and a text made of its gate's pieces, their case changed, in other text."""
    pattern = draw(st.sampled_from(_PATTERNS))
    gate = regexes.literal_gate(pattern)
    pieces = list(gate[0]) if gate is not None else []
    parts = draw(
        st.lists(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from([*pieces, "→", " ", "ſ", "\u212a", "İ", "ı", "\n"]),
                st.sampled_from(pieces or [" "]).map(str.upper),
                st.sampled_from(pieces or [" "]).map(str.swapcase),
            ),
            max_size=8,
        )
    )
    return pattern, "".join(parts)


@settings(max_examples=2_000, deadline=None)
@given(_texts_near())
def test_a_gate_never_rules_out_a_text_its_pattern_matches(case: tuple[str, str]) -> None:
    pattern, text = case
    gate = regexes.literal_gate(pattern)
    if re.search(pattern, text) is not None:
        assert regexes.gate_allows(gate, text, regexes.folded_text(text))


def test_most_builtin_rule_patterns_have_a_gate() -> None:
    """What makes the gates worth their place: a problem's text is searched only by the rules it may match."""
    gated = [p for p in _PATTERNS if regexes.literal_gate(p) is not None]
    assert len(gated) >= 0.8 * len(_PATTERNS)
