"""The state file: contents, validation of foreign or corrupt files, and crash-safe writing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import loggardener
from loggardener.errors import ExitCode, GardenerError
from loggardener.report import IssueAction
from loggardener.state import State, load_state, save_state
from loggardener.state.store import HISTORY_LIMIT
from state_factories import T0, cluster, report


def test_a_missing_file_is_an_empty_state(tmp_path: Path) -> None:
    state = load_state(tmp_path / "nowhere" / "state.json")
    assert state.runs == 0
    assert state.next_run == 1
    assert state.fingerprints == {}


def test_record_run_keeps_first_and_last_seen_counts_and_issue(tmp_path: Path) -> None:
    state = State()
    state.record_run(report(cluster("aaa", count=4, hour=0), hour=0))
    created = IssueAction(fingerprint="aaa", action="created", title="t", number=17)
    state.record_run(
        report(cluster("aaa", count=9, hour=2), cluster("bbb", hour=2), hour=2, actions=[created])
    )

    path = tmp_path / "worklogs" / ".gardener-state.json"
    save_state(path, state)
    again = load_state(path)

    assert again == state
    assert again.runs == 2
    aaa = again.fingerprints["aaa"]
    assert (aaa.first_run, aaa.last_run, aaa.runs_seen) == (1, 2, 2)
    assert aaa.first_seen == T0
    assert aaa.last_seen == cluster("aaa", hour=2).last_seen
    assert [(c.run, c.count) for c in aaa.counts] == [(1, 4), (2, 9)]
    assert aaa.issue_number == 17
    assert again.fingerprints["bbb"].issue_number is None
    assert again.fingerprints["bbb"].first_run == 2


def test_fields_a_later_release_added_are_kept_when_an_older_one_writes_the_file(tmp_path: Path) -> None:
    """Within one format version a release may add fields (`unconfirmed_create_at` was one): a job rolled back
    to an older release keeps them on its runs, so nothing is lost when it moves forward again."""
    state = State()
    state.record_run(report(cluster("aaa", count=4, hour=0), hour=0))
    path = tmp_path / "state.json"
    save_state(path, state)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["later_setting"] = {"kept": True}
    data["fingerprints"]["aaa"]["held_until"] = "2026-01-01T00:00:00Z"
    data["fingerprints"]["aaa"]["counts"][0]["instances"] = 3
    path.write_text(json.dumps(data), encoding="utf-8")

    again = load_state(path)
    again.record_run(report(cluster("aaa", count=2, hour=1), cluster("bbb", hour=1), hour=1))
    save_state(path, again)

    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["later_setting"] == {"kept": True} and written["runs"] == 2
    assert written["fingerprints"]["aaa"]["held_until"] == "2026-01-01T00:00:00Z"
    assert written["fingerprints"]["aaa"]["counts"][0]["instances"] == 3
    assert "held_until" not in written["fingerprints"]["bbb"]


def test_a_failed_issue_action_links_nothing() -> None:
    state = State()
    failed = IssueAction(fingerprint="aaa", action="failed", title="t", number=5, detail="HTTP 500")
    state.record_run(report(cluster("aaa"), actions=[failed]))
    assert state.fingerprints["aaa"].issue_number is None


def test_count_history_is_bounded() -> None:
    state = State()
    for hour in range(HISTORY_LIMIT + 7):
        state.record_run(report(cluster("aaa", count=hour + 1, hour=hour), hour=hour))
    history = state.fingerprints["aaa"]
    assert len(history.counts) == HISTORY_LIMIT
    assert history.counts[-1].count == HISTORY_LIMIT + 7
    assert history.counts[0].run == 8
    assert history.runs_seen == HISTORY_LIMIT + 7


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is corrupt"),
        ("", "is corrupt"),
        (
            '{"format": "log-gardener-state", "version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "is corrupt (nested too deeply)",
        ),
        (
            '{"format": "log-gardener-state", "version": 1, "runs": ' + "9" * 5000 + "}",
            "is corrupt (a number of 5,000 digits (at most 4,300 are read))",
        ),
        ('["a", "list"]', "is not a log gardener state file"),
        ('{"name": "some other tool", "version": 1}', "is not a log gardener state file"),
        (
            '{"format": "log-gardener-state", "version": 2, "runs": 1}',
            "has format version 2; this log gardener reads version 1; a newer log gardener wrote it: upgrade this",
        ),
        ('{"format": "log-gardener-state", "version": 0}', "reads version 1; move it aside"),
        ('{"format": "log-gardener-state", "version": 1, "runs": "many"}', "is corrupt (at runs"),
        (
            '{"format": "log-gardener-state", "version": 1, "fingerprints": {"a": {"title": "x"}}}',
            "is corrupt (at fingerprints.a.first_seen",
        ),
    ],
)
def test_a_corrupt_or_foreign_file_is_a_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_state(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert str(path) in caught.value.message
    assert expected in caught.value.message
    assert "move it aside" in caught.value.message
    assert path.read_text(encoding="utf-8") == content, "a bad state file is never reset"


@pytest.mark.parametrize(
    "encode",
    [lambda text: text.encode("utf-16"), lambda text: b"\x98\x00\xff" + text.encode()],
    ids=["saved-as-utf-16", "bytes-that-are-no-text"],
)
def test_a_state_file_that_is_not_utf8_is_corrupt_with_the_way_out(tmp_path: Path, encode: Any) -> None:
    """A state re-saved by an editor in another encoding, or overwritten with binary data: the same
    advice as any other corrupt state, and the file left as it is."""
    path = tmp_path / "state.json"
    data = encode(_saved_state(path).decode())
    path.write_bytes(data)
    with pytest.raises(GardenerError) as caught:
        load_state(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert f"state file {path} is corrupt (not UTF-8 text: byte " in caught.value.message
    assert "move it aside" in caught.value.message
    assert path.read_bytes() == data


def _saved_state(path: Path) -> bytes:
    state = State()
    state.record_run(report(cluster("aaa"), cluster("bbb")))
    save_state(path, state)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("where", "moment"),
    [
        (("last_run_at",), "9999-12-31T23:59:59Z"),
        (("fingerprints", "aaa", "last_seen"), "9999-12-31T23:59:59Z"),
        (("fingerprints", "aaa", "first_seen"), "0001-01-01T00:00:00Z"),
        (("fingerprints", "aaa", "unconfirmed_create_at"), "0001-01-01T00:00:00Z"),
        (("fingerprints", "aaa", "quiet_through"), "9999-12-31T23:00:00-05:00"),
        (("fingerprints", "aaa", "counts", 0, "at"), "1969-12-31T23:59:59Z"),
    ],
)
def test_a_time_outside_the_years_1970_to_8999_makes_the_state_corrupt(
    tmp_path: Path, where: tuple[str | int, ...], moment: str
) -> None:
    """A time edited by hand or left by a broken clock (Go's zero time, year 9999) overflowed the arithmetic of
    trends and unconfirmed creates (an internal error): the state is corrupt, named at its field."""
    path = tmp_path / "state.json"
    data = json.loads(_saved_state(path))
    *parents, last = where
    node = data
    for key in parents:
        node = node[key]
    node[last] = moment
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_state(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    field = ".".join(str(key) for key in where)
    assert f"is corrupt (at {field}: " in caught.value.message
    assert "is outside the years 1970 to 8999" in caught.value.message


def test_a_crash_in_the_middle_of_writing_leaves_the_old_file(tmp_path: Path) -> None:
    """A process that dies after writing the new content but before the rename keeps the old state."""
    path = tmp_path / "state.json"
    before = _saved_state(path)
    crashing_writer = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from loggardener.state import load_state, save_state
        from loggardener.state.store import State

        path = Path({str(path)!r})
        state = load_state(path)
        state.runs = 99
        state.fingerprints.clear()
        os.fsync = lambda fd: os._exit(9)  # the machine dies once the new bytes are written
        save_state(path, state)
        """
    )
    source_root = str(Path(loggardener.__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")])}
    finished = subprocess.run([sys.executable, "-c", crashing_writer], env=env, timeout=60, check=False)

    assert finished.returncode == 9
    assert path.read_bytes() == before
    assert load_state(path).runs == 1
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "state.json"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".state.json.") and leftovers[0].endswith(".tmp")


def test_a_failed_rename_is_an_error_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    before = _saved_state(path)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(GardenerError, match="cannot write state file") as caught:
        save_state(path, State(runs=5))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_an_unwritable_location_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "worklogs"
    blocker.write_text("a file where the directory should be", encoding="utf-8")
    with pytest.raises(GardenerError, match="cannot write state file"):
        save_state(blocker / "state.json", State())


def test_the_file_is_readable_json_with_a_marker(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    _saved_state(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "log-gardener-state"
    assert data["version"] == 1
    assert set(data["fingerprints"]) == {"aaa", "bbb"}


def test_a_new_file_is_world_readable_and_an_existing_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, State())
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    save_state(path, State(runs=3))
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_state(path).runs == 3


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d, fp: d.update(runs=-3), "at runs: Input should be greater than or equal to 0"),
        (
            lambda d, fp: d["fingerprints"][fp].update(last_run=40),
            "names run 40, after the file's last run 2",
        ),
        (
            lambda d, fp: d["fingerprints"][fp].update(resolved_run=9),
            "names run 9, after the file's last run 2",
        ),
        (lambda d, fp: d["fingerprints"][fp].update(issue_number=0), "at fingerprints.{fp}.issue_number"),
        (lambda d, fp: d["fingerprints"][fp]["counts"][0].update(count=-1), "greater than or equal to 0"),
        (
            lambda d, fp: d["fingerprints"][fp].update(first_run=2, last_run=1),
            "last_run 1 is before first_run 2",
        ),
        (
            lambda d, fp: d["fingerprints"][fp].update(first_seen="2099-01-01T00:00:00Z"),
            "last_seen is before",
        ),
    ],
)
def test_a_hand_edited_state_whose_runs_disagree_is_a_clear_error(
    tmp_path: Path, edit: Any, expected: str
) -> None:
    state = State()
    state.record_run(report(cluster("fp-a", count=3)))
    state.record_run(report(cluster("fp-a", count=4), hour=1))
    data = json.loads(state.model_dump_json())
    edit(data, "fp-a")
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_state(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert expected.replace("{fp}", "fp-a") in caught.value.message and "(at : " not in caught.value.message
