"""Elixir's and Erlang's crash reports (Logger's `GenServer … terminating`): the exception and its frames."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conftest import scan_entries
from entry_factories import run_entry
from linear import assert_linear
from loggardener.entries import reassemble, stacks
from loggardener.entries.levels import declared_level, strip_prefix
from loggardener.entries.stacks import StackParser

CRASH = """12:00:01.204 [error] GenServer #PID<0.{pid}.0> terminating
** (FunctionClauseError) no function clause matching in Shop.Cart.add/3
    (shop 1.4.0) lib/shop/cart.ex:57: Shop.Cart.add(%Shop.Cart{{items: []}}, "sku-{sku}", -1)
    (shop 1.4.0) lib/shop/cart_server.ex:31: Shop.CartServer.handle_call/3
    (stdlib 5.2) gen_server.erl:1131: :gen_server.try_handle_call/4
    (stdlib 5.2) proc_lib.erl:241: :proc_lib.init_p_do_apply/3
Last message (from #PID<0.{pid}.1>): {{:add, "sku-{sku}", -1}}
State: %Shop.Cart{{items: []}}"""

EXIT = """09:30:00.001 [error] Task #PID<0.77.0> started from Billing.Supervisor terminating
** (exit) an exception was raised:
    ** (KeyError) key :currency not found in: %{amount: 10}
        (billing 0.9.1) lib/billing/invoice.ex:22: Billing.Invoice.total/1
        (elixir 1.16.2) lib/task/supervised.ex:101: Task.Supervised.invoke_mfa/2"""


def test_a_genserver_crash_report_is_its_exception_at_its_innermost_application_frame() -> None:
    trace = StackParser().parse(CRASH.format(pid=311, sku=9))
    assert trace is not None and trace.language == "elixir"
    assert (trace.exception_type, trace.message) == (
        "FunctionClauseError",
        "no function clause matching in Shop.Cart.add/3",
    )
    origin = trace.innermost_in_app
    assert origin is not None and (origin.file, origin.line, origin.function) == (
        "lib/shop/cart.ex",
        57,
        "Shop.Cart.add",
    )
    assert [f.in_app for f in trace.frames] == [False, False, True, True]  # OTP's stdlib frames are no app's


def test_the_innermost_exception_of_an_exit_is_the_one_raised() -> None:
    trace = StackParser().parse(EXIT)
    assert trace is not None and (trace.exception_type, trace.message) == (
        "KeyError",
        "key :currency not found in: %{amount: 10}",
    )
    assert trace.innermost_in_app is not None and trace.innermost_in_app.file == "lib/billing/invoice.ex"


def test_crashes_of_one_code_path_in_many_processes_are_one_problem_apart_from_another() -> None:
    entries = [run_entry(float(i), text=CRASH.format(pid=300 + i, sku=i)) for i in range(4)]
    entries.append(run_entry(9.0, text=EXIT))
    report = scan_entries(entries)
    assert sorted((c.count, c.exception_type, c.max_severity) for c in report.clusters) == [
        (1, "KeyError", "ERROR"),
        (4, "FunctionClauseError", "ERROR"),
    ]
    assert all("#PID" not in c.title for c in report.clusters)


def test_a_long_title_names_the_frame_by_its_function_and_arity() -> None:
    """Past the title's length the place is shortened to its last names; an arity (`/1`) is no path's tail."""
    text = (
        "10:00:00.000 [error] GenServer Shop.Notifier terminating\n"
        "** (RuntimeError) Tried to subscribe to the pub-sub process Shop.PubSub 5 times and gave up for now\n"
        "    (shop 1.4.0) lib/shop/notifications/pub_sub_listener.ex:83: "
        "Shop.Notifications.PubSubListener.subscribe/1\n"
        "    (stdlib 5.2) gen_server.erl:1131: :gen_server.try_dispatch/4"
    )
    report = scan_entries([run_entry(0.0, text=text)])
    (title,) = [c.title for c in report.clusters]
    assert title.endswith(" in PubSubListener.subscribe/1"), title


# A Phoenix request's crash as Logger's default format writes it with request metadata (`$time $metadata[$level]`),
# one line per entry as Cloud Run splits stdout: the line saying the process terminated, the server and request it
# served, then the report
PHOENIX = """10:15:0{second}.412 request_id=Fx{second}kQ [error] #PID<0.90{second}.0> running ShopWeb.Endpoint \
(connection #PID<0.89{second}.0>, stream id 1) terminated
Server: shop.example.com:80 (http)
Request: GET /api/carts/{cart}
** (exit) an exception was raised:
    ** (Postgrex.Error) FATAL 53300 (too_many_connections) sorry, too many clients already
        (db_connection 2.6.0) lib/db_connection.ex:1000: DBConnection.run/3
        (shop 1.4.0) lib/shop_web/controllers/cart_controller.ex:19: ShopWeb.CartController.show/2"""


def test_a_level_after_loggers_metadata_is_the_lines_level() -> None:
    line = "10:15:00.412 request_id=Fx0kQ user_id=7 [warning] cart 9 is stale"
    declared = declared_level(line)
    assert declared is not None and declared.severity.name == "WARNING"
    assert strip_prefix(line) == "cart 9 is stale"


def test_a_phoenix_request_crash_split_per_line_is_one_event_with_every_line() -> None:
    entries = [
        run_entry(float(second) + index * 0.0001, text=line)
        for second, cart in ((1, 41), (4, 1009))
        for index, line in enumerate(PHOENIX.format(second=second, cart=cart).split("\n"))
    ]
    report = scan_entries(entries)
    assert [(c.count, c.events, c.exception_type) for c in report.clusters] == [(14, 2, "Postgrex.Error")]


def test_an_elixir_frame_is_read_in_linear_time() -> None:
    assert_linear(
        lambda n: stacks._ELIXIR_FRAME.match("    (app 1.0) lib/" + "a" * n + ".ex:1: " + " " * n), 2_000
    )
    assert_linear(lambda n: stacks._ELIXIR_FRAME.match(" " + "x." * n + ":9"), 2_000)


def test_the_line_kinds_of_a_split_crash_report_are_read_in_linear_time() -> None:
    assert_linear(lambda n: reassemble._ELIXIR_CONTEXT.match("Last message (from " + "(" * n), 2_000)
    assert_linear(lambda n: reassemble._TAGS_ONLY.fullmatch("[a] " * n + "x"), 2_000)
    assert_linear(lambda n: reassemble._RUBY_FRAME.match("\tfrom " + "a:1" * n), 2_000)


@given(st.text(alphabet="*() \n:.aex19lib/", max_size=200))
def test_parsing_text_that_looks_like_a_crash_report_never_fails(text: str) -> None:
    StackParser().parse("** (RuntimeError) x\n" + text)
