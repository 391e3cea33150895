"""Streaming template miner: one pass, one configuration for every input, clusters that do not depend on order.

How it works (docs/clustering.md states it in one page):

1. Every message is reduced to its *signature*, a pure function of the message: the masked text (numbers,
   ids, dates, addresses, host names, paths become `<*>`) split on whitespace, a token that is only a value
   (`(<*>)`, `'<*>'`, `[<*>]`, `<*>:<*>`, `()`) read as `<*>`, runs of wildcards, repeated value groups and
   call stacks (`a.b.Store.put:<*> a.b.Api.run:<*>`, however deep) folded into one. `add` counts the message under its signature and returns the signature's digest, so a message gets
   the same id whatever else is in the stream and in whatever order it comes.
2. Clusters are computed from the signatures and their counts alone (when asked, after messages arrived):
   - *values*: signatures that differ in values only (`<*>ms` / `<*>.<*>s`, quoted words, `key=<value>`,
     names of things after the first token: `node-a`, `web/<*>`, not codes such as `bad_token`), at however
     many positions, are one cluster from the start, however few messages show them.
   - *context lists*: the values of the fields a message ends with, after a comma (nginx's `, client: <*>,
     server: _, request: "GET <*> HTTP/<*>.<*>", host: "localhost"`), are values, whatever their shape;
     which fields a line has stays its own (`_context_lists`).
   - *tallies*: a run of `name=count` counters ending lines equal up to it is one value where the runs are
     varying subsets of one vocabulary (Postfix's `… ehlo=1 mail=1 commands=2`); runs of other names keep
     them (`_counter_tallies`).
   - *known texts*: an OS error's text after its errno or system call, an HTTP reason phrase after its code, is
     a value once two of them fill that place in lines equal elsewhere: closed vocabularies
     (`clustering/vocabulary.py`, `_known_texts`).
   - *phrases*: a stretch of prose words that is a value (a unit's description, an error text: the same
     stretches fill several places, `Starting <*>...`, `failed: <*>`) reads as one wildcard (`_phrases`);
     values after its first word are part of it (`User Manager for UID <*>`).
   - *slots*: signatures of one length that are equal but for one position form a slot (or but for two
     positions that say one value twice, quoted or as a key's value at one of them: `_echo_slots`). Its
     values merge when the slot is variable: values without words (`<*>`, `<*>ms`) always do; a word joins
     masked values that occur at least as often as it (wildcard absorption); words merge with each other when at
     least `MIN_DISTINCT` of them fill slots elsewhere too (user names; read without what the slot's tokens
     share around them: `staging` of `staging.DEBUG:`), or when, besides the most
     frequent one, there are at least `MIN_DISTINCT` - 1 of them and their number is at least
     `variable_ratio` times the square root of the messages they cover at that place (many rare values:
     a variable; a few frequent ones, `VM Started` / `VM Paused` twenty times each: different events; verbs,
     `Starting <*>` / `Pausing <*>`, `VM Resumed` / `VM Paused`, name their statements however many they are).
     Slots are found again over the clusters' templates, up to `MAX_ROUNDS` times: two variables of few
     values each fill each other's slots only once the other one reads `<*>`; where two places of plain words,
     three or more each, combine freely (more pairs than words), both are values at once (`_crossed_slots`).
   - *records*: cluster templates of one length with the same words outside their fields are rows of one
     record; its fields of `MIN_DISTINCT` words or more that combine freely are values (`_records`).
   - *labelled fields*: then the slot rounds run again, and a slot a label names (`method=GET`) that ends
     the line or is followed by another field is variable when at least `MIN_DISTINCT` words fill it, each
     common, or two words that are a flag's values, `yes` / `no`, however few lines show them (`_is_labelled`,
     `_few_common`).
   - *absorption*: a cluster whose template equals a bigger cluster's template except where that one has a
     wildcard joins it, whatever its tokens there; so does one whose extra tokens (up to
     `MAX_VALUE_TOKENS` for one wildcard) fill such a wildcard (`Invalid user boris zhang from <*>`), and,
     whichever is bigger, one whose names and wildcards in a row fill it (`joined: node-a <*>`, `joined: <*>`),
     with a bracketed tag after one of them (`Device: <*> [SAT], <*> …`, `Device: <*> …`).
   - *optional fields*: a cluster whose template is another's with comma-separated fields inserted, the
     fields a statement writes only when it has them (`client=<*>` / `client=<*>, sasl_method=PLAIN,
     sasl_username=<*>`), joins it; the rest, the fields both have included, stays equal (`_optional_fields`).
3. A cluster holds messages of one exception class only (`_by_exception_classes`: the class that a message names,
   `System.IO.IOException:`, is the identity of its problem, never a value). A cluster's template aligns its
   signatures: tokens they share stay, the rest read `<*>`. A cluster's id
   is the digest of its template, so clusters whose templates coincide are one cluster.

Every step is a function of the multiset of signatures, so the final clusters do not depend on order.
Memory is bounded by `max_templates` signatures, each with at most `MAX_TOKENS` tokens. Past the cap a new
signature still joins a cluster it fits by absorption; anything else is counted in the "other" bucket
(`OTHER_ID`), which says how many messages it holds.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import operator
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import cast

from loggardener.clustering.masking import WILDCARD, mask
from loggardener.clustering.vocabulary import ERROR_TEXTS, REASON_PHRASES, SHORT_REASON_PHRASES, SYSTEM_CALLS
from loggardener.regexes import compile_regex

OTHER_ID = "other"
MAX_TOKENS = 100
MAX_VALUE_TOKENS = 2
MIN_DISTINCT = 3
# Words a value of many words may have (`_phrases`), and the longest signature it is looked for in.
MAX_PHRASE = 12
MAX_PHRASE_TOKENS = 64
# Rounds of slot merges, each over the cluster templates the one before left.
MAX_ROUNDS = 4
# Members of a bracketed list looked at around a slot (`_in_value_list`).
MAX_LIST = 8
VARIABLE_RATIO = 1.0
# Values in a row that one `<*>` of another cluster stands for (`Listen normally on <*> lo <*>`, where a line
# whose interface is masked folds all three into one `<*>`): at most this many tokens, less one.
MAX_FOLDED_RUN = 4
# Template masks tried per token count when looking for an absorbing cluster (the most frequent ones).
MAX_MASKS = 64
# Clusters a loose fit compares per place of a wildcard (the biggest ones; `_Absorbers._loose`).
MAX_LOOSE = 8

RECENT_CACHE = 65_536
# Masking turns every digit into a wildcard and treats all digits alike, so messages that differ only in
# their digits have the same signature: the miner looks them up by the message with its digits zeroed.
_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0000000000")

_FLAGS = frozenset(("yes", "no", "true", "false", "on", "off"))  # a flag's two values
_ABSENT = frozenset(
    ("null", "none", "nil", "undefined", "undef", "n/a", "-")
)  # a field's value that says there is none
_CLOSERS = "\"')]},;."
_LETTER = compile_regex(r"[A-Za-zµ]")  # µ: a unit's letter (`<*>µs` reads as `<*>ms` does)
# A value with a short unit glued to it: `<*>ms`, `(<*>s)`, `<*>KB`.
_UNIT_AFTER_WILDCARD = compile_regex(r"<\*>[A-Za-zµ]{0,3}")
# Brackets or quotes around nothing: an empty value, `()`, `[]`, `''`. A few of them: a quote both opens and
# closes, so unbounded runs would split a long run of quotes every way (quadratic on `''''…x`). One pair of
# brackets, angle brackets too, around nothing or a word that says there is none is empty as well: `<>` (an
# SMTP null sender), `(null)` as C's printf writes a null string, rspamd's `<undef>` (not a quoted `'<'`).
_NONE_WORD = "(?i:" + "|".join(sorted(word for word in _ABSENT if word.isalpha())) + ")?"
_EMPTY = compile_regex(
    r"(?:[(\[{'\"]{1,16}[)\]}'\"]{1,16}"
    + "|".join(("", *(rf"\{opener}{_NONE_WORD}\{closer}" for opener, closer in ("()", "[]", "{}", "<>"))))
    + r")[,;:.]?"
)
# A quoted dash: the value an access log writes for a field it has none for (`"-"` for a referrer or a user
# agent the request did not send).
_QUOTED_DASH = compile_regex(r"""(["'])-\1[,;:.]?""")
# The comma between members of compact JSON (`{"id":7,"user":"ana"}`): each member is a token.
_MEMBERS = compile_regex(r',(?=")')
# A record of quoted `key="value"` pairs written without spaces (Asterisk's security log:
# `SecurityEvent="FailedACL",Severity="Error",…`): a token that starts with a key and its quoted value, and
# the commas after a closing quote that start another pair, where it splits into its pairs.
_RECORD_START = compile_regex(r"""[A-Za-z][\w.-]{0,63}=["']""")
_RECORD_COMMA = compile_regex(r"""(?<=["'])(?<![=,]["'])(?<!\\["']),(?=[A-Za-z][\w.-]{0,63}=["'])""")
# Spaces that pad a bracketed column to its width (`[   worker-1]`, `[WARN ]`): the column's value is one token.
_PADDING = compile_regex(r"(?<=\[) +| +(?=\])")
# One quoted word: a name (`'Security'`, `"orders"`, `\"orders\"` inside a quoted string, or in backticks as
# Go and MySQL quote one: `` `/admin` ``, `` `users` ``) that a slot treats as a value; the signature keeps it.
# A quoted word inside a token that is not a key: `'ops'` in `'ops'@'<*>'`, `\"web\"` in `{job=\"web\"}`;
# not `"id"` in `"id":`.
_QUOTED_NAME = compile_regex(r"""(?:(['"`])[^\s'"`\\]+\1|\\"[^\s'"\\]+\\")(?!:)""")
_QUOTED_WORD = compile_regex(r"""(?:(['"`])[^\s'"`\\]+\1|\\"[^\s'"\\]+\\")[,;:.)\]]?""")
# A word with a number glued after it (`eth<*>` of `eth0`, `node<*>`): one thing of a kind, a value in a record's
# field, as the label that leads a line (`wlan<*>:`), and in the place around a stretch of words.
_NUMBERED_NAME = compile_regex(r"[A-Za-z][A-Za-z-]{0,63}<\*>")
# One word in brackets (`[YELLOW]`), with punctuation after it; or a name with its number in parentheses
# (`(cadmin<*>)`, a host's or a node's: one of a kind, as `[node<*>]` is).
_BRACKETED_WORD = compile_regex(
    r"\[[A-Za-z][\w.-]{0,63}(?:<\*>)?\][,;:.)]?|\([A-Za-z][\w.-]{0,63}<\*>\)[,;:.]?"
)
# A call site: a qualified method with its line number, `com.example.Store.putItem:<*>` (`$` of a nested class
# or a lambda, `<init>` of a constructor), as masking leaves it: names with digits masked with the line number
# (`Api.put<*>`, `Foo$<*>:<*>`), one that reads as a host name masked whole (`<*>:<*>`). Its parts are split
# by the dots and dollars alone, so a long name is read once. Two or more in a row are a call stack, one value
# however deep it is.
_CALL_SITE = r"(?:(?:[\w<>*]*[.$])+[\w<>*]*:?<\*>|<\*>:<\*>)"
_CALL_STACK = compile_regex(rf"(?<!\S){_CALL_SITE}(?:\s+{_CALL_SITE})+(?!\S)")
# What every call stack holds, a site's end and the start of the next one: a quick test for lines without one.
_CALL_STACK_HINT = compile_regex(r"<\*>\s+(?:\S*[.$]|<\*>:<\*>)")
# What redaction writes in place of a secret or an address (`entries/redact.py`): `[REDACTED:email]`.
_REDACTED_PREFIX = "[REDACTED:"
_REDACTED = compile_regex(r"\[REDACTED:[a-z0-9-]+\]")
# An exception's class, qualified or not, as a message names it (`System.IO.IOException:`, `ValueError:`, `OSError:`,
# `ConnectError('…`): a capitalized name ending in `Error` or `Exception` after at least one more character
# (`Error:` alone is a word), with the package before it, between punctuation, or as a key's value
# (`exc_type=ValueError`, `"exc_type":"ValueError"`). The class says what went wrong: messages of one wording but
# another class are other problems, so no step of the miner makes it a value.
_EXCEPTION_CLASS = compile_regex(
    r"""(?:"?[\w.-]{1,64}"?[=:])?[(\["'`]{0,3}((?:[A-Za-z_][\w$<>*]{0,63}\.){0,12}[A-Z][\w$<>*]{0,63}(?:Error|Exception))"""
    r"""(?:[:(,;'"`)\]]{1,3}.{0,200})?"""
)


def _is_value(token: str) -> bool:
    """A masked value (optionally with a glued unit and punctuation, no other letters), one quoted word, or
    values and quoted words with punctuation only (`'ops'@'<*>'`: an account at a host). What redaction put
    in place of a credential or an address (`user=<[REDACTED:email]>,`) is a value as a masked one is: the
    line had a value there (`user=<dave>,` is the same statement)."""
    if _REDACTED_PREFIX in token:
        token = _REDACTED.sub(WILDCARD, token)
    if _QUOTED_WORD.fullmatch(token) is not None:  # `'eth0':` as `'eth':`, whatever its digits
        return True
    if WILDCARD not in token:
        if _EMPTY.fullmatch(token) is not None:
            return True
    elif _LETTER.search(_UNIT_AFTER_WILDCARD.sub("", token)) is None:
        return True
    return ("'" in token or '"' in token or "`" in token) and _LETTER.search(
        _QUOTED_NAME.sub("", _UNIT_AFTER_WILDCARD.sub("", token))
    ) is None


def _balanced(token: str) -> bool:
    """Every bracket the token opens it closes (`(<*>)`, not `<*>]`), quotes in pairs."""
    text = token.replace(WILDCARD, "")
    return (
        text.count("(") == text.count(")")
        and text.count("[") == text.count("]")
        and text.count("{") == text.count("}")
        and text.count("<") == text.count(">")
        and text.count("'") % 2 == 0
        and text.count('"') % 2 == 0
    )


def _is_folded_value(token: str) -> bool:
    """A token that reads as one value: masked values with punctuation only, empty brackets, or a quoted dash."""
    if WILDCARD not in token:
        return _EMPTY.fullmatch(token) is not None or _QUOTED_DASH.fullmatch(token) is not None
    return _LETTER.search(token) is None and _balanced(token)


def signature(message: str) -> tuple[str, ...]:
    """The canonical token sequence of a message: masked, values, wildcard runs and repeats folded."""
    if ") [" in message:
        message = _PEER_NAME.sub("", message)
    masked = mask(message)
    if "(<*> " in masked:
        masked = _TALLY.sub(WILDCARD, masked)
    if ";" in masked:
        masked = _RECORD_AFTER_LABEL.sub(WILDCARD, masked)
    if _CALL_STACK_HINT.search(masked):
        masked = _CALL_STACK.sub(WILDCARD, masked)
    if "[ " in masked or " ]" in masked:
        masked = _PADDING.sub("", masked)
    if ',"' in masked:
        masked = _MEMBERS.sub(", ", masked)
    tokens = masked.split()
    if '",' in masked or "'," in masked:
        tokens = [
            pair
            for token in tokens
            for pair in (_RECORD_COMMA.sub(", ", token).split() if _RECORD_START.match(token) else (token,))
        ]
    if " - " in masked:
        tokens = _absent_values(tokens)
    if WILDCARD in masked or _EMPTY.search(masked):
        folded: list[str] = []
        column = False  # the last token was a bracketed column (`[worker-7]`): its own slot
        for token in tokens:
            bracketed = token.startswith("[") and token.endswith("]")
            if token != WILDCARD and _is_folded_value(token):
                token = WILDCARD  # `<*>:<*>`, `(<*>)`, `'<*>'`, `()`: one value (`(<*>ms)` keeps its unit)
            if token == WILDCARD and folded and not (bracketed or column):
                last = folded[-1]
                if last == WILDCARD or (last.endswith("=" + WILDCARD) and _key(last)):
                    continue  # a value of several tokens: `<*> <*>`, a key's `relay=<*> [<*>]`
            column = bracketed
            folded.append(token)
        tokens = _fold_repeats(folded) if folded.count(WILDCARD) > 1 else folded
    if "=" in masked:
        tokens = _without_flags(tokens)
    if len(tokens) > MAX_TOKENS:
        tokens = [*tokens[:MAX_TOKENS], WILDCARD]
    return tuple(tokens)


# A tally in parentheses, counted items separated by commas, as many as the line has (Open vSwitch's `(5 adds)`,
# `(5 adds, 2 deletes)`, `(…, 1 modifications)`): one value, a list of varying length.
_TALLY = compile_regex(r"\(<\*> [a-z]{2,32}(?:, <\*> [a-z]{2,32}){0,15}\)")


# A counter: a lowercase name and its count, or its count of a total (Postfix's `ehlo=1`, `rcpt=0/1`).
_COUNTER = compile_regex(r"([a-z]{2,32})=<\*>(?:/<\*>)?")


# A record after a label, its fields joined by `;` to the end of the line, the first glued to its `;` (Nagios'
# `SERVICE ALERT: web01;Disk Space;CRITICAL;HARD;3;DISK CRITICAL - free space: / 120 MB`): what the statement
# filled in, field by field, one value; fields may hold spaces, the text of a check's output too. Not a sentence
# with `; ` between its clauses (`Relay access denied; from=<…>`): its first word is not glued to a `;`.
_RECORD_AFTER_LABEL = compile_regex(r"(?<=: )[^\s;]{1,200}(?:;[^;]{0,200}){3,30}$")


# A mail peer as Exim and sendmail write it, `host (helo) [192.0.2.1]:25`: the name the peer gave in its
# HELO, one token in parentheses (`(ylmf-pc)`, `(USER)`) right before an IP address in brackets, is part of
# the peer, a value like the host and the address around it.
_PEER_NAME = compile_regex(
    r"\([^\s()]{1,64}\) (?=\[(?:IPv6:)?(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})\])"
)


_FLAG = compile_regex(r"[A-Z]{2,5}")
# A field of a record whose keys are capitals (`TTL=52`, `ID=0`): a packet log's, where flags stand between
# fields. After a field of lowercase key a word in capitals is a verb of the line (slapd's `op=3 SRCH base=…`).
_CAPITAL_KEY = compile_regex(r"[A-Z][A-Z0-9_]*=")


def _without_flags(tokens: list[str]) -> list[str]:
    """A record's bare flags between two of its `KEY=value` fields (keys in capitals) are left out: a packet log's
    `DF`, `SYN`, `ACK PSH` (`TTL=52 ID=0 DF PROTO=UDP`), set on some packets and not on others, are values of one
    line, not words; slapd's `op=3 SRCH base=…` keeps its verb.
    So is a flag with its value after a field, at the end or before another field: the TCP options iptables
    prints on some packets (`URGP=0 OPT (020405B4…)`)."""
    out: list[str] = []
    run: list[str] = []
    for at, token in enumerate(tokens):
        if out and _CAPITAL_KEY.match(out[-1]) and _FLAG.fullmatch(token):
            run.append(token)
            continue
        if len(run) == 1 and token == WILDCARD and (at + 1 == len(tokens) or "=" in tokens[at + 1]):
            run = []  # an option the record shows on some lines, a flag with its value (`OPT (0204…)`)
            continue
        if "=" not in token:
            out.extend(run)
        run = []
        out.append(token)
    return out + run


def _absent_values(tokens: list[str]) -> list[str]:
    """A field left empty reads as a value: `"-"` always, a bare `-` between two values (`<*> - "-"` of an
    access log), whatever punctuation they carry (`<*> - <*>:<*>`: a program, then a host and its port, as
    Proxifier writes a connection), not a dash beside a word (`connecting to master - retry`, `OK <*> - gsmtp`)."""
    last = len(tokens) - 1
    return [
        WILDCARD
        if token == "-"
        and 0 < i < last
        and _is_folded_value(tokens[i - 1])
        and _is_folded_value(tokens[i + 1])
        else token
        for i, token in enumerate(tokens)
    ]


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


@dataclass(frozen=True)
class MinedCluster:
    """A cluster as the miner sees it at the end of a stream."""

    id: str
    template: str
    count: int


class _Node:
    """One signature: its tokens, id and how many messages had it."""

    __slots__ = ("count", "id", "tokens")

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.tokens = tokens
        self.id = digest(" ".join(tokens))
        self.count = 0


class _UnionFind:
    __slots__ = ("parent",)

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # the smaller index stays the root: deterministic for a given set of signatures
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


class TemplateMiner:
    """One-pass template miner; see the module docstring for the method."""

    def __init__(
        self,
        max_templates: int = 50_000,
        *,
        cache_size: int = RECENT_CACHE,
        variable_ratio: float = VARIABLE_RATIO,
    ) -> None:
        """`max_templates` caps the signatures kept; `cache_size` bounds the lookup cache (0: no cache).

        The cache only saves work: results are the same with or without it. `variable_ratio` is the one
        threshold of the method (see the module docstring).
        """
        self.max_templates = max_templates
        self.cache_size = cache_size
        self.variable_ratio = variable_ratio
        self.other_count = 0
        self._nodes: dict[tuple[str, ...], _Node] = {}
        self._by_id: dict[str, _Node] = {}
        self._recent: dict[bytes, _Node] = {}
        self._dirty = False
        self._solved_size = 0  # signatures at the last solve
        # Results of the last solve: node id -> cluster template; the absorption index for the overflow.
        self._template_of: dict[str, str] = {}
        self._absorbers: _Absorbers | None = None

    def add(self, message: str, count: int = 1) -> str:
        """Count a message (`count` times: a source that aggregates counted it); return its signature's id
        (pass it to `template` and `resolve`)."""
        if not self.cache_size:
            node = self._add_signature(signature(message), count)
        else:
            key = message.encode("utf-8", "surrogatepass").translate(_DIGITS_TO_ZERO)
            node = self._recent.get(key)
            if node is None:
                node = self._add_signature(signature(message), count)
                if node is not None:
                    if len(self._recent) >= self.cache_size:
                        self._recent.clear()
                    self._recent[key] = node
            else:
                node.count += count
                self._dirty = True
        return OTHER_ID if node is None else node.id

    def _add_signature(self, tokens: tuple[str, ...], count: int) -> _Node | None:
        node = self._nodes.get(tokens)
        if node is None:
            if len(self._nodes) >= self.max_templates:
                return self._overflow(tokens, count)
            node = _Node(tokens)
            self._nodes[tokens] = node
            self._by_id[node.id] = node
        self._dirty = True
        node.count += count
        return node

    def resolve(self, template_id: str) -> str:
        """The id of the cluster a signature id belongs to now: the digest of the cluster's template."""
        if template_id not in self._by_id:
            return OTHER_ID
        return digest(self.template(template_id))

    def template(self, template_id: str) -> str:
        """The current template of the cluster holding `template_id`, with `<*>` for variable parts."""
        if template_id not in self._by_id:
            return f"(other messages: more than {self.max_templates:,} templates)"
        if self._dirty:
            self._solve()
        return self._template_of[template_id]

    def provisional_template(self, template_id: str) -> str:
        """Like `template`, cheaply, for use while messages still arrive.

        Clusters are solved again only once the signatures have doubled since the last solve; meanwhile a
        signature takes the template of the cluster it fits by absorption, or its own. `template`,
        `resolve` and `clusters` are always exact.
        """
        node = self._by_id.get(template_id)
        if node is None:
            return self.template(OTHER_ID)
        if self._absorbers is None or len(self._nodes) >= 2 * self._solved_size:
            return self.template(template_id)
        known = self._template_of.get(template_id)
        if known is not None:
            return known
        fits = self._absorbers.find(node.tokens, 0)
        return " ".join(node.tokens) if fits is None else self._template_of[self._nodes[fits].id]

    def clusters(self) -> list[MinedCluster]:
        """Every cluster with its message count, most frequent first (the "other" bucket last)."""
        if self._dirty:
            self._solve()
        counts: dict[str, int] = defaultdict(int)
        for node in self._nodes.values():
            counts[self._template_of[node.id]] += node.count
        result = sorted(
            (MinedCluster(digest(text), text, count) for text, count in counts.items()),
            key=lambda cluster: (-cluster.count, cluster.template),
        )
        if self.other_count:
            result.append(MinedCluster(OTHER_ID, self.template(OTHER_ID), self.other_count))
        return result

    def _overflow(self, tokens: tuple[str, ...], count: int) -> _Node | None:
        """Past the cap: join a cluster this signature fits by absorption, or count as other."""
        if self._absorbers is None:
            self._solve()
        assert self._absorbers is not None
        found = self._absorbers.find(tokens, 0)
        if found is None:
            self.other_count += count
            return None
        node = self._nodes[found]
        node.count += count
        self._dirty = True
        return node

    def _solve(self) -> None:
        """Cluster the signatures seen so far (a function of the signatures and their counts alone)."""
        keys = sorted(self._nodes)
        counts = [self._nodes[key].count for key in keys]
        # A stretch of words that is a value reads as one `<*>` from the start (`Starting <*>...`): the words
        # around it then only fill slots beside other words. Its place is told with values read alike
        # (`zone "login"` and `zone "one"` are one place), so one event's signatures read it alike.
        views = list(keys)
        first: dict[tuple[str, ...], int] = {}
        found = _UnionFind(len(keys))
        for index, (start, end) in _phrases([_value_blind(key) for key in keys]).items():
            views[index] = (*keys[index][:start], WILDCARD, *keys[index][end:])
            found.union(first.setdefault(views[index], index), index)
        # The quoted text of a key beside the line's message (`err="…"` after `msg="Scrape failed"`) is a
        # value once three texts fill it, or two common ones (`_keyed_texts`); so is a bracketed text
        # (`_bracketed_texts`).
        # The values of a message's context list (nginx's `, client: <*>, server: _, request: "GET …", host:
        # "localhost"`) are values, whatever their shape (`_context_lists`).
        for texts_as_values in (
            functools.partial(_keyed_texts, counts=counts),
            _bracketed_texts,
            _context_lists,
            _column_texts,
            _sentence_quotes,
            _trailing_texts,
            _counter_tallies,
            _known_texts,
        ):
            for index, view in texts_as_values(views).items():
                views[index] = view
                found.union(first.setdefault(view, index), index)
        # A word right before a value, where another signature, equal but for it, has the value alone, is the
        # first of values in a row, and those are one value (`_word_before_value`).
        for index, view in _word_before_value(views).items():
            views[index] = view
        # Values merge in a slot whatever their shapes (`<*>ms`, `<*>.<*>s`, `'orders'`); signatures that
        # differ in values only, at however many places (a line of eleven durations), merge at once.
        blind: dict[tuple[str, ...], int] = {}
        for index, view in enumerate(views):
            found.union(blind.setdefault(_name_blind(_value_blind(view)), index), index)
        places: dict[str, set[tuple[int, int, int, int]]] = defaultdict(set)
        for _ in range(MAX_ROUNDS):
            if not self._merge_slots(views, counts, found, places):
                break
        groups = _groups(found, range(len(keys)))
        templates = {root: _same_length_template([views[i] for i in group]) for root, group in groups.items()}
        # Rows of one record whose fields combine freely (`_records`) are one cluster.
        records = _records(templates, views)
        for roots in records:
            for root in roots[1:]:
                found.union(roots[0], root)
        if records:
            groups = _groups(found, range(len(keys)))
            templates = {
                root: _same_length_template([views[i] for i in group]) for root, group in groups.items()
            }
        # Then a slot a label names is variable once each of its few words is common (`_is_labelled`): the
        # record step has seen its fields as they were.
        labelled = False
        for _ in range(MAX_ROUNDS):
            if not self._merge_slots(views, counts, found, places, labelled=True):
                break
            labelled = True
        if labelled:
            groups = _groups(found, range(len(keys)))
            templates = {
                root: _same_length_template([views[i] for i in group]) for root, group in groups.items()
            }
        totals = {root: sum(counts[i] for i in group) for root, group in groups.items()}
        absorbers = _Absorbers(templates, totals, keys)
        keyed_templates = {}
        for root, template in templates.items():
            keyed = keyed_templates[root] = _name_blind(_keyed_template([views[i] for i in groups[root]]))
            # a word in brackets is a column of its own, a value the word after it is no part of (fail2ban's
            # `[sshd] Restore Ban <*>` does not fill the jail of `[<*>] Ban <*>`)
            columns = frozenset(i for i, token in enumerate(keys[root]) if _BRACKETED_WORD.fullmatch(token))
            target = absorbers.find(template, totals[root], keyed, columns)
            if target is not None:
                found.union(root, bisect_left(keys, target))
        # A statement that appends a field only when it has one (Postfix's `, sasl_method=…`, HAProxy's `, code:
        # <*>, info: "…"`) writes lines with and without it: one event (`_optional_fields`).
        for roots in _optional_fields(keyed_templates):
            for root in roots[1:]:
                found.union(roots[0], root)
        # A record of fields keyed in capitals writes the fields its packet or message has: one event
        # whichever it has (`_capital_records`).
        for root, other in _capital_records(keyed_templates):
            found.union(root, other)
        self._absorbers = absorbers
        self._template_of = {}
        for group in _groups(found, range(len(keys))).values():
            for members in _by_exception_classes(keys, group):
                text = _template([keys[i] for i in members])
                for i in members:
                    self._template_of[self._nodes[keys[i]].id] = text
        self._dirty = False
        self._solved_size = len(keys)

    def _merge_slots(
        self,
        keys: list[tuple[str, ...]],
        counts: list[int],
        found: _UnionFind,
        places: dict[str, set[tuple[int, int, int, int]]],
        labelled: bool = False,
    ) -> bool:
        """One round of slot merges over the clusters' templates so far; whether any clusters merged.

        The first round sees the signatures themselves. A later one sees each cluster's template, with `<*>`
        where its members differ: a template with two variables of few values each (`user=X database=Y`)
        fills a slot of the one only once the other is a wildcard. With `labelled`, a labelled field of a few
        common words is variable too.
        """
        groups = _groups(found, range(len(keys)))
        merged: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for root, group in groups.items():
            merged[_keyed_template([keys[i] for i in group])].append(root)
        views = sorted(merged)
        weights = [sum(counts[i] for root in merged[view] for i in groups[root]) for view in views]
        local = _UnionFind(len(views))
        by_length: dict[int, list[int]] = defaultdict(list)
        for index, view in enumerate(views):
            by_length[len(view)].append(index)
        # a field's values read alike around a slot (`tag=<*>` of a cluster that varied it and `tag="lab",` of
        # one that did not): one place
        contexts = [_name_blind(tuple(map(_context_token, view))) for view in views]
        slots = [slot for members in by_length.values() for slot in _slots(views, members, contexts)]
        slots += [slot for members in by_length.values() for slot in _echo_slots(views, members)]
        # Where each word fills a slot (length, position): a word that fills slots in several places is a
        # value (a user name in `session opened for user X …` and `session closed for user X`), not a word
        # that names an event. The same event with another value elsewhere is the same place. A `key=value`
        # slot or one after a value (in this round or a later one) is a field of a record
        # (`<*> "AAAA IN <*>" NOERROR`), not a word of a sentence: its place is also told by the words
        # around it, so a field whose words combine with each of several words of another field fills
        # several places. Places add up over the rounds.
        for position, filling in slots:
            view = views[filling[0]]
            around = _words_around(view, position)
            preceding = _before(view, position)
            field = _is_field(view, position)
            core = _core([_value_part(views[index][position]) for index in filling])
            for index in filling:
                where = places[core(_value_part(views[index][position]))]
                where.add((len(view), position, around, preceding))
                if field:
                    where.add((len(view), position, _FIELD, _NO_WORD))
        filled = {word: _places(where) for word, where in places.items()}
        # How many messages have each word at each place, in whatever slot: a slot among other variables
        # sees a few of the messages of its words only.
        in_slots: dict[int, set[int]] = defaultdict(set)  # length -> positions
        for position, filling in slots:
            in_slots[len(views[filling[0]])].add(position)
        spread: dict[tuple[int, int, str], int] = defaultdict(int)
        for view, weight in zip(views, weights, strict=True):
            for position in in_slots.get(len(view), ()):
                spread[len(view), position, view[position]] += weight
        # The words each key takes over every cluster, with their messages (`u=deploy`, `u=root`, `u=ansible`
        # across all of Ansible's statements): a field of the log's format, whichever statement it is in.
        key_words: dict[str, Counter[str]] = defaultdict(Counter)
        if labelled:
            for view, weight in zip(views, weights, strict=True):
                for token in view:
                    key = _key(token)
                    if key and not _is_value(_value_part(token)):
                        key_words[key][_value_part(token)] += weight
        for position, filling in slots:
            self._merge_slot(views, weights, position, filling, filled, spread, local, labelled, key_words)
        for crossed in _crossed_slots(views, slots):
            for index in crossed[1:]:
                local.union(crossed[0], index)
        before = len(groups)
        for index, view in enumerate(views):
            roots = merged[view] + merged[views[local.find(index)]]
            for root in roots[1:]:
                found.union(roots[0], root)
        return len(_groups(found, range(len(keys)))) < before

    def _merge_slot(
        self,
        keys: list[tuple[str, ...]],
        counts: list[int],
        position: int,
        filling: list[int],
        filled: dict[str, int],
        spread: dict[tuple[int, int, str], int],
        found: _UnionFind,
        labelled: bool,
        key_words: dict[str, Counter[str]],
    ) -> None:
        """One slot: signatures equal but at `position`. Merge the values that show it is variable."""
        tokens = [keys[i][position] for i in filling]
        keyed = _same_key(tokens)
        view = keys[filling[0]]
        field = _is_field(view, position)
        # a key's value built around a masked part is an id (`lease_id=auth/approle/login/<*>`), words and all
        is_value = [
            _is_value(keyed(token))
            or (keyed is _value_part and WILDCARD in keyed(token))
            or (position > 0 and _is_name(keyed(token)))
            # a record's field holds a name with its number as a value (`eth0` of ntpd's `Listen normally on 3
            # eth0 10.0.0.5:123`), as it holds an id
            or (field and _NUMBERED_NAME.fullmatch(token) is not None)
            # and so is the one a line starts with as its label (hostapd's `wlan0:` / `ap0:`, two interfaces)
            or (position == 0 and token[-1:] == ":" and _NUMBERED_NAME.fullmatch(token[:-1]) is not None)
            for token in tokens
        ]
        if keyed is _itself and not all(is_value):
            glued = _after_glued_prefix(tokens)
            if glued is not _itself:
                is_value = [
                    value or _is_value(glued(token)) or _numbered_argument(token, glued(token))
                    for value, token in zip(is_value, tokens, strict=True)
                ]
        if position and not all(is_value) and _PROSE.fullmatch(view[position - 1]):
            # a word in brackets within a sentence is a value, as a quoted word is (Elasticsearch brackets the
            # values it logs: `from [YELLOW] to [GREEN]`), and so is a name with its number in parentheses
            # (`host name (cadmin1) unknown`); a bracketed column (`[main] [WARN]`) is not
            is_value = [
                value or _BRACKETED_WORD.fullmatch(token) is not None
                for value, token in zip(is_value, tokens, strict=True)
            ]
        if any(
            value and (WILDCARD in token or _is_name(token))
            for value, token in zip(is_value, tokens, strict=True)
        ):
            # a name with its number beside masked values is one of them: a thing of a kind, as an address is
            # (dhcpd's `via eth0`, `via ens192` masked whole, `via 10.0.0.1` for a relay), whatever its count;
            # so is one beside a name (Squid's `Detected REVIVED Parent: parent1` / `proxy-b`)
            is_value = [
                value or _is_numbered_value(token) for value, token in zip(is_value, tokens, strict=True)
            ]
        values = [i for i, value in zip(filling, is_value, strict=True) if value]
        words = [i for i, value in zip(filling, is_value, strict=True) if not value]
        for index in values[1:]:
            found.union(values[0], index)
        value_count = sum(counts[i] for i in values)
        core = _core([_value_part(keys[i][position]) for i in filling])
        # each word once: clusters whose templates differ only in names elsewhere (`(MacBook-Pro)` and a
        # masked host) fill one slot with the same word twice, which is no more evidence than once
        distinct = list(dict.fromkeys(keys[i][position] for i in words))
        # a code (`error=user_not_found`, `invalid_user_credentials`) met beside several other fields' words is
        # still the statement's own: it names the event the fields happened in, however freely they combine,
        # and a labelled field of a few common codes is a few events (only many rare ones are a variable)
        codes = [_CODE_WORD.fullmatch(_value_part(word).strip(_CLOSERS)) is not None for word in distinct]
        shared = sum(
            filled[core(_value_part(word))] > 1 and not code
            for word, code in zip(distinct, codes, strict=True)
        )
        # Besides the most frequent word, are the others many for the messages they cover (there and in
        # every other slot of the place)?
        size = len(view)
        word_counts = [spread[size, position, word] for word in distinct]
        rest = len(distinct) - 1
        rest_count = sum(word_counts) - max(word_counts) if words else 0
        # verbs name their statement: what happens (`Starting` / `Stopping` / `Pausing <*>`, `worker <*> Suspended`
        # / `Resumed` / `Restarted`), however many of them a few messages show; other words there may be values
        # (`admin logged in`)
        verbs = all(_VERB.fullmatch(word) for word in distinct)
        # a count's noun, singular or plural by the count before it (`(1 connection now open)` / `(3 connections
        # now open)`, `for 1 second.` / `for 3 seconds.`): one word, as `%d connection%s` prints it
        variable = (
            _counted_noun(distinct, view[position - 1] if position else "")
            or shared >= MIN_DISTINCT
            or (
                not verbs
                and len(distinct) >= MIN_DISTINCT
                and (rest >= self.variable_ratio * math.sqrt(rest_count) or _in_value_list(view, position))
            )
        )
        # a labelled field of a few values, each common (`method=GET` / `PUT` / `POST`, `state: idle` / `busy` /
        # `stalled`), here or, for a key's, over the whole log (a header's `u=deploy` / `root` / `ansible` in a
        # rare statement); two words of a field may name two events (`mode=push` / `pull`) unless they are a
        # flag's (`password: YES` / `NO)`), however few lines show each
        over_log = key_words.get(_key(view[position])) if keyed is _value_part else None
        variable = variable or (
            labelled
            and len(distinct) > 1
            and not all(codes)
            and (
                (len(distinct) >= MIN_DISTINCT and _few_common(word_counts))
                or (
                    over_log is not None
                    and len(over_log) >= MIN_DISTINCT
                    and _few_common(list(over_log.values()))
                )
                or all(keys[i][position].strip(_CLOSERS).lower() in _FLAGS for i in words)
            )
            and not any(keys[i][position].endswith(":") for i in words)
            and _is_labelled(view, position, keyed is _value_part)
        )
        if variable:
            for index in words[1:]:
                found.union(words[0], index)
            if values:
                found.union(values[0], words[0])
        elif values:
            # a word joins values that cover at least as many messages as it does (a client id that reads as a
            # word, once beside one masked id), and a key's word joins its values whatever its count
            # (`name=android` among `name=<*>`), as does a word of a field between two values (the interface
            # `lo` among `eth0`, `wlan0` in `Listen normally on <*> lo <*>`)
            inner = field and position + 1 < len(view) and not _is_word(view[position + 1])
            for index in words:
                if position == 0 and _is_head(keys[index][0]):
                    continue  # the line's head beside lines that start with a value (`_Absorbers.find`)
                if counts[index] <= value_count or keyed is _value_part or inner:
                    found.union(values[0], index)


# A Mersenne prime and a base for the polynomial hash of a context (`_crossed_slots`).
_HASH_MODULUS = (1 << 61) - 1
_HASH_BASE = 1_000_003


def _crossed_slots(views: list[tuple[str, ...]], slots: list[tuple[int, list[int]]]) -> list[list[int]]:
    """Templates equal but at two places whose words combine freely: groups of templates to merge.

    Two variables of a few words each (Samba's `name server FILESERVER … for workgroup HOME`, `NAS … CORP`, `DC1 …
    WORKGROUP`) fill each other's slots only once the other reads `<*>`, and neither shows enough words alone.
    Where each place has at least `MIN_DISTINCT` words and they pair in more ways than a word of one place per
    word of the other allows (more pairs than both places' words together: a word at one place meets several
    at the other, and the other way round), both are values. Verbs name their statement (`Started` / `Stopped`
    beside unit names), and so do codes, however they combine; so do the pairs of two places that share their words,
    one field said twice (a state before and after: ZooKeeper's `FOLLOWING (n.state), … LEADING (my state)`), each
    pair a transition of its own. Only plain words count: a key's value (`error=user_not_found`), a label
    (`ok:`, `LOGIN:`) and a bracketed tag (`(VI_1)`, `[db01]`) are a record's fields, which `_records` and the
    labelled slots read.
    """
    crossings: dict[tuple[int, int, int, int], list[list[int]]] = defaultdict(list)
    crossable: dict[str, bool] = {}
    for position, filling in slots:
        tokens = [views[index][position] for index in filling]
        if not any(map(_is_word, tokens)) or not all(map(_plain_word, tokens)):
            continue
        context = views[filling[0]]
        # the context without the two places, as a polynomial hash with both places left out: one step per
        # other place, so a slot costs the length of its line
        codes = [hash(token) % _HASH_MODULUS for token in context]
        powers = list(
            itertools.accumulate(codes[1:], lambda power, _: power * _HASH_BASE % _HASH_MODULUS, initial=1)
        )
        blank = (
            sum(code * power for code, power in zip(codes, powers, strict=True))
            - codes[position] * powers[position]
        )
        for other, token in enumerate(context):
            usable = crossable.get(token)
            if usable is None:
                usable = crossable[token] = _is_word(token) and not _is_value(token) and _plain_word(token)
            if other == position or not usable:
                continue
            low, high = min(position, other), max(position, other)
            crossings[len(context), low, high, (blank - codes[other] * powers[other]) % _HASH_MODULUS].append(
                filling
            )
    found: list[list[int]] = []
    for (_, low, high, _), fillings in crossings.items():
        if len(fillings) < 2:
            continue  # one slot: one word at the other place
        members = list(dict.fromkeys(index for filling in fillings for index in filling))
        pairs = {(views[index][low], views[index][high]) for index in members}
        places = ({first for first, _ in pairs}, {second for _, second in pairs})
        if (
            len(pairs) > len(places[0]) + len(places[1]) - 1
            and {word.strip(_CLOSERS) for word in places[0]}.isdisjoint(
                word.strip(_CLOSERS) for word in places[1]
            )
            and all(
                len(words) >= MIN_DISTINCT
                and not all(
                    _VERB.fullmatch(word) or _CODE_WORD.fullmatch(word.strip(_CLOSERS)) for word in words
                )
                for words in places
            )
        ):
            found.append(members)
    return found


def _word_before_value(views: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures whose word before a value fills, with that value, the place of one value in another signature
    equal to them but for that word: that signature without the word.

    A statement prints a value there, and a value of another shape reads as a word: rsyncd's host when it has no
    name (`connect from UNKNOWN (<*>)` beside `connect from <*>`, the host and its address one value), spamd's
    `connection from localhost [<*>]:<*>`, a user in parentheses beside an empty one (`(alice) <*>` beside
    `() <*>`). The word follows a word (so the value run it joins is one) and is neither the line's first token
    (its head, `resolving <*> A IN`), a label (`host: <*>`) nor a key's."""
    known = set(views)
    shorter: dict[int, tuple[str, ...]] = {}
    for index, view in enumerate(views):
        for position in range(1, len(view) - 1):
            token = view[position]
            if (
                view[position + 1] == WILDCARD
                and _is_word(token)
                and not _is_value(token)
                and "=" not in token
                and not token.endswith(":")
                and _is_word(view[position - 1])
            ):
                candidate = view[:position] + view[position + 1 :]
                if candidate in known:
                    shorter[index] = candidate
                    break
    return shorter


def _plain_word(token: str) -> bool:
    """A word of a sentence: no key's value, no label, nothing in brackets (`_crossed_slots`)."""
    return "=" not in token and not token.endswith(":") and token[:1] not in "([{<"


def _counted_noun(words: list[str], before: str) -> bool:
    """Two words after a value that differ only in a plural's `s` or `es` (`connection` / `connections`,
    `regex` / `regexes`): the noun of the count before them, printed in the number that count asks for."""
    if len(words) != 2 or WILDCARD not in before or not _is_value(before):
        return False
    one, other = sorted(words, key=len)
    stem = one.rstrip(".,:;!?")
    mark = one[len(stem) :]
    return _PROSE.fullmatch(one) is not None and other in (f"{stem}s{mark}", f"{stem}es{mark}")


def _records(templates: dict[int, tuple[str, ...]], signatures: list[tuple[str, ...]]) -> list[list[int]]:
    """Clusters that are rows of one record whose fields vary freely: groups of clusters to merge.

    Templates of one length with the same words outside their fields (`_is_field`) are rows of one record
    (an access log: client, frontend, termination state, method). A field whose values pair one to one
    with another's (`error=not_found` always with `user=null`: they group the rows alike) tells events apart, as does one of fewer
    than `MIN_DISTINCT` words (but two words are free when they are a flag's values, or in a column without a key
    when they meet each word of another such column: `_every_pair`); the others are free where two of them combine (`_combine`) or where a row
    already reads `<*>`, and the rows that agree on every other field are one event.
    """
    out: list[list[int]] = []
    for roots in _families(templates, signatures).values():
        if len(roots) < MIN_DISTINCT:
            continue
        rows = [templates[root] for root in roots]
        differ = [i for i in range(len(rows[0])) if len({row[i] for row in rows}) > 1]
        partitions: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for p in differ:
            partitions[_partition(rows, p)].append(p)
        bound = {p for same in partitions.values() if len(same) > 1 for p in same}
        candidates = [
            p for p in differ if p not in bound and len({row[p] for row in rows} - {WILDCARD}) >= MIN_DISTINCT
        ]
        # a field of two words is free when they are a flag's values (`true` / `false`), or, a column without a
        # key, when each of its words meets each word of another such column: printed independently (CoreDNS'
        # `udp` / `tcp` with every DO bit); two words a key names may name two events however they combine
        # (`"op":"login"` / `"logout"` with `"kind":"Full"` / `"Delta"`)
        pairs = [p for p in differ if p not in bound and len({row[p] for row in rows} - {WILDCARD}) == 2]
        columns = [p for p in pairs if not any(_key(row[p]) for row in rows)]
        crossed = {
            p
            for p in pairs
            if all(
                _value_part(row[p]).strip(_CLOSERS).lower() in _FLAGS for row in rows if row[p] != WILDCARD
            )
            or (p in columns and any(q != p and _every_pair(rows, p, q) for q in columns))
        }
        # a field of names that every row reads `<*>` (its names merged from the start): each row holds
        # several of them, so the other fields combine with it
        named = any(
            all(row[q] == WILDCARD for row in rows) and any(_is_name(signatures[root][q]) for root in roots)
            for q in range(len(rows[0]))
        )
        # free: a field that combines with another, or one that a row already reads `<*>` (its words varied
        # there: a slot merged them)
        # (a field of sentence words, `ok:` / `changed:` / `skipping:` after Ansible's hosts, `Ban` / `Unban`
        # after fail2ban's jails, says what happened to each name: it combines with the names as any event does)
        free = {
            p
            for p in candidates
            if (named and not all(_PROSE.fullmatch(row[p]) for row in rows if row[p] != WILDCARD))
            or any(row[p] == WILDCARD for row in rows)
            or any(q != p and _combine(rows, p, q) for q in candidates)
        }
        free |= crossed
        if not free:
            continue
        by_bound: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for root, row in zip(roots, rows, strict=True):
            by_bound[tuple(row[p] for p in differ if p not in free)].append(root)
        out.extend(group for group in by_bound.values() if len(group) > 1)
    return out


def _families(
    templates: dict[int, tuple[str, ...]], signatures: list[tuple[str, ...]]
) -> dict[tuple[str, ...], list[int]]:
    """Templates with two fields or more by their words outside fields (a field's key stays: its root
    signature's, where the template reads `<*>`)."""
    families: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for root, template in templates.items():
        skeleton: list[str] = []
        fields = 0
        field = after_word = after_prose = False
        for token, own in zip(template, signatures[root], strict=True):
            key, word, prose = _traits(token)
            if token == WILDCARD:
                key = _traits(own)[0]
            # a field: keyed, after a value, or after a field's word that is no prose word (`NONE/-`)
            field = bool(key) or (bool(skeleton) and (not after_word or (field and not after_prose)))
            fields += field
            skeleton.append(_field_key(key) if field else token if word else WILDCARD)
            after_word, after_prose = word, prose
        if fields >= 2:
            families[tuple(skeleton)].append(root)
    return families


@functools.lru_cache(maxsize=RECENT_CACHE)
def _traits(token: str) -> tuple[str, bool, bool]:
    """A token's key (`_key`), whether it is a word, and whether a prose word (letters, a mark after them)."""
    return _key(token), _is_word(token), _PROSE.fullmatch(token) is not None


def _field_key(key: str) -> str:
    """A field's key (`user=`), or `=` for a field without one (a query string's `/list?page` is no key)."""
    return "=" if not key or _PATHLIKE.search(key) else key + "="


def _partition(rows: list[tuple[str, ...]], p: int) -> tuple[int, ...]:
    """How the rows group by their word at `p` (each row: the first row with the same word; -1 for `<*>`):
    two fields group them alike where their words pair one to one."""
    first: dict[str, int] = {}
    return tuple(
        -1 if row[p] == WILDCARD else first.setdefault(row[p], index) for index, row in enumerate(rows)
    )


def _every_pair(rows: list[tuple[str, ...]], p: int, q: int) -> bool:
    """Whether each word at `p` meets each word at `q` (two words at least at each)."""
    pairs = {(row[p], row[q]) for row in rows if row[p] != WILDCARD and row[q] != WILDCARD}
    firsts, seconds = {a for a, _ in pairs}, {b for _, b in pairs}
    return len(firsts) > 1 and len(seconds) > 1 and len(pairs) == len(firsts) * len(seconds)


def _combine(rows: list[tuple[str, ...]], p: int, q: int) -> bool:
    """Whether the words at `p` and `q` combine: one at `p` meets two at `q`, and one at `q` two at `p`."""
    pairs = {(row[p], row[q]) for row in rows if row[p] != WILDCARD and row[q] != WILDCARD}
    return len({a for a, _ in pairs}) < len(pairs) and len({b for _, b in pairs}) < len(pairs)


def _value_blind(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens with every value read `<*>` (a keyed token's value: `took=<*>`; a key for grouping only)."""
    out: list[str] = []
    for token in tokens:
        blind = _keyed_blind(token)
        if blind is not token:
            out.append(blind)
        elif _is_value(token):
            out.append(WILDCARD)
        else:
            out.append(token)
    return tuple(out)


# A name: word parts joined inside the token by `_`, `-`, `/`, `.`, `:`, `@`, `,`, braces (`app_backend/<*>`,
# `node-a`, `hourly_sync.notify`, `&Meta{Name:api,Attempt:<*>,}`, a hidden one with its leading dot:
# Elasticsearch's `.ds-logs-nginx.<*>`), or a directory with its trailing slash (`secret/`, `logs/archive/`), with
# brackets, quotes and marks around, and a handle's sigil before it (Matrix's `@ana:example.org`, `!room:<*>`,
# `#general:<*>`).
_NAME = compile_regex(r"""[(\[{'"]*([@!#]?\.?[\w<>*&]+(?:[-_/.:@,{}][\w<>*]+)+/?|[\w<>*&]+/)[)\]}'",;.]*""")
# A name in code, the statement's own: a function's (`__x`, `mDNS_Register`, `a_b_c_d`), a qualified one
# (`android.intent.action.SCREEN_ON`).
_CODE_NAME = compile_regex(r"__|[a-z][A-Z].*_|_.*[a-z][A-Z]|(?:_[^_]*){3}|(?:\.[A-Za-z]\w*){2}")
# A code: words joined by `_` alone (`user_not_found`, `SIGN_IN`), a constant of the program.
_CODE_WORD = compile_regex(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")
# What makes a name one of the world's (a host's, a pod's, a path's, a struct's: `redis-cache`, `web/<*>`) and
# not a code (`bad_secret`, `SIGN_IN`, which may tell two events apart): a joiner other than `_`, or a masked
# part.
_WORLDLY = compile_regex(r"[-/.:@,{}&]|<\*>")
# A lowercase letter: a name written all in capitals (`AP-STA-CONNECTED`, `UNINITIALIZED->ENABLED`) is a code, a
# constant of the program that may name its event, whatever joins its words (`SIGN_IN` as `SIGN-IN`).
_LOWER = compile_regex(r"[a-z]")
# A field of a struct as Go's `%+v` prints it (`Type:ContainerDied` in `&{ID:<*> Type:ContainerDied Data:<*>}`):
# its capitalized name and a word value, the field's, which may name the event as a key's word does.
_STRUCT_FIELD = compile_regex(r"[A-Z][A-Za-z]{0,63}:[A-Za-z]{1,64}")


@functools.lru_cache(maxsize=RECENT_CACHE)
def _is_name(token: str) -> bool:
    """A name of something in the world (`node-a`, `app_backend/<*>`), not code: a value, whichever statement
    says it."""
    match = _NAME.fullmatch(token)
    if match is None:
        return False
    name = match.group(1)
    return (
        _LETTER.search(name) is not None
        and _STRUCT_FIELD.fullmatch(name) is None
        and _WORLDLY.search(name) is not None
        and _CODE_NAME.search(name) is None
        and _LOWER.search(name) is not None
    )


def _name_blind(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens with every name after the first token read `<*>` (`node-a`, `backend=web/<*>` as
    `backend=<*>`): values that differ between two sayings of one statement, however few the sayings."""
    return tokens[:1] + tuple(map(_name_as_value, tokens[1:]))


@functools.lru_cache(maxsize=RECENT_CACHE)
def _name_as_value(token: str) -> str:
    """A name as `<*>` (a key's as `key=<*>`); any other token itself."""
    key = _key(token)
    if _is_name(_value_part(token) if key else token):
        return f"{key}={WILDCARD}" if key else WILDCARD
    return token


def _context_token(token: str) -> str:
    """A token as a slot's context reads it: a key's value (`_keyed_blind`) or any value (a quoted word,
    `"login",`; an account at a host, `'root'@'<*>'`) as `<*>`, as a cluster that varied it reads it."""
    blind = _keyed_blind(token)
    if blind is token and _is_value(token):
        return WILDCARD
    return blind


def _keyed_blind(token: str) -> str:
    """A keyed token whose value is a value (masked, quoted, built around a masked id: `ws=WorkSource{<*>}`, or
    empty: `ws=null`) as `key=<*>`; any other token itself."""
    key = _key(token)
    value = _value_part(token)
    if key and value != token and (_is_value(value) or WILDCARD in value or _is_absent(value)):
        return f"{key}={WILDCARD}"
    return token


# Marks, among a word's places, a (length, position) where it filled a field (`_words_around` is a hash,
# and a hash is never -1).
_FIELD = -1


def _places(where: set[tuple[int, int, int, int]]) -> int:
    """How many places: (length, position) pairs, or the most sets of words around one that is a field.

    Pairs with the same words before the slot are one place: the same statement with a value after it that
    is sometimes a word (`serf: EventMemberJoin: <*>` / `serf: EventMemberJoin: node-a <*>`). The same words
    after it are not: `Failed password for X from …` and `… for invalid user X from …` are two statements.
    """
    around: dict[tuple[int, int], int] = defaultdict(int)
    fields: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    first: dict[int, int] = {}
    for length, position, words, _ in where:
        if words == _FIELD:
            fields.add((length, position))
            continue
        if (length, position) not in around:
            pairs.append((length, position))
        around[length, position] += 1
    if len(around) > 1:
        index = {pair: i for i, pair in enumerate(pairs)}
        same = _UnionFind(len(pairs))
        for length, position, words, before in where:
            if words != _FIELD and before != _NO_WORD:
                same.union(first.setdefault(before, index[length, position]), index[length, position])
        distinct = len({same.find(i) for i in range(len(pairs))})
    else:
        distinct = len(around)
    return max([distinct, *(around[pair] for pair in fields)])


# The tokens before a slot without a word (`_before`): they tell no place.
_NO_WORD = 0


def _before(tokens: tuple[str, ...], position: int) -> int:
    """The tokens before a slot (values read alike), as a hash; `_NO_WORD` without a word among them."""
    if not any(_is_word(token) for token in tokens[:position]):
        return _NO_WORD
    return hash(("before", *(token if _is_word(token) else WILDCARD for token in tokens[:position])))


# A token that separates a line's header from its message (`|`, `--`, `>>`, `::`, `***`); not `-`, an absent
# value, nor an arrow or `=`, which join two values.
_SEPARATOR = compile_regex(r"[|:>#~*]+|-{2,}")


def _is_field(tokens: tuple[str, ...], position: int) -> bool:
    """A field of a record: a `key=value` slot, or a slot after a value (not a word of a sentence, nor the
    first word of a message after the separator that ends its header, `… n=ansible | changed: [web01]`)."""
    return bool(_key(tokens[position])) or (
        position > 0
        and not _is_word(tokens[position - 1])
        and _SEPARATOR.fullmatch(tokens[position - 1]) is None
    )


def _in_value_list(tokens: tuple[str, ...], position: int) -> bool:
    """A member of a bracketed, comma-separated list whose other members are values (`(<word>, <*>, <*>)`):
    one argument of several, a value as they are."""
    first = position
    while first > position - MAX_LIST and first >= 0 and tokens[first][:1] not in "([":
        first -= 1
    if first < 0 or first <= position - MAX_LIST:
        return False
    close = ")" if tokens[first][0] == "(" else "]"
    last = position
    while last < min(len(tokens), position + MAX_LIST) and not tokens[last].endswith(close):
        last += 1
    if last >= len(tokens) or last == first or not tokens[last].endswith(close):
        return False
    members = tokens[first : last + 1]
    if any(close in token[:-1] or token[0] in "([" for token in members[1:]):
        return False
    if not members[0].endswith(","):  # a list's first member, not words in brackets (`(took <*> ms)`)
        return False
    others = [token for index, token in enumerate(members, start=first) if index != position]
    if all(_is_value(token) for token in others):
        return True
    # a member of its own between commas, in a list of named values (Spark's `(<*>, executor <*>, partition
    # <*>, NODE_LOCAL, <*> bytes)`): one field of several, a value as they are
    before = tokens[position - 1]
    alone = (
        position > first and (before.endswith(",") or _is_value(before)) and tokens[position].endswith(",")
    )
    return alone and sum(_is_value(token.rstrip(",")) for token in others) >= MIN_DISTINCT


def _is_labelled(tokens: tuple[str, ...], position: int, keyed: bool) -> bool:
    """A slot a label names (`key=word`, or a word after `key:`, `key=` or `=`; a label itself, `serf:
    EventMemberJoin:`, is none) that ends the line or is followed by another field (a keyed token or a
    value): one field of a record, not the first word of a value of several (`OPERATION=Stop Container
    Request`). A word after a lone `=` is the whole value (`KeeperErrorCode = NoNode for <*>`)."""
    if position and tokens[position - 1] == "=":
        return True
    if _AFTER_VALUE.fullmatch(tokens[position]) is not None and (
        position + 1 == len(tokens)
        or _key(tokens[position + 1])
        or _LABEL.fullmatch(tokens[position + 1]) is not None
        or _is_value(tokens[position + 1])
    ):
        # a word glued after a value by a bar is labelled by it as a key labels its word: PowerDNS' name and
        # query type, `example.com|AAAA` (then a field, `timeouts: 3`, or the line's end)
        return True
    if position + 1 < len(tokens):
        after = tokens[position + 1]
        if not _key(after) and not _is_value(after) and not _is_label(tokens, position + 1):
            return False
    if keyed:
        return True
    before = tokens[position - 1] if position else ""
    return before == "=" or (before[-1:] in (":", "=") and _LETTER.search(before) is not None)


# A word glued after a value by a bar (`<*>|AAAA,`): a field the value labels.
_AFTER_VALUE = compile_regex(r"<\*>\|[A-Za-z][A-Za-z0-9]{0,31}[,;]?")
# Words a label of capitalized words may have (`Logon ID:`, `Impersonation Level:`, `Source Network Address:`).
MAX_LABEL_WORDS = 4
_CAPITALIZED = compile_regex(r"[A-Z][A-Za-z]*")


def _is_label(tokens: tuple[str, ...], start: int) -> bool:
    """Whether a label of capitalized words starts at `start`, the next field of a record written as `Label:
    value` pairs (Windows events: `Elevated Token: Yes Impersonation Level: Impersonation`)."""
    for token in tokens[start : start + MAX_LABEL_WORDS]:
        if token.endswith(":"):
            return _CAPITALIZED.fullmatch(token[:-1]) is not None
        if not _CAPITALIZED.fullmatch(token):
            return False
    return False


def _words_around(tokens: tuple[str, ...], position: int) -> int:
    """The words around a slot (values read alike), as a hash."""
    return hash(
        tuple(token if _is_word(token) else WILDCARD for token in tokens[:position] + tokens[position + 1 :])
    )


def _same_key(tokens: list[str]) -> Callable[[str], str]:
    """Where every token of a slot is `key=value` (or `"key":value`) with one key, the value decides
    (`mask=<*>` is a value)."""
    key = _key(tokens[0])
    if key and all(_key(token) == key for token in tokens):
        return _value_part
    return _itself


def _after_glued_prefix(tokens: list[str]) -> Callable[[str], str]:
    """Where every token of a slot starts with one name and punctuation (`pg[<*>(`, `pg[<*>.<*>e(`), what
    follows it decides: the name is the statement's, the rest a value or not."""
    first = tokens[0]
    head = _shared_start(min(tokens), max(tokens))
    wildcard = first.find("<", 0, head)
    if wildcard >= 0:
        head = wildcard
    while head and _WORD_CHAR.match(first[head - 1]):
        head -= 1
    # a quote that opens the value is the value's (Traefik's `PathPrefix(`/admin`)` / `PathPrefix(`/api`)`)
    while head and first[head - 1] in "/'\"`":
        head -= 1
    if not _LETTER.search(first[:head]):
        return _itself
    return lambda token: token[head:]


# A name and the bracket its one argument is glued in, to the token's end: `DHCPOFFER(` of `DHCPOFFER(eth0)`.
_GLUED_HEAD = compile_regex(r"[A-Za-z][\w.-]{0,63}[(\[](?=[^\s()\[\]]+[)\]][,;:.]?$)")


def _is_head(token: str) -> bool:
    """A line's first token that is its head, a word or a name with its argument glued (`resolving`,
    `instream(<*>):`), not a value of a shape no mask knows (`files.example.museum:<*>`)."""
    return _PROSE.fullmatch(token) is not None or bool(_glued_head(token))


def _glued_head(token: str) -> str:
    """`DHCPOFFER(` of `DHCPOFFER(eth<*>)`: the name an argument is glued to, with its bracket, or ''."""
    match = _GLUED_HEAD.match(token)
    return match.group() if match is not None else ""


def _numbered_argument(token: str, rest: str) -> bool:
    """The argument of a name it is glued to in parentheses or brackets is a value when it is a name with its
    number (dnsmasq's `DHCPOFFER(eth0)` / `DHCPOFFER(wlan1)`: one interface of a kind, as `eth0` in a record's
    field is); the name before it is the statement's."""
    return (
        token[-len(rest) - 1 : -len(rest)] in ("(", "[")
        and _NUMBERED_NAME.fullmatch(rest.rstrip(_CLOSERS)) is not None
    )


def _is_absent(value: str) -> bool:
    """A key's value that says it has none (`ws=null`, `parent=None`, `next=nil`): a value, as an id there is."""
    return value.rstrip(_CLOSERS).strip("\"'").lower() in _ABSENT


def _itself(token: str) -> str:
    return token


def _key(token: str) -> str:
    """`user` of `user=root`, `"user"` of `"user":"root",`: the key of a token (with a letter), or ''."""
    key, equals, _ = token.partition("=")
    if not equals:
        end = token.rfind('":')
        key = token[: end + 1] if end > 0 else ""
    return key if _LETTER.search(key) else ""


_WORD_CHAR = compile_regex(r"\w")
# A word of a sentence: letters, perhaps a punctuation mark after them.
_PROSE = compile_regex(r"[A-Za-z]+[.,:;!?]?")
_PATHLIKE = compile_regex(r"[/?&<]")
# A verb: what is happening or has happened (`Starting`, `stopped:`).
_VERB = compile_regex(r"[A-Za-z][a-z]+(?:ing|ed)[.,:;!?]?")


def _core(tokens: list[str]) -> Callable[[str], str]:
    """The part of a slot's tokens that differs: what they share before and after it, cut where a word ends,
    is the statement's (`staging.DEBUG:` / `local.DEBUG:` → `staging` / `local`; `(web/HTTP)` → `web`)."""
    first = tokens[0]
    head = _shared_start(min(tokens), max(tokens))
    while head and _WORD_CHAR.match(first[head - 1]):
        head -= 1
    tail = 0
    if all(token[-1:] == first[-1:] for token in tokens):
        backwards = [token[::-1] for token in tokens]
        tail = min(_shared_start(min(backwards), max(backwards)), min(map(len, tokens)) - head)
    while tail and _WORD_CHAR.match(first[len(first) - tail]):
        tail -= 1
    if not head and not tail:
        return _itself
    return lambda token: token[head : len(token) - tail] or token


def _shared_start(a: str, b: str) -> int:
    """How many leading characters `a` and `b` share (of sorted strings, the first and last share the most)."""
    size = min(len(a), len(b))
    return next((i for i in range(size) if a[i] != b[i]), size)


def _value_part(token: str) -> str:
    """`user=root` → `root`, `"user":"root",` → `root`: the value of a keyed token (the token itself
    otherwise). A JSON string value is a word, not a quoted name: its quotes are JSON's."""
    if "=" in token:
        return token.rpartition("=")[2] or token
    end = token.rfind('":')
    if end <= 0:
        return token
    value = token[end + 2 :].rstrip(",]}")
    if len(value) > 1 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value or token


# A word said again in a token of its own: quoted (`\\"nginx\\"`, `'bob'`) or a key's value (`user=bob`), with
# punctuation around it.
_ECHO_WORD = compile_regex(r"""[(\[{]*(?:\\?["'])?([A-Za-z][\w.-]{0,63})(?:\\?["'])?[)\]},;:.]*""")
_ECHO = "<^>"
# A name with its id after a slash, in brackets: Elasticsearch's `[index/<*>]`, which says the index again
# alone (`[index/<*>] create_mapping [index]`).
_NAMED_ID = compile_regex(r"""\[([A-Za-z][\w.-]{0,63})/<\*>\][,;:.]?""")


def _echo_word(token: str) -> tuple[str, bool]:
    """The word a token holds and whether it holds it as a value (quoted, a key's value, or a name with its
    id, Elasticsearch's `[index/<*>]`); ('', False) if the token is more than one word."""
    value = _value_part(token)
    match = _ECHO_WORD.fullmatch(value)
    if match is None:
        named = _NAMED_ID.fullmatch(value)
        return (named.group(1), True) if named is not None else ("", False)
    return match.group(1), value != token or "'" in value or '"' in value


def _echo_slots(keys: list[tuple[str, ...]], members: list[int]) -> list[tuple[int, list[int]]]:
    """Slots of a value said twice (`for \\"nginx\\" with … container=nginx`): signatures of one length equal
    but at two positions that hold one word each, a value at one of them at least (quoted, a key's, or a word of
    a quoted text: geth's `Served eth_coinbase … err="the method eth_coinbase does not exist"`); the first is
    the slot.

    A value repeated never fills a one-position slot: each of its values is a cluster of its own without it.
    """
    found: list[tuple[int, list[int]]] = []
    if len(members) < 2:
        return found
    echoes: dict[tuple[int, int, tuple[str, ...]], list[int]] = defaultdict(list)
    for index in members:
        tokens = keys[index]
        if not any("=" in token or "'" in token or '"' in token or "/<*>]" in token for token in tokens):
            continue  # no value that can be said as a word (quoted, a key's, a name with its id)
        first: dict[str, tuple[int, bool]] = {}
        quoted = False  # within a quoted text of several tokens (`err="the method X does not exist"`)
        for position, token in enumerate(tokens):
            inside = quoted
            if token.count('"') % 2:
                quoted = not quoted
                inside = True
            word, marked = _echo_word(token)
            if not word:
                continue
            marked = marked or inside
            start, value = first.setdefault(word, (position, marked))
            if start < 0 or start == position:
                continue
            first[word] = (-1, False)  # a word's first echo only: a third saying of it reads as a word
            if marked or value:
                context = (*tokens[:start], WILDCARD, *tokens[start + 1 : position])
                context += (token.replace(word, _ECHO), *tokens[position + 1 :])
                echoes[start, position, context].append(index)
    for (start, _, context), filling in echoes.items():
        if len(filling) > 1 and any(_is_word(token) for token in context):
            found.append((start, filling))
    return found


def _slots(
    keys: list[tuple[str, ...]], members: list[int], contexts: list[tuple[str, ...]]
) -> list[tuple[int, list[int]]]:
    """Every slot among signatures of one length: (position, signatures equal but at that position).

    Only slots whose context has a word count: values around nothing but other values prove nothing. The key
    of a `key=value` slot is such a word: among values, the tokens of one key fill a slot
    (`<*> client=<*>` / `<*> client=unknown`); so is the name an argument is glued to (`<*> DHCPOFFER(eth<*>)
    <*>` / `<*> DHCPOFFER(br-lan) <*>`).
    """
    found: list[tuple[int, list[int]]] = []
    if len(members) < 2:
        return found
    for position in range(len(keys[members[0]])):
        slots: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for index in members:
            tokens = contexts[index]
            slots[tokens[:position] + tokens[position + 1 :]].append(index)
        for context, filling in slots.items():
            if len(filling) < 2:
                continue
            if any(_is_word(token) for token in context):
                found.append((position, filling))
                continue
            by_key: dict[str, list[int]] = defaultdict(list)
            for index in filling:
                token = keys[index][position]
                by_key[_key(token) or _glued_head(token)].append(index)
            found.extend((position, same) for key, same in by_key.items() if key and len(same) > 1)
    return found


# A name with its id glued in brackets (Celery's `orders.tasks.send_receipt[<*>]`, `worker(<*>)`): one instance of
# a thing, the subject of what follows it; the words after it say what happened to it (`received`, `succeeded in
# <*>s`, `raised unexpected: …`), they are no stretch of free text, however many names they follow.
_ID_IN_BRACKETS = compile_regex(r"\w[\[(]<\*>[\])]")


def _phrases(keys: list[tuple[str, ...]]) -> dict[int, tuple[int, int]]:
    """Stretches of words that are values: signature index -> (start, end) of its longest one.

    A stretch of two to `MAX_PHRASE` words after a word or after a value's dash (`Starting <*> - <desc>...`,
    `_dash_after_value`), before the same tokens (`Starting <desc>...`,
    `failed: <error>`), is a value, like a word in a slot, when at least `MIN_DISTINCT` of the stretches
    there fill such a place elsewhere too, or the place is the line's end after a label ending a sentence, two
    prose words before it (`… after error: <text>`: an error's text, said once or not) (`Docker Engine` after `Starting`
    and after `Stopped`; values after
    its first word belong to it, `User Manager for UID <*>`;
    `Connection reset by peer` after two messages' colons) and begin and end with `MIN_DISTINCT` different
    words (`invalid user X` is a constant and a value, not a value; a numbered name that leads a stretch,
    `G<*>` of `(G<*> Evacuation Pause)`, is one of its words and the word after it tells how it begins): the
    description or error text of a variable with many words.
    """
    places: dict[tuple[int, int], dict[tuple[str, ...], list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    # A stretch holding a word that no other signature has anywhere (a user name seen once) fills one place
    # only: it counts among the stretches of its place and takes a span with them, but it can never be one
    # that fills places elsewhere, so it is kept apart as (signature, start, end) without being compared.
    lonely: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    # Stretches right after a value or a name, by their place with that value as `<*>`: the same words after a
    # word there (`Steve joined the game` beside `<*> joined the game`, a name masked whole) are no value.
    after_value: set[tuple[int, int, tuple[str, ...]]] = set()
    found: list[
        tuple[tuple[int, int], tuple[str, ...], int, int, tuple[int, int, tuple[str, ...]] | None, bool]
    ] = []
    # Places at the line's end after a sentence's label (`… after error: <text>`): what a sentence labels there
    # is the text it was given, as an error's is, whether or not those texts are said elsewhere.
    told: set[tuple[int, int]] = set()
    # Only a stretch whose words before and after are those of at least `MIN_DISTINCT` signatures can
    # fill a place: the stretches looked at stay few, however many signatures of free text there are.
    before = _shared_reach(keys)
    after = _shared_reach([key[::-1] for key in keys])
    seen = Counter(_bare_word(token) for tokens in keys for token in tokens)
    for index, tokens in enumerate(keys):
        size = len(tokens)
        if size > MAX_PHRASE_TOKENS or before[index] == 0 or after[index] + before[index] + MAX_PHRASE < size:
            continue
        last_start = before[index]
        first_end = size - after[index]
        # the place around a stretch, with a name with its number read as the value it is (`wlan<*>:` and
        # `ap<*>:`, two interfaces, make one place, and so do NetworkManager's `device (wlan<*>):` and `device
        # <*>` where the interface masked whole: the same statements said there are no stretches moving about),
        # and a name as the value it is (Junos' interface unit `irb.<*>` where others were masked whole)
        around = [
            WILDCARD if _is_numbered_label(token) or (i and _is_name(token)) else token
            for i, token in enumerate(tokens)
        ]
        # (values in a row are one value there, as the signature folds masked ones: a host that is a name,
        # `MikroTik-GW`, after a masked date is the place where another line's masked address is, not another)
        prefix = [0] * (size + 1)
        for i, token in enumerate(around):
            repeated = i > 0 and token == WILDCARD and around[i - 1] == WILDCARD
            prefix[i + 1] = prefix[i] if repeated else hash((prefix[i], token))
        suffix = [0] * (size + 1)
        for i in range(size - 1, -1, -1):
            repeated = i + 1 < size and around[i] == WILDCARD and around[i + 1] == WILDCARD
            suffix[i] = suffix[i + 1] if repeated else hash((around[i], suffix[i + 1]))
        # (`key=value` is no prose, nor is a quoted name: `'prod',` is a value as `'/',` is)
        words = [
            (_is_word(token) or _is_numbered_name(token)) and "=" not in token and not _is_value(token)
            for token in tokens
        ]
        # (words of a sentence: no label, `device (wlan0): Activation:`, whose own label names a kind of event)
        sentence = [_PROSE.fullmatch(token) is not None and not token.endswith(":") for token in tokens]
        # a value within a stretch (after its first word) is part of it: `User Manager for UID <*>`
        inner = [word or token.startswith(WILDCARD) for word, token in zip(words, tokens, strict=True)]
        unique = list(itertools.accumulate((seen[_bare_word(token)] == 1 for token in tokens), initial=0))
        for start in range(1, min(size, last_start + 1)):
            if around[start - 1] == WILDCARD and words[start] and around[start] != WILDCARD:
                for end in range(start + 2, min(size, start + MAX_PHRASE) + 1):
                    if not inner[end - 1] or not inner[end - 2]:
                        break
                    if end >= first_end:
                        after_value.add((prefix[start], suffix[end], _bare(tokens[start:end])))
            # (one word in brackets before it is a tag, a value, not a word a stretch follows: fail2ban's jails,
            # `[sshd] Found <*>`, `[recidive] Ban <*>`, are no places of a phrase)
            # (nor does a stretch begin with a name right after another, two values there: MikroTik's topics,
            # `system,info,account`, are where one line's words begin after its host, `MikroTik-GW`, as another's
            # begin after its address; a name after a word may begin one, Junos' `policy allow-web trust untrust`)
            if (
                not (words[start - 1] or _dash_after_value(tokens, around, start))
                or not words[start]
                or around[start] == around[start - 1] == WILDCARD
                or _ID_IN_BRACKETS.search(tokens[start - 1])
                or _BRACKETED_WORD.fullmatch(tokens[start - 1])
            ):
                continue
            # (one word is a stretch at the line's end only, after a word of a sentence that labels it: `data:
            # Timeout` beside `data: Connection refused`, `data: Invalid response from API`; not after a
            # thing's name, `aws_instance.web: Creating...`, whose words say what happens to it)
            labels_text = tokens[start - 1].endswith(":") and _PROSE.fullmatch(tokens[start - 1]) is not None
            lone = start + 1 == size and labels_text and _PROSE.fullmatch(tokens[start]) is not None
            for end in range(start + (1 if lone else 2), min(size, start + MAX_PHRASE) + 1):
                if not inner[end - 1] or not inner[end - 2]:
                    break
                if end >= first_end:
                    # the same words after a value in that place (`<*> joined the game` beside `Steve joined the
                    # game`): the word before them is the value, a player's name, and they are the statement
                    # (the prefix with a value in place of that word: values in a row hash as one)
                    instead = (
                        prefix[start - 1]
                        if start > 1 and around[start - 2] == WILDCARD
                        else hash((prefix[start - 1], WILDCARD))
                    )
                    stretch = tokens[start:end]
                    aside = (instead, suffix[end], _bare(stretch)) if around[start - 1] != WILDCARD else None
                    if (
                        end == size
                        and start >= 3
                        and labels_text
                        and sentence[start - 2]
                        and sentence[start - 3]
                    ):
                        told.add((prefix[start], suffix[end]))
                    found.append(
                        (
                            (prefix[start], suffix[end]),
                            stretch,
                            index,
                            start,
                            aside,
                            unique[end] > unique[start],
                        )
                    )
    for context, stretch, index, start, aside, alone in found:
        if aside in after_value:
            continue
        if alone:
            lonely[context].append((index, start, start + len(stretch)))
        else:
            places[context][stretch].append((index, start))
    filled: dict[tuple[str, ...], set[tuple[int, int]]] = defaultdict(set)
    contexts = [
        context
        for context in dict.fromkeys([*places, *lonely])
        if len(places.get(context, ())) + len(lonely.get(context, ())) >= MIN_DISTINCT
    ]
    for context in contexts:
        for stretch in places.get(context, ()):
            filled[_bare(stretch)].add(context)
    spans: dict[int, tuple[int, int]] = {}

    def widen(index: int, start: int, end: int) -> None:
        known = spans.get(index)
        if known is None or (end - start, -start) > (known[1] - known[0], -known[0]):
            spans[index] = (start, end)

    for context in contexts:
        phrases = places.get(context, {})
        shared = [stretch for stretch in phrases if len(filled[_bare(stretch)]) > 1]
        if context in told:  # (a text said once counts there too: an error's text need not be said twice)
            shared = [*phrases, *(keys[index][start:end] for index, start, end in lonely.get(context, ()))]
        if (
            len(shared) >= MIN_DISTINCT
            and len({_leading_word(stretch) for stretch in shared}) >= MIN_DISTINCT
            and len({stretch[-1] for stretch in shared}) >= MIN_DISTINCT
            # one word at the line's end counts beside texts of several words only (`data: Timeout` beside
            # `data: Connection refused` and `data: Invalid response from API`); words alone are a slot's
            and sum(len(stretch) > 1 for stretch in shared) >= MIN_DISTINCT - 1
        ):
            for stretch, members in phrases.items():
                for index, start in members:
                    widen(index, start, start + len(stretch))
            for index, start, end in lonely.get(context, ()):
                widen(index, start, end)
    return spans


# Keyed quoted texts looked at per signature (`_keyed_texts`): the work per signature stays linear.
MAX_KEYED_TEXTS = 8
# Fields a context list has at least (`_context_lists`), and what labels them: a lowercase word and a colon.
MIN_CONTEXT_FIELDS = 2
_LABEL = compile_regex(r"[a-z][a-z0-9_-]{0,31}:")


def _keyed_texts(keys: list[tuple[str, ...]], counts: list[int]) -> dict[int, tuple[str, ...]]:
    """Signatures whose quoted `key="…"` texts are values, each with those texts read as `key=<*>`.

    A line of `key=value` pairs has one message: quoted text that stays the same (`msg="Scrape failed"`,
    klog's `"Probe failed"`), or prose words outside the pairs (`core: failed to check:`). Beside it, the
    quoted text of a key that takes at least `MIN_DISTINCT` texts is a value (an error's text, a probe's
    output): texts in lines equal elsewhere, or, beside a message that is no key's, in lines equal outside
    their keys' texts; or, in lines equal elsewhere, two texts or more, each common (`_few_common`): a
    labelled field of a few values (`error="permission denied"` / `error="unsupported operation"`). Without
    a message, the quoted texts may be the messages (`msg="shim disconnected"` and `msg="cleaning up after
    shim disconnected"`): they stay.
    """
    stretches = {
        index: _quoted_texts(tokens)
        for index, tokens in enumerate(keys)
        if any('="' in t or '=>"' in t or "=[" in t for t in keys[index])
        or any(_labelled_text(keys[index], at) for at, t in enumerate(keys[index]) if t.endswith(":"))
    }
    # texts of the key at a start: in lines equal but there, and in lines equal outside their keys' texts
    here: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
    beside: dict[tuple[int, tuple[str, ...]], set[tuple[str, ...]]] = defaultdict(set)
    bare: dict[int, tuple[str, ...]] = {}
    by_key: dict[str, set[tuple[str, ...]]] = defaultdict(set)  # every text each key takes
    for index, found in stretches.items():
        tokens = keys[index]
        if _has_message(tokens, found, -1, keyed_too=False):
            bare[index] = _fold_texts(tokens, found)
        for start, end, keyed in found:
            if keyed:
                here[_fold_texts(tokens, [(start, end, True)])][tokens[start:end]] += counts[index]
                by_key[tokens[start].partition("=")[0]].add(tokens[start:end])
                if index in bare:
                    beside[start, bare[index]].add(tokens[start:end])
    folded: dict[int, tuple[str, ...]] = {}
    for index, found in stretches.items():
        tokens = keys[index]
        chosen = [
            (start, end, True)
            for start, end, keyed in found
            if keyed
            and (
                (index in bare and len(beside[start, bare[index]]) >= MIN_DISTINCT)
                or (
                    _texts_vary(here[_fold_texts(tokens, [(start, end, True)])])
                    and _has_message(tokens, found, start, keyed_too=True)
                )
                or (end - start > 1 and _names(by_key[tokens[start].partition("=")[0]]))
            )
        ]
        if chosen:
            folded[index] = _fold_texts(tokens, chosen)
    return folded


def _names(texts: set[tuple[str, ...]]) -> bool:
    """A key whose texts, wherever it is, are names: at least `MIN_DISTINCT` texts, most of them one word
    (`tag="*launch*"`, `tag="RILJ_ACK_WL"`): a text of several words there is a name with a space in it
    (`tag="View Lock"`), not a message (`msg="shim disconnected"`, most of whose texts are sentences)."""
    return len(texts) >= MIN_DISTINCT and 2 * sum(len(text) == 1 for text in texts) > len(texts)


def _texts_vary(texts: Counter[tuple[str, ...]]) -> bool:
    """At least `MIN_DISTINCT` texts, or a few that are each common (`_few_common`)."""
    return len(texts) >= MIN_DISTINCT or (len(texts) > 1 and _few_common(list(texts.values())))


def _few_common(counts: list[int]) -> bool:
    """Each of a few texts in at least `MIN_DISTINCT` messages and in at least half an even share of them."""
    return min(counts) >= MIN_DISTINCT and 2 * len(counts) * min(counts) >= sum(counts)


def _bracketed_texts(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures whose parenthesized texts of prose are values, each with them read as `<*>`.

    After a sentence (`Failed authentication with <*> (SSL handshake failed)`), a parenthesized text of two
    prose words or more that takes at least `MIN_DISTINCT` texts in lines equal elsewhere is the reason the
    sentence gives, a value. The lines equal elsewhere read their values alike there: a user redacted as
    `[REDACTED:email]` is where other lines have an address (FreeRADIUS' `Invalid user: [<*>] (from client …)`).
    """
    return _varied_spans(keys, _parenthesized, _value_blind)


def _varied_spans(
    keys: list[tuple[str, ...]],
    find: Callable[[tuple[str, ...]], list[tuple[int, int]]],
    place: Callable[[tuple[str, ...]], tuple[str, ...]] = tuple,
    least: int = MIN_DISTINCT,
) -> dict[int, tuple[str, ...]]:
    """Signatures with the spans `find` gives read as `<*>` where, in lines equal elsewhere (as `place` reads
    them), a span takes at least `least` texts."""
    spans: dict[int, list[tuple[int, int]]] = {}
    texts: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for index, tokens in enumerate(keys):
        found = find(tokens)
        if found:
            spans[index] = found
            for start, end in found:
                texts[place(_fold_span(tokens, start, end))].add(tokens[start:end])
    folded: dict[int, tuple[str, ...]] = {}
    for index, found in spans.items():
        tokens = keys[index]
        chosen = [
            (start, end) for start, end in found if len(texts[place(_fold_span(tokens, start, end))]) >= least
        ]
        for start, end in reversed(chosen):
            tokens = _fold_span(tokens, start, end)
        if chosen:
            folded[index] = tokens
    return folded


def _trailing_texts(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures whose last `key=` takes a value that runs on in words to the end of the line, read as
    `key=<*>` there.

    A statement that prints a value with spaces last, unquoted, lets it run to the line's end: PostgreSQL's
    `connection authorized: user=%s database=%s application_name=%s` (`psql`, `PostgreSQL JDBC Driver`,
    `pgAdmin 4 - DB:orders`). Where lines equal up to that key take at least `MIN_DISTINCT` texts there, of
    more than one length, the text is the key's value, when the line has a message besides it; texts of one
    length are left to the slots. A value
    that punctuation closes (BGL's `interrupt (unit=<*> bit=<*>): warning for torus y+ wire`) ended there."""
    folded: dict[int, tuple[str, ...]] = {}
    texts: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for index, tokens in enumerate(keys):
        at = len(tokens) - 1
        while at > 0 and "=" not in tokens[at] and len(tokens) - at <= MAX_PHRASE:
            at -= 1
        key = _key(tokens[at])
        # a value its punctuation closes (`(unit=<*> bit=<*>): warning for …`) ended there: a message follows
        if not key or "=" in tokens[at].partition("=")[2] or tokens[at][-1] in _CLOSERS + ":,;":
            continue
        view = (*tokens[:at], f"{key}={WILDCARD}")
        # the line's message is elsewhere (`connection authorized:`); a logfmt line's unquoted `msg=Starting
        # server` is its message
        if not _has_message(view, [], -1, keyed_too=False):
            continue
        folded[index] = view
        texts[_keys_blind(folded[index])].add((tokens[at].partition("=")[2], *tokens[at + 1 :]))
    return {
        index: view
        for index, view in folded.items()
        if len(found := texts[_keys_blind(view)]) >= MIN_DISTINCT and len({len(text) for text in found}) > 1
    }


# A token's word as a vocabulary spells it: quotes, brackets and trailing punctuation off, lowercased.
_OPENERS = "'\"(["
_ENDERS = "'\")].,;:!"
# An errno before an error's text: glued to it (APR's `(111)Connection refused`), in brackets before it (nginx's
# `(111: Connection refused)`, Python's `[Errno 111] Connection refused`).
_GLUED_ERRNO = ("(<*>)", "[<*>]")
_ERRNO = compile_regex(r"[(\[]<\*>[:)\]]")
# A Java exception's class before its message (`java.net.ConnectException: Connection refused`).
_EXCEPTION_LABEL = compile_regex(r"(?:\w+\.)*\w+Exception:")


def _by_first_word(texts: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Texts as words, by their first word, longest first."""
    found: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for text in texts:
        words = tuple(word.strip(_OPENERS).rstrip(_ENDERS) for word in text.split())
        found[words[0]].append(words)
    return {first: sorted(texts, key=len, reverse=True) for first, texts in found.items()}


_ERROR_TEXTS = _by_first_word(ERROR_TEXTS)
_REASONS = _by_first_word(REASON_PHRASES | SHORT_REASON_PHRASES)


def _names_an_error(tokens: tuple[str, ...], start: int) -> bool:
    """Whether the tokens before `start` say an error's text follows: an errno, a system call's name
    (`connect:`, `connect():`), a Java exception's class."""
    previous = tokens[start - 1] if start else ""
    return (
        _ERRNO.fullmatch(previous) is not None
        or (previous == "<*>]" and start > 1 and tokens[start - 2].lower() == "[errno")
        or (previous.endswith(":") and previous[:-1].removesuffix("()").lower() in SYSTEM_CALLS)
        or _EXCEPTION_LABEL.fullmatch(previous) is not None
    )


def _known_spans(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of the texts of a closed vocabulary where the line says what they are (`_known_texts`)."""
    found: list[tuple[int, int]] = []
    start = 0
    while start < len(tokens):
        token = tokens[start]
        glued = token.startswith(_GLUED_ERRNO)
        first = (token[len(_GLUED_ERRNO[0]) :].lstrip(_OPENERS) if glued else token).rstrip(_ENDERS).lower()
        candidates: list[tuple[str, ...]] = []
        if first in _ERROR_TEXTS and (glued or _names_an_error(tokens, start)):
            candidates = _ERROR_TEXTS[first]
        elif first in _REASONS and start and WILDCARD in tokens[start - 1]:
            candidates = _REASONS[first]  # after its status code
        for words in candidates:
            end = start + len(words)
            if end <= len(tokens) and all(
                tokens[start + i].strip(_OPENERS).rstrip(_ENDERS).lower() == words[i]
                for i in range(1, len(words))
            ):
                found.append((start, end))
                start = end - 1
                break
        start += 1
    return found


def _known_texts(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures whose texts of a closed vocabulary are values, each with them read `<*>`.

    A program prints an OS error's text (`strerror(3)`) after the system call that failed (`perror`'s and Go's
    `connect: connection refused`, `sendto: no route to host`), its errno (`(111)Connection refused`, `[Errno 113]
    No route to host`) or a Java exception's class, and an HTTP status's reason phrase after its code (`502 Bad
    Gateway`) (`vocabulary`). Where lines equal elsewhere hold two texts of the vocabulary or more at one such
    place, it is a value's slot however few texts show: one statement, given two errors. An error's text after
    other words (`chdir(pwd) failed: No such file or directory` / `Input/output error`) is left to the slots'
    statistics: Loghub's truth tells such statements apart by their text (BGL's `ciod: LOGIN chdir(<*>) failed:
    <text>`), and so are words outside the vocabularies (`Reachable` / `Unreachable`).
    """
    return _varied_spans(keys, _known_spans, least=2)


def _counter_tallies(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures that end in a tally of counters, a varying subset of one vocabulary, each read with the tally
    as one `<*>`.

    A statement may print only the counters that counted something: Postfix's `disconnect from … ehlo=1 mail=1
    rcpt=0/1 quit=1 commands=3/4` names the commands the client sent, always closed by their total. Its lines,
    equal up to a run of two or more `name=count` counters at the end after the message's words (values read
    `<*>`), show the one vocabulary: two runs share their last name and one more (`… quit=1 commands=3` and
    `… rcpt=1 commands=2`: Postfix's total and a command), or one is the other less one counter. Runs linked so
    are the tally, a value; runs of names apart keep them (logfmt's `sync failed user=1 order=3 retries=1` and
    `… disk=1 inode=3 quota=1` are two statements), and so do runs that never vary."""
    runs: dict[int, tuple[int, tuple[str, ...]]] = {}  # index -> (where the run starts, its names)
    places: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, tokens in enumerate(keys):
        at = len(tokens)
        counted: list[str] = []  # the run's names, last first
        while at > 1 and (counter := _COUNTER.fullmatch(tokens[at - 1])) is not None:
            counted.append(counter.group(1))
            at -= 1
        if len(counted) < 2 or not any(_is_word(token) and "=" not in token for token in tokens[:at]):
            continue
        runs[index] = (at, tuple(reversed(counted)))
        places[_name_blind(_value_blind(tokens[:at]))].append(index)
    folded: dict[int, tuple[str, ...]] = {}
    for members in places.values():
        vocabulary = sorted({runs[index][1] for index in members})
        if len(vocabulary) < 2:
            continue
        number = {names: n for n, names in enumerate(vocabulary)}
        linked = _UnionFind(len(vocabulary))
        closing: dict[tuple[str, str], int] = {}
        for n, names in enumerate(vocabulary):
            for name in names[:-1]:
                linked.union(closing.setdefault((names[-1], name), n), n)
            for drop in range(len(names)):
                fewer = number.get((*names[:drop], *names[drop + 1 :]))
                if fewer is not None:
                    linked.union(fewer, n)
        sizes = Counter(linked.find(n) for n in range(len(vocabulary)))
        for index in members:
            at, names = runs[index]
            if sizes[linked.find(number[names])] > 1:
                folded[index] = (*keys[index][:at], WILDCARD)
    return folded


def _keys_blind(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens with every key's value and every value read `<*>` (`user=<*>`): lines of one statement."""
    return _value_blind(tuple(f"{key}={WILDCARD}" if (key := _key(token)) else token for token in tokens))


def _column_texts(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures whose quoted columns hold free text, each with those columns read as one `<*>`.

    A double-quoted text between two values of a record, or after a value at the line's end (an access log's
    user agent: `<*> "curl/<*>" <*>`, `<*> "Mozilla/<*> (X11; Linux <*>) … Safari/<*>" <*>`) is free text when,
    in lines equal elsewhere, it takes at least `MIN_DISTINCT` texts, those of several words of more than one
    length: a value of however many words. Texts of several words of one length (`"GET <*> HTTP/<*>"` /
    `"POST <*> HTTP/<*>"`, beside the one-word requests a scanner sends, `"<BADREQ>"`, `"\x16\x03…"`) are left
    to the slots, where a method may name its event.
    """
    spans: dict[int, list[tuple[int, int]]] = {}
    texts: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for index, tokens in enumerate(keys):
        if not any(token[:1] == '"' for token in tokens):
            continue
        found = _quoted_columns(tokens)
        if found:
            spans[index] = found
            for start, end in found:
                texts[_fold_column(tokens, start, end)].add(tokens[start:end])
    folded: dict[int, tuple[str, ...]] = {}
    for index, found in spans.items():
        tokens = keys[index]
        chosen = [
            (start, end)
            for start, end in found
            if len(seen := texts[_fold_column(tokens, start, end)]) >= MIN_DISTINCT
            and len({len(text) for text in seen if len(text) > 1}) > 1
        ]
        for start, end in reversed(chosen):
            tokens = _fold_column(tokens, start, end)
        if chosen:
            folded[index] = tokens
    return folded


def _sentence_quotes(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures whose quoted texts of several words within a sentence are values, each with them read `<*>`.

    A text of two words or more in single or double quotes after a word of a sentence (`Command 'systemctl
    restart nginx' failed`, `Config entry 'Living Room Hub' for <*>`) that takes at least `MIN_DISTINCT` texts
    in lines equal elsewhere is a value, as a quoted word is: a command, a name with spaces in it.
    """
    return _varied_spans(keys, _quoted_in_sentence)


def _quoted_in_sentence(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of the quoted texts of two tokens or more after a word of a sentence, before another word,
    a value or the line's end (`Command '<*> --env prod' failed`, `starting connection 'Wired connection <*>'
    (<*>)`), and of a quoted value of one token at the line's end, one more text of that place."""
    found: list[tuple[int, int]] = []
    size = len(tokens)
    start = 1
    if not any(token[:1] in ("'", '"') for token in tokens[1:]):
        return found
    while start < size:
        quote = tokens[start][:1]
        if (
            quote in ("'", '"')
            and start + 1 == size
            and tokens[start].count(quote) == 2
            and tokens[start].endswith(quote)
            and _PROSE.fullmatch(tokens[start - 1])
            and _is_value(tokens[start])
        ):
            # a quoted value of one token at the line's end is one of the texts said there (OpenDKIM's `header
            # value 'undisclosed-recipients:;'` beside `'Billing <billing@>'` and `'Mailer Daemon'`)
            found.append((start, start + 1))
        elif quote in ("'", '"') and tokens[start].count(quote) == 1 and _PROSE.fullmatch(tokens[start - 1]):
            end = start + 1
            while end < size and end - start < MAX_PHRASE and quote not in tokens[end]:
                end += 1
            if (
                end < size
                and tokens[end].count(quote) == 1
                and tokens[end].rstrip(",;:.)").endswith(quote)
                and (end + 1 == size or _PROSE.fullmatch(tokens[end + 1]) or _is_value(tokens[end + 1]))
            ):
                found.append((start, end + 1))
                start = end
        start += 1
    return found


def _quoted_columns(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of the double-quoted texts of a signature, of one word or more, that are columns of a
    record: a value before them, and a value or the line's end after them."""

    def column(start: int, end: int) -> bool:
        return start > 0 and _is_value(tokens[start - 1]) and (end == len(tokens) or _is_value(tokens[end]))

    found = [(start, end) for start, end, keyed in _quoted_texts(tokens) if not keyed and column(start, end)]
    found += [
        (at, at + 1)
        for at, token in enumerate(tokens)
        if len(token) > 2 and token[0] == token[-1] == '"' and token.count('"') == 2 and column(at, at + 1)
    ]
    return sorted(found)


def _fold_column(tokens: tuple[str, ...], start: int, end: int) -> tuple[str, ...]:
    """`tokens` with the column at start:end and the values beside it (`<*>` before it; after it a quoted word
    too, an authority `"backend"`) read as one `<*>`. A quoted word before it may be a request (`"<BADREQ>"`)."""
    while start > 0 and tokens[start - 1] == WILDCARD:
        start -= 1
    while end < len(tokens) and _is_value(tokens[end]):
        end += 1
    return _fold_span(tokens, start, end)


def _context_lists(keys: list[tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    """Signatures that end in a context list, each with its fields' values read as `<*>`.

    A message that says what happened, then, after a comma, the fields of the request or connection it
    happened to (nginx's error log: `connect() failed (<*>: Connection refused) while connecting to
    upstream, client: <*>, server: _, request: "GET <*> HTTP/<*>.<*>", host: "localhost"`): the values of
    those fields are the request's, whatever their shape (a method, an empty or named server, a quoted
    host), so they are values however few lines show them. Which fields a line has stays part of its
    signature (a line with a `referrer:` is another event, as Loghub's OpenSSH truth holds `rhost=<*>` and
    `rhost=<*> user=<*>` apart). A context list is at least `MIN_CONTEXT_FIELDS` fields to the end of the
    line, each a lowercase `label:` with one value token or one quoted text, the fields but the last ending
    with a comma (or a value, which reads its comma with it), at least half of them masked values (or
    empty), so that a list of words (`status: done, mode: full`) keeps them; before it, after a comma, a
    message with two prose words in a row. A label inside the message (`too large body: <*> bytes,`) is no
    field of it.
    """
    folded: dict[int, tuple[str, ...]] = {}
    for index, tokens in enumerate(keys):
        start = _context_start(tokens)
        if start is not None:
            view = list(tokens[:start])
            while start < len(tokens):
                view += (tokens[start], WILDCARD)
                start = cast(int, _field_end(tokens, start + 1))
            folded[index] = tuple(view)
    return folded


def _optional_fields(templates: dict[int, tuple[str, ...]]) -> list[list[int]]:
    """Clusters whose templates are equal but for fields one of them has and the other has not.

    A statement that lists a record's fields after commas writes some only when it has them (sendmail's `ctladdr=`,
    `relay=`: "not all fields are present in all messages"; Postfix's `, sasl_method=…, sasl_username=…` after
    `client=` for a client that logged in; HAProxy's `, code: <*>, info: "…"` when a check got them; nginx's
    `, referrer: "…"`): a cluster whose template is another's with one or more such fields inserted is that
    one's event. A field is a `label:` or `key=` token after a comma, a masked value or a field whose masked value
    read its comma, with its value up to a comma, at most `MAX_VALUE_TOKENS` + 1 tokens (`_fields`); or a
    parenthesized remark of prose that ends a sentence's line (`(retrying in <*>s)`, `_parenthesized_tail`). All else stays equal: the
    words outside the fields, and each field the smaller template has, by its value (values without words are
    alike whatever their shape), so a field of another word (`status: done` / `status: failed`) or another
    constant word keeps its event. Fields without commas (pam's `rhost=<*>  user=root`, as Loghub's OpenSSH
    truth holds it) are no such list.
    """
    buckets: dict[tuple[str, ...], list[tuple[int, list[tuple[str, str | None]]]]] = defaultdict(list)
    for root, tokens in templates.items():
        if not _has_letters(tokens):
            continue
        items = _fields(tokens)
        buckets[tuple(text for text, key in items if key is None)].append((root, items))
    merged: list[list[int]] = []
    for members in buckets.values():
        if len(members) < 2 or len(members) > MAX_MASKS:
            continue  # pairs of at most `MAX_MASKS` templates of one wording are compared
        keyed = [(root, items, {key for _, key in items if key is not None}) for root, items in members]
        for root, items, keys in keyed:
            for other, other_items, other_keys in keyed:
                if (
                    keys < other_keys
                    and [item for item in other_items if item[1] is None or item[1] in keys] == items
                ):
                    merged.append([root, other])
    return merged


MIN_RECORD_FIELDS = 3  # fields keyed in capitals that make a line a record (`_capital_records`)


def _dash_after_value(tokens: tuple[str, ...], around: list[str], start: int) -> bool:
    """Whether a dash after a value comes right before `start`: a name then its description (systemd's `Starting
    nginx.service - A high performance web server...`, `Started cron.service - Regular background program
    processing daemon.`), a stretch of words that may begin there as after a word (`_phrases`)."""
    return start > 1 and tokens[start - 1] == "-" and around[start - 2] == WILDCARD


def _capital_records(templates: dict[int, tuple[str, ...]]) -> list[tuple[int, int]]:
    """Pairs of clusters whose templates are one record of fields keyed in capitals, with other fields.

    A record whose keys are capitals writes the fields its packet or message has, each with its value: the kernel's
    netfilter `LOG` target (iptables, ufw's `[UFW BLOCK]`) prints `SPT= DPT= WINDOW= RES=` for TCP, `SPT= DPT= LEN=`
    for UDP, `TYPE= CODE= ID= SEQ=` for ICMP after the same `IN= OUT= MAC= SRC= DST= … PROTO=`; Exim's log lines
    add `X=` and `CV=` when the connection had TLS, `A=` when the client logged in. Templates whose words outside
    such fields are equal, each of at least `MIN_RECORD_FIELDS` fields and sharing that many keys, are one event:
    a field's value is a value whatever its shape (`PROTO=TCP`, `P=esmtps`), a word outside the fields stays the
    line's own (`[UFW BLOCK]`/`[UFW ALLOW]`, Exim's `<=`/`=>`). Fields of lowercase keys stay as `_optional_fields`
    reads them: a record of such keys without commas (pam's `rhost=<*>  user=root`) may be another statement's.
    """
    buckets: dict[tuple[str, ...], list[tuple[int, frozenset[str]]]] = defaultdict(list)
    for root, tokens in templates.items():
        words, keys = _capital_fields(tokens)
        if len(keys) >= MIN_RECORD_FIELDS and _has_letters(words):
            buckets[words].append((root, keys))
    pairs: list[tuple[int, int]] = []
    for members in buckets.values():
        if len(members) > MAX_MASKS:
            continue  # pairs of at most `MAX_MASKS` templates of one wording are compared
        for at, (root, keys) in enumerate(members):
            pairs.extend(
                (root, other)
                for other, other_keys in members[at + 1 :]
                if len(keys & other_keys) >= MIN_RECORD_FIELDS
            )
    return pairs


def _capital_fields(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The words of `tokens` outside their fields keyed in capitals, and those fields' keys (`_capital_records`). A
    field's value goes on over the masked values after its token (Exim's `H=<*> [<*>]`)."""
    words: list[str] = []
    keys: set[str] = set()
    in_field = False
    for token in tokens:
        key = _CAPITAL_KEY.match(token)
        if key is not None:
            keys.add(key.group())
            in_field = True
        elif not (in_field and token == WILDCARD):
            in_field = False
            words.append(token)
    return tuple(words), frozenset(keys)


def _fields(tokens: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """`tokens` as items (`_optional_fields`): a comma-separated field as its value and key (its value `<*>`
    when it has no words), any other token as itself without its comma and no key."""
    items: list[tuple[str, str | None]] = []
    tail = _parenthesized_tail(tokens)
    at = 0
    while at < tail:
        token = tokens[at]
        key, equals, _ = token.partition("=")
        labelled = _LABEL.fullmatch(token) is not None
        keyed = bool(equals) and _LABEL.fullmatch(key + ":") is not None
        end = None
        if (
            at
            and (labelled or keyed)
            and (
                tokens[at - 1].endswith(",")
                or tokens[at - 1] == WILDCARD
                or (items[-1][1] is not None and tokens[at - 1].endswith(WILDCARD))
            )
        ):
            for last in range(at + labelled, min(len(tokens), at + MAX_VALUE_TOKENS + 2)):
                if tokens[last].endswith(",") or tokens[last].endswith(WILDCARD) or last == len(tokens) - 1:
                    end = last + 1
                    break
            while (
                end is not None
                and end < len(tokens)
                and tokens[end] == WILDCARD
                and tokens[end - 1][-1] != ","
            ):
                end += 1  # a value of several tokens, the last a masked one (`relay=<*> <*>`)
        if end is None:
            items.append((token.rstrip(","), None))
            at += 1
            continue
        value = (token.partition("=")[2] if keyed else "", *tokens[at + 1 : end])
        text = " ".join(part.rstrip(",") for part in value) if any(map(_is_word, value)) else WILDCARD
        items.append((text, key if keyed else token))
        at = end
    if tail < len(tokens):
        text = " ".join(tokens[tail:])
        items.append((text, text))
    return items


def _parenthesized_tail(tokens: tuple[str, ...]) -> int:
    """Where a parenthesized remark of prose words that ends the line after a sentence starts (`(retrying in
    <*>s)`: a statement's optional tail, `_optional_fields`), or the line's length."""
    if not tokens[-1].rstrip(".").endswith(")"):
        return len(tokens)
    for start in range(len(tokens) - 1, max(1, len(tokens) - MAX_PHRASE), -1):
        if tokens[start].startswith("("):
            words = [token.strip("().,:;") for token in tokens[start:]]
            prose = sum(_PROSE.fullmatch(word) is not None for word in words)
            before = [_PROSE.fullmatch(token) is not None for token in tokens[:start]]
            if prose > 1 and 2 * prose > len(words) and any(a and b for a, b in itertools.pairwise(before)):
                return start
            break
        if "(" in tokens[start] or ")" in tokens[start][:-1]:
            break
    return len(tokens)


def _context_start(tokens: tuple[str, ...]) -> int | None:
    """Where the context list that ends `tokens` starts (`_context_lists`), if it has one."""
    size = len(tokens)
    if size < 2 * MIN_CONTEXT_FIELDS + 2 or (_LABEL.fullmatch(tokens[-2]) is None and '"' not in tokens[-1]):
        return None
    fields = [0] * (size + 1)  # fields in the list that starts at a position, 0: none does
    masked = [0] * (size + 1)  # how many of them hold a masked value (or none: `server: ,`)
    start = None
    for at in range(size - 2, 0, -1):
        if _LABEL.fullmatch(tokens[at]) is None:
            continue
        end = _field_end(tokens, at + 1)
        if end is None or (end < size and not fields[end]):
            continue
        last = tokens[end - 1]
        if end < size and not (last.endswith(",") or last == WILDCARD):
            continue
        fields[at] = 1 + fields[end]
        masked[at] = masked[end] + (WILDCARD in " ".join(tokens[at + 1 : end]) or tokens[at + 1] == ",")
        if tokens[at - 1].endswith(",") or tokens[at - 1] == WILDCARD:
            start = at  # the list starts right after the message, not inside it (`too large body: <*>`)
    # A list shows a comma where a value does not read it (`"GET …",`, `_,`); labels in a sentence without one
    # (HDFS's `Receiving block <*> src: <*> dest: <*>`) are no list.
    if (
        start is None
        or fields[start] < MIN_CONTEXT_FIELDS
        or 2 * masked[start] < fields[start]
        or not any(token.endswith(",") for token in tokens[start - 1 :])
    ):
        return None
    prose = [_PROSE.fullmatch(token) is not None for token in tokens[:start]]
    return start if any(a and b for a, b in itertools.pairwise(prose)) else None


def _field_end(tokens: tuple[str, ...], at: int) -> int | None:
    """The end of the value of a context list's field that starts at `at`: one token, or a quoted text."""
    if at >= len(tokens) or _LABEL.fullmatch(tokens[at]) is not None:
        return None
    token = tokens[at]
    if not token.startswith('"') or token.replace('\\"', "").count('"') != 1:
        return at + 1
    for end in range(at + 1, min(len(tokens), at + MAX_PHRASE)):
        if '"' in tokens[end].replace('\\"', ""):
            return end + 1
    return None


def _fold_span(tokens: tuple[str, ...], start: int, end: int) -> tuple[str, ...]:
    return (*tokens[:start], WILDCARD, *tokens[end:])


def _parenthesized(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of the parenthesized texts after two prose words in a row: mostly prose, two words or more."""
    found: list[tuple[int, int]] = []
    sentence = False
    start = 0
    while start < len(tokens) and len(found) < MAX_KEYED_TEXTS:
        token = tokens[start]
        if sentence and token.startswith("(") and ")" not in token:
            end = start + 1
            while (
                end < len(tokens)
                and end - start < MAX_PHRASE
                and "(" not in tokens[end]
                and ")" not in tokens[end]
            ):
                end += 1
            if end < len(tokens) and tokens[end].rstrip(",;:.").endswith(")") and "(" not in tokens[end]:
                words = (token[1:], *tokens[start + 1 : end], tokens[end].rstrip(",;:.")[:-1])
                prose = sum(_PROSE.fullmatch(word) is not None for word in words)
                if prose > 1 and 2 * prose > len(words):  # a text, not values with their labels
                    found.append((start, end + 1))
                start = end + 1
                continue
        sentence = sentence or (
            start > 0
            and _PROSE.fullmatch(tokens[start - 1]) is not None
            and _PROSE.fullmatch(token) is not None
        )
        start += 1
    return found


def _quoted_texts(tokens: tuple[str, ...]) -> list[tuple[int, int, bool]]:
    """(start, end, keyed) of the double-quoted texts of a signature: `key="a b c"` (keyed) or `"a b"`; a
    member of a Ruby hash is keyed too, `"message"=>"user login"}],` with the brackets that close around it; so is
    a field in brackets of the unified log format TiDB, TiKV and PD write, `[reason="scheduler is busy"]`, and its
    message in brackets, `["connection event"]`, is a quoted text."""
    found: list[tuple[int, int, bool]] = []
    start = 0
    while start < len(tokens) and len(found) < MAX_KEYED_TEXTS:
        token = tokens[start]
        labelled = _labelled_text(tokens, start)
        if labelled:
            found.append((start, labelled, True))
            start = labelled
            continue
        bracketed = token.startswith("[")
        key, equals, value = (token[1:] if bracketed else token).partition("=")
        rocket = value.startswith('>"')
        if rocket:
            value = value[1:]
        closers = ",;)]}" if rocket else ",;]" if bracketed else ",;"
        # (a key's value in square brackets is its text too: ISC Kea's `cid=[no info],` beside `cid=[<*>],`)
        square = bool(equals) and not bracketed and not rocket and value.startswith("[")
        keyed = bool(equals) and (value.startswith('"') or square) and _LETTER.search(key) is not None
        quote, close = ("[", "]") if square else ('"', '"')
        opening = value if keyed else key if bracketed else token
        if opening.startswith(quote) and (keyed or len(opening) > 1):
            end = start
            if (close not in opening[1:]) if square else opening.count('"') == 1:
                end = start + 1
                while (
                    end < len(tokens)
                    and end - start < MAX_PHRASE_TOKENS
                    and close not in tokens[end].replace('\\"', "")
                ):
                    end += 1
            if end < len(tokens) and tokens[end].rstrip(closers).endswith(close):
                if keyed or end > start:
                    found.append((start, end + 1, keyed))
                start = end
        start += 1
    return found


def _labelled_text(tokens: tuple[str, ...], start: int) -> int:
    """The end of a label's quoted text at `start` (a document's member as MongoDB prints one, `platform:
    "CPython 3.8.10.final.0" }`: the label, then its text), or 0."""
    token = tokens[start]
    if not (token.endswith(":") and "=" not in token and _LETTER.search(token)) or start + 1 >= len(tokens):
        return 0
    opening = tokens[start + 1]
    if not opening.startswith('"') or len(opening) < 2:
        return 0
    end = start + 1
    if opening.count('"') == 1:
        end += 1
        while (
            end < len(tokens)
            and end - start < MAX_PHRASE_TOKENS
            and '"' not in tokens[end].replace('\\"', "")
        ):
            end += 1
    return end + 1 if end < len(tokens) and tokens[end].rstrip(",;").endswith('"') else 0


def _fold_texts(tokens: tuple[str, ...], texts: list[tuple[int, int, bool]]) -> tuple[str, ...]:
    """`tokens` with each keyed quoted text of `texts` read as one value, `key=<*>` (a label's `label: <*>`)."""
    out = list(tokens)
    for start, end, keyed in reversed(texts):
        if keyed:
            key, equals, _ = tokens[start].partition("=")
            out[start:end] = [key + "=" + WILDCARD] if equals else [key, WILDCARD]
    return tuple(out)


def _has_message(
    tokens: tuple[str, ...], texts: list[tuple[int, int, bool]], at: int, *, keyed_too: bool
) -> bool:
    """Whether the line holds a message besides the text at `at`: a quoted text of two prose words or more
    among `texts` (a key's too if `keyed_too`), or two prose words in a row outside the quoted texts and
    `key=value` pairs."""
    inside = [False] * len(tokens)
    for start, end, keyed in texts:
        inside[start:end] = [True] * (end - start)
        words = (tokens[start].partition("=")[2] if keyed else tokens[start], *tokens[start + 1 : end])
        if (
            start != at
            and (keyed_too or not keyed)
            and sum(_PROSE.fullmatch(token.strip('"\\[]')) is not None for token in words) > 1
        ):
            return True
    for start, end in _quoted_stretches(tokens):
        inside[start:end] = [True] * (end - start)
    prose = [
        not inside[i] and "=" not in token and _PROSE.fullmatch(token) is not None
        for i, token in enumerate(tokens)
    ]
    return any(a and b for a, b in itertools.pairwise(prose))


def _shared_reach(keys: list[tuple[str, ...]]) -> list[int]:
    """For each key, the most leading tokens it shares with `MIN_DISTINCT` - 1 other keys at least (sorted
    keys that share a start are neighbours: the common start of a run of `MIN_DISTINCT` of them)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    common = [_common_start(keys[a], keys[b]) for a, b in itertools.pairwise(order)]
    reach = [0] * len(keys)
    for first in range(len(order) - MIN_DISTINCT + 1):
        shared = min(common[first : first + MIN_DISTINCT - 1])
        for index in order[first : first + MIN_DISTINCT]:
            reach[index] = max(reach[index], shared)
    return reach


def _common_start(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    size = min(len(a), len(b))
    return next((i for i in range(size) if a[i] != b[i]), size)


def _is_numbered_label(token: str) -> bool:
    """A name with its number, bare or in parentheses or brackets, with a colon or not (`wlan<*>:`, `(wlan<*>):`,
    `[eth<*>]`): an interface or a device a statement is about."""
    core = token.rstrip(":")
    if core[:1] in "([" and core[-1:] in ")]":
        core = core[1:-1]
    return _NUMBERED_NAME.fullmatch(core) is not None


def _is_numbered_name(token: str) -> bool:
    """A word with a number glued after it (`(G<*>`, `HTTP/<*>`): a name with its version or generation."""
    head, wildcard, tail = token.partition(WILDCARD)
    return bool(wildcard) and not tail.strip(")],.;:") and _LETTER.search(head) is not None


def _leading_word(stretch: tuple[str, ...]) -> str:
    """A stretch's first word, after a numbered name that qualifies it (`G<*>` of `G<*> Evacuation Pause`)."""
    return stretch[1] if _is_numbered_name(stretch[0]) else stretch[0]


def _bare(stretch: tuple[str, ...]) -> tuple[str, ...]:
    """The stretch without the punctuation that ends a sentence on its last word (`Shell server...`)."""
    return (*stretch[:-1], _bare_word(stretch[-1]))


def _bare_word(token: str) -> str:
    return token.rstrip(".,;:!?")


def _exception_classes(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The exception classes a signature names, in order (`System.IO.IOException:` reads
    `System.IO.IOException`)."""
    found: list[str] = []
    for token in tokens:
        if "Error" in token or "Exception" in token:
            match = _EXCEPTION_CLASS.fullmatch(token)
            if match is not None:
                found.append(match.group(1))
    return tuple(found)


def _by_exception_classes(keys: list[tuple[str, ...]], group: list[int]) -> Iterator[list[int]]:
    """The members of a cluster by the exception classes their messages name: an exception's class is the
    identity of a problem, never a value (`Unable to connect to indexer <*>: <*>` holds an
    `HttpRequestException` and an `ApiKeyException`: two problems, whatever the slots and stretches found)."""
    if len(group) == 1:
        yield group
        return
    by_classes: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index in group:
        by_classes[_exception_classes(keys[index])].append(index)
    yield from by_classes.values()


def _groups(found: _UnionFind, indices: Iterable[int]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for index in indices:
        groups[found.find(index)].append(index)
    return groups


class _Absorbers:
    """Cluster templates with wildcards, indexed so a template or signature finds the cluster it fits."""

    def __init__(
        self,
        templates: dict[int, tuple[str, ...]],
        totals: dict[int, int],
        keys: list[tuple[str, ...]],
    ) -> None:
        # (length, wildcard positions) -> tokens elsewhere -> (total, a member signature)
        self._same: dict[tuple[int, tuple[int, ...]], dict[tuple[str, ...], tuple[int, tuple[str, ...]]]] = {}
        # (length, position, prefix, suffix) of one wildcard -> (total, a member signature)
        self._longer: dict[
            tuple[int, int, tuple[str, ...], tuple[str, ...]], tuple[int, tuple[str, ...]]
        ] = {}
        # (length, position, prefix) of one wildcard -> (the template after it, (total, a member signature))
        self._after: dict[
            tuple[int, int, tuple[str, ...]], list[tuple[tuple[str, ...], tuple[int, tuple[str, ...]]]]
        ] = defaultdict(list)
        weight: dict[tuple[int, tuple[int, ...]], int] = defaultdict(int)
        for root, template in templates.items():
            holes = tuple(i for i, token in enumerate(template) if token == WILDCARD)
            if holes and _has_letters(template):
                weight[len(template), holes] += totals[root]
        kept = set(sorted(weight, key=lambda mask: (-weight[mask], mask))[: MAX_MASKS * 4])
        self._masks: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for length, holes in sorted(kept, key=lambda mask: (-weight[mask], mask)):
            if len(self._masks[length]) < MAX_MASKS:
                self._masks[length].append(holes)
        for root, template in templates.items():
            holes = tuple(i for i, token in enumerate(template) if token == WILDCARD)
            entry = (totals[root], keys[root])
            if (len(template), holes) in kept:
                rest = _rest(len(template), holes)(template)
                table = self._same.setdefault((len(template), holes), {})
                if rest not in table or _better(entry, table[rest]):
                    table[rest] = entry
            if holes and _has_letters(template):
                # values read alike around the wildcard (`in <*>.<*>s` as `in <*>.<*>ms`): a longer text fits
                # whatever the units of the values beside what it fills
                blind = _value_blind(template)
                for hole in holes:
                    key = (len(template), hole, blind[:hole], blind[hole + 1 :])
                    if key not in self._longer or _better(entry, self._longer[key]):
                        self._longer[key] = entry
                    self._after[len(template), hole, blind[:hole]].append((blind[hole + 1 :], entry))
        # the biggest clusters first, `MAX_LOOSE` of them per place: what a loose fit compares stays bounded
        for candidates in self._after.values():
            candidates.sort(key=lambda candidate: (-candidate[1][0], candidate[1][1]))
            del candidates[MAX_LOOSE:]

    def find(
        self,
        tokens: tuple[str, ...],
        total: int,
        keyed: tuple[str, ...] | None = None,
        columns: frozenset[int] = frozenset(),
    ) -> tuple[str, ...] | None:
        """A member signature of the biggest cluster (bigger than `total`) that `tokens` fits, if any; with
        `keyed` (the template with its fields' keys and its names read `<*>`, `_name_blind`), also a smaller
        cluster that has one wildcard where `keyed` has a few in a row."""
        best: tuple[int, tuple[str, ...]] | None = None
        size = len(tokens)
        # a line's first word, or a name with its argument glued (`resolving <*> A IN`, ClamAV's
        # `instream(<*>@<*>): <*> FOUND`), is its head: it fills no wildcard where the cluster's lines start with
        # a value (`<*> A IN`: a client's address; `<*>: <*> FOUND`: a file), a statement of its own
        head = _is_head(tokens[0])
        for holes in self._masks.get(size, ()):
            entry = self._same[size, holes].get(_rest(size, holes)(tokens))
            if (
                entry is not None
                and entry[0] > total
                and (best is None or _better(entry, best))
                and not (head and holes[0] == 0 and not _is_word(entry[1][0]))
            ):
                best = entry
        blind = _value_blind(tokens)
        for extra in range(1, MAX_VALUE_TOKENS if keyed is None else MAX_FOLDED_RUN):
            length = size - extra
            if length < 2:
                break
            for hole in range(length):
                if hole in columns:
                    continue
                entry = self._longer.get((length, hole, blind[:hole], blind[hole + extra + 1 :]))
                if head and hole == 0 and entry is not None and not _is_word(entry[1][0]):
                    entry = None
                # values in a row, names, names with their number (`(sda<*>):`, whose digit alone was
                # masked, where `(nvme0n1):` was masked whole) or wildcards but no field's key, where the
                # cluster has one wildcard: the same template, whichever is bigger (`joined: edge-a <*>` and a
                # name with a digit masked and folded with the address beside it, `joined: <*>`), up to
                # `MAX_FOLDED_RUN` - 1 of them (`Listen normally on <*> lo <*>` and `… on <*>`); a bracketed tag
                # after a value of the run is part of it, an optional field of the value (smartd's `Device:
                # /dev/sda [SAT], <*> …` and `Device: /dev/sdd, <*> …`; `Device: <*> [SAT], ATA …` and
                # `Device: <*> ATA …`), where one that begins the run is a column (fail2ban's `[sshd]`)
                run = keyed[hole : hole + extra + 1] if keyed is not None else ()
                folds = bool(run) and all(
                    token == WILDCARD
                    or _is_numbered_value(token)
                    or (at > 0 and _BRACKETED_WORD.fullmatch(token) is not None)
                    for at, token in enumerate(run)
                )
                if (
                    entry is not None
                    and ((entry[0] > total and extra < MAX_VALUE_TOKENS) or folds)
                    and (best is None or _better(entry, best))
                ):
                    best = entry
                if (
                    keyed is not None
                    and entry is None
                    and extra < MAX_VALUE_TOKENS
                    and WILDCARD in tokens[hole : hole + extra + 1]
                ):
                    # a value and a word beside it that fill the wildcard, and after them the bigger template
                    # with its own wildcards taking whatever is there (`<*> bastion CRON[<*>]: … for user root`
                    # fits `<*> CRON[<*>]: … for user <*>`: a syslog header's time and a host without a digit)
                    loose = self._loose(blind[hole + extra + 1 :], (length, hole, blind[:hole]), total)
                    if head and hole == 0 and loose is not None and not _is_word(loose[1][0]):
                        loose = None
                    if loose is not None and (best is None or _better(loose, best)):
                        best = loose
        # A text of words at the end of the line fills a template's last wildcard (`time source <*>` takes
        # `time source VM IC Time Synchronization Provider.`)
        # `), and so does a text of two words or more where the template's other wildcards take whatever is
        # there (`Error fetching tuya data: Connection refused` joins `Error fetching <*> data: <*>`)
        for extra in range(1, min(MAX_PHRASE, size - 2) + 1):
            length = size - extra
            if not all(_PROSE.fullmatch(token) for token in tokens[length - 1 :]):
                break
            if extra >= MAX_VALUE_TOKENS:
                entry = self._longer.get((length, length - 1, blind[: length - 1], ()))
                if entry is not None and entry[0] > total and (best is None or _better(entry, best)):
                    best = entry
            folded = (*tokens[: length - 1], WILDCARD)
            for holes in self._masks.get(length, ()):
                if holes[-1] == length - 1:
                    entry = self._same[length, holes].get(_rest(length, holes)(folded))
                    if entry is not None and entry[0] > total and (best is None or _better(entry, best)):
                        best = entry
        # A quoted string of several tokens (with the values beside it) fills a wildcard as one value
        # (`"curl/<*>"` is one token, `"Mozilla/<*> (X11; Linux <*>) …"` ten, in one access-log field), and
        # so does a map of several members after a word (Rails' `Parameters: {"id"=>"7", "q"=>"hat"}` where
        # one of one member, or of masked members only, reads `Parameters: <*>`).
        for start, end in itertools.chain(_quoted_stretches(tokens), _braced_stretches(tokens)):
            entry = self._longer.get((size - (end - start) + 1, start, blind[:start], blind[end:]))
            if entry is not None and entry[0] > total and (best is None or _better(entry, best)):
                best = entry
        return None if best is None else best[1]

    def _loose(
        self, rest: tuple[str, ...], place: tuple[int, int, tuple[str, ...]], total: int
    ) -> tuple[int, tuple[str, ...]] | None:
        """The biggest cluster (bigger than `total`) at `place` whose template after its wildcard is `rest`
        but for its own wildcards, which take any token."""
        for after, entry in self._after.get(place, ()):
            if entry[0] <= total:
                break
            if all(token in (wanted, WILDCARD) for token, wanted in zip(after, rest, strict=True)):
                return entry
        return None


def _is_numbered_value(token: str) -> bool:
    """A name with its number, bare or in brackets, with punctuation after it (`sda<*>`, `(sda<*>):`,
    `[node<*>]`): one thing of a kind, as a masked value beside it is."""
    return _NUMBERED_NAME.fullmatch(token.strip("()[]{},;:.")) is not None


def _has_letters(template: tuple[str, ...]) -> bool:
    """Whether a template has a letter outside its values: a word, or a name glued to a value
    (`HTTP/<*>.<*>"` of an access log's request; not a unit, `<*>ms`): text that a fitting cluster must share."""
    return any(_is_word(token) or _LETTER.search(_UNIT_AFTER_WILDCARD.sub("", token)) for token in template)


def _quoted_stretches(tokens: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(start, end) of each double-quoted string of several tokens (punctuation may follow its closing quote:
    `"Internal Server Error",`), or bracketed one after a word of a sentence or a value, alone and with the wildcards
    beside it."""
    size = len(tokens)
    start = 0
    while start < size:
        token = tokens[start]
        close = '"' if token.startswith('"') and token.count('"') == 1 else ""
        if (
            token.startswith("[")
            and "]" not in token
            and start
            and (tokens[start - 1] == WILDCARD or _PROSE.fullmatch(tokens[start - 1]))
        ):
            # a bracketed text within a sentence (Tomcat's `named [Abandoned cleanup thread]`), or after a value
            # (rspamd's rules that fired after its score: `[-0.30/15.00] [R_SPF_ALLOW(-0.20){+mx;},ASN(…){a, b}]`)
            close = "]"
        if close:
            end = start + 1
            while end < size and end - start < MAX_PHRASE_TOKENS and close not in tokens[end]:
                end += 1
            after = ",;:.)]" if close == '"' else ",;:.)"
            if end < size and tokens[end].count(close) == 1 and tokens[end].rstrip(after).endswith(close):
                yield start, end + 1
                low = start - 1 if start > 0 and tokens[start - 1] == WILDCARD else start
                high = end + 2 if end + 1 < size and tokens[end + 1] == WILDCARD else end + 1
                if (low, high) != (start, end + 1):
                    yield low, high
                start = end
        start += 1


def _braced_stretches(tokens: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(start, end) of each map of several tokens in braces after a word (a Ruby hash, a Python dict, a JSON
    object printed with spaces: `{"id"=>"7", "q"=>"hat"}`, `{:count=>1, :running=>[:main]}`), punctuation
    after its closing brace."""
    size = len(tokens)
    start = 1
    while start < size:
        token = tokens[start]
        depth = token.count("{") - token.count("}")
        if token.startswith("{") and depth > 0 and _PROSE.fullmatch(tokens[start - 1]):
            end = start + 1
            while end < size and end - start < MAX_PHRASE_TOKENS:
                depth += tokens[end].count("{") - tokens[end].count("}")
                if depth <= 0:
                    break
                end += 1
            if end < size and depth == 0 and tokens[end].rstrip(",;:.)]").endswith("}"):
                yield start, end + 1
                start = end
        start += 1


@functools.lru_cache(maxsize=4096)  # per (length, wildcard positions) of the masks kept
def _rest(size: int, holes: tuple[int, ...]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """A fast function from a token sequence to its tokens outside `holes`."""
    kept = [i for i in range(size) if i not in holes]
    if len(kept) == 1:
        only = kept[0]
        return lambda tokens: (tokens[only],)
    return cast(Callable[[tuple[str, ...]], tuple[str, ...]], operator.itemgetter(*kept))


def _better(a: tuple[int, tuple[str, ...]], b: tuple[int, tuple[str, ...]]) -> bool:
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


def _same_length_template(members: list[tuple[str, ...]]) -> tuple[str, ...]:
    first = members[0]
    if len(members) == 1:
        return first
    plain = tuple(
        token if all(member[i] == token for member in members[1:]) else WILDCARD
        for i, token in enumerate(first)
    )
    if any(_is_word(token) for token in plain):
        return plain
    # Values only: the keys of its fields are all that tell the statement (`<*> client=<*>`).
    return tuple(_keyed_wildcard([member[i] for member in members]) for i in range(len(first)))


def _keyed_template(members: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The template of members of one length with the key of each varying field kept (`tag=<*>`)."""
    return tuple(_keyed_wildcard([member[i] for member in members]) for i in range(len(members[0])))


def _template(members: list[tuple[str, ...]]) -> str:
    """Tokens all members share stay; each differing stretch becomes one wildcard. A template without words
    keeps the keys of its differing `key=value` tokens (`<*> client=<*>`): statements of other keys stay apart."""
    size = len(members[0])
    if all(len(member) == size for member in members):
        return " ".join(_same_length_template(members))
    ordered = sorted(members, key=lambda member: (len(member), member))
    aligned = list(ordered[0])
    for tokens in ordered[1:]:
        aligned = _align(aligned, tokens)
    return " ".join(aligned)


def _keyed_wildcard(tokens: list[str]) -> str:
    """The template token of one position: the shared token, else `key=<*>` for one key, else the name an
    argument is glued to for one name (`DHCPOFFER(<*>)`), else `<*>`."""
    first = tokens[0]
    if all(token == first for token in tokens):
        return first
    key, equals, _ = first.partition("=")
    if equals and _LETTER.search(key) and all(token.startswith(key + "=") for token in tokens):
        return f"{key}={WILDCARD}"
    head = _glued_head(first)
    if head:
        closer = first[len(first.rstrip(",;:.")) - 1 :]
        if all(_glued_head(token) == head and token.endswith(closer) for token in tokens):
            return f"{head}{WILDCARD}{closer}"
    return WILDCARD


def _align(template: list[str], tokens: tuple[str, ...]) -> list[str]:
    """Tokens `template` and `tokens` share stay; each differing stretch becomes one wildcard."""
    if len(template) == len(tokens):
        return list(_same_length_template([tuple(template), tokens]))
    out: list[str] = []
    # a token is itself with or without the comma after it (`client=<*>[<*>]` before a field a line may lack)
    matcher = SequenceMatcher(
        a=[token.rstrip(",") for token in template], b=[token.rstrip(",") for token in tokens], autojunk=False
    )
    position_a = position_b = 0
    for block in matcher.get_matching_blocks():
        if (block.a > position_a or block.b > position_b) and (not out or out[-1] != WILDCARD):
            out.append(WILDCARD)
        out.extend(template[block.a : block.a + block.size])
        position_a, position_b = block.a + block.size, block.b + block.size
    return out
