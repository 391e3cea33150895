"""Reassembly of stack traces that Cloud Run and GKE split into one entry per stderr line.

Consecutive entries of the same log, service, instance and revision, close in time, that together form a traceback
become one `Event`: Python's (header, `File` lines, source and caret lines, chained-exception separators,
final `Type: message`), an exception line and its `at` frames (Java, Node.js, .NET) or backtrace (Ruby), a Go
panic or fatal error (header, signal line, goroutine headers, function and file lines, `exit status`), a Go
logger's record with the stack under it (zap's), PHP's and
Node.js's crash reports, Elixir's (`** (Type) message`, frames, `Last message:`/`State:` lines), a Rust panic (its
message, backtrace and note), Config Sync's error (`KNV2009: …`, its fields and link), a record of .NET's console
logger (`fail: Category[0]` and its indented lines), Python's faulthandler dump of a fatal signal and V8's report of
a fatal error (Node.js's heap exhaustion). Works on exports in either time order (gcloud prints newest first) and keeps memory bounded: only the
lines of tracebacks still open are held.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import re2

from loggardener.entries.levels import PY_WARNING, header_only, literal, strip_prefix
from loggardener.entries.models import Event, LogEntry, Quiet, Severity, StackTrace
from loggardener.entries.redact import (
    COMMAND_PROMPT,
    KEY_END_PATTERN,
    SECRET_READ_WORDS,
    SECRET_READS_PATTERN,
    SECRET_TOOLS,
    is_plain_words,
)
from loggardener.entries.stacks import (
    DART_FRAME,
    DART_TERSE_FRAME,
    DART_UNHANDLED,
    DOTNET_ERROR_CODE,
    DOTNET_HEADER,
    DOTNET_OVERFLOW_LINE,
    DOTNET_STACK_OVERFLOW,
    EXCEPTION_GROUP_HEADER,
    FAULT_HEADER,
    FAULT_THREAD,
    HASKELL_CALL_STACK,
    HASKELL_FRAME,
    LUA_COROUTINE,
    LUA_FRAME,
    LUA_TRACEBACK,
    MONOLOG_EXCEPTION,
    NODE_ERROR_CODE,
    PERL_DIE,
    PERL_FRAME,
    PHP_THROWN,
    PY_CHAIN_SEPARATORS,
    PY_HEADER,
    RUST_PANIC,
    SWIFT_CRASHED,
    SWIFT_FATAL,
    SWIFT_FRAME,
    SWIFT_OLD_FRAME,
)
from loggardener.regexes import before_line_ends, compile_regex, widen_escapes

# (`> File …`: the frame loguru's report of a caught exception marks as the one that raised it)
_FILE_LINE = compile_regex(r'^\s*(?:> )?File "[^"]+", line \d+')
_EXCEPTION_LINE = compile_regex(
    r"^(?:Exception in thread \"[^\"]{0,200}\" |Unhandled [Ee]xception\. ?|Uncaught )?"
    r"[A-Za-z_][\w.$`]*(?:::[A-Za-z_]\w*)*" + NODE_ERROR_CODE + DOTNET_ERROR_CODE + r"(?::\s.*|:)?$"
    # Ruby's uncaught exception (`/app/x.rb:14:in 'deliver': msg (NoMethodError)`) and Rails' (`NoMethodError
    # (msg):`, `ActionController::ParameterMissing (msg):`, `Errno::ECONNREFUSED (msg):`)
    r"|^\S{1,500}?\.rb:\d+:in [`'][^`']{1,500}'?: .* \([A-Z][\w:]*\)$"
    r"|^(?:[A-Z]\w{0,100}::){1,8}[A-Z]\w{0,100} \(.*\):$|^[A-Z][\w:]*(?:Error|Exception|NotFound|Invalid)\w* \(.*\):$"
    # Node.js's inspection of an error without a stack: `[UnhandledPromiseRejection: … reason "x".] {`
    r"|^\[[A-Za-z_$][\w$.]*: .*\](?: \{)?$"
)
# Node.js's report of an uncaught exception starts with where it was thrown (`/app/server.js:42`,
# `node:internal/process/promises:289`), the source line and a caret, and ends with `Node.js v20.11.1`.
_NODE_LOCATION = compile_regex(r"^(?:file://)?(?:/|[A-Za-z]:[\\/]|node:)\S*:\d+$")
_NODE_VERSION = compile_regex(r"^Node\.js v\d+\.\d+\.\d+$")
# `node --trace-uncaught` prints where the value was thrown after the error's own stack: this heading, then frames
_NODE_THROWN_AT = "Thrown at:"
# A stack frame of Java (`\tat a.B.c(B.java:3)`, with the jar logback and Spring Boot append: `… ~[app.jar:1.0]`),
# Node.js (`    at f (/app/x.js:1:2)`) or .NET (`   at A.B() in x.cs:line 3`)
_AT_FRAME = compile_regex(r"^\s+at \S.{0,1000}(?:\)(?:\s+~?\[[^\]\n]{0,300}\])?|:\d+:\d+|:line \d+)\s*\{?$")
# The markers kotlinx.coroutines writes among a JVM stack's frames where it recovered the stack across coroutines
# (`\t(Coroutine boundary)`, `\t(Coroutine creation stacktrace)`): rows of the stack, as its frames are
_COROUTINE_MARKER = compile_regex(r"^\s+\(Coroutine (?:boundary|creation stacktrace)\)\s*$")
# A Ruby backtrace line, as the interpreter prints it (`\tfrom /app/x.rb:3:in '<main>'`, `\tfrom bin/rails:4:in
# '<main>'`: a script's file may have no extension) or a logger does (`/app/x.rb:14:in `deliver'`,
# `  app/models/user.rb:9:in `name'`).
# Rails' backtrace cleaner names a gem's frame by the gem and its version (`actionpack (6.0.3.2)
# lib/action_controller/metal.rb:215:in 'dispatch'`), and a template's frame (`app/views/users/new.html.erb:3:in
# '_app_views_users_new_html_erb___1'`) may have no method (`app/views/users/_form.html.erb:3`).
_RUBY_SOURCE = r"\.(?:rb|erb|haml|slim|builder|jbuilder|rabl)"
_RUBY_FRAME_PATTERN = (
    r"^\s*(?:from \S{1,500}?|(?:from )?(?:[\w.-]{1,100} \(\d[\w.-]{0,50}\) )?(?:\S{1,500}?"
    + _RUBY_SOURCE
    + r"|<internal:[^>]{1,200}>)):\d+:in [`'][^`']{1,500}'\s*$"
    r"|^\s*(?:[\w.-]{1,100} \(\d[\w.-]{0,50}\) )?\S{1,500}?" + _RUBY_SOURCE + r":\d+\s*$"
)
_RUBY_FRAME = compile_regex(_RUBY_FRAME_PATTERN)
# A line of a tagged logger's multi-line message that has nothing after its tags: Rails writes each line of a
# failure's report after the request's tags (`[6f1c…]   `), its blank ones too. Without the trailing blanks (a
# stream that trims lines) only tags among which is an id say so (a request's id: `[6f1c…]`, `[10.0.0.7]`): a line
# that is a bracketed word (`[OK]`, `[main]`) or a short number (`[1]`) is text.
_TAGS_ONLY = compile_regex(r"(?:\[[^\[\]\s]{1,200}\] ?){1,8}\s*")
_ID_TAGS_ONLY = compile_regex(
    r"(?:\[[^\[\]\s]{1,200}\] ?){0,7}\[(?=[^\]\d]{0,200}\d)[^\[\]\s]{6,200}\](?: ?\[[^\[\]\s]{1,200}\]){0,7}"
)
# Ruby's Logger's header with tags and nothing else (`F, [2021-06-17T22:55:15.481534 #4] FATAL -- : [6f1c…]`,
# trailing blanks or not), in any level's letter (UNKNOWN's is `A`, for `ANY`): each line of Rails' report logged
# on its own, a blank one among them. The prefix stripping leaves it whole (it would leave nothing).
_LOGGER_TAGS_ONLY = compile_regex(
    r"[DIWEFA], \[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})? #\d{1,10}\]\s{1,8}[A-Z]{3,7} -- [^\n:]{0,200}:"
    r"(?: ?\[[^\[\]\s]{1,200}\]){0,8}\s*"
)
# A line of the template's source that ActionView prints under the error it raised in it (`    1: <%= form_for(@user)
# do |f| %>`), its indentation gone with the tags before it: a line's number, a colon, the line
_EXCERPT = compile_regex(r"\d{1,6}:(?: .*)?")
# (.NET's `   --- End of inner exception stack trace ---` reads `End of inner …` once its prefix is stripped;
# Java indents a suppressed exception, and the causes and `... N more` within it, by a tab more a level)
_CAUSE_LINE_PATTERN = (
    r"^(?:\s*(?:Caused by|Suppressed): |\s*Caused by:\s*$|\s*---> |\s+\.\.\. \d+ (?:more|common frames omitted)\s*$"
    r"|\s*(?:--- )?End of (?:inner exception )?stack trace)"
)
_CAUSE_LINE = compile_regex(_CAUSE_LINE_PATTERN)
# Rails' `Causes:` section (7.1 on) between its exception's line and the excerpt: the heading, then each cause's class
# and message, without the colon the exception's line ends with (`NoMethodError (undefined method 'x' for nil)`)
_RAILS_CAUSES = "Causes:"
_RAILS_CAUSE = compile_regex(
    r"(?:[A-Z]\w{0,100}::){1,8}[A-Z]\w{0,100} \(.*\)|[A-Z][\w:]{0,200}(?:Error|Exception|NotFound|Invalid)\w* \(.*\)"
)
# Go: a panic or fatal error (`net/http` logs a handler's as `http: panic serving ADDR: …`, a signal dump
# starts `SIGQUIT: quit`); the signal it came from; a goroutine's header; a frame's function line (arguments
# printed as hex words, `_` when unused, structs in braces, `...` when elided) or `created by` line; `exit status 2`; the runtime's own
# `runtime: …` lines before a fatal error. A frame's file line (`\t/src/x.go:57 +0x2c`) starts with a tab.
_GO_ARGUMENT = r"(?:0x[0-9a-f]+\??|\.\.\.|_|\{[0-9a-fx?{}, ._]*\})"
_GO_NAME_PART = r"(?:[\w~%-]+|\(\*?[\w~%-]+(?:\[\.\.\.\])?\))(?:\[\.\.\.\])?"
_GO_LINE = compile_regex(
    r"(?P<go_header>(?:panic|fatal error): |(?:http: )?panic serving \S+: |SIG[A-Z0-9]{2,8}: \w)"
    r"|(?P<go_signal>\[signal |PC=0x[0-9a-f]+ m=\d+ |signal arrived during cgo execution$)"
    r"|(?P<go_goroutine>(?:goroutine \d+ [^\[\]]{0,200}\[[^\]]{0,200}\]|runtime stack):$)"
    r"|(?P<go_frame>(?:created by \S+(?: in goroutine \d+)?$|(?:[\w.~%-]+/)*"
    + _GO_NAME_PART
    + r"(?:\.+"
    + _GO_NAME_PART
    + r")+"
    r"\((?:" + _GO_ARGUMENT + r"(?:, " + _GO_ARGUMENT + r")*)?\)$|panic\(\{[0-9a-fx?, ]*\}\)$"
    r"|\.\.\.(?:additional|\d+) frames elided\.\.\.$))"
    r"|(?P<go_exit>exit status \d+$)"
    r"|(?P<go_runtime>runtime: \S)"
)
# A function's line of the stack a Go logger writes under its record (zap's `stacktrace`, pkg/errors' `%+v`):
# its package's path and name, without the arguments a panic's frame has (`github.com/go-logr/zapr.(*zapLogger).
# Error`), or a function of the program's `main` package or of `runtime`, which have no path (`main.main.func2`,
# `main.(*server).run`, `runtime.main`: most stacks end in them); its file's line follows, tab-indented
_GO_STACK_FUNCTION = compile_regex(
    r"(?:(?:[\w.~%-]+/)+" + _GO_NAME_PART + r"|main|runtime)(?:\.+" + _GO_NAME_PART + r")+$"
)
_GO_KINDS = {
    "go_header": "go-header",
    "go_signal": "go-signal",
    "go_goroutine": "go-goroutine",
    "go_frame": "go-frame",
    "go_exit": "go-exit",
    "go_runtime": "go-runtime",
}
# What may follow a Go header within its trace (`source`: a tab-indented file line, or `\tpanic: …` of a
# panic raised while another one ran).
_GO_CONTINUATIONS = ("go-signal", "go-goroutine", "go-frame", "go-runtime", "source", "blank")
_MAX_GROUP_LINES = 2000
# better_exceptions' and loguru's annotation line under a frame's source line: `│` bars, at most one `└ value`
_ANNOTATION_ONLY = compile_regex("[ \t\u2502]*(?:\u2514 .*)?")
# A line that ends by naming a credential whose value the stream's next line may hold: the end of a name and a
# separator (`login failed, password:`, `api_key =`, PHP's `["password"]=>` and `["secret":protected]=>`), a YAML
# block's header (`client_secret: >-`), an Authorization header's scheme (`Authorization: Bearer`), a name/value
# pair's name (`- name: DB_PASSWORD` before `  value: X`, `Key: ClientSecret`, `Name: /prod/db/password`,
# `Property: spring.datasource.password`), an XML element that opens around it (`<Password>`) or names it
# (`<key>api_token</key>` before `<string>X</string>`), R's print of a list's element (`$password` before
# `[1] "X"`), a prompt or a sentence that gives it next (`Enter passphrase for key '/k':`, `[sudo] password
# for bob:`, `your new password is:`, Jenkins' `use the following password to proceed to installation:`, a blank line
# or two after it; a sentence saying one was made or reset, as Elasticsearch's before `New value: X`), a field's
# path alone (pydantic's `db_password` before `  … input_value='X'`), a table's header naming a credential's
# column (`user,password,role`) and a command that prints a credential (`$ terraform output -raw db_password`,
# `redact._COMMAND_OUTPUT`), and SMTP's prompt for the password (`334 UGFzc3dvcmQ6`).
# (a command's line may end in a value already redacted: `vault kv get -field=password [REDACTED:password]`)
_LABEL_ENDS = frozenset(":=>|-+,.]\"'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# The words that name a credential, each with what may follow it (`passwd`, `credentials`, `authToken`)
_CREDENTIAL_WORDS = {
    "pass": r"\w*",
    "pwd": "",
    "secret": "",
    "token": "",
    "key": "",
    "credential": "s?",
    "auth": r"\w*",
    "phrase": "",
    "pin": "",
    "otp": "",
    "code": "",
}
_CREDENTIAL_WORD = "(?:" + "|".join(word + rest for word, rest in _CREDENTIAL_WORDS.items()) + ")"
_SMTP_PROMPT = "UGFzc3dvcmQ6|cGFzc3dvcmQ6"  # base64 of `Password:` and of `password:`
CREDENTIAL_WORDS = (*_CREDENTIAL_WORDS, "gfzc3dvcmq6", "assword", *SECRET_READ_WORDS)
"""What every credential's label holds, in lower case: a credential's word, SMTP's prompt for the password, the
glob of Expect's (`*assword:`), or a command's that reads a secret store (`keyring get`)."""
_SECRET_TOOLS = "|".join(map(re.escape, SECRET_TOOLS))
# A name/value pair's name field and its separator (`name:`, `"Key" =`, `Property:`)
_PAIR_NAME_FIELD = r"\b(?:name|key|property|param(?:eter)?|variable|setting|field)[\"']?\s{0,4}[:=]"
CREDENTIAL_LABEL_PATTERN = (
    rf"(?i)(?:{_CREDENTIAL_WORD}(?:[\"'](?::[^\]\r\n]{{1,100}})?)?\]?\s{{0,4}}(?:[:=]{{1,2}}|=>|->)\s{{0,4}}(?:[|>][+-]?)?"
    r"|authorization[\"']?\s{0,4}[:=]\s{0,4}[A-Za-z][A-Za-z0-9-]{0,30}"
    rf"|{_PAIR_NAME_FIELD}\s{{0,4}}[\"']?[\w./:-]{{0,64}}{_CREDENTIAL_WORD}\w{{0,32}}[\"']?,?"
    rf"|<(?:[\w.-]{{1,32}}:)?[\w.-]{{0,64}}{_CREDENTIAL_WORD}[\w.-]{{0,32}}(?:\s[^<>\r\n]{{0,200}})?>"
    rf"|<(?:key|name)>[\w./:-]{{0,64}}{_CREDENTIAL_WORD}[\w.-]{{0,32}}</(?:key|name)>"
    rf"|(?:^|\s)\$[\w.]{{0,64}}{_CREDENTIAL_WORD}[\w.]{{0,32}}"
    rf"|{_CREDENTIAL_WORD}\s{{1,4}}(?:is|was)\s{{0,4}}:?"
    rf"|{_CREDENTIAL_WORD}(?:\s{{1,4}}[A-Za-z]{{2,16}}){{0,3}}\s{{1,4}}(?:for|to)\s[^\r\n]{{1,200}}?:"
    # a sentence saying a credential was made or reset, its value told on the next line (Elasticsearch's `Password
    # for the [elastic] user successfully reset.` before `New value: X`)
    rf"|{_CREDENTIAL_WORD}\b[^\r\n]{{0,200}}?\b(?:reset|generated|created|changed|rotated|issued)\b[^\r\n]{{0,100}}"
    # a table's header (CSV, TSV, `|`) with a credential's column, its first row on the next line
    r"|^[ \t]{0,8}(?=[^\r\n]{0,400}[,;\t|])(?:[\w .-]{0,40}[,;\t|]){0,32}"
    rf"[\w .-]{{0,40}}?{_CREDENTIAL_WORD}[\w .-]{{0,40}}(?:[,;\t|][\w .-]{{0,40}}){{0,32}}"
    # a field's path alone on its line, as pydantic's validation error names the field whose input it echoes next
    rf"|^[ \t]{{0,8}}[A-Za-z_][\w.\[\]-]{{0,64}}{_CREDENTIAL_WORD}[\w.\[\]-]{{0,32}}"
    # a command that prints a credential, its output on the next line (`$ terraform output -raw db_password`)
    rf"|^[ \t]{{0,8}}(?:{COMMAND_PROMPT}[A-Za-z./][\w./-]{{0,64}}|(?:{_SECRET_TOOLS}))"
    rf"[ \t][^\r\n]*?{_CREDENTIAL_WORD}[^\r\n]*"
    # … or that reads a secret store (`+ gopass show -o infra/redis`, `aws ssm get-parameter … --with-decryption`)
    # (`redact._COMMAND_OUTPUT` decides, with the two lines joined)
    rf"|^[ \t]{{0,8}}(?:{COMMAND_PROMPT})?[^\r\n]*?(?:{SECRET_READS_PATTERN.removeprefix('(?i)')})[^\r\n]*"
    # SMTP's `AUTH LOGIN` prompt for the password (`334 UGFzc3dvcmQ6`, `Password:` in base64), its answer next
    rf"|\b334[ \t]{{1,8}}(?:{_SMTP_PROMPT})"
    # an Expect dialogue at its password prompt: the script's `expect "*assword:"` (its `send "X\r"` next), or as
    # `expect -d` traces it, the prompt matched (`… match glob pattern "*assword:"? yes`) and its text kept
    # (`expect: set expect_out(0,string) "password:"`), then `send: sending "X\r" …`
    r"|\bexpect\b[^\r\n]{0,160}?assword[^\r\n]{0,160}"
    # a multipart form's part named after a credential (`Content-Disposition: form-data; name="password"`), its value
    # after the part's blank line
    rf"|\bform-data;[^\r\n]{{0,200}}?\bname=\"?[\w.\[\]-]{{0,64}}{_CREDENTIAL_WORD}[\w.\[\]-]{{0,32}}\"?(?:;[^\r\n]{{0,200}})?"
    r")\s*$"
)
_CREDENTIAL_LABEL = compile_regex(CREDENTIAL_LABEL_PATTERN)


def _ascii_superset(pattern: str) -> bytes:
    r"""`pattern` as RE2 takes it, matching on ASCII text at least what `re` matches there: lookaheads and the upper
    bounds of counted repetitions dropped (each only narrows a match; RE2 refuses nested counts past 1000), and `\s`
    widened to the ASCII characters `re` holds blank (RE2's lacks the vertical tab and `\x1c`-`\x1f`). On ASCII
    text, `\w`, `\d`, `\b`, `(?i)`, `^` and `$` before `\s*` mean in RE2 what they mean in `re`."""
    pattern = re.sub(r"\(\?=[^()]*\)", "", pattern)
    pattern = re.sub(r"(?<!\\)\{(\d+),\d+\}", r"{\1,}", pattern)
    blanks = r"\t\n\x0b\f\r \x1c-\x1f"
    return widen_escapes(pattern, {"s": blanks}).encode("ascii")


@functools.cache
def _label_superset() -> Any:
    """`_CREDENTIAL_LABEL` on ASCII text as RE2 runs it, a superset (`_ascii_superset`): `re` tries each of its
    alternatives at every character (50 µs on a traceback's last line, `KeyError: 'sku-42'`), RE2 reads each once."""
    options = re2.Options()
    options.max_mem = 64 << 20
    options.log_errors = False
    return re2.compile(_ascii_superset(CREDENTIAL_LABEL_PATTERN), options)


# A private key's block logged one line per entry: its BEGIN line, redacted from there to its end (or, newest
# first, its END line), opens it; the stream's next lines of a key's body (base64, hex, the padding, PGP's
# checksum, PEM's headers, a blank line, a line redaction already replaced) are its body, each redacted whole
# though alone it may look like no key (`q/Msc…G==`). Every line may carry what the program writes before each
# (`openvpn: `, `key.pem: `): the text before the BEGIN or END line, kept on a body line that repeats it.
_KEY_MARKER = "[REDACTED:private-key]"
_KEY_END = compile_regex(KEY_END_PATTERN.decode("ascii"))
_KEY_BODY = compile_regex(
    r"\s*(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]{0,15}={1,2}|=[A-Za-z0-9+/]{4}|\[REDACTED:[a-z0-9-]+\]"
    r"|(?:Proc-Type|DEK-Info|Comment|Version): [^\r\n]*|)\s*"
)
# A pair's name (`"Name": "/prod/db/password",`), whose value may come after a few sibling fields of its object
# (`"Type": "SecureString",` then `"Value": "X"`), each a line of its own
_PAIR_NAME = compile_regex("(?i)" + _PAIR_NAME_FIELD)
_SIBLING_KEY = compile_regex(r"\s*[\"']?(?i:(?!value[\"']?\s{0,4}[:=])[a-z_])[\w.-]{0,64}[\"']?\s{0,4}[:=]")
_SIBLINGS = 3
LABEL_REACH = 1 + _SIBLINGS
"""How many lines after a credential's label its value may come (the sibling fields or blank lines between)."""
# A name/value pair's value (`  value: X`, `"Value": "X",`, after a prefix), whose line may come before its name's
_VALUE_LINE = compile_regex(r"(?i)(?:^|\s)[\"']?value[\"']?\s{0,4}[:=]")
# A sentence that names the value on a line before it (Argo CD's `This password must be only used for first time
# login.` after the password, a blank line between; `The above token …`): `redact._VALUE_NAMED_AFTER`'s sentence
_NAMES_VALUE_BEFORE = compile_regex(
    r"(?i)^\s{0,8}(?:this|that|the\s+above|above)\s+[A-Za-z][A-Za-z_-]{1,40}\b"
)
_SENTENCE_REACH = 2
# jsonschema's line that names the value its error quoted first: the schema's path to the property
_VALIDATION_PATH = compile_regex(
    r"^Failed validating '[^'\n]{1,64}' in (?:meta)?schema(?:\[[^\]\n]{1,128}\]){1,32}:$"
)


def may_name_credential(line: str) -> bool:
    """Whether `_CREDENTIAL_LABEL` may match `line`: False only when it cannot."""
    # Every alternative of the pattern holds a credential word: a line of ASCII without any is no label, and is not
    # searched (most lines). On other text the search runs: case-insensitive, it also folds letters such as `ſ`.
    if not line.isascii():
        return True
    # `map`, not a generator: no frame per word, on every text line.
    return any(map(line.lower().__contains__, CREDENTIAL_WORDS))


def names_credential(line: str) -> bool:
    """Whether `line` ends naming a credential whose value the stream's next line may hold (`_CREDENTIAL_LABEL`)."""
    if not may_name_credential(line):
        return False
    if line.isascii() and _label_superset().search(line.encode("ascii")) is None:
        return False  # (most lines that name a credential's word: the exact search runs on the few left)
    return _CREDENTIAL_LABEL.search(line) is not None


def credential_label(text: str) -> str:
    """`text`'s last line when it ends naming a credential (`names_credential`), else ""."""
    last = text.rstrip()
    last = last[last.rfind("\n") + 1 :]
    return last if last[-1:] in _LABEL_ENDS and _names_credential_at_end(last[-160:]) else ""


_names_credential_at_end = functools.lru_cache(maxsize=8192)(names_credential)
"""`names_credential` of a line's last 160 characters, cached: every text entry's last line is asked (where the
RE2 search runs on the ASCII lines that hold a credential's word: `key`, `token`… in many lines), and lines recur."""


# Elixir's crash report, which Logger writes after `GenServer #PID<0.123.0> terminating` (or `Task … terminating`):
# the exception (`** (RuntimeError) boom`, `** (exit) …`), its indented frames, then what the process was doing
# (`Last message: …`, `Last message (from #PID<…>): …`, `State: …`, `Function: …`, `Client #PID<…> is alive`),
# whose values may go on over indented lines
_ELIXIR_EXCEPTION = compile_regex(r"^\*\* \([A-Za-z][\w.]{0,200}\)")
_ELIXIR_CONTEXT = compile_regex(
    r"^(?:Last message(?: \(from [^()]{1,200}\))?|State|Function|Args|Parent|Ancestors|Neighbours): "
    r"|^Client \S{1,200} is (?:alive|dead)$"
)
# The request a Phoenix (Plug.Cowboy, Bandit) process was serving, between the line saying it terminated
# (`#PID<0.4100.0> running MyAppWeb.Endpoint (…) terminated`) and its crash report (`** (exit) an exception …`)
_ELIXIR_REQUEST = compile_regex(
    r"^(?:Server: \S{1,300} \((?:http|https|h2c?)\)|Request: [A-Z]{3,10} /\S{0,2000})$"
)
# Rust's panic (`thread 'main' panicked at src/main.rs:5:5:`, its message on the next line), the backtrace's
# heading and the note that ends the report (its frames are indented: `source` and `frame` lines)
# PHP-FPM's slow log (written to stderr in containers) after its `executing too slow (5.3 sec), logging` warning:
# `[02-Dec-2026 14:13:20]  [pool www] pid 41`, `script_filename = /var/www/html/index.php`, then the request's
# frames, innermost first, `[0x00007f3b2c0104a0] curl_exec() /var/www/html/src/Psp.php:44` (the date and the
# address may come cut as a header)
_FPM_SLOW_LOG = compile_regex(
    r"^(?:\[\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}\]\s+)?\[pool [^\]\s]{1,100}\] pid \d{1,10}$"
    r"|^script_filename = \S"
    r"|^(?:\[0x[0-9a-f]{8,16}\] )?[\w\\:>${}-]{0,300}\(\) (?:/|[A-Za-z]:\\)\S{0,1000}:\d{1,9}$"
)
_FPM_SLOW_ANNOUNCED = (
    " sec), logging"  # (`executing too slow (5.3 sec), logging`: its slow log, a blank line first)
)
_SWIFT_TOOK = compile_regex(r"Backtrace took \d{1,6}\.\d{1,4}s")
_SWIFT_REPORT = ("swift-fatal", "swift-crash", "swift-tail", "frame", "blank")
_OVERFLOW_REPORT = ("overflow-part", "frame")
_DART_FORMAT_EXCEPTION = "FormatException: "
# Deno's uncaught error, whose source line (at the margin when the code is) comes next
_DENO_UNCAUGHT = "error: Uncaught "
# shelf's `logRequests` report of a handler's error: `ERROR - 2026-12-02 14:10:40.300100`, the request (`GET
# /orders/7`), `Error thrown by handler.`, the error's text, then its frames (`DART_TERSE_FRAME`)
_SHELF_ERROR = compile_regex(r"ERROR - \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?")
_SHELF_THROWN = "Error thrown by handler."
_REQUEST_LINE = compile_regex(r"[A-Z]{3,7} /\S{0,2000}")
_DART_FRAME_STARTS = ("dart:", "package:", "file:///", "#")
_DART_SUSPENSION = "<asynchronous suspension>"  # between a Dart stack's frames, where an await resumed
_RUST_NOTE = compile_regex(
    r"^note: (?:run with `RUST_BACKTRACE=|Some details are omitted)"
    # color-eyre's closing hints under its report
    r"|^(?:Backtrace omitted\. )?Run with (?:RUST_BACKTRACE|RUST_SPANTRACE|COLORBT_SHOW_HIDDEN)=\S+ "
)
# color-eyre's report of an error chain: `Error: ` alone, then its causes numbered and indented (`   0: …`), the
# outermost first; `Location:` and the indented place it was built at
_EYRE_CAUSE = compile_regex(r"^\s+(?P<number>\d{1,3}): (?P<cause>\S.*)$")
_EYRE_LOCATION = "Location:"
_EYRE_SECTION = compile_regex(r"━{3,200} (?:SPANTRACE|BACKTRACE) ━{3,200}")
# Config Sync's error (`[1] KNV2009: failed to apply …`): its wrapped text on indented lines, a blank line, the
# object's fields (`source: namespaces/shop/web.yaml`, `metadata.name: web`), and the link that ends it
_KNV_ERROR = compile_regex(r"^(?:\[\d{1,4}\] )?KNV\d{4}: \S")
_KNV_MORE = "For more information, see https://g.co/cloud/acm-errors"
# The kinds an intro (a logged line at WARNING or above) may be followed by to be part of their event
_INTRODUCED = (
    "header",
    "elixir",
    "knv",
    "continuation",
    "bare",
    "group-header",
    "stack-info",
    "glog-trace",
    "fpm-slow",
    "call-stack",
    "lua-traceback",
    "statement-line",
)
# Python 3.11's exception group: `  + Exception Group Traceback (most recent call last):`, then its lines behind a
# `|` gutter, its sub-exceptions' after `+-+---------------- 1 ----------------` (all indented, read as `source`)
_GROUP_HEADER = "+ " + EXCEPTION_GROUP_HEADER
# logging's `stack_info=True`: the record's message, then where it was logged, without an exception
STACK_INFO = "Stack (most recent call last):"
# glog's and absl's stack after a failed CHECK or a FATAL (`*** Check failure stack trace: ***`, then `    @ 0x…
# fn()` lines), and their failure signal handler's report (`*** SIGABRT received at time=… ***`, `PC: @ 0x…`)
GLOG_TRACE_PATTERN = r"\*\*\* (?:Check failure stack trace: \*\*\*|SIG[A-Z]{2,8} .{0,200}|Aborted at \d{1,20} .{0,200})$|PC: @ "
_GLOG_TRACE = compile_regex(GLOG_TRACE_PATTERN)
# asyncio's default exception handler: its message (`Task exception was never retrieved`), then the context, one
# `key: <repr>` line each (`future: <Task finished …>`), then the traceback
_ASYNCIO_MESSAGE = compile_regex(
    r"(?:Task|Future) exception was never retrieved|Exception in callback \S.{0,500}"
    r"|Unhandled error in exception handler|Fatal error on transport \S.{0,300}"
    r"|Fatal (?:read|write) error on socket transport"
)
_ASYNCIO_CONTEXT = compile_regex(
    r"(?:future|task): <(?:Task|Future)\b|handle: <(?:Timer)?Handle\b|(?:protocol|transport): <[\w.]{1,200}[ >]"
)
# Erlang/OTP's report (its logger's legacy header, `=CRASH REPORT==== 2-Dec-2026::06:01:40.000700 ===`), then its lines:
# indented (`  crasher:`, `    exception error: …`, a supervisor's `    reason: …`) or a generic server's `** …`
_ERLANG_REPORT = compile_regex(
    r"=(?P<type>CRASH|ERROR|SUPERVISOR|WARNING|INFO|PROGRESS) REPORT==== \S[^=\n]{0,60} ===\s*"
)
_ERLANG_LINE = compile_regex(r"\*\* \S")
_ERLANG_CHILD = compile_regex(r"\{id,([^{}\s]{1,200})\}")
_ERLANG_EXCEPTION = compile_regex(r"\s+exception (?:error|exit|throw): \S")
_ERLANG_LEVELS = {
    "CRASH": Severity.ERROR,
    "ERROR": Severity.ERROR,
    "SUPERVISOR": Severity.ERROR,
    "WARNING": Severity.WARNING,
}
# Lines that may stand between a logged line and the traceback it introduces
_BEFORE_INTRODUCED = ("blank", "elixir-request", "asyncio-context")
# PHP's report of an uncaught exception: `PHP Fatal error:  Uncaught Error: msg in /app/x.php:11` (`PHP ` and the
# level are its error log's), then `Stack trace:`, its frames (`#0 /app/x.php(3): f()`, `#1 {main}`) and
# `  thrown in /app/x.php on line 11`.
_PHP_HEADER = compile_regex(r"^(?:PHP )?Fatal error: {1,2}Uncaught \S")
_PHP_TRACE = compile_regex(
    r"^Stack trace:$|^#\d{1,5} (?:\{main\}|\[internal function\]: \S.*|\S[^(]{0,500}\(\d{1,9}\): \S.*)$"
)
# Monolog's block after a record that holds an exception (`stacks.MONOLOG_EXCEPTION`): `[stacktrace]`, the frames
# (`_PHP_TRACE`), a previous exception's own (`[previous exception] [object] (PDOException(code: 7): … at …)`), and
# `"}`, the end of the record's JSON context
_MONOLOG_TRACE = compile_regex(r'^\[stacktrace\]$|^\[previous exception\] \[object\] \(.*\)$|^"\}$')

# .NET's console logger writes a record's header alone on its line (`fail: Acme.Orders.Worker[0]`), then its
# message, an exception and its frames indented under it: Cloud Run and GKE make each line an entry
_DOTNET_HEADER = compile_regex(r"(?:trce|dbug|info|warn|fail|crit): [\w.`+<>-]{1,256}\[\d{1,10}\]\s*$")
# Node.js's inspection of an array of objects nested too deep to print (`[ [Error], [Error] ]`)
_NODE_ARRAY = compile_regex(r"\[ \[[A-Za-z]\w{0,60}\](?:, \[[A-Za-z]\w{0,60}\]){0,100} \],?")
# Python's faulthandler dump of a fatal signal: `Fatal Python error: Segmentation fault`, a header per thread, its
# frames (`File "x.py", line 3 in f`, the most recent call first) and the extension modules loaded
_FAULT_MODULES = "Extension modules: "
# V8's report of a fatal error (Node.js's heap exhaustion): the last collections (`<--- Last few GCs --->`, then
# `[7:0x5e1c…]  41207 ms: Mark-Compact …`, whose `[pid:isolate]` the parser may strip), the JavaScript and native
# stacks' markers and frames (` 1: 0xb82d8c node::OOMErrorHandler(…) [node]`), and the `FATAL ERROR: …` line
# itself (its `FATAL ERROR:` read as the line's level and stripped)
_V8_LINE = compile_regex(
    r"(?P<v8_marker><--- (?:Last few GCs|JS stacktrace) --->$|==== JS stack trace =+$|----- Native stack trace -----$"
    r"|Security context: )"
    r"|(?P<v8_gc>(?:\[\d+:0x[0-9a-f]+\]\s+)?\d+ ms: (?:Scavenge|Mark-[Ss]weep|Mark-[Cc]ompact|Minor Mark-[Ss]weep)\b)"
    r"|(?P<v8_frame>\d{1,3}: 0x[0-9a-f]+ )"
)
_V8_KINDS = {"v8_marker": "v8-marker", "v8_gc": "v8-gc", "v8_frame": "v8-frame"}
_V8_OUT_OF_MEMORY = (" JavaScript heap out of memory", " process out of memory")
_V8_ALLOCATION_FAILED = "Allocation failed - "
_V8_REPORT = ("v8-marker", "v8-gc", "v8-frame", "v8-fatal", "source", "blank")
# .NET indents its frames by three spaces (Java by a tab, Node.js by four); an exception's message may go on
# over lines of its own before them (PostgreSQL's `POSITION: 75` after a blank line), a few at most
_DOTNET_FRAME_INDENT = "   at "
# … and under a console record (`fail: Category[0]`) by the record's padding more, the width of `info: `
_DOTNET_RECORD_FRAME_INDENT = " " * len("info: ") + _DOTNET_FRAME_INDENT
_MESSAGE_LINES = 6
# (.NET Framework's and .NET Core 2's argument exceptions name the argument on a line of their own: `Parameter
# name: source`)
_DOTNET_PARAMETER = compile_regex(r"Parameter name: [\w.]{1,200}")
_MESSAGE_KINDS = (None, "bare", "blank", "exception", "source", "parameter")
# A Python exception's message may go on over lines after its exception line, written with it (pydantic's
# `1 validation error for Settings`, then the field, the error indented, `For further information visit …`;
# SQLAlchemy's `[SQL: …]`, `[parameters: …]` and `(Background on this error at: …)`; psycopg2's `\tIs the
# server running …?`): lines without a header of their own, each within `RECORD_STEP` of the one before
_PY_MESSAGE_LINES = 40
# the line that ends such a message pointing at the error's documentation (SQLAlchemy's `(Background on this error
# at: https://sqlalche.me/e/20/e3q8)`, httpx's `For more information check: https://…`, pydantic's `For further
# information visit https://…`)
_DOC_LINK = compile_regex(
    r"^\s*(?:\(Background on this error at: https?://[^\s()]{1,500}\)"
    r"|For (?:more|further) information(?:,? (?:see|check|visit))?:? https?://\S{1,500})\s*$"
)
# and PostgreSQL's position of an error in its statement (`LINE 1: SELECT id FROM invoices`, a caret under it), which
# psycopg2's and Django's errors carry
_STATEMENT_LINE = compile_regex(r"^LINE \d{1,6}: ")
# Spring Boot's report of a failure at start (`LoggingFailureAnalysisReporter`), logged as one record over lines:
# the logger's header with nothing after it, a banner, `APPLICATION FAILED TO START`, the banner again,
# `Description:`, what failed, `Action:`, what to do (blank lines between); the line Spring prints before it
# (`Error starting ApplicationContext. To display the … report re-run your application with 'debug' enabled.`)
_SPRING_REPORTER = "LoggingFailureAnalysisReporter"
_SPRING_REPORT = compile_regex(
    r"(?P<banner>\*{20,40})|(?P<failed>APPLICATION FAILED TO START)|(?P<section>Description:|Action:)"
    r"|(?P<intro>Error starting ApplicationContext\. To display the [\w -]{1,60} report re-run your application "
    r"with '?debug'? enabled\.)"
    r"|(?P<header>.{0,300}\bLoggingFailureAnalysisReporter\s{0,40}:)"
)
_SPRING_KINDS = {
    "banner": "spring-banner",
    "failed": "spring-failed",
    "section": "spring-section",
    "intro": "spring-intro",
    "header": "spring-header",
}
_SPRING_INITIALS = frozenset("*ADE")
_SPRING_PARTS = frozenset(_SPRING_KINDS.values())
# What else a report's lines may be read as (what failed, what to do: plain lines, `Reason: …`, indented lines)
_SPRING_TEXT = (
    None,
    "report-text",
    "bare",
    "blank",
    "exception",
    "embedded",
    "source",
    "message",
    "hint",
    "parameter",
)
# The JVM's lines after an OutOfMemoryError's (`java.lang.OutOfMemoryError: Java heap space`, printed with
# `-XX:+HeapDumpOnOutOfMemoryError`): the heap dump's (`Dumping heap to java_pid1.hprof ...`, then `Heap dump file
# created [123 bytes in 0.456 secs]` or `Unable to create java_pid1.hprof: Permission denied`) and the exit's
# (`Terminating due to java.lang.OutOfMemoryError: Java heap space`, `Aborting due to …`)
_JVM_OOM = "java.lang.OutOfMemoryError"
_JVM_OOM_LINE = compile_regex(
    r"(?P<dump>Dumping heap to \S.{0,500} \.\.\.|Heap dump file created \[\d{1,20} bytes in [\d.]{1,20} secs\]"
    r"|Unable to create \S{1,500}\.hprof: .{1,300})$"
    r"|(?P<exit>(?:Terminating|Aborting) due to java\.lang\.OutOfMemoryError\b.{0,500})$"
)
_JVM_OOM_TAIL = ("jvm-dump", "jvm-exit")
# The JVM's fatal error report, printed on its output as it dies (its `hs_err_pid<N>.log` has the rest), each line
# behind `#`: its header (a signal in native code, `#  SIGSEGV (0xb) at pc=…`, or native memory exhausted, `# There is
# insufficient memory for the Java Runtime Environment to continue.`), then its lines in a fixed grammar: the JRE
# and VM versions, the problematic frame, the core dump, the report file, where to report the bug
JVM_CRASH_HEADER = compile_regex(
    r"#\s{1,4}(?:A fatal error has been detected by the Java Runtime Environment:"
    r"|There is insufficient memory for the Java Runtime Environment to continue\.)\s*$"
)
_JVM_CRASH_LINE = compile_regex(
    r"#\s{1,4}(?:[A-Z]{4,12} \(0x[0-9a-f]{1,8}\) at pc=0x[0-9a-f]{1,16}"
    r"|JRE version: |Java VM: |Problematic frame:$|[CVJjv]  \[|Core dump will be written\b|No core dump will be written\b"
    r"|An error report file with more information is saved as:$|\S{0,200}hs_err_pid\d{1,10}\.log$"
    r"|If you would like to submit a bug report, please visit:$|https?://\S{1,300}$"
    r"|The crash happened (?:outside|inside) the Java Virtual Machine\b|See problematic frame for where to report the bug\.$"
    r"|Native memory allocation \(\w{1,16}\) failed to (?:map|allocate)\b|Out of Memory Error \(|Possible reasons:$"
    r"|Possible solutions:$|This output file may be truncated or incomplete\.$)"
)
_JVM_CRASH_KINDS = ("jvm-crash", "jvm-crash-line")
_JVM_SIGNAL = compile_regex(r"[A-Z]{4,12} \(0x[0-9a-f]{1,8}\) at pc=")
_PY_MESSAGE_KINDS = (*_MESSAGE_KINDS, "doc-link", "statement-line", "continuation")
# What .NET prints of an exception's `Data` after its frames: this heading, then each entry indented under it
_DOTNET_DATA = "Exception data:"
# What a SqlException's `ToString()` prints after its frames (Microsoft.Data.SqlClient, System.Data.SqlClient): the
# connection's id, then the error's number, state and class
_SQL_TRAILER = compile_regex(
    r"ClientConnectionId(?: before routing)?:[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    r"|Routing Destination:\S{1,300}|Error Number:-?\d{1,10},State:\d{1,10},Class:\d{1,10}"
)

GroupKey = tuple[str, str | None, str | None, str | None]
"""A stream: the log, service, instance and revision whose consecutive lines may form one traceback."""


def stream_key(entry: LogEntry | Quiet) -> GroupKey:
    """The stream an entry's line belongs to (the reassembler writes it out inline, on its hot path)."""
    return (entry.log_name, entry.service, entry.instance, entry.revision)


def entry_kind(entry: LogEntry) -> str | None:
    """An entry's `line_kind`; `continuation` for PostgreSQL's line that continues the record before it (the
    parser reads it in the header its message no longer holds: `DETAIL:`, `STATEMENT:`…), `bare` for a line
    without any header that no other kind claims (it may continue a record whose head came just before)."""
    role = entry.record_line
    if role == "continuation":
        return role
    kind = line_kind(entry.message)
    return "bare" if kind is None and role == "bare" else kind


# The longest step between a record's head and its bare lines, and between two of them: the lines of one
# record, written at once, reach the log within a few milliseconds
RECORD_STEP = timedelta(milliseconds=10)


def _continues(head: LogEntry, line: LogEntry) -> bool:
    """A bare line continues the record `head` opens (or, newest first, the bare line after it)."""
    return head.record_line in ("head", "bare") and abs(line.timestamp - head.timestamp) <= RECORD_STEP


# The longest step between a line on a program's stdout and the report it introduces on its stderr: two pipes,
# each read on its own, reach the log within tens of milliseconds of each other
STREAM_STEP = timedelta(milliseconds=100)
_STDERR, _STDOUT = "stderr", "stdout"


def _other_pipe(key: GroupKey, pipe: str, other: str) -> GroupKey | None:
    """The stream of the pipe `other` beside `key`'s when `key` is of the pipe `pipe` (stdout and stderr, the same
    log's two pipes), or None."""
    log_name = key[0]
    if not log_name.endswith(pipe):
        return None
    return (log_name[: -len(pipe)] + other, *key[1:])


# The longest step from a record's preamble to its level line (same or adjacent millisecond)
PREAMBLE_STEP = timedelta(milliseconds=2)


# A record's first line and the line it opens: java.util.logging's preamble and level line, SQL Server's error
# and the line that says what failed (`levels.errorlog_line`)
_OPENS = {"preamble": "level", "error": "message"}
_OPENED = frozenset(_OPENS.values())
_RECORD_PARTS = _OPENED.union(_OPENS)


def _record_part(event: Event) -> bool:
    """An event that may be a record's preamble, its level line or SQL Server's message (`_join_preambles`)."""
    return event.members[0].record_line in _RECORD_PARTS


def _prefaces(preamble: Event, record: Event) -> bool:
    """`preamble`'s one line is the preamble of the record `record` opens with its level line, or SQL Server's
    error's first line before the line that says what failed (`levels.errorlog_line`)."""
    head, first = preamble.primary, record.members[0]
    return (
        len(preamble.members) == 1
        and first.record_line == _OPENS.get(head.record_line)
        and timedelta(0) <= first.timestamp - head.timestamp < PREAMBLE_STEP
    )


def _prefaced(preamble: LogEntry, record: Event) -> Event:
    """The record's event with its preamble's line: the record's entry stays the primary (its title and place
    are the record's). SQL Server's message takes the level its error's first line declared."""
    primary = record.primary
    if primary.record_line == "message":
        primary = primary._replace(
            severity=max(preamble.severity, primary.severity),
            severity_rule=preamble.severity_rule
            if preamble.severity > primary.severity
            else primary.severity_rule,
        )
    return Event(primary=primary, members=(preamble, *record.members))


def line_kind(message: str) -> str | None:
    """Classify a single stderr line as a piece of a traceback, or None."""
    # a traceback's lines repeat from one copy to the next: short ones are classified once each
    return _short_line_kind(message) if len(message) <= _SHORT_LINE else _line_kind(message)


_SHORT_LINE = 512


# What every line `_classify` gives a kind starts or ends with: whitespace (indented, blank), a character or
# word that opens a kind (`^`, `}`, `[`, `<internal:`, `...`, `---> `, `Traceback `, `panic`...), a first word
# that holds `.py:` or `.rb:` (a warning, a Ruby frame; `.erb:`, a template's) or ends with a colon before a space
# (an exception, a Go header, `SIGQUIT: quit`), no space at all (a bare exception name, a Node.js location), Ruby's
# Logger's header (alone, with its tags) or a gem's name and version (a frame), a first word with a code after it,
# and (checked apart, `may_be_kind`, from the end) `)` or `):` (a Go frame, Rails' `Error (…):`), `?` (a hint) or
# V8's `… out of memory`. Most lines have none: one call says so.
_MAY_BE_KIND = compile_regex(
    r"\s|[\^~}\[<.-]"
    r"|(?:Traceback |During |The above |(?:> )?File \"|Caused by|End of |from |Node\.js |panic|fatal error|PC=0x"
    r"|signal arrived|goroutine |runtime stack:|created by |exit status |Exception in thread|Unhandled |Uncaught "
    r"|#\d|#\s|Stack trace:$|\*\* \(|Last message|Client |thread '|stack backtrace:|For (?:more|further) information"
    r"|Fatal Python error: |Current thread 0x|Thread 0x|Extension modules: |<--- |==== JS |----- Native |\d+ ms: "
    r"|Security context: |LINE \d|Parameter name: |Dumping heap to |Heap dump file created \[|Unable to create "
    r"|Terminating due to |Aborting due to |\*{20}|APPLICATION FAILED TO START|Error starting ApplicationContext"
    r"|Thrown at:$|Error Number:|Routing Destination:|Task exception |Future exception |Exception in callback "
    r"|Unhandled error in exception handler|Fatal (?:error on|read error on|write error on) |\*\*\* |\*\* "
    r"|=[A-Z]{4,10} REPORT==== |Backtrace omitted\. |Run with |HasCallStack backtrace:|Backtrace took |💣 |Thread \d|script_filename = |dart:|package:|file:///|ERROR - \d"
    r"|Current stack trace:|Fatal error: |stack traceback:|coroutine \d|Stack overflow\.|Repeat(?:ed)? \d|\d{1,5}\s+\S{1,200}\s+0x[0-9a-f]"
    r"|[\w\\:>${}-]{0,300}\(\) (?:/|[A-Za-z]:\\)"
    r"|(?:\d{1,5}(?: \[[a-z]{2,8}\])*\s+)?0x[0-9a-f])"
    # an exception's name with a code after it (`TypeError [ERR_INVALID_URL]:`, `NpgsqlException (0x80004005):`)
    r"|\S* (?:\[[A-Za-z][\w.-]{0,60}\]|\((?:0x[0-9A-Fa-f]{1,8}|-?\d{1,10})\)):"
    r"|\S*(?::\s|\.py:|" + _RUBY_SOURCE + r":)|\S*\s*$"
    r"|[DIWEFA], \[|[\w.-]{1,100} \(\d"
)


def _line_kind(message: str) -> str | None:
    if "\n" in message.rstrip("\n"):
        return None
    line = message.rstrip("\n")
    stripped = line.strip()
    return _classify(line, stripped) if may_be_kind(line, stripped) else None


# What else `may_be_kind` lets through: a line that ends as a Go frame, Rails' `Error (…):`, a hint or V8's out of
# memory; that names an exception (`TypeError: `, `NpgsqlException (0x…)`, `Error [ERR_X]`) anywhere; Spring Boot's
# reporter's line ending in a colon; a sentence ending in a full stop that names a line (Perl's `die`)
_KIND_ENDINGS = (")", "):", "?", *_V8_OUT_OF_MEMORY)
_KIND_WORDS = ("Error: ", "Exception: ", "Exception (", "Error [")
_KIND_LINE_WORD = " line "


def may_be_kind(line: str, stripped: str) -> bool:
    """The pre-check of `_classify`: whether `line` (`stripped` is `line.strip()`) may have a kind at all."""
    return (
        _MAY_BE_KIND.match(line) is not None
        or stripped.endswith(_KIND_ENDINGS)
        or (stripped[-1:] == ":" and _SPRING_REPORTER in stripped)
        or any(map(line.__contains__, _KIND_WORDS))
        or (stripped[-1:] == "." and _KIND_LINE_WORD in stripped)
    )


# `may_be_kind` as one pattern over a line as logged (a superset: `$` also before line ends), so that the Log
# Analytics query holds every line a kind of reassembly may claim, whichever kind a new report adds
MAY_BE_KIND_PATTERN = "|".join(
    [
        "^(?:" + before_line_ends(_MAY_BE_KIND.pattern) + ")",
        "(?:" + "|".join(literal(ending) for ending in _KIND_ENDINGS) + r")\s*$",
        literal(_SPRING_REPORTER) + r".*:\s*$",
        *(literal(word) for word in _KIND_WORDS),
        literal(_KIND_LINE_WORD) + r".*\.\s*$",
    ]
)


# A question a loader or an interpreter asks after a failure (`Did you list all required modules in the
# package.json dependencies?`, `Is there a syntax error in your code?`): an auxiliary verb, then a question mark
HINT_PATTERN = r"(?:Did|Do|Does|Is|Are|Was|Were|Have|Has|Should|Could|Can) [^?]{1,300}\?"
_HINT = compile_regex(HINT_PATTERN)
# An exception named after a prefix (`Detailed stack trace: Error: Cannot find module 'x'`, `Handler failed:
# TypeError: …`), also with a Node.js code and no message (`cache unavailable: AggregateError [ECONNREFUSED]: `,
# a failed connection to every address of a name) or .NET's HRESULT or error code (NLog's `…|Invoice run failed
# Npgsql.NpgsqlException (0x80004005): …`): the exception line of the frames after it, if frames follow (else a
# plain line)
_EMBEDDED_EXCEPTION = compile_regex(
    r"(?:^|[\s:])[\w$.]{0,200}(?:Error|Exception)"
    r"(?:: \S| \[[A-Za-z][\w.-]{0,60}\]:(?: \S|\s*$)| \((?:0x[0-9A-Fa-f]{1,8}|-?\d{1,10})\): \S)"
)


def _classify(line: str, stripped: str) -> str | None:
    """The kind of a line (`stripped` is `line.strip()`)."""
    if not stripped:
        return "blank"
    last = stripped[-1]
    if last == "]" and (
        (line[-1:].isspace() and _TAGS_ONLY.fullmatch(stripped)) or _ID_TAGS_ONLY.fullmatch(stripped)
    ):
        return "blank"
    if last in "]:" and stripped[1:3] == ", " and _LOGGER_TAGS_ONLY.fullmatch(stripped):
        return "blank"
    if last.isupper() and header_only(stripped):
        return "blank"
    if stripped == PY_HEADER:
        return "header"
    if stripped == _GROUP_HEADER:
        return "group-header"
    if stripped == STACK_INFO:
        return "stack-info"
    if stripped == DART_UNHANDLED or (stripped[:8] == "ERROR - " and _SHELF_ERROR.fullmatch(stripped)):
        return "dart-header"
    if ".swift" in stripped and SWIFT_FATAL.match(stripped):
        return "swift-fatal"
    if stripped[0] in "💣*TC" and SWIFT_CRASHED.match(stripped):
        return "swift-crash"
    if stripped[0].isdigit() and (
        (" in " in stripped and SWIFT_FRAME.match(stripped))
        or (" 0x" in stripped and SWIFT_OLD_FRAME.match(stripped))
    ):
        return "frame"
    if stripped == DOTNET_STACK_OVERFLOW:
        return "overflow"  # (.NET's report of a stack overflow, its frames after it)
    if stripped[0] in "R-" and DOTNET_OVERFLOW_LINE.match(stripped):
        return "overflow-part"  # (the frames it repeated: `Repeat 24117 times:`, a rule: of that report, when in one)
    if stripped == "..." or _SWIFT_TOOK.fullmatch(stripped):
        return (
            "swift-tail"  # (a frame or more left out, the backtrace's closing line: of a report, when in one)
        )
    if (stripped[0] in "[s" or stripped[-1].isdigit()) and _FPM_SLOW_LOG.match(stripped):
        return "fpm-slow"
    if (
        stripped == LUA_TRACEBACK or (stripped[:10] == "coroutine " and LUA_COROUTINE.fullmatch(stripped))
    ) and (line[:1] not in " \t"):
        return "lua-traceback"  # (Lua's traceback heading, and OpenResty's coroutine heading under it)
    if last == "." and " line " in stripped and line[:1] not in " \t" and PERL_DIE.match(stripped):
        return "perl-die"  # (a Perl `die`'s line, which Carp's calls may follow)
    if stripped in HASKELL_CALL_STACK:
        return "call-stack"  # (the heading of a Haskell error's calls, `HASKELL_FRAME`, between it and them)
    if stripped[0] in "*P" and _GLOG_TRACE.match(stripped):
        return "glog-trace"
    if stripped[0] in "TFEU" and _ASYNCIO_MESSAGE.fullmatch(stripped):
        return "asyncio"
    if stripped[0] in "fthp" and _ASYNCIO_CONTEXT.match(stripped):
        return "asyncio-context"
    if (stripped[0] in _SPRING_INITIALS or stripped[-1] == ":") and (
        spring := _SPRING_REPORT.fullmatch(stripped)
    ):
        return _SPRING_KINDS[spring.lastgroup or ""]
    if line.startswith(FAULT_HEADER):
        return "fault-header"
    if FAULT_THREAD.match(line):
        return "fault-thread"
    if line.startswith(_FAULT_MODULES):
        return "fault-modules"
    v8 = _V8_LINE.match(stripped)
    if v8 is not None:
        return _V8_KINDS[v8.lastgroup or ""]
    if stripped.endswith(_V8_OUT_OF_MEMORY) and _V8_ALLOCATION_FAILED in stripped:
        return "v8-fatal"
    if _MONOLOG_TRACE.match(stripped):
        return "php-trace"
    if _DOTNET_HEADER.match(line):
        return "dotnet-header"
    if PY_WARNING.match(line):
        return "warning"
    if stripped in PY_CHAIN_SEPARATORS:
        return "separator"
    if stripped == _RAILS_CAUSES:
        return "caused"
    if _FILE_LINE.match(line):
        return "file"
    if _CAUSE_LINE.match(line):
        return "caused"
    if _ELIXIR_EXCEPTION.match(line):
        return "elixir"
    if line[:1] == "=" and _ERLANG_REPORT.fullmatch(line):
        return "erlang-report"
    if line[:1] == "*" and _ERLANG_LINE.match(line):
        return "erlang-line"
    if _ELIXIR_CONTEXT.match(line):
        return "elixir-context"
    if stripped[0] in "SR" and _ELIXIR_REQUEST.match(line):
        return "elixir-request"
    if RUST_PANIC.match(line):
        return "rust-panic"
    if _KNV_ERROR.match(line):
        return "knv"
    if line.startswith(_KNV_MORE):
        return "knv-more"
    if _DOC_LINK.match(line):
        return "doc-link"
    if _STATEMENT_LINE.match(line):
        return "statement-line"
    if stripped == "stack backtrace:":
        return "rust-backtrace"
    if _RUST_NOTE.match(line):
        return "rust-note"
    if (
        _AT_FRAME.match(line)
        or _RUBY_FRAME.match(line)
        or (line[:1] == "#" and DART_FRAME.match(line))
        or (line[:1] in "dpf" and DART_TERSE_FRAME.match(line))
        or (", called at " in line and HASKELL_FRAME.match(line))
        or (line[:1] == "\t" and ": in " in line and LUA_FRAME.match(line))
        or (line[:1] == "\t" and " called at " in line and PERL_FRAME.match(line))
        or stripped == _DART_SUSPENSION
        or (stripped[0] == "(" and _COROUTINE_MARKER.match(line))
    ):
        return "frame"
    if _PHP_TRACE.match(stripped) or PHP_THROWN.match(line):
        return "php-trace"
    if _PHP_HEADER.match(stripped) or ("[object] (" in line and MONOLOG_EXCEPTION.search(line)):
        return "php-header"
    if (
        line.startswith((" ", "\t"))
        or not stripped.strip("^~")
        or stripped == "["
        or (stripped.startswith("[ [") and _NODE_ARRAY.fullmatch(stripped))
    ):
        # indented, a caret line under a source line, or an array among an error's properties (Node.js's
        # `  [errors]: [` of an AggregateError reads `[` once its `[errors]:` is taken for a tag, and
        # `    [errors]: [ [Error], [Error] ]`, inspected on one line, reads `[ [Error], [Error] ]`)
        return "source"
    if stripped == "}":
        return "close"  # of an error's own properties (Node.js prints them after its stack)
    if _NODE_LOCATION.match(line):
        return "node-location"
    if _NODE_VERSION.match(line):
        return "node-version"
    if stripped == _NODE_THROWN_AT:
        return "thrown-at"
    go = _GO_LINE.match(line)
    if go is not None:
        return _GO_KINDS[go.lastgroup or ""]
    if _GO_STACK_FUNCTION.match(line):
        return "go-function"
    if line[:1] == "#" and (crash := _jvm_crash_kind(line)) is not None:
        return crash
    jvm = _JVM_OOM_LINE.match(line)
    if jvm is not None:
        return "jvm-exit" if jvm.lastgroup == "exit" else "jvm-dump"
    if _EXCEPTION_LINE.match(stripped):
        return "exception"
    if _EMBEDDED_EXCEPTION.search(stripped, 0, 2_000):
        return "embedded"
    if _HINT.fullmatch(stripped):
        return "hint"
    if stripped[0] in "CRE" and _SQL_TRAILER.fullmatch(stripped):
        return "sql-trailer"
    if _DOTNET_PARAMETER.fullmatch(stripped):
        return "parameter"
    if stripped[0].isdigit() and _EXCERPT.fullmatch(stripped):
        return "excerpt"  # (only a line of a report's excerpt when it follows the report's exception)
    return None


_short_line_kind = functools.lru_cache(maxsize=8192)(_line_kind)


def _jvm_crash_kind(line: str) -> str | None:
    """`jvm-crash` for the header of the JVM's fatal error report, `jvm-crash-line` for a line of its grammar
    (or a `#` alone, which frames its parts)."""
    if JVM_CRASH_HEADER.match(line):
        return "jvm-crash"
    return "jvm-crash-line" if not line[1:].strip() or _JVM_CRASH_LINE.match(line) else None


@dataclass
class _Group:
    members: list[LogEntry] = field(default_factory=list)
    last_seen: datetime | None = None
    report: bool = False
    """The lines held are a report over lines (Spring Boot's failure analysis): its plain lines are written
    with it, `RECORD_STEP` apart at most."""


class Reassembler:
    """Turns a stream of entries into a stream of events."""

    def __init__(
        self,
        max_gap_seconds: float,
        parse_stack: Callable[[str], StackTrace | None],
        redact: Callable[[str], str],
    ) -> None:
        # Two times are within the gap when `abs(a - b) <= self._gap`: exactly when their distance in
        # seconds (`total_seconds()`) is at most `max_gap_seconds`, without a float per comparison.
        self._gap = _within(max_gap_seconds)
        self._parse_stack = parse_stack
        # Each line was redacted alone; a credential's name may end one line and its value start the next
        # (`password:` then `  X`, a YAML block logged line by line): a joined text is redacted again, whole.
        self._redact = redact
        # Per stream, the last line of its latest text entry, and its time, when that line ends naming a credential
        # (and, a pair's name, how many sibling fields more may stand between it and its value)
        self._labels: dict[GroupKey, tuple[datetime, str, int]] = {}
        # Per stream, newest first: its latest sentence that names a value before it (`_NAMES_VALUE_BEFORE`), its
        # time, and how many blank lines more may stand between it and the value's line, which comes next
        self._sentences: dict[GroupKey, tuple[datetime, str, int]] = {}
        # Per stream, newest first: the position of the value line held (`_may_be_value`), and how many sibling
        # fields and blank lines have passed it since (`_passes_value`)
        self._passed: dict[GroupKey, tuple[int, int]] = {}
        # Per stream, oldest first: its latest indented line that may name a credential and its time, the source line
        # under which better_exceptions and loguru annotate each name's value by its column (`│     └ 'X'`), read
        # with each annotation line of the stream's next entries
        self._sources: dict[GroupKey, tuple[datetime, str]] = {}
        # Per stream, the time of its latest line of a private key's block still open (`_KEY_BODY`), and what its
        # program wrote before that block's BEGIN or END line
        self._key_blocks: dict[GroupKey, tuple[datetime, str]] = {}
        self._groups: dict[GroupKey, _Group] = {}
        # A logged line that may introduce the traceback after it (`ERROR:app:Exception on /x [POST]`).
        self._intros: dict[GroupKey, LogEntry] = {}
        self._previous: datetime | None = None
        # Bounds of every time held (groups' last lines, intros): while `now` is within the gap of both, nothing
        # held is stale and `_flush_stale` need not look (they widen as lines come, and narrow when it looks).
        self._held: tuple[datetime, datetime] | None = None
        self._parts: dict[GroupKey, list[LogEntry]] = {}
        """Per stream, the parts of a line longer than the runtime's limit (CRI's `P`), up to its last part."""
        self._steps_down = 0
        self._steps_up = 0
        self._now = datetime.min.replace(tzinfo=timezone.utc)
        self.reassembled = 0
        self.lone_headers = 0
        self._heads: set[int] = set()
        """Positions of plain lines that head the report whose heading follows them (`expect_head`)."""

    def events(self, entries: Iterable[LogEntry]) -> Iterator[Event]:
        for item in self.events_and_quiet(entries):
            assert isinstance(item, Event)  # no `Quiet` record came in
            yield item

    def events_and_quiet(self, entries: Iterable[LogEntry | Quiet]) -> Iterator[Event | Quiet]:
        """`events`, where a `Quiet` record (a plain line below WARNING the parser skimmed) comes out in the
        place its one-entry event would, after ending the open traceback group of its key as such a line does."""
        return self._join_preambles(self._reassemble(entries))

    def _join_preambles(self, items: Iterator[Event | Quiet]) -> Iterator[Event | Quiet]:
        """Each record's preamble (`levels.is_preamble`: java.util.logging's `Dec 01, 2026 5:00:00 AM
        com.example.Foo doWork` before `SEVERE: …`) joins the event of the record that follows it in its stream:
        oldest first, a preamble's event waits for its stream's next; newest first, the event of a record that
        opens with a level line (`SEVERE: …`) waits, while the input is within `PREAMBLE_STEP` of it, for its
        preamble. The record's entry stays the event's primary: its title and place are the record's."""
        preambles: dict[GroupKey, Event] = {}
        records: dict[GroupKey, Event] = {}
        for item in items:
            if records:
                now = self._now
                for key in [
                    k for k, e in records.items() if abs(now - e.members[0].timestamp) >= PREAMBLE_STEP
                ]:
                    yield records.pop(key)
            if isinstance(item, Quiet) or not _record_part(item):
                if preambles or records:  # the stream's next: a preamble's or a record's wait ends
                    key = stream_key(item.primary if isinstance(item, Event) else item)
                    for held in (preambles, records):
                        waiting = held.pop(key, None)
                        if waiting is not None:
                            yield waiting
                yield item
                continue
            key = stream_key(item.primary)
            preamble = preambles.pop(key, None)
            if preamble is not None:
                if _prefaces(preamble, item):
                    yield _prefaced(preamble.primary, item)
                    continue
                yield preamble
            record = records.pop(key, None)
            if record is not None:
                if _prefaces(item, record):
                    yield _prefaced(item.primary, record)
                    continue
                yield record
            first = item.members[0]
            if first.record_line in _OPENS and len(item.members) == 1:
                preambles[key] = item
            elif first.record_line in _OPENED and self._steps_down > self._steps_up:
                records[key] = item
            else:
                yield item
        yield from preambles.values()
        yield from records.values()

    def _reassemble(self, entries: Iterable[LogEntry | Quiet]) -> Iterator[Event | Quiet]:
        gap = self._gap
        for entry in entries:
            # the input's latest time, which `_join_preambles` reads (one generator layer fewer per entry)
            self._now = timestamp = entry.timestamp
            previous = self._previous
            if previous is not None:  # the direction of time in the input (see `_flush`)
                if timestamp < previous:
                    self._steps_down += 1
                elif timestamp > previous:
                    self._steps_up += 1
            self._previous = timestamp
            if self._groups or self._intros or self._parts:
                # while `timestamp` is within the gap of every time held, nothing held is stale
                held = self._held
                if held is None or timestamp - held[0] > gap or held[1] - timestamp > gap:
                    yield from self._flush_stale(timestamp)
            if isinstance(entry, Quiet):
                # what a plain text line below WARNING does below, when a group or an intro is open
                if entry.text and (self._groups or self._intros):
                    quiet_key = (entry.log_name, entry.service, entry.instance, entry.revision)
                    quiet_group = self._groups.get(quiet_key)
                    if quiet_group is not None and not _in_report(quiet_group, timestamp):
                        yield from self._flush(quiet_key)
                    if quiet_key in self._intros:
                        yield from self._release(quiet_key)
                yield entry
                continue
            # one stream: two containers of a pod write to one log, from one instance
            key = (entry.log_name, entry.service, entry.instance, entry.revision)
            if self._parts or entry.record_line == "partial":
                parts = self._parts.get(key)
                if parts is not None and (
                    abs(timestamp - parts[-1].timestamp) > RECORD_STEP
                    or (entry.record_line != "partial" and self._steps_down > self._steps_up)
                ):
                    yield _line_of_parts(self._parts.pop(key))
                    parts = None
                if parts is not None or entry.record_line == "partial":
                    # a part of a longer line, or the line's last part right after its first ones (newest
                    # first, the parts come in reverse after the last, which was read alone)
                    self._parts.setdefault(key, []).append(entry)
                    self._hold(timestamp)
                    if entry.record_line != "partial":
                        yield _line_of_parts(self._parts.pop(key))
                    continue
            if entry.payload_kind == "text":
                entry = self._after_label(entry, key)
            # a line with a stack of its own is whole, unless the stack has no frame (a Node.js rejection's
            # `[UnhandledPromiseRejection: …]`, whose report goes on in the next lines), no exception (its
            # exception line may come in the next entries) or is a Rust panic's or a Swift trap's line alone (`…
            # panicked at 'boom', src/main.rs:5:5`, its place read as its frame: its backtrace may come next)
            stack = entry.stack
            whole = (
                stack is not None
                and bool(stack.frames)
                and not stack.cut_off
                and not (stack.language in ("rust", "swift") and "\n" not in entry.message)
            )
            kind = entry_kind(entry) if entry.payload_kind == "text" and not whole else None
            if kind is None and entry.payload_kind == "text" and not whole and key in self._groups:
                members = self._groups[key].members
                kind = self._panic_message(members[-1])
                if kind is None and _RAILS_CAUSE.fullmatch(entry.message.strip()):
                    kind = (
                        "caused"  # (a cause of Rails' report, read as one in `_split_events` after `Causes:`)
                    )
                elif kind is None and (_under_deno_header(members) or self._over_caret(members)):
                    kind = (
                        "source"  # (Deno's source line under its uncaught error, read so in `_split_events`)
                    )
                elif kind is None and self._in_dotnet_message(members):
                    kind = "message"  # (read as one in `_split_events` if the exception's frames follow)
                elif kind is None and _in_report(self._groups[key], timestamp):
                    kind = "report-text"
            elif kind == "excerpt" and not _excerpt_follows(self._groups.get(key)):
                kind = None  # a numbered line elsewhere is plain text
            elif kind == "exception" and key not in self._groups and _lowercase_word(entry.message):
                # a lower-case word alone opens no report (a bare exception's name is a class's): Sidekiq's `INFO:
                # fail`; after a report's first line it may go on with its message (pydantic's field names)
                kind = None
            if key in self._intros and self._steps_down > self._steps_up and self._passes_value(key, entry):
                yield Event(primary=entry, members=(entry,))  # the value held stays held for its name's line
                continue
            if kind == "bare" and key in self._groups and _in_report(self._groups[key], timestamp):
                kind = "report-text"  # (a line of the report held, the stream's default level taken from it)
            elif (
                kind == "bare"
                and key in self._groups
                and (
                    _under_deno_header(self._groups[key].members)
                    or self._over_caret(self._groups[key].members)
                )
            ):
                kind = "source"
            if (
                kind == "bare"
                and key in self._groups
                and not _continues(self._groups[key].members[-1], entry)
            ):
                yield from self._flush(key)  # a bare line ends a traceback, as any plain line does
            if kind is None:
                # Only a plain stderr line ends a traceback: a structured or request entry of the same
                # instance can land between its lines and must not cut it in two.
                if entry.payload_kind != "text":
                    yield Event(primary=entry, members=(entry,))
                    continue
                group = self._groups.get(key)
                if group is not None and self._introduces(entry, group.members[-1]):
                    group.members.append(entry)  # newest first: the intro comes after its traceback
                    yield from self._flush(key)
                    continue
                if group is None and self._groups:
                    errors = _other_pipe(key, _STDOUT, _STDERR)
                    stderr_group = self._groups.get(errors) if errors is not None else None
                    if (
                        errors is not None
                        and stderr_group is not None
                        and abs(stderr_group.members[-1].timestamp - timestamp) <= STREAM_STEP
                        and self._introduces(entry, stderr_group.members[-1])
                    ):
                        stderr_group.members.append(entry)  # newest first: its stdout line after it
                        yield from self._flush(errors)
                        continue
                if group is not None:
                    yield from self._flush(key)
                logged = self._intros.get(key)
                if (
                    logged is not None
                    and _may_introduce(logged)
                    and abs(logged.timestamp - timestamp) <= gap
                    and (
                        (self._heads and entry.position in self._heads)
                        or (logged.record_line == "level" and _may_introduce(entry))
                    )
                ):
                    # a report's first line after the message it was logged with (package:logging's `SEVERE: <time>:
                    # <message>`, a record's level line, over a Dart error's text, its frames next): both open the
                    # report (two lines of the group without frames after them stay two events, `_split_events`)
                    del self._intros[key]
                    self._heads.discard(entry.position)
                    self._groups[key] = _Group(members=[logged, entry], last_seen=timestamp)
                    self._hold(timestamp)
                    continue
                yield from self._release(key)
                if (
                    _may_introduce(entry)
                    or (self._heads and entry.position in self._heads)
                    or ((self._steps_down > self._steps_up or _may_be_secret(entry)) and _may_be_value(entry))
                ):
                    # (newest first, a value's line comes before its label's: held, `_redact_held` may redact it; so
                    # is a line that may be a credential in any export, as one stream may be written newest first)
                    self._intros[key] = entry
                    self._hold(entry.timestamp)
                else:
                    yield Event(primary=entry, members=(entry,))
                continue
            group = self._groups.get(key)
            intro = self._intros.pop(key, None)
            if intro is None and group is None and self._intros:
                intro = self._stdout_intro(key, entry)
            if intro is not None:
                if group is None and self._introduces(intro, entry):
                    group = self._groups[key] = _Group(members=[intro])
                elif (
                    group is None
                    and kind == "hint"
                    and _may_introduce(intro)
                    and abs(intro.timestamp - timestamp) <= gap
                ):
                    group = self._groups[key] = _Group(members=[intro])  # the failure the hint explains
                else:
                    yield Event(primary=intro, members=(intro,))
            if (
                group is not None
                and group.last_seen is not None
                and (abs(timestamp - group.last_seen) > gap or len(group.members) >= _MAX_GROUP_LINES)
            ):
                yield from self._flush(key)
                group = None
            if group is None:
                group = self._groups[key] = _Group()
            if (
                kind in _SPRING_PARTS
                or kind == "dart-header"
                or (kind == "frame" and entry.message.startswith(_DART_FRAME_STARTS))
            ):
                # (a Dart error's text may go on over plain lines, its input's excerpt: after its header, or
                # before it and after its frames, newest first)
                group.report = True
            group.members.append(entry)
            group.last_seen = entry.timestamp
            self._hold(entry.timestamp)
        for key in list(self._groups):
            yield from self._flush(key)
        for key in list(self._intros):
            yield from self._release(key)
        for key in list(self._parts):
            yield _line_of_parts(self._parts.pop(key))

    def _after_label(self, entry: LogEntry, key: GroupKey) -> LogEntry:
        """`entry` redacted whole when it is a line of a private key's block its stream opened (`_KEY_BODY`); else
        `entry`, redacted again after the line before it in its stream when that line ends naming a credential
        (oldest first: `password:` then `  X` in the next entry, as a stream split per line logs them); and that
        line remembered when `entry`'s own last line names one, as it was logged (`LogEntry.credential_label`),
        the line of its stream held still that follows it in time redacted after it (`_redact_held`). `key` is its
        stream's."""
        message = entry.message
        if self._key_blocks:
            block = self._key_blocks.pop(key, None)
            if block is not None and abs(entry.timestamp - block[0]) <= self._gap:
                prefix = block[1] if message.startswith(block[1]) else ""
                body = message[len(prefix) :]
                if body == _KEY_MARKER or _KEY_BODY.fullmatch(body):
                    self._key_blocks[key] = (entry.timestamp, block[1])
                    return entry._replace(message=prefix + _KEY_MARKER)
        if message.endswith(_KEY_MARKER):
            self._key_blocks[key] = (entry.timestamp, message[: -len(_KEY_MARKER)])
        elif "----" in message and "END " in message and (end := _KEY_END.search(message)) is not None:
            self._key_blocks[key] = (entry.timestamp, message[: end.start()])
        if self._sources or (message[:1] in (" ", "\t") and may_name_credential(message)):
            entry = self._under_source(entry, key)
            message = entry.message
        label = self._labels.pop(key, None) if self._labels else None
        if label is not None and abs(entry.timestamp - label[0]) <= self._gap:
            if not message.strip():
                if label[2]:  # a blank line between a label and its value (Jenkins' initial password)
                    self._labels[key] = (entry.timestamp, label[1], label[2] - 1)
                return entry
            redacted = self._redacted_after(label[1], entry)
            if redacted is entry and label[2] and _SIBLING_KEY.match(message) and _PAIR_NAME.search(label[1]):
                # a pair's name, then a sibling field before its value (`"Type": "SecureString",`)
                self._labels[key] = (entry.timestamp, label[1], label[2] - 1)
            entry = redacted
        entry = self._before_sentence(entry, key)
        last = entry.credential_label or credential_label(entry.message)
        if last:
            self._labels[key] = (entry.timestamp, last, _SIBLINGS)
            self._redact_held(key, entry.timestamp, last)
        return entry

    def _under_source(self, entry: LogEntry, key: GroupKey) -> LogEntry:
        """`entry` redacted under the stream's source line when it annotates a value there (`_ANNOTATION_ONLY`);
        its own line remembered as the source when it is indented and may name a credential, and the source
        forgotten after any other line."""
        message = entry.message
        if self._steps_down > self._steps_up and message[:1] in (" ", "\t") and may_name_credential(message):
            self._redact_annotations_before(entry, key)
        source = self._sources.get(key)
        if source is not None and _ANNOTATION_ONLY.fullmatch(message):
            if abs(entry.timestamp - source[0]) > self._gap:
                del self._sources[key]
                return entry
            self._sources[key] = (entry.timestamp, source[1])  # the lines under it annotate its other names
            return self._redacted_after(source[1], entry) if "\u2514 " in message else entry
        if message[:1] in (" ", "\t") and may_name_credential(message):
            self._sources[key] = (entry.timestamp, message)
        elif source is not None:
            del self._sources[key]
        return entry

    def _redact_annotations_before(self, source: LogEntry, key: GroupKey) -> None:
        """Newest first, a frame's annotation lines came before its source line `source`: those its stream holds
        still (the open group's last lines, or the line held alone) redacted under it, each by its column."""
        held = self._intros.get(key) if self._intros else None
        if held is not None and _annotates_value(held) and self._annotates(held, source):
            self._intros[key] = self._redacted_after(source.message, held)
        group = self._groups.get(key)
        members = group.members if group is not None else []
        index = len(members) - 1
        while index >= 0 and self._annotates(members[index], source):
            if _annotates_value(members[index]):
                members[index] = self._redacted_after(source.message, members[index])
            index -= 1

    def _annotates(self, line: LogEntry, source: LogEntry) -> bool:
        """Whether `line`, an annotation line (`│` bars, at most one `└ value`), came after `source` within the gap."""
        return (
            line.payload_kind == "text"
            and _ANNOTATION_ONLY.fullmatch(line.message) is not None
            and source.timestamp <= line.timestamp <= source.timestamp + self._gap
        )

    def _before_sentence(self, entry: LogEntry, key: GroupKey) -> LogEntry:
        """A value written before the sentence that names it, one line per entry (`X`, a blank line, `This password
        must be …`): oldest first, the stream's one-word line held (an intro, or an open group's last line but
        blank ones) redacted before the sentence when it came first in time; newest first, the sentence remembered, and `entry`,
        the next line of its stream but blank ones, redacted before it when it came first in time."""
        message = entry.message
        sentence = self._sentences.pop(key, None) if self._sentences else None
        if sentence is not None and entry.timestamp <= sentence[0] <= entry.timestamp + self._gap:
            if not message.strip():
                if sentence[2]:
                    self._sentences[key] = (sentence[0], sentence[1], sentence[2] - 1)
                return entry
            entry = self._redacted_before(entry, sentence[1])
        if message.startswith("Failed validating ") and _VALIDATION_PATH.match(message):
            return self._validation_path(entry, key)
        if not _NAMES_VALUE_BEFORE.match(message):
            return entry
        group = self._groups.get(key)
        intro = self._intros.get(key)
        # the last line of an open group but the blank lines after it
        members = group.members if group is not None else []
        blanks = next((n for n, m in enumerate(reversed(members)) if m.message.strip()), len(members))
        last = len(members) - 1 - blanks
        if last >= 0 and blanks <= _SENTENCE_REACH and self._names(members[last], entry):
            members[last] = self._redacted_before(members[last], message)
        elif intro is not None and self._names(intro, entry):
            self._intros[key] = self._redacted_before(intro, message)
        elif self._steps_down > self._steps_up:
            self._sentences[key] = (entry.timestamp, message, _SENTENCE_REACH)
        return entry

    def _validation_path(self, entry: LogEntry, key: GroupKey) -> LogEntry:
        """Oldest first, jsonschema's `Failed validating 'pattern' in schema['properties']['db_password']:` names the
        value its error's first line quoted (`ValidationError: 'X' does not match …`), a line or two before it: that
        line, held still (an open group's last line but blank ones, or an intro), is redacted before it."""
        group = self._groups.get(key)
        members = group.members if group is not None else []
        blanks = next((n for n, m in enumerate(reversed(members)) if m.message.strip()), len(members))
        last = len(members) - 1 - blanks
        if last >= 0 and blanks <= _SENTENCE_REACH and self._quotes_rejected_value(members[last], entry):
            members[last] = self._redacted_before(members[last], entry.message)
        intro = self._intros.get(key)
        if intro is not None and self._quotes_rejected_value(intro, entry):
            self._intros[key] = self._redacted_before(intro, entry.message)
        return entry

    def _quotes_rejected_value(self, held: LogEntry, path: LogEntry) -> bool:
        return (
            held.timestamp <= path.timestamp <= held.timestamp + self._gap
            and "ValidationError: '" in held.message
        )

    def _names(self, held: LogEntry, sentence: LogEntry) -> bool:
        """Whether `held`, a one-word line that may be a value, came before `sentence` within the gap."""
        return (
            held.timestamp <= sentence.timestamp <= held.timestamp + self._gap
            and _may_be_secret(held)
            and _may_be_value(held)
        )

    def _redacted_before(self, entry: LogEntry, sentence: str) -> LogEntry:
        """`entry` with its message redacted as the line before `sentence`."""
        head, separator, _ = self._redact(f"{entry.message}\n{sentence}").partition("\n")
        return entry._replace(message=head) if separator and head != entry.message else entry

    def _passes_value(self, key: GroupKey, entry: LogEntry) -> bool:
        """Newest first, whether `entry` is a sibling field of the pair whose value line is held (`"Type":
        "SecureString",`, `  description: …`) or a blank line, which stand between a value and its name's line
        (Jenkins' password, a blank line, then its label): it passes, the value stays held for the label up to
        `_SIBLINGS` such lines (`_redact_held`)."""
        held = self._intros[key]
        message = entry.message
        blank = not message.strip()
        if (
            entry.payload_kind != "text"
            or abs(entry.timestamp - held.timestamp) > self._gap
            or not _may_be_value(held)
            or not (blank or (_between_pair(message) and _VALUE_LINE.search(held.message)))
            or names_credential(message)
        ):
            return False
        position, passed = self._passed.get(key, (-1, 0))
        passed = passed + 1 if position == held.position else 1
        self._passed[key] = (held.position, passed)
        return passed <= _SIBLINGS

    def _redacted_after(self, label: str, entry: LogEntry) -> LogEntry:
        """`entry` with its message redacted as the line after `label`."""
        _, separator, tail = self._redact(f"{label}\n{entry.message}").partition("\n")
        return entry._replace(message=tail) if separator and tail != entry.message else entry

    def _redact_held(self, key: GroupKey, moment: datetime, label: str) -> None:
        """Newest first, the value of the label at `moment` came before it: the stream's line held still (a
        logged line that may introduce a traceback, the last line of an open group) redacted after the label
        when it follows it in time, or (a name/value pair written value first) holds the pair's value."""
        intro = self._intros.get(key)
        if intro is not None and self._follows(intro, moment, label):
            self._intros[key] = self._redacted_after(label, intro)
        group = self._groups.get(key)
        if group is not None and group.members:
            members = group.members
            index = (
                len(members) - 1
            )  # the value, before the sibling fields and blank lines that came after it
            while (
                index > 0
                and len(members) - 1 - index < _SIBLINGS
                and _between_pair(members[index].message)
                and _CLIENT_LINE.fullmatch(members[index].message) is None  # `C: X` is an answer, no field
            ):
                index -= 1
            if self._follows(members[index], moment, label):
                members[index] = self._redacted_after(label, members[index])

    def _follows(self, held: LogEntry, moment: datetime, label: str) -> bool:
        """Whether `held`, a line that came before the label at `moment`, is the one after it in its stream."""
        step = held.timestamp - moment
        if abs(step) > self._gap:
            return False
        if step > timedelta(0) or (not step and self._steps_down > self._steps_up):
            return True
        return _VALUE_LINE.search(held.message) is not None

    def _panic_message(self, last: LogEntry) -> str | None:
        """`rust-message` when a plain line is the message of the Rust panic whose line came last, else None:
        the line after `… panicked at src/main.rs:5:5:`, or (newest first) the one before its backtrace or note."""
        kind = line_kind(last.message)
        if kind == "rust-panic" and _awaits_message(last.message):
            return "rust-message"
        if kind == "rust-backtrace" or (kind == "rust-note" and self._steps_down > self._steps_up):
            return "rust-message"
        if kind == "call-stack" and self._steps_down > self._steps_up:
            return "haskell-message"  # (newest first, a Haskell error's message comes after its call stack)
        return None

    def _over_caret(self, members: list[LogEntry]) -> bool:
        """Newest first, the line after a caret under frames is the source line it points into (Deno's, at the
        margin when the code is)."""
        last = members[-1].message.strip()
        return (
            self._steps_down > self._steps_up
            and len(members) >= 2
            and last[:1] == "^"
            and not last.strip("^~")
            and entry_kind(members[-2]) == "frame"
        )

    def _in_dotnet_message(self, members: list[LogEntry]) -> bool:
        """A plain line may go on with the message of the .NET exception whose lines are held: it comes after
        the exception's first line, the stream's first held or the first after a console record's header and
        message (newest first: before the exception's first frame), with a few lines at most between."""
        newest_first = self._steps_down > self._steps_up
        for between, entry in enumerate(reversed(members[-_MESSAGE_LINES:])):
            if newest_first and entry.message.startswith((_DOTNET_FRAME_INDENT, _DOTNET_RECORD_FRAME_INDENT)):
                return True
            if not newest_first and _dotnet_exception(entry.message):
                # (after the line that introduced it, if one did, or the console record it is the exception of)
                return len(members) - between <= 2 or _dotnet_record_before(
                    members[: len(members) - between - 1]
                )
            if entry_kind(entry) not in _MESSAGE_KINDS:
                return False
        return False

    def _stdout_intro(self, key: GroupKey, entry: LogEntry) -> LogEntry | None:
        """The line held on the stdout of `entry`'s stderr stream that introduces the report `entry` starts
        (a program that logs to stdout and prints the traceback to stderr: `logging` to `sys.stdout`, then
        `traceback.print_exc()`), taken from what is held; None when there is none."""
        outputs = _other_pipe(key, _STDERR, _STDOUT)
        held = self._intros.get(outputs) if outputs is not None else None
        if (
            outputs is None
            or held is None
            or abs(held.timestamp - entry.timestamp) > STREAM_STEP
            or not self._introduces(held, entry)
        ):
            return None
        return self._intros.pop(outputs)

    def _introduces(self, line: LogEntry, header: LogEntry) -> bool:
        """`line` is the logged message of the report `header` starts (or, newest first, the line of it that
        came last): a traceback's header, an Elixir or Config Sync report, an exception's line; or a blank line
        after a line that announces a report (`_announces`), which may stand between them."""
        if abs(line.timestamp - header.timestamp) > self._gap:
            return False
        if not _may_introduce(line):
            if not (self._heads and line.position in self._heads and heads_report(header.message)):
                return False
            self._heads.discard(line.position)
            return True
        kind = entry_kind(header)
        if kind == "bare":
            # (a level line's bare line after it may be the error its record was logged with, its frames next:
            # package:logging's `SEVERE: <time>: <message>` over a Dart error's text; without frames after them
            # the two stay two events, `_split_events`)
            return _continues(line, header) if line.record_line == "head" else line.record_line == "level"
        return kind in (*_INTRODUCED, "exception", "go-function", "elixir-request") or (
            kind == "blank" and _announces(line)
        )

    def _release(self, key: GroupKey) -> Iterator[Event]:
        intro = self._intros.pop(key, None)
        if intro is not None:
            self._heads.discard(intro.position)
            yield Event(primary=intro, members=(intro,))

    def expect_head(self, entry: LogEntry) -> None:
        """`entry`, a plain line below WARNING, is followed in its stream by the heading of a report it heads
        (`heads_report`): it is held as the report's first line, as a logged message is (`_may_introduce`)."""
        self._heads.add(entry.position)

    def _hold(self, moment: datetime) -> None:
        held = self._held
        self._held = (moment, moment) if held is None else (min(held[0], moment), max(held[1], moment))

    def _flush_stale(self, now: datetime) -> Iterator[Event]:
        gap = self._gap
        stale = [
            key
            for key, group in self._groups.items()
            if group.last_seen is not None and abs(now - group.last_seen) > gap
        ]
        for key in stale:
            yield from self._flush(key)
        for key in [k for k, e in self._intros.items() if abs(now - e.timestamp) > gap]:
            yield from self._release(key)
        for key in [k for k, parts in self._parts.items() if abs(now - parts[-1].timestamp) > RECORD_STEP]:
            yield _line_of_parts(self._parts.pop(key))
        moments = [g.last_seen for g in self._groups.values() if g.last_seen is not None]
        moments.extend(e.timestamp for e in self._intros.values())
        moments.extend(parts[-1].timestamp for parts in self._parts.values())
        self._held = (min(moments), max(moments)) if moments else None

    def _flush(self, key: GroupKey) -> Iterator[Event]:
        group = self._groups.pop(key)
        members = group.members
        if self._steps_down > self._steps_up:
            members = list(reversed(members))
        # lines of one instant in insertId order: Logging's order for equal timestamps, the one Log Analytics keeps
        members.sort(key=lambda e: (e.timestamp, e.insert_id))
        for copy in _copies(members):
            yield from self._split(copy)

    def _split(self, lines: list[LogEntry]) -> Iterator[Event]:
        """The events of a group's lines; a hint (`Did you list all required modules…?`) joins the event
        before it, the failure it explains, and so does a tagged logger's blank line after it (`_only_tags`),
        which says nothing of its own."""
        previous: Event | None = None
        for event in self._split_events(lines):
            if (
                previous is not None
                and len(event.members) == 1
                and (
                    # (a bare line alone is no failure to explain)
                    (line_kind(event.primary.message) == "hint" and entry_kind(previous.primary) != "bare")
                    or _only_tags(event.primary)
                )
            ):
                previous = Event(primary=previous.primary, members=(*previous.members, event.primary))
                continue
            if previous is not None:
                yield previous
            previous = event
        if previous is not None:
            yield previous

    def _split_events(self, lines: list[LogEntry]) -> Iterator[Event]:
        kinds = [entry_kind(entry) for entry in lines]
        for i, kind in enumerate(kinds):  # an embedded exception is one when frames follow, else a plain line
            if kind == "embedded":
                kinds[i] = "exception" if _next_kind(kinds, i) in ("frame", "caused") else None
            elif (
                kind is None
                and i
                and kinds[i - 1] == "caused"
                and _RAILS_CAUSE.fullmatch(lines[i].message.strip())
            ):
                # a cause under Rails' `Causes:` (its heading, or a cause before it)
                kinds[i] = "caused" if _after_causes(kinds, lines, i) else None
            elif kind in (None, "bare") and kinds[i + 1 : i + 2] == ["call-stack"]:
                kinds[i] = "exception"  # a Haskell error's message, whatever it says, over its call stack
            elif (
                kind in (None, "bare", "report-text")
                and kinds[i + 1 : i + 2] == ["frame"]
                and dart_first_frame(lines[i + 1].message)
            ):
                kinds[i] = "dart-error"  # a Dart error's text, whatever it says, over its VM frames
            elif kind == "overflow-part" and not _in_overflow(kinds, i):
                kinds[i] = None  # (a rule of dashes elsewhere is plain text)
            elif kind == "go-function" and (i + 1 == len(kinds) or kinds[i + 1] != "source"):
                kinds[i] = "bare" if lines[i].record_line == "bare" else None  # no file line: no stack's
            elif kind == "exception" and kinds[i + 1 : i + 2] != ["frame"]:
                code = _source_before_frames(kinds, lines, i)
                if code:
                    kinds[i + 1 : code + 2] = ["excerpt"] * (code + 1 - i)
                    continue
                end = _dotnet_message_end(kinds, lines, i)
                kinds[i + 1 : end + 1] = ["message"] * (end - i)
        index = 0
        while index < len(lines):
            if kinds[index] == "warning" and index + 1 < len(kinds) and kinds[index + 1] == "source":
                yield self._merge_warning(lines[index : index + 2])
                index += 2
                continue
            if (
                kinds[index] == "exception"
                and _next_kind(kinds, index, ()) in _JVM_OOM_TAIL
                and lines[index].message.startswith(_JVM_OOM)
            ):
                # the JVM's OutOfMemoryError, its heap dump and its exit: one event, at the error's line
                end = _run_end(kinds, index, _JVM_OOM_TAIL)
                yield self._report(lines[index : end + 1], 0)
                index = end + 1
                continue
            if kinds[index] in _SPRING_PARTS:
                end = _spring_report_end(kinds, lines, index)
                if any(kinds[i] == "spring-failed" for i in range(index, end + 1)):
                    yield self._spring_report(lines[index : end + 1], kinds[index : end + 1])
                    index = end + 1
                    continue
            if kinds[index] in _JVM_CRASH_KINDS:
                end = _run_end(kinds, index, _JVM_CRASH_KINDS)
                header = next((i for i in range(index, end + 1) if kinds[i] == "jvm-crash"), None)
                if header is not None:
                    # the JVM's fatal error report over its lines (either export order): one event, at its header
                    yield self._jvm_crash(lines[index : end + 1], header - index)
                    index = end + 1
                    continue
            if kinds[index] == "fault-header":
                crash, index = self._crash(lines, index, _fault_end(kinds, index))
                yield crash
                continue
            if kinds[index] in ("v8-marker", "v8-fatal"):
                end = _v8_report_end(kinds, index)
                fatal = next((i for i in range(index, end + 1) if kinds[i] == "v8-fatal"), None)
                if fatal is not None and end > index:
                    yield self._report(lines[index : end + 1], fatal - index)
                    index = end + 1
                    continue
            if kinds[index] in ("go-header", "go-runtime"):
                crash, index = self._crash(lines, index, _go_trace_end(kinds, index))
                yield crash
                continue
            if kinds[index] == "rust-panic":
                crash, index = self._crash(lines, index, _rust_panic_end(kinds, lines, index), frameless=True)
                yield crash
                continue
            if kinds[index] == "php-header":
                crash, index = self._crash(lines, index, _php_trace_end(kinds, index), frameless=True)
                yield crash
                continue
            if kinds[index] == "dotnet-header":
                end = _dotnet_record_end(kinds, lines, index)
                if (
                    end > index
                    and _next_kind(kinds, end, ()) == "exception"
                    and _next_kind(kinds, end + 1, _BEFORE_FRAMES) in ("frame", "caused")
                ):
                    end = _frames_end(kinds, lines, end + 1)  # its exception at the margin (ASP.NET Core 2)
                yield (
                    self._dotnet_record(lines[index : end + 1])
                    if end > index
                    else Event(lines[index], (lines[index],))
                )
                index = end + 1
                continue
            if kinds[index] == "overflow":
                # .NET's report of a stack overflow: its heading, the frames, those it repeated between rules
                crash, index = self._crash(lines, index, _run_end(kinds, index, _OVERFLOW_REPORT))
                yield crash
                continue
            if kinds[index] in ("swift-fatal", "swift-crash"):
                # Swift's trap and the backtracer's report (either export order): one event
                end = _run_end(kinds, index, _SWIFT_REPORT)
                crash, index = self._crash(lines, index, end, frameless=True)
                yield crash
                continue
            if kinds[index] == "dart-header":
                crash, index = self._crash(lines, index, _dart_report_end(kinds, lines, index))
                yield crash
                continue
            if kinds[index] == "dart-error" or (
                kinds[index] is None
                and kinds[index + 1 : index + 2] == ["dart-error"]
                and _may_introduce(lines[index])
            ):
                # a Dart error's text and its frames without the VM's heading (package:logging's handler prints
                # them under its `SEVERE: <time>: <message>`, which joins them): one event, titled by the error
                error = index if kinds[index] == "dart-error" else index + 1
                crash, index = self._crash(lines, index, _run_end(kinds, error, ("frame",)))
                yield crash
                continue
            if kinds[index] == "node-location":
                crash, index = self._crash(lines, index, _node_crash_end(kinds, lines, index), frameless=True)
                yield crash
                continue
            if kinds[index] in (None, "bare") and _next_kind(kinds, index) == "go-function":
                end = _go_stack_end(kinds, index + 1)
                if end > index:
                    # a Go logger's record and the stack it wrote under it: the record, at its loudest line
                    yield self._report(lines[index : end + 1], 0)
                    index = end + 1
                    continue
            start = index
            if (
                kinds[index] in (None, "asyncio")
                and index + 1 < len(kinds)
                and _next_kind(kinds, index, _BEFORE_INTRODUCED) in ("header", "exception", *_INTRODUCED)
            ):
                # a logged line introducing the traceback (with blank lines between, the request a Phoenix
                # process served, or asyncio's context after its message) is part of its event
                index += 1
                while kinds[index] in _BEFORE_INTRODUCED:
                    index += 1
            elif kinds[index] == "blank" and _next_kind(kinds, index) == "exception":
                # a tagged logger's report opens with a blank line (Rails' `F, […] FATAL -- : [6f1c…]`)
                end = index
                while kinds[end] == "blank":
                    end += 1
                if any(_only_tags(line) for line in lines[index:end]):
                    index = end
            if kinds[index] in ("group-header", "elixir"):
                # an exception group, its gutter's lines indented under its header, or an Elixir report: one event,
                # parsed whole
                end = (
                    _indented_end(lines, index)
                    if kinds[index] == "group-header"
                    else _elixir_report_end(kinds, index)
                )
                event = self._merge(lines[start : end + 1]) if end > index else None
                if event is None:
                    yield from (Event(primary=entry, members=(entry,)) for entry in lines[start : index + 1])
                    index += 1
                else:
                    yield event
                    index = end + 1
                continue
            if kinds[index] == "erlang-report":
                end = _run_end(kinds, index, ("source", "erlang-line"))
                yield from (Event(primary=entry, members=(entry,)) for entry in lines[start:index])
                yield self._erlang_report(lines[index : end + 1])
                index = end + 1
                continue
            if (
                kinds[index] in ("fpm-slow", "blank")
                and (end := _fpm_slow_record_end(kinds, lines, index)) > index
            ):
                # PHP-FPM's slow log alone (no warning before it, or not within the gap): its record, the pool's
                # line, the script and the calls (a blank line first), as one event at the record's level (after
                # a line that introduces it, the line says what)
                span = lines[start : end + 1]
                yield self._join(span, 0) if start < index else self._fpm_slow_record(span)
                index = end + 1
                continue
            if kinds[index] == "fpm-slow" and start < index:
                # PHP-FPM's slow log under its warning: where the slow request was, the warning says what; one
                # event at the warning
                end = _run_end(kinds, index, ("fpm-slow", "blank"))
                yield Event(primary=lines[start], members=tuple(lines[start : end + 1]))
                index = end + 1
                continue
            if kinds[index] == "statement-line" and start < index:
                # a database's error quoted in a logged line (psql's, Perl DBI's `DBD::Pg::st execute failed:
                # ERROR:  …`), then where in the statement (`LINE 1: …`) and a caret under it (after which Perl
                # says where it died): one event at the logged line
                end = _run_end(kinds, index, ("statement-line",))
                if kinds[end + 1 : end + 2] == ["source"] and lines[end + 1].message.lstrip().startswith("^"):
                    end += 1
                yield self._report(lines[start : end + 1], 0)
                index = end + 1
                continue
            if kinds[index] == "perl-die" and _next_kind(kinds, index, ()) == "frame":
                # a Perl `die` and the calls Carp's `confess` wrote under it: one event, parsed whole
                crash, index = self._crash(lines, index, _run_end(kinds, index, ("frame",)))
                yield crash
                continue
            if (
                start == index
                and kinds[index + 1 : index + 2] == ["lua-traceback"] != kinds[index : index + 1]
            ):
                index += 1  # the error's line over Lua's traceback, whatever it reads as (`lua: x.lua:5: …`)
            if kinds[index] == "lua-traceback" and start < index:
                # Lua's traceback under the error's line: one event, parsed whole
                end = _run_end(kinds, index, ("lua-traceback", "frame"))
                event = self._merge(lines[start : end + 1])
                if event is not None:
                    yield event
                    index = end + 1
                    continue
                index = start
            if kinds[index] in ("stack-info", "glog-trace"):
                # where a record was logged (logging's `stack_info`), glog's stack after a failed CHECK: the frames
                # say where, the logged line what, at its own level; one event at the logged line
                end = _run_end(kinds, index, ("file", "source", "glog-trace"))
                span = lines[start : end + 1]
                yield Event(primary=span[0], members=tuple(span)) if start < index else self._report(span, 0)
                index = end + 1
                continue
            if kinds[index] == "exception" and (end := _error_chain_end(kinds, lines, index)) > index:
                # Rust's anyhow or eyre report: the error, then its causes (under `Caused by:`, or numbered under a
                # bare `Error:`): one event, which says them
                yield self._chain_report(lines[start : end + 1], index - start)
                index = end + 1
                continue
            if kinds[index] in ("continuation", "bare"):
                # a record's own lines after its head (PostgreSQL's `DETAIL:`, `STATEMENT:`; bare lines written
                # with it): its members, the head its message. A bare line after no head is alone.
                if kinds[index] == "bare" and not (start < index and _continues(lines[start], lines[index])):
                    yield from (Event(primary=entry, members=(entry,)) for entry in lines[start : index + 1])
                    index += 1
                    continue
                end = _record_end(kinds, lines, index)
                yield Event(primary=lines[start], members=tuple(lines[start : end + 1]))
                index = end + 1
                continue
            if kinds[index] == "knv":
                end = _knv_error_end(kinds, index)
                yield (
                    self._join(lines[start : end + 1], index - start)
                    if end > start
                    else Event(lines[start], (lines[start],))
                )
                index = end + 1
                continue
            if kinds[index] == "exception" and _next_kind(kinds, index, _BEFORE_FRAMES) in (
                "frame",
                "caused",
            ):
                # Java, Node.js, .NET, Ruby: the exception line, then its frames (.NET's and Java's may start
                # with an inner exception's or a cause's line, Rails' after a blank line, or after the excerpt of
                # the template ActionView raised it in)
                end = _frames_end(kinds, lines, index)
                event = self._merge(lines[start : end + 1])
                if event is None:
                    yield from (Event(primary=entry, members=(entry,)) for entry in lines[start : end + 1])
                else:
                    yield event
                index = end + 1
                continue
            if kinds[index] == "exception" and (
                (start < index and kinds[start] == "blank") or _next_kind(kinds, index) == "excerpt"
            ):
                # a tagged logger's report without frames (Rails' `ActionController::RoutingError (…):`, whose
                # backtrace its cleaner emptied, or whose frames were not exported): the exception's line, with
                # its blank lines and the excerpt of its template, at the report's level
                end = _run_end(kinds, index, _BEFORE_FRAMES)
                yield self._report(lines[start : end + 1], index - start)
                index = end + 1
                continue
            if start < index and kinds[index] != "header":
                index = start
            if kinds[index] != "header":
                yield Event(primary=lines[index], members=(lines[index],))
                index += 1
                continue
            end = _traceback_end(kinds, lines, index)
            span = lines[start : end + 1]
            event = self._merge(span) if end > index else None
            if end == index:
                self.lone_headers += 1  # a header whose frames never came: a filtered export drops them
            if event is None:
                yield from (Event(primary=entry, members=(entry,)) for entry in span)
            else:
                yield event
            index = end + 1

    def _crash(
        self, lines: list[LogEntry], start: int, end: int, frameless: bool = False
    ) -> tuple[Event, int]:
        """The crash report from `start` to `end` as one event, or the line at `start` alone when it does not
        parse as one; and the index after what was taken."""
        event = self._merge(lines[start : end + 1], frameless=frameless) if end > start else None
        if event is None:
            return Event(primary=lines[start], members=(lines[start],)), start + 1
        return event, end + 1

    def _joined(self, span: list[LogEntry]) -> str:
        """The messages of `span` as one text, redacted again as a whole."""
        return self._redact("\n".join(entry.message.rstrip("\n") for entry in span))

    def _join(self, span: list[LogEntry], intro: int) -> Event:
        """A report without a stack written over several lines (Config Sync's error) as one event, at the
        severity of its loudest line; its message is the report's, without the `intro` lines logged before it
        (`1 error(s)`)."""
        text = self._joined(span[intro:])
        loudest = max(span, key=lambda entry: entry.severity)
        primary = span[0]._replace(
            message=text, severity=loudest.severity, severity_rule=loudest.severity_rule
        )
        return Event(primary=primary, members=tuple(span))

    def _fpm_slow_record(self, span: list[LogEntry]) -> Event:
        """PHP-FPM's slow-log record alone as one event (`_join`) that says first where the request was slow: its
        innermost call, the first after the script's line (`slow request in curl_exec()
        /var/www/html/lib/Http.php:88, script_filename = /var/www/html/index.php`), then the record. Its pool's
        line names no cause."""
        event = self._join(span, 0)
        record = [entry.message.strip() for entry in span]
        script = next(line for line in record if line.startswith("script_filename = "))
        call = next((line for line in record[record.index(script) + 1 :] if "() " in line), None)
        if call is None:
            return event  # (only the script's path holds `() `: no call says where)
        if call.startswith("[0x"):
            call = call.split("] ", 1)[-1]  # (the call's address differs from one request to the next)
        said = self._redact(f"slow request in {call}, {script}")
        return event._replace(primary=event.primary._replace(message=f"{said}\n{event.primary.message}"))

    def _chain_report(self, span: list[LogEntry], intro: int) -> Event:
        """An error chain's report (`_error_chain_end`) as one event (`_join`). Under color-eyre's bare `Error:`,
        the report's first line names the outermost error and the root cause, `Error: failed to import: duplicate
        key …` (its numbered causes, outermost first, stay below)."""
        event = self._join(span, intro)
        causes = [
            match["cause"]
            for entry in span[intro + 1 :]
            if (match := _EYRE_CAUSE.match(entry.message)) is not None
        ]
        if span[intro].message.strip() != "Error:" or not causes:
            return event
        first = f"Error: {causes[0]}" if len(causes) == 1 else f"Error: {causes[0]}: {causes[-1]}"
        text = event.primary.message
        return event._replace(primary=event.primary._replace(message=first + text[text.find("\n") :]))

    def _dotnet_record(self, span: list[LogEntry]) -> Event:
        """A .NET console logger's record split per line as one event: its message is the record's without
        the header (`fail: Category[EventId]`), its stack the exception's in it, its level the header's."""
        header = span[0]
        text = self._joined(span)
        stack = self._parse_stack(text)
        if stack is not None and not stack.frames:
            stack = None
        groups = tuple(dict.fromkeys(g for entry in span for g in entry.error_group_ids))
        primary = header._replace(message=strip_prefix(text), stack=stack, error_group_ids=groups)
        self.reassembled += 1
        return Event(primary=primary, members=tuple(span))

    def _erlang_report(self, span: list[LogEntry]) -> Event:
        """Erlang/OTP's report over its lines as one event, whose message says what it reports: a crash report's
        exception, where and in which process (`CRASH REPORT: exception error: no match of right hand side value
        {error,econnrefused} in db_pool:connect/1 (initial call db_pool:init/1)`), a generic server's termination and
        its reason, a supervisor's context, child and reason; at ERROR (a crash, error or supervisor report) or
        WARNING at least."""
        header = span[0]
        kind = _ERLANG_REPORT.fullmatch(header.message.strip())
        report = kind["type"] if kind is not None else "ERROR"
        body = [entry.message.strip() for entry in span[1:]]
        fields = dict(
            line.split(": ", 1)
            for line in body
            if ": " in line and not line.startswith(("*", "in ", "exception "))
        )
        said = next((line for line in body if line), "")
        if report == "CRASH":
            exception = next(
                (i for i, entry in enumerate(span) if _ERLANG_EXCEPTION.match(entry.message)), None
            )
            if exception is not None:
                said = span[exception].message.strip()
                where = span[exception + 1].message.strip() if exception + 1 < len(span) else ""
                if where.startswith("in function "):
                    said += " in " + where.removeprefix("in function").strip().split(" (", 1)[0]
            if "initial call" in fields:
                said += f" (initial call {fields['initial call']})"
        elif report == "SUPERVISOR":
            child = next((found[1] for line in body if (found := _ERLANG_CHILD.match(line))), None)
            said = f"{fields.get('supervisor', '')} {fields.get('errorContext', '')}".strip()
            if child:
                said += f" (child {child})"
            if "reason" in fields:
                said += f": {fields['reason']}"
        elif said.startswith("** "):
            reason = next(
                (body[i + 1] for i, line in enumerate(body[:-1]) if line.startswith("** Reason for")), ""
            )
            said = said.removeprefix("** ") + (f": {reason.removeprefix('** ')}" if reason else "")
        loudest = max(span, key=lambda entry: entry.severity)
        severity = max(loudest.severity, _ERLANG_LEVELS.get(report, Severity.DEFAULT))
        rule = "erlang-report" if severity > loudest.severity else loudest.severity_rule
        primary = header._replace(
            message=self._redact(f"{report} REPORT: {said}"), severity=severity, severity_rule=rule
        )
        self.reassembled += 1
        return Event(primary=primary, members=tuple(span))

    def _report(self, span: list[LogEntry], exception: int) -> Event:
        """A report without a stack over several lines (blank ones and an excerpt around the exception's line at
        `exception`) as one event: the exception's line, at the level of the loudest line."""
        loudest = max(span, key=lambda entry: entry.severity)
        primary = span[exception]._replace(severity=loudest.severity, severity_rule=loudest.severity_rule)
        return Event(primary=primary, members=tuple(span))

    def _spring_report(self, span: list[LogEntry], kinds: list[str | None]) -> Event:
        """Spring Boot's failure analysis over lines as one event at its loudest line's level: its message says
        what failed (`APPLICATION FAILED TO START: <description>`), then what to do."""
        sections: dict[str, list[str]] = {"Description:": [], "Action:": []}
        current: list[str] | None = None
        for entry, kind in zip(span, kinds, strict=True):
            text = entry.message.strip()
            if kind == "spring-section":
                current = sections[text]
            elif current is not None and text and kind not in _SPRING_PARTS:
                current.append(text)
        description = " ".join(sections["Description:"])
        text = "APPLICATION FAILED TO START" + (f": {description}" if description else "")
        if sections["Action:"]:
            text += "\nAction: " + " ".join(sections["Action:"])
        loudest = max(span, key=lambda entry: entry.severity)
        primary = span[0]._replace(
            message=self._redact(text), severity=loudest.severity, severity_rule=loudest.severity_rule
        )
        return Event(primary=primary, members=tuple(span))

    def _jvm_crash(self, span: list[LogEntry], header: int) -> Event:
        """The JVM's fatal error report as one event at its header, whose message says what killed it and where:
        `A fatal error has been detected by the Java Runtime Environment: SIGSEGV (0xb) at pc=…, pid=1, tid=57;
        problematic frame: C  [libzstd-jni.so+0x4b2c1]  ZSTD_decompressStream+0x91`."""
        event = self._report(span, header)
        said = [event.primary.message.strip().lstrip("#").strip()]
        lines = [entry.message.lstrip("#").strip() for entry in span]
        signal = next((line for line in lines if _JVM_SIGNAL.match(line)), "")
        if signal:
            said.append(" " + signal)
        frame = next((i for i, line in enumerate(lines) if line == "Problematic frame:"), None)
        if frame is not None and frame + 1 < len(lines) and lines[frame + 1]:
            said.append(f"; problematic frame: {lines[frame + 1]}")
        primary = event.primary._replace(message=self._redact("".join(said)))
        return Event(primary=primary, members=event.members)

    def _merge_warning(self, span: list[LogEntry]) -> Event:
        """A Python warning and the source line the warnings module prints after it: one event."""
        first = span[0]
        text = self._joined(span)
        return Event(primary=first._replace(message=text), members=tuple(span))

    def _merge(self, span: list[LogEntry], frameless: bool = False) -> Event | None:
        """The span as one event, if its text parses as a stack with frames (or, `frameless`, with none: a
        crash report says where it was thrown in its own lines)."""
        text = self._joined(span)
        stack = self._parse_stack(text)
        if stack is None or not (stack.frames or frameless):
            return None
        loudest = max(span, key=lambda entry: entry.severity)
        severity, rule = loudest.severity, loudest.severity_rule
        if severity < Severity.WARNING:
            severity = Severity.ERROR
        if any(entry.severity < Severity.WARNING for entry in span):
            rule = "split-traceback"
        first = span[0]
        groups = tuple(dict.fromkeys(g for entry in span for g in entry.error_group_ids))
        primary = first._replace(
            severity=severity, severity_rule=rule, message=text, stack=stack, error_group_ids=groups
        )
        self.reassembled += 1
        return Event(primary=primary, members=tuple(span))


def _line_of_parts(parts: list[LogEntry]) -> Event:
    """The parts of one line longer than the container runtime's limit (16 KiB), written as one record each
    (CRI's `P`, then `F`), as one event: its first part (the line's head, which names its level) at the
    severity of its loudest part."""
    members = sorted(parts, key=lambda entry: entry.timestamp)
    loudest = max(members, key=lambda entry: entry.severity)
    primary = members[0]._replace(severity=loudest.severity, severity_rule=loudest.severity_rule)
    return Event(primary=primary, members=tuple(members))


def may_neighbour_message(entry: LogEntry) -> bool:
    """A Rust panic's line that its message may come right after (`… panicked at src/main.rs:5:5:`), or right
    before, newest first (`stack backtrace:`, `note: run with …`), or a line of another report that a plain line
    comes right after (`_NEIGHBOURED`): the message is a plain line, which the parser's fast path would skim
    (`Quiet`), but its event needs."""
    message = entry.message
    if entry.payload_kind != "text":
        return False
    if message.startswith(("thread '", "stack backtrace:", "note: ")):
        return line_kind(message) in ("rust-panic", "rust-backtrace", "rust-note")
    if message.startswith(_NEIGHBOURED_STARTS):
        return True
    if len(message) > _SHORT_NEIGHBOUR or message[:1] not in _NEIGHBOURED_FIRST:
        return False
    line = message.strip()
    return (
        line in _NEIGHBOURED
        or (line[:8] == "ERROR - " and _SHELF_ERROR.fullmatch(line) is not None)
        or (line[:1].isupper() and _REQUEST_LINE.fullmatch(line) is not None)
        or (line.startswith(_DART_FRAME_STARTS) and line_kind(message) == "frame")
        or (line[:1] == "^" and not line.strip("^~"))
    )


def opens_report_text(entry: LogEntry) -> bool:
    """A line after which its report goes on over plain lines, each within `RECORD_STEP` of the one before
    (`_Group.report`): a part of Spring Boot's failure analysis, a Dart error's heading or shelf's, a Dart VM frame.
    Those plain lines (what failed, what to do, the error's text) are lines the parser's fast path would skim."""
    message = entry.message
    if entry.payload_kind != "text" or len(message) > _SHORT_NEIGHBOUR:
        return False
    line = message.strip()
    if not line:
        return False
    if (line[0] in _SPRING_INITIALS or line[-1] == ":") and _SPRING_REPORT.fullmatch(line) is not None:
        return True
    return (
        line == DART_UNHANDLED
        or (line[:8] == "ERROR - " and _SHELF_ERROR.fullmatch(line) is not None)
        or (line.startswith(_DART_FRAME_STARTS) and line_kind(message) == "frame")
    )


# Lines a plain line comes right after, in one report: a Dart FormatException's excerpt of its input after it, a
# Deno uncaught error's source line, the Dart VM's error text after `Unhandled exception:`, shelf's report over
# its plain lines (its request, `Error thrown by handler.`, the error's text); newest first, a Haskell error's
# message after its call stack's heading, a Dart error's text after its frames, the line a caret points into
_NEIGHBOURED_STARTS = (_DART_FORMAT_EXCEPTION, _DENO_UNCAUGHT)
_NEIGHBOURED = frozenset((DART_UNHANDLED, _SHELF_THROWN, *HASKELL_CALL_STACK))
_NEIGHBOURED_FIRST = frozenset("UEHCGPDOdpf#^ ")
_SHORT_NEIGHBOUR = 2048


def _literal(text: str) -> str:
    """`text` as a pattern that matches it (only the characters a pattern reads escaped: RE2 refuses `re.escape`'s
    escaped spaces)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


# `may_neighbour_message`'s lines of another report (`_NEIGHBOURED*`, shelf's header, a request line, a Dart frame,
# a caret line) as one pattern over the line as logged, a superset (any length; a Dart frame by how it starts): the
# Log Analytics query holds the plain line on either side of one, as reassembly does
NEIGHBOURED_PATTERN = (
    "^(?:"
    + "|".join(_literal(start) for start in _NEIGHBOURED_STARTS)
    + ")"
    + r"|^\s*(?:"
    + "|".join(
        [*(_literal(line) for line in sorted(_NEIGHBOURED)), _SHELF_ERROR.pattern, _REQUEST_LINE.pattern]
    )
    + r")\s*$"
    + r"|^\s*(?:"
    + "|".join(_literal(start) for start in _DART_FRAME_STARTS)
    + ")"
    + r"|^\s*\^[\^~]*\s*$"
)
# A line after which a report goes on over plain lines, each within `RECORD_STEP` of the one before (`_Group.report`,
# `_in_report`): a part of Spring Boot's failure analysis, a Dart error's heading or shelf's, a Dart VM frame; as one
# pattern over the line as logged, a superset (a Dart frame by how it starts), so that the Log Analytics query holds
# those plain lines in the report's run as reassembly does
REPORT_TEXT_OPENER_PATTERN = (
    r"^\s*(?:"
    + "|".join([_SPRING_REPORT.pattern, _literal(DART_UNHANDLED), _SHELF_ERROR.pattern])
    + r")\s*$|^\s*(?:"
    + "|".join(_literal(start) for start in _DART_FRAME_STARTS)
    + ")"
)
# The lines of a report reassembly joins that no Python, Java, Go or Ruby header opens (Dart's, Swift's, Haskell's,
# Lua's, Perl's, shelf's, PHP-FPM's slow log, OTP's crash report, the JVM's lines after an OutOfMemoryError, .NET's
# stack overflow, Spring Boot's failure analysis): a run of lines holding one may be a split stack (the Log Analytics query's headers derive from
# them; a pattern `_classify` reads belongs here unless its lines only go on with a report another line opens)
REPORT_LINE_PATTERNS = (
    DOTNET_OVERFLOW_LINE,
    DART_FRAME,
    DART_TERSE_FRAME,
    SWIFT_FATAL,
    SWIFT_CRASHED,
    SWIFT_FRAME,
    SWIFT_OLD_FRAME,
    _SWIFT_TOOK,
    HASKELL_FRAME,
    LUA_FRAME,
    LUA_COROUTINE,
    PERL_DIE,
    PERL_FRAME,
    _SHELF_ERROR,
    _FPM_SLOW_LOG,
    _ERLANG_REPORT,
    _JVM_OOM_LINE,
    _SPRING_REPORT,
    compile_regex(
        "|".join(
            f"^{_literal(heading)}$"
            for heading in (DART_UNHANDLED, DOTNET_STACK_OVERFLOW, LUA_TRACEBACK, *HASKELL_CALL_STACK)
        )
    ),
)


def _within(seconds: float) -> timedelta:
    """The longest duration `d` with `d.total_seconds() <= seconds`: as `total_seconds()` rounds a whole number
    of microseconds, which only grows with the duration, `d <= _within(s)` exactly when that holds."""
    if seconds >= timedelta.max.total_seconds():
        return timedelta.max
    micro = math.floor(seconds * 1e6)
    while (micro + 1) / 10**6 <= seconds:
        micro += 1
    while micro / 10**6 > seconds:
        micro -= 1
    return timedelta(microseconds=micro)


def _after_causes(kinds: list[str | None], lines: list[LogEntry], index: int) -> bool:
    """The line at `index` follows Rails' `Causes:` heading, with only causes between them."""
    before = index - 1
    while before >= 0 and kinds[before] == "caused":
        if lines[before].message.strip() == _RAILS_CAUSES:
            return True
        before -= 1
    return False


def _excerpt_follows(group: _Group | None) -> bool:
    """A line of a template's excerpt (`excerpt`) may come after the last line of `group`: the exception ActionView
    raised (or, newest first, the blank line of the report after its excerpt), or a line of the excerpt."""
    if group is None:
        return False
    last = group.members[-1]
    kind = entry_kind(last)
    return kind in ("exception", "excerpt") or (
        (kind == "blank" and bool(last.message.strip()))
        or (kind is None and _RAILS_CAUSE.fullmatch(last.message.strip()) is not None)
    )


def _only_tags(entry: LogEntry) -> bool:
    """A blank line of a tagged logger's report: its header or tags and nothing else (`F, […] FATAL -- : [6f1c…]`,
    `[6f1c…]   `)."""
    return bool(entry.message.strip()) and entry_kind(entry) == "blank"


def heads_report(message: str) -> bool:
    """`message` is the heading of a report whose first line is the line before it, whatever that line says:
    Haskell's call stack (`CallStack (from HasCallStack):`), Lua's traceback (`stack traceback:`), logging's
    `stack_info` (`Stack (most recent call last):`), a Dart error's first VM frame (`#0      ListBase.first
    (dart:collection/list.dart:64:5)`: the error's text, `Bad state: No element`, is the line before it when
    package:logging's handler printed it without the VM's `Unhandled exception:`). That line may be plain, below
    WARNING (the pipeline's fast path would skim it)."""
    if message[:1] == "#":
        return dart_first_frame(message)
    return message[:1] in _HEADING_FIRST and message.strip() in _HEADINGS


def dart_first_frame(message: str) -> bool:
    """`message` is a Dart error's first VM frame (`#0      ListBase.first (dart:collection/list.dart:64:5)`)."""
    return message[:3] == "#0 " and DART_FRAME.match(message) is not None


_HEADINGS = frozenset((*HASKELL_CALL_STACK, LUA_TRACEBACK, STACK_INFO))
_HEADING_FIRST = frozenset(heading[0] for heading in _HEADINGS)


def _may_introduce(entry: LogEntry) -> bool:
    """A one-line text entry at WARNING or above may be the message a traceback was logged with (not a record's
    preamble or SQL Server's error's first line: the line after it is)."""
    return (
        entry.payload_kind == "text"
        and entry.record_line not in _OPENS
        and entry.stack is None
        and entry.severity >= Severity.WARNING
        and "\n" not in entry.message.rstrip("\n")
    )


def _lowercase_word(message: str) -> bool:
    word = message.strip()
    return word.isalpha() and word.islower()


def _may_be_secret(entry: LogEntry) -> bool:
    """A one-word line (`_may_be_value`) that may be a credential: neither a word nor a number (`OK`, `done`, `200`)."""
    word = entry.message.strip()
    return (
        " " not in word
        and 6 <= len(word) <= _SHORT_LINE
        and "\n" not in word
        and not word.isdigit()
        and not is_plain_words(word)
    )


def _between_pair(message: str) -> bool:
    """A line that may stand between a pair's name and its value: a sibling field of their object (`"Type":
    "SecureString",`, `  description: …`) or a blank line."""
    return not message.strip() or (
        _SIBLING_KEY.match(message) is not None and _VALUE_LINE.search(message) is None
    )


# A protocol client's line of one base64 word, as debug output writes it (`> X`, `C: X`, Perl's `Net::SMTP=GLOB(…)>>> X`,
# PHPMailer's `CLIENT -> SERVER: X`): the answer to SMTP's password prompt, whose line comes after it newest first
_CLIENT_LINE = compile_regex(r"(?:\S{0,64}(?:>|C:)|CLIENT -> SERVER:)[ \t]{1,4}[A-Za-z0-9+/]{4,512}={0,2}")


def _annotates_value(entry: LogEntry) -> bool:
    """A text entry that is one better_exceptions or loguru annotation line with a value (`│     └ 'X'`)."""
    message = entry.message
    return (
        entry.payload_kind == "text"
        and "\u2514 " in message
        and "\n" not in message
        and _ANNOTATION_ONLY.fullmatch(message) is not None
    )


def _may_be_value(entry: LogEntry) -> bool:
    """A one-line text entry of one word (`X`, `<string>X</string>`, `"X",`), a pair's value (`"Value": "X",`) or a
    protocol client's base64 line (`> X`): it may be the value of a label that, newest first, comes after it."""
    message = entry.message.strip()
    return (
        entry.payload_kind == "text"
        and entry.stack is None
        and 0 < len(message) <= _SHORT_LINE
        and (
            not any(c.isspace() for c in message)
            or ("alue" in message and "\n" not in message and _VALUE_LINE.search(message) is not None)
            or _CLIENT_LINE.fullmatch(message) is not None
        )
    )


def _announces(entry: LogEntry) -> bool:
    """A logged line that announces the report after it, blank lines between: one with nothing after its header
    and tags (Rails' `F, […] FATAL -- : [6f1c…]   `), or one that ends saying a report follows (Spring's
    `Servlet.service() … threw exception […] with root cause`, a message ending with a colon, or with an arrow:
    Play's `! @8hk1m2n3o - Internal server error, for (GET) [/orders/1] ->`)."""
    message = entry.message
    if message[-1:].isspace() and message.rstrip().endswith("]"):
        return True
    return message.rstrip().endswith((":", " with root cause", " ->", _FPM_SLOW_ANNOUNCED))


def _copies(lines: list[LogEntry]) -> list[list[LogEntry]]:
    """Tracebacks printed k times at one instant (several workers, or a handler that logs twice) arrive
    interleaved: the n-th occurrence of a line at a timestamp belongs to copy n mod k. A chained traceback has
    a header more than it has separators (`During handling of the above exception…`): each copy of one with
    s separators has s + 1 headers, so k is the headers less the separators at that timestamp."""
    headers: Counter[datetime] = Counter()
    for entry in lines:
        kind = line_kind(entry.message)
        if kind == "header":
            headers[entry.timestamp] += 1
        elif kind == "separator":
            headers[entry.timestamp] -= 1
    copies = max(headers.values(), default=1)
    if copies < 2:
        return [lines]
    seen: Counter[tuple[datetime, str]] = Counter()
    split: list[list[LogEntry]] = [[] for _ in range(copies)]
    for entry in lines:
        key = (entry.timestamp, entry.message)
        copy = seen[key] % copies if headers.get(entry.timestamp, 0) > 1 else 0
        split[copy].append(entry)
        seen[key] += 1
    return [copy for copy in split if copy]


# What may stand between an exception's line and its frames: blank lines, and the excerpt of a template (Rails)
# (and `message`: the lines of a .NET exception's message after its first, `_dotnet_message_end`)
_BEFORE_FRAMES = ("blank", "excerpt", "message", "call-stack")


def _in_report(group: _Group, moment: datetime) -> bool:
    """A plain line at `moment` is one of the report `group` holds (`_Group.report`)."""
    return group.report and group.last_seen is not None and abs(moment - group.last_seen) <= RECORD_STEP


def _spring_report_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of Spring Boot's failure analysis that `start` opens (its intro, header or banner):
    its parts and the lines written with them, each within `RECORD_STEP` of the one before."""
    end = start
    while (
        end + 1 < len(kinds)
        and (kinds[end + 1] in _SPRING_PARTS or kinds[end + 1] in _SPRING_TEXT)
        and lines[end + 1].timestamp - lines[end].timestamp <= RECORD_STEP
        and not (
            kinds[end + 1] in ("spring-intro", "spring-header") and "spring-failed" in kinds[start : end + 1]
        )
    ):
        end += 1
    return end


def _next_kind(kinds: list[str | None], index: int, skipped: tuple[str, ...] = ("blank",)) -> str | None:
    """The kind of the first line after `index` that is not blank (nor of another kind `skipped`)."""
    index += 1
    while index < len(kinds) and kinds[index] in skipped:
        index += 1
    return kinds[index] if index < len(kinds) else None


def _frames_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of a stack that starts with its exception line at `start`: its frames, causes
    and inner exceptions, the properties Node.js prints after a line ending `{` up to a `}`, the data .NET
    prints after the frames (`  Exception data:` and its indented entries, a SqlException's `ClientConnectionId:…`
    and `Error Number:…,State:…,Class:…`), where `node --trace-uncaught` says
    it was thrown (`Thrown at:` and its frames), and Node.js's closing `Node.js v20.11.1`."""
    end = start
    properties = lines[start].message.rstrip().endswith("{")
    index = start + 1
    while index < len(kinds):
        kind = kinds[index]
        if properties:
            if kind == "close":
                properties = False
                end = index
            elif kind not in ("source", "frame", "caused", "blank", "exception"):
                break  # (Node.js prints an error's `[cause]: Error: …` with its stack among its properties)
        elif kind in ("frame", "caused"):
            end = index
            properties = lines[index].message.rstrip().endswith("{")
        elif kind == "source" and end > start and lines[index].message.strip() == _DOTNET_DATA:
            end = index = _indented_end(lines, index)
        elif kind == "node-version":
            return index
        elif kind in ("thrown-at", "sql-trailer") and end > start:
            end = index
        elif kind not in _BEFORE_FRAMES:
            break
        index += 1
    return end


def _dart_report_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last frame of the Dart VM's report that `start` opens (`Unhandled exception:`): the error's
    text (a few lines at most, with its input's excerpt and blank lines), then its frames; `start` when no frame
    follows."""
    index = start + 1
    while (
        index < len(kinds)
        and index - start <= _MESSAGE_LINES
        and not (DART_FRAME.match(lines[index].message) or DART_TERSE_FRAME.match(lines[index].message))
    ):
        if kinds[index] in ("frame", "dart-header", "header"):
            return start
        index += 1
    end = start
    while index < len(kinds) and kinds[index] == "frame":
        end = index
        index += 1
    return end


def _under_deno_header(members: list[LogEntry]) -> bool:
    """The lines held are Deno's uncaught error alone: the line after it is its source line."""
    return len(members) == 1 and members[0].message.startswith(_DENO_UNCAUGHT)


def _source_before_frames(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """The index of the source line the exception at `start` was thrown at, when a caret line under it and then
    its frames follow; 0 when not. V8 under Deno prints an uncaught error so (`error: Uncaught (in promise) Error:
    …`, the line, `^`), and Ruby's error_highlight after a blank line (`…:in 'm': undefined method 'x' for nil
    (NoMethodError)`, ``, `    y = item.x`, `           ^^`, `\tfrom …`)."""
    code = start + 1
    if kinds[code : code + 1] == ["blank"] and not lines[code].message.strip():
        code += 1
    at_source = kinds[code : code + 1] == ["source"] or (
        code == start + 1
        and kinds[code : code + 1] in ([None], ["bare"])
        and lines[start].message.startswith(_DENO_UNCAUGHT)
    )
    found = (
        at_source
        and kinds[code + 1 : code + 3] == ["source", "frame"]
        and not lines[code + 1].message.strip().strip("^~")
        and bool(lines[code].message.strip().strip("^~"))
    )
    return code if found else 0


def _dotnet_exception(message: str) -> bool:
    """`message` is the first line of a .NET exception: a type that ends `Exception`, named with its namespace
    or after the runtime's `Unhandled exception.` (a Python exception's line has neither)."""
    header = DOTNET_HEADER.match(message.strip())
    return (
        header is not None
        and header["type"].endswith("Exception")
        and ("." in header["type"] or message.startswith("Unhandled"))
    )


def _dotnet_record_before(lines: list[LogEntry]) -> bool:
    """`lines` end with a .NET console logger's record without its exception: its header (`fail: Category[1]`)
    and its message's indented lines (a few at most). ASP.NET Core 2 writes the exception after them at the
    margin, its frames indented."""
    index = len(lines) - 1
    while index > 0 and len(lines) - index <= _MESSAGE_LINES and lines[index].message[:1] in (" ", "\t"):
        index -= 1
    return index < len(lines) - 1 and line_kind(lines[index].message) == "dotnet-header"


def _dotnet_message_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of the message of the .NET exception whose first line is at `start`, when its
    message goes on over lines of its own (a blank one, `POSITION: 75`) up to its first frame; `start` when it
    does not, when no .NET frame follows, or when a line between names an exception of its own (the one the
    frames are of)."""
    if not _dotnet_exception(lines[start].message):
        return start
    index = start + 1
    while index < len(kinds) and kinds[index] != "frame":
        if (
            index - start > _MESSAGE_LINES
            or kinds[index] not in _MESSAGE_KINDS
            or DOTNET_HEADER.match(lines[index].message.strip()) is not None
        ):
            return start
        index += 1
    if index == len(kinds) or not lines[index].message.startswith(_DOTNET_FRAME_INDENT):
        return start
    return index - 1


def _node_crash_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of a Node.js crash report starting at `start` (where it was thrown): the source
    and caret lines, the exception with its stack; `start` when no exception follows."""
    index = start + 1
    while index < len(kinds) and index <= start + 2 and kinds[index] == "source":
        index += 1
    while index < len(kinds) and kinds[index] == "blank":
        index += 1
    if index == len(kinds) or kinds[index] != "exception":
        return start
    return _frames_end(kinds, lines, index)


def _elixir_report_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of the Elixir crash report whose exception is at `start`: its indented frames (and
    the exception of an `** (exit)` indented under it, whose message may hold blank lines between indented ones:
    Postgrex's `ERROR 42703 (undefined_column) …`, a blank line, `    query: SELECT …`), then the process's
    context lines and their indented values; `start` when no frame follows."""
    end = start
    index = start + 1
    while index < len(kinds) and (
        kinds[index] == "source"
        or (kinds[index] == "blank" and end > start and _next_kind(kinds, index) == "source")
    ):
        end = index
        index += 1
    if end == start:
        return start
    while index < len(kinds) and kinds[index] in ("elixir-context", "source", "close"):
        end = index
        index += 1
    return end


def _record_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of the record whose first line after its head is at `start`: PostgreSQL's
    continuations, and the bare lines (a loader's hint among them) each within `RECORD_STEP` of the one before."""
    end = start
    while end + 1 < len(kinds):
        kind = kinds[end + 1]
        if kind != "continuation" and not (
            kind in ("bare", "hint") and lines[end + 1].timestamp - lines[end].timestamp <= RECORD_STEP
        ):
            break
        end += 1
    return end


def _knv_error_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of the Config Sync error at `start`: its indented lines, the object's fields
    after a blank line, the link that ends it."""
    end = start
    index = start + 1
    while index < len(kinds) and kinds[index] in ("source", "blank", "exception", "knv-more"):
        if kinds[index] != "blank":
            end = index
        if kinds[index] == "knv-more":
            break
        index += 1
    return end


def _rust_panic_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of the Rust panic at `start`: its message (the line after a header that ends with
    a colon, and the indented lines of a message that goes on), the causes of an error it unwrapped (`anyhow`'s
    `Caused by:` and the indented causes after it), the backtrace and the note that ends it."""
    end = start
    if start + 1 < len(kinds) and _awaits_message(lines[start].message):
        end = start + 1
    index = end + 1
    while index < len(kinds) and kinds[index] in (
        "source",
        "frame",
        "caused",
        "rust-backtrace",
        "rust-note",
        "blank",
    ):
        if kinds[index] != "blank":
            end = index
        if kinds[index] == "rust-note":
            break
        index += 1
    return end


def _awaits_message(header: str) -> bool:
    """Whether a Rust panic's line is followed by its message: the line of Rust 1.73 and later (`thread 'main'
    panicked at src/main.rs:5:5:`, the message on the next line; some pastes and formatters drop the last colon),
    not the older one that quotes the message (`panicked at 'boom', src/main.rs:5:5`)."""
    panic = RUST_PANIC.match(header.strip())
    return panic is not None and panic["message"] is None


def _fault_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of the faulthandler dump whose `Fatal Python error:` line is at `start`: each
    thread's header and frames, and the extension modules' line."""
    end = index = start
    while index + 1 < len(kinds) and kinds[index + 1] in (
        "blank",
        "fault-thread",
        "file",
        "source",
        "fault-modules",
    ):
        index += 1
        if kinds[index] != "blank":
            end = index
    return end


def _v8_report_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of V8's fatal error report that starts at `start`: its markers, collections,
    frames and `FATAL ERROR:` line."""
    end = index = start
    while index + 1 < len(kinds) and kinds[index + 1] in _V8_REPORT:
        index += 1
        if kinds[index] != "blank":
            end = index
    return end


def _fpm_slow_record_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of PHP-FPM's slow-log record that `start` opens (its pool's line, `[pool www] pid 41`,
    or the blank line before it): the script's line and at least one call (`[0x…] curl_exec() /var/www/x.php:88`)
    after it; `start` when it is not one."""
    pool = start + 1 if kinds[start] == "blank" and not lines[start].message.strip() else start
    if pool >= len(kinds) or kinds[pool] != "fpm-slow" or "[pool " not in lines[pool].message:
        return start
    end = pool
    while end + 1 < len(kinds) and kinds[end + 1] == "fpm-slow" and "[pool " not in lines[end + 1].message:
        end += 1  # (up to the next record's pool line)
    record = [line.message.strip() for line in lines[pool + 1 : end + 1]]
    if (
        not record
        or not record[0].startswith("script_filename = ")
        or not any("() " in line for line in record)
    ):
        return start
    return end


def _in_overflow(kinds: list[str | None], index: int) -> bool:
    """The line at `index` is in a run of .NET's stack overflow report that its heading opens (`_OVERFLOW_REPORT`)."""
    while index > 0 and kinds[index - 1] in _OVERFLOW_REPORT:
        index -= 1
    return index > 0 and kinds[index - 1] == "overflow"


def _run_end(kinds: list[str | None], start: int, kinds_in_run: Collection[str | None]) -> int:
    """Index of the last line of the run after `start` whose lines are all of `kinds_in_run`; `start` when the next
    line is not."""
    end = start
    while end + 1 < len(kinds) and kinds[end + 1] in kinds_in_run:
        end += 1
    return end


def _php_trace_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of the PHP report whose header is at `start`: its `Stack trace:`, frames and
    `thrown in` lines (Monolog's blank line before a `[previous exception]` among them); `start` when none
    follows."""
    end = _run_end(kinds, start, ("php-trace",))
    while (
        end > start and end + 2 < len(kinds) and kinds[end + 1] == "blank" and kinds[end + 2] == "php-trace"
    ):
        end = _run_end(kinds, end + 1, ("php-trace",))
    return end


def _go_trace_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of the Go panic or fatal error at `start` (its header, or the `runtime:` lines
    before it); `start` when no header follows them."""
    header = start
    while header < len(kinds) and kinds[header] == "go-runtime":
        header += 1
    if header == len(kinds) or kinds[header] != "go-header":
        return start
    end = header
    index = header + 1
    while index < len(kinds):
        kind = kinds[index]
        if kind == "go-exit":
            return index
        if kind not in _GO_CONTINUATIONS:
            break
        if kind != "blank":
            end = index
        index += 1
    return end


def _go_stack_end(kinds: list[str | None], start: int) -> int:
    """Index of the last line of the Go logger's stack at `start` (function lines, each followed by its file's
    tab-indented line); `start - 1` when no such pair is there."""
    end = start - 1
    index = start
    while index + 1 < len(kinds) and kinds[index] == "go-function" and kinds[index + 1] == "source":
        end = index + 1
        index += 2
    return end


def _error_chain_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """The last line of the report of an error chain whose first line (`Error: …`) is at `start`, as Rust's anyhow
    and eyre print one on a program's exit: blank lines, `Caused by:`, then each cause indented (numbered when there
    are several, `    0: …`), or (color-eyre) the numbered causes right under a bare `Error:`; then the place it
    was built at (`Location:` and the indented place) and the closing hints (`Run with RUST_BACKTRACE=…`);
    `start` when no chain follows."""
    if _eyre_header(kinds, lines, start):
        end = _indented_end(lines, start)
    else:
        caused = _after_blanks(kinds, start)
        if (
            caused + 1 >= len(kinds)
            or kinds[caused + 1] != "source"
            or lines[caused].message.strip() != "Caused by:"
        ):
            return start
        end = _indented_end(lines, caused)
    located = _after_blanks(kinds, end)
    if (
        located + 1 < len(kinds)
        and kinds[located + 1] == "source"
        and lines[located].message.strip() == _EYRE_LOCATION
    ):
        end = _indented_end(lines, located)
    section = _after_blanks(kinds, end)
    while section < len(kinds) and _EYRE_SECTION.fullmatch(lines[section].message.strip()):
        # color-eyre's sections (`━━━ SPANTRACE ━━━`, `━━━ BACKTRACE ━━━`), their entries indented
        end = _indented_end(lines, _after_blanks(kinds, section) - 1)
        section = _after_blanks(kinds, end)
    hint = _after_blanks(kinds, end)
    while hint < len(kinds) and kinds[hint] == "rust-note":
        end = hint
        hint += 1
    return end


def _eyre_header(kinds: list[str | None], lines: list[LogEntry], start: int) -> bool:
    """The line at `start` is a bare `Error:` over color-eyre's numbered causes (`   0: …`)."""
    return (
        lines[start].message.strip() == "Error:"
        and start + 1 < len(kinds)
        and kinds[start + 1] == "source"
        and _EYRE_CAUSE.match(lines[start + 1].message) is not None
    )


def _after_blanks(kinds: list[str | None], index: int) -> int:
    """The index of the first line after `index` that is not blank."""
    index += 1
    while index < len(kinds) and kinds[index] == "blank":
        index += 1
    return index


def _indented_end(lines: list[LogEntry], start: int) -> int:
    """The last of the indented lines that follow `start` (a .NET record's message, exception and frames), with
    the markers .NET writes among an exception's frames (`--- End of stack trace from previous location ---` at an
    `await`, `--- End of inner exception stack trace ---`), indented too, whose indentation and dashes the parser
    took for a prefix (`End of …`)."""
    end = start
    while end + 1 < len(lines) and (
        (lines[end + 1].message[:1] in (" ", "\t") and lines[end + 1].message.strip())
        or _dotnet_marker(lines[end + 1].message)
    ):
        end += 1
    return end


def _dotnet_record_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of the .NET console record whose header is at `start`: its indented lines
    (`_indented_end`), on past a few lines of its exception's message that the parser left without their
    indentation (the record's padding alone on an empty line, PostgreSQL's `DETAIL:` read as a header) when the
    exception's indented frames follow them."""
    end = _indented_end(lines, start)
    if not any(_dotnet_exception(entry.message) for entry in lines[start + 1 : end + 1]):
        return end
    while True:
        gap = end + 1
        while gap < len(kinds) and gap - end <= _MESSAGE_LINES and kinds[gap] in (None, "bare", "blank"):
            gap += 1
        if gap == end + 1 or gap == len(kinds) or kinds[gap] != "frame" or lines[gap].message[:1] != " ":
            return end
        end = _indented_end(lines, gap)


def _dotnet_marker(message: str) -> bool:
    """`message` is a marker among .NET's frames once the parser took its dashes for a prefix: `End of …`, and the
    dashes that close it (`End of stack trace from previous location ---`)."""
    return (
        message[:7] == "End of "
        and message.rstrip().endswith(" ---")
        and _CAUSE_LINE.match(message) is not None
    )


def _traceback_end(kinds: list[str | None], lines: list[LogEntry], start: int) -> int:
    """Index of the last line of the traceback that starts at `start` (a header line), with the lines its
    exception's message goes on over (`_python_message_end`); without an exception line after its frames (cut
    off, or its last lines lost), its last frame line."""
    end = start
    saw_frame = False
    last_frame = start
    index = start + 1
    while index < len(kinds):
        kind = kinds[index]
        if kind in ("file", "source", "frame"):
            saw_frame = saw_frame or kind == "file"
            last_frame = index
        elif kind in ("header", "separator", "blank"):
            pass
        elif kind == "exception" and saw_frame:
            end = index = _python_message_end(kinds, lines, index)
            following = kinds[index + 1] if index + 1 < len(kinds) else None
            if following not in ("separator", "header", "blank"):
                return end
            saw_frame = False
        else:
            break
        index += 1
    return last_frame if end == start and saw_frame else end


def _python_message_end(kinds: list[str | None], lines: list[LogEntry], exception: int) -> int:
    """Index of the last line of the message of the Python exception whose line (the last of its traceback) is at
    `exception`: the lines after it that its message goes on over (`_PY_MESSAGE_LINES`), up to a blank line
    before a chained traceback's separator or header, a line with a header of its own (but PostgreSQL's `DETAIL:`,
    `HINT:`…, which psycopg2's message carries) or a pause."""
    end = index = exception
    while index + 1 < len(kinds) and index - exception < _PY_MESSAGE_LINES:
        line = lines[index + 1]
        if (
            kinds[index + 1] not in _PY_MESSAGE_KINDS
            or line.record_line not in ("", "bare", "continuation")
            or line.timestamp - lines[index].timestamp > RECORD_STEP
        ):
            break
        index += 1
        if kinds[index] != "blank":
            end = index
    return end
