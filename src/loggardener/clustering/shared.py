"""The tokens every member of a cluster has in common: what a cluster's title shows literally.

A cluster's fingerprint hashes its masked template, which must not change when a run sees other values;
its *display* shows every token that is the same in all members and `<*>` only where they differ, so a
cluster whose members all say `missing 1 required positional argument: 'send'` reads exactly that.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from loggardener.clustering.masking import WILDCARD

# Token counts kept per accumulator (the smallest ones) and tokens kept per count: memory stays bounded.
MAX_LENGTHS = 4
MAX_SHARED_TOKENS = 100

Shared = tuple[str | None, ...]  # None: the members differ at this position


class SharedTokens:
    """Accumulates, per whitespace token count, the tokens all messages of that count share by position.

    Intersection is commutative and associative and the kept counts are the smallest ones seen, so the
    result depends on the set of messages fed, not on their order. Memory: at most `MAX_LENGTHS` lists of
    at most `MAX_SHARED_TOKENS` tokens (a longer message keeps its first tokens and a final `<*>`).
    """

    __slots__ = ("_by_length",)

    def __init__(self) -> None:
        self._by_length: dict[int, Shared] = {}

    def add(self, message: str) -> None:
        """Feed one raw message."""
        tokens: list[str | None] = list(message.split())
        if len(tokens) > MAX_SHARED_TOKENS:
            tokens = [*tokens[:MAX_SHARED_TOKENS], None]
        self._fold(len(tokens), tuple(tokens))

    def merge(self, other: SharedTokens) -> None:
        """Fold in another accumulator (the same cluster, counted elsewhere)."""
        for length, shared in other._by_length.items():
            self._fold(length, shared)

    def _fold(self, length: int, tokens: Shared) -> None:
        known = self._by_length.get(length)
        if known is None:
            if len(self._by_length) >= MAX_LENGTHS:
                longest = max(self._by_length)
                if length > longest:
                    return
                del self._by_length[longest]
            self._by_length[length] = tokens
        elif known != tokens:
            self._by_length[length] = tuple(a if a == b else None for a, b in zip(known, tokens, strict=True))

    def text(self) -> str:
        """The shared tokens, `<*>` where members differ (one `<*>` per differing stretch)."""
        aligned: list[str | None] | None = None
        for length in sorted(self._by_length):
            shared = list(self._by_length[length])
            aligned = shared if aligned is None else _align(aligned, shared)
        out: list[str] = []
        for token in aligned or ():
            if token is None:
                if not out or out[-1] != WILDCARD:
                    out.append(WILDCARD)
            else:
                out.append(token)
        return " ".join(out)


def _align(a: list[str | None], b: list[str | None]) -> list[str | None]:
    """Tokens that `a` and `b` share in order stay; every stretch where they differ becomes one None."""
    out: list[str | None] = []
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    position_a = position_b = 0
    for block in matcher.get_matching_blocks():
        if block.a > position_a or block.b > position_b:
            out.append(None)
        out.extend(token for token in a[block.a : block.a + block.size])
        position_a, position_b = block.a + block.size, block.b + block.size
    return out
