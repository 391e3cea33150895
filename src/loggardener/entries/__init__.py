"""Entries stage: raw LogEntry dicts in, normalized events out (parse, normalize, reassemble)."""
