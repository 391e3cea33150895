"""`--report-json`: the whole result as JSON (schema: docs/report-schema.json)."""

from __future__ import annotations

from loggardener.rendering.interface import Renderer
from loggardener.report import ScanReport


class JsonReport(Renderer):
    suffix = ".json"

    def render(self, report: ScanReport) -> str:
        return report.model_dump_json(indent=2) + "\n"
