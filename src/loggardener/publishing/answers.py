"""GitHub's answers, checked before PyGithub builds its objects from them.

PyGithub builds issues and comments from whatever JSON comes back: a proxy's HTML page, a cut-off answer,
an issue without its number. Its errors on those (a TypeError deep inside it, a field that reads as None)
would look like bugs of gardener's, or pass unnoticed. `CheckedRequester` is PyGithub's requester with one
addition: each answer of an endpoint gardener uses is checked against the fields gardener reads, and one of
the wrong shape is an `UnreadableAnswer` naming the endpoint and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from github import GithubException
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, Requester

from loggardener.errors import shown_url
from loggardener.regexes import compile_regex
from loggardener.sources.google_auth import within

_ENDPOINT = compile_regex(r"/repos/[^/]+/[^/]+/issues(/\d+/comments|/comments/\d+|/\d+)?\Z")
_LINK = compile_regex(r'<([^<>\s]+)>; rel="([a-z]+)"')
_KINDS = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "an object",
}


class UnreadableAnswer(Exception):
    """A 2xx answer of GitHub's that is not what its API sends, naming the endpoint and what is wrong."""

    def __init__(self, endpoint: str, what: str) -> None:
        super().__init__(
            f"GitHub's answer to {endpoint} is unreadable: {what} (a proxy's page? check GITHUB_API_URL)"
        )
        self.endpoint = endpoint
        self.what = what


class _Wrong(Exception):
    """What is wrong with a value: `problem`, and the `field` of the object it is in, if any."""

    def __init__(self, problem: str, field: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field

    def at(self, place: str) -> str:
        """The problem said of `place` (`item 3`, `the answer`)."""
        if self.field is None:
            return f"{place} {self.problem}"
        return f"{self.field!r} of {place}{'' if self.problem.startswith(':') else ' '}{self.problem}"


def _kind(value: object) -> str:
    return "null" if value is None else _KINDS.get(type(value), type(value).__name__)


def _text(value: object) -> None:
    if not isinstance(value, str):
        raise _Wrong(f"is {_kind(value)}, not a string")


def _text_or_null(value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise _Wrong(f"is {_kind(value)}, not a string or null")


def _count(value: object) -> None:
    if type(value) is not int:
        raise _Wrong(f"is {_kind(value)}, not an integer")
    if value < 0:
        raise _Wrong(f"is {value}, not a count")


def _number(value: object) -> None:
    _count(value)
    if value == 0:
        raise _Wrong("is 0, not an issue number")


def _flag(value: object) -> None:
    if not isinstance(value, bool):
        raise _Wrong(f"is {_kind(value)}, not a boolean")


def _state(value: object) -> None:
    if value not in ("open", "closed"):
        raise _Wrong(f"is {value!r}, not open or closed")


def _time_or_null(value: object) -> None:
    if value is None:
        return
    _text(value)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise _Wrong(f"is not a time: {str(value)[:40]!r}") from None
    if moment.tzinfo is None:
        raise _Wrong(f"is not a time: {str(value)[:40]!r}")


def _labels(value: object) -> None:
    if not isinstance(value, list):
        raise _Wrong(f"is {_kind(value)}, not a list")
    for index, label in enumerate(value, 1):
        try:
            _fields(label, {"name": _text})
        except _Wrong as exc:
            raise _Wrong(": " + exc.at(f"item {index}")) from None


def _fields(value: object, shape: Mapping[str, Callable[[object], None]]) -> None:
    if not isinstance(value, dict):
        raise _Wrong(f"is {_kind(value)}, not an object")
    for key, check in shape.items():
        if key not in value:
            raise _Wrong(f"has no {key!r}")
        try:
            check(value[key])
        except _Wrong as exc:
            raise _Wrong(exc.problem, key) from None


class CheckedRequester(Requester):
    """PyGithub's requester, checking the answers of the issue endpoints (see the module's docstring).

    A redirect PyGithub does not follow (GitHub's 307 to a write to a renamed or transferred repository)
    becomes a `GithubException` with its status instead of a success without content.
    """

    whole_seconds: float | None = None
    """How long one request may take in all, its retries' waits included (set by the publisher): PyGithub's
    timeout bounds each wait for a byte, so an answer sent a byte at a time would hold the run forever."""

    def requestJson(
        self,
        verb: str,
        url: str,
        parameters: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        input: Any | None = None,
        cnx: HTTPRequestsConnectionClass | HTTPSRequestsConnectionClass | None = None,
        follow_302_redirect: bool = False,
    ) -> tuple[int, dict[str, Any], str]:
        send = super().requestJson

        def request() -> tuple[int, dict[str, Any], str]:
            return send(verb, url, parameters, headers, input, cnx, follow_302_redirect=follow_302_redirect)

        try:
            whole = self.whole_seconds
            status, answer_headers, output = request() if whole is None else within(whole, request)
        except RuntimeError as exc:  # PyGithub refuses a 301 to another host or scheme, or to the same path
            if "base_url" not in str(exc):
                raise
            raise GithubException(301, {"message": str(exc)}, {}) from None
        if 300 <= status < 400:
            where = answer_headers.get("location")
            message = f"moved to {where}" if where else "moved"
            raise GithubException(status, {"message": message}, answer_headers)
        if 200 <= status < 300:
            self._check(verb, url, parameters or {}, answer_headers, output)
        elif status >= 400 and not _decodes(output):
            output = ""  # a cut-off error page: PyGithub would raise its JSON error, not the status
        return status, answer_headers, output

    @classmethod
    def createException(cls, status: int, headers: dict[str, Any], output: Any) -> GithubException:
        """PyGithub's exception for an error status; one for the status alone when the answer is not
        GitHub's error object (an HTML page, a JSON list, a message that is not text)."""
        if isinstance(output, dict) and isinstance(output.get("message"), str | None):
            return super().createException(status, headers, output)
        return GithubException(status, None, headers)

    # -- the checks ------------------------------------------------------------------------------------
    def _check(
        self, verb: str, url: str, parameters: Mapping[str, Any], headers: Mapping[str, Any], output: str
    ) -> None:
        parts = urlsplit(url)
        match = _ENDPOINT.search(parts.path)
        if match is None or verb not in ("GET", "POST", "PATCH"):
            return
        endpoint = f"{verb} {parts.path}"
        suffix = match.group(1) or ""
        many = verb == "GET" and not re.search(r"/\d+$", suffix)
        shape = self._comment_shape() if "comments" in suffix else self._issue_shape()
        data = self._decode(endpoint, headers, output, "a list" if many else "an object")
        wanted = list if many else dict
        if not isinstance(data, wanted):
            raise UnreadableAnswer(endpoint, f"{_kind(data)} where {_KINDS[wanted]} belongs")
        items = data if many else [data]
        for index, item in enumerate(items, 1):
            try:
                _fields(item, shape)
            except _Wrong as exc:
                raise UnreadableAnswer(endpoint, exc.at(f"item {index}" if many else "the answer")) from None
        if many and data:
            try:
                self._check_link(url, parameters, headers.get("link"))
            except _Wrong as exc:
                raise UnreadableAnswer(endpoint, exc.problem) from None

    @staticmethod
    def _decode(endpoint: str, headers: Mapping[str, Any], output: str, wanted: str) -> Any:
        if not output.strip():
            raise UnreadableAnswer(endpoint, f"an empty answer where {wanted} belongs")
        try:
            return json.loads(output)
        except RecursionError:
            raise UnreadableAnswer(endpoint, "JSON nested too deeply to be read") from None
        except ValueError as exc:
            if output.lstrip().startswith(("{", "[")):
                raise UnreadableAnswer(endpoint, f"cut off or broken JSON ({exc})") from None
            kind = str(headers.get("content-type") or "no content type").split(";")[0]
            start = " ".join(output.split())[:60]
            raise UnreadableAnswer(endpoint, f"not JSON ({kind}: {start!r})") from None

    def _api_url(self, value: object) -> None:
        _text(value)
        if not self._on_api(str(value)):
            raise _Wrong(f"is not on {shown_url(self.base_url)}: {str(value)[:80]!r}")

    def _on_api(self, url: str) -> bool:
        """Whether `url` is on the API this requester talks to: its host, port and path, as PyGithub checks
        before following a URL (an https answer of an API reached by http, behind a proxy, is)."""
        base, there = urlsplit(self.base_url), urlsplit(url)
        return (
            there.scheme in ("http", "https")
            and (there.hostname or "") == (base.hostname or "")
            and _port(there) == _port(base)
            and there.path.startswith(base.path.rstrip("/") + "/")
        )

    def _issue_shape(self) -> dict[str, Callable[[object], None]]:
        return {
            "number": _number,
            "title": _text,
            "body": _text_or_null,
            "state": _state,
            "labels": _labels,
            "html_url": _text,
            "url": self._api_url,
            "comments": _count,
            "locked": _flag,
            "closed_at": _time_or_null,
        }

    def _comment_shape(self) -> dict[str, Callable[[object], None]]:
        return {"id": _number, "body": _text_or_null, "html_url": _text, "url": self._api_url}

    def _check_link(self, url: str, parameters: Mapping[str, Any], link: object) -> None:
        """The next page of a listing must be the same endpoint, on this API, past the current page: a Link
        header that PyGithub cannot split, or that leads elsewhere or back, would crash it or loop forever."""
        if not link:
            return
        parts = str(link).split(", ")
        found = [_LINK.fullmatch(part) for part in parts]
        if not all(found):
            raise _Wrong(f"its Link header is not GitHub's: {str(link)[:80]!r}")
        pages = {m.group(2): m.group(1) for m in found if m}
        following = pages.get("next")
        if following is None:
            return
        here, there = urlsplit(url), urlsplit(following)
        if not self._on_api(following):
            raise _Wrong(f"its next page is not on {shown_url(self.base_url)}: {following[:80]!r}")
        if not there.path.endswith(here.path):  # the first page is asked for by a path relative to the API
            raise _Wrong(f"its next page is another endpoint: {there.path[:80]!r}")
        current = _page(parse_qs(here.query).get("page", [str(parameters.get("page", "1"))])[0])
        target = parse_qs(there.query).get("page")
        if (target is not None and _page(target[0]) <= current) or (target is None and following == url):
            raise _Wrong(f"its next page does not follow page {current}: {following[:80]!r}")


def _decodes(output: str) -> bool:
    """Whether an answer is JSON, or text PyGithub takes as it is (it decodes what starts like JSON)."""
    if not output.lstrip().startswith(("{", "[")):
        return True
    try:
        json.loads(output)
    except (ValueError, RecursionError):
        return False
    return True


def _page(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _port(parts: Any) -> int | None:
    """The port a URL names (None when it names none, or one that is not a port)."""
    try:
        port: int | None = parts.port
    except ValueError:
        return -1
    return port
