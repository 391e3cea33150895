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
    python benchmarks/bench_scan.py --entries 20000 --instructions --baseline DIR/src  # per entry, load aside

`--instructions` also counts the instructions of the one-process scan (valgrind's callgrind, about 50 times
slower than the scan) and of the scan of the export's first entry alone (start-up and the report's fixed cost),
and prints the difference per entry: the one figure of the per-entry path that a shared machine's load does not
move.
"""

from __future__ import annotations

import argparse
import ctypes
import gzip
import importlib.util
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

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


class Measured(NamedTuple):
    cpu: float
    """CPU seconds (user and system) of the process and of every process it started (the scan's workers)."""
    wall: float
    rss: int
    """Peak RSS in MB of the process itself (each worker's is its own, and smaller)."""
    stdout: str


def _adopt_orphans() -> None:
    """Become the reaper of our descendants' orphans (Linux), so that the CPU time of processes a scan starts
    and does not wait for itself (the forkserver of its workers, which reaps them) is counted too."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def run(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """CPU seconds (steadier than wall time on a shared machine), wall seconds, peak RSS and standard output
    of a whole process, its descendants' CPU time included."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True, env=env)
        _, status, own = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        while True:  # the orphans it left (`_adopt_orphans`), which end once their parent is gone
            try:
                os.wait()
            except ChildProcessError:
                break
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stdout.seek(0)
        stderr.seek(0)
        if status != 0:
            raise SystemExit(f"{command[:4]} failed ({status}): {stderr.read()}")
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return Measured(cpu, wall, own.ru_maxrss // 1024, stdout.read())


def interleaved(
    repeat: int, commands: dict[str, tuple[list[str], dict[str, str] | None]]
) -> dict[str, Measured]:
    """`run` each command `repeat` times, one round of all commands after another (the machine's noise then
    falls on all of them alike): per command, the median CPU and wall seconds and peak RSS, and the last
    standard output."""
    runs: dict[str, list[Measured]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, env) in commands.items():
            runs[name].append(run(command, env))
    return {
        name: Measured(
            statistics.median(r.cpu for r in results),
            statistics.median(r.wall for r in results),
            int(statistics.median(r.rss for r in results)),
            results[-1].stdout,
        )
        for name, results in runs.items()
    }


def instructions(command: list[str], env: dict[str, str] | None) -> int:
    """The instructions a whole process ran, its start-up included, counted by valgrind's callgrind."""
    with tempfile.TemporaryDirectory() as scratch:
        counted = Path(scratch) / "callgrind.out"
        run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={counted}", *command], env)
        totals = (line for line in counted.read_text().splitlines() if line.startswith("summary:"))
        return int(next(totals).split()[1])


def per_entry_instructions(
    export: Path, entries: int, out: Path, config: Path, env: dict[str, str] | None
) -> float:
    """Instructions per entry of the one-process scan of `export`: its count less the count of the scan of its
    first entry alone (after an uncounted run of that, which fills the tree's code cache)."""
    first = export.with_name(f"first-of-{export.name}")
    with export.open("rb") as lines:
        first.write_bytes(lines.readline())
    run(scan_command(first, out, None, config), env)
    start = instructions(scan_command(first, out, None, config), env)
    whole = instructions(scan_command(export, out, None, config), env)
    first.unlink()
    return (whole - start) / max(entries - 1, 1)


def scan_command(export: Path, out: Path, profile: Path | None, config: Path | None = None) -> list[str]:
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    options = ["--config", str(config)] if config is not None else []
    return [
        *command,
        "-m",
        "loggardener",
        "scan",
        "--from",
        str(export),
        "--out",
        str(out),
        "--no-state",
        *options,
    ]


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
        "--instructions",
        action="store_true",
        help="also count the one-process scan's instructions per entry (valgrind's callgrind; slow: use 20,000 "
        "entries or fewer)",
    )
    parser.add_argument(
        "--mix",
        choices=("realistic", "demo"),
        default="realistic",
        help="the export: issue 13's realistic mix (default), or copies of the demo incident",
    )
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions counts with valgrind's callgrind: install valgrind")
    _adopt_orphans()
    rows: list[tuple[str, int, str, Measured, Measured, Measured]] = []
    profiles: list[tuple[int, Path]] = []
    counted: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        one_process = Path(scratch) / "one-process.toml"
        one_process.write_text("[entries]\nworkers = 1\n", encoding="utf-8")
        # label, environment, configuration
        variants: list[tuple[str, dict[str, str] | None, Path | None]] = [
            ("this tree, one process", None, one_process),
            ("this tree", None, None),
        ]
        if args.baseline is not None:
            # a cache of its own (`loggardener.cache` keeps one entry per name, keyed by the tree's files)
            baseline = dict(
                os.environ, PYTHONPATH=str(args.baseline.resolve()), XDG_CACHE_HOME=f"{scratch}/cache"
            )
            variants.insert(0, ("baseline", baseline, None))
        for asked in args.entries:
            export = Path(scratch) / f"export-{asked}.ndjson"
            entries = (build_realistic_export if args.mix == "realistic" else build_export)(asked, export)
            commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
                label: (scan_command(export, Path(scratch) / "out", None, config), env)
                for label, env, config in variants
            }
            for module in ("json", "orjson"):
                commands[module] = ([sys.executable, "-c", _FLOOR.format(module=module), str(export)], None)
            measured = interleaved(args.repeat, commands)
            for label, _, _ in variants:
                scan = measured[label]
                problems = next(
                    (
                        line.split()[0]
                        for line in scan.stdout.splitlines()
                        if line.split()[1:2] == ["problems"]
                    ),
                    "?",
                )
                rows.append((label, entries, problems, scan, measured["json"], measured["orjson"]))
            if args.instructions:
                for label, env, _ in variants:
                    if label != "this tree":  # (callgrind counts one process: not the workers')
                        out = Path(scratch) / "out"
                        counted.append(
                            (label, entries, per_entry_instructions(export, entries, out, one_process, env))
                        )
            if args.profile:
                profile = Path(scratch) / f"scan-{asked}.prof"
                run(scan_command(export, Path(scratch) / "out", profile, one_process))
                profiles.append((entries, profile))
            export.unlink()
        print(
            "| scan | entries | problems | `gardener scan` CPU s (all processes), wall s, RSS "
            "| floor: read + stdlib json | floor: read + orjson | scan entries per CPU s "
            "| gardener / orjson floor: CPU, wall |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, entries, problems, scan, floor_json, floor_orjson in rows:
            print(
                f"| {label} | {entries:,} | {problems} | {scan.cpu:.2f} s, {scan.wall:.2f} s, {scan.rss} MB "
                f"| {floor_json.cpu:.2f} s, {floor_json.rss} MB | {floor_orjson.cpu:.2f} s, {floor_orjson.rss} MB "
                f"| {entries / scan.cpu:,.0f} | {scan.cpu / floor_orjson.cpu:.1f}x, "
                f"{scan.wall / floor_orjson.wall:.1f}x |"
            )
        if counted:
            print(
                "\n| scan in one process | entries | instructions per entry (less the first entry's scan) |"
            )
            print("|---|---:|---:|")
            for label, entries, per_entry in counted:
                print(f"| {label} | {entries:,} | {per_entry:,.0f} |")
        for entries, profile in profiles:
            print(
                f"\nTop 10 functions by own time, `gardener scan` in one process of {entries:,} entries "
                "(under cProfile):"
            )
            pstats.Stats(str(profile), stream=sys.stdout).sort_stats("tottime").print_stats(10)


if __name__ == "__main__":
    main()
