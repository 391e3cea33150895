from __future__ import annotations

import json
import os
from pathlib import Path

from loggardener.report import ScanReport

SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"


def test_documented_schema_matches_the_model() -> None:
    current = json.dumps(ScanReport.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        SCHEMA.write_text(current, encoding="utf-8")
    assert SCHEMA.read_text(encoding="utf-8") == current, (
        "run with UPDATE_GOLDEN=1 to refresh docs/report-schema.json"
    )
