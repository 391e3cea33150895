"""`gardener scan`: read logs, cluster them into problems, rank them, write a worklog (and issues).

Only light modules load with the options (`gardener --help` builds them); the pipeline's load inside the
functions, when a scan runs.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from loggardener import startup
from loggardener.console import (
    PUBLISHING_SCAN_INTERRUPTED,
    SCAN_INTERRUPTED,
    animates,
    err,
    out,
    reporting_errors,
)
from loggardener.defaults import DEFAULT_MAX_ENTRIES, DEFAULT_STATE_PATH, STATE_FILE_NAME
from loggardener.entries.severity import Severity
from loggardener.errors import ExitCode, GardenerError, is_utf8, missing_ca_bundle
from loggardener.rendering.markdown_safety import strip_controls
from loggardener.words import counted

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from loggardener.config import GardenerConfig, RetriesConfig
    from loggardener.pipeline import ProgressFn, ScanOptions
    from loggardener.publishing.interface import IssuePublisher
    from loggardener.publishing.run import IssuesMode
    from loggardener.report import IssueAction, ScanReport
    from loggardener.sources.interface import EntrySource


def _timestamp(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    from loggardener.entries.parse import MalformedEntry, parse_timestamp

    try:
        return parse_timestamp(value)
    except MalformedEntry as exc:
        raise GardenerError(
            f"{option}: {exc} (give an RFC 3339 time such as 2025-09-16T17:44:00Z)", ExitCode.BAD_INPUT
        ) from None


class IssuesChoice(str, Enum):
    """`--issues`: what to do with problems at or above issues.threshold."""

    none = "none"
    draft = "draft"
    publish = "publish"


SeverityChoice = Enum("SeverityChoice", {name: name for name in Severity.__members__}, type=str)  # type: ignore[misc]
PriorityChoice = Enum("PriorityChoice", {name: name for name in ("P0", "P1", "P2", "P3")}, type=str)  # type: ignore[misc]

TABLE_ROWS = 30
"""Problems shown in the terminal table, most urgent first; the worklog has them all."""

MAX_HOURS = 24 * 3650
"""Ten years: Cloud Logging keeps logs at most 3650 days."""


def _services(names: list[str] | None) -> tuple[str, ...]:
    """`--service` names; an empty one (an unset variable in `--service "$SERVICE"`) would match nothing."""
    if any(not name.strip() for name in names or ()):
        raise GardenerError("--service needs a name: got an empty one (is the variable that gives it set?)")
    return tuple(name.strip() for name in names or ())


def _hours(hours: float | None, since: str | None) -> float | None:
    if hours is None:
        return None
    if since is not None:
        raise GardenerError("use either --hours or --since, not both (--until may go with either)")
    if not math.isfinite(hours) or not 0 < hours <= MAX_HOURS:
        raise GardenerError(f"--hours {hours:g}: give a number of hours above 0 and at most {MAX_HOURS}")
    if timedelta(hours=hours) < timedelta(microseconds=1):  # a window the clock cannot tell from none
        raise GardenerError(f"--hours {hours:g} is shorter than a microsecond: give a window of at least one")
    return hours


def _max_entries(count: int) -> int:
    """`--max-entries`: a read that may stop before its first entry reads nothing, so 0 or less is refused in
    one line, as `--hours` is (a range on the option would be click's usage box)."""
    if count < 1:
        raise GardenerError(f"--max-entries {count}: give a number of entries of at least 1")
    return count


PLAIN_PROGRESS_SECONDS = 30.0
"""When standard error is not a terminal (a CI log), a progress line at most this often, and at least this often
while the source is read, whether entries come or not."""
HEARTBEAT_FLOOR_SECONDS = 1.0
"""The progress line that comes without an entry is looked at no more often than this."""


def _stderr_line(label: str) -> Callable[[str], None]:
    """A callback saying a text on stderr as one line after its label (`retrying:`, `waiting:`), never on
    standard output, which may carry `--report-json -`."""
    return lambda text: err.print(f"[yellow]{label}:[/] {escape(text)}", highlight=False, soft_wrap=True)


@contextmanager
def _reading(
    enabled: bool, source: EntrySource
) -> Iterator[tuple[ProgressFn | None, Callable[[], None], Callable[[Callable[[], int]], None]]]:
    """A transient progress display on stderr (entries, pages, rate) while the source is read; without a
    terminal, a plain line every PLAIN_PROGRESS_SECONDS, so a long scan in a CI log is not silent, even while no
    entry comes (a heartbeat thread says it then, with the entries read so far, which the third callback is
    given a way to tell). A request the source retries is one line on stderr (what failed, when it is tried
    again, when the source gives up), never on standard output, which may carry `--report-json -`."""
    source.on_retry = _stderr_line("retrying")
    if not enabled:
        started = last = time.monotonic()
        read = 0
        lock = threading.Lock()
        stop = threading.Event()
        counters: list[Callable[[], int]] = []

        def say(count: int) -> None:
            nonlocal last, read
            with lock:  # from the reading and from the heartbeat alike: one line at a time, none twice
                read = max(read, count, *(counter() for counter in counters))
                now = time.monotonic()
                if now - last < PLAIN_PROGRESS_SECONDS:
                    return
                last = now
                pages = f", {counted(source.stats.pages, 'page', grouped=True)}" if source.stats.pages else ""
                err.print(
                    f"reading {escape(source.stats.description)}: {counted(read, 'entry', grouped=True)}{pages} "
                    f"in {now - started:.0f} s",
                    highlight=False,
                    soft_wrap=True,
                )

        def heartbeat() -> None:
            # a read may go long without an entry (empty pages paced under the quota, a Log Analytics query job
            # running, a slow server): the line comes all the same
            while not stop.wait(
                max(last + PLAIN_PROGRESS_SECONDS - time.monotonic(), HEARTBEAT_FLOOR_SECONDS)
            ):
                say(0)

        beating = threading.Thread(target=heartbeat, name="gardener-progress", daemon=True)
        beating.start()
        try:
            yield (
                say,
                stop.set,
                counters.append,
            )  # the read over, what follows (a lock, publishing) says its waits
        finally:
            stop.set()
            beating.join()
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TextColumn("{task.fields[entries]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        task = progress.add_task(
            f"Reading {source.stats.description}", total=None, entries=counted(0, "entry")
        )

        def advance(count: int) -> None:
            progress.update(task, completed=count, entries=counted(count, "entry", grouped=True))
            pages = source.stats.pages
            speed = next((t.speed for t in progress.tasks if t.id == task), None)
            label = f"Reading {source.stats.description}" + (
                f", {counted(pages, 'page', grouped=True)}" if pages else ""
            )
            progress.update(task, description=label + (f", {speed:,.0f} entries/s" if speed else ""))

        yield advance, lambda: None, lambda counter: None


def _telling_waits(publisher: IssuePublisher | None) -> IssuePublisher | None:
    """The publisher, saying on stderr what a long wait between its requests is for before it starts (a rate
    limit GitHub asks to wait out), as a source says what it retries: not a minute of silence in a CI log."""
    if publisher is not None:
        publisher.on_wait = _stderr_line("retrying")
    return publisher


NARROW = 72
"""Below this many columns the table keeps priority, count and title, without borders, so that the titles
stay readable (at 20 columns the full table showed none of them)."""


def _summary_table(report: ScanReport, width: int) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from loggardener.rendering.markdown import PRIORITY_MARKS, percent

    narrow = width < NARROW
    table = Table(
        title=Text(f"{counted(len(report.clusters), 'problem')} — {report.status}"),
        title_justify="left",
        box=None if narrow else box.HEAVY_HEAD,
        padding=(0, 1, 0, 0) if narrow else (0, 1),
    )
    table.add_column("Prio", no_wrap=True)
    table.add_column("Count", justify="right", no_wrap=True)
    if not narrow:
        table.add_column("Share", justify="right", no_wrap=True)
        table.add_column("First", no_wrap=True)
        table.add_column("Last", no_wrap=True)
    table.add_column("Problem", ratio=1, min_width=8 if narrow else 24, overflow="fold")
    # each cell a `Text`: a string would be read as markup and for emoji codes, and none of them holds either
    for cluster in report.clusters[:TABLE_ROWS]:
        title = Text(strip_controls(cluster.title))
        if narrow:
            table.add_row(Text(cluster.priority), Text(str(cluster.count)), title)
            continue
        table.add_row(
            Text(f"{PRIORITY_MARKS[cluster.priority]} {cluster.priority}"),
            Text(str(cluster.count)),
            Text(percent(cluster.share)),
            Text(cluster.first_seen.strftime("%H:%M:%S")),
            Text(cluster.last_seen.strftime("%H:%M:%S")),
            title,
        )
    return table


def _choose_source(from_path: str | None, demo: bool, live: Callable[[], EntrySource]) -> EntrySource:
    if demo and from_path:
        raise GardenerError("use either --demo or --from, not both", ExitCode.BAD_INPUT)
    if demo:
        from loggardener.sources.demo import DemoSource

        return DemoSource()
    if from_path:
        from loggardener.sources.file import FileSource

        return FileSource(from_path)
    return live()


def _live_source(
    options: ScanOptions,
    project: str | None,
    config_project: str | None,
    endpoint: str | None,
    resource_type: str | None,
    extra_filter: str | None,
    max_entries: int,
    save_export: Path | None,
    retries: RetriesConfig,
) -> EntrySource:
    from loggardener.sources.cloud_logging import (  # google-cloud-logging only for a live scan
        CloudLoggingSource,
        resolve_project,
    )
    from loggardener.sources.query import LogQuery

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
        query,
        project=resolve_project(project, config_project),
        endpoint=endpoint,
        max_entries=max_entries,
        save_export=save_export,
        deadline_seconds=retries.deadline_seconds,
        request_timeout=retries.request_timeout_seconds,
    )


def _log_analytics_source(
    dataset: str,
    view: str | None,
    options: ScanOptions,
    project: str | None,
    config: GardenerConfig,
    endpoint: str | None,
    resource_type: str | None,
    extra_filter: str | None,
    save_export: Path | None,
    print_filter: bool,
) -> EntrySource:
    from loggardener.sources.cloud_logging import resolve_project  # only for a scan that needs a project
    from loggardener.sources.log_analytics import log_analytics_source  # google-cloud-bigquery only here

    start, end = options.window_bounds()
    given = (
        ("--resource-type", resource_type),
        ("--filter", extra_filter),
        ("--save-export", save_export),
        ("--print-filter", print_filter),
    )
    return log_analytics_source(
        dataset,
        view=view,
        start=start,
        end=end or options.now,
        min_severity=options.min_severity,
        billing_project=resolve_project(project, config.project),
        endpoint=endpoint,
        config=config,
        live_only=[name for name, value in given if value],
    )


def _interrupted(options: Mapping[str, object]) -> str:
    """The line a stopped scan ends with: only one that publishes has issues a rerun finds again."""
    return PUBLISHING_SCAN_INTERRUPTED if options.get("issues") == IssuesChoice.publish else SCAN_INTERRUPTED


@reporting_errors(_interrupted)
def scan(
    ctx: typer.Context,
    from_path: Annotated[
        str | None,
        typer.Option(
            "--from",
            rich_help_panel="Input",
            help="Export to read: JSON array or NDJSON, optionally .gz; '-' for stdin.",
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", rich_help_panel="Input", help="Scan the bundled demo export (no credentials needed)."
        ),
    ] = False,
    hours: Annotated[
        float | None,
        typer.Option(
            "--hours",
            rich_help_panel="Window",
            help=f"Scan the N hours up to --until (default now); N above 0, at most {MAX_HOURS} (ten years).",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", rich_help_panel="Window", help="Window start, RFC 3339.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", rich_help_panel="Window", help="Window end, RFC 3339.")
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option("--service", rich_help_panel="Input", help="Only this service (repeatable)."),
    ] = None,
    min_severity: Annotated[
        SeverityChoice | None,
        typer.Option(
            "--min-severity",
            rich_help_panel="Input",
            case_sensitive=False,
            help="Lowest severity to triage [default: min_severity of the config, else WARNING].",
        ),
    ] = None,
    # readable=False on every path: click's check refused outputs this user may write but not read, and a
    # --config it could not read with a usage error's code; gardener's own checks say each with its code
    out_dir: Annotated[
        Path,
        typer.Option("--out", readable=False, rich_help_panel="Outputs", help="Directory for the worklog."),
    ] = Path("worklogs"),
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            readable=False,
            rich_help_panel="Outputs",
            help="Directory of templates overriding the bundled ones.",
        ),
    ] = None,
    report_json: Annotated[
        Path | None,
        typer.Option(
            "--report-json",
            readable=False,
            rich_help_panel="Outputs",
            help="Write the whole result as JSON; '-' for standard output (the summary then goes to stderr).",
        ),
    ] = None,
    assignments: Annotated[
        Path | None,
        typer.Option(
            "--assignments",
            readable=False,
            rich_help_panel="Outputs",
            help="Write NDJSON: one line per input entry with its cluster; '-' for standard output.",
        ),
    ] = None,
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            readable=False,
            rich_help_panel="Configuration",
            help="Configuration file [default: ./gardener.toml or pyproject.toml].",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            rich_help_panel="Window",
            hidden=True,
            help="Pretend the time is this (reproducible reports).",
        ),
    ] = None,
    issues: Annotated[
        IssuesChoice,
        typer.Option(
            "--issues",
            rich_help_panel="GitHub issues",
            case_sensitive=False,
            help="GitHub issues for problems at or above issues.threshold: none; draft (markdown drafts and "
            "a gh script next to the worklog, no token); publish (needs --repo and GH_TOKEN or GITHUB_TOKEN).",
        ),
    ] = IssuesChoice.none,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo",
            rich_help_panel="GitHub issues",
            help="owner/name for --issues publish/draft [default: $GITHUB_REPOSITORY].",
        ),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            rich_help_panel="Live source (Cloud Logging)",
            help="Live scan: the Google Cloud project [default: GOOGLE_CLOUD_PROJECT, config, or ADC's].",
        ),
    ] = None,
    resource_type: Annotated[
        str | None,
        typer.Option(
            "--resource-type",
            rich_help_panel="Live source (Cloud Logging)",
            help="Live scan: only this resource.type.",
        ),
    ] = None,
    extra_filter: Annotated[
        str | None,
        typer.Option(
            "--filter",
            rich_help_panel="Live source (Cloud Logging)",
            help="Live scan: a Logging query clause AND-ed to the query.",
        ),
    ] = None,
    max_entries: Annotated[
        int,
        typer.Option(
            "--max-entries",
            rich_help_panel="Live source (Cloud Logging)",
            help="Live scan: stop after this many entries (at least 1).",
        ),
    ] = DEFAULT_MAX_ENTRIES,
    save_export: Annotated[
        Path | None,
        typer.Option(
            "--save-export",
            readable=False,
            rich_help_panel="Live source (Cloud Logging)",
            help="Live scan: also save the fetched entries as NDJSON.",
        ),
    ] = None,
    print_filter: Annotated[
        bool,
        typer.Option(
            "--print-filter",
            rich_help_panel="Live source (Cloud Logging)",
            help="Live scan: print the Logging query and exit.",
        ),
    ] = False,
    logging_endpoint: Annotated[
        str | None,
        typer.Option(
            "--logging-endpoint",
            rich_help_panel="Live source (Cloud Logging)",
            envvar="GARDENER_LOGGING_ENDPOINT",
            help="Logging API endpoint (emulators, tests); http:// endpoints get anonymous credentials.",
        ),
    ] = None,
    state_path: Annotated[
        Path | None,
        typer.Option(
            "--state",
            readable=False,
            rich_help_panel="State",
            help="State kept across runs: marks problems new, recurring or regressed and lists resolved ones "
            f"[default: {STATE_FILE_NAME} in the --out directory, i.e. {DEFAULT_STATE_PATH}; scans limited "
            "with --service keep their own, .gardener-state-SERVICES.json].",
        ),
    ] = None,
    no_state: Annotated[
        bool,
        typer.Option(
            "--no-state", rich_help_panel="State", help="Neither read nor write a state file (no trends)."
        ),
    ] = False,
    fail_on: Annotated[
        PriorityChoice | None,
        typer.Option(
            "--fail-on",
            rich_help_panel="Outputs",
            case_sensitive=False,
            help="Exit with code 1 when a problem at or above this priority is found (CI gating).",
        ),
    ] = None,
    step_summary: Annotated[
        Path | None,
        typer.Option(
            "--step-summary",
            readable=False,
            rich_help_panel="Outputs",
            envvar="GITHUB_STEP_SUMMARY",
            help="Append the worklog, trimmed to 1 MiB, to this GitHub Actions job summary file.",
        ),
    ] = None,
    log_analytics: Annotated[
        str | None,
        typer.Option(
            "--log-analytics",
            rich_help_panel="Log Analytics (BigQuery)",
            help="Scan through Log Analytics: the linked BigQuery dataset, PROJECT.DATASET "
            "[default: config log_analytics.dataset]. --project: who runs (pays for) the query.",
        ),
    ] = None,
    view: Annotated[
        str | None,
        typer.Option(
            "--view", rich_help_panel="Log Analytics (BigQuery)", help="The log view [default: _AllLogs]."
        ),
    ] = None,
    bigquery_endpoint: Annotated[
        str | None,
        typer.Option(
            "--bigquery-endpoint",
            rich_help_panel="Log Analytics (BigQuery)",
            envvar="GARDENER_BIGQUERY_ENDPOINT",
            help="BigQuery API endpoint (emulators, tests); http:// endpoints get anonymous credentials.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            rich_help_panel="Log Analytics (BigQuery)",
            help="Print the Log Analytics query and BigQuery's bytes estimate, and exit.",
        ),
    ] = False,
) -> None:
    """Scan logs, cluster them into problems, rank them P0–P3 and write a worklog."""
    from loggardener.config import ignored_pyproject, load_config
    from loggardener.files import standard_output
    from loggardener.job import Outputs, run_scan_job
    from loggardener.pipeline import ScanOptions
    from loggardener.publishing.run import choose_publisher
    from loggardener.state import state_file_name, trend_line

    for flag, value in (
        ("--out", out_dir),
        ("--state", state_path),
        ("--save-export", save_export),
        ("--step-summary", step_summary),
        ("--templates", templates),
        ("--config", config_path),
    ):
        if value == Path("-"):
            raise GardenerError(
                f"{flag} - would name a file '-': give a path ('-' means standard input or output only for "
                "--from, --report-json and --assignments)"
            )
    _refuse_undecodable(
        {
            "--service": service,
            "--since": since,
            "--until": until,
            "--now": now,
            "--project": project,
            "--resource-type": resource_type,
            "--filter": extra_filter,
            "--repo": repo,
            "--log-analytics": log_analytics,
            "--view": view,
            "--logging-endpoint": logging_endpoint,
            "--bigquery-endpoint": bigquery_endpoint,
        }
    )
    config = load_config(config_path)
    shadowed = None if config_path is not None else ignored_pyproject()
    if shadowed is not None:
        err.print(
            "[bold yellow]note:[/] "
            + escape(
                f"the configuration is gardener.toml; the [tool.gardener] table of {shadowed} is ignored (the "
                "two are never merged): keep one of them"
            ),
            highlight=False,
            soft_wrap=True,
        )
    startup.end()
    options = ScanOptions(
        since=_timestamp(since, "--since"),
        until=_timestamp(until, "--until"),
        hours=_hours(hours, since),
        services=_services(service),
        min_severity=Severity[min_severity.value if min_severity else config.min_severity],
        now=_timestamp(now, "--now") or datetime.now(timezone.utc).replace(microsecond=0),
    )
    _refuse_empty_window(options, since, until, reads_file=bool(from_path or demo))
    dataset = log_analytics or config.log_analytics.dataset
    if log_analytics and (from_path or demo):
        raise GardenerError("use either --log-analytics or --from/--demo, not both", ExitCode.BAD_INPUT)
    if dataset and not (from_path or demo):
        _refuse_options(
            {
                "--max-entries": max_entries != DEFAULT_MAX_ENTRIES,
                "--logging-endpoint": _typed(ctx, "logging_endpoint"),
            },
            "a live scan of Cloud Logging (entries.list), not for --log-analytics",
        )
    else:
        _refuse_options(
            {"--view": view is not None, "--bigquery-endpoint": _typed(ctx, "bigquery_endpoint")},
            "a scan through Log Analytics (--log-analytics PROJECT.DATASET)",
        )
    live = not (demo or from_path or dataset)
    # before the source, which may ask for a token (Log Analytics' client does) over HTTPS already
    endpoints = [
        *([logging_endpoint] if live and not print_filter else []),
        *([bigquery_endpoint] if dataset and not (from_path or demo) else []),
        *([os.environ.get("GITHUB_API_URL", "").strip() or None] if issues.value == "publish" else []),
    ]
    if endpoints:
        from loggardener.files import copy_piped_ca_bundle

        copy_piped_ca_bundle()
    unverifiable = missing_ca_bundle(endpoints) if endpoints else None
    if unverifiable is not None:
        raise unverifiable
    source = _choose_source(
        from_path,
        demo,
        lambda: (
            _log_analytics_source(
                dataset, view, options, project, config, bigquery_endpoint, resource_type, extra_filter,
                save_export, print_filter,
            )
            if dataset
            else _live_source(
                options,
                project,
                config.project,
                logging_endpoint,
                resource_type,
                extra_filter,
                _max_entries(max_entries),
                save_export,
                config.retries,
            )
        ),
    )  # fmt: skip
    if dry_run:
        from loggardener.sources.log_analytics import LogAnalyticsSource

        if not isinstance(source, LogAnalyticsSource):
            raise GardenerError(
                "--dry-run estimates a Log Analytics query: add --log-analytics PROJECT.DATASET",
                ExitCode.BAD_INPUT,
            )
        _refuse_with_dry_run(
            {
                "--issues": issues.value != "none",
                "--report-json": report_json is not None,
                "--assignments": assignments is not None,
                "--state": state_path is not None,
                "--templates": templates is not None,
                "--fail-on": fail_on is not None,
            }
        )
        _print_plain(source.dry_run())
        raise typer.Exit()
    if demo or from_path:  # --project names who runs a Log Analytics query: refused only for a file
        _refuse_live_only(
            {
                "--project": project is not None,
                "--resource-type": resource_type is not None,
                "--filter": extra_filter is not None,
                "--max-entries": max_entries != DEFAULT_MAX_ENTRIES,
                "--save-export": save_export is not None,
                "--logging-endpoint": _typed(ctx, "logging_endpoint"),
            }
        )
    if print_filter:
        if not live:
            raise GardenerError("--print-filter shows the live query; drop --from/--demo", ExitCode.BAD_INPUT)
        _print_plain(source.stats.query_filter or "")
        raise typer.Exit()
    mode: IssuesMode = issues.value
    if mode == "none" and repo is not None:
        raise GardenerError(
            "--repo names where issues go, and no issues are made without --issues draft or --issues publish: "
            "add one, or drop --repo"
        )
    choose_publisher(mode, config.issues, repo, out_dir / "check.md")  # no token or repo: fail early
    if no_state and state_path is not None:
        raise GardenerError("use either --state PATH or --no-state, not both")
    if not no_state and state_path is None:
        state_path = out_dir / state_file_name(options.services)
    to_stdout = report_json == Path("-")
    if to_stdout and assignments == Path("-"):
        raise GardenerError(
            "--report-json - and --assignments - would mix in standard output: give one a path"
        )
    for flag, value in (("--report-json", report_json), ("--assignments", assignments)):
        if value == Path("-"):
            standard_output(flag)  # closed: said now, not found after the scan
    console = err if to_stdout or assignments == Path("-") else out
    outputs = Outputs(
        out_dir=out_dir,
        templates=templates,
        report_json=report_json,
        assignments=assignments,
        step_summary=step_summary,
        state=None if no_state else state_path,
        input_file=Path(from_path) if from_path and from_path != "-" else None,
        save_export=save_export,
        drafts=mode == "draft",
    )
    with _reading(animates(err), source) as (advance, scanned, watch_read):
        result = run_scan_job(
            config,
            options,
            source,
            outputs,
            lambda worklog: _telling_waits(choose_publisher(mode, config.issues, repo, worklog)),
            on_progress=advance,
            on_scanned=scanned,
            on_wait=_stderr_line("waiting"),
            watch_read=watch_read,
        )
    report, worklog = result.report, result.worklog
    _print_summary(console, report, worklog if result.worklog_written else None)
    if result.state is not None and result.state_written:
        console.print(
            f"{trend_line(report)} (state: {escape(str(state_path))}, run {result.state.runs})",
            soft_wrap=True,
        )
    elif result.state is not None:
        console.print(
            f"{trend_line(report)} (state {escape(str(state_path))} unchanged: {result.state_kept_because})",
            soft_wrap=True,
        )
    unpublished = (
        None
        if result.publishing_refused
        else _print_issue_actions(console, report, mode, worklog, result.worklog_written)
    )
    # the gate's finding is said whatever the exit code; a run that failed part-way exits with its own code
    gated = fail_on is not None and _fail_on(report, fail_on.value)
    for failure in result.failures[:-1]:
        err.print(
            f"[bold red]error:[/] {escape(strip_controls(failure.message))}", highlight=False, soft_wrap=True
        )
    if result.failures:
        raise result.failures[-1]
    if unpublished is not None:
        raise unpublished
    if gated:
        raise typer.Exit(1)


def _refuse_empty_window(
    options: ScanOptions, since: str | None, until: str | None, reads_file: bool
) -> None:
    """A window that ends where or before it starts is a usage error, said in the options' words; a live scan's
    window without --until ends now, so a --since in the future is one too (a file may hold any time)."""
    start, end = options.window_bounds()
    if start is None:
        return
    if end is None and not reads_file:
        end = options.now
        if start >= end:
            raise GardenerError(
                f"the window is empty: --since {since} is not before now ({end:%Y-%m-%dT%H:%M:%SZ}), where a "
                "scan without --until ends: give a --since in the past"
            )
    if end is not None and start >= end:
        starts = f"--since {since}" if since else f"--hours {options.hours:g} before it"
        raise GardenerError(
            f"the window is empty: it starts at {starts} and ends at --until {until}: give an --until after "
            "the start"
        )


def _print_plain(text: str) -> None:
    """`text` and a new line on standard output, as it is (no markup, no wrapping)."""
    from loggardener.files import STANDARD_OUTPUT

    STANDARD_OUTPUT.write(text + "\n")
    STANDARD_OUTPUT.flush()


def _fail_on(report: ScanReport, threshold: str) -> bool:
    """`--fail-on P1`: whether a problem at or above P1 was found (exit code 1, everything written first), said
    on stderr when it was."""
    found = [c for c in report.clusters if c.priority <= threshold]
    if found:
        err.print(
            f"failing: {len(found)} problem{'s' if len(found) != 1 else ''} at or above {threshold} "
            f"(--fail-on {threshold})",
            highlight=False,
            soft_wrap=True,
        )
    return bool(found)


def _refuse_given(given: dict[str, bool], explain: Callable[[str, str], str]) -> None:
    """One line naming the options given that do nothing here: `explain(names, "it" or "them")`, exit code 2."""
    named = [name for name, present in given.items() if present]
    if named:
        raise GardenerError(
            explain(", ".join(named), "it" if len(named) == 1 else "them"), ExitCode.BAD_INPUT
        )


def _refuse_with_dry_run(given: dict[str, bool]) -> None:
    """--dry-run scans nothing: an output or gate given with it is an error, never silently skipped (a CI step
    with --dry-run --issues publish looked like it had published)."""
    _refuse_given(
        given,
        lambda names, them: (
            f"--dry-run only prints the query and BigQuery's estimate, so {names} would do "
            f"nothing: drop {them}, or drop --dry-run to scan"
        ),
    )


def _refuse_undecodable(given: dict[str, str | list[str] | None]) -> None:
    """Text options are UTF-8 text: a byte that is not (Python keeps it as a lone surrogate) would fail
    wherever the text is written or sent. File paths may hold any byte and are not checked here."""
    from loggardener.sources.file import displayed

    for flag, value in given.items():
        for text in value if isinstance(value, list) else [value]:
            if text is not None and not is_utf8(text):
                raise GardenerError(
                    f"{flag} {displayed(text)!r} holds bytes that are not UTF-8 text: retype it, or set the "
                    "terminal or the variable that gives it to UTF-8",
                    ExitCode.BAD_INPUT,
                )


def _typed(ctx: typer.Context, name: str) -> bool:
    """The option was given on the command line (not by its environment variable, which CI may set for all)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _refuse_options(given: dict[str, bool], only: str) -> None:
    """Options of another source than the one scanned are an error, never silently ignored."""
    _refuse_given(
        given, lambda names, them: f"{names} {'is' if them == 'it' else 'are'} only for {only}: drop {them}"
    )


def _refuse_live_only(given: dict[str, bool]) -> None:
    """Options that only shape a live scan are an error with --from/--demo, never silently ignored."""
    _refuse_given(
        given,
        lambda names, them: (
            f"{names} {'is' if them == 'it' else 'are'} only for a live scan of Cloud Logging; "
            "drop with --from/--demo"
        ),
    )


def _print_issue_actions(
    console: Console, report: ScanReport, mode: IssuesMode, worklog: Path, worklog_written: bool = True
) -> GardenerError | None:
    """Print what publishing did (each issue it wrote to as well, when the worklog that lists them could not
    be written); the error to exit with when some issues were not published."""
    if mode == "none":
        return None
    from loggardener.publishing.interface import NO_PERMISSION, NOT_ATTEMPTED, TOKEN_REJECTED
    from loggardener.publishing.run import drafts_directory

    actions = report.issue_actions
    tally = Counter(a.action for a in actions)
    counts = ", ".join(f"{n} {name}" for name, n in tally.items())
    console.print(f"Issues: {counts or 'none at or above the threshold'}", soft_wrap=True)
    if mode == "draft" and actions:
        drafts = escape(str(drafts_directory(worklog)))
        console.print(f"Drafts: {drafts} (publish with gh-issues.sh)", soft_wrap=True)
    if not worklog_written:
        for action in actions:
            if action.number is not None and action.action != "failed":
                line = escape(strip_controls(f"#{action.number} {action.title} {action.url or ''}".rstrip()))
                console.print(f"issue {action.action}: {line}", highlight=False, soft_wrap=True)
    failed = [a for a in actions if a.action == "failed"]
    # one cause met by several issues (a 422 on a label every issue carries, a stop that left the rest untried)
    # is said once with their count when the worklog lists each; without it, each issue is its own line
    tried: dict[str, list[IssueAction]] = {}
    untried: dict[str, list[IssueAction]] = {}
    for action in failed:
        if action.detail.startswith(NOT_ATTEMPTED):
            untried.setdefault(action.detail, []).append(action)
        else:
            tried.setdefault(action.detail, []).append(action)
    causes = {a.detail.removeprefix(NOT_ATTEMPTED) for a in failed}
    # one cause that stopped the publishing (an archived repository, a token refused, the repository moved):
    # said once, in the error line, when the worklog lists the issues it met
    one_cause = len(causes) == 1 and worklog_written
    for detail, group in [] if one_cause else [*tried.items(), *untried.items()]:
        for lines in [group] if worklog_written else [[action] for action in group]:
            more = f" and {len(lines) - 1} more" if len(lines) > 1 else ""
            line = escape(strip_controls(f"{lines[0].title}{more}: {detail}"))
            err.print(f"[bold red]issue failed:[/] {line}", highlight=False, soft_wrap=True)
    if not failed:
        return None
    undone = sum(1 for a in failed if a.detail.startswith(NOT_ATTEMPTED))
    denied = any(  # the token rejected, or refused the permission, as on listing
        a.detail.removeprefix(NOT_ATTEMPTED).startswith((NO_PERMISSION, TOKEN_REJECTED)) for a in failed
    )
    return GardenerError(
        f"{len(failed)} of {counted(len(actions), 'issue')} could not be published"
        + (f" ({undone} not attempted)" if undone else "")
        + (f" ({strip_controls(failed[0].title)})" if one_cause and len(failed) == 1 else "")
        + (f": {strip_controls(next(iter(causes)))}" if one_cause else "")
        + ("; the worklog lists them" if worklog_written else "; the lines above list them")
        + (
            ""
            if denied
            else "; rerun the scan to publish them (those published are found again, not duplicated)"
        ),
        ExitCode.CREDENTIALS if denied else ExitCode.PUBLISH_FAILED,
    )


def _print_summary(console: Console, report: ScanReport, worklog: Path | None) -> None:
    totals = report.totals
    console.print(_summary_table(report, console.width))
    hidden = len(report.clusters) - TABLE_ROWS
    if hidden > 0:
        console.print(f"… {hidden} more problem{'s' if hidden != 1 else ''} in the worklog", soft_wrap=True)
    console.print(
        f"{counted(totals.read, 'entry')} read: {totals.clustered} clustered, {totals.skipped_total} skipped"
        + (
            f" ({', '.join(f'{n} {reason}' for reason, n in totals.skipped.items())})"
            if totals.skipped
            else ""
        ),
        soft_wrap=True,
    )
    for line in totals.malformed:
        err.print(f"[yellow]skipped[/] {escape(strip_controls(line.error))}", highlight=False, soft_wrap=True)
    hidden = totals.skipped.get("malformed", 0) - len(totals.malformed)
    if hidden > 0:
        item = "line" if report.query_filter is None else "entry"  # a query's answer has no lines
        err.print(f"[yellow]… and {counted(hidden, f'more malformed {item}')}[/]", soft_wrap=True)
    for note in report.notes:
        err.print(f"[bold yellow]note:[/] {escape(strip_controls(note))}", soft_wrap=True)
    if worklog is not None:
        console.print(f"Worklog: {escape(str(worklog))}", soft_wrap=True)
