"""Terminal output shared by the commands, and the one place user errors become exit codes."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from loggardener.errors import ExitCode, GardenerError, debugging, scrub
from loggardener.files import ENVIRONMENT_ERRNOS, STANDARD_OUTPUT, discard_stream, write_reason
from loggardener.rendering.markdown_safety import strip_controls


class _Console(Console):
    """A rich console that falls silent when its reader goes away (`gardener scan | head`, a log pipe closed)
    instead of ending the command with rich's exit code 1, which the README gives to `--fail-on`: the command
    goes on, writes its files, and exits with its own code."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        discard_stream(self.file)

    def render_str(self, text: str, **options: Any) -> Text:
        """Every text printed is inert, as the error lines are: control characters and bidirectional overrides in
        a string (a path given on the command line, such as `--out`'s in the `Worklog:` line, a table's cell: a
        template `gardener cluster` mined from its input) are removed, never sent to the terminal; gardener's own
        styling is rich markup, applied after. (Rich makes every string it prints, and every string cell of a
        table, a `Text` here.) Every text is scrubbed too (`scrub`): a line quoting a setting or a service's
        answer (a project id, a path, an endpoint, GitHub's message) shows no credential, whoever wrote it."""
        return super().render_str(scrub(strip_controls(text)), **options)


class _SizingEnvironment(Mapping[str, str]):
    """The environment as the consoles read it, where a `COLUMNS` or `LINES` of 0 is not set, as Python's
    `shutil.get_terminal_size` takes it (a shell or CI step that exported the size of no terminal): rich would
    lay every line out in 0 columns and print nothing, the error lines too."""

    def __getitem__(self, name: str) -> str:
        value = os.environ[name]
        if name in ("COLUMNS", "LINES") and value.strip().isdigit() and int(value) == 0:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(os.environ)

    def __len__(self) -> int:
        return len(os.environ)


err = _Console(stderr=True, _environ=_SizingEnvironment())
out = _Console(file=STANDARD_OUTPUT, _environ=_SizingEnvironment())


def animates(console: Console) -> bool:
    """Whether a progress display may animate on `console`: only on a real terminal. FORCE_COLOR (set in CI
    logs for colour) makes rich take any file for a terminal, and a spinner there writes its frames and cursor
    codes into the log; colour alone stays."""
    isatty = getattr(console.file, "isatty", None)
    return console.is_terminal and callable(isatty) and bool(isatty())


INTERRUPTED = "stopped before the end; each output is written whole or not at all, so run the command again"
SCAN_INTERRUPTED = "stopped before the end; each output is written whole or not at all, so rerun the scan"
PUBLISHING_SCAN_INTERRUPTED = f"{SCAN_INTERRUPTED} (issues already published are found again, not duplicated)"


class Terminated(BaseException):
    """SIGTERM (a CI job cancelled, a container stopped) or SIGHUP (the terminal or SSH session closed),
    raised where the program is so that files being written are cleaned up as for Ctrl-C, instead of the
    process vanishing mid-write."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_RECEIVED: list[int] = []
_REDELIVERY_SECONDS = 0.005
"""How long after a signal that landed inside the import system it is delivered again (`raise_terminated`)."""


def raise_terminated(signum: int, frame: object) -> None:
    """The SIGTERM and SIGHUP handler `gardener` installs.

    A signal that lands inside the import system is delivered again a moment later instead: there, the exception
    may be raised in a weakref callback of a module lock, where Python prints it as ignored and goes on."""
    code = getattr(frame, "f_code", None)
    if code is not None and code.co_filename.startswith("<frozen importlib"):
        threading.Timer(_REDELIVERY_SECONDS, os.kill, (os.getpid(), signum)).start()
        return
    _RECEIVED.append(signum)
    raise Terminated(signum)


def terminating_signal() -> int | None:
    """The SIGTERM or SIGHUP this process received, if any: code it interrupted may have turned the `Terminated`
    into an error of its own (pydantic-core, building a validator at start-up, makes any exception a
    `SchemaError`: `Error building "…" validator: Terminated: 15`)."""
    return _RECEIVED[0] if _RECEIVED else None


STOPPED_BY_SIGNAL: list[int] = []
"""The exit code of a command a signal stopped: the process then ends within `exit_within_grace`."""
EXIT_GRACE_SECONDS = 5.0
"""How long a command a signal stopped may take to shut down (its worker processes, their pool's threads)."""


def exit_within_grace(code: int) -> None:
    """End the process with `code` if its own shutdown has not ended it within `EXIT_GRACE_SECONDS`. A signal
    that comes while worker processes start can leave the pool's thread and a half-started worker waiting for
    each other, and the interpreter joins both at exit: the stopped command must not hang there."""

    def end() -> None:
        time.sleep(EXIT_GRACE_SECONDS)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)

    threading.Thread(target=end, name="exit after a signal", daemon=True).start()


OWN_PROCESS: list[bool] = []
"""Set by `cli.main`, the process's entry point: the command's stop ends the process. An in-process caller (the
tests' CliRunner) leaves it unset and keeps its own signal handling."""


def stopped_by_signal(signum: int | None, interrupted: str) -> int:
    """Say the one line a command stopped by `signum` (None: Ctrl-C) ends with, and record and return its exit
    code: 130 for Ctrl-C, 128 + the signal's number for SIGTERM and SIGHUP.

    In its own process, a second Ctrl-C, SIGTERM or SIGHUP is ignored from here on: the process is already ending,
    and one more stop would cut that short (the workers' shutdown, the regex cache written at exit) with a
    traceback, or leave it joining a thread forever before `exit_within_grace` is armed."""
    if OWN_PROCESS and threading.current_thread() is threading.main_thread():
        for stop in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if stop is not None:  # (no SIGHUP on Windows)
                signal.signal(stop, signal.SIG_IGN)
    if signum is None:
        err.print(f"[bold red]interrupted:[/] {interrupted}", highlight=False, soft_wrap=True)
        code = 130
    else:
        name = signal.Signals(signum).name
        err.print(f"[bold red]terminated ({name}):[/] {interrupted}", highlight=False, soft_wrap=True)
        code = 128 + signum
    STOPPED_BY_SIGNAL.append(code)
    return code


P = ParamSpec("P")
R = TypeVar("R")


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a `GardenerError` into one red line and its exit code; an unexpected error into exit code 1; a
    signal into one line saying the command stopped (`INTERRUPTED`).

    Set GARDENER_DEBUG=1 to see the traceback of an unexpected error.
    """
    return reporting_errors(INTERRUPTED)(command)


def reporting_errors(
    interrupted: str | Callable[[Mapping[str, object]], str],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`user_errors`, saying `interrupted` when a signal stops the command: a text, or one made from the
    command's options (a scan that publishes says what a rerun of it does about the issues it published; other
    runs and commands publish none)."""
    return functools.partial(_reporting_errors, interrupted=interrupted)


def _reporting_errors(
    command: Callable[P, R], interrupted: str | Callable[[Mapping[str, object]], str]
) -> Callable[P, R]:
    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        said = interrupted(kwargs) if callable(interrupted) else interrupted
        try:
            return command(*args, **kwargs)
        except GardenerError as exc:
            err.print(
                f"[bold red]error:[/] {escape(strip_controls(exc.message))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            raise typer.Exit(stopped_by_signal(None, said)) from None
        except Terminated as exc:
            raise typer.Exit(stopped_by_signal(exc.signum, said)) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            signum = terminating_signal()
            if signum is not None:  # the signal's exception, wrapped by the code it interrupted
                raise typer.Exit(stopped_by_signal(signum, said)) from None
            if debugging():
                raise
            if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS:
                # the machine, not gardener: on a file no check before the scan could foresee (a temporary file)
                where = escape(strip_controls(str(exc.filename))) if exc.filename else "a file"
                err.print(
                    f"[bold red]error:[/] cannot read or write {where}: {escape(write_reason(exc))}",
                    highlight=False,
                    soft_wrap=True,
                )
                raise typer.Exit(int(ExitCode.BAD_INPUT)) from None
            err.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))} "
                "(set GARDENER_DEBUG=1 for the details and report it)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper
