"""A fake server's answer that never completes: one byte at a time, until the client gives up or the server stops."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler


def trickle(
    handler: BaseHTTPRequestHandler, status: int, every: float, stopping: threading.Event, first: bytes = b""
) -> None:
    """Answer `status` with a JSON body announced far longer than sent: `first`, then a blank every `every`
    seconds (each wait for a byte is short, the answer never whole)."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(10**8))
    handler.end_headers()
    handler.wfile.write(first)
    while not stopping.wait(every):
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:  # the client gave up
            break
    handler.close_connection = True
