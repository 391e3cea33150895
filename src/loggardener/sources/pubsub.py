"""LogEntries that come inside Pub/Sub messages: a log sink whose destination is a topic publishes each entry as
a message whose `data` is the entry's JSON, base64-encoded. Users save such messages as they receive them:
`gcloud pubsub subscriptions pull --format=json` (an array of `{"ackId", "message"}`), the pull method's answer
(`{"receivedMessages": [...]}`, read as a page of them by `sources.file`), or the bodies a push endpoint gets
(`{"message", "subscription"}`, one a line). An export reader gives the entry a message carries (`carried`).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, cast

from loggardener.errors import json_type

CARRIER = "Pub/Sub message"
"""What a record whose entry came in a message is named as, before its place (`Pub/Sub message of line 3`)."""

_ENVELOPE_FIELDS = frozenset(
    ("message", "subscription", "ackId", "ack_id", "deliveryAttempt", "delivery_attempt")
)
"""The fields around a message: a pull's received message (`ReceivedMessage`, in proto3 JSON's camelCase or a
client's snake_case) or a push request's body."""
_MESSAGE_FIELDS = frozenset(
    (
        "data",
        "attributes",
        "messageId",
        "message_id",
        "publishTime",
        "publish_time",
        "orderingKey",
        "ordering_key",
    )
)
"""A `PubsubMessage`'s fields (a push body gives both spellings of its id and time)."""


def is_envelope(item: dict[str, Any]) -> bool:
    """Whether `item` is a received Pub/Sub message (nothing but the fields around one, and a message of a
    message's fields), not an entry that has a `message` field of its own."""
    message = item.get("message")
    return (
        type(message) is dict
        and bool(message)
        and item.keys() <= _ENVELOPE_FIELDS
        and message.keys() <= _MESSAGE_FIELDS
    )


def carried(item: dict[str, Any]) -> dict[str, Any] | str:
    """The entry a received message (`is_envelope`) carries, decoded from its `data` (base64, as the API gives
    it, or the JSON text or object a tool that decoded it wrote); a `str` saying why it carries none."""
    data = item["message"].get("data")
    if data is None or data == "":
        return "the message has no data, so no LogEntry"
    if isinstance(data, dict):
        return cast("dict[str, Any]", data)
    if not isinstance(data, str):
        return f"its data is a JSON {json_type(data)}, not a LogEntry's JSON (base64-encoded)"
    text = data.lstrip()
    if not text.startswith("{"):  # never base64's first character: JSON written as it was decoded
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            return "its data is not base64, as a message's data is in JSON"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "its data is binary (not UTF-8 text), not a LogEntry: is the topic a log sink's?"
    try:
        entry = json.loads(text)
    except RecursionError:  # JSON, nested past what the decoder reads
        return "its data is JSON nested too deep to read, not a LogEntry"
    except ValueError:
        return "its data is text, not a LogEntry's JSON: is the topic a log sink's?"
    if not isinstance(entry, dict):
        return f"its data is a JSON {json_type(entry)}, not a LogEntry object: is the topic a log sink's?"
    return cast("dict[str, Any]", entry)
