from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from loggardener.sources.demo import demo_export_path

SCRIPT = Path(__file__).parents[1] / "scripts" / "make_demo_export.py"


def test_the_bundled_demo_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "demo.json.gz"
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, capture_output=True)
    assert out.read_bytes() == demo_export_path().read_bytes(), (
        "run scripts/make_demo_export.py to refresh it"
    )
