"""The interface every issue publisher implements (GitHub, or drafts on disk)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from loggardener.errors import ExitCode, GardenerError, scrub
from loggardener.regexes import compile_regex

if TYPE_CHECKING:
    from loggardener.clustering.models import Cluster
    from loggardener.publishing.content import Composer
    from loggardener.report import IssueAction

DEFAULT_API_URL = "https://api.github.com"
NOT_ATTEMPTED = "not attempted: "
"""How the detail of an action that was never tried begins (the publish phase ran out of time)."""
NO_PERMISSION = "the token may not write issues in "
"""How the detail of a write GitHub refused the token (403) begins: the run exits with code 4, not 6."""
TOKEN_REJECTED = "GitHub rejected the token (401 Bad credentials): check GH_TOKEN or GITHUB_TOKEN"
"""How the detail of a write GitHub answered with 401 begins: the run exits with code 4, not 6."""
_REPO = compile_regex(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def check_repo(name: str, given_as: str = "--repo") -> str:
    """`owner/name`, or a GardenerError saying what is wrong, naming where the value came from (`given_as`:
    the option, or the environment variable GitHub Actions sets)."""
    if _REPO.fullmatch(name or "") and scrub(name) != name:  # a token where the name goes: never written
        raise GardenerError(
            f"{given_as} holds a credential (a token or a password), not owner/name: give the repository alone, "
            "and the token in GH_TOKEN",
            ExitCode.BAD_INPUT,
        )
    if not _REPO.fullmatch(name or ""):
        shown, url = _owner_name_in(name or "")
        fix = "" if given_as == "--repo" else ": fix it, or give --repo owner/name, which takes precedence"
        raise GardenerError(
            f"{given_as} must look like owner/name, got {name!r}"
            + (
                f": give {shown}" + (", without the URL" if url else ", the repository alone")
                if shown
                else fix
            ),
            ExitCode.BAD_INPUT,
        )
    return name


def _owner_name_in(value: str) -> tuple[str, bool]:
    """The owner/name a repository's address or page names (`https://github.com/o/r.git`, `github.com/o/r`,
    `git@github.com:o/r.git`, a page's path such as `o/r/issues/12` or `o/r/tree/main`), and whether `value`
    was an address (with its host); ("", False) when it names none."""
    text = value.strip()
    scheme = "://" in text
    text = text.split("://", 1)[-1]
    if not scheme and "@" in text.split("/", 1)[0] and ":" in text:  # scp-like: git@github.com:o/r.git
        text, scheme = text.split("@", 1)[1].replace(":", "/", 1), True
    segments = [segment for segment in text.split("/") if segment]
    host = bool(segments) and (scheme or "." in segments[0] or ":" in segments[0])
    owner_name = "/".join(segments[1:3] if host else segments[:2]).removesuffix(".git")
    return (owner_name, host) if _REPO.fullmatch(owner_name) and len(segments) >= 2 + host else ("", False)


class IssuePublisher(ABC):
    """Turns the clusters worth an issue into issues, or into drafts of them."""

    on_wait: Callable[[str], None] | None = None
    """Set by the command line to say on stderr what a long wait (a rate limit) is for, before it starts."""

    @abstractmethod
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
        """One action per cluster, in order. API failures become `failed` actions, never exceptions. `known`
        maps fingerprints to the issue numbers earlier runs recorded in the state; `unconfirmed` to when an
        earlier run sent a create whose answer was lost (`IssueAction.sent_at`). `below`: the problems under
        the threshold; one whose issue is open is still updated (its priority fell), no other is filed.
        `stateless`: the run keeps no state, so nothing recorded says which issues earlier runs filed."""
