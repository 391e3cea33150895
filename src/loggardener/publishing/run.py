"""`--issues none|draft|publish`: pick the publisher, run it, record what it did in the report."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from loggardener.errors import ExitCode, GardenerError, remember_secret, scrub, shown_url
from loggardener.publishing.interface import DEFAULT_API_URL, IssuePublisher, check_repo

if TYPE_CHECKING:
    from loggardener.config import IssuesConfig
    from loggardener.report import ScanReport

IssuesMode = Literal["none", "draft", "publish"]


def drafts_directory(worklog: Path) -> Path:
    """Where drafts go: next to the worklog, named after it."""
    return worklog.with_name(worklog.stem + ".issues")


def choose_publisher(
    mode: IssuesMode,
    config: IssuesConfig,
    repo: str | None,
    worklog: Path,
    environ: Mapping[str, str] = os.environ,
) -> IssuePublisher | None:
    """The publisher for `mode`; `publish` reads GH_TOKEN or GITHUB_TOKEN (as gh does, GH_TOKEN first),
    GITHUB_API_URL and GITHUB_REPOSITORY."""
    if mode == "none":
        return None
    from_actions = environ.get(
        "GITHUB_REPOSITORY", ""
    ).strip()  # a value written to a file keeps its line break
    if not repo and from_actions:
        repo = check_repo(from_actions, "GITHUB_REPOSITORY")
    if mode == "draft":
        from loggardener.publishing.drafts import DraftWriter  # issue content loads only for issues

        return DraftWriter(drafts_directory(worklog), repo)
    if not repo:
        raise GardenerError(
            "--issues publish needs --repo owner/name (or GITHUB_REPOSITORY)", ExitCode.BAD_INPUT
        )
    from loggardener.publishing.github import GitHubPublisher  # PyGithub only when publishing

    api_url = environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL
    if not _is_http_url(api_url):
        raise GardenerError(
            f"GITHUB_API_URL {shown_url(api_url)!r} is not a URL: give https://api.github.com, your GitHub Enterprise "
            "server's https://HOST/api/v3, or unset it",
            ExitCode.BAD_INPUT,
        )
    return GitHubPublisher(
        repo,
        _token(environ),
        api_url,
        seconds_between_requests=None,
        seconds_between_writes=config.seconds_between_writes or None,
        max_rate_limit_wait=config.max_rate_limit_wait,
        token_from=_token_from(environ),
    )


def _is_http_url(url: str) -> bool:
    """An http(s) URL with a host and, if any, a port that is a number (`http://[::1`, `https://h:x` are not)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and url.startswith(parts.scheme + "://")


def _token(environ: Mapping[str, str]) -> str:
    """GH_TOKEN, else GITHUB_TOKEN (gh's order), without the spaces or line break around it that a secret
    pasted or read from a file carries; anything else no token holds is one line (exit code 4): HTTP would
    refuse it as a header, and its error quotes the header, token and all."""
    for name in ("GH_TOKEN", "GITHUB_TOKEN"):
        token = environ.get(name, "").strip()
        if not token:
            continue
        if not (token.isascii() and token.isprintable()) or " " in token:
            raise GardenerError(
                f"{name} holds a character no GitHub token has (a space, a line break or a control "
                "character inside it): set it to the token alone",
                ExitCode.CREDENTIALS,
            )
        remember_secret(token)  # a server may echo the header it was sent: the token is never said back
        return token
    return ""


def _token_from(environ: Mapping[str, str]) -> str:
    """Which variable the token came from, when both are set (a job that sets GH_TOKEN from an old secret
    while GitHub Actions' GITHUB_TOKEN would do): GH_TOKEN's wins, as in gh; else empty, nothing in doubt."""
    if environ.get("GH_TOKEN", "").strip() and environ.get("GITHUB_TOKEN", "").strip():
        return "the token is GH_TOKEN's, which comes before GITHUB_TOKEN's, set too"
    return ""


def process_issues(
    report: ScanReport,
    config: IssuesConfig,
    publisher: IssuePublisher | None,
    known: Mapping[str, int] | None = None,
    unconfirmed: Mapping[str, datetime] | None = None,
    stateless: bool = False,
) -> ScanReport:
    """The report with `issue_actions` filled for the clusters at or above the threshold; `known` holds the
    issue numbers the state recorded, by fingerprint, and `unconfirmed` when it recorded a create whose
    answer was lost; `stateless` when the run keeps no state. What each action says of a failure (GitHub's
    answer, the repository's name) is scrubbed (`scrub`): the worklog, the step summary and the report show
    it."""
    if publisher is None:
        return report
    from loggardener.publishing.content import Composer

    composer = Composer(report, config)
    actions = publisher.publish(
        composer, composer.selected(), known, unconfirmed, below=composer.below(), stateless=stateless
    )
    said = [action.model_copy(update={"detail": scrub(action.detail)}) for action in actions]
    return report.model_copy(update={"issue_actions": said})
