"""Scans of the same entries through `--from` and through Log Analytics (the local DuckDB engine)."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from loggardener.clustering.models import Cluster
from loggardener.config import GardenerConfig
from loggardener.pipeline import Scan, ScanOptions
from loggardener.prioritizing.impact import EFFECT_PREFIX
from loggardener.prioritizing.rules import CAUSE_SUFFIX
from loggardener.report import ScanReport
from loggardener.sources.interface import EntrySource
from loggardener.sources.log_analytics import LogAnalyticsQuery, LogAnalyticsSource
from loggardener.sources.log_analytics_local import LocalEngine, view_row

PROJECT, DATASET = "synthetic-project", "logs"
EVER = (datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))
NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)
SHARED = Path(__file__).parents[1] / ".." / "shared"


def synthetic() -> ModuleType:
    """scripts/synthetic_export.py as a module."""
    path = Path(__file__).parents[1] / "scripts" / "synthetic_export.py"
    spec = importlib.util.spec_from_file_location("synthetic_export", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entries_of(source: EntrySource) -> Iterator[dict[str, Any]]:
    for record in source.records():
        if record.entry is not None:
            yield record.entry


def engine_with(entries: Iterable[dict[str, Any]], copies: int = 1) -> LocalEngine:
    """A local Log Analytics holding the entries (each `copies` times: Log Analytics does not deduplicate): the
    process's one engine, with these rows in place of the last call's, so use it before calling again (a test
    that keeps an engine takes `own_engine_with`). DuckDB then plans each generated query once a process:
    planning its 78 KB of SQL takes longer than running it on a test's rows."""
    global _SHARED
    if _SHARED is None:
        _SHARED = _new_engine(reuse_plans=True)
    return _loaded(_SHARED, entries, copies)


def own_engine_with(entries: Iterable[dict[str, Any]], copies: int = 1) -> LocalEngine:
    """`engine_with`'s rows in an engine of the caller's own, which later calls leave alone."""
    return _loaded(_new_engine(reuse_plans=False), entries, copies)


_SHARED: LocalEngine | None = None


def _new_engine(reuse_plans: bool) -> LocalEngine:
    # Without DuckDB's expression rewriter: it spends about a third of each query's time rewriting the generated
    # SQL's few thousand expressions, on tables of a few rows. An optimizer pass never changes what a query
    # answers (BigQuery, which the SQL is written for, has its own), so the comparisons mean the same.
    engine = LocalEngine(
        PROJECT, DATASET, reuse_plans=reuse_plans, disabled_optimizers=["expression_rewriter"]
    )
    # One DuckDB thread: the suite runs a worker per core, and on queries of a few thousand rows more threads
    # only add their coordination (about a third more CPU time, and more wall time on a busy machine).
    engine.connection.execute("SET threads = 1")
    return engine


def _loaded(engine: LocalEngine, entries: Iterable[dict[str, Any]], copies: int) -> LocalEngine:
    rows = [row for at, entry in enumerate(entries, start=1) if (row := view_row(entry, at)) is not None]
    engine.load_rows(row for row in rows for _ in range(copies))
    return engine


def log_analytics_report(
    engine: LocalEngine, config: GardenerConfig | None = None, **options: Any
) -> ScanReport:
    config = config or GardenerConfig()
    scan_options = ScanOptions(now=NOW, **options)
    start, end = scan_options.window_bounds()
    query = LogAnalyticsQuery(
        PROJECT,
        DATASET,
        "_AllLogs",
        start or EVER[0],
        end or EVER[1],
        min_severity=scan_options.min_severity,
        bucket_seconds=config.clustering.bucket_minutes * 60,
        samples=config.clustering.samples_per_cluster,
        reassembly_gap_seconds=config.entries.reassembly_gap_seconds,
    )
    return Scan(config, scan_options).run(LogAnalyticsSource(query, engine, PROJECT))


def local_report(source: EntrySource, config: GardenerConfig | None = None, **options: Any) -> ScanReport:
    return Scan(config or GardenerConfig(), ScanOptions(now=NOW, **options)).run(source)


def _raised_by_a_link(cluster: Cluster) -> bool:
    return any(
        reason.endswith(CAUSE_SUFFIX) or reason.startswith(EFFECT_PREFIX) for reason in cluster.reasons
    )


def _assert_same_priority_but_for_links(mine: Cluster, theirs: Cluster) -> None:
    """The same priority, unless linking raised one (to a cause's or an effect's): then the raised one is at
    least as urgent as the other."""
    raised = (_raised_by_a_link(mine), _raised_by_a_link(theirs))
    if raised == (False, False):
        assert mine.priority == theirs.priority, mine.fingerprint
    elif raised == (True, False):
        assert mine.priority <= theirs.priority, mine.fingerprint
    elif raised == (False, True):
        assert theirs.priority <= mine.priority, mine.fingerprint


def assert_equivalent(local: ScanReport, analytics: ScanReport, literal_titles: bool = True) -> None:
    """Same problems with the same facts, same totals of what was triaged. Left out: what the linking stage
    derives (links, incidents, suspect revisions, and the reasons and
    raised priorities they add), which Log Analytics approximates
    from the entries it returns in full and from the WARNING-and-above groups it reads.

    `literal_titles=False`: a title may show a literal number where `--from` shows `<*>` (a title shows what
    all of a problem's messages share, and Log Analytics reads only some messages of a group whose digits
    vary); the title must still read as the `--from` one with words holding digits in its wildcards."""
    assert analytics.totals.clustered == local.totals.clustered
    assert analytics.totals.events == local.totals.events
    assert analytics.totals.by_severity == local.totals.by_severity
    assert analytics.totals.reassembled_tracebacks == local.totals.reassembled_tracebacks
    assert sorted(c.fingerprint for c in analytics.clusters) == sorted(c.fingerprint for c in local.clusters)
    local_clusters = {c.fingerprint: c for c in local.clusters}
    for mine in analytics.clusters:
        theirs = local_clusters[mine.fingerprint]
        derived = {"related", "causes", "effects", "incident", "suspect_revision", "reasons", "priority"}
        if not literal_titles:
            derived.add("title")
            wildcards = [re.escape(part) for part in theirs.title.split("<*>")]
            assert re.fullmatch(r"(?:\S*\d\S*|<\*>)".join(wildcards), mine.title), (
                mine.title,
                theirs.title,
            )
        assert mine.model_dump(exclude=derived) == theirs.model_dump(exclude=derived), mine.fingerprint
        _assert_same_priority_but_for_links(mine, theirs)
    if [c.priority for c in analytics.clusters] == [
        local_clusters[c.fingerprint].priority for c in analytics.clusters
    ]:
        # the report orders problems by priority first, then by their facts
        assert [c.fingerprint for c in analytics.clusters] == [c.fingerprint for c in local.clusters]
        assert analytics.status == local.status
    # linking raises a problem only to another's priority, so the most urgent one stays the same
    assert analytics.status.split(":")[0] == local.status.split(":")[0]
