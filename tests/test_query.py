"""The Logging filter a live scan sends, and the Logs Explorer link that opens it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from loggardener.cli import app
from loggardener.entries.models import Severity
from loggardener.errors import ExitCode, GardenerError
from loggardener.sources.query import (
    CHANGE_AUDIT,
    CONSOLE_BASE,
    DECLARED_ABOVE,
    MAX_FILTER_LENGTH,
    LogQuery,
    build_filter,
    console_url,
    quote_string,
    rfc3339,
    without_subsumed,
)

END = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
START = END - timedelta(hours=12)


def unquote_literal(literal: str) -> str:
    """Read a Logging-query-language string literal back (the inverse the service applies)."""
    assert literal.startswith('"') and literal.endswith('"')
    body = literal[1:-1]
    assert re.search(r'(?<!\\)(\\\\)*"', body) is None, "an unescaped quote ends the literal early"
    return re.sub(r"\\(.)", r"\1", body, flags=re.DOTALL)


def test_default_filter() -> None:
    assert build_filter(LogQuery(start=START, end=END)) == (
        'timestamp>="2024-05-01T00:00:00Z"\n'
        'AND timestamp<"2024-05-01T12:00:00Z"\n'
        'AND (severity>=WARNING OR (log_id("run.googleapis.com/stderr") AND severity=DEFAULT)'
        f' OR log_id("run.googleapis.com/varlog/system") OR ({DECLARED_ABOVE}) OR {CHANGE_AUDIT})'
    )


@pytest.mark.parametrize("severity", [Severity.WARNING, Severity.CRITICAL])
def test_the_live_query_asks_for_every_deploy_and_change_an_incident_tells(severity: Severity) -> None:
    """The admin activity and system event audit logs whole, whatever the threshold: a deploy, a bucket's IAM
    policy set, a Cloud SQL maintenance are written at NOTICE, and only deploys were asked for."""
    clause = build_filter(LogQuery(START, END, min_severity=severity)).split("\n")[2]
    assert clause.endswith(
        ' OR log_id("cloudaudit.googleapis.com/activity") OR log_id("cloudaudit.googleapis.com/system_event"))'
    )


def test_every_option_becomes_a_clause() -> None:
    query = LogQuery(
        start=START,
        end=END,
        min_severity=Severity.ERROR,
        services=("api", "worker", "api"),
        resource_type="cloud_run_revision",
        extra_filter='textPayload:"timeout" OR jsonPayload.code=504',
    )
    lines = build_filter(query).split("\n")
    assert lines[2] == 'AND resource.type="cloud_run_revision"'
    assert lines[3].startswith('AND (resource.labels.service_name=("api" OR "worker") OR ')
    assert lines[4].startswith("AND (severity>=ERROR OR ")
    # OR binds tighter than AND in the Logging query language: the extra clause is parenthesized
    assert lines[5] == 'AND (textPayload:"timeout" OR jsonPayload.code=504)'


def test_a_service_matches_every_resource_type_that_names_one() -> None:
    clause = build_filter(LogQuery(START, END, services=("api", "ns/web"))).split("\n")[2]
    for field in (
        "resource.labels.service_name",
        "resource.labels.function_name",
        "resource.labels.module_id",
        "resource.labels.job_name",
        'labels."compute.googleapis.com/resource_name"',
        "resource.labels.job_id",
        "protoPayload.serviceName",
    ):
        assert f'{field}=("api" OR "ns/web")' in clause
    assert '(resource.labels.namespace_name="ns" AND resource.labels.container_name="web")' in clause


def test_window_is_utc_with_fractions_only_when_present() -> None:
    berlin = timezone(timedelta(hours=2))
    assert rfc3339(datetime(2024, 5, 1, 14, 0, 0, 250000, tzinfo=berlin)) == "2024-05-01T12:00:00.25Z"
    assert rfc3339(datetime(2024, 5, 1, 14, 0, tzinfo=berlin)) == "2024-05-01T12:00:00Z"


@pytest.mark.parametrize("severity", list(Severity))
def test_every_severity_is_a_clause_the_service_reads(severity: Severity) -> None:
    clause = build_filter(LogQuery(START, END, min_severity=severity)).split("\n")[2]
    assert clause.startswith(f"AND (severity>={severity.name} OR ")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (START.replace(tzinfo=None), END, "timezone-aware"),
        (END, START, "empty scan window"),
        (START, START, "empty scan window"),
    ],
)
def test_bad_windows_are_bad_input(start: datetime, end: datetime, expected: str) -> None:
    with pytest.raises(GardenerError) as caught:
        LogQuery(start=start, end=end)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert expected in caught.value.message


@given(st.text())
def test_string_literals_read_back_as_written(value: str) -> None:
    assert unquote_literal(quote_string(value)) == value


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4))
def test_service_names_survive_quoting(services: list[str]) -> None:
    plain = build_filter(LogQuery(START, END)).split("\n")
    with_services = build_filter(LogQuery(START, END, services=tuple(services)))
    prefix = "\n".join(plain[:2]) + "\nAND "
    assert with_services.startswith(prefix)
    # (the severity clause after it may read some message fields by presence, to fit the length limit)
    clause = with_services[len(prefix) : with_services.rindex("\nAND (severity>=")]
    assert clause.startswith("(resource.labels.service_name=")
    first = clause.split(" OR resource.labels.job_name=", 1)[0]
    literals = re.findall(r'"(?:[^"\\]|\\.)*"', first, flags=re.DOTALL)
    assert [unquote_literal(lit) for lit in literals] == list(dict.fromkeys(services))


def decode_console_query(url: str) -> str:
    """Read the query back as the console does: percent-decoding, with parentheses decoded twice."""
    encoded = re.search(r";query=([^;?]*)", url)
    assert encoded is not None
    return unquote(encoded.group(1).replace("%2528", "%28").replace("%2529", "%29"))


def test_console_url_format() -> None:
    filter_ = build_filter(LogQuery(start=START, end=END, services=("api",)))
    url = console_url(filter_, "my-project", START, END)
    assert url.startswith(CONSOLE_BASE + ";query=")
    assert url.endswith(";timeRange=2024-05-01T00%3A00%3A00Z%2F2024-05-01T12%3A00%3A00Z?project=my-project")
    # no character the console's router reads as syntax is left bare in the query part
    query_part = url[len(CONSOLE_BASE) + len(";query=") : url.index(";timeRange=")]
    assert re.fullmatch(r"[A-Za-z0-9_.~%-]*", query_part)
    assert "%2528" in query_part and "%2529" in query_part and "%28" not in query_part.replace("%2528", "")
    assert decode_console_query(url) == filter_


@given(st.text(alphabet=st.characters(blacklist_characters="%", blacklist_categories=("Cs",))))
def test_console_url_opens_the_same_query(extra: str) -> None:
    filter_ = build_filter(LogQuery(start=START, end=END)) + "\n" + extra
    assert decode_console_query(console_url(filter_, "p", START, END)) == filter_


def test_the_query_fetches_every_json_level_field_the_parser_reads() -> None:
    """An entry below WARNING whose JSON payload declares a level from WARNING up is fetched, whichever of
    the fields the parser reads holds it (a live scan must find what a scan of the same export finds)."""
    from loggardener.entries.levels import JSON_LEVEL_KEYS
    from loggardener.entries.payloads import _LEVEL_WORD_FIELDS

    for key in (*JSON_LEVEL_KEYS, *_LEVEL_WORD_FIELDS):
        field = key if key.isidentifier() else f'"{key}"'
        assert f"jsonPayload.{field}=~" in DECLARED_ABOVE, key
    assert "jsonPayload.log.level=~" in DECLARED_ABOVE  # ECS, nested
    assert 'jsonPayload.PRIORITY=("0" OR "1" OR "2" OR "3" OR "4")' in DECLARED_ABOVE  # journald
    assert '(jsonPayload.s=("F" OR "E" OR "W") AND jsonPayload.ctx:*)' in DECLARED_ABOVE  # MongoDB
    assert "jsonPayload.MESSAGE=~" in DECLARED_ABOVE
    assert "(jsonPayload.short_message:* AND jsonPayload.level<=4)" in DECLARED_ABOVE  # GELF
    for field in ("severity_text", "severityText", "SeverityText"):  # OpenTelemetry records
        assert f"jsonPayload.{field}=~" in DECLARED_ABOVE
    assert "jsonPayload.info.level=~" in DECLARED_ABOVE  # dbt's JSON events
    for field in (
        "LEVEL",
        "Severity",
        "logLevel",
        "LOG_LEVEL",
        "levelName",
        "level_name",
        '"@level"',
    ):  # spellings
        assert f"jsonPayload.{field}=~" in DECLARED_ABOVE, field


def test_the_query_fetches_every_json_field_inference_reads_a_failure_from() -> None:
    """A below-WARNING JSON entry is fetched whichever field the parser reads its message, error, stack or
    outcome from (a live scan must find what a scan of the same export and Log Analytics find)."""
    from loggardener.entries.payloads import ERROR_FIELDS, MESSAGE_FIELDS, OUTCOME_FIELDS, STACK_FIELDS

    def field(key: str) -> str:
        return key if key.isidentifier() else f'"{key}"'

    for key in MESSAGE_FIELDS + OUTCOME_FIELDS:
        assert f"jsonPayload.{field(key)}=~" in DECLARED_ABOVE, key
    for key in (*ERROR_FIELDS, *STACK_FIELDS, "@type"):
        assert f"jsonPayload.{field(key)}:*" in DECLARED_ABOVE, key


def test_every_pattern_of_the_query_is_re2() -> None:
    """Logging reads `=~` patterns as RE2: each literal of the query compiles there; the text's finds a failure
    said in words, and a text of several lines (a level or a stack may be on a later one)."""
    import re2

    def unescaped(literal: str) -> str:
        return re.sub(r"\\(.)", r"\1", literal, flags=re.DOTALL)

    literals = re.findall(r'=~"((?:[^"\\]|\\.)*)"', DECLARED_ABOVE)
    assert len(literals) > 20
    for literal in literals:
        re2.compile(unescaped(literal))
    text = re.search(r'textPayload=~"((?:[^"\\]|\\.)*)" OR jsonPayload', DECLARED_ABOVE)
    assert text is not None
    for line in ("cart sync: dial tcp 10.2.0.4:6379: i/o timeout", "job 7 done\nstep 3 went badly"):
        assert re2.search(unescaped(text[1]), line), line
    assert not re2.search(unescaped(text[1]), "job 7 done in 3 s")


@pytest.mark.parametrize("clause", ["a) OR (b", "(a", ")(", 'textPayload:"open', 'textPayload:"x\\(" OR (y'])
def test_a_filter_that_would_escape_its_parentheses_is_refused(clause: str) -> None:
    """`AND (a) OR (b)` would OR `b` with the whole query, the window included: a scan of all time."""
    result = CliRunner().invoke(app, ["scan", "--hours", "1", "--print-filter", "--filter", clause])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --filter {clause!r} has ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("clause", ['textPayload:"(x"', 'textPayload:"x\\")"', "severity=ERROR AND (a OR b)"])
def test_parentheses_in_strings_or_balanced_are_a_filter(clause: str) -> None:
    result = CliRunner().invoke(app, ["scan", "--hours", "1", "--print-filter", "--filter", clause])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(f"AND ({clause})")


def test_the_query_fetches_json_access_logs_of_server_errors() -> None:
    """A JSON access log of a 5xx is a failed request (`http-status`) at any severity: the live query fetches
    it whichever status field the parser reads, written as a number or a digit string."""
    from loggardener.entries.payloads import ACCESS_STATUS_FIELDS

    for key in (*ACCESS_STATUS_FIELDS, "res.statusCode"):
        assert f"jsonPayload.{key}>=500 OR jsonPayload.{key}=~" in DECLARED_ABOVE, key
    assert "textPayload=~" + '"\\"(?:response_code|' in DECLARED_ABOVE  # trailing fields of a text line


def test_the_query_fetches_cloud_nat_drops_and_failed_autoscaler_results() -> None:
    """Cloud NAT's dropped connections and the cluster autoscaler's failed results are written without a level;
    the parser reads them as errors (`payloads._nat_drop`, `_autoscaler_failure`), so a live scan fetches them."""
    assert 'jsonPayload.allocation_status="DROPPED"' in DECLARED_ABOVE
    assert "jsonPayload.resultInfo.results.errorMsg.messageId:*" in DECLARED_ABOVE


def test_the_query_fetches_pods_the_autoscaler_cannot_scale_up_for_and_loguru_warnings() -> None:
    """The autoscaler's `noScaleUp` records (no level) and loguru's serialized records (their level in
    `record.level`) are read as errors and warnings (`payloads._autoscaler_no_scale_up`, `_loguru_record`)."""
    assert "jsonPayload.noDecisionStatus.noScaleUp:*" in DECLARED_ABOVE
    assert "jsonPayload.record.level.no>=30" in DECLARED_ABOVE


def test_the_query_fetches_a_level_written_as_an_object() -> None:
    # log4js' `"level": {"level": 40000, "levelStr": "ERROR"}`, a pino formatter's `{"label": "error"}`
    for name in ("levelStr", "name", "label"):
        assert f"jsonPayload.level.{name}=~" in DECLARED_ABOVE, name


@pytest.mark.parametrize("services", [0, 1, 3, 8, 12])
def test_the_live_query_stays_within_cloud_loggings_length_limit(services: int) -> None:
    """Cloud Logging refuses a query longer than 20,000 characters: the filter fits, with the usual message fields
    still read by their text; fields it has no room to read so are fetched by their presence (more entries, none
    lost), never dropped."""
    from loggardener.entries.payloads import MESSAGE_FIELDS

    names = tuple(f"checkout-service-{index}" for index in range(services))
    filter_ = build_filter(LogQuery(START, END, services=names))
    assert len(filter_) <= MAX_FILTER_LENGTH
    assert "jsonPayload.message=~" in filter_ and "jsonPayload.msg=~" in filter_
    for key in MESSAGE_FIELDS:
        field = key if key.isidentifier() else f'"{key}"'
        assert f"jsonPayload.{field}=~" in filter_ or f"jsonPayload.{field}:*" in filter_, key
    if not services:
        assert f"({DECLARED_ABOVE})" in filter_  # the default query reads every message field by its text


def test_a_live_query_too_long_for_cloud_logging_is_refused_in_one_line() -> None:
    services = [argument for index in range(60) for argument in ("--service", f"checkout-service-{index}")]
    result = CliRunner().invoke(app, ["scan", "--hours", "1", "--print-filter", *services])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "over Cloud Logging's limit of 20,000" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_querys_text_pattern_is_shorter_and_finds_the_same_texts() -> None:
    from loggardener.entries.levels import MAY_DECLARE_LEVEL

    pattern = MAY_DECLARE_LEVEL + r"|\n"
    assert len(without_subsumed(pattern)) < len(pattern) - 60
    assert without_subsumed(r"(?i)err|bus error|a\d+b|\n|\n\s+at |colou?r|colo") == r"(?i)err|a\d+b|\n|colo"
    assert without_subsumed(r"fail|FAILED|x(a|b)") == r"fail|FAILED|x(a|b)"  # case counts without (?i)


_FRAGMENTS = st.sampled_from(
    ["bus error", "err", "could not load the function", "can't ", ": invalid argument", "\n", "  at ", "fata[",
     "x", " ", "E1234 ", "Traceback", "colour", "5", "0", ":", "::a (", "[e 1"]
)  # fmt: skip


@given(st.lists(_FRAGMENTS, max_size=8).map("".join))
def test_the_shortened_text_pattern_matches_where_the_parsers_does(text: str) -> None:
    import re2

    from loggardener.entries.levels import MAY_DECLARE_LEVEL

    pattern = MAY_DECLARE_LEVEL + r"|\n"
    assert (re2.search(pattern, text) is None) == (re2.search(without_subsumed(pattern), text) is None)
