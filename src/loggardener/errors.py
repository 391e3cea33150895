"""The one exception type users see, and the exit codes it maps to."""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable
from enum import IntEnum

from loggardener.regexes import compile_regex


class ExitCode(IntEnum):
    """Documented process exit codes (see README, "Exit codes")."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    BAD_CONFIG = 3
    CREDENTIALS = 4
    SOURCE_FAILED = 5
    PUBLISH_FAILED = 6


class GardenerError(Exception):
    """A problem the user can fix: one line saying what is wrong and what to do."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.BAD_INPUT) -> None:
        message = scrub(message)
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


_URL_IN_TEXT = compile_regex(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>`]*[^\s'\"<>`,.;:!?)\]]")
"""A URL in a sentence: up to a space or quote, without the punctuation that ends the sentence's clause."""
_USERINFO_IN_URL = compile_regex(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@")
_SECRET_PARAMETER = compile_regex(
    r"([?&;](?:[A-Za-z0-9_.-]*[_.-])?(?:sig|signature|token|key|apikey|secret|password|passwd|pass|pwd|auth)=)"
    r"[^&#;]+",
    re.IGNORECASE,
)
"""A query parameter whose name is, or ends in, a secret's (`sig`, `X-Goog-Signature`, `access_token`,
`X-Amz-Security-Token`, `api_key`, `client_secret`, `auth`), not one that merely holds the word
(`authorization_request`, the SSO link a reader must open)."""


def _hidden(url: re.Match[str]) -> str:
    return _SECRET_PARAMETER.sub(r"\1***", _USERINFO_IN_URL.sub(r"\1***@", url.group()))


def hide_url_credentials(text: str) -> str:
    """`text` with the credentials of every URL in it hidden: a user name and password (`https://u:p@host`
    becomes `https://***@host`) and the value of a query parameter named as a secret (`?sig=…`,
    `X-Goog-Signature=…`, `access_token=…`). A value the user gave where a path, a repository or an endpoint
    was expected (a clone URL holding a token, a signed URL) is echoed in an error line, and CI logs keep it."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(_hidden, text)


_RUN_SECRETS: set[str] = set()
"""The secret values this run holds (`remember_secret`): replaced wherever they appear in what it says."""
RUN_SECRET = "[REDACTED:credential]"
_SCRUBBED: dict[str, str] = {}
_SCRUBBED_LIMIT = 4096


def remember_secret(value: str) -> None:
    """Name `value` (stripped) a secret of this run: a token gardener sends, a key it signs with. A service may
    echo what it was sent (a GitHub proxy quoting the Authorization header, a token service the signed
    assertion), in any shape the redactor's formats do not know, so the value itself is looked for."""
    value = value.strip()
    if (
        len(value) >= 8 and value not in _RUN_SECRETS
    ):  # shorter would hide common words: no token is that short
        _RUN_SECRETS.add(value)
        _SCRUBBED.clear()


def scrub(text: str) -> str:
    """`text` as gardener may show or write it when it comes from a setting or a service's answer (an error, a
    warning, a progress line, a note, an issue's failure): this run's secrets replaced, the credentials of its
    URLs hidden (`hide_url_credentials`), and every credential the log redactor finds in log text redacted.
    Idempotent: a `[REDACTED:kind]` marker is never redacted again."""
    done = _SCRUBBED.get(text)
    if done is not None:
        return done
    result = text
    for secret in sorted(_RUN_SECRETS, key=len, reverse=True):
        if secret in result:
            result = result.replace(secret, RUN_SECRET)
    redact = _log_redactor()
    urls: list[str] = []
    if (
        "://" in result
    ):  # each URL judged alone (`_scrubbed_url`); a public stand-in keeps its place in the text

        def stand_in(url: re.Match[str]) -> str:
            urls.append(_scrubbed_url(url, redact))
            return f"{_URL_STAND_IN}{len(urls) - 1}/"

        result = _URL_IN_TEXT.sub(stand_in, result)
    result = redact(result)
    for index, url in enumerate(urls):  # a stand-in the redactor took for a credential's value is one
        result = result.replace(f"{_URL_STAND_IN}{index}/", url, 1)
    if len(_SCRUBBED) >= _SCRUBBED_LIMIT:  # a progress line is printed many times; its count changes
        _SCRUBBED.clear()
    _SCRUBBED[text] = result
    return result


_URL_STAND_IN = "https://url.invalid/"
"""What a URL is while the redactor reads the sentence around it: a public address (`.invalid` is reserved)."""
_QUERY_ITEM = compile_regex(r"([?&;#][^=&;#]*=)([^&;#]*)")


def _scrubbed_url(url: re.Match[str], redact: Callable[[str], str]) -> str:
    """A URL as `scrub` shows it: its user name and password, and its parameters named as secrets, hidden
    (`_hidden`); the rest redacted as log text is, but each query value alone, by its format (a token's prefix, a
    JWT): a value's parameter name is judged by `_SECRET_PARAMETER` only (GitHub's single sign-on page to open,
    `?authorization_request=…`, stays whole)."""
    hidden = _hidden(url)
    cut = min((i for i in (hidden.find("?"), hidden.find("#")) if i >= 0), default=len(hidden))
    head, query = redact(hidden[:cut]), hidden[cut:]
    return head + _QUERY_ITEM.sub(lambda item: item.group(1) + redact(item.group(2)), query)


@functools.cache
def _log_redactor() -> Callable[[str], str]:
    """The redactor log text gets (its default formats), built once, when a first text is scrubbed. E-mail
    addresses are kept: one in a message names what to check (the service account a key or an impersonation
    names, the account gcloud logged in with), and none is a credential."""
    from loggardener.entries.redact import Redactor

    return Redactor(emails=False).redact


_DIGIT_LIMIT = compile_regex(
    r"Exceeds the limit \((\d+) digits\) for integer string conversion(?:: value has (\d+) digits)?"
)


def decode_reason(exc: ValueError) -> str:
    """Why JSON or TOML text did not decode, in the user's words: Python's refusal of a long integer
    advises calling `sys.set_int_max_str_digits()`, which a user of gardener cannot do."""
    text = str(exc)
    limit = _DIGIT_LIMIT.search(text)
    if limit is None:
        return text
    digits = f"{int(limit[2]):,}" if limit[2] else f"more than {int(limit[1]):,}"
    return f"a number of {digits} digits (at most {int(limit[1]):,} are read)"


_UNTRUSTED = compile_regex(r"certificate verify failed: ([^(')\"\]]+)")


def untrusted_certificate(exc: BaseException) -> str | None:
    """Why the server's TLS certificate was refused, when that is why a connection failed (`self-signed
    certificate`, `unable to get local issuer certificate`: a GitHub Enterprise or an endpoint with its own
    certificate authority, a TLS-inspecting proxy); None for any other failure. Retrying cannot mend it."""
    text = " ".join(str(exc).split())
    if "CERTIFICATE_VERIFY_FAILED" not in text:
        return None
    reason = _UNTRUSTED.search(text)
    return reason.group(1).strip() if reason else "certificate verify failed"


_PROXY_VARIABLES = {
    "http": ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"),
    "https": ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
}
_OS_CAUSE = compile_regex(r"\[Errno -?\d+\] ([^'\"()\[\]]+)")


def proxy_failure(exc: BaseException, url: str) -> str | None:
    """When a connection to `url` failed at the proxy the environment names (requests' ProxyError): the proxy,
    the variable that names it and the system's words, e.g. `the proxy http://10.0.0.1:3128 (HTTPS_PROXY):
    Connection refused`; None for any other failure."""
    text = " ".join(str(exc).split())
    if type(exc).__name__ != "ProxyError" and "ProxyError(" not in text:
        return None
    scheme = url.split(":", 1)[0].lower()
    named = next(
        (name for name in _PROXY_VARIABLES.get(scheme, ()) if os.environ.get(name, "").strip()), None
    )
    proxy = f"the proxy {shown_url(os.environ[named].strip())} ({named})" if named else "the proxy"
    cause = _OS_CAUSE.search(text)
    return f"{proxy}: {cause.group(1).strip() if cause else 'it refused or dropped the connection'}"


_CONNECTION_FAILURES = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "the host name does not resolve"),
    ("nodename nor servname", "the host name does not resolve"),
    ("Temporary failure in name resolution", "the host name does not resolve"),
    ("No address associated with hostname", "the host name does not resolve"),
    ("timed out", "the connection timed out"),
    ("CERTIFICATE_VERIFY_FAILED", "its TLS certificate is not trusted"),
    ("Network is unreachable", "the network is unreachable"),
    ("No route to host", "no route to the host"),
    ("Connection reset by peer", "the connection was reset"),
    ("RemoteDisconnected", "the server closed the connection without an answer"),
)
"""What urllib3's long reprs ("HTTPConnectionPool(…): Max retries exceeded … (Caused by …)") come down to."""
_POOL_HOST = compile_regex(r"ConnectionPool\(host='([^']{1,255})'")


def connection_failure(exc: BaseException | str, *, naming_the_host: bool = False) -> str:
    """Why a connection failed, in a few words when it is a known cause (else the system's words, else the
    error on one line), never urllib3's pool, URL and object addresses; `naming_the_host` adds the host urllib3
    tried (` (oauth2.googleapis.com)`) for a service the message does not name."""
    text = " ".join(str(exc).split())
    said = next((said for needle, said in _CONNECTION_FAILURES if needle in text), None)
    if said is None:
        cause = _OS_CAUSE.search(text)
        said = cause.group(1).strip() if cause else text[:300]
    host = _POOL_HOST.search(text) if naming_the_host else None
    return f"{said} ({host.group(1)})" if host else said


PROXY_HINT = "check that proxy, or name the host in NO_PROXY to go around it, then rerun"


CERTIFICATE_HINT = (
    "when it, or a proxy in between, has its own certificate authority, give that authority's certificates "
    "(PEM) in REQUESTS_CA_BUNDLE"
)
"""What to do about a certificate refused (requests, google-auth's transport and PyGithub read the variable)."""


CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
"""Where requests takes the certificate authorities it verifies every HTTPS answer with (the first one set),
for google-auth's transport, the Google Cloud clients and PyGithub alike."""


def missing_ca_bundle(urls: list[str | None]) -> GardenerError | None:
    """The mistake of a CA bundle variable naming a path that does not exist (a CI runner's image without the
    file, a path from another machine), or a file that holds no certificate requests could verify with (empty,
    a private key, a DER certificate where PEM goes) or that cannot be read, when one of `urls` is HTTPS (None: a
    default endpoint, HTTPS): requests fails every HTTPS request with an error no client translates (an OSError,
    or an SSLError said as the service unreachable), so it is said once, before any work."""
    if all(url is not None and url.strip().lower().startswith("http://") for url in urls):
        return None
    for name in CA_BUNDLE_VARIABLES:
        value = os.environ.get(name)
        if value:  # as requests reads them: the first one set
            problem = _ca_bundle_problem(value)
            if problem is None:
                return None
            hint = missing_path_hint(value, variable=True) if problem == _MISSING else ""
            return GardenerError(
                f"{name} names {value}, which {problem}, and every HTTPS request is verified with the "
                f"certificate authorities it holds: give the file (PEM) of your certificate authority, or unset "
                f"{name} to use the bundled ones{hint}",
                ExitCode.BAD_INPUT,
            )
    return None


_MISSING = "does not exist"


def _ca_bundle_problem(path: str) -> str | None:
    """Why requests could verify nothing with the bundle at `path`, in words; None when it can (a directory
    is read as OpenSSL's hashed certificate directory, its files only when a certificate is looked up)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return _MISSING
    except OSError as exc:  # a parent this user cannot search, a link loop
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):  # reading it would wait for a writer, maybe forever
        return "is a named pipe or a socket, not a file of certificates"
    import ssl

    try:
        ssl.create_default_context(cafile=path)
    except PermissionError:
        return "cannot be read (permission denied)"
    except OSError as exc:  # ssl.SSLError is one: OpenSSL found no certificate in it
        if isinstance(exc, ssl.SSLError):
            return (
                "holds no certificate in PEM form (it is empty, or holds a key or a binary, DER, certificate: "
                "`openssl x509 -inform der -in FILE -out FILE.pem` converts one)"
            )
        return f"cannot be read ({exc.strerror or exc})"
    return None


_USERINFO = compile_regex(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_QUERY = compile_regex(r"[?#].*", re.S)


def shown_url(url: str) -> str:
    """`url` as a message or the worklog shows it: a user name and password in it (`https://u:p@host`) become
    `***@`, a query or fragment (`?key=…`) `?…`, so that a credential in an endpoint is never printed."""
    return _QUERY.sub("?…", _USERINFO.sub(r"\1***@", url))


_URL_SCHEME = compile_regex(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def missing_path_hint(path: str, variable: bool = False) -> str:
    """What a path that is not there was likely meant as, to end its line with ('' when nothing comes to
    mind): a URL (files of this machine are read), a `~` the shell left as it is (it expands none inside
    quotes), a relative path while the current directory is deleted (a shell left in a removed directory).
    With `variable` the path is an environment variable's value, which an env file or a CI setting may have
    set too (neither expands `~`), and which no standard input can stand for."""
    if _URL_SCHEME.match(path):
        if variable:
            fetch = "gcloud storage cp URL ." if path[:5].lower() == "gs://" else "curl -fsSLO URL"
            return f"; it is a URL, and a file of this machine is read: copy it here (`{fetch}`) and name the copy"
        fetch = "gcloud storage cat URL" if path[:5].lower() == "gs://" else "curl -fsSL URL"
        return (
            f"; it is a URL, and a file of this machine is read: stream it to standard input, `{fetch} | "
            "gardener …`, with `-` as the path"
        )
    if path.startswith("~") and variable:
        return (
            "; `~` was not expanded (a shell expands none inside quotes, an env file or a CI setting none at "
            "all): write $HOME or the full path instead"
        )
    if path.startswith("~"):
        return "; the shell did not expand `~` (it does not inside quotes): write $HOME instead, or leave ~ unquoted"
    if not os.path.isabs(path):
        try:
            os.getcwd()
        except FileNotFoundError:
            return (
                "; the current directory was deleted after the shell entered it: cd to an existing "
                "directory, or give an absolute path"
            )
    return ""


def is_utf8(text: str) -> bool:
    """Whether `text` can be written as UTF-8: no lone surrogate (what Python makes of a byte that is not
    UTF-8 in an argument or an environment variable)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_JSON_TYPES = {str: "string", int: "number", float: "number", bool: "boolean", dict: "object", list: "array"}


def json_type(value: object) -> str:
    """JSON's name for the type of a decoded `value` (`null`, `string`, `array`…), not Python's (`NoneType`)."""
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def debugging() -> bool:
    """GARDENER_DEBUG is set to anything but empty, 0, false, no or off: show tracebacks."""
    return os.environ.get("GARDENER_DEBUG", "").strip().lower() not in ("", "0", "false", "no", "off")


_PROJECT_ID_CHARACTERS = compile_regex(r"[A-Za-z0-9.:_-]+")
"""What a project id is made of: lowercase letters, digits and hyphens (`example.com:name`, an old
domain-scoped id, adds `.` and `:`), and a project number's digits; the others are accepted for emulators."""

_PROJECT_ID = compile_regex(r"[a-z][a-z0-9-]{4,28}[a-z0-9]")
"""A project id as Google makes them: 6 to 30 lowercase letters, digits and hyphens, a letter first. One that
is this but for its capital letters (`GOOGLE_CLOUD_PROJECT=Acme-Prod-1`, the project's name) is said before any
request; other capitals (an emulator's `P`) are left to the server."""

_PROJECT_RESOURCE_NAME = compile_regex(rf"projects/({_PROJECT_ID_CHARACTERS.pattern})(?:/.*)?")
"""A project's resource name (`projects/my-project`, `projects/my-project/logs/x`), given where its id goes."""


def project_id_mistake(project: str) -> str | None:
    """What no project id holds that `project` (stripped) does, and what to give instead; None when nothing.
    Said before any request: the API's refusal came after the credentials and a round trip, and read as a
    project that does not exist (`projects/projects/my-project`)."""
    if not project:  # `project = ""` in a config file: a template's value never filled in
        return "the project id is empty: give one, or leave it out to use the credentials' project"
    if (
        not _PROJECT_ID.fullmatch(project) and scrub(project) != project
    ):  # a token or a key pasted where the id goes: described, never quoted
        return "the project id holds a credential (a token or a key), not a project id: give the id alone"
    if any(char.isspace() or not char.isprintable() for char in project):
        return (
            f"the project id {project!r} holds a space, line break or control character, which no project id "
            "has: give the id alone"
        )
    if _PROJECT_ID_CHARACTERS.fullmatch(project):
        if project != project.lower() and _PROJECT_ID.fullmatch(project.lower()):
            return f"the project id {project!r} has capital letters, which no project id has: give {project.lower()}"
        return None
    named = _PROJECT_RESOURCE_NAME.fullmatch(project)
    if named:
        return f"the project id {project!r} is a resource name: give the id alone, {named[1]}"
    odd = next(char for char in project if not _PROJECT_ID_CHARACTERS.fullmatch(char))
    what = "the id without quotes" if odd in "\"'`\u2018\u2019\u201c\u201d" else "one id alone"
    return f"the project id {project!r} holds {odd!r}, which no project id has: give {what}"
