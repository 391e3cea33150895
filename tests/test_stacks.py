from __future__ import annotations

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
