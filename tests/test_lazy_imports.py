"""`gardener --help`, `gardener cluster` and scans of files never import PyGithub or google-cloud-logging:
those load only for `--issues publish` and for live scans (issue 13)."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_loads_without_pygithub_or_google_cloud_logging() -> None:
    probe = (
        "import sys, loggardener.cli; "
        "print(sorted(m for m in ('github', 'google.cloud.logging_v2', 'google.api_core') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
