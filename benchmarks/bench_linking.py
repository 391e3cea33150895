"""What linking costs: clustering alone vs clustering plus the linking stage's fact collection, side by side.

A synthetic stream of request events, each with its own trace, on 50 instances of 5 revisions: 5xx requests,
the exceptions logged inside them, container exits after crashes, and downstream warnings naming the
upstream. Both runs feed the same events (parsed once, up front) to a `Clusterer`; the second also feeds
every event to `LinkFacts` (as `Scan` does) and then links. Reports events/s of each, their ratio, and the
facts held at the end (they stay bounded however long the stream).

    python benchmarks/bench_linking.py                   # 200,000 events
    python benchmarks/bench_linking.py --events 1000000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

from loggardener.clustering.clusterer import Clusterer
from loggardener.entries.models import Event, HttpInfo, LogEntry, Severity
from loggardener.entries.stacks import StackParser
from loggardener.linking.facts import LinkFacts
from loggardener.linking.incidents import build_incidents
from loggardener.linking.stage import Linker

START = datetime(2026, 11, 21, tzinfo=timezone.utc)
TRACEBACK = (
    'Traceback (most recent call last):\n  File "/app/api.py", line {line}, in handler\nValueError: bad {n}'
)


def events(count: int, seed: int) -> list[Event]:
    rng = random.Random(seed)
    stacks = StackParser(())
    made: list[Event] = []
    for i in range(count):
        moment = START + timedelta(seconds=i * 0.05)
        instance = f"inst-{rng.randrange(50)}"
        revision = f"api-{rng.randrange(1, 6):05d}-abc"
        trace = f"projects/p/traces/{i // 2:x}"
        common = {"position": i + 1, "insert_id": f"id{i}", "timestamp": moment, "service": "api",
                  "resource_type": "cloud_run_revision", "revision": revision, "instance": instance}  # fmt: skip
        kind = i % 4
        if kind == 0:
            status = rng.choice((500, 503, 200, 404))
            entry = LogEntry(**common, severity=Severity.ERROR if status >= 500 else Severity.WARNING,
                             message=f"GET /api/orders/{rng.randrange(10**6)} {status}", trace=trace,
                             http=HttpInfo(method="GET", url=f"/api/orders/{rng.randrange(10**6)}", status=status))  # fmt: skip
        elif kind == 1:
            text = TRACEBACK.format(line=rng.randrange(1, 20), n=rng.randrange(100))
            entry = LogEntry(
                **common, severity=Severity.ERROR, message=text, trace=trace, stack=stacks.parse(text)
            )
        elif kind == 2:
            entry = LogEntry(
                **common, severity=Severity.WARNING, message=f"Container called exit({rng.randrange(4)})."
            )
        else:
            entry = LogEntry(**{**common, "service": "web", "revision": "web-00001-abc"}, severity=Severity.WARNING,
                             message=f"Upstream api returned 503 for GET /api/orders/{rng.randrange(10**6)}")  # fmt: skip
        made.append(Event(primary=entry, members=(entry,)))
    return made


def run(stream: list[Event], link: bool) -> tuple[float, str]:
    linker = Linker(10.0)
    facts: LinkFacts = linker.facts
    clusterer = Clusterer(on_assign=facts.add if link else None)
    started = time.perf_counter()
    for event in stream:
        if link:
            facts.observe(event)
        clusterer.add(event)
    clusters = clusterer.clusters(len(stream))
    held = ""
    if link:
        linked = linker.link(clusters, clusterer.final_fingerprint)
        _, incidents = build_incidents(linked.clusters, linked.links, linked.deploys)
        held = (
            f"{len(linked.links)} links, {len(incidents)} incidents; held at the end: {facts.traces_held} traces, "
            f"{facts.co_occurrence.retained} instance-window occurrences"
        )
    return time.perf_counter() - started, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    stream = events(args.events, args.seed)
    alone, _ = run(stream, link=False)
    linked, held = run(stream, link=True)
    print(f"{args.events:,} events, seed {args.seed}")
    print("| run | seconds | events/s |")
    print("|---|---:|---:|")
    print(f"| clustering | {alone:.1f} | {args.events / alone:,.0f} |")
    print(f"| clustering + linking | {linked:.1f} | {args.events / linked:,.0f} |")
    print(f"linking costs {linked / alone:.2f}x the time of clustering alone; {held}")


if __name__ == "__main__":
    main()
