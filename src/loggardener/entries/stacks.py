"""Stack-trace parsing for the formats Error Reporting understands: Python, Java, Node.js, Go panics,
C#/.NET, PHP and Ruby; and Elixir's crash reports and Rust's panics."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence

from loggardener.entries.models import Frame, Language, StackTrace
from loggardener.regexes import compile_regex

PY_HEADER = "Traceback (most recent call last):"
# Python 3.11's exception group: its header after `  + `, then its traceback behind a `|` gutter, up to its
# first sub-exception (`+-+---------------- 1 ----------------`), whose tracebacks are nested one gutter deeper
EXCEPTION_GROUP_HEADER = "Exception Group Traceback (most recent call last):"
_GROUP_GUTTER = compile_regex(r"\s*\| ?")
PY_CHAIN_SEPARATORS = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)
# (faulthandler writes `line 3 in f`, without the comma)
# (loguru's report of a caught exception marks the frame that raised it: `> File "/app/x.py", line 3, in f`)
_PY_FRAME = compile_regex(
    r'^\s*(?:> )?File "(?P<file>[^"]+)",\s?line (?P<line>\d+)(?:,? in (?P<func>.+))?\s*$'
)
# Python's faulthandler dump of a fatal signal: `Fatal Python error: Segmentation fault`, then a header per thread
# (`Current thread 0x00007f… (most recent call first):`, the current one first; a name in brackets since 3.13)
FAULT_HEADER = "Fatal Python error: "
FAULT_THREAD = compile_regex(
    r"^(?:Current thread|Thread) 0x[0-9a-f]{1,16} (?:\[[^\]\n]{0,100}\] )?\(most recent call first\):\s*$"
)
_PY_EXCEPTION = compile_regex(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")
# Logback and Spring Boot append the jar: `at a.B.c(B.java:12) ~[app.jar:1.0]`.
_JAVA_FRAME = compile_regex(
    r"^\s+at (?P<func>[\w$.<>/]+)\((?P<file>[^:()]+)(?::(?P<line>\d+))?\)(?:\s+~?\[[^\]]*\])?\s*$"
)
# A frame without its `at ` (Dataflow's `Error message from worker: …` messages): indented, a dotted method, a JVM
# language's file and line (or `Unknown Source`, `Native Method`), as `Throwable.printStackTrace` prints after `at `
_JAVA_BARE_FRAME = compile_regex(
    r"^(\s+)([\w$/]+(?:\.[\w$<>/]+)+\((?:[\w$-]+\.(?:java|kt|scala|groovy):\d+|Unknown Source|Native Method)\)\s*)$"
)
_JVM_SOURCES = (".java:", ".kt:", ".scala:", ".groovy:")
_JAVA_HEADER = compile_regex(
    r"^(?:Exception in thread \"[^\"]*\" )?(?P<type>[a-zA-Z_$][\w$]*(?:\.[\w$]+)+)(?::\s?(?P<message>.*))?$"
)
_NODE_FRAME = compile_regex(
    r"^\s+at (?:async )?(?:(?P<func>[^()]{1,500}?) \()?(?P<file>[^()\s]+?):(?P<line>\d+):\d+\)?(?:\s*\{)?\s*$"
)
# How a Node.js error's cause is printed after its stack: util.inspect's `[cause]: Error: …` (Node.js 16.14 on; a cause
# set as an own property, `cause: Error: …`), and the `caused by: Error: …` of pino's error serializer and VError's
# full stack
NODE_CAUSE_PREFIXES = ("[cause]: ", "cause: ", "caused by: ")
# Node.js inspects a rejection whose reason is not an Error (so has no stack) as `[UnhandledPromiseRejection: …]`.
_NODE_REJECTION = compile_regex(
    r"^\[(?P<type>UnhandledPromiseRejection): (?P<message>.*)\](?: \{)?$", re.MULTILINE
)
# Node.js's words around the reason, the same in every rejection: the reason alone says what failed
_REJECTION_REASON = compile_regex(
    r"[\s\S]{0,400}\bThe promise rejected with the reason \"(?P<reason>[\s\S]{0,2000})\"\.$"
)
# Node.js names an error's code after its name (`TypeError [ERR_INVALID_URL]: Invalid URL`, `AggregateError
# [ECONNREFUSED]:`), as .NET names an exception's HRESULT or error code (`Npgsql.NpgsqlException (0x80004005): …`,
# `System.Net.Sockets.SocketException (111): …`): the type is the name, the code is neither type nor message
NODE_ERROR_CODE = r"(?: \[[A-Za-z][\w.-]{0,60}\](?=:))?"
# The same, its code named (a header with no message is known by its code: `AggregateError [ECONNREFUSED]: `)
_NODE_CODE = r"(?: \[(?P<code>[A-Za-z][\w.-]{0,60})\](?=:))?"
DOTNET_ERROR_CODE = r"(?: \((?:0x[0-9A-Fa-f]{1,8}|-?\d{1,10})\)(?=:))?"
# Deno names an uncaught error `error: Uncaught (in promise) Error: …`.
_NODE_HEADER = compile_regex(
    r"^(?:(?:error: )?Uncaught (?:\(in promise\) )?)?(?P<type>[A-Za-z_$][\w$.]*)"
    + _NODE_CODE
    + r"(?::\s?(?P<message>.*))?$"
)
# A header after a prefix: `[req-1] Error checking user: FirebaseAuthError: There is no configuration`, also
# with a code after the name (`cache unavailable: AggregateError [ECONNREFUSED]: `, NLog's `Host terminated
# unexpectedly System.Net.Sockets.SocketException (111): Connection refused`).
_EMBEDDED_HEADER = compile_regex(
    r"(?:^|[\s:])(?P<type>(?:[A-Za-z_$][\w$.]{0,200})?(?:Error|Exception|Rejection))"
    + _NODE_CODE
    + DOTNET_ERROR_CODE
    + r"(?::\s?(?P<message>.*))?$"
)
# util.inspect of an Error object quotes each line of its stack: `    '    at f (/app/x.js:1:2)\\n' +`.
_QUOTED_LINE = compile_regex(r"^\s*(?:stack:\s*)?'(?P<inner>.*?)(?:\\n)?'\s*\+?\s*,?\s*$")
_DOTNET_FRAME = compile_regex(
    r"^\s+at (?P<func>[^\s(][^(]{0,500}\([^)]{0,500}\))(?: in (?P<file>.+?):line (?P<line>\d+))?\s*$"
)
# A .NET frame without its file (a framework's, or a build without symbols): indented by three spaces, its
# parameters written `Type name` or none (`   at Acme.Orders.Load(String id)`, `   at Acme.Startup.Configure()`),
# which a Java frame's place never is (`\tat a.B.c(B.java:3)`, `(Native Method)`, `(Unknown Source)`)
_DOTNET_INDENT = "   at "
_DOTNET_PARAMETERS = compile_regex(
    r"\((?:[\w.`\[\],<>&*]{1,200} [\w@]{1,100}(?:, [\w.`\[\],<>&*]{1,200} [\w@]{1,100}){0,30})?\)$"
)
_JAVA_PLACES = ("(Native Method)", "(Unknown Source)")
DOTNET_HEADER = compile_regex(
    r"^(?:Unhandled [Ee]xception\.\s*|\s*---> )?(?P<type>[A-Za-z_][\w.`]*(?:Exception|Error))"
    + DOTNET_ERROR_CODE
    + r"(?::\s?(?P<message>.*))?$"
)
_PHP_HEADER = compile_regex(
    r"(?:PHP )?(?:Fatal error|Warning|Notice|Error)?:?\s*(?:Uncaught )?(?P<type>(?:[A-Za-z_\\][\w\\]*)?(?:Exception|Error))"
    r"(?::\s?(?P<message>.*?))?(?: in (?P<file>\S+?)(?::(?P<line>\d+)| on line (?P<line2>\d+)))?\s*$"
)
# (a frame without its call: Monolog's JSON lists an exception's `trace` as `file:line` alone, `_listed_trace`)
_PHP_FRAME = compile_regex(r"^#\d+ (?P<file>[^(\s][^(]*?)\((?P<line>\d+)\)(?:: (?P<func>.+?))?\s*$")
# Monolog's line formatter (Laravel's and Symfony's text logs) writes an exception in a record's context as
# `{"exception":"[object] (Illuminate\\Database\\QueryException(code: 7): message at /app/Connection.php:760)`, in
# JSON, then (with stack traces included) `[stacktrace]`, PHP's frames and `"}` on lines of their own
MONOLOG_EXCEPTION = compile_regex(
    r'"exception":"\[object\] \((?P<type>[A-Za-z_\\][\w\\]{0,300})\(code: -?\d{1,20}\): (?P<message>.*) '
    r"at (?P<file>[^\s()]{1,500}):(?P<line>\d{1,9})\)"
)
# Symfony's HttpKernel logs the exception a request ended on, through Monolog, as one line without frames:
# `request.CRITICAL: Uncaught PHP Exception Doctrine\DBAL\Exception\ConnectionException: "An exception occurred in
# the driver: SQLSTATE[HY000] [2002] Connection refused" at /var/www/vendor/…/ExceptionConverter.php line 101 {…}`
_SYMFONY_UNCAUGHT_WORDS = "Uncaught PHP Exception "
_SYMFONY_UNCAUGHT = compile_regex(
    r'Uncaught PHP Exception (?P<type>[A-Za-z_\\][\w\\]{0,300}): "(?P<message>.*)" at (?P<file>\S{1,500}) '
    r"line (?P<line>\d{1,9})"
)
# The line that ends PHP's report of an uncaught exception (`  thrown in /app/index.php on line 11`): a report
# thrown from the main script has no other frame than `#0 {main}`
PHP_THROWN = compile_regex(r"^\s*thrown in \S.{0,500} on line \d{1,9}\s*$")
_RUBY_HEADER = compile_regex(
    r"^(?P<file>\S+?):(?P<line>\d+):in [`'](?P<func>[^'`]+)'?: (?P<message>.*) \((?P<type>[A-Z][\w:]*)\)\s*$"
)
_RUBY_FRAME = compile_regex(r"^\s+from (?P<file>\S+?):(?P<line>\d+):in [`'](?P<func>[^'`]+)'")
# Rails logs `NoMethodError (undefined method …):` after its logger's prefix
_RAILS_HEADER = compile_regex(
    r"(?:^|\s)(?P<type>(?:[A-Z]\w*::)+[A-Z]\w*|[A-Z][\w:]*(?:Error|Exception|NotFound|Invalid)\w*)"
    r" \((?P<message>.*)\):\s*$"
)
_RUBY_SOURCE = r"\.(?:rb|erb|haml|slim|builder|jbuilder|rabl)"  # a Ruby file's, a template's
_RAILS_FRAME = compile_regex(
    r"^\s+(?P<file>[^\s:]+" + _RUBY_SOURCE + r"):(?P<line>\d+):in [`'](?P<func>[^'`]+)'"
)
# A backtrace a logger wrote line by line (`e.backtrace.join("\n")`): `/app/x.rb:14:in 'deliver'`, unindented;
# Rails' backtrace cleaner names a gem's frame by the gem and its version (`actionpack (6.0.3.2)
# lib/action_controller/metal.rb:215:in 'dispatch'`), and a template's frame may have no method
# (`app/views/users/_form.html.erb:3`)
_RUBY_BARE_FRAME = compile_regex(
    r"^(?P<gem>[\w.-]+ \(\d[\w.-]*\) )?(?:(?P<file>(?:\S+?"
    + _RUBY_SOURCE
    + r"|<internal:[^>]+>)):(?P<line>\d+)"
    r":in [`'](?P<func>[^'`]+)'|(?P<template>\S+?" + _RUBY_SOURCE + r"):(?P<template_line>\d+))\s*$"
)
# and the `Type: message` line before it (`ActiveRecord::RecordNotFound: Couldn't find User`)
_RUBY_TYPED_HEADER = compile_regex(r"^(?P<type>[A-Z]\w*(?:::[A-Z]\w*)*): (?P<message>.*)$")
# A Go crash's first line: a panic (`net/http` logs a handler's as `http: panic serving ADDR: …`), a fatal
# error of the runtime (`concurrent map writes`, `all goroutines are asleep - deadlock!`), a signal's dump.
_GO_HEADER = compile_regex(
    r"^(?:(?P<kind>panic|fatal error): (?P<message>.*)"
    r"|.{0,300}?\bpanic serving \S+: (?P<served>.*)"
    r"|(?P<signal>SIG[A-Z0-9]{2,8}): (?P<signal_message>\w.*))$"
)
_GO_RECOVERED = compile_regex(r"\s\[recovered(?:, repanicked)?\]$")
# `goroutine 7 [running]:`, with GOTRACEBACK=system `goroutine 7 gp=0xc0… m=0 mp=0x… [running]:`
_GO_GOROUTINE = compile_regex(r"^goroutine \d+ [^\[\]]{0,200}\[[^\]]*\]:\s*$")
# `\t/src/x.go:57 +0x2c`, with GOTRACEBACK=system `… +0x2c fp=0xc0… sp=0xc0… pc=0x…`
_GO_FILE = compile_regex(r"^\t(?P<file>\S+?):(?P<line>\d+)(?:\s.*)?$")
# The files of a Go program's frames: its sources, and the runtime's assembly (`runtime.goexit`, `asm_amd64.s`)
_GO_SOURCES = (".go", ".s")
_GO_CREATED_BY = compile_regex(r"^created by (?P<func>\S+)(?: in goroutine \d+)?$")

_PY_LIBRARY = compile_regex(
    r"(site-packages|dist-packages)/|^<(frozen [^>]*|string)>$|(^|/)lib(64)?/python\d+(\.\d+)?/|^<frozen "
)
_JAVA_LIBRARY = (
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "kotlin.",
    "kotlinx.",
    "scala.",
    "org.apache.",
    "org.springframework.",
    "io.netty.",
    "com.google.",
    "org.eclipse.",
    "org.hibernate.",
    "io.grpc.",
    "play.",
    "akka.",
    "org.apache.pekko.",
)
_NODE_LIBRARY = compile_regex(r"node_modules/|^node:|^internal/|^<anonymous>$")
# The standard library's packages (the first element of their import paths), whose files sit under a Go root
# (`/usr/local/go/src/`, `/usr/lib/go-1.22/src/`, `~/sdk/go1.22.0/src/`) or, built with -trimpath, start at
# the package (`net/http/server.go`); modules' files sit in the module cache (`/go/pkg/mod/`, `…@v1.2.3/`).
_GO_STANDARD = (
    "archive|bufio|bytes|cmp|compress|container|context|crypto|database|debug|embed|encoding|errors|expvar"
    "|flag|fmt|go|hash|html|image|index|internal|io|iter|log|maps|math|mime|net|os|path|plugin|reflect"
    "|regexp|runtime|slices|sort|strconv|strings|sync|syscall|testing|text|time|unicode|unique|unsafe"
    "|vendor|weak"
)
_GO_LIBRARY = compile_regex(r"^/usr/local/go/|/pkg/mod/|@v\d|(?:^|/go[\w.-]*/src/)(?:" + _GO_STANDARD + r")/")
_DOTNET_LIBRARY = ("System.", "Microsoft.", "Npgsql.", "Grpc.", "Google.")
_PHP_LIBRARY = compile_regex(r"/vendor/|^\[internal function\]")
_RUBY_LIBRARY = compile_regex(r"/gems/|/ruby/\d|/rubygems/|^<internal:")
# Elixir's and Erlang's crash report (Logger's `GenServer X terminating`, `Task … terminating`, a Phoenix
# request's `… terminated`): the exception (`** (FunctionClauseError) no function clause matching in X.f/3`,
# the innermost of `** (exit) an exception was raised:` and the one indented under it) and its frames,
# innermost first, each with its OTP application and version when known (`(my_app 0.1.0) lib/x.ex:42:
# MyApp.X.f/2`, `(stdlib 4.1.1) gen_server.erl:1123: :gen_server.try_dispatch/4`, `iex:8: M.f/2`)
_ELIXIR_HEADER = compile_regex(r"^\*\* \((?P<type>[A-Za-z][\w.]{0,200})\) ?(?P<message>.*)$")
_ELIXIR_FRAME = compile_regex(
    r"^\s+(?:\((?P<app>[a-z][\w]{0,100})(?: [\w.+-]{1,64})?\) )?"
    r"(?P<file>[^\s:()]{1,500}\.(?:ex|exs|erl)|iex|nofile):(?P<line>\d+): (?P<func>\S.{0,1000}?)\s*$"
)
# Rust's panic: `thread 'main' panicked at src/main.rs:5:5:` with its message on the lines after it (Rust 1.73 on),
# or `thread 'main' panicked at 'msg', src/main.rs:5:5` (before); with RUST_BACKTRACE set, `stack backtrace:` and
# its frames, innermost first: `   2: app::handlers::create` (`::h0123…` with RUST_BACKTRACE=full), then
# `             at ./src/handlers.rs:88:38` when its place is known
RUST_PANIC = compile_regex(
    r"^thread '[^'\n]{0,200}' panicked at "
    r"(?:'(?P<message>.*)', (?P<old_at>[^\s',]{1,500}?):(?P<old_line>\d+):\d+|(?P<at>\S{1,500}?):(?P<line>\d+):\d+:?)$"
)
_RUST_FRAME = compile_regex(
    r"^\s+\d{1,5}:\s{1,40}(?:0x[0-9a-f]+ - )?(?P<func>\S.{0,1000}?)(?:::h[0-9a-f]{16})?\s*$"
)
_RUST_AT = compile_regex(r"^\s+at (?P<file>\S{1,1000}?):(?P<line>\d+)(?::\d+)?\s*$")
# the standard library's frames: under `/rustc/<commit>/library/` (or, before Rust 1.47, `src/libstd/`, `src/libcore/`…
# relative), and a crate's from cargo's registry or git checkouts
_RUST_LIBRARY = compile_regex(
    r"^/rustc/|/\.?cargo/registry/|/\.?cargo/git/|/library/(?:std|core|alloc)/"
    r"|^src/lib(?:std|core|alloc|panic_unwind|panic_abort)/"
)
# where a panic's message ends: the backtrace, or the note that ends the report
_RUST_MESSAGE_END = ("note: run with `RUST_BACKTRACE=", "note: Some details are omitted", "stack backtrace:")
# Dart's VM: `Unhandled exception:`, the error's text (`FormatException: Unexpected character (at character 1)`,
# `Bad state: No element`, with the input's excerpt under a FormatException), then its frames, innermost first,
# `#0      OrderRepository.latest (package:orders/order_repository.dart:48:31)`, and `<asynchronous suspension>`
# where an await resumed
DART_UNHANDLED = "Unhandled exception:"
DART_FRAME = compile_regex(
    r"^#\d{1,5}\s+(?P<func>\S.{0,1000}?) \((?P<file>(?:package|dart|file|org-dartlang-[\w-]{1,40}):[^\s()]{1,1000}?)"
    r"(?::(?P<line>\d+)(?::\d+)?)?\)\s*$"
)
# package:stack_trace's terse form, as shelf's `logRequests` prints a handler's error under `ERROR - <time>`, the
# request and `Error thrown by handler.`: `package:orders/order_repository.dart 48:31  OrderRepository.latest`,
# `dart:core  Iterable.first` (the error's text is the line before its first frame)
DART_TERSE_FRAME = compile_regex(
    r"^(?P<file>dart:[\w/-]{1,200}|package:\S{1,500}?\.dart|file:///\S{1,500}?\.dart)"
    r"(?: (?P<line>\d+)(?::\d+)?)?\s{2,}(?P<func>\S.{0,1000}?)\s*$"
)
_DART_UNTYPED = "TypeError"
_DART_ERROR = compile_regex(
    r"^(?P<type>[A-Za-z_$][\w$.]{0,200}(?: [a-z]\w{0,40})?(?: \([^()]{0,100}\))?): ?(?P<message>.*)$"
)
# Haskell's `error` (and `head []`, `undefined`, `fromJust Nothing`): its message (`Prelude.head: empty list`), then
# `CallStack (from HasCallStack):` (GHC 9.10 on, `HasCallStack backtrace:`) and the calls, innermost first,
# `  head, called at src/Invoices/Render.hs:112:19 in invoicing-0.4.2-8Hk1:Invoices.Render`
HASKELL_CALL_STACK = ("CallStack (from HasCallStack):", "HasCallStack backtrace:")
HASKELL_FRAME = compile_regex(
    r"^\s+(?P<func>\S{1,500}), called at (?P<file>\S{1,1000}?):(?P<line>\d+):\d+ in (?P<package>[^\s:]{1,300}):(?P<module>\S{1,300})\s*$"
)
_HASKELL_LIBRARY = compile_regex(r"^(?:base|ghc[\w-]*|containers|text|bytestring)(?:-[\d.]+)?$")
# Lua's traceback (`luaL_traceback`, as Lua, LuaJIT and OpenResty print it) under the error's line (`lua: x.lua:5:
# attempt to …`, OpenResty's `lua entry thread aborted: runtime error: /x/guard.lua:58: attempt to index local 'c'
# (a nil value)`): `stack traceback:`, a coroutine's heading in OpenResty (`coroutine 0:`), then a frame a line,
# tab-indented and innermost first (`\t/x/guard.lua:58: in function 'verify'`, `\t[C]: in function 'error'`,
# `\taccess_by_lua(nginx.conf:71):3: in main chunk`; nginx ends the last with `, client: …, request: …`)
LUA_TRACEBACK = "stack traceback:"
LUA_COROUTINE = compile_regex(r"coroutine \d{1,6}:")
LUA_FRAME = compile_regex(
    r"^\s(?P<file>\[C\]|\S[^\t]{0,1000}?)(?::(?P<line>\d+))?: in (?P<what>\S.{0,500}?)(?:, client: .*)?\s*$"
)
_LUA_ERROR = compile_regex(r"(?:^|\s)(?P<file>\S{1,1000}?):(?P<line>\d+): (?P<message>\S.*)$")
_LUA_NAMED = compile_regex(r"^(?:function|local|method|field|upvalue|global) '(?P<name>[^']{1,300})'$")
_LUA_LIBRARY = compile_regex(r"^\[C\]$|/lualib/resty/|/lualib/ngx/|/share/lua/|^\.\.\.")
# Perl's `die` (or Carp's `croak`) says where it was raised after its message (`Invalid account id 'ACC-' at
# /app/lib/Ledger.pm line 120.`, `…, <STDIN> line 3.` when a file handle was read); Carp's `confess` and `cluck`
# add the calls, innermost first, a line each, tab-indented (`\tLedger::post(Ledger=HASH(0x…), "ACC-") called at
# /app/lib/Ledger/Batch.pm line 44`)
PERL_DIE = compile_regex(
    r"^(?P<message>\S.{0,4000}?) at (?P<file>\S{1,1000}?\.(?:pm|pl|t|cgi|psgi|fcgi)|-e) line (?P<line>\d{1,9})"
    r"(?:, <[^<>]{0,200}> (?:line|chunk) \d{1,12})?\.$"
)
PERL_FRAME = compile_regex(
    r"^\s(?P<call>\S.{0,2000}?) called at (?P<file>\S{1,1000}) line (?P<line>\d{1,9})\s*$"
)
_PERL_SUB = compile_regex(r"^(?P<name>[A-Za-z_][\w:]{0,300}|eval \{\.\.\.\}|require \S{1,300})")
_PERL_LIBRARY = compile_regex(r"/perl5?/|/site_perl/|/vendor_perl/|/share/perl|^/usr/lib/")
# Swift's runtime trap (`App/X.swift:57: Fatal error: Unexpectedly found nil while unwrapping an Optional value`;
# before Swift 5.9, `Fatal error: …: file App/X.swift, line 57`) and the backtracer's report after it (`💣 Program
# crashed: System trap at 0x…`, `Thread 3 "NIO-ELT-0-#1" crashed:`, frames innermost first, `0      0x… f(x:) + 412
# in App at /build/Sources/App/X.swift:57:52`, `1 [ra] 0x… …` (its number and tags read as a header and cut),
# `...`, `Backtrace took 0.21s`)
# The .NET runtime's own report of a stack overflow (.NET 5 on), which no exception's line heads: `Stack overflow.`,
# then the frames, innermost first, those repeated between two rules of 32 dashes after `Repeat 24117 times:`
# (`Repeated` from .NET 9), each `   at Ns.Type.Method(Ns.ArgType)`
DOTNET_STACK_OVERFLOW = "Stack overflow."
DOTNET_OVERFLOW_LINE = compile_regex(r"^Repeat(?:ed)? \d{1,10} times:$|^-{32}$")
SWIFT_FATAL = compile_regex(
    r"^(?:(?P<file>\S{1,500}\.swift):(?P<line>\d+): )?Fatal error: (?P<message>.*?)"
    r"(?:: file (?P<old_file>\S{1,500}\.swift), line (?P<old_line>\d+))?\s*$"
)
SWIFT_CRASHED = compile_regex(
    r"^(?:💣|\*\*\*) Program crashed: .{1,300}$|^Thread \d{1,6}(?: \"[^\"]{0,200}\")? crashed:$"
    r"|^Current stack trace:$"
)
_SWIFT_CRASH_REASON = compile_regex(r"^(?:💣|\*\*\*) Program crashed: (?P<reason>.{1,300}?)(?: \*\*\*)?$")
SWIFT_FRAME = compile_regex(
    r"^(?:\d{1,5}(?: \[(?:ra|inlined|system|thunk)\])*\s+)?0x[0-9a-f]{1,16} (?P<func>\S.{0,1000}?) \+ \d+ in \S{1,300}"
    r"(?: at (?P<file>\S{1,1000}?):(?P<line>\d+)(?::\d+)?)?\s*$"
)
# before Swift 5.9, `Current stack trace:` and frames without places: `2    Run    0x000055f1b2c3d4e5 $s3App… + 412`
SWIFT_OLD_FRAME = compile_regex(r"^\d{1,5}\s+\S{1,200}\s+0x[0-9a-f]{1,16} \S.{0,1000}? \+ \d+\s*$")
_SWIFT_LIBRARY = compile_regex(r"/\.build/checkouts/|/swift/stdlib/|^/usr/lib/swift/|/swift-corelibs-")
# OTP's and Elixir's own applications: their frames are no application's code
_ELIXIR_LIBRARY = frozenset(
    (
        "elixir",
        "stdlib",
        "kernel",
        "erts",
        "logger",
        "iex",
        "mix",
        "eex",
        "ex_unit",
        "compiler",
        "crypto",
        "ssl",
    )
)


# A trace recurs (a traceback's `File` lines, a crash loop's joined traceback): each text is parsed once, within
# bounds on the text held: 8,192 texts of up to 512 characters, 256 of up to 8 KiB (about 6 MiB in all).
_SHORT_TEXT = 512
_LONG_TEXT = 8192


# gRPC's repr of a failed call (the `str()` of Python's `_InactiveRpcError`, `_MultiThreadedRendezvous`): its
# status and details on lines of their own after `<… of RPC that terminated with:`, then a debug string of peer
# address and time. Bounded and line by line: linear time.
_GRPC_REPR = compile_regex(
    r"<\w{1,80} of RPC that terminated with:\r?\n[ \t]*status = (StatusCode\.\w{1,40})\r?\n"
    r"[ \t]*details = \"([^\n]{0,2000})\"(?:\r?\n[ \t]*debug_error_string = [^\n]{0,4000})?\r?\n[ \t]*>"
)


def compact_rpc_error(text: str) -> str:
    """gRPC's multi-line repr of a failed call as `StatusCode.UNAVAILABLE: its details`, so that a title
    says what failed and two statuses are two problems; other text unchanged."""
    return _GRPC_REPR.sub(r"\1: \2", text) if "of RPC that terminated with:" in text else text


class StackParser:
    """Finds and parses a stack trace inside a message."""

    def __init__(self, in_app_prefixes: Sequence[str] = ()) -> None:
        self._prefixes = tuple(in_app_prefixes)
        self._parse_short = functools.lru_cache(maxsize=8192)(self._parse)
        self._parse_long = functools.lru_cache(maxsize=256)(self._parse)

    def _in_app(self, is_library: bool, *names: str | None) -> bool:
        if is_library:
            return False
        if not self._prefixes:
            return True
        return any(name is not None and name.startswith(self._prefixes) for name in names)

    def parse(self, text: str) -> StackTrace | None:
        """Return the stack trace found in `text`, or None."""
        if len(text) <= _SHORT_TEXT:
            return self._parse_short(text)
        if len(text) <= _LONG_TEXT:
            return self._parse_long(text)
        return self._parse(text)

    def _parse(self, text: str) -> StackTrace | None:
        if "\n" not in text and "\\n" in text:
            # a trace logged as one line with its line breaks escaped (`repr()`, a JSON string printed as is)
            unescaped = self._parse(text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", "\t"))
            if unescaped is not None:
                return unescaped
        if EXCEPTION_GROUP_HEADER in text:
            group = self._exception_group(text)
            if group is not None:
                return group
        if PY_HEADER in text:
            return self._python(text)
        if FAULT_HEADER in text:
            fault = self._faulthandler(text)
            if fault is not None:
                return fault
        if "goroutine " in text:
            go = self._go(text)
            if go is not None:
                return go
        if "\n\t" in text and ".go:" in text:
            go_error = self._go_error(text)
            if go_error is not None:
                return go_error
        if "panicked at " in text:
            rust = self._rust(text)
            if rust is not None:
                return rust
        if "\\n'" in text:
            text = "\n".join(
                match["inner"] if (match := _QUOTED_LINE.match(line)) else line for line in text.splitlines()
            )
        lines = text.splitlines()
        if "[UnhandledPromiseRejection: " in text:
            rejection = _NODE_REJECTION.search(text)
            if rejection is not None:
                message = rejection["message"].strip()
                reason = _REJECTION_REASON.match(message)
                return StackTrace(
                    language="node",
                    exception_type=rejection["type"],
                    message=message if reason is None else reason["reason"],
                    text=text.strip(),
                )
        if DOTNET_STACK_OVERFLOW in text:
            overflow = self._dotnet_overflow(lines, text)
            if overflow is not None:
                return overflow
        if any(
            (":line " in line or line.startswith(_DOTNET_INDENT)) and _dotnet_frame(line) for line in lines
        ):
            return self._dotnet(lines, text)
        if any(_JAVA_FRAME.match(line) for line in lines):
            return self._java(lines, text)
        if any(source in text for source in _JVM_SOURCES) and any(
            _JAVA_BARE_FRAME.match(line) for line in lines
        ):
            # Dataflow's job messages print a worker's Java stack with its frames' `at ` left out
            return self._java([_JAVA_BARE_FRAME.sub(r"\1at \2", line) for line in lines], text)
        if any(_NODE_FRAME.match(line) for line in lines):
            return self._node(lines, text)
        if ("Fatal error: " in text and ".swift" in text) or "Program crashed: " in text:
            swift = self._swift(lines, text)
            if swift is not None:
                return swift
        if " called at " in text and any(PERL_FRAME.match(line) for line in lines):
            perl = self._perl(lines, text)
            if perl is not None:
                return perl
        if LUA_TRACEBACK in text:
            lua = self._lua(lines, text)
            if lua is not None:
                return lua
        if "HasCallStack" in text and any(HASKELL_FRAME.match(line) for line in lines):
            return self._haskell(lines, text)
        if ("#0 " in text or "dart:" in text or "package:" in text) and any(
            DART_FRAME.match(line) or DART_TERSE_FRAME.match(line) for line in lines
        ):
            return self._dart(lines, text)
        if any(_PHP_FRAME.match(line) or PHP_THROWN.match(line) for line in lines):
            return self._php(lines, text)
        if any(
            _RUBY_FRAME.match(line) or _RAILS_FRAME.match(line) or _RUBY_BARE_FRAME.match(line)
            for line in lines
        ):
            return self._ruby(lines, text)
        if "** (" in text and any(_ELIXIR_FRAME.match(line) for line in lines):
            return self._elixir(lines, text)
        if _SYMFONY_UNCAUGHT_WORDS in text:
            return self._symfony(lines[0] if lines else "", text)
        return None

    def _symfony(self, line: str, text: str) -> StackTrace | None:
        """Symfony's report of the exception a request ended on (`_SYMFONY_UNCAUGHT`), without frames: its type,
        message, and the place it was thrown."""
        found = _SYMFONY_UNCAUGHT.search(line)
        if found is None:
            return None
        thrown = Frame(
            file=found["file"],
            line=int(found["line"]),
            function=None,
            in_app=self._in_app(bool(_PHP_LIBRARY.search(found["file"])), found["file"]),
        )
        return StackTrace(
            language="php",
            exception_type=found["type"].lstrip("\\"),
            message=found["message"].strip(),
            frames=(thrown,),
            text=text.strip(),
        )

    def _rust(self, text: str) -> StackTrace | None:
        """A Rust panic: its message, and the backtrace's innermost frame with a place (or, without a
        backtrace, the place it panicked at)."""
        lines = text.splitlines()
        start, panic = next(
            ((i, match) for i, line in enumerate(lines) if (match := RUST_PANIC.match(line.strip()))),
            (0, None),
        )
        if panic is None:
            return None
        if panic["message"] is not None:
            message, place, line_number = panic["message"], panic["old_at"], panic["old_line"]
            rest = lines[start + 1 :]
        else:
            place, line_number = panic["at"], panic["line"]
            body = list(
                itertools.takewhile(lambda line: not line.startswith(_RUST_MESSAGE_END), lines[start + 1 :])
            )
            message = "\n".join(body).strip()
            if not message:
                return None  # a header whose message is on the next line, logged apart: not a stack yet
            rest = lines[start + 1 + len(body) :]
        frames: list[Frame] = []
        function: str | None = None
        for line in rest:
            at = _RUST_AT.match(line)
            if at is not None and function is not None:
                file = at["file"]
                library = bool(_RUST_LIBRARY.search(file)) or function.lstrip("<").startswith(
                    ("std::", "core::", "alloc::", "rust_begin_unwind", "__rust")
                )
                frames.append(Frame(file, int(at["line"]), function, self._in_app(library, file, function)))
                function = None
            elif (frame := _RUST_FRAME.match(line)) is not None:
                function = frame["func"]
        if not frames:
            frames.append(Frame(place, int(line_number), None, self._in_app(False, place)))
        frames.reverse()
        return StackTrace(
            language="rust",
            exception_type="panic",
            message=message,
            frames=tuple(frames),
            text="\n".join(lines[start:]).strip(),
        )

    def _swift(self, lines: list[str], text: str) -> StackTrace | None:
        """Swift's runtime trap (`SWIFT_FATAL`) with the backtracer's frames after it, if it wrote them (else
        the place the trap names)."""
        fatal = next((match for line in lines if (match := SWIFT_FATAL.match(line.strip()))), None)
        if fatal is None:
            # the backtracer's report alone, of a crash no trap names (`💣 Program crashed: Bad pointer
            # dereference at 0x…`, `*** Program crashed: … ***`): its reason, at its frames
            crashed = next(
                (match for line in lines if (match := _SWIFT_CRASH_REASON.match(line.strip()))), None
            )
            return None if crashed is None else self._swift_crash(lines, text, crashed["reason"])
        frames = self._swift_frames(lines)
        file, line_number = fatal["file"] or fatal["old_file"], fatal["line"] or fatal["old_line"]
        if not frames and file is not None:
            frames.append(Frame(file, int(line_number), None, self._in_app(False, file)))
        return StackTrace(
            language="swift",
            exception_type="Fatal error",
            message=fatal["message"],
            frames=tuple(frames),
            text=text.strip(),
        )

    def _swift_frames(self, lines: list[str]) -> list[Frame]:
        """The backtracer's frames that name their place (`SWIFT_FRAME`), outermost first."""
        frames: list[Frame] = []
        for line in lines:
            match = SWIFT_FRAME.match(line.strip())
            if match is not None and match["file"] is not None:
                file = match["file"]
                frames.append(
                    Frame(
                        file,
                        int(match["line"]),
                        match["func"],
                        self._in_app(bool(_SWIFT_LIBRARY.search(file)), file),
                    )
                )
        frames.reverse()
        return frames

    def _swift_crash(self, lines: list[str], text: str, reason: str) -> StackTrace | None:
        """Swift's backtracer's report of a crash without a trap before it; None without a frame that names its
        place."""
        frames = self._swift_frames(lines)
        if not frames:
            return None
        return StackTrace(
            language="swift",
            exception_type="Program crashed",
            message=reason,
            frames=tuple(frames),
            text=text.strip(),
        )

    def _haskell(self, lines: list[str], text: str) -> StackTrace | None:
        """Haskell's error with its call stack (`HASKELL_FRAME`): the line before the stack's heading is the
        error's (`Prelude.head: empty list`, `Maybe.fromJust: Nothing`), read as `where: what`."""
        heading = next(i for i, line in enumerate(lines) if line.strip() in HASKELL_CALL_STACK)
        told = [line.strip() for line in lines[:heading] if line.strip()]
        if not told:
            return None
        error = _PY_EXCEPTION.match(told[-1])
        calls: list[re.Match[str]] = []
        for line in lines[heading + 1 :]:
            call = HASKELL_FRAME.match(line)
            if call is None:
                break
            calls.append(call)
        frames: list[Frame] = []
        for index, match in enumerate(calls):
            file = match["file"]
            library = file.startswith("libraries/") or bool(_HASKELL_LIBRARY.match(match["package"]))
            # each line names the function called; the call is in the function the next line calls
            caller = calls[index + 1]["func"] if index + 1 < len(calls) else match["module"]
            frames.append(Frame(file, int(match["line"]), caller, self._in_app(library, file)))
        frames.reverse()
        return StackTrace(
            language="haskell",
            # (`error "…"` with a message of the program's own words raises ErrorCall)
            exception_type=error["type"] if error else "ErrorCall",
            message=(error["message"] or "") if error else told[-1],
            frames=tuple(frames),
            text=text.strip(),
        )

    def _perl(self, lines: list[str], text: str) -> StackTrace | None:
        """A Perl `die` with Carp's calls under it (`PERL_DIE`, `PERL_FRAME`): where it died, then where each
        sub was called from; each place is in the sub the next line names (the last, in the script's `main`)."""
        die = next((i for i, line in enumerate(lines) if PERL_DIE.match(line.strip())), None)
        if die is None:
            return None
        died = PERL_DIE.match(lines[die].strip())
        assert died is not None
        places: list[tuple[str, str]] = [(died["file"], died["line"])]
        subs: list[str] = []
        for line in lines[die + 1 :]:
            frame = PERL_FRAME.match(line)
            if frame is None:
                break
            sub = _PERL_SUB.match(frame["call"])
            subs.append(sub["name"] if sub else frame["call"][:200])
            places.append((frame["file"], frame["line"]))
        if not subs:
            return None
        subs.append("main")
        frames = [
            Frame(file, int(number), sub, self._in_app(bool(_PERL_LIBRARY.search(file)), file))
            for (file, number), sub in zip(places, subs, strict=True)
        ]
        frames.reverse()
        return StackTrace(
            language="perl",
            exception_type="die",
            message=died["message"],
            frames=tuple(frames),
            text=text.strip(),
        )

    def _lua(self, lines: list[str], text: str) -> StackTrace | None:
        """A Lua error with its traceback (`LUA_FRAME`): the line before `stack traceback:` says what failed, after
        the place it was raised at (`…/guard.lua:58: attempt to index local 'claims' (a nil value)`); a Lua error
        has no type: a runtime error's."""
        heading = next((i for i, line in enumerate(lines) if line.strip() == LUA_TRACEBACK), 0)
        told = [line.strip() for line in lines[:heading] if line.strip()]
        if not told:
            return None
        error = _LUA_ERROR.search(told[-1])
        placed = False
        frames: list[Frame] = []
        for line in lines[heading + 1 :]:
            match = LUA_FRAME.match(line)
            if match is None:
                if LUA_COROUTINE.fullmatch(line.strip()):
                    continue
                break
            file = match["file"]
            named = _LUA_NAMED.match(match["what"])
            function = named["name"] if named else match["what"]
            in_app = self._in_app(bool(_LUA_LIBRARY.search(file)), file)
            number = match["line"]
            if number is None:  # (a function's frame without its line: the error's, where it was raised)
                number = error["line"] if error is not None and error["file"] == file and not placed else "0"
                placed = placed or number != "0"
            frames.append(Frame(file, int(number), function, in_app))
        if not frames:
            return None
        frames.reverse()
        return StackTrace(
            language="lua",
            exception_type="runtime error",
            message=error["message"] if error else told[-1],
            frames=tuple(frames),
            text=text.strip(),
        )

    def _dart(self, lines: list[str], text: str) -> StackTrace | None:
        """A Dart error with its frames (`DART_FRAME`, `DART_TERSE_FRAME`): after the VM's `Unhandled exception:`,
        the first line of its text (the rest, a FormatException's excerpt of its input, stays in the text); else
        the line right before the frames (shelf's report names the time and the request first)."""
        first_frame = next(
            i for i, line in enumerate(lines) if DART_FRAME.match(line) or DART_TERSE_FRAME.match(line)
        )
        before = [line.strip() for line in lines[:first_frame] if line.strip()]
        unhandled = DART_UNHANDLED in before
        told = [line for line in before if line != DART_UNHANDLED]
        if not told:
            return None
        said = told[0] if unhandled else told[-1]
        error = _DART_ERROR.match(said)
        frames: list[Frame] = []
        for line in lines[first_frame:]:
            match = DART_FRAME.match(line) or DART_TERSE_FRAME.match(line)
            if match is not None and match["line"] is not None:
                file = match["file"]
                in_app = self._in_app(file.startswith("dart:"), file)
                frames.append(Frame(file, int(match["line"]), match["func"], in_app))
        frames.reverse()
        return StackTrace(
            language="dart",
            # (an error whose text names no type, `Null check operator used on a null value`, `type 'Null' is
            # not a subtype of type 'String' in type cast`: Dart's TypeError)
            exception_type=error["type"] if error else _DART_UNTYPED,
            message=error["message"] if error else said,
            frames=tuple(frames),
            text=text.strip(),
        )

    def _elixir(self, lines: list[str], text: str) -> StackTrace | None:
        def frame(match: re.Match[str]) -> Frame:
            file, app = match["file"], match["app"]
            library = app in _ELIXIR_LIBRARY or (app is None and file.endswith(".erl"))
            return Frame(
                file=file,
                line=int(match["line"]),
                function=re.sub(r"\(.*\)$", "", match["func"]),
                in_app=self._in_app(library, file, match["func"]),
            )

        return _framed("elixir", lines, text, _ELIXIR_HEADER, _ELIXIR_FRAME, frame)

    def _dotnet_frame(self, match: re.Match[str]) -> Frame:
        function = match["func"]
        return Frame(
            file=match["file"] or function.split("(", 1)[0].rsplit(".", 1)[0],
            line=int(match["line"]) if match["line"] else None,
            function=re.sub(r"\(.*\)$", "", function),
            in_app=self._in_app(function.startswith(_DOTNET_LIBRARY), function, match["file"]),
        )

    def _dotnet_overflow(self, lines: list[str], text: str) -> StackTrace | None:
        """The runtime's report of a stack overflow (`DOTNET_STACK_OVERFLOW`): its frames, innermost first, whatever
        repeats among them (their parameters are types alone, `(Ns.Category)`); None when it is not one."""
        if next((line.strip() for line in lines if line.strip()), "") != DOTNET_STACK_OVERFLOW:
            return None
        frames = [self._dotnet_frame(match) for line in lines if (match := _DOTNET_FRAME.match(line))]
        if not frames:
            return None
        return StackTrace(
            language="dotnet",
            exception_type=DOTNET_STACK_OVERFLOW.rstrip(
                "."
            ),  # (what the runtime says: it names no exception)
            message="",
            frames=tuple(reversed(frames)),
            text=text.strip(),
        )

    def _dotnet(self, lines: list[str], text: str) -> StackTrace | None:
        frame = self._dotnet_frame
        # Frames of the outer exception end at an inner exception's marker.
        stack = _framed(
            "dotnet", lines, text, DOTNET_HEADER, _DOTNET_FRAME, frame, stop_prefix="End of inner"
        )
        outer = _outer_dotnet_header(lines)
        if stack is None or outer is None:
            return stack
        # the frames are the innermost exception's, where it failed; its name and message, the outer one's, say
        # what the program was doing (`Unable to load configuration …`), as Java's header before `Caused by:`
        return stack._replace(exception_type=outer["type"], message=(outer["message"] or "").strip())

    def _php(self, lines: list[str], text: str) -> StackTrace | None:
        header = next((m for line in lines if (m := _PHP_HEADER.search(line.strip()))), None)
        escaped = header is None  # Monolog's frames are inside a JSON string: each backslash doubled
        if escaped and lines and "[object] (" in lines[0]:
            header = MONOLOG_EXCEPTION.search(lines[0])
        if header is None:
            return None
        frames = [
            Frame(
                file=m["file"],
                line=int(m["line"]),
                function=(m["func"].replace("\\\\", "\\") if escaped else m["func"]) if m["func"] else None,
                in_app=self._in_app(bool(_PHP_LIBRARY.search(m["file"])), m["file"]),
            )
            for line in lines
            if (m := _PHP_FRAME.match(line.strip()))
        ]
        if header["file"]:
            line_number = header["line"] or header.groupdict().get("line2")
            thrown = Frame(
                file=header["file"],
                line=int(line_number) if line_number else None,
                function=None,
                in_app=self._in_app(bool(_PHP_LIBRARY.search(header["file"])), header["file"]),
            )
            frames.insert(0, thrown)
        frames.reverse()
        return StackTrace(
            language="php",
            exception_type=header["type"].replace("\\\\", "\\").lstrip("\\"),
            message=(header["message"] or "").strip(),
            frames=tuple(frames),
            text=text.strip(),
        )

    def _ruby(self, lines: list[str], text: str) -> StackTrace | None:
        def frame(match: re.Match[str]) -> Frame:
            groups = match.groupdict()
            file = groups.get("file") or match["template"]
            # (a gem's frame, named by the gem, is a library's)
            library = bool(groups.get("gem")) or bool(_RUBY_LIBRARY.search(file))
            return Frame(
                file=file,
                line=int(groups.get("line") or match["template_line"]),
                function=match["func"].removeprefix("block in ") if groups.get("func") else None,
                in_app=self._in_app(library, file),
            )

        header_line = next((line for line in lines if _RUBY_HEADER.match(line.strip())), None)
        frames: list[Frame] = []
        if header_line is not None:
            header = _RUBY_HEADER.match(header_line.strip())
            assert header is not None
            frames.append(frame(header))
            exception_type, message = header["type"], header["message"]
        else:
            header = next(
                (
                    m
                    for line in lines
                    if (m := _RAILS_HEADER.search(line.strip()) or _RUBY_TYPED_HEADER.match(line))
                ),
                None,
            )
            if header is None:
                return None
            exception_type, message = header["type"], header["message"]
        frames.extend(
            frame(m)
            for line in lines
            if (m := _RUBY_FRAME.match(line) or _RAILS_FRAME.match(line) or _RUBY_BARE_FRAME.match(line))
        )
        frames.reverse()
        return StackTrace(
            language="ruby",
            exception_type=exception_type,
            message=message.strip(),
            frames=tuple(frames),
            text=text.strip(),
        )

    def _python(self, text: str) -> StackTrace | None:
        start = text.index(PY_HEADER)
        trace = text[start:].rstrip()
        last_block = trace
        for separator in PY_CHAIN_SEPARATORS:
            last_block = last_block.rsplit(separator, 1)[-1]
        if PY_HEADER in last_block:
            last_block = last_block[last_block.rindex(PY_HEADER) + len(PY_HEADER) :]
        frames: list[Frame] = []
        tail: list[str] = []
        for line in last_block.splitlines():
            frame = _PY_FRAME.match(line)
            if frame:
                frames.append(self._python_frame(frame))
                tail = []
            elif (line.strip() and not line.startswith((" ", "\t"))) or tail:
                tail.append(line)
        exception_line = next((line for line in tail if _PY_EXCEPTION.match(line.strip())), None)
        if exception_line is None:
            # cut off before its exception line: what is known is where it was (`StackTrace.cut_off`)
            if not frames:
                return None
            return StackTrace(
                language="python", exception_type="", message="", frames=tuple(frames), text=trace
            )
        match = _PY_EXCEPTION.match(exception_line.strip())
        assert match is not None
        message_lines = [match["message"] or "", *tail[tail.index(exception_line) + 1 :]]
        message = compact_rpc_error("\n".join(message_lines).strip())
        return StackTrace(
            language="python", exception_type=match["type"], message=message, frames=tuple(frames), text=trace
        )

    def _exception_group(self, text: str) -> StackTrace | None:
        """A Python exception group: the group's own traceback and exception (`ExceptionGroup: unhandled errors in
        a TaskGroup (2 sub-exceptions)`), read from behind its gutter; the text is the whole report. Chained, the
        last exception printed is the one raised: a plain traceback after the group's is read as any (None here)."""
        start = text.rindex(EXCEPTION_GROUP_HEADER)
        if PY_HEADER in text and any(line == PY_HEADER for line in text[start:].splitlines()):
            return None  # a traceback at the margin after the group's: the exception the group caused
        lines = text[start:].splitlines()
        body = [PY_HEADER]
        for line in lines[1:]:
            gutter = _GROUP_GUTTER.match(line)
            if gutter is None:
                break  # its first sub-exception (`+-+---- 1 ----`), or the end of the report
            body.append(line[gutter.end() :])
        stack = self._python("\n".join(body))
        if stack is None:
            return None
        return stack._replace(text="\n".join(lines).strip())

    def _python_frame(self, match: re.Match[str]) -> Frame:
        """A frame of a Python traceback or of faulthandler's dump (`File "x.py", line 3, in f`)."""
        file = match["file"]
        return Frame(
            file=file,
            line=int(match["line"]),
            function=match["func"],
            in_app=self._in_app(bool(_PY_LIBRARY.search(file)), file),
        )

    def _faulthandler(self, text: str) -> StackTrace | None:
        """Python's faulthandler dump of a fatal signal: `Fatal Python error: Segmentation fault`, then each
        thread's frames, the most recent call first (`File "x.py", line 3 in f`), the current thread's first."""
        start = text.index(FAULT_HEADER)
        trace = text[start:].rstrip()
        lines = trace.splitlines()
        frames: list[Frame] = []
        for line in lines[1:]:
            if frames and FAULT_THREAD.match(line):
                break  # another thread's: the current thread's frames came first
            frame = _PY_FRAME.match(line)
            if frame:
                frames.append(self._python_frame(frame))
        if not frames:
            return None
        frames.reverse()
        return StackTrace(
            language="python",
            exception_type=FAULT_HEADER.removesuffix(": "),
            message=lines[0][len(FAULT_HEADER) :].strip(),
            frames=tuple(frames),
            text=trace,
        )

    def _java(self, lines: list[str], text: str) -> StackTrace | None:
        def frame(match: re.Match[str]) -> Frame:
            function = match["func"]
            return Frame(
                file=match["file"],
                line=int(match["line"]) if match["line"] else None,
                function=function,
                in_app=self._in_app(function.startswith(_JAVA_LIBRARY), function, match["file"]),
            )

        # The thrown exception's frames end where its cause ("Caused by:") begins.
        thrown = _framed("java", lines, text, _JAVA_HEADER, _JAVA_FRAME, frame, stop_prefix="Caused by:")
        if thrown is None or not _java_wrapper(thrown.exception_type, thrown.message, text):
            return thrown
        # a wrapper's stack says what failed in its first cause that is no wrapper: that cause's header and frames
        for index, line in enumerate(lines):
            header = _JAVA_CAUSE.match(line)
            if header is None or _java_wrapper(header["type"], header["header"].partition(": ")[2], text):
                continue
            section = [header["header"], *lines[index + 1 :]]
            if not any(_JAVA_FRAME.match(rest) for rest in section):
                break
            cause = _framed("java", section, text, _JAVA_HEADER, _JAVA_FRAME, frame, stop_prefix="Caused by:")
            return thrown if cause is None or not cause.frames else cause._replace(text=thrown.text)
        return thrown

    def _node(self, lines: list[str], text: str) -> StackTrace | None:
        def frame(match: re.Match[str]) -> Frame:
            file = match["file"]
            return Frame(
                file=file,
                line=int(match["line"]),
                function=match["func"],
                in_app=self._in_app(bool(_NODE_LIBRARY.search(file)), file),
            )

        # The thrown error's frames end where its cause begins; its message says what the program was doing, its
        # root cause (the last cause printed, the innermost) what failed: both, as pino and VError join them
        # (`fetch failed: connect ECONNREFUSED 10.0.0.7:8080`), so that one wrapper over two failures is two problems.
        thrown = _framed(
            "node", lines, text, _NODE_HEADER, _NODE_FRAME, frame, stop_prefix=NODE_CAUSE_PREFIXES
        )
        if thrown is None:
            return None
        cause = next(
            (
                header
                for line in reversed(lines)
                if line.lstrip().startswith(NODE_CAUSE_PREFIXES)
                and (header := _EMBEDDED_HEADER.search(line.strip().removesuffix(" {"))) is not None
            ),
            None,
        )
        root = _header_message(cause)
        if not root:
            return thrown
        return thrown._replace(message=f"{thrown.message}: {root}" if thrown.message else root)

    def _go_frame(self, location: re.Match[str], function: str) -> Frame:
        """A Go frame from its function and its `_GO_FILE` line: the runtime's frames (`runtime.…`, `panic`) and
        the module cache's are a library's."""
        file = location["file"]
        library = bool(_GO_LIBRARY.search(file)) or function.startswith("runtime.") or function == "panic"
        return Frame(
            file=file,
            line=int(location["line"]),
            function=function,
            in_app=self._in_app(library, file, function),
        )

    def _go_error(self, text: str) -> StackTrace | None:
        """A Go error with the stack it was made at, as github.com/pkg/errors prints it (`%+v`: zap's
        `errorVerbose`, logrus' and the standard `log`'s `%+v`): the error's text, then each frame innermost
        first, its function on one line and its file and line on the next, indented by a tab."""
        lines = text.splitlines()
        start = next(
            (
                i
                for i in range(1, len(lines) - 1)
                if lines[i][:1] not in ("", "\t", " ")
                and (location := _GO_FILE.match(lines[i + 1])) is not None
                and location["file"].endswith(_GO_SOURCES)
            ),
            None,
        )
        if start is None or not lines[0].strip():
            return None
        frames: list[Frame] = []
        for function, place in zip(lines[start::2], lines[start + 1 :: 2], strict=False):
            location = _GO_FILE.match(place)
            if location is None or function[:1] in ("", "\t", " "):
                break
            frames.append(self._go_frame(location, function.strip()))
        if len(frames) < 2:
            return None
        frames.reverse()
        message = " ".join(line.strip() for line in lines[:start])
        return StackTrace(
            language="go", exception_type="error", message=message, frames=tuple(frames), text=text.strip()
        )

    def _go(self, text: str) -> StackTrace | None:
        """A Go panic or fatal error and the frames of the first goroutine dumped (the one that failed).

        Frames above a `panic(…)` frame ran while the panic unwound (a deferred function that recovered and
        panicked again: `panic: … [recovered]`): the failure is below it, so they are not where it happened.
        """
        lines = text.splitlines()
        header_index, header = next(
            ((i, match) for i, line in enumerate(lines) if (match := _GO_HEADER.match(line))), (0, None)
        )
        if header is None:
            # a goroutine dump whose panic line was logged apart or lost: frames only (`StackTrace.cut_off`)
            if not lines or not _GO_GOROUTINE.match(lines[0]):
                return None
            exception_type, message = "", ""
        elif header["kind"] is not None:
            exception_type, message = header["kind"], header["message"]
        elif header["signal"] is not None:
            exception_type, message = header["signal"], header["signal_message"]
        else:
            exception_type, message = "panic", header["served"]
        frames: list[Frame] = []
        in_goroutine = False
        function: str | None = None
        for line in lines[header_index + (header is not None) :]:
            if _GO_GOROUTINE.match(line):
                if frames:
                    break
                in_goroutine = True
                continue
            if line.startswith("runtime stack:"):  # the runtime's own stack, before the goroutines'
                in_goroutine = False
                continue
            if not in_goroutine:
                continue
            location = _GO_FILE.match(line)
            if location and function is not None:
                frames.append(self._go_frame(location, function))
                function = None
            elif line and not line.startswith("\t"):
                created = _GO_CREATED_BY.match(line)
                # drop the arguments, keep `pkg.(*T).M`
                function = created["func"] if created else re.sub(r"\([^()]*\)$", "", line.strip())
        if header is None and not frames:
            return None
        unwinding = max((i for i, frame in enumerate(frames) if frame.function == "panic"), default=None)
        if unwinding is not None and any(frame.in_app for frame in frames[unwinding:]):
            frames[:unwinding] = [frame._replace(in_app=False) for frame in frames[:unwinding]]
        frames.reverse()
        return StackTrace(
            language="go",
            exception_type=exception_type,
            message=_GO_RECOVERED.sub("", message.strip()),
            frames=tuple(frames),
            text="\n".join(lines[header_index:]).strip(),
        )


def _dotnet_frame(line: str) -> bool:
    """`line` is a .NET frame: with its file and line (`… in /src/X.cs:line 3`), or without (`_DOTNET_INDENT`)."""
    match = _DOTNET_FRAME.match(line)
    if match is None:
        return False
    if match["file"] is not None:
        return True
    function = match["func"]
    return (
        line[len(_DOTNET_INDENT)] != " "
        and not function.endswith(_JAVA_PLACES)
        and _DOTNET_PARAMETERS.search(function) is not None
    )


# Java's (and its frameworks') exceptions that only wrap another, named under `Caused by:` (Play's
# `play.api.UnexpectedException: Unexpected exception[NoSuchElementException: None.get]`, reflection's
# `InvocationTargetException`, a future's `ExecutionException` or `CompletionException`)
_JAVA_WRAPPERS = frozenset(
    (
        "UnexpectedException",
        "InvocationTargetException",
        "UndeclaredThrowableException",
        "ExecutionException",
        "CompletionException",
        "UncheckedExecutionException",
    )
)


def _java_wrapper(kind: str, message: str, text: str) -> bool:
    """True for an exception that only wraps its cause: one of `_JAVA_WRAPPERS`, or one whose message is its
    cause's `toString()` (`new RuntimeException(e)`: Throwable's constructor from a cause says the cause's class and
    message, Beam's `UserCodeException.wrap` too), printed again below as `Caused by: <message>`."""
    if kind.rsplit(".", 1)[-1] in _JAVA_WRAPPERS:
        return True
    return bool(message) and _JAVA_CLASS_NAME.match(message) is not None and f"Caused by: {message}" in text


_JAVA_CLASS_NAME = compile_regex(r"[a-zA-Z_$][\w$]*(?:\.[\w$]+)+(?::|$)")
_JAVA_CAUSE = compile_regex(r"^\s*Caused by: (?P<header>(?P<type>[a-zA-Z_$][\w$]*(?:\.[\w$]+)+)(?::.*)?)$")

# .NET's exceptions that only wrap another, their own message generic (`One or more errors occurred.`, `Exception
# has been thrown by the target of an invocation.`, `The type initializer for 'X' threw an exception.`)
_DOTNET_WRAPPERS = frozenset(
    ("AggregateException", "TargetInvocationException", "TypeInitializationException")
)
# … and any exception whose message sends the reader to the one it wraps, as Entity Framework's do (`An error
# occurred while saving the entity changes. See the inner exception for details.`)
_DOTNET_DEFERS = "see the inner exception"


def _outer_dotnet_header(lines: list[str]) -> re.Match[str] | None:
    """The header of the outermost exception that says what failed, of a .NET exception whose inner exceptions
    come on lines of their own (`System.InvalidOperationException: …`, then ` ---> Grpc.Core.RpcException: …`):
    not a wrapper's (`_dotnet_wrapper`); None when that is the innermost's, which names the stack already."""
    first_frame = next((i for i, line in enumerate(lines) if _DOTNET_FRAME.match(line)), len(lines))
    headers = [i for i in range(first_frame) if DOTNET_HEADER.match(lines[i].strip())]
    if not headers or not lines[headers[-1]].lstrip().startswith("--->"):
        return None
    outer = headers[-1]
    while outer - 1 in headers and lines[outer].lstrip().startswith("--->"):
        outer -= 1
    chain = [
        match for index in range(outer, headers[-1]) if (match := DOTNET_HEADER.match(lines[index].strip()))
    ]
    return next((match for match in chain if not _dotnet_wrapper(match)), None)


def _dotnet_wrapper(header: re.Match[str]) -> bool:
    """The .NET exception of `header` only wraps another: a wrapper's type, or a message deferring to the inner
    exception (`_DOTNET_DEFERS`)."""
    return (
        header["type"].rsplit(".", 1)[-1] in _DOTNET_WRAPPERS
        or _DOTNET_DEFERS in (header["message"] or "").lower()
    )


def _framed(
    language: Language,
    lines: list[str],
    text: str,
    header_pattern: re.Pattern[str],
    frame_pattern: re.Pattern[str],
    make_frame: Callable[[re.Match[str]], Frame],
    stop_prefix: str | tuple[str, ...] | None = None,
) -> StackTrace | None:
    """A `Type: message` header followed by `at …` frame lines, innermost first (Java, Node.js), up to a line
    starting `stop_prefix` (after its indentation and dashes)."""
    first_frame = next(i for i, line in enumerate(lines) if frame_pattern.match(line))
    header = next(
        (match for line in reversed(lines[:first_frame]) if (match := header_pattern.match(line.strip()))),
        None,
    ) or next(
        (match for line in reversed(lines[:first_frame]) if (match := _EMBEDDED_HEADER.search(line.strip()))),
        None,
    )
    if header is None and not _starts_cut_off(lines, first_frame, frame_pattern):
        return None
    frames: list[Frame] = []
    for line in lines[first_frame:]:
        if stop_prefix is not None and line.lstrip(" -").startswith(stop_prefix):
            break
        match = frame_pattern.match(line)
        if match is not None:
            frames.append(make_frame(match))
    frames.reverse()
    return StackTrace(
        language=language,
        exception_type=header["type"] if header else "",
        message=_header_message(header),
        frames=tuple(frames),
        text=text.strip(),
    )


def _header_message(header: re.Match[str] | None) -> str:
    """A header's message, or its code when it has none (Node.js's `AggregateError [ECONNREFUSED]: `)."""
    if header is None:
        return ""
    message = (header["message"] or "").strip()
    return message or header.groupdict().get("code") or ""


def _starts_cut_off(lines: list[str], first_frame: int, frame_pattern: re.Pattern[str]) -> bool:
    """Frames logged without the exception line above them: the text starts with two frames or more."""
    return (
        not any(line.strip() for line in lines[:first_frame])
        and sum(1 for line in lines[first_frame:] if frame_pattern.match(line)) >= 2
    )
