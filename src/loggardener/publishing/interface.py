"""The interface every issue publisher implements (GitHub, or drafts on disk)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from loggardener.errors import ExitCode, GardenerError
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
    if not _REPO.fullmatch(name or ""):
        path = (name or "").rstrip("/").removesuffix(".git").split("://", 1)[-1].split("/", 1)
        shown = path[1] if len(path) == 2 and _REPO.fullmatch(path[1]) else ""  # a URL: its owner/name
        fix = "" if given_as == "--repo" else ": fix it, or give --repo owner/name, which takes precedence"
        raise GardenerError(
            f"{given_as} must look like owner/name, got {name!r}"
            + (f": give {shown}, without the URL" if shown else fix),
            ExitCode.BAD_INPUT,
        )
    return name


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
