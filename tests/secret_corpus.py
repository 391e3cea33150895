"""A corpus of fake credentials in more than 100 real formats, generated here (never real values).

Each case is a line of log text holding one secret; `key` is the name it is stored under when it is
recognised by that name (then it is also planted as a JSON field and a query parameter by that name).
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"


@dataclass(frozen=True)
class Case:
    name: str
    secret: str
    text: str
    key: str | None = None
    """The name the secret is stored under, when only that name tells it is one."""
    shaped: bool = True
    """Whether the secret is recognisable on its own (then it is also planted bare in a query string)."""


class RandomText:
    """Random text from a seed, in the shapes generated credentials take."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def __call__(self, alphabet: str, size: int) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(size))

    def mixed(self, alphabet: str, size: int) -> str:
        """Random text holding an upper-case letter, a lower-case letter and a digit (as real keys do)."""
        while True:
            value = self(alphabet, size)
            if (
                any(c.isupper() for c in value)
                and any(c.islower() for c in value)
                and any(c.isdigit() for c in value)
            ):
                return value

    def b64line(self, size: int) -> str:
        return self.mixed(B64, size)


def _pem(gen: RandomText, label: str, lines: int = 6) -> tuple[str, str]:
    body = "\n".join(gen.b64line(64) for _ in range(lines))
    return body, f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"


def _jwt(gen: RandomText) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': gen(HEX, 16)})}.{part({'sub': gen(DIGITS, 12), 'n': gen(ALNUM, 20)})}.{gen(URLSAFE, 86)}"


# Secrets told only by where they stand (a header, a DSN, a flag), with no name of their own in the case.
_CONTEXT = {
    "x-amz-signature",
    "x-goog-signature",
    "azure-sas-sig",
    "okta-ssws",
    "bearer-opaque",
    "basic-auth-header",
    "proxy-authorization",
    "authorization-custom",
    "authorization-json",
    "cookie-sessionid",
    "set-cookie-jsessionid",
    "cookie-connect-sid",
    "cli-password",
    "cli-password-equals",
    "cli-token",
    "mysql-p",
    "sshpass",
    "curl-user",
    "passphrase",
    "dsn-password-space",
    "dsn-password-quote",
    "dsn-password-slash",
    "password-comma",
    "mongodb-srv",
    "redis-password",
    "amqp-password",
    "jdbc-password",
    "ado-password",
    "libpq-password-quoted",
    "ci-add-mask",
    "azure-pipelines-issecret",
    "sendmail-authinfo",
    "pem-tail-without-begin",
    "echo-to-password-stdin",
    "printf-to-secrets-data-file",
    "htpasswd-nb",
    "aws-configure-set",
    "imap-login",
    "go-header-map",
    "rabbitmqctl-add-user",
    "net-user-add",
    "redis-auth",
    "snmp-community",
    "driver-connect-positional",
    "go-mysql-dsn",
    "multipart-password-field",
    "password-label-hungarian",
    "totp-seed-after-word",
    "url-path-webhook-token",
    "twilio-sid-then-token",
}


def cases(seed: int = 20261121) -> list[Case]:
    g = RandomText(seed)
    out: list[Case] = []

    def add(name: str, secret: str, text: str, key: str | None = None) -> None:
        out.append(
            Case(name, secret, text.replace("{s}", secret), key, shaped=key is None and name not in _CONTEXT)
        )

    akia = "AKIA" + g(UPPER + DIGITS, 16)
    add("aws-access-key", akia, "boto3 client created with access key {s} in us-east-1")
    add("aws-sts-access-key", "ASIA" + g(UPPER + DIGITS, 16), "assumed role, temporary key {s} expires soon")
    add("aws-secret-key-bare", g.mixed(ALNUM + "+", 40), "aws configure set default " + akia + " {s}")
    add("aws-secret-key-tuple", g.mixed(ALNUM + "/+", 40), f"Credentials('{akia}', '{{s}}', None) rejected")
    add("aws-session-token", "IQoJb3JpZ2luX2Vj" + g.mixed(B64, 180), "aws_session_token={s} refresh failed")
    add(
        "x-amz-signature",
        g(HEX, 64),
        "GET https://b.s3.amazonaws.com/o.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={s}&X-Amz-Date=20261121T000000Z failed",
    )
    add(
        "x-amz-security-token",
        "FwoGZXIvYXdz" + g.mixed(URLSAFE, 120),
        "presigned https://b.s3.amazonaws.com/k?X-Amz-Security-Token={s}&X-Amz-Expires=300 expired",
    )
    add(
        "x-goog-signature",
        g(HEX, 256),
        "signed url https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature={s} rejected",
    )
    for label in (
        "PGP PRIVATE KEY BLOCK",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "DSA PRIVATE KEY",
    ):
        body, block = _pem(g, label)
        add("pem-" + label.lower().replace(" ", "-"), body, "loaded signing key:\n" + block + "\nthen failed")
    ssh2_body = "\n".join(g.b64line(64) for _ in range(4))
    add(
        "ssh2-private-key",
        ssh2_body,
        '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "k"\n{s}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----',
    )
    putty_body = "\n".join(g.b64line(64) for _ in range(3))
    add(
        "putty-private-key",
        putty_body,
        "PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 3\n{s}\nPrivate-MAC: " + g(HEX, 64),
    )
    add(
        "google-refresh-token", "1//0" + g.mixed(URLSAFE, 96), "oauth refresh with {s} returned invalid_grant"
    )
    add("google-client-secret", "GOCSPX-" + g.mixed(URLSAFE, 28), "client configured with GOCSPX secret {s}")
    add("google-access-token", "ya29." + g.mixed(URLSAFE, 120), "calling drive with {s}")
    add("google-api-key", "AIza" + g.mixed(URLSAFE, 35), "maps geocode failed for key {s}")
    add(
        "slack-bot-token",
        f"xoxb-{g(DIGITS, 12)}-{g(DIGITS, 13)}-{g(ALNUM, 24)}",
        "slack post failed using {s}",
    )
    add(
        "slack-user-token",
        f"xoxp-{g(DIGITS, 12)}-{g(DIGITS, 12)}-{g(DIGITS, 13)}-{g(HEX, 32)}",
        "slack user call {s} revoked",
    )
    add(
        "slack-app-token",
        f"xapp-1-A{g(UPPER + DIGITS, 10)}-{g(DIGITS, 13)}-{g(HEX, 64)}",
        "socket mode with {s} closed",
    )
    add("slack-config-token", f"xoxe.xoxp-1-{g(ALNUM, 160)}", "slack config rotate {s} failed")
    add("slack-refresh-token", f"xoxe-1-{g(ALNUM, 146)}", "slack refresh {s} rejected")
    add(
        "slack-webhook",
        f"https://hooks.slack.com/services/T{g(UPPER + DIGITS, 10)}/B{g(UPPER + DIGITS, 10)}/{g(ALNUM, 24)}",
        "POST {s} returned 404",
    )
    add("stripe-live-secret", "sk_live_" + g(ALNUM, 99), "stripe charge failed with {s}")
    add("stripe-restricted", "rk_live_" + g(ALNUM, 99), "stripe refund failed with {s}")
    add("stripe-test-secret", "sk_test_" + g(ALNUM, 99), "stripe sandbox with {s}")
    add("stripe-webhook-secret", "whsec_" + g(ALNUM, 32), "webhook verification with {s} failed")
    add("twilio-api-key", "SK" + g(HEX, 32), "twilio client {s} unauthorized")
    add("twilio-auth-token", g(HEX, 32), "TWILIO_AUTH_TOKEN={s} rejected", key="TWILIO_AUTH_TOKEN")
    add("sendgrid-key", f"SG.{g(URLSAFE, 22)}.{g(URLSAFE, 43)}", "sendgrid send failed with {s}")
    add("gitlab-pat", "glpat-" + g(URLSAFE, 20), "git clone with {s} denied")
    add("gitlab-runner-token", "glrt-" + g(URLSAFE, 20), "runner registered with {s}")
    add("gitlab-deploy-token", "gldt-" + g(URLSAFE, 20), "registry login {s} failed")
    add("gitlab-runner-registration", "GR1348941" + g(URLSAFE, 20), "gitlab-runner register --token {s}")
    add("npm-token", "npm_" + g(ALNUM, 36), "npm publish with {s} forbidden")
    add(
        "npmrc-auth-token",
        f"{g(HEX, 8)}-{g(HEX, 4)}-{g(HEX, 4)}-{g(HEX, 4)}-{g(HEX, 12)}",
        "//registry.npmjs.org/:_authToken={s}",
        key="_authToken",
    )
    add("pypi-token", "pypi-AgEIcHlwaS5vcmc" + g(URLSAFE, 120), "twine upload with {s} failed")
    add(
        "azure-account-key",
        g.mixed(B64, 86) + "==",
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={s};EndpointSuffix=core.windows.net",
    )
    add(
        "azure-sas-sig",
        g.mixed(ALNUM, 30) + "%2B" + g.mixed(ALNUM, 12) + "%3D",
        "GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-01&sr=b&sp=r&sig={s} 403",
    )
    add(
        "azure-service-bus-key",
        g.mixed(B64, 43) + "=",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={s}",
    )
    add(
        "azure-ad-client-secret", f"{g(ALNUM, 3)}8Q~{g(ALNUM + '_~.-', 34)}", "msal client secret {s} expired"
    )
    add("okta-ssws", "00" + g.mixed(URLSAFE, 40), "Authorization: SSWS {s}")
    add("bearer-opaque", g.mixed(ALNUM + "._-", 48), "outbound call (Authorization: Bearer {s}) got 401")
    add(
        "basic-auth-header",
        base64.b64encode(f"svc:{g(ALNUM, 20)}".encode()).decode(),
        "Authorization: Basic {s}",
    )
    add(
        "proxy-authorization",
        base64.b64encode(f"proxy:{g(ALNUM, 18)}".encode()).decode(),
        "Proxy-Authorization: Basic {s}",
    )
    add("authorization-custom", g.mixed(ALNUM, 40), "authorization: Custom {s}")
    add(
        "authorization-json",
        g.mixed(ALNUM, 40),
        '{"headers": {"Authorization": "Token {s}", "Accept": "json"}}',
    )
    add(
        "cookie-sessionid",
        g.mixed(ALNUM, 32),
        "request headers Cookie: sessionid={s}; csrftoken=" + g(ALNUM, 32),
    )
    add("set-cookie-jsessionid", g(HEX.upper(), 32), "response Set-Cookie: JSESSIONID={s}; Path=/; HttpOnly")
    add(
        "cookie-connect-sid",
        "s%3A" + g.mixed(URLSAFE, 32) + "." + g.mixed(ALNUM, 43),
        "Cookie: connect.sid={s}",
    )
    add("phpsessid", g(LOWER + DIGITS, 26), "PHPSESSID={s} expired", key="PHPSESSID")
    add(
        "openai-project-key",
        "sk-proj-" + g(URLSAFE, 74) + "T3BlbkFJ" + g(URLSAFE, 74),
        "openai call failed with {s}",
    )
    add("openai-legacy-key", "sk-" + g(ALNUM, 20) + "T3BlbkFJ" + g(ALNUM, 20), "openai key {s} invalid")
    add("anthropic-key", "sk-ant-api03-" + g(URLSAFE, 93) + "AA", "anthropic 401 for {s}")
    add("anthropic-admin-key", "sk-ant-admin01-" + g(URLSAFE, 93) + "AA", "anthropic admin {s}")
    add("huggingface-token", "hf_" + g(ALNUM, 34), "hub download with {s} 401")
    add("vault-service-token", "hvs." + g(URLSAFE, 95), "vault lookup with {s} denied")
    add("vault-batch-token", "hvb." + g(URLSAFE, 140), "vault batch {s}")
    add("shopify-token", "shpat_" + g(HEX, 32), "shopify admin api {s} 401")
    add("shopify-shared-secret", "shpss_" + g(HEX, 32), "shopify webhook hmac with {s}")
    add("databricks-token", "dapi" + g(HEX, 32), "databricks jobs api {s} 403")
    add(
        "discord-bot-token",
        f"M{g(URLSAFE, 25)}.{g(URLSAFE, 6)}.{g(URLSAFE, 38)}",
        "discord gateway login {s} failed",
    )
    add(
        "discord-webhook",
        f"https://discord.com/api/webhooks/{g(DIGITS, 18)}/{g(URLSAFE, 68)}",
        "POST {s} 401",
    )
    add("telegram-bot-token", f"{g(DIGITS, 10)}:AA{g(URLSAFE, 33)}", "telegram sendMessage with bot {s} 401")
    add(
        "telegram-bot-url",
        f"{g(DIGITS, 9)}:AA{g(URLSAFE, 33)}",
        "GET https://api.telegram.org/bot{s}/getUpdates 409",
    )
    add("age-secret-key", "AGE-SECRET-KEY-1" + g(BECH32, 58), "sops decrypt with {s}")
    add("atlassian-token", "ATATT3" + g(URLSAFE + "=", 186), "jira api {s} 401")
    add("facebook-token", "EAAB" + g(ALNUM, 150), "graph api with {s} expired")
    add("fcm-server-key", f"AAAA{g(URLSAFE, 7)}:APA91b{g(URLSAFE, 134)}", "fcm send with key={s} 401")
    add("jwt", _jwt(g), "token {s} failed signature verification")
    add("kubernetes-sa-token", _jwt(g), "kubectl --token={s} unauthorized")
    sa_body, sa_block = _pem(g, "PRIVATE KEY", 8)
    add(
        "gcp-service-account-key",
        sa_body,
        json.dumps({"type": "service_account", "private_key_id": g(HEX, 40), "private_key": sa_block + "\n"}),
    )
    add("cli-password", g.mixed(ALNUM + "!#%", 20), "exec: pg_dump --password {s} --host db")
    add("cli-password-equals", g.mixed(ALNUM + "!#%", 20), "exec: app migrate --db-password={s}")
    add("cli-token", g.mixed(ALNUM, 32), "exec: deploy --token {s} --env prod")
    add("mysql-p", g.mixed(ALNUM + "!#", 18), "exec: mysql -u root -p{s} orders")
    add("sshpass", g.mixed(ALNUM + "!#", 18), "exec: sshpass -p {s} ssh deploy@10.0.0.5")
    add("curl-user", g.mixed(ALNUM, 20), "exec: curl -u admin:{s} https://internal.example.test/api")
    add("passphrase", g.mixed(ALNUM + "!#", 20), "gpg import passphrase={s} failed")
    add(
        "dsn-password-space",
        "pa ss " + g.mixed(ALNUM, 16),
        "connect postgresql://app:{s}@db.internal:5432/orders failed",
    )
    add(
        "dsn-password-quote",
        'q"uo' + g.mixed(ALNUM, 16),
        "connect mysql://app:{s}@db.internal:3306/orders failed",
    )
    add(
        "dsn-password-slash",
        "sl/as/h" + g.mixed(ALNUM, 16),
        "connect postgres://app:{s}@db.internal/orders failed",
    )
    add("password-comma", "P," + g.mixed(ALNUM, 18), "login with user=admin password={s} refused")
    add(
        "mongodb-srv",
        g.mixed(ALNUM, 20),
        "MongoServerSelectionError for mongodb+srv://svc:{s}@cluster0.example.mongodb.net/db",
    )
    add("redis-password", g.mixed(ALNUM, 24), "redis://:{s}@cache.internal:6379/0 connection refused")
    add("amqp-password", g.mixed(ALNUM, 20), "amqp://worker:{s}@mq.internal:5672/ closed")
    add(
        "jdbc-password",
        g.mixed(ALNUM + "!", 20),
        "jdbc:mysql://db:3306/app?user=app&password={s}&useSSL=true failed",
    )
    add(
        "ado-password",
        g.mixed(ALNUM + "!", 20),
        "Server=tcp:db.database.windows.net;Database=app;User ID=app;Password={s};Encrypt=True",
    )
    add(
        "libpq-password-quoted",
        "two words " + g.mixed(ALNUM, 16),
        "host=db user=app password='{s}' dbname=orders sslmode=require",
    )
    add("client-secret", g.mixed(ALNUM + "-_", 34), "oauth client_secret={s} rejected", key="client_secret")
    add("json-api-key", g.mixed(ALNUM, 32), '{"api_key": "{s}", "status": 401}', key="api_key")
    add("x-api-key-header", g.mixed(ALNUM, 40), "request header x-api-key: {s}", key="x-api-key")
    add(
        "access-token-query",
        g.mixed(URLSAFE, 40),
        "GET /v1/me?access_token={s}&fields=id 401",
        key="access_token",
    )
    add(
        "refresh-token-json",
        g.mixed(URLSAFE, 64),
        '{"refresh_token": "{s}", "grant_type": "refresh_token"}',
        key="refresh_token",
    )
    add(
        "password-json-spaces",
        "correct horse " + g.mixed(ALNUM, 12),
        '{"user": "bob", "password": "{s}"}',
        key="password",
    )
    add("db-password-env", g.mixed(ALNUM + "@!", 20), "DB_PASSWORD={s} is set", key="DB_PASSWORD")
    add("secret-key-env", g.mixed(ALNUM + "-_", 50), "DJANGO_SECRET_KEY={s}", key="DJANGO_SECRET_KEY")
    add("datadog-api-key", g(HEX, 32), "DD_API_KEY={s} invalid", key="DD_API_KEY")
    add("generic-key-field", g.mixed(ALNUM, 32), "license key={s} rejected", key="key")
    add(
        "hmac-signature-header",
        "sha256=" + g(HEX, 64),
        "X-Hub-Signature-256: {s} mismatch",
        key="X-Hub-Signature-256",
    )
    add("sig-param", g.mixed(URLSAFE, 43), "callback /hook?ts=1700000000&sig={s} rejected", key="sig")
    add("x-auth-token", g.mixed(ALNUM, 40), "X-Auth-Token: {s}", key="X-Auth-Token")
    add("github-pat", "ghp_" + g(ALNUM, 36), "git push with {s} denied")
    add("github-fine-grained", "github_pat_" + g(ALNUM + "_", 82), "gh api with {s} 401")
    add("github-oauth", "gho_" + g(ALNUM, 36), "github oauth {s}")
    add("mailgun-key", "key-" + g(HEX, 32), "mailgun send with {s}")
    add("mailchimp-key", g(HEX, 32) + "-us21", "mailchimp {s} 401")
    add("digitalocean-token", "dop_v1_" + g(HEX, 64), "doctl auth {s} failed")
    add("doppler-token", "dp.pt." + g(ALNUM, 43), "doppler secrets download with {s}")
    add("linear-key", "lin_api_" + g(ALNUM, 40), "linear graphql {s} 401")
    add("postman-key", f"PMAK-{g(HEX, 24)}-{g(HEX, 34)}", "newman run with {s}")
    add("pulumi-token", "pul-" + g(HEX, 40), "pulumi login {s}")
    add("planetscale-token", "pscale_tkn_" + g(URLSAFE, 43), "pscale connect {s}")
    add("sentry-org-token", "sntrys_" + g(ALNUM, 120), "sentry-cli releases with {s}")
    add("dynatrace-token", f"dt0c01.{g(UPPER + DIGITS, 24)}.{g(UPPER + DIGITS, 64)}", "dynatrace ingest {s}")
    add("newrelic-key", "NRAK-" + g(UPPER + DIGITS, 27), "newrelic nerdgraph {s}")
    add("notion-token", "ntn_" + g(DIGITS, 11) + g(ALNUM, 35), "notion api {s} 401")
    add("alibaba-key", "LTAI" + g(ALNUM, 20), "aliyun oss client {s}")
    add("heroku-key", "HRKU-AA" + g(URLSAFE, 58), "heroku api {s}")
    add("terraform-token", f"{g(ALNUM, 14)}.atlasv1.{g(URLSAFE, 67)}", "terraform login {s}")
    add("groq-key", "gsk_" + g(ALNUM, 52), "groq chat {s} 401")
    add("replicate-token", "r8_" + g(ALNUM, 37), "replicate predictions {s}")
    add("perplexity-key", "pplx-" + g(ALNUM, 48), "perplexity {s}")
    add("grafana-sa-token", f"glsa_{g(ALNUM, 32)}_{g(HEX, 8)}", "grafana api {s}")
    add("square-token", "sq0atp-" + g(URLSAFE, 22), "square payments {s}")
    add("tailscale-key", f"tskey-auth-{g(ALNUM, 12)}-{g(ALNUM, 30)}", "tailscale up --authkey {s}")
    add("figma-token", "figd_" + g(URLSAFE, 40), "figma files {s}")
    add("sendinblue-key", f"xkeysib-{g(HEX, 64)}-{g(ALNUM, 16)}", "brevo smtp {s}")
    add("openshift-token", "sha256~" + g(URLSAFE, 43), "oc login --token {s}")
    add("rubygems-key", "rubygems_" + g(HEX, 48), "gem push with {s}")
    add("supabase-token", "sbp_" + g(HEX, 40), "supabase link {s}")
    add("onepassword-token", "ops_eyJ" + g(ALNUM, 250), "op read with {s}")
    add("age-in-json", "AGE-SECRET-KEY-1" + g(BECH32, 58), '{"identity": "{s}"}')
    add("mailgun-key-new", f"{g(HEX, 32)}-{g(HEX, 8)}-{g(HEX, 8)}", "mailgun send failed using {s}")
    uuid = f"{g(HEX, 8)}-{g(HEX, 4)}-{g(HEX, 4)}-{g(HEX, 4)}-{g(HEX, 12)}"
    add("launchdarkly-sdk-key", "sdk-" + uuid, "launchdarkly client init failed: {s}")
    add("asana-token", f"2/{g(DIGITS, 16)}/{g(DIGITS, 16)}:{g(HEX, 32)}", "asana task create failed with {s}")
    # round 10: formats whose random part is hex only (the random-run rule keeps hex: digests, ids)
    add("langsmith-key", f"lsv2_pt_{g(HEX, 32)}_{g(HEX, 10)}", "langsmith run upload failed with {s}")
    add("newrelic-license-key", g(HEX, 36) + "NRAL", "newrelic agent: {s} rejected by collector")
    add(
        "newrelic-eu-license-key", "eu01xx" + g(HEX, 30) + "NRAL", "newrelic agent: {s} rejected by collector"
    )
    add("amazon-mws-token", "amzn.mws." + uuid, "mws GetReport failed for {s}")
    add("intra42-secret", "s-s4t2ud-" + g(HEX, 64), "oauth client {s} rejected")
    add("settlemint-token", "sm_pat_" + g.mixed(ALNUM, 16), "settlemint deploy failed with {s}")
    add(
        "ansible-vault",
        "\n".join(g(HEX, 80) for _ in range(3)),
        "vault decrypt failed for:\n$ANSIBLE_VAULT;1.1;AES256\n{s}\n" + g(HEX, 24),
    )
    # values that only their context tells (lower case and digits: no shape rule sees them)
    add("ci-add-mask", g(LOWER + DIGITS, 14), "::add-mask::{s}")
    add(
        "azure-pipelines-issecret",
        g(LOWER + DIGITS, 14),
        "##vso[task.setvariable variable=dbPass;issecret=true]{s}",
    )
    add("sendmail-authinfo", g(LOWER + DIGITS, 14), 'AuthInfo:smtp.example.net "U:relay" "P:{s}" "M:PLAIN"')
    add(
        "pem-tail-without-begin",
        g.b64line(64),
        "key material: {s}\\n" + g.b64line(20) + "==\\n-----END PRIVATE KEY-----\\n",
    )
    add(
        "echo-to-password-stdin",
        g(LOWER + DIGITS, 14),
        "echo {s} | docker login ghcr.io -u bot --password-stdin",
    )
    add(
        "printf-to-secrets-data-file",
        g(LOWER + DIGITS, 14),
        "printf '{s}' | gcloud secrets versions add api-key --data-file=-: PERMISSION_DENIED",
    )
    add("htpasswd-nb", g(LOWER + DIGITS, 14), "htpasswd -nbB admin {s} failed")
    add(
        "aws-configure-set", g(LOWER + DIGITS, 14), "aws configure set aws_secret_access_key {s} --profile ci"
    )
    add("imap-login", g(LOWER + DIGITS, 14), 'a1 LOGIN bob "{s}" a1 NO [AUTHENTICATIONFAILED]')
    add(
        "go-header-map",
        g(LOWER + DIGITS, 14),
        'http.Header{"Accept":[]string{"*/*"}, "Dd-Api-Key":[]string{"{s}"}}',
    )
    # round 5: positional arguments, drivers, layouts, other languages, URL paths, shapes
    add("rabbitmqctl-add-user", g(LOWER + DIGITS, 14), "rabbitmqctl add_user deploy {s} failed")
    add("net-user-add", g(LOWER + DIGITS, 14), "net user svc_backup {s} /add: System error 5")
    add("redis-auth", g(LOWER + DIGITS, 14), "redis> AUTH {s} (error) WRONGPASS")
    add("snmp-community", g(LOWER + DIGITS, 14), "snmpwalk -v2c -c {s} 10.0.0.1 system: Timeout")
    add(
        "driver-connect-positional",
        g(LOWER + DIGITS, 14),
        "pymysql.connect('db.example.net', 'app', '{s}', 'orders')",
    )
    add("go-mysql-dsn", g(LOWER + DIGITS, 14), 'sql.Open("mysql", "app:{s}@tcp(db:3306)/orders") failed')
    add(
        "multipart-password-field",
        g(LOWER + DIGITS, 14),
        'Content-Disposition: form-data; name="password"\r\n\r\n{s}\r\n--b0undary',
    )
    add("password-label-hungarian", g(LOWER + DIGITS, 14), "bejelentkezés sikertelen, jelszó: {s}")
    add(
        "totp-seed-after-word",
        g("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 26) + "27",
        "otp enrollment: qr seed {s} issued",
    )
    add(
        "url-path-webhook-token",
        g.mixed(ALNUM, 32),
        "POST https://hooks.example.net/services/T0AB12/B0CD34/{s} 404",
    )
    add("twilio-sid-then-token", g(HEX, 32), 'Client("AC' + g(HEX, 32) + '", "{s}") HTTP 401')
    add("plaid-access-token", f"access-production-{uuid}", "plaid item sync failed for {s}")
    add(
        "salesforce-session",
        "00D" + g.mixed(ALNUM, 12) + "!" + g.mixed(ALNUM + ".", 96),
        "INVALID_SESSION_ID {s}",
    )
    return out


def planted_entries(corpus: list[Case]) -> list[dict[str, object]]:
    """Each case as a text payload, a stack trace, a nested JSON field and a request URL (where it fits)."""
    from urllib.parse import quote

    entries: list[dict[str, object]] = []

    def entry(**payload: object) -> None:
        n = len(entries)
        entries.append(
            {
                "insertId": f"plant-{n:04d}",
                "timestamp": f"2026-11-21T16:{n // 60 % 60:02d}:{n % 60:02d}Z",
                "severity": "ERROR",
                "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
                "resource": {"type": "cloud_run_revision", "labels": {"service_name": f"svc-{n % 7}"}},
                **payload,
            }
        )

    for number, case in enumerate(corpus):
        probe = f"probe{number:03d}"
        entry(textPayload=f"{probe} {case.text}")
        entry(
            textPayload=(
                "Traceback (most recent call last):\n"
                f'  File "/app/{probe}/worker.py", line 88, in run\n'
                "    client.call(settings)\n"
                f"RuntimeError: {probe} upstream refused: {case.text}"
            )
        )
        nested: dict[str, object] = {"detail": f"{probe} {case.text}", "attempt": 3}
        if case.key is not None:
            nested[case.key] = case.secret
        entry(jsonPayload={"event": probe, "context": {"request": nested}})
        if case.key is not None or not case.shaped:
            key = case.key or (
                "password" if "pass" in case.text.lower() or "://" in case.text else "access_token"
            )
            url = f"https://api.example.test/{probe}?{key}={quote(case.secret, safe='')}&page=2"
        elif all(c in URLSAFE + ".~%" for c in case.secret):
            url = f"https://api.example.test/{probe}/items?ref={case.secret}&page=2"
        else:
            continue
        entry(httpRequest={"requestMethod": "GET", "requestUrl": url, "status": 502})
    return entries


def packed_entries(corpus: list[Case], per_entry: int = 10, start_minute: int = 0) -> list[dict[str, object]]:
    """The cases' texts, `per_entry` to an entry: few problems, so that publishing them all stays quick."""
    entries: list[dict[str, object]] = []
    for n, first in enumerate(range(0, len(corpus), per_entry)):
        texts = " | ".join(case.text for case in corpus[first : first + per_entry])
        entries.append(
            {
                "insertId": f"packed-{start_minute}-{n:03d}",
                "timestamp": f"2026-11-21T17:{start_minute + n % 10:02d}:{n:02d}Z",
                "severity": "ERROR",
                "resource": {"type": "cloud_run_revision", "labels": {"service_name": f"packed-{n}"}},
                "textPayload": f"batch{n:03d} failed: {texts}",
            }
        )
    return entries
