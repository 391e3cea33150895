from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loggardener.entries.models import Severity
from loggardener.entries.parse import EntryParser, MalformedEntry, _parse_rfc3339, parse_timestamp, url_path
from loggardener.entries.redact import Redactor
from loggardener.entries.stacks import StackParser

parser = EntryParser(Redactor(), StackParser())


def parse(raw: dict[str, object]):  # type: ignore[no-untyped-def]
    return parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


def test_timestamp_with_nanoseconds_and_offsets() -> None:
    assert parse_timestamp("2026-11-21T12:00:00.123456789Z") == datetime(
        2026, 11, 21, 12, 0, 0, 123456, tzinfo=timezone.utc
    )
    assert parse_timestamp("2026-11-21T14:00:00+02:00") == datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
    with pytest.raises(MalformedEntry):
        parse_timestamp("yesterday")


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)), st.integers(0, 999))
def test_timestamp_roundtrip(moment: datetime, nanos: int) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{nanos:03d}Z"
    assert parse_timestamp(text) == moment.replace(tzinfo=timezone.utc)


def _outcome(parse_text: Callable[[str], datetime], text: str) -> tuple[str, str | None]:
    """What a timestamp parser makes of `text`: the exact instant and zone, or the error it gives."""
    try:
        moment = parse_text(text)
    except MalformedEntry as exc:
        return "error", str(exc)
    return moment.isoformat(), repr(moment.tzinfo)


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=4)
_TIMESTAMP_TEXTS = st.one_of(
    # the common shape, valid or not (month 13, day 31 of February, year 0001 or 9999, hour 24, second 60)
    st.builds(
        "{}-{}-{}T{}:{}:{}{}{}".format,
        st.integers(0, 9999).map("{:04d}".format),
        st.integers(0, 13).map("{:02d}".format),
        st.integers(0, 32).map("{:02d}".format),
        st.integers(0, 25).map("{:02d}".format),
        st.integers(0, 60).map("{:02d}".format),
        st.integers(0, 61).map("{:02d}".format),
        st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=0, max_size=11).map(".{}".format)),
        st.sampled_from(["Z", "z", "+00:00", "-05:30", "+0200", " ", "Z ", "", "+01", "ZZ"]),
    ),
    # other separators and digits (Unicode digits, a comma, a space, week dates, basic format)
    st.builds(
        "".join,
        st.lists(st.one_of(_DIGITS, st.sampled_from(list("-:T tW.,Z+٣"))), max_size=14),
    ),
    st.text(max_size=32),
)


@given(_TIMESTAMP_TEXTS)
def test_timestamp_fast_path_agrees_with_the_full_parser(text: str) -> None:
    assert _outcome(parse_timestamp, text) == _outcome(_parse_rfc3339, text)


def test_timestamp_fast_path_edges_agree_with_the_full_parser() -> None:
    for text in [
        "2026-02-30T12:00:00Z",
        "2026-11-21T24:00:00Z",
        "2026-11-21T23:59:60Z",
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "8999-12-31T23:59:59.9999999Z",
        "9000-01-01T00:00:00Z",
        "2026-11-21T12:00:00.Z",
        "2026-11-21T12:00:00.1234567890Z",
        "2026-11-21T12:00:00,5Z",
        "2026-W47-6T12:00:00Z",
        " 2026-11-21T12:00:00Z",
        "2026-11-21T12:00:00Z\n",
        "٢٠٢٦-11-21T12:00:00Z",
    ]:
        assert _outcome(parse_timestamp, text) == _outcome(_parse_rfc3339, text), text


def test_severity_names_numbers_and_absence() -> None:
    assert Severity.parse("ERROR") is Severity.ERROR
    assert Severity.parse(450) is Severity.WARNING
    assert Severity.parse(None) is Severity.DEFAULT
    assert Severity.parse("bogus") is Severity.DEFAULT


def test_text_payload_cloud_run() -> None:
    entry = parse(
        {
            "textPayload": "Container called exit(3).",
            "severity": "WARNING",
            "insertId": "abc",
            "logName": "projects/p/logs/run.googleapis.com%2Fvarlog%2Fsystem",
            "resource": {
                "type": "cloud_run_revision",
                "labels": {"service_name": "api", "revision_name": "api-1"},
            },
            "labels": {"instanceId": "i-1"},
            "errorGroups": [{"id": "G1"}],
        }
    )
    assert (entry.service, entry.revision, entry.instance) == ("api", "api-1", "i-1")
    assert entry.payload_kind == "text" and entry.message == "Container called exit(3)."
    assert entry.log_id == "run.googleapis.com/varlog/system"
    assert entry.error_group_ids == ("G1",)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"message": "m1", "msg": "m2"}, "m1"),
        ({"msg": "m2"}, "m2"),
        ({"stack_trace": "s"}, "s"),
        ({"exception": "e", "other": 1}, "e"),
        ({"other": 1}, '{"other": 1}'),
    ],
)
def test_json_payload_message_fields_in_error_reporting_order(
    payload: dict[str, object], message: str
) -> None:
    assert parse({"jsonPayload": payload}).message == message


def test_json_payload_stack_in_stack_trace_field() -> None:
    entry = parse(
        {
            "jsonPayload": {
                "message": "Reservation failed",
                "exception": 'Traceback (most recent call last):\n  File "/app/a.py", line 3, in f\n'
                "    x()\nKeyError: 'sku'",
            }
        }
    )
    assert entry.message == "Reservation failed"
    assert entry.stack is not None and entry.stack.exception_type == "KeyError"


def test_proto_payload_audit_status_message() -> None:
    entry = parse(
        {
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "methodName": "/Services.ReplaceService",
                "status": {"code": 9, "message": "Ready condition status changed to False"},
            }
        }
    )
    assert entry.payload_kind == "proto"
    assert (
        entry.message
        == "FAILED_PRECONDITION on /Services.ReplaceService: Ready condition status changed to False"
    )
    assert (entry.audit_method, entry.audit_status) == ("/Services.ReplaceService", "FAILED_PRECONDITION")


def test_request_log_without_payload() -> None:
    entry = parse(
        {"httpRequest": {"requestMethod": "GET", "requestUrl": "https://h/api/x?token=1", "status": 503}}
    )
    assert entry.http is not None and entry.http.status == 503
    assert entry.message == ""  # nothing is invented: the request facts stay in `http`


def test_a_status_alone_invents_no_method_or_route() -> None:
    entry = parse({"httpRequest": {"status": 500}, "textPayload": "boom"})
    assert entry.http is not None and (entry.http.method, entry.http.url, entry.http.status) == (
        None,
        None,
        500,
    )


@pytest.mark.parametrize(
    ("resource", "labels", "service", "revision", "instance"),
    [
        (
            {"type": "cloud_run_job", "labels": {"job_name": "j"}},
            {"run.googleapis.com/execution_name": "j-x"},
            "j",
            "j-x",
            None,
        ),
        ({"type": "cloud_function", "labels": {"function_name": "f"}}, {}, "f", None, None),
        (
            {
                "type": "k8s_container",
                "labels": {"namespace_name": "ns", "container_name": "c", "pod_name": "p-1"},
            },
            {},
            "ns/c",
            None,
            "p-1",
        ),
        (
            {"type": "gae_app", "labels": {"module_id": "default", "version_id": "v1"}},
            {},
            "default",
            "v1",
            None,
        ),
        (
            {"type": "gce_instance", "labels": {"instance_id": "123456789"}},
            {"compute.googleapis.com/resource_name": "vm-a"},
            "vm-a",
            None,
            "123456789",
        ),
        ({"type": "gce_instance", "labels": {"instance_id": "123456789"}}, {}, None, None, "123456789"),
        ({"type": "cloud_scheduler_job", "labels": {"job_id": "nightly"}}, {}, "nightly", None, None),
        ({"type": "build", "labels": {"build_trigger_id": "t-1", "build_id": "b-1"}}, {}, "t-1", None, "b-1"),
        ({"type": "global", "labels": {}}, {}, None, None, None),
    ],
)
def test_service_derivation(
    resource: dict[str, object],
    labels: dict[str, str],
    service: str | None,
    revision: str | None,
    instance: str | None,
) -> None:
    entry = parse({"resource": resource, "labels": labels, "textPayload": "x"})
    assert (entry.service, entry.revision, entry.instance) == (service, revision, instance)


def test_an_audit_entry_belongs_to_its_api_and_says_what_failed() -> None:
    entry = parse(
        {
            "resource": {"type": "gcs_bucket", "labels": {"bucket_name": "b"}},
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "serviceName": "storage.googleapis.com",
                "methodName": "storage.objects.list",
                "status": {"code": 7},
                "authenticationInfo": {"principalEmail": "reader@proj.iam.gserviceaccount.com"},
            },
        }
    )
    assert entry.service == "storage.googleapis.com"
    assert entry.message == "PERMISSION_DENIED on storage.objects.list (storage.googleapis.com)"
    assert entry.principal == "[REDACTED:email]" and entry.principal_kind == "service-account"


@pytest.mark.parametrize(
    "raw",
    [
        {"timestamp": None},
        {"timestamp": "nope"},
        {"resource": "x"},
        {"jsonPayload": [1]},
        {"errorGroups": "G"},
    ],
)
def test_malformed_entries_raise(raw: dict[str, object]) -> None:
    with pytest.raises(MalformedEntry):
        parser.parse(1, {"timestamp": "2026-11-21T12:00:00Z", **raw})


def test_secrets_are_redacted_at_parse_time() -> None:
    entry = parse({"textPayload": "connect postgresql://app:hunter2secret@db:5432/x failed"})
    assert "hunter2secret" not in entry.message
    assert "[REDACTED:password]" in entry.message


def test_secrets_in_names_are_redacted_in_every_entry_that_repeats_them() -> None:
    raw = {
        "textPayload": "x",
        "resource": {
            "type": "cloud_run_revision",
            "labels": {"service_name": "svc", "revision_name": "api_key=AKIAIOSFODNN7EXAMPLE"},
        },
        "sourceLocation": {"file": "password=hunter2secret", "line": "3"},
    }
    first, second = parse(raw), parse(raw)
    for entry in (first, second):
        assert "AKIAIOSFODNN7EXAMPLE" not in (entry.revision or "")
        assert "hunter2secret" not in (entry.source_location or "")
    assert (second.revision, second.source_location) == (first.revision, first.source_location)
    assert "[REDACTED:" in (first.revision or "")


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+01:00",  # overflowed datetime arithmetic (OverflowError, not a skipped entry)
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",  # overflowed the clusterer's time buckets later on
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_timestamps_outside_a_sane_span_are_malformed(text: str) -> None:
    with pytest.raises(MalformedEntry):
        parse_timestamp(text)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://api.example.com/v1/items/42?q=1", "/v1/items/42"),
        ("http://[::1", "/"),
        ("http://[::1/v1/items?q=1", "/v1/items"),
        ("/healthz?probe=1", "/healthz"),
        ("http://[::1]x/a", "/a"),
    ],
)
def test_url_path_falls_back_on_malformed_urls(url: str, path: str) -> None:
    assert url_path(url) == path


@given(st.text(max_size=60))
def test_url_path_never_raises(url: str) -> None:
    assert isinstance(url_path(url), str)
