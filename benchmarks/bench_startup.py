"""Start-up: whole-process wall time of `gardener --help` and `gardener scan --demo`, next to the interpreter's.

Runs, side by side in one run and interleaved round by round (so a busy moment of a shared machine hits every
row alike): `python -c pass` (the floor no command can beat), the import of the libraries a scan cannot do
without (typer, rich, pydantic, jinja2, RE2, filelock, orjson, ijson: the floor of a scan's start-up),
`gardener --help`, and `gardener scan --demo --out TMP` (a fresh directory each time: it writes a worklog and
a state file). Prints the median wall seconds of each (the figure a user waits for), its minimum and maximum
(the spread: a goal such as issue 13's 0.5 s is met reliably only when the maximum is under it too), and the
median CPU seconds (user and system: less disturbed by other work on a shared machine), for this tree and,
with `--baseline`, for another tree.

    python benchmarks/bench_startup.py                          # 10 runs of each
    python benchmarks/bench_startup.py --runs 20 --baseline DIR/src

Make a baseline with `git archive COMMIT src templates | tar -x -C DIR`. Each tree's modules are compiled to
bytecode first (`compileall`, into their `__pycache__`), as installing a package compiles them: with
PYTHONDONTWRITEBYTECODE set (as some shells, containers and CI images set it) an archived or freshly cloned tree
would otherwise have none, and every timed process would compile gardener's modules from source again, about
0.3 s more for the demo scan. One untimed scan per tree then fills gardener's cache (detect-secrets' derived
rules, compiled templates), as any earlier run would have. The `gardener` script next to the interpreter is used
when there is one (as a user runs it), else `python -m loggardener`; PYTHONPATH picks the tree either way.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
LIBRARIES = "typer, rich.console, rich.table, pydantic, jinja2, re2, filelock, orjson, ijson"


def gardener() -> list[str]:
    script = Path(sys.executable).with_name("gardener")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "loggardener"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system) of one whole process, which must succeed."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed ({status}): {errors.read().decode()[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command; the median is shown")
    parser.add_argument("--baseline", type=Path, help="also time the loggardener of this directory (DIR/src)")
    args = parser.parse_args()
    trees = [("this tree", SOURCE)]
    if args.baseline is not None:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    commands = [
        ("`python -c pass`", [sys.executable, "-c", "pass"]),
        ("third-party imports of a scan", [sys.executable, "-c", f"import {LIBRARIES}"]),
        ("`gardener --help`", [*gardener(), "--help"]),
    ]
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        # Each tree has a cache of its own (`loggardener.cache` keeps one entry per name, keyed by the tree's
        # files: trees sharing one would evict each other's every round), filled by a first scan, not timed.
        environments = {
            label: dict(os.environ, PYTHONPATH=str(tree), XDG_CACHE_HOME=f"{scratch}/cache-{index}")
            for index, (label, tree) in enumerate(trees)
        }
        for label, tree in trees:
            compileall.compile_dir(tree, quiet=1)  # also where PYTHONDONTWRITEBYTECODE keeps imports from it
            timed([*gardener(), "scan", "--demo", "--out", f"{scratch}/first"], environments[label])
        for round_ in range(args.runs):
            for label, _ in trees:
                env = environments[label]
                out = Path(scratch) / f"{round_}-{label.replace(' ', '-')}"
                scan = [*gardener(), "scan", "--demo", "--out", str(out)]
                for name, command in [*commands, ("`gardener scan --demo`", scan)]:
                    times.setdefault((name, label), []).append(timed(command, env))
    labels = [label for label, _ in trees]
    print(f"Median of {args.runs} runs: wall seconds (minimum-maximum), CPU seconds\n")
    print("| command | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for name in dict.fromkeys(name for name, _ in times):
        cells = []
        for label in labels:
            walls = [wall for wall, _ in times[name, label]]
            cpu = statistics.median(cpu for _, cpu in times[name, label])
            cells.append(f"{statistics.median(walls):.3f} ({min(walls):.3f}-{max(walls):.3f}), {cpu:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
