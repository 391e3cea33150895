"""Local stand-ins for the remote services log gardener talks to, speaking their real wire formats."""

from fakes.logging_server import FakeLoggingServer, Fault, RecordedRequest

__all__ = ["FakeLoggingServer", "Fault", "RecordedRequest"]
