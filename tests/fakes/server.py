"""The one HTTP server every fake API in the tests runs on: 127.0.0.1, an ephemeral port, a thread of its own.

A request handler's fault is kept for the test instead of printed: the server's threads share the process's
stderr, which typer's CliRunner captures as the command's own, so a printed "Exception occurred during
processing of request" broke tests that check the command's first line of stderr (under load, by chance). The
test fails at teardown on the first fault kept instead. A client that hung up (an attempt given up, a timeout
under load) is no fault of the fake and is not kept.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fakes.tls import serve_tls

HANDLERS_END_SECONDS = 5.0
"""How long stopping waits for the requests still being answered to end (their faults count too)."""


class QuietHandler(BaseHTTPRequestHandler):
    """A fake API's request handler: it logs nothing (a test reads what its fake recorded instead) and answers
    JSON."""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the server's threads share the process's stderr, which CliRunner captures as the command's."""

    def body(self) -> bytes:
        """The request's body (none without a Content-Length)."""
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send_json(self, answer: Any, status: int = 200) -> None:
        """Answer `status` with `answer` as JSON."""
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeServer(ThreadingHTTPServer):
    """A server of `handler` on 127.0.0.1; behind TLS with a certificate of its own when `tls_in` names a
    directory for it (`certificate` is then its PEM file). Serves from `start()` (or entering it as a context
    manager) until `stop()`, which fails the test with the first fault its handler had."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], tls_in: Path | None = None) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.faults: list[BaseException] = []
        self.stopping = threading.Event()
        """Set when the server stops: a handler that hangs or trickles on purpose waits on it."""
        self.certificate = serve_tls(self, tls_in) if tls_in is not None else None
        self._answering: dict[Any, threading.Thread] = {}
        self._answering_lock = threading.Lock()
        self._thread = threading.Thread(
            # polled every 10 ms, not half a second: `shutdown()` waits for the next poll, in every test's teardown
            target=self.serve_forever,
            args=(0.01,),
            name=f"fake-{handler.__name__}",
            daemon=True,
        )

    @property
    def url(self) -> str:
        """The base URL, `https://` once behind TLS."""
        scheme = "https" if self.certificate is not None else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer in a thread of its own, as ThreadingHTTPServer does, and keep it until its connection closes."""
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self._answering_lock:
            self._answering[request] = thread
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._answering_lock:
            self._answering.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep the fault for `stop()` instead of printing it; a client that hung up is none."""
        fault = sys.exc_info()[1]
        if fault is not None and not isinstance(fault, ConnectionError):
            self.faults.append(fault)

    def stop(self) -> None:
        """Stop serving and end the connections still open (a client's kept-alive ones wait for a next request
        that never comes); then fail with the first fault a handler had, with its traceback."""
        self.stopping.set()
        if self._thread.is_alive():
            self.shutdown()
        self.server_close()
        with self._answering_lock:
            answering = list(self._answering.items())
        for request, _ in answering:
            with suppress(OSError):  # closed meanwhile
                # the plain socket's own shutdown: a TLS socket's would drop its TLS state under a handler
                socket.socket.shutdown(request, socket.SHUT_RD)
        ends = time.monotonic() + HANDLERS_END_SECONDS
        for _, thread in answering:
            thread.join(max(0.0, ends - time.monotonic()))
        if self.faults:
            told = "".join(traceback.format_exception(self.faults[0]))
            raise AssertionError(
                f"the fake server's handler failed ({len(self.faults)} faults); first:\n{told}"
            )


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], tls_in: Path | None = None) -> Iterator[str]:
    """A `FakeServer` of `handler` for the block; its base URL."""
    with FakeServer(handler, tls_in) as server:
        yield server.url
