"""Scans of the same entries through `--from` and through Log Analytics (the local DuckDB engine)."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from loggardener.config import GardenerConfig
from loggardener.pipeline import Scan, ScanOptions
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
    """A local Log Analytics holding the entries (each `copies` times: Log Analytics does not deduplicate)."""
    engine = LocalEngine(PROJECT, DATASET)
    rows = [row for entry in entries if (row := view_row(entry)) is not None]
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


def assert_equivalent(local: ScanReport, analytics: ScanReport, literal_titles: bool = True) -> None:
    """Same problems with the same facts, same totals of what was triaged. Left out: what the linking stage
    derives (links, incidents, suspect revisions, and the reasons they add), which Log Analytics approximates
    from the entries it returns in full and from the WARNING-and-above groups it reads.

    `literal_titles=False`: a title may show a literal number where `--from` shows `<*>` (a title shows what
    all of a problem's messages share, and Log Analytics reads only some messages of a group whose digits
    vary); the title must still read as the `--from` one with words holding digits in its wildcards."""
    assert analytics.totals.clustered == local.totals.clustered
    assert analytics.totals.events == local.totals.events
    assert analytics.totals.by_severity == local.totals.by_severity
    assert analytics.totals.reassembled_tracebacks == local.totals.reassembled_tracebacks
    assert [c.fingerprint for c in analytics.clusters] == [c.fingerprint for c in local.clusters]
    for mine, theirs in zip(analytics.clusters, local.clusters, strict=True):
        derived = {"related", "causes", "effects", "incident", "suspect_revision", "reasons"}
        if not literal_titles:
            derived.add("title")
            wildcards = [re.escape(part) for part in theirs.title.split("<*>")]
            assert re.fullmatch(r"(?:\S*\d\S*|<\*>)".join(wildcards), mine.title), (
                mine.title,
                theirs.title,
            )
        assert mine.model_dump(exclude=derived) == theirs.model_dump(exclude=derived), mine.fingerprint
    assert analytics.status == local.status
