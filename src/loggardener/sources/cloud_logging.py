"""Live source: read raw LogEntry dicts from Cloud Logging's entries.list, paced under the quota."""

from __future__ import annotations

import gzip
import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import requests
from google.api_core import exceptions as api_exceptions
from google.api_core import page_iterator
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError, TransportError
from google.cloud.logging_v2 import Client
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from loggardener.defaults import DEFAULT_MAX_ENTRIES, REQUEST_TIMEOUT_SECONDS, RETRY_DEADLINE_SECONDS
from loggardener.errors import (
    PROXY_HINT,
    ExitCode,
    GardenerError,
    connection_failure,
    is_utf8,
    json_type,
    project_id_mistake,
    proxy_failure,
    shown_url,
    untrusted_certificate,
)
from loggardener.files import check_writable, write_error
from loggardener.regexes import compile_regex
from loggardener.sources.file import entry_record
from loggardener.sources.google_auth import (
    NETWORK_HINT,
    SERVER_HINT,
    TOKEN_ANSWER_UNREADABLE,
    TOO_DEEP_ANSWER,
    auth_message,
    certificate_refused,
    credentials_for,
    credentials_hint,
    endpoint_url,
    guard_refresh,
    is_emulator,
    project_gone,
    token_service_failure,
    token_wait,
    unreadable_answers,
    within,
)
from loggardener.sources.google_auth import (
    not_enabled as _not_enabled,
)
from loggardener.sources.interface import EntrySource, RawRecord, SourceStats
from loggardener.sources.query import LogQuery, build_filter, console_url, rfc3339
from loggardener.words import counted

PAGE_SIZE = 1000
"""The API's largest page."""
QUOTA_PER_MINUTE = 60
"""entries.list quota: requests per minute per project."""
PACE_PER_MINUTE = 50.0
PACE_BURST = 8
"""With these, no 60-second span holds more than 8 + 50 = 58 requests: under the quota, with room for the
console or another reader on the same project."""
RETRY_ATTEMPTS = 7
"""Attempts per request on 429, 5xx, connection errors, and transport errors while refreshing an access
token (a blip at the token service, e.g. STS under Workload Identity Federation). Between attempts: the server's Retry-After if
it sent one, else 1, 2, 4 ... 32 s plus up to 1 s of jitter, a little over a minute in all: long enough
for a per-minute quota to refill. All attempts of a request, and the waits between them, end within
`retries.deadline_seconds` of its first attempt."""
MIN_ATTEMPT_SECONDS = 1.0
"""The least an attempt waits for an answer, however little of the deadline is left."""
ORDER_BY = "timestamp asc"
ROLE_HINT = "the account needs roles/logging.viewer (Logs Viewer) on the project"


class RequestPacer:
    """Token bucket: up to `burst` requests at once, then `per_minute` requests a minute.

    `clock` and `sleep` are injectable so tests run on a fake clock.
    """

    def __init__(
        self,
        per_minute: float = PACE_PER_MINUTE,
        burst: int = PACE_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be positive and burst at least 1")
        self.rate = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._last = clock()
        self.waited = 0.0
        """Total seconds spent waiting."""

    def acquire(self) -> None:
        """Wait, if needed, until one more request fits under the pace; then take it."""
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + max(0.0, now - self._last) * self.rate)
        self._last = max(self._last, now)
        if self._tokens < 1.0:
            wait = (1.0 - self._tokens) / self.rate
            self._sleep(wait)
            self.waited += wait
            self._tokens = 1.0
            self._last += wait
        self._tokens -= 1.0


class UnreadableAnswer(Exception):
    """An answer that is not entries.list's page: cut off, not JSON, not an object, `entries` not a list.

    A proxy or a dropped connection makes one now and then, so it is retried like a 5xx.
    """


_CUT_OFF = unreadable_answers()


def _innermost(exc: BaseException) -> str:
    """What the innermost of the errors requests and urllib3 wrap in each other says (`incorrect header check`),
    not the tuple of them all that their text is."""
    while exc.args and isinstance(exc.args[-1], BaseException):
        exc = exc.args[-1]
    return str(exc) or type(exc).__name__


MAX_EMPTY_PAGES = 50
"""Empty pages in a row, each with a next page token, after which a read stops (and says it is truncated)."""


def _checked_page(response: Any) -> dict[str, Any]:
    """The answer as entries.list sends it, or UnreadableAnswer saying what is wrong with it.

    A `null` field is the field's default, as proto3's JSON mapping reads it (no entries, no next page).
    """
    if response in (b"", ""):  # the client hands an empty body over as it is, undecoded
        raise UnreadableAnswer("the answer is empty (HTTP 200 without a body)")
    if not isinstance(response, dict):
        raise UnreadableAnswer(f"the answer is a JSON {json_type(response)}, not an object")
    page = {key: value for key, value in response.items() if value is not None}
    if "error" in page and "entries" not in page:  # Google's error format behind a status of 200
        error = page["error"]
        said = error.get("message") if isinstance(error, dict) else error
        raise UnreadableAnswer(
            f"the answer is an error sent with HTTP 200 ({' '.join(str(said).split())[:200]})"
        )
    entries = page.get("entries", [])
    if not isinstance(entries, list):
        raise UnreadableAnswer(f"its `entries` is a JSON {json_type(entries)}, not a list")
    token = page.get("nextPageToken", "")
    if not isinstance(token, str):
        raise UnreadableAnswer(f"its `nextPageToken` is a JSON {json_type(token)}, not text")
    return page


def _keep_raw(_iterator: page_iterator.Iterator, item: Any) -> Any:
    """The page iterator's item converter: keep the entry exactly as the API sent it."""
    return item


def _is_transient(exc: BaseException) -> bool:
    """429, 5xx, a silence or a dropped connection, an unreadable answer; and an attempt the server gave up on
    itself: 408 (a proxy's or a load balancer's request timeout) or ABORTED (409: a concurrency conflict on
    Google's side that its guidance says to retry)."""
    if isinstance(exc, api_exceptions.GoogleAPICallError) and (
        exc.code == 408 or (exc.code == 409 and _google_error(exc).get("status") == "ABORTED")
    ):
        return True
    if isinstance(exc, requests.ConnectionError | TransportError) and untrusted_certificate(exc) is not None:
        return False  # a certificate refused is refused again
    return isinstance(
        exc,
        api_exceptions.TooManyRequests
        | api_exceptions.ServerError
        | requests.ConnectionError
        | requests.Timeout
        | TransportError
        | UnreadableAnswer,
    )


def _asked_wait(exc: BaseException) -> float | None:
    """The server's Retry-After, in seconds, when it sent one; None for one that is no number of seconds (an
    HTTP date, `NaN`, negative)."""
    response = getattr(exc, "response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return None if seconds is None or math.isnan(seconds) or seconds < 0 else seconds


def _retry_after(exc: BaseException) -> float | None:
    """The server's Retry-After, capped at a minute; None for none, which the backoff then replaces."""
    seconds = _asked_wait(exc)
    return None if seconds is None else min(seconds, 60.0)


class _BackoffWait:
    """Wait the server's Retry-After when given, else exponential backoff with jitter. From the second retry
    on, a Retry-After shorter than the backoff is the backoff: a server (or a proxy) that keeps answering
    `Retry-After: 0` would otherwise have every attempt spent within a second, a quota that frees up within
    the minute never waited for."""

    def __init__(self) -> None:
        self._backoff = wait_exponential_jitter(initial=1, max=32, jitter=1)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        told = _retry_after(exc) if exc is not None else None
        if told is None:
            return self._backoff(state)
        return told if state.attempt_number <= 1 else max(told, self._backoff(state))


def _failure_of(exc: BaseException, timeout: float) -> str:
    """What went wrong with one attempt, in a few words."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, UnreadableAnswer):
        return "an unreadable answer"
    if isinstance(exc, api_exceptions.GoogleAPICallError) and exc.code is not None:
        return f"HTTP {exc.code}"
    if isinstance(exc, TransportError):
        if auth_message(exc) == TOKEN_ANSWER_UNREADABLE:
            return "the token service answered no token"
        return "the token service could not be reached"
    return "the connection failed"


def _status_of(exc: BaseException) -> str:
    if isinstance(exc, UnreadableAnswer):
        return "unreadable answer"
    if isinstance(exc, api_exceptions.GoogleAPICallError) and exc.code is not None:
        return str(exc.code)
    return type(exc).__name__


def _google_error(exc: api_exceptions.GoogleAPICallError) -> dict[str, Any]:
    """The `error` object of Google's JSON error body; empty when the answer is not in that format."""
    try:
        error = exc.response.json()["error"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _one_clause(message: str) -> str:
    """A message on one line, without its closing period, to sit inside a sentence of ours."""
    text = " ".join(message.split())
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


_REQUEST_PREFIX = compile_regex(r"^[A-Z]+ \S+: ")
_TAG = compile_regex(r"<[^>]*>")


def _server_message(exc: api_exceptions.GoogleAPICallError) -> str:
    """The server's message: from Google's JSON error body, else the body's text without the library's
    'POST url:' prefix and without the tags of an HTML page (a proxy's or a load balancer's)."""
    message = _google_error(exc).get("message")
    if not isinstance(message, str) or not message:
        message = _TAG.sub(" ", _REQUEST_PREFIX.sub("", str(exc.message), count=1))
    return _one_clause(message)[:300] or f"HTTP {exc.code}"


def resolve_project(explicit: str | None, configured: str | None = None) -> str | None:
    """--project, else GOOGLE_CLOUD_PROJECT, else the config's `project`; None: ask the credentials.

    The environment beats the config file, so CI can point a committed config at another project. Spaces
    and a line break around a value (a variable read from a file) are dropped: no project id has them.
    """
    for value in (explicit, os.environ.get("GOOGLE_CLOUD_PROJECT"), configured):
        if value and value.strip():
            if not is_utf8(value):
                raise GardenerError(
                    "the project id (--project or GOOGLE_CLOUD_PROJECT) holds bytes that are not UTF-8 text: "
                    "set it to the id alone",
                    ExitCode.BAD_INPUT,
                )
            project = value.strip()
            mistake = project_id_mistake(project)
            if mistake is not None:
                raise GardenerError(
                    f"{mistake} (in --project, GOOGLE_CLOUD_PROJECT or the config's `project`; `gcloud "
                    "projects list` shows the ids)",
                    ExitCode.BAD_INPUT,
                )
            return project
    return None


class CloudLoggingSource(EntrySource):
    """Reads a project's entries through google-cloud-logging's REST connection, page by page.

    The library's entry classes drop fields such as `errorGroups`, so the pages are read with the library's
    own HTTPIterator and an item converter that keeps each entry's JSON object as it came. Every request
    goes through the pacer, and 429, 5xx, connection errors and token-service transport errors are retried
    with exponential backoff and jitter (the library's HTTP transport does not retry).

    `credentials` replaces the default choice: anonymous credentials for an http:// endpoint (emulators,
    tests), else Application Default Credentials.
    """

    def __init__(
        self,
        query: LogQuery,
        *,
        project: str | None = None,
        endpoint: str | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        save_export: Path | None = None,
        pacer: RequestPacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        credentials: Credentials | None = None,
        deadline_seconds: float = RETRY_DEADLINE_SECONDS,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        if max_entries < 1:
            raise GardenerError("--max-entries must be at least 1", ExitCode.BAD_INPUT)
        self.endpoint = endpoint_url(endpoint, "logging")
        self.query = query
        self.max_entries = max_entries
        self.save_export = save_export
        self.pacer = pacer or RequestPacer(sleep=sleep)
        self._sleep = sleep
        self.credentials = credentials
        self.deadline_seconds = deadline_seconds
        self.request_timeout = request_timeout
        self._gave_up = (RETRY_ATTEMPTS, 0.0)
        self._sent_credentials: Credentials | None = None
        """Attempts and seconds spent on the request that failed last."""
        self._continuing = False
        """Whether the request that failed last named a page token: the query was accepted already."""
        self._entries_read = 0
        self._anonymous = False
        self.filter = build_filter(query)
        self.stats = SourceStats(query_filter=self.filter)
        self._set_project(resolve_project(project))

    def _set_project(self, project: str | None) -> None:
        self.project = project
        self.stats.project = project
        where = f" at {shown_url(self.endpoint)}" if self.endpoint else ""
        self.stats.description = f"Cloud Logging, project {project or '(from credentials)'}{where}"
        if project:
            self.stats.console_url = console_url(self.filter, project, self.query.start, self.query.end)

    def _credentials(self) -> tuple[Credentials, str | None]:
        """The credentials to send, and the project Application Default Credentials name, if any."""
        if self.credentials is not None:
            return guard_refresh(self.credentials), None
        self._anonymous = is_emulator(self.endpoint)
        return credentials_for(self.endpoint, Client.SCOPE)

    def _client(self) -> Client:
        """A REST client on the endpoint, for the project given, else the one the credentials name."""
        credentials, own_project = self._credentials()
        if not self.project:
            if not own_project:
                from_adc = self.credentials is None and not self._anonymous
                raise GardenerError(
                    "no project: pass --project, set GOOGLE_CLOUD_PROJECT, or set `project` in the config"
                    + (
                        ", or a project for your credentials (`gcloud config set project P`)"
                        if from_adc
                        else ""
                    ),
                    ExitCode.BAD_INPUT,
                )
            self._set_project(own_project)
        options = {"api_endpoint": self.endpoint} if self.endpoint else None
        self._sent_credentials = credentials
        return Client(  # type: ignore[no-untyped-call]
            project=self.project, credentials=credentials, _use_grpc=False, client_options=options
        )

    def _paced_request(self, api_request: Callable[..., Any], retried: Counter[str]) -> Callable[..., Any]:
        """Wrap the connection's api_request: every attempt is paced, counted and bounded in time; transient
        errors and silences are retried until `deadline_seconds` after the first attempt."""

        def request(**kwargs: Any) -> Any:
            started = time.monotonic()
            self._continuing = bool((kwargs.get("data") or {}).get("pageToken"))
            timeouts: list[float] = []

            def attempt() -> Any:
                self.pacer.acquire()
                self.stats.requests += 1
                left = self.deadline_seconds - (time.monotonic() - started)
                timeouts.append(max(MIN_ATTEMPT_SECONDS, min(self.request_timeout, left)))
                try:  # each wait for a byte is bounded by the timeout, the whole answer by the deadline
                    response = within(
                        max(MIN_ATTEMPT_SECONDS, left), lambda: api_request(**kwargs, timeout=timeouts[-1])
                    )
                except GoogleAuthError:  # some are ValueErrors too (MalformedError): about credentials
                    raise
                except tuple(_CUT_OFF) as exc:
                    meaning = next(text for kind, text in _CUT_OFF.items() if isinstance(exc, kind))
                    raise UnreadableAnswer(f"{meaning} ({' '.join(_innermost(exc).split())[:200]})") from exc
                except RecursionError:  # no page of the API nests so deep: a proxy's or a broken answer
                    raise UnreadableAnswer(TOO_DEEP_ANSWER) from None
                return _checked_page(response)

            def before_retry(state: RetryCallState) -> None:
                exc = state.outcome.exception() if state.outcome is not None else None
                if exc is None:
                    return
                retried[_status_of(exc)] += 1
                if self.on_retry is not None:
                    left = self.deadline_seconds - (time.monotonic() - started)
                    self.on_retry(
                        f"Cloud Logging at {shown_url(self.endpoint or 'logging.googleapis.com')}: "
                        f"{_failure_of(exc, timeouts[-1])} (attempt {state.attempt_number}); retrying in "
                        f"{state.upcoming_sleep:.0f} s, giving up in {max(0.0, left):.0f} s "
                        "(retries.deadline_seconds)"
                    )

            retrying = Retrying(
                retry=retry_if_exception(_is_transient),
                stop=stop_after_attempt(RETRY_ATTEMPTS) | stop_before_delay(self.deadline_seconds),
                wait=_BackoffWait(),
                sleep=self._sleep,
                before_sleep=before_retry,
                reraise=True,
            )
            try:
                return retrying(attempt)
            except BaseException:
                self._gave_up = (len(timeouts), time.monotonic() - started)
                raise

        return request

    def records(self) -> Iterator[RawRecord]:
        """Stream the window's entries, oldest first, at most `max_entries` of them."""
        export = self._open_export()
        completed = False
        retried: Counter[str] = Counter()
        try:
            client = self._client()
            iterator = page_iterator.HTTPIterator(  # type: ignore[no-untyped-call]
                client=client,
                api_request=self._paced_request(client._connection.api_request, retried),
                path="/entries:list",
                item_to_value=_keep_raw,
                items_key="entries",
                extra_params={
                    "resourceNames": [f"projects/{client.project}"],
                    "filter": self.filter,
                    "orderBy": ORDER_BY,
                    "pageSize": PAGE_SIZE,
                },
            )
            # entries.list is a read-only POST, as the library's own _LoggingAPI.list_entries sends it.
            iterator._HTTP_METHOD = "POST"
            yield from self._read(iterator, export)
            completed = True
        except (
            api_exceptions.GoogleAPICallError,
            requests.RequestException,
            GoogleAuthError,
            UnreadableAnswer,
        ) as exc:
            raise self._explain(exc, retried) from None
        finally:
            if retried:
                counts = ", ".join(f"{status} x{n}" for status, n in sorted(retried.items()))
                total = sum(retried.values())
                self.stats.notes.append(
                    f"retried {counted(total, 'request')} after transient errors ({counts})"
                )
            if self.pacer.waited >= 1:
                self.stats.notes.append(
                    f"paced under the entries.list quota ({QUOTA_PER_MINUTE}/min): "
                    f"waited {self.pacer.waited:.0f} s"
                )
            self._close_export(export, completed)

    def _read(self, iterator: page_iterator.HTTPIterator, export: IO[str] | None) -> Iterator[RawRecord]:
        position = 0
        last_timestamp: str | None = None
        sent: set[str] = set()
        empty_run = 0
        for page in iterator.pages:
            self.stats.pages += 1
            if iterator.next_page_token == "":
                iterator.next_page_token = None
            token = iterator.next_page_token
            if token is not None and token in sent:
                # the page it names was read already: following it would read the same pages forever
                iterator.next_page_token = None
                self._note_loop(last_timestamp)
            elif token is not None:
                sent.add(token)
            items = list(page)
            empty_run = empty_run + 1 if not items and iterator.next_page_token is not None else 0
            if empty_run >= MAX_EMPTY_PAGES:
                # the API may send an empty page with a token (it searched a stretch without a match), but not
                # without end: a server that does would be read forever, a new token each time
                iterator.next_page_token = None
                self._note_partial(
                    f"Cloud Logging sent {empty_run} empty pages in a row, each naming a next one",
                    last_timestamp,
                    "the read stopped there. Counts are partial: rerun the scan, or narrow the window",
                )
            for index, item in enumerate(items):
                if position >= self.max_entries:
                    self._note_truncation(last_timestamp)
                    return
                position += 1
                self._entries_read = position
                # as an export's: a lone surrogate (text no output can encode) replaced, nesting bounded
                record = entry_record(position, item, "entry", page=self.stats.pages)
                if record.entry is None:
                    yield record
                    continue
                item = record.entry
                if export is not None:
                    self._save(export, item)
                if isinstance(item.get("timestamp"), str):
                    last_timestamp = item["timestamp"]
                yield record
                if position >= self.max_entries and (index + 1 < len(items) or iterator.next_page_token):
                    self._note_truncation(last_timestamp)
                    return

    def _note_truncation(self, last_timestamp: str | None) -> None:
        self._note_partial(
            f"stopped at --max-entries {self.max_entries}",
            last_timestamp,
            f"the window {rfc3339(self.query.start)} to {rfc3339(self.query.end)} holds more entries. Counts are "
            "partial: narrow the window or the filter, or raise --max-entries.",
        )

    def _note_loop(self, last_timestamp: str | None) -> None:
        self._note_partial(
            f"Cloud Logging sent a page token it had sent before, after {counted(self.stats.pages, 'page')}",
            last_timestamp,
            "following it would read the same pages forever, so the read stopped there. Counts are partial: "
            "rerun the scan, or narrow the window",
        )

    def _note_partial(self, what: str, last_timestamp: str | None, consequence: str) -> None:
        """Mark the read as truncated, with a note: what stopped it, how far it read, what that means."""
        self.stats.truncated = True
        reached = f" (entries up to {last_timestamp})" if last_timestamp else ""
        self.stats.notes.append(f"TRUNCATED: {what}{reached}; {consequence}")

    def _open_export(self) -> IO[str] | None:
        if self.save_export is None:
            return None
        partial = self.save_export.with_name(self.save_export.name + ".partial")
        check_writable(self.save_export, "export")  # never through a planted symbolic link
        check_writable(partial, "export")
        try:
            partial.parent.mkdir(parents=True, exist_ok=True)
            if self.save_export.suffix == ".gz":  # as its name says, so that zcat and gunzip read it too
                return gzip.open(partial, "wt", encoding="utf-8")
            return partial.open("w", encoding="utf-8")
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename and exc.filename != str(partial) else ""
            message = f"cannot write export {self.save_export}: {exc.strerror}{where}"
            raise GardenerError(message, ExitCode.BAD_INPUT) from None

    def _save(self, export: IO[str], item: dict[str, Any]) -> None:
        """One entry into `--save-export`; a write that fails (a full disk) is one line, exit code 2."""
        try:
            export.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        except OSError as exc:
            raise write_error("export", self.save_export or Path("-"), exc) from None

    def _close_export(self, export: IO[str] | None, completed: bool) -> None:
        if export is None or self.save_export is None:
            return
        partial = self.save_export.with_name(self.save_export.name + ".partial")
        try:
            export.close()  # flushes: a full disk may fail here
        except OSError as exc:
            partial.unlink(missing_ok=True)
            if completed:
                raise write_error("export", self.save_export, exc) from None
            return
        if completed:
            os.replace(partial, self.save_export)
            self.stats.notes.append(f"saved the fetched entries to {self.save_export} (replay with --from)")
        else:
            partial.unlink(missing_ok=True)

    def _explain(self, exc: BaseException, retried: Counter[str]) -> GardenerError:
        """One line saying what went wrong and what to do."""
        project = self.project or "(unknown)"
        tried, spent = self._gave_up
        attempts = ""
        # a read that had gone on for pages: how far, and that none of it is used
        how_far = (
            f", {counted(self.stats.pages, 'page')} ({counted(self._entries_read, 'entry')}) "
            "into the read, which is not written"
            if self._continuing
            else ""
        )
        if _is_transient(exc):
            attempts = f" after {tried} attempt{'s' if tried != 1 else ''}" + (
                f" in {spent:.0f} s" if spent >= 1 else ""
            )
            attempts += how_far
        waited = token_wait(self._sent_credentials)
        if isinstance(exc, requests.Timeout) and waited is not None:
            return GardenerError(
                f"no token from {waited} to refresh the credentials{attempts}, within "
                f"retries.deadline_seconds ({self.deadline_seconds:g} s): it is failing or slow; {NETWORK_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, requests.Timeout):
            return GardenerError(
                f"no answer from Cloud Logging at {shown_url(self.endpoint or 'logging.googleapis.com')}{attempts} (each "
                f"attempt waits up to retries.request_timeout_seconds, {self.request_timeout:g} s, and all end "
                f"within retries.deadline_seconds, {self.deadline_seconds:g} s); {NETWORK_HINT}, or raise those "
                "settings for a slow server",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, UnreadableAnswer):
            where = shown_url(self.endpoint or "logging.googleapis.com")
            return GardenerError(
                f"cannot read the answers of Cloud Logging at {where}{attempts}: {exc}; a proxy or firewall "
                "in between may be cutting or replacing them (check it, and --logging-endpoint)",
                ExitCode.SOURCE_FAILED,
            )
        refused = certificate_refused(
            exc,
            f"Cloud Logging at {shown_url(self.endpoint or 'logging.googleapis.com')}",
            "--logging-endpoint",
        )
        if refused is not None:
            return refused
        if isinstance(exc, TransportError) and auth_message(exc) == TOKEN_ANSWER_UNREADABLE:
            return GardenerError(
                f"no token from the token service to refresh the credentials{attempts}: "
                f"{TOKEN_ANSWER_UNREADABLE}; {NETWORK_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, TransportError):
            return GardenerError(
                f"cannot reach the token service to refresh the credentials{attempts}: "
                f"{connection_failure(auth_message(exc), naming_the_host=True)}; "
                f"{NETWORK_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, api_exceptions.Unauthorized | GoogleAuthError) and self._anonymous:
            # google-auth answers a 401 by refreshing the credentials, which anonymous ones cannot do
            return GardenerError(
                f"credentials rejected: {shown_url(self.endpoint or '')} answered HTTP 401 (unauthenticated) to the anonymous "
                "credentials every http:// endpoint gets; use an endpoint that accepts them, or an https:// "
                "one to send Application Default Credentials",
                ExitCode.CREDENTIALS,
            )
        failed = token_service_failure(exc)
        if failed is not None:
            return GardenerError(
                f"the token service failed to refresh the credentials{how_far} ({failed}): {SERVER_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, api_exceptions.Unauthorized | GoogleAuthError):
            detail = (
                _server_message(exc) if isinstance(exc, api_exceptions.Unauthorized) else auth_message(exc)
            )
            return GardenerError(
                f"credentials rejected ({detail}){how_far}; {credentials_hint(exc)}", ExitCode.CREDENTIALS
            )
        if self._continuing and isinstance(exc, api_exceptions.BadRequest | api_exceptions.NotFound):
            # the query and the project were accepted for the pages before: neither is what is wrong
            return GardenerError(
                f"Cloud Logging refused to go on with the read after {counted(self.stats.pages, 'page')} "
                f"({counted(self._entries_read, 'entry')}) (HTTP {exc.code}: {_server_message(exc)}): its page token "
                "for the next page was not accepted, so the read cannot go on and nothing is written; "
                "rerun the scan (a page token can expire during a long read: a narrower window reads fewer "
                "pages)",
                ExitCode.SOURCE_FAILED,
            )
        disabled = _not_enabled(exc, project, "Cloud Logging API", "logging.googleapis.com")
        if disabled is not None:
            return disabled
        gone = project_gone(exc, project)
        if gone is not None:
            return gone
        if isinstance(exc, api_exceptions.BadRequest | api_exceptions.Forbidden) and not _google_error(
            exc
        ).get("status"):
            # Google's errors name their status: this 400 or 403 is a proxy's, or a server's that is no Logging API
            return GardenerError(
                f"{shown_url(self.endpoint or 'logging.googleapis.com')} refused the request with HTTP {exc.code} "
                f"({_server_message(exc)}) that is not the Logging API's error: something in between (a proxy, "
                "a firewall) or --logging-endpoint refused it before Cloud Logging read the query; check them "
                "(HTTPS_PROXY, the endpoint's scheme and port) and rerun",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, api_exceptions.Forbidden):
            return GardenerError(
                f"permission denied reading the logs of project {project}: {_server_message(exc)}{how_far}; "
                f"{ROLE_HINT}, and the project needs the Cloud Logging API enabled",
                ExitCode.CREDENTIALS,
            )
        if isinstance(exc, api_exceptions.NotFound) and not _google_error(exc).get("status"):
            return GardenerError(
                f"{shown_url(self.endpoint or 'logging.googleapis.com')} does not serve the Logging API's entries.list "
                "(HTTP 404); check --logging-endpoint or GARDENER_LOGGING_ENDPOINT",
                ExitCode.BAD_INPUT,
            )
        if isinstance(exc, api_exceptions.NotFound):
            return GardenerError(
                f"unknown project {project}: {_server_message(exc)}; check --project, GOOGLE_CLOUD_PROJECT "
                "and the config's `project` (`gcloud projects list` shows the ids you can use)",
                ExitCode.BAD_INPUT,
            )
        if isinstance(exc, api_exceptions.BadRequest) and f"projects/{project}" in _server_message(exc):
            return GardenerError(
                f"Cloud Logging rejected the project id {project}: {_server_message(exc)}; check --project, "
                "GOOGLE_CLOUD_PROJECT and the config's `project` (an id such as my-project-123, not the "
                "project's name or number with a prefix: `gcloud projects list` shows the ids)",
                ExitCode.BAD_INPUT,
            )
        if isinstance(exc, api_exceptions.BadRequest):
            return GardenerError(
                f"Cloud Logging rejected the query: {_server_message(exc)} (see it with --print-filter; "
                "check --filter)",
                ExitCode.BAD_INPUT,
            )
        if isinstance(exc, api_exceptions.TooManyRequests):
            asked = _asked_wait(exc)
            wait = (
                f"Cloud Logging asks to wait {asked:g} s (Retry-After) before trying again"
                if asked is not None and asked > 60
                else "wait a minute"
            )
            return GardenerError(
                f"Cloud Logging quota exceeded{attempts}: {_server_message(exc)}; entries.list allows "
                f"{QUOTA_PER_MINUTE} requests a minute per project, shared by everyone reading it: {wait}, "
                "or narrow the window",
                ExitCode.SOURCE_FAILED,
            )
        if isinstance(exc, api_exceptions.GoogleAPICallError):
            return GardenerError(
                f"Cloud Logging failed{attempts} (HTTP {exc.code}): {_server_message(exc)}; {SERVER_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        where = shown_url(self.endpoint or "logging.googleapis.com")
        proxy = proxy_failure(exc, self.endpoint or "https://logging.googleapis.com")
        if proxy is not None:
            return GardenerError(
                f"cannot reach Cloud Logging at {where}{attempts} through {proxy}; {PROXY_HINT}",
                ExitCode.SOURCE_FAILED,
            )
        message = (
            f"cannot reach Cloud Logging at {where}{attempts}: {connection_failure(exc)}; {NETWORK_HINT}"
        )
        return GardenerError(message, ExitCode.SOURCE_FAILED)
