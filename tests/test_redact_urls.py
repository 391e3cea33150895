"""Credentials in a URL's userinfo, query and option list, and in a login's object (issue 11): a password that
starts as a port would (`redis://:2024#X@cache:6379`), one holding `@` then `:` or `/`, a query's or an option
list's value holding a blank, a login object's abbreviated member (`auth {"u":"bob","p":X}`). Each class on
generated values in every scheme and host form; beside them the look-alikes the same rules must keep: a port then
a path whose segments hold `@` (npm scopes, handles, versions), prose after a URL, fragments, hosts after a
password holding `@`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loggardener.entries.redact import Redactor

REDACT = Redactor().redact

_SCHEMES = st.sampled_from(
    ["redis", "rediss", "amqp", "amqps", "postgresql", "mysql", "mongodb", "nats", "ftp", "sftp", "https"]
)
_USERS = st.sampled_from(["", "app", "default", "svc-orders", "backup"])
# a host that names its own port: a service's name, a domain, an IPv6 address
_HOSTS = st.sampled_from(
    ["cache", "rabbit.internal", "db-1.acme.io", "[fd00:10:20::15]", "[::1]", "10.0.3.7"]
)
_PORTS = st.integers(min_value=1, max_value=65535)
# a generated password piece: letters and digits, a capital and a digit in it (what a password manager makes)
_PIECES = st.tuples(
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"),
    st.text("abcdefghijkmnopqrstuvwxyz", min_size=2, max_size=5),
    st.integers(min_value=10, max_value=9999),
    st.text("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", min_size=2, max_size=6),
).map(lambda parts: f"{parts[0]}{parts[1]}{parts[2]}{parts[3]}")
_WORDS = st.lists(
    st.sampled_from(["Quiet", "Harbor", "Lamp", "Velvet", "Otter", "Fjord", "Kelp", "Lilac"]),
    min_size=1,
    max_size=3,
).map(" ".join)
_ENDS = st.sampled_from(["", "/0", "/orders", "/%2F", ": connect: connection refused"])


@given(
    scheme=_SCHEMES,
    user=_USERS,
    digits=st.integers(min_value=0, max_value=99999),
    separator=st.sampled_from(["#", "/"]),
    rest=_PIECES,
    host=_HOSTS,
    port=_PORTS,
    end=_ENDS,
)
def test_a_password_that_starts_as_a_port_then_goes_on_is_redacted(
    scheme: str, user: str, digits: int, separator: str, rest: str, host: str, port: int, end: str
) -> None:
    # the host after the `@` names its own port, so the digits before are no port: they start the password
    text = f"ERROR connect failed {scheme}://{user}:{digits}{separator}{rest}@{host}:{port}{end} (retrying)"
    out = REDACT(text)
    assert rest not in out
    assert f"@{host}:{port}{end}" in out


@given(scheme=_SCHEMES, user=_USERS, digits=st.integers(0, 99999), words=_WORDS, host=_HOSTS, port=_PORTS)
def test_a_password_that_starts_as_a_port_then_a_blank_is_redacted_where_the_url_ends(
    scheme: str, user: str, digits: int, words: str, host: str, port: int
) -> None:
    for text in (
        f"ERROR {scheme}://{user}:{digits} {words}@{host}:{port}",
        f'ERROR pg_dump "{scheme}://{user}:{digits} {words}@{host}:{port}/app" | gzip > /backup/app.gz',
        f"ERROR sh -c '{scheme}://{user}:{digits} {words}@{host}:{port}'\nnext line",
        f"ERROR dial {scheme}://{user}:{digits} {words}@{host}:{port}: connect: connection refused",
    ):
        out = REDACT(text)
        assert words not in out, text
        assert f"@{host}:{port}" in out, text


@given(scheme=_SCHEMES, digits=st.integers(0, 99999), words=_WORDS, host=_HOSTS, port=_PORTS, end=_ENDS)
def test_a_password_after_no_user_is_redacted_whatever_follows_the_url(
    scheme: str, digits: int, words: str, host: str, port: int, end: str
) -> None:
    # `scheme://:X@host`: no host before the `:`, so the digits are no port; prose may follow the URL
    for text in (
        f"ERROR {scheme}://:{digits} {words}@{host}:{port}{end} refused",
        f"WARN {scheme}://:{digits} {words}@{host}:{port} connection reset by peer",
    ):
        out = REDACT(text)
        assert words not in out, text
        assert f"@{host}:{port}" in out, text


# an AWS-like secret: base64 runs of letters and digits with `/` and `+` between them
_SECRET_SEGMENTS = st.lists(
    _PIECES.map(lambda piece: piece.replace("2", "+", 1)), min_size=2, max_size=4
).map("/".join)


@given(
    scheme=_SCHEMES,
    user=_USERS,
    digits=st.integers(0, 99999),
    rest=_SECRET_SEGMENTS,
    host=_HOSTS,
    port=_PORTS,
)
def test_a_password_that_starts_as_a_port_then_holds_slashes_is_redacted(
    scheme: str, user: str, digits: int, rest: str, host: str, port: int
) -> None:
    text = f"ERROR {scheme}://{user}:{digits}/{rest}@{host}:{port}/db timed out"
    out = REDACT(text)
    assert rest not in out
    assert f"@{host}:{port}/db timed out" in out


@given(
    scheme=_SCHEMES,
    user=st.sampled_from(["app", "deploy", "backup"]),
    first=_PIECES,
    inner=st.sampled_from([":", "/"]),
    second=_PIECES,
    third=_PIECES,
    host=st.sampled_from(
        ["cache.example.com", "nexus.acme.io", "backup.acme.io:22", "cache.example.com:6379"]
    ),
)
def test_a_password_holding_an_at_then_a_colon_or_slash_runs_to_the_last_at_before_the_host(
    scheme: str, user: str, first: str, inner: str, second: str, third: str, host: str
) -> None:
    # userinfo ends at the last `@` before the host: what sits between two `@`s is no host when it reads as none
    # (mixed case, a `:` not followed by a port)
    text = f"ERROR backend down: {scheme}://{user}:{first}@{second}{inner}{third}@{host}/data"
    out = REDACT(text)
    assert first not in out and second not in out and third not in out
    assert out.endswith(f"{scheme}://{user}:[REDACTED:password]@{host}/data")


@pytest.mark.parametrize(
    "text, secret",
    [
        ("ERROR redis://cache:6379?password=Rc5 Hx8Lm2Qt&db=0", "Hx8Lm2Qt"),
        (
            "ERROR jdbc:mariadb://db:3306/app?user=app&password=7 Otter Fjord Lamp&sslMode=verify-full",
            "Fjord Lamp",
        ),
        ("ERROR https://api.example.com/v1/login?user=bob&pass=Kelp vane 42&next=/home", "vane 42"),
        (
            "ERROR redis://cache.example.com:6380,password=Rd5 Kx8Lm2Qw,ssl=True,abortConnect=False",
            "Kx8Lm2Qw",
        ),
        ("ERROR cache.internal:6380,password=Quiet Harbor Lamp,ssl=True", "Harbor Lamp"),
    ],
)
def test_a_query_or_option_list_value_holding_a_blank_runs_to_the_next_name(text: str, secret: str) -> None:
    # a query holds no raw blank, and an option list separates its pairs with `,`: the words up to the next
    # `&name=` or `,name=` are the value's
    out = REDACT(text)
    assert secret not in out
    assert "&" not in text or text[text.rindex("&") :] in out


@pytest.mark.parametrize(
    "text",
    [
        # a port, then a path whose segments hold `@`: npm scopes, versions, handles, an address in a path
        "ERROR fetch https://unpkg.com:443/@babel/standalone@7.24.0/babel.min.js timed out",
        "ERROR npm: GET http://localhost:4873/@acme/ui/-/ui-2.1.0.tgz failed 503",
        "ERROR link check: https://medium.com:443/@alice/why-we-moved-1a2b3c returned 429",
        "ERROR proxy: GET http://grafana:3000/render/@dashboard/ops@grafana-img:8081 returned 502",
        "ERROR https://api.example.com:8443/v1/users/ops@corp-sso:8443/roles returned 404",
        "ERROR mastodon: fetch https://social.acme.io:443/@ops@hachyderm.io:443 failed",
        # an image's digest after a registry's port (skopeo's `docker://`), its hex led by digits too
        "FATA[0002] Error copying image: docker://registry.acme.io:5000/app@sha256:8156a23248eb5e29124: unknown",
        "ERROR skopeo inspect docker://registry:5000/app@sha256:49753c0f564dac0742283a42a4 failed",
        # a fragment holding `@`, a URL's port then prose then an address with a port
        "ERROR docs link http://wiki:8090#section-@retry broken",
        "ERROR portal http://localhost:8080 rejected the login of ops@corp-sso:8443 twice",
        "ERROR http://localhost:8080 is down; deploy@bastion-01:22 cannot reach it",
        "WARN ops@bastion-2:22 unreachable; see http://status:8080 for details",
        # a port, then a path of several segments, words among them, before an address
        "ERROR https://gitlab.acme.io:8443/groups/platform/members/ops@corp-ldap:389 returned 403",
        "ERROR https://api.acme.io:443/v2/orders/8f3a/items/ops@billing:8080 404",
        "ERROR gcr.io:443/proj/img/v2@sha256:0bd1e7a3 not found",
        # a query value, then prose after the URL
        "ERROR GET /login?next=/home HTTP/1.1 then /x?page=1&sort=asc",
        # a replica set's hosts, and a path with `@` after a password
        "ERROR mongodb://app:[REDACTED:password]@h1:27017,h2:27017/db@x",
        "ERROR x https://u:[REDACTED:password]@cdn.example.com/npm/pkg@1.0.0/x.js",
    ],
)
def test_a_url_whose_path_or_fragment_holds_an_at_stays(text: str) -> None:
    assert REDACT(text) == text


@pytest.mark.parametrize(
    "text, kept",
    [
        (
            "ERROR x https://u:Pq7Lm2Wx9@cdn.example.com/npm/pkg@1.0.0/x.js",
            "@cdn.example.com/npm/pkg@1.0.0/x.js",
        ),
        ("ERROR mongodb://app:Pq7Lm2Wx9@h1:27017,h2:27017/db@x", "@h1:27017,h2:27017/db@x"),
        ("ERROR sftp://backup:Vn7@Lp:Qz4xKm@backup.acme.io:22/data", "@backup.acme.io:22/data"),
        (
            "fatal: unable to access 'https://x-token-auth:k86NO2SUDyLmN73l8uFoiMp4E7NSGDSF@bitbucket.org/acme/app.git/'",
            "x-token-auth:[REDACTED:password]@bitbucket.org/acme/app.git/'",
        ),
    ],
)
def test_the_host_and_path_after_a_password_stay(text: str, kept: str) -> None:
    # a user named like a credential (`x-token-auth`) is the URL's, not a name before a value running to the quote
    assert kept in REDACT(text)


_LOGIN_WORDS = [
    *("auth", "login", "log in", "signin", "sign in", "basic auth", "auth failed"),
    # the same verbs joined by a hyphen or `_`, inflected, and `on` for `in`: `sign-in`, `log_in`, `SignOn`
    *("sign-in request body", "Log-In", "log_in failed", "SignOn", "single sign-on", "sign on attempt"),
    *("logon", "signed-in user", "Sign_In form", "logged-on session"),
]
_USER_MEMBERS = st.sampled_from(["u", "usr", "user", "username"])
_PASSWORD_MEMBERS = st.sampled_from(["p", "ps", "psw", "pwrd"])


@pytest.mark.parametrize("word", _LOGIN_WORDS)
@given(user=_USER_MEMBERS, member=_PASSWORD_MEMBERS, secret=_PIECES, style=st.integers(0, 2))
def test_a_login_objects_abbreviated_password_member_is_redacted(
    word: str, user: str, member: str, secret: str, style: int
) -> None:
    body = (
        f'{{"{user}":"bob","{member}":"{secret}"}}',
        f"{{'{user}': 'bob', '{member}': '{secret}'}}",
        f"{{ {user}: 'bob', {member}: '{secret}' }}",
    )[style]
    out = REDACT(f"ERROR {word} {body} -> 401")
    assert secret not in out
    assert "bob" in out


@pytest.mark.parametrize(
    "text",
    [
        'ERROR auth {"type":"oauth","p":"google"} failed: consent required',
        'ERROR auth {"u":"bob","p":"${BOB_PASS}"}',
        'ERROR login {"page":"/checkout","p":2}',
        'ERROR auth with x509 certificate CN=api {"p": 2}',
        'ERROR render {"u":"bob","p":"Fir56Quail"}',
        # prose about sign-in pages: a page's number, a page's name alone, a variable
        'INFO GET /sign-in page rendered in 420ms {"path":"/sign-in","p":3}',
        'INFO redirect to the sign-in page {"lang":"en","p":"home"}',
        'WARN signon banner {"u":"ana","p":"${ANA_PW}"}',
        'INFO design one {"u":"bob","p":"Fir56Quail"}',
    ],
)
def test_an_object_that_holds_no_login_password_stays(text: str) -> None:
    # a word or a number alone, a variable, a page's number, an object after no login word
    assert REDACT(text) == text
