"""A local GitHub REST API, enough of it for PyGithub's issue calls, on 127.0.0.1 and an ephemeral port.

It keeps issues, comments and labels in memory, records every request, and can be scripted to fail:
a 500, a primary rate limit (403 with `X-RateLimit-Remaining: 0`), or "dying" after a number of writes.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from fakes.server import FakeServer, QuietHandler
from fakes.trickle import trickle

HTML_HOST = "https://github.test"
DOCS = "https://docs.github.com/rest"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    status: int = 0

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Rule:
    """A scripted failure: requests matching `method` and `path` (a regex) get `status`, `times` times."""

    method: str
    path: str
    status: int = 500
    times: int = 1
    apply: bool = False
    """Perform the request before failing it (the write happened, the client sees an error)."""
    rate_limit_reset: float | None = None
    """For a 403 rate limit: seconds from now until `X-RateLimit-Reset`."""
    retry_after: int | None = None
    """For a secondary rate limit: the `Retry-After` header."""
    body: dict[str, Any] | None = None
    """The answer's JSON (default `{"message": "Server Error"}`)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers the failure is answered with (`X-GitHub-SSO`, `Retry-After`)."""
    reshape: Callable[[Any], Any] | None = None
    """Perform the request, then answer `reshape(the JSON it would answer)` (a `Raw` is sent as it is)."""
    link: str | None = None
    """With `reshape`: the Link header to send instead of the real one."""


@dataclass
class Raw:
    """An answer sent byte for byte: not JSON, cut off, an HTML page."""

    body: bytes
    content_type: str = "application/json; charset=utf-8"


@dataclass
class Issue:
    number: int
    title: str
    body: str
    labels: list[str]
    state: str = "open"
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)
    closed_at: datetime | None = None
    state_reason: str | None = None
    locked: bool = False
    """A locked conversation: comments on it are refused with 403 (see `_route`)."""


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)


class FakeGitHub:
    """The server and its state. Use as a context manager; `url` is the `base_url` for PyGithub."""

    def __init__(self, owner: str = "o", repo: str = "r", token: str = "test-token") -> None:
        self.owner = owner
        self.repo = repo
        self.token = token
        self.issues: dict[int, Issue] = {}
        self.comments: dict[int, Comment] = {}
        self.requests: list[Request] = []
        self.rules: list[Rule] = []
        self.die_after_writes: int | None = None
        self.archived = False
        """An archived repository: GitHub answers every write with 403."""
        self.issues_enabled = True
        """With issues turned off in the repository, GitHub answers its issue endpoints with 410."""
        self.push_access = True
        """Without push access GitHub silently drops the labels of a new issue (and refuses label writes)."""
        self.renamed_from: str | None = None
        """The repository's old name: GitHub answers requests to it with 301 (GET) or 307 to `/repositories/1`."""
        self.moved: dict[int, Issue] = {}
        """Issues transferred away, by their old number: GitHub answers with 301 to `/repositories/2`."""
        self.trickle: float | None = None
        """Answer every request with headers promising a large body, then a byte every `trickle` seconds until
        the server stops (a GitHub, or a proxy, that never trips a client's wait for the next byte)."""
        self._writes = 0
        self._lock = threading.Lock()
        self._server = FakeServer(self._handler())

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> FakeGitHub:
        self._server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop()

    @property
    def url(self) -> str:
        return self._server.url

    # -- scripting -------------------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        path: str,
        status: int = 500,
        times: int = 1,
        apply: bool = False,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next `times` matching requests fail with `status`, `body` and `headers` (after doing them,
        if `apply`)."""
        self.rules.append(Rule(method, path, status, times, apply, body=body, headers=dict(headers or {})))

    def reshape(
        self,
        method: str,
        path: str,
        reshape: Callable[[Any], Any] = lambda answer: answer,
        times: int = 1,
        link: str | None = None,
        status: int = 0,
    ) -> None:
        """Perform the next `times` matching requests but answer `reshape(answer)` (a malformed answer), with
        `link` as the Link header and `status` as the status if given."""
        self.rules.append(Rule(method, path, status, times, reshape=reshape, link=link))

    def rate_limit(self, method: str, path: str, times: int = 1, reset_in: float = -1.0) -> None:
        """Answer the next `times` matching requests with a primary rate-limit 403."""
        self.rules.append(Rule(method, path, 403, times, rate_limit_reset=reset_in))

    def secondary_rate_limit(
        self, method: str, path: str, retry_after: int, times: int = 1_000_000, status: int = 403
    ) -> None:
        """Answer the next `times` matching requests with a secondary rate limit (GitHub answers 403 or 429)
        and `Retry-After`."""
        self.rules.append(Rule(method, path, status, times, retry_after=retry_after))

    def add_issue(self, title: str, body: str, labels: list[str], state: str = "open") -> Issue:
        """Put an issue in the repository, as if someone created it earlier."""
        with self._lock:
            issue = Issue(self.next_number(), title, body, list(labels), state)
            if state == "closed":
                issue.closed_at = _now()
            self.issues[issue.number] = issue
            return issue

    def add_comment(self, number: int, body: str) -> Comment:
        """Comment on an issue, as a person would."""
        with self._lock:
            comment = Comment(len(self.comments) + 1, number, body)
            self.comments[comment.id] = comment
            return comment

    def close(self, number: int, closed_at: datetime | None = None, reason: str = "completed") -> None:
        """Close an issue, as a person would, at `closed_at` (default now), for `reason` (GitHub's
        `state_reason`: `completed`, `not_planned`, `duplicate`)."""
        with self._lock:
            issue = self.issues[number]
            issue.state, issue.state_reason, issue.closed_at = "closed", reason, closed_at or _now()

    def next_number(self) -> int:
        """The number GitHub gives the next issue (numbers are never reused, even of a transferred one)."""
        return max([0, *self.issues, *self.moved]) + 1

    def transfer(self, number: int) -> None:
        """Transfer an issue to the repository `o/elsewhere`, as a person would."""
        with self._lock:
            self.moved[number] = self.issues.pop(number)

    def requests_matching(self, method: str, pattern: str = ".*") -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def comments_on(self, number: int) -> list[Comment]:
        return sorted((c for c in self.comments.values() if c.issue == number), key=lambda c: c.id)

    # -- JSON shapes -----------------------------------------------------------------------------------
    @property
    def _repo_path(self) -> str:
        return f"/repos/{self.owner}/{self.repo}"

    def _user(self) -> dict[str, Any]:
        return {"login": "gardener-bot", "id": 7, "type": "User", "url": f"{self.url}/users/gardener-bot"}

    def _label(self, name: str) -> dict[str, Any]:
        return {
            "id": abs(hash(name)) % 10_000_000,
            "name": name,
            "color": "ededed",
            "url": f"{self.url}{self._repo_path}/labels/{name}",
        }

    def _issue_json(self, issue: Issue) -> dict[str, Any]:
        base = f"{self.url}{self._repo_path}/issues/{issue.number}"
        return {
            "id": 100_000 + issue.number,
            "node_id": f"I_{issue.number}",
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "locked": issue.locked,
            "labels": [self._label(name) for name in issue.labels],
            "user": self._user(),
            "comments": len(self.comments_on(issue.number)),
            "url": base,
            "comments_url": f"{base}/comments",
            "repository_url": f"{self.url}{self._repo_path}",
            "html_url": f"{HTML_HOST}/{self.owner}/{self.repo}/issues/{issue.number}",
            "created_at": _iso(issue.created_at),
            "updated_at": _iso(issue.updated_at),
            "closed_at": _iso(issue.closed_at),
        }

    def _comment_json(self, comment: Comment) -> dict[str, Any]:
        return {
            "id": comment.id,
            "node_id": f"IC_{comment.id}",
            "body": comment.body,
            "user": self._user(),
            "url": f"{self.url}{self._repo_path}/issues/comments/{comment.id}",
            "issue_url": f"{self.url}{self._repo_path}/issues/{comment.issue}",
            "html_url": f"{HTML_HOST}/{self.owner}/{self.repo}/issues/{comment.issue}"
            f"#issuecomment-{comment.id}",
            "created_at": _iso(comment.created_at),
            "updated_at": _iso(comment.updated_at),
        }

    def _repo_json(self) -> dict[str, Any]:
        return {
            "id": 1,
            "name": self.repo,
            "full_name": f"{self.owner}/{self.repo}",
            "owner": {"login": self.owner, "id": 1, "type": "Organization"},
            "private": False,
            "has_issues": True,
            "url": f"{self.url}{self._repo_path}",
            "html_url": f"{HTML_HOST}/{self.owner}/{self.repo}",
        }

    # -- routing ---------------------------------------------------------------------------------------
    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        per_page = min(100, int(query.get("per_page", "30")))
        page = max(1, int(query.get("page", "1")))
        last = max(1, -(-len(items) // per_page))
        links = []

        def link(number: int, rel: str) -> str:
            params = {**query, "per_page": str(per_page), "page": str(number)}
            return f'<{self.url}{path}?{urlencode(params)}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {"Link": ", ".join(links)} if links else {}
        return items[(page - 1) * per_page : page * per_page], headers

    def _route(
        self, method: str, path: str, query: dict[str, str], data: Any
    ) -> tuple[int, Any, dict[str, str]]:
        repo = self._repo_path
        if method == "GET" and path == repo:
            return 200, self._repo_json(), {}
        if path.startswith(f"{repo}/issues") and not self.issues_enabled:
            return 410, {"message": "Issues are disabled for this repo", "documentation_url": DOCS}, {}
        if method != "GET" and self.archived:
            return 403, {"message": "Repository was archived so is read-only.", "documentation_url": DOCS}, {}
        if path == f"{repo}/issues":
            if method == "GET":
                state = query.get("state", "open")
                wanted = [name for name in query.get("labels", "").split(",") if name]
                ascending = query.get("direction", "desc") == "asc"
                found = [
                    i
                    for i in sorted(self.issues.values(), key=lambda i: i.number if ascending else -i.number)
                    if (state == "all" or i.state == state)
                    and all(name in i.labels for name in wanted)
                    and ("since" not in query or _iso(i.updated_at) >= query["since"])
                ]
                page, headers = self._page(path, query, found)
                return 200, [self._issue_json(i) for i in page], headers
            if method == "POST":
                if not data or not data.get("title"):
                    return 422, {"message": "Validation Failed"}, {}
                labels = list(data.get("labels", [])) if self.push_access else []
                issue = Issue(self.next_number(), data["title"], data.get("body") or "", labels)
                self.issues[issue.number] = issue
                return 201, self._issue_json(issue), {}
        match = re.fullmatch(rf"{re.escape(repo)}/issues/(\d+)", path)
        if match:
            issue = self.issues.get(int(match.group(1)))
            if issue is None:
                return 404, {"message": "Not Found"}, {}
            if method == "GET":
                return 200, self._issue_json(issue), {}
            if method == "PATCH":
                for key in ("title", "body", "state_reason"):
                    if key in data:
                        setattr(issue, key, data[key])
                if "labels" in data and self.push_access:
                    issue.labels = list(data["labels"])
                if "state" in data and data["state"] != issue.state:
                    issue.state = data["state"]
                    issue.closed_at = _now() if issue.state == "closed" else None
                issue.updated_at = _now()
                return 200, self._issue_json(issue), {}
        match = re.fullmatch(rf"{re.escape(repo)}/issues/(\d+)/comments", path)
        if match:
            number = int(match.group(1))
            if number not in self.issues:
                return 404, {"message": "Not Found"}, {}
            if method == "GET":
                page, headers = self._page(path, query, self.comments_on(number))
                return 200, [self._comment_json(c) for c in page], headers
            if method == "POST" and self.issues[number].locked:
                message = "Unable to create comment because issue is locked."
                return 403, {"message": message, "documentation_url": DOCS}, {}
            if method == "POST":
                comment = Comment(len(self.comments) + 1, number, data["body"])
                self.comments[comment.id] = comment
                return 201, self._comment_json(comment), {}
        match = re.fullmatch(rf"{re.escape(repo)}/issues/comments/(\d+)", path)
        if match:
            comment = self.comments.get(int(match.group(1)))
            if comment is None:
                return 404, {"message": "Not Found"}, {}
            if method == "GET":
                return 200, self._comment_json(comment), {}
            if method == "PATCH":
                comment.body, comment.updated_at = data["body"], _now()
                return 200, self._comment_json(comment), {}
        match = re.fullmatch(rf"{re.escape(repo)}/issues/(\d+)/labels(?:/(.+))?", path)
        if match and int(match.group(1)) in self.issues:
            issue = self.issues[int(match.group(1))]
            if not self.push_access:
                return (
                    403,
                    {"message": "Resource not accessible by integration", "documentation_url": DOCS},
                    {},
                )
            if method == "POST" and match.group(2) is None:
                issue.labels += [name for name in data.get("labels", []) if name not in issue.labels]
                return 200, [self._label(name) for name in issue.labels], {}
            if method == "DELETE" and match.group(2) is not None:
                name = unquote(match.group(2))
                if name not in issue.labels:
                    return 404, {"message": "Label does not exist"}, {}
                issue.labels.remove(name)
                return 200, [self._label(n) for n in issue.labels], {}
        if method == "GET" and path == "/search/issues":
            return 200, self._search(query.get("q", "")), {}
        if method == "GET" and path == "/rate_limit":
            core = {"limit": 5000, "remaining": 4999, "reset": int(time.time()) + 3600, "used": 1}
            return 200, {"resources": {"core": core}, "rate": core}, {}
        return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, {}

    def _search(self, q: str) -> dict[str, Any]:
        """GitHub's issue search, enough of it: `repo:`, and words or quoted phrases each in the body (the
        other qualifiers, `is:issue` and `in:body`, are taken as met)."""
        words = [
            word.strip('"')
            for word in re.findall(r'"[^"]*"|\S+', q)
            if word.startswith('"') or ":" not in word
        ]
        repo = re.search(r"\brepo:(\S+)", q)
        found = [
            issue
            for issue in sorted(self.issues.values(), key=lambda issue: issue.number)
            if (repo is None or repo.group(1).lower() == f"{self.owner}/{self.repo}".lower())
            and all(word in issue.body for word in words)
        ]
        return {
            "total_count": len(found),
            "incomplete_results": False,
            "items": [self._issue_json(i) for i in found],
        }

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: str
    ) -> tuple[int, Any, dict[str, str]]:
        """Answer one request (called from the handler threads)."""
        parts = urlsplit(raw_path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        record = Request(method, parts.path, query, headers, body)
        with self._lock:
            self.requests.append(record)
            status, payload, extra = self._answer(method, parts.path, query, headers, body)
            record.status = status
        return status, payload, extra

    def _answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: str
    ) -> tuple[int, Any, dict[str, str]]:
        if headers.get("authorization") != f"token {self.token}":
            return 401, {"message": "Bad credentials"}, {}
        old = f"/repos/{self.owner}/{self.renamed_from}"
        if self.renamed_from and (path == old or path.startswith(old + "/")):
            where = f"{self.url}/repositories/1{path[len(old) :]}" + (f"?{urlencode(query)}" if query else "")
            moved = {"message": "Moved Permanently", "url": where, "documentation_url": DOCS}
            return (301 if method == "GET" else 307), moved, {"Location": where}
        if path.startswith("/repositories/1/") or path == "/repositories/1":
            path = self._repo_path + path[len("/repositories/1") :]
        transferred = re.fullmatch(rf"{re.escape(self._repo_path)}/issues/(\d+)", path)
        if transferred and int(transferred.group(1)) in self.moved:
            where = f"{self.url}/repositories/2/issues/{transferred.group(1)}"
            return 301, {"message": "Moved Permanently", "url": where}, {"Location": where}
        elsewhere = re.fullmatch(r"/repositories/2/issues/(\d+)", path)
        if elsewhere and method == "GET" and int(elsewhere.group(1)) in self.moved:
            answer = self._issue_json(self.moved[int(elsewhere.group(1))])
            here = f"/{self.owner}/{self.repo}/"
            for key in ("html_url", "url", "comments_url"):
                answer[key] = answer[key].replace(here, f"/{self.owner}/elsewhere/")
            return 200, answer, {}
        if self.die_after_writes is not None and self._writes >= self.die_after_writes:
            return 500, {"message": "Server Error"}, {}
        data = json.loads(body) if body else {}
        for rule in self.rules:
            if rule.times > 0 and rule.method == method and re.fullmatch(rule.path, path):
                rule.times -= 1
                if rule.retry_after is not None:
                    message = "You have exceeded a secondary rate limit. Please wait a few minutes."
                    return rule.status, {"message": message}, {"Retry-After": str(rule.retry_after)}
                if rule.rate_limit_reset is not None:
                    reset = str(int(time.time() + rule.rate_limit_reset))
                    limited = {
                        "X-RateLimit-Limit": "5000",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": reset,
                    }
                    message = "API rate limit exceeded for user ID 7."
                    return (
                        403,
                        {"message": message, "documentation_url": "https://docs.github.com/rest"},
                        limited,
                    )
                if rule.reshape is not None:
                    status, payload, extra = self._route(method, path, query, data)
                    if method != "GET" and status < 400:
                        self._writes += 1
                    if rule.link is not None:
                        extra = {**extra, "Link": rule.link}
                    return rule.status or status, rule.reshape(payload), extra
                if rule.apply:
                    self._route(method, path, query, data)
                    if method != "GET":
                        self._writes += 1
                return rule.status, rule.body or {"message": "Server Error"}, dict(rule.headers)
        status, payload, extra = self._route(method, path, query, data)
        if method != "GET" and status < 400:
            self._writes += 1
        return status, payload, extra

    def _handler(self) -> type[QuietHandler]:
        fake = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"
            # the headers and the body are two writes: with Nagle's algorithm the body waited for the client's
            # delayed ACK of the headers, about 40 ms a request
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                body = self.body().decode("utf-8")
                headers = {key.lower(): value for key, value in self.headers.items()}
                status, payload, extra = fake.handle(self.command, self.path, headers, body)
                if fake.trickle is not None:
                    trickle(self, 200, fake.trickle, fake._server.stopping)
                    return
                raw = payload if isinstance(payload, Raw) else Raw(json.dumps(payload).encode("utf-8"))
                data = raw.body
                self.send_response(status)
                self.send_header("Content-Type", raw.content_type)
                self.send_header("Content-Length", str(len(data)))
                extra.setdefault("X-RateLimit-Limit", "5000")
                extra.setdefault("X-RateLimit-Remaining", "4999")
                extra.setdefault("X-RateLimit-Reset", str(int(time.time()) + 3600))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler
