"""Issue drafts on disk, and a `gh` script that publishes them without duplicates (no token needed here).

Layout, in the drafts directory (next to the worklog):
  NN-<fingerprint>.md         the draft for a person: title, labels, body
  gh/body-<fingerprint>.md    the exact body `gh issue create` posts
  gh/comment-<fingerprint>.md the status comment for an issue that already exists (also of a problem below
                              the threshold: no draft, its open issue is kept up to date)
  gh/regression-<fingerprint>.md  the comment for a closed issue that fires again
  gh/quiet-<fingerprint>.md   the comment for the open issue of a problem this run lists as resolved
  gh-issues.sh                lists the issues once, looks each fingerprint up, then creates, comments
                              (unless the issue already carries the same facts) or reopens

The worklog names the drafts relative to its own directory (the drafts directory sits next to it).
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from loggardener.clustering.models import Cluster
from loggardener.errors import ExitCode, GardenerError
from loggardener.files import atomic_write, write_error
from loggardener.publishing.content import Composer, resolved_note, utc
from loggardener.publishing.interface import IssuePublisher, check_repo
from loggardener.publishing.markers import facts_marker, fingerprint_marker
from loggardener.report import IssueAction

SCRIPT_NAME = "gh-issues.sh"

_HEADER = """#!/usr/bin/env bash
# Publish log gardener's issue drafts with the GitHub CLI (gh), without duplicates.
# Usage: REPO=owner/name ./{script}    (needs `gh auth login`, or GH_TOKEN, and jq-capable gh >= 2.0)
# The issues labelled $LABEL (open and closed) are listed once, again with ten times $LIMIT while a listing
# fills it; a failed listing stops the script before anything is created. Before creating, a problem the
# listing lacks is searched for by its fingerprint (an issue whose label a person removed), its marker deciding. For each problem, the issue carrying its hidden fingerprint marker:
#   none    -> gh issue create
#   open    -> gh issue comment (status), unless its last facts marker already says the same, or the last
#              occurrence it reports is later than this run's (an earlier window's entries: not news); its priority
#              label swapped when the priority changed (and its title, while it is the one gardener wrote)
#   closed  -> comment (unless said already) + gh issue reopen, if the problem fired after it was closed,
#              unless a person closed it as a duplicate (the problem is tracked in the issue it duplicates)
# A problem below the threshold (`follow`) is only kept up to date on its open issue: nothing is filed or
# reopened for it. A problem this run lists as resolved (`quiet`) is said once on its open issue, left open.
set -euo pipefail
cd "$(dirname "$0")"
REPO="${{REPO:-{repo}}}"
if [ -z "$REPO" ]; then echo "set REPO=owner/name" >&2; exit 2; fi
LABEL={label}
REOPEN={reopen}
LIMIT="${{LIMIT:-1000}}"

ISSUES="$(mktemp)"
trap 'rm -f "$ISSUES"' EXIT
# one line per issue: FINGERPRINT (or -) NUMBER STATE CLOSED_AT (or -) PRIORITY_LABELS (or -) TITLE, tab-separated
while :; do  # all of them: an issue past the limit would be filed again
  gh issue list --repo "$REPO" --label "$LABEL" --state all --limit "$LIMIT" \\
    --json number,state,closedAt,labels,title,body \\
    --jq '.[] | [((.body // "") | capture("<!-- log-gardener:fingerprint=(?<fp>[A-Za-z0-9_.:-]+) -->") // {{fp: "-"}}
                 | .fp), .number, .state, (.closedAt // "-"),
                 ([.labels[].name | select(test("^[Pp][0-3]$"))] | join(",") | if . == "" then "-" else . end),
                 .title] | @tsv' >"$ISSUES" \\
    || {{ echo "cannot list the issues of $REPO: nothing created" >&2; exit 1; }}
  if [ "$(wc -l <"$ISSUES")" -lt "$LIMIT" ]; then break; fi
  echo "$LIMIT issues labelled $LABEL listed, the limit: listing again with LIMIT=$((LIMIT * 10))" >&2
  LIMIT=$((LIMIT * 10))
done

lookup() {{  # prints "NUMBER<TAB>STATE<TAB>CLOSED_AT<TAB>PRIORITY_LABELS<TAB>TITLE" of the issue carrying
  # fingerprint $1 (an open one first)
  awk -F '\\t' -v fp="$1" '$1 == fp && $3 == "OPEN" {{ print $2 "\\t" $3 "\\t" $4 "\\t" $5 "\\t" $6; found = 1; exit }}
    $1 == fp && first == "" {{ first = $2 "\\t" $3 "\\t" $4 "\\t" $5 "\\t" $6 }}
    END {{ if (!found && first != "") print first }}' "$ISSUES"
}}

unlabelled() {{  # the issue carrying fingerprint $1 that the listing missed (a person removed its label), as lookup
  # prints it: found by GitHub search on the fingerprint its body shows, decided by its hidden marker; nothing
  # when search finds none or fails (search lags and is rate limited: it never decides, the marker does)
  gh issue list --repo "$REPO" --state all --search "$1 in:body" --limit 20 \\
    --json number,state,closedAt,labels,title,body \\
    --jq '.[] | select((.body // "") | contains("<!-- log-gardener:fingerprint='"$1"' -->"))
          | [.number, .state, (.closedAt // "-"),
             ([.labels[].name | select(test("^[Pp][0-3]$"))] | join(",") | if . == "" then "-" else . end),
             .title] | @tsv' 2>/dev/null | sort -t $'\\t' -k2,2r | head -n 1 || true
}}

closed_as() {{  # GitHub's state_reason of issue $1 (completed, not_planned, duplicate), through the REST API:
  # `gh issue list --json` has no such field in many gh versions
  gh api "repos/$REPO/issues/$1" --jq '.state_reason // ""' \\
    || {{ echo "cannot read issue #$1 of $REPO: stopped" >&2; exit 1; }}
}}

keep_current() {{  # issue $1 carries priority labels $2 (comma-separated, or -) and title $3: make $4 its only
  # priority label, and $4 the priority in its title while the title is one gardener wrote (its name after the
  # priority is that of the draft's title $5; a title a person wrote is theirs)
  local number="$1" have="$2" title="$3" want="$4" wanted_title="$5" args=() name
  IFS=, read -ra names <<<"$have"
  for name in "${{names[@]}}"; do
    if [ "$name" != "-" ] && [ "${{name^^}}" != "$want" ]; then args+=(--remove-label "$name"); fi
  done
  if [ "${{have^^}}" != "$want" ]; then
    gh label create "$want" --repo "$REPO" >/dev/null 2>&1 || true
    args+=(--add-label "$want")
  fi
  local kept="${{title/| [Pp][0-3] |/| $want |}}"  # the category it was filed or reopened with stays
  if [ "$kept" != "$title" ] && [ "${{title#*| [Pp][0-3] | }}" = "${{wanted_title#*| [Pp][0-3] | }}" ]; then
    args+=(--title "$kept")
  fi
  if [ "${{#args[@]}}" -gt 0 ]; then gh issue edit "$number" --repo "$REPO" "${{args[@]}}" >/dev/null; fi
}}

reported_after() {{  # whether the last occurrence issue $1 reports (its last state marker, body or comments) is
  # after $2 (RFC 3339): this run's entries are an earlier window's (a backfill, a re-run of an old hour), whose
  # counts are history the issue holds, not news
  local after
  after="$(gh issue view "$1" --repo "$REPO" --json body,comments --jq '
    def epoch: sub("\\\\.[0-9]+"; "") | sub("[+]00:00$"; "Z") | fromdateiso8601;
    [(.body, .comments[].body) | [scan("<!-- log-gardener:state=(\\\\{{.*?\\\\}}) -->")] | last | select(. != null)
     | .[0] | (fromjson? // {{}}) | .last_seen | select(type == "string")] | last // ""
    | if . != "" and epoch > ("'"$2"'" | epoch) then "yes" else "no" end')" \\
    || {{ echo "cannot read issue #$1 of $REPO: stopped" >&2; exit 1; }}
  [ "$after" = "yes" ]
}}

already_said() {{  # whether the last facts marker on issue $1 (body or comments) is $2
  local last
  last="$(gh issue view "$1" --repo "$REPO" --json body,comments \\
    --jq '[.body, .comments[].body] | map(select(contains("<!-- log-gardener:facts="))) | last // ""')" \\
    || {{ echo "cannot read issue #$1 of $REPO: stopped" >&2; exit 1; }}
  [[ "$last" == *"$2"* ]]
}}

said_since() {{  # whether a comment on issue $1 made after $3 (the close, RFC 3339) carries facts marker $2: said
  # by a run that then failed to reopen it. A person who closed it again after a regression gets a new comment
  local last
  last="$(gh issue view "$1" --repo "$REPO" --json comments \\
    --jq "[.comments[] | select((.createdAt // \\"\\") > \\"$3\\") | .body]
          | map(select(contains(\\"<!-- log-gardener:facts=\\"))) | last // \\"\\"")" \\
    || {{ echo "cannot read issue #$1 of $REPO: stopped" >&2; exit 1; }}
  [[ "$last" == *"$2"* ]]
}}

publish() {{  # fingerprint, title, comma-separated labels, last seen (UTC, RFC 3339), facts marker, priority
  local fp="$1" title="$2" labels="$3" last_seen="$4" facts="$5" priority="$6" found number state closed_at
  local have issue_title
  found="$(lookup "$fp")"
  if [ -z "$found" ]; then found="$(unlabelled "$fp")"; fi
  IFS=$'\\t' read -r number state closed_at have issue_title <<<"$found"
  if [ -z "${{number:-}}" ]; then
    IFS=, read -ra names <<<"$labels"
    for name in "${{names[@]}}"; do gh label create "$name" --repo "$REPO" >/dev/null 2>&1 || true; done
    gh issue create --repo "$REPO" --title "$title" --body-file "gh/body-$fp.md" --label "$labels"
  elif [ "$state" = "CLOSED" ] && [[ ! "$closed_at" < "$last_seen" ]]; then
    echo "skipped #$number: closed $closed_at, after the last occurrence ($last_seen)"
  elif [ "$state" = "CLOSED" ]; then
    local reason
    reason="$(closed_as "$number")" || exit 1
    if [ "$reason" = "duplicate" ]; then
      echo "skipped #$number: closed as a duplicate: the problem is tracked in the issue it duplicates; not reopened"
      return 0
    fi
    if said_since "$number" "$facts" "$closed_at"; then  # said first: reopened without it, a rerun would find nothing to say
      echo "#$number: regression already noted"
    else
      gh issue comment "$number" --repo "$REPO" --body-file "gh/regression-$fp.md"
    fi
    if [ "$REOPEN" = "yes" ]; then
      keep_current "$number" "$have" "$issue_title" "$priority" "$title"
      gh issue reopen "$number" --repo "$REPO"
    fi
  elif reported_after "$number" "$last_seen"; then
    echo "skipped #$number: its entries here end $last_seen, before the last occurrence it reports: an earlier window's, nothing new"
  elif already_said "$number" "$facts"; then
    keep_current "$number" "$have" "$issue_title" "$priority" "$title"
    echo "skipped #$number: nothing changed since log gardener last wrote on it"
  else
    keep_current "$number" "$have" "$issue_title" "$priority" "$title"
    gh issue comment "$number" --repo "$REPO" --body-file "gh/comment-$fp.md"
  fi
}}

follow() {{  # as publish, for a problem below the threshold: only its open issue is updated
  local found number state
  found="$(lookup "$1")"
  IFS=$'\\t' read -r number state _ <<<"$found"
  if [ -n "${{number:-}}" ] && [ "$state" = "OPEN" ]; then publish "$@"; fi
}}

quiet() {{  # fingerprint $1 went quiet (this run lists it as resolved), its note's hidden line $2: said once on
  # its open issue, which stays open (a person closes it once the fix is confirmed)
  local found number state last
  found="$(lookup "$1")"
  IFS=$'\\t' read -r number state _ <<<"$found"
  if [ -z "${{number:-}}" ] || [ "$state" != "OPEN" ]; then return 0; fi
  last="$(gh issue view "$number" --repo "$REPO" --json comments \\
    --jq '[.comments[].body] | map(select(contains("<!-- log-gardener:resolved="))) | last // ""')" \\
    || {{ echo "cannot read issue #$number of $REPO: stopped" >&2; exit 1; }}
  if [[ "$last" == *"$2"* ]]; then echo "skipped #$number: its going quiet was said already"; return 0; fi
  gh issue comment "$number" --repo "$REPO" --body-file "gh/quiet-$1.md"
}}

"""


class DraftWriter(IssuePublisher):
    """Writes one draft per cluster, and the `gh` script, into `directory`."""

    def __init__(self, directory: Path, repo: str | None = None) -> None:
        self.directory = directory
        self.repo = check_repo(repo) if repo else ""

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
        """Write the drafts into a new directory that replaces the drafts directory once complete: a run
        that fails part way (a full disk, Ctrl-C) leaves the previous drafts, never half of the new ones
        beside them, and drafts of problems an earlier run had do not linger. Problems `below` the threshold
        get no draft (without a listing of the issues, which of them have one is not known): the script
        updates their open issues, as publishing does, and files or reopens nothing for them."""
        try:
            self.directory.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.directory.parent, prefix=f".{self.directory.name}."))
        except OSError as exc:
            raise GardenerError(
                f"cannot create the drafts directory {self.directory}: {exc.strerror or exc}",
                ExitCode.BAD_INPUT,
            ) from None
        try:
            staging.chmod(0o755)  # as a directory made with mkdir, not mkdtemp's 0700
            actions = self._write(composer, clusters, below, staging)
            _replace_directory(staging, self.directory)
        except GardenerError as exc:  # named as the drafts directory, not as the directory being filled
            shutil.rmtree(staging, ignore_errors=True)
            raise GardenerError(
                exc.message.replace(str(staging), str(self.directory)), exc.exit_code
            ) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return actions

    def _write(
        self, composer: Composer, clusters: Sequence[Cluster], below: Sequence[Cluster], staging: Path
    ) -> list[IssueAction]:
        gh_dir = staging / "gh"
        gh_dir.mkdir()
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
            content = composer.issue(cluster, {}, draft=True)
            comment, _ = composer.comment(cluster, None, draft=True)
            regression, _ = composer.comment(
                cluster, None, regression=True, reopened=config.reopen_regressions, draft=True
            )
            name = f"{index:02d}-{cluster.fingerprint}.md"
            draft = staging / name
            files = {
                draft: f"# {content.title}\n\nLabels: {', '.join(content.labels)}\n\n---\n\n{content.body}",
                gh_dir / f"body-{cluster.fingerprint}.md": content.body,
                gh_dir / f"comment-{cluster.fingerprint}.md": comment,
                gh_dir / f"regression-{cluster.fingerprint}.md": regression,
            }
            for path, text in files.items():
                atomic_write(path, text, "draft")
            lines.append(
                _call("publish", cluster, content.title, content.labels, facts_marker(content.summary))
            )
            actions.append(
                IssueAction(
                    fingerprint=cluster.fingerprint,
                    action="drafted",
                    title=content.title,
                    detail=str((self.directory / name).relative_to(self.directory.parent)),
                )
            )
        for cluster in below:  # no draft: the script updates an open issue of theirs, files nothing
            fingerprint_marker(cluster.fingerprint)
            comment, current = composer.comment(cluster, None, draft=True)
            atomic_write(gh_dir / f"comment-{cluster.fingerprint}.md", comment, "draft")
            lines.append(_call("follow", cluster, current.title, [], facts_marker(current)))
        for resolved in composer.report.resolved:  # gone quiet: said once on an open issue of theirs
            fingerprint_marker(resolved.fingerprint)
            note = resolved_note(resolved, composer.report)
            atomic_write(gh_dir / f"quiet-{resolved.fingerprint}.md", note, "draft")
            lines.append(f"quiet {shlex.quote(resolved.fingerprint)} {shlex.quote(note.splitlines()[-1])}\n")
        atomic_write(staging / SCRIPT_NAME, "".join(lines), "script", mode=0o755)
        return actions


def _call(function: str, cluster: Cluster, title: str, labels: Sequence[str], facts: str) -> str:
    """One line of the script: `function` (publish or follow) with the problem's arguments, quoted."""
    values = (cluster.fingerprint, title, ",".join(labels), utc(cluster.last_seen), facts, cluster.priority)
    return function + " " + " ".join(shlex.quote(value) for value in values) + "\n"


def check_drafts_directory(directory: Path) -> None:
    """Refuse, before anything is written, a drafts directory whose name a file or a link already holds."""
    try:
        mode = directory.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise write_error("the drafts into", directory, exc) from None
    if not stat.S_ISDIR(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "a file"
        raise GardenerError(
            f"cannot write the drafts into {directory}: it is {kind}, not a directory; move it aside or remove "
            "it, or give another --out",
            ExitCode.BAD_INPUT,
        )


def _replace_directory(new: Path, target: Path) -> None:
    """Put the directory `new` at `target`; what was there is moved aside first (back, if the move fails)
    and removed after."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise GardenerError(
            f"cannot write the drafts into {target}: it is not a directory; move it aside or remove it",
            ExitCode.BAD_INPUT,
        )
    aside: Path | None = None
    try:
        if target.exists():
            aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old.")) / target.name
            os.replace(target, aside)
        try:
            os.replace(new, target)
        except OSError:
            if aside is not None:
                os.replace(aside, target)
            raise
    except OSError as exc:
        raise GardenerError(
            f"cannot write the drafts into {target}: {exc.strerror or exc}", ExitCode.BAD_INPUT
        ) from None
    finally:
        if aside is not None:
            shutil.rmtree(aside.parent, ignore_errors=True)
