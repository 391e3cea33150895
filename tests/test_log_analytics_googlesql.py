"""The generated query as real BigQuery reads it, not as the tests' engine does.

The equivalence tests run the query in DuckDB (through sqlglot, and bqemulator), which takes SQL BigQuery
refuses: it casts a BOOL where BigQuery's LENGTH and CONCAT take none, and reads a quoted literal across a line
break. Here ZetaSQL's analyzer (BigQuery's own front end, from PyPI's `zetasql`) resolves and types every shape of
the query against the `_AllLogs` view's schema, and RE2 (BigQuery's regular expressions) compiles every pattern
the query passes to a REGEXP_ function."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import re2
import sqlglot
from sqlglot import exp

from loggardener.entries.models import Severity
from loggardener.sources.log_analytics import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, LogAnalyticsQuery, build_sql

START = datetime(2026, 11, 21, 6, tzinfo=timezone.utc)
ALL_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, "severity_number")
# What the SQL varies with: the columns a view has, and the threshold (at NOTICE and below an INFO entry is
# fetched whatever it says); bucket, gap, samples and rows only change numbers
SHAPES: dict[str, tuple[tuple[str, ...], Severity, str]] = {
    "every column, audit logs as a STRUCT": (ALL_COLUMNS, Severity.WARNING, "struct"),
    "every column, proto payload as JSON, down to DEBUG": (ALL_COLUMNS, Severity.DEBUG, "json"),
    "required columns only": (REQUIRED_COLUMNS, Severity.ERROR, "struct"),
    "no http_request, receive_timestamp nor error_groups, EMERGENCY only": (
        tuple(c for c in ALL_COLUMNS if c not in ("http_request", "receive_timestamp", "error_groups")),
        Severity.EMERGENCY,
        "struct",
    ),
}


def _query(threshold: Severity = Severity.WARNING, **numbers: Any) -> LogAnalyticsQuery:
    return LogAnalyticsQuery(
        "example.com:shop-prod",
        "app_logs",
        "_AllLogs",
        START,
        START + timedelta(hours=12),
        threshold,
        **numbers,
    )


# One worker compiles ZetaSQL's WebAssembly for all of this module's tests
pytestmark = pytest.mark.xdist_group("zetasql")


@pytest.fixture(scope="module")
def zetasql(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """ZetaSQL's WebAssembly build. Compiling it takes a minute or more, so its machine code is kept in wasmtime's
    own cache directory (`~/.cache/wasmtime`, named outright: the suite points XDG_CACHE_HOME elsewhere)."""
    if not os.environ.get("CI"):
        pytest.importorskip("zetasql", reason="zetasql is a test dependency: pip install '.[test]'")
    import wasmtime
    import zetasql.core.wasm_client as wasm_client

    settings = tmp_path_factory.mktemp("wasmtime") / "cache.toml"
    directory = Path.home() / ".cache" / "wasmtime"
    settings.write_text(f"[cache]\ndirectory = {json.dumps(str(directory))}\n", encoding="utf-8")

    def cached() -> wasmtime.Config:
        config = wasmtime.Config()
        config.cache = str(settings)
        return config

    setattr(wasm_client, "Config", cached)  # noqa: B010 (the class the package builds its engine with)
    import zetasql.api

    return zetasql


def _catalog(zetasql: Any, proto: str) -> Any:
    """The `_AllLogs` view's columns as Log Analytics types them (its audit log a STRUCT of snake_case fields
    with JSON sub-fields, or the payload JSON), and BigQuery's functions."""
    from zetasql.api import CatalogBuilder, TableBuilder
    from zetasql.api.type_factory import TypeFactory
    from zetasql.types import TypeKind, ZetaSQLBuiltinFunctionOptions

    def simple(kind: str) -> Any:
        return TypeFactory.create_simple_type(getattr(TypeKind, f"TYPE_{kind}"))

    def struct(**fields: Any) -> Any:
        return TypeFactory.create_struct_type(list(fields.items()))

    string, int64, boolean, json, timestamp = (
        simple(k) for k in ("STRING", "INT64", "BOOL", "JSON", "TIMESTAMP")
    )
    audit = struct(
        service_name=string,
        method_name=string,
        resource_name=string,
        status=struct(code=int64, message=string, details=json),
        authentication_info=struct(principal_email=string),
        request_metadata=struct(caller_ip=string, caller_supplied_user_agent=string),
        request=json,
        response=json,
        metadata=json,
        service_data=json,
    )
    columns = {
        "timestamp": timestamp,
        "receive_timestamp": timestamp,
        "log_id": string,
        "log_name": string,
        "insert_id": string,
        "severity": string,
        "severity_number": int64,
        "resource": struct(type=string, labels=json),
        "labels": json,
        "text_payload": string,
        "json_payload": json,
        "proto_payload": json if proto == "json" else struct(audit_log=audit, request_log=json, type=string),
        "http_request": struct(
            request_method=string,
            request_url=string,
            request_size=int64,
            status=int64,
            response_size=int64,
            user_agent=string,
            remote_ip=string,
            latency=struct(seconds=int64, nanos=int64),
            cache_hit=boolean,
            protocol=string,
        ),
        "source_location": struct(file=string, line=int64, function=string),
        "trace": string,
        "span_id": string,
        "trace_sampled": boolean,
        "error_groups": TypeFactory.create_array_type(struct(id=string)),
    }
    table = TableBuilder("AllLogs")
    for name, kind in columns.items():
        table.add_column(name, kind)
    language = _language(zetasql)
    functions = ZetaSQLBuiltinFunctionOptions(language_options=language)
    return CatalogBuilder("bigquery").add_table(table.build()).with_builtin_functions(functions).build()


def _language(zetasql: Any) -> Any:
    from zetasql.types import LanguageOptions
    from zetasql.types.proto_model import ProductMode

    language = LanguageOptions.maximum_features()
    language.product_mode = ProductMode.PRODUCT_EXTERNAL  # BigQuery's types: no INT32, UINT64, FLOAT
    return language


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_of_the_query_is_googlesql_that_bigquerys_analyzer_resolves(
    zetasql: Any, shape: str
) -> None:
    """The analyzer raises, with BigQuery's own words, on what BigQuery would refuse: a syntax error, an unknown
    function or column, an argument of the wrong type. Its answer, the resolved query, is left as its bytes (the
    package's conversion of it to Python objects would take twice as long as the analysis)."""
    from zetasql.core.local_service import ZetaSqlLocalService
    from zetasql.types import AnalyzeRequest, AnalyzerOptions
    from zetasql.wasi._pb2.zetasql.local_service.local_service_pb2 import AnalyzeResponse

    columns, threshold, proto = SHAPES[shape]
    query = _query(threshold)
    request = AnalyzeRequest(
        sql_statement=build_sql(query, columns).replace(query.table, "AllLogs"),
        options=AnalyzerOptions(language_options=_language(zetasql)),
        simple_catalog=_catalog(zetasql, proto),
    )
    service = ZetaSqlLocalService.get_instance().wasm_client
    answer = service.call_grpc_func("ZetaSqlLocalService_Analyze", request.to_proto(), AnalyzeResponse)
    assert answer.HasField("resolved_statement")


def _patterns(sql: str) -> Iterator[tuple[str, str]]:
    """(function, pattern) of each REGEXP_ call of the query."""
    for call in sqlglot.parse_one(sql, read="bigquery").find_all(
        exp.RegexpLike, exp.RegexpExtract, exp.RegexpExtractAll, exp.RegexpReplace
    ):
        pattern = call.args["expression"]
        assert isinstance(pattern, (exp.Literal, exp.RawString)), call.sql("bigquery")[:200]
        yield type(call).__name__, pattern.this


@pytest.mark.parametrize(
    ("columns", "threshold", "numbers"),
    [
        (ALL_COLUMNS, Severity.WARNING, {}),
        (
            REQUIRED_COLUMNS,
            Severity.DEBUG,
            {"bucket_seconds": 60, "samples": 1, "reassembly_gap_seconds": 0.5},
        ),
        (
            ALL_COLUMNS,
            Severity.CRITICAL,
            {"bucket_seconds": 3600, "samples": 10, "reassembly_gap_seconds": 30},
        ),
    ],
)
def test_every_pattern_is_one_re2_takes_and_extracts_at_most_one_group(
    columns: tuple[str, ...], threshold: Severity, numbers: dict[str, Any]
) -> None:
    """BigQuery compiles each pattern with RE2 (no lookaround, no backreference, counts up to 1000), and its
    REGEXP_EXTRACT and REGEXP_EXTRACT_ALL fail a query whose pattern has more than one capturing group; DuckDB
    returns the first group."""
    patterns = list(_patterns(build_sql(_query(threshold, **numbers), columns)))
    assert len(patterns) > 50
    refused, groups = [], []
    for function, pattern in patterns:
        try:
            compiled = re2.compile(pattern)
        except re2.error as error:
            refused.append((function, str(error), pattern[:200]))
            continue
        if function in ("RegexpExtract", "RegexpExtractAll") and compiled.groups > 1:
            groups.append((function, compiled.groups, pattern[:200]))
    assert (refused, groups) == ([], [])
