"""Problems that fire together: occurrences of two clusters on the same instance within seconds.

A container exit right after a startup crash is the typical pair. A request lasts from its timestamp (its
start) to its end (plus its latency): a request that waited minutes on a container that never started is
near the container's failure at its end. `shares` says, per ordered pair of
clusters, which part of the first's occurrences had one of the second on the same instance within
`window_seconds`; `related` keeps the pairs where that holds for most occurrences both ways (a chatty warning
next to a rare error is related one way only, so it is not linked). The linking rules read `shares`.

`CoOccurrence` computes this in one pass with bounded memory: per instance it keeps only the occurrences
of the last `window_seconds` (at most `MAX_NEIGHBOURS`), and it counts, per pair of clusters, how many
occurrences of the first had one of the second nearby (at most `MAX_PAIRS` pairs).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

Occurrence = tuple[str, str | None, datetime]
"""(cluster key, instance id or None, timestamp) of one event."""

MAX_NEIGHBOURS = 100
"""Occurrences kept per instance (the latest), so a burst on one instance stays linear and cheap."""
MAX_SPAN_SECONDS = 3_600.0
"""The longest an occurrence lasts (a request: its latency, capped at Cloud Run's longest timeout)."""
MAX_PAIRS = 100_000
"""Pairs of clusters counted; a pair first seen past this is not counted."""
_SWEEP_EVERY = 10_000


@dataclass(slots=True)
class _Recent:
    seconds: float
    until: float
    """When the occurrence ended (a request: its start plus its latency; else `seconds`)."""
    key: str
    counted: set[str]


@dataclass
class _Instance:
    touched: int
    """How many occurrences had been added when this instance last had one."""
    recent: deque[_Recent] = field(default_factory=deque)


class CoOccurrence:
    """Streaming count of which clusters fire near which on the same instance."""

    def __init__(
        self, window_seconds: float, max_neighbours: int = MAX_NEIGHBOURS, max_pairs: int = MAX_PAIRS
    ) -> None:
        self.window = window_seconds
        self._max_neighbours = max_neighbours
        self._max_pairs = max_pairs
        self._instances: dict[str, _Instance] = {}
        self._totals: Counter[str] = Counter()
        self._pairs: Counter[tuple[str, str]] = Counter()
        self._added = 0

    @property
    def retained(self) -> int:
        """Occurrences held in memory now (bounded by the window, not by the stream's length)."""
        return sum(len(instance.recent) for instance in self._instances.values())

    def add(self, key: str, instance: str | None, timestamp: datetime) -> None:
        """Count one occurrence of cluster `key` (events without an instance relate to nothing)."""
        self.add_at(key, instance, timestamp.timestamp())

    def add_at(self, key: str, instance: str | None, now: float, until: float | None = None) -> None:
        """`add`, at `now` seconds since the epoch, lasting `until` (a request logged at its start)."""
        if not instance:
            return
        self._totals[key] += 1
        state = self._instances.get(instance)
        if state is None:
            state = self._instances[instance] = _Instance(self._added)
        state.touched = self._added
        recent = state.recent
        window = self.window
        end = now if until is None or until < now else until
        # Exports come oldest or newest first: the occurrences added longest ago are the farthest in time
        # either way, so they leave from the left once no later one can come within the window: oldest
        # first, once they ended a window before this one starts; newest first, once they start a window
        # after the longest span any later (older) one can have ends. An occurrence is within the window
        # unless it starts more than `window` after the other ends.
        while recent and (
            now - recent[0].until > window or recent[0].seconds - now > window + MAX_SPAN_SECONDS
        ):
            recent.popleft()
        near: set[str] = set()
        found: list[tuple[str, str]] = []
        for other in recent:
            other_key = other.key
            if other_key == key or other.seconds - end > window or now - other.until > window:
                continue
            near.add(other_key)
            counted = other.counted
            if key not in counted:
                counted.add(key)
                found.append((other_key, key))
        found.extend((key, neighbour) for neighbour in near)
        self._count(found)
        recent.append(_Recent(now, end, key, near))
        if len(recent) > self._max_neighbours:
            recent.popleft()
        self._added += 1
        if self._added % _SWEEP_EVERY == 0:
            self._sweep()

    def _count(self, found: list[tuple[str, str]]) -> None:
        """Count each pair; a new pair only while fewer than `max_pairs` are held."""
        pairs = self._pairs
        for pair in found:
            if pair in pairs:
                pairs[pair] += 1
            elif len(pairs) < self._max_pairs:
                pairs[pair] = 1

    def _sweep(self) -> None:
        """Forget instances that had no occurrence since the previous sweep."""
        horizon = self._added - _SWEEP_EVERY
        for name in [name for name, state in self._instances.items() if state.touched < horizon]:
            del self._instances[name]

    def shares(self, final: Callable[[str], str] = str) -> dict[tuple[str, str], float]:
        """Per ordered pair of fingerprints: the share of the first's occurrences with the second nearby.

        `final` maps each key to its cluster's fingerprint.
        """
        totals: Counter[str] = Counter()
        for key, count in self._totals.items():
            totals[final(key)] += count
        with_neighbour: Counter[tuple[str, str]] = Counter()
        for (first, second), count in self._pairs.items():
            pair = (final(first), final(second))
            if pair[0] != pair[1]:
                with_neighbour[pair] += count
        # Keys merged into one cluster may each have counted the same occurrence: cap at the total.
        return {pair: min(count, totals[pair[0]]) / totals[pair[0]] for pair, count in with_neighbour.items()}

    def related(self, final: Callable[[str], str] = str, min_share: float = 0.5) -> dict[str, list[str]]:
        """Related fingerprints by fingerprint (sorted): most occurrences of each have the other nearby."""
        shares = self.shares(final)
        related: dict[str, set[str]] = defaultdict(set)
        for (first, second), share in shares.items():
            if share >= min_share and shares.get((second, first), 0.0) >= min_share:
                related[first].add(second)
                related[second].add(first)
        return {fingerprint: sorted(others) for fingerprint, others in related.items()}


def fire_together(
    occurrences: Iterable[Occurrence], window_seconds: float, min_share: float = 0.5
) -> dict[str, list[str]]:
    """Related fingerprints by fingerprint (sorted), from a list of event occurrences."""
    counter = CoOccurrence(window_seconds)
    for key, instance, timestamp in sorted(occurrences, key=lambda occurrence: occurrence[2]):
        counter.add(key, instance, timestamp)
    return counter.related(min_share=min_share)
