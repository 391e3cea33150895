"""Redaction keeps what only points at a secret (a variable, a store's reference, code, a key's id, a digest, a
secret's name) and still takes the secret written in the same place."""

from __future__ import annotations

import base64

import pytest

from loggardener.entries.redact import Redactor


def redact(text: str) -> str:
    return Redactor().redact(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # unexpanded variables and templates in a URL's password: the variable is the problem to see
        ("DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app: auth failed", "${DB_PASSWORD}"),
        ("sqlalchemy url=mysql://app:%(db_password)s@db/app", "%(db_password)s"),
        ("amqp://orders:{{ .Values.rabbit.password }}@rabbit:5672/", "{{ .Values.rabbit.password }}"),
        ("+ psql postgresql://app:${DB_PASSWORD:-postgres}@db:5432/app", "${DB_PASSWORD:-postgres}"),
        ("see postgres://app:<password>@db.example.com/app in the docs", "<password>"),
        # the shell reads the secret at run time
        ("+ export DB_PASSWORD=$(cat /run/secrets/db_password)", "$(cat /run/secrets/db_password)"),
        ("password=`vault kv get -field=pw secret/orders`", "`vault kv get -field=pw secret/orders`"),
        ("+ openssl req -passin env:KEY_PASS -new -key k.pem", "env:KEY_PASS"),
        ("+ openssl pkcs12 -export -passout file:/run/secrets/p12 -out a.p12", "file:/run/secrets/p12"),
        ('+ curl -u "$CI_USER:$CI_TOKEN" https://nexus.example.com/x', "$CI_USER:$CI_TOKEN"),
        # a traceback's source line: code that reads the secret, not its value
        ("    conn = psycopg2.connect(host=cfg.host, password=settings.DB_PASSWORD)", "settings.DB_PASSWORD"),
        ("    secret = self.client.access_secret_version(request={'name': name})", "access_secret_version("),
        ('    api_key = config["stripe"]["key"]', 'config["stripe"]["key"]'),
        ("    login(password=cfg.password)", "cfg.password"),
        # a secret store's reference
        ("doctrine: password: '%env(DATABASE_PASSWORD)%' not resolved", "%env(DATABASE_PASSWORD)%"),
        ("concourse: undefined vars: password: ((db-password))", "((db-password))"),
        (
            "DB_PASSWORD=@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/) not resolved",
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
        ),
        (
            "berglas: resolving DB_PASSWORD=sm://orders-prod/db-password failed",
            "sm://orders-prod/db-password",
        ),
        ("op: could not resolve password=op://Prod/orders-db/password", "op://Prod/orders-db/password"),
        # templates left unfilled, and tags that name a parameter
        ('conn = connect(password="{db_password}")', "{db_password}"),
        ('password: "#{ENV["DB_PASSWORD"]}"', '#{ENV["DB_PASSWORD"]}'),
        ('"password": "$(params.db-password)"', "$(params.db-password)"),
        ("password: $__file{/run/secrets/grafana}", "$__file{/run/secrets/grafana}"),
        ("datasource: {password: ${DB_PASSWORD:postgres}}", "${DB_PASSWORD:postgres}"),
        ("password: !Ref DbPassword", "!Ref DbPassword"),
        (
            "PGPASSWORD=$(gcloud secrets versions access latest --secret=db-pass) psql -h db",
            "$(gcloud secrets versions access latest --secret=db-pass)",
        ),
        (
            "ecs: resolving DB_PASSWORD=arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password failed",
            "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password",
        ),
    ],
)
def test_a_reference_to_where_a_secret_comes_from_stays(text: str, kept: str) -> None:
    assert kept in redact(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("postgres://app:Tr0ub4dor3x@db:5432/app", "Tr0ub4dor3x"),
        ("+ psql postgresql://app:${DB_PASSWORD:-Tr0ub4dor!3x}@db:5432/app", "Tr0ub4dor!3x"),
        ("+ export DB_PASSWORD=$(echo VHIwdWI0ZG9yM3g= | base64 -d)", "VHIwdWI0ZG9yM3g="),
        ("+ openssl req -passin pass:Tr0ub4dor3x -new -key k.pem", "Tr0ub4dor3x"),
        ('+ curl -u "ci:Tr0ub4dor3x" https://nexus.example.com/x', "Tr0ub4dor3x"),
        ("    conn = psycopg2.connect(password='Tr0ub4dor.3x')", "Tr0ub4dor.3x"),
        ("Driver={ODBC Driver 18};Server=db;UID=app;PWD={secretword};", "secretword"),
        ("password={Tr0ub4dor3x}", "Tr0ub4dor3x"),
        ("password: !Base64 Tr0ub4dor3x", "Tr0ub4dor3x"),
    ],
)
def test_a_secret_written_where_a_reference_could_be_is_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_a_key_id_and_an_account_sid_name_what_they_belong_to() -> None:
    """A service account key file's `private_key_id` names the key; Twilio's account SID (`AC…`) names the account
    (the auth token and the API key `SK…` open it)."""
    key_id = "0f3a9c1e7b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a"
    assert key_id in redact(f'{{"private_key_id": "{key_id}", "type": "service_account"}}')
    sid = "AC5ef872f6da5a21de157d80997a64bd33"
    assert sid in redact(f"Twilio error 20003: Authenticate account_sid={sid}")
    token = "9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
    both = redact(f"twilio client {sid}:{token} failed")
    assert sid in both and token not in both
    assert "SK5ef872f6da5a21de157d80997a64bd33" not in redact("api key SK5ef872f6da5a21de157d80997a64bd33")


@pytest.mark.parametrize(
    "text",
    [
        "kubeadm join 10.0.0.10:6443 --discovery-token-ca-cert-hash sha256:{h}",
        "join: --discovery-token-ca-cert-hash=sha256:{h}",
    ],
)
def test_a_digest_named_by_its_algorithm_stays_under_a_token_name(text: str) -> None:
    digest = "9b2f1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert digest in redact(text.format(h=digest))
    assert digest not in redact(f"password=sha256:{digest}")  # a password's hash can be cracked
    assert digest not in redact(f"X-Hub-Signature-256: sha256={digest}")  # a request's signature, replayable


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("secret: prod/orders/api-token not found in region us-east-1", "prod/orders/api-token"),
        (
            "aws secretsmanager get-secret-value --secret-id prod/orders/api-token: AccessDenied",
            "prod/orders/api-token",
        ),
        ("--secret-id prod/orders/db-creds.", "prod/orders/db-creds"),
    ],
)
def test_a_secrets_name_is_kept_under_a_bare_secret_key_and_a_flag_alike(text: str, kept: str) -> None:
    assert kept in redact(text)


@pytest.mark.parametrize("value", ["correct-horse-battery-staple", "Tr0ub4dor3x", "orders/launch-plan"])
def test_a_bare_secret_that_names_no_stored_secret_is_still_redacted(value: str) -> None:
    assert value not in redact(f"secret: {value}")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("PasswordExpired: password for user etl expired on 2026-11-30", "password for user etl"),
        ("PasswordMismatch: password for etl differs from its replica", "password for etl"),
        ("sessionAffinity: ClientIP timeoutSeconds: 10800", "ClientIP"),
    ],
)
def test_a_name_that_tells_what_happened_to_a_credential_holds_none(text: str, kept: str) -> None:
    assert kept in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "SQL> connect sys/{p} as sysdba",
        "+ sqlplus scott/{p}",
        '+ sqlplus -L "scott/{p}"',
        "+ rman target sys/{p} catalog rco/{p}@rcat",
        "+ expdp system/{p} schemas=APP directory=DP dumpfile=app.dmp",
    ],
)
def test_an_oracle_logon_is_redacted(text: str) -> None:
    password = "Pepper271#juniper82"
    assert password not in redact(text.format(p=password))


def test_an_oracle_login_by_the_operating_system_has_no_password() -> None:
    assert redact("+ sqlplus / as sysdba") == "+ sqlplus / as sysdba"


@pytest.mark.parametrize(
    "text",
    [
        "CREATE USER app IDENTIFIED BY 'it''sW5fKhP7Tw5';",
        "ALTER ROLE etl WITH PASSWORD 'a''bQ9zX7wV3' VALID UNTIL 'infinity'",
        'CREATE LOGIN app WITH PASSWORD = "it""sW5fKhP7Tw5"',
    ],
)
def test_a_sql_password_holding_a_doubled_quote_is_redacted_whole(text: str) -> None:
    redacted = redact(text)
    assert "W5fKhP7Tw5" not in redacted and "bQ9zX7wV3" not in redacted


@pytest.mark.parametrize(
    ("header", "attributes"),
    [
        (
            "Set-Cookie: __Host-sess=Q7mKp2Zx9LwB4vNc; Path=/; Max-Age=31536000; SameSite=Lax",
            "; Path=/; Max-Age=31536000; SameSite=Lax",
        ),
        (
            "set-cookie: sid=Zx8Q2mLp9Kw3Vb7N; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; SameSite=None",
            "; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; SameSite=None",
        ),
    ],
)
def test_a_set_cookie_keeps_its_attributes_and_loses_its_cookie(header: str, attributes: str) -> None:
    redacted = redact(header)
    assert redacted.endswith("[REDACTED:cookie]" + attributes), redacted
    assert "Zx8Q2mLp9Kw3Vb7N" not in redacted


def test_a_second_cookie_after_a_set_cookies_attributes_is_redacted() -> None:
    redacted = redact("Set-Cookie: sid=abc; Path=/, token=Zx8Q2mLp9Kw3Vb7N; Path=/")
    assert "Zx8Q2mLp9Kw3Vb7N" not in redacted and "sid=abc" not in redacted


def test_the_id_of_a_deleted_service_account_key_is_kept_to_find_it() -> None:
    key_id = "94282621cc43776c800ac9f1f0375f203b0be91d"
    assert key_id in redact(f"Invalid JWT Signature. private_key_id {key_id} was deleted")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            '{"type":"response","auth":{"client_token":"hmac-sha256:{h}","accessor":"hmac-sha256:{h}"}}',
            "hmac-sha256:{h}",
        ),
        (
            "key_fingerprint=SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
            "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
        ),
        (
            "signing_key_thumbprint=3F9A1C0E7B2D4F6A8C1E3B5D7F9A0C2E4B6D8F1A rejected",
            "3F9A1C0E7B2D4F6A8C1E3B5D7F9A0C2E4B6D8F1A",
        ),
    ],
)
def test_a_digest_that_vault_or_a_key_store_writes_for_a_secret_stays(text: str, kept: str) -> None:
    digest = "9b2f1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert kept.replace("{h}", digest) in redact(text.replace("{h}", digest))


def test_an_hmac_key_is_still_redacted() -> None:
    key = "9b2f1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert key not in redact(f"hmac={key}") and key not in redact(f"hmac_key: {key}")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # code that hands a variable on: a keyword argument named as its parameter, a call of variables
        ("    db = pymysql.connect(host=host, password=password)", "password=password)"),
        ("    session.auth = HTTPDigestAuth(login, secret)", "HTTPDigestAuth(login, secret)"),
        (
            "    auth = aiohttp.BasicAuth(user_name, user_password)",
            "aiohttp.BasicAuth(user_name, user_password)",
        ),
        ('    req.headers = {"Authorization": f"Bearer {access_token}"}', 'f"Bearer {access_token}"'),
        # a declared type, not a value
        ("def connect(user: str, password: str) -> Connection:", "password: str)"),
        ("type Creds = { user: string; password: string }", "password: string }"),
        ("    api_key: Optional[str] = None", "api_key: Optional[str]"),
        ("    secret: SecretStr", "secret: SecretStr"),
        # where a key file is kept, with the sentence that goes on after its path
        ("GOOGLE_CREDENTIALS=/etc/app/keys/sa.json: permission denied", "/etc/app/keys/sa.json"),
        ("credentials=/home/ci/.config/gcloud/adc.json). Falling back", "/home/ci/.config/gcloud/adc.json"),
        # words that ask for the value
        ("api_secret: REPLACE_ME", "REPLACE_ME"),
        ("client_secret=TODO (set in CI)", "TODO"),
        # the next key of a mapping its logger wrote on one line
        ("tls: secret: secretName: api-tls", "secretName: api-tls"),
        ("password: passwordSecretRef: db-creds", "passwordSecretRef: db-creds"),
    ],
)
def test_code_types_paths_and_requests_for_a_value_stay(text: str, kept: str) -> None:
    assert kept in redact(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("password=Summer(2024)", "Summer(2024)"),
        ("POSTGRES_PASSWORD=password", "=password"),
        ("token=Kq7Zt2Xw9Lm4Pn8R(abc) x", "Kq7Zt2Xw9Lm4Pn8R"),
        ("password: stringent99", "stringent99"),
        ("password=todo123x", "todo123x"),
        ("secret: s3cr3tValue: more", "s3cr3tValue"),
        ("Authorization: Bearer Zq8Lr2PaZk9MtW3Ny7Bc5Dv1Fg", "Zq8Lr2PaZk9MtW3Ny7Bc5Dv1Fg"),
        ("SA_KEY=/Xk9/Qm2+Lp8Wn4Rt6Ys1Vb3Zc7Hd5Jf0Gg", "Xk9/Qm2+Lp8Wn4Rt6Ys1Vb3Zc7Hd5Jf0Gg"),
    ],
)
def test_a_secret_shaped_like_code_a_type_or_a_path_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_a_document_path_and_base64_of_json_are_ids_not_keys() -> None:
    cursor = base64.b64encode(b'{"page": 7, "after": "ord-88"}').decode()
    assert len(cursor) == 40
    for text, kept in [
        (
            "Firestore: No document to update: users/Xq8Lr2PaZk9MtW3Ny7Bc5Dv1Fg",
            "users/Xq8Lr2PaZk9MtW3Ny7Bc5Dv1Fg",
        ),
        ("NOT_FOUND: customers/8fKq2LmZx9Yt3WbN7cPd/invoices/AbC123xYz987QwE", "invoices/AbC123xYz987QwE"),
        (f"GET /v1/orders?cursor={cursor} 500", cursor),
    ]:
        assert kept in redact(text), text
    random_key = "Hq3" + "Zt8/Lm2+Xw9Pn4Rk7Ys1Vb6Cd0Fg5Jh" + "Ab3Ce9"
    assert len(random_key) == 40
    assert random_key not in redact(f"aws key {random_key}")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # what a validator says of a credential after its name
        (
            "name: is required; password: the length must be between 12 and 72.",
            "the length must be between 12",
        ),
        ("password: cannot be blank.", "cannot be blank."),
        ("new_password: too short (min 10)", "too short (min 10)"),
        ("client_secret: not found in vault", "not found in vault"),
        # `kubectl describe secret`: the size of each key
        ("Data\n====\ntls.key:  1704 bytes\npassword:  24 bytes", "password:  24 bytes"),
        # a host under a credential's name
        ("session_cookie_domain=.shop.example.com", ".shop.example.com"),
        ("auth_server=login.example.com:8443 unreachable", "login.example.com:8443"),
        # a key named by its id as it is created or deleted
        (
            "deleted key [0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c] for [ci@p.iam.gserviceaccount.com]",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
        ),
    ],
)
def test_what_is_said_of_a_credential_and_where_it_lives_stay(text: str, kept: str) -> None:
    assert kept in redact(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("password: the1sMyPass", "the1sMyPass"),
        ("password: Cannot4Guess!x", "Cannot4Guess!x"),
        ("password: the horse battery staple", "horse battery staple"),
        ("password: must love dogs always", "love dogs always"),
        ("kubeadm join --token=a1b2c3.qwertyuiopasdfgh", "qwertyuiopasdfgh"),
        (
            "api key 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c rejected",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
        ),
    ],
)
def test_a_secret_after_such_words_is_still_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "insert into accounts (login, password_hash, api_token) values (?, ?, ?)\n"
        "binding parameter [1] as [VARCHAR] - [bob]\n"
        "binding parameter [2] as [VARCHAR] - [x]\n"
        "binding parameter [3] as [VARCHAR] - [Maple204@orchid71]",
        "update accounts set api_token=?, login=? where id=?\n"
        "binding parameter (1:VARCHAR) <- [Maple204@orchid71]\n"
        "binding parameter (2:VARCHAR) <- [bob]",
    ],
)
def test_a_value_hibernate_binds_to_a_credential_column_is_redacted(text: str) -> None:
    out = redact(text)
    assert "Maple204@orchid71" not in out
    assert "[bob]" in out


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('{"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "smtp"}}', '"apiVersion": "v1"'),
        ('{"auth": "token", "tokenTtl": 3600}', '"tokenTtl": 3600'),
    ],
)
def test_a_credential_word_as_a_json_value_is_followed_by_the_next_member_not_its_value(
    text: str, kept: str
) -> None:
    assert kept in redact(text)


def test_a_json_member_named_for_the_value_of_the_word_before_it_is_still_redacted() -> None:
    text = '{"credentials": [{"type": "password", "value": "Maple204@orchid71", "temporary": false}]}'
    assert "Maple204@orchid71" not in redact(text)
