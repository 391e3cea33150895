"""The `gardener` command line: registers the commands (each lives in `loggardener.commands`)."""

from __future__ import annotations

import io
import os
import signal
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from loggardener import __version__, startup
from loggardener.commands.cluster import cluster as cluster_command
from loggardener.commands.scan import scan as scan_command
from loggardener.console import (
    INTERRUPTED,
    OWN_PROCESS,
    STOPPED_BY_SIGNAL,
    Terminated,
    err,
    exit_within_grace,
    out,
    raise_terminated,
    stopped_by_signal,
    terminating_signal,
)
from loggardener.errors import GardenerError, debugging
from loggardener.files import holds_any_character, standard_output_error

_T = TypeVar("_T")
_UsageError: type[Exception] = typer.BadParameter.__bases__[0]
"""click's UsageError, whether typer vendors click (as its later releases do) or depends on it."""


_NOT_A_NUMBER = {
    "Input should be a valid number": "is not a number: give one such as 12 or 0.5",
    "Input should be a valid integer": "is not a whole number: give one such as 500",
}
"""What pydantic, which converts typer's option values, says of a value that is no number, in gardener's words."""


def _given(args: list[str], names: list[str]) -> str | None:
    """The value the command line gives an option under one of its `names` (`--hours 12h`, `--hours=12h`), the
    last one given; None when it is not there as one argument."""
    value = None
    for at, arg in enumerate(args):
        if arg in names and at + 1 < len(args):
            value = args[at + 1]
        elif arg.startswith("--") and arg.partition("=")[0] in names:
            value = arg.partition("=")[2]
    return value


_TYPOGRAPHIC_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
"""The dashes a word processor, a chat or a web page makes of `--` (en and em dash, minus sign…)."""


def _extra_argument_hint(exc: Any, args: list[str]) -> str:
    """What an argument no option takes was likely meant as, to end click's "unexpected extra argument" line
    with ('' when nothing comes to mind): an option written with a typographic dash (copied from a document),
    or scan's input given without --from."""
    if not str(getattr(exc, "message", "")).startswith("Got unexpected extra argument"):
        return ""
    dashed = next((arg for arg in args if arg[:1] in _TYPOGRAPHIC_DASHES), None)
    if dashed is not None:
        return (
            f"; {dashed.split('=', 1)[0]!r} starts with a typographic dash, not two ASCII hyphens (as a document "
            f"or a chat turns --): type it as --{dashed.lstrip(_TYPOGRAPHIC_DASHES + '-')}"
        )
    command = getattr(getattr(exc, "ctx", None), "command", None)
    if getattr(command, "name", None) == "scan":
        return "; scan reads a file given with --from PATH (`-` for standard input), and without --from a project's logs live"
    return ""


def _usage_message(exc: Any, args: list[str]) -> str:
    """click's message of a usage error, where a value pydantic could not convert is said in gardener's words,
    naming the value (`--hours '12h' is not a number: …`), not pydantic's (`Input should be a valid number,
    unable to parse string as a number`), and a choice's without pydantic's `Value error, ` before it; an
    argument no option takes says what it was likely meant as (`_extra_argument_hint`)."""
    message: str = exc.format_message() + _extra_argument_hint(exc, args)
    param = getattr(exc, "param", None)
    names = [*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())]
    said = getattr(exc, "message", "")
    if not names or not isinstance(said, str):
        return message
    value = _given(args, names)
    for pydantics, ours in _NOT_A_NUMBER.items():
        if said.startswith(pydantics) and value is not None:
            return f"{names[0]} {value!r} {ours}"
    return message.replace(": Value error, ", ": ", 1)


def _in_one_line(ctx: Any, parse: Callable[[], _T], args: list[str] | None = None) -> _T:
    """`parse()` of `args`, where a usage error (a value of the wrong type, an unknown option or command, an
    option without its value) is one line and exit code 2, as gardener's own checks say theirs: click's box of
    six lines wraps its message at 80 columns, in a CI log too."""
    try:
        return parse()
    except _UsageError as exc:
        # shell completion parses half a line; `gardener` alone shows the help (printed already), no message
        if ctx.resilient_parsing or not exc.format_message().strip():  # type: ignore[attr-defined]
            raise
        err.print(
            f"error: {_usage_message(exc, args or [])} (`{ctx.command_path} -h` lists the options)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(exc.exit_code) from None  # type: ignore[attr-defined]


def _help_to_a_closed_pipe(show: Callable[[], None]) -> None:
    """`show()`, the help typer prints with a rich console of its own, where a reader that left standard output
    (`gardener scan -h | head -1`) ends the help quietly: rich answers the closed pipe with SystemExit(1), having
    pointed standard output at /dev/null, and 1 is the README's code for `--fail-on`."""
    try:
        show()
    except SystemExit as exc:
        if exc.code != 1:
            raise


class _Commands(TyperGroup):
    """The `gardener` group: a mistyped command or option is one line (`_in_one_line`); its help, to a closed
    pipe, ends quietly (`_help_to_a_closed_pipe`)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _help_to_a_closed_pipe(lambda: super(_Commands, self).format_help(ctx, formatter))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return _in_one_line(ctx, lambda: super(_Commands, self).parse_args(ctx, args), list(args))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        return _in_one_line(ctx, lambda: super(_Commands, self).resolve_command(ctx, args))


_FILE_OUTPUTS = {
    "--report-json": "report.json",
    "--assignments": "assignments.ndjson",
    "--state": ".gardener-state.json",
    "--save-export": "export.ndjson",
    "--step-summary": "summary.md",
}
"""The options that write one file, each with a name it could have: a value ending with a path separator
(`--report-json reports/`) names a directory, which a path drops in silence, so a file named as the directory
was written where the user meant one inside it."""
_SEPARATORS = tuple({"/", os.sep})


class _OptionsOnce(TyperCommand):
    """A command whose options of one value refuse a second one (the parser keeps the last, so
    `--from a.json --from b.json` would scan b.json alone and say nothing of a.json) and an empty one
    (`--report-json "$REPORT"` with the variable unset: as a path it is the current directory, as a name
    it is no name, so `--project ""` would quietly fall back to GOOGLE_CLOUD_PROJECT)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's vendored click Context
        return _in_one_line(ctx, lambda: self._parse_args(ctx, args), list(args))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _help_to_a_closed_pipe(lambda: super(_OptionsOnce, self).format_help(ctx, formatter))

    def _parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            values, _, order = self.make_parser(ctx).parse_args(args=list(args))  # order: one per occurrence
        except Exception as exc:  # click's NoSuchOption: its suggestions would name options kept for tests
            hidden = {opt for param in self.params if getattr(param, "hidden", False) for opt in param.opts}
            if getattr(exc, "possibilities", None):
                exc.possibilities = [name for name in exc.possibilities if name not in hidden]  # type: ignore[attr-defined]
            raise
        given: set[str] = set()
        for param in order:
            if ctx.resilient_parsing:  # shell completion parses half a line
                break
            if not isinstance(param, TyperOption) or param.count or param.is_flag:
                continue
            value = values.get(param.name)
            if value == "" or (param.multiple and "" in (value or ())):
                raise typer.BadParameter(
                    "got an empty value (is the variable that gives it set?): give one, or leave the option out",
                    ctx=ctx,
                    param=param,
                )
            named = _FILE_OUTPUTS.get(param.opts[0])
            if named is not None and isinstance(value, str) and value.endswith(_SEPARATORS) and value != "-":
                raise typer.BadParameter(
                    f"{value!r} ends with {value[-1]}, which names a directory, and this option writes a file "
                    f"(it would be written as {value.rstrip(''.join(_SEPARATORS))!r}): give the file's path, such "
                    f"as {value}{named}",
                    ctx=ctx,
                    param=param,
                )
            if param.opts[0] in given and not param.multiple:
                raise typer.BadParameter(
                    "given more than once; it takes one value (the last would win in silence): give it once",
                    ctx=ctx,
                    param=param,
                )
            given.add(param.opts[0])
        for param in self.params:
            if (
                isinstance(param, TyperOption)
                and param.opts[0] in _FILE_OUTPUTS
                and param.opts[0] not in given
            ):
                _refuse_directory_in_variable(ctx, param)
        return super().parse_args(ctx, args)


def _refuse_directory_in_variable(ctx: Any, param: TyperOption) -> None:
    """An output's file given by an environment variable (`GITHUB_STEP_SUMMARY`) ending with a path separator,
    refused as the option's own value is: it names a directory, and a file named as the directory would be
    written."""
    variable = param.envvar
    value = os.environ.get(variable) if isinstance(variable, str) else None
    if value and value.endswith(_SEPARATORS):
        raise typer.BadParameter(
            f"{variable}={value!r} ends with {value[-1]}, which names a directory, and it gives a file (it "
            f"would be written as {value.rstrip(''.join(_SEPARATORS))!r}): set it to the file's path, such as "
            f"{value}{_FILE_OUTPUTS[param.opts[0]]}",
            ctx=ctx,
            param=param,
        )


app = typer.Typer(
    name="gardener",
    help="Turn a Google Cloud project's logs into triaged, de-duplicated worklogs and GitHub issues.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    cls=_Commands,
)

app.command("cluster", cls=_OptionsOnce)(cluster_command)
app.command("scan", cls=_OptionsOnce)(scan_command)


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


def _escape_what_cannot_be_shown() -> None:
    """On a terminal or pipe whose encoding is not Unicode (PYTHONIOENCODING=latin-1, a Windows console
    redirected to a file in cp1252), a character it cannot hold is written as its escape (`\\u2014`), not a
    UnicodeEncodeError after the scan."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not holds_any_character(stream.encoding):
            stream.reconfigure(errors="backslashreplace")


def _typer_took_ctrl_c(exit_: SystemExit) -> bool:
    """Whether typer ended the process for a Ctrl-C that came before the command's own handling began (options
    parsed, the command invoked): typer turns that KeyboardInterrupt into a silent exit 130, which would leave
    the stop unsaid and no bound on the shutdown."""
    typer_exit = exit_.__context__
    return isinstance(typer_exit, typer.Exit) and isinstance(typer_exit.__cause__, KeyboardInterrupt)


def main() -> None:
    """Console-script entry point."""
    # gardener's pydantic models are its own: no plugin another package registers (observability
    # instrumentation) is loaded for them, and searching every installed package's entry points for one
    # costs each run a noticeable part of its start-up. Typer builds its own validators the same way.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    startup.begin()  # the command calls `startup.end` once it has loaded what it runs
    OWN_PROCESS.append(True)
    _escape_what_cannot_be_shown()
    signal.signal(signal.SIGTERM, raise_terminated)
    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, raise_terminated)
    try:
        app()
    except Terminated as exc:  # before the command's own handling began (options parsed, modules loading)
        sys.exit(stopped_by_signal(exc.signum, INTERRUPTED))
    except KeyboardInterrupt:
        sys.exit(stopped_by_signal(None, INTERRUPTED))
    except SystemExit as exc:
        if not STOPPED_BY_SIGNAL and _typer_took_ctrl_c(exc):
            sys.exit(stopped_by_signal(None, INTERRUPTED))
        raise
    except (OSError, GardenerError) as exc:  # --help, --version or a usage error to a full standard output
        if isinstance(exc, OSError) and debugging():  # a command's own error, whose traceback was asked for
            raise
        failure = exc if isinstance(exc, GardenerError) else standard_output_error(exc)
        err.print(f"error: {failure.message}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(int(failure.exit_code))
    except Exception:
        signum = terminating_signal()
        if signum is None:
            raise
        # the signal's exception, wrapped by the code it interrupted
        sys.exit(stopped_by_signal(signum, INTERRUPTED))
    finally:
        startup.leave()  # the command has finished: what is alive now is freed with the process
        if STOPPED_BY_SIGNAL:  # its workers' shutdown must not keep the stopped process waiting
            exit_within_grace(STOPPED_BY_SIGNAL[0])
