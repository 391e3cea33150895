"""Benchmark: redaction alone, the hand-list redactor before the RE2 rule set against today's, side by side.

The old redactor is `src/loggardener/entries/redact.py` as it was just before `secret_formats.toml` was added
(read with `git show`, so no copy of it lives in the tree; `--old-rev` picks another revision). Both redact
the same texts in one process, in alternating rounds (best of `--rounds`), and the table gives entries per
second for each and their ratio:

- ordinary log lines: the Loghub-2k messages, the real-world corpus and the demo export (no secret in most);
- lines with secrets: the generated corpus of the tests (over 130 credential formats), repeated;
- JSON payloads: the demo export's jsonPayload objects, redacted by key name (new) or serialized then
  redacted as text (old, which had no structured pass).

Reproduce (from the repository root):

    python benchmarks/bench_redaction.py            # writes benchmarks/RESULTS-redaction.md
    python benchmarks/bench_redaction.py --out -    # prints the table

The Loghub and real-world data are read from ../shared (never copied into the project).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from loggardener.entries.redact import Redactor  # noqa: E402
from loggardener.sources.demo import demo_export_path  # noqa: E402
from secret_corpus import cases  # noqa: E402

REDACT_PATH = "src/loggardener/entries/redact.py"
FORMATS_PATH = "src/loggardener/entries/secret_formats.toml"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout


def old_revision() -> str:
    """The commit before the one that added the format table (the last commit of the hand-list redactor)."""
    added = _git("log", "--diff-filter=A", "--format=%H", "--", FORMATS_PATH).split()
    if not added:
        raise SystemExit(f"{FORMATS_PATH} has no history here: pass --old-rev")
    return added[-1] + "^"


def load_old(revision: str) -> ModuleType:
    source = _git("show", f"{revision}:{REDACT_PATH}")
    directory = tempfile.TemporaryDirectory()
    path = Path(directory.name) / "old_redact.py"
    path.write_text(source, encoding="utf-8")
    if Path(FORMATS_PATH).name in source:  # a redactor of the format table reads it beside its own file
        formats = _git("show", f"{revision}:{FORMATS_PATH}")
        path.with_name(Path(FORMATS_PATH).name).write_text(formats, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_redact", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there while the class is made
    spec.loader.exec_module(module)
    # the file lives as long as the module: a redactor keys its caches by its own file's stat
    module._source_directory = directory
    return module


def ordinary_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((SHARED / "loghub2k").glob("*/*_2k.log_structured.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            lines.extend(row["Content"] for row in csv.DictReader(handle))
    realworld = SHARED / "realworld" / "entries.ndjson"
    if realworld.exists():
        lines.extend(line.strip() for line in realworld.open(encoding="utf-8") if line.strip())
    lines.extend(json.dumps(entry) for entry in demo_payloads("textPayload"))
    return lines


def demo_payloads(field: str) -> list[Any]:
    entries = json.loads(gzip.decompress(demo_export_path().read_bytes()))
    return [entry[field] for entry in entries if field in entry]


def measure(function: Callable[[Any], Any], items: Sequence[Any], rounds: int) -> float:
    """Entries per second, best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--old-rev", help="git revision of the old redactor (default: before the format table)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS-redaction.md"), help="'-': print")
    args = parser.parse_args(argv)

    revision = args.old_rev or old_revision()
    old = load_old(revision).Redactor()
    new = Redactor()
    ordinary = ordinary_lines()
    secrets = [case.text for case in cases()] * 20
    payloads = demo_payloads("jsonPayload") * 5

    streams: list[tuple[str, Sequence[Any], Callable[[Any], Any], Callable[[Any], Any]]] = [
        ("ordinary log lines", ordinary, old.redact, new.redact),
        ("lines with secrets", secrets, old.redact, new.redact),
        (
            "JSON payloads",
            payloads,
            lambda p: old.redact(json.dumps(p, sort_keys=True)),
            lambda p: new.redact(json.dumps(new.redact_json(p), sort_keys=True)),
        ),
    ]
    rows = []
    for name, items, old_function, new_function in streams:
        old_rate = measure(old_function, items, args.rounds)
        new_rate = measure(new_function, items, args.rounds)
        rows.append(
            f"| {name} | {len(items):,} | {old_rate:,.0f} | {new_rate:,.0f} | {new_rate / old_rate:.2f} |"
        )
    table = "\n".join(
        [
            "# Redaction throughput: before and after the RE2 rule set",
            "",
            "Reproduce: `python benchmarks/bench_redaction.py` (from the repository root).",
            f"Machine: {platform.machine()}, Python {platform.python_version()}. Old redactor: `{revision}`"
            f" ({_git('rev-parse', '--short', revision).strip()}). Best of {args.rounds} rounds, one process.",
            "",
            "| stream | entries | old entries/s | new entries/s | new / old |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    if args.out == "-":
        print(table)
    else:
        Path(args.out).write_text(table, encoding="utf-8")
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
