"""log gardener: turn Cloud Logging entries into triaged, de-duplicated worklogs and GitHub issues."""

__version__ = "0.1.0"
