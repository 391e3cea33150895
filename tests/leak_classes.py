"""Red-team corpus: classes of credentials that text-shape rules miss, each class generated in many variants.

Every case is a log line holding one generated secret (never a real one) in a layout of its class; every
value shape is written into every layout, so a rule built for one example does not pass the class. Alongside,
the look-alikes the same rules must keep: hex that is routinely not secret (commits, traces, request ids,
digests, key ids), words after a credential's name, auth mechanisms, plain URLs.

    PYTHONPATH=src python tests/leak_classes.py      # leaks per class, and look-alikes changed
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from secret_corpus import ALNUM, DIGITS, HEX, LOWER, UPPER, URLSAFE, RandomText

SYMBOLS = "!#$%*?^~&"
# Syllables of made-up words: a passphrase's words that no layout's own words can be mistaken for.
_SYLLABLES = (
    "kor",
    "vel",
    "mis",
    "tran",
    "dap",
    "yur",
    "nish",
    "quo",
    "lim",
    "zeph",
    "bru",
    "gal",
    "tor",
    "wex",
)

CLASSES = ("bare-hex", "name-after", "spaced-password", "cli-argument", "webhook-url", "free-text")


@dataclass(frozen=True)
class Leak:
    """A line of class `group` holding `secret`: no word of it (of 4 characters or more) may survive."""

    group: str
    layout: str
    secret: str
    text: str

    def parts(self) -> list[str]:
        words = [w for w in self.secret.split() if len(w) >= 4]
        return words or [self.secret]


@dataclass(frozen=True)
class Kept:
    """A line of class `group` whose `value` is no secret and must come out as written."""

    group: str
    text: str
    value: str


class _Gen(RandomText):
    def hex(self, size: int) -> str:
        """Hex with letters and digits both (a run of one kind only is no key)."""
        while True:
            value = self(HEX, size)
            if sum(c.isdigit() for c in value) >= size // 4 and sum(c.isalpha() for c in value) >= size // 4:
                return value

    def lower_digits(self, size: int) -> str:
        """Lower-case letters and digits, both (a run of letters alone after a password's word in prose is a
        word to the rules: `password expired`)."""
        while True:
            value = self(LOWER + DIGITS, size)
            if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                return value

    def word(self, syllables: int = 2) -> str:
        return "".join(self._random.choice(_SYLLABLES) for _ in range(syllables))

    def word_digits(self) -> str:
        """A person's password: a made-up word and digits (`korvel2024`), or digits inside (`dap7tran`)."""
        if self._random.random() < 0.5:
            return self.word() + self(DIGITS, self._random.randint(1, 4))
        return self.word(1) + self(DIGITS, 1) + self.word(2)

    def policy(self) -> str:
        """A password of the shape policies force: cases, digits and a symbol, 10 to 14 characters."""
        while True:
            value = self.mixed(ALNUM, self._random.randint(9, 13)) + self(SYMBOLS, 1)
            if any(c.isdigit() for c in value):
                return value

    def uuid(self) -> str:
        h = self(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def passphrase(self, words: int) -> str:
        return " ".join(self.word(self._random.randint(2, 3)) for _ in range(words))


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def leak_cases(
    group: str, layouts: Iterable[str], shapes: Iterable[Callable[[_Gen], str]], g: _Gen
) -> list[Leak]:
    """Every layout of `group` with a secret of every shape, each drawn anew, layout by layout."""
    return [
        Leak(group, layout, secret, layout.replace("{s}", secret))
        for layout in layouts
        for shape in shapes
        for secret in [shape(g)]
    ]


# ---------------------------------------------------------------------------------------------------------
# 1. Hex keys with no name right before them: a credential word elsewhere in the line says what they are.

_HEX_LAYOUTS = (
    "using key {s}",
    "using key {s} for upstream calls",
    "retrying with fallback key '{s}'",
    "401 from billing: key {s} rejected",
    "calling payments api with {s}",
    "auth ok with {s}",
    "authenticating to vault using {s}",
    "token refreshed, new value {s}",
    "secret rotated: now {s}",
    "rejected credentials {s} for tenant acme",
    "webhook signature mismatch, got {s}",
    "hmac {s} did not verify",
    'api: 401 Unauthorized with "{s}"',
    "[auth] {s} rejected by upstream",
    "stripe key {s} is invalid",
    "using {s} to sign the payload (signing key)",
    "loaded {s} from KEY_FILE",
    "x-api-key header was {s}",
    "bearer {s} expired",
    "session {s} hijack suspected",
    "client authenticated with {s} at 10:42",
    "send_alert(): token {s}",
    "password reset link uses {s}",
    "apikey {s} quota exceeded",
    "connecting to broker with credential {s}",
)
# The hex shapes of keys: MD5-sized, SHA-1-sized, 48, SHA-256-sized, upper case, and `0x`-prefixed.
_HEX_SHAPES: tuple[Callable[[_Gen], str], ...] = (
    lambda g: g.hex(32),
    lambda g: g.hex(40),
    lambda g: g.hex(48),
    lambda g: g.hex(64),
    lambda g: g.hex(40).upper(),
    lambda g: g.hex(96),
)
_HEX_KEPT = (
    "deployed commit {h40} with the api key rotation fix",
    "revision {h40} rolled out; auth config unchanged",
    "sha {h40} built, token cache warmed",
    "git sha: {h40} (release with new secret handling)",
    "HEAD at {h40} after token refresh merge",
    "trace {h32} auth failed",
    "traceId={h32} token expired",
    "projects/acme/traces/{h32} token refresh failed",
    "request id {h32} denied: invalid token",
    "requestId {h32}: password check failed",
    "uuid {h32} has no api key",
    'etag "{h32}" changed; key cache flushed',
    "md5 {h32} for secrets.yaml",
    "sha256 digest of token.json: {h64}",
    "checksum {h64} mismatch for credentials.tar.gz",
    "pulled image sha256:{h64} for auth-service",
    "Service account key {h40} does not exist.",
    "key id {h40} disabled by admin",
    "kid {h32} not found in JWKS, token rejected",
    "fingerprint {h40} of the signing key",
    "container {h64} exited: auth plugin error",
    "object {h32} uploaded by token holder",
    "span {h32} of auth middleware slow",
    "Processing {h32} done",
    "correlation id {h32}: secret fetch ok",
    "build {h40} finished, keys unchanged",
    "parent {h40} of the token refactor",
    "tx 0x{h64} signed by key holder",
    "wallet 0x{h40} funded; api ok",
    "the token file hashes to {h64} (sha256)",
    "insertId {h32} password policy updated",
    "layer {h64} already exists (registry auth ok)",
)


def _hex_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = leak_cases("bare-hex", _HEX_LAYOUTS, _HEX_SHAPES, g)
    kept = []
    for layout in _HEX_KEPT:
        h32, h40, h64 = g.hex(32), g.hex(40), g.hex(64)
        text = _fill(layout, h32=h32, h40=h40, h64=h64)
        value = next(v for v in (h32, h40, h64) if v in text)
        kept.append(Kept("bare-hex", text, value))
    return leaks, kept


# ---------------------------------------------------------------------------------------------------------
# 2. The credential's name after its value.

_NAME_AFTER_LAYOUTS = (
    "{s} is the api key",
    "{s} is my password",
    "{s} was used as password",
    "{s} was used as the password for admin",
    "{s} is the new password for bob",
    '"{s}" is the password',
    "'{s}' was the token",
    "{s} (refresh token)",
    "token {s} (refresh token)",
    "{s} - api key",
    "{s} is our client secret",
    "{s} was set as the admin password",
    "used {s} as the password",
    "tried {s} as password for root",
    "{s} is the passphrase",
    "{s}: password for svc-deploy",
    "sent {s} as credentials",
    "{s} is the access token for the GitHub API",
    "{s} is the secret",
    "login failed, {s} was the password we tried",
    "note: {s} = db password",
    "{s} (password)",
    "{s} was accepted as the api token",
    "{s} is the current signing secret",
)
_NAME_AFTER_SHAPES: tuple[Callable[[_Gen], str], ...] = (
    lambda g: g.mixed(ALNUM, 12),
    lambda g: g.word_digits(),
    lambda g: g.policy(),
    lambda g: g.hex(32),
    lambda g: g.mixed(ALNUM, 24),
    lambda g: g.lower_digits(14),
)
_NAME_AFTER_KEPT = (
    ("this is the password reset page", "this"),
    ("it was used as password hint", "it"),
    ("what is the api key for billing?", "what"),
    ("bob is the username and alice is the admin", "bob"),
    ("v2.3.1 is the token library version", "v2.3.1"),
    ("none is the password placeholder", "none"),
    ("which is the password field", "which"),
    ("user42 is the password reset requester", "user42"),
    ("step 3 (password) skipped", "3"),
    ("OAuth2 is the token protocol", "OAuth2"),
    ("ticket-1234 is the password policy change", "ticket-1234"),
    ("src/auth.py:42 is the token check", "src/auth.py:42"),
    ("https://auth.example.com is the token endpoint", "https://auth.example.com"),
    ("Error42 was the password validator result", "Error42"),
    ("form field 2 (password) empty", "2"),
)


def _name_after_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = leak_cases("name-after", _NAME_AFTER_LAYOUTS, _NAME_AFTER_SHAPES, g)
    return leaks, [Kept("name-after", text, value) for text, value in _NAME_AFTER_KEPT]


# ---------------------------------------------------------------------------------------------------------
# 3. Passwords with spaces (quoted or to the end of the line), and `PASSWORD=` inside a command in an argv.

_SPACED_LAYOUTS = (
    'password: "{s}"',
    "password: '{s}'",
    'password="{s}"',
    "pwd='{s}'",
    '--password "{s}"',
    "--password='{s}'",
    '--db-password="{s}"',
    'PASSWORD="{s}" ./deploy.sh',
    "export DB_PASSWORD='{s}'",
    "set PASSWORD={s}",
    'the password is "{s}"',
    "the password was '{s}', login refused",
    "passphrase: {s}",
    'docker run -e "DB_PASSWORD={s}" app:1',
    "docker run -e DB_PASSWORD='{s}' app:1",
    "kubectl create secret generic db --from-literal=password='{s}'",
    'mysql -u root -p"{s}" orders',
    "sshpass -p '{s}' ssh root@db",
    '["env", "PASSWORD={s}", "./run"]',
    '["mysql", "--password", "{s}"]',
    '["app", "--password={s}"]',
    '{"argv": ["sh", "-c", "DB_PASSWORD=\'{s}\' ./run.sh"]}',
    'Password = "{s}";',
    "secret: '{s}' # rotate monthly",
)
_SPACED_SHAPES: tuple[Callable[[_Gen], str], ...] = (
    lambda g: g.passphrase(4),
    lambda g: g.passphrase(3).title(),
    lambda g: g.passphrase(2) + " " + g(DIGITS, 2),
    lambda g: g.word(2) + " " + g.policy(),
)
# one token, written into a command line that is itself one argument of an argv
_ARGV_LAYOUTS = (
    '["sh", "-c", "PASSWORD={s} ./run.sh"]',
    "['bash', '-c', 'PGPASSWORD={s} psql -h db -U app']",
    '["/bin/sh", "-c", "export API_TOKEN={s} && ./sync"]',
    '{"args": ["-c", "MYSQL_PWD={s} mysql -u root orders"]}',
    'command: ["sh", "-c", "env DB_PASSWORD={s} ./migrate"]',
    "exec: sh -c 'PASSWORD={s} ./run.sh'",
    'cmdline="/bin/sh -c SECRET_KEY={s} gunicorn app"',
    "sudo -E PASSWORD={s} ./install.sh",
    "env PASSWORD={s} REGION=eu ./run",
    'bash -c "REDIS_PASSWORD={s} redis-cli ping"',
)
_ARGV_SHAPES: tuple[Callable[[_Gen], str], ...] = (
    lambda g: g.word_digits(),
    lambda g: g.policy(),
    lambda g: g.lower_digits(14),
    lambda g: g.word(3),
    lambda g: g.mixed(ALNUM, 12),
)
_SPACED_KEPT = (
    ('["sh", "-c", "echo PASSWORD is not set"]', "echo PASSWORD is not set"),
    ('["sh", "-c", "PASSWORD=$DB_PASSWORD ./run.sh"]', "$DB_PASSWORD ./run.sh"),
    ("password field left empty by user bob", "left empty by user bob"),
)


def _spaced_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = leak_cases("spaced-password", _SPACED_LAYOUTS, _SPACED_SHAPES, g)
    leaks += leak_cases("spaced-password", _ARGV_LAYOUTS, _ARGV_SHAPES, g)
    return leaks, [Kept("spaced-password", text, value) for text, value in _SPACED_KEPT]


# ---------------------------------------------------------------------------------------------------------
# 4. A credential as a command-line argument: positional, attached to a flag, after a flag, in a header.

_CLI_LAYOUTS = (
    "gcloud auth activate-refresh-token {s}",
    "gcloud auth activate-refresh-token --quiet {s}",
    "Running: gcloud auth activate-refresh-token {s} --project acme",
    "ngrok config add-authtoken {s}",
    "vault login {s}",
    "vault login -no-print {s}",
    "doctl auth init --access-token {s}",
    "doctl auth init -t {s}",
    "mysql -u root -p{s} -h db orders",
    "mysql -uroot -p'{s}' orders",
    "mysqldump --password={s} orders",
    "mysql --password {s} -h db",
    "mysqladmin -p{s} status",
    "curl -u admin:{s} https://api.example.com/v1/items",
    "curl --user 'admin:{s}' https://api.example.com",
    "curl -s -u bob:{s} -X POST https://api.example.com/v1/jobs",
    "curl -uadmin:{s} https://x.example.com",
    "curl --proxy-user ops:{s} https://x.example.com",
    "sshpass -p {s} ssh root@10.0.0.5",
    "sshpass -p'{s}' scp a.tar root@db:/tmp",
    'sshpass -p "{s}" rsync -a src/ db:/srv',
    "app --password {s}",
    "worker --passwd {s} --port 8080",
    "cli --pass {s}",
    "server --db-password {s}",
    "client --api-key {s}",
    "deploy --token {s}",
    "sentry-cli --auth-token {s} releases new v1",
    "oauth2-proxy --client-secret {s}",
    "java -jar app.jar -password {s}",
    "app --password={s}",
    'curl -H "Authorization: Bearer {s}" https://api.example.com',
    "curl -H 'Authorization: token {s}' https://api.github.com/user",
    'curl -H "X-Api-Key: {s}" https://api.example.com',
    'curl -H "Private-Token: {s}" https://gitlab.example.com/api/v4/projects',
    'curl -H "X-Auth-Token: {s}" https://api.example.com',
    'curl -H "apikey: {s}" https://api.example.com',
    "curl --oauth2-bearer {s} https://api.example.com",
    "openssl pkcs12 -export -in c.pem -passout pass:{s}",
    "openssl rsa -in k.pem -passin pass:{s}",
    "keytool -importkeystore -storepass {s} -keypass {s}",
    "wget --http-password={s} https://files.example.com/a.zip",
    "wget --user bob --password {s} https://files.example.com/a.zip",
    "docker login -u bob -p {s} registry.example.com",
    "redis-cli -a {s} ping",
    "mongosh -u admin -p {s} --authenticationDatabase admin",
    '["mysql", "-uroot", "-p{s}"]',
    '["curl", "-u", "admin:{s}", "https://x.example.com"]',
    '["sshpass", "-p", "{s}", "ssh", "host"]',
    '["gcloud", "auth", "activate-refresh-token", "{s}"]',
    '["app", "--password", "{s}"]',
    'psql "host=db user=app password={s} dbname=orders"',
    "gcloud auth activate-refresh-token deploy@acme.example {s}",
    "openssl passwd -6 {s}",
    "openssl passwd -1 -salt xyz {s}",
    "mkpasswd -m sha-512 {s}",
    "mysqladmin -u root password {s}",
    "sqlplus scott/{s}@orcl",
    "expdp system/{s}@db schemas=hr",
    "tool set-password {s}",
    "cli auth set-token --profile prod {s}",
)
_CLI_SHAPES: tuple[Callable[[_Gen], str], ...] = (
    lambda g: g.word_digits(),
    lambda g: g.policy(),
    lambda g: g.lower_digits(14),
    lambda g: g.mixed(ALNUM, 12),
    lambda g: g.hex(40),
    lambda g: "1//0" + g.mixed(URLSAFE, 40),
)
_CLI_KEPT = (
    ("mysql -u root -p orders", "orders"),
    ("mysql -p -h db orders", "orders"),
    ("docker login registry.example.com", "registry.example.com"),
    ("vault login -method=oidc", "-method=oidc"),
    ("gcloud auth login --no-launch-browser", "--no-launch-browser"),
    (
        "gcloud auth activate-service-account deploy@acme.iam.gserviceaccount.com --key-file=key.json",
        "--key-file=key.json",
    ),
    ("curl -u admin https://x.example.com", "admin"),
    ("ssh -p 2222 root@db", "2222"),
    ("app --password-file /run/secrets/db", "/run/secrets/db"),
    ("gcloud auth print-access-token --impersonate-service-account ops", "--impersonate-service-account ops"),
    ("ngrok config add-authtoken $NGROK_TOKEN", "$NGROK_TOKEN"),
    ("POST /api/reset-password 200", "/api/reset-password"),
    ("reset-password 12345 sent", "12345"),
    ("forgot-password page opened", "page"),
    ("openssl passwd -help", "-help"),
    ("mysqladmin -u root password", "password"),
    ("sqlplus / as sysdba", "sysdba"),
    ("vault login $VAULT_TOKEN", "$VAULT_TOKEN"),
)


def _cli_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = leak_cases("cli-argument", _CLI_LAYOUTS, _CLI_SHAPES, g)
    return leaks, [Kept("cli-argument", text, value) for text, value in _CLI_KEPT]


# ---------------------------------------------------------------------------------------------------------
# 5. Webhook URLs, which are credentials by themselves, and URLs with a secret in their path or userinfo.


def _webhook_urls(g: _Gen) -> Iterable[tuple[str, str, str]]:
    """(layout name, URL, the part that is the secret)."""
    token = g.mixed(ALNUM, 24)
    yield (
        "slack",
        f"https://hooks.slack.com/services/T{g(UPPER + DIGITS, 9)}/B{g(UPPER + DIGITS, 9)}/{token}",
        token,
    )
    token = g.mixed(ALNUM, 24)
    yield (
        "slack-workflow",
        f"https://hooks.slack.com/workflows/T{g(UPPER + DIGITS, 9)}/A{g(UPPER + DIGITS, 9)}/{g(DIGITS, 18)}/{token}",
        token,
    )
    token = g.mixed(URLSAFE, 68)
    yield "discord", f"https://discord.com/api/webhooks/{g(DIGITS, 18)}/{token}", token
    token = g.mixed(URLSAFE, 68)
    yield "discordapp", f"https://discordapp.com/api/webhooks/{g(DIGITS, 18)}/{token}", token
    token = g.mixed(URLSAFE, 68)
    yield "discord-canary", f"https://canary.discord.com/api/v10/webhooks/{g(DIGITS, 19)}/{token}", token
    token = g.hex(32)
    yield (
        "teams",
        f"https://acme.webhook.office.com/webhookb2/{g.uuid()}@{g.uuid()}/IncomingWebhook/{token}/{g.uuid()}",
        token,
    )
    token = g.hex(32)
    yield (
        "teams-v2",
        f"https://acme.webhook.office.com/webhookb2/{g.uuid()}@{g.uuid()}/IncomingWebhook/{token}/{g.uuid()}/V2{g.mixed(URLSAFE, 20)}",
        token,
    )
    token = g.hex(32)
    yield (
        "office365-outlook",
        f"https://outlook.office.com/webhook/{g.uuid()}@{g.uuid()}/IncomingWebhook/{token}/{g.uuid()}",
        token,
    )
    token = g.mixed(URLSAFE, 43)
    yield (
        "power-automate",
        f"https://prod-27.westus.logic.azure.com:443/workflows/{g.hex(32)}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={token}",
        token,
    )
    token = g.mixed(URLSAFE, 43)
    yield (
        "google-chat",
        f"https://chat.googleapis.com/v1/spaces/AAAA{g.mixed(ALNUM, 7)}/messages?key=AIza{g.mixed(URLSAFE, 35)}&token={token}",
        token,
    )
    token = g(LOWER + DIGITS, 26)
    yield "mattermost", f"https://chat.example.com/hooks/{token}", token
    token = g.mixed(ALNUM, 40)
    yield "rocketchat", f"https://rocket.example.com/hooks/{g.mixed(ALNUM, 17)}/{token}", token
    token = g(LOWER + DIGITS, 7)
    yield "zapier", f"https://hooks.zapier.com/hooks/catch/{g(DIGITS, 7)}/{token}/", token
    token = g.hex(32)
    yield "pagerduty", f"https://events.pagerduty.com/integration/{token}/enqueue", token
    token = g.hex(32)
    yield "datadog-intake", f"https://http-intake.logs.datadoghq.com/v1/input/{token}", token
    token = g.uuid()
    yield "loggly", f"https://logs-01.loggly.com/inputs/{token}/tag/http/", token
    token = g.uuid()
    yield "feishu", f"https://open.feishu.cn/open-apis/bot/v2/hook/{token}", token
    token = g.hex(64)
    yield "dingtalk", f"https://oapi.dingtalk.com/robot/send?access_token={token}", token
    token = g.uuid()
    yield "wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={token}", token
    token = g.mixed(ALNUM, 32)
    yield "ifttt", f"https://maker.ifttt.com/trigger/deploy/with/key/{token}", token
    token = g.mixed(URLSAFE, 36)
    yield "webex", f"https://webexapis.com/v1/webhooks/incoming/{token}", token
    token = g.mixed(ALNUM, 36)
    yield "token-as-user", f"https://{token}@github.com/acme/api.git", token
    token = g.mixed(ALNUM, 36)
    yield "token-user-oauth-basic", f"https://{token}:x-oauth-basic@github.com/acme/api.git", token
    token = g.word_digits()
    yield "userinfo", f"https://deploy:{token}@git.example.com/acme/api.git", token
    token = g.hex(32)
    yield "sentry-dsn", f"https://{token}@o{g(DIGITS, 6)}.ingest.sentry.io/{g(DIGITS, 7)}", token
    token = g.word(3) + g(DIGITS, 3)
    yield "generic-hook-path", f"https://alerts.example.com/hooks/{token}", token


_WEBHOOK_LAYOUTS = (
    "posting to {u}",
    "POST {u} -> 404",
    'notify failed: url="{u}"',
    '{"webhook": "{u}", "status": 410}',
    "requests.exceptions.HTTPError: 400 Client Error for url: {u}",
    "SLACK_WEBHOOK={u}",
    "alert channel {u} disabled",
)
# A URL under a webhook's name is a credential whatever it looks like: its path, its query, its userinfo.
_NAMED_WEBHOOK_LAYOUTS = (
    '{"alertWebhookUrl": "{u}"}',
    '{"slackWebhookUrl": "{u}", "channel": "#ops"}',
    "webhook_url={u}",
    "WEBHOOK_URL: {u}",
    "TEAMS_WEBHOOK_URL='{u}'",
    '{"webhookURL": "{u}"}',
    "notifications.webhook_url = {u}",
    "--webhook-url {u}",
    '"incoming_webhook_url": "{u}"',
    "DISCORD_WEBHOOK={u}",
    "webhook: {u}",
    "hook_url={u}",
)


def _named_webhook_url(g: _Gen) -> tuple[str, str]:
    """A URL of a plain shape (no random run): a word, a short number, a slug."""
    secret = f"{g.word(2)}/{g(DIGITS, 4)}/{g.word(3)}"
    return f"https://notify.example.com/{secret}", secret


_WEBHOOK_KEPT = (
    ("GET https://api.example.com/v1/webhooks returned 200", "https://api.example.com/v1/webhooks"),
    (
        "see https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks",
        "https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks",
    ),
    ('{"webhookUrlConfigured": true}', "true"),
    ('{"callbackUrl": "https://app.example.com/oauth/callback"}', "https://app.example.com/oauth/callback"),
    ("webhook_url=${SLACK_WEBHOOK_URL}", "${SLACK_WEBHOOK_URL}"),
    ('{"webhook_url": ""}', '""'),
    ("POST https://hooks.slack.com/services returned 404", "https://hooks.slack.com/services"),
    ("GET /api/webhooks/12345 200", "/api/webhooks/12345"),
    ('{"webhookUrl": "https://hooks.example.com"}', "https://hooks.example.com"),
)


def _webhook_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = [
        Leak("webhook-url", f"{kind}: {layout}", secret, layout.replace("{u}", url))
        for layout in _WEBHOOK_LAYOUTS
        for kind, url, secret in _webhook_urls(g)
    ]
    for layout in _NAMED_WEBHOOK_LAYOUTS:
        url, secret = _named_webhook_url(g)
        leaks.append(Leak("webhook-url", f"named: {layout}", secret, layout.replace("{u}", url)))
    return leaks, [Kept("webhook-url", text, value) for text, value in _WEBHOOK_KEPT]


# ---------------------------------------------------------------------------------------------------------
# 6. Free text: a login with a password, a user authenticated with a token, a credential in a sentence.

_FREE_TEXT_LAYOUTS = (
    "login as admin with {s} failed",
    "logging in as bob with {s}",
    "authenticating user bob with password {s}",
    "authenticating user bob with {s}",
    "auth failed for token={s}",
    "auth failed for token {s}",
    "auth failed for token '{s}'",
    "user bob tried password {s}",
    "wrong password {s} for bob",
    "Bad password '{s}' for user bob",
    "password {s} rejected for bob",
    "signing in alice using {s}",
    "Authenticated as bob using password {s}",
    "logon attempt by bob with {s}",
    "tried to log in with {s}",
    "auth with {s} failed",
    "authenticated using {s}",
    "unlocked the vault with {s}",
    "sudo password {s} incorrect",
    "ssh login for root with {s} denied",
    "login(admin, {s}) -> 401",
    "user=bob pass {s} denied",
    "connecting as app with password {s}",
    "auth failed: admin / {s}",
    "failed login attempt with credentials admin {s}",
)
_FREE_TEXT_SHAPES: tuple[Callable[[_Gen], str], ...] = (
    lambda g: g.word_digits(),
    lambda g: g.policy(),
    lambda g: g.mixed(ALNUM, 12),
    lambda g: g.lower_digits(14),
    lambda g: g.hex(32),
)
_FREE_TEXT_KEPT = (
    ("authenticated with OAuth2 provider google", "OAuth2"),
    ("login with SSO succeeded", "SSO"),
    ("logged in as bob with role admin", "admin"),
    ("auth with SAML2 assertion ok", "SAML2"),
    ("authenticating user bob with LDAPv3", "LDAPv3"),
    ("login as admin with 2FA enabled", "2FA"),
    ("signing in alice using WebAuthn", "WebAuthn"),
    ("authenticated using Kerberos5 ticket", "Kerberos5"),
    ("connecting with TLS1.3 to db", "TLS1.3"),
    ("auth failed for user bob after 3 attempts", "3"),
    ("login failed with status 401", "401"),
    (
        "auth failed for token endpoint https://oauth2.googleapis.com/token",
        "https://oauth2.googleapis.com/token",
    ),
    ("logging in as bob with email bob@example.org", "email"),
    ("login as admin with password expired", "expired"),
    ("authenticated using SCRAM-SHA-256", "SCRAM-SHA-256"),
    ("auth with x509 certificate CN=api", "x509"),
)


def _free_text_cases(g: _Gen) -> tuple[list[Leak], list[Kept]]:
    leaks = leak_cases("free-text", _FREE_TEXT_LAYOUTS, _FREE_TEXT_SHAPES, g)
    return leaks, [Kept("free-text", text, value) for text, value in _FREE_TEXT_KEPT]


def gather(
    g: _Gen, builds: Iterable[Callable[[_Gen], tuple[list[Leak], list[Kept]]]]
) -> tuple[list[Leak], list[Kept]]:
    """The cases and look-alikes of every class `builds` makes, in order, each drawing from `g`."""
    leaks: list[Leak] = []
    kept: list[Kept] = []
    for build in builds:
        more_leaks, more_kept = build(g)
        leaks += more_leaks
        kept += more_kept
    return leaks, kept


def corpus(seed: int = 20261219) -> tuple[list[Leak], list[Kept]]:
    """Every class's cases and look-alikes, generated from `seed`."""
    builds = (_hex_cases, _name_after_cases, _spaced_cases, _cli_cases, _webhook_cases, _free_text_cases)
    return gather(_Gen(seed), builds)


def leaked(redact: Callable[[str], str], case: Leak) -> list[str]:
    """The parts of the case's secret that are still in its redacted text."""
    redacted = redact(case.text)
    return [part for part in case.parts() if part in redacted]


def changed_look_alikes(redact: Callable[[str], str], kept: Iterable[Kept], group: str) -> list[Kept]:
    """The look-alikes of `group` whose value does not come out of redaction as written."""
    return [k for k in kept if k.group == group and k.value not in redact(k.text)]


def main() -> int:
    from loggardener.entries.redact import Redactor

    redact = Redactor().redact
    leaks, kept = corpus()
    for group in CLASSES:
        cases = [c for c in leaks if c.group == group]
        open_cases = [c for c in cases if leaked(redact, c)]
        changed = changed_look_alikes(redact, kept, group)
        print(
            f"{group:16} leaks {len(open_cases):4} of {len(cases):4}   look-alikes changed {len(changed)} of "
            f"{sum(k.group == group for k in kept)}"
        )
        if "-v" in sys.argv:
            for case in open_cases:
                print(f"    LEAK {case.layout!r}: {redact(case.text)}")
            for k in changed:
                print(f"    KEPT? {redact(k.text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
