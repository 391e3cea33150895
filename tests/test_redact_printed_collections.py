"""Credentials in the collections programs print (red39): JSON and TOML lists of strings under a credential's name
(Go's `http.Header` and `url.Values` as JSON), .NET's `KeyValuePair` (`[Name, X]`), Clojure's EDN maps, `data:` URIs
of bytes of no declared kind, Fernet tokens (Keystone), the `id` of a session or token object, and a password named
in prose with more words before its verb or a remark in parentheses. Each redacted; look-alikes come out as written;
the new patterns in linear time."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linear import assert_linear, small_size
from loggardener.entries.redact import Redactor

REDACT = Redactor().redact

_FERNET = (
    "gAAAAABnTq2Lw" + "Xk9pQ2mZ7vR4tL8wHb3Nc6Jd1Fe5Gh0Ki2Lm4Np7Qr9St" * 3
)  # 0x80, a timestamp, then the rest


def _data_uri(payload: bytes, media: str = "application/octet-stream") -> str:
    return f"data:{media};base64,{base64.b64encode(payload).decode()}"


LEAKS = [
    # JSON lists of strings under a credential's name: Go's `http.Header`, `url.Values`, form posts, configs
    ('ERROR request failed headers={"X-Api-Key":["Rt5Yh6Uj7Ik8Ol9Pq0"]}', ["Rt5Yh6Uj7Ik8Ol9Pq0"]),
    ('ERROR form {"token":["Wd3Fe4Gr5Ht6Jy7Ku8"]}', ["Wd3Fe4Gr5Ht6Jy7Ku8"]),
    ('ERROR form {"username":["carol"],"password":["Kite4Lamp9Ro"]}', ["Kite4Lamp9Ro"]),
    (
        'ERROR cfg {"tokens":["Ab1Cd2Ef3Gh4Ij5Kl6Mn7","Pz8Ox7Nw6Mv5Lu4Kt3J"]}',
        ["Ab1Cd2Ef3Gh4Ij5Kl6Mn7", "Pz8Ox7Nw6Mv5Lu4Kt3J"],
    ),
    ('ERROR cfg {"password":[ "Gw5Hx6Jy7Kz8" ]}', ["Gw5Hx6Jy7Kz8"]),
    ('ERROR {"Authorization":["Bearer Hn7Jm8Kl9Zx0Cv1Bn2Mq3"]}', ["Hn7Jm8Kl9Zx0Cv1Bn2Mq3"]),
    (
        '{"secrets": [\n  "Qw9Er8Ty7Ui6Op5As4",\n  "Df3Gh2Jk1Lz0Xc9Vb8"\n]}',
        ["Qw9Er8Ty7Ui6Op5As4", "Df3Gh2Jk1Lz0Xc9Vb8"],
    ),
    # TOML's and Python's lists
    (
        'ERROR config api_keys = ["Mn3Bv4Cx5Zl6Kj7Hg8F", "Lk2Jh3Gf4Ds5Ap6Oi7U"]',
        ["Mn3Bv4Cx5Zl6Kj7Hg8F", "Lk2Jh3Gf4Ds5Ap6Oi7U"],
    ),
    ("ERROR settings passwords = ['Ferry42Gulls', 'Ocean17Drift']", ["Ferry42Gulls", "Ocean17Drift"]),
    # .NET's KeyValuePair printed: the whole value, spaces and all, up to the closing bracket
    ("ERROR settings [Password, Tq7 Bright4Stone]", ["Tq7 Bright4Stone"]),
    ("ERROR settings [pwd, Zn5Xm6Cv7Bq]", ["Zn5Xm6Cv7Bq"]),
    ("ERROR headers [X-Api-Key, Yh6Tg5Rf4Ed3Ws2Qa1]", ["Yh6Tg5Rf4Ed3Ws2Qa1"]),
    ("WARN headers [X-Auth-Token, Ol9Ik8Uj7Yh6Tg5Rf4], [Accept, */*]", ["Ol9Ik8Uj7Yh6Tg5Rf4"]),
    # Clojure's EDN maps: a keyword or a string key, blanks, the value
    ('ERROR db {:db-password "Ux4Vy5Wz6Ab"}', ["Ux4Vy5Wz6Ab"]),
    ('ERROR req {:headers {"x-api-key" "Po9Iu8Yt7Re6Wq5As4"}}', ["Po9Iu8Yt7Re6Wq5As4"]),
    ('ERROR {:user "bob", :api-token "Zm2Xn3Cb4Vv5Bc6Nx7Mz"}', ["Zm2Xn3Cb4Vv5Bc6Nx7Mz"]),
    # `data:` URIs of bytes of no declared kind: a key file or a .env uploaded so
    (
        "ERROR upload failed: "
        + _data_uri(
            b'{"type": "service_account", "private_key_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"}'
        ),
        [base64.b64encode(b'{"type": "service_account"').decode()[:24]],
    ),
    (
        'ERROR upload {"file": "' + _data_uri(b"DB_PASSWORD=Harbor77Lampq\nAPI_KEY=Zx9Cv8Bn7Mq6\n") + '"}',
        [base64.b64encode(b"DB_PASSWORD=Harbor77Lampq\n").decode()[:24]],
    ),
    # Fernet tokens (Keystone) under an id's name, or in an object's `id`
    (f"ERROR keystone token_id={_FERNET}", [_FERNET[:40]]),
    (f"ERROR keystone {json.dumps({'token': {'id': _FERNET, 'expires': '2026-12-01'}})}", [_FERNET[:40]]),
    (f"WARNING revoked fernet {_FERNET}", [_FERNET[:40]]),
    # the `id` of a session's or a token's object
    ('ERROR ctx {"session": {"id": "Lq4Wm5En6Rb7Tv8Yc9Ux0"}}', ["Lq4Wm5En6Rb7Tv8Yc9Ux0"]),
    (
        'ERROR {"access": {"token": {"id": "Hk3Jl4Zm5Xn6Cb7Vv8Bq9", "expires": "2026-12-01"}}}',
        ["Hk3Jl4Zm5Xn6Cb7Vv8Bq9"],
    ),
    # a password named in prose: more words say whose it is before the verb, or a remark in parentheses
    ("ERROR the password for user bob on host db-1 is Wharf63Pinep", ["Wharf63Pinep"]),
    ("ERROR the password for the deploy user on host db-2 was Tulip88Crane", ["Tulip88Crane"]),
    ("ERROR reset password (new) = Birch2026Owl", ["Birch2026Owl"]),
    ("ERROR password (new, 12 chars): Cedar4410Fox", ["Cedar4410Fox"]),
]

KEPT = [
    '{"Content-Type":["application/json"],"Accept":["*/*"]}',
    '{"grant_type":["password"],"scope":["openid"]}',
    '{"tokens":["SELECT","FROM","WHERE"]}',
    '{"keys":["user_id","created_at"]}',
    '{"token_types":["bearer","mac"]}',
    'api_keys = ["${API_KEY_1}", "${API_KEY_2}"]',
    "fields [Password, Username]",
    "[token, expired]",
    "missing [password, email, phone]",
    "[password, confirm]",
    '{:fields ["email" "password" "username"]}',
    'fields=["email", "password", "username"]',
    "header [Content-Type, application/json]",
    "[Password, ********]",
    '{:user "bob" :token-type "bearer" :auth :basic}',
    "{:password-length 12 :password nil}",
    '{"a": "password", "b": "token"}',
    "upload failed: " + _data_uri(bytes(range(256)) * 2, "image/png"),
    '{"credential": {"id": "cred-42", "type": "password"}}',
    '{"session": {"id": 42, "user": "bob"}}',
    '{"token": {"id": null, "expires": "2026-12-01"}}',
    "gAAAAAB is Fernet's prefix",
    "the password for user bob on host db-1 is expired",
    "password (optional) = none",
    "the password for the service account on host db-1 is stored in vault",
    "password (12 chars) is too short",
    "password policy for tenant acme on cluster eu-1 is strict",
]


@pytest.mark.parametrize(("text", "secrets"), LEAKS, ids=lambda value: str(value)[:50])
def test_a_credential_in_a_printed_collection_is_redacted(text: str, secrets: list[str]) -> None:
    redacted = REDACT(text)
    assert all(secret not in redacted for secret in secrets), redacted
    assert "[REDACTED:" in redacted


@pytest.mark.parametrize("text", KEPT, ids=lambda text: text[:50])
def test_look_alikes_of_printed_collections_stay(text: str) -> None:
    assert REDACT(f"ERROR {text}") == f"ERROR {text}"


def test_an_empty_or_masked_list_under_a_credentials_name_gets_no_marker() -> None:
    """The marker once replaced a list's opening bracket (`"password":[REDACTED:password]"X"]`)."""
    text = 'ERROR {"password":[""],"token":["<redacted>"]}'
    assert REDACT(text) == text


@pytest.mark.parametrize("header", ["X-Api-Key", "Private-Token", "X-Auth-Token", "apiKey", "access_token"])
@given(
    values=st.lists(
        st.text("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", min_size=16, max_size=40),
        min_size=1,
        max_size=4,
    ).filter(lambda values: all(any(c.isdigit() for c in v) and any(c.isupper() for c in v) for v in values)),
    spaced=st.booleans(),
)
def test_every_element_of_a_listed_header_is_redacted(header: str, values: list[str], spaced: bool) -> None:
    separator = ", " if spaced else ","
    opening, closing = ("[ ", " ]") if spaced else ("[", "]")
    text = f'ERROR {{"{header}":{opening}{separator.join(json.dumps(v) for v in values)}{closing}}}'
    redacted = REDACT(text)
    assert all(value not in redacted for value in values), redacted


def _hostile_inputs(size: int) -> dict[str, str]:
    return {
        "quoted lists": '{"tokens":[' + '"a",' * (size // 4) + "x",
        "printed pairs": "[Password, " + "[pwd, a" * (size // 7),
        "edn pairs": "{:password " * (size // 11) + '{"token" "a',
        "asides": "password (" + "a " * (size // 2) + "= X",
    }


@pytest.mark.parametrize("name", sorted(_hostile_inputs(100)))
def test_the_collection_rules_run_in_linear_time(name: str) -> None:
    redactor = Redactor()
    scale = 30_000
    lines = {size: _hostile_inputs(size)[name] for size in (small_size(scale), scale)}
    assert_linear(lambda size: redactor.redact(lines[size]), scale)
