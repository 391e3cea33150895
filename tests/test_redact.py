from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loggardener.entries.redact import Redactor

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


def _adversarial_inputs() -> dict[str, str]:
    """Crafted ~200 kB lines that made a rule backtrack quadratically (minutes per line before the fix)."""
    size = 200_000
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
    text = _adversarial_inputs()[name]
    started = time.perf_counter()
    Redactor().redact(text)
    assert time.perf_counter() - started < 2.0


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
