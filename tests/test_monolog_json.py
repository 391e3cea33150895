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
