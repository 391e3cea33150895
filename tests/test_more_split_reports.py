"""Reports that Cloud Run and GKE split one entry per line, in formats read since round 28: loguru's report of a
caught exception, psycopg2's error with PostgreSQL's `DETAIL:` line, ASP.NET Core 2's console record with its
exception at the margin, and the JVM's exit on an OutOfMemoryError."""

from __future__ import annotations

import pytest

from conftest import scan_entries
from entry_factories import split_lines
from loggardener.entries.stacks import StackParser

LOGURU = [
    "2024-05-06 15:32:37.718 | ERROR    | __main__:<module>:9 - An error has been caught in function '<module>', "
    "process 'MainProcess' (75792), thread 'MainThread' (7990169600):",
    "Traceback (most recent call last):",
    '> File "/app/job.py", line 9, in <module>',
    "    sync_accounts(0, 0)",
    "    └ <function sync_accounts at 0x101267f60>",
    '  File "/app/job.py", line 6, in sync_accounts',
    "    return total / (x + y)",
    "                    │   └ 0",
    "                    └ 0",
    "ZeroDivisionError: division by zero",
]


def test_a_loguru_report_split_per_line_is_one_error_titled_by_its_exception() -> None:
    """loguru marks the raising frame `> File …` and writes each name's value under it (`│`, `└`): every line
    is part of the one report, whose exception and innermost frame title it."""
    report = scan_entries(split_lines(0, LOGURU, service="sync") + split_lines(60, LOGURU, service="sync"))
    (cluster,) = report.clusters
    assert (cluster.count, cluster.events) == (2 * len(LOGURU), 2)
    assert cluster.title.startswith("ZeroDivisionError: division by zero")
    assert "sync_accounts" in cluster.title
    assert report.totals.skipped == {}


def test_a_line_that_quotes_a_file_is_no_frame() -> None:
    """Only `> File "…", line N` is loguru's frame: a quoted reply that starts `> File` stays a plain line."""
    report = scan_entries(split_lines(0, ["> File upload finished, 3 parts", '> File "notes.txt" saved']))
    assert report.clusters == []


PSYCOPG = [
    "Traceback (most recent call last):",
    '  File "/app/load.py", line 29, in <module>',
    '    cursor.execute("INSERT INTO accounts (id, name) VALUES (%s, %s)", row)',
    'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "accounts_pkey"',
    "DETAIL:  Key (id)=(0) already exists.",
]


def test_psycopg2s_detail_line_is_part_of_its_traceback_in_either_order() -> None:
    """psycopg2's message goes on with PostgreSQL's `DETAIL:` line; on Cloud Run it is an entry without a level,
    which the fast path kept apart (dropped): it is the traceback's last line, oldest or newest first."""
    raw = split_lines(0, PSYCOPG, service="load") + split_lines(60, PSYCOPG, service="load")
    for entries in (raw, raw[::-1]):
        report = scan_entries(entries)
        (cluster,) = report.clusters
        assert (cluster.count, cluster.events) == (2 * len(PSYCOPG), 2)
        assert "accounts_pkey" in cluster.title
        assert report.totals.skipped == {}


def test_a_detail_line_alone_stays_below_the_threshold() -> None:
    """A `DETAIL:` line after no error (a plain line before it) is no problem of its own."""
    report = scan_entries(split_lines(0, ["checkpoint complete", "DETAIL:  Key (id)=(0) already exists."]))
    assert report.clusters == []


ASPNET2 = [
    "info: Microsoft.AspNetCore.Hosting.Internal.WebHost[1]",
    "      Request starting HTTP/1.1 GET https://portal.example.com/  ",
    "fail: Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware[1]",
    "      An unhandled exception has occurred while executing the request.",
    "System.InvalidOperationException: Sequence contains no elements",
    "Parameter name: source",
    "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)",
    "   at Portal.Controllers.HomeController.Index()",
]


def test_an_aspnet_core_2_record_with_its_exception_at_the_margin_is_one_error() -> None:
    """ASP.NET Core 2's console logger writes a record's exception at the margin after its indented message, and
    a message may go on (`Parameter name: …`) before the frames: all of it is the `fail:` record's, in either
    order; the request's `info:` record stays apart."""
    raw = split_lines(0, ASPNET2, service="portal") + split_lines(60, ASPNET2, service="portal")
    for entries in (raw, raw[::-1]):
        report = scan_entries(entries)
        (cluster,) = report.clusters
        assert (cluster.count, cluster.events) == (12, 2)
        assert "InvalidOperationException" in cluster.title
        assert "Sequence contains no elements" in cluster.title


def test_a_margin_line_after_a_record_without_frames_stays_apart() -> None:
    """A line at the margin after a record is another line unless an exception's frames follow it."""
    lines = [
        "fail: Portal.Jobs.Sync[3]",
        "      Sync of tenant 7 failed",
        "Sync finished with 1 failure",
    ]
    report = scan_entries(split_lines(0, lines, service="portal"))
    (cluster,) = report.clusters
    assert cluster.count == 2


# .NET 6+'s console logger: the record's exception indented under its message like the message, with the markers
# .NET writes among its frames where an `await` resumed and where an inner exception's frames end
ASPNET6 = [
    "fail: Microsoft.AspNetCore.Server.Kestrel[13]",
    '      Connection id "0HN1", Request id "0HN1:00000002": An unhandled exception was thrown by the application.',
    "      System.InvalidOperationException: Could not price basket",
    "       ---> System.TimeoutException: The operation has timed out.",
    "         at Store.Pricing.Client.QuoteAsync(Basket basket) in /src/Store/Pricing/Client.cs:line 31",
    "         --- End of inner exception stack trace ---",
    "         at Store.Pricing.Client.QuoteAsync(Basket basket) in /src/Store/Pricing/Client.cs:line 36",
    "         at Store.Web.BasketController.Total(Int32 id) in /src/Store/Web/BasketController.cs:line 22",
    "      --- End of stack trace from previous location ---",
    "         at Microsoft.AspNetCore.Routing.EndpointMiddleware.<Invoke>g__AwaitRequestTask|6_0(Endpoint endpoint, Task requestTask, ILogger logger)",
    "         at Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol.ProcessRequests[TContext](IHttpApplication`1 application)",
]


def test_a_dotnet_record_goes_on_past_the_markers_among_its_frames_in_either_order() -> None:
    """The markers' indentation and dashes read as a prefix (`End of stack trace …`): they and the frames after
    them are still the record's, not lines below WARNING dropped after it."""
    raw = split_lines(0, ASPNET6, service="store") + split_lines(60, ASPNET6, service="store")
    for entries in (raw, raw[::-1]):
        report = scan_entries(entries)
        (cluster,) = report.clusters
        assert (cluster.count, cluster.events) == (2 * len(ASPNET6), 2)
        assert "InvalidOperationException: Could not price basket" in cluster.title
        assert report.totals.skipped == {}


def test_an_end_of_stack_line_after_a_record_without_frames_stays_apart() -> None:
    """A marker's words at the margin after a `fail:` record whose message has no exception in it are a line
    of their own, not a part of the record."""
    lines = [
        "fail: Store.Jobs.Sync[3]",
        "      Sync of tenant 7 failed",
        "End of stack trace reached, 0 frames",
    ]
    report = scan_entries(split_lines(0, lines, service="store"))
    (cluster,) = report.clusters
    assert cluster.count == 2


# Entity Framework's record of a failed save: the database's error goes on over a line of the record's padding alone
# and PostgreSQL's `DETAIL:` (which the parser reads as a header, its indentation gone) before the frames
EF_RECORD = [
    "fail: Microsoft.EntityFrameworkCore.Update[10000]",
    "      An exception occurred in the database while saving changes for context type 'Depot.Data.DepotContext'.",
    "      Microsoft.EntityFrameworkCore.DbUpdateException: An error occurred while saving the entity changes. "
    "See the inner exception for details.",
    "       ---> Npgsql.PostgresException (0x80004005): 40P01: deadlock detected",
    "      ",
    "      DETAIL: Detail redacted as it may contain sensitive data.",
    "         at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async)",
    "         --- End of inner exception stack trace ---",
    "         at Depot.Stock.Reserve.Handle(ReserveCommand command) in /src/Depot/Stock/Reserve.cs:line 58",
]


def test_a_dotnet_record_goes_on_past_its_exceptions_message_lines_in_either_order() -> None:
    raw = split_lines(0, EF_RECORD, service="depot") + split_lines(60, EF_RECORD, service="depot")
    for entries in (raw, raw[::-1]):
        report = scan_entries(entries)
        (cluster,) = report.clusters
        assert (cluster.count, cluster.events) == (2 * len(EF_RECORD), 2)
        assert cluster.title.startswith("Npgsql.PostgresException: 40P01: deadlock detected")
        assert report.totals.skipped == {}


def test_plain_lines_after_a_dotnet_record_without_more_frames_stay_apart() -> None:
    """Past its frames, a blank line and a plain line that no frame follows are not the record's."""
    record = [
        "fail: Depot.Stock.Sync[0]",
        "      Sync failed",
        "      System.InvalidOperationException: Basket is empty",
        "         at Depot.Stock.Sync.Run() in /src/Depot/Stock/Sync.cs:line 9",
    ]
    report = scan_entries(split_lines(0, [*record, "      ", "Saved 0 of 3 reservations"], service="depot"))
    (cluster,) = report.clusters
    assert cluster.count == len(record)


# .NET's runtime reports a stack overflow without an exception's line: the frames it repeated between rules
DOTNET_OVERFLOW = [
    "Stack overflow.",
    "Repeat 19107 times:",
    "--------------------------------",
    "   at Catalog.Domain.Tree.DepthOf(Catalog.Domain.Node)",
    "--------------------------------",
    "   at Catalog.Api.TreeController.Get(Int32)",
    "   at DynamicClass.lambda_method3(System.Runtime.CompilerServices.Closure, System.Object, System.Object[])",
]


def test_dotnets_stack_overflow_report_split_per_line_is_one_error_in_either_order() -> None:
    """On Cloud Run its lines have no severity: the report is one event, an error titled by the frame it
    repeated, not lines below WARNING dropped."""
    raw = split_lines(0, DOTNET_OVERFLOW, service="catalog") + split_lines(
        60, [line.replace("19107", "19110") for line in DOTNET_OVERFLOW], service="catalog"
    )
    for entries in (raw, raw[::-1]):
        report = scan_entries(entries)
        (cluster,) = report.clusters
        assert (cluster.count, cluster.events) == (2 * len(DOTNET_OVERFLOW), 2)
        assert cluster.title == "Stack overflow in Catalog.Domain.Tree.DepthOf"
        assert report.totals.skipped == {}


def test_dotnets_stack_overflow_report_in_one_entry_is_its_stack() -> None:
    stack = StackParser().parse("\n".join(DOTNET_OVERFLOW).replace("Repeat ", "Repeated "))
    assert stack is not None and stack.language == "dotnet" and not stack.cut_off
    assert stack.innermost_in_app is not None
    assert stack.innermost_in_app.function == "Catalog.Domain.Tree.DepthOf"


def test_rules_and_the_words_of_a_stack_overflow_elsewhere_stay_plain_lines() -> None:
    """A rule of 32 dashes and `Repeat 3 times:` outside the runtime's report, and a sentence about a stack
    overflow, are plain lines at the stream's level."""
    lines = [
        "--------------------------------",
        "Repeat 3 times:",
        "Stack overflow. That is what the recursion guard prevents.",
        "--------------------------------",
    ]
    report = scan_entries(split_lines(0, lines, service="catalog"))
    assert report.clusters == []


def test_a_dotnet_stack_without_files_is_read_as_dotnet_not_java() -> None:
    """Framework frames (and a build without symbols) have no `in file:line N`: three spaces, `at`, parameters
    written `Type name`. They are .NET's, titled by the innermost frame of the app; a Java frame that names no
    file (`(Unknown Source)`) stays Java's."""
    parser = StackParser()
    dotnet = parser.parse(
        "System.ArgumentNullException: Value cannot be null.\n"
        "   at System.Linq.Enumerable.Where[TSource](IEnumerable`1 source, Func`2 predicate)\n"
        "   at Acme.Orders.OrderService.Find(String customerId)\n"
    )
    assert dotnet is not None and dotnet.language == "dotnet"
    assert (
        dotnet.innermost_in_app is not None
        and dotnet.innermost_in_app.function == "Acme.Orders.OrderService.Find"
    )
    java = parser.parse("java.lang.IllegalStateException: x\n   at com.acme.Foo.bar(Unknown Source)\n")
    assert java is not None and java.language == "java"


JVM_OOM = [
    "java.lang.OutOfMemoryError: Java heap space",
    "Dumping heap to /dumps/java_pid1.hprof ...",
    "Heap dump file created [1024595375 bytes in 3.212 secs]",
    "Terminating due to java.lang.OutOfMemoryError: Java heap space",
]


def test_the_jvms_exit_on_an_out_of_memory_error_is_one_error_on_stdout() -> None:
    """HotSpot prints the error, its heap dump and its exit to stdout without a level (GKE records INFO): one
    event at the error's line, an error."""
    entries = split_lines(0, JVM_OOM, step=0.2, gke=True, stream="stdout", severity="INFO")
    entries += split_lines(600, JVM_OOM, step=0.2, gke=True, stream="stdout", severity="INFO")
    for ordered in (entries, entries[::-1]):
        report = scan_entries(ordered)
        (cluster,) = report.clusters
        assert (cluster.count, cluster.events) == (8, 2)
        assert cluster.title.startswith("java.lang.OutOfMemoryError: Java heap space")
        assert cluster.max_severity == "ERROR"


def test_the_exit_line_alone_is_an_error_and_a_heap_dump_alone_is_not() -> None:
    """`-XX:+ExitOnOutOfMemoryError` without a heap dump prints only its exit's line: an error. A heap dump an
    operator asked for (`Dumping heap to …`) says nothing failed."""
    exit_only = scan_entries(
        split_lines(
            0,
            ["Terminating due to java.lang.OutOfMemoryError: Metaspace"],
            gke=True,
            stream="stdout",
            severity="INFO",
        )
    )
    (cluster,) = exit_only.clusters
    assert cluster.max_severity == "ERROR"
    dump_only = scan_entries(
        split_lines(
            0,
            ["Dumping heap to /tmp/heap.hprof ...", "Heap dump file created [52 bytes in 0.010 secs]"],
            gke=True,
            stream="stdout",
            severity="INFO",
        )
    )
    assert dump_only.clusters == []


SPRING = [
    "Error starting ApplicationContext. To display the condition evaluation report re-run your application with "
    "'debug' enabled.",
    "2025-05-19T07:26:26.072Z ERROR 1 --- [orders] [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ",
    "***************************",
    "APPLICATION FAILED TO START",
    "***************************",
    "Description:",
    "Parameter 0 of constructor in com.acme.orders.OrderService required a bean of type "
    "'com.acme.orders.PaymentClient' that could not be found.",
    "Action:",
    "Consider defining a bean of type 'com.acme.orders.PaymentClient' in your configuration.",
]


def test_spring_boots_failure_analysis_split_per_line_is_one_error_titled_by_what_failed() -> None:
    """Spring Boot logs its failure analysis as one record over lines (GKE: stdout, INFO): one event per start,
    in either order, at the record's level, titled by its description; its lines are no problems of their own."""
    entries = split_lines(0, SPRING, gke=True, stream="stdout", severity="INFO", step=0.0001)
    entries += split_lines(30, SPRING, gke=True, stream="stdout", severity="INFO", step=0.0001)
    for ordered in (entries, entries[::-1]):
        report = scan_entries(ordered)
        (cluster,) = report.clusters
        assert cluster.events == 2
        assert cluster.max_severity == "ERROR"
        assert cluster.title.startswith("APPLICATION FAILED TO START: Parameter 0 of constructor")


def test_banners_and_section_words_elsewhere_stay_plain_lines() -> None:
    """A line of asterisks or a `Description:` heading in other output is no report without Spring's
    `APPLICATION FAILED TO START` among them."""
    lines = ["***************************", "Description:", "Nightly export", "Action:", "none"]
    report = scan_entries(split_lines(0, lines, gke=True, stream="stdout", severity="INFO", step=0.0001))
    assert report.clusters == []


def test_a_framework_that_says_the_application_failed_to_start_is_a_startup_failure() -> None:
    """Spring Boot's failure analysis and Quarkus' `Failed to start application (with profile …)`: the container
    exits at start, no instance serves (`startup-failure`, P0); a line that only mentions starting is no such
    report."""
    spring = scan_entries(split_lines(0, SPRING, gke=True, stream="stdout", severity="INFO", step=0.0001))
    (cluster,) = spring.clusters
    assert (cluster.priority, cluster.reasons[0].split(":")[0]) == ("P0", "startup failure")
    quarkus = scan_entries(
        split_lines(
            0,
            [
                "2025-10-26 06:44:35,031 ERROR [io.qua.run.Application] (main) Failed to start application (with "
                'profile prod): org.postgresql.util.PSQLException: FATAL: password authentication failed for user "app"',
                "        at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:623)",
                "        at org.postgresql.Driver.connect(Driver.java:265)",
            ],
            gke=True,
            stream="stdout",
            severity="INFO",
        )
    )
    (cluster,) = quarkus.clusters
    assert cluster.priority == "P0"
    other = scan_entries(split_lines(0, ["ERROR: failed to start application server backup, retrying"]))
    (cluster,) = other.clusters
    assert cluster.priority != "P0"


def test_quarkus_1s_start_failure_without_a_profile_is_a_startup_failure() -> None:
    """Quarkus 1's generated main logs `Failed to start application` with the exception after a colon; a line that
    says so of something else, with no exception named, stays what it was."""
    lines = [
        "2021-03-04 10:00:02,004 ERROR [io.quarkus.runtime.Application] (main) Failed to start application: "
        "java.lang.RuntimeException: Failed to start quarkus",
        "\tat io.quarkus.runner.ApplicationImpl.doStart(ApplicationImpl.java:315)",
        "\tat io.quarkus.runtime.Application.start(Application.java:90)",
        "Caused by: java.net.ConnectException: Connection refused",
        "\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)",
    ]
    report = scan_entries(split_lines(0, lines, gke=True, stream="stdout", severity="INFO", step=0.0001))
    (cluster,) = report.clusters
    assert (cluster.priority, cluster.reasons[0].split(":")[0]) == ("P0", "startup failure")
    other = scan_entries(split_lines(0, ["ERROR: Failed to start application: the port is taken, retrying"]))
    (cluster,) = other.clusters
    assert cluster.priority != "P0"


def test_repeated_jvm_out_of_memory_errors_kill_workers() -> None:
    """Two JVM OutOfMemoryErrors are `worker-killed` (P1); one alone is an isolated error."""
    twice = split_lines(0, JVM_OOM, step=0.2, gke=True, stream="stdout", severity="INFO")
    twice += split_lines(600, JVM_OOM, step=0.2, gke=True, stream="stdout", severity="INFO")
    (cluster,) = scan_entries(twice).clusters
    assert cluster.priority == "P1"
    once = split_lines(0, JVM_OOM, step=0.2, gke=True, stream="stdout", severity="INFO")
    (cluster,) = scan_entries(once).clusters
    assert cluster.priority == "P2"


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(
    "lines",
    [
        [  # Perl DBI's die, its message PostgreSQL's over three lines
            'DBD::Pg::st execute failed: ERROR:  relation "ledger_2026" does not exist',
            "LINE 1: INSERT INTO ledger_2026 (account, amount) VALUES ($1, $2)",
            "                    ^ at /srv/bin/close_books.pl line 88.",
        ],
        [  # psql running a script
            'psql:/srv/sql/migrate.sql:14: ERROR:  column "region" of relation "stores" does not exist',
            "LINE 1: UPDATE stores SET region = 'eu' WHERE id = 7;",
            "                          ^",
        ],
    ],
    ids=["perl-dbi", "psql"],
)
def test_a_database_error_logged_with_its_statement_line_and_caret_is_one_event(
    lines: list[str], newest_first: bool
) -> None:
    raw = split_lines(0, lines, service="jobs")
    report = scan_entries(raw[::-1] if newest_first else raw)
    assert [(c.count, c.events, c.title) for c in report.clusters] == [(3, 1, lines[0].replace(":  ", ": "))]
    assert report.totals.skipped == {}
