"""What an entry's text says about itself: its declared level, its platform failure lines, its prefix.

Cloud Logging's severity is often not the application's: an entry written without one has none
(DEFAULT), and a container's stream decides it on GKE (stderr → ERROR, stdout → INFO). The text usually
declares the real level in a header (`[ERROR]`, `ERROR:app:`, `E1124 12:00:00.1 1 f.go:9]`, `level=error`,
`{"level":"error"}`) after a timestamp and before the message. `declared_level` reads that header;
`strip_prefix` removes timestamp, process id, level and component tags so that the same message reads the
same with and without them. Every pattern here is anchored or bounded: linear in the text's length.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from loggardener.entries.models import RecordLine, Severity
from loggardener.entries.stacks import LUA_FRAME
from loggardener.regexes import compile_regex

_ANSI = compile_regex(r"\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\x1b[@-Z\\-_]")
_HEAD_CHARS = 200

_LEVEL_WORDS: dict[str, Severity] = {
    "TRACE": Severity.DEBUG,
    "DEBUG": Severity.DEBUG,
    "DBG": Severity.DEBUG,
    "VERBOSE": Severity.DEBUG,
    "FINE": Severity.DEBUG,
    "INFO": Severity.INFO,
    "INF": Severity.INFO,
    "INFORMATION": Severity.INFO,
    "LOG": Severity.INFO,  # PostgreSQL, NestJS
    "NOTE": Severity.NOTICE,  # MySQL's `[Note]`
    "NOTICE": Severity.NOTICE,
    "WARN": Severity.WARNING,
    "WARNING": Severity.WARNING,
    "WRN": Severity.WARNING,
    "ERROR": Severity.ERROR,
    "ERR": Severity.ERROR,
    "EROR": Severity.ERROR,  # log15's (Grafana's, geth's `lvl=eror`)
    "SEVERE": Severity.ERROR,
    "CRITICAL": Severity.CRITICAL,
    "CRIT": Severity.CRITICAL,
    "FATAL": Severity.CRITICAL,
    "FTL": Severity.CRITICAL,  # Serilog's `{Level:u3}` (`[10:00:00 FTL]`), zerolog's console
    "PANIC": Severity.CRITICAL,
    "DPANIC": Severity.CRITICAL,  # zap's development panic, which production logs and goes on (zapdriver: CRITICAL)
    "ALERT": Severity.ALERT,
    "EMERGENCY": Severity.EMERGENCY,
    "EMERG": Severity.EMERGENCY,
}
# Tornado's (and Jupyter's) `[E 2022-01-21 13:51:42.825 JupyterHub web:1793]`: the level's initial
_TORNADO_LEVELS = {
    "D": Severity.DEBUG,
    "I": Severity.INFO,
    "W": Severity.WARNING,
    "E": Severity.ERROR,
    "C": Severity.CRITICAL,
}
# Redis' marks: `#` warning, `*` notice, `-` verbose, `.` debug
_REDIS_LEVELS = {"#": Severity.WARNING, "*": Severity.NOTICE, "-": Severity.DEBUG, ".": Severity.DEBUG}
_GLOG_LEVELS = {"I": Severity.INFO, "W": Severity.WARNING, "E": Severity.ERROR, "F": Severity.CRITICAL}
# pino / bunyan numeric levels
NUMERIC_LEVELS = ((60, Severity.CRITICAL), (50, Severity.ERROR), (40, Severity.WARNING), (30, Severity.INFO))
# (Serilog's JsonFormatter writes `Level`)
JSON_LEVEL_KEYS = ("severity", "level", "levelname", "log.level", "loglevel", "log_level", "lvl", "Level")
# A level number from 100 up is on another scale than pino's: Cloud Logging's LogSeverity (`"severity": 500`), or
# Monolog's (PHP: 100 debug, 200 info, 250 notice, 300 warning, 400 error, 500 critical…), which writes the level's
# name beside it. The name decides; without one, the number is a LogSeverity.
_SCALED_LEVEL = 100
_LEVEL_NAME_KEYS = ("level_name", *JSON_LEVEL_KEYS)
# A GELF record (Graylog's format; Spring Boot's `gelf` structured logging, logstash-gelf, gelf-client) names its
# message `short_message` and writes its `level` as a syslog number: 3 is an error there, not a debug line of pino's.
GELF_MESSAGE_FIELD = "short_message"
SYSLOG_LEVEL_NUMBERS = (
    Severity.EMERGENCY,
    Severity.ALERT,
    Severity.CRITICAL,
    Severity.ERROR,
    Severity.WARNING,
    Severity.NOTICE,
    Severity.INFO,
    Severity.DEBUG,
)

# sd-daemon(3)'s prefix: a program run by systemd, or one that follows its convention on stdout or stderr (Go's
# go-systemd and sdnotify loggers, Rust's systemd-journal-logger, the kernel's printk), writes its line's syslog
# level first: `<3>smtp: 535 …` (0 emerg, 1 alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug).
_SD_DAEMON_PREFIX = compile_regex(r"<([0-7])>(?=\S)")
SD_DAEMON_RAISING = r"^<[0-4]>\S"
"""A text whose sd-daemon prefix declares WARNING or above (RE2-safe, for the live and Log Analytics queries)."""
_LEVEL_ALTERNATION = "|".join(sorted(_LEVEL_WORDS, key=len, reverse=True))
LEVEL_WORDS_PATTERN = "(?:" + _LEVEL_ALTERNATION + ")"
"""The level words a line's header may name (RE2-safe)."""
# PHP's error log and php-fpm date their lines `[10-Jun-2025 13:00:00 UTC]` (a zone name, or none)
_PHP_DATE = (
    r"\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d(?:\.\d{1,9})?(?: UTC| GMT| [A-Z][a-z]{1,20}/[A-Za-z_]{1,30})?"
)
_TIMESTAMP = (
    _PHP_DATE
    # (Airflow's task log writes a comma after the date: `[2025-06-10, 13:00:00 UTC]`, and a zone offset of
    # hours alone where it has no minutes, ISO 8601's `±hh`: `[2022-05-26, 07:03:53 +03]`)
    + r"|\d{4}[-/]\d\d[-/]\d\d(?:(?:[T ]|, )\d\d:\d\d(?::\d\d)?(?:[.,]\d{1,9})?)?(?:\s?(?:Z|[+-]\d\d(?::?\d\d)?|UTC))?"
    # (Akka's `[06/10/2024 08:20:13.456]`)
    r"|\d\d/\d\d/\d{4},?\s\d\d?:\d\d(?::\d\d)?(?:[.,]\d{1,9})?(?:\s?[AP]M)?"
    # Log4j's `%d{yy/MM/dd HH:mm:ss}` (Spark's and Hadoop's default layout: Dataproc's driver and YARN logs)
    r"|\d\d/\d\d/\d\d \d\d:\d\d:\d\d(?:[.,]\d{1,9})?"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s[A-Z][a-z]{2}\s{1,2}\d\d?\s\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:\s\d{4})?"
    r"|[A-Z][a-z]{2}\s{1,2}\d\d?\s\d\d:\d\d:\d\d(?:\.\d+)?"
    r"|\d\d:\d\d:\d\d(?:[.,]\d{1,9})?"
)
_DOTNET_LEVELS = {
    "trce": Severity.DEBUG,
    "dbug": Severity.DEBUG,
    "info": Severity.INFO,
    "warn": Severity.WARNING,
    "fail": Severity.ERROR,
    "crit": Severity.CRITICAL,
}
# Headers of a logging library's fixed format, each read by its own table: glog/klog
# (`E1124 12:00:00.123456 1 main.go:42] `), Ruby's Logger (`E, [2025-06-10T13:00:00.123456 #1] ERROR -- app: `,
# the word gives the level) and .NET's console logger (`fail: Acme.Worker[0]` and the message on the next,
# indented line, or on the same line), Redis (`1:M 17 Sep 2020 17:13:18.198 # …`: the process, its role, the time,
# then a mark of the level; Redis 2 wrote `[1] 17 Sep 17:13:18.198 # …`) and Tornado (Jupyter: `[W 2022-01-21
# 13:51:42.825 JupyterHub base:393] …`, the level's initial, the time, the module and line). glog writes every line logged before `flag.Parse()` behind
# `ERROR: logging before flag.Parse: `, whatever its level: the `I`/`W`/`E`/`F` after it is the level.
_KNOWN_HEADER = compile_regex(
    r"\s*(?:(?:ERROR: logging before flag\.Parse: )?(?P<glog>[IWEF])\d{4} \d\d:\d\d:\d\d\.\d{1,9}\s{1,8}\d{1,10} [\w./-]{1,200}:\d{1,9}\]\s?"
    r"|[DIWEFA], \[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})? #\d{1,10}\]\s{1,8}"
    r"(?P<ruby>[A-Z]{3,7}) -- [^\n:]{0,200}: ?"
    r"|(?P<dotnet>trce|dbug|info|warn|fail|crit): [\w.`+<>-]{1,256}\[\d{1,10}\](?:\r?\n[ \t]{1,16}| |$)"
    r"|(?:\d{1,10}:[XCSM]|\[\d{1,10}\]) \d\d? [A-Z][a-z]{2}(?: \d{4})? \d\d:\d\d:\d\d\.\d{3} (?P<redis>[.*#-]) "
    r"|\[(?P<tornado>[DIWEC]) (?:\d{4}-\d\d-\d\d|\d{6}) \d\d:\d\d:\d\d(?:[.,]\d{1,6})? [^\]\n]{1,128}\] ?"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})? \| (?P<loguru>[A-Z]{4,8}) {0,8}\| "
    r"[^\s:|]{1,200}:[^\s:|]{1,200}:\d{1,9} - "
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d) "
    r"(?P<swift>trace|debug|info|notice|warning|error|critical) [\w.-]{1,200} : (?:[\w.-]{1,64}=[^\s=]{0,200} ){0,16}"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})?\|(?P<nlog>TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\|[^\s|]{1,200}\|"
    r"|[A-Z][a-z]{2} \d\d, \d{4} \d\d?:\d\d:\d\d [AP]M \S{1,300}(?: \S{1,200})?\r?\n"
    r"(?P<jul>SEVERE|WARNING|INFO|CONFIG|FINEST|FINER|FINE): )"
)
# Loguru's default format (`2025-06-10 13:00:00.123 | ERROR    | app.jobs:run:88 - message`: its level padded
# between bars, then the module, function and line), and swift-log's stream handler (Vapor: `2025-06-10T13:00:00
# +0000 error codes.vapor.application : request-id=5C1F… message`: the level, the logger's label, a colon and the
# metadata's `key=value` pairs), and NLog's default layout (`${longdate}|${level:uppercase=true}|${logger}|${message}`:
# `2025-06-10 13:00:00.1234|ERROR|Acme.Orders.Service|message`), and java.util.logging's SimpleFormatter (the JDK's
# default: `Jan 15, 2026 1:05:09 PM com.acme.Servlet doPost` (the time, the caller's class and method, or the
# logger's name), then the level and the message on the next line: `SEVERE: Invoice generation failed`; CONFIG and
# the FINE levels are below INFO)
_LOGURU_LEVELS = {**_LEVEL_WORDS, "SUCCESS": Severity.INFO}
_SWIFT_LEVELS = {
    word: _LEVEL_WORDS[word.upper()] for word in ("trace", "debug", "info", "notice", "warning", "error")
}
_SWIFT_LEVELS["critical"] = Severity.CRITICAL
_JUL_LEVELS = {
    "SEVERE": Severity.ERROR,
    "WARNING": Severity.WARNING,
    "INFO": Severity.INFO,
    **dict.fromkeys(("CONFIG", "FINE", "FINER", "FINEST"), Severity.DEBUG),
}
_KNOWN_HEADER_RULES: dict[str, tuple[str, dict[str, Severity]]] = {
    "glog": ("glog-header", _GLOG_LEVELS),
    "ruby": ("ruby-logger-header", _LEVEL_WORDS),
    "dotnet": ("dotnet-logger-header", _DOTNET_LEVELS),
    "redis": ("redis-header", _REDIS_LEVELS),
    "tornado": ("tornado-header", _TORNADO_LEVELS),
    "loguru": ("loguru-header", _LOGURU_LEVELS),
    "swift": ("swift-log-header", _SWIFT_LEVELS),
    "nlog": ("nlog-header", _LEVEL_WORDS),
    "jul": ("jul-header", _JUL_LEVELS),
}
# PostgreSQL writes its level then a colon and two spaces (`FATAL:  password authentication failed`). Its
# FATAL ends one session (a refused or dropped connection), not the server (PANIC does): ERROR
# (`postgres-fatal`).
# PostgreSQL's lines that continue a message (their level is the message's)
_PG_CONTINUATIONS = "DETAIL|HINT|STATEMENT|CONTEXT|QUERY|LOCATION"
CONTINUATION_PATTERN = r"\b(?:" + _PG_CONTINUATIONS + r"):  "
"""A superset of the lines `record_line` reads as PostgreSQL's continuation (RE2-safe, for Log Analytics)."""
_CONTINUATION_LINE = compile_regex(r"(?:" + _PG_CONTINUATIONS + r"):  \S")
RECORD_HEAD_PATTERN = r"^\[?[0-9]"
"""A superset of the lines `record_line` reads as a record's head (RE2-safe)."""
RECORD_BARE_PATTERN = r"^[A-Za-z]"
"""A superset of the lines `record_line` reads as bare (RE2-safe)."""
# A record's first line that carries no level, the place it was logged from: java.util.logging's SimpleFormatter
# (and Tomcat's default format) writes `Dec 01, 2026 5:00:00 AM com.example.Foo doWork`, then `SEVERE: message`.
# A month's name (any locale's) or an ISO date, a time (AM/PM optional), a dotted class name and a method.
PREAMBLE_PATTERN = (
    r"^(?:[^\W\d_]{3,9}\.? [0-9]{1,2},? [0-9]{4}|[0-9]{1,2} [^\W\d_]{3,9}\.? [0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r" [0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]{1,9})?(?: ?[AaPp]\.? ?[Mm]\.?)?"
    r" [A-Za-z_$][\w$]*(?:\.[\w$]+)+ [\w$<>-]+\r?\n?$"
)
"""The lines `is_preamble` reads as a record's preamble."""
_PREAMBLE = compile_regex(PREAMBLE_PATTERN)
RECORD_PREAMBLE_PATTERN = (
    r"^(?:\pL{3,9}\.? [0-9]{1,2},? [0-9]{4}|[0-9]{1,2} \pL{3,9}\.? [0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r" [0-9]{1,2}:[0-9]{2}:[0-9]{2}"
)
"""A superset of the lines `is_preamble` reads as a record's preamble (RE2-safe, for Log Analytics)."""
# SQL Server's error log (ERRORLOG: a container's output, Cloud SQL for SQL Server's `sqlserver.err`) dates each
# line to the centisecond and names its source (`Logon`, `Server`, `spid51`, `spid7s`) in a column padded to 12
# characters (two blanks at least after it: one, as in `… 17:00:00.12 Starting server`, is a sentence). It writes
# an error as two lines at one instant: `2023-02-06 18:17:02.56 Logon       Error: 18456, Severity: 14, State: 40.`
# (the record's first line: its level, number and state), then what failed (`… Logon       Login failed for user
# 'app'. Reason: Failed to open the database 'orders' specified in the login properties. [CLIENT: 10.0.0.7]`).
_ERRORLOG_HEADER = r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{2} (?:spid[0-9]{1,6}s?|[A-Z][a-z]{1,19})  +"
_ERRORLOG_LINE = compile_regex(
    _ERRORLOG_HEADER + r"(Error: [0-9]{1,6}, Severity: [0-9]{1,2}, State: [0-9]{1,3}\.\s*$)?"
)
RECORD_LEVEL_PATTERN = r"^\pL{3,20}:|^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{2} "
"""A superset of the lines `record_line` reads as a level line, and of SQL Server's error log lines (RE2-safe)."""
# The line after a preamble: a level word and a colon first (`SEVERE: …`, `WARNUNG: …`, Python's `ERROR:root:…`)
_LEVEL_LINE = compile_regex(r"[^\W\d_]{3,20}:")
_PREFIX_TOKENS = compile_regex(
    # Serilog's default console template, `[{Timestamp:HH:mm:ss} {Level:u3}] {Message}`: the time and the level
    # (`ERR`, `WRN`, `FTL`) in one bracket (`[10:00:00 ERR] …`)
    r"\[(?:" + _TIMESTAMP + r") (?P<tlevel>(?i:" + _LEVEL_ALTERNATION + r"))\]:?"
    r"|(?P<ts>\[?(?:"
    + _TIMESTAMP
    + r")\]?:?|\[\s{0,12}\d{1,10}\.\d{6}\])"  # and the kernel's `[   12.345678]`
    # an access line's client address, identity, user and time (common and combined log formats, werkzeug)
    r"|(?P<access>(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]{0,4}:[0-9a-fA-F:.]{1,45}) \S{1,64} \S{1,256}"
    r" \[\d\d/[A-Z][a-z]{2}/\d{4}[: ]\d\d:\d\d:\d\d(?: [+-]\d{4})?\])"
    # Apache's `[php:warn]`, `[:error]`; Log4j's and Logback's padded `%-5p` and `%5p` (Elasticsearch's
    # `[WARN ]`, `[ INFO]`)
    r"|\[ {0,4}(?:[\w-]{0,32}:)?(?P<blevel>(?i:" + _LEVEL_ALTERNATION + r")) {0,4}\]:?"
    r"|<(?P<alevel>(?i:" + _LEVEL_ALTERNATION + r"))>:?"
    # Celery's `[2025-06-10 13:00:00,123: ERROR/MainProcess]`: the level and the process that logged it close
    # the bracket its time opens
    r"|(?P<slevel>(?:" + _LEVEL_ALTERNATION + r"))/[\w.:-]{1,64}\]:?"
    # Monolog's (Laravel's, Symfony's) channel and level: `[2025-06-10 13:00:00] production.ERROR: …`
    r"|[A-Za-z][\w-]{0,63}\.(?P<mlevel>DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT|EMERGENCY):(?=\s)"
    r"|(?P<plevel>(?:" + _LEVEL_ALTERNATION + r"))(?::(?=[\w.-]{0,64}:)[\w.-]{0,64}:|:|(?=\s))"
    r"|(?P<cword>(?i:error|warning|warn|info|debug)):?(?=\s)"
    r"|(?P<continuation>(?:" + _PG_CONTINUATIONS + r")):(?=\s)"
    # Next.js' marks before an error (`⨯`) or a warning (`⚠`) it prints; the line after says its level itself
    r"|(?P<marker>[\u2a2f\u26a0](?=\s))"
    # `[1]`, `(1)`, Python logging's process and thread `(7/MainThread)`, `1 ---`; PostgreSQL's `[92001]:` and
    # session line `[7-1]`; nginx's `29#29:` and connection `*1234`; Apache's `[pid 18:tid 140]`; MySQL's thread
    # id before its `[ERROR]`; Sidekiq's process and thread `10117 TID-owed9kmd8`, since Sidekiq 6 as pairs with
    # the job's context after them (`pid=1 tid=2lkf class=SyncJob jid=5f0c… elapsed=0.41`); an Erlang process
    # (RabbitMQ's `[warning] <0.2375.628>`)
    # a bar between a header's columns (`08:00:00.123 | ERROR   | Flow run 'x' - …`, Prefect's; `%(asctime)s |
    # %(levelname)s | %(name)s | %(message)s`): only after a time or a level (`_after_bar_column`)
    r"|(?P<bar>\|)(?=\s)"
    r"|(?P<pid>\[\d{1,10}\]:?|<\d{1,10}\.\d{1,10}\.\d{1,10}>|\(\d{1,10}(?:/[A-Za-z][\w.-]{0,63})?\)|\d{1,10}(?=\s+-{1,3}\s)|-{1,3}(?=\s)"
    r"|\[\d{1,10}-\d{1,10}\]|\d{1,10}#\d{1,10}:|\*\d{1,20}(?=\s)|\[pid \d{1,10}(?::tid \d{1,20})?\]"
    r"|\d{1,10}(?=\s\[)|\d{1,10} TID-[0-9A-Za-z]{1,32}(?=\s)"
    r"|pid=\d{1,10} tid=[0-9a-z]{1,32}(?: [a-z_]{1,32}=[^\s=]{1,256}){0,8}(?=\s))"
    # JBoss', WildFly's, Quarkus' (Keycloak's) thread after the category: `WARN  [org.keycloak.events] (default
    # task-11) …` (after a level and a tag only)
    r"|(?P<thread>\([^()\n]{1,80}\))(?=\s)"
    # (Spring Boot pads its thread's name on the left: `[           main]`)
    r"|(?P<tag>\[ {0,40}[^\]\s]{1,64}\]|\{[^}\s]{1,64}\}|\[Nest\]|\[(?:client|remote) [^\]\s]{1,64}\]"
    # a component named in words, right before a bracketed level (`[Pipeline API] [WARN] …`)
    r"|\[[A-Za-z][\w.-]{0,40}(?: [A-Za-z][\w.-]{0,40}){1,3}\](?= \[ {0,4}(?i:"
    + _LEVEL_ALTERNATION
    + r") {0,4}\])"
    r'|Step #\d{1,4}(?: - "[^"\n]{0,128}")?:'  # Cloud Build's step, and its id
    # Kafka's log identity, a name and its `key=value` pairs (`[ReplicaFetcher replicaId=1, leaderId=3, fetcherId=0]`)
    r"|\[[A-Za-z][\w-]{0,40}(?: [\w.-]{1,40}=[^\],\s=]{0,80},?){1,8}\]"
    # CoreDNS' plugin (`[ERROR] plugin/errors: 2 api.example.com. A: …`: the errors plugin's response code too)
    r"|plugin/errors: \d{1,3}(?= )|plugin/[a-z0-9_]{1,32}:(?=\s))"
    # PostgreSQL's `db=orders,user=app` (after a timestamp or process id only)
    r"|(?P<session>(?:db|user|app|client|host|remote)=[^\s,]{0,128}(?:,[a-z_]{1,16}=[^\s,]{0,128}){0,8}(?=\s))"
    # Elixir Logger's default `$time $metadata[$level] $message`: the metadata's `key=value` pairs before the level
    # (Phoenix's `10:00:00.123 request_id=F6x [error] …`)
    r"|(?P<metadata>[a-z_][a-z0-9_]{0,31}=[^\s\[]{1,128}(?: [a-z_][a-z0-9_]{0,31}=[^\s\[]{1,128}){0,7}"
    r"(?= \[(?i:" + _LEVEL_ALTERNATION + r")\]))"
    # Flask's default `[time] LEVEL in module: message` (after a level only)
    r"|(?P<module>in [A-Za-z_][\w.]{0,63}:(?=\s))"
    r"|(?P<component>[A-Za-z][\w.-]{0,63}:(?=\s))"
    r"|(?P<location>[\w./-]{1,200}\.\w{1,8}:\d{1,9}:?(?=\s))"
    # Spring Boot's logger, padded to its column before ` : ` (`o.s.boot.SpringApplication      : …`,
    # `o.a.c.c.C.[.[.[/].[dispatcherServlet] : …`): only after its `--- [thread]` (`_header_end`)
    r"|(?P<logger>[^\s:\[\]][^\s:]{0,99} {1,48}:(?=\s))"
)
# nginx's error log: `2025/06/10 13:00:00 [error] 29#29: *1234 connect() failed …, client: 10.0.0.1, server: _,
# request: "GET / HTTP/1.1", upstream: "http://…", host: "…"`; the request's context follows the message
_NGINX_PROCESS = compile_regex(r"\d{1,10}#\d{1,10}:")
_NGINX_CONTEXTS = (", client: ", ", context: ")
_NGINX_UPSTREAM = compile_regex(r', upstream: "([^"\s]{1,500})"')
NGINX_UPSTREAM_FIELD = ', upstream: "'
"""How nginx's error log names, in the request's context, the upstream a request was passed to."""


_HEADER_TAG = compile_regex(r"\[([A-Za-z][\w.-]{0,39})\] ")
"""A component's tag in brackets at the head of a line (`[mysql] 2026/11/05 09:00:04 packets.go:37: unexpected EOF`:
go-sql-driver's logger)."""


def header_tag(text: str) -> str:
    """The component a line's header names in brackets (`mysql`), which `strip_prefix` removes with the header; ""
    when it begins with none, or with a level word (`[ERROR]`)."""
    found = _HEADER_TAG.match(text) if text[:1] == "[" else None
    if found is None or found.group(1).upper() in _LEVEL_WORDS:
        return ""
    return found.group(1)


def nginx_upstream(text: str) -> str:
    """The upstream an nginx error line's request context names (`…, upstream: "http://10.8.6.14:8080/x", host:
    …`), which `strip_prefix` removes with the context; "" when its first line names none."""
    first = text.partition("\n")[0]
    found = _NGINX_UPSTREAM.search(first) if NGINX_UPSTREAM_FIELD in first else None
    return found.group(1) if found is not None else ""


KUBERNETES_SERVICE_FIELD = "serviceName="
_KUBERNETES_SERVICE_FIELDS = compile_regex(
    r'(?:^| )namespace="?([a-z0-9][a-z0-9-]{0,62})"? (?:(?:(?!namespace=)[^\n])*? )?'
    r'serviceName="?([a-z0-9][a-z0-9-]{0,62})"?(?= |$)',
    re.MULTILINE,
)
"""A structured line's fields naming a Kubernetes Service (Traefik's logfmt: `level=error msg="Skipping service: no
endpoints found" ingress=cart namespace=shop providerName=kubernetes serviceName=cart …`)."""


def kubernetes_service_fields(text: str) -> str:
    """The Kubernetes Service (`shop/cart`) a logfmt line's `namespace` and `serviceName` fields name, which
    `strip_prefix` removes with the line's other fields; "" when its first line names none."""
    first = text.partition("\n")[0]
    found = _KUBERNETES_SERVICE_FIELDS.search(first) if KUBERNETES_SERVICE_FIELD in first else None
    return f"{found.group(1)}/{found.group(2)}" if found is not None else ""


# OpenResty's (Kong's) Lua function after its file and line: `[lua] dns.lua:152: dns_lookup(): …`
_FUNCTION_AFTER_LOCATION = compile_regex(r" {1,4}[A-Za-z_][\w.:]{0,63}\(\):(?=\s)")
# After a header's first token (syslog's timestamp), where no token above matches: syslog's host and program
# (`worker-1 systemd[1]:`, `worker-1 kernel:`), or a component before a level word (`OSConfigAgent Error`)
_SYSLOG_PROGRAM = compile_regex(r"[\w.-]{1,253} (?:[\w./-]{1,64}\[\d{1,10}\]|kernel):(?=\s)")
# A program's name, after its host or not, before the date and time it writes itself: syslog's forwarded line of
# a program with its own time (`db-1 cloud_sql_proxy: 2018/06/27 08:59:30 …`, `worker[7]: 2026-01-02T03:04:05Z …`).
# Only names that look like a host or a program (a pid, or a digit, `.`, `-`, `_` or `/` in the name), so words
# before a time (`Next run: 2026-…`, `last seen: 2026-…`) stay the message.
_MARKED_NAME = r"[A-Za-z][A-Za-z]{0,63}[\d._/-][\w./-]{0,63}"
_PROGRAM_BEFORE_TIME = compile_regex(
    r"(?:[\w.-]{1,253} [A-Za-z][\w./-]{0,63}\[\d{1,10}\]|[A-Za-z][\w./-]{0,63}\[\d{1,10}\]"
    r"|(?:[\w.-]{1,253} )?" + _MARKED_NAME + r"|[\w]{0,63}[\d.-][\w.-]{0,190} [A-Za-z][\w./-]{0,63})"
    r":[ \t]{1,4}(?=\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d)"
)
# zap's console encoder (Istio's components) writes `time\tlevel\tscope\tmessage`; Istio's Envoy writes its
# logger and source place as the scope (`…Z\twarning\tenvoy config external/envoy/source/…/grpc_stream.h:193\t…`)
_TABBED_SCOPE = compile_regex(r"(?:envoy [\w.-]{1,40} [\w./-]{1,300}:\d{1,6}|[a-z][\w.-]{0,40})\t")
_BARE_COMPONENT = compile_regex(
    r"(?P<component>[A-Za-z][\w.-]{0,63})\s+(?:[-|:]\s+)?(?=(?:"
    + _LEVEL_ALTERNATION
    + r"|Error|Warning|Info)\b)"
)
_LOCATION = compile_regex(r"[\w./-]{1,200}\.\w{1,8}:\d{1,9}")
# Python's warnings module: `/app/x.py:16: UserWarning: message` (its source line follows on the next line).
PY_WARNING = compile_regex(r"^\S{1,500}\.py:\d{1,9}: (?P<category>[A-Z]\w{0,80}Warning): ")
# php-fpm relays what its workers write to stderr, under its own level: `[10-Jun-2025 13:00:00] WARNING: [pool www]
# child 12 said into stderr: "…"`, or `NOTICE: PHP message: …` (PHP's error_log), or both, the second inside the
# first's quotes (`… said into stderr: "NOTICE: PHP message: PHP Fatal error:  …"`). Its level is the relay's;
# the relayed text declares its own (`PHP Fatal error:  …`), or none.
_FPM_RELAY = compile_regex(
    r"\s{0,8}(?:\[" + _PHP_DATE + r"\]\s)?(?:[A-Z]{4,7}: )?"
    r"(?:\[pool [^\]\s]{1,64}\] child \d{1,10} said into std(?:err|out): \"(?:(?:[A-Z]{4,7}: )?PHP message: )?"
    r"|PHP message: )"
)
_QUOTED_RELAY = "said into std"
# nginx relays what a FastCGI server (php-fpm) wrote to stderr under its own `[error]`, whatever it was, after its
# header and before the request's context: `2025/06/10 13:00:00 [error] 29#29: *1234 FastCGI sent in stderr: "PHP
# message: PHP Deprecated:  …" while reading response header from upstream, client: …`. The relayed text's level
# counts where it declares one (a deprecation is a notice), nginx's where it declares none.
FASTCGI_RELAY_WORDS = "FastCGI sent in std"
_FASTCGI_RELAY = compile_regex(r'[ \t]{0,8}FastCGI sent in std(?:err|out): "(?:PHP message: )?')
_FASTCGI_CONTEXT = '" while '
# PHP's own level, after its error log's date (`PHP Warning:  Undefined variable $x in /app/a.php on line 3`)
_PHP_LEVEL = compile_regex(
    r"\s{0,8}PHP (?P<level>Fatal error|Parse error|(?:Recoverable|Catchable) fatal error|Warning|Notice|Deprecated"
    r"|Strict Standards):\s"
)
# E_STRICT (`Strict Standards`) is PHP's advice on code, as a notice is; only the fatal kinds are errors
_PHP_LEVELS = {
    "Warning": Severity.WARNING,
    "Notice": Severity.NOTICE,
    "Deprecated": Severity.NOTICE,
    "Strict Standards": Severity.NOTICE,
}
_LOGFMT_LEVEL = compile_regex(r"(?:^|\s)(?:level|lvl|severity)=\"?(?P<level>[A-Za-z]{3,11})\"?(?=\s|$)")


@dataclass(frozen=True)
class Declared:
    """A level the text declares, and the rule that found it."""

    severity: Severity
    rule: str


def literal(text: str) -> str:
    """A regular expression that matches `text` as it is, in Python and in RE2 (BigQuery), which rejects some of
    the escapes `re.escape` writes."""
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


def strip_ansi(text: str) -> str:
    """Remove ANSI colour and cursor codes (NestJS, pino-pretty and others colour their headers)."""
    return _ANSI.sub("", text) if "\x1b" in text else text


def level_word(word: str) -> Severity | None:
    return _LEVEL_WORDS.get(word.strip().upper())


def header_only(line: str) -> bool:
    """True when `line` is a record's header and nothing else, its level in capitals last (`FATAL`, `2024-05-01
    10:00:00 ERROR`): a blank line of a report logged one record per line (Rails' `logger.fatal "  "` under a
    `SEVERITY message` formatter), its level said but no message. A capitalised `Error` alone is an exception's
    name (Node.js prints it before its frames), not this."""
    head = line.strip()
    word = head.rpartition(" ")[2]
    return word.isupper() and word in _LEVEL_WORDS and _header_end(head + " ") >= len(head)


def json_level(payload: dict[str, object]) -> Severity | None:
    """The level a JSON object declares in `severity`, `level`, `levelname`… (a name, or a number: pino's, below
    100, else `_number_level`'s)."""
    for key in JSON_LEVEL_KEYS:
        value = payload.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            continue
        if isinstance(value, dict):
            word = _nested_level(value)
            if word is not None:
                return word
            continue
        if isinstance(value, (int, float)):
            return _number_level(value, payload)
        if isinstance(value, str):
            # (winston's `colorize()` before `json()` writes the level coloured: `"level": "\x1b[31merror\x1b[39m"`)
            word = level_word(strip_ansi(value))
            if word is not None:
                return word
            if value.strip().isdigit():
                return _number_level(int(value.strip()), payload)
    return None


# The name in a level written as an object: log4js' `{"level": 40000, "levelStr": "ERROR", "colour": "red"}`,
# loguru's `{"icon": "…", "name": "ERROR", "no": 40}`, a pino formatter's `{"label": "error", "value": 50}`
NESTED_LEVEL_NAMES = ("levelStr", "name", "label", "levelname", "levelName")


def _nested_level(level: dict[object, object]) -> Severity | None:
    """The level word an object written for a level holds under a name key (`NESTED_LEVEL_NAMES`); its
    numbers are on scales of their own (log4js' 40000, loguru's 40, pino's 50), so none is read."""
    return _level_named_under(level, NESTED_LEVEL_NAMES)


def _level_named_under(
    fields: dict[object, object] | dict[str, object], keys: tuple[str, ...]
) -> Severity | None:
    """The first level word `fields` holds under one of `keys`, in their order."""
    for key in keys:
        name = fields.get(key)
        if isinstance(name, str):
            word = level_word(name)
            if word is not None:
                return word
    return None


def _number_level(value: float, payload: dict[str, object]) -> Severity:
    """A level number: a GELF record's syslog number (0 to 7); pino's and bunyan's below 100; from 100 up, the
    level name written beside it (Monolog's `level_name`), else a LogSeverity number."""
    if GELF_MESSAGE_FIELD in payload and 0 <= value < len(SYSLOG_LEVEL_NUMBERS):
        return SYSLOG_LEVEL_NUMBERS[int(value)]
    if not value >= _SCALED_LEVEL:  # (or no number at all: NaN)
        return next((severity for floor, severity in NUMERIC_LEVELS if value >= floor), Severity.DEBUG)
    word = _level_named_under(payload, _LEVEL_NAME_KEYS)
    if word is not None:
        return word
    return Severity.parse(int(value)) if value < 2**63 else Severity.EMERGENCY


def declared_level(text: str) -> Declared | None:
    """The level the first line of `text` declares in its header, or None."""
    head = strip_ansi(text[:_HEAD_CHARS]).lstrip()
    relay = _FPM_RELAY.match(head)
    if relay is not None:  # the relayed text's level, not php-fpm's
        return _declared(head[relay.end() :], None)
    fastcgi = _fastcgi_relay(head)
    if fastcgi is not None:  # the relayed text's level where it declares one, else nginx's
        return _declared(head[fastcgi:], None) or _declared(head, text)
    return _declared(head, text)


def _fastcgi_relay(line: str) -> int | None:
    """Where the text nginx relays from a FastCGI server starts, when its header is followed by
    `FastCGI sent in stderr: "` (`_FASTCGI_RELAY`), or None."""
    if FASTCGI_RELAY_WORDS not in line:
        return None
    relay = _FASTCGI_RELAY.match(line, _header_end(line.split("\n", 1)[0]))
    return relay.end() if relay is not None else None


def _declared(head: str, text: str | None) -> Declared | None:
    """`declared_level` of a header (`text`, when given, is the whole text the header starts)."""
    sd_daemon = _SD_DAEMON_PREFIX.match(head) if head.startswith("<") else None
    if sd_daemon is not None:
        return Declared(SYSLOG_LEVEL_NUMBERS[int(sd_daemon[1])], "sd-daemon-prefix")
    if head.startswith("{") and text is not None:
        level = _json_text_level(text) if text.rstrip().endswith("}") else _cut_json_level(head)
        if level is not None:
            return Declared(level, "json-level-in-text")
    known = _KNOWN_HEADER.match(head)
    if known is not None:
        kind = known.lastgroup or ""
        rule, levels = _KNOWN_HEADER_RULES[kind]
        level = levels.get(known[kind])
        return Declared(level, rule) if level is not None else None
    if PY_WARNING.match(head):
        return Declared(Severity.WARNING, "python-warning")
    first_line = head.split("\n", 1)[0]
    if first_line[:1] in _REGISTRY_INITIALS and _REGISTRY_ERROR.match(first_line):
        return Declared(Severity.ERROR, "registry-error")
    for kind, value in _header_tokens(first_line):
        if kind in ("blevel", "alevel", "slevel", "tlevel"):
            return Declared(_LEVEL_WORDS[value.upper()], "bracketed-level")
        if kind == "mlevel":
            return Declared(_LEVEL_WORDS[value], "level-header")
        if kind == "plevel":
            if value == "FATAL" and "FATAL:  " in first_line:
                return Declared(Severity.ERROR, "postgres-fatal")
            return Declared(_LEVEL_WORDS[value.upper()], "level-header")
        if kind == "cword":
            return Declared(_LEVEL_WORDS[value.upper()], "level-word")
    logfmt = _LOGFMT_LEVEL.search(first_line)
    if logfmt is not None:
        level = level_word(logfmt["level"])
        if level is not None:
            return Declared(level, "logfmt-level")
    start = _header_end(first_line)
    failure = _FAILURE_LINE.match(first_line, start)
    if failure is not None:
        return Declared(_FAILURE_LEVELS[failure.lastgroup or ""], "failure-line")
    php = _PHP_LEVEL.match(first_line, start)
    if php is not None:
        return Declared(_PHP_LEVELS.get(php["level"], Severity.ERROR), "php-level")
    if _REPORTED_EXCEPTION.search(first_line, start) is not None:
        return Declared(Severity.ERROR, "failure-line")
    return None


# A container registry's error as Docker, Podman, crane or skopeo print it, the registry's error code in lower case
# before its message (`denied: requested access to the resource is denied`, `unauthorized: authentication
# required`, `toomanyrequests: You have reached your pull rate limit.`, `manifest unknown: …`), also after Cloud
# Build's step prefix (`Step #3 - "push": denied: Permission "artifactregistry.repositories.uploadArtifacts" denied
# on resource …`): a push or pull that failed
_REGISTRY_ERROR = compile_regex(
    r'(?:Step #\d{1,4}(?: - "[^"\n]{0,200}")?: )?'
    r"(?:denied|unauthorized|toomanyrequests|(?:name|manifest|blob) unknown|(?:name|tag|manifest|digest) invalid)"
    r": \S"
)
_REGISTRY_INITIALS = frozenset("Sdutnmbd")


# A line that is itself a failure, whatever logged it: an exception's header line alone (Python, Java, Node.js,
# .NET, Ruby: `TypeError: …`, `java.lang.OutOfMemoryError: …`), a runtime's crash line (PHP, the JVM, .NET,
# CPython, C++, a signal), npm's and git's errors, logrus' text format (`ERRO[0001] …`).
# A class name, qualified or not, before its `Error` / `Exception` (`java.lang.OutOfMemory`, `billing.Quota`);
# or the base class itself (Node.js's and PHP's `Error`, Python's and Java's `Exception`, `java.lang.Exception`)
_QUALIFIER = r"(?:[A-Za-z_$][\w$]{0,100}\.){0,16}"
_CLASS_NAME = _QUALIFIER + r"[A-Z][\w$]{0,100}"
_EXCEPTION_CLASS = r"(?:" + _CLASS_NAME + r"(?:Error|Exception)|" + _QUALIFIER + r"(?:Error|Exception))"
_RAILS_EXCEPTION_LINE = r"(?:[A-Z]\w{0,100}::){1,8}[A-Z]\w{0,100} \([^\n]{0,4000}\):\s*$"
_FAILURE_LINE = compile_regex(
    r"\s{0,8}(?:"
    r"(?P<error>(?:" + _EXCEPTION_CLASS + r"|" + _CLASS_NAME + r"Fault)(?::\s|:?\s*$)"
    r'|Exception in thread "|Unhandled [Ee]xception[.:]|Uncaught (?:[Ee]xception|\w{0,64}Error)\b'
    r"|PHP (?:Fatal|Parse|Recoverable fatal) error: |Fatal Python error: |terminate called after throwing "
    r"|#\s{1,4}(?:A fatal error has been detected by the Java Runtime Environment:"
    r"|There is insufficient memory for the Java Runtime Environment to continue\.)"
    r"|Segmentation fault\b|Bus error\b|[^\n]{0,200}\(core dumped\)|fatal: |ERRO\["
    # npm's errors (`npm error` since npm 10), also after a header that took `npm` for a program's name
    r"|npm (?:ERR!|error) |(?<=npm )(?:ERR!|error) "
    # Play's error handler, before the exception's stack: `! @7k3j2l9m0 - Internal server error, for (GET) [/x] ->`
    r"|! @\w{1,32} - Internal server error, for \("
    # Rails' report of a request's exception, after the request's tags, in any class (`ActiveRecord::RecordNotFound
    # (Couldn't find User with 'id'=9):`), where a stream keeps no logger's header (Cloud Run's stdout)
    r"|" + _RAILS_EXCEPTION_LINE + r")"
    r"|(?P<critical>FATA\[|PANI\[)"
    r"|(?P<warning>PHP Warning: |WARN\[)"
    r")"
)
_EXCEPTION_NAME = compile_regex(r"[A-Z][\w$]{0,100}(?:Error|Exception):")
# A message that reports an exception by name after a colon (`Setup failed: ModuleNotFoundError: No module …`)
_REPORTED_EXCEPTION = compile_regex(r": " + _EXCEPTION_CLASS + r": \S")
_FAILURE_LEVELS = {"error": Severity.ERROR, "critical": Severity.CRITICAL, "warning": Severity.WARNING}


# The head of a JSON record cut short, its level among its first keys: a line longer than the container runtime's
# limit (16 KiB: containerd, Docker) that a shipper forwarded in parts (CRI's `P` flag), or a text cut by a size limit
_CUT_JSON_LEVEL = compile_regex(
    r'\{[^{}\n]{0,300}?"(?:level|severity|levelname|log\.level|loglevel|log_level|lvl)"\s{0,4}:\s{0,4}"([A-Za-z]{3,11})"'
)


def _cut_json_level(head: str) -> Severity | None:
    """The level a JSON record cut short names in its first keys (`{"level":"error","ts":…` without its end)."""
    found = _CUT_JSON_LEVEL.match(head)
    return level_word(found.group(1)) if found is not None else None


def _json_text_level(text: str) -> Severity | None:
    if len(text) > 65_536:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return json_level(value) if isinstance(value, dict) else None


def _header_tokens(line: str) -> list[tuple[str, str]]:
    """The tokens of a line's header (timestamps, levels, tags), in order, up to the message."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while len(tokens) < 8:
        while position < len(line) and line[position] in " \t":
            position += 1
        match = _PREFIX_TOKENS.match(line, position)
        program = None if tokens else _leading_program(line, position, match)
        if program is not None:
            tokens.append(("syslog", program[0].rstrip(" \t:")))
            position = program.end()
            continue
        if match is None:
            late = _late_token(line, position) if tokens else None
            if late is None:
                break
            kind, value, position = late
            tokens.append((kind, value.rstrip(":")))
            continue
        kind = match.lastgroup or ""
        if kind == "thread" and not (
            tokens and (tokens[-1][0] == "tag" or (tokens[-1][0] == "ts" and _level_ahead(line, match.end())))
        ):
            break
        if kind == "bar" and not (tokens and _after_bar_column(tokens[-1][0])):
            break
        tokens.append((kind, match[kind].rstrip(":")))
        position = match.end()
        if kind in ("cword", "continuation", "location", "logger"):
            break
    return tokens


_LEVEL_AHEAD = compile_regex(r"[ \t]{1,8}(?:" + _LEVEL_ALTERNATION + r")\b")


# The logger's column between bars after the level's (`… | ERROR | shop.jobs | message`)
_BAR_COLUMN = compile_regex(r"\s{0,8}[\w.:/-]{1,100} {1,48}\|(?=\s)")


def _after_bar_column(kind: str) -> bool:
    """A bar after a token of `kind` separates a header's columns: after a time or a level."""
    return kind == "ts" or kind in _LEVEL_KINDS


def _level_ahead(line: str, position: int) -> bool:
    """An upper-case level word comes next (after blanks), at `position`."""
    return _LEVEL_AHEAD.match(line, position) is not None


def _late_token(line: str, position: int) -> tuple[str, str, int] | None:
    """After a header's first token, where no `_PREFIX_TOKENS` matches: syslog's host and program, or a bare
    component before a level word, as (kind, text, end)."""
    syslog = _SYSLOG_PROGRAM.match(line, position) or _PROGRAM_BEFORE_TIME.match(line, position)
    if syslog is not None:
        return "syslog", syslog[0].rstrip(" \t"), syslog.end()
    bare = _BARE_COMPONENT.match(line, position)
    if bare is not None:
        return "bare", bare["component"], bare.end()
    return None


def _leading_program(line: str, position: int, token: re.Match[str] | None) -> re.Match[str] | None:
    """At a header's start, a program (and its host) before the date and time it writes (`_PROGRAM_BEFORE_TIME`);
    never a level word, an exception's name or another token but a component."""
    if token is not None and (token.lastgroup != "component" or _EXCEPTION_NAME.match(line, position)):
        return None
    return _PROGRAM_BEFORE_TIME.match(line, position)


def is_preamble(text: str) -> bool:
    """A one-line text is a record's preamble, its first line without a level (`PREAMBLE_PATTERN`)."""
    return text[:1].isalnum() and len(text) <= _HEAD_CHARS and _PREAMBLE.match(text) is not None


def is_continuation(text: str) -> bool:
    """A one-line text is PostgreSQL's continuation of the message before it with nothing before its word (`DETAIL:
    Key (id)=(7) already exists.` after psycopg2's exception, each line an entry without a level on Cloud Run)."""
    return (
        text[:1] in _CONTINUATION_INITIALS and _CONTINUATION_LINE.match(text) is not None and "\n" not in text
    )


_CONTINUATION_INITIALS = frozenset(word[0] for word in _PG_CONTINUATIONS.split("|"))


def errorlog_line(text: str) -> str:
    """What a line of SQL Server's error log is to its error (`_ERRORLOG_LINE`): `error` for an error's first line
    (`… Logon       Error: 18456, Severity: 14, State: 8.`), `message` for any other line of the log (the line
    after an error's first says what failed), "" for a line of another log."""
    if text[19:20] != "." or not text[:1].isdigit():
        return ""
    found = _ERRORLOG_LINE.match(text)
    if found is None or "\n" in text.rstrip("\n"):
        return ""
    return "error" if found.group(1) is not None else "message"


def errorlog_message(text: str) -> str:
    """A line of SQL Server's error log without its date and source column (the text unchanged otherwise)."""
    found = _ERRORLOG_LINE.match(text) if text[19:20] == "." else None
    return text if found is None else text[found.end() :]


def record_line(text: str, stripped: str) -> RecordLine:
    """What a one-line text is to a record a program wrote over several lines, which Cloud Run and GKE make one
    entry each (`stripped` is `strip_prefix(text)`): `continuation` when its header ends with PostgreSQL's word
    for a line that continues the record before it (`… [4-1] db=shop,user=app DETAIL:  Key (id)=(7) already
    exists.`); `head` when it opens with a record's header, a time (digits, bracketed or not) and a level;
    `bare` when it has no header at all and starts with a letter (Celery's `The message has been ignored and
    discarded.` after the line that logged it) but not with a failure of its own (`_OWN_FAILURE`); `level` when
    it opens with a level word and a colon (`SEVERE: …`, the line after a preamble: `is_preamble`); "" for
    anything else. A continuation may go on over lines of its own (a deadlock's `DETAIL:  Process 4211 waits
    for …` names each process on a tab-indented line): its first line says what it is."""
    if "\x1b" in text[:1]:
        return ""
    head = text[:_HEAD_CHARS]
    if ":  " in head.partition("\n")[0]:  # PostgreSQL writes two blanks after the word
        tokens = _header_tokens(head.partition("\n")[0].lstrip())
        if tokens and tokens[-1][0] == "continuation":
            return "continuation"
    if "\n" in text.rstrip("\n"):
        return ""
    first = text[:1]
    if first.isdigit() or (first == "[" and text[1:2].isdigit()):
        return "head" if stripped != text and declared_level(text) is not None else ""
    if (
        first.isalpha()
        and stripped == text.rstrip("\r\n")
        and declared_level(text) is None
        and not _OWN_FAILURE.match(text)
    ):
        return "bare"
    if first.isupper() and stripped != text and _LEVEL_LINE.match(text) is not None:
        return "level"
    return ""


# A line that opens as a failure of its own (`Failed to flush metrics: connection refused`): another thread's
# error logged in the same milliseconds, not a line of the record before it
_OWN_FAILURE = compile_regex(
    r"(?:Failed|Failure|Error|Unable|Cannot|Can't|Could not|Couldn't|Fatal|Unhandled|Uncaught|Timed out)\b"
)


def strip_prefix(text: str) -> str:
    """The message without its header: leading timestamp, process id, level, component tag, `file:line:`.

    `2023-02-25T03:46:49Z OSConfigAgent Error main.go:231: unexpected end of JSON input` and
    `unexpected end of JSON input` read the same. Only the first line is touched (after a .NET header, the
    line it introduces); in nginx's error log, the request's context after the message goes too.
    """
    clean = strip_ansi(text)
    if clean[:1] == "\t" and ": in " in clean and LUA_FRAME.match(clean):
        return clean.rstrip("\r\n")  # a Lua frame (`\t[C]: in function 'error'`): its `[C]:` is no tag
    sd_daemon = _SD_DAEMON_PREFIX.match(clean) if clean.startswith("<") else None
    if sd_daemon is not None:  # then the line as the program wrote it, which may have a header of its own
        clean = clean[sd_daemon.end() :]
    relay = _FPM_RELAY.match(clean)
    if relay is not None:  # what the worker wrote, without php-fpm's date, level and pool
        relayed, newline, rest = clean[relay.end() :].partition("\n")
        if _QUOTED_RELAY in relay[0] and relayed.endswith('"'):
            relayed = relayed[:-1]
        clean = relayed + newline + rest
    known = _KNOWN_HEADER.match(clean)
    # after a known header (a .NET header's message is on its next line) the rest is read as any other line
    message = clean[known.end() :] if known is not None else clean
    first, newline, rest = message.partition("\n")
    logfmt = logr_message(first) if '"msg"="' in first else None
    if logfmt is None and ("msg=" in first or "message=" in first):
        logfmt = logfmt_message(first)
        if logfmt is None:
            trailing = _TRAILING_MESSAGE.match(first)
            if trailing is not None:
                logfmt = first[trailing.end() :].strip() or None
    if logfmt is not None:
        return (logfmt + newline + rest).rstrip("\r\n")
    position = _header_end(first)
    if position == 0 and known is None:
        return clean.rstrip("\r\n")
    body = first[position:].lstrip(" \t-:|")
    if first.find("#", 0, position) >= 0 and _NGINX_PROCESS.search(first, 0, position) is not None:
        for context in _NGINX_CONTEXTS:  # the request it failed (or succeeded) for, or the timer it ran in
            body = body.split(context, 1)[0]
        fastcgi = _FASTCGI_RELAY.match(body) if body.startswith(FASTCGI_RELAY_WORDS) else None
        if fastcgi is not None:  # what the FastCGI server wrote, without nginx's quotes and what it was doing
            relayed = body[fastcgi.end() :]
            end = relayed.rfind(_FASTCGI_CONTEXT)
            relayed = relayed[:end] if end >= 0 else relayed.removesuffix('"')
            body = relayed if relayed.strip() else body
    if not body.strip():
        return clean.strip("\r\n")
    return (body + newline + rest).rstrip("\r\n")


# A logfmt line (go-kit, logrus' text format, Grafana, Prometheus, Alertmanager): `key=value` or `key="quoted"`
# pairs, separated by blanks, and nothing else
_LOGFMT_PAIR = compile_regex(
    r'([A-Za-z_@][\w.@-]{0,63})=("(?:[^"\\\n]|\\.){0,8192}"|[^\s"]{0,8192})(?:[ \t]+|$)'
)
_LOGFMT_ESCAPE = compile_regex(r"\\(.)")
# What logfmt's escapes in a quoted value stand for (logrus quotes a message's line breaks as `\n`)
_LOGFMT_ESCAPES = {"n": "\n", "t": "\t", "r": ""}
_LOGFMT_MESSAGE_KEYS = ("msg", "message")
_LOGFMT_ERROR_KEYS = ("err", "error")


def logfmt_message(line: str) -> str | None:
    """What a logfmt line says, `msg: err` (its time, level, caller and other fields are its header), or None
    when the line is not logfmt with a message (three pairs at least, nothing else)."""
    pairs = _pairs_to_end(_LOGFMT_PAIR, line, 0)
    if pairs is None or len(pairs) < 3:
        return None
    message, error = (
        next((text for key in keys if (text := _logfmt_value(pairs.get(key, "")))), "")
        for keys in (_LOGFMT_MESSAGE_KEYS, _LOGFMT_ERROR_KEYS)
    )
    return _message_with_error(message, error)


# A formatter's `key=value` fields before an unquoted message that runs to the line's end (Python logging's
# `level=%(levelname)s ts=%(asctime)s module=%(module)s … message=%(message)s`, its time's clock after the date)
_TRAILING_MESSAGE = compile_regex(
    r'(?:[A-Za-z_][\w.@-]{0,63}=(?:"(?:[^"\\\n]|\\.){0,1024}"|[^\s"=]{0,1024}(?: \d\d:\d\d:\d\d(?:[.,]\d{1,9})?)?)'
    r"[ \t]+){2,16}(?:msg|message)=(?!\")"
)


# klogr's (go-logr over klog: cert-manager, controller-runtime before 0.15) quoted pairs after the logger's name:
# `cert-manager/controller/challenges "msg"="propagation check failed" "error"="…" "dnsName"="x"`
_LOGR_PAIR = compile_regex(r'"([\w.-]{1,64})"=("(?:[^"\\\n]|\\.){0,8192}"|[^\s"]{0,8192})(?:[ \t]+|$)')


def logr_message(line: str) -> str | None:
    """What a klogr line says from its `"msg"=` on, `msg: error` (the logger's name and the other pairs are its
    header and context), or None when the pairs do not run to the line's end."""
    pairs = _pairs_to_end(_LOGR_PAIR, line, line.find('"msg"="'))
    if pairs is None:
        return None
    message, error = (_logfmt_value(pairs.get(key, "")) for key in ("msg", "error"))
    return _message_with_error(message, error)


def _pairs_to_end(pair_pattern: re.Pattern[str], line: str, position: int) -> dict[str, str] | None:
    """The pairs `pair_pattern` reads (key, value, the blanks after them) from `position` to the line's end,
    the first value of a key kept; None when anything else stands among them."""
    pairs: dict[str, str] = {}
    while position < len(line):
        pair = pair_pattern.match(line, position)
        if pair is None or pair.end() == position:
            return None
        pairs.setdefault(pair[1], pair[2])
        position = pair.end()
    return pairs


def _message_with_error(message: str, error: str) -> str | None:
    """`msg: error` (the error left out when the message says it already); None without a message."""
    if not message:
        return None
    return f"{message.rstrip().rstrip(':')}: {error}" if error and error not in message else message


def _logfmt_value(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return _LOGFMT_ESCAPE.sub(
            lambda escape: _LOGFMT_ESCAPES.get(escape[1], escape[1]), value[1:-1]
        ).strip()
    return value.strip()


_LEVEL_KINDS = frozenset(("plevel", "mlevel", "blevel", "alevel", "slevel", "tlevel"))


# supervisord's lines about a program's state open with the change and a colon, after its time and level (`exited: web
# (exit status 1; not expected)`, `spawned: 'web' with pid 7`, `success: web entered RUNNING state, …`, `stopped: web
# (terminated by SIGTERM)`, `spawnerr: can't find command 'x'`: supervisor/process.py): the change is the message's
# verb, no component's name
_SUPERVISOR_STATES = frozenset(("spawned:", "success:", "exited:", "stopped:", "spawnerr:"))


def _header_end(line: str) -> int:
    position = 0
    consumed = 0
    previous = ""
    leveled = False
    dashed = False  # Spring Boot's `---` before its thread
    while consumed < 8:
        start = position
        while position < len(line) and line[position] in " \t":
            position += 1
        match = _PREFIX_TOKENS.match(line, position)
        if match is not None and match.lastgroup == "logger" and not (dashed and previous == "tag"):
            match = None
        program = None if consumed else _leading_program(line, position, match)
        if program is not None:
            previous, position = "syslog", program.end()
            consumed += 1
            continue
        if match is None:
            late = _late_token(line, position) if consumed else None
            if late is None:
                return start
            previous, _, position = late
            consumed += 1
            continue
        kind = match.lastgroup or ""
        if kind in ("component", "cword", "location", "session") and consumed == 0:
            return start
        if kind == "module" and previous not in _LEVEL_KINDS and previous != "cword":
            return start
        # a thread or worker after the category and level (JBoss), or before the level (`[main] (w-1) ERROR x`)
        if kind == "thread" and not (
            (previous == "tag" and leveled) or (previous in ("tag", "ts") and _level_ahead(line, match.end()))
        ):
            return start
        if kind == "bar" and not (consumed and _after_bar_column(previous)):
            return start  # a bar that no time or level comes before is the message's (`| a | b |`)
        if kind == "tag" and not consumed and position and line[position] == "{":
            return start  # an indented term (`    {id,db_pool},` under Erlang's `offender: [`) is no header's tag
        if kind == "component" and _EXCEPTION_NAME.match(line, match.start()):
            return start  # `… KeyError: 'x'`: the exception's name starts the message
        if kind == "component" and previous == "syslog":
            return start  # `systemd[1]: etl.service: Failed …`: the unit names what failed
        if kind == "component" and match[kind] in _SUPERVISOR_STATES:
            return start  # `INFO exited: web (exit status 1; not expected)`: the state change is the message
        if kind == "cword":
            # `… GCEGuestAgent: Error watching metadata`: the word starts the message; `Agent Error main.go:9:`,
            # and a word a tab ends (zap's and Istio's console fields: `…Z\tdebug\tenvoy pool\t…`) are headers
            following = line[match.end() :].lstrip()
            tabbed = line.startswith("\t", match.end())
            scope = _TABBED_SCOPE.match(line, match.end() + 1) if tabbed else None
            if scope is not None:
                return scope.end()  # the logger's scope field after the level (Istio's `ads`, its Envoy's)
            if not following or (following[0].islower() and not tabbed and not _LOCATION.match(following)):
                return start
        position = match.end()
        consumed += 1
        previous = kind
        leveled = leveled or kind in _LEVEL_KINDS
        dashed = dashed or (kind == "pid" and match[kind].startswith("-"))
        if kind == "logger":
            return position
        if kind == "bar" and leveled:
            column = _BAR_COLUMN.match(line, position)
            return column.end() if column is not None else position  # the logger's column after the level's
        if kind == "location":
            function = _FUNCTION_AFTER_LOCATION.match(line, position)
            return function.end() if function is not None else position
        if kind == "continuation":
            return position
    return position


# The lines a platform or an application server writes when one service's container, worker or function run
# fails: they name nothing of the service (below: a failure, and a line of one service).
_CONTAINER_FAILURES = (
    r"finished with status(?: code)?:? ?'?(?:timeout|crash|error|connection error|5\d\d)\b"
    r"|Memory limit of [\w. ]{1,32} exceeded"
    r"|Container called exit\([1-9][0-9]{0,2}\)"  # Cloud Run: the container ended with a non-zero code
    r"|terminated: Application failed to start"
    r"|(?:STARTUP|LIVENESS|READINESS) (?:HTTP|TCP|GRPC) probe failed"
    r"|\bError: function (?:terminated|crashed)\b"  # Cloud Functions
    r"|\bWORKER TIMEOUT\b"
    r"|\bOOMKilled\b"
    r"|Back-off restarting failed container"
    # Cloud Functions' framework: the function's code does not load (it writes these without a severity)
    r"|Provided module can't be loaded|Could not load the function"
    # an application server killing its own workers (past a timeout or a limit), in words of its own, often
    # without a level: uWSGI's harakiri, Puma's and Unicorn's timeouts, PHP-FPM's request_terminate_timeout,
    # nginx's master telling of a worker killed
    r"|\*\*\* HARAKIRI ON WORKER \d"
    r"|\bTerminating timed out worker\b"
    r"|\bworker=\d{1,4} PID:\d{1,10} timeout \(\d{1,6}s > \d{1,6}s\), killing"
    r"|\bexecution timed out \([\d.]{1,12} sec\), terminating"
    r"|\bworker process \d{1,10} exited on signal (?:6|9)\b"
)
# A Python application server whose application did not load: uWSGI goes on and answers every request 500
# (`--- no python application found, check your startup logs for errors ---`, `*** no app loaded. going in full
# dynamic mode ***`); gunicorn's arbiter stops (`Failed to find attribute 'app' in 'main'.`, `Reason: App failed to
# load.`). The server writes these lines without a level (uWSGI) or at INFO (gunicorn's reason): a platform failure
# whatever severity the entry has, and a start failure (`START_FAILURE_PATTERNS`)
APP_NOT_LOADED_PATTERNS = (
    r"\bno python application found\b",
    r"\bno app loaded\. going in full dynamic mode\b",
    r"\bFailed to find attribute '[^'\n]{1,200}' in '[^'\n]{1,200}'",
    r"\bApp failed to load\.",
)
# Lines the platform writes when a function, container or worker fails, whatever severity it gives them
# (Cloud Functions writes its timeout line at DEBUG).
PLATFORM_FAILURE_PATTERN = (
    _CONTAINER_FAILURES + r"|Out of memory: Kill"
    r"|fatal error: runtime: out of memory"
    r"|^panic: |^fatal error: "  # a Go program crashing (its goroutine dump may come in later entries)
    # a Rust panic (`thread 'main' panicked at 'msg', src/main.rs:14:38`; since 1.73 `… panicked at src/x.rs:1:2:`)
    r"|thread '[^'\n]{0,200}' panicked at "
    # Node.js ending on an unhandled rejection or exception
    r"|\[UnhandledPromiseRejection: |UnhandledPromiseRejectionWarning: |triggerUncaughtException\("
    r"|(?:^|\n)\w{0,64}Error \[ERR_[A-Z0-9_]{1,64}\]: "
    # systemd: a unit's process failed, or the unit did (`etl.service: Failed with result 'exit-code'.`)
    r"|\.(?:service|socket|mount|timer|scope): Main process exited, code=(?:exited, status=[1-9]|dumped|killed, status=(?:[0-9]|1[0-46-9]|[2-9][0-9])/)"
    r"|\.(?:service|socket|mount|timer|scope): Failed with result '"
    r"|systemd\[[0-9]{1,10}\]: Failed to start |^Failed to start [^\n]{1,200}\.\s*$"
    # the kernel: a panic, an oops, a bug (the OOM killer's `Out of memory: Killed process` is above)
    r"|Kernel panic - not syncing|\bBUG: (?:unable to handle|kernel NULL pointer dereference|soft lockup)"
    r"|\bOops: [0-9a-f]{4} \[#[0-9]{1,4}\]"
    # the kernel: a disk that fails reads or writes, a file system that finds itself corrupt
    r"|\bEXT[234]-fs error\b|\bI/O error, dev [\w.-]{1,64}, sector\b|\bBuffer I/O error on dev(?:ice)? \S"
    # App Engine standard: an instance killed while it served a request (past its hard memory limit, or its
    # request's deadline); the soft limit's line says the instance is replaced after the request, which went well
    r"|\bExceeded hard (?:private )?memory limit of \d{1,7} ?[MG]B\b"
    r"|\bProcess terminated because the request deadline was exceeded\b"
    # Dataflow: a job that failed, and a worker pool that never came up (its job-message log)
    r"|^Workflow failed\. Causes: |\bThe job failed because a work item has failed \d{1,4} times\b"
    r"|\bStartup of the worker pool in zone [\w-]{1,64} failed to bring up any of the desired\b"
    # Airflow (Cloud Composer): a task failed with its retries spent; Airflow's task runner logs it at INFO
    r"|\bMarking task as FAILED\b"
    # YARN (Dataproc's ResourceManager): an application failed with its attempts spent, logged at INFO
    # (`Application application_1770700000000_0031 failed 2 times due to AM Container for appattempt_… exited with
    # exitCode: 13`; with a validity interval, `… failed 2 times in previous 600000 milliseconds due to …`)
    r"|\bApplication application_\d{1,20}_\d{1,10} failed \d{1,4} times\b"
    # the JVM ending on an OutOfMemoryError (`-XX:+ExitOnOutOfMemoryError`, `-XX:+CrashOnOutOfMemoryError`): it
    # prints the line to stdout, without a level
    r"|(?:^|\n)(?:Terminating|Aborting) due to java\.lang\.OutOfMemoryError\b"
    # a process supervisor telling of its child's failure, which it logs at INFO or without a level (its own
    # state changes, not the child's output): supervisord's `exited: NAME (exit status 1; not expected)` (`exit
    # status 0; expected` and `stopped: NAME (terminated by SIGTERM)` are no failure), `gave up: NAME entered FATAL
    # state, …`, `spawnerr: can't find command …`; pm2's `App [NAME:ID] exited with code [1] via signal [SIGINT]`
    # (code 0 is a stop) and `Script … had too many unstable restarts (16). Stopped.`; nodemon's `app crashed`;
    # Upstart's `init: NAME main process (PID) terminated with status 1`, `… killed by SEGV signal` (TERM, INT and
    # HUP are a stop) and `init: NAME respawning too fast, stopped`
    r"|\bexited: [^\n]{1,200}; not expected\)|\bgave up: \S{1,200} entered FATAL state\b|\bspawnerr: \S"
    r"|\bexited with code \[[1-9][0-9]{0,2}\] via signal\b|\bhad too many unstable restarts\b"
    r"|\bapp crashed - waiting for file changes\b"
    r"|\bmain process \([0-9]{1,10}\) (?:terminated with status [1-9]|killed by (?:KILL|SEGV|ABRT|BUS|ILL|FPE) signal)"
    r"|\brespawning too fast, stopped\b"
    r"|" + "|".join(APP_NOT_LOADED_PATTERNS)
)
_PLATFORM_FAILURE = compile_regex("(?i)" + PLATFORM_FAILURE_PATTERN)
# The exceptions Python raises when it cannot import a program's code: at import time (a `<module>` frame), no
# instance of the revision can start.
STARTUP_EXCEPTION_TYPES = ("ModuleNotFoundError", "ImportError", "SyntaxError", "IndentationError")
# A program that cannot load its own code or entry point, in any language, or whose framework says it could not
# start: the container exits at start, so no instance of the revision serves (Python's import-time errors are
# `startup-crash`, by their frame).
START_FAILURE_PATTERNS = (
    r"\bCannot find (?:module|package) '[^']+'",  # Node.js, CommonJS and ES modules
    r"\bERR_MODULE_NOT_FOUND\b",
    r"\bCould not find or load main class\b",  # Java
    r"\bUnable to access jarfile\b",
    r"\bno main manifest attribute\b",
    r"\bUnsupportedClassVersionError\b",
    r"\bcannot load such file -- ",  # Ruby's LoadError
    r"\bCould not load file or assembly\b",  # .NET
    r"\bThe application to execute does not exist\b",
    r"\bFailed opening required '",  # PHP
    r"\bexec user process caused\b",  # the container's entrypoint itself
    r"\bexec format error\b",
    r"\bexecutable file not found in \$PATH\b",
    r"\bProvided module can't be loaded\b",  # Cloud Functions' framework: the function's code does not load
    *APP_NOT_LOADED_PATTERNS,
    # a framework's own report that the application could not start (its context, beans, datasource): Spring
    # Boot's failure analysis, Quarkus'
    r"\bAPPLICATION FAILED TO START\b",
    r"\bFailed to start application \(with profiles? ",
    # (Quarkus 1's generated main, whose message has no profile: `Failed to start application: java.lang.…`)
    r"\bFailed to start application: (?:[a-z_$][\w$]{0,60}\.){1,12}[A-Z][\w$]{0,100}(?:Exception|Error)\b",
)
_START_FAILURE = compile_regex("|".join(START_FAILURE_PATTERNS))
# A word each of `START_FAILURE_PATTERNS` holds, in its case (tests/test_speed_shortcuts.py): a text holding none
# of them in its first 4,000 characters holds no start failure, and is not searched
_START_FAILURE_WORDS = (
    "Cannot ",
    "cannot load",
    "Could not ",
    "ERR_MODULE",
    "jarfile",
    "manifest",
    "Unsupported",
    "does not exist",
    "Failed ",
    "FAILED",
    "failed to load",
    "exec",
    "can't be loaded",
    "application",
    "app loaded",
)


def start_failure(text: str) -> bool:
    """True when the text says the program cannot load its own code or entry point (`START_FAILURE_PATTERNS`)."""
    head = text[:4_000]
    return any(word in head for word in _START_FAILURE_WORDS) and _START_FAILURE.search(head) is not None


# What a platform or an application server writes about one service's own containers, workers or function
# runs. The text names nothing of the service (`Container called exit(1).` reads alike in every one of them), so
# the same line in two services is two problems.
_LIFECYCLE_LINE = compile_regex(
    "(?i)" + _CONTAINER_FAILURES + r"|Container called exit\(|Ready condition status changed to False"
    r"|Worker failed to boot|failed to start and listen on the port"
    r"|The request failed because either the HTTP response was malformed or connection to the instance"
)


# A word each branch of `_LIFECYCLE_LINE` holds (tests/test_speed_shortcuts.py): an ASCII text holding none of them,
# in any case, holds no lifecycle line (a text with other characters is searched: `(?i)` matches `ı` to `i`).
_LIFECYCLE_WORDS = (
    "status",
    "limit",
    "exit(",
    "failed",
    "function",
    "timeout",
    "oomkilled",
    "module",
    "harakiri",
    "timed out",
    "signal",
)


def lifecycle_line(text: str) -> bool:
    """True when the text is a line about a service's own container, worker or function run (see above)."""
    head = text[:2_000]
    if head.isascii():
        lower = head.lower()
        if not any(map(lower.__contains__, _LIFECYCLE_WORDS)):
            return False
    return _LIFECYCLE_LINE.search(text, 0, 2_000) is not None


# The system call errors `failure-phrase` reads after a colon (the shell's `command not found`, and strerror's words,
# as Go's syscall table and glibc write them, for a file's and a socket's errors: `listen tcp :8080: bind: address
# already in use`, `dial tcp 10.0.0.7:5432: connect: network is unreachable`; not those a program expects and
# handles, EAGAIN's `resource temporarily unavailable`, EINTR's `interrupted system call`, EINPROGRESS)
_ERRNO_PHRASES = (
    ": permission denied",
    ": no such file or directory",
    ": read-only file system",
    ": no space left on device",
    ": operation not permitted",
    ": too many open files",
    ": command not found",
    ": invalid argument",
    ": network is unreachable",
    ": network is down",
    ": no route to host",
    ": host is down",
    ": address already in use",
)
# Words that each of `_ERRNO_PHRASES` holds (`_FAILURE_PHRASE_WORDS` holds those of the others)
_ERRNO_WORDS = (
    "no such file",
    "read-only",
    "no space left",
    "too many open",
    "command not found",
    " is down",
    "route to host",
    "already in use",
)


# A line that says an operation failed, in words a program writes without any level (`… had error: broken pipe`,
# `failed to connect to db:5432`, `dial tcp 10.0.0.7:443: i/o timeout`): `failure-phrase`. Not a count or an
# empty error (`0 failed`, `errors: 0`, `error: null`), nor a name (`test_failed_to_x`).
_FAILURE_PHRASE = compile_regex(
    r"(?i)\b(?:failed|failure)(?: to\b| with\b|:)"
    r"|\b(?:unable to|could not|couldn'?t|cannot|can'?t) [a-z]"
    # (one run of blanks before the empty value, so that a long run is read once, not once per split)
    r"|\berror:(?!\s*(?:(?:null|none|nil|<nil>|0|false|\"\"|''|\[\]|\{\})\s*)?(?:$|[,;)}\]]))"
    r"|\bconnection (?:reset|refused|timed out|closed unexpectedly)|\bbroken pipe\b|\bi/o timeout\b"
    r"|\bdeadline exceeded\b|\bno such host\b|\btimed out\b"
    # Docker's report of a build instruction that failed (`The command '/bin/sh -c npm ci' returned a non-zero code: 1`)
    r"|\breturned a non-zero code\b"
    # a Go CLI's refused flag (cobra's: `invalid argument "x//y:1" for "-t, --tag" flag: invalid reference format`)
    r'|\binvalid argument "[^"\n]{0,500}" for "[^"\n]{0,200}" flag: '
    # a system call's error after what it was doing (`chmod: changing permissions of 'x': Read-only file system`)
    r"|: (?:" + "|".join(phrase.removeprefix(": ") for phrase in _ERRNO_PHRASES) + r")\b"
    # a call, a request or a message refused, rejected or denied by whoever it went to, or a peer unreachable: the
    # word then who or why (`refused for user 'x'`, `rejected by the broker`) or the end of its clause (`request
    # rejected: body too large`, `upstream payments:8443 unreachable, marking host down`); not a word naming a
    # kind of thing (`permission denied responses are counted`)
    r"|\b(?:rejected|refused|denied|unreachable)(?: (?:by|for|to|because|due|from|with)\b|\s*(?:[:;,.)]|$))"
    # what was checked against what was expected and differs (a signature, a checksum, a schema version, a host
    # name in a certificate: `The request signature we calculated does not match …`, `sha256 mismatch for …`)
    r"|\b(?:does|do|did)(?: not|n't) match\b|\bmismatch(?:ed|es)?\b"
    # an input or a credential refused as malformed or unknown (`invalid token`, `Invalid value for header`)
    r"|\binvalid\b"
    r"|\bnot permitted to\b|\bnot allowed to\b|\bnot authori[sz]ed to\b"
    # a quota or a limit exhausted (Google APIs' `Quota exceeded for quota metric …`, `body exceeds the … limit`)
    r"|\b(?:quota|limit) (?:was |has been )?exceeded\b"
    r"|\bexceed(?:s|ed) (?:the |its |your |a )?(?:[\w-]{1,40} ){0,3}(?:quota|limit)\b"
    # a credential, a lease or a lock past its time (jsonwebtoken's `jwt expired`, `certificate has expired`, `lease
    # for lock "x" expired`); not a thing a cleanup counts (`purged 312 expired sessions`)
    r"|\b(?:token|jwt|certificate|cert|credentials?|key|lease|lock|licen[cs]e|password|signature|url|link|grant"
    r"|session|subscription)s?(?: (?:\"[^\"\n]{1,80}\"|'[^'\n]{1,80}'|[\w./:-]{1,80}))?"
    r" (?:(?:has|have|had|is|was|were) (?:been |already )?)?expired\b"
    r"|\b(?:has|have|had) (?:been |already )?expired\b"
    # a message given up on, set aside in a dead-letter queue or topic
    r"|\b(?:moved|sent|forwarded|routed|published|written|pushed) to (?:the |a )?(?:dead[- ]?letter|DLQ\b)"
    r"|\bdead[- ]?letter(?:ed|ing)\b"
)
# What says that no failure happened, though it holds a failure's word: a count or a value of none (`0 errors`, `no
# mismatch found`, `error_rate=0.00`, `invalid cache entries purged: 0`), a command-line flag's help line (cobra's,
# argparse's, commander's, clap's: `-h, --help   show this help message and exit`, `--reject-unauthorized   reject
# TLS certificates that fail verification`: the flag, its value's name, two blanks, what it does), a cleanup's count
# of what it removed (`purged 312 expired sessions`). Removed from a text before its signs of a failure are read again.
_NO_FAILURE_WORDS = (
    r"(?:errors?|failures?|failed|fails|invalid|mismatch\w*|rejected|rejections?|refused|denied|expired"
    r"|unreachable|exceptions?|warnings?|timeouts?|crash\w*|dead[- ]?letter\w*|retries)"
)
_NO_FAILURE = compile_regex(
    r"(?i)\b(?:0|no|zero) (?:[a-z-]{1,40} )?" + _NO_FAILURE_WORDS + r"\b"
    r"|\b[a-z][\w.-]{0,60}=(?:0+(?:\.0+)?%?|none|null|nil|false)(?![\w.])"
    r"|\b[a-z][\w.-]{0,40}(?: [a-z][\w.-]{0,40}){0,4}: (?:0+(?:\.0+)?%?|none|null|nil|false)(?![\w.])"
    r"|^[ \t]*(?:-[\w?], ?)?--\w[\w-]{0,60}(?:[ =](?:<[^>\n]{1,40}>|\[[^\]\n]{1,40}\]|[A-Za-z_]{1,40}))?"
    r"(?:, --?\w[\w-]{0,60})? {2,}\S[^\n]*"
    r"|\b(?:purg|clean|remov|delet|evict|prun|sweep|reap|discard|expunge)\w* (?:up )?\d{1,12} (?:[\w-]{1,40} )?"
    r"(?:expired|invalid|stale|failed|rejected|orphaned)\b"
)
_FAILURE_PHRASE_HEAD = 2_000
# Lower-case words one of which every failure phrase holds (`error:` holds `err`, a word of `_MAY_RAISE_WORDS`).
_FAILURE_PHRASE_WORDS = (
    "failed",
    "failure",
    "unable to",
    "could not",
    "couldn",
    "cannot ",
    "can't ",
    "cant ",
    "connection re",
    "connection timed",
    "connection closed",
    "broken pipe",
    "i/o timeout",
    "deadline exceeded",
    "no such host",
    "timed out",
    "non-zero code",
    # (stems, short for the live query's length: `MAY_DECLARE_LEVEL` is asked of every message field)
    "invalid",
    "reject",
    "refus",
    "deni",
    "unreach",
    "match",
    "not permit",
    "not allow",
    "not auth",
    "exceed",
    "expir",
    "dead",
    "dlq",
)


def failure_phrase(text: str) -> bool:
    """True when the text (its first 2,000 characters) says in words that an operation failed, not only in words
    that say none did (`_NO_FAILURE`)."""
    if _FAILURE_PHRASE.search(text, 0, _FAILURE_PHRASE_HEAD) is None:
        return False
    cleared = _head_without_no_failure(text)
    return cleared is None or _FAILURE_PHRASE.search(cleared) is not None


def _head_without_no_failure(text: str) -> str | None:
    """The text's first 2,000 characters with the words that say no failure happened (`_NO_FAILURE`) taken out, or
    None when they hold none: read there only, a bounded cost per text."""
    head = text[:_FAILURE_PHRASE_HEAD]
    if _NO_FAILURE.search(head) is None:
        return None
    return _NO_FAILURE.sub(" ", head)


# A superset of the texts that may declare a level above INFO or carry a stack, for queries that must fetch
# the entries inference may raise (live scans, Log Analytics), a failure said in words (`failure-phrase`)
# among them. RE2-safe: no lookaround, no backreference.
MAY_DECLARE_LEVEL = (
    r"(?i)err|eror|ftl|warn|crit|fatal|panic|severe|emerg|alert|exception|traceback|^[EFW]\d{4} |^fail: |^<[0-4]>\S"
    r"|fault|core dumped|terminate called|fata\[|pani\[|bus error|container called exit\("
    r"|provided module can't be loaded|could not load the function"
    r"|\"level\":\s*[4-6]\d|\n\s+at | 5\d\d\b|\d\d:\d\d:\d\d\.\d\d\d # |\[[ewc] \d|::[a-z]\w* \(|"
    + "|".join((*_FAILURE_PHRASE_WORDS, *_ERRNO_WORDS))  # plain words: no character RE2 reads otherwise
)
# Lower-case words one of which each process supervisor's failure line holds (`PLATFORM_FAILURE_PATTERN`; supervisord's
# `spawnerr: ` holds ": ", and is with the words that do)
_SUPERVISOR_FAILURE_WORDS = (
    "; not expected)",
    "entered fatal state",
    "exited with code [",
    "too many unstable restarts",
    "app crashed",
    "main process (",
    "respawning too fast",
)
# A superset, for the parser's fast path, of the texts inference may raise to WARNING or above: every level
# word from WARNING up (`_LEVEL_WORDS`), in any case and anywhere (so in a bracket, a header, logfmt or
# JSON), glog's and Python's warning headers, the platform failure lines, stack and panic words.
_MAY_RAISE_WORDS = (
    "err",
    "eror",
    "warn",
    "wrn",
    "ftl",
    "crit",
    "fatal",
    "panic",
    "severe",
    "emerg",
    "alert",
    "exception",
    "traceback",
    "goroutine",
    "finished with status",
    "memory",
    "terminated",
    "probe failed",
    "worker timeout",
    "oomkilled",
    "back-off",
    "container called exit(",
    "failed to start",
    # an application server killing its own workers (`_CONTAINER_FAILURES`)
    "harakiri",
    "timed out worker",
    "s), killing",
    "sec), terminating",
    "exited on signal",
    "provided module can't be loaded",
    "could not load the function",
    # an application server's application that did not load (`APP_NOT_LOADED_PATTERNS`; the others hold `err` or
    # `fail`)
    "no app loaded",
    *_SUPERVISOR_FAILURE_WORDS,
    # `failure-line`s that hold none of the words above
    "fault",
    "core dumped",
    "terminate called",
    "fata[",
    "pani[",
    "bus error",
    *_FAILURE_PHRASE_WORDS,  # `failure-phrase`
)
# Words that all hold ": ", searched for only in a text that holds it: .NET's `fail: `, Node.js's unhandled
# rejections, systemd's and the kernel's failure lines
_MAY_RAISE_COLON_WORDS = (
    "fail: ",
    "rejection: ",
    "rejectionwarning: ",
    ": main process exited",
    ": failed with result",
    "bug: ",
    "oops: ",
    "spawnerr: ",  # supervisord (`PLATFORM_FAILURE_PATTERN`)
    # a container registry's error code (`registry-error`)
    "denied: ",
    "unauthorized: ",
    "toomanyrequests: ",
    " unknown: ",
    " invalid: ",
    *_ERRNO_PHRASES,  # `failure-phrase`
)
# glog's header; a server error's status in an access line (`"GET / HTTP/1.1" 502`, `Completed 500 …`); Redis'
# warning mark after its time
_GLOG_LIKE = r"[efw]\d{4}"
_SERVER_ERROR = r"[ =]5\d\d\b"  # (`=`: a key=value access line's `status=502`)
# a namespaced class before a parenthesis (Rails' `ActiveRecord::RecordNotFound (…):`, `failure-line`)
RAILS_EXCEPTION = r"::[A-Z]\w{0,100} \("
REDIS_WARNING = r"\d\d:\d\d:\d\d\.\d\d\d # "
TORNADO_ABOVE = r"\[[wec] \d"
MAY_RAISE_WORDS = (*_MAY_RAISE_WORDS, *_MAY_RAISE_COLON_WORDS)
MAY_RAISE_PATTERNS = (
    _GLOG_LIKE,
    _SERVER_ERROR,
    REDIS_WARNING,
    TORNADO_ABOVE,
    RAILS_EXCEPTION,
    SD_DAEMON_RAISING,
)
"""With `MAY_RAISE_WORDS`, what `MAY_RAISE` looks for (RE2-safe: Log Analytics' query looks for them too)."""
MAY_RAISE = compile_regex("(?i)" + "|".join((*map(literal, MAY_RAISE_WORDS), *MAY_RAISE_PATTERNS)))
_ASCII_GLOG_LIKE = compile_regex(r"[EFWefw]\d{4}")
_ASCII_SERVER_ERROR = compile_regex(_SERVER_ERROR)
_ASCII_REDIS_WARNING = compile_regex(REDIS_WARNING)
_ASCII_TORNADO_ABOVE = compile_regex(TORNADO_ABOVE)  # searched in the lowered text
_ASCII_RAILS_EXCEPTION = compile_regex(RAILS_EXCEPTION)
_ASCII_SD_DAEMON_RAISING = compile_regex(SD_DAEMON_RAISING)


def may_raise(text: str) -> bool:
    """`MAY_RAISE.search(text)`, quicker: an ASCII text is lowered and searched for each word (what `(?i)`
    means for ASCII text); any other text goes to the regular expression (Unicode case rules)."""
    if not text.isascii():
        return MAY_RAISE.search(text) is not None
    lower = text.lower()
    for word in _MAY_RAISE_WORDS:
        if word in lower:
            return True
    if ": " in lower:
        for word in _MAY_RAISE_COLON_WORDS:
            if word in lower:
                return True
    if (" 5" in text or "=5" in text) and _ASCII_SERVER_ERROR.search(text) is not None:
        return True
    if " # " in text and _ASCII_REDIS_WARNING.search(text) is not None:
        return True
    if ("[w " in lower or "[e " in lower or "[c " in lower) and _ASCII_TORNADO_ABOVE.search(
        lower
    ) is not None:
        return True
    if "::" in text and _ASCII_RAILS_EXCEPTION.search(text) is not None:
        return True
    if text.startswith("<") and _ASCII_SD_DAEMON_RAISING.match(text) is not None:
        return True
    return _ASCII_GLOG_LIKE.search(text) is not None


# `output`: a container's output whose stream no label tells (Vertex AI's prediction and training containers,
# which record stderr at ERROR and stdout at INFO): either default is only the stream's.
_STREAM_DEFAULTS: dict[str, frozenset[Severity]] = {
    "stderr": frozenset((Severity.ERROR,)),
    "stdout": frozenset((Severity.INFO,)),
    "build": frozenset((Severity.INFO,)),
    "script": frozenset((Severity.INFO,)),
    "output": frozenset((Severity.ERROR, Severity.INFO)),
}


# Lower-case words one of which every platform failure line holds: an ASCII text without any cannot match
# (`(?i)` on ASCII text is `str.lower`), and the regular expression, slow on long texts, is not run.
_PLATFORM_FAILURE_WORDS = (
    "finished with status",
    "memory limit of ",
    "container called exit(",
    "failed to start",
    "probe failed",
    "worker timeout",
    "oomkilled",
    "back-off restarting failed container",
    "provided module can't be loaded",
    "could not load the function",
    "panic",
    "rejection",
    "uncaughtexception(",
    "[err_",
    "job failed because a work item",
    "exceeded hard ",
    "-fs error",
    "i/o error",
    "request deadline was exceeded",
    "failed to bring up any of the desired",
    "marking task as failed",
    "application application_",
    "due to java.lang.outofmemoryerror",
    "harakiri on worker",
    "terminating timed out worker",
    "s), killing",
    "sec), terminating",
    "exited on signal",
    "no python application found",
    "no app loaded. going in full dynamic mode",
    "failed to find attribute '",
    "app failed to load.",
    # process supervisors (`PLATFORM_FAILURE_PATTERN`)
    *_SUPERVISOR_FAILURE_WORDS,
)
# and those that hold ": ", looked for only in a text that holds it
_PLATFORM_FAILURE_COLON_WORDS = (
    "fatal error: ",
    "error: function ",
    "out of memory: kill",
    ": main process exited, code=",
    ": failed with result '",
    "bug: ",
    "oops: ",
    "workflow failed. causes: ",
    "spawnerr: ",
)


PLATFORM_FAILURE_WORDS = (*_PLATFORM_FAILURE_WORDS, *_PLATFORM_FAILURE_COLON_WORDS)
"""Lower-case words one of which every platform failure line holds (`PLATFORM_FAILURE_PATTERN`)."""


def platform_failure(text: str) -> bool:
    """True when the text holds a platform failure line (timeout, crash, memory limit, probe failure…)."""
    head = text[:4096]
    if head.isascii():
        lower = head.lower()
        for word in _PLATFORM_FAILURE_WORDS:
            if word in lower:
                break
        else:
            if ": " not in lower:
                return False
            for word in _PLATFORM_FAILURE_COLON_WORDS:
                if word in lower:
                    break
            else:
                return False
    return _PLATFORM_FAILURE.search(head) is not None


def stream_default(severity: Severity, stream: str | None) -> bool:
    """True when `severity` is only what the platform gives every line of the stream (GKE: stderr → ERROR)."""
    return stream is not None and severity in _STREAM_DEFAULTS.get(stream, ())


# The request methods of HTTP/1.1, as a regex alternation (payloads reads them from JSON access logs too)
HTTP_METHODS = "GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE"
# The status of a request in a text access line, always after a space: the request line quoted (uvicorn,
# The fields a key=value access line (Rails' lograge, logfmt request logs) writes between the request's path and its
# status (`format=json controller=Api::OrdersController action=create`), a value quoted when it holds blanks
# (bounds whose products stay within RE2's 1,000: Log Analytics' query looks for these lines too)
_LOGFMT_FIELDS = r"(?: [\w.]{1,60}=(?:'[^'\n]{0,2000}'|\"[^\"\n]{0,2000}\"|[^\s'\"]{0,80})){0,12}"
# werkzeug, gunicorn, the nginx/Apache common and combined formats, Envoy; chi's `"GET …" from ADDR - 200`),
# unquoted (Go's `log`, morgan's `dev`: `GET /api/x 500 12ms`), Rails' `Completed 500 Internal Server Error`,
# Ktor's `500 Internal Server Error: GET - /x`, Gin's `[GIN] … | 500 |`, uWSGI's request log (`GET /x => generated
# 21 bytes in 3 msecs (HTTP/1.1 500)`).
# uWSGI's request log, by default and in the `logformat`s that keep its words (`%(method) %(uri) => generated
# %(rsize) bytes in %(msecs) msecs (%(proto) %(status))`; `log-micros` counts `micros`), written to stderr for
# every request: what it answered, after the request
_UWSGI_RESPONSE = r" => generated \d{1,12} bytes in \d{1,12} (?:msecs|micros) \([A-Z]{2,8}/[0-9](?:\.[0-9])? "
UWSGI_REQUEST_MARK = " => generated "
ACCESS_STATUS_PATTERN = (
    r"\"(?:" + HTTP_METHODS + r") [^\"\s]{1,4096}(?: HTTP/[0-9](?:\.[0-9])?)?\"(?: from \S{1,256} -)?"
    r" (?P<quoted>[1-5][0-9][0-9])\b"
    r"|\b(?:" + HTTP_METHODS + r") /[^\s\"]{0,4096} (?P<unquoted>[1-5][0-9][0-9])\b"
    r"|\bCompleted (?P<rails>[1-5][0-9][0-9]) [A-Z]"
    r"|\b(?P<ktor>[1-5][0-9][0-9]) [A-Z][A-Za-z' -]{1,60}: (?:" + HTTP_METHODS + r") - /"
    r"|\[GIN\] [^|]{0,64}\| (?P<gin>[1-5][0-9][0-9]) \|"
    r"|" + _UWSGI_RESPONSE + r"(?P<uwsgi>[1-5][0-9][0-9])\)"
    r"|\bmethod=(?:"
    + HTTP_METHODS
    + r") path=\S{1,4096}"
    + _LOGFMT_FIELDS
    + r" status=(?P<logfmt>[1-5][0-9][0-9])\b"
)
_ACCESS_STATUS = compile_regex(ACCESS_STATUS_PATTERN)
ACCESS_SERVER_ERROR_PATTERN = ACCESS_STATUS_PATTERN.replace("[1-5][0-9][0-9]", "5[0-9][0-9]")
"""An access line of a server error (5xx): a request at any severity (`entries.parse`), at least ERROR."""
_ACCESS_HEAD = 8192
# Signs of a failure: a line on GKE's stderr holding one (or a level word, or anything else `may_raise`
# finds) is not demoted as only the stream's default.
_FAILURE_SIGNS = (
    "fail",
    "unable",
    "cannot",
    "can't",
    "could not",
    "couldn't",
    "refused",
    "denied",
    "timeout",
    "timed out",
    "deadline",
    "abort",
    "kill",
    "invalid",
    "unexpected",
    "crash",
    "unavailable",
    "exceeded",
    "not found",
    "no such",
    "missing",
    "reject",
    "forbidden",
    "unauthorized",
    "exit",
    "died",
    "lost",
    "corrupt",
    "violat",
    "deadlock",
    "segfault",
    "stack",
    "broken",
    "reset",
    "disconnect",
    "retry",
    "retrying",
    "unhandled",
    "uncaught",
    "expired",  # a certificate, token or lease past its time; Go's TLS errors (`x509: certificate signed by …`)
    "x509:",
    "(0x",  # and the pieces of a Go goroutine dump (`main.run(0xc000010000)`, `\t/app/main.go:9 +0x1d`)
    "+0x",
    "created by ",
)


_STATUS = r"[1-5][0-9][0-9]"
ACCESS_REQUEST_PATTERN = (
    # the request line quoted, then its status: nginx/Apache common and combined, gunicorn, uvicorn, werkzeug,
    # Envoy (`"GET /a?b=1 HTTP/1.1" 502`)
    r"\"(?P<quoted_method>"
    + HTTP_METHODS
    + r") (?P<quoted_path>[^\"\s]{1,4096})(?: HTTP/[0-9](?:\.[0-9])?)?\""
    r"(?: from \S{1,256} -)? (?P<quoted_status>" + _STATUS + r")\b"
    # HAProxy: the status after the timers, the request line quoted at the end
    r"|\] \S{1,256} \S{1,256} (?:-?\d{1,9}/){3,4}\+?-?\d{1,9} (?P<haproxy_status>" + _STATUS + r") "
    r"[^\"]{0,2048}\"(?P<haproxy_method>" + HTTP_METHODS + r") (?P<haproxy_path>[^\"\s]{1,4096})"
    # unquoted, first on the line after a time (Go's `log`, morgan's `dev`: `GET /api/x 500 12ms`)
    r"|^[\d\s/:.,TZ+\-\[\]]{0,40}(?P<bare_method>" + HTTP_METHODS + r") (?P<bare_path>/[^\s\"]{0,4096})"
    r" (?P<bare_status>" + _STATUS + r")\b"
    # Ktor's CallLogging: the status with its reason, then the method and path (`500 Internal Server Error: GET -
    # /api/x in 5003ms`)
    r"|\b(?P<ktor_status>" + _STATUS + r") [A-Z][A-Za-z' -]{1,60}: (?P<ktor_method>" + HTTP_METHODS + r") - "
    r"(?P<ktor_path>/[^\s\"]{0,4096})"
    # Gin: `[GIN] … | 500 | 1.2ms | 10.0.0.1 | GET "/api/x"`
    r"|\[GIN\] [^|]{0,64}\| (?P<gin_status>"
    + _STATUS
    + r") \|[^\"]{0,512}\| (?P<gin_method>"
    + HTTP_METHODS
    + r")"
    r"\s{1,32}\"(?P<gin_path>[^\"\s]{1,4096})\""
    # uWSGI's request log: `[pid: 53|app: 0|req: 6/5] 10.0.0.1 () {38 vars in 581 bytes} [Mon Jan 15 01:14:23 2018]
    # GET /x => generated 21 bytes in 3 msecs (HTTP/1.1 500) 2 headers in 83 bytes (1 switches on core 0)`
    r"|\b(?P<uwsgi_method>"
    + HTTP_METHODS
    + r") (?P<uwsgi_path>[^\s\"]{1,4096})"
    + _UWSGI_RESPONSE
    + r"(?P<uwsgi_status>"
    + _STATUS
    + r")\)"
    # key=value (Rails' lograge, logfmt): `method=POST path=/api/orders format=json … status=500 error='…'`
    r"|(?:^|\s)method=(?P<logfmt_method>"
    + HTTP_METHODS
    + r") path=(?P<logfmt_path>/[^\s\"']{0,4096})"
    + _LOGFMT_FIELDS
    + r" status=(?P<logfmt_status>"
    + _STATUS
    + r")\b"
)
"""An access line's request: its method, path and status (`access_request`, and Log Analytics' query)."""
_ACCESS_REQUEST = compile_regex(ACCESS_REQUEST_PATTERN)


BARE_REQUEST_PATTERN = r"[\d\s/:.,TZ+\-\[\]]{0,40}(?:" + HTTP_METHODS + r") /"
"""A request first on a line after a time, where `access_request` takes a quick look (with ` HTTP/` and `[GIN]`)."""
_BARE_REQUEST = compile_regex(BARE_REQUEST_PATTERN)


def access_request(text: str) -> tuple[str, str, int] | None:
    """(method, path, status) of the request the first line of `text` logs as an access line, or None.

    What varies from one request to the next (the client address, time, user agent, referrer, sizes) is left
    out: such a line is a request problem, titled and grouped by its route and status as `httpRequest` is.
    """
    first_line = text[:_ACCESS_HEAD].partition("\n")[0]
    if (
        " HTTP/" not in first_line
        and "[GIN]" not in first_line
        and "method=" not in first_line
        and " - /" not in first_line
        and UWSGI_REQUEST_MARK not in first_line
        and not _BARE_REQUEST.match(first_line)
    ):
        return None  # (a quick look first: most text lines are no access line)
    match = _ACCESS_REQUEST.search(first_line)
    if match is None:
        return None
    form = (match.lastgroup or "").partition("_")[0]
    return match[f"{form}_method"], match[f"{form}_path"], int(match[f"{form}_status"])


def access_status(text: str) -> int | None:
    """The HTTP status of the request the first line of `text` logs as an access line, or None."""
    first_line = text[:_ACCESS_HEAD].partition("\n")[0]
    match = _ACCESS_STATUS.search(first_line)
    return int(match[match.lastgroup or ""]) if match is not None else None


# The words for an error or a failure in other languages a team logs in (English's `err` and `fail` are above or
# `may_raise`'s: `Erreur`, `errore`, `erro`, `error` already read as one): in Latin letters, and in other
# scripts or with accents (looked for only in a text that is not ASCII)
_FAILURE_SIGNS_LATIN = (
    "fehler",
    "fehlgeschlagen",
    "echec",
    "falha",
    "falhou",
    "fallido",
    "fallito",
    "mislukt",
    "gagal",
    "kesalahan",
    "hata:",
)
_FAILURE_SIGNS_OTHER_SCRIPTS = (
    "échec",
    "échou",
    "falló",
    "błąd",
    "nie udało",
    "başarısız",
    "lỗi",
    "ошибк",
    "не удалось",
    "сбой",
    "помилк",
    "σφάλμα",
    "απέτυχ",
    "エラー",
    "失敗",
    "错误",
    "錯誤",
    "失败",
    "오류",
    "에러",
    "실패",
    "خطأ",
    "فشل",
    "שגיאה",
    "נכשל",
    "त्रुटि",
    "विफल",
    "ข้อผิดพลาด",
    "ล้มเหลว",
)


# Words that hold a sign of a failure without being one: `default` (`fault`), `referrer`, `deferred` and
# `preferred` (`err`): uWSGI's `(default app)`, Kubernetes' `default` namespace, a request's referrer
_SIGN_LOOKALIKE_WORDS = ("default", "referrer", "deferr", "preferr")
_SIGN_LOOKALIKES = compile_regex("(?i)" + "|".join(_SIGN_LOOKALIKE_WORDS))


_LATIN_SCRIPT_SIGNS = _FAILURE_SIGNS + _FAILURE_SIGNS_LATIN


def error_evidence(text: str) -> bool:
    """True when the text shows any sign of a failure: a level word, a failure line or word (in English or in
    another language), a stack word, a program that cannot load its code (`start_failure`); not in a word that only
    holds one (`_SIGN_LOOKALIKES`, replaced only in a text that may hold one: an ASCII text holds one in any case
    only if its lower case does; `(?i)` matches other letters to ASCII ones, so any other text is searched), nor in
    words that say no failure happened (`_NO_FAILURE`: looked for only in a text that shows a sign, in its first
    2,000 characters)."""
    if not _shows_a_sign(text):
        return False
    cleared = _head_without_no_failure(text)
    return cleared is None or _shows_a_sign(cleared + text[_FAILURE_PHRASE_HEAD:])


def _shows_a_sign(text: str) -> bool:
    """`error_evidence` without `_NO_FAILURE`: any sign of a failure, not in a word that only holds one."""
    lower = text.lower()
    if not text.isascii() or any(word in lower for word in _SIGN_LOOKALIKE_WORDS):
        text = _SIGN_LOOKALIKES.sub(" ", text)
        lower = text.lower()
    for word in _LATIN_SCRIPT_SIGNS:  # a loop, not `any` of a generator: half the time on a line without one
        if word in lower:
            return True
    if may_raise(text) or start_failure(text):
        return True
    return not text.isascii() and any(word in lower for word in _FAILURE_SIGNS_OTHER_SCRIPTS)


@dataclass(frozen=True)
class Inferred:
    """An entry's severity after reading its text, and the rule that changed it (None: unchanged)."""

    severity: Severity
    rule: str | None = None


# A line a runtime writes only for an error, whatever a log shipper stamps on it: glog's and klog's `E`/`F` header,
# the JVM's `Exception in thread "…"` (its default handler of an uncaught exception)
_JVM_UNCAUGHT = 'Exception in thread "'
_RUNTIME_ERROR_INITIALS = "EF"
_GLOG_ERROR = compile_regex(r"(?:ERROR: logging before flag\.Parse: )?[EF]\d{4} \d\d:\d\d:\d\d")
# Both as one pattern, for the Log Analytics query: the lines `_runtime_error_line` reads
RUNTIME_ERROR_PATTERN = "^(?:" + literal(_JVM_UNCAUGHT) + "|" + _GLOG_ERROR.pattern + ")"


def _runtime_error_line(text: str) -> Severity | None:
    """The level of a runtime's own error line (`_JVM_UNCAUGHT`, a glog `E`/`F` header); None for any other."""
    if text.startswith(_JVM_UNCAUGHT):
        return Severity.ERROR
    declared = declared_level(text) if _GLOG_ERROR.match(text) else None
    return declared.severity if declared is not None and declared.rule == "glog-header" else None


def _entry_declares(json_declared: Severity | None, text: str) -> Declared | None:
    """The level an entry declares: its JSON payload's, else its text's."""
    return Declared(json_declared, "json-level") if json_declared is not None else declared_level(text)


def infer_severity(
    logged: Severity,
    *,
    weak: bool,
    text: str,
    has_stack: bool,
    has_error_group: bool,
    json_declared: Severity | None = None,
    plain_line: bool = False,
    server_error: bool = False,
    failed_call: bool = False,
    reports_error: bool = False,
    failed_check: bool = False,
    traceback_piece: bool = False,
    failed_event: bool = False,
) -> Inferred:
    """The severity an entry really has. Rules, first match wins:

    1. `platform-failure`: a platform failure line is at least ERROR, whatever the platform wrote.
    2. `error-group`: an entry Error Reporting grouped (`errorGroups`) is at least ERROR.
    3. `http-status`: a request log of a server error (`server_error`: a structured status 5xx) is at least
       ERROR; `audit-status`: so is an audit entry of a failed call (`failed_call`: a status code other than
       OK), as Cloud Audit Logs itself records one; `health-check`: so is a health check's probe result that
       found its backend unhealthy (`failed_check`), which the load balancer logs at INFO, and so is a managed
       instance group's autohealing of an instance that failed its health check (an OK system event at INFO);
       `failed-event`: so is a Google Cloud product's own typed event whose outcome enum says it failed
       (`failed_event`: Cloud Deploy's rollout or render `FAILED`, written at INFO).
    3b. `runtime-error-line`: a severity below WARNING that is not weak (a log shipper's default) on a line a
       runtime writes only for an error (a glog `E`/`F` header, the JVM's `Exception in thread "…"`) takes the
       line's level.
    4. `access-log-status`: a weak severity with an access line of a server error (5xx) is ERROR, whatever
       level the line's header declares (uvicorn and Rails log their 500s at INFO).
    5. A weak severity (none, DEFAULT, or only the stream's default) takes the level the entry declares:
       `json-level` (a field of the JSON payload), `json-level-in-text`, `glog-header`, `ruby-logger-header`,
       `dotnet-logger-header`, `redis-header`, `tornado-header`, `python-warning`, `bracketed-level`, `level-header`, `level-word`,
       `logfmt-level`, `failure-line` (a line that is a failure by itself: `TypeError: …`, `Segmentation
       fault`).
    6. `stack`: a weak severity with a stack trace is ERROR; `json-error`: so is a JSON payload that reports
       an error beside its message (`reports_error`) and declares no level; `failure-phrase`: a weak severity
       below WARNING whose text says in words that an operation failed (`failure_phrase`) is WARNING, unless
       the text line is a piece of a traceback (`traceback_piece`: reassembly reads those).
    7. A severity that is only the stream's default ERROR (GKE's stderr), where nothing above applied:
       `access-log-status`, an access line of a client error is WARNING and of any other status INFO;
       `no-error-evidence`, a `plain_line` (a text line that is no piece of a traceback) without any sign of
       a failure (`error_evidence`) is INFO.
    """
    if logged < Severity.ERROR and platform_failure(text):
        declared = declared_level(text) if weak else None
        if declared is not None and declared.severity > Severity.ERROR:
            return Inferred(declared.severity, declared.rule)  # `[CRITICAL] WORKER TIMEOUT`
        return Inferred(Severity.ERROR, "platform-failure")
    if logged < Severity.ERROR and has_error_group:
        return Inferred(Severity.ERROR, "error-group")
    if logged < Severity.ERROR and (server_error or failed_call):
        declared = _entry_declares(json_declared, text) if weak else None
        if declared is not None and declared.severity > Severity.ERROR:
            return Inferred(declared.severity, declared.rule)
        return Inferred(Severity.ERROR, "http-status" if server_error else "audit-status")
    if logged < Severity.ERROR and failed_check:
        return Inferred(Severity.ERROR, "health-check")
    if logged < Severity.ERROR and failed_event:
        return Inferred(Severity.ERROR, "failed-event")
    if logged < Severity.WARNING and not weak and text[:1] in _RUNTIME_ERROR_INITIALS:
        runtime = _runtime_error_line(text)
        if runtime is not None:
            return Inferred(runtime, "runtime-error-line")
    if not weak:
        return Inferred(logged)
    stream_error = logged >= Severity.WARNING  # a weak severity this high is only stderr's default
    status = access_status(text) if stream_error or text.find(" 5", 0, _ACCESS_HEAD) >= 0 else None
    declared = _entry_declares(json_declared, text)
    if status is not None and status >= 500 and (declared is None or declared.severity < Severity.ERROR):
        return Inferred(Severity.ERROR, "access-log-status" if logged != Severity.ERROR else None)
    if declared is not None:
        return Inferred(declared.severity, declared.rule if declared.severity != logged else None)
    if (has_stack or reports_error) and logged < Severity.ERROR:
        return Inferred(Severity.ERROR, "stack" if has_stack else "json-error")
    if logged < Severity.WARNING and not traceback_piece and failure_phrase(text):
        return Inferred(Severity.WARNING, "failure-phrase")
    if stream_error and not has_stack:
        if status is not None:
            return Inferred(Severity.WARNING if status >= 400 else Severity.INFO, "access-log-status")
        if plain_line and not error_evidence(text):
            return Inferred(Severity.INFO, "no-error-evidence")
    return Inferred(logged)
