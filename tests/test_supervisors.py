"""Process supervisors telling of a child's failure at INFO or without a level (supervisord, pm2, nodemon, Upstart)."""

from __future__ import annotations

from typing import Any

import pytest

from loggardener.clustering.models import Cluster, Sample
from loggardener.config import GardenerConfig
from loggardener.entries.levels import infer_severity, may_raise, platform_failure
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser
from loggardener.prioritizing import Prioritizer
from test_priorities import cluster

parser = EntryParser(Redactor(), StackParser())
prioritizer = Prioritizer(GardenerConfig().priorities.rule_tiers())

FAILURES = [
    # supervisord: an exit its `exitcodes` do not expect, by a code or a signal; a program it gave up on; a spawn error
    "2026-03-01 10:00:00,001 INFO exited: indexer_02 (exit status 127; not expected)",
    "2026-03-01 10:00:00,001 INFO exited: celery (terminated by SIGSEGV (core dumped); not expected)",
    "2026-03-01 10:00:00,001 INFO gave up: celery-beat entered FATAL state, too many start retries too quickly",
    "2026-03-01 10:00:00,001 INFO spawnerr: command at '/srv/bin/sync' is not executable",
    "2026-03-01 10:00:00,001 INFO spawnerr: unknown error making dispatchers for 'sync': EACCES",
    # pm2: a non-zero exit, and a program it stopped restarting
    "2026-03-01T10:00:00: PM2 log: App [worker:3] exited with code [137] via signal [SIGKILL]",
    'PM2        | Script /srv/worker/index.js had too many unstable restarts (16). Stopped. "errored"',
    # nodemon
    "[nodemon] app crashed - waiting for file changes before starting...",
    # Upstart (init's own lines, forwarded by syslog)
    "init: celeryd main process (9120) terminated with status 2",
    "init: celeryd main process (9120) killed by SEGV signal",
    "init: celeryd respawning too fast, stopped",
]

QUIET = [
    "2026-03-01 10:00:00,001 INFO exited: migrate (exit status 0; expected)",
    "2026-03-01 10:00:00,001 INFO stopped: indexer_02 (terminated by SIGTERM)",
    "2026-03-01 10:00:00,001 INFO success: celery entered RUNNING state, process has stayed up for > than 1 seconds",
    "2026-03-01 10:00:00,001 INFO spawned: 'celery' with pid 8812",
    "2026-03-01T10:00:00: PM2 log: App [worker:3] exited with code [0] via signal [SIGINT]",
    "2026-03-01T10:00:00: PM2 log: App [worker:3] online",
    "[nodemon] clean exit - waiting for changes before restart",
    "[nodemon] restarting due to changes...",
    "init: celeryd main process (9120) killed by TERM signal",
    "init: celeryd main process ended, respawning",
]


@pytest.mark.parametrize("text", FAILURES)
@pytest.mark.parametrize("severity", [None, "INFO"])
def test_a_supervisors_line_of_a_childs_failure_is_an_error_at_any_level(
    text: str, severity: str | None
) -> None:
    assert may_raise(text) and platform_failure(text)  # the fast path's superset holds the line
    raw: dict[str, Any] = {"timestamp": "2026-03-01T10:00:00Z", "textPayload": text}
    if severity is not None:
        raw["severity"] = severity
    entry = parser.parse(1, raw)
    assert entry.severity == Severity.ERROR and entry.severity_rule == "platform-failure"


@pytest.mark.parametrize("text", QUIET)
def test_a_supervisors_line_of_a_stop_or_a_start_keeps_its_level(text: str) -> None:
    inferred = infer_severity(Severity.INFO, weak=False, text=text, has_stack=False, has_error_group=False)
    assert inferred == infer_severity(
        Severity.INFO, weak=False, text="ok", has_stack=False, has_error_group=False
    )
    assert not platform_failure(text)


@pytest.mark.parametrize(
    "message",
    [
        "gave up: celery-beat entered FATAL state, too many start retries too quickly",
        "can't find command '/srv/bin/sync'",  # supervisord's spawn errors, after their `spawnerr: ` tag
        "command at '/srv/bin/sync' is not executable",
        "Too many processes in process table to spawn 'sync'",
        'Script /srv/worker/index.js had too many unstable restarts (16). Stopped. "errored"',
        "init: celeryd respawning too fast, stopped",
        "backup.service: Start request repeated too quickly.",
    ],
)
def test_a_supervisor_that_gave_up_on_its_program_is_p1_even_once(message: str) -> None:
    ranked = prioritizer.rank(
        cluster(
            message=message,
            max_severity="ERROR",
            severities={"ERROR": 1},
            samples=[
                Sample(insert_id="a", timestamp=cluster().first_seen, severity="ERROR", message=message)
            ],
        )
    )
    assert ranked.priority == "P1"
    assert ranked.reasons[0].startswith(
        "a process supervisor cannot start its program or gave up restarting it"
    )


def test_a_childs_unexpected_exit_is_no_supervisor_giving_up() -> None:
    message = "exited: indexer_02 (exit status 127; not expected)"
    ranked = prioritizer.rank(
        Cluster(**{**cluster().model_dump(), "message": message, "max_severity": "ERROR"})
    )
    assert not ranked.reasons[0].startswith("a process supervisor")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-03-01 10:00:00,001 INFO exited: indexer_02 (exit status 127; not expected)",
         "exited: indexer_02 (exit status 127; not expected)"),
        ("2026-03-01 10:00:00,001 INFO spawnerr: command at '/srv/bin/sync' is not executable",
         "spawnerr: command at '/srv/bin/sync' is not executable"),
        ("2026-03-01 10:00:00,001 INFO stopped: indexer_02 (terminated by SIGTERM)",
         "stopped: indexer_02 (terminated by SIGTERM)"),
        ("2026-03-01 10:00:00,001 INFO spawned: 'celery' with pid 8812", "spawned: 'celery' with pid 8812"),
        # a component's name after the level is still the header's (look-alike)
        ("2026-03-01 10:00:00,001 INFO scheduler: 4 jobs queued", "4 jobs queued"),
    ],
)  # fmt: skip
def test_a_supervisord_state_change_keeps_its_word(text: str, message: str) -> None:
    """supervisord opens a program's state line with the change (`exited:`, `spawnerr:`): it is what the line says,
    not a component's name the header stripping removes, so the problem's title says what happened."""
    entry = parser.parse(1, {"timestamp": "2026-03-01T10:00:00Z", "textPayload": text})
    assert entry.message == message
