"""Shortcuts taken for speed (issue 13) decide exactly what the work they skip would have decided."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loggardener.entries import levels, redact
from loggardener.entries.redact import Redactor, looks_generated
from loggardener.regexes import top_level_alternatives


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="0123456789abcdefABCDEF", min_size=1, max_size=300),
    st.sampled_from(["", ".", ",", "\n"]),
)
def test_hex_alone_never_looks_generated(run: str, end: str) -> None:
    assert looks_generated(run + end) is False
    assert looks_generated.__wrapped__(run + end) is False


@pytest.mark.parametrize(
    "text",
    [
        'Traceback (most recent call last):\n  File "/app/x.py", line 4, in f\n    raise KeyError(f"sku {sku}")\nKeyError: "a"',
        "login failed: password=hunter2! for admin",
        "Authorization: Bearer aB3xK9qLmN2pQ7rT8vW1yZ",
        "recovery code 123456",
        '["redis-cli", "-a", "s3cr3tPassw0rd"]',
        '{"name": "DB_PASSWORD", "value": "pa55word!"}',
    ],
)
def test_a_text_redacts_the_same_twice_with_its_gates_planned_once(text: str) -> None:
    redactor = Redactor()
    first = redactor.redact(text)
    assert redactor.redact(text) == first
    assert not re.search(r"hunter2|aB3xK9|s3cr3t|pa55", first)


@pytest.mark.parametrize(
    "run", ["https://shop.example.com/healthz?probe=69563", "CACHE_TTL=300!", "x9#y8$z7%w6"]
)
def test_a_run_of_one_case_holds_no_strong_password(run: str) -> None:
    assert list(redact._strong_spans(run.encode())) == []


def test_a_run_of_both_cases_is_still_read_for_a_strong_password() -> None:
    assert [s[2] for s in redact._strong_spans(b"login with Tr0ub4dor&3x please")] == ["password"]


def test_every_branch_of_the_lifecycle_line_holds_one_of_its_words() -> None:
    branches = top_level_alternatives(levels._LIFECYCLE_LINE.pattern.removeprefix("(?i)"))
    assert len(branches) >= 15
    for branch in branches:
        literal = re.sub(r"\\(.)", r"\1", branch).lower()
        assert any(word in literal for word in levels._LIFECYCLE_WORDS), branch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Container called exit(1).", True),
        ("CONTAINER CALLED EXIT(1).", True),
        ("Memory limit of 512 MiB exceeded with 530 MiB used", True),
        ("oomkilled", True),
        ("Worker faıled to boot", True),  # a dotless i: not ASCII, so searched as before
        ("GET /api/orders 200", False),
    ],
)
def test_lifecycle_line_with_its_words_checked_first(text: str, expected: bool) -> None:
    assert levels.lifecycle_line(text) is expected


def test_every_start_failure_pattern_holds_one_of_its_words() -> None:
    """`start_failure` searches only a text holding one of `_START_FAILURE_WORDS`, in its case, as its patterns."""
    for pattern in levels.START_FAILURE_PATTERNS:
        for branch in top_level_alternatives(pattern):
            literal = re.sub(r"\\(.)", r"\1", branch)
            assert any(word in literal for word in levels._START_FAILURE_WORDS), branch


def _error_evidence_unshortened(text: str) -> bool:
    """`error_evidence` as it was before its shortcuts: every text replaced, searched and lowered (what says no
    failure happened removed first, `_NO_FAILURE`)."""
    head = levels._FAILURE_PHRASE_HEAD
    text = levels._SIGN_LOOKALIKES.sub(" ", levels._NO_FAILURE.sub(" ", text[:head]) + text[head:])
    if levels.may_raise(text) or levels._START_FAILURE.search(text, 0, 4_000) is not None:
        return True
    lower = text.lower()
    if any(word in lower for word in levels._FAILURE_SIGNS + levels._FAILURE_SIGNS_LATIN):
        return True
    return not text.isascii() and any(word in lower for word in levels._FAILURE_SIGNS_OTHER_SCRIPTS)


_EVIDENCE_PIECES = [
    "Using default tag: latest",
    "DEFAULT",
    "Referrer",
    "deferred",
    "PreFerred",
    "fault",
    "err",
    "ERROR",
    "Cannot find module 'x'",
    "cannot find module",
    "Could not find or load main class App",
    "APPLICATION FAILED TO START",
    "exec format error",
    "processed 120 records",
    "0 errors",
    "error_rate=0.00",
    "purged: 0",
    "--help   show help and exit",
    "purged 3 expired",
    "ſ",
    "İ",
    "K",
    "échec",
    " ",
    "\n",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_EVIDENCE_PIECES), max_size=8), st.text(max_size=20))
def test_error_evidence_with_its_shortcuts_decides_as_without_them(pieces: list[str], other: str) -> None:
    text = "".join(pieces) + other
    assert levels.error_evidence(text) is _error_evidence_unshortened(text)


@pytest.mark.parametrize(
    "text",
    [
        "Using default tag: latest",  # `default` holds `fault`: no sign
        "GET / referrer=https://shop.example.com/ 200",
        "the DEFAULT profile is active",
        "Cannot find module 'express'",  # a start failure, and a sign of one
        "Error: Could not find or load main class com.shop.App",
        "2026-12-03 10:00:00,123 INFO [worker] processed 120 records in 0.8s",
    ],
)
def test_error_evidence_on_weak_error_lines(text: str) -> None:
    assert levels.error_evidence(text) is _error_evidence_unshortened(text)


def test_every_failure_phrase_holds_a_word_the_fast_path_and_the_live_query_look_for() -> None:
    """`may_raise` (the fast path) and `MAY_DECLARE_LEVEL` (the live query) find a failure phrase by a word of it: each
    branch of `_FAILURE_PHRASE` holds one of `MAY_RAISE_WORDS`, and each system call's error one of the query's."""
    for branch in top_level_alternatives(levels._FAILURE_PHRASE.pattern.removeprefix("(?i)")):
        literal = re.sub(r"\\(.)", r"\1", branch).lower()
        assert any(word in literal for word in levels.MAY_RAISE_WORDS), branch
    for phrase in levels._ERRNO_PHRASES:
        assert any(word in phrase for word in (*levels._FAILURE_PHRASE_WORDS, *levels._ERRNO_WORDS)), phrase
