from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from loggardener.config import GardenerConfig
from loggardener.entries.redact import Redactor
from loggardener.pipeline import Scan, ScanOptions
from loggardener.report import ScanReport
from loggardener.sources.demo import demo_export_path
from loggardener.sources.file import FileSource

SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"


def test_documented_schema_matches_the_model() -> None:
    current = json.dumps(ScanReport.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        SCHEMA.write_text(current, encoding="utf-8")
    assert SCHEMA.read_text(encoding="utf-8") == current, (
        "run with UPDATE_GOLDEN=1 to refresh docs/report-schema.json"
    )


TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345"


def _demo_report() -> ScanReport:
    options = ScanOptions(now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    return Scan(GardenerConfig(), options).run(FileSource(demo_export_path()))


def test_a_scanned_report_is_its_own_redaction() -> None:
    """The last pass over a scan's report changes nothing the parser redacted: it is idempotent, and finds no
    credential in what the scan writes itself."""
    report = _demo_report()
    assert report.clusters
    assert report.redacted(Redactor().redact) == report


def test_the_last_pass_redacts_every_text_and_key_but_the_scans_own_identifiers() -> None:
    data = _demo_report().model_dump()
    cluster = data["clusters"][0]
    cluster["logs"] = {f"gce_instance {TOKEN}": 2, "gce_instance [REDACTED:github-token]": 3}
    cluster["routes"] = [f"GET /{TOKEN}"]
    cluster["samples"][0]["message"] = f"failed with {TOKEN}"
    data["notes"] = [TOKEN]
    # a configured pattern that would also match the scan's own 12-digit fingerprints
    redact = Redactor(extra_patterns=[r"\b[0-9a-f]{12}\b"]).redact
    redacted = ScanReport.model_validate(data).redacted(redact)
    assert TOKEN not in redacted.model_dump_json()
    first = redacted.clusters[0]
    assert first.logs == {"gce_instance [REDACTED:github-token]": 5}  # the counts of one name, added up
    assert first.fingerprint == cluster["fingerprint"]
    assert [c.fingerprint for c in redacted.clusters] == [c["fingerprint"] for c in data["clusters"]]
    assert [i.problems for i in redacted.incidents] == [i["problems"] for i in data["incidents"]]
