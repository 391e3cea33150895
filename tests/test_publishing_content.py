"""Issue titles, labels, bodies and comments: golden files, the style guide's rules, the size limit."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from loggardener.clustering.models import AffectedFile
from loggardener.config import IssuesConfig
from loggardener.linking.incidents import build_incidents
from loggardener.linking.models import Link
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
    assert impact.startswith("**P0: `netra-backend-staging` logged 84 ERROR entries matching `ModuleNotFound")


def test_expected_behavior_is_derived_not_invented() -> None:
    report = make_report()
    composer = Composer(report, IssuesConfig())
    crash = composer.issue(report.clusters[0], {}).body
    exits = composer.issue(report.clusters[1], {}).body
    assert "starts without importing `auth_service`, or its image includes `auth_service`" in crash
    assert "keep serving instead of exiting; the exit is a symptom" in exits
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
    # seen by an earlier run (e.g. one that died before creating its issue): still new to the tracker
    assert category(crash_cluster(trend="recurring"), config) == "new"
    assert category(crash_cluster(trend="regressed"), config) == "regression"
    assert category(crash_cluster(trend="recurring"), config, regression=True) == "regression"
    assert category(crash_cluster(trend=None), config) == "active-dev"
    assert category(crash_cluster(trend=None), IssuesConfig()) == "other"
    custom = IssuesConfig(title_template="[BUG] {name} ({priority}, {category})")
    assert title(exit_cluster(), custom) == "[BUG] Container called exit(<*>). (P0, other)"


def test_bad_title_template_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="use only"):
        IssuesConfig(title_template="{project} | {name}")


def test_state_marker_round_trips_and_hides_comment_terminators() -> None:
    report = make_report()
    cluster = crash_cluster(title="weird --> title -- here", revisions={"rev-->": 1})
    content = Composer(report, CONFIG).issue(cluster, {})
    marker = content.body.rsplit("<!-- log-gardener:state=", 1)[1].split("\n", 1)[0]
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


def impact_line(body: str) -> str:
    return body.split("## Impact\n\n", 1)[1].splitlines()[0]


def test_headline_counts_each_severity_instead_of_the_highest_times_all() -> None:
    mixed = crash_cluster(severities={"ERROR": 81, "CRITICAL": 3}, max_severity="CRITICAL")
    report = make_report(mixed)
    impact = impact_line(Composer(report, CONFIG).issue(mixed, {}).body)
    assert "logged 84 entries (CRITICAL 3, ERROR 81) matching" in impact
    assert "84 CRITICAL" not in impact


def test_what_all_entries_say_comes_from_the_template_and_a_sample_is_only_an_example() -> None:
    late = T0 + timedelta(minutes=7, microseconds=250_000)
    exits = exit_cluster(
        message="Container called exit(1).",
        samples=[
            exit_cluster()
            .samples[0]
            .model_copy(update={"message": "Container called exit(1).", "timestamp": late})
        ],
    )
    report = make_report(exits)
    body = Composer(report, IssuesConfig()).issue(exits, {}).body

    assert "logged 28 WARNING entries matching `Container called exit(<*>).`" in impact_line(body)
    example = "`Container called exit(<*>).` (`<*>` varies), e.g. `Container called exit(1).` at 2025-09-16T17:50:50.250Z"
    assert f"- Error: {example}" in body
    assert "Redacted sample (2025-09-16T17:50:50.250Z, WARNING" in body
    assert "exiting with code" not in body
    # no statement about every entry quotes the one sample's message
    outside_examples = body.replace("e.g. `Container called exit(1).`", "").split("Redacted sample")[0]
    assert "exit(1)" not in outside_examples


def test_several_services_start_and_run_in_the_plural() -> None:
    services = {"orders-api": 5, "orders-reconcile": 3}
    crash = crash_cluster(services=services)
    quiet = warning_cluster(services=services, priority="P2", samples=[])
    report = make_report(crash, quiet)
    composer = Composer(report, IssuesConfig())
    assert (
        "`orders-api`, `orders-reconcile` start without importing `auth_service`, or their images include"
        in (composer.issue(crash, {}).body)
    )
    assert "`orders-api`, `orders-reconcile` run without logging this WARNING message." in (
        composer.issue(quiet, {}).body
    )
    single = composer.issue(crash_cluster(), {}).body
    assert "`netra-backend-staging` starts without importing" in single


def test_related_problems_say_why_they_have_no_issue() -> None:
    crash = crash_cluster(related=["0e1f2a3b4c5d", "9999aaaa0000"])
    report = make_report(crash, exit_cluster(), warning_cluster(related=["a1b2c3d4e5f6"]))
    composer = Composer(report, IssuesConfig())

    published = composer.issue(crash, {}).body
    drafted = composer.issue(crash, {}, draft=True).body

    assert "- Causes `Container called exit(<*>).` (`0e1f2a3b4c5d`): no issue yet." in published
    assert "- Causes `Container called exit(<*>).` (`0e1f2a3b4c5d`): drafted in this run." in drafted
    for body in (published, drafted):
        assert (
            "- Linked with `Sentry SDK not available` (`9999aaaa0000`): below the issue threshold (P3)."
            in body
        )
    assert "(`0e1f2a3b4c5d`): #7." in composer.issue(crash, {"0e1f2a3b4c5d": 7}).body


def test_without_a_scan_query_there_is_no_empty_logs_explorer_heading() -> None:
    report = make_report().model_copy(update={"query_filter": None, "console_url": None})
    body = Composer(report, IssuesConfig()).issue(report.clusters[0], {}).body
    assert "Logs Explorer:" not in body and "Logs Explorer (" not in body
    assert "\n\n\n" not in body
    assert (
        'Logs Explorer query for the samples: `timestamp>="2025-09-16T17:43:50Z" '
        'AND timestamp<"2025-09-16T17:43:51Z" AND (insertId="abc123")`'
    ) in body


def test_draft_comments_do_not_promise_edits() -> None:
    report = make_report()
    composer = Composer(report, CONFIG)
    drafted, _ = composer.comment(report.clusters[0], None, draft=True)
    published, _ = composer.comment(report.clusters[0], None)
    assert "update this comment" not in drafted
    assert "Later runs comment again only when these facts change." in drafted
    assert "Runs within one 24-hour window update this comment" in published


def test_facts_marker_is_shared_by_body_and_comments_and_ignores_times() -> None:
    report = make_report()
    composer = Composer(report, CONFIG)
    body = composer.issue(report.clusters[0], {}).body
    marker = body.splitlines()[-1]
    assert marker.startswith("<!-- log-gardener:facts=")
    later = crash_cluster(last_seen=T0 + timedelta(hours=2))
    assert marker in composer.comment(later, None)[0]
    assert marker in composer.comment(later, None, regression=True)[0]
    assert marker not in composer.comment(crash_cluster(count=85), None)[0]


def incident_report(per_incident: bool = True) -> tuple[Composer, IssuesConfig]:
    """The crash causing the exits, linked as the linking stage links them, in one incident."""
    link = Link(
        cause="a1b2c3d4e5f6",
        effect="0e1f2a3b4c5d",
        kinds=["instance"],
        evidence=["100% of the occurrences of `Container called exit(<*>).` come within 10 s of the crash"],
    )
    clusters, incidents = build_incidents([crash_cluster(), exit_cluster(), warning_cluster()], [link], [])
    config = IssuesConfig(per_incident=per_incident)
    report = make_report(*clusters).model_copy(update={"incidents": incidents})
    return Composer(report, config), config


def test_per_incident_files_the_root_with_its_story_and_its_effects() -> None:
    composer, _ = incident_report()
    assert [c.fingerprint for c in composer.selected()] == ["a1b2c3d4e5f6"]  # the exits are filed in it
    root = composer.selected()[0]
    body = composer.issue(root, {}).body
    golden("incident-root.md", body)
    assert "Incident: At 17:43:50 `ModuleNotFoundError: No module named 'auth_service'" in body
    assert (
        "- Causes `Container called exit(<*>).` (`0e1f2a3b4c5d`): no issue of its own: filed with this issue."
        " Evidence: 100% of the occurrences" in body
    )


def test_per_incident_off_files_each_problem_at_the_threshold() -> None:
    composer, _ = incident_report(per_incident=False)
    assert [c.fingerprint for c in composer.selected()] == ["a1b2c3d4e5f6", "0e1f2a3b4c5d"]
    exits = composer.by_fingerprint["0e1f2a3b4c5d"]
    assert "- Caused by `ModuleNotFoundError" in composer.issue(exits, {"a1b2c3d4e5f6": 4}).body
