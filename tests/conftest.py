from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# gardener's cache (derived rules, compiled patterns and templates) in a temporary directory, not the user's: set
# before gardener is imported, since its caches are read at the first compile and written when the process exits
_CACHE = tempfile.TemporaryDirectory(prefix="gardener-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE.name

from loggardener.config import GardenerConfig  # noqa: E402
from loggardener.parallel import YOUNG_COLLECTION_EVERY  # noqa: E402
from loggardener.pipeline import Scan, ScanOptions  # noqa: E402
from loggardener.report import ScanReport  # noqa: E402
from loggardener.sources.interface import EntrySource, RawRecord, SourceStats  # noqa: E402

# No deadline per example: speed is measured in benchmarks/, and on a loaded 2-core machine a first example
# that compiles patterns can pass hypothesis' 200 ms and fail a test that is right.
settings.register_profile("gardener", deadline=None)
# `HYPOTHESIS_PROFILE=ci` (.ci/run) draws a fixed set of examples: a property that new random examples break is
# found while developing, and a landing never turns red by chance.
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "gardener"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup`: the `xdist_group` suffix on each grouped test's id, where xdist could not add it.

    pytest 9.2 keeps a node's id in `_id`; xdist 3.8 still writes `_nodeid`, so its groups were silently
    ignored (pytest-dev/pytest-xdist#1386) and each worker started the groups' shared fixtures (the BigQuery
    emulator, the secret corpus's scans) for itself. A no-op where xdist's own suffix took.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {
            str(m.args[0] if m.args else m.kwargs.get("name", "default"))
            for m in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix):
            from _pytest.nodeid import NodeId  # pytest >= 9.2, the versions that need this

            item._id = NodeId.parse(item.nodeid + suffix)  # type: ignore[attr-defined]


def pytest_collection_finish(session: pytest.Session) -> None:
    """What lives as long as the process (the collected tests, every module's patterns and tables) out of the
    collector's sight, and its youngest generation collected every 20,000 new objects rather than 700, as a
    scan does: about a tenth of a worker's CPU time went to collections that examined the same objects again
    and again. Only garbage in a cycle waits longer to be freed."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


@pytest.fixture(scope="session", autouse=True)
def writes_kept_in_the_page_cache() -> Iterator[None]:
    """`os.fsync` in the test process checks its descriptor (EBADF, as fsync refuses a closed one) but does not
    wait for the disk. gardener syncs every file it writes and then its directory (`files.atomic_open`): some
    7 ms each on this machine's disk, about 1,000 syncs in the five test files of command-line scans alone. What
    a test reads back is the same, and a power loss is no test's case; gardener's own processes (the tests that
    start one) still sync, and a test that replaces `os.fsync` itself (an interrupted sync) still does."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", os.fstat)
        yield


class ListSource(EntrySource):
    """A source over a list of entry dicts (the in-memory twin of an export file)."""

    def __init__(self, entries: list[dict[str, Any]], project: str | None = "p") -> None:
        self._entries = entries
        self.stats = SourceStats(description="test entries", project=project)

    def records(self):  # type: ignore[no-untyped-def]
        for position, entry in enumerate(self._entries, start=1):
            yield RawRecord(position, entry)


def scan_entries(
    entries: list[dict[str, Any]], config: GardenerConfig | None = None, **options: Any
) -> ScanReport:
    return Scan(config or GardenerConfig(), ScanOptions(**options)).run(ListSource(entries))


@pytest.fixture
def write_export(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write entries as NDJSON (default) or as a JSON array; returns the path."""

    def write(entries: list[Any], name: str = "export.ndjson", array: bool = False) -> Path:
        path = tmp_path / name
        if array:
            path.write_text(json.dumps(entries), encoding="utf-8")
        else:
            path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        return path

    return write
