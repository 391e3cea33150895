"""Streaming template miner (draft)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from loggardener.clustering.masking import WILDCARD, mask

OTHER_ID = "other"
MAX_TOKENS = 100
MAX_SPAN = 1
_LETTER = re.compile(r"[A-Za-z]")
_WORD_OR_BRACKET = re.compile(r"[A-Za-z()\[\]{}<>]")


def signature(message: str) -> tuple[str, ...]:
    """The masked token sequence of a message, runs of wildcards collapsed into one."""
    tokens: list[str] = []
    for token in mask(message).split():
        if WILDCARD in token and not _WORD_OR_BRACKET.search(token.replace(WILDCARD, "")):
            token = WILDCARD
        if token == WILDCARD and tokens and tokens[-1] == WILDCARD:
            continue
        tokens.append(token)
    tokens = _collapse_repeats(tokens)
    if len(tokens) > MAX_TOKENS:
        tokens = [*tokens[:MAX_TOKENS], WILDCARD]
    return tuple(tokens)


def _collapse_repeats(tokens: list[str]) -> list[str]:
    """`a <*> b <*> b <*> b` reads `a <*> b`: a repeated group holding a wildcard is a list."""
    for width in (1, 2, 3):
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


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _needed(context: int) -> int:
    """Distinct words a slot needs, given `context` constant words around it, before it is a variable."""
    return 4 if context >= 3 else 1 << 30


_UNIT_AFTER_WILDCARD = re.compile(r"<\*>[a-zA-Zµ]{0,3}")


def _valuelike(tokens: tuple[str, ...]) -> bool:
    """A slot value without words: masked values, optionally with a unit (`(<*>ms)`), or punctuation."""
    return all(_LETTER.search(_UNIT_AFTER_WILDCARD.sub("", token)) is None for token in tokens)


class _Node:
    __slots__ = ("count", "id", "parent", "tokens")

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.tokens = tokens
        self.id = _digest(" ".join(tokens))
        self.count = 0
        self.parent: _Node = self


class _Hole:
    """Signatures that are equal but for one slot: once the slot shows enough values, they merge."""

    __slots__ = ("context", "merged", "nodes", "values", "values_merged", "wildcard")

    def __init__(self, context: int) -> None:
        self.context = context
        self.nodes: list[_Node] = []
        self.values: list[_Node] = []
        self.merged = False
        self.values_merged = False
        self.wildcard = False


class TemplateMiner:
    """One-pass template miner."""

    def __init__(self, max_templates: int = 50_000) -> None:
        self.max_templates = max_templates
        self._nodes: dict[tuple[str, ...], _Node] = {}
        self._by_id: dict[str, _Node] = {}
        self._holes: dict[int, _Hole] = {}
        self._members: dict[int, list[_Node]] = {}
        self._templates: dict[int, str] = {}
        self.other = 0

    def add(self, message: str) -> str:
        tokens = signature(message)
        node = self._nodes.get(tokens)
        if node is None:
            if len(self._nodes) >= self.max_templates:
                self.other += 1
                return OTHER_ID
            node = self._insert(tokens)
        node.count += 1
        return node.id

    def _insert(self, tokens: tuple[str, ...]) -> _Node:
        node = _Node(tokens)
        self._nodes[tokens] = node
        self._by_id[node.id] = node
        self._members[id(node)] = [node]
        words = [0]
        for token in tokens:
            words.append(words[-1] + (WILDCARD not in token and _LETTER.search(token) is not None))
        size = len(tokens)
        for start in range(size):
            for end in range(start + 1, min(start + MAX_SPAN, size) + 1):
                key = hash((tokens[:start], tokens[end:]))
                hole = self._holes.get(key)
                if hole is None:
                    hole = self._holes[key] = _Hole(words[start] + words[size] - words[end])
                if hole.merged:
                    self._union(hole.nodes[0], node)
                    continue
                hole.nodes.append(node)
                if len(hole.nodes) >= _needed(hole.context):
                    hole.merged = True
                    for other in hole.nodes[1:]:
                        self._union(hole.nodes[0], other)
                    del hole.nodes[1:]
                    hole.values.clear()
                    continue
                value = tokens[start:end]
                if hole.context < 2 or not _valuelike(value):
                    continue
                hole.values.append(node)
                hole.wildcard = hole.wildcard or any(WILDCARD in token for token in value)
                if hole.values_merged:
                    self._union(hole.values[0], node)
                elif hole.wildcard and len(hole.values) >= 2:
                    hole.values_merged = True
                    for other in hole.values[1:]:
                        self._union(hole.values[0], other)
        return node

    def _find(self, node: _Node) -> _Node:
        root = node
        while root.parent is not root:
            root = root.parent
        while node.parent is not root:
            node.parent, node = root, node.parent
        return root

    def _union(self, a: _Node, b: _Node) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra is rb:
            return
        if len(self._members[id(ra)]) < len(self._members[id(rb)]):
            ra, rb = rb, ra
        rb.parent = ra
        self._members[id(ra)].extend(self._members.pop(id(rb)))
        self._templates.pop(id(ra), None)
        self._templates.pop(id(rb), None)

    def resolve(self, template_id: str) -> str:
        if template_id not in self._by_id:
            return template_id
        return _digest(self.template(template_id))

    def template(self, template_id: str) -> str:
        node = self._by_id.get(template_id)
        if node is None:
            return "<other>"
        root = self._find(node)
        text = self._templates.get(id(root))
        if text is None:
            members = sorted(member.tokens for member in self._members[id(root)])
            merged = list(members[0])
            for tokens in members[1:]:
                merged = _align(merged, tokens)
            text = self._templates[id(root)] = " ".join(merged)
        return text

    def templates(self) -> Iterator[str]:
        return iter({self.template(node.id) for node in self._nodes.values()})


def _align(template: list[str], tokens: tuple[str, ...]) -> list[str]:
    if len(template) == len(tokens):
        return [a if a == b else WILDCARD for a, b in zip(template, tokens)]
    out: list[str] = []
    matcher = SequenceMatcher(a=template, b=tokens, autojunk=False)
    position_a = position_b = 0
    for block in matcher.get_matching_blocks():
        if (block.a > position_a or block.b > position_b) and (not out or out[-1] != WILDCARD):
            out.append(WILDCARD)
        out.extend(template[block.a : block.a + block.size])
        position_a, position_b = block.a + block.size, block.b + block.size
    return out
