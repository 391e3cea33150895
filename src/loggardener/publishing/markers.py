"""Hidden markers in issue bodies and comments: which problem an issue is about, and what it last said.

The fingerprint marker is what de-duplication matches on. The state marker holds a machine-readable
`Summary` of the facts last published, so a later run can say what changed, or skip when nothing did;
the facts marker is a hash of the material ones, a fixed string the `gh` script can look for.
All are HTML comments: invisible on GitHub, kept verbatim in the body the API returns.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict, ValidationError

from loggardener.regexes import compile_regex

_FINGERPRINT = compile_regex(r"[A-Za-z0-9_.:-]{1,128}")
_STATE = compile_regex(r"<!-- log-gardener:state=(\{.*?\}) -->")
COMMENT_MARKER = "<!-- log-gardener:comment -->"
MAX_LISTED = 25
"""Items kept per list in a summary (each cut to `MAX_ITEM_CHARS`), so markers stay small."""
MAX_ITEM_CHARS = 120


class Summary(BaseModel):
    """The material facts of one published problem, as of one run."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str
    priority: str
    category: str
    title: str
    count: int
    events: int
    first_seen: datetime
    last_seen: datetime
    services: list[str]
    revisions: list[str]
    files: list[str]
    error_groups: list[str]
    window: str
    """The comment window the summary was published in (see `IssuesConfig.comment_window_hours`)."""
    related_issues: list[int] = []
    """Issue numbers of the related clusters the body lists."""
    digest: str = ""
    """Hash of the full lists (the lists above keep only their first `MAX_LISTED` items)."""

    def material(self) -> tuple[object, ...]:
        """What must differ for a new comment to be worth writing (times alone are not material)."""
        return (
            self.priority,
            self.count,
            self.events,
            tuple(self.services),
            tuple(self.revisions),
            tuple(self.files),
            tuple(self.error_groups),
            self.digest,
        )


def fingerprint_marker(fingerprint: str) -> str:
    """The hidden line that ties an issue to a cluster fingerprint."""
    if not _FINGERPRINT.fullmatch(fingerprint):
        raise ValueError(f"unsafe fingerprint {fingerprint!r}")
    return f"<!-- log-gardener:fingerprint={fingerprint} -->"


def has_fingerprint(body: str | None, fingerprint: str) -> bool:
    """Whether an issue body carries the marker of `fingerprint` (exact, whole marker)."""
    return bool(body) and fingerprint_marker(fingerprint) in (body or "")


def facts_marker(summary: Summary) -> str:
    """The hidden line naming the material facts of `summary` by a hash: equal facts, equal line.

    The `gh` script compares it with the issue's last one to skip comments that would repeat it.
    """
    facts = json.dumps([summary.fingerprint, *summary.material()])
    return f"<!-- log-gardener:facts={hashlib.sha256(facts.encode('utf-8')).hexdigest()[:16]} -->"


def state_marker(summary: Summary) -> str:
    """The hidden line holding `summary` as JSON; `--` and `>` are escaped so the comment cannot end early."""
    payload = summary.model_dump_json()
    payload = payload.replace("-", "\\u002d").replace(">", "\\u003e")
    return f"<!-- log-gardener:state={payload} -->"


def read_state(body: str | None) -> Summary | None:
    """The last state marker in `body`, or None when there is none or it does not parse."""
    matches = _STATE.findall(body or "")
    if not matches:
        return None
    try:
        return Summary.model_validate(json.loads(matches[-1]))
    except (ValueError, ValidationError):
        return None


def is_our_comment(body: str | None) -> bool:
    """Whether a comment was written by log gardener (carries the comment marker)."""
    return COMMENT_MARKER in (body or "")
