"""Sources stage: where raw LogEntry dicts come from."""

from loggardener.sources.interface import EntrySource, RawRecord, SourceStats

__all__ = ["EntrySource", "RawRecord", "SourceStats"]
