"""Trends across runs: is each cluster new, recurring or regressed, and which went quiet (resolved)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from loggardener.clustering.models import Trend
from loggardener.config import StateConfig
from loggardener.report import ResolvedCluster, ScanReport
from loggardener.state.store import FingerprintHistory, RunCount, State


def classify(
    history: FingerprintHistory | None, run: int, config: StateConfig, latest: datetime | None = None
) -> Trend:
    """The trend of a fingerprint seen in `run`, given what the state knew before that run.

    `new`: never seen. `regressed`: seen before, and listed as resolved since, or absent for at least
    `config.regressed_after_quiet_runs` runs, and seen now later than ever before (`latest`: entries of an
    earlier window, a backfill's, are history, not a return). `recurring`: any other fingerprint seen in
    earlier runs.
    """
    if history is None:
        return "new"
    if history.outlasts(latest):
        return "recurring"
    if history.resolved_run is not None or history.quiet_runs(run) >= config.regressed_after_quiet_runs:
        return "regressed"
    return "recurring"


def shown_priority(history: FingerprintHistory, count: RunCount) -> str | None:
    """The priority `count`'s run showed: recorded since `RunCount.shown` exists; in a state an older release
    wrote, the one the hold rule gave that run (its rank, held at the rank of the run before when that run saw
    it and ranked it higher), so the first re-run after upgrading relabels nothing a hold kept."""
    if count.shown is not None or count.priority is None:
        return count.shown
    before = next((c for c in reversed(history.counts) if c.run == count.run - 1), None)
    if before is not None and before.priority is not None and before.priority < count.priority:
        return before.priority
    return count.priority


def held_priority(
    history: FingerprintHistory | None, run: int, ranked: str, latest: datetime | None = None
) -> str | None:
    """The priority a problem keeps in `run` although the rules rank it lower (`ranked`): the one the previous
    run ranked it, when it was seen in that run. A rise applies at once; a fall only when two runs in a row rank
    it lower, so a problem near a threshold (a lone error that dominates a quiet hour and not a busy one) does
    not relabel, retitle and comment on its issue with every run. A run whose entries of it end no later than
    `latest`'s history (a re-run of the last hour, a backfill) is none of those runs: it keeps what the last run
    showed. None when nothing is held."""
    if history is None:
        return None
    last = next((count for count in reversed(history.counts) if count.run == history.last_run), None)
    if history.outlasts(latest):
        shown = shown_priority(history, last) if last is not None else None
        return shown if shown is not None and shown < ranked else None
    if history.quiet_runs(run) != 0:
        return None  # not seen in the previous run that could have seen it (a backfill's cannot: not counted)
    if last is None or last.priority is None or last.priority >= ranked:
        return None
    return last.priority


def apply_trends(report: ScanReport, state: State, config: StateConfig) -> None:
    """Fill `Cluster.trend` for every cluster of `report` and `report.resolved`, from `state`, and hold the
    priority of a problem the rules rank lower than the previous run did (see `held_priority`).

    `state` is what earlier runs recorded; `report` is the run about to be recorded as
    `state.next_run`. A fingerprint absent from this run is resolved once it has been absent for
    `config.resolved_after_runs` complete runs (this one included; not a run of a window that ended before its
    last entry, a backfill, nor one that ended before a window already counted quiet for it, a re-run of that
    hour); it is listed in that run only, at most
    `config.max_resolved_listed` of them per run (most recently seen first).
    A truncated run (`report.truncated`) resolves nothing: what it did not read may still be firing.
    """
    run = state.next_run
    present = {cluster.fingerprint for cluster in report.clusters}
    held_any = False
    for cluster in report.clusters:
        history = state.fingerprints.get(cluster.fingerprint)
        cluster.trend = classify(history, run, config, cluster.last_seen)
        state.note_ranked(cluster.fingerprint, cluster.priority)
        held = held_priority(history, run, cluster.priority, cluster.last_seen)
        if held is not None:
            cluster.reasons = [
                f"held at {held}: the previous run ranked it {held}, this one {cluster.priority}; a priority "
                "falls when two runs in a row rank it lower",
                *cluster.reasons,
            ]
            cluster.priority = held
            held_any = True
    if held_any:
        report.clusters = sorted(report.clusters, key=lambda cluster: cluster.priority)  # stable: P0 first
    resolved = [
        ResolvedCluster(
            fingerprint=fingerprint,
            title=history.title,
            last_seen=history.last_seen,
            quiet_runs=history.quiet_runs(run) + 1,
            issue_number=history.issue_number,
        )
        for fingerprint, history in state.fingerprints.items()
        if not report.truncated
        and fingerprint not in present
        and not history.accounted_for(report.window.end)
        and history.resolved_run is None
        and history.quiet_runs(run) + 1 >= config.resolved_after_runs
    ]
    ranked = sorted(resolved, key=lambda item: (item.last_seen, item.fingerprint), reverse=True)
    # the rest stay unlisted (not marked resolved) and are listed by later runs
    report.resolved = ranked[: config.max_resolved_listed]


def note_reopened(report: ScanReport) -> None:
    """Mark as `regressed` the clusters whose closed issue publishing reopened (it fired again after closing)."""
    reopened = {action.fingerprint for action in report.issue_actions if action.action == "reopened"}
    for cluster in report.clusters:
        if cluster.fingerprint in reopened:
            cluster.trend = "regressed"


def trend_line(report: ScanReport) -> str:
    """One line for the terminal: how many problems are new, recurring, regressed, and how many resolved."""
    counts = Counter(cluster.trend for cluster in report.clusters)
    return (
        f"Trends: {counts['new']} new, {counts['recurring']} recurring, {counts['regressed']} regressed; "
        f"{len(report.resolved)} resolved"
    )
