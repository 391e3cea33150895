"""The per-user cache: a value is computed once per key, and a cache that is corrupt, stale or unwritable
only costs time (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from loggardener.cache import KEPT_PER_NAME, cache_dir, cached_json
from loggardener.config import GardenerConfig
from loggardener.entries import redact
from loggardener.pipeline import Scan, ScanOptions
from loggardener.rendering.markdown import MarkdownWorklog
from loggardener.sources.demo import DemoSource


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "log-gardener"


def test_a_value_is_computed_once_per_key(cache: Path) -> None:
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [1, 2]

    assert cached_json("numbers", ["k", 1], compute) == [1, 2]
    assert cached_json("numbers", ["k", 1], compute) == [1, 2]
    assert len(calls) == 1
    assert cached_json("numbers", ["k", 2], compute) == [1, 2]  # another key: computed again
    assert len(calls) == 2
    assert cache_dir() == cache


def test_a_corrupt_or_unwritable_cache_is_only_slower(cache: Path) -> None:
    assert cached_json("numbers", "k", lambda: 7) == 7
    (stored,) = cache.glob("numbers-*.json")
    stored.write_text("{not json", encoding="utf-8")
    assert cached_json("numbers", "k", lambda: 7) == 7
    assert json.loads(stored.read_text(encoding="utf-8")) == {"key": "k", "value": 7}
    stored.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")  # past the decoder's depth
    assert cached_json("numbers", "k", lambda: 7) == 7
    assert cached_json("other", "k", lambda: 8) == 8
    (other,) = cache.glob("other-*.json")
    other.unlink()
    other.mkdir()  # cannot be read nor replaced
    assert cached_json("other", "k", lambda: 9) == 9


def test_installs_with_different_keys_keep_their_values_side_by_side(cache: Path) -> None:
    """Two installs alternating (two venvs, two checkouts) each find theirs; only the newest few are kept."""
    assert cached_json("rules", "install-a", lambda: "a") == "a"
    assert cached_json("rules", "install-b", lambda: "b") == "b"
    assert cached_json("rules", "install-a", lambda: pytest.fail("evicted by install-b")) == "a"
    for n in range(KEPT_PER_NAME + 3):
        cached_json("rules", f"install-{n}", lambda n=n: n)
    assert len(list(cache.glob("rules-*.json"))) == KEPT_PER_NAME


def test_cached_plugin_rules_are_the_derived_ones(cache: Path) -> None:
    derived = [list(rule) for rule in redact._plugin_rules()[0]]
    key = redact._plugin_rules_key()
    assert cached_json("detect-secrets-rules", key, redact._plugin_rules)[0] == [tuple(r) for r in derived]
    stored = cached_json("detect-secrets-rules", key, lambda: pytest.fail("not read from the cache"))
    assert stored[0] == derived
    assert stored[1] == redact._plugin_rules()[1]


def test_a_warm_scan_does_not_import_detect_secrets(tmp_path: Path) -> None:
    """detect-secrets (and the requests it imports) load only to derive the rules, once per install."""
    probe = (
        "import sys; from loggardener.entries.redact import Redactor; "
        "Redactor().redact('AKIAABCDEFGHIJKLMNOP'); print('detect_secrets' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs[1] == "False"


def test_worklogs_are_the_same_from_compiled_templates(cache: Path) -> None:
    """Cold, warm and corrupt template caches render the same worklog."""
    report = Scan(GardenerConfig(), ScanOptions(now=datetime(2026, 1, 1, tzinfo=timezone.utc))).run(
        DemoSource()
    )
    cold = MarkdownWorklog().render(report)
    compiled = sorted((cache / "templates").iterdir())
    assert compiled
    assert MarkdownWorklog().render(report) == cold
    for path in compiled:
        path.write_bytes(b"garbage")
    assert MarkdownWorklog().render(report) == cold


def test_the_secret_format_table_is_parsed_once_per_text(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TOML table of formats is read from the cache while its text is unchanged (tomllib takes ~12 ms)."""

    def table() -> list[tuple[object, ...]]:
        redact._table_formats.cache_clear()
        formats = redact._table_formats()
        redact._table_formats.cache_clear()
        return [
            (f.kind, f.pattern.source, f.keywords, f.group, f.min_entropy, f.mixed, f.digits) for f in formats
        ]

    parsed = table()
    assert len(parsed) > 100
    monkeypatch.setattr(redact.tomllib, "loads", lambda text: pytest.fail("parsed again"))
    assert table() == parsed
