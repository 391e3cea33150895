"""The `gardener` command's entry point: it readies the process before the command line's modules load."""

from __future__ import annotations

import sys

from loggardener import startup

STOPPED_WHILE_STARTING = "interrupted: stopped while starting, before anything was read or written"


def main() -> None:
    """The console script `gardener`, and `python -m loggardener`.

    The collector runs at the start-up pace (`startup.begin`) from here, while typer, rich and the command
    line's modules load, not only once they have: their imports cost some 30 collections of what they make.
    The code cache of `dataclasses` (`generated_code`) is installed first, before typer, pydantic, rich and
    gardener's modules make their classes, and so is the cache of the code `re` generates (`regexes.install`),
    before they compile their patterns; a library importing `loggardener` keeps `dataclasses` and `re` as they
    are. A Ctrl-C while those modules load, before `cli.main` has its handling, is one line and exit 130, not a
    traceback through the imports."""
    startup.begin()
    try:
        from loggardener import generated_code, regexes

        generated_code.install()
        regexes.install()
        from loggardener import cli
    except KeyboardInterrupt:
        print(STOPPED_WHILE_STARTING, file=sys.stderr)
        sys.exit(130)
    cli.main()
