"""The `gardener` command line: registers the commands (each lives in `loggardener.commands`)."""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

from loggardener import __version__, startup
from loggardener.commands.cluster import cluster as cluster_command
from loggardener.commands.scan import scan as scan_command
from loggardener.console import err, out, raise_terminated
from loggardener.errors import GardenerError
from loggardener.files import standard_output_error

app = typer.Typer(
    name="gardener",
    help="Turn a Google Cloud project's logs into triaged, de-duplicated worklogs and GitHub issues.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
app.command("cluster")(cluster_command)
app.command("scan")(scan_command)


def _version(value: bool) -> None:
    if value:
        out.print(f"gardener {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """log gardener."""


def main() -> None:
    """Console-script entry point."""
    # gardener's pydantic models are its own: no plugin another package registers (observability
    # instrumentation) is loaded for them, and searching every installed package's entry points for one
    # costs each run a noticeable part of its start-up. Typer builds its own validators the same way.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    startup.begin()  # the command calls `startup.end` once it has loaded what it runs
    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        app()
    except (OSError, GardenerError) as exc:  # --help, --version or a usage error to a full standard output
        failure = exc if isinstance(exc, GardenerError) else standard_output_error(exc)
        err.print(f"error: {failure.message}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(int(failure.exit_code))
