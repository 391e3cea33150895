"""Scan throughput and memory: `gardener scan --from` against the JSON-decoding floors, whole processes.

Builds an NDJSON export of the asked number of entries, then runs, each in its own process, side by side in
one run: `gardener scan --from` on the export, and two floors that only read the export and decode every line
(the standard library's `json`, and orjson, which the scan uses). It prints CPU time (user and system,
steadier than wall time on a shared machine), entries per CPU second and peak RSS of each, and the scan's time
as a multiple of the orjson floor. Memory that stays flat while the export grows is what streaming promises.

The export (`--mix`): `realistic` (the default) is issue 13's mix, `scripts/synthetic_export.py`'s
`realistic` generator: request logs, structured and plain logs, split Python tracebacks, audit entries,
Java, Go and Node.js stacks, most entries below WARNING; `demo` repeats the bundled demo incident
(timestamps shifted one hour per copy, fresh insertIds), the export of the first measurements.

    python benchmarks/bench_scan.py                            # 100,000 entries
    python benchmarks/bench_scan.py --entries 100000 1000000   # the table of issue 13
    python benchmarks/bench_scan.py --repeat 3                 # medians of 3 interleaved rounds
    python benchmarks/bench_scan.py --baseline DIR/src         # and the scan of another commit's tree
    python benchmarks/bench_scan.py --entries 20000 --profile  # and the scan's top 10 functions (cProfile)
    python benchmarks/bench_scan.py --mix demo                 # copies of the demo incident
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from loggardener.sources.demo import demo_export_path


def _shift(timestamp: str, hours: int) -> str:
    moment = datetime.fromisoformat(timestamp[:26])  # keep microseconds, drop nanos and Z
    return (moment + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_realistic_export(entries: int, path: Path) -> int:
    """Write `entries` entries of `scripts/synthetic_export.py`'s realistic mix (seed 7)."""
    script = Path(__file__).parents[1] / "scripts" / "synthetic_export.py"
    spec = importlib.util.spec_from_file_location("synthetic_export", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    below = 0
    with path.open("w", encoding="utf-8") as handle:
        for entry in module.realistic(entries, 7):
            below += entry.get("severity") in _BELOW_WARNING
            handle.write(json.dumps(entry) + "\n")
    print(
        f"realistic export: {entries:,} entries, {below / entries:.0%} of them logged below WARNING",
        flush=True,
    )
    return entries


_BELOW_WARNING = (None, "DEFAULT", "DEBUG", "INFO", "NOTICE")


def build_export(entries: int, path: Path) -> int:
    """Write at least `entries` entries (whole copies of the demo); returns how many were written."""
    demo = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    copies = -(-entries // len(demo))
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for entry in demo:
                shifted = dict(
                    entry, insertId=f"{entry['insertId']}-{copy}", timestamp=_shift(entry["timestamp"], copy)
                )
                handle.write(json.dumps(shifted) + "\n")
    return copies * len(demo)


_FLOOR = """
import sys
from {module} import loads
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        loads(line)
"""


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """CPU seconds (user and system: steadier than wall time on a shared machine), peak RSS in MB and
    standard output of a whole process."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = usage.ru_utime + usage.ru_stime
    stdout = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise SystemExit(
            f"{command[:4]} failed ({status}): {process.stderr.read() if process.stderr else ''}"
        )
    return elapsed, usage.ru_maxrss // 1024, stdout


def interleaved(
    repeat: int, commands: dict[str, tuple[list[str], dict[str, str] | None]]
) -> dict[str, tuple[float, int, str]]:
    """`run` each command `repeat` times, one round of all commands after another (the machine's noise then
    falls on all of them alike): per command, the median CPU seconds and peak RSS, and the last standard
    output."""
    runs: dict[str, list[tuple[float, int, str]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, env) in commands.items():
            runs[name].append(run(command, env))
    return {
        name: (
            statistics.median(r[0] for r in results),
            int(statistics.median(r[1] for r in results)),
            results[-1][2],
        )
        for name, results in runs.items()
    }


def scan_command(export: Path, out: Path, profile: Path | None) -> list[str]:
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    return [*command, "-m", "loggardener", "scan", "--from", str(export), "--out", str(out), "--no-state"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[100_000])
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of runs of every process, interleaved; medians are shown",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also scan with the loggardener of this directory (e.g. `git archive COMMIT src templates | "
        "tar -x -C DIR`, then DIR/src), for a before/after row against the same floors",
    )
    parser.add_argument("--profile", action="store_true", help="also profile the scan; print its top 10")
    parser.add_argument(
        "--mix",
        choices=("realistic", "demo"),
        default="realistic",
        help="the export: issue 13's realistic mix (default), or copies of the demo incident",
    )
    args = parser.parse_args()
    rows: list[tuple[str, int, str, tuple[float, int], tuple[float, int], tuple[float, int]]] = []
    profiles: list[tuple[int, Path]] = []
    with tempfile.TemporaryDirectory() as scratch:
        variants: list[tuple[str, dict[str, str] | None]] = [("this tree", None)]
        if args.baseline is not None:
            # a cache of its own (`loggardener.cache` keeps one entry per name, keyed by the tree's files)
            baseline = dict(
                os.environ, PYTHONPATH=str(args.baseline.resolve()), XDG_CACHE_HOME=f"{scratch}/cache"
            )
            variants.insert(0, ("baseline", baseline))
        for asked in args.entries:
            export = Path(scratch) / f"export-{asked}.ndjson"
            entries = (build_realistic_export if args.mix == "realistic" else build_export)(asked, export)
            commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
                label: (scan_command(export, Path(scratch) / "out", None), env) for label, env in variants
            }
            for module in ("json", "orjson"):
                commands[module] = ([sys.executable, "-c", _FLOOR.format(module=module), str(export)], None)
            measured = interleaved(args.repeat, commands)
            json_s, json_rss, _ = measured["json"]
            orjson_s, orjson_rss, _ = measured["orjson"]
            for label, _ in variants:
                scan_s, scan_rss, stdout = measured[label]
                problems = next(
                    (line.split()[0] for line in stdout.splitlines() if line.split()[1:2] == ["problems"]),
                    "?",
                )
                rows.append(
                    (label, entries, problems, (scan_s, scan_rss), (json_s, json_rss), (orjson_s, orjson_rss))
                )
            if args.profile:
                profile = Path(scratch) / f"scan-{asked}.prof"
                run(scan_command(export, Path(scratch) / "out", profile))
                profiles.append((entries, profile))
            export.unlink()
        print(
            "| scan | entries | problems | `gardener scan` CPU s, RSS | floor: read + stdlib json | floor: read + orjson "
            "| scan entries per CPU s | gardener / orjson floor |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, entries, problems, (scan_s, scan_rss), (json_s, json_rss), (orjson_s, orjson_rss) in rows:
            print(
                f"| {label} | {entries:,} | {problems} | {scan_s:.2f} s, {scan_rss} MB | {json_s:.2f} s, {json_rss} MB "
                f"| {orjson_s:.2f} s, {orjson_rss} MB | {entries / scan_s:,.0f} | {scan_s / orjson_s:.1f}x |"
            )
        for entries, profile in profiles:
            print(f"\nTop 10 functions by own time, `gardener scan` of {entries:,} entries (under cProfile):")
            pstats.Stats(str(profile), stream=sys.stdout).sort_stats("tottime").print_stats(10)


if __name__ == "__main__":
    main()
