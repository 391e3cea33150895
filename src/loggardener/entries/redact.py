"""Redaction of credentials in log text and structured payloads, applied before anything is kept.

Worklogs are committed to git by the scheduled job and issues may be public, so a leak there is permanent:
everything taken from a log entry passes through `Redactor` at parse time.

Four kinds of rule find secrets, each reporting the byte span to replace with `[REDACTED:<kind>]`:

- formats recognised by their shape: the plugins of detect-secrets (a maintained scanner, loaded from the
  installed package) and our table `secret_formats.toml` (data: one RE2 pattern, keywords and checks per format);
- key names: a value stored under a name such as `*password*`, `*secret*`, `*token*`, `*key*`, `*auth*`,
  `sig`, `signature`, a session cookie... in `key=value`, `"key": "value"`, query strings, headers
  (`Authorization: <scheme> …`, `Cookie:`, `Set-Cookie:`), command-line flags (`--password X`) and DSNs
  (`scheme://user:pass@host`, the password may hold a space, a quote or a slash). Weak names (`*key*`,
  `*auth*`, `sid`) need a value of high entropy, so `cache key=users` stays;
- private key blocks (PEM, PGP, SSH2, PuTTY), from their BEGIN line to their END line;
- the words around a value, in free text and commands: a hex key with no name of its own, judged by the
  nearest word that names something (`using key <hex>` goes, `commit <hex>` stays: `_bare_hex_span`), a
  credential's name after its value (`X is the api key`), a login told in prose (`login as admin with X`), a
  command's positional credential (`gcloud auth activate-refresh-token X`), a webhook's URL under its name.

Every built-in pattern the text is searched with is compiled with RE2 (google-re2), whose matching time is
linear in the text whatever the pattern, and runs only when a cheap gate says it can match (`_GatedRules`);
Python's `re` checks what they found and the bounded windows around it, or scans with a pattern that cannot
backtrack (a run of one class: `_MARKER_BYTES`). Spans that overlap are merged
before the text is rebuilt, so a redacted text redacts to itself. Custom `extra_patterns` (RE2 too) run after,
on the redacted text.

The cheap gates on a text's bytes are written `data.find(word) >= 0`, not `word in data`: CPython 3.11's
`bytes.__contains__` first tries its argument as an integer, and for every bytes word it is given builds the
message of a TypeError it then drops (some 1,900 instructions; a demo scan asked it 30,000 times).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import difflib
import functools
import importlib.util
import itertools
import json
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import re2

from loggardener.cache import cached_json, files_key
from loggardener.regexes import compile_regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MARKER_PREFIX = "[REDACTED:"
_MARKER = compile_regex(r"\[REDACTED:[a-z0-9-]+\]")
_MARKER_BYTES = compile_regex(rb"\[REDACTED:[a-z0-9-]+\]")
_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20
_OPTIONS.log_errors = False


# (start, end, kind, rank): where spans overlap, the kind of the lowest rank names the merged span: a private
# key block, then the scheme credential of a header (its kind decides problem fingerprints: keep it stable),
# then a named format, then the name of the key a value was stored under, then a random-looking run.
Span = tuple[int, int, str, int]
_PRIVATE_KEY, _HEADER, _FORMAT, _CONTEXT, _RANDOM = range(5)


_BYTE_OPTIONS = re2.Options()  # each byte a character, as Python's bytes patterns read a text
_BYTE_OPTIONS.encoding = re2.Options.Encoding.LATIN1
_BYTE_OPTIONS.log_errors = False


def _compile(pattern: bytes) -> Any:
    return re2.compile(pattern, _OPTIONS)


def _compile_bytes(pattern: bytes) -> Any:
    """`pattern`, of ASCII classes and literals, compiled to read bytes as Python's `re` reads them."""
    return re2.compile(pattern, _BYTE_OPTIONS)


class _Deferred:
    """A pattern compiled when a text first needs it: RE2 takes milliseconds to compile some (`mysql … -p`
    with its bounded repetitions), and a run meets few of the formats and context rules."""

    def __init__(self, source: bytes, as_bytes: bool = False) -> None:
        self.source = source
        self.as_bytes = as_bytes  # each byte a character (`_compile_bytes`), as `re` reads a bytes pattern

    @functools.cached_property
    def _compiled(self) -> Any:
        return _compile_bytes(self.source) if self.as_bytes else _compile(self.source)

    def finditer(self, data: bytes, position: int = 0, end: int | None = None) -> Any:
        if not position and end is None:  # RE2's bounds cost a little on every match: none unless given
            return self._compiled.finditer(data)
        return self._compiled.finditer(data, position, len(data) if end is None else end)

    def search(self, data: bytes, position: int = 0) -> Any:
        return self._compiled.search(data, position)

    def match(self, data: bytes, position: int = 0) -> Any:
        return self._compiled.match(data, position)


# A named group of one class counted up to a bound, `(?P<dq>[^"\r\n]{1,256})`, and what `_Capped` reads it as.
_CAPPED_GROUP = compile_regex(rb"\(\?P<(\w+)>(\[(?:\\.|[^\]\\])+\])\{(\d+),(\d+)\}\)")


class _Capped(_Deferred):
    """A pattern whose named groups of one class counted up to a bound (`(?P<dq>[^"\r\n]{1,256})`), and whose
    key names (`_KEY_NAME`, each the whole of a named group but for a leading `-`), none of them inside a
    repetition, RE2 runs uncounted: it compiles a copy of the class for each count, the most of some patterns'
    programs (a fifth of their compile time and automaton in a short scan; a key name's two runs of up to 64
    characters of a class of much of Unicode, in any case, a sixth of the demo's compile time, and more of the
    automaton's states).

    Each way the counted pattern has to match is one of the uncounted pattern's, preferred in the same order. So
    where the uncounted pattern's match holds at most the bound's number of bytes in each such group (so at most
    as many characters; a key name's group at most 64 bytes, so each of its runs at most 64 characters), it is
    the counted pattern's match: it starts where the counted pattern can start at the earliest, and it is the
    first way to match there of both. A match with a longer group is searched for again with the counts, from
    the same position (`_Deferred`, on `source`)."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self._bounds = {m.group(1): int(m.group(4)) for m in _CAPPED_GROUP.finditer(source)}
        self._bounds.update((m.group(1), _KEY_RUN_BOUND) for m in _KEY_NAME_GROUP.finditer(source))
        uncounted = _KEY_NAME_GROUP.sub(
            lambda m: m.group(0).replace(_KEY_RUN, _KEY_RUN_UNCOUNTED),
            _CAPPED_GROUP.sub(rb"(?P<\1>\2{\3,})", source),
        )
        self._uncounted = _Deferred(uncounted)

    @functools.cached_property
    def _capped(self) -> list[tuple[int, int]]:
        """(group index, bound) of the uncounted pattern's capped groups."""
        index = self._uncounted._compiled.groupindex
        return [(index[name], bound) for name, bound in self._bounds.items()]

    def _counted(self, match: Any) -> bool:
        """Whether `match` is the counted pattern's too: each capped group within its bound."""
        for group, bound in self._capped:
            start, end = match.span(group)
            if end - start > bound:
                return False
        return True

    def finditer(self, data: bytes, position: int = 0, end: int | None = None) -> Any:
        searched = position  # where the search that finds the next match starts, as RE2's `finditer` moves it
        for match in self._uncounted.finditer(data, position, end):
            if not self._counted(match):
                yield from super().finditer(data, searched, len(data) if end is None else end)
                return
            yield match
            searched = match.end() if match.end() != searched else searched + 1

    def search(self, data: bytes, position: int = 0) -> Any:
        match = self._uncounted.search(data, position)
        return match if match is None or self._counted(match) else super().search(data, position)

    def match(self, data: bytes, position: int = 0) -> Any:
        match = self._uncounted.match(data, position)
        return match if match is None or self._counted(match) else super().match(data, position)


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
    digits: int = 0
    # a match that is an id or a placeholder is none of this format's secrets: detect-secrets' patterns take
    # Twilio's account SID (`AC…`, which names the account; its auth token and API keys open it) and a URL's
    # `user:<password>@`
    not_ids: bool = False

    def spans(self, data: bytes) -> Iterator[Span]:
        for match in self.pattern.finditer(data):
            start, end = match.span(self.group)
            if start < 0 or end <= start:
                continue
            if self.not_ids:
                value = data[start:end].decode("utf-8", "replace")
                if _PUBLIC_ID.fullmatch(value) or _placeholder(value):
                    continue
            if self.min_entropy or self.mixed or self.digits:
                value = data[start:end].decode("utf-8", "replace")
                if entropy(value) < self.min_entropy or (self.mixed and not _mixed(value)):
                    continue
                if _plain_text_base64(value):
                    continue  # base64 of JSON or of words (a page's cursor `eyJpZCI6…`), not a generated key
                if sum(c.isdigit() for c in value) < self.digits:
                    continue
            yield start, end, self.kind, _FORMAT


@functools.cache
def _table_formats() -> list[_Format]:
    text = Path(__file__).with_name("secret_formats.toml").read_text("utf-8")  # as `demo_export_path` reads
    # tomllib reads the table in ~12 ms, JSON in well under 1: its rules are cached, keyed by the table's text
    rules: list[dict[str, Any]] = cached_json("secret-formats", text, lambda: tomllib.loads(text)["rule"])
    return [
        _Format(
            kind=rule["id"],
            pattern=_Deferred(rule["regex"].encode()),
            keywords=tuple(k.encode() for k in rule.get("keywords", ())),
            group=rule.get("group", 0),
            min_entropy=rule.get("entropy", 0.0),
            mixed=rule.get("mixed", False),
            digits=rule.get("digits", 0),
        )
        for rule in rules
    ]


# detect-secrets plugins that find something other than a credential, or that only look at key names
# (which our key-name rules cover with RE2-safe patterns).
# Telegram's plugin takes any `12345678:` and 35 characters (SCSI WWIDs); our table's rule needs the `AA` a
# bot token's secret starts with.
_DETECT_SECRETS_SKIPPED = {"IPPublicDetector", "TelegramBotTokenDetector"}
_PLUGIN_KINDS = {"basic-auth-credentials": "password"}  # the password of a URL, as our DSN rule names it
# Python-only syntax in some plugin patterns, turned into what RE2 accepts: a trailing `(?!\w)` only trims a
# match (dropped), and RE2 caps a repetition at 1000.
_TRAILING_LOOKAHEAD = compile_regex(r"\(\?!\\w\)$")
_HUGE_REPEAT = compile_regex(r"\{(\d+),(\d{4,})\}")


@functools.cache
def detect_secrets_formats() -> tuple[list[_Format], list[str]]:
    """The regex plugins of detect-secrets as RE2 formats, and the names of the patterns RE2 cannot run.

    Those are the keyword-context patterns with look-behinds (Cloudant, IBM, SoftLayer): the key-name rules
    cover them. Importing detect-secrets and its plugins takes about 0.2 s, so what is derived from them is
    cached (`loggardener.cache`), keyed by the plugin files, RE2 and this module.
    """
    rules, unsupported = cached_json("detect-secrets-rules", _plugin_rules_key(), _plugin_rules)
    formats = [
        _Format(kind=kind, pattern=_Deferred(pattern.encode()), keywords=(), group=group, not_ids=True)
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

# Words for a password in more languages, read in key names, in `key: value` and in prose alike (a phrase of
# two words, `mật khẩu`, only in prose and in a key that joins its words, `mat_khau`).
_OTHER_PASSWORD_WORDS = (
    "jelszó", "jelszo", "lozinka", "лозинка", "geslo", "contrasenya", "contrasinal", "pasahitza", "slaptažodis",
    "slaptazodis", "parool", "salasõna", "lykilorð", "wagwoord", "parolă", "парола", "κωδικός", "κωδικος",
    "סיסמה", "סיסמא", "पासवर्ड", "รหัสผ่าน", "密碼", "암호", "পাসওয়ার্ড", "கடவுச்சொல்", "პაროლი", "գաղտնաբառ",
    "mật khẩu", "mat khau", "kata sandi", "kata laluan", "كلمة المرور", "كلمة السر", "رمز عبور",
)  # fmt: skip
_OTHER_PASSWORD_KEYS = tuple(word for word in _OTHER_PASSWORD_WORDS if " " not in word)
_OTHER_PASSWORD_PATTERN = "|".join(_OTHER_PASSWORD_WORDS).replace(" ", "[ \\t]")

# netsh's `Key Content` (`netsh wlan show profile NAME key=clear`: a Wi-Fi profile's passphrase) as the localized
# Windows prints it: the content of a key is the key, whatever the value looks like.
_KEY_CONTENT_NAMES = (
    "schlüsselinhalt", "contenu de la clé", "contenido de la clave", "conteúdo da chave", "contenuto chiave",
    "contenuto della chiave", "sleutelinhoud", "содержимое ключа", "вміст ключа", "zawartość klucza",
    "nyckelinnehåll", "nøkkelinnhold", "nøgleindhold", "avaimen sisältö", "obsah klíče", "kulcs tartalma",
    "关键内容", "金鑰內容", "主要なコンテンツ", "키 콘텐츠",
)  # fmt: skip
_KEY_CONTENT_FLAT = frozenset(name.replace(" ", "") for name in _KEY_CONTENT_NAMES)

# Chinese, Japanese and Korean words for a secret or a secret key (秘钥 is the common variant of 密钥).
_CJK_SECRET_WORDS = ("秘钥", "秘密鍵", "シークレット", "시크릿", "비밀키")
# A name is split into words (snake, kebab, dot and camel case); a word names a secret when it is or holds:
_PASSWORD_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "secret",
    # other languages' words for a password or a secret
    "contraseña",
    "contrasena",
    "passwort",
    "kennwort",
    "motdepasse",
    "senha",
    "wachtwoord",
    "parola",
    "пароль",
    "密码",
    "口令",
    "パスワード",
    "hasło",
    "haslo",
    "şifre",
    "sifre",
    "lösenord",
    "losenord",
    "passord",
    "adgangskode",
    "salasana",
    "heslo",
    "jelszó",
    "비밀번호",
    "geheimnis",
    "секрет",
    "segredo",
    "palavrapasse",  # European Portuguese (`palavra-passe`)
    *(word.replace(" ", "") for word in _OTHER_PASSWORD_WORDS),
)
_PASSWORD_EXACT = {
    "pwd", "pass", "pw", "passw", "pword", "pswd", "passin", "passout",
    "psk",  # a Wi-Fi or IPsec pre-shared key (`psk="…"`)
    "masterauth",  # redis.conf: the password of the primary
    "mnemonic", "seedphrase",  # a wallet's recovery words
    "parole",  # Latvian
    "segreto", "segreta",  # Italian: secret
}  # fmt: skip
# An id that opens something: a session's, a private key's, a secret's (Consul's `SecretID`, Vault AppRole's
# `secret_id`, Nomad's `Secret ID`); any other id names something (`AccessorID`, `client_id`, `key_id`).
_SECRET_IDS = {"private", "session", "sess", "secret"}
# The same ids named in two words (`Secret ID = X`, PHP's `Session ID: X`, `sess id: X`), which no key-name rule reads
# (a name holds no space); a private key's id names the key, public (`private key id`).
_SPACED_SECRET_ID = r"(?:" + "|".join(sorted(_SECRET_IDS - {"private"})) + r")[ \t]id"
# `storepass`, `keypass`, `dbpass`: a word ending in `pass` names a password, unless it is one of these.
_NOT_PASSWORDS = {"bypass", "compass", "overpass", "underpass", "surpass", "trespass", "multipass", "onepass"}
_TOKEN_WORDS = (
    "token",
    "credential",
    "signature",
    "authorization",
    "cookie",
    "session",
    "sessid",
    "apikey",
    "samlresponse",
    "samlrequest",
    "samlart",
    "dockerconfigjson",
    "dockercfg",
    "macaroon",  # a bearer credential with caveats (LND's `Grpc-Metadata-macaroon`, Juju's)
    "jeton",
    "токен",
    "令牌",
    "密钥",
    "トークン",
    "토큰",
    *_CJK_SECRET_WORDS,
)
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
    "assertion",
    "pat",  # a personal access token (`AZURE_DEVOPS_PAT`, `gitlab_pat`)
    "verifier",  # PKCE's `code_verifier`, OAuth 1's `oauth_verifier`: the secret half of an exchange
    "csrf",  # an anti-forgery token (`_csrf`, `X-CSRF`), session material
    "xsrf",
}
# Names of one-time codes and PINs: a number of four digits or more is the secret (`otp=123456`).
_PIN_EXACT = {"otp", "totp", "hotp", "pin", "cvv", "cvc", "cvv2", "passcode", "2fa", "mfa"}
_CODE_QUALIFIERS = {
    "mfa", "otp", "totp", "2fa", "verification", "verify", "auth", "authorization", "authorisation", "reset",
    "recovery", "backup", "sms", "security", "confirmation", "confirm", "activation", "access", "login",
    "magic", "invite", "invitation", "one", "device", "user", "pairing", "pin",
}  # fmt: skip
# The two halves of a token pair named alone, as Django REST framework SimpleJWT answers `{"access": X, "refresh":
# Y}`: weak names, a secret when random-looking (`"access": "granted"`, `refresh=30s` stay).
_TOKEN_PAIR_HALVES = {"access", "refresh"}
# A page cursor (`nextPageToken`, `continuation_token`, AWS's `NextToken` and `NextMarker`, Google Calendar's
# `syncToken`, MongoDB's `resumeToken`, Slack's `next_cursor`) opens nothing.
_CURSOR_WORDS = {
    "page",
    "continuation",
    "pagination",
    "cursor",
    "next",
    "sync",
    "resume",
    "marker",
    "continue",
}
# The last word of a cursor's name (`next_cursor`, `NextMarker`, `nextPageToken`; Kubernetes' list `continue`)
_CURSOR_ENDS = frozenset(("token", "cursor", "marker", "continue"))
# A key named after what it keys (`cache_key`, `s3 key`, `Idempotency-Key`) names a record, not a secret.
_RECORD_KEY_WORDS = {
    "cache", "partition", "sort", "primary", "foreign", "object", "s3", "gcs", "blob", "dedup",
    "dedupe", "deduplication", "lock", "row", "shard", "hash", "range", "idempotency", "message", "bucket",
    "lookup", "map", "group", "index", "unique", "composite", "natural", "surrogate", "i18n", "translation",
    "locale", "redis", "memcache", "memcached", "kafka", "storage_path", "file", "hot", "keyboard", "press",
    "ordering", "sharding", "join", "config", "setting", "settings", "feature", "flag", "metric", "label",
}  # fmt: skip
# A key qualified by what it opens (`encryption_key`, `signing-key`, `license key`) is a secret.
_SECRET_KEY_WORDS = {
    "encryption", "decryption", "signing", "master", "client", "license", "licence", "shared", "webhook",
    "subscription", "admin", "ingest", "deploy", "crypto", "aes", "hmac", "consumer", "ssh", "app", "service",
    "acesso", "acceso", "accesso", "accès", "acces", "доступа", "dostępu", "dostepu",  # `chave de acesso`
}  # fmt: skip
# other languages' words for a key
_FOREIGN_KEY_WORDS = {
    "schlüssel",
    "clave",
    "clé",
    "chave",
    "ключ",
    "sleutel",
    "nyckel",
    "nøkkel",
    "chiave",
    "klucz",
    "anahtar",
}
# Weak names: only a value of high entropy is redacted (`key=users` stays, `key=8f3kQ...` goes).
_WEAK_WORDS = ("key", "auth", "sid", "hmac", "salt", "nonce", "license", "licence")  # a license key too
# A connection string or a DSN holds a password; written opaque (a vault's reference, an encrypted blob) it is one.
_CONNECTION_STRING_WORDS = ("connectionstring", "connstring", "connstr")
# What happened to a secret (`PasswordExpired:`, `token_invalid=true`): an event's or an error's name, whose value
# is most often a state or words, yet may be the secret tried (`password_rejected: X`): one only if random-looking.
_EVENT_NAME = compile_regex(
    r"(?:^|[_.-])(?:expired|invalid|incorrect|mismatch|mismatched|rejected|revoked|wrong|denied|failed|failure"
    r"|locked)$"
)
# Names that hold a secret word but describe it: `token_count`, `password_length`, `key_file`, `max_tokens`.
_DESCRIPTIVE = compile_regex(
    r"(?:^|[_.-])(?:count|len|length|size|type|types|limit|ttl|expires?|expiry|expiration|expires_in|url|uri"
    r"|endpoint|file|path|name|format|version|algorithm|alg|policy|hint|prefix|present|set|required|enabled"
    r"|provided|missing|valid|validation|rotation|id_field|usage|reset|strength|changed|updated|at|start|end"
    r"|time|timestamp|date|duration|timeout|status|state|mode|level|scope|manager|service|handler|provider|stdin|fd"
    r"|error|errors|method|scheme|strategy|flow|mechanism|backend|pool|header|headers|field|fields|store|arn"
    r"|min|max|minimum|maximum|affinity|persistence"  # a load balancer's `sessionAffinity: ClientIP`
    # a password policy's spans of time (LDAP's `pwdMaxAge`, `pwdFailureCountInterval`, `token_lifetime`)
    r"|age|interval|lifetime"
    r"|fingerprint|thumbprint"  # a key's or a certificate's digest (`key_fingerprint=SHA256:…`), public
    r"|ref|reference"
    r"|cmd|command"  # a command that prints the secret (Airflow's `…_SECRET_KEY_CMD=cat /run/secrets/x`)
    r"|source"  # where a credential comes from (AWS's `credential_source=Ec2InstanceMetadata`)
    r"|alias|aliases)$"  # a key's name in its store (`keyAlias=orders-signing-2026`)  # a reference to a secret names where it is (Kubernetes' `secretKeyRef`, `passwordSecretRef`)
    # a tokenizer names a text's splitting (`tokenizer=cl100k_base`)
    r"|(?:^|[_.-])tokeni[sz](?:e|er|ers|ation|ed)(?:$|[_.-])"
    r"|secrets?manager"  # a service's name (`arn:aws:secretsmanager:…`, `secretmanager.googleapis.com`)
    r"|^(?:max|min|num|total|prompt|completion|input|output|cached|reasoning)[_.-]|tokens$"
    # a source file with its line (`token.js:42:17` in a stack frame), a data file (`token.json: <its digest>`)
    r"|[_.](?:py|js|mjs|cjs|ts|tsx|jsx|go|java|kt|scala|rb|php|cs|rs|c|cc|cpp|h|hpp|swift|ex|exs|erl)$"
    r"|[_.](?:json|ya?ml|toml|ini|cfg|conf|xml|csv|txt|log|gz|tar|tgz|zip)$"
)
# A number (`0x14ede63a5a70002`, a line number `42:17)`) names no credential. A `0x` hex longer than any machine
# word or address (32 digits or more: 128 bits) is a key written as one (`PRIVATE_KEY=0x<64 hex>`).
_NUMBER = compile_regex(r"^(?:0x[0-9a-fA-F]{1,31}|\d+(?::\d+)*)$")
# A size or a duration: a number and its unit, glued or after one space (`user_sessions: 1.234MiB` in Cassandra's
# flush, `token_ttl: 3600000ms`, `session_cache=512 KiB`)
_QUANTITY = compile_regex(
    r"\d{1,7}(?:,\d{3}){0,2}(?:\.\d{1,6})? ?(?:[kKMGTPE]i?B|B|bytes?|[mµun]s|s|secs?|mins?|minutes?|hours?|days?|h|d|%)"
)
# What stands in for a value: a word such as `null`, a mask (`****`, `***REMOVED***`), a note in brackets
# (`<redacted>`, `[FILTERED]`, `(sensitive value)`), a variable or a template (`${DB_PASSWORD}`, `$(API_KEY)`,
# `{{ .Values.db.password }}`, `%PASSWORD%`).
# The notes that masking tools and people write in a value's place, in `[…]`, `(…)` or `*…*`: any other word in
# brackets may be the value itself (`password=[CorrectHorseBattery]`).
_MASK_NOTE = (
    r"(?:sensitive[ _-]value|not[ _-]set|filtered|redacted|removed|masked|hidden|secret|sensitive|omitted"
    r"|censored|private|unset|none|null|nil|empty|value|password|token|key|yes|no"
    r"|known[ _-]after[ _-]apply)"  # Terraform's plan, a value computed when applied
)
# A hash's, a MAC's, a cipher's or a JWT signature's algorithm, by its name
_ALGORITHM = compile_regex(
    r"(?i)(?:hmac[-_]?)?(?:sha[-_]?(?:1|224|256|384|512)|sha3[-_](?:224|256|384|512)|md5|blake2[bs]?|blake3)"
    r"|[hrep]s(?:256|384|512)|aes[-_]?(?:128|192|256)(?:[-_](?:cbc|gcm|ctr|ecb|cfb|ofb|siv))?|chacha20(?:-poly1305)?"
)
_PLACEHOLDERS = compile_regex(
    r"^(?:|null|none|nil|true|false|yes|no|undefined|unknown|empty|n/a|\*+|\*+"
    + _MASK_NOTE
    + r"\*+|x+|\.+|-+"
    r"|<[A-Za-z _./-]{1,64}>|\[" + _MASK_NOTE + r"\]|\(" + _MASK_NOTE + r"\)"
    # a wrapper's own mask (Rust secrecy's Debug, `Secret([REDACTED alloc::string::String])`, pydantic's
    # `SecretStr('**********')` and `SecretBytes(b'**********')`)
    r"|[A-Za-z]{1,32}\(\[" + _MASK_NOTE + r"(?:[ \t][\w:<>]{1,96})?\]\)|Secret(?:Str|Bytes)\(b?'\*+'\)"
    r"|\$\{?[A-Za-z_][\w.]*\}?|\$\((?-i:[A-Z_][A-Z0-9_]*|[a-z][\w-]*\.[\w.-]+)\)|\{\{[^{}]*\}\}|%[A-Za-z_]+%"
    # a shell expansion with a word as its default or message (`${DB_PASSWORD:-postgres}`, `${TOKEN:?unset}`),
    # Spring's with its default (`${DB_PASSWORD:}`, `${db.password:postgres}`)
    r"|\$\{[A-Za-z_][\w.]*(?::?[-=?+]|:)(?:[A-Za-z]{0,32}|[A-Za-z ]{0,64})\}|\$\{[A-Za-z_][\w.]*:?\?[^{}\r\n]{0,128}\}"
    # a template left unfilled: Python's `{db_password}` (an f-string without its `f`), Ruby's `#{ENV[…]}`,
    # Grafana's `$__env{DB_PASSWORD}` and `$__file{/run/secrets/x}`
    # (lower-case words joined by `_` or `.`: ODBC quotes a password in braces, `PWD={X}`)
    r"|\{[a-z]{1,32}(?:[_.][a-z]{1,32}){1,4}\}|#\{(?-i:ENV\[[^\[\]\r\n]{0,96}(?:\]\})?|[a-z_][a-z_.]{0,95}\})|\$__(?:env|file|vault)\{[^{}\r\n]{1,256}\}"
    r"|\?|\$\d{1,3}|%s|%\(\w{1,64}\)s"  # a bound parameter's placeholder (`password = ?`, `%(pw)s`)
    # a template's field named for the part of a URL or DSN it fills (`smtp://{user}:{password}@{host}`)
    r"|\{(?:pass(?:word)?|passwd|pwd|secret|token|key|user(?:name)?|login)\}"
    r"|%\{(?:ENV:)?[A-Za-z_][\w.-]{0,127}\}e?"  # Apache's environment variable (`%{API_KEY}e`, `%{ENV:X}`)
    # a template's field after an authorization scheme (Python's `f"Bearer {token}"`; ODBC's braces hold no scheme)
    r"|(?:bearer|token|basic|ssws)\s{1,4}\{[A-Za-z_][A-Za-z_.]{0,63}\}"
    # a word that asks for the value (`secret: REPLACE_ME`, `TODO`); a default that works is a secret (`changeme`)
    r"|replace[_-]?me|to[_-]?be[_-]?replaced|fill[_-]?me[_-]?in|todo|fixme|tbd"
    # a declared type, not a value (`password: str) -> Token`, TypeScript's `password: string;`, `SecretStr`)
    r"|(?-i:str|string|String|bytes|SecretStr|SecretBytes|Secret<String>|&str|\[\]byte|char\s?\*|char\[\]"
    r"|CharSequence|SecureString)(?-i:\s?\|\s?(?:None|null|undefined))?|(?-i:Optional)\[(?-i:str|bytes|SecretStr)\])$",
    re.IGNORECASE,
)
# A bare value that opens a bracket or a template runs to its closing one (`(sensitive value)`, `{{ .Values.x }}`):
# what the rules cut at a space is read whole to tell a placeholder.
_BRACKETED = compile_regex(
    rb"\{\{[^{}\r\n]{0,128}\}\}|\$\{[A-Za-z_][\w.]{0,63}:?\?[^{}\r\n]{0,128}\}|\([A-Za-z _-]{1,32}\)|\[[A-Za-z _-]{1,32}\]|<[^<>\r\n]{1,64}>"
    rb"|[A-Za-z]{1,32}\(\[[A-Za-z]{1,32}(?:[ \t][\w:<>]{1,96})?\]\)"
    rb"|\$\([^()\r\n]{1,256}\)|`[a-z][^`\r\n]{1,255}`"  # a command substitution (`$(cat /run/secrets/db)`)
)
_VALUE_ENDS = frozenset((b"", b" ", b"\t", b"\r", b"\n", b'"', b"'", b",", b";", b"&", b")", b"]", b"}"))
_CAMEL = compile_regex(r"(?<=[a-z0-9])(?=[A-Z])")
# A word (`expired`, `MISSING`, `Not_Set`), which no generated credential is.
_PLAIN_WORD = compile_regex(
    r"^(?=.{1,64}$)(?:[A-Z]?[a-z]{1,20}|[A-Z]{1,20})(?:[_-](?:[A-Z]?[a-z]{1,20}|[A-Z]{1,20}))*$"
)


# A name built of words, numbers and ids joined by `/` or `:` (`reports/2026-11-29/daily_v3.csv`,
# `session:550e8400-e29b-41d4-a716-446655440000`): what a weak name such as `key` often holds.
# A tuple of code that names variables (`auth=(user, password)`): a bare value would read its first element
_VARIABLES_TUPLE = compile_regex(
    rb"\([ \t]{0,4}[A-Za-z_][A-Za-z0-9_.]{0,64}(?:[ \t]{0,4},[ \t]{0,4}[A-Za-z_][A-Za-z0-9_.]{0,64}){1,8}[ \t]{0,4}\)"
)
# A call with variables as its arguments (`auth = HTTPBasicAuth(username, password)`, `hash_password(raw)`): code
# that passes the secret, not the secret
_CALL_OF_VARIABLES = compile_regex(
    rb"(?P<callee>[A-Za-z_][A-Za-z0-9_.]{2,64})\([ \t]{0,4}(?:[A-Za-z_][A-Za-z0-9_.]{0,64}"
    rb"(?:[ \t]{0,4},[ \t]{0,4}[A-Za-z_][A-Za-z0-9_.]{0,64}){0,8})?[ \t]{0,4}\)"
)
# A callee's name as code writes it: words joined by `_` or `.`, or in camelCase (`get_password`, `HTTPBasicAuth`)
_CALLEE_AS_CODE = compile_regex(rb".*(?:[_.]|[a-z][A-Z]|[A-Z]{2}[a-z])")
_NAME_PATH = compile_regex(
    r"^(?=[^/:]*[/:])(?:[A-Za-z]{1,24}|\d{1,12}|[0-9a-fA-F]{4,64}|[A-Za-z]{1,16}\d{1,4}|[A-Za-z]{1,3}-?\d{1,12})"
    r"(?:[/:._-]{1,2}(?:[A-Za-z]{1,24}|\d{1,12}|[0-9a-fA-F]{4,64}|[A-Za-z]{1,16}\d{1,4}|[A-Za-z]{1,3}-?\d{1,12}))*/?$"
)
_WORDS_AND_NUMBERS = compile_regex(
    r"(?:[A-Za-z]{1,20}\d{0,2}|\d{1,4})(?:[-_.](?:[A-Za-z]{1,20}\d{0,2}|\d{1,4}))+"
)
_CAMEL_WORDS = compile_regex(r"(?:[A-Z]?[a-z]{2,}){2,8}")
_CONSONANTS = compile_regex(r"[bcdfghjklmnpqrstvwxz]{6,}", re.IGNORECASE)


def is_plain_words(value: str) -> bool:
    """A word or words joined by `_`/`-` (`expired`, `Not_Set`, `validation_failed_for_user_account`), which no
    generated credential is; a long run of letters without vowels (`ewhobhhzfmym…`) is no word."""
    return len(value) <= 65 and _plain_words(value)  # 64 characters, and a final newline `$` lets through


# The segments of paths and ids (`projects`, `traces`, a project's name) repeat from one text to the next.
@functools.lru_cache(maxsize=4096)
def _plain_words(value: str) -> bool:
    return bool(_PLAIN_WORD.match(value)) and not _CONSONANTS.search(value)


# What separates the words of a name: not a letter, a digit or a combining mark (Python's `\w` has no marks, so
# `पासवर्ड` and `รหัสผ่าน` would fall apart), or an underscore.
_WORD_SEPARATOR = compile_regex(
    r"(?:[^\w\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]|_)+"
)


def _words(key: str) -> list[str]:
    if not key.isascii():
        # composed (`contraseña` written `n` and a combining tilde), and Turkish `İ` lowered without its dot
        # (`ŞİFRE` is `şifre`, not `şi̇fre`)
        key = unicodedata.normalize("NFC", key.replace("\u0130", "I"))
    return [w for w in _WORD_SEPARATOR.split(_CAMEL.sub("_", key).lower()) if w]


# Han, kana and Hangul letters: words written without spaces between them
_GLUED_WORDS = compile_regex(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def _glued_after_credential(word: str) -> bool:
    """Whether a word written without spaces goes on after the credential's word it holds (`パスワード有効期限`, a
    password's expiry date; `密码长度`, its length; `令牌桶`, a token bucket): the last word, the head, names something
    of the credential, not the credential (`数据库密码`, a database's password, ends with it)."""
    for credential in _GLUED_CREDENTIAL_WORDS:
        at = word.rfind(credential)
        if at >= 0:
            return _GLUED_WORDS.fullmatch(word, at + len(credential)) is not None
    return False


@functools.lru_cache(maxsize=4096)
def key_class(key: str) -> str | None:
    """What a name says of its value: "password", "token", "weak" (a secret if random-looking), or None."""
    words = _words(key)
    if not words:
        return None
    joined = "_".join(words)
    if joined.endswith("id_token_hint"):
        return "token"  # OpenID Connect's logout hint is the ID token itself, not a hint of one
    if _DESCRIPTIVE.search(joined):
        return None
    if _EVENT_NAME.search(
        joined
    ):  # `PasswordExpired: user bob must change it`; `password_rejected: <the one tried>`
        return "weak" if len(words) > 1 and key_class("_".join(words[:-1])) is not None else None
    flat = "".join(words)
    if words[-1] == "id" and (not _SECRET_IDS & set(words) or words[-2:-1] == ["key"]):
        # a client, key or account id names something, it opens nothing (`apikey_id=key_…`); a key's id too
        # when the key is private (a service account key file's `private_key_id`)
        return None
    if "idempotency" in words or (words[-1] == "token" and _CURSOR_WORDS & set(words)):
        return None
    if words[0] in ("load", "import") and words[-1] in ("credential", "credentials") and len(words) <= 3:
        return None  # systemd's `LoadCredential=ID:PATH`, `ImportCredential=GLOB`: where a credential is read from
    if _public_key_name(words) or ("websocket" in flat and words[-1] in ("key", "accept")):
        return None  # a public key; `Sec-WebSocket-Key`, a handshake's nonce (and `-Accept`, its digest)
    if {"seed", "recovery"} & set(words) and "phrase" in words:
        return "password"  # `seed_phrase`, `recovery phrase`: a wallet's words
    if words[-2:] in (["key", "content"], ["key", "contents"]) or "".join(words) in _KEY_CONTENT_FLAT:
        return "password"  # a key's content is the key (`ssh_key_content`, netsh's Wi-Fi `Key Content : X`)
    if not words[-1].isascii() and _glued_after_credential(words[-1]):
        return None
    stems = [w.rstrip("0123456789") for w in words]  # `pass1`, `pwd2`: a second password is one too
    if (
        any(w in flat for w in _PASSWORD_WORDS)
        or any(w in _PASSWORD_EXACT for w in stems)
        or any(w.endswith("pass") and w not in _NOT_PASSWORDS for w in stems)
        or any(w.endswith(("pwd", "pw")) for w in stems)  # `dbpwd`, `rootpw`: no word ends so
    ):
        return "password"
    if any(w in _PIN_EXACT for w in words) or (
        words[-1] in ("code", "codes") and _CODE_QUALIFIERS & set(words[:-1])
    ):
        return "pin"
    if (
        any(w in flat for w in _TOKEN_WORDS)
        or any(w in _TOKEN_EXACT for w in words)
        or ("api" in words and "key" in words)
        or ("private" in words and "key" in words and "id" not in words)
        or ("access" in words and "key" in words and "id" not in words)
        or ("secret" in words and "key" in words)
        or ({"logged", "in"} <= set(words) and "wordpress" in flat)  # WordPress' session cookie
        or ({"key", *_FOREIGN_KEY_WORDS} & set(words) and bool(_SECRET_KEY_WORDS & set(words)))
        or (_FOREIGN_KEY_WORDS & set(words) and "api" in words)
    ):
        return "token"
    if _RECORD_KEY_WORDS & set(words):
        return None
    if key.lower().endswith(".login") or (words[0] == "x" and len(words) >= 3 and words[-1] == "team"):
        return "weak"  # a tool's token property (`sonar.login`), an API key header (`X-Honeycomb-Team`)
    if (
        any(w in words for w in _WEAK_WORDS)
        or "dsn" in words
        or flat.endswith(_CONNECTION_STRING_WORDS)
        or _FOREIGN_KEY_WORDS & set(words)
        or "auth" in flat
        or flat.endswith("key")
        or (len(words) == 1 and words[0] in _TOKEN_PAIR_HALVES)
    ):
        return "weak"
    return None


def _public_key_name(words: list[str]) -> bool:
    """Whether the name is a public key's (`publicKey`, `ssh_pub_key`, `pubkey`): public material opens nothing."""
    public = (
        words[-1] in ("pubkey", "publickey", "sitekey")
        or (words[-1] in ("key", "keys") and bool({"public", "pub", "site"} & set(words)))
        or (words[-1] == "serverkey" and "curve" in words)  # ZeroMQ's CURVE: the server's public key
    )
    return public and not {"private", "priv", "secret"} & set(words)


# A value that is public material whatever its name: an SSH public key line, a PEM certificate or public key.
_PUBLIC_KEY_VALUE = compile_regex(
    r"^(?:(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d{3}|sk-ssh-ed25519@openssh\.com)[ \t]+AAAA[A-Za-z0-9+/]+={0,3}"
    r"(?:[ \t]+\S+)?\s*$"
    r"|-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK)-----"
    r"|LS0tLS1CRUdJTiB(?:DRVJUSUZJQ0FURS0tLS0t|QVUJMSUMgS0VZLS0tLS0))"  # the same in base64 (kubeconfig's `*-data`)
)


# What a weak name's value holds when it is made of parts: a URL's scheme, a setting named in letters
# (`Server=db;Database=app`), a user's `@` after a colon (`svc:X@db`), an address (`ops@example.com`). Not a
# random run that holds a `=` or an `@` (`Zx8Q2mLp9Kw3Vb7N=Yt4Rq`, `Gx7@kq2Lz9Wp`).
_SETTINGS_VALUE = compile_regex(
    r"://|(?:^|[;&])[ \t]{0,8}[A-Za-z][A-Za-z _.-]{0,40}=|:[^@\s/:]{1,256}@|^[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}\.[A-Za-z]"
)

_KIND_OF_CLASS = {"password": "password", "token": "token", "pin": "token", "weak": "secret"}


_SECRET_REFERENCE = (
    r"(?:[A-Z][A-Z0-9_]{1,127}|/[\w./-]{1,255})="
    r"(?:projects/[\w-]{1,64}/secrets/)?[a-z][a-z0-9_-]{1,254}:(?:latest|\d{1,9})"
)
# A property or a variable with a default after its colon (Spring's `${DB_PASSWORD:X}`, `${db.password:X}`): the
# default is the value whenever the variable is unset. Not a source's name (`${vault:secret/db#password}`) nor
# CloudFormation's `${AWS::Region}`.
_DEFAULTED_NAME = r"(?:[A-Z_][A-Z0-9_]{0,127}|[a-z][\w-]{0,63}(?:\.[\w-]{1,63}){1,8}):(?![:=?+-])"
_DEFAULTED = compile_regex(rb"\$\{" + _DEFAULTED_NAME.encode() + rb"(?=[^{}\s]{1,256}\})")
_SECRET_VARIABLE = (
    r"[A-Z][A-Z0-9]{0,31}(?:_[A-Z0-9]{1,31}){0,6}_(?:KEY|TOKEN|PASSWORD|PASS|PWD|SECRET|CREDENTIALS?)"
)
_SECRET_VARIABLE_NAME = compile_regex(_SECRET_VARIABLE)
# A value that reads the secret from elsewhere: a template with a source (`${vault:secret/db#password}`), or
# code reading the environment (`os.environ['DB_PASSWORD']`, `process.env.API_KEY`, `System.getenv(`).
_REFERENCE = compile_regex(
    r"^(?:\$\{(?![A-Za-z_][\w.]*:?[-=?+]|"
    + _DEFAULTED_NAME
    + r")[^{}\s]{1,256}\}$|(?:os\.environ(?:\.get)?|os\.getenv|process\.env|System\.getenv|ENV(?:\.fetch)?"
    r"|Deno\.env\.get|env_var|getenv|lookup\(\s?[\"']env[\"'])(?:[.\[(,]|$)"
    # PowerShell: a scoped variable (`$env:DEPLOY_PW`, `$using:pw`), or the call that reads or makes the secret
    # (`(ConvertTo-SecureString …`, `Read-Host -AsSecureString`, `(Get-Secret …`)
    r"|\$(?i:env|using|script|global|local|private):[A-Za-z_][\w.]{0,255}$"
    r"|\(?(?i:ConvertTo-SecureString|ConvertFrom-SecureString|Read-Host|Get-Secret|Get-Credential"
    r"|Get-StoredCredential|Get-AzKeyVaultSecret|Import-Clixml)\)?$"
    # Secret Manager references as gcloud takes them (`--update-secrets=DB_PASSWORD=db-password:latest,…`,
    # `--set-secrets=/etc/secrets/token=api-token:2`): where each secret is mounted, its name and its version
    r"|" + _SECRET_REFERENCE + r"(?:," + _SECRET_REFERENCE + r")*$"
    # the environment variables that hold secrets, by name (`--remove-secrets=OLD_API_KEY,SMTP_PASSWORD`)
    r"|" + _SECRET_VARIABLE + r"(?:," + _SECRET_VARIABLE + r")*$"
    # a shell's command substitution, unexpanded (`$(cat /run/secrets/db)`, `` `vault read -field=x …` ``; in
    # backticks, which also quote a value, a command with a flag or a path): the
    # command that reads the secret at run time (not one that writes it: `$(echo X | base64 -d)`); and openssl's
    # pass phrase sources (`-passin env:KEY_PASS`)
    r"|(?![$`(]{1,2}[^\r\n]*\b(?:echo|printf)\b|[^\r\n]*<<)(?:\$\([a-z][\w.-]{0,31}[ \t][^()\r\n]{1,224}\)|`[a-z][\w.-]{0,31}[ \t][^`\r\n]{0,224}(?:[ \t]-|/)[^`\r\n]{0,224}`)$"
    r"|(?:env:[A-Z_][A-Z0-9_]{0,127}|file:[\w.~-]{0,128}/[\w./~-]{1,254}|fd:\d{1,4})$"
    # code, as a traceback's source line shows it: an attribute that holds the secret (`settings.DB_PASSWORD`,
    # `self.api_key`), or a method's call that fetches it (`self.client.access_secret_version(`)
    r"|[a-z_]{1,64}\.(?:[A-Za-z_]\w{0,63}\.){0,7}(?:(?:[A-Z0-9]{1,31}_){0,6}(?:PASSWORD|PASSWD|SECRET|TOKEN|KEY|PWD|PASS)"
    r"|[a-z_]{0,32}(?:password|passwd|secret|token|key|pwd|pass|credentials?)[a-z_]{0,32})$"
    r"|[a-z_]{1,64}\.(?:[A-Za-z_]\w{0,63}\.){0,7}[a-z_][a-z0-9_]{2,63}\([^\r\n]{0,256}$"
    r"|[a-z_]{1,64}(?:\.[A-Za-z_]\w{0,63}){0,8}\[(?:[\"'][\w.-]{0,64}(?:[\"']\]?)?)?$"
    # a secret store's reference, resolved at run time: Symfony's `%env(DB_PASSWORD)%`, Concourse's `((db-password))`,
    # Azure App Service's `@Microsoft.KeyVault(SecretUri=…)`, an AWS ARN, a store's URI (berglas' `sm://`, 1Password's
    # `op://`, vals' `ref+vault://`)
    r"|%env\((?:[a-z_]{1,32}:){0,4}[A-Z_][A-Z0-9_]{0,127}\)%$|\(\([a-z0-9_][a-z0-9_./ -]{0,127}\)\)$"
    r"|@Microsoft\.KeyVault\([^()\s]{1,512}\)$"
    r"|arn:aws[\w-]{0,16}:(?:secretsmanager|ssm|kms):[\w/:.+=@-]{1,512}$"
    # BuildKit's secret mount, named and sourced (`docker build --secret id=npmrc,src=$HOME/.npmrc`, `env=NPM_TOKEN`,
    # `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc`)
    r"|(?:type=secret,)?id=[\w.-]{1,64}(?:,(?:src|source|env|type|target|dst|required|mode|uid|gid)=[^,\s]{0,255}){0,6}$"
    r"|(?:sm|berglas|op|ref\+[a-z0-9]{1,16}|vault|gcpsm|awssm|azkv|keyvault|doppler)://[\w.#?=:-]{1,255}/[\w./#?=:-]{0,512}$)"
)


def _placeholder(value: str) -> bool:
    """Whether `value` stands in for a secret (`null`, `****`, `${X}`, `process.env.X`), also with the closing
    bracket of the text around it (`(using password: YES)`)."""
    if _PLACEHOLDERS.match(value) or _REFERENCE.match(value):
        return True
    closed = value
    for _ in range(_CLOSINGS_KEPT):  # `connect(password=settings.DB_PASSWORD)`, `{pw: ${PW:-x}}`
        if not closed or closed[-1] not in _CLOSING:
            break
        closed = closed[:-1]
        if _PLACEHOLDERS.match(closed) or (closed[:1] != "$" and _REFERENCE.match(closed)):
            return True
    return False


_CLOSING = ")]};,.:"
_CLOSINGS_KEPT = 8
"""Closing characters of the text around a value read past at most (more is no placeholder's end, and each costs
a match of the value)."""


def _working_directory(key: str, value: str) -> bool:
    """The shell's `PWD` variable (an environment dump) holds a directory, not a password."""
    return key == "PWD" and value.startswith(("/", "~"))


# A secret's name as the tools that store secrets take it (`gcloud secrets versions access 3 --secret=stripe-key`,
# `aws secretsmanager get-secret-value --secret-id prod/db-password`, `--secret-name`): lower-case words joined by
# `-`, `_`, `.` or `/`, one of which says what is stored
_STORED_SECRET_NAME = compile_regex(r"[a-z][a-z0-9]{0,30}(?:[-_./][a-z0-9]{1,30}){1,8}")
_STORED_SECRET_KEY_WORDS = frozenset({"secret", "id", "name", "arn", "ref"})
_STORED_WORDS = frozenset(
    {"password", "passwd", "pass", "pwd", "key", "keys", "token", "tokens", "secret", "secrets", "creds"}
    | {"credential", "credentials", "apikey", "cert", "tls", "dsn"}
)


def _stored_secret(key: str, value: str) -> bool:
    """Whether `value`, under the name of a stored secret, is one of its settings (`secret: ttl=3600s`), or its
    name given to a tool (`--secret=stripe-key`, `--secret-id prod/db-password`, `"SecretId": …`; under a bare
    `secret:` a value is the secret, a passphrase of words too, unless it is a path: `secret: prod/orders/api-token`
    names the secret as `--secret-id` does). The end of a sentence is no part of the name (`--secret-id x/db-creds:`)."""
    words = _words(key)
    if "secret" not in words or not set(words) <= _STORED_SECRET_KEY_WORDS:
        return False
    name = value.rstrip(".,;:)")
    if _STORED_SECRET_NAME.fullmatch(name) is not None:
        named = key.startswith("-") or len(words) > 1 or "/" in name
        return named and bool(_STORED_WORDS & set(re.split(r"[-_./]", name)))
    return _setting_state(value)


# A stored secret named by its path, not the secret: Kubernetes' `namespace/name` (`Secret default/orders-db`),
# AWS Secrets Manager's or Vault's `prod/orders/api-token`. Lower-case words joined by hyphens in two to five
# segments, at least one hyphen (a name's, not `admin/admin`).
_SECRET_PATH = compile_regex(
    r"[a-z][a-z0-9]{0,30}(?:-[a-z0-9]{1,30}){0,8}(?:/[a-z][a-z0-9]{0,30}(?:-[a-z0-9]{1,30}){0,8}){1,4}"
)
# Words, then a hex digest: a cache's key, a build's or an artifact's name (`build-linux-x64-node20-8c2b1d3a`,
# `Linux-pnpm-store-<sha256>`). Two words or more: `key-<hex>` (Mailgun's old keys) is no such name.
_NAMED_DIGEST = compile_regex(r"(?:[A-Za-z][A-Za-z0-9]{0,15}[-_.]){2,8}(?:[0-9a-f]{8,128}|[0-9A-F]{8,128})")


def _secret_path(value: str) -> bool:
    value = value.rstrip(".,;:")
    return (
        _SECRET_PATH.fullmatch(value) is not None
        and "-" in value
        and all(is_plain_words(segment) for segment in value.split("/"))
    )


# An exception's or error's class name, qualified or not (`ConnectionError`, `google.auth.exceptions.RefreshError`,
# `System.Net.Http.HttpRequestException`): said after a token's name, it is why the token could not be had
_EXCEPTION_NAME = compile_regex(
    r"(?:[A-Za-z_][A-Za-z0-9_]{0,40}\.){0,8}[A-Z][A-Za-z0-9]{0,60}(?:Error|Exception)"
)


# A date or an instant as RFC 3339 / ISO 8601 write it (`2026-12-31`, `2026-12-31T00:00:00Z`, `…00:00:00.123+01:00`):
# when something happened, never a secret under a token's or a key's name (`auth: 2026-12-31T00:00:00Z`)
_TIMESTAMP = r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?)?"
_INSTANT = compile_regex(_TIMESTAMP)
# A setting and its state, written as the value of a credential's name (`auth: mfa_enabled=true`): a flag, a
# count, a size, a duration or a time, never a secret (a credential named inside it is the key-name rules' own pair)
_SETTING_ASSIGNMENT = compile_regex(
    r"(?i)([a-z_][a-z0-9_.-]{0,63})=(?:true|false|yes|no|on|off|none|null|nil|enabled|disabled"
    r"|\d{1,12}(?:\.\d{1,6})?(?:%|[a-z]{1,3})?|" + _TIMESTAMP + ")"
)


def _setting_state(value: str) -> bool:
    """Whether `value` is a setting and its state (`mfa_enabled=true`, `ttl=3600s`) whose name is no credential's."""
    setting = _SETTING_ASSIGNMENT.fullmatch(value)
    return setting is not None and key_class(setting.group(1)) in (None, "weak")


def _credential_setting(value: str) -> bool:
    """Whether `value` is a setting of a credential and its state (`password_changed_at=…`, `pwdMinLength=12`,
    `token_expires_at=…`): a credential's word in a name that holds no secret (`_DESCRIPTIVE`), then a flag, a
    count, a size, a duration or a time (`_SETTING_ASSIGNMENT`), never a secret (`password=pwd_age=X` is one)."""
    inner = _SETTING_ASSIGNMENT.fullmatch(value)
    if inner is None or key_class(inner.group(1)) is not None:
        return False
    return any(key_class(word) in ("password", "token", "pin") for word in _words(inner.group(1)))


# A release's version (`v1.0.0`, `2.14.1-rc.2`): an image's tag after a name that is a credential's
# (`registry.example.com/auth:v1.0.0`), a key's version (`signing_key: v3.1`), never a secret itself
_VERSION = compile_regex(r"v?\d{1,6}(?:\.\d{1,6}){1,3}(?:[-+][0-9A-Za-z]{1,16}(?:\.[0-9A-Za-z]{1,16}){0,3})?")
# A digest named by its algorithm and a colon (a CA certificate's pin): it proves, it opens nothing. Under a
# password's name it stays a secret (a password's hash can be cracked); so does a webhook's request signature
# (`X-Hub-Signature-256: sha256=<hex>`, which a replay can reuse).
# Vault's audit log writes each secret it logs so (`"client_token": "hmac-sha256:<hex>"`), an SSH key's fingerprint
# in base64 (`SHA256:<43 characters>`).
_ALGORITHM_DIGEST = compile_regex(
    r"(?i)(?:hmac-)?(?:sha(?:1|224|256|384|512)|sha3-(?:256|512)|md5|blake2b):"
    r"(?:[0-9a-f]{32,128}|[A-Za-z0-9+/]{27,86}={0,2})"
)
# A file's path (`/var/secrets/google/key.json`, `~/.config/gcloud/adc.json`): segments of a name's characters and
# a file extension; a token holds no `.` after a `/` (base64) nor starts with `/`
_KEY_FILE_PATH = compile_regex(r"(?:~|\.{1,2})?(?:/[\w@.-]{1,128}){1,32}\.[A-Za-z][A-Za-z0-9]{0,7}")
# A Java object's default `toString`, its class qualified or not, nested or not, then `@` and its identity hash
# in hex (`android.app.ActivityThread$ActivityClientRecord@aef9ed2`, `Foo@1b6d3586`): a reference to an object
# (a class's name of four characters or more, a nested class's capitalized or numbered, a hash of 6 to 8 digits)
_OBJECT_REFERENCE = compile_regex(
    r"(?:(?:[a-z_]\w{0,63}\.){0,16}[A-Z][A-Za-z]\w{2,127}(?:\$+(?:[A-Z]\w{2,127}|\d{1,2})){0,8}"
    r"|\[{1,3}(?:[BCDFIJSZ]|L[\w.$]{1,255};))@(?=[a-f]{0,7}\d)[0-9a-f]{6,8}"
)
# Java's identity of an array where a password stands (`password=[C@1b6d3586`: a char[] logged as itself), which no
# password looks like (a class's object print under a password's name stays redacted: it may be one's shape)
_JAVA_IDENTITY = compile_regex(r"\[{1,3}(?:[BCDFIJSZ]|L[\w.$]{1,255};)@[0-9a-f]{6,8}")


# A value that is the next key of a mapping written on one line (`secret: secretName: orders-tls`, a YAML flow
# collapsed by its logger): a camelCase or snake_case name of letters and its colon
_NEXT_KEY = compile_regex(r"[a-z]{2,31}(?:[A-Z][a-z]{1,31}){1,6}:|[a-z]{2,31}(?:_[a-z]{1,31}){1,6}:")


# A domain name, a cookie's with its leading `.` (lower case; its labels words or short: a token's are random)
# (a top-level label of ten letters at most), with its port or not
_DOMAIN = compile_regex(r"\.?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,10}(?::\d{1,5})?")


def _domain(value: str) -> bool:
    return _DOMAIN.fullmatch(value) is not None and all(
        len(label) <= 4 or is_plain_words(label) for label in value.split(":")[0].split(".")
    )


_COMPONENT_TAG = compile_regex(r"[A-Za-z_][\w.-]{0,63}\([^()\s]{1,128}\):")
"""A component's tag that a message follows, its arguments in parentheses (PAM's `pam_unix(dovecot:auth):`,
`pam_sss(sshd:account):`, Dovecot's `auth-worker(1234):`): what a syslog line's process logged with."""


# A list of 32 or more byte values (a key's bytes: Solana's keypair file, `bytes(…)` of a seed).
_BYTE_LIST = compile_regex(
    r"\[[ \t]{0,8}(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})[ \t]{0,8},[ \t]{0,8}){31,}[0-9]{1,3}[ \t]{0,8}\]"
)


def _key_bytes(value: str) -> bool:
    """Whether `value` is a list of random bytes: 32 or more, a quarter of them above 127 (counts, sizes and ids
    in a list are mostly small)."""
    if not _BYTE_LIST.fullmatch(value):
        return False
    numbers = [int(number) for number in value.strip("[] \t").split(",")]
    return sum(number > 127 for number in numbers) * 4 >= len(numbers)


def is_secret_value(key_kind: str, value: str) -> bool:
    """Whether `value`, stored under a name of class `key_kind`, is to be redacted."""
    value = value.strip()
    if _placeholder(value) or value.startswith(MARKER_PREFIX) or _NEXT_KEY.fullmatch(value):
        return False
    trimmed = value.rstrip(")]},.;:")  # without what closes the sentence around it
    if _JAVA_IDENTITY.fullmatch(trimmed):
        return False  # `password=[C@1b6d3586`: Java's char[] printed as its identity, no value
    if _credential_setting(trimmed):
        return False  # `auth: password_changed_at=2026-12-31T00:00:00Z`: a setting of a credential, named
    if key_kind == "password":
        return True  # (a passphrase may be words joined as a path is: `correct-horse/battery-staple`)
    if _setting_state(value) or _INSTANT.fullmatch(trimmed):
        # `auth: secret_rotation_enabled=true`, `token bucket empty: tokens=0`: a setting's state; a time
        return False
    if _domain(value.rstrip(")]},;:")):
        return False  # `cookie_domain=.acme.io`, `auth_server=login.acme.io`: a host, no secret
    if _KEY_FILE_PATH.fullmatch(trimmed):
        # `GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json`: where the key is kept, also as a
        # sentence goes on after it (`…/key.json: no such file or directory`)
        return False
    if _ALGORITHM_DIGEST.fullmatch(trimmed):
        return False  # `--discovery-token-ca-cert-hash sha256:<hex>`, Vault's `hmac-sha256:<hex>`: a digest
    if _VERSION.fullmatch(trimmed):
        return False  # `registry.example.com/auth:v1.0.0`: the image's tag, not its credential
    if _OBJECT_REFERENCE.fullmatch(trimmed):
        return False  # `Bad activity token: a.b.ActivityThread$ActivityClientRecord@aef9ed2`: an object, no secret
    if _PUBLIC_ID.fullmatch(value):
        return False  # `sid=SM…` (a Twilio message), `auth_subject=cus_…`: an id under any name
    if _PUBLISHABLE_KEY.fullmatch(trimmed):
        return False  # `key=pk_live_…`: a publishable key, made to be seen
    if _COMPONENT_TAG.fullmatch(value):
        # `auth: pam_unix(dovecot:auth): authentication failure`: a module's tag, then its message
        return False
    if _secret_path(value):
        return False  # `api_key: team/orders-api-key`: where a key is stored, not the key
    if MARKER_PREFIX in value and (unmarked := _MARKER.sub("", value).strip()) != value:
        # what redaction left of a value (`z:[REDACTED:token]`): judged as it was before, without the marker (a
        # marker cut short, `[REDACTED:coo…` in a shortened sample, is no marker to take away)
        value = unmarked
        if not value or not is_secret_value(key_kind, value):
            return False
    if _ALGORITHM.fullmatch(value):
        return False  # `token = createHmac('sha256', …)`, `"key": "aes-256-gcm"`: what signs, not with what
    if _PUBLIC_KEY_VALUE.match(value) and "PRIVATE" not in value:
        return False  # `hostKey: ssh-rsa AAAA…`, a certificate under `tls_key`
    if key_kind != "weak" and _key_bytes(trimmed + "]" * trimmed.startswith("[")):
        return True  # `SOLANA_PRIVATE_KEY=[174,47,…]`: a key's bytes written as numbers
    word = value.rstrip(")]},.;:")
    if key_kind == "pin" and word.isdigit():
        return len(word) >= 4  # a one-time code or a PIN
    if key_kind != "weak" and word.isdigit() and len(word) >= 8:
        return True  # a numeric token (`session_token: 9283746519283749`)
    if _NUMBER.match(word) or (key_kind != "pin" and _QUANTITY.fullmatch(word)):
        return False
    # generated: long enough, with letters (`Session: 30546173_4261722401` is an id)
    if key_kind in ("token", "pin"):
        if _EXCEPTION_NAME.fullmatch(word):
            return False  # `Failed to refresh access token: RefreshError`: what went wrong getting it
        return len(value) >= 6 and not is_plain_words(word) and any(c.isalpha() for c in value)
    if _NAME_PATH.match(value):
        return False  # a path or a colon-separated name of words and numbers (`users:profile:12345`)
    if _NAMED_DIGEST.fullmatch(value):
        return False  # words and a digest (`cache key: build-linux-x64-8c2b1d3a4e5f6071`)
    if _SETTINGS_VALUE.search(value):
        return False  # a URL or settings (`Server=db;Database=app`): the rules for their parts read them
    if _CAMEL_WORDS.fullmatch(value):
        return False  # a name (`<add key="ConnectionPassword" …>`)
    if _WORDS_AND_NUMBERS.fullmatch(value):
        return False  # words and small numbers (`license: GPL-3.0-or-later`)
    sample = value[:256]
    random_looking = any(c.isdigit() for c in sample) or (len(sample) >= 16 and _mixed_case(sample))
    return len(value) >= 12 and entropy(sample) >= 3.0 and random_looking


# the credential words of scripts written without spaces (`密码`, `パスワード`, `토큰`)
_GLUED_CREDENTIAL_WORDS = tuple(
    word for word in (*_PASSWORD_WORDS, *_TOKEN_WORDS) if _GLUED_WORDS.fullmatch(word) is not None
)
_KEY_HINTS = (
    b"pass",
    b"psk",
    b"mnemonic",
    b"phrase",
    b".login",
    b"-team",
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
    b"mfa",
    b"2fa",
    b"licen",
    b"hmac",
    # a token pair's halves by their quoted names only (`"access": "X"`, `'refresh': 'X'`, `\"access\"`): the
    # bare words are everywhere in prose (`access denied`) and name no credential there
    *(half + quote for half in (b"access", b"refresh") for quote in (b'"', b"'", b"\\")),
    b"salt",
    b"nonce",
    b"code",
    b"ticket",
    b"pin",
    b"cvv",
    b"cvc",
    b"saml",
    b"assertion",
    b"dockerc",
    b"macaroon",
    # a call that creates a user with its password (Neo4j's `dbms.security.createUser('u', 'X', false)`)
    b"createuser",
    b"create_user",
    b"adduser",
    b"add_user",
    b"logged_in",
    b"kennwort",
    b"senha",
    b"wachtwoord",
    b"contrase",
    b"haslo",
    b"sifre",
    b"losenord",
    b"geheimnis",
    b"jeton",
    b"clave",
    b"chiave",
    b"chave",
    b"sleutel",
    b"nyckel",
    "nøkkel".encode(),
    b"anahtar",
    # commands that read a secret store and print the secret (`_COMMAND_OUTPUT` reads their output line)
    *(b"keyring get", b"env:get", b"config:get", b"with-decryption", b"kv get", b"op read", b"vault read"),
    "\u0130fre".encode(),  # `ŞİFRE`, `SİFRE`
    "ключ".encode(),
    b"klucz",
    b"parola",
    b"salasana",
    b"adgangskode",
    b"heslo",
    "hasło".encode(),
    *("hasła".encode(), "hasłem".encode(), "haśle".encode()),  # its inflected forms
    "şifre".encode(),
    "lösenord".encode(),
    "clé".encode(),
    "schlüssel".encode(),
    "парол".encode(),  # `пароль` and its inflected forms (`пароля`, `паролем`)
    "токен".encode(),
    "密码".encode(),
    "密钥".encode(),
    "令牌".encode(),
    "口令".encode(),
    "パスワード".encode(),
    "トークン".encode(),
    "비밀번호".encode(),
    "토큰".encode(),
    b"csrf",
    b"xsrf",
    b"segret",
    b"parole",
    *(word.encode() for word in _CJK_SECRET_WORDS),
    *(word.encode() for word in _OTHER_PASSWORD_WORDS),
    # names the key-name rules know that hold none of the hints above
    b"pswd",
    b"segredo",
    b"connectionstring",
    b"connection_string",
    b"connection-string",
    b"connstr",
    b"dsn",
    b"hook",  # a webhook's URL (`alertWebhookUrl`, `SLACK_WEBHOOK`): `_webhook_name`
    *(name.encode() for name in _KEY_CONTENT_NAMES),
    "секрет".encode(),
    *(word.rsplit(" ", 1)[1].encode() for word in _OTHER_PASSWORD_WORDS if " " in word),  # `mat_khau`
)
# An SNMP community or passphrase: `_DEVICE_CONFIG`'s, and net-snmp's directives
_SNMP_GATES = (b"community", b"com2sec", b"trapsink", b"trap2sink", b"informsink", b"createuser")
# The tools `_CLI_PASSWORD` knows (`docker … login` by its `login`): with one of its flags, they gate it.
_CLI_TOOLS = (
    b"login",
    b"mongo",
    b"conan",
    b"redis-cli",
    b"ldap",
    b"sqlcmd",
    b"bcp",
    b"osql",
    b"isql",
    b"ipmitool",
    b"smbclient",
    b"mosquitto_",
    b"p4 ",
)
_CLI_FLAGS = (b"-p", b" -a", b" -w", b" -P")
# The tools `_TOOL` knows, and the `-t` of `_TOKEN_FLAG`.
_TOOL_GATES = (
    b"ldappasswd",
    b"ssh-keygen",
    b"openssl",
    b"zip",
    b"7z",
    b"rar ",
    b"put-parameter",
    b"codecov",
    b"snmp",
    b"keyvault",
    b"-t",
)
# An HTTP request line, whose path `_url_paths` reads.
_REQUEST_LINES = (
    *(b"get /", b"post /", b"put /", b"patch /", b"delete /", b"head /", b"options /"),
    *(b'get "/', b'post "/', b'put "/', b'patch "/', b'delete "/'),  # Rails' `Started GET "/path" for …`
    # Ktor's CallLogging: `500 Internal Server Error: POST - /path in 5ms`
    *(b"get - /", b"post - /", b"put - /", b"patch - /", b"delete - /", b"head - /", b"options - /"),
    # Django's `Not Found: /path`, `Forbidden (CSRF token missing.): /path` (`_REASON_PATH`)
    *(
        b"found: /",
        b"error: /",
        b"request: /",
        b"unauthorized: /",
        b"forbidden: /",
        b"forbidden (",
        b"gone: /",
    ),
    *(b"not allowed (", b"requests: /", b"unavailable: /"),
)
# What `_CREDENTIAL_COMMAND` needs: a subcommand named after a credential (`activate-refresh-token`), `vault`,
# `openssl` (`passwd`) or `mkpasswd`.
_CREDENTIAL_COMMAND_GATES = (
    *(
        b"-token",
        b"-password",
        b"-passwd",
        b"-passphrase",
        b"-secret",
        b"-apikey",
        b"-api-key",
        b"-authtoken",
    ),
    *(b"vault", b"openssl", b"mkpasswd"),
)
# The commands `_POSITIONAL` knows.
_POSITIONAL_GATES = (
    b"rabbitmqctl",
    b"net user",
    b"net.exe",
    b"wpa_passphrase",
    b"mc ",
    b"convertto-securestring",
    b"auth-pass",
    b"net use",
    b"-network",
    b"keyctl",
    b"drush",
    b"mosquitto_passwd",
    b"addauth",
    b"cargo",
)
# What `_ORACLE_LOGON` needs: an Oracle tool, or SQL*Plus' prompt or privilege.
_ORACLE_GATES = (
    b"sqlplus",
    b"rman",
    b"expdp",
    b"impdp",
    b"sqlldr",
    b"dgmgrl",
    b"sysdba",
    b"sysoper",
    b"sql>",
    b"cx_oracle",
    b"oracledb",
)
# What `_CONNECT_CALL` needs: a call that logs in.
# Words near a payment card number (`_card_spans`).
_CARD_GATES = (b"card", b"pan", b"visa", b"mastercard", b"amex", b"credit", b"debit")
_CALL_GATES = (
    b"connect(",
    b"login(",
    b"logon(",
    b"bind(",
    b"bind_s(",
    b"__construct(",
    b".begin(",
    b".addap(",
    b".softap(",
)
# What `_SLASH_PASSWORD` needs: a Windows tool's password flag.
_SLASH_GATES = (b"/p:", b"/pw:", b"-p:", b"/rp", b"signtool", b"pvk2pfx", b"certutil")
# What `_ACL_SETUSER` needs.
_ACL_GATES = (b"setuser",)
# What `_AUTH_COMMAND` and `_AUTH_ARGUMENT` need: `auth` before a space or a quote (`AUTH X`, `"AUTH" "X"`).
_AUTH_GATES = (b"auth ", b"auth\t", b'auth"', b"auth2 ", b'auth2"', b"authtoken", b"authenticate ")
# What `_login_spans` and `_login_object_spans` need: the words of signing in, the verbs `log` and `sign` (in their
# inflections) with `in` or `on`, joined as a word (`login`, `signon`), by a blank, a hyphen or `_` (`sign-in`,
# `log_on`, `signed-on`), and `auth`, `authenticate`, `authn`, `unlock`.
_LOGIN_GATES = (
    *(b"login", b"logon", b"signin", b"signon"),
    *(
        verb + joiner + particle
        for verb in (b"log", b"logs", b"logged", b"logging", b"sign", b"signs", b"signed", b"signing")
        for joiner in (b" ", b"-", b"_")
        for particle in (b"in", b"on")
    ),
    *(b"unlock", b"authenticat", b"authn", b"auth ", b"auth\t", b"auth(", b"auth:"),
)
# Literals that gate the context rules below (private key blocks, cookies, DSNs, flags, emails).
# Text naming a secret written in hex (PostgreSQL's bytea `\x7061…`, a hex dump of a request body): the hex of
# `pass`, `secret`, `token`, `key`, `auth` and `pwd` gates `_hex_spans`.
_HEX_GATES = tuple(word.encode().hex().encode() for word in ("pass", "secret", "token", "key", "auth", "pwd"))
_HEX_RUN = _Deferred(rb"(?:^|[^0-9A-Fa-f])(?P<run>[0-9A-Fa-f]{16,})")
# A key's word in a language that writes its qualifier after it (`ключ доступа: X`, `klucz dostępu: X`): it gates
# `_phrase_spans` (`_QUALIFIED_NAME`); as a name's word (`ключ_api=X`) it is one of `_KEY_HINTS` too.
_QUALIFIED_KEY_GATES = ("ключ".encode(), b"klucz")
# the gates of `_NICKSERV_IDENTIFY` (IRC services' logins)
_IRC_GATES = (b"nickserv", b"chanserv", b"cserve", b"/ns ", b"/cs ", b"oper ")
_CONTEXT_GATES = (
    *_HEX_GATES,
    b"expect",  # an Expect script's `send` after a password prompt
    b"begin",
    b"--end",  # a key's END marker
    b"- end",
    b"echo ",  # a value piped to a command
    b"printf ",
    b"<<<",  # a here-string
    b"ugfzc3dvcmq6",  # SMTP's password prompt, `Password:` in base64
    b"invalid connection option",  # libpq's complaint, quoting a piece of a password cut at a space
    b"http-basic.",  # a package manager's basic credentials (`composer config http-basic.HOST USER X`)
    b"-oauth.",  # and its OAuth token (`composer config github-oauth.github.com X`)
    b"cgfzc3dvcmq6",  # `password:` in base64
    *_CALL_GATES,
    b"cookie",
    b"://",
    b"-u",
    *_CLI_FLAGS,
    b"mysql",
    b"mariadb",
    b"sshpass",
    b"@",
    b"identified",
    b"connect to",  # SQL's `CONNECT TO db USER u USING X`
    b"mutation",
    b"%",
    b"\\u",
    b"\\x",
    b":\\/\\/",  # a URL in JSON that escapes `/` (PHP's `json_encode`): `postgres:\/\/app:X@db`
    b"&",
    b"=3d",  # quoted-printable's `=` (`token=3DX`)
    b"quoted-printable",  # a body declared so (`Content-Transfer-Encoding: quoted-printable`): its soft breaks
    *_CLI_TOOLS,
    *_TOOL_GATES,
    *_POSITIONAL_GATES,
    *_ACL_GATES,
    *_CREDENTIAL_COMMAND_GATES,
    *_SLASH_GATES,
    *_ORACLE_GATES,
    *_AUTH_GATES,
    *_LOGIN_GATES,
    *_REQUEST_LINES,
    *_CARD_GATES,
    *_SNMP_GATES,  # an SNMP community (`snmp-server community X RO`, `rocommunity X`): `_device_config_spans` alone
    *_IRC_GATES,  # IRC services' `IDENTIFY [account] X`
    *_QUALIFIED_KEY_GATES,
)
_RUN_GATE = b"<random run>"  # the gate of `_RUN`, which needs no literal
# A character of a key name: ASCII word characters, or any non-ASCII one but CJK and full-width punctuation
# (`密码：x`). Not `\pL`: RE2 compiles each of the 64 repetitions of a Unicode class into its own program,
# 0.1 s for each pattern holding a key name.
_KEY_CHAR = rb"[A-Za-z0-9_.\-\x{80}-\x{2fff}\x{3040}-\x{fefe}]"
_KEY_RUN_BOUND = 64
_KEY_RUN = _KEY_CHAR + b"{0,%d}" % _KEY_RUN_BOUND
_KEY_RUN_UNCOUNTED = _KEY_CHAR + b"*"  # what `_Capped` runs
_KEY_NAME = (
    _KEY_RUN
    + rb"(?:pass|pwd|pw|secret|token|credential|cred|sig|auth|cookie|sess|key|sid|jwt|bearer|otp|mfa|2fa|licen"
    # netsh's `Key Content      : X`: a Wi-Fi profile's passphrase. The padding after the names once, not after
    # each (the same matches, in the same order): RE2 compiles a copy of `[ ]` for each count, and after each of
    # the 21 names they were a third of every key name's program (`_KEY_NAME` is in some 25 patterns)
    rb"|psk|mnemonic|(?:key[ ]content|"
    + "|".join(name.replace(" ", "[ ]") for name in _KEY_CONTENT_NAMES).encode()
    + rb")[ ]{0,24}|phrase|\.login|-team|access|refresh"
    rb"|hmac|salt|nonce|code|ticket|pin|saml|assertion|dockerc|logged_in|kennwort|senha|wachtwoord|contrase|haslo"
    rb"|sifre|losenord|geheimnis|jeton|clave|parola|salasana|adgangskode|heslo|has\x{142}o|\x{15f}ifre|l\x{f6}senord"
    rb"|[s\x{15f}]\x{130}fre"  # upper case Turkish (`ŞİFRE`: RE2 folds no `İ` onto `i`)
    rb"|cl\x{e9}|schl\x{fc}ssel|\x{43f}\x{430}\x{440}\x{43e}\x{43b}\x{44c}|\x{442}\x{43e}\x{43a}\x{435}\x{43d}"
    rb"|\x{5bc6}\x{7801}|\x{5bc6}\x{94a5}|\x{4ee4}\x{724c}|\x{53e3}\x{4ee4}|\x{30d1}\x{30b9}\x{30ef}\x{30fc}\x{30c9}"
    rb"|\x{30c8}\x{30fc}\x{30af}\x{30f3}|\x{be44}\x{bc00}\x{bc88}\x{d638}|\x{d1a0}\x{d070}|csrf|xsrf|chiave|segret|parole|"
    # other languages' words for a key (`key_class` reads them; `ключ_api=X`, `chave_api=X`)
    rb"chave|sleutel|nyckel|n\x{f8}kkel|klucz|anahtar|\x{43a}\x{43b}\x{44e}\x{447}|"
    + "|".join(_OTHER_PASSWORD_KEYS + _CJK_SECRET_WORDS).encode()
    + rb"|pswd|segredo|connection[_-]?string|connstr|dsn|hook|macaroon|\x{441}\x{435}\x{43a}\x{440}\x{435}\x{442}|"
    + "|".join(word.replace(" ", "[ _.-]?") for word in _OTHER_PASSWORD_WORDS if " " in word).encode()
    + rb")"
    + _KEY_RUN
)
# A named group that holds a key name and at most a leading `-` or two (`(?P<key>--?` + `_KEY_NAME`), as `_Capped`
# finds it.
_KEY_NAME_GROUP = compile_regex(
    rb"\(\?P<(\w+)>(?:--\?|-\{0,2\})?(?:"
    + re.escape(_KEY_NAME)
    + rb"\)|\(\?i:"
    + re.escape(_KEY_NAME)
    + rb"\)\))"
)
# A key, its closing quote (JSON, or JSON inside a JSON string: `\"`, or inside that: `\\\"`) or Markdown
# (`**password**:`, `` `token`: ``), a separator (also a comparison in source code, `if password == "X"`), then
# the value on the same line: double quoted (escapes allowed), escaped-quoted, single quoted, or bare up to a
# space, quote, `&`, `;` or `\`; or a lone value on the next line.
_KEY_VALUE = _Capped(
    rb"(?i)(?P<key>"
    + _KEY_NAME
    # an Erlang tuple's comma before a binary (`{default_pass,<<"X">>}`)
    + rb")(?:\\{0,3}[\"']\]?|\]|\\|\*{1,2}|`)?(?:\s{0,8}(?:=>|:=|={2,3}|!={1,2}|=|:|\x{ff1a}|\x{ff1d}|,[ \t]{0,8}<<)"
    rb"|[ \t]{1,8}->[ \t])"  # Scala's `Map(sasl.password -> X)`; not code's `$this->password`
    # a YAML node's anchor or tag before its value (`password: &db X`, `token: !!str X`); a local tag names where the
    # value comes from, the name after it is no value (Home Assistant's `password: !secret db_password`, `!Ref`, `!ENV`)
    rb"(?:[ \t]{1,8}(?:&[A-Za-z0-9_.-]{1,64}|!![A-Za-z0-9_.:/-]{0,64}|(?P<tag>![A-Za-z][A-Za-z0-9_.:/-]{0,63}))){0,2}"
    # Go's `%#v` of a header (`"X-Api-Key":[]string{"X"}`), an Erlang binary (`password => <<"X">>`)
    rb"(?:\s{0,8}(?:\[\][A-Za-z0-9_.*]{1,32}\{|<<)?(?:"
    rb"(?:\\\\)?\\\"(?P<esc>(?:[^\"\\]|\\[^\"])+?)(?:\\\\)?\\\""  # also JSON escaped twice: `\\\"X\\\"`
    # also Python's `\"\"\"X\"\"\"`; not a quote that ends its line (`"password:"` then the next line)
    rb"|\"(?:\"\")?(?P<dq>(?:[^\"\\\r\n]|\\.)(?:[^\"\\]|\\.)*)\""
    # T-SQL's Unicode literal `N'X'`; a quote escaped inside (`'it\'s'`) if the value closes after it
    rb"|N?'(?:'')?(?P<sq>(?:[^'\\\r\n]|\\[^\r\n])+|[^'\r\n]+)')"
    # after up to 32 spaces: a column of values (Consul's `SecretID:         X`, `kubectl describe`)
    # not a separator's second half (`password==` is `==` and what follows)
    rb"|[ \t]{0,32}(?P<bare>>[+-]?[ \t]{0,8}\r?\n|[^\s\"'&;\\<>=][^\s\"'&;\\<>]*)"  # `>` only as a YAML folded block's header
    # a value alone on the next line; not a key there (`auth:` then `  client_secret: X` is a parent key)
    rb"|[ \t]{0,8}\r?\n[ \t]{1,16}(?P<nl>[^\s\"'&;\\<>:]{1,256})"
    rb"(?:[ \t]{1,4}\"[^\"\r\n]{0,256}\")?[ \t]{0,8}(?:\r?\n|$))"  # PHP's `string(12) "X"` after `=>`
)
_FLAG = _Capped(
    rb"(?i)(?:^|[\s\"'(\[])(?P<key>--?" + _KEY_NAME + rb")\s{1,8}(?:"
    rb"\"(?P<dq>[^\"\r\n]+)\"|'(?P<sq>[^'\r\n]+)'|(?P<bare>[^\s\"'\\-][^\s\"'\\]*))"
)
# A credential flag's value given as a process substitution, a file the shell fills with what a command prints
# (`openvpn --askpass <(echo X)`, `--auth-user-pass <(printf '%s\n' user X)`, `wg … private-key <(echo X)`): the
# whole `<(…)` is the value.
_PROCESS_SUBSTITUTION = _Capped(
    rb"(?i)(?:^|[\s\"'(\[])(?P<key>-{0,2}" + _KEY_NAME + rb")(?:[ \t]{1,8}|=)"
    rb"(?P<value><\([^()\r\n]{1,256}(?:\([^()\r\n]{0,64}\)[^()\r\n]{0,128})?\))"
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
# `Authorization: <scheme> <credentials>`: the scheme is kept when it is a known one. The credentials may be on
# a continuation line of the header (a folded header, a wrapped log line: `Bearer` then `\n  X`).
_AUTHORIZATION = _Deferred(
    rb"(?i)\b(?:proxy-)?(?:authorization|x-auth-token|x-api-key|api-key|x-goog-api-key)\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}"
    rb"(?:\\{0,2}[\"'])?(?:(?P<scheme>[A-Za-z][A-Za-z0-9-]{0,30})[ \t]{0,8}(?:\r?\n)?[ \t]{1,8})?"
    rb"(?P<cred>[^\s\"'\\,()\[\]{}<>]+)"
)
# A credential after a scheme word anywhere (`Bearer abc…`, `SSWS 00x…`): not a plain dictionary word.
_SCHEME_CREDENTIAL = _Deferred(
    rb"(?i)\b(?:bearer|basic|ssws|token)[ \t]{1,8}(?P<cred>[A-Za-z0-9._~+/=-]{8,})"
)
# Cookie headers: everything up to the end of the header (all cookie values are session material).
_COOKIE = _Deferred(
    rb"(?i)\b(?:set-)?cookie\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}(?:\\{0,2}[\"'])?(?P<cred>[^\r\n\"\\]+)"
)
# An attribute a `Set-Cookie` header gives its cookie (RFC 6265 and its drafts), after its `;`: it says how the
# browser keeps the cookie, never what it holds, and a cookie's problem is often its attributes' (`SameSite=None`
# without `Secure`). (Each piece of a value ends with no blank, so the blanks after it are the separator's alone.)
_COOKIE_ATTRIBUTE = compile_regex(
    rb"(?i)[ \t]{0,8}(?:(?:path|domain|max-age|samesite|priority)=[^;\s\"\\]{0,256}"
    rb"|expires=[A-Za-z]{3},?(?:[ \t]{1,4}[0-9A-Za-z:-]{1,20}){0,6}|secure|httponly|partitioned)[ \t]{0,8}"
)
# A cookie that holds a setting: a word or two (`theme=dark`, `locale=en-US`, `lang=de`), a small number
# (`cart_count=3`), a time zone (`tz=Europe%2FBerlin`), or Google Analytics' client id (`_ga=GA1.1.<n>.<time>`)
_SETTING_COOKIE = compile_regex(
    rb"[ \t]{0,8}(?P<name>[A-Za-z0-9_.-]{1,64})=(?:[A-Za-z]{1,16}(?:[-_][A-Za-z0-9]{1,8}){0,2}|\d{1,6}"
    rb"|[A-Za-z]{2,16}%2F[A-Za-z_]{2,32}|GA\d\.\d\.\d{1,12}\.\d{9,12})[ \t]{0,8}"
)
# A DSN or URL with a password: the password runs to the first `@` (it may hold a space, quote or slash).
# (also a user without a password: a token as a URL's user, `https://<token>@github.com/…`)
_DSN = _Deferred(rb"(?i)\b[a-z][a-z0-9+.-]{0,31}://(?P<user>[^\s:/@\"'<>]*)(?::(?P<cred>[^@\r\n]{1,256}?))?@")
# A value that starts as a port would (`host:8080/path@x`, `host:8080 then prose@x`); a password only when the
# host after its `@` names a port of its own (a URL has one), its `/` starts no `/@` path segment (an npm scope, a
# handle), and one holding a blank ends where the URL does (`redis://default:12 Quiet Harbor@cache:6379`)
_PORT_LIKE = compile_regex(r"^\d{1,5}(?:[/?#\s]|$)")
_PORT_LIKE_PASSWORD = compile_regex(r"^\d{1,5}(?:#|/[^/@][^/]*$|\s|$)")
# a host and its port (not an image's digest: `app@sha256:4f2a…`), then the URL's path
_HOST_WITH_PORT = compile_regex(
    rb"(?P<host>[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}(?![A-Za-z0-9])"
    rb"(?P<rest>[/?#][^\s\"'<>]*)?"
)
_PORT_GOES_ON = compile_regex(rb":\d")  # `@host:80:90`: no port of a host
_URL_END = compile_regex(
    rb"[ \t]*(?:[\r\n\"'`)\]>]|$)|:[ \t]"
)  # also an error's `: ` after it (Go's `dial …: `)
# A SIP URI's password, which has no `//` before its user (`sip:1001:X@pbx`, `sips:`), and Asterisk's registration
# string (`register => 1001:X@pbx/1001`, `1001:X:authuser@pbx`).
_SIP_USERINFO = _Deferred(
    rb"(?i)(?:\bsips?:|\bregister[ \t]{0,8}=>[ \t]{0,8})[^\s:@;\"'<>]{1,64}:(?P<cred>[^\s:@;\"'<>]{1,128})(?::[^\s:@;\"'<>]{1,64})?@"
)
# `curl -u user:pass`, `mysql -pSECRET`, `sshpass -p SECRET`.
# `user:pass` or `:pass` after `-u`/`--user`/`-U`/`--proxy-user` (curl; `-u` also attached, `-ubot:X`), `-a`/`--auth` (httpie), `stats auth` (HAProxy);
# `user,pass` (lftp -u) and `DOM\\user%pass` (smbclient -U) too, quoted or not.
_USER_FLAG_FORMS = (
    rb"(?:(?:-u|-U|--user|--proxy-user|-a|--auth|stats[ \t]{1,8}auth)(?:=|[ \t]{1,8})|-u)[\"']?[^\s:,%\"']+:"
    rb"|(?:-u|--user)(?:=|[ \t]{1,8})[\"']?:"  # an empty user: the token is the password (`curl -u :X`)
    rb"|-U(?:=|[ \t]{1,8})[\"']?[^\s%\"']+%"
)
_LFTP_USER = rb"|lftp[ \t](?:[^\r\n]{0,256}?[ \t])?-u[ \t]{1,8}[\"']?[^\s,\"']+,[\"']?"
_USER_FLAG = _Deferred(
    rb"(?:^|[\s\"'])(?:" + _USER_FLAG_FORMS + _LFTP_USER + rb")(?P<cred>[^\s\"'/~][^\s\"']*)"
)
# The same without lftp's form, for a text without `lftp`, where that alternative matches nowhere, so the first
# match at each position is the same: its `[^\r\n]{0,256}?` is most of the pattern's program (RE2 compiles a copy
# of the class for each count), compiled for any text with `auth` in it (`Authorization: Bearer …`).
_USER_FLAG_WITHOUT_LFTP = _Deferred(
    rb"(?:^|[\s\"'])(?:" + _USER_FLAG_FORMS + rb")(?P<cred>[^\s\"'/~][^\s\"']*)"
)
# A password or token that a command takes as a positional argument, not after a flag: `rabbitmqctl add_user U P`,
# `net user U P /add`, `cargo login [--registry R] T`, `wpa_passphrase SSID P`, `mc alias set NAME URL KEY SECRET`,
# PowerShell's `ConvertTo-SecureString "P" -AsPlainText`, Redis Sentinel's `sentinel auth-pass MASTER P`. What is a word, a number or a path (`net user bob /delete`) stays.
_ARGUMENT_RE2 = rb"(?:\"[^\"\r\n]{1,256}\"|'[^'\r\n]{1,256}'|[^\s\"']{1,256})"
# A value, bare or quoted as a shell quotes it (`-p'X'`, `-a "X Y"`, a positional `"X"`): the quotes are kept.
_QUOTED_FLAG_VALUE = rb"(?:'(?P<sq>[^'\r\n]{1,256})'|\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>[^\s\"']{1,256}))"
_POSITIONAL = _Deferred(
    rb"(?:^|[\s\"'`(;|&>$])(?:(?:"
    rb"(?i:rabbitmqctl(?:\.bat)?(?:[ \t]{1,8}-[nqlt](?:[ \t]{1,8}[^\s-][^\s]{0,255})?)*"
    rb"[ \t]{1,8}(?:add_user|change_password|authenticate_user))[ \t]{1,8}" + _ARGUMENT_RE2
    + rb"|(?i:net(?:\.exe)?[ \t]{1,8}user)[ \t]{1,8}" + _ARGUMENT_RE2
    + rb"|cargo[ \t]{1,8}login(?:[ \t]{1,8}--registry(?:=|[ \t]{1,8})[^\s\"']{1,64})?"
    # `net use [Z:|*] \\server\share [/user:DOMAIN\name] PASSWORD [/user:DOMAIN\name]`
    + rb"|(?i:net(?:\.exe)?[ \t]{1,8}use)(?:[ \t]{1,8}(?:[A-Za-z]:|\*))?[ \t]{1,8}\\\\[^\s\"']+"
    + rb"(?:[ \t]{1,8}/user:[^\s\"']+)?"  # the password may come after the user
    + rb"|wpa_passphrase[ \t]{1,8}" + _ARGUMENT_RE2
    + rb"|mc[ \t]{1,8}(?:alias[ \t]{1,8}set|config[ \t]{1,8}host[ \t]{1,8}add)(?:[ \t]{1,8}" + _ARGUMENT_RE2 + rb"){3}"
    # MinIO's `mc admin user add ALIAS USER SECRET`
    + rb"|mc[ \t]{1,8}admin[ \t]{1,8}user[ \t]{1,8}add(?:[ \t]{1,8}" + _ARGUMENT_RE2 + rb"){2}"
    + rb"|(?i:ConvertTo-SecureString)(?:[ \t]{1,8}-(?i:String|AsPlainText|Force)){0,3}"
    # Android's `cmd wifi connect-network|add-network SSID wpa2|wpa3|wep PASSPHRASE`
    + rb"|cmd[ \t]{1,8}wifi[ \t]{1,8}(?:connect|add)-network[ \t]{1,8}" + _ARGUMENT_RE2 + rb"[ \t]{1,8}(?:wpa2|wpa3|wep)"
    + rb"|sentinel[ \t]{1,8}auth-pass[ \t]{1,8}" + _ARGUMENT_RE2
    # Drupal's `drush user:password NAME X` (`upwd`, `user-password`); Mosquitto's `mosquitto_passwd -b FILE USER X`
    + rb"|drush[ \t]{1,8}(?:[^\s]{1,64}[ \t]{1,8}){0,4}(?:user:password|user-password|upwd)[ \t]{1,8}" + _ARGUMENT_RE2
    + rb"|mosquitto_passwd(?:[ \t]{1,8}-c)?[ \t]{1,8}-b(?:[ \t]{1,8}-c)?(?:[ \t]{1,8}" + _ARGUMENT_RE2 + rb"){2}"
    # the Linux kernel's key retention: `keyctl add TYPE DESCRIPTION DATA KEYRING`, `keyctl update KEY DATA`
    + rb"|keyctl[ \t]{1,8}(?:add(?:[ \t]{1,8}" + _ARGUMENT_RE2 + rb"){2}|update[ \t]{1,8}" + _ARGUMENT_RE2 + rb")"
    + rb")[ \t]{1,8}" + _QUOTED_FLAG_VALUE
    # ZooKeeper's `addauth digest USER:X` (zkCli), which logs the session in with the password
    + rb"|addauth[ \t]{1,8}digest[ \t]{1,8}[^\s:\"']{1,64}:(?P<digest>[^\s\"']{1,256}))"
)  # fmt: skip
_ORACLE_ERROR_CODE = compile_regex(rb"[A-Z]{2,5}-[0-9]{3,6}")
# Redis' `ACL SETUSER user rule…`, also quoted as MONITOR writes it (`"ACL" "SETUSER" "bob" "on" ">X"`): a rule
# `>X` adds the password X, `<X` removes it (still the password). `_positional_spans` reads each rule once, to the
# line's end (a pattern counting the rules before the password cost RE2 a second to compile).
_ACL_SETUSER = compile_regex(rb"(?i)(?:^|[\s\"'`(;|&>$])\"?acl\"?[ \t]{1,8}\"?setuser\"?[ \t]{1,8}[^\s]+")
_ACL_PASSWORD_RULE = compile_regex(rb"(?:^|[ \t])[\"']?[<>](?P<acl>[^\s\"']{1,256})")
# Oracle's logon `user/password[@db]` to its tools and SQL*Plus' `CONNECT` (`sqlplus scott/X`, `rman target sys/X`,
# `SQL> connect sys/X as sysdba`, `expdp system/X schemas=…`). `/ as sysdba` is the operating system's login.
_ORACLE_LOGON = _Deferred(
    rb"(?i)(?:\b(?:sqlplus|rman|expdp|impdp|exp|imp|sqlldr|dgmgrl)(?:[ \t]{1,8}-[A-Za-z]{1,16})*[ \t]{1,8}(?:userid=)?"
    rb"|\b(?:target|catalog|auxiliary)[ \t]{1,8}|(?:^|sql>)[ \t]{0,8}conn(?:ect)?[ \t]{1,8}"
    # the same string given to a driver (`cx_Oracle.connect("scott/X@db")`)
    rb"|\b(?:cx_oracle|oracledb)\.(?:connect|sessionpool|create_pool)\([ \t]{0,8}(?:(?:user|dsn)[ \t]{0,4}=[ \t]{0,4})?"
    rb")[\"']?[A-Za-z_][\w$#]{0,63}/"
    rb"(?:\"(?P<dq>[^\"\r\n]{1,128})\"|(?P<bare>[^\s@/\"']{1,128}))"
)
# Redis' `AUTH [user] P`, also quoted as MONITOR writes it (`"AUTH" "default" "P"`), MIGRATE's `AUTH P` and `AUTH2
# user P` options, and SMTP's `AUTH PLAIN <b64>`: of the one or two arguments, those that look like a password (a user
# name is mostly a word).
_AUTH_COMMAND = _Deferred(
    rb"(?:^|[\s\"'>])\"?(?i:auth2?)\"?[ \t]{1,8}"
    + _QUOTED_FLAG_VALUE
    + rb"(?:[ \t]{1,8}(?P<second>"
    + _ARGUMENT_RE2
    + rb"))?"
)
# A CLI's `auth <token>` (`snyk auth <uuid>`, `ngrok authtoken X`): a UUID or a generated value.
_AUTH_ARGUMENT = _Deferred(
    rb"(?i)(?:^|[\s\"'`(;|&])(?:auth|authtoken|authenticate)[ \t]{1,8}(?P<cred>[A-Za-z0-9][A-Za-z0-9_.~+/=-]{15,255})"
)
# `echo 'user:pass' | chpasswd`
_CHPASSWD = _Deferred(
    rb"\becho[ \t]{1,8}(?:-[ne][ \t]{1,8})?[\"']?[^\s:\"']{1,64}:(?P<cred>[^\s\"']{1,256})[\"']?[ \t]{0,8}\|"
    rb"[ \t]{0,8}(?:sudo[ \t]{1,8})?chpasswd"
)
# The same fed by a here-string: `chpasswd <<< 'user:pass'`
_CHPASSWD_HERE = _Deferred(
    rb"\bchpasswd\b[^\r\n|;&<>]{0,64}<<<[ \t]{0,8}[\"']?[^\s:\"']{1,64}:(?P<cred>[^\s\"']{1,256})"
)
# The same after a separate flag, where a bare value is not a next flag (`-p -h db`).
_SEPARATE_FLAG_VALUE = (
    rb"(?:'(?P<sq>[^'\r\n]{1,256})'|\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>[^\s\"'-][^\s\"']{0,255}))"
)
# A Windows tool's password flag: `xfreerdp /p:X`, `wevtutil /pw:X`, `winrs -p:X`, `schtasks … /rp X`; not an
# MSBuild property (`/p:Configuration=Release`, `-p:Version=1.2`), whose name the key-value rules read.
_SLASH_PASSWORD = _Deferred(
    rb"(?i)(?:^|[\s\"'])(?:[/-](?:p|pw|rp):|/rp[ \t]{1,8}"
    # a signing tool's PFX password: `signtool sign /f a.pfx /p X`, `pvk2pfx … /pi X /po X`, `certutil -p X -importpfx`
    rb"|(?:signtool|pvk2pfx|certutil)(?:\.exe)?[ \t][^\r\n]{0,256}?[ \t][/-](?:p|pi|po)[ \t]{1,8})"
    + _SEPARATE_FLAG_VALUE
)
_PROPERTY = compile_regex(rb"[A-Za-z_][A-Za-z0-9_.:-]{0,64}=")
_MYSQL_P = _Deferred(
    rb"(?i)\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlsh)\b[^\r\n]{0,256}?\s-p"
    + _QUOTED_FLAG_VALUE
)
_SSHPASS = _Deferred(rb"\bsshpass\s{1,8}-p\s{0,8}" + _QUOTED_FLAG_VALUE)
# A user's password (its crypt hash, which cracks offline) given to the tool that sets it: `useradd -m -p '$6$…'
# bob`, `usermod --password X bob`
_USER_TOOL_GATES = (b"useradd", b"usermod", b"adduser")
_USER_TOOL_PASSWORD = _Deferred(
    rb"\b(?:useradd|usermod|adduser)\b[^\r\n|;&]{0,256}?[ \t](?:-p|--password)(?:=|[ \t]{1,8})"
    + _SEPARATE_FLAG_VALUE
)
# An Expect script's answer to a password prompt: `expect "*assword:*"` then `send "X\r"`; or as `expect -d` (or
# `exp_internal 1`) traces it: the prompt matched (`expect: does "…password: " (spawn_id exp4) match glob pattern
# "*assword:"? yes`, `expect: set expect_out(0,string) "password:"`), then, a few trace lines on, `send: sending "X\r"
# to { exp4 }`.
_EXPECT_SEND = _Deferred(
    rb"(?i)(?:\bexpect[ \t]{1,8}[^\r\n]{0,64}?(?:assword|pass[ \t]?phrase|passcode|\bpin\b)[^\r\n]{0,64}\r?\n[ \t]{0,16}"
    rb"(?:exp_)?send[ \t]{1,8}(?:--[ \t]{1,8})?"
    rb"|(?:assword|pass[ \t]?phrase|passcode|\bpin\b)[^\r\n]{0,160}(?:\?[ \t]{1,4}yes|\")\r?\n(?:[^\r\n]{0,200}\r?\n){0,3}?"
    rb"send:[ \t]{1,4}sending[ \t]{1,4})(?:\"(?P<dq>[^\"\r\n\\]{1,256})(?:\\[rn])?\"|(?P<bare>[^\s\"\\]{1,256}))"
)
# A value piped to a command that reads a secret from its input: `echo X | docker login --password-stdin`,
# `printf 'X' | gcloud secrets versions add … --data-file=-`, `echo X | sudo -S …`, `… | passwd --stdin`,
# `… | gh auth login --with-token`.
_PIPED = _Deferred(
    rb"\b(?:echo|printf(?:[ \t]{1,8}(?:'%s[^'\r\n]{0,8}'|\"%s[^\"\r\n]{0,8}\"|%s(?:\\n)?))?)[ \t]{1,8}(?:-[neE]{1,3}[ \t]{1,8})?"
    rb"(?:'(?P<sq>[^'\r\n]{1,256})'|\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>[^\s|'\"][^\s|]{0,255}))"
    rb"[ \t]{0,8}\|[ \t]{0,8}(?P<command>[^\r\n|;&]{1,256})"
)
# The same fed by a shell's here-string: `docker login … --password-stdin <<< 'X'`, `vault login - <<< X`.
_HERE_STRING = _Deferred(rb"(?P<command>[^\r\n|;&<>]{1,256})<<<[ \t]{0,8}" + _QUOTED_FLAG_VALUE)
_READS_SECRET = compile_regex(
    rb"(?i)stdin|--with-token\b|--data-file[= ]-(?:\s|$)|\bsudo\b.*\s-S\b|\b(?:smb|ldap|k)?passwd\b|\bcryptsetup\b|passphrase-fd"
    # Kerberos' `kinit user@REALM`, `htpasswd -i`, `cifscreds add`, FreeIPA's `--password`: the password from the input
    rb"|\bkinit(?:\s|$)|\bhtpasswd\b.*\s-[A-Za-z]*i\b|\bcifscreds\b|\bipa\b.*\s--password\b"
    rb"|\blogin\b.*\s-(?:\s|$)"  # `vault login -`: the token from the input
    # the kernel's keyring (`keyctl padd user NAME @u`), the desktop's (`secret-tool store --label=… key value`)
    rb"|\bkeyctl\b.*\bp(?:add|update)\b|\bsecret-tool\b.*\bstore\b"
    rb"|\bsecrets?[ \t].*\b(?:set|put|add|create)\b"
)
# `htpasswd -b[…] FILE USER PASSWORD`, `htpasswd -nb USER PASSWORD`: `-b` takes the password on the command line.
_HTPASSWD = _Deferred(
    rb"\bhtpasswd(?P<flags>(?:[ \t]{1,8}-[A-Za-z]{1,8}(?:[ \t]{1,8}[0-9]{1,6})?){1,4})"  # `-C 10`, `-r 5000`
    rb"(?P<args>(?:[ \t]{1,8}(?:\"[^\"\r\n]{0,256}\"|'[^'\r\n]{0,256}'|[^\s\"']{1,256})){2,3})"
)
_ARGUMENT = compile_regex(rb"\"[^\"]*\"|'[^']*'|[^\s\"']+")
# A CLI's setting given after a space: `aws configure set aws_secret_access_key X`, `yarn config set
# npmAuthToken X`, `dotnet user-secrets set "Smtp:Password" X`.
# Also as Redis' MONITOR writes a command, each word quoted: `"CONFIG" "SET" "requirepass" "X"`.
_CONFIG_SET_COMMAND = rb"\"?(?:config(?:ure)?|user-secrets|secrets?)\"?[ \t]{1,8}\"?set\"?[ \t]"
_CONFIG_SET = _Capped(
    rb"(?i)\b" + _CONFIG_SET_COMMAND + rb"[ \t]{0,7}"
    rb"(?:--?[A-Za-z][A-Za-z0-9-]{0,31}(?:=[^\s\"']{1,64})?[ \t]{1,8}){0,4}[\"']?(?P<key>"
    + _KEY_NAME
    + rb")[\"']?"
    rb"(?:[ \t]{1,8}(?:-b|--body))?"  # `gh secret set NAME --body X`
    rb"[ \t]{1,8}(?:\"(?P<dq>[^\"\r\n]{1,256})\"|'(?P<sq>[^'\r\n]{1,256})'|(?P<bare>[^\s\"'-][^\s\"']{0,255}))"
)
# Protocol transcripts: FTP's and POP3's `USER x` then `PASS X`, IMAP's `a1 LOGIN user X`.
_FTP_PASS = _Deferred(
    rb"\bUSER[ \t]{1,8}[^\r\n]{1,256}\n(?:[^\n]{0,256}\n){0,2}?[^\n]{0,16}?\bPASS[ \t]{1,8}(?P<bare>[^\s]{1,256})"
)
# FTP's or POP3's `PASS X` on a line of its own, the `USER` line before it in another entry or gone: the command
# first on the line or after a transcript's mark (curl -v's `> `, lftp's `---> `, pyftpdlib's `<- `, ftplib's
# `*cmd* '`, vsftpd's `"`, a log prefix's `]`, POP3's `C:`), its one argument last. A test runner's `PASS  x.test.js`
# names a file (`_FILE_NAME`); Go's `--- PASS: TestX` and `PASS` alone have no argument.
_FTP_LONE_PASS = _Deferred(
    rb"(?m)(?:^[ \t]{0,8}|(?:[>'\"\]]|<-|\b[CS]:)[ \t]{0,4})PASS[ \t]{1,8}(?P<bare>[^\s\"']{1,256})[\"']?[ \t]{0,8}\r?$"
)
_FILE_NAME = compile_regex(r"[\w@.+/-]{0,255}[A-Za-z0-9_-]\.[A-Za-z][A-Za-z0-9]{0,4}")
_IMAP_LOGIN = _Deferred(
    rb"(?i)(?:^|[\s>:])[a-z]{0,4}[0-9]{1,6}[ \t]{1,8}login[ \t]{1,8}(?:\"[^\"\r\n]{0,256}\"|[^\s\"]{1,256})[ \t]{1,8}"
    rb"(?:\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>[^\s\"]{1,256}))"
)
# IRC services' login (Atheme's and Anope's NickServ and ChanServ, QuakeNet's Q): `IDENTIFY [account] X` sent to
# one, as a client's log or a bouncer's raw line writes it (`PRIVMSG NickServ :IDENTIFY bob X`, `/msg NickServ
# identify X`, `/ns identify X`, irssi's `[msg(NickServ)] IDENTIFY X`, `PRIVMSG NickServ@services.libera.chat
# :IDENTIFY …`, `PRIVMSG Q@CServe.quakenet.org :AUTH bob X`), and its other commands that carry one (GHOST,
# REGISTER, RECOVER, …), the line going on after it or not (`… X (len=38)`, a JSON string's `X"`): the first word
# after the command and the second (an account may come first, so either may be the password), or a quoted one.
# Also the server's `OPER name X`.
_IRC_SERVICE = (
    rb"(?i)(?:\b(?:nick|chan)serv(?:@[\w.-]{1,64})?\b|\bq@cserve\.[\w.-]{1,64}|(?:^|\s)/(?:ns|cs)\b)[^\w\s]{0,3}"
    rb"[ \t]{0,4}:?[ \t]{0,4}(?:identify|id|ghost|register|recover|release|regain|auth|login)[ \t]{1,8}"
)
_IRC_WORD = rb"[^\s\"'(]{1,256}"
_NICKSERV_IDENTIFY = (
    _Deferred(_IRC_SERVICE + rb"(?:\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>" + _IRC_WORD + rb"))"),
    _Deferred(
        _IRC_SERVICE
        + rb"[^\s\"'(]{1,64}[ \t]{1,8}(?:\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>"
        + _IRC_WORD
        + rb"))"
    ),
    _Deferred(rb"(?:^|[\s:])OPER[ \t]{1,8}[^\s]{1,64}[ \t]{1,8}(?P<bare>" + _IRC_WORD + rb")"),
)
# A Kubernetes Secret written as YAML: every value of its `data:` and `stringData:` maps is a secret.
_K8S_SECRET_KIND = _Deferred(rb"(?m)^[ \t]{0,16}kind:[ \t]{0,4}[\"']?Secret[\"']?[ \t]{0,4}\r?$")
_K8S_DATA = _Deferred(rb"(?m)^(?P<indent>[ \t]{0,16})(?:data|stringData):[ \t]{0,4}\r?$")
_YAML_ENTRY = compile_regex(rb"([ \t]*)(?:[^\s:#][^:\r\n]{0,253}:[ \t]+)?([^\r\n]*)")

_KEY_BEGIN = _Deferred(
    rb"-{4,5} ?BEGIN [A-Z0-9 ]{0,64}(?:PRIVATE KEY(?: BLOCK)?|OpenVPN Static key V\d) ?-{4,5}"
)
KEY_END_PATTERN = rb"-{4,5} ?END [A-Z0-9 ]{0,64}(?:PRIVATE KEY(?: BLOCK)?|OpenVPN Static key V\d) ?-{4,5}"
"""A private key block's END line (`reassemble` reads a block logged one line per entry by it too)."""
_KEY_END = _Deferred(KEY_END_PATTERN)
# `user:password@host` without a scheme (a proxy setting, a DSN written by hand): the password, when it looks
# like one (`_userinfo_spans` decides; `mailto:bob@x.org`, `Error:bob@x.org` keep theirs).
_USERINFO = _Capped(
    rb"(?:^|[\s\"'(=,;<>])(?P<user>[A-Za-z][A-Za-z0-9._+-]{0,63}):(?P<cred>[^\s:/@\"'<>\[\]]{6,128})@"
    rb"(?P<host>(?:tcp|udp|unix)\(|[A-Za-z0-9][A-Za-z0-9.-]{0,252})"  # Go's MySQL DSN: `user:pass@tcp(db:3306)/x`
)
_NOT_USERS = (b"mailto", b"sip", b"sips", b"xmpp", b"tel", b"im", b"pres", b"acct", b"urn", b"news")
# After a host of one label (a container's or a service's name: `app:X@db`), where an address ends: a port, a
# path, a space, a quote or the text's end; not an image's digest (`redis:7-alpine@sha256:…`).
_SHORT_HOST_END = compile_regex(rb"(?::\d{1,5})?(?:[/\s\"',;)\]}>]|$)")
_DIGEST_HOSTS = frozenset((b"sha256", b"sha512", b"sha384", b"sha1", b"md5", b"blake2b", b"blake3"))
# `email:password`, a login as credential lists and `curl -u` write it: what follows the address's `:` up to a space
# or quote, when it looks like a password (not a port, a path: `git@github.com:acme/app.git`, a word).
_EMAIL_PASSWORD = _Capped(
    rb"(?:^|[\s\"'(=,;<>])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}"
    rb":(?P<cred>[^\s:/@\"'<>\[\](){},;~]{4,128})(?:$|[\s\"',;)\]}])"
)
_EMAIL = _Deferred(
    rb"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
)
# The unit types of systemd, whose template units are named `name@instance.type` (`user@1000.service`,
# `postgresql@15-main.service`, `getty@tty1.service`): no top-level domain, so no address ends in one
_SYSTEMD_UNIT_TYPES = frozenset(
    (b"service", b"socket", b"device", b"mount", b"automount", b"swap", b"path", b"timer", b"slice", b"scope")
)


# A password written bare runs to a space or quote: `DB_PASSWORD=LxWJN&Pde0;x` is one value. A backslash stays
# in it unless it starts an escape of JSON or a shell (`\n`, `\"`); a `&` ends it only in a URL query.
# (a `;` or `,` before the next parameter's name and `=` ends it too: `password=X;transportMode=http`, Teradata's
# `PASSWORD=X,LOGMECH=TD2`)
_PASSWORD_TAIL = compile_regex(
    rb"(?:[^\s\"'\\&;,]|[&;,](?![A-Za-z][A-Za-z0-9_.\-]{0,63}=)|\\(?![nrtu\"'\\/]))*"
)
_QUERY_TAIL = compile_regex(rb"(?:[^\s\"'\\&]|\\(?![nrtu\"'\\/]))*")

# A name, then its value, without `key=value`: XML elements (`<wsse:Password Type="…">X</`), name/value pairs
# (`<add key="DbPassword" value="X"/>`, `{"name": "DB_PASSWORD", "value": "X"}`, Kubernetes' `- name: X`
# then `value: Y`, Spring Boot's binding failure `Property: spring.datasource.password` then `Value: "X"`), and
# `<input type="password" value="X">`.
_XML_ELEMENT = _Capped(
    rb"(?i)<(?:[A-Za-z0-9_.-]{1,32}:)?(?P<key>" + _KEY_NAME + rb")(?:\s[^<>]*)?>"
    rb"(?:<!\[CDATA\[(?P<dq>[^\]]{1,1000})\]\]>|(?P<bare>[^<]+))</"
)
# A credential given on the line after the words that ask or tell it: a prompt (`Enter passphrase for key
# '/root/.ssh/id_rsa':`, `[sudo] password for bob:`, `Password for 'https://bob@github.com':`) or a sentence
# (`your new password is:`, `the generated admin password was`, Jenkins' `use the following password to proceed to
# installation:` and a blank line; MySQL's `A temporary password is generated for root@localhost: X`, the value last
# on the same line), or R's print of a list's element (`$password` then
# `[1] "X"`); the value alone on its line (quoted, or of a password's shape: `password is` then `required` stays).
_ANSWER_LINE = _Capped(
    rb"(?i)(?:(?P<key>"
    + _KEY_NAME
    + rb")[ \t]{1,4}(?:(?:is|was)[ \t]{0,4}:?|(?:[A-Za-z]{2,16}[ \t]{1,4}){0,3}(?:for|to)[ \t][^\r\n]{1,200}?:)"
    rb"|(?:^|\s)\$(?P<rkey>"
    + _KEY_NAME
    + rb"))(?:[ \t]*\r?\n(?:[ \t]*\r?\n){0,2}[ \t]{0,16}|[ \t]{1,4})(?:\[1\][ \t]{1,4})?"
    rb"(?:\"(?P<dq>[^\"\r\n]{1,256})\"|'(?P<sq>[^'\r\n]{1,256})'|(?P<bare>[^\s\"'<>]{1,256}))[ \t]*(?:\r?\n|$)"
)
# A validation error that echoes the input it rejected, the field named apart from the value: pydantic's
# `db_password` line then `  String should have … [type=string_too_short, input_value='X', input_type=str]`, and
# Spring's `Field error in object 'form' on field 'password': rejected value [X];`. The value is judged by the
# field's name (its last dotted part).
_REJECTED_INPUT = _Deferred(
    rb"(?m)^[ \t]{0,8}(?P<key>[A-Za-z_][A-Za-z0-9_.\[\]-]{0,128})[ \t]*\r?\n[ \t]{1,8}[^\r\n]{0,512}?"
    rb"\[type=[A-Za-z0-9_.]{1,64},[ \t]input_value="
    rb"(?:'(?P<sq>[^'\r\n]{1,256})'|\"(?P<dq>[^\"\r\n]{1,256})\"|(?P<bare>[^,\]\s{\[][^,\]\s]{0,255}))"
    rb"|on field '(?P<field>[^'\r\n]{1,128})': rejected value \[(?P<rejected>[^\]\r\n]{1,256})\]"
)
# The same as a structured error, in JSON or a Python dict: pydantic's and FastAPI's `{"loc": ["body",
# "password"], "msg": …, "input": "X"}`, Spring's `{"field": "password", "rejectedValue": "X"}`, in any key order:
# the value's key is found, then the field's name in the same object (`_ERROR_FIELD`).
_ERROR_INPUT = _Deferred(
    rb"\\{0,2}[\"'](?:input|rejectedValue|invalidValue)\\{0,2}[\"'][ \t]{0,8}:[ \t]{0,8}"
    rb"(?:\\{0,2}\"(?P<dq>[^\"\\\r\n]{1,256})\\{0,2}\"|'(?P<sq>[^'\r\n]{1,256})'|(?P<bare>[^,}\]\s\"']{1,256}))"
)
_ERROR_FIELD = compile_regex(
    rb"\\{0,2}[\"'](?:loc\\{0,2}[\"'][ \t]{0,8}:[ \t]{0,8}[\[(](?P<path>[^\])\r\n]{1,256})[\])]"
    rb"|(?:field|propertyPath)\\{0,2}[\"'][ \t]{0,8}:[ \t]{0,8}\\{0,2}[\"'](?P<name>[^\"'\\\r\n]{1,128}))"
)
_LAST_QUOTED = compile_regex(rb"[\"']([^\"'\\]{1,128})\\{0,2}[\"'][ \t]*,?[ \t]*$")
# A command that prints a credential, and its output alone on the next line, as a CI log or a shell transcript
# shows them: `$ argocd admin initial-password -n argocd` then `X`, `+ vault kv get -field=password secret/db`,
# `kubectl get secret db -o jsonpath='{.data.password}' | base64 -d`, `terraform output -raw db_password`. The
# command is written after a prompt (`$`, `+` of `set -x`, `[command]` of GitHub Actions, `PS …>`) or starts
# with a tool that reads secrets (`SECRET_TOOLS`); it names a credential in an argument, or reads a secret store
# (`_SECRET_READS`); `_command_output_spans` judges both and the output's shape.
SECRET_TOOLS = (
    "vault", "kubectl", "oc", "gcloud", "aws", "az", "op", "pass", "gopass", "bw", "lpass", "doppler",
    "infisical", "sops", "terraform", "tofu", "heroku", "fly", "flyctl", "argocd", "grafana-cli", "cat", "security",
    "pwgen", "base64", "jq", "yq", "kubeseal", "chamber", "credhub", "keyring", "secret-tool", "sudo",
)  # fmt: skip
COMMAND_PROMPT = r"(?:(?:\$|\+{1,3}|PS [^>\r\n]{0,64}>)[ \t]{1,4}|\[command\])"
_COMMAND_OUTPUT = _Deferred(
    rb"(?m)^[ \t]{0,8}(?P<prompt>" + COMMAND_PROMPT.encode() + rb")?"
    rb"(?P<command>[A-Za-z./][\w./-]{0,64}[ \t][^\r\n]{1,512})\r?\n"
    # the output may have no newline of its own, the shell's trace of the next command then follows on its line
    # (`base64 -d` of a secret, then `+ echo done`)
    rb"[ \t]{0,8}(?P<bare>[^\s\"'<>{}\[\]]{4,256})[ \t]*(?:\r?\n|$|\+[ \t])"
)
# The same after a prefix a logger or a CI step wrote before the prompt (`step 3: $ op read …`, `[ci] + gcloud …`):
# the prompt itself then tells the command
_PREFIXED_COMMAND_OUTPUT = _Deferred(
    rb"(?m)^[^\r\n]{1,240}?[ \t](?P<prompt>(?:\$|\+{1,3})[ \t]{1,4})"
    rb"(?P<command>[A-Za-z./][\w./-]{0,64}[ \t][^\r\n]{1,512})\r?\n"
    rb"[ \t]{0,8}(?P<bare>[^\s\"'<>{}\[\]]{4,256})[ \t]*(?:\r?\n|$|\+[ \t])"
)
# what `_COMMAND_OUTPUT` needs at a line's start: a prompt or a tool that reads secrets (one RE2 search)
_COMMAND_LINE = _Deferred(
    rb"(?m)^[ \t]{0,8}(?:"
    + COMMAND_PROMPT.encode()
    + rb"|(?:"
    + "|".join(SECRET_TOOLS).encode()
    + rb")[ \t])"
)
_COMMAND_ARGUMENT = compile_regex(rb"[^\s=/'\"{}()|:,;]+")
_FILE_EXTENSION = compile_regex(
    rb"\.(?:py|go|js|ts|rb|java|sh|ya?ml|json|md|txt|toml|cfg|conf|ini|lock|log|tf)$"
)
SECRET_READS_PATTERN = (
    r"(?i)\bsecrets?[ \t]+(?:versions[ \t]+access|show|get|read|reveal|describe|cat|view|download)\b"
    r"|\bget-secret-value\b|\bkv[ \t]+get\b|\bvault[ \t]+read\b|\bop[ \t]+read\b|\b(?:go)?pass[ \t]+show\b"
    r"|\bfind-(?:generic|internet)-password\b|\bbase64[ \t]+(?:-d|--decode|-D)\b|\b(?:config|env):get\b"
    # a keyring's lookup (Python's `keyring get`, libsecret's `secret-tool lookup`), an SSM parameter decrypted
    r"|\bkeyring[ \t]+get\b|\bsecret-tool[ \t]+lookup\b|--with-decryption\b"
)
"""Commands that read a secret store; each holds one of `SECRET_READ_WORDS` (in lower case)."""
SECRET_READ_WORDS = (
    "secret", "kv get", "vault read", "op read", "pass show", "password", "base64 -", "config:get", "env:get",
    "keyring get", "with-decryption",
)  # fmt: skip
_SECRET_READS = compile_regex(SECRET_READS_PATTERN.encode())
# A value alone on its line that the next sentence names (a blank line or two between): Argo CD's `X` then
# `This password must be only used for first time login.`, `The above token expires in 24h`.
_VALUE_NAMED_AFTER = _Capped(
    rb"(?m)^[ \t]{0,8}(?P<bare>[^\s\"'<>{}\[\]]{4,256})[ \t]*\r?\n(?:[ \t]*\r?\n){0,2}[ \t]{0,8}"
    rb"(?i:this|that|the[ \t]+above|above)[ \t]+(?P<key>[A-Za-z][A-Za-z_-]{1,40})\b"
)
# A value told on the line after a sentence that names its credential, under a word that only says "the value"
# (Elasticsearch's `Password for the [elastic] user successfully reset.` then `New value: X`).
_VALUE_AFTER_SENTENCE = _Capped(
    rb"(?im)(?:^|[\s\[(\"'])(?P<key>" + _KEY_NAME + rb")\b[^\r\n]{0,200}\r?\n"
    rb"[ \t]{0,8}(?:new[ \t]{1,4}|generated[ \t]{1,4})?(?:value|result|output)[ \t]{0,4}:[ \t]{0,8}"
    rb"(?:\"(?P<dq>[^\"\r\n]{1,256})\"|'(?P<sq>[^'\r\n]{1,256})'|(?P<bare>[^\s\"'<>]{1,256}))[ \t]*(?:\r?\n|$)"
)
# An XML element named for a credential whose text starts on its next line (`<Password>` then `  X`), as a
# stream split per line logs it
_XML_OPEN_NEXT = _Capped(
    rb"(?i)<(?:[A-Za-z0-9_.-]{1,32}:)?(?P<key>"
    + _KEY_NAME
    + rb")(?:\s[^<>\r\n]{0,200})?>[ \t]*\r?\n[ \t]{0,16}"
    rb"(?P<bare>[^\s<>]{1,256})[ \t]*(?:\r?\n|$|</)"
)
# PHP's `var_dump` of an object's private or protected property: `["secret":protected]=>`,
# `["db_pass":"App\Config":private]=>`, then `string(9) "X"` (on the same line or the next)
_PHP_PROPERTY = _Capped(
    rb"(?i)\[[\"'](?P<key>"
    + _KEY_NAME
    + rb")[\"']:[^\]\r\n]{1,128}\]=>\s{0,16}(?:string\(\d{1,9}\)[ \t]{0,4})?"
    rb"\"(?P<dq>(?:[^\"\\\r\n]|\\.){1,256})\""
)
# PHP's `serialize()` (sessions, caches, queued jobs): a string key then its string value, each with its length,
# `s:8:"password";s:12:"X";` (a protected or private property's name starts `\0*\0` or `\0Class\0`, which a log
# may write escaped). The value is read by its length: it may hold `"` and `;`.
_PHP_SERIALIZED = _Capped(
    rb"(?i)s:\d{1,3}:\"(?:(?:\\0|\\u0000|\x00)[^\"\\\x00]{0,64}(?:\\0|\\u0000|\x00))?(?P<key>"
    + _KEY_NAME
    + rb")\";s:(?P<length>\d{1,5}):\""
)
# A name with its type, then its quoted value: `PASSWORD: str = 'X'` (Python), `const SECRET_KEY: &str = "X";`
# (Rust), `apiKey: string = "X"` (TypeScript)
_ANNOTATED = _Capped(
    rb"(?i)(?P<key>"
    + _KEY_NAME
    + rb")[ \t]{0,4}:[ \t]{0,4}&?(?:'static[ \t]{1,4})?[A-Za-z_][\w.\[\], <>|]{0,48}?"
    rb"[ \t]{0,4}=[ \t]{0,4}(?:\"(?P<dq>(?:[^\"\\\r\n]|\\.){1,256})\"|'(?P<sq>[^'\r\n]{1,256})')"
)
_NAME_VALUE = _Capped(
    rb"(?i)\b(?:name|key|type|id|param|parameter|variable|setting|property|header|field|option|attribute)"
    rb"\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}\\{0,2}[\"']?"
    rb"(?:/?(?:[A-Za-z0-9_.-]{1,64}/){1,8})?"  # a parameter store's path (`Name: /prod/db/password`)
    rb"(?P<key>" + _KEY_NAME + rb")\\{0,2}[\"']?[^{}<>\[\]]{0,96}?\bvalue\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}(?:"
    rb"(?:\\\\)?\\\"(?P<esc>(?:[^\"\\]|\\[^\"])+?)(?:\\\\)?\\\""
    rb"|\"(?P<dq>(?:[^\"\\]|\\.)+)\""
    rb"|'(?P<sq>[^'\r\n]+)'"
    rb"|(?P<bare>[^\s\"'<>,}]+))"
)
# The same pair with the value first (`{"value": "X", "name": "DB_PASSWORD"}` as Go or protobuf may order it), and
# a prefixed pair in either order: CloudFormation's `{"ParameterKey": "DbPassword", "ParameterValue": "X"}`,
# a tag's `{"Value": "X", "Key": "api_token"}`, Azure's `{"keyName": "key1", "value": "X"}`.
_VALUE_NAME = _Capped(
    rb"(?i)\b(?:[a-z]{1,32})?value\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}(?:"
    rb"(?:\\\\)?\\\"(?P<esc>(?:[^\"\\]|\\[^\"])+?)(?:\\\\)?\\\""
    rb"|\"(?P<dq>(?:[^\"\\]|\\.)+)\""
    rb"|'(?P<sq>[^'\r\n]+)')"
    rb"[^{}<>\[\]]{0,96}?\b(?:[a-z]{1,32})?(?:name|key|header|variable|field|param|parameter|property|setting|option"
    rb"|attribute|path)\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}\\{0,2}[\"']?"
    rb"(?P<key>" + _KEY_NAME + rb")"
)
# The same pair on two lines, value first and bare (Kubernetes' `value: X` then `- name: DB_PASSWORD`)
_VALUE_LINE_NAME = _Capped(
    rb"(?i)\bvalue[ \t]{0,8}[:=][ \t]{0,8}(?P<bare>[^\s\"'<>,}]+)[ \t]*\r?\n[ \t]{0,16}(?:-[ \t]{1,8})?"
    rb"(?:name|key)[ \t]{0,8}[:=][ \t]{0,8}[\"']?(?P<key>" + _KEY_NAME + rb")"
)
_PREFIXED_NAME_VALUE = _Capped(
    rb"(?i)\b[a-z]{1,32}(?:name|key)\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}\\{0,2}[\"']?"
    rb"(?P<key>"
    + _KEY_NAME
    + rb")\\{0,2}[\"']?[^{}<>\[\]]{0,96}?\b[a-z]{1,32}value\\{0,2}[\"']?\s{0,8}[:=]\s{0,8}(?:"
    rb"(?:\\\\)?\\\"(?P<esc>(?:[^\"\\]|\\[^\"])+?)(?:\\\\)?\\\""
    rb"|\"(?P<dq>(?:[^\"\\]|\\.)+)\""
    rb"|'(?P<sq>[^'\r\n]+)')"
)
# A setter or a builder given one string: `setPassword("X")`, `.withApiKey('X')`, `.password("X").build()`,
# `$client->setSecret("X")`. A getter's argument is a name (`getPassword("db")`), so only these verbs or none.
_SETTER_CALL = _Deferred(
    rb"(?:^|[^A-Za-z0-9_$])(?P<name>[A-Za-z][A-Za-z0-9_]{0,64})\(\s{0,4}b?(?:"
    rb"\"(?P<dq>(?:[^\"\\\r\n]|\\.){1,256})\"|'(?P<sq>[^'\\\r\n]{1,256})')\s{0,4}\)"
)
# A signing or encryption key written into the call that uses it: `jwt.sign(payload, "X")`, `jwt.encode(p, 'X')`,
# `hmac.new(b'X', msg, sha256)`, Go's `hmac.New(sha256.New, []byte("X"))`, Node's `createHmac('sha256', 'X')`,
# Java's `new SecretKeySpec("X".getBytes(), …)`.
_KEY_CALL = _Capped(
    rb"(?i)(?:\bjwt\.(?:sign|encode|decode|verify)\([^,()\r\n]{1,128},|\bhmac\.new\((?:[^,()\r\n]{1,64},\s{0,4}\[\]byte\()?"
    rb"|createHmac\([^,()\r\n]{1,32},|\bSecretKeySpec\()\s{0,4}b?(?:"
    rb"\"(?P<dq>[^\"\\\r\n]{1,256})\"|'(?P<sq>[^'\\\r\n]{1,256})')"
)
_SETTER_VERBS = frozenset(("set", "with", "use", "put", "update", "change", "store", "save", "add"))
# the last word of an exception's class (`InvalidPasswordError("…")`, `TokenException('…')`): given a message
_FAULT_WORDS = frozenset(("error", "exception", "fault", "failure", "problem"))
_SETTER_GATES = (b'("', b"('", b"(b'", b'(b"')
_KEY_CALL_GATES = (b"jwt", b"hmac", b"key")

# The name in an attribute or a sibling element, the value in the element's text (C7): Java's XML properties
# `<entry key="db.password">X</entry>`, `<param name="token">X</param>`; Hadoop's and Hive's
# `<property><name>…ConnectionPassword</name><value>X</value></property>`; a plist's `<key>…</key><string>X`;
# .NET's `<setting name="Password" serializeAs="String"><value>X</value>`.
_XML_ATTRIBUTE_NAME = _Capped(
    rb"(?i)<[A-Za-z0-9_.:-]{1,64}[ \t][^<>]{0,256}?\b(?:key|name|id|param|property|setting|variable)[ \t]{0,4}=[ \t]{0,4}"
    rb"[\"'](?P<key>"
    + _KEY_NAME
    + rb")[\"'][^<>]{0,256}>\s{0,64}(?:<(?:[A-Za-z0-9_.-]{1,32}:)?value(?:[ \t][^<>]{0,256})?>)?"
    rb"(?P<bare>[^<]+)</"
)
_XML_SIBLING_NAME = _Capped(
    rb"(?i)<(?:[A-Za-z0-9_.-]{1,32}:)?(?:name|key)>\s{0,8}(?P<key>"
    + _KEY_NAME
    + rb")\s{0,8}</(?:[A-Za-z0-9_.-]{1,32}:)?"
    rb"(?:name|key)>\s{0,64}<(?:[A-Za-z0-9_.-]{1,32}:)?(?:value|string|data)(?:[ \t][^<>]{0,256})?>(?P<bare>[^<]+)</"
)
# A name as a quoted string, then its value as the next quoted string of a tuple, list or call (C5):
# `('x-api-key', 'X')`, `set_cookie('session', 'X')`, `setenv("DB_PASSWORD", "X")`, `os.environ["TOKEN"] = "X"`.
_QUOTED_PAIR = _Capped(
    rb"(?i)(?P<open>[\"'])(?P<key>" + _KEY_NAME + rb")[\"']\s{0,8}(?P<sep>,|\]\s{0,8}=)\s{0,8}(?:"
    rb"\"(?P<dq>(?:[^\"\\\r\n]|\\.){1,256})\"|'(?P<sq>[^'\r\n]{1,256})')"
)
# .NET's `KeyValuePair<TKey, TValue>.ToString()`, `[key, value]` (a dictionary's entries logged one by one, or the
# items of a header collection): the value after the key's `, ` up to the closing bracket, spaces and all
_PRINTED_PAIR = _Capped(
    rb"(?i)(?:^|[^\w\]\[])\[(?P<key>" + _KEY_NAME + rb"), (?P<value>[^\s\[\]][^\[\]\r\n]{0,255})\]"
)
# Clojure's EDN (and its printed maps, as clojure.tools.logging and timbre log them): a keyword's name
# (`{:db-password "X"}`, `{:user "bob" :password X}`), or a string key in a map (`{:headers {"x-api-key" "X"}}`),
# then blanks and the value, no separator (a comma, blank to EDN, separates the entries as Clojure prints them)
_EDN_PAIR = _Capped(
    rb"(?i)(?:(?:^|[\s{(\[,]):(?P<key>"
    + _KEY_NAME
    + rb")|[{,][ \t]{0,8}\"(?P<skey>"
    + _KEY_NAME
    + rb")\")[ \t]{1,8}(?:\"(?P<dq>(?:[^\"\\\r\n]|\\.){1,256})\"|(?P<bare>[^\s\"'(){}\[\],:;#][^\s\"(){}\[\],;]{0,255}))"
)
# What a list of field names holds after a password's name: `['password', 'username']` names fields.
_FIELD_NAMES = {
    "user", "username", "user_name", "login", "email", "mail", "name", "id", "uid", "account", "phone", "host",
    "port", "database", "db", "url", "realm", "domain", "tenant", "scope", "grant_type", "code",
}  # fmt: skip
# what `_QUOTED_PAIR` needs (`\s` as Python's bytes patterns read it; RE2 searches a long text faster)
_QUOTED_PAIR_GATE = _compile_bytes(
    rb"[\"'][ \t\n\r\f\x0b]{0,8}(?:,|\][ \t\n\r\f\x0b]{0,8}=)[ \t\n\r\f\x0b]{0,8}[\"']"
)
_JSON_KEY_NEXT = compile_regex(rb"\\{0,2}\s{0,8}:")
_SCHEME_PREFIX = compile_regex(r"(?i)([a-z][a-z0-9-]{0,30})[ \t]+(?=\S)")
# A config line that gives a password after a space, not `=`: redis.conf's `requirepass X` and `masterauth X`,
# OpenLDAP's `rootpw X`, ipsec.secrets' `: PSK "X"`, nmcli's `wifi-sec.psk X`,
# `.npmrc`'s `//registry/:_authToken X` (as `npm config set` takes it), `_auth X`, `_password X`.
_SPACED_CONFIG = _Deferred(
    rb"(?i)(?:^|[\s\"'`;])(?P<key>requirepass|masterauth|rootpw|psk|(?:\S{0,256}:)?_(?:authToken|auth|password)"
    # NetworkManager's secret properties, as `nmcli connection add|modify` takes them (`wifi-sec.psk X`)
    rb"|(?:wifi-sec|802-11-wireless-security|802-1x|gsm|cdma|pppoe|wireguard)\.(?:psk|password|wep-key[0-3]"
    rb"|leap-password|private-key-password|phase2-private-key-password|private-key|preshared-key))[ \t]{1,8}(?:"
    rb"\"(?P<dq>[^\"\r\n]+)\"|'(?P<sq>[^'\r\n]+)'|(?P<bare>[^\s\"']+))"
)
# A network device's configuration (Cisco IOS/NX-OS, Junos, FortiOS, hostapd), as automation and config backups
# echo it: a credential keyword, an optional encryption type or key number and algorithm, then the value after a
# space (`username admin secret 0 X`, `snmp-server community X RO`, `crypto isakmp key X address …`,
# `ip ospf message-digest-key 1 md5 X`, `key-string X`, `set psksecret X`, `pre-shared-key ascii X`,
# `plain-text-password-value X`, `wpa-psk X`, SNMPv3's `auth sha X priv aes 128 X`). `_device_config_spans` decides.
# Also net-snmp's directives (snmpd.conf(5), snmptrapd.conf(5)), whose community or passphrase comes after the
# arguments before it: `rocommunity X [SOURCE]`, `rwcommunity6 X`, `trapcommunity X`, `authCommunity TYPES X`,
# `com2sec [-Cn CONTEXT] NAME SOURCE X`, `trap2sink HOST X`, `createUser [-e ID] NAME SHA X [AES Y]` (its privacy
# passphrase Y: `_USM_PRIVACY`).
_DEVICE_CONFIG = _Deferred(
    rb"(?i)(?:^|[\s\"';:])(?P<key>community|(?:ro|rw)community6?|trapcommunity|authcommunity[ \t]{1,4}[a-z,]{3,32}"
    rb"|com2sec6?(?:[ \t]{1,4}-cn[ \t]{1,4}[^\s]{1,64})?[ \t]{1,4}[^\s]{1,64}[ \t]{1,4}[^\s]{1,128}"
    rb"|(?:trap2?|inform)sink[ \t]{1,4}[^\s]{1,128}"
    rb"|(?P<usm>createuser(?:[ \t]{1,4}-e[ \t]{1,4}[^\s]{1,64})?[ \t]{1,4}[^\s]{1,64}[ \t]{1,4}(?:md5|sha(?:-?\d{3})?))"
    rb"|psksecret|pre-?shared-key|key-string|wpa-psk|wpa-passphrase|auth-key"
    rb"|[a-z]{1,16}(?:-[a-z]{1,16}){0,3}-password-value|(?:message-digest|authentication)-key(?:[ \t]{1,4}\d{1,5})?"
    rb"|secret|password|key|auth[ \t]{1,4}(?:md5|sha\d{0,3})|priv[ \t]{1,4}(?:des|3des|aes)(?:[ \t]{1,4}\d{3})?)"
    rb"(?P<type>(?:[ \t]{1,4}(?:[05-9]|md5|sha\d{0,3}|ascii(?:-text)?|hex|enc|encrypted|plain(?:text)?|cleartext|unencrypted))?)"
    rb"[ \t]{1,4}(?:\"(?P<dq>[^\"\r\n]{1,128})\"|(?P<bare>[^\s\"']{4,128}))"
)
# The protocols and features a bare `key`, `secret` or `password` belongs to in a device's configuration.
_DEVICE_CONTEXT = compile_regex(
    rb"(?i)\b(?:isakmp|ikev?[12]?|ipsec|crypto|tacacs(?:-server)?|radius(?:-server)?|ospf|bgp|neighbor|eigrp|isis"
    rb"|ntp|snmp(?:-server|d|trapd)?|vrrp|hsrp|glbp|standby|tunnel|key[ \t]chain|aaa)\b"
)
# A typed credential (`secret 0 X`, `key 7 X`) or a protocol's name: `_device_config_spans` may find a value. Run
# by RE2, each byte a character as `re` reads a bytes pattern: `re` tries a case-insensitive alternation at every
# byte (~0.1 µs a byte, 100 µs on a traceback that names a `KeyError`), RE2's automaton reads each byte once.
_DEVICE_CONTEXT_GATE = _Deferred(
    rb"(?i)(?:secret|password|key)[ \t]{1,4}(?:[05-9]|md5|sha\d{0,3}|ascii|hex|enc(?:rypted)?)[ \t]|"
    + _DEVICE_CONTEXT.pattern[4:],
    as_bytes=True,
)
# createUser's privacy passphrase after its authentication passphrase (`… SHA "X" AES "Y"`)
_USM_PRIVACY = compile_regex(
    rb"(?i)[ \t]{1,4}(?:des|aes(?:-?\d{3})?c?)[ \t]{1,4}(?:\"([^\"\r\n]{1,128})\"|([^\s\"']{4,128}))"
)
_DEVICE_GATES = (*_SNMP_GATES, b"psk", b"shared-key", b"key-string", b"-key ", b"password-value", b"auth-key")
_GENERIC_DEVICE_KEYS = (b"secret", b"password", b"key", b"community")  # need a type or a protocol's name

# Any config line `name value` (sshd, nginx, Postgres, rclone style: a space, no `=`), whose compound name
# (`ssl_key_password`, `shared-secret`, `smtp.auth.token`, Apache's `AuthLDAPBindPassword`) says its value is a
# secret; the value is the whole rest.
# Also such a line quoted whole, as a config parser's error quotes it (keepalived's `near 'auth_pass X'`).
_DIRECTIVE = _Capped(
    rb"(?m)(?:^[ \t]{0,16}|[\"'`])(?P<key>[A-Za-z][A-Za-z0-9]{0,63}(?:[._-][A-Za-z0-9]{1,64}){1,6}"
    # or camel case ending in a credential's word, as Apache's directives are named (`AuthLDAPBindPassword "X"`)
    rb"|[A-Z][a-z0-9]{0,31}(?:[A-Z]{1,8}[a-z0-9]{0,31}){0,7}(?:Password|Passphrase|PassPhrase|Secret|Token))[ \t]{1,8}"
    + _QUOTED_FLAG_VALUE
    + rb"[ \t]{0,8}(?:\r?$|[\"'`])"
)
# A value joined onto its name in source code, as a stack frame shows it: `"https://x/?key=" + "X"`, `'token=' + 'X'`.
_CONCATENATED = _Capped(
    rb"(?i)(?P<key>"
    + _KEY_NAME
    + rb")[:=][\"']\s{0,4}\+\s{0,4}(?:\"(?P<dq>[^\"\r\n]{1,256})\"|'(?P<sq>[^'\r\n]{1,256})')"
)
# A Dockerfile's `ENV NAME value` and `ARG`'s build output (`Step 5/9 : ENV DB_PASS X`): a name, a space, its value.
# So do the directives of web servers and shells that set a variable or a header: Apache's `SetEnv DB_PASSWORD X`,
# `RequestHeader set X-Api-Key "X"`, `Header always set …`, nginx's `fastcgi_param DB_PASSWORD X;`, `proxy_set_header
# X-Api-Key X;`, csh's `setenv API_TOKEN X`.
_DOCKERFILE_ENV = _Capped(
    rb"(?:^|[\s:])(?:ENV|ARG|SetEnv|setenv|(?:Request)?Header[ \t]{1,8}(?:always[ \t]{1,8})?(?:set|add|append|merge)"
    rb"|(?:fastcgi|uwsgi|scgi)_param|(?:proxy|grpc)_set_header|add_header)[ \t]{1,8}(?P<key>(?i:"
    + _KEY_NAME
    + rb"))"
    rb"[ \t]{1,8}(?:\"(?P<dq>[^\"\r\n]+)\"|'(?P<sq>[^'\r\n]+)'|(?P<bare>[^\s\"'=;][^\s\"';]*))"
)
# A multipart form's field (`Content-Disposition: form-data; name="password"`, its other headers, a blank line, then
# the value), with raw or escaped line breaks.
_BREAK = rb"(?:\r?\n|(?:\\r)?\\n)"
# SMTP's `AUTH LOGIN`: the server asks `334 UGFzc3dvcmQ6` (base64 of `Password:`, or of `password:`), the client's
# next line is the password in base64 (raw or escaped line breaks). The line may open with what a client's debug
# output writes before each line: `C:`, `>>>`, a time and `CLIENT -> SERVER:` (PHPMailer), `DEBUG [smtp] C:`.
_SMTP_PROMPTS = (b"ugfzc3dvcmq6", b"cgfzc3dvcmq6")
_SMTP_LOGIN_PASSWORD = _Deferred(
    rb"(?:334[ \t]{1,8}|Msg: b')(?:UGFzc3dvcmQ6|cGFzc3dvcmQ6)[^\r\n\\]{0,64}"
    + _BREAK
    + rb"(?:[^\r\n\\]{0,96}?[\s:>'])?(?P<bare>[A-Za-z0-9+/]{4,512}={0,2})"
    rb"[ \t]{0,8}(?:\r?\n|\\r|\\n|'|$)"
)
_MULTIPART_FIELD = _Capped(
    rb"(?i)\bname=\\{0,2}\"(?P<key>"
    + _KEY_NAME
    + rb")\\{0,2}\"[^\r\n\\]{0,128}"
    + _BREAK
    + rb"(?:(?:[^\r\n\\]{1,128}"
    + _BREAK
    + rb"){0,2}?"
    + _BREAK
    # the blank line may be missing where a stream split per line dropped it (the value follows its name's line)
    + rb")?(?P<bare>[^\r\n\\]{1,256})"
)
# SQL: `IDENTIFIED BY 'X'`, `WITH [ENCRYPTED] PASSWORD 'X'`, `PASSWORD = 'X'`, `SET PASSWORD … = 'X'`, `CONNECT TO db
# USER u USING 'X'`.
_SQL_PASSWORD = _Deferred(
    rb"(?i)\b(?:identified\s{1,8}(?:with\s{1,8}\S{1,64}\s{1,8})?by(?:\s{1,8}password)?"
    rb"|(?:with|encrypted|unencrypted)\s{1,8}password|set\s{1,8}password(?:\s{1,8}for\s[^=\r\n]{1,256})?\s{0,8}=(?:\s{0,8}password\s{0,8}\()?"
    # DB2's and Informix's `CONNECT TO db USER u USING X`
    rb"|connect\s{1,8}to\s{1,8}\S{1,128}\s{1,8}user\s{1,8}\S{1,128}\s{1,8}using)"
    # a quoted value also right after `=` (`SET PASSWORD FOR bob@localhost='X'`)
    # SQL writes a quote inside a string twice (`'it''s'`, `"a""b"`)
    rb"\s{0,8}(?:\"(?P<dq>(?:[^\"\r\n]|\"\")+)\"|'(?P<sq>(?:[^'\r\n]|'')+)'|\s(?P<bare>[^\s\"';,)=?][^\s\"';,)]*))"  # `= ?` binds one
)
# Oracle's old password after the new one (`ALTER USER u IDENTIFIED BY X REPLACE Y`)
_SQL_OLD_PASSWORD = _Deferred(
    rb"(?i)\bidentified\s{1,8}by\s{1,8}(?:\"[^\"\r\n]{1,256}\"|'[^'\r\n]{1,256}'|[^\s;]{1,256})\s{1,8}replace"
    rb"\s{1,8}(?:\"(?P<dq>(?:[^\"\r\n]|\"\")+)\"|'(?P<sq>(?:[^'\r\n]|'')+)'|(?P<bare>[^\s\"';,)]+))"
)
# `CREATE|ALTER ROLE|USER|LOGIN … PASSWORD 'X'`: after that keyword a quoted value is a password whatever its
# shape (`'bluebird'`).
_SQL_ROLE_PASSWORD = _Deferred(
    rb"(?i)\b(?:create|alter)\s{1,8}(?:role|user|login|group)\b[^;\r\n]{0,256}?\bpassword\s{0,8}=?\s{0,8}N?"
    rb"(?:\"(?P<dq>(?:[^\"\r\n]|\"\")+)\"|'(?P<sq>(?:[^'\r\n]|'')+)')"
)
# HTTP Digest authentication: the `response=` hash proves the password (and `username=` is no credential).
_DIGEST_RESPONSE = _Deferred(
    rb"(?i)\bdigest[ \t]{1,8}[^\r\n]{0,512}?\bresponse[ \t]{0,4}=[ \t]{0,4}"
    rb"(?:\\?\"(?P<dq>[^\"\\\r\n]{1,256})\\?\"|(?P<bare>[^\s\",\\]{1,256}))"
)
# GraphQL: the `value:` argument of a field named like a secret (`setToken(value: "X")`,
# `updateSecret(input: {name: "x", value: "X"})`), or of any field of a mutation if it looks random.
_GRAPHQL_VALUE = _Deferred(
    rb"(?P<key>[A-Za-z_][A-Za-z0-9_]{0,64})[ \t]{0,8}\([^()\r\n]{0,256}?\bvalue[ \t]{0,4}:[ \t]{0,4}"
    rb"\\?\"(?P<dq>[^\"\\\r\n]{1,256})\\?\""
)
# A password given to a command-line tool by the flag it reads one from (`docker login -p X`, `mongosh -p X`,
# `redis-cli -a X`, `ldapsearch -w X`, `sqlcmd -P X`, `ipmitool -P X`).
_CLI_PASSWORD = _Deferred(
    rb"(?:^|[\s\"'`(;|&])(?:"
    rb"(?:docker|podman|buildah|skopeo|nerdctl|helm|oras|crane|regctl|cf|oc|az|conan|apptainer|singularity|expo|ibmcloud)"
    rb"[ \t][^\r\n]{0,64}?\blogin\b[^\r\n]{0,256}?[ \t]-p"
    rb"|mongo(?:sh|dump|restore|export|import|stat|top|files)?[ \t](?:[^\r\n]{0,256}?[ \t])?-p"
    rb"|redis-cli[ \t](?:[^\r\n]{0,256}?[ \t])?-a"
    rb"|conan[ \t]{1,8}user[ \t](?:[^\r\n]{0,256}?[ \t])?-p"  # Conan 1's login, `conan user -p X -r REMOTE USER`
    rb"|ldap[a-z]{0,16}[ \t](?:[^\r\n]{0,256}?[ \t])?-w"
    rb"|(?:sqlcmd|bcp|osql|isql|ipmitool|smbclient|mosquitto_(?:pub|sub|rr)|p4)[ \t](?:[^\r\n]{0,256}?[ \t])?-P"
    rb")(?:[ \t]{1,8}|=)" + _SEPARATE_FLAG_VALUE
)
# A password flag after a user flag of the same command, whatever the tool (`influx setup -u admin -p X`,
# `rabbitmqadmin -u admin -p X`, `tool --username=bob -P 'X'`): at most three words between them.
_USER_THEN_PASSWORD = _Deferred(
    rb"(?:^|[\s\"'`(;|&])(?:-u|-U|--user|--username)(?:=|[ \t]{1,8})[^\s\"'-][^\s\"']{0,63}"
    rb"(?:[ \t]{1,8}[^\s\"'|;&]{1,64}){0,3}?[ \t]{1,8}(?:-p|-P|--pass|--password)(?:=|[ \t]{1,8})"
    + _SEPARATE_FLAG_VALUE
)
# A secret given to a tool by a flag whatever its shape (C2): `ssh-keygen -N X` (new passphrase) and `-P X`
# (old), `openssl … -k X` (passphrase) and `-K <hex>` (raw key), `zip -P X`, `7z -pX`, `unrar -pX`, the `--value X` of an
# `aws ssm put-parameter … --type SecureString`, `codecov -t X`. The tool is found by RE2, then its flags on
# the rest of its line (each flag of the line, at most 1024 bytes).
_TOOL = _Deferred(
    rb"(?:^|[\s\"'`(;|&/])(?P<tool>ssh-keygen|openssl|zip|unzip|funzip|zipcloak|7z|7za|7zz|7zr|unrar|rar"
    rb"|aws[ \t]{1,8}ssm[ \t]{1,8}put-parameter|codecov|codecovcli|codecov-cli|snmp[a-z]{0,12}"
    rb"|az[ \t]{1,8}keyvault[ \t]{1,8}secret[ \t]{1,8}set|ldappasswd)(?:\.exe)?[ \t]"
)
_FLAG_VALUE = rb"(?:'(?P<sq>[^'\r\n]+)'|\"(?P<dq>[^\"\r\n]+)\"|(?P<bare>[^\s\"'\-][^\s\"']*))"
_SEPARATED = rb"(?:=|[ \t]{1,8})"
_TOOL_FLAGS = {
    b"ssh-keygen": compile_regex(rb"[ \t]-[NP]" + _SEPARATED + _FLAG_VALUE),
    b"openssl": compile_regex(rb"[ \t]-[kK]" + _SEPARATED + _FLAG_VALUE),
    b"zip": compile_regex(rb"[ \t]-P" + _SEPARATED + _FLAG_VALUE),
    b"7z": compile_regex(rb"[ \t]-p" + _FLAG_VALUE),  # attached: `-pX`
    b"rar": compile_regex(rb"[ \t]-(?:p|hp)" + _FLAG_VALUE),  # RAR's too (`unrar x -pX`, `rar a -hpX`)
    b"aws": compile_regex(rb"[ \t]--value" + _SEPARATED + _FLAG_VALUE),
    b"az": compile_regex(rb"[ \t]--value" + _SEPARATED + _FLAG_VALUE),  # `az keyvault secret set --value X`
    b"codecov": compile_regex(rb"[ \t]-t" + _SEPARATED + _FLAG_VALUE),
    b"snmp": compile_regex(
        rb"[ \t]-[cAX]" + _SEPARATED + _FLAG_VALUE
    ),  # v1/v2c community, v3 auth and privacy
    b"ldappasswd": compile_regex(rb"[ \t]-[sa]" + _SEPARATED + _FLAG_VALUE),  # the new and the old password
}
# The name `aws ssm put-parameter --name` gives: a secret's (`/prod/orders/db-password`) makes its value one, of
# any `--type`
_PARAMETER_NAME = compile_regex(
    rb"[ \t]--name(?:=|[ \t]{1,8})[\"']?(?:[^\s\"']{0,192}/)?(?P<name>[^\s\"'/]{1,64})"
)
# `-t X` / `-t=X` of any tool, when X is a UUID or a random run (`login -t=OiSDVkbRabW4Yr…`): `-t` takes a
# token in many CLIs, and a tag, a type or a time otherwise (`docker build -t app:v1`, `ssh-keygen -t rsa`).
_TOKEN_FLAG = _Deferred(rb"(?:^|[\s\"'(])-t(?:=|[ \t]{1,8})(?P<cred>[A-Za-z0-9][A-Za-z0-9_.~+/=-]{5,255})")
# Two strings after an authentication word: `HTTPBasicAuth('svc', 'X')`, `auth=('admin', 'X')`, `creds = ("svc",
# "X")`; or a variable then a string (`server.login(user, "X")`), whose string is one if it looks like a password.
_CREDENTIAL_PAIR = _Deferred(
    rb"(?i)(?:auth|login|cred(?:ential)?s?|password|passwd|basic|(?P<creation>(?:create|add|new)_?user))[A-Za-z_]{0,32}"
    rb"[^()\r\n]{0,32}\(\s{0,4}"
    rb"(?:'[^'\r\n]+'|\"[^\"\r\n]+\"|(?P<variable>[A-Za-z_][A-Za-z0-9_.]{0,64}))\s{0,4},\s{0,4}"
    rb"(?:'(?P<sq>[^'\r\n]+)'|\"(?P<dq>[^\"\r\n]+)\")"
)
# A call that logs in, as a stack frame shows its arguments (PHP's `PDO->__construct('mysql:host=db', 'app', 'X')`,
# `mysqli_connect('db', 'app', 'X')`, `ldap_bind(Object(LDAP\\Connection), 'cn=admin', 'X')`, `ftp_login(…)`): its
# quoted arguments from the third on that look like a password (a database's name is a word). A constructor
# counts when its first argument is a DSN.
_CONNECT_CALL = _Deferred(
    rb"(?i)(?P<callee>[A-Za-z0-9_\\>-]{0,64}(?:connect|login|logon|bind|__construct|begin|addAP|softAP)(?:_s)?)\((?P<args>(?:[^()\r\n]|\([^()\r\n]*\))+)\)"
)
# The object of a Wi-Fi station's join call (MicroPython's `wlan.connect`, `sta_if.connect`, Arduino's `WiFi.begin`,
# `wifiMulti.addAP`, an access point's `WiFi.softAP`)
_WIFI_STATION = compile_regex(rb"(?i)(?:wlan|wifi|sta_if|station)[A-Za-z0-9_]{0,16}\.\Z")
_DN_ARGUMENT = compile_regex(rb"\s*['\"](?:cn|uid|ou|dc|o|mail)=[^,'\"]{1,256},", re.IGNORECASE)
# a call's argument: quoted, an Erlang binary (`<<"X">>`), or bare
_CALL_ARGUMENT = compile_regex(
    rb"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|<<\"(?:[^\"\\]|\\.)*\">>|[^,'\"\s][^,'\"]*"
)
_DSN_ARGUMENT = compile_regex(rb"[\s]*['\"][a-z][a-z0-9]{1,15}:[a-z_]{1,32}=", re.IGNORECASE)
# A YAML block scalar under a password's name (`password: |` then indented lines).
_YAML_BLOCK_HEADER = compile_regex(rb"[|>][+-]?[1-9]?[ \t]*\r?\n")
_BLOCK_HEADER_AT_END = compile_regex(rb"[|>][+-]?[1-9]?\s*\Z")
# Words that name a credential in prose: the value may follow a few words later, without a separator
# (`Invalid API key provided: X`, `client secret is X`, `bad password X`, `jeton d'accès expiré : X`).
_CREDENTIAL_WORD = _Deferred(
    (
        r"(?i)(?:\b(?P<ascii>(?:api|access|secret|private|client|signing|encryption|master|app|license|auth|refresh"
        r"|session|bearer|id|hmac|personal[ _-]access)[ _-]?(?:keys?|secrets?|tokens?)|"
        + _SPACED_SECRET_ID
        + r"|pass(?:words?|wd|phrase|code)"
        r"|pass[ -]phrase|secrets?|tokens?|cred(?:ential)?s?|apikey|jeton|mot[ \t]de[ \t]passe|motdepasse"
        r"|parola[ \t]d'ordine|clave(?:[ \t]de[ \t]api)?|clé[ \t]{1,4}api|clé[ \t]secrète|chiave[ \t](?:segreta|api)"
        r"|chave[ \t](?:secreta|de[ \t]api)|api-schlüssel|geheimnis|contraseña"
        r"|contrasena|passwort|kennwort|senha|wachtwoord|has(?:ło|ła|łem|le|śle|lo|la|lem)|sifre|lösenord|passord|salasana"
        r"|adgangskode|heslo)\b"
        # the end of a variable's name in prose (`the POSTGRES_PASSWORD variable value is X`)
        r"|_(?P<suffix>pass(?:words?|wd|phrase))\b"
        # … or of a secret, a token or a key (`webhook_secret X`, `x-api-key X`, `GITHUB_TOKEN X`), or a service
        # account key's `private_key_id X`
        r"|[A-Za-z0-9][_-](?P<named>(?:(?:api|access|secret|private|signing|encryption|master|auth)[_-]?)?"
        r"(?:secrets?|tokens?)|(?:api|access|secret|private|signing|encryption|master)[_-]?keys?)\b"
        r"|\b(?P<keyid>private[_-]?key[_-]?id)\b"
        # (a word that starts with a letter other than ASCII has no `\b` before it in RE2: `şifre` after a space)
        # and the inflected forms of a word that languages inflect (`пароля`, `паролем`, `şifresi`, `şifreniz`)
        r"|(?P<other>парол(?:ь|я|ю|е|ем|и|ей)|токен|密码|密钥|令牌|口令|パスワード|トークン|비밀번호|토큰|ключ"
        r"|şifre(?:si|sini|niz|nizi|n|ni|yi|ler|leri|miz)?\b|\bchave\b|\bklucz\b|"
        + "|".join(_CJK_SECRET_WORDS)
        + "|"
        + _OTHER_PASSWORD_PATTERN
        + r"))"
    ).encode()
)
_PASSWORD_PHRASE = compile_regex(
    r"(?i)pass|secret|contrase|kennwort|senha|wachtwoord|has[lł]o|[sş]ifre|l[oö]senord|salasana|adgangskode|heslo"
    r"|mot de|parola|geheimnis|пароль|密码|口令|パスワード|비밀번호|" + _OTHER_PASSWORD_PATTERN
)
# A credential word's qualifying words, written after it (`токен доступа`, `chave de acesso`, `clave de acceso`),
# then a separator and the value (`_phrase_spans` asks `key_class` of the whole name). A qualifying word holds no
# digit and no ASCII punctuation but `-` (`password ?<<?=X` is a value after its name, not a name's words).
_QUALIFIED_WORD = rb"[^\s\x21-\x2c\x2e-\x40\x5b-\x60\x7b-\x7e]{1,24}"
# what separates the qualifying words, as `_QUALIFIED_NAME` reads them (a control character such as `\x1f`, blank
# to `str.split`, is part of a word there)
_QUALIFIER_GAP = compile_regex(r"[ \t]{1,4}")
_QUALIFIED_NAME = compile_regex(
    rb"[ \t]{1,4}(" + _QUALIFIED_WORD + rb"(?:[ \t]{1,4}" + _QUALIFIED_WORD + rb"){0,2})[ \t]{0,4}"
    rb"(?::|=|\xef\xbc\x9a|\xef\xbc\x9d)[ \t]{0,4}([^\s\"'`,;]{4,128})"
)


def _qualifying(words: list[str], password: bool) -> bool:
    """Whether the words after a credential word qualify its name (`доступа`, `de acesso`, `API`), not start its
    value: what the prose reading takes as a value (after a password's name its first word when password-like,
    anywhere a generated-looking word) qualifies nothing (`password AAAa:000:` is one value, redacted whole), so
    a name read with its qualifiers reads the same once its value is redacted."""
    return not (password and _password_like(words[0])) and not any(_prose_secret(word) for word in words)


# Separators and words between a credential word and its value.
_FILLER = {
    "is",
    "was",
    "of",
    "for",
    "provided",
    "given",
    "value",
    "used",
    "set",
    "to",
    "=",
    ":",
    "-",
    "\u2013",  # `–`, and `—`: a dash between a name and its value as prose writes it (`пароль — X`)
    "\u2014",
    ":=",
    "->",
    "\u2192",  # `→`
    "\u21d2",  # `⇒`
    "|",  # a table's cell separator (`| token | X |`)
}
# The verbs after which a password word's value follows (`password for admin is X`, `changed password to X`),
# after at most so many words that say whose it is (`for user bob on host db-1`)
_COPULAS = {"is", "was", "to"}
_SUBJECT_WORDS = 6
_TOKEN_STRIP = b"()[]{}<>\"'`,;\\"  # also the backslash of an escaped quote (`\"X\"` in a JSON string)
# Words between spaces, `:`, `=` and their full-width forms `：` `＝`, and before a URL query's next parameter
# (`&page=`); a `+` before a word is a query's space (`?q=password+reset`). A multi-byte character is one unit,
# so a token never starts or ends inside one. (`%20` stays inside a token: a password may hold an escaped space;
# a text with one after a credential's word is also read decoded, `_SHAPE_ESCAPE`.)
_QUERY_SPACE = compile_regex(rb"^\++")
_PROSE_TOKEN = compile_regex(
    rb"(?:[^\s:=&\x80-\xff]|&(?![A-Za-z0-9_.\-]{1,64}=)|(?!\xef\xbc[\x9a\x9d])[\xc0-\xff][\x80-\xbf]*)+"
)
# What a credential in prose is not: a date, a version, an IP address, a URL, an email, a path.
_NOT_A_SECRET = compile_regex(
    r"^(?:\d{4}-\d\d-\d\d|v?\d+(?:\.\d+)+\w*$|\d{1,3}(?:\.\d{1,3}){3}|[a-z][a-z0-9+.-]*://|[^@\s]+@[^@\s]+\.[a-z]{2,}$"
    r"|[/~.])",
    re.IGNORECASE,
)
_UUID = compile_regex(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

# One run of the characters of keys and tokens (base64, base64url, URL-escapes, `.`/`_`/`-` separators) of
# 20 characters or more: whether it is a secret is decided by `looks_generated` (a vendor prefix then a random
# part, a long random base64 run, a PEM body line), so ids, hashes, names and paths stay.
# A run starts at a boundary and not with `/` (so no path, `/app/src/handlers.py`, yields one).
# A run also starts after the `=` of a name (`PARTNER_X=<run>`, `?ref=<run>`, `code_verifier=<run>`), which is
# no base64 padding: `_named_id` keeps an id's value (`user_id=`).
# The run is the match without what comes before it (`_run_at`): RE2 finds a match's bounds with its automaton, but
# a group's takes a second, slower engine (10 µs on a trace's name).
_RUN = _Deferred(
    rb"(?:^|[^A-Za-z0-9+/_.%~=-]|[A-Za-z0-9_.\]-]=)[A-Za-z0-9+_.%~-][A-Za-z0-9+/_.%~-]{19,}={0,3}"
)
_RUN_BODY = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_.%~-"
_RUN_LENGTH = 20  # the fewest characters `_RUN`'s run takes
# A shorter random value right after the `=` of a name (`WEBHOOK_SEED=9dEBKq7fgBixHXQrQO`, 16 to 19
# characters): redacted only when it mixes upper and lower case and digits as generated keys do.
_SHORT_RUN = _Deferred(
    rb"[A-Za-z0-9_.\]-]=(?P<run>[A-Za-z0-9][A-Za-z0-9_~-]{15,18})(?:[^A-Za-z0-9+/_.%~=-]|$)"
)
_SHORT_RUN_GATE = b"<short random run>"
# A base64 key that happens to start with `/` (one key in 64): one token of base64 characters only, between
# delimiters, so a path (`/static/app.js`, `/v1/items?x=1`) is no match. `_slash_run_spans` decides.
_SLASH_RUN = _Deferred(
    rb"(?:^|[\s\"'=:,(\[{])(?P<run>//?[A-Za-z0-9+][A-Za-z0-9+/]{18,}={0,3})(?:[\s\"',;)\]}&]|$)"
)
_SLASH_RUN_GATE = b"<slash random run>"
_RUN_CHARACTER = compile_regex(rb"[A-Za-z0-9+_.%~-]")
_RUN_SEPARATORS = compile_regex(r"%[0-9A-Fa-f]{2}|[._\-~/]+")
_HEX = compile_regex(r"^[0-9a-fA-F]+$")
_HEX_DIGITS = compile_regex(r"[0-9a-fA-F]+")
_NON_BASE64 = compile_regex(r"[._~%-]")
# a part with a letter and a digit, or with both cases past its first letter: what a random part needs
_CANDIDATE_PART = compile_regex(
    r"[A-Za-z].*[0-9]|[0-9].*[A-Za-z]|[a-z].*[A-Z]|[A-Z].*[A-Z].*[a-z]|[A-Z].*[a-z].*[A-Z]"
)
_DIGIT_OR_MIXED = compile_regex(r"[0-9]|[A-Z][a-z]{0,3}[A-Z]|[a-z][A-Z]")
_WORDY = compile_regex(r"[A-Z]?[a-z]*[aeiou][a-z]*")
# A vendor prefix before a separator (`squ_`, `lsv2_`, `CFPAT-`)
_VENDOR_PREFIX = compile_regex(r"^([A-Za-z][A-Za-z0-9]{1,7})[_.-]")
# Prefixes of ids (`req_…`, `sha256-…`): a hex part after them names a record.
_ID_PREFIXES = compile_regex(
    r"^(?:req|request|trace|span|msg|run|job|op|operation|evt|event|txn|tx|commit|sha\d*|md5|build|chatcmpl|resp"
    r"|file|batch|asst|thread|org|proj|user|usr|acct|cus|sub|inv|id|obj|doc|img|ch|pi|pm|seti|in|ii|price|prod"
    r"|prj|dpl|team|srv|ctm|txn|dep|svc|env|app|wf|ws)$",
    re.IGNORECASE,
)


def _class_runs(value: str) -> int:
    """How many runs of upper case, lower case, digits and other characters `value` is made of."""
    runs = 1
    previous = ""
    for char in value:
        kind = "u" if char.isupper() else "l" if char.islower() else "d" if char.isdigit() else "o"
        if previous and kind != previous:
            runs += 1
        previous = kind
    return runs


def _random_part(segment: str) -> bool:
    """Whether a segment (no separators) looks random: case and digits mixed as in generated keys, not in words."""
    core = segment.strip("+=/")[:256]
    if len(core) < 6 or core.isdigit() or _HEX.match(core):
        return False
    letters = sum(c.isalpha() for c in core)
    digits = sum(c.isdigit() for c in core)
    if not letters or not core.isascii():
        return False
    switches = _class_runs(core) / len(core)
    wordy = sum(len(m) for m in _WORDY.findall(core) if len(m) >= 3) / len(core)
    if _mixed_case(core):
        # a long random run holds pronounceable bits by chance; identifiers are words nearly throughout
        words_allowed = 0.7 if len(core) >= 24 and switches >= 0.4 else 0.5
        return wordy < words_allowed and switches >= 0.35 and (digits > 0 or switches >= 0.45)
    return digits >= 2 and switches >= 0.25


_DOCUMENT_ID_LENGTH = 28


@functools.lru_cache(maxsize=8192)  # logs repeat their ids and names
def looks_generated(run: str) -> bool:
    """Whether a run of key characters (no spaces) is a generated credential rather than a name, id or path.

    A vendor prefix and a random part (`pcsk_1ks…`, `dckr_pat_…`, `squ_<hex>`), or 20 characters or more of
    random parts (base64, base62, base32 with digits, a PEM body line). Hex alone (trace ids, git and image
    digests), UUIDs, dotted names, words and paths stay.
    """
    run = run.strip(".,;:")[:256]  # the start of a long run tells enough (and keeps the checks linear)
    # `0x…` then hex: a hash or an address (or a key, by the words around it: `_bare_hex_span`)
    hex_digits = run[2:] if run.startswith(("0x", "0X")) else run
    if len(run) < 20 or run.startswith(("/", "~", "%2F", "%2f")) or _HEX_DIGITS.fullmatch(hex_digits):
        return False  # (hex alone, read below, holds no candidate part and no vendor prefix)
    if not _DIGIT_OR_MIXED.search(run):
        return False  # no digit and one case only: words, names
    prefix = _VENDOR_PREFIX.match(run)
    if (
        prefix is not None
        and _ID_PREFIXES.match(prefix.group(1))
        and not _NON_BASE64.search(run, prefix.end())
    ):
        return False  # a record's type, then its id (`user_2Zq…`, Vercel's `dpl_…`, Render's `srv-…`)
    if prefix is not None and run[prefix.end() - 1] == "." and _HEX.match(run[prefix.end() :]):
        return False  # a name, then a digest (`release.<sha1>`, `linux.<sha256>`): vendors' hex keys join with `_`/`-`
    slashed = run.split("/")
    named = sum(is_plain_words(s) or s.isdigit() for s in slashed if s)
    if len(slashed) > 1 and 2 * named > len(slashed):
        return False  # a path of words
    if len(slashed) > 1 and 2 * named == len(slashed) and all(len(s) <= _DOCUMENT_ID_LENGTH for s in slashed):
        # a collection and the ids of its documents (`orders/<auto id>`, Firebase Auth's `users/<uid>` of 28
        # characters): no part is key-long
        return False
    parts = [p for p in _RUN_SEPARATORS.split(run) if p]
    if len(slashed) > 1 and not any(len(p) >= 20 for p in parts) and not _NON_BASE64.search(run):
        parts = ["".join(parts)]  # base64 with slashes: one body
    candidates = [p for p in parts if len(p) >= 6 and not _HEX.match(p) and _CANDIDATE_PART.search(p)]
    if sum(map(len, candidates)) >= 20:
        random_chars = "".join(p for p in candidates if _random_part(p))
        if len(random_chars) >= 20 and entropy(random_chars) >= 3.5:
            return True
    # a vendor prefix then a long hex or lower-case part: `squ_<40 hex>`, `lsv2_pt_<hex>`, `CFPAT-<hex>`
    if prefix is None or _ID_PREFIXES.match(prefix.group(1)):
        return False
    tail = run[prefix.end() :]
    if "/" in tail:
        return False  # a path (`acme-prod.iam.gserviceaccount.com/keys/<key id>`): a key's tail holds no `/`
    longest = max((p for p in _RUN_SEPARATORS.split(tail) if p), key=len, default="")
    return (
        len(longest) >= 24
        and entropy(longest) >= 3.3
        and any(c.isdigit() for c in longest)
        and not _camel_words(longest)
    )


# An identifier of camel-case words and a version or two (`reconcileOrdersGen2`, `parseHTTPBodyV2`), as in the
# ids platforms make of a function's name (`firebase-schedule-<name>-<region>`): no generated tail.
_CAMEL_TOKEN = compile_regex(r"[A-Z]{2,5}(?![a-z])|[A-Z][a-z]{2,15}|[a-z]{2,15}|[A-Za-z]?[0-9]{1,3}")
_VOWEL = compile_regex(r"[aeiouyAEIOUY]")


def _camel_words(part: str) -> bool:
    """Whether `part` is camel-case words (each with a vowel, two or more capitalised, a lower-case one only first
    or after a number), at most two acronyms and at most three short numbers."""
    position = humps = numbers = acronyms = 0
    previous_word = False
    for match in _CAMEL_TOKEN.finditer(part):
        token = match.group()
        if match.start() != position:
            return False
        position = match.end()
        if token[-1].isdigit():
            numbers += 1
            previous_word = False
            continue
        if token.isupper():
            acronyms += 1
        elif (previous_word and token[0].islower()) or not _VOWEL.search(token):
            return False
        else:
            humps += token[0].isupper()
        previous_word = True
    return position == len(part) and humps >= 2 and numbers <= 3 and acronyms <= 2


# A password of the shape password policies force, wherever it stands (`-p Falcon235?Jdw`, `AUTH X`,
# `'user:X'`, `&{app X db:5432}`): upper and lower case letters, a digit and a symbol of `!#$%*?^~&`, 8 to 64
# characters. Log tokens almost never have that shape; what does is masked out first: URL escapes of
# punctuation and of UTF-8 (`%2F`, `%C3%A9`; not `%85`), printf formats after a non-alphanumeric (`=%5.2f`), HTML entities and query separators (`&amp;`, `&b=`), null-safe operators
# (`?.`, `!!`), `&&`, Java's inner classes (`Outer$1`, `$$Enhancer`, `com.acme.Outer$Inner1`), a leading
# sigil (`$HOME1`, `#L42`, `~user`), emphasis (`**Note1**`), a method reference (`Base64#encode`), a query
# after a file name (`app1.js?x`). A part with a `/` (a path, a URL) or an `@` then a domain (an e-mail) is no password.
_STRONG_CHARS = rb"A-Za-z0-9!#$%*?^~&@+._/:=-"
_STRONG_SYMBOL = rb"!#$%*?^~&"
_STRONG_SYMBOLS = _STRONG_SYMBOL.decode()
_STRONG = _Deferred(
    rb"(?:^|[^%s])(?P<run>[%s]*[%s][%s]*)" % (_STRONG_CHARS, _STRONG_CHARS, _STRONG_SYMBOL, _STRONG_CHARS)
)
# its gate: a symbol and a digit in one token
_STRONG_GATE_PATTERN = rb"[0-9][%s]*[%s]|[%s][%s]*[0-9]" % (
    _STRONG_CHARS,
    _STRONG_SYMBOL,
    _STRONG_SYMBOL,
    _STRONG_CHARS,
)
_STRONG_GATE = b"<strong password>"
_NOT_SYMBOLS = compile_regex(
    r"%(?:2[0-9A-Fa-f]|3[A-Fa-f]|40|5[B-Fb-f]|60|7[B-Eb-e]|0[9ADad])|%[C-Fc-f][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){1,3}"
    r"|(?<![A-Za-z0-9])%[-+ 0#]{0,3}\d{0,3}(?:\.\d{1,3})?(?:l{0,2}|h{0,2}|[zjt])[diouxXeEfFgGcrsaqvTtpwbn%]"
    r"|&(?:amp|lt|gt|quot|apos|nbsp|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});?|[&?](?=[A-Za-z0-9_.\[\]-]{1,64}=)"
    r"|[?!](?=[.?!=])|(?<=[?!])[.?!=]|\$+\d+(?=[$.]|$)|\${2,}|(?<=lambda)\$|^[$#~^!*?&]+|[*]+$|#L\d+"
    r"|(?<=\d)%(?=[A-Z]?[a-z]+(?:[^A-Za-z0-9]|$))|~\d(?=[.\\]|$)|&{2,}|\|{2,}"
    r"|#(?=(?:[a-z][a-z_]{3,}|[a-z]+(?:[A-Z][a-z]+)+)[!?]?(?:[^A-Za-z0-9_]|$))"
    r"|(?:(?<=\.[a-z]{2})|(?<=\.[a-z]{3})|(?<=\.[a-z]{4}))\?"
)
_STRONG_PART = compile_regex(r"[^:=]+")  # `user:X`, `key=X`: each part on its own
_DOMAIN_AFTER_AT = compile_regex(r"@[A-Za-z0-9-]+\.[A-Za-z]")
_QUALIFIED = compile_regex(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")  # `com.acme.Outer$Inner1.run`


# Names with a password's mix of symbols, digits and cases: a Java object's default `toString`, its class
# qualified or not (`Outer$Inner@1b6d3586`, `android.widget.RemoteViews$SetOnClickPendingIntent@7b78aa2`, `ServerConnector$Acceptor@0.0.0.0`), a Windows component's identity
# (`Package_for_KB3121255~31bf3856ad364e35~amd64~~6.1.1.0`: name, public key token, architecture, language, version),
# a record's number (`Order#10023`, `Invoice#2024-001`), a spreadsheet's cell (`Sheet1!A1` of `Sheet1!A1:Z9`) and Spring
# Kafka's consumer thread (`org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1`: the container's
# index, the consumer's, `C` and the thread's number).
_RECORD_NOUNS = (
    "order|invoice|ticket|case|build|job|run|issue|pr|mr|item|task|request|req|incident|inc|bug|story|epic|row|line"
    "|page|step|attempt|batch|shipment|payment|transaction|txn|account|customer|user|node|worker|thread|shard"
    "|partition|replica|instance|event|record|entry|sku|product|store|change|patch|release|version|claim|policy"
    "|contract|quote|member|patient|device|host|server|stage|phase|test|rule|alert|check|pipeline|deploy|deployment"
)
_IDENTITY = compile_regex(
    r"(?:[a-z_][A-Za-z0-9_]{0,63}\.){0,16}[A-Z][A-Za-z0-9_]{2,}(?:\$+[A-Za-z0-9_]+)+@(?:[0-9a-f]{1,8}|\d{1,3}(?:\.\d{1,3}){3})"
    r"|[A-Za-z0-9_.-]{1,128}~[0-9a-f]{16}~[A-Za-z0-9_]{0,16}~[A-Za-z-]{0,16}~[0-9.]{1,32}"
    rf"|(?i:{_RECORD_NOUNS})#\d[\d-]{{0,31}}"
    r"|(?:[a-z_][A-Za-z0-9_]{0,63}\.){0,16}[A-Za-z][A-Za-z0-9_$]{0,127}#\d{1,6}(?:-\d{1,6}){0,4}-[A-Z]{1,2}-\d{1,6}"
    r"|[A-Za-z0-9_]{1,100}!\$?[A-Z]{1,3}\$?\d{1,7}"
)


def _strong_password(part: str) -> bool:
    """Whether `part` (what is no symbol masked as NULs) has the shape of a policy password."""
    if not 8 <= len(part) <= 64 or "/" in part or _DOMAIN_AFTER_AT.search(part) or _QUALIFIED.fullmatch(part):
        return False
    return any(c in _STRONG_SYMBOLS for c in part) and any(c.isdigit() for c in part) and _mixed_case(part)


_ESCAPED_SEPARATORS = {"%2f": "/", "%3a": ":", "%3d": "=", "%40": "@"}


def _mask_symbols(match: re.Match[str]) -> str:
    """A NUL for each character of what is no symbol; an escaped `/`, `:`, `=` or `@` stays one (`%2F`); a query's
    `&` before the next parameter's name ends a part as `=` does (`password=X!y&remember=1`: `X!y` alone)."""
    text = match.group(0)
    if text == "&":
        return "="
    return _ESCAPED_SEPARATORS.get(text.lower(), "\0").ljust(len(text), "\0")


_THREAD_PLACE = compile_regex(
    rb"(?:---[ \t](?:\[[^\]\n]{0,64}\][ \t])?\[[ \t]{0,40}|(?i:\bthread(?:[_-]?name)?)\\{0,2}[\"']?[ \t]{0,4}[:=][ \t]{0,4}"
    rb"\\{0,2}[\"']?|\bin thread \"|\bThread\[)$"
)
"""Where a thread's name is written, right before a value: Spring Boot's column after `---` (`--- [ntainer#0-0-C-1]`,
after the application's name since 3.2: `--- [orders] [ntainer#0-0-C-1]`), a `thread`, `thread_name` or `threadName`
field, Java's `Exception in thread "…"` and `Thread[…]`. A thread's name is never a credential."""


def _strong_spans(data: bytes) -> Iterator[Span]:
    for match in _STRONG.finditer(data):
        start, end = _span(match, b"run")
        if end - start > 512:
            continue
        run = data[start:end].decode("ascii")
        if run.lower() == run or run.upper() == run:
            continue  # one case only: masking adds no letter, so no part has a password's mix of cases
        masked = _NOT_SYMBOLS.sub(_mask_symbols, run)
        for part in _STRONG_PART.finditer(masked):
            core = part.group(0).rstrip(".,\0")
            # `redis://:X@cache:6379`: a host and its port follow the last `@`, the password ends before it
            if "@" in core and _host_with_port(data, start + part.start() + core.rindex("@") + 1) is not None:
                core = core[: core.rindex("@")]
            lead = len(core) - len(core.lstrip(".,-\0"))
            if (
                _strong_password(core[lead:])
                and not _IDENTITY.fullmatch(run, part.start() + lead, part.start() + len(core))
                and not _THREAD_PLACE.search(
                    data, max(0, start + part.start() + lead - 80), start + part.start() + lead
                )
            ):
                yield start + part.start() + lead, start + part.start() + len(core), "password", _RANDOM


# The name a value is stored under, just before it (`auth_user_id=`, `"Idempotency-Key": "`), also of a list's first
# value (`ack_ids=['`).
_NAME_BEFORE = compile_regex(rb"([A-Za-z0-9_.-]{1,64})\\{0,2}[\"']?\s{0,4}[:=]\s{0,4}\[?\\{0,2}[\"']?$")
# a name of two words or more, then a space (`ackId Cg0I…`, `nextPageToken CgwI…`)
_NAME_BEFORE_SPACE = compile_regex(rb"(?:^|[\s(\[{,;])([A-Za-z][A-Za-z0-9_.-]{1,63})[ \t]{1,4}[\"']?$")
# the word before a name (`session` in `session id X`)
_WORD_BEFORE = compile_regex(rb"([A-Za-z][A-Za-z0-9_-]{0,63})[^A-Za-z0-9]{1,4}$")
# What an id named by the word `id` looks like: a UUID, hex or digits, or a short run of letters and digits (a
# Firestore id's 20, a KSUID's 27); a longer mixed run, or one holding base64's `+/=` or a JWT's dots, may be a key
_ID_LIKE_VALUE = compile_regex(
    rb"(?:[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[0-9a-f]{8,32}|[0-9A-F]{8,32}|\d{1,40}"
    rb"|[A-Za-z0-9_-]{1,28})(?![A-Za-z0-9+/=_-]|\.[A-Za-z0-9])"
)
# Words before `id` that make it a credential's or a link's that opens something (`password reset id X`)
_OPENING_ID_WORDS = frozenset(
    ("reset", "refresh", "recovery", "invite", "invitation", "magic", "link", "key", "api", "private", "sid",
     "login", "signin", "webhook", "verification", "confirmation", "activation", "access", "csrf", "xsrf", "nonce",
     "otp", "mfa", "auth", "unlock", "signup", "share")
)  # fmt: skip


def _named_id(data: bytes, start: int) -> bool:
    """Whether the value at `start` is stored under the name of an id (`user_id=`, `Idempotency-Key:`,
    `x-amz-id-2:`, `ackId X`) or of a page cursor (`nextPageToken X`)."""
    window = data[max(0, start - 80) : start]
    name = _NAME_BEFORE.search(window)
    spaced = name is None
    name = name or _NAME_BEFORE_SPACE.search(window)
    if name is None:
        return False
    words = _words(name.group(1).decode("ascii", "replace"))
    while len(words) > 1 and words[-1].isdigit():
        words.pop()  # `x-amz-id-2`
    if words and words[-1] in _LEDGER_ID_NOUNS:
        return True  # `transaction: X`, `Transaction X failed`, `account G…`: a ledger's id or address
    if spaced and len(words) == 1 and words[0] in _ID_WORDS | {"ids"}:
        # the word `id` itself (`request id X`, `with id X`, `trace ID X`): an id, unless the word before it makes
        # it one that opens something (`session id X`) or a credential's (`token id X`, `auth id X`)
        previous = _WORD_BEFORE.search(window, 0, name.start(1))
        qualifier = previous.group(1).decode("ascii", "replace").lower() if previous is not None else ""
        return (
            _ID_LIKE_VALUE.match(data, start) is not None
            and qualifier not in _SECRET_IDS | _OPENING_ID_WORDS
            and key_class(qualifier) not in ("password", "token", "pin")
        )
    if not words or (spaced and len(words) < 2 and words[-1] not in _HANDLE_WORDS | _ID_SCHEMES):
        return False  # one word before a space names no id (`user X`), but an id scheme's does (`ksuid X`)
    if words[-1] in _CURSOR_ENDS and _CURSOR_WORDS & set(words):
        return True
    if words[-1] in _HANDLE_WORDS and not _SECRET_IDS & set(words) and key_class("_".join(words)) is None:
        # a queue's receipt handle, a stream's shard iterator: where a reader is, no credential (a session's is)
        before = window[: name.start(1)].rstrip()[-12:].lower()
        return not any(word.encode() in before for word in _SECRET_IDS)
    return (_id_word(words[-1]) and not _SECRET_IDS & set(words)) or "idempotency" in words


# Names of what a ledger or a database identifies (a transaction, a signature-named transaction id, an account, an
# address): the value is its id, written alone after the word too (`Transaction <base58> failed`)
_LEDGER_ID_NOUNS = frozenset(("transaction", "txid", "txn", "tx", "txhash", "account", "address"))
# What a reader holds of a queue or a stream (SQS's `ReceiptHandle`, Kinesis' `ShardIterator`)
_HANDLE_WORDS = frozenset(("handle", "iterator"))
# The last words of an id's name: an id, or a generated unique id of a known scheme (`ksuid=`, `event_ulid:`)
_ID_SCHEMES = frozenset(("uuid", "guid", "ulid", "ksuid", "nanoid", "cuid", "cuid2"))
_ID_WORDS = frozenset(("id", "uid", *_ID_SCHEMES))
# What an id glued onto its noun names, as headers and query strings write it (`x-guploader-uploadid`,
# `?comp=block&blockid=`, `ackid`)
_GLUED_ID_NOUNS = frozenset(
    (
        *_RECORD_NOUNS.split("|"),
        *("upload", "block", "ack", "message", "msg", "trace", "span", "correlation", "operation", "object"),
        *("client", "tenant", "project", "subscription", "resource", "commit", "part"),
    )
)


def _id_word(word: str) -> bool:
    """Whether a name's last word names an id, one or several (`id`, `ack_ids`, `uploadid`, `blockid`)."""
    singular = word[:-1] if word.endswith("s") and len(word) > 2 else word
    return singular in _ID_WORDS or (singular.endswith("id") and singular[:-2] in _GLUED_ID_NOUNS)


# Names of a digest (`Content-MD5:`, `md5Hash`, `x-goog-hash: crc32c=`, `checksum`), and the byte lengths of
# the digests they hold (CRC32C, MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512).
_DIGEST_WORDS = {
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "crc32c",
    "hash",
    "checksum",
    "digest",
    "etag",
}
_DIGEST_SIZES = {4, 16, 20, 28, 32, 48, 64}


def _named_digest(data: bytes, start: int, run: str) -> bool:
    """Whether the run at `start` is a digest (its exact size, in base64 or hex) stored under a digest's name
    that names no secret (`hmac_sha256=` does)."""
    window = data[max(0, start - 80) : start]
    name = _NAME_BEFORE.search(window) or _NAME_BEFORE_SPACE.search(window)
    if name is None:
        return False
    key = name.group(1).decode("ascii", "replace")
    if not _DIGEST_WORDS & set(_words(key)) or key_class(key) is not None:
        return False
    name_start = max(0, start - 80) + name.start(1)
    labelled = (
        b":" in window[name.end(1) :] or b"=" in window[name.end(1) :]
    )  # `Content-MD5: X next-field: …`
    if _credential_digest(data, name_start, start + len(run), after=not labelled):
        return False  # `api_key sha256 X`: the key's digest-sized value, its algorithm named
    if _HEX.match(run):
        return len(run) // 2 in _DIGEST_SIZES and len(run) % 2 == 0
    try:
        decoded = base64.b64decode(
            run.replace("-", "+").replace("_", "/") + "=" * (-len(run) % 4), validate=True
        )
    except (binascii.Error, ValueError):
        return False
    return len(decoded) in _DIGEST_SIZES


def _credential_digest(data: bytes, name_start: int, end: int, after: bool = True) -> bool:
    """Whether the words around a digest's algorithm (named at `name_start`, its value ending at `end`) say the value
    is a credential: the nearest of three words before it that names something decides (`HMAC key (SHA-256 'X')`,
    `api_key sha256 X` are keys; `layer sha256 X` is a digest), then the nearest of three after it on its line
    (`Fernet(sha256 'X') invalid token`; not `after` a field's value, `Content-MD5: X x-goog-…`), as for a hex run
    (`_HEX_KEY`)."""
    line_start = data.rfind(b"\n", max(0, name_start - 64), name_start) + 1
    line_end = data.find(b"\n", end, end + 64)
    before = data[max(line_start, name_start - 64) : name_start].split()[-3:]
    following = data[end : line_end if line_end >= 0 else end + 64].split()[:3] if after else []
    for word in [*reversed(before), *following]:
        text = word.decode("utf-8", "replace")
        if "".join(_words(text)) in _DIGEST_WORDS:
            continue  # the digest's own name (`key SHA256 digest 'X'`)
        said = _hex_word(text)
        if said is not None:
            return said == "credential"
    return False


# A hex key alone in prose (`using key 3f9a…`, `auth ok with 3f9a…`, `[auth] 3f9a… rejected`). Hex is an id far
# more often than a key (trace and span ids, commits, digests, request and key ids), so a run of 32 hex digits or
# more is judged by the words around it, never by its shape alone:
# - under a name (`"name": "3f9a…"`, `name=3f9a…`) the key-name rules decide, by that name;
# - otherwise the nearest of the three words before it that names something decides, then the nearest of the
#   three after it: a credential (`key`, `token`, `secret`, `auth`, `hmac`, `session`, `api`, …: `_hex_word`)
#   makes it a secret, an id's or a digest's name (`commit`, `sha`, `trace`, `request id`, `etag`, `md5`,
#   `fingerprint`, `key id`, …) keeps it;
# - when no word near it names anything, a credential word anywhere on its line makes it a secret.
# A run of one digit or letter mostly (entropy under 3 bits) is no key. Such a run is one of `_RUN`'s, judged
# where `_run_spans` finds it (`looks_generated` passes hex over).
_HEX_KEY = compile_regex(r"(?:0[xX])?[0-9A-Fa-f]{32,}")
# what stands right before and after a bare run (not a name, a path or a host: `3f9a….json`, `/keys/3f9a…`,
# `<hex>-dot-app.appspot.com`)
_BARE_HEX_BEFORE = frozenset(b" \t\r\n\"'`([{,;|<")
_BARE_HEX_END = compile_regex(rb"$|[\s\"'`)\]},;|>!?]|[.:](?:\s|$)")
# What names a hex id or digest rather than a key. A GCP service account's key is named by a 40-hex id (its
# secret is a JSON file holding a PEM key, never hex): `Service account key <id> does not exist`.
_HEX_ID_WORDS = frozenset(
    (
        *_DIGEST_WORDS,
        *("sha", "crc32", "hashes", "hashed", "digests", "checksums", "fingerprint", "thumbprint", "kid"),
        *("commit", "commits", "revision", "rev", "ref", "head", "tree", "parent", "merge", "tag", "build"),
        *("trace", "traces", "traceparent", "span", "request", "req", "correlation", "uuid", "guid"),
        *("image", "layer", "blob", "object", "container", "pod", "instance", "execution", "job"),
        *("tx", "txn", "txid", "transaction", "wallet", "address", "contract", "block"),
        *("serial", "serials"),  # a certificate's serial number
        *("version", "release", "snapshot", "checkpoint", "message", "event", "deployment", "cache"),
    )
)
_SERVICE_ACCOUNT_KEY = compile_regex(rb"(?i)\bservice[ _-]?account[ _-]?key[\"']?[ \t]{1,4}[\"']?$")
# Credential words that `key_class` leaves alone as single words.
# What happens to a key, said before it: the key then is named by its id (gcloud: `created key [<hex>]`)
_KEY_LIFECYCLE = frozenset(
    ("created", "deleted", "disabled", "enabled", "rotated", "revoked", "expired", "uploaded")
)
_HEX_CREDENTIAL_WORDS = frozenset(("api", "keys", "signing", "login", "logon", "signin"))
_HEX_TOKEN_STRIP = "\"'`()[]{}<>,;:=.!?"
_QUOTED_NAME_BEFORE = compile_regex(rb"(?:[\"']\s{0,4}[:=]|[A-Za-z0-9_\]-]=)\s{0,4}\\{0,2}[\"']?$")


@functools.lru_cache(maxsize=4096)
def _hex_word(token: str) -> str | None:
    """What a whitespace-delimited word says of a hex run near it: "id" (an id's, a digest's, a record key's or a
    page cursor's name: `requestId`, `sha256`, `cache_key`, `NEXT_PAGE_TOKEN`), "credential" (`api_key`, `auth`,
    also `KEY_FILE`), or None. A file name or a path (`token.json`, `a/b`) says nothing."""
    token = token.strip(_HEX_TOKEN_STRIP)
    if not token or "/" in token or "." in token:
        return None
    words = _words(token)
    if not words:
        return None
    kind = key_class(token)
    if words[-1] in _HEX_ID_WORDS or (words[-1] == "id" and kind is None):
        return "id"
    if kind is not None:
        return "credential"
    if words[-1] in ("key", "keys", "token", "tokens") and (_RECORD_KEY_WORDS | _CURSOR_WORDS) & set(
        words[:-1]
    ):
        return "id"  # what a record's key or a page's cursor names (`KEY_FILE` names a key's file)
    if "idempotency" in words:
        return "id"
    if any(word in _HEX_CREDENTIAL_WORDS or key_class(word) is not None for word in words):
        return "credential"
    return None


_LINE_WORD = compile_regex(r"[^\s/.=:]+")


def _line_names_credential(line: bytes) -> bool:
    """Whether a word of `line` names a credential (`KEY_FILE`, `x-api-key`, `unauthorized`)."""
    return any(
        _hex_word(word.group()) == "credential"
        for word in _LINE_WORD.finditer(line.decode("utf-8", "replace"))
    )


def _hex_near(before: list[str], after: list[str]) -> str | None:
    """The nearest word before the run that names something, else the nearest after it: "id" or "credential"."""
    for index in range(len(before) - 1, max(-1, len(before) - 4), -1):
        token = before[index]
        if token.strip(_HEX_TOKEN_STRIP).lower() == "id" and index > 0:
            token = f"{before[index - 1].strip(_HEX_TOKEN_STRIP)}_id"  # `key id` keeps, `session id` is one
        if (
            token.strip(_HEX_TOKEN_STRIP).lower() == "key"
            and index > 0
            and before[index - 1].strip(_HEX_TOKEN_STRIP).lower() in _KEY_LIFECYCLE
        ):
            return (
                "id"  # `created key [<hex>] of type [json]`: gcloud names a service account's key by its id
            )
        if said := _hex_word(token):
            return said
    for token in after[:3]:
        if said := _hex_word(token):
            return said
    return None


def _bare_hex_span(data: bytes, start: int, run: str, words: bool) -> Span | None:
    """The span of the run at `start` if it is a hex key (`words`: the text may hold a word of `_hex_word`)."""
    key = run.rstrip(".,;:")
    end = start + len(key)
    if len(key) < 32 or not _HEX_KEY.fullmatch(key) or (start and data[start - 1] not in _BARE_HEX_BEFORE):
        return None
    if not _BARE_HEX_END.match(data, end) or not (words or b"api" in data.lower()):
        return None
    digits = key[2:] if key[:2] in ("0x", "0X") else key
    if len(digits) == 40 and len(digits) < len(key):
        return None  # `0x` and 40 hex digits: an Ethereum address, public (its private key has 64)
    if entropy(digits.lower()) < 3.0 or _QUOTED_NAME_BEFORE.search(data, max(0, start - 8), start):
        return None
    said, line = _hex_context(data, start, end)
    if said == "credential" or (said is None and _line_names_credential(line)):
        return start, end, "secret", _CONTEXT
    return None


def _hex_context(data: bytes, start: int, end: int) -> tuple[str | None, bytes]:
    """What the words near the hex run at `start` say of it ("id", "credential" or None), and its line (at most
    160 bytes either side)."""
    line_start = data.rfind(b"\n", max(0, start - 160), start) + 1 or max(0, start - 160)
    line_end = data.find(b"\n", end, end + 160)
    line_end = min(len(data), end + 160) if line_end < 0 else line_end
    if _SERVICE_ACCOUNT_KEY.search(data, line_start, start):
        return "id", b""
    before = data[line_start:start].decode("utf-8", "replace").split()[-4:]
    after = data[end:line_end].decode("utf-8", "replace").split()[:3]
    return _hex_near(before, after), data[line_start:line_end]


_TEXT_WORD = compile_regex(
    r"[^\W\d]+"
)  # a word of a decoded text: `key_class` tells if it names a credential


# A number or a time written as a JSON string (protobuf's JSON writes an int64 so: a GCS notification's
# `"generation": "1764583200123456"`, `"timeCreated": "2026-12-01T10:00:00.123Z"`)
_JSON_NUMBER_OR_TIME = compile_regex(
    r"-?\d{1,20}(?:\.\d{1,20})?|\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)?"
)


def _plain_json(text: str) -> bool:
    """Whether `text` is a JSON object of plain fields (a Pub/Sub message's `data`, `{"event":"order.created"}`):
    no key names a credential, every string is words, a name or a path."""
    try:
        value = json.loads(text)
    except ValueError:
        return False
    pending, seen = [value], 0
    while pending and seen < 256:
        item = pending.pop()
        seen += 1
        if isinstance(item, dict):
            if any(key_class(str(key)) for key in item):
                return False
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif (
            isinstance(item, str)
            and item
            and not (
                is_plain_words(item)
                or _WORDS_AND_NUMBERS.fullmatch(item)
                or _NAME_PATH.match(item)
                or _JSON_NUMBER_OR_TIME.fullmatch(item)
                or _word_path(item)
            )
        ):
            return False
    return not pending and isinstance(value, dict)


def _word_path(value: str) -> bool:
    """Whether `value` is a site's path of words and numbers (`/billing`, `/orders/42/items`: an OAuth state's
    `return_to`)."""
    segments = value.split("/")
    return (
        value.startswith("/")
        and len(segments) <= 16
        and all(not s or s.isdigit() or is_plain_words(s) for s in segments)
    )


# A GraphQL global id as its API encodes it in base64: GitHub's `010:Repository1296269`, Shopify's
# `gid://shopify/Product/123`, New Relic's entity GUID (`1234567|APM|APPLICATION|98765`): an object's type and number
_TYPED_OBJECT_ID = compile_regex(
    r"\d{2,3}:[A-Z][A-Za-z]{1,40}\d{1,20}|gid://[a-z-]{1,40}/[A-Za-z]{1,40}/\d{1,20}"
    r"|\d{1,12}\|[A-Z]{2,12}\|[A-Z_]{2,40}\|-?\d{1,20}"  # New Relic's entity GUID: account, domain, type, id
)


def _plain_text_base64(run: str) -> bool:
    """Whether `run` is base64 (or base64url) of a sentence (`aGVsbG8gd29y…`) that names no credential: printable
    words (its padding written or left out)."""
    if len(run) % 4 == 1:
        return False
    try:
        padded = run.replace("-", "+").replace("_", "/") + "=" * (-len(run) % 4)  # base64url too
        text = base64.b64decode(padded, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    if text[:1] in ("{", "[") and _plain_json(text):
        return True
    if _TYPED_OBJECT_ID.fullmatch(text):
        return True
    words = text.split()
    return (
        len(words) >= 4
        and text.isprintable()
        and sum(c.isalpha() or c.isspace() for c in text) >= 0.85 * len(text)
        and not any(key_class(word) for word in _TEXT_WORD.findall(text))
    )


# Keys made for browsers and apps, public by design: Stripe's and Clerk's publishable keys (`pk_live_…`), Supabase's
# (`sb_publishable_…`), PostHog's project key (`phc_…`), RevenueCat's and Branch's SDK keys
_PUBLISHABLE = (
    r"pk_(?:live|test)_[0-9A-Za-z]{10,}|sb_publishable_[A-Za-z0-9_-]{20,}|phc_[0-9A-Za-z]{20,}"
    # RevenueCat's app-specific public SDK keys (its secret keys are `sk_…`), Branch's key (its secret `secret_live_…`)
    r"|(?:appl|goog|amzn|strp|rcb)_[A-Za-z0-9]{20,40}|key_(?:live|test)_[A-Za-z0-9]{20,40}"
)
_PUBLISHABLE_KEY = compile_regex(_PUBLISHABLE)
_RESOURCE_ID = (
    r"(?:A[CP]|BU|C[AFR]|FW|HS|IS|JS|M[GM]|NO|PN|QU|RE|SM|TR|UT|V[AE]|W[AKSW]|ZS)[0-9a-f]{32}"
    r"|(?:ch|pi|py|pm|cus|in|ii|sub|evt|txn|re|po|prod|price|seti|src|card|ba|acct|cs|il|si)_[A-Za-z0-9]{14,32}"
    # Stripe's Checkout Session (`cs_live_…`), PayPal's checkout token (`?token=EC-…`, an order's id)
    r"|cs_(?:live|test)_[A-Za-z0-9]{14,80}|EC-[0-9A-Z]{17}"
)
# Public material and ids that have the shape of a key: an SRI or npm integrity hash, an SSH public key, an
# Ethereum or bech32 Bitcoin address, a ULID, Stripe's object ids (its secrets are formats: `sk_live_…`),
# Twilio's resource SIDs (`SM…` a message, `CA…` a call; its API key SID `SK…` is a format), a Google OAuth
# client's id (public: its secret is `GOCSPX-…`), Stripe's publishable key (`pk_live_…`, meant for browsers), Nostr's
# public ids (`npub1…`, `note1…`), an image or a PDF in base64 (by its file's magic bytes), a certificate or a public
# key in PEM wrapped in base64 (kubeconfig's `client-certificate-data`).
_PUBLIC_RUN = compile_regex(
    r"^(?:sha(?:1|256|384|512)-[A-Za-z0-9+/]{20,}={0,2}|AAAA(?:C3NzaC1|B3NzaC1|E2VjZHNh)[A-Za-z0-9+/]*={0,3}"
    r"|\d{6,16}-[a-z0-9]{32}\.apps\.googleusercontent\.com"
    r"|(?:iVBORw0KGgo|/9j/|R0lGOD[dl]h|JVBERi0)[A-Za-z0-9+/]*={0,2}"
    r"|LS0tLS1CRUdJTiB(?:DRVJUSUZJQ0FURS0tLS0t|QVUJMSUMgS0VZLS0tLS0)[A-Za-z0-9+/]*={0,2}"
    r"|" + _PUBLISHABLE + r"|(?:npub|note|nevent|nprofile|naddr)1[02-9ac-hj-np-z]{20,}"
    # a NATS public nkey: a server's, cluster's, operator's, account's, user's or curve key (56 characters of base32;
    # a seed, the secret, starts with `S` and has 58)
    r"|[NCOAUX][A-Z2-7]{55}"
    # an Oracle Cloud resource's id (`ocid1.<type>.<realm>.<region>.<id>`)
    r"|ocid1\.[a-z0-9]{2,40}\.oc\d{1,2}\.[a-z0-9-]{0,40}\.[a-z0-9]{20,}"
    # an age recipient (an X25519 public key in bech32); a Content-Security-Policy nonce, sent to every browser
    r"|age1[02-9ac-hj-np-z]{58}|nonce-[A-Za-z0-9+/_-]{8,}={0,2}"
    # the ids of LLM APIs' objects: Anthropic's messages, tool calls and batches (`msg_01…`, `toolu_01…`), OpenAI's
    # files, completions, assistants, threads, runs, vector stores, responses
    r"|(?:msg|toolu|msgbatch|req)_01[A-Za-z0-9]{16,40}|(?:file|chatcmpl|ftjob|batch)-[A-Za-z0-9]{16,40}"
    r"|(?:asst|thread|run|vs|resp|call|step)_[A-Za-z0-9]{16,48}"
    # and OpenAI's organizations and projects (`org-…`, `proj_…`; a project's API key is `sk-proj-…`)
    r"|org-[A-Za-z0-9]{24}|proj_[A-Za-z0-9]{24}"
    # Okta's objects: users, groups, apps, policies, authorization servers (20 characters; its API tokens are 42)
    r"|(?:00u|00g|0oa|00p|0pr|aus|0ob|0sc)[A-Za-z0-9]{17}"
    # IPFS content ids: CIDv0 (`Qm…`, base58) and CIDv1 (`bafy…`, base32): a file's address, what it holds
    r"|Qm[1-9A-HJ-NP-Za-km-z]{44}|baf[ky][a-z2-7]{50,}"
    # a DER public key (SubjectPublicKeyInfo) of Ed25519/X25519, EC P-256/P-384 or RSA 1024/2048/4096
    r"|(?:MCowBQYDK2V[wu]AyEA|MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE|MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE"
    r"|MIGfMA0GCSqGSIb3DQEBAQUAA4GNAD|MII[BC]IjANBgkqhkiG9w0BAQEFAAOCA[Qg]8A)[A-Za-z0-9+/]*={0,2}"
    r"|0x[0-9a-fA-F]{40}|(?:bc|tb)1[02-9ac-hj-np-z]{25,87}|[0-7][0-9A-HJKMNP-TV-Z]{25}"
    r"|" + _RESOURCE_ID + r")$"
)
# Twilio's resource SIDs and Stripe's object ids alone: ids whatever name they are written under (`sid=SM…`)
_PUBLIC_ID = compile_regex(_RESOURCE_ID)
# … or what stands right before it says so: go.sum's `h1:`, a fingerprint's `SHA256:`, a `data:` URI of media (one
# of JSON or text may hold a configuration and its credentials, and so may `application/octet-stream`'s bytes of
# no declared kind: a service account's key file, a `.env` uploaded so), a public key's type.
_PUBLIC_BEFORE = compile_regex(
    rb"(?:\bh1:|\bSHA(?:1|256|384|512):|\bMD5:|\b(?i:sec-websocket-(?:key|accept))[ \t]{0,4}:[ \t]{0,4}|\bdata:(?:(?:image|audio|video|font)/[\w.+-]{1,64}|application/(?:pdf|wasm|(?:x-)?font-[\w.+-]{1,32}))(?:;[\w.=-]{1,64}){0,4};base64,"
    rb"|\b(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d{3}|sk-ssh-ed25519@openssh\.com)[ \t]"
    # a Google Drive file's or a Docs editor's document id, in its URL or in Drive's `File not found: <id>`
    rb"|\bdocs\.google\.com/(?:spreadsheets|document|presentation|forms|drawings)/d/|\bdrive\.google\.com/file/d/"
    rb"|/drive/v[23]/files/|\bFile not found: "
    # a MIME multipart's boundary; an entity tag (Express' weak `W/"<length>-<hash>"`); gRPC's error details, a
    # serialized `google.rpc.Status` in base64
    rb"|\bboundary=\"?|\b(?i:etag|if-none-match|if-match)[ \t]{0,4}:[ \t]{0,4}(?:W/)?\"(?:[0-9a-f]{1,8}-)?"
    rb"|\bgrpc-status-details-bin[ \t]{0,4}:[ \t]{0,4}"
    # Chrome's field-trial ids, a base64 protobuf it sends to Google's hosts
    rb"|\b(?i:x-client-data)[ \t]{0,4}:[ \t]{0,4}"
    # OpenSSH's hashed host name in `known_hosts` (`|1|<salt>|<hash>`); an element that holds a UUID (KeePass)
    rb"|\|1\||\|1\|[A-Za-z0-9+/]{27}=\||<(?i:uuid|guid)>"
    # WireGuard names a peer by its public key: `wg0: Handshake for peer 3 (<key>) did not complete`
    rb"|\bpeer[ \t]\d{1,9}[ \t]\()$"
)
# Blocks of public material: certificates, public keys, PGP public keys and signatures.
_PUBLIC_BLOCK = compile_regex(
    rb"-----BEGIN (?:CERTIFICATE|TRUSTED CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|PGP SIGNATURE"
    rb"|(?:NEW )?CERTIFICATE REQUEST|X509 CRL)-----"
)


def _public_blocks(data: bytes) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    position = 0
    while (begin := _PUBLIC_BLOCK.search(data, position)) is not None:
        end = data.find(b"-----", begin.end())  # its END, or whatever block starts next
        position = len(data) if end < 0 else end + 5
        blocks.append((begin.end(), position))
    return blocks


# A JSON Web Key's public members: an RSA key's modulus `n`, an EC or OKP key's point `x`/`y` (a JWKS answer,
# `jwks: fetched key {"kty":"RSA",…,"n":"…"}`); the private ones (`d`, `p`, `q`, `k`, …) are secret.
_JWK_PUBLIC_MEMBER = compile_regex(rb'\\?"(?:n|x|y)\\?"[ \t]{0,4}:[ \t]{0,4}\\?"$')


# An Elasticsearch index as its logs name it, in brackets: the index's name (lowercase, `.ds-logs-web-2026.12.02`
# of a data stream) and its UUID, 22 characters of base64url (`[orders-2026.12.02/Xk3pQm9sT2uVw8yZ1aB4cD]`).
_INDEX_REFERENCE = compile_regex(r"\.?[a-z0-9][a-z0-9._+-]{0,254}/[A-Za-z0-9_-]{22}")


# A digest's algorithm right before its value: an HTTP digest field (RFC 3230's `Digest: sha-256=X`, RFC 9530's
# `Content-Digest: sha-256=:X:`), Subresource Integrity's `sha384-X` and a browser's report of it (`computed SHA-384
# integrity 'X'`): a value of that digest's size in base64 is the digest (another size may be a key); not an HMAC's
_NAMED_DIGEST_BEFORE = compile_regex(
    rb"(?<![\w-])(?i:sha-?(1|256|384|512))(?:=:?|-|[ \t]{1,4}(?i:(?:integrity|digest|hash)[ \t]{1,4})?[\"']?)$"
)
_DIGEST_BASE64_SIZES = {b"1": 28, b"256": 44, b"384": 64, b"512": 88}


def _public_run(data: bytes, start: int, run: str) -> bool:
    """Whether the run at `start` is public material or an id rather than a secret."""
    named_digest = _NAMED_DIGEST_BEFORE.search(data, max(0, start - 24), start)
    return bool(
        _PUBLIC_RUN.match(run.rstrip(".,;:"))
        or (
            named_digest
            and len(run.rstrip(".,;:")) == _DIGEST_BASE64_SIZES[named_digest.group(1)]
            and not _credential_digest(data, named_digest.start(), start + len(run))
        )
        or (data[start - 1 : start] == b"[" and _INDEX_REFERENCE.fullmatch(run.rstrip(".,;:]")))
        or _PUBLIC_BEFORE.search(data, max(0, start - 96), start)
        or (
            _JWK_PUBLIC_MEMBER.search(data, max(0, start - 16), start)
            and data.rfind(b'"kty', max(0, start - 1024), start) >= 0
        )
    )


# A public key's name, then its separator, right before a value (WireGuard's `PublicKey = X`, `"public_key": "X"`,
# `pubkey: X`): a value of a key's shape there (X25519 and Ed25519 keys look alike, public or private) is public.
# So is a CAPTCHA's site key (reCAPTCHA's, hCaptcha's, Turnstile's `data-sitekey="X"`), which every page shows.
_PUBLIC_KEY_GATE = compile_regex(rb"(?i)(?:pub(?:lic)?|site)[ _.-]?keys?")
# the name, then the value's opening quote (a Python bytes literal's `b'` too) and what of the value comes before
# the span (a shape found inside a ZeroMQ Z85 key, `curve_serverkey = b'rq:rM>}U?@…'`)
_PUBLIC_KEY_BEFORE = compile_regex(
    rb"(?i)(?:^|[^A-Za-z0-9])(?:pub(?:lic)?|site|curve_server)[ _.-]?keys?\\{0,2}[\"']?[ \t]{0,4}[:=][ \t]{0,4}\\{0,2}"
    rb"(?:b?[\"'][^\"'\r\n]{0,64})?$"
)


def _named_public(data: bytes, span: Span) -> bool:
    """Whether `span` is a value found by its shape alone (a random run, a lone base64 line) under a public key's
    name."""
    start, _, kind, rank = span
    shape = rank == _RANDOM or (rank == _FORMAT and kind == "private-key")
    return shape and _PUBLIC_KEY_BEFORE.search(data, max(0, start - 128), start) is not None


# PKCE's challenge (RFC 7636) by its name, of a SHA-256 digest's length in base64url: with the `S256` method the
# client sends the digest of its verifier to the browser, public by design. With `plain` (the default when no
# method is named) the challenge is the verifier itself, a secret: it stays redacted.
_PKCE_CHALLENGE_BEFORE = compile_regex(rb"code_challenge\\{0,2}[\"']?[ \t]{0,4}[:=][ \t]{0,4}\\{0,2}[\"']?$")
_PKCE_CHALLENGE = compile_regex(rb"[A-Za-z0-9_-]{43}")
_BASE64URL_BYTES = frozenset(
    bytes([c]) for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)


def _pkce_challenge(data: bytes, span: Span) -> bool:
    """Whether `span` lies in an S256 PKCE challenge: 43 base64url characters right after `code_challenge=`, in a
    text that names the `S256` method (the caller checks that)."""
    start, end, _, _ = span
    challenge = _PKCE_CHALLENGE.match(data, start)
    return (
        challenge is not None
        and end <= challenge.end()
        and data[challenge.end() : challenge.end() + 1] not in _BASE64URL_BYTES
        and _PKCE_CHALLENGE_BEFORE.search(data, max(0, start - 24), start) is not None
    )


def _in_public_block(span: Span, blocks: list[tuple[int, int]]) -> bool:
    """Whether `span` is a random run or a lone base64 line (`private-key` format) of a public block's body."""
    start, end, kind, rank = span
    shape = rank == _RANDOM or (rank == _FORMAT and kind == "private-key")
    return shape and any(begin <= start and end <= block_end for begin, block_end in blocks)


def _run_at(data: bytes, found: int, end: int) -> tuple[int, int]:
    """The run of a `_RUN` match from `found` to `end`: its last stretch of run characters, and the padding after
    it. What comes before a run (the text's start, a character no run holds, a name's `=`) holds no run character
    where it ends, so the stretch is the run whole."""
    body = data[found:end].rstrip(b"=")
    return found + len(body.rstrip(_RUN_BODY)), end


def _run_spans(data: bytes, words: bool) -> Iterator[Span]:
    """Random runs, and hex keys (`_bare_hex_span`) when `words` says the text may hold a credential word."""
    position = 0
    # a run is 20 characters or more: fewer left cannot hold one (most texts end within a run's length of one)
    while len(data) - position >= _RUN_LENGTH and (match := _RUN.search(data, position)) is not None:
        start, end = _run_at(data, *match.span())
        position = end
        padding = end - start - len(data[start:end].rstrip(b"="))
        if padding and _RUN_CHARACTER.match(data, end):
            # a long name and the `=` of its value (`AZURE_DEVOPS_EXT_PAT=<run>`), not base64 padding: the
            # next search starts at the name's last character, so the value is a run of its own
            position = end - padding - 1
        run = data[start:end].decode("ascii", "replace")
        if (
            looks_generated(run)
            and not _named_id(data, start)
            and not _public_run(data, start, run)
            and not _named_digest(data, start, run.rstrip(".,;:"))
            and not _plain_text_base64(run.rstrip(".,;:"))
        ):
            stripped = run.rstrip(".,;:")
            yield start, start + len(stripped), "secret", _RANDOM
        elif len(run) >= 32 and (hex_key := _bare_hex_span(data, start, run, words)) is not None:
            yield hex_key


def _slash_run_spans(data: bytes) -> Iterator[Span]:
    """Base64 keys that start with `/`: marked as base64 by a `+` or padding, or with a random first segment
    that is key-long or followed by no word (a path's first segment is a word, and a word follows an id)."""
    for match in _SLASH_RUN.finditer(data):
        start, end = _span(match, b"run")
        run = data[start:end].decode("ascii", "replace")
        body = run.lstrip("/")
        segments = [segment for segment in body.split("/") if segment]
        first = segments[0] if segments else ""
        random_first = _random_part(first) and not is_plain_words(first)
        no_word = not any(is_plain_words(segment) or segment.isdigit() for segment in segments)
        if (
            ("+" in run or run.endswith("=") or (random_first and (len(first) >= 16 or no_word)))
            and looks_generated(body)
            and not _plain_text_base64(run)
            and not _named_digest(data, start, run)
            and not _public_run(data, start, run)
        ):
            yield start, end, "secret", _RANDOM


def _short_run_spans(data: bytes) -> Iterator[Span]:
    for match in _SHORT_RUN.finditer(data):
        start, end = _span(match, b"run")
        run = data[start:end].decode("ascii", "replace")
        core = run.replace("-", "").replace("_", "").replace("~", "")
        if (
            len(core) >= 16
            and any(c.isdigit() for c in core)
            and _mixed_case(core)
            and _random_part(core)
            and entropy(core) >= 3.6
            and not _named_id(data, start)
            and not _public_run(data, start, run)
            and not _named_digest(data, start, run)
        ):
            yield start, end, "secret", _RANDOM


# A token as a segment of a URL's path, where `_RUN` starts no run (`https://hooks.example.com/services/T0/B0/<token>`,
# a log collector's `/receiver/v1/http/<token>`, a signed image URL `/<signature>/300x200/a.jpg`): a run of 24
# characters or more of a segment that looks generated. Hex (digests, commits), UUIDs, words and slugs stay.
#
# The path is found in two steps: RE2 finds what comes before it, the `/` and the path's first character
# (`_URL_PATH_HEAD`), then the rest of the path (`_URL_PATH_REST`, anchored). In one pattern, the path's
# `{1,1000}` made every character of a URL a new state of RE2's automaton, each built from the threads of the
# scheme, the host and the path at once: ~160 M instructions for each new URL of a run. The head has one way to
# match at a start (a scheme ends at its `://`, a host at its `/`, the blanks before a request's path at the
# `"?/`), and the greedy path takes all it can, so the two steps give the spans the one pattern gave.
#
# A host is up to 256 characters, a path up to 1,000. Counting them costs RE2 a copy of the class for each (8 ms to
# compile the path's 1,000), so each is read unbounded, and read again with its count only when it is longer in
# bytes than its count in characters: a shorter one is found where the counted pattern finds it (at a start, the
# head has one way to match; each run is all of the class up to the next `/` or the path's end).
# Django's request logger names the path after the response's reason (`Not Found: /accounts/reset/<uid>/<token>/`,
# `Forbidden (CSRF token missing.): /x`, `Method Not Allowed (POST): /x`): a request line too.
_REASON_PATH = rb"|\b(?:not found|internal server error|bad request|unauthorized|forbidden|gone|method not allowed|too many requests|service unavailable)(?:[ \t]\([^()\r\n]{1,80}\))?:[ \t]{1,8}"
_URL_PATH_HEAD = _Deferred(
    rb"(?i)(?:\b[a-z][a-z0-9+.-]{0,31}://[^\s/\"'<>?#\\]+|\b(?:get|post|put|patch|delete|head|options)[ \t]{1,8}(?:-[ \t]{1,8})?\"?"
    + _REASON_PATH
    + rb")/[^\s\"'<>?#\\]"
)
_URL_PATH_HEAD_COUNTED = _Deferred(
    rb"(?i)(?:\b[a-z][a-z0-9+.-]{0,31}://[^\s/\"'<>?#\\]{1,256}|\b(?:get|post|put|patch|delete|head|options)[ \t]{1,8}(?:-[ \t]{1,8})?\"?"
    + _REASON_PATH
    + rb")/[^\s\"'<>?#\\]"
)
_URL_HOST_BYTES = 256
_URL_PATH_REST = _Deferred(rb"/[^\s\"'<>?#\\]+")
_URL_PATH_REST_COUNTED = _Deferred(rb"/[^\s\"'<>?#\\]{1,1000}")
_URL_PATH_BYTES = 1 + 1000  # the `/` and 1,000 characters of one byte


def _url_paths(data: bytes) -> Iterator[tuple[int, int, int]]:
    r"""Where each URL or request line with a path starts, and its path's span (from its `/`): as one pattern
    `(?i)(?:scheme://host|method[ \t]{1,8}"?)(?P<path>/[^\s"'<>?#\\]{1,1000})` finds them one after another (Ktor
    writes a dash between the method and the path: `POST - /path`)."""
    position = 0
    while (head := _URL_PATH_HEAD.search(data, position)) is not None:
        start, first_end = head.span()
        # the path's `/`: its first character, one byte or several of 0x80 and above, holds no other `/`
        slash = data.rindex(b"/", start, first_end - 1)
        host = data.find(b"://", start, slash)  # a scheme's, before its host (a request line has none)
        if host >= 0 and slash - host - 3 > _URL_HOST_BYTES:
            if (head := _URL_PATH_HEAD_COUNTED.search(data, position)) is None:
                return
            start, first_end = head.span()
            slash = data.rindex(b"/", start, first_end - 1)
        position = _URL_PATH_REST.match(data, slash).end()  # it matches: the head found a first character
        if position - slash > _URL_PATH_BYTES:
            position = _URL_PATH_REST_COUNTED.match(data, slash).end()
        yield start, slash, position


_PATH_RUN = compile_regex(rb"[A-Za-z0-9_~.%+=-]{24,}")
_PATH_RUN_GATE = b"<url path run>"  # the gate of `_URL_PATH_HEAD`: a segment as long as a key
_PATH_RUN_GATE_PATTERN = rb"/[A-Za-z0-9_~.%+=-]{24}"


# A secret as the segment after one that names it in a URL's path: a webhook's (`/hooks/<secret>`), a key's
# (`/with/key/<key>`), a token's (`/reset-password/<token>`). A plural names a collection (`/secrets/db-password`,
# `/keys/<id>`), and a word, a number or a name stays (`/token/refresh`, `/hooks/12345`).
_NAMED_PATH_GATE = b"<named url path segment>"
# the words of a segment that names a one-time link's action (`reset-password`, `activate`, `magic-link`)
# (and a hook's: a webhook's path is its secret, `callback failed for /v1/hooks/<token>` as in a URL)
_CAPABILITY_ACTIONS = rb"reset|activat|confirm|verif|unlock|recover|unsubscrib|invit|magic|redeem|hook"
_NAMED_PATH_GATE_PATTERN = (
    rb"(?i)/[A-Za-z0-9_-]{0,32}(?:key|token|secret|pass|password|passwd|pwd|auth|hooks?)/"
    rb"(?:[A-Za-z]{1,12}/)?[A-Za-z0-9_~.%+=-]{12}"
    + rb"|(?:/|\b)[A-Za-z0-9_-]{0,32}(?:"
    + _CAPABILITY_ACTIONS
    + rb")[A-Za-z0-9_-]{0,32}/[A-Za-z0-9_~.%+=-]"
    rb"|://(?:[A-Za-z0-9-]+\.){0,3}(?:web)?hooks?\.[^\s/]+/[A-Za-z0-9_~.%+=-]"
)
_HOOK_SEGMENTS = {"hook", "hooks", "webhook", "webhooks"}
# A secret store's collections: the segment after one is an item's name, the one after that its version (Azure Key
# Vault's `/secrets/<name>/<version>`, `/keys/<name>/<version>`)
_STORE_COLLECTIONS = frozenset(("secrets", "keys", "certificates", "passwords", "tokens", "credentials"))
# A host that serves webhooks (`hooks.<domain>`, `webhook.<domain>`): its path, from the first segment that is not a
# word, is the hook's secret.
_HOOK_HOST = compile_regex(rb"(?i)://(?:[^\s/@]{1,256}@)?(?:[A-Za-z0-9-]{1,63}\.){0,3}(?:web)?hooks?\.")
# A segment that names what a link may do once, the link's own token after it: a password's reset
# (`/reset/<uidb64>/<token>/`, Django's, with the user's id first), an account's activation or an address's
# confirmation, an invitation, a magic link, an unsubscription. A short segment (Django's user id in base64) or a
# word (`/password/edit/<token>`, Devise's) may stand between. (A rule of secret_formats.toml
# takes a mixed-case token right after such a word; this also reads hex digests, UUIDs and lower-case runs.)
_CAPABILITY_WORDS = frozenset(
    (
        *("reset", "activate", "activation", "confirm", "confirmation", "verify", "verification", "unlock"),
        *("recover", "recovery", "unsubscribe", "invite", "invitation", "magic", "redeem"),
        *_HOOK_SEGMENTS,
    )
)
_CAPABILITY_TOKEN = compile_regex(r"[A-Za-z0-9_~.=-]{16,128}")
_SEGMENT_WORDS = compile_regex(r"[-_.]")


def _capability_name(name: str) -> bool:
    """Whether a path's segment names a link's one-time action (`reset`, `verify-email`, `magic-link`)."""
    return not _CAPABILITY_WORDS.isdisjoint(_SEGMENT_WORDS.split(name.lower()))


def _capability_token(value: str) -> bool:
    """A one-time link's token: long, of letters and digits, not words (a UUID, a hex digest, `1mmit7-03df…`)."""
    return (
        _CAPABILITY_TOKEN.fullmatch(value) is not None
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and not is_plain_words(value)
        and not _WORDS_AND_NUMBERS.fullmatch(value)
    )


def _named_path_spans(data: bytes) -> Iterator[Span]:
    for url_start, start, end in _url_paths(data):
        hook_host = _HOOK_HOST.search(data, url_start, start) is not None
        position = start + 1
        name = ""
        capability = 0  # how many segments on a one-time link's token may still come
        collection = False  # whether the segment before `name` names a collection (`/secrets/<name>`)
        for segment in data[start + 1 : end].split(b"/"):
            value = segment.decode("ascii", "replace")
            if hook_host and value and not is_plain_words(value):
                if not _marked(data, position, end):
                    yield position, end, "token", _CONTEXT
                break
            # a hook's segment, also as a name's last word (`build_hooks`, `deploy-hook`)
            hook = _SEGMENT_WORDS.split(name.lower())[-1] in _HOOK_SEGMENTS
            # a collection's item is named, not a secret: Key Vault's `/secrets/db-password/<version>`
            named = key_class(name) is not None and not name.endswith(("s", "S")) and not collection
            # after a hook's segment, anything but a word, a number or a name (`/hooks/12345`, `/hooks/deploy-v2`)
            secret = _positional_secret(value) if hook else named and is_secret_value("weak", value)
            secret = secret or (capability > 0 and _capability_token(value))
            if secret and not _marked(data, position, position + len(segment)):
                yield position, position + len(segment), "token", _CONTEXT
            if _capability_name(value) or (named and value.isalpha()):
                capability = 2
            else:
                capability = capability - 1 if len(value) <= 8 and not secret else 0
            collection = name.lower() in _STORE_COLLECTIONS
            name = value
            position += len(segment) + 1


# A one-time link's path where no URL or request line holds it: a framework's or a server's message names the path
# alone, as a route (Laravel's `The route reset-password/<token> could not be found`, Spring's `No static resource
# invite/<token>.`) or as the file it looked for (nginx's `open() "/usr/share/nginx/html/magic-link/<token>"`, Apache's
# `File does not exist: …/unsubscribe/<token>`, Node's ENOENT). The segment that names the action, at most one short
# segment, then the token (`_capability_token`).
_CAPABILITY_PATH = _Deferred(
    rb"(?:^|[/\s\"'\[(=:])(?P<name>[A-Za-z0-9_-]{0,32}(?i:"
    + _CAPABILITY_ACTIONS
    + rb")[A-Za-z0-9_-]{0,32})/(?:[A-Za-z0-9_=-]{1,8}/)?(?P<token>[A-Za-z0-9_~.=-]{16,129})"
)


def _capability_path_spans(data: bytes) -> Iterator[Span]:
    for match in _CAPABILITY_PATH.finditer(data):
        start, end = _span(match, b"token")
        token = data[start:end].rstrip(b".")
        end = start + len(token)
        if _capability_name(match.group(b"name").decode("ascii")) and _capability_token(
            token.decode("ascii")
        ):
            yield start, end, "token", _CONTEXT


def _url_path_spans(data: bytes) -> Iterator[Span]:
    for _, start, end in _url_paths(data):
        for run in _PATH_RUN.finditer(data, start, end):
            value = run.group(0).decode("ascii")
            if looks_generated(value) and not _public_run(data, run.start(), value):
                yield run.start(), run.end(), "token", _RANDOM


_JOINERS = {b"-", b".", b"/", b"_", b"@"}
_TEMPLATE_FIELD = {(b"%(", b")s")}
_MARKER_OPENING = MARKER_PREFIX.encode()


_SPACED_ID = compile_regex(r"(?i)" + _SPACED_SECRET_ID)
_NAME_START = compile_regex(rb"[A-Za-z0-9_-]{1,64}$")
_NAMED_VALUE = compile_regex(
    rb"[ \t]{1,4}(?:(?:is|was)[ \t]{1,4})?([A-Za-z0-9+/_~.-]{8,256}?)=*(?:[\s,;)]|$)"
)
_TAG_OPENING = compile_regex(rb"</?(?:[A-Za-z0-9_.-]{1,32}:)?$")


_NEXT_ASSIGNMENT = compile_regex(rb"[ \t]{0,16}[A-Za-z_][A-Za-z0-9_.:-]{0,64}=")
# a separator that ends its line, doubled or not (`password=`, `password==`, `token::`, `secret:=`)
_LABEL_SEPARATORS = (b":", b"=", "：".encode(), b"==", b"::", b":=", b"=>")
_LINE_ENDS_AT_SEPARATOR = compile_regex(rb"[ \t]{0,8}(?:={1,2}|::|:=|=>)[ \t]{0,8}\r?\n")
_ALONE_ON_LINE = compile_regex(rb"[ \t]{0,16}[^\s]{1,256}[ \t]{0,16}(?:\r?\n|$)")
_BLANK_LINES = compile_regex(rb"(?:[ \t]{0,16}\r?\n){0,2}")


# A credential's name after its value (`X is the api key`, `X was used as password`, `used X as the password`,
# `X (refresh token)`, `X - api key`): the value, a link (a verb `is`/`was`/`as`, or `(`, `-`, `=`), at most two
# words that qualify the name (`the admin password`), then the name, which ends its clause (`X is the password
# reset page` names a page).
_LINK_WORDS = frozenset(
    (
        *("is", "was", "were", "been", "be", "being", "has", "had", "also", "now", "then", "still"),
        *("used", "set", "accepted", "given", "chosen", "sent", "tried", "entered", "typed", "rejected"),
        *("as", "the", "my", "our", "your", "their", "his", "her", "its", "a", "an"),
    )
)
_LINK_VERBS = frozenset(("is", "was", "were", "been", "as"))
# also an en and an em dash
_LINK_SYMBOLS = frozenset((b"(", b"-", b"=", b"->", b"\xe2\x80\x93", b"\xe2\x80\x94"))
# What may follow a name that ends its clause: a word that starts another one, or punctuation.
_CLAUSE_WORDS = frozenset(
    (
        *("for", "of", "to", "in", "on", "at", "by", "from", "with", "and", "or", "but", "so", "because"),
        *("we", "i", "you", "they", "he", "she", "it", "that", "which", "who", "when", "here", "there"),
        *("was", "is", "were", "has", "had", "will", "would", "should", "again", "too", "now", "then"),
    )
)
_LOOK_BACK_TOKEN = compile_regex(rb"\(|[^\s(]+")
_NEXT_WORD = compile_regex(rb"[ \t]{0,4}(?:\)|([A-Za-z]+)|[^\sA-Za-z]|$)")
_FILE_LINE = compile_regex(r"[\w.-]+\.\w+:\d+")
_ERROR_CODE = compile_regex(r"[A-Z]{1,6}[-_]?\d{1,6}")  # `E401 - token expired`, `ORA-28000 (password)`


_USER_WORDS = frozenset(("user", "username", "login", "account", "role", "principal"))


_ABSENT_WORDS = frozenset((b"empty", b"blank", b"no", b"null", b"missing", b"without"))


def _value_before_name(data: bytes, name_start: int, name_end: int) -> tuple[int, int] | None:
    """The span of a value written before the credential word at `name_start`, as `_LINK_WORDS` describes."""
    following = _NEXT_WORD.match(data, name_end)
    if following is None or (following.group(1) and following.group(1).lower().decode() not in _CLAUSE_WORDS):
        return None  # `X is the password reset page`, `OAuth2 is the token protocol`
    window_start = data.rfind(b"\n", max(0, name_start - 160), name_start) + 1 or max(0, name_start - 160)
    tokens = list(_LOOK_BACK_TOKEN.finditer(data, window_start, name_start))
    index = len(tokens) - 1
    if index >= 0 and tokens[index].group().lower() in _ABSENT_WORDS:
        return None  # `Guest:501:…::: (empty password)`: the name says there is no value
    for _ in range(2):  # words that qualify the name (`admin`, `current signing`)
        if (
            index >= 0
            and tokens[index].group().isalpha()
            and tokens[index].group().lower().decode() not in _LINK_WORDS
        ):
            index -= 1
    linked = paren_link = False
    while index >= 0 and (
        (link := tokens[index].group()).lower().decode("utf-8", "replace") in _LINK_WORDS
        or link in _LINK_SYMBOLS
    ):
        linked = linked or link in _LINK_SYMBOLS or link.lower().decode() in _LINK_VERBS
        paren_link = paren_link or link == b"("
        index -= 1
    if index < 0:
        return None
    # `X: password for svc-deploy`: a colon links a value to the name of whose credential it is
    linked = linked or (tokens[index].group().endswith(b":") and following.group(1) == b"for")
    if not linked:
        return None
    opening = data.rfind(b"(", window_start, name_start)
    parenthesized = paren_link or data[name_start - 1 : name_start] == b"("
    if tokens[index].group() == b"(" or parenthesized != (following.group().strip() == b")"):
        return None  # `(` opens the name only when `)` closes it (`X (admin password)`, not `(using password: YES)`)
    if parenthesized and data[opening - 1 : opening] not in (b" ", b"\t"):
        return None  # a call or a substitution (`$(API_KEY)`), not `X (api key)`
    start, end = tokens[index].span()
    quote = data[end - 1 : end]
    if quote in (b'"', b"'") and data[start : start + 1] != quote:
        opening_quote = data.rfind(
            quote, window_start, end - 1
        )  # a quoted value with spaces: its opening quote
        if opening_quote < 0:
            return None
        start = opening_quote
    value = data[start:end].rstrip(b".,;:")
    quoted = len(value) >= 2 and value[:1] in (b'"', b"'") and value[-1:] == value[:1]
    text = value[1:-1].decode("utf-8", "replace") if quoted else value.decode("utf-8", "replace")
    if not text or text.startswith((MARKER_PREFIX, "-")) or "=" in text or _placeholder(text):
        return None
    if any(q in text for q in "\"'`"):
        return None  # quoted parts (`'app'@'10.0.0.2'`): a structure, not one value
    if index > 0 and tokens[index - 1].group().lower().decode("utf-8", "replace") in _USER_WORDS:
        return None  # RabbitMQ's `user 'guest' - invalid credentials`: the name of whose credential it is
    if not quoted and (
        "/" in text
        or _FILE_LINE.fullmatch(text)
        or _ERROR_CODE.fullmatch(text)
        or _WORDS_AND_NUMBERS.fullmatch(text)  # `us-east-1 (credentials)`
        or _QUALIFIED.fullmatch(text)  # `config.yaml (secrets)`, `app.settings.prod - api key`
        or _camel_words(text)  # `RateLimiter2 (token)`
        or not _password_like(text)
    ):
        return None
    return (start + 1, start + len(value) - 1) if quoted else (start, start + len(value))


# What selects a field by its name, a selector flag's `=` (`-field=`, `--fields label=`): the credential word after it
# names a field, not a value
_FIELD_SELECTED = compile_regex(rb"(?i:field|fields|label|column|attribute|property)=$")


# A cursor's word right before `token` (`continuation token`, `page token`, `sync token`): a page's cursor, no credential
_CURSOR_BEFORE = compile_regex(rb"(?i)\b(?:page|continuation|pagination|cursor|next|sync|resume)[ \t]{1,4}$")


# A listing of secrets by name and digest (`fly secrets list`: `NAME  DIGEST  CREATED AT`): each row's hex is the
# digest of the value, which the listing does not show.
_DIGEST_LISTING = compile_regex(rb"(?m)^NAME[ \t]+DIGEST\b")
_HEX_DIGEST = compile_regex(rb"[0-9a-f]{8,64}")


def _phrase_spans(data: bytes) -> Iterator[Span]:
    """A value written a few words after a credential word (`client secret is X`, `bad password X`)."""
    for match in _CREDENTIAL_WORD.finditer(data):
        word = match.group(0).decode("utf-8", "replace")
        password = _PASSWORD_PHRASE.search(word) is not None
        end = match.end()
        if data[end : end + 1] in _JOINERS or data[match.start() - 1 : match.start()] in _JOINERS:
            continue  # part of a name (`projects/secret-project/logs`, `token.js`)
        if (data[max(0, match.start() - 2) : match.start()], data[end : end + 2]) in _TEMPLATE_FIELD or (
            data[match.start() - 1 : match.start()] == b"{" and data[end : end + 1] == b"}"
        ):
            continue  # a template's field (`%(password)s`, `{password}`): a value goes there, none is written
        if data[match.start() - 1 : match.start()] == b"=" and _FIELD_SELECTED.search(
            data, max(0, match.start() - 72), match.start()
        ):
            continue  # the field a tool reads (`vault kv get -field=password secret/db`)
        if data[end : end + 1] == b"]" and data.endswith(_MARKER_OPENING, 0, match.start()):
            continue  # the kind of a marker (`[REDACTED:password]`): redacting is idempotent
        if word[:1] in "tT" and _CURSOR_BEFORE.search(data, max(0, match.start() - 24), match.start()):
            continue  # a page's cursor (`The continuation token provided is incorrect. NextToken: X`)
        if data[end : end + 2] in (b'":', b"':") and _PHP_VISIBILITY.match(data, end + 2):
            continue  # a PHP property's name (`["password":protected]=>`): `_PHP_PROPERTY` reads its value
        if _TAG_OPENING.search(data, max(0, match.start() - 34), match.start()):
            continue  # an element's name (`<Password>X</`, `<wsse:Password>`): `_XML_ELEMENT` reads it
        if (
            password
            and _OPENED_FILE_AFTER.match(data, end)
            and _VERDICT_BEFORE.search(data, max(0, match.start() - 16), match.start())
        ):
            continue  # 7-Zip's `Wrong password : backup.7z`: the file the password did not open
        if (value_span := _value_before_name(data, match.start(), end)) is not None:
            yield *value_span, "password" if password else "token", _CONTEXT
        if match.group(b"named") is not None or match.group(b"keyid") is not None:
            # a variable's name then a space: only the next word, and only a generated value (`=`, `:` and
            # quotes after a name are the key-name rules')
            value = _NAMED_VALUE.match(data, end)
            name = _NAME_START.search(data, max(0, match.start() - 64), end)
            kind = key_class(name.group(0).decode("ascii")) if name is not None else None
            if value is not None and kind is not None:
                found = value.group(1).decode("utf-8", "replace")
                seed = _BASE32_SEED.fullmatch(found) is not None and not is_plain_words(found.lower())
                if (seed or _prose_secret(found)) and is_secret_value(kind, found):
                    yield value.start(1), value.end(1), "token", _CONTEXT
            continue
        quote = data[match.start() - 1 : match.start()]
        if (
            quote in (b'"', b"'")
            and data[match.start() - 2 : match.start() - 1] == b"="
            and data[end : end + 1] == quote
        ):
            continue  # a name in an attribute (`<param name="token">X`, `key="ApiKey" value="X"`): the XML rules
        spaced_id = _SPACED_ID.fullmatch(word) is not None  # `Secret ID = X`: no key-name rule reads it
        if (
            match.group(b"ascii") is not None
            and not spaced_id
            and not re.search(r"\s", word)  # `mot de passe = X`, `clé secrète = X`: no name rule reads it
            and re.match(rb"\\{0,2}[\"']?\s{0,8}(?:=|:(?!\s)|\xef\xbc[\x9a\x9d])", data[end : end + 12])
            and not _LINE_ENDS_AT_SEPARATOR.match(data, end)
        ):
            continue  # `password=X`: the key-name rules read it (not `password=` then X on the next line)
        qualified = _QUALIFIED_NAME.match(data, end)
        qualifiers = (
            _QUALIFIER_GAP.split(qualified.group(1).decode("utf-8", "replace"))
            if qualified is not None
            else []
        )
        if qualified is not None and _qualifying(qualifiers, password):
            # `токен доступа: X`, `chave de acesso=X`: the name's words, then its value
            kind = key_class(f"{word}_{'_'.join(qualifiers)}")
            found = qualified.group(2).decode("utf-8", "replace")
            if kind in ("password", "token") and _password_like(found) and is_secret_value(kind, found):
                yield qualified.start(2), qualified.end(2), _KIND_OF_CLASS[kind], _CONTEXT
                continue
        base = end
        line_end = data.find(b"\n", base, base + 160)
        rest = data[base:line_end].strip(b" \t\r") if line_end >= 0 else b""
        # the value's line, after up to two blank lines (`password:`, a blank line, then the value)
        blank = _BLANK_LINES.match(data, line_end + 1)
        value_line = blank.end() if blank is not None else line_end + 1
        labelled = rest in _LABEL_SEPARATORS and _ALONE_ON_LINE.match(data, value_line) is not None
        # `password=` at a line's end, the value alone on the next line (a wrapped line), not a next assignment
        assigned = labelled and rest == b"=" and not _NEXT_ASSIGNMENT.match(data, line_end + 1)
        if labelled:  # `Your temporary token:` then the value alone on the next line: a label and its value
            base = value_line
            line_end = data.find(b"\n", base, base + 160)
        tail = data[base : line_end if line_end >= 0 else base + 160]
        if b"`" in tail and data.count(b"`", data.rfind(b"\n", 0, match.start()) + 1, match.start()) % 2:
            # the word inside a code span: the span's close ends the text it is in (an action's ``Investigate
            # `… token …` in `api-b019`.`` names a service after it)
            tail = tail[: tail.find(b"`")]
        first = True
        # the word is a JSON member's whole name (`"session id":`), the value the string after its colon
        member = (
            data[match.start() - 1 : match.start()] == b'"' and _MEMBER_NAME_END.match(data, end) is not None
        )
        skipped = 0  # words read before the value (`for admin` in `password for admin is X`)
        pair = password or word.lower().startswith("cred")
        suffix = match.group(b"suffix") is not None
        aside = False
        for raw in _PROSE_TOKEN.finditer(tail):
            token = raw.group(0)
            core = token[len(token) - len(_QUERY_SPACE.sub(b"", token, count=1)) :].strip(_TOKEN_STRIP)
            core = _TYPOGRAPHIC_QUOTES.sub(b"", core) if core[-1:] > b"\x7f" or core[:1] > b"\x7f" else core
            core = core.rstrip(b".") or core
            if (
                tail[raw.end() : raw.end() + 1] == b"="
                and (offset := token.find(core)) >= 0
                and (comma := _next_parameter(tail, raw.start() + offset, raw.end() + 1)) >= 0
            ):
                # `x-api-key=X,grpc-accept-encoding=gzip`: the next pair's name is not the value's
                core = core[: comma - raw.start() - offset]
            stripped = core.decode("utf-8", "replace")
            if _in_authority(tail, raw.start()):
                continue  # `mongodb+srv://app:X@cluster0…`: a URL's user, password and host are the URL rules'
            if aside:  # the words of a remark in parentheses after the name (`password (new, 12 chars) = X`)
                aside = not token.endswith(b")")
                continue
            if first and token.startswith(b"(") and skipped == 0:
                aside = not token.endswith(b")")
                continue
            if token[:1] == b"{" and _OBJECT_OPENING.match(tail, raw.start()):
                # `secret {"data":X}`: the credential's value is an object right after its word (a public JWK's
                # members are its own); after a name and its separator (`"tokens": {…}`) the key-name rules read it
                if not member and not tail[: raw.start()].strip(b" \t") and data[end : end + 1] != b'"':
                    yield from _object_value_spans(data, base + raw.start(), word, password)
                break
            if not core or stripped.lower() in _FILLER:
                if password and not first and stripped.lower() in _COPULAS and skipped <= _SUBJECT_WORDS:
                    # `the password for admin is X`, `the password for user bob on host db-1 is X`: the value
                    # follows its verb, after the words that say whose the password is
                    first = True
                continue
            if first and core[:1] >= b"\xe3" and (glued := _GLUED_WORDS.match(stripped)) is not None:
                # words of a script written without spaces after the credential's word (`パスワード変更に失敗しました`,
                # `密码不能为空`, `パスワード有効期限：…`): prose, or a particle before a value (`密码是X`)
                if glued.end() == len(stripped):
                    # a label's words up to its colon (`密码错误：X`, `비밀번호가 틀렸습니다: X`): the value follows
                    first = password and skipped < 3 and _GLUED_LABEL.match(tail, raw.start()) is not None
                    skipped += 1
                    continue
                # cut the words' own bytes, so that `core` stays a part of `token` (re-encoding the rest would not
                # give back what `replace` decoded)
                core = core[len(stripped[: glued.end()].encode()) :]
                stripped = stripped[glued.end() :]
            if _MARKER_OPENING in data[base + raw.start() : base + raw.end() + 1] or (
                suffix and core.startswith(b"-")
            ):
                break  # a variable's name then a flag (`gh secret set DB_PASSWORD --body X`): the flag rules
            if password and first and skipped < 2 and stripped.lower() in _VERDICT_WORDS:
                # the verdict after the password's word (`contraseña incorrecta "X"`, `password incorrect: X`), then
                # the password that was tried, as after a verdict before it (`invalid password "X"`)
                skipped += 1
                continue
            if first and _YAML_PROPERTY.fullmatch(core):
                if core.lower() in _REFERENCE_TAGS and (
                    core.lower() != b"!sub" or b"${" in tail[raw.end() : raw.end() + 512]
                ):
                    break  # CloudFormation's `password: !Ref DbPassword`: a parameter's name, resolved at deploy
                continue  # a YAML node's anchor or tag (`password: !!str X`): the value follows it
            if first and _placeholder(token.strip(b"\"',; \t").decode("utf-8", "replace")):
                break  # a variable or a reference, whole before its brackets were stripped (`"$(params.db-pw)"`)
            if first and _yaml_alias(core) and tail[: raw.start()].rstrip(b" \t").endswith(b":"):
                break  # a YAML alias (`password: *db_password`): the value is its anchor's
            if first and member and (quoted := _quoted_value(tail, raw.start(), password)) is not None:
                # a member named in words (`{"session id":"X","reason":"…"}`): its string, not what the next
                # member's name glued to it after the comma makes of the word
                yield base + quoted[0], base + quoted[1], "password" if password else "token", _CONTEXT
                break
            if (
                first
                and token.endswith(b'"')
                and _JSON_KEY_AFTER.match(tail, raw.end())
                and not _JSON_VALUE_NAMED_KEY.fullmatch(core)
            ):
                break  # `{"kind": "Secret", "apiVersion": "v1"}`: the word is a value, the next word a key
            if first and _NEXT_KEY.fullmatch(
                (token + tail[raw.end() : raw.end() + 1]).decode("utf-8", "replace")
            ):
                break  # `secret: secretName: orders-tls`: the next key of a mapping written on one line
            if first and _resource_name(word, stripped):
                break  # `secret "api-token-x2k9q" not found`, `token default-token-x2k9q created`
            if first and word.lower() in _OBJECT_KINDS and _secret_path(stripped):
                break  # `Secret default/orders-db`, `secret: prod/orders/api-token`: where a secret is stored
            if first and word.lower() in _OBJECT_KINDS and _OBJECT_ANSWER.match(tail, raw.start()):
                break  # `Error: secret "cart-db-v2" not found`: Kubernetes names the object it looked for
            if first and _object_reference(word, tail[: raw.start()], core):
                break  # `secret shop/docs-tls does not exist`: an object named by its namespace and name
            if first and stripped.startswith("-") and is_plain_words(stripped.lstrip("-")):
                break  # a command's flag (`openssl passwd -help`, `gh secret set --body`)
            if first and (quoted := _quoted_value(tail, raw.start(), password)) is not None:
                yield base + quoted[0], base + quoted[1], "password" if password else "token", _CONTEXT
                break
            start = base + raw.start() + token.index(core)
            value_end = start + len(core)
            spaced = _SPACED_PAIR.match(tail, raw.end()) if first and pair else None
            if (  # `credentials: bot / X`
                spaced is not None
                and _PAIR_USER.match(stripped)
                and _password_like(spaced.group(1).decode("utf-8", "replace"))
            ):
                yield base + spaced.start(1), base + spaced.end(1), "password", _CONTEXT
                break
            if (  # `credentials admin X`: a user, then a password
                first
                and word.lower().startswith("cred")
                and not tail[: raw.start()].strip(b" \t:=")
                and _PAIR_USER.match(stripped)
                and stripped.lower() not in _FIELD_NAMES
                and (following := _NEXT_TOKEN.match(tail, raw.end())) is not None
                and _positional_secret(following.group(1).decode("utf-8", "replace"))
            ):
                yield base + following.start(1), base + following.end(1), "password", _CONTEXT
                break
            if first and pair and stripped.count("/") == 1:  # `default creds admin/X`: a user and a password
                user, _, secret = stripped.partition("/")
                if _PAIR_USER.match(user) and _password_like(secret) and not secret.startswith("["):
                    yield start + len(user) + 1, value_end, "password", _CONTEXT
                    break
            if suffix and not assigned and not _prose_secret(stripped):
                first = False  # after a variable's name only a generated value (`db_password, data.value=X`)
                continue
            if _HEX.match(stripped) and _hex_context(data, start, value_end)[0] == "id":
                first = False  # `the token file hashes to <hex>`, `token check for request <hex>`
                continue
            if not password and _OBJECT_REFERENCE.fullmatch(stripped.rstrip(")]},.;:")):
                first = False  # `Bad activity token: a.b.Outer$Inner@aef9ed2`: an object
                continue
            if (
                (password and first and _password_like(stripped))
                or (labelled and first and is_secret_value("token", stripped))
                or (assigned and first and password and is_secret_value("password", stripped))
                or (
                    first and not password and _UUID.match(stripped) is not None
                )  # `invalid credentials <uuid>`
                or _prose_secret(stripped)
            ):
                if (
                    password
                    and first
                    and not (
                        data[match.start() - 1 : match.start()] == b"[" and token.rstrip(b",;").endswith(b"]")
                    )
                ):  # a password runs to a space or quote; in a pair its name opens (.NET's `[Password, X]`), to `]`
                    value_end = max(value_end, _password_end(data, start))
                if first or not (_named_digest(data, start, stripped) or _named_id(data, start)):
                    # not a later word under its own name of a digest or an id (`id token mismatch: {"at_hash":
                    # "X"}`)
                    yield start, value_end, "password" if password else "token", _CONTEXT
            first = False
            skipped += 1
            if raw.start() > 96:
                break


def _in_authority(tail: bytes, start: int) -> bool:
    """Whether `start` is inside a URL's authority (after `scheme://`, before the path) in its word of `tail`."""
    scheme = tail.rfind(b"://", 0, start)
    return scheme >= 0 and not any(character in tail[scheme + 3 : start] for character in b" \t/")


# A password's verdict written after its word, as languages that put the adjective after the noun say it (and
# English's `password incorrect`): the value after it is the password that was tried.
_VERDICT_WORDS = frozenset(
    (
        "incorrect", "wrong", "invalid", "rejected", "refused", "mismatch", "mismatched",
        "incorrecta", "incorrecto", "inválida", "invalida", "inválido", "errónea", "erronea", "equivocada",
        "incorreta", "incorreto", "errada", "errado",
        "incorrecte", "invalide", "erroné", "erronee", "erronée", "refusé", "refusée",
        "errata", "errato", "sbagliata", "sbagliato", "invalido",
        "falsch", "ungültig", "ungueltig", "abgelehnt",
        "onjuist", "ongeldig", "fout",
        "неверный", "неправильный", "неверен", "nieprawidłowe", "błędne", "yanlış", "hatalı", "geçersiz",
        "felaktigt", "forkert", "feil", "väärä",
    )
)  # fmt: skip
# Words of a script written without spaces (CJK, kana, Hangul), up to three, then a colon (ASCII or full-width):
# a label (`密码错误：`, `비밀번호가 틀렸습니다:`), after which a value follows
_GLUED_LABEL = compile_regex(
    rb"(?:[\xe3-\xed][\x80-\xbf]{2})+(?:[ \t]{1,4}(?:[\xe3-\xed][\x80-\xbf]{2})+){0,2}[ \t]{0,4}(?::|\xef\xbc\x9a)"
)
# A JSON member's name after a word (its closing quote then the colon): the next member, not a value
_JSON_KEY_AFTER = compile_regex(rb"[ \t]{0,4}:")
# the end of a JSON member's name that a credential word ends: its closing quote, the colon, the value's quote
_MEMBER_NAME_END = compile_regex(rb'"[ \t]{0,4}:[ \t]{0,4}"')
# a member that holds what the word before names (Keycloak's `{"type": "password", "value": "X"}`)
_JSON_VALUE_NAMED_KEY = compile_regex(rb"(?i:value|secret|data)")


# A TOTP/HOTP seed as authenticator apps take it: RFC 4648 base32, upper case, 16 characters or more
# (`totp_secret HQAALXQKUFXGTZ6L`). After a secret's name in prose it is the secret, letters and digits or not.
_BASE32_SEED = compile_regex(r"[A-Z2-7]{16,128}=*")


# A YAML node's anchor or tag (`&db`, `!!str`, `!vault`), written between a key and its value.
_YAML_PROPERTY = compile_regex(rb"&[A-Za-z0-9_.-]{1,64}|!!?[A-Za-z0-9_.:/-]{0,64}")
# Tags whose value names what holds the secret: CloudFormation's intrinsic functions, Home Assistant's `!secret`,
# `!env` / `!ENV` of several loaders
_REFERENCE_TAGS = frozenset(
    (
        b"!ref",
        b"!getatt",
        b"!importvalue",
        b"!sub",
        b"!findinmap",
        b"!secret",
        b"!env",
        b"!env_var",
        b"!include",
    )
)


def _yaml_alias(value: bytes) -> bool:
    """Whether `value` is a YAML alias named in words (`*db_password`, `*pw`): a reference to an anchor's value."""
    return value[:1] == b"*" and len(value) > 2 and is_plain_words(value[1:].decode("ascii", "replace"))


_YAML_SEPARATOR = compile_regex(rb":[ \t]{1,8}$")  # a YAML mapping's `key: `, before an alias


# A name of words joined by `-`, `_` or `.`, each with at most a short number (`my-app-secret-v2`, `db_creds_2`).
_SLUG = compile_regex(r"[A-Za-z]{1,20}\d{0,4}(?:[-_.][A-Za-z]{0,20}\d{0,4})+")


# Quotes around a value in prose: ASCII, or typographic (`“X”`, `„X“`, `‘X’`, `«X»`, `「X」`), which close with
# any typographic closing quote (languages pair them differently).
_OPENING_QUOTE = compile_regex(rb"[\"'`]|\xe2\x80[\x9c\x9e\x98\x9a]|\xc2[\xab\xbb]|\xe3\x80[\x8c\x8e]")
_CLOSING_QUOTE = compile_regex(rb"\xe2\x80[\x9c\x9d\x98\x99]|\xc2[\xab\xbb]|\xe3\x80[\x8d\x8f]")
_TYPOGRAPHIC_QUOTES = compile_regex(
    rb"^(?:\xe2\x80[\x98-\x9f]|\xc2[\xab\xbb]|\xe3\x80[\x8c-\x8f])+|(?:\xe2\x80[\x98-\x9f]|\xc2[\xab\xbb]|\xe3\x80[\x8c-\x8f])+$"
)


def _quoted_value(tail: bytes, start: int, password: bool) -> tuple[int, int] | None:
    """The span of a quoted value at `start` right after a credential word (`password is "X Y Z"`, `for token
    'X'`): with spaces after a password's word, else one generated word."""
    opening = _OPENING_QUOTE.match(tail, start)
    if opening is None:
        return None
    first = opening.end()
    closing = _CLOSING_QUOTE.search(tail, first) if opening.group() not in (b'"', b"'", b"`") else None
    close = closing.start() if closing is not None else tail.find(opening.group(), first)
    text = tail[first:close].decode("utf-8", "replace") if close > first else ""
    if not text or _placeholder(text) or text.startswith(MARKER_PREFIX):
        return None
    spaced = password and " " in text.strip()
    generated = " " not in text and not _SLUG.fullmatch(text) and is_secret_value("token", text)
    return (first, close) if spaced or generated else None


_PAIR_USER = compile_regex(r"[A-Za-z][A-Za-z0-9._-]{0,63}$")
# A Kubernetes object's name: words, then the short random suffix its controller adds (`default-token-x2k9q`),
# written in the alphabet Kubernetes draws it from (no vowel, no 0, 1 or 3): `admin-access-9f8e7d6c` is a token.
_RESOURCE_NAME = compile_regex(
    # a Deployment's pod adds its ReplicaSet's hash before its own suffix (`api-7d9f8c6b5-x2x9k`)
    r"((?:[a-z]{2,24}-){1,8})(?:[bcdfghjklmnpqrstvwxz2456789]{6,10}-)?[bcdfghjklmnpqrstvwxz2456789]{5,10}"
)


def _object_name(value: str) -> bool:
    """Whether `value` is such a name."""
    name = _RESOURCE_NAME.fullmatch(value)
    return name is not None and is_plain_words(name.group(1).rstrip("-"))


# Kubernetes' answer about an object it was asked for by kind and quoted name (`secret "cart-db-v2" not found`,
# `secrets "tls-2024" is forbidden: User …`, `secret "x" already exists`, Helm's release record `Secret
# "sh.helm.release.v1.orders.v42" is invalid`): the quoted text is a DNS-1123 name
_OBJECT_KINDS = frozenset({"secret", "secrets", "token", "tokens"})
_OBJECT_ANSWER = compile_regex(
    rb'[ \t]{0,4}"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?" (?:not found|is forbidden|already exists|is invalid)\b'
)


# A Kubernetes object named by its namespace and name (`secret shop/docs-tls does not exist`, as Traefik, cert-manager
# and controllers write it): a DNS-1123 label, `/`, a DNS-1123 name, all lowercase
_NAMESPACED_NAME = compile_regex(
    rb"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?/[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?"
)


def _object_reference(word: str, before: bytes, value: bytes) -> bool:
    """Whether `value`, after the noun `secret(s)` and blanks only (not a label's `:` or `=`), names an object by
    its namespace and name rather than being a secret."""
    return (
        word.lower() in ("secret", "secrets")
        and not before.strip(b" \t")
        and _NAMESPACED_NAME.fullmatch(value) is not None
    )


def _resource_name(word: str, value: str) -> bool:
    """Whether `value`, right after the noun `secret` or `token`, names such an object rather than being one."""
    return word.lower() in ("secret", "secrets", "token", "tokens") and _object_name(value)


_NEXT_TOKEN = compile_regex(rb"[ \t]{1,4}([^\s\"'`,;()\[\]{}<>]{4,128})")
_SPACED_PAIR = compile_regex(rb"[ \t]{1,4}/[ \t]{1,4}([^\s\"'`,;()\[\]]{4,128})")


# A one-time code, PIN or card security code named in prose (`your verification code is 482913`, `2FA code
# 339027 rejected`, `recovery codes: 4f8d-2k7x 7h2k-9m4n`, `cvc 918`): the words before it say what it is.
_CODE_NAME = (
    r"(?:(?:one[ -]time|sign[ -]?in|"
    + "|".join(sorted(_CODE_QUALIFIERS - {"one", "user", "device"}))
    + r")[ \t_-]{1,3}(?:code|pin|passcode)s?|one[ -]time[ -]password|otp|pin|passcode|cvv2?|cvc)"
)
_CODE_PHRASE = _Deferred(
    (
        r"(?i)\b(?P<name>" + _CODE_NAME + r")"
        r"(?:[ \t]{1,4}(?:is|are|was|were|[a-z]{2,12}ed))?"
        # `recovery codes for user 42: X Y`: whose codes they are, then the separator
        r"(?:[ \t]{1,4}for[ \t][^:=\r\n]{1,40}?[ \t]{0,4}[:=][ \t]{0,4}|[ \t]{0,4}[:=][ \t]{0,4}|[ \t]{1,4})"
        r"(?P<cred>\d{3,10}|[0-9A-Za-z]{3,5}(?:-[0-9A-Za-z]{3,5}){1,3}|[0-9A-Za-z]{6,16})\b"
    ).encode()
)
# An OAuth authorization code named by what is done with it (`exchanged code X for tokens`, `redeeming the
# authorization code X`, `auth_code: X`): whatever its length, a code of letters and digits is the credential.
_OAUTH_CODE = _Deferred(
    rb"(?i)\b(?:(?:exchang|redeem)[a-z]{0,4}[ \t]{1,4}(?:(?:the|an?)[ \t]{1,4})?(?:[a-z0-9]{2,16}[ \t]{1,4})?"
    rb"|(?:authori[sz]ation|oauth2?|auth|grant)[ \t_-]{1,3})code[ \t]{0,4}[:=]?[ \t]{0,4}[\"']?"
    rb"(?P<cred>[A-Za-z0-9._~/-]{8,512})"
)
_CODE_SHAPE = compile_regex(rb"\d{4,10}|[0-9A-Za-z]{3,5}(?:-[0-9A-Za-z]{3,5}){1,3}")
_LETTERED_CODE = compile_regex(rb"(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[0-9A-Za-z]{6,16}")
_NEXT_CODE = compile_regex(rb"[ \t]{0,4},?[ \t]{1,4}(\d{4,10}|[0-9A-Za-z]{3,5}(?:-[0-9A-Za-z]{3,5}){1,3})\b")


def _code_spans(data: bytes) -> Iterator[Span]:
    """One-time codes, PINs and card security codes in prose, the codes listed after the first, and OAuth's
    authorization codes (`_OAUTH_CODE`)."""
    for match in _CODE_PHRASE.finditer(data):
        start, end = _span(match, b"cred")
        code = data[start:end]
        name = match.group(b"name").lower()
        security = name.startswith(b"cv")
        # a code of letters and digits (`backup code VL9KKDYE`), after a name of codes only (not `pin v2beta1`)
        lettered = name.rstrip(b"s").endswith(b"code") and _LETTERED_CODE.fullmatch(code) is not None
        if not (security or lettered or _CODE_SHAPE.fullmatch(code)) or not any(
            c in b"0123456789" for c in code
        ):
            continue  # `pin 42`, `auth code abc-def`: no code
        if data[end : end + 1] in (b"-", b".", b":", b"/") and data[end + 1 : end + 2].isdigit():
            continue  # a date, a time or a version (`login code 2026-11-21`)
        yield start, end, "token", _CONTEXT
        while following := _NEXT_CODE.match(data, end):  # `recovery codes: X Y Z`
            start, end = following.span(1)
            if not any(c in b"0123456789" for c in data[start:end]):
                break
            yield start, end, "token", _CONTEXT
    named = b"xchang" in data or b"edeem" in data or b"uth" in data or b"rant" in data
    if named and (b"ode" in data or b"ODE" in data):
        for match in _OAUTH_CODE.finditer(data):
            start, end = _span(match, b"cred")
            value = data[start:end].decode("utf-8", "replace").rstrip(".")
            letters, digits = any(c.isalpha() for c in value), any(c.isdigit() for c in value)
            if letters and digits and _password_like(value) and not _UUID.match(value):
                yield start, start + len(value.encode()), "token", _CONTEXT


# A payment card number (13 to 19 digits, in groups or not, with a valid Luhn check digit) near a card word.
_CARD_NUMBER = _Deferred(
    rb"(?:^|[^0-9A-Za-z_.-])(?P<cred>[2-6]\d{3}(?:[ -]?\d{1,4}){3,5})(?:$|[^0-9A-Za-z_.-])"
)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card_spans(data: bytes) -> Iterator[Span]:
    """Card numbers: 13 to 19 digits whose check digit holds (an id rarely has one where a card word is)."""
    for match in _CARD_NUMBER.finditer(data):
        start, end = _span(match, b"cred")
        digits = re.sub(rb"[ -]", b"", data[start:end]).decode()
        if 13 <= len(digits) <= 19 and _luhn(digits):
            yield start, end, "card", _CONTEXT


# An app-specific password as Apple issues them (`xcrun altool -p abcd-efgh-ijkl-mnop`, notarytool's `--password`):
# four groups of four random lower-case letters, which read as words joined by dashes.
_APP_SPECIFIC_PASSWORD = compile_regex(r"[a-z]{4}(?:-[a-z]{4}){3}")


def _app_specific_password(value: str) -> bool:
    """Whether `value` is an app-specific password (`_APP_SPECIFIC_PASSWORD`): its groups are random letters, so
    one reads as a common word only by chance (about 1 in 1,500); two or more words joined by dashes are a name
    (a secret's `user-pass-prod-east`, a flag's `from-file-with-care`)."""
    if not _APP_SPECIFIC_PASSWORD.fullmatch(value):
        return False
    return sum(group in _FOUR_LETTER_WORDS for group in value.split("-")) <= 1


# Common four-letter words of English prose and of names in software (environments, regions, parts of a URL)
_FOUR_LETTER_WORDS = frozenset(
    (
        "able", "also", "area", "auth", "back", "base", "bash", "best", "blob", "body", "boot", "both", "bulk", "call",
        "came", "case", "cert", "chat", "city", "code", "cold", "come", "conf", "copy", "core", "cron", "dark", "data",
        "date", "days", "dead", "deny", "desk", "diff", "disk", "does", "done", "down", "drop", "dump", "each", "east",
        "edge", "else", "even", "ever", "exit", "fail", "fast", "feed", "file", "fill", "find", "fine", "flag", "flow",
        "form", "free", "from", "full", "gate", "give", "goes", "good", "grid", "grpc", "half", "hand", "hard", "have",
        "head", "help", "here", "high", "hold", "home", "hook", "host", "hour", "http", "idle", "info", "into", "item",
        "jobs", "json", "just", "keep", "kind", "know", "last", "late", "lead", "left", "less", "like", "line", "link",
        "list", "live", "load", "lock", "logs", "long", "look", "loop", "made", "mail", "main", "make", "many", "mark",
        "mass", "meta", "mode", "more", "most", "move", "much", "must", "name", "need", "next", "node", "none", "note",
        "null", "once", "only", "open", "over", "page", "part", "pass", "past", "path", "peer", "plan", "pool", "port",
        "post", "prod", "pull", "push", "read", "real", "rest", "role", "room", "root", "rule", "runs", "safe", "said",
        "same", "save", "seed", "seen", "self", "send", "sent", "show", "side", "sign", "site", "size", "slow", "some",
        "soon", "spec", "sync", "tail", "take", "task", "team", "temp", "term", "test", "text", "than", "that", "them",
        "then", "they", "this", "tier", "time", "todo", "tool", "true", "turn", "type", "unit", "upon", "used", "user",
        "very", "view", "wait", "want", "warn", "weak", "week", "well", "were", "west", "what", "when", "will", "with",
        "word", "work", "year", "yaml", "your", "zero", "zone",
    )
)  # fmt: skip


def _password_like(value: str) -> bool:
    """A value right after a password word: not a word, a bare small number, a date, a path or a placeholder."""
    if _app_specific_password(value.strip("\"'")):
        return True
    if len(value) < 4 or is_plain_words(value) or _NUMBER.match(value) or _NOT_A_SECRET.match(value):
        return False
    if value.count("/") >= 2 and _NAME_PATH.match(value):
        return False  # a resource's name (`secret projects/p/secrets/db-password/versions/3`)
    if _placeholder(value) or _OBJECT_REFERENCE.fullmatch(value.rstrip(")]},.;:")):
        return False
    word = value.rstrip(".,;:)\"'")
    if (
        word != value
        and word.isalpha()
        and (word.islower() or word.isupper())
        and is_plain_words(word.lower())
    ):
        return False  # a word that ends its sentence (`The specified password is incorrect.`, `PASSWORD INVALID")`)
    return not (value.isalpha() and value.islower())


def _prose_secret(value: str) -> bool:
    """A value in prose near a credential word that looks generated (letters and digits, no word, no id)."""
    if len(value) < 8 or _NOT_A_SECRET.match(value) or _UUID.match(value) or "=" in value.rstrip("="):
        return False
    if _placeholder(value) or _object_name(value) or _PUBLIC_RUN.match(value):
        return False  # `secret "api-token-x2k9q"`, a Google OAuth client's id
    if _OBJECT_REFERENCE.fullmatch(value.rstrip(")]},.;:")):
        return False  # `credentials object: [C@1b6d3586`: an object's identity
    if _HEX.match(value):
        return len(value) >= 16 and not value.isdigit()
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    if not (has_digit and has_alpha) and not (len(value) >= 16 and _mixed_case(value)):
        return False
    if is_plain_words(value) or re.fullmatch(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+", value):
        return False
    return entropy(value) >= 3.0 and (
        looks_generated(value) or _random_part(re.sub(r"[^A-Za-z0-9]", "", value))
    )


_ESCAPE = compile_regex(
    rb"%[0-9A-Fa-f]{2}|\\/|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|&(?:quot|amp|lt|gt|apos|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
# Escapes that can hide a credential's shape (`=`, `:`, `"`, `'`, `@`, `&`, `?`, a double escape `%25`, `\\u…`,
# `&quot;`, a URL's `:\\/\\/`), or a space after a credential's word (`wrong%20password%20X`: a phrase) or before a
# run as long as a token (`q=failed%20using%20bkua_<hex>`: a format's `\b` reads `0b` as one word); a text escaping
# only `/` or other spaces (`logs/run.googleapis.com%2Fstderr`, `q=hello%20world`) is not decoded. So is a name of
# other letters than ASCII encoded before its `=`: the key-name rules read it decoded.
_SHAPE_ESCAPE = compile_regex(
    rb"%(?:3[dDaAfF]|2[2567]|40|5[cC])|:\\/\\/|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|&(?:quot|apos|lt|gt|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});"
    rb"|(?i:pass|secret|token|key|credential)[A-Za-z]{0,8}%20|%20[A-Za-z0-9_.+/-]{16}"
    # a name of letters other than ASCII, percent-encoded, then its value (a form's `%D0%BF%D0%B0…=X`, `пароль=X`)
    rb"|(?:%[C-Fc-f][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){1,3}){2,16}="
)
# A query value that holds an encoded space or line break, or four encoded colons: a text of its own (a
# command, a sentence, lines, a `.pgpass` line `host:port:db:user:X`), read alone (`_query_value_spans`)
_QUERY_TEXT = _Deferred(rb"[?&][^=&\s#]{1,64}=(?P<value>[^&\s#]*%(?:20|0[AaDd9]|3[Aa])[^&\s#]*)")
_QUERY_TEXT_ESCAPES = (b"%20", b"%0A", b"%0a", b"%0D", b"%0d", b"%09")
_ENTITIES = {b"quot": '"', b"amp": "&", b"lt": "<", b"gt": ">", b"apos": "'"}


# Quoted-printable (RFC 2045), a mail body logged as it was sent: `=XX` escapes, and an `=` before a line break where
# a line was cut at 76 characters (a soft break: nothing of the text). A credential after its name (`token=3DX`), or
# cut by a soft break, is found in the decoded text; read only in a text that encodes an `=` (`=3D`), or that
# declares its body so and cuts a line (`Content-Transfer-Encoding: quoted-printable`, then `hunter2Se=\ncret!`).
_QUOTED_PRINTABLE = compile_regex(rb"=(?:[0-9A-Fa-f]{2}|\r?\n)")


def _unescape(data: bytes, escapes: Any = _ESCAPE) -> tuple[bytes, list[int], list[int]] | None:
    """`data` with URL, JSON/Python and HTML escapes (or `escapes`: quoted-printable's) decoded, and for each decoded
    byte where it came from."""
    parts: list[bytes] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in escapes.finditer(data):
        start, end = match.span()
        plain = data[position:start]
        parts.append(plain)
        starts.extend(range(position, start))
        ends.extend(range(position + 1, start + 1))
        escape = match.group(0)
        if escape == b"\\/":
            decoded = b"/"
        elif escape[:1] == b"=":  # quoted-printable: a byte, or a soft break
            decoded = b"" if escape[1:2] in (b"\r", b"\n") else bytes([int(escape[1:], 16)])
        elif escape[:1] == b"%" or escape[:2] == b"\\x":
            decoded = bytes([int(escape[-2:], 16)])
        elif escape[:2] == b"\\u":
            decoded = chr(int(escape[2:], 16)).encode("utf-8", "surrogatepass")
        elif escape[1:2] == b"#":
            number = escape[2:-1]
            code = int(number[1:], 16) if number[:1] in (b"x", b"X") else int(number)
            decoded = chr(min(code, 0x10FFFF)).encode("utf-8", "surrogatepass")
        else:
            decoded = _ENTITIES[escape[1:-1]].encode()
        parts.append(decoded)
        starts.extend([start] * len(decoded))
        ends.extend([end] * len(decoded))
        position = end
    if not parts:
        return None
    parts.append(data[position:])
    starts.extend(range(position, len(data)))
    ends.extend(range(position + 1, len(data) + 1))
    return b"".join(parts), starts, ends


# `git@github.com:acme/api.git`: an SSH remote in scp syntax, not an address; and so `bob@x.org:X`, whose `X`
# the password after an address may take (`_email_password_spans`), also once redacted.
_SCP_REMOTE = compile_regex(rb":(?:[A-Za-z0-9_~.-]|\[REDACTED:)")


@functools.cache
def _group_index(pattern: Any) -> dict[bytes, int]:
    return dict(pattern.groupindex)


def _span(match: Any, name: bytes) -> tuple[int, int]:
    span: tuple[int, int] = match.span(_group_index(match.re)[name])
    return span


def _value_group(match: Any) -> tuple[int, int]:
    index = _group_index(match.re)
    for name in (b"esc", b"dq", b"sq", b"bare", b"nl"):
        if name not in index:
            continue
        start, end = match.span(index[name])
        if start >= 0:
            return start, end
    return -1, -1  # pragma: no cover - one alternative always matched


# A bare value that names a kind of secret and is followed by a quoted name introduces that name, as in
# Kubernetes' `volume "secrets" : secret "db-credentials" not found` or `key "password" not found`.
_KIND_NOUN = compile_regex(rb"(?i)(?:secret|key|token|password|credential|certificate|cert)s?")
_QUOTED_NAME_NEXT = compile_regex(rb"[ \t]{1,8}\\?[\"']")


# Names that carry a credential only as a URL query parameter (`?code=…` of OAuth and Azure Functions,
# `?ticket=ST-…` of CAS); `status code=500` in prose stays.
_QUERY_CREDENTIALS = {"code", "ticket"}


def _password_end(data: bytes, start: int, tail: re.Pattern[bytes] = _PASSWORD_TAIL) -> int:
    """Where a bare password that starts at `start` ends (a URL query's `&` ends it), at most 256 bytes on."""
    match = tail.match(data, start, start + 256)
    return match.end() if match is not None else start


_YAML_BLOCK_LINE = compile_regex(rb"([ \t]*)([^\r\n]*)(?:\r?\n|$)")


def _yaml_block(data: bytes, key_start: int, start: int) -> tuple[int, int] | None:
    """The lines of a YAML block scalar (`token: |` at `start`): those indented past the key's column, or past
    its line's indent when a log prefix comes before the key (`app | token: |`). Blocks nest only by indenting
    further, so scanning each block's lines stays linear in the text."""
    header = _YAML_BLOCK_HEADER.match(data, start)
    if header is None:
        return None
    before = data[data.rfind(b"\n", 0, key_start) + 1 : key_start]
    # YAML's own indent and sequence dashes (`  - token: |`) put the key's column; other text puts the line's
    column = len(before) if not before.lstrip(b" \t-") else len(before) - len(before.lstrip(b" \t"))
    position = header.end()
    first = end = -1
    while position < len(data) and (line := _YAML_BLOCK_LINE.match(data, position)) is not None:
        indent, text = line.group(1), line.group(2)
        if text.strip():
            if len(indent) <= column:
                break
            first = line.start(2) if first < 0 else first
            end = line.end(2)
        if line.end() == position:
            break
        position = line.end()
    return (first, end) if first >= 0 else None


# A `,` or `;` then a parameter's name and `=`: the next parameter of a list (`PASSWORD=X,LOGMECH=TD2`). A name is
# words (`grpc-accept-encoding`, `abortConnect`, `ssl_min_protocol_version`), not a generated run (`Tx8Zt5Rv7=` is a
# value's piece and base64's padding); its value follows the `=` (`_next_parameter` reads it).
_NEXT_PARAMETER = compile_regex(rb"[,;](?=[A-Za-z]{1,32}[0-9]{0,4}(?:[-_.][A-Za-z0-9]{1,32}){0,8}=)")
_PARAMETER_VALUE = compile_regex(rb"=([^\s,;&\"'()<>\[\]{}]{1,256})")


def _next_parameter(data: bytes, start: int, end: int) -> int:
    """Where the next parameter of a list starts in `data[start:end]` (its `,` or `;`), or -1. A piece whose value is
    empty (padding: `Pw9Lm2,Qx8Zt=`) or looks generated (`api_key=Kx9Lm2,x=Zt5Rv7Hp3Yk4Wn9`, `Ef5=Gh6Ij7Kl8Mn9`) is
    the same credential's, not a next parameter."""
    for parameter in _NEXT_PARAMETER.finditer(data, start, end):
        value = _PARAMETER_VALUE.match(data, data.index(b"=", parameter.end()))
        piece = value.group(1).decode("utf-8", "replace") if value is not None else ""
        generated = len(piece) >= 8 and piece.isalnum() and not piece.isalpha() and not piece.isdigit()
        if value is not None and not generated and not _prose_secret(piece):
            return parameter.start()
    return -1


# A connection string (ODBC, ADO.NET, JDBC) delimits its values with `;`: a password there may hold spaces
# (`Pwd=my pass word;Encrypt=yes`).
_TO_SEMICOLON = compile_regex(rb"[^;\r\n\"'=<>]{1,256};")
_CONNECTION_KEY_NEXT = compile_regex(rb"[ \t]{0,4}[A-Za-z][A-Za-z0-9 _.]{0,40}=")


# A URL query's or an option list's value that a blank cut (`?password=Rc5 Hx8&db=0`, StackExchange.Redis'
# `host:6380,password=Rd5 Kx8,ssl=True`): the words up to the list's next `&name=` or `,name=`, none holding a quote
# or `=` (a query holds no raw blank, so the words are the value's, not prose after the URL)
_LISTED_REST = compile_regex(rb"(?:[ \t]{1,4}[^\s\"'&,=]{1,256}){1,4}?(?=[&,][A-Za-z][A-Za-z0-9_.-]{0,63}=)")


def _listed_value_end(data: bytes, key_start: int, end: int) -> int:
    """Where a value of a URL query or an option list (its key after `?`, `&` or `,`) that `end` cut at a blank
    ends: before the list's next `name=`, when only words come before it."""
    if data[key_start - 1 : key_start] not in (b"?", b"&", b","):
        return end
    rest = _LISTED_REST.match(data, end)
    return end if rest is None else rest.end()


# libpq's connection keywords (PostgreSQL's "Parameter Key Words", to version 18), which its `key=value` strings
# separate with spaces
_LIBPQ_KEYWORDS = frozenset(
    (
        b"host", b"hostaddr", b"port", b"dbname", b"user", b"password", b"passfile", b"require_auth",
        b"channel_binding", b"connect_timeout", b"client_encoding", b"options", b"application_name",
        b"fallback_application_name", b"keepalives", b"keepalives_idle", b"keepalives_interval", b"keepalives_count",
        b"tcp_user_timeout", b"replication", b"gssencmode", b"sslmode", b"requiressl", b"sslnegotiation",
        b"sslcompression", b"sslcert", b"sslkey", b"sslkeylogfile", b"sslpassword", b"sslcertmode", b"sslrootcert",
        b"sslcrl", b"sslcrldir", b"sslsni", b"requirepeer", b"ssl_min_protocol_version", b"ssl_max_protocol_version",
        b"min_protocol_version", b"max_protocol_version", b"krbsrvname", b"gsslib", b"gssdelegation", b"service",
        b"target_session_attrs", b"load_balance_hosts", b"oauth_issuer", b"oauth_client_id", b"oauth_client_secret",
        b"oauth_scope",
    )
)  # fmt: skip
# A `name=value` piece before the password's name, whitespace apart: in a connection string (libpq's, pgx's and
# pgbouncer's add their own names: `pool_max_conns=`, `pool_size=`), or a line before in a file of such lines
# (`pg_service.conf`, MySQL's `.my.cnf`, whose `=` may stand between spaces).
_CONNINFO_PAIR_BEFORE = compile_regex(
    rb"(?:^|\s)([a-z][a-z0-9_]{1,40})[ \t]{0,2}=[ \t]{0,2}[^\s=]{1,256}\s{1,4}$"
)
# the pieces a space cut from the password: up to the next piece's name and its `=`, or to where the string ends
# (its closing quote, its line's end)
_CONNINFO_REST = compile_regex(
    rb"((?:[ \t]{1,4}[^\s=\"'`]{1,256}){1,8}?)(?:[ \t]{1,4}([a-z][a-z0-9_]{1,40})[ \t]?=|[\"'`]|[ \t]*(?:\r?\n|$))"
)
_PIECE_PUNCTUATION = ".,;:!?()[]{}<>"


def _generated_piece(piece: bytes) -> bool:
    """A piece of a generated password (`Lm9Zx4`): letters and digits; not a word of a sentence after it
    (`rejected`, `(attempt`, `3`), a flag (`-AsSecureString)`) or a placeholder."""
    word = piece.decode("utf-8", "replace").strip(_PIECE_PUNCTUATION)
    if word[:1] in ("", "-") or _placeholder(word):
        return False
    return any(c.isdigit() for c in word) and any(c.isalpha() for c in word)


# libpq's complaints quote the piece it read as a name where a space cut an unquoted value: `password=ab cd` gives
# `missing "=" after "cd" in connection info string`, `password=ab cd=ef` gives `invalid connection option "cd"`
# (the name it read before the piece's own `=`). Any piece but a name is a value's, of any length and in any case
# (`"dishwasher"`). A name stays: one of libpq's, one mistyped (`"sslmod"`), a database's, a schema's or another
# driver's setting in `_` (`orders_replica` given without its `dbname=`, pgx's `pool_max_conns`).
_LIBPQ_PIECE = compile_regex(
    rb'(?:missing "=" after "([^"\s]{1,256})" in connection info string|invalid connection option "([^"\s]{1,256})")'
)
_LIBPQ_NAMES = sorted(keyword.decode() for keyword in _LIBPQ_KEYWORDS)
_SNAKE_NAME = compile_regex(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


def _libpq_piece_spans(data: bytes) -> Iterator[Span]:
    for match in _LIBPQ_PIECE.finditer(data):
        group = 1 if match.start(1) >= 0 else 2
        piece = match.group(group).decode("utf-8", "replace")
        if _SNAKE_NAME.fullmatch(piece) or difflib.get_close_matches(
            piece.lower(), _LIBPQ_NAMES, n=1, cutoff=0.8
        ):
            continue
        if not _marked(data, *match.span(group)):
            yield *match.span(group), "password", _CONTEXT


def _connection_string_end(data: bytes, key_start: int, end: int) -> int:
    """Where a password that `end` cut at a space ends in a connection string: at the next `;`, if the key
    follows a `;` or another `Key=` follows that `;`; in a string of `name=value` pieces (`host=db user=app
    password=X Y dbname=app`, which libpq cannot read: it says `missing "=" after "Y"`), before the next piece's name
    or at the string's end: whatever the words between libpq's own names, otherwise only words no sentence has
    (`password=X Y pool_max_conns=10`, `sslpassword=X Y sslmode=…` first in its string, `password=X Y"` at its end;
    not `password=X rejected by=ldap`)."""
    rest = _CONNINFO_REST.match(data, end)
    if rest is not None:
        before = _CONNINFO_PAIR_BEFORE.search(data, max(0, key_start - 300), key_start)
        name = rest.group(2)
        if before is not None and before.group(1) in _LIBPQ_KEYWORDS and name in _LIBPQ_KEYWORDS:
            return rest.end(1)
        if all(_generated_piece(piece) for piece in rest.group(1).split()):
            return rest.end(1)
    semicolon = _TO_SEMICOLON.match(data, end)
    if semicolon is None:
        return end
    after_semicolon = data[max(0, key_start - 1) : key_start] == b";"
    if after_semicolon or _CONNECTION_KEY_NEXT.match(data, semicolon.end()):
        return semicolon.end() - 1
    return end


# A shell's assignment of a variable, in a command line: `export NAME=`, `env NAME=`, Windows' `set NAME=`,
# `docker run -e NAME=`, `--build-arg NAME=`, `kubectl … --from-literal=NAME=`, `helm --set NAME=`.
_SHELL_ASSIGNMENT = compile_regex(
    rb"(?:^|[\s\"'`;&|(])(?:export|env|set|setx|declare[ \t]{1,4}-x|ENV|ARG|-e|--env|--build-arg|--set|--set-string|-var)"
    rb"[ \t=]{1,8}[\"']?$|--from-literal=$"
)
# Windows' `set NAME=X Y`, a command of its own (at a line's start, after `&`, `(`, `|`, `>` or `cmd /c`): to the
# line's end. SQL's `UPDATE t SET password = ?` is no such command.
_SET_COMMAND = compile_regex(rb"(?im)(?:^|[\r\n&(|>]|/[ck])[ \t]{0,8}set[ \t]{1,8}$")
_COMMAND_END = compile_regex(rb"[ \t]*(?:[&|]|\r?\n|$)")
_COMMAND_AFTER = compile_regex(rb"[;&|<>`]|[ \t](?:[./$~-]|[A-Za-z_][\w.-]{0,64}=)")
# A quoted argument or list item that is an assignment (`-e "DB_PASSWORD=X Y"`, `["env", "PASSWORD=X Y"]`, also
# JSON-escaped); not a JSON string's value (`"message": "password=X refused"`), where the value ends as usual.
_ARGUMENT_QUOTE = compile_regex(rb"(?:^|[,\[(=][ \t]{0,4}|(?<=[^:\s])[ \t]{1,4})(\\?[\"'])$")


def _argument_end(data: bytes, key_start: int, end: int) -> int:
    """Where a bare password that `end` cut at a space ends: at the closing quote of an argument that the
    assignment opens, or at the end of a Windows `set` command."""
    line_end = data.find(b"\n", end, end + 256)
    line_end = min(len(data), end + 256) if line_end < 0 else line_end
    opening = _ARGUMENT_QUOTE.search(data, max(0, key_start - 8), key_start)
    if opening is not None:
        close = data.find(opening.group(1), end, line_end)
        if close > end and not _COMMAND_AFTER.search(data, end, close):
            return close
        return end  # `"PASSWORD=X ./run.sh"`: a command follows the assignment
    line_start = data.rfind(b"\n", max(0, key_start - 256), key_start) + 1 or max(0, key_start - 256)
    if _SET_COMMAND.search(data, line_start, key_start):
        finish = _COMMAND_END.search(data, end, line_end + 1)
        return finish.start() if finish is not None else end
    return end


# The word before a key of one word, with which it may name a secret (`recovery codes`).
_PREVIOUS_WORD = compile_regex(rb"(?:^|[^A-Za-z])([A-Za-z]{2,24})[ \t]$")
# A value in a wrapper: a call or a type's tag before a quoted string (`SecretStr('X')`, `Secret("X")`, Rust's
# `Some("X")`, PHP's `string(12) "X"`), or a string prefix (Python's `b'X'`, C#'s `@"X"` and `$"X"`, PostgreSQL's
# `E'X'`); or a value in quotes other than ASCII's, which a bare value's match stops inside at its first space:
# a backtick's (Markdown, shell), typographic ones (`‘X’`, `“X”`, `„X“`, `«X»`) and CJK corner brackets (`「X」`, `『X』`);
# or what a command substitution writes.
_WRAPPED = compile_regex(
    rb"(?:[A-Za-z_][\w.:]{0,40}\((?:\d{1,6}\)[ \t]{1,4})?[bruBRU]{0,2}|[bruBRUfFeE]{1,2}|[@$]{1,2}"
    rb"|(?:Just|Some)[ \t]{1,4})"  # also Haskell's `Just "X"`, OCaml's `Some "X"`
    rb"(?:\"([^\"\r\n]{1,256})\"|'([^'\r\n]{1,256})')"
    rb"|`([^`\r\n]{1,256})`"
    rb"|\xe2\x80[\x98\x9a]([^\r\n]{1,256}?)\xe2\x80\x99"
    rb"|\xe2\x80[\x9c\x9e]([^\r\n]{1,256}?)\xe2\x80[\x9c\x9d]"
    rb"|\xc2\xab([^\r\n]{1,256}?)\xc2\xbb"
    rb"|\xe3\x80[\x8c\x8e]([^\r\n]{1,256}?)\xe3\x80[\x8d\x8f]"
    # a command substitution that writes the value itself (`$(echo X)`, `$(printf '%s' X)`), no reference
    rb"|\$\((?:echo|printf)[ \t]{1,8}(?:-[A-Za-z]{1,3}[ \t]{1,8})?([^()\r\n]{1,256})\)"
)
# The rest of a line after a bare password or code: two words or more of its shape (a passphrase, `correct horse
# battery staple`, `Correct Horse Battery`, a wallet's seed words; one word after it is the message's, `password:
# letmein refused`), then or else a number (`horse staple 42`), up to the line's end, the closing quote of a string
# holding it (`"MNEMONIC=X Y Z"`, also escaped) or the next `name=`; or more codes of the same shape (`recovery
# codes: 4k2d-9x7a 8m3p-2c6v`).
_WORDS_END = rb"(?=[ \t]*(?:\r?\n|\\[nr]|\\{0,2}[\"']|$)|[ \t]+[A-Za-z_][\w.-]{0,64}=)"
_MORE_WORDS = compile_regex(
    rb"(?:(?:[ \t][a-z]{2,24}(?![\w.-])){2,23}(?:[ \t]\d{1,6})?|(?:[ \t][a-z]{2,24}(?![\w.-])){0,1}[ \t]\d{1,6})"
    + _WORDS_END
)
_MORE_TITLE_WORDS = compile_regex(
    rb"(?:(?:[ \t][A-Z][a-z]{1,23}(?![\w.-])){2,23}(?:[ \t]\d{1,6})?|(?:[ \t][A-Z][a-z]{1,23}(?![\w.-])){0,1}[ \t]\d{1,6})"
    + _WORDS_END
)
_MORE_TOKENS = compile_regex(rb"(?:[ \t][A-Za-z0-9-]{4,32}){1,15}(?=[ \t]*(?:\r?\n|\\[nr]|$))")
_TOKEN_SHAPE = compile_regex(rb"[A-Za-z0-9]")


def _more_words_end(data: bytes, start: int, end: int, kind: str) -> int:
    """Where a bare password or code that `end` cut at a space ends: at the end of its line, if the words after it
    are of its kind (lower-case words after a password's word, codes of the same shape and with digits after a code)."""
    value = data[start:end]
    if kind == "password" and value.isalpha() and (value.islower() or value.istitle()):
        more = (_MORE_WORDS if value.islower() else _MORE_TITLE_WORDS).match(data, end)
        return more.end() if more is not None else end
    more = _MORE_TOKENS.match(data, end) if kind == "pin" else None
    shape = _TOKEN_SHAPE.sub(b"x", value)
    codes = [value, *more.group(0).split()] if more is not None else []
    if codes and all(
        _TOKEN_SHAPE.sub(b"x", c) == shape and any(b in b"0123456789" for b in c) for c in codes
    ):
        return more.end() if more is not None else end
    return end


def _matches_and_inner(pattern: Any, data: bytes) -> Iterator[Any]:
    """The matches of `_KEY_VALUE`, and those inside a quoted value it matched that holds a `=` or `:`, whose
    pairs its own match would hide (`connectionString="Server=db;Password=X;"`), and inside a bare value that holds
    a `=` (`keypair: SOLANA_PRIVATE_KEY=X`). Each such value is read once more, never the values inside it: at most
    two passes over the text."""
    quoted_groups: tuple[int, ...] = ()
    bare_group = 0
    for match in pattern.finditer(data):
        yield match
        if not quoted_groups:
            index = _group_index(match.re)
            quoted_groups, bare_group = tuple(index[g] for g in (b"esc", b"dq", b"sq")), index[b"bare"]
        for group in quoted_groups:
            start, end = match.span(group)
            if start >= 0 and (data.find(b"=", start, end) >= 0 or data.find(b":", start, end) >= 0):
                yield from pattern.finditer(data, start, end)
        start, end = match.span(bare_group)
        if (
            start >= 0
            and data.find(b"=", start, end) >= 0
            and not _placeholder(data[start:end].decode("utf-8", "replace"))
        ):  # not a reference (`--set-secrets=DB_PASS=db-pass:latest`): a secret's name, mounted as a variable
            yield from pattern.finditer(data, start, end)


# A name that holds a webhook's URL (`alertWebhookUrl`, `webhook_url`, `SLACK_WEBHOOK`, `hook_url`): the URL is a
# credential by itself (anyone holding it can post), whatever its shape. Its scheme and host stay.
_WEBHOOK_WORDS = frozenset(("webhook", "webhooks", "hook", "hooks"))
_URL_WORDS = frozenset(("url", "urls", "uri", "endpoint", "address", "addr", "link", "target"))
_URL_PARTS = compile_regex(
    rb"(?i)[a-z][a-z0-9+.-]{0,31}:(?:\\?/){2}(?:(?P<userinfo>[^\s/?#@\"'<>\\]{1,256})@)?[^\s/?#@\"'<>\\]{1,256}"
    rb"(?P<rest>(?:\\?/|[?#])[^\s\"'<>]*)?"
)


@functools.lru_cache(maxsize=1024)
def _webhook_name(key: str) -> bool:
    words = _words(key)
    flat = "".join(words)
    hook = bool(_WEBHOOK_WORDS & set(words)) or flat.endswith(("webhook", "webhooks"))
    return hook and (words[-1] in _WEBHOOK_WORDS | _URL_WORDS or flat.endswith(("webhook", "webhooks")))


def _webhook_url_spans(data: bytes, start: int) -> Iterator[Span]:
    """The userinfo, and the path and query of a URL at `start` (nothing if it is no URL or has no path)."""
    url = _URL_PARTS.match(data, start)
    if url is None:
        return
    for part in ("userinfo", "rest"):
        part_start, part_end = url.span(part)
        text = data[part_start:part_end]
        if part_start >= 0 and text.strip(b"/\\") and not _marked(data, part_start, part_end):
            yield part_start, part_end, "webhook", _CONTEXT


def _redacted_webhook(url: str) -> str:
    """`url` with its userinfo, path and query replaced by markers."""
    data = url.encode("utf-8", "surrogatepass")
    parts: list[bytes] = []
    position = 0
    for start, end, kind, _ in _webhook_url_spans(data, 0):
        parts += [data[position:start], f"{MARKER_PREFIX}{kind}]".encode()]
        position = end
    return b"".join([*parts, data[position:]]).decode("utf-8", "surrogatepass")


# What follows a property's name in PHP's `var_dump` of an object, its visibility: `":protected]=>`,
# `":"App\Config":private]=>`
_PHP_VISIBILITY = compile_regex(rb'(?:"[^"\r\n]{0,128}":)?(?:private|protected)\]=>')

_IDENTIFIER = compile_regex(rb"[A-Za-z_][A-Za-z0-9_.-]{0,127}")
# An object opening after a name (JSON's `{"`, `{}`, YAML's flow mapping `{user: app`): not a value, its members are.
_OBJECT_OPENING = compile_regex(rb"\{[ \t]{0,8}(?:[\"'}]|\\\"|[A-Za-z_][\w.-]{0,64}[ \t]{0,4}:|\r?\n|$)")
# A member of a one-level object (no object inside): `"name": "value"`, `'name': 'value'`, YAML's `name: value`.
_MAP_MEMBER = compile_regex(
    rb"[{,][ \t]{0,8}[\"']?([^\"'\s:,{}]{1,128})[\"']?[ \t]{0,8}:[ \t]{0,8}"
    rb"(?:b(?=[\"']))?(?:\"((?:[^\"\\\r\n]|\\.){1,256})\"|'([^'\r\n]{1,256})'|([^\s\"',{}]{1,256}))"
)
_MAP_END = compile_regex(rb"[^{}\r\n]{0,1024}\}")
# An object's braces, to its end through the objects inside it (`{"data":{"value":X}}`), on one line.
_BRACES = compile_regex(rb"[{}\r\n]")
# What a member of a credential's object may say of it instead of holding it: its type, algorithm, format, size,
# name or digest, and a JOSE header's or a public JWK's members (`{"kty":"RSA","n":…,"e":"AQAB"}`).
_DESCRIBING_MEMBERS = frozenset(
    (
        *(
            "type",
            "kind",
            "algorithm",
            "length",
            "size",
            "format",
            "encoding",
            "version",
            "name",
            "namespace",
        ),
        *("path", "fingerprint", "hashed", *_DIGEST_WORDS),
        *("alg", "kid", "typ", "cty", "enc", "zip", "crit", "jku", "x5u", "x5t", "x5c", "kty", "use", "crv"),
    )
)


def _object_value_spans(data: bytes, opening: int, word: str, password: bool) -> Iterator[Span]:
    """The values in the object opening at `opening` right after a credential's word in prose (`secret {"data":X}`,
    `password {'new': X, 'confirm': X}`, `client secret {"current":X,"previous":Y}`): the object is the credential's
    value, so each member's is the credential unless its name says what else it is (`_DESCRIBING_MEMBERS`, an id
    but the `id` of a session or a token, `_IDENTIFIED_CREDENTIALS`) or names a credential itself (the key-name rules
    read it). A public JWK (`kty`) is read by its members' names alone."""
    depth, end = 0, -1
    for brace in _BRACES.finditer(data, opening, opening + 2048):
        if brace.group(0) != b"{" and brace.group(0) != b"}":
            break
        depth += 1 if brace.group(0) == b"{" else -1
        if depth == 0:
            end = brace.end()
            break
    if end < 0 or data.find(b"kty", opening, end) >= 0:
        return
    kind = "password" if password else "token"
    identified = not _IDENTIFIED_CREDENTIALS.isdisjoint(_words(word)[-1:])
    for member in _MAP_MEMBER.finditer(data, opening, end):
        name = member.group(1).decode("utf-8", "replace")
        words = _words(name)
        if key_class(name) is not None or not words or words[-1] in _DESCRIBING_MEMBERS:
            continue
        if _id_word(words[-1]) and not (identified and name.lower() == "id"):
            continue
        start, stop = next(member.span(group) for group in (2, 3, 4) if member.start(group) >= 0)
        value = data[start:stop].decode("utf-8", "replace")
        if not _names_no_credential(name, value) and map_member_secret("password", value):
            yield start, stop, kind, _CONTEXT  # judged as a password: the word before it says what it is


@functools.lru_cache(maxsize=4096)
def credential_map_kind(key: str) -> str | None:
    """The kind of the credentials a name gives in the plural (`passwords`, `secrets`, `apiTokens`, `creds`, `auths`):
    a map of them, keyed by the users, hosts or services they open (`{"admin": "X"}`, `{"github.com": "X"}`); None
    for any other name. Credentials are passwords as often as tokens: judged as passwords."""
    words = _words(key)
    if not words or len(words[-1]) <= 3 or not words[-1].endswith("s"):
        return None
    kind = key_class(words[-1][:-1])
    return "password" if kind is not None and words[-1].startswith("cred") else kind


def map_member_secret(kind: str, value: str) -> bool:
    """Whether a string in a map of credentials (`credential_map_kind`), under a name that says nothing of its
    own, is one of them: of a password's shape for passwords, generated for tokens and keys; not a word, a number,
    a date, a region or a name (`{"credentials": {"provider": "gcp", "region": "us-east-1"}}` stays)."""
    if not is_secret_value(kind, value) or _WORDS_AND_NUMBERS.fullmatch(value) or is_plain_words(value):
        return False
    if kind == "weak" and _HEX.match(value):
        return False  # `{"keys": {"object": <hex>}}`: digests by name, as a cache keeps them
    return _password_like(value) if kind == "password" else _prose_secret(value)


def _names_no_credential(name: str, value: str) -> bool:
    """Whether a member of a map of credentials holds what the credentials are of, by its name and its shape: an
    id (`clientId`, a UUID or a number) or a resource's ARN (`roleArn`), not one of them."""
    words = _words(name)
    if not words:
        return False
    if words[-1] == "arn":
        return value.startswith("arn:")
    return _id_word(words[-1]) and (_UUID.fullmatch(value) is not None or value.isdigit())


# A host's name (`github.com`, `repo.example.test:8443`): a map of credentials keyed by hosts is one whatever its name
# says (Composer's `"gitlab-token": {"gitlab.example.test": "X"}`, `"bearer": {"repo.example.test": "X"}`).
_HOST_NAME_KEY = compile_regex(r"(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?::\d{1,5})?")


# The names of a credential that is an object whose `id` member is the credential itself: a session's id
# (`{"session": {"id": X, "expires": …}}`), a token's (Keystone's `{"token": {"id": X, "expires": …}}`).
_IDENTIFIED_CREDENTIALS = frozenset(("session", "token"))


def _map_spans(
    data: bytes, opening: int, kind: str, plural: bool, identified: bool = False
) -> Iterator[Span]:
    """The credentials among the members of the one-level object opening at `opening`: any member under a plural
    name (`credential_map_kind`), a member named as a host under a singular one, the `id` of an `identified` one
    (`_IDENTIFIED_CREDENTIALS`)."""
    end = _MAP_END.match(data, opening + 1)
    if end is None:
        return
    for member in _MAP_MEMBER.finditer(data, opening, end.end()):
        name = member.group(1).decode("utf-8", "replace")
        host = (
            _HOST_NAME_KEY.fullmatch(name) is not None
        )  # `pat.example.test`, `key.internal`: a host, no name
        # a member that only wraps the credential's value: protobuf Struct's (and Firestore's) `{"stringValue": X}`,
        # DynamoDB's `{"S": X}`, `{"value": X}`
        wrapper = not plural and (
            name.lower() in _VALUE_FIELDS or name == "S" or (identified and name == "id")
        )
        if not wrapper and ((key_class(name) is not None and not host) or not (plural or host)):
            continue  # a member named for a credential: the key-name rules read it
        start, stop = next(member.span(g) for g in (2, 3, 4) if member.start(g) >= 0)
        value = data[start:stop].decode("utf-8", "replace")
        if not (wrapper or host) and _names_no_credential(name, value):
            continue  # `{"credentials": {"clientId": X, "roleArn": Y}}`: what the credentials are of, no secret
        if wrapper:
            if is_secret_value(kind, value):
                yield start, stop, _KIND_OF_CLASS[kind], _CONTEXT
        # a host's credential is judged as a password: the host says what it is
        elif map_member_secret(kind if plural else "password", value):
            yield start, stop, _KIND_OF_CLASS[kind], _CONTEXT


# Names of where a secret comes from, a program or a file (openvpn's `--askpass FILE`, `--auth-user-pass FILE`,
# ssh's `SSH_ASKPASS=PROGRAM`): a path under them is no secret.
_NAMES_A_SOURCE = compile_regex(r"(?i)(?:askpass|auth-user-pass)$")
_FILE_PATH = compile_regex(rb"(?:~|\.{1,2})?/[A-Za-z0-9_.@+-]{1,255}(?:/[A-Za-z0-9_.@+-]{1,255}){0,32}/?")


# `go test -v`'s verdict on a test or subtest, then its duration
_GO_TEST_VERDICT = compile_regex(rb"--- PASS: [A-Za-z_][^\s]{0,255} \([0-9]{1,6}\.[0-9]{2}s\)")
# A JOSE header's registered parameter (RFC 7515 4.1, RFC 7516 4.1) written as a setting: what signs or encrypts
# a token and with which key, in the clear in every token.
_JOSE_PARAMETER = compile_regex(rb"(?:alg|kid|typ|cty|enc|zip|crit|jku|x5u|x5t)=")


# Go's `%+v` of a struct: `{Name:value Name:value}`, each exported field's name and a colon, its value right after
# it; a field left empty is its name and a colon alone, the next field after a space.
_VAULT_HMAC = compile_regex(rb"hmac-sha(?:1|224|256|384|512):[0-9a-f]{32,128}(?![0-9A-Za-z])")
_GO_FIELD = compile_regex(rb"[A-Z][A-Za-z0-9]{0,63}:(?:[^\s:]|[ \t}])")
_GO_FIELD_BEFORE = compile_regex(rb"[{ ][A-Z][A-Za-z0-9]{0,63}:[^\s:]")


# The tools that set passwords, which start their messages with their name (`passwd: Authentication token
# manipulation error`, `chpasswd: (user bob) pam_chauthtok() failed`): a sentence of words after the name is the
# message, no value.
_PASSWORD_TOOLS = frozenset(("passwd", "chpasswd", "gpasswd", "smbpasswd", "kpasswd", "yppasswd", "htpasswd"))
_TOOL_MESSAGE = compile_regex(rb"\(?[A-Za-z][a-z]{1,15}\)?(?:[ \t][^\s=:]{1,32}){2,}")


def _key_value_spans(pattern: Any, data: bytes, element: bool = False) -> Iterator[Span]:
    """The values the key-name rule `pattern` finds; an `element`'s text (XML) ends at its closing tag."""
    matches = _matches_and_inner(pattern, data) if pattern is _KEY_VALUE else pattern.finditer(data)
    for match in matches:
        key_start, key_end = _span(match, b"key")
        if data[key_end : key_end + 1] == b"]" and data.endswith(_MARKER_OPENING, 0, key_start):
            continue  # a marker's kind (`[REDACTED:password]: for svc`): redacting is idempotent
        if data[key_end : key_end + 2] == b"::":
            continue  # a scope's operator (PHP's `JWT::encode(…)`, Ruby's `JWT::DecodeError`): a member's name follows
        if data[max(0, key_start - 3) : key_start] == b"://":
            continue  # a URL's user (`https://x-token-auth:X@bitbucket.org/`): `_dsn_spans` reads its password
        key = match.group(b"key").decode("utf-8", "replace").lstrip("-")
        in_query = key_start > 0 and data[key_start - 1 : key_start] in (b"?", b"&")
        kind = "pin" if in_query and key.lower() in _QUERY_CREDENTIALS else key_class(key)
        if kind is None and key.lower() == "code" and b"authorization_code" in data:
            kind = "token"  # an OAuth token request's code (`"grant_type": "authorization_code", "code": X`)
        if kind is None and (previous := _PREVIOUS_WORD.search(data, max(0, key_start - 26), key_start)):
            kind = key_class(f"{previous.group(1).decode()}_{key}")  # `recovery codes: X`, `backup code: X`
        members = credential_map_kind(key) if kind is None else None
        if kind is None and members is None:
            if _webhook_name(key):
                yield from _webhook_url_spans(data, _value_group(match)[0])
            continue
        start, end = _value_group(match)
        if members is not None or (kind is not None and data[start : start + 1] == b"["):
            quoted_list = _QUOTED_LIST.match(data, start)
            if quoted_list is not None:
                # a JSON or TOML list of strings under the name (Go's `http.Header` and `url.Values` as JSON:
                # `{"X-Api-Key":["X"]}`, `"tokens": ["X", "Y"]`, `api_keys = ["X", "Y"]`): each element is one
                # value, judged as a member of a map of credentials under a plural name
                yield from _quoted_list_spans(
                    data, quoted_list, key, members or kind or "", members is not None
                )
                continue
        if kind is None:
            continue  # a plural name's value that is no list of strings: `_map_spans` reads an object
        if key.lower() in ("cookie", "set-cookie") and _SETTING_COOKIE.match(data, start):
            continue  # a cookie's `name=value` pairs: `_cookie_spans` reads each (`Cookie: theme=dark; sid=X`)
        if data.find(b"]=>", start, end + 140) >= 0 and (
            _PHP_VISIBILITY.match(data, start) or _PHP_VISIBILITY.match(data, max(0, start - 1))
        ):
            continue  # PHP's `["secret":protected]=>`: the value is on its next line (`_PHP_PROPERTY`)
        bare = b"bare" in _group_index(match.re) and _span(match, b"bare")[0] >= 0
        brace: int | None = None  # where a default's closing brace ends the value
        defaulted = _DEFAULTED.match(data, start, end)
        if defaulted is not None:  # `password: ${SMTP_PASSWORD:X}`: the default is the value
            brace = data.index(b"}", defaulted.end())
            if _placeholder(data[start : brace + 1].decode("utf-8", "replace")):
                continue  # a word as its default (`${DB_PASSWORD:postgres}`), as a shell's `:-` takes one
            start, end, bare = defaulted.end(), brace, False
        if (
            bare
            and _FROM_FILE.search(data, max(0, key_start - 20), key_start)
            and _FILE_PATH.fullmatch(data, start, end)
        ):
            continue  # `kubectl create secret … --from-file=password=./db-password.txt`: the file it is read from
        if bare and data[start - 1 : start] == b":" and data[start:end] in (b"env", b"file"):
            continue  # keytool's `-storepass:env STOREPASS`, `-keypass:file /run/secrets/k`: where it comes from
        if (
            bare
            and data[start : start + 1] == b"["
            and (listed := _LISTED_VALUE.match(data, start)) is not None
        ):
            # Java's `password=[H, u, n, …]` (a char[]), Go's `Passwd:[72 117 110 …]` (a []byte)
            if kind != "weak":
                yield start, listed.end(), _KIND_OF_CLASS[kind], _CONTEXT
            continue
        if bare and (name_list := _NAME_LIST.match(data, start)) is not None:
            if kind in ("password", "pin"):
                # a list of passwords or codes (`password: [X, Y]`): every element is one
                yield name_list.start(1), name_list.end(1), _KIND_OF_CLASS[kind], _CONTEXT
                continue
            # a list, each element judged alone: Samba's `Auth: [SMB2,(null)]` and `[LDAP,simple bind/TLS]` name
            # protocols; `auth: [deploy, X]` holds a user, then its credential
            for listed_name in _LIST_ELEMENT.finditer(data, name_list.start(1), name_list.end(1)):
                if _listed_secret(kind, listed_name.group(0)):
                    yield listed_name.start(), listed_name.end(), _KIND_OF_CLASS[kind], _CONTEXT
            continue
        if bare and _NAMES_A_SOURCE.search(key) and _FILE_PATH.fullmatch(data, start, end):
            continue  # `--askpass /etc/openvpn/pass`, `SSH_ASKPASS=/usr/bin/ksshaskpass`: where the secret comes from
        if (
            b"tag" in _group_index(match.re)
            and _span(match, b"tag")[0] >= 0
            and _IDENTIFIER.fullmatch(data, start, end)
            and data[slice(*_span(match, b"tag"))].lower() != b"!sub"  # `!Sub` takes a string: a `${…}` in it
        ):
            continue  # `password: !secret db_password`: a reference by name
        if (
            bare
            and data[start - 1 : start]
            in (b" ", b"\t")  # a blank where the empty value is, not `Password:Xk9p:Q2`
            and _GO_FIELD.match(data, start)
            and _GO_FIELD_BEFORE.search(data, max(0, key_start - 256), key_start) is not None
        ):
            continue  # Go's `%+v` of a struct whose password is empty (`{User:app Password: Host:db}`): the cause
        if _VAULT_HMAC.match(data, key_start):
            continue  # Vault's audit log writes each secret as its digest (`"client_token": "hmac-sha256:<hex>"`)
        closing = (
            data.find(b"}", key_start, key_start + 512)
            if data[max(0, key_start - 2) : key_start] == b"${"
            else -1
        )
        if closing >= 0 and _placeholder(data[key_start - 2 : closing + 1].decode("utf-8", "replace")):
            continue  # a shell expansion with a word as its default (`${DB_PASSWORD:-postgres}`), no `name: value`
        if closing >= 0 and _DEFAULTED.match(data, key_start - 2):
            brace = closing  # `${DB_PASSWORD:X}` read inside a quoted value: the default ends at the brace
        if key == "PASS" and _GO_TEST_VERDICT.match(data, max(0, key_start - 4)):
            continue  # `go test -v`'s `--- PASS: TestCheckout/declined (0.01s)`: a test that passed
        if bare and key.lower() in _PASSWORD_TOOLS and _TOOL_MESSAGE.match(data, start):
            continue  # `passwd: user 'deploy' does not exist`: the tool's own message, after its name
        if bare and kind != "password" and _JOSE_PARAMETER.match(data, start):
            continue  # `jwt: alg=RS256 kid=… typ=JWT`: a token's header, public by design, not the token
        if bare and _yaml_alias(data[start:end]) and _YAML_SEPARATOR.search(data, max(0, start - 9), start):
            continue  # a YAML alias (`password: *db_password`): the value is its anchor's
        if bare and kind != "password" and _VARIABLES_TUPLE.match(data, start):
            continue  # code passing variables (`auth=(user, password)`): their values are not written here
        if bare and _code_passes_variable(key, kind, data, start, end):
            continue  # `connect(password=password)`, `HTTPBasicAuth(username, password)`: code, not the secret
        if bare and data[start - 1 : start] in (b" ", b"\t") and _VERDICT.match(data, start):
            continue  # `password: cannot be blank.`, `password:  16 bytes`: what is said of it
        if bare and data[start : start + 1] == b"{" and _OBJECT_OPENING.match(data, start):
            members = credential_map_kind(key)
            identified = not _IDENTIFIED_CREDENTIALS.isdisjoint(_words(key)[-1:])
            yield from _map_spans(data, start, members or kind, members is not None, identified)
            continue  # an object: its members are read by their own names
        if kind == "token" and bare and _SHELL_ASSIGNMENT.search(data, max(0, key_start - 24), key_start):
            kind = "password"  # `export API_TOKEN=X`: the value written in a command is the token, whatever it is
        if bare and _KIND_NOUN.fullmatch(data, start, end) and _QUOTED_NAME_NEXT.match(data, end):
            continue
        bracketed = _BRACKETED.match(data, start) if bare else None
        if (
            bracketed is not None
            and data[bracketed.end() : bracketed.end() + 1] in _VALUE_ENDS  # the whole value, not its start
            and _placeholder(bracketed.group(0).decode("utf-8", "replace"))
        ):
            continue  # `password = (sensitive value)`, `password: {{ .Values.db.password }}`
        if bare and not element and data[start : start + 1] in (b"|", b">"):
            block = _yaml_block(data, key_start, start)
            if block is not None:
                text = data[block[0] : block[1]].decode("utf-8", "replace")
                one_token = len(text.split()) == 1 or kind in ("password", "token")
                if one_token and is_secret_value(kind, "".join(text.split())):
                    yield block[0], block[1], _KIND_OF_CLASS[kind], _CONTEXT
            if (
                block is not None
                or data[start : start + 1] == b">"
                or _BLOCK_HEADER_AT_END.match(data, start)
            ):
                continue  # a header that ends the text: the block is in the next entry (`Reassembler` reads it)
        on_next_line = b"nl" in _group_index(match.re) and _span(match, b"nl")[0] >= 0
        wrapped = _WRAPPED.match(data, start) if (bare or on_next_line) and not element else None
        if wrapped is not None:  # `SecretStr('X')`, `Some("X")`, PHP's `string(12) "X"`, Python's `b'X'`
            start, end = next(span for span in wrapped.regs[1:] if span[0] >= 0)
        elif bare and kind == "password" and not element:
            end = max(end, _password_end(data, start, _QUERY_TAIL if in_query else _PASSWORD_TAIL))
            while data[end : end + 1] in (b",", b";") and _next_parameter(data, end, end + 300) != end:
                end = _password_end(data, end + 1)  # `password=Kx9;q=Zt4Lm2WpR7`: the value's own piece
            if (parameter := _next_parameter(data, start, end)) >= 0:
                end = parameter  # Teradata's `PASSWORD=X,LOGMECH=TD2`: the next parameter's name and `=`
            if data[end : end + 1] in (b" ", b"\t"):
                first_word = data[start:end].decode("utf-8", "replace")
                end = _listed_value_end(data, key_start, end)
                end = _connection_string_end(data, key_start, end)
                end = end if _placeholder(first_word) else _argument_end(data, key_start, end)
        elif bare and not element and (parameter := _next_parameter(data, start, end)) >= 0:
            # a list's next pair (gRPC-Java's `Metadata(x-api-key=X,grpc-accept-encoding=gzip)`)
            end = parameter
        if bare and kind in ("password", "pin") and not element and wrapped is None:
            end = _more_words_end(data, start, end, kind)
        if brace is not None:
            end = min(end, brace)
        if bare and b"->" in data[_span(match, b"key")[1] : start]:
            # Scala's `Map(sasl.password -> X, group.id -> y)`: the map's comma and its closing parenthesis are
            # the map's, not the value's
            end = start + max(1, len(data[start:end].rstrip(b",)")))
        value = data[start:end].decode("utf-8", "replace")
        if bare and kind == "password" and is_plain_words(value) and _LABEL_AFTER.match(data, end):
            continue  # openssl s_client's `PSK identity hint: None`: a label's words, then its colon
        if (
            bare
            and _VERDICT_BEFORE.search(data, max(0, key_start - 16), key_start)
            and _OPENED_FILE.fullmatch(value)
        ):
            continue  # 7-Zip's `Wrong password : backup.7z`: the file the password did not open
        if (
            is_secret_value(kind, value)
            and not _working_directory(key, value)
            and not _stored_secret(match.group(b"key").decode("utf-8", "replace"), value)
        ):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


# What a validator or a tool says of a credential after its name, not the credential: a sentence (`password: the
# length must be between 8 and 64.`, `password: cannot be blank.`, `secret: not found`, ozzo-validation's and
# many others' form), or the size `kubectl describe secret` gives each key (`password:  16 bytes`)
_VERDICT = compile_regex(
    rb"(?:the[ \t]{1,4}(?:length|value|minimum|maximum|format|field)"
    rb"|(?:is|are|was|has)[ \t]{1,4}(?:required|missing|invalid|empty|blank|too|not|expired|incorrect|wrong|unset)"
    rb"|(?:must|should|cannot|can't)[ \t]{1,4}(?:be|contain|have|not|match|include|start|end|exceed)"
    rb"|too[ \t]{1,4}(?:short|long|weak|common|simple|similar)"
    rb"|not[ \t]{1,4}(?:found|set|valid|allowed|provided|present|configured|defined|match))\b"
    rb"|(?:does[ \t]{1,4}not|doesn't|isn't|contains|length|needs?|exceeds?|required|missing|invalid|empty|blank"
    rb"|expired)[ \t]{1,4}[a-z(]"
    rb"|\d{1,12}[ \t]{1,4}bytes[ \t]{0,8}(?:\r?\n|$)"
)


# A secret printed as the list of its characters or bytes: Java's `Arrays.toString` of a char[] or a byte[]
# (`[H, u, n, …]`, `[72, 117, -3, …]`), Go's `%v` of a []byte (`[72 117 110 …]`); eight elements or more
_LISTED_VALUE = compile_regex(rb"\[(?:-?\d{1,3}(?:,?[ ]-?\d{1,3}){7,1023}|[^\s,\]](?:,[ ][^\s\]]){7,1023})\]")
# A list of quoted strings, in JSON (also one printed on many lines) or TOML, and one of its elements
_QUOTED_STRING = rb"\"((?:[^\"\\\r\n]|\\.){0,1024})\"|'([^'\r\n]{0,1024})'"
_QUOTED_LIST = compile_regex(
    rb"\[\s{0,32}(?:"
    + _QUOTED_STRING
    + rb")(?:\s{0,32},\s{0,32}(?:"
    + _QUOTED_STRING
    + rb")){0,63}\s{0,32},?\s{0,32}\]"
)
_QUOTED_ELEMENT = compile_regex(_QUOTED_STRING)
# A list of two elements or more in brackets, unquoted (a quoted one is JSON's, read by its members), each at most
# 64 characters of one line (a token holds no comma)
_NAME_LIST = compile_regex(rb"\[([^\[\]\r\n,\"']{1,64}(?:,[^\[\]\r\n,\"']{1,64}){1,15})\]")
# an element of such a list, without the blanks around it
_LIST_ELEMENT = compile_regex(rb"[^,\s](?:[^,]*[^,\s])?")
# a protocol's name in a list: an acronym of a few capitals (`NTLMSSP`, `SMB2`; a seed or a key in capitals is
# longer: base32's `GEZDGNBVGYZQ3`)
_LISTED_NAME = compile_regex(r"[A-Z]{2,8}[0-9]?")


def _quoted_list_spans(data: bytes, quoted_list: Any, key: str, kind: str, plural: bool) -> Iterator[Span]:
    """The credentials among the strings of a quoted list under a credential's name: under a plural name each judged
    as a member of a map of them (`map_member_secret`), under a singular one as the name's value."""
    for element in _QUOTED_ELEMENT.finditer(data, quoted_list.start(), quoted_list.end()):
        start, end = next(element.span(group) for group in (1, 2) if element.start(group) >= 0)
        value = data[start:end].decode("utf-8", "replace")
        secret = map_member_secret(kind, value) if plural else is_secret_value(kind, value)
        if secret and not _stored_secret(key, value):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _listed_secret(kind: str, name: bytes) -> bool:
    """Whether an element of a bracketed list is a credential: one word (words are a name: `simple bind/TLS`,
    `Kerberos KDC`), no name's, that the name before the list would take for one."""
    element = name.decode("utf-8", "replace")
    return (
        " " not in element
        and "\t" not in element
        and not _LISTED_NAME.fullmatch(element)
        and is_secret_value(kind, element)
    )


_FROM_FILE = compile_regex(rb"--from(?:-env)?-file=$")
_LABEL_AFTER = compile_regex(rb"(?:[ \t]{1,4}[A-Za-z]{1,16}){0,2}:(?:\s|$)")
# What says a password failed, right before its name (`Wrong password : X`), and a file it was to open
_VERDICT_BEFORE = compile_regex(rb"(?i)\b(?:wrong|invalid|incorrect|bad)[ \t]{1,4}$")
_OPENED_FILE_EXTENSIONS = (
    r"\.(?i:7z|zip|rar|pdf|docx?|xlsx?|pptx?|p12|pfx|jks|kdbx|gpg|pgp|enc|tar|tgz|gz|key|pem|ppk)"
)
_OPENED_FILE = compile_regex(r"[\w.-]{1,128}" + _OPENED_FILE_EXTENSIONS)
_OPENED_FILE_AFTER = compile_regex(
    rb"[ \t]{0,4}:?[ \t]{0,4}[\w.-]{1,128}" + _OPENED_FILE_EXTENSIONS.encode() + rb"(?![\w.-])"
)


_DOTTED_IDENTIFIER = compile_regex(rb"[A-Za-z_][A-Za-z0-9_]{0,63}(?:\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}")
_SNAKE_IDENTIFIER = compile_regex(rb"[a-z][a-z0-9]{0,31}(?:[_.][a-z][a-z0-9]{0,31}){1,4}")


def _code_passes_variable(key: str, kind: str, data: bytes, start: int, end: int) -> bool:
    """Whether the value at `start` is code handing a variable on: a keyword argument named as its parameter
    (`connect(password=password)`, `token=token,`) or a call with variables as its arguments (`HTTPBasicAuth(user,
    password)`; under a password's name only a callee named as code is: `Summer(2024)` may be a password)."""
    value = data[start:end]
    name = value.rstrip(b"),;]")
    variable = name.decode("utf-8", "replace").lower()
    # the parameter's own name, or a variable or attribute named after it (`password=bind_password,`,
    # `token=settings.slack_token)`)
    named_after = (
        variable == key.lower()
        or (
            _DOTTED_IDENTIFIER.fullmatch(name) is not None
            and (
                variable.endswith(("_" + key.lower(), "." + key.lower()))
                # or another credential's word, in a lower-case name of parts, inside a call (`connect(password=db_pass,`,
                # `Client(token=cfg.api_tok)`; a log line's `password=db_pass,` may be the password)
                or (
                    _SNAKE_IDENTIFIER.fullmatch(name) is not None
                    and key_class(variable) is not None
                    and b"(" in data[data.rfind(b"\n", 0, start) + 1 : start]
                )
            )
        )
    )
    if named_after and (len(name) < len(value) or data[end : end + 1] in (b",", b")")):
        return True
    call = _CALL_OF_VARIABLES.match(data, start)
    return call is not None and (
        kind != "password" or _CALLEE_AS_CODE.match(call.group("callee")) is not None
    )


def _directive_spans(data: bytes) -> Iterator[Span]:
    """The values of `_DIRECTIVE` lines whose name ends in a credential word, unless a word (`db_password unset`)."""
    for match in _DIRECTIVE.finditer(data):
        key = match.group(b"key").decode("utf-8", "replace")
        kind = key_class(key)
        if kind not in ("password", "token") or key_class(_words(key)[-1]) is None:
            continue  # `password_encryption scram-sha-256` names a setting of passwords
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        generated = value.isalpha() and value.islower() and len(value) >= 8 and not is_plain_words(value)
        if (
            is_secret_value(kind, value)
            and (_password_like(value) or generated)
            and not _marked(data, start, end)
        ):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _device_config_spans(data: bytes) -> Iterator[Span]:
    """The values of `_DEVICE_CONFIG`: a device keyword's value, or a bare `secret`/`password`/`key`'s when an
    encryption type follows it (`secret 0 X`) or its line names a protocol (`tacacs-server host … key X`). The
    value is not a word, a number or a placeholder (`enable secret 5 is configured`, `community public`). A
    `community` needs SNMP's name on its line (`snmp-server community X RO`, not `join our community X`)."""
    line_end = -1  # the end of the line of the last bare keyword, and whether that line names a protocol
    context = False
    for match in _DEVICE_CONFIG.finditer(data):
        key = match.group(b"key").lower()
        if key in _GENERIC_DEVICE_KEYS and not match.group(b"type"):
            at = _span(match, b"key")[0]  # (the match may start at the line break before its key)
            if at > line_end:  # a later line (matches come in order: each line is read once)
                line_start = data.rfind(b"\n", max(line_end, 0), at) + 1
                line_end = data.find(b"\n", at)
                line_end = line_end if line_end >= 0 else len(data)
                context = _DEVICE_CONTEXT.search(data, line_start, line_end) is not None
            if not context:
                continue
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        if _password_like(value) and not value.startswith(MARKER_PREFIX) and not _marked(data, start, end):
            yield start, end, "password", _CONTEXT
        privacy = _USM_PRIVACY.match(data, match.end()) if match.group(b"usm") else None
        if privacy is not None:
            at = 1 if privacy.group(1) is not None else 2
            if _password_like(privacy.group(at).decode("utf-8", "replace")):
                yield privacy.start(at), privacy.end(at), "password", _CONTEXT


# better_exceptions' and loguru's (`diagnose=True`, its default) annotated frames: under a frame's source line each
# name's value stands on a line of its own, `└ value` at the name's column, `│` marking the columns of the names
# whose values follow (`    login(user, pwd)` then `    │     │    └ 'X'`). The value's line does not hold its name.
_ANNOTATION = "\u2514 ".encode()  # `└ `
_ANNOTATION_LINE = compile_regex(r"[ \t\u2502]*(?:\u2514 .*)?")  # `│` bars and at most one `└ value`
_ANNOTATED_NAME = compile_regex(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_QUOTED_REPR = compile_regex(rb"b?(['\"])(.{1,512})\1")


def _annotated_frame_spans(data: bytes) -> Iterator[Span]:
    """The string values annotated under a frame's source line whose name there is a credential's. One pass: the
    source line is the last line before the annotation lines (each line is read once)."""
    source: str | None = None
    offset = 0
    for line in data.split(b"\n"):
        start_of_line = offset
        offset += len(line) + 1
        text = line.decode("utf-8", "replace").rstrip("\r")
        if not _ANNOTATION_LINE.fullmatch(text):
            source = text  # a source line, or any other: the annotations under it name its names
            continue
        at = line.find(_ANNOTATION)
        if at < 0 or source is None:
            continue  # `│` bars only, or no line above
        name = _ANNOTATED_NAME.match(source, len(line[:at].decode("utf-8", "replace")))
        kind = key_class(name.group(0)) if name is not None else None
        value = _QUOTED_REPR.fullmatch(line, at + len(_ANNOTATION), len(line.rstrip(b"\r")))
        if kind is None or value is None:
            continue
        secret = value.group(2).decode("utf-8", "replace")
        if is_secret_value(kind, secret) and (kind != "weak" or _prose_secret(secret)):
            yield start_of_line + value.start(2), start_of_line + value.end(2), _KIND_OF_CLASS[kind], _CONTEXT


# A table whose header names a credential column (a markdown table, CSV, TSV): each row's cell in it.
_TABLE_GATE = _Deferred(rb"[|,\t][^\n]*\n[^\n]*[|,\t]")
_TABLE_LINE = compile_regex(rb"[^\n]*")
_TABLE_RULE = compile_regex(rb"[\s|:+-]*")  # a markdown table's `|---|:--|` line
_COLUMN_NAME = compile_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,40}")


def _table_spans(data: bytes) -> Iterator[Span]:
    """The values of a credential column in the rows after a header line (`username,password,email`,
    `| user | password |`); the rows are the lines with as many cells (a row with another count is passed
    over, a line without the separator ends the table). Each line is read once."""
    lines = [m.span() for m in _TABLE_LINE.finditer(data) if m.end() > m.start()]
    index = 0
    while index < len(lines):
        start, end = lines[index]
        index += 1
        for separator in (b"|", b"\t", b","):
            if separator not in data[start:end]:
                continue
            cells = _cells(data, start, end, separator)
            columns = [
                (n, kind)
                for n, (cell_start, cell_end) in enumerate(cells)
                if _COLUMN_NAME.fullmatch(
                    name := data[cell_start:cell_end].strip().decode("utf-8", "replace")
                )
                and (kind := key_class(name)) in ("password", "token")
            ]
            if not columns:
                continue
            while index < len(lines):
                row_start, row_end = lines[index]
                if separator not in data[row_start:row_end]:
                    break
                index += 1
                row = _cells(data, row_start, row_end, separator)
                if len(row) != len(cells) or _TABLE_RULE.fullmatch(data, row_start, row_end):
                    continue
                for n, kind in columns:
                    cell_start, cell_end = row[n]
                    raw = data[cell_start:cell_end]
                    value = raw.strip()
                    text = value.decode("utf-8", "replace").strip("\"'")
                    if is_secret_value(kind, text) and not text.startswith(MARKER_PREFIX):
                        value_start = cell_start + raw.index(value)
                        yield value_start, value_start + len(value), _KIND_OF_CLASS[kind], _CONTEXT
            break


def _cells(data: bytes, start: int, end: int, separator: bytes) -> list[tuple[int, int]]:
    """The cells of a table line as spans: a separator inside double quotes (CSV's `"p,ss"`) separates none."""
    cells: list[tuple[int, int]] = []
    cell_start = start
    if data.find(b'"', start, end) < 0:  # no quotes: the separators split it (at C speed)
        for cell in data[start:end].split(separator):
            cells.append((cell_start, cell_start + len(cell)))
            cell_start += len(cell) + len(separator)
        return cells
    quoted = False
    for position in range(start, end):
        byte = data[position : position + 1]
        if byte == b'"':
            quoted = not quoted
        elif byte == separator and not quoted:
            cells.append((cell_start, position))
            cell_start = position + 1
    cells.append((cell_start, end))
    return cells


_COLUMN_LIST_END = compile_regex(rb"[^()\r\n]{0,512}\)\s{0,8}values\b", re.IGNORECASE)


def _quoted_pair_spans(data: bytes) -> Iterator[Span]:
    for match in _QUOTED_PAIR.finditer(data):
        kind = key_class(match.group(b"key").decode("utf-8", "replace"))
        if kind is None:
            continue
        start, end = _value_group(match)
        if _JSON_KEY_NEXT.match(data, end + 1):
            continue  # `{"name":"DB_PASSWORD","value":"X"}`: the next string is a key (`_NAME_VALUE` reads it)
        if _COLUMN_LIST_END.match(data, end + 1):
            continue  # an INSERT's columns (`("email", "password", "active") VALUES`): `_inserted_literals`
        value = data[start:end].decode("utf-8", "replace")
        listed = kind == "password" and match.group(b"sep") == b"," and is_plain_words(value)
        if listed and (key_class(value) is not None or value.lower() in _FIELD_NAMES):
            continue  # a list of field names (`['password', 'email']`)
        scheme = _SCHEME_PREFIX.match(value)
        if scheme is not None and scheme.group(1).lower() in _AUTH_SCHEMES:
            start += len(scheme.group(0).encode())  # `("Authorization", "Bearer X")`: the scheme stays
            value = value[len(scheme.group(0)) :]
        if is_secret_value(kind, value):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _printed_pair_spans(data: bytes) -> Iterator[Span]:
    for match in _PRINTED_PAIR.finditer(data):
        key = match.group(b"key").decode("utf-8", "replace")
        kind = key_class(key)
        if kind is None:
            continue
        start, end = _span(match, b"value")
        value = data[start:end].decode("utf-8", "replace")
        if all(is_plain_words(element) for element in value.split(", ")):
            continue  # Java's `List.toString()` of names (`[password, username, email]`, `[token, expired]`)
        scheme = _SCHEME_PREFIX.match(value)
        if scheme is not None and scheme.group(1).lower() in _AUTH_SCHEMES:
            start += len(scheme.group(0).encode())  # `[Authorization, Bearer X]`: the scheme stays
            value = value[len(scheme.group(0)) :]
        if is_secret_value(kind, value) and not _working_directory(key, value):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _edn_pair_spans(data: bytes) -> Iterator[Span]:
    for match in _EDN_PAIR.finditer(data):
        key = next(match.group(name) for name in (b"key", b"skey") if match.group(name) is not None)
        kind = key_class(key.decode("utf-8", "replace"))
        start, end = _value_group(match)
        if kind is not None and is_secret_value(kind, data[start:end].decode("utf-8", "replace")):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _setter_spans(data: bytes) -> Iterator[Span]:
    for match in _SETTER_CALL.finditer(data):
        words = _words(match.group(b"name").decode())
        if len(words) > 1 and words[0] in _SETTER_VERBS:
            words = words[1:]
        elif len(words) > 1 and key_class(words[0]) is None and key_class("_".join(words[1:])) is not None:
            continue  # `getPassword("db")`, `hashToken("x")`: a verb of another kind
        if _EVENT_NAME.search(words[-1]) or words[-1] in _FAULT_WORDS:
            continue  # an exception or an event given its message (`AuthenticationFailed('Provided username …')`)
        kind = key_class("_".join(words))
        start, end = _value_group(match)
        if kind is not None and is_secret_value(kind, data[start:end].decode("utf-8", "replace")):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _key_call_spans(data: bytes) -> Iterator[Span]:
    for match in _KEY_CALL.finditer(data):
        start, end = _value_group(match)
        if is_secret_value("password", data[start:end].decode("utf-8", "replace")):
            yield start, end, "secret", _CONTEXT


def _graphql_spans(data: bytes) -> Iterator[Span]:
    mutation = b"mutation" in data.lower()
    for match in _GRAPHQL_VALUE.finditer(data):
        kind = key_class(match.group(b"key").decode("utf-8", "replace")) or ("weak" if mutation else None)
        start, end = _span(match, b"dq")
        if kind is not None and is_secret_value(kind, data[start:end].decode("utf-8", "replace")):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


# A GraphQL argument bound to a variable (`login(email: $e, password: $p)`, `input: {token: $t}`), and a string member
# of the request's `variables` (`"variables": {"p": "X"}`, also in an escaped JSON string): the value of a variable
# bound to an argument named like a credential is that credential, whatever the variable is called.
_GRAPHQL_BOUND = compile_regex(
    rb"(?P<arg>[A-Za-z_][A-Za-z0-9_]{0,64})[ \t]{0,8}:[ \t]{0,8}\$(?P<var>[A-Za-z_][A-Za-z0-9_]{0,64})"
)
_GRAPHQL_VARIABLE = compile_regex(
    rb"\\?\"(?P<name>[A-Za-z_][A-Za-z0-9_]{0,64})\\?\"[ \t]{0,8}:[ \t]{0,8}\\?\"(?P<dq>[^\"\\\r\n]{1,256})\\?\""
)


def _graphql_variable_spans(data: bytes) -> Iterator[Span]:
    variables = data.find(b"variables")
    bound: dict[bytes, str] = {}
    for match in _GRAPHQL_BOUND.finditer(data, 0, variables if variables > 0 else len(data)):
        kind = key_class(match.group("arg").decode("ascii"))
        if kind is not None:
            bound[match.group("var")] = kind
    for match in _GRAPHQL_VARIABLE.finditer(data, variables) if bound and variables >= 0 else ():
        kind = bound.get(match.group("name"))
        start, end = match.span("dq")
        if kind is not None and is_secret_value(kind, data[start:end].decode("utf-8", "replace")):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


_WRITTEN_VALUE = compile_regex(rb"[^\s\"']+")


def _authorization_spans(data: bytes) -> Iterator[Span]:
    for match in _AUTHORIZATION.finditer(data):
        start, end = _span(match, b"cred")
        scheme_start, _ = _span(match, b"scheme")
        if scheme_start >= 0 and match.group(b"scheme").lower() == b"digest" and b"=" in match.group(b"cred"):
            continue  # `Digest username="svc", …`: its `response=` is the credential (`_DIGEST_RESPONSE`)
        if scheme_start < 0 and match.group(b"cred").decode().lower() in _AUTH_SCHEMES:
            continue  # a scheme alone, its credential already redacted
        if end - start <= 2 and data[end : end + 1] in (b'"', b"'") and match.group(b"cred").isalpha():
            continue  # a string literal's prefix (Python's `f"Bearer {token}"`): the literal is read as a value
        if scheme_start >= 0 and match.group(b"scheme").decode().lower() not in _AUTH_SCHEMES:
            scheme_end = _span(match, b"scheme")[1]
            if b"\n" in data[scheme_end:start]:
                end = scheme_end  # the value alone, its line's end its own (a hex dump's next row's offset stays)
            start = scheme_start  # not a scheme: part of the credential
        written = _WRITTEN_VALUE.match(data, start, start + 160)
        if written is not None and _placeholder(written.group(0).decode("utf-8", "replace").rstrip(",")):
            continue  # `x-api-key: $(API_KEY)`, `authorization: <redacted>`
        if _DEFAULTED.match(data, start):
            continue  # `api-key: ${API_KEY:X}`: the key-name rules read the default
        if not data[start:end].startswith(MARKER_PREFIX.encode()):
            yield start, end, "token", _HEADER
    for match in _SCHEME_CREDENTIAL.finditer(data):
        value = match.group(b"cred").decode()
        name, equals, _ = value.partition("=")
        if data[match.start() - 1 : match.start()] in _JOINERS or (equals and is_plain_words(name)):
            continue  # a path's segment (`POST /token grant_type=password`), a `key=value` pair
        scheme = match.group(0).split()[0].decode()
        if (
            # (a word may end the sentence: Django's `CSRF token missing.`)
            not is_plain_words(value.rstrip("."))
            and not value.startswith(MARKER_PREFIX)
            and not _resource_name(scheme, value)
        ):
            start, end = _span(match, b"cred")
            yield start, end, "token", _HEADER


# An Ethereum node's `personal_*` JSON-RPC methods take the account's passphrase as a positional parameter
# (`personal_unlockAccount(address, passphrase, duration)`, `personal_sign(data, address, passphrase)`,
# `personal_importRawKey(key, passphrase)`, `personal_newAccount(passphrase)`), and so do Bitcoin Core's wallet
# methods (`walletpassphrase(passphrase, timeout)`, `encryptwallet(passphrase)`, `walletpassphrasechange(old, new)`):
# every string parameter that is not `0x` hex (an address, the data signed) is the passphrase or the raw private key.
_WALLET_METHODS = (b"walletpassphrase", b"walletpassphrasechange", b"encryptwallet")
_PERSONAL_METHOD = _Deferred(
    rb"[\"']method[\"'][ \t]{0,8}:[ \t]{0,8}[\"'](?:personal_[A-Za-z]{1,40}|"
    + b"|".join(_WALLET_METHODS)
    + rb")[\"']"
)
_RPC_PARAMS = _Deferred(rb"[\"']params[\"'][ \t]{0,8}:[ \t]{0,8}\[(?P<params>[^\[\]]{0,1000})\]")
_RPC_STRING = compile_regex(rb"\"(?P<dq>[^\"\\\r\n]{1,512})\"|'(?P<sq>[^'\\\r\n]{1,512})'")


def _personal_rpc_spans(data: bytes) -> Iterator[Span]:
    if _PERSONAL_METHOD.search(data) is None:
        return
    for params in _RPC_PARAMS.finditer(data):
        start, end = _span(params, b"params")
        for string in _RPC_STRING.finditer(data, start, end):
            value_start, value_end = string.span("dq" if string.group("dq") is not None else "sq")
            if not data[value_start:value_end].startswith((b"0x", b"0X")):
                yield value_start, value_end, "password", _CONTEXT


def _marked(data: bytes, start: int, end: int) -> bool:
    return _MARKER.fullmatch(data[start:end].decode("utf-8", "replace").strip()) is not None


def _cookie_spans(data: bytes) -> Iterator[Span]:
    """The values of a `Cookie:` header's cookies, and of a `Set-Cookie:` header's cookie without its attributes;
    but a setting's (`_SETTING_COOKIE`: `theme=dark`, `locale=en-US`), which opens nothing and may tell the cause."""
    for start, end, kind, rank in _simple_spans(_COOKIE, data, "cookie"):
        set_cookie = data[max(0, start - 40) : start].lower().rfind(b"set-cookie") >= 0
        if set_cookie and b";" in data[start:end]:
            attributes = _attributes_start(data, start, end)
            if attributes > start:
                end = attributes
        if b"=" not in data[start:end]:
            yield start, end, kind, rank  # no `name=value` (`Cookie: <opaque>`): the whole value
            continue
        piece = start
        while piece < end:
            semicolon = data.find(b";", piece, end)
            piece_end = semicolon if semicolon >= 0 else end
            setting = _SETTING_COOKIE.fullmatch(data, piece, piece_end)
            if set_cookie and piece > start and _COOKIE_ATTRIBUTE.fullmatch(data, piece, piece_end):
                pass  # an attribute after the cookie (`Path=/`): how the browser keeps it
            elif setting is None or key_class(setting.group("name").decode("ascii")) is not None:
                equals = data.find(b"=", piece, piece_end)
                value_start = equals + 1 if equals >= 0 else piece
                value_start += len(data[value_start:piece_end]) - len(
                    data[value_start:piece_end].lstrip(b" \t")
                )
                value_end = value_start + len(data[value_start:piece_end].rstrip(b" \t"))
                if value_end > value_start:
                    yield value_start, value_end, kind, rank
            piece = piece_end + 1


def _attributes_start(data: bytes, start: int, end: int) -> int:
    """Where the run of `Set-Cookie` attributes that ends `data[start:end]` begins (`; Path=/; Secure`), read
    from its end one attribute at a time; `end` when it ends with none."""
    attributes = end
    while (semicolon := data.rfind(b";", start, attributes)) >= 0:
        if not _COOKIE_ATTRIBUTE.fullmatch(data, semicolon + 1, attributes):
            break
        attributes = semicolon
    return attributes


def _simple_spans(pattern: Any, data: bytes, kind: str) -> Iterator[Span]:
    for match in pattern.finditer(data):
        start, end = _span(match, b"cred")
        if not _marked(data, start, end):
            yield start, end, kind, _CONTEXT


def _quoted_spans(pattern: Any, data: bytes, kind: str, prose: bytes | None = None) -> Iterator[Span]:
    """The values `pattern` finds, but a placeholder; after the words `prose` (`with`: SQL quotes its `WITH
    PASSWORD 'X'`, `login as admin with password expired` is prose), an unquoted one only if it looks like one."""
    for match in pattern.finditer(data):
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        unquoted = prose is not None and _span(match, b"bare")[0] >= 0
        if unquoted and match.group(0).lower().startswith(prose) and not _password_like(value):
            continue
        if start >= 0 and not _marked(data, start, end) and not _placeholder(value):
            yield start, end, kind, _CONTEXT  # not a bound parameter (`SET password_hash = $1`)


def _field_kind(name: bytes) -> str | None:
    """What a field's name (`body.password`, `users[0].api_token`) says of its value: its last part's class."""
    last = re.split(rb"[.\[\]]+", name.strip(b" \t.[]"))[-1]
    return key_class(last.decode("utf-8", "replace")) if last else None


def _rejected_input_spans(data: bytes) -> Iterator[Span]:
    """The input a validation error echoes for a field named as a credential (`_REJECTED_INPUT`, `_ERROR_INPUT`)."""
    for match in _REJECTED_INPUT.finditer(data):
        spring = _span(match, b"field")[0] >= 0
        kind = _field_kind(match.group(b"field") if spring else match.group(b"key"))
        start, end = _span(match, b"rejected") if spring else _value_group(match)
        if kind is not None and is_secret_value(kind, data[start:end].decode("utf-8", "replace")):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT
    for match in _ERROR_INPUT.finditer(data):
        start, end = _value_group(match)
        opening = data.rfind(b"{", max(0, match.start() - 600), match.start())
        closing = data.find(b"}", end, end + 600)
        window_start = opening + 1 if opening >= 0 else max(0, match.start() - 600)
        window = data[window_start : closing if closing >= 0 else end + 600]
        field = _ERROR_FIELD.search(window)
        if field is None:
            continue
        path = field.group("path")
        if path is not None:
            last = _LAST_QUOTED.search(path)
            kind = _field_kind(last.group(1)) if last is not None else None
        else:
            kind = _field_kind(field.group("name"))
        value = data[start:end].decode("utf-8", "replace")
        if kind is not None and not _marked(data, start, end) and is_secret_value(kind, value):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _command_output_spans(data: bytes) -> Iterator[Span]:
    """The output line of a command that prints a credential (`_COMMAND_OUTPUT`): after a prompt or a tool that
    reads secrets, a command naming a credential or reading a secret store, and one value of a password's shape;
    a value told on the line after a sentence naming it (`_VALUE_AFTER_SENTENCE`) and a value the sentence after
    it names (`_VALUE_NAMED_AFTER`)."""
    matches = list(_COMMAND_OUTPUT.finditer(data)) if _COMMAND_LINE.search(data) else []
    if b"$ " in data or b"+ " in data:
        matches += _PREFIXED_COMMAND_OUTPUT.finditer(data)
    for match in matches:
        command = match.group(b"command")
        tool = command.split(None, 1)[0].rsplit(b"/", 1)[-1].decode("utf-8", "replace")
        if _span(match, b"prompt")[0] < 0 and tool not in SECRET_TOOLS:
            continue
        names = any(
            key_class(argument.decode("utf-8", "replace").lstrip("-.")) in ("password", "token")
            for argument in _COMMAND_ARGUMENT.findall(command)
            if not _FILE_EXTENSION.search(argument)
        )
        start, end = _span(match, b"bare")
        value = data[start:end].decode("utf-8", "replace")
        if (
            (names or _SECRET_READS.search(command))
            and _password_like(value)
            and not _marked(data, start, end)
        ):
            yield start, end, "password", _CONTEXT
    sentence = b"alue" in data or b"esult" in data or b"utput" in data
    for match in _VALUE_AFTER_SENTENCE.finditer(data) if sentence else ():
        kind = key_class(match.group(b"key").decode("utf-8", "replace"))
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        if kind in ("password", "token") and _password_like(value) and not _marked(data, start, end):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT
    named_after = b"his " in data or b"HIS " in data or b"hat " in data or b"bove " in data
    for match in _VALUE_NAMED_AFTER.finditer(data) if named_after else ():
        start, end = _span(match, b"bare")
        kind = key_class(match.group(b"key").decode("utf-8", "replace"))
        value = data[start:end].decode("utf-8", "replace")
        if kind in ("password", "token") and _password_like(value) and not _marked(data, start, end):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


# A key's fingerprint as OpenSSH prints it (`SHA256:` and unpadded base64 of the digest, `MD5:` and hex pairs) or
# GnuPG and ssh-keygen `-E md5` write it: a digest of the public key.
_KEY_FINGERPRINT = compile_regex(
    r"SHA256:[A-Za-z0-9+/]{43}|SHA1:[A-Za-z0-9+/]{27}|SHA384:[A-Za-z0-9+/]{64}|SHA512:[A-Za-z0-9+/]{86}"
    r"|MD5:[0-9a-f]{2}(?::[0-9a-f]{2}){15}"
)


_BRACKETS = ((b"]", b"["), (b")", b"("), (b"}", b"{"))


def _closes_the_phrase(phrase: bytes, value: bytes) -> int:
    """1 when the value's last character closes a bracket the words before it opened, not one of its own: the
    `]` of `… not authorized to perform this action. [subscription: projects/p/subscriptions/s]`; else 0."""
    for closer, opener in _BRACKETS:
        if value.endswith(closer) and value.count(opener) < value.count(closer):
            return int(phrase.count(opener) > phrase.count(closer))
    return 0


def _answer_line_spans(data: bytes) -> Iterator[Span]:
    """The values `_ANSWER_LINE` finds after a name of a credential: quoted, or of a password's shape."""
    for match in _ANSWER_LINE.finditer(data):
        key = match.group(b"key") or match.group(b"rkey")
        kind = key_class(key.decode("utf-8", "replace"))
        start, end = _value_group(match)
        end -= _closes_the_phrase(data[match.start() : start], data[start:end])
        value = data[start:end].decode("utf-8", "replace")
        if kind is None or _marked(data, start, end) or _placeholder(value):
            continue
        if kind != "password" and _KEY_FINGERPRINT.fullmatch(value.rstrip(".")):
            continue  # `Host key for X has changed:` then its fingerprint: public, what a key is known by
        if _span(match, b"bare")[0] < 0 or _password_like(value):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _credential_pair_spans(data: bytes) -> Iterator[Span]:
    """The second of two credentials an authentication call takes; after a variable, only a password's shape."""
    for match in _CREDENTIAL_PAIR.finditer(data):
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        if (_span(match, b"variable")[0] >= 0 or _span(match, b"creation")[0] >= 0) and (
            " " in value or not _password_like(value)
        ):
            continue  # `login(request, "Invalid credentials")`, `authenticate(req, "admin")`, `addUser('bob', 'admin')`
        if _SECRET_VARIABLE_NAME.fullmatch(value):
            continue  # Ansible's `lookup('env', 'MYSQL_PASSWORD')`: the variable's name, read at run time
        if not _marked(data, start, end):
            yield start, end, "password", _CONTEXT


# A template's default for a credential, used whenever its variable is unset: Jinja's and Ansible's
# `| default('X')`, Helm's `| default "X"`, dbt's `env_var('DB_PASSWORD', 'X')`
_TEMPLATE_DEFAULT = _Deferred(
    rb"\{\{[^{}\r\n]{0,256}?(?:\|[ \t]{0,4}default[ \t]{0,4}\(?[ \t]{0,4}"
    rb"|env_var\([ \t]{0,4}(?:'[^'\r\n]{1,128}'|\"[^\"\r\n]{1,128}\")[ \t]{0,4},[ \t]{0,4})"
    rb"(?:'(?P<sq>[^'\r\n]{1,256})'|\"(?P<dq>[^\"\r\n]{1,256})\")"
)
_TEMPLATE_NAME = compile_regex(rb"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


def _template_default_spans(data: bytes) -> Iterator[Span]:
    """The default of a template (`_TEMPLATE_DEFAULT`) whose line names a credential before it: the key it is
    given to (`password: "{{ … | default('X') }}"`) or the variable it stands in for (`lookup('env', 'DB_PASSWORD')`)."""
    for match in _TEMPLATE_DEFAULT.finditer(data):
        start, end = _value_group(match)
        line_start = data.rfind(b"\n", 0, match.start()) + 1
        kinds = [key_class(name.decode()) for name in _TEMPLATE_NAME.findall(data, line_start, start)]
        kind = next((kind for kind in reversed(kinds) if kind in ("password", "token")), None)
        value = data[start:end].decode("utf-8", "replace")
        if kind is not None and is_secret_value(kind, value) and not _marked(data, start, end):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


def _user_then_password_spans(data: bytes) -> Iterator[Span]:
    """The values of `_USER_THEN_PASSWORD` that are not a number, a port mapping, a path or a word."""
    for match in _USER_THEN_PASSWORD.finditer(data):
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        if _password_like(value) and not re.fullmatch(r"[\d:./-]+", value) and not _marked(data, start, end):
            yield start, end, "password", _CONTEXT


def _tool_secret_spans(data: bytes, present: frozenset[bytes]) -> Iterator[Span]:
    scanned = 0
    for match in _TOOL.finditer(data) if not present.isdisjoint(_TOOL_GATES[:-1]) else ():
        tool = match.group(b"tool").lower()
        key = (
            b"zip"
            if tool.endswith(b"zip") or tool == b"zipcloak"
            else tool[:2]
            if tool.startswith(b"7z")
            else b"rar"
            if tool.endswith(b"rar")
            else tool
        )
        flags = _TOOL_FLAGS[next(k for k in _TOOL_FLAGS if key.startswith(k))]
        line_end = data.find(b"\n", match.end(), match.end() + 1024)
        line_end = min(len(data), match.end() + 1024) if line_end < 0 else line_end
        if (
            tool.startswith(b"aws")
            and b"securestring" not in data[match.end() : line_end].lower()
            and not (
                (named := _PARAMETER_NAME.search(data, match.end() - 1, line_end)) is not None
                and key_class(named.group("name").decode("utf-8", "replace")) is not None
            )
        ):
            continue  # a parameter's value, not a secret's
        for flag in flags.finditer(data, max(match.end() - 1, scanned), line_end):
            start, end = next(flag.span(g) for g in ("sq", "dq", "bare") if flag.start(g) >= 0)
            if not _marked(data, start, end):
                yield start, end, "token" if key == b"codecov" else "password", _CONTEXT
        scanned = max(scanned, line_end)
    if b"-t" in present:
        for match in _TOKEN_FLAG.finditer(data):
            value = match.group(b"cred").decode("ascii", "replace")
            start, end = _span(match, b"cred")
            line_start = data.rfind(b"\n", max(0, start - 256), start) + 1 or max(0, start - 256)
            generated = len(value) >= 12 and _prose_secret(value) and "/" not in value and ":" not in value
            if (
                _UUID.match(value)
                or generated
                or (_AUTH_COMMAND_WORD.search(data, line_start, start) and _positional_secret(value))
            ):
                yield start, end, "token", _CONTEXT


def _dsn_spans(data: bytes) -> Iterator[Span]:
    for match in _DSN.finditer(data):
        user_start, user_end = _span(match, b"user")
        if _token_user(data[user_start:user_end].decode("utf-8", "replace")):
            yield user_start, user_end, "token", _CONTEXT
        if _span(match, b"cred")[0] < 0:
            continue
        value = match.group(b"cred").decode("utf-8", "replace")
        if "://" in value or value.startswith(MARKER_PREFIX) or _placeholder(value):
            continue  # `postgres://app:${DB_PASSWORD}@db`: the variable, unexpanded, is the problem to see
        start, end = _span(match, b"cred")
        # a password holding `@` runs to the last `@` before the host (`app:Tr0ub@dor@db:3306`), over a `#` too:
        # a host has none, and a fragment holding `@` is rarer than the password that made the URL unparsable
        while (more := _AT_IN_PASSWORD.match(data, end + 1, end + 257)) is not None and not _authority(more):
            end = more.end() - 1
        if _PORT_LIKE.match(value) and not _port_like_password(data, start, end, user_start == user_end):
            continue
        yield start, end, "password", _CONTEXT


# What may follow a password's `@` before the next `@`: a piece with `:` or `/` is the password's when it is
# not a host (and port) then a path (`app:Kq8@Wz5Lp2Xv9:Rt4@cache`, not `app:X@cdn.example/npm/pkg@1.0`)
_AT_IN_PASSWORD = compile_regex(rb"[^\s@?\"'<>]{1,128}@")
_AUTHORITY = compile_regex(
    rb"(?:(?:[a-z0-9.-]{1,253}|[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}|\[[0-9A-Fa-f:.]{2,45}\])"
    rb"(?::\d{1,5})?,?){1,16}(?:/|@$)"
)


def _authority(piece: Any) -> bool:
    """Whether a piece between two `@`s that holds a `:` or `/` starts with a host (and port): the URL's own."""
    text = piece.group(0)
    return (b":" in text or b"/" in text) and _AUTHORITY.match(text) is not None


def _host_with_port(data: bytes, position: int) -> Any:
    """The host (not a digest's algorithm) and port that start at `position`, or None."""
    host = _HOST_WITH_PORT.match(data, position)
    return host if host is not None and host.group("host").lower() not in _DIGEST_HOSTS else None


def _port_like_password(data: bytes, start: int, end: int, no_user: bool) -> bool:
    """Whether a value after a URL's user that starts as a port (`:2024#X@`, `:443/X@`, `:12 Quiet Harbor@`,
    `:20/Kx7/Qp2+Zt@`) is its password: the host after the `@` names its own port, and a value with a blank ends
    the URL there. After no user (`redis://:4821 Quiet Harbor@cache:6379 refused`) there is no host whose port the
    digits could be: the value is the password whatever it holds and whatever follows the URL."""
    value = data[start:end]
    text = value.decode("utf-8", "replace")
    if not no_user and _PORT_LIKE_PASSWORD.match(text) is None and not _generated_path(text):
        return False
    host = _host_with_port(data, end + 1)
    if host is None or data[host.end() : host.end() + 1] == b"@" or _PORT_GOES_ON.match(data, host.end()):
        return False
    return no_user or not any(c in value for c in b" \t") or _URL_END.match(data, host.end()) is not None


def _generated_path(value: str) -> bool:
    """Whether what follows a value's leading digits is a generated secret's slashes (an AWS secret key's
    `20/Kx7/Qp2+Zt`), not a path's segments (`443/v2/orders/8f3a/items/ops`): every segment a run that mixes
    letters with digits or `+`, or cases within it, none a word."""
    _, slash, rest = value.partition("/")
    return bool(slash) and all(_generated_segment(segment) for segment in rest.split("/"))


def _generated_segment(segment: str) -> bool:
    letters = any(c.isalpha() for c in segment)
    return letters and (
        "+" in segment
        or any(c.isdigit() for c in segment)
        or (any(c.isupper() for c in segment[1:]) and any(c.islower() for c in segment))
    )


def _token_user(user: str) -> bool:
    """Whether a URL's user is a token (`https://<token>@github.com/…`, `https://<token>:x-oauth-basic@…`, a Sentry
    DSN's key): a generated value, or hex of 32 digits or more."""
    if not 16 <= len(user) <= 256 or user.startswith(MARKER_PREFIX):
        return False
    return (len(user) >= 32 and _HEX.match(user) is not None) or looks_generated(user) or _prose_secret(user)


def _php_serialized_spans(data: bytes) -> Iterator[Span]:
    for match in _PHP_SERIALIZED.finditer(data):
        start = match.end()
        end = start + int(match.group(b"length"))
        if data[end : end + 2] != b'";':
            continue  # not the length PHP wrote (a log cut the value, or escaped it): no value read
        kind = key_class(match.group(b"key").decode("utf-8", "replace"))
        if (
            kind
            and is_secret_value(kind, data[start:end].decode("utf-8", "replace"))
            and not _marked(data, start, end)
        ):
            yield start, end, kind, _CONTEXT


# A wallet's recovery words after their name in prose (`checksum mismatch for mnemonic "abandon …"`): 12, 15, 18, 21
# or 24 lower-case words (BIP39). A name with a separator (`mnemonic: …`) is `_KEY_VALUE`'s.
_MNEMONIC_PHRASE = _Deferred(
    rb"(?i:mnemonic|(?:seed|recovery|backup|secret)[ _-]?(?:phrase|words))s?[^\r\n\"'\[(]{0,32}?[ \"'\[(]"
    rb"(?P<words>[a-z]{3,8}(?:,?[ ][a-z]{3,8}){11,23})\b"
)


def _mnemonic_spans(data: bytes) -> Iterator[Span]:
    for match in _MNEMONIC_PHRASE.finditer(data):
        start, end = _span(match, b"words")
        words = list(re.finditer(rb"[a-z]+", data[start:end]))
        # the longest phrase of a length BIP39 allows (prose may follow it: `… pioneer failed`)
        count = max(n for n in (0, 12, 15, 18, 21, 24) if n <= len(words))
        if count and not _marked(data, start, end):
            yield start, start + words[count - 1].end(), "password", _CONTEXT


# Tools and services that echo a value with the name it was given under, in their own syntax:
# - Azure Pipelines' logging command `##vso[task.setvariable variable=NAME;…]X`;
# - GraphQL's `Variable "$password" got invalid value "X"`;
# - Elasticsearch's `failed to parse field [user.password] … Preview of field's value: 'X'`;
# - Kafka's `ConfigException: Invalid value X for configuration ssl.keystore.password`;
# - a CLI that sets a variable from a name and a value (`netlify env:set NAME X`, `doppler secrets set NAME X`).
_ECHOED_VALUES: tuple[tuple[tuple[bytes, ...], _Deferred], ...] = (
    (
        (b"##vso[",),
        _Deferred(
            rb"##vso\[task\.setvariable[ \t]{1,8}variable=(?P<key>[^;\]\r\n]{1,128})(?:;[^\]\r\n]{0,256})?\]"
            rb"(?P<bare>[^\r\n]{1,512})"
        ),
    ),
    (
        (b"got invalid value",),
        _Deferred(
            rb"[Vv]ariable \\?\"\$(?P<key>[A-Za-z_][A-Za-z0-9_]{0,127})\\?\" got invalid value "
            rb"(?:\\?\"(?P<dq>(?:[^\"\\\r\n]|\\[^\"\r\n])*)\\?\"|(?P<bare>[^\s;]{1,512}))"
        ),
    ),
    (
        (b"Preview of field",),
        _Deferred(
            rb"failed to parse field \[(?P<key>[^\]\r\n]{1,128})\][^\r\n]{0,256}?Preview of field's value: "
            rb"'(?P<sq>[^'\r\n]{1,512})'"
        ),
    ),
    (
        (b"for configuration",),
        _Deferred(rb"Invalid value (?P<bare>[^\s]{1,512}) for configuration (?P<key>[A-Za-z0-9_.-]{1,128})"),
    ),
    (
        (b"env:set", b"secrets set", b"env set"),
        _Deferred(
            rb"(?:\benv:set|\b(?:secrets|env)[ \t]{1,4}set)[ \t]{1,8}(?P<key>[A-Za-z_][A-Za-z0-9_.-]{0,127})[ \t]{1,8}"
            rb"(?:\"(?P<dq>[^\"\r\n]{1,512})\"|'(?P<sq>[^'\r\n]{1,512})'|(?P<bare>[^\s\"'=-][^\s\"']{0,511}))"
        ),
    ),
)
# Azure Key Vault's secret bundle: its `value` beside its `id`, the secret's URL that names it, in either order
_KEY_VAULT_BUNDLE = _Deferred(
    rb"\\?\"value\\?\"[ \t]{0,4}:[ \t]{0,4}\\?\"(?P<dq>(?:[^\"\\\r\n]|\\[^\"\r\n]){1,1000})\\?\"[^{}]{0,256}?"
    rb"\\?\"id\\?\"[ \t]{0,4}:[ \t]{0,4}\\?\"https://[^\"/\s]{1,128}/secrets/(?P<key>[^\"/\s\\]{1,128})"
    rb"|\\?\"id\\?\"[ \t]{0,4}:[ \t]{0,4}\\?\"https://[^\"/\s]{1,128}/secrets/(?P<key2>[^\"/\s\\]{1,128})[^{}]{0,256}?"
    rb"\\?\"value\\?\"[ \t]{0,4}:[ \t]{0,4}\\?\"(?P<sq>(?:[^\"\\\r\n]|\\[^\"\r\n]){1,1000})\\?\""
)


def _key_vault_spans(data: bytes) -> Iterator[Span]:
    for match in _KEY_VAULT_BUNDLE.finditer(data):
        key = match.group(b"key") or match.group(b"key2")
        kind = key_class(key.decode("utf-8", "replace"))
        start, end = _value_group(match)
        if (
            kind
            and is_secret_value(kind, data[start:end].decode("utf-8", "replace"))
            and not _marked(data, start, end)
        ):
            yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


# A validation error of jsonschema: the value opens its message, its path ends it (`'X' is too short` … `On
# instance['password']:`)
_SCHEMA_ERROR_VALUE = _Deferred(
    rb"ValidationError: (?:'(?P<sq>(?:[^'\\\r\n]|\\.){1,512})'|\"(?P<dq>(?:[^\"\\\r\n]|\\.){1,512})\") "
)
_SCHEMA_ERROR_PATH = _Deferred(
    rb"(?:On instance|\['properties'\])(?:\[[^\]\r\n]{1,130}\])*\['(?P<key>[^'\r\n]{1,128})'\]"
)


def _echoed_value_spans(data: bytes) -> Iterator[Span]:
    for gates, pattern in _ECHOED_VALUES:
        if not any(data.find(gate) >= 0 for gate in gates):
            continue
        for match in pattern.finditer(data):
            key = match.group(b"key").decode("utf-8", "replace").rsplit(".", 1)[-1]
            start, end = _value_group(match)
            kind = key_class(key)
            value = data[start:end].decode("utf-8", "replace").strip()
            if kind and start >= 0 and is_secret_value(kind, value) and not _marked(data, start, end):
                yield start, end, _KIND_OF_CLASS[kind], _CONTEXT
    if b"ValidationError: " in data and (path := _SCHEMA_ERROR_PATH.search(data)) is not None:
        kind = key_class(path.group(b"key").decode("utf-8", "replace"))
        value_match = _SCHEMA_ERROR_VALUE.search(data)
        if kind and value_match is not None:
            start, end = _value_group(value_match)
            if is_secret_value(kind, data[start:end].decode("utf-8", "replace")) and not _marked(
                data, start, end
            ):
                yield start, end, _KIND_OF_CLASS[kind], _CONTEXT


# A PPP secrets file's line (`/etc/ppp/chap-secrets`, `pap-secrets`): client, server, secret, addresses, where a
# quoted client is served by any server (`"acme-dsl" * "X" *`); Squid's `cache_peer … login=USER:X`
_PPP_SECRET = _Deferred(
    rb"(?m)^[ \t]{0,8}\"?[^\s\"#]{1,64}\"?[ \t]{1,8}\*[ \t]{1,8}\"(?P<dq>[^\"\r\n]{1,256})\""
)
_LOGIN_OPTION = _Deferred(rb"(?:^|[ \t])login=[^\s:=]{1,64}:(?P<bare>[^\s]{1,256})")


def _option_login_spans(data: bytes) -> Iterator[Span]:
    for pattern in (_PPP_SECRET, _LOGIN_OPTION) if b' * "' in data else (_LOGIN_OPTION,):
        for match in pattern.finditer(data):
            start, end = _value_group(match)
            if _password_like(data[start:end].decode("utf-8", "replace")) and not _marked(data, start, end):
                yield start, end, "password", _CONTEXT


# Windows password hashes as dumping tools print them, each a credential by itself (pass-the-hash, offline
# cracking): the SAM's `user:rid:LM:NT:::` (secretsdump, pwdump; the NT hash of an empty password,
# `31d6cfe0…`, stays: it says the password is empty), a captured NetNTLMv1/v2 response `user::DOMAIN:challenge:…`.
_SAM_HASH = _Deferred(
    rb"(?m)^(?:\[\*\][ \t])?[^\s:]{1,64}:\d{1,10}:[0-9A-Fa-f]{32}:(?P<bare>[0-9A-Fa-f]{32}):::"
)
_NET_NTLM = _Deferred(
    rb"(?:^|[\s])[^\s:]{1,64}::[^\s:]{0,64}:[0-9A-Fa-f]{16}:(?P<bare>[0-9A-Fa-f]{32,48}:[0-9A-Fa-f]{16,})"
)
_EMPTY_NT_HASH = b"31d6cfe0d16ae931b73c59d7e0c089c0"


def _windows_hash_spans(data: bytes) -> Iterator[Span]:
    for pattern in (_SAM_HASH, _NET_NTLM) if b"::" in data else ():
        for match in pattern.finditer(data):
            start, end = _value_group(match)
            if data[start:end].lower() != _EMPTY_NT_HASH and not _marked(data, start, end):
                yield start, end, "password", _CONTEXT


def _sip_spans(data: bytes) -> Iterator[Span]:
    for match in _SIP_USERINFO.finditer(data):
        start, end = _span(match, b"cred")
        value = data[start:end].decode("utf-8", "replace")
        if not value.isdigit() and not _placeholder(value) and not _marked(data, start, end):
            yield start, end, "password", _CONTEXT


def _email_password_spans(data: bytes) -> Iterator[Span]:
    for match in _EMAIL_PASSWORD.finditer(data):
        start, end = _span(match, b"cred")
        if _password_like(data[start:end].decode("utf-8", "replace")) and not _marked(data, start, end):
            yield start, end, "password", _CONTEXT


def _short_host(data: bytes, match: Any, value: str) -> bool:
    """Whether `user:X@host`, its host one label, is a login: the address ends there and X looks like a
    password."""
    host = match.group(b"host")
    return (
        host.lower() not in _DIGEST_HOSTS
        and _SHORT_HOST_END.match(data, match.end()) is not None
        and _password_like(value)
    )


def _userinfo_spans(data: bytes) -> Iterator[Span]:
    for match in _USERINFO.finditer(data):
        user = match.group(b"user").lower()
        host = match.group(b"host")
        value = match.group(b"cred").decode("utf-8", "replace")
        if user in _NOT_USERS:
            continue
        if not (b"." in host or host == b"localhost" or host.endswith(b"(")) and not _short_host(
            data, match, value
        ):
            continue
        lower_only = value.isalpha() and value.islower()
        if lower_only or value.isdigit() or value.startswith(MARKER_PREFIX) or _placeholder(value):
            continue  # a word or a number (`origin:git@github.com`) is no password
        yield (*_span(match, b"cred"), "password", _CONTEXT)


# A file's name in a flag: `--key-file`, `--password-file`, `--token-path`, `--passphrase-fd`.
_FILE_NAME_END = compile_regex(r"(?i)[-_.]?(?:file|path|fd)$")
_ECHOED = (b"<(echo", b"<(printf")


def _process_substitution_spans(data: bytes) -> Iterator[Span]:
    for match in _PROCESS_SUBSTITUTION.finditer(data):
        key = match.group(b"key").decode("utf-8", "replace").lstrip("-")
        credential = key_class(key) is not None
        if not credential and match.group(b"value").startswith(_ECHOED):
            # a credential's file filled with a literal (`--key-file=<(echo -n X)`): what it prints is the file
            credential = key_class(_FILE_NAME_END.sub("", key)) is not None
        if credential:
            yield (*_span(match, b"value"), "password", _CONTEXT)


def _piped_spans(data: bytes) -> Iterator[Span]:
    matches = _PIPED.finditer(data) if b"|" in data else iter(())
    here_strings = _HERE_STRING.finditer(data) if b"<<<" in data else iter(())
    for match in itertools.chain(matches, here_strings):
        if _READS_SECRET.search(match.group(b"command")) is None:
            continue
        start, end = _value_group(match)
        value = data[start:end].decode("utf-8", "replace")
        if not value.startswith("$") and not _placeholder(value) and not _marked(data, start, end):
            yield start, end, "password", _CONTEXT


# A command that takes a credential as a positional argument: a subcommand named after the credential it takes
# (`gcloud auth activate-refresh-token [ACCOUNT] TOKEN`, `ngrok config add-authtoken TOKEN`, `tool set-password
# X`), `vault login TOKEN`, and the password hashers `openssl passwd … PASSWORD` and `mkpasswd … PASSWORD`. Its
# arguments up to the command's end, those that look like a credential (not a flag, a word, an address, a
# `name=value`, a variable: `vault login -method=oidc`, `--project acme`, `-m sha-512`).
_CREDENTIAL_COMMAND = _Deferred(
    rb"(?:^|[\s\"'`(;|&])(?:[a-z][a-z0-9]{0,31}(?:-[a-z0-9]{1,32}){0,4}-(?:auth-?token|token|password|passwd|passphrase"
    rb"|secret|api-?key)|vault[ \t]{1,8}(?:login|auth)|openssl[ \t]{1,8}passwd|mkpasswd)"
    rb"(?P<args>(?:[ \t]{1,8}[^\s\"'|;&<>`]+){1,6})"
)
_COMMAND_ARGUMENT = compile_regex(rb"[^\s]+")
# Words that make `-t` a token's flag: an authentication command (`doctl auth init -t X`, `… login -t X`).
_AUTH_COMMAND_WORD = compile_regex(rb"(?i)(?:^|[\s\"'`])(?:auth|login|authenticate|token)(?:[\s\"'`]|$)")


def _positional_secret(value: str) -> bool:
    """Whether a command's positional argument looks like a credential."""
    return not (
        value.startswith(("-", MARKER_PREFIX))
        or "=" in value
        or _WORDS_AND_NUMBERS.fullmatch(value)
        or _placeholder(value)
        or not _password_like(value)
    )


def _credential_command_spans(data: bytes) -> Iterator[Span]:
    """The arguments of `_CREDENTIAL_COMMAND` that look like a credential, up to a word that starts a clause (the
    words are then prose: `invalid username-password pair or user is disabled`)."""
    for match in _CREDENTIAL_COMMAND.finditer(data):
        offset = _span(match, b"args")[0]
        for argument in _COMMAND_ARGUMENT.finditer(match.group(b"args")):
            value = argument.group(0).rstrip(b".,:").decode("utf-8", "replace")
            if value.lower() in _CLAUSE_WORDS or value.lower() in ("the", "a", "an", "not", "no"):
                break
            if _positional_secret(value):
                yield (
                    offset + argument.start(),
                    offset + argument.start() + len(value.encode()),
                    "token",
                    _CONTEXT,
                )


def _positional_spans(data: bytes, present: frozenset[bytes]) -> Iterator[Span]:
    patterns = [_POSITIONAL] if not present.isdisjoint(_POSITIONAL_GATES) else []
    patterns += [_SLASH_PASSWORD] if not present.isdisjoint(_SLASH_GATES) else []
    patterns += [_ORACLE_LOGON] if not present.isdisjoint(_ORACLE_GATES) else []
    auth = not present.isdisjoint(_AUTH_GATES)
    patterns += [_AUTH_COMMAND] if auth else []
    for pattern in patterns:
        for match in pattern.finditer(data):
            digest = _span(match, b"digest") if pattern is _POSITIONAL else (-1, -1)
            values = [digest if digest[0] >= 0 else _value_group(match)]
            second = _span(match, b"second") if pattern is _AUTH_COMMAND else (-1, -1)
            if second[0] >= 0:
                start, end = second
                quoted = data[start : start + 1] in (b'"', b"'")
                values.append((start + quoted, end - quoted))
            first = data[values[0][0] : values[0][1]].decode("utf-8", "replace")
            if pattern is _AUTH_COMMAND and first.endswith(":") and is_plain_words(first[:-1]):
                continue  # `AUTH failed: WRONGPASS …`: a message about the command
            if pattern is _AUTH_COMMAND and first[:1] in ("=", ":"):
                continue  # `auth = aiohttp.BasicAuth(…)`: an assignment, not the command
            if pattern is _AUTH_COMMAND and b"AUTH" not in data[match.start() : values[0][0]]:
                if first.lower() in _CLAUSE_WORDS or first.lower() in ("using", "via"):
                    continue  # `auth with x509 certificate`: prose about authentication, not the command
                cli = _AUTH_ARGUMENT.match(data, match.start())
                if cli is not None and _cli_auth_token(cli.group(b"cred").decode("ascii", "replace")):
                    continue  # a CLI's `auth <token>` (`snyk auth <uuid>`): `_AUTH_ARGUMENT`'s, a token
            for start, end in values:
                if pattern is _AUTH_COMMAND:
                    end = _code_span_end(data, start, end)
                if pattern is _SLASH_PASSWORD and _PROPERTY.match(data, start, end):
                    continue
                if pattern is _ORACLE_LOGON and _ORACLE_ERROR_CODE.fullmatch(data, start, end):
                    continue  # `sqlplus reports/ORA-01017`: an error's code, no password
                if data[start : start + 2] == b"--":
                    continue  # `drush user:password admin --password=X`: a flag, whose own rule reads its value
                if _password_like(data[start:end].decode("utf-8", "replace")) and not _marked(
                    data, start, end
                ):
                    yield start, end, "password", _CONTEXT
    for match in _ACL_SETUSER.finditer(data) if not present.isdisjoint(_ACL_GATES) else ():
        line_end = data.find(b"\n", match.end())
        for rule in _ACL_PASSWORD_RULE.finditer(data, match.end(), len(data) if line_end < 0 else line_end):
            start, end = rule.span("acl")
            if not _marked(data, start, end):
                yield start, end, "password", _CONTEXT
    for match in _AUTH_ARGUMENT.finditer(data) if auth else ():
        if _cli_auth_token(match.group(b"cred").decode("ascii", "replace")):
            start, end = _span(match, b"cred")
            if not _marked(data, start, end):
                yield start, end, "token", _CONTEXT


def _code_span_end(data: bytes, start: int, end: int) -> int:
    """Where a command's argument at `start:end` ends when the command is quoted as inline code in prose (run
    'gcloud auth application-default login' between backticks, a library's hint in its own error): at the code
    span's closing backtick, when one opened before it on its line; else `end`."""
    tick = data.find(b"`", start, end)
    if tick <= start:
        return end
    line_start = data.rfind(b"\n", 0, start) + 1
    return tick if data.count(b"`", line_start, start) % 2 == 1 else end


def _cli_auth_token(value: str) -> bool:
    """Whether a CLI's `auth <value>` is a token: a UUID or a generated value."""
    return _UUID.match(value) is not None or _prose_secret(value)


# Free text that tells of a login with a credential: an authentication verb, at most six words of its clause, then
# `with`, `using` or `via` and the value (`login as admin with X failed`, `authenticating user bob with X`, `signing
# in alice using X`, `unlocked the vault with X`); a user and the value with a slash between them (`auth failed:
# admin / X`); a call written with bare arguments (`login(admin, X) -> 401`); or `pass X` after a user's field
# (`user=bob pass X denied`). Not an authentication method (`with OAuth2`, `using SCRAM-SHA-256`, `via SSO`), a
# word, a number, an address, a name or a variable.
_LOGIN_VERB = (
    rb"(?i)(?:^|[^A-Za-z0-9_])(?:(?:log(?:s|ged|ging)?|sign(?:s|ed|ing)?)[ \t_-]?(?:in|on)|auth(?:n|enticat[a-z]{0,6})?"
    rb"|unlock(?:s|ed|ing)?)"
)
# (unbounded repetitions: RE2 compiles each bound's copies, and its matching is linear whatever the pattern; a
# value longer than `_LOGIN_LONGEST` is passed over)
_LOGIN_VALUE = rb"(?:\"[^\"\r\n]+\"|'[^'\r\n]+'|[^\s\"'`,;()\[\]{}<>]{4}[^\s\"'`,;()\[\]{}<>]*)"
_LOGIN_WORD = rb"[ \t]+[^\s.;!?()\[\]{}<>|/]+"
_LOGIN = _Deferred(
    _LOGIN_VERB
    + rb"(?:(?:"
    + _LOGIN_WORD
    + rb"){0,6}?[ \t]+(?:with|using|via)[ \t]+(?P<with>"
    + _LOGIN_VALUE
    + rb")"
    rb"|(?:" + _LOGIN_WORD + rb"){0,6}?[ \t]+[A-Za-z][\w.-]*[ \t]+/[ \t]+(?P<pair>" + _LOGIN_VALUE + rb")"
    rb"|[a-z_]*\([ \t]*[A-Za-z][\w.@-]*[ \t]*,[ \t]*(?P<call>[^\s\"'`,()]{4}[^\s\"'`,()]*)[ \t]*\))"
    rb"|(?i:\buser(?:name)?[=:][ \t]*[^\s,;]+[ \t,;]+(?:pass|pw|pwd))[ \t]+(?P<pass>" + _LOGIN_VALUE + rb")"
)
_LOGIN_LONGEST = 128
# Authentication methods, protocols and key types, with a version or a variant (`OAuth2`, `LDAPv3`, `TLS1.3`,
# `SCRAM-SHA-256`, `Kerberos5`, `x509`, `ed25519`).
_AUTH_METHOD = compile_regex(
    r"(?i)(?:o?auth|saml|sso|ldaps?|kerberos|krb|ntlm|mfa|2fa|totp|hotp|otp|jwt|oidc|openid|x\.?509|pkcs|webauthn|fido"
    r"|u2f|passkeys?|m?tls|ssl|ssh|gssapi|scram|cram|digest|plain|xoauth|sasl|spnego|radius|tacacs|pam|iam|adfs"
    r"|okta|aad|https?|basic|bearer|hmac|sha|md5|rsa|dsa|ecdsa|ed25519|aes|pgp|gpg|yubikey|smartcard|piv|cac)"
    r"(?:[-_./]?v?\d[\w.-]*|[-_][\w.-]*)?"
)
_HOST_NAME = compile_regex(r"(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}")


# An object after a login's word (`auth {"u":"bob","p":X}`, `login failed {u: 'bob', ps: X}`): a member named by a
# short abbreviation of a password, one that no key name reads alone, holds the password
_LOGIN_OBJECT = _Deferred(
    rb"(?i)\b(?:auth|authenticate|(?:log(?:s|ged|ging)?|sign(?:s|ed|ing)?)[ \t_-]?[io]n|basic[ \t_-]auth)"
    rb"(?:[ \t]{1,4}[a-z]{1,16}){0,2}"
    rb"[ \t]{0,8}[:=]?[ \t]{0,8}\{"
)
_PASSWORD_ABBREVIATIONS = frozenset(("p", "ps", "psw", "pas", "pwrd", "pswrd"))
_USER_ABBREVIATIONS = frozenset(("u", "us", "usr", "user", "username", "uname", "un", "login", "email"))


def _login_object_spans(data: bytes) -> Iterator[Span]:
    for match in _LOGIN_OBJECT.finditer(data):
        opening = match.end() - 1
        end = _MAP_END.match(data, opening + 1) if _OBJECT_OPENING.match(data, opening) else None
        if end is None:
            continue
        members = [
            (member.group(1).decode("utf-8", "replace").lower(), member)
            for member in _MAP_MEMBER.finditer(data, opening, end.end())
        ]
        # beside its user (`{"u":"bob","p":"hunter"}`) any value is the password; alone, one of a password's shape
        paired = any(name in _USER_ABBREVIATIONS for name, _ in members)
        for name, member in members:
            if name not in _PASSWORD_ABBREVIATIONS:
                continue
            start, stop = next(member.span(group) for group in (2, 3, 4) if member.start(group) >= 0)
            value = data[start:stop].decode("utf-8", "replace")
            secret = is_secret_value("password", value) if paired else map_member_secret("password", value)
            if secret and not _placeholder(value):
                yield start, stop, "password", _CONTEXT


def _login_spans(data: bytes) -> Iterator[Span]:
    for match in _LOGIN.finditer(data):
        group = next(g for g in (b"with", b"pair", b"call", b"pass") if _span(match, g)[0] >= 0)
        start, end = _span(match, group)
        if data[start : start + 1] in (b'"', b"'"):
            start, end = start + 1, end - 1
        value = data[start:end].rstrip(b".,:").decode("utf-8", "replace")
        if (
            len(value) <= _LOGIN_LONGEST
            and _positional_secret(value)
            and not _AUTH_METHOD.fullmatch(value)
            and not _HOST_NAME.fullmatch(value)
            and not _camel_words(value)
        ):
            yield start, start + len(value.encode()), "password", _CONTEXT


# Calls whose arguments' places are known, with the place (from 0) of the password or secret among them: Go's
# `smtp.PlainAuth(identity, user, X, host)`, Ruby's `Net::SMTP.start(address, port, helo, user, X, type)`,
# `cx_Oracle.connect(user, X, dsn)`, PHP's `mysqli(host, user, X, db)` (also as a stack frame writes it, cut to 15
# characters and `...`), `redis.Redis(host, port, db, X)`, `pika.PlainCredentials(user, X)`, pysnmp's
# `UsmUserData(user, auth_key, priv_key)` and `CommunityData(X)`, `ldap3.Connection(server, dn, X)`, sbt's
# `Credentials(realm, host, user, X)`, Ruby's `Net::FTP.new(host, user, X)`,
# Java's `UsernamePasswordCredentials(user, X)`.
_SIGNATURES = {
    b"smtp.PlainAuth": (2,),
    b"smtp.CRAMMD5Auth": (1,),
    b"Net::SMTP.start": (4,),
    b"cx_Oracle.connect": (1,),
    b"oracledb.connect": (1,),
    b"mysqli->__construct": (2,),
    b"new mysqli": (2,),
    b"mysqli_connect": (2,),
    b"mysqli->real_connect": (2,),
    b"mysqli_real_connect": (3,),
    b"redis.Redis": (3,),
    b"redis.StrictRedis": (3,),
    b"PlainCredentials": (1,),
    b"UsmUserData": (1, 2),
    b"CommunityData": (0, 1),  # pysnmp's community, or its index then the community
    b"UsernamePasswordCredentials": (1,),
    b"Credentials": (3,),  # sbt's `Credentials(realm, host, user, X)`
    b"PasswordAuthentication": (1,),
    b"HTTPBasicAuth": (1,),
    b"HTTPDigestAuth": (1,),
    b"aiohttp.BasicAuth": (1,),
    b"ldap3.Connection": (2,),
    b"Net::FTP.new": (2,),
    b"Net::FTP.open": (2,),
    # PHP's logins as a frame shows their arguments: `imap_open(mailbox, user, X)`, `oci_connect(user, X, db)`,
    # `ssh2_auth_password(session, user, X)`, `ftp_login(ftp, user, X)`, `ldap_bind(link, dn, X)`
    b"imap_open": (2,),
    b"oci_connect": (1,),
    b"oci_pconnect": (1,),
    b"oci_new_connect": (1,),
    b"ssh2_auth_password": (2,),
    b"ftp_login": (2,),
    b"ldap_bind": (2,),
}
# Calls that key a MAC, a cipher, a signature or a password hash, with the places of their keys, as a stack frame
# shows its arguments (PHP cuts each string to 15 characters and `...`: what is left is the key's start) or as a
# traceback's source line writes a literal: PHP's `hash_hmac(algo, data, X)`, `openssl_encrypt(data, cipher, X,
# options, iv)`, libsodium's `(message, nonce, X)`, `password_verify(X, hash)`, Firebase's `JWT::encode(payload, X,
# alg)`, Laravel's `Encrypter->__construct(X, cipher)`, Defuse's `Crypto::encryptWithPassword(text, X)`; Python's
# `hmac.new(X, msg)`, PyJWT's `jwt.encode(payload, X)`, Node's `createHmac(alg, X)`, `jwt.sign(payload, X)`. An
# algorithm, a cipher's name, an IV or a nonce (public by design: each travels beside the ciphertext) is at no such
# place and stays. A key that looks like a test vector (`0123456789abcdef`) is redacted all the same: the place,
# not the shape, says it keys the call.
_KEY_SIGNATURES = {
    b"hash_hmac": (2,),
    b"hash_hmac_file": (2,),
    b"hash_init": (2,),
    b"hash_hkdf": (1,),
    b"hash_pbkdf2": (1,),
    b"openssl_encrypt": (2,),
    b"openssl_decrypt": (2,),
    b"openssl_pbkdf2": (0,),
    b"openssl_pkey_get_private": (1,),
    b"openssl_pkey_export": (2,),
    b"openssl_pkey_export_to_file": (2,),
    b"openssl_pkcs12_read": (2,),
    b"mcrypt_encrypt": (1,),
    b"mcrypt_decrypt": (1,),
    b"sodium_crypto_secretbox": (2,),
    b"sodium_crypto_secretbox_open": (2,),
    b"sodium_crypto_stream_xor": (2,),
    b"sodium_crypto_auth": (1,),
    b"sodium_crypto_auth_verify": (2,),
    b"sodium_crypto_generichash": (1,),
    b"sodium_crypto_pwhash": (1,),
    b"sodium_crypto_pwhash_str": (0,),
    b"sodium_crypto_pwhash_str_verify": (1,),
    b"sodium_crypto_aead_aes256gcm_encrypt": (3,),
    b"sodium_crypto_aead_aes256gcm_decrypt": (3,),
    b"sodium_crypto_aead_chacha20poly1305_encrypt": (3,),
    b"sodium_crypto_aead_chacha20poly1305_decrypt": (3,),
    b"sodium_crypto_aead_chacha20poly1305_ietf_encrypt": (3,),
    b"sodium_crypto_aead_chacha20poly1305_ietf_decrypt": (3,),
    b"sodium_crypto_aead_xchacha20poly1305_ietf_encrypt": (3,),
    b"sodium_crypto_aead_xchacha20poly1305_ietf_decrypt": (3,),
    b"password_hash": (0,),
    b"password_verify": (0, 1),
    b"Hasher->check": (0, 1),
    b"Hasher->make": (0,),
    b"JWT::encode": (1,),
    b"JWT\\Key->__construct": (0,),
    b"Encrypter->__construct": (0,),
    b"Crypto::encryptWithPassword": (1,),
    b"Crypto::decryptWithPassword": (1,),
    b"Key::loadFromAsciiSafeString": (0,),
    b"KeyProtectedByPassword->unlockKey": (0,),
    # SDK clients built with their secrets, as PHP frames show them: AWS's `Credentials(key, X, token)`, Twilio's
    # `Client(sid, X)`, Stripe's `StripeClient(X)`, SendGrid's, Mailgun's, Pusher's `(key, X, app_id)`, Algolia's
    # `SearchClient::create(app_id, X)`, Google's API client's setters
    b"Credentials\\Credentials->__construct": (1, 2),
    b"Rest\\Client->__construct": (1,),
    b"StripeClient->__construct": (0,),
    b"Stripe::setApiKey": (0,),
    b"SendGrid->__construct": (0,),
    b"Mailgun::create": (0,),
    b"Pusher->__construct": (1,),
    b"SearchClient::create": (1,),
    b"Client->setDeveloperKey": (0,),
    b"Client->setClientSecret": (0,),
    b"hmac.new": (0,),
    b"jwt.encode": (1,),
    b"jwt.decode": (1,),
    b"createHmac": (1,),
    b"createCipheriv": (1,),
    b"createDecipheriv": (1,),
    b"jwt.sign": (1,),
    b"jwt.verify": (1,),
}
# Erlang's `crypto` (OTP's signatures: `mac(Type, SubType, Key, Data)`, `crypto_one_time(Cipher, Key, IV, Data,
# Flag)`), as its traces write a call: `crypto:mac(hmac,sha256,<<"X">>,<<"data">>)` (`called as`), Elixir's
# `:crypto.mac(:hmac, :sha256, "X", "data")`, and a crash report's stack entry `{crypto,mac,[hmac,sha256,<<"X">>,…],…}`
_ERLANG_CRYPTO = {
    b"mac": (2,),
    b"mac_init": (2,),
    b"macN": (2,),
    b"hmac": (1,),
    b"hmac_init": (1,),
    b"crypto_one_time": (1,),
    b"crypto_one_time_aead": (1,),
    b"crypto_init": (1,),
    b"crypto_dyn_iv_init": (1,),
    b"block_encrypt": (1,),
    b"block_decrypt": (1,),
    b"pbkdf2_hmac": (1,),
}
_KEY_SIGNATURES.update(
    (b"crypto" + separator + name + end, places)
    for name, places in _ERLANG_CRYPTO.items()
    for separator, end in ((b":", b""), (b".", b""), (b",", b","))
)
_SIGNATURE_CALLEES = (*_SIGNATURES, *_KEY_SIGNATURES)
_SIGNATURE_CALL = _Deferred(
    rb"(?P<callee>"
    + b"|".join(re.escape(c) for c in sorted(_SIGNATURE_CALLEES, key=len, reverse=True))
    + rb")(?:\((?P<args>[^()\r\n]{1,1000})\)|\[(?P<list>[^\[\]\r\n]{1,1000})\])"
)
_CUT_ARGUMENT = compile_regex(rb"\.\.\.'?$")


def _signature_spans(data: bytes) -> Iterator[Span]:
    for match in _SIGNATURE_CALL.finditer(data):
        callee = match.group(b"callee")
        group = b"list" if callee.endswith(b",") else b"args"  # `{crypto,mac,[…]`: the list of its arguments
        if match.group(group) is None:
            continue
        args_start = _span(match, group)[0]
        arguments = list(_CALL_ARGUMENT.finditer(match.group(group)))
        keyed = callee in _KEY_SIGNATURES
        for place in _KEY_SIGNATURES[callee] if keyed else _SIGNATURES[callee]:
            if place >= len(arguments) or arguments[place].group(0)[:1] not in (b"'", b'"', b"<"):
                continue
            start = args_start + arguments[place].start() + 1
            end = args_start + arguments[place].end() - 1
            if data[start - 1 : start] == b"<":
                start, end = start + 2, end - 2  # an Erlang binary, `<<"X">>`
            if data[end - 3 : end] == b"...":
                end -= 3  # PHP cuts a frame's string arguments at 15 characters: what is left is the secret's start
            value = data[start:end].decode("utf-8", "replace")
            if _marked(data, start, end):
                continue
            if keyed and len(value) >= 4 and not _placeholder(value):
                yield start, end, "secret", _CONTEXT  # a key whatever its shape: a word keys a MAC as well
            elif not keyed and _password_like(value):
                yield start, end, "password", _CONTEXT


def _connect_call_spans(data: bytes) -> Iterator[Span]:
    for match in _CONNECT_CALL.finditer(data):
        args_start = _span(match, b"args")[0]
        arguments = list(_CALL_ARGUMENT.finditer(match.group(b"args")))
        if match.group(b"callee").lower().endswith(b"__construct") and not (
            arguments and _DSN_ARGUMENT.match(arguments[0].group(0))
        ):
            continue
        # an LDAP bind: a DN, then its password whatever its shape (`simple_bind_s("cn=…,dc=…", "X")`)
        dn = bool(arguments) and _DN_ARGUMENT.match(arguments[0].group(0)) is not None
        # a Wi-Fi station's join: an SSID, then its passphrase (`wlan.connect("Office", "X")`, `WiFi.begin(…)`)
        station = _WIFI_STATION.search(data[max(0, match.start() - 32) : match.start()]) is not None
        if not station and match.group(b"callee").lower().endswith((b"begin", b"addap", b"softap")):
            continue  # `tx.begin(…)`: only a station begins a login
        for argument in arguments[1:2] if dn or station else arguments[2:]:
            text = argument.group(0)
            if text[:1] not in (b"'", b'"'):
                continue
            start, end = args_start + argument.start() + 1, args_start + argument.end() - 1
            if data[end - 3 : end] == b"...":
                end -= 3  # PHP cuts a frame's string arguments at 15 characters: what is left is the secret's start
            value = data[start:end].decode("utf-8", "replace")
            like = is_secret_value("password", value) if dn else _password_like(value)
            if like and not _marked(data, start, end):
                yield start, end, "password", _CONTEXT


# A SQL statement with bound parameters, echoed with their values (`INSERT INTO users (login, password) VALUES
# (?, ?) params=('ana', 'X')`, `… WHERE token = $1 [args: "X"]`), or an INSERT of literal values: the value
# bound to a credential column is one.
_SQL_INSERT = _Deferred(
    rb"(?i)\((?P<cols>[^()\r\n]{1,512})\)\s{0,8}values\s{0,8}\((?P<marks>[^()\r\n]{1,512})\)"
)
_SQL_ASSIGN = _Deferred(
    rb"(?i)(?P<col>[A-Za-z_][A-Za-z0-9_]{0,63})[\"`\]]?\s{0,4}(?:=|like)\s{0,4}(?P<mark>\?|\$\d{1,3}|%s)"
)
_SQL_MARK = compile_regex(rb"\s*(?:\?|\$(\d{1,3})|%s)\s*$")
_BOUND_LIST = _Deferred(rb"[\[(](?P<items>[^\[\]()\r\n]{1,900})[\])]")
_BOUND_VALUE = compile_regex(rb"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s,'\"]+")


def _inserted_literals(match: Any, columns: list[str]) -> Iterator[Span]:
    """The literal values an `INSERT … (columns) VALUES (values)` writes to its credential columns
    (`(name, password) VALUES ('ana', 'X')`), matched by position."""
    values = list(_BOUND_VALUE.finditer(match.group(b"marks")))
    if len(values) != len(columns) or not any(key_class(column) for column in columns):
        return
    offset = _span(match, b"marks")[0]
    for column, value in zip(columns, values, strict=True):
        kind = key_class(column) if not column.startswith(MARKER_PREFIX) else None
        text = value.group(0)
        if kind is None or _SQL_MARK.match(text):
            continue
        quoted = text[:1] in (b"'", b'"')
        start, stop = offset + value.start() + quoted, offset + value.end() - quoted
        if stop > start and is_secret_value(
            kind, text[quoted : len(text) - quoted].decode("utf-8", "replace")
        ):
            yield start, stop, _KIND_OF_CLASS[kind], _CONTEXT


def _bound_parameter_spans(data: bytes) -> Iterator[Span]:
    """The values bound to a statement's credential columns, read from the list that follows the statement."""
    marks: list[tuple[int, int | None, str]] = []  # where each placeholder is, its number (`$2`), its column
    end = 0
    for match in _SQL_INSERT.finditer(data):
        columns = [c.strip(b" \t\"'`[]").decode("utf-8", "replace") for c in match.group(b"cols").split(b",")]
        yield from _inserted_literals(match, columns)
        items = match.group(b"marks").split(b",")
        if len(columns) != len(items):
            continue
        position = _span(match, b"marks")[0]
        for column, item in zip(columns, items, strict=True):
            if mark := _SQL_MARK.match(item):
                marks.append((position, int(mark.group(1)) if mark.group(1) else None, column))
            position += len(item) + 1
        end = max(end, match.end())
    for match in _SQL_ASSIGN.finditer(data):
        number = match.group(b"mark")[1:]
        marks.append((match.start(), int(number) if number.isdigit() else None, match.group(b"col").decode()))
        end = max(end, match.end())
    if not marks or not any(key_class(column) for _, _, column in marks):
        return
    if b"binding parameter " in data and _HIBERNATE_BINDING.search(data, end) is not None:
        yield from _hibernate_binding_spans(data, end, marks)
        return  # Hibernate's lines bind the values, no list follows the statement
    bound = _BOUND_LIST.search(data, end)
    if bound is None or data[: bound.start()].rstrip().endswith((b"[", b",")):
        return  # none, or one pair of a list of pairs (`[["name", "ana"], ["password", "X"]]`): the key rules
    offset = _span(bound, b"items")[0]
    values = list(_BOUND_VALUE.finditer(bound.group(b"items")))
    ordinal = 0
    for _, number, column in sorted(marks):
        index = number - 1 if number is not None else ordinal
        ordinal += number is None
        kind = key_class(column)
        if kind is None or not 0 <= index < len(values):
            continue
        value = values[index]
        quoted = value.group(0)[:1] in (b"'", b'"')
        start, stop = offset + value.start() + quoted, offset + value.end() - quoted
        if stop > start and is_secret_value(kind, data[start:stop].decode("utf-8", "replace")):
            yield start, stop, _KIND_OF_CLASS[kind], _CONTEXT


# Hibernate's trace of a value bound to a statement's placeholder, one line each (5: `binding parameter [2] as
# [VARCHAR] - [X]`, 6: `binding parameter (2:VARCHAR) <- [X]`)
_HIBERNATE_BINDING = _Deferred(
    rb"(?m)binding parameter (?:\[(?P<number>\d{1,4})\] as \[[A-Z_]{1,32}\] - |\((?P<number6>\d{1,4}):[A-Z_]{1,32}\) <- )"
    rb"\[(?P<value>[^\r\n]{1,512})\]\r?$"
)


def _hibernate_binding_spans(
    data: bytes, end: int, marks: list[tuple[int, int | None, str]]
) -> Iterator[Span]:
    """The values Hibernate says it bound to the statement's credential columns (`?` in order, or `?2`)."""
    columns: dict[int, str] = {}
    ordinal = 0
    for _, number, column in sorted(marks):
        columns[number if number is not None else ordinal + 1] = column
        ordinal += number is None
    for binding in _HIBERNATE_BINDING.finditer(data, end):
        number = binding.group(b"number") or binding.group(b"number6")
        kind = key_class(columns.get(int(number), ""))
        start, stop = _span(binding, b"value")
        if kind is not None and is_secret_value(kind, data[start:stop].decode("utf-8", "replace")):
            yield start, stop, _KIND_OF_CLASS[kind], _CONTEXT


def _htpasswd_spans(data: bytes) -> Iterator[Span]:
    for match in _HTPASSWD.finditer(data):
        flags = match.group(b"flags")
        arguments = list(_ARGUMENT.finditer(match.group(b"args")))
        position = 1 if b"n" in flags else 2  # with `-n` no file comes first
        if b"b" in flags and len(arguments) > position:
            argument = arguments[position]
            quoted = argument.group(0)[:1] in (b'"', b"'")
            start = _span(match, b"args")[0] + argument.start() + quoted
            end = _span(match, b"args")[0] + argument.end() - quoted
            if end > start and not _marked(data, start, end):
                yield start, end, "password", _CONTEXT


_CONFIG_SET_GATE = compile_regex(rb"(?i)" + _CONFIG_SET_COMMAND)  # what `_CONFIG_SET` needs


def _config_set_gate(data: bytes) -> bool:
    """`_CONFIG_SET_GATE.search(data)`, quicker: a case-insensitive bytes pattern is tried at every position
    (~0.1 µs a byte), so a text without the words it needs (`bytes.lower` is what `(?i)` means for bytes)
    is not searched."""
    lower = data.lower()
    return (b"config" in lower or b"secret" in lower) and _CONFIG_SET_GATE.search(data) is not None


def _config_set_spans(data: bytes) -> Iterator[Span]:
    for start, end, kind, rank in _key_value_spans(_CONFIG_SET, data):
        if not is_plain_words(data[start:end].decode("utf-8", "replace")):
            yield start, end, kind, rank


# A setting given to a tool's `config` as separate arguments, with or without a verb: `composer config -g
# github-oauth.github.com X`, `poetry config pypi-token.NAME X`, rclone's `config create NAME TYPE key value …`
# pairs. HTTP basic credentials take the user, then the password: `composer config http-basic.HOST USER X`,
# `poetry config http-basic.NAME USER X`.
# (not a type's name before its fields, Rust's `Config { api_key: … }`)
_CONFIG_ARGUMENTS = _Deferred(rb"(?i)\bconfig(?:ure)?[ \t]{1,8}(?P<args>[^\s{(\[=:|;&][^\r\n|;&]{0,511})")
_BASIC_SETTING = "http-basic."
_TOKEN_SETTINGS = frozenset(("github-oauth", "gitlab-oauth", "gitlab-token", "bitbucket-oauth", "bearer"))
# The words of the settings this rule reads (the usual names of a password or a token: a setting named otherwise,
# `jwt`, `clave`, is left to the other rules); a text or an argument without any is not read further
_SETTING_HINTS = (b"pass", b"pw", b"secret", b"token", b"key", b"auth", b"cred", b"http-basic", b"bearer")


def _config_argument_spans(data: bytes) -> Iterator[Span]:
    text = data.lower()
    if not any(hint in text for hint in _SETTING_HINTS):
        return  # no argument can name a credential
    for match in _CONFIG_ARGUMENTS.finditer(data):
        offset = _span(match, b"args")[0]
        arguments = list(_ARGUMENT.finditer(match.group(b"args")))
        for index, argument in enumerate(arguments):
            name = argument.group(0).strip(b"\"'").decode("utf-8", "replace")
            if "=" in name or name.startswith("-") or MARKER_PREFIX in name:
                continue  # (a marker names no setting: `[REDACTED:password]` is no argument named `password`)
            if not any(hint in argument.group(0).lower() for hint in _SETTING_HINTS):
                continue
            lowered = name.lower()
            kind = key_class(name)
            if lowered.startswith(_BASIC_SETTING):
                index, kind = index + 1, "password"  # the user comes first
            elif lowered.partition(".")[0] in _TOKEN_SETTINGS:
                kind = "token"
            if kind not in ("password", "token") or index + 1 >= len(arguments):
                continue
            value = arguments[index + 1]
            quoted = value.group(0)[:1] in (b'"', b"'")
            start = offset + value.start() + quoted
            end = offset + value.end() - quoted if quoted else start + len(value.group(0).rstrip(b".,:;"))
            if not quoted and argument.group(0).startswith(b"[") and data[end - 1 : end] == b"]":
                end -= 1  # a pair in brackets (.NET's `[Password, X]`): its `]` closes the pair
            written = data[start:end].decode("utf-8", "replace")
            if end > start and _positional_secret(written) and not _marked(data, start, end):
                yield start, end, kind, _CONTEXT


def _protocol_login_spans(data: bytes, present: frozenset[bytes]) -> Iterator[Span]:
    patterns = [_FTP_PASS] if b"pass" in present and b"USER" in data else []
    patterns += [_FTP_LONE_PASS] if b"pass" in present and b"PASS" in data else []
    patterns += [_IMAP_LOGIN] if b"login" in present else []
    patterns += [_SMTP_LOGIN_PASSWORD] if not present.isdisjoint(_SMTP_PROMPTS) else []
    patterns += _NICKSERV_IDENTIFY if not present.isdisjoint(_IRC_GATES) else ()
    for pattern in patterns:
        for match in pattern.finditer(data):
            start, end = _value_group(match)
            value = data[start:end].decode("utf-8", "replace")
            if pattern is _FTP_LONE_PASS and _FILE_NAME.fullmatch(value):
                continue  # a test runner's `PASS  src/app.test.js`: a file that passed
            if _password_like(value) and not _marked(data, start, end):
                yield start, end, "password", _CONTEXT


def _k8s_secret_spans(data: bytes) -> Iterator[Span]:
    """The values of a Kubernetes Secret's `data:` and `stringData:` maps, in YAML: each line indented past
    the map's key, up to the first that is not (a block scalar's lines go whole)."""
    if _K8S_SECRET_KIND.search(data) is None:
        return
    floor = 0
    for header in _K8S_DATA.finditer(data):
        if header.start() < floor:
            continue
        column = len(header.group(b"indent"))
        position = header.end() + 1
        while position < len(data) and (line := _YAML_ENTRY.match(data, position)) is not None:
            indent, value = line.group(1), line.group(2).strip()
            if value and len(indent) <= column:
                break
            start = line.start(2)
            text = value.decode("utf-8", "replace")
            written = value and not text.endswith(":") and text not in ("|", ">", "|-", ">-")
            if written and not _placeholder(text) and not _marked(data, start, start + len(value)):
                yield start, start + len(value), "secret", _CONTEXT
            position = line.end() + 1
        floor = position


def _private_key_spans(data: bytes) -> Iterator[Span]:
    """Each private key block, from its BEGIN line to its END line (or to the end of a truncated text).

    Searched as plain markers, so a key whose newlines are JSON-escaped (a literal backslash-n, as in a
    service-account key file logged through `json.dumps`) goes whole too.
    """
    position = 0
    block_ends: set[int] = set()
    while (begin := _KEY_BEGIN.search(data, position)) is not None:
        end = _KEY_END.search(data, begin.end())
        position = len(data) if end is None else end.end()
        block_ends.add(position)
        yield begin.start(), position, "private-key", _PRIVATE_KEY
    # An END with no BEGIN: the last lines of a key whose first ones went to another entry (Cloud Run splits
    # stderr by line), or its escaped body after some words. Each walk stops at the END before it: linear.
    floor = 0
    for end in _KEY_END.finditer(data):
        if end.end() not in block_ends:
            start = _body_start(data, max(floor, end.start() - 16384), end.start())
            if data[start : end.start()].strip():
                yield start, end.end(), "private-key", _PRIVATE_KEY
        floor = end.end()


# A key body's line (base64, or empty) between newlines, raw or escaped.
_LINE_BREAK = compile_regex(rb"(?:\\r)?\\n|\r?\n")
_BODY_LINE = compile_regex(rb"[ \t]{0,8}[A-Za-z0-9+/=]{0,100}[ \t]{0,8}")
_BODY_TAIL = compile_regex(rb"[A-Za-z0-9+/=]{16,100}[ \t]{0,8}$")


def _body_start(data: bytes, low: int, high: int) -> int:
    """Where the key body that ends at `high` (an END marker) starts: the lines before it that are a body's,
    and the base64 end of the line before them (`key material: MIIEv…`)."""
    breaks = [(low, low), *(m.span() for m in _LINE_BREAK.finditer(data, low, high))]
    line_end = high
    for break_start, line_start in reversed(breaks):
        if not _BODY_LINE.fullmatch(data, line_start, line_end):
            tail = _BODY_TAIL.search(data, max(line_start, line_end - 128), line_end)
            return tail.start() if tail is not None else line_end
        line_end = break_start
    return low


def _on_characters(data: bytes, span: Span) -> Span:
    """`span` widened to whole UTF-8 characters: a rule on bytes (a byte-bounded tail, a cut window) may stop
    inside a multi-byte character, and the rebuilt text must decode."""
    start, end, kind, rank = span
    while start > 0 and 0x80 <= data[start] < 0xC0:
        start -= 1
    while end < len(data) and 0x80 <= data[end] < 0xC0:
        end += 1
    return start, end, kind, rank


# A credential folded over lines at a fixed width (base64's 64 or 76 columns, `fold`'s 80): its full lines are each a
# whole line's span of that width; its last line, shorter, may alone look like no credential (`6fo5y0RDDyV8fvLwOV5`,
# a JWT's signature's end). It is the credential's when it is of the same characters and holds a letter and a digit
# or base64's padding.
_FOLD_WIDTHS = (64, 76, 80)
_FOLDED_TAIL = compile_regex(rb"[A-Za-z0-9+/_.=-]{2,80}")
_LETTER = compile_regex(rb"[A-Za-z]")
_DIGIT = compile_regex(rb"[0-9]")


def _wrapped_tail_spans(data: bytes, spans: list[Span]) -> Iterator[Span]:
    for start, end, kind, rank in spans:
        if (
            end - start not in _FOLD_WIDTHS
            or data[end : end + 1] != b"\n"
            or data[start - 1 : start] not in (b"", b"\n")
        ):
            continue
        tail_end = data.find(b"\n", end + 1)
        tail = data[end + 1 : len(data) if tail_end < 0 else tail_end].rstrip(b"\r")
        if (
            len(tail) < end - start
            and _FOLDED_TAIL.fullmatch(tail)
            and (tail.endswith(b"=") or (_LETTER.search(tail) and _DIGIT.search(tail)))
        ):
            yield end + 1, end + 1 + len(tail), kind, rank


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


def _in_marker(markers: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` falls strictly inside one of `markers` (spans in order, none overlapping)."""
    index = bisect.bisect_right(markers, (position, sys.maxsize)) - 1
    return index >= 0 and markers[index][0] < position < markers[index][1]


def _literal(text: bytes) -> bytes:
    """`text` as an RE2 pattern that matches it literally (non-ASCII characters as themselves)."""
    return re.sub(rb"[^A-Za-z0-9\x80-\xff]", lambda m: b"\\" + m.group(0), text)


class _GatedRules:
    """The format rules, and what tells cheaply which of them can match a text (most texts hold no secret).

    RE2's filter knows, from the literals each pattern requires, which rules without keywords (detect-secrets'
    plugins among them) may match. RE2's multi-pattern matcher finds every keyword (in any case) in one pass,
    and runs the patterns that require no literal (`[A-Za-z0-9/+]{40}`) in another.
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
        self.gates: list[bytes | _Format] = [
            *literals,
            *(self.unkeyed[i] for i in unfiltered),
            _RUN_GATE,
            _STRONG_GATE,
            _SHORT_RUN_GATE,
            _SLASH_RUN_GATE,
            _PATH_RUN_GATE,
            _NAMED_PATH_GATE,
        ]
        # Three sets, each searched over the whole text: RE2 builds the automaton of one set state by state as
        # texts need them, and a state holds where each of the set's patterns has got to. In one set of every gate a
        # state held both where a keyword's letters had got to and each shape's count of its class, so that almost
        # every text needed new states (a sixth of a demo scan's instructions went to building them); apart, the
        # keywords' states are few. So are the shapes' when the runs of one class (`_RUN` and the other run gates,
        # which count along the same run from where it starts) are apart from the formats' shapes, which may start
        # at any letter of a run (`SK…`, `[MNO]…`, `[0-9]{8,10}:`) and whose counts, each from its own start,
        # combine into new states in a run that also moves the run gates' counts (a demo scan: 156 M instructions
        # for the shapes in one set, 105 M in two). Each set searched costs a call (some 7,000 instructions).
        keyword_patterns = [b"(?i:" + _literal(k) + b")" for k in literals]
        format_shapes = [self.unkeyed[i].pattern.source for i in unfiltered]
        run_shapes = [
            _RUN.source,
            _STRONG_GATE_PATTERN,
            _SHORT_RUN.source,
            _SLASH_RUN.source,
            _PATH_RUN_GATE_PATTERN,
        ]
        shapes_from = len(literals)  # a shape's index in `gates`: its index among the shapes plus this
        runs_from = shapes_from + len(format_shapes)
        self.keyword_set = _search_set(keyword_patterns)
        # each set with the index in `gates` of each of its patterns
        self.shape_sets = (
            (
                _search_set([*format_shapes, _NAMED_PATH_GATE_PATTERN]),
                (*range(shapes_from, runs_from), runs_from + len(run_shapes)),
            ),
            (_search_set(run_shapes), tuple(range(runs_from, runs_from + len(run_shapes)))),
        )
        self._one_set_patterns = [*keyword_patterns, *format_shapes, *run_shapes, _NAMED_PATH_GATE_PATTERN]

    def gates_in(self, data: bytes) -> tuple[int, ...]:
        """The indices in `gates` of the gates `data` holds, ascending."""
        found = self.keyword_set.Match(data) or []
        for search, indices in self.shape_sets:
            shapes = search.Match(data)
            if shapes:
                found.extend(indices[index] for index in shapes)
        return tuple(sorted(found))

    def gates_in_one_set(self, data: bytes) -> tuple[int, ...]:
        """The same gates, in the order in which one set of every gate's pattern reports them."""
        return tuple(self._one_set.Match(data) or ())

    @functools.cached_property
    def _one_set(self) -> Any:
        return _search_set(self._one_set_patterns)


_OTHER_CASE_FORMS = ("\u017f".encode(), "\u212a".encode())
"""`ſ` and the Kelvin sign `K`: the only characters but ASCII letters that RE2's `(?i)` reads as an ASCII letter
(as s and k)."""
_FLAG_OPENINGS = tuple(before + b"-" for before in (b" ", b"\t", b"\n", b"\f", b"\r", b'"', b"'", b"(", b"["))
"""What comes before the `-` of `_FLAG`'s name where the text does not start with it (RE2's `\\s` is ASCII's
blanks but `\\v`)."""
_SPACED_CONFIG_WORDS = (
    *(b"requirepass", b"masterauth", b"rootpw", b"psk", b"_auth", b"_password"),
    *(b"wifi-sec.", b"802-1", b"gsm.", b"cdma.", b"pppoe.", b"wireguard."),
)
"""One of the words `_SPACED_CONFIG`'s names are (or end in, or start with)."""


def _may_hold(data: bytes, lowered: bytes, words: tuple[bytes, ...]) -> bool:
    """Whether `data`, `lowered` as `bytes.lower` has it, may hold one of `words` (lower-case ASCII) as a pattern
    under `(?i)` reads them, in any case: a cheap gate that keeps a rule's program from being compiled and run for
    a text it cannot match."""
    return any(lowered.find(word) >= 0 for word in words) or any(
        data.find(form) >= 0 for form in _OTHER_CASE_FORMS
    )


def _gate_text(data: bytes) -> bytes:
    """`data` as its gates are read: without the `Key` of Python's `KeyError` (the word alone: `fooKeyError=X` may
    name a credential), which holds the gate `key` but names no credential (a traceback logged whole says it at
    every failed lookup, and the gate would run every rule of a key's name over it). A NUL stands in its place,
    which no gate holds, so no gate forms across it."""
    return _KEY_ERROR.sub(b"\x00Error", data) if data.find(b"KeyError") >= 0 else data


_KEY_ERROR = compile_regex(rb"(?<![A-Za-z0-9_])KeyError(?![A-Za-z0-9_])")


@functools.cache
def _gated_rules() -> _GatedRules:
    return _GatedRules()


# A list of two or more quoted strings (`["mysql", "-uroot", "-pX"]`), and what `_argv_spans` makes spaces of.
_ARGV_GATE = _compile_bytes(rb"[\"'][ \t]{0,8},[ \t]{0,8}[\"']")
_ARGV_LIST = _Deferred(
    rb"\[[ \t]*(?:\"[^\"\r\n\\]*\"[ \t]*,[ \t]*)+\"[^\"\r\n\\]*\"[ \t]*\]"
    rb"|\[[ \t]*(?:'[^'\r\n\\]*'[ \t]*,[ \t]*)+'[^'\r\n\\]*'[ \t]*\]"
)
_ARGV_SEPARATOR = compile_regex(rb"^\[[ \t]*[\"']|[\"'][ \t]*,[ \t]*[\"']|[\"'][ \t]*\]$")
# An auditd EXECVE record: the command's arguments one field each (`argc=3 a0="mysql" a1="-uroot" a2="-pX"`), and
# what `_execve_spans` makes spaces of (a hex-encoded argument, auditd's form for one holding a space or a quote, is
# read by `_hex_spans`).
_EXECVE_ARGS = _Deferred(rb"\bargc=[0-9]{1,4}(?:[ \t]a[0-9]{1,4}=(?:\"[^\"\r\n]*\"|[0-9A-Fa-f]+|\(null\)))+")
# A hex dump's row: its offset, 1 to 16 bytes in hex (grouped by one, two or four bytes), then its ASCII column
# (tcpdump's `\t0x0010:  4745 5420 …  GET /`, xxd's `00000010: 4745 …  GET /`, `hexdump -C`'s and Go's
# `00000010  47 45 54 20 …  |GET /|`)
_HEX_DUMP_OFFSET = rb"(?m)^[ \t]{0,8}(?:0x)?[0-9a-fA-F]{4,8}:?[ \t]{1,4}"
_HEX_DUMP_GATE = compile_regex(_HEX_DUMP_OFFSET + rb"[0-9a-fA-F]{2,4}[ \t]")
# (od -A x -t x1z writes its ASCII column between `>` and `<`)
_HEX_DUMP_ROW = _Deferred(
    _HEX_DUMP_OFFSET + rb"(?P<hex>(?:[0-9a-fA-F]{2}(?:[0-9a-fA-F]{2}){0,3}[ \t]{1,3}){1,16})"
    rb"[ \t]{0,48}[|>]?(?P<ascii>[\x20-\x7e]{1,16})[|<]?[ \t]*$"
)
# A hex dump logged one row per entry: a row alone (its first character one of these, then its offset and its first
# bytes), in whose ASCII column a token cut by the row's edge goes on into the row before or after it
_HEX_ROW_FIRST = frozenset((b"0", b" ", b"\t"))
_HEX_ROW_HEAD = compile_regex(_HEX_DUMP_OFFSET[4:] + rb"[0-9a-fA-F]{2}")
_TOKEN_RUN = compile_regex(rb"[A-Za-z0-9+/=_~.-]{8,}")
_HEX_PAIR = compile_regex(rb"[0-9a-fA-F]{2}")
# An auditd PROCTITLE record: the process' command line in hex, its arguments joined by NULs
_PROCTITLE = _Deferred(rb"\bproctitle=(?P<hex>[0-9A-Fa-f]{4,})")
_EXECVE_SEPARATOR = compile_regex(rb"^argc=[0-9]{1,4}|[ \t]a[0-9]{1,4}=\"?|\"(?=[ \t]a[0-9]|$)")


def _cut_token_spans(data: bytes) -> list[Span] | None:
    """A hex dump's row logged alone (`hexdump -C`, `xxd`, `od`, `tcpdump -X` one row per entry), or None for any
    other text: the part of a token its ASCII column starts with, or (a full row of 16 bytes) ends with, when it
    looks generated, redacted in both columns. Its other part, and the name or header that says what it is, are in
    the row before or after it, another entry."""
    if _HEX_ROW_HEAD.match(data) is None:
        return None
    newline = data.find(b"\n")
    if 0 <= newline < len(data) - 1:
        return None  # several rows: `_hex_dump_spans` reads them decoded and joined
    row = _HEX_DUMP_ROW.match(data)
    if row is None:
        return None
    start, end = _span(row, b"hex")
    column = _span(row, b"ascii")[0]
    pairs = [pair.start() for pair in _HEX_PAIR.finditer(data, start, end)]
    decoded = bytes(int(data[at : at + 2], 16) for at in pairs)
    spans: list[Span] = []
    for run in _TOKEN_RUN.finditer(decoded):
        first, last = run.start(), run.end() - 1
        if first and not (len(decoded) == 16 and last == 15):
            continue  # neither edge: no part of a token cut by the row's edge
        if _prose_secret(run.group(0).decode("ascii")):
            spans.append((pairs[first], pairs[last] + 2, "token", _CONTEXT))
            spans.append((column + first, column + last + 1, "token", _CONTEXT))
    return spans


# Fields that hold their parent's value (ARM template parameters, protobuf wrappers, rotation records).
_VALUE_FIELDS = frozenset(
    (
        "value",
        "data",
        "plaintext",
        "plain",
        "raw",
        "text",
        "string",
        "stringvalue",
        "current",
        "new",
        "old",
        "previous",
    )
)
_JSON_LEAVES = frozenset((str, int, float, bool, type(None)))
# also a form's field, a header, a variable or a setting given as a pair (`{"header": "X-Api-Key", "value": "X"}`,
# `{"variable": "DB_PASSWORD", "value": "X"}`)
_PAIR_NAMES = (
    "name", "Name", "key", "Key", "ParameterKey", "OptionName", "field", "Field", "header", "Header", "variable",
    "Variable", "param", "parameter", "property", "setting", "option", "attribute", "propertyPath",
)  # fmt: skip
# also the input a validation error echoes (pydantic's `{"loc": ["body", "password"], "input": "X"}`, Spring's
# `{"field": "password", "rejectedValue": "X"}`)
# also an audit trail's change of a field (`{"field": "smtp_password", "old": X, "new": Y}`)
_PAIR_VALUES = (
    "value", "Value", "ParameterValue", "val", "input", "rejectedValue", "invalidValue",
    "old", "new", "oldValue", "newValue", "before", "after",
)  # fmt: skip


def _custom_marker(match: re2._Match) -> bytes:
    """The marker for what an extra pattern matched; nothing for an empty match (`\\b`, `^`), which would
    otherwise mark every boundary, even between the bytes of one character."""
    return b"[REDACTED:custom]" if match.end() > match.start() else b""


class _Plan:
    """What `Redactor.spans` runs for one set of gates found in a text, told once per set (`_plan`): the
    format rules they gate, in a stable order, and which context rules the gates alone allow (the rules
    then check the text for what else they need)."""

    def __init__(self, gates: tuple[int, ...]) -> None:
        gated = _gated_rules()
        present: set[bytes] = set()
        rules: list[_Format] = []
        for index in gates:
            gate = gated.gates[index]
            if isinstance(gate, bytes):
                present.add(gate)
                rules.extend(gated.by_keyword.get(gate, ()))
            else:
                rules.append(gate)
        self.present = frozenset(present)
        self.rules = list(dict.fromkeys(rules))  # once each, in a stable order
        self.private_key = not present.isdisjoint((b"begin", b"--end", b"- end"))
        self.run = _RUN_GATE in present
        self.short_run = _SHORT_RUN_GATE in present
        self.slash_run = _SLASH_RUN_GATE in present
        self.strong = _STRONG_GATE in present
        self.key_hint = not present.isdisjoint(_KEY_HINTS)
        self.key_call = not present.isdisjoint(_KEY_CALL_GATES)
        self.cookie = b"cookie" in present
        self.community = not present.isdisjoint(_SNMP_GATES)
        self.qualified_key = not present.isdisjoint(_QUALIFIED_KEY_GATES)
        self.card = not present.isdisjoint(_CARD_GATES)
        self.sql = b"identified" in present or b"pass" in present or b"connect to" in present
        self.mutation = b"mutation" in present
        self.dsn = b"://" in present
        request = b"://" in present or not present.isdisjoint(_REQUEST_LINES)
        self.url_path = _PATH_RUN_GATE in present and request
        self.named_path = _NAMED_PATH_GATE in present and request
        self.capability_path = _NAMED_PATH_GATE in present and not request
        self.user_flag = b"-u" in present or b" -a" in present or b"auth" in present
        self.call = not present.isdisjoint(_CALL_GATES)
        self.expect = b"expect" in present
        self.cli = not present.isdisjoint(_CLI_FLAGS) and not present.isdisjoint(_CLI_TOOLS)
        self.user_then_password = b"-u" in present and not present.isdisjoint(_CLI_FLAGS)
        self.tool = not present.isdisjoint(_TOOL_GATES)
        self.mysql = b"-p" in present and (b"mysql" in present or b"mariadb" in present)
        self.sshpass = b"-p" in present and b"sshpass" in present
        self.at = b"@" in present
        self.echo = b"echo " in present or b"printf " in present
        self.here_string = b"<<<" in present
        self.positional = not present.isdisjoint(
            _POSITIONAL_GATES + _ACL_GATES + _SLASH_GATES + _ORACLE_GATES
        ) or not present.isdisjoint(_AUTH_GATES)
        self.protocol = (
            b"pass" in present
            or b"login" in present
            or not present.isdisjoint(_IRC_GATES)
            or not present.isdisjoint(_SMTP_PROMPTS)
        )
        # a login's words, or `pass` (`user=bob pass X`: `Redactor.spans` looks for the user)
        self.login = not present.isdisjoint(_LOGIN_GATES)
        self.user_pass = b"pass" in present
        self.credential_command = not present.isdisjoint(_CREDENTIAL_COMMAND_GATES)
        # a credential word of `_hex_word`, a hex key's context (`api` is the one no gate holds: `_bare_hex_span`
        # looks for it when it meets a hex run)
        self.hex_words = self.key_hint or not present.isdisjoint((b"login", b"logon", b"signin"))
        self.k8s = b"secret" in present
        self.escaped = not present.isdisjoint(
            (b"%", b"\\u", b"\\x", b"&", b":\\/\\/", b"=3d", b"quoted-printable")
        )
        self.hex = not present.isdisjoint(_HEX_GATES)
        self.public = b"begin" in present


@functools.lru_cache(maxsize=4096)
def _plan(gates: tuple[int, ...]) -> _Plan:
    return _Plan(gates)


def _kinds_tie(spans: list[Span]) -> bool:
    """Whether two of `spans` cover the same bytes at the same rank under different kinds."""
    kinds: dict[tuple[int, int, int], str] = {}
    return any(kinds.setdefault((start, end, rank), kind) != kind for start, end, kind, rank in spans)


def _with_found(rules: list[_Format], gated: _GatedRules, potential: list[int] | None) -> list[_Format]:
    """`rules`, then the rules without keywords that RE2's filter found `potential` (`Filter.Match`)."""
    if potential:
        found = [gated.unkeyed[i] for i in potential if i in gated.filtered]
        if found:
            return list(dict.fromkeys([*rules, *found]))  # once each, in a stable order
    return rules


class Redactor:
    """Replaces credentials in text with `[REDACTED:<kind>]`, and redacts structured payloads by key name."""

    def __init__(self, emails: bool = True, extra_patterns: Iterable[str] = ()) -> None:
        self._rules = _gated_rules()
        self._emails = emails
        # as bytes, on the text's `surrogatepass` bytes, as the built-in rules run: a lone surrogate is no error
        self._custom = [
            re2.compile(pattern.encode("utf-8", "surrogatepass"), _OPTIONS) for pattern in extra_patterns
        ]

    def spans(self, data: bytes, depth: int = 0) -> list[Span]:
        """The merged spans of `data` (UTF-8) that hold a secret, with their kinds."""
        row = self._hex_row_spans(data) if depth == 0 and data[:1] in _HEX_ROW_FIRST else []
        gated = self._rules
        gate_text = _gate_text(data)
        gates = gated.gates_in(gate_text)
        potential = gated.filter.Match(data, potential=True)
        if not gates and (not potential or gated.filtered.isdisjoint(potential)):
            return _merge(row)  # most texts: no keyword, and no rule that needs none can match
        plan = _plan(gates)
        present = plan.present
        rules = _with_found(plan.rules, gated, potential)
        if not present and not rules:
            return _merge(row)
        spans: list[Span] = row
        yielding = 0
        for rule in rules:
            before = len(spans)
            spans.extend(rule.spans(data))
            yielding += len(spans) > before
        if yielding > 1 and _kinds_tie(spans):
            # where two rules' spans tie, the first rule's kind names them (`_merge`): the rules' order is the
            # order in which RE2's one set of every gate reports the gates (what it met first in the text)
            rules = _with_found(_plan(gated.gates_in_one_set(gate_text)).rules, gated, potential)
            spans = [span for rule in rules for span in rule.spans(data)]
        if plan.private_key:
            spans.extend(_private_key_spans(data))
        if plan.run:
            spans.extend(_run_spans(data, plan.hex_words))
        if plan.short_run:
            spans.extend(_short_run_spans(data))
        if plan.slash_run:
            spans.extend(_slash_run_spans(data))
        if plan.strong:
            spans.extend(_strong_spans(data))
        if plan.key_hint:
            spans.extend(_key_value_spans(_KEY_VALUE, data))
            # RE2 compiles the long programs of these rules only for a text they can match: `_FLAG`'s needs a `-`
            # that starts the text or follows a blank, quote or bracket; the others a word each (`_may_hold`)
            if data[:1] == b"-" or any(data.find(opening) >= 0 for opening in _FLAG_OPENINGS):
                spans.extend(_key_value_spans(_FLAG, data))
            if data.find(b"<(") >= 0:
                spans.extend(_process_substitution_spans(data))
            lowered = data.lower()
            if _may_hold(data, lowered, (b"value",)):
                spans.extend(_key_value_spans(_NAME_VALUE, data))
            if _may_hold(data, lowered, _SPACED_CONFIG_WORDS):
                spans.extend(_key_value_spans(_SPACED_CONFIG, data))
            if (
                plan.community
                or any(data.find(gate) >= 0 for gate in _DEVICE_GATES)
                or _DEVICE_CONTEXT_GATE.search(data)
            ):
                spans.extend(_device_config_spans(data))
            if data.find(b"alue") >= 0:
                spans.extend(_key_value_spans(_VALUE_NAME, data))
                spans.extend(_key_value_spans(_PREFIXED_NAME_VALUE, data))
            if any(data.find(gate) >= 0 for gate in _SETTER_GATES):
                spans.extend(_setter_spans(data))
            if plan.key_call and data.find(b"(") >= 0:
                spans.extend(_key_call_spans(data))
            if data.find(b"\n") >= 0 or data.find(b" ") >= 0:
                spans.extend(_directive_spans(data))
            if (
                data.find(b"ENV") >= 0
                or data.find(b"ARG") >= 0
                or data.find(b"eader") >= 0
                or data.find(b"etEnv") >= 0
                or data.find(b"setenv") >= 0
                or data.find(b"_param") >= 0
            ):
                spans.extend(_key_value_spans(_DOCKERFILE_ENV, data))
            if data.find(b"+") >= 0:
                spans.extend(_key_value_spans(_CONCATENATED, data))
            if data.find(b"form-data") >= 0:
                spans.extend(_key_value_spans(_MULTIPART_FIELD, data, element=True))
            if (data.find(b",") >= 0 or data.find(b"]") >= 0) and _QUOTED_PAIR_GATE.search(data):
                spans.extend(_quoted_pair_spans(data))
            if data.find(b", ") >= 0 and data.find(b"[") >= 0:
                spans.extend(_printed_pair_spans(data))
            if data.find(b"{:") >= 0 or data.find(b'{"') >= 0:
                spans.extend(_edn_pair_spans(data))
            if data.find(b"value") >= 0:
                spans.extend(_graphql_spans(data))
            if data.find(b"igest") >= 0:
                spans.extend(_quoted_spans(_DIGEST_RESPONSE, data, "token"))
            if (
                data.find(b"\n") >= 0 or data.find(b" for ") >= 0
            ):  # `password for root@localhost: X` on one line
                spans.extend(_answer_line_spans(data))
            if data.find(b"input") >= 0 or data.find(b"ejected") >= 0 or data.find(b"nvalidValue") >= 0:
                spans.extend(_rejected_input_spans(data))
            if data.find(b"\n") >= 0:
                spans.extend(_command_output_spans(data))
            if data.find(b"\n") >= 0:
                if data.find(b">") >= 0:
                    spans.extend(_key_value_spans(_XML_OPEN_NEXT, data, element=True))
                if data.find(b"alue") >= 0:
                    spans.extend(_key_value_spans(_VALUE_LINE_NAME, data))
            if data.find(b"]=>") >= 0:
                spans.extend(_key_value_spans(_PHP_PROPERTY, data))
            if data.find(b'";s:') >= 0:
                spans.extend(_php_serialized_spans(data))
            spans.extend(_echoed_value_spans(data))
            if data.find(b".vault.azure.net/secrets/") >= 0:
                spans.extend(_key_vault_spans(data))
            if _may_hold(data, lowered, (b"mnemonic", b"phrase", b"words")):
                spans.extend(_mnemonic_spans(data))
            if data.find(b": ") >= 0 and (data.find(b'= "') >= 0 or data.find(b"= '") >= 0):
                spans.extend(_key_value_spans(_ANNOTATED, data))
            if (
                data.find(b"</") >= 0
            ):  # each XML rule ends at a closing tag: `<module>` in a stack frame opens none
                spans.extend(_key_value_spans(_XML_ELEMENT, data, element=True))
                spans.extend(_key_value_spans(_XML_ATTRIBUTE_NAME, data, element=True))
                spans.extend(_key_value_spans(_XML_SIBLING_NAME, data, element=True))
            if data.find(_ANNOTATION) >= 0:
                spans.extend(_annotated_frame_spans(data))
            spans.extend(_authorization_spans(data))
            spans.extend(_phrase_spans(data))
            spans.extend(_code_spans(data))
            if (
                data.find(b"?") >= 0
                or data.find(b"$") >= 0
                or data.find(b"%s") >= 0
                or data.find(b"ALUES") >= 0
                or data.find(b"alues") >= 0
            ):
                spans.extend(_bound_parameter_spans(data))  # also an INSERT's literal `VALUES`
            spans.extend(_credential_pair_spans(data))
            if data.find(b"{{") >= 0 and (data.find(b"default") >= 0 or data.find(b"env_var") >= 0):
                spans.extend(_template_default_spans(data))
            if data.find(b"\n") >= 0 and _TABLE_GATE.search(data):
                spans.extend(_table_spans(data))
            if plan.cookie:
                # first: where a name's rule takes the same cookie (`Set-Cookie: sid=X;`), it is named a cookie
                spans[:0] = _cookie_spans(data)
        else:
            if plan.community:
                spans.extend(_device_config_spans(data))
            if plan.qualified_key:
                spans.extend(_phrase_spans(data))
        if plan.card:
            spans.extend(_card_spans(data))
        if plan.sql:
            lowered = data.lower()
            if data.find(b"=") >= 0 or _may_hold(
                data, lowered, (b"identified", b"with", b"encrypted", b"using")
            ):
                spans.extend(_quoted_spans(_SQL_PASSWORD, data, "password", prose=b"with"))
            if lowered.find(b"replace") >= 0 and lowered.find(b"identified") >= 0:
                spans.extend(_quoted_spans(_SQL_OLD_PASSWORD, data, "password"))
            if _may_hold(data, lowered, (b"create", b"alter")):
                spans.extend(_quoted_spans(_SQL_ROLE_PASSWORD, data, "password"))
        elif plan.mutation and data.find(b"value") >= 0:
            spans.extend(_graphql_spans(data))
        if data.find(b"variables") >= 0 and data.find(b"$") >= 0:
            spans.extend(_graphql_variable_spans(data))
        if plan.dsn:
            spans.extend(_dsn_spans(data))
        if plan.url_path:
            spans.extend(_url_path_spans(data))
        if plan.named_path:
            spans.extend(_named_path_spans(data))
        if plan.capability_path:
            spans.extend(_capability_path_spans(data))
        if plan.user_flag or data.find(b"--user") >= 0:
            spans.extend(
                s
                for s in _simple_spans(
                    _USER_FLAG if data.find(b"lftp") >= 0 else _USER_FLAG_WITHOUT_LFTP, data, "password"
                )
                if not data[s[0] : s[1]].isdigit()
                and not _placeholder(
                    data[s[0] : s[1]].decode("utf-8", "replace")
                )  # `-u "$CI_USER:$CI_TOKEN"`
            )
        if plan.call:
            spans.extend(_connect_call_spans(data))
        if data.find(b"(") >= 0 or data.find(b",[") >= 0:
            spans.extend(_signature_spans(data))  # one RE2 pass over the callees' names
        if data.find(b'missing "=" after') >= 0 or data.find(b"invalid connection option") >= 0:
            spans.extend(_libpq_piece_spans(data))
        if data.find(b"login=") >= 0 or data.find(b' * "') >= 0:
            spans.extend(_option_login_spans(data))
        if data.find(b"::") >= 0:
            spans.extend(_windows_hash_spans(data))
        if (
            data.find(b"personal_") >= 0 or data.find(b"passphrase") >= 0 or data.find(b"encryptwallet") >= 0
        ):  # `_PERSONAL_METHOD`
            spans.extend(_personal_rpc_spans(data))
        if data.find(b"chpasswd") >= 0:
            spans.extend(_simple_spans(_CHPASSWD, data, "password"))
            spans.extend(_simple_spans(_CHPASSWD_HERE, data, "password"))
        if b"-p" in present and any(data.find(tool) >= 0 for tool in _USER_TOOL_GATES):
            spans.extend(_quoted_spans(_USER_TOOL_PASSWORD, data, "password"))
        if plan.expect and data.find(b"send") >= 0:
            spans.extend(_quoted_spans(_EXPECT_SEND, data, "password"))
        if plan.cli:
            spans.extend(_quoted_spans(_CLI_PASSWORD, data, "password"))
        if plan.user_then_password:
            spans.extend(_user_then_password_spans(data))
        if plan.tool:
            spans.extend(_tool_secret_spans(data, present))
        if plan.mysql:
            spans.extend(_quoted_spans(_MYSQL_P, data, "password"))
        if plan.sshpass:
            spans.extend(_quoted_spans(_SSHPASS, data, "password"))
        if plan.at and data.find(b":") >= 0:
            spans.extend(_userinfo_spans(data))
            spans.extend(_email_password_spans(data))
            if data.find(b"sip") >= 0 or data.find(b"SIP") >= 0 or data.find(b"register") >= 0:
                spans.extend(_sip_spans(data))
        if (plan.echo and data.find(b"|") >= 0) or plan.here_string:
            spans.extend(_piped_spans(data))
        if plan.positional:
            spans.extend(_positional_spans(data, present))
        if plan.credential_command:
            spans.extend(_credential_command_spans(data))
        if plan.login or (
            plan.user_pass and (data.find(b"user") >= 0 or data.find(b"USER") >= 0 or data.find(b"User") >= 0)
        ):
            spans.extend(_login_spans(data))
        if plan.login and data.find(b"{") >= 0:
            spans.extend(_login_object_spans(data))
        if plan.protocol:
            spans.extend(_protocol_login_spans(data, present))
            if data.find(b"htpasswd") >= 0:
                spans.extend(_htpasswd_spans(data))
        if plan.key_hint and _config_set_gate(data):
            spans.extend(_config_set_spans(data))
        if data.find(b"onfig") >= 0:
            spans.extend(_config_argument_spans(data))
        if plan.k8s and data.find(b"kind") >= 0:
            spans.extend(_k8s_secret_spans(data))
        if self._emails and plan.at:
            # the `@` that ends a URL's or a login's password is before a host, not in an address: the host stays
            # (`mongodb+srv://app:X@cluster0.ab1cd.mongodb.net/`)
            userinfo_ends = {s[1] for s in spans if s[2] == "password" and data[s[1] : s[1] + 1] == b"@"}
            spans.extend(
                (m.start(), m.end(), "email", _CONTEXT)
                for m in _EMAIL.finditer(data)
                if not _SCP_REMOTE.match(data, m.end())
                and data.find(b"@", m.start()) not in userinfo_ends
                and m.group().rpartition(b".")[2] not in _SYSTEMD_UNIT_TYPES
            )
        if depth < 3 and plan.escaped:
            spans.extend(self._escaped_spans(data, depth))
        if depth < 3 and data.find(b",") >= 0 and _ARGV_GATE.search(data):
            spans.extend(self._argv_spans(data, depth))
        if depth < 3 and data.find(b' a1="') >= 0:
            spans.extend(self._execve_spans(data, depth))
        if depth < 3 and data.find(b"0000") >= 0 and data.find(b"\n") >= 0 and _HEX_DUMP_GATE.search(data):
            spans.extend(self._hex_dump_spans(data, depth))
        if depth < 3 and data.find(b"proctitle=") >= 0:
            spans.extend(self._proctitle_spans(data, depth))
        if depth < 3 and plan.hex:
            spans.extend(self._hex_spans(data, depth))
        if plan.public and data.find(b"-----BEGIN ") >= 0 and (blocks := _public_blocks(data)):
            spans = [s for s in spans if not _in_public_block(s, blocks)]  # certificates, public keys
        if (
            spans
            and plan.key_hint
            and (
                _PUBLIC_KEY_GATE.search(data)
                or data.find(b"serverkey") >= 0
                or data.find(b"SERVERKEY") >= 0  # ZeroMQ's CURVE
            )
        ):
            spans = [s for s in spans if not _named_public(data, s)]  # `PublicKey = <base64>`
        if spans and data.find(b"DIGEST") >= 0 and _DIGEST_LISTING.search(data):
            spans = [s for s in spans if not _HEX_DIGEST.fullmatch(data, s[0], s[1])]  # `fly secrets list`
        if spans and data.find(b"code_challenge") >= 0 and data.find(b"S256") >= 0:
            spans = [s for s in spans if not _pkce_challenge(data, s)]
        if spans and data.find(_MARKER_OPENING) >= 0:
            # a redacted text redacts to itself: no span starts or ends inside a marker (`-a [REDACTED:password]`
            # is no `-a user:X`)
            markers = [m.span() for m in _MARKER_BYTES.finditer(data)]
            spans = [s for s in spans if not _in_marker(markers, s[0]) and not _in_marker(markers, s[1])]
        if spans and data.find(b"\n") >= 0:
            spans.extend(_wrapped_tail_spans(data, spans))
        return _merge([_on_characters(data, s) for s in spans if not _marked(data, s[0], s[1])])

    def _escaped_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Secrets written with URL, JSON or HTML escapes (`api_key%3DX`, `\\u0022password\\u0022`, `&quot;`):
        found in the decoded text and mapped back onto the escaped one."""
        decoded = _unescape(data) if _SHAPE_ESCAPE.search(data) else None
        if decoded is not None:
            text, starts, ends = decoded
            for start, end, kind, rank in self.spans(text, depth + 1):
                yield starts[start], ends[end - 1], kind, rank
        if b"%20" in data or b"%0" in data or b"%3A" in data or b"%3a" in data:
            yield from self._query_value_spans(data, depth)
        soft_break = data.find(b"=\n") >= 0 or data.find(b"=\r\n") >= 0
        # a body that encodes an `=`, or that declares itself so and cuts a line (its soft breaks, no `=3D`)
        declared = soft_break and data.lower().find(b"quoted-printable") >= 0
        printable = (
            _unescape(data, _QUOTED_PRINTABLE)
            if data.find(b"=3D") >= 0 or data.find(b"=3d") >= 0 or declared
            else None
        )
        if printable is not None:
            text, starts, ends = printable
            for start, end, kind, rank in self.spans(text, depth + 1):
                yield starts[start], ends[end - 1], kind, rank

    def _query_value_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Secrets in a query value that holds a text of its own (`?q=zip%20-P%20X%20f.zip`,
        `&cmd=net%20user%20bob%20X`, a `.pgpass` line, CSV lines, a sentence: `_QUERY_TEXT`): each such value decoded
        and read alone, so a command or a line it holds starts where the value does."""
        for match in _QUERY_TEXT.finditer(data):
            start, end = _span(match, b"value")
            value = data[start:end]
            if not any(escape in value for escape in _QUERY_TEXT_ESCAPES) and value.lower().count(b"%3a") < 4:
                continue  # one value of a URL (`redirect_uri=https%3A%2F%2Fapp%2Fcb`)
            if not self.spans(unquote_to_bytes(value), depth + 1):
                continue  # most values (a search's words): read once, without mapping each byte back
            decoded = _unescape(value)
            if decoded is None:
                continue
            text, starts, ends = decoded
            for span_start, span_end, kind, rank in self.spans(text, depth + 1):
                yield start + starts[span_start], start + ends[span_end - 1], kind, rank

    def _hex_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Hex runs that decode to text holding a secret (`\\x70617373776f72643d…`, `password=…`): redacted whole."""
        for match in _HEX_RUN.finditer(data):
            start, end = _span(match, b"run")
            if (
                (end - start) % 2
                or end - start > 8192
                or not any(g in data[start:end].lower() for g in _HEX_GATES)
            ):
                continue
            try:
                text = bytes.fromhex(data[start:end].decode("ascii")).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                continue
            if text.replace("\n", "").replace("\t", "").isprintable() and self.spans(
                text.encode(), depth + 1
            ):
                yield start, end, "secret", _CONTEXT

    def _hex_dump_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Secrets in a hex dump (`tcpdump -X`, `xxd`, `hexdump -C`, Go's `hex.Dump`): its rows' bytes, decoded and
        joined, are redacted as one text, and each byte of a secret found there is redacted in the rows, both its
        hex digits and its character in the ASCII column (a token runs over several rows, sixteen bytes each)."""
        decoded = bytearray()
        # per decoded byte: its row, its two hex digits, its ASCII character
        places: list[tuple[int, int, int]] = []
        for number, row in enumerate(_HEX_DUMP_ROW.finditer(data)):
            start, end = _span(row, b"hex")
            column = _span(row, b"ascii")[0]
            for index, pair in enumerate(_HEX_PAIR.finditer(data, start, end)):
                decoded.append(int(pair.group(0), 16))
                places.append((number, pair.start(), column + index))
        if len(decoded) < 16:
            return
        text = bytes(decoded).replace(b"\r", b" ").replace(b"\0", b" ")
        for start, end, kind, _ in self.spans(text, depth + 1):
            # one span per row for the secret's hex digits, one for its characters
            for _, in_row in itertools.groupby(places[start:end], key=lambda place: place[0]):
                cells = list(in_row)
                yield cells[0][1], cells[-1][1] + 2, kind, _CONTEXT
                yield cells[0][2], cells[-1][2] + 1, kind, _CONTEXT

    def _hex_row_spans(self, data: bytes) -> list[Span]:
        """A hex dump's row logged alone: what its bytes hold, decoded and redacted, in both columns (a password
        the ASCII column names stays in the hex digits otherwise), and the parts of tokens cut by its edges."""
        cut = _cut_token_spans(data)
        if cut is None:
            return []
        return [*self._hex_dump_spans(data, 0), *cut]

    def _argv_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Secrets in a command written as a list of its arguments (`["redis-cli", "-a", "X"]`, `['AUTH', 'X']`,
        an exec call's argv, a container's `command`): read as the command line, the list's brackets and the quotes and
        commas between its items as spaces (the same length, so the spans fall on the list; a marker stays whole)."""
        for match in _ARGV_LIST.finditer(data):
            start, end = match.span()
            line = _ARGV_SEPARATOR.sub(lambda m: b" " * len(m.group(0)), data[start:end])
            for span_start, span_end, kind, rank in self.spans(line, depth + 1):
                yield start + span_start, start + span_end, kind, rank

    def _execve_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Secrets in the command an auditd EXECVE record holds: read as its command line, each `aN="` and the
        closing quote as spaces (the same length, so the spans fall on the arguments)."""
        for match in _EXECVE_ARGS.finditer(data):
            start, end = match.span()
            line = _EXECVE_SEPARATOR.sub(lambda m: b" " * len(m.group(0)), data[start:end])
            for span_start, span_end, kind, rank in self.spans(line, depth + 1):
                yield start + span_start, start + span_end, kind, rank

    def _proctitle_spans(self, data: bytes, depth: int) -> Iterator[Span]:
        """Secrets in the command an auditd PROCTITLE record holds in hex (its arguments joined by NULs): read as
        the command line, each NUL a space; a span of the line falls on the hex of its bytes."""
        for match in _PROCTITLE.finditer(data):
            start, end = _span(match, b"hex")
            if (end - start) % 2 or end - start > 16384:
                continue  # not bytes in hex, or a command line longer than auditd writes
            try:
                line = bytes.fromhex(data[start:end].decode("ascii")).replace(b"\0", b" ")
            except ValueError:
                continue
            for span_start, span_end, kind, rank in self.spans(line, depth + 1):
                yield start + 2 * span_start, start + 2 * span_end, kind, rank

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
        if self._custom:
            encoded = text.encode("utf-8", "surrogatepass")
            for pattern in self._custom:
                encoded = pattern.sub(_custom_marker, encoded)
            text = encoded.decode("utf-8", "surrogatepass")
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
            redacted = {}
            # a map of credentials by user, host or service (`"passwords": {"admin": "X"}`)
            members = credential_map_kind(key) if key is not None else None
            for k, v in value.items():
                name = self._field_name(str(k), key, kind)
                # a string, number or null under a name that says nothing of its value stays as it is
                leaf = type(v) in _JSON_LEAVES and key_class(name) is None
                if leaf and type(v) is str and ("ook" in name or "OOK" in name) and _webhook_name(name):
                    v = _redacted_webhook(v)  # `"alertWebhookUrl": "https://…"`: the URL is a credential
                by_host = members is None and kind is not None and _HOST_NAME_KEY.fullmatch(name) is not None
                # a host's credential is judged as a password: the host says what it is
                if (
                    leaf
                    and (members or by_host)
                    and type(v) is str
                    and (by_host or not _names_no_credential(name, v))
                    and map_member_secret(members or "password", v)
                ):
                    v = f"{MARKER_PREFIX}{_KIND_OF_CLASS[members or kind or 'password']}]"
                redacted[k] = v if leaf else self.redact_json(v, name, depth + 1)
            if redacted.get("kind") == "Secret":  # a Kubernetes Secret: every value of its maps is one
                for field in ("data", "stringData"):
                    if isinstance(redacted.get(field), dict):
                        redacted[field] = dict.fromkeys(redacted[field], f"{MARKER_PREFIX}secret]")
            method, params = redacted.get("method"), redacted.get("params")
            if (
                isinstance(method, str)
                and (method.startswith("personal_") or method.encode() in _WALLET_METHODS)
                and isinstance(params, list)
            ):
                # an Ethereum node's `personal_*` call: its passphrase (or raw key) as a parameter (`_PERSONAL_METHOD`)
                redacted["params"] = [
                    f"{MARKER_PREFIX}password]"
                    if isinstance(p, str) and not p.startswith(("0x", "0X"))
                    else p
                    for p in params
                ]
            return self._name_value_pair(redacted)
        if isinstance(value, list):
            return [self.redact_json(v, key, depth + 1) for v in value]
        if isinstance(value, str):
            if (
                kind is not None
                and str(key).lower() in ("cookie", "set-cookie")
                and _SETTING_COOKIE.match(value.encode())
                and not any(c in value for c in '"\\\r\n')
            ):
                # a header's cookies (`"cookie": "theme=dark; sid=X"`), read as the header is: each value but a
                # setting's (a value with a quote, a backslash or a line break is redacted whole, as before)
                name = f"{key}: "
                return self.redact(name + value).removeprefix(name)
            if kind is not None and is_secret_value(kind, value) and not _working_directory(str(key), value):
                private_key = key is not None and {"private", "key"} <= set(_words(key))
                return f"{MARKER_PREFIX}{'private-key' if private_key else _KIND_OF_CLASS[kind]}]"
            return value
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and (
            kind == "password" or (kind in ("token", "pin") and is_secret_value(kind, str(value)))
        ):
            return f"{MARKER_PREFIX}{_KIND_OF_CLASS[kind]}]"  # `"session_token": 9283746519283749`
        return value

    @staticmethod
    def _field_name(field: str, key: str | None, kind: str | None) -> str:
        """The name a field's value is judged by: its parent's when the field only wraps the parent's value
        (`"adminPassword": {"type": "securestring", "value": "X"}`, `"apiToken": {"data": "X"}`)."""
        if key is not None and kind is not None and (field.lower() in _VALUE_FIELDS or field == "S"):
            return key  # also DynamoDB's attribute value, `"password": {"S": "X"}`
        return field

    def _name_value_pair(self, pair: dict[Any, Any]) -> dict[Any, Any]:
        """A `{"name": "DB_PASSWORD", "value": "X"}` pair (Kubernetes env, AWS parameters) with its value redacted."""
        names = [pair[k] for k in _PAIR_NAMES if isinstance(pair.get(k), str)]
        if not names and isinstance(pair.get("op"), str) and isinstance(pair.get("path"), str):
            names = [pair["path"].rpartition("/")[2]]  # a JSON Patch's operation: the path's last member
        location = pair.get("loc")
        if not names and isinstance(location, (list, tuple)) and location and isinstance(location[-1], str):
            names = [location[-1]]  # a validation error's path to the field
        kind = key_class(names[0]) if names else None
        if kind is None:
            return pair
        for field in _PAIR_VALUES:
            value = pair.get(field)
            if isinstance(value, str) and is_secret_value(kind, value):
                pair[field] = f"{MARKER_PREFIX}{_KIND_OF_CLASS[kind]}]"
        return pair
