"""Signatures: what makes two events the same problem, and the fingerprint that names it."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

from loggardener.clustering.masking import WILDCARD, ZERO_DIGITS
from loggardener.clustering.miner import OTHER_ID
from loggardener.clustering.miner import signature as token_signature
from loggardener.clustering.models import ClusterKind
from loggardener.entries.levels import access_request, lifecycle_line
from loggardener.entries.models import Event, Frame
from loggardener.entries.parse import url_path
from loggardener.entries.payloads import LOAD_BALANCER_OUTCOME, SECURITY_POLICY_SUFFIX, UNREACHED_FLAGS
from loggardener.entries.stacks import compact_rpc_error
from loggardener.regexes import compile_regex
from loggardener.rendering.markdown_safety import cut_at_word

FINGERPRINT_LENGTH = 12
_IMPORT_ERRORS = frozenset({"ModuleNotFoundError", "ImportError"})
# `cannot import name 'x' from 'pkg' (/path/to/pkg/__init__.py)`: the module's file, POSIX or Windows
_MODULE_FILE = compile_regex(r" \((?:/|[A-Za-z]:\\)[^()]*\)$")
# A path segment that names one thing rather than a route: numbers, dates (`2024-05`), UUIDs, hex hashes,
# codes with four or more digits (`B1234`, `ORD-2024-0001`), a word's code numbered after a hyphen or an underscore
# (`SKU-706`, `item_42`; not `utf-8`, `v2`), long tokens with a digit, e-mail addresses.
_ROUTE_SEGMENT_ID = compile_regex(
    r"^(?:\d+|\d{4}-\d{2}(?:-\d{2})?|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}|(?=(?:[^\d/]*\d){4})[\w.~%+-]+|[A-Za-z]{1,16}[-_]\d{2,}"
    r"|(?=[\w-]*\d)[\w-]{16,}"
    r"|[\w.%+-]+@[\w.-]+|[A-Za-z0-9_-]{22,}={0,2})$"
)
_WEAK_WORDS = frozenset({"null", "none", "nil", "undefined", "error", "exception"})
# A request a security policy refused, as the parser writes it (`payloads._security_policy_refusal`)
_POLICY_REFUSAL = compile_regex(r"^(\w+)" + SECURITY_POLICY_SUFFIX + r": security policy (\S+)")


@dataclass(frozen=True)
class Signature:
    """The identity of a problem."""

    kind: ClusterKind
    parts: tuple[str, ...]
    title: str
    template: str
    origin: Frame | None = None
    exception: str | None = None
    fingerprint: str = field(init=False, repr=False, compare=False)
    """`fingerprint_of(text)`, computed once: a recurring problem's signature is shared by its events."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fingerprint", fingerprint_of(self.text))

    @property
    def text(self) -> str:
        return " | ".join((self.kind, *self.parts))


@functools.lru_cache(maxsize=4_096)
def fingerprint_of(signature_text: str) -> str:
    """A short stable hash: identical across runs, machines and input order."""
    return hashlib.sha256(signature_text.encode("utf-8", "surrogatepass")).hexdigest()[:FINGERPRINT_LENGTH]


def normalize_route(url: str) -> str:
    """`/api/orders/123?x=1` → `/api/orders/{id}`."""
    return "/".join(map(_route_segment, url_path(url).split("/"))) or "/"


@functools.lru_cache(maxsize=8_192)
def _route_segment(segment: str) -> str:
    """A path's segment as its route shows it: `{id}` for a value (`_ROUTE_SEGMENT_ID`), else the segment itself
    (every request event's path is read, and a service's routes repeat their segments: cached)."""
    return "{id}" if _ROUTE_SEGMENT_ID.match(segment) else segment


_TITLE_LIMIT = 120


def _shorten(text: str, limit: int = 120) -> str:
    stripped = text.strip()
    first_line = stripped.splitlines()[0] if stripped else ""
    return first_line if len(first_line) <= limit else first_line[: limit - 1] + "…"


# A JSON object of context after a message's words (Monolog, Laravel, winston: `message {"exception":…}`)
_JSON_CONTEXT = compile_regex(r' \{"[\w@$.-]{1,64}"\s?[:=]')


def _without_context(line: str) -> str:
    """`line` with the JSON context logged after its words said as `{…}`: the title reaches what failed."""
    found = _JSON_CONTEXT.search(line) if ' {"' in line else None
    if found is None or not any(char.isalpha() for char in line[: found.start()]):
        return line
    return f"{line[: found.start()]} {{…}}"


def _title(text: str, limit: int = _TITLE_LIMIT) -> str:
    """A title: the first line, without the JSON context after its words, within `limit` characters; a
    longer one ends with `…` after its last whole word (mid-word only when the last third of the limit is
    one token, an id or a path), or, an error chain, keeps its root cause (`_chain_title`)."""
    stripped = text.strip()
    line = _without_context(stripped.splitlines()[0]) if stripped else ""
    if len(line) <= limit:
        return line
    return _chain_title(line, limit) or cut_at_word(line, limit)


_CHAIN_SEPARATOR = ": "
_OPENERS = {"(": ")", "[": "]", "{": "}"}
# what a root cause says: a failure (`connection refused`, `context deadline exceeded`, `i/o timeout`, `403
# Forbidden`, `no space left on device`)
_FAILURE = compile_regex(
    r"(?i)\b(?:error|fail|refused|timed? ?out|timeout|exceeded|expired|denied|forbidden|not found|no such|reset|"
    r"unavailable|unreachable|invalid|cannot|can't|unable|eof|deadline|closed|broken|abort|panic|no space|"
    r"too many|not allowed|unauthori[sz]ed|\d{3} [A-Z][a-z])"
)


def _outer_parts(line: str) -> list[str]:
    """`line` split at each `: ` outside brackets and double quotes (a bracket left open keeps the rest whole)."""
    parts: list[str] = []
    closers: list[str] = []
    quoted = False
    start = 0
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in _OPENERS:
            closers.append(_OPENERS[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif char == ":" and not closers and line.startswith(_CHAIN_SEPARATOR, index) and index >= start:
            parts.append(line[start:index])
            start = index + len(_CHAIN_SEPARATOR)
    parts.append(line[start:])
    return parts


_CHAIN_GAP = ": …: "
# The level a database server's message is quoted with in a client's error (PostgreSQL's, MySQL's)
_SERVER_LEVELS = frozenset(("FATAL", "ERROR", "PANIC"))


def _chain_title(line: str, limit: int) -> str | None:
    """A long error chain, each error wrapping the next, lower-case as Go's and Rust's conventions write them
    (`fmt.Errorf("…: %w")`, anyhow's contexts: `reconcile failed: fetch page 3: Get "https://…": context deadline
    exceeded`), cut in its middle:
    its first errors that fit, then its root cause, which says what failed; None when the line is no chain of
    three errors or more (outside brackets and double quotes: a tuple's repr, a SQL statement in parentheses
    are no chain), or its first error and root cause alone do not fit."""
    if not line[:1].islower():
        return None  # (an error wrapped so is lower-case; a type's, a report's heading, a sentence are not)
    parts = _outer_parts(line)
    # the root cause: the last error that says a failure, with what it says after it when that fits (a field's
    # value last, `check duration: 3ms`, `current time … is after …`, is no root cause by itself)
    # (a server's message a client quotes after its level, `server error: FATAL: remaining connection slots are
    # reserved …`, is the root cause whatever it says)
    failing = [
        index
        for index in range(2, len(parts))
        if _FAILURE.search(parts[index]) or parts[index - 1].strip() in _SERVER_LEVELS
    ]
    if not failing:
        return None
    root = _CHAIN_SEPARATOR.join(parts[failing[-1] :]).strip()
    if len(parts[0]) + len(_CHAIN_GAP) + len(root) > limit:
        root = parts[failing[-1]].strip()
    quoted = parts[failing[-1] - 1].strip() in _SERVER_LEVELS
    parts = [*parts[: failing[-1]], root]
    head = parts[0]
    if len(head) + len(_CHAIN_GAP) + len(root) > limit:
        if not quoted:
            return None
        # Its words first: what the server said.
        root = cut_at_word(root, limit - len(head) - len(_CHAIN_GAP))
        parts[-1] = root
    for part in parts[1:-1]:
        longer = f"{head}{_CHAIN_SEPARATOR}{part}"
        if len(longer) + len(_CHAIN_GAP) + len(root) > limit:
            return f"{head}{_CHAIN_GAP}{root}"
        head = longer
    return f"{head}{_CHAIN_SEPARATOR}{root}"


def message_template(message: str) -> str:
    """The miner's canonical form of one message: a pure function of the message, so fingerprints never
    depend on input order or on what else is in the stream (issues and trends key on them)."""
    return _template_of_zeroed(message.translate(ZERO_DIGITS))


@functools.lru_cache(maxsize=65_536)
def _template_of_zeroed(message: str) -> str:
    # Masking treats every digit alike, so messages that differ only in digits share one template.
    return " ".join(token_signature(message))


def _without_module_file(message: str) -> str:
    """An import error's message without the file of the module Python names at its end, if it does."""
    if not message.endswith(")"):
        return message
    return _MODULE_FILE.sub("", message)


def _weak_message(template: str) -> bool:
    """A message that says too little to tell two exception types apart (`null`, `<*>`, empty)."""
    words = [
        t for t in template.split() if WILDCARD not in t and t.strip(".,:;'\"()").lower() not in _WEAK_WORDS
    ]
    return sum(1 for word in words if any(c.isalpha() for c in word)) < 2


def is_request(event: Event) -> bool:
    """A request problem needs what the entry says of the request: a status and the URL or path."""
    http = event.primary.http
    return http is not None and http.status is not None and bool(http.url)


def signature_of(event: Event) -> Signature:
    """The signature of an event with a stack or a request (the events `mined_message` leaves out).

    An exception is the same problem wherever its text comes from (a traceback on stderr, a structured
    `stack_trace`, an inspected Error object) when its message and in-app origin agree: the type only
    counts when the message is too weak to tell problems apart (`null`), as a generic `Error` and its
    subclass name one failure in two formats.
    """
    entry = event.primary
    stack = entry.stack
    if stack is not None and stack.cut_off and stack.frames:
        return _cut_off_signature(stack.frames[-1], stack.innermost_in_app)
    if stack is not None:
        origin = stack.innermost_in_app
        exception = stack.exception_type
        message = _shorten(stack.message, 300)
        if exception.rsplit(".", 1)[-1] in _IMPORT_ERRORS:
            # The missing module is the problem, wherever the import sits: every importer is an affected file.
            # So is the name missing from a module wherever that module is installed: Python ends the message
            # with the module's file (`(/usr/local/lib/python3.11/site-packages/…)`), which moves with a new
            # base image or virtualenv.
            named = _without_module_file(message)
            return Signature(
                "exception", (exception, named), _title(f"{exception}: {named}"), message, origin
            )
        return _exception_signature(exception, message_template(message) if message else "", origin)
    http = entry.http
    if http is not None and http.status is not None and http.url:
        refusal = _POLICY_REFUSAL.match(entry.message)
        if refusal is not None:  # the policy is the problem, not the routes a scanner or a client tried
            return _policy_signature(entry.service or "", refusal[1], refusal[2], str(http.status))
        route = normalize_route(http.url)
        if entry.message.startswith(LOAD_BALANCER_OUTCOME):
            outcome = entry.message[len(LOAD_BALANCER_OUTCOME) :]
            if outcome in _BACKEND_WIDE_OUTCOMES:
                return _backend_signature(entry.service or "", str(http.status), outcome)
        else:
            proxy = _proxy_failure(entry.message)
            if proxy:
                return _backend_signature(entry.service or "", str(http.status), proxy)
            outcome = (
                _request_reason(entry.message)
                if entry.payload_kind == "text"
                else _request_reason(found[0])
                if "request" in entry.message and (found := _APP_ENGINE_REQUEST_FAILURE.search(entry.message))
                else ""
            )
        return _request_signature(entry.service or "", http.method or "", route, str(http.status), outcome)
    raise ValueError(
        "only events with a stack or an HTTP status have a signature of their own; "
        "the template miner groups the others (mined_message)"
    )


@functools.lru_cache(maxsize=4_096)
def _exception_signature(exception: str, template: str, origin: Frame | None) -> Signature:
    """The signature of an exception with this message template and origin (a problem recurs: cached)."""
    where = f"{origin.file}:{origin.function or '?'}" if origin else ""
    title = f"{exception}: {template}" if template else exception
    if origin is not None:
        title = f"{title} in {origin.function or origin.file}"
    kind_of = exception if (origin is None or _weak_message(template)) else ""
    return Signature("exception", (kind_of, template, where), _title(title), template, origin, exception)


def request_route(signature: Signature, url: str | None) -> str | None:
    """The route a request problem's event was on: its signature's, or for the requests a security policy
    refused or a proxy could not pass to its backend (whose signature holds the policy or the proxy's account
    instead) the event's own."""
    if signature.kind != "request":
        return None
    if signature.parts[1].endswith((SECURITY_POLICY_SUFFIX, _BACKEND_WIDE)):
        return normalize_route(url) if url else None
    return signature.parts[2]


# A proxy's account of a request it could not pass to its backend at all, whichever route was asked: the load
# balancer found no healthy backend or could not connect to one (`failed_to_pick_backend`,
# `failed_to_connect_to_backend`), or the backend closed the connection before answering
# (`backend_connection_closed_before_data_sent_to_client`: a keepalive shorter than the balancer's); Envoy's
# (Istio's) upstream connection failure, no healthy upstream, overflow (circuit breaking) and no cluster (`UF`,
# `UH`, `UO`, `NC`). One problem per backend, its routes listed, not one per route: a timeout (`backend_timeout`,
# `UT`) or a reset after retries (`URX`) stays a route's, as a slow or failing handler is.
_BACKEND_WIDE_OUTCOMES = frozenset(
    (
        "failed_to_pick_backend",
        "failed_to_connect_to_backend",
        "backend_connection_closed_before_data_sent_to_client",
    )
)
_BACKEND_WIDE = " backend-wide"
# An Envoy access line's status and flags, and the upstream cluster it names: text (`"GET /x HTTP/1.1" 503 UF
# upstream_reset… outbound|8080||inventory.shop.svc.cluster.local …`), or the line a JSON access log is titled by
# (`payloads._access_outcome`: `HTTP 503 UF to inventory.shop.svc.cluster.local: …`)
_ENVOY_FLAGS = compile_regex(r'(?:" |^HTTP )[1-5][0-9][0-9] ([A-Z]{2,4}(?:,[A-Z]{2,4}){0,8})(?:[ :]|$)')
_ENVOY_UPSTREAM = compile_regex(
    r"(?: (?:outbound|inbound)\|[0-9]{1,5}\|[^|\s]{0,100}\|| to )([\w.-]{1,253}\.svc\.cluster\.local)\b"
)


def _proxy_failure(message: str) -> str:
    """`FLAGS to UPSTREAM` when `message` is Envoy's access line of a request it could not pass to the upstream
    cluster it names at all (`UNREACHED_FLAGS`), else '' (also when it names no upstream: its route says
    more than its flags)."""
    first_line = message[:2_000].partition("\n")[0]
    if (
        " UF" not in first_line
        and " UH" not in first_line
        and " UO" not in first_line
        and " NC" not in first_line
    ):
        return ""
    found = _ENVOY_FLAGS.search(first_line)
    if found is None or UNREACHED_FLAGS.isdisjoint(found[1].split(",")):
        return ""
    upstream = _ENVOY_UPSTREAM.search(first_line, found.end() - 1)
    return f"{found[1]} to {upstream[1]}" if upstream is not None else ""


@functools.lru_cache(maxsize=4_096)
def _backend_signature(service: str, status: str, outcome: str) -> Signature:
    """The signature of the requests a proxy could not pass to its backend, whatever their method and route."""
    title = f"HTTP {status}" + (f" ({service})" if service else "") + f": {outcome}"
    return Signature("request", (service, f"{outcome}{_BACKEND_WIDE}", "", status), title, title)


CUT_OFF = "traceback cut off"


@functools.lru_cache(maxsize=4_096)
def _cut_off_signature(last: Frame, origin: Frame | None) -> Signature:
    """A trace without its exception line, by what is known: the last frame it reached.

    `error in init_process (gthread.py:92) — traceback cut off`; the same frame's cut traces are one problem.
    """
    name = last.file.replace("\\", "/").rsplit("/", 1)[-1]
    where = f"{name}:{last.line}" if last.line is not None else name
    title = f"error in {last.function or name} ({where}) — {CUT_OFF}"
    return Signature(
        "exception", (CUT_OFF, f"{last.file}:{last.function or '?'}"), title, title, origin or last
    )


@functools.lru_cache(maxsize=4_096)
def _policy_signature(service: str, outcome: str, policy: str, status: str) -> Signature:
    """The signature of the requests one security policy refused (`denied`, `throttled`…) for a backend."""
    title = f"HTTP {status} {outcome.replace('_', ' ')} by security policy {policy}" + (
        f" ({service})" if service else ""
    )
    return Signature("request", (service, f"{outcome}{SECURITY_POLICY_SUFFIX}", policy, status), title, title)


# The error a key=value access line names (Rails' lograge: `… status=500 error='ActiveRecord::StatementInvalid:
# PG::UndefinedColumn: …' duration=12.31`): what failed the request, which ends its title and tells causes apart
_ACCESS_ERROR = compile_regex(r" error=(?:'([^'\n]{1,2000})'|\"([^\"\n]{1,2000})\"|([^\s'\"]{1,500}))")
# The end of a request log's own sentence: `… no available instance. Additional troubleshooting … at: URL`
_SENTENCE_END = compile_regex(r"\.(?:\s|$)")


# App Engine's own account of a request its instance failed, among the app's lines of the request's RequestLog: the
# process died (`The process handling this request unexpectedly died. … (Error code 203)`), was killed for its
# memory, or the request waited too long for an instance
_APP_ENGINE_REQUEST_FAILURE = compile_regex(
    r"(?m)^(?:The process handling this request unexpectedly died\.|A problem was encountered with the process that "
    r"handled this request, causing it to exit\.|While handling this request, the process that handled this request "
    r"was found to be using too much memory and was terminated\.|Request was aborted after waiting too long to "
    r"attempt to service your request\.|Exceeded (?:soft|hard) (?:private )?memory limit of )[^\n]{0,500}"
)


def _request_reason(message: str) -> str:
    """What the serving platform wrote on a failed request's own entry (Cloud Run, Cloud Functions: `The
    request was aborted because there was no available instance.`): its first sentence, masked, so one
    cause on a route is one problem and the title says why; "" when the entry has no text or its text is
    the access line the request was read from."""
    lines = message.strip().splitlines()
    if not lines:
        return ""
    if access_request(message) is not None:
        error = _ACCESS_ERROR.search(lines[0]) if " error=" in lines[0] else None
        return message_template(next(group for group in error.groups() if group is not None)) if error else ""
    end = _SENTENCE_END.search(lines[0])
    return message_template(lines[0][: end.start()] if end else lines[0])


@functools.lru_cache(maxsize=4_096)
def _request_signature(service: str, method: str, route: str, status: str, outcome: str = "") -> Signature:
    """The signature of a request problem (a route's failures recur: cached); `outcome`, the load balancer's
    account of a request it could not pass on (`failed_to_pick_backend`), tells two causes apart and ends the
    title."""
    title = f"HTTP {status} on {f'{method} ' if method else ''}{route}" + (f" ({service})" if service else "")
    if outcome:
        title = f"{title}: {outcome}"
    parts = (service, method, route, status, outcome) if outcome else (service, method, route, status)
    return Signature("request", parts, title, title)


def display_message(event: Event) -> str | None:
    """The text whose shared tokens a cluster's title shows (`display_title`); None for requests."""
    stack = event.primary.stack
    if stack is not None:
        return _shorten(stack.message, 300)
    mined = mined_message(event)
    return None if mined is None else mined[2]


def display_title(signature: Signature, display: str) -> str:
    """The title with the tokens all members share (`SharedTokens.text()`) in place of the masked template."""
    if signature.kind == "exception" and len(signature.parts) == 3 and display:
        title = f"{signature.exception or signature.parts[0]}: {display}"
        origin = signature.origin
        title = _without_context(title.strip().splitlines()[0])
        kind = signature.exception or signature.parts[0]
        if origin is None:
            if len(title) > _TITLE_LIMIT and "\\" in kind and title.startswith(kind):
                # a PHP class by its own name, without its namespace: the message first
                title = _short_type(kind) + title[len(kind) :]
            return _title(title)
        place = origin.function or origin.file
        where = f" in {place}"
        if len(title) + len(where) > _TITLE_LIMIT:
            where = f" in {_short_place(place)}"  # the message first: the place by its last names
        if len(title) + len(where) > _TITLE_LIMIT and title.startswith(kind):
            title = _short_type(kind) + title[len(kind) :]  # then the type by its own name, not its package's
        if len(title) + len(where) > _TITLE_LIMIT and len(where) <= _TITLE_LIMIT // 2:
            return _title(title, _TITLE_LIMIT - len(where)) + where  # the message is cut, never the place
        return _title(title + where)
    if signature.kind == "message" and len(signature.parts) == 2 and display:
        return _with_service(display, signature.parts[0])
    if signature.kind == "audit" and display:
        return _audit_title(display)
    if signature.kind == "message" and display:
        return _title(display)
    return signature.title


def worded_title(title: str, example: str) -> str:
    """`title`, or when it names nothing (its entries share no word: `<*>`), the words of one as an example."""
    if any(char.isalnum() for char in title.replace(WILDCARD, "")) or not example.strip():
        return title
    return _title(f"messages with no word in common, e.g. {example.strip()}")


# An Elixir or Erlang function's arity after its name (`Shop.CartServer.handle_call/3`): no path's separator
_ARITY = compile_regex(r"(?<=[\w?!])/\d{1,3}$")


# The package path of a type's qualified name, the lowercase names Java, Kotlin and Python put before it
# (`java.sql.`, `django.template.exceptions.`); a capitalized namespace is part of the name (Elixir's
# `DBConnection.ConnectionError`, .NET's `System.…`, Ruby's `Faraday::…`, PHP's `Illuminate\\…`) and stays.
_PACKAGE_PATH = compile_regex(r"^(?:[a-z_][\w$]{0,80}\.){1,20}(?=[A-Z])")


def _short_type(kind: str) -> str:
    """An exception type without its package path: `SQLTransientConnectionException` for
    `java.sql.SQLTransientConnectionException`, `TemplateDoesNotExist` for
    `django.template.exceptions.TemplateDoesNotExist`; `DBConnection.ConnectionError` stays. A PHP class without
    its namespace (`ConnectionException` for `Doctrine\\DBAL\\Exception\\ConnectionException`): a title too long
    for both keeps the message."""
    if "\\" in kind:
        return kind.rsplit("\\", 1)[-1] or kind
    return _PACKAGE_PATH.sub("", kind, count=1)


def _short_place(place: str) -> str:
    """A function or file by its last names: `cart.(*Store).Get` for a Go package path's, `Rates.Get` for
    `Acme.Pricing.Rates.Get`, `Db.php` for `/var/www/src/Db.php`, `CartServer.handle_call/3` for
    `Shop.CartServer.handle_call/3` (an arity is no path)."""
    arity = _ARITY.search(place)
    if arity is not None and "/" not in place[: arity.start()].replace("\\", "/"):
        return _short_place(place[: arity.start()]) + arity[0]
    tail = place.replace("\\", "/").rsplit("/", 1)[-1]
    if "/" in place.replace("\\", "/"):
        return tail or place
    names = tail.split(".")
    return ".".join(names[-2:]) if len(names) > 2 else tail


def mined_message(event: Event) -> tuple[ClusterKind, str, str] | None:
    """(kind, audit method, message) of an event the template miner groups; None for stacks and requests."""
    entry = event.primary
    if entry.stack is not None or is_request(event):
        return None
    if entry.audit_method or entry.audit_status:
        where = " ".join(p for p in (entry.audit_status, entry.audit_method, entry.audit_service) if p)
        return "audit", where, entry.message
    message = entry.message
    if not message.strip():  # a blank line on stderr, an entry without a payload: a title that says so
        status = entry.http.status if entry.http is not None else None
        message = f"HTTP {status} response" if status is not None else EMPTY_MESSAGE
    # A line about a service's own containers is that service's problem: the same line elsewhere is another
    service = entry.service if entry.service and lifecycle_line(message) else ""
    return "message", service, _shorten(compact_rpc_error(message), 2000)


EMPTY_MESSAGE = "(empty message)"
"""What an entry without text is titled and grouped by."""


def mined_signature(
    kind: ClusterKind, method: str, template_id: str, template: str, events: int
) -> Signature:
    """The signature of a template miner's cluster, from its final template (or of its "other" bucket)."""
    if template_id == OTHER_ID:
        title = f"other: {events:,} message{'s' if events != 1 else ''} beyond the template cap"
        return Signature(kind, (method, template) if kind == "audit" else (template,), title, template)
    if kind == "audit":
        return Signature("audit", (method, template), _audit_title(template), template)
    if method:  # a service's lifecycle line (`mined_message`)
        return Signature(kind, (method, template), _with_service(template, method), template)
    return Signature(kind, (template,), _title(template), template)


# An audit message's head, `CODE on a.b.v1.Service.Method (api): …`: the method's qualifiers before its last
# two names say again what the API in brackets says
_AUDIT_METHOD_QUALIFIERS = compile_regex(
    r"^([A-Z][A-Z_]{1,40} on )[\w-]{1,100}(?:\.[\w-]{1,100}){0,20}\.(?=[\w-]{1,100}\.[\w-]{1,100} \()"
)


# A Knative condition change (Cloud Run's `FAILED_PRECONDITION on /Services.ReplaceService (run.googleapis.com):
# Ready condition status changed to False for Revision R with message: why`): its words before the reason.
_CONDITION_CHANGE = compile_regex(
    r"^(?:[A-Z][A-Z_]{1,40} on \S{1,200} \([\w.-]{1,100}\): )?(\w{1,40}) condition status changed to (\w{1,10}) "
    r"for (\w{1,40}) (\S{1,200}) with message: "
)


def _audit_title(text: str) -> str:
    """An audit problem's title: its message with the method by its last two names (`CODE on
    ClusterController.CreateCluster (dataproc.googleapis.com): …`), so that the title reaches what failed; a
    condition change is said in few words (`Revision R Ready=False: why`), so that it reaches why."""
    changed = _CONDITION_CHANGE.sub(r"\3 \4 \1=\2: ", text, count=1)
    return _title(changed if changed != text else _AUDIT_METHOD_QUALIFIERS.sub(r"\1", text, count=1))


def _with_service(text: str, service: str) -> str:
    """A title naming the service it is about, as a request problem's does."""
    return f"{_title(text, max(40, 117 - len(service)))} ({service})"
