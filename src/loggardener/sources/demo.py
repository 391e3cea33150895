"""The bundled demo export: a realistic Cloud Run incident, for a first run with no credentials."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from loggardener.sources.file import FileSource

DEMO_PROJECT = "orchard-staging"


def demo_export_path() -> Path:
    return Path(str(resources.files("loggardener.sources").joinpath("data/demo-export.json.gz")))


class DemoSource(FileSource):
    """The bundled demo export, read like any export file."""

    def __init__(self) -> None:
        super().__init__(demo_export_path())
        self.stats.description = "bundled demo export (gcloud logging read --format=json)"
        self.stats.project = DEMO_PROJECT
