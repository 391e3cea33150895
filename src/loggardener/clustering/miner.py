"""Streaming template miner: one pass, one configuration for every input, ids that do not depend on order.

How it works:

1. Every message is reduced to its *signature*, a pure function of the message: the masked text (numbers,
   ids, dates, addresses, paths, quoted strings become `<*>`) split on whitespace, with runs of wildcards,
   bracketed value lists and repeated value groups folded into one wildcard. `add` returns the signature's
   digest, so a message gets the same id whatever else is in the stream and in whatever order it comes.
2. Signatures that are equal but for one slot are merged into one cluster once the slot has proven to be a
   variable: four distinct words with at least three constant words around them (one differing word, as in
   `VM Started` / `VM Paused`, never merges), or two distinct word-free values such as `(<*>ms)` / `(<*>s)`
   with at least two constant words around. Values of two tokens join a slot that is proven
   variable, so `Invalid user boris zhang` joins `Invalid user <*>`. These conditions only ever become true
   as messages arrive, so the final clusters depend on the set of messages seen, not on their order.
3. A cluster's template aligns its signatures: tokens they share stay, the rest read `<*>`. A cluster's id
   is the digest of its template, so clusters whose templates coincide are one cluster.

Memory is bounded by `max_templates` signatures, each with at most `MAX_TOKENS` tokens. Past the cap a
new signature still joins a cluster whose variable slot it fills; anything else is counted in the
"other" bucket (`OTHER_ID`), which says how many messages it holds.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from loggardener.clustering.masking import WILDCARD, mask

OTHER_ID = "other"
MAX_TOKENS = 100
MAX_VALUE_TOKENS = 2
MIN_DISTINCT_WORDS = 4
MIN_CONTEXT_FOR_WORDS = 3
MIN_CONTEXT_FOR_VALUES = 2

RECENT_CACHE = 65_536
# Masking turns every digit into a wildcard and treats all digits alike, so messages that differ only in
# their digits have the same signature: the miner looks them up by the message with its digits zeroed.
_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0000000000")

_LETTER = re.compile(r"[A-Za-z]")
_WORD_OR_BRACKET = re.compile(r"[A-Za-z()\[\]{}<>]")
# Participles and common state words are what tells events apart ("VM Started" / "VM Paused"), so they
# never count as evidence that a slot is variable; they still join a slot that other values proved variable.
_STATE_WORD = re.compile(
    r"(?i)(?:[a-z]+(?:ed|ing)|ready|active|inactive|idle|up|down|true|false|ok|on|off|success|failure"
    r"|healthy|unhealthy|online|offline|open|pending|enabled|disabled|yes|no|none|null)"
)
_PUNCTUATION = "()[]{}<>.,;:!?'\"`"
_UNIT_AFTER_WILDCARD = re.compile(r"<\*>[a-zA-Zµ]{0,3}")


def signature(message: str) -> tuple[str, ...]:
    """The canonical token sequence of a message: masked, wildcard runs, value lists and repeats folded."""
    masked = mask(message)
    tokens = masked.split()
    if WILDCARD in masked:
        folded: list[str] = []
        for token in tokens:
            if WILDCARD in token and not _WORD_OR_BRACKET.search(token.replace(WILDCARD, "")):
                token = WILDCARD  # `<*>:<*>`, `<*>/<*>`: one value
            if token == WILDCARD and folded and folded[-1] == WILDCARD:
                continue
            folded.append(token)
        tokens = _fold_repeats(folded) if folded.count(WILDCARD) > 1 else folded
    if len(tokens) > MAX_TOKENS:
        tokens = [*tokens[:MAX_TOKENS], WILDCARD]
    return tuple(tokens)


def _fold_repeats(tokens: list[str]) -> list[str]:
    """`nodesets <*> <ok> <*> <ok> <*> <ok>` reads `nodesets <*> <ok>`: a repeated group with a value is a list."""
    for width in (2, 3):
        out: list[str] = []
        for token in tokens:
            out.append(token)
            if (
                len(out) >= 2 * width
                and out[-width:] == out[-2 * width : -width]
                and WILDCARD in out[-width:]
            ):
                del out[-width:]
        tokens = out
    return tokens


def digest(text: str) -> str:
    """Short stable hash used for ids."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _is_word(token: str) -> bool:
    return WILDCARD not in token and _LETTER.search(token) is not None


def _valuelike(tokens: tuple[str, ...]) -> bool:
    """A slot value without words: masked values, optionally with a unit (`(<*>ms)`), or punctuation."""
    return all(_LETTER.search(_UNIT_AFTER_WILDCARD.sub("", token)) is None for token in tokens)


@dataclass(frozen=True)
class MinedCluster:
    """A cluster as the miner sees it at the end of a stream."""

    id: str
    template: str
    count: int


class _Node:
    """One signature: its tokens, id, how many messages had it, and its union-find parent."""

    __slots__ = ("count", "id", "parent", "tokens")

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.tokens = tokens
        self.id = digest(" ".join(tokens))
        self.count = 0
        self.parent: _Node = self


class _Hole:
    """Signatures equal but for one slot (same prefix and suffix), and whether the slot is a variable yet."""

    __slots__ = ("context", "followers", "merged", "values", "values_merged", "wildcard", "words")

    def __init__(self, context: int) -> None:
        self.context = context
        self.words: list[_Node] = []
        self.values: list[_Node] = []
        self.followers: list[_Node] = []
        self.merged = False
        self.values_merged = False
        self.wildcard = False


class TemplateMiner:
    """One-pass template miner; see the module docstring for the method."""

    def __init__(self, max_templates: int = 50_000, *, cache_size: int = RECENT_CACHE) -> None:
        """`max_templates` caps the signatures kept; `cache_size` bounds the lookup cache (0: no cache).

        The cache only saves work: results are the same with or without it.
        """
        self.max_templates = max_templates
        self.cache_size = cache_size
        self.other_count = 0
        self._nodes: dict[tuple[str, ...], _Node] = {}
        self._by_id: dict[str, _Node] = {}
        self._holes: dict[int, _Hole] = {}
        self._members: dict[int, list[_Node]] = {}
        self._templates: dict[int, str] = {}
        self._recent: dict[bytes, _Node] = {}

    def add(self, message: str) -> str:
        """Count one message; return its signature's id (pass it to `template` and `resolve`)."""
        if not self.cache_size:
            return self._add_signature(signature(message))
        key = message.encode("utf-8", "surrogatepass").translate(_DIGITS_TO_ZERO)
        node = self._recent.get(key)
        if node is None:
            template_id = self._add_signature(signature(message))
            node = self._by_id.get(template_id)
            if node is not None:
                if len(self._recent) >= self.cache_size:
                    self._recent.clear()
                self._recent[key] = node
            return template_id
        node.count += 1
        return node.id

    def _add_signature(self, tokens: tuple[str, ...]) -> str:
        node = self._nodes.get(tokens)
        if node is None:
            if len(self._nodes) >= self.max_templates:
                return self._overflow(tokens)
            node = self._insert(tokens)
        node.count += 1
        return node.id

    def resolve(self, template_id: str) -> str:
        """The id of the cluster a signature id belongs to now: the digest of the cluster's template."""
        if template_id not in self._by_id:
            return OTHER_ID
        return digest(self.template(template_id))

    def template(self, template_id: str) -> str:
        """The current template of the cluster holding `template_id`, with `<*>` for variable parts."""
        node = self._by_id.get(template_id)
        if node is None:
            return f"(other messages: more than {self.max_templates:,} templates)"
        root = self._find(node)
        text = self._templates.get(id(root))
        if text is None:
            members = sorted(member.tokens for member in self._members[id(root)])
            aligned = list(members[0])
            for tokens in members[1:]:
                aligned = _align(aligned, tokens)
            text = self._templates[id(root)] = " ".join(aligned)
        return text

    def clusters(self) -> list[MinedCluster]:
        """Every cluster with its message count, most frequent first (the "other" bucket last)."""
        counts: dict[str, int] = {}
        for node in self._nodes.values():
            text = self.template(node.id)
            counts[text] = counts.get(text, 0) + node.count
        result = sorted(
            (MinedCluster(digest(text), text, count) for text, count in counts.items()),
            key=lambda cluster: (-cluster.count, cluster.template),
        )
        if self.other_count:
            result.append(MinedCluster(OTHER_ID, self.template(OTHER_ID), self.other_count))
        return result

    def _overflow(self, tokens: tuple[str, ...]) -> str:
        """Past the cap: join a cluster whose proven variable slot this signature fills, or count as other."""
        for start, end in _slots(len(tokens)):
            hole = self._holes.get(hash((tokens[:start], tokens[end:])))
            if hole is not None and hole.merged and hole.words:
                hole.words[0].count += 1
                return hole.words[0].id
        self.other_count += 1
        return OTHER_ID

    def _insert(self, tokens: tuple[str, ...]) -> _Node:
        node = _Node(tokens)
        self._nodes[tokens] = node
        self._by_id[node.id] = node
        self._members[id(node)] = [node]
        words = [0]
        for token in tokens:
            words.append(words[-1] + _is_word(token))
        for start, end in _slots(len(tokens)):
            key = hash((tokens[:start], tokens[end:]))
            hole = self._holes.get(key)
            if hole is None:
                hole = self._holes[key] = _Hole(words[start] + words[-1] - words[end])
            self._fill(hole, node, tokens[start:end])
        return node

    def _fill(self, hole: _Hole, node: _Node, value: tuple[str, ...]) -> None:
        """Record `node`'s value for the slot of `hole`; merge when the slot has proven variable."""
        if hole.merged:
            self._union(hole.words[0], node)
            return
        if len(value) > 1 or _STATE_WORD.fullmatch(value[0].strip(_PUNCTUATION)):
            hole.followers.append(node)
        else:
            hole.words.append(node)
            if hole.context >= MIN_CONTEXT_FOR_WORDS and len(hole.words) >= MIN_DISTINCT_WORDS:
                hole.merged = True
                for other in (*hole.words[1:], *hole.followers):
                    self._union(hole.words[0], other)
                del hole.words[1:]
                hole.values.clear()
                hole.followers.clear()
                return
        if hole.context < MIN_CONTEXT_FOR_VALUES or not _valuelike(value):
            return
        hole.values.append(node)
        hole.wildcard = hole.wildcard or any(WILDCARD in token for token in value)
        if hole.values_merged:
            self._union(hole.values[0], node)
        elif hole.wildcard and len(hole.values) >= 2:
            hole.values_merged = True
            for other in hole.values[1:]:
                self._union(hole.values[0], other)
            del hole.values[1:]

    def _find(self, node: _Node) -> _Node:
        root = node
        while root.parent is not root:
            root = root.parent
        while node.parent is not root:
            node.parent, node = root, node.parent
        return root

    def _union(self, a: _Node, b: _Node) -> None:
        root_a, root_b = self._find(a), self._find(b)
        if root_a is root_b:
            return
        if len(self._members[id(root_a)]) < len(self._members[id(root_b)]):
            root_a, root_b = root_b, root_a
        root_b.parent = root_a
        self._members[id(root_a)].extend(self._members.pop(id(root_b)))
        self._templates.pop(id(root_a), None)
        self._templates.pop(id(root_b), None)


def _slots(size: int) -> list[tuple[int, int]]:
    """Every slot of a signature: one token, or a run of up to `MAX_VALUE_TOKENS` tokens."""
    return [
        (start, end)
        for start in range(size)
        for end in range(start + 1, min(start + MAX_VALUE_TOKENS, size) + 1)
    ]


def _align(template: list[str], tokens: tuple[str, ...]) -> list[str]:
    """Tokens `template` and `tokens` share stay; each differing stretch becomes one wildcard."""
    if len(template) == len(tokens):
        return [a if a == b else WILDCARD for a, b in zip(template, tokens, strict=True)]
    out: list[str] = []
    matcher = SequenceMatcher(a=template, b=tokens, autojunk=False)
    position_a = position_b = 0
    for block in matcher.get_matching_blocks():
        if (block.a > position_a or block.b > position_b) and (not out or out[-1] != WILDCARD):
            out.append(WILDCARD)
        out.extend(template[block.a : block.a + block.size])
        position_a, position_b = block.a + block.size, block.b + block.size
    return out
