"""A local Log Analytics: DuckDB runs the BigQuery SQL the Log Analytics source generates.

For tests and benchmarks, offline: `view_row` turns a REST LogEntry into a row of Log Analytics' schema
(snake_case columns, JSON columns, `http_request` and `source_location` structs), `LocalEngine` loads such
rows into a `PROJECT.DATASET._AllLogs` table and runs queries through sqlglot's BigQuery→DuckDB
transpiler, with the rewrites it lacks (`ARRAY_AGG(… ORDER BY … LIMIT k)` becomes `min_by(…, k)`, and `JSON_VALUE`
becomes `json_extract_string`). Needs the `local-engine` extra (duckdb, sqlglot).
"""

from __future__ import annotations

import functools
import json
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from loggardener.entries.models import Severity
from loggardener.entries.parse import MalformedEntry, parse_timestamp
from loggardener.errors import ExitCode, GardenerError
from loggardener.regexes import compile_regex
from loggardener.sources.interface import RetryFn
from loggardener.sources.log_analytics import REQUEST_LOG_TYPE, QueryResult, QueryStats, rename_keys
from loggardener.sources.query import rfc3339

COLUMNS = {
    "timestamp": "TIMESTAMPTZ",
    "receive_timestamp": "TIMESTAMPTZ",
    "severity": "VARCHAR",
    "severity_number": "BIGINT",
    "log_name": "VARCHAR",
    "insert_id": "VARCHAR",
    "resource": "STRUCT(type VARCHAR, labels JSON)",
    "labels": "JSON",
    "text_payload": "VARCHAR",
    "json_payload": "JSON",
    "proto_payload": "STRUCT(type VARCHAR, audit_log JSON, request_log JSON)",
    "http_request": "STRUCT(request_method VARCHAR, request_url VARCHAR, status BIGINT, latency VARCHAR, "
    "user_agent VARCHAR, remote_ip VARCHAR, protocol VARCHAR, request_size BIGINT, response_size BIGINT)",
    "source_location": "STRUCT(file VARCHAR, line BIGINT, function VARCHAR)",
    "trace": "VARCHAR",
    "span_id": "VARCHAR",
    "error_groups": "STRUCT(id VARCHAR)[]",
}
_HTTP_FIELDS = {
    "requestMethod": "request_method",
    "requestUrl": "request_url",
    "status": "status",
    "latency": "latency",
    "userAgent": "user_agent",
    "remoteIp": "remote_ip",
    "protocol": "protocol",
    "requestSize": "request_size",
    "responseSize": "response_size",
}
_INTEGER_HTTP = ("status", "request_size", "response_size")
_UPPER = compile_regex(r"(?<=[a-z0-9])([A-Z])")


def _snake(name: str) -> str:
    return _UPPER.sub(r"_\1", name).lower()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _integer(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _insert_id(value: Any, position: int | None) -> str | None:
    if value is not None and value != "":
        return _text(value)
    return None if position is None else f"#{position}"


def view_row(entry: dict[str, Any], position: int | None = None) -> dict[str, Any] | None:
    """A REST LogEntry → a row of the Log Analytics view; None for an entry Logging would not have stored. An
    entry without an insertId gets one, as Logging gives it: `#position` (the name the parser gives it), when
    its position in its export is known."""
    try:
        moment = parse_timestamp(str(entry.get("timestamp") or entry.get("receiveTimestamp")))
        received = entry.get("receiveTimestamp")
        received_at = parse_timestamp(received) if isinstance(received, str) else None
    except MalformedEntry:
        return None
    raw_resource = entry.get("resource")
    resource: dict[str, Any] = raw_resource if isinstance(raw_resource, dict) else {}
    labels = entry.get("labels")
    severity = entry.get("severity")
    row: dict[str, Any] = {
        "timestamp": rfc3339(moment),
        "receive_timestamp": rfc3339(received_at) if received_at else None,
        "severity": None if severity is None else Severity.parse(severity).name,
        "severity_number": None if severity is None else Severity.parse(severity).value,
        "log_name": _text(entry.get("logName") or ""),
        "insert_id": _insert_id(entry.get("insertId"), position),
        "resource": {"type": _text(resource.get("type") or ""), "labels": resource.get("labels") or {}},
        "labels": labels if isinstance(labels, dict) and labels else None,
        "text_payload": _text(entry["textPayload"]) if "textPayload" in entry else None,
        "json_payload": None,
        "proto_payload": None,
        "http_request": None,
        "source_location": None,
        "trace": _text(entry["trace"]) if entry.get("trace") else None,
        "span_id": _text(entry["spanId"]) if entry.get("spanId") else None,
        "error_groups": None,
    }
    if row["text_payload"] is None and isinstance(entry.get("jsonPayload"), dict):
        row["json_payload"] = entry["jsonPayload"]
    elif row["text_payload"] is None and isinstance(entry.get("protoPayload"), dict):
        proto = entry["protoPayload"]
        kind = proto.get("@type")
        fields = rename_keys({k: v for k, v in proto.items() if k != "@type"}, _snake)
        # Log Analytics holds an App Engine request log apart from an audit log, each under its own column
        request = isinstance(kind, str) and kind.endswith(REQUEST_LOG_TYPE.rsplit(".", 1)[-1])
        row["proto_payload"] = {
            "type": kind if isinstance(kind, str) else None,
            "audit_log": None if request else fields,
            "request_log": fields if request else None,
        }
    http = entry.get("httpRequest")
    if isinstance(http, dict):
        fields = {column: http.get(key) for key, column in _HTTP_FIELDS.items()}
        for column in _INTEGER_HTTP:
            fields[column] = _integer(fields[column])
        row["http_request"] = {
            k: (v if v is None or k in _INTEGER_HTTP else _text(v)) for k, v in fields.items()
        }
    location = entry.get("sourceLocation")
    if isinstance(location, dict) and location.get("file"):
        row["source_location"] = {
            "file": _text(location["file"]),
            "line": _integer(location.get("line")),
            "function": _text(location["function"]) if location.get("function") else None,
        }
    groups = entry.get("errorGroups")
    if isinstance(groups, list):
        row["error_groups"] = [{"id": str(g["id"])} for g in groups if isinstance(g, dict) and g.get("id")]
    return row


def _array_agg_limit(expression: Any) -> Any:
    """`ARRAY_AGG(x ORDER BY a, b LIMIT k)` (BigQuery) → `min_by(x, (a, b), k)` (DuckDB): the k first values
    in that order, without holding the whole group (ascending orders only, all the query uses)."""
    from sqlglot import exp

    if isinstance(expression, exp.ArrayAgg) and isinstance(expression.this, exp.Limit):
        limit = expression.this
        order = limit.this
        assert isinstance(order, exp.Order) and not any(o.args.get("desc") for o in order.expressions)
        key = exp.Tuple(expressions=[ordered.this for ordered in order.expressions])
        return exp.Anonymous(this="min_by", expressions=[order.this, key, limit.expression])
    return expression


def _json_value(expression: Any) -> Any:
    """`JSON_VALUE(j, path)` → `json_extract_string(j, path)`: sqlglot writes DuckDB's `JSON_VALUE(j, path) ->> '$'`,
    which binds looser than `||`, so that `'4:' || JSON_VALUE(…)` would read the concatenation as JSON."""
    from sqlglot import exp

    if isinstance(expression, exp.JSONExtractScalar):
        return exp.Anonymous(this="json_extract_string", expressions=[expression.this, expression.expression])
    return expression


@functools.lru_cache(maxsize=32)  # tests and benchmarks run one query many times; sqlglot takes 0.1 s a query
def to_duckdb(sql: str) -> str:
    """BigQuery SQL → DuckDB SQL."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read="bigquery")
    return str(tree.transform(_array_agg_limit).transform(_json_value).sql(dialect="duckdb"))


PLANS_ON_STATISTICS = frozenset({"statistics_propagation", "compressed_materialization", "row_group_pruner"})
"""DuckDB's optimizer passes whose plan holds only for the rows whose statistics it read."""


class LocalEngine:
    """A DuckDB holding one Log Analytics view: in memory, or in a database file (`storage`) with a memory
    limit, so that tens of millions of entries spill to disk instead of exhausting memory."""

    on_retry: RetryFn | None = None
    """Never called: nothing here is retried."""

    def __init__(
        self,
        project: str,
        dataset: str,
        view: str = "_AllLogs",
        storage: Path | None = None,
        memory_limit: str | None = None,
        reuse_plans: bool = False,
        disabled_optimizers: Iterable[str] = (),
    ) -> None:
        """`reuse_plans`: DuckDB plans each query once (binding and optimizing the generated SQL costs more than
        running it on a few thousand rows) and runs that plan again on whatever rows `load_rows` puts in place
        of the last ones. `disabled_optimizers`: DuckDB's optimizer passes to skip (none changes an answer)."""
        import duckdb

        self.connection = duckdb.connect(":memory:")
        self.connection.execute("SET TimeZone = 'UTC'")
        disabled = set(disabled_optimizers)
        if reuse_plans:
            # A plan that outlives its rows may not rest on their statistics: the passes below turn them into the
            # plan (a filter no row passed becomes an empty result, a column's range a static filter), which
            # then answers for the old rows (duckdb/duckdb#23704; upstream skips the same pass for a prepared plan).
            disabled |= PLANS_ON_STATISTICS
        if disabled:
            self.connection.execute(f"SET disabled_optimizers = '{','.join(sorted(disabled))}'")
        self._plans: dict[str, str] | None = {} if reuse_plans else None
        if memory_limit is not None:
            self.connection.execute(f"SET memory_limit = '{memory_limit}'")
        if storage is not None:
            self.connection.execute("SET preserve_insertion_order = false")
            self.connection.execute(f"SET temp_directory = '{storage.parent / (storage.name + '.tmp')}'")
        self.project, self.dataset, self.view = project, dataset, view
        self.connection.execute(f"ATTACH '{storage or ':memory:'}' AS \"{project}\"")
        self.connection.execute(f'CREATE SCHEMA "{project}"."{dataset}"')
        self.table = f'"{project}"."{dataset}"."{view}"'
        self.last_sql: str | None = None

    def load_rows(self, rows: Iterable[dict[str, Any]]) -> int:
        """Create the view's table from rows (see `view_row`); returns how many were loaded."""
        count = 0
        with tempfile.NamedTemporaryFile("w", suffix=".ndjson", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, separators=(",", ":"), sort_keys=True) + "\n")
                count += 1
            handle.flush()
            self.load_ndjson(Path(handle.name))
        return count

    def load_ndjson(self, path: Path) -> None:
        """Create the view's table from an NDJSON file of rows (with `reuse_plans`: put them in place of the
        table's rows, so that the queries' plans stay bound to it)."""
        columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items()) + "}"
        rows = f"SELECT * FROM read_json('{path}', format = 'newline_delimited', columns = {columns})"
        if self._plans:  # plans are bound to the table: replace its rows, not the table
            self.connection.execute(f"DELETE FROM {self.table}")
            self.connection.execute(f"INSERT INTO {self.table} {rows}")
        else:
            self.connection.execute(f"CREATE OR REPLACE TABLE {self.table} AS {rows}")

    def columns(self, project: str, dataset: str, view: str) -> set[str]:
        rows = self.connection.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_schema = ? AND table_name = ?",
            [project, dataset, view],
        ).fetchall()
        if not rows:
            raise GardenerError(f"no view {view} in the dataset {project}.{dataset}", ExitCode.BAD_INPUT)
        return {str(name) for (name,) in rows}

    def estimate(self, sql: str) -> int | None:
        to_duckdb(sql)  # the query must transpile
        return None

    def run(self, sql: str) -> QueryResult:
        self.last_sql = to_duckdb(sql)
        started = time.perf_counter()
        if self._plans is None:
            cursor = self.connection.execute(self.last_sql)
        else:
            if (plan := self._plans.get(self.last_sql)) is None:
                plan = self._plans[self.last_sql] = f"plan_{len(self._plans)}"
                self.connection.execute(f"PREPARE {plan} AS {self.last_sql}")
            cursor = self.connection.execute(f"EXECUTE {plan}")
        elapsed = time.perf_counter() - started
        names = [column[0] for column in cursor.description or ()]

        def rows() -> Iterator[dict[str, Any]]:
            while batch := cursor.fetchmany(10_000):
                yield from (dict(zip(names, values, strict=True)) for values in batch)

        return QueryResult(rows(), QueryStats(slot_millis=round(elapsed * 1000)))
