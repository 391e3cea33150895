"""Issue titles, labels, bodies and comments: golden files, the style guide's rules, the size limit."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from loggardener.clustering.models import AffectedFile
from loggardener.config import IssuesConfig
from loggardener.publishing.content import Composer, category, labels, summary, title, window_key
from loggardener.publishing.markers import read_state
from loggardener.publishing.safety import GITHUB_BODY_LIMIT
from publishing_support import T0, crash_cluster, exit_cluster, make_report, warning_cluster

GOLDEN = Path(__file__).parent / "golden" / "issues"
SECTIONS = [
    "## Impact",
    "## Current Behavior",
    "## Expected Behavior",
    "## Reproduction Steps",
    "## Technical Details",
    "## Evidence",
    "## Priority Reasons",
    "## Business Justification",
    "## Related Issues",
]
CONFIG = IssuesConfig(
    areas={"/app/netra_backend/app/auth/": "area-auth"},
    business_justification={"netra-backend-staging": "Users cannot log in while the backend does not start."},
)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"rerun with UPDATE_GOLDEN=1 if {name} should change"


def test_body_golden_startup_crash() -> None:
    report = make_report()
    content = Composer(report, CONFIG).issue(report.clusters[0], {"0e1f2a3b4c5d": 2})
    golden("startup-crash.md", f"# {content.title}\n\nLabels: {', '.join(content.labels)}\n\n{content.body}")


def test_body_golden_container_exit_without_configuration() -> None:
    report = make_report()
    content = Composer(report, IssuesConfig()).issue(report.clusters[1], {})
    golden("container-exit.md", content.body)


def test_comment_goldens() -> None:
    report = make_report()
    composer = Composer(report, CONFIG)
    before = summary(crash_cluster(count=60, events=20, revisions={"old-rev": 60}), CONFIG, report)
    update, _ = composer.comment(report.clusters[0], before)
    regression, _ = composer.comment(report.clusters[0], before, regression=True, closed_at=T0, reopened=True)
    golden("update-comment.md", update)
    golden("regression-comment.md", regression)


def test_sections_in_order_and_first_sentence_is_the_takeaway() -> None:
    report = make_report()
    body = Composer(report, CONFIG).issue(report.clusters[0], {}).body
    positions = [body.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    impact = body.split("## Impact\n\n", 1)[1].splitlines()[0]
    assert impact.startswith("**P0: `netra-backend-staging` logged 84 ERROR entries of `ModuleNotFoundError")


def test_expected_behavior_is_derived_not_invented() -> None:
    report = make_report()
    composer = Composer(report, IssuesConfig())
    crash = composer.issue(report.clusters[0], {}).body
    exits = composer.issue(report.clusters[1], {}).body
    assert "starts without importing `auth_service`, or its image includes `auth_service`" in crash
    assert "keep serving instead of exiting with code 3" in exits
    assert "Not configured: set `issues.business_justification`" in exits
    assert "ARR" not in crash + exits


def test_labels_at_most_four_priority_first_area_mapped() -> None:
    crash = crash_cluster()
    assert labels(crash, CONFIG) == ["P0", "bug", "area-auth", "log-gardener"]
    by_service = IssuesConfig(areas={"netra-backend-staging": "backend", "/app/": "app"})
    assert labels(crash, by_service) == ["P0", "bug", "backend", "log-gardener"]
    no_area = labels(crash, IssuesConfig(type_label="", generated_by_label="gardener"))
    assert no_area == ["P0", "gardener"]
    same = IssuesConfig(type_label="P0", generated_by_label="P0")
    assert labels(crash, same) == ["P0"]


def test_categories_and_title_template() -> None:
    config = IssuesConfig(active_dev_services=["netra-backend-staging"])
    assert category(crash_cluster(trend="new"), config) == "new"
    assert category(crash_cluster(trend="regressed"), config) == "regression"
    assert category(crash_cluster(trend="recurring"), config, regression=True) == "regression"
    assert category(crash_cluster(trend=None), config) == "active-dev"
    assert category(crash_cluster(trend=None), IssuesConfig()) == "other"
    custom = IssuesConfig(title_template="[BUG] {name} ({priority}, {category})")
    assert title(exit_cluster(), custom) == "[BUG] Container called exit(3). (P0, other)"


def test_bad_title_template_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="use only"):
        IssuesConfig(title_template="{project} | {name}")


def test_state_marker_round_trips_and_hides_comment_terminators() -> None:
    report = make_report()
    cluster = crash_cluster(title="weird --> title -- here", revisions={"rev-->": 1})
    content = Composer(report, CONFIG).issue(cluster, {})
    marker = content.body.rsplit("<!-- log-gardener:state=", 1)[1]
    assert marker.count("-->") == 1  # only the real end of the HTML comment
    assert read_state(content.body) == content.summary


def test_material_changes_ignore_times() -> None:
    report = make_report()
    now = summary(crash_cluster(), CONFIG, report)
    later = summary(crash_cluster(last_seen=T0 + timedelta(days=2)), CONFIG, report)
    more = summary(crash_cluster(count=85), CONFIG, report)
    assert now.material() == later.material()
    assert now.material() != more.material()


def test_window_key_floors_to_the_window() -> None:
    assert window_key(T0, 24) == "2025-09-16T00Z/24h"
    assert window_key(T0, 6) == "2025-09-16T12Z/6h"
    assert window_key(T0 + timedelta(hours=7), 24) == "2025-09-17T00Z/24h"


def test_huge_evidence_is_cut_but_every_section_stays() -> None:
    huge = "x" * 200_000
    cluster = crash_cluster(
        message=huge,
        stack_pattern="Traceback\n" + ("  File 'a.py', line 1\n" * 20_000) + "ValueError: end",
        error_group_ids=[f"group-{i}-{huge[:50]}" for i in range(2000)],
        affected_files=[AffectedFile(file=f"/app/f{i}.py" + "y" * 300, line=i, count=1) for i in range(2000)],
        reasons=[huge] * 50,
        actions=[huge] * 50,
        revisions={f"rev-{i}" + "r" * 200: 1 for i in range(2000)},
        related=[f"fp{i}" for i in range(500)],
    )
    config = IssuesConfig(business_justification={"*": huge})
    report = make_report(cluster, *(warning_cluster(fingerprint=f"fp{i}", title=huge) for i in range(500)))

    body = Composer(report, config).issue(cluster, {f"fp{i}": i + 10 for i in range(500)}).body

    assert len(body) < GITHUB_BODY_LIMIT
    assert [s for s in SECTIONS if s in body] == SECTIONS
    assert body.rstrip().endswith("-->")  # the state marker survived
    assert "ValueError: end" in body  # the tail of the traceback is kept
    assert re.search(r"characters cut", body)
