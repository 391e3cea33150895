"""The state file kept across runs: what each fingerprint did in earlier scans.

The file is JSON with a format marker and a version. Reading a file that is not JSON, lacks the
marker, or carries another version raises `GardenerError` with `ExitCode.BAD_INPUT` (exit code 2):
a state file is an input of the scan like the log file, and resetting it silently would report
every known problem as new. Writing is atomic: a temporary file in the same directory, flushed
and fsynced, then `os.replace`d over the old one, so a crashed run leaves the previous state.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from errno import EACCES, EPERM
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from loggardener import __version__
from loggardener.defaults import EARLIEST_MOMENT, LATEST_MOMENT, STATE_FILE_NAME, empty_list
from loggardener.errors import ExitCode, GardenerError, decode_reason
from loggardener.files import atomic_write, scope_slug
from loggardener.report import ScanReport

STATE_FORMAT: Literal["log-gardener-state"] = "log-gardener-state"
STATE_VERSION = 1


def state_file_name(services: tuple[str, ...] = ()) -> str:
    """The default state file of a scan's scope: scans of some services keep their own state, so that the
    other services' problems do not look quiet (and resolved) to them."""
    if not services:
        return STATE_FILE_NAME
    return f".gardener-state-{scope_slug(services)}.json"


def _utc(value: datetime) -> datetime:
    """A datetime written without an offset (by hand, or by another tool) is taken as UTC, so comparing it
    with the scan's aware datetimes cannot fail after issues were published; one outside the years 1970 to
    8999 makes the state corrupt (said with its field), not a run that fails on it later."""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise ValueError(f"{value.isoformat()} is outside the years 1970 to 8999")
    return moment


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]

HISTORY_LIMIT = 48
"""Per-run counts kept for each fingerprint (two days of an hourly job)."""


_KEEP_UNKNOWN = ConfigDict(extra="allow")
"""A field this version does not know (a later release added it within the same format version, as
`unconfirmed_create_at` was) is kept when the file is written again, not dropped: a job rolled back to an
older release and forward again loses nothing the newer one recorded."""


class RunCount(BaseModel):
    """How many entries a fingerprint had in one run."""

    model_config = _KEEP_UNKNOWN

    run: int = Field(ge=1)
    at: UtcDatetime
    count: int = Field(ge=0)
    priority: Literal["P0", "P1", "P2", "P3"] | None = Field(
        default=None,
        description="The priority the rules ranked it in that run (before any hold): a fall waits for two runs.",
    )
    shown: Literal["P0", "P1", "P2", "P3"] | None = Field(
        default=None,
        description="The priority the run gave it (after a hold): a re-run of that hour shows it again.",
    )


class FingerprintHistory(BaseModel):
    """Everything the state remembers about one fingerprint."""

    model_config = _KEEP_UNKNOWN

    title: str
    first_seen: UtcDatetime = Field(description="Earliest log entry of the cluster, over all runs.")
    last_seen: UtcDatetime = Field(description="Latest log entry of the cluster, over all runs.")
    first_run: int = Field(ge=1)
    last_run: int = Field(ge=1, description="The last run the fingerprint was seen in.")
    runs_seen: int = Field(default=1, ge=1)
    counts: list[RunCount] = Field(
        default_factory=empty_list, description=f"The last {HISTORY_LIMIT} runs seen."
    )
    issue_number: int | None = Field(default=None, ge=1)
    unconfirmed_create_at: UtcDatetime | None = Field(
        default=None,
        description="When a create was sent whose answer was lost and whose issue was not listed: the next "
        "run looks for it before filing again.",
    )
    resolved_run: int | None = Field(default=None, ge=1, description="The run that listed it as resolved.")
    missed_in_truncated_runs: int = Field(
        default=0,
        ge=0,
        description="Runs since it was last seen that said nothing of whether it still fires: truncated runs "
        "(--max-entries), runs of a window that ended at or before its last entry (a backfill of an earlier "
        "hour, which may see its old entries) or before the end of a window already counted quiet for it (a "
        "re-run of that hour). Not quiet runs.",
    )
    quiet_through: UtcDatetime | None = Field(
        default=None,
        description="The end of the latest window counted as a quiet run for it since it was last seen.",
    )

    @model_validator(mode="after")
    def _runs_in_order(self) -> FingerprintHistory:
        """A hand-edited history whose runs are out of order would make trends wrong for many runs, silently."""
        if self.last_run < self.first_run:
            raise ValueError(f"last_run {self.last_run} is before first_run {self.first_run}")
        if self.last_seen < self.first_seen:
            raise ValueError("last_seen is before first_seen")
        return self

    def quiet_runs(self, run: int) -> int:
        """Complete runs before `run` in which the fingerprint was absent, since it was last seen.

        A truncated run read only part of its window, and a run of an earlier window than its last entry read
        none of the time since, so not seeing a fingerprint there says nothing.
        """
        return run - self.last_run - 1 - self.missed_in_truncated_runs

    def accounted_for(self, end: datetime | None) -> bool:
        """Whether a run whose window ended at `end` read no time this history has not accounted for already:
        up to its last entry, or up to the end of a window already counted as a quiet run. Such a run (a
        backfill of an earlier hour, the same hour scanned again) is no quiet run for it, whatever it saw."""
        return self.outlasts(end) or (
            end is not None and self.quiet_through is not None and _utc(end) <= self.quiet_through
        )

    def outlasts(self, moment: datetime | None) -> bool:
        """Whether the fingerprint was last seen at or after `moment`.

        A run whose window ended there (a backfill of an earlier hour, a re-run of an old one) read nothing of
        the time since: its absence there does not say it went quiet; entries seen there, none later than
        `moment`, do not say it came back.
        """
        return moment is not None and _utc(moment) <= self.last_seen


class State(BaseModel):
    """The whole state file."""

    model_config = _KEEP_UNKNOWN

    format: Literal["log-gardener-state"] = STATE_FORMAT
    version: int = STATE_VERSION
    runs: int = Field(default=0, ge=0, description="Runs recorded so far; the next run is runs + 1.")
    last_run_at: UtcDatetime | None = None
    fingerprints: dict[str, FingerprintHistory] = Field(default_factory=dict)
    _ranked: dict[str, str] = PrivateAttr(default_factory=dict)
    """The priority the rules gave each fingerprint in the run about to be recorded, before a hold raised it."""

    @model_validator(mode="after")
    def _no_run_after_the_last(self) -> State:
        """Every run a fingerprint names was recorded: one after `runs` (a hand edit, a file from another
        state) would keep it from going quiet, or resolved, for that many runs."""
        for fingerprint, history in self.fingerprints.items():
            named = [history.last_run, history.resolved_run or 0, *(count.run for count in history.counts)]
            if max(named) > self.runs:
                raise ValueError(
                    f"fingerprint {fingerprint} names run {max(named)}, after the file's last run {self.runs}"
                )
        return self

    @property
    def next_run(self) -> int:
        return self.runs + 1

    def note_ranked(self, fingerprint: str, priority: str) -> None:
        """Remember the priority the rules gave `fingerprint` in the next run, for `record_run`."""
        self._ranked[fingerprint] = priority

    def issue_numbers(self) -> dict[str, int]:
        """The issue each fingerprint was last published as, where there is one."""
        return {fp: h.issue_number for fp, h in self.fingerprints.items() if h.issue_number is not None}

    def unconfirmed_creates(self) -> dict[str, datetime]:
        """When a create was sent for a fingerprint whose issue GitHub may have filed, unseen so far."""
        return {
            fp: h.unconfirmed_create_at
            for fp, h in self.fingerprints.items()
            if h.unconfirmed_create_at is not None
        }

    def record_run(self, report: ScanReport) -> None:
        """Add `report` as the next run: its clusters, the resolved list and the issue numbers published.

        A truncated run does not make the fingerprints it did not see any quieter.
        """
        run = self.next_run
        end = report.window.end
        seen = {cluster.fingerprint for cluster in report.clusters}
        for fingerprint in self.fingerprints.keys() - seen:
            absent = self.fingerprints[fingerprint]
            if report.truncated or absent.accounted_for(end):
                absent.missed_in_truncated_runs += 1
            elif end is not None:
                absent.quiet_through = end
        for cluster in report.clusters:
            known = self.fingerprints.get(cluster.fingerprint)
            ranked = self._ranked.get(cluster.fingerprint, cluster.priority)
            entry = RunCount(
                run=run,
                at=report.generated_at,
                count=cluster.count,
                priority=ranked if ranked in ("P0", "P1", "P2", "P3") else None,
                shown=cluster.priority if cluster.priority in ("P0", "P1", "P2", "P3") else None,
            )
            if known is None:
                self.fingerprints[cluster.fingerprint] = FingerprintHistory(
                    title=cluster.title,
                    first_seen=cluster.first_seen,
                    last_seen=cluster.last_seen,
                    first_run=run,
                    last_run=run,
                    counts=[entry],
                )
                continue
            known.title = cluster.title
            known.first_seen = min(known.first_seen, cluster.first_seen)
            known.runs_seen += 1
            known.counts = [*known.counts, entry][-HISTORY_LIMIT:]
            if known.outlasts(cluster.last_seen):
                # only entries no later than its last (a backfill, a re-run of an hour): history, not a
                # sighting; its quiet runs and resolution stand, and this run is not one of them
                known.missed_in_truncated_runs += 1
                continue
            known.resolved_run = None
            known.last_seen = cluster.last_seen
            known.last_run = run
            known.missed_in_truncated_runs = 0
            known.quiet_through = None
        for resolved in report.resolved:
            history = self.fingerprints.get(resolved.fingerprint)
            if history is not None:
                history.resolved_run = run
        for action in report.issue_actions:
            history = self.fingerprints.get(action.fingerprint)
            if history is None:
                continue
            if action.action == "failed":
                if action.sent_at is not None:  # GitHub may have filed it: the next run looks first
                    history.unconfirmed_create_at = action.sent_at
                continue
            if action.number is None:
                continue
            history.issue_number = action.number
            history.unconfirmed_create_at = None
        self.runs = run
        self.last_run_at = report.generated_at

    def prune(self, now: datetime, forget_after_days: float) -> int:
        """Forget fingerprints whose last entry is more than `forget_after_days` before `now` (the end of the
        window scanned, so that replaying an old export forgets nothing it holds); how many.

        Without this the state grows with every problem ever seen, and so does every run's memory.
        """
        horizon = now - timedelta(days=forget_after_days)
        stale = [fp for fp, history in self.fingerprints.items() if history.last_seen < horizon]
        for fingerprint in stale:
            del self.fingerprints[fingerprint]
        return len(stale)


def load_state(path: Path) -> State:
    """Read the state at `path`; a missing file is an empty state (the first run)."""
    fix = "move it aside to start a fresh state, or pass another --state path"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return State()
    except UnicodeDecodeError as exc:  # log gardener writes it as UTF-8 JSON: something else wrote this
        raise GardenerError(
            f"state file {path} is corrupt (not UTF-8 text: byte {exc.start} is 0x{exc.object[exc.start]:02x}); "
            f"{fix}",
            ExitCode.BAD_INPUT,
        ) from None
    except OSError as exc:
        access = "give this user read and write access to it, or " if exc.errno in (EACCES, EPERM) else ""
        raise GardenerError(
            f"cannot read state file {path}: {exc.strerror or exc}; {access}pass another --state path",
            ExitCode.BAD_INPUT,
        ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # not JSON; an integer past 4,300 digits; nested too deeply
        reason = decode_reason(exc) if not isinstance(exc, RecursionError) else "nested too deeply"
        raise GardenerError(f"state file {path} is corrupt ({reason}); {fix}", ExitCode.BAD_INPUT) from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise GardenerError(
            f'{path} is not a log gardener state file (no "format": "{STATE_FORMAT}" marker); {fix}',
            ExitCode.BAD_INPUT,
        )
    version = data.get("version")
    if version != STATE_VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > STATE_VERSION
        raise GardenerError(
            f"state file {path} has format version {version!r}; this log gardener reads version "
            f"{STATE_VERSION}; "
            + (
                f"a newer log gardener wrote it: upgrade this one (it is {__version__}), or {fix}"
                if newer
                else fix
            ),
            ExitCode.BAD_INPUT,
        )
    try:
        return State.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = first["msg"].removeprefix("Value error, ")
        raise GardenerError(
            f"state file {path} is corrupt ({f'at {where}: ' if where else ''}{reason}); {fix}",
            ExitCode.BAD_INPUT,
        ) from None


def save_state(path: Path, state: State) -> None:
    """Write `state` to `path` atomically (see `loggardener.files`)."""
    atomic_write(path, state.model_dump_json(indent=2) + "\n", "state file")
