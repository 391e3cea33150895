"""What a cluster's title shows: every token all members share, `<*>` only where they differ."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from loggardener.clustering.shared import MAX_LENGTHS, MAX_SHARED_TOKENS, SharedTokens


def shared(messages: list[str]) -> str:
    tokens = SharedTokens()
    for message in messages:
        tokens.add(message)
    return tokens.text()


def test_members_that_agree_read_literally() -> None:
    message = "FastAPI.__call__() missing 1 required positional argument: 'send'"
    assert shared([message] * 3) == message


def test_differing_tokens_read_masked_when_only_values_differ_else_wildcard() -> None:
    messages = [f"Container called exit({code}). user {user}" for code, user in ((1, "ann"), (3, "bob"))]
    assert shared(messages) == "Container called exit(<*>). user <*>"


def test_members_of_other_lengths_are_aligned() -> None:
    messages = ["Invalid user admin from 10.0.0.1", "Invalid user boris zhang from 10.0.0.1"]
    assert shared(messages) == "Invalid user <*> from 10.0.0.1"


def test_memory_is_bounded() -> None:
    tokens = SharedTokens()
    for length in range(1, 50):
        tokens.add(" ".join(["word"] * length))
    tokens.add("x " * 10_000)
    assert len(tokens._by_length) == MAX_LENGTHS
    assert all(len(state[0]) <= MAX_SHARED_TOKENS + 1 for state in tokens._by_length.values())


words = st.sampled_from(["GET", "POST", "retry", "7", "12", "'send'", "'recv'", "exit(1).", "exit(2)."])
message = st.lists(words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(st.lists(message, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_the_display_does_not_depend_on_order_or_on_how_it_was_merged(
    messages: list[str], rng: object
) -> None:
    shuffled = list(messages)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    halves = SharedTokens(), SharedTokens()
    for i, text in enumerate(shuffled):
        halves[i % 2].add(text)
    halves[1].merge(halves[0])
    assert shared(messages) == shared(shuffled) == halves[1].text()


@settings(max_examples=80, deadline=None)
@given(st.lists(message, min_size=1, max_size=12))
def test_a_token_shown_literally_is_in_every_member(messages: list[str]) -> None:
    for token in shared(messages).split():
        if "<*>" not in token:
            assert all(token in text.split() for text in messages)


def test_messages_of_a_token_count_no_longer_kept_still_rule_tokens_out() -> None:
    """Found by the property above: with more token counts than are kept, the dropped count's messages
    (`POST …`) lack the tokens the kept ones share, so the display must not show them literally."""
    assert shared(["GET", "GET GET", "GET GET GET", "GET GET GET GET", "POST POST POST POST POST"]) == "<*>"
    assert shared(
        ["retry 7", "retry 7 GET", "retry 7 GET GET", "retry 7 GET GET GET", "retry 8 a b c d"]
    ) == ("retry <*>")
