"""Masking of the variable parts of a message, so that occurrences of one event read the same.

Every pattern is bounded so that masking stays linear in the length of the text, even on adversarial
input (a 200 kB line of `a.a.a.…`): no unbounded scan is repeated from every start position. The
alternation is assembled per message from only the patterns whose required characters occur in it;
a pattern that cannot match anywhere never changes a leftmost-first match, so results are the same.
"""

from __future__ import annotations

import re
from functools import cache

from loggardener.regexes import compile_regex

WILDCARD = "<*>"
ZERO_DIGITS = str.maketrans("123456789", "000000000")
"""Masking treats every ASCII digit alike: a text with its digits zeroed masks as the text does, so it keys a
cache of texts that differ only in their values."""

_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
# one quoted value without brackets or line breaks (so a list is scanned once from its one opening bracket)
_QUOTED = r"(?:'[^'\[\]\n]{0,256}'|\"[^\"\[\]\n]{0,256}\")"
# units of size and of time, every common spelling: a size in bytes with a binary or decimal prefix (`kB`, `KiB`),
# and a time from nanoseconds to days, abbreviated or not (`ms`, `msecs`, `micros`, `nanoseconds`, `days`)
_UNIT = (
    r"(?:[kKMGTP]i?B|B|bytes?|[mun]s|µs|[mun]secs?|(?:milli|micro|nano)s|(?:milli|micro|nano)?seconds?"
    r"|secs?|mins?|minutes?|hours?|days?)"
)
# the request methods of HTTP (RFC 9110, and PATCH of RFC 5789): the path a method is followed by, quoted or not,
# is the request's (`POST /update_metrics =>`, `Started GET "/login"`), however short
_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
_AFTER_METHOD = "|".join(f"(?<=\\b{method}\\s{quote}/)" for method in _METHODS for quote in ("", '"'))
# a version's pre-release or build tag: dotted names
_TAG = r"[0-9A-Za-z-]{1,64}(?:\.[0-9A-Za-z-]{1,64}){0,8}"
_QUANTITY = r"\d+(?:,\d{3})*(?:\.\d+)?"
_WIN_NAME = r"[\w.@%+$~*-]{1,255}"  # one name of a Windows path: a folder or a file, `*` of a file pattern
_PATH_AFTER = r"[\w.@%+-]*(?:/[\w.@%+-]*)*(?:\?[^\s'\"<>()\[\]{},;]*)?"
# an SQL statement a database or an ORM logs (`statement: SELECT * FROM users WHERE …`, `UPDATE orders SET …`): from
# its command, in capitals and in one of SQL's shapes, to the end of the line, or of the quoted text it opens
_SQL_OBJECTS = (
    r"\s+(?:UNIQUE\s+|OR\s+REPLACE\s+|TEMP(?:ORARY)?\s+)?(?:TABLE|INDEX|VIEW|SCHEMA|DATABASE|SEQUENCE|FUNCTION"
    r"|TRIGGER|EXTENSION|TYPE|ROLE|USER|MATERIALIZED\s+VIEW)\s"
)
_SQL_COMMANDS = (
    ("SELECT", r"SELECT\s(?:[^\n]{0,512}?\sFROM\s|\s*\d|\s*\*)"),
    ("INSERT", r"INSERT\s+INTO\s"),
    ("UPDATE", r"UPDATE\s+\S{1,128}\s+SET\s"),
    ("DELETE", r"DELETE\s+FROM\s"),
    ("CREATE", rf"CREATE{_SQL_OBJECTS}"),
    ("ALTER", rf"ALTER{_SQL_OBJECTS}"),
    ("DROP", rf"DROP{_SQL_OBJECTS}"),
    ("WITH", r"WITH\s+\w{1,64}\s+AS\s+\("),
)

# the same statements in lowercase, as a client may send them (`statement: select id, name from users where …`),
# in stricter shapes (`select` and its columns, then `from`: not `select a file from the list`), and only where a
# statement starts: after a label's colon, a tab, or a quote, or at the start of the text
_LOWER_SQL_COMMANDS = (
    r"select\s+(?:\*|[\w.\"()*]{1,128}(?:\s*,\s*[\w.\"()*]{1,128}){0,64})\s+from\s",
    r"insert\s+into\s+[\w.\"]{1,128}",
    r"update\s+[\w.\"]{1,128}\s+set\s+[\w.\"]{1,128}\s*=",
    r"delete\s+from\s+[\w.\"]{1,128}",
)
_LOWER_SQL_START = r"(?:(?<=: )|(?<=:\t)|(?<=\t)|^)"


def _lower_sql(command: str) -> str:
    """A lowercase statement that starts with `command` where a statement starts: as `_sql` reads it."""
    return rf"(?<=\"){command}[^\"\n]*|(?<='){command}[^'\n]*|{_LOWER_SQL_START}{command}[^\n]*"


def _sql(command: str) -> str:
    """A statement that starts with `command`: to the end of the quotes it opens, else to the end of the line."""
    return rf"(?<=\")\b{command}[^\"\n]*|(?<=')\b{command}[^'\n]*|(?<![\w\"'.]){command}[^\n]*"


# (pattern, what the text must contain for it to match anywhere), in priority order: at one position
# the first pattern that matches wins. "digit" stands for any character `\d` matches.
_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # what its writer marked as data with redaction markers (CockroachDB's and Pebble's `‹/Table/106{1-2}›`,
    # `‹crdb-0.example:26257›`, `‹read tcp …: connection reset by peer›`): a value, whatever it holds
    (r"‹[^‹›\n]{1,512}›", ("‹",)),
    # a JSON object passed in single quotes as the argument a word names (Zigbee2MQTT's `payload
    # '{"battery":97,"state":"ON"}'`, `data '{"onOff":1}'`): the data, one value whatever its members; not a
    # response body an exception's arguments carry (`(429, '{"ok":false,"error":"rate_limited"}')`), whose
    # error names the problem; the scan stops at the next quote
    (r"(?<=[A-Za-z] )'\{\"[^'\n]{0,4096}\}'", ("'{",)),
    # a list of quoted values, however many (`['id', 'name']`: the data's columns, keys or names); not one quoted
    # text of several words alone in its brackets, the message of the unified log format TiDB, TiKV and PD write
    # (`["connection event"]`, `["CRUCIAL OPERATION"]`), whose words name its event
    (
        rf"\[(?!\s*[\"'][^\"'\[\]\n\s]{{0,256}}\s[^\"'\[\]\n]{{0,256}}[\"']\s*\])\s*{_QUOTED}(?:\s*,\s*{_QUOTED})*\s*,?\s*\]",
        ("[",),
    ),
    # a key's boolean value, also in brackets or quotes (Solr's `successful=[true]`, `"enabled":"false"`)
    (r"(?:(?<=[=:])|(?<=[=:]\s)|(?<=[=:][\[(\"']))(?:true|false|True|False|TRUE|FALSE)\b", ("e",)),
    *((_sql(command), ("command",)) for _, command in _SQL_COMMANDS),  # an SQL statement
    *((_lower_sql(command), ("lowercase sql",)) for command in _LOWER_SQL_COMMANDS),
    (r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}://[^\s'\"<>]+", ("://",)),  # URLs (schemes up to 32 characters)
    (r"\b[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+\b", ("@",)),  # e-mail addresses (local part up to 64)
    # UUIDs, with a file name's extensions when one names a file (`4f1c….png`, `4f1c….mp4`: one value, whatever
    # its type, as the ids below take theirs)
    (
        r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        r"(?:(?:\.[A-Za-z][A-Za-z0-9]{0,7}){1,2}\b(?!\.))?",
        ("-",),
    ),
    (
        rf"\b(?:{_DAY},?\s+)?{_MONTH}\s+\d{{1,2}},?\s+(?:\d{{4}}\s+)?\d\d?:\d\d(?::\d\d)?(?:[.,]\d+)?"
        rf"(?:\s+(?:[A-Z]{{1,3}}T|UTC)(?![\w-]))?(?:\s+\d{{4}}(?![\w-]))?",
        ("digit", ":"),
    ),  # dates written with month names, and a zone (`UTC`, `CEST`: a time's abbreviation ends in T) or a year
    # after them, whole words: not the host name a syslog header writes next (`WIN-SRV01`, `DESKTOP-7KQ2`, `EDGE`)
    # the common log format's date (`12/May/2024:10:33:12.345 +0000`: access logs, HAProxy)
    (rf"\b\d{{1,2}}/{_MONTH}/\d{{4}}(?::\d\d){{1,3}}(?:[.,]\d+)?(?:\s[-+]\d{{4}})?", ("digit", "/")),
    # host names, by their structure alone: one to 16 labels of up to 63 characters, then a final label of
    # two or more lowercase letters (`files.example.museum`; not `java.lang.Error`, not `v1.2`), with any path
    # after it: one location (`registry.example.org/team/api`, `org.sample.mail/.ui.Inbox`); relative folders
    # before it belong to it too (`orders/index.html.erb`, a file under a folder, is one value, not `orders/<*>`)
    (
        r"\b(?:[\w-]{1,64}/){1,16}(?:[A-Za-z0-9][A-Za-z0-9-]{0,62}\.){1,16}[a-z]{2,63}(?!\w|-(?!>)|\.\w)(?:/[\w.@%+-]*)*",
        ("/", "."),
    ),
    # (not a dotted key, its `=` or quoted `:` after it: Elasticsearch's `current.health="GREEN"`, ECS's
    # `"log.level":`, which names its field as a word does; an arrow after it ends it as a space does: Prosody's
    # `example.org->jabber.org`, a stream's two ends)
    (
        r"\b(?:_?[A-Za-z0-9][A-Za-z0-9-]{0,62}\.){1,16}[a-z]{2,63}(?!\w|-(?!>)|\.\w|=|[\"']:)(?:/[\w.@%+-]*)*",
        (".",),
    ),
    # IPv4 with optional port, with the host name Java's `InetAddress` prints before it (`db-7/10.0.0.5:5432`;
    # OpenVPN's client `laptop-anna/10.0.0.5:1194`): one address
    (r"\b[\w-]{1,64}/\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", ("digit", ".", "/")),
    (r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", ("digit", ".")),
    # IPv6 (with the `IPv6:` tag of an SMTP address literal, `[IPv6:2001:db8::1]`), MAC addresses
    (r"(?<![\w:])(?:IPv6:)?(?:[0-9a-fA-F]{0,4}:){2,}[0-9a-fA-F]{1,4}\b", (":",)),
    # a MAC address written with dashes, as Windows and RADIUS' Calling-Station-Id write it (`2E-7B-74-F4-64-2A`)
    (r"(?<![\w-])[0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5}(?![\w-])", ("-",)),
    (r"\b\d[xX][0-9a-fA-F]+\b", ("digit",)),  # hex literals
    # hex ids, also the short ones of an object's identity hash (`WindowState@290079b`, Android's `Token{5e8f0a1 …}`)
    (r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}\b", ("digit",)),
    # the path of an HTTP request line, however short (`"GET /login HTTP/1.1"`, `GET / HTTP/2.0`)
    (r"(?<=\s)/[^\s'\"<>]{0,2048}(?=\sHTTP/\d)", ("/", "HTTP/")),
    # the path after a request's method, however short (`POST /update_metrics =>`, `GET "/"`)
    (
        rf"/(?:{_AFTER_METHOD}){_PATH_AFTER}",
        ("command", "/"),
    ),
    # Windows paths, from a drive letter (`C:\Windows\servicing\sqm\*_std.sqm`) or a share's `\\host\share\…`,
    # their backslashes escaped or not; a folder's name may hold spaces (`C:\Program Files\Apache Software
    # Foundation\Tomcat 9.0\webapps`), up to three, as its closing backslash tells; the last name does not
    (
        rf"(?<![\w\\])(?:[A-Za-z]:|\\\\{_WIN_NAME})\\{{1,2}}(?:{_WIN_NAME}(?: {_WIN_NAME}){{0,3}}\\{{1,2}})*(?:{_WIN_NAME})?",
        ("\\",),
    ),
    # absolute paths, with the query string of a request's path (`/search?q=shoes&page=2`)
    (r"(?<![\w<])(?:(?:/[\w.@%+-]*){2,}|/[\w.@%+-]*(?=\?))(?:\?[^\s'\"<>()\[\]{},;]*)?", ("/",)),
    # a version with a pre-release or build tag (`3.0.0-beta.0+git`, `v1.19.0+builtin.vault`, `2.6.0-SNAPSHOT`):
    # one value, as the plain `3.4.30` is
    (
        rf"\bv?\d+(?:\.\d+){{2,3}}(?:-{_TAG}(?:\+{_TAG})?|\+{_TAG})(?![\w+-])",
        ("digit", "."),
    ),
    # quantities with a unit after a space (`250 ms`, not the `1 ms` of a call stack's `…:1 ms.Api.run:2`), with
    # thousands separated (`2,309 ms`) or the number in brackets (Tomcat's `finished in [58,056] ms`)
    (
        rf"(?<![\w*])[-+]?(?:{_QUANTITY}|\[{_QUANTITY}\])\s{_UNIT}\b(?!\.\w)",
        ("digit",),
    ),
    # a compressed host list, a name then its numbers and ranges in brackets (Slurm's and pdsh's `node[01-04,07]`,
    # `gpu[3,5]`): one value, as a single host of that list, `node07`, masks whole
    (r"\b[A-Za-z][\w.-]{0,63}\[(?=[\d,-]{0,256}[,-])\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*\]", ("digit", "[")),
    # ids with a digit within their first 64 characters, not 30s, 5KB, eth0, nor a program's camelCase name with
    # its value glued, whatever the value's length (`tryToReloadSteps4942|1|…` as `tryToReloadSteps1|…`: the
    # name stays), nor a name whose number goes on past a colon, a dot or a comma, whatever its length (ESXi's
    # `cpu11:2107691)` as `cpu2:2180994)`, `node12:8080` as `node7:8080`: the name with one number, as the numbers
    # below read it); a file name's extensions go with it (`part-00017.csv.gz`), as they do when the name reads as
    # a host name
    (
        r"\b(?=[\w-]{0,63}\d)(?!\d+[a-zA-Zµ]{1,3}\b|[A-Za-z]+\d(?![\w-])|[A-Za-z]+\d+[.,:]\d|[A-Za-z]*[a-z][A-Z][A-Za-z]*\d+(?![\w-]))[\w-]+(?:(?:\.[A-Za-z][A-Za-z0-9]{0,7}){1,2}\b(?!\.))?",
        ("digit",),
    ),
    # numbers (also inside words: eth0), dates and times; a signed one as its unsigned twin reads (`-24.0` as
    # `0.0`: the sign with the integer part, as `ids` above takes an unsigned one's)
    (r"[-+]\d+|\d+(?:[.,:]\d+)*", ("digit",)),
)
_DIGIT = compile_regex(r"\d")
_RUNS = compile_regex(r"(?:<\*>)+")
# A bracketed run without letters or brackets holding a value; the lookahead finds the closing bracket
# first, so a run without one costs one scan, not one scan per value in it. A run of several values whose only
# letters are short units glued to them (`[<*> <*>.<*> <*>M]`, Pi-hole's header with its thread `1860M`, read as
# `[<*> <*>.<*> <*>]` is when the thread is `4569T7`, an id) is such a run too; one value alone keeps its unit
# (`(<*>s)`).
_LISTS = compile_regex(
    r"\[(?=[^][A-Za-z]*\])[^][A-Za-z]*?<\*>[^][A-Za-z]*\]"
    r"|\((?=[^()A-Za-z]*\))[^()A-Za-z]*?<\*>[^()A-Za-z]*\)"
    r"|\{(?=[^{}A-Za-z]*\})[^{}A-Za-z]*?<\*>[^{}A-Za-z]*\}"
    r"|\[(?=[^][A-Za-z]*(?:<\*>[A-Za-z]{1,3}(?![A-Za-z])[^][A-Za-z]*)+\])(?=[^]\s]*\s)[^]]*\]"
    r"|\((?=[^()A-Za-z]*(?:<\*>[A-Za-z]{1,3}(?![A-Za-z])[^()A-Za-z]*)+\))(?=[^)\s]*\s)[^)]*\)"
)


@cache  # at most one pattern per subset of the ten needs
def _alternation(present: frozenset[str]) -> re.Pattern[str] | None:
    """The patterns that can match a text containing `present` (their required characters), in order."""
    chosen = [pattern for pattern, needs in _PATTERNS if all(need in present for need in needs)]
    return compile_regex("|".join(f"(?:{pattern})" for pattern in chosen)) if chosen else None


_NEEDS = frozenset(
    need for _, needs in _PATTERNS for need in needs if need not in {"digit", "command", "lowercase sql"}
)
# "command" stands for any word that starts a request's method or an SQL statement: one scan finds whether the text
# holds one (most do not), and one need keeps the subsets of needs, each a pattern of its own, few
_COMMAND = compile_regex("|".join(sorted({*_METHODS, *(word for word, _ in _SQL_COMMANDS)})))
# "lowercase sql" stands for a lowercase command where a statement starts; substring tests first, as most texts
# hold none of the four words
_LOWER_COMMAND = compile_regex(r"(?:^|[:\t\"'])\s?(?:select|insert|update|delete)\s")


def mask(text: str) -> str:
    """Replace numbers, ids, dates, UUIDs, hex, IPs, e-mails, URLs, host names and paths with `<*>`.

    Quoted text is masked word by word like the rest: its constant words stay.
    """
    present = frozenset(need for need in _NEEDS if need in text)
    if _DIGIT.search(text):
        present |= {"digit"}
    if _COMMAND.search(text):
        present |= {"command"}
    if (
        "select" in text or "insert" in text or "update" in text or "delete" in text
    ) and _LOWER_COMMAND.search(text):
        present |= {"lowercase sql"}
    pattern = _alternation(present)
    masked = text if pattern is None else pattern.sub(WILDCARD, text)
    if "<*><*>" in masked:
        masked = _RUNS.sub(WILDCARD, masked)
    if WILDCARD in masked and ("[" in masked or "(" in masked or "{" in masked):
        masked = _LISTS.sub(_list, masked)
    return masked


def _list(match: re.Match[str]) -> str:
    """A bracketed list of values, however long, reads as one value in its brackets."""
    text = match.group()
    return text[0] + WILDCARD + text[-1]
