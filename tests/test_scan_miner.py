"""Scan groups messages with the template miner: variable words merge, and a cap keeps an honest rest."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from conftest import ListSource, scan_entries
from entry_factories import run_entry
from loggardener.cli import app
from loggardener.config import GardenerConfig
from loggardener.pipeline import Scan, ScanOptions

runner = CliRunner()
NAMES = [
    "alice", "bruno", "chloe", "dmitri", "emma", "farid", "greta", "hiro", "ines", "jonas",
    "kaito", "lena", "mateo", "nora", "oskar", "priya", "quinn", "rosa", "sven", "tomas",
]  # fmt: skip


def login_failures(order_seed: int) -> list[dict[str, object]]:
    entries = [
        run_entry(i, text=f"Login failed for user {NAMES[i % 20]} from tenant orchard", severity="WARNING")
        for i in range(200)
    ]
    random.Random(order_seed).shuffle(entries)
    return entries


def test_two_hundred_logins_of_twenty_users_are_one_problem_with_final_assignments(
    tmp_path: Path, write_export
) -> None:  # type: ignore[no-untyped-def]
    path = write_export(login_failures(1))
    result = runner.invoke(
        app,
        [
            "scan", "--from", str(path), "--out", str(tmp_path),
            "--report-json", str(tmp_path / "r.json"), "--assignments", str(tmp_path / "a.ndjson"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout

    clusters = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["clusters"]
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster["count"] == 200
    assert cluster["template"] == "Login failed for user <*> from tenant orchard"
    assert cluster["title"] == cluster["template"]
    lines = [json.loads(line) for line in (tmp_path / "a.ndjson").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 200
    assert {line["fingerprint"] for line in lines} == {cluster["fingerprint"]}
    assert [line["position"] for line in lines] == list(range(1, 201))


def test_the_merged_fingerprint_does_not_depend_on_input_order() -> None:
    fingerprints = {scan_entries(login_failures(seed)).clusters[0].fingerprint for seed in range(4)}
    assert len(fingerprints) == 1


def test_one_differing_word_is_not_merged() -> None:
    entries = [
        run_entry(i, text=f"VM {state}", severity="WARNING") for i, state in enumerate(["Started", "Paused"])
    ]
    assert len(scan_entries(entries).clusters) == 2


def test_messages_past_the_template_cap_are_one_honest_other_cluster() -> None:
    rng = random.Random(7)
    letters = "ghijklmnopqrstuvwxyz"  # not hex: no word is masked as an id

    def word() -> str:
        return "".join(rng.choice(letters) for _ in range(7))

    # Three unrelated words: too little shared context to merge, so every message is its own template.
    entries = [run_entry(i, text=f"{word()} {word()} {word()}", severity="WARNING") for i in range(300)]
    config = GardenerConfig.model_validate({"clustering": {"max_templates": 100}})

    keys: list[str | None] = []
    scan = Scan(config, ScanOptions(), on_assign=lambda _position, _id, key, _skipped: keys.append(key))
    report = scan.run(ListSource(entries))

    assert len(report.clusters) == 101
    assert sum(c.count for c in report.clusters) == 300 == report.totals.clustered
    (other,) = [c for c in report.clusters if c.title.startswith("other")]
    assert other.title == "other: 200 messages beyond the template cap"
    assert other.count == 200
    assigned = Counter(scan.final_fingerprint(key) for key in keys if key is not None)
    assert assigned == {c.fingerprint: c.count for c in report.clusters}


def test_entries_without_text_are_one_problem_titled_as_such() -> None:
    """A blank stderr line or an entry with no payload at ERROR: a title and an action that say so, never an
    empty heading."""
    entries = [run_entry(i, text=text, severity="ERROR") for i, text in enumerate(["", "   ", "\t"])]
    entries.append(run_entry(3, severity="ERROR"))
    report = scan_entries(entries)
    [problem] = report.clusters
    assert problem.title == "(empty message)" and problem.count == 4
