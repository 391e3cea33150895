"""Redaction of credentials in log text and structured payloads, applied before anything is kept.

Worklogs are committed to git by the scheduled job and issues may be public, so a leak there is permanent:
everything taken from a log entry passes through `Redactor` at parse time.

Three kinds of rule find secrets, each reporting the byte span to replace with `[REDACTED:<kind>]`:

- formats recognised by their shape: the plugins of detect-secrets (a maintained scanner, loaded from the
  installed package) and our table `secret_formats.toml` (data: one RE2 pattern, keywords and checks per format);
- key names: a value stored under a name such as `*password*`, `*secret*`, `*token*`, `*key*`, `*auth*`,
  `sig`, `signature`, a session cookie... in `key=value`, `"key": "value"`, query strings, headers
  (`Authorization: <scheme> …`, `Cookie:`, `Set-Cookie:`), command-line flags (`--password X`) and DSNs
  (`scheme://user:pass@host`, the password may hold a space, a quote or a slash). Weak names (`*key*`,
  `*auth*`, `sid`) need a value of high entropy, so `cache key=users` stays;
- private key blocks (PEM, PGP, SSH2, PuTTY), from their BEGIN line to their END line.

Every built-in pattern is compiled with RE2 (google-re2), whose matching time is linear in the text whatever
the pattern, and runs only when a cheap gate says it can match (`_GatedRules`). Spans that overlap are merged
before the text is rebuilt, so a redacted text redacts to itself. Custom `extra_patterns` (Python `re`) run
after, on the redacted text.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import re2

from loggardener.cache import cached_json, files_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MARKER_PREFIX = "[REDACTED:"
_MARKER = re.compile(r"\[REDACTED:[a-z0-9-]+\]")
_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20
_OPTIONS.log_errors = False


# (start, end, kind, rank): where spans overlap, the kind of the lowest rank names the merged span: a private
# key block, then the scheme credential of a header (its kind decides problem fingerprints: keep it stable),
# then a named format, then the name of the key a value was stored under.
Span = tuple[int, int, str, int]
_PRIVATE_KEY, _HEADER, _FORMAT, _CONTEXT = range(4)


def _compile(pattern: bytes) -> Any:
    return re2.compile(pattern, _OPTIONS)


class _Deferred:
    """A pattern compiled when a text first needs it: RE2 takes milliseconds to compile some (`mysql … -p`
    with its bounded repetitions), and a run meets few of the formats and context rules."""

    def __init__(self, source: bytes) -> None:
        self.source = source

    @functools.cached_property
    def _compiled(self) -> Any:
        return _compile(self.source)

    def finditer(self, data: bytes) -> Any:
        return self._compiled.finditer(data)

    def search(self, data: bytes, position: int = 0) -> Any:
        return self._compiled.search(data, position)


def _search_set(patterns: Iterable[bytes]) -> Any:
    search = re2.Set.SearchSet(_OPTIONS)
    for pattern in patterns:
        search.Add(pattern)
    search.Compile()
    return search


def entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def _mixed(value: str) -> bool:
    """Upper and lower case letters and digits, as generated keys have; and not a path (`/apps/SWL/x2`)."""
    return (
        _mixed_case(value)
        and any(c.isdigit() for c in value)
        and value.count("/") <= 4
        and "//" not in value
        and not value.startswith("/")
    )


def _mixed_case(value: str) -> bool:
    return any(c.isupper() for c in value) and any(c.islower() for c in value)


@dataclass(frozen=True)
class _Format:
    """A credential format recognised by its shape (`secret_formats.toml` or a detect-secrets plugin)."""

    kind: str
    pattern: _Deferred
    keywords: tuple[bytes, ...]
    group: int = 0
    min_entropy: float = 0.0
    mixed: bool = False

    def spans(self, data: bytes) -> Iterator[Span]:
        for match in self.pattern.finditer(data):
            start, end = match.span(self.group)
            if start < 0 or end <= start:
                continue
            if self.min_entropy or self.mixed:
                value = data[start:end].decode("utf-8", "replace")
                if entropy(value) < self.min_entropy or (self.mixed and not _mixed(value)):
                    continue
            yield start, end, self.kind, _FORMAT


@functools.cache
def _table_formats() -> list[_Format]:
    data = tomllib.loads(files("loggardener.entries").joinpath("secret_formats.toml").read_text("utf-8"))
    return [
        _Format(
            kind=rule["id"],
            pattern=_Deferred(rule["regex"].encode()),
            keywords=tuple(k.encode() for k in rule.get("keywords", ())),
            group=rule.get("group", 0),
            min_entropy=rule.get("entropy", 0.0),
            mixed=rule.get("mixed", False),
        )
        for rule in data["rule"]
    ]


# detect-secrets plugins that find something other than a credential, or that only look at key names
# (which our key-name rules cover with RE2-safe patterns).
# Telegram's plugin takes any `12345678:` and 35 characters (SCSI WWIDs); our table's rule needs the `AA` a
# bot token's secret starts with.
_DETECT_SECRETS_SKIPPED = {"IPPublicDetector", "TelegramBotTokenDetector"}
_PLUGIN_KINDS = {"basic-auth-credentials": "password"}  # the password of a URL, as our DSN rule names it
# Python-only syntax in some plugin patterns, turned into what RE2 accepts: a trailing `(?!\w)` only trims a
# match (dropped), and RE2 caps a repetition at 1000.
_TRAILING_LOOKAHEAD = re.compile(r"\(\?!\\w\)$")
_HUGE_REPEAT = re.compile(r"\{(\d+),(\d{4,})\}")


@functools.cache
def detect_secrets_formats() -> tuple[list[_Format], list[str]]:
    """The regex plugins of detect-secrets as RE2 formats, and the names of the patterns RE2 cannot run.

    Those are the keyword-context patterns with look-behinds (Cloudant, IBM, SoftLayer): the key-name rules
    cover them. Importing detect-secrets and its plugins takes about 0.2 s, so what is derived from them is
    cached (`loggardener.cache`), keyed by the plugin files, RE2 and this module.
    """
    rules, unsupported = cached_json("detect-secrets-rules", _plugin_rules_key(), _plugin_rules)
    formats = [
        _Format(kind=kind, pattern=_Deferred(pattern.encode()), keywords=(), group=group)
        for kind, pattern, group in rules
    ]
    return formats, unsupported


def _plugin_rules_key() -> list[list[object]]:
    spec = importlib.util.find_spec("detect_secrets")
    locations = spec.submodule_search_locations if spec is not None else None
    plugins = Path(locations[0], "plugins") if locations else None
    sources = sorted(plugins.glob("*.py")) if plugins is not None and plugins.is_dir() else []
    return files_key([*sources, Path(re2.__file__), Path(__file__)])


def _plugin_rules() -> tuple[list[tuple[str, str, int]], list[str]]:
    """The (kind, RE2 pattern, group) of each regex of detect-secrets' plugins, and what RE2 cannot run."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    rules: list[tuple[str, str, int]] = []
    unsupported: list[str] = []
    plugins: dict[str, type[Any]] = get_mapping_from_secret_type_to_class()
    for secret_type, plugin in sorted(plugins.items()):
        if not issubclass(plugin, RegexBasedDetector) or plugin.__name__ in _DETECT_SECRETS_SKIPPED:
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", secret_type.lower()).strip("-")
        kind = _PLUGIN_KINDS.get(slug, slug)
        for regex in plugin().denylist:
            source = _HUGE_REPEAT.sub(r"{\1,1000}", _TRAILING_LOOKAHEAD.sub("", regex.pattern))
            flags = "i" if regex.flags & re.IGNORECASE else ""
            wrapped = f"(?{flags}:{source})" if flags else f"(?:{source})"
            try:
                if regex.flags & re.VERBOSE and re.search(r"\s|#", source):
                    raise re2.error("verbose pattern")
                pattern = _compile(wrapped.encode())
            except re2.error:
                unsupported.append(f"{plugin.__name__}: {regex.pattern[:60]}")
                continue
            # A pattern whose first group is its leading alternation (`(glpat|gldt)-...`) is redacted whole;
            # one that captures the secret after some context (`://user:(pass)@`) keeps the context.
            group = 1 if pattern.groups >= 1 and not source.startswith("(") else 0
            rules.append((kind, wrapped, group))
    return rules, unsupported


# ---------------------------------------------------------------------------------------------------------
# Key-name rules.

# A name is split into words (snake, kebab, dot and camel case); a word names a secret when it is or holds:
_PASSWORD_WORDS = ("password", "passwd", "passphrase", "secret")
_PASSWORD_EXACT = {"pwd", "pass", "pw", "passw", "pword", "pswd"}
_TOKEN_WORDS = ("token", "credential", "signature", "authorization", "cookie", "session", "sessid", "apikey")
_TOKEN_EXACT = {
    "sig",
    "auth",
    "creds",
    "cred",
    "jwt",
    "bearer",
    "otp",
    "privatekey",
    "accesskey",
    "secretkey",
}
# Weak names: only a value of high entropy is redacted (`key=users` stays, `key=8f3kQ...` goes).
_WEAK_WORDS = ("key", "auth", "sid", "hmac", "salt", "nonce")
# Names that hold a secret word but describe it: `token_count`, `password_length`, `key_file`, `max_tokens`.
_DESCRIPTIVE = re.compile(
    r"(?:^|[_.-])(?:count|len|length|size|type|types|limit|ttl|expires?|expiry|expiration|expires_in|url|uri"
    r"|endpoint|file|path|name|format|version|algorithm|alg|policy|hint|prefix|present|set|required|enabled"
    r"|provided|missing|valid|validation|rotation|id_field|usage|reset|strength|changed|updated|at|start|end"
    r"|time|timestamp|date|duration|timeout|status|state|mode|level|scope|manager|service|handler|provider"
    r"|error|errors|method|scheme|strategy|flow|mechanism|backend|pool|header|headers|field|fields|store)$"
    r"|^(?:max|min|num|total|prompt|completion|input|output|cached|reasoning)[_.-]|tokens$"
    # a source file with its line (`token.js:42:17` in a stack frame)
    r"|[_.](?:py|js|mjs|cjs|ts|tsx|jsx|go|java|kt|scala|rb|php|cs|rs|c|cc|cpp|h|hpp|swift|ex|exs|erl)$"
)
# A number (`0x14ede63a5a70002`, a line number `42:17)`) names no credential.
_NUMBER = re.compile(r"^(?:0x[0-9a-fA-F]+|\d+(?::\d+)*)$")
_PLACEHOLDERS = re.compile(
    r"^(?:|null|none|nil|true|false|yes|no|undefined|empty|n/a|\*+|x+|\.+|-+|<[^<>]*>|\$\{?[A-Za-z_][\w.]*\}?"
    r"|\{\{[^{}]*\}\}|%[A-Za-z_]+%)$",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# A word (`expired`, `MISSING`, `Not_Set`), which no generated credential is.
_PLAIN_WORD = re.compile(r"^(?=.{1,24}$)(?:[A-Z]?[a-z]+|[A-Z]+)(?:[_-](?:[A-Z]?[a-z]+|[A-Z]+))*$")


def _words(key: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", key).lower()) if w]


@functools.lru_cache(maxsize=4096)
def key_class(key: str) -> str | None:
    """What a name says of its value: "password", "token", "weak" (a secret if random-looking), or None."""
    words = _words(key)
    if not words:
        return None
    joined = "_".join(words)
    if _DESCRIPTIVE.search(joined):
        return None
    flat = "".join(words)
    if any(w in flat for w in _PASSWORD_WORDS) or any(w in _PASSWORD_EXACT for w in words):
        return "password"
    if (
        any(w in flat for w in _TOKEN_WORDS)
        or any(w in _TOKEN_EXACT for w in words)
        or ("api" in words and "key" in words)
        or ("private" in words and "key" in words and "id" not in words)
        or ("access" in words and "key" in words and "id" not in words)
        or ("secret" in words and "key" in words)
    ):
        return "token"
    if words[-1] == "id" and "private" not in words:
        return None  # a client, key or account id names something, it opens nothing
    if any(w in words for w in _WEAK_WORDS) or "auth" in flat or flat.endswith("key"):
        return "weak"
    return None


_KIND_OF_CLASS = {"password": "password", "token": "token", "weak": "secret"}


def is_secret_value(key_kind: str, value: str) -> bool:
    """Whether `value`, stored under a name of class `key_kind`, is to be redacted."""
    value = value.strip()
    if _PLACEHOLDERS.match(value) or value.startswith(MARKER_PREFIX):
        return False
    if key_kind == "password":
        return True
    word = value.rstrip(")]},.;:")
    if _NUMBER.match(word):
        return False
    if key_kind == "token":  # generated: long enough, with letters (`Session: 30546173_4261722401` is an id)
        return len(value) >= 6 and not _PLAIN_WORD.match(word) and any(c.isalpha() for c in value)
    sample = value[:256]
    random_looking = any(c.isdigit() for c in sample) or (len(sample) >= 16 and _mixed_case(sample))
    return len(value) >= 12 and entropy(sample) >= 3.0 and random_looking


_KEY_HINTS = (
    b"pass",
    b"pwd",
    b"pw",
    b"secret",
    b"token",
    b"credential",
    b"cred",
    b"sig",
    b"auth",
    b"cookie",
    b"sess",
    b"key",
    b"sid",
    b"jwt",
    b"bearer",
    b"otp",
    b"hmac",
    b"salt",
    b"nonce",
)
# Literals that gate the context rules below (private key blocks, cookies, DSNs, flags, emails).
_CONTEXT_GATES = (b"begin", b"cookie", b"://", b"-u", b"-p", b"mysql", b"mariadb", b"sshpass", b"@")
_KEY_NAME = rb"[A-Za-z0-9_.\-]{0,64}(?:pass|pwd|pw|secret|token|credential|cred|sig|auth|cookie|sess|key|sid|jwt|bearer|otp|hmac|salt|nonce)[A-Za-z0-9_.\-]{0,64}"
# A key, its closing quote (JSON, or JSON inside a JSON string: `\"`), a separator, then the value: double
# quoted (escapes allowed), escaped-quoted, single quoted, or bare up to a space, quote, `&`, `;` or `\`.
_KEY_VALUE = _Deferred(
    rb"(?i)(?P<key>" + _KEY_NAME + rb")(?:\\{0,2}[\"'])?\s{0,8}(?:=>|:=|=|:)\s{0,8}(?:"
    rb"\\\"(?P<esc>(?:[^\"\\]|\\[^\"])+)\\\""
    rb"|\"(?P<dq>(?:[^\"\\]|\\.)+)\""
    rb"|'(?P<sq>[^'\r\n]+)'"
    rb"|(?P<bare>[^\s\"'&;\\<>]+))"
)
_FLAG = _Deferred(
    rb"(?i)(?:^|[\s\"'(\[])(?P<key>--?" + _KEY_NAME + rb")\s{1,8}(?:"
    rb"\"(?P<dq>[^\"\r\n]+)\"|'(?P<sq>[^'\r\n]+)'|(?P<bare>[^\s\"'\\-][^\s\"'\\]*))"
)
_AUTH_SCHEMES = {
    "basic",
    "bearer",
    "digest",
    "token",
    "ssws",
    "negotiate",
    "ntlm",
    "hoba",
    "mutual",
    "apikey",
    "api-key",
    "dpop",
    "oauth",
    "mac",
    "key",
    "googlelogin",
    "splunk",
    "sharedkey",
    "sharedaccesssignature",
    "hawk",
    "aws4-hmac-sha256",
    "aws",
    "bot",
    "jwt",
    "client-id",
    "geniekey",
}
# `Authorization: <scheme> <credentials>`: the scheme is kept when it is a known one.
_AUTHORIZATION = _Deferred(
    rb"(?i)\b(?:proxy-)?(?:authorization|x-auth-token|x-api-key|api-key|x-goog-api-key)\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}"
    rb"(?:\\{0,2}[\"'])?(?:(?P<scheme>[A-Za-z][A-Za-z0-9-]{0,30})[ \t]{1,8})?(?P<cred>[^\s\"'\\,()\[\]{}<>]+)"
)
# A credential after a scheme word anywhere (`Bearer abc…`, `SSWS 00x…`): not a plain dictionary word.
_SCHEME_CREDENTIAL = _Deferred(
    rb"(?i)\b(?:bearer|basic|ssws|token)[ \t]{1,8}(?P<cred>[A-Za-z0-9._~+/=-]{8,})"
)
# Cookie headers: everything up to the end of the header (all cookie values are session material).
_COOKIE = _Deferred(
    rb"(?i)\b(?:set-)?cookie\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}(?:\\{0,2}[\"'])?(?P<cred>[^\r\n\"\\]+)"
)
# A DSN or URL with a password: the password runs to the first `@` (it may hold a space, quote or slash).
_DSN = _Deferred(
    rb"(?i)\b[a-z][a-z0-9+.-]{0,31}://(?P<user>[^\s:/@\"'<>]{0,256}):(?P<cred>[^@\r\n]{1,256}?)@"
)
_PORT_OR_PATH = re.compile(r"^\d{1,5}(?:[/?#\s]|$)|://")
# `curl -u user:pass`, `mysql -pSECRET`, `sshpass -p SECRET`.
_USER_FLAG = _Deferred(rb"(?:^|\s)(?:-u|--user)(?:=|[ \t]{1,8})[^\s:\"']{1,256}:(?P<cred>[^\s\"']{1,256})")
_MYSQL_P = _Deferred(
    rb"(?i)\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlsh)\b[^\r\n]{0,256}?\s-p(?P<cred>[^\s\"']{1,256})"
)
_SSHPASS = _Deferred(rb"\bsshpass\s{1,8}-p\s{0,8}(?P<cred>[^\s\"']{1,256})")

_KEY_BEGIN = _Deferred(rb"-{4,5} ?BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)? ?-{4,5}")
_KEY_END = _Deferred(rb"-{4,5} ?END [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)? ?-{4,5}")
_EMAIL = _Deferred(
    rb"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
)


@functools.cache
def _group_index(pattern: Any) -> dict[bytes, int]:
    return dict(pattern.groupindex)


def _span(match: Any, name: bytes) -> tuple[int, int]:
    span: tuple[int, int] = match.span(_group_index(match.re)[name])
    return span


def _value_group(match: Any) -> tuple[int, int]:
    index = _group_index(match.re)
    for name in (b"esc", b"dq", b"sq", b"bare"):
        if name not in index:
            continue
        start, end = match.span(index[name])
        if start >= 0:
            return start, end
    return -1, -1  # pragma: no cover - one alternative always matched


# A bare value that names a kind of secret and is followed by a quoted name introduces that name, as in
# Kubernetes' `volume "secrets" : secret "db-credentials" not found` or `key "password" not found`.
_KIND_NOUN = re.compile(rb"(?i)(?:secret|key|token|password|credential|certificate|cert)s?")
_QUOTED_NAME_NEXT = re.compile(rb"[ \t]{1,8}\\?[\"']")


def _key_value_spans(pattern: Any, data: bytes) -> Iterator[Span]:
    for match in pattern.finditer(data):
        key = match.group(b"key").decode("utf-8", "replace").lstrip("-")
        kind = key_class(key)
        if kind is None:
            continue
        start, end = _value_group(match)
        if (
            _span(match, b"bare")[0] >= 0
            and _KIND_NOUN.fullmatch(data, start, end)
            and _QUOTED_NAME_NEXT.match(data, end)
        ):
            continue
        value = data[start:end].decode("utf-8", "replace")
        if is_secret_value(kind, value):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _authorization_spans(data: bytes) -> Iterator[Span]:
    for match in _AUTHORIZATION.finditer(data):
        start, end = _span(match, b"cred")
        scheme_start, _ = _span(match, b"scheme")
        if scheme_start < 0 and match.group(b"cred").decode().lower() in _AUTH_SCHEMES:
            continue  # a scheme alone, its credential already redacted
        if scheme_start >= 0 and match.group(b"scheme").decode().lower() not in _AUTH_SCHEMES:
            start = scheme_start  # not a scheme: part of the credential
        if not data[start:end].startswith(MARKER_PREFIX.encode()):
            yield start, end, "token", _HEADER
    for match in _SCHEME_CREDENTIAL.finditer(data):
        value = match.group(b"cred").decode()
        if not _PLAIN_WORD.match(value) and not value.startswith(MARKER_PREFIX):
            start, end = _span(match, b"cred")
            yield start, end, "token", _HEADER


def _marked(data: bytes, start: int, end: int) -> bool:
    return _MARKER.fullmatch(data[start:end].decode("utf-8", "replace").strip()) is not None


def _simple_spans(pattern: Any, data: bytes, kind: str) -> Iterator[Span]:
    for match in pattern.finditer(data):
        start, end = _span(match, b"cred")
        if not _marked(data, start, end):
            yield start, end, kind, _CONTEXT


def _dsn_spans(data: bytes) -> Iterator[Span]:
    for match in _DSN.finditer(data):
        value = match.group(b"cred").decode("utf-8", "replace")
        if _PORT_OR_PATH.search(value) or value.startswith(MARKER_PREFIX):
            continue
        start, end = _span(match, b"cred")
        yield start, end, "password", _CONTEXT


def _private_key_spans(data: bytes) -> Iterator[Span]:
    """Each private key block, from its BEGIN line to its END line (or to the end of a truncated text).

    Searched as plain markers, so a key whose newlines are JSON-escaped (a literal backslash-n, as in a
    service-account key file logged through `json.dumps`) goes whole too.
    """
    position = 0
    while (begin := _KEY_BEGIN.search(data, position)) is not None:
        end = _KEY_END.search(data, begin.end())
        position = len(data) if end is None else end.end()
        yield begin.start(), position, "private-key", _PRIVATE_KEY


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end, kind, rank in sorted(spans, key=lambda s: (s[0], -s[1], s[3])):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind, last_rank = merged[-1]
            named = (kind, rank) if rank < last_rank else (last_kind, last_rank)
            merged[-1] = (last_start, max(last_end, end), *named)
        else:
            merged.append((start, end, kind, rank))
    return merged


class _GatedRules:
    """The format rules, and what tells cheaply which of them can match a text (most texts hold no secret).

    RE2's filter knows, from the literals each pattern requires, which rules without keywords (detect-secrets'
    plugins among them) may match. RE2's multi-pattern matcher finds every keyword (in any case) and runs the
    patterns that require no literal (`[A-Za-z0-9/+]{40}`), all in one pass.
    """

    def __init__(self) -> None:
        plugins, _ = detect_secrets_formats()
        keyed = [f for f in _table_formats() if f.keywords]
        self.by_keyword: dict[bytes, list[_Format]] = {}
        for rule in keyed:
            for keyword in rule.keywords:
                self.by_keyword.setdefault(keyword, []).append(rule)
        self.unkeyed = [f for f in _table_formats() if not f.keywords] + plugins
        self.filter = re2.Filter()
        for rule in self.unkeyed:
            self.filter.Add(rule.pattern.source, _OPTIONS)
        self.filter.Compile()
        unfiltered = sorted(self.filter.Match(b"", potential=True) or ())
        self.filtered = frozenset(range(len(self.unkeyed))) - set(unfiltered)
        literals = sorted({k for f in keyed for k in f.keywords} | set(_KEY_HINTS) | set(_CONTEXT_GATES))
        self.gates: list[bytes | _Format] = [*literals, *(self.unkeyed[i] for i in unfiltered)]
        self.gate_set = _search_set(
            [b"(?i:" + re2.escape(k) + b")" for k in literals]
            + [self.unkeyed[i].pattern.source for i in unfiltered]
        )


@functools.cache
def _gated_rules() -> _GatedRules:
    return _GatedRules()


class Redactor:
    """Replaces credentials in text with `[REDACTED:<kind>]`, and redacts structured payloads by key name."""

    def __init__(self, emails: bool = True, extra_patterns: Iterable[str] = ()) -> None:
        self._rules = _gated_rules()
        self._emails = emails
        self._custom = [re.compile(pattern) for pattern in extra_patterns]

    def spans(self, data: bytes) -> list[Span]:
        """The merged spans of `data` (UTF-8) that hold a secret, with their kinds."""
        gated = self._rules
        gates = gated.gate_set.Match(data)
        potential = gated.filter.Match(data, potential=True)
        if not gates and (not potential or gated.filtered.isdisjoint(potential)):
            return []  # most texts: no keyword, and no rule that needs none can match
        present: set[bytes] = set()
        rules: list[_Format] = []
        for index in gates or ():
            gate = gated.gates[index]
            if isinstance(gate, bytes):
                present.add(gate)
                rules.extend(gated.by_keyword.get(gate, ()))
            else:
                rules.append(gate)
        rules.extend(gated.unkeyed[i] for i in potential or () if i in gated.filtered)
        if not present and not rules:
            return []
        spans: list[Span] = []
        for rule in dict.fromkeys(rules):  # once each, in a stable order
            spans.extend(rule.spans(data))
        if b"begin" in present:
            spans.extend(_private_key_spans(data))
        if not present.isdisjoint(_KEY_HINTS):
            spans.extend(_key_value_spans(_KEY_VALUE, data))
            spans.extend(_key_value_spans(_FLAG, data))
            spans.extend(_authorization_spans(data))
            if b"cookie" in present:
                spans.extend(_simple_spans(_COOKIE, data, "cookie"))
        if b"://" in present:
            spans.extend(_dsn_spans(data))
        if b"-u" in present:
            spans.extend(_simple_spans(_USER_FLAG, data, "password"))
        if b"-p" in present:
            if b"mysql" in present or b"mariadb" in present:
                spans.extend(_simple_spans(_MYSQL_P, data, "password"))
            if b"sshpass" in present:
                spans.extend(_simple_spans(_SSHPASS, data, "password"))
        if self._emails and b"@" in present:
            spans.extend((m.start(), m.end(), "email", _CONTEXT) for m in _EMAIL.finditer(data))
        return _merge([s for s in spans if not _marked(data, s[0], s[1])])

    def redact(self, text: str) -> str:
        if not text:
            return text
        data = text.encode("utf-8", "surrogatepass")
        spans = self.spans(data)
        if spans:
            parts: list[bytes] = []
            position = 0
            for start, end, kind, _ in spans:
                parts.append(data[position:start])
                parts.append(f"{MARKER_PREFIX}{kind}]".encode())
                position = end
            parts.append(data[position:])
            text = b"".join(parts).decode("utf-8", "surrogatepass")
        for pattern in self._custom:
            text = pattern.sub("[REDACTED:custom]", text)
        return text

    def redact_json(self, value: Any, key: str | None = None, depth: int = 0) -> Any:
        """A copy of a structured payload (a JSON value) with the values stored under a secret's name redacted.

        Such a value goes whole (a password that is a number, a token with spaces), before anything is
        serialized. Every other string is redacted as text where it is used (the message, a stack, the
        serialized payload), as is anything past 64 levels.
        """
        if depth > 64:
            return value
        kind = key_class(key) if key is not None else None
        if isinstance(value, dict):
            return {k: self.redact_json(v, str(k), depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact_json(v, key, depth + 1) for v in value]
        if isinstance(value, str):
            if kind is not None and is_secret_value(kind, value):
                private_key = key is not None and {"private", "key"} <= set(_words(key))
                return f"{MARKER_PREFIX}{'private-key' if private_key else _KIND_OF_CLASS[kind]}]"
            return value
        if kind == "password" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{MARKER_PREFIX}password]"
        return value
