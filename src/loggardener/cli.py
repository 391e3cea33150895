"""The `gardener` command line: a thin layer that builds the pipeline's parts and wires them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from loggardener import __version__
from loggardener.commands.cluster import cluster as cluster_command
from loggardener.config import load_config
from loggardener.console import err, out, user_errors
from loggardener.entries.models import Severity
from loggardener.entries.parse import MalformedEntry, parse_timestamp
from loggardener.errors import ExitCode, GardenerError
from loggardener.job import Outputs, run_scan_job
from loggardener.pipeline import ProgressFn, ScanOptions
from loggardener.publishing.run import IssuesMode, choose_publisher, drafts_directory
from loggardener.rendering.markdown import PRIORITY_MARKS, percent
from loggardener.report import ScanReport
from loggardener.sources.cloud_logging import DEFAULT_MAX_ENTRIES, CloudLoggingSource, resolve_project
from loggardener.sources.demo import DemoSource
from loggardener.sources.file import FileSource
from loggardener.sources.interface import EntrySource
from loggardener.sources.log_analytics import LogAnalyticsSource, log_analytics_source
from loggardener.sources.query import LogQuery
from loggardener.state import (
    DEFAULT_STATE_PATH,
    STATE_FILE_NAME,
    state_file_name,
    trend_line,
)

app = typer.Typer(
    name="gardener",
    help="Turn a Google Cloud project's logs into triaged, de-duplicated worklogs and GitHub issues.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("cluster")(cluster_command)


def _version(value: bool) -> None:
    if value:
        out.print(f"gardener {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """log gardener."""


def _timestamp(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except MalformedEntry:
        raise GardenerError(
            f"{option} {value!r} is not an RFC 3339 timestamp (e.g. 2025-09-16T17:44:00Z)", ExitCode.BAD_INPUT
        ) from None


def _hours(hours: float | None, since: str | None) -> float | None:
    if hours is None:
        return None
    if since is not None:
        raise GardenerError("use either --hours or --since, not both (--until may go with either)")
    if hours <= 0:
        raise GardenerError(f"--hours {hours:g}: give a positive number of hours")
    return hours


def _severity(value: str) -> Severity:
    name = value.strip().upper()
    if name not in Severity.__members__:
        choices = ", ".join(Severity.__members__)
        raise GardenerError(
            f"--min-severity {value!r} is not a severity; use one of {choices}", ExitCode.BAD_INPUT
        )
    return Severity[name]


@contextmanager
def _reading(enabled: bool, source: EntrySource) -> Iterator[ProgressFn | None]:
    """A transient progress display on stderr (entries, pages, rate) while the source is read."""
    if not enabled:
        yield None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TextColumn("{task.completed} entries"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        task = progress.add_task(f"Reading {source.stats.description}", total=None)

        def advance(count: int) -> None:
            progress.update(task, completed=count)
            pages = source.stats.pages
            speed = next((t.speed for t in progress.tasks if t.id == task), None)
            label = f"Reading {source.stats.description}" + (f", {pages} pages" if pages else "")
            progress.update(task, description=label + (f", {speed:,.0f} entries/s" if speed else ""))

        yield advance


def _summary_table(report: ScanReport) -> Table:
    table = Table(title=Text(f"{len(report.clusters)} problems — {report.status}"), title_justify="left")
    table.add_column("Prio", no_wrap=True)
    table.add_column("Count", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("First", no_wrap=True)
    table.add_column("Last", no_wrap=True)
    table.add_column("Problem", ratio=1, min_width=24)
    for cluster in report.clusters:
        table.add_row(
            f"{PRIORITY_MARKS[cluster.priority]} {cluster.priority}",
            str(cluster.count),
            percent(cluster.share),
            cluster.first_seen.strftime("%H:%M:%S"),
            cluster.last_seen.strftime("%H:%M:%S"),
            Text(cluster.title),
        )
    return table


def _choose_source(from_path: str | None, demo: bool, live: Callable[[], EntrySource]) -> EntrySource:
    if demo and from_path:
        raise GardenerError("use either --demo or --from, not both", ExitCode.BAD_INPUT)
    if demo:
        return DemoSource()
    if from_path:
        return FileSource(from_path)
    return live()


def _live_source(
    options: ScanOptions,
    project: str | None,
    endpoint: str | None,
    resource_type: str | None,
    extra_filter: str | None,
    max_entries: int,
    save_export: Path | None,
) -> CloudLoggingSource:
    start, end = options.window_bounds()
    if start is None:
        raise GardenerError(
            "nothing to scan: give --hours N or --since for a live scan of Cloud Logging, "
            "--from PATH for an export, or --demo",
            ExitCode.BAD_INPUT,
        )
    query = LogQuery(
        start=start,
        end=end or options.now,
        min_severity=options.min_severity,
        services=options.services,
        resource_type=resource_type,
        extra_filter=extra_filter,
    )
    return CloudLoggingSource(
        query, project=project, endpoint=endpoint, max_entries=max_entries, save_export=save_export
    )


@app.command()
@user_errors
def scan(
    from_path: Annotated[
        str | None,
        typer.Option("--from", help="Export to read: JSON array or NDJSON, optionally .gz; '-' for stdin."),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Scan the bundled demo export (no credentials needed).")
    ] = False,
    hours: Annotated[
        float | None, typer.Option("--hours", help="Scan the N hours up to --until (default now).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Window start, RFC 3339.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Window end, RFC 3339.")] = None,
    service: Annotated[
        list[str] | None, typer.Option("--service", help="Only this service (repeatable).")
    ] = None,
    min_severity: Annotated[
        str | None, typer.Option("--min-severity", help="Lowest severity to triage [default: WARNING].")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the worklog.")] = Path("worklogs"),
    templates: Annotated[
        Path | None, typer.Option("--templates", help="Directory of templates overriding the bundled ones.")
    ] = None,
    report_json: Annotated[
        Path | None, typer.Option("--report-json", help="Write the whole result as JSON.")
    ] = None,
    assignments: Annotated[
        Path | None,
        typer.Option("--assignments", help="Write NDJSON: one line per input entry with its cluster."),
    ] = None,
    config_path: Annotated[
        Path | None,
        typer.Option("--config", help="Configuration file [default: ./gardener.toml or pyproject.toml]."),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option("--now", hidden=True, help="Pretend the time is this (reproducible reports)."),
    ] = None,
    issues: Annotated[
        str,
        typer.Option(
            "--issues",
            help="GitHub issues for problems at or above issues.threshold: none; draft (markdown drafts and "
            "a gh script next to the worklog, no token); publish (needs --repo and GITHUB_TOKEN).",
        ),
    ] = "none",
    repo: Annotated[
        str | None,
        typer.Option("--repo", help="owner/name for --issues publish/draft [default: $GITHUB_REPOSITORY]."),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            help="Live scan: the Google Cloud project [default: GOOGLE_CLOUD_PROJECT, config, or ADC's].",
        ),
    ] = None,
    resource_type: Annotated[
        str | None, typer.Option("--resource-type", help="Live scan: only this resource.type.")
    ] = None,
    extra_filter: Annotated[
        str | None, typer.Option("--filter", help="Live scan: a Logging query clause AND-ed to the query.")
    ] = None,
    max_entries: Annotated[
        int, typer.Option("--max-entries", min=1, help="Live scan: stop after this many entries.")
    ] = DEFAULT_MAX_ENTRIES,
    save_export: Annotated[
        Path | None,
        typer.Option("--save-export", help="Live scan: also save the fetched entries as NDJSON."),
    ] = None,
    print_filter: Annotated[
        bool, typer.Option("--print-filter", help="Live scan: print the Logging query and exit.")
    ] = False,
    logging_endpoint: Annotated[
        str | None,
        typer.Option(
            "--logging-endpoint",
            envvar="GARDENER_LOGGING_ENDPOINT",
            help="Logging API endpoint (emulators, tests); http:// endpoints get anonymous credentials.",
        ),
    ] = None,
    state_path: Annotated[
        Path | None,
        typer.Option(
            "--state",
            help="State kept across runs: marks problems new, recurring or regressed and lists resolved ones "
            f"[default: {STATE_FILE_NAME} in the --out directory, i.e. {DEFAULT_STATE_PATH}; scans limited "
            "with --service keep their own, .gardener-state-SERVICES.json].",
        ),
    ] = None,
    no_state: Annotated[
        bool, typer.Option("--no-state", help="Neither read nor write a state file (no trends).")
    ] = False,
    step_summary: Annotated[
        Path | None,
        typer.Option(
            "--step-summary",
            envvar="GITHUB_STEP_SUMMARY",
            help="Append the worklog, trimmed to 1 MiB, to this GitHub Actions job summary file.",
        ),
    ] = None,
    log_analytics: Annotated[
        str | None,
        typer.Option(
            "--log-analytics",
            help="Scan through Log Analytics: the linked BigQuery dataset, PROJECT.DATASET "
            "[default: config log_analytics.dataset]. --project: who runs (pays for) the query.",
        ),
    ] = None,
    view: Annotated[
        str | None, typer.Option("--view", help="Log Analytics: the log view [default: _AllLogs].")
    ] = None,
    bigquery_endpoint: Annotated[
        str | None,
        typer.Option(
            "--bigquery-endpoint",
            envvar="GARDENER_BIGQUERY_ENDPOINT",
            help="BigQuery API endpoint (emulators, tests); http:// endpoints get anonymous credentials.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Log Analytics: print the query and BigQuery's bytes estimate, and exit."
        ),
    ] = False,
) -> None:
    """Scan logs, cluster them into problems, rank them P0–P3 and write a worklog."""
    config = load_config(config_path)
    options = ScanOptions(
        since=_timestamp(since, "--since"),
        until=_timestamp(until, "--until"),
        hours=_hours(hours, since),
        services=tuple(service or ()),
        min_severity=_severity(min_severity or config.min_severity),
        now=_timestamp(now, "--now") or datetime.now(timezone.utc).replace(microsecond=0),
    )
    start, end = options.window_bounds()
    if start is not None and end is not None and start >= end:
        raise GardenerError(f"the window is empty: it starts at {since or start} and ends at {until or end}")
    dataset = log_analytics or config.log_analytics.dataset
    if log_analytics and (from_path or demo):
        raise GardenerError("use either --log-analytics or --from/--demo, not both", ExitCode.BAD_INPUT)
    source = _choose_source(
        from_path,
        demo,
        lambda: (
            log_analytics_source(
                dataset,
                view=view,
                start=start,
                end=end or options.now,
                min_severity=options.min_severity,
                billing_project=resolve_project(project, config.project),
                endpoint=bigquery_endpoint,
                config=config,
                live_only=[
                    name
                    for name, given in (
                        ("--resource-type", resource_type),
                        ("--filter", extra_filter),
                        ("--save-export", save_export),
                        ("--print-filter", print_filter),
                    )
                    if given
                ],
            )
            if dataset
            else _live_source(
                options,
                resolve_project(project, config.project),
                logging_endpoint,
                resource_type,
                extra_filter,
                max_entries,
                save_export,
            )
        ),
    )
    if dry_run:
        if not isinstance(source, LogAnalyticsSource):
            raise GardenerError(
                "--dry-run estimates a Log Analytics query: add --log-analytics PROJECT.DATASET"
            )
        typer.echo(source.dry_run())
        raise typer.Exit()
    if print_filter:
        if not isinstance(source, CloudLoggingSource):
            raise GardenerError("--print-filter shows the live query; drop --from/--demo", ExitCode.BAD_INPUT)
        typer.echo(source.filter)
        raise typer.Exit()
    mode = _issues_mode(issues)
    choose_publisher(mode, config.issues, repo, out_dir / "check.md")  # no token or repo: fail early
    if no_state and state_path is not None:
        raise GardenerError("use either --state PATH or --no-state, not both")
    if not no_state and state_path is None:
        state_path = out_dir / state_file_name(options.services)
    outputs = Outputs(
        out_dir=out_dir,
        templates=templates,
        report_json=report_json,
        assignments=assignments,
        step_summary=step_summary,
        state=None if no_state else state_path,
    )
    with _reading(err.is_terminal, source) as advance:
        result = run_scan_job(
            config,
            options,
            source,
            outputs,
            lambda worklog: choose_publisher(mode, config.issues, repo, worklog),
            on_progress=advance,
        )
    report, worklog = result.report, result.worklog
    _print_summary(report, worklog)
    if result.state is not None:
        out.print(
            f"{trend_line(report)} (state: {escape(str(state_path))}, run {result.state.runs})",
            soft_wrap=True,
        )
    _print_issue_actions(report, mode, worklog)


def _issues_mode(value: str) -> IssuesMode:
    if value in ("none", "draft", "publish"):
        return cast(IssuesMode, value)
    raise GardenerError(f"--issues {value!r}: use none, draft or publish", ExitCode.BAD_INPUT)


def _print_issue_actions(report: ScanReport, mode: IssuesMode, worklog: Path) -> None:
    if mode == "none":
        return
    actions = report.issue_actions
    tally = Counter(a.action for a in actions)
    counts = ", ".join(f"{n} {name}" for name, n in tally.items())
    out.print(f"Issues: {counts or 'none at or above the threshold'}")
    if mode == "draft" and actions:
        drafts = escape(str(drafts_directory(worklog)))
        out.print(f"Drafts: {drafts} (publish with gh-issues.sh)", soft_wrap=True)
    failed = [a for a in actions if a.action == "failed"]
    for action in failed:
        line = f"{escape(action.title)}: {escape(action.detail)}"
        err.print(f"[bold red]issue failed:[/] {line}", highlight=False, soft_wrap=True)
    if failed:
        raise GardenerError(
            f"{len(failed)} of {len(actions)} issues could not be published; the worklog lists them",
            ExitCode.PUBLISH_FAILED,
        )


def _print_summary(report: ScanReport, worklog: Path) -> None:
    totals = report.totals
    out.print(_summary_table(report))
    out.print(
        f"{totals.read} entries read: {totals.clustered} clustered, {totals.skipped_total} skipped"
        + (
            f" ({', '.join(f'{n} {reason}' for reason, n in totals.skipped.items())})"
            if totals.skipped
            else ""
        )
    )
    for line in totals.malformed:
        err.print(f"[yellow]skipped[/] {escape(line.error)}", highlight=False)
    hidden = totals.skipped.get("malformed", 0) - len(totals.malformed)
    if hidden > 0:
        err.print(f"[yellow]… and {hidden} more malformed lines[/]")
    for note in report.notes:
        err.print(f"[bold yellow]note:[/] {escape(note)}")
    out.print(f"Worklog: {escape(str(worklog))}", soft_wrap=True)


def main() -> None:
    """Console-script entry point."""
    app()
