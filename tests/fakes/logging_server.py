"""A local Cloud Logging API: `POST /v2/entries:list` on 127.0.0.1, speaking the service's JSON wire format.

It checks requests as the service does (method, path, JSON body fields, pageSize, orderBy, page tokens,
resource names), keeps entries inside the filter's `timestamp>=` / `timestamp<` window, sorts them by
timestamp as `orderBy` asks (whatever order the list holds them in), pages them, and answers errors in
Google's JSON error format. Faults are scripted per request number; every request is recorded.

`POST /token` is an OAuth 2.0 token endpoint, as oauth2.googleapis.com/token answers a refresh-token grant,
so google-auth's own credentials can refresh against it (`token_uri`).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakes.server import FakeServer, QuietHandler
from fakes.trickle import trickle

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
DEFAULT_MESSAGES = {
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
    "other valid authentication credential.",
    403: "The caller does not have permission",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service "
    "'logging.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
BODY_FIELDS = {"resourceNames", "projectIds", "filter", "orderBy", "pageSize", "pageToken"}
ACCESS_TOKEN = "fake-access-token"
"""What the token endpoint issues."""
OAUTH_ERRORS = {400: "invalid_grant", 401: "invalid_client"}
_WINDOW = re.compile(r'\btimestamp\s*(>=|>|<=|<)\s*"([^"]+)"')
_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)")


@dataclass
class Fault:
    """An error answer: HTTP status and message, in Google's JSON error format (OAuth's at /token).

    Status 0 answers nothing: the connection is closed, as a network blip would. With `hang`, nothing is
    answered for that many seconds (or until the server stops), then the connection is closed: a server that
    accepts the connection and never answers.
    """

    status: int
    message: str = ""
    retry_after: float | None = None
    """Sent as a Retry-After header when set."""
    raw: bytes | None = None
    """Sent as the body instead of the JSON error (a proxy's HTML page, a body cut off): with status 200
    too, an answer that is no page."""
    content_type: str = "text/html; charset=UTF-8"
    """The raw body's Content-Type."""
    content_encoding: str = ""
    """The raw body's Content-Encoding, when set (a proxy that says gzip over a body it did not compress)."""
    hang: float = 0.0
    """Seconds of silence before the connection is closed unanswered."""
    trickle: float = 0.0
    """With status 200: the headers promise a large JSON body, then one byte comes every `trickle` seconds until
    the server stops (a server that never trips a client's wait for the next byte)."""

    def body(self) -> dict[str, Any]:
        message = self.message or DEFAULT_MESSAGES.get(self.status, "error")
        return {
            "error": {"code": self.status, "message": message, "status": STATUS_NAMES.get(self.status, "")}
        }

    def oauth_body(self) -> dict[str, Any]:
        error = OAUTH_ERRORS.get(self.status, "server_error")
        return {"error": error, "error_description": self.message or DEFAULT_MESSAGES.get(self.status, error)}


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeLoggingState:
    """What the server serves and what it saw. Tests set `faults`, `empty_pages_at` and `page_limit`."""

    entries: list[Any]
    projects: set[str] = field(default_factory=lambda: {"P"})
    page_limit: int = 1000
    """Largest page the server returns, whatever pageSize asks (the real service may return fewer)."""
    faults: dict[int, Fault] = field(default_factory=dict)
    """Request number (1-based, every request counts) -> the error answered instead."""
    empty_pages_at: set[int] = field(default_factory=set)
    """Offsets (in the window's entries) where an empty page with a nextPageToken comes first."""
    sticky_token: bool = False
    """A broken pager: a request with a page token gets the first page again and the same token back."""
    expired_tokens: bool = False
    """Every page token is refused as the service refuses one past its lifetime (400 "Invalid page token")."""
    endless_empty_pages: bool = False
    """Every answer is an empty page naming a new next page (a server that never ends a read)."""
    requests: list[RecordedRequest] = field(default_factory=list)
    tokens: dict[str, tuple[int, bool, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _instant(text: str) -> tuple[datetime, int]:
    """An RFC 3339 time as (whole seconds, nanoseconds): the service orders by nanosecond, Python by µs."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    seconds, fraction, offset = match.groups()
    moment = datetime.fromisoformat(seconds + ("+00:00" if offset in "Zz" else offset))
    return moment, int((fraction or "").ljust(9, "0")[:9])


def _in_window(entry: Any, filter_: str) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("timestamp"), str):
        return True
    moment = _instant(entry["timestamp"])
    for operator, bound_text in _WINDOW.findall(filter_):
        bound = _instant(bound_text)
        holds = {
            ">=": moment >= bound,
            ">": moment > bound,
            "<=": moment <= bound,
            "<": moment < bound,
        }[operator]
        if not holds:
            return False
    return True


def _ordered(window: list[Any], order_by: str) -> list[Any]:
    """The window sorted by timestamp, oldest first for "timestamp asc", newest first for "timestamp desc".

    The sort is stable, and an item without a timestamp (malformed on purpose) keeps its place right
    after the entry before it.
    """
    keyed: list[tuple[tuple[datetime, int], Any]] = []
    moment = (datetime.min.replace(tzinfo=timezone.utc), 0)
    for entry in window:
        if isinstance(entry, dict) and isinstance(entry.get("timestamp"), str):
            moment = _instant(entry["timestamp"])
        keyed.append((moment, entry))
    keyed.sort(key=lambda pair: pair[0], reverse=order_by == "timestamp desc")
    return [entry for _, entry in keyed]


def _filter_error(filter_: str) -> str | None:
    """A syntax check as the service makes it: the documented length limit (20,000 characters,
    https://cloud.google.com/logging/quotas), balanced parentheses and quotes outside string literals."""
    if len(filter_) > 20_000:
        return f"The filter is {len(filter_)} characters long; the limit is 20000."
    depth = 0
    in_string = False
    escaped = False
    for column, char in enumerate(filter_, start=1):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return f"Unparseable filter: syntax error at line 1, column {column}, token ')'"
    if in_string:
        return "Unparseable filter: unterminated string"
    if depth:
        return "Unparseable filter: unbalanced parentheses"
    return None


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; do not wait on delayed ACKs
    server: _Server

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._record(None)
        self._send_html_404()

    def _send_html_404(self) -> None:
        """What Google's front end answers for a URL it does not serve: HTML, not the JSON error format."""
        data = (
            f"<html><body>The requested URL {self.path} was not found on this server.</body></html>".encode()
        )
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        raw = self.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        number = self._record(body)
        state = self.server.state
        fault = state.faults.get(number)
        path = urlsplit(self.path).path
        if fault is not None and fault.trickle:
            trickle(self, fault.status, fault.trickle, self.server.stopping, first=b'{"entries": [')
            return
        if fault is not None and fault.hang:
            self.server.stopping.wait(fault.hang)
        if fault is not None and (fault.status == 0 or fault.hang):
            self.close_connection = True
            return
        if fault is not None and fault.raw is not None:
            self.send_response(fault.status)
            self.send_header("Content-Type", fault.content_type)
            if fault.content_encoding:
                self.send_header("Content-Encoding", fault.content_encoding)
            self.send_header("Content-Length", str(len(fault.raw)))
            self.end_headers()
            self.wfile.write(fault.raw)
            return
        if fault is not None:
            headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
            self._send(fault.status, fault.oauth_body() if path == "/token" else fault.body(), headers)
            return
        if path == "/token":
            self._send(200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"})
            return
        if path != "/v2/entries:list":
            self._send_html_404()
            return
        status, payload = self._list(body)
        self._send(status, payload)

    def _record(self, body: Any) -> int:
        state = self.server.state
        with state.lock:
            url = urlsplit(self.path)
            state.requests.append(
                RecordedRequest(self.command, url.path, parse_qs(url.query), dict(self.headers.items()), body)
            )
            return len(state.requests)

    def _list(self, body: Any) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        if not isinstance(body, dict):
            return 400, Fault(400, "Invalid JSON payload received.").body()
        unknown = set(body) - BODY_FIELDS
        if unknown:
            name = sorted(unknown)[0]
            return 400, Fault(
                400, f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.'
            ).body()
        names = body.get("resourceNames")
        if not isinstance(names, list) or not names:
            return 400, Fault(400, "resourceNames must be non-empty").body()
        for name in names:
            match = re.fullmatch(r"projects/([A-Za-z0-9][A-Za-z0-9.:_-]*)", str(name))  # an id, else 400
            if match is None:
                return 400, Fault(400, f"Invalid resource name: {name}").body()
            if match.group(1) not in state.projects:
                return 404, Fault(404, f"Project '{match.group(1)}' not found.").body()
        filter_ = body.get("filter", "")
        if not isinstance(filter_, str):
            return 400, Fault(400, "filter must be a string").body()
        problem = _filter_error(filter_)
        if problem:
            return 400, Fault(400, problem).body()
        order_by = body.get("orderBy", "timestamp asc")
        if order_by not in ("timestamp asc", "timestamp desc"):
            return 400, Fault(400, f"Invalid orderBy: {order_by}").body()
        page_size = body.get("pageSize", 50)
        if not isinstance(page_size, int) or not 0 < page_size <= 1000:
            return 400, Fault(400, f"pageSize must be between 1 and 1000, got {page_size}").body()
        offset, empty_served = 0, False
        token = body.get("pageToken")
        if token is not None:
            issued = None if state.expired_tokens else state.tokens.get(token)
            if issued is None:
                return 400, Fault(400, "Invalid page token.").body()
            offset, empty_served, issued_for = issued
            if issued_for != filter_:
                return 400, Fault(400, "Page token does not match the request's filter.").body()
            if state.sticky_token:
                return 200, {"entries": state.entries[:1], "nextPageToken": token}
        if state.endless_empty_pages:
            return 200, {"nextPageToken": self._issue(offset, True, filter_)}
        window = _ordered([e for e in state.entries if _in_window(e, filter_)], order_by)
        if offset in state.empty_pages_at and not empty_served and offset < len(window):
            return 200, {"entries": [], "nextPageToken": self._issue(offset, True, filter_)}
        page = window[offset : offset + min(page_size, state.page_limit)]
        payload: dict[str, Any] = {"entries": page} if page else {}
        end = offset + len(page)
        if end < len(window):
            payload["nextPageToken"] = self._issue(end, False, filter_)
        return 200, payload

    def _issue(self, offset: int, empty_served: bool, filter_: str) -> str:
        state = self.server.state
        with state.lock:
            token = f"tok-{len(state.tokens) + 1}-{offset}"
            state.tokens[token] = (offset, empty_served, filter_)
        return token


class _Server(FakeServer):
    def __init__(self, state: FakeLoggingState) -> None:
        super().__init__(_Handler)
        self.state = state


class FakeLoggingServer:
    """Context manager: a running fake on an ephemeral port. `endpoint` is its base URL."""

    def __init__(self, entries: list[Any], **settings: Any) -> None:
        self.state = FakeLoggingState(entries=entries, **settings)
        self._server = _Server(self.state)

    @property
    def endpoint(self) -> str:
        return self._server.url

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests

    def __enter__(self) -> FakeLoggingServer:
        self._server.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.stop()
