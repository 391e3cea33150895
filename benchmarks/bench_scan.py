"""Scan throughput and memory: `gardener scan --from` on exports of growing size, whole process.

Builds NDJSON exports by repeating the bundled demo incident (timestamps shifted one hour per copy, fresh
insertIds), runs `gardener scan` on each in a subprocess, and reports wall time, entries/s and peak RSS side
by side in one run. Memory that stays flat while the export grows is what streaming promises.

    python benchmarks/bench_scan.py                  # 1, 10 and 50 copies of the demo (1.3k to 67k entries)
    python benchmarks/bench_scan.py --copies 1 20 100
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from loggardener.sources.demo import demo_export_path


def _shift(timestamp: str, hours: int) -> str:
    moment = datetime.fromisoformat(timestamp[:26])  # keep microseconds, drop nanos and Z
    return (moment + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_export(copies: int, path: Path) -> int:
    entries = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for entry in entries:
                shifted = dict(
                    entry, insertId=f"{entry['insertId']}-{copy}", timestamp=_shift(entry["timestamp"], copy)
                )
                handle.write(json.dumps(shifted) + "\n")
    return copies * len(entries)


def run_scan(export: Path, out: Path) -> tuple[float, int, str]:
    command = [
        sys.executable,
        "-m",
        "loggardener",
        "scan",
        "--from",
        str(export),
        "--out",
        str(out),
        "--no-state",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stdout = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise SystemExit(f"scan failed ({status}): {process.stderr.read() if process.stderr else ''}")
    problems = next(
        (line.split()[0] for line in stdout.splitlines() if line.split()[1:2] == ["problems"]), "?"
    )
    return elapsed, usage.ru_maxrss // 1024, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 50])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for copies in args.copies:
            export = Path(scratch) / f"export-{copies}.ndjson"
            entries = build_export(copies, export)
            elapsed, rss_mb, problems = run_scan(export, Path(scratch) / "out")
            rows.append((copies, entries, elapsed, entries / elapsed, rss_mb, problems))
            export.unlink()
    base_rate, base_rss = rows[0][3], rows[0][4]
    print(
        "| demo copies | entries | wall s | entries/s | peak RSS MB | problems | rate vs first | RSS vs first |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for copies, entries, elapsed, rate, rss_mb, problems in rows:
        print(
            f"| {copies} | {entries:,} | {elapsed:.1f} | {rate:,.0f} | {rss_mb} | {problems} "
            f"| {rate / base_rate:.2f}x | {rss_mb / base_rss:.2f}x |"
        )


if __name__ == "__main__":
    main()
