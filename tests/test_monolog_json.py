"""Monolog's JSON records (Laravel's, Symfony's `JsonFormatter`): the error in `context` is read with the message,
on entries written for the test."""

from __future__ import annotations

from typing import Any

import pytest

from entry_factories import run_entry
from loggardener.entries.parse import EntryParser
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


def record(message: str, context: dict[str, Any], **extra: Any) -> dict[str, Any]:
    payload = {"message": message, "context": context, "level": 400, "level_name": "ERROR", "channel": "app"}
    payload.update({"datetime": "2026-01-02T08:00:00.000000+00:00", "extra": {}}, **extra)
    return run_entry(0, json_payload=payload, log="run.googleapis.com%2Fstdout")


EXCEPTION = {
    "class": "Error",
    "message": "Call to undefined method Cart::total()",
    "code": 0,
    "file": "/srv/app/src/Checkout.php:41",
}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (record("Uncaught exception", {"exception": EXCEPTION}), "Uncaught exception: Call to undefined method Cart::total()"),
        (record("Ledger sync failed", {"error": "SQLSTATE[HY000] [2002] Connection refused", "batch": 7}),
         "Ledger sync failed: SQLSTATE[HY000] [2002] Connection refused"),
        # the message that already says the exception's is left as it is
        (record("Call to undefined method Cart::total()", {"exception": EXCEPTION}), "Call to undefined method Cart::total()"),
    ],
)  # fmt: skip
def test_the_error_in_a_monolog_records_context_is_read_with_its_message(
    raw: dict[str, Any], message: str
) -> None:
    entry = parser.parse(1, raw)
    assert entry.message == message and entry.severity.name == "ERROR"


def test_a_context_of_data_and_other_payloads_with_a_context_are_unchanged() -> None:
    assert (
        parser.parse(1, record("Order accepted", {"orderId": 4821, "amount": 99})).message == "Order accepted"
    )
    other = run_entry(
        0, json_payload={"message": "Ledger sync failed", "context": {"error": "refused"}, "level": "error"}
    )
    assert parser.parse(1, other).message == "Ledger sync failed"


def test_an_exception_with_its_listed_trace_is_its_class_thrown_at_its_innermost_application_frame() -> None:
    """`NormalizerFormatter` lists the trace as `file:line` strings: read as PHP's stack, the class is the type."""
    exception = {
        "class": "Doctrine\\DBAL\\Exception\\ConnectionException",
        "message": "An exception occurred in the driver: Connection refused",
        "code": 2002,
        "file": "/srv/app/vendor/doctrine/dbal/src/Driver/API/MySQL/ExceptionConverter.php:101",
        "trace": [
            "/srv/app/vendor/doctrine/dbal/src/Connection.php:1939",
            "/srv/app/src/Repository/InvoiceRepository.php:58",
            "/srv/app/src/Controller/InvoiceController.php:27",
        ],
    }
    entry = parser.parse(
        1, record("An exception occurred in the driver: Connection refused", {"exception": exception})
    )
    stack = entry.stack
    assert stack is not None and stack.language == "php"
    assert stack.exception_type == "Doctrine\\DBAL\\Exception\\ConnectionException"
    origin = stack.innermost_in_app
    assert origin is not None and (origin.file, origin.line) == (
        "/srv/app/src/Repository/InvoiceRepository.php",
        58,
    )


def test_a_trace_that_is_no_list_of_php_places_makes_no_php_stack() -> None:
    exception = {**EXCEPTION, "trace": "see above"}
    entry = parser.parse(1, record("Uncaught exception", {"exception": exception}))
    assert entry.stack is None or entry.stack.language != "php"
