"""Each rule for real-world entries, on a minimal entry written for the test (see docs/severity.md)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import scan_entries
from entry_factories import gke_entry, run_entry, split_traceback
from linear import assert_linear
from loggardener.clustering.signature import normalize_route
from loggardener.entries import levels
from loggardener.entries.levels import declared_level, infer_severity, may_raise, strip_prefix
from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


def parse(raw: dict[str, Any]) -> Any:
    return parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


@pytest.mark.parametrize(
    ("text", "severity", "rule"),
    [
        ("[2026-11-21 12:00:00 +0000] [7] [CRITICAL] WORKER TIMEOUT (pid:9)", "CRITICAL", "bracketed-level"),
        ("2026-11-21 12:00:00 [WARNING] cache: stale entry", "WARNING", "bracketed-level"),
        # a component named in words between the timestamp and the bracketed level
        (
            "[2026-11-21T12:00:00.000Z] [Order Sync] [WARN] Error listing orders:",
            "WARNING",
            "bracketed-level",
        ),
        ("[2026-11-21T12:00:00.000Z] [Order Sync API v2] [error] boom", "ERROR", "bracketed-level"),
        ("ERROR:app:payment failed", "ERROR", "level-header"),
        ("E1124 12:00:00.123456    1 main.go:42] cannot dial", "ERROR", "glog-header"),
        # glog's prefix on lines logged before flag.Parse() says nothing of their level: the letter does
        (
            "ERROR: logging before flag.Parse: I0302 08:00:01.500000 77 server.go:12] listening",
            "INFO",
            "glog-header",
        ),
        ("ERROR: logging before flag.Parse: W0302 08:00:01.5 9 cache.go:88] stale", "WARNING", "glog-header"),
        ('ts=2026-11-21T12:00:00Z level=error msg="boom"', "ERROR", "logfmt-level"),
        ('{"level":"error","msg":"boom"}', "ERROR", "json-level-in-text"),
        ('{"level":50,"msg":"pino says boom"}', "ERROR", "json-level-in-text"),
        (
            "\x1b[31m[Nest] 41  - \x1b[39m11/21/2026, 12:00:00 PM \x1b[31m  ERROR\x1b[39m [Handler] boom",
            "ERROR",
            "level-header",
        ),
        ("2026-11-21 12:00:00,123 - app.db - ERROR - connection lost", "ERROR", "level-header"),
        ("dpkg: error processing archive /var/cache/x.deb (--unpack):", "ERROR", "level-word"),
        ("denied: requested access to the resource is denied", "ERROR", "registry-error"),
        ("unauthorized: authentication required", "ERROR", "registry-error"),
        ("toomanyrequests: You have reached your pull rate limit.", "ERROR", "registry-error"),
        (
            'Step #3 - "push": denied: Permission "artifactregistry.repositories.uploadArtifacts" denied',
            "ERROR",
            "registry-error",
        ),
        ('Step #1: manifest unknown: manifest tagged by "v3" is not found', "ERROR", "registry-error"),
        ("/app/x.py:3: DeprecationWarning: old api", "WARNING", "python-warning"),
        ("2026-11-21T12:00:00Z [1] INFO {sup} all good", "INFO", "level-header"),
        ("E, [2025-06-10T13:00:00.123456 #1] ERROR -- : NoMethodError (x):", "ERROR", "ruby-logger-header"),
        ("W, [2025-06-10T13:00:00.123456 #12]  WARN -- sidekiq: slow job", "WARNING", "ruby-logger-header"),
        ("F, [2025-06-10T13:00:00.123456 #1] FATAL -- : boot failed", "CRITICAL", "ruby-logger-header"),
        ("fail: Acme.Ledger.Worker[0]\n      Settlement batch failed", "ERROR", "dotnet-logger-header"),
        ("crit: Microsoft.AspNetCore.Hosting.Diagnostics[6]\n      x", "CRITICAL", "dotnet-logger-header"),
        ("warn: Microsoft.AspNetCore.DataProtection[35] No XML encryptor", "WARNING", "dotnet-logger-header"),
        ("info: Microsoft.Hosting.Lifetime[14]\n      Now listening", "INFO", "dotnet-logger-header"),
        ("2025/06/10 13:00:00 [crit] 29#29: *1 SSL_do_handshake() failed", "CRITICAL", "bracketed-level"),
        ("2025/06/10 13:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed", "EMERGENCY", "bracketed-level"),
        (
            "[Tue Jun 10 13:00:00.000000 2025] [php:warn] [pid 18] [client 10.0.0.1:1] PHP Warning:  x",
            "WARNING",
            "bracketed-level",
        ),
        (
            "[Tue Jun 10 13:00:00.123456 2025] [:error] [pid 18:tid 140] AH01071: Got error",
            "ERROR",
            "bracketed-level",
        ),
        (
            "2025-06-10T13:00:00.123456Z 12 [ERROR] [MY-010584] [Repl] Slave SQL: x",
            "ERROR",
            "bracketed-level",
        ),
        (
            "2025-06-10T13:00:00.123456Z 0 [Note] [MY-010914] [Server] Aborted connection",
            "NOTICE",
            "bracketed-level",
        ),
        (
            "2025-06-10 13:00:00.101 UTC [92001]: [7-1] db=orders,user=app ERROR:  duplicate key",
            "ERROR",
            "level-header",
        ),
        ("2025-06-10 13:00:00.101 UTC [92001] LOG:  checkpoint starting: time", "INFO", "level-header"),
        # PostgreSQL's FATAL ends a session, its PANIC the server; FATAL elsewhere stays critical
        (
            "2025-06-10 13:00:02 UTC [77]: FATAL:  the database system is shutting down",
            "ERROR",
            "postgres-fatal",
        ),
        (
            '2025-06-10 13:00:03.5 UTC [81]: [2-1] db=shop,user=api FATAL:  password authentication failed for user "api"',
            "ERROR",
            "postgres-fatal",
        ),
        (
            "2025-06-10 13:00:04 UTC [1]: PANIC:  could not write to file: No space left",
            "CRITICAL",
            "level-header",
        ),
        ("2025-06-10 13:00:05 FATAL: config file /etc/app.yaml missing", "CRITICAL", "level-header"),
        # a line that is a failure by itself: an exception's line, a runtime's crash line
        ("TypeError: Cannot read properties of undefined (reading 'total')", "ERROR", "failure-line"),
        ("2026-01-01 12:00:00 KeyError: 'sku'", "ERROR", "failure-line"),
        ("java.lang.OutOfMemoryError: Java heap space", "ERROR", "failure-line"),
        # the base classes themselves: Python's and Java's `Exception`, and Node.js's `Error` reported after a colon
        ("Exception: quota exhausted for tenant 7", "ERROR", "failure-line"),
        ("java.lang.Exception: stream closed", "ERROR", "failure-line"),
        ("[queue-client] lost its link: Error: connect ETIMEDOUT 10.8.0.3:6379", "ERROR", "failure-line"),
        ('Exception in thread "main" java.lang.IllegalStateException: closed', "ERROR", "failure-line"),
        (
            "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
            "ERROR",
            "failure-line",
        ),
        ("PHP Fatal error:  Uncaught Error: Call to undefined function foo()", "ERROR", "failure-line"),
        (
            "PHP Warning:  Undefined variable $total in /var/www/cart.php on line 12",
            "WARNING",
            "failure-line",
        ),
        ("Segmentation fault (core dumped)", "ERROR", "failure-line"),
        ("Fatal Python error: Aborted", "ERROR", "failure-line"),
        ("terminate called after throwing an instance of 'std::bad_alloc'", "ERROR", "failure-line"),
        ("npm ERR! code ELIFECYCLE", "ERROR", "failure-line"),
        ("fatal: could not read Username for 'https://github.com'", "ERROR", "failure-line"),
        ("ERRO[0003] error waiting for container: context canceled", "ERROR", "failure-line"),
        ("FATA[0000] failed to load config", "CRITICAL", "failure-line"),
        (
            "[2026-02-03, 04:05:06 UTC] {standard_task_runner.py:9} ERROR - Failed to execute job 4",
            "ERROR",
            "level-header",
        ),
    ],
)
def test_a_text_declares_its_level(text: str, severity: str, rule: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity.name, declared.rule) == (severity, rule)


def test_plain_text_declares_nothing() -> None:
    assert declared_level("Socket exception: Connection reset by peer (104)") is None
    assert declared_level("The request was aborted") is None
    assert declared_level("ErrorHandler registered for /api") is None
    assert declared_level("NoSuchKeyError handled, retrying") is None
    assert declared_level("Fault: none detected") is None
    assert declared_level("Exceptions: 0, Errors: 0") is None
    # a registry's error code opens the line, in lower case, before a message: not inside a sentence, not a key
    assert declared_level("Access denied: the token has no scope") is None
    assert declared_level("Denied: 0, allowed: 12") is None
    assert declared_level("unauthorized:12") is None


def test_a_cloud_build_push_a_registry_denied_is_a_problem_of_its_own() -> None:
    """Cloud Build writes its steps' lines without a severity: the registry's `denied:` is what failed."""
    line = 'Step #3 - "push": denied: Permission "artifactregistry.repositories.uploadArtifacts" denied on resource'
    build = {"type": "build", "labels": {"build_id": "b1", "build_trigger_id": "t1", "project_id": "p"}}
    entries = [
        {
            "insertId": f"cb{n}",
            "timestamp": f"2026-03-02T08:00:0{n}Z",
            "resource": build,
            "logName": "projects/p/logs/cloudbuild",
            "textPayload": text,
        }
        for n, text in enumerate([line, 'Step #3 - "push": The push refers to repository [x]', line])
    ]
    (cluster,) = scan_entries(entries).clusters
    assert cluster.count == 2 and cluster.max_severity == "ERROR" and "denied" in cluster.title


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "2023-02-25T03:46:49.1619Z OSConfigAgent Error main.go:231: unexpected end of JSON input",
            "unexpected end of JSON input",
        ),
        ("2023/10/10 23:06:39 GCEGuestAgent: Error watching metadata: x", "Error watching metadata: x"),
        (
            "[2026/07/25 16:04:44] [error] [input:winlog:winlog.1] failed to read 'Security'",
            "failed to read 'Security'",
        ),
        ("    indented source line", "    indented source line"),
        # zap's and Istio's console encoders end each header field with a tab, lower-case level included
        ("2025-06-10T13:00:00.1Z\terror\tsync failed\t{}", "sync failed\t{}"),
        ("2025-06-10T13:00:00.1Z\tdebug\tenvoy router\t[C12] pool ready", "envoy router\t[C12] pool ready"),
        ("2025-06-10 13:00:00 error something broke", "error something broke"),
        ("Error: boom", "Error: boom"),
        ("E1124 12:00:00.123456    1 main.go:42] cannot dial", "cannot dial"),
        ("E, [2025-06-10T13:00:00.123456 #1] ERROR -- : boom", "boom"),
        (
            "I, [2025-06-10T13:00:00.1 #1]  INFO -- : [7f1c2d3e-aaaa] Completed 500 in 3ms",
            "Completed 500 in 3ms",
        ),
        ("fail: Acme.Worker[0]\n      Settlement failed\n      more", "Settlement failed\n      more"),
        ("warn: Acme.Worker[35] No XML encryptor", "No XML encryptor"),
        (
            "2025-06-10 13:01:06.101 UTC [92001]: [7-1] db=orders,user=orders_app ERROR:  duplicate key value",
            "duplicate key value",
        ),
        (
            "2025-06-10 13:01:07.5 UTC [92002]: [12-1] db=orders,user=orders_worker ERROR:  duplicate key value",
            "duplicate key value",
        ),
        (
            "2025-06-10 11:00:41.101 UTC [91234]: [4-1] db=x,user=y DETAIL:  Key (a)=(b) exists.",
            "Key (a)=(b) exists.",
        ),
        (
            "2025-06-10 11:00:41.101 UTC [91234] STATEMENT:  INSERT INTO t VALUES (1)",
            "INSERT INTO t VALUES (1)",
        ),
        ("2025-06-10T13:00:00.123456Z 12 [ERROR] [MY-010584] [Repl] Slave SQL failed", "Slave SQL failed"),
        (
            "2025/06/10 13:00:00 [error] 29#29: *1234 connect() failed (111: Connection refused) while connecting "
            'to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://10.0.0.2/"',
            "connect() failed (111: Connection refused) while connecting to upstream",
        ),
        ("2025/06/10 13:00:00 [warn] 7#7: conflicting server name", "conflicting server name"),
        (
            "[Tue Jun 10 13:00:00.000000 2025] [php:warn] [pid 18] [client 10.0.0.1:1234] PHP Warning:  Undefined",
            "Undefined",
        ),
        (
            "Jun 10 11:00:18 worker-1 systemd[1]: etl.service: Main process exited, code=exited, status=1/FAILURE",
            "etl.service: Main process exited, code=exited, status=1/FAILURE",
        ),
        ("[   12.345678] Kernel panic - not syncing: VFS", "Kernel panic - not syncing: VFS"),
        (
            '10.0.0.1 - - [10/Jun/2025:12:01:03 +0000] "GET /x HTTP/1.1" 502 157 "-" "ua"',
            '"GET /x HTTP/1.1" 502 157 "-" "ua"',
        ),
        ('10.0.0.1 - - [10/Jun/2025 12:01:07] "GET /x HTTP/1.1" 500 -', '"GET /x HTTP/1.1" 500 -'),
        ("Processing order: 12", "Processing order: 12"),
        ("2025-06-10T12:00:00Z Processing order: 12", "Processing order: 12"),
        # Flask's default format names the module after the level
        ("[2026-03-04 07:23:36,477] ERROR in app: Exception on / [POST]", "Exception on / [POST]"),
        ("[2026-03-04 07:23:36,477] WARNING in routes.api: slow query", "slow query"),
        ("2026-03-04 07:23:36 in app: ready", "in app: ready"),  # no level: the words are the message
        ("Error in main: bad thing", "Error in main: bad thing"),
        # an exception's name after a timestamp starts the message: it is no component
        ("2026-01-01 12:00:00 KeyError: 'sku'", "KeyError: 'sku'"),
        ("[1] ValueError: bad price", "ValueError: bad price"),
        (
            "ERROR: logging before flag.Parse: E0302 08:00:01.500000       1 watch.go:61] list *v1.Thing: gone",
            "list *v1.Thing: gone",
        ),
        # a program forwarded by syslog that writes its own date and time (Go's `log`), after its host or not
        ("db-7 sqlproxy: 2019/03/04 11:22:33 Reading data had error: EOF", "Reading data had error: EOF"),
        ("sql_proxy: 2019/03/04 11:22:33 Reading data had error: EOF", "Reading data had error: EOF"),
        ("web-2 sqlproxy: 2019/03/04 11:22:33 Reading data had error: EOF", "Reading data had error: EOF"),
        (
            "Mar  4 11:22:33 db-7 sqlproxy: 2019/03/04 11:22:33 Reading had error: EOF",
            "Reading had error: EOF",
        ),
        ("edge-2 relay[311]: 2026-01-02T03:04:05Z [warn] slow peer", "slow peer"),
        # Airflow's task log, a comma after the date
        (
            "[2026-02-03, 04:05:06 UTC] {python.py:201} ERROR - Task failed with exception",
            "Task failed with exception",
        ),
        # … and its zone offset in hours alone (ISO 8601's `±hh`)
        (
            "[2026-02-03, 04:05:06 +03] {taskinstance.py:9} INFO - Marking task as FAILED.",
            "Marking task as FAILED.",
        ),
        ("[2026-02-03, 04:05:06 -05] {x.py:1} WARNING - slow", "slow"),
        # a component before a date alone, a level word or an exception's name is no program
        ("Notice: 2024-01-01 is a holiday", "Notice: 2024-01-01 is a holiday"),
        # words before a date and time are no program
        ("Next run: 2026-06-10 13:00:00 for job 7", "Next run: 2026-06-10 13:00:00 for job 7"),
        (
            "Certificate expires: 2026-06-10 13:00:00 renew soon",
            "Certificate expires: 2026-06-10 13:00:00 renew soon",
        ),
        ("last seen: 2026-06-10T13:00:00Z", "last seen: 2026-06-10T13:00:00Z"),
        ("Error: 2024-01-01 12:00:00 job failed", "Error: 2024-01-01 12:00:00 job failed"),
        ("LookupError: 2024-01-01 12:00:00 not found", "LookupError: 2024-01-01 12:00:00 not found"),
    ],
)
def test_headers_are_stripped_before_templating(text: str, body: str) -> None:
    assert strip_prefix(text) == body


def test_a_level_after_a_program_and_its_timestamp_is_read() -> None:
    declared = declared_level("edge-2 relay[311]: 2026-01-02T03:04:05Z [warn] slow peer")
    assert declared is not None and declared.severity == Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        "db-7 sqlproxy: 2019/03/04 11:22:33 Reading data from acme:eu:orders had error: read tcp: broken pipe",
        "failed to publish batch 7 to topic audit",
        "Could not reach the cache at 10.4.0.9:6379",
        "rpc error: code = Unavailable desc = transport is closing",
        "dial tcp 10.4.0.9:443: i/o timeout",
        "upstream request timed out after 30s",
        "lease renewal failure: context deadline exceeded",
        "tar: /backup/db.tar: No space left on device",
        "mkfifo: '/run/app/ctl': Operation not permitted",
        "sh: 1: jq: command not found",
        "open /var/lib/app/state.json: permission denied",
    ],
)
def test_a_failure_in_words_without_a_level_is_a_warning(text: str) -> None:
    for raw in (
        {"textPayload": text},  # no severity
        {"severity": "DEFAULT", "jsonPayload": {"message": text}},
        {  # only stdout's default INFO
            "severity": "INFO",
            "logName": "projects/p/logs/stdout",
            "resource": {"type": "k8s_container", "labels": {"pod_name": "web-1"}},
            "textPayload": text,
        },
    ):
        entry = parse(raw)
        assert (entry.severity, entry.severity_rule) == (Severity.WARNING, "failure-phrase"), raw


@pytest.mark.parametrize(
    "text",
    [
        "processed 40 items, 0 failed",
        "sync done, error: null",
        "result ok (error: none) in 4ms",
        "retry_failed_total=3 cannot_be_empty=false",
        "test_failed_to_connect passed",
        "connection established to 10.4.0.9",
        "permission denied responses are counted in denied_total",
        "lookup of /etc/app.conf: found",
    ],
)
def test_words_that_report_no_failure_keep_a_missing_severity(text: str) -> None:
    assert parse({"textPayload": text}).severity == Severity.DEFAULT


def test_an_error_colon_before_a_long_run_of_blanks_is_read_in_linear_time() -> None:
    """`error:` then a padded column of blanks: the run was read once per way of splitting it (quadratic)."""
    from loggardener.entries import levels

    assert_linear(lambda size: levels._FAILURE_PHRASE.search("error:" + " " * size + "x"), 8_000)


def test_a_failure_in_words_at_an_explicit_info_stays_info() -> None:
    entry = parse({"severity": "INFO", "textPayload": "failed to publish batch 7, will retry"})
    assert entry.severity == Severity.INFO


@pytest.mark.parametrize("log", ["GCEMetadataScripts", "google_metadata_script_runner"])
def test_a_vm_script_line_recorded_at_info_declares_its_own_level(log: str) -> None:
    """The guest agent records every line of a startup or shutdown script at INFO: only a stream's default."""

    def script_line(text: str) -> Any:
        return parse(
            {
                "severity": "INFO",
                "logName": f"projects/p/logs/{log}",
                "resource": {"type": "gce_instance", "labels": {"instance_id": "12"}},
                "jsonPayload": {"message": text},
            }
        )

    failed = script_line("startup-script: ln: failed to create symbolic link '/usr/bin/app': File exists")
    assert (failed.severity, failed.severity_rule) == (Severity.WARNING, "failure-phrase")
    errno = script_line("startup-script: chown: changing ownership of '/opt/x': Read-only file system")
    assert (errno.severity, errno.severity_rule) == (Severity.WARNING, "failure-phrase")
    assert script_line("startup-script: Installing nginx 1.24").severity == Severity.INFO


@given(st.text(max_size=300))
def test_header_reading_never_fails_and_only_shortens(text: str) -> None:
    declared_level(text)
    assert len(strip_prefix(text)) <= len(text)


def test_platform_failure_lines_are_errors_whatever_their_severity() -> None:
    inferred = infer_severity(
        Severity.DEBUG,
        weak=False,
        text="Function execution took 540141 ms. Finished with status: timeout",
        has_stack=False,
        has_error_group=False,
    )
    assert (inferred.severity, inferred.rule) == (Severity.ERROR, "platform-failure")
    for line in (
        "Memory limit of 512 MiB exceeded with 530 MiB used.",
        "STARTUP TCP probe failed 3 times consecutively for container x",
        "Back-off restarting failed container",
        "Provided module can't be loaded.",  # Cloud Functions' framework, written without a severity
        "Could not load the function, shutting down.",
    ):
        assert infer_severity(
            Severity.DEFAULT, weak=True, text=line, has_stack=False, has_error_group=False
        ).rule == ("platform-failure")


@pytest.mark.parametrize(
    "text",
    [
        "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:14:38",
        "thread 'tokio-runtime-worker' panicked at src/handlers/resize.rs:88:41:\ncalled `Option::unwrap()`",
        "node:internal/process/promises:288\n    triggerUncaughtException(err, true);\n\n[UnhandledPromiseRejection: "
        'This error originated either by throwing inside of an async function. The promise rejected with the reason "x".]',
        "(node:1) UnhandledPromiseRejectionWarning: Error: boom",
        "node:events:491\n      throw er;\n\nError [ERR_STREAM_WRITE_AFTER_END]: write after end",
        "Jun 10 11:00:18 vm-1 systemd[1]: etl-runner.service: Main process exited, code=exited, status=1/FAILURE",
        "etl-runner.service: Main process exited, code=killed, status=9/KILL",
        "etl-runner.service: Failed with result 'exit-code'.",
        "Jun 10 11:00:18 vm-1 systemd[1]: Failed to start ETL runner.",
        "Failed to start ETL runner.",
        "[  12.345678] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
        "[ 123.456789] Out of memory: Killed process 4242 (python3) total-vm:4123456kB",
        "[ 123.456789] BUG: unable to handle page fault for address: 0000000000000008",
        "[ 123.456789] BUG: kernel NULL pointer dereference, address: 0000000000000008",
        "[ 123.456789] Oops: 0002 [#1] SMP PTI",
    ],
)
def test_crash_lines_of_runtimes_init_and_kernel_are_errors(text: str) -> None:
    inferred = infer_severity(Severity.DEFAULT, weak=True, text=text, has_stack=False, has_error_group=False)
    assert (inferred.severity, inferred.rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    "text",
    [
        'Step #1 - "test": npm ERR! code ELIFECYCLE',
        "Step #0: npm error code ERESOLVE",  # npm 10 writes `npm error`
        'npm error Missing script: "build"',
        "2026-03-01T10:00:00.000Z npm ERR! Test failed.  See above for more details.",
        "[web] npm ERR! errno 1",
    ],
)
def test_npm_errors_after_a_build_step_or_a_header_are_errors(text: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity, declared.rule) == (Severity.ERROR, "failure-line")


@pytest.mark.parametrize(
    "text", ["npm info using npm@10.2.0", "Step #1: npm notice New major version", "npm errors: 0"]
)
def test_npm_lines_that_are_no_error_declare_nothing(text: str) -> None:
    assert declared_level(text) is None


def test_zaps_development_panic_is_critical_in_json_and_in_its_console_line() -> None:
    entry = parse(
        {"jsonPayload": {"level": "dpanic", "ts": 1.7e9, "caller": "x/y.go:1", "msg": "invariant broken"}}
    )
    assert entry.severity == Severity.CRITICAL
    declared = declared_level("2026-03-01T10:00:00.000Z\tDPANIC\tx/y.go:1\tinvariant broken")
    assert declared is not None and declared.severity == Severity.CRITICAL


@pytest.mark.parametrize(
    "text",
    [
        "Workflow failed. Causes: S04:Load/Write failed., A work item was attempted 4 times without success.",
        "Workflow failed. Causes: The Dataflow job appears to be stuck because no worker activity has been seen.",
        "The job failed because a work item has failed 4 times. Look in previous log entries for the cause.",
        "Startup of the worker pool in zone europe-west1-b failed to bring up any of the desired 3 workers.",
    ],
)
@pytest.mark.parametrize(("logged", "weak"), [(Severity.DEFAULT, True), (Severity.INFO, False)])
def test_a_dataflow_job_that_failed_is_an_error_whatever_its_severity(
    text: str, logged: Severity, weak: bool
) -> None:
    inferred = infer_severity(logged, weak=weak, text=text, has_stack=False, has_error_group=False)
    assert (inferred.severity, inferred.rule) == (Severity.ERROR, "platform-failure")
    entry = parse(
        {
            "textPayload": text,
            "resource": {
                "type": "dataflow_step",
                "labels": {"job_id": "2026-01-02_03_04_05-1", "region": "x"},
            },
            "logName": "projects/p/logs/dataflow.googleapis.com%2Fjob-message",
        }
    )
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    "text",
    [
        "Exceeded hard memory limit of 1024 MB with 1031 MB after servicing 812 requests total. Consider setting "
        "a larger instance class in app.yaml.",
        "Exceeded hard private memory limit of 256 MB with 262 MB after servicing 3 requests total.",
        "Process terminated because the request deadline was exceeded. Please ensure that your HTTP server is "
        "listening for requests on 0.0.0.0 and on the port defined by the PORT environment variable.",
    ],
)
def test_an_app_engine_instance_killed_while_serving_is_an_error_whatever_its_severity(text: str) -> None:
    inferred = infer_severity(Severity.WARNING, weak=False, text=text, has_stack=False, has_error_group=False)
    assert (inferred.severity, inferred.rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    "text",
    [
        "[ 1234.567890] EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm nginx: reading directory",
        "[ 2345.678901] blk_update_request: I/O error, dev sdb, sector 123456 op 0x0:(READ) flags 0x0",
        "print_req_error: I/O error, dev nvme0n1, sector 2048",
        "[ 3456.100000] Buffer I/O error on dev sda1, logical block 0, async page read",
    ],
)
def test_a_failing_disk_or_a_corrupt_file_system_on_a_vms_console_is_an_error(text: str) -> None:
    """A VM's serial console writes the kernel's lines without a severity."""
    entry = parse(
        {
            "textPayload": text,
            "resource": {"type": "gce_instance", "labels": {"instance_id": "42", "zone": "europe-west1-b"}},
            "logName": "projects/p/logs/serialconsole.googleapis.com%2Fserial_port_1_output",
        }
    )
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    "text",
    [
        "EXT4-fs (sda1): mounted filesystem with ordered data mode",
        "retried 3 reads, 0 I/O errors, dev sda healthy",
    ],
)
def test_a_healthy_disks_kernel_lines_keep_their_severity(text: str) -> None:
    inferred = infer_severity(Severity.INFO, weak=False, text=text, has_stack=False, has_error_group=False)
    assert inferred.severity == Severity.INFO


def test_the_soft_memory_limit_keeps_its_severity() -> None:
    """Past the soft limit the request went well; the instance is replaced after it."""
    text = "Exceeded soft memory limit of 256 MB with 270 MB after servicing 15 requests total."
    inferred = infer_severity(Severity.WARNING, weak=False, text=text, has_stack=False, has_error_group=False)
    assert (inferred.severity, inferred.rule) == (Severity.WARNING, None)


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        (
            "Marking task as FAILED. dag_id=nightly, task_id=load, execution_date=20260101T000000",
            Severity.ERROR,
        ),
        (
            "[2026-01-01, 00:00:09 UTC] {taskinstance.py:1400} INFO - Marking task as FAILED. dag_id=d, task_id=t",
            Severity.ERROR,
        ),
        # a retry is still to come: the task has not failed yet
        ("Marking task as UP_FOR_RETRY. dag_id=nightly, task_id=load", Severity.INFO),
        ("Marking task as SUCCESS. dag_id=nightly, task_id=load", Severity.INFO),
    ],
)
def test_an_airflow_task_marked_failed_is_an_error_though_logged_at_info(
    text: str, severity: Severity
) -> None:
    inferred = infer_severity(Severity.INFO, weak=False, text=text, has_stack=False, has_error_group=False)
    assert inferred.severity == severity
    entry = parse(
        {
            "textPayload": text,
            "severity": "INFO",
            "resource": {"type": "cloud_composer_environment", "labels": {"environment_name": "etl"}},
            "logName": "projects/p/logs/airflow-worker",
        }
    )
    assert entry.severity == severity


@pytest.mark.parametrize(
    "text",
    [
        "Workflow failed.",  # a sentence of an app's own, not Dataflow's job message with its causes
        "Workflow failed. retrying in 5s",
        "The job failed because the input was empty",
        "Startup of the worker pool in zone europe-west1-b is taking longer than expected.",
    ],
)
def test_look_alikes_of_dataflow_job_failures_keep_their_severity(text: str) -> None:
    inferred = infer_severity(Severity.INFO, weak=False, text=text, has_stack=False, has_error_group=False)
    assert inferred.severity == Severity.INFO


@pytest.mark.parametrize(
    "text",
    [
        "etl-runner.service: Main process exited, code=exited, status=0/SUCCESS",
        "etl-runner.service: Main process exited, code=killed, status=15/TERM",
        "etl-runner.service: Deactivated successfully.",
        "Started ETL runner.",
    ],
)
def test_a_unit_that_ends_well_is_no_failure(text: str) -> None:
    inferred = infer_severity(Severity.DEFAULT, weak=True, text=text, has_stack=False, has_error_group=False)
    assert inferred.severity == Severity.DEFAULT


@pytest.mark.parametrize(
    ("text", "logged", "severity"),
    [
        (
            'INFO:     169.254.169.126:41236 - "POST /api/reports HTTP/1.1" 500 Internal Server Error',
            "DEFAULT",
            "ERROR",
        ),
        (
            '169.254.169.126 - - [10/Jun/2025 12:01:07] "GET /api/export?fmt=csv HTTP/1.1" 500 -',
            "DEFAULT",
            "ERROR",
        ),
        (
            '10.8.0.14 - - [10/Jun/2025:12:01:03 +0000] "GET /api/orders/88 HTTP/1.1" 502 157 "-" "Mozilla/5.0"',
            "INFO",
            "ERROR",
        ),
        (
            "I, [2025-06-10T12:00:42.000001 #1]  INFO -- : Completed 500 Internal Server Error in 35ms",
            "DEFAULT",
            "ERROR",
        ),
        ("2025/06/10 13:00:00 GET /api/orders/1001 503 1.0ms", "DEFAULT", "ERROR"),
        (  # Ktor's CallLogging
            "2025-06-10 13:00:00.205 [eventLoopGroupProxy-4-2] INFO  Application - 500 Internal Server Error: "
            "GET - /api/profile/me in 5003ms",
            "DEFAULT",
            "ERROR",
        ),
        ("12:00:01.205 INFO  Application - 200 OK: GET - /api/profile/me in 12ms", "ERROR", "INFO"),
        ('[GIN] 2025/06/10 - 13:00:00 | 504 |  5.0s |  10.0.0.1 | GET      "/api"', "DEFAULT", "ERROR"),
        ('"GET http://x/api HTTP/1.1" from 10.0.0.1:1234 - 500 12B in 45.1ms', "DEFAULT", "ERROR"),
        # a client error is at most WARNING (as a request log's status makes no severity, it raises none)
        (
            '10.8.0.14 - - [10/Jun/2025:12:01:03 +0000] "GET /x HTTP/1.1" 404 157 "-" "ua"',
            "DEFAULT",
            "DEFAULT",
        ),
        ('10.8.0.14 - - [10/Jun/2025:12:01:03 +0000] "GET /x HTTP/1.1" 404 157 "-" "ua"', "ERROR", "WARNING"),
        # on stderr, a success is no error, whatever its URL says
        ("2025/06/10 13:00:00 GET /api/errors/1001 200 1.0ms", "ERROR", "INFO"),
        ('INFO:     10.0.0.1:1 - "GET /healthz HTTP/1.1" 200 OK', "ERROR", "INFO"),
        # a declared error stays one
        (
            '2025/06/10 13:00:00 [error] 7#7: *3 upstream timed out, request: "GET /x HTTP/1.1" 200',
            "ERROR",
            "ERROR",
        ),
    ],
)
def test_the_status_of_an_access_line_decides_a_weak_severity(text: str, logged: str, severity: str) -> None:
    parsed = parse(
        {
            "textPayload": text,
            "severity": logged,
            "labels": {"container.googleapis.com/stream": "stderr" if logged == "ERROR" else "stdout"},
        }
    )
    assert parsed.severity.name == severity


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("Starting server on :8080 (version 1.4.2, commit 9f8e7d6)", "INFO"),
        ("2025/06/10 13:00:00 listening on :8080", "INFO"),
        ("2025/06/10 13:00:00 dial tcp 10.0.0.3:5432: connect: connection refused", "ERROR"),
        ("2025/06/10 13:00:00 http: TLS handshake error from 10.0.0.1:5: EOF", "ERROR"),
        ("Socket exception: Connection reset by peer (104)", "ERROR"),
        ("could not reach the metadata server", "ERROR"),
        ("Traceback (most recent call last):", "ERROR"),
        ('  File "/app/main.py", line 3, in handler', "ERROR"),  # a piece of a split traceback
        ("main.run(0xc000010000, {0x7f8c40?, 0xc0001c2000?})", "ERROR"),  # a piece of a goroutine dump
    ],
)
def test_a_gke_stderr_line_without_any_sign_of_failure_is_not_an_error(text: str, severity: str) -> None:
    entry = {
        "severity": "ERROR",
        "textPayload": text,
        "labels": {"container.googleapis.com/stream": "stderr"},
        "resource": {
            "type": "k8s_container",
            "labels": {"namespace_name": "prod", "container_name": "orders"},
        },
    }
    parsed = parse(entry)
    assert parsed.severity.name == severity
    if severity == "INFO":
        assert parsed.severity_rule == "no-error-evidence"
        (cluster,) = scan_entries([{**entry, "insertId": "a", "timestamp": "2026-11-21T12:00:00Z"}]).clusters
        assert cluster.priority == "P3"


def test_a_stack_on_a_stream_default_keeps_its_error() -> None:
    inferred = infer_severity(
        Severity.ERROR, weak=True, text="GET / 200", has_stack=True, has_error_group=False, plain_line=False
    )
    assert inferred.severity == Severity.ERROR


def test_one_postgres_error_at_any_session_line_or_user_is_one_problem() -> None:
    def cloud_sql(seconds: int, text: str) -> dict[str, Any]:
        return {
            "insertId": f"pg{seconds}",
            "timestamp": f"2026-11-21T12:00:{seconds:02d}Z",
            "severity": "ERROR",
            "logName": "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
            "resource": {"type": "cloudsql_database", "labels": {"database_id": "p:orders-db"}},
            "textPayload": text,
        }

    report = scan_entries(
        [
            cloud_sql(
                1,
                "2026-11-21 12:00:01.101 UTC [92001]: [7-1] db=orders,user=orders_app ERROR:  duplicate key "
                'value violates unique constraint "orders_external_ref_key"',
            ),
            cloud_sql(
                2,
                "2026-11-21 12:00:02.101 UTC [92002]: [12-1] db=orders,user=orders_worker ERROR:  duplicate "
                'key value violates unique constraint "orders_external_ref_key"',
            ),
        ]
    )
    (cluster,) = report.clusters
    assert cluster.title == 'duplicate key value violates unique constraint "orders_external_ref_key"'


def test_an_nginx_error_for_two_requests_is_one_problem() -> None:
    def nginx(seconds: int, worker: int, request: str) -> dict[str, Any]:
        return run_entry(
            seconds,
            text=f"2026/11/21 12:00:0{seconds} [error] {worker}#{worker}: *{seconds * 97} connect() failed (111: "
            f"Connection refused) while connecting to upstream, client: 10.8.0.{seconds}, server: _, request: "
            f'"{request} HTTP/1.1", upstream: "http://10.8.1.{seconds}:8080/api", host: "shop.example"',
        )

    (cluster,) = scan_entries([nginx(1, 29, "GET /api/orders/88"), nginx(2, 31, "POST /api/cart")]).clusters
    assert cluster.title == "connect() failed (111: Connection refused) while connecting to upstream"
    assert cluster.max_severity == "ERROR"


def test_an_error_group_or_a_stack_makes_an_unleveled_entry_an_error() -> None:
    assert (
        infer_severity(Severity.DEFAULT, weak=True, text="x", has_stack=False, has_error_group=True).rule
        == "error-group"
    )
    assert (
        infer_severity(Severity.DEFAULT, weak=True, text="x", has_stack=True, has_error_group=False).rule
        == "stack"
    )
    assert (
        infer_severity(Severity.WARNING, weak=False, text="x", has_stack=True, has_error_group=False).rule
        is None
    )


def test_a_declared_info_on_gke_stderr_is_info_and_stays_in_scope_at_p3() -> None:
    entry = {
        "insertId": "a",
        "timestamp": "2026-11-21T12:00:00Z",
        "severity": "ERROR",
        "textPayload": "2026-11-21T12:00:00Z [1] INFO {sup} precondition failed for server 7",
        "labels": {"container.googleapis.com/stream": "stderr"},
        "resource": {"type": "k8s_container", "labels": {"namespace_name": "db", "container_name": "agent"}},
    }
    parsed = parse(entry)
    assert (parsed.severity, parsed.logged_severity, parsed.severity_rule) == (
        Severity.INFO,
        Severity.ERROR,
        "level-header",
    )
    (cluster,) = scan_entries([entry]).clusters
    assert cluster.priority == "P3" and cluster.max_severity == "INFO"


def test_an_unleveled_node_error_with_an_error_group_is_kept() -> None:
    text = "TypeError: x is undefined\n    at handler (/workspace/index.js:9:3)"
    report = scan_entries([run_entry(0, text=text, errorGroups=[{"id": "g1"}])])
    (cluster,) = report.clusters
    assert (
        cluster.kind == "exception" and cluster.max_severity == "ERROR" and cluster.error_group_ids == ["g1"]
    )


def test_a_json_payload_level_decides_a_missing_severity() -> None:
    entry = parse({"jsonPayload": {"level": 50, "msg": "order failed"}})
    assert (entry.severity, entry.severity_rule, entry.message) == (
        Severity.ERROR,
        "json-level",
        "order failed",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"message": "boom", "stacktrace": "java.lang.IllegalStateException: no\n\tat a.b.C.m(C.java:3)"},
        {"message": "boom", "stack_trace": "java.lang.IllegalStateException: no\n\tat a.b.C.m(C.java:3)"},
        {"msg": "boom", "err": {"stack": "Error: no\n    at f (/app/a.js:1:2)"}},
        {"message": "boom", "error": {"stack": "Error: no\n    at f (/app/a.js:1:2)"}},
        {
            "message": "boom",
            "exception": "Traceback (most recent call last):\n  File \"/app/a.py\", line 1, in f\nKeyError: 'x'",
        },
    ],
)
def test_stacks_are_read_from_every_json_field(payload: dict[str, Any]) -> None:
    assert parse({"jsonPayload": payload}).stack is not None


def test_an_app_engine_request_log_is_a_request_with_its_messages() -> None:
    entry = parse(
        {
            "protoPayload": {
                "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
                "method": "POST",
                "resource": "/api/pay?card=1",
                "status": 500,
                "line": [{"logMessage": "payment backend down", "severity": "ERROR"}],
            }
        }
    )
    assert entry.http is not None and (entry.http.method, entry.http.status) == ("POST", 500)
    assert normalize_route(entry.http.url or "") == "/api/pay" and entry.message == "payment backend down"


def _request_log(second: int, lines: list[str]) -> dict[str, Any]:
    return {
        "insertId": f"r{second}",
        "timestamp": f"2026-11-21T12:{second // 60:02d}:{second % 60:02d}Z",
        "severity": "ERROR",
        "resource": {"type": "gae_app", "labels": {"module_id": "worker", "version_id": "v7"}},
        "protoPayload": {
            "@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog",
            "method": "POST",
            "resource": "/tasks/import",
            "status": 500,
            "line": [{"logMessage": line, "severity": "ERROR"} for line in lines],
        },
    }


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "The process handling this request unexpectedly died. This is likely to cause a new process to be used "
            "for the next request to your application. (Error code 203)",
            "The process handling this request unexpectedly died",
        ),
        (
            "Request was aborted after waiting too long to attempt to service your request.",
            "Request was aborted after waiting too long to attempt to service your request",
        ),
    ],
    ids=["process-died", "waited-too-long"],
)
def test_app_engines_account_of_a_failed_request_among_its_lines_ends_the_request_problems_title(
    line: str, reason: str
) -> None:
    report = scan_entries([_request_log(n * 60, ["import batch started", line]) for n in range(2)])
    assert [c.title for c in report.clusters] == [f"HTTP 500 on POST /tasks/import (worker): {reason}"]


def test_a_request_log_whose_lines_are_the_apps_own_keeps_its_plain_title() -> None:
    report = scan_entries(
        [_request_log(n * 60, ["import batch started", "upstream said no"]) for n in range(2)]
    )
    assert [c.title for c in report.clusters] == ["HTTP 500 on POST /tasks/import (worker)"]


def test_a_scheduler_attempt_is_a_job_failure_not_an_invented_request() -> None:
    entry = {
        "insertId": "s1",
        "timestamp": "2026-11-21T12:00:00Z",
        "severity": "ERROR",
        "httpRequest": {"status": 500},
        "resource": {"type": "cloud_scheduler_job", "labels": {"job_id": "nightly"}},
        "jsonPayload": {
            "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
            "jobName": "projects/p/locations/l/jobs/nightly",
            "status": "INTERNAL",
            "url": "https://h/run",
        },
    }
    (cluster,) = scan_entries([entry]).clusters
    assert cluster.kind == "message" and "GET /" not in cluster.title
    assert cluster.title.startswith("Cloud Scheduler job nightly attempt finished: INTERNAL")
    assert cluster.priority == "P1"


def test_dotnet_php_and_ruby_stacks() -> None:
    stacks = StackParser()
    dotnet = stacks.parse(
        "System.InvalidOperationException: empty\n   at App.Orders.Get(Int32 id) in /src/Orders.cs:line 42"
    )
    php = stacks.parse(
        "PHP Fatal error:  Uncaught RuntimeException: boom in /var/www/a.php:12\nStack trace:\n#0 /var/www/b.php(3): f()"
    )
    ruby = stacks.parse("app/a.rb:2:in `f': boom (RuntimeError)\n\tfrom app/b.rb:5:in `g'")
    assert dotnet is not None and (dotnet.language, dotnet.frames[-1].line) == ("dotnet", 42)
    assert php is not None and (php.language, php.exception_type) == ("php", "RuntimeException")
    assert ruby is not None and (ruby.language, ruby.frames[-1].file) == ("ruby", "app/a.rb")
    assert [frame.file for frame in ruby.frames] == ["app/b.rb", "app/a.rb"]
    joined = stacks.parse(  # `"#{e.class}: #{e.message}\n#{e.backtrace.join("\n")}"`
        "NoMethodError: undefined method `email' for nil:NilClass\n/app/notifier.rb:14:in `deliver'\n"
        "/app/jobs/notify_job.rb:6:in `perform'"
    )
    assert joined is not None and (joined.exception_type, joined.frames[-1].function) == (
        "NoMethodError",
        "deliver",
    )


def test_one_error_in_two_formats_is_one_problem() -> None:
    frames = "    at handler (/workspace/index.js:20:5)\n    at process (node:internal/x:1:1)"
    inspected = (
        "[req] failed: {\n  stack: 'Error: no configuration found\\n' +\n"
        "    '    at handler (/workspace/index.js:20:5)\\n' +\n    '    at process (node:internal/x:1:1)'\n}"
    )
    report = scan_entries(
        [
            run_entry(0, text=f"[req] auth failed: AuthError: no configuration found\n{frames}"),
            run_entry(1, text=inspected),
        ]
    )
    assert len(report.clusters) == 1 and report.clusters[0].count == 2


def test_a_split_traceback_whose_last_line_lags_and_one_printed_twice() -> None:
    frames = [("/app/a.py", 3, "f", "return prices[sku]")]
    lagging = split_traceback(0.0, frames, "KeyError: 'sku'")
    lagging[-1]["timestamp"] = lagging[-1]["timestamp"].replace("12:00:00", "12:00:03")
    report = scan_entries(lagging)
    assert report.totals.events == 1 and report.clusters[0].exception_type == "KeyError"
    newest_first = scan_entries(list(reversed(lagging)))
    assert newest_first.totals.events == 1
    printed = [split_traceback(10.0, frames, "KeyError: 'a'", step=0.0) for _ in range(2)]
    twice = [entry for pair in zip(*printed, strict=True) for entry in pair]
    report = scan_entries(twice)
    assert report.totals.events == 2 and report.clusters[0].events == 2


def test_a_python_warning_and_its_source_line_are_one_event() -> None:
    report = scan_entries(
        [
            run_entry(0.0, text="/app/lib/x.py:16: UserWarning: pkg is deprecated and slated for removal"),
            run_entry(0.00003, text="  import pkg"),
        ]
    )
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events, cluster.max_severity, cluster.priority) == (2, 1, "WARNING", "P2")


@pytest.mark.parametrize(
    ("url", "route"),
    [
        ("https://h/reports/2024-05/summary", "/reports/{id}/summary"),
        ("https://h/orders/B1234", "/orders/{id}"),
        ("https://h/blobs/9f86d081884c7d659a2feaa0c55ad015", "/blobs/{id}"),
        ("https://h/api/v2/users", "/api/v2/users"),
        # a word's code numbered after a hyphen or an underscore names one thing (a SKU, an item)
        ("https://h/price/SKU-706", "/price/{id}"),
        ("https://h/items/item_42/reviews", "/items/{id}/reviews"),
        # a version, an encoding, a name with a digit in it stay the route's words
        ("https://h/charset/utf-8", "/charset/utf-8"),
        ("https://h/oauth2/callback", "/oauth2/callback"),
        ("https://h/step-1/next", "/step-1/next"),
    ],
)
def test_routes_are_normalized(url: str, route: str) -> None:
    assert normalize_route(url) == route


def test_activity_never_has_more_than_48_buckets() -> None:
    entries = [
        run_entry(day * 86_400.0, text="[ERROR] disk almost full", severity=None) for day in range(0, 200, 7)
    ]
    (cluster,) = scan_entries(entries).clusters
    assert 1 < len(cluster.buckets) <= 48 and sum(cluster.buckets.values()) == len(entries)


def test_a_request_problem_is_per_service_and_route_and_invents_no_method() -> None:
    entries = [
        run_entry(0, service="a", httpRequest={"requestUrl": "https://h/x", "status": 502}, severity="ERROR"),
        run_entry(1, service="b", httpRequest={"requestUrl": "https://h/x", "status": 502}, severity="ERROR"),
    ]
    titles = sorted(c.title for c in scan_entries(entries).clusters)
    assert titles == ["HTTP 502 on /x (a)", "HTTP 502 on /x (b)"]


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_line_a_traceback_was_logged_with_joins_it(newest_first: bool) -> None:
    frames = [("/app/a.py", 3, "handler", "return pay()")]
    entries = [
        run_entry(0.0, text="ERROR:app:Exception on /pay [POST]"),
        *split_traceback(0.0001, frames, "KeyError: 'card'"),
        run_entry(0.5, text="[INFO] request done"),
    ]
    report = scan_entries(list(reversed(entries)) if newest_first else entries)
    (cluster,) = [c for c in report.clusters if c.kind == "exception"]
    assert (cluster.count, cluster.events) == (len(entries) - 1, 1)
    # the exception's own line declares its error (`failure-line`); the traceback's other lines take it
    assert cluster.inferred_severity == {
        "split-traceback": len(entries) - 3,
        "level-header": 1,
        "failure-line": 1,
    }


@pytest.mark.parametrize(
    "lines",
    [
        [
            'Exception in thread "main" java.lang.IllegalStateException: ledger closed',
            "\tat com.acme.Ledger.post(Ledger.java:42)",
            "\tat com.acme.Main.main(Main.java:7)",
            "Caused by: java.io.IOException: disk",
            "\t... 2 more",
        ],
        [
            "TypeError: Cannot read properties of undefined (reading 'id')",
            "    at render (/app/src/view.js:12:9)",
            "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
        ],
        [
            "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
            "   at Shop.Orders.Get(Int32 id) in /src/Orders.cs:line 42",
            "   at Shop.Program.Main() in /src/Program.cs:line 9",
        ],
    ],
)
@pytest.mark.parametrize("newest_first", [False, True])
def test_stacks_split_one_line_per_entry_reassemble_in_every_language(
    lines: list[str], newest_first: bool
) -> None:
    entries = [run_entry(i * 0.0002, text=line) for i, line in enumerate(lines)]
    report = scan_entries(list(reversed(entries)) if newest_first else entries)
    (cluster,) = report.clusters
    assert (cluster.kind, cluster.count, cluster.events, cluster.max_severity) == (
        "exception",
        len(lines),
        1,
        "ERROR",
    )


def test_a_json_line_left_in_text_payload_is_read_as_structured() -> None:
    entry = parse(
        {"textPayload": '{"level":"ERROR","message":"payment declined for order 12","logger":"billing"}'}
    )
    assert (entry.severity, entry.severity_rule, entry.message) == (
        Severity.ERROR,
        "json-level",
        "payment declined for order 12",
    )


def test_a_declared_critical_platform_failure_keeps_its_level() -> None:
    entry = parse({"textPayload": "[2026-01-01 10:00:02 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:17)"})
    assert (entry.severity, entry.severity_rule) == (Severity.CRITICAL, "bracketed-level")


def test_traceback_headers_without_their_frames_say_the_input_looks_filtered() -> None:
    header = run_entry(0.0, text="Traceback (most recent call last):", severity="ERROR")
    report = scan_entries([header, run_entry(9.0, text="KeyError: 'x'", severity="ERROR")])
    assert any("1 traceback header came without its frames" in note for note in report.notes)
    whole = scan_entries(split_traceback(0.0, [("/app/a.py", 1, "f", "x()")], "KeyError: 'x'"))
    assert not any("came without" in note for note in whole.notes)


def test_a_go_panic_line_alone_is_an_error() -> None:
    entry = parse({"textPayload": "panic: runtime error: invalid memory address or nil pointer dereference"})
    assert (entry.severity, entry.severity_rule) == (Severity.ERROR, "platform-failure")


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        ("Back-off restarting failed container", "DEBUG"),
        ("OOMKilled", "INFO"),
        ("Function execution took 540141 ms. Finished with status: timeout", "DEBUG"),
        ("[2026-01-01 10:00:00 +0000] [1] [ERROR] Exception in worker process", "INFO"),
        ('{"level":50,"msg":"boom"}', "INFO"),
        ("E1124 12:00:00.123456    1 main.go:42] cannot dial", "INFO"),
        ("TypeError: x is undefined\n    at f (/app/a.js:1:2)", "INFO"),
        ("fail: Acme.Worker[0]\n      batch failed", "INFO"),
        ("E, [2025-06-10T13:00:00.123456 #1] ERROR -- : boom", "INFO"),
        ('10.0.0.1 - - [10/Jun/2025:12:01:03 +0000] "GET /x HTTP/1.1" 502 157 "-" "ua"', "INFO"),
        ("I, [2025-06-10T12:00:42.000001 #1]  INFO -- : Completed 500 Internal Server Error in 35ms", "INFO"),
        ("thread 'main' panicked at src/main.rs:14:38:", "DEBUG"),
        ("etl.service: Failed with result 'exit-code'.", "INFO"),
        ("[  12.345678] Kernel panic - not syncing: VFS", "INFO"),
        ("Container called exit(2).", "DEFAULT"),
        # failure-phrase: a failure said in words, without a level word
        ("ledger sync: failed to reach vault-3:8200", "INFO"),
        ("dial tcp 10.9.8.7:6379: i/o timeout", "INFO"),
        ("thumbnail job 41 timed out after 90s", "INFO"),
        ("unable to open /srv/spool/q7", "INFO"),
        # Tornado's (Jupyter's) level initial, whatever the words after it
        ("[W 2026-11-21 12:00:00.100 JupyterHub base:393] 403 GET /hub/api/users (cull@::1) 2.1ms", "INFO"),
        # Redis' warning mark, whatever the words after it
        ("7:S 21 Nov 2026 06:00:01.500 # Connection with master lost.", "INFO"),
    ],
)
def test_queries_fetch_every_text_inference_raises(text: str, logged: str) -> None:
    """The live query and Log Analytics fetch below-WARNING entries by these patterns (as RE2 reads them)."""
    import re

    from loggardener.entries.levels import MAY_DECLARE_LEVEL, PLATFORM_FAILURE_PATTERN

    raised = parse(
        {"textPayload": text, "severity": logged, "labels": {"container.googleapis.com/stream": "stdout"}}
    )
    assert raised.severity >= Severity.WARNING
    platform = re.search("(?i)" + PLATFORM_FAILURE_PATTERN, text)
    assert platform or (logged == "INFO" and re.search(MAY_DECLARE_LEVEL, text))


def test_one_exception_whose_message_lists_other_values_is_one_problem() -> None:
    def traceback(columns: str) -> dict[str, Any]:
        return {
            "severity": "ERROR",
            "timestamp": "2026-03-04T07:17:34Z",
            "resource": {
                "type": "cloud_run_revision",
                "labels": {"service_name": "drp", "revision_name": "drp-1"},
            },
            "textPayload": "Traceback (most recent call last):\n"
            '  File "/app/main.py", line 52, in score\n'
            "    frame = frame.melt(id_vars=columns)\n"
            '  File "/usr/lib/python3.11/site-packages/pandas/core/reshape/melt.py", line 74, in melt\n'
            "    raise KeyError(\n"
            f'KeyError: "The following id_vars or value_vars are not present in the DataFrame: {columns}"',
        }

    (cluster,) = scan_entries([traceback("['employee_name']"), traceback("['Name', 'DRP ID']")]).clusters
    assert cluster.count == 2
    assert cluster.title.startswith(
        'KeyError: "The following id_vars or value_vars are not present in the DataFrame: '
    )


def test_a_cloud_build_log_is_read_for_its_levels_not_its_info() -> None:
    """Cloud Build records every line of a build at INFO: a line that declares an error is one."""

    def build_line(text: str) -> dict[str, Any]:
        return {
            "severity": "INFO",
            "timestamp": "2026-11-30T07:00:00Z",
            "logName": "projects/p/logs/cloudbuild",
            "resource": {"type": "build", "labels": {"build_id": "b1", "project_id": "p"}},
            "textPayload": text,
        }

    report = scan_entries(
        [
            build_line(
                'ERROR: build step 1 "gcr.io/cloud-builders/docker" failed: step exited with non-zero status: 1'
            ),
            build_line(
                'Step #2 - "deploy": ERROR: (gcloud.run.deploy) PERMISSION_DENIED: caller lacks run.services.get'
            ),
            build_line('Step #0 - "build": Successfully built 1a2b3c4d'),
            build_line("Step #1: Pushing gcr.io/p/api:latest"),
        ]
    )
    assert sorted(c.title for c in report.clusters) == [
        "(gcloud.run.deploy) PERMISSION_DENIED: caller lacks run.services.get",
        'build step 1 "gcr.io/cloud-builders/docker" failed: step exited with non-zero status: 1',
    ]
    assert report.totals.skipped == {"below WARNING": 2}


@pytest.mark.parametrize(
    ("code", "severity"), [(2, Severity.ERROR), (137, Severity.ERROR), (0, Severity.DEFAULT)]
)
def test_a_container_exit_with_a_failure_code_is_an_error(code: int, severity: Severity) -> None:
    """Cloud Run writes `Container called exit(N).` to its system log without a severity."""
    entry = parse(
        {
            "textPayload": f"Container called exit({code}).",
            "logName": "projects/p/logs/run.googleapis.com%2Fvarlog%2Fsystem",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "ledger"}},
        }
    )
    assert entry.severity == severity
    assert entry.severity_rule == ("platform-failure" if code else None)


@pytest.mark.parametrize(
    ("payload", "severity"),
    [
        (
            {"message": "Cache warmup failure details: ImportError: cannot import name 'Ring' from 'tiers'"},
            "ERROR",
        ),
        ({"message": "sync aborted: billing.client.QuotaExceededException: 429 from upstream"}, "ERROR"),
        ({"message": "2026-11-21 12:00:00 INFO retry 2: ConnectionError: reset by peer"}, "INFO"),
        ({"message": "Loaded handlers: ErrorPage, ExceptionMapper"}, "DEFAULT"),
    ],
)
def test_a_message_reporting_an_exception_by_name_is_an_error(payload: dict[str, Any], severity: str) -> None:
    """A structured log on stderr without a level whose message names the exception that failed."""
    entry = parse(
        {
            "jsonPayload": {**payload, "context": {"name": "tiers.setup"}},
            "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "tiers"}},
        }
    )
    assert entry.severity == Severity[severity]


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        # php-fpm relays a worker's error_log line under its own NOTICE/WARNING: the relayed PHP level counts
        (
            "NOTICE: PHP message: PHP Fatal error:  Uncaught TypeError: bad arg in /srv/app/Cart.php:7",
            "ERROR",
        ),
        (
            '[14-Mar-2025 08:01:02] WARNING: [pool www] child 41 said into stderr: "PHP message: PHP Warning:  '
            'Undefined array key "sku" in /srv/app/Cart.php on line 9"',
            "WARNING",
        ),
        # PHP's error log dates its lines, with a zone or none
        (
            "[14-Mar-2025 08:01:02 UTC] PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted",
            "ERROR",
        ),
        (
            "[14-Mar-2025 08:01:02 Europe/Berlin] PHP Notice:  Undefined index: q in /srv/Search.php on line 3",
            "NOTICE",
        ),
        ("PHP Deprecated:  Creation of dynamic property Cart::$x is deprecated", "NOTICE"),
        (
            "PHP Strict Standards:  Declaration of Tray::put() should be compatible with Box::put($y)",
            "NOTICE",
        ),
        ("PHP Parse error:  syntax error, unexpected token in /srv/app/Cart.php on line 4", "ERROR"),
    ],
)
def test_php_declares_its_own_level(text: str, severity: str) -> None:
    declared = declared_level(text)
    assert declared is not None and declared.severity.name == severity


def test_php_fpm_relay_is_not_the_messages_level() -> None:
    relayed = (
        '[14-Mar-2025 08:01:02] WARNING: [pool www] child 41 said into stderr: "PHP message: cart rebuilt"'
    )
    assert declared_level(relayed) is None
    assert declared_level("NOTICE: PHP message: cache warmed") is None
    assert strip_prefix(relayed) == "cart rebuilt"
    assert strip_prefix("NOTICE: PHP message: PHP Fatal error:  x") == "PHP Fatal error:  x"
    assert strip_prefix("[14-Mar-2025 08:01:02 UTC] PHP Fatal error:  x") == "PHP Fatal error:  x"
    # php-fpm's own lines keep the level it gives them
    full = "[14-Mar-2025 08:01:02] WARNING: [pool www] server reached pm.max_children setting (5), consider raising it"
    declared = declared_level(full)
    assert declared is not None and declared.severity is Severity.WARNING


def test_php_uncaught_base_classes_parse() -> None:
    stacks = StackParser()
    for name in ("Exception", "Error"):
        stack = stacks.parse(
            f"PHP Fatal error:  Uncaught {name}: boom in /srv/a.php:3\nStack trace:\n#0 {{main}}\n"
            "  thrown in /srv/a.php on line 3"
        )
        assert stack is not None and (stack.exception_type, stack.message) == (name, "boom")
        assert [(frame.file, frame.line) for frame in stack.frames] == [("/srv/a.php", 3)]


def test_php_fatal_error_split_by_cloud_run_is_one_event() -> None:
    lines = [
        "NOTICE: PHP message: PHP Fatal error:  Uncaught Error: Call to undefined method Cart::total() in "
        "/srv/app/Checkout.php:27",
        "Stack trace:",
        "#0 /srv/app/index.php(8): Checkout->run()",
        "#1 {main}",
        "  thrown in /srv/app/Checkout.php on line 27",
    ]
    raw = [run_entry(1 + i * 0.0001, text=line) for i, line in enumerate(lines)]
    (crash,) = scan_entries(raw).clusters
    assert (crash.count, crash.max_severity, crash.language, crash.exception_type) == (
        5,
        "ERROR",
        "php",
        "Error",
    )
    assert crash.title.startswith("Error: Call to undefined method Cart::total()")


def test_a_base_error_named_behind_a_prefix_is_a_stack() -> None:
    stack = StackParser().parse(
        "Request aborted: Error: socket hang up\n    at connResetException (node:internal/errors:720:14)\n"
        "    at Socket.socketOnEnd (node:_http_client:525:23)"
    )
    assert stack is not None and (stack.exception_type, stack.message) == ("Error", "socket hang up")


@pytest.mark.parametrize(
    "exception", ["Error: EACCES: permission denied, open", "SyntaxError: Unexpected token"]
)
def test_a_platform_line_about_a_services_run_groups_by_service_whatever_stack_follows(
    exception: str,
) -> None:
    """The loader's report of a function that cannot load is each service's own problem, with the stack it
    names only as its detail: a base `Error` or a named one alike."""
    text = (
        "Provided module can't be loaded.\nIs there a syntax error in your code?\n"
        f"Detailed stack trace: {exception}\n    at Object.readFileSync (node:fs:441:20)\n"
        "    at Module.load (node:internal/modules/cjs/loader:1100:32)"
    )
    report = scan_entries(
        [
            run_entry(0, text=text, severity="ERROR", service="quotes", revision="quotes-00002-abc"),
            run_entry(1, text=text, severity="ERROR", service="quotes", revision="quotes-00002-abc"),
            run_entry(2, text=text, severity="ERROR", service="ledger", revision="ledger-00009-xyz"),
        ]
    )
    assert sorted((c.title, c.count) for c in report.clusters) == [
        ("Provided module can't be loaded. (ledger)", 1),
        ("Provided module can't be loaded. (quotes)", 2),
    ]


def test_celery_header_declares_the_level_inside_its_time_bracket() -> None:
    info = "[2026-02-03 04:05:06,789: INFO/MainProcess] Task invoices.render[4f1c] received"
    error = (
        "[2026-02-03 04:05:09,012: ERROR/ForkPoolWorker-3] Task invoices.render[4f1c] raised unexpected: x"
    )
    for text, severity in ((info, Severity.INFO), (error, Severity.ERROR)):
        declared = declared_level(text)
        assert declared is not None and (declared.severity, declared.rule) == (severity, "bracketed-level")
    assert strip_prefix(info) == "Task invoices.render[4f1c] received"
    # on GKE, celery's stderr is ERROR: its INFO lines are mislabelled noise, its ERROR line a problem
    raw = [gke_entry(1, text=info, pod="billing-worker-1"), gke_entry(2, text=error, pod="billing-worker-1")]
    by_title = {cluster.title: cluster for cluster in scan_entries(raw).clusters}
    assert by_title["Task invoices.render[4f1c] received"].priority == "P3"
    assert by_title["Task invoices.render[4f1c] raised unexpected: x"].max_severity == "ERROR"


def test_python_process_and_thread_in_parentheses_are_header_fields() -> None:
    text = "2026-02-03 04:05:06,789 (812/MainThread) ledger.sync WARNING - retrying batch 7"
    declared = declared_level(text)
    assert declared is not None and declared.severity is Severity.WARNING
    assert strip_prefix(text) == "retrying batch 7"
    assert strip_prefix("(1/2) Installing ca-certificates") == "(1/2) Installing ca-certificates"


@pytest.mark.parametrize(
    ("agent", "priority", "rule"),
    [
        (
            "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
            "P1",
            "delivery-refused",
        ),
        ("Google-Cloud-Tasks", "P1", "delivery-refused"),
        ("Google-Cloud-Scheduler", "P1", "delivery-refused"),
        ("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "P2", "client-errors"),
        (None, "P2", "client-errors"),
    ],
)
def test_a_4xx_to_what_a_google_service_delivered_is_broken_delivery(
    agent: str | None, priority: str, rule: str
) -> None:
    http: dict[str, Any] = {
        "requestMethod": "POST",
        "requestUrl": "https://ingest-q7.a.run.app/",
        "status": 401,
    }
    if agent is not None:
        http["userAgent"] = agent
    raw = [
        run_entry(
            s, log="run.googleapis.com%2Frequests", severity="WARNING", httpRequest=http, service="ingest"
        )
        for s in (1, 11)
    ]
    [cluster] = scan_entries(raw).clusters
    assert cluster.priority == priority
    assert ("Google service" in cluster.reasons[0]) == (rule == "delivery-refused")


def _mongo(letter: str, msg: str, **attr: Any) -> dict[str, Any]:
    return {
        "t": {"$date": "2026-11-21T12:00:00.000+00:00"},
        "s": letter,
        "c": "STORAGE",
        "id": 22435,
        "ctx": "initandlisten",
        "msg": msg,
        "attr": attr,
    }


@pytest.mark.parametrize(
    ("payload", "severity", "message"),
    [
        (_mongo("E", "Failed to bind socket", error="Operation not permitted"), Severity.ERROR, None),
        (
            _mongo(
                "E",
                "Listener setup failed",
                error={"code": 9001, "codeName": "SocketException", "errmsg": "in use"},
            ),
            Severity.ERROR,
            "Listener setup failed: SocketException: in use",
        ),
        (
            _mongo("F", "Fatal assertion", msgid=40486, file="src/mongo/a.cpp", line=10),
            Severity.CRITICAL,
            None,
        ),
        (_mongo("W", "Slow catalog refresh", durationMillis=1200), Severity.WARNING, None),
        (
            _mongo(
                "E", "WiredTiger error", error=1, message="open: /data/db/WiredTiger.wt: Permission denied"
            ),
            Severity.ERROR,
            "WiredTiger error: open: /data/db/WiredTiger.wt: Permission denied",
        ),
        (
            # MongoDB 6+: WiredTiger's message as an object, its errno's name in `error_str`
            _mongo(
                "E",
                "WiredTiger error message",
                error=28,
                message={
                    "msg": "__posix_file_write:598:/data/db/journal/WiredTigerLog.1: pwrite failed",
                    "error_str": "No space left on device",
                    "error_code": 28,
                },
            ),
            Severity.ERROR,
            "WiredTiger error message: No space left on device: __posix_file_write:598:/data/db/journal/"
            "WiredTigerLog.1: pwrite failed",
        ),
        (_mongo("I", "Waiting for connections", port=27017), Severity.INFO, None),
        (_mongo("D2", "Checking shard version", ns="shop.carts"), Severity.DEBUG, None),
    ],
)
def test_mongodb_declares_its_level_by_letter_and_reports_its_attr_error(
    payload: dict[str, Any], severity: Severity, message: str | None
) -> None:
    """MongoDB's JSON log line on GKE's stdout (INFO, the stream's default): its `s` letter is its level, and the
    error in its `attr` joins the message (two failures of one `msg` are two problems)."""
    entry = parse({"jsonPayload": payload, "severity": "INFO", "logName": "projects/p/logs/stdout"})
    assert entry.severity is severity
    if message is not None:
        assert entry.message == message
    if "error" in payload["attr"] and isinstance(payload["attr"]["error"], str):
        assert entry.message == f"{payload['msg']}: {payload['attr']['error']}"
    raw = {
        "timestamp": "2026-11-21T12:00:00Z",
        "jsonPayload": payload,
        "severity": "INFO",
        "logName": "projects/p/logs/stdout",
    }
    # the fast path does not skim a line whose letter says WARNING or above as quiet
    assert (parser.skim(1, raw) is None) or severity < Severity.WARNING


def test_an_s_field_without_mongodbs_context_is_no_level() -> None:
    entry = parse({"jsonPayload": {"s": "E", "msg": "cart synced"}, "severity": "INFO"})
    assert entry.severity is Severity.INFO


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        (
            "1:M 17 Sep 2026 17:13:18.198 # Background saving error",
            Severity.WARNING,
            "Background saving error",
        ),
        (
            "1344:C 17 Sep 2026 17:13:18.099 # Write error saving DB on disk: No space left on device",
            Severity.WARNING,
            "Write error saving DB on disk: No space left on device",
        ),
        (
            "7:S 21 Nov 2026 06:00:01.500 # Connection with master lost.",
            Severity.WARNING,
            "Connection with master lost.",
        ),
        (
            "[4019] 21 Nov 06:00:01.500 # Server started, Redis version 2.8.4",
            Severity.WARNING,
            "Server started, Redis version 2.8.4",
        ),
        (
            "1:M 21 Nov 2026 06:00:01.500 * 1 changes in 3600 seconds. Saving...",
            Severity.NOTICE,
            "1 changes in 3600 seconds. Saving...",
        ),
        ("1:M 21 Nov 2026 06:00:01.500 - Accepted 10.0.0.7:51234", Severity.DEBUG, "Accepted 10.0.0.7:51234"),
    ],
)
def test_redis_declares_its_level_by_its_mark(text: str, severity: Severity, body: str) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity, declared.rule) == (severity, "redis-header")
    assert strip_prefix(text) == body


def test_a_redis_warning_on_stdout_is_kept_and_its_notices_are_not() -> None:
    """Redis writes to stdout (INFO on GKE): its `#` lines are warnings the scan keeps, whatever their words."""
    lost = "7:S 21 Nov 2026 06:00:01.500 # Connection with master lost."
    saving = "7:M 21 Nov 2026 06:00:02.500 * Background saving started by pid 81"
    raw = [
        gke_entry(1, text=lost, pod="cache-0", stream="stdout", severity="INFO"),
        gke_entry(2, text=saving, pod="cache-0", stream="stdout", severity="INFO"),
    ]
    clusters = scan_entries(raw).clusters
    assert [(c.title, c.max_severity) for c in clusters] == [("Connection with master lost.", "WARNING")]


def test_sidekiqs_process_and_thread_are_header_fields() -> None:
    text = "2026-11-21T12:00:00Z 10117 TID-owed9kmd8 WARN: undefined method `to_i' for false:FalseClass"
    declared = declared_level(text)
    assert declared is not None and (declared.severity, declared.rule) == (Severity.WARNING, "level-header")
    assert strip_prefix(text) == "undefined method `to_i' for false:FalseClass"
    assert strip_prefix("TID-7 is the ticket") == "TID-7 is the ticket"


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            'ts=2026-11-21T12:00:00.100Z caller=dispatch.go:353 level=error component=dispatcher msg="Notify for '
            'alerts failed" num_alerts=2 err="pager/webhook[0]: notify retry canceled: unexpected status 502"',
            "Notify for alerts failed: pager/webhook[0]: notify retry canceled: unexpected status 502",
        ),
        (
            'logger=ngalert t=2026-11-21T12:00:00.5Z level=info msg="Warming state cache for startup"',
            "Warming state cache for startup",
        ),
        (
            'time="2026-11-21T12:00:00Z" level=warning msg="cart \\"7\\" held" error="lock: held by w2" shard=3',
            'cart "7" held: lock: held by w2',
        ),
        ("level=error msg=boom err=boom ts=1", "boom"),
        # not logfmt: a message that only holds a pair or two, an unclosed quote, words between pairs
        ("retrying msg=hello a=1 b=2", "retrying msg=hello a=1 b=2"),
        ('level=error msg="unclosed a=1', 'level=error msg="unclosed a=1'),
        ("msg=hello a=1", "msg=hello a=1"),
    ],
)
def test_a_logfmt_line_reads_as_its_message_and_error(text: str, body: str) -> None:
    assert strip_prefix(text) == body


def test_one_logfmt_error_at_two_times_and_callers_is_one_problem_titled_by_its_message() -> None:
    def line(seconds: float, ts: str, caller: str) -> dict[str, Any]:
        text = (
            f"ts={ts} caller={caller} level=error component=dispatcher "
            'msg="Notify for alerts failed" num_alerts=1 err="mail/email[0]: dial tcp: lookup smtp: no such host"'
        )
        return gke_entry(seconds, text=text, pod="alertmanager-0")

    raw = [
        line(1, "2026-11-21T12:00:01Z", "dispatch.go:310"),
        line(2, "2026-11-21T12:05:09Z", "dispatch.go:311"),
    ]
    clusters = scan_entries(raw).clusters
    assert [(c.title, c.count) for c in clusters] == [
        ("Notify for alerts failed: mail/email[0]: dial tcp: lookup smtp: no such host", 2)
    ]


def test_reading_a_logfmt_line_is_linear() -> None:
    from loggardener.entries.levels import logfmt_message

    assert_linear(lambda n: logfmt_message('a=1 b=2 msg="' + "x" * n), 400_000)
    assert_linear(lambda n: logfmt_message("msg=x " + "a=b " * n), 100_000)
    assert_linear(lambda n: logfmt_message("msg=" + "\\" * n), 400_000)
    assert_linear(lambda n: logfmt_message('msg="' + '\\"' * n), 400_000)


@pytest.mark.parametrize(
    ("text", "severity", "rule", "body"),
    [
        (
            '[2026-11-21 12:00:00] production.ERROR: Undefined index: sku {"userId":7}',
            Severity.ERROR,
            "level-header",
            'Undefined index: sku {"userId":7}',
        ),
        (
            "[2026-11-21T12:00:00.123456+00:00] request.CRITICAL: Uncaught PHP Exception LogicException: x",
            Severity.CRITICAL,
            "level-header",
            "Uncaught PHP Exception LogicException: x",
        ),
        ("[2026-11-21 12:00:00] local.INFO: cart 7 saved", Severity.INFO, "level-header", "cart 7 saved"),
        (
            "[E 2026-11-21 12:00:00.100 JupyterHub web:1793] Uncaught exception GET /hub/spawn (10.0.0.1)",
            Severity.ERROR,
            "tornado-header",
            "Uncaught exception GET /hub/spawn (10.0.0.1)",
        ),
        (
            "[W 261121 12:00:00 web:2243] 404 GET /favicon.ico (10.0.0.1) 0.8ms",
            Severity.WARNING,
            "tornado-header",
            "404 GET /favicon.ico (10.0.0.1) 0.8ms",
        ),
        (
            "[I 2026-11-21 12:00:00.100 ServerApp] Jupyter Server 2.7.0 is running",
            Severity.INFO,
            "tornado-header",
            "Jupyter Server 2.7.0 is running",
        ),
    ],
)
def test_monolog_and_tornado_headers_declare_their_levels(
    text: str, severity: Severity, rule: str, body: str
) -> None:
    declared = declared_level(text)
    assert declared is not None and (declared.severity, declared.rule) == (severity, rule)
    assert strip_prefix(text) == body


def test_a_tornado_warning_on_stdout_is_kept_and_its_info_on_stderr_is_mislabelled() -> None:
    warning = "[W 2026-11-21 12:00:00.100 JupyterHub base:393] 403 GET /hub/api/users (cull@::1) 2.1ms"
    info = "[I 2026-11-21 12:00:01.100 JupyterHub proxy:347] Checking routes"
    raw = [
        gke_entry(1, text=warning, pod="hub-0", stream="stdout", severity="INFO"),
        gke_entry(2, text=info, pod="hub-0"),
    ]
    by_title = {c.title: c for c in scan_entries(raw).clusters}
    assert by_title["403 GET /hub/api/users (cull@::1) 2.1ms"].max_severity == "WARNING"
    assert by_title["Checking routes"].priority == "P3"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {
                "message": "CartSyncWorker JID-1: fail: 0.2 sec",
                "error_class": "Redis::TimeoutError",
                "error_message": "timed out",
            },
            "CartSyncWorker JID-1: fail: 0.2 sec: Redis::TimeoutError: timed out",
        ),
        (
            {
                "msg": "job failed",
                "exception.class": "ActiveRecord::Deadlocked",
                "exception.message": "PG::TRDeadlockDetected",
            },
            "job failed: ActiveRecord::Deadlocked: PG::TRDeadlockDetected",
        ),
        ({"error_class": "NameError"}, "NameError"),
        ({"error_class": "KeyError", "error_message": "sku"}, "KeyError: sku"),
    ],
)
def test_an_error_class_beside_its_message_is_the_error_reported(
    payload: dict[str, Any], message: str
) -> None:
    """Sidekiq's job hash and GitLab's logs report a job's failure as `error_class` and `error_message`: without
    a level, the entry is an error, and the class with its message is the error after the message."""
    entry = parse({"jsonPayload": payload, "severity": "INFO", "logName": "projects/p/logs/stdout"})
    assert (entry.severity, entry.message) == (Severity.ERROR, message)
    # alone, the class and its message are an exception's line
    assert entry.severity_rule == (
        "json-error" if ": fail" in message or "job" in message else "failure-line"
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {
                "message": "charge failed",
                "error_class": "Stripe::CardError",
                "error": "Your card was declined.",
            },
            "charge failed: Stripe::CardError: Your card was declined.",
        ),
        (
            {"msg": "publish failed", "error_type": "TimeoutError", "err": "deadline passed after 30s"},
            "publish failed: TimeoutError: deadline passed after 30s",
        ),
        # the error already names its class; an error without a class beside it reads as before
        (
            {
                "message": "sync failed",
                "error_class": "Faraday::TimeoutError",
                "error": "Faraday::TimeoutError: 30s",
            },
            "sync failed: Faraday::TimeoutError: 30s",
        ),
        (
            {"message": "sync failed", "error": "connection reset by peer"},
            "sync failed: connection reset by peer",
        ),
    ],
    ids=["error-class-and-error", "error-type-and-err", "class-named-already", "no-class"],
)
def test_an_error_message_beside_its_class_reads_class_then_message(
    payload: dict[str, Any], message: str
) -> None:
    entry = parse({"jsonPayload": payload, "severity": "ERROR", "logName": "projects/p/logs/stdout"})
    assert entry.message == message


def test_a_text_lines_trailing_fields_report_an_error_class() -> None:
    entry = parse(
        {"textPayload": 'job done {"error_class": "Timeout::Error", "error_message": "execution expired"}'}
    )
    assert entry.message == "job done: Timeout::Error: execution expired"


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "12:00:00,204 WARN  [org.keycloak.events] (default task-11) type=LOGIN_ERROR, error=invalid_redirect_uri",
            "type=LOGIN_ERROR, error=invalid_redirect_uri",
        ),
        (
            "2026-11-21 12:00:00,667 ERROR [io.quarkus.vertx.http] (executor-thread-1) Request failed: boom",
            "Request failed: boom",
        ),
        ("2026-11-21 12:00:00,667 INFO  [org.jboss.as] (Controller Boot Thread) WFLYSRV0025: up", "up"),
        # a parenthesis without a level and a category before it starts the message
        ("(1/2) Installing ca-certificates", "(1/2) Installing ca-certificates"),
        ("[worker] (retrying) connection lost", "(retrying) connection lost"),
        ("2026-11-21 12:00:00 INFO (main) started", "(main) started"),
    ],
)
def test_a_java_servers_thread_after_its_level_and_category_is_header(text: str, body: str) -> None:
    assert strip_prefix(text) == body


def test_one_keycloak_event_from_two_threads_is_one_problem() -> None:
    def line(seconds: float, thread: str) -> dict[str, Any]:
        text = (
            f"12:00:0{int(seconds)},204 WARN  [org.keycloak.events] ({thread}) type=LOGIN_ERROR, realmId=shop, "
            "clientId=storefront, userId=null, ipAddress=10.0.0.7, error=invalid_redirect_uri"
        )
        return gke_entry(seconds, text=text, pod="keycloak-0", stream="stdout", severity="INFO")

    clusters = scan_entries([line(1, "default task-11"), line(2, "executor-thread-3")]).clusters
    assert len(clusters) == 1 and clusters[0].count == 2
    assert clusters[0].title.startswith("type=LOGIN_ERROR, realmId=shop")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "2026/11/21 12:00:00 [error] 7#7: *81 [lua] dns.lua:152: dns_lookup(): failed to query the DNS server",
            "failed to query the DNS server",
        ),
        (
            "2026/11/21 12:00:00 [warn] 7#0: *9 [lua] healthcheck.lua:1104: log(): [healthcheck] (a:cart) unhealthy"
            " TIMEOUT increment (1/3) for 'cart(10.0.0.5:5000)', context: ngx.timer",
            "[healthcheck] (a:cart) unhealthy TIMEOUT increment (1/3) for 'cart(10.0.0.5:5000)'",
        ),
        (
            "2026/11/21 12:00:00 [error] 7#7: *3 [lua] handler.lua:88: access(): auth failed, client: 10.0.0.1,"
            ' server: kong, request: "GET /cart HTTP/1.1"',
            "auth failed",
        ),
    ],
)
def test_openresty_lua_function_and_timer_context_are_header(text: str, body: str) -> None:
    assert strip_prefix(text) == body


@pytest.mark.parametrize(
    ("text", "severity", "body"),
    [
        # Log4j's and Logback's level padded inside its bracket (`%-5p`, `%5p`): Elasticsearch, Kafka, Zookeeper
        (
            "[2019-02-05T10:09:10,271][WARN ][o.e.c.r.a.DiskThresholdMonitor] [node-1] high disk watermark [90%] "
            "exceeded on [n1][node-1][/data] free: 2.5gb[8.3%]",
            "WARNING",
            "high disk watermark [90%] exceeded on [n1][node-1][/data] free: 2.5gb[8.3%]",
        ),
        ("[2019-02-05T10:09:10,271][INFO ][o.e.n.Node] [node-1] started", "INFO", "started"),
        ("2026-01-01 10:00:00,001 [ WARN] [main] broker lagging", "WARNING", "broker lagging"),
        # Spring Boot's default console line: the logger padded to its column before ` : `, after `--- [thread]`
        (
            "2021-06-03 08:12:51.663 ERROR 3601 --- [10001-exec-2223] o.a.c.c.C.[.[.[/].[dispatcherServlet] : "
            "Servlet.service() for servlet [dispatcherServlet] threw exception",
            "ERROR",
            "Servlet.service() for servlet [dispatcherServlet] threw exception",
        ),
        (
            "2018-07-26 15:22:01.100  WARN 4772 --- [nio-8080-exec-2] .w.s.m.a.ResponseStatusExceptionResolver : "
            "Resolved [x]",
            "WARNING",
            "Resolved [x]",
        ),
        (
            "2024-01-01T10:00:00.123Z ERROR 1 --- [orders] [           main] o.s.boot.SpringApplication       "
            "        : Application run failed",
            "ERROR",
            "Application run failed",
        ),
        # Kafka's log identity after the level
        (
            "[2020-12-17 16:19:34,950] ERROR [ReplicaFetcher replicaId=1001, leaderId=1003, fetcherId=0] Error for "
            "partition orders-3 at offset 0 (kafka.server.ReplicaFetcherThread)",
            "ERROR",
            "Error for partition orders-3 at offset 0 (kafka.server.ReplicaFetcherThread)",
        ),
        ("[2026-01-01 10:00:00,001] WARN [Controller id=1] broker 3 lost", "WARNING", "broker 3 lost"),
        # a formatter's fields, then the message unquoted to the line's end (a time after its date is one value)
        (
            "level=ERROR ts=2026-03-04 14:03:46,952 module=log path=/app/django/utils/log.py line=253 "
            "message=Internal Server Error: /orders",
            "ERROR",
            "Internal Server Error: /orders",
        ),
        # CoreDNS' plugin, and the errors plugin's response code
        (
            "[ERROR] plugin/errors: 2 api.example.com. A: read udp 10.0.0.6:36797->10.0.0.2:53: i/o timeout",
            "ERROR",
            "api.example.com. A: read udp 10.0.0.6:36797->10.0.0.2:53: i/o timeout",
        ),
        (
            "[WARNING] plugin/kubernetes: starting server with unsynced API",
            "WARNING",
            "starting server with unsynced API",
        ),
        # klogr's quoted pairs after klog's header: the message and its error, not the logger and its context
        (
            'E0403 16:57:01.090760       1 sync.go:182] cert-manager/controller/challenges "msg"="propagation check '
            'failed" "error"="dial tcp: lookup a.example on 10.96.0.10:53: no such host" "dnsName"="a.example" '
            '"type"="HTTP-01"',
            "ERROR",
            "propagation check failed: dial tcp: lookup a.example on 10.96.0.10:53: no such host",
        ),
        (
            'E0203 16:11:07.620964       1 controller.go:158] cert-manager/controller/challenges "msg"="re-queuing '
            'item" "error"="challenge \\"x\\" not found" "key"="ns/x"',
            "ERROR",
            're-queuing item: challenge "x" not found',
        ),
    ],
)
def test_padded_log4j_levels_spring_boot_loggers_coredns_plugins_and_klogr_pairs(
    text: str, severity: str, body: str
) -> None:
    declared = declared_level(text)
    assert declared is not None and declared.severity.name == severity
    assert strip_prefix(text) == body


@pytest.mark.parametrize(
    "text",
    [
        "[app] Erreur : connexion refusée",  # ` : ` without Spring Boot's `--- [thread]` is the message's own
        "2026-01-01 10:00:00 [worker] Cache : stale",
        'audit "msg"="x" then free text',  # pairs that do not run to the end are not klogr's
        "message=alone here",  # one field is no formatter's header
    ],
)
def test_a_spaced_colon_or_a_quoted_pair_elsewhere_stays_in_the_message(text: str) -> None:
    assert strip_prefix(text).endswith(text.rsplit("] ", 1)[-1])


def test_the_spring_logger_and_klogr_pairs_are_read_in_linear_time() -> None:
    assert_linear(lambda n: strip_prefix("2026-01-01 10:00:00 ERROR 1 --- [t] " + "a" * n + " x"), 20_000)
    assert_linear(lambda n: strip_prefix("2026-01-01 10:00:00 ERROR 1 --- [t] a" + " " * n + "x"), 20_000)
    assert_linear(lambda n: strip_prefix('E0101 00:00:00.000000 1 a.go:1] l "msg"="' + '\\"' * n), 20_000)
    assert_linear(lambda n: strip_prefix("[" + " " * n + "WARN"), 20_000)
    assert_linear(lambda n: strip_prefix("ERROR [Fetcher" + " a=b," * n), 20_000)
    assert_linear(lambda n: strip_prefix("a=1 b=2 " + "c=3 " * n + "message"), 20_000)
    assert_linear(lambda n: strip_prefix("a=1 b=2 message" + "=x" * n), 20_000)


def test_an_erlang_process_after_the_level_is_header() -> None:
    """RabbitMQ (and any Erlang logger) writes the process after its level: it is header, not the title's start;
    within the message it stays."""
    line = "2017-09-26 08:04:53.596 [warning] <0.2375.628> closing AMQP connection <0.2375.628> (10.0.0.7:54720):"
    assert strip_prefix(line) == "closing AMQP connection <0.2375.628> (10.0.0.7:54720):"
    declared = declared_level(line)
    assert declared is not None and declared.severity.name == "WARNING"


@pytest.mark.parametrize(
    "text", ["[Errno 111] Connection refused", "[object Object] [done]", "[Order Sync] boom"]
)
def test_words_in_brackets_are_a_tag_only_before_a_bracketed_level(text: str) -> None:
    assert strip_prefix(text) == text
    assert declared_level(text) is None


@pytest.mark.parametrize(
    "line",
    [
        "[0b7c2e51-9d4a-4f3e-8a10-6c5d4e3f2a19] ActiveRecord::RecordNotFound (Couldn't find Invoice with 'id'=77):",
        "ActionController::UnknownFormat (ActionController::UnknownFormat):",
        "[shop] [10.0.0.7] Pundit::NotAuthorizedError (not allowed to update? this Order):",
    ],
)
def test_rails_exception_line_without_a_header_is_an_error(line: str) -> None:
    """Rails' report of a request's exception where the stream keeps no logger header (Cloud Run's stdout, no
    severity): the line is a failure, kept by the fast path, at ERROR."""
    declared = declared_level(line)
    assert declared is not None and (declared.severity, declared.rule) == (Severity.ERROR, "failure-line")
    assert may_raise(line)
    (cluster,) = scan_entries([run_entry(0, text=line, log="run.googleapis.com%2Fstdout")]).clusters
    assert cluster.max_severity == "ERROR"


@pytest.mark.parametrize(
    "line",
    [
        '  Admin::User Load (0.4ms)  SELECT "users".* FROM "users" LIMIT 1',
        "Processing by Admin::UsersController#index as HTML",
        "Rendered Admin::Dashboard (0.3ms): cached",
        '::1 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 12',
    ],
)
def test_namespaced_names_elsewhere_declare_nothing(line: str) -> None:
    assert declared_level(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Step #1: The command '/bin/sh -c npm ci --omit=dev' returned a non-zero code: 1",
        'invalid argument "registry//app:1f2e3d" for "-t, --tag" flag: invalid reference format',
        "mount /data: invalid argument",
    ],
)
def test_a_build_instruction_or_a_call_that_failed_in_words_is_kept(line: str) -> None:
    """Docker's failed instruction and EINVAL's words, written without a level (Cloud Build sets none): kept at
    WARNING as a failure said in words, not skimmed."""
    assert may_raise(line)
    (cluster,) = scan_entries([run_entry(0, text=line, log="cloudbuild")]).clusters
    assert cluster.max_severity in ("WARNING", "ERROR")


def test_the_words_of_a_success_are_no_failure() -> None:
    assert not scan_entries(
        [run_entry(0, text="Step #1: the command returned code 0", log="cloudbuild")]
    ).clusters


_SERVER_KILLS = [
    "*** HARAKIRI ON WORKER 2 (pid: 311, try: 1) ***",
    "[1] ! Terminating timed out worker (worker failed to check in within 60 seconds): 812",
    "worker=0 PID:2201 timeout (61s > 60s), killing",
    "[pool www] child 71, script '/var/www/public/index.php' (request: \"POST /index.php\") execution timed out "
    "(30.012 sec), terminating",
    "2026/12/02 14:18:20 [alert] 1#1: worker process 31 exited on signal 9",
]


@pytest.mark.parametrize("line", _SERVER_KILLS)
def test_an_application_server_killing_its_workers_is_an_error_and_twice_a_p1(line: str) -> None:
    """uWSGI, Puma, Unicorn, PHP-FPM and nginx write that they killed a worker in words of their own, often
    without a level: an error (never dropped), and workers killed from the second event, not a transient
    network error for its `timed out` nor nginx's `[alert]`'s P0."""
    once = scan_entries([run_entry(1, text=line)]).clusters
    assert len(once) == 1 and once[0].max_severity in ("ERROR", "ALERT")  # (nginx writes it at `[alert]`)
    (cluster,) = scan_entries([run_entry(s, text=line) for s in (1, 70)]).clusters
    assert cluster.priority == "P1" and cluster.reasons[0].startswith("workers killed by the platform")


@pytest.mark.parametrize(
    "line",
    [
        "Respawned uWSGI worker 2 (new pid: 400)",
        "[1] - Worker 0 (PID: 900) booted in 0.01s, phase: 0",
        "request timed out after 30s, will retry",
        "worker process 31 exited with code 0",
    ],
)
def test_look_alikes_of_a_server_killing_its_workers_are_no_platform_failure(line: str) -> None:
    declared = declared_level(line)
    assert declared is None or declared.rule != "platform-failure"
    assert not levels.platform_failure(line)


@pytest.mark.parametrize(
    ("text", "logged", "stream", "severity"),
    [
        (
            "E1121 09:04:05.000001       1 reflector.go:138] failed to list *v1.Pod: Unauthorized",
            "INFO",
            "stderr",
            "ERROR",
        ),
        (
            "F1121 09:04:05.000001       1 main.go:88] Check failed: conn != nullptr",
            "INFO",
            "stderr",
            "CRITICAL",
        ),
        (
            'Exception in thread "scheduler-1" java.lang.OutOfMemoryError: Java heap space',
            "NOTICE",
            "stdout",
            "ERROR",
        ),
        ('Exception in thread "main" java.lang.IllegalStateException: no config', "DEBUG", "stderr", "ERROR"),
    ],
)
def test_a_runtimes_own_error_line_stamped_below_warning_by_a_shipper_is_raised(
    text: str, logged: str, stream: str, severity: str
) -> None:
    entry = parse(gke_entry(1, text=text, stream=stream, severity=logged))
    assert (entry.severity.name, entry.severity_rule) == (severity, "runtime-error-line")


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        # glog's own info and warning lines keep the level stamped on them
        ("W1121 09:04:05.000001       1 reflector.go:138] slow list of *v1.Pod", "INFO"),
        ("I1121 09:04:05.000001       1 server.go:12] serving on :8443", "NOTICE"),
        # an app's sentence about an error, at INFO: its logger chose the level
        ("Exception in thread pool handled; retrying the batch", "INFO"),
        ("E-mail queue drained: 0 errors", "INFO"),
    ],
)
def test_other_lines_stamped_below_warning_keep_their_level(text: str, logged: str) -> None:
    entry = parse(gke_entry(1, text=text, stream="stderr", severity=logged))
    assert entry.severity.name == logged
