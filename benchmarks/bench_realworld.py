"""Score `gardener scan` on the real Cloud Logging entries in ../shared/realworld (never copied here).

    python benchmarks/bench_realworld.py [CORPUS_DIR]

Prints the corpus's own scorer line (grouping F1, problems exact, entries dropped, noise at P0/P1,
cause→effect links, priorities against a senior's call) and the worklog's size.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "realworld"


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    if not (corpus / "entries.ndjson").is_file():
        print(
            f"no corpus at {corpus}: pass its directory (holding entries.ndjson and score.py)",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        scan = [
            sys.executable, "-m", "loggardener", "scan", "--from", str(corpus / "entries.ndjson"), "--no-state",
            "--out", str(out), "--assignments", str(out / "a.ndjson"), "--report-json", str(out / "r.json"),
        ]  # fmt: skip
        done = subprocess.run(scan, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
            return done.returncode
        score = [
            sys.executable,
            str(corpus / "score.py"),
            str(corpus),
            str(out / "a.ndjson"),
            str(out / "r.json"),
        ]
        print(subprocess.run(score, capture_output=True, text=True, check=True).stdout.strip())
        worklog = next(out.glob("*.md"))
        print(
            f"worklog {worklog.stat().st_size / 1024:.1f} kB, report {(out / 'r.json').stat().st_size / 1024:.1f} kB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
