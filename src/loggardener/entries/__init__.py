"""Entries stage: raw LogEntry dicts in, normalized events out (parse, normalize, reassemble)."""

from loggardener.entries.models import Event, Frame, LogEntry, Severity, StackTrace

__all__ = ["Event", "Frame", "LogEntry", "Severity", "StackTrace"]
