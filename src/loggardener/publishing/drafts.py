"""Issue drafts on disk, and a `gh` script that publishes them without duplicates (no token needed here).

Layout, in the drafts directory (next to the worklog):
  NN-<fingerprint>.md         the draft for a person: title, labels, body
  gh/body-<fingerprint>.md    the exact body `gh issue create` posts
  gh/comment-<fingerprint>.md the status comment for an issue that already exists
  gh/regression-<fingerprint>.md  the comment for a closed issue that fires again
  gh-issues.sh                looks each fingerprint up, then creates, comments or reopens
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path

from loggardener.clustering.models import Cluster
from loggardener.errors import ExitCode, GardenerError
from loggardener.publishing.content import Composer, utc
from loggardener.publishing.github import check_repo
from loggardener.publishing.interface import IssuePublisher
from loggardener.publishing.markers import fingerprint_marker
from loggardener.report import IssueAction

SCRIPT_NAME = "gh-issues.sh"

_HEADER = """#!/usr/bin/env bash
# Publish log gardener's issue drafts with the GitHub CLI (gh), without duplicates.
# Usage: REPO=owner/name ./{script}    (needs `gh auth login`, or GH_TOKEN, and jq-capable gh >= 2.0)
# For each problem, the issue carrying its hidden fingerprint marker is looked up (open or closed):
#   none    -> gh issue create
#   open    -> gh issue comment (status)
#   closed  -> gh issue reopen + comment, if the problem fired after the issue was closed
set -euo pipefail
cd "$(dirname "$0")"
REPO="${{REPO:-{repo}}}"
if [ -z "$REPO" ]; then echo "set REPO=owner/name" >&2; exit 2; fi
LABEL={label}
REOPEN={reopen}

existing() {{  # prints "NUMBER STATE CLOSED_AT" of the issue carrying fingerprint $1, if any
  gh issue list --repo "$REPO" --label "$LABEL" --state all --limit 1000 \\
    --json number,state,closedAt,body \\
    --jq ".[] | select(.body | contains(\\"<!-- log-gardener:fingerprint=$1 -->\\"))
           | \\"\\(.number) \\(.state) \\(.closedAt // \\"-\\")\\"" \\
    | head -n 1
}}

publish() {{  # fingerprint, title, comma-separated labels, last seen (UTC, RFC 3339)
  local fp="$1" title="$2" labels="$3" last_seen="$4" number state closed_at
  read -r number state closed_at <<<"$(existing "$fp")" || true
  if [ -z "${{number:-}}" ]; then
    IFS=, read -ra names <<<"$labels"
    for name in "${{names[@]}}"; do gh label create "$name" --repo "$REPO" >/dev/null 2>&1 || true; done
    gh issue create --repo "$REPO" --title "$title" --body-file "gh/body-$fp.md" --label "$labels"
  elif [ "$state" = "OPEN" ]; then
    gh issue comment "$number" --repo "$REPO" --body-file "gh/comment-$fp.md"
  elif [[ "$closed_at" < "$last_seen" ]]; then
    if [ "$REOPEN" = "yes" ]; then gh issue reopen "$number" --repo "$REPO"; fi
    gh issue comment "$number" --repo "$REPO" --body-file "gh/regression-$fp.md"
  else
    echo "skipped #$number: closed $closed_at, after the last occurrence ($last_seen)"
  fi
}}

"""


class DraftWriter(IssuePublisher):
    """Writes one draft per cluster, and the `gh` script, into `directory`."""

    def __init__(self, directory: Path, repo: str | None = None) -> None:
        self.directory = directory
        self.repo = check_repo(repo) if repo else ""

    def publish(self, composer: Composer, clusters: Sequence[Cluster]) -> list[IssueAction]:
        gh_dir = self.directory / "gh"
        try:
            gh_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GardenerError(
                f"cannot create the drafts directory {self.directory}: {exc}", ExitCode.BAD_INPUT
            ) from None
        config = composer.config
        lines = [
            _HEADER.format(
                script=SCRIPT_NAME,
                repo=self.repo,
                label=shlex.quote(config.generated_by_label),
                reopen="yes" if config.reopen_regressions else "no",
            )
        ]
        actions = []
        for index, cluster in enumerate(clusters, start=1):
            fingerprint_marker(cluster.fingerprint)  # refuses a fingerprint unsafe in a file name
            content = composer.issue(cluster, {})
            comment, _ = composer.comment(cluster, None)
            regression, _ = composer.comment(
                cluster, None, regression=True, reopened=config.reopen_regressions
            )
            draft = self.directory / f"{index:02d}-{cluster.fingerprint}.md"
            files = {
                draft: f"# {content.title}\n\nLabels: {', '.join(content.labels)}\n\n---\n\n{content.body}",
                gh_dir / f"body-{cluster.fingerprint}.md": content.body,
                gh_dir / f"comment-{cluster.fingerprint}.md": comment,
                gh_dir / f"regression-{cluster.fingerprint}.md": regression,
            }
            for path, text in files.items():
                path.write_text(text, encoding="utf-8")
            lines.append(
                "publish "
                + " ".join(
                    shlex.quote(value)
                    for value in (
                        cluster.fingerprint,
                        content.title,
                        ",".join(content.labels),
                        utc(cluster.last_seen),
                    )
                )
                + "\n"
            )
            actions.append(
                IssueAction(
                    fingerprint=cluster.fingerprint,
                    action="drafted",
                    title=content.title,
                    detail=str(draft),
                )
            )
        script = self.directory / SCRIPT_NAME
        script.write_text("".join(lines), encoding="utf-8")
        os.chmod(script, 0o755)
        return actions
