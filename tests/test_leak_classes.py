"""Six classes of credentials that shape rules miss (tests/leak_classes.py): none survives redaction, and their
look-alikes (commits, trace ids, digests, auth methods, page names) come out as written. Then each class's rule
on generated input, and each new rule in linear time on hostile input."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leak_classes import CLASSES, Kept, corpus, leaked
from linear import assert_linear, small_size
from loggardener.entries.redact import Redactor, entropy

LEAKS, KEPT = corpus()
REDACT = Redactor().redact


@pytest.mark.parametrize("group", CLASSES)
def test_no_credential_of_the_class_leaks(group: str) -> None:
    cases = [case for case in LEAKS if case.group == group]
    assert len(cases) >= 100
    still_open = [f"{case.layout!r}: {REDACT(case.text)}" for case in cases if leaked(REDACT, case)]
    assert not still_open, "\n".join(still_open)


@pytest.mark.parametrize("kept", KEPT, ids=lambda kept: kept.text[:60])
def test_the_look_alikes_of_each_class_are_kept(kept: Kept) -> None:
    assert kept.value in REDACT(kept.text)


def test_the_corpus_redacts_to_itself() -> None:
    """A marker is no value before a credential's name (`[REDACTED:token] is the api key`) nor a positional."""
    for case in LEAKS:
        once = REDACT(case.text)
        assert REDACT(once) == once, case.text


_HEX_RUNS = st.text("0123456789abcdef", min_size=32, max_size=96).filter(lambda run: entropy(run) >= 3.0)
_ID_NAMES = st.sampled_from(
    ["commit", "sha", "revision", "trace", "traceId", "request id", "etag", "md5", "sha256", "checksum",
     "fingerprint", "key id", "span", "build", "requestId", "digest", "cache_key", "NEXT_PAGE_TOKEN"]
)  # fmt: skip
_CREDENTIAL_WORDS = st.sampled_from(
    ["key", "token", "secret", "auth", "api", "hmac", "password", "credentials"]
)


@given(run=_HEX_RUNS, name=_ID_NAMES, word=_CREDENTIAL_WORDS)
def test_hex_named_as_an_id_or_a_digest_stays_whatever_else_the_line_says(
    run: str, name: str, word: str
) -> None:
    text = f"{word} check: {name} {run} done"
    assert run in REDACT(text)


@given(run=_HEX_RUNS, name=_ID_NAMES, word=_CREDENTIAL_WORDS)
def test_hex_after_a_credential_word_is_redacted_though_an_id_is_named_earlier(
    run: str, name: str, word: str
) -> None:
    assert run not in REDACT(f"{name} ok, using {word} {run}")


@given(run=_HEX_RUNS, word=_CREDENTIAL_WORDS)
def test_hex_with_no_name_near_it_is_redacted_when_its_line_names_a_credential(run: str, word: str) -> None:
    assert run not in REDACT(f"{word} rejected: upstream said {run} was wrong")
    assert run in REDACT(f"processing {run} done")


# a person's password (a word and digits), or one of the shape policies force (redacted wherever it stands)
_WORD_PASSWORDS = st.from_regex(r"[a-z]{3,8}[0-9]{1,4}[a-z0-9]{0,6}", fullmatch=True)
_PASSWORDS = _WORD_PASSWORDS | st.from_regex(r"[A-Za-z]{4,8}[0-9]{2,3}[!#$%*?^~&]", fullmatch=True)
_CREDENTIAL_NAMES = st.sampled_from(
    ["password", "api key", "secret", "access token", "passphrase", "client secret"]
)
_LINKS = st.sampled_from(["is the", "was used as", "was set as the", "is my", "=", "was accepted as the new"])


@given(value=_PASSWORDS, link=_LINKS, name=_CREDENTIAL_NAMES)
def test_a_value_before_its_credentials_name_is_redacted(value: str, link: str, name: str) -> None:
    assert value not in REDACT(f"{value} {link} {name}")
    assert value not in REDACT(f"note: {value} ({name})")


@given(value=_WORD_PASSWORDS, link=_LINKS, name=_CREDENTIAL_NAMES)
def test_a_value_before_a_compound_that_names_something_else_stays(value: str, link: str, name: str) -> None:
    for noun in ("reset", "policy", "field", "endpoint", "rotation"):
        assert value in REDACT(f"{value} {link} {name} {noun} page")


_WEBHOOK_NAMES = st.sampled_from(
    [
        "alertWebhookUrl",
        "webhook_url",
        "SLACK_WEBHOOK",
        "webhookURL",
        "hook_url",
        "teams-webhook-url",
        "webhook",
    ]
)
_URL_PATHS = st.from_regex(r"[a-z]{3,8}(/[a-z0-9]{2,8}){0,3}", fullmatch=True)


@given(name=_WEBHOOK_NAMES, path=_URL_PATHS)
def test_a_url_under_a_webhooks_name_loses_its_path_in_text_and_json(name: str, path: str) -> None:
    url = f"https://notify.example.net/{path}?channel=ops"
    for text in (json.dumps({name: url}), f"{name}={url}", f"{name}: {url}", f"--{name} {url}"):
        redacted = REDACT(text)
        assert f"/{path}?" not in redacted and "https://notify.example.net" in redacted, redacted
    payload = Redactor().redact_json({name: url, "status": 410})
    assert payload == {name: "https://notify.example.net[REDACTED:webhook]", "status": 410}


@pytest.mark.parametrize(
    "text",
    [
        '{"webhookUrlConfigured": true, "callbackUrl": "https://app.example.net/oauth/callback"}',
        "webhook_url=${SLACK_WEBHOOK_URL}",
        '{"hook": "pre-commit", "webhook": "disabled"}',
        "GET https://api.example.net/v1/webhooks/12345 200",
        "POST https://hooks.example.net/services returned 404",
    ],
)
def test_webhook_settings_without_a_url_path_stay(text: str) -> None:
    assert REDACT(text) == text
    assert Redactor().redact_json({"webhook_url": "https://hooks.example.net"}) == {
        "webhook_url": "https://hooks.example.net"
    }


_LOGINS = st.sampled_from(
    ["login as admin", "logging in as bob", "authenticating user bob", "signing in alice", "tried to log in",
     "auth for svc-deploy", "unlocked the vault", "logon attempt by bob"]
)  # fmt: skip


@given(login=_LOGINS, preposition=st.sampled_from(["with", "using", "via"]), value=_PASSWORDS)
def test_the_value_a_login_in_prose_was_made_with_is_redacted(
    login: str, preposition: str, value: str
) -> None:
    assert value not in REDACT(f"{login} {preposition} {value} failed")


@given(
    login=_LOGINS,
    method=st.sampled_from(
        [
            "OAuth2",
            "SAML2",
            "Kerberos5",
            "LDAPv3",
            "TLS1.3",
            "SCRAM-SHA-256",
            "x509",
            "WebAuthn",
            "SSO",
            "2FA",
        ]
    ),
)
def test_an_authentication_method_after_with_stays(login: str, method: str) -> None:
    text = f"{login} with {method} ok"
    assert REDACT(text) == text


@given(verb=st.sampled_from(["activate-refresh-token", "add-authtoken", "set-password", "rotate-api-key"]))
def test_a_subcommand_named_after_a_credential_takes_it_positionally(verb: str) -> None:
    value = "kor2velmis9"
    assert value not in REDACT(f"cli auth {verb} --quiet {value}")
    assert value not in REDACT(json.dumps(["cli", "auth", verb, value]))
    prose = f"the {verb} link was sent to bob and is valid for 2 hours"
    assert REDACT(prose) == prose


def _hostile_inputs(size: int) -> dict[str, str]:
    hex_run = "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"
    return {
        "hex runs after credential words": f"key {hex_run} " * (size // 37),
        "one long hex run": "api key " + "a1b2" * (size // 4),
        "hex runs without a line end": f"token x {hex_run}" * (size // 40),
        "values before names": "Xy7kP2mQ9r is the password " * (size // 27),
        "parentheses before names": "( " * (size // 2) + "password)",
        "links before names": "is " * (size // 3) + "password",
        "login verbs": "login " * (size // 6) + "with x1y2z3w4",
        "login clauses": "login a b c d e f g h " * (size // 22),
        "login pairs": "auth a / " * (size // 9),
        "credential subcommands": "set-password " * (size // 13),
        "credential subcommand arguments": "x-token" + " a1b2c3d4" * (size // 9),
        "webhook names": '"webhookUrl": "' * (size // 15),
        "webhook urls without an end": "webhook_url=https://h.example.net/" + "a/" * (size // 2),
        "hook hosts": "https://hooks.example.net/" + "Ab3dE5/" * (size // 7),
        "url users": "https://" + "a" * size + "@",
        "quoted assignments": '"PASSWORD=a ' * (size // 12),
        "set commands": "set PASSWORD=a " * (size // 15),
        "quoted values after password words": 'password is "a ' * (size // 15),
        "credentials and users": "credentials admin " * (size // 18),
        "auth flags": "auth -t " * (size // 8),
        "markers and spans": "[REDACTED:password] pw=Xy7kP2mQ9r " * (size // 35),
        "annotated frames": "    f(password)\n" + "    \u2514 'Xy7kP2mQ9r'\n" * (size // 20),
        "annotation bars": "    f(password)\n" + "    \u2502 \u2502 \u2502 \u2502 \u2502\n" * (size // 20),
        "device keys": "key 0 key 0 " * (size // 12) + "snmp-server community " * (size // 22),
        "net-snmp directives": "com2sec -Cn a b " * (size // 16) + "createUser -e a b SHA " * (size // 22),
        "graphql variables": "password: $p " * (size // 26)
        + "variables"
        + '"p": "Xy7kP2mQ9r", ' * (size // 26),
        "net-snmp sinks": "trap2sink h " * (size // 12) + "authCommunity log,net " * (size // 22),
        "qualified names": "токен доступа доступа " * (size // 40) + ": Xy7kP2mQ9r",
        "code owners": "recovery codes for " * (size // 19) + ": ab12cd34",
        "cookie attributes with blanks": "Set-Cookie: sid=Xk9pQ2mZ7vR4tL8w"
        + "; path=a        " * (size // 16)
        + "; x=1",
        "cookie expiry dates with blanks": "Set-Cookie: sid=Xk9pQ2mZ7vR4tL8w"
        + "; expires=Wed, 21 Oct   " * (size // 24),
        "placeholder closings": 'password: "a.b' + ")" * size + '"',
    }


@pytest.mark.parametrize("name", sorted(_hostile_inputs(100)))
def test_the_new_rules_run_in_linear_time(name: str) -> None:
    redactor = Redactor()
    scale = 30_000
    lines = {size: _hostile_inputs(size)[name] for size in (small_size(scale), scale)}
    assert_linear(lambda size: redactor.redact(lines[size]), scale)


def test_the_corpus_draws_every_shape_it_names() -> None:
    """Every layout of a class takes every value shape, so a rule built for one example does not pass it."""
    layouts = {(case.group, case.layout) for case in LEAKS}
    assert len(layouts) >= 150
    assert all(set(case.secret) - set(string.whitespace) for case in LEAKS)


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("`", "`"), ("‘", "’"), ("‚", "’"), ("“", "”"), ("„", "“"), ("«", "»"), ("「", "」"), ("『", "』")],
)
@pytest.mark.parametrize("key", ["password=", "PASSWORD: ", "db_secret = ", "passphrase "])
def test_a_passphrase_in_quotes_other_than_asciis_is_redacted_whole(
    key: str, opening: str, closing: str
) -> None:
    """A value in backticks or typographic quotes lost only its first word: the bare value's match ends at a space,
    and the rest of the passphrase (`horse battery staple`) reached the outputs."""
    said = Redactor().redact(f"login refused {key}{opening}correct horse battery staple{closing} for app")
    assert not any(word in said for word in ("correct", "horse", "battery", "staple")), said
    assert said.endswith(f"{closing} for app"), said


@pytest.mark.parametrize("text", ["auth: `enabled`", "password: `${DB_PASSWORD}` from env", "token: «none»"])
def test_a_setting_or_reference_in_such_quotes_stays(text: str) -> None:
    assert Redactor().redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "{User:app Password:Xk9p:Q2mZ7vR4tL8w Host:db}",  # not Go's empty field: the value holds a `:`
        "password: Winter2024.pass",  # a password shaped as an attribute, not code's
        "password: Monkey99.token",
        "db password=Summer.Fall(2024)!Xq",  # shaped as a call
        "password=Xk9p.Q2mZ7vR4tL8w[",
        "DB_PASSWORD=${DB_PASSWORD:-Xk9pQ2mZ7vR4}",  # a shell default that is no word
        "postgres://app:${DB_PASSWORD:-Xk9pQ2mZ7vR4}@db/x",
        "export DB_PASSWORD ${DB_PASSWORD:-Xk9pQ2mZ7vR4",  # cut before its closing brace
        "password_rejected: Xk9pQ2mZ7vR4tL8w",  # the password tried, under an event's name
        "password=#{Xk9pQ2mZ7vR4tL8w}",  # reference shapes around no name
        "password=env:Xk9pQ2mZ7vR4tL8w",
        "token=((Xk9pQ2mZ7vR4tL8w))",
        "token=%env(Xk9pQ2mZ7vR4tL8w)%",
        "token=vault://Xk9pQ2mZ7vR4tL8w",
        'password: !Sub "Xk9pQ2mZ7vR4tL8w"',  # `!Sub` takes a literal string
        "https://u:$(Xk9pQ2mZ7vR4tL8w)@h.example.com/",
        "password=$(echo Xk9pQ2mZ7vR4tL8w)",  # a command substitution that writes the secret itself
        "PASSWORD=$(printf '%s' 'Xk9pQ2mZ7vR4tL8w more') ./run",
    ],
)
def test_a_secret_in_the_shape_of_a_reference_or_a_field_is_still_redacted(text: str) -> None:
    """The rules that keep references (`${X}`, `settings.DB_PASSWORD`, `((x))`, `!Ref`) and Go's empty fields took
    any value of their shape: a password written in that shape reached the outputs."""
    said = Redactor().redact(text)
    assert not any(piece in said for piece in ("Xk9p", "Q2mZ", "Winter", "Monkey", "Summer")), said


@pytest.mark.parametrize(
    "text",
    [
        "{User:app Password: Host:db}",
        "password: ${DB_PASSWORD:-postgres}",
        "conn = connect(password=settings.DB_PASSWORD)",
        "    secret = self.client.access_secret_version(request={'name': name})",
        'password: !Sub "${DbPassword}"',
        "-passin env:KEY_PASS",
        "password=%env(DB_PASSWORD)%",
        "password: ((db-password))",
        "token: op://vault/item/field",
        "PasswordExpired: user bob must change it",
        "password=#{ENV['DB_PASSWORD']}",
        "args: --api-key=$(API_KEY)",
        "password=$(cat /run/secrets/db)",
    ],
)
def test_references_and_empty_fields_of_those_shapes_stay(text: str) -> None:
    assert Redactor().redact(text) == text
