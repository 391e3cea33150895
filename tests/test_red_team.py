"""The second red-team corpus (tests/red_team.py): credentials as programs dump them, none survives redaction and
each class's look-alikes come out as written. Then each rule this corpus opened, on generated input."""

from __future__ import annotations

import base64
import json
import random
import string
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entry_factories import run_entry
from leak_classes import Kept, leaked
from loggardener.entries.parse import EntryParser
from loggardener.entries.reassemble import Reassembler
from loggardener.entries.redact import Redactor, key_class
from loggardener.entries.stacks import StackParser
from red_team import CLASSES, corpus

LEAKS, KEPT = corpus()
REDACT = Redactor().redact


@pytest.mark.parametrize("group", CLASSES)
def test_no_credential_of_the_class_leaks(group: str) -> None:
    cases = [case for case in LEAKS if case.group == group]
    assert len(cases) >= 28
    still_open = [f"{case.layout!r}: {REDACT(case.text)!r}" for case in cases if leaked(REDACT, case)]
    assert not still_open, "\n".join(still_open)


@pytest.mark.parametrize("kept", KEPT, ids=lambda kept: kept.text[:60])
def test_the_look_alikes_of_each_class_are_kept(kept: Kept) -> None:
    assert kept.value in REDACT(kept.text)


def test_the_corpus_redacts_to_itself() -> None:
    for case in LEAKS:
        once = REDACT(case.text)
        assert REDACT(once) == once, case.text


# a person's password or a generated token: letters, digits and a capital, not one character over and over
_SECRETS = st.from_regex(r"[a-z]{3,6}[0-9]{2,3}[A-Z][A-Za-z0-9]{3,8}", fullmatch=True).filter(
    lambda secret: len(set(secret)) >= 7
)
_PREFIXES = st.sampled_from(["", "app | ", "2026-12-01T10:00:00Z worker[3]: ", "probe ", "  "])
_NAMES = st.sampled_from(["password", "client_secret", "api_token", "db_pass"])


@given(prefix=_PREFIXES, name=_NAMES, header=st.sampled_from(["|", ">", "|-", ">+"]), secret=_SECRETS)
def test_a_yaml_block_after_a_log_prefix_is_redacted(
    prefix: str, name: str, header: str, secret: str
) -> None:
    text = f"{prefix}{name}: {header}\n{' ' * (len(prefix) - len(prefix.lstrip()) + 2)}{secret}\nnext: line"
    redacted = REDACT(text)
    assert secret not in redacted
    assert redacted.endswith("next: line")


def test_a_yaml_block_under_a_sequence_dash_ends_at_the_next_key_of_its_item() -> None:
    assert (
        REDACT("- password: |\n    hunter22x\n  user: bob")
        == "- password: |\n    [REDACTED:password]\n  user: bob"
    )


@given(name=_NAMES, secret=_SECRETS, depth=st.integers(0, 2))
def test_json_escaped_once_or_twice_is_redacted(name: str, secret: str, depth: int) -> None:
    text = json.dumps({name: secret, "user": "bob"})
    for _ in range(depth):
        text = json.dumps({"msg": text})
    assert secret not in REDACT(f"payload {text}")


@given(
    user=st.from_regex(r"[a-z]{3,8}", fullmatch=True),
    secret=_SECRETS,
    verb=st.sampled_from(["connect", "CONN"]),
)
def test_an_oracle_connect_command_loses_its_password(user: str, secret: str, verb: str) -> None:
    assert secret not in REDACT(f"SQL> {verb} {user}/{secret}@db.internal:1521/ORCL")


@pytest.mark.parametrize(
    "text",
    ["uses: actions/checkout@v4", "connect to host/path@v2 failed", "connect failed: db/primary@zone-a"],
)
def test_a_path_with_an_at_sign_is_no_oracle_login(text: str) -> None:
    assert REDACT(text) == text


@given(secret=_SECRETS, space=st.sampled_from(["+", "%20"]))
def test_a_password_in_an_url_encoded_phrase_is_redacted(secret: str, space: str) -> None:
    text = f"GET /feedback?msg=wrong{space}password{space}{secret}&page=2"
    redacted = REDACT(text)
    assert secret not in redacted and redacted.endswith("&page=2")


@given(
    word=st.sampled_from(["reset", "expired", "forgot", "change", "policy"]),
)
def test_a_search_for_a_password_word_is_kept(word: str) -> None:
    """A `+` is a query's space; `%20` stays inside a word (a password may hold an escaped space)."""
    text = f"GET /search?q=password+{word}&page=2 200"
    assert REDACT(text) == text


@given(secret=_SECRETS, name=st.sampled_from(["password is", "the password is", "password"]))
def test_a_password_holding_an_escaped_space_is_redacted_whole(secret: str, name: str) -> None:
    text = f"{name} {secret[:4]}%20{secret[4:]}"
    assert secret[4:] not in REDACT(text)


_QUOTES = st.sampled_from([("“", "”"), ("„", "“"), ("‘", "’"), ("«", "»"), ("「", "」")])


@given(quotes=_QUOTES, secret=_SECRETS, name=st.sampled_from(["api key", "password", "token", "secret"]))
def test_a_credential_in_typographic_quotes_is_redacted(
    quotes: tuple[str, str], secret: str, name: str
) -> None:
    opening, closing = quotes
    assert secret not in REDACT(f"{name} {opening}{secret}{closing} rejected")


@given(quotes=_QUOTES, word=st.sampled_from(["expired", "changed", "reset", "missing"]))
def test_a_word_in_typographic_quotes_after_a_credential_word_is_kept(
    quotes: tuple[str, str], word: str
) -> None:
    text = f"password {quotes[0]}{word}{quotes[1]} for bob"
    assert REDACT(text) == text


@given(secret=_SECRETS, arrow=st.sampled_from(["→", "⇒", "->"]))
def test_a_credential_after_an_arrow_is_redacted(secret: str, arrow: str) -> None:
    assert secret not in REDACT(f"secret {arrow} {secret}")


@given(
    secret=_SECRETS,
    scheme=st.sampled_from(["Bearer", "Basic", "Token"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_a_folded_authorization_header_loses_its_credential(secret: str, scheme: str, newline: str) -> None:
    assert secret not in REDACT(f"Authorization: {scheme}{newline}  {secret}")


def _split_events(
    lines: list[str], gap: float = 0.001, instances: tuple[str, ...] = ("inst-1",)
) -> list[str]:
    """The messages of the events of `lines`, each logged as its own entry (a stream split per line)."""
    parser = EntryParser(Redactor(), StackParser())
    raw = [
        run_entry(10.0 + n * gap, text=line, severity="ERROR", instance=instances[n % len(instances)])
        for n, line in enumerate(lines)
    ]
    entries = [parser.parse(n, entry) for n, entry in enumerate(raw, start=1)]
    return [event.primary.message for event in Reassembler(2.0, StackParser().parse, REDACT).events(entries)]


_LABELS = st.sampled_from(
    [
        "login failed, password:",
        "api_key =",
        "    password: |",
        "client_secret: >-",
        "token:",
        "Enter password:",
        "Authorization: Bearer",
    ]
)


@given(label=_LABELS, secret=_SECRETS, indent=st.sampled_from(["", "  ", "      ", "\t"]))
def test_a_credential_on_the_line_after_its_name_in_the_next_entry_is_redacted(
    label: str, secret: str, indent: str
) -> None:
    if label.rstrip().endswith(("|", ">-")):  # a block's lines are indented past its key
        indent = " " * (len(label) - len(label.lstrip()) + 2)
    elif label.startswith("Authorization"):  # a folded header's next line starts with a space
        indent = indent or " "
    messages = _split_events(["worker starting", label, f"{indent}{secret}", "worker stopped"])
    assert not any(secret in message for message in messages), messages
    assert messages[0] == "worker starting" and messages[-1] == "worker stopped"


@given(secret=_SECRETS)
def test_a_line_after_a_credential_label_of_another_stream_or_much_later_stays(secret: str) -> None:
    """Only the next line of the same stream, within the reassembly gap, is read after a label."""
    assert any(secret in m for m in _split_events(["password:", secret], instances=("inst-1", "inst-2")))
    assert any(secret in m for m in _split_events(["password:", secret], gap=5.0))


@pytest.mark.parametrize(
    "lines",
    [
        ["token:", "  expires_in: 3600"],
        ["password:", "changed by admin at 10:02"],
        ["api_key =", "4bf92f3577b34da6a3ce929d0e0e4736 is the trace"],
        ["config loaded", "  request_id: a1b2c3d4"],
    ],
)
def test_the_next_line_after_a_label_keeps_what_is_no_credential(lines: list[str]) -> None:
    assert _split_events(lines)[-1] == lines[-1]


def test_a_yaml_block_header_that_ends_a_text_is_no_password() -> None:
    """Its block is in the next entry, where the reassembler reads it after the header."""
    assert REDACT("    password: |") == "    password: |"
    assert REDACT("client_secret: >-") == "client_secret: >-"


_COLUMNS = st.sampled_from(["password", "password_hash", "client_secret", "api_token", "passwd"])
_PLAIN_COLUMNS = st.sampled_from(["name", "email", "note", "created_at", "id"])


@given(
    column=_COLUMNS,
    secret=_SECRETS,
    before=st.lists(_PLAIN_COLUMNS, max_size=3, unique=True),
    after=st.lists(_PLAIN_COLUMNS, max_size=2, unique=True),
    quote=st.sampled_from(["'", '"']),
)
def test_an_insert_of_literal_values_loses_the_value_of_its_credential_column(
    column: str, secret: str, before: list[str], after: list[str], quote: str
) -> None:
    columns = [*before, column, *after]
    values = [f"{quote}x, {n}{quote}" for n in range(len(before))] + [f"{quote}{secret}{quote}"]
    values += [str(n) for n in range(len(after))]
    text = f"INSERT INTO t ({', '.join(columns)}) VALUES ({', '.join(values)})"
    redacted = REDACT(text)
    assert secret not in redacted
    assert all(value in redacted for value in values if secret not in value)


@given(
    secret=_SECRETS,
    user=st.from_regex(r"[a-z]{2,8}(?:\.[a-z]{2,8})?", fullmatch=True),
    end=st.sampled_from(["", " rejected", "'", ","]),
)
def test_a_password_after_an_email_address_and_a_colon_is_redacted(secret: str, user: str, end: str) -> None:
    assert secret not in REDACT(f"login {user}@corp.example.org:{secret}{end}")


@pytest.mark.parametrize(
    "text",
    [
        "git@github.com:acme/app.git",
        "bob@example.test:2525",
        "bob@example.test:~/backup",
        "bob@example.test:admin",
    ],
)
def test_an_address_then_a_port_a_path_or_a_word_is_kept(text: str) -> None:
    assert REDACT(f"push {text} done").endswith(f"{text.partition(':')[2]} done")


@given(secret=_SECRETS, name=_NAMES, mark=st.sampled_from(["**", "*", "`"]))
def test_a_credential_under_a_markdown_name_is_redacted(secret: str, name: str, mark: str) -> None:
    assert secret not in REDACT(f"- {mark}{name}{mark}: {secret}")


_HOSTS = st.sampled_from(["db", "postgres", "redis", "cache-1", "localhost", "db.internal"])


@given(secret=_SECRETS, host=_HOSTS, tail=st.sampled_from(["", ":5432", ":6379/0", "/app", " failed", "'"]))
def test_a_login_before_a_host_of_one_label_is_redacted(secret: str, host: str, tail: str) -> None:
    assert secret not in REDACT(f"auth failed for app:{secret}@{host}{tail}")


@pytest.mark.parametrize(
    "text",
    [
        "pull redis:7-alpine@sha256:0123456789abcdef done",
        "FROM node:18-slim@sha256:abcdef0123456789",
        "Error:bob@x",
        "time 12:30@host",
        "v=app:release@prod now",
    ],
)
def test_an_image_digest_or_a_word_before_an_at_sign_is_no_login(text: str) -> None:
    assert REDACT(text) == text


def _ordered_events(lines: list[str], newest_first: bool, severity: str = "ERROR") -> list[str]:
    """The messages of the events of `lines` logged one per entry, a millisecond apart, the export oldest or newest
    first."""
    parser = EntryParser(Redactor(), StackParser())
    raw = [run_entry(10.0 + n * 0.001, text=line, severity=severity) for n, line in enumerate(lines)]
    if newest_first:
        raw.reverse()
    entries = [parser.parse(n, entry) for n, entry in enumerate(raw, start=1)]
    return [event.primary.message for event in Reassembler(2.0, StackParser().parse, REDACT).events(entries)]


# A credential's name on one line and its value on the next, in the shapes programs print them; the name's line
# may read as a log prefix (`- name: `) or a tag (`["password"]=>`) once the parser strips it.
_NAME_THEN_VALUE = st.sampled_from(
    [
        ("- name: {name}", "  value: {s}"),
        ("  - name: {name}", '    value: "{s}"'),
        ('  "name": "{name}",', '  "value": "{s}"'),
        ('"Name": "{name}",', '"Value": "{s}",'),
        ("Key: {name}", "Value: {s}"),
        ("Name: /prod/app/{name}", "Value: {s}"),
        ("Property: spring.datasource.{name}", 'Value: "{s}"'),
        ('["{name}"]=>', '  string(14) "{s}"'),
        ('  ["{name}":protected]=>', '  string(14) "{s}"'),
        ('  ["{name}":"App\\Config":private]=>', '  string(14) "{s}"'),
        ("<{name}>", "{s}"),
        ("<key>{name}</key>", "<string>{s}</string>"),
        ("${name}", '[1] "{s}"'),
        ("{{'{name}':", "    '{s}'}}"),
        ("Enter passphrase for key '/root/.ssh/id_rsa':", "{s}"),
        ("[sudo] password for deploy:", "{s}"),
        ("your new {name} is:", "{s}"),
    ]
)
_CREDENTIAL_NAMES = st.sampled_from(["API_SECRET", "DB_PASSWORD", "api_token", "ClientSecret", "password"])


@given(pair=_NAME_THEN_VALUE, name=_CREDENTIAL_NAMES, secret=_SECRETS, newest_first=st.booleans())
def test_a_value_split_from_its_name_is_redacted_in_either_order(
    pair: tuple[str, str], name: str, secret: str, newest_first: bool
) -> None:
    label, value = (part.format(name=name, s=secret) for part in pair)
    messages = _ordered_events(["worker starting", label, value, "worker stopped"], newest_first)
    assert not any(secret in message for message in messages), messages
    assert {"worker starting", "worker stopped"} <= set(messages)


@given(name=_CREDENTIAL_NAMES, secret=_SECRETS, quote=st.sampled_from(["", '"']))
def test_a_pair_written_value_first_loses_its_value(name: str, secret: str, quote: str) -> None:
    messages = _ordered_events([f"  value: {quote}{secret}{quote}", f"- name: {name}"], newest_first=False)
    assert not any(secret in message for message in messages), messages


@given(label=_NAME_THEN_VALUE, name=_CREDENTIAL_NAMES)
def test_the_fast_path_leaves_a_line_naming_a_credential_to_the_parser(
    label: tuple[str, str], name: str
) -> None:
    """A label below WARNING is parsed, not skimmed, so that reassembly reads it before its value's line."""
    parser = EntryParser(Redactor(), StackParser())
    assert parser.skim(1, run_entry(10.0, text=label[0].format(name=name), severity="INFO")) is None


@pytest.mark.parametrize(
    ("label", "title"),
    [("- name: DB_PASSWORD", "DB_PASSWORD"), ('["api_key"]=>', "=>"), ("- name: PORT", "PORT")],
)
def test_a_label_keeps_its_title_and_is_read_as_it_was_logged(label: str, title: str) -> None:
    entry = EntryParser(Redactor(), StackParser()).parse(1, run_entry(10.0, text=label, severity="ERROR"))
    assert entry.message == title
    assert entry.credential_label == ("" if title == "PORT" else label)


@pytest.mark.parametrize(
    "lines",
    [
        ["- name: PORT", '  value: "8080"'],
        ["- name: TOKEN_TTL", '  value: "3600"'],
        ["- name: LOG_LEVEL", "  value: debug"],
        ['["username"]=>', '  string(3) "bob"'],
        ["the password is", "too short"],
        ["checking password for bob:", "ok"],
        ["Enter your choice:", "2"],
    ],
)
@pytest.mark.parametrize("newest_first", [False, True])
def test_a_split_pair_that_holds_no_credential_is_kept(lines: list[str], newest_first: bool) -> None:
    messages = _ordered_events(["worker starting", *lines, "worker stopped"], newest_first)
    assert lines[-1].strip() in {m.strip() for m in messages}, messages


@given(
    label=st.sampled_from(["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]),
    body=st.lists(st.from_regex(r"[A-Za-z0-9+/]{20,64}", fullmatch=True), min_size=1, max_size=5),
    last=st.from_regex(r"[A-Za-z0-9+/]{4,30}={1,2}", fullmatch=True),
    newest_first=st.booleans(),
)
def test_a_private_key_logged_one_line_per_entry_is_redacted_line_by_line(
    label: str, body: list[str], last: str, newest_first: bool
) -> None:
    lines = ["loading key", f"-----BEGIN {label}-----", *body, last, f"-----END {label}-----", "key loaded"]
    messages = _ordered_events(lines, newest_first)
    assert not any(part in message for message in messages for part in [*body, last]), messages
    assert {"loading key", "key loaded"} <= set(messages)


@given(
    label=st.sampled_from(["RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OpenVPN Static key V1"]),
    prefix=st.sampled_from(["openvpn: ", "key.pem: ", "[tls-auth] ", "Options error: inline key: "]),
    body=st.lists(
        st.from_regex(r"[0-9a-f]{32}|[A-Za-z0-9+/]{20,64}", fullmatch=True), min_size=1, max_size=4
    ),
    newest_first=st.booleans(),
)
def test_a_private_key_logged_one_line_per_entry_behind_a_prefix_is_redacted_line_by_line(
    label: str, prefix: str, body: list[str], newest_first: bool
) -> None:
    # what the program writes before each line of the block (a tag, the file's name, its complaint) stays
    lines = ["loading key", f"{prefix}-----BEGIN {label}-----", *[prefix + line for line in body]]
    lines += [f"{prefix}-----END {label}-----", "key loaded"]
    messages = _ordered_events(lines, newest_first)
    assert not any(part in message for message in messages for part in body), messages
    assert {"loading key", "key loaded"} <= set(messages)


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_certificate_behind_a_prefix_opens_no_key_block(newest_first: bool) -> None:
    body = ["MIIBszCCAVmgAwIB", "AwIBAgIU=="]
    lines = [
        "ca.pem: -----BEGIN CERTIFICATE-----",
        *[f"ca.pem: {line}" for line in body],
        "ca.pem: -----END CERTIFICATE-----",
    ]
    assert {f"ca.pem: {line}" for line in body} <= set(_ordered_events(lines, newest_first))


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_certificate_logged_one_line_per_entry_opens_no_key_block(newest_first: bool) -> None:
    body = ["MIIBszCCAVmgAwIB", "AwIBAgIU=="]
    lines = ["-----BEGIN CERTIFICATE-----", *body, "-----END CERTIFICATE-----"]
    assert set(body) <= set(_ordered_events(lines, newest_first))


@given(
    secret=_SECRETS,
    siblings=st.lists(
        st.sampled_from(
            ['"Type": "SecureString",', '"Version": 3,', "  kind: Opaque", '"ARN": "arn:aws:ssm:x",']
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_a_pair_whose_value_comes_after_sibling_fields_loses_its_value(
    secret: str, siblings: list[str]
) -> None:
    lines = ['"Name": "/prod/db/password",', *siblings, f'"Value": "{secret}",']
    messages = _ordered_events(["{", *lines, "}"], newest_first=False)
    assert not any(secret in message for message in messages), messages


def test_a_pair_of_no_credential_after_sibling_fields_is_kept() -> None:
    lines = ['"Name": "/prod/app/port",', '"Type": "String",', '"Value": "8080",']
    assert '"Value": "8080",' in _ordered_events(lines, newest_first=False)


_MEMBERS = st.from_regex(r"[a-z]{2,8}(?:[._-][a-z]{2,6})?|[A-Z]{2,8}(?:_[A-Z]{2,6})?", fullmatch=True).filter(
    lambda name: key_class(name) is None
)


@given(
    name=st.sampled_from(["passwords", "secrets", "credentials", "dbPasswords", "creds"]),
    members=st.dictionaries(_MEMBERS, _SECRETS, min_size=1, max_size=3),
)
def test_a_map_of_credentials_by_user_or_service_loses_every_credential(
    name: str, members: dict[str, str]
) -> None:
    payload = {name: {**members, "count": 3, "region": "us-east-1"}}
    redacted = Redactor().redact_json(payload)
    assert not any(secret in json.dumps(redacted) for secret in members.values()), redacted
    assert redacted[name]["count"] == 3 and redacted[name]["region"] == "us-east-1"
    text = REDACT(f"config loaded: {json.dumps(payload)}")
    assert not any(secret in text for secret in members.values()), text
    assert '"region": "us-east-1"' in text


@given(
    name=st.sampled_from(["gitlab-token", "bearer", "password", "auth_token"]),
    host=st.from_regex(r"[a-z]{2,10}\.(?:example\.test|internal|io)", fullmatch=True),
    secret=_SECRETS,
)
def test_a_credential_keyed_by_its_host_is_redacted(name: str, host: str, secret: str) -> None:
    payload = {name: {host: secret}}
    assert secret not in json.dumps(Redactor().redact_json(payload))
    assert secret not in REDACT(json.dumps(payload))


@pytest.mark.parametrize("host", ["pat.example.test", "key.internal", "token.example.io"])
def test_a_credential_keyed_by_a_host_whose_first_label_is_a_credential_word_is_redacted(host: str) -> None:
    """The host names the member, not its kind (hypothesis found `pat.example.test`, read as a weak key name)."""
    assert "eli04Nx9o" not in REDACT(json.dumps({"gitlab-token": {host: "eli04Nx9o"}}))


@pytest.mark.parametrize(
    "payload",
    [
        {"tokens": {"prompt": 1532, "completion": 211, "model": "gpt-4o-mini-2024-07-18"}},
        {"credentials": {"provider": "gcp", "type": "service_account", "user": "user-42"}},
        {"secrets": {"name": "db-password", "rotated": "2026-12-01T10:00:00Z", "version": "v3"}},
        {"token": {"aud": "api.example.test", "sub": "user-42", "iss": "https://auth.example.test"}},
        {"keys": {"object": "3f786850e387550fdab836ed7e6dc881de23001b"}},
    ],
)
def test_a_map_under_a_credential_name_keeps_what_is_no_credential(payload: dict[str, Any]) -> None:
    assert Redactor().redact_json(payload) == payload
    assert REDACT(json.dumps(payload)) == json.dumps(payload)


@given(
    field=st.sampled_from(["header", "variable", "field", "option", "attribute", "property", "setting"]),
    name=st.sampled_from(["X-Api-Key", "DB_PASSWORD", "client_secret", "password"]),
    secret=_SECRETS,
    sort=st.booleans(),
)
def test_a_pair_named_by_any_name_field_loses_its_value(
    field: str, name: str, secret: str, sort: bool
) -> None:
    pair = {field: name, "value": secret}
    assert secret not in json.dumps(Redactor().redact_json({"items": [pair]}))
    assert secret not in REDACT(json.dumps([{field: "Accept", "value": "*/*"}, pair], sort_keys=sort))


@given(
    prefix=st.sampled_from(["", "  ", "- "]),
    name=_NAMES,
    properties=st.sampled_from(["&pw", "!!str", "&db !!str", "!!binary"]),
    secret=_SECRETS,
)
def test_a_yaml_value_after_an_anchor_or_a_tag_is_redacted(
    prefix: str, name: str, properties: str, secret: str
) -> None:
    text = f"{prefix}{name}: {properties} {secret}\nport: 5432"
    redacted = REDACT(text)
    assert secret not in redacted
    assert redacted == text.replace(secret, redacted.split(properties + " ", 1)[1].split("\n")[0])


@pytest.mark.parametrize(
    "text", ["password: !secret db_password", "MasterUserPassword: !Ref DbPassword", "password: *db_password"]
)
def test_a_yaml_reference_by_name_is_kept(text: str) -> None:
    assert REDACT(text) == text


_SIBLING_FIELDS = st.lists(
    st.sampled_from(["  description: primary database", "  valueFrom: null", "  optional: false", ""]),
    min_size=1,
    max_size=3,
)


@given(secret=_SECRETS, siblings=_SIBLING_FIELDS, newest_first=st.booleans())
def test_a_pair_with_sibling_fields_or_blank_lines_between_its_name_and_value_loses_its_value(
    secret: str, siblings: list[str], newest_first: bool
) -> None:
    lines = ["env:", "- name: DB_PASSWORD", *siblings, f"  value: {secret}"]
    messages = _ordered_events(["worker starting", *lines, "worker stopped"], newest_first)
    assert not any(secret in message for message in messages), messages


@given(
    secret=_SECRETS,
    siblings=st.lists(st.sampled_from(['"Type": "SecureString",', '"Version": 3,']), min_size=1, max_size=3),
)
def test_a_json_pair_newest_first_with_sibling_fields_between_loses_its_value(
    secret: str, siblings: list[str]
) -> None:
    lines = ["{", '"Name": "/prod/db/password",', *siblings, f'"Value": "{secret}",', "}"]
    messages = _ordered_events(lines, newest_first=True)
    assert not any(secret in message for message in messages), messages


@given(
    secret=st.one_of(
        _SECRETS, st.from_regex(r"[0-9a-f]{32}", fullmatch=True).filter(lambda h: len(set(h)) > 8)
    ),
    blanks=st.integers(0, 2),
    newest_first=st.booleans(),
)
def test_a_value_told_after_a_blank_line_in_the_next_entries_is_redacted(
    secret: str, blanks: int, newest_first: bool
) -> None:
    lines = [
        "Please use the following password to proceed to installation:",
        *[""] * blanks,
        secret,
        "",
        "This may also be found at: /var/jenkins_home/secrets/initialAdminPassword",
    ]
    messages = _ordered_events(["jenkins starting", *lines], newest_first)
    assert not any(secret in message for message in messages), messages
    assert "This may also be found at: /var/jenkins_home/secrets/initialAdminPassword" in messages


@pytest.mark.parametrize("newest_first", [False, True])
def test_sibling_fields_of_a_pair_of_no_credential_are_kept(newest_first: bool) -> None:
    lines = [
        "- name: LOG_LEVEL",
        "  description: verbosity",
        "  value: debug",
        "- name: PORT",
        '  value: "8080"',
    ]
    messages = _ordered_events(lines, newest_first)
    assert {"  value: debug", '  value: "8080"'} <= {m.rstrip() for m in messages}, messages


@given(
    secret=st.one_of(_SECRETS, st.from_regex(r"[a-z0-9]{14}", fullmatch=True)).filter(
        lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
    ),
    label=st.sampled_from(["Enter password:", "password:", "api_key =", "token:"]),
)
def test_a_stream_written_newest_first_inside_an_oldest_first_export_loses_its_value(
    secret: str, label: str
) -> None:
    """The export is oldest first; one stream's label and value come value first (its writer's order)."""
    parser = EntryParser(Redactor(), StackParser())
    raw = [
        run_entry(10.0 + n * 0.01, text=f"other line {n}", severity="ERROR", instance="b") for n in range(5)
    ]
    raw.append(run_entry(10.061, text=secret, severity="ERROR", instance="a"))
    raw.append(run_entry(10.06, text=label, severity="ERROR", instance="a"))
    raw += [
        run_entry(10.07 + n * 0.01, text=f"more line {n}", severity="ERROR", instance="b") for n in range(5)
    ]
    entries = [parser.parse(n, entry) for n, entry in enumerate(raw, start=1)]
    messages = [e.primary.message for e in Reassembler(2.0, StackParser().parse, REDACT).events(entries)]
    assert not any(secret in message for message in messages), messages
    assert len(messages) == len(raw)


@pytest.mark.parametrize("text", ["login password=*A refused", "login password=*Ab refused"])
def test_a_password_that_starts_with_an_asterisk_is_no_yaml_alias(text: str) -> None:
    assert REDACT(text) == "login password=[REDACTED:password] refused"


@given(
    field=st.sampled_from(["password", "newPassword", "user.api_token", "client_secret"]),
    secret=_SECRETS,
    order=st.permutations(["loc", "msg", "input", "type"]),
)
def test_a_validation_error_payload_loses_the_input_of_a_credential_field(
    field: str, secret: str, order: list[str]
) -> None:
    """pydantic's and FastAPI's errors (`loc`, `input`) and Spring's (`field`, `rejectedValue`), as a structured
    payload and as JSON text, in any key order."""
    values = {"loc": ["body", *field.split(".")], "msg": "invalid", "input": secret, "type": "value_error"}
    error = {key: values[key] for key in order}
    spring = {"field": field, "rejectedValue": secret, "code": "Size"}
    for payload in ({"detail": [error]}, {"errors": [spring]}):
        assert secret not in json.dumps(Redactor().redact_json(payload))
        assert secret not in REDACT(json.dumps(payload))


def test_a_validation_error_payload_keeps_the_input_of_other_fields() -> None:
    payload = {"detail": [{"loc": ["body", "age"], "msg": "not a number", "input": "forty-two"}]}
    assert Redactor().redact_json(payload) == payload
    assert REDACT(json.dumps(payload)) == json.dumps(payload)


@given(secret=_SECRETS)
def test_an_id_token_hint_is_redacted(secret: str) -> None:
    """OpenID Connect's `id_token_hint` holds the ID token itself; `login_hint` and `password_hint` name no secret."""
    text = f"GET /logout?id_token_hint={secret}&login_hint=ana&post_logout_redirect_uri=%2F 302"
    redacted = REDACT(text)
    assert secret not in redacted and "login_hint=ana" in redacted


@given(
    secret=_SECRETS,
    command=st.sampled_from(["zip -P {s} out.zip db.sql", "net user svc {s} /add", "AUTH default {s}"]),
    escape=st.sampled_from(["%20", "%0A"]),
)
def test_a_command_url_encoded_in_a_query_value_loses_its_credential(
    secret: str, command: str, escape: str
) -> None:
    encoded = quote(command.format(s=secret), safe="")
    if escape == "%0A":
        encoded = "started%0A" + encoded
    assert secret not in REDACT(f"GET /run?page=1&cmd={encoded}&x=2 400")


# A line that names a credential's field or prints one, and its value in the stream's next entry, either order.
_ANNOUNCED = st.sampled_from(
    [
        (
            "pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings",
            "smtp_password",
            "  String should have at least 16 characters [type=string_too_short, input_value='{s}', input_type=str]",
        ),
        ("$ terraform output -raw db_password", "{s}"),
        ("+ kubectl get secret app -o jsonpath='{{.data.api_token}}' | base64 -d", "{s}"),
        ("vault kv get -field=password secret/app", "{s}"),
        ("Password for the [elastic] user successfully reset.", "New value: {s}"),
        ("email,password,plan", "ana@example.test,{s},pro"),
    ]
)


@given(lines=_ANNOUNCED, secret=_SECRETS, newest_first=st.booleans())
def test_a_value_after_a_line_naming_its_field_or_printing_it_in_the_next_entry_is_redacted(
    lines: tuple[str, ...], secret: str, newest_first: bool
) -> None:
    messages = _ordered_events(["job started", *(line.format(s=secret) for line in lines)], newest_first)
    assert not any(secret in message for message in messages), messages
    assert "job started" in messages


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    "lines",
    [
        ["$ kubectl get pods -l app=web", "web-7d9f8b6c5d-x2x9q"],
        ["1 validation error for Settings", "db_host", "  Input should be a valid string [type=string_type, input_value=5432, input_type=int]"],
        ["Password reset email sent.", "Result: ok"],
        ["id,name,token_count", "7,ana,1532"],
    ],
)  # fmt: skip
def test_the_line_after_a_command_a_field_or_a_header_keeps_what_is_no_credential(
    lines: list[str], newest_first: bool
) -> None:
    assert lines[-1] in _ordered_events(lines, newest_first)


# SMTP's password prompt and the client's answer, each line logged as its own entry (the prefix a client's debug
# output writes before each line, then the base64 of the password)
_SMTP_PAIRS = st.sampled_from(
    [
        ("SERVER -> CLIENT: 334 UGFzc3dvcmQ6", "CLIENT -> SERVER: {e}"),
        ("< 334 UGFzc3dvcmQ6", "> {e}"),
        ("S: 334 cGFzc3dvcmQ6", "C: {e}"),
        ("<-  334 UGFzc3dvcmQ6", " -> {e}"),
    ]
)


@given(pair=_SMTP_PAIRS, secret=_SECRETS, newest_first=st.booleans())
def test_the_answer_to_smtps_password_prompt_in_the_next_entry_is_redacted_in_either_order(
    pair: tuple[str, str], secret: str, newest_first: bool
) -> None:
    encoded = base64.b64encode(secret.encode()).decode()
    prompt, answer = pair[0], pair[1].format(e=encoded)
    messages = _ordered_events(["mailer starting", prompt, answer, "mailer stopped"], newest_first)
    assert not any(encoded in message for message in messages), messages
    assert {"mailer starting", "mailer stopped"} <= set(messages)


def test_the_answer_to_smtps_user_prompt_stays() -> None:
    """`334 VXNlcm5hbWU6` asks for the user's name, which is no secret."""
    assert _split_events(["S: 334 VXNlcm5hbWU6", "C: Ym9iQGFjbWUudGVzdA=="])[-1] == "C: Ym9iQGFjbWUudGVzdA=="


@pytest.mark.parametrize(
    "text",
    [
        'POST https://events.pagerduty.com/v2/enqueue body={"routing_key":"{h}","event_action":"trigger"} 400',
        "pagerduty_configs:\n  - routing_key: {h}\n    severity: critical",
        "level=error integration=pagerduty routing_key={h} err=400",
    ],
)
def test_a_routing_key_of_a_generated_value_is_redacted(text: str) -> None:
    """PagerDuty's routing key (Events API v2) is its integration's secret; a message queue's routing key is a
    dotted name, and stays."""
    secret = "35d31fb71bd97e469103948334dcb4b7"
    assert secret not in REDACT(text.replace("{h}", secret))


@pytest.mark.parametrize(
    "text",
    ["routing_key=orders.created.v2 published", '{"routing_key": "billing.invoice.paid"}', "routing_key: #"],
)
def test_a_routing_key_that_names_a_route_stays(text: str) -> None:
    assert REDACT(text) == text


@given(
    signature=st.from_regex(r"[A-Za-z0-9_-]{22}", fullmatch=True).filter(
        lambda s: any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)
    )
)
def test_an_nginx_secure_link_signature_is_redacted(signature: str) -> None:
    text = f'"GET /videos/a.mp4?md5={signature}&expires=1764583200 HTTP/1.1" 403 153'
    assert signature not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        "GET /download?file=a.iso&md5=d41d8cd98f00b204e9800998ecf8427e 200",
        "GET /f?md5=1B2M2Y8AsgTpgAmY7PhCfg== 200",
    ],
)
def test_a_checksum_in_a_query_stays(text: str) -> None:
    """A content checksum is hex (32) or padded base64 (24): not nginx's signature (22, unpadded)."""
    assert REDACT(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "  const sig = crypto.createHmac('sha256', process.env.WEBHOOK_SECRET)",
        "const token = crypto.createHmac('sha512', key)",
        '{"key": "aes-256-gcm", "auth": "HS256"}',
        "    r = requests.get(URL, auth=(user, password), timeout=5)",
        "stripe publishable key pk_live_51HxYzAbCdEfGh9KlMn loaded",
        "client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFPM2x",
        "public_key_data: LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJ",
        "nostr event note1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn8rp5m8 fetched",
        "posthog: sending batch with project key phc_4kX9sQ2mZ7vL1pR8tY3wN6bH0cJ5dF",
        "oci: using compartment ocid1.compartment.oc1..aaaaaaaa6b5xq3yqz2m7kz4d8r3n2p1s0t9u8v7w6x5y4z3a2b1c0d",
        "launched ocid1.instance.oc1.eu-frankfurt-1.antheljt7wnvqyqc4x2kd3mz5p8r9s0t1u2v3w4x5y6z7a8b9c0d1e2f",
        "event ksuid=2Ws6J5ZkqQy3u9fXvT8pL1mN0aB processed",
        "user_uid: xBz3Kq9mT2vL8pR4sY6wN1cJ5dFh deleted",
    ],
)
def test_what_names_an_algorithm_a_variable_or_public_material_stays(text: str) -> None:
    assert REDACT(text) == text


@pytest.mark.parametrize("name", ["client-key-data", "tls.key", "note"])
def test_a_private_key_in_pem_wrapped_in_base64_is_redacted(name: str) -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n"
    wrapped = base64.b64encode(pem.encode()).decode()
    assert wrapped[40:80] not in REDACT(f"{name}: {wrapped}")


# Round sec25: one-time codes of letters and digits, codes whose owner is named before the separator, and an
# authenticator's base32 seed after a secret's name in prose.
@pytest.mark.parametrize(
    ("layout", "code"),
    [
        ("login with backup code {c} rejected: already used", "QX7RM2KD"),
        ("user 7 signed in with recovery code {c}", "7HQ2MZXKPA"),
        ("security code {c} accepted", "ab12cd34"),
        ("generated recovery codes for user 42: {c} k2m9x-4hq7z", "f8d2k-7x9qm"),
        ("sms code for +4915100000000: {c}", "482913"),
        ("backup codes regenerated for bob: {c}, ukn1-xo78-o5i8", "677e-do89-p299"),
    ],
)
def test_a_one_time_code_of_letters_and_digits_or_named_for_its_owner_is_redacted(
    layout: str, code: str
) -> None:
    assert code not in REDACT(layout.format(c=code))


@pytest.mark.parametrize(
    "text",
    [
        "verification code sent to bob",
        "pin v2beta1 required",
        "auth code expired for user 42: retry",
        "error code E1234X from upstream",
        "user 42 requested new recovery codes",
    ],
)
def test_a_code_word_without_a_code_stays(text: str) -> None:
    assert REDACT(text) == text


@given(
    name=st.sampled_from(["totp_secret", "mfa_secret", "otp_seed_secret", "GOOGLE_AUTH_SECRET"]),
    seed=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=32).filter(
        # random, not a mask (`AAAAAAAAABCDEFGH`); with a digit, as 96% of random 16-character seeds have: one of
        # letters only may read as words (`AAABBBCCICDDDEEE`), which stay, as every rule keeps words
        lambda seed: max(seed.count(c) for c in seed) <= 3 and any(c in "234567" for c in seed)
    ),
)
def test_a_base32_seed_after_a_secrets_name_in_prose_is_redacted(name: str, seed: str) -> None:
    assert seed not in REDACT(f"mfa: created {name} {seed} for user 42")


# Names whose qualifying words follow the noun (`токен доступа`, `chave de acesso`), then a separator and the value
@pytest.mark.parametrize(
    "name",
    [
        "токен доступа",
        "ключ доступа",
        "ключ API",
        "chave de acesso",
        "clave de acceso",
        "token de acceso",
        "klucz dostępu",
    ],
)
@pytest.mark.parametrize("separator", [": ", "=", "："])
@pytest.mark.parametrize("secret", ["Quorfani40%nt", "aB3dE5fG7hJ9kL1mN2pQ"])
def test_a_credential_named_with_its_qualifier_after_the_noun_is_redacted(
    name: str, separator: str, secret: str
) -> None:
    assert secret not in REDACT(f"auth failed, {name}{separator}{secret}")


# Words after a credential word that the prose reading takes as its value are no qualifiers: the value is read
# whole, as before qualifiers were read, and reading the redacted text again changes nothing
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("password AAAa:000:", "AAAa:000:"),
        ("пароль AAAa:000:", "AAAa:000:"),
        ("密码 bBAq-:e0:I1", "bBAq-:e0:I1"),
        ("login failed, password Xk2-: pw9", "Xk2-:"),
        ("secret Zq7 v8Kq2LmN4pX: abc", "v8Kq2LmN4pX"),
    ],
)
def test_a_value_after_a_credential_word_is_no_qualifier_of_its_name(text: str, value: str) -> None:
    redacted = REDACT(text)
    assert value not in redacted
    assert REDACT(redacted) == redacted


# What redaction left of a value (`z:[REDACTED:token]`) is judged without its marker, as the value was before: a
# second reading changes nothing (hypothesis finds of unseeded runs)
@pytest.mark.parametrize(
    "text",
    [
        'token: z:_I;"BzA1Ib_t',
        "api_key ;P.00ya'I0b;zc",
        "api key: o-/:Pd0zc'zA;a",
        "api_key: :0'Za9Bb.Zzu0",
    ],
)
def test_what_redaction_left_of_a_value_is_not_read_again(text: str) -> None:
    once = REDACT(text)
    assert "[REDACTED:" in once
    assert REDACT(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "secret rotation: enabled",
        "password policy: strict",
        "token expired at: 2026-12-01T10:00:00Z",
        "chave de acesso inválida",
        "ключ кэша: user42",
    ],
)
def test_a_credential_word_qualified_by_what_is_no_credential_stays(text: str) -> None:
    assert REDACT(text) == text


# A URL parser's complaint about a port that is no number: the port is the start of a password holding a `/`
@pytest.mark.parametrize(
    "layout",
    [
        'parse "amqp://orders:{s}/x1@mq.internal:5672/": invalid port ":{s}" after host',
        'parse "redis://10.0.0.7:{s}/0": invalid port ":{s}" after host',
        "ValueError: Port could not be cast to integer value as '{s}'",
    ],
)
@pytest.mark.parametrize("secret", ["Rk9FHSb0lw", "hulo7tislu"])
def test_a_password_read_as_a_port_is_redacted(layout: str, secret: str) -> None:
    assert secret not in REDACT(layout.format(s=secret))


@pytest.mark.parametrize(
    "text", ["dial tcp 10.0.0.5:5432: invalid port", "dial tcp: address 10.0.0.1:99999: invalid port"]
)
def test_a_number_read_as_a_port_stays(text: str) -> None:
    assert REDACT(text) == text


@pytest.mark.parametrize(
    "url",
    [
        "rtmp://a.rtmp.youtube.com/live2/{k}",
        "rtmps://global-live.mux.com:443/app/{k}",
        "rtmp://ingest.example.test:1935/live/{k}",
    ],
)
@pytest.mark.parametrize(
    "key", ["vlg4-k2qd-m842-dxc8-g544", "redjdcd9djh1opwrqhl1", "Xk29abQ7mN4pL8rT2vW6yZ0c"]
)
def test_a_stream_key_in_an_rtmp_url_is_redacted(url: str, key: str) -> None:
    assert key not in REDACT(f"Output #0, flv, to '{url.format(k=key)}':")


@pytest.mark.parametrize(
    "text",
    ["rtmp://ingest.example.test/live/studio2", "rtmp://ingest.example.test/live/camera-front-door-east"],
)
def test_a_stream_named_in_words_stays(text: str) -> None:
    assert REDACT(text) == text


_ANNOTATED_NAMES = st.sampled_from(["user", "host", "url", "timeout", "order_id", "page", "region"])
_CREDENTIAL_NAMES = st.sampled_from(
    ["password", "pwd", "api_key", "access_token", "client_secret", "db_pass"]
)


@given(
    before=st.lists(_ANNOTATED_NAMES, min_size=0, max_size=3),
    credential=_CREDENTIAL_NAMES,
    after=st.lists(_ANNOTATED_NAMES, min_size=0, max_size=3),
    secret=_SECRETS,
    indent=st.integers(min_value=4, max_value=12),
    bytes_repr=st.booleans(),
)
def test_an_annotated_frames_value_is_redacted_by_the_name_at_its_column(
    before: list[str], credential: str, after: list[str], secret: str, indent: int, bytes_repr: bool
) -> None:
    """loguru/better_exceptions: `└ value` under the column of its name in the source line above; the names to
    its right come first (their lines are above), each earlier name keeps a `│` at its column."""
    names = [*before, credential, *after]
    source = " " * indent + "call(" + ", ".join(names) + ")"
    columns = []
    at = indent + len("call(")
    for name in names:
        columns.append(at)
        at += len(name) + 2
    values = {name: f"'{name}-value'" for name in names}
    values[credential] = f"b'{secret}'" if bytes_repr else f"'{secret}'"
    lines = [source]
    for index in range(len(names) - 1, -1, -1):
        line = [" "] * columns[index]
        for earlier in columns[:index]:
            line[earlier] = "\u2502"
        lines.append("".join(line) + "\u2514 " + values[names[index]])
    text = "Traceback (most recent call last):\n" + "\n".join(lines) + "\nRuntimeError: failed"
    redacted = REDACT(text)
    assert secret not in redacted
    for name in [*before, *after]:
        assert f"'{name}-value'" in redacted


# PowerShell's plain-text secure string, its flags in any order before the string; a variable or the call that reads
# the secret is no value (`$env:DEPLOY_PW`, `(ConvertTo-SecureString …`)
@pytest.mark.parametrize(
    "layout",
    [
        "ConvertTo-SecureString -AsPlainText '{s}' -Force",
        'New-LocalUser -Name deploy -Password (ConvertTo-SecureString -AsPlainText "{s}" -Force)',
        'Set-ADAccountPassword -Identity jdoe -Reset -NewPassword (ConvertTo-SecureString -AsPlainText -Force "{s}")',
        "$p = ConvertTo-SecureString -Force -AsPlainText -String '{s}'",
    ],
)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "ksariksari707"])
def test_a_powershell_secure_string_after_its_flags_is_redacted(layout: str, secret: str) -> None:
    assert secret not in REDACT(layout.format(s=secret))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "$pw = ConvertTo-SecureString $env:DEPLOY_PW -AsPlainText -Force",
            "ConvertTo-SecureString $env:DEPLOY_PW",
        ),
        ("New-ADUser -Name svc -AccountPassword (Read-Host -AsSecureString)", "(Read-Host -AsSecureString)"),
        ("Invoke-Command -ComputerName db01 -ArgumentList $using:dbPassword", "$using:dbPassword"),
    ],
)
def test_a_powershell_variable_or_the_call_that_reads_a_secret_stays(text: str, kept: str) -> None:
    assert kept in REDACT(text)


# Wi-Fi passphrases where the tools print them: netsh's profile (`Key Content : X`), NetworkManager's secret
# properties, Android's `cmd wifi`, a station's join call (MicroPython, Arduino)
@pytest.mark.parametrize(
    "layout",
    [
        "    Security key           : Present\n    Key Content            : {s}",
        "Key Content : {s}",
        "nmcli connection modify office wifi-sec.key-mgmt wpa-psk wifi-sec.psk {s}",
        'nmcli con add type wifi ifname wlan0 ssid corp 802-1x.password "{s}" 802-1x.identity bob',
        "adb shell cmd wifi connect-network Office wpa2 {s}",
        "cmd wifi add-network \"Office 5G\" wpa3 '{s}'",
        '    wlan.connect("Office", "{s}")',
        "sta_if.connect(SSID, '{s}')",
        'WiFi.begin("warehouse", "{s}");',
        'wifiMulti.addAP("warehouse", "{s}");',
        'WiFi.softAP("esp-setup", "{s}")',
    ],
)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "mekrquor668"])
def test_a_wifi_passphrase_is_redacted(layout: str, secret: str) -> None:
    assert secret not in REDACT(layout.format(s=secret))


@pytest.mark.parametrize(
    "text",
    [
        "    Security key           : Present",
        "key contents are listed below",
        "nmcli device wifi list ifname wlan0",
        "cmd wifi connect-network Office open",
        'tx.begin("orders", "Belthulo58%vl")',
        'pool.addAP("a", "b", "Belthulo58%vl")',
        "WIFI:S:guest;T:nopass;P:;;",
    ],
)
def test_what_names_a_wifi_network_or_begins_something_else_stays(text: str) -> None:
    assert REDACT(text) == text


# A share link's token: Nextcloud's and ownCloud's `/s/<token>`, a Slack file's public link
@pytest.mark.parametrize(
    "layout",
    [
        'GET /s/{t} HTTP/1.1" 404',
        "download failed: https://cloud.acme.test/index.php/s/{t}/download?path=%2F&files=Q3.pdf",
        '{{"ocs":{{"data":{{"url":"https://cloud.acme.test/s/{t}"}}}}}}',
        '{{"app":"files_sharing","url":"\\/index.php\\/s\\/{t}\\/download","message":"Share not found"}}',
    ],
)
@pytest.mark.parametrize("token", ["b3L2nDcgiBw9ZHc", "Bn2Q8pin3LZATJD", "aB3dE5fG7hJ9kL1mN2pQxY"])
def test_a_share_links_token_is_redacted(layout: str, token: str) -> None:
    assert token not in REDACT(layout.format(t=token))


def test_a_slack_files_public_link_loses_its_secret() -> None:
    assert "c99b6152dd" not in REDACT("GET https://slack-files.com/T0ACME12-F0ACME123-c99b6152dd 404")


@pytest.mark.parametrize(
    "text",
    [
        "GET /s/about HTTP/1.1 404",
        "GET /s/PublicDocuments HTTP/1.1 200",
        "GET /s/releasenotes2024 HTTP/1.1 200",
        '{"url":"\\/s\\/about"}',
    ],
)
def test_a_share_path_named_in_words_stays(text: str) -> None:
    assert REDACT(text) == text


# An Expect dialogue at its password prompt: as the script writes it, as `expect -d` traces it, and one line per
# entry (a stream split per line)
_EXPECT_TRACE = [
    'expect: does "bob@10.0.0.5\'s password: " (spawn_id exp4) match glob pattern "*assword:"? yes',
    'expect: set expect_out(0,string) "password:"',
    'send: sending "{s}\\r" to {{ exp4 }}',
    'expect: does "\\r\\nPermission denied" (spawn_id exp4) match glob pattern "$ "? no',
]
_EXPECT_SCRIPT = ["spawn ssh admin@10.0.0.5", 'expect "assword:"', 'send -- "{s}\\r"', "interact"]


@pytest.mark.parametrize("lines", [_EXPECT_TRACE, _EXPECT_SCRIPT], ids=["trace", "script"])
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "ksariksari707"])
def test_an_expect_dialogues_answer_to_a_password_prompt_is_redacted(lines: list[str], secret: str) -> None:
    text = "\n".join(lines).format(s=secret)
    assert secret not in REDACT(text)
    assert not any(secret in message for message in _split_events(text.split("\n")))


def test_an_expect_dialogues_other_answers_stay() -> None:
    text = 'expect: does "continue connecting (yes/no)? " (spawn_id exp4) match glob pattern "yes/no"? yes\n'
    text += 'send: sending "yes\\r" to { exp4 }'
    assert REDACT(text) == text


# netsh's `Key Content` as a localized Windows prints it (`netsh wlan show profile NAME key=clear`): the content of
# a key is the key, a word or not
@pytest.mark.parametrize(
    "label",
    [
        "Schlüsselinhalt",
        "Contenu de la clé",
        "Contenido de la clave",
        "Conteúdo da Chave",
        "Contenuto chiave",
        "Sleutelinhoud",
        "Содержимое ключа",
        "Zawartość klucza",
        "Nyckelinnehåll",
        "关键内容",
        "主要なコンテンツ",
    ],
)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "mekrquor668"])
def test_a_localized_netsh_key_content_is_redacted(label: str, secret: str) -> None:
    text = f"    Authentication         : WPA2-Personal\n    {label:<22} : {secret}"
    assert secret not in REDACT(text)
    assert not any(secret in message for message in _split_events(text.split("\n")))


@pytest.mark.parametrize(
    "text",
    [
        "    Sicherheitsschlüssel   : Vorhanden",
        "    Clé de sécurité        : Présent",
        "    Authentifizierung      : WPA2",
    ],
)
def test_a_localized_netsh_field_that_holds_no_key_stays(text: str) -> None:
    assert REDACT(text) == text


# A WEP key given to a wireless tool: iw's `key [d:]<index>:<key>`, iwconfig's `key [restricted] s:<ascii>|<hex>`
@pytest.mark.parametrize(
    "layout",
    [
        "iw dev wlan0 connect Office key 0:{s}",
        "command failed: iw dev wlp2s0 connect -w lab-ap key d:1:{s} (-22)",
        "+ iw dev wlan1 ibss join adhoc 2412 key 0:abcde d:1:{s}",
        "iwconfig wlan0 essid Office key s:{s}",
    ],
)
@pytest.mark.parametrize("secret", ["97737b62b7", "369da00643fa06f675a41e2809", "mekrquor668"])
def test_a_wep_key_given_to_a_wireless_tool_is_redacted(layout: str, secret: str) -> None:
    assert secret not in REDACT(layout.format(s=secret))


def test_an_iwconfig_hex_key_is_redacted() -> None:
    assert "1234-5678-90" not in REDACT("iwconfig wlan0 key restricted 1234-5678-90")


@pytest.mark.parametrize(
    "text",
    ["iw dev wlan0 connect Office", "iwconfig wlan0 key off", "iwconfig wlan0 key open", "iw dev wlan0 link"],
)
def test_a_wireless_command_without_a_key_stays(text: str) -> None:
    assert REDACT(text) == text


# A Nextcloud public share opened over WebDAV: its token is the access log's user and, on the newer endpoint, a
# segment of the path
@pytest.mark.parametrize(
    "layout",
    [
        '203.0.113.7 - {t} [01/Dec/2026:10:04:11 +0000] "PROPFIND /public.php/webdav/ HTTP/1.1" 401 437',
        '10.1.2.3 - - [01/Dec/2026:10:05:00 +0000] "GET /public.php/dav/files/{t}/Q3.pdf HTTP/2.0" 200 18211',
        '10.1.2.3 - {t} [01/Dec/2026:10:05:00 +0000] "PUT /nc/public.php/webdav/upload.zip HTTP/1.1" 201 0',
        "GET https://cloud.acme.test/remote.php/dav/public-files/{t}/a.txt 404",
    ],
)
@pytest.mark.parametrize("token", ["Ovne2eltp1E2Y9M", "WjMs9xQhE3Oxtf1ab"])
def test_a_nextcloud_public_webdav_share_token_is_redacted(layout: str, token: str) -> None:
    assert token not in REDACT(layout.format(t=token))


@pytest.mark.parametrize(
    "text",
    [
        '10.0.0.5 - jdoe [01/Dec/2026:10:04:11 +0000] "GET /remote.php/dav/files/jdoe/ HTTP/1.1" 207 911',
        '10.0.0.5 - administrator [01/Dec/2026:10:04:11 +0000] "PROPFIND /public.php/webdav/ HTTP/1.1" 207 911',
        '203.0.113.7 - - [01/Dec/2026:10:04:11 +0000] "PROPFIND /public.php/webdav/ HTTP/1.1" 401 437',
    ],
)
def test_a_webdav_user_that_is_a_person_stays(text: str) -> None:
    assert REDACT(text) == text


# The command an auditd EXECVE record holds, one `aN="…"` field per argument, read as its command line
@pytest.mark.parametrize(
    "layout",
    [
        'type=EXECVE msg=audit(1764583202.555:8820): argc=4 a0="curl" a1="-u" a2="admin:{s}" a3="https://ci.test/"',
        'type=EXECVE msg=audit(1764583200.412:8812): argc=5 a0="mysql" a1="-uroot" a2="-p{s}" a3="-h" a4="db01"',
        'type=EXECVE msg=audit(1764583201.102:8815): argc=4 a0="sshpass" a1="-p" a2="{s}" a3="ssh"',
        'type=EXECVE msg=audit(1764583201.102:8815): argc=5 a0="htpasswd" a1="-b" a2="/etc/h" a3="admin" a4="{s}"',
    ],
)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "quorzupo757"])
def test_a_password_in_an_auditd_execve_record_is_redacted(layout: str, secret: str) -> None:
    assert secret not in REDACT(layout.format(s=secret))


def test_an_auditd_execve_record_without_a_credential_stays() -> None:
    text = 'type=EXECVE msg=audit(1764583200.412:8812): argc=4 a0="ls" a1="-la" a2="/var/log/nginx" a3="-h"'
    assert REDACT(text) == text


# A password's quote of its own after lftp's `-u user,` (`-u deploy,'X'`); Expect's answer at OpenSSL's
# `Enter PEM pass phrase:` (the prompt's words apart)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "quorzupo757"])
def test_a_quoted_lftp_password_and_an_answer_to_a_pass_phrase_prompt_are_redacted(secret: str) -> None:
    assert secret not in REDACT(f"+ lftp -u deploy,'{secret}' sftp://files.acme.test -e 'ls; bye'")
    trace = 'expect: does "Enter PEM pass phrase:" (spawn_id exp7) match glob pattern "*pass phrase*"? yes\n'
    trace += f'send: sending "{secret}\\r" to {{ exp7 }}'
    assert secret not in REDACT(trace)


# A label whose separator is doubled or whose value follows a blank line: `password==` then the value on the
# next line, `token::`, `password:`, a blank line, then the value; in one text and one line per entry
@pytest.mark.parametrize(
    "label",
    ["password==", "token::", "secret:=", "password:", 'Content-Disposition: form-data; name="password"'],
)
@pytest.mark.parametrize("blank", ["", "\n"])
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "quorzupo757"])
def test_a_value_after_a_doubled_separator_or_a_blank_line_is_redacted(
    label: str, blank: str, secret: str
) -> None:
    text = f"{label}\n{blank}{secret}"
    redacted = REDACT(text)
    assert secret not in redacted
    assert REDACT(redacted) == redacted
    for newest_first in (False, True):
        assert not any(
            secret in m for m in _ordered_events([label, *blank.split("\n")[:-1], secret], newest_first)
        )


@pytest.mark.parametrize(
    "text",
    ["password==", "token ==", "a = b\nc == d", "Password:\n\nLogin failed for user bob"],
)
def test_a_doubled_separator_without_a_value_stays(text: str) -> None:
    assert REDACT(text) == text


# A password piped or fed by a here-string to a command that reads it from its input: Kerberos' kinit, Samba's
# smbpasswd, ldappasswd, kpasswd, `htpasswd -i`, cifscreds, FreeIPA's `--password`
@pytest.mark.parametrize(
    "layout",
    [
        "echo {s} | kinit bob@CORP.TEST",
        "echo '{s}' | smbpasswd -s -a bob",
        'smbpasswd -a bob <<< "{s}"',
        'printf "%s" "{s}" | ldappasswd -x -D cn=admin -W -S uid=bob',
        "echo {s} | kpasswd bob",
        "echo '{s}' | htpasswd -i /etc/nginx/.htpasswd bob",
        "cifscreds add -u bob fs01 <<< {s}",
        "echo {s} | ipa user-add bob --first B --last C --password",
    ],
)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "quorzupo757"])
def test_a_password_fed_to_a_command_that_reads_it_from_its_input_is_redacted(
    layout: str, secret: str
) -> None:
    assert secret not in REDACT(layout.format(s=secret))


@pytest.mark.parametrize(
    "text",
    [
        "echo done | kinit-wrapper",
        "echo $KRB_PASS | kinit bob",
        "echo hello | grep h",
        "htpasswd -c /etc/h bob",
    ],
)
def test_what_is_fed_to_another_command_or_a_variable_stays(text: str) -> None:
    assert REDACT(text) == text


# A value written before the sentence that names it, one line per entry, a blank line or none between (Argo CD's
# `argocd admin initial-password`: the password, then `This password must be only used for first time login.`)
@pytest.mark.parametrize("blanks", [0, 1, 2])
@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("secret", ["hs5we0x3HM3Wrsh4", "Belthulo58%vl"])
def test_a_value_before_the_sentence_that_names_it_one_line_per_entry_is_redacted(
    blanks: int, newest_first: bool, secret: str
) -> None:
    sentence = (
        " This password must be only used for first time login. We strongly recommend you update the password"
    )
    lines = ["worker starting", secret, *[""] * blanks, sentence, "worker stopped"]
    messages = _ordered_events(lines, newest_first)
    assert not any(secret in message for message in messages)
    assert any(message.strip().startswith("This password") for message in messages)


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_word_before_a_sentence_that_names_no_value_stays(newest_first: bool) -> None:
    lines = [
        "worker starting",
        "NullPointerException",
        "",
        "This method is deprecated",
        "quorbelt",
        "This token expired",
    ]
    messages = _ordered_events(lines, newest_first)
    assert "NullPointerException" in messages and "quorbelt" in messages


# The kernel's key retention takes a key's data as a positional argument (`keyctl add TYPE NAME DATA KEYRING`,
# `keyctl update KEY DATA`) or from its input (`keyctl padd`, `pupdate`), as GNOME's `secret-tool store` does
@pytest.mark.parametrize(
    "layout",
    [
        "+ keyctl add user db_password {s} @u",
        '+ keyctl add big_key backup "{s}" @s',
        "keyctl add logon cifs:a:10.0.0.4 '{s}' @s: Invalid argument",
        "+ keyctl update 912838411 {s}",
        "+ echo -n {s} | keyctl padd user vault_unseal @u",
        "+ printf %s '{s}' | keyctl pupdate 912838411",
        "+ echo -n '{s}' | secret-tool store --label=db service orders user app",
    ],
)
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "quorzupo757", "Zx8Q2mLp9Kw3Vb7N"])
def test_a_secret_given_to_a_keyring_is_redacted(layout: str, secret: str) -> None:
    once = REDACT(layout.format(s=secret))
    assert secret not in once and REDACT(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "+ keyctl show @u",
        "+ keyctl add user session_ready 1 @s",
        "+ keyctl link 912838411 @u",
        "+ secret-tool lookup service orders user app",
    ],
)
def test_a_keyring_command_without_a_secret_stays(text: str) -> None:
    assert REDACT(text) == text


# A credential flag given a process substitution: the file the shell makes holds what the command prints
_SUBSTITUTED = st.sampled_from(
    [
        "--askpass {p}",
        "--askpass={p}",
        "--auth-user-pass {p}",
        "--password-file {p}",
        "--key-file={p}",
        "private-key {p}",
        "--passphrase-file {p}",
    ]
)
_PRINTS = st.sampled_from(
    ["<(echo {s})", "<(echo -n '{s}')", "<(printf '%s\\n' deploy {s})", '<(printf %s "{s}")']
)


@given(
    flag=_SUBSTITUTED,
    prints=_PRINTS,
    secret=_SECRETS,
    command=st.sampled_from(["openvpn", "restic", "wg set wg0"]),
)
def test_a_literal_printed_into_a_credentials_file_is_redacted(
    flag: str, prints: str, secret: str, command: str
) -> None:
    once = REDACT(f"+ {command} --config site.conf {flag.format(p=prints.format(s=secret))} --verbose")
    assert secret not in once and REDACT(once) == once
    assert "--verbose" in once


@pytest.mark.parametrize(
    "text",
    [
        "+ diff <(sort a.txt) <(sort b.txt)",
        "+ app --config-file=<(echo debug=1)",
        "+ openvpn --config office.ovpn --askpass /etc/openvpn/pass.txt",
        "+ openvpn --auth-user-pass /run/secrets/vpn-creds --daemon",
        "SSH_ASKPASS=/usr/lib/ssh/x11-ssh-askpass",
    ],
)
def test_a_substitution_that_prints_no_credential_or_a_secrets_path_stays(text: str) -> None:
    assert REDACT(text) == text


# Redis' MONITOR writes each word of a command quoted: `"CONFIG" "SET" "requirepass" "X"`
@pytest.mark.parametrize("name", ["requirepass", "masterauth"])
@pytest.mark.parametrize("case", [str.upper, str.lower])
@pytest.mark.parametrize("secret", ["Belthulo58%vl", "quorzupo757"])
def test_a_password_set_through_redis_config_as_monitor_writes_it_is_redacted(
    name: str, case: Any, secret: str
) -> None:
    text = f'1764583200.731840 [0 10.0.0.7:40112] "{case("config")}" "{case("set")}" "{name}" "{secret}"'
    assert secret not in REDACT(text)


def test_a_redis_config_set_of_no_password_stays() -> None:
    text = '1764583200.731840 [0 10.0.0.7:40112] "CONFIG" "SET" "maxmemory" "2gb"'
    assert REDACT(text) == text


_HEX = "0123456789abcdef"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _generated(alphabet: str, size: int) -> Any:
    return st.text(alphabet, min_size=size, max_size=size).filter(
        lambda value: sum(c.isdigit() for c in value) >= 2 and sum(c.isalpha() for c in value) >= 2
    )


# A monitoring service's ping URL and a blockchain RPC provider's endpoint carry their key in the path
@given(
    layout=st.sampled_from(
        [
            "curl -fsS https://hc-ping.com/{u}/fail",
            "GET https://hc-ping.com/{a22}/db-backup?create=1 201",
            "POST https://cronitor.link/p/{h32}/nightly?state=complete",
            "curl https://cronhub.io/ping/{u}",
            "curl https://nosnch.in/{h10} failed",
            "GET /api/push/{a10}?status=up&msg=OK&ping= 200",
            "HTTPError 401 for url: https://mainnet.infura.io/v3/{h32}",
            "wss://sepolia.infura.io/ws/v3/{h32} closed 1006",
            "rpc error: https://little-wind-42.quiknode.pro/{h40}/ returned 401",
            'url="https://rpc.ankr.com/polygon/{h64}"',
            "GET https://eth-mainnet.g.alchemy.com/nft/v3/{a32}/getNFTsForOwner 429",
        ]
    ),
    u=st.uuids().map(str),
    a22=_generated(_ALNUM, 22),
    a10=_generated(_ALNUM, 10),
    a32=_generated(_ALNUM, 32),
    h10=_generated(_HEX, 10),
    h32=_generated(_HEX, 32),
    h40=_generated(_HEX, 40),
    h64=_generated(_HEX, 64),
)
def test_a_ping_url_or_an_rpc_endpoints_key_is_redacted(layout: str, **values: str) -> None:
    text = layout.format(**values)
    secret = next(value for name, value in values.items() if "{" + name + "}" in layout)
    assert secret not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        "POST /api/push/notifications 200",
        "GET https://hc-ping.com/ 200",
        "web3: connected to https://mainnet.infura.io/v3/ (quota 80%)",
        "rpc: https://rpc.ankr.com/eth up",
    ],
)
def test_a_ping_or_rpc_url_without_a_key_stays(text: str) -> None:
    assert REDACT(text) == text


# Bundler's credentials for a gem source, one variable per host (`BUNDLE_GEMS__ACME__TEST=user:password`)
@pytest.mark.parametrize(
    "layout",
    [
        "+ export BUNDLE_GEMS__CONTRIBSYS__COM={s}",
        'BUNDLE_ENTERPRISE__CONTRIBSYS__COM: "{s}"',
        "+ docker build --build-arg BUNDLE_GEMS__ACME__TEST={s} .",
    ],
)
@pytest.mark.parametrize("secret", ["ef6c41fb:8072a71c", "ci:Belthulo58%vl"])
def test_bundler_credentials_for_a_gem_source_are_redacted(layout: str, secret: str) -> None:
    assert secret.partition(":")[2] not in REDACT(layout.format(s=secret))


@pytest.mark.parametrize(
    "text",
    [
        "BUNDLE_MIRROR__RUBYGEMS__ORG=https://gems.mirror.acme.test",
        "BUNDLE_BUILD__NOKOGIRI=--use-system-libraries",
        "+ export BUNDLE_PATH=vendor/bundle BUNDLE_JOBS=4",
    ],
)
def test_bundler_settings_that_hold_no_credential_stay(text: str) -> None:
    assert REDACT(text) == text


# Public key material: a JSON Web Key's public members, an age recipient, a Content-Security-Policy nonce
@pytest.mark.parametrize(
    ("text", "public"),
    [
        (
            '{"kty":"EC","crv":"P-256","kid":"k2","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",'
            '"y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}',
            "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
        ),
        (
            'jwks: {"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}',
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        ),
        (
            '{"kty":"RSA","use":"sig","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H'
            '95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs",'
            '"e":"AQAB"}',
            "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H",
        ),
        (
            "sops: encrypting for age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
            "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
        ),
        ("csp: script-src 'nonce-Zm9vYmFyYmF6cXV4' 'strict-dynamic'", "nonce-Zm9vYmFyYmF6cXV4"),
    ],
)
def test_public_key_material_stays(text: str, public: str) -> None:
    assert public in REDACT(text)


def test_a_json_web_keys_private_member_is_redacted() -> None:
    private = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"
    text = (
        '{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","d":"' + private + '"}'
    )
    assert private not in REDACT(text)


# Where a secret is stored, by its path: Kubernetes' `namespace/name`, AWS Secrets Manager's or Vault's names
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("k8s: Secret default/registry-token created", "default/registry-token"),
        ("Error: couldn't find key password in Secret default/orders-db", "default/orders-db"),
        ("Created secret ops/github-token", "ops/github-token"),
        ("Secrets Manager can't find the specified secret prod/orders/api-token", "prod/orders/api-token"),
        # a bare `secret:` names the stored secret by its path as `--secret-id` does (one word says what is stored)
        ("secret: prod/orders/api-token", "prod/orders/api-token"),
        ("api_key: team-payments/stripe-live-key", "team-payments/stripe-live-key"),
        (
            "cache key: build-linux-x64-node20-8c2b1d3a4e5f6071 restored",
            "build-linux-x64-node20-8c2b1d3a4e5f6071",
        ),
    ],
)
def test_a_stored_secrets_name_or_a_named_digest_stays(text: str, name: str) -> None:
    assert name in REDACT(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("login with password admin/admin failed", "admin/admin"),
        ("secret: Belt-quor/58zupo%x", "Belt-quor/58zupo%x"),
        # under a password's name any value is the password, a passphrase written as a path of words too
        ("password=correct-horse/battery-staple", "correct-horse/battery-staple"),
        ("DB_PASSWORD: blue-sky/green-tree", "blue-sky/green-tree"),
        ('{"apiKey": "key-8c2b1d3a4e5f60718293a4b5c6d7e8f9"}', "8c2b1d3a4e5f60718293a4b5c6d7e8f9"),
    ],
)
def test_a_credential_shaped_like_a_path_or_a_named_digest_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


# HubSpot's private app token is a UUID behind `pat-<region>-`: redacted wherever it stands
@given(region=st.sampled_from(["na1", "eu1", "ap1"]), uuid=st.uuids().map(str))
def test_a_hubspot_private_app_token_is_redacted(region: str, uuid: str) -> None:
    token = f"pat-{region}-{uuid}"
    assert token not in REDACT(f'hubspot: 401 {{"detail": "{token}"}}')
    assert uuid in REDACT(f'hubspot: 401 {{"correlationId": "{uuid}"}}')


# FTP's or POP3's `PASS X` on a line of its own, the `USER` line in another entry: as curl -v, lftp, pyftpdlib,
# ftplib's debug output, vsftpd's protocol log and a POP3 transcript write the command
_PASS_LINES = [
    "PASS {}",
    "> PASS {}",
    "---> PASS {}",
    "<- PASS {}",
    "*cmd* 'PASS {}'",
    'Tue Mar  5 10:00:00 2024 [pid 3] [bob] FTP command: Client "192.0.2.7", "PASS {}"',
    "C: PASS {}",
]


@given(
    line=st.sampled_from(_PASS_LINES),
    word=st.text("BFQSTZbcdfkmqtuz", min_size=3, max_size=8),
    digits=st.integers(10, 9999),
    symbol=st.sampled_from("!#%$&+"),
    tail=st.text("abqxyzKQ", min_size=2, max_size=4),
)
def test_a_lone_ftp_pass_command_is_redacted(
    line: str, word: str, digits: int, symbol: str, tail: str
) -> None:
    secret = f"{word}{digits}{symbol}{tail}"
    assert secret not in REDACT(line.format(secret))


@pytest.mark.parametrize(
    "text",
    [
        " PASS  src/components/App.test.js",  # Jest: a test file that passed
        " PASS  e2e/firstTest.spec.js (95.604s)",
        "PASS",  # Go's summary line
        "> PASS ********",  # a client that masks it
        "*cmd* 'PASS **********'",
        "Result: PASS TestCheckout",  # a verdict, not the command
        "tests PASS 12ms",
        "--- PASS: TestCheckout (0.00s)",  # `go test -v`: a test, a subtest
        "    --- PASS: TestCheckout/declined_card (0.01s)",
    ],
)
def test_a_test_runners_pass_line_stays(text: str) -> None:
    assert REDACT(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "PASS: Quorbelt27%ab",
        "PASS=Quorbelt27%ab",
        "--- PASS: Quorbelt27%ab",
        "--- PASS: TestX (0.00s) PASS=Quorbelt27%ab",
    ],
)
def test_a_password_named_pass_is_still_redacted(text: str) -> None:
    assert "Quorbelt27%ab" not in REDACT(text)


# A token pair's halves named alone, as Django REST framework SimpleJWT answers (`{"access": X, "refresh": Y}`):
# an opaque random value is a token, in a payload and in text; a setting under those names stays
@given(seed=st.integers(0, 2**32), upper=st.booleans())
def test_a_token_pairs_halves_named_alone_are_redacted(seed: int, upper: bool) -> None:
    draw = random.Random(seed)
    alphabet = string.ascii_uppercase + string.digits if upper else string.ascii_letters + string.digits

    def token() -> str:
        while True:
            value = "".join(draw.choice(alphabet) for _ in range(32))
            if any(c.isdigit() for c in value) and any(c.isupper() for c in value):
                return value

    access, refresh = token(), token()
    payload = {"access": access, "refresh": refresh}
    redacted = json.dumps(Redactor().redact_json(payload))
    for out in (
        redacted,
        *(REDACT(text) for text in (json.dumps(payload), repr(payload), json.dumps(json.dumps(payload)))),
    ):
        assert access not in out
        assert refresh not in out


@pytest.mark.parametrize(
    "payload",
    [
        {"access": "granted"},
        {"access": "read-write"},
        {"access": "PUBLIC"},
        {"access": "roles/storage.objectViewer"},
        {"refresh": "30s"},
        {"refresh": "2024-05-01T10:00:00Z"},
        {"refresh": True},
    ],
)
def test_a_setting_named_access_or_refresh_stays(payload: dict[str, Any]) -> None:
    assert Redactor().redact_json(payload) == payload
    assert REDACT(json.dumps(payload)) == json.dumps(payload)


# A host key's fingerprint after the words that name the key: public, what the key is known by
_FINGERPRINT = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"


@pytest.mark.parametrize(
    ("text", "fingerprint"),
    [
        (f"The ECDSA host key for 10.0.0.5 has changed: {_FINGERPRINT}", _FINGERPRINT),
        (f"Host key for 10.0.0.4 has changed:\n{_FINGERPRINT}", _FINGERPRINT),
        (
            "Host key for 10.0.0.4 has changed: MD5:3b:8f:2c:1a:44:de:90:12:ab:cd:ef:01:23:45:67:89",
            "MD5:3b:8f:2c:1a:44:de:90:12:ab:cd:ef:01:23:45:67:89",
        ),
    ],
)
def test_a_host_keys_fingerprint_stays(text: str, fingerprint: str) -> None:
    assert fingerprint in REDACT(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # under a password's name a value of a fingerprint's shape is the password
        (f"Password for bob has changed: {_FINGERPRINT}", _FINGERPRINT),
        # not a fingerprint's length, or no fingerprint's prefix: the key itself
        (
            "The API key for orders is:\nSHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2sXq",
            "uNiVztksCsDhcc0u9e8",
        ),
        (
            "Host key for 10.0.0.4 has changed: uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            "uNiVztksCsDhcc0u9e8",
        ),
    ],
)
def test_a_secret_after_a_keys_words_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        # google-api-core's PermissionDenied, on the line after the call that failed
        "publish failed\ngoogle.api_core.exceptions.PermissionDenied: 403 User not authorized to perform this "
        "action. [subscription: projects/shop-prod/subscriptions/invoice-requests]",
        "retrying\nCaller authorized to read only (resource: projects/p/topics/orders-v2)",
        "pull\nUser authorized to list {name: projects/p/secrets/db-password}",
    ],
)
def test_a_resource_in_brackets_after_words_for_a_credential_stays(text: str) -> None:
    """The bracket closing after the value is the sentence's, not part of the value: without it the value is a
    resource's name, not a password's shape."""
    assert REDACT(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("x\nToken refused for the call [scope: Ab3dEf9hIj]", "Ab3dEf9hIj"),
        ("x\n(password for root: Hunter2x)", "Hunter2x"),
        ("x\nEnter password for root: pr0jects/a]", "pr0jects/a"),
    ],
)
def test_a_credential_in_brackets_after_words_for_it_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        # Spring Boot's thread column (the name's last 15 characters), before and after the application's name
        "2026-11-21 10:00:00.123 ERROR 1 --- [ntainer#0-0-C-1] o.s.k.l.KafkaMessageListenerContainer    : Error",
        "2026-11-21T10:00:00.123Z ERROR 1 --- [orders] [ntainer#2-0-C-1] o.s.k.l.KafkaMessageListenerContainer : x",
        # Spring Kafka's consumer thread, whole, in a logstash-logback-encoder field and in prose
        '{"thread_name": "org.springframework.kafka.KafkaListenerEndpointContainer#0-1-C-1", "level": "ERROR"}',
        "consumer stopped: KafkaListenerEndpointContainer#3-0-C-12 left the group",
        # any name in a thread's place
        '{"threadName": "Rx-Pool#3a", "message": "x"}',
        'Exception in thread "Pool#7-Wk2" java.lang.OutOfMemoryError: Java heap space',
    ],
)
def test_a_threads_name_stays(text: str) -> None:
    assert REDACT(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("password=Summer#2024-A-1", "Summer#2024-A-1"),
        ("login failed for bob with Wk9#-Pz3xQ", "Wk9#-Pz3xQ"),
        ('{"threadName": "main", "password": "Rx-Pool#3a"}', "Rx-Pool#3a"),
    ],
)
def test_a_password_of_a_threads_shape_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        "dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 rhost=10.0.0.5",
        "sshd[812]: auth: pam_sss(sshd:account): received for user bob: 6 (Permission denied)",
        "dovecot: auth: auth-worker(1234): conn unix:auth-worker: Connection lost",
    ],
)
def test_a_components_tag_after_an_auth_label_stays(text: str) -> None:
    assert REDACT(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [("auth: admin:S3cr3tPw", "S3cr3tPw"), ("auth: svc(Ab3dEf9hIjKl:Zz9x)", "Ab3dEf9hIjKl")],
)
def test_a_credential_after_an_auth_label_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


# PKCE (RFC 7636, its appendix B's values): with the S256 method the challenge is the verifier's SHA-256 digest,
# sent through the browser; with `plain` (the default) the challenge is the verifier, and the verifier is a secret
_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"


@pytest.mark.parametrize(
    "text",
    [
        "GET /authorize?response_type=code&client_id=s6BhdRkqt3&code_challenge="
        + _CHALLENGE
        + "&code_challenge_method=S256 302",
        "GET /authorize?code_challenge_method=S256&code_challenge=" + _CHALLENGE + "&state=af0ifjsldkj",
        json.dumps({"code_challenge": _CHALLENGE, "code_challenge_method": "S256"}),
    ],
)
def test_an_s256_pkce_challenge_stays(text: str) -> None:
    assert _CHALLENGE in REDACT(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "GET /authorize?response_type=code&code_challenge=" + _VERIFIER + "&code_challenge_method=plain",
            _VERIFIER,
        ),
        ("GET /authorize?response_type=code&code_challenge=" + _VERIFIER, _VERIFIER),
        ("POST /token code_challenge_method=S256 code_verifier=" + _VERIFIER, _VERIFIER),
        (
            "code_challenge_method=S256 aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
    ],
)
def test_a_pkce_verifier_or_a_plain_challenge_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


# A name that says its value refers to a secret (Kubernetes' `secretKeyRef`, cert-manager's `passwordSecretRef`,
# Flux's `secretRef`) holds the secret's name; a token's JOSE header parameters (RFC 7515) are in the clear
@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("valueFrom: secretKeyRef: name: orders-db key: password", "name: orders-db"),
        ("passwordSecretRef: name: keystore-pass key: password-key", "name: keystore-pass"),
        ("spec.secretRef: orders-api-env", "orders-api-env"),
        ('{"apiKeyRef": "stripe-live"}', "stripe-live"),
        ("jwt: alg=RS256 kid=9c1f2e typ=JWT", "alg=RS256"),
        ("token header: kid=2024-05-rotation", "kid=2024-05-rotation"),
    ],
)
def test_a_secrets_reference_or_a_tokens_header_stays(text: str, kept: str) -> None:
    assert kept in REDACT(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("secretKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("password: alg=Quorbelt27%ab", "Quorbelt27%ab"),
        (
            "jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX29mX3RoZV90b2tlbg",
            "c2lnbmF0dXJlX29mX3RoZV90b2tlbg",
        ),
        ("secret_ref=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ],
)
def test_a_secret_beside_a_reference_or_a_header_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


# What names, places or describes a credential under a credential's name is no credential: gcloud's Secret
# Manager references (`ENV=secret:version`, `/mount/path=secret:version`), a setting and its state, the path of a
# key file, a Deployment's pod name after the noun `secret`, an id of the public shapes under any name
@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "gcloud run services update billing --update-secrets=SMTP_PASSWORD=smtp-pass:5,PGPASS=pg-main:latest",
            "SMTP_PASSWORD=smtp-pass:5,PGPASS=pg-main:latest",
        ),
        ("gcloud run jobs deploy etl --set-secrets=/var/run/keys/hmac=signing-key:12", "signing-key:12"),
        (
            "--update-secrets=API_TOKEN=projects/shop/secrets/api-token:latest",
            "projects/shop/secrets/api-token",
        ),
        ("auth: pinning_enabled=false", "pinning_enabled=false"),
        ("rate limiter: api key quota: keys_in_use=14", "keys_in_use=14"),
        ("credentials: retries=3", "retries=3"),
        (
            "FIREBASE_CREDENTIALS=/opt/app/conf/firebase-adminsdk.json not readable",
            "/opt/app/conf/firebase-adminsdk.json",
        ),
        ("SERVICE_ACCOUNT_KEY=~/.config/acme/key.json", "~/.config/acme/key.json"),
        (
            "secret pull-creds missing; pod billing-worker-5c7d9b8f6-q4wxz pending",
            "billing-worker-5c7d9b8f6-q4wxz",
        ),
        ("token mount failed: secret missing for pod ingest-6f8d4c9b7-mz2kp", "ingest-6f8d4c9b7-mz2kp"),
        ("sid=CA9e7c1b2d3f405162738495a6b7c8d9e0 call failed: busy", "CA9e7c1b2d3f405162738495a6b7c8d9e0"),
        ("webhook auth_subject=cus_Qx4Lm9Tz2Vb8Nw refused", "cus_Qx4Lm9Tz2Vb8Nw"),
        ("gcloud secrets versions access 7 --secret=smtp-relay-password failed", "smtp-relay-password"),
        ("aws secretsmanager get-secret-value --secret-id billing/stripe-api-key", "billing/stripe-api-key"),
        ('{"SecretId": "prod/orders/db-creds", "VersionStage": "AWSCURRENT"}', "prod/orders/db-creds"),
        (
            "gcloud run services update web --remove-secrets=LEGACY_SMTP_PASSWORD,STRIPE_KEY",
            "LEGACY_SMTP_PASSWORD",
        ),
        ("secret: rotation_period=2592000s", "rotation_period=2592000s"),
        ("vault kv get -field=password secret/pg", "secret/pg"),
        ("op item get smtp --fields label=password vaults/Shared", "vaults/Shared"),
        ("pulling image registry.example.com/auth:v1.0.0 failed", "auth:v1.0.0"),
        ("image us-docker.pkg.dev/p/r/token-broker/token:2.14.1-rc.2 not found", "token:2.14.1-rc.2"),
        ("signing_key: v3.1 rotated", "v3.1"),
        # a Java object's default toString, its class qualified: an object, under a token's name too
        (
            "Bad activity token: android.app.ActivityThread$ActivityClientRecord@aef9ed2",
            "android.app.ActivityThread$ActivityClientRecord@aef9ed2",
        ),
        (
            "*** register callback for android.widget.RemoteViews$SetOnClickPendingIntent@7b78aa2",
            "android.widget.RemoteViews$SetOnClickPendingIntent@7b78aa2",
        ),
        (
            "auth handler com.example.ui.LoginActivity$1@5e8f0a1 detached",
            "com.example.ui.LoginActivity$1@5e8f0a1",
        ),
        # an Elasticsearch index in brackets, its name and its UUID of 22 base64url characters
        ("[es-hot-2] closing indices [traces-2026.12.26/Od9P0BB9bBU1x3oLyRBwv2]", "Od9P0BB9bBU1x3oLyRBwv2"),
        (
            "[node-1] [[.ds-logs-web-2026.12.27/Xk3pQm9sT2uVw8yZ1aB4cD][0]] started",
            ".ds-logs-web-2026.12.27/Xk3pQm9sT2uVw8yZ1aB4cD",
        ),
    ],
)
def test_a_credentials_reference_setting_path_or_id_stays(text: str, kept: str) -> None:
    assert kept in REDACT(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("--update-secrets=DB=Zq8#mL2vR9xT", "Zq8#mL2vR9xT"),
        ("password=Summer2024=ok:1", "Summer2024=ok:1"),
        ("password: android.app.ActivityThread$ActivityClientRecord@aef9ed2", "ActivityClientRecord@aef9ed2"),
        ("token: Summer$2024@abc1ef", "Summer$2024@abc1ef"),
        ("api key [Xk3pQm9sT2uVw8yZ1aB4cDq9Zz7Lw]", "Xk3pQm9sT2uVw8yZ1aB4cDq9Zz7Lw"),
        ("auth: token=73920184562", "73920184562"),
        ("credentials: api_key=Hx72KqPz9LmVt4Rw8YbN3cDf", "Hx72KqPz9LmVt4Rw8YbN3cDf"),
        ("token: /9zKx7Qp2Lm/Vt4Rw8YbN3cDfHx72KqPz", "/9zKx7Qp2Lm/Vt4Rw8YbN3cDfHx72KqPz"),
        ("api_key=Xk29ZpQ7vLm3Tt8Rw4.json", "Xk29ZpQ7vLm3Tt8Rw4"),
        ('secret "ghcr-pull" is Hq7Zp2Lm9Xk4Vt8Rw3Yb', "Hq7Zp2Lm9Xk4Vt8Rw3Yb"),
        ("password: /srv/app/pw.txt", "/srv/app/pw.txt"),
        ("gcloud secrets versions access 7 --secret=Xq7Lm2Zp9Kv4", "Xq7Lm2Zp9Kv4"),
        ("--secret-id correct-horse-battery-staple", "correct-horse-battery-staple"),
        ("--db-password=smtp-relay-password", "smtp-relay-password"),
        ("password=ADMIN_2024", "ADMIN_2024"),
        ("secret: token=73920184562", "73920184562"),
        ("auth_method=password Hx7kQ2pLz9", "Hx7kQ2pLz9"),
        ("vault kv put kv/orders password=Vq8Lm2Zp9Kx4", "Vq8Lm2Zp9Kx4"),
        ("password: v1.0.0", "v1.0.0"),
        ("api_key=v1x9Zq2Lm7Kp4Vt8Rw3", "v1x9Zq2Lm7Kp4Vt8Rw3"),
        ("token: 1.2.3Hx7kQ2pLz9Vt8Rw3Yb", "1.2.3Hx7kQ2pLz9Vt8Rw3Yb"),
    ],
)
def test_a_secret_shaped_like_a_reference_setting_or_path_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in REDACT(text)


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    "command",
    [
        "+ gopass show -o infra/prod/redis",
        "+ keyring get smtp.acme.test alerts",
        "+ netlify env:get STRIPE_WEBHOOK_SIGNING --context production",
        "+ aws ssm get-parameter --name /prod/orders/db --with-decryption --query Parameter.Value --output text",
    ],
)
def test_the_output_of_a_command_reading_a_secret_store_in_the_next_entry_is_redacted(
    command: str, newest_first: bool
) -> None:
    """A command that reads a secret store without naming a credential (`keyring get HOST USER`), its output line
    logged as the stream's next entry, in either order."""
    messages = _ordered_events(["job started", command, "Walnut603heron908dcQ"], newest_first)
    assert not any("Walnut603heron908dcQ" in message for message in messages), messages
    assert "job started" in messages


@pytest.mark.parametrize(
    ("source", "annotations"),
    [
        (
            "    conn = Connection(server, user=bind_dn, password=bind_password, auto_bind=True)",
            [
                "           │          │           │                  └ '{s}'",
                "           │          │           └ 'cn=svc-sync,ou=services,dc=acme,dc=test'",
                "           │          └ Server(host='ldap.acme.test', port=636)",
            ],
        ),
        (
            "    client = WebClient(token=settings.slack_token)",
            [
                "             │             │          └ '{s}'",
                "             │             └ <Settings app_name='notify'>",
            ],
        ),
    ],
)
def test_a_value_loguru_annotates_under_its_name_one_line_per_entry_is_redacted(
    source: str, annotations: list[str]
) -> None:
    """loguru's `diagnose` frames logged one line per entry (oldest first): each `└ value` line is read under the
    frame's source line, where its column names the value; the values of other names stay."""
    secret = "Walnut603heron908dcQ"
    lines = ['  File "/app/sync.py", line 58, in bind', source, *(a.format(s=secret) for a in annotations)]
    messages = _ordered_events(lines, newest_first=False)
    assert not any(secret in message for message in messages), messages
    assert any("cn=svc-sync" in message or "<Settings" in message for message in messages)


def test_a_value_loguru_annotates_first_is_redacted_when_the_export_is_newest_first() -> None:
    """Newest first, the annotation of a frame's first value (its rightmost name) comes right before the frame's
    source line: it is held, and redacted under it; the other names' values stay."""
    secret = "Walnut603heron908dcQ"
    lines = [
        '  File "/app/db.py", line 31, in connect',
        "    pool = await create_pool(dsn=dsn, password=db_pass, min_size=1)",
        f"                 │               │             └ '{secret}'",
        "                 │               └ 'postgresql://db.internal:5432/orders'",
        "                 └ <function create_pool at 0x7f3a1c2b9e40>",
    ]
    messages = _ordered_events(lines, newest_first=True)
    assert not any(secret in message for message in messages), messages
    assert any("postgresql://db.internal:5432/orders" in message for message in messages)


def test_a_value_jsonschema_quotes_before_naming_it_one_line_per_entry_is_redacted() -> None:
    """jsonschema's error quotes the rejected value first and names its property two lines later; logged one line
    per entry (oldest first), the first line is redacted once the path names a credential; a setting's stays."""
    secret = "Walnut603heron908dcQ"
    lines = [
        f"jsonschema.exceptions.ValidationError: '{secret}' does not match '^[A-Za-z0-9]{{8,64}}$'",
        "",
        "Failed validating 'pattern' in schema['properties']['db_password']:",
        "    {'pattern': '^[A-Za-z0-9]{8,64}$', 'type': 'string'}",
        "",
        "On instance['db_password']:",
        f"    '{secret}'",
        "jsonschema.exceptions.ValidationError: 'eu-west-9' is not one of ['eu-west-1', 'eu-west-2']",
        "",
        "Failed validating 'enum' in schema['properties']['region']:",
    ]
    messages = _ordered_events(lines, newest_first=False)
    assert not any(secret in message for message in messages), messages
    assert any("'eu-west-9' is not one of" in message for message in messages)


# An object right after a credential's word in prose is the credential's value: each member's value is the
# credential (whatever the member is called: `data`, `new`, `current`, `raw`, `v`), written as JSON, a Python repr
# (bytes too), a YAML flow mapping, or nested; unless the member's name says what else it holds
_OBJECT_SHAPES = st.sampled_from(
    [
        '{{"{name}":"{secret}"}}',
        "{{'{name}': '{secret}'}}",
        "{{'{name}': b'{secret}'}}",
        "{{{name}: {secret}}}",
        '{{"encrypted":false,"{name}":"{secret}","created":"2026-12-01"}}',
        '{{"data":{{"{name}":"{secret}"}}}}',
        "{{{name}: {secret}, confirm: {secret}}}",
    ]
)


@given(
    word=st.sampled_from(["secret", "password", "client secret", "webhook secret", "token", "api key"]),
    name=st.sampled_from(
        ["data", "new", "current", "previous", "raw", "plaintext", "Value", "whsec", "v", "old"]
    ),
    shape=_OBJECT_SHAPES,
    before=st.sampled_from(["vault read ok, ", "rotate failed for ", "ERROR ", "ValueError: bad "]),
    secret=_SECRETS,
)
def test_an_object_after_a_credential_word_is_the_credentials_value(
    word: str, name: str, shape: str, before: str, secret: str
) -> None:
    assert secret not in REDACT(f"{before}{word} {shape.format(name=name, secret=secret)}")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            'failed to sign token with key {"kty":"RSA","kid":"key-2026-01","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2a'
            'iAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W","e":"AQAB"}',
            '"e":"AQAB"',
        ),
        (
            'token {"id":"a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b","type":"bearer","length":32}',
            '"type":"bearer"',
        ),
        ('token {"type":"bearer","length":32,"expires_in":3600}', '"expires_in":3600'),
        ('secret {"name":"orders-db","namespace":"prod"}', '"name":"orders-db"'),
        ("secret {'algorithm': 'HS256', 'kid': 'k-2026-01'}", "'algorithm': 'HS256'"),
        ('secret {"path":"kv/app/db","version":3}', '"path":"kv/app/db"'),
    ],
)
def test_what_an_object_after_a_credential_word_says_of_it_stays(text: str, kept: str) -> None:
    assert kept in REDACT(text)


# A `,` or `;` in a value followed by `name=` ends it only when that is a list's next parameter: a name of words
# (`grpc-accept-encoding`, `LOGMECH`) whose value is no credential itself; a generated piece (`Ef5=Gh6…`, `x=Zt5…`)
# or base64's padding (`…,Qx8Zt5Rv7=`) is the same credential's
@given(
    name=st.sampled_from(["password", "db_password", "secret", "PASSWORD"]),
    separator=st.sampled_from([",", ";"]),
    piece=st.sampled_from(["x", "q", "Ef5", "k", "id"]),
    head=_SECRETS,
    secret=_SECRETS,
)
def test_a_credential_piece_after_a_comma_and_a_name_is_not_a_next_parameter(
    name: str, separator: str, piece: str, head: str, secret: str
) -> None:
    redacted = REDACT(f"ERROR {name}={head}{separator}{piece}={secret} user=app")
    assert head not in redacted
    assert secret not in redacted


@given(
    word=st.sampled_from(["password:", "invalid password:", "new password", "password rejected:"]),
    head=_SECRETS,
    secret=_SECRETS,
    padding=st.sampled_from(["=", "==", "=, retrying"]),
)
def test_a_value_with_a_comma_and_base64_padding_is_one_value(
    word: str, head: str, secret: str, padding: str
) -> None:
    redacted = REDACT(f"ERROR {word} {head},{secret}{padding}")
    assert head not in redacted
    assert secret not in redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Metadata(x-api-key=Ab3Cd4Ef5Gh6Ij7,grpc-accept-encoding=gzip,user-agent=grpc-java-netty/1.60.0)",
            "user-agent=grpc-java-netty/1.60.0",
        ),
        ("PASSWORD=Kx9Lm2Qw8,LOGMECH=TD2", "LOGMECH=TD2"),
        ("password=Kx9Lm2Qw8;Encrypt=yes;Server=db1", "Encrypt=yes"),
        ("redis password=Kx9Lm2Qw8Zt;db=0;ssl=true", "ssl=true"),
        ("token: Kx9Lm2Qw8Zt5Rv7,scope=read", "scope=read"),
    ],
)
def test_a_lists_next_parameter_after_a_credential_stays(text: str, kept: str) -> None:
    assert kept in REDACT(text)


# A digest's algorithm before a value of that digest's size makes it public only when no word near it says it is a
# key: the nearest word before it that names something decides, then the nearest after it
_DIGEST_44 = "Td3mQ9vT2xW8yB4nR7pL1sD6fG0hJ5kA3cE8iO2uY4w="


@pytest.mark.parametrize(
    "text",
    [
        f"HMAC key (SHA-256 '{_DIGEST_44}') too short",
        f"api_key sha256 {_DIGEST_44}",
        f"decrypt failed with key SHA256 digest '{_DIGEST_44}'",
        f"Fernet(sha256 '{_DIGEST_44}') invalid token",
        f"signing secret sha-256={_DIGEST_44}",
    ],
)
def test_a_key_named_with_its_digests_algorithm_is_redacted(text: str) -> None:
    assert _DIGEST_44.rstrip("=") not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        f"Refused to load script: computed SHA-256 integrity '{_DIGEST_44}' for app.js",
        f'<script integrity="sha256-{_DIGEST_44}">',
        f"Digest: sha-256={_DIGEST_44}",
        f"file checksum SHA-256 '{_DIGEST_44}' mismatch",
        f"layer sha256 {_DIGEST_44} pulled",
    ],
)
def test_a_digest_named_by_its_algorithm_stays(text: str) -> None:
    assert _DIGEST_44.rstrip("=") in REDACT(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("redis-cli: auth app Au7Th8Qx2Zt", "Au7Th8Qx2Zt"),
        ('migrate 10.0.0.9 6379 "" 0 5000 auth2 app Mg7Pw8Qx2Zt keys a b', "Mg7Pw8Qx2Zt"),
        ('1733212800.1 [0 10.0.0.5:51234] "auth" "default" "Qa8Zt4Lm2Wx"', "Qa8Zt4Lm2Wx"),
        ("Auth default Hq8Lm2Zx9Kw", "Hq8Lm2Zx9Kw"),
        (
            '1733212800.1 [0 10.0.0.5:5] "ACL" "SETUSER" "worker" "reset" "on" ">Wk7Ls8Qx2Zt" "~jobs:*"',
            "Wk7Ls8Qx2Zt",
        ),
        ("acl setuser bob on >Yk9Lm2Qw8Zt ~cache:* +get", "Yk9Lm2Qw8Zt"),
        ("ACL SETUSER bob on <Old9Lm2Qw8 >New4Kx8Lm2 ~* +@all", "Old9Lm2Qw8"),
    ],
)
def test_a_redis_command_is_read_in_any_case_and_quoted(text: str, secret: str) -> None:
    """Redis reads a command's name in any case (`auth`, `AUTH2`, `Auth`), and MONITOR quotes each argument
    (`"ACL" "SETUSER" … ">X"`): the password of AUTH, AUTH2 and an ACL rule (`>X` adds it, `<X` removes it)."""
    assert secret not in REDACT(text)


@pytest.mark.parametrize(
    "text",
    [
        "auth failed for user bob",
        "auth service returned 503",
        "ACL SETUSER bob on nopass ~* +@all -> OK",
        "ACL SETUSER bob on #9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 ~* -> OK",
        "auth backend -> redis",
        "auth = aiohttp.BasicAuth(user_name, user_password)",
        "snyk auth --help",
    ],
)
def test_a_redis_command_without_a_password_stays(text: str) -> None:
    assert REDACT(text) == text
