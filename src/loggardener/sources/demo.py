"""The bundled demo export: a realistic Cloud Run incident, for a first run with no credentials."""

from __future__ import annotations

from pathlib import Path

from loggardener.sources.file import FileSource

DEMO_PROJECT = "orchard-staging"


def demo_export_path() -> Path:
    """Beside this module, as the templates are (`importlib.resources` loads `zipfile` and its readers to say so)."""
    return Path(__file__).with_name("data") / "demo-export.json.gz"


class DemoSource(FileSource):
    """The bundled demo export, read like any export file."""

    def __init__(self) -> None:
        super().__init__(demo_export_path())
        self.stats.description = "bundled demo export (gcloud logging read --format=json)"
        self.stats.project = DEMO_PROJECT
