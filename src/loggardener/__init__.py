"""log gardener: turn Cloud Logging entries into triaged, de-duplicated worklogs and GitHub issues."""

from loggardener import generated_code

__version__ = "0.1.0"

# before any module of gardener, or typer, pydantic and rich, which the command line imports, makes its dataclasses
generated_code.install()
