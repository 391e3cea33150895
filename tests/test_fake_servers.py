"""The fake APIs' shared server (tests/fakes/server.py): a handler's fault fails the test at teardown instead of
being printed into the stderr CliRunner captures; a client that hung up is no fault."""

from __future__ import annotations

import http.client
import socket
import struct

import pytest

from fakes.server import FakeServer, QuietHandler


class _Quiet(QuietHandler):
    protocol_version = "HTTP/1.1"
    server: FakeServer

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Raising(_Quiet):
    def do_GET(self) -> None:
        raise ValueError("the fake's own bug")


class _RaisingAfterAnswering(_Quiet):
    """Answers in full, then fails once the server stops (and ends the connection the client kept alive): the
    client never noticed."""

    def do_GET(self) -> None:
        self._answer(b"{}")
        self.rfile.readline()
        raise KeyError("after the answer")


class _AnsweringAtLength(_Quiet):
    """Answers far more than a socket buffers, after the client has hung up."""

    def do_GET(self) -> None:
        self.server.stopping.wait(0.2)
        for _ in range(64):
            self._answer(b"x" * 65536)


def _get(connection: http.client.HTTPConnection) -> int:
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    return response.status


def _connection(server: FakeServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)


def test_a_handler_that_raises_fails_the_test_at_teardown_and_prints_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with (
        pytest.raises(AssertionError, match=r"(?s)handler failed.*ValueError: the fake's own bug"),
        FakeServer(_Raising) as server,
        pytest.raises(http.client.RemoteDisconnected),
    ):
        _get(_connection(server))
    assert capfd.readouterr().err == ""


def test_a_fault_after_the_client_had_its_answer_still_fails_the_test() -> None:
    """Stopping waits for the requests still being answered: a fault after the answer is not lost."""
    with (
        pytest.raises(AssertionError, match="KeyError: 'after the answer'"),
        FakeServer(_RaisingAfterAnswering) as server,
    ):
        kept_alive = _connection(server)
        assert _get(kept_alive) == 200
    kept_alive.close()


def test_a_client_that_hangs_up_is_no_fault(capfd: pytest.CaptureFixture[str]) -> None:
    """A client that gives up mid-answer (a reset: closed with nothing lingering): the handler's write fails
    with a connection error, which is the client's doing."""
    with FakeServer(_AnsweringAtLength) as server:
        client = socket.create_connection(server.server_address[:2], timeout=10)
        client.sendall(b"GET / HTTP/1.1\r\nHost: fake\r\n\r\n")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    assert capfd.readouterr().err == ""


def test_stopping_ends_a_connection_kept_alive_by_its_client() -> None:
    """A client's kept-alive connection (HTTP/1.1) waits for a next request; stopping the server ends it."""

    class Answering(_Quiet):
        def do_GET(self) -> None:
            self._answer(b"{}")

    with FakeServer(Answering) as server:
        connection = _connection(server)
        assert _get(connection) == 200
    assert connection.sock is not None
    assert connection.sock.recv(1) == b""  # the server's end is shut
    connection.close()
