"""Benchmark: gardener's template miner against Drain3 (default configuration), side by side.

Measures Grouping Accuracy (GA, as logpai/logparser computes it) on the Loghub-2k systems, original and
corrected ground truth, then throughput and peak RSS of each tool on two large streams of messages drawn
from the same lines: one with every digit run re-rolled at its length, one with every digit run re-rolled
at a random length (so gardener's digit-insensitive lookup cache misses far more often). Each tool runs in
its own subprocess per stream, so the figures are whole-process. Writes a markdown table (see --out).

Reproduce (from the repository root, with the `bench` extra installed):

    python benchmarks/bench_clustering.py                # everything, a few minutes
    python benchmarks/bench_clustering.py --skip-stream  # grouping accuracy only

The Loghub data is licensed for research use only: it is read from ../shared/loghub2k (or --data) and
never copied into the project.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "loghub2k"
SYSTEMS = ("Apache", "BGL", "HDFS", "HPC", "Hadoop", "Linux", "OpenSSH", "Spark", "Windows", "Zookeeper")
sys.path.insert(0, str(REPO / "src"))  # measure this checkout's miner, installed or not
# gardener-nocache: the same miner without its digit-insensitive lookup cache (every line takes the slow path).
STREAM_TOOLS = ("gardener", "gardener-nocache", "drain3")


def load_system(data: Path, system: str, corrected: bool) -> tuple[list[str], list[str]]:
    """Contents and true event ids of one system, rows without an event id dropped (as logparser does)."""
    suffix = "_corrected" if corrected else ""
    path = data / system / f"{system}_2k.log_structured{suffix}.csv"
    contents: list[str] = []
    events: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["EventId"]:
                contents.append(row["Content"])
                events.append(row["EventId"])
    return contents, events


def grouping_accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """logparser's GA: messages in predicted groups that hold exactly all messages of one true event."""
    truth_sizes = Counter(truth)
    groups: dict[str, list[str]] = defaultdict(list)
    for true_event, group in zip(truth, predicted, strict=True):
        groups[group].append(true_event)
    correct = 0
    for members in groups.values():
        first = members[0]
        if all(member == first for member in members) and len(members) == truth_sizes[first]:
            correct += len(members)
    return correct / len(truth)


def parse_gardener(contents: Sequence[str], variable_ratio: float | None = None) -> list[str]:
    from loggardener.clustering.miner import VARIABLE_RATIO, TemplateMiner

    miner = TemplateMiner(variable_ratio=VARIABLE_RATIO if variable_ratio is None else variable_ratio)
    ids = [miner.add(content) for content in contents]
    return [miner.resolve(template_id) for template_id in ids]


def parse_drain3(contents: Sequence[str]) -> list[str]:
    from drain3 import TemplateMiner

    logging.getLogger("drain3").setLevel(logging.ERROR)  # "config file not found": the defaults are wanted

    miner = TemplateMiner()
    return [str(miner.add_log_message(content)["cluster_id"]) for content in contents]


# The miner's one threshold (`variable_ratio`), over the values leave-one-system-out chooses from.
RATIO_GRID = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


def leave_one_out(
    scores: dict[tuple[str, float], float], systems: Sequence[str] = SYSTEMS
) -> dict[str, tuple[float, float]]:
    """For each system: the ratio with the best average GA on the others, and the GA it gets on this one.

    Ties go to the middle one of the tied ratios (in grid order), so the choice never leans on the one left out.
    """
    chosen: dict[str, tuple[float, float]] = {}
    for system in systems:
        others = [other for other in systems if other != system]
        averages = {
            ratio: sum(scores[other, ratio] for other in others) / len(others) for ratio in RATIO_GRID
        }
        best = max(averages.values())
        tied = [ratio for ratio in RATIO_GRID if averages[ratio] >= best - 1e-12]
        ratio = tied[(len(tied) - 1) // 2]
        chosen[system] = (ratio, scores[system, ratio])
    return chosen


def has_corrected(data: Path, systems: Sequence[str]) -> bool:
    """Whether every system has a corrected ground truth beside its original one."""
    return all((data / system / f"{system}_2k.log_structured_corrected.csv").is_file() for system in systems)


def accuracy_table(
    data: Path, systems: Sequence[str] = SYSTEMS
) -> tuple[list[str], dict[tuple[str, str, bool], float]]:
    """GA of every tool on every system, original and corrected ground truth; gardener in-sample and LOSO.

    In-sample: the miner's default configuration (its threshold was chosen looking at the ten default systems).
    Leave-one-system-out: the threshold chosen on the other systems, measured on the one left out. The
    corrected columns repeat the original ones where the systems have no corrected ground truth.
    """
    results: dict[tuple[str, str, bool], float] = {}
    ratios: dict[tuple[str, bool], float] = {}
    truths = (False, True) if has_corrected(data, systems) else (False,)
    for corrected in truths:
        scores: dict[tuple[str, float], float] = {}
        for system in systems:
            contents, events = load_system(data, system, corrected)
            results["gardener", system, corrected] = grouping_accuracy(events, parse_gardener(contents))
            results["drain3", system, corrected] = grouping_accuracy(events, parse_drain3(contents))
            for ratio in RATIO_GRID:
                scores[system, ratio] = grouping_accuracy(events, parse_gardener(contents, ratio))
        for system, (ratio, score) in leave_one_out(scores, systems).items():
            results["gardener-loso", system, corrected] = score
            ratios[system, corrected] = ratio
    if truths == (False,):
        results.update({(tool, system, True): score for (tool, system, _), score in list(results.items())})
        ratios.update({(system, True): ratio for (system, _), ratio in list(ratios.items())})
    tools = ("gardener", "gardener-loso", "drain3")
    lines = [
        "| System | gardener GA | gardener GA (LOSO) | Drain3 GA | gardener GA (corrected) "
        "| gardener GA (corrected, LOSO) | Drain3 GA (corrected) | LOSO ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for system in systems:
        cells = [f"{results[tool, system, corrected]:.3f}" for corrected in (False, True) for tool in tools]
        chosen = f"{ratios[system, False]:g} / {ratios[system, True]:g}"
        lines.append(f"| {system} | " + " | ".join(cells) + f" | {chosen} |")
    averages = [
        sum(results[tool, system, corrected] for system in systems) / len(systems)
        for corrected in (False, True)
        for tool in tools
    ]
    minimums = [
        min(results[tool, system, corrected] for system in systems)
        for corrected in (False, True)
        for tool in tools
    ]
    lines.append("| **average** | " + " | ".join(f"**{value:.3f}**" for value in averages) + " | |")
    lines.append("| lowest | " + " | ".join(f"{value:.3f}" for value in minimums) + " | |")
    return lines, results


_DIGITS = re.compile(r"\d+")


# (name, whether digit runs get a random length) of the streams, as the table labels them
STREAMS = (("same-length digits", False), ("varying-length digits", True))


def write_stream(
    data: Path, count: int, seed: int, path: Path, *, vary_length: bool, systems: Sequence[str] = SYSTEMS
) -> None:
    """`count` messages drawn from all systems' lines, every digit run re-rolled.

    The re-rolled run keeps its length, or with `vary_length` gets a length from 1 to its own plus 2.
    """
    rng = random.Random(seed)
    pool: list[str] = []
    for system in systems:
        pool.extend(load_system(data, system, corrected=False)[0])

    def reroll(match: re.Match[str]) -> str:
        length = rng.randint(1, len(match.group()) + 2) if vary_length else len(match.group())
        return "".join(rng.choice("0123456789") for _ in range(length))

    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            out.write(_DIGITS.sub(reroll, rng.choice(pool)).replace("\n", " ") + "\n")


def write_cap_stream(data: Path, count: int, seed: int, path: Path, systems: Sequence[str] = SYSTEMS) -> None:
    """`count` lines that fill the template cap: Loghub lines with one or two words replaced by fresh words.

    Fresh letter-only words are not masked, so nearly every line is a new signature, and signatures of one
    line share all but a slot or two with each other: the shape that makes slot statistics costly.
    """
    rng = random.Random(seed)
    pool: list[list[str]] = []
    for system in systems:
        pool.extend(line.split() for line in load_system(data, system, corrected=False)[0] if line.split())

    def fresh() -> str:
        return "".join(rng.choice("ghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))

    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            tokens = list(rng.choice(pool))
            for _ in range(rng.randint(1, 2)):
                tokens[rng.randrange(len(tokens))] = fresh()
            out.write(" ".join(tokens) + "\n")


def cap_worker(path: Path) -> None:
    """Fill the miner to its cap; print peak RSS (MB) after the stream and after `clusters()`, and counts."""
    import resource

    from loggardener.clustering.miner import TemplateMiner

    miner = TemplateMiner()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            miner.add(line.rstrip("\n"))
    after_stream = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clusters = miner.clusters()
    after_clusters = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(after_stream, after_clusters, len(miner._nodes), len(clusters), miner.other_count)


def cap_table(data: Path, count: int, seed: int, systems: Sequence[str] = SYSTEMS) -> list[str]:
    """Peak memory of the miner filled to its 50,000-template cap, then asked for its clusters."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cap.log"
        write_cap_stream(data, count, seed, path, systems)
        started = time.perf_counter()
        output = subprocess.run(
            [sys.executable, __file__, "--worker", "gardener-cap", str(path)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.split()
        elapsed = time.perf_counter() - started
    stream_rss, peak_rss, signatures, clusters, other = output
    return [
        f"{count:,} lines, seed {seed}, each a Loghub-2k line with one or two words replaced by fresh "
        "letter-only words, into one `TemplateMiner()` (cap 50,000 templates), then `clusters()`:",
        "",
        "| lines | signatures kept | clusters | messages in other | peak RSS after the stream (MB) "
        "| peak RSS with clusters() (MB) | wall time (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {count:,} | {int(signatures):,} | {int(clusters):,} | {int(other):,} | {float(stream_rss):.0f} "
        f"| {float(peak_rss):.0f} | {elapsed:.1f} |",
    ]


def worker(tool: str, path: Path) -> None:
    """Cluster every line of `path` with one tool; print how many clusters it ended with."""
    if tool == "gardener-cap":
        cap_worker(path)
        return
    with path.open(encoding="utf-8") as handle:
        lines: Iterable[str] = (line.rstrip("\n") for line in handle)
        if tool.startswith("gardener"):
            from loggardener.clustering.miner import TemplateMiner

            miner = TemplateMiner(cache_size=0) if tool == "gardener-nocache" else TemplateMiner()
            add = miner.add
            for line in lines:
                add(line)
            print(len(miner.clusters()))
        else:
            from drain3 import TemplateMiner as Drain3Miner

            logging.getLogger("drain3").setLevel(logging.ERROR)
            drain = Drain3Miner()
            add_log_message = drain.add_log_message
            for line in lines:
                add_log_message(line)
            print(len(drain.drain.clusters))


def run_worker(tool: str, path: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and cluster count of one tool's whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--worker", tool, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{tool} worker failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024, int(output.strip() or 0)


def stream_table(data: Path, count: int, seed: int, systems: Sequence[str] = SYSTEMS) -> list[str]:
    """Every stream tool on both streams, one table, then the ratios per stream."""
    figures: dict[tuple[str, str], tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for stream, vary_length in STREAMS:
            path = Path(tmp) / "stream.log"
            write_stream(data, count, seed, path, vary_length=vary_length, systems=systems)
            for tool in STREAM_TOOLS:
                figures[stream, tool] = run_worker(tool, path)
    lines = [
        f"Streams: {count:,} messages each, seed {seed}, every digit run re-rolled at its own length "
        "or at a random length (1 to its own + 2).",
        "",
        "| Stream | Tool | wall time (s) | lines/s | peak RSS (MB) | clusters |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (stream, tool), (elapsed, rss, clusters) in figures.items():
        lines.append(
            f"| {stream} | {tool} | {elapsed:.1f} | {count / elapsed:,.0f} | {rss:.0f} | {clusters:,} |"
        )
    lines.append("")
    for stream, _ in STREAMS:
        (g_time, g_rss, _), (d_time, d_rss, _) = figures[stream, "gardener"], figures[stream, "drain3"]
        nocache = d_time / figures[stream, "gardener-nocache"][0]
        lines.append(
            f"- {stream}: throughput ratio gardener / Drain3 **{d_time / g_time:.1f}x**, "
            f"peak RSS ratio gardener / Drain3 **{g_rss / d_rss:.2f}**; "
            f"without its lookup cache gardener runs at {nocache:.2f}x Drain3."
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Loghub-2k directory")
    parser.add_argument(
        "--systems",
        nargs="+",
        default=list(SYSTEMS),
        metavar="SYSTEM",
        help="systems to measure GA on (each a <SYSTEM>/<SYSTEM>_2k.log_structured.csv under --data)",
    )
    parser.add_argument("--lines", type=int, default=1_000_000, help="messages in the throughput stream")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--skip-stream", action="store_true", help="only measure grouping accuracy")
    parser.add_argument("--cap-lines", type=int, default=200_000, help="lines in the template-cap stream")
    parser.add_argument("--worker", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    missing = [system for system in args.systems if not (args.data / system).is_dir()]
    if missing:
        raise SystemExit(f"{args.data} does not hold {', '.join(missing)}; pass --data or --systems")
    ga_lines, _ = accuracy_table(args.data, args.systems)
    print("\n".join(ga_lines), flush=True)
    stream_lines = [] if args.skip_stream else stream_table(args.data, args.lines, args.seed, args.systems)
    print("\n".join(stream_lines), flush=True)
    cap_lines = [] if args.skip_stream else cap_table(args.data, args.cap_lines, args.seed, args.systems)
    print("\n".join(cap_lines))
    command = "python benchmarks/bench_clustering.py" + (
        "" if args.lines == 1_000_000 else f" --lines {args.lines}"
    )
    scope = "grouping accuracy only" if args.skip_stream else "everything; add `--skip-stream` for GA only"
    if args.systems != list(SYSTEMS):
        command += " --data DIR --systems " + " ".join(args.systems)
    if args.skip_stream:
        command += " --skip-stream"
    report = [
        "# Clustering benchmark: gardener vs Drain3",
        "",
        f"Reproduce: `{command}` ({scope}; from the repository root; Drain3 comes with "
        "`pip install -e '.[bench]'`).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} CPUs.",
        "Drain3: `drain3.TemplateMiner()` with its default configuration.",
        "",
        "## Grouping Accuracy on Loghub-2k (Content column)",
        "",
        *ga_lines,
        "",
    ]
    if stream_lines:
        report += ["## Throughput and peak memory (whole process)", "", *stream_lines, ""]
        report += ["## Memory at the template cap (whole process)", "", *cap_lines, ""]
    args.out.write_text("\n".join(report), encoding="utf-8")


if __name__ == "__main__":
    main()
