"""The tokens every member of a cluster has in common: what a cluster's title shows literally.

A cluster's fingerprint hashes its masked template, which must not change when a run sees other values;
its *display* shows every token that is the same in all members, the masked form of a token whose members
differ only in their values (`exit(<*>).`), and `<*>` where they differ otherwise. A cluster whose members
all say `missing 1 required positional argument: 'send'` reads exactly that.
"""

from __future__ import annotations

import functools
from difflib import SequenceMatcher

from loggardener.clustering.masking import WILDCARD, ZERO_DIGITS, mask

# Token counts kept per accumulator (the smallest ones) and tokens kept per count: memory stays bounded.
MAX_LENGTHS = 4
MAX_SHARED_TOKENS = 100
# Messages remembered per accumulator as already fed (feeding one again changes nothing, and is skipped): a
# few short ones, so that what an accumulator holds stays about the size of its tokens.
MAX_SEEN = 4
MAX_SEEN_CHARS = 256
# Tokens up to this long are masked through a cache (`_mask_token`).
MAX_CACHED_TOKEN = 100

# Per position: the raw token all members share, or (when `masked` has the position's bit) the masked
# token they share, or None where they differ.
_Tokens = tuple[str | None, ...]
_State = tuple[_Tokens, int]


class SharedTokens:
    """Accumulates, per whitespace token count, the tokens all messages of that count share by position.

    Each position keeps the raw token if every message has it, else its masked form if every message
    masks to it, else nothing: a meet in a three-level order, so it is commutative and associative; the
    counts kept are the smallest ones seen. The result depends on the set of messages fed, not on their
    order. Memory: at most `MAX_LENGTHS` lists of at most `MAX_SHARED_TOKENS` tokens (a longer message
    keeps its first tokens and a final `<*>`), and the set of tokens every message has (among its first
    `MAX_SHARED_TOKENS`): messages of a count no longer kept still rule out the tokens they lack, and
    masked tokens, which that set cannot vouch for, read `<*>` once a count was dropped.
    """

    __slots__ = ("_by_length", "_common", "_dropped", "_seen")

    def __init__(self) -> None:
        self._by_length: dict[int, _State] = {}
        self._common: frozenset[str] | None = None
        self._dropped = False
        self._seen: set[str] = set()

    def add(self, message: str) -> None:
        """Feed one raw message (the meet is idempotent: a message fed before changes nothing)."""
        if message in self._seen:
            return
        if len(self._seen) < MAX_SEEN and len(message) <= MAX_SEEN_CHARS:
            self._seen.add(message)
        tokens: list[str | None] = list(message.split())
        if len(tokens) > MAX_SHARED_TOKENS:
            tokens = [*tokens[:MAX_SHARED_TOKENS], None]
        if self._common is None:
            self._common = frozenset(token for token in tokens if token is not None)
        elif self._common:  # (None is never a common token: no need to filter it out)
            self._common = self._common.intersection(tokens)
        self._fold(len(tokens), (tuple(tokens), 0))

    def merge(self, other: SharedTokens) -> None:
        """Fold in another accumulator (the same cluster, counted elsewhere)."""
        if other._common is not None:
            self._intersect(other._common)
        self._dropped = self._dropped or other._dropped
        for length, state in other._by_length.items():
            self._fold(length, state)

    def _intersect(self, tokens: frozenset[str]) -> None:
        self._common = tokens if self._common is None else self._common & tokens

    def _fold(self, length: int, state: _State) -> None:
        known = self._by_length.get(length)
        if known is None:
            if len(self._by_length) >= MAX_LENGTHS:
                self._dropped = True
                longest = max(self._by_length)
                if length > longest:
                    return
                del self._by_length[longest]
            self._by_length[length] = state
        elif known != state:
            self._by_length[length] = _meet(known, state)

    def text(self) -> str:
        """The shared tokens, `<*>` where members differ (one `<*>` per differing stretch)."""
        aligned: list[str | None] | None = None
        for length in sorted(self._by_length):
            tokens = list(self._by_length[length][0])
            aligned = tokens if aligned is None else _align(aligned, tokens)
        out: list[str] = []
        for token in aligned or ():
            if (
                token is not None
                and self._dropped
                and (WILDCARD in token or token not in (self._common or ()))
            ):
                token = None  # a message of a count no longer kept may lack it
            if token is None or token == WILDCARD:
                if not out or out[-1] != WILDCARD:
                    out.append(WILDCARD)
            else:
                out.append(token)
        return " ".join(out)


def _meet(a: _State, b: _State) -> _State:
    tokens: list[str | None] = []
    masked = 0
    a_masked, b_masked = a[1], b[1]
    bit = 1  # the position's bit in the masks
    for x, y in zip(a[0], b[0], strict=True):
        x_masked, y_masked = a_masked & bit, b_masked & bit
        if x is None or y is None:
            tokens.append(None)
        elif x == y and x_masked == y_masked:
            tokens.append(x)
            masked |= x_masked
        else:
            x = x if x_masked else _mask_token(x)
            y = y if y_masked else _mask_token(y)
            if x == y and WILDCARD in x:
                tokens.append(x)
                masked |= bit
            else:
                tokens.append(None)
        bit <<= 1
    return tuple(tokens), masked


# A differing token is mostly a value (`'sku-41'`, `'sku-7'`): keyed by its digits zeroed, few are distinct.
_mask_zeroed = functools.lru_cache(maxsize=4_096)(mask)


def _mask_token(token: str) -> str:
    return _mask_zeroed(token.translate(ZERO_DIGITS)) if len(token) <= MAX_CACHED_TOKEN else mask(token)


def _align(a: list[str | None], b: list[str | None]) -> list[str | None]:
    """Tokens that `a` and `b` share in order stay; every stretch where they differ becomes one None."""
    out: list[str | None] = []
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    position_a = position_b = 0
    for block in matcher.get_matching_blocks():
        if block.a > position_a or block.b > position_b:
            out.append(None)
        out.extend(a[block.a : block.a + block.size])
        position_a, position_b = block.a + block.size, block.b + block.size
    return out
