"""Log Analytics at scale: the pre-group query in the local engine (DuckDB) on 1M and 10M entries.

For each size: the wall time of the query (DuckDB standing in for BigQuery), the rows it returns, the wall
time and peak RSS of the local stage (what the gardener process does with those rows: parse, reassemble,
cluster, prioritize), next to what reading the same entries through entries.list costs at its quota (60
requests a minute of 1,000 entries: at least 16.7 minutes per million; gardener paces at 50 a minute). At
1M it also runs `gardener scan --from` on the same entries as an export and checks that both scans report
the same problems with the same facts (the equivalence contract). 10M is the 1M entries ten times over,
each copy six hours later with fresh insert ids.

    python benchmarks/bench_log_analytics.py                 # 1M and 10M (several minutes)
    python benchmarks/bench_log_analytics.py --sizes 100000  # a quick look
    python benchmarks/bench_log_analytics.py --inputs /tmp/la-bench   # keep (and reuse) the generated files

Every measurement runs in its own subprocess (peak RSS from os.wait4); the query's figures include
DuckDB's own memory, which on BigQuery stays on Google's side.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from la_support import synthetic  # noqa: E402
from loggardener.config import GardenerConfig  # noqa: E402
from loggardener.pipeline import Scan, ScanOptions  # noqa: E402
from loggardener.sources.log_analytics import (  # noqa: E402
    LogAnalyticsQuery,
    LogAnalyticsSource,
    QueryResult,
    build_sql,
)
from loggardener.sources.log_analytics_local import LocalEngine, view_row  # noqa: E402

PROJECT, DATASET = "synthetic-project", "logs"
COPY_HOURS = 6
QUOTA_PER_MINUTE, GARDENER_PACE, PAGE = 60, 50, 1000
MEMORY_LIMIT = "16GB"


class ReplayEngine:
    """Answers with the rows a query returned before, read one by one from a file of pickles (the local
    stage measured on its own, streaming as it does from BigQuery)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        with path.open("rb") as handle:
            self._columns, self._stats = pickle.load(handle), pickle.load(handle)

    def columns(self, project: str, dataset: str, view: str) -> set[str]:
        columns: set[str] = self._columns
        return columns

    def estimate(self, sql: str) -> int | None:
        return None

    def run(self, sql: str) -> QueryResult:
        def rows() -> Iterator[dict[str, Any]]:
            with self._path.open("rb") as handle:
                pickle.load(handle), pickle.load(handle)
                while True:
                    try:
                        yield pickle.load(handle)
                    except EOFError:
                        return

        return QueryResult(rows(), self._stats)


def _query(size: int) -> LogAnalyticsQuery:
    start = synthetic().START
    hours = COPY_HOURS * max(1, size // 1_000_000)
    # rows never outnumber entries: no limit short of them (the default stops at 1M rows)
    return LogAnalyticsQuery(
        PROJECT, DATASET, "_AllLogs", start, start + timedelta(hours=hours), max_rows=size
    )


def child_query(rows_path: Path, size: int, out: Path) -> dict[str, Any]:
    # On disk with a memory limit: 10M entries do not fit in this machine's memory as DuckDB holds them.
    storage = out.with_suffix(".duckdb")
    storage.unlink(missing_ok=True)
    engine = LocalEngine(PROJECT, DATASET, storage=storage, memory_limit=MEMORY_LIMIT)
    started = time.perf_counter()
    engine.load_ndjson(rows_path)
    copies = max(1, size // 1_000_000)
    if copies > 1:
        table = engine.table
        engine.connection.execute(
            f"INSERT INTO {table} SELECT original.* REPLACE (timestamp + to_hours({COPY_HOURS} * k) AS "
            f"timestamp, insert_id || '-' || k AS insert_id) FROM {table} AS original, "
            f"range(1, {copies}) AS copies(k)"
        )
    loaded = time.perf_counter() - started
    columns = engine.columns(PROJECT, DATASET, "_AllLogs")
    sql = build_sql(_query(size), columns)
    started = time.perf_counter()
    result = engine.run(sql)
    count = 0
    with out.open("wb") as handle:
        pickle.dump(columns, handle)
        pickle.dump(result.stats, handle)
        for row in result.rows:
            pickle.dump(row, handle)
            count += 1
    elapsed = time.perf_counter() - started
    entries = engine.connection.execute(f"SELECT count(*) FROM {engine.table}").fetchone()
    return {
        "load_s": loaded,
        "query_s": elapsed,
        "rows": count,
        "entries": entries[0] if entries else 0,
    }


def child_local(pickled: Path, size: int, report: Path) -> dict[str, Any]:
    started = time.perf_counter()
    query = _query(size)
    source = LogAnalyticsSource(query, ReplayEngine(pickled), PROJECT)
    options = ScanOptions(since=query.start, until=query.end, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    scan_report = Scan(GardenerConfig(), options).run(source)
    elapsed = time.perf_counter() - started
    report.write_text(scan_report.model_dump_json(), encoding="utf-8")
    return {
        "local_s": elapsed,
        "problems": len(scan_report.clusters),
        "clustered": scan_report.totals.clustered,
    }


def _measure(arguments: list[str]) -> tuple[dict[str, Any], float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stdout = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise SystemExit(f"{arguments[0]} failed: {process.stderr.read() if process.stderr else ''}")
    return (json.loads(stdout.splitlines()[-1]) if stdout.strip() else {}), elapsed, usage.ru_maxrss // 1024


def _write_inputs(directory: Path, size: int) -> tuple[Path, Path, int]:
    export, rows = directory / "export.ndjson", directory / "rows.ndjson"
    count = 0
    with export.open("w", encoding="utf-8") as entries, rows.open("w", encoding="utf-8") as view:
        for position, entry in enumerate(synthetic().generate(size, seed=11), start=1):
            entries.write(json.dumps(entry) + "\n")
            row = view_row(entry, position)
            assert row is not None
            view.write(json.dumps(row, separators=(",", ":"), sort_keys=True) + "\n")
            count += 1
    return export, rows, count


def _same_problems(analytics: dict[str, Any], local: dict[str, Any]) -> bool:
    keys = ("fingerprint", "count", "events", "first_seen", "last_seen", "severities", "priority")
    pick = [{k: c[k] for k in keys} for c in analytics["clusters"]]
    return pick == [{k: c[k] for k in keys} for c in local["clusters"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument(
        "--inputs",
        type=Path,
        help="keep the generated export.ndjson and rows.ndjson here (reused if present)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, first, size, out = args.child
        run = child_query if kind == "query" else child_local
        print(json.dumps(run(Path(first), int(size), Path(out))))
        return
    lines = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        inputs = args.inputs or directory
        inputs.mkdir(parents=True, exist_ok=True)
        export, rows_path = inputs / "export.ndjson", inputs / "rows.ndjson"
        started = time.perf_counter()
        if export.exists() and rows_path.exists():
            with rows_path.open("rb") as handle:
                generated = sum(1 for _ in handle)
        else:
            export, rows_path, generated = _write_inputs(inputs, min(1_000_000, max(args.sizes)))
        print(f"{generated:,} entries ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for size in args.sizes:
            if size % 1_000_000 and size > 1_000_000:
                raise SystemExit("sizes above 1M must be whole millions")
            rows_for_size = rows_path
            if size < generated:
                rows_for_size = directory / f"rows-{size}.ndjson"
                with (
                    rows_path.open(encoding="utf-8") as source,
                    rows_for_size.open("w", encoding="utf-8") as target,
                ):
                    for _, line in zip(range(size), source, strict=False):
                        target.write(line)
            pickled, report = directory / f"rows-{size}.pickle", directory / f"report-{size}.json"
            query, _, query_rss = _measure(["--child", "query", str(rows_for_size), str(size), str(pickled)])
            local, _, local_rss = _measure(["--child", "local", str(pickled), str(size), str(report)])
            minutes_quota = query["entries"] / PAGE / QUOTA_PER_MINUTE
            minutes_paced = query["entries"] / PAGE / GARDENER_PACE
            equivalent = "—"
            if size == generated:
                out = directory / "from"
                command = [
                    sys.executable,
                    "-m",
                    "loggardener",
                    "scan",
                    "--from",
                    str(export),
                    "--out",
                    str(out),
                ]
                command += [
                    "--no-state",
                    "--report-json",
                    str(directory / "from.json"),
                    "--now",
                    "2026-12-01T00:00:00Z",
                ]
                command += [
                    "--since",
                    _query(size).start.isoformat(),
                    "--until",
                    _query(size).end.isoformat(),
                ]
                started = time.perf_counter()
                process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                _, status, usage = os.wait4(process.pid, 0)
                from_wall = time.perf_counter() - started
                if status != 0:
                    raise SystemExit(f"scan --from failed: {process.stderr.read() if process.stderr else ''}")
                same = _same_problems(
                    json.loads(report.read_text(encoding="utf-8")),
                    json.loads((directory / "from.json").read_text(encoding="utf-8")),
                )
                equivalent = "identical" if same else "DIFFERENT"
                lines.append(
                    f"| {query['entries']:,} | `scan --from` export | — | — | {from_wall:.1f} | "
                    f"{usage.ru_maxrss // 1024} | — | — |"
                )
            lines.append(
                f"| {query['entries']:,} | Log Analytics (DuckDB) | {query['query_s']:.1f} | {query['rows']:,} "
                f"| {local['local_s']:.1f} | {local_rss} (query process: {query_rss}) | "
                f"{minutes_quota:.1f} / {minutes_paced:.1f} | {equivalent} |"
            )
            print("\n".join(lines[-2 if size == generated else -1 :]), file=sys.stderr)  # as it goes
    print(
        "| entries | path | query wall s | rows returned | local stage wall s | peak RSS MB "
        "| entries.list min (quota / gardener pace) | problems vs --from |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
