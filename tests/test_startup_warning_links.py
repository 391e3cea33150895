"""A warning a program logs while it starts is the cause of the start failure that follows it on the same pod
(Quarkus' connection pool, then `Failed to start application`): linked, and as urgent as the failure."""

from __future__ import annotations

from typing import Any

from conftest import scan_entries
from entry_factories import gke_entry
from linear import assert_linear
from loggardener.linking import rules

POOL = (
    "2026-04-01 09:00:{s:02d},512 WARN  [io.agroal.pool] (agroal-11) Datasource '<default>': Connection to "
    "10.9.0.4:5432 refused. Check that the hostname and port are correct."
)
FAILURE = [
    "2026-04-01 09:00:{s:02d},004 ERROR [io.quarkus.runtime.Application] (main) Failed to start application "
    "(with profile [prod]): java.net.ConnectException: Connection refused",
    "\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)",
    "\tat io.agroal.pool.ConnectionFactory.createConnection(ConnectionFactory.java:232)",
]


def _start(seconds: int, pod: str, warn: bool = True, fail: bool = True) -> list[dict[str, Any]]:
    entries = []
    if warn:
        entries.append(
            gke_entry(seconds, text=POOL.format(s=seconds % 60), pod=pod, stream="stdout", severity="INFO")
        )
    if fail:
        entries += [
            gke_entry(seconds + 1 + n * 0.0001, text=line.format(s=(seconds + 1) % 60), pod=pod, stream="stdout",
                      severity="INFO")
            for n, line in enumerate(FAILURE)
        ]  # fmt: skip
    return entries


def _by_title(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {c.title.split(":")[0]: c for c in scan_entries(entries).clusters}


def test_a_warning_before_each_start_failure_on_its_pod_is_its_cause_and_as_urgent() -> None:
    clusters = _by_title(_start(0, "catalog-5c-abcde") + _start(40, "catalog-5c-abcde"))
    warning, failure = clusters["Datasource '<default>'"], clusters["java.net.ConnectException"]
    assert failure.priority == "P0"
    assert failure.fingerprint in warning.related and warning.priority == "P0"


def test_a_warning_that_mostly_comes_without_the_failure_is_not_its_cause() -> None:
    entries = _start(0, "catalog-5c-abcde") + _start(40, "catalog-5c-abcde")
    entries += [e for s in (100, 200, 300, 400, 500) for e in _start(s, "catalog-5c-abcde", fail=False)]
    warning = _by_title(entries)["Datasource '<default>'"]
    assert warning.related == [] and warning.priority != "P0"


def test_a_warning_on_another_pod_is_not_the_cause() -> None:
    entries = _start(0, "catalog-5c-abcde", warn=False) + _start(40, "catalog-5c-abcde", warn=False)
    entries += _start(0, "search-7d-fghij", fail=False) + _start(40, "search-7d-fghij", fail=False)
    warning = _by_title(entries)["Datasource '<default>'"]
    assert warning.related == [] and warning.priority != "P0"


def test_the_dependency_failure_words_are_read_in_linear_time() -> None:
    assert_linear(lambda n: rules._DEPENDENCY_FAILED.search("could not " * n + "x"), 40_000)
