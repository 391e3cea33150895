"""Start-up: whole-process wall time of `gardener --help` and `gardener scan --demo`, next to the interpreter's.

Runs, side by side in one run and interleaved round by round (so a busy moment of a shared machine hits every
row alike): `python -c pass` (the floor no command can beat), the import of the libraries a scan cannot do
without (typer, rich, pydantic, jinja2, RE2, filelock, orjson, ijson: the floor of a scan's start-up),
`gardener --help`, and `gardener scan --demo --out TMP` (a fresh directory each time: it writes a worklog and
a state file). Prints the median wall seconds of each, and its minimum, for this tree and, with `--baseline`,
for another tree.

    python benchmarks/bench_startup.py                          # 10 runs of each
    python benchmarks/bench_startup.py --runs 20 --baseline DIR/src

Make a baseline with `git archive COMMIT src templates | tar -x -C DIR`. The `gardener` script next to the
interpreter is used when there is one (as a user runs it), else `python -m loggardener`; PYTHONPATH picks the
tree either way.
"""

from __future__ import annotations

import argparse
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


def wall(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one whole process, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


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
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.runs):
            for label, tree in trees:
                env = dict(os.environ, PYTHONPATH=str(tree))
                out = Path(scratch) / f"{round_}-{label.replace(' ', '-')}"
                scan = [*gardener(), "scan", "--demo", "--out", str(out)]
                for name, command in [*commands, ("`gardener scan --demo`", scan)]:
                    times.setdefault((name, label), []).append(wall(command, env))
    labels = [label for label, _ in trees]
    print(f"Median wall seconds of {args.runs} runs (minimum in brackets)\n")
    print("| command | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for name in dict.fromkeys(name for name, _ in times):
        cells = [
            f"{statistics.median(times[name, label]):.3f} ({min(times[name, label]):.3f})" for label in labels
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
