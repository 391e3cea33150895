from __future__ import annotations

import pytest

from conftest import scan_entries
from entry_factories import run_entry
from linear import assert_linear
from loggardener.entries import stacks
from loggardener.entries.stacks import StackParser

PYTHON_CHAINED = """Traceback (most recent call last):
  File "/app/db.py", line 10, in connect
    raise OSError("down")
OSError: down

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/flask/app.py", line 1823, in full_dispatch_request
    rv = self.dispatch_request()
  File "/app/api.py", line 42, in handler
    raise RuntimeError("db unavailable") from exc
RuntimeError: db unavailable
"""

JAVA = """java.lang.IllegalStateException: Ledger closed
\tat com.acme.ledger.Book.post(Book.java:88)
\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.io.IOException: disk full
\tat com.acme.Disk.write(Disk.java:1)
"""

NODE = """TypeError: Cannot read properties of undefined (reading 'id')
    at getOrder (/workspace/src/orders.js:42:17)
    at Layer.handle [as handle_request] (/workspace/node_modules/express/lib/router/layer.js:95:5)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"""

GO = """panic: runtime error: index out of range [3] with length 3

goroutine 1 [running]:
main.pick(...)
\t/workspace/pick.go:42 +0x1d
main.main()
\t/workspace/main.go:10 +0x25
runtime.goexit()
\t/usr/local/go/src/runtime/asm_amd64.s:1650 +0x1
exit status 2"""


def test_python_chained_exception_takes_the_last_raised() -> None:
    stack = StackParser().parse(PYTHON_CHAINED)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.message) == (
        "python",
        "RuntimeError",
        "db unavailable",
    )
    assert [f.file for f in stack.frames] == [
        "/usr/local/lib/python3.11/site-packages/flask/app.py",
        "/app/api.py",
    ]
    assert [f.in_app for f in stack.frames] == [False, True]
    assert stack.innermost_in_app is not None and stack.innermost_in_app.location == "/app/api.py:42"


def test_python_frozen_string_and_stdlib_frames_are_not_in_app() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "<frozen runpy>", line 198, in _run_module_as_main\n'
        '  File "<string>", line 1, in <module>\n'
        '  File "/usr/lib/python3.11/json/decoder.py", line 337, in decode\n'
        '  File "/app/x.py", line 1, in <module>\n'
        "ValueError: bad"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert [f.in_app for f in stack.frames] == [False, False, False, True]


def test_in_app_prefixes_are_configurable() -> None:
    stack = StackParser(in_app_prefixes=["/srv/"]).parse(
        'Traceback (most recent call last):\n  File "/app/x.py", line 1, in f\n  File "/srv/y.py", line 2, in g\nE: m'
    )
    assert stack is not None
    assert [f.in_app for f in stack.frames] == [False, True]


def test_java_top_exception_and_library_frames() -> None:
    stack = StackParser().parse(JAVA)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.message) == (
        "java",
        "java.lang.IllegalStateException",
        "Ledger closed",
    )
    assert stack.innermost_in_app is not None
    assert stack.innermost_in_app.function == "com.acme.ledger.Book.post"
    assert sum(f.in_app for f in stack.frames) == 1


def test_node_stack() -> None:
    stack = StackParser().parse(NODE)
    assert stack is not None
    assert (stack.language, stack.exception_type) == ("node", "TypeError")
    assert (
        stack.innermost_in_app is not None
        and stack.innermost_in_app.location == "/workspace/src/orders.js:42"
    )
    assert [f.in_app for f in stack.frames] == [False, False, True]


def test_go_panic() -> None:
    stack = StackParser().parse(GO)
    assert stack is not None
    assert (stack.language, stack.exception_type) == ("go", "panic")
    assert stack.message == "runtime error: index out of range [3] with length 3"
    assert stack.innermost_in_app is not None and stack.innermost_in_app.function == "main.pick"
    assert not stack.frames[0].in_app  # runtime.goexit


def test_plain_messages_have_no_stack() -> None:
    assert StackParser().parse("Container called exit(3).") is None
    assert StackParser().parse("at least one thing: happened") is None


def test_java_frames_with_logback_jar_suffix() -> None:
    text = (
        "java.lang.IllegalStateException: closed\n"
        "\tat com.acme.Book.post(Book.java:88) ~[ledger.jar:1.4.2]\n"
        "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883) [spring.jar:6.1]"
    )
    stack = StackParser().parse(text)
    assert stack is not None and stack.innermost_in_app is not None
    assert stack.innermost_in_app.location == "Book.java:88"


def test_go_method_frames_keep_their_receiver() -> None:
    text = (
        "panic: boom\n\ngoroutine 7 [running]:\n"
        "github.com/acme/srv.(*Server).Handle(0xc0001, {0x7f, 0xc0002})\n\t/workspace/server.go:42 +0x1d\n"
        "github.com/acme/srv.(*Server).Serve(0xc0001)\n\t/workspace/server.go:20 +0x25\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert [f.function for f in stack.frames] == [
        "github.com/acme/srv.(*Server).Serve",
        "github.com/acme/srv.(*Server).Handle",
    ]


def test_go_recovered_panic_is_placed_below_the_deferred_handler() -> None:
    """A deferred function that recovered and panicked again sits above the `panic(…)` frame: the failure is
    where the first panic happened, and the message is the first panic's."""
    text = (
        "panic: runtime error: invalid memory address or nil pointer dereference [recovered]\n"
        "\tpanic: runtime error: invalid memory address or nil pointer dereference\n"
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x49a0f3]\n\n"
        "goroutine 1 [running]:\n"
        "github.com/acme/app/middleware.Recover.func1()\n\t/app/middleware/recover.go:12 +0x9c\n"
        "panic({0x4b5e40?, 0x5bba60?})\n\t/usr/local/go/src/runtime/panic.go:770 +0x132\n"
        "github.com/acme/app/cart.(*Svc).Do(...)\n\t/app/cart/svc.go:20\n"
        "main.main()\n\t/app/main.go:15 +0x1d\n"
        "exit status 2"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert stack.message == "runtime error: invalid memory address or nil pointer dereference"
    assert stack.innermost_in_app is not None
    assert stack.innermost_in_app.location == "/app/cart/svc.go:20"
    assert [f.function for f in stack.frames][-1] == "github.com/acme/app/middleware.Recover.func1"


def test_go_fatal_error_takes_the_failing_goroutine_not_the_runtime_stack() -> None:
    text = (
        "fatal error: stack overflow\n\nruntime stack:\n"
        "runtime.throw({0x4a1b2c?, 0x0?})\n"
        "\t/usr/local/go/src/runtime/panic.go:1023 +0x5c fp=0x7ffd5c sp=0x7ffd30 pc=0x43a1bc\n\n"
        "goroutine 1 gp=0xc000002380 m=0 mp=0x55a000 [running]:\n"
        "main.recurse(0x1?)\n\t/app/main.go:6 +0x45 fp=0xc0200e13a0 sp=0xc0200e1398 pc=0x4a1b45\n"
        "...additional frames elided...\n"
        "created by main.main in goroutine 1\n\t/app/main.go:12 +0x25\n\n"
        "goroutine 5 [chan receive]:\n"
        "main.consume()\n\t/app/main.go:30 +0x25\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == ("fatal error", "stack overflow")
    assert [(f.function, f.location) for f in stack.frames] == [
        ("main.main", "/app/main.go:12"),
        ("main.recurse", "/app/main.go:6"),
    ]


def test_go_library_frames_under_any_go_root_the_module_cache_or_trimpath() -> None:
    text = (
        "2025/06/10 12:00:00 http: panic serving 10.0.0.7:51234: boom\n"
        "goroutine 7 [running]:\n"
        "main.handler(...)\n\t/go/src/app/main.go:14\n"  # GOPATH layout: the app's own code
        "github.com/go-chi/chi/v5.(*Mux).ServeHTTP(0xc0001, {0x7f0c18, 0xc0002}, 0xc0003)\n"
        "\t/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go:90 +0x2fd\n"
        "github.com/lib/pq.(*conn).query(0xc0001)\n\tgithub.com/lib/pq@v1.10.9/conn.go:900 +0x1d\n"
        "net/http.serverHandler.ServeHTTP(...)\n\tnet/http/server.go:3137 +0x8e\n"
        "net/http.(*conn).serve(0xc0001)\n\t/root/sdk/go1.22.3/src/net/http/server.go:2039 +0x5d0\n"
        "orders/internal/cart.Load()\n\torders/internal/cart/load.go:7 +0x11\n"  # -trimpath, module `orders`
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == ("panic", "boom")
    assert [f.in_app for f in reversed(stack.frames)] == [True, False, False, False, False, True]


def test_go_signal_dump_without_a_panic() -> None:
    text = (
        "SIGQUIT: quit\nPC=0x46d0c1 m=0 sigcode=0\n\n"
        "goroutine 1 [select]:\nmain.main()\n\t/app/main.go:9 +0x25\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == ("SIGQUIT", "quit")
    assert stack.innermost_in_app is not None and stack.innermost_in_app.function == "main.main"


def test_ruby_backtrace_a_logger_wrote_line_by_line() -> None:
    text = (
        "E, [2025-06-10T12:00:40.123456 #1] ERROR -- : NoMethodError (undefined method `email' for nil):\n\n"
        "app/services/notifier.rb:14:in `deliver'\n"
        "/usr/local/bundle/gems/activejob-7.1.3/lib/active_job/execution.rb:68:in `perform_now'\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == ("NoMethodError", "undefined method `email' for nil")
    assert stack.innermost_in_app is not None
    assert stack.innermost_in_app.location == "app/services/notifier.rb:14"
    typed = StackParser().parse("Redis::CannotConnectError: refused\n/app/lib/cache.rb:3:in 'Cache.get'")
    assert typed is not None and (typed.exception_type, typed.frames[0].function) == (
        "Redis::CannotConnectError",
        "Cache.get",
    )


def test_node_rejection_of_a_value_that_is_not_an_error_has_no_frame() -> None:
    text = (
        "node:internal/process/promises:289\n"
        "            triggerUncaughtException(err, true /* fromPromise */);\n            ^\n\n"
        '[UnhandledPromiseRejection: This error originated either by throwing. The promise rejected with the reason "boom".] {\n'
        "  code: 'ERR_UNHANDLED_REJECTION'\n}\n\nNode.js v18.17.0"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.frames) == ("node", "UnhandledPromiseRejection", ())
    assert stack.message == "boom"  # Node.js's words around the reason are the same in every rejection


def test_a_rejection_names_its_reason_in_its_title_and_its_reasons_are_two_problems() -> None:
    def crash(seconds: float, reason: str) -> list[dict[str, object]]:
        text = (
            "node:internal/process/promises:289\n"
            "            triggerUncaughtException(err, true /* fromPromise */);\n            ^\n\n"
            "[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without"
            " a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with"
            f' the reason "{reason}".] {{\n'
            "  code: 'ERR_UNHANDLED_REJECTION'\n}\n\nNode.js v20.11.1"
        )
        return [run_entry(seconds + n * 0.0001, text=line) for n, line in enumerate(text.split("\n"))]

    report = scan_entries(
        [*crash(1, "Missing MAIL_KEY"), *crash(9, "Missing MAIL_KEY"), *crash(20, "quota gone")]
    )
    assert sorted((c.title, c.events) for c in report.clusters) == [
        ("UnhandledPromiseRejection: Missing MAIL_KEY", 2),
        ("UnhandledPromiseRejection: quota gone", 1),
    ]


def test_dotnet_inner_exception_frames_end_at_its_marker() -> None:
    text = (
        "Unhandled exception. System.AggregateException: One or more errors occurred. (boom)\n"
        " ---> System.InvalidOperationException: boom\n"
        "   at Acme.Orders.Cart.Total() in /src/Orders/Cart.cs:line 42\n"
        "   --- End of inner exception stack trace ---\n"
        "   at Program.Main(String[] args) in /src/Orders/Program.cs:line 9\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert stack.exception_type == "System.InvalidOperationException"
    assert [f.function for f in stack.frames] == ["Acme.Orders.Cart.Total"]


@pytest.mark.parametrize(
    ("text", "exception", "message", "innermost"),
    [
        (  # an exception with an HRESULT: a DbException, a Win32Exception
            "Npgsql.NpgsqlException (0x80004005): Failed to connect to 10.4.0.3:5432\n"
            "   at Npgsql.Internal.NpgsqlConnector.Connect(NpgsqlTimeout timeout)\n"
            "   at Acme.Billing.Ledger.OpenAsync(CancellationToken token) in /src/Billing/Ledger.cs:line 31\n",
            "Npgsql.NpgsqlException",
            "Failed to connect to 10.4.0.3:5432",
            "Acme.Billing.Ledger.OpenAsync",
        ),
        (  # a SocketException names its error code, and the runtime prefixes an unhandled one
            "Unhandled exception. System.Net.Sockets.SocketException (111): Connection refused\n"
            "   at System.Net.Sockets.Socket.Connect(EndPoint remoteEP)\n"
            "   at Acme.Relay.Client.Open() in /src/Relay/Client.cs:line 12\n",
            "System.Net.Sockets.SocketException",
            "Connection refused",
            "Acme.Relay.Client.Open",
        ),
        (  # Node.js names an error's code after its name
            "TypeError [ERR_INVALID_URL]: Invalid URL\n"
            "    at new URL (node:internal/url:676:13)\n"
            "    at buildLink (/srv/app/links.js:12:15)\n",
            "TypeError",
            "Invalid URL",
            "buildLink",
        ),
    ],
)
def test_an_exception_line_with_a_code_after_its_name_is_read(
    text: str, exception: str, message: str, innermost: str
) -> None:
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == (exception, message)
    assert stack.innermost_in_app is not None and stack.innermost_in_app.function == innermost


def test_a_faulthandler_dump_is_its_fatal_error_at_the_current_threads_innermost_frame() -> None:
    """faulthandler prints the most recent call first, `line N in f` without a comma, the current thread first."""
    text = (
        "Fatal Python error: Segmentation fault\n"
        "\n"
        "Current thread 0x00007f2c4a1b2740 (most recent call first):\n"
        '  File "/srv/venv/lib/python3.11/site-packages/lxml/html/__init__.py", line 88 in fromstring\n'
        '  File "/srv/app/render.py", line 31 in to_pdf\n'
        '  File "/srv/app/main.py", line 12 in <module>\n'
        "\n"
        "Thread 0x00007f2c40ff9640 (most recent call first):\n"
        '  File "/usr/lib/python3.11/threading.py", line 324 in wait\n'
        "\n"
        "Extension modules: lxml.etree, lxml._elementpath (total: 2)\n"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.message) == (
        "python",
        "Fatal Python error",
        "Segmentation fault",
    )
    assert [f.function for f in stack.frames] == ["<module>", "to_pdf", "fromstring"]
    assert stack.innermost_in_app is not None and stack.innermost_in_app.function == "to_pdf"


def test_a_name_and_a_parenthesis_without_a_colon_is_no_exception_line() -> None:
    text = "Npgsql.NpgsqlException (0x80004005)\n   at Acme.Billing.Ledger.Open() in /src/Ledger.cs:line 3\n"
    stack = StackParser().parse(text)
    assert stack is None or stack.exception_type != "Npgsql.NpgsqlException"


@pytest.mark.parametrize(
    ("text", "exception", "innermost"),
    [
        (
            'Traceback (most recent call last):\\n  File "/srv/jobs/sweep.py", line 40, in run\\n'
            "    plan()\\nTypeError: 'NoneType' object is not callable",
            "TypeError",
            "run",
        ),
        (
            "java.lang.IllegalStateException: ledger closed\\n\\tat com.acme.ledger.Book.post(Book.java:88)\\r\\n"
            "\\tat com.acme.ledger.Main.main(Main.java:12)",
            "java.lang.IllegalStateException",
            "com.acme.ledger.Book.post",
        ),
        (
            "TypeError: x is not a function\\n    at render (/srv/app/view.js:9:3)\\n    at main (/srv/app/index.js:2:1)",
            "TypeError",
            "render",
        ),
    ],
)
def test_a_trace_logged_on_one_line_with_escaped_line_breaks_is_read(
    text: str, exception: str, innermost: str
) -> None:
    stack = StackParser().parse(text)
    assert stack is not None and stack.exception_type == exception
    assert stack.innermost_in_app is not None and stack.innermost_in_app.function == innermost


def test_escaped_line_breaks_are_left_alone_in_a_text_with_real_ones() -> None:
    stack = StackParser().parse(
        'Traceback (most recent call last):\n  File "/srv/a.py", line 1, in f\nValueError: a\\nb'
    )
    assert stack is not None and stack.message == "a\\nb"


CUT_OFF_TRACES = {
    "python": (
        'Traceback (most recent call last):\n  File "/srv/app/jobs.py", line 18, in <module>\n    run()\n'
        '  File "/srv/app/jobs.py", line 11, in run\n    settle(batch)\n'
        '  File "/srv/app/ledger.py", line 47, in settle',
        ("/srv/app/ledger.py", 47, "settle"),
    ),
    "java": (
        "\tat com.acme.billing.Ledger.settle(Ledger.java:47)\n\tat com.acme.billing.Jobs.run(Jobs.java:11)",
        ("Ledger.java", 47, "com.acme.billing.Ledger.settle"),
    ),
    "node": (
        "    at settle (/srv/app/ledger.js:47:13)\n    at run (/srv/app/jobs.js:11:5)",
        ("/srv/app/ledger.js", 47, "settle"),
    ),
    "go": (
        "goroutine 12 [running]:\nacme/ledger.settle(0xc0001a2000)\n\t/srv/ledger/settle.go:47 +0x1d\n"
        "main.run()\n\t/srv/main.go:11 +0x25",
        ("/srv/ledger/settle.go", 47, "acme/ledger.settle"),
    ),
}


@pytest.mark.parametrize("language", sorted(CUT_OFF_TRACES))
def test_a_trace_without_its_exception_line_is_read_by_its_frames(language: str) -> None:
    text, (file, line, function) = CUT_OFF_TRACES[language]
    stack = StackParser().parse(text)
    assert stack is not None and stack.language == language and stack.cut_off
    assert (stack.frames[-1].file, stack.frames[-1].line, stack.frames[-1].function) == (file, line, function)


def test_one_frame_line_alone_is_not_a_cut_off_trace() -> None:
    assert StackParser().parse("\tat com.acme.billing.Ledger.settle(Ledger.java:47)") is None
    assert StackParser().parse("Traceback (most recent call last):") is None


@pytest.mark.parametrize(
    ("text", "message", "place"),
    [
        (  # Rust 1.73 on: the message on the lines after the place
            "thread 'main' panicked at src/main.rs:5:5:\nassertion `left == right` failed\n  left: 1\n right: 2\n"
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "assertion `left == right` failed\n  left: 1\n right: 2",
            ("src/main.rs", 5, None),
        ),
        (  # before: the message quoted before the place
            "thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2 }', src/cfg.rs:14:40",
            "called `Result::unwrap()` on an `Err` value: Os { code: 2 }",
            ("src/cfg.rs", 14, None),
        ),
        (  # RUST_BACKTRACE=full: hashes after the functions; the standard library's frames are no app's
            "thread 'tokio-runtime-worker' panicked at src/api.rs:30:9:\nno route\nstack backtrace:\n"
            "   0:     0x55d1c0e1a2b4 - std::panicking::begin_panic::h0123456789abcdef\n"
            "                               at /rustc/07dca489/library/std/src/panicking.rs:645:5\n"
            "   1:     0x55d1c0e1a2b5 - api::route::h0123456789abcdef\n"
            "                               at /app/src/api.rs:30:9\n"
            "   2:     0x55d1c0e1a2b6 - tokio::runtime::task::harness::poll::h0123456789abcdef\n"
            "                               at /usr/local/cargo/registry/src/tokio-1.37.0/src/runtime/task/harness.rs:473:5",
            "no route",
            ("/app/src/api.rs", 30, "api::route"),
        ),
    ],
    ids=["message-after", "message-quoted", "full-backtrace"],
)
def test_a_rust_panic_is_its_message_at_its_innermost_application_frame(
    text: str, message: str, place: tuple[str, int, str | None]
) -> None:
    trace = StackParser().parse(text)
    assert trace is not None and (trace.language, trace.exception_type, trace.message) == (
        "rust",
        "panic",
        message,
    )
    origin = trace.innermost_in_app
    assert origin is not None and (origin.file, origin.line, origin.function) == place


def test_a_rust_panic_line_whose_message_was_logged_apart_is_no_stack_yet() -> None:
    assert StackParser().parse("thread 'main' panicked at src/main.rs:5:5:") is None


def test_a_rust_panic_line_is_read_in_linear_time() -> None:
    assert_linear(lambda n: stacks.RUST_PANIC.match("thread 'm' panicked at '" + "', a" * n), 2_000)
    assert_linear(lambda n: stacks._RUST_FRAME.match("  1: " + "a " * n + "::h"), 2_000)


def _symfony(seconds: float, kind: str, message: str, level: str = "CRITICAL") -> dict[str, object]:
    """Symfony's HttpKernel's record of a request's uncaught exception, through Monolog's line formatter."""
    return run_entry(
        seconds,
        text=f"[2026-03-02T08:00:0{int(seconds)}.123456+00:00] request.{level}: Uncaught PHP Exception {kind}: "
        f'"{message}" at /var/www/html/vendor/doctrine/dbal/src/Driver/API/MySQL/ExceptionConverter.php line 101 '
        f'{{"exception":"[object] ({kind.replace(chr(92), chr(92) * 2)}(code: 0): {message} at /var/www/html/x.php:101)"}} []',
    )


def test_symfonys_uncaught_exception_line_is_an_exception_titled_by_its_class_and_message() -> None:
    """No frames follow Symfony's line: its type, message and the place it was thrown are the exception, titled
    by the class's own name when the namespace would cut the message; P1 although logged at CRITICAL."""
    refused = "An exception occurred in the driver: SQLSTATE[HY000] [2002] Connection refused"
    report = scan_entries(
        [_symfony(s, "Doctrine\\DBAL\\Exception\\ConnectionException", refused) for s in (1, 2, 3)]
    )
    (cluster,) = report.clusters
    assert (cluster.kind, cluster.exception_type, cluster.count) == (
        "exception",
        "Doctrine\\DBAL\\Exception\\ConnectionException",
        3,
    )
    assert cluster.title == f"ConnectionException: {refused}"
    assert cluster.priority == "P1" and cluster.reasons[0].startswith(
        "requests failed on an exception Symfony"
    )


def test_a_line_naming_symfonys_words_without_its_form_is_no_exception() -> None:
    parser = StackParser()
    assert parser.parse('Uncaught PHP Exception handler registered for "app"') is None
    stack = parser.parse(
        'request.CRITICAL: Uncaught PHP Exception RuntimeException: "boom" at /app/src/K.php line 7'
    )
    assert stack is not None and (stack.exception_type, stack.message, stack.frames[0].line) == (
        "RuntimeException",
        "boom",
        7,
    )


# Python 3.11's report of an exception group: the group's traceback behind a `|` gutter, then each sub-exception's
EXCEPTION_GROUP = """  + Exception Group Traceback (most recent call last):
  |   File "/srv/warehouse/refresh.py", line 40, in <module>
  |     asyncio.run(refresh_all())
  |   File "/srv/warehouse/refresh.py", line 33, in refresh_all
  |     async with asyncio.TaskGroup() as group:
  |   File "/usr/lib/python3.12/asyncio/taskgroups.py", line 145, in __aexit__
  |     raise me from None
  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/srv/warehouse/refresh.py", line 21, in refresh_one
    |     await table.reload()
    | TimeoutError: reload of stock_levels took over 30 s
    +---------------- 2 ----------------
    | Traceback (most recent call last):
    |   File "/srv/warehouse/refresh.py", line 24, in refresh_one
    |     raise LookupError(name)
    | LookupError: prices_eu
    +------------------------------------"""


def test_an_exception_group_is_the_group_at_its_own_frames() -> None:
    """The group is the exception (as Python's last line names the outermost of a chain): its type and message,
    its own frames; a sub-exception's traceback does not stand in for it, and the text is the whole report."""
    stack = StackParser().parse(EXCEPTION_GROUP)
    assert stack is not None and stack.language == "python"
    assert (stack.exception_type, stack.message) == (
        "ExceptionGroup",
        "unhandled errors in a TaskGroup (2 sub-exceptions)",
    )
    assert [frame.function for frame in stack.frames] == ["<module>", "refresh_all", "__aexit__"]
    assert "LookupError: prices_eu" in stack.text


def test_an_exception_group_logged_with_a_message_is_titled_by_the_group() -> None:
    text = "ERROR:warehouse:refresh failed\n" + EXCEPTION_GROUP.replace(
        "ExceptionGroup:", "BaseExceptionGroup:"
    )
    (cluster,) = scan_entries([run_entry(1, text=text)]).clusters
    assert cluster.title.startswith("BaseExceptionGroup: unhandled errors in a TaskGroup")


# .NET's `ToString()` of an exception with inner exceptions: the outer one's line, each inner one's after ` ---> `,
# the innermost's frames, then `--- End of inner exception stack trace ---` and the outer one's frames
DOTNET_INNER = """System.ApplicationException: Could not price basket 77
 ---> System.Net.Http.HttpRequestException: Connection refused (pricing:8080)
 ---> System.Net.Sockets.SocketException (111): Connection refused
   at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
   at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
   --- End of inner exception stack trace ---
   at Shop.Pricing.Client.PriceAsync(Basket basket) in /src/Shop/Pricing/Client.cs:line 58
   --- End of inner exception stack trace ---
   at Shop.Checkout.Handler.Run(Basket basket) in /src/Shop/Checkout/Handler.cs:line 19"""


@pytest.mark.parametrize("prefix", ["", "Unhandled exception. "])
def test_a_dotnet_exception_with_inner_exceptions_is_named_by_the_outer_one(prefix: str) -> None:
    """The outer exception says what the program was doing, as Java's exception before `Caused by:` does; the
    frames stay the innermost exception's, where it failed."""
    stack = StackParser().parse(prefix + DOTNET_INNER)
    assert stack is not None and stack.language == "dotnet"
    assert (stack.exception_type, stack.message) == (
        "System.ApplicationException",
        "Could not price basket 77",
    )
    assert (
        stack.frames[-1].function == "System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException"
    )


def test_a_dotnet_exception_without_inner_exceptions_keeps_its_header() -> None:
    text = "System.InvalidOperationException: Basket is empty\n   at Shop.Checkout.Handler.Run(Basket basket) in /src/Shop/Checkout/Handler.cs:line 19"
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == ("System.InvalidOperationException", "Basket is empty")


def test_a_dotnet_wrapper_exception_is_named_by_the_exception_it_wraps() -> None:
    """A wrapper (`AggregateException`, `TargetInvocationException`) says nothing of its own: the first exception
    inside it that is no wrapper names the stack."""
    text = (
        "System.AggregateException: One or more errors occurred. (Could not price basket 77)\n"
        + DOTNET_INNER.replace(
            "System.ApplicationException: Could not price basket 77",
            " ---> System.ApplicationException: Could not price basket 77",
        )
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.exception_type, stack.message) == (
        "System.ApplicationException",
        "Could not price basket 77",
    )


def test_a_dotnet_exception_that_defers_to_its_inner_one_is_named_by_it() -> None:
    """Entity Framework's exception says only `See the inner exception for details.`: the database's error inside
    it names the stack, as a wrapper's type would."""
    text = (
        "Microsoft.EntityFrameworkCore.DbUpdateException: An error occurred while saving the entity changes. "
        "See the inner exception for details.\n"
        ' ---> Npgsql.PostgresException (0x80004005): 23505: duplicate key value violates unique constraint "ix_users_email"\n'
        "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async)\n"
        "   --- End of inner exception stack trace ---\n"
        "   at Accounts.Users.Signup.Handle(SignupCommand command) in /src/Accounts/Users/Signup.cs:line 34"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert stack.exception_type == "Npgsql.PostgresException"
    assert "ix_users_email" in stack.message


def test_a_dotnet_exception_that_names_inner_exceptions_otherwise_keeps_its_header() -> None:
    """A message that only mentions an inner exception (not sending the reader to it) says what failed."""
    text = DOTNET_INNER.replace(
        "Could not price basket 77", "Could not price basket 77 (inner exception logged)"
    )
    stack = StackParser().parse(text)
    assert stack is not None
    assert stack.exception_type == "System.ApplicationException"


def test_a_chained_exception_is_the_last_printed_whether_a_group_or_a_plain_traceback() -> None:
    """Chained, Python prints the exception that was raised last: a plain traceback after a group's names the stack,
    and so does a second group after a first."""
    plain_after = (
        EXCEPTION_GROUP
        + "\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n"
        + '  File "/srv/warehouse/main.py", line 9, in <module>\n    raise SystemError("refresh failed")\n'
        + "SystemError: refresh failed"
    )
    stack = StackParser().parse(plain_after)
    assert stack is not None and (stack.exception_type, stack.message) == ("SystemError", "refresh failed")
    group_after = (
        EXCEPTION_GROUP
        + "\n\nDuring handling of the above exception, another exception occurred:\n\n"
        + EXCEPTION_GROUP.replace("(2 sub-exceptions)", "(1 sub-exception)").replace(
            "ExceptionGroup:", "BaseExceptionGroup:"
        )
    )
    stack = StackParser().parse(group_after)
    assert stack is not None and stack.exception_type == "BaseExceptionGroup"


@pytest.mark.parametrize(
    ("text", "exception", "message"),
    [
        (  # no message: Node.js' failed connection to every address of a name is known by its code
            "cache unavailable: AggregateError [ECONNREFUSED]: \n    at internalConnectMultiple (node:net:1118:18)",
            "AggregateError",
            "ECONNREFUSED",
        ),
        (
            "AggregateError [ETIMEDOUT]: \n    at internalConnectMultiple (node:net:1118:18)",
            "AggregateError",
            "ETIMEDOUT",
        ),
        (  # a message of its own is the message, its code aside
            "job failed: TypeError [ERR_INVALID_URL]: Invalid URL\n    at new URL (node:internal/url:676:13)",
            "TypeError",
            "Invalid URL",
        ),
    ],
)
def test_a_node_header_after_a_prefix_with_a_code_and_no_message_is_known_by_its_code(
    text: str, exception: str, message: str
) -> None:
    stack = StackParser().parse(text)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.message) == ("node", exception, message)


OPENRESTY_LUA_ERROR = (
    "lua entry thread aborted: runtime error: /srv/lualib/app/guard.lua:58: attempt to index local 'claims' (a nil value)\n"
    "stack traceback:\n"
    "coroutine 0:\n"
    "\t[C]: in function 'error'\n"
    "\t/srv/lualib/app/guard.lua: in function 'verify'\n"
    '\taccess_by_lua(nginx.conf:71):3: in main chunk, client: 10.0.0.7, server: _, request: "GET /me HTTP/1.1"'
)


def test_a_lua_traceback_names_the_error_and_its_frames_innermost_last() -> None:
    stack = StackParser().parse(OPENRESTY_LUA_ERROR)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.message) == (
        "lua",
        "runtime error",
        "attempt to index local 'claims' (a nil value)",
    )
    assert [(f.file, f.line, f.function, f.in_app) for f in stack.frames] == [
        ("access_by_lua(nginx.conf:71)", 3, "main chunk", True),
        ("/srv/lualib/app/guard.lua", 58, "verify", True),  # the error's line: its frame names none
        ("[C]", 0, "error", False),
    ]


PERL_CONFESS = (
    "Invalid account id 'ACC-' at /srv/lib/Ledger.pm line 120.\n"
    '\tLedger::post(Ledger=HASH(0x55d0c8a1e2f0), "ACC-", 1250) called at /srv/lib/Ledger/Batch.pm line 44\n'
    "\tLedger::Batch::run(Ledger::Batch=HASH(0x55d0c8b02a10)) called at /srv/bin/post_batch.pl line 17"
)


def test_a_perl_die_with_carps_calls_places_each_line_in_the_sub_it_ran_in() -> None:
    stack = StackParser().parse(PERL_CONFESS)
    assert stack is not None
    assert (stack.language, stack.exception_type, stack.message) == (
        "perl",
        "die",
        "Invalid account id 'ACC-'",
    )
    assert [(f.file, f.line, f.function) for f in stack.frames] == [
        ("/srv/bin/post_batch.pl", 17, "main"),
        ("/srv/lib/Ledger/Batch.pm", 44, "Ledger::Batch::run"),
        ("/srv/lib/Ledger.pm", 120, "Ledger::post"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Can\'t call method "id" on an undefined value at /srv/lib/Shop/Order.pm line 42.',  # a die without calls
        "stack traceback:\n\t[C]: in ?",  # a traceback without the error's line
        "loaded 3 modules\nstack traceback: disabled",  # words, no traceback
    ],
)
def test_a_perl_die_alone_or_a_lua_heading_without_its_error_is_no_stack(text: str) -> None:
    assert StackParser().parse(text) is None


_FETCH_FAILED = """TypeError: fetch failed
    at node:internal/deps/undici/undici:13510:13
    at async quote (/srv/api/src/quotes.js:12:9) {
  [cause]: %s
      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1610:16) {
    code: 'X'
  }
}"""


def test_a_node_errors_root_cause_is_in_its_message_and_its_frames_are_its_own() -> None:
    """util.inspect prints an error's cause after its stack (`[cause]: …`): the message joins the thrown error's and
    its root cause's, as pino and VError do, so one wrapper (undici's `fetch failed`) over two failures is two
    problems; the frames are the thrown error's, up to its cause."""
    refused = StackParser().parse(_FETCH_FAILED % "Error: connect ECONNREFUSED 10.1.0.4:7000")
    reset = StackParser().parse(_FETCH_FAILED % "Error: read ECONNRESET")
    assert refused is not None and reset is not None
    assert (refused.exception_type, refused.message) == (
        "TypeError",
        "fetch failed: connect ECONNREFUSED 10.1.0.4:7000",
    )
    assert reset.message == "fetch failed: read ECONNRESET"
    assert [frame.function for frame in refused.frames] == ["quote", None]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # pino's error serializer and VError's full stack: `caused by: `, the innermost last
        ("Error: cannot save invoice 9\n    at save (/app/invoices.js:8:11)\n"
         "caused by: Error: pool exhausted\n    at acquire (/app/pool.js:3:9)\n"
         "caused by: AggregateError [ETIMEDOUT]: \n    at internalConnectMultiple (node:net:1118:18)",
         "cannot save invoice 9: ETIMEDOUT"),
        # a cause set as an own property, which util.inspect prints by its name
        ("SyncError: sync of shard 4 stopped\n    at run (/app/sync.js:40:15) {\n"
         "  cause: RangeError: offset out of range\n      at seek (/app/log.js:7:3)\n}",
         "sync of shard 4 stopped: offset out of range"),
        # no cause: the message is the thrown error's (look-alike)
        ("Error: checkout failed\n    at checkout (/app/cart.js:27:13) {\n  code: 'E_CART'\n}", "checkout failed"),
    ],
)  # fmt: skip
def test_a_node_errors_message_names_its_root_cause_however_it_is_printed(text: str, message: str) -> None:
    stack = StackParser().parse(text)
    assert stack is not None and stack.language == "node" and stack.message == message
