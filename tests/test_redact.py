from __future__ import annotations

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
