"""The collector runs rarely while a command starts and at its usual pace once it runs (`loggardener.startup`)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loggardener import startup


@pytest.fixture
def usual_pace() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    startup.end()
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("usual_pace")
def test_start_up_collects_rarely_then_freezes_what_it_made_and_restores_the_pace() -> None:
    thresholds = gc.get_threshold()
    startup.begin()
    assert gc.isenabled() and gc.get_threshold() == (startup.START_UP_THRESHOLD, *thresholds[1:])
    made = [[] for _ in range(100)]
    startup.end()
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() >= len(made)


@pytest.mark.usefixtures("usual_pace")
def test_end_without_begin_changes_nothing() -> None:
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    startup.end()
    assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, frozen)


@pytest.mark.parametrize(
    "command", [["scan", "--demo", "--no-state", "--out", "{tmp}"], ["cluster", "{log}"]]
)
def test_a_command_runs_at_the_usual_pace_with_its_start_up_frozen(
    tmp_path: Path, command: list[str]
) -> None:
    log = tmp_path / "app.log"
    log.write_text("worker 7 started\nworker 8 started\n", encoding="utf-8")
    argv = ["gardener", *(arg.format(tmp=tmp_path, log=log) for arg in command)]
    # the pace the process started at, not this one's (the suite's workers collect at their own, conftest.py)
    probe = (
        "import atexit, gc, sys; usual = gc.get_threshold(); from loggardener import cli; "
        "atexit.register(lambda: print(gc.get_threshold() == usual, gc.get_freeze_count() > 10000)); "
        f"sys.argv = {argv!r}; cli.main()"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "True True"


def test_help_leaves_what_is_alive_to_the_end_of_the_process() -> None:
    """`--help` never calls `startup.end`; once it has printed, what is alive is frozen all the same, so the
    full collections of the interpreter's shutdown do not examine it (`startup.leave`)."""
    probe = (
        "import atexit, gc, sys; from loggardener import cli; "
        "atexit.register(lambda: print(gc.get_freeze_count() > 10000)); "
        "sys.argv = ['gardener', '--help']; cli.main()"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "True"


def test_the_command_line_loads_its_modules_at_the_start_up_pace() -> None:
    """The entry point (`launch.main`) paces the collector before typer, rich and `loggardener.cli` load: their
    imports ran some 50 collections of what they made (`--help` loads them all and never calls `startup.end`)."""
    probe = (  # counted from the entry point's call: compiling launch.py without a cached .pyc collects too
        "import atexit, gc, sys; from loggardener.launch import main; collections = []; "
        "gc.callbacks.append(lambda phase, info: collections.append(phase) if phase == 'stop' else None); "
        "atexit.register(lambda: print(len(collections))); "
        "sys.argv = ['gardener', '--help']; main()"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0"
