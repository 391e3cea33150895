from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linear import assert_linear
from loggardener.entries import redact
from loggardener.entries.redact import Redactor, detect_secrets_formats, is_secret_value, key_class

SECRETS = {
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
    "google-api-key": "AIzaSyA1234567890abcdefghijklmnopqrstu",
    "github-token": "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "github-pat": "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
    "slack-token": "xoxb-123456789012-abcdefghijkl",
    "aws-access-key": "AKIAIOSFODNN7EXAMPLE",
    "google-oauth": "ya29.a0AfH6SMBx1234567890abcdef",
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_each_credential_kind_is_redacted(kind: str) -> None:
    secret = SECRETS[kind]
    text = Redactor().redact(f"calling api with {secret} now")
    assert secret not in text
    assert "[REDACTED:" in text and text.startswith("calling api with ") and text.endswith(" now")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
        ("postgresql://app:S3cr3t!x@db:5432/app", "S3cr3t!x"),
        ("redis://:hunter2hunter2@cache:6379", "hunter2hunter2"),
        ('{"password": "p4ssw0rd!"}', "p4ssw0rd!"),
        ("DB_PASSWORD=correcthorse", "correcthorse"),
        ("client_secret: abcdef123456", "abcdef123456"),
        ("mail from ops@example.com", "ops@example.com"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
    ],
)
def test_passwords_tokens_keys_and_emails(text: str, secret: str) -> None:
    assert secret not in Redactor().redact(text)


def test_emails_can_be_kept_and_custom_patterns_added() -> None:
    redactor = Redactor(emails=False, extra_patterns=[r"cust-\d{8}"])
    assert redactor.redact("ops@example.com cust-12345678") == "ops@example.com [REDACTED:custom]"


def test_ordinary_words_are_left_alone() -> None:
    text = "token validation failed in auth_service.token_validator; password reset page opened"
    assert Redactor().redact(text) == text


@given(st.text(max_size=200))
def test_redaction_is_idempotent(text: str) -> None:
    redactor = Redactor()
    once = redactor.redact(text)
    assert redactor.redact(once) == once


@given(st.sampled_from(sorted(SECRETS.values())), st.text(max_size=40), st.text(max_size=40))
def test_a_secret_anywhere_in_text_is_gone(secret: str, before: str, after: str) -> None:
    assert secret not in Redactor().redact(f"{before} {secret} {after}")


def _adversarial_inputs(size: int = 200_000) -> dict[str, str]:
    """Crafted lines of about `size` characters that made a rule backtrack quadratically (minutes per 200 kB
    line before the fix)."""
    return {
        "token= repeated": "token=" * (size // 6),
        "a. then secret": "a." * (size // 2) + " secret",
        "a. then @": "a." * (size // 2) + "@",
        "jwt headers without dots": "-eyJaaaa" * (size // 8),
        "url schemes without @": "a.a://u:" * (size // 8) + "@",
        "json token keys": '"token": "\\' * (size // 11),
        "private key headers": "-----BEGIN PRIVATE KEY-----" * (size // 27),
        "password keywords": "DB_PASSWORD.x" * (size // 13),
    }


@pytest.mark.parametrize("name", sorted(_adversarial_inputs()))
def test_hostile_line_is_redacted_in_linear_time(name: str) -> None:
    # A regression guard against catastrophic backtracking (Cloud Logging allows 256 KB entries), not a benchmark:
    # before the fix these took from 7 s to several minutes each.
    redactor = Redactor()
    assert_linear(lambda size: redactor.redact(_adversarial_inputs(size)[name]), 200_000)


SERVICE_ACCOUNT_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nc2VjcmV0Ym9keQ==\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"type": "service_account", "private_key": SERVICE_ACCOUNT_KEY, "client_email": "x"}),
        json.dumps({"private_key": SERVICE_ACCOUNT_KEY}),
        SERVICE_ACCOUNT_KEY,
        "loaded key " + SERVICE_ACCOUNT_KEY[:60],  # truncated: no END line
    ],
)
def test_private_key_bodies_never_survive(text: str) -> None:
    redacted = Redactor().redact(text)
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in redacted
    assert "c2VjcmV0Ym9keQ" not in redacted
    assert "[REDACTED:private-key]" in redacted


@pytest.mark.parametrize(
    "key", ["token", "access_token", "refresh_token", "id_token", "authorization", "idToken"]
)
def test_quoted_json_token_fields_are_redacted(key: str) -> None:
    text = json.dumps({key: 'opaque Value with "quotes" and spaces', "status": 401}, sort_keys=True)
    redacted = Redactor().redact(text)
    assert "opaque" not in redacted and "quotes" not in redacted
    assert f'"{key}": "[REDACTED:token]"' in redacted and '"status": 401' in redacted


def _more_adversarial_inputs(size: int = 200_000) -> dict[str, str]:
    """Crafted lines of about `size` characters against the key-name, header, DSN, flag and format rules."""
    return {
        "password= repeated": "password=a " * (size // 11),
        "scheme and user, no @": "a://b:" + "x" * size,
        "many DSN prefixes": "a://b:c " * (size // 8),
        "cookie headers": "Cookie: " * (size // 8),
        "authorization headers": "Authorization: Bearer " * (size // 22),
        "base64 without end": "A1b/" * (size // 4),
        "password flags": "--password " * (size // 11),
        "mysql -p": "mysql" + " -p" * (size // 3),
        "escaped JSON keys": '\\"token\\": \\"' * (size // 13),
        "non-ASCII keys": "päss=ü€ " * (size // 8),
        "key= repeated": "key=" * (size // 4),
        "PuTTY lines": "Private-Lines: 9\\n" * (size // 18),
        "dotted tokens": "M" + "a" * 25 + "." * (size // 2),
    }


@pytest.mark.parametrize("name", sorted(_more_adversarial_inputs()))
def test_hostile_line_against_the_new_rules_is_redacted_in_linear_time(name: str) -> None:
    # a guard against catastrophic backtracking (every built-in pattern is RE2), not a benchmark
    redactor = Redactor()
    assert_linear(lambda size: redactor.redact(_more_adversarial_inputs(size)[name]), 200_000)


@pytest.mark.parametrize(
    "text",
    [
        "commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39 deployed",  # a git hash
        "request 550e8400-e29b-41d4-a716-446655440000 took 12 ms",  # a UUID
        "trace projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736",
        "at validateToken (/app/src/auth/token.js:42:17)",  # a stack frame
        'File "/app/auth/session_manager.py", line 88, in refresh',
        "cache key=users limit=5",  # a weak name with an ordinary value
        "verifications: auth: MISSING",
        "Session: 30546173_4261722401 init",  # an id, not a token
        "sessionid: 0x14ede63a5a70002 closed",
        "Basic authentication failed for user bob",
        "token: expired",
        "GET /api/orders/95815?page=2&sort=desc 503",
        "sha256:9b2c1c1e7d0c4b7f8e6a5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a",
        # Kubernetes names the missing object after its kind: the name is what on-call needs
        'MountVolume.SetUp failed for volume "secrets" : secret "db-credentials" not found',
        'Error: secretKeyRef: key "password" not found in secret "app"',
        'volume "api-tokens" : Tokens "gateway" not found',
    ],
)
def test_ordinary_content_is_kept(text: str) -> None:
    assert Redactor().redact(text) == text


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("DB_PASSWORD", "password"),
        ("passphrase", "password"),
        ("clientSecret", "password"),
        ("aws_session_token", "token"),
        ("X-Amz-Signature", "token"),
        ("sig", "token"),
        ("JSESSIONID", "token"),
        ("x-api-key", "token"),
        ("AccountKey", "weak"),
        ("key", "weak"),
        ("private_key_id", "weak"),
        ("token_count", None),
        ("max_tokens", None),
        ("password_length", None),
        ("oauthClientId", None),
        ("token.js", None),
        ("status", None),
    ],
)
def test_key_names_are_classed(key: str, kind: str | None) -> None:
    assert key_class(key) == kind


def test_json_payload_values_go_by_key_name_before_serialization() -> None:
    payload = {
        "user": "bob",
        "db": {"password": 123456, "host": "db"},
        "headers": {"Authorization": "Token two words", "Cookie": "sid=abc; x=y"},
        "tokens": [{"refresh_token": "opaque refresh value"}],
        "count": 3,
    }
    redacted = Redactor().redact_json(payload)
    assert redacted["db"] == {"password": "[REDACTED:password]", "host": "db"}
    assert redacted["headers"] == {"Authorization": "[REDACTED:token]", "Cookie": "[REDACTED:token]"}
    assert redacted["tokens"] == [{"refresh_token": "[REDACTED:token]"}]
    assert redacted["user"] == "bob" and redacted["count"] == 3
    assert payload["db"]["password"] == 123456  # a copy: the input is left alone


# Any value that is not a placeholder (`***`, `null`, `${VAR}`, `<password>`...).
_VALUE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda v: is_secret_value("password", v)
)


@given(_VALUE)
def test_any_value_of_a_json_password_field_is_redacted(value: str) -> None:
    text = json.dumps({"password": value})
    assert json.loads(Redactor().redact(text)) == {"password": "[REDACTED:password]"}
    assert Redactor().redact_json({"password": value}) == {"password": "[REDACTED:password]"}


@pytest.mark.parametrize("value", ["hunter2", "letmein", "secret", "Key-9"])
def test_a_password_value_before_other_words_is_still_redacted(value: str) -> None:
    assert Redactor().redact(f"password: {value} refused") == "password: [REDACTED:password] refused"


@given(
    st.from_regex(r"[A-Za-z0-9!#%*+,./:?@^_~-]{1,40}", fullmatch=True).filter(
        lambda v: is_secret_value("password", v)
    )
)
def test_any_bare_password_assignment_is_redacted_whole(value: str) -> None:
    assert (
        Redactor().redact(f"login password={value} refused") == "login password=[REDACTED:password] refused"
    )


def test_detect_secrets_plugins_run_on_re2() -> None:
    formats, unsupported = detect_secrets_formats()
    assert len(formats) >= 25  # AWS, Azure, Discord, GitHub, GitLab, JWT, npm, OpenAI, PyPI, Slack, Stripe...
    # the look-behind keyword patterns RE2 cannot run; the key-name rules cover what they look for
    assert all(
        name.split(":")[0]
        in {"CloudantDetector", "IbmCosHmacDetector", "IbmCloudIamDetector", "SoftlayerDetector"}
        for name in unsupported
    )


def test_every_format_compiles() -> None:
    """Formats compile when a text first needs them: a broken pattern in secret_formats.toml fails here."""
    formats = [*redact._table_formats(), *detect_secrets_formats()[0]]
    assert len(formats) > 100
    for rule in formats:
        rule.pattern.search(b"")  # raises re2.error for a pattern RE2 cannot compile
