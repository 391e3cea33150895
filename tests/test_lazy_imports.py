"""`gardener --help`, `gardener cluster` and scans of files never import PyGithub or google-cloud-logging:
those load only for `--issues publish` and for live scans (issue 13)."""

from __future__ import annotations

import ast
import subprocess
import sys


def _loaded(importing: str, modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a fresh interpreter holds after importing `importing`."""
    probe = f"import sys, {importing}; print(sorted(m for m in {modules!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(loaded.stdout.strip()))


def test_the_cli_loads_without_pygithub_or_google_cloud_logging() -> None:
    assert _loaded("loggardener.cli", ("github", "google.cloud.logging_v2", "google.api_core")) == []


def test_the_cli_loads_no_pipeline_for_help() -> None:
    """`gardener --help` declares every option from light modules: no pydantic, jinja2, RE2 or detect-secrets."""
    heavy = ("pydantic", "jinja2", "re2", "detect_secrets", "loggardener.pipeline", "loggardener.config")
    assert _loaded("loggardener.cli", heavy) == []


def test_the_cli_loads_no_digests_for_help() -> None:
    """`--help` hashes nothing: OpenSSL's digests (`hashlib`) load when a name is first hashed."""
    assert _loaded("loggardener.cli", ("hashlib", "_hashlib")) == []


def test_a_scan_loads_the_streaming_json_reader_only_for_streamed_input() -> None:
    """A scan of NDJSON or of a short JSON array (the demo's) decodes with orjson: ijson, which streams a long
    or damaged array, loads only when one is read; and filelock (2% of a demo scan's start-up) only when a
    state file is locked, not for `--no-state`."""
    assert _loaded("loggardener.job", ("ijson", "filelock")) == []


def test_the_pipeline_loads_multiprocessing_only_for_workers() -> None:
    """A scan of a short export starts no worker: the pipeline imports no multiprocessing for it."""
    assert _loaded("loggardener.pipeline", ("multiprocessing", "concurrent.futures")) == []
