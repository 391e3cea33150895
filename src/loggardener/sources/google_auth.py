"""What the Google Cloud sources (Cloud Logging, Log Analytics) share: the endpoint option that points them
at an emulator, and the credentials they send."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import threading
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from loggardener import files
from loggardener.errors import (
    CERTIFICATE_HINT,
    ExitCode,
    GardenerError,
    json_type,
    missing_path_hint,
    remember_secret,
    shown_url,
    untrusted_certificate,
)
from loggardener.regexes import compile_regex

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

CREDENTIALS_HINT = (
    "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a "
    "service-account key file"
)


IMPERSONATION_HINT = (
    "grant the account the credentials sign in as roles/iam.serviceAccountTokenCreator on the service account it "
    "impersonates (roles/iam.workloadIdentityUser for a workload identity pool's principal), or use credentials "
    "without impersonation"
)
"""What to do when IAM refuses to mint the impersonated service account's token (403)."""
_IMPERSONATION_FAILED = "Unable to acquire impersonated credentials"
"""How google-auth's refresh of impersonated credentials (and of a workload identity pool's impersonation) begins
its error; the IAM Credentials API's answer comes along as the second argument."""


def impersonation_refusal(exc: BaseException) -> tuple[int | None, str] | None:
    """The IAM Credentials API's status and message when google-auth could not mint an impersonated service
    account's token (its answer is passed along as text); (None, "") for an answer that is not Google's error
    JSON (a proxy's page); None for every other error."""
    from google.auth.exceptions import RefreshError

    if not isinstance(exc, RefreshError) or len(exc.args) < 2:
        return None
    if not isinstance(exc.args[0], str) or not exc.args[0].startswith(_IMPERSONATION_FAILED):
        return None
    body = exc.args[1]
    try:
        answer = json.loads(body) if isinstance(body, str | bytes) else body
    except (ValueError, RecursionError):
        answer = None
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return None, ""
    code, message = error.get("code"), error.get("message")
    return (
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        " ".join(message.split()).rstrip(".") if isinstance(message, str) else "",
    )


CLOCK_HINT = (
    "check this machine's clock (timedatectl, NTP): Google checks the times a signed token was issued and "
    "expires at against its own"
)
"""What to do when the token service refuses a signed token's times: a new login or key would be refused too."""
_CLOCK_REFUSAL = re.compile(r"reasonable timeframe|iat and exp|used too early|clock skew", re.IGNORECASE)
"""How Google's token services say a signed token's times are off (`Invalid JWT: Token must be a short-lived token
(60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.`)."""


def credentials_hint(exc: BaseException) -> str:
    """What to do about credentials refused: the machine's clock when the token service refused a token's
    times, a missing role when IAM refused the impersonation, else log in again or use a key."""
    if _CLOCK_REFUSAL.search(auth_message(exc)):
        return CLOCK_HINT
    refusal = impersonation_refusal(exc)
    if refusal is not None and refusal[0] == 403:
        return IMPERSONATION_HINT
    if refusal is not None and refusal[0] == 404:
        return "check the email of the service account the credentials impersonate (service_account_impersonation_url)"
    return CREDENTIALS_HINT


def auth_message(exc: BaseException) -> str:
    """google-auth's message on one line, without its closing period and without the raw token-service
    response it passes along as a second argument (`('invalid_grant: …', {'error': …})`); for an impersonation
    IAM refused, IAM's status and message (`Permission 'iam.serviceAccounts.getAccessToken' denied …`)."""
    first = exc.args[0] if exc.args else None
    text = " ".join((first if isinstance(first, str) else str(exc)).split())
    text = text[:-1] if text.endswith(".") and not text.endswith("..") else text
    refusal = impersonation_refusal(exc)
    if refusal is not None and refusal[0] is not None:
        text += f": IAM answered {refusal[0]}" + (f": {refusal[1]}" if refusal[1] else "")
    return text


def token_service_failure(exc: BaseException) -> str | None:
    """google-auth's message when its refresh failed on the token service's side, not on the credentials: the
    service answered 5xx or 429 (or OAuth's `server_error`, `temporarily_unavailable`) through google-auth's own
    retries, or answered with something that is not OAuth's error at all (a proxy's page); None for a verdict on
    the credentials (`invalid_grant`, `invalid_client`…) and for every other error."""
    from google.auth.exceptions import RefreshError, TransportError

    if not isinstance(exc, RefreshError) or not exc.args:
        return None
    refusal = impersonation_refusal(exc)
    if refusal is not None:  # IAM failing (5xx, 429), or a page that is not its answer, is no verdict
        code = refusal[0]
        if code is None:
            return "the IAM Credentials API's answer is not its error"
        return auth_message(exc) if code >= 500 or code == 429 else None
    cause = exc.args[0]
    if isinstance(cause, TransportError):  # the metadata server's refresh failing after google-auth's retries
        status = _METADATA_STATUS.search(str(cause))
        code = int(status.group(1)) if status else None
        # its 5xx or 429 is the server's failure; a 4xx (404: the VM has no service account) is a verdict
        return auth_message(cause) if code is None or code >= 500 or code == 429 else None
    answer = exc.args[1] if len(exc.args) > 1 else cause
    oauths = isinstance(answer, dict) and isinstance(answer.get("error"), str)
    # google-auth passes a body that is no JSON on as the only argument: a page (HTML) or nothing is no OAuth
    # error, while a sentence of its own ("No access token in response.") comes with the answer as the second
    page = (
        isinstance(answer, str) and len(exc.args) == 1 and (not answer.strip() or answer.lstrip()[:1] == "<")
    )
    if getattr(exc, "retryable", False) or page:
        return auth_message(exc) if oauths else "its answer is not OAuth's error"
    return None


_METADATA_STATUS = compile_regex(r"\bStatus: (\d{3})\b")
"""The HTTP status google-auth names when the metadata server refused a request (`Failed to retrieve http://…/token
from the Google Compute Engine metadata service. Status: 500 Response: …`)."""


SERVER_HINT = (
    "the service is failing on its side: rerun later (https://status.cloud.google.com shows outages)"
)
"""What to do about server errors that outlasted the retries."""
NETWORK_HINT = "check the network, a proxy (HTTPS_PROXY) and the endpoint option, then rerun"
"""What to do about a service that could not be reached after the retries."""

TOO_DEEP_ANSWER = "the answer nests too deeply to be read as JSON"
"""What a RecursionError decoding an answer means (no Google API nests so deep: a proxy's or a broken one)."""


def unreadable_answers() -> dict[type[BaseException], str]:
    """What requests raises for an answer that is not JSON, cut off or wrongly compressed, and what that means
    (requests is imported when asked, as the Google clients import it), most specific first."""
    import requests

    return {
        requests.exceptions.JSONDecodeError: "the answer is not JSON",
        requests.exceptions.ChunkedEncodingError: "the answer was cut off",
        requests.exceptions.ContentDecodingError: "the answer is not compressed as its Content-Encoding says",
        # last: JSON the decoder refuses past its syntax (an integer of more than 4,300 digits), which
        # requests does not wrap; its subclass JSONDecodeError is matched above
        ValueError: "the answer is JSON no client can read",
    }


_REQUEST_LINE = compile_regex(r"^(?:\d{3} )?(?:GET|POST|PUT|PATCH|DELETE) \S+: ")
"""The request the client libraries put before the server's message ("POST https://…: ")."""


_QUOTA_PROJECT = compile_regex(r"(?i)\brequires a quota project\b")
"""How Google's APIs refuse user credentials (`gcloud auth application-default login`) that name no quota
project: a 403 whose ErrorInfo says SERVICE_DISABLED for the gcloud CLI's own project, not the user's, so
enabling the API would change nothing (https://cloud.google.com/docs/authentication/troubleshoot-adc)."""


def not_enabled(exc: BaseException, project: str, api: str, service: str) -> GardenerError | None:
    """A 403 that is no missing permission but an API not enabled in the project, or its billing off (Google's
    `google.rpc.ErrorInfo` reason SERVICE_DISABLED or BILLING_DISABLED, BigQuery's `accessNotConfigured`): one
    line naming the command that enables it, exit code 2; user credentials without the quota project the API
    asks for: the command that sets it, exit code 4; None for any other error."""
    reason = getattr(exc, "reason", None)
    errors = getattr(exc, "errors", None) or []
    first = errors[0] if isinstance(errors, list | tuple) and errors and isinstance(errors[0], dict) else {}
    if getattr(exc, "code", None) != 403:
        return None
    metadata = getattr(exc, "metadata", None) or {}
    consumer = str(metadata.get("consumer") or f"projects/{project}").removeprefix("projects/") or "PROJECT"
    said = _REQUEST_LINE.sub("", " ".join(str(getattr(exc, "message", "") or exc).split()))[:300].rstrip(".")
    if _QUOTA_PROJECT.search(said):
        quota = project or "PROJECT"
        return GardenerError(
            f"the {api} takes user credentials only with a quota project, and yours name none ({said}): run "
            f"`gcloud auth application-default set-quota-project {quota}` (or set GOOGLE_CLOUD_QUOTA_PROJECT="
            f"{quota}), and rerun",
            ExitCode.CREDENTIALS,
        )
    if reason == "SERVICE_DISABLED" or first.get("reason") == "accessNotConfigured":
        name = str(metadata.get("service") or service)
        return GardenerError(
            f"the {api} is not enabled in project {consumer} ({said}): enable it with "
            f"`gcloud services enable {name} --project {consumer}`, wait a minute, and rerun",
            ExitCode.BAD_INPUT,
        )
    if reason == "BILLING_DISABLED":
        return GardenerError(
            f"billing is not enabled on project {consumer} ({said}): enable it for the project, or use another "
            "with --project, and rerun",
            ExitCode.BAD_INPUT,
        )
    return None


_PROJECT_GONE = compile_regex(r"(?i)\bhas been deleted\b|\bscheduled for deletion\b|\bpending deletion\b")
"""How Google's APIs say a project was shut down: `Project #N has been deleted.`, `… has been scheduled for
deletion and cannot be used for API calls`."""


def project_gone(exc: BaseException, project: str, message: str | None = None) -> GardenerError | None:
    """A 403 that is no missing permission but a project deleted or pending deletion (Google's ErrorInfo
    reason CONSUMER_INVALID, or the message saying so): one line, exit code 2 as an unknown project, never
    the role to grant; None for any other error. `message`: the server's words as the source's client reads
    them (BigQuery's without its job footer), else taken from `exc`."""
    if getattr(exc, "code", None) != 403:
        return None
    said = message or _REQUEST_LINE.sub("", " ".join(str(getattr(exc, "message", "") or exc).split()))
    said = said[:300].rstrip(".")
    if _PROJECT_GONE.search(said):
        what = "is deleted or pending deletion"
    elif getattr(exc, "reason", None) == "CONSUMER_INVALID":  # also said of an id no project has
        what = "does not exist, or this account cannot see it"
    else:
        return None
    return GardenerError(
        f"project {project} {what} ({said}): check --project, GOOGLE_CLOUD_PROJECT and the config's "
        "`project` (`gcloud projects list` shows the ids you can use; `gcloud projects undelete` restores a "
        "project within 30 days of its deletion)",
        ExitCode.BAD_INPUT,
    )


_T = TypeVar("_T")


def within(seconds: float, call: Callable[[], _T]) -> _T:
    """`call()`, given up after `seconds` in all with requests' Timeout (retried as a silence is). A request's
    own timeout bounds each wait for a byte, not the answer: a server that sends one byte a second (or a header
    line at a time) would hold it forever. The call runs in a daemon thread, left behind when given up."""
    import requests

    outcome: list[Any] = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append((False, exc))
        finally:
            finished.set()

    threading.Thread(target=run, name="gardener-request", daemon=True).start()
    if not finished.wait(seconds):
        raise requests.Timeout(f"the answer did not complete within {seconds:g} s")
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


# Where an endpoint comes from: an environment variable set long ago is named, not only the option.
_ENDPOINT_SETTINGS = {
    "logging": "--logging-endpoint or GARDENER_LOGGING_ENDPOINT",
    "BigQuery": "--bigquery-endpoint or GARDENER_BIGQUERY_ENDPOINT",
}


def endpoint_url(endpoint: str | None, service: str) -> str | None:
    """The endpoint without its trailing slash; a usage error unless it is an http(s) URL."""
    if endpoint is None:
        return None
    endpoint = (
        endpoint.strip()
    )  # a value written to a file or $GITHUB_ENV keeps its line break; no URL has one
    named = f"{service} endpoint {shown_url(endpoint)!r} ({_ENDPOINT_SETTINGS.get(service, 'its option')})"
    if not endpoint.startswith(("http://", "https://")):
        raise GardenerError(f"{named} must start with http:// or https://", ExitCode.BAD_INPUT)
    problem = _url_problem(endpoint)
    if problem:  # said now, not as a minute of retries to reach it
        raise GardenerError(
            f"{named} is not a URL to send requests to: {problem}; give one such as "
            "http://127.0.0.1:8080 or https://logging.googleapis.com",
            ExitCode.BAD_INPUT,
        )
    return endpoint.rstrip("/")


def _url_problem(url: str) -> str | None:
    """Why `url` (http or https) cannot be requested: no host, a port out of range, a query or fragment, a
    space; None when it can."""
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError for a port that is not a number from 0 to 65535
    except ValueError as exc:
        return str(exc)
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "port 0 is no port"
    if parts.query or parts.fragment:
        return "it has a query or fragment (?… or #…), which the API paths are not appended after"
    if any(char.isspace() for char in url):
        return "it holds a space"
    return None


def is_emulator(endpoint: str | None) -> bool:
    """An http:// endpoint is an emulator or a test server: it gets anonymous credentials."""
    return endpoint is not None and endpoint.startswith("http://")


def credentials_for(endpoint: str | None, scopes: Sequence[str]) -> tuple[Credentials, str | None]:
    """Anonymous credentials for an emulator, else Application Default Credentials and the project they name;
    none found is one line saying how to get them."""
    import google.auth
    from google.auth.credentials import AnonymousCredentials
    from google.auth.exceptions import DefaultCredentialsError

    if is_emulator(endpoint):
        return AnonymousCredentials(), None  # type: ignore[no-untyped-call]
    named = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or ""
    key_file = named.strip()  # written to a file or $GITHUB_ENV with its line break: the path is without it
    if key_file.startswith("{"):  # the key pasted as the value (a CI secret): described, never quoted
        raise GardenerError(
            "GOOGLE_APPLICATION_CREDENTIALS holds JSON text, not a path: write the key to a file (outside the "
            f"repository) and set the variable to that file's path; {CREDENTIALS_HINT}",
            ExitCode.CREDENTIALS,
        )
    problem, decoded = _read_key_file(key_file, keep=key_file != named) if key_file else (None, None)
    if problem:
        raise GardenerError(
            f"GOOGLE_APPLICATION_CREDENTIALS names {_shown_path(key_file)}, which {problem}; {CREDENTIALS_HINT}",
            ExitCode.CREDENTIALS,
        )
    try:
        if decoded is not None:  # a pipe, or a file with a BOM: google-auth would not read it again
            with warnings.catch_warnings():  # "untrusted configuration": it is the user's own ADC variable
                warnings.simplefilter("ignore", DeprecationWarning)
                credentials, project = google.auth.load_credentials_from_dict(  # type: ignore[no-untyped-call]
                    decoded, scopes=list(scopes)
                )
        else:
            credentials, project = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError as exc:
        raise GardenerError(
            f"no Google Cloud credentials ({_auth_detail(exc)}); {CREDENTIALS_HINT}", ExitCode.CREDENTIALS
        ) from None
    except (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        # a credentials file google-auth opens but cannot take apart (gcloud's own, or a field of a wrong type)
        raise GardenerError(
            f"cannot use the Google Cloud credentials ({type(exc).__name__}: {_short(exc)}); {CREDENTIALS_HINT}",
            ExitCode.CREDENTIALS,
        ) from None
    # (the attribute, not the property: on Compute Engine the property asks the metadata server)
    universe = getattr(credentials, "_universe_domain", None)
    if endpoint is None and isinstance(universe, str) and universe not in ("", GOOGLE_UNIVERSE):
        raise GardenerError(
            f"the Google Cloud credentials are of the universe {universe} (their universe_domain), and the API's "
            f"default endpoint is {GOOGLE_UNIVERSE}'s, which refuses them: give that universe's endpoint "
            "(--logging-endpoint, or --bigquery-endpoint for Log Analytics), or credentials of googleapis.com",
            ExitCode.CREDENTIALS,
        )
    return guard_refresh(credentials), project


TOKEN_ANSWER_UNREADABLE = (
    "the token service's answer is not OAuth's JSON (a page, or JSON without a token of the right type: a "
    "proxy or captive portal may be answering for it)"
)
"""Why a refresh failed whose answer google-auth could not read (its own TypeError or ValueError says nothing of
the answer)."""

GOOGLE_UNIVERSE = "googleapis.com"
"""The universe domain of Google Cloud's public APIs (a sovereign cloud's credentials name another)."""


def guard_refresh(credentials: Credentials) -> Credentials:
    """Make an answer of the token service that is not OAuth's JSON (a captive portal's page, a field of the
    wrong type: google-auth then fails inside with a TypeError or ValueError; a success's JSON without an
    access token, or with one that is not text) a TransportError, as a token service that cannot be reached
    is: retried, then one line and exit code 5, not an internal error nor "credentials rejected". The refresh
    under way is noted for `token_wait`."""
    from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError

    refresh = credentials.refresh

    def guarded(request: Any) -> None:
        _REFRESHING.add(credentials)
        try:
            refresh(request)  # type: ignore[no-untyped-call]
        except RefreshError as exc:
            answer = exc.args[1] if len(exc.args) > 1 else None
            if isinstance(answer, dict) and "error" not in answer:  # a success's JSON without the token
                raise TransportError(TOKEN_ANSWER_UNREADABLE) from None  # type: ignore[no-untyped-call]
            raise
        except GoogleAuthError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError):
            raise TransportError(TOKEN_ANSWER_UNREADABLE) from None  # type: ignore[no-untyped-call]
        finally:
            _REFRESHING.discard(credentials)
        if not isinstance(credentials.token, str):  # a number: google-auth would fail only on sending it
            credentials.token = None  # so that the next attempt asks again, not sends it
            raise TransportError(TOKEN_ANSWER_UNREADABLE)  # type: ignore[no-untyped-call]

    credentials.refresh = guarded  # type: ignore[method-assign]
    return credentials


_REFRESHING: weakref.WeakSet[Credentials] = weakref.WeakSet()
"""Credentials whose refresh is under way (in a request's thread, which `within` may have given up on)."""


def token_wait(credentials: Credentials | None) -> str | None:
    """Where `credentials` were getting a token when a request's time ran out (`the metadata server`, `the token
    service`), so that the time is not said as the API's silence; None when no refresh was under way."""
    if credentials is None or credentials not in _REFRESHING:
        return None
    return token_service(credentials)


def token_service(credentials: Credentials) -> str:
    """Where `credentials` get their tokens, in words."""
    from google.auth import compute_engine

    return (
        "the metadata server" if isinstance(credentials, compute_engine.Credentials) else "the token service"
    )


_KEY_FILE_BYTES = 1 << 20
"""Far more than any credentials file holds: what is read of one to check it."""
_KEY_FILE_DEPTH = 32
"""Far deeper than any credentials file nests (an external account's is four levels deep): a file nested
deeper is refused before it is decoded, so the decoder never recurses near the interpreter's limit (whether
it raised RecursionError, and where, depended on how deep the caller's stack already was)."""
_JSON_STRUCTURE = compile_regex(r'\\.|["\[\]{}]', re.DOTALL)
"""The characters that open and close JSON's arrays, objects and strings, and escape pairs (read as one)."""


def _nests_deeper(text: str, limit: int) -> bool:
    """Whether JSON `text` opens more than `limit` arrays or objects one inside another (linear, no
    recursion; brackets inside strings do not count)."""
    depth = 0
    in_string = False
    for match in _JSON_STRUCTURE.finditer(text):
        token = match.group()
        if token == '"':
            in_string = not in_string
        elif in_string or len(token) == 2:
            continue
        elif token in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _shown_path(path: str) -> str:
    """`path` as is, or quoted when a space or a line break at its ends, or a control character, would
    otherwise not be seen (a variable set from `$(cat file)` with its newline)."""
    return path if path.isprintable() and path == path.strip() else repr(path)


def _read_key_file(path: str, keep: bool = False) -> tuple[str | None, dict[str, Any] | None]:
    """What makes `path` unusable as a JSON credentials file, said without any of its content (None if it may
    be one: google-auth then checks its fields); and the credentials object read from it when google-auth
    cannot read it again: a pipe, read once (`<(vault read …)`), a file that starts with a BOM (Notepad's
    UTF-8), which google-auth's JSON decoding refuses, or, with `keep`, any file (the variable names it with
    spaces or a line break around it, which google-auth would not strip)."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
        data = files.read_unless_silent_pipe(path, _KEY_FILE_BYTES)
    except FileNotFoundError:
        return f"does not exist{missing_path_hint(path, variable=True)}", None
    except IsADirectoryError:
        return "is a directory, not a key file", None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})", None
    if data is None:
        return f"is {files.silent_pipe()}", None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not a JSON key file (not UTF-8 text: a P12 key? create a JSON key instead)", None
    if _nests_deeper(text, _KEY_FILE_DEPTH):
        return "is not a JSON key file (nested too deeply)", None
    try:
        info = json.loads(text)
    except ValueError as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        return f"is not valid JSON{where}", None
    if not isinstance(info, dict):
        return f"holds a JSON {json_type(info)}, not a credentials object", None
    _remember_secrets(info)
    if "type" not in info:
        return _untyped_credentials(info), None
    kind = info["type"]
    missing = (
        [name for name in _NEEDED_FIELDS.get(kind, ()) if info.get(name) in (None, "")]
        if isinstance(kind, str)
        else []
    )
    if (
        missing
    ):  # google-auth fails inside on the first (AttributeError: 'NoneType' object has no attribute 'get')
        fields = ", ".join(f'"{name}"' for name in missing)
        return (
            f'is a credentials file of type "{kind}" without {fields}, which it needs: create it again',
            None,
        )
    return None, info if keep or data.startswith(codecs.BOM_UTF8) or not regular else None


_SECRET_FIELDS = ("private_key", "client_secret", "refresh_token")
"""The members of a credentials file that are secrets: what gardener says never holds them (`remember_secret`)."""


def _remember_secrets(info: dict[str, Any]) -> None:
    """Name the secrets of a credentials file this run's (a service's answer or a library's error may quote a
    key, or a line of it: google-auth's PEM errors, a token service echoing what it was sent)."""
    for name in _SECRET_FIELDS:
        value = info.get(name)
        if isinstance(value, str):
            remember_secret(value)
            for line in value.splitlines():
                if not line.startswith("-----"):  # a PEM's BEGIN and END lines are public
                    remember_secret(line)


_NEEDED_FIELDS = {
    "service_account": ("client_email", "private_key", "token_uri"),
    "authorized_user": ("client_id", "client_secret", "refresh_token"),
    "impersonated_service_account": ("service_account_impersonation_url", "source_credentials"),
    "external_account": ("audience", "subject_token_type", "token_url", "credential_source"),
}
"""The fields google-auth needs of each type of credentials file (a file cut by hand, or one of another tool's
shape): said by name, not as the error google-auth meets on the first one missing."""


def _untyped_credentials(info: dict[str, Any]) -> str:
    """What a JSON object without the `type` every credentials file has is, said without its content: an
    OAuth client's file (`installed` or `web`, as the console downloads it: what an app signs people in
    with, not a sign-in), or some other JSON."""
    if {"installed", "web"} & info.keys():
        return (
            "is an OAuth client ID file (the client secret an app signs people in with), not credentials: "
            "`gcloud auth application-default login --client-id-file` with it signs you in"
        )
    return 'holds no "type" field, which every credentials file has ("service_account", "authorized_user"…)'


def _short(exc: BaseException) -> str:
    """An exception's message on one line and short; never the bytes a decoding error carries."""
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return " ".join(str(exc).split())[:200]


def _auth_detail(exc: Exception) -> str:
    """google-auth's message and the cause it passes along (its args), without the cause's raw content."""
    parts = [part for part in exc.args if isinstance(part, str | BaseException)]
    return "; ".join(part if isinstance(part, str) else _short(part) for part in parts) or type(exc).__name__


def certificate_refused(
    exc: BaseException, service: str, option: str, doing: str = ""
) -> GardenerError | None:
    """The one line for a connection to `service` (`Cloud Logging at https://…`), or to the token service its
    credentials refresh at, that failed `doing` something (` reading the columns of …`) because the TLS
    certificate shown is not trusted; `option` names the endpoint's option. None for any other failure."""
    import requests
    from google.auth.exceptions import TransportError

    untrusted = (
        untrusted_certificate(exc) if isinstance(exc, requests.ConnectionError | TransportError) else None
    )
    if untrusted is None:
        return None
    where = "the token service (to refresh the credentials)" if isinstance(exc, TransportError) else service
    return GardenerError(
        f"cannot reach {where}{doing}: its TLS certificate is not trusted ({untrusted}); {CERTIFICATE_HINT}, or check "
        f"{option}",
        ExitCode.SOURCE_FAILED,
    )
