"""Markdown neutralizing, markers and the fire-together relation, with hypothesis where inputs are open-ended."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from loggardener.linking.cooccurrence import fire_together
from loggardener.publishing import safety
from loggardener.publishing.markers import fingerprint_marker, has_fingerprint

HOSTILE = st.lists(
    st.sampled_from([*"ab1 @#`<>&[]()!*_|~\\\n\r-", "\u202e", "GH-", "gh-", "\x00", "```", "@x", "#1"]),
    max_size=80,
).map("".join)


@given(HOSTILE)
def test_inert_text_cannot_mention_reference_or_inject(text: str) -> None:
    result = safety.inert(text)
    assert "\n" not in result
    assert not re.search(r"@[A-Za-z0-9_-]", result)
    assert not re.search(r"#[0-9]", result)
    assert not re.search(r"(?<![A-Za-z0-9_])GH-[0-9]", result, re.IGNORECASE)  # as GitHub links them
    assert "<" not in result and ">" not in result
    assert "\u202e" not in result and "\x00" not in result
    # every markdown-active character is backslash-escaped
    assert not re.search(r"(?<!\\)(?:\\\\)*[`*_\[\]!|~]", result)


@given(HOSTILE)
def test_code_span_is_closed_only_by_its_own_fence(text: str) -> None:
    result = safety.code(text)
    if not result:
        assert not text.split() or not safety.clean(text).split()
        return
    fence = re.match(r"`+", result)
    assert fence is not None
    inner = result[len(fence.group()) : -len(fence.group())]
    assert result.endswith(fence.group())
    assert all(len(run) != len(fence.group()) for run in re.findall(r"`+", inner))


@given(HOSTILE)
def test_fenced_block_cannot_be_closed_from_inside(text: str) -> None:
    result = safety.fence(text)
    lines = result.split("\n")
    fence = lines[0]
    assert set(fence) == {"`"} and len(fence) >= 3
    assert lines[-1] == fence
    assert all(not line.lstrip().startswith(fence) for line in lines[1:-1])


@given(st.text(max_size=2000), st.integers(min_value=40, max_value=500))
def test_clipping_bounds_length(text: str, limit: int) -> None:
    assert len(safety.clip(text, limit)) <= limit
    assert len(safety.clip_middle(text, limit)) <= limit + 40
    assert len(safety.title(text)) <= safety.GITHUB_TITLE_LIMIT


@given(HOSTILE)
def test_prose_outside_code_spans_is_inert(text: str) -> None:
    result = safety.prose(text)
    outside = outside_code_spans(result)
    assert not re.search(r"@[A-Za-z0-9_-]", outside)
    assert not re.search(r"#[0-9]", outside)
    assert "<" not in outside and "\n" not in result


WITH_URLS = st.lists(
    st.sampled_from(
        [
            "https://github.com/o/r/issues/1",
            "http://x.test/a_b",
            "www.evil.test",
            " ",
            "see ",
            "(",
            ")",
            ".",
            "`",
            "@",
            "#1",
        ]
    ),
    max_size=20,
).map("".join)


def outside_code_spans(text: str) -> str:
    """`text` without its code spans, found as CommonMark does (a backslash-escaped backtick opens none)."""
    kept: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == "\\":
            kept.append(text[index : index + 2])
            index += 2
            continue
        if text[index] != "`":
            kept.append(text[index])
            index += 1
            continue
        run = re.match(r"`+", text[index:])
        assert run is not None
        opener = run.group()
        closer = re.compile(rf"(?<!`){opener}(?!`)")
        end = closer.search(text, index + len(opener))
        if end is None:
            kept.append(opener)
            index += len(opener)
        else:
            kept.append(" ")  # a code span ends a word: `@` before one mentions nobody
            index = end.end()
    return "".join(kept)


@given(WITH_URLS)
def test_urls_in_log_text_end_up_in_code_spans(text: str) -> None:
    for result in (safety.inert(text), safety.prose(text)):
        outside = outside_code_spans(result)
        assert not re.search(r"https?://|www\.", outside)
        assert not re.search(r"#[0-9]", outside)


def test_bare_issue_urls_are_not_cross_references() -> None:
    text = "retry failed, see https://github.com/o/r/issues/1."
    assert safety.inert(text) == "retry failed, see `https://github.com/o/r/issues/1`."


def test_prose_keeps_code_spans() -> None:
    assert safety.prose("Add `payments_sdk` to @team <b>") == "Add `payments_sdk` to @\u200bteam &lt;b&gt;"


def test_title_keeps_the_words_but_not_the_links() -> None:
    assert safety.title("@team fix #12\nnow") == "@\u200bteam fix #\u200b12 now"


def test_log_text_cannot_carry_log_gardeners_markers() -> None:
    forged = (
        f"echo {fingerprint_marker('abc123')} <!--log-gardener:state={{}}--> <!-- LOG-GARDENER:comment -->"
    )
    for render in (safety.fence, safety.code, safety.prose, safety.inert, safety.title):
        shown = render(forged)
        assert not has_fingerprint(shown, "abc123"), render.__name__
        assert not re.search(r"<!--\s*log-gardener:", shown, re.IGNORECASE), render.__name__
    assert "log-gardener\u200b:fingerprint=abc123" in safety.fence(forged)


def test_other_html_comments_in_log_text_stay_as_logged() -> None:
    text = "<!-- build: 42 --> log-gardener: started <!--gardener:x-->"
    assert safety.fence(text) == f"```\n{text}\n```"


def test_markers_match_exactly() -> None:
    body = f"text\n{fingerprint_marker('abc')}\n"
    assert has_fingerprint(body, "abc")
    assert not has_fingerprint(body, "ab")
    assert not has_fingerprint("abc", "abc")
    assert not has_fingerprint(None, "abc")


T = datetime(2026, 1, 1, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T + timedelta(seconds=seconds)


def test_crash_then_exit_on_the_same_instance_fire_together() -> None:
    occurrences = []
    for start in range(0, 600, 60):  # a crash loop: crash, exit one second later, on three instances
        for instance in ("i1", "i2", "i3"):
            occurrences += [("crash", instance, at(start)), ("exit", instance, at(start + 1))]
    occurrences += [("noise", "i1", at(s)) for s in range(0, 600, 1)]  # a chatty warning on i1
    occurrences += [("elsewhere", "i9", at(1))]

    related = fire_together(occurrences, window_seconds=10)

    assert related["crash"] == ["exit"]
    assert related["exit"] == ["crash"]
    assert "noise" not in related  # near every crash on i1, but almost all of it is near nothing
    assert "elsewhere" not in related


def test_far_apart_or_without_instance_is_not_related() -> None:
    occurrences = [("a", "i1", at(0)), ("b", "i1", at(30)), ("c", None, at(0)), ("d", None, at(0))]
    assert fire_together(occurrences, window_seconds=10) == {}


@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from(["i1", "i2", None]), st.integers(0, 100)),
        max_size=60,
    )
)
def test_relation_is_symmetric(raw: list[tuple[str, str | None, int]]) -> None:
    related = fire_together([(fp, inst, at(s)) for fp, inst, s in raw], window_seconds=5)
    for first, others in related.items():
        assert first not in others
        for other in others:
            assert first in related[other]
