"""Second red-team corpus: credentials in the shapes programs dump them (object reprs, config blobs, escaped and
encoded text, signed URLs, vendor tokens, credentials cut by a line break), each class in many variants, and the
look-alikes of each class that must come out as written. Each case is measured three times: redacted as a text,
end to end (planted in LogEntry fields, `gardener scan` run with every output, each output searched), and end to end
with the export newest first (a value's line split from its name's then comes before it).

    PYTHONPATH=src python tests/red_team.py          # leaks per class (text, scan, scan newest first), look-alikes
    PYTHONPATH=src python tests/red_team.py -v       # and each open case
"""

from __future__ import annotations

import base64
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from leak_classes import Kept, Leak, _Gen, changed_look_alikes, gather, leak_cases, leaked
from secret_corpus import ALNUM, B64, DIGITS, HEX, LOWER, UPPER, URLSAFE

CLASSES = (
    "vendor-token",
    "signed-url",
    "encoded",
    "config-blob",
    "object-dump",
    "userinfo",
    "line-break",
    "unicode-quote",
    "record",
    "split-label",
    "more-shapes",
    "yaml-property",
    "credential-map",
    "named-pair",
    "told-value",
    "directive",
    "key-shape",
    "rejected-input",
    "command-output",
    "query-text",
    "mail-transcript",
    "link-token",
    "tool-setting",
    "device-config",
    "annotated-frame",
)

_SYMBOLS = "!#$%*?^~&@"


def _word_password(g: _Gen) -> str:
    return g.word(2) + g(DIGITS, 3)


def _symbol_password(g: _Gen) -> str:
    return g.word(2).capitalize() + g(DIGITS, 2) + g(_SYMBOLS, 1) + g(LOWER, 2)


def _random_key(g: _Gen) -> str:
    return g.mixed(ALNUM, 32)


def _short_key(g: _Gen) -> str:
    return g.lower_digits(12)


_SHAPES: tuple[Callable[[_Gen], str], ...] = (_word_password, _symbol_password, _random_key, _short_key)


# ---------------------------------------------------------------------------------------------------------
# 1. Vendor tokens, bare in prose and in headers.


def _vendor_tokens(g: _Gen) -> list[str]:
    return [
        f"xoxb-{g(DIGITS, 12)}-{g(DIGITS, 13)}-{g.mixed(ALNUM, 24)}",
        f"xoxp-{g(DIGITS, 12)}-{g(DIGITS, 12)}-{g(DIGITS, 13)}-{g(HEX, 32)}",
        f"xoxe.xoxp-1-{g.mixed(ALNUM, 140)}",
        f"rk_live_{g.mixed(ALNUM, 24)}",
        f"sk_live_{g.mixed(ALNUM, 99)}",
        f"SK{g(HEX, 32)}",
        f"SG.{g.mixed(URLSAFE, 22)}.{g.mixed(URLSAFE, 43)}",
        f"key-{g(HEX, 32)}",
        f"npm_{g.mixed(ALNUM, 36)}",
        f"pypi-AgEIcHlwaS5vcmc{g.mixed(URLSAFE, 70)}",
        f"glpat-{g.mixed(URLSAFE, 20)}",
        f"shpat_{g(HEX, 32)}",
        f"dp.pt.{g.mixed(ALNUM, 43)}",
        f"hvs.{g.mixed(URLSAFE, 90)}",
        f"ya29.a0{g.mixed(URLSAFE, 150)}",
        f"ghp_{g.mixed(ALNUM, 36)}",
        f"github_pat_11{g(UPPER + DIGITS, 20)}_{g.mixed(ALNUM, 59)}",
        f"AKIA{g(UPPER + DIGITS, 16)}",
        f"sk-proj-{g.mixed(URLSAFE, 48)}",
        f"sk-ant-api03-{g.mixed(URLSAFE, 93)}AA",
        f"hf_{g.mixed(ALNUM, 34)}",
        f"dop_v1_{g(HEX, 64)}",
        f"lin_api_{g.mixed(ALNUM, 40)}",
        f"AIza{g.mixed(URLSAFE, 35)}",
    ]


_VENDOR_LAYOUTS = (
    "upstream rejected credential {s}",
    "Authorization: Bearer {s}",
    "curl -H 'X-Api-Key: {s}' https://api.example.test/v1",
    "config loaded: {'client': 'billing', 'credential': '{s}'}",
    "POST /v1/send?auth={s} 401",
    "env API_CREDENTIAL={s}",
)


def _vendor_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = [
        Leak("vendor-token", layout, token, layout.replace("{s}", token))
        for layout in _VENDOR_LAYOUTS
        for token in _vendor_tokens(g)
    ]
    kept = [
        Kept("vendor-token", f"deploy image gcr.io/p/app@sha256:{digest} rolled out", digest)
        for digest in (g(HEX, 64) for _ in range(3))
    ] + [
        Kept("vendor-token", "task sk_batch_runner finished in 3s", "sk_batch_runner"),
        Kept("vendor-token", "queue key-value store warmed up", "key-value"),
        Kept("vendor-token", "module npm_install_cache hit", "npm_install_cache"),
    ]
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 2. Signed URLs: their signature and credential parameters, in absolute and relative URLs, raw and encoded.


def _signed_urls(g: _Gen) -> list[tuple[str, str]]:
    sig = g.mixed(B64, 43) + "="
    amz = g(HEX, 64)
    goog = g(HEX, 256)
    akia = "AKIA" + g(UPPER + DIGITS, 16)
    token = g.mixed(URLSAFE, 40)
    return [
        (sig, f"https://acct.blob.core.windows.net/c/b.bin?sv=2022-11-02&se=2026-12-02T00%3A00%3A00Z&sr=b&sp=r&sig={quote(sig, safe='')}"),
        (sig, f"/c/b.bin?sp=r&st=2026-12-01&sig={quote(sig, safe='')}&spr=https"),
        (amz, f"https://b.s3.amazonaws.com/o.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={amz}&X-Amz-Expires=60"),
        (akia, f"/o.bin?X-Amz-Credential={akia}%2F20261201%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261201T000000Z"),
        (goog, f"https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature={goog}"),
        (token, f"/download?file=report.pdf&access_token={token}"),
        (token, f"../api/export?format=csv&apiKey={token}&limit=10"),
        (token, f"https://cdn.example.test/v/seg.ts?Policy=eyJ{token}&Signature={token}&Key-Pair-Id=K2JCJMDEHXQW5F"),
    ]  # fmt: skip


_URL_LAYOUTS = (
    "GET {u} 403",
    "fetch failed: {u}",
    'upstream said {"redirect": "{u}"}',
    "redirect to {e}",
)


def _signed_url_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks: list[Leak] = []
    for layout in _URL_LAYOUTS:
        for secret, url in _signed_urls(g):
            text = layout.replace("{u}", url).replace("{e}", quote(url, safe=""))
            leaks.append(Leak("signed-url", layout, secret, text))
    kept = [
        Kept("signed-url", "GET /o.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261201T000000Z 200", "20261201T000000Z"),
        Kept("signed-url", "GET /c/b.bin?sv=2022-11-02&sr=b 200", "sv=2022-11-02"),
        Kept("signed-url", "GET /search?q=password+reset&page=2 200", "q=password+reset"),
        Kept("signed-url", "GET /v1/items?request_id=9f3c2a7e-41d2-4c2b-9a55-0e5b7f1c2d3e 500", "9f3c2a7e-41d2-4c2b-9a55-0e5b7f1c2d3e"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 3. Encoded: a credential's name and value URL-encoded, JSON-escaped (once, twice), or wrapped in base64.

_ENCODED_LAYOUTS = (
    "body=user%3Dbob%26password%3D{q}%26remember%3D1",
    "form: username%3Dbob%26passwd%3D{q}",
    'payload "{\\"user\\":\\"bob\\",\\"password\\":\\"{s}\\"}" rejected',
    'log {"msg": "{\\"client_secret\\": \\"{s}\\"}"}',
    'wrapped "{\\\\\\"api_token\\\\\\":\\\\\\"{s}\\\\\\"}"',
    "%7B%22password%22%3A%22{q}%22%7D",
    "creds header {b}",
    "X-Auth-Blob: {b}",
    "config={b} loaded",
)


def _encoded_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks: list[Leak] = []
    for layout in _ENCODED_LAYOUTS:
        for shape in _SHAPES:
            secret = shape(g)
            blob = base64.b64encode(json.dumps({"username": "bob", "password": secret}).encode()).decode()
            text = layout.replace("{q}", quote(secret, safe="")).replace("{s}", secret).replace("{b}", blob)
            leaks.append(Leak("encoded", layout, secret, text))
    plain = base64.b64encode(json.dumps({"event": "signup", "plan": "pro"}).encode()).decode()
    kept = [
        Kept("encoded", "body=user%3Dbob%26remember%3D1%26page%3D2", "remember%3D1"),
        Kept("encoded", f"event blob {plain} queued", plain),
        Kept("encoded", 'payload "{\\"user\\":\\"bob\\",\\"password_changed\\":true}"', "password_changed"),
    ]
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 4. Config blobs: env dumps, .env, YAML, INI, properties, TOML, Dockerfile, Kubernetes env lists.

_CONFIG_LAYOUTS = (
    "export DATABASE_PASSWORD={s}\nexport PATH=/usr/bin",
    "set REDIS_AUTH={s}",
    "ENV APP_SECRET {s}",
    "ARG NPM_AUTH_TOKEN={s}",
    "PORT=8080\nSMTP_PASS={s}\nDEBUG=false",
    "database:\n  host: db\n  user: app\n  password: {s}\n  port: 5432",
    "[client]\nuser = app\npassword = {s}\nhost = db",
    "spring.datasource.username=app\nspring.datasource.password={s}",
    'db_password = "{s}"\nretries = 3',
    "env:\n- name: API_SECRET\n  value: {s}\n- name: PORT\n  value: '8080'",
    'env: [{"name":"DB_PASS","value":"{s}"},{"name":"PORT","value":"8080"}]',
    "settings: {'SECRET_KEY': '{s}', 'DEBUG': False}",
    "machine api.example.test login app password {s}",
    "docker run -e POSTGRES_PASSWORD={s} postgres:16",
    "kubectl create secret generic db --from-literal=password={s}",
    "helm install app ./chart --set db.password={s}",
)


def _config_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("config-blob", "export PATH=/usr/local/bin:/usr/bin\nexport LANG=C.UTF-8", "/usr/local/bin:/usr/bin"),
        Kept("config-blob", "ENV NODE_ENV production", "production"),
        Kept("config-blob", "database:\n  host: db-primary\n  replicas: 3\n  password_min_length: 12", "db-primary"),
        Kept("config-blob", "[client]\nuser = app\nhost = db.internal", "db.internal"),
        Kept("config-blob", "env:\n- name: PORT\n  value: '8080'\n- name: LOG_LEVEL\n  value: debug", "debug"),
        Kept("config-blob", "helm install app ./chart --set image.tag=v1.2.3", "image.tag=v1.2.3"),
    ]  # fmt: skip
    return leak_cases("config-blob", _CONFIG_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 5. Object dumps: how languages print a record holding a credential.

_DUMP_LAYOUTS = (
    "login with {'username': 'bob', 'password': '{s}'} failed",
    "Credentials(username='bob', password='{s}') rejected",
    "User{id=42, name=bob, password={s}, active=true}",
    "User{id=42, name='bob', apiKey='{s}'}",
    "&{ID:42 Name:bob Password:{s} Active:true}",
    "{ID:42 Token:{s} Scope:read}",
    "map[password:{s} user:bob]",
    'Credentials { user: "bob", password: "{s}" }',
    'Config { api_key: "{s}", timeout: 30 }',
    '{:user=>"bob", :password=>"{s}"}',
    '#<User id: 42, name: "bob", password_digest: nil, api_token: "{s}">',
    "Array\n(\n    [user] => bob\n    [password] => {s}\n)",
    '["password"]=>\n  string(12) "{s}"',
    '%{user: "bob", secret: "{s}"}',
    "Creds(user=bob, secret={s})",
    "ConnectionParams[host=db, user=app, password={s}]",
)


def _dump_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("object-dump", "User{id=42, name=bob, active=true}", "name=bob"),
        Kept("object-dump", "&{ID:42 Name:bob Active:true TraceID:4bf92f3577b34da6a3ce929d0e0e4736}", "4bf92f3577b34da6a3ce929d0e0e4736"),
        Kept("object-dump", "map[commit:3f786850e387550fdab836ed7e6dc881de23001b user:bob]", "3f786850e387550fdab836ed7e6dc881de23001b"),
        Kept("object-dump", "{'request_id': 'a1b2c3d4e5f60718', 'status': 'failed'}", "a1b2c3d4e5f60718"),
        Kept("object-dump", "Config { password_min_length: 12, token_ttl: 3600 }", "token_ttl: 3600"),
    ]  # fmt: skip
    return leak_cases("object-dump", _DUMP_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 6. Userinfo with no scheme, and user/password pairs of database clients.

_USERINFO_LAYOUTS = (
    "http_proxy=app:{s}@proxy.internal:3128",
    "using proxy app:{s}@10.0.0.5:8080",
    "curl --proxy-user app:{s} https://example.test",
    "curl -U app:{s} -x proxy:3128 https://example.test",
    "sqlplus app/{s}@ORCL",
    "connect app/{s}@db.internal:1521/ORCL",
    "wget --user=app --password={s} https://example.test/f",
    "rsync rsync://app:{s}@backup.internal/share",
    "auth failed for app:{s}@db",
    "DATABASE=app:{s}@postgres:5432/app",
)


def _userinfo_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("userinfo", "ssh git@github.com:acme/app.git failed", "git@github.com:acme/app.git"),
        Kept("userinfo", "image registry.internal:5000/app:v1.2@sha256:" + "ab" * 32, "registry.internal:5000/app:v1.2"),
        Kept("userinfo", "listening on 0.0.0.0:8080/api", "0.0.0.0:8080/api"),
        Kept("userinfo", "sqlplus reports/ORA-01017 handled", "reports/ORA-01017"),
        Kept("userinfo", "pull redis:7-alpine@sha256:" + "0f" * 32 + " done", "redis:7-alpine@sha256"),
    ]  # fmt: skip
    return leak_cases("userinfo", _USERINFO_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 7. A credential cut from its name by a line break (a wrapped log line, a YAML block, a prompt).

_BREAK_LAYOUTS = (
    "auth failed, password:\n{s}",
    "Enter password:\n{s}\nLogin incorrect",
    "api_key =\n    {s}",
    "token:\r\n  {s}",
    '"password":\n    "{s}"',
    "password: |\n  {s}\n",
    "client_secret: >-\n  {s}\n",
    "Authorization: Bearer\n {s}",
)


def _break_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("line-break", "password:\nchanged by admin", "changed by admin"),
        Kept("line-break", "token:\n  expires_in: 3600", "expires_in: 3600"),
    ]
    return leak_cases("line-break", _BREAK_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 8. Unicode quotes and full-width separators around a credential.

_UNICODE_LAYOUTS = (
    "password=“{s}”",
    "password: ‘{s}’",
    "password = «{s}»",
    "パスワード：{s}",
    "password＝{s}",
    "api key „{s}“",
    "token=「{s}」",
    "secret → {s}",
)


def _unicode_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("unicode-quote", "password “expired” for bob", "expired"),
        Kept("unicode-quote", "token → refreshed", "refreshed"),
    ]
    return leak_cases("unicode-quote", _UNICODE_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 9. Records: a credential matched to its name by position (an INSERT's columns and values), or by a layout
# (Markdown's bold or code name, `email:password` as a login or a credential list writes it).

_RECORD_LAYOUTS = (
    "INSERT INTO users (name, password) VALUES ('bob', '{s}')",
    "insert into api_clients (id, client_secret, note) values (7, '{s}', 'rotated, ok')",
    'INSERT INTO "accounts" ("email", "password_hash", "active") VALUES ("a@b.test", "{s}", 1)',
    "- **Password**: {s}",
    "| `api_token`: {s} |",
    "login bob@example.test:{s} rejected",
    "curl -u ops@corp.example.org:{s} https://api.example.test",
)


def _record_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("record", "INSERT INTO users (name, password_changed) VALUES ('bob', true)", "true"),
        Kept("record", "INSERT INTO sessions (user_id, token_type) VALUES (42, 'bearer')", "'bearer'"),
        Kept("record", "git push git@github.com:acme/app.git main", "git@github.com:acme/app.git"),
        Kept("record", "relay bob@example.test:2525 refused", "2525"),
        Kept("record", "- **Status**: degraded", "degraded"),
    ]
    return leak_cases("record", _RECORD_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 10. A credential's name and its value on two lines, which a stream split per line logs as two entries (either may
# come first: newest first, or a pair written value first); the name's line may read as a log prefix
# (`- name: `), a tag (`["password"]=>`), a prompt or a sentence.

_SPLIT_LABEL_LAYOUTS = (
    "env:\n- name: API_SECRET\n  value: {s}",
    '- name: DB_PASSWORD\n  value: "{s}"',
    "  - name: stripe-api-key\n    value: '{s}'",
    "- name: GITHUB_TOKEN\n  value: {s}\n- name: PORT\n  value: '8080'",
    "name: REDIS_AUTH\nvalue: {s}",
    "Name: /prod/db/password\nValue: {s}",
    "key: smtp_password\nvalue: {s}",
    "Key: ClientSecret\nValue: {s}",
    '{\n  "name": "DB_PASSWORD",\n  "value": "{s}"\n}',
    '"Name": "API_TOKEN",\n"Value": "{s}",',
    'Property: spring.datasource.password\nValue: "{s}"',
    '["password"]=>\n  string(12) "{s}"',
    'array(2) {\n  ["user"]=>\n  string(3) "bob"\n  ["api_key"]=>\n  string(20) "{s}"\n}',
    'object(Config)#1 (1) {\n  ["secret":protected]=>\n  string(9) "{s}"\n}',
    '  ["db_pass":"App\\Config":private]=>\n  string(9) "{s}"',
    '{:user=>"bob",\n :password=>\n  "{s}"}',
    "{'client_secret':\n    '{s}'}",
    '{\n  "password":\n    "{s}"\n}',
    '$password\n[1] "{s}"',
    "<Password>\n{s}\n</Password>",
    "<key>api_token</key>\n<string>{s}</string>",
    "Authorization:\n  Bearer {s}",
    "api_token: |-\n    {s}",
    '"value": "{s}",\n"name": "API_TOKEN"',
    "value: {s}\nname: DB_PASSWORD",
    "your password was:\n{s}",
    "Your new password is:\n{s}",
    "the generated admin password is\n{s}",
    "Enter passphrase for key '/root/.ssh/id_rsa':\n{s}",
    "[sudo] password for deploy:\n{s}",
    "Password for 'https://bob@github.com':\n{s}",
    "deploy@db.internal's password:\n{s}",
)


def _split_label_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("split-label", '- name: PORT\n  value: "8080"', '"8080"'),
        Kept("split-label", '- name: TOKEN_TTL\n  value: "3600"', '"3600"'),
        Kept("split-label", '- name: PASSWORD_MIN_LENGTH\n  value: "12"', '"12"'),
        Kept("split-label", '["username"]=>\n  string(3) "bob"', '"bob"'),
        Kept("split-label", "the password is\ntoo short", "too short"),
        Kept("split-label", "password is\nrequired", "required"),
        Kept("split-label", "checking password for bob:\nok", "ok"),
        Kept("split-label", "value: debug\nname: LOG_LEVEL", "debug"),
        Kept("split-label", "value: 42\nname: token_count", "42"),
    ]
    return leak_cases("split-label", _SPLIT_LABEL_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 11. More shapes: commands that set a user's password, URLs of any scheme, headers and cookies, how more
# languages print or assign a credential (types, separators, casing, quoting), and JSON text in a line.

_MORE_LAYOUTS = (
    "useradd -m -p '{s}' bob",
    "usermod --password {s} bob",
    "echo 'root:{s}' | chpasswd",
    "chpasswd <<< 'bob:{s}'",
    "mysql -uroot -p{s} app",
    "mysql --user=root --password='{s}' app",
    "PGPASSWORD={s} pg_dump -h db app",
    "MYSQL_PWD={s} mysqldump app",
    "htpasswd -b .htpasswd bob {s}",
    "rabbitmqctl change_password admin {s}",
    "az login --service-principal -u 0f1e2d3c -p {s} --tenant acme",
    "kubectl config set-credentials ci --token={s}",
    "vault kv put secret/app password={s}",
    "CREATE USER 'app'@'%' IDENTIFIED BY '{s}';",
    "SET PASSWORD FOR 'app'@'%' = PASSWORD('{s}')",
    "git clone https://oauth2:{s}@gitlab.com/acme/app.git",
    "pip install --index-url https://__token__:{s}@pypi.example.org/simple pkg",
    "amqp://guest:{s}@rabbit:5672/",
    "redis://:{s}@cache:6379/0",
    "mongodb+srv://app:{s}@cluster0.abcd.mongodb.net/test",
    "ftp://anonymous:{s}@ftp.example.org/pub",
    "connecting to postgresql://app:{q}@db:5432/app?sslmode=require failed",
    "jdbc:mysql://db:3306/app?user=app&password={s}",
    "Data Source=db;Initial Catalog=app;User ID=sa;Password={s}",
    'Authorization: Token token="{s}"',
    "> Authorization: Bearer {s}",
    "Cookie: _ga=GA1.2.3; session={s}; theme=dark",
    "Set-Cookie: sid={s}; Path=/; HttpOnly",
    "X-Vault-Token: {s}",
    'Password => "{s}"',
    "$password = '{s}';",
    'let apiKey = "{s}"',
    'const SECRET_KEY: &str = "{s}";',
    "PASSWORD: str = '{s}'",
    'password := "{s}"',
    '%{"api_key" => "{s}"}',
    'Config { password: Some("{s}") }',
    "password=Optional[{s}]",
    'Creds {user = "bob", password = "{s}"}',
    '{:user "bob", :password "{s}"}',
    '[{password,"{s}"}]',
    "auth=('bob', '{s}')",
    'new NetworkCredential("bob", "{s}")',
    "pAsSwOrD={s}",
    "password -> {s}",
    "password\t{s}",
    "password=`{s}`",
    "secret_key=[{s}]",
    "Passwort: {s}",
    "пароль: {s}",
    "private_key_passphrase = {s}",
    "jwtSecret: '{s}'",
    '{"level":"info","client_secret":"{s}"}',
    'request body: {"passwd": "{s}"}',
    "{'credentials': {'password': '{s}'}}",
)


def _more_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = [
        Leak(
            "more-shapes",
            layout,
            secret,
            layout.replace("{s}", secret).replace("{q}", quote(secret, safe="")),
        )
        for layout in _MORE_LAYOUTS
        for shape in _SHAPES
        for secret in [shape(g)]
    ]
    kept = [
        Kept("more-shapes", "passport number field invalid", "passport number"),
        Kept("more-shapes", "keyboard layout us loaded", "keyboard layout us"),
        Kept("more-shapes", "tokenizer loaded: bert-base-uncased", "bert-base-uncased"),
        Kept("more-shapes", "keystore loaded from /etc/ssl/keystore.jks", "/etc/ssl/keystore.jks"),
        Kept("more-shapes", "token bucket refilled: 100 tokens", "100 tokens"),
        Kept("more-shapes", "secretary role assigned to bob", "bob"),
        Kept("more-shapes", "keyspace app_prod ready", "app_prod"),
        Kept("more-shapes", "GPIO pin 17 high", "17"),
        Kept("more-shapes", "GET /static/app.3f9a8c7d2e1b.js 200", "app.3f9a8c7d2e1b.js"),
        Kept("more-shapes", "x-request-id: 7f3e2a1b-9c8d-4e5f-a6b7-c8d9e0f1a2b3", "7f3e2a1b-9c8d-4e5f-a6b7-c8d9e0f1a2b3"),
        Kept("more-shapes", "x-cloud-trace-context: 105445aa7843bc8bf206b12000100000/1;o=1", "105445aa7843bc8bf206b12000100000"),
        Kept("more-shapes", "/var/cache/apt/archives/partial/3f9a8c7d2e1b4a5f6e7d8c9b0a1f2e3d.deb", "3f9a8c7d2e1b4a5f6e7d8c9b0a1f2e3d"),
        Kept("more-shapes", "pod web-7d9f8b6c5-x2k9q restarted", "web-7d9f8b6c5-x2k9q"),
        Kept("more-shapes", "ULID 01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        Kept("more-shapes", "password_min_length: int = 12", "12"),
        Kept("more-shapes", "key: str = 'users'", "'users'"),
        Kept("more-shapes", "useradd -m bob", "bob"),
        Kept("more-shapes", "sshpass -f /run/pw ssh db", "/run/pw"),
        Kept("more-shapes", "postgres://db:5432/app", "postgres://db:5432/app"),
        Kept("more-shapes", "amqp://rabbit:5672/", "amqp://rabbit:5672/"),
        Kept("more-shapes", "the token is expired", "expired"),
        Kept("more-shapes", "Password policy: min 12 chars", "min 12 chars"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 12. A YAML node's anchor or tag between a credential's name and its value; a local tag (`!secret`, `!Ref`) names
# where the value comes from, and the name after it stays.

_YAML_PROPERTY_LAYOUTS = (
    "password: &pw {s}",
    "password: !!str {s}",
    "db:\n  password: &db_password {s}\n  port: 5432",
    "- api_token: !!str '{s}'",
    'client_secret: &cs "{s}"',
    "smtp_pass: &smtp !!str {s}",
    "secret_key: !!binary {s}",
)


def _yaml_property_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("yaml-property", "password: !secret db_password", "db_password"),
        Kept("yaml-property", "MasterUserPassword: !Ref DbPassword", "DbPassword"),
        Kept("yaml-property", "password: *pw", "*pw"),
        Kept("yaml-property", "password: &pw_policy\n  min_length: 12", "min_length: 12"),
        Kept("yaml-property", "token_ttl: !!int 3600", "3600"),
    ]
    return leak_cases("yaml-property", _YAML_PROPERTY_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 13. A map of credentials: under a plural name (`passwords`, `secrets`, `credentials`, `apiTokens`) its members
# are named for users or services; under any credential's name, a member named for a host (Composer's auth.json).

_MAP_LAYOUTS = (
    '{"passwords": {"admin": "{s}", "ops": "{s}"}}',
    '{"credentials": {"db": "{s}"}}',
    '{"secrets": {"STRIPE": "{s}", "region": "eu-west-1"}}',
    '{"dbPasswords": {"billing": "{s}"}}',
    '{"bearer": {"repo.example.test": "{s}"}}',
    '{"gitlab-token": {"gitlab.example.test": "{s}"}}',
    "passwords: {admin: {s}, ops: x}",
)


def _map_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    digest = g(HEX, 40)
    kept = [
        Kept("credential-map", '{"tokens": {"prompt": 1532, "completion": 211}}', "1532"),
        Kept("credential-map", '{"credentials": {"provider": "gcp", "region": "us-east-1"}}', "us-east-1"),
        Kept("credential-map", '{"credentials": {"type": "service_account", "user": "user-42"}}', "user-42"),
        Kept("credential-map", '{"secrets": {"count": 3, "rotated": "2026-12-01"}}', "2026-12-01"),
        Kept("credential-map", '{"secrets": {"name": "db-password", "version": "v3"}}', "db-password"),
        Kept("credential-map", '{"token": {"aud": "api.example.test", "sub": "user-42"}}', "user-42"),
        Kept("credential-map", '{"auth": {"api.example.test": "enabled"}}', "enabled"),
        Kept("credential-map", f'{{"keys": {{"object": "{digest}"}}}}', digest),
    ]
    return leak_cases("credential-map", _MAP_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 14. A name/value pair whose name is a form's field, a header, a variable, an option or an attribute, in either
# order (JSON written with sorted keys puts `value` first).

_NAMED_PAIR_LAYOUTS = (
    '[{"header": "Accept", "value": "*/*"}, {"header": "X-Api-Key", "value": "{s}"}]',
    '{"variable": "DB_PASSWORD", "value": "{s}", "masked": true}',
    '{"value": "{s}", "variable": "db_password"}',
    '{"field": "password", "message": "too weak", "value": "{s}"}',
    '{"option": "api_token", "value": "{s}"}',
    '{"value": "{s}", "attribute": "client_secret"}',
    '{"property": "spring.datasource.password", "value": "{s}"}',
)


def _named_pair_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("named-pair", '{"field": "password_min", "value": "12"}', '"12"'),
        Kept("named-pair", '{"header": "X-Request-Id", "value": "9f3c2a7e-41d2-4c2b-9a55-0e5b7f1c2d3e"}', "9f3c2a7e-41d2-4c2b-9a55-0e5b7f1c2d3e"),
        Kept("named-pair", '{"value": "3", "variable": "RETRIES"}', '"3"'),
    ]  # fmt: skip
    return leak_cases("named-pair", _NAMED_PAIR_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 15. A value a program tells after words that name it: on the line after a blank one (Jenkins' first start), last
# on the line after `for <account>:` (MySQL's temporary root password, Elasticsearch's reset).

_TOLD_LAYOUTS = (
    "Jenkins initial setup is required. An admin user has been created and a password generated.\n"
    "Please use the following password to proceed to installation:\n\n{s}\n\n"
    "This may also be found at: /var/jenkins_home/secrets/initialAdminPassword",
    "Please use the following password to log in:\n\n{s}\n",
    "[Server] A temporary password is generated for root@localhost: {s}",
    "Password for the [elastic] user successfully reset. New value: {s}",
    "Your password for https://app.example.test is:\n\n{s}",
    "generated token for ci-bot: {s}",
    "the api key to use for billing:\n{s}",
)


def _told_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("told-value", "password for bob: expired", "expired"),
        Kept("told-value", "token for service: expired at 10:00", "expired at 10:00"),
        Kept("told-value", "Please use the following password to proceed:\n\nJenkins is fully up", "Jenkins is fully up"),
        Kept("told-value", "password is set for bob: ok", "ok"),
        Kept("told-value", "This may also be found at: /var/jenkins_home/secrets/initialAdminPassword", "/var/jenkins_home/secrets/initialAdminPassword"),
    ]  # fmt: skip
    return leak_cases("told-value", _TOLD_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 16. Directives that set a variable or a header to a credential (Apache, nginx, csh), and commands that store a
# secret given on their command line (a `--value` flag, a value piped in after printf's format).

_DIRECTIVE_LAYOUTS = (
    "SetEnv DB_PASSWORD {s}",
    'RequestHeader set X-Api-Key "{s}"',
    "Header always set X-Auth-Token {s}",
    "fastcgi_param DB_PASSWORD {s};",
    "proxy_set_header X-Api-Key {s};",
    "setenv API_TOKEN {s}",
    "az keyvault secret set --vault-name kv --name db-pass --value {s}",
    "printf %s {s} | docker secret create db_password -",
)


def _directive_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("directive", "RequestHeader set X-Forwarded-Proto https", "https"),
        Kept("directive", "SetEnv DB_PASSWORD_FILE /run/secrets/db", "/run/secrets/db"),
        Kept("directive", "proxy_set_header Authorization $http_authorization;", "$http_authorization"),
        Kept("directive", "printf %s hello | wc -c", "hello"),
        Kept("directive", "az keyvault secret set --vault-name kv --name db-pass --file /run/pw", "/run/pw"),
        Kept("directive", "SetEnv APP_ENV production", "production"),
    ]
    return leak_cases("directive", _DIRECTIVE_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 17. Key material by its shape: a `0x` hex of 128 bits or more under a credential's name (an Ethereum private key)
# is no number; tokens whose prefix says secret, NuGet keys, PKCE verifiers. A public key's name keeps a value of a
# key's shape (WireGuard's X25519 keys look alike, public or private).


def _key_shape_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks: list[Leak] = []
    for layout in (
        "PRIVATE_KEY=0x{s}",
        '{"privateKey": "0x{s}"}',
        "signing_key: 0x{s}",
        "--private-key 0x{s}",
    ):
        for size in (32, 40, 64, 64):
            secret = g.hex(size)
            leaks.append(Leak("key-shape", layout, secret, layout.replace("{s}", secret)))
    for secret in (
        "oy2" + g.lower_digits(43),
        f"sb_secret_{g.mixed(URLSAFE, 31)}",
        f"acme_secret_{g.mixed(ALNUM, 40)}",
        g.mixed(URLSAFE, 43),
    ):
        for layout in (
            "request failed using {s}",
            "GET /token?grant_type=authorization_code&code_verifier={s}&x=1",
        ):
            if layout.startswith("GET") and not secret[:2].isalpha():
                continue
            leaks.append(Leak("key-shape", layout, secret, layout.replace("{s}", secret)))
    for secret in (f"bkua_{g.hex(40)}", f"squ_{g.hex(40)}", f"sk-or-v1-{g.hex(64)}", f"dor_v1_{g.hex(64)}"):
        for layout in (
            "GET /search?q=failed%20using%20{s} 200",
            "GET /r?msg=401%20for%20{s}%20from%20billing 200",
        ):
            leaks.append(
                Leak("key-shape", f"%20 before a token: {layout}", secret, layout.replace("{s}", secret))
            )
    leaks += [
        Leak("key-shape", "code_verifier", s, f"token request: code_verifier={s}")
        for s in (g.mixed(URLSAFE, 43) for _ in range(5))
    ]
    public = base64.b64encode(bytes.fromhex(g(HEX, 64))).decode()
    kept = [
        Kept("key-shape", "pid 0x14ede63a5a70002 exited", "0x14ede63a5a70002"),
        Kept("key-shape", f"[Peer]\nPublicKey = {public}\nAllowedIPs = 10.0.0.0/24", public),
        Kept("key-shape", f'{{"publicKey": "{public}"}}', public),
        Kept("key-shape", f"pubkey={public}", public),
        Kept("key-shape", "token_endpoint_auth_method=client_secret_basic", "client_secret_basic"),
        Kept("key-shape", "ssl_verifier=strict", "strict"),
        Kept("key-shape", "GET /search?q=hello%20world%20internationalization%20check 200", "internationalization"),
        Kept("key-shape", f"GET /search?q=sha%20{g.hex(40)}%20deployed 200", "%20deployed"),
        Kept("key-shape", "module app_secret_rotation_enabled_for_tenants loaded", "app_secret_rotation_enabled_for_tenants"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 18. A validation error that echoes the input it rejected, the field named apart from the value: pydantic's field
# path line then `[type=…, input_value='X', …]`, its errors as JSON or a dict (`"loc": […, "password"]` and
# `"input"`, in any key order), Spring's `on field 'password': rejected value [X]` and `"rejectedValue"`.

_REJECTED_INPUT_LAYOUTS = (
    "1 validation error for Settings\ndb_password\n  String should have at least 12 characters "
    "[type=string_too_short, input_value='{s}', input_type=str]",
    "2 validation errors for SignupForm\nbody.account.api_token\n  Value error, bad token "
    '[type=value_error, input_value="{s}", input_type=str]',
    '422 {"detail":[{"type":"string_too_short","loc":["body","password"],"msg":"too short","input":"{s}"}]}',
    "errors=[{'type': 'value_error', 'loc': ('client_secret',), 'msg': 'Value error', 'input': '{s}'}]",
    '{"input": "{s}", "loc": ["query", "token"], "msg": "invalid", "type": "value_error"}',
    "Field error in object 'loginForm' on field 'password': rejected value [{s}]; codes [Size.loginForm.password]",
    '{"errors":[{"defaultMessage":"size must be between 12 and 64","field":"newPassword","rejectedValue":"{s}"}]}',
)


def _rejected_input_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("rejected-input", "1 validation error for Settings\ndb_host\n  Input should be a valid string "
             "[type=string_type, input_value=5432, input_type=int]", "input_value=5432"),
        Kept("rejected-input", '{"loc":["body","age"],"msg":"not a number","input":"forty-two"}', "forty-two"),
        Kept("rejected-input", "Field error in object 'form' on field 'age': rejected value [-3]; codes [Min]", "[-3]"),
        Kept("rejected-input", "1 validation error for Settings\npassword\n  Field required [type=missing, input_value={}, input_type=dict]", "input_value={}"),
    ]  # fmt: skip
    return leak_cases("rejected-input", _REJECTED_INPUT_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 19. A command that prints a credential and its output on the next line (a CI log, a shell transcript), a value
# the sentence after it names (Argo CD), a value told as `New value:` after a sentence naming it (Elasticsearch),
# a column of values after more than eight spaces (Consul), an OAuth code named by its exchange.

_COMMAND_OUTPUT_LAYOUTS = (
    "$ argocd admin initial-password -n argocd\n{s}\n\n This password must be only used for first time login.",
    "+ vault kv get -field=password secret/app/db\n{s}",
    "kubectl get secret app-db -o jsonpath='{.data.password}' | base64 -d\n{s}",
    "[command]/usr/bin/terraform output -raw admin_password\n{s}",
    "{s}\n\nThis token will not be shown again.",
    "Password for the [kibana_system] user successfully reset.\nNew value: {s}",
    "AccessorID:       0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e\nSecretID:             {s}",
    "OIDC: exchanged code z{s}9 for tokens",
)


def _command_output_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    kept = [
        Kept("command-output", "$ kubectl get pods -l app=web\nweb-7d9f8b6c5d-x2x9q", "web-7d9f8b6c5d-x2x9q"),
        Kept("command-output", "$ git rev-parse HEAD\n9fceb02d0ae598e95dc970b74767f19372d61af8", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
        Kept("command-output", "+ vault kv get -field=password secret/app/db\nerror: permission denied", "permission denied"),
        Kept("command-output", "Password policy updated.\nNew value: 12", "New value: 12"),
        Kept("command-output", "Done\n\nThis token expires in 24 hours.", "Done"),
        Kept("command-output", "AccessorID:       0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"),
        Kept("command-output", "worker exited with code 137", "137"),
        Kept("command-output", "UPDATE users SET password_changed_at = '2026-12-01' WHERE id = 42", "2026-12-01"),
    ]  # fmt: skip
    return leak_cases("command-output", _COMMAND_OUTPUT_LAYOUTS, _SHAPES, g), kept


# ---------------------------------------------------------------------------------------------------------
# 20. A query value that holds a text of its own, URL-encoded: a command, a sentence, a `.pgpass` line, CSV lines
# (a request logged with what the user searched for or sent).

_QUERY_TEXT_LAYOUTS = (
    "GET /run?cmd={q:zip -P {s} backup.zip db.sql} 400",
    "GET /run?q={q:net user svc_backup {s} /add} 400",
    "GET /x?page=2&text={q:sending AUTH default {s}} 500",
    "GET /x?line={q:db.internal:5432:app:app:{s}} 500",
    "POST /import?rows={q:user,password,role\nbob,{s},admin} 400",
    "GET /search?q={q:mysql -u root -p{s} app} 200",
    "GET /search?q={q:sshpass -p {s} ssh bob@host} 200",
)


def _query_text_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = []
    for layout in _QUERY_TEXT_LAYOUTS:
        head, _, rest = layout.partition("{q:")
        inner, _, tail = rest.rpartition("}")
        for shape in _SHAPES:
            secret = shape(g)
            text = head + quote(inner.replace("{s}", secret), safe="") + tail
            leaks.append(Leak("query-text", layout, secret, text))
    kept = [
        Kept("query-text", "GET /search?q=hello%20world%20again&page=2 200", "hello%20world%20again"),
        Kept("query-text", "GET /cb?redirect_uri=https%3A%2F%2Fapp.test%3A8443%2Fcb&state=x 302", "https%3A%2F%2Fapp.test%3A8443%2Fcb"),
        Kept("query-text", "GET /t?at=2026-12-01%2010%3A42%3A17%3A123 200", "10%3A42%3A17%3A123"),
        Kept("query-text", "GET /search?q=reset%20password%20help 200", "reset%20password%20help"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 21. SMTP's AUTH LOGIN as clients' debug output writes it: after the server's password prompt (`334 UGFzc3dvcmQ6`,
# `Password:` in base64), the client's next line is the password in base64, after the client's own prefix.

_MAIL_TRANSCRIPT_LAYOUTS = (
    "2026-12-01 10:00:00 SERVER -> CLIENT: 334 UGFzc3dvcmQ6\n2026-12-01 10:00:00 CLIENT -> SERVER: {e}\n"
    "2026-12-01 10:00:00 SERVER -> CLIENT: 535 5.7.8 Username and Password not accepted",
    "[2026-12-01 10:00:00] DEBUG [smtp] S: 334 UGFzc3dvcmQ6\n[2026-12-01 10:00:00] DEBUG [smtp] C: {e}",
    "< 334 UGFzc3dvcmQ6\n> {e}\n< 535 5.7.8 Authentication credentials invalid",
    "Net::SMTP=GLOB(0x55d0c8a1e2f8)<<< 334 UGFzc3dvcmQ6\nNet::SMTP=GLOB(0x55d0c8a1e2f8)>>> {e}",
    "S: 334 cGFzc3dvcmQ6\nC: {e}\nS: 235 ok",
    "reply: retcode (334); Msg: b'UGFzc3dvcmQ6'\nsend: '{e}\\r\\n'\nreply: b'535 5.7.8 failed\\r\\n'",
    "<~  334 UGFzc3dvcmQ6\n ~> {e}\n<~* 535 5.7.8 Error: authentication failed",
)


def _mail_transcript_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = []
    for layout in _MAIL_TRANSCRIPT_LAYOUTS:
        for shape in _SHAPES:
            secret = base64.b64encode(shape(g).encode()).decode()
            leaks.append(Leak("mail-transcript", layout, secret, layout.replace("{e}", secret)))
    kept = [
        Kept("mail-transcript", "SERVER -> CLIENT: 235 2.7.0 Authentication successful", "235 2.7.0 Authentication successful"),
        Kept("mail-transcript", "SERVER -> CLIENT: 334 VXNlcm5hbWU6\nCLIENT -> SERVER: Ym9iQGFjbWUudGVzdA==", "Ym9iQGFjbWUudGVzdA=="),
        Kept("mail-transcript", "CLIENT -> SERVER: RCPT TO:<bob@acme.test>", "RCPT TO:"),
        Kept("mail-transcript", "S: 334 UGFzc3dvcmQ6\nC: *\nS: 501 5.7.0 Authentication aborted", "501 5.7.0 Authentication aborted"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 22. A one-time link's token in a URL's path, after the segment that says what the link does (a password's
# reset, an account's activation, an address's confirmation, an invitation), a short id or a word between; also
# in Rails' `Started GET "/path"`. Hex digests, UUIDs and lower-case runs too, which the path's run rule leaves.

_LINK_TOKEN_LAYOUTS = (
    "GET /accounts/reset/Mjc/{t}/ 404",
    'Started GET "/users/password/edit/{t}" for 10.0.0.7 at 2026-12-01 10:00:00 +0000',
    "GET https://app.example.test/account/activate/{t} 500",
    "POST /api/v1/email/confirm/{t} 400",
    "GET /auth/verify-email/{t}?lang=en 500",
    "GET /newsletter/unsubscribe/{t} 500",
    '"GET /invite/{t}/accept HTTP/1.1" 500',
)


def _link_tokens(g: _Gen) -> list[str]:
    uuid = f"{g.hex(8)}-{g.hex(4)}-4{g.hex(3)}-a{g.hex(3)}-{g.hex(12)}"
    return [g.hex(40), g.lower_digits(32), uuid, f"{g.lower_digits(6)}-{g.hex(32)}"]


def _link_token_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = []
    for layout in _LINK_TOKEN_LAYOUTS:
        for token in _link_tokens(g):
            leaks.append(Leak("link-token", layout, token, layout.replace("{t}", token)))
    kept = [
        Kept("link-token", "GET /accounts/reset/done/ 200", "/accounts/reset/done/"),
        Kept("link-token", "GET /users/8f3c2a1e-5d4b-4c3a-9e8f-7d6c5b4a3e2f/verify-email 500", "8f3c2a1e-5d4b-4c3a-9e8f-7d6c5b4a3e2f"),
        Kept("link-token", "GET /blog/how-we-reset-passwords-safely 200", "/blog/how-we-reset-passwords-safely"),
        Kept("link-token", "POST /invitations/482913/accept 500", "/invitations/482913/accept"),
        Kept("link-token", "GET /releases/v1.2.3/confirm 200", "/releases/v1.2.3/confirm"),
        Kept("link-token", 'Started GET "/orders/12345/items" for 10.0.0.7', "/orders/12345/items"),
        Kept("link-token", "GET /commits/9fceb02d0ae598e95dc970b74767f19372d61af8 200", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
        Kept("link-token", "GET /auth/activate/done 200", "/auth/activate/done"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 23. A tool's setting given as separate arguments (`composer config http-basic.HOST USER X`, rclone's name/value
# pairs), a value a CI job declares secret (`##vso[task.setsecret]X`), a value piped to `gh auth login
# --with-token`.

_TOOL_SETTING_LAYOUTS = (
    "composer config --global http-basic.repo.example.test deploy {s}",
    "poetry config http-basic.internal ci {s}",
    "poetry config pypi-token.private {s}",
    "composer config -g github-oauth.github.com {s}",
    "rclone config create s3 s3 provider AWS secret_access_key {s} region eu-west-1",
    "rclone config update sftp-backup pass {s} host backup.example.test",
    "2026-12-01T10:00:00.1234567Z ##vso[task.setsecret]{s}",
    "echo {s} | gh auth login --hostname ghe.example.test --with-token",
)


def _tool_setting_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = [
        Leak("tool-setting", layout, secret, layout.replace("{s}", secret))
        for layout in _TOOL_SETTING_LAYOUTS
        for secret in (shape(g) for shape in _SHAPES)
    ]
    kept = [
        Kept("tool-setting", "poetry config virtualenvs.in-project true", "virtualenvs.in-project true"),
        Kept("tool-setting", "composer config --global process-timeout 2000", "process-timeout 2000"),
        Kept("tool-setting", "rclone config create s3 s3 provider AWS region eu-west-1", "region eu-west-1"),
        Kept("tool-setting", "##vso[task.setvariable variable=buildNumber]20261201.4", "20261201.4"),
        Kept("tool-setting", "echo started | tee -a /var/log/deploy.log", "echo started"),
        Kept("tool-setting", "git config --global user.name deploybot", "deploybot"),
        Kept("tool-setting", "config token expired, refreshing", "expired, refreshing"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 24. A network device's configuration as automation and config backups echo it: a credential keyword, an optional
# encryption type or key number and algorithm, then the value after a space.

_DEVICE_CONFIG_LAYOUTS = (
    "username netops privilege 15 secret 0 {s}",
    "changed: [edge-02] => snmp-server community {s} RW 99",
    "crypto isakmp key {s} address 0.0.0.0 0.0.0.0",
    "radius-server host 10.9.0.4 auth-port 1812 key 7 {s}",
    "interface Vlan20\n ip ospf message-digest-key 3 md5 {s}",
    "key chain uplink\n key 1\n  key-string 0 {s}",
    "config vpn ipsec phase1-interface\n    set psksecret {s}",
    "set system login user ops authentication plain-text-password-value {s}",
)


def _device_config_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = [
        Leak("device-config", layout, secret, layout.replace("{s}", secret))
        for layout in _DEVICE_CONFIG_LAYOUTS
        for secret in (shape(g) for shape in _SHAPES)
    ]
    kept = [
        Kept("device-config", "enable secret 5 is configured on all routers", "is configured on all routers"),
        Kept("device-config", "snmp-server community public RO", "community public RO"),
        Kept("device-config", "join our community abc123 today", "abc123"),
        Kept("device-config", "cache key user42 evicted", "user42"),
        Kept("device-config", "ntp authentication-key 4 md5 is missing", "md5 is missing"),
        Kept("device-config", "interface GigabitEthernet0/1 description uplink-core-02", "uplink-core-02"),
        Kept("device-config", "invalid key 0 for index users_by_email", "key 0 for index"),
    ]  # fmt: skip
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 25. loguru's (`diagnose=True`, its default) and better_exceptions' annotated frames: each name of a frame's
# source line has its value on a line below, `└ value` at the name's column; the value's line does not name it.

_ANNOTATED_FRAME_LAYOUTS = (
    "    conn = connect(host, user, password)\n"
    "           │       │     │     └ '{s}'\n"
    "           │       │     └ 'app'\n"
    "           │       └ 'db.internal'\n"
    "           └ <function connect at 0x7f00aa11bb22>",
    "    client.login(username, passwd)\n"
    "    │      │     │         └ '{s}'\n"
    "    │      │     └ 'ops'\n"
    "    │      └ <function Client.login at 0x7f00aa11bb22>\n"
    "    └ <app.Client object at 0x7f00aa11bb22>",
    "    sign(payload, signing_key, 'sha256')\n"
    "    │    │        └ b'{s}'\n"
    "    │    └ {{'id': 7}}\n"
    "    └ <function sign at 0x7f00aa11bb22>",
    "    r = fetch(url, api_token, retries=3)\n"
    '        │     │    └ "{s}"\n'
    "        │     └ 'https://api.example.test/v2/items'\n"
    "        └ <function fetch at 0x7f00aa11bb22>",
    "    smtp.login(self.user, self.smtp_password)\n"
    "    │    │     │    │     │    └ '{s}'\n"
    "    │    │     │    │     └ <app.Mailer object at 0x7f00aa11bb22>\n"
    "    │    │     │    └ 'alerts'\n"
    "    │    │     └ <app.Mailer object at 0x7f00aa11bb22>\n"
    "    │    └ <function SMTP.login at 0x7f00aa11bb22>\n"
    "    └ <smtplib.SMTP object at 0x7f00aa11bb22>",
    "    return Vault(addr, vault_token).read(path)\n"
    "           │     │     │                 └ 'secret/data/app'\n"
    "           │     │     └ '{s}'\n"
    "           │     └ 'https://vault.internal:8200'\n"
    "           └ <class 'app.Vault'>",
    "    if not check(user, pw):\n"
    "           │     │     └ '{s}'\n"
    "           │     └ 'marta'\n"
    "           └ <function check at 0x7f00aa11bb22>",
)
_FRAME_HEAD = 'Traceback (most recent call last):\n  File "/app/svc/core.py", line 41, in run\n'


def _annotated_frame_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = [
        Leak(
            "annotated-frame",
            layout[:40],
            secret,
            _FRAME_HEAD + layout.format(s=secret) + "\nRuntimeError: denied",
        )
        for layout in _ANNOTATED_FRAME_LAYOUTS
        for secret in (shape(g) for shape in _SHAPES)
    ]
    kept = [
        Kept("annotated-frame", "    order = get(order_id)\n            │   └ 'ord_20261201_0042'\n            └ <function get at 0x7f00aa11bb22>", "ord_20261201_0042"),
        Kept("annotated-frame", "    login(user, password)\n    │     │     └ None\n    │     └ 'marta'\n    └ <function login at 0x7f00aa11bb22>", "'marta'"),
        Kept("annotated-frame", "    resp = session.get(url)\n           │       │   └ 'https://api.example.test/v1/items?page=3'\n           │       └ <function Session.get at 0x7f00aa11bb22>\n           └ <requests.Session object at 0x7f00aa11bb22>", "https://api.example.test/v1/items?page=3"),
        Kept("annotated-frame", "    total = add(token_count, b)\n            │   │            └ 2\n            │   └ 'forty-two'\n            └ <function add at 0x7f00aa11bb22>", "'forty-two'"),
    ]  # fmt: skip
    return leaks, kept


def corpus(seed: int = 20261201) -> tuple[list[Leak], list[Kept]]:
    builds = (
        _vendor_cases,
        _signed_url_cases,
        _encoded_cases,
        _config_cases,
        _dump_cases,
        _userinfo_cases,
        _break_cases,
        _unicode_cases,
        _record_cases,
        _split_label_cases,
        _more_cases,
        _yaml_property_cases,
        _map_cases,
        _named_pair_cases,
        _told_cases,
        _directive_cases,
        _key_shape_cases,
        _rejected_input_cases,
        _command_output_cases,
        _query_text_cases,
        _mail_transcript_cases,
        _link_token_cases,
        _tool_setting_cases,
        _device_config_cases,
        _annotated_frame_cases,
    )
    return gather(_Gen(seed), builds)


# ---------------------------------------------------------------------------------------------------------
# End to end: each case planted in the fields of a LogEntry, one probe word per entry.


def _base(n: int, probe: str) -> dict[str, Any]:
    return {
        "insertId": f"rt-{n:05d}",
        "timestamp": f"2026-12-01T10:{n // 60 % 60:02d}:{n % 60:02d}Z",
        "severity": "ERROR",
        "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": f"svc-{probe}"}},
    }


def _placements(probe: str, text: str, secret: str) -> list[tuple[str, dict[str, Any]]]:
    line = f"{probe} {text}"
    return [
        ("textPayload", {"textPayload": line}),
        ("json-message", {"jsonPayload": {"message": line, "level": "error"}}),
        (
            "json-deep",
            {"jsonPayload": {"message": f"{probe} call failed", "ctx": {"a": [{"b": {"x": text}}]}}},
        ),
        ("json-odd-key", {"jsonPayload": {"message": f"{probe} call failed", "0": text, "@detail": [text]}}),
        (
            "traceback",
            {
                "textPayload": (
                    "Traceback (most recent call last):\n"
                    f'  File "/app/{probe}/worker.py", line 88, in run\n'
                    "    client.call(settings)\n"
                    f"RuntimeError: {probe} upstream refused: {text}"
                )
            },
        ),
        (
            "stack-field",
            {
                "jsonPayload": {
                    "message": f"{probe} request failed",
                    "stack_trace": f"java.lang.IllegalStateException: {probe} {text}\n\tat com.acme.Db.connect(Db.java:42)",
                }
            },
        ),
        (
            "error-context",
            {
                "jsonPayload": {
                    "@type": "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent",
                    "message": f"Error: {probe} {text}\n    at handler (/app/index.js:3:9)",
                    "context": {
                        "httpRequest": {"url": f"/{probe}?note={quote(text, safe='')}"},
                        "user": text,
                    },
                }
            },
        ),
        (
            "proto",
            {
                "protoPayload": {
                    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                    "methodName": "SetSecret",
                    "resourceName": f"projects/p/{probe}",
                    "status": {"code": 7, "message": f"{probe} {text}"},
                    "request": {"config": text},
                }
            },
        ),
        (
            "http",
            {
                "textPayload": f"{probe} request failed",
                "httpRequest": {
                    "requestMethod": "GET",
                    "requestUrl": f"https://app.example.test/{probe}?q={quote(text, safe='')}",
                    "status": 502,
                    "referer": f"https://app.example.test/from?{quote(text, safe='')}",
                    "userAgent": f"bot/1.0 ({text})",
                },
            },
        ),
        (
            "labels",
            {
                "textPayload": f"{probe} job failed",
                "labels": {"note": text, "secret": secret},
                "operation": {"id": f"op {text}", "producer": text},
                "sourceLocation": {"file": "app.py", "line": "3", "function": text},
            },
        ),
    ]


def planted(leaks: list[Leak]) -> tuple[list[dict[str, Any]], list[tuple[Leak, str, str]]]:
    """Entries, and for each: its case, its placement and its probe word."""
    entries: list[dict[str, Any]] = []
    index: list[tuple[Leak, str, str]] = []
    for case in leaks:
        for place, fields in _placements("PROBE", case.text, case.secret):
            n = len(entries)
            probe = f"rtprobe{n:05d}x"
            fields = json.loads(json.dumps(fields).replace("PROBE", probe))
            entries.append({**_base(n, probe), **fields})
            index.append((case, place, probe))
        if "\n" in case.text:  # each line its own entry, a millisecond apart: a stream split per line
            n = len(entries)
            probe = f"rtprobe{n:05d}x"
            base = _base(n, probe)
            for number, line in enumerate(case.text.split("\n")):
                line = f"{probe} {line}" if number == 0 else line
                stamp = base["timestamp"].replace("Z", f".{number:03d}Z")
                entries.append(
                    {
                        **base,
                        "insertId": f"{base['insertId']}-{number}",
                        "timestamp": stamp,
                        "textPayload": line,
                    }
                )
            index.append((case, "split-lines", probe))
    return entries, index


def scan_outputs(entries: list[dict[str, Any]], root: Path) -> str:
    """Every output of one `gardener scan` of `entries` (worklog, drafts, report, assignments, state, terminal)."""
    import subprocess

    export = root / "planted.ndjson"
    export.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n", encoding="utf-8")
    config = root / "gardener.toml"
    config.write_text(
        '[issues]\nthreshold = "P3"\n\n[clustering]\nsamples_per_cluster = 20\n', encoding="utf-8"
    )
    out = root / "out"
    result = subprocess.run(
        [sys.executable, "-m", "loggardener", "scan", "--from", str(export), "--config", str(config),
         "--out", str(out), "--issues", "draft", "--repo", "o/r", "--report-json", str(root / "report.json"),
         "--assignments", str(root / "assignments.ndjson"), "--state", str(root / "state.json"),
         "--since", "2026-12-01T00:00:00Z", "--until", "2026-12-02T00:00:00Z"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode not in (0, 1):
        raise RuntimeError(result.stderr)
    written = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file() and p != export]
    return "\n".join(written) + result.stdout + result.stderr


def main() -> int:
    from loggardener.entries.redact import Redactor

    redact = Redactor().redact
    verbose = "-v" in sys.argv
    leaks, kept = corpus()
    only = [arg.partition("=")[2] for arg in sys.argv if arg.startswith("--only=")]
    if only:
        leaks = [c for c in leaks if c.group in only]
        kept = [k for k in kept if k.group in only]
    entries, index = planted(leaks)
    with tempfile.TemporaryDirectory() as tmp:
        outputs = scan_outputs(entries, Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:  # the same export newest first, as gcloud prints it
        newest_first = scan_outputs(entries[::-1], Path(tmp))
    reached = {probe for _, _, probe in index if probe in outputs}
    place_of = {probe: place for _, place, probe in index}
    scan_open: dict[str, set[str]] = {}
    for case in leaks:
        for part in case.parts():
            at = outputs.find(part)
            while at >= 0:  # named by the nearest probe before the leak (an entry's own word)
                probe = outputs.rfind("rtprobe", 0, at)
                place = place_of.get(outputs[probe : probe + 13], "?") if probe >= 0 else "?"
                scan_open.setdefault(case.group, set()).add(f"{place}: {case.text!r}")
                at = outputs.find(part, at + 1)
    print(f"entries {len(entries)}, probes in the outputs {len(reached)}")
    for group in only or CLASSES:
        cases = [c for c in leaks if c.group == group]
        open_cases = [c for c in cases if leaked(redact, c)]
        scan_cases = {c.text for c in cases if any(p in outputs for p in c.parts())}
        newest_cases = {c.text for c in cases if any(p in newest_first for p in c.parts())}
        changed = changed_look_alikes(redact, kept, group)
        print(
            f"{group:14} text leaks {len(open_cases):3} of {len(cases):3}   scan leaks {len(scan_cases):3}   "
            f"newest first {len(newest_cases):3}   "
            f"look-alikes changed {len(changed)} of {sum(k.group == group for k in kept)}"
        )
        if verbose:
            for case in open_cases:
                print(f"    LEAK {case.layout!r}: {redact(case.text)!r}")
            for line in sorted(scan_open.get(group, ())):
                print(f"    SCAN {line}")
            for text in sorted(newest_cases):
                print(f"    NEWEST FIRST {text!r}")
            for k in changed:
                print(f"    KEPT? {redact(k.text)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
