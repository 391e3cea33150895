"""Publishing to GitHub with PyGithub: create, update, reopen, never duplicate.

De-duplication is keyed on the cluster fingerprint. The candidates are every issue carrying the
generated-by label (open and closed), and the match is the hidden fingerprint marker in the body,
checked here in code: GitHub search lags and does not reliably index HTML comments, so it never decides.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, cast

from github import (
    Auth,
    BadCredentialsException,
    Consts,
    GithubException,
    GithubRetry,
    RateLimitExceededException,
)
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.Repository import Repository
from requests import RequestException
from requests.exceptions import ConnectTimeout, InvalidHeader, RetryError
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import HTTPError
from urllib3.exceptions import InvalidHeader as Urllib3InvalidHeader
from urllib3.response import HTTPResponse

from loggardener.clustering.models import Cluster
from loggardener.errors import (
    CERTIFICATE_HINT,
    PROXY_HINT,
    ExitCode,
    GardenerError,
    debugging,
    proxy_failure,
    scrub,
    shown_url,
    untrusted_certificate,
)
from loggardener.publishing.answers import CheckedRequester, UnreadableAnswer
from loggardener.publishing.content import (
    PRIORITIES,
    Composer,
    earlier_window,
    resolved_note,
    summary,
    utc,
)
from loggardener.publishing.interface import (
    DEFAULT_API_URL,
    NO_PERMISSION,
    NOT_ATTEMPTED,
    TOKEN_REJECTED,
    IssuePublisher,
    check_repo,
)
from loggardener.publishing.markers import (
    Summary,
    fingerprint_marker,
    has_fingerprint,
    is_our_comment,
    read_state,
)
from loggardener.regexes import compile_regex
from loggardener.report import IssueAction

_OS_CAUSE = compile_regex(r"\[Errno -?\d+\] ([^'\"()\[\]]+)")
"""The operating system's words in urllib3's text of a failed connection (`Connection refused`, `Name or
service not known`)."""
_ORIGIN = compile_regex(r"(?<=[^/:])/.*$")
"""All of a URL after its scheme and host: the path and query are not where GitHub is."""
_CLOCK_MARGIN = timedelta(minutes=10)
"""How far this machine's clock may be ahead of GitHub's, for `since` in the twin check."""
_PRIORITY_NAMES = frozenset(name.casefold() for name in PRIORITIES)


def _has_label(names: Sequence[str], label: str) -> bool:
    """Whether `label` is among `names` as GitHub compares label names: without regard to case (a repository
    holding `log-gardener` applies it to an issue created with `Log-Gardener`, and answers its own spelling)."""
    return label.casefold() in {name.casefold() for name in names}


_MARKER = compile_regex(r"<!-- log-gardener:fingerprint=([A-Za-z0-9_.:-]{1,128}) -->")
_LISTING_LAG = timedelta(minutes=10)
"""How long GitHub may take to list an issue it filed: a create whose answer was lost is not sent again, while
its issue is not listed, until this long after it was sent (a duplicate costs more than a delay)."""
_MAX_LOOKED_AT = 1000
"""Issues read at most when looking for one filed by a create whose answer was lost."""
_MAX_SEARCHES = 20
"""GitHub searches at most per run for issues of problems a run without a state would file (search allows 30
requests a minute): the rest are filed as before."""


SECONDARY_RATE_WAIT = 60.0
"""Seconds GitHub asks a client to wait at least after a secondary rate limit that names no usable wait."""


class IssueRetry(GithubRetry):
    """PyGithub's retry (rate limits, 5xx), except that a POST which may have reached GitHub is not repeated.

    Repeating a create that GitHub performed but answered with a 5xx or a dropped connection would make
    a duplicate issue; the next run finds such an issue by its marker instead.
    """

    deadline: float | None = None
    """`time.monotonic()` past which no wait is started: the publish phase as a whole is bounded."""
    on_wait: Callable[[str], None] | None = None
    """Told, before a wait of at least `SAID_WAIT_SECONDS`, what it is for (a rate limit): not a silent minute."""

    def new(self, **kw: Any) -> IssueRetry:
        retry = super().new(**kw)
        retry.deadline = self.deadline
        retry.on_wait = self.on_wait
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        """urllib3 refuses a Retry-After that is neither whole seconds nor an HTTP date (`soon`, `-30`, `1.5`)
        with InvalidHeader, which stopped the publish said as a bad header of ours (the token): a number is its
        seconds (at least 0), and anything else names no wait, for which GitHub asks at least a minute."""
        try:
            return float(super().parse_retry_after(retry_after))
        except Urllib3InvalidHeader:
            try:
                seconds = float(retry_after)
            except ValueError:
                return min(SECONDARY_RATE_WAIT, self.retry_after_max)
            return min(max(seconds, 0.0), self.retry_after_max) if seconds == seconds else 0.0

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # a rate-limited request (403 with a rate-limit message, or 429) was not performed: repeat even a POST
        if method.upper() == "POST" and status_code not in (403, 429):
            return False
        return bool(super().is_retry(method, status_code, has_retry_after))

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: HTTPResponse | None = None,  # type: ignore[override]
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> IssueRetry:
        if (method or "").upper() == "POST" and error is not None and not self._is_connection_error(error):
            raise error
        if error is not None and untrusted_certificate(error) is not None:
            raise error  # a certificate refused is refused again: no retries, no backoff
        retry = cast(IssueRetry, super().increment(method, url, response, error, _pool, _stacktrace))
        if self.deadline is not None and response is not None:
            wait = max(retry.get_retry_after(response) or 0.0, retry.get_backoff_time())
            if time.monotonic() + wait > self.deadline:
                said = _answer_message(response)  # GitHub's words, for the line that says why it stopped
                raise RateLimitExceededExceedsMaxWait(
                    response.status, {"message": said} if said else {}, dict(response.headers), wait=wait
                )
            if self.on_wait is not None and wait >= SAID_WAIT_SECONDS:
                self.on_wait(f"{_waiting_for(response)}: waiting {wait:.0f} s before trying again")
        return retry


def _answer_message(response: HTTPResponse) -> str | None:
    """GitHub's `message` in the JSON body of an answer the retry gives up on (decompressed as its
    Content-Encoding says; at most 64 KiB read), on one line; None when the body holds none (a proxy's page)."""
    try:
        body = json.loads(response.read(_MESSAGE_BYTES, decode_content=True) or b"null")
    except (OSError, ValueError, RecursionError, HTTPError):
        return None
    message = body.get("message") if isinstance(body, dict) else None
    return (" ".join(message.split())[:300] or None) if isinstance(message, str) else None


_MESSAGE_BYTES = 1 << 16


SAID_WAIT_SECONDS = 5.0
"""A wait between attempts at least this long is said before it starts; shorter backoffs pass unsaid."""


def _waiting_for(response: HTTPResponse) -> str:
    """What a wait between attempts is for, from the answer that led to it."""
    headers = {str(key).lower(): str(value) for key, value in response.headers.items()}
    if response.status not in (403, 429):
        return f"GitHub answered {response.status}"
    if headers.get("x-ratelimit-remaining") == "0":
        return "GitHub's rate limit (the hour's requests) is exhausted until its reset"
    return "GitHub's secondary rate limit (too many requests in a short time)"


@dataclass
class _Touched:
    """An issue this run created or matched, for refreshing its related-issues list afterwards."""

    issue: Issue
    cluster: Cluster
    listed: list[int]
    regression: bool = False


@dataclass
class _Run:
    since: datetime
    """Before the listing began (less a margin for clocks): a twin filed by a concurrent run is newer."""
    numbers: dict[str, int] = field(default_factory=dict)
    touched: list[_Touched] = field(default_factory=list)
    unfindable: str | None = None
    """Why no more issues are created: one came back without the generated-by label, so would the rest."""
    created: dict[str, Issue] = field(default_factory=dict)
    unconfirmed: dict[str, datetime] = field(default_factory=dict)
    """Creates of earlier runs whose answer was lost and whose issue is still not listed: when they were sent."""
    looked: bool = True
    """Whether issues could be looked for by their markers (the listing of recent issues answered)."""
    gone: dict[str, str] = field(default_factory=dict)
    """Issues earlier runs filed that GitHub no longer serves (deleted: 410; or moved where the token cannot
    see them: 404), by fingerprint: what a new issue of that problem says."""
    twins: dict[str, list[Issue]] = field(default_factory=dict)
    """Open issues listed with the marker of a problem whose older open issue is kept: filed by earlier runs
    (a create held past the listing's lag, two runs at once, a body copied by hand)."""


_CLOSED_MARKER = compile_regex(r"<!-- log-gardener:after-close=([0-9TZ:-]*) -->")


def _close_stamp(closed_at: datetime | None) -> str:
    """How a regression comment's hidden line names the close it answers (empty when GitHub gave no time)."""
    return utc(closed_at) if closed_at is not None else ""


def closed_marker(closed_at: datetime | None) -> str:
    """The hidden line of a regression comment naming the close it answers."""
    return f"<!-- log-gardener:after-close={_close_stamp(closed_at)} -->"


def _after_close(body: str | None) -> str | None:
    """The close a regression comment answers, from its hidden line; None for a comment without one (a status
    comment, or one an earlier release wrote)."""
    found = _CLOSED_MARKER.search(body or "")
    return found.group(1) if found else None


def _author(issue: Issue) -> str | None:
    """Who filed `issue` (its listing names them: no request)."""
    return issue.user.login if issue.user is not None else None


def _close_as_duplicate(issue: Issue, fingerprint: str, kept: int, note: str) -> str | None:
    """Close `issue` as not planned, `note` first in its body and its marker disarmed (no run finds it again as
    the problem's issue); what failed, if it did."""
    body = (issue.body or "").replace(
        fingerprint_marker(fingerprint), f"<!-- log-gardener:duplicate-of={kept} -->"
    )
    try:
        issue.edit(state="closed", state_reason="not_planned", body=f"{note}\n\n{body}")
    except _API_ERRORS as exc:
        return describe(exc)
    return None


_API_ERRORS = (GithubException, RequestException, UnreadableAnswer)
"""What a call to GitHub raises when it fails, or when its answer is not of the shape GitHub sends (a
proxy's page, a cut-off answer: `CheckedRequester` checks every answer). Nothing else is caught: an error
of gardener's own is a bug, and stops the run with exit code 1."""


def describe(exc: Exception) -> str:
    """One line about an API failure (never the token: PyGithub exceptions hold no request headers, and the
    one of requests that does is not quoted), scrubbed (`scrub`): GitHub's, or a proxy's, message and error list
    may echo what they were sent, the Authorization header too."""
    return scrub(_described(exc))


def _described(exc: Exception) -> str:
    if isinstance(exc, RateLimitExceededException):
        return _rate_limited(exc)
    if isinstance(exc, GithubException):
        message = exc.data.get("message") if isinstance(exc.data, dict) else None
        return f"GitHub answered {exc.status}" + (f": {message}" if message else "") + _details(exc.data)
    if isinstance(exc, RetryError):
        reason = re.search(r"Caused by \w+\('([^']*)'", str(exc))
        return "GitHub kept failing after retries" + (f": {reason.group(1)}" if reason else "")
    if isinstance(exc, UnreadableAnswer):
        return str(exc)
    if isinstance(exc, InvalidHeader):  # its text quotes the header: the token
        return "a request header holds a character HTTP refuses (check GH_TOKEN or GITHUB_TOKEN)"
    if isinstance(exc, RequestException):
        # urllib3's text wraps the cause in the pool, the URL and object addresses: say the cause, and where
        cause = _OS_CAUSE.search(str(exc))
        url = exc.request.url if exc.request is not None and exc.request.url else None
        where = f" at {shown_url(_ORIGIN.sub('', str(url)))}" if url else ""
        proxy = proxy_failure(exc, str(url or DEFAULT_API_URL))
        if proxy is not None:
            return f"cannot reach GitHub{where} through {proxy}; {PROXY_HINT}"
        untrusted = untrusted_certificate(exc)
        if untrusted is not None:
            return (
                f"cannot reach GitHub{where}: its TLS certificate is not trusted ({untrusted}); "
                f"{CERTIFICATE_HINT}, or check GITHUB_API_URL"
            )
        said = cause.group(1).strip() if cause else str(exc)[:200]
        return f"cannot reach GitHub{where}: {type(exc).__name__}: {said}"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _rate_limited(exc: RateLimitExceededException) -> str:
    """Which of GitHub's rate limits refused, and when to try again. The primary one (the hour's requests,
    `X-RateLimit-Remaining: 0`) resets at `X-RateLimit-Reset`; a secondary one (too many requests in a short
    time) names no reset, which would be the hour's: it says how long to wait in `Retry-After`, or, without
    one, GitHub asks for at least a minute."""
    headers = {str(key).lower(): str(value) for key, value in (exc.headers or {}).items()}
    said = exc.data.get("message") if isinstance(exc.data, dict) else None
    message = said.lower() if isinstance(said, str) else ""
    beyond = isinstance(exc, RateLimitExceededExceedsMaxWait)
    if exc.status not in (403, 429):  # a server error whose next retry would pass the cap (IssueRetry)
        answered = f"GitHub answered {exc.status}" + (f": {said}" if said else "")
        return f"{answered}; waiting to try again would pass issues.max_rate_limit_wait"
    reset = headers.get("x-ratelimit-reset", "")
    primary = headers.get("x-ratelimit-remaining") == "0" or message.startswith("api rate limit exceeded")
    secondary = "retry-after" in headers or "secondary rate limit" in message or "abuse" in message
    if primary or not (secondary or beyond):
        when = (
            f"; it resets at {utc(datetime.fromtimestamp(int(reset), timezone.utc))}"
            if reset.isdigit()
            else ""
        )
        return f"GitHub rate limit exhausted{when}"
    asked = headers.get("retry-after", "").strip()
    wait = (
        f"it asks to wait {asked} s (Retry-After)" if asked.isdigit() else "it asks to wait at least a minute"
    )
    longer = ", longer than is left of issues.max_rate_limit_wait" if beyond else ""
    return f"GitHub's secondary rate limit (too many requests in a short time): {wait}{longer}; rerun later"


_SSO_URL = compile_regex(r"\burl=(https://[^\s;,]{1,300})")
"""The page that authorizes a token for an organization's single sign-on, in GitHub's `X-GitHub-SSO`."""


def _single_sign_on(exc: GithubException) -> str | None:
    """How to authorize the token for the organization's SAML single sign-on, when that is why GitHub refused
    (a 403 whose `X-GitHub-SSO` says `required`, or whose message names SAML enforcement); None otherwise."""
    headers = {str(key).lower(): str(value) for key, value in (exc.headers or {}).items()}
    sso = headers.get("x-github-sso", "")
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    if not sso.startswith("required") and not (isinstance(message, str) and "SAML" in message):
        return None
    found = _SSO_URL.search(sso)
    return f"at {found.group(1)}" if found else "(Settings, Developer settings, its token, Configure SSO)"


def _details(data: object) -> str:
    """What a 422's `errors` list says was invalid (`field body: body is too long`), in brackets."""
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return ""
    said = []
    for error in errors[:3]:
        if isinstance(error, dict):
            where = " ".join(str(error[key]) for key in ("resource", "field") if error.get(key))
            what = error.get("message") or error.get("code") or ""
            said.append(f"{where}: {what}" if where and what else str(where or what))
        elif error:
            said.append(str(error))
    return f" ({'; '.join(said)[:300]})" if any(said) else ""


def _maybe_performed(exc: Exception) -> bool:
    """Whether GitHub may have performed a create that failed with `exc`: its answer was a 5xx, unreadable or
    cut off, or the connection broke after the request went out. A 4xx (refused, rate limited: not performed)
    or a connection never made (refused, no such host, timed out connecting) was not."""
    if isinstance(exc, GithubException):
        return exc.status >= 500
    if isinstance(exc, UnreadableAnswer):
        return True
    if isinstance(exc, RequestException):
        text = str(exc)
        return not isinstance(exc, ConnectTimeout) and not any(
            name in text for name in ("NewConnectionError", "NameResolutionError")
        )
    return False


def _refused(exc: GithubException, repo: str) -> GardenerError | None:
    """The repository-wide answers that every issue would get again (no such repository, no permission to
    its issues), as one line; None for any other failure."""
    if 300 <= exc.status < 400:
        return GardenerError(
            f"GitHub moved {repo} ({describe(exc)}): it was renamed or transferred; give its new name to "
            "--repo or GITHUB_REPOSITORY; nothing more published",
            ExitCode.BAD_INPUT,
        )
    if exc.status == 404:
        return GardenerError(
            f"GitHub has no repository {repo} this token can see ({describe(exc)}): check --repo or "
            "GITHUB_REPOSITORY, and that the token has access to it; nothing published",
            ExitCode.BAD_INPUT,
        )
    if exc.status == 410:
        return GardenerError(
            f"issues are turned off in {repo} ({describe(exc)}): turn them on (the repository's Settings, "
            "Features, Issues), choose another --repo, or use --issues draft; nothing published",
            ExitCode.BAD_INPUT,
        )
    if exc.status == 403 and "archived" in describe(exc).lower():
        return GardenerError(
            f"{repo} is archived, so GitHub refuses every write to it ({describe(exc)}): unarchive it or "
            "choose another --repo; nothing published",
            ExitCode.BAD_INPUT,
        )
    if exc.status == 403 and not isinstance(exc, RateLimitExceededException):
        authorize = _single_sign_on(exc)
        if authorize is not None:  # a permission or scope would not help: the token lacks the SSO grant
            return GardenerError(
                f"{NO_PERMISSION}{repo}: its organization enforces SAML single sign-on and the token is not "
                f"authorized for it ({describe(exc)}): authorize the token for the organization {authorize}, "
                "then rerun; nothing published",
                ExitCode.CREDENTIALS,
            )
        return GardenerError(_NO_PERMISSION.format(repo=repo, answer=describe(exc)), ExitCode.CREDENTIALS)
    return None


_NO_PERMISSION = (
    NO_PERMISSION + "{repo} ({answer}): give it the permission (a workflow: "
    "`permissions: issues: write`; a fine-grained token: Issues read and write; a classic token: the repo scope)"
)


class GitHubPublisher(IssuePublisher):
    """Creates, updates and reopens issues in one repository."""

    def __init__(
        self,
        repo: str,
        token: str,
        base_url: str = DEFAULT_API_URL,
        *,
        retries: int = 5,
        backoff: float = 1.0,
        max_rate_limit_wait: float = 300.0,
        seconds_between_requests: float | None = 0.25,
        seconds_between_writes: float | None = 1.0,
        timeout: int = 30,
        token_from: str = "",
    ) -> None:
        """`token_from` says which variable the token came from when that is in doubt (both are set)."""
        if not debugging():
            # PyGithub logs each retry on its own stderr handler; gardener says one line per failure itself
            logging.getLogger("github").setLevel(logging.WARNING)
        if not token:
            raise GardenerError(
                "--issues publish needs a token in GH_TOKEN or GITHUB_TOKEN (or use --issues draft)",
                ExitCode.CREDENTIALS,
            )
        self.repo_name = check_repo(repo)
        self.token_rejected = TOKEN_REJECTED + (f" ({token_from})" if token_from else "")
        self.base_url = base_url.rstrip("/")
        self.max_rate_limit_wait = max_rate_limit_wait
        self._retry = retry = IssueRetry(
            total=retries,
            backoff_factor=backoff,
            max_rate_limit_wait=max_rate_limit_wait,
            # GitHub: without Retry-After, wait at least a minute; a shorter cap gives up at once, said as such
            secondary_rate_wait=SECONDARY_RATE_WAIT,
        )
        self.requester = CheckedRequester(
            Auth.Token(token),
            self.base_url,
            timeout,
            Consts.DEFAULT_USER_AGENT,
            100,
            True,
            retry,
            None,
            seconds_between_requests=seconds_between_requests,
            seconds_between_writes=seconds_between_writes,
            lazy=True,
        )
        self.requester.whole_seconds = max_rate_limit_wait + 2 * timeout

    def publish(
        self,
        composer: Composer,
        clusters: Sequence[Cluster],
        known: Mapping[str, int] | None = None,
        unconfirmed: Mapping[str, datetime] | None = None,
        *,
        below: Sequence[Cluster] = (),
        stateless: bool = False,
    ) -> list[IssueAction]:
        """Publish `clusters`, within `max_rate_limit_wait` seconds for the whole phase: past that, the rest
        are returned as failed "not attempted", so the run ends and writes everything. `known` holds the issue
        numbers earlier runs filed (the state's), read when the listing lacks one of them; `unconfirmed` when
        earlier runs sent a create whose answer was lost, looked for before filing again. Of the problems `below`
        the threshold, those whose listed issue is open are updated after the others (nothing else is read or
        filed for them)."""
        label = composer.config.generated_by_label
        deadline = time.monotonic() + self.max_rate_limit_wait
        self._retry.deadline = deadline
        self._retry.on_wait = self.on_wait
        listed_at = datetime.now(timezone.utc) - _CLOCK_MARGIN
        try:
            repo = Repository(self.requester, url=f"/repos/{self.repo_name}")  # lazy: no request
            twins: dict[str, list[Issue]] = {}
            candidates = self._candidates(repo, label, twins)
        except BadCredentialsException:
            raise GardenerError(f"{self.token_rejected}; nothing published", ExitCode.CREDENTIALS) from None
        except _API_ERRORS as exc:
            refused = _refused(exc, self.repo_name) if isinstance(exc, GithubException) else None
            if refused is not None:
                raise refused from None
            line = (
                f"cannot list the issues labelled {label!r} in {self.repo_name}: {describe(exc)}; "
                "nothing published, so that no duplicate is made"
            )
            return [  # one failure, the rest never tried: said once, not once per problem
                IssueAction(
                    fingerprint=c.fingerprint,
                    action="failed",
                    title=c.title,
                    detail=line if index == 0 else NOT_ATTEMPTED + line,
                )
                for index, c in enumerate(clusters)
            ]
        wanted = {cluster.fingerprint for cluster in clusters}
        run = _Run(
            numbers={fp: issue.number for fp, issue in candidates.items()},
            since=listed_at,
            twins={fp: issues for fp, issues in twins.items() if fp in wanted},
        )
        pending = {fp: at for fp, at in (unconfirmed or {}).items() if fp in wanted and fp not in candidates}
        if pending:
            # GitHub may have filed them without listing them by the label (it drops the labels of a new
            # issue when the token lacks push access): every issue updated since, by its marker
            try:
                seen = self._look_for(repo, set(pending), min(pending.values()) - _CLOCK_MARGIN)
            except _API_ERRORS:
                seen, run.looked = {}, False
            candidates.update(seen)
            run.numbers.update((fp, issue.number) for fp, issue in seen.items())
            run.unconfirmed = {fp: at for fp, at in pending.items() if fp not in seen}
        if stateless:
            # no state says which issues earlier runs filed: one whose label a person removed, or GitHub
            # dropped (a token without push access), is not listed by it, and would be filed again
            seen = self._search_for(repo, sorted(wanted - set(candidates)))
            candidates.update(seen)
            run.numbers.update((fp, issue.number) for fp, issue in seen.items())
        actions: list[IssueAction] = []
        stopped: str | None = None
        followed = [
            c for c in below if c.fingerprint in candidates and candidates[c.fingerprint].state == "open"
        ]
        for index, cluster in enumerate([*clusters, *followed]):
            if index >= len(clusters) and (stopped is not None or time.monotonic() > deadline):
                break  # a problem below the threshold is never said to be not attempted
            if stopped is None and time.monotonic() > deadline:
                stopped = (
                    f"publishing took longer than issues.max_rate_limit_wait ({self.max_rate_limit_wait:g} s)"
                )
            if stopped is not None:
                actions.append(self._failed(cluster, NOT_ATTEMPTED + stopped))
                continue
            try:
                number = (known or {}).get(cluster.fingerprint)
                if cluster.fingerprint not in candidates and number is not None:
                    found = self._known(repo, cluster.fingerprint, number, run, label)
                    if found is not None and not self._ours(found.url, found.number):
                        actions.append(self._moved(cluster, found, number))
                        continue
                    if found is not None:
                        candidates[cluster.fingerprint] = found
                        run.numbers[cluster.fingerprint] = found.number
                actions.append(self._one(repo, composer, cluster, candidates.get(cluster.fingerprint), run))
            except RateLimitExceededExceedsMaxWait as exc:
                stopped = describe(exc)
                actions.append(self._failed(cluster, stopped))
            except BadCredentialsException:
                stopped = self.token_rejected
                actions.append(self._failed(cluster, stopped))
            except _API_ERRORS as exc:
                issue = candidates.get(cluster.fingerprint)
                if (
                    isinstance(exc, GithubException)
                    and exc.status == 403
                    and issue is not None
                    and issue.locked
                ):
                    # a locked conversation refuses this one issue's comments, not the others' writes
                    line = (
                        f"issue #{issue.number} is locked ({describe(exc)}): unlock it to get status updates"
                    )
                    actions.append(self._failed(cluster, line))
                    continue
                refused = _refused(exc, self.repo_name) if isinstance(exc, GithubException) else None
                if refused is not None and isinstance(exc, GithubException) and exc.status != 404:
                    stopped = refused.message  # every other write would be refused the same way
                actions.append(self._failed(cluster, describe(exc) if stopped is None else stopped))
        if stopped is None:
            self._close_twins(repo, label, run, actions)
            self._close_listed_twins(run, actions)
            self._refresh_related(composer, run, actions)
            self._note_resolved(repo, composer, candidates, known or {}, run, actions)
        return actions

    # -- steps -----------------------------------------------------------------------------------------
    def _candidates(
        self, repo: Repository, label: str, twins: dict[str, list[Issue]] | None = None
    ) -> dict[str, Issue]:
        """Issues with the generated-by label, by the fingerprint in their marker: open first, then oldest.
        The other open issues of a fingerprint go to `twins`."""
        found: dict[str, Issue] = {}
        opened: dict[str, list[Issue]] = {}
        for issue in repo.get_issues(state="all", labels=[label], sort="created", direction="asc"):
            if not self._ours(issue.url, issue.number):
                # GitHub followed its own redirect (a renamed repository) and lists another one's issues
                raise GithubException(301, {"message": f"its issues are listed as {issue.url}"}, {})
            if "/pull/" in (issue.html_url or ""):
                continue
            match = _MARKER.search(issue.body or "")
            if match is None:
                continue
            fingerprint = match.group(1)
            held = found.get(fingerprint)
            if held is None or (held.state != "open" and issue.state == "open"):
                found[fingerprint] = issue
            if issue.state == "open":
                opened.setdefault(fingerprint, []).append(issue)
        if twins is not None:  # listed oldest first: the first open one is kept; those a person filed stay
            for fingerprint, issues in opened.items():
                same = [i for i in issues[1:] if _author(i) == _author(issues[0])]
                if same:
                    twins[fingerprint] = same
        return found

    def _look_for(self, repo: Repository, fingerprints: set[str], since: datetime) -> dict[str, Issue]:
        """The issues of `fingerprints` among those updated since `since`, whatever their labels: the oldest
        of each, at most `_MAX_LOOKED_AT` read."""
        found: dict[str, Issue] = {}
        listed = repo.get_issues(state="all", since=since, sort="created", direction="asc")
        for count, issue in enumerate(listed):
            if count >= _MAX_LOOKED_AT:
                break
            match = _MARKER.search(issue.body or "")
            if match is None or match.group(1) not in fingerprints or match.group(1) in found:
                continue
            if self._ours(issue.url, issue.number) and "/pull/" not in (issue.html_url or ""):
                found[match.group(1)] = issue
        return found

    def _search_for(self, repo: Repository, fingerprints: Sequence[str]) -> dict[str, Issue]:
        """The issues showing `fingerprints` in their bodies, whatever their labels, by GitHub search (at most
        `_MAX_SEARCHES`): its marker decides, an open issue before a closed one, then the oldest. Search lags
        and is rate limited: what it does not find (or a search refused) is filed as before."""
        found: dict[str, Issue] = {}
        for fingerprint in fingerprints[:_MAX_SEARCHES]:
            query = f'repo:{self.repo_name} is:issue in:body "{fingerprint}"'
            try:
                headers, data = self.requester.requestJsonAndCheck(
                    "GET", "/search/issues", parameters={"q": query, "sort": "created", "order": "asc"}
                )
            except _API_ERRORS:
                break  # search is rate limited apart from the rest: the next searches would fail alike
            items = data.get("items") if isinstance(data, dict) else None
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict) or "/pull/" in str(item.get("html_url") or ""):
                    continue
                match = _MARKER.search(str(item.get("body") or ""))
                number = item.get("number")
                if match is None or match.group(1) != fingerprint or not isinstance(number, int):
                    continue
                if not self._ours(str(item.get("url") or ""), number):
                    continue
                held = found.get(fingerprint)
                if held is None or (held.state != "open" and item.get("state") == "open"):
                    found[fingerprint] = Issue(self.requester, headers, item, completed=True)
        return found

    def _ours(self, url: str, number: int) -> bool:
        """Whether an issue's API `url` is issue `number` of this repository."""
        return url.lower().endswith(f"/repos/{self.repo_name.lower()}/issues/{number}")

    def _one(
        self, repo: Repository, composer: Composer, cluster: Cluster, issue: Issue | None, run: _Run
    ) -> IssueAction:
        if issue is None:
            if run.unfindable is not None:
                return self._failed(cluster, NOT_ATTEMPTED + run.unfindable)
            return self._create(repo, composer, cluster, run)
        body_state = read_state(issue.body)
        listed = body_state.related_issues if body_state else []
        if issue.state == "closed":
            return self._closed(composer, cluster, issue, body_state, listed, run)
        run.touched.append(_Touched(issue, cluster, listed))
        return self._open(composer, cluster, issue, body_state)

    def _create(self, repo: Repository, composer: Composer, cluster: Cluster, run: _Run) -> IssueAction:
        """File `cluster`: once. A create whose answer is lost may have been performed: the issue is looked
        for by its marker at once and, when GitHub does not list it yet, the next run looks again and does
        not send it again until `_LISTING_LAG` has passed."""
        earlier = run.unconfirmed.get(cluster.fingerprint)
        if earlier is not None and (not run.looked or datetime.now(timezone.utc) < earlier + _LISTING_LAG):
            why = "does not list it yet" if run.looked else "could not be asked for its recent issues"
            return self._failed(
                cluster,
                f"GitHub may have filed it at {utc(earlier)} (the answer to that create was lost) and {why}: "
                f"not filed again before {utc(earlier + _LISTING_LAG)}, so that it is not filed twice; "
                "rerun then",
                sent_at=earlier,
            )
        content = composer.issue(cluster, run.numbers)
        sent = datetime.now(timezone.utc)
        lost = ""
        try:
            created = repo.create_issue(title=content.title, body=content.body, labels=content.labels)
        except _API_ERRORS as exc:
            if not _maybe_performed(exc):
                raise
            found = None
            if run.looked:  # GitHub failing its listing too: not asked again for each create this run
                try:
                    found = self._look_for(repo, {cluster.fingerprint}, run.since).get(cluster.fingerprint)
                except _API_ERRORS:
                    run.looked = False
            if found is None:
                return self._failed(
                    cluster,
                    f"{describe(exc)}; GitHub may have filed it all the same (the answer was lost) and does "
                    "not list it yet: the next run looks for it by its marker before filing it again",
                    sent_at=sent,
                )
            created, lost = found, f"; the answer was lost ({describe(exc)}), the issue found by its marker"
        run.created[cluster.fingerprint] = created
        run.numbers[cluster.fingerprint] = created.number
        run.touched.append(_Touched(created, cluster, content.summary.related_issues))
        labels = [label.name for label in created.labels]
        detail = f"labels {', '.join(labels) or 'none'}{lost}"
        if cluster.fingerprint in run.gone:
            detail += f"; {run.gone[cluster.fingerprint]}"
        label = composer.config.generated_by_label
        if not _has_label(labels, label):
            run.unfindable = (
                f"GitHub created #{created.number} without the {label!r} label (it drops the labels of "
                f"a new issue when the token lacks push access to {self.repo_name}: give it write or "
                "triage access), so a later run may not find it and file it again; add the label to it "
                "by hand; no more issues created"
            )
            detail += f"; {run.unfindable}"
        return self._action(cluster, "created", created, content.title, detail)

    def _close_twins(self, repo: Repository, label: str, run: _Run, actions: list[IssueAction]) -> None:
        """When another run filed a problem while this one did (both listed before either created), the
        older issue stays and the one this run created is closed as its duplicate, its marker disarmed.
        One listing, of the issues updated since this run began: whichever run checks last sees both."""
        if not run.created:
            return
        oldest: dict[str, Issue] = {}
        try:
            for issue in repo.get_issues(
                state="all", labels=[label], since=run.since, sort="created", direction="asc"
            ):
                match = _MARKER.search(issue.body or "")
                if match and self._ours(issue.url, issue.number) and "/pull/" not in issue.html_url:
                    oldest.setdefault(match.group(1), issue)
        except _API_ERRORS:
            return  # the created issues stand; a later run matches the oldest of two
        for fingerprint, created in run.created.items():
            kept = oldest.get(fingerprint)
            index = next((n for n, a in enumerate(actions) if a.fingerprint == fingerprint), None)
            if kept is None or kept.number >= created.number or index is None:
                continue
            note = f"Duplicate of #{kept.number}: another run of log gardener filed this problem at the same time."
            failure = _close_as_duplicate(created, fingerprint, kept.number, note)
            if failure is not None:
                line = f"; another run filed it as #{kept.number}, closing this duplicate failed: {failure}"
                actions[index] = actions[index].model_copy(update={"detail": actions[index].detail + line})
                continue
            run.numbers[fingerprint] = kept.number
            run.touched = [t for t in run.touched if t.issue is not created]
            detail = f"another run filed it at the same time; #{created.number}, made by this run, closed as its duplicate"
            actions[index] = actions[index].model_copy(
                update={
                    "action": "skipped",
                    "number": kept.number,
                    "url": kept.html_url,
                    "title": kept.title,
                    "detail": detail,
                }
            )

    def _close_listed_twins(self, run: _Run, actions: list[IssueAction]) -> None:
        """Open issues of one problem filed by earlier runs (a lost create filed again once its hold had passed,
        while GitHub still did not list it; two runs at once in other workflows): the oldest stays, as the
        listing keeps it, and each newer one is closed as its duplicate, its marker disarmed, so that no two
        open issues track one problem and no later run updates both."""
        for fingerprint, twins in run.twins.items():
            index = next((n for n, a in enumerate(actions) if a.fingerprint == fingerprint), None)
            kept = run.numbers.get(fingerprint)
            if index is None or kept is None or actions[index].action == "failed":
                continue
            for twin in twins:
                if twin.number == kept:
                    continue
                note = f"Duplicate of #{kept}: log gardener filed this problem twice; #{kept} is the older issue."
                failure = _close_as_duplicate(twin, fingerprint, kept, note)
                line = (
                    f"; #{twin.number}, a second open issue of this problem, closed as its duplicate"
                    if failure is None
                    else f"; #{twin.number} is a second open issue of this problem, closing it failed: {failure}"
                )
                actions[index] = actions[index].model_copy(update={"detail": actions[index].detail + line})

    def _known(self, repo: Repository, fingerprint: str, number: int, run: _Run, label: str) -> Issue | None:
        """Issue `number` of this repository when it still carries `fingerprint`'s marker: in its body (the
        listing misses it when its generated-by label is gone), or, when a person rewrote the body without
        any marker, in one of our comments or by the generated-by `label` it still carries (the number is the
        state's record of this problem's issue, and no other problem's marker says otherwise); None when it was
        deleted or is another problem's. An issue a person transferred to another repository (GitHub answers
        301) is returned when it keeps the marker: the caller files no new one (see `_moved`)."""
        try:
            issue = repo.get_issue(number)
            body, url = issue.body, issue.html_url or ""
        except GithubException as exc:
            if exc.status in (404, 410):  # deleted, or transferred to a repository this token cannot see
                why = "deleted" if exc.status == 410 else "deleted, or moved where this token cannot see it"
                run.gone[fingerprint] = (
                    f"#{number}, which an earlier run filed, is gone ({why}: GitHub answered {exc.status})"
                )
                return None
            raise
        if not self._ours(issue.url, issue.number):
            return issue if has_fingerprint(body, fingerprint) else None
        if not url.lower().endswith(f"/{self.repo_name.lower()}/issues/{number}"):
            return None  # a pull request
        if has_fingerprint(body, fingerprint):
            return issue
        if _MARKER.search(body or "") is None and (
            _has_label([item.name for item in issue.labels], label) or self._our_comments(issue, fingerprint)
        ):
            return issue
        return None

    @staticmethod
    def _our_comments(issue: Issue, fingerprint: str) -> list[IssueComment]:
        # the listing says how many comments an issue has: none means no request for them
        return [
            c
            for c in (issue.get_comments() if issue.comments else [])
            if is_our_comment(c.body) and has_fingerprint(c.body, fingerprint)
        ]

    def _open(
        self, composer: Composer, cluster: Cluster, issue: Issue, body_state: Summary | None
    ) -> IssueAction:
        ours = self._our_comments(issue, cluster.fingerprint)
        states = [read_state(c.body) for c in ours]
        # None after a note without facts (a problem gone quiet): a new comment follows it, none edits it
        last_state = states[-1] if states else None
        previous = next((s for s in reversed(states) if s is not None), None) or body_state
        if previous is not None and cluster.last_seen < previous.last_seen:
            return self._action(cluster, "skipped", issue, issue.title, earlier_window(cluster, previous))
        # the issue keeps the category it was filed (or reopened) with, unless the problem came back after going
        # quiet: then it is a regression
        kept = "regression" if cluster.trend == "regressed" else previous.category if previous else None
        current = summary(cluster, composer.config, composer.report, issue_category=kept)
        # a title log gardener wrote follows the priority and a regression; one a person wrote is theirs
        retitle = (
            previous is not None
            and issue.title in {s.title for s in (body_state, *states) if s is not None}
            and (current.priority, current.category) != (previous.priority, previous.category)
            and current.title != issue.title
        )
        if previous is not None and previous.material() == current.material() and not retitle:
            since = f"the update of {previous.window}" if last_state else "the issue was created"
            return self._action(
                cluster, "skipped", issue, issue.title, f"nothing material changed since {since}"
            )
        in_place = last_state is not None and last_state.window == current.window
        baseline = (states[-2] if len(states) > 1 else body_state) if in_place else previous
        text, _ = composer.comment(cluster, baseline, issue_category=kept)
        edits: dict[str, Any] = {}
        labels = self._priority_labels(issue, cluster.priority)
        if labels is not None:
            edits["labels"] = labels
        if retitle:
            edits["title"] = current.title
        if edits:
            issue.edit(**edits)  # PyGithub keeps what GitHub answers: `issue.title` is the new one
        if in_place:
            comment: IssueComment = ours[-1]
            comment.edit(text)
            detail = "status comment of this window edited"
        else:
            comment = issue.create_comment(text)
            detail = "status comment added"
        if retitle:
            detail += "; title updated to the priority and category"
        return self._action(cluster, "updated", issue, issue.title, detail, url=comment.html_url)

    def _closed(
        self,
        composer: Composer,
        cluster: Cluster,
        issue: Issue,
        body_state: Summary | None,
        listed: list[int],
        run: _Run,
    ) -> IssueAction:
        closed_at = issue.closed_at
        if closed_at is not None and cluster.last_seen <= closed_at:
            return self._action(
                cluster,
                "skipped",
                issue,
                issue.title,
                f"closed {utc(closed_at)}, after the last occurrence ({utc(cluster.last_seen)})",
            )
        if issue.state_reason == "duplicate":
            # a person closed it as a duplicate of another issue: the problem is tracked there, firing or not
            when = f" {utc(closed_at)}" if closed_at is not None else ""
            return self._action(
                cluster,
                "skipped",
                issue,
                issue.title,
                f"closed as a duplicate{when}: the problem is tracked in the issue it duplicates; not reopened",
            )
        reopen = composer.config.reopen_regressions
        text, current = composer.comment(
            cluster, body_state, regression=True, closed_at=closed_at, reopened=reopen
        )
        ours = self._our_comments(issue, cluster.fingerprint)
        noted = read_state(ours[-1].body) if ours else None
        # said already: by a run that commented on this same close, then failed to reopen. A person who closed
        # it again after an earlier regression gets a new comment, with the same facts or not
        answered = _after_close(ours[-1].body) if ours else None
        said = (
            noted is not None
            and noted.material() == current.material()
            and (
                answered == _close_stamp(closed_at)
                or (answered is None and "**Regression" in ours[-1].body)  # written before the hidden line
            )
        )
        text = f"{text.rstrip()}\n{closed_marker(closed_at)}\n"
        if not reopen:
            if said:
                return self._action(
                    cluster, "skipped", issue, issue.title, "regression already noted; left closed"
                )
            issue.create_comment(text)
            return self._action(
                cluster,
                "updated",
                issue,
                issue.title,
                "regression noted; left closed (reopen_regressions off)",
            )
        changes: dict[str, Any] = {"state": "open"}
        if issue.title in {
            s.title for s in (body_state, *(read_state(c.body) for c in ours)) if s is not None
        }:
            changes["title"] = current.title  # a title log gardener wrote; one a person wrote is theirs
        labels = self._priority_labels(issue, cluster.priority)
        if labels is not None:
            changes["labels"] = labels
        if not said:  # said first: reopened without it, the next run would find nothing to say
            issue.create_comment(text)
        issue.edit(**changes)
        run.touched.append(_Touched(issue, cluster, listed, regression=True))
        title = changes.get("title", issue.title)
        return self._action(
            cluster, "reopened", issue, title, f"regression: fired again after it was closed {utc(closed_at)}"
        )

    def _note_resolved(
        self,
        repo: Repository,
        composer: Composer,
        candidates: Mapping[str, Issue],
        known: Mapping[str, int],
        run: _Run,
        actions: list[IssueAction],
    ) -> None:
        """Say on each open issue of a problem this run lists as resolved (quiet for the configured runs) that it
        went quiet, once: a closed issue, or one whose last comment of ours says it already, gets nothing."""
        label = composer.config.generated_by_label
        for resolved in composer.report.resolved:
            fingerprint = resolved.fingerprint
            try:
                issue = candidates.get(fingerprint)
                number = known.get(fingerprint) or resolved.issue_number
                if issue is None and number is not None:
                    issue = self._known(repo, fingerprint, number, run, label)
                if issue is None or issue.state != "open" or not self._ours(issue.url, issue.number):
                    continue
                note = resolved_note(resolved, composer.report)
                ours = self._our_comments(issue, fingerprint)
                if ours and note.splitlines()[-1] in ours[-1].body:
                    continue
                comment = issue.create_comment(note)
            except _API_ERRORS as exc:
                actions.append(
                    IssueAction(
                        fingerprint=fingerprint,
                        action="failed",
                        title=resolved.title,
                        detail=f"quiet for {resolved.quiet_runs} runs, not said on its issue: {describe(exc)}",
                    )
                )
                continue
            actions.append(
                IssueAction(
                    fingerprint=fingerprint,
                    action="updated",
                    title=issue.title,
                    number=issue.number,
                    url=comment.html_url,
                    detail=f"resolved: quiet for {resolved.quiet_runs} runs, last seen {utc(resolved.last_seen)}; "
                    "said on the issue, left open",
                )
            )

    def _refresh_related(self, composer: Composer, run: _Run, actions: list[IssueAction]) -> None:
        """Rewrite bodies whose related-issues list lacks issues known now (e.g. created later this run)."""
        for touched in run.touched:
            wanted = sorted(run.numbers[fp] for fp in touched.cluster.related if fp in run.numbers)
            if not wanted or wanted == sorted(touched.listed):
                continue
            content = composer.issue(touched.cluster, run.numbers, regression=touched.regression)
            try:
                touched.issue.edit(body=content.body)
            except _API_ERRORS as exc:
                for index, action in enumerate(actions):
                    if action.fingerprint == touched.cluster.fingerprint:
                        note = f"; related issues not linked: {describe(exc)}"
                        actions[index] = action.model_copy(update={"detail": action.detail + note})

    # -- helpers ---------------------------------------------------------------------------------------
    @staticmethod
    def _priority_labels(issue: Issue, priority: str) -> list[str] | None:
        names = [label.name for label in issue.labels]
        others = [name for name in names if name.casefold() not in _PRIORITY_NAMES]
        if {name.casefold() for name in names} - {name.casefold() for name in others} == {
            priority.casefold()
        }:
            return None
        return [priority, *others]

    @staticmethod
    def _action(
        cluster: Cluster, action: str, issue: Issue, title: str, detail: str, url: str | None = None
    ) -> IssueAction:
        return IssueAction.model_validate(
            {
                "fingerprint": cluster.fingerprint,
                "action": action,
                "title": title,
                "number": issue.number,
                "url": url or issue.html_url,
                "detail": detail,
            }
        )

    @staticmethod
    def _moved(cluster: Cluster, issue: Issue, number: int) -> IssueAction:
        """Skipped: issue `number` was transferred to another repository; it keeps the problem (no new issue
        here, and no number of that repository's is recorded as one of this one's)."""
        return IssueAction.model_validate(
            {
                "fingerprint": cluster.fingerprint,
                "action": "skipped",
                "title": issue.title,
                "url": issue.html_url,
                "detail": f"#{number} was transferred to {issue.html_url}: not updated there, not filed again here",
            }
        )

    @staticmethod
    def _failed(cluster: Cluster, line: str, sent_at: datetime | None = None) -> IssueAction:
        return IssueAction(
            fingerprint=cluster.fingerprint,
            action="failed",
            title=cluster.title,
            detail=line,
            sent_at=sent_at,
        )
